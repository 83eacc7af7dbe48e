"""Named pass pipelines: the one place that says what `--pipeline=NAME` runs."""

QNN = "canonicalize,cse"
LOOPS = "qnn-schedule,convert-qnn-to-loops,canonicalize,cse,plan-arena"


def c_pipeline(hard_float: bool = False) -> str:
    """The loops -> C passes. `hard_float` keeps f32 arithmetic native (a Cortex-M4F with
    -mfloat-abi=hard -mfpu=fpv4-sp-d16); otherwise arith-emulate-f32 implements it in
    integer code (no FPU). IR without f32 is the same either way."""
    emulate = "arith-emulate-f32{hard-float=true}" if hard_float else "arith-emulate-f32"
    return (
        f"convert-fxp-to-arith,{emulate},canonicalize,cse,convert-memref-to-mcuc,"
        "convert-scf-to-mcuc,convert-arith-to-mcuc,convert-func-to-mcuc,reconcile-unrealized-casts"
    )


def mcu_pipeline(hard_float: bool = False) -> str:
    """The whole ONNX/qnn -> C pipeline (`--pipeline=mcu`; `--fpu` gives hard_float=True)."""
    return f"{QNN},{LOOPS},{c_pipeline(hard_float)}"


C = c_pipeline()

PIPELINES: dict[str, tuple[str, str]] = {
    # name: (pass pipeline, what it is for)
    "qnn": (QNN, "verified, canonicalised qnn IR (the importer's output)"),
    "loops": (f"{QNN},{LOOPS}", "buffers, loop nests and the planned arena"),
    "mcu": (
        mcu_pipeline(),
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


def pipeline_spec(name: str, hard_float: bool = False) -> str:
    """The pass pipeline of a named pipeline; `hard_float` (the driver's `--fpu`) selects
    native f32 in the C passes of `mcu` and changes nothing for the others."""
    if name == "mcu":
        return mcu_pipeline(hard_float)
    return PIPELINES[name][0]
