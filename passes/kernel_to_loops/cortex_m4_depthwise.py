"""Cortex-M4 depthwise convolution: channel by channel, weights stationary, taps unrolled.

The generic depthwise nest reloads a channel's kh x kw weights and its requantisation
parameters for every output, and bounds-checks every tap. Here one channel is done at a
time (TinyEngine's order, and the one the in-place `channel` schedule needs): the
channel's input plane is first copied into a scratch plane padded with the input zero
point (counted in the arena: (H + pads) x (W + pads) bytes), its weights are loaded
once into scalars, and every output is the kh x kw taps unrolled (one load at a
constant offset and one multiply-accumulate each) from a bias with -zx * sum(w) folded
in at compile time. A padding tap then contributes (zx - zx) * w = 0, exactly as TFLM's
skipping it. The plane also makes the in-place schedule free: channel c of the input is
saved in it before channel c of the output overwrites it. Without padding and in-place
schedule the taps read the input directly. The output stage is the short requantiser
where it is exact (cortex_m4_requant).

With the DSP extension and a signed input (kw = 3), a kernel row of an output is one
4-byte read of the plane (p0..p3; the plane has 4 spare bytes at its end), SXTB16 and
SXTB16 ROR #8, and two SMLAD with the row's weights as 16-bit lanes A = (w0, w2) and
B = (w1, 0). The weights are kept as int8 in flash, one word (w0, w1, w2, 0) per kernel
row, and widened once per channel (SXTB16, SXTB16 ROR #8: the lanes cost ~3
instructions a row per channel, nothing per output), so the table is 4 bytes per row
rather than 8 of 16-bit lanes (widen_weights buys nothing here). Where the width is
even, outputs go in horizontal pairs (ow, ow + 1) sharing the loop and the addresses;
with stride 1 they also share the reads: output ow + 1's row is (p1, p3) . A +
(p0, p2) . C with C = B << 16 = (0, w1), so a pair's row is 1 read, 2 SXTB16 and 4
SMLAD. An odd width keeps single outputs (measured: an overlapping last pair on
DS-CNN's width 5 recomputes 1 output in 6 and costs more than it saves). The stage is
the channel's (channel_stage: multiplier, exponent and addend once per channel, the
addend computed from the shift: no addend table).

Cost model per output (3x3, stride 1, pairs): DSP 3 x 3.5 + address (~1) + stage (~13:
5 arithmetic, 7 for the clamp as GCC emits it, 1 store) + loop (~2) + reloads of
what does not fit the 14 registers (~4): ~30 instructions for 9 MACs (about 2 reads a
row more with stride 2); single outputs ~38; scalar 9 loads + 9 MLA + the same: ~34
(but 9 weight registers); plus ~4 per input element for the copy; against ~9 x 6 + ~20
for the generic nest.

Applies to depthwise qk.conv2d (channel multiplier 1) with dilation 1, constant weights,
kh * kw <= MAX_TAPS, and no in-place schedule or the `channel` one.
"""

from __future__ import annotations

import numpy as np
from xdsl.dialects import memref
from xdsl.dialects.builtin import IntegerType

from tinymlir.dialects import kernel as qk
from tinymlir.dialects import mcuc
from tinymlir.passes.kernel_to_loops.common import ints, scratch
from tinymlir.passes.kernel_to_loops.conv import scratch_name
from tinymlir.passes.kernel_to_loops.cortex_m4_dsp import QUAD
from tinymlir.passes.kernel_to_loops.cortex_m4_requant import (
    Stage,
    channel_stage,
    constant_table,
    constant_values,
    layer_base,
)
from tinymlir.scalar_builder import ScalarBuilder
from tinymlir.target import target_of

MAX_TAPS = 9
"""Taps kept in registers (3x3): 9 weights + accumulator + pointers fit 14 registers."""


def depthwise_applies(op: qk.Conv2DOp) -> bool:
    _, kh, kw, _ = op.weight.type.get_shape()
    return (
        op.depthwise and ints(op.dilations) == [1, 1] and kh * kw <= MAX_TAPS
        and op.input_types.data[0].get_shape()[3] == op.output_type.get_shape()[3]
        and (op.in_place is None or op.in_place.data == "channel")
        and constant_values(op.weight) is not None
    )


def row_words(weights: np.ndarray) -> np.ndarray:
    """Per channel and kernel row of 3 taps, the int32 with bytes (w0, w1, w2, 0): SXTB16
    gives the lanes (w0, w2), SXTB16 ROR #8 gives (w1, 0)."""
    c_, kh_, kw_ = weights.shape
    assert kw_ == 3
    bytes_ = np.zeros((c_, kh_, 4), np.uint8)
    bytes_[..., :3] = weights.astype(np.int8).view(np.uint8)
    return bytes_.view("<i4").reshape(c_, kh_).astype(np.int64)


def lower_depthwise(k: ScalarBuilder, op: qk.Conv2DOp, stage: Stage) -> None:
    """See the module docstring (depthwise_applies(op))."""
    xt = op.input_types.data[0]
    x, w_buf, b_buf, y = op.ins[0], op.weight, op.bias, op.outs
    _, h_, w_, _ = xt.get_shape()
    n_, oh_, ow_, c_ = op.output_type.get_shape()
    _, kh_, kw_, _ = w_buf.type.get_shape()
    sh, sw = ints(op.strides)
    pt, pl, pb, pr = ints(op.pads)
    unsigned = xt.is_unsigned
    weights = constant_values(w_buf)
    assert weights is not None
    planar = op.padded or op.in_place is not None
    if op.padded and xt.zero_point:
        folded = constant_values(b_buf)
        assert folded is not None
        folded = folded - xt.zero_point * weights.reshape(c_, -1).sum(axis=1)
        bias_buf = constant_table(k, op, layer_base(op) + "_folded_bias", np.asarray(folded))
    else:
        bias_buf = b_buf  # zx is already in the bias (or there are no padding taps)
    ph, pw = h_ + pt + pb, w_ + pl + pr
    dsp = planar and kw_ == 3 and not unsigned and target_of(op).cpu.has("dsp")
    pairs = dsp and ow_ % 2 == 0
    if planar:
        # one flat plane, 4 spare bytes: a row's last 4-byte read may pass its end
        plane = scratch(k, [ph * pw + QUAD], scratch_name(op, "_plane"), op)
        border = k.c(xt.zero_point, IntegerType(8))
    if dsp:
        words = constant_table(k, op, layer_base(op) + "_row_words", row_words(weights.reshape(c_, kh_, kw_)))

    def flat(kk: ScalarBuilder, r, col):
        return kk.add(kk.mul(r, kk.idx(pw)), col)

    if planar:
        # The padding (and the spare bytes: no read is uninitialised) once for all channels:
        # each channel's copy only writes the inside.
        def fill(k1: ScalarBuilder, i) -> None:
            k1.builder.insert(memref.StoreOp.get(border, plane, [i]))

        k.loop(0, ph * pw + QUAD, fill)

    def channel(kk: ScalarBuilder, ivs) -> None:
        n, c = ivs
        if planar:
            kk.nest([h_, w_], lambda k1, hw: k1.copy_element(
                x, [n, hw[0], hw[1], c], plane, [flat(k1, k1.affine(hw[0], 1, pt), k1.affine(hw[1], 1, pl))]))
        if dsp:
            lanes = []  # per kernel row: A = (w0, w2), B = (w1, 0), and C = (0, w1) for shared reads
            for i in range(kh_):
                word = kk.emit(memref.LoadOp.get(words, [c, kk.idx(i)]))
                a, b = kk.emit(mcuc.Sxtb16Op(word)), kk.emit(mcuc.Sxtb16Op(word, 8))
                lanes.append((a, b, kk.shl(b, kk.i32(16)) if pairs and sw == 1 else None))
        else:
            taps = [[kk.load_i32(w_buf, [c, kk.idx(i), kk.idx(j), kk.idx(0)], False) for j in range(kw_)]
                    for i in range(kh_)]
        bias = kk.emit(memref.LoadOp.get(bias_buf, [c]))
        output = channel_stage(stage, kk, c)

        def widened(k1: ScalarBuilder, r, col):
            word = k1.emit(mcuc.LoadS8x4Op(plane, [flat(k1, r, col)]))
            return k1.emit(mcuc.Sxtb16Op(word)), k1.emit(mcuc.Sxtb16Op(word, 8))

        def pair(k1: ScalarBuilder, oh, t) -> None:
            ow0 = k1.mul(t, k1.idx(2))
            acc0 = acc1 = bias
            for i, (a, b, c_lanes) in enumerate(lanes):
                r = k1.affine(oh, sh, i)
                even, odd = widened(k1, r, k1.affine(ow0, sw, 0))
                acc0 = k1.emit(mcuc.SmladOp(odd, b, k1.emit(mcuc.SmladOp(even, a, acc0))))
                if c_lanes is not None:  # (p1, p3) . (w0, w2) + (p0, p2) . (0, w1)
                    acc1 = k1.emit(mcuc.SmladOp(even, c_lanes, k1.emit(mcuc.SmladOp(odd, a, acc1))))
                else:
                    even1, odd1 = widened(k1, r, k1.affine(ow0, sw, sw))
                    acc1 = k1.emit(mcuc.SmladOp(odd1, b, k1.emit(mcuc.SmladOp(even1, a, acc1))))
            for dx, acc in enumerate((acc0, acc1)):
                k1.store_i8(output(k1, acc), y, [n, oh, k1.affine(ow0, 1, dx), c])

        def pixel(k1: ScalarBuilder, hw) -> None:
            oh, ow = hw
            acc = bias
            for i in range(kh_):
                r = k1.affine(oh, sh, i)
                if dsp:  # (p0, p2) . (w0, w2) + (p1, p3) . (w1, 0)
                    even, odd = widened(k1, r, k1.affine(ow, sw, 0))
                    acc = k1.emit(mcuc.SmladOp(odd, lanes[i][1], k1.emit(mcuc.SmladOp(even, lanes[i][0], acc))))
                    continue
                for j in range(kw_):
                    col = k1.affine(ow, sw, j)
                    if planar:
                        xv = k1.load_i32(plane, [flat(k1, r, col)], unsigned)
                    else:
                        xv = k1.load_i32(x, [n, r, col, c], unsigned)
                    acc = k1.add(acc, k1.mul(xv, taps[i][j]))
            k1.store_i8(output(k1, acc), y, [n, oh, ow, c])

        if pairs:
            kk.nest([oh_, ow_ // 2], lambda k1, ht: pair(k1, *ht))
        else:
            kk.nest([oh_, ow_], pixel)

    k.nest([n_, c_], channel)
