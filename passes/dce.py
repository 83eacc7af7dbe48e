"""dce: xDSL's dead code elimination, its effect queries memoised.

What it does
    Exactly what xDSL 0.74's `dce` does (xdsl.transforms.dead_code_elimination.region_dce:
    a liveness fixpoint over the module, then the erasure of every op and block found dead),
    in the same order. Registered under xDSL's name, so every pipeline and `-p dce` runs it.

Why
    Whether an op would be dead asks its memory effects, and the effects of a loop walk its
    whole body: on C-level IR each op's effects were computed once per enclosing loop (most
    of the pass's time). tinymlir.effects answers from a memo, valid for the analysis since
    nothing is erased before it ends.

Cost model
    None: a cleanup, linear in the ops per liveness round (two rounds when nothing is dead).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation, Region
from xdsl.passes import ModulePass
from xdsl.transforms.dead_code_elimination import LiveSet

from tinymlir.effects import EffectsMemo


@dataclass
class MemoisedLiveSet(LiveSet):
    """xDSL 0.74's LiveSet, whether an op would be dead from an EffectsMemo."""

    effects: EffectsMemo = field(default_factory=EffectsMemo)
    # the live ops by id (Operation.__hash__ is a Python-level method); none is created or
    # erased while the set lives, so no id is reused
    _live_ids: set[int] = field(default_factory=set)

    def is_live(self, op: Operation) -> bool:
        return id(op) in self._live_ids

    def set_live(self, op: Operation):
        if id(op) not in self._live_ids:
            self.changed = True
            self._live_ids.add(id(op))

    def propagate_op_liveness(self, op: Operation):
        # LiveSet.propagate_op_liveness of xDSL 0.74, line for line.
        for region in op.regions:
            self.propagate_region_liveness(region)
        if self.is_live(op):
            return
        if not self.effects.would_be_trivially_dead(op):
            self.set_live(op)
            return
        if any(self.is_live(use.operation) for result in op.results for use in result.uses):
            self.set_live(op)


def region_dce(region: Region) -> bool:
    """xdsl.transforms.dead_code_elimination.region_dce, with a MemoisedLiveSet."""
    live_set = MemoisedLiveSet()
    while live_set.changed:
        live_set.changed = False
        live_set.propagate_region_liveness(region)
    live_set.delete_dead(region, None)
    return live_set.changed


@dataclass(frozen=True)
class DeadCodeEliminationPass(ModulePass):
    """See the module docstring."""

    name = "dce"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        region_dce(op.body)
