"""tinymlir's passes, one `ModulePass` a file; registered lazily by name."""

from collections.abc import Callable

from xdsl.passes import ModulePass


def _convert_qnn_to_loops() -> type[ModulePass]:
    from tinymlir.passes.convert_qnn_to_loops import ConvertQnnToLoopsPass

    return ConvertQnnToLoopsPass


def _plan_arena() -> type[ModulePass]:
    from tinymlir.passes.plan_arena import PlanArenaPass

    return PlanArenaPass


def _convert_fxp_to_arith() -> type[ModulePass]:
    from tinymlir.passes.convert_fxp_to_arith import ConvertFxpToArithPass

    return ConvertFxpToArithPass


def get_all_passes() -> dict[str, Callable[[], type[ModulePass]]]:
    """Pass name -> factory, imported only when the pass is used."""
    return {
        "convert-qnn-to-loops": _convert_qnn_to_loops,
        "plan-arena": _plan_arena,
        "convert-fxp-to-arith": _convert_fxp_to_arith,
    }
