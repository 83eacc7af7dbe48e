"""The `onnx` numerics mode's output stages for the kernel lowerings.

Builds the float32 arithmetic of tinymlir/onnx_numerics.py as standard scalar ops, in the
same order (one op per rounding): `arith.constant : f32`, `arith.sitofp`, `arith.mulf`,
`arith.addf`, `arith.divf`, `arith.maximumf`, `arith.minimumf`, `math.roundeven`,
`arith.fptosi`, f32 `scf.for` iter_args, f32 `memref.global` tables. No other float op
appears: the C pipeline's float emulation (arith-emulate-f32) handles exactly these.
The integer parts (accumulators, window bounds, row maxima) stay as in tflm mode.
"""

from __future__ import annotations

import numpy as np
from xdsl.dialects import arith
from xdsl.dialects import math as mathd
from xdsl.dialects.builtin import FloatAttr, f32, i32
from xdsl.ir import SSAValue

from tinymlir.dialects import qnn
from tinymlir.scalar_builder import ScalarBuilder as Kernel


def f32_constant(k: Kernel, value: float) -> SSAValue:
    return k.emit(arith.ConstantOp(FloatAttr(float(np.float32(value)), f32)))


def to_float(k: Kernel, value: SSAValue) -> SSAValue:
    return k.emit(arith.SIToFPOp(value, f32))


def clamp_round(k: Kernel, v: SSAValue, zero_point: int, lo: int, hi: int) -> SSAValue:
    """rint(min(max(v, lo - zp), hi - zp)) + zp as an i32 (the clamp keeps it in range)."""
    v = k.emit(arith.MaximumfOp(v, f32_constant(k, lo - zero_point)))
    v = k.emit(arith.MinimumfOp(v, f32_constant(k, hi - zero_point)))
    result = k.emit(arith.FPToSIOp(k.emit(mathd.RoundEvenOp(v)), i32))
    return k.add(result, k.i32(zero_point)) if zero_point else result


def dequantise(k: Kernel, x: SSAValue, t: qnn.QTensorType) -> SSAValue:
    """f32(x - zx) * sx of a loaded i32 value."""
    centred = k.sub(x, k.i32(t.zero_point)) if t.zero_point else x
    return k.emit(arith.MulfOp(to_float(k, centred), f32_constant(k, t.scale)))


def divide(k: Kernel, v: SSAValue, divisor: float | SSAValue) -> SSAValue:
    d = divisor if isinstance(divisor, SSAValue) else f32_constant(k, divisor)
    return k.emit(arith.DivfOp(v, d))


def accumulator_output(k: Kernel, acc: SSAValue, scale: SSAValue, out, lo: int, hi: int):
    """Conv / dense: rint(clampf(f32(acc) * S_c)) + zy."""
    product = k.emit(arith.MulfOp(to_float(k, acc), scale))
    return clamp_round(k, product, out.zero_point, lo, hi)


def add_output(k: Kernel, a: SSAValue, at, b: SSAValue, bt, out, lo: int, hi: int):
    """(f32(a - za) * sa + f32(b - zb) * sb) / sy, rounded."""
    total = k.emit(arith.AddfOp(dequantise(k, a, at), dequantise(k, b, bt)))
    return clamp_round(k, divide(k, total, out.scale), out.zero_point, lo, hi)


def requantize_output(k: Kernel, x: SSAValue, src, out, lo: int, hi: int):
    """(f32(x - zx) * sx) / sy, rounded."""
    return clamp_round(k, divide(k, dequantise(k, x, src), out.scale), out.zero_point, lo, hi)


def pool_output(k: Kernel, total: SSAValue, count: SSAValue, out, lo: int, hi: int,
                form: qnn.PoolForm = qnn.PoolForm.SEQUENTIAL):
    """(t / f32(count)) / sy, rounded; `count` is the i32 number of valid taps.
    zero_point_in_float: rint(clamp((t / f32(count)) / sy + f32(zy), lo, hi))."""
    scaled = divide(k, divide(k, total, to_float(k, count)), out.scale)
    if form == qnn.PoolForm.ZERO_POINT_IN_FLOAT:
        shifted = k.emit(arith.AddfOp(scaled, f32_constant(k, out.zero_point)))
        return clamp_round(k, shifted, 0, lo, hi)
    return clamp_round(k, scaled, out.zero_point, lo, hi)
