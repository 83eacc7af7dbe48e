"""Named pass pipelines: the one place that says what `--pipeline=NAME` runs."""

QNN = "canonicalize,cse"
LOOPS = "qnn-schedule,convert-qnn-to-loops,canonicalize,cse,plan-arena"
C = (
    "convert-fxp-to-arith,canonicalize,cse,convert-memref-to-mcuc,convert-scf-to-mcuc,"
    "convert-arith-to-mcuc,convert-func-to-mcuc,reconcile-unrealized-casts"
)

PIPELINES: dict[str, tuple[str, str]] = {
    # name: (pass pipeline, what it is for)
    "qnn": (QNN, "verified, canonicalised qnn IR (the importer's output)"),
    "loops": (f"{QNN},{LOOPS}", "buffers, loop nests and the planned arena"),
    "mcu": (
        f"{QNN},{LOOPS},{C}",
        "the C99 library: with -o DIR/ (or -o NAME.c) writes NAME.c and NAME.h",
    ),
}


def describe() -> str:
    return "; ".join(f"{name}: {doc} [{spec}]" for name, (spec, doc) in PIPELINES.items())


def make_context():
    """A context with every registered dialect (xDSL's and tinymlir's)."""
    from xdsl.context import Context
    from xdsl.universe import Universe

    from tinymlir.universe import TINYMLIR_UNIVERSE

    ctx = Context()
    dialects = {**Universe.get_multiverse().all_dialects, **TINYMLIR_UNIVERSE.all_dialects}
    for name, factory in dialects.items():
        if name not in ctx.registered_dialect_names:
            ctx.register_dialect(name, factory)
    return ctx


def run_pipeline(module, spec: str, ctx=None) -> None:
    """Applies a pass pipeline (a pipeline name or an xDSL pipeline string) to `module`."""
    from xdsl.passes import PassPipeline
    from xdsl.transforms import get_all_passes

    from tinymlir.passes import get_all_passes as tinymlir_passes

    spec = PIPELINES[spec][0] if spec in PIPELINES else spec
    passes = {**get_all_passes(), **tinymlir_passes()}
    PassPipeline.parse_spec(passes, spec).apply(ctx or make_context(), module)
