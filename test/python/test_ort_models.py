"""onnxruntime-quantised models (ort_models.py) against oracles that do not depend on the host CPU.

(a) always on: every model x variant imports; on QDQ variants the exact numpy oracle agrees with
    onnxruntime at ORT_DISABLE_ALL (its float kernels: exact on every CPU as a float computation,
    so they can differ from the exact-integer arithmetic by 1 LSB near ties; checked layer by layer,
    each layer fed onnxruntime's own inputs, to 1 LSB on a tiny fraction of elements).
(b) the compiled C (`--numerics=onnx`) equals the exact oracle (default flavour "x86_64": onnxruntime's
    x86-64 pools, the spec's QLinearAdd) bit for bit (1 LSB for a model ending in softmax); and on
    an x86-64 host, on QDQ variants, it equals onnxruntime itself at ORT_DISABLE_ALL.

No test runs onnxruntime's integer kernels (QOperator models): their results depend on the CPU.
The models are built once per checkout into pytest's cache (about 2 s; keyed by ort_models.py and
the onnx / onnxruntime versions).
"""

from __future__ import annotations

import contextlib
import io
import platform
from collections import Counter
from pathlib import Path

import numpy as np
import onnx
import ort_models as M
import ort_oracle as O
import pytest

from tinymlir.build import build_host, run_host
from tinymlir.compare import layer_table, nhwc_results, quantised_inputs
from tinymlir.compiler import compile_model
from tinymlir.dialects import qnn
from tinymlir.frontend.onnx import import_onnx
from tinymlir.layers import is_layer
from tinymlir.reference import find_function, run_module, trace_module
from tinymlir.tools import tinymlir_run

CASES = [(name, variant) for name in M.MODELS for variant in M.VARIANTS[name]]
QDQ_CASES = [c for c in CASES if M.VARIANT_SPECS[c[1]].qdq]
IDS = [f"{n}.{v}" for n, v in CASES]
SEEDS = (11, 12)
# QDQ layerwise agreement with onnxruntime's float kernels: at most this fraction of elements
# 1 LSB off (measured on this machine: 9 of 1.8 million; see the module docstring).
FLOAT_KERNEL_FRACTION = 1e-3


@pytest.fixture(scope="session")
def ort_model_paths(request, tmp_path_factory) -> dict[tuple[str, str], Path]:
    cache = getattr(request.config, "cache", None)
    if cache is not None:
        base = Path(cache.mkdir("ort_models")) / M.source_digest()
    else:
        base = tmp_path_factory.mktemp("ort_models")
    return M.build_all(base)


def _load(paths, name, variant) -> onnx.ModelProto:
    return onnx.load(str(paths[(name, variant)]))


def _inputs(model, seed):
    return M.float_inputs(model, 1, seed)


def _quantised_output(model: onnx.ModelProto, tensors: dict) -> np.ndarray:
    """The graph output before its final DequantizeLinear (what the C library returns)."""
    out = model.graph.output[0].name
    for node in model.graph.node:
        if node.output[0] == out and node.op_type == "DequantizeLinear":
            return tensors[node.input[0]]
    return tensors[out]


# --------------------------------------------------------------------------- #
# The model set
# --------------------------------------------------------------------------- #


def test_model_set_covers_the_issue(ort_model_paths):
    """>= 40 convolutions with residual adds, depthwise, ReLU6, GAP and a Gemm head; every
    quantisation axis (format, activation type, weight granularity); files < ~300 kB."""
    mobilenet = onnx.load(str(ort_model_paths[("mobilenet_v2", "qdq_s8_pc")].parent / "mobilenet_v2.float.onnx"))
    ops = Counter(n.op_type for n in mobilenet.graph.node)
    assert ops["Conv"] >= 40 and ops["Add"] >= 5 and ops["Clip"] > 0 and ops["GlobalAveragePool"] == 1
    assert any(a.name == "group" and a.i > 1 for n in mobilenet.graph.node for a in n.attribute)
    specs = {M.VARIANT_SPECS[v] for _, v in CASES}
    assert {s.qdq for s in specs} == {s.unsigned for s in specs} == {s.per_channel for s in specs} == {True, False}
    for path in ort_model_paths.values():
        assert path.stat().st_size < 310_000, path


@pytest.mark.parametrize(("name", "variant"), CASES, ids=IDS)
def test_imports_and_runs(name, variant, ort_model_paths):
    model = _load(ort_model_paths, name, variant)
    module = import_onnx(model, f"{name}_{variant}")
    module.verify()
    (y,) = run_module(module, _inputs(model, SEEDS[0]))
    assert y.shape == (1, 10)


def test_layer_names_cover_every_compiled_layer(ort_model_paths):
    """tinymlir-run maps each C layer to an ONNX tensor by the importer's names."""
    for (name, variant), path in ort_model_paths.items():
        model = onnx.load(str(path))
        names = O.onnx_layer_names(model)
        module = import_onnx(model)
        ir = {op.results[0].name_hint for op in module.walk()
              if op.name.startswith("qnn.") and isinstance(op, qnn.Conv2DOp | qnn.DenseOp | qnn.AddOp | qnn.AvgPool2DOp | qnn.ConcatOp | qnn.SoftmaxOp)}
        assert ir <= set(names), (name, variant, sorted(ir - set(names)))


# --------------------------------------------------------------------------- #
# (a) the oracle against onnxruntime where onnxruntime is exact on every CPU
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(("name", "variant"), QDQ_CASES, ids=[f"{n}.{v}" for n, v in QDQ_CASES])
def test_qdq_oracle_matches_onnxruntime_disable_all(name, variant, ort_model_paths, record_property):
    model = _load(ort_model_paths, name, variant)
    layers = [t for t, _ in O.layer_tensors(model)]
    oracle = O.ExactOracle(model)
    differing = total = worst = 0
    end_to_end = []
    for seed in SEEDS:
        x = _inputs(model, seed)
        ort = O.run_ort(model, x, layers=True)
        fed = oracle.run_all(x, replace={t: ort[t] for t in layers})
        for t in layers:
            n, d = O.lsb(fed[t], ort[t])
            differing, total, worst = differing + n, total + ort[t].size, max(worst, d)
        end_to_end.append(O.lsb(_quantised_output(model, oracle.run_all(x)), _quantised_output(model, ort)))
    record_property("layerwise_differing", f"{differing}/{total}")
    record_property("end_to_end", str(end_to_end))
    assert worst <= 1, f"a layer differs by {worst} LSB from onnxruntime's float kernels"
    assert differing <= FLOAT_KERNEL_FRACTION * total, f"{differing} of {total} elements differ"


def test_qdq_conversion_keeps_every_quantised_tensor(ort_model_paths):
    """The oracle's QDQ -> QOperator rewrite keeps the name of every QuantizeLinear output."""
    for name, variant in QDQ_CASES:
        model = _load(ort_model_paths, name, variant)
        converted = O.qdq_to_qoperator(model)
        produced = {o for n in converted.graph.node for o in n.output}
        assert {t for t, _ in O.layer_tensors(model)} <= produced


# --------------------------------------------------------------------------- #
# The MatMul + Add(int8 bias) head in its two forms
# --------------------------------------------------------------------------- #


def test_bias_as_int32_input_of_gemm(ort_model_paths):
    """QDQ Gemm with DequantizeLinear(int32 bias at sx * sw): one qnn.dense, bias copied."""
    model = _load(ort_model_paths, "inception", "qdq_s8_pc")
    module = import_onnx(model)
    (dense,) = [op for op in module.walk() if isinstance(op, qnn.DenseOp)]
    assert not [op for op in module.walk() if isinstance(op, qnn.AddOp)]
    inits = {i.name: onnx.numpy_helper.to_array(i) for i in model.graph.initializer}
    bias = next(v for k, v in inits.items() if k.startswith("gemm1_b") and v.dtype == np.int32)
    np.testing.assert_array_equal(dense.bias.owner.value.get_values(), bias)


@pytest.mark.parametrize("variant", ["qdq_s8_pc", "qop_u8_pc"])
def test_bias_as_int8_add_operand(variant, ort_model_paths):
    """quantize_static's MatMul -> Q -> DQ -> Add(DQ(int8 bias)): qnn.add with a qnn.constant
    operand of the broadcast shape, no qnn.reshape of a constant; within 1 LSB of the oracle."""
    model = _load(ort_model_paths, "matmul_softmax", variant)
    module = import_onnx(model)
    adds = [op for op in module.walk() if isinstance(op, qnn.AddOp)]
    assert len(adds) == 2
    for add in adds:
        assert isinstance(add.rhs.owner, qnn.ConstantOp) and add.rhs.type.get_shape() == add.output.type.get_shape()
    assert not [op for op in module.walk() if isinstance(op, qnn.ReshapeOp) and isinstance(op.input.owner, qnn.ConstantOp)]
    oracle = O.ExactOracle(model)
    for seed in SEEDS:
        x = _inputs(model, seed)
        trace = dict(trace_module(module, x))
        dequantize = next(op for op in trace if isinstance(op, qnn.DequantizeOp))
        _, d = O.lsb(trace[dequantize.input.owner], _quantised_output(model, oracle.run_all(x)))
        assert d <= 1


def test_bias_as_int8_add_operand_compiles(ort_model_paths, tmp_path):
    compile_model(ort_model_paths[("matmul_softmax", "qdq_s8_pc")], tmp_path)


# --------------------------------------------------------------------------- #
# tinymlir-run --per-layer against onnxruntime
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(("variant", "oracle"), [
    ("qdq_s8_pc", "onnxruntime ORT_DISABLE_ALL"),
    ("qop_u8_pc", "exact numpy oracle (QOperator graph, onnx arithmetic)"),
])
def test_run_per_layer_compares_with_onnxruntime(variant, oracle, ort_model_paths, tmp_path):
    path = ort_model_paths[("dilated_grouped_cnn", variant)]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = tinymlir_run.main([str(path), "--random", "2", "--per-layer", "--keep", str(tmp_path)])
    text = out.getvalue()
    assert status == 0, text
    assert "ORT LSB" in text.splitlines()[4]
    rows = [line.split() for line in text.splitlines() if line.strip().split(" ")[0].isdigit()]
    compared = [r for r in rows if r[-1] != "-"]
    assert {r[1] for r in compared} >= {"conv1" if variant.startswith("qdq") else "conv1_quant"}
    assert len(compared) >= 6  # 4 convs, 2 pools, the dense
    assert f"max |C - onnxruntime ({oracle})|" in text
    assert (f"first layer that differs from {oracle}: layer " in text) != (f"every compared layer matches {oracle}" in text)


def test_layer_table_names_the_first_layer_differing_from_onnxruntime(ort_model_paths):
    """layer_table on synthetic dumps: C layers = the reference executor's, ORT = the same values
    in ONNX layout except conv3, 7 LSB off: conv3 is named, with its LSBs and element count."""
    model = _load(ort_model_paths, "dilated_grouped_cnn", "qdq_s8_pc")
    module = import_onnx(model)
    x = _inputs(model, SEEDS[0])
    names = O.onnx_layer_names(model)
    rows, tensors, index = [{}], {}, 0
    nhwc = nhwc_results(find_function(module))
    for op, value in trace_module(module, x):
        if not is_layer(op):
            continue  # as layer_table counts the C's layers
        rows[0][index] = np.asarray(value).astype(np.int8).reshape(-1)
        index += 1
        name = op.results[0].name_hint
        if name in names:
            v = np.asarray(value).astype(np.int64)
            tensors[names[name]] = v.transpose(0, 3, 1, 2) if op.results[0] in nhwc else v
    tensors[names["conv3"]] = np.clip(tensors[names["conv3"]] + 7, -128, 127)
    lines, first_bad, first_ort = layer_table(module, [x[0]], rows, ("ORT", names, [tensors]))
    assert first_bad is None
    assert first_ort is not None and first_ort.startswith("layer 3 'conv3' (qnn.conv2d) on input 0: 7 LSB")
    conv3 = next(line for line in lines if " conv3 " in line).split()
    assert conv3[-2] == "7" and int(conv3[-1]) > 0


# --------------------------------------------------------------------------- #
# (b) the compiled C against the oracle, in onnx numerics
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(("name", "variant"), CASES, ids=IDS)
def test_compiled_c_matches_oracle_bit_for_bit(name, variant, ort_model_paths, tmp_path):
    n, d = compiled_c_vs_oracle(ort_model_paths[(name, variant)], tmp_path, "onnx")
    tolerance = 1 if name in M.SOFTMAX_MODELS else 0
    assert d <= tolerance, f"{n} elements differ, by up to {d} LSB"


X86_64 = platform.machine().lower() in ("x86_64", "amd64")


@pytest.mark.skipif(not X86_64, reason="onnxruntime's float pools sum in MLAS's x86-64 order (NEON "
                    "reduces GlobalAveragePool's lanes differently); this compares with onnxruntime itself")
@pytest.mark.parametrize(("name", "variant"), QDQ_CASES, ids=[f"{n}.{v}" for n, v in QDQ_CASES])
def test_compiled_c_matches_onnxruntime_disable_all(name, variant, ort_model_paths, tmp_path):
    """The C (--numerics=onnx) against onnxruntime itself at ORT_DISABLE_ALL (float kernels, run
    as written) on an x86-64 host: equal (1 LSB for a model ending in softmax: onnxruntime's
    float Softmax uses its own exp, the spec a double-precision table), except where onnxruntime's
    float Conv is itself 1 LSB off the exact integer sum (checked layer by layer below)."""
    path = ort_model_paths[(name, variant)]
    n, d = compiled_c_vs_oracle(path, tmp_path, "onnx", "onnxruntime")
    tolerance = 1 if name in M.SOFTMAX_MODELS else 0
    if d <= tolerance:
        return
    # Observed (mobilenet_v2.qdq_s8_pc: 15 output elements, up to 3 LSB): onnxruntime's float Conv
    # (a float32 GEMM of dequantised values, not the exact integer sum) is 1 LSB off in one element
    # of 2 of its 52 convolutions, which propagates. Accepted only when that is all that differs:
    # every layer fed onnxruntime's inputs equals it except float-GEMM layers by 1 LSB.
    model = _load(ort_model_paths, name, variant)
    producer = {o: node for node in model.graph.node for o in node.output}
    layers = [t for t, _ in O.layer_tensors(model)]
    oracle = O.ExactOracle(model)
    for seed in (*SEEDS, 13, 14):
        x = _inputs(model, seed)
        ort = O.run_ort(model, x, layers=True)
        fed = oracle.run_all(x, replace={t: ort[t] for t in layers})
        for t in layers:
            differing, worst = O.lsb(fed[t], ort[t])
            f = producer[producer[t].input[0]] if t in producer and producer[t].input[0] in producer else None
            while f is not None and f.op_type in ("Relu", "Clip"):
                f = producer.get(f.input[0])
            kind = f.op_type if f is not None else "?"
            assert not differing or (kind in ("Conv", "MatMul", "Gemm") and worst == 1), (
                f"{n} elements differ from onnxruntime by up to {d} LSB; layer {t} ({kind}) differs "
                f"in {differing} elements by up to {worst} LSB"
            )
    n_oracle, d_oracle = compiled_c_vs_oracle(path, tmp_path, "onnx")
    assert d_oracle <= tolerance, f"the C differs from the oracle: {n_oracle} elements, {d_oracle} LSB"


def compiled_c_vs_oracle(path: Path, tmp_path: Path, numerics: str | None,
                         reference: str = "oracle") -> tuple[int, int]:
    """(elements differing, max LSB) between the C library and the exact oracle (or
    onnxruntime at ORT_DISABLE_ALL: reference="onnxruntime") on 4 inputs."""
    model = onnx.load(str(path))
    compiled = compile_model(path, tmp_path, numerics=numerics)
    module, library = compiled.module, compiled.library
    exe = build_host(compiled.c_file, library, tmp_path)
    oracle = O.ExactOracle(model)
    rows, expected = [], []
    for seed in (*SEEDS, 13, 14):
        x = _inputs(model, seed)
        c_inputs, _ = quantised_inputs(module, x)
        rows.append(np.ascontiguousarray(c_inputs[0]))
        tensors = O.run_ort(model, x, layers=True) if reference == "onnxruntime" else oracle.run_all(x)
        expected.append(_quantised_output(model, tensors).reshape(-1))
    got = np.stack([outs[0] for outs in run_host(exe, [[r] for r in rows], tmp_path, library)])
    return O.lsb(got, np.stack(expected))


def test_compiled_c_harness_runs_today(ort_model_paths, tmp_path):
    """The harness of (b) on today's default numerics (TFLM-style output stages): the C
    differs from the onnx-arithmetic oracle only by rounding, a few LSB at most."""
    _, d = compiled_c_vs_oracle(ort_model_paths[("dilated_grouped_cnn", "qdq_s8_pc")], tmp_path, None)
    assert d <= 4
