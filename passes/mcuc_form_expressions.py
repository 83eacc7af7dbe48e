"""mcuc-form-expressions: decides which values the C printer writes inside their user.

What it does
    Wraps every tree of C operators, casts, loads and calls that can be written
    inside its user in an `mcuc.expression` placed just before that user, as
    upstream MLIR's `form-expressions` does for emitc. The `-t c` printer then
    prints an expression at its use and every other value as a `const` local.
    A value is folded into its user when:
    * it is an op with CExpression, with one result used once, by an op in the
      same block (never across regions: a loop body runs many times);
    * moving its evaluation to the user keeps its meaning: a tree that reads
      memory (loads, calls) is not moved across a write (assignments, calls,
      loops, ifs, verbatim text), a call is not moved across any other memory
      access, and a call never becomes a sibling operand of another memory
      access (C leaves the order of operands open);
    * its user evaluates it once: the bound and step of a loop (re-evaluated on
      every iteration) and the indices of a subscript (printed at each of its
      uses, so only when all of them are in this block) only take trees that
      read no memory.
    Constants, literals, globals and subscripts are names, printed at each use
    anyway (mcuc.PRINTED_AT_USES); they stay outside expressions. Precedence and
    parentheses are the printer's job.

Assumes mcuc IR whose dead values are gone (mcuc-drop-dead-values first: an unused
value still counts as a use and blocks folding). Runs once: a function that already
holds mcuc.expression ops is left as it is (its expressions' reads are not re-counted).

Cost model: none in the machine code (the C compiler sees the same dataflow); it
decides only how many statements and named locals the C has. One pass over each
block with prefix counts of memory readers and writers: linear in the ops.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Block, Operation, SSAValue
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import (
    PatternRewriter,
    PatternRewriteWalker,
    RewritePattern,
    op_type_rewrite_pattern,
)
from xdsl.rewriter import InsertPoint

from tinymlir.dialects import mcuc

_CALLS = (mcuc.CallOp, mcuc.CallOpaqueOp)
_READS = (mcuc.LoadOp, mcuc.LoadS8x4Op, *_CALLS)
_WRITES = (mcuc.AssignOp, *_CALLS, mcuc.ForOp, mcuc.IfOp, mcuc.VerbatimOp)
_READERS = (*_READS, mcuc.ForOp, mcuc.IfOp, mcuc.VerbatimOp)


class _Tree(NamedTuple):
    """What a folded tree does: its first memory read (position in the block), the
    number of reads and of calls."""

    first_read: int | None = None
    reads: int = 0
    calls: int = 0

    def join(self, other: _Tree) -> _Tree:
        firsts = [p for p in (self.first_read, other.first_read) if p is not None]
        return _Tree(
            min(firsts) if firsts else None, self.reads + other.reads, self.calls + other.calls
        )


def _users(value: SSAValue) -> list[Operation]:
    return [u.operation for u in value.uses]


def plan_folds(block: Block, folded: set[Operation]) -> None:
    """Adds to `folded` the ops of `block` (and of the blocks nested in it) that are
    written inside their user (the rules in the module docstring)."""
    ops = list(block.ops)
    position = {op: i for i, op in enumerate(ops)}
    reads, writes = [0], [0]  # prefix counts of memory readers and writers
    for op in ops:
        reads.append(reads[-1] + isinstance(op, _READERS))
        writes.append(writes[-1] + isinstance(op, _WRITES))
    trees: dict[Operation, _Tree] = {}
    for op in ops:
        for region in op.regions:
            for inner in region.blocks:
                plan_folds(inner, folded)
        if isinstance(op, mcuc.SubscriptOp):
            pure_only = True
            foldable = all(u.parent is block for u in _users(op.result))
        else:
            pure_only, foldable = False, True
        children = _Tree()
        for index, operand in enumerate(op.operands):
            child = operand.owner
            if not isinstance(child, Operation) or child.parent is not block:
                continue
            if isinstance(child, mcuc.PRINTED_AT_USES):
                children = children.join(trees[child])  # subscripts: pure
                continue
            if not foldable or not child.has_trait(mcuc.CExpression):
                continue
            if len(child.results) != 1 or _users(operand) != [op]:
                continue
            tree = trees[child]
            if tree.reads and (pure_only or (isinstance(op, mcuc.ForOp) and index > 0)):
                continue  # C re-evaluates loop bounds and steps on every iteration
            if (tree.calls and children.reads) or (tree.reads and children.calls):
                continue  # C leaves the order of sibling operands unspecified
            if tree.first_read is not None:
                # Memory accesses strictly between the tree's first read and `op`,
                # other than the tree's own (all of which lie there).
                first, here = tree.first_read, position[op]
                first_is_call = isinstance(ops[first], _CALLS)
                other_writes = writes[here] - writes[first + 1] - (tree.calls - first_is_call)
                other_reads = reads[here] - reads[first + 1] - (tree.reads - 1)
                if other_writes or (tree.calls and other_reads):
                    continue  # would move a read across a write, or a call across a read
            folded.add(child)
            children = children.join(tree)
        is_read = isinstance(op, _READS)
        own = _Tree(position[op] if is_read else None, int(is_read), int(isinstance(op, _CALLS)))
        trees[op] = own.join(children)


def _tree_ops(root: Operation, folded: set[Operation]) -> list[Operation]:
    """`root` and the folded ops under it, in block order."""
    found: list[Operation] = []
    stack = [root]
    while stack:
        op = stack.pop()
        found.append(op)
        stack.extend(
            v.owner for v in op.operands if isinstance(v.owner, Operation) and v.owner in folded
        )
    block = root.parent
    assert block is not None
    return sorted(found, key=block.get_operation_index)


def form_expression(
    user: Operation, root: Operation, folded: set[Operation], rewriter: PatternRewriter
) -> None:
    """Moves the tree under `root` into an mcuc.expression just before `user`."""
    body = Block()
    for op in _tree_ops(root, folded):
        op.detach()
        body.add_op(op)
    value = root.results[0]
    body.add_op(mcuc.YieldOp(value))
    expression = mcuc.ExpressionOp(body)
    rewriter.insert(expression, InsertPoint.before(user))
    rewriter.replace_uses_with_if(value, expression.result, lambda use: use.operation is user)


class FormExpressionsInFunction(RewritePattern):
    """All of a function's expressions at once: whether a tree may move to its user
    depends on every memory access between them in the block."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: mcuc.FuncOp, rewriter: PatternRewriter) -> None:
        if op.is_declaration or any(isinstance(o, mcuc.ExpressionOp) for o in op.walk()):
            return
        folded: set[Operation] = set()
        plan_folds(op.body.block, folded)
        if not folded:
            return
        users = [o for o in op.walk() if o not in folded and o is not op]
        for user in users:
            for operand in user.operands:
                child = operand.owner
                if isinstance(child, Operation) and child in folded:
                    form_expression(user, child, folded, rewriter)


@dataclass(frozen=True)
class McucFormExpressionsPass(ModulePass):
    """See the module docstring."""

    name = "mcuc-form-expressions"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        PatternRewriteWalker(FormExpressionsInFunction(), apply_recursively=False).rewrite_module(
            op
        )
