"""convert-arith-to-mcuc: integer and f32 arithmetic as C expressions.

What it does
    Each `arith` op on integers, i1 or index becomes the C operator with the
    same value (types are unchanged: builtin scalars are C scalars in mcuc):
    constants, + - * / %, shifts, bitwise and/or/xor (`&&` / `||` on i1),
    comparisons, `?:` for select, max/min as `a > b ? a : b`, and casts for
    extensions and truncations (`extui` goes through the unsigned type, so a
    uint8 stored as int8 widens to 0..255).
    f32 ops (left by arith-emulate-f32{hard-float=true}) become C `float`
    expressions: constants (printed so that they read back exactly), + - * /,
    unary minus, comparisons (`une` is `!=`, the other unordered predicates
    are the negated ordered one), `sitofp` / `fptosi` casts, and
    maximumf / minimumf as `a > b ? a : b` / `a < b ? a : b`.
    `math.ctlz` on i32 / i64 (count leading zeros, as arith-emulate-f32 emits it)
    becomes a call of a `static inline` helper printed once at the top of the
    file: `__builtin_clz` (zero guarded: the builtin is undefined there) under
    GCC / Clang with a 32-bit int, a branch-only C99 fallback otherwise.

Assumes what C needs for the same result: no signed overflow (the kernels stay
within int32 / int64), shift amounts within the type width, non-negative
operands for unsigned division and remainder (tinymlir only divides index
values that are), signed comparisons. For f32: C evaluates float expressions
in float (FLT_EVAL_METHOD 0, as on Cortex-M4F and x86-64) and does not
contract a * b + c into a fused multiply-add (ISO C modes such as -std=c99 do
not; -std=gnu99 would need -ffp-contract=off); fptosi operands are in the int32
range; maximumf / minimumf operands are never NaN and a -0 / +0 pair may come
back in either order (the lowering only rounds their result to an integer).
f64 (no `double` on the target) and unsigned comparisons are refused by name.

Cost model: one C operator per op; on a Cortex-M4F each f32 op is one FPU
instruction (VADD/VMUL/VDIV/VCVT/VCMP), max/min a compare and a conditional move.
ctlz is one CLZ on ARMv7-M (GCC folds the zero guard: CLZ gives 32 for 0), two
compares and a CLZ on i64; the portable fallback is about 15 instructions.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import arith, math
from xdsl.dialects.builtin import (
    AnyFloat,
    Float32Type,
    FloatAttr,
    IntegerAttr,
    IntegerType,
    ModuleOp,
    Signedness,
    i1,
)
from xdsl.ir import Operation
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import (
    PatternRewriter,
    RewritePattern,
    op_type_rewrite_pattern,
)

from tinymlir.dialects import mcuc
from tinymlir.errors import PassError
from tinymlir.ir_walk import walk_ops

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
# Count leading zeros: one unsigned helper, a wrapper per width. The builtin's argument
# is unsigned int, hence the 32-bit int condition; 0 is guarded (the builtin is undefined
# there; on ARM, GCC folds the guard away since CLZ gives 32).
CLZ_BASE = """static inline int32_t tinymlir_clz_u32(uint32_t v)
{
#if (defined(__GNUC__) || defined(__clang__)) && defined(__SIZEOF_INT__) && __SIZEOF_INT__ == 4
    return v == 0u ? 32 : (int32_t)__builtin_clz(v);
#else
    int32_t n = 0;
    if (v == 0u)
        return 32;
    if (v <= 0xFFFFu) { n += 16; v <<= 16; }
    if (v <= 0xFFFFFFu) { n += 8; v <<= 8; }
    if (v <= 0xFFFFFFFu) { n += 4; v <<= 4; }
    if (v <= 0x3FFFFFFFu) { n += 2; v <<= 2; }
    if (v <= 0x7FFFFFFFu) n += 1;
    return n;
#endif
}"""
CLZ_HELPERS = {
    32: ("tinymlir_clz32", """static inline int32_t tinymlir_clz32(int32_t x)
{
    return tinymlir_clz_u32((uint32_t)x);
}"""),
    64: ("tinymlir_clz64", """static inline int64_t tinymlir_clz64(int64_t x)
{
    uint64_t v = (uint64_t)x;
    uint32_t high = (uint32_t)(v >> 32);
    return high != 0u ? tinymlir_clz_u32(high) : 32 + tinymlir_clz_u32((uint32_t)v);
}"""),
}
_PREDICATES = {0: "eq", 1: "ne", 2: "lt", 3: "le", 4: "gt", 5: "ge"}
_FLOAT_BINARY = {
    arith.AddfOp: mcuc.AddOp,
    arith.SubfOp: mcuc.SubOp,
    arith.MulfOp: mcuc.MulOp,
    arith.DivfOp: mcuc.DivOp,
}
# cmpf predicate -> (C comparison of the ordered predicate, negate): C's comparisons are
# false on NaN (ordered) except `!=`, which is true on NaN (une).
_FLOAT_PREDICATES = {
    "oeq": ("eq", False), "ogt": ("gt", False), "oge": ("ge", False), "olt": ("lt", False),
    "ole": ("le", False), "une": ("ne", False), "ueq": ("ne", True), "ugt": ("le", True),
    "uge": ("lt", True), "ult": ("ge", True), "ule": ("gt", True),
}  # fmt: skip


def _is_float(t) -> bool:
    return isinstance(t, AnyFloat)


#: Whether a type class is a float type other than f32 (memoised: isinstance against the
#: AnyFloat union, for every operand and result, was a tenth of the pass's time).
_OTHER_FLOAT: dict[type, bool] = {}


def _is_other_float(t) -> bool:
    cls = type(t)
    if cls not in _OTHER_FLOAT:
        _OTHER_FLOAT[cls] = _is_float(t) and not isinstance(t, Float32Type)
    return _OTHER_FLOAT[cls]


def _unsigned(t: IntegerType) -> IntegerType:
    return IntegerType(t.width.data, Signedness.UNSIGNED)


class CountLeadingZerosToCall(RewritePattern):
    """math.ctlz -> a call of the width's helper; records the widths used."""

    def __init__(self):
        self.widths: set[int] = set()

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: math.CountLeadingZerosOp, rewriter: PatternRewriter) -> None:
        t = op.result.type
        if not isinstance(t, IntegerType) or t.width.data not in CLZ_HELPERS:
            raise PassError(f"convert-arith-to-mcuc: math.ctlz on {t} is not supported (i32 and i64 only)")
        self.widths.add(t.width.data)
        call = mcuc.CallOpaqueOp(CLZ_HELPERS[t.width.data][0], [op.operand], [t])
        call.results[0].name_hint = op.result.name_hint
        rewriter.replace(op, [call], [call.results[0]])


class ArithToMcuc(RewritePattern):
    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if not op.name.startswith("arith."):
            return
        new: list[Operation]
        if any(_is_other_float(v.type) for v in (*op.operands, *op.results)):
            raise PassError(f"convert-arith-to-mcuc: {op.name} is not supported (f32 is the only float type)")
        if isinstance(op, arith.ConstantOp):
            if isinstance(op.value, FloatAttr) and isinstance(op.value.type, Float32Type):
                new = [mcuc.ConstantOp(op.value)]
            elif isinstance(op.value, IntegerAttr):
                new = [mcuc.ConstantOp(op.value)]
            else:
                raise PassError(f"convert-arith-to-mcuc: {op.name} of {op.value} is not supported (integer and f32 constants only)")
        elif type(op) in _BINARY:  # the most frequent; disjoint from the cases below
            new = [_BINARY[type(op)](op.operands[0], op.operands[1], op.results[0].type)]
        elif type(op) in _FLOAT_BINARY:
            new = [_FLOAT_BINARY[type(op)](op.operands[0], op.operands[1], op.results[0].type)]
        elif isinstance(op, arith.NegfOp):
            new = [mcuc.UnaryMinusOp(op.operand)]
        elif isinstance(op, arith.CmpfOp):
            predicate = arith.CMPF_COMPARISON_OPERATIONS[op.predicate.value.data]
            if predicate not in _FLOAT_PREDICATES:
                raise PassError(f"convert-arith-to-mcuc: arith.cmpf {predicate} is not supported")
            c_predicate, negate = _FLOAT_PREDICATES[predicate]
            new = [mcuc.CmpOp(c_predicate, op.lhs, op.rhs)]
            if negate:
                new.append(mcuc.LogicalNotOp(new[0].results[0]))
        elif isinstance(op, arith.MaximumfOp | arith.MinimumfOp):
            # Not IEEE maximum/minimum for NaN or a -0/+0 pair: see the module docstring.
            predicate = "gt" if isinstance(op, arith.MaximumfOp) else "lt"
            cmp = mcuc.CmpOp(predicate, op.lhs, op.rhs)
            new = [cmp, mcuc.ConditionalOp(cmp.results[0], op.lhs, op.rhs)]
        elif isinstance(op, arith.SIToFPOp | arith.FPToSIOp):
            new = [mcuc.CastOp(op.operands[0], op.results[0].type)]
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
            raise PassError(f"convert-arith-to-mcuc: {op.name} is not supported (integer and f32 arithmetic only)")
        for n in new:
            for r in n.results:
                r.name_hint = op.results[0].name_hint
        rewriter.replace(op, new, [new[-1].results[0]])


@dataclass(frozen=True)
class ConvertArithToMcucPass(ModulePass):
    """See the module docstring."""

    name = "convert-arith-to-mcuc"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        clz = CountLeadingZerosToCall()
        to_mcuc = ArithToMcuc()
        # One walk over a snapshot of the ops instead of a pattern walker's worklist: each
        # rewrite replaces only its op, in place, by mcuc ops no pattern matches, so the
        # walker would visit the same ops in the same order; only a quarter of a C-level
        # module is arith, and the rest is skipped without building a rewriter.
        for inner in walk_ops(op):
            if inner.name.startswith("arith."):
                pattern = to_mcuc
            elif isinstance(inner, math.CountLeadingZerosOp):
                pattern = clz
            else:
                continue
            try:
                pattern.match_and_rewrite(inner, PatternRewriter(inner))
            except Exception as err:  # reported as xDSL's walker reports it: at the op
                inner.emit_error(f"Error while applying pattern: {err}", underlying_error=err)
        helpers = [CLZ_BASE] if clz.widths else []
        helpers += [CLZ_HELPERS[w][1] for w in sorted(clz.widths)]
        for text in reversed(helpers):  # at the top, before any function that calls them
            op.body.block.insert_op_before(mcuc.VerbatimOp(text), op.body.block.first_op)



