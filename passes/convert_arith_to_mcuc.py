"""convert-arith-to-mcuc: integer arithmetic as C expressions.

What it does
    Each `arith` op on integers, i1 or index becomes the C operator with the
    same value (types are unchanged: builtin scalars are C scalars in mcuc):
    constants, + - * / %, shifts, bitwise and/or/xor (`&&` / `||` on i1),
    comparisons, `?:` for select, max/min as `a > b ? a : b`, and casts for
    extensions and truncations (`extui` goes through the unsigned type, so a
    uint8 stored as int8 widens to 0..255).

Assumes what C needs for the same result: no signed overflow (the kernels stay
within int32 / int64), shift amounts within the type width, non-negative
operands for unsigned division and remainder (tinymlir only divides index
values that are), signed comparisons. Floating point and unsigned comparisons
are refused by name: there is no float in the inference path.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import arith
from xdsl.dialects.builtin import IntegerAttr, IntegerType, ModuleOp, Signedness, i1
from xdsl.ir import Operation
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import (
    GreedyRewritePatternApplier,
    PatternRewriter,
    PatternRewriteWalker,
    RewritePattern,
)

from tinymlir.dialects import mcuc
from tinymlir.errors import PassError

_BINARY = {
    arith.AddiOp: mcuc.AddOp,
    arith.SubiOp: mcuc.SubOp,
    arith.MuliOp: mcuc.MulOp,
    arith.DivSIOp: mcuc.DivOp,
    arith.DivUIOp: mcuc.DivOp,
    arith.RemSIOp: mcuc.RemOp,
    arith.RemUIOp: mcuc.RemOp,
    arith.ShLIOp: mcuc.ShlOp,
    arith.ShRSIOp: mcuc.ShrOp,
    arith.XOrIOp: mcuc.BitwiseXorOp,
}
_PREDICATES = {0: "eq", 1: "ne", 2: "lt", 3: "le", 4: "gt", 5: "ge"}


def _unsigned(t: IntegerType) -> IntegerType:
    return IntegerType(t.width.data, Signedness.UNSIGNED)


class ArithToMcuc(RewritePattern):
    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if not op.name.startswith("arith."):
            return
        new: list[Operation]
        if isinstance(op, arith.ConstantOp):
            if not isinstance(op.value, IntegerAttr):
                raise PassError(f"convert-arith-to-mcuc: {op.name} of {op.value} is not supported (integer constants only)")
            new = [mcuc.ConstantOp(op.value)]
        elif type(op) in _BINARY:
            new = [_BINARY[type(op)](op.operands[0], op.operands[1], op.results[0].type)]
        elif isinstance(op, arith.AndIOp | arith.OrIOp):
            lhs, rhs = op.operands
            if lhs.type == i1:
                cls = mcuc.LogicalAndOp if isinstance(op, arith.AndIOp) else mcuc.LogicalOrOp
                new = [cls(lhs, rhs)]
            else:
                cls = mcuc.BitwiseAndOp if isinstance(op, arith.AndIOp) else mcuc.BitwiseOrOp
                new = [cls(lhs, rhs, op.results[0].type)]
        elif isinstance(op, arith.CmpiOp):
            predicate = op.predicate.value.data
            if predicate not in _PREDICATES:
                raise PassError("convert-arith-to-mcuc: unsigned comparisons are not supported")
            new = [mcuc.CmpOp(_PREDICATES[predicate], op.lhs, op.rhs)]
        elif isinstance(op, arith.SelectOp):
            new = [mcuc.ConditionalOp(op.cond, op.lhs, op.rhs)]
        elif isinstance(op, arith.MaxSIOp | arith.MinSIOp):
            predicate = "gt" if isinstance(op, arith.MaxSIOp) else "lt"
            cmp = mcuc.CmpOp(predicate, op.lhs, op.rhs)
            new = [cmp, mcuc.ConditionalOp(cmp.results[0], op.lhs, op.rhs)]
        elif isinstance(op, arith.ExtSIOp | arith.TruncIOp | arith.IndexCastOp):
            new = [mcuc.CastOp(op.operands[0], op.results[0].type)]
        elif isinstance(op, arith.ExtUIOp):
            source = op.operands[0].type
            if source == i1:
                new = [mcuc.CastOp(op.operands[0], op.results[0].type)]
            else:
                as_unsigned = mcuc.CastOp(op.operands[0], _unsigned(source))
                new = [as_unsigned, mcuc.CastOp(as_unsigned.dest, op.results[0].type)]
        else:
            raise PassError(f"convert-arith-to-mcuc: {op.name} is not supported (integer arithmetic only)")
        for n in new:
            for r in n.results:
                r.name_hint = op.results[0].name_hint
        rewriter.replace(op, new, [new[-1].results[0]])


@dataclass(frozen=True)
class ConvertArithToMcucPass(ModulePass):
    """See the module docstring."""

    name = "convert-arith-to-mcuc"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        PatternRewriteWalker(
            GreedyRewritePatternApplier([ArithToMcuc()], dce_enabled=False), apply_recursively=False
        ).rewrite_module(op)



