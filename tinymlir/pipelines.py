"""Named pass pipelines: the one place that says what `--pipeline=NAME` runs, and where the
IR is verified while it runs."""

import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager

from tinymlir.errors import TinymlirError

QNN = "canonicalize,cse"
KERNEL = "qnn-schedule,convert-qnn-to-kernel,patch-schedule,kernel-in-place"
# No canonicalize after convert-kernel-to-loops: the lowerings' ScalarBuilder emits the IR
# canonicalize would leave (tinymlir.scalar_builder; test_compile_time checks it on every
# test graph and MLPerf model), but for index arithmetic a lowering computed and did not
# use (e.g. the Cortex-M4 kernels' flat offsets on strided inputs), which dce drops. cse
# stays: the Cortex-M4 kernels repeat loads the C pipeline's cse no longer merges after
# the conversion (the same C as with canonicalize, checked by test_compile_time).
# convert-patch-to-scf after plan-arena, which steps through the patch.stage band loops
LOOPS = f"{KERNEL},convert-kernel-to-loops,dce,cse,plan-arena,convert-patch-to-scf"


def c_pipeline(hard_float: bool = False) -> str:
    """The loops -> C passes. `hard_float` keeps f32 arithmetic native (a Cortex-M4F with
    -mfloat-abi=hard -mfpu=fpv4-sp-d16); otherwise arith-emulate-f32 does what the module's
    target description says (tinymlir.target; without one: cortex-m4, no FPU, so integer
    code). IR without f32 is the same either way."""
    emulate = "arith-emulate-f32{hard-float=true}" if hard_float else "arith-emulate-f32"
    # dce, not canonicalize: the helpers convert-fxp-to-arith and arith-emulate-f32 build
    # (with tinymlir.scalar_builder) come out folded, so canonicalize only erased dead ops,
    # and moved the hard-float expansion's f32 constants out of loops (the C backend
    # writes constants at their uses, wherever they are); test_compile_time checks it.
    return (
        f"convert-fxp-to-arith,{emulate},dce,cse,convert-memref-to-mcuc,"
        "convert-scf-to-mcuc,convert-arith-to-mcuc,convert-func-to-mcuc,reconcile-unrealized-casts,"
        "mcuc-drop-dead-values,mcuc-form-expressions"
    )


def mcu_pipeline(hard_float: bool = False) -> str:
    """The whole ONNX/qnn -> C pipeline (`--pipeline=mcu`; `--fpu` gives hard_float=True)."""
    return f"{QNN},{LOOPS},{c_pipeline(hard_float)}"


C = c_pipeline()

PIPELINES: dict[str, tuple[str, str]] = {
    # name: (pass pipeline, what it is for)
    "qnn": (QNN, "verified, canonicalised qnn IR (the importer's output)"),
    "kernel": (f"{QNN},{KERNEL}", "one qk kernel op per layer on buffers, in-place schedules chosen"),
    "loops": (f"{QNN},{LOOPS}", "buffers, loop nests and the planned arena"),
    "mcu": (
        mcu_pipeline(),
        "the C99 library: with -o DIR/ (or -o NAME.c) writes NAME.c and NAME.h",
    ),
}

#: The IR levels each named pipeline goes through, in order. A named pipeline verifies the IR
#: after import and after the last pass of each level (the last one is also the IR that is
#: printed); passes given with -p, and every pass under --verify-each, are verified after
#: each pass. Verifying the whole module costs about as much as a pass, so verifying only
#: where the IR reaches a new level halves the compile time of the mcu pipeline.
LEVELS: dict[str, tuple[str, ...]] = {
    "qnn": (QNN,),
    "kernel": (QNN, KERNEL),
    "loops": (QNN, LOOPS),
    "mcu": (QNN, LOOPS, C),
}

#: Set (to anything but "" or "0") to verify after every pass everywhere: tests and CI do.
VERIFY_EACH_ENV = "TINYMLIR_VERIFY_EACH"


def verify_each_requested() -> bool:
    return os.environ.get(VERIFY_EACH_ENV, "") not in ("", "0")


def verification_points(
    named: str | None, pass_count: int, verify_each: bool, levels: tuple[str, ...] | None = None
) -> frozenset[int]:
    """After how many of `pass_count` passes the module is verified (0: before the first
    pass, i.e. the imported or parsed IR). `named` is the named pipeline the passes start
    with (its passes come first), None for passes given with -p only; `levels` gives the
    levels directly instead (a named pipeline split in parts)."""
    if verify_each:
        return frozenset(range(pass_count + 1))
    from xdsl.utils.arg_spec import parse_pipeline

    points = {0, pass_count}
    done = 0
    if levels is None:
        levels = LEVELS.get(named, ()) if named else ()
    for level in levels:
        done += len(list(parse_pipeline(level)))
        points.add(done)
    points.update(range(done, pass_count + 1))  # passes after the named pipeline: each
    return frozenset(points)


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


def run_pipeline(
    module, spec: str, ctx=None, *, verify_each: bool | None = None,
    levels: tuple[str, ...] | None = None,
) -> None:
    """Applies a pass pipeline (a pipeline name or an xDSL pipeline string) to `module`,
    verifying it as `tinymlir-opt` does (see LEVELS; `verify_each` None: from the
    environment, VERIFY_EACH_ENV). `levels`: the IR levels `spec` is made of (verified
    after each, as in a named pipeline); None: each pass of an unnamed `spec`."""
    from xdsl.passes import PassPipeline
    from xdsl.transforms import get_all_passes

    from tinymlir.passes import get_all_passes as tinymlir_passes
    from tinymlir.passes import xdsl_pass_replacements

    named = spec if spec in PIPELINES else None
    spec = PIPELINES[spec][0] if named else spec
    passes = {**get_all_passes(), **tinymlir_passes(), **xdsl_pass_replacements()}
    pipeline = PassPipeline.parse_spec(passes, spec)
    if verify_each is None:
        verify_each = verify_each_requested()
    points = verification_points(named, len(pipeline.passes), verify_each, levels)
    ctx = ctx or make_context()
    with collector_paused():
        if 0 in points:
            module.verify()
        for done, pass_ in enumerate(pipeline.passes, start=1):
            pass_.apply(ctx, module)
            if done in points:
                module.verify()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off while passes run (as tinymlir-opt runs with it off):
    the passes free what they erase by reference counting, and the collector only re-scans
    the live IR (about 12 % of VWW's mcu pipeline CPU time). Collected afterwards as usual."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def with_patch_bound(spec: str, bound: str | None) -> str:
    """`spec` with patch-schedule's extra-MAC bound set (the driver's
    --patch-max-extra-macs): None keeps the default, 'off' drops the pass."""
    if bound is None:
        return spec
    if bound == "off":
        return ",".join(p for p in spec.split(",") if p != "patch-schedule")
    try:
        fraction = float(bound)
    except ValueError:
        fraction = -1.0
    if fraction < 0:
        raise TinymlirError(f"--patch-max-extra-macs: expected a fraction >= 0 or 'off', got '{bound}'")
    return ",".join(f"patch-schedule{{max-extra-macs={fraction}}}" if p == "patch-schedule" else p for p in spec.split(","))


def pipeline_spec(name: str, hard_float: bool = False) -> str:
    """The pass pipeline of a named pipeline; `hard_float` (the driver's `--fpu`) selects
    native f32 in the C passes of `mcu` and changes nothing for the others."""
    if name == "mcu":
        return mcu_pipeline(hard_float)
    return PIPELINES[name][0]
