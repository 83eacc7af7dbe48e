"""The `onnx` numerics mode's output stages for convert-qnn-to-loops (passes/convert_qnn_to_loops.py).

Builds the float32 arithmetic of tinymlir/onnx_numerics.py as standard scalar ops, in the
same order (one op per rounding): `arith.constant : f32`, `arith.sitofp`, `arith.mulf`,
`arith.addf`, `arith.divf`, `arith.maximumf`, `arith.minimumf`, `math.roundeven`,
`arith.fptosi`, f32 `scf.for` iter_args, f32 `memref.global` tables. No other float op
appears: the C pipeline's float emulation (arith-emulate-f32) handles exactly these.
The integer parts (accumulators, window bounds, row maxima) stay as in tflm mode.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from xdsl.dialects import arith, memref
from xdsl.dialects import math as mathd
from xdsl.dialects.builtin import FloatAttr, IndexType, f32, i32
from xdsl.ir import SSAValue

from tinymlir import onnx_numerics as onnx_fp
from tinymlir.dialects import qnn

if TYPE_CHECKING:
    from tinymlir.passes.convert_qnn_to_loops import FunctionLowering, Kernel


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


def checked_scale(lowering: FunctionLowering, op, t: qnn.QTensorType) -> None:
    try:
        onnx_fp.check_dequantised_range(t.scale)
    except ValueError as exc:
        raise lowering.error(op, str(exc)) from None


def output_scale_loader(lowering: FunctionLowering, k: Kernel, op, name: str, channels: int):
    """S_c = f32(f32(sx * sw[c]) / sy) per output channel: a scalar f32 constant when all
    channels agree, else loads from an f32 table."""
    xt, wt, out = op.input.type, op.weight.type, op.output.type
    try:
        scales = onnx_fp.conv_output_scales(xt.scale, wt.scale_values, out.scale)
    except ValueError as exc:
        raise lowering.error(op, str(exc)) from None
    scales = np.broadcast_to(scales, (channels,))
    if np.all(scales == scales[0]):
        c = f32_constant(k, float(scales[0]))
        return lambda kk, channel: c
    table = lowering.get_global(k, f"{name}_scale", np.ascontiguousarray(scales), f32)
    return lambda kk, channel: kk.emit(memref.LoadOp.get(table, [channel]))


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


def lower_avg_pool(lowering: FunctionLowering, k: Kernel, op: qnn.AvgPool2DOp, lo: int, hi: int) -> None:
    """qnn.avg_pool2d in its `onnx_form` (tinymlir/onnx_numerics.py states each form):
    the f32 sum over the valid taps in the form's order (integer for integer_sum), then the
    output stage. Window bounds are the tflm lowering's (FunctionLowering.pool_window)."""
    xt, out = op.input.type, op.output.type
    checked_scale(lowering, op, xt)
    x = lowering.inp(op, op.input)
    y = lowering.result_buffer(k, op.output)
    form, unsigned = op.form, xt.is_unsigned
    _, height, width, _ = xt.get_shape()
    taps = height * width
    Form = qnn.PoolForm

    def tap(kk: Kernel, n, h, w, c) -> SSAValue:
        return dequantise(kk, kk.load_i32(x, [n, h, w, c], unsigned), xt)

    def add(kk: Kernel, a: SSAValue, b: SSAValue) -> SSAValue:
        return kk.emit(arith.AddfOp(a, b))

    def global_point(kk: Kernel, ivs):
        n, _, _, c = ivs
        if form == Form.INTEGER_SUM:  # exact sum, then one f32 scale sx / (sy * N)
            def row(k1: Kernel, h, acc):
                return k1.loop(0, width, lambda k2, w, a: [k2.add(a, k2.load_i32(x, [n, h, w, c], unsigned))], [acc])

            (acc,) = kk.loop(0, height, row, [kk.i32(0)])
            if xt.zero_point:
                acc = kk.sub(acc, kk.i32(xt.zero_point * taps))
            n_f = np.float32(taps)
            scale = np.float32(np.float32(xt.scale) / np.float32(np.float32(out.scale) * n_f))
            kk.store_i8(accumulator_output(kk, acc, f32_constant(kk, float(scale)), out, lo, hi), y, ivs)
            return

        def quad(k1: Kernel, q, *lanes):  # taps 4q .. 4q + 3, tap t at (t // W, t - (t // W) * W)
            result = []
            for lane, value in enumerate(lanes):
                t = k1.affine(q, 4, lane)
                h = k1.emit(arith.DivUIOp(t, k1.idx(width)))
                w = k1.sub(t, k1.mul(h, k1.idx(width)))
                result.append(add(k1, value, tap(k1, n, h, w, c)))
            return result

        zeros = [f32_constant(kk, 0.0) for _ in range(4)]
        l0, l1, l2, l3 = kk.loop(0, taps // 4, quad, zeros) if taps >= 4 else zeros
        total = add(kk, add(kk, l0, l2), add(kk, l1, l3))  # x86's horizontal reduction
        for t in range(taps - taps % 4, taps):
            total = add(kk, total, tap(kk, n, kk.idx(t // width), kk.idx(t % width), c))
        kk.store_i8(pool_output(kk, total, kk.i32(taps), out, lo, hi), y, ivs)

    def window_point(kk: Kernel, ivs):
        n, _, _, c = ivs
        ih0, iw0, hs, he, ws, we = lowering.pool_window(kk, op, ivs)

        def at(k1: Kernel, i, j) -> SSAValue:
            return tap(k1, n, k1.add(ih0, i), k1.add(iw0, j), c)

        if form == Form.MLAS_COLUMNS:  # each column over its rows, then the columns
            def column(k1: Kernel, j, total):
                (col,) = k1.loop(hs, he, lambda k2, i, s: [add(k2, s, at(k2, i, j))], [f32_constant(k1, 0.0)])
                return [add(k1, total, col)]

            (total,) = kk.loop(ws, we, column, [f32_constant(kk, 0.0)])
        else:  # sequential, zero_point_in_float: t = t + d tap by tap, row-major
            def row(k1: Kernel, i, total):
                return k1.loop(ws, we, lambda k2, j, s: [add(k2, s, at(k2, i, j))], [total])

            (total,) = kk.loop(hs, he, row, [f32_constant(kk, 0.0)])
        count = kk.emit(arith.IndexCastOp(kk.mul(kk.sub(he, hs), kk.sub(we, ws)), i32))
        kk.store_i8(pool_output(kk, total, count, out, lo, hi, form), y, ivs)

    k.nest(out.get_shape(), global_point if form in qnn.GLOBAL_POOL_FORMS else window_point)


def lower_softmax(lowering: FunctionLowering, k: Kernel, op: qnn.SoftmaxOp) -> None:
    """Per row: the integer maximum, then a sequential f32 sum of E[max - x] from a
    compile-time table, then E[max - x] / sum / sy, rounded."""
    xt, out = op.input.type, op.output.type
    x = lowering.inp(op, op.input)
    shape = xt.get_shape()
    depth = shape[-1]
    name = op.output.name_hint or "softmax"
    table = lowering.get_global(k, f"{name}_exp", onnx_fp.softmax_exp_table(xt.scale, op.beta.value.data), f32)
    y = lowering.result_buffer(k, op.output)
    unsigned = xt.is_unsigned

    def row(kk: Kernel, outer):
        def load(k1: Kernel, c):
            return k1.load_i32(x, [*outer, c], unsigned)

        (row_max,) = kk.loop(0, depth, lambda k1, c, m: [k1.max(m, load(k1, c))], [kk.i32(xt.storage_min)])

        def exp_of(k1: Kernel, c) -> SSAValue:
            distance = k1.emit(arith.IndexCastOp(k1.sub(row_max, load(k1, c)), IndexType()))
            return k1.emit(memref.LoadOp.get(table, [distance]))

        (total,) = kk.loop(0, depth, lambda k1, c, s: [k1.emit(arith.AddfOp(s, exp_of(k1, c)))], [f32_constant(kk, 0.0)])

        def emit_out(k1: Kernel, c):
            quotient = divide(k1, divide(k1, exp_of(k1, c), total), out.scale)
            k1.store_i8(clamp_round(k1, quotient, out.zero_point, out.storage_min, out.storage_max), y, [*outer, c])

        kk.loop(0, depth, lambda k1, c: emit_out(k1, c))

    k.nest(shape[:-1], row)
