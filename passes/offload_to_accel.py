"""offload-to-accel: partition the kernel ops of a model between the CPU and the target's
accelerator.

What it does
    Every `qk` kernel op at the top level of a function is checked against the
    accelerator of the module's target (tinymlir/target.py, `[accelerator.NAME]` and its
    `constraints`): the op kind, activation, weight and bias widths, element counts,
    kernel, stride, dilation, padding and groups of a conv, whether its smallest tile fits
    the unit's memories when input channels are never tiled, and whether the unit's
    requantiser computes the op's output stage exactly (dialects/accel.py: shape_refusals,
    requantisation_refusal). An op the unit accepts gets `accel.unit = "NAME"`; every
    other op stays on the CPU. With `report=true` each CPU op gets `accel.cpu_reason`
    (every check it fails, joined by '; ') and each function `accel.offload_report`:
    offloaded layers and MACs (qk's `macs()`) of the total. `partition(module)` returns
    the same as records.

    Padding: by default a padded conv runs with the unit's own padding, which must be
    symmetric and pads with 0, so only a conv whose input zero point is 0 qualifies (TFLM
    skips padding taps, i.e. pads with the zero point, and the difference at the border is
    no per-channel constant the bias could absorb). `pad-in-l1=true` instead lets the L1
    tiling write the padding into each input tile (with the zero point, `accel.pad_value`)
    and run the unit unpadded, which takes any padding.

    It only decides: the ops stay `qk` ops on their buffers. Not built yet (issue 12): L1
    tiling, DMA insertion, accfg configuration, the HAL lowering and the simulator; until
    they are, --pipeline=mcu refuses a target with an accelerator (convert-kernel-to-loops).

Assumes kernel-level IR (convert-qnn-to-kernel) before patch-schedule (whose row bands are
a CPU schedule) and a module target with an accelerator (`unit=NAME` picks one of several).
A target without one, an unknown unit or a kernel op inside a patch.stage is refused with
an error.

Cost model
    None: an op goes to the accelerator whenever the accelerator can compute it exactly.
    Transfers and the CPU-accelerator hand-over are not weighed yet (the L1 tiling pass
    will have the cost model).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from xdsl.context import Context
from xdsl.dialects import func, memref
from xdsl.dialects.builtin import (
    DenseIntOrFPElementsAttr,
    Float32Type,
    Float64Type,
    IntegerAttr,
    IntegerType,
    ModuleOp,
    StringAttr,
    i64,
)
from xdsl.ir import SSAValue
from xdsl.passes import ModulePass

from tinymlir.dialects import kernel as qk
from tinymlir.dialects import patch
from tinymlir.dialects.accel import requantisation_refusal, shape_refusals
from tinymlir.errors import PassError
from tinymlir.target import Accelerator, target_of

NAME = "offload-to-accel"
UNIT_ATTR = "accel.unit"
REASON_ATTR = "accel.cpu_reason"
PAD_VALUE_ATTR = "accel.pad_value"
REPORT_ATTR = "accel.offload_report"


@dataclass(frozen=True)
class Decision:
    function: str
    layer: str
    op: str
    macs: int
    unit: str | None
    """The accelerator that runs it, None for the CPU."""
    reason: str | None
    """Why it stays on the CPU, every reason, joined by '; ' (None when offloaded)."""


def _constant_reader(module: ModuleOp):
    globals_ = {g.sym_name.data: g for g in module.ops if isinstance(g, memref.GlobalOp)}

    def values(value: SSAValue) -> np.ndarray | None:
        owner = value.owner
        if not isinstance(owner, memref.GetGlobalOp):
            return None
        found = globals_.get(owner.name_.root_reference.data)
        if found is None or found.constant is None or not isinstance(found.initial_value, DenseIntOrFPElementsAttr):
            return None
        attr = found.initial_value
        element = attr.get_element_type()
        if isinstance(element, IntegerType):
            dtype = np.dtype(f"i{element.width.data // 8}")
        elif isinstance(element, Float32Type | Float64Type):
            dtype = np.dtype(f"f{element.bitwidth // 8}")
        else:
            return None
        data = np.frombuffer(attr.data.data, dtype)
        return np.broadcast_to(data, value.type.get_shape()) if data.size == 1 else data

    return values


def _unit(module: ModuleOp, name: str) -> Accelerator:
    target = target_of(module)
    units = {a.name: a for a in target.accelerators}
    if not units:
        raise PassError(f"{NAME}: target '{target.name}' has no accelerator (e.g. --target-desc=diana-digital)")
    if name:
        if name not in units:
            raise PassError(f"{NAME}: target '{target.name}' has no accelerator '{name}' (accelerators: {', '.join(units)})")
        return units[name]
    if len(units) > 1:
        raise PassError(f"{NAME}: target '{target.name}' has accelerators {', '.join(units)}; choose one with unit=NAME")
    return next(iter(units.values()))


def partition(module: ModuleOp, unit_name: str = "", record_reasons: bool = False,
              pad_in_l1: bool = False) -> list[Decision]:
    """Decides every top-level kernel op, marks the offloaded ones (and the CPU ones'
    reasons if `record_reasons`) and returns the decisions in program order."""
    unit = _unit(module, unit_name)
    values = _constant_reader(module)
    decisions: list[Decision] = []
    for function in [f for f in module.ops if isinstance(f, func.FuncOp) and f.body.blocks]:
        for op in function.walk():
            if isinstance(op, patch.StageOp):
                raise PassError(f"{NAME}: @{function.sym_name.data} has patch stages; run {NAME} before patch-schedule")
            if isinstance(op, qk.KernelOp) and op.parent_op() is not function:
                raise PassError(f"{NAME}: {op.name} '{op.layer_name.data}' is nested in {op.parent_op().name}; "
                                f"run {NAME} right after convert-qnn-to-kernel")  # fmt: skip
        kernels = [op for op in function.body.block.ops if isinstance(op, qk.KernelOp)]
        for op in kernels:
            reasons = [*shape_refusals(op, unit, pad_in_l1), requantisation_refusal(op, unit, values)]
            reason = "; ".join(r for r in reasons if r is not None) or None
            for key in (UNIT_ATTR, REASON_ATTR, PAD_VALUE_ATTR):
                op.attributes.pop(key, None)
            if reason is None:
                op.attributes[UNIT_ATTR] = StringAttr(unit.name)
                if pad_in_l1 and isinstance(op, qk.Conv2DOp) and op.padded:
                    op.attributes[PAD_VALUE_ATTR] = IntegerAttr(op.input_types.data[0].zero_point, i64)
            elif record_reasons:
                op.attributes[REASON_ATTR] = StringAttr(reason)
            decisions.append(Decision(function.sym_name.data, op.layer_name.data, op.name, op.macs(),
                                      None if reason else unit.name, reason))  # fmt: skip
        if record_reasons:
            mine = [d for d in decisions if d.function == function.sym_name.data]
            function.attributes[REPORT_ATTR] = StringAttr(summary(mine, unit.name))
    return decisions


def summary(decisions: list[Decision], unit: str) -> str:
    total = sum(d.macs for d in decisions)
    offloaded = sum(d.macs for d in decisions if d.unit is not None)
    share = f"{100 * offloaded / total:.2f} %" if total else "no MACs"
    layers = sum(d.unit is not None for d in decisions)
    return f"{layers} of {len(decisions)} layers, {offloaded} of {total} MACs ({share}) on '{unit}'"


@dataclass(frozen=True)
class OffloadToAccelPass(ModulePass):
    """See the module docstring."""

    name = NAME

    unit: str = ""
    """The accelerator of the target to offload to ('' : its only one)."""
    report: bool = False
    """Record why each CPU op stays there (`accel.cpu_reason`) and a per-function summary."""
    pad_in_l1: bool = False
    """Convs' padding is written into their L1 input tiles (see the module docstring)."""

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        partition(op, self.unit, self.report, self.pad_in_l1)
