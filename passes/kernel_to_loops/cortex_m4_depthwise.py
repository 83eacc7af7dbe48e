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
SXTB16 ROR #8, and two SMLAD with the row's weights packed at compile time as lanes
(w0, w2) and (w1, 0): 5 instructions for 3 MACs, the 2 kh words per channel in
registers.

Cost model per output (3x3): DSP 3 x 5 + address (~2) + stage (~10 with per-channel
constants hoisted) + store and loop (~4): ~31 instructions for 9 MACs; scalar 9 loads +
9 MLA + the same: ~34 (but 9 weight registers); plus ~4 per input element for the
copy; against ~9 x 6 + ~20 for the generic nest.

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
from tinymlir.passes.kernel_to_loops.cortex_m4_dsp import QUAD, pack_lanes
from tinymlir.passes.kernel_to_loops.cortex_m4_requant import (
    Stage,
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
    if planar:
        # one flat plane, 4 spare bytes: a row's last 4-byte read may pass its end
        plane = scratch(k, [ph * pw + QUAD], scratch_name(op, "_plane"), op)
        border = k.c(xt.zero_point, IntegerType(8))
    if dsp:
        rows = np.zeros((c_, kh_, 2), np.int64)
        w3 = weights.reshape(c_, kh_, kw_)
        for c in range(c_):
            for i in range(kh_):
                rows[c, i] = pack_lanes(w3[c, i, 0], w3[c, i, 2]), pack_lanes(w3[c, i, 1], 0)
        lanes = constant_table(k, op, layer_base(op) + "_row_lanes", rows)

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
            row_words = [[kk.emit(memref.LoadOp.get(lanes, [c, kk.idx(i), kk.idx(h)])) for h in (0, 1)]
                         for i in range(kh_)]
        else:
            taps = [[kk.load_i32(w_buf, [c, kk.idx(i), kk.idx(j), kk.idx(0)], False) for j in range(kw_)]
                    for i in range(kh_)]
        bias = kk.emit(memref.LoadOp.get(bias_buf, [c]))

        def pixel(k1: ScalarBuilder, hw) -> None:
            oh, ow = hw
            acc = bias
            for i in range(kh_):
                r = k1.affine(oh, sh, i)
                if dsp:  # (p0, p2) . (w0, w2) + (p1, p3) . (w1, 0)
                    word = k1.emit(mcuc.LoadS8x4Op(plane, [flat(k1, r, k1.affine(ow, sw, 0))]))
                    even, odd = k1.emit(mcuc.Sxtb16Op(word)), k1.emit(mcuc.Sxtb16Op(word, 8))
                    acc = k1.emit(mcuc.SmladOp(even, row_words[i][0], acc))
                    acc = k1.emit(mcuc.SmladOp(odd, row_words[i][1], acc))
                    continue
                for j in range(kw_):
                    col = k1.affine(ow, sw, j)
                    if planar:
                        xv = k1.load_i32(plane, [flat(k1, r, col)], unsigned)
                    else:
                        xv = k1.load_i32(x, [n, r, col, c], unsigned)
                    acc = k1.add(acc, k1.mul(xv, taps[i][j]))
            k1.store_i8(stage(k1, acc, c), y, [n, oh, ow, c])

        kk.nest([oh_, ow_], pixel)

    k.nest([n_, c_], channel)
