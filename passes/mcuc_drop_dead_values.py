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

from tinymlir.dialects import mcuc
from tinymlir.effects import EffectsMemo


@dataclass(frozen=True)
class McucDropDeadValuesPass(ModulePass):
    """See the module docstring."""

    name = "mcuc-drop-dead-values"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        # Post-order from the end of each block: users go before what they use, so a dead
        # tree goes in one sweep; sweeps repeat until nothing changes (what is dead does
        # not depend on the order: the same result as a pattern walker, without its
        # worklist of every op, twice).
        # One memo for every sweep: an erased op only read or allocated its own values,
        # so an enclosing loop's effects lose a READ or an own ALLOC, which changes no
        # answer of result_only_effects (every effect must be one of those).
        effects = EffectsMemo()
        while _drop_dead_in(op, effects):
            pass


def _drop_dead_in(root: Operation, effects: EffectsMemo) -> bool:
    """Erases the unused, effect-free ops nested in `root` inside an mcuc.func (any op:
    the decision is its memory-effect traits, as in xDSL's RemoveUnusedOperations), in one
    sweep (blocks from their end, an op's regions before the op); whether any was."""
    erased = False
    for region in root.regions:
        for block in region.blocks:
            op = block.last_op
            while op is not None:
                before = op.prev_op
                if op.regions:
                    erased |= _drop_dead_in(op, effects)
                if (
                    not isinstance(op, mcuc.FuncOp)
                    and not isinstance(root, ModuleOp)  # module-level ops are declarations
                    and effects.is_trivially_dead(op)
                ):
                    block.erase_op(op)
                    erased = True
                op = before
    return erased
