"""qk.dense: one dot product per output element."""

from __future__ import annotations

from xdsl.dialects import memref

from tinymlir.dialects import kernel as qk
from tinymlir.passes.kernel_to_loops.common import output_stage
from tinymlir.passes.kernel_to_loops.registry import KernelLowering, lowering
from tinymlir.scalar_builder import ScalarBuilder


@lowering(qk.DenseOp)
class LowerDense(KernelLowering):
    """acc = bias[o] + sum_i x[n, i] * w[o, i] (the input zero point is in the bias)."""

    output_stage = staticmethod(output_stage)
    """stage(k, op): the output stage builder (a target may specialise it)."""

    def lower(self, k: ScalarBuilder, op: qk.DenseOp) -> None:
        xt = op.input_types.data[0]
        x, w_buf, b_buf, y = op.ins[0], op.weight, op.bias, op.outs
        n_, depth = xt.get_shape()
        units = op.output_type.get_shape()[1]
        stage = self.output_stage(k, op)

        def point(kk: ScalarBuilder, ivs):
            n, o = ivs
            acc0 = kk.emit(memref.LoadOp.get(b_buf, [o]))

            def mac(k1: ScalarBuilder, i, acc):
                xv = k1.load_i32(x, [n, i], xt.is_unsigned)
                return [k1.add(acc, k1.mul(xv, k1.load_i32(w_buf, [o, i], False)))]

            (acc,) = kk.loop(0, depth, mac, [acc0])
            kk.store_i8(stage(kk, acc, o), y, [n, o])

        k.nest([n_, units], point)
