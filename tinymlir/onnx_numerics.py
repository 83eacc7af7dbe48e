"""onnxruntime's arithmetic for quantised DQ -> op -> Q groups (the `onnx` numerics mode).

The counterpart of `tinymlir.fixedpoint` (TFLM's integer kernels) for models quantised and
checked with onnxruntime: each op dequantises to float32, computes in float32 and quantises
back with round half to even, as onnxruntime's QDQ and QOperator kernels do. Every float
operation here is IEEE-754 binary32 in numpy (`np.float32` scalars and arrays, one ufunc per
operation, so one rounding each), in exactly the order the loop lowering emits it:

* conv2d / dense:  y = rint(clampf(f32(acc) * S_c)) + zy,  S_c = f32(f32(sx * sw[c]) / sy)
* add:             y = rint(clampf((f32(a - za) * sa + f32(b - zb) * sb) / sy)) + zy
* requantize:      y = rint(clampf((f32(x - zx) * sx) / sy)) + zy
* avg_pool2d:      t = 0; t = t + f32(x - zx) * sx per valid tap in (kh, kw) row-major order;
                   y = rint(clampf((t / f32(count)) / sy)) + zy
* softmax:         E[d] = f32(exp(beta * sx * d)) (a table, computed in double), d = x - max;
                   s = 0; s = s + E[d_i] in order; y_i = rint(clampf(E[d_i] / s / sy)) + zy

clampf clamps in float to [lo - zy, hi - zy] before rounding (lo, hi: the integer clamp
range), so the rounded value always fits. Sums are sequential loops over the taps, never
np.sum (numpy sums float32 pairwise, a different rounding). Integer inputs are int64 arrays of
stored values, results int64 arrays of stored values.

Scales so large that a dequantised value overflows float32 (|x - zx| * s > FLT_MAX) could
make inf - inf = NaN in a sum; `check_dequantised_range` refuses them (ValueError), as
`conv_output_scales` refuses an infinite S_c (0 * inf).
"""

from __future__ import annotations

import math

import numpy as np

F32 = np.float32
SOFTMAX_TABLE_SIZE = 256  # d = x - max(x) in [-255, 0] for 8-bit storage


def to_f32(values) -> np.ndarray:
    """int32-range integers -> float32, round to nearest even (exact below 2**24).
    Through float64, which holds every int32 exactly: one rounding, whatever the host."""
    return np.asarray(values, np.int64).astype(np.float64).astype(F32)


def clamp_round(v: np.ndarray, zy: int, lo: int, hi: int) -> np.ndarray:
    """rint(min(max(v, lo - zy), hi - zy)) + zy: clamp in float, then round half to even."""
    clamped = np.minimum(np.maximum(np.asarray(v, F32), F32(lo - zy)), F32(hi - zy))
    return np.rint(clamped).astype(np.int64) + int(zy)


def check_dequantised_range(scale: float, span: int = 255) -> None:
    """Refuses a scale at which f32(x - zx) * scale overflows float32 for |x - zx| <= span."""
    with np.errstate(over="ignore"):
        if not np.isfinite(F32(span) * F32(scale)):
            raise ValueError(
                f"onnx numerics: scale {float(F32(scale)):g} is too large (a dequantised value "
                "overflows float32)"
            )


def conv_output_scales(sx: float, sw, sy: float) -> np.ndarray:
    """S_c = f32(f32(sx * sw[c]) / sy), float32 per channel (onnxruntime's requantisation
    scale of QLinearConv / QLinearMatMul / QGemm and their QDQ forms)."""
    with np.errstate(over="ignore", under="ignore"):
        scales = (F32(sx) * np.asarray(sw, F32).reshape(-1)) / F32(sy)
    if not np.all(np.isfinite(scales)):
        raise ValueError("onnx numerics: s_in * s_w / s_out overflows float32")
    return scales.astype(F32)


def requantize_accumulator(acc, scales: np.ndarray, zy: int, lo: int, hi: int) -> np.ndarray:
    """Conv / dense output stage; `acc` (int32 values) has channels on its last axis."""
    with np.errstate(over="ignore", under="ignore"):
        return clamp_round(to_f32(acc) * np.asarray(scales, F32), zy, lo, hi)


def dequantise(x, zx: int, sx: float) -> np.ndarray:
    """f32(x - zx) * sx in float32 (ONNX DequantizeLinear)."""
    with np.errstate(over="ignore", under="ignore"):
        return to_f32(np.asarray(x, np.int64) - int(zx)) * F32(sx)


def add(a, za: int, sa: float, b, zb: int, sb: float, sy: float, zy: int, lo: int, hi: int):
    """Elementwise add of two broadcast operands (QLinearAdd, DQ -> Add -> Q)."""
    with np.errstate(over="ignore", under="ignore"):
        total = dequantise(a, za, sa) + dequantise(b, zb, sb)
        return clamp_round(total / F32(sy), zy, lo, hi)


def requantize(x, zx: int, sx: float, sy: float, zy: int, lo: int, hi: int) -> np.ndarray:
    """DQ -> Q at other parameters (concat inputs, requantize)."""
    with np.errstate(over="ignore", under="ignore"):
        return clamp_round(dequantise(x, zx, sx) / F32(sy), zy, lo, hi)


def average_pool(windows: np.ndarray, valid: np.ndarray, zx: int, sx: float, sy: float,
                 zy: int, lo: int, hi: int) -> np.ndarray:
    """Mean over the valid taps. windows: [N, OH, OW, KH, KW, C] stored values; valid: a
    boolean mask broadcastable to it (taps inside the unpadded input)."""
    valid = np.broadcast_to(valid, windows.shape)
    kh, kw = windows.shape[3:5]
    total = np.zeros(windows.shape[:3] + windows.shape[5:], F32)
    with np.errstate(over="ignore", under="ignore"):
        for i in range(kh):  # sequential, in the loops' order
            for j in range(kw):
                term = dequantise(windows[:, :, :, i, j], zx, sx)
                total = np.where(valid[:, :, :, i, j], total + term, total).astype(F32)
        count = to_f32(valid.sum(axis=(3, 4)))
        return clamp_round((total / count) / F32(sy), zy, lo, hi)


def softmax_exp_table(sx: float, beta: float = 1.0) -> np.ndarray:
    """E[k] = f32(exp(-beta * sx * k)) for k = max(x) - x in 0..255, computed in double."""
    return np.array(
        [math.exp(-float(beta) * float(sx) * k) for k in range(SOFTMAX_TABLE_SIZE)], np.float64
    ).astype(F32)


def softmax(x, sx: float, beta: float, sy: float, zy: int, lo: int, hi: int) -> np.ndarray:
    """Softmax over the last axis (the unfused DQ -> Softmax -> Q graph, within 1 LSB)."""
    x = np.asarray(x, np.int64)
    table = softmax_exp_table(sx, beta)
    e = table[np.max(x, axis=-1, keepdims=True) - x]
    total = np.zeros(x.shape[:-1], F32)
    for i in range(x.shape[-1]):  # sequential sum along the row
        total = (total + e[..., i]).astype(F32)
    return clamp_round((e / total[..., None]) / F32(sy), zy, lo, hi)
