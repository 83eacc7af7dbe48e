"""Oracles for onnxruntime-quantised models that give the same answer on every host CPU
(used by `tinymlir-run --per-layer` and the tests; test/python/ort_oracle.py re-exports it).

* QDQ models: onnxruntime at ORT_DISABLE_ALL (`run_ort`), which runs the graph as written with
  float kernels (no QLinearConv fusion, so no integer GEMM kernel whose result depends on the
  instruction set). The float pools' summation order is MLAS's x86-64 one (the "x86_64" flavour
  below): on an ARM host onnxruntime's GlobalAveragePool sums in another order.
* QOperator models: never onnxruntime's integer kernels (its u8s8 QLinearConv saturates int16 pair
  sums on AVX2 without VNNI). `ExactOracle` runs the graph with `onnx.reference.ReferenceEvaluator`
  and exact numpy kernels (`new_ops=`) for QLinearConv, QLinearMatMul and the com.microsoft ops,
  in the arithmetic of /work/notes/numerics-spec.md's onnx mode: exact integer accumulation,
  float32 round-to-nearest-even in the order written, S_c = f32(f32(sx * sw[c]) / sy).

Flavours (`ExactOracle(model, flavour=...)`):
* "x86_64" (DEFAULT_FLAVOUR): what onnxruntime computes on x86-64, i.e. what the onnx numerics
  mode compiles: the spec's arithmetic except the average pools, which follow MLAS's kernels
  (qnn.avg_pool2d's onnx_form; see tinymlir/onnx_numerics.py): QDQ AveragePool column sums first
  (MlasPool2DVectorKernel, width stride <= 2 and kernels <= 32), QDQ GlobalAveragePool in 4 lanes
  reduced (l0+l2)+(l1+l3) (MlasPoolGlobalKernel; NEON reduces (l0+l1)+(l2+l3), so onnxruntime on
  ARM differs), QLinearGlobalAveragePool's integer sum, QLinearAveragePool's zero point added in
  float before rounding. QLinearAdd stays the spec's documented DQ -> Add -> Q formula: MLAS's x86
  kernel (multiply-by-ratio with FMA, qladd_avx2.cpp) differs from its portable path and from the
  QDQ graph in rare ties, and tinymlir keeps the formula every onnxruntime build agrees on for QDQ.
* "ort_x86": "x86_64" plus MLAS's FMA QLinearAdd: onnxruntime's QOperator kernels on an AVX2+FMA
  machine, for experiments (showing where and why ORT differs), never a test's expectation.
* "spec": /work/notes/numerics-spec.md literally (every pool a sequential sum).

onnx.reference's own QLinearConv / QLinearMatMul multiply the int32 accumulator by the float32
ratio in float64 (int32 array * float32 scalar promotes to float64) and round that: neither f32(acc)
nor the float32 product is rounded, so they differ from the spec (and from onnxruntime) near ties.
They are replaced here.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import onnx
from onnx import helper, numpy_helper
from onnx.reference import ReferenceEvaluator
from onnx.reference.op_run import OpRun

F32 = np.float32
ORACLE_DOMAIN = "tinymlir.oracle"
DEFAULT_FLAVOUR = "x86_64"
FLAVOURS = ("x86_64", "ort_x86", "spec")

# Output zero-point operand of each quantised op (its dtype is the output's).
OUTPUT_ZERO_POINT = {
    "QuantizeLinear": 2, "QLinearConv": 7, "QLinearMatMul": 7, "QGemm": 8, "QLinearAdd": 7,
    "QLinearAveragePool": 4, "QLinearGlobalAveragePool": 4, "QLinearConcat": 1,
    "QLinearSoftmax": 4,
}
SOFTMAX_OPS = {"Softmax", "QLinearSoftmax"}


# --------------------------------------------------------------------------- #
# Output stages (numerics-spec, onnx mode)
# --------------------------------------------------------------------------- #


def _bounds(dtype) -> tuple[int, int]:
    info = np.iinfo(dtype)
    return int(info.min), int(info.max)


def quantize_f32(v: np.ndarray, zy, dtype) -> np.ndarray:
    """rint(clampf(v, lo - zy, hi - zy)) + zy, v already divided or multiplied into output units."""
    lo, hi = _bounds(dtype)
    zy = int(np.asarray(zy).reshape(-1)[0])
    with np.errstate(over="ignore", invalid="ignore"):
        clamped = np.minimum(np.maximum(np.asarray(v, F32), F32(lo - zy)), F32(hi - zy))
    return (np.rint(clamped).astype(np.int64) + zy).astype(dtype)


def requantize_acc(acc: np.ndarray, sx, sw, sy, zy, dtype, channel_axis: int) -> np.ndarray:
    """conv / dense: rint(clampf(f32(acc) * S_c)) + zy with S_c = f32(f32(sx * sw[c]) / sy)."""
    sw = np.asarray(sw, F32).reshape(-1)
    scale = (F32(sx) * sw).astype(F32) / F32(sy)
    shape = [1] * acc.ndim
    shape[channel_axis] = -1
    with np.errstate(over="ignore"):
        product = acc.astype(F32) * scale.astype(F32).reshape(shape)
    return quantize_f32(product, zy, dtype)


def dequantize_f32(x: np.ndarray, sx, zx) -> np.ndarray:
    """f32(x - zx) * sx in float32."""
    return (x.astype(np.int64) - int(np.asarray(zx).reshape(-1)[0])).astype(F32) * F32(sx)


def _zp(z) -> int:
    return int(np.asarray(z).reshape(-1)[0]) if z is not None else 0


def _f(s) -> np.float32:
    return F32(np.asarray(s).reshape(-1)[0])


def conv_accumulate(x, w, pads, strides, dilations, group) -> np.ndarray:
    """Exact int64 NCHW convolution of zero-point-free integers (padding = real zero)."""
    n, c, h, width = x.shape
    m, cg, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])))
    oh = (h + pads[0] + pads[2] - dilations[0] * (kh - 1) - 1) // strides[0] + 1
    ow = (width + pads[1] + pads[3] - dilations[1] * (kw - 1) - 1) // strides[1] + 1
    taps = []
    for i in range(kh):
        for j in range(kw):
            r, s = i * dilations[0], j * dilations[1]
            taps.append(xp[:, :, r : r + strides[0] * (oh - 1) + 1 : strides[0], s : s + strides[1] * (ow - 1) + 1 : strides[1]])
    cols = np.stack(taps, axis=2)  # [n, c, kh*kw, oh, ow]
    cols = cols.reshape(n, group, cg * kh * kw, oh * ow)  # (c, tap) order = weight's (cg, kh, kw)
    wg = w.reshape(group, m // group, cg * kh * kw)
    out = np.einsum("ngkp,gmk->ngmp", cols, wg, dtype=np.int64)
    return out.reshape(n, m, oh, ow)


def _conv_attrs(x, w, attrs):
    kh, kw = w.shape[2:]
    strides = list(attrs.get("strides") or [1, 1])
    dilations = list(attrs.get("dilations") or [1, 1])
    group = attrs.get("group") or 1
    pads = list(attrs.get("pads") or [0, 0, 0, 0])
    auto_pad = attrs.get("auto_pad") or "NOTSET"
    if isinstance(auto_pad, bytes):
        auto_pad = auto_pad.decode()
    if auto_pad not in ("NOTSET", "VALID"):
        raise NotImplementedError(f"auto_pad {auto_pad}")
    return pads, strides, dilations, group


def window_taps(shape, kernel, strides, pads):
    """(tap slices, valid masks) of a pooling window over an NCHW input, row-major (kh, kw)."""
    n, c, h, w = shape
    oh = (h + pads[0] + pads[2] - kernel[0]) // strides[0] + 1
    ow = (w + pads[1] + pads[3] - kernel[1]) // strides[1] + 1
    for i in range(kernel[0]):
        rows = np.arange(oh) * strides[0] - pads[0] + i
        for j in range(kernel[1]):
            cols = np.arange(ow) * strides[1] - pads[1] + j
            valid = ((rows >= 0) & (rows < h))[:, None] & ((cols >= 0) & (cols < w))[None, :]
            yield np.clip(rows, 0, h - 1), np.clip(cols, 0, w - 1), valid


def average_pool_f32(xf: np.ndarray, kernel, strides, pads) -> tuple[np.ndarray, np.ndarray]:
    """Sequential float32 sum of the valid taps in row-major order, and the tap count."""
    total, count = None, None
    for rows, cols, valid in window_taps(xf.shape, kernel, strides, pads):
        tap = np.where(valid, xf[:, :, rows[:, None], cols[None, :]], F32(0))
        total = tap.astype(F32) if total is None else (total + tap).astype(F32)
        count = valid.astype(np.int64) if count is None else count + valid
    return total, count


def softmax_spec(x: np.ndarray, sx, zx, sy, zy, dtype) -> np.ndarray:
    """DQ -> Softmax -> Q over the last axis: float64 exp table rounded to f32, sequential sum."""
    del zx  # differences of stored ints: the zero point cancels
    d = x.astype(np.int64) - x.astype(np.int64).max(axis=-1, keepdims=True)
    table = np.exp(np.float64(_f(sx)) * d.astype(np.float64)).astype(F32)
    total = np.zeros(x.shape[:-1] + (1,), F32)
    for i in range(x.shape[-1]):
        total = (total + table[..., i : i + 1]).astype(F32)
    return quantize_f32((table / total).astype(F32) / _f(sy), zy, dtype)


# --------------------------------------------------------------------------- #
# OpRun kernels
# --------------------------------------------------------------------------- #


class QLinearConv(OpRun):
    op_domain = ""

    def _run(self, x, sx, zx, w, sw, zw, sy, zy, bias=None, **attrs):
        pads, strides, dilations, group = _conv_attrs(x, w, attrs)
        zw = np.asarray(zw, np.int64).reshape(-1)
        wi = w.astype(np.int64) - (zw.reshape(-1, 1, 1, 1) if zw.size > 1 else zw[0])
        acc = conv_accumulate(x.astype(np.int64) - _zp(zx), wi, pads, strides, dilations, group)
        if bias is not None:
            acc = acc + bias.astype(np.int64).reshape(1, -1, 1, 1)
        return (requantize_acc(acc, _f(sx), sw, _f(sy), zy, zy.dtype, 1),)


def _matmul_acc(a, za, b, zb):
    zb = np.asarray(zb, np.int64).reshape(-1)
    bi = b.astype(np.int64) - (zb.reshape(1, -1) if zb.size > 1 else zb[0])
    return np.matmul(a.astype(np.int64) - _zp(za), bi)


class QLinearMatMul(OpRun):
    op_domain = ""

    def _run(self, a, sa, za, b, sb, zb, sy, zy):
        acc = _matmul_acc(a, za, b, zb)
        return (requantize_acc(acc, _f(sa), sb, _f(sy), zy, zy.dtype, acc.ndim - 1),)


class QGemm(OpRun):
    op_domain = "com.microsoft"

    def _run(self, a, sa, za, b, sb, zb, c=None, sy=None, zy=None, alpha=1.0, transA=0, transB=0, **_):
        if sy is None or transA or alpha != 1.0:
            raise NotImplementedError("QGemm with a float output, transA or alpha != 1")
        if transB:
            b = b.T
            zb = np.asarray(zb).reshape(-1)
        acc = _matmul_acc(a, za, b, zb)
        if c is not None:
            acc = acc + c.astype(np.int64)
        return (requantize_acc(acc, _f(sa), sb, _f(sy), zy, zy.dtype, 1),)


class QLinearAdd(OpRun):
    op_domain = "com.microsoft"
    flavour = DEFAULT_FLAVOUR

    def _run(self, a, sa, za, b, sb, zb, sy, zy=None, **_):
        dtype = (zy if zy is not None else a).dtype
        if self.flavour == "ort_x86":
            return (mlas_qlinear_add_x86(a, _f(sa), _zp(za), b, _f(sb), _zp(zb), _f(sy), _zp(zy), dtype),)
        total = (dequantize_f32(a, sa, za) + dequantize_f32(b, sb, zb)).astype(F32)
        return (quantize_f32(total / _f(sy), _zp(zy), dtype),)


def mlas_qlinear_add_x86(a, sa, za, b, sb, zb, sy, zy, dtype):
    """MLAS's QLinearAdd on x86-64 with AVX2+FMA (qladd_avx2.cpp): ratios sa/sy and sb/sy, the zero
    points folded into one constant, two fused multiply-adds, then cvtps (RNE) and saturation."""
    ratio_a, ratio_b = F32(sa / sy), F32(sb / sy)
    fixed = F32(F32(zy) - F32(F32(ratio_a * F32(za)) + F32(ratio_b * F32(zb))))

    def fma(x, y, z):  # exact in float64 for these magnitudes, then one rounding
        return (np.float64(x) * np.float64(y) + np.float64(z)).astype(F32)

    a, b = np.broadcast_arrays(a.astype(np.float64), b.astype(np.float64))
    if b.size == 1 or np.all(b == b.reshape(-1)[0]) and b.strides == (0,) * b.ndim:  # IsScalarB
        fixed = F32(fixed + F32(F32(b.reshape(-1)[0]) * ratio_b))
        v = fma(a, ratio_a, fixed)
    else:
        v = fma(a, ratio_a, fma(b, ratio_b, fixed))
    lo, hi = _bounds(dtype)
    return np.clip(np.rint(v).astype(np.int64), lo, hi).astype(dtype)


class QLinearAveragePool(OpRun):
    op_domain = "com.microsoft"
    flavour = DEFAULT_FLAVOUR

    def _run(self, x, sx, zx, sy, zy=None, kernel_shape=None, strides=None, pads=None,
             count_include_pad=0, channels_last=0, auto_pad=None, ceil_mode=0, **_):
        if channels_last or count_include_pad or ceil_mode or (auto_pad not in (None, b"NOTSET", "NOTSET")):
            raise NotImplementedError("QLinearAveragePool options")
        dtype = (zy if zy is not None else x).dtype
        total, count = average_pool_f32(dequantize_f32(x, sx, zx), kernel_shape, strides or [1, 1], pads or [0, 0, 0, 0])
        mean = (total / count.astype(F32)).astype(F32)
        if self.flavour != "spec":  # qlinear_pool.cc: nearbyintf(y / y_scale + y_zero_point)
            lo, hi = _bounds(dtype)
            v = ((mean / _f(sy)).astype(F32) + F32(_zp(zy))).astype(F32)
            return (np.clip(np.rint(v), lo, hi).astype(dtype),)
        return (quantize_f32((mean / _f(sy)).astype(F32), _zp(zy), dtype),)


class QLinearGlobalAveragePool(OpRun):
    op_domain = "com.microsoft"
    flavour = DEFAULT_FLAVOUR

    def _run(self, x, sx, zx, sy, zy=None, channels_last=0, **_):
        if channels_last:
            raise NotImplementedError("channels_last")
        dtype = (zy if zy is not None else x).dtype
        n, c, h, w = x.shape
        if self.flavour != "spec":  # qlgavgpool.cpp: integer sum, scale sx / (sy * N)
            acc = x.astype(np.int64).reshape(n, c, -1).sum(-1) - _zp(zx) * h * w
            scale = F32(_f(sx) / F32(_f(sy) * F32(h * w)))
            return (quantize_f32((acc.astype(F32) * scale).reshape(n, c, 1, 1), _zp(zy), dtype),)
        total, count = average_pool_f32(dequantize_f32(x, sx, zx), [h, w], [1, 1], [0, 0, 0, 0])
        mean = (total / count.astype(F32)).astype(F32)
        return (quantize_f32((mean / _f(sy)).astype(F32), _zp(zy), dtype),)


class QLinearConcat(OpRun):
    op_domain = "com.microsoft"

    def _run(self, sy, zy, *triples, axis=None, **_):
        parts = []
        for x, sx, zx in zip(triples[0::3], triples[1::3], triples[2::3], strict=True):
            parts.append(quantize_f32((dequantize_f32(x, sx, zx) / _f(sy)).astype(F32), _zp(zy), zy.dtype))
        return (np.concatenate(parts, axis=axis),)


class QLinearSoftmax(OpRun):
    op_domain = "com.microsoft"

    def _run(self, x, sx, zx, sy, zy, axis=-1, opset=13, **_):
        if axis not in (-1, x.ndim - 1):
            raise NotImplementedError("softmax over another axis than the last")
        return (softmax_spec(x, sx, zx, sy, zy, zy.dtype),)


class QuantizeLinear(OpRun):
    """rint(clampf(x / s)) + z in float32 (onnx.reference has no opset-13 implementation)."""

    op_domain = ""

    def _run(self, x, scale, zero_point=None, axis=1, **_):
        dtype = zero_point.dtype if zero_point is not None else np.dtype(np.uint8)
        if np.size(scale) != 1:
            raise NotImplementedError("per-axis QuantizeLinear of a runtime tensor")
        return (quantize_f32((x.astype(F32) / _f(scale)).astype(F32), _zp(zero_point), dtype),)


class DequantizeLinear(OpRun):
    op_domain = ""

    def _run(self, x, scale, zero_point=None, axis=1, **_):
        shape = [1] * x.ndim
        if np.size(scale) > 1:
            shape[axis] = -1
        z = np.asarray(zero_point if zero_point is not None else 0, np.int64).reshape(shape if np.size(zero_point) > 1 else [])
        return (((x.astype(np.int64) - z).astype(F32) * np.asarray(scale, F32).reshape(shape)).astype(F32),)


class MaxPool(OpRun):
    """Integer MaxPool (onnx.reference pads with NaN, which an integer tensor cannot hold)."""

    op_domain = ""

    def _run(self, x, kernel_shape=None, strides=None, pads=None, dilations=None, ceil_mode=0,
             storage_order=0, auto_pad=None, **_):
        if ceil_mode or storage_order or any(d != 1 for d in dilations or [1, 1]) or len(kernel_shape) != 2:
            raise NotImplementedError("MaxPool options")
        if auto_pad not in (None, "NOTSET", b"NOTSET"):
            raise NotImplementedError("MaxPool auto_pad")
        out = None
        for rows, cols, valid in window_taps(x.shape, kernel_shape, strides or [1, 1], pads or [0, 0, 0, 0]):
            tap = np.where(valid, x[:, :, rows[:, None], cols[None, :]], np.iinfo(x.dtype).min if x.dtype.kind in "iu" else -np.inf)
            out = tap if out is None else np.maximum(out, tap)
        return (out.astype(x.dtype),)


KERNELS = [QuantizeLinear, DequantizeLinear, MaxPool, QLinearConv, QLinearMatMul, QGemm, QLinearAdd, QLinearAveragePool,
           QLinearGlobalAveragePool, QLinearConcat, QLinearSoftmax]


def _flavoured(flavour: str) -> list[type[OpRun]]:
    if flavour not in FLAVOURS:
        raise ValueError(f"unknown flavour {flavour}; expected one of {', '.join(FLAVOURS)}")
    if flavour == DEFAULT_FLAVOUR:
        return KERNELS
    out = []
    for kernel in KERNELS:
        if hasattr(kernel, "flavour"):
            kernel = type(kernel.__name__, (kernel,), {"flavour": flavour, "op_domain": kernel.op_domain})
        out.append(kernel)
    return out


# --------------------------------------------------------------------------- #
# Graph runners
# --------------------------------------------------------------------------- #


class ExactOracle:
    """Exact numpy evaluation of a QOperator (or any integer) graph, every tensor kept."""

    def __init__(self, model: onnx.ModelProto | str, flavour: str = DEFAULT_FLAVOUR):
        model = model if isinstance(model, onnx.ModelProto) else onnx.load(model)
        self.model = qdq_to_qoperator(model) if is_qdq(model) else model
        self.evaluator = ReferenceEvaluator(self.model, new_ops=_flavoured(flavour))

    def run_all(self, inputs: Sequence[np.ndarray], replace: dict[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
        """Every tensor the graph computes. `replace` overrides a tensor as soon as it is computed
        (to check each layer on another runtime's inputs): the returned dict holds what this
        oracle computed, its successors read the replacement."""
        ev = self.evaluator
        env: dict[str, np.ndarray] = dict(ev.rt_inits_)
        for name, x in zip(ev.input_names, inputs, strict=True):
            env[name] = x
        computed: dict[str, np.ndarray] = {}
        replace = replace or {}
        for node in ev.rt_nodes_:
            args = [env[i] if i else None for i in node.input]
            results = node.run(*args)
            for name, value in zip(node.output, results, strict=False):
                computed[name] = value
                env[name] = replace.get(name, value)
        return computed

    def run(self, inputs: Sequence[np.ndarray]) -> list[np.ndarray]:
        env = self.run_all(inputs)
        return [env[o] for o in self.evaluator.output_names]


class Requantize(OpRun):
    """DQ -> Q with other parameters: rint(clampf((f32(x - zx) * sx) / sy)) + zy."""

    op_domain = ORACLE_DOMAIN

    def _run(self, x, sx, zx, sy, zy, **_):
        return (quantize_f32((dequantize_f32(x, sx, zx) / _f(sy)).astype(F32), _zp(zy), zy.dtype),)


def mlas_average_pool_f32(xf: np.ndarray, kernel, strides, pads) -> tuple[np.ndarray, np.ndarray]:
    """The float sum of MLAS's MlasPool2DVectorKernel (onnxruntime's float AveragePool on x86 for
    width strides <= 2 and kernels <= 32): each column summed over the valid rows first (starting
    from the first row's value), then the kernel's columns left to right (padding columns are 0)."""
    n, c, h, w = xf.shape
    oh = (h + pads[0] + pads[2] - kernel[0]) // strides[0] + 1
    ow = (w + pads[1] + pads[3] - kernel[1]) // strides[1] + 1
    total = np.zeros((n, c, oh, ow), F32)
    count = np.zeros((oh, ow), np.int64)
    for ph in range(oh):
        r0, r1 = max(ph * strides[0] - pads[0], 0), min(ph * strides[0] - pads[0] + kernel[0], h)
        col = xf[:, :, r0, :].astype(F32)
        for r in range(r0 + 1, r1):
            col = (col + xf[:, :, r, :]).astype(F32)
        buf = np.concatenate([np.zeros((n, c, pads[1]), F32), col, np.zeros((n, c, pads[3] + kernel[1]), F32)], axis=-1)
        for pw in range(ow):
            start = pw * strides[1]
            acc = buf[:, :, start]
            for j in range(1, kernel[1]):
                acc = (acc + buf[:, :, start + j]).astype(F32)
            total[:, :, ph, pw] = acc
            c0, c1 = max(start - pads[1], 0), min(start - pads[1] + kernel[1], w)
            count[ph, pw] = (r1 - r0) * (c1 - c0)
    return total, count


def mlas_global_sum_f32(xf: np.ndarray) -> np.ndarray:
    """MLAS's MlasPoolGlobalKernel sum on x86: 4 lanes, (l0 + l2) + (l1 + l3), then the tail."""
    flat = xf.reshape(xf.shape[0], xf.shape[1], -1)
    size = flat.shape[-1]
    lanes = np.zeros(flat.shape[:2] + (4,), F32)
    for i in range(0, size - size % 4, 4):
        lanes = (lanes + flat[..., i : i + 4]).astype(F32)
    total = ((lanes[..., 0] + lanes[..., 2]).astype(F32) + (lanes[..., 1] + lanes[..., 3]).astype(F32)).astype(F32)
    for i in range(size - size % 4, size):
        total = (total + flat[..., i]).astype(F32)
    return total.reshape(xf.shape[0], xf.shape[1], 1, 1)


class QdqAveragePool(OpRun):
    """DQ -> AveragePool -> Q (count_include_pad=0): the order of onnxruntime's float kernel on
    x86-64 (MLAS), or (spec) the sequential sum."""

    op_domain = ORACLE_DOMAIN
    flavour = DEFAULT_FLAVOUR

    def _run(self, x, sx, zx, sy, zy, kernel_shape=None, strides=None, pads=None, count_include_pad=0,
             ceil_mode=0, auto_pad=None, **_):
        if count_include_pad or ceil_mode or auto_pad not in (None, "NOTSET", b"NOTSET"):
            raise NotImplementedError("AveragePool options")
        strides, pads = strides or [1, 1], pads or [0, 0, 0, 0]
        xf = dequantize_f32(x, sx, zx)
        if self.flavour != "spec" and strides[1] <= 2 and max(kernel_shape) <= 32:
            total, count = mlas_average_pool_f32(xf, kernel_shape, strides, pads)
        else:
            total, count = average_pool_f32(xf, kernel_shape, strides, pads)
        mean = (total / count.astype(F32)).astype(F32)
        return (quantize_f32((mean / _f(sy)).astype(F32), _zp(zy), zy.dtype),)


class QdqGlobalAveragePool(OpRun):
    op_domain = ORACLE_DOMAIN
    flavour = DEFAULT_FLAVOUR

    def _run(self, x, sx, zx, sy, zy, **_):
        n, c, h, w = x.shape
        xf = dequantize_f32(x, sx, zx)
        if self.flavour != "spec":
            total = mlas_global_sum_f32(xf)
        else:
            total, _ = average_pool_f32(xf, [h, w], [1, 1], [0, 0, 0, 0])
        mean = (total / F32(h * w)).astype(F32)
        return (quantize_f32((mean / _f(sy)).astype(F32), _zp(zy), zy.dtype),)


class QdqAdd(OpRun):
    """DQ -> Add -> Q: (f32(a - za) * sa + f32(b - zb) * sb) / sy (onnxruntime's float Add and
    QuantizeLinear compute exactly this on every CPU)."""

    op_domain = ORACLE_DOMAIN

    def _run(self, a, sa, za, b, sb, zb, sy, zy, **_):
        total = (dequantize_f32(a, sa, za) + dequantize_f32(b, sb, zb)).astype(F32)
        return (quantize_f32(total / _f(sy), _zp(zy), zy.dtype),)


class IntegerClamp(OpRun):
    """A float Relu/Clip before a QuantizeLinear, as integer bounds zy + rint(bound / sy)
    (rounding and division by a positive scale are monotonic, so this is exact)."""

    op_domain = ORACLE_DOMAIN

    def _run(self, x, lo, hi, **_):
        return (np.clip(x, lo, hi).astype(x.dtype),)


KERNELS.extend([IntegerClamp, Requantize, QdqAveragePool, QdqGlobalAveragePool, QdqAdd])

# Float ops that the QDQ groups wrap, and the QOperator op computing the group exactly.
_GROUP_OPS = {
    "Conv": "QLinearConv", "MatMul": "QLinearMatMul", "Gemm": "QGemm", "Add": "QLinearAdd",
    "AveragePool": "QLinearAveragePool", "GlobalAveragePool": "QLinearGlobalAveragePool",
    "Concat": "QLinearConcat", "Softmax": "QLinearSoftmax",
}
# Integer data movement: the same op on the stored integers, then a requantize if needed.
_MOVEMENT_OPS = {"MaxPool", "Flatten", "Reshape", "Transpose", "Squeeze", "Unsqueeze", "Identity"}


def qdq_to_qoperator(model: onnx.ModelProto) -> onnx.ModelProto:
    """The QDQ graph with every DQ -> float op -> Q group replaced by the QOperator op that
    computes it in the spec's arithmetic, keeping every Q output's name (so that its tensors
    compare one to one with onnxruntime's QDQ run). Groups it does not know raise
    NotImplementedError."""
    graph = model.graph
    inits = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    producer = {o: n for n in graph.node for o in n.output}
    nodes: list[onnx.NodeProto] = []
    extra: list[onnx.TensorProto] = []

    def dq_source(name: str) -> onnx.NodeProto:
        node = producer.get(name)
        if node is None or node.op_type != "DequantizeLinear":
            raise NotImplementedError(f"'{name}' is not a DequantizeLinear output")
        return node

    def triple(name: str) -> list[str]:
        dq = dq_source(name)
        if len(dq.input) < 3:
            raise NotImplementedError(f"DequantizeLinear '{dq.name}' without a zero point")
        return list(dq.input[:3])

    # Float nodes (those reading a DequantizeLinear output or feeding a QuantizeLinear): each is
    # part of a group. Other nodes move integers (Pad, Reshape, ... on a quantised tensor): kept.
    float_tensors = {n.output[0] for n in graph.node if n.op_type == "DequantizeLinear"}
    float_tensors |= {i.name for i in graph.input if i.type.tensor_type.elem_type == onnx.TensorProto.FLOAT}
    for n in graph.node:
        if n.op_type not in ("QuantizeLinear", "DequantizeLinear") and set(n.input) & float_tensors:
            float_tensors.update(n.output)
    graph_outputs = {o.name for o in graph.output}
    for node in graph.node:
        if node.op_type == "DequantizeLinear":
            if node.output[0] in graph_outputs:
                nodes.append(node)
            continue
        if node.op_type != "QuantizeLinear":
            if not set(node.output) & float_tensors:
                nodes.append(node)
            continue
        if node.input[0] in inits:
            raise NotImplementedError("QuantizeLinear of a float initializer")
        final, sy, zy = node.output[0], node.input[1], node.input[2]
        f = producer.get(node.input[0])
        if f is None:  # a float graph input
            nodes.append(node)
            continue
        # A float activation before the QuantizeLinear: an integer clamp after the group.
        lo, hi = -np.inf, np.inf
        while f is not None and f.op_type in ("Relu", "Clip"):
            if f.op_type == "Relu":
                lo = max(lo, 0.0)
            else:
                attrs = {a.name: helper.get_attribute_value(a) for a in f.attribute}
                c_lo = float(inits[f.input[1]]) if len(f.input) > 1 and f.input[1] else attrs.get("min", -np.inf)
                c_hi = float(inits[f.input[2]]) if len(f.input) > 2 and f.input[2] else attrs.get("max", np.inf)
                lo, hi = max(lo, c_lo), min(hi, c_hi)
            f = producer.get(f.input[0])
        if f is None:
            raise NotImplementedError("an activation of a float graph input")
        out = final if (lo, hi) == (-np.inf, np.inf) else final + "_unclamped"
        # tf2onnx's MatMul -> Add(DequantizeLinear(int32 bias)): the Add is the dense's bias.
        bias_of = None
        if f.op_type == "Add":
            operands = [producer.get(i) for i in f.input]
            for k, p in enumerate(operands):
                other = operands[1 - k]
                if p is not None and p.op_type in ("MatMul", "Gemm", "Conv") and other is not None \
                        and other.op_type == "DequantizeLinear" and other.input[0] in inits:
                    bias_of, f = other.output[0], p
                    break
        attrs = {a.name: helper.get_attribute_value(a) for a in f.attribute}
        kind = f.op_type
        if kind == "DequantizeLinear":
            nodes.append(helper.make_node("Requantize", [*triple(f.output[0]), sy, zy], [out], domain=ORACLE_DOMAIN))
        elif kind in ("Conv", "MatMul", "Gemm"):
            x, w = triple(f.input[0]), triple(f.input[1])
            inputs = [*x, *w]
            bias = []
            bias_name = bias_of or (f.input[2] if len(f.input) > 2 and f.input[2] else None)
            if bias_name:
                b_q, b_s = dq_source(bias_name).input[:2]
                expected = (F32(inits[x[1]]) * np.asarray(inits[w[1]], F32)).astype(F32)
                if inits[b_q].dtype != np.int32 or not np.array_equal(*np.broadcast_arrays(np.asarray(inits[b_s], F32), expected)):
                    raise NotImplementedError(f"bias of '{f.name}' is not int32 at scale sx * sw")
                bias = [b_q]
            if kind == "Conv":
                nodes.append(helper.make_node("QLinearConv", [*inputs, sy, zy, *bias], [out], **attrs))
            elif kind == "MatMul" and not bias:
                nodes.append(helper.make_node("QLinearMatMul", [*inputs, sy, zy], [out]))
            elif kind == "MatMul":
                nodes.append(helper.make_node("QGemm", [*inputs, *bias, sy, zy], [out], domain="com.microsoft"))
            else:
                c = bias or [""]
                nodes.append(helper.make_node("QGemm", [*inputs, *c, sy, zy], [out], domain="com.microsoft", **attrs))
        elif kind == "Add":
            nodes.append(helper.make_node("QdqAdd", [*triple(f.input[0]), *triple(f.input[1]), sy, zy], [out], domain=ORACLE_DOMAIN))
        elif kind in ("AveragePool", "GlobalAveragePool"):
            nodes.append(helper.make_node("Qdq" + kind, [*triple(f.input[0]), sy, zy], [out], domain=ORACLE_DOMAIN, **attrs))
        elif kind == "Softmax":
            nodes.append(helper.make_node("QLinearSoftmax", [*triple(f.input[0]), sy, zy], [out], domain="com.microsoft", **attrs))
        elif kind == "Concat":
            parts = [t for i in f.input for t in triple(i)]
            nodes.append(helper.make_node("QLinearConcat", [sy, zy, *parts], [out], domain="com.microsoft", **attrs))
        elif kind in _MOVEMENT_OPS:
            x = triple(f.input[0])
            moved = out + "_moved"
            nodes.append(helper.make_node(kind, [x[0], *f.input[1:]], [moved], **attrs))
            nodes.append(helper.make_node("Requantize", [moved, x[1], x[2], sy, zy], [out], domain=ORACLE_DOMAIN))
        else:
            raise NotImplementedError(f"QDQ group around {kind} '{f.name}'")
        if out != final:
            bounds = []
            for name, real in (("lo", lo), ("hi", hi)):
                q = int(quantize_f32(np.array([real], F32) / F32(inits[sy]), inits[zy], inits[zy].dtype)[0]) \
                    if np.isfinite(real) else _bounds(inits[zy].dtype)[name == "hi"]
                bound = f"{final}_clamp_{name}"
                extra.append(numpy_helper.from_array(np.array(q, inits[zy].dtype), bound))
                bounds.append(bound)
            nodes.append(helper.make_node("IntegerClamp", [out, *bounds], [final], domain=ORACLE_DOMAIN))
    new_graph = helper.make_graph(nodes, graph.name, list(graph.input), list(graph.output), [*graph.initializer, *extra])
    opsets = [helper.make_opsetid("", 13), helper.make_opsetid("com.microsoft", 1), helper.make_opsetid(ORACLE_DOMAIN, 1)]
    return helper.make_model(new_graph, opset_imports=opsets, ir_version=model.ir_version)


def is_qdq(model: onnx.ModelProto) -> bool:
    """Whether float ops run on DequantizeLinear outputs (the QDQ form)."""
    dq_outputs = {n.output[0] for n in model.graph.node if n.op_type == "DequantizeLinear"}
    return any(n.op_type in _GROUP_OPS and set(n.input) & dq_outputs for n in model.graph.node)


def layer_tensors(model: onnx.ModelProto) -> list[tuple[str, str]]:
    """(tensor, key) of each quantised layer output in graph order: the output of every
    QuantizeLinear (QDQ) or QLinear*/QGemm op (QOperator). `key` is the float tensor it stands for,
    the same in a QDQ model and its QOperator twin."""
    layers = []
    for node in model.graph.node:
        if node.op_type in OUTPUT_ZERO_POINT and node.op_type != "QuantizeLinear":
            out = node.output[0]
            layers.append((out, out.removesuffix("_quantized")))
        elif node.op_type == "QuantizeLinear":
            inits = {i.name for i in model.graph.initializer}
            if node.input[0] not in inits:  # not a weight quantised at load time
                layers.append((node.output[0], node.input[0]))
    return layers


def with_outputs(model: onnx.ModelProto, names: Sequence[str], types: dict[str, int]) -> onnx.ModelProto:
    probe = onnx.ModelProto()
    probe.CopyFrom(model)
    present = {o.name for o in probe.graph.output}
    for name in names:
        if name not in present:
            probe.graph.output.append(helper.make_tensor_value_info(name, types[name], None))
    return probe


def output_types(model: onnx.ModelProto, names: Sequence[str]) -> dict[str, int]:
    zps = {i.name: numpy_helper.to_array(i).dtype for i in model.graph.initializer}
    types = {}
    for node in model.graph.node:
        if node.output[0] in names and node.op_type in OUTPUT_ZERO_POINT:
            dtype = zps[node.input[OUTPUT_ZERO_POINT[node.op_type]]]
            types[node.output[0]] = helper.np_dtype_to_tensor_dtype(dtype)
    return types


def ort_session(model: onnx.ModelProto | str, optimize: bool = False):
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.log_severity_level = 3
    options.graph_optimization_level = (
        ort.GraphOptimizationLevel.ORT_ENABLE_ALL if optimize else ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    )
    data = model.SerializeToString() if isinstance(model, onnx.ModelProto) else str(model)
    return ort.InferenceSession(data, options, providers=["CPUExecutionProvider"])


def run_ort(model: onnx.ModelProto, inputs: Sequence[np.ndarray], layers: bool = False,
            optimize: bool = False) -> dict[str, np.ndarray]:
    """onnxruntime on `model` (ORT_DISABLE_ALL unless `optimize`): graph outputs, plus every layer
    tensor when `layers`. CPU-independent only for QDQ models at ORT_DISABLE_ALL, except the float
    pools' summation order (MLAS: x86-64 and ARM differ)."""
    names = [t for t, _ in layer_tensors(model)] if layers else []
    probe = with_outputs(model, names, output_types(model, names))
    session = ort_session(probe, optimize)
    feeds = {i.name: x for i, x in zip(session.get_inputs(), inputs, strict=True)}
    outputs = [o.name for o in session.get_outputs()]
    return dict(zip(outputs, session.run(None, feeds), strict=True))


def lsb(a: np.ndarray, b: np.ndarray) -> tuple[int, int]:
    """(elements differing, max |a - b|) of two integer tensors."""
    d = np.abs(np.asarray(a).astype(np.int64) - np.asarray(b).astype(np.int64))
    return int((d > 0).sum()), int(d.max()) if d.size else 0


def onnx_layer_names(model: onnx.ModelProto) -> dict[str, str]:
    """The importer's IR name of each quantised layer -> the ONNX tensor holding its integers.

    The importer names a qnn op after the ONNX node that computes it (`readable_name`): the float
    op of a QDQ group (through a Relu/Clip or a bias Add before the QuantizeLinear), the QOperator
    node, the QuantizeLinear of a DQ -> Q requantisation, or an integer data-movement node."""
    from tinymlir.frontend.onnx import readable_name

    inits = {i.name for i in model.graph.initializer}
    producer = {o: n for n in model.graph.node for o in n.output}
    names: dict[str, str] = {}
    for node in model.graph.node:
        label = node.name or node.output[0]
        if node.op_type == "QuantizeLinear":
            if node.input[0] in inits:
                continue
            f = producer.get(node.input[0])
            while f is not None and f.op_type in ("Relu", "Clip"):
                f = producer.get(f.input[0])
            if f is not None and f.op_type == "Add":
                ops = [producer.get(i) for i in f.input]
                inner = [p for p in ops if p is not None and p.op_type in ("MatMul", "Gemm", "Conv")]
                if inner and any(p is not None and p.op_type == "DequantizeLinear" and p.input[0] in inits for p in ops):
                    f = inner[0]
            if f is None or f.op_type == "DequantizeLinear":
                f = node
            names[readable_name(f.name or f.output[0])] = node.output[0]
        elif node.op_type in OUTPUT_ZERO_POINT or node.op_type in _MOVEMENT_OPS:
            names.setdefault(readable_name(label), node.output[0])
    return names


def reference_outputs(model: onnx.ModelProto, inputs: Sequence[np.ndarray]) -> tuple[str, dict[str, np.ndarray]]:
    """(what ran, every layer tensor and the graph outputs): onnxruntime at ORT_DISABLE_ALL for a
    QDQ model (its float kernels; exact on every CPU); the exact numpy oracle for any model with
    QOperator ops, whose onnxruntime integer kernels depend on the host CPU."""
    qoperator = any(n.domain == "com.microsoft" or n.op_type.startswith("QLinear") for n in model.graph.node)
    if qoperator:
        return "exact numpy oracle (QOperator graph, onnx arithmetic)", ExactOracle(model).run_all(inputs)
    tensors = run_ort(model, inputs, layers=True)
    return "onnxruntime ORT_DISABLE_ALL", tensors
