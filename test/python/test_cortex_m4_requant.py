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


def short(acc, m, shift, zp, lo, hi, fold=True) -> np.ndarray:
    """The lowering's arithmetic, in int64 with every int32 intermediate checked; `fold`:
    the zero point in the addend, else added after the shift."""
    acc, m, shift = (np.asarray(v, np.int64) for v in (acc, m, shift))
    left = np.maximum(shift, 0)
    right = np.maximum(-shift, 0)
    x = acc << left
    _in_int32(x)
    t = (x * m + (1 << 30)) >> 31
    _in_int32(t)
    folded = zp * (np.int64(1) << right) if fold else 0
    addend = np.where(right > 0, (np.int64(1) << np.maximum(right - 1, 0)), 0) + folded
    sign = np.where(right > 0, t >> 31, 0)  # the lowering's sign mask where e = 0
    total = t + sign + addend
    _in_int32(t + sign, total)
    y = total >> right
    if not fold:
        y = y + zp
        _in_int32(y)
    return np.clip(y, lo, hi)


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


@pytest.mark.parametrize("zp", [-128, 5, 127])
def test_zero_point_after_the_shift_matches_tflm(zp):
    """Large exponents with |zp| = 128 (refused with the zero point folded) and accumulators
    up to 2^30 (a huge bias): the zero point added after the rounding shift."""
    rng = np.random.default_rng(zp & 0xFF)
    acc, m, shift, _ = _cases(rng, 500_000)
    shift = rng.integers(-31, 1, acc.size)
    bound = rng.integers(1, 1 << 30, acc.size)
    acc = rng.integers(-bound, bound + 1)
    acc[:1000] = np.where(rng.random(1000) < 0.5, -bound[:1000], bound[:1000])
    params = Requantiser(m, shift, bound)
    folded, after = params.exact_channels(zp, fold=True), params.exact_channels(zp, fold=False)
    assert after.all() and folded.mean() < 0.9  # every case has the form, not all the folded one
    acc, m, shift = acc[after], m[after], shift[after]
    np.testing.assert_array_equal(short(acc, m, shift, zp, -128, 127, fold=False),
                                  reference(acc, m, shift, zp, -128, 127))


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
    # per-channel shifts must be right shifts or 0 (masked rounding), no left shifts
    assert not Requantiser(np.array([1 << 30, 1 << 30]), np.array([-3, 1]), np.array([100, 100])).exact(0)
    assert Requantiser(np.array([1 << 30, 1 << 30]), np.array([-3, 0]), np.array([100, 100])).short_form(0) == (True, True)
    # zp * 2^27 overflows folded: the zero point goes after the shift
    huge = Requantiser(np.array([1 << 30, 1 << 30]), np.array([-3, -27]), np.array([100, 1 << 30]))
    assert huge.short_form(-128) == (False, False)
    assert Requantiser(np.array([1 << 30, 1 << 30]), np.array([-3, -7]), np.array([100, 100])).exact(0)
    assert Requantiser(np.array([1 << 30]), np.array([1]), np.array([1000])).exact(0)


CLAMPED_CONV = """
func.func @layer(%x: !qnn.qtensor<1x3x4x8xi8, 0.5:3>) -> !qnn.qtensor<1x3x4x8xi8, 0.05:-5> {
  %w = qnn.constant dense<WEIGHTS> : tensor<8x1x1x8xi8> -> !qnn.qtensor<8x1x1x8xi8, SCALES>
  %b = arith.constant dense<BIAS> : tensor<8xi32>
  %y = qnn.conv2d %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] groups 1 CLAMP : !qnn.qtensor<1x3x4x8xi8, 0.5:3>, !qnn.qtensor<8x1x1x8xi8, SCALES>, tensor<8xi32> -> !qnn.qtensor<1x3x4x8xi8, 0.05:-5>
  func.return %y : !qnn.qtensor<1x3x4x8xi8, 0.05:-5>
}
"""


@pytest.mark.parametrize("per_channel", [False, True])
@pytest.mark.parametrize("clamp, ssat, bounds", [
    (None, 1, ()),                          # the int8 range: SSAT alone
    ((-5, 127), 1, ("maxsi",)),             # ReLU: SSAT, then the lower bound
    ((-128, 40), 1, ("minsi",)),            # an upper bound only: SSAT, then it
    ((-5, 40), 0, ("maxsi", "minsi")),      # both inside: a max and a min, no SSAT
])
def test_lowered_clamp_matches_reference(per_channel, clamp, ssat, bounds):
    """A 1x1 conv lowered for cortex-m4 (the short stage with each clamp form), its loops run
    by the interpreter (mcuc.ssat included) against the reference executor, on outputs that
    saturate at both ends."""
    from xdsl.parser import Parser

    from tinymlir.dialects import qnn
    from tinymlir.interpreter import run_loops
    from tinymlir.pipelines import make_context, run_pipeline
    from tinymlir.reference import run_module
    from tinymlir.target import load_target, set_target

    rng = np.random.default_rng(11)
    scales = ("axis 0 {" + ", ".join(f"{s:.4f}:0" for s in rng.uniform(0.002, 0.02, 8)) + "}"
              if per_channel else "0.01:0")
    text = (CLAMPED_CONV.replace("WEIGHTS", str(rng.integers(-127, 128, (8, 1, 1, 8)).tolist()))
            .replace("BIAS", str(rng.integers(-2000, 2000, 8).tolist())).replace("SCALES", scales)
            .replace("CLAMP", f"clamp [{clamp[0]}, {clamp[1]}]" if clamp else ""))
    module = Parser(make_context(), text).parse_module()
    qnn.set_numerics(module, "tflm")
    set_target(module, load_target("cortex-m4"))
    lowered = module.clone()
    run_pipeline(lowered, "convert-qnn-to-kernel,kernel-in-place,convert-kernel-to-loops,canonicalize,cse")
    lowered.verify()
    printed = str(lowered)
    assert "fxp." not in printed  # the short stage
    assert (printed.count("mcuc.ssat") > 0) == bool(ssat)
    for name in ("maxsi", "minsi"):
        assert (f"arith.{name}" in printed) == (name in bounds)
    lo, hi = clamp or (-128, 127)
    saturated = set()
    for _ in range(3):
        x = rng.integers(-128, 128, (1, 3, 4, 8), dtype=np.int8)
        expected = run_module(module, [x])[0]
        np.testing.assert_array_equal(run_loops(lowered, [x])[0], expected)
        saturated |= set(np.unique(expected)) & {lo, hi}
    assert saturated == {lo, hi}


@pytest.mark.parametrize("zero_point", [-128, 3])
def test_pruned_channels_and_huge_bias_match_reference(zero_point):
    """Per-channel scales where channels 0 and 5 are pruned (zero weights) with a bias near
    2^30, and one channel with shift 0: the pruned channels get multiplier 0 and an addend
    giving their one output, the others the short form (SMMULR, no fxp call); the loops
    run by the interpreter against the reference executor."""
    from xdsl.parser import Parser

    from tinymlir.dialects import qnn
    from tinymlir.interpreter import run_loops
    from tinymlir.pipelines import make_context, run_pipeline
    from tinymlir.reference import run_module
    from tinymlir.target import load_target, set_target

    rng = np.random.default_rng(5)
    weights = rng.integers(-127, 128, (8, 1, 1, 8))
    weights[[0, 5]] = 0
    bias = rng.integers(-2000, 2000, 8)
    bias[0], bias[5] = (1 << 30) - 64, -(1 << 30)
    scales = [0.01, 0.004, 0.02, 0.09, 0.003, 0.0005, 0.008, 0.012]  # 0.5 * 0.09 / 0.05 = 0.9: shift 0
    text = (CLAMPED_CONV.replace("WEIGHTS", str(weights.tolist())).replace("BIAS", str(bias.tolist()))
            .replace("SCALES", "axis 0 {" + ", ".join(f"{s}:0" for s in scales) + "}").replace("CLAMP", "")
            .replace("0.05:-5", f"0.05:{zero_point}"))
    module = Parser(make_context(), text).parse_module()
    qnn.set_numerics(module, "tflm")
    set_target(module, load_target("cortex-m4"))
    lowered = module.clone()
    run_pipeline(lowered, "convert-qnn-to-kernel,kernel-in-place,convert-kernel-to-loops,canonicalize,cse")
    printed = str(lowered)
    assert "fxp." not in printed and "mcuc.smmulr" in printed
    assert "_requant_multiplier" in printed and "_requant_sign_mask" in printed
    for _ in range(3):
        x = rng.integers(-128, 128, (1, 3, 4, 8), dtype=np.int8)
        np.testing.assert_array_equal(run_loops(lowered, [x])[0], run_module(module, [x])[0])
