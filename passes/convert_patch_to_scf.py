"""convert-patch-to-scf: inline each `patch.stage` and make its band loops `scf.for`s.

What it does
    Each `patch.band_loop` over bands [first, end) becomes `scf.for %band = 0 to
    end - first step 1` with the same body (and an `scf.yield`); then each `patch.stage`'s
    body is inlined where the stage was, and the stage erased. What the stage recorded
    (form, grid, band table) is dropped: the band buffers, views and loops the body
    holds are the whole computation.

Cost model
    None: a one-to-one lowering.

Assumes the stage's tables are no longer needed: runs after plan-arena, the last pass
that steps through band loops (the `loops` pipeline's end). Works at the kernel and the
loop level.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.builder import Builder, InsertPoint
from xdsl.context import Context
from xdsl.dialects import arith, scf
from xdsl.dialects.builtin import IndexType, ModuleOp
from xdsl.passes import ModulePass
from xdsl.rewriter import Rewriter

from tinymlir.dialects import patch


def lower_band_loop(loop: patch.BandLoopOp) -> scf.ForOp:
    """`loop` as an scf.for over its bands (index 0 .. count - 1), in its place."""
    first, end = loop.band_range
    builder = Builder(InsertPoint.before(loop))
    lower, upper, one = (builder.insert(arith.ConstantOp.from_int_and_width(v, IndexType())).result for v in (0, end - first, 1))
    body = loop.detach_region(loop.body)
    body.block.add_op(scf.YieldOp())
    lowered = builder.insert(scf.ForOp(lower, upper, one, [], body))
    loop.detach()
    loop.erase()
    return lowered


def inline_stage(stage: patch.StageOp) -> None:
    """The stage's ops in its place, its band loops as scf.for."""
    for loop in [o for o in stage.body.block.ops if isinstance(o, patch.BandLoopOp)]:
        lower_band_loop(loop)
    Rewriter.inline_block(stage.body.block, InsertPoint.before(stage))
    stage.detach()
    stage.erase()


@dataclass(frozen=True)
class ConvertPatchToScfPass(ModulePass):
    """See the module docstring."""

    name = "convert-patch-to-scf"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for stage in [o for o in op.walk() if isinstance(o, patch.StageOp)]:
            inline_stage(stage)
