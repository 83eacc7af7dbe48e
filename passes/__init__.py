"""tinymlir's passes, one `ModulePass` a file; registered lazily by name."""

from collections.abc import Callable

from xdsl.passes import ModulePass


def _convert_qnn_to_kernel() -> type[ModulePass]:
    from tinymlir.passes.convert_qnn_to_kernel import ConvertQnnToKernelPass

    return ConvertQnnToKernelPass


def _kernel_in_place() -> type[ModulePass]:
    from tinymlir.passes.kernel_in_place import KernelInPlacePass

    return KernelInPlacePass


def _convert_kernel_to_loops() -> type[ModulePass]:
    from tinymlir.passes.convert_kernel_to_loops import ConvertKernelToLoopsPass

    return ConvertKernelToLoopsPass


def _convert_patch_to_scf() -> type[ModulePass]:
    from tinymlir.passes.convert_patch_to_scf import ConvertPatchToScfPass

    return ConvertPatchToScfPass


def _plan_arena() -> type[ModulePass]:
    from tinymlir.passes.plan_arena import PlanArenaPass

    return PlanArenaPass


def _convert_fxp_to_arith() -> type[ModulePass]:
    from tinymlir.passes.convert_fxp_to_arith import ConvertFxpToArithPass

    return ConvertFxpToArithPass


def _arith_emulate_f32() -> type[ModulePass]:
    from tinymlir.passes.arith_emulate_f32 import ArithEmulateF32Pass

    return ArithEmulateF32Pass


def _convert_memref_to_mcuc() -> type[ModulePass]:
    from tinymlir.passes.convert_memref_to_mcuc import ConvertMemrefToMcucPass

    return ConvertMemrefToMcucPass


def _convert_scf_to_mcuc() -> type[ModulePass]:
    from tinymlir.passes.convert_scf_to_mcuc import ConvertScfToMcucPass

    return ConvertScfToMcucPass


def _convert_arith_to_mcuc() -> type[ModulePass]:
    from tinymlir.passes.convert_arith_to_mcuc import ConvertArithToMcucPass

    return ConvertArithToMcucPass


def _convert_func_to_mcuc() -> type[ModulePass]:
    from tinymlir.passes.convert_func_to_mcuc import ConvertFuncToMcucPass

    return ConvertFuncToMcucPass


def _patch_schedule() -> type[ModulePass]:
    from tinymlir.passes.patch_schedule import PatchSchedulePass

    return PatchSchedulePass


def _qnn_schedule() -> type[ModulePass]:
    from tinymlir.passes.qnn_schedule import QnnSchedulePass

    return QnnSchedulePass


def _mcuc_drop_dead_values() -> type[ModulePass]:
    from tinymlir.passes.mcuc_drop_dead_values import McucDropDeadValuesPass

    return McucDropDeadValuesPass


def _mcuc_form_expressions() -> type[ModulePass]:
    from tinymlir.passes.mcuc_form_expressions import McucFormExpressionsPass

    return McucFormExpressionsPass


def _tile_for_memory() -> type[ModulePass]:
    from tinymlir.passes.tile_for_memory import TileForMemoryPass

    return TileForMemoryPass


def _tile_apply() -> type[ModulePass]:
    from tinymlir.passes.tile_apply import TileApplyPass

    return TileApplyPass


def _offload_to_accel() -> type[ModulePass]:
    from tinymlir.passes.offload_to_accel import OffloadToAccelPass

    return OffloadToAccelPass


def get_all_passes() -> dict[str, Callable[[], type[ModulePass]]]:
    """Pass name -> factory, imported only when the pass is used."""
    return {
        "qnn-schedule": _qnn_schedule,
        "convert-qnn-to-kernel": _convert_qnn_to_kernel,
        "offload-to-accel": _offload_to_accel,
        "patch-schedule": _patch_schedule,
        "kernel-in-place": _kernel_in_place,
        "tile-for-memory": _tile_for_memory,
        "tile-apply": _tile_apply,
        "convert-kernel-to-loops": _convert_kernel_to_loops,
        "plan-arena": _plan_arena,
        "convert-patch-to-scf": _convert_patch_to_scf,
        "convert-fxp-to-arith": _convert_fxp_to_arith,
        "arith-emulate-f32": _arith_emulate_f32,
        "convert-func-to-mcuc": _convert_func_to_mcuc,
        "convert-arith-to-mcuc": _convert_arith_to_mcuc,
        "convert-scf-to-mcuc": _convert_scf_to_mcuc,
        "convert-memref-to-mcuc": _convert_memref_to_mcuc,
        "mcuc-drop-dead-values": _mcuc_drop_dead_values,
        "mcuc-form-expressions": _mcuc_form_expressions,
    }


def _cse() -> type[ModulePass]:
    from tinymlir.passes.cse import CommonSubexpressionEliminationPass

    return CommonSubexpressionEliminationPass


def _dce() -> type[ModulePass]:
    from tinymlir.passes.dce import DeadCodeEliminationPass

    return DeadCodeEliminationPass


def _reconcile_unrealized_casts() -> type[ModulePass]:
    from tinymlir.passes.reconcile_unrealized_casts import ReconcileUnrealizedCastsPass

    return ReconcileUnrealizedCastsPass


def xdsl_pass_replacements() -> dict[str, Callable[[], type[ModulePass]]]:
    """xDSL passes tinymlir runs in a faster form with the same result, under xDSL's name
    (tinymlir-opt and tinymlir.pipelines register them over xDSL's; not in the universe,
    which refuses a name defined twice)."""
    return {"cse": _cse, "dce": _dce, "reconcile-unrealized-casts": _reconcile_unrealized_casts}
