"""Bit-exact integer arithmetic of TensorFlow Lite Micro's int8 reference kernels.

This module is the semantic oracle of tinymlir: the reference executor calls it and the C
code generator must reproduce it.  Every function transliterates a named TFLM / TFLite /
gemmlowp function:

* ``tensorflow/lite/kernels/internal/common.{h,cc}`` -- ``MultiplyByQuantizedMultiplier`` and
  friends, in the *double-rounding* variant (gemmlowp ``SaturatingRoundingDoublingHighMul``
  then ``RoundingDivideByPOT``).  TFLM's default build does not define
  ``TFLITE_SINGLE_ROUNDING`` (``#if TFLITE_SINGLE_ROUNDING`` on an undefined macro is false).
* ``tensorflow/lite/kernels/internal/quantization_util.cc`` -- ``QuantizeMultiplier``,
  ``PreprocessSoftmaxScaling``, ``CalculateInputRadius`` (non-``TFLITE_EMULATE_FLOAT`` paths).
* ``tensorflow/lite/kernels/kernel_util.cc`` and ``tensorflow/lite/micro/kernels/*_common.cc``
  -- how each op derives its multipliers (note the float32 product in fully connected).
* ``tensorflow/lite/kernels/internal/reference/{softmax,requantize,quantize,dequantize}.h`` and
  ``reference/integer_ops/{add,pooling,conv,depthwise_conv,fully_connected}.h`` -- kernels.
* ``gemmlowp/fixedpoint/fixedpoint.h`` -- ``exp_on_negative_values``,
  ``one_over_one_plus_x_for_x_in_0_1`` and the raw int32 primitives.

Conventions: integer inputs may be any int ndarray (or scalar); computations use int64
ndarrays whose values are the int32 values the C code holds.  Where C would overflow an
int32 (undefined behaviour in C, two's-complement wrap on every target TFLM runs on) the
value is wrapped to int32.  No float arithmetic is used per element, except in
``quantize_float`` / ``dequantize``, which mirror float kernels.  Parameter derivation uses
Python floats (IEEE double) exactly where TFLM uses ``double`` and ``np.float32`` where it
uses ``float``.
"""

from __future__ import annotations

import math

import numpy as np

INT32_MIN = -(1 << 31)
INT32_MAX = (1 << 31) - 1

__all__ = [
    "INT32_MAX",
    "INT32_MIN",
    "activation_range_quantized",
    "add_int8",
    "add_params",
    "average_pool_divide",
    "calculate_input_radius",
    "conv_output_multipliers",
    "count_leading_zeros_u32",
    "dequantize",
    "exp_on_negative_values",
    "fully_connected_output_multiplier",
    "get_reciprocal",
    "multiply_by_quantized_multiplier",
    "multiply_by_quantized_multiplier_int64",
    "multiply_by_quantized_multiplier_greater_than_one",
    "multiply_by_quantized_multiplier_smaller_than_one_exp",
    "one_over_one_plus_x_for_x_in_0_1",
    "preprocess_softmax_scaling",
    "quantize_float",
    "quantize_multiplier",
    "quantize_multiplier_greater_than_one",
    "quantize_multiplier_smaller_than_one_exp",
    "requantize",
    "requantize_accumulator",
    "rounding_divide_by_pot",
    "rounding_half_sum",
    "saturating_rounding_doubling_high_mul",
    "saturating_rounding_multiply_by_pot",
    "softmax_int8",
    "softmax_params",
    "wrap_int32",
]


# ---------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------


def _i64(x) -> np.ndarray:
    return np.asarray(x, dtype=np.int64)


def wrap_int32(x) -> np.ndarray:
    """Reduce int64 values modulo 2**32 into the int32 range (two's-complement wrap)."""
    x = _i64(x)
    return ((x + (1 << 31)) & 0xFFFFFFFF) - (1 << 31)


def _f32(x) -> float:
    """The float32 value of ``x`` as a Python float (what a C ``float`` scale holds)."""
    return float(np.float32(x))


def _round_half_away(v: float) -> float:
    """std::round on a double: nearest, ties away from zero (exact, no +0.5 trick)."""
    a = abs(v)
    f = math.floor(a)
    r = f + 1.0 if a - f >= 0.5 else f
    return -r if v < 0 else r


def _round_half_away_f32(v: np.ndarray) -> np.ndarray:
    """std::round / roundf on float32 values, elementwise, result float32."""
    v = np.asarray(v, dtype=np.float32)
    a = np.abs(v)
    f = np.floor(a)
    r = np.where(a - f >= np.float32(0.5), f + np.float32(1.0), f).astype(np.float32)
    return np.where(v < 0, -r, r).astype(np.float32)


def _trunc_div(n, d) -> np.ndarray:
    """C integer division (truncation toward zero) for int64 arrays, d > 0."""
    n = _i64(n)
    d = _i64(d)
    q = np.abs(n) // d
    return np.where(n < 0, -q, q)


# ---------------------------------------------------------------------------------------------
# Parameter derivation (quantization_util.cc)
# ---------------------------------------------------------------------------------------------


def quantize_multiplier(real: float) -> tuple[int, int]:
    """TFLite ``QuantizeMultiplier(double, int32_t*, int*)`` (default build, no single rounding).

    Returns ``(quantized_multiplier, shift)`` with ``real ~= mult * 2**(shift - 31)``; positive
    shift means left shift.  Mirrors the ``q_fixed == 1 << 31`` renormalisation and the
    flush-to-zero ``shift < -31 -> (0, 0)``.
    """
    real = float(real)
    if real == 0.0:
        return 0, 0
    if not math.isfinite(real):
        raise ValueError(f"QuantizeMultiplier: non-finite multiplier {real!r}")
    q, shift = math.frexp(real)
    q_fixed = int(_round_half_away(q * float(1 << 31)))
    if q_fixed > (1 << 31):
        raise ValueError("QuantizeMultiplier: TFLITE_CHECK(q_fixed <= (1LL << 31)) failed")
    if q_fixed == (1 << 31):
        q_fixed //= 2
        shift += 1
    if q_fixed > INT32_MAX:
        raise ValueError("QuantizeMultiplier: q_fixed exceeds int32")
    if shift < -31:
        shift = 0
        q_fixed = 0
    return q_fixed, shift


def quantize_multiplier_smaller_than_one_exp(real: float) -> tuple[int, int]:
    """TFLite ``QuantizeMultiplierSmallerThanOneExp``: requires 0 < real < 1; shift <= 0."""
    real = float(real)
    if not (0.0 < real < 1.0):
        raise ValueError(f"QuantizeMultiplierSmallerThanOneExp needs 0 < m < 1, got {real!r}")
    mult, shift = quantize_multiplier(real)
    if shift > 0:
        raise ValueError("QuantizeMultiplierSmallerThanOneExp: TFLITE_CHECK_LE(shift, 0)")
    return mult, shift


def quantize_multiplier_greater_than_one(real: float) -> tuple[int, int]:
    """TFLite ``QuantizeMultiplierGreaterThanOne``: requires real > 1; left_shift >= 0."""
    real = float(real)
    if not real > 1.0:
        raise ValueError(f"QuantizeMultiplierGreaterThanOne needs m > 1, got {real!r}")
    mult, shift = quantize_multiplier(real)
    if shift < 0:
        raise ValueError("QuantizeMultiplierGreaterThanOne: TFLITE_CHECK_GE(left_shift, 0)")
    return mult, shift


def preprocess_softmax_scaling(
    beta: float, input_scale: float, input_integer_bits: int
) -> tuple[int, int]:
    """TFLite ``PreprocessSoftmaxScaling`` (double-rounding build: cap (1 << 31) - 1.0)."""
    max_real_multiplier = float((1 << 31) - 1)
    real = min(
        float(beta) * float(input_scale) * float(1 << (31 - input_integer_bits)),
        max_real_multiplier,
    )
    return quantize_multiplier_greater_than_one(real)


def calculate_input_radius(
    input_integer_bits: int, input_left_shift: int, total_signed_bits: int = 31
) -> int:
    """TFLite ``CalculateInputRadius`` (double arithmetic, then floor)."""
    max_input_rescaled = (
        1.0
        * ((1 << input_integer_bits) - 1)
        * float(1 << (total_signed_bits - input_integer_bits))
        / float(1 << input_left_shift)
    )
    return int(math.floor(max_input_rescaled))


def conv_output_multipliers(
    input_scale, weight_scales, output_scale, num_channels: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Per-channel multipliers of ``PopulateConvolutionQuantizationParams`` (kernel_util.cc).

    Used by CONV_2D and DEPTHWISE_CONV_2D (int8).  For each channel:
    ``QuantizeMultiplier(double(s_in) * double(s_w[c]) / double(s_out))`` -- all in double.
    A single weight scale (per-tensor) is broadcast to ``num_channels`` if given.
    """
    ws = np.atleast_1d(np.asarray(weight_scales, dtype=np.float32)).ravel()
    if num_channels is not None and ws.size == 1:
        ws = np.repeat(ws, num_channels)
    s_in = _f32(input_scale)
    s_out = _f32(output_scale)
    mults = np.empty(ws.size, dtype=np.int64)
    shifts = np.empty(ws.size, dtype=np.int64)
    for i, sw in enumerate(ws):
        mults[i], shifts[i] = quantize_multiplier(s_in * float(sw) / s_out)
    return mults, shifts


def fully_connected_output_multiplier(input_scale, weight_scale, output_scale):
    """Multiplier(s) of TFLM ``CalculateOpDataFullyConnected`` (fully_connected_common.cc).

    Per-tensor weights (a scalar or a size-1 array) go through
    ``GetQuantizedConvolutionMultipler``: the product ``s_in * s_w`` is taken in **float32**
    and only then widened to double and divided by ``double(s_out)``.  Per-channel weights
    (array of size > 1) use all-double arithmetic, like conv.  Returns ``(int, int)`` for a
    scalar weight scale, ``(int64 array, int64 array)`` for an array.
    """
    s_in = np.float32(input_scale)
    s_out = _f32(output_scale)
    if np.ndim(weight_scale) == 0:
        product = float(s_in * np.float32(weight_scale))  # float * float in C
        return quantize_multiplier(product / s_out)
    ws = np.asarray(weight_scale, dtype=np.float32).ravel()
    if ws.size == 1:
        m, s = quantize_multiplier(float(s_in * ws[0]) / s_out)
        return np.array([m], dtype=np.int64), np.array([s], dtype=np.int64)
    return conv_output_multipliers(s_in, ws, s_out)


def add_params(s1, z1, s2, z2, s_out, z_out) -> dict:
    """TFLM ``CalculateOpDataAdd`` (micro/kernels/add_common.cc) for int8 output.

    ``left_shift = 20``; ``twice_max_input_scale = 2 * double(max(s1, s2))`` (max taken on the
    float scales); each multiplier via ``QuantizeMultiplierSmallerThanOneExp``.  Also returns
    the offsets TFLM stores: ``input{1,2}_offset = -z{1,2}``, ``output_offset = z_out``.
    """
    left_shift = 20
    f1, f2, fo = _f32(s1), _f32(s2), _f32(s_out)
    twice_max_input_scale = 2.0 * max(f1, f2)
    real_input1_multiplier = f1 / twice_max_input_scale
    real_input2_multiplier = f2 / twice_max_input_scale
    real_output_multiplier = twice_max_input_scale / (float(1 << left_shift) * fo)
    m1, sh1 = quantize_multiplier_smaller_than_one_exp(real_input1_multiplier)
    m2, sh2 = quantize_multiplier_smaller_than_one_exp(real_input2_multiplier)
    mo, sho = quantize_multiplier_smaller_than_one_exp(real_output_multiplier)
    return {
        "left_shift": left_shift,
        "input1_multiplier": m1,
        "input1_shift": sh1,
        "input2_multiplier": m2,
        "input2_shift": sh2,
        "output_multiplier": mo,
        "output_shift": sho,
        "input1_offset": -int(z1),
        "input2_offset": -int(z2),
        "output_offset": int(z_out),
    }


def softmax_params(input_scale, beta: float = 1.0) -> dict:
    """TFLM ``CalculateSoftmaxParams`` (micro/kernels/softmax_common.cc), int8 input.

    ``PreprocessSoftmaxScaling(double(beta), double(s_in), kScaledDiffIntegerBits = 5)`` and
    ``diff_min = -CalculateInputRadius(5, input_left_shift)``.  ``beta`` is a float in
    ``TfLiteSoftmaxParams``, hence rounded to float32 first.
    """
    k_scaled_diff_integer_bits = 5
    mult, left_shift = preprocess_softmax_scaling(
        _f32(beta), _f32(input_scale), k_scaled_diff_integer_bits
    )
    diff_min = -calculate_input_radius(k_scaled_diff_integer_bits, left_shift)
    return {"input_multiplier": mult, "input_left_shift": left_shift, "diff_min": diff_min}


def activation_range_quantized(
    activation: str, scale, zero_point: int, qmin: int = -128, qmax: int = 127
) -> tuple[int, int]:
    """TFLite ``CalculateActivationRangeQuantized`` (kernel_util.cc).

    ``activation`` is one of ``"none"``, ``"relu"``, ``"relu6"``, ``"relu_n1_to_1"``.  The
    bounds are quantised as ``zero_point + (int)TfLiteRound(f / scale)`` in float32.
    """

    def q(f: float) -> int:
        tmp = _round_half_away_f32(np.float32(f) / np.float32(scale))
        return int(zero_point) + int(tmp)

    act = activation.lower()
    if act == "relu":
        return max(qmin, q(0.0)), qmax
    if act == "relu6":
        return max(qmin, q(0.0)), min(qmax, q(6.0))
    if act in ("relu_n1_to_1", "relu1"):
        return max(qmin, q(-1.0)), min(qmax, q(1.0))
    if act == "none":
        return qmin, qmax
    raise ValueError(f"unknown fused activation {activation!r}")


# ---------------------------------------------------------------------------------------------
# gemmlowp raw int32 primitives (fixedpoint.h), vectorised
# ---------------------------------------------------------------------------------------------


def saturating_rounding_doubling_high_mul(a, b) -> np.ndarray:
    """gemmlowp ``SaturatingRoundingDoublingHighMul<int32_t>`` (ARM VQRDMULH).

    ``(a*b + nudge) / 2**31`` with C truncating division, nudge ``2**30`` or ``1 - 2**30``;
    ``a == b == INT32_MIN`` saturates to ``INT32_MAX``.
    """
    a = _i64(a)
    b = _i64(b)
    overflow = (a == b) & (a == INT32_MIN)
    ab = a * b  # |ab| <= 2**62: exact in int64
    nudge = np.where(ab >= 0, np.int64(1 << 30), np.int64(1 - (1 << 30)))
    num = ab + nudge
    high = np.where(num >= 0, num >> 31, -((-num) >> 31))  # truncation toward zero
    return np.where(overflow, np.int64(INT32_MAX), high)


def rounding_divide_by_pot(x, exponent) -> np.ndarray:
    """gemmlowp ``RoundingDivideByPOT<int32_t>``: round-to-nearest, ties away from zero.

    ``exponent`` in [0, 31], scalar or broadcastable array.
    """
    x = _i64(x)
    e = _i64(exponent)
    if np.any(e < 0) or np.any(e > 31):
        raise ValueError("RoundingDivideByPOT: exponent must be in [0, 31]")
    mask = (np.int64(1) << e) - 1
    remainder = x & mask
    threshold = (mask >> 1) + (x < 0).astype(np.int64)
    return (x >> e) + (remainder > threshold).astype(np.int64)


def saturating_rounding_multiply_by_pot(x, exponent: int) -> np.ndarray:
    """gemmlowp ``SaturatingRoundingMultiplyByPOT<Exponent>`` on int32 raw values.

    Positive exponent: saturating left shift (thresholds exactly as gemmlowp); negative:
    ``RoundingDivideByPOT(x, -exponent)``; zero: identity.
    """
    x = _i64(x)
    if exponent == 0:
        return x
    if exponent < 0:
        return rounding_divide_by_pot(x, -exponent)
    threshold = (1 << (31 - exponent)) - 1
    result = wrap_int32(x << exponent)
    result = np.where(x > threshold, np.int64(INT32_MAX), result)
    return np.where(x < -threshold, np.int64(INT32_MIN), result)


def rounding_half_sum(a, b) -> np.ndarray:
    """gemmlowp ``RoundingHalfSum<int32_t>``: ``(a + b + sign) / 2`` with C division."""
    s = _i64(a) + _i64(b)
    sign = np.where(s >= 0, np.int64(1), np.int64(-1))
    return _trunc_div(s + sign, 2)


def count_leading_zeros_u32(x) -> np.ndarray:
    """TFLite ``CountLeadingZeros(static_cast<uint32_t>(x))`` (32 for zero), integer-only."""
    v = _i64(x) & 0xFFFFFFFF
    n = np.zeros(v.shape, dtype=np.int64)
    for s in (16, 8, 4, 2, 1):
        big = v >= (np.int64(1) << (32 - s))
        # Where the top s bits are all zero, shift them out and count them.
        n = np.where(big, n, n + s)
        v = np.where(big, v, v << s) & 0xFFFFFFFF
    return np.where(_i64(x) & 0xFFFFFFFF == 0, np.int64(32), n)


# ---------------------------------------------------------------------------------------------
# MultiplyByQuantizedMultiplier family (common.h / common.cc, double rounding)
# ---------------------------------------------------------------------------------------------


def multiply_by_quantized_multiplier(x, multiplier, shift) -> np.ndarray:
    """TFLite ``MultiplyByQuantizedMultiplier(int32_t x, int32_t m, int shift)``.

    Double-rounding variant (TFLM default): ``RoundingDivideByPOT(
    SaturatingRoundingDoublingHighMul(x * (1 << left_shift), m), right_shift)`` with
    ``left_shift = max(shift, 0)``, ``right_shift = max(-shift, 0)``.  ``multiplier`` and
    ``shift`` may be arrays broadcastable against ``x`` (per-channel along the last axis).
    """
    x = _i64(x)
    m = _i64(multiplier)
    s = _i64(shift)
    left = np.maximum(s, 0)
    right = np.maximum(-s, 0)
    shifted = wrap_int32(x * (np.int64(1) << left))
    return rounding_divide_by_pot(saturating_rounding_doubling_high_mul(shifted, m), right)


def multiply_by_quantized_multiplier_smaller_than_one_exp(x, multiplier, left_shift):
    """TFLite ``MultiplyByQuantizedMultiplierSmallerThanOneExp`` (left_shift <= 0)."""
    return rounding_divide_by_pot(
        saturating_rounding_doubling_high_mul(x, multiplier), -_i64(left_shift)
    )


def multiply_by_quantized_multiplier_greater_than_one(x, multiplier, left_shift):
    """TFLite ``MultiplyByQuantizedMultiplierGreaterThanOne`` (left_shift >= 0)."""
    shifted = wrap_int32(_i64(x) * (np.int64(1) << _i64(left_shift)))
    return saturating_rounding_doubling_high_mul(shifted, multiplier)


def multiply_by_quantized_multiplier_int64(x, multiplier, shift) -> np.ndarray:
    """TFLite ``MultiplyByQuantizedMultiplier(int64_t x, int32_t m, int shift)``.

    Used by 16x8 kernels with 64-bit accumulators: the multiplier is reduced to 16 bits and a
    single rounding shift by ``15 - shift`` is applied; result truncated to int32.
    """
    x = _i64(x)
    m = _i64(multiplier)
    s = _i64(shift)
    reduced = np.where(m < 0x7FFF0000, (m + (1 << 15)) >> 16, np.int64(0x7FFF))
    total_shift = 15 - s
    acc = x * reduced + (np.int64(1) << (total_shift - 1))
    return wrap_int32(acc >> total_shift)


# ---------------------------------------------------------------------------------------------
# gemmlowp fixed-point transcendental functions used by softmax
# ---------------------------------------------------------------------------------------------


def _fp_mul(a, b) -> np.ndarray:
    """FixedPoint ``operator*``: SaturatingRoundingDoublingHighMul on raw values."""
    return saturating_rounding_doubling_high_mul(a, b)


def _exp_on_interval_between_negative_one_quarter_and_0_excl(a) -> np.ndarray:
    """gemmlowp ``exp_on_interval_between_negative_one_quarter_and_0_excl`` (F0 -> F0)."""
    constant_term = 1895147668  # exp(-1/8)
    constant_1_over_3 = 715827883
    x = wrap_int32(_i64(a) + (1 << 28))  # a + 1/8
    x2 = _fp_mul(x, x)
    x3 = _fp_mul(x2, x)
    x4 = _fp_mul(x2, x2)
    x4_over_4 = saturating_rounding_multiply_by_pot(x4, -2)
    poly = saturating_rounding_multiply_by_pot(
        wrap_int32(_fp_mul(wrap_int32(x4_over_4 + x3), constant_1_over_3) + x2), -1
    )
    return wrap_int32(constant_term + _fp_mul(constant_term, wrap_int32(x + poly)))


def exp_on_negative_values(a, integer_bits: int = 5) -> np.ndarray:
    """gemmlowp ``exp_on_negative_values<int32_t, tIntegerBits>``: F``integer_bits`` -> F0.

    ``a`` holds raw Q``integer_bits``.``(31-integer_bits)`` values <= 0; the result is raw
    Q0.31.  Softmax uses ``integer_bits = 5`` (kScaledDiffIntegerBits).
    """
    a = _i64(a)
    k_fractional_bits = 31 - integer_bits
    one_quarter = 1 << (k_fractional_bits - 2)
    mask = one_quarter - 1
    a_mod_quarter_minus_one_quarter = wrap_int32((a & mask) - one_quarter)
    result = _exp_on_interval_between_negative_one_quarter_and_0_excl(
        saturating_rounding_multiply_by_pot(a_mod_quarter_minus_one_quarter, integer_bits)
    )
    remainder = wrap_int32(a_mod_quarter_minus_one_quarter - a)
    barrel = (
        (-2, 1672461947),
        (-1, 1302514674),
        (0, 790015084),
        (1, 290630308),
        (2, 39332535),
        (3, 720401),
        (4, 242),
    )
    for exponent, multiplier in barrel:
        if integer_bits > exponent:
            shift_amount = k_fractional_bits + exponent
            bit_set = (remainder & (np.int64(1) << shift_amount)) != 0
            result = np.where(bit_set, _fp_mul(result, multiplier), result)
    if integer_bits > 5:
        clamp = -(1 << (36 - integer_bits))  # -32.0 in the input format
        result = np.where(a < clamp, np.int64(0), result)
    return np.where(a == 0, np.int64(INT32_MAX), result)  # F0::One()


def one_over_one_plus_x_for_x_in_0_1(a) -> np.ndarray:
    """gemmlowp ``one_over_one_plus_x_for_x_in_0_1<int32_t>`` (raw Q0.31 in and out)."""
    half_denominator = rounding_half_sum(a, INT32_MAX)  # F0
    constant_48_over_17 = 1515870810  # F2
    constant_neg_32_over_17 = -1010580540  # F2
    f2_one = 1 << 29
    x = wrap_int32(constant_48_over_17 + _fp_mul(half_denominator, constant_neg_32_over_17))
    for _ in range(3):
        half_denominator_times_x = _fp_mul(half_denominator, x)  # F2
        one_minus_half_denominator_times_x = wrap_int32(f2_one - half_denominator_times_x)
        # F2 * F2 = F4, Rescale<2> is a saturating left shift by 2.
        x = wrap_int32(
            x
            + saturating_rounding_multiply_by_pot(_fp_mul(x, one_minus_half_denominator_times_x), 2)
        )
    # Rescale<0>(ExactMulByPot<-1>(x)): reinterpret as F1, then saturating shift left by 1.
    return saturating_rounding_multiply_by_pot(x, 1)


def get_reciprocal(x, x_integer_digits: int) -> tuple[np.ndarray, np.ndarray]:
    """TFLite ``GetReciprocal`` (common.h): returns ``(shifted_scale_raw, num_bits_over_unit)``.

    ``x`` must be positive (Q``x_integer_digits`` raw values).
    """
    x = _i64(x)
    headroom_plus_one = count_leading_zeros_u32(x)
    num_bits_over_unit = x_integer_digits - headroom_plus_one
    shifted_sum_minus_one = wrap_int32(
        ((x & 0xFFFFFFFF) << headroom_plus_one) - (np.int64(1) << 31)
    )
    return one_over_one_plus_x_for_x_in_0_1(shifted_sum_minus_one), num_bits_over_unit


# ---------------------------------------------------------------------------------------------
# Kernels
# ---------------------------------------------------------------------------------------------


def requantize_accumulator(acc, mult, shift, out_zp, act_min, act_max) -> np.ndarray:
    """The output stage of TFLM's int8 conv / depthwise conv / fully connected kernels.

    ``acc = MultiplyByQuantizedMultiplier(acc, mult, shift); acc += output_offset;
    acc = min(max(acc, act_min), act_max)`` (reference/integer_ops/conv.h etc.).
    ``mult`` / ``shift`` may be per-channel arrays along the last axis.
    """
    out = wrap_int32(multiply_by_quantized_multiplier(acc, mult, shift) + int(out_zp))
    return np.minimum(np.maximum(out, int(act_min)), int(act_max))


def add_int8(a, b, params: dict, out_zp, act_min, act_max) -> np.ndarray:
    """TFLite ``reference_integer_ops::AddFunc`` (integer_ops/add.h), elementwise.

    ``a`` and ``b`` must already be broadcast to the output shape.  The input offsets
    (``-zero_point``) come from ``params`` (see :func:`add_params`).
    """
    ls = int(params["left_shift"])
    input1_val = _i64(a) + int(params["input1_offset"])
    input2_val = _i64(b) + int(params["input2_offset"])
    shifted_input1_val = wrap_int32(input1_val * (1 << ls))
    shifted_input2_val = wrap_int32(input2_val * (1 << ls))
    scaled_input1_val = multiply_by_quantized_multiplier_smaller_than_one_exp(
        shifted_input1_val, params["input1_multiplier"], params["input1_shift"]
    )
    scaled_input2_val = multiply_by_quantized_multiplier_smaller_than_one_exp(
        shifted_input2_val, params["input2_multiplier"], params["input2_shift"]
    )
    raw_sum = wrap_int32(scaled_input1_val + scaled_input2_val)
    raw_output = wrap_int32(
        multiply_by_quantized_multiplier_smaller_than_one_exp(
            raw_sum, params["output_multiplier"], params["output_shift"]
        )
        + int(out_zp)
    )
    return np.minimum(np.maximum(raw_output, int(act_min)), int(act_max))


def average_pool_divide(acc_sum, count) -> np.ndarray:
    """Rounded division of TFLite ``reference_integer_ops::AveragePool`` (integer_ops/pooling.h).

    ``acc > 0 ? (acc + count/2) / count : (acc - count/2) / count`` with C truncating
    division; ``count`` (> 0) may be an array.  The caller clamps to the activation range.
    """
    acc = _i64(acc_sum)
    c = _i64(count)
    if np.any(c <= 0):
        raise ValueError("AveragePool: filter_count must be positive")
    half = c // 2
    return np.where(acc > 0, _trunc_div(acc + half, c), _trunc_div(acc - half, c))


def softmax_int8(x, params: dict, out_dtype_min: int = -128, out_bits: int = 8) -> np.ndarray:
    """TFLite ``reference_ops::Softmax<InputT, OutputT>`` (reference/softmax.h), last axis.

    int8 (or uint8) input; output type given by ``out_dtype_min`` and ``out_bits``:
    int8 (-128, 8; scale 1/256, zero point -128 as TFLM requires), uint8 (0, 8) or
    int16 (-32768, 16).  ``params`` as returned by :func:`softmax_params`.
    """
    k_accumulation_integer_bits = 12
    x = _i64(x)
    out_min = int(out_dtype_min)
    out_max = out_min + (1 << out_bits) - 1
    max_in_row = np.max(x, axis=-1, keepdims=True)
    input_diff = x - max_in_row
    valid = input_diff >= int(params["diff_min"])
    input_diff_rescaled = multiply_by_quantized_multiplier_greater_than_one(
        input_diff, params["input_multiplier"], params["input_left_shift"]
    )
    exp_in_0 = exp_on_negative_values(input_diff_rescaled, 5)
    # sum_of_exps = sum_of_exps + Rescale<12>(exp): plain (wrapping) int32 additions.
    terms = np.where(
        valid, saturating_rounding_multiply_by_pot(exp_in_0, -k_accumulation_integer_bits), 0
    )
    sum_of_exps = wrap_int32(np.sum(terms, axis=-1, keepdims=True))
    shifted_scale, num_bits_over_unit = get_reciprocal(sum_of_exps, k_accumulation_integer_bits)
    exponent = num_bits_over_unit + 31 - out_bits
    if np.any(exponent < 0) or np.any(exponent > 31):
        raise ValueError("Softmax: TFLITE_CHECK(0 <= exponent && exponent <= 31) failed")
    unsat_output = rounding_divide_by_pot(
        saturating_rounding_doubling_high_mul(shifted_scale, exp_in_0), exponent
    )
    shifted_output = unsat_output + out_min
    out = np.minimum(np.maximum(shifted_output, out_min), out_max)
    return np.where(valid, out, np.int64(out_min))


def requantize(x, in_scale, in_zp, out_scale, out_zp, act_min, act_max) -> np.ndarray:
    """TFLM QUANTIZE op for integer input: ``reference_ops::Requantize`` (requantize.h).

    Multiplier from ``QuantizeMultiplier(double(s_in) / double(s_out))``
    (micro/kernels/quantize_common.cc); per element
    ``MultiplyByQuantizedMultiplier(x - in_zp, mult, shift) + out_zp`` clamped to
    ``[act_min, act_max]`` (TFLM clamps to the output type's range).  The int8<->uint8 ``^0x80``
    fast path of TFLM gives identical values.
    """
    mult, shift = quantize_multiplier(_f32(in_scale) / _f32(out_scale))
    inp = wrap_int32(_i64(x) - int(in_zp))
    out = wrap_int32(multiply_by_quantized_multiplier(inp, mult, shift) + int(out_zp))
    return np.minimum(np.maximum(out, int(act_min)), int(act_max))


def quantize_float(x_f32, scale, zp, qmin: int = -128, qmax: int = 127) -> np.ndarray:
    """TFLite ``reference_ops::AffineQuantize`` (reference/quantize.h), float32 input.

    ``(int32_t)TfLiteRound(val / (float)scale) + zero_point``, clamped: float32 division,
    round half away from zero.  Out-of-int32-range values saturate (as ARM's VCVT does; the
    C cast is undefined there).
    """
    q = np.asarray(x_f32, dtype=np.float32) / np.float32(scale)
    r = _round_half_away_f32(q).astype(np.float64)
    r = np.clip(np.nan_to_num(r, nan=0.0), INT32_MIN, INT32_MAX).astype(np.int64)
    out = wrap_int32(r + int(zp))
    return np.minimum(np.maximum(out, int(qmin)), int(qmax))


def dequantize(q, scale, zp) -> np.ndarray:
    """TFLite ``reference_ops::Dequantize`` (reference/dequantize.h): ``float(scale) * (q - zp)``
    evaluated in float32."""
    diff = (_i64(q) - int(zp)).astype(np.float32)
    return (np.float32(scale) * diff).astype(np.float32)
