"""Hypothesis strategies for small, random, *valid* qnn graphs (the property tests' inputs).

``qnn_graphs()`` draws a :class:`QGraph`: a verified ``ModuleOp`` with one ``func.func`` of
1 to ``max_ops`` chained qnn ops on tiny tensors (spatial <= 9, channels <= 8 by default),
plus the categories it exercises (``tags``). Every op of the dialect is covered:

* ``qnn.conv2d``: kernels 1-3, strides 1-3, dilations 1-2, asymmetric pads (up to the
  dilated kernel, so whole windows may fall in the padding; any pads that keep the output
  >= 1), or "same" geometry (stride 1, pads summing to kernel - 1, as many output as input
  channels: the convolutions kernel-in-place may run in place); groups 1 / C
  (depthwise) / C with a channel multiplier / a proper divisor, per-tensor or per-channel
  weight scales, int8 weights (zero point 0, sometimes not) or uint8 weights with (per
  channel) zero points, int32 biases with |b| < 2**20, optional clamp;
* ``qnn.dense`` (rank-2 inputs, or a flattening ``qnn.reshape`` first), per tensor or per
  channel;
* ``qnn.add`` with numpy broadcasting on either side (also ``add %x, %x``) and three
  different scales;
* ``qnn.avg_pool2d`` (same parameters: TFLM's rounded mean; or rescaled to other output
  parameters), ``qnn.max_pool2d``; windows 1-3 or global, pads < kernel;
* ``qnn.pad`` (any axis, also the batch), ``qnn.reshape``, ``qnn.transpose``,
  ``qnn.concat`` (2-3 inputs, any axis, same parameters), ``qnn.softmax`` (last axis,
  output 1/256 with zero point -128 / 0, random beta), ``qnn.requantize`` (also int8 <->
  uint8);
* int8 and uint8 activations, input and output scales in [1e-3, 1] (log-uniform or
  exact powers of two), zero points over the whole storage range, optional ``clamp``;
* graph shapes: extra function inputs, fan-out (an earlier value reused by add or concat),
  several results (an intermediate, an argument, the same value twice), batch 2, and C
  keywords / odd characters as value names.

Quantisation parameters are usually *calibrated*, as a quantiser would: while the graph is
built, the reference executor runs it on one sample input, and the output parameters of
conv / dense / add / requantize / rescaling avg_pool2d (and the weight scales, i.e. the
requantisation multipliers, and the biases) are fitted to the values seen, so that outputs
spread over the storage range instead of saturating. A fraction of them is drawn wild
instead (multipliers 2**-24..8, full-range biases and zero points, narrow clamps). Integer
payloads (weights, biases) come from a numpy generator seeded by a drawn integer, in one of
a few styles (uniform, small, extreme, sparse). Graphs are built valid by construction; the
strategy verifies the module and ``assume``s it (never expected to reject).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st
from xdsl.dialects import arith, func
from xdsl.dialects.builtin import (
    BytesAttr,
    DenseIntOrFPElementsAttr,
    FunctionType,
    IntegerType,
    ModuleOp,
    Signedness,
    TensorType,
    i8,
    i32,
)
from xdsl.ir import Block, Operation, Region, SSAValue
from xdsl.utils.exceptions import VerifyException

from tinymlir.dialects import qnn
from tinymlir.reference import ReferenceExecutor

UI8 = IntegerType(8, Signedness.UNSIGNED)

LOG2_MIN_SCALE = math.log2(1e-3)  # activation scales in [1e-3, 1]
MAX_BIAS = (1 << 20) - 1

OP_KINDS = (
    "requantize", "conv2d", "dense", "add", "avg_pool2d", "max_pool2d", "pad", "reshape",
    "transpose", "concat", "softmax",
)
# Drawing weights (conv and add are the richest ops).
_WEIGHTED_KINDS = (
    "conv2d", "conv2d", "conv2d", "conv2d", "add", "add", "avg_pool2d", "avg_pool2d", "dense",
    "dense", "concat", "concat", "max_pool2d", "pad", "reshape", "transpose", "softmax",
    "requantize",
)
_RANK4_ONLY = {"conv2d", "avg_pool2d", "max_pool2d"}

# Value names that the C backend must not use as they are: keywords, libc / header names,
# names the generated code itself uses, characters xDSL accepts but C does not ('.', '-', '$').
TRICKY_NAMES = (
    "int", "static", "return", "main", "x", "y", "v1", "v2", "input", "output", "y_out",
    "x_out", "conv.0", "a-b", "t$", "NULL", "arena", "tinymlir_rounding_divide_by_pot",
    "g0_run", "y_weight", "const", "inline", "float", "memcpy", "stdin", "size_t", "errno",
    "assert", "int8_t", "bool", "true",
)
# Names in the C implementation's or tinymlir's reserved namespaces (`__x`, `_X`, `INT8_...`,
# `TINYMLIR_...`). Kept out of TRICKY_NAMES: weights of values named so get symbols the mcuc
# verifier rejects (test_properties.py::test_reserved_value_names).
RESERVED_NAMES = ("_Bool", "__x", "_Hidden", "INT8_MAX", "UINT8_input", "TINYMLIR_LAYER_HOOK")


@dataclass(frozen=True)
class Limits:
    """Size limits of the generated graphs."""

    max_ops: int = 4
    max_spatial: int = 9
    max_channels: int = 8
    max_batch: int = 2
    max_other_dim: int = 16
    """Dimensions of tensors that are not NHWC activations (rank 1-3, or after a reshape)."""
    max_elements: int = 2 * 9 * 9 * 8
    allow_ui8: bool = True
    allow_tricky_names: bool = True
    kinds: tuple[str, ...] = OP_KINDS


class QGraph:
    """A generated graph: the verified module and what it exercises. (A plain class, not a
    dataclass, so that Hypothesis prints a falsifying example as MLIR text.)"""

    def __init__(self, module: ModuleOp, tags: frozenset[str], input_seed: int, name: str = "g"):
        self.module = module
        self.tags = tags
        self.input_seed = input_seed
        self.name = name

    @property
    def function(self) -> func.FuncOp:
        (f,) = [op for op in self.module.ops if isinstance(op, func.FuncOp)]
        return f

    @property
    def input_types(self) -> list[qnn.QTensorType]:
        return list(self.function.function_type.inputs.data)  # type: ignore[arg-type]

    @property
    def output_types(self) -> list[qnn.QTensorType]:
        return list(self.function.function_type.outputs.data)  # type: ignore[arg-type]

    @property
    def op_names(self) -> list[str]:
        return [op.name for op in self.function.body.block.ops]

    def renamed(self, name: str) -> ModuleOp:
        """A fresh copy of the module whose function is called `name`."""
        from xdsl.dialects.builtin import StringAttr

        module = self.module.clone()
        (f,) = [op for op in module.ops if isinstance(op, func.FuncOp)]
        f.sym_name = StringAttr(name)
        return module

    def mlir(self) -> str:
        return str(self.module)

    def random_inputs(self, index: int) -> list[np.ndarray]:
        """Input set `index` (deterministic): uniform over the storage range, or (index % 3
        == 2) a mix of the extremes and the zero point."""
        rng = np.random.default_rng([self.input_seed, index])
        arrays = []
        for t in self.input_types:
            lo, hi = t.storage_min, t.storage_max
            dtype = np.uint8 if t.is_unsigned else np.int8
            shape = t.get_shape()
            if index % 3 == 2:
                x = rng.choice(np.array([lo, hi, t.zero_point, lo + 1, hi - 1]), size=shape)
            else:
                x = rng.integers(lo, hi + 1, size=shape)
            arrays.append(x.astype(dtype))
        return arrays

    def __repr__(self) -> str:
        return f"QGraph(tags={sorted(self.tags)}, input_seed={self.input_seed}):\n{self.mlir()}"


# --------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------


def dense_attr(array: np.ndarray, element_type) -> DenseIntOrFPElementsAttr:
    return DenseIntOrFPElementsAttr(
        TensorType(element_type, list(array.shape)),
        BytesAttr(np.ascontiguousarray(array).tobytes()),
    )


def _storage_range(storage: IntegerType) -> tuple[int, int]:
    return (0, 255) if storage.signedness.data == Signedness.UNSIGNED else (-128, 127)


def _np_storage(storage: IntegerType):
    return np.uint8 if storage.signedness.data == Signedness.UNSIGNED else np.int8


def _clip_scale(s: float) -> float:
    return float(min(1.0, max(1e-3, s)))


@st.composite
def activation_scale(draw) -> float:
    """A scale in [1e-3, 1]: log-uniform, or an exact power of two."""
    if draw(st.integers(0, 4)) == 0:
        return 2.0 ** draw(st.integers(-9, 0))
    return _clip_scale(2.0 ** draw(st.floats(LOG2_MIN_SCALE, 0.0)))


def _factors(n: int) -> list[int]:
    out, p = [], 2
    while n > 1 and p * p <= n:
        while n % p == 0:
            out.append(p)
            n //= p
        p += 1
    if n > 1:
        out.append(n)
    return out


# --------------------------------------------------------------------------------------
# The builder
# --------------------------------------------------------------------------------------


@dataclass
class _Builder:
    draw: object
    limits: Limits
    rng: np.random.Generator
    block: Block = field(default_factory=Block)
    values: list[SSAValue] = field(default_factory=list)
    tags: set[str] = field(default_factory=set)
    tricky: bool = False
    counter: int = 0
    env: dict = field(default_factory=dict)
    """Every value on one sample input (uniform over the storage range): the calibration data."""
    executor: ReferenceExecutor = field(default_factory=ReferenceExecutor)

    # -- plumbing ----------------------------------------------------------------------- #
    def name(self, base: str) -> str:
        self.counter += 1
        if self.tricky and self.draw(st.booleans()):
            return self.draw(st.sampled_from(TRICKY_NAMES))
        return f"{base}{self.counter}"

    def new_arg(self, t: qnn.QTensorType) -> SSAValue:
        arg = self.block.insert_arg(t, len(self.block.args))
        if len(self.block.args) > 1:
            arg.name_hint = self.name("x")
            self.tags.add("graph:multi_input")
        else:
            arg.name_hint = self.draw(st.sampled_from(TRICKY_NAMES)) if self.tricky else "x"
        self.values.append(arg)
        self.env[arg] = self.rng.integers(t.storage_min, t.storage_max + 1, size=t.get_shape())
        return arg

    def emit(self, op: Operation, base: str) -> SSAValue:
        self.block.add_op(op)
        result = op.results[0]
        if not isinstance(op, qnn.ConstantOp | arith.ConstantOp) or self.tricky:
            result.name_hint = self.name(base)
        if not isinstance(op, qnn.ConstantOp | arith.ConstantOp):
            self.values.append(result)
        handler = self.executor.handlers[type(op)]
        self.env[result] = handler(op, [self.env[v] for v in op.operands])
        return result

    def dim_cap(self, rank: int, axis: int) -> int:
        lim = self.limits
        if rank == 4:
            return (lim.max_batch, lim.max_spatial, lim.max_spatial, lim.max_channels)[axis]
        return lim.max_other_dim

    def fits(self, shape: Sequence[int]) -> bool:
        return math.prod(shape) <= self.limits.max_elements and all(
            d <= max(self.dim_cap(len(shape), i), 1) for i, d in enumerate(shape)
        )

    def qtype(self, shape, storage, scale: float, zp: int) -> qnn.QTensorType:
        return qnn.QTensorType(shape, storage, [scale], [zp])

    def out_params(self, storage: IntegerType) -> tuple[float, int]:
        lo, hi = _storage_range(storage)
        return self.draw(activation_scale()), self.draw(st.integers(lo, hi))

    def clamp(self, scale: float, zp: int, storage: IntegerType) -> list[int] | None:
        lo, hi = _storage_range(storage)
        kind = self.draw(st.sampled_from(["none", "none", "relu", "relu6", "random", "full"]))
        if kind == "none":
            return None
        self.tags.add(f"clamp:{kind}")
        if kind == "relu":
            return [max(lo, zp), hi]
        if kind == "relu6":
            top = zp + int(round(6.0 / scale))
            return [max(lo, zp), min(hi, max(top, max(lo, zp)))]
        if kind == "full":
            return [lo, hi]
        a = self.draw(st.integers(lo, hi))
        return [a, self.draw(st.integers(a, hi))]

    def int_array(self, shape, lo: int, hi: int, style: str) -> np.ndarray:
        if style == "small":
            mid = 0 if lo < 0 else 128
            values = self.rng.integers(mid - 3, mid + 4, size=shape)
        elif style == "extreme":
            values = self.rng.choice(np.array([lo, hi]), size=shape)
        elif style == "sparse":
            dense = self.rng.integers(lo, hi + 1, size=shape)
            values = np.where(self.rng.random(shape) < 0.3, dense, 0 if lo < 0 else 128)
        else:
            values = self.rng.integers(lo, hi + 1, size=shape)
        return np.clip(values, lo, hi)

    def operand_like(self, shape, t_params: qnn.QTensorType | None, storage) -> SSAValue:
        """A value of exactly `shape` (and `t_params`' parameters if given): an earlier value
        when one fits and the draw says so, else a new function argument."""
        candidates = [
            v for v in self.values
            if v.type.get_shape() == tuple(shape) and v.type.element_type == storage
            and (t_params is None or v.type.same_params(t_params))
        ]
        if candidates and self.draw(st.booleans()):
            self.tags.add("graph:fan_out")
            return self.draw(st.sampled_from(candidates))
        if t_params is not None:
            return self.new_arg(t_params.with_shape(shape))
        scale, zp = self.out_params(storage)
        return self.new_arg(self.qtype(shape, storage, scale, zp))

    # -- weights ------------------------------------------------------------------------ #
    def weights(self, shape, x_storage, channel_axis_size: int):
        """(weight array, weight storage type, zero point of every output channel)."""
        draw = self.draw
        if x_storage == UI8 and draw(st.booleans()):
            storage, lo, hi = UI8, 0, 255
            per_channel_zp = draw(st.booleans())
            if per_channel_zp:
                zps = [draw(st.integers(0, 255)) for _ in range(channel_axis_size)]
            else:
                zps = [draw(st.integers(0, 255))] * channel_axis_size
            self.tags.add("weights:ui8")
        else:
            storage, lo, hi = i8, -128, 127
            if draw(st.integers(0, 9)) == 0:
                zps = [draw(st.integers(-128, 127))] * channel_axis_size
                self.tags.add("weights:i8_nonzero_zp")
            else:
                zps = [0] * channel_axis_size
        style = draw(st.sampled_from(["random", "random", "small", "extreme", "sparse"]))
        self.tags.add(f"weights:{style}")
        array = self.int_array(shape, lo, hi, style)
        return array.astype(_np_storage(storage)), storage, zps

    def calibrate(self, w: np.ndarray, zps, x: SSAValue):
        """Bias, weight scales (one, or one per output channel) and output parameters of a
        conv / dense with weights `w` (output channels first).

        Usually calibrated on the sample input: the accumulator's mean +- 3 standard
        deviations (estimated from the input's mean and deviation) maps onto the output's
        storage range, and biases are of the accumulators' magnitude. Sometimes wild (any
        multiplier in about [2**-25, 16], biases anywhere in |b| < 2**20, any output zero
        point)."""
        draw, xt = self.draw, x.type
        storage = xt.element_type
        c_out = w.shape[0]
        centred = w.reshape(c_out, -1).astype(np.float64) - np.asarray(zps, np.float64)[:, None]
        lo, hi = _storage_range(storage)
        mid = (lo + hi) / 2
        sample = self.env[x] - xt.zero_point
        acc_mean = float(sample.mean()) * centred.sum(axis=1)
        acc_std = (float(sample.std()) + 1.0) * np.sqrt((centred**2).sum(axis=1)) + 1.0
        # Bias.
        style = draw(st.sampled_from(["calibrated"] * 4 + ["zero", "small", "full", "extreme"]))
        self.tags.add(f"bias:{style}")
        if style == "zero":
            b = np.zeros(c_out, np.int64)
        elif style == "small":
            b = self.rng.integers(-300, 301, size=c_out)
        elif style == "extreme":
            b = self.rng.choice(np.array([-MAX_BIAS, MAX_BIAS]), size=c_out)
        elif style == "full":
            b = self.rng.integers(-MAX_BIAS, MAX_BIAS + 1, size=c_out)
        else:
            b = np.rint(self.rng.uniform(-2.0, 2.0, size=c_out) * acc_std).astype(np.int64)
        b = np.clip(b, -MAX_BIAS, MAX_BIAS)
        acc_mean = acc_mean + b
        # Multipliers: M = s_in * s_w / s_out.
        per_channel = draw(st.booleans())
        if draw(st.integers(0, 7)) == 0:
            self.tags.add("scales:wild")
            mults = np.full(c_out, 2.0 ** draw(st.floats(-24.0, 3.0)))
        else:
            target = 255.0 / (6.0 * (acc_std if per_channel else np.full(c_out, acc_std.mean())))
            mults = target * 2.0 ** draw(st.floats(-1.5, 1.5))
        if per_channel:
            mults = mults * np.array([2.0 ** draw(st.floats(-1.0, 1.0)) for _ in range(c_out)])
        s_out = self.draw(activation_scale())
        if draw(st.integers(0, 3)) == 0:
            z_out = draw(st.integers(lo, hi))
        else:
            z_out = int(np.clip(np.rint(mid - float(np.mean(mults * acc_mean))), lo, hi))
        scales = [float(m) * s_out / xt.scale for m in mults]
        bias = self.emit(arith.ConstantOp(dense_attr(b.astype(np.int32), i32)), "bias")
        return bias, (scales if per_channel else scales[:1]), per_channel, s_out, z_out

    def fitted_params(self, x: SSAValue, storage) -> tuple[float, int]:
        """Output parameters for a rescaled copy of x (requantize, avg_pool2d): usually fitted
        to x's sample values (their 2..98 percentiles span the output range, times 2**[-1, 1]),
        sometimes a scale near x's, sometimes anything."""
        draw, xt = self.draw, x.type
        lo, hi = _storage_range(storage)
        kind = draw(st.sampled_from(["fitted", "fitted", "near", "any"]))
        if kind == "any":
            return draw(activation_scale()), draw(st.integers(lo, hi))
        if kind == "near":
            s_out = _clip_scale(xt.scale * 2.0 ** draw(st.floats(-3.0, 3.0)))
            return s_out, self.centred_zp(storage, xt.scale / s_out, x)
        real = xt.scale * (self.env[x] - xt.zero_point)
        r_lo, r_hi = np.percentile(real, 2), np.percentile(real, 98)
        span = max(r_hi - r_lo, xt.scale)
        s_out = _clip_scale(span / 255.0 * 2.0 ** draw(st.floats(-1.0, 1.0)))
        return s_out, int(np.clip(np.rint((lo + hi) / 2 - (r_lo + r_hi) / 2 / s_out), lo, hi))

    def centred_zp(self, storage, ratio: float, x: SSAValue) -> int:
        """An output zero point for out = ratio * (q - zp_x) + zp: usually the one that maps
        the middle of x's sample values to the middle of the output's range, sometimes any."""
        lo, hi = _storage_range(storage)
        if self.draw(st.integers(0, 3)) == 0:
            return self.draw(st.integers(lo, hi))
        values = ratio * (self.env[x] - x.type.zero_point)
        centre = (np.percentile(values, 2) + np.percentile(values, 98)) / 2
        return int(np.clip(np.rint((lo + hi) / 2 - centre), lo, hi))

    # -- ops ------------------------------------------------------------------------------ #
    def window_pads(self, size: int, eff: int, stride: int, per_side_max: int, cap: int):
        """(before, after) pads with output >= 1 and stride-1 output <= cap."""
        draw = self.draw
        cap = max(cap, size)
        p_min = max(0, eff - size)
        p_max = min(2 * per_side_max, cap - 1 + eff - size)
        before = draw(st.integers(0, min(per_side_max, p_max)))
        after = draw(st.integers(max(0, p_min - before), min(per_side_max, p_max - before)))
        return before, after

    def conv2d(self, x: SSAValue) -> SSAValue | None:
        draw, xt = self.draw, x.type
        n, h, w, c = xt.get_shape()
        storage = xt.element_type
        # "same": stride 1, no dilation, pads summing to kernel - 1 and as many output as input
        # channels (the shape-preserving convolutions that may run in place over their input).
        same = draw(st.booleans())
        mode = draw(st.sampled_from(["regular", "regular", "depthwise", "depthwise", "multiplier", "grouped"]))
        divisors = [g for g in range(2, c) if c % g == 0]
        if mode == "grouped" and not divisors:
            mode = "multiplier"
        if mode == "regular":
            groups = 1
            c_out = c if same else draw(st.integers(1, self.limits.max_channels))
        elif mode == "depthwise":
            groups, c_out = c, c
        elif mode == "multiplier":
            groups = c
            mult_max = 1 if same else self.limits.max_channels // c
            c_out = c * draw(st.integers(1, max(1, mult_max)))
            if c_out == c and c > 1:
                mode = "depthwise"
        else:
            groups = draw(st.sampled_from(divisors))
            c_out = c if same else groups * draw(st.integers(1, self.limits.max_channels // groups))
        if groups == 1:
            mode = "regular"
        self.tags.add(f"conv2d:{mode}")
        kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
        if same:
            self.tags.add("conv2d:same")
            sh = sw = dh = dw = 1
            pt = draw(st.integers(0, kh - 1))
            pl = draw(st.integers(0, kw - 1))
            pb, pr = kh - 1 - pt, kw - 1 - pl
            eh, ew = kh, kw
        else:
            sh, sw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
            dh, dw = draw(st.integers(1, 2)), draw(st.integers(1, 2))
            eh, ew = (kh - 1) * dh + 1, (kw - 1) * dw + 1
            pt, pb = self.window_pads(h, eh, sh, eh, self.limits.max_spatial)
            pl, pr = self.window_pads(w, ew, sw, ew, self.limits.max_spatial)
        pads = [pt, pl, pb, pr]
        oh = qnn.window_output_size(h, kh, sh, dh, pt + pb)
        ow = qnn.window_output_size(w, kw, sw, dw, pl + pr)
        if any(pads):
            self.tags.add("conv2d:padded")
            if pt >= eh or pb >= eh or pl >= ew or pr >= ew:
                self.tags.add("conv2d:pad>=kernel")
        if (sh, sw) != (1, 1):
            self.tags.add("conv2d:strided")
        if (dh, dw) != (1, 1):
            self.tags.add("conv2d:dilated")
        if kh != kw or sh != sw or pt != pb or pl != pr:
            self.tags.add("conv2d:asymmetric")
        out_shape = (n, oh, ow, c_out)
        if not self.fits(out_shape):
            return None
        w_arr, w_storage, w_zps = self.weights((c_out, kh, kw, c // groups), storage, c_out)
        bias, scales, per_channel, s_out, z_out = self.calibrate(w_arr, w_zps, x)
        if per_channel or len(set(w_zps)) > 1:
            self.tags.add("conv2d:per_channel")
            scales = scales * (c_out // len(scales))
            wt = qnn.QTensorType(w_arr.shape, w_storage, scales, w_zps, axis=0)
        else:
            wt = qnn.QTensorType(w_arr.shape, w_storage, scales, w_zps[:1])
        weight = self.emit(qnn.ConstantOp(dense_attr(w_arr, w_storage), wt), "weight")
        out = self.qtype(out_shape, storage, s_out, z_out)
        clamp = self.clamp(s_out, z_out, storage)
        op = qnn.Conv2DOp(
            x, weight, bias, out, strides=[sh, sw], pads=pads, dilations=[dh, dw],
            groups=groups, clamp=clamp,
        )
        return self.emit(op, "conv")

    def flatten(self, x: SSAValue) -> SSAValue:
        shape = x.type.get_shape()
        if len(shape) == 2:
            return x
        target = (1, shape[0]) if len(shape) == 1 else (shape[0], math.prod(shape[1:]))
        self.tags.add("dense:flatten")
        return self.emit(qnn.ReshapeOp(x, x.type.with_shape(target)), "flat")

    def dense(self, x: SSAValue) -> SSAValue | None:
        draw = self.draw
        x = self.flatten(x)
        xt = x.type
        n, k = xt.get_shape()
        storage = xt.element_type
        units = draw(st.integers(1, self.limits.max_channels))
        w_arr, w_storage, w_zps = self.weights((units, k), storage, units)
        bias, scales, per_channel, s_out, z_out = self.calibrate(w_arr, w_zps, x)
        if per_channel or len(set(w_zps)) > 1:
            self.tags.add("dense:per_channel")
            scales = scales * (units // len(scales))
            wt = qnn.QTensorType(w_arr.shape, w_storage, scales, w_zps, axis=0)
        else:
            wt = qnn.QTensorType(w_arr.shape, w_storage, scales, w_zps[:1])
        weight = self.emit(qnn.ConstantOp(dense_attr(w_arr, w_storage), wt), "weight")
        out = self.qtype((n, units), storage, s_out, z_out)
        op = qnn.DenseOp(x, weight, bias, out, clamp=self.clamp(s_out, z_out, storage))
        return self.emit(op, "dense")

    def add(self, x: SSAValue) -> SSAValue | None:
        draw, xt = self.draw, x.type
        shape = xt.get_shape()
        storage = xt.element_type
        rank = len(shape)
        if draw(st.integers(0, 5)) == 0:
            other = x  # add %x, %x
            self.tags.add("add:same_operand")
        else:
            other_rank = rank if draw(st.booleans()) else draw(st.integers(1, rank))
            dims = []
            for i in range(rank - other_rank, rank):
                d = shape[i]
                if d == 1:
                    cap = max(1, min(3, self.dim_cap(rank, i)))
                    dims.append(draw(st.integers(1, cap)))
                else:
                    dims.append(d if draw(st.integers(0, 2)) else 1)
            other = self.operand_like(tuple(dims), None, storage)
        out_shape = qnn.broadcast_shape(shape, other.type.get_shape())
        assert out_shape is not None
        if out_shape != shape or other.type.get_shape() != shape:
            self.tags.add("add:broadcast")
        if not self.fits(out_shape):
            return None
        lhs, rhs = (x, other) if draw(st.booleans()) else (other, x)
        lo, hi = _storage_range(storage)
        if draw(st.integers(0, 3)) == 0:
            s_out = draw(activation_scale())
            z_out = draw(st.integers(lo, hi))
        else:  # calibrated on the sample: the real sum's 2..98 percentiles span the output
            real = sum(v.type.scale * (self.env[v] - v.type.zero_point) for v in (lhs, rhs))
            r_lo, r_hi = np.percentile(real, 2), np.percentile(real, 98)
            span = max(r_hi - r_lo, lhs.type.scale + rhs.type.scale)
            s_out = _clip_scale(span / 255.0 * 2.0 ** draw(st.floats(-1.0, 1.0)))
            z_out = int(np.clip(np.rint((lo + hi) / 2 - (r_lo + r_hi) / 2 / s_out), lo, hi))
        out = self.qtype(out_shape, storage, s_out, z_out)
        self.tags.add("add")
        return self.emit(qnn.AddOp(lhs, rhs, out, clamp=self.clamp(s_out, z_out, storage)), "add")

    def pool(self, x: SSAValue, kind: str) -> SSAValue | None:
        draw, xt = self.draw, x.type
        n, h, w, c = xt.get_shape()
        storage = xt.element_type
        if draw(st.integers(0, 4)) == 0:
            kh, kw, sh, sw, pads = h, w, 1, 1, [0, 0, 0, 0]
            self.tags.add(f"{kind}:global")
        else:
            kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
            sh, sw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
            pt, pb = self.window_pads(h, kh, sh, kh - 1, self.limits.max_spatial)
            pl, pr = self.window_pads(w, kw, sw, kw - 1, self.limits.max_spatial)
            pads = [pt, pl, pb, pr]
            if any(pads):
                self.tags.add(f"{kind}:padded")
        oh = qnn.window_output_size(h, kh, sh, 1, pads[0] + pads[2])
        ow = qnn.window_output_size(w, kw, sw, 1, pads[1] + pads[3])
        out_shape = (n, oh, ow, c)
        if not self.fits(out_shape):
            return None
        out = xt.with_shape(out_shape)
        if kind == "avg_pool2d" and draw(st.booleans()):
            self.tags.add("avg_pool2d:rescale")
            s_out, z_out = self.fitted_params(x, storage)
            out = self.qtype(out_shape, storage, s_out, z_out)
        self.tags.add(kind)
        clamp = self.clamp(out.scale, out.zero_point, storage)
        op_class = qnn.AvgPool2DOp if kind == "avg_pool2d" else qnn.MaxPool2DOp
        op = op_class(x, out, kernel=[kh, kw], strides=[sh, sw], pads=pads, clamp=clamp)
        return self.emit(op, "pool")

    def pad(self, x: SSAValue) -> SSAValue | None:
        draw, xt = self.draw, x.type
        shape = xt.get_shape()
        rank = len(shape)
        befores, afters = [], []
        for i, d in enumerate(shape):
            room = max(0, self.dim_cap(rank, i) - d)
            b = draw(st.integers(0, min(2, room)))
            a = draw(st.integers(0, min(2, room - b)))
            befores.append(b)
            afters.append(a)
        out_shape = tuple(d + b + a for d, b, a in zip(shape, befores, afters, strict=True))
        if not self.fits(out_shape):
            return None
        if rank == 4 and befores[0] + afters[0]:
            self.tags.add("pad:batch")
        self.tags.add("pad")
        return self.emit(qnn.PadOp(x, xt.with_shape(out_shape), befores + afters), "pad")

    def reshape(self, x: SSAValue, rank: int | None = None) -> SSAValue | None:
        draw, xt = self.draw, x.type
        total = xt.get_num_elements()
        rank = rank or draw(st.integers(1, 4))
        factors = _factors(total)
        for _ in range(8):
            dims = [1] * rank
            for f in factors:
                dims[draw(st.integers(0, rank - 1))] *= f
            if self.fits(dims):
                break
        else:
            return None
        self.tags.add(f"reshape:rank{rank}")
        return self.emit(qnn.ReshapeOp(x, xt.with_shape(dims)), "reshape")

    def transpose(self, x: SSAValue) -> SSAValue | None:
        xt = x.type
        shape = xt.get_shape()
        perm = list(self.draw(st.permutations(range(len(shape)))))
        out_shape = [shape[p] for p in perm]
        if not self.fits(out_shape):
            return None
        self.tags.add("transpose")
        return self.emit(qnn.TransposeOp(x, xt.with_shape(out_shape), perm), "transpose")

    def concat(self, x: SSAValue) -> SSAValue | None:
        draw, xt = self.draw, x.type
        shape = xt.get_shape()
        rank = len(shape)
        axes = [a for a in range(rank) if shape[a] < self.dim_cap(rank, a)]
        if not axes:
            return None
        axis = draw(st.sampled_from(axes))
        room = self.dim_cap(rank, axis) - shape[axis]
        inputs = [x]
        for _ in range(draw(st.integers(1, 2))):
            if room < 1:
                break
            size = draw(st.integers(1, min(room, 3)))
            room -= size
            other_shape = list(shape)
            other_shape[axis] = size
            other = self.operand_like(tuple(other_shape), xt, xt.element_type)
            inputs.insert(draw(st.integers(0, len(inputs))), other)
        out_shape = list(shape)
        out_shape[axis] = sum(v.type.get_shape()[axis] for v in inputs)
        if not self.fits(out_shape):
            return None
        self.tags.add(f"concat:{len(inputs)}_inputs")
        self.tags.add("concat:last_axis" if axis == rank - 1 else "concat:inner_axis")
        return self.emit(qnn.ConcatOp(inputs, xt.with_shape(out_shape), axis), "concat")

    def softmax(self, x: SSAValue) -> SSAValue | None:
        draw, xt = self.draw, x.type
        storage = xt.element_type
        beta = 1.0 if draw(st.booleans()) else draw(st.floats(0.1, 3.0))
        if beta != 1.0:
            self.tags.add("softmax:beta")
        lo, _ = _storage_range(storage)
        out = self.qtype(xt.get_shape(), storage, 1.0 / 256, lo)
        self.tags.add("softmax")
        return self.emit(qnn.SoftmaxOp(x, out, beta), "softmax")

    def requantize(self, x: SSAValue) -> SSAValue | None:
        draw, xt = self.draw, x.type
        storage = xt.element_type
        if self.limits.allow_ui8 and draw(st.integers(0, 3)) == 0:
            storage = i8 if storage == UI8 else UI8
            self.tags.add("requantize:storage_change")
        s_out, z_out = self.fitted_params(x, storage)
        out = self.qtype(xt.get_shape(), storage, s_out, z_out)
        self.tags.add("requantize")
        return self.emit(qnn.RequantizeOp(x, out, clamp=self.clamp(s_out, z_out, storage)), "requant")

    # -- one step ----------------------------------------------------------------------- #
    def step(self, x: SSAValue) -> SSAValue:
        rank = len(x.type.get_shape())
        kinds = [k for k in _WEIGHTED_KINDS if k in self.limits.kinds]
        if rank != 4:
            kinds = [k for k in kinds if k not in _RANK4_ONLY]
        for _ in range(4):
            kind = self.draw(st.sampled_from(kinds))
            if kind == "avg_pool2d" or kind == "max_pool2d":
                result = self.pool(x, kind)
            else:
                result = getattr(self, kind)(x)
            if result is not None:
                self.tags.add(kind)
                return result
        result = self.requantize(x)
        assert result is not None
        return result


def _channels(max_channels: int):
    """Channel counts, with composite ones (grouped convolutions) drawn more often."""
    composite = [c for c in (4, 6, 8) if c <= max_channels]
    if not composite:
        return st.integers(1, max_channels)
    return st.one_of(st.integers(1, max_channels), st.sampled_from(composite))


def _input_type(draw, limits: Limits, storage: IntegerType) -> qnn.QTensorType:
    shape_kind = draw(st.sampled_from(["nhwc"] * 6 + ["matrix", "other"]))
    if shape_kind == "nhwc" or not set(limits.kinds) - _RANK4_ONLY:
        shape = (
            draw(st.integers(1, limits.max_batch)),
            draw(st.integers(1, limits.max_spatial)),
            draw(st.integers(1, limits.max_spatial)),
            draw(_channels(limits.max_channels)),
        )
    elif shape_kind == "matrix":
        shape = (draw(st.integers(1, limits.max_batch)), draw(st.integers(1, limits.max_other_dim)))
    else:
        rank = draw(st.sampled_from([1, 3]))
        shape = tuple(draw(st.integers(1, min(6, limits.max_other_dim))) for _ in range(rank))
    lo, hi = _storage_range(storage)
    return qnn.QTensorType(shape, storage, [draw(activation_scale())], [draw(st.integers(lo, hi))])


@st.composite
def qnn_graphs(draw, limits: Limits = Limits(), name: str = "g") -> QGraph:
    """A verified module with one function `name` of 1..limits.max_ops chained qnn ops."""
    storage = UI8 if limits.allow_ui8 and draw(st.integers(0, 4)) == 0 else i8
    builder = _Builder(draw, limits, np.random.default_rng(draw(st.integers(0, 2**32 - 1))))
    builder.tricky = limits.allow_tricky_names and draw(st.integers(0, 9)) == 0
    if builder.tricky:
        builder.tags.add("graph:tricky_names")
    if storage == UI8:
        builder.tags.add("ui8")
    x = builder.new_arg(_input_type(draw, limits, storage))
    if x.type.get_shape()[0] > 1 and len(x.type.get_shape()) == 4:
        builder.tags.add("graph:batch>1")
    for _ in range(draw(st.integers(1, limits.max_ops))):
        x = builder.step(x)
    results = [x]
    if draw(st.integers(0, 5)) == 0:
        extra = draw(st.sampled_from(builder.values))
        results.insert(draw(st.integers(0, 1)), extra)
        builder.tags.add("graph:multi_output")
        if extra is x:
            builder.tags.add("graph:duplicate_output")
        if extra in builder.block.args:
            builder.tags.add("graph:output_is_input")
    if any(v.type.element_type == UI8 for v in builder.values):
        builder.tags.add("ui8")
    block = builder.block
    block.add_op(func.ReturnOp(*results))
    function = func.FuncOp(
        name,
        FunctionType.from_lists([a.type for a in block.args], [r.type for r in results]),
        Region(block),
    )
    module = ModuleOp([function])
    try:
        module.verify()
    except VerifyException:  # never expected: the builder makes valid graphs directly
        assume(False)
    return QGraph(module, frozenset(builder.tags), draw(st.integers(0, 2**32 - 1)), name)


def qnn_graph_batches(limits: Limits = Limits(), max_size: int = 3):
    """Lists of 1..max_size graphs (compiled together into one executable)."""
    return st.lists(qnn_graphs(limits), min_size=1, max_size=max_size)


__all__ = [
    "OP_KINDS",
    "RESERVED_NAMES",
    "TRICKY_NAMES",
    "Limits",
    "QGraph",
    "activation_scale",
    "qnn_graph_batches",
    "qnn_graphs",
]
