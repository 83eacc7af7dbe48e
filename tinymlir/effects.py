"""xDSL's memory-effect queries (xdsl.traits.get_effects and the dce / cse helpers built on
it), answered from a memo that lives for one analysis.

Why: `get_effects` of an op with RecursiveMemoryEffect (scf.for, scf.if, mcuc.for, ...)
walks its whole body, and xDSL's dce and cse ask it of every op, up to three times, so on
C-level IR (loop nests six to ten deep) each op's effects were computed once per enclosing
loop: 40 to 60 % of those passes' time on the MLPerf models. Here each op's effects are
computed once, from its children's memoised ones.

Exactness: the answers are xDSL 0.74's. `effects` is get_effects with the recursion through
RecursiveMemoryEffect (exactly that class; a subclass may differ) going through the memo;
every other trait answers as in xDSL. A memo is valid while no op is created, erased or
moved and no trait changes, which holds for dce's liveness analysis (it erases after it)
and for cse (it only replaces uses until its erasures at the end; effects do not depend on
uses). test_xdsl_pass_replacements.py checks the passes give xDSL's IR.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet

from xdsl.ir import Operation, SSAValue
from xdsl.traits import (
    EffectInstance,
    IsTerminator,
    MemoryEffect,
    MemoryEffectKind,
    RecursiveMemoryEffect,
    SymbolOpInterface,
)


class EffectsMemo:
    """Each op's memory effects (None: unknown), computed once; and, per op class, the
    traits the queries look at (traits are class-level: Operation.has_trait is a
    classmethod)."""

    def __init__(self) -> None:
        # keyed by id: Operation.__hash__ is a Python-level method (and the op kept with its
        # entry, so an id is never reused while the memo lives)
        self._effects: dict[int, tuple[Operation, AbstractSet[EffectInstance] | None]] = {}
        self._classes: dict[type[Operation], tuple[bool, bool, list[MemoryEffect]]] = {}

    def _class_traits(self, op: Operation) -> tuple[bool, bool, list[MemoryEffect]]:
        """(is a terminator, is a symbol, its MemoryEffect traits) of `op`'s class."""
        cls = type(op)
        found = self._classes.get(cls)
        if found is None:
            found = self._classes[cls] = (
                op.has_trait(IsTerminator), op.has_trait(SymbolOpInterface), op.get_traits_of_type(MemoryEffect),
            )
        return found

    def is_terminator(self, op: Operation) -> bool:
        """op.has_trait(IsTerminator)."""
        return self._class_traits(op)[0]

    def effects(self, op: Operation) -> AbstractSet[EffectInstance] | None:
        """xdsl.traits.get_effects(op)."""
        entry = self._effects.get(id(op))
        if entry is not None:
            return entry[1]
        interfaces = self._class_traits(op)[2]
        found: set[EffectInstance] | None = set() if interfaces else None
        for interface in interfaces:
            own = self._recursive(op) if type(interface) is RecursiveMemoryEffect else interface.get_effects(op)
            if own is None:
                found = None
                break
            found.update(own)  # type: ignore[union-attr]
        self._effects[id(op)] = (op, found)
        return found

    def _recursive(self, op: Operation) -> AbstractSet[EffectInstance] | None:
        """RecursiveMemoryEffect.get_effects(op), its children's effects from the memo."""
        found: set[EffectInstance] = set()
        for region in op.regions:
            for block in region.blocks:
                for child in block.ops:
                    child_effects = self.effects(child)
                    if child_effects is None:
                        return None
                    found.update(child_effects)
        return found

    def is_side_effect_free(self, op: Operation) -> bool:
        """xdsl.traits.is_side_effect_free."""
        effects = self.effects(op)
        return effects is not None and len(effects) == 0

    def only_has_effect(self, op: Operation, kind: MemoryEffectKind) -> bool:
        """xdsl.traits.only_has_effect."""
        effects = self.effects(op)
        return effects is not None and all(e.kind == kind for e in effects)

    def result_only_effects(self, root: Operation) -> bool:
        """xdsl.transforms.dead_code_elimination.result_only_effects."""
        effects = self.effects(root)
        return effects is not None and all(
            e.kind == MemoryEffectKind.READ
            or (e.kind == MemoryEffectKind.ALLOC and isinstance(v := e.value, SSAValue) and root.is_ancestor(v.owner))
            for e in effects
        )

    def would_be_trivially_dead(self, op: Operation) -> bool:
        """xdsl.transforms.dead_code_elimination.would_be_trivially_dead."""
        terminator, symbol, _ = self._class_traits(op)  # xDSL 0.74 ignores value_if_unregistered
        return not terminator and not symbol and self.result_only_effects(op)

    def is_trivially_dead(self, op: Operation) -> bool:
        """xdsl.transforms.dead_code_elimination.is_trivially_dead."""
        return all(result.first_use is None for result in op.results) and self.would_be_trivially_dead(op)

    def writes_between(self, from_op: Operation, to_op: Operation) -> bool:
        """xdsl.transforms.common_subexpression_elimination.has_other_side_effecting_op_in_between."""
        assert from_op.parent is to_op.parent
        op = from_op
        while op is not to_op:
            effects = self.effects(op)
            if effects is None or any(e.kind is MemoryEffectKind.WRITE for e in effects):
                return True
            op = op.next_op
            assert op is not None, "Incorrect order of ops in side-effect search"
        return False
