"""Cortex-M4 convolutions with few input channels (first layers): SMLAD over a padded copy.

With Cin not a multiple of 4 (an image's 3 channels, a spectrogram's 1) the taps of a
kernel row are not whole 4-element quads, and the window bounds of border pixels would
cut them anyway. So the input is first copied into a scratch buffer (counted in the
arena, COPY_LIMIT bytes at most) padded spatially with the input zero point and, where
kw * Cin is not a multiple of 4, in channels to Cin' = ceil(Cin / 4) * 4 (the extra
channels get zero weights).

The buffer is a mirrored ring of padded rows (a line buffer) where that is smaller than
the whole padded input (2 * kh < H + pads): padded row p goes to slots p mod kh and
p mod kh + kh, so the kh rows of output row oh's window are the contiguous slots from
(oh * sh) mod kh on. Each output row first writes the min(sh, kh) padded rows that enter
its window (a padding row gets the zero point), so every input row is copied twice and
none is recopied per output row; the buffer is 2 * kh rows, not H + pads, which keeps a
first layer's copy from raising the arena's peak beside its output (DS-CNN: 240 B
instead of 696 B). Otherwise the buffer is the whole padded input, written once.

Then every window is inside the buffer and each kernel row
is kw * Cin' / 4 quads, contiguous in the buffer and in the packed weights: the
cortex_m4_dsp K loop (the register choice: pairs of output columns x n channels, the
second pixel's window sw * Cin' bytes on, or one pixel x n channels; SMLAD, weights widened
at compile time within the flash budget) from a bias with -zx * sum(w) folded in at compile time. A
padding tap then contributes (zx - zx) * w = 0, as TFLM's skipping it.

Cost model per output tile: kh x (kw * Cin' / 4) quads x (1 load + 2 SXTB16 + TILE x 2
SMLAD + TILE weight-pair loads), plus ~2 instructions per buffer byte for the fill and
copy (the ring: ~2 per byte of its fill, ~3 per input element, and ~6 per padded row
for its slot and bounds test; one copy of the row code, its loop starting at row 0 for
the first output row), plus the short requantiser per output. E.g. DS-CNN's 10x4 first convolution
(Cin 1): 10 quads per 16 MACs of 4 channels... 4 MACs per SMLAD pair, ~1.2 instr/MAC
against ~4 for scalar channel tiles.

Applies to groups-1 convolutions with dilation 1, Cin % 4 != 0, a signed int8 input,
constant int8 weights, Cout divisible by the channel tile, no in-place schedule, on a
target with the `dsp` feature, when the buffer (ring or whole copy) fits COPY_LIMIT (the
ring admits wide first layers such as VWW's 96 x 96 x 3: 2,328 B instead of 37,636 B).
"""

from __future__ import annotations

import numpy as np
from xdsl.dialects import arith, memref
from xdsl.dialects.builtin import IntegerType

from tinymlir.dialects import kernel as qk
from tinymlir.passes.kernel_to_loops.common import ints, scratch
from tinymlir.passes.kernel_to_loops.conv import scratch_name
from tinymlir.passes.kernel_to_loops.cortex_m4_dsp import (
    QUAD,
    dsp_input_ok,
    int8_weights,
    pack_weights,
    pack_widened_weights,
    smlad_tile,
)
from tinymlir.passes.kernel_to_loops.cortex_m4_requant import (
    Stage,
    constant_table,
    constant_values,
    layer_base,
)
from tinymlir.passes.kernel_to_loops.register_tile import RegisterTile
from tinymlir.scalar_builder import ScalarBuilder

COPY_LIMIT = 8192
"""Bytes of the padded copy at most (it lives in the arena while the layer runs)."""

UNROLL_ROWS = 3
"""Kernels of at most this many rows have their kernel-row loop unrolled: the rows' input
and weight offsets become constants (measured -O2: VWW's and ResNet-8's 3x3 first layers
~0.1M instructions fewer; DS-CNN's 10-row kernel unrolled spills and is 8 % slower)."""

ROW_UNROLL = 12
"""Input elements of a ring row copied per loop iteration at most (whole columns: the
largest divisor of the width whose columns fit), for ~3 instructions an element (a
load and 2 stores at constant offsets) instead of ~8 for rolled loops."""


def _channels(cin: int, kw: int) -> int:
    return cin if (kw * cin) % QUAD == 0 else -(-cin // QUAD) * QUAD


def buffer_rows(op: qk.Conv2DOp) -> tuple[int, bool]:
    """Rows of the padded buffer of `op`, and whether it is the mirrored ring."""
    h = op.input_types.data[0].get_shape()[1]
    kh = op.weight.type.get_shape()[1]
    pt, _, pb, _ = ints(op.pads)
    ring = 2 * kh < h + pt + pb
    return (2 * kh if ring else h + pt + pb), ring


def buffer_size(op: qk.Conv2DOp) -> int:
    """Bytes of the padded buffer (ring or whole copy)."""
    x_shape = op.input_types.data[0].get_shape()
    _, _, kw, cin = op.weight.type.get_shape()
    _, pl, _, pr = ints(op.pads)
    return buffer_rows(op)[0] * (x_shape[2] + pl + pr) * _channels(cin, kw)


def padded_quads(op: qk.Conv2DOp) -> int:
    """Quads per output over the padded buffer: kh x kw x Cin' / 4."""
    _, kh, kw, cin = op.weight.type.get_shape()
    return kh * kw * _channels(cin, kw) // QUAD


def padded_copy_applies(op: qk.Conv2DOp) -> bool:
    """Whether lower_padded_copy handles `op`, given a register tile whose channels divide Cout."""
    _, kh, kw, cin = op.weight.type.get_shape()
    if op.depthwise or op.groups.value.data != 1 or ints(op.dilations) != [1, 1]:
        return False
    if cin % QUAD == 0 or op.in_place is not None or not dsp_input_ok(op):
        return False
    return buffer_size(op) <= COPY_LIMIT and int8_weights(op) is not None


def lower_padded_copy(k: ScalarBuilder, op: qk.Conv2DOp, stage: Stage, choice: RegisterTile) -> None:
    """See the module docstring (padded_copy_applies(op); `choice`: the 1 x n register tile)."""
    xt = op.input_types.data[0]
    x, b_buf, y = op.ins[0], op.bias, op.outs
    _, h_, w_, _ = xt.get_shape()
    n_, oh_, ow_, c_out = op.output_type.get_shape()
    _, kh_, kw_, cin = op.weight.type.get_shape()
    sh, sw = ints(op.strides)
    pt, pl, pb, pr = ints(op.pads)
    channels = _channels(cin, kw_)
    pw = w_ + pl + pr
    weights = constant_values(op.weight)
    assert weights is not None
    padded_w = np.zeros((c_out, kh_, kw_, channels), np.int64)
    padded_w[..., :cin] = weights
    rows = padded_w.reshape(c_out, -1)
    tile = choice.channels
    widened = choice.weights == "int16"
    packed_values = pack_widened_weights(rows, tile) if widened else pack_weights(rows, tile)
    packed = constant_table(k, op, layer_base(op) + "_packed", packed_values)
    bias_buf = b_buf
    if op.padded and xt.zero_point:
        bias = constant_values(b_buf)
        assert bias is not None
        folded = bias - xt.zero_point * weights.reshape(c_out, -1).sum(axis=1)
        bias_buf = constant_table(k, op, layer_base(op) + "_folded_bias", np.asarray(folded))
    rows_, ring = buffer_rows(op)
    buffer = scratch(k, [rows_ * pw * channels], scratch_name(op, "_padded"), op)
    border = k.c(xt.zero_point, IntegerType(8))
    row_quads = kw_ * channels // QUAD
    entering = min(sh, kh_)
    unroll_cols = next(u for u in range(max(min(w_, ROW_UNROLL // cin), 1), 0, -1) if w_ % u == 0)
    """padded rows that enter the window at each output row (the ring)"""

    def element(kk: ScalarBuilder, r, col, c):
        return kk.add(kk.mul(kk.add(kk.mul(r, kk.idx(pw)), col), kk.idx(channels)), c)

    def fill(k1: ScalarBuilder, i) -> None:
        k1.builder.insert(memref.StoreOp.get(border, buffer, [i]))

    def write_row(kk: ScalarBuilder, n, p) -> None:
        """Padded row p into its two ring slots: input row p - pt, or the zero point. The
        mirror slot is a constant offset from the first, so both stores share one address."""
        slot = kk.emit(arith.RemUIOp(p, kk.idx(kh_)))
        base = kk.affine(slot, pw * channels, pl * channels)
        mirror = kh_ * pw * channels
        inside = kk.emit(arith.AndIOp(kk.cmp(p, kk.idx(pt), "sge"), kk.cmp(p, kk.idx(pt + h_), "slt")))

        def store_twice(k2: ScalarBuilder, value, wc) -> None:
            at = k2.add(k2.add(base, k2.affine(wc[0], channels, 0)), wc[1])
            for offset in (0, mirror):
                k2.builder.insert(memref.StoreOp.get(value, buffer, [k2.affine(at, 1, offset)]))

        def row_elements(k1: ScalarBuilder, element_of) -> None:
            # unroll_cols columns (all their channels) per iteration: constant offsets
            def block(k2: ScalarBuilder, b) -> None:
                for j in range(unroll_cols):
                    col = k2.affine(b, unroll_cols, j)
                    for ch in range(cin):
                        store_twice(k2, element_of(k2, col, k2.idx(ch)), [col, k2.idx(ch)])

            k1.loop(0, w_ // unroll_cols, block)

        def copy(k1: ScalarBuilder) -> list:
            r = k1.sub(p, k1.idx(pt))
            row_elements(k1, lambda k2, col, ch: k2.emit(memref.LoadOp.get(x, [n, r, col, ch])))
            return []

        def pad(k1: ScalarBuilder) -> list:  # rare (padding rows): rolled, for less code
            k1.nest([w_, cin], lambda k2, wc: store_twice(k2, border, wc))
            return []

        kk.if_else(inside, copy, pad, [])

    def batch(kk: ScalarBuilder, ivs) -> None:
        (n,) = ivs
        # the border columns (and channels beyond cin) once; rows write only the inside
        kk.loop(0, rows_ * pw * channels, fill)
        if not ring:
            kk.nest([h_, w_, cin], lambda k1, hwc: k1.copy_element(
                x, [n, *hwc], buffer, [element(k1, k1.affine(hwc[0], 1, pt), k1.affine(hwc[1], 1, pl), hwc[2])]))

        def output_row(k1: ScalarBuilder, oh) -> None:
            if ring:
                # the rows entering the window; at the first output row all kh of them (one
                # copy of the row code rather than a prologue beside the loop)
                end = k1.affine(oh, sh, kh_)
                start = k1.select(k1.cmp(oh, k1.idx(0), "eq"), k1.idx(0), k1.affine(oh, sh, kh_ - entering))
                k1.loop(start, end, lambda k2, p: write_row(k2, n, p))
                first_row = k1.emit(arith.RemUIOp(k1.affine(oh, sh, 0), k1.idx(kh_)))
            else:
                first_row = k1.affine(oh, sh, 0)
            columns(k1, oh, first_row)

        def pixel(k1: ScalarBuilder, oh, r0, ow, size: int = 1) -> None:
            """Output pixels ow .. ow + size - 1 of row oh: size x tile SMLAD tiles (the
            next pixel's window sw * Cin' bytes on in the buffer)."""
            col = k1.affine(ow, sw, 0)

            def block(k2: ScalarBuilder, ob) -> None:
                c0 = k2.mul(ob, k2.idx(tile))
                cs = [c0, *(k2.add(c0, k2.idx(j)) for j in range(1, tile))]
                bias = [k2.emit(memref.LoadOp.get(bias_buf, [c])) for c in cs]

                def kernel_row(k3: ScalarBuilder, i, *acc):
                    start = element(k3, k3.add(r0, i), col, k3.idx(0))
                    first = k3.mul(i, k3.idx(row_quads))
                    rows = [[k3.affine(start, 1, p * sw * channels)] for p in range(size)]
                    return smlad_tile(k3, buffer, rows, packed, ob, tile, row_quads, acc, widened, first)

                if kh_ <= UNROLL_ROWS:  # kernel rows at constant offsets
                    accs = bias * size
                    for i in range(kh_):
                        accs = kernel_row(k2, k2.idx(i), *accs)
                else:
                    accs = k2.loop(0, kh_, kernel_row, bias * size)
                values = [stage(k2, accs[p * tile + j], c) for p in range(size) for j, c in enumerate(cs)]
                for p in range(size):
                    for j, c in enumerate(cs):
                        k2.store_i8(values[p * tile + j], y, [n, oh, k2.affine(ow, 1, p), c])

            k1.loop(0, c_out // tile, block)

        def columns(k1: ScalarBuilder, oh, r0) -> None:
            """The row's pixels, in pairs with 2-pixel register tiles (the last alone)."""
            if choice.pixels == 1:
                k1.loop(0, ow_, lambda k2, ow: pixel(k2, oh, r0, ow))
                return
            k1.loop(0, ow_ // 2, lambda k2, q: pixel(k2, oh, r0, k2.mul(q, k2.idx(2)), 2))
            if ow_ % 2:
                pixel(k1, oh, r0, k1.idx(ow_ - 1))

        kk.loop(0, oh_, output_row)

    k.nest([n_], batch)
