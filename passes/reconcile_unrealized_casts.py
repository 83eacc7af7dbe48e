"""reconcile-unrealized-casts: xDSL's pass, visiting only the casts.

What it does
    What xDSL 0.74's `reconcile-unrealized-casts` does: each chain of
    `builtin.unrealized_conversion_cast`s that cancels out (its results' types are the
    first cast's inputs' types) is removed, its uses given the chain's inputs, by xDSL's
    own chain rule (`_try_remove_cast_chain`, warning about a chain it cannot remove), the
    casts visited in walk order, again until a round removes nothing. Registered under
    xDSL's name, so every pipeline and `-p reconcile-unrealized-casts` runs it.

Why
    xDSL's pattern walker puts every op of the module on its worklist, twice (the second
    round finds nothing), to match a pattern only casts can: on VWW's C-level module,
    14,000 ops for 4 casts (convert-memref-to-mcuc's and convert-func-to-mcuc's, one pair
    per entry-function argument). Here one walk lists the casts.

    A removal touches only the casts of its chain (every cast using a chain cast is in it)
    and their non-cast users, which no pattern matches; so visiting the casts alone leaves
    what the walker leaves (test_xdsl_pass_replacements.py compares the two on every test graph).

Cost model
    None: a cleanup.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp, UnrealizedConversionCastOp
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import PatternRewriter
from xdsl.transforms.reconcile_unrealized_casts import _try_remove_cast_chain

from tinymlir.ir_walk import walk_ops


@dataclass(frozen=True)
class ReconcileUnrealizedCastsPass(ModulePass):
    """See the module docstring."""

    name = "reconcile-unrealized-casts"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        changed = True
        while changed:
            changed = False
            for cast in [o for o in walk_ops(op) if isinstance(o, UnrealizedConversionCastOp)]:
                if cast.parent is None:  # removed with an earlier cast's chain
                    continue
                rewriter = PatternRewriter(cast)
                _try_remove_cast_chain(cast, rewriter, warn_on_failure=True)
                changed |= rewriter.has_done_action
