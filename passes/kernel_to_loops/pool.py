"""qk.avg_pool2d and qk.max_pool2d: a reduction over each output's valid window taps."""

from __future__ import annotations

import numpy as np
from xdsl.dialects import arith, memref
from xdsl.dialects.builtin import i32
from xdsl.ir import SSAValue

from tinymlir.dialects import fxp, qnn
from tinymlir.dialects import kernel as qk
from tinymlir.passes.kernel_to_loops import onnx_stage
from tinymlir.passes.kernel_to_loops.common import pool_window
from tinymlir.passes.kernel_to_loops.registry import KernelLowering, lowering
from tinymlir.scalar_builder import ScalarBuilder


def lower_pool(k: ScalarBuilder, op: qk.AvgPool2DOp | qk.MaxPool2DOp, reduce: str) -> None:
    """tflm: sum (or maximum) over the valid taps; an average is the rounded integer mean
    or, when input and output quantisation differ, one rescale by tables indexed by the
    number of valid taps."""
    xt, out = op.input_types.data[0], op.output_type
    x, y = op.ins[0], op.outs
    rescale = tuple(op.tables) if op.tables else None
    lo, hi = op.bounds
    unsigned = xt.is_unsigned

    def point(kk: ScalarBuilder, ivs):
        n, _, _, c = ivs
        ih0, iw0, hs, he, ws, we = pool_window(kk, op, ivs)
        init = kk.i32(0 if reduce == "avg" else xt.storage_min)

        def over_h(k1: ScalarBuilder, i, acc):
            def over_w(k2: ScalarBuilder, j, acc2):
                v = k2.load_i32(x, [n, k2.add(ih0, i), k2.add(iw0, j), c], unsigned)
                return [k2.add(acc2, v) if reduce == "avg" else k2.max(acc2, v)]

            return k1.loop(ws, we, over_w, [acc])

        (acc,) = kk.loop(hs, he, over_h, [init])
        if reduce == "avg":
            count_index = kk.mul(kk.sub(he, hs), kk.sub(we, ws))
            count = kk.emit(arith.IndexCastOp(count_index, i32))
            if rescale is None:  # TFLM: rounded integer mean
                half = kk.emit(arith.DivSIOp(count, kk.i32(2)))
                positive = kk.emit(arith.CmpiOp(acc, kk.i32(0), "sgt"))
                rounded = kk.emit(arith.SelectOp(positive, kk.add(acc, half), kk.sub(acc, half)))
                acc = kk.emit(arith.DivSIOp(rounded, count))
            else:  # mean and rescale in one rounding, multiplier chosen by the count
                if xt.zero_point:
                    acc = kk.sub(acc, kk.mul(count, kk.i32(xt.zero_point)))
                mult_table, shift_table = rescale
                acc = kk.emit(fxp.MultiplyByQuantizedMultiplierOp(
                    acc,
                    kk.emit(memref.LoadOp.get(mult_table, [count_index])),
                    kk.emit(memref.LoadOp.get(shift_table, [count_index])),
                ))
                if out.zero_point:
                    acc = kk.add(acc, kk.i32(out.zero_point))
        kk.store_i8(kk.min(kk.max(acc, kk.i32(lo)), kk.i32(hi)), y, ivs)

    k.nest(out.get_shape(), point)


def lower_onnx_avg_pool(k: ScalarBuilder, op: qk.AvgPool2DOp) -> None:
    """The avg pool in its `onnx_form` (tinymlir/onnx_numerics.py states each form): the
    f32 sum over the valid taps in the form's order (integer for integer_sum), then the
    output stage. Window bounds are the tflm lowering's (common.pool_window)."""
    xt, out = op.input_types.data[0], op.output_type
    x, y = op.ins[0], op.outs
    lo, hi = op.bounds
    form, unsigned = op.form, xt.is_unsigned
    _, height, width, _ = xt.get_shape()
    taps = height * width
    Form = qnn.PoolForm

    def tap(kk: ScalarBuilder, n, h, w, c) -> SSAValue:
        return onnx_stage.dequantise(kk, kk.load_i32(x, [n, h, w, c], unsigned), xt)

    def add(kk: ScalarBuilder, a: SSAValue, b: SSAValue) -> SSAValue:
        return kk.emit(arith.AddfOp(a, b))

    def global_point(kk: ScalarBuilder, ivs):
        n, _, _, c = ivs
        if form == Form.INTEGER_SUM:  # exact sum, then one f32 scale sx / (sy * N)
            def row(k1: ScalarBuilder, h, acc):
                return k1.loop(0, width, lambda k2, w, a: [k2.add(a, k2.load_i32(x, [n, h, w, c], unsigned))], [acc])

            (acc,) = kk.loop(0, height, row, [kk.i32(0)])
            if xt.zero_point:
                acc = kk.sub(acc, kk.i32(xt.zero_point * taps))
            n_f = np.float32(taps)
            scale = np.float32(np.float32(xt.scale) / np.float32(np.float32(out.scale) * n_f))
            result = onnx_stage.accumulator_output(kk, acc, onnx_stage.f32_constant(kk, float(scale)), out, lo, hi)
            kk.store_i8(result, y, ivs)
            return

        def quad(k1: ScalarBuilder, q, *lanes):  # taps 4q .. 4q + 3, tap t at (t // W, t - (t // W) * W)
            result = []
            for lane, value in enumerate(lanes):
                t = k1.affine(q, 4, lane)
                h = k1.emit(arith.DivUIOp(t, k1.idx(width)))
                w = k1.sub(t, k1.mul(h, k1.idx(width)))
                result.append(add(k1, value, tap(k1, n, h, w, c)))
            return result

        zeros = [onnx_stage.f32_constant(kk, 0.0) for _ in range(4)]
        l0, l1, l2, l3 = kk.loop(0, taps // 4, quad, zeros) if taps >= 4 else zeros
        total = add(kk, add(kk, l0, l2), add(kk, l1, l3))  # x86's horizontal reduction
        for t in range(taps - taps % 4, taps):
            total = add(kk, total, tap(kk, n, kk.idx(t // width), kk.idx(t % width), c))
        kk.store_i8(onnx_stage.pool_output(kk, total, kk.i32(taps), out, lo, hi), y, ivs)

    def window_point(kk: ScalarBuilder, ivs):
        n, _, _, c = ivs
        ih0, iw0, hs, he, ws, we = pool_window(kk, op, ivs)

        def at(k1: ScalarBuilder, i, j) -> SSAValue:
            return tap(k1, n, k1.add(ih0, i), k1.add(iw0, j), c)

        if form == Form.MLAS_COLUMNS:  # each column over its rows, then the columns
            def column(k1: ScalarBuilder, j, total):
                zero = onnx_stage.f32_constant(k1, 0.0)
                (col,) = k1.loop(hs, he, lambda k2, i, s: [add(k2, s, at(k2, i, j))], [zero])
                return [add(k1, total, col)]

            (total,) = kk.loop(ws, we, column, [onnx_stage.f32_constant(kk, 0.0)])
        else:  # sequential, zero_point_in_float: t = t + d tap by tap, row-major
            def row(k1: ScalarBuilder, i, total):
                return k1.loop(ws, we, lambda k2, j, s: [add(k2, s, at(k2, i, j))], [total])

            (total,) = kk.loop(hs, he, row, [onnx_stage.f32_constant(kk, 0.0)])
        count = kk.emit(arith.IndexCastOp(kk.mul(kk.sub(he, hs), kk.sub(we, ws)), i32))
        kk.store_i8(onnx_stage.pool_output(kk, total, count, out, lo, hi, form), y, ivs)

    k.nest(out.get_shape(), global_point if form in qnn.GLOBAL_POOL_FORMS else window_point)


@lowering(qk.AvgPool2DOp)
class LowerAvgPool2D(KernelLowering):
    def lower(self, k: ScalarBuilder, op: qk.AvgPool2DOp) -> None:
        if op.onnx:
            lower_onnx_avg_pool(k, op)
        else:
            lower_pool(k, op, "avg")


@lowering(qk.MaxPool2DOp)
class LowerMaxPool2D(KernelLowering):
    def lower(self, k: ScalarBuilder, op: qk.MaxPool2DOp) -> None:
        lower_pool(k, op, "max")

