"""Canonicalisation patterns of the qnn dialect (attached to ops by traits in dialects/qnn.py)."""

from xdsl.pattern_rewriter import PatternRewriter, RewritePattern, op_type_rewrite_pattern

from tinymlir.dialects import qnn


class FoldReshapeChain(RewritePattern):
    """reshape(reshape(x)) -> reshape(x); reshape to the same type -> x."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: qnn.ReshapeOp, rewriter: PatternRewriter) -> None:
        if op.input.type == op.output.type:
            rewriter.replace(op, [], [op.input])
            return
        producer = op.input.owner
        if isinstance(producer, qnn.ReshapeOp):
            rewriter.replace(op, qnn.ReshapeOp(producer.input, op.output.type))


class FoldTransposeChain(RewritePattern):
    """transpose(transpose(x)) -> one transpose; the identity permutation -> x."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: qnn.TransposeOp, rewriter: PatternRewriter) -> None:
        perm = tuple(op.perm.get_values())
        if perm == tuple(range(len(perm))):
            rewriter.replace(op, [], [op.input])
            return
        producer = op.input.owner
        if isinstance(producer, qnn.TransposeOp):
            inner = tuple(producer.perm.get_values())
            rewriter.replace(
                op, qnn.TransposeOp(producer.input, op.output.type, [inner[p] for p in perm])
            )


class FoldIdentityRequantize(RewritePattern):
    """requantize to the same parameters without a clamp is the identity."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: qnn.RequantizeOp, rewriter: PatternRewriter) -> None:
        if op.clamp is None and op.input.type == op.output.type:
            rewriter.replace(op, [], [op.input])
