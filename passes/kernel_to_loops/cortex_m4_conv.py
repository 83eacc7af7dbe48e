"""Cortex-M4 qk.conv2d: depthwise ones channel by channel (cortex_m4_depthwise.py),
pointwise ones in SMLAD tiles (cortex_m4_dsp.py), ones with few input channels over a
padded copy (cortex_m4_padded.py), other dense ones with output channels in register
tiles, and the short requantiser.

Where cortex_m4_dsp.taps_apply (Cin a multiple of 4, signed int8 input, constant int8
weights), the valid taps of a kernel row, consecutive in NHWC, are one run of 4-element
quads with SMLAD (cortex_m4_dsp.smlad_tile over a flat view of the input: the register
tile of register_choice, 2 pixels x 2 channels for the interior column pairs, whose
kernel rows lie inside the image horizontally, so both pixels' rows are whole runs at a
constant offset and each weight word is widened once for two pixels, and 1 pixel x n
channels for the edge columns; or 1 x n everywhere; weights packed per tap in the same
quad order and widened at compile time within the flash budget; a padded input's zero
point is subtracted in the widening, SXTAB16, so skipping the padding taps stays as TFLM
does it). Measured (ResNet-8, GCC 12 -O2): 2 x 2 interior pairs brought ResNet-8 from
22.11 M to 20.31 M instructions against 1 x 4 everywhere. The input may be
any buffer packed row-major (cortex_m4_dsp.row_major_packed): a row band of
patch-schedule too, whose flat view keeps the band's offset, dynamic in a band loop.

Otherwise, on such an input (Cin % 4 != 0 whose padded copy would pass its COPY_LIMIT,
an unsigned input), a kernel row's valid taps are one loop over the flat view and the
weights' kernel rows, (we - ws) * Cin taps instead of a kw x Cin nest; for a signed int8
input a whole row (no padding column: ws = 0, we = kw) is SMLAD over its first
kw * Cin / 4 quads (weights packed per row) and its last kw * Cin % 4 taps one by one.
E.g. VWW's first convolution (3x3, Cin 3): 2 quads + 1 tap a row, about half the
instructions of the tap loop.

A dense (groups 1) convolution computes TILE adjacent output channels of one output pixel
together: each input value is loaded (and its zero point subtracted) once for TILE MACs,
and the TILE weights are at constant offsets (K = kh*kw*Cin apart) so GCC addresses them
with immediates. Cost per TILE MACs: 1 input load + TILE weight loads + TILE MLA + loop
overhead, against TILE x (2 loads + MLA + overhead) for the generic nest. The output stage
is cortex_m4_requant's short requantiser where it is exact.

Handles: groups 1, dilation 1, Cout a multiple of 2, no in-place schedule or the row-ring
one. The rest (depthwise, grouped, dilated, the channel schedule) is the generic lowering
with the short requantiser.
"""

from __future__ import annotations

from xdsl.dialects import arith, memref
from xdsl.ir import SSAValue
from xdsl.pattern_rewriter import PatternRewriter

from tinymlir.dialects import kernel as qk
from tinymlir.passes.kernel_to_loops.common import ints, window_bounds
from tinymlir.passes.kernel_to_loops.conv import LowerConv2D, rows_in_place
from tinymlir.passes.kernel_to_loops.cortex_m4_dense import per_channel_requant
from tinymlir.passes.kernel_to_loops.cortex_m4_depthwise import (
    depthwise_applies,
    dsp_rows,
    lower_depthwise,
)
from tinymlir.passes.kernel_to_loops.cortex_m4_dsp import (
    QUAD,
    both_lanes,
    collapse_shape,
    drop_unused_constant,
    dsp_input_ok,
    flat_view,
    int8_weights,
    lower_pointwise,
    pack_weights,
    pack_widened_weights,
    packed_weights,
    pointwise_applies,
    row_major_packed,
    smlad_tile,
    taps_apply,
    widen_weights,
)
from tinymlir.passes.kernel_to_loops.cortex_m4_padded import (
    buffer_size,
    lower_padded_copy,
    padded_copy_applies,
    padded_quads,
)
from tinymlir.passes.kernel_to_loops.cortex_m4_requant import (
    constant_table,
    fast_output_stage,
    layer_base,
)
from tinymlir.passes.kernel_to_loops.register_tile import Kernel, RegisterTile, choose
from tinymlir.passes.kernel_to_loops.registry import lowering
from tinymlir.scalar_builder import ScalarBuilder

TILES = (4, 2)
"""Channel tile widths of the plain-C (no SMLAD) channel tiles, widest first (4
accumulators + 4 weights + pointers fit the M4's 14 registers). The SMLAD kernels take
theirs from register_choice."""


def tiled_conv(op: qk.Conv2DOp) -> bool:
    """Groups 1, dilation 1, no in-place schedule but the row ring: the channel-tiled kernels."""
    return (not op.depthwise and op.groups.value.data == 1 and ints(op.dilations) == [1, 1]
            and (op.in_place is None or op.in_place.data == "rows"))


def channel_tile(op: qk.Conv2DOp) -> int | None:
    """The plain-C channel tile width for `op`, or None where the generic nest is used."""
    if not tiled_conv(op):
        return None
    c_out = op.output_type.get_shape()[3]
    return next((t for t in TILES if c_out % t == 0), None)


def _valid(extent: int, out: int, stride: int, pad: int, taps: int) -> list[int]:
    """Per output index along one axis: the kernel taps inside the input."""
    return [sum(0 <= o * stride - pad + t < extent for t in range(taps)) for o in range(out)]


def interior_pairs(op: qk.Conv2DOp) -> tuple[int, int]:
    """(first column, count) of the pairs of adjacent output columns, from the first whose
    kernel row starts inside the image, whose kernel rows both lie inside it horizontally."""
    w_ = op.input_types.data[0].get_shape()[2]
    ow_ = op.output_type.get_shape()[2]
    kw_ = op.weight.type.get_shape()[2]
    sw = ints(op.strides)[1]
    pl = ints(op.pads)[1]
    left = -(-pl // sw)
    right = min(ow_, (w_ + pl - kw_) // sw + 1)
    return left, max(0, right - left) // 2


def register_kernel(op: qk.Conv2DOp) -> Kernel | None:
    """The register model's view of `op` (register_tile.Kernel): which SMLAD kernel lowers
    it and on what shape; None where none does (the plain-C and generic nests)."""
    xt = op.input_types.data[0]
    _, h_, w_, _ = xt.get_shape()
    n_, oh_, ow_, c_out = op.output_type.get_shape()
    _, kh_, kw_, cin = op.weight.type.get_shape()
    sh, sw = ints(op.strides)
    pt, pl, pb, pr = ints(op.pads)
    common = {"batch": n_, "per_channel": per_channel_requant(op)}
    if depthwise_applies(op):
        if not dsp_rows(op):
            return None
        plane = (h_ + pt + pb) * (w_ + pl + pr) + QUAD
        return Kernel("depthwise", oh_, c_out, kh_, stride=sh, columns=ow_, copy=h_ * w_ * c_out, fill=plane,
                      **common)
    if not tiled_conv(op):
        return None
    widened = widen_weights(op) if dsp_input_ok(op) else False
    if pointwise_applies(op):
        return Kernel("gemm", oh_ * ow_, c_out, cin // QUAD, max_pixels=4, int16_weights=widened, **common)
    if padded_copy_applies(op):
        rows = oh_ * ow_ * kh_
        pairs = oh_ * (ow_ // 2)
        return Kernel("padded", oh_ * ow_, c_out, padded_quads(op), int16_weights=widened, rows_valid=rows,
                      copy=h_ * w_ * cin, fill=buffer_size(op), static_k=False, pairs=pairs, pair_rows=pairs * kh_,
                      pair_quads=pairs * padded_quads(op), **common)
    if taps_apply(op):
        rows, cols = _valid(h_, oh_, sh, pt, kh_), _valid(w_, ow_, sw, pl, kw_)
        quads = sum(rows) * sum(cols) * cin // QUAD
        pairs = interior_pairs(op)[1]
        return Kernel("taps", oh_ * ow_, c_out, kh_ * kw_ * cin // QUAD, int16_weights=widened,
                      quads_valid=quads, rows_valid=sum(rows) * ow_, static_k=False, offset=op.padded,
                      pairs=pairs * oh_, pair_rows=sum(rows) * pairs, pair_quads=sum(rows) * pairs * kw_ * cin // QUAD,
                      **common)
    return None


def register_choice(op: qk.Conv2DOp) -> RegisterTile | None:
    """The register tile tile-for-memory's register level chooses for `op`, which the
    SMLAD kernels below generate (None: no SMLAD kernel applies)."""
    kernel = register_kernel(op)
    return None if kernel is None else choose(kernel)


@lowering(qk.Conv2DOp, target="cortex-m4")
class LowerConv2DCortexM4(LowerConv2D):
    """Channel-tiled direct convolution (see the module docstring)."""

    output_stage = staticmethod(fast_output_stage)

    def match_and_rewrite(self, op: qk.Conv2DOp, rewriter: PatternRewriter) -> None:
        constants = (op.weight, op.bias, *op.tables)  # tables: the short stage may replace the shift table
        super().match_and_rewrite(op, rewriter)
        for value in constants:
            drop_unused_constant(value, rewriter)

    def lower(self, k: ScalarBuilder, op: qk.Conv2DOp) -> None:
        choice = register_choice(op)
        if depthwise_applies(op):
            lower_depthwise(k, op, self.output_stage(k, op), choice)
            return
        kind = choice.kind if choice is not None else None
        if kind == "gemm":
            lower_pointwise(k, op, self.output_stage(k, op), choice)
            return
        if kind == "padded":
            lower_padded_copy(k, op, self.output_stage(k, op), choice)
            return
        tile = choice.channels if kind == "taps" else channel_tile(op)
        if tile is None:
            super().lower(k, op)
            return
        xt = op.input_types.data[0]
        x, w_buf, b_buf, y = op.ins[0], op.weight, op.bias, op.outs
        _, h_, w_, _ = xt.get_shape()
        n_, oh_, ow_, c_out = op.output_type.get_shape()
        _, kh_, kw_, cin = w_buf.type.get_shape()
        sh, sw = ints(op.strides)
        pt, pl, _, _ = ints(op.pads)
        padded = op.padded
        stage = self.output_stage(k, op)
        zx = k.i32(xt.zero_point) if padded else None
        dsp = kind == "taps"
        if dsp:
            widened = choice.weights == "int16"
            packed = packed_weights(k, op, tile, widened)
            quads = cin // QUAD
            offset = k.i32(both_lanes(-xt.zero_point)) if padded else None
        # a kernel row's valid taps are consecutive in NHWC (in a row band too): one run
        # over a flat view, of quads with SMLAD, else of elements (the weights' kernel rows
        # flat alike)
        flat_x = flat_view(k, x) if row_major_packed(x) else None
        if flat_x is not None and not dsp:
            row_w = k.emit(collapse_shape(w_buf, [[0], [1], [2, 3]], [c_out, kh_, kw_ * cin]))
            # Cin % 4 != 0: a whole kernel row's first quads with SMLAD, the rest one by one
            head = kw_ * cin // QUAD if dsp_input_ok(op) and int8_weights(op) is not None else 0
            if head:
                widened = widen_weights(op)
                rows = int8_weights(op).reshape(c_out, kh_, kw_ * cin)[:, :, : head * QUAD].reshape(c_out, -1)
                packed_values = pack_widened_weights(rows, tile) if widened else pack_weights(rows, tile)
                packed = constant_table(k, op, layer_base(op) + "_packed", packed_values)
                offset = k.i32(both_lanes(-xt.zero_point)) if padded else None

        def pixel(kk: ScalarBuilder, n, oh, ow, store) -> None:
            """The output channels of pixel (n, oh, ow), tile by tile; store(kk, value, oc)."""

            def block(k0: ScalarBuilder, ob) -> None:
                oc0 = k0.mul(ob, k0.idx(tile))
                channels = [oc0, *(k0.add(oc0, k0.idx(j)) for j in range(1, tile))]
                accs = [k0.emit(memref.LoadOp.get(b_buf, [c])) for c in channels]
                ih0 = k0.affine(oh, sh, -pt)
                iw0 = k0.affine(ow, sw, -pl)

                def over_h(k1: ScalarBuilder, kh, *acc):
                    ih = k1.add(ih0, kh)
                    if flat_x is not None:
                        ws, we = window_bounds(k1, iw0, kw_, w_) if padded else (k1.idx(0), k1.idx(kw_))
                        image_row = ih if n_ == 1 else k1.add(k1.mul(n, k1.idx(h_)), ih)
                        pixel_index = k1.add(k1.mul(image_row, k1.idx(w_)), k1.add(iw0, ws))
                        start = k1.mul(pixel_index, k1.idx(cin))
                    if dsp:
                        first = k1.mul(k1.add(k1.mul(kh, k1.idx(kw_)), ws), k1.idx(quads))
                        run = k1.mul(k1.sub(we, ws), k1.idx(quads))
                        return smlad_tile(k1, flat_x, [[start]], packed, ob, tile, run, acc, widened, first, offset)
                    if flat_x is not None:  # the row's (we - ws) * Cin taps as one loop

                        def tap(k2: ScalarBuilder, j, *a, first=None):
                            xv = k2.load_i32(flat_x, [k2.add(start, j)], xt.is_unsigned)
                            if zx is not None:
                                xv = k2.sub(xv, zx)
                            t = k2.add(k2.mul(ws, k2.idx(cin)) if first is None else first, j)
                            return [k2.add(a[i], k2.mul(xv, k2.load_i32(row_w, [c, kh, t], False)))
                                    for i, c in enumerate(channels)]

                        def taps(k2: ScalarBuilder) -> list[SSAValue]:
                            return list(k2.loop(0, k2.mul(k2.sub(we, ws), k2.idx(cin)), tap, list(acc)))

                        if not head:
                            return taps(k1)

                        def whole_row(k2: ScalarBuilder) -> list[SSAValue]:
                            first = k2.mul(kh, k2.idx(head))
                            a = smlad_tile(k2, flat_x, [[start]], packed, ob, tile, head, acc, widened, first, offset)
                            for j in range(head * QUAD, kw_ * cin):
                                a = tap(k2, k2.idx(j), *a, first=k2.idx(0))
                            return a

                        if not padded:
                            return whole_row(k1)
                        inside = k1.emit(arith.AndIOp(k1.cmp(ws, k1.idx(0), "eq"), k1.cmp(we, k1.idx(kw_), "eq")))
                        return k1.if_else(inside, whole_row, taps, [a.type for a in acc])

                    def over_w(k2: ScalarBuilder, kw, *acc2):
                        iw = k2.add(iw0, kw)

                        def channel(k3: ScalarBuilder, ic, *a):
                            xv = k3.load_i32(x, [n, ih, iw, ic], xt.is_unsigned)
                            if zx is not None:
                                xv = k3.sub(xv, zx)
                            return [k3.add(a[j], k3.mul(xv, k3.load_i32(w_buf, [c, kh, kw, ic], False)))
                                    for j, c in enumerate(channels)]

                        return k2.loop(0, cin, channel, list(acc2))

                    if padded:
                        ws, we = window_bounds(k1, iw0, kw_, w_)
                        return k1.loop(ws, we, over_w, list(acc))
                    return k1.loop(0, kw_, over_w, list(acc))

                if padded:
                    hs, he = window_bounds(k0, ih0, kh_, h_)
                    results = k0.loop(hs, he, over_h, accs)
                else:
                    results = k0.loop(0, kh_, over_h, accs)
                for acc, c in zip(results, channels, strict=True):
                    store(k0, stage(k0, acc, c), c)

            kk.loop(0, c_out // tile, block)

        left, pairs = interior_pairs(op) if dsp and choice.pixels == 2 else (0, 0)

        def pair(kk: ScalarBuilder, n, oh, ow0, store) -> None:
            """Output pixels (oh, ow0) and (oh, ow0 + 1), whose kernel rows lie inside the
            image horizontally: 2 x tile SMLAD tiles (the weights widened once for both),
            each kernel row kw * Cin / 4 quads, the second pixel's at a constant offset."""

            def block(k0: ScalarBuilder, ob) -> None:
                oc0 = k0.mul(ob, k0.idx(tile))
                channels = [oc0, *(k0.add(oc0, k0.idx(j)) for j in range(1, tile))]
                bias = [k0.emit(memref.LoadOp.get(b_buf, [c])) for c in channels]
                ih0 = k0.affine(oh, sh, -pt)
                iw0 = k0.affine(ow0, sw, -pl)

                def over_h(k1: ScalarBuilder, kh, *acc):
                    ih = k1.add(ih0, kh)
                    image_row = ih if n_ == 1 else k1.add(k1.mul(n, k1.idx(h_)), ih)
                    start = k1.mul(k1.add(k1.mul(image_row, k1.idx(w_)), iw0), k1.idx(cin))
                    first = k1.mul(kh, k1.idx(kw_ * quads))
                    rows = [[start], [k1.affine(start, 1, sw * cin)]]
                    return smlad_tile(k1, flat_x, rows, packed, ob, tile, kw_ * quads, acc, widened, first, offset)

                accs = bias * 2
                if padded:
                    hs, he = window_bounds(k0, ih0, kh_, h_)
                    results = k0.loop(hs, he, over_h, accs)
                else:
                    results = k0.loop(0, kh_, over_h, accs)
                values = [stage(k0, results[i * tile + j], c) for i in range(2) for j, c in enumerate(channels)]
                for i in range(2):
                    for j, c in enumerate(channels):
                        store(k0, values[i * tile + j], k0.affine(ow0, 1, i), c)

            kk.loop(0, c_out // tile, block)

        def output_row(kk: ScalarBuilder, n, oh, store) -> None:
            """Output row oh; store(kk, value, ow, oc). With 2-pixel tiles: the left edge's
            columns one by one, the interior in pairs, the rest one by one."""

            def single(k1: ScalarBuilder, ow) -> None:
                pixel(k1, n, oh, ow, lambda k0, v, c: store(k0, v, ow, c))

            if not pairs:
                kk.loop(0, ow_, single)
                return
            kk.loop(0, pairs, lambda k1, p: pair(k1, n, oh, k1.affine(p, 2, left), store))
            # the edge columns [0, left) and [left + 2 pairs, ow) as one loop: one copy of
            # the single-pixel code (flash)
            edges = ow_ - 2 * pairs
            if edges:
                kk.loop(0, edges, lambda k1, t: single(
                    k1, k1.select(k1.cmp(t, k1.idx(left), "slt"), t, k1.affine(t, 1, 2 * pairs))))

        if op.in_place is None:
            k.nest([n_, oh_], lambda kk, ivs: output_row(
                kk, *ivs, lambda k0, v, ow, c: k0.store_i8(v, y, [*ivs, ow, c])))
            return

        def fill_row(k1: ScalarBuilder, n, oh, ring: SSAValue, slot) -> None:
            output_row(k1, n, oh, lambda k0, v, ow, c: k0.store_i8(v, ring, [slot, ow, c]))

        rows_in_place(k, op, None, y, pt, fill_row)
