"""mcuc-drop-dead-values: erases C expressions whose value nobody uses.

What it does
    Erases every op in a function body whose results are unused and that has no
    effect beyond its results: operators, casts, constants, literals, globals,
    subscripts and loads (a read changes nothing), repeatedly, so that a tree
    that only fed dead values goes too. Calls, assignments, variables, loops,
    ifs and verbatim text stay: they may write memory or are statements.

Assumes mcuc IR (after convert-func-to-mcuc and reconcile-unrealized-casts).
The ops' memory-effect traits say what may go (xDSL's `is_trivially_dead`).

Cost model: none in the generated code beyond fewer statements; the C compiler
would drop these values too, but `-Wunused-variable` would reject the C first.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import PatternRewriter, PatternRewriteWalker, RewritePattern
from xdsl.transforms.dead_code_elimination import is_trivially_dead

from tinymlir.dialects import mcuc


class DropDeadValue(RewritePattern):
    """Erases an unused, effect-free op inside an mcuc.func (any op: the decision is
    its memory-effect traits, as in xDSL's RemoveUnusedOperations)."""

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if op.parent is None or isinstance(op, mcuc.FuncOp) or not is_trivially_dead(op):
            return
        if isinstance(op.parent_op(), ModuleOp):
            return  # module-level ops are declarations, not values
        rewriter.erase(op)


@dataclass(frozen=True)
class McucDropDeadValuesPass(ModulePass):
    """See the module docstring."""

    name = "mcuc-drop-dead-values"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        # Post-order from the end of each block: users go before what they use, so
        # a dead tree goes in one sweep; the walker repeats until nothing changes.
        PatternRewriteWalker(DropDeadValue(), walk_reverse=True).rewrite_module(op)
