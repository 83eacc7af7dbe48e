"""onnxruntime's arithmetic for quantised DQ -> op -> Q groups (the `onnx` numerics mode).

The counterpart of `tinymlir.fixedpoint` (TFLM's integer kernels) for models quantised and
checked with onnxruntime: each op dequantises to float32, computes in float32 and quantises
back with round half to even, as onnxruntime's QDQ and QOperator kernels do. Every float
operation here is IEEE-754 binary32 in numpy (`np.float32` scalars and arrays, one ufunc per
operation, so one rounding each), in exactly the order the loop lowering emits it:

* conv2d / dense:  y = rint(clampf(f32(acc) * S_c)) + zy,  S_c = f32(f32(sx * sw[c]) / sy)
* add:             y = rint(clampf((f32(a - za) * sa + f32(b - zb) * sb) / sy)) + zy
* requantize:      y = rint(clampf((f32(x - zx) * sx) / sy)) + zy
* avg_pool2d: one of five forms (qnn.avg_pool2d's `onnx_form`, chosen by the importer from
  the source op), each what onnxruntime's kernel for that op computes on x86-64 (MLAS;
  measured against onnxruntime 1.x at ORT_DISABLE_ALL / its QOperator kernels).
  Dequantised taps d = f32(x - zx) * sx; count = the number of valid (unpadded) taps.
  - sequential (default; QDQ AveragePool in MLAS's scalar kernel, used when the width stride
    is > 2 or a kernel side > 32):  t = 0; t = t + d per valid tap in row-major (kh, kw) order;
                    y = rint(clampf((t / f32(count)) / sy)) + zy
  - mlas_columns (QDQ AveragePool in MlasPool2DVectorKernel, width stride <= 2, kernel sides
    <= 32): per valid kernel column j, left to right: c_j = 0; c_j = c_j + d over the valid
    rows top to bottom; t = 0; t = t + c_j; then as sequential.
  - mlas_lanes4 (QDQ GlobalAveragePool, MlasPoolGlobalKernel; global pools only): the N = H*W
    taps in row-major order, tap i < N - N % 4 into lane i % 4 (l = 0; l = l + d); then
    t = (l0 + l2) + (l1 + l3); then t = t + d for the N % 4 tail taps; then as sequential.
    The SSE/AVX horizontal reduction pairs lanes 0+2 and 1+3; NEON's pairs 0+1 and 2+3, so
    onnxruntime on an ARM host computes another sum (this form is x86-64's).
  - integer_sum (QLinearGlobalAveragePool, MLAS's qlgavgpool; global pools only): exact
    acc = sum(x) - zx * N;  y = rint(clampf(f32(acc) * f32(sx / f32(sy * f32(N))))) + zy
    (conv's output stage with one scale).
  - zero_point_in_float (QLinearAveragePool): the sequential sum, then
                    y = rint(clamp((t / f32(count)) / sy + f32(zy), lo, hi))
    (qlinear_pool.cc adds the zero point in float before nearbyintf, so the tie is decided
    after the zero point, unlike every other stage).
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
                 zy: int, lo: int, hi: int, form: str = "sequential") -> np.ndarray:
    """Mean over the valid taps in `form` (module docstring). windows: [N, OH, OW, KH, KW, C]
    stored values; valid: a boolean mask broadcastable to it (taps inside the unpadded input)."""
    valid = np.broadcast_to(valid, windows.shape)
    kh, kw = windows.shape[3:5]
    count = valid.sum(axis=(3, 4))
    with np.errstate(over="ignore", under="ignore"):
        if form == "integer_sum":
            acc = np.where(valid, windows, 0).sum(axis=(3, 4)) - int(zx) * count
            n = to_f32(count)
            scale = F32(sx) / ((F32(sy) * n).astype(F32))
            return clamp_round(to_f32(acc) * scale.astype(F32), zy, lo, hi)
        total = np.zeros(windows.shape[:3] + windows.shape[5:], F32)
        if form == "mlas_columns":
            for j in range(kw):  # column sums first, then the columns left to right
                column = np.zeros_like(total)
                for i in range(kh):
                    term = dequantise(windows[:, :, :, i, j], zx, sx)
                    column = np.where(valid[:, :, :, i, j], column + term, column).astype(F32)
                total = np.where(valid[:, :, :, :, j].any(axis=3), total + column, total).astype(F32)
        elif form == "mlas_lanes4":
            if not valid.all():
                raise ValueError("onnx numerics: mlas_lanes4 is a global pool's form (no padding)")
            taps = windows.reshape(windows.shape[:3] + (kh * kw,) + windows.shape[5:])
            size = kh * kw
            lanes = [np.zeros_like(total) for _ in range(4)]
            for t in range(size - size % 4):
                lanes[t % 4] = (lanes[t % 4] + dequantise(taps[:, :, :, t], zx, sx)).astype(F32)
            total = ((lanes[0] + lanes[2]).astype(F32) + (lanes[1] + lanes[3]).astype(F32)).astype(F32)
            for t in range(size - size % 4, size):
                total = (total + dequantise(taps[:, :, :, t], zx, sx)).astype(F32)
        elif form in ("sequential", "zero_point_in_float"):
            for i in range(kh):  # sequential, in the loops' order
                for j in range(kw):
                    term = dequantise(windows[:, :, :, i, j], zx, sx)
                    total = np.where(valid[:, :, :, i, j], total + term, total).astype(F32)
        else:
            raise ValueError(f"onnx numerics: unknown average pool form '{form}'")
        scaled = ((total / to_f32(count)).astype(F32) / F32(sy)).astype(F32)
        if form == "zero_point_in_float":
            shifted = (scaled + F32(zy)).astype(F32)
            return np.rint(np.minimum(np.maximum(shifted, F32(lo)), F32(hi))).astype(np.int64)
        return clamp_round(scaled, zy, lo, hi)


def softmax_exp_table(sx: float, beta: float = 1.0) -> np.ndarray:
    """E[k] = f32(exp(-beta * sx * k)) for k = max(x) - x in 0..255, computed in double."""
    return np.array(
        [math.exp(-float(beta) * float(sx) * k) for k in range(SOFTMAX_TABLE_SIZE)], np.float64
    ).astype(F32)


def softmax(x, sx: float, beta: float, sy: float, zy: int, lo: int, hi: int) -> np.ndarray:
    """Softmax over the last axis (the unfused DQ -> Softmax -> Q graph, within 1 LSB)."""
    return softmax_from_table(x, softmax_exp_table(sx, beta), sy, zy, lo, hi)


def softmax_from_table(x, table: np.ndarray, sy: float, zy: int, lo: int, hi: int) -> np.ndarray:
    """Softmax over the last axis with E = `table` (softmax_exp_table's)."""
    x = np.asarray(x, np.int64)
    e = np.asarray(table, F32)[np.max(x, axis=-1, keepdims=True) - x]
    total = np.zeros(x.shape[:-1], F32)
    for i in range(x.shape[-1]):  # sequential sum along the row
        total = (total + e[..., i]).astype(F32)
    return clamp_round((e / total[..., None]) / F32(sy), zy, lo, hi)
