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
B = (w1, 0). The lanes come from the layer's own int8 weights, read in place (no
copy in flash) and widened once per channel: row i of channel c is the 4-byte read at
c * kh * 3 + 3i, (w0, w1, w2, next row's w0), whose SXTB16 is A and whose SXTB16 ROR #8
masked to its low lane is B; the last row is read one byte earlier, (previous w2, w0,
w1, w2), so no read passes the weights' end: A is its SXTB16 ROR #8 and B the high lane
of its SXTB16, shifted down. (A 1-row kernel has no previous row: its rows are a table
of (w0, w1, w2, 0) words.) That is ~4 instructions a row per channel and nothing per
output, so 16-bit lanes in flash (widen_weights) would buy nothing here. Outputs go in
vertical pairs (oh, oh + 1) at the same column: the sh + kh plane rows of a pair are
each read and widened once (3x3 stride 1: 4 reads for 2 outputs instead of 6; stride
2: 5), and a pair needs only the 6 lanes and the channel's stage constants in
registers, where horizontal pairs sharing reads would need a third lane word per row
(measured: more spills, slower). An odd height's last pair overlaps the one before it
(that row is computed twice, the same values; the plane is the input, so writing it
twice is harmless also in place): no tail code. The stage is the channel's
(channel_stage: multiplier, exponent and addend once per channel, the addend computed
from the shift: no addend table).

Cost model per pair (3x3, stride 1): 4 x (read + 2 SXTB16) + 12 SMLAD + 2 stages (~11
each: 5 arithmetic, 5 for the int8 saturation, 1 store) + address and loop (~4): ~50
instructions for 18 MACs, plus reloads of what does not fit the 14 registers. Measured
(DS-CNN, GCC 12 -O2, objdump): 78 instructions a pair, ~39 an output, of which ~13 are
reloads of lanes, bias and stage constants from the stack; single outputs were ~40 each
with fewer MACs shared. Scalar: 9 loads + 9 MLA + the stage: ~34 (but 9 weight
registers). Plus ~2-3 per input element for the copy (~7 rolled); against ~9 x 6 + ~20
for the generic nest.

Applies to depthwise qk.conv2d (channel multiplier 1) with dilation 1, constant weights,
kh * kw <= MAX_TAPS, and no in-place schedule or the `channel` one.
"""

from __future__ import annotations

import numpy as np
from xdsl.dialects import memref
from xdsl.dialects.builtin import IntegerType, MemRefType, i8

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
from tinymlir.passes.kernel_to_loops.register_tile import RegisterTile
from tinymlir.scalar_builder import ScalarBuilder
from tinymlir.target import target_of

MAX_TAPS = 9
"""Taps kept in registers (3x3): 9 weights + accumulator + pointers fit 14 registers."""

COPY_UNROLL = 8
"""Columns of a plane row copied per loop iteration at most (the largest divisor of the
width up to this), for ~2 instructions an element and ~16 bytes of code a column."""


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


def dsp_rows(op: qk.Conv2DOp) -> bool:
    """Whether a kernel row is one SXTB16-widened 4-byte read of the padded plane (the
    DSP path of the module docstring): kw = 3, int8 weights, a signed input, the `dsp`
    feature, and a plane (padding or the in-place schedule). Weights widened to int16 (onnx
    numerics with a weight zero point: w - zw spans 9 bits) are not 4 taps to a word."""
    kw = op.weight.type.get_shape()[2]
    planar = op.padded or op.in_place is not None
    return (
        planar and kw == 3 and op.weight.type.get_element_type() == i8
        and not op.input_types.data[0].is_unsigned and target_of(op).cpu.has("dsp")
    )


def lower_depthwise(k: ScalarBuilder, op: qk.Conv2DOp, stage: Stage, choice: RegisterTile | None) -> None:
    """See the module docstring (depthwise_applies(op)); `choice`: the register tile of the
    DSP path (m = 2: vertical pairs), None for the scalar one."""
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
    dsp = dsp_rows(op)
    pairs = dsp and choice is not None and choice.pixels == 2
    if planar:
        # one flat plane, 4 spare bytes: a row's last 4-byte read may pass its end
        plane = scratch(k, [ph * pw + QUAD], scratch_name(op, "_plane"), op)
        border = k.c(xt.zero_point, IntegerType(8))
    if dsp and kh_ >= 2:
        # the weights themselves, as a flat view: a kernel row's 3 taps are one 4-byte read
        taps_total = c_ * kh_ * kw_
        flat_w = k.emit(memref.ReinterpretCastOp(w_buf, [], [], [], [0], [taps_total], [1], MemRefType(i8, [taps_total])))
    elif dsp:
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
            # The channel's plane, its rows unrolled by COPY_UNROLL columns at most (constant
            # offsets: ~2 instructions an element instead of ~7 for the rolled loop).
            unroll = next(u for u in range(min(w_, COPY_UNROLL), 0, -1) if w_ % u == 0)

            def copy_block(k1: ScalarBuilder, r, b) -> None:
                for j in range(unroll):
                    col = k1.affine(b, unroll, j)
                    k1.copy_element(x, [n, r, col, c], plane, [flat(k1, k1.affine(r, 1, pt), k1.affine(col, 1, pl))])

            kk.nest([h_, w_ // unroll], lambda k1, rb: copy_block(k1, *rb))
        if dsp:
            lanes = []  # per kernel row: A = (w0, w2), B = (w1, 0)
            low16 = kk.i32(0xFFFF)
            for i in range(kh_):
                if kh_ == 1:
                    word = kk.emit(memref.LoadOp.get(words, [c, kk.idx(i)]))
                    lanes.append((kk.emit(mcuc.Sxtb16Op(word)), kk.emit(mcuc.Sxtb16Op(word, 8))))
                elif i < kh_ - 1:  # (w0, w1, w2, next row's w0)
                    word = kk.emit(mcuc.LoadS8x4Op(flat_w, [kk.affine(c, kh_ * kw_, i * kw_)]))
                    lanes.append((kk.emit(mcuc.Sxtb16Op(word)), kk.band(kk.emit(mcuc.Sxtb16Op(word, 8)), low16)))
                else:  # (previous row's w2, w0, w1, w2): no read past the weights' end
                    word = kk.emit(mcuc.LoadS8x4Op(flat_w, [kk.affine(c, kh_ * kw_, i * kw_ - 1)]))
                    b = kk.band(kk.shr(kk.emit(mcuc.Sxtb16Op(word)), kk.i32(16)), low16)
                    lanes.append((kk.emit(mcuc.Sxtb16Op(word, 8)), b))
        else:
            taps = [[kk.load_i32(w_buf, [c, kk.idx(i), kk.idx(j), kk.idx(0)], False) for j in range(kw_)]
                    for i in range(kh_)]
        bias = kk.emit(memref.LoadOp.get(bias_buf, [c]))
        output = channel_stage(stage, kk, c)

        def widened(k1: ScalarBuilder, r, col):
            word = k1.emit(mcuc.LoadS8x4Op(plane, [flat(k1, r, col)]))
            return k1.emit(mcuc.Sxtb16Op(word)), k1.emit(mcuc.Sxtb16Op(word, 8))

        def pair(k1: ScalarBuilder, t, ow) -> None:
            # Outputs (oh0, ow) and (oh0 + 1, ow): plane rows oh0 * sh + j, each read and
            # widened once, serve the first output for j < kh and the second for j >= sh.
            # The last pair of an odd height overlaps the one before it (same values).
            oh0 = k1.mul(t, k1.idx(2))
            if oh_ % 2:
                oh0 = k1.min(oh0, k1.idx(oh_ - 2))
            col = k1.affine(ow, sw, 0)
            accs = [bias, bias]
            for j in range(sh + kh_):
                users = [(0, j)] if j < kh_ else []
                users += [(1, j - sh)] if 0 <= j - sh < kh_ else []
                if not users:
                    continue
                even, odd = widened(k1, k1.add(k1.affine(oh0, sh, 0), k1.idx(j)), col)
                for which, i in users:
                    a, b = lanes[i]
                    accs[which] = k1.emit(mcuc.SmladOp(odd, b, k1.emit(mcuc.SmladOp(even, a, accs[which]))))
            for dy, acc in enumerate(accs):
                k1.store_i8(output(k1, acc), y, [n, k1.affine(oh0, 1, dy), ow, c])

        def pixel(k1: ScalarBuilder, hw) -> None:
            oh, ow = hw
            acc = bias
            for i in range(kh_):
                r = k1.affine(oh, sh, i)
                if dsp:  # (p0, p2) . (w0, w2) + (p1, p3) . (w1, 0)
                    even, odd = widened(k1, r, k1.affine(ow, sw, 0))
                    a, b = lanes[i]
                    acc = k1.emit(mcuc.SmladOp(odd, b, k1.emit(mcuc.SmladOp(even, a, acc))))
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
            kk.nest([(oh_ + 1) // 2, ow_], lambda k1, tw: pair(k1, *tw))
        else:
            kk.nest([oh_, ow_], pixel)

    k.nest([n_, c_], channel)
