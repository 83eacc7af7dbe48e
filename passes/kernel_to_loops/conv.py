"""qk.conv2d: one loop nest over NHWC outputs, or one of the in-place schedules."""

from __future__ import annotations

from xdsl.dialects import arith, memref
from xdsl.dialects.builtin import i32
from xdsl.ir import SSAValue

from tinymlir.dialects import kernel as qk
from tinymlir.passes.kernel_to_loops.common import (
    inside,
    ints,
    output_stage,
    scratch,
    window_bounds,
)
from tinymlir.passes.kernel_to_loops.registry import KernelLowering, lowering
from tinymlir.scalar_builder import ScalarBuilder


@lowering(qk.Conv2DOp)
class LowerConv2D(KernelLowering):
    """Direct convolution: per output element, the bias, then the taps (padding taps of a
    padded convolution skipped, as TFLM does, with the input zero point subtracted in the
    loop), then the output stage."""

    output_stage = staticmethod(output_stage)
    """stage(k, op): the output stage builder (a target may specialise it)."""

    def lower(self, k: ScalarBuilder, op: qk.Conv2DOp) -> None:
        xt = op.input_types.data[0]
        x, w_buf, b_buf, y = op.ins[0], op.weight, op.bias, op.outs
        _, h_, w_, _ = xt.get_shape()
        n_, oh_, ow_, c_out = op.output_type.get_shape()
        _, kh_, kw_, cin_g = w_buf.type.get_shape()
        sh, sw = ints(op.strides)
        pt, pl, _, _ = ints(op.pads)
        dh, dw = ints(op.dilations)
        groups = op.groups.value.data
        cout_g = c_out // groups
        padded = op.padded
        stage = self.output_stage(k, op)
        x_unsigned = xt.is_unsigned
        zx = k.i32(xt.zero_point) if padded else None
        depthwise = op.depthwise

        def taps(kk: ScalarBuilder, n, ih, iw, oc, kh, kw, acc):
            """acc + sum over input channels of the group at input position (ih, iw)."""

            def channel(k3: ScalarBuilder, ic, a):
                if depthwise:
                    ch = oc
                elif groups == 1:
                    ch = ic
                else:
                    group = k3.emit(arith.DivUIOp(oc, k3.idx(cout_g)))
                    ch = k3.add(k3.mul(group, k3.idx(cin_g)), ic)
                xv = k3.load_i32(x, [n, ih, iw, ch], x_unsigned)
                if zx is not None:
                    xv = k3.sub(xv, zx)
                return [k3.add(a, k3.mul(xv, k3.load_i32(w_buf, [oc, kh, kw, ic], False)))]

            if cin_g == 1:
                return channel(kk, kk.idx(0), acc)
            return kk.loop(0, cin_g, channel, [acc])

        def point(kk: ScalarBuilder, ivs) -> SSAValue:
            """The requantised output element (n, oh, ow, oc) as an i32."""
            n, oh, ow, oc = ivs
            acc0 = kk.emit(memref.LoadOp.get(b_buf, [oc]))
            ih0 = kk.affine(oh, sh, -pt)
            iw0 = kk.affine(ow, sw, -pl)

            def over_h(k1: ScalarBuilder, kh, acc):
                ih = k1.add(ih0, kh if dh == 1 else k1.mul(kh, k1.idx(dh)))

                def over_w(k2: ScalarBuilder, kw, acc2):
                    iw = k2.add(iw0, kw if dw == 1 else k2.mul(kw, k2.idx(dw)))
                    if padded and (dh != 1 or dw != 1):
                        inner = inside(k2, ih, iw, h_, w_)
                        return k2.if_else(
                            inner, lambda k3: taps(k3, n, ih, iw, oc, kh, kw, acc2), lambda k3: [acc2], [i32]
                        )
                    return taps(k2, n, ih, iw, oc, kh, kw, acc2)

                if padded and dw == 1:
                    ws, we = window_bounds(k1, iw0, kw_, w_)
                    return k1.loop(ws, we, over_w, [acc])
                return k1.loop(0, kw_, over_w, [acc])

            if padded and dh == 1:
                hs, he = window_bounds(kk, ih0, kh_, h_)
                (acc,) = kk.loop(hs, he, over_h, [acc0])
            else:
                (acc,) = kk.loop(0, kh_, over_h, [acc0])
            return stage(kk, acc, oc)

        schedule = op.in_place.data if op.in_place is not None else None
        if schedule is None:
            k.nest([n_, oh_, ow_, c_out], lambda kk, ivs: kk.store_i8(point(kk, ivs), y, ivs))
        elif schedule == "channel":
            depthwise_in_place(k, op, point, y)
        else:
            rows_in_place(k, op, point, y, pt)


def scratch_name(op: qk.Conv2DOp, suffix: str) -> str:
    """The layer's name (`conv` for an unnamed one) with `suffix`."""
    name = op.layer_name.data
    return ("conv" if name == "qnn.conv2d" else name) + suffix


def depthwise_in_place(k: ScalarBuilder, op: qk.Conv2DOp, point, y: SSAValue) -> None:
    """Channel by channel: the plane of channel c goes to a scratch plane, then over the
    input's channel c (NHWC positions of channel c only hold channel c)."""
    n_, oh_, ow_, c = op.output_type.get_shape()
    plane = scratch(k, [oh_, ow_], scratch_name(op, "_plane"), op)

    def channel(kk: ScalarBuilder, ivs):
        n, ch = ivs
        kk.nest([oh_, ow_], lambda k1, hw: k1.store_i8(point(k1, [n, hw[0], hw[1], ch]), plane, hw))
        kk.nest([oh_, ow_], lambda k1, hw: k1.copy_element(plane, hw, y, [n, hw[0], hw[1], ch]))

    k.nest([n_, c], channel)


def rows_in_place(k: ScalarBuilder, op: qk.Conv2DOp, point, y: SSAValue, pad_top: int, fill_row=None) -> None:
    """Stride-1, same-shape convolution over its own input: output row r is kept in a
    ring of pad_top + 1 rows and written over input row r once output row r + pad_top,
    the last reader of input row r, is done. fill_row(k, n, oh, ring, slot) computes one
    output row into ring[slot] (default: element by element with `point`)."""
    n_, oh_, ow_, c = op.output_type.get_shape()
    if fill_row is None:
        def fill_row(k2: ScalarBuilder, n, oh, ring, slot):
            k2.nest([ow_, c], lambda k3, wc: k3.store_i8(point(k3, [n, oh, *wc]), ring, [slot, *wc]))
    depth = pad_top + 1
    ring = scratch(k, [depth, ow_, c], scratch_name(op, "_rows"), op)

    def flush(kk: ScalarBuilder, n, row):
        slot = kk.emit(arith.RemUIOp(row, kk.idx(depth))) if depth > 1 else kk.idx(0)
        kk.nest([ow_, c], lambda k1, wc: k1.copy_element(ring, [slot, *wc], y, [n, row, *wc]))

    def batch(kk: ScalarBuilder, ivs):
        (n,) = ivs

        def row(k1: ScalarBuilder, oh):
            slot = k1.emit(arith.RemUIOp(oh, k1.idx(depth))) if depth > 1 else k1.idx(0)
            fill_row(k1, n, oh, ring, slot)
            if pad_top == 0:
                flush(k1, n, oh)
            else:
                done = k1.emit(arith.CmpiOp(oh, k1.idx(pad_top), "sge"))
                k1.when(done, lambda inner: flush(inner, n, inner.sub(oh, inner.idx(pad_top))))

        kk.loop(0, oh_, row)
        if pad_top:  # the last pad_top rows are still in the ring
            kk.loop(max(oh_ - pad_top, 0), oh_, lambda k1, r: flush(k1, n, r))

    k.nest([n_], batch)
