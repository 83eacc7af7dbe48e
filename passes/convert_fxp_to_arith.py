"""convert-fxp-to-arith: implement the fxp fixed-point primitives with arith.

What it does
    Every `fxp` op becomes a `func.call` to a private helper function (one per
    primitive and parameter, created once per module, marked `tinymlir.inline`
    so the C backend prints it `static inline`). The helpers are written in
    `arith` on i32 / i64 exactly as TFLM's C++ (gemmlowp's fixedpoint.h and
    TFLite's common.h, default double rounding): the 64-bit product of the
    doubling high multiply, C truncating division, selects instead of branches.
    `tinymlir.fixedpoint` is the executable specification they are tested against.

Assumes i32 operands as the fxp verifiers require; shift amounts in
[-31, 31] and exponents in [0, 31] as TFLM's kernels guarantee. Values that
could overflow int32 in C are computed in i64.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp, UnitAttr, i32, i64
from xdsl.ir import Block, Operation, Region, SSAValue
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import (
    GreedyRewritePatternApplier,
    PatternRewriter,
    PatternRewriteWalker,
    RewritePattern,
)

from tinymlir.dialects import fxp
from tinymlir.scalar_builder import ScalarBuilder

INT32_MIN, INT32_MAX = -(1 << 31), (1 << 31) - 1
INLINE_ATTR = "tinymlir.inline"


@dataclass
class Helpers:
    """Creates the helper functions on demand, once per module."""

    module: ModuleOp

    def __post_init__(self) -> None:
        self.functions: dict[str, func.FuncOp] = {
            f.sym_name.data: f for f in self.module.ops if isinstance(f, func.FuncOp)
        }

    def get(self, name: str, n_args: int, body) -> func.FuncOp:
        if name in self.functions:
            return self.functions[name]
        block = Block(arg_types=[i32] * n_args)
        a = ScalarBuilder.at_end(block)
        result = body(self, a, *block.args)
        a.builder.insert(func.ReturnOp(result))
        function = func.FuncOp(name, ([i32] * n_args, [i32]), Region(block), "private")
        function.attributes[INLINE_ATTR] = UnitAttr()
        self.module.body.block.insert_op_before(function, self.module.body.block.first_op)
        self.functions[name] = function
        return function

    def call(self, a: ScalarBuilder, name: str, args, body) -> SSAValue:
        function = self.get(name, len(args), body)
        return a.emit(func.CallOp(function.sym_name.data, list(args), [i32]))

    # -- gemmlowp / TFLite primitives -------------------------------------- #
    def srdhm(self, a: ScalarBuilder, x, y) -> SSAValue:
        def body(h, b: ScalarBuilder, x, y):
            overflow = b.band(b.cmp(x, y, "eq"), b.cmp(x, b.c(INT32_MIN), "eq"))
            ab = b.mul(b.wide(x), b.wide(y))
            nudge = b.select(b.cmp(ab, b.c(0, i64), "sge"), b.c(1 << 30, i64), b.c(1 - (1 << 30), i64))
            high = b.narrow(b.div(b.add(ab, nudge), b.c(1 << 31, i64)))
            return b.select(overflow, b.c(INT32_MAX), high)

        return self.call(a, "tinymlir_saturating_rounding_doubling_high_mul", [x, y], body)

    def rdbpot(self, a: ScalarBuilder, x, exponent) -> SSAValue:
        def body(h, b: ScalarBuilder, x, e):
            one = b.c(1)
            # (1 << 31) overflows int32 in C: build the mask in 64 bits, as TFLM's
            # `(1ll << exponent) - 1` does.
            wide_one = b.c(1, i64)
            mask = b.narrow(b.sub(b.shl(wide_one, b.wide(e)), wide_one))
            remainder = b.band(x, mask)
            threshold = b.add(b.shr(mask, one), b.flag(b.cmp(x, b.c(0), "slt")))
            return b.add(b.shr(x, e), b.flag(b.cmp(remainder, threshold, "sgt")))

        return self.call(a, "tinymlir_rounding_divide_by_pot", [x, exponent], body)

    def mbqm(self, a: ScalarBuilder, x, multiplier, shift) -> SSAValue:
        def body(h: Helpers, b: ScalarBuilder, x, m, s):
            zero = b.c(0)
            left = b.max(s, zero)
            right = b.max(b.sub(zero, s), zero)
            shifted = b.mul(x, b.shl(b.c(1), left))
            return h.rdbpot(b, h.srdhm(b, shifted, m), right)

        return self.call(a, "tinymlir_multiply_by_quantized_multiplier", [x, multiplier, shift], body)

    def sat_mul_pot(self, a: ScalarBuilder, x, exponent: int) -> SSAValue:
        """gemmlowp SaturatingRoundingMultiplyByPOT<exponent> (compile-time exponent), inline."""
        if exponent == 0:
            return x
        if exponent < 0:
            return self.rdbpot(a, x, a.c(-exponent))
        threshold = (1 << (31 - exponent)) - 1
        shifted = a.narrow(a.mul(a.wide(x), a.c(1 << exponent, i64)))
        result = a.select(a.cmp(x, a.c(threshold), "sgt"), a.c(INT32_MAX), shifted)
        return a.select(a.cmp(x, a.c(-threshold), "slt"), a.c(INT32_MIN), result)

    def exp_quarter(self, a: ScalarBuilder, value) -> SSAValue:
        """exp_on_interval_between_negative_one_quarter_and_0_excl (F0 -> F0)."""

        def body(h: Helpers, b: ScalarBuilder, v):
            constant_term = b.c(1895147668)
            x = b.add(v, b.c(1 << 28))
            x2 = h.srdhm(b, x, x)
            x3 = h.srdhm(b, x2, x)
            x4 = h.srdhm(b, x2, x2)
            x4_over_4 = h.sat_mul_pot(b, x4, -2)
            inner = b.add(h.srdhm(b, b.add(x4_over_4, x3), b.c(715827883)), x2)
            poly = h.sat_mul_pot(b, inner, -1)
            return b.add(constant_term, h.srdhm(b, constant_term, b.add(x, poly)))

        return self.call(a, "tinymlir_exp_on_interval_between_negative_one_quarter_and_0_excl", [value], body)

    def exp_on_negative_values(self, a: ScalarBuilder, value, integer_bits: int) -> SSAValue:
        def body(h: Helpers, b: ScalarBuilder, v):
            fractional = 31 - integer_bits
            one_quarter = 1 << (fractional - 2)
            a_mod = b.sub(b.band(v, b.c(one_quarter - 1)), b.c(one_quarter))
            result = h.exp_quarter(b, h.sat_mul_pot(b, a_mod, integer_bits))
            remainder = b.sub(a_mod, v)
            barrel = ((-2, 1672461947), (-1, 1302514674), (0, 790015084), (1, 290630308),
                      (2, 39332535), (3, 720401), (4, 242))
            for exponent, multiplier in barrel:
                if integer_bits > exponent:
                    bit = b.cmp(b.band(remainder, b.c(1 << (fractional + exponent))), b.c(0), "ne")
                    result = b.select(bit, h.srdhm(b, result, b.c(multiplier)), result)
            if integer_bits > 5:
                below = b.cmp(v, b.c(-(1 << (36 - integer_bits))), "slt")
                result = b.select(below, b.c(0), result)
            return b.select(b.cmp(v, b.c(0), "eq"), b.c(INT32_MAX), result)

        return self.call(a, f"tinymlir_exp_on_negative_values_{integer_bits}", [value], body)

    def count_leading_zeros(self, a: ScalarBuilder, value) -> SSAValue:
        def body(h, b: ScalarBuilder, v):
            word = b.wide_unsigned(v)
            bits, count = word, b.c(0)
            for step in (16, 8, 4, 2, 1):
                big = b.cmp(bits, b.c(1 << (32 - step), i64), "sge")
                count = b.select(big, count, b.add(count, b.c(step)))
                shifted = b.band(b.shl(bits, b.c(step, i64)), b.c(0xFFFFFFFF, i64))
                bits = b.select(big, bits, shifted)
            return b.select(b.cmp(v, b.c(0), "eq"), b.c(32), count)

        return self.call(a, "tinymlir_count_leading_zeros", [value], body)

    def one_over_one_plus_x(self, a: ScalarBuilder, value) -> SSAValue:
        def body(h: Helpers, b: ScalarBuilder, v):
            total = b.add(b.wide(v), b.c(INT32_MAX, i64))
            sign = b.select(b.cmp(total, b.c(0, i64), "sge"), b.c(1, i64), b.c(-1, i64))
            half_denominator = b.narrow(b.div(b.add(total, sign), b.c(2, i64)))
            x = b.add(b.c(1515870810), h.srdhm(b, half_denominator, b.c(-1010580540)))
            for _ in range(3):
                one_minus = b.sub(b.c(1 << 29), h.srdhm(b, half_denominator, x))
                x = b.add(x, h.sat_mul_pot(b, h.srdhm(b, x, one_minus), 2))
            return h.sat_mul_pot(b, x, 1)

        return self.call(a, "tinymlir_one_over_one_plus_x_for_x_in_0_1", [value], body)


class LowerFxp(RewritePattern):
    def __init__(self, helpers: Helpers):
        self.helpers = helpers

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if not op.name.startswith("fxp."):
            return
        block = Block()
        a = ScalarBuilder.at_end(block)
        h = self.helpers
        if isinstance(op, fxp.MultiplyByQuantizedMultiplierOp):
            results = [h.mbqm(a, op.x, op.multiplier, op.shift)]
        elif isinstance(op, fxp.SaturatingRoundingDoublingHighMulOp):
            results = [h.srdhm(a, op.lhs, op.rhs)]
        elif isinstance(op, fxp.RoundingDivideByPOTOp):
            results = [h.rdbpot(a, op.lhs, op.rhs)]
        elif isinstance(op, fxp.ExpOnNegativeValuesOp):
            results = [h.exp_on_negative_values(a, op.x, op.integer_bits.value.data)]
        elif isinstance(op, fxp.GetReciprocalOp):
            headroom = h.count_leading_zeros(a, op.x)
            num_bits = a.sub(a.c(op.integer_bits.value.data), headroom)
            shifted = a.shl(a.wide_unsigned(op.x), a.wide(headroom))
            minus_one = a.narrow(a.sub(shifted, a.c(1 << 31, i64)))
            results = [h.one_over_one_plus_x(a, minus_one), num_bits]
        else:
            return
        ops = list(block.ops)
        for o in ops:
            o.detach()
        rewriter.replace(op, ops, results)


@dataclass(frozen=True)
class ConvertFxpToArithPass(ModulePass):
    """See the module docstring."""

    name = "convert-fxp-to-arith"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        PatternRewriteWalker(
            GreedyRewritePatternApplier([LowerFxp(Helpers(op))], dce_enabled=False), apply_recursively=False
        ).rewrite_module(op)

