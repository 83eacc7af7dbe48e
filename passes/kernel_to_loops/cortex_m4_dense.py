"""Cortex-M4 qk.dense: SMLAD tiles (cortex_m4_dsp.py) where they apply, else register
tiles of DENSE_TILE output units in plain C; the short requantiser either way.

The plain-C tile loads each input once per DENSE_TILE units, the tile's weight rows at
constant offsets; the generic nest (with the short requantiser) takes the rest (units
that do not divide).
"""

from __future__ import annotations

from xdsl.dialects import memref
from xdsl.pattern_rewriter import PatternRewriter

from tinymlir.dialects import kernel as qk
from tinymlir.passes.kernel_to_loops.cortex_m4_dsp import (
    QUAD,
    dense_applies,
    drop_unused_constant,
    lower_dense,
    widen_weights,
)
from tinymlir.passes.kernel_to_loops.cortex_m4_requant import Requantiser, fast_output_stage
from tinymlir.passes.kernel_to_loops.dense import LowerDense
from tinymlir.passes.kernel_to_loops.register_tile import Kernel, RegisterTile, choose
from tinymlir.passes.kernel_to_loops.registry import lowering
from tinymlir.scalar_builder import ScalarBuilder

DENSE_TILE = 4
"""Output units per plain-C register tile."""


def per_channel_requant(op: qk.Conv2DOp | qk.DenseOp) -> bool:
    """Whether the output stage reads per-channel tables (the register model's E)."""
    params = Requantiser.of(op)
    return params is None or not params.per_tensor


def register_choice(op: qk.DenseOp) -> RegisterTile | None:
    """The register tile of lower_dense for `op` (register_tile.choose over 1 x n tiles, n
    dividing the units), or None where the SMLAD kernel does not apply."""
    batch, depth = op.input_types.data[0].get_shape()
    if depth % QUAD or not dense_applies(op):
        return None
    units = op.output_type.get_shape()[1]
    kernel = Kernel("dense", 1, units, depth // QUAD, batch=batch, per_channel=per_channel_requant(op),
                    int16_weights=widen_weights(op))
    return choose(kernel)


@lowering(qk.DenseOp, target="cortex-m4")
class LowerDenseCortexM4(LowerDense):
    """Dense in SMLAD tiles, or DENSE_TILE output units per register tile (each input
    loaded once per
    tile, the tile's weight rows at constant offsets) and the short requantiser; the
    generic nest (with the short requantiser) when the units do not divide."""

    output_stage = staticmethod(fast_output_stage)

    def match_and_rewrite(self, op: qk.DenseOp, rewriter: PatternRewriter) -> None:
        constants = (op.weight, op.bias, *op.tables)  # tables: the short stage may replace the shift table
        super().match_and_rewrite(op, rewriter)
        for value in constants:
            drop_unused_constant(value, rewriter)

    def lower(self, k: ScalarBuilder, op: qk.DenseOp) -> None:
        choice = register_choice(op)
        if choice is not None:
            lower_dense(k, op, self.output_stage(k, op), choice)
            return
        xt = op.input_types.data[0]
        x, w_buf, b_buf, y = op.ins[0], op.weight, op.bias, op.outs
        n_, depth = xt.get_shape()
        units = op.output_type.get_shape()[1]
        if units % DENSE_TILE:
            super().lower(k, op)
            return
        stage = self.output_stage(k, op)

        def block(kk: ScalarBuilder, ivs) -> None:
            n, ob = ivs
            o0 = kk.mul(ob, kk.idx(DENSE_TILE))
            rows = [o0, *(kk.add(o0, kk.idx(j)) for j in range(1, DENSE_TILE))]
            accs = [kk.emit(memref.LoadOp.get(b_buf, [o])) for o in rows]

            def mac(k1: ScalarBuilder, i, *acc):
                xv = k1.load_i32(x, [n, i], xt.is_unsigned)
                return [k1.add(a, k1.mul(xv, k1.load_i32(w_buf, [o, i], False))) for a, o in zip(acc, rows, strict=True)]

            results = kk.loop(0, depth, mac, accs)
            for acc, o in zip(results, rows, strict=True):
                kk.store_i8(stage(kk, acc, o), y, [n, o])

        k.nest([n_, units // DENSE_TILE], block)
