"""The onnx numerics mode: tinymlir/onnx_numerics.py against independent float32
arithmetic, the interpreter's f32 ops against numpy float32, the mode attribute, the
importer's automatic choice, the driver's flags and the header's record.

The independent arithmetic is written with Python's `struct` rounding to float32 after
each double operation (exact for +, -, *, / of float32 operands: double has more than
2 * 24 + 2 bits), so it does not share numpy's float32 code paths with the module.
"""

from __future__ import annotations

import math
import struct

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from xdsl.dialects.builtin import ModuleOp

from tinymlir import onnx_numerics as onnx_fp
from tinymlir.dialects import qnn
from tinymlir.errors import OnnxImportError
from tinymlir.frontend.onnx import choose_numerics, import_onnx
from tinymlir.interpreter import Float32Functions, _ieee_maximum, _ieee_minimum

F32 = np.float32


def r32(value: float) -> float:
    """Round a double to the nearest float32 (ties to even), inf on overflow."""
    if math.isinf(value) or math.isnan(value):
        return value
    try:
        return struct.unpack("f", struct.pack("f", value))[0]
    except OverflowError:  # struct refuses values beyond FLT_MAX; RNE overflows to inf there
        return math.copysign(math.inf, value)


def rint_clamp(v: float, zy: int, lo: int, hi: int) -> int:
    v = min(max(v, float(lo - zy)), float(hi - zy))
    return int(round(v)) + zy  # Python's round is half to even


scales = st.floats(1e-6, 10.0).map(r32)
ints8 = st.integers(-128, 127)


@settings(max_examples=300, deadline=None)
@given(acc=st.integers(-(2**31), 2**31 - 1), sx=scales, sw=scales, sy=scales, zy=ints8)
def test_conv_output_stage_matches_scalar_float32(acc, sx, sw, sy, zy):
    s = r32(r32(sx * sw) / sy)
    if math.isinf(s):
        return
    want = rint_clamp(r32(r32(float(acc)) * s), zy, -128, 127)
    scales_c = onnx_fp.conv_output_scales(sx, [sw], sy)
    assert float(scales_c[0]) == s
    got = onnx_fp.requantize_accumulator(np.array([acc]), scales_c, zy, -128, 127)
    assert int(got[0]) == want


def test_accumulator_to_float_rounds_to_nearest_even_above_2_pow_24():
    # 2**24 + 1 is a tie between 2**24 and 2**24 + 2: even wins (2**24); + 3 rounds up to + 4.
    values = np.array([2**24 + 1, 2**24 + 3, -(2**24 + 1), 2**31 - 1, -(2**31)])
    got = onnx_fp.to_f32(values)
    assert got.tolist() == [2.0**24, 2.0**24 + 4, -(2.0**24), 2.0**31, -(2.0**31)]


def test_rounding_is_half_to_even_after_the_float_clamp():
    v = np.array([0.5, 1.5, 2.5, -0.5, -1.5, 200.0, -200.0], F32)
    assert onnx_fp.clamp_round(v, 0, -128, 127).tolist() == [0, 2, 2, 0, -2, 127, -128]
    # The clamp is on the bounds minus the zero point, in float, before rounding.
    assert onnx_fp.clamp_round(np.array([126.7], F32), 3, -128, 127).tolist() == [127]


@settings(max_examples=300, deadline=None)
@given(a=ints8, b=ints8, za=ints8, zb=ints8, sa=scales, sb=scales, sy=scales, zy=ints8)
def test_add_matches_scalar_float32(a, b, za, zb, sa, sb, sy, zy):
    total = r32(r32(r32(float(a - za)) * sa) + r32(r32(float(b - zb)) * sb))
    want = rint_clamp(r32(total / sy), zy, -128, 127)
    got = onnx_fp.add(np.array([a]), za, sa, np.array([b]), zb, sb, sy, zy, -128, 127)
    assert int(got[0]) == want


@settings(max_examples=200, deadline=None)
@given(taps=st.lists(ints8, min_size=1, max_size=9), zx=ints8, sx=scales, sy=scales, zy=ints8)
def test_average_pool_sums_sequentially(taps, zx, sx, sy, zy):
    t = 0.0
    for x in taps:
        t = r32(t + r32(r32(float(x - zx)) * sx))
    want = rint_clamp(r32(r32(t / float(len(taps))) / sy), zy, -128, 127)
    windows = np.array(taps + [0] * (9 - len(taps)), np.int64).reshape(1, 1, 1, 3, 3, 1)
    valid = (np.arange(9) < len(taps)).reshape(1, 1, 1, 3, 3, 1)
    got = onnx_fp.average_pool(windows, valid, zx, sx, sy, zy, -128, 127)
    assert int(got.reshape(-1)[0]) == want


def test_average_pool_is_sequential_not_pairwise():
    """2**24 then fifteen 1s: sequentially each + 1 is a tie that rounds back to 2**24 (a
    pairwise sum, as np.sum does, would keep them: 2**24 + 16)."""
    terms = np.array([2**24] + [1] * 15, np.int64)
    windows = terms.reshape(1, 1, 1, 4, 4, 1)
    valid = np.ones_like(windows, bool)
    mean = onnx_fp.average_pool(windows, valid, 0, 1.0, 1.0, 0, -(2**31), 2**31 - 1)
    assert int(mean.reshape(-1)[0]) == 2**24 // 16


def test_softmax_table_and_sequential_sum():
    x = np.array([[3, 1, -2, 3]])
    sx, sy = 0.5, 1 / 256
    table = onnx_fp.softmax_exp_table(sx)
    assert table[0] == 1.0 and table[2] == F32(math.exp(-1.0))
    e = [float(table[3 - v]) for v in x[0]]
    s = 0.0
    for v in e:
        s = r32(s + v)
    want = [rint_clamp(r32(r32(v / s) / sy), -128, -128, 127) for v in e]
    assert onnx_fp.softmax(x, sx, 1.0, sy, -128, -128, 127)[0].tolist() == want


def test_scales_that_could_make_nan_are_refused():
    with pytest.raises(ValueError, match="too large"):
        onnx_fp.check_dequantised_range(1e37)
    onnx_fp.check_dequantised_range(1e30)
    with pytest.raises(ValueError, match="overflows float32"):
        onnx_fp.conv_output_scales(1e20, [1.0], 1e-20)


# --------------------------------------------------------------------------------------
# The interpreter's f32 ops: one float32 rounding each (xDSL's own are double)
# --------------------------------------------------------------------------------------

special = st.sampled_from([0.0, -0.0, 1e-45, -1e-45, 1.1754942e-38, 3.4028235e38, -3.4028235e38,
                           0.5, 1.5, 2.5, -2.5, 16777217.0, math.inf, -math.inf])
f32s = st.one_of(st.floats(width=32, allow_nan=False), special).map(r32)


class _Op:
    """Stands in for an op: the interpreter functions read only the result / input types."""

    def __init__(self, result_type, input_type=None):
        self.result = type("R", (), {"type": result_type})()
        self.input = type("I", (), {"type": input_type})()


@settings(max_examples=300, deadline=None)
@given(a=f32s, b=f32s)
def test_interpreter_float_ops_round_once_to_float32(a, b):
    from xdsl.dialects.builtin import f32

    impl = Float32Functions()
    op = _Op(f32)
    with np.errstate(all="ignore"):
        for run, reference in (
            (impl.run_addf, F32(a) + F32(b)),
            (impl.run_mulf, F32(a) * F32(b)),
            (impl.run_divf, np.divide(F32(a), F32(b))),
        ):
            (got,) = run(None, op, (a, b)).values
            want = float(reference)
            assert (math.isnan(got) and math.isnan(want)) or (got == want and math.copysign(1, got) == math.copysign(1, want))
    (rounded,) = impl.run_roundeven(None, op, (a,)).values
    assert rounded == float(np.rint(F32(a))) or math.isnan(a)


def test_interpreter_min_max_order_zeros_and_propagate_nan():
    assert math.copysign(1, _ieee_maximum(-0.0, 0.0)) == 1
    assert math.copysign(1, _ieee_minimum(0.0, -0.0)) == -1
    assert math.isnan(_ieee_maximum(math.nan, 1.0)) and math.isnan(_ieee_minimum(1.0, math.nan))


def test_interpreter_int_to_float_rounds_to_nearest_even():
    from xdsl.dialects.builtin import f32, i32

    impl = Float32Functions()
    op = _Op(f32, i32)
    assert impl.run_sitofp(None, op, (2**24 + 1,)).values == (2.0**24,)
    assert impl.run_sitofp(None, op, (2**24 + 3,)).values == (2.0**24 + 4,)


# --------------------------------------------------------------------------------------
# The mode: attribute, importer, driver, header
# --------------------------------------------------------------------------------------


def test_numerics_of_defaults_to_tflm_and_reads_the_enclosing_module():
    inner, outer = ModuleOp([]), ModuleOp([])
    outer.body.block.add_op(inner)
    assert qnn.numerics_of(inner) == qnn.Numerics.TFLM
    qnn.set_numerics(outer, "onnx")
    assert qnn.numerics_of(inner) == qnn.Numerics.ONNX
    qnn.set_numerics(inner, qnn.Numerics.TFLM)
    assert qnn.numerics_of(inner) == qnn.Numerics.TFLM


def test_importer_chooses_by_producer(valid_model, copy_model):
    model = copy_model(valid_model("qdq_add"))
    assert choose_numerics(model, None)[0] == qnn.Numerics.ONNX
    model.producer_name = "tf2onnx"
    assert choose_numerics(model, "auto") == (qnn.Numerics.TFLM, "auto: producer 'tf2onnx'")
    assert choose_numerics(model, "onnx") == (qnn.Numerics.ONNX, "requested")
    assert qnn.numerics_of(import_onnx(model)) == qnn.Numerics.TFLM
    assert qnn.numerics_of(import_onnx(model, numerics="onnx")) == qnn.Numerics.ONNX
    with pytest.raises(OnnxImportError, match="unknown numerics 'fp16'"):
        import_onnx(model, numerics="fp16")


def test_driver_prints_the_choice(tinymlir_opt, onnx_inputs_dir, models_dir, tmp_path):
    proc = tinymlir_opt(onnx_inputs_dir / "qdq_add.onnx", "--pipeline=qnn")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.splitlines() == [
        "tinymlir-opt: numerics: onnx (auto: producer 'tinymlir-test-graphs')"
    ]
    assert "qnn.numerics = #qnn.numerics<onnx>" in proc.stdout
    proc = tinymlir_opt(models_dir / "kws_dscnn.onnx", "--pipeline=qnn", "--numerics=onnx")
    assert proc.stderr.splitlines() == ["tinymlir-opt: numerics: onnx (requested)"]
    proc = tinymlir_opt(models_dir / "kws_dscnn.onnx", "--pipeline=mcu", "-o", tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "tinymlir-opt: numerics: tflm (auto: producer 'tf2onnx')" in proc.stderr.splitlines()
    header = (tmp_path / "kws_dscnn.h").read_text()
    assert '#define KWS_DSCNN_NUMERICS "tflm"' in header


@pytest.mark.parametrize(
    "args, message",
    [
        (("--numerics=fp16",), "tinymlir-opt: error: unknown --numerics 'fp16'; expected auto, tflm or onnx"),
        (("--fpu",), "tinymlir-opt: error: --fpu selects the C of --pipeline=mcu; add --pipeline=mcu"),
    ],
)
def test_driver_refuses_bad_flags(tinymlir_opt, onnx_inputs_dir, args, message):
    proc = tinymlir_opt(onnx_inputs_dir / "qdq_add.onnx", *args)
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [message]


def test_driver_fpu_keeps_float_arithmetic_native(tinymlir_opt, onnx_inputs_dir, tmp_path):
    """--fpu: the onnx stages stay C float (a Cortex-M4F); without it the C has no float."""
    import re

    for flags, has_float in (((), False), (("--fpu",), True)):
        out = tmp_path / ("fpu" if flags else "soft")
        proc = tinymlir_opt(onnx_inputs_dir / "qdq_add.onnx", "--pipeline=mcu", *flags, "-o", f"{out}/")
        assert proc.returncode == 0, proc.stderr
        source = (out / "qdq_add.c").read_text()
        assert bool(re.search(r"\bfloat\b", source)) == has_float
        assert not re.search(r"\bdouble\b", source)
        assert '#define QDQ_ADD_NUMERICS "onnx"' in (out / "qdq_add.h").read_text()
