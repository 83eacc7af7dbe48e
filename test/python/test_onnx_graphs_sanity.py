"""Sanity checks for the ONNX test-graph library in ``onnx_graphs.py``.

Each valid graph passes the full onnx checker and runs in onnxruntime with outputs
of the declared dtype and shape. Each malformed input is broken in the intended way
and only that way: it fails to parse, or the checker and onnxruntime reject it, or it
is a well-formed model with the one property that tinymlir must reject.
"""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

import numpy as np
import onnx
import pytest
from google.protobuf.message import DecodeError
from onnx import helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import onnx_graphs as G  # noqa: E402

ort = pytest.importorskip("onnxruntime")

QDQ_OPS = {"QuantizeLinear", "DequantizeLinear"}


@functools.cache
def _valid(name: str) -> onnx.ModelProto:
    return G.VALID_GRAPHS[name]()


@functools.cache
def _malformed(name: str):
    return G.MALFORMED[name]()


def _declared(vi: onnx.ValueInfoProto) -> tuple[np.dtype, tuple[int, ...]]:
    tt = vi.type.tensor_type
    return (
        np.dtype(helper.tensor_dtype_to_np_dtype(tt.elem_type)),
        tuple(d.dim_value for d in tt.shape.dim),
    )


def _inits(m: onnx.ModelProto) -> dict[str, np.ndarray]:
    return {t.name: numpy_helper.to_array(t) for t in m.graph.initializer}


# --------------------------------------------------------------------------------------
# valid graphs
# --------------------------------------------------------------------------------------


def test_registry_names_are_unique_and_disjoint():
    assert not set(G.VALID_GRAPHS) & set(G.MALFORMED)
    assert set(G.MALFORMED) == set(G.MALFORMED_EXPECTED)
    for fn in [*G.VALID_GRAPHS.values(), *G.MALFORMED.values()]:
        assert fn.__doc__ and fn.__doc__.strip(), fn.__name__


@pytest.mark.parametrize("name", sorted(G.VALID_GRAPHS))
def test_valid_graph_checks_and_runs(name):
    m = _valid(name)
    onnx.checker.check_model(m, full_check=True)
    assert m.graph.name == name
    assert all(n.name for n in m.graph.node), "every node has a readable name"

    inputs = G.random_inputs(m, seed=0)
    for vi, x in zip(m.graph.input, inputs, strict=True):
        dtype, shape = _declared(vi)
        assert x.dtype == dtype and x.shape == shape

    for optimize in (True, False):
        outs = G.run_onnxruntime(m, inputs, optimize=optimize)
        assert len(outs) == len(m.graph.output)
        for vi, y in zip(m.graph.output, outs, strict=True):
            dtype, shape = _declared(vi)
            assert y.dtype == dtype, (vi.name, y.dtype, dtype)
            assert y.shape == shape, (vi.name, y.shape, shape)


@pytest.mark.parametrize("name", sorted(G.VALID_GRAPHS))
def test_valid_graph_is_deterministic_and_small(name):
    m1 = _valid(name)
    m2 = G.VALID_GRAPHS[name]()
    assert m1.SerializeToString() == m2.SerializeToString()
    for t in m1.graph.initializer:
        assert np.prod(t.dims, dtype=np.int64) <= 4096, t.name


@pytest.mark.parametrize("name", sorted(G.VALID_GRAPHS))
def test_valid_graph_quantisation_is_realistic(name):
    """int8/uint8 I/O (unless float_io), int8 weights, int32 biases, sane scales and zps."""
    m = _valid(name)
    inits = _inits(m)
    want_io = np.float32 if name.endswith("float_io") else None
    for vi in [*m.graph.input, *m.graph.output]:
        dtype, _ = _declared(vi)
        if want_io is not None:
            assert dtype == want_io
        else:
            assert dtype in (np.int8, np.uint8), (vi.name, dtype)
    for key, arr in inits.items():
        if key.endswith("_scale"):
            assert arr.dtype == np.float32
            assert np.all(arr > 0) and np.all(arr < 10), key
        if key.endswith("_w"):
            assert arr.dtype == np.int8, key
            assert arr.min() >= -127 and arr.max() <= 127
        if key.endswith("_b"):
            assert arr.dtype == np.int32, key
    ops = {n.op_type for n in m.graph.node}
    if name.startswith("qdq_"):
        assert ops & QDQ_OPS
        # bias DQ scale is s_in * s_w (tf2onnx / TFLite convention)
        nodes = {n.output[0]: n for n in m.graph.node}
        for n in m.graph.node:
            if n.op_type in ("Conv", "Gemm") and len(n.input) == 3:
                x_dq, w_dq, b_dq = (nodes[i] for i in n.input)
                s_in, s_w, s_b = (inits[d.input[1]] for d in (x_dq, w_dq, b_dq))
                np.testing.assert_allclose(s_b, np.float32(s_in) * s_w, rtol=1e-6)
                w_axis = [a.i for a in w_dq.attribute if a.name == "axis"]
                assert s_w.ndim == 0 or w_axis == [0]
    elif name.startswith("qop_"):
        assert not ops & QDQ_OPS


def test_expected_ops_present():
    def ops(name):
        return {(n.domain, n.op_type) for n in _valid(name).graph.node}

    assert ("com.microsoft", "QGemm") in ops("qop_qgemm")
    assert ("com.microsoft", "QLinearAdd") in ops("qop_qlinearadd")
    assert ("com.microsoft", "QLinearAveragePool") in ops("qop_qlinear_avgpool")
    assert ("com.microsoft", "QLinearGlobalAveragePool") in ops("qop_qlinear_global_avgpool")
    assert ("com.microsoft", "QLinearConcat") in ops("qop_qlinear_concat")
    assert ("com.microsoft", "QLinearSoftmax") in ops("qop_qlinear_softmax")
    assert ("", "QLinearConv") in ops("qop_qlinearconv")
    assert ("", "QLinearMatMul") in ops("qop_qlinearmatmul")
    assert ("", "MaxPool") in ops("qop_maxpool_int8")
    assert ("", "Transpose") in ops("qdq_transpose_input")
    assert ("", "Pad") in ops("qdq_pad")
    assert ("", "Flatten") in ops("qdq_flatten")
    assert ("", "Clip") in ops("qdq_conv_relu6")
    small = ops("qop_small_cnn")
    assert {("", "QLinearConv"), ("", "Reshape"), ("com.microsoft", "QLinearSoftmax")} <= small


def test_softmax_outputs_use_tflite_params():
    for name in ("qdq_softmax", "qdq_small_cnn", "qop_qlinear_softmax", "qop_small_cnn"):
        inits = _inits(_valid(name))
        assert inits["output_scale"] == np.float32(1.0 / 256.0), name
        assert inits["output_zp"] == -128, name


def test_uint8_variants():
    for name in ("qdq_conv_uint8", "qop_qlinearconv_uint8"):
        m = _valid(name)
        assert _declared(m.graph.input[0])[0] == np.uint8
        assert _declared(m.graph.output[0])[0] == np.uint8
        assert _inits(m)["conv1_w"].dtype == np.int8


def test_random_inputs_cover_range():
    m = _valid("qdq_conv_per_tensor")
    (x,) = G.random_inputs(m, seed=3)
    assert x.min() < -100 and x.max() > 100
    (xf,) = G.random_inputs(_valid("qdq_float_io"), seed=3)
    assert xf.dtype == np.float32 and -1.0 <= xf.min() and xf.max() <= 1.0
    np.testing.assert_array_equal(x, G.random_inputs(m, seed=3)[0])


# --------------------------------------------------------------------------------------
# malformed inputs
# --------------------------------------------------------------------------------------


def _as_bytes(obj) -> bytes:
    return obj if isinstance(obj, bytes) else obj.SerializeToString()


@pytest.mark.parametrize("name", sorted(G.MALFORMED))
def test_malformed_fails_as_intended(name):
    stage, _why = G.MALFORMED_EXPECTED[name]
    data = _as_bytes(_malformed(name))
    if stage == "parse":
        with pytest.raises(DecodeError):
            onnx.load_model_from_string(data)
        with pytest.raises(Exception):  # noqa: B017 - ORT raises its own exception types
            G.run_onnxruntime(data, [])
        return

    m = onnx.load_model_from_string(data)
    if stage == "graph":
        with pytest.raises(onnx.checker.ValidationError):
            onnx.checker.check_model(m, full_check=True)
        with pytest.raises(Exception, match="conv1_w"):  # noqa: B017
            G.run_onnxruntime(m, G.random_inputs(m, 0))
        return

    # stage == "tinymlir": well-formed ONNX that has exactly the one unsupported feature.
    assert stage == "tinymlir"
    onnx.checker.check_model(m, full_check=True)
    G.run_onnxruntime(m, G.random_inputs(m, 0))


def test_malformed_specifics():
    m = _malformed("float_model")
    assert not {n.op_type for n in m.graph.node} & QDQ_OPS
    assert all(t.data_type == onnx.TensorProto.FLOAT for t in m.graph.initializer)

    m = _malformed("dynamic_shape")
    assert m.graph.input[0].type.tensor_type.shape.dim[0].dim_param == "N"

    m = _malformed("opset_12")
    assert [o.version for o in m.opset_import if o.domain == ""] == [12]

    m = _malformed("unsupported_op")
    assert "Sin" in {n.op_type for n in m.graph.node}

    m = _malformed("int16_activations")
    assert m.graph.input[0].type.tensor_type.elem_type == onnx.TensorProto.INT16
    assert m.graph.output[0].type.tensor_type.elem_type == onnx.TensorProto.INT16
    assert [o.version for o in m.opset_import if o.domain == ""] == [21]

    m = _malformed("empty_graph")
    assert len(m.graph.node) == 0

    m = _malformed("missing_initializer")
    provided = {t.name for t in m.graph.initializer} | {i.name for i in m.graph.input}
    provided |= {o for n in m.graph.node for o in n.output}
    dq = [n for n in m.graph.node if n.op_type == "DequantizeLinear" and "conv1_w" in n.input]
    assert dq and "conv1_w" not in provided

    full = _valid("qdq_small_cnn").SerializeToString()
    assert _malformed("truncated_file") == full[: len(full) // 2]


def test_write_all(tmp_path: Path):
    written = G.write_all(tmp_path)
    names = {p.stem for p in written}
    assert names == set(G.VALID_GRAPHS) | set(G.MALFORMED)
    onnx.checker.check_model(onnx.load(str(tmp_path / "qop_small_cnn.onnx")), full_check=True)
    assert (tmp_path / "corrupt_bytes.onnx").read_bytes() == _malformed("corrupt_bytes")


def _assert_same_model(name: str, got: onnx.ModelProto, want: onnx.ModelProto) -> None:
    """Same structure; values equal up to calibration noise.

    Calibration runs onnxruntime's float kernels, and those can differ in the last bits
    between CPUs. A scale can then move by about one LSB of the activation it was
    calibrated from, so byte-exact equality across machines is not guaranteed.
    """

    def nodes(m):
        return [helper.printable_node(n) for n in m.graph.node]

    assert nodes(got) == nodes(want), name
    assert [str(i) for i in got.graph.input] == [str(i) for i in want.graph.input], name
    assert [str(o) for o in got.graph.output] == [str(o) for o in want.graph.output], name
    assert list(got.opset_import) == list(want.opset_import), name
    g, w = _inits(got), _inits(want)
    assert list(g) == list(w), name
    for key in w:
        a, b = g[key], w[key]
        assert a.dtype == b.dtype and a.shape == b.shape, (name, key)
        if a.dtype == np.float32:
            np.testing.assert_allclose(a, b, rtol=1e-2, err_msg=f"{name}:{key}")
        else:
            diff = np.abs(a.astype(np.int64) - b.astype(np.int64))
            assert np.all(diff <= 1 + np.abs(b.astype(np.int64)) // 100), (name, key)


def test_checked_in_inputs_are_up_to_date():
    """The files in test/frontend/onnx/Inputs match what the builders produce now."""
    d = G.DEFAULT_OUTPUT_DIR
    if not d.is_dir():
        pytest.skip(f"{d} not generated; run `python test/python/onnx_graphs.py`")
    hint = "regenerate with `python test/python/onnx_graphs.py`"
    for name in [*G.VALID_GRAPHS, *G.MALFORMED]:
        path = d / f"{name}.onnx"
        assert path.exists(), f"{path} missing; {hint}"
        data = path.read_bytes()
        want = _valid(name) if name in G.VALID_GRAPHS else _malformed(name)
        if name == "truncated_file":
            with pytest.raises(DecodeError):
                onnx.load_model_from_string(data)
        elif isinstance(want, bytes):
            assert data == want, f"{name}: {hint}"
        else:
            _assert_same_model(name, onnx.load_model_from_string(data), want)
