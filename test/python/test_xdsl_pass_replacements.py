"""tinymlir's replacements of xDSL passes (tinymlir.passes.xdsl_pass_replacements: cse and
dce with their effect queries memoised by tinymlir.effects, reconcile-unrealized-casts
visiting only the casts) leave exactly the IR xDSL's leave, wherever the mcu pipeline runs
them, on every test graph (cortex-m4 DSP lowerings and cortex-m4f's generic ones) and an
MLPerf model; and they are what the pipelines and tinymlir-opt run under those names."""

import pytest
from xdsl.transforms.common_subexpression_elimination import CommonSubexpressionElimination
from xdsl.transforms.dead_code_elimination import DeadCodeElimination
from xdsl.transforms.reconcile_unrealized_casts import ReconcileUnrealizedCastsPass as XdslReconcile

from tinymlir.passes.cse import CommonSubexpressionEliminationPass
from tinymlir.passes.dce import DeadCodeEliminationPass
from tinymlir.passes.reconcile_unrealized_casts import ReconcileUnrealizedCastsPass

XDSL = {"cse": CommonSubexpressionElimination(), "dce": DeadCodeElimination(), "reconcile-unrealized-casts": XdslReconcile()}
TINYMLIR = {
    "cse": CommonSubexpressionEliminationPass(), "dce": DeadCodeEliminationPass(),
    "reconcile-unrealized-casts": ReconcileUnrealizedCastsPass(),
}
RUNS = 6  # in the mcu pipeline: cse, dce, cse, dce, cse, reconcile-unrealized-casts


def _compare_along_the_pipeline(module, hard_float: bool) -> int:
    """Runs the mcu pipeline on `module`; before each replaced pass, runs xDSL's and tinymlir's
    on clones and asserts the same printed IR. Returns how many were compared."""
    from xdsl.passes import PassPipeline
    from xdsl.transforms import get_all_passes

    from tinymlir.passes import get_all_passes as tinymlir_passes
    from tinymlir.pipelines import make_context, mcu_pipeline

    ctx = make_context()
    passes = PassPipeline.parse_spec({**get_all_passes(), **tinymlir_passes()}, mcu_pipeline(hard_float)).passes
    compared = 0
    for p in passes:
        if p.name in XDSL:
            theirs, ours = module.clone(), module.clone()
            XDSL[p.name].apply(ctx, theirs)
            TINYMLIR[p.name].apply(ctx, ours)
            assert str(ours) == str(theirs), f"{p.name} after {compared} compared"
            compared += 1
        p.apply(ctx, module)
    return compared


@pytest.mark.parametrize("target", [None, "cortex-m4f"])
def test_replacements_leave_what_xdsls_leave_on_every_test_graph(graphs, target):
    from tinymlir.compiler import import_model
    from tinymlir.target import load_target, set_target

    for name, build in graphs.VALID_GRAPHS.items():
        module = import_model(build())
        if target is not None:
            set_target(module, load_target(target))
        assert _compare_along_the_pipeline(module, hard_float=target is not None) == RUNS, name


def test_replacements_leave_what_xdsls_leave_on_an_mlperf_model(models_dir):
    from tinymlir.compiler import import_model

    assert _compare_along_the_pipeline(import_model(models_dir / "kws_dscnn.onnx"), False) == RUNS


def test_pipelines_and_the_driver_run_the_replacements():
    from xdsl.passes import PassPipeline

    from tinymlir.driver import TinyOptMain
    from tinymlir.passes import xdsl_pass_replacements

    opt = TinyOptMain(args=["--pipeline=mcu", "-"])
    pipeline = PassPipeline.parse_spec(opt.available_passes, ",".join(TINYMLIR)).passes
    assert [type(p) for p in pipeline] == [type(p) for p in TINYMLIR.values()]
    assert set(xdsl_pass_replacements()) == set(TINYMLIR)
