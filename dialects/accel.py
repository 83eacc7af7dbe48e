"""The `accel` dialect: kernels offloaded to an accelerator of the target, on its L1 buffers.

    accel.run "digital" {
      qk.conv2d ins(%x, %w, %b, %m, %s : memref<1x8x8x16xi8, "l1_act">, memref<16x3x3x16xi8, "l1_w">,
                    memref<16xi32, "l1_w">, memref<16xi32, "l1_w">, memref<16xi8, "l1_w">)
                outs(%y : memref<1x8x8x16xi8, "l1_act">) {...}
    }

`accel.run` says: the accelerator `unit` of the module's target (tinymlir/target.py,
`[accelerator.NAME]`) computes the one `qk` kernel op of its body, with the qk op's
semantics bit for bit (the accelerator's requantiser is what the target says it is, and
offload-to-accel only offloads what it computes exactly). Its buffers live in the unit's
memories, named as memref memory spaces after the target's levels: data operands and the
output in `local_memory`, weights, bias and requantisation tables in `weight_memory`.
Moving data there and back is the job of xDSL's `memref.dma_start` / `memref.dma_wait`,
and configuring and starting the unit that of xDSL's `accfg` dialect (setup, launch,
await); `accel` adds neither.

The verifier checks what the unit accepts whatever the constants' values: the op kind, the
geometry and the element counts (`shape_refusal`), and where the buffers are. Whether a
requantisation is exactly what the unit computes depends on the constants' values
(`requantisation_refusal`); the verifier checks the scalar ones, offload-to-accel all.

Not built yet (issue 12): the passes that produce `accel.run` (L1 tiling, DMA insertion),
the accfg configuration passes and the lowering to the C HAL. Until they exist nothing
lowers `accel.run`, and `--pipeline=mcu` refuses a target with an accelerator.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator

import numpy as np
from xdsl.dialects.builtin import MemRefType, StringAttr
from xdsl.ir import Dialect, Operation, SSAValue
from xdsl.irdl import IRDLOperation, irdl_op_definition, prop_def, region_def, traits_def
from xdsl.traits import NoTerminator
from xdsl.utils.exceptions import VerifyException

from tinymlir.dialects import kernel as qk
from tinymlir.target import Accelerator, AcceleratorConstraints, target_of

ConstantValues = Callable[[SSAValue], "np.ndarray | None"]
"""The values of a constant operand (None if they are not known at compile time)."""

NOT_CONSTANT = "its requantisation parameters are not compile-time constants"


def _dims(values) -> str:
    return "x".join(str(v) for v in values)


def shape_refusal(op: qk.KernelOp, unit: Accelerator, pad_in_l1: bool = False) -> str | None:
    """The first reason why `unit` cannot run `op` whatever its constants' values (None: it can)."""
    return next(shape_refusals(op, unit, pad_in_l1), None)


def shape_refusals(op: qk.KernelOp, unit: Accelerator, pad_in_l1: bool = False) -> Iterator[str]:
    """Every reason why `unit` cannot run `op` whatever its constants' values.
    `pad_in_l1`: a conv's padding is written into its L1 input tile (with the input zero
    point) and the unit runs it unpadded, so the unit's own padding rules do not apply."""
    if op.name not in unit.ops:
        yield f"{op.name} is not an op of accelerator '{unit.name}' ({', '.join(unit.ops)})"
        return
    limits = unit.constraints or AcceleratorConstraints()
    tensors = [*((f"input {i}", t) for i, t in enumerate(op.input_types.data)), ("output", op.output_type)]
    if limits.activation_bits is not None:
        for role, t in tensors:
            if t.is_unsigned or t.element_type.width.data != limits.activation_bits:
                storage = ("uint" if t.is_unsigned else "int") + str(t.element_type.width.data)
                yield f"{role} is {storage}; the unit takes int{limits.activation_bits} activations"
    for role, t in tensors:
        count = math.prod(t.get_shape())
        if count % limits.element_multiple:
            yield f"{role} {_dims(t.get_shape())} has {count} elements, not a multiple of {limits.element_multiple}"
    if isinstance(op, qk.AddOp) and len({tuple(t.get_shape()) for _, t in tensors}) != 1:
        yield "broadcasting add; the unit adds tensors of one shape"
    if isinstance(op, qk.Conv2DOp | qk.DenseOp):
        weight, bias = op.weight.type, op.bias.type
        if limits.weight_bits is not None and weight.element_type.width.data != limits.weight_bits:
            yield (f"weights are {weight.element_type} (a non-zero weight zero point folded in); "
                   f"the unit takes i{limits.weight_bits}")  # fmt: skip
        if limits.bias_bits is not None and bias.element_type.width.data != limits.bias_bits:
            yield f"bias is {bias.element_type}; the unit takes i{limits.bias_bits}"
        if isinstance(op, qk.Conv2DOp):
            yield from _conv_geometry_refusals(op, limits, pad_in_l1)
        if not limits.tile_input_channels:
            yield from _smallest_tile_refusals(op, unit)


def _conv_geometry_refusals(op: qk.Conv2DOp, limits: AcceleratorConstraints, pad_in_l1: bool) -> Iterator[str]:
    _, kh, kw, _ = op.weight.type.get_shape()
    groups = op.groups.value.data
    form = "one" if groups == 1 else "depthwise" if op.depthwise else None
    if "any" not in limits.conv_groups and form not in limits.conv_groups:
        yield f"grouped conv (groups {groups}); the unit takes groups {' or '.join(limits.conv_groups)}"
    checks = (("kernel", (kh, kw), limits.kernel_sizes), ("stride", qk._ints(op.strides), limits.strides),
              ("dilation", qk._ints(op.dilations), limits.dilations))  # fmt: skip
    for what, values, allowed in checks:
        if allowed is not None and any(v not in allowed for v in values):
            yield f"{what} {_dims(values)}; the unit takes {', '.join(map(str, allowed))} in each of h and w"
    if pad_in_l1 or not op.padded:
        return
    top, left, bottom, right = qk._ints(op.pads)
    if limits.padding == "symmetric" and (top != bottom or left != right):
        yield f"asymmetric pads (top {top}, left {left}, bottom {bottom}, right {right}); the unit pads symmetrically"
    zero_point = op.input_types.data[0].zero_point
    if zero_point:
        # TFLM skips padding taps, i.e. pads with the zero point; the unit pads with 0, and
        # the difference at the border is not a per-channel constant the bias could absorb
        yield f"padded with input zero point {zero_point}; the unit pads with 0 (pad-in-l1 writes the zero point into the L1 tile)"


def _smallest_tile_refusals(op: qk.Conv2DOp | qk.DenseOp, unit: Accelerator) -> Iterator[str]:
    """With input channels never tiled, the smallest tile (one output pixel of one output
    channel) still reads every input channel of its window; it must fit the unit's memories."""
    target = target_of(op)
    (window,) = op.input_window([(0, 1)] * len(op.output_type.get_shape()))
    input_bytes = math.prod(b - a for a, b in window)
    act = target.memory_level(unit.local_memory)
    if input_bytes + 1 > act.capacity:
        yield (f"the smallest tile reads {input_bytes} bytes of input (all input channels), "
               f"{unit.local_memory} holds {act.capacity}")  # fmt: skip
    if unit.weight_memory is not None:
        weights = math.prod(op.weight.type.get_shape()[1:]) + 4 + 4 * len(op.tables)
        capacity = target.memory_level(unit.weight_memory).capacity
        if weights > capacity:
            yield (f"the smallest tile needs {weights} bytes of weights (all input channels), "
                   f"{unit.weight_memory} holds {capacity}")  # fmt: skip


def requantisation_refusal(op: qk.KernelOp, unit: Accelerator, values: ConstantValues) -> str | None:
    """Why `unit`'s requantiser does not compute `op`'s output stage exactly (None: it does).

    'per-channel' (and 'per-tensor' for one channel) computes TFLM's and onnxruntime's stages.
    'shift' computes clip(floor((acc + bias') / 2^n)) with one n per layer (DORY's
    Layer_parameters has one output_shift), clipped to [-128, 127] or [0, 127]; the rounding
    offset and the output zero point are the compiler's to fold into the bias. TFLM's
    MultiplyByQuantizedMultiplier with multiplier 2^30 (scale 2^(s-1)) is exactly that for
    shift s = 1 (scale 1, n = 0) and s = 0 (scale 1/2: SaturatingRoundingDoublingHighMul
    rounds half up, i.e. floor((acc + 1) / 2)); for s < 0 it rounds twice (the high mul, then
    RoundingDivideByPOT half away from zero), which no floor shift matches, and s > 1 is a
    left shift. onnxruntime rounds half to even, which a floor shift matches only at scale 1.
    (test_offload_to_accel checks these against tinymlir.fixedpoint.)
"""
    if unit.requantisation == "none":
        return "the unit returns int32 accumulators (requantisation 'none')"
    if unit.requantisation in ("per-channel", "per-tensor"):
        if unit.requantisation == "per-tensor" and isinstance(op, qk.Conv2DOp | qk.DenseOp) and op.tables:
            return "per-channel requantisation; the unit requantises per tensor"
        return None
    if isinstance(op, qk.AddOp):
        return "an add rescales each input on its own; a shift-only unit cannot"
    if not isinstance(op, qk.Conv2DOp | qk.DenseOp):
        return None
    lo, hi = op.bounds
    if (lo, hi) not in ((-128, 127), (0, 127)):
        return f"clamp [{lo}, {hi}]; the unit clips to [-128, 127] or [0, 127]"
    if op.onnx:
        scales = _stage(op, "scale", 0, values)
        if scales is None:
            return NOT_CONSTANT
        bad = np.flatnonzero(scales != 1.0)
        if bad.size:
            c = int(bad[0])
            return (f"requantisation is not a shift: channel {c}'s scale {float(scales[c])!r} rounds "
                    "(onnxruntime rounds half to even, the unit floors)")
        return None
    multipliers = _stage(op, "multiplier", 0, values)
    shifts = _stage(op, "shift", 0 if op.properties.get("multiplier") is not None else 1, values)
    if multipliers is None or shifts is None:
        return NOT_CONSTANT
    multipliers, shifts = np.broadcast_arrays(multipliers, shifts)
    amounts = set()
    for c, (m, s) in enumerate(zip(multipliers.tolist(), shifts.tolist(), strict=True)):
        if m <= 0 or m & (m - 1):
            return f"requantisation is not a shift: channel {c}'s multiplier {m} is not a power of two"
        if m != 1 << 30:  # convert-qnn-to-kernel normalises multipliers to [2^30, 2^31)
            return f"channel {c}'s multiplier 2^{m.bit_length() - 1} is not normalised (2^30)"
        if s > 1:
            return f"channel {c}'s scale is 2^{s - 1}: a left shift, the unit shifts right only"
        if s < 0:
            return (f"channel {c}'s scale is 2^{s - 1}: TFLM rounds twice (half up, then half away "
                    "from zero), no floor shift matches")  # fmt: skip
        amounts.add(1 - s)  # TFLM wraps acc << s at s = 1 only for |acc| >= 2^30: no int8 layer
    if len(amounts) > 1:
        return f"channels shift by {' and '.join(map(str, sorted(amounts)))}; the unit shifts a layer by one amount"
    return None


def _stage(op, prop: str, table_index: int, values: ConstantValues) -> np.ndarray | None:
    """A per-channel stage parameter: the scalar property, or the values of its table."""
    scalar = op.properties.get(prop)
    if scalar is not None:
        return np.asarray([scalar.value.data])
    tables = op.tables
    return values(tables[table_index]) if table_index < len(tables) else None


def memory_refusal(op: qk.KernelOp, unit: Accelerator) -> str | None:
    """Data operands and the output in the unit's local memory, constants in its weight memory."""
    constants = {id(v) for v in op.ins[op.data_count:]}
    for value in [*op.ins, op.outs]:
        level = unit.weight_memory if id(value) in constants and unit.weight_memory else unit.local_memory
        space = value.type.memory_space if isinstance(value.type, MemRefType) else None
        if not isinstance(space, StringAttr) or space.data != level:
            where = "no memory space" if not isinstance(space, StringAttr) else f"memory space {space}"
            return f"operand of type {value.type} has {where}; expected \"{level}\" (accelerator '{unit.name}')"
    return None


def accelerator_named(op: Operation, name: str) -> Accelerator:
    target = target_of(op)
    for unit in target.accelerators:
        if unit.name == name:
            return unit
    units = ", ".join(a.name for a in target.accelerators) or "none"
    raise VerifyException(f"target '{target.name}' has no accelerator '{name}' (accelerators: {units})")


@irdl_op_definition
class RunOp(IRDLOperation):
    """The unit `unit` of the module's target computes the qk op of the body (see the module
    docstring)."""

    name = "accel.run"
    unit = prop_def(StringAttr)
    body = region_def("single_block")

    assembly_format = "$unit $body attr-dict"
    traits = traits_def(NoTerminator())

    def __init__(self, unit: str, kernel: qk.KernelOp):
        from xdsl.ir import Block, Region

        super().__init__(properties={"unit": StringAttr(unit)}, regions=[Region(Block([kernel]))])

    @property
    def kernel(self) -> qk.KernelOp:
        return self.body.block.first_op  # type: ignore[return-value]

    def verify_(self) -> None:
        ops = list(self.body.block.ops)
        if len(ops) != 1 or not isinstance(ops[0], qk.KernelOp):
            raise VerifyException("accel.run: the body must be exactly one qk kernel op")
        kernel = ops[0]
        unit = accelerator_named(self, self.unit.data)
        reason = shape_refusal(kernel, unit) or memory_refusal(kernel, unit)
        reason = reason or requantisation_refusal(kernel, unit, lambda _: None)
        if reason is not None and reason != NOT_CONSTANT:  # tables in L1: checked when offloaded
            raise VerifyException(f"accel.run: {kernel.name} '{kernel.layer_name.data}': {reason}")


ACCEL = Dialect("accel", [RunOp], [])
