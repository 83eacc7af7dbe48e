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
    RewritePattern,
    op_type_rewrite_pattern,
)
from xdsl.rewriter import InsertPoint

from tinymlir.dialects import mcuc
from tinymlir.ir_walk import walk_ops

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


class _Kind(NamedTuple):
    """What plan_folds asks of an op, by its class (memoised: the isinstance tests on op
    classes were a third of the pass's time)."""

    reads: bool  # _READS
    reader: bool  # _READERS
    writer: bool  # _WRITES
    call: bool  # _CALLS
    printed_at_uses: bool  # mcuc.PRINTED_AT_USES
    expression: bool  # has CExpression


_KINDS: dict[type, _Kind] = {}


def _kind(op: Operation) -> _Kind:
    kind = _KINDS.get(type(op))
    if kind is None:
        kind = _KINDS[type(op)] = _Kind(
            isinstance(op, _READS), isinstance(op, _READERS), isinstance(op, _WRITES),
            isinstance(op, _CALLS), isinstance(op, mcuc.PRINTED_AT_USES),
            op.has_trait(mcuc.CExpression),
        )
    return kind


def _users(value: SSAValue) -> list[Operation]:
    return [u.operation for u in value.uses]


def plan_folds(
    block: Block, folded: set[Operation], position: dict[Operation, int] | None = None
) -> None:
    """Adds to `folded` the ops of `block` (and of the blocks nested in it) that are
    written inside their user (the rules in the module docstring). `position`, when given,
    receives every visited op's index in its block."""
    ops = list(block.ops)
    if position is None:
        position = {}
    reads, writes = [0], [0]  # prefix counts of memory readers and writers
    for i, op in enumerate(ops):
        position[op] = i
        kind = _kind(op)
        reads.append(reads[-1] + kind.reader)
        writes.append(writes[-1] + kind.writer)
    trees: dict[Operation, _Tree] = {}
    for op in ops:
        for region in op.regions:
            for inner in region.blocks:
                plan_folds(inner, folded, position)
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
            child_kind = _kind(child)
            if child_kind.printed_at_uses:
                children = children.join(trees[child])  # subscripts: pure
                continue
            if not foldable or not child_kind.expression:
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
                first_is_call = _kind(ops[first]).call
                other_writes = writes[here] - writes[first + 1] - (tree.calls - first_is_call)
                other_reads = reads[here] - reads[first + 1] - (tree.reads - 1)
                if other_writes or (tree.calls and other_reads):
                    continue  # would move a read across a write, or a call across a read
            folded.add(child)
            children = children.join(tree)
        kind = _kind(op)
        own = _Tree(position[op] if kind.reads else None, int(kind.reads), int(kind.call))
        trees[op] = own.join(children) if children.reads or children.calls else own


def _tree_ops(
    root: Operation, folded: set[Operation], position: dict[Operation, int]
) -> list[Operation]:
    """`root` and the folded ops under it, in block order (`position`: from plan_folds)."""
    found: list[Operation] = []
    stack = [root]
    while stack:
        op = stack.pop()
        found.append(op)
        stack.extend(
            v.owner for v in op.operands if isinstance(v.owner, Operation) and v.owner in folded
        )
    return sorted(found, key=position.__getitem__)


def form_expression(
    user: Operation, root: Operation, folded: set[Operation], rewriter: PatternRewriter,
    position: dict[Operation, int],
) -> None:
    """Moves the tree under `root` into an mcuc.expression just before `user`."""
    body = Block()
    for op in _tree_ops(root, folded, position):
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
        if op.is_declaration or any(type(o) is mcuc.ExpressionOp for o in walk_ops(op)):
            return
        folded: set[Operation] = set()
        position: dict[Operation, int] = {}
        plan_folds(op.body.block, folded, position)
        if not folded:
            return
        users = [o for o in walk_ops(op) if o not in folded and o is not op]
        for user in users:
            for operand in user.operands:
                child = operand.owner
                if isinstance(child, Operation) and child in folded:
                    form_expression(user, child, folded, rewriter, position)


def _functions(module: ModuleOp):
    """The mcuc.func ops of `module` and of the modules nested in it (a function's parent
    is a module)."""
    for op in module.ops:
        if isinstance(op, mcuc.FuncOp):
            yield op
        elif isinstance(op, ModuleOp):
            yield from _functions(op)


@dataclass(frozen=True)
class McucFormExpressionsPass(ModulePass):
    """See the module docstring."""

    name = "mcuc-form-expressions"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        # The functions directly, not a walk of every op with a pattern that only matches
        # functions (a tenth of the pass's time).
        pattern = FormExpressionsInFunction()
        for function in list(_functions(op)):
            pattern.match_and_rewrite(function, PatternRewriter(function))
