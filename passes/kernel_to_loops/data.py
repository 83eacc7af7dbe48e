"""Data movement: qk.pad, qk.transpose, qk.concat, the `memref.copy` of a result into
its output argument (or of a band's kept rows), and patch.fill."""

from __future__ import annotations

from xdsl.dialects import arith, memref
from xdsl.dialects.builtin import i8

from tinymlir.dialects import kernel as qk
from tinymlir.dialects import patch
from tinymlir.passes.kernel_to_loops.common import ints
from tinymlir.passes.kernel_to_loops.registry import KernelLowering, lowering
from tinymlir.scalar_builder import ScalarBuilder


@lowering(qk.PadOp)
class LowerPad(KernelLowering):
    """Each output element is its input element, or the input's zero point outside it."""

    def lower(self, k: ScalarBuilder, op: qk.PadOp) -> None:
        xt = op.input_types.data[0]
        x, y = op.ins[0], op.outs
        pads = ints(op.pads)
        rank = len(xt.get_shape())
        fill = xt.zero_point

        def point(kk: ScalarBuilder, ivs):
            src = [kk.sub(iv, kk.idx(pads[d])) if pads[d] else iv for d, iv in enumerate(ivs)]
            conds = []
            for d, s in enumerate(src):
                if pads[d]:
                    conds.append(kk.emit(arith.CmpiOp(s, kk.idx(0), "sge")))
                if pads[d + rank] or pads[d]:
                    conds.append(kk.emit(arith.CmpiOp(s, kk.idx(xt.get_shape()[d]), "slt")))
            if not conds:
                kk.copy_element(x, src, y, ivs)
                return
            cond = conds[0]
            for c in conds[1:]:
                cond = kk.emit(arith.AndIOp(cond, c))
            (value,) = kk.if_else(
                cond,
                lambda k1: [k1.emit(memref.LoadOp.get(x, src))],
                lambda k1: [k1.emit(arith.ConstantOp.from_int_and_width((fill + 128) % 256 - 128, i8))],
                [i8],
            )
            kk.builder.insert(memref.StoreOp.get(value, y, ivs))

        k.nest(op.output_type.get_shape(), point)


@lowering(qk.TransposeOp)
class LowerTranspose(KernelLowering):
    def lower(self, k: ScalarBuilder, op: qk.TransposeOp) -> None:
        x, y, perm = op.ins[0], op.outs, ints(op.perm)
        inverse = [perm.index(d) for d in range(len(perm))]
        k.nest(
            op.output_type.get_shape(),
            lambda kk, ivs: kk.copy_element(x, [ivs[inverse[d]] for d in range(len(perm))], y, ivs),
        )


@lowering(qk.ConcatOp)
class LowerConcat(KernelLowering):
    """One copy nest per input, at its offset along the axis."""

    def lower(self, k: ScalarBuilder, op: qk.ConcatOp) -> None:
        axis = op.axis.value.data
        y = op.outs
        offset = 0
        for x, t in zip(op.data_inputs, op.input_types.data, strict=True):
            shift = offset

            def point(kk: ScalarBuilder, ivs, x=x, shift=shift):
                dst = list(ivs)
                if shift:
                    dst[axis] = kk.add(ivs[axis], kk.idx(shift))
                kk.copy_element(x, ivs, y, dst)

            k.nest(t.get_shape(), point)
            offset += t.get_shape()[axis]


@lowering(memref.CopyOp)
class LowerCopy(KernelLowering):
    """A result copied into its output argument: an element-by-element nest."""

    def lower(self, k: ScalarBuilder, op: memref.CopyOp) -> None:
        src, dst = op.source, op.destination
        k.nest(src.type.get_shape(), lambda kk, ivs: kk.copy_element(src, ivs, dst, ivs))


@lowering(patch.FillOp)
class LowerFill(KernelLowering):
    """A line buffer's pad rows set to the zero point: a nest of stores of one constant."""

    def lower(self, k: ScalarBuilder, op: patch.FillOp) -> None:
        target = op.target
        value = k.emit(arith.ConstantOp.from_int_and_width(op.value.value.data, i8))
        k.nest(target.type.get_shape(), lambda kk, ivs: kk.builder.insert(memref.StoreOp.get(value, target, ivs)))
