"""qk.add and qk.requantize: one loop nest over the output, element by element (so they
may run over a dying input: each element is read before it is written)."""

from __future__ import annotations

from tinymlir.dialects import fxp
from tinymlir.dialects import kernel as qk
from tinymlir.passes.kernel_to_loops import onnx_stage
from tinymlir.passes.kernel_to_loops.common import broadcast_indices
from tinymlir.passes.kernel_to_loops.registry import KernelLowering, lowering
from tinymlir.scalar_builder import ScalarBuilder


@lowering(qk.AddOp)
class LowerAdd(KernelLowering):
    """tflm: add_common.cc's scheme (both operands shifted left, rescaled, summed,
    rescaled); onnx: the float32 sum of the dequantised operands, requantised."""

    def lower(self, k: ScalarBuilder, op: qk.AddOp) -> None:
        at, bt = op.input_types.data
        out = op.output_type
        a, b = op.data_inputs
        y = op.outs
        lo, hi = op.bounds

        def point(kk: ScalarBuilder, ivs):
            if op.onnx:
                av = kk.load_i32(a, broadcast_indices(kk, ivs, at.get_shape()), at.is_unsigned)
                bv = kk.load_i32(b, broadcast_indices(kk, ivs, bt.get_shape()), bt.is_unsigned)
                kk.store_i8(onnx_stage.add_output(kk, av, at, bv, bt, out, lo, hi), y, ivs)
                return

            def scaled(ref, t, offset, multiplier, shift):
                v = kk.load_i32(ref, broadcast_indices(kk, ivs, t.get_shape()), t.is_unsigned)
                v = kk.add(v, kk.i32(offset)) if offset else v
                v = kk.mul(v, kk.i32(1 << op.param("left_shift")))
                return kk.emit(fxp.MultiplyByQuantizedMultiplierOp(v, kk.i32(multiplier), kk.i32(shift)))

            s1 = scaled(a, at, op.param("input1_offset"), op.param("input1_multiplier"), op.param("input1_shift"))
            s2 = scaled(b, bt, op.param("input2_offset"), op.param("input2_multiplier"), op.param("input2_shift"))
            total = kk.add(s1, s2)
            result = kk.requantize(
                total, kk.i32(op.param("output_multiplier")), kk.i32(op.param("output_shift")),
                out.zero_point, lo, hi,
            )
            kk.store_i8(result, y, ivs)

        k.nest(out.get_shape(), point)


@lowering(qk.RequantizeOp)
class LowerRequantize(KernelLowering):
    def lower(self, k: ScalarBuilder, op: qk.RequantizeOp) -> None:
        src, out = op.input_types.data[0], op.output_type
        x, y = op.ins[0], op.outs
        lo, hi = op.bounds

        def point(kk: ScalarBuilder, ivs):
            v = kk.load_i32(x, ivs, src.is_unsigned)
            if op.onnx:
                kk.store_i8(onnx_stage.requantize_output(kk, v, src, out, lo, hi), y, ivs)
                return
            if src.zero_point:
                v = kk.sub(v, kk.i32(src.zero_point))
            result = kk.requantize(v, kk.i32(op.multiplier.value.data), kk.i32(op.shift.value.data), out.zero_point, lo, hi)
            kk.store_i8(result, y, ivs)

        k.nest(out.get_shape(), point)
