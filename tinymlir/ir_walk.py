"""A faster `Operation.walk()` for whole-module scans.

xDSL's walk is a generator per nesting level, so every op is passed up through each
enclosing loop's generator; on a C-level model (loop nests six to ten deep) collecting the
ops into a list by plain recursion takes half the time. The order is walk()'s (pre-order:
an op, then its regions' ops in order), and the list is taken before the caller looks at
it: for scans, or for rewrites that first collect what they rewrite.
"""

from __future__ import annotations

from xdsl.ir import Operation


def walk_ops(op: Operation) -> list[Operation]:
    """`op` and every op nested in it, in the order of `op.walk()`."""
    found: list[Operation] = []
    _collect(op, found)
    return found


def _collect(op: Operation, found: list[Operation]) -> None:
    found.append(op)
    for region in op.regions:
        for block in region.blocks:
            nested = block.first_op
            while nested is not None:
                _collect(nested, found)
                nested = nested.next_op
