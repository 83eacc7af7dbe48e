"""arith-emulate-f32: exact IEEE binary32 arithmetic for targets with or without an FPU.

What it does
    hard-float unset (the default): as the target description's `[cpu] fpu` says
    (tinymlir.target.target_of; cortex-m4, the default target, has none).

    hard-float=false (a Cortex-M4 without FPU): every f32 op the loop
    level may hold becomes exact integer code on i32 bit patterns, so no float
    type, no libm and no compiler soft-float library is left:
      arith.constant f32           -> arith.constant i32 (the bit pattern)
      sitofp i8..i32 -> f32, fptosi f32 -> i32, mulf, addf, subf, divf,
      maximumf, minimumf, math.roundeven
                                   -> calls to private helper functions written
                                      in arith on i32/i64 (one per operation,
                                      created once per module, marked
                                      `tinymlir.inline`: the C backend prints
                                      them `static inline`)
      negf                         -> xor of the sign bit
      cmpf                         -> integer comparisons of order keys
      select, scf.for iter_args / results, scf.yield, scf.if results,
      memref.global / get_global / alloc / alloca / load / store, func.func
      arguments and results, func.call, func.return
                                   -> the same op on i32 bit patterns
    One peephole: the conv / dense output stage
    fptosi(roundeven(minimumf(maximumf(mulf(sitofp(acc), S), lo), hi))) with
    constant S, lo, hi becomes one helper specialised for S at compile time.
    The stage is a monotone function of acc: outside a band [below, above]
    (found at compile time by bisection on numpy float32) it is a constant; if
    the band lies within |acc| <= 2^24 (f32(acc) exact) and |y| < 2^21, inside it
    is rint(f32(acc * S)) from one exact 32x32->64 multiply (P * 2^32), which
    equals rint(P) except when f32(P) is a half-integer P is not: only products
    within the widest double-rounding window of a half-integer call the exact
    test (CLZ for the half-integer's ulp). Otherwise (tiny scales, huge bounds)
    and for a scale read from a table: S's significand times f32(acc), both
    float roundings done exactly, then the integer rounding and the clamp.
    Any other op on f32 (or a memref of f32, or another float-like type holding
    f32) is refused with an error naming it; afterwards no f32 type remains.

    hard-float=true (Cortex-M4F, -mfloat-abi=hard -mfpu=fpv4-sp-d16): f32
    arithmetic stays native; math.roundeven is expanded into f32 arith
    (x > 0 and x < 2^23: (x + 2^23) - 2^23; x < 0 and x > -2^23: -((-x + 2^23) - 2^23);
    otherwise x), exact for every float including -0, ties and NaN, so no libm
    call is needed. Other math ops on f32 are refused (they would need libm).

Semantics (both modes): IEEE-754 binary32, round to nearest even, gradual
underflow (subnormals), overflow to infinity, signed zeros. A NaN result is the
canonical quiet NaN 0x7fc00000 (payloads are not propagated). maximumf /
minimumf order -0 below +0 and return NaN if an operand is NaN. fptosi truncates
toward zero and, where LLVM leaves the result undefined, does what the
Cortex-M4F's VCVT does: saturates out-of-range values and gives 0 for NaN.

Assumes f32 values only as scalars or memref elements (no vector/tensor of
f32). The integer code only uses signed ops on non-negative fields, so it never
relies on signed overflow, and shifts stay within the type width.

Cost model (Cortex-M4, GCC 12 -O2, executed instructions per element;
`.venv/bin/python bench/output_stage.py` measures them under QEMU, accumulators
+-2^16 / +-2^13): the fused constant-scale stage 6 / 14 (saturated accumulators
take two compares; in the band: thresholds, SMULL, window test, round, about 14),
with the scale from a per-channel table 69, the unfused chain sitofp, mulf,
maximumf, minimumf, roundeven, fptosi 201 / 232; TFLM's fixed-point
requantisation 28, an FPU 14 / 25. Bit lengths are math.ctlz (one CLZ; an i64
one about 4). Rough per-op estimates (not measured one by one): negf, constants,
select 1; maximumf / minimumf ~10; cmpf ~8; fptosi ~15; roundeven ~20; sitofp
~35; mulf ~65; addf ~95; divf ~80 (five 32-bit SDIVs, no 64-bit division). With hard-float=true each
op is one FPU instruction, roundeven ~10.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from xdsl.context import Context
from xdsl.dialects import arith, func, math, memref, scf
from xdsl.dialects.builtin import (
    DenseIntOrFPElementsAttr,
    Float32Type,
    FloatAttr,
    FunctionType,
    IndexType,
    IntegerAttr,
    IntegerType,
    MemRefType,
    ModuleOp,
    TensorType,
    UnitAttr,
    f32,
    i1,
    i32,
    i64,
)
from xdsl.ir import Attribute, Block, Operation, Region, SSAValue
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import (
    GreedyRewritePatternApplier,
    PatternRewriter,
    PatternRewriteWalker,
    RewritePattern,
    op_type_rewrite_pattern,
)

from tinymlir.errors import PassError
from tinymlir.ir_walk import walk_ops
from tinymlir.passes.convert_fxp_to_arith import INLINE_ATTR, INT32_MAX, INT32_MIN
from tinymlir.scalar_builder import ScalarBuilder
from tinymlir.target import target_of

PASS = "arith-emulate-f32"
SIGN = INT32_MIN  # the sign bit of a bit pattern, as an i32
MAGNITUDE = 0x7FFFFFFF
INF = 0x7F800000
QNAN = 0x7FC00000
HIDDEN = 1 << 23
FRACTION = HIDDEN - 1


def f32_bits(value: float) -> int:
    """The binary32 bit pattern of `value` (rounded to f32), as a signed i32."""
    return int(np.array(value, np.float32).view(np.int32))


def _is_f32_like(t: Attribute) -> bool:
    return isinstance(t, Float32Type) or (isinstance(t, MemRefType) and isinstance(t.element_type, Float32Type))


def _as_bits(t: Attribute) -> Attribute:
    if isinstance(t, Float32Type):
        return i32
    if isinstance(t, MemRefType) and isinstance(t.element_type, Float32Type):
        return MemRefType(i32, t.shape, t.layout, t.memory_space)
    return t


def _mentions_f32(t: Attribute) -> bool:
    """Whether f32 occurs anywhere in `t` (also inside types the pass does not handle)."""
    if isinstance(t, IntegerType | IndexType):  # most types of the loop level: no parameters to search
        return False
    try:
        return _mentions_f32_memoised(t)
    except TypeError:  # an attribute that cannot be hashed: search it without the memo
        return _search_for_f32(t)


def _search_for_f32(t: Attribute) -> bool:
    if isinstance(t, Float32Type):
        return True
    return any(_mentions_f32(p) for p in getattr(t, "parameters", ()) if isinstance(p, Attribute))


# Attributes are immutable, so the answer can be kept: a module's values share a few hundred
# memref types, and searching their shapes and layouts anew for every value was most of the
# pass's time on IR without f32.
_mentions_f32_memoised = lru_cache(maxsize=4096)(_search_for_f32)


class Ops(ScalarBuilder):
    """convert-fxp-to-arith's vocabulary plus or/xor/min and i1 logic."""

    def bor(self, a, b):
        return self.op(arith.OrIOp(a, b))

    def bxor(self, a, b):
        return self.op(arith.XOrIOp(a, b))

    def minsi(self, a, b):
        return self.op(arith.MinSIOp(a, b))

    def clamp(self, a, lo: int, hi: int, t=i32):
        return self.minsi(self.maxsi(a, self.c(lo, t)), self.c(hi, t))

    def true(self):
        return self.c(1, i1)


# --------------------------------------------------------------------------- #
# The helper functions
# --------------------------------------------------------------------------- #


@dataclass
class SoftFloat:
    """Creates the helper functions on demand, once per module; each method emits a call."""

    module: ModuleOp

    def __post_init__(self) -> None:
        self.functions = {f.sym_name.data: f for f in self.module.ops if isinstance(f, func.FuncOp)}

    def call(self, a: Ops, name: str, args: Sequence[SSAValue], body: Callable, result=i32,
             arg_types: Sequence[Attribute] | None = None) -> SSAValue:
        if name not in self.functions:
            types = list(arg_types) if arg_types is not None else [v.type for v in args]
            block = Block(arg_types=types)
            b = Ops(block)
            b.builder.insert(func.ReturnOp(body(b, *block.args)))
            function = func.FuncOp(name, (types, [result]), Region(block), "private")
            function.attributes[INLINE_ATTR] = UnitAttr()
            self.module.body.block.insert_op_before(function, self.module.body.block.first_op)
            self.functions[name] = function
        return a.op(func.CallOp(name, list(args), [result]))

    # -- building blocks (emitted inline into the helper being built) -------- #
    @staticmethod
    def bit_length(b: Ops, v, t=i64):
        """Number of significant bits of v >= 0 (0 for 0): the width minus math.ctlz, one
        CLZ on a Cortex-M4 (three instructions and a compare for i64)."""
        zeros = b.op(math.CountLeadingZerosOp(v))
        if t == i64:
            return b.sub(b.c(64), b.narrow(zeros))
        return b.sub(b.c(32), zeros)

    @staticmethod
    def rne_shift(b: Ops, v, right, t=i64):
        """v / 2^right rounded to nearest even, for v >= 0, 0 <= right, 2v + 2^right < 2^63.

        (2v + 2^right - 1 + odd) >> (right + 1): doubling v makes right = 0 exact too."""
        one = b.c(1, t)
        r1 = b.add(right, one)
        odd = b.band(b.shr(v, right), one)
        half_minus_one = b.sub(b.shl(one, right), one)
        return b.shr(b.add(b.add(b.shl(v, one), half_minus_one), odd), r1)

    @staticmethod
    def rne_signed(b: Ops, v, right):
        """v / 2^right rounded to nearest even, any sign, on i32; 0 <= right <= 29.

        (v >> right) is the floor; round up if twice the remainder, plus the floor's
        parity, exceeds 2^right (right = 0 never rounds). No intermediate overflows."""
        one = b.c(1)
        floor = b.shr(v, right)
        remainder = b.band(v, b.sub(b.shl(one, right), one))
        up = b.cmp(b.add(b.shl(remainder, one), b.band(floor, one)), b.shl(one, right), "sgt")
        return b.add(floor, b.flag(up))

    def round_to_f32_grid(self, a: Ops, acc, k) -> SSAValue:
        """acc / 2^k rounded to nearest even (|result| <= 2^24), as a function of its own."""
        return self.call(a, "tinymlir_f32_round_i32", [acc, k], lambda b, v, r: self.rne_signed(b, v, r))

    def unpack(self, b: Ops, x):
        """(magnitude bits, significand, exponent) with |x| = significand * 2^exponent."""
        magnitude = b.band(x, b.c(MAGNITUDE))
        field = b.shr(magnitude, b.c(23))
        fraction = b.band(magnitude, b.c(FRACTION))
        normal = b.cmp(field, b.c(0), "ne")
        significand = b.select(normal, b.bor(fraction, b.c(HIDDEN)), fraction)
        exponent = b.sub(b.maxsi(field, b.c(1)), b.c(150))
        return magnitude, significand, exponent

    @staticmethod
    def is_nan(b: Ops, magnitude):
        return b.cmp(magnitude, b.c(INF), "sgt")

    @staticmethod
    def is_inf(b: Ops, magnitude):
        return b.cmp(magnitude, b.c(INF), "eq")

    # -- rounding and packing -------------------------------------------------- #
    def round_pack(self, a: Ops, sign, exponent, significand, bits: int) -> SSAValue:
        """sign | f32(significand * 2^exponent), significand in [0, 2^bits), bits <= 60.

        sign is 0 or the sign bit; RNE with gradual underflow, overflow to inf."""

        def body(b: Ops, sign, e, sig):
            n = self.bit_length(b, sig)
            biased = b.add(b.add(e, n), b.c(126))  # the biased exponent if normal
            # Bits to drop: down to 24 significant bits, or to the 2^-149 quantum.
            drop = b.maxsi(b.sub(n, b.c(24)), b.sub(b.c(-149), e))
            left = b.wide(b.maxsi(b.sub(b.c(0), drop), b.c(0)))  # <= 23: sig < 2^24 then
            right = b.wide(b.clamp(drop, 0, 61))  # > 61 only for values rounding to 0
            q = b.narrow(self.rne_shift(b, b.shl(sig, left), right))  # <= 2^24
            field = b.clamp(b.sub(biased, b.c(1)), 0, 253)
            # Adding q (hidden bit included) to field << 23 also carries a rounding overflow.
            magnitude = b.add(b.shl(field, b.c(23)), q)
            overflow = b.bor(b.cmp(biased, b.c(254), "sgt"), b.cmp(magnitude, b.c(INF), "sge"))
            magnitude = b.select(overflow, b.c(INF), magnitude)
            magnitude = b.select(b.cmp(sig, b.c(0, i64), "eq"), b.c(0), magnitude)
            return b.bor(sign, magnitude)

        return self.call(a, f"tinymlir_f32_round_pack_{bits}", [sign, exponent, significand], body)

    # -- the operations ------------------------------------------------------ #
    def sitofp(self, a: Ops, x) -> SSAValue:
        def body(b: Ops, x):
            w = b.wide(x)
            negative = b.cmp(x, b.c(0), "slt")
            magnitude = b.select(negative, b.sub(b.c(0, i64), w), w)  # 2^31 fits in i64
            return self.round_pack(b, b.band(x, b.c(SIGN)), b.c(0), magnitude, 32)

        return self.call(a, "tinymlir_f32_from_i32", [x], body)

    def fptosi(self, a: Ops, x) -> SSAValue:
        def body(b: Ops, x):
            magnitude, significand, _ = self.unpack(b, x)
            field = b.shr(magnitude, b.c(23))
            left = b.clamp(b.sub(field, b.c(150)), 0, 7)  # < 2^31 for field <= 157
            right = b.clamp(b.sub(b.c(150), field), 0, 31)
            value = b.shr(b.shl(significand, left), right)
            negative = b.cmp(x, b.c(0), "slt")
            result = b.select(negative, b.sub(b.c(0), value), value)
            saturated = b.select(negative, b.c(INT32_MIN), b.c(INT32_MAX))
            result = b.select(b.cmp(field, b.c(158), "sge"), saturated, result)
            return b.select(self.is_nan(b, magnitude), b.c(0), result)

        return self.call(a, "tinymlir_f32_to_i32", [x], body)

    def mulf(self, a: Ops, x, y) -> SSAValue:
        def body(b: Ops, x, y):
            mx, sx, ex = self.unpack(b, x)
            my, sy, ey = self.unpack(b, y)
            sign = b.band(b.bxor(x, y), b.c(SIGN))
            product = b.mul(b.wide(sx), b.wide(sy))  # < 2^48
            result = self.round_pack(b, sign, b.add(ex, ey), product, 48)
            inf_x, inf_y = self.is_inf(b, mx), self.is_inf(b, my)
            result = b.select(b.bor(inf_x, inf_y), b.bor(sign, b.c(INF)), result)
            zero_x, zero_y = b.cmp(mx, b.c(0), "eq"), b.cmp(my, b.c(0), "eq")
            nan = b.bor(b.bor(self.is_nan(b, mx), self.is_nan(b, my)),
                        b.bor(b.band(inf_x, zero_y), b.band(inf_y, zero_x)))
            return b.select(nan, b.c(QNAN), result)

        return self.call(a, "tinymlir_f32_mul", [x, y], body)

    def addf(self, a: Ops, x, y) -> SSAValue:
        def body(b: Ops, x, y):
            mx0, my0 = b.band(x, b.c(MAGNITUDE)), b.band(y, b.c(MAGNITUDE))
            x_bigger = b.cmp(mx0, my0, "sge")
            big, small = b.select(x_bigger, x, y), b.select(x_bigger, y, x)
            mb, sig_b, eb = self.unpack(b, big)
            ms, sig_s, es = self.unpack(b, small)
            # 32 guard bits; what is shifted out of the smaller one is jammed into bit 0.
            guard = b.c(32, i64)
            wide_big = b.shl(b.wide(sig_b), guard)  # < 2^56
            wide_small = b.shl(b.wide(sig_s), guard)
            distance = b.wide(b.minsi(b.sub(eb, es), b.c(60)))
            lost = b.band(wide_small, b.sub(b.shl(b.c(1, i64), distance), b.c(1, i64)))
            sticky = b.op(arith.ExtUIOp(b.cmp(lost, b.c(0, i64), "ne"), i64))
            aligned = b.bor(b.shr(wide_small, distance), sticky)
            same_sign = b.cmp(b.band(b.bxor(x, y), b.c(SIGN)), b.c(0), "eq")
            total = b.select(same_sign, b.add(wide_big, aligned), b.sub(wide_big, aligned))
            # An exact zero is +0 unless both operands are negative (round to nearest).
            sign = b.select(b.cmp(total, b.c(0, i64), "eq"), b.band(b.band(x, y), b.c(SIGN)),
                            b.band(big, b.c(SIGN)))
            result = self.round_pack(b, sign, b.sub(eb, b.c(32)), total, 57)
            result = b.select(self.is_inf(b, mb), big, result)
            opposite_infs = b.band(self.is_inf(b, ms), b.cmp(same_sign, b.c(0, i1), "eq"))
            nan = b.bor(b.bor(self.is_nan(b, mb), self.is_nan(b, ms)), opposite_infs)
            return b.select(nan, b.c(QNAN), result)

        return self.call(a, "tinymlir_f32_add", [x, y], body)

    def divf(self, a: Ops, x, y) -> SSAValue:
        def normalized(b: Ops, v):
            """(magnitude, significand in [2^23, 2^24) or 0, exponent)."""
            magnitude, significand, exponent = self.unpack(b, v)
            shift = b.sub(b.c(24), self.bit_length(b, significand, i32))
            return magnitude, b.shl(significand, shift), b.sub(exponent, shift)

        def body(b: Ops, x, y):
            mx, sx, ex = normalized(b, x)
            my, sy, ey = normalized(b, y)
            sy = b.select(b.cmp(sy, b.c(0), "eq"), b.c(HIDDEN), sy)  # x / 0 is selected below
            # Long division, 7 quotient bits per 32-bit division (remainder < 2^24).
            quotient = b.div(sx, sy)
            remainder = b.sub(sx, b.mul(quotient, sy))
            for _ in range(4):
                remainder = b.shl(remainder, b.c(7))
                digit = b.div(remainder, sy)
                remainder = b.sub(remainder, b.mul(digit, sy))
                quotient = b.bor(b.shl(quotient, b.c(7)), digit)
            sticky = b.flag(b.cmp(remainder, b.c(0), "ne"))
            quotient = b.bor(b.shl(quotient, b.c(1)), sticky)  # < 2^30, >= 2^28 for x != 0
            sign = b.band(b.bxor(x, y), b.c(SIGN))
            result = self.round_pack(b, sign, b.sub(b.sub(ex, ey), b.c(29)), b.wide(quotient), 30)
            zero_x, zero_y = b.cmp(mx, b.c(0), "eq"), b.cmp(my, b.c(0), "eq")
            inf_x, inf_y = self.is_inf(b, mx), self.is_inf(b, my)
            result = b.select(b.bor(zero_x, inf_y), sign, result)
            result = b.select(b.bor(inf_x, zero_y), b.bor(sign, b.c(INF)), result)
            nan = b.bor(b.bor(self.is_nan(b, mx), self.is_nan(b, my)),
                        b.bor(b.band(zero_x, zero_y), b.band(inf_x, inf_y)))
            return b.select(nan, b.c(QNAN), result)

        return self.call(a, "tinymlir_f32_div", [x, y], body)

    def max_min(self, a: Ops, x, y, maximum: bool) -> SSAValue:
        def body(b: Ops, x, y):
            # Flipping the magnitude bits of negative patterns orders them as the
            # values, -0 just below +0.
            def key(v):
                return b.bxor(v, b.band(b.shr(v, b.c(31)), b.c(MAGNITUDE)))

            pick_x = b.cmp(key(x), key(y), "sgt" if maximum else "slt")
            result = b.select(pick_x, x, y)
            nan = b.bor(self.is_nan(b, b.band(x, b.c(MAGNITUDE))), self.is_nan(b, b.band(y, b.c(MAGNITUDE))))
            return b.select(nan, b.c(QNAN), result)

        return self.call(a, f"tinymlir_f32_{'maximum' if maximum else 'minimum'}", [x, y], body)

    def roundeven(self, a: Ops, x) -> SSAValue:
        def body(b: Ops, x):
            magnitude = b.band(x, b.c(MAGNITUDE))
            field = b.shr(magnitude, b.c(23))
            # 1 <= |x| < 2^23: round the pattern itself at the units bit; a carry out
            # of the fraction correctly increments the exponent.
            frac_bits = b.clamp(b.sub(b.c(150), field), 1, 23)
            bounded = b.minsi(magnitude, b.c(f32_bits(2.0**23)))  # keeps the sum below 2^31
            one = b.c(1)
            odd = b.band(b.shr(bounded, frac_bits), one)
            half_minus_one = b.sub(b.shl(one, b.sub(frac_bits, one)), one)
            rounded = b.shr(b.add(b.add(bounded, half_minus_one), odd), frac_bits)
            rounded = b.shl(rounded, frac_bits)
            # |x| < 1: 0, or 1 if |x| > 0.5.
            small = b.select(b.cmp(magnitude, b.c(f32_bits(0.5)), "sgt"), b.c(f32_bits(1.0)), b.c(0))
            result = b.select(b.cmp(field, b.c(127), "slt"), small, rounded)
            result = b.select(b.cmp(field, b.c(150), "sge"), magnitude, result)  # integral, inf
            result = b.bor(b.band(x, b.c(SIGN)), result)
            return b.select(self.is_nan(b, magnitude), b.c(QNAN), result)

        return self.call(a, "tinymlir_f32_roundeven", [x], body)

    def band_stage(self, a: Ops, acc, plan: BandPlan, name: str) -> SSAValue:
        """The stage of `plan` (see BandPlan): outside the band a constant, inside

        rint(f32(P)) = rint(P) unless f32(P) is a half-integer h that P is not (f32 is
        monotone and every half-integer below 2^22 is a float), i.e. unless
        |P - h| <= half an ulp of h (ties at the window's edges go to h, whose
        significand is even); then it is the even neighbour of h. With the product
        P * 2^32 = hi * 2^32 + 2^31 + d: rint(P) = hi + (d >= 0), and only
        |d| <= the widest window needs the exact test (a call C makes only then)."""

        def fixed_point(b: Ops, acc):
            # pre >= 31 only if the inside is {0} (huge scales): then any factor will do.
            factor = 1 << plan.pre if plan.pre < 31 else 0
            x = acc if plan.pre == 0 else b.mul(b.clamp(acc, *plan.inside), b.c(factor))
            product = b.mul(b.wide(x), b.c(plan.multiplier, i64))  # exact: < 2^55
            q = b.shr(product, b.c(min(plan.shift, 63), i64)) if plan.shift else product
            high = b.narrow(b.shr(q, b.c(32, i64)))  # floor(P)
            d = b.narrow(b.sub(b.band(q, b.c(0xFFFFFFFF, i64)), b.c(1 << 31, i64)))
            return product, high, d

        def tie(b: Ops, acc):
            # Clamped: the call may see any acc when C evaluates it unconditionally.
            product, high, d = fixed_point(b, b.clamp(acc, *plan.inside))
            if plan.shift:  # d is floor((P - h) * 2^32): whether bits were lost below it
                lost = b.band(product, b.c((1 << min(plan.shift, 62)) - 1, i64))
                sticky = b.flag(b.cmp(lost, b.c(0, i64), "ne"))
            else:
                sticky = b.c(0)
            # |h| = a + 1/2 in [2^E, 2^(E+1)), E = bit_length(a) - 1: half an ulp is
            # 2^(E-24) = 2^(bit_length(a) + 7) units, and half that below |h| = 1/2.
            magnitude = b.bxor(high, b.shr(high, b.c(31)))
            away = b.shl(b.c(1), b.add(self.bit_length(b, magnitude, i32), b.c(7)))
            toward = b.shr(away, b.flag(b.cmp(magnitude, b.c(0), "eq")))
            nonnegative = b.cmp(high, b.c(0), "sge")
            lower = b.select(nonnegative, toward, away)
            upper = b.select(nonnegative, away, toward)
            inside = b.band(b.cmp(d, b.sub(b.c(0), lower), "sge"), b.cmp(d, b.sub(upper, sticky), "sle"))
            even = b.band(b.add(high, b.c(1)), b.c(-2))
            return b.select(inside, even, b.add(high, b.flag(b.cmp(d, b.c(0), "sge"))))

        def body(b: Ops, acc):
            if plan.constant:
                return b.c(plan.high_value)
            _, high, d = fixed_point(b, acc)
            rounded = b.add(high, b.flag(b.cmp(d, b.c(0), "sge")))
            near = b.band(b.cmp(d, b.c(-plan.window), "sge"), b.cmp(d, b.c(plan.window), "sle"))
            value = b.select(near, self.call(b, name + "_tie", [acc], tie), rounded)
            value = b.select(b.cmp(acc, b.c(plan.below), "sle"), b.c(plan.low_value), value)
            return b.select(b.cmp(acc, b.c(plan.above), "sge"), b.c(plan.high_value), value)

        return self.call(a, name, [acc], body)

    def output_stage(self, a: Ops, acc, scale: float | SSAValue, lo: float, hi: float) -> SSAValue:
        """fptosi(roundeven(min(max(f32(acc) * scale, lo), hi))) for a finite scale: a
        constant (decomposed here) or the bit pattern of one read at run time.

        roundeven is monotone, so rint(clamp(p, lo, hi)) = clamp(rint(p), rint(lo), rint(hi));
        |rint(lo)|, |rint(hi)| <= 2^24 (checked by the caller): magnitudes only need to
        stay above 2^24 (and below 2^31) when they exceed the bounds."""
        rlo, rhi = int(np.rint(np.float32(lo))), int(np.rint(np.float32(hi)))
        bounds = f"{rlo}_{rhi}".replace("-", "m")
        if isinstance(scale, SSAValue):
            name, args = f"tinymlir_f32_output_stage_{bounds}", [acc, scale]
        else:
            bits = f32_bits(scale)
            name, args = f"tinymlir_f32_output_stage_{bits & 0xFFFFFFFF:08x}_{bounds}", [acc]
            if (plan := band_plan(scale, lo, hi)) is not None:
                return self.band_stage(a, acc, plan, name)
            field, fraction = (bits >> 23) & 0xFF, bits & FRACTION
            if field:
                constant = fraction | HIDDEN, field - 150
            else:  # subnormal scale: normalise the constant
                shift = 24 - fraction.bit_length()
                constant = fraction << shift, -149 - shift

        def body(b: Ops, acc, scale_bits=None):
            if scale_bits is None:
                significand, exponent = b.c(constant[0], i64), b.c(constant[1])
            else:  # a subnormal significand is not normalised: its products round to 0
                _, significand, exponent = self.unpack(b, scale_bits)
                significand = b.wide(significand)
            # f32(acc): round acc (signed) to 24 significant bits, k = the bits dropped.
            # acc ^ (acc >> 31) is |acc| or |acc| - 1: one bit too few is dropped only
            # for |acc| a power of two, which is exact either way.
            top = b.shr(b.bxor(acc, b.shr(acc, b.c(31))), b.c(24))
            # Most accumulators are exact (|acc| < 2^24, k = 0): the rounding is a call in
            # the select's other arm, which C evaluates only when needed.
            exact = b.cmp(top, b.c(0), "eq")
            k = self.bit_length(b, top, i32)  # 0..8
            rounded = b.select(exact, acc, self.round_to_f32_grid(b, acc, k))
            if scale_bits is None:
                negative = b.cmp(rounded, b.c(0), "sgt" if bits < 0 else "slt")
            else:
                negative = b.cmp(b.bxor(rounded, scale_bits), b.c(0), "slt")
            m = b.select(b.cmp(rounded, b.c(0), "slt"), b.sub(b.c(0), rounded), rounded)
            # The product with the 24-bit significand of the scale, exact in 48 bits
            # (one UMULL), split at bit 24 so that the rest is 32-bit arithmetic.
            product = b.mul(b.wide(m), significand)
            high = b.narrow(b.shr(product, b.c(24, i64)))  # < 2^24
            low = b.band(b.narrow(product), b.c((1 << 24) - 1))
            # f32(product): drop d = bit length of high bits, round to nearest even.
            d = self.bit_length(b, high, i32)  # 0..24
            truncated = b.bor(b.shl(high, b.sub(b.c(24), d)), b.shr(low, d))
            one = b.c(1)
            remainder = b.band(low, b.sub(b.shl(one, d), one))
            up = b.cmp(b.add(b.shl(remainder, one), b.band(truncated, one)), b.shl(one, d), "sgt")
            q = b.add(truncated, b.flag(up))  # in [2^23, 2^24] whenever f >= 0, or 0
            # Value = q * 2^f, f the exponent of q's unit; shifting q left by at most 7
            # already passes every bound (<= 2^24) without overflow.
            f = b.add(b.add(d, k), exponent)
            scaled = b.shl(q, b.clamp(f, 0, 7))
            rint = self.rne_signed(b, q, b.clamp(b.sub(b.c(0), f), 0, 26))
            magnitude = b.select(b.cmp(f, b.c(0), "slt"), rint, scaled)
            signed = b.select(negative, b.sub(b.c(0), magnitude), magnitude)
            return b.clamp(signed, rlo, rhi)

        return self.call(a, name, args, body, arg_types=[i32] * len(args))


# --------------------------------------------------------------------------- #
# The output stage with a constant scale: one multiply in its band
# --------------------------------------------------------------------------- #


def stage_reference(acc, scale: float, lo: float, hi: float) -> np.ndarray:
    """rint(clampf(f32(acc) * scale, lo, hi)) in numpy float32 (IEEE binary32, RNE)."""
    with np.errstate(over="ignore"):
        p = np.asarray(acc, np.int64).astype(np.int32).astype(np.float32) * np.float32(scale)
    return np.rint(np.minimum(np.maximum(p, np.float32(lo)), np.float32(hi))).astype(np.int64)


@dataclass(frozen=True)
class BandPlan:
    """The stage as a function of acc, which is monotone: f(MIN) for acc <= below,
    f(MAX) for acc >= above, and in between (|acc| <= 2^24, so f32(acc) is exact)
    rint(f32(P)), P = acc * scale, from the exact fixed-point product
    acc * 2^pre * multiplier = P * 2^(32 + shift)."""

    below: int
    low_value: int
    above: int
    high_value: int
    multiplier: int  # |multiplier| < 2^31: one SMULL
    pre: int  # acc is scaled by 2^pre (clamped to the band first when pre > 0)
    shift: int
    window: int  # the widest double-rounding window, in units of 2^-32

    @property
    def constant(self) -> bool:
        return self.low_value == self.high_value

    @property
    def inside(self) -> tuple[int, int]:
        """The accumulators strictly between `below` and `above` (a clamp's bounds)."""
        return self.below + 1, max(self.above - 1, self.below + 1)


def band_plan(scale: float, lo: float, hi: float) -> BandPlan | None:
    """The plan, or None when the band reaches |acc| > 2^24 or |y| >= 2^21 (general path)."""
    f = lambda v: int(stage_reference(np.array([v]), scale, lo, hi)[0])  # noqa: E731
    low_value, high_value = f(INT32_MIN), f(INT32_MAX)
    if low_value == high_value:
        return BandPlan(INT32_MAX, low_value, INT32_MAX, high_value, 0, 0, 0, 0)
    first, last = INT32_MIN, INT32_MAX  # the first acc with f(acc) = f(MAX)
    while first < last:
        middle = (first + last) // 2
        first, last = (first, middle) if f(middle) == high_value else (middle + 1, last)
    above = first
    first, last = INT32_MIN, INT32_MAX  # the last acc with f(acc) = f(MIN)
    while first < last:
        middle = (first + last + 1) // 2
        first, last = (middle, last) if f(middle) == low_value else (first, middle - 1)
    below = first
    largest = max(abs(low_value), abs(high_value))
    if max(abs(below), abs(above)) > 1 << 24 or largest >= 1 << 21:
        return None
    bits = f32_bits(scale)
    field, significand = (bits >> 23) & 0xFF, bits & FRACTION
    significand, exponent = (significand | HIDDEN, field - 150) if field else (significand, -149)
    while significand % 2 == 0:  # odd: the shortest exact multiplier
        significand, exponent = significand // 2, exponent + 1
    total = 32 + exponent  # P * 2^32 = acc * significand * 2^total
    if total >= 0:
        room = min(total, 31 - significand.bit_length())
        pre, shift, multiplier = total - room, 0, significand << room
    else:
        pre, shift, multiplier = 0, -total, significand
    multiplier = -multiplier if bits < 0 else multiplier
    # pre > 0 only for scales >= 0.5 (narrow bands); acc << pre must stay an int32 inside.
    assert max(abs(below + 1), abs(above - 1)) << pre < 1 << 31
    window = 1 << (largest.bit_length() + 7)
    return BandPlan(below, low_value, above, high_value, multiplier, pre, shift, window)


# --------------------------------------------------------------------------- #
# Patterns (hard-float=false)
# --------------------------------------------------------------------------- #

_HANDLED = (
    arith.ConstantOp, arith.SIToFPOp, arith.FPToSIOp, arith.MulfOp, arith.AddfOp, arith.SubfOp,
    arith.DivfOp, arith.NegfOp, arith.MaximumfOp, arith.MinimumfOp, arith.CmpfOp, arith.SelectOp,
    math.RoundEvenOp, scf.ForOp, scf.IfOp, scf.YieldOp, memref.GlobalOp, memref.GetGlobalOp,
    memref.AllocOp, memref.AllocaOp, memref.LoadOp, memref.StoreOp, func.FuncOp, func.CallOp,
    func.ReturnOp,
)  # fmt: skip


def _op_types(op: Operation) -> list[Attribute]:
    types = [v.type for v in op.operands] + [r.type for r in op.results]
    types += [arg.type for region in op.regions for block in region.blocks for arg in block.args]
    if isinstance(op, memref.GlobalOp):
        types.append(op.type)
    if isinstance(op, func.FuncOp):
        types += [*op.function_type.inputs, *op.function_type.outputs]
    return types


def check_supported(module: ModuleOp) -> list[Operation]:
    """The ops on f32, after refusing (naming it) the first one the emulation does not implement."""
    targets = []
    for op in walk_ops(module):
        types = _op_types(op)
        if isinstance(op, arith.ConstantOp) and isinstance(op.value, FloatAttr):
            types.append(op.value.type)
        if not any(_mentions_f32(t) for t in types):
            continue
        if any(_mentions_f32(t) and not _is_f32_like(t) for t in types):
            bad = next(t for t in types if _mentions_f32(t) and not _is_f32_like(t))
            raise PassError(f"{PASS}: {op.name} on {bad} is not supported (f32 scalars and memrefs of f32 only)")
        if not isinstance(op, _HANDLED):
            raise PassError(f"{PASS}: {op.name} on f32 is not supported")
        if isinstance(op, arith.SIToFPOp) and op.input.type.width.data > 32:
            raise PassError(f"{PASS}: arith.sitofp from {op.input.type} is not supported (at most i32)")
        if isinstance(op, arith.FPToSIOp) and op.result.type != i32:
            raise PassError(f"{PASS}: arith.fptosi to {op.result.type} is not supported (i32 only)")
        targets.append(op)
    return targets


def _constant(value: SSAValue) -> float | None:
    owner = value.owner
    if isinstance(owner, arith.ConstantOp) and isinstance(owner.value, FloatAttr):
        return owner.value.value.data
    return None


def _match_output_stage(op: arith.FPToSIOp):
    """(chain, acc, scale, lo, hi) if op ends fptosi(roundeven(min(max(sitofp(acc) * S, lo), hi)))."""
    chain: list[Operation] = []
    value = op.input
    for cls in (math.RoundEvenOp, arith.MinimumfOp, arith.MaximumfOp, arith.MulfOp, arith.SIToFPOp):
        owner = value.owner
        if not isinstance(owner, cls):
            return None
        chain.append(owner)
        if isinstance(owner, math.RoundEvenOp):
            value = owner.operand
        elif isinstance(owner, arith.SIToFPOp):
            value = owner.input
        else:
            value = owner.lhs
    _, minimum, maximum, mul, sitofp = chain
    lo, hi = _constant(maximum.rhs), _constant(minimum.rhs)
    scale: float | SSAValue | None = _constant(mul.rhs)
    if scale is None and _finite_table_load(mul.rhs):
        scale = mul.rhs
    if scale is None or lo is None or hi is None or sitofp.input.type != i32:
        return None
    limit = float(1 << 24)
    if isinstance(scale, float) and not (np.isfinite(scale) and scale != 0):
        return None
    if not -limit <= lo <= hi <= limit:
        return None
    return chain, sitofp.input, scale, lo, hi


def _finite_table_load(value: SSAValue) -> bool:
    """Whether value is read from a constant f32 global whose values are all finite."""
    load = value.owner
    if not isinstance(load, memref.LoadOp) or not isinstance(load.memref.owner, memref.GetGlobalOp):
        return False
    symbol = load.memref.owner.name_.root_reference.data
    module = load.get_toplevel_object()
    table = next((g for g in module.walk() if isinstance(g, memref.GlobalOp) and g.sym_name.data == symbol), None)
    if table is None or table.constant is None or not isinstance(table.initial_value, DenseIntOrFPElementsAttr):
        return False
    return bool(np.isfinite(np.asarray(table.initial_value.get_values(), np.float32)).all())


class FuseOutputStage(RewritePattern):
    """The conv / dense output stage with a constant scale as one specialised helper."""

    def __init__(self, soft: SoftFloat):
        self.soft = soft

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: arith.FPToSIOp, rewriter: PatternRewriter) -> None:
        if (match := _match_output_stage(op)) is None:
            return
        chain, acc, scale, lo, hi = match
        block = Block()
        a = Ops(block)
        result = self.soft.output_stage(a, acc, scale, lo, hi)
        ops = list(block.ops)
        for o in ops:
            o.detach()
        rewriter.replace(op, ops, [result])
        for dead in chain:  # pure; kept if something else still uses them
            if not dead.results[0].uses:
                rewriter.erase(dead)


class LowerF32(RewritePattern):
    """Every f32 op to integer code; values are retyped to i32 bit patterns in place."""

    def __init__(self, soft: SoftFloat, targets: Sequence[Operation]):
        self.soft = soft
        self.targets = set(targets)

    def _retype(self, values, rewriter: PatternRewriter) -> None:
        for v in list(values):
            if _is_f32_like(v.type):
                rewriter.replace_value_with_new_type(v, _as_bits(v.type))

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if op not in self.targets:
            return
        self.targets.discard(op)
        if isinstance(op, arith.ConstantOp):
            rewriter.replace(op, arith.ConstantOp(IntegerAttr(f32_bits(op.value.value.data), i32)))
            return
        if isinstance(op, memref.GlobalOp):
            op.properties["type"] = _as_bits(op.type)
            if isinstance(op.initial_value, DenseIntOrFPElementsAttr):
                values = np.asarray(op.initial_value.get_values(), np.float32).view(np.int32)
                tensor = TensorType(i32, op.initial_value.get_shape())
                op.initial_value = DenseIntOrFPElementsAttr.from_list(tensor, [int(v) for v in values])
            rewriter.handle_operation_modification(op)
            return
        if isinstance(op, func.FuncOp):
            inputs = [_as_bits(t) for t in op.function_type.inputs]
            outputs = [_as_bits(t) for t in op.function_type.outputs]
            op.function_type = FunctionType.from_lists(inputs, outputs)
            if op.body.blocks:
                self._retype(op.body.block.args, rewriter)
            rewriter.handle_operation_modification(op)
            return
        if isinstance(op, scf.ForOp):
            self._retype(op.body.block.args, rewriter)
        if isinstance(op, scf.ForOp | scf.IfOp | arith.SelectOp | memref.GetGlobalOp | memref.AllocOp
                      | memref.AllocaOp | memref.LoadOp | func.CallOp):
            self._retype(op.results, rewriter)
            return
        if isinstance(op, scf.YieldOp | memref.StoreOp | func.ReturnOp):
            return  # operands are retyped where they are defined
        block = Block()
        a = Ops(block)
        result = self._lower(op, a)
        ops = list(block.ops)
        for o in ops:
            o.detach()
        rewriter.replace(op, ops, [result])

    def _lower(self, op: Operation, a: Ops) -> SSAValue:
        s = self.soft
        if isinstance(op, arith.SIToFPOp):
            x = op.input if op.input.type == i32 else a.op(arith.ExtSIOp(op.input, i32))
            return s.sitofp(a, x)
        if isinstance(op, arith.FPToSIOp):
            return s.fptosi(a, op.input)
        if isinstance(op, arith.MulfOp):
            return s.mulf(a, op.lhs, op.rhs)
        if isinstance(op, arith.AddfOp):
            return s.addf(a, op.lhs, op.rhs)
        if isinstance(op, arith.SubfOp):
            return s.addf(a, op.lhs, a.bxor(op.rhs, a.c(SIGN)))
        if isinstance(op, arith.DivfOp):
            return s.divf(a, op.lhs, op.rhs)
        if isinstance(op, arith.NegfOp):
            return a.bxor(op.operand, a.c(SIGN))
        if isinstance(op, arith.MaximumfOp | arith.MinimumfOp):
            return s.max_min(a, op.lhs, op.rhs, isinstance(op, arith.MaximumfOp))
        if isinstance(op, math.RoundEvenOp):
            return s.roundeven(a, op.operand)
        assert isinstance(op, arith.CmpfOp)
        return self._cmpf(op, a)

    @staticmethod
    def _cmpf(op: arith.CmpfOp, a: Ops) -> SSAValue:
        predicate = arith.CMPF_COMPARISON_OPERATIONS[op.predicate.value.data]
        if predicate in ("false", "true"):
            return a.c(int(predicate == "true"), i1)

        def key(v):  # integers ordered as the values, with -0 == +0
            magnitude = a.band(v, a.c(MAGNITUDE))
            return a.select(a.cmp(v, a.c(0), "slt"), a.sub(a.c(0), magnitude), v)

        def number(v):
            return a.cmp(a.band(v, a.c(MAGNITUDE)), a.c(INF), "sle")

        ordered = a.band(number(op.lhs), number(op.rhs))
        if predicate in ("ord", "uno"):
            return ordered if predicate == "ord" else a.cmp(ordered, a.c(0, i1), "eq")
        base = {"eq": "eq", "gt": "sgt", "ge": "sge", "lt": "slt", "le": "sle", "ne": "ne"}[predicate[1:]]
        holds = a.cmp(key(op.lhs), key(op.rhs), base)
        if predicate[0] == "o":
            return a.band(ordered, holds)
        return a.bor(a.cmp(ordered, a.c(0, i1), "eq"), holds)


# --------------------------------------------------------------------------- #
# hard-float=true
# --------------------------------------------------------------------------- #


class ExpandRoundEven(RewritePattern):
    """roundeven with the 2^23 magic number: no libm call."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: math.RoundEvenOp, rewriter: PatternRewriter) -> None:
        if op.result.type != f32:
            raise PassError(f"{PASS}: math.roundeven on {op.result.type} is not supported (f32 only)")
        block = Block()
        a = Ops(block)
        x = op.operand
        magic = a.op(arith.ConstantOp(FloatAttr(float(1 << 23), f32)))
        minus_magic = a.op(arith.ConstantOp(FloatAttr(-float(1 << 23), f32)))
        zero = a.op(arith.ConstantOp(FloatAttr(0.0, f32)))
        # (x + 2^23) - 2^23 rounds 0 <= x < 2^23 to an integer, ties to even; negative x
        # goes through -x so that -0.3 gives -0. Zero, NaN and |x| >= 2^23 are kept.
        positive = a.band(a.op(arith.CmpfOp(x, zero, "ogt")), a.op(arith.CmpfOp(x, magic, "olt")))
        negative = a.band(a.op(arith.CmpfOp(x, zero, "olt")), a.op(arith.CmpfOp(x, minus_magic, "ogt")))
        up = a.op(arith.SubfOp(a.op(arith.AddfOp(x, magic)), magic))
        minus_x = a.op(arith.NegfOp(x))
        down = a.op(arith.NegfOp(a.op(arith.SubfOp(a.op(arith.AddfOp(minus_x, magic)), magic))))
        result = a.select(positive, up, a.select(negative, down, x))
        ops = list(block.ops)
        for o in ops:
            o.detach()
        rewriter.replace(op, ops, [result])


def check_hard_float(module: ModuleOp) -> None:
    for op in walk_ops(module):
        if op.name.startswith("math.") and not isinstance(op, math.RoundEvenOp):
            raise PassError(f"{PASS}: {op.name} is not supported (it would need libm)")


def _walk(pattern: RewritePattern, module: ModuleOp) -> None:
    PatternRewriteWalker(
        GreedyRewritePatternApplier([pattern], dce_enabled=False), apply_recursively=False
    ).rewrite_module(module)


@dataclass(frozen=True)
class ArithEmulateF32Pass(ModulePass):
    """See the module docstring."""

    name = "arith-emulate-f32"

    hard_float: bool | None = None
    """Keep f32 arithmetic native (an FPU); only expand math.roundeven. None: the target's."""

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        hard_float = target_of(op).cpu.fpu if self.hard_float is None else self.hard_float
        if hard_float:
            check_hard_float(op)
            _walk(ExpandRoundEven(), op)
            return
        if not check_supported(op):
            return  # no f32 anywhere (every int8 TFLM-numerics model): nothing to rewrite or check
        soft = SoftFloat(op)
        _walk(FuseOutputStage(soft), op)
        _walk(LowerF32(soft, check_supported(op)), op)
        for o in walk_ops(op):
            if any(_mentions_f32(t) for t in _op_types(o)):
                raise PassError(f"{PASS}: {o.name} still has an f32 value after the rewrite")
