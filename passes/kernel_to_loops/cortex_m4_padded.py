"""Cortex-M4 convolutions with few input channels (first layers): SMLAD over a padded copy.

With Cin not a multiple of 4 (an image's 3 channels, a spectrogram's 1) the taps of a
kernel row are not whole 4-element quads, and the window bounds of border pixels would
cut them anyway. So the input is first copied into a scratch buffer (counted in the
arena, COPY_LIMIT bytes at most) padded spatially with the input zero point and, where
kw * Cin is not a multiple of 4, in channels to Cin' = ceil(Cin / 4) * 4 (the extra
channels get zero weights). Then every window is inside the buffer and each kernel row
is kw * Cin' / 4 quads, contiguous in the buffer and in the packed weights: the
cortex_m4_dsp K loop (one pixel x TILE channels, SMLAD, weights widened at compile time
within the flash budget) from a bias with -zx * sum(w) folded in at compile time. A
padding tap then contributes (zx - zx) * w = 0, as TFLM's skipping it.

Cost model per output tile: kh x (kw * Cin' / 4) quads x (1 load + 2 SXTB16 + TILE x 2
SMLAD + TILE weight-pair loads), plus ~2 instructions per buffer byte for the fill and
copy, plus the short requantiser per output. E.g. DS-CNN's 10x4 first convolution
(Cin 1): 10 quads per 16 MACs of 4 channels... 4 MACs per SMLAD pair, ~1.2 instr/MAC
against ~4 for scalar channel tiles.

Applies to groups-1 convolutions with dilation 1, Cin % 4 != 0, a signed int8 input,
constant int8 weights, Cout divisible by the channel tile, no in-place schedule, on a
target with the `dsp` feature, when the padded copy fits COPY_LIMIT.
"""

from __future__ import annotations

import numpy as np
from xdsl.dialects import memref
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
    widen_weights,
)
from tinymlir.passes.kernel_to_loops.cortex_m4_requant import (
    Stage,
    constant_table,
    constant_values,
    layer_base,
)
from tinymlir.scalar_builder import ScalarBuilder

COPY_LIMIT = 8192
"""Bytes of the padded copy at most (it lives in the arena while the layer runs)."""


def _channels(cin: int, kw: int) -> int:
    return cin if (kw * cin) % QUAD == 0 else -(-cin // QUAD) * QUAD


def padded_copy_applies(op: qk.Conv2DOp, tile: int | None) -> bool:
    x_shape = op.input_types.data[0].get_shape()
    _, kh, kw, cin = op.weight.type.get_shape()
    if tile is None or op.depthwise or op.groups.value.data != 1 or ints(op.dilations) != [1, 1]:
        return False
    if cin % QUAD == 0 or op.in_place is not None or not dsp_input_ok(op):
        return False
    pt, pl, pb, pr = ints(op.pads)
    size = x_shape[0] * (x_shape[1] + pt + pb) * (x_shape[2] + pl + pr) * _channels(cin, kw)
    return size <= COPY_LIMIT and int8_weights(op) is not None


def lower_padded_copy(k: ScalarBuilder, op: qk.Conv2DOp, stage: Stage, tile: int) -> None:
    """See the module docstring (padded_copy_applies(op, tile))."""
    xt = op.input_types.data[0]
    x, b_buf, y = op.ins[0], op.bias, op.outs
    _, h_, w_, _ = xt.get_shape()
    n_, oh_, ow_, c_out = op.output_type.get_shape()
    _, kh_, kw_, cin = op.weight.type.get_shape()
    sh, sw = ints(op.strides)
    pt, pl, pb, pr = ints(op.pads)
    channels = _channels(cin, kw_)
    ph, pw = h_ + pt + pb, w_ + pl + pr
    weights = constant_values(op.weight)
    assert weights is not None
    padded_w = np.zeros((c_out, kh_, kw_, channels), np.int64)
    padded_w[..., :cin] = weights
    rows = padded_w.reshape(c_out, -1)
    widened = widen_weights(op)
    packed_values = pack_widened_weights(rows, tile) if widened else pack_weights(rows, tile)
    packed = constant_table(k, op, layer_base(op) + "_packed", packed_values)
    bias_buf = b_buf
    if op.padded and xt.zero_point:
        bias = constant_values(b_buf)
        assert bias is not None
        folded = bias - xt.zero_point * weights.reshape(c_out, -1).sum(axis=1)
        bias_buf = constant_table(k, op, layer_base(op) + "_folded_bias", np.asarray(folded))
    buffer = scratch(k, [ph * pw * channels], scratch_name(op, "_padded"), op)
    border = k.c(xt.zero_point, IntegerType(8))
    row_quads = kw_ * channels // QUAD

    def element(kk: ScalarBuilder, r, col, c):
        return kk.add(kk.mul(kk.add(kk.mul(r, kk.idx(pw)), col), kk.idx(channels)), c)

    def batch(kk: ScalarBuilder, ivs) -> None:
        (n,) = ivs

        def fill(k1: ScalarBuilder, i) -> None:
            k1.builder.insert(memref.StoreOp.get(border, buffer, [i]))

        kk.loop(0, ph * pw * channels, fill)
        kk.nest([h_, w_, cin], lambda k1, hwc: k1.copy_element(
            x, [n, *hwc], buffer, [element(k1, k1.affine(hwc[0], 1, pt), k1.affine(hwc[1], 1, pl), hwc[2])]))

        def pixel(k1: ScalarBuilder, hw) -> None:
            oh, ow = hw
            r0, col = k1.affine(oh, sh, 0), k1.affine(ow, sw, 0)

            def block(k2: ScalarBuilder, ob) -> None:
                c0 = k2.mul(ob, k2.idx(tile))
                cs = [c0, *(k2.add(c0, k2.idx(j)) for j in range(1, tile))]
                bias = [k2.emit(memref.LoadOp.get(bias_buf, [c])) for c in cs]

                def kernel_row(k3: ScalarBuilder, i, *acc):
                    start = element(k3, k3.add(r0, i), col, k3.idx(0))
                    first = k3.mul(i, k3.idx(row_quads))
                    return smlad_tile(k3, buffer, [[start]], packed, ob, tile, row_quads, acc, widened, first)

                accs = k2.loop(0, kh_, kernel_row, bias)
                values = [stage(k2, acc, c) for acc, c in zip(accs, cs, strict=True)]
                for value, c in zip(values, cs, strict=True):
                    k2.store_i8(value, y, [n, oh, ow, c])

            k1.loop(0, c_out // tile, block)

        kk.nest([oh_, ow_], pixel)

    k.nest([n_], batch)
