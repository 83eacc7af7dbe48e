"""The ONNX frontend's converter registry: what it holds, that the supported-op list (error
messages, SUPPORTED_OPS, README) is read from it, and that a converter in a new module
registers without any table elsewhere."""

from __future__ import annotations

import importlib.util
import pkgutil
import re
import sys
from pathlib import Path

import onnx
import onnx_graphs as G
import pytest

import tinymlir.frontend.onnx as frontend
from tinymlir.errors import OnnxImportError
from tinymlir.frontend.onnx import converters, import_onnx, registry

ROOT = Path(__file__).resolve().parents[2]

# The family module of a few ops, and the arities the ONNX/com.microsoft specs give them.
FAMILIES = {
    "Conv": "conv", "MatMul": "conv", "Gemm": "conv", "Add": "add", "Relu": "activation",
    "AveragePool": "pooling", "MaxPool": "pooling", "Reshape": "shape", "Transpose": "shape",
    "Concat": "shape", "Pad": "shape", "Softmax": "softmax", "QuantizeLinear": "quantize",
    "DequantizeLinear": "quantize", "QLinearConv": "qoperator", "QGemm": "qoperator",
    "QLinearAdd": "qoperator", "QLinearAveragePool": "qoperator", "Constant": "constant",
}
ARITIES = {
    "Conv": (2, 3, 1), "MaxPool": (1, 1, 2), "Concat": (1, None, 1), "Constant": (0, 0, 1),
    "QLinearConv": (8, 9, 1), "QGemm": (6, 9, 1), "QLinearConcat": (5, None, 1),
}


@pytest.fixture
def scratch_registry():
    """Registrations made by a test are undone after it."""
    saved = dict(registry.CONVERTERS)
    try:
        yield registry
    finally:
        registry.CONVERTERS.clear()
        registry.CONVERTERS.update(saved)


def test_registry_holds_each_family():
    for op_type, family in FAMILIES.items():
        spec = registry.CONVERTERS[op_type]
        assert spec.op_type == op_type
        assert spec.convert.__module__ == f"{converters.__name__}.{family}", op_type
    for op_type, (low, high, outputs) in ARITIES.items():
        spec = registry.CONVERTERS[op_type]
        assert (spec.min_inputs, spec.max_inputs, spec.max_outputs) == (low, high, outputs)


def test_every_converter_module_registers():
    modules = {m.name for m in pkgutil.iter_modules(converters.__path__)}
    registering = {spec.convert.__module__.rsplit(".", 1)[1] for spec in registry.CONVERTERS.values()}
    assert modules == registering


def test_pending_kinds_have_materializers():
    assert set(registry.MATERIALIZERS) == {"conv", "dense", "add", "avg_pool", "clamp", "softmax", "concat"}


def test_supported_list_is_derived():
    assert frontend.SUPPORTED_OPS == registry.supported_ops() == sorted(registry.CONVERTERS)
    assert len(frontend.SUPPORTED_OPS) == 29


def test_unknown_op_message_lists_the_registry():
    with pytest.raises(OnnxImportError) as info:
        import_onnx(G.unsupported_op().SerializeToString(), "m")
    assert str(info.value) == (
        "node 'sin1' (Sin): unsupported op; tinymlir supports " + ", ".join(sorted(registry.CONVERTERS))
    )


def test_readme_names_every_supported_op():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("### What the importer accepts", 1)[1].split("\n### ", 1)[0]
    named = set(re.findall(r"\b(?:Q[A-Za-z]+|[A-Z][a-z]+[A-Za-z]*)\b", section))
    for op_type in registry.CONVERTERS:
        if op_type not in ("Identity", "Constant"):
            assert op_type in named, f"README's op list misses {op_type}"


NEW_CONVERTER = '''
from tinymlir.frontend.onnx.registry import converter


@converter("Sin", inputs=(1, 1))
def convert_sin(imp, node):
    # Only for the test: Sin(x) taken as x, so the graph imports.
    imp.set(node, imp.get(node.input[0]))
'''


def test_converter_in_a_new_module_registers(tmp_path, scratch_registry):
    path = tmp_path / "sin_converter.py"
    path.write_text(NEW_CONVERTER)
    spec = importlib.util.spec_from_file_location("sin_converter", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules.pop("sin_converter", None)
    spec.loader.exec_module(module)
    assert "Sin" in frontend.SUPPORTED_OPS
    assert registry.CONVERTERS["Sin"].convert is module.convert_sin
    text = str(import_onnx(G.unsupported_op().SerializeToString(), "m"))
    assert "qnn.conv2d" in text
    model = G.unsupported_op()
    (node,) = [n for n in model.graph.node if n.op_type == "Sin"]
    node.op_type, node.domain = "Tan", "com.microsoft"
    model.opset_import.append(onnx.helper.make_opsetid("com.microsoft", 1))
    with pytest.raises(OnnxImportError, match=r"\(Tan\): unsupported op; tinymlir supports .*\bSin\b"):
        import_onnx(model.SerializeToString(), "m")


def test_an_op_registers_once(scratch_registry):
    with pytest.raises(ValueError, match="'Conv' already has a converter"):
        registry.converter("Conv", inputs=(2, 3))(lambda imp, node: None)

