"""Cortex-M4 DSP matmuls: pointwise (1x1) convolutions and dense layers with SMLAD.

Both are a matmul over K (the input channels / depth): out[p, c] = bias[c] + sum_k
x[p, k] * w[c, k]. The K loop goes 4 elements (a quad) per step:

- the activations of a pixel are read as one 32-bit word (mcuc.load_s8x4) and widened
  once per register tile with SXTB16 into (x0, x2) and, rotated by 8, (x1, x3);
- the weights are packed at compile time into words of 4 int8 (natural K order, which
  the same two SXTB16 split into (w0, w2) and (w1, w3)), the n channels of a tile
  interleaved quad by quad ([Cout / n][K / 4][n] words), so the tile's weights are n
  consecutive words and one pointer walks them;
- each SMLAD does 2 MACs: per quad and tile, m activation words + n weight words,
  2(m + n) SXTB16 and 2mn SMLAD for 4mn MACs.

Dense layers use each weight once per inference, so there the weights are widened at
compile time (pack_widened_weights: two words of 16-bit lanes per quad and channel, no
SXTB16 on weights in the loop) when the target asks for it ([c] widen_weights) and the doubled weights fit its flash budget.

Register tile (m pixels x n channels) and operand formats: the register level of
tile-for-memory chooses them per layer (register_tile.choose, by its cost model of
instructions and cycles within 14 registers; the lowerings get the choice from
cortex_m4_conv.register_choice and cortex_m4_dense.register_choice). For convolutions
that is 2 x 2, two consecutive output pixels in row-major order (4 accumulators, 4
widened activations, 2 widened weights and 3 pointers fit the M4's 14 registers with no
spill; 2 x 4 would need 17), a (P mod m) x n tile for the last pixels; dense 1 x 4 (or
what divides the units). The
requantised values of a tile are computed before its stores, so the per-channel
parameters are read once for both pixels. The requantisation runs once per output, after the K loop
(cortex_m4_requant's short exact form where it applies).

Cost model per quad (16 MACs for 2 x 2): 2 + 2 loads, 8 SXTB16, 8 SMLAD and the loop
step: ~23 instructions, measured 23 (1 x 4: 5 loads, 10 SXTB16, 8 SMLAD, step: ~26,
measured 24; with widened weights 1 + 4 LDRD, 2 SXTB16, 8 SMLAD, step: ~18). Dense tiles
of 4 | n int8 channels read the n weight words by LDM of 4 (mcuc.load_words, `load_words`
of the register choice): 1 x 4 measured 23 a quad (ToyCar's 640-deep layer; 24 instead of
26 on its 128-deep ones, where GCC had split the loads and spilled the end pointer).

Applies when the target has the `dsp` ISA feature, the input is signed int8, K is a
multiple of 4, the weights are constants in the int8 range, the channels divide the
tile, and (convolutions) the kernel is 1x1 without padding, groups 1, and no in-place
schedule or the row-ring one. The generated C is the same on every compiler: the DSP ops print as helpers
with a bit-identical portable fallback (mcuc.DSP_HELPERS).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain
from math import prod

import numpy as np
from xdsl.dialects import arith, memref
from xdsl.dialects.builtin import (
    ArrayAttr,
    IntegerAttr,
    MemRefType,
    ModuleOp,
    NoneAttr,
    ShapedType,
    StridedLayoutAttr,
    i64,
)
from xdsl.ir import SSAValue
from xdsl.pattern_rewriter import PatternRewriter

from tinymlir.dialects import kernel as qk
from tinymlir.dialects import mcuc
from tinymlir.passes.kernel_to_loops.common import ints, reads_global, scratch
from tinymlir.passes.kernel_to_loops.conv import scratch_name
from tinymlir.passes.kernel_to_loops.cortex_m4_requant import (
    Stage,
    constant_table,
    constant_values,
    layer_base,
)
from tinymlir.passes.kernel_to_loops.register_tile import RegisterTile
from tinymlir.scalar_builder import ScalarBuilder
from tinymlir.strided_memref import collapse_layout, row_major
from tinymlir.target import target_of

QUAD = 4
"""K elements per step: one 32-bit word of int8."""

COPY_UNROLL = 8
"""Channels of an in-place pixel copied back per loop iteration at most."""


def pack_lanes(low: int, high: int) -> int:
    """The int32 with 16-bit lanes `low` and `high` (each -32768..32767)."""
    word = (int(low) & 0xFFFF) | (int(high) & 0xFFFF) << 16
    return word - (1 << 32) if word >> 31 else word


def both_lanes(value: int) -> int:
    """The int32 with `value` in both 16-bit lanes (an SXTAB16 offset)."""
    return pack_lanes(value, value)


def pack_weights(weights: np.ndarray, tile: int) -> np.ndarray:
    """(Cout, K) int8 weights as int32 words [Cout / tile][K / 4][tile]: word (b, q, j)
    holds w[b * tile + j, 4q .. 4q + 3], element t in byte t (mcuc.pack_s8x4's order)."""
    c_out, depth = weights.shape
    assert c_out % tile == 0 and depth % QUAD == 0, (weights.shape, tile)
    quads = weights.astype(np.int8).reshape(c_out // tile, tile, depth // QUAD, QUAD).transpose(0, 2, 1, 3)
    return np.ascontiguousarray(quads).view("<i4")[..., 0].astype(np.int64)


def pack_widened_weights(weights: np.ndarray, tile: int) -> np.ndarray:
    """(Cout, K) int8 weights widened to 16-bit lanes at compile time, as int32 words
    [Cout / tile][K / 4][tile][2]: for w[c, 4q .. 4q + 3] = (w0, w1, w2, w3), word 0 holds
    (w0, w2) and word 1 (w1, w3), low lane first: what SXTB16 and SXTB16 ROR #8 make of
    pack_weights' word, so the K loop needs no SXTB16 on weights (twice the flash)."""
    words = pack_weights(weights, tile)
    even = np.vectorize(lambda w: mcuc.sxtb16(int(w)), otypes=[np.int64])(words)
    odd = np.vectorize(lambda w: mcuc.sxtb16(int(w), 8), otypes=[np.int64])(words)
    return np.stack([even, odd], axis=-1)


def int8_weights(op: qk.Conv2DOp | qk.DenseOp) -> np.ndarray | None:
    """The constant weights as (Cout, K), or None if not constants in the int8 range."""
    values = constant_values(op.weight)
    if values is None or values.min(initial=0) < -128 or values.max(initial=0) > 127:
        return None
    return values.reshape(values.shape[0], -1)


def dsp_input_ok(op: qk.Conv2DOp | qk.DenseOp) -> bool:
    """The target has the DSP extension and the input is signed (SXTB16 sign-extends)."""
    return target_of(op).cpu.has("dsp") and not op.input_types.data[0].is_unsigned


def row_major_packed(value: SSAValue) -> bool:
    """Whether a buffer's elements are packed in row-major order at some offset (static or
    dynamic): its strides are the identity layout's wherever a dimension has more than one
    element. A row band of an NHWC map (patch-schedule's subviews, at band offsets computed
    in its band loops) is; a window of some columns is not, nor a layout with a dynamic
    stride (its flat view's layout would not be static)."""
    t = value.type
    if not isinstance(t, MemRefType):
        return False
    shape = t.get_shape()
    strides = t.get_strides()
    identity = ShapedType.strides_for_shape(shape)
    return strides is not None and None not in strides and all(
        s == e or n == 1 for s, e, n in zip(strides, identity, shape, strict=True)
    )


def collapse_shape(value: SSAValue, groups: Sequence[Sequence[int]], shape: Sequence[int]) -> memref.CollapseShapeOp:
    """The memref.collapse_shape of `value` (static strides; each group contiguous) into
    `shape`, its result typed with the layout it has (tinymlir.strided_memref's
    collapse_layout: the same offset, static or dynamic; identity where that is row-major
    from 0)."""
    t = value.type
    assert isinstance(t, MemRefType), t
    offset, strides = collapse_layout(t, groups)
    layout = NoneAttr() if (offset, tuple(strides)) == row_major(shape) else StridedLayoutAttr(strides, offset)
    view_type = MemRefType(t.element_type, list(shape), layout, t.memory_space)
    reassociation = ArrayAttr([ArrayAttr([IntegerAttr(d, i64) for d in group]) for group in groups])
    return memref.CollapseShapeOp.build(operands=[value], result_types=[view_type],
                                        properties={"reassociation": reassociation})


def flat_view(k: ScalarBuilder, value: SSAValue) -> SSAValue:
    """A row_major_packed buffer as one dimension of its elements in order (collapse_shape,
    keeping the buffer's offset: element i of the view is the buffer's i-th in row-major
    order, in a band at a dynamic offset too)."""
    t = value.type
    assert isinstance(t, MemRefType) and row_major_packed(value), t
    rank = len(t.get_shape())
    return k.emit(collapse_shape(value, [list(range(rank))], [prod(t.get_shape())]))


def _dsp_target(op: qk.Conv2DOp | qk.DenseOp) -> bool:
    # SMLAD reads 4 channels as one word: they must be adjacent (not so in a transposed view)
    x = op.ins[0].type
    adjacent = isinstance(x, MemRefType) and (x.get_strides() or (1,))[-1] == 1
    return dsp_input_ok(op) and adjacent and op.input_types.data[0].get_shape()[-1] % QUAD == 0


def pointwise_applies(op: qk.Conv2DOp) -> bool:
    """Whether lower_pointwise handles `op` (see the module docstring), given a register
    tile whose channels divide Cout."""
    _, kh, kw, _ = op.weight.type.get_shape()
    return (
        (kh, kw) == (1, 1) and not op.padded and not op.depthwise and op.groups.value.data == 1
        and (op.in_place is None or op.in_place.data == "rows")
        and _dsp_target(op) and int8_weights(op) is not None
    )


def taps_apply(op: qk.Conv2DOp) -> bool:
    """Whether cortex_m4_conv's channel tiles use SMLAD over each tap's input channels
    (kernel rows as runs of quads over a flat view): groups 1, dilation 1, a signed int8
    input packed row-major (row_major_packed: a row band too), Cin a multiple of 4,
    constant int8 weights (the zero point of a padded input is subtracted in the
    widening)."""
    return (
        not op.depthwise and op.groups.value.data == 1 and ints(op.dilations) == [1, 1]
        and _dsp_target(op) and row_major_packed(op.ins[0]) and int8_weights(op) is not None
    )


def dense_applies(op: qk.DenseOp) -> bool:
    """Whether lower_dense handles `op`, given a register tile whose channels divide the units."""
    return _dsp_target(op) and int8_weights(op) is not None


def smlad_tile(
    k: ScalarBuilder, x: SSAValue, rows: Sequence[Sequence[SSAValue]], packed: SSAValue,
    block: SSAValue, channels: int, quads: int | SSAValue, accs: Sequence[SSAValue],
    widened_weights: bool = False, first_quad: SSAValue | None = None, x_offset: SSAValue | None = None,
    unroll: int = 1, load_words: bool = False,
) -> list[SSAValue]:
    """The K loop of one register tile: accs[i * channels + j] (pixel i, channel j of the
    block) plus the dot product of x[*rows[i][:-1], rows[i][-1] + 0 : 4 * quads] with the
    block's packed weights (pack_weights, or pack_widened_weights when `widened_weights`)
    from quad `first_quad` on (0 if None); `x_offset` (two 16-bit lanes) is added to the
    widened activations (SXTAB16), e.g. minus the input zero point. `unroll` quads per
    iteration (a constant `quads`; the remainder quads after the loop). `load_words`: the
    int8 weight words of 4 channels at a time in one LDM (mcuc.load_words; channels % 4 == 0)."""
    words_per_load = mcuc.LOAD_WORD_COUNTS[-1]
    assert not load_words or (not widened_weights and channels % words_per_load == 0), (channels, widened_weights)

    def widen(kk: ScalarBuilder, word: SSAValue, rotate: int) -> SSAValue:
        if x_offset is None:
            return kk.emit(mcuc.Sxtb16Op(word, rotate))
        return kk.emit(mcuc.Sxtab16Op(x_offset, word, rotate))

    def quad(kk: ScalarBuilder, q, *acc):
        k0 = kk.mul(q, kk.idx(QUAD))
        wq = q if first_quad is None else kk.add(first_quad, q)
        widened = []
        for row in rows:
            word = kk.emit(mcuc.LoadS8x4Op(x, [*row[:-1], kk.add(row[-1], k0)]))
            widened.append((widen(kk, word, 0), widen(kk, word, 8)))
        out = list(acc)
        words: list[SSAValue] = []
        for j in range(channels):
            if widened_weights:
                w_even, w_odd = (kk.emit(memref.LoadOp.get(packed, [block, wq, kk.idx(j), kk.idx(h)])) for h in (0, 1))
            else:
                if load_words and j % words_per_load == 0:
                    load = kk.builder.insert(mcuc.LoadWordsOp(packed, [block, wq, kk.idx(j)], words_per_load))
                    words = list(load.words)
                w = words[j % words_per_load] if load_words else kk.emit(memref.LoadOp.get(packed, [block, wq, kk.idx(j)]))
                w_even, w_odd = kk.emit(mcuc.Sxtb16Op(w)), kk.emit(mcuc.Sxtb16Op(w, rotate=8))
            for i, (x_even, x_odd) in enumerate(widened):
                a = kk.emit(mcuc.SmladOp(x_even, w_even, out[i * channels + j]))
                out[i * channels + j] = kk.emit(mcuc.SmladOp(x_odd, w_odd, a))
        return out

    if unroll == 1 or not isinstance(quads, int):
        return list(k.loop(0, quads, quad, list(accs)))

    def step(kk: ScalarBuilder, s, *acc):
        out = list(acc)
        for u in range(unroll):
            out = quad(kk, kk.affine(s, unroll, u), *out)
        return out

    out = list(k.loop(0, quads // unroll, step, list(accs))) if quads >= unroll else list(accs)
    for q in range(quads - quads % unroll, quads):
        out = quad(k, k.idx(q), *out)
    return out


def drop_unused_constant(value: SSAValue, rewriter: PatternRewriter) -> None:
    """After a lowering that read a packed or folded copy instead (weights, biases):
    erases the get_global of the original if nothing uses it, and its global if nothing
    else reads it (an unused static const array is a C compiler warning)."""
    owner = value.owner
    if not isinstance(owner, memref.GetGlobalOp) or value.uses:
        return
    symbol = owner.name_.root_reference.data
    module = owner.get_toplevel_object()
    rewriter.erase(owner)
    if not reads_global(module, symbol):
        # The module's own ops first: that is where the lowerings put globals.
        ops = module.ops if isinstance(module, ModuleOp) else ()
        for g in chain(ops, module.walk()):
            if isinstance(g, memref.GlobalOp) and g.sym_name.data == symbol:
                rewriter.erase(g)
                break


def packed_weights(k: ScalarBuilder, op: qk.Conv2DOp | qk.DenseOp, tile: int, widened: bool = False) -> SSAValue:
    weights = int8_weights(op)
    assert weights is not None
    values = pack_widened_weights(weights, tile) if widened else pack_weights(weights, tile)
    return constant_table(k, op, layer_base(op) + "_packed", values)


def _constant_bytes(op: qk.Conv2DOp | qk.DenseOp) -> int:
    module = op.get_toplevel_object()
    total = 0
    for g in module.walk():
        if isinstance(g, memref.GlobalOp) and g.constant is not None and isinstance(g.type, MemRefType):
            total += int(np.prod(g.type.get_shape())) * ((g.type.element_type.bitwidth + 7) // 8)
    return total


def widen_weights(op: qk.Conv2DOp | qk.DenseOp) -> bool:
    """Whether a layer's weights are widened at compile time (pack_widened_weights), for
    1-pixel tiles (dense; k x k convolutions) whose weights would be widened again for
    every pixel: when the target asks for it (its [c] widen_weights: twice the weights'
    flash for about 10 % fewer instructions) and the doubled weights keep all constants
    within the flash budget."""
    target = target_of(op)
    if not target.c.widen_weights:
        return False
    extra = int(np.prod(op.weight.type.get_shape()))
    return target.budgets.flash is None or _constant_bytes(op) + extra <= target.budgets.flash


def lower_pointwise(k: ScalarBuilder, op: qk.Conv2DOp, stage: Stage, choice: RegisterTile) -> None:
    """A 1x1 convolution as a matmul in m x n SMLAD tiles (the register choice, e.g. 2 x 2)
    over runs of m output pixels in row-major order (a (P mod m) x n tile for the last
    pixels); pointwise_applies.
    In place (the `rows` schedule: same shape, stride 1), each pair's outputs go to a
    2 x Cout scratch and over the pair's inputs once the pair is done (output pixel p
    only reads input pixel p)."""
    pixels, channels = choice.pixels, choice.channels
    x, b_buf, y = op.ins[0], op.bias, op.outs
    n_, oh_, ow_, c_out = op.output_type.get_shape()
    cin = op.weight.type.get_shape()[3]
    sh, sw = ints(op.strides)
    count = oh_ * ow_
    widened = choice.weights == "int16"
    packed = packed_weights(k, op, channels, widened)
    ring = None if op.in_place is None else scratch(k, [pixels, c_out], scratch_name(op, "_pixels"), op)
    flat_x = flat_view(k, x) if (sh, sw) == (1, 1) and row_major_packed(x) else None

    def tile(kk: ScalarBuilder, n, first: SSAValue, size: int, row: SSAValue | None = None) -> None:
        """Pixels first .. first + size - 1 in row-major order (with `row`: of that output
        row, `first` its column: no division)."""
        places = []
        for i in range(size):
            p = kk.affine(first, 1, i)
            if row is not None:
                places.append((row, p))
            else:
                places.append((kk.emit(arith.DivUIOp(p, kk.idx(ow_))), kk.emit(arith.RemUIOp(p, kk.idx(ow_)))))
        if row is not None:
            first = kk.add(kk.mul(row, kk.idx(ow_)), first)
        if flat_x is not None:  # stride 1: pixel p's channels start at p * Cin, one pointer
            base = kk.mul(kk.affine(first, 1, 0) if n_ == 1 else kk.add(kk.mul(n, kk.idx(count)), first), kk.idx(cin))
            x_rows = [[kk.affine(base, 1, i * cin)] for i in range(size)]
        else:
            x_rows = [[n, kk.affine(oh, sh, 0), kk.affine(ow, sw, 0), kk.idx(0)] for oh, ow in places]

        def block(k1: ScalarBuilder, ob) -> None:
            c0 = k1.mul(ob, k1.idx(channels))
            cs = [c0, *(k1.add(c0, k1.idx(j)) for j in range(1, channels))]
            bias = [k1.emit(memref.LoadOp.get(b_buf, [c])) for c in cs]
            accs = smlad_tile(k1, x if flat_x is None else flat_x, x_rows, packed, ob, channels, cin // QUAD,
                              bias * size, widened, unroll=choice.unroll)
            values = [stage(k1, accs[i * channels + j], c) for i in range(size) for j, c in enumerate(cs)]
            for i, (oh, ow) in enumerate(places):
                for j, c in enumerate(cs):
                    target = [n, oh, ow, c] if ring is None else [k1.idx(i), c]
                    k1.store_i8(values[i * channels + j], y if ring is None else ring, target)

        kk.loop(0, c_out // channels, block)
        if ring is not None:
            # COPY_UNROLL channels an iteration at constant offsets: ~2 instructions an
            # element instead of ~5 for the rolled loop
            unroll = next(u for u in range(min(c_out, COPY_UNROLL), 0, -1) if c_out % u == 0)

            def copy_back(k1: ScalarBuilder, b, i, oh, ow) -> None:
                for j in range(unroll):
                    c = k1.affine(b, unroll, j)
                    k1.copy_element(ring, [k1.idx(i), c], y, [n, oh, ow, c])

            for i, (oh, ow) in enumerate(places):
                kk.loop(0, c_out // unroll, lambda k1, b, i=i, oh=oh, ow=ow: copy_back(k1, b, i, oh, ow))

    def batch(kk: ScalarBuilder, ivs) -> None:
        (n,) = ivs
        if ow_ % pixels == 0:  # pairs within rows: the coordinates without dividing
            kk.nest([oh_, ow_ // pixels], lambda k1, hw: tile(k1, n, k1.mul(hw[1], k1.idx(pixels)), pixels, hw[0]))
            return
        if count >= pixels:
            kk.loop(0, count // pixels, lambda k1, t: tile(k1, n, k1.mul(t, k1.idx(pixels)), pixels))
        if count % pixels:
            tile(kk, n, kk.idx(count - count % pixels), count % pixels)

    k.nest([n_], batch)


def lower_dense(k: ScalarBuilder, op: qk.DenseOp, stage: Stage, choice: RegisterTile) -> None:
    """A dense layer in 1 x n SMLAD tiles (the register choice; dense_applies(op))."""
    x, b_buf, y = op.ins[0], op.bias, op.outs
    n_, depth = op.input_types.data[0].get_shape()
    units = op.output_type.get_shape()[1]
    tile = choice.channels
    widened = choice.weights == "int16"
    packed = packed_weights(k, op, tile, widened)

    def block(kk: ScalarBuilder, ivs) -> None:
        n, ob = ivs
        o0 = kk.mul(ob, kk.idx(tile))
        outs = [o0, *(kk.add(o0, kk.idx(j)) for j in range(1, tile))]
        bias = [kk.emit(memref.LoadOp.get(b_buf, [o])) for o in outs]
        accs = smlad_tile(kk, x, [[n, kk.idx(0)]], packed, ob, tile, depth // QUAD, bias, widened,
                          unroll=choice.unroll, load_words=choice.load_words)
        for acc, o in zip(accs, outs, strict=True):
            kk.store_i8(stage(kk, acc, o), y, [n, o])

    k.nest([n_, units // tile], block)
