"""cse: xDSL's common subexpression elimination, its effect queries memoised.

What it does
    Exactly what xDSL 0.74's `cse` does (xdsl.transforms.common_subexpression_elimination:
    merges an op into an equal one that dominates it in scope, when both are free of side
    effects or only read with no write between them; erases trivially dead ops), with the
    same order of visits and the same erasures. Registered under xDSL's name, so every
    pipeline and `-p cse` runs it.

Why
    xDSL's CSE asks each op's memory effects up to three times, and the effects of a loop
    walk its whole body: on C-level IR each op's effects were computed once per enclosing
    loop (about half of the pass's time). tinymlir.effects answers from a memo, valid for
    the whole pass since CSE only replaces uses until it erases, at the end.

Cost model
    None: a cleanup, linear in the ops (with xDSL's scoped known-op tables).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation
from xdsl.passes import ModulePass
from xdsl.traits import MemoryEffectKind
from xdsl.transforms.common_subexpression_elimination import CSEDriver, OperationInfo

from tinymlir.effects import EffectsMemo


class _HashedOperationInfo(OperationInfo):
    """An OperationInfo hashed once (xDSL hashes its attributes, properties, types and
    operands at every lookup). Valid while it is a key: CSE never changes the operands of
    an op it knows (_replace_and_delete replaces a result only where no known op uses it)."""

    def __init__(self, op: Operation) -> None:
        super().__init__(op)
        self._hash = OperationInfo.__hash__(self)

    def __hash__(self) -> int:
        return self._hash


@dataclass
class MemoisedCSEDriver(CSEDriver):
    """xDSL 0.74's CSEDriver, its effect queries from an EffectsMemo."""

    effects: EffectsMemo = field(default_factory=EffectsMemo)

    def _simplify_operation(self, op: Operation):
        # CSEDriver._simplify_operation of xDSL 0.74, line for line, but for the known-op
        # table's key, made and hashed once (the table's dict: KnownOps.get and
        # __setitem__ would wrap and hash the op again).
        if self.effects.is_terminator(op):
            return
        if self.effects.is_trivially_dead(op):
            self._mark_erasure(op)
            return
        if any(len(region.blocks) > 1 for region in op.regions):
            return
        if not self.effects.is_side_effect_free(op):
            if not self.effects.only_has_effect(op, MemoryEffectKind.READ):
                return
            key = _HashedOperationInfo(op)
            if existing := self._known_ops._known_ops.get(key):
                if op.parent_block() is existing.parent_block() and not self.effects.writes_between(existing, op):
                    self._replace_and_delete(op, existing)
                    return
            self._known_ops._known_ops[key] = op
            return
        key = _HashedOperationInfo(op)
        if existing := self._known_ops._known_ops.get(key):
            self._replace_and_delete(op, existing)
            return
        self._known_ops._known_ops[key] = op


@dataclass(frozen=True)
class CommonSubexpressionEliminationPass(ModulePass):
    """See the module docstring."""

    name = "cse"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        MemoisedCSEDriver().simplify(op)
