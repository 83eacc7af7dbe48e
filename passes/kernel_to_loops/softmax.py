"""qk.softmax: per row over the last axis, the maximum, then the sum of exponentials, then
each output."""

from __future__ import annotations

from xdsl.dialects import arith, memref
from xdsl.dialects.builtin import IndexType

from tinymlir.dialects import fxp
from tinymlir.dialects import kernel as qk
from tinymlir.passes.kernel_to_loops import onnx_stage
from tinymlir.passes.kernel_to_loops.registry import KernelLowering, lowering
from tinymlir.scalar_builder import ScalarBuilder

ACCUMULATION_BITS = 12  # softmax_common.cc: kAccumulationIntegerBits


def lower_tflm(k: ScalarBuilder, op: qk.SoftmaxOp) -> None:
    """TFLM's int8 softmax: exp_on_negative_values of the rescaled differences to the row
    maximum (those below diff_min are 0), their sum, its reciprocal, the scaled outputs."""
    xt, out = op.input_types.data[0], op.output_type
    x, y = op.ins[0], op.outs
    shape = xt.get_shape()
    depth = shape[-1]
    unsigned = xt.is_unsigned
    out_min = out.storage_min

    def row(kk: ScalarBuilder, outer):
        def load(k1, c):
            return k1.load_i32(x, [*outer, c], unsigned)

        (row_max,) = kk.loop(0, depth, lambda k1, c, m: [k1.max(m, load(k1, c))], [kk.i32(xt.storage_min)])

        def exp_of(k1: ScalarBuilder, c):
            diff = k1.sub(load(k1, c), row_max)
            valid = k1.emit(arith.CmpiOp(diff, k1.i32(op.param("diff_min")), "sge"))
            rescaled = k1.emit(fxp.MultiplyByQuantizedMultiplierOp(
                diff, k1.i32(op.param("input_multiplier")), k1.i32(op.param("input_left_shift"))
            ))
            return valid, k1.emit(fxp.ExpOnNegativeValuesOp(rescaled, 5))

        def accumulate(k1: ScalarBuilder, c, total):
            valid, e = exp_of(k1, c)
            term = k1.emit(fxp.RoundingDivideByPOTOp(e, k1.i32(ACCUMULATION_BITS)))
            return [k1.emit(arith.SelectOp(valid, k1.add(total, term), total))]

        (total,) = kk.loop(0, depth, accumulate, [kk.i32(0)])
        recip_op = fxp.GetReciprocalOp(total, ACCUMULATION_BITS)
        kk.builder.insert(recip_op)
        exponent = kk.add(recip_op.num_bits_over_unit, kk.i32(31 - 8))

        def emit_out(k1: ScalarBuilder, c):
            valid, e = exp_of(k1, c)
            prod = k1.emit(fxp.SaturatingRoundingDoublingHighMulOp(recip_op.reciprocal, e))
            unsat = k1.emit(fxp.RoundingDivideByPOTOp(prod, exponent))
            shifted = k1.add(unsat, k1.i32(out_min))
            clamped = k1.min(k1.max(shifted, k1.i32(out_min)), k1.i32(out_min + 255))
            k1.store_i8(k1.emit(arith.SelectOp(valid, clamped, k1.i32(out_min))), y, [*outer, c])

        kk.loop(0, depth, lambda k1, c: emit_out(k1, c))

    k.nest(shape[:-1], row)


def lower_onnx(k: ScalarBuilder, op: qk.SoftmaxOp) -> None:
    """Per row: the integer maximum, then a sequential f32 sum of E[max - x] from the
    op's table, then E[max - x] / sum / sy, rounded."""
    xt, out = op.input_types.data[0], op.output_type
    x, table, y = op.ins[0], op.tables[0], op.outs
    shape = xt.get_shape()
    depth = shape[-1]
    unsigned = xt.is_unsigned

    def row(kk: ScalarBuilder, outer):
        def load(k1: ScalarBuilder, c):
            return k1.load_i32(x, [*outer, c], unsigned)

        (row_max,) = kk.loop(0, depth, lambda k1, c, m: [k1.max(m, load(k1, c))], [kk.i32(xt.storage_min)])

        def exp_of(k1: ScalarBuilder, c):
            distance = k1.emit(arith.IndexCastOp(k1.sub(row_max, load(k1, c)), IndexType()))
            return k1.emit(memref.LoadOp.get(table, [distance]))

        zero = onnx_stage.f32_constant(kk, 0.0)
        (total,) = kk.loop(0, depth, lambda k1, c, s: [k1.emit(arith.AddfOp(s, exp_of(k1, c)))], [zero])

        def emit_out(k1: ScalarBuilder, c):
            quotient = onnx_stage.divide(k1, onnx_stage.divide(k1, exp_of(k1, c), total), out.scale)
            value = onnx_stage.clamp_round(k1, quotient, out.zero_point, out.storage_min, out.storage_max)
            k1.store_i8(value, y, [*outer, c])

        kk.loop(0, depth, lambda k1, c: emit_out(k1, c))

    k.nest(shape[:-1], row)


@lowering(qk.SoftmaxOp)
class LowerSoftmax(KernelLowering):
    def lower(self, k: ScalarBuilder, op: qk.SoftmaxOp) -> None:
        if op.onnx:
            lower_onnx(k, op)
        else:
            lower_tflm(k, op)
