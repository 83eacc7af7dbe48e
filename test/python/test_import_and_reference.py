"""ONNX import + reference executor on the test-graph library (``onnx_graphs.VALID_GRAPHS``).

For every valid graph:

* the import succeeds, the module verifies, and the function's signature matches the
  ONNX graph's inputs and outputs (shape and storage type);
* the reference executor agrees with the exact numpy oracle (``ort_oracle.ExactOracle``: the
  onnx-mode arithmetic of the numerics spec, with integer accumulation and float32 output
  stages) on 3 random inputs, and on QDQ graphs also with onnxruntime at ORT_DISABLE_ALL;
* the printed IR parses back to the same text and gives the same results.

Plus structural checks of what the importer emits (op counts, depthwise groups, folded
transposes, per-channel weight types, activation clamps, weights/biases copied exactly).

No test runs an onnxruntime integer kernel: those depend on the host CPU (the u8s8 QLinearConv
saturates int16 pair sums on AVX2 without VNNI, 20+ LSB off). onnxruntime is used only on QDQ
graphs at ORT_DISABLE_ALL, where it runs the graph as written (float math between
DequantizeLinear and QuantizeLinear, one round-half-to-even per QuantizeLinear).

Tolerances: with TFLM numerics the reference executor's fixed-point output stages differ from
the float32 ones by at most 1 LSB per requantisation; in multi-layer graphs these propagate, so
those are also checked layer by layer (each layer fed the oracle's own input) to 1 LSB, and end
to end to the small bound in ``END_TO_END_TOLERANCE``. With onnx numerics (the module's
``qnn.numerics``) the reference executor computes the oracle's arithmetic: tolerance 0
(``oracle_tolerance``). onnxruntime's float kernels are compared at 1 LSB in both modes: their
float Conv accumulates in float, and their AveragePool / GlobalAveragePool sum in MLAS's
vector order, not the spec's sequential one, so they can differ from exact near ties.
"""

from __future__ import annotations

import io
from collections import Counter

import numpy as np
import onnx
import onnx_graphs as G
import ort_oracle
import pytest
from conftest import COMPUTE_OPS
from onnx import helper, numpy_helper
from xdsl.dialects import arith, func
from xdsl.dialects.builtin import IntegerType, Signedness, TensorType
from xdsl.printer import Printer

from tinymlir.dialects import qnn
from tinymlir.frontend.onnx import import_onnx
from tinymlir.reference import ReferenceExecutor, dense_to_numpy, find_function, run_module

SEEDS = (0, 1, 2)
VALID = sorted(G.VALID_GRAPHS)

# Multi-layer graphs: 1-LSB rounding differences of early layers propagate. Each of these
# graphs is also checked layer by layer (test_layerwise_agreement) to <= 1 LSB.
END_TO_END_TOLERANCE = {"qdq_small_cnn": 2}

KNOWN_BUGS: dict[str, str] = {}

# Compute ops expected in each graph (layout ops qnn.transpose / qnn.reshape and constants
# are not counted). None: not pinned (the graph, or that op's count; see KNOWN_BUGS).
EXPECTED_OPS: dict[str, dict[str, int] | None] = {
    "qdq_conv_per_tensor": {"qnn.conv2d": 1},
    "qdq_conv_per_channel": {"qnn.conv2d": 1},
    "qdq_conv_dilated": {"qnn.conv2d": 1},
    "qdq_depthwise": {"qnn.conv2d": 1},
    "qdq_grouped_conv": {"qnn.conv2d": 1},
    "qdq_conv_relu6": {"qnn.conv2d": 1},
    "qdq_matmul_add": {"qnn.dense": 1},
    "qdq_gemm": {"qnn.dense": 1},
    "qdq_add": {"qnn.add": 1},
    "qdq_add_broadcast": {"qnn.add": 1},
    "qdq_avgpool": {"qnn.avg_pool2d": 1},
    "qdq_avgpool_padded": {"qnn.avg_pool2d": 1},
    "qdq_avgpool_stride3": {"qnn.avg_pool2d": 1},
    "qdq_global_avgpool": {"qnn.avg_pool2d": 1},
    "qdq_maxpool": {"qnn.max_pool2d": 1},
    "qdq_pad": {"qnn.pad": 1, "qnn.conv2d": 1},
    "qdq_reshape_flatten": {"qnn.conv2d": 1, "qnn.dense": 1},
    "qdq_flatten": {"qnn.conv2d": 1, "qnn.dense": 1},
    "qdq_transpose_input": {"qnn.conv2d": 1},
    "qdq_concat": {"qnn.conv2d": 2, "qnn.requantize": 1, "qnn.concat": 1},
    "qdq_softmax": {"qnn.dense": 1, "qnn.softmax": 1},
    "qdq_float_io": {"qnn.quantize": 1, "qnn.conv2d": 1, "qnn.dequantize": 1},
    "qdq_small_cnn": {
        "qnn.conv2d": 4,
        "qnn.add": 1,
        "qnn.avg_pool2d": 1,
        "qnn.dense": 1,
        "qnn.softmax": 1,
    },
    "qdq_conv_uint8": {"qnn.conv2d": 1},
    "qop_qlinearconv": {"qnn.conv2d": 1},
    "qop_qlinearconv_per_channel": {"qnn.conv2d": 1},
    "qop_qlinearconv_uint8": {"qnn.conv2d": 1},
    "qop_qlinearmatmul": {"qnn.dense": 1},
    "qop_qgemm": {"qnn.dense": 1},
    "qop_qlinearadd": {"qnn.add": 1},
    "qop_qlinear_avgpool": {"qnn.avg_pool2d": 1},
    "qop_qlinear_global_avgpool": {"qnn.avg_pool2d": 1},
    "qop_qlinear_concat": {"qnn.requantize": 1, "qnn.concat": 1},
    "qop_qlinear_softmax": {"qnn.softmax": 1},
    "qop_maxpool_int8": {"qnn.max_pool2d": 1},
    "qop_small_cnn": {
        "qnn.conv2d": 3,
        "qnn.add": 1,
        "qnn.max_pool2d": 1,
        "qnn.avg_pool2d": 1,
        "qnn.dense": 1,
        "qnn.softmax": 1,
        "qnn.requantize": None,  # not pinned
    },
}

# IR value name (of the last op carrying it) -> ONNX tensor holding the same int8 values.
LAYER_MAPS = {
    "qdq_small_cnn": {
        "conv1": "conv1_q",
        "dwconv1": "dwconv1_q",
        "pwconv1": "pwconv1_q",
        "add1": "add1_q",
        "conv2": "conv2_q",
        "pool1": "pool1_q",
        "fc1": "fc1_q",
        "softmax1": "output",
    },
    "qop_small_cnn": {
        "conv1": "conv1_q",
        "dwconv1": "dwconv1_q",
        "add1": "add1_q",
        "pool1": "pool1_q",
        "conv2": "conv2_q",
        "gap1": "gap1_q",
        "fc1": "fc1_q",
        "softmax1": "output",
    },
    "qdq_concat": {"branch_a": "branch_a_q", "branch_b": "branch_b_q", "concat1": "output"},
}

_ONNX_TO_NP = {
    onnx.TensorProto.INT8: np.int8,
    onnx.TensorProto.UINT8: np.uint8,
    onnx.TensorProto.FLOAT: np.float32,
}


def _maybe_bug(name: str):
    if name in KNOWN_BUGS:
        return [pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[name])]
    return []


def _import(model: onnx.ModelProto, name: str):
    module = import_onnx(model, name)
    module.verify()
    return module


def _ops(module, op_name: str) -> list:
    return [op for op in module.walk() if op.name == op_name]


def _function(module) -> func.FuncOp:
    return find_function(module)


def _float_output_lsbs(module) -> list[float | None]:
    """For each returned value: the scale of the qnn.dequantize producing it (float outputs)."""
    ret = _function(module).body.block.last_op
    assert isinstance(ret, func.ReturnOp)
    lsbs = []
    for v in ret.operands:
        owner = v.owner
        lsbs.append(owner.input.type.scale if isinstance(owner, qnn.DequantizeOp) else None)
    return lsbs


def _onnx_producers(model: onnx.ModelProto) -> dict[str, onnx.NodeProto]:
    return {o: n for n in model.graph.node for o in n.output}


def _inits(model: onnx.ModelProto) -> dict[str, np.ndarray]:
    return {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}


# --------------------------------------------------------------------------------------
# import + signature
# --------------------------------------------------------------------------------------


def test_every_valid_graph_is_covered():
    assert set(EXPECTED_OPS) == set(G.VALID_GRAPHS)
    assert set(KNOWN_BUGS) <= set(G.VALID_GRAPHS)


@pytest.mark.parametrize("name", VALID)
def test_import_verifies_and_signature_matches(name, valid_model):
    model = valid_model(name)
    module = _import(model, name)
    function = _function(module)
    assert function.sym_name.data == name
    inits = {i.name for i in model.graph.initializer}
    graph_inputs = [i for i in model.graph.input if i.name not in inits]
    ftype = function.function_type
    assert len(ftype.inputs.data) == len(graph_inputs)
    assert len(ftype.outputs.data) == len(model.graph.output)
    for vi, t in [
        *zip(graph_inputs, ftype.inputs.data, strict=True),
        *zip(model.graph.output, ftype.outputs.data, strict=True),
    ]:
        tt = vi.type.tensor_type
        shape = tuple(d.dim_value for d in tt.shape.dim)
        assert tuple(t.get_shape()) == shape, f"{vi.name}: {t} vs {shape}"
        if tt.elem_type == onnx.TensorProto.FLOAT:
            assert isinstance(t, TensorType), f"{vi.name}: expected a float tensor, got {t}"
        else:
            assert isinstance(t, qnn.QTensorType), f"{vi.name}: expected a qtensor, got {t}"
            unsigned = tt.elem_type == onnx.TensorProto.UINT8
            assert t.is_unsigned == unsigned
            assert not t.is_per_channel


@pytest.mark.parametrize("name", VALID)
def test_imported_op_counts(name, valid_model):
    expected = EXPECTED_OPS[name]
    if expected is None:
        pytest.skip("op mix not pinned for this graph (see KNOWN_BUGS)")
    module = _import(valid_model(name), name)
    ignored = {op for op, count in expected.items() if count is None}
    counts = Counter(
        op.name for op in module.walk() if op.name in COMPUTE_OPS and op.name not in ignored
    )
    assert dict(counts) == {op: n for op, n in expected.items() if n is not None}


# --------------------------------------------------------------------------------------
# reference executor vs onnxruntime
# --------------------------------------------------------------------------------------


def oracle_tolerance(module, tflm_tolerance: int) -> int:
    """LSBs allowed between the reference executor and the exact oracle: 0 when the module's
    numerics is onnx (the arithmetic the oracle computes), else TFLM's fixed-point bound."""
    numerics_of = getattr(qnn, "numerics_of", None)  # present once the numerics modes land
    if numerics_of is not None and numerics_of(_function(module)) == "onnx":
        return 0
    return tflm_tolerance


def _is_qdq(model: onnx.ModelProto) -> bool:
    return not any(n.domain == "com.microsoft" or n.op_type.startswith("QLinear") for n in model.graph.node)


@pytest.mark.parametrize("name", [pytest.param(n, marks=_maybe_bug(n)) for n in VALID])
def test_reference_matches_exact_oracle(name, valid_model, lsb_diff):
    model = valid_model(name)
    module = _import(model, name)
    lsbs = _float_output_lsbs(module)
    tolerance = oracle_tolerance(module, END_TO_END_TOLERANCE.get(name, 1))
    oracle = ort_oracle.ExactOracle(model)
    worst = {}
    for seed in SEEDS:
        inputs = G.random_inputs(model, seed)
        worst[seed] = lsb_diff(run_module(module, inputs), oracle.run(inputs), lsbs)
    assert max(worst.values()) <= tolerance, f"max |diff| in LSB per seed: {worst}"


@pytest.mark.parametrize("name", [n for n in VALID if _is_qdq(G.VALID_GRAPHS[n]())])
def test_reference_matches_onnxruntime_qdq(name, valid_model, lsb_diff):
    """QDQ graphs only, at ORT_DISABLE_ALL (float kernels): 1 LSB in either numerics mode."""
    model = valid_model(name)
    module = _import(model, name)
    lsbs = _float_output_lsbs(module)
    worst = {}
    for seed in SEEDS:
        inputs = G.random_inputs(model, seed)
        theirs = G.run_onnxruntime(model, inputs, optimize=False)
        worst[seed] = lsb_diff(run_module(module, inputs), theirs, lsbs)
    assert max(worst.values()) <= END_TO_END_TOLERANCE.get(name, 1), f"max |diff| in LSB per seed: {worst}"


def test_oracle_matches_onnxruntime_on_qdq_graphs(valid_model):
    """The oracle's QDQ conversion is faithful: with onnxruntime's MLAS pooling order
    (flavour ort_x86) it equals onnxruntime's float run bit for bit on these small graphs."""
    for name in VALID:
        model = valid_model(name)
        if not _is_qdq(model):
            continue
        oracle = ort_oracle.ExactOracle(model, "ort_x86")
        inputs = G.random_inputs(model, 0)
        for ours, theirs in zip(oracle.run(inputs), G.run_onnxruntime(model, inputs, optimize=False), strict=True):
            np.testing.assert_array_equal(ours, theirs, err_msg=name)


@pytest.mark.parametrize("name", sorted(LAYER_MAPS))
def test_layerwise_agreement(name, valid_model):
    """Each mapped layer, fed the expected int8 inputs, is within 1 LSB (0 with onnx numerics) of
    the exact oracle (QOperator graphs) or onnxruntime at ORT_DISABLE_ALL (QDQ graphs)."""
    model = valid_model(name)
    mapping = LAYER_MAPS[name]
    module = _import(model, name)
    function = _function(module)
    ops = [op for op in function.body.block.ops if not isinstance(op, func.ReturnOp)]
    last = {op.results[0].name_hint: op for op in ops}
    assert set(mapping) <= set(last), f"IR names {sorted(last)} lack {set(mapping) - set(last)}"

    if _is_qdq(model):
        probe = onnx.ModelProto()
        probe.CopyFrom(model)
        present = {o.name for o in probe.graph.output}
        for tensor in mapping.values():
            if tensor not in present:
                probe.graph.output.append(
                    helper.make_tensor_value_info(tensor, onnx.TensorProto.INT8, None)
                )
        names = [o.name for o in probe.graph.output]

        def expected_tensors(inputs):
            return dict(zip(names, G.run_onnxruntime(probe, inputs, optimize=False), strict=True))
        tolerance = 1  # float kernels: see the module docstring
    else:
        oracle = ort_oracle.ExactOracle(model)
        expected_tensors = oracle.run_all
        tolerance = oracle_tolerance(module, 1)

    executor = ReferenceExecutor(qnn.numerics_of(function))  # handlers are called directly below
    worst: dict[str, int] = {}
    for seed in SEEDS:
        inputs = G.random_inputs(model, seed)
        expected_values = expected_tensors(inputs)
        env = {
            arg: executor.check_input(arg, np.asarray(x))
            for arg, x in zip(function.body.block.args, inputs, strict=True)
        }
        for op in ops:
            out = executor.handlers[type(op)](op, [env[v] for v in op.operands])
            hint = op.results[0].name_hint
            if hint in mapping and last[hint] is op:
                expected = expected_values[mapping[hint]].astype(np.int64)
                if expected.ndim == 4:  # ONNX NCHW -> IR NHWC
                    expected = expected.transpose(0, 2, 3, 1)
                assert out.shape == expected.shape, f"{hint}: {out.shape} vs {expected.shape}"
                d = int(np.abs(out.astype(np.int64) - expected).max())
                worst[hint] = max(worst.get(hint, 0), d)
                out = expected
            env[op.results[0]] = out
    assert set(worst) == set(mapping)
    assert max(worst.values()) <= tolerance, f"per-layer max |diff| in LSB: {worst}"


def test_relu6_clamp_reaches_onnxruntime(valid_model, copy_model, lsb_diff):
    """qdq_conv_relu6 with an output scale whose int8 range is wider than [0, 6]: the Clip
    must become the conv's clamp [zp, zp + round(6 / s)] and match onnxruntime."""
    model = copy_model(valid_model("qdq_conv_relu6"))
    for init in model.graph.initializer:
        if init.name == "output_scale":
            init.CopyFrom(numpy_helper.from_array(np.array(0.04, np.float32), "output_scale"))
    module = _import(model, "relu6_wide")
    (conv,) = _ops(module, "qnn.conv2d")
    assert not _ops(module, "qnn.requantize")
    zp = conv.output.type.zero_point
    assert conv.clamp is not None
    assert list(conv.clamp.get_values()) == [zp, zp + 150]
    for seed in SEEDS:
        inputs = G.random_inputs(model, seed)
        ours = run_module(module, inputs)
        assert int(ours[0].max()) == zp + 150  # the clamp is reached on random inputs
        assert lsb_diff(ours, G.run_onnxruntime(model, inputs, optimize=False)) <= 1


# --------------------------------------------------------------------------------------
# structure
# --------------------------------------------------------------------------------------


def test_depthwise_is_one_grouped_conv(valid_model):
    module = _import(valid_model("qdq_depthwise"), "qdq_depthwise")
    (conv,) = _ops(module, "qnn.conv2d")
    channels = conv.input.type.get_shape()[3]
    assert channels == 8
    assert conv.groups.value.data == channels
    assert conv.weight.type.get_shape() == (channels, 3, 3, 1)
    assert conv.output.type.get_shape()[3] == channels


def test_grouped_and_dilated_conv_attributes(valid_model):
    (conv,) = _ops(_import(valid_model("qdq_grouped_conv"), "g"), "qnn.conv2d")
    assert conv.groups.value.data == 2
    assert conv.weight.type.get_shape() == (6, 3, 3, 2)
    (conv,) = _ops(_import(valid_model("qdq_conv_dilated"), "d"), "qnn.conv2d")
    assert list(conv.dilations.get_values()) == [2, 2]


def test_transpose_input_is_folded(valid_model):
    """tf2onnx's NHWC -> NCHW input Transpose feeds an NHWC conv: no qnn.transpose before it."""
    module = _import(valid_model("qdq_transpose_input"), "qdq_transpose_input")
    (conv,) = _ops(module, "qnn.conv2d")
    arg = _function(module).body.block.args[0]
    assert conv.input is arg, "the conv must read the NHWC graph input directly"
    assert arg.type.get_shape() == (1, 8, 8, 3)
    # The only transpose left is the NHWC -> NCHW relayout of the graph's NCHW output.
    transposes = _ops(module, "qnn.transpose")
    assert all(t.input is conv.output for t in transposes)
    assert len(transposes) <= 1


def _onnx_conv_weights(model: onnx.ModelProto):
    """(weight int8 array OIHW, scales, zero points, bias int32 or None) per conv node."""
    producers, inits = _onnx_producers(model), _inits(model)
    result = []
    for node in model.graph.node:
        if node.op_type == "Conv":
            dq = producers[node.input[1]]
            w, s, z = (inits[n] for n in dq.input[:3])
            bias = None
            if len(node.input) > 2 and node.input[2]:
                bias = inits[producers[node.input[2]].input[0]]
        elif node.op_type == "QLinearConv":
            w, s, z = (inits[n] for n in node.input[3:6])
            bias = inits[node.input[8]] if len(node.input) > 8 and node.input[8] else None
        else:
            continue
        result.append((w, np.atleast_1d(s).astype(np.float32), np.atleast_1d(z), bias))
    return result


CONV_GRAPHS = [
    n
    for n in VALID
    if any(node.op_type in ("Conv", "QLinearConv") for node in G.VALID_GRAPHS[n]().graph.node)
]


@pytest.mark.parametrize("name", CONV_GRAPHS)
def test_conv_weights_and_quantisation_are_kept(name, valid_model):
    """Weights are the ONNX integers in OHWI order; per-channel scales stay per channel
    (axis 0, bit-exact float32), per-tensor stay per tensor; int32 biases are copied."""
    model = valid_model(name)
    module = _import(model, name)
    convs = _ops(module, "qnn.conv2d")
    expected = _onnx_conv_weights(model)
    assert len(convs) == len(expected)
    for conv, (w, scales, zps, bias) in zip(convs, expected, strict=True):
        wt = conv.weight.type
        assert wt.get_shape() == tuple(w.transpose(0, 2, 3, 1).shape)
        np.testing.assert_array_equal(
            dense_to_numpy(conv.weight.owner.value), w.transpose(0, 2, 3, 1)
        )
        if scales.size > 1:
            assert wt.is_per_channel and wt.axis.data == 0
            assert len(wt.scale_values) == w.shape[0]
        else:
            assert not wt.is_per_channel
        np.testing.assert_array_equal(np.float32(wt.scale_values), scales)
        np.testing.assert_array_equal(np.broadcast_to(zps, scales.shape), wt.zero_point_values)
        assert isinstance(conv.bias.owner, arith.ConstantOp)
        b = dense_to_numpy(conv.bias.owner.value)
        if bias is None:
            np.testing.assert_array_equal(b, 0)
        else:
            np.testing.assert_array_equal(b, bias)


PER_CHANNEL_GRAPHS = [
    "qdq_conv_per_channel",
    "qdq_conv_dilated",
    "qdq_depthwise",
    "qdq_grouped_conv",
    "qdq_conv_relu6",
    "qdq_conv_uint8",
    "qop_qlinearconv_per_channel",
    "qop_qlinearconv_uint8",
]


@pytest.mark.parametrize("name", PER_CHANNEL_GRAPHS)
def test_per_channel_graphs_have_per_channel_weight_types(name, valid_model):
    for conv in _ops(_import(valid_model(name), name), "qnn.conv2d"):
        assert conv.weight.type.is_per_channel, conv.weight.type


def test_conv_relu6_clamp(valid_model):
    """Clip(0, 6) is folded into the conv (no separate requantize). With the graph's
    calibrated output parameters (6/255, -128) [0, 6] covers the whole int8 range, so the
    effective clamp is [-128, 127], written or implied."""
    module = _import(valid_model("qdq_conv_relu6"), "qdq_conv_relu6")
    (conv,) = _ops(module, "qnn.conv2d")
    assert not _ops(module, "qnn.requantize")
    out = conv.output.type
    expected = [out.zero_point, min(out.storage_max, out.zero_point + round(6.0 / out.scale))]
    actual = (
        list(conv.clamp.get_values())
        if conv.clamp is not None
        else [out.storage_min, out.storage_max]
    )
    assert actual == expected == [-128, 127]


def test_relu_is_folded_into_the_producer(valid_model):
    """Conv + Relu and MatMul + bias Add + Relu each give a single op, no requantize."""
    for name in ("qdq_conv_per_tensor", "qdq_matmul_add", "qdq_add"):
        module = _import(valid_model(name), name)
        assert not _ops(module, "qnn.requantize"), name
        assert not _ops(module, "qnn.add") or name == "qdq_add"


def test_dense_weights_and_bias(valid_model):
    """MatMul [K, M] weights become qnn.dense [M, K]; Gemm transB=1 weights are kept."""
    for name in ("qdq_matmul_add", "qdq_gemm", "qop_qlinearmatmul", "qop_qgemm"):
        model = valid_model(name)
        inits, producers = _inits(model), _onnx_producers(model)
        (dense,) = _ops(_import(model, name), "qnn.dense")
        node = next(
            n for n in model.graph.node if n.op_type in ("MatMul", "Gemm", "QLinearMatMul", "QGemm")
        )
        if node.op_type in ("MatMul", "Gemm"):
            w = inits[producers[node.input[1]].input[0]]
        else:
            w = inits[node.input[3]]
        transposed = node.op_type in ("MatMul", "QLinearMatMul") or not any(
            a.name == "transB" and a.i for a in node.attribute
        )
        expected = w.T if transposed else w
        np.testing.assert_array_equal(dense_to_numpy(dense.weight.owner.value), expected)


def test_float_io_boundary(valid_model):
    module = _import(valid_model("qdq_float_io"), "qdq_float_io")
    function = _function(module)
    (arg,) = function.body.block.args
    assert isinstance(arg.type, TensorType)
    (q,) = _ops(module, "qnn.quantize")
    (dq,) = _ops(module, "qnn.dequantize")
    assert q.input is arg
    ret = function.body.block.last_op
    assert ret.operands[0] is dq.output


def test_uint8_storage(valid_model):
    for name in ("qdq_conv_uint8", "qop_qlinearconv_uint8"):
        module = _import(valid_model(name), name)
        (conv,) = _ops(module, "qnn.conv2d")
        assert conv.input.type.element_type == IntegerType(8, Signedness.UNSIGNED)
        assert conv.output.type.is_unsigned
        assert not conv.weight.type.is_unsigned


# --------------------------------------------------------------------------------------
# printing and parsing back
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", VALID)
def test_printed_ir_round_trips(name, valid_model, parse_mlir):
    model = valid_model(name)
    module = _import(model, name)
    text = str(module)
    parsed = parse_mlir(text)
    assert str(parsed) == text
    generic = io.StringIO()
    Printer(stream=generic, print_generic_format=True).print_op(module)
    reparsed = parse_mlir(generic.getvalue())
    assert str(reparsed) == text
    inputs = G.random_inputs(model, 0)
    expected = run_module(module, inputs)
    for other in (parsed, reparsed):
        got = run_module(other, inputs)
        for a, b in zip(expected, got, strict=True):
            assert a.dtype == b.dtype
            np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("name", ["qdq_small_cnn", "qop_small_cnn", "qdq_float_io"])
def test_driver_output_round_trips(name, valid_model, tinymlir_opt, parse_mlir, tmp_path):
    model = valid_model(name)
    source = tmp_path / f"{name}.onnx"
    source.write_bytes(model.SerializeToString())
    out = tmp_path / f"{name}.mlir"
    first = tinymlir_opt(source, "-o", out)
    assert first.returncode == 0, first.stderr
    text = out.read_text()
    second = tinymlir_opt(out)
    assert second.returncode == 0, second.stderr
    assert second.stdout == text
    parsed = parse_mlir(text)
    direct = _import(model, name)
    assert str(parsed) == str(direct)
    inputs = G.random_inputs(model, 1)
    for a, b in zip(run_module(direct, inputs), run_module(parsed, inputs), strict=True):
        np.testing.assert_array_equal(a, b)
