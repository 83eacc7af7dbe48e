"""ONNX -> `qnn` importer.

Accepts int8/uint8-quantised models in both ONNX quantisation forms:

* QDQ: QuantizeLinear / DequantizeLinear around float ops (tf2onnx,
  onnxruntime.quantization), fused into one `qnn` op per group (`qdq`).
* QOperator: QLinearConv, QLinearMatMul, QGemm, QLinearAdd, QLinearAveragePool,
  QLinearGlobalAveragePool, QLinearConcat, QLinearSoftmax, plus data-movement ops
  (Reshape, Transpose, MaxPool, Pad, ...) on int8 tensors.

The modules: `importer` (the entry point `import_onnx` and the graph walk), `hardening` (what
bad input is refused, and how), `qdq` (QDQ fusion), `layout` (NHWC and the permutation each
tensor carries), `numerics` (the numerics mode from the model), `registry` and `converters/`
(one module per op family; `@converter("Conv")` registers an op). `SUPPORTED_OPS` is read
from the registry.
"""

from tinymlir.frontend.onnx import converters  # noqa: F401 - registers the converters
from tinymlir.frontend.onnx.hardening import (
    MAX_ELEMENTS,
    MAX_GRAPH_IO,
    MAX_NODES,
    MIN_OPSET,
    dtype_name,
    load_model,
    one_line,
)
from tinymlir.frontend.onnx.importer import OnnxImporter, import_onnx, model_identifier
from tinymlir.frontend.onnx.layout import NHWC, identity, inverse
from tinymlir.frontend.onnx.naming import readable_name
from tinymlir.frontend.onnx.numerics import TFLM_PRODUCERS, choose_numerics
from tinymlir.frontend.onnx.qdq import clamp_range
from tinymlir.frontend.onnx.registry import converter, materializer, supported_ops
from tinymlir.frontend.onnx.values import (
    Const,
    Deq,
    DeqConst,
    FloatValue,
    Pending,
    Quant,
    Value,
    dense_attr,
    ui8,
)

__all__ = [
    "MAX_ELEMENTS", "MAX_GRAPH_IO", "MAX_NODES", "MIN_OPSET", "NHWC", "SUPPORTED_OPS",
    "TFLM_PRODUCERS", "Const", "Deq", "DeqConst", "FloatValue", "OnnxImporter", "Pending",
    "Quant", "Value", "choose_numerics", "clamp_range", "converter", "dense_attr",
    "dtype_name", "identity", "import_onnx", "inverse", "load_model", "materializer",
    "model_identifier", "one_line", "readable_name", "supported_ops", "ui8",
]


def __getattr__(name: str):
    # SUPPORTED_OPS is computed on each access so it always matches the registry (a converter
    # registered after this package was imported shows up too).
    if name == "SUPPORTED_OPS":
        return supported_ops()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
