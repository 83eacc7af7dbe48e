"""Cortex-M4 convolutions and dense layers (cortex_m4_conv.py, cortex_m4_dense.py): a short,
exact tflm requantiser.

The generic output stage calls TFLM's MultiplyByQuantizedMultiplier with run-time
multiplier and shift (~28 instructions per output). Here the shifts are compile-time
constants, and the stage becomes, for a right shift e >= 1 (the usual case),

    t = (acc * M + 2^30) >> 31           (64-bit; = SRDHM since TFLM multipliers are >= 0)
    y = (t + (t >> 31) + addend) >> e    (addend = 2^(e-1) + zp * 2^e: rounding half away
                                          from zero, then the output zero point)
    y = clamp(y, lo, hi)                 (SSAT #8, mcuc.ssat; then max(y, lo) / min(y, hi)
                                          for a fused activation's bound inside -128..127)

and for a shift s >= 0, t = ((acc << s) * M + 2^30) >> 31 and y = t + zp. Where folding
zp into the addend could overflow (a large e: zp * 2^e, e.g. channels with a huge bias and
tiny scale), zp is added after the shift instead (one ADD more). Per-channel parameters
with some shift 0 (e = 0: no rounding) mask the sign term with a per-channel int8 table
(-1 where e > 0, 0 where e = 0: one load and AND more), since (t + (t >> 31) + 0) >> 0
would not be t. On a target
with the DSP extension, where |acc << s| < 2^30 is proved, t is one SMMULR (mcuc.smmulr):
(2x * M + 2^31) >> 32 is the same floor((x * M + 2^30) / 2^31), without the 64-bit
add and shift (~3 instructions less per output). Per-tensor
constants are immediates; per-channel ones are the op's multiplier table and two tables
made here, the addends and the exponents e = -shift (int8, replacing the op's shift
table, which the lowering then drops: one negation an output less). A kernel that loops over one channel's outputs
(depthwise) takes the stage of that channel (channel_stage): the multiplier, exponent
and addend are computed once per channel, the addend from the shift (no addend table).

Exactness (tinymlir.fixedpoint is the specification, test_cortex_m4_requant.py checks it):
floor((p + 2^30) / 2^31) equals TFLM's nudged truncating division for every p, and its
saturating case (x = M = INT32_MIN) cannot occur with M >= 0. Folding zp into the shifted
sum, and the left shift, must not overflow int32: both are proved per channel from the
constant weights and bias (|acc| <= 256 * sum|w| + |bias|, as |x - zx| <= 255). When the
proof fails in both forms, the weights are not constants, a multiplier is negative, the
numerics are onnx, or some per-channel shift is a left shift, the generic stage is kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import chain

import numpy as np
from xdsl.dialects import func, memref
from xdsl.dialects.builtin import (
    BytesAttr,
    DenseIntOrFPElementsAttr,
    IntegerType,
    MemRefType,
    ModuleOp,
    Signedness,
    StringAttr,
    TensorType,
    UnitAttr,
    i32,
    i64,
)
from xdsl.ir import SSAValue

from tinymlir import fixedpoint
from tinymlir.dialects import kernel as qk
from tinymlir.dialects import mcuc
from tinymlir.passes.kernel_to_loops.common import output_stage, per_channel, record_global_read
from tinymlir.scalar_builder import ScalarBuilder
from tinymlir.target import target_of

INT32_MAX = (1 << 31) - 1
ACTIVATION_BOUND = 256
"""A bound on |x - zx| (and on |x|) for int8 / uint8 activations."""

Stage = Callable[[ScalarBuilder, SSAValue, SSAValue], SSAValue]
"""stage(k, acc, channel): the output value (i32) of an accumulator."""
ChannelStage = Callable[[ScalarBuilder, SSAValue], SSAValue]
"""The stage of one channel: (k, acc) -> the output value (see channel_stage)."""


def _global_of(value: SSAValue) -> memref.GlobalOp | None:
    owner = value.owner
    if not isinstance(owner, memref.GetGlobalOp):
        return None
    symbol = owner.name_.root_reference.data
    module = owner.get_toplevel_object()
    # The module's own ops first (where globals are), before walking everything.
    for g in chain(module.ops if isinstance(module, ModuleOp) else (), module.walk()):
        if isinstance(g, memref.GlobalOp) and g.sym_name.data == symbol:
            return g
    return None


#: numpy's type for the raw data of a dense integer attribute, by (width, signedness).
_RAW_INTS = {8: np.int8, 16: np.int16, 32: np.int32, 64: np.int64}


def constant_values(value: SSAValue) -> np.ndarray | None:
    """The values of a constant global read through `value`, in its shape, or None."""
    g = _global_of(value)
    if g is None or g.constant is None or not isinstance(g.initial_value, DenseIntOrFPElementsAttr):
        return None
    shape = value.type.get_shape()
    attr = g.initial_value
    element = attr.get_element_type()
    if (
        isinstance(element, IntegerType)
        and element.width.data in _RAW_INTS
        and element.signedness.data != Signedness.UNSIGNED
    ):  # the raw bytes, as get_values reads them, without a Python int per element
        values = np.frombuffer(attr.data.data, _RAW_INTS[element.width.data]).astype(np.int64)
    else:
        values = np.asarray(attr.get_values(), dtype=np.int64)
    return np.broadcast_to(values, shape) if values.size == 1 else values.reshape(shape)  # splats


@dataclass(frozen=True)
class Requantiser:
    """Per-channel (multiplier, shift) of a tflm output stage, and the accumulator bounds."""

    multiplier: np.ndarray
    shift: np.ndarray
    acc_bound: np.ndarray
    acc_low: np.ndarray | None = None
    acc_high: np.ndarray | None = None

    @staticmethod
    def of(op: qk.Conv2DOp | qk.DenseOp) -> Requantiser | None:
        if op.onnx:
            return None
        weight, bias = constant_values(op.weight), constant_values(op.bias)
        if weight is None or bias is None:
            return None
        channels = bias.shape[0]
        tables = iter(op.tables)
        params = []
        for prop in ("multiplier", "shift"):
            attr = op.properties.get(prop)
            if attr is not None:
                params.append(np.full(channels, attr.value.data, np.int64))
                continue
            values = constant_values(next(tables))
            if values is None:
                return None
            params.append(values)
        # acc = bias + sum w * x, the input zero point folded into the bias
        # (convert-qnn-to-kernel) where no padding tap is skipped, else bias + sum w *
        # (x - zx) (a skipped tap adds 0, inside the range): its exact interval
        xt = op.input_types.data[0]
        lo, hi = (0, 255) if xt.is_unsigned else (-128, 127)
        if isinstance(op, qk.Conv2DOp) and op.padded:
            lo, hi = lo - xt.zero_point, hi - xt.zero_point
        w = weight.reshape(channels, -1)
        low = bias + np.minimum(w * lo, w * hi).sum(axis=1)
        high = bias + np.maximum(w * lo, w * hi).sum(axis=1)
        acc_bound = np.maximum(np.abs(low), np.abs(high))
        return Requantiser(params[0], params[1], acc_bound, low, high)

    def constant_outputs(self, zero_point: int, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
        """Per channel: whether its clamped output is the same for every reachable
        accumulator (e.g. a pruned channel: zero weights, a huge bias), and that value."""
        if self.acc_low is None or self.acc_high is None:
            none = np.zeros(self.multiplier.shape, bool)
            return none, np.zeros(self.multiplier.shape, np.int64)
        ends = [np.clip(fixedpoint.multiply_by_quantized_multiplier(a, self.multiplier, self.shift) + zero_point, lo, hi)
                for a in (self.acc_low, self.acc_high)]
        return ends[0] == ends[1], ends[0]  # monotonic in acc (M >= 0)

    def select(self, channels: np.ndarray) -> Requantiser:
        """The parameters of the selected channels."""
        pick = [None if v is None else v[channels] for v in (self.acc_low, self.acc_high)]
        return Requantiser(self.multiplier[channels], self.shift[channels], self.acc_bound[channels], *pick)

    @property
    def per_tensor(self) -> bool:
        return bool((self.multiplier == self.multiplier[0]).all() and (self.shift == self.shift[0]).all())

    def exact_channels(self, zero_point: int, fold: bool = True) -> np.ndarray:
        """Per channel: whether the short form is exact for every reachable accumulator,
        with the output zero point folded into the addend (`fold`) or added after the shift."""
        ok = (self.multiplier >= 0) & (self.shift <= 31) & (self.shift >= -31)
        left = np.clip(self.shift, 0, 31)
        right = np.clip(-self.shift, 0, 31)
        shifted = self.acc_bound << left
        ok &= shifted <= INT32_MAX
        t_bound = ((np.minimum(shifted, INT32_MAX) * self.multiplier + (1 << 30)) >> 31) + 1
        if fold:
            # |t + (t >> 31) + 2^(e-1) + zp * 2^e| < 2^31 for right shifts, |t + zp| for others
            ok &= t_bound + 1 + (np.int64(1) << right) * (abs(zero_point) + 1) <= INT32_MAX
        else:
            # |t + (t >> 31) + 2^(e-1)| < 2^31, then |(...) >> e + zp| (e >= 1) or |t + zp|
            ok &= t_bound + 1 + np.where(right > 0, np.int64(1) << np.maximum(right - 1, 0), abs(zero_point)) <= INT32_MAX
        return ok

    def short_form(self, zero_point: int) -> tuple[bool, bool] | None:
        """The short form exact for the whole op: (fold, zero exponents), fold = the zero
        point in the addend (else added after the shift), zero exponents = some channel of
        per-channel parameters has shift 0 (its rounding term is masked off); None if
        none is (a negative multiplier, an overflow, per-channel left shifts)."""
        if not self.per_tensor and (self.shift > 0).any():
            return None
        for fold in (True, False):
            if self.exact_channels(zero_point, fold).all():
                return fold, not self.per_tensor and bool((self.shift == 0).any())
        return None

    def exact(self, zero_point: int) -> bool:
        """Whether a short form computes TFLM's result for the whole op."""
        return self.short_form(zero_point) is not None


def constant_table(k: ScalarBuilder, op: qk.KernelOp, base: str, values: np.ndarray,
                   element: IntegerType = i32) -> SSAValue:
    """A constant global of `element` (i32 or i8) with `values` (an existing one of the same
    name base and contents: patch-schedule's band copies of a layer share their tables),
    and its get_global before `op`'s loops."""
    function = op.parent_op()
    while function is not None and not isinstance(function, func.FuncOp):
        function = function.parent_op()
    assert function is not None and function.parent_block() is not None
    module = function.parent_block()
    shape = list(values.shape)
    storage = "<i4" if element == i32 else "i1"
    data = DenseIntOrFPElementsAttr(TensorType(element, shape), BytesAttr(values.astype(storage).tobytes()))
    mtype = MemRefType(element, shape)
    globals_ = [g for g in module.ops if isinstance(g, memref.GlobalOp)]
    same = next((g for g in globals_ if (g.sym_name.data == base or g.sym_name.data.startswith(base + "_"))
                 and g.type == mtype and g.initial_value == data), None)
    if same is not None:
        ref = k.emit(memref.GetGlobalOp(same.sym_name.data, mtype))
        record_global_read(ref.owner)
        ref.name_hint = same.sym_name.data
        return ref
    taken = {g.sym_name.data for g in globals_}
    name, suffix = base, 1
    while name in taken:
        name, suffix = f"{base}_{suffix}", suffix + 1
    g = memref.GlobalOp.get(StringAttr(name), mtype, data, constant=UnitAttr(),
                            alignment=target_of(op).alignment)
    module.insert_op_before(g, function)
    ref = k.emit(memref.GetGlobalOp(name, mtype))
    record_global_read(ref.owner)
    ref.name_hint = name
    return ref


def layer_base(op: qk.KernelOp) -> str:
    name = op.layer_name.data
    return ("layer" if name.startswith("qnn.") else name).replace(".", "_").replace("/", "_")


def doubling_high_mul(kk: ScalarBuilder, x: SSAValue, m: SSAValue, halves: bool) -> SSAValue:
    """floor((x * M + 2^30) / 2^31) (TFLM's SRDHM for M >= 0): SMMULR(2x, M) where `halves`
    (|x| < 2^30 proved and the DSP extension), else the 64-bit product."""
    if halves:
        return kk.emit(mcuc.SmmulrOp(kk.add(x, x), m if m.type == i32 else kk.narrow(m)))
    product = kk.mul(kk.wide(x), m if m.type == i64 else kk.wide(m))
    return kk.narrow(kk.shr(kk.add(product, kk.c(1 << 30, i64)), kk.c(31, i64)))


def clamp_output(kk: ScalarBuilder, y: SSAValue, lo: int, hi: int) -> SSAValue:
    """y clamped to [lo, hi]."""
    # The int8 saturation is mcuc.ssat (one SSAT #8): GCC 12 makes SSAT of a lone
    # min/max clamp, but not of these (min/max here: +7 % -O2 instructions on VWW).
    # A fused activation's bound inside [-128, 127] (ReLU's [zp, 127]) is one max or
    # min after it (CMP, IT, MOV). With both inside (ReLU6 when zp > -128), SSAT would
    # saturate nothing the max and min do not: those two only.
    if not (-128 <= lo <= hi <= 127) or (lo > -128 and hi < 127):
        return kk.min(kk.max(y, kk.i32(lo)), kk.i32(hi))
    y = kk.emit(mcuc.SsatOp(y, 8))
    if lo > -128:
        y = kk.max(y, kk.i32(lo))
    return kk.min(y, kk.i32(hi)) if hi < 127 else y


def short_multiplier(multiplier: int, shift: int, bound: int, dsp: bool, zero_point: int = 0
                     ) -> Callable[[ScalarBuilder, SSAValue], SSAValue] | None:
    """x -> MultiplyByQuantizedMultiplier(x, multiplier, shift) + zero_point for every
    |x| <= bound, in the short form with constant parameters (the zero point folded into
    the rounding addend, or added after the shift where that could overflow), or None
    where neither is proved exact."""
    params = Requantiser(np.array([multiplier]), np.array([shift]), np.array([bound]))
    form = params.short_form(zero_point)
    if form is None:
        return None
    fold = form[0]
    halves = dsp and (bound << max(shift, 0)) < (1 << 30)

    def apply(kk: ScalarBuilder, x: SSAValue) -> SSAValue:
        if shift > 0:
            x = kk.shl(x, kk.i32(shift))
        t = doubling_high_mul(kk, x, kk.c(multiplier, i32 if halves else i64), halves)
        if shift >= 0:
            return kk.add(t, kk.i32(zero_point)) if zero_point else t
        e = -shift
        addend = (1 << (e - 1)) + (zero_point << e if fold else 0)
        y = kk.shr(kk.add(kk.add(t, kk.shr(t, kk.i32(31))), kk.i32(addend)), kk.i32(e))
        return kk.add(y, kk.i32(zero_point)) if zero_point and not fold else y

    return apply


def short_stage(k: ScalarBuilder, op: qk.Conv2DOp | qk.DenseOp) -> Stage | None:
    """The short requantiser of `op` (see the module docstring), or None where it is not exact."""
    params = Requantiser.of(op)
    zp = op.output_type.zero_point
    lo, hi = op.bounds
    if params is None:
        return None
    # Channels whose output is one value for every reachable accumulator (pruned ones):
    # multiplier 0 (t = 0 whatever acc is), exponent 1 and an addend giving that value, so
    # the proofs below concern only the live channels.
    constant, values = params.constant_outputs(zp, lo, hi)
    if params.per_tensor or not constant.any() or constant.all():
        constant = None
    live = params if constant is None else params.select(~constant)
    if constant is not None and (live.shift > 0).any():
        return None  # per-channel left shifts: no short form
    form = live.short_form(zp)
    if form is None:
        return None
    fold = form[0]

    # SMMULR(2x, M) = floor((x * M + 2^30) / 2^31) where 2x fits in int32 (|x| < 2^30);
    # with M = 0 the product is 0 even where 2x wraps.
    halves = target_of(op).cpu.has("dsp") and bool(
        ((live.acc_bound << np.clip(live.shift, 0, 31)) < (1 << 30)).all())

    def srdhm(kk: ScalarBuilder, x: SSAValue, m: SSAValue) -> SSAValue:
        return doubling_high_mul(kk, x, m, halves)

    def clamp(kk: ScalarBuilder, y: SSAValue) -> SSAValue:
        return clamp_output(kk, y, lo, hi)

    def rounded(kk: ScalarBuilder, t: SSAValue, addend: SSAValue, e: SSAValue, sign_mask: SSAValue | None = None) -> SSAValue:
        # (t + (t >> 31) + addend) >> e; sign_mask (-1, or 0 where e = 0: no rounding) masks
        # the sign term; the zero point after the shift where it is not in the addend
        sign = kk.shr(t, kk.i32(31))
        if sign_mask is not None:
            sign = kk.band(sign, sign_mask)
        y = kk.shr(kk.add(kk.add(t, sign), addend), e)
        return y if fold or not zp else kk.add(y, kk.i32(zp))

    if params.per_tensor:
        m, s = int(params.multiplier[0]), int(params.shift[0])
        m_value = k.c(m, i32 if halves else i64)
        if s >= 0:
            def stage(kk, acc, c):
                x = kk.shl(acc, kk.i32(s)) if s else acc
                t = srdhm(kk, x, m_value)
                return clamp(kk, kk.add(t, kk.i32(zp)) if zp else t)
            return stage
        e = -s
        addend = k.i32((1 << (e - 1)) + (zp * (1 << e) if fold else 0))
        e_value = k.i32(e)
        return lambda kk, acc, c: clamp(kk, rounded(kk, srdhm(kk, acc, m_value), addend, e_value))

    # The op's own multiplier and shift tables (read from here, so they stay used).
    tables = iter(op.tables)
    multiplier_at = per_channel(k, op, "multiplier", tables)
    shift_at = per_channel(k, op, "shift", tables)
    e = -params.shift
    multipliers = params.multiplier
    if constant is not None:
        e = np.where(constant, 1, e)
        multipliers = np.where(constant, 0, multipliers)
        table = constant_table(k, op, layer_base(op) + "_requant_multiplier", multipliers)
        multiplier_at = lambda kk, c: kk.emit(memref.LoadOp.get(table, [c]))  # noqa: E731
    zero_exponents = bool((e == 0).any())
    addend_values = np.where(e > 0, np.int64(1) << np.maximum(e - 1, 0), 0) + (zp * (np.int64(1) << e) if fold else 0)
    if constant is not None:  # (2 (v - zp') + 1) >> 1 = v - zp', zp' the zero point added after
        addend_values = np.where(constant, 2 * (values - (0 if fold else zp)) + 1, addend_values)
    per_output: list[SSAValue] = []

    def per_channel_stage(kk: ScalarBuilder, acc, c, tables_only: bool = False):
        # Per output, the addend and the exponent e = -shift are table loads (made on first
        # use, their get_globals at `k`, before the op's loops): cheaper than computing them
        # from the shift. The exponents replace the op's shift table (int8 too; the lowering
        # drops the shift table when nothing else reads it), saving a negation an output.
        if not per_output:
            per_output.append(constant_table(k, op, layer_base(op) + "_requant_addend", addend_values))
            per_output.append(constant_table(k, op, layer_base(op) + "_requant_exponent", e, IntegerType(8)))
            if zero_exponents:  # -1 where e > 0, 0 where e = 0 (int8, sign-extended)
                per_output.append(constant_table(k, op, layer_base(op) + "_requant_sign_mask", -(e > 0).astype(np.int64),
                                                 IntegerType(8)))
        if tables_only:
            return None
        addend = kk.emit(memref.LoadOp.get(per_output[0], [c]))
        exponent = kk.load_i32(per_output[1], [c], False)
        mask = kk.load_i32(per_output[2], [c], False) if zero_exponents else None
        return clamp(kk, rounded(kk, srdhm(kk, acc, multiplier_at(kk, c)), addend, exponent, mask))

    def at_channel(kk: ScalarBuilder, c) -> ChannelStage:
        # Once per channel, so the addend 2^(e-1) + zp * 2^e is computed from the shift
        # (~4 instructions) instead of read from a table (flash).
        multiplier = multiplier_at(kk, c)
        if halves and multiplier.type != i32:
            multiplier = kk.narrow(multiplier)
        if constant is not None:  # the substituted channels' tables
            if not per_output:
                per_channel_stage(None, None, None, tables_only=True)
            addend = kk.emit(memref.LoadOp.get(per_output[0], [c]))
            exponent = kk.load_i32(per_output[1], [c], False)
        else:
            exponent = kk.sub(kk.i32(0), shift_at(kk, c))
            unit = kk.shl(kk.i32(1), exponent)
            addend = kk.add(kk.shr(unit, kk.i32(1)), kk.mul(unit, kk.i32(zp)) if zp and fold else kk.i32(0))
        # -(e != 0): no rounding term where e = 0
        mask = kk.sub(kk.i32(0), kk.min(exponent, kk.i32(1))) if zero_exponents else None
        return lambda k1, acc: clamp(k1, rounded(k1, srdhm(k1, acc, multiplier), addend, exponent, mask))

    per_channel_stage.at_channel = at_channel  # type: ignore[attr-defined]
    return per_channel_stage


def channel_stage(stage: Stage, k: ScalarBuilder, c: SSAValue) -> ChannelStage:
    """`stage` for channel c, with what depends only on c computed at `k` (outside the
    loop over the channel's outputs) where the stage allows it."""
    hoist = getattr(stage, "at_channel", None)
    if hoist is not None:
        return hoist(k, c)
    return lambda kk, acc: stage(kk, acc, c)


def fast_output_stage(k: ScalarBuilder, op: qk.Conv2DOp | qk.DenseOp) -> Stage:
    return short_stage(k, op) or output_stage(k, op)
