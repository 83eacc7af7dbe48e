"""The short requantiser of passes/kernel_to_loops/cortex_m4_requant.py against TFLM's
MultiplyByQuantizedMultiplier + zero point + clamp (tinymlir.fixedpoint), on millions of
random and edge cases that its no-overflow proof (Requantiser.exact) accepts."""

from __future__ import annotations

import numpy as np
import pytest

from tinymlir import fixedpoint as fp
from tinymlir.passes.kernel_to_loops.cortex_m4_requant import Requantiser

INT32_MIN, INT32_MAX = -(1 << 31), (1 << 31) - 1


def _in_int32(*values: np.ndarray) -> None:
    for v in values:
        assert (v >= INT32_MIN).all() and (v <= INT32_MAX).all(), "an int32 intermediate overflows"


def short(acc, m, shift, zp, lo, hi) -> np.ndarray:
    """The lowering's arithmetic, in int64 with every int32 intermediate checked."""
    acc, m, shift = (np.asarray(v, np.int64) for v in (acc, m, shift))
    left = np.maximum(shift, 0)
    right = np.maximum(-shift, 0)
    x = acc << left
    _in_int32(x)
    t = (x * m + (1 << 30)) >> 31
    _in_int32(t)
    addend = np.where(right > 0, (np.int64(1) << np.maximum(right - 1, 0)) + zp * (np.int64(1) << right), zp)
    sign = np.where(right > 0, t >> 31, 0)
    total = t + sign + addend
    _in_int32(t + sign, total)
    return np.clip(total >> right, lo, hi)


def reference(acc, m, shift, zp, lo, hi) -> np.ndarray:
    return np.clip(fp.multiply_by_quantized_multiplier(acc, m, shift) + zp, lo, hi)


def _cases(rng, n):
    m = rng.integers(1 << 30, 1 << 31, n)  # TFLM's normalised multipliers are in [2^30, 2^31)
    m[: n // 50] = rng.choice([0, 1, 1 << 30, INT32_MAX], n // 50)
    shift = rng.integers(-31, 4, n)
    bound = rng.integers(1, 1 << 24, n) >> rng.integers(0, 24, n)
    acc = rng.integers(-bound, bound + 1)
    edge = rng.random(n) < 0.1
    acc[edge] = np.where(rng.random(edge.sum()) < 0.5, -bound[edge], bound[edge])
    # ties of the rounding shift: acc * m near k * 2^(31 + e) + 2^(30 + e)
    return acc, m, shift, bound


@pytest.mark.parametrize("zp, lo, hi", [(0, -128, 127), (-128, -128, 127), (5, -128, 127), (-3, 0, 6)])
def test_short_requantiser_matches_tflm(zp, lo, hi):
    rng = np.random.default_rng(zp & 0xFF)
    acc, m, shift, bound = _cases(rng, 1_000_000)
    ok = Requantiser(m, shift, bound).exact_channels(zp)
    assert ok.mean() > 0.6  # shifts below -24 with |zp| = 128 are refused, as they must be
    acc, m, shift = acc[ok], m[ok], shift[ok]
    np.testing.assert_array_equal(short(acc, m, shift, zp, lo, hi), reference(acc, m, shift, zp, lo, hi))


def test_rounding_ties_match_tflm():
    """acc * M / 2^31 / 2^e exactly halfway, both signs, every exponent."""
    rows = []
    for e in range(1, 20):
        for k in range(-40, 40):
            # M = 2^30 makes t = round(acc / 2); choose acc so that t = k * 2^e + 2^(e-1) (a tie)
            t = k * (1 << e) + (1 << (e - 1))
            rows += [(2 * t, 1 << 30, -e), (2 * t + 1, 1 << 30, -e), (2 * t - 1, 1 << 30, -e)]
    acc, m, shift = (np.array(c, np.int64) for c in zip(*rows, strict=True))
    np.testing.assert_array_equal(short(acc, m, shift, 0, INT32_MIN, INT32_MAX),
                                  reference(acc, m, shift, 0, INT32_MIN, INT32_MAX))


def test_proof_refuses_overflow_and_negative_multipliers():
    big = np.array([INT32_MAX // 2])
    assert not Requantiser(np.array([1 << 30]), np.array([2]), big).exact(0)  # left shift overflows
    assert not Requantiser(np.array([INT32_MAX]), np.array([-20]), np.array([INT32_MAX])).exact(0)
    assert not Requantiser(np.array([-5]), np.array([-3]), np.array([100])).exact(0)
    # per-channel shifts must all be right shifts
    assert not Requantiser(np.array([1 << 30, 1 << 30]), np.array([-3, 0]), np.array([100, 100])).exact(0)
    assert Requantiser(np.array([1 << 30, 1 << 30]), np.array([-3, -7]), np.array([100, 100])).exact(0)
    assert Requantiser(np.array([1 << 30]), np.array([1]), np.array([1000])).exact(0)
