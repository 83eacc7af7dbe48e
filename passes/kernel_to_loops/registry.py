"""The registry of kernel lowerings: (op class, target or CPU name) -> RewritePattern."""

from __future__ import annotations

from abc import abstractmethod

from xdsl.builder import InsertPoint
from xdsl.dialects import memref
from xdsl.dialects.builtin import IntegerAttr, StringAttr, i64
from xdsl.ir import Operation
from xdsl.pattern_rewriter import PatternRewriter, RewritePattern

from tinymlir.dialects import kernel as qk
from tinymlir.layers import LAYER_DOC_ATTR, LAYER_INDEX_ATTR
from tinymlir.scalar_builder import ScalarBuilder

GENERIC = "generic"
_LOWERINGS: dict[tuple[type[Operation], str], RewritePattern] = {}


class KernelLowering(RewritePattern):
    """Replaces one op (of the class it is registered for) by its loop nest, built before it
    with a ScalarBuilder; the stores into a kernel's output get the layer's tags (the C
    backend puts the layer's comment before them and its hook after them)."""

    @abstractmethod
    def lower(self, k: ScalarBuilder, op: Operation) -> None:
        """Builds the loops of `op` with `k` (its insertion point is before `op`)."""

    def applies(self, op: Operation) -> bool:
        """Whether this lowering handles `op`. A target's specialisation (e.g. only 1x1
        convolutions) says no to the rest, which then get the generic lowering."""
        return True

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        before = op.prev_op
        builder = ScalarBuilder(InsertPoint.before(op))
        self.lower(builder, op)
        builder.constants.drop_unused()
        if isinstance(op, qk.KernelOp):
            tag_layer(op, before)
        rewriter.erase(op)


def tag_layer(op: qk.KernelOp, before: Operation | None) -> None:
    block = op.parent_block()
    assert block is not None
    current = before.next_op if before is not None else block.first_op
    index, doc = IntegerAttr(op.layer.value.data, i64), StringAttr(op.describe())
    while current is not None and current is not op:
        for inner in current.walk():
            if isinstance(inner, memref.StoreOp) and inner.memref is op.outs:
                inner.attributes[LAYER_INDEX_ATTR] = index
                inner.attributes[LAYER_DOC_ATTR] = doc
        current = current.next_op


def lowering(op_class: type[Operation], target: str = GENERIC):
    """Class decorator: registers a KernelLowering for `op_class` on `target`."""

    def register(cls: type[KernelLowering]) -> type[KernelLowering]:
        key = (op_class, target)
        if key in _LOWERINGS:
            raise ValueError(f"a lowering of {op_class.name} for target '{target}' is already registered")
        _LOWERINGS[key] = cls()
        return cls

    return register


def lowering_for(op: Operation, target: str, cpu: str | None = None) -> RewritePattern | None:
    """The target's own lowering of `op` if it applies to it, else its CPU's (a lowering
    registered for `cortex-m4` serves every target whose [cpu] name is cortex-m4, e.g.
    cortex-m4-speed), else the generic one, else None."""
    names = [target, *([cpu] if cpu and cpu != target else []), GENERIC]
    for key in ((type(op), name) for name in names):
        pattern = _LOWERINGS.get(key)
        if pattern is not None and (not isinstance(pattern, KernelLowering) or pattern.applies(op)):
            return pattern
    return None


def registered() -> list[tuple[str, str]]:
    """(op name, target) of every registered lowering."""
    return sorted((cls.name, target) for cls, target in _LOWERINGS)
