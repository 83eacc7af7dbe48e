"""Tests of tinymlir.fixedpoint against scalar transliterations of the TFLM / gemmlowp C code.

Each ``ref_*`` function below is written straight from the C source, one scalar at a time,
with Python ints and explicit int32 semantics (C truncating division, two's-complement wrap),
and is compared with the vectorised implementation on many random and extreme inputs.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from tinymlir import fixedpoint as fp  # noqa: E402

INT32_MIN = -(1 << 31)
INT32_MAX = (1 << 31) - 1


# ---------------------------------------------------------------------------------------------
# Scalar transliterations of the C code
# ---------------------------------------------------------------------------------------------


def to_i32(v: int) -> int:
    return ((v + (1 << 31)) % (1 << 32)) - (1 << 31)


def c_div(a: int, b: int) -> int:
    """C/C++ integer division: truncation toward zero."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def ref_srdhm(a: int, b: int) -> int:
    # gemmlowp SaturatingRoundingDoublingHighMul(std::int32_t, std::int32_t)
    overflow = a == b and a == INT32_MIN
    ab_64 = a * b
    nudge = (1 << 30) if ab_64 >= 0 else (1 - (1 << 30))
    ab_x2_high32 = to_i32(c_div(ab_64 + nudge, 1 << 31))
    return INT32_MAX if overflow else ab_x2_high32


def ref_rdbpot(x: int, exponent: int) -> int:
    # gemmlowp RoundingDivideByPOT(IntegerType x, int exponent)
    assert 0 <= exponent <= 31
    mask = (1 << exponent) - 1
    remainder = x & mask
    threshold = (mask >> 1) + (1 if x < 0 else 0)
    return (x >> exponent) + (1 if remainder > threshold else 0)


def ref_mbqm(x: int, quantized_multiplier: int, shift: int) -> int:
    # tflite::MultiplyByQuantizedMultiplier(int32_t, int32_t, int), double rounding
    left_shift = shift if shift > 0 else 0
    right_shift = 0 if shift > 0 else -shift
    return ref_rdbpot(ref_srdhm(to_i32(x * (1 << left_shift)), quantized_multiplier), right_shift)


def ref_mbqm_int64(x: int, quantized_multiplier: int, shift: int) -> int:
    # tflite::MultiplyByQuantizedMultiplier(int64_t, int32_t, int)
    if quantized_multiplier < 0x7FFF0000:
        reduced_multiplier = (quantized_multiplier + (1 << 15)) >> 16
    else:
        reduced_multiplier = 0x7FFF
    total_shift = 15 - shift
    x = x * reduced_multiplier + (1 << (total_shift - 1))
    return to_i32(x >> total_shift)


def ref_srmpot(x: int, exponent: int) -> int:
    # gemmlowp SaturatingRoundingMultiplyByPOT<Exponent>(int32_t)
    if exponent == 0:
        return x
    if exponent < 0:
        return ref_rdbpot(x, -exponent)
    threshold = (1 << (31 - exponent)) - 1
    result = to_i32(x * (1 << exponent))
    if x > threshold:
        result = INT32_MAX
    if x < -threshold:
        result = INT32_MIN
    return result


def ref_quantize_multiplier(real: float) -> tuple[int, int]:
    """QuantizeMultiplier computed independently with exact rationals."""
    if real == 0.0:
        return 0, 0
    f = Fraction(real)
    mag = abs(f)
    shift = 0
    while mag >= 1:
        mag /= 2
        shift += 1
    while mag < Fraction(1, 2):
        mag *= 2
        shift -= 1
    scaled = mag * (1 << 31)
    q = math.floor(scaled + Fraction(1, 2))  # std::round on the magnitude
    if q == (1 << 31):
        q //= 2
        shift += 1
    if shift < -31:
        return 0, 0
    return (q if f > 0 else -q), shift


def ref_fp_exp_interval(a: int) -> int:
    # exp_on_interval_between_negative_one_quarter_and_0_excl<int32_t>
    constant_term = 1895147668
    constant_1_over_3 = 715827883
    x = to_i32(a + (1 << 28))
    x2 = ref_srdhm(x, x)
    x3 = ref_srdhm(x2, x)
    x4 = ref_srdhm(x2, x2)
    x4_over_4 = ref_srmpot(x4, -2)
    x4_over_24_plus_x3_over_6_plus_x2_over_2 = ref_srmpot(
        to_i32(ref_srdhm(to_i32(x4_over_4 + x3), constant_1_over_3) + x2), -1
    )
    return to_i32(
        constant_term
        + ref_srdhm(constant_term, to_i32(x + x4_over_24_plus_x3_over_6_plus_x2_over_2))
    )


def ref_exp_on_negative_values(a: int, k_integer_bits: int = 5) -> int:
    # exp_on_negative_values<int32_t, tIntegerBits>
    k_fractional_bits = 31 - k_integer_bits
    k_one_quarter = 1 << (k_fractional_bits - 2)
    mask = k_one_quarter - 1
    a_mod_quarter_minus_one_quarter = to_i32((a & mask) - k_one_quarter)
    result = ref_fp_exp_interval(ref_srmpot(a_mod_quarter_minus_one_quarter, k_integer_bits))
    remainder = to_i32(a_mod_quarter_minus_one_quarter - a)
    for exponent, multiplier in (
        (-2, 1672461947),
        (-1, 1302514674),
        (0, 790015084),
        (1, 290630308),
        (2, 39332535),
        (3, 720401),
        (4, 242),
    ):
        if k_integer_bits > exponent:
            k_shift_amount = k_fractional_bits + exponent
            if remainder & (1 << k_shift_amount):
                result = ref_srdhm(result, multiplier)
    if k_integer_bits > 5:
        clamp_b = 36 - k_integer_bits
        if a < -(1 << clamp_b):
            result = 0
    if a == 0:
        result = INT32_MAX
    return result


def ref_rounding_half_sum(a: int, b: int) -> int:
    s = a + b
    sign = 1 if s >= 0 else -1
    return to_i32(c_div(s + sign, 2))


def ref_one_over_one_plus_x(a: int) -> int:
    # one_over_one_plus_x_for_x_in_0_1<int32_t>
    half_denominator = ref_rounding_half_sum(a, INT32_MAX)
    constant_48_over_17 = 1515870810
    constant_neg_32_over_17 = -1010580540
    x = to_i32(constant_48_over_17 + ref_srdhm(half_denominator, constant_neg_32_over_17))
    for _ in range(3):
        half_denominator_times_x = ref_srdhm(half_denominator, x)
        one_minus_half_denominator_times_x = to_i32((1 << 29) - half_denominator_times_x)
        x = to_i32(x + ref_srmpot(ref_srdhm(x, one_minus_half_denominator_times_x), 2))
    return ref_srmpot(x, 1)


def ref_clz32(x: int) -> int:
    return 32 - (x & 0xFFFFFFFF).bit_length()


def ref_get_reciprocal(x: int, x_integer_digits: int) -> tuple[int, int]:
    headroom_plus_one = ref_clz32(x)
    num_bits_over_unit = x_integer_digits - headroom_plus_one
    shifted_sum_minus_one = to_i32(
        (((x & 0xFFFFFFFF) << headroom_plus_one) & 0xFFFFFFFF) - (1 << 31)
    )
    return ref_one_over_one_plus_x(shifted_sum_minus_one), num_bits_over_unit


def ref_softmax_row(row, mult, left_shift, diff_min, out_min=-128, out_bits=8):
    # reference_ops::Softmax<InputT, OutputT>, one row
    out_max = out_min + (1 << out_bits) - 1
    max_in_row = max(row)
    sum_of_exps = 0
    for v in row:
        input_diff = v - max_in_row
        if input_diff >= diff_min:
            rescaled = ref_srdhm(to_i32(input_diff * (1 << left_shift)), mult)
            sum_of_exps = to_i32(
                sum_of_exps + ref_srmpot(ref_exp_on_negative_values(rescaled), -12)
            )
    shifted_scale, num_bits_over_unit = ref_get_reciprocal(sum_of_exps, 12)
    exponent = num_bits_over_unit + 31 - out_bits
    assert 0 <= exponent <= 31
    out = []
    for v in row:
        input_diff = v - max_in_row
        if input_diff >= diff_min:
            rescaled = ref_srdhm(to_i32(input_diff * (1 << left_shift)), mult)
            exp_in_0 = ref_exp_on_negative_values(rescaled)
            unsat_output = ref_rdbpot(ref_srdhm(shifted_scale, exp_in_0), exponent)
            out.append(max(min(unsat_output + out_min, out_max), out_min))
        else:
            out.append(out_min)
    return out


def ref_add_func(x, y, p, out_zp, act_min, act_max):
    # reference_integer_ops::AddFunc
    input1_val = p["input1_offset"] + x
    input2_val = p["input2_offset"] + y
    shifted_input1_val = input1_val * (1 << p["left_shift"])
    shifted_input2_val = input2_val * (1 << p["left_shift"])
    scaled_input1_val = ref_rdbpot(
        ref_srdhm(shifted_input1_val, p["input1_multiplier"]), -p["input1_shift"]
    )
    scaled_input2_val = ref_rdbpot(
        ref_srdhm(shifted_input2_val, p["input2_multiplier"]), -p["input2_shift"]
    )
    raw_sum = scaled_input1_val + scaled_input2_val
    raw_output = ref_rdbpot(ref_srdhm(raw_sum, p["output_multiplier"]), -p["output_shift"]) + out_zp
    return min(act_max, max(act_min, raw_output))


def ref_avg_pool_div(acc: int, filter_count: int) -> int:
    if acc > 0:
        return c_div(acc + filter_count // 2, filter_count)
    return c_div(acc - filter_count // 2, filter_count)


# ---------------------------------------------------------------------------------------------
# Input generators
# ---------------------------------------------------------------------------------------------

EXTREMES = [
    INT32_MIN, INT32_MIN + 1, -(1 << 30) - 1, -(1 << 30), -(1 << 30) + 1, -65536, -4097, -4096,
    -2049, -3, -2, -1, 0, 1, 2, 3, 2047, 4096, 65535, (1 << 30) - 1, 1 << 30, INT32_MAX - 1,
    INT32_MAX,
]  # fmt: skip


def random_int32(rng, n):
    kinds = rng.integers(0, 4, size=n)
    full = rng.integers(INT32_MIN, INT32_MAX, size=n, endpoint=True)
    small = rng.integers(-5000, 5000, size=n, endpoint=True)
    bits = rng.integers(0, 31, size=n)
    signs = rng.choice([-1, 1], size=n)
    pow2ish = signs * ((1 << bits) + rng.integers(-2, 3, size=n))
    ext = rng.choice(EXTREMES, size=n)
    out = np.where(
        kinds == 0, full, np.where(kinds == 1, small, np.where(kinds == 2, pow2ish, ext))
    )
    return np.clip(out, INT32_MIN, INT32_MAX).astype(np.int64)


@pytest.fixture
def rng():
    return np.random.default_rng(20240601)


# ---------------------------------------------------------------------------------------------
# Known values, checked by hand against the C source
# ---------------------------------------------------------------------------------------------


def test_quantize_multiplier_known_values():
    assert fp.quantize_multiplier(0.5) == (1 << 30, 0)
    assert fp.quantize_multiplier(1.0) == (1 << 30, 1)
    assert fp.quantize_multiplier(0.25) == (1 << 30, -1)
    assert fp.quantize_multiplier(0.75) == (3 << 29, 0)
    assert fp.quantize_multiplier(0.0) == (0, 0)
    assert fp.quantize_multiplier(-0.5) == (-(1 << 30), 0)
    # q rounds up to exactly 1 << 31: renormalised to (1 << 30, shift + 1).
    assert fp.quantize_multiplier(1.0 - 2.0**-40) == (1 << 30, 1)
    assert fp.quantize_multiplier(0.5 - 2.0**-45) == (1 << 30, 0)
    # shift < -31 flushes to zero; 2**-32 gives shift -31 and survives.
    assert fp.quantize_multiplier(1e-12) == (0, 0)
    assert fp.quantize_multiplier(2.0**-32) == (1 << 30, -31)
    assert fp.quantize_multiplier(2.0**-33) == (0, 0)
    # Tie on the 31-bit grid rounds away from zero (std::round, not banker's rounding).
    assert fp.quantize_multiplier(0.5 + 2.0**-32) == ((1 << 30) + 1, 0)
    assert fp.quantize_multiplier(0.5 + 5 * 2.0**-32) == ((1 << 30) + 3, 0)


def test_quantize_multiplier_variants():
    assert fp.quantize_multiplier_smaller_than_one_exp(0.375) == (3 << 29, -1)
    assert fp.quantize_multiplier_greater_than_one(3.0) == (3 << 29, 2)
    with pytest.raises(ValueError):
        fp.quantize_multiplier_smaller_than_one_exp(1.0)
    with pytest.raises(ValueError):
        fp.quantize_multiplier_greater_than_one(1.0)


def test_srdhm_known_values():
    f = fp.saturating_rounding_doubling_high_mul
    assert int(f(INT32_MIN, INT32_MIN)) == INT32_MAX  # the only saturating case
    assert int(f(INT32_MIN, INT32_MAX)) == -INT32_MAX
    assert int(f(INT32_MAX, INT32_MAX)) == INT32_MAX - 1
    assert int(f(1 << 30, 1 << 30)) == 1 << 29
    assert int(f(1, 1 << 30)) == 1  # +0.5 -> 1
    assert int(f(-1, 1 << 30)) == 0  # -0.5 -> 0: nudge 1 - 2**30 then truncation
    assert int(f(-3, 1 << 30)) == -1  # -1.5 -> -1
    assert int(f(3, 1 << 30)) == 2  # 1.5 -> 2


def test_rounding_divide_by_pot_known_values():
    f = fp.rounding_divide_by_pot
    cases = {
        (5, 1): 3, (-5, 1): -3, (3, 1): 2, (-3, 1): -2, (1, 1): 1, (-1, 1): -1,
        (-4, 1): -2, (-6, 2): -2, (-5, 2): -1, (-7, 2): -2, (6, 2): 2, (5, 2): 1,
        (INT32_MAX, 31): 1, (INT32_MIN, 31): -1, (-(1 << 30), 31): -1,
        ((1 << 30) - 1, 31): 0, (123, 0): 123,
    }  # fmt: skip
    for (x, e), want in cases.items():
        assert int(f(x, e)) == want, (x, e)
    with pytest.raises(ValueError):
        f(1, 32)


def test_multiply_by_quantized_multiplier_known_values():
    f = fp.multiply_by_quantized_multiplier
    assert int(f(100, 1 << 30, 0)) == 50
    assert int(f(100, 1 << 30, 1)) == 100
    assert int(f(-3, 1 << 30, 0)) == -1  # SRDHM rounds the -1.5 tie up
    assert int(f(-6, 1 << 30, -1)) == -2  # RDBPOT rounds the -1.5 tie away from zero
    assert int(f(7, 3 << 29, -2)) == 1  # 7 * 0.75 / 4 = 1.3125
    assert int(f(12345, 0, 0)) == 0


def test_average_pool_divide_known_values():
    got = fp.average_pool_divide(
        np.array([5, -5, 4, -4, 0, 7, -7, 6]), np.array([2, 2, 3, 3, 3, 4, 4, 4])
    )
    # 2.5->3, -2.5->-3, 1.33->1, -1.33->-1, 0, 1.75->2, -1.75->-2, 1.5->2
    assert got.tolist() == [3, -3, 1, -1, 0, 2, -2, 2]


# ---------------------------------------------------------------------------------------------
# Vectorised vs scalar transliterations on random / extreme int32 inputs
# ---------------------------------------------------------------------------------------------


def test_srdhm_matches_scalar(rng):
    a = np.concatenate([random_int32(rng, 20000), np.repeat(EXTREMES, len(EXTREMES))])
    b = np.concatenate([random_int32(rng, 20000), np.tile(EXTREMES, len(EXTREMES))])
    got = fp.saturating_rounding_doubling_high_mul(a, b)
    want = [ref_srdhm(int(x), int(y)) for x, y in zip(a, b, strict=True)]
    assert got.dtype == np.int64
    assert got.tolist() == want


def test_rdbpot_matches_scalar(rng):
    x = random_int32(rng, 20000)
    e = rng.integers(0, 32, size=x.size)
    got = fp.rounding_divide_by_pot(x, e)
    assert got.tolist() == [ref_rdbpot(int(v), int(k)) for v, k in zip(x, e, strict=True)]
    for k in range(32):  # scalar exponent, every value
        xs = np.array(EXTREMES)
        assert fp.rounding_divide_by_pot(xs, k).tolist() == [ref_rdbpot(v, k) for v in EXTREMES]


def test_srmpot_matches_scalar(rng):
    x = random_int32(rng, 5000)
    for e in (-12, -2, -1, 0, 1, 2, 5):
        got = fp.saturating_rounding_multiply_by_pot(x, e)
        assert got.tolist() == [ref_srmpot(int(v), e) for v in x], e


def test_mbqm_matches_scalar(rng):
    n = 20000
    x = random_int32(rng, n)
    mult = rng.integers(1 << 30, INT32_MAX, size=n, endpoint=True)
    mult[::50] = rng.choice([0, 1, 12345, 1 << 30, INT32_MAX], size=mult[::50].size)
    shift = rng.integers(-31, 31, size=n)
    got = fp.multiply_by_quantized_multiplier(x, mult, shift)
    want = [ref_mbqm(int(a), int(m), int(s)) for a, m, s in zip(x, mult, shift, strict=True)]
    assert got.tolist() == want
    assert got.min() >= INT32_MIN and got.max() <= INT32_MAX


def test_mbqm_per_channel_broadcast(rng):
    acc = rng.integers(-(1 << 20), 1 << 20, size=(2, 5, 5, 8))
    mult = rng.integers(1 << 30, INT32_MAX, size=8)
    shift = rng.integers(-12, 2, size=8)
    got = fp.multiply_by_quantized_multiplier(acc, mult, shift)
    assert got.shape == acc.shape
    for idx in np.ndindex(*acc.shape):
        c = idx[-1]
        assert got[idx] == ref_mbqm(int(acc[idx]), int(mult[c]), int(shift[c]))


def test_mbqm_int64_matches_scalar(rng):
    n = 5000
    x = rng.integers(-(1 << 47), 1 << 47, size=n)
    mult = rng.integers(1 << 30, INT32_MAX, size=n, endpoint=True)
    shift = rng.integers(-31, 8, size=n)
    got = fp.multiply_by_quantized_multiplier_int64(x, mult, shift)
    assert got.tolist() == [
        ref_mbqm_int64(int(a), int(m), int(s)) for a, m, s in zip(x, mult, shift, strict=True)
    ]


def test_quantize_multiplier_matches_exact_rational(rng):
    reals = np.concatenate([
        10.0 ** rng.uniform(-12, 4, size=3000),
        rng.uniform(0, 1, size=1000),
        [2.0**k for k in range(-40, 20)],
        [np.nextafter(2.0**k, 0) for k in range(-40, 20)],
    ])  # fmt: skip
    for r in reals:
        assert fp.quantize_multiplier(float(r)) == ref_quantize_multiplier(float(r)), r
        m, s = fp.quantize_multiplier(float(r))
        if m:
            assert (1 << 30) <= m <= INT32_MAX
            assert abs(m * 2.0 ** (s - 31) - r) <= r * 2.0**-30


def test_exp_on_negative_values_matches_scalar(rng):
    a = np.concatenate([
        -rng.integers(0, 1 << 31, size=5000),
        -rng.integers(0, 1 << 26, size=3000),
        [0, -1, -(1 << 24), -(1 << 26), -(1 << 30), INT32_MIN],
    ])  # fmt: skip
    got = fp.exp_on_negative_values(a, 5)
    assert got.tolist() == [ref_exp_on_negative_values(int(v)) for v in a]
    # And it is exp(): Q5.26 input, Q0.31 output.
    real = np.exp(a / 2.0**26)
    assert np.max(np.abs(got / 2.0**31 - real)) < 5e-7


def test_one_over_one_plus_x_and_reciprocal(rng):
    a = rng.integers(0, INT32_MAX, size=3000, endpoint=True)
    got = fp.one_over_one_plus_x_for_x_in_0_1(a)
    assert got.tolist() == [ref_one_over_one_plus_x(int(v)) for v in a]
    assert np.max(np.abs(got / 2.0**31 - 1.0 / (1.0 + a / 2.0**31))) < 1e-8
    sums = rng.integers(1, INT32_MAX, size=3000, endpoint=True)
    scale, nbits = fp.get_reciprocal(sums, 12)
    want = [ref_get_reciprocal(int(v), 12) for v in sums]
    assert scale.tolist() == [w[0] for w in want]
    assert nbits.tolist() == [w[1] for w in want]
    assert fp.count_leading_zeros_u32(np.array([0, 1, 2, 3, 1 << 19, INT32_MAX, -1])).tolist() == [
        32, 31, 30, 30, 12, 1, 0,
    ]  # fmt: skip


def test_average_pool_divide_matches_scalar(rng):
    count = rng.integers(1, 65, size=20000)
    acc = rng.integers(-128, 128, size=20000) * count + rng.integers(-64, 64, size=20000)
    got = fp.average_pool_divide(acc, count)
    assert got.tolist() == [
        ref_avg_pool_div(int(a), int(c)) for a, c in zip(acc, count, strict=True)
    ]


# ---------------------------------------------------------------------------------------------
# Parameter derivation
# ---------------------------------------------------------------------------------------------


def test_conv_output_multipliers_all_double(rng):
    s_in = float(np.float32(0.0235))
    s_out = float(np.float32(0.0712))
    ws = rng.uniform(1e-4, 1e-1, size=16).astype(np.float32)
    m, s = fp.conv_output_multipliers(s_in, ws, s_out)
    assert m.dtype == np.int64 and s.dtype == np.int64
    for c in range(16):
        assert (m[c], s[c]) == ref_quantize_multiplier(s_in * float(ws[c]) / s_out)
    m1, s1 = fp.conv_output_multipliers(s_in, ws[:1], s_out, num_channels=4)
    assert m1.tolist() == [m[0]] * 4 and s1.tolist() == [s[0]] * 4


def test_fully_connected_uses_float32_product(rng):
    n_diff = 0
    for _ in range(200):
        s_in, s_w, s_out = (float(v) for v in rng.uniform(1e-3, 1.0, size=3).astype(np.float32))
        got = fp.fully_connected_output_multiplier(s_in, s_w, s_out)
        f32_product = float(np.float32(s_in) * np.float32(s_w))
        assert got == ref_quantize_multiplier(f32_product / s_out)
        n_diff += got != ref_quantize_multiplier(s_in * s_w / s_out)
    assert n_diff > 0  # float32 vs double product matters (TFLM vs TFLite reference)
    # Per-channel FC weights use the all-double path, like conv.
    ws = rng.uniform(1e-3, 1e-1, size=6).astype(np.float32)
    m, s = fp.fully_connected_output_multiplier(0.05, ws, 0.1)
    assert (m.tolist(), s.tolist()) == tuple(
        x.tolist() for x in fp.conv_output_multipliers(0.05, ws, 0.1)
    )


def test_add_params_values():
    p = fp.add_params(0.5, 3, 0.25, -7, 1.0, 1)
    assert p["left_shift"] == 20
    # real multipliers: 0.5 / 1.0 = 0.5, 0.25 / 1.0 = 0.25, 1.0 / (2**20 * 1.0) = 2**-20
    assert (p["input1_multiplier"], p["input1_shift"]) == (1 << 30, 0)
    assert (p["input2_multiplier"], p["input2_shift"]) == (1 << 30, -1)
    assert (p["output_multiplier"], p["output_shift"]) == (1 << 30, -19)
    assert (p["input1_offset"], p["input2_offset"], p["output_offset"]) == (-3, 7, 1)


def test_softmax_params_values():
    p = fp.softmax_params(1.0 / 16)
    # 1/16 * 2**26 = 2**22 -> (1 << 30, 23); radius = floor(31 * 2**26 / 2**23) = 248
    assert p == {"input_multiplier": 1 << 30, "input_left_shift": 23, "diff_min": -248}
    p = fp.softmax_params(np.float32(0.1))
    real = float(np.float32(0.1)) * 2.0**26
    assert (p["input_multiplier"], p["input_left_shift"]) == ref_quantize_multiplier(real)
    assert p["diff_min"] == -math.floor(31 * 2.0**26 / 2.0 ** p["input_left_shift"])


def test_activation_range_quantized():
    assert fp.activation_range_quantized("none", 0.1, 5) == (-128, 127)
    assert fp.activation_range_quantized("relu", 0.1, -20) == (-20, 127)
    assert fp.activation_range_quantized("relu6", 0.05, -128) == (-128, -8)
    assert fp.activation_range_quantized("relu6", 0.01, -128) == (-128, 127)


# ---------------------------------------------------------------------------------------------
# Kernels
# ---------------------------------------------------------------------------------------------


def test_requantize_accumulator(rng):
    acc = rng.integers(-(1 << 24), 1 << 24, size=(4, 7, 10))
    mult = rng.integers(1 << 30, INT32_MAX, size=10)
    shift = rng.integers(-20, -5, size=10)
    got = fp.requantize_accumulator(acc, mult, shift, -5, -128, 100)
    for idx in np.ndindex(*acc.shape):
        c = idx[-1]
        want = min(max(ref_mbqm(int(acc[idx]), int(mult[c]), int(shift[c])) - 5, -128), 100)
        assert got[idx] == want


def test_add_int8_matches_scalar_and_float(rng):
    for _ in range(20):
        s1, s2, so = (float(v) for v in rng.uniform(0.01, 0.2, size=3).astype(np.float32))
        so = max(so, 0.5 * max(s1, s2))  # keep the output multiplier < 1 (a TFLM CHECK)
        z1, z2, zo = (int(v) for v in rng.integers(-128, 128, size=3))
        p = fp.add_params(s1, z1, s2, z2, so, zo)
        a = rng.integers(-128, 128, size=500)
        b = rng.integers(-128, 128, size=500)
        got = fp.add_int8(a, b, p, zo, -128, 127)
        assert got.tolist() == [
            ref_add_func(int(x), int(y), p, zo, -128, 127) for x, y in zip(a, b, strict=True)
        ]
        real = (s1 * (a - z1) + s2 * (b - z2)) / so + zo
        unclamped = (real > -128.5) & (real < 127.5)
        assert np.max(np.abs(got - np.clip(np.round(real), -128, 127))[unclamped]) <= 1


def test_requantize_int8(rng):
    x = np.arange(-128, 128)
    # Same scale: a pure zero-point shift.
    assert (
        fp.requantize(x, 0.5, 3, 0.5, -4, -128, 127).tolist() == np.clip(x - 7, -128, 127).tolist()
    )
    for _ in range(20):
        si, so = (float(v) for v in rng.uniform(0.01, 1.0, size=2).astype(np.float32))
        zi, zo = (int(v) for v in rng.integers(-128, 128, size=2))
        m, s = ref_quantize_multiplier(si / so)
        got = fp.requantize(x, si, zi, so, zo, -128, 127)
        assert got.tolist() == [min(max(ref_mbqm(int(v) - zi, m, s) + zo, -128), 127) for v in x]
    # int8 -> uint8 with the same scale (TFLM's ^0x80 fast path) is x + 128.
    assert fp.requantize(x, 0.3, 0, 0.3, 128, 0, 255).tolist() == (x + 128).tolist()


def test_quantize_float_and_dequantize():
    x = np.array([1.25, -1.25, 0.75, -0.75, 0.2, 100.0, -100.0], dtype=np.float32)
    # x / 0.5 = 2.5, -2.5, 1.5, -1.5, 0.4, 200, -200: ties away from zero, then clamp.
    assert fp.quantize_float(x, 0.5, 0, -128, 127).tolist() == [3, -3, 2, -2, 0, 127, -128]
    assert fp.quantize_float(x, 0.5, 10, -128, 127).tolist() == [13, 7, 12, 8, 10, 127, -128]
    # The largest float32 below 0.5 rounds to 0 (a naive floor(x + 0.5) in float32 gives 1).
    assert (
        fp.quantize_float(np.float32(np.nextafter(np.float32(0.5), np.float32(0))), 1.0, 0).tolist()
        == 0
    )
    q = np.arange(-128, 128)
    d = fp.dequantize(q, np.float32(0.0235), -3)
    assert d.dtype == np.float32
    assert np.array_equal(d, np.float32(0.0235) * (q + 3).astype(np.float32))
    assert np.array_equal(fp.quantize_float(d, np.float32(0.0235), -3), q)


def _float_softmax_q(x, scale):
    z = (x - x.max(axis=-1, keepdims=True)) * float(scale)
    e = np.exp(z)
    p = e / e.sum(axis=-1, keepdims=True)
    return np.clip(np.round(p * 256.0) - 128, -128, 127)


def test_softmax_int8_matches_scalar_and_float(rng):
    rows_checked = 0
    for _ in range(60):
        depth = int(rng.integers(2, 40))
        scale = np.float32(10 ** rng.uniform(-2.3, -0.3))
        p = fp.softmax_params(scale)
        x = rng.integers(-128, 128, size=(3, depth))
        if rng.random() < 0.3:
            x[:, 0] = 127  # a dominant logit, small probabilities elsewhere
        got = fp.softmax_int8(x, p)
        assert got.shape == x.shape
        for r in range(x.shape[0]):
            want = ref_softmax_row(
                [int(v) for v in x[r]], p["input_multiplier"], p["input_left_shift"], p["diff_min"]
            )
            assert got[r].tolist() == want
            rows_checked += 1
        assert np.max(np.abs(got - _float_softmax_q(x, scale))) <= 1
        # Sum of dequantised probabilities is 1 up to half an LSB per element.
        probs = (got + 128) / 256.0
        assert np.all(np.abs(probs.sum(axis=-1) - 1.0) <= depth * 0.5 / 256 + 1e-9)
    assert rows_checked == 180


def test_softmax_int8_exact_rows():
    p = fp.softmax_params(np.float32(0.1))
    # Four equal logits: sum = 4 * 2**19 = 2**21, reciprocal exactly INT32_MAX,
    # output RDBPOT(INT32_MAX - 1, 25) = 64 -> 64 - 128 = -64 (0.25 * 256).
    assert fp.softmax_int8(np.full((1, 4), 7), p).tolist() == [[-64, -64, -64, -64]]
    # Two equal logits: 0.5 -> 128 - 128 = 0.
    assert fp.softmax_int8(np.array([-3, -3]), p).tolist() == [0, 0]
    # One dominant logit, all others below diff_min: 256 - 128 saturates to 127; others -128.
    big = fp.softmax_params(np.float32(0.5))
    assert big["diff_min"] > -255
    row = np.array([127, -128, -128, -128, -128])
    assert fp.softmax_int8(row, big).tolist() == [127, -128, -128, -128, -128]


def test_softmax_uint8_and_int16_outputs(rng):
    p = fp.softmax_params(np.float32(0.07))
    x = rng.integers(-128, 128, size=(5, 12))
    for out_min, bits in ((0, 8), (-32768, 16)):
        got = fp.softmax_int8(x, p, out_dtype_min=out_min, out_bits=bits)
        for r in range(5):
            want = ref_softmax_row(
                [int(v) for v in x[r]], p["input_multiplier"], p["input_left_shift"], p["diff_min"],
                out_min, bits,
            )  # fmt: skip
            assert got[r].tolist() == want
    u8 = fp.softmax_int8(x, p, out_dtype_min=0, out_bits=8)
    assert np.array_equal(u8, fp.softmax_int8(x, p) + 128)
