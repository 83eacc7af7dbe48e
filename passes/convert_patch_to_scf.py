"""convert-patch-to-scf: inline each `patch.stage` and make its band loops `scf.for`s.

What it does
    Each `patch.band_loop` over bands [first, end) becomes `scf.for %band = 0 to
    end - first step 1` with the same body (and an `scf.yield`), each `patch.guard` in it
    over bands [lo, hi) an `scf.if` on lo - first <= %band < hi - first (a bound that is
    the loop's own is not tested); then each `patch.stage`'s
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


def lower_guard(guard: patch.GuardOp, first: int, end: int) -> scf.IfOp:
    """`guard` (in a band loop over bands [first, end)) as an scf.if on the loop index."""
    lo, hi = guard.band_range
    builder = Builder(InsertPoint.before(guard))
    tests = []
    for bound, predicate in ((lo, "sge"), (hi, "slt")):
        if bound not in (first, end):
            limit = builder.insert(arith.ConstantOp.from_int_and_width(bound - first, IndexType())).result
            tests.append(builder.insert(arith.CmpiOp(guard.band, limit, predicate)).result)
    if not tests:  # the whole loop: a true condition keeps the form uniform
        tests.append(builder.insert(arith.ConstantOp.from_int_and_width(1, 1)).result)
    condition = tests[0] if len(tests) == 1 else builder.insert(arith.AndIOp(*tests)).result
    body = guard.detach_region(guard.body)
    body.block.add_op(scf.YieldOp())
    lowered = builder.insert(scf.IfOp(condition, [], body))
    guard.detach()
    guard.erase()
    return lowered


def lower_band_loop(loop: patch.BandLoopOp) -> scf.ForOp:
    """`loop` as an scf.for over its bands (index 0 .. count - 1), in its place."""
    first, end = loop.band_range
    for guard in [o for o in loop.body.block.ops if isinstance(o, patch.GuardOp)]:
        lower_guard(guard, first, end)
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
