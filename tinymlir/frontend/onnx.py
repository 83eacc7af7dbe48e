"""ONNX -> `qnn` importer.

Accepts int8/uint8-quantised models in both ONNX quantisation forms:

* QDQ: QuantizeLinear / DequantizeLinear around float ops (tf2onnx,
  onnxruntime.quantization). A float op whose inputs are dequantised values is
  kept *pending* until the QuantizeLinear that consumes it (possibly through a
  bias Add and a Relu/Clip) gives its output parameters; then one `qnn` op is
  emitted with the activation folded into its clamp range.
* QOperator: QLinearConv, QLinearMatMul, QGemm, QLinearAdd,
  QLinearAveragePool, QLinearGlobalAveragePool, QLinearConcat, QLinearSoftmax,
  plus data-movement ops (Reshape, Transpose, MaxPool, Pad, ...) on int8 tensors.

Layout: activations are NHWC in the IR. Every imported tensor remembers the
permutation from its ONNX (NCHW) layout to its IR layout; Transpose nodes only
change that permutation, and a real `qnn.transpose` (or a `qnn.reshape`, when only
unit dimensions move) is emitted only where an op needs another layout.

Errors are `OnnxImportError`s with one line naming the node, its op type and
what is supported. Untrusted input is expected (tools/tinymlir_fuzz.py fuzzes this
module): every op is verified as it is emitted; names are escaped into one line; tensors
of more than MAX_ELEMENTS elements, graphs of more than MAX_NODES nodes, external data
and strings that are not UTF-8 are refused before anything is allocated or read.
"""

from __future__ import annotations

import math
import re
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import onnx
from onnx import numpy_helper
from xdsl.dialects import arith, func
from xdsl.dialects.builtin import (
    BytesAttr,
    DenseIntOrFPElementsAttr,
    FunctionType,
    IntegerType,
    ModuleOp,
    Signedness,
    TensorType,
    f32,
    i8,
    i32,
)
from xdsl.ir import Block, Operation, Region, SSAValue
from xdsl.utils.exceptions import VerifyException

from tinymlir.c_names import c_identifier
from tinymlir.dialects import qnn
from tinymlir.errors import OnnxImportError

MIN_OPSET = 13
# The largest tensor the importer accepts (elements); MCU tensors are far smaller, and a
# declared dimension like 2**40 must be refused, never allocated.
MAX_ELEMENTS = 2**31 - 1
# The most nodes a graph may have (MCU models have tens to hundreds): bounds import time.
MAX_NODES = 10_000
MAX_GRAPH_IO = 1_000  # graph inputs, and graph outputs
ui8 = IntegerType(8, Signedness.UNSIGNED)
NHWC = (0, 2, 3, 1)  # IR dim i holds ONNX (NCHW) dim NHWC[i]

_STORAGE = {
    onnx.TensorProto.INT8: (i8, np.int8),
    onnx.TensorProto.UINT8: (ui8, np.uint8),
}

# Tensor element types a constant (initializer or Constant) may have.
_CONST_TYPES = {
    onnx.TensorProto.FLOAT, onnx.TensorProto.DOUBLE, onnx.TensorProto.FLOAT16,
    onnx.TensorProto.INT8, onnx.TensorProto.UINT8, onnx.TensorProto.INT16,
    onnx.TensorProto.UINT16, onnx.TensorProto.INT32, onnx.TensorProto.UINT32,
    onnx.TensorProto.INT64, onnx.TensorProto.UINT64, onnx.TensorProto.BOOL,
}

# (min inputs, max inputs, max outputs) of each supported op (None: no maximum). The ONNX
# checker does not look at com.microsoft nodes, so the importer checks arity itself.
_ARITY: dict[str, tuple[int, int | None, int]] = {
    "QuantizeLinear": (2, 3, 1), "DequantizeLinear": (2, 3, 1), "Conv": (2, 3, 1),
    "MatMul": (2, 2, 1), "Gemm": (2, 3, 1), "Add": (2, 2, 1), "Relu": (1, 1, 1),
    "Clip": (1, 3, 1), "AveragePool": (1, 1, 1), "GlobalAveragePool": (1, 1, 1),
    "MaxPool": (1, 1, 2), "Softmax": (1, 1, 1), "Concat": (1, None, 1), "Pad": (2, 4, 1),
    "Reshape": (2, 2, 1), "Flatten": (1, 1, 1), "Squeeze": (1, 2, 1), "Unsqueeze": (1, 2, 1),
    "Transpose": (1, 1, 1), "Identity": (1, 1, 1), "Constant": (0, 0, 1),
    "QLinearConv": (8, 9, 1), "QLinearMatMul": (8, 8, 1), "QGemm": (6, 9, 1),
    "QLinearAdd": (7, 8, 1), "QLinearAveragePool": (4, 5, 1),
    "QLinearGlobalAveragePool": (4, 5, 1), "QLinearConcat": (5, None, 1),
    "QLinearSoftmax": (4, 5, 1),
}

_ATTR_TYPES = {
    "int": onnx.AttributeProto.INT,
    "ints": onnx.AttributeProto.INTS,
    "float": onnx.AttributeProto.FLOAT,
    "string": onnx.AttributeProto.STRING,
    "tensor": onnx.AttributeProto.TENSOR,
}

SUPPORTED_OPS = sorted(
    {
        "QuantizeLinear", "DequantizeLinear", "Conv", "MatMul", "Gemm", "Add", "Relu", "Clip",
        "AveragePool", "GlobalAveragePool", "MaxPool", "Softmax", "Concat", "Pad", "Reshape",
        "Flatten", "Squeeze", "Unsqueeze", "Transpose", "Identity", "Constant", "QLinearConv",
        "QLinearMatMul", "QGemm", "QLinearAdd", "QLinearAveragePool",
        "QLinearGlobalAveragePool", "QLinearConcat", "QLinearSoftmax",
    }
)


# --------------------------------------------------------------------------- #
# Values in the import environment
# --------------------------------------------------------------------------- #


@dataclass
class Quant:
    """An integer tensor in the IR. ir = onnx.transpose(perm)."""

    value: SSAValue
    perm: tuple[int, ...]

    @property
    def qtype(self) -> qnn.QTensorType:
        assert isinstance(self.value.type, qnn.QTensorType)
        return self.value.type

    @property
    def onnx_shape(self) -> tuple[int, ...]:
        ir_shape = self.qtype.get_shape()
        shape = [0] * len(ir_shape)
        for i, p in enumerate(self.perm):
            shape[p] = ir_shape[i]
        return tuple(shape)


@dataclass
class Deq:
    """The float view DequantizeLinear(source) of an IR integer tensor."""

    source: Quant


@dataclass
class Const:
    """A compile-time tensor (initializer or Constant), in ONNX layout."""

    array: np.ndarray


@dataclass
class DeqConst:
    """DequantizeLinear of a constant: integers plus (per-axis) parameters."""

    array: np.ndarray
    scales: np.ndarray  # float32, 1 or per-axis
    zero_points: np.ndarray
    axis: int  # -1 per tensor

    @property
    def real(self) -> np.ndarray:
        shape = [1] * self.array.ndim
        if self.axis >= 0:
            shape[self.axis] = -1
        s = self.scales.astype(np.float32).reshape(shape)
        z = self.zero_points.astype(np.int64).reshape(shape)
        return ((self.array.astype(np.int64) - z).astype(np.float32) * s).astype(np.float32)


@dataclass
class FloatValue:
    """A float tensor in the IR (graph input before its QuantizeLinear)."""

    value: SSAValue


@dataclass
class Pending:
    """A float computation on dequantised inputs, waiting for the QuantizeLinear
    that fixes its output parameters. `clamp` is the real-valued activation range."""

    node: onnx.NodeProto
    kind: str
    inputs: list[Quant]
    attrs: dict = field(default_factory=dict)
    weight: DeqConst | None = None
    bias: DeqConst | Const | None = None
    clamp: tuple[float, float] = (-np.inf, np.inf)


Value = Quant | Deq | Const | DeqConst | FloatValue | Pending


# --------------------------------------------------------------------------- #
# Helpers
# --------------------------------------------------------------------------- #


def readable_name(onnx_name: str) -> str:
    """A short identifier from tf2onnx's fused names: 'model/conv2d_1/Conv2D1_prequant' -> 'conv2d_1'."""
    segment = onnx_name.split(";")[-1]
    segment = re.sub(r"(_prequant|_quantize|_dequant|_DequantizeLinear)(__\d+)?(:\d+)?$", "", segment)
    parts = [p for p in segment.split("/") if p]
    if len(parts) > 1:
        parts = parts[1:]
    generic = re.compile(
        r"^(ReadVariableOp|resource\d*|BiasAdd|Conv2D\d*|depthwise\d*|MatMul|Relu\d*|add\d*|AvgPool"
        r"|MaxPool|Reshape|FusedBatchNormV3|Softmax|concat\d*|Mean)$"
    )
    while len(parts) > 1 and generic.match(parts[-1]):
        parts.pop()
    name = re.sub(r"[^A-Za-z0-9_]", "_", parts[-1] if parts else onnx_name)
    name = re.sub(r"_+", "_", name).strip("_") or "v"
    if name[0].isdigit():
        name = "v" + name
    # xDSL drops a `_<digits>` suffix from SSA names (it is the printer's own uniquifier):
    # keep the layer's number as `.<digits>` (conv2d_1 -> %conv2d.1; conv2d_1 again in C).
    return re.sub(r"_(\d+)$", r".\1", name)


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_LONG_QUOTED = re.compile(r"'([^'\n]{97,})'")


def one_line(text: str, limit: int = 1000) -> str:
    """`text` as one printable line: control characters escaped, very long quoted names
    shortened, at most `limit` characters."""
    text = _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)
    text = _LONG_QUOTED.sub(lambda m: f"'{m.group(1)[:60]}...'", text)
    text = text.strip() or "invalid ONNX model"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def dtype_name(elem_type: int) -> str:
    try:
        return onnx.TensorProto.DataType.Name(elem_type)
    except ValueError:
        return f"type {elem_type}"


def _external_tensors(graph: onnx.GraphProto, depth: int = 0):
    """Names of the tensors of `graph` (initializers, attributes, subgraphs) stored outside
    the file."""
    if depth > 64:
        return
    tensors = list(graph.initializer)
    tensors += [t for s in graph.sparse_initializer for t in (s.values, s.indices)]
    for node in graph.node:
        for a in node.attribute:
            tensors += [a.t, *a.tensors]
            tensors += [t for s in (a.sparse_tensor, *a.sparse_tensors) for t in (s.values, s.indices)]
            for sub in (a.g, *a.graphs):
                yield from _external_tensors(sub, depth + 1)
    for t in tensors:
        if t.data_location == onnx.TensorProto.EXTERNAL or len(t.external_data):
            yield t.name


def inverse(perm: Sequence[int]) -> tuple[int, ...]:
    inv = [0] * len(perm)
    for i, p in enumerate(perm):
        inv[p] = i
    return tuple(inv)


def identity(rank: int) -> tuple[int, ...]:
    return tuple(range(rank))


def dense_attr(array: np.ndarray, element_type) -> DenseIntOrFPElementsAttr:
    """A dense attribute built from raw bytes (never element by element)."""
    shape = list(array.shape)
    return DenseIntOrFPElementsAttr(
        TensorType(element_type, shape), BytesAttr(np.ascontiguousarray(array).tobytes())
    )


def clamp_range(qtype: qnn.QTensorType, real: tuple[float, float]) -> list[int] | None:
    """TFLite's CalculateActivationRangeQuantized for a real [lo, hi] range."""
    lo, hi = qtype.storage_min, qtype.storage_max
    scale, zp = qtype.scale, qtype.zero_point

    def quantized(r: float) -> int:  # zp + round(r / scale), kept within [lo - 1, hi + 1]
        with np.errstate(over="ignore"):
            q = np.round(np.float32(r) / np.float32(scale))
        return zp + int(np.clip(q, lo - 1 - zp, hi + 1 - zp))

    if np.isfinite(real[0]):
        lo = max(lo, quantized(real[0]))
    if np.isfinite(real[1]):
        hi = min(hi, quantized(real[1]))
    lo = min(max(lo, qtype.storage_min), qtype.storage_max)
    hi = min(max(hi, qtype.storage_min), qtype.storage_max)
    if lo > hi:
        lo = hi
    if (lo, hi) == (qtype.storage_min, qtype.storage_max):
        return None
    return [lo, hi]


# --------------------------------------------------------------------------- #
# The importer
# --------------------------------------------------------------------------- #


class OnnxImporter:
    def __init__(self, model: onnx.ModelProto, name: str, numerics: qnn.Numerics = qnn.Numerics.TFLM):
        self.model = model
        self.numerics = numerics
        self.graph = model.graph
        self.name = name
        self.env: dict[str, Value] = {}
        # Ops go into the function's block as emitted, before a placeholder return (replaced at
        # the end): inside the module, whose numerics mode their verifiers read (numerics_of).
        self.terminator = func.ReturnOp()
        self.block = Block([self.terminator])
        self.layout_cache: dict[tuple[int, tuple[int, ...]], SSAValue] = {}
        self.node: onnx.NodeProto | None = None
        # QuantizeLinear of a float constant: output name -> its integers and parameters.
        self.quantized_consts: dict[str, DeqConst] = {}
        self.graph_input_names = {i.name for i in model.graph.input}
        self._consumers: dict[str, list[tuple[onnx.NodeProto, int]]] | None = None
        # qnn.constant results -> their integers (IR layout): a relayout or reshape of a constant
        # is folded into a new constant, so no data-movement op ever reads a constant.
        self.const_arrays: dict[SSAValue, np.ndarray] = {}

    # -- errors ------------------------------------------------------------- #
    def error(self, message: str) -> OnnxImportError:
        if self.node is not None:
            label = self.node.name or (self.node.output[0] if self.node.output else "?")
            return OnnxImportError(f"node '{label}' ({self.node.op_type}): {message}")
        return OnnxImportError(message)

    # -- emission helpers --------------------------------------------------- #
    def emit(self, op: Operation, name: str | None = None) -> SSAValue:
        """Appends `op`, verified at once so an error names the ONNX node that made it."""
        for result in op.results:
            if isinstance(result.type, qnn.QTensorType):
                self.check_size(result.type.get_shape(), f"the {op.name} result")
        self.block.insert_op_before(op, self.terminator)
        try:
            op.verify()
        except VerifyException as exc:
            raise self.error(f"produces invalid IR: {exc}") from None
        if op.results:
            if name is None and self.node is not None:
                name = readable_name(self.node.name or (self.node.output[0] if self.node.output else ""))
            if name:
                op.results[0].name_hint = name
            return op.results[0]
        return None  # type: ignore[return-value]

    def check_size(self, shape: Sequence[int], what: str) -> None:
        if any(d <= 0 for d in shape):
            raise self.error(f"{what} has shape {list(shape)}; dimensions must be positive")
        if math.prod(shape) > MAX_ELEMENTS:
            raise self.error(
                f"{what} has shape {list(shape)} ({math.prod(shape)} elements); tinymlir supports "
                f"tensors of at most {MAX_ELEMENTS} elements"
            )

    def get(self, name: str) -> Value:
        if name not in self.env:
            raise self.error(f"input '{name}' is not produced by any node, graph input or initializer")
        return self.env[name]

    def const_array(self, name: str, what: str, kinds: str = "") -> np.ndarray:
        """The constant `name`; `kinds` lists the allowed numpy kinds ('f', 'i', 'u', 'b')."""
        if name not in self.env and name in self.graph_input_names:  # not registered yet
            raise self.error(f"{what} '{name}' must be a constant initializer, not a graph input")
        value = self.get(name)
        if not isinstance(value, Const):
            raise self.error(f"{what} '{name}' must be a constant initializer")
        if kinds and value.array.dtype.kind not in kinds:
            expected = {"f": "float", "i": "integer", "u": "unsigned integer", "b": "bool"}
            allowed = " or ".join(dict.fromkeys(expected[k] for k in kinds))
            raise self.error(f"{what} '{name}' is {value.array.dtype}; it must be {allowed}")
        return value.array

    def int_list(self, name: str, what: str) -> list[int]:
        """A 0-D or 1-D integer constant (shape, axes, pads) as Python ints."""
        arr = self.const_array(name, what, "iu")
        if arr.ndim > 1:
            raise self.error(f"{what} '{name}' must be 1-D, got shape {list(arr.shape)}")
        return [int(v) for v in arr.reshape(-1)]

    def scalar(self, name: str, what: str) -> float:
        arr = self.const_array(name, what, "fiu")
        if arr.size != 1:
            raise self.error(f"{what} '{name}' must be a scalar, got shape {list(arr.shape)}")
        return float(arr.reshape(-1)[0])

    def qparams(self, scale_name: str, zp_name: str | None, what: str) -> tuple[np.ndarray, np.ndarray, np.dtype]:
        with np.errstate(over="ignore"):
            scale = self.const_array(scale_name, f"{what} scale", "f").astype(np.float32).reshape(-1)
        if zp_name:
            zp_arr = self.const_array(zp_name, f"{what} zero point", "iu")
            dtype = zp_arr.dtype
            zp = zp_arr.astype(np.int64).reshape(-1)
        else:
            dtype, zp = np.dtype(np.uint8), np.zeros(1, np.int64)  # ONNX default is uint8
        if scale.size == 0 or zp.size == 0:
            raise self.error(f"{what}: empty scale or zero point")
        if zp.size not in (1, scale.size):
            raise self.error(f"{what}: {scale.size} scales but {zp.size} zero points")
        if zp.size == 1 and scale.size > 1:
            zp = np.repeat(zp, scale.size)
        if not np.all(np.isfinite(scale)) or np.any(scale < np.finfo(np.float32).tiny):
            raise self.error(
                f"{what}: scales must be finite, positive and normal float32 values, got {scale[:4]}"
            )
        return scale, zp, dtype

    # -- attributes --------------------------------------------------------- #
    def attr(self, node: onnx.NodeProto, name: str, kind: str, default=None):
        """The attribute `name` of `node`, checked to be of `kind` (int, ints, float, string,
        tensor); `default` when absent."""
        found = [a for a in node.attribute if a.name == name]
        if not found:
            return default
        if len(found) > 1:
            raise self.error(f"attribute '{name}' is given {len(found)} times")
        a = found[0]
        if a.type != _ATTR_TYPES[kind]:
            try:
                got = onnx.AttributeProto.AttributeType.Name(a.type)
            except ValueError:
                got = f"type {a.type}"
            raise self.error(f"attribute '{name}' must be {kind}, got {got}")
        if kind == "int":
            return a.i
        if kind == "ints":
            return list(a.ints)
        if kind == "float":
            return a.f
        if kind == "string":
            try:
                return a.s.decode("utf-8")
            except UnicodeDecodeError:
                raise self.error(f"attribute '{name}' is not valid UTF-8") from None
        return a.t

    def axis_attr(self, node, rank: int, default: int | None = None, name: str = "axis") -> int:
        """The attribute `name` as an axis in [0, rank)."""
        axis = self.attr(node, name, "int", default)
        if axis is None:
            raise self.error(f"attribute '{name}' is required")
        if not -rank <= axis < rank:
            raise self.error(f"{name} {axis} is out of range for rank {rank}")
        return axis % rank

    def check_arity(self, node: onnx.NodeProto) -> None:
        low, high, max_out = _ARITY[node.op_type]
        n = len(node.input)
        if n < low or (high is not None and n > high):
            expected = f"{low}" if low == high else f"{low} to {high}" if high is not None else f"at least {low}"
            raise self.error(f"has {n} inputs, expected {expected}")
        if node.op_type == "QLinearConcat" and (n - 2) % 3:
            raise self.error(f"has {n} inputs; QLinearConcat takes y_scale, y_zero_point and (tensor, scale, zero point) triples")
        if not node.output or not node.output[0]:
            raise self.error("has no output name")
        if len(node.output) > max_out:
            raise self.error(f"has {len(node.output)} outputs, expected {max_out}")

    # -- constants ---------------------------------------------------------- #
    def decode_tensor(self, tensor: onnx.TensorProto, what: str) -> np.ndarray:
        """A TensorProto as an array, refusing external data, exotic types and huge or
        inconsistent shapes before anything is allocated."""
        if tensor.data_location == onnx.TensorProto.EXTERNAL or tensor.external_data:
            raise self.error(f"{what} uses external data; tinymlir needs a self-contained .onnx file")
        if tensor.data_type not in _CONST_TYPES:
            raise self.error(
                f"{what} has element type {dtype_name(tensor.data_type)}; tinymlir supports numeric "
                "constants (int8, uint8, int32, int64, float32, ...)"
            )
        dims = list(tensor.dims)
        if any(d < 0 for d in dims):
            raise self.error(f"{what} has negative dimensions {dims}")
        if math.prod(dims) > MAX_ELEMENTS:
            raise self.error(f"{what} declares {math.prod(dims)} elements (dims {dims}); at most {MAX_ELEMENTS} are supported")
        try:
            array = numpy_helper.to_array(tensor)
        except Exception as exc:  # noqa: BLE001 - any decoding failure is a corrupt tensor
            raise self.error(f"{what} cannot be decoded: {exc}") from None
        if tuple(array.shape) != tuple(dims):
            raise self.error(f"{what} has {array.size} values for dims {dims}")
        return array

    def storage_type(self, dtype: np.dtype, what: str):
        for element_type, np_type in _STORAGE.values():
            if np.dtype(np_type) == dtype:
                return element_type
        raise self.error(
            f"{what} is {dtype}; tinymlir supports int8 and uint8 quantised tensors"
        )

    def qtype(self, shape, dtype, scale, zp, axis: int = -1) -> qnn.QTensorType:
        element_type = self.storage_type(np.dtype(dtype), "quantised tensor")
        if axis == -1 and (len(scale) != 1 or len(zp) != 1):
            raise self.error(
                f"needs per-tensor quantisation (one scale and zero point), got {len(scale)} scales"
            )
        info = np.iinfo(np.dtype(dtype))
        bad = [int(z) for z in zp if not info.min <= int(z) <= info.max]
        if bad:
            raise self.error(f"zero point {bad[0]} is out of range [{info.min}, {info.max}] of {np.dtype(dtype)}")
        try:
            return qnn.QTensorType(shape, element_type, [float(s) for s in scale], [int(z) for z in zp], axis)
        except VerifyException as exc:
            raise self.error(f"invalid quantised type: {exc}") from None

    def in_layout(self, q: Quant, perm: tuple[int, ...]) -> SSAValue:
        """q's IR value laid out as onnx.transpose(perm)."""
        if q.perm == perm:
            return q.value
        key = (id(q.value), perm)
        if key in self.layout_cache:
            return self.layout_cache[key]
        inv_old = inverse(q.perm)
        t = tuple(inv_old[p] for p in perm)
        src_shape = q.qtype.get_shape()
        new_shape = [src_shape[i] for i in t]
        result_type = q.qtype.with_shape(new_shape)
        moved = [i for i in t if src_shape[i] != 1]
        if q.value in self.const_arrays:
            value = self.constant(self.const_arrays[q.value].transpose(t), result_type)
            self.layout_cache[key] = value
            return value
        if moved == sorted(moved):  # only unit dimensions move: same bytes
            op = qnn.ReshapeOp(q.value, result_type)
        else:
            op = qnn.TransposeOp(q.value, result_type, t)
        value = self.emit(op, (q.value.name_hint or "v") + "_relayout")
        self.layout_cache[key] = value
        return value

    @staticmethod
    def describe(value: Value) -> str:
        """What an environment value is, in the user's terms."""
        if isinstance(value, Quant):
            return "which is already an integer (quantised) tensor"
        if isinstance(value, Deq):
            return "which is already a dequantised (float) tensor"
        if isinstance(value, DeqConst):
            return "which is a dequantised constant"
        if isinstance(value, Const):
            return f"which is a {value.array.dtype} constant"
        if isinstance(value, FloatValue):
            return "which is a float graph input"
        return f"which is the float result of node '{value.node.name}' ({value.node.op_type})"

    def as_quant(self, value: Value, role: str) -> Quant:
        if isinstance(value, Quant):
            return value
        if isinstance(value, Deq):
            return value.source
        if isinstance(value, DeqConst):
            if value.axis >= 0 and value.scales.size > 1:
                raise self.error(f"{role}: a per-axis quantised constant is only supported as weights")
            t = self.qtype(value.array.shape, value.array.dtype, value.scales[:1], value.zero_points[:1])
            return Quant(self.constant(value.array, t), identity(value.array.ndim))
        if isinstance(value, Pending):
            raise self.error(
                f"{role} is the float result of node '{value.node.name}' ({value.node.op_type}), "
                "which must be quantised by a QuantizeLinear first"
            )
        if isinstance(value, FloatValue):
            raise self.error(f"{role} is an unquantised float tensor; tinymlir needs int8 QDQ or QOperator models")
        raise self.error(f"{role} must be a quantised tensor, got a constant")

    def quant_const(self, array: np.ndarray, scale, zp) -> Quant:
        t = self.qtype(array.shape, array.dtype, scale, zp)
        return Quant(self.constant(array, t), identity(array.ndim))

    def constant(self, array: np.ndarray, t: qnn.QTensorType) -> SSAValue:
        """A qnn.constant holding `array` (integers in the IR layout of `t`)."""
        array = np.ascontiguousarray(array)
        value = self.emit(qnn.ConstantOp(dense_attr(array, t.element_type), t), "cst")
        self.const_arrays[value] = array
        return value

    # -- top level ---------------------------------------------------------- #
    def run(self) -> ModuleOp:
        self.check_model()
        for init in self.graph.initializer:
            self.env[init.name] = Const(self.decode_tensor(init, f"initializer '{init.name}'"))
        arg_types, arg_names = [], []
        initializer_names = {i.name for i in self.graph.initializer}
        inputs = [i for i in self.graph.input if i.name not in initializer_names]
        if not inputs:
            raise OnnxImportError("the graph has no inputs")
        if not self.graph.output:
            raise OnnxImportError("the graph has no outputs")
        block = self.block
        function = func.FuncOp(self.name, FunctionType.from_lists([], []), Region(block))
        module = ModuleOp([function])  # the function's type is set once its results are known
        qnn.set_numerics(module, self.numerics)
        for graph_input in inputs:
            try:
                arg_type, perm = self.input_type(graph_input)
            except OnnxImportError as exc:
                if str(exc).startswith("graph input"):
                    raise
                raise OnnxImportError(f"graph input '{graph_input.name}': {exc}") from None
            finally:
                self.node = None
            arg = block.insert_arg(arg_type, len(block.args))
            arg.name_hint = readable_name(graph_input.name)
            arg_names.append(graph_input.name)
            arg_types.append(arg_type)
            if isinstance(arg_type, qnn.QTensorType):
                self.env[graph_input.name] = Quant(arg, perm)
            else:
                self.env[graph_input.name] = FloatValue(arg)
        for node in self.graph.node:
            self.node = node
            try:
                self.import_node(node)
            except VerifyException as exc:
                raise self.error(f"produces invalid IR: {exc}") from None
        self.node = None
        results: list[SSAValue] = []
        for graph_output in self.graph.output:
            results.append(self.output_value(graph_output.name))
        block.erase_op(self.terminator)
        block.add_op(func.ReturnOp(*results))
        function.function_type = FunctionType.from_lists(arg_types, [r.type for r in results])
        try:
            module.verify()
        except VerifyException as exc:  # every op was verified when emitted: a last safety net
            raise OnnxImportError(f"the imported module does not verify: {exc}") from None
        return module

    def check_structure(self) -> None:
        """Missing inputs and ordering, named by node (the ONNX checker's messages are not)."""
        if not self.graph.node:
            raise OnnxImportError("the graph has no nodes")
        if len(self.graph.node) > MAX_NODES:
            raise OnnxImportError(
                f"the graph has {len(self.graph.node)} nodes; tinymlir supports at most {MAX_NODES}"
            )
        for what, values in (("inputs", self.graph.input), ("outputs", self.graph.output)):
            if len(values) > MAX_GRAPH_IO:
                raise OnnxImportError(
                    f"the graph has {len(values)} {what}; tinymlir supports at most {MAX_GRAPH_IO}"
                )
        available = {i.name for i in self.graph.initializer} | {i.name for i in self.graph.input}
        produced_later = {o for n in self.graph.node for o in n.output}
        for node in self.graph.node:
            self.node = node
            for name in node.output:
                if name and name in available:
                    raise self.error(
                        f"output '{name}' is already defined by another node, a graph input or an "
                        "initializer (the graph is not in SSA form)"
                    )
                if name and list(node.output).count(name) > 1:
                    raise self.error(f"output '{name}' is listed twice")
            for name in node.input:
                if name and name not in available:
                    if name in produced_later:
                        raise self.error(
                            f"input '{name}' is produced later: the graph is not topologically "
                            "sorted or has a cycle"
                        )
                    raise self.error(
                        f"input '{name}' is not produced by any node, graph input or initializer "
                        "(missing initializer?)"
                    )
            available.update(o for o in node.output if o)
        self.node = None

    def check_model(self) -> None:
        opset = None
        for entry in self.model.opset_import:
            if entry.domain in ("", "ai.onnx"):
                opset = entry.version
        if opset is None:
            raise OnnxImportError("the model declares no ai.onnx opset")
        if opset < MIN_OPSET:
            raise OnnxImportError(
                f"opset {opset} is older than {MIN_OPSET}, the oldest tinymlir supports; convert "
                f"it with onnx.version_converter.convert_version(model, {MIN_OPSET})"
            )
        newest = onnx.defs.onnx_opset_version()
        if opset > newest:
            raise OnnxImportError(
                f"opset {opset} is newer than {newest}, the newest the installed onnx package knows"
            )
        self.opset = opset
        self.check_structure()
        external = next(_external_tensors(self.graph), None)
        if external is not None:  # refused before the checker, which would look for the file
            raise OnnxImportError(
                f"tensor '{external}' uses external data; tinymlir needs a self-contained .onnx file"
            )
        try:
            onnx.checker.check_model(self.model)
        except Exception as exc:  # noqa: BLE001 - the checker raises several types
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise OnnxImportError(f"invalid ONNX model: {first}") from None

    def input_type(self, graph_input: onnx.ValueInfoProto):
        tensor_type = graph_input.type.tensor_type
        if not graph_input.type.HasField("tensor_type") or not tensor_type.HasField("shape"):
            raise OnnxImportError(
                f"graph input '{graph_input.name}' has an unknown shape; tinymlir needs static shapes"
            )
        shape = []
        for dim in tensor_type.shape.dim:
            if dim.HasField("dim_value") and dim.dim_value > 0:
                shape.append(dim.dim_value)
            elif dim.HasField("dim_value"):
                raise OnnxImportError(
                    f"graph input '{graph_input.name}' has dimension {dim.dim_value}; dimensions "
                    "must be positive"
                )
            else:
                label = dim.dim_param or "?"
                raise OnnxImportError(
                    f"graph input '{graph_input.name}' has a dynamic dimension '{label}'; tinymlir "
                    "needs static shapes (fix them with onnx.tools.update_model_dims)"
                )
        if math.prod(shape) > MAX_ELEMENTS:
            raise OnnxImportError(
                f"graph input '{graph_input.name}' has shape {shape} ({math.prod(shape)} elements); "
                f"tinymlir supports tensors of at most {MAX_ELEMENTS} elements"
            )
        elem = tensor_type.elem_type
        if elem == onnx.TensorProto.FLOAT:
            return TensorType(f32, shape), identity(len(shape))
        if elem in _STORAGE:
            scale, zp = self.find_input_qparams(graph_input.name)
            dtype = _STORAGE[elem][1]
            return self.qtype(shape, dtype, scale, zp), identity(len(shape))
        try:
            type_name = str(np.dtype(onnx.helper.tensor_dtype_to_np_dtype(elem))) if elem else "undefined"
        except Exception:  # noqa: BLE001 - an element type numpy has no name for
            type_name = dtype_name(elem)
        raise OnnxImportError(
            f"graph input '{graph_input.name}' has element type {type_name}; "
            "tinymlir supports int8, uint8 and float32 (quantised by QuantizeLinear) inputs"
        )

    # Operand index of each quantised input's (scale, zero point) in QOperator ops.
    _QOP_PARAMS: dict[str, dict[int, tuple[int, int]]] = {
        "QLinearConv": {0: (1, 2)},
        "QLinearMatMul": {0: (1, 2), 3: (4, 5)},
        "QGemm": {0: (1, 2)},
        "QLinearAdd": {0: (1, 2), 3: (4, 5)},
        "QLinearAveragePool": {0: (1, 2)},
        "QLinearGlobalAveragePool": {0: (1, 2)},
        "QLinearSoftmax": {0: (1, 2)},
        "DequantizeLinear": {0: (1, 2)},
    }
    _MOVEMENT = {"Transpose", "Reshape", "Flatten", "Squeeze", "Unsqueeze", "Identity", "MaxPool", "Pad"}

    def consumers(self) -> dict[str, list[tuple[onnx.NodeProto, int]]]:
        """tensor name -> (node, operand index) of its uses, in graph order (built once)."""
        if self._consumers is None:
            self._consumers = {}
            for node in self.graph.node:
                for index, inp in enumerate(node.input):
                    self._consumers.setdefault(inp, []).append((node, index))
        return self._consumers

    def find_input_qparams(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """Quantisation parameters of an integer graph input, from its consumers."""
        frontier, seen = deque([name]), set()
        while frontier:
            current = frontier.popleft()
            if current in seen:
                continue
            seen.add(current)
            for node, index in self.consumers().get(current, ()):
                if node.op_type == "QLinearConcat" and index >= 2 and (index - 2) % 3 == 0:
                    pos = (index + 1, index + 2)
                else:
                    pos = self._QOP_PARAMS.get(node.op_type, {}).get(index)
                if pos is not None and pos[0] < len(node.input):
                    zp_name = node.input[pos[1]] if len(node.input) > pos[1] else ""
                    self.node = node
                    scale, zp, _ = self.qparams(node.input[pos[0]], zp_name, "input")
                    self.node = None
                    return scale, zp
                if node.op_type in self._MOVEMENT and index == 0:
                    frontier.extend(node.output)
        # Only integer data movement consumes it (e.g. an int8 MaxPool graph): the values are
        # plain integers whose scale no op reads.
        return np.ones(1, np.float32), np.zeros(1, np.int64)

    def output_value(self, name: str) -> SSAValue:
        value = self.env.get(name)
        if isinstance(value, Quant):
            return self.in_layout(value, identity(len(value.perm)))
        if isinstance(value, Deq):
            q = value.source
            data = self.in_layout(q, identity(len(q.perm)))
            shape = list(q.onnx_shape)
            return self.emit(qnn.DequantizeOp(data, TensorType(f32, shape)), readable_name(name))
        if isinstance(value, FloatValue):
            raise OnnxImportError(
                f"graph output '{name}' is an unquantised float tensor (the float input passed "
                "through); tinymlir compiles fully quantised graphs"
            )
        raise OnnxImportError(
            f"graph output '{name}' is not a quantised tensor (float computation without "
            "QuantizeLinear, or a constant); tinymlir compiles fully quantised graphs"
        )

    # -- node dispatch ------------------------------------------------------ #
    def import_node(self, node: onnx.NodeProto) -> None:
        if node.domain not in ("", "ai.onnx", "com.microsoft"):
            raise self.error(f"domain '{node.domain}' is not supported")
        if node.op_type not in SUPPORTED_OPS:
            raise self.error(
                "unsupported op; tinymlir supports " + ", ".join(SUPPORTED_OPS)
            )
        self.check_arity(node)
        getattr(self, f"op_{node.op_type}")(node)

    def set(self, node: onnx.NodeProto, value: Value, index: int = 0) -> None:
        self.env[node.output[index]] = value

    # Constants and Q/DQ ---------------------------------------------------- #
    def op_Constant(self, node):
        others = sorted({a.name for a in node.attribute} - {"value"})
        tensor = self.attr(node, "value", "tensor")
        if tensor is None or others:
            raise self.error(
                "only Constant with a 'value' tensor is supported"
                + (f", got attribute {others[0]}" if others else "")
            )
        self.set(node, Const(self.decode_tensor(tensor, "its 'value' tensor")))

    def op_Identity(self, node):
        self.set(node, self.get(node.input[0]))

    def check_block_size(self, node) -> None:
        if self.attr(node, "block_size", "int", 0):
            raise self.error("blocked quantisation (block_size) is not supported")

    def op_QuantizeLinear(self, node):
        self.check_block_size(node)
        if self.attr(node, "precision", "int", 0) not in (0, onnx.TensorProto.FLOAT):
            raise self.error("only float32 precision is supported")
        zp_name = node.input[2] if len(node.input) > 2 else ""
        scale, zp, dtype = self.qparams(node.input[1], zp_name, "QuantizeLinear")
        output_dtype = self.attr(node, "output_dtype", "int", 0)
        if output_dtype:  # opset 21: the output type without a zero point
            if output_dtype not in _STORAGE:
                raise self.error(
                    f"output_dtype {dtype_name(output_dtype)} is not supported; tinymlir supports INT8 and UINT8"
                )
            wanted = np.dtype(_STORAGE[output_dtype][1])
            if zp_name and dtype != wanted:
                raise self.error(f"the zero point is {dtype} but output_dtype is {wanted}")
            dtype = wanted
        self.storage_type(dtype, "QuantizeLinear output")
        source = self.get(node.input[0])
        if isinstance(source, Const):  # float weights quantised at compile time
            self.quantize_const(node, source.array, scale, zp, dtype)
            return
        if scale.size != 1:
            raise self.error("per-axis QuantizeLinear of activations is not supported")
        if isinstance(source, FloatValue):
            shape = source.value.type.get_shape()
            t = self.qtype(shape, dtype, scale, zp)
            self.set(node, Quant(self.emit(qnn.QuantizeOp(source.value, t)), identity(len(shape))))
            return
        if isinstance(source, Deq):
            self.set(node, self.requantized(source.source, scale, zp, dtype, (-np.inf, np.inf)))
            return
        if isinstance(source, Pending):
            self.set(node, self.materialize(source, scale, zp, dtype))
            return
        raise self.error(
            f"cannot quantise '{node.input[0]}', {self.describe(source)}; QuantizeLinear needs a "
            "float tensor (a float graph input, a dequantised tensor or a float computation)"
        )

    def quantize_const(self, node, array: np.ndarray, scale, zp, dtype) -> None:
        if array.dtype.kind not in "fiu":
            raise self.error(f"cannot quantise a {array.dtype} constant")
        with np.errstate(over="ignore", invalid="ignore"):
            arr = array.astype(np.float32)
        if not np.all(np.isfinite(arr)):
            raise self.error("the float constant has NaN or infinite values")
        axis = -1
        if scale.size > 1:
            axis = self.axis_attr(node, arr.ndim, 1)
            if arr.shape[axis] != scale.size:
                raise self.error(f"per-axis scales ({scale.size}) do not match axis {axis} of {list(arr.shape)}")
        shape = [1] * arr.ndim
        if axis >= 0:
            shape[axis] = -1
        info = np.iinfo(dtype)
        with np.errstate(over="ignore", invalid="ignore"):
            q = np.rint(arr / scale.reshape(shape)) + zp.reshape(shape)
        q = np.clip(q, info.min, info.max).astype(dtype)
        self.set(node, Const(q))
        self.quantized_consts[node.output[0]] = DeqConst(q, scale, zp, axis)

    def requantized(self, q: Quant, scale, zp, dtype, clamp) -> Quant:
        target = self.qtype(q.qtype.get_shape(), dtype, scale, zp)
        bounds = clamp_range(target, clamp)
        if q.qtype.same_params(target) and bounds is None:
            return q
        return Quant(self.emit(qnn.RequantizeOp(q.value, target, bounds)), q.perm)

    def op_DequantizeLinear(self, node):
        self.check_block_size(node)
        if self.attr(node, "output_dtype", "int", 0) not in (0, onnx.TensorProto.FLOAT):
            raise self.error("only a float32 output_dtype is supported")
        zp_name = node.input[2] if len(node.input) > 2 else ""
        scale, zp, _ = self.qparams(node.input[1], zp_name, "DequantizeLinear")
        source = self.get(node.input[0])
        if isinstance(source, Const):
            if node.input[0] in self.quantized_consts:
                self.set(node, self.quantized_consts[node.input[0]])
                return
            arr = source.array
            if arr.dtype not in (np.int8, np.uint8, np.int32):
                raise self.error(f"dequantised constant '{node.input[0]}' is {arr.dtype}; expected int8, uint8 or int32")
            axis = -1
            if scale.size > 1:
                axis = self.axis_attr(node, arr.ndim, 1)
                if arr.shape[axis] != scale.size:
                    raise self.error(f"per-axis scales ({scale.size}) do not match axis {axis} of {list(arr.shape)}")
            self.set(node, DeqConst(arr, scale, zp, axis))
            return
        if isinstance(source, Quant):
            if scale.size != 1:
                raise self.error("per-axis DequantizeLinear of activations is not supported")
            t = source.qtype
            if float(np.float32(scale[0])) != t.scale or int(zp[0]) != t.zero_point:
                raise self.error(
                    f"dequantises '{node.input[0]}' with scale {scale[0]} and zero point {zp[0]}, "
                    f"but it was quantised with {t.scale} and {t.zero_point}"
                )
            self.set(node, Deq(source))
            return
        raise self.error(
            f"cannot dequantise '{node.input[0]}', {self.describe(source)}; DequantizeLinear needs "
            "an int8/uint8 tensor or an int8/uint8/int32 initializer"
        )

    # Float ops on dequantised values (QDQ form) ---------------------------- #
    def float_input(self, name: str, role: str) -> Quant:
        value = self.get(name)
        if isinstance(value, Deq):
            return value.source
        if isinstance(value, Const) and value.array.dtype.kind == "f":
            raise self.error(
                f"{role} '{name}' is a float constant not produced by DequantizeLinear: the model "
                "is not quantised (tinymlir compiles int8 QDQ or QOperator models)"
            )
        return self.as_quant(value, f"{role} '{name}'")

    def weight_input(self, name: str, role: str) -> DeqConst:
        value = self.get(name)
        if isinstance(value, DeqConst):
            return value
        if isinstance(value, Const) and value.array.dtype.kind == "f":
            raise self.error(
                f"{role} '{name}' is a float constant not produced by DequantizeLinear: the model "
                "is not quantised (tinymlir compiles int8 QDQ or QOperator models)"
            )
        raise self.error(f"{role} '{name}' must be a dequantised int8 constant (runtime weights are not supported)")

    def optional_input(self, node, index: int) -> Value | None:
        return self.get(node.input[index]) if len(node.input) > index and node.input[index] else None

    def bias_input(self, node, index: int) -> DeqConst | Const | None:
        bias = self.optional_input(node, index)
        if bias is not None and not isinstance(bias, DeqConst | Const):
            raise self.error(
                f"bias '{node.input[index]}' must be a constant (DequantizeLinear of an int32 "
                "initializer); runtime biases are not supported"
            )
        return bias

    def op_Conv(self, node):
        x = self.float_input(node.input[0], "input")
        w = self.weight_input(node.input[1], "weight")
        bias = self.bias_input(node, 2)
        self.set(node, Pending(node, "conv", [x], self.conv_attrs(node, x, w.array.shape), w, bias))

    def op_MatMul(self, node):
        x = self.float_input(node.input[0], "input")
        w = self.weight_input(node.input[1], "weight")
        if len(x.onnx_shape) != 2 or w.array.ndim != 2:
            raise self.error(
                f"only 2-D MatMul [N,K] x [K,M] is supported, got {list(x.onnx_shape)} x {list(w.array.shape)}"
            )
        self.set(node, Pending(node, "dense", [x], {"transpose_weight": True}, w, None))

    def op_Gemm(self, node):
        trans_a = self.attr(node, "transA", "int", 0)
        trans_b = self.attr(node, "transB", "int", 0)
        alpha = self.attr(node, "alpha", "float", 1.0)
        beta = self.attr(node, "beta", "float", 1.0)
        if trans_a or alpha != 1.0 or beta != 1.0:
            raise self.error("only Gemm with transA=0, alpha=1 and beta=1 is supported")
        x = self.float_input(node.input[0], "input")
        w = self.weight_input(node.input[1], "weight")
        if len(x.onnx_shape) != 2 or w.array.ndim != 2:
            raise self.error(
                f"only 2-D Gemm is supported, got {list(x.onnx_shape)} x {list(w.array.shape)}"
            )
        bias = self.bias_input(node, 2)
        self.set(node, Pending(node, "dense", [x], {"transpose_weight": not trans_b}, w, bias))

    def op_Add(self, node):
        a, b = self.get(node.input[0]), self.get(node.input[1])
        for p, other in ((a, b), (b, a)):
            if isinstance(p, Pending) and p.kind in ("conv", "dense") and p.bias is None:
                if isinstance(other, DeqConst | Const):
                    p2 = Pending(p.node, p.kind, p.inputs, p.attrs, p.weight, other, p.clamp)
                    self.set(node, p2)
                    return
        x = self.float_input(node.input[0], "lhs")
        y = self.float_input(node.input[1], "rhs")
        self.set(node, Pending(node, "add", [x, y]))

    def activation(self, node, lo: float, hi: float):
        source = self.get(node.input[0])
        if isinstance(source, Pending):
            clamp = (max(source.clamp[0], lo), min(source.clamp[1], hi))
            self.set(node, Pending(source.node, source.kind, source.inputs, source.attrs, source.weight, source.bias, clamp))
            return
        x = self.float_input(node.input[0], "input")
        self.set(node, Pending(node, "clamp", [x], clamp=(lo, hi)))

    def op_Relu(self, node):
        self.activation(node, 0.0, np.inf)

    def op_Clip(self, node):
        lo = self.attr(node, "min", "float", -np.inf)
        hi = self.attr(node, "max", "float", np.inf)
        if len(node.input) > 1 and node.input[1]:
            lo = self.scalar(node.input[1], "Clip min")
        if len(node.input) > 2 and node.input[2]:
            hi = self.scalar(node.input[2], "Clip max")
        if np.isnan(lo) or np.isnan(hi):
            raise self.error("Clip bounds must not be NaN")
        q = self.get(node.input[0])
        if isinstance(q, Quant):  # int8 Clip in QOperator graphs
            t = q.qtype
            lo_q = int(np.clip(np.ceil(lo), t.storage_min, t.storage_max))
            hi_q = int(np.clip(np.floor(hi), t.storage_min, t.storage_max))
            bounds = [min(lo_q, hi_q), hi_q]  # min > max clips everything to max
            self.set(node, Quant(self.emit(qnn.RequantizeOp(q.value, t, bounds)), q.perm))
            return
        self.activation(node, lo, hi)

    def window_ints(self, node, name: str) -> list[int]:
        values = self.attr(node, name, "ints", [1, 1])
        if len(values) != 2 or any(v < 1 for v in values):
            raise self.error(f"{name} must be 2 positive integers, got {values}")
        return values

    def pool_attrs(self, node, x: Quant, global_pool: bool) -> dict:
        if len(x.onnx_shape) != 4:
            raise self.error(f"only 2-D pooling on 4-D tensors is supported, got {list(x.onnx_shape)}")
        n, c, h, w = x.onnx_shape
        if global_pool:
            return {"kernel": [h, w], "strides": [1, 1], "pads": [0, 0, 0, 0]}
        kernel = self.attr(node, "kernel_shape", "ints", [])
        if len(kernel) != 2 or any(k < 1 for k in kernel):
            raise self.error(f"kernel_shape must be 2 positive integers, got {kernel}")
        if self.attr(node, "ceil_mode", "int", 0):
            raise self.error("ceil_mode=1 is not supported")
        if any(d != 1 for d in self.attr(node, "dilations", "ints", [1, 1])):
            raise self.error("dilated pooling is not supported")
        if self.attr(node, "storage_order", "int", 0):
            raise self.error("storage_order=1 is not supported")
        strides = self.window_ints(node, "strides")
        pads = self.resolve_pads(node, [h, w], kernel, strides, [1, 1])
        count_include_pad = self.attr(node, "count_include_pad", "int", 0)
        return {"kernel": kernel, "strides": strides, "pads": pads, "count_include_pad": count_include_pad}

    def resolve_pads(self, node, spatial, kernel, strides, dilations) -> list[int]:
        auto_pad = self.attr(node, "auto_pad", "string", "NOTSET")
        if auto_pad in ("NOTSET", ""):
            pads = self.attr(node, "pads", "ints", [0, 0, 0, 0])
            if len(pads) != 4 or any(p < 0 for p in pads):
                raise self.error(f"pads must be 4 non-negative integers, got {pads}")
            return pads
        if auto_pad == "VALID":
            return [0, 0, 0, 0]
        if auto_pad in ("SAME_UPPER", "SAME_LOWER"):
            begin, end = [], []
            for size, k, s, d in zip(spatial, kernel, strides, dilations, strict=True):
                out = -(-size // s)
                total = max(0, (out - 1) * s + (k - 1) * d + 1 - size)
                small, large = total // 2, total - total // 2
                b, e = (small, large) if auto_pad == "SAME_UPPER" else (large, small)
                begin.append(b)
                end.append(e)
            return [begin[0], begin[1], end[0], end[1]]
        raise self.error(f"auto_pad '{auto_pad}' is not supported")

    def conv_attrs(self, node, x: Quant, w_shape) -> dict:
        if len(x.onnx_shape) != 4 or len(w_shape) != 4:
            raise self.error(
                f"only 2-D convolution (4-D tensors) is supported, got input {list(x.onnx_shape)} "
                f"and weights {list(w_shape)}"
            )
        strides = self.window_ints(node, "strides")
        dilations = self.window_ints(node, "dilations")
        kernel = list(w_shape[2:])
        kernel_shape = self.attr(node, "kernel_shape", "ints")
        if kernel_shape is not None and kernel_shape != kernel:
            raise self.error(f"kernel_shape {kernel_shape} does not match the weight {list(w_shape)}")
        groups = self.attr(node, "group", "int", 1)
        c_in, c_out = x.onnx_shape[1], w_shape[0]
        if groups < 1 or c_in % groups or c_out % groups:
            raise self.error(f"group {groups} must divide the input channels {c_in} and the output channels {c_out}")
        if w_shape[1] * groups != c_in:
            raise self.error(
                f"the weights {list(w_shape)} with group {groups} need {w_shape[1] * groups} input "
                f"channels, the input {list(x.onnx_shape)} has {c_in}"
            )
        pads = self.resolve_pads(node, x.onnx_shape[2:], kernel, strides, dilations)
        return {"strides": strides, "dilations": dilations, "pads": pads, "groups": groups}

    def op_AveragePool(self, node):
        x = self.float_input(node.input[0], "input")
        attrs = self.pool_attrs(node, x, False)
        if attrs.pop("count_include_pad") and any(attrs["pads"]):
            raise self.error("count_include_pad=1 with padding is not supported (TFLite averages valid elements only)")
        # onnxruntime's float AveragePool (MLAS, x86-64): the vector kernel for width strides <= 2
        # and kernels <= 32 sums columns first; otherwise the scalar kernel sums row-major.
        vector = attrs["strides"][1] <= 2 and max(attrs["kernel"]) <= 32
        attrs["onnx_form"] = qnn.PoolForm.MLAS_COLUMNS if vector else qnn.PoolForm.SEQUENTIAL
        self.set(node, Pending(node, "avg_pool", [x], attrs))

    def op_GlobalAveragePool(self, node):
        x = self.float_input(node.input[0], "input")
        attrs = self.pool_attrs(node, x, True) | {"onnx_form": qnn.PoolForm.MLAS_LANES4}
        self.set(node, Pending(node, "avg_pool", [x], attrs))

    def op_Softmax(self, node):
        x = self.float_input(node.input[0], "input")
        rank = len(x.onnx_shape)
        axis = self.axis_attr(node, rank, -1)
        if axis != rank - 1:
            raise self.error(f"softmax over axis {axis} is not supported, only over the last axis")
        self.set(node, Pending(node, "softmax", [x]))

    def op_Concat(self, node):
        inputs = [self.float_input(n, f"input {i}") if not isinstance(self.get(n), Quant) else self.get(n)
                  for i, n in enumerate(node.input)]
        axis = self.axis_attr(node, len(inputs[0].onnx_shape))
        if all(isinstance(self.get(n), Quant) for n in node.input):  # int8 Concat
            q0 = inputs[0].qtype
            if not all(q.qtype.same_params(q0) for q in inputs):
                raise self.error("integer Concat needs all inputs at the same quantisation parameters")
            self.set(node, self.concat(inputs, axis, q0.scale_values, q0.zero_point_values, np.int8 if q0.element_type == i8 else np.uint8))
            return
        self.set(node, Pending(node, "concat", inputs, {"axis": axis}))

    # Data movement: on Quant (integer) or Deq (float view) ----------------- #
    def movement(self, node, transform: Callable[[Quant], Quant]):
        source = self.get(node.input[0])
        if isinstance(source, Quant):
            self.set(node, transform(source))
        elif isinstance(source, Deq):
            self.set(node, Deq(transform(source.source)))
        elif isinstance(source, DeqConst | Const):
            raise self.error("data movement on constants is not supported; fold it into the initializer")
        else:
            raise self.error(
                f"the input '{node.input[0]}' is {self.describe(source)}; data movement needs a "
                "quantised tensor or its DequantizeLinear"
            )

    def reshaped(self, q: Quant, shape: Sequence[int]) -> Quant:
        data = self.in_layout(q, identity(len(q.perm)))
        if tuple(shape) == q.onnx_shape:
            return Quant(data, identity(len(shape)))
        t = q.qtype.with_shape(shape)
        if data in self.const_arrays:  # e.g. a bias [M] broadcast to [1, M] in an add
            return Quant(self.constant(self.const_arrays[data].reshape(shape), t), identity(len(shape)))
        return Quant(self.emit(qnn.ReshapeOp(data, t)), identity(len(shape)))

    def op_Reshape(self, node):
        target = self.int_list(node.input[1], "Reshape shape")
        allowzero = self.attr(node, "allowzero", "int", 0)

        def transform(q: Quant) -> Quant:
            in_shape = q.onnx_shape
            if not allowzero and any(d == 0 and i >= len(in_shape) for i, d in enumerate(target)):
                raise self.error(f"cannot reshape {list(in_shape)} to {target}: a 0 has no input dimension to copy")
            shape = [in_shape[i] if d == 0 and not allowzero else d for i, d in enumerate(target)]
            if shape.count(-1) > 1:
                raise self.error(f"shape {target} has more than one -1")
            total = math.prod(in_shape)
            if shape.count(-1) == 1:
                known = math.prod(d for d in shape if d != -1)
                shape[shape.index(-1)] = total // known if known > 0 else 0
            if any(d <= 0 for d in shape) or math.prod(shape) != total:
                raise self.error(f"cannot reshape {list(in_shape)} to {target}")
            return self.reshaped(q, shape)

        self.movement(node, transform)

    def op_Flatten(self, node):
        axis = self.attr(node, "axis", "int", 1)

        def transform(q: Quant) -> Quant:
            shape = q.onnx_shape
            rank = len(shape)
            if not -rank <= axis <= rank:
                raise self.error(f"axis {axis} is out of range for rank {rank}")
            a = axis + rank if axis < 0 else axis
            return self.reshaped(q, [math.prod(shape[:a]), math.prod(shape[a:])])

        self.movement(node, transform)

    def axes_input(self, node, attr_name="axes") -> list[int] | None:
        if len(node.input) > 1 and node.input[1]:
            return self.int_list(node.input[1], "axes")
        return self.attr(node, attr_name, "ints")

    def op_Squeeze(self, node):
        axes = self.axes_input(node)

        def transform(q: Quant) -> Quant:
            shape = q.onnx_shape
            rank = len(shape)
            if axes is not None and any(not -rank <= a < rank for a in axes):
                raise self.error(f"axes {axes} are out of range for rank {rank}")
            drop = {a % rank for a in axes} if axes is not None else {i for i, d in enumerate(shape) if d == 1}
            if any(shape[a] != 1 for a in drop):
                raise self.error(f"cannot squeeze non-unit axes {sorted(drop)} of {list(shape)}")
            return self.reshaped(q, [d for i, d in enumerate(shape) if i not in drop])

        self.movement(node, transform)

    def op_Unsqueeze(self, node):
        axes = self.axes_input(node)
        if axes is None:
            raise self.error("Unsqueeze needs axes")

        def transform(q: Quant) -> Quant:
            shape = list(q.onnx_shape)
            rank = len(shape) + len(axes)
            if any(not -rank <= a < rank for a in axes) or len({a % rank for a in axes}) != len(axes):
                raise self.error(f"axes {axes} are out of range or repeated for output rank {rank}")
            for a in sorted(a % rank for a in axes):
                shape.insert(a, 1)
            return self.reshaped(q, shape)

        self.movement(node, transform)

    def op_Transpose(self, node):
        perm_attr = self.attr(node, "perm", "ints")

        def transform(q: Quant) -> Quant:
            rank = len(q.perm)
            p = list(perm_attr) if perm_attr is not None else list(reversed(range(rank)))
            if sorted(p) != list(range(rank)):
                raise self.error(f"perm {p} is not a permutation of rank {rank}")
            inv = inverse(p)
            return Quant(q.value, tuple(inv[old] for old in q.perm))

        self.movement(node, transform)

    def op_MaxPool(self, node):
        if len(node.output) > 1 and node.output[1]:
            raise self.error("MaxPool indices output is not supported")

        def transform(q: Quant) -> Quant:
            attrs = self.pool_attrs(node, q, False)
            attrs.pop("count_include_pad")
            return self.pool(qnn.MaxPool2DOp, q, attrs, q.qtype, None)

        self.movement(node, transform)

    def op_Pad(self, node):
        mode = self.attr(node, "mode", "string", "constant")
        if mode != "constant":
            raise self.error(f"Pad mode '{mode}' is not supported, only 'constant'")
        pads = self.int_list(node.input[1], "pads")
        if len(node.input) > 3 and node.input[3]:
            raise self.error("Pad with an axes input is not supported")
        fill = None
        if len(node.input) > 2 and node.input[2]:
            fill = self.scalar(node.input[2], "Pad constant_value")
        source = self.get(node.input[0])
        if fill is not None:
            expected = source.qtype.zero_point if isinstance(source, Quant) else 0.0
            if fill != expected:
                raise self.error(f"only padding with the real value 0 is supported, got {fill}")
        if any(p < 0 for p in pads):
            raise self.error("negative pads (cropping) are not supported")

        def transform(q: Quant) -> Quant:
            rank = len(q.perm)
            if len(pads) != 2 * rank:
                raise self.error(f"pads has {len(pads)} entries for rank {rank}")
            ir_pads = [pads[p] for p in q.perm] + [pads[rank + p] for p in q.perm]
            shape = [d + ir_pads[i] + ir_pads[i + rank] for i, d in enumerate(q.qtype.get_shape())]
            return Quant(self.emit(qnn.PadOp(q.value, q.qtype.with_shape(shape), ir_pads)), q.perm)

        self.movement(node, transform)

    # Materialisation of pending float computations ------------------------ #
    def materialize(self, p: Pending, scale, zp, dtype) -> Quant:
        saved, self.node = self.node, p.node
        try:
            return getattr(self, f"materialize_{p.kind}")(p, scale, zp, dtype)
        finally:
            self.node = saved

    def check_storage(self, inputs: Sequence[Quant], dtype, what: str = "input") -> None:
        """qnn compute ops keep one storage type: int8 in, int8 out (or uint8, uint8)."""
        out = self.storage_type(np.dtype(dtype), "the output")
        for q in inputs:
            if q.qtype.element_type != out:
                got = "uint8" if q.qtype.is_unsigned else "int8"
                raise self.error(
                    f"{got} {what} with a {np.dtype(dtype)} output is not supported; tinymlir "
                    "needs the same storage type (int8 or uint8) on both sides"
                )

    def bias_array(self, p: Pending, x: Quant, w_scales: np.ndarray, channels: int) -> np.ndarray:
        """int32 bias at scale s_in * s_w[c] (TFLite's convention)."""
        if p.bias is None:
            return np.zeros(channels, np.int32)
        expected = np.broadcast_to(self.scale_product(x, w_scales), (channels,))
        if isinstance(p.bias, Const):
            if p.bias.array.dtype.kind != "f":
                raise self.error("an integer bias must come through DequantizeLinear")
            with np.errstate(over="ignore"):
                real = p.bias.array.astype(np.float32).reshape(-1)
        else:
            if np.any(p.bias.zero_points != 0):
                raise self.error("bias zero points must be 0")
            if p.bias.array.size not in (1, channels):
                raise self.error(f"bias has {p.bias.array.size} values for {channels} output channels")
            if p.bias.array.dtype == np.int32 and p.bias.scales.size in (1, channels):
                scales = np.broadcast_to(p.bias.scales.astype(np.float32), (channels,))
                if np.allclose(scales, expected, rtol=1e-6, atol=0):
                    return np.broadcast_to(p.bias.array.reshape(-1), (channels,)).astype(np.int32)
            with np.errstate(over="ignore", invalid="ignore"):
                real = p.bias.real.reshape(-1)
        if real.size not in (1, channels):
            raise self.error(f"bias has {real.size} values for {channels} output channels")
        real = np.broadcast_to(real, (channels,)).astype(np.float64)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            q = np.rint(real / expected.astype(np.float64))
        if not np.all(np.isfinite(q)) or np.any(np.abs(q) > 2**31 - 1):
            raise self.error("bias does not fit int32 at scale s_in * s_w")
        return q.astype(np.int32)

    def scale_product(self, x: Quant, w_scales) -> np.ndarray:
        """s_in * s_w (float32), the bias scale and the numerator of the requantisation
        multiplier: it must be a finite, normal float32."""
        with np.errstate(over="ignore", under="ignore"):
            product = (np.float32(x.qtype.scale) * np.asarray(w_scales, np.float32)).astype(np.float32)
        bad = np.flatnonzero(~np.isfinite(product) | (product < np.finfo(np.float32).tiny))
        if bad.size:
            c = int(bad[0])
            raise self.error(
                f"input scale {x.qtype.scale:g} times weight scale {float(np.asarray(w_scales).reshape(-1)[c]):g}"
                f" (channel {c}) is {float(product.reshape(-1)[c]):g}, not a finite, normal float32 value"
            )
        return product

    def weight_type_and_array(self, w: DeqConst, array: np.ndarray, axis: int) -> qnn.QTensorType:
        if w.axis >= 0 and w.scales.size > 1:
            return self.qtype(array.shape, array.dtype, w.scales, w.zero_points, axis)
        return self.qtype(array.shape, array.dtype, w.scales[:1], w.zero_points[:1])

    def emit_weights(self, w: DeqConst, array: np.ndarray, new_axis: int) -> SSAValue:
        if array.dtype not in (np.int8, np.uint8):
            raise self.error(f"weights must be int8 or uint8, got {array.dtype}")
        t = self.weight_type_and_array(w, array, new_axis)
        return self.emit(qnn.ConstantOp(dense_attr(array, t.element_type), t), self.base_name() + "_weight")

    def emit_bias(self, bias: np.ndarray) -> SSAValue:
        return self.emit(arith.ConstantOp(dense_attr(bias.astype(np.int32), i32)), self.base_name() + "_bias")

    def base_name(self) -> str:
        assert self.node is not None
        return readable_name(self.node.name or self.node.output[0])

    def materialize_conv(self, p: Pending, scale, zp, dtype) -> Quant:
        x, w, a = p.inputs[0], p.weight, p.attrs
        assert w is not None
        if w.axis not in (-1, 0) and w.scales.size > 1:
            raise self.error(f"per-channel conv weights must be quantised along axis 0, got axis {w.axis}")
        c_out = w.array.shape[0]
        ohwi = np.ascontiguousarray(w.array.transpose(0, 2, 3, 1))
        weight = self.emit_weights(w, ohwi, 0)
        bias = self.emit_bias(self.bias_array(p, x, w.scales, c_out))
        return self.conv(x, weight, bias, a, scale, zp, dtype, p.clamp)

    def conv(self, x: Quant, weight, bias, a, scale, zp, dtype, clamp) -> Quant:
        self.check_storage([x], dtype)
        self.scale_product(x, weight.type.scale_values)
        data = self.in_layout(x, NHWC)
        n, h, w_, _ = data.type.get_shape()
        wt = weight.type
        c_out, kh, kw, _ = wt.get_shape()
        pads, strides, dil = a["pads"], a["strides"], a["dilations"]
        oh = qnn.window_output_size(h, kh, strides[0], dil[0], pads[0] + pads[2])
        ow = qnn.window_output_size(w_, kw, strides[1], dil[1], pads[1] + pads[3])
        if oh <= 0 or ow <= 0:
            raise self.error("the kernel does not fit the padded input")
        out_t = self.qtype([n, oh, ow, c_out], dtype, scale, zp)
        groups = a["groups"]
        op = qnn.Conv2DOp(
            data, weight, bias, out_t, strides=strides, pads=pads, dilations=dil, groups=groups,
            clamp=clamp_range(out_t, clamp),
        )
        return Quant(self.emit(op), NHWC)

    def materialize_dense(self, p: Pending, scale, zp, dtype) -> Quant:
        x, w = p.inputs[0], p.weight
        assert w is not None
        arr = w.array
        axis = w.axis
        if p.attrs["transpose_weight"]:  # ONNX [K, M] -> [M, K]
            arr = np.ascontiguousarray(arr.T)
            axis = {0: 1, 1: 0}.get(axis, axis)
        if w.scales.size > 1 and axis != 0:
            raise self.error("per-channel MatMul weights must be quantised along the output axis")
        weight = self.emit_weights(w, arr, 0)
        bias = self.emit_bias(self.bias_array(p, x, w.scales, arr.shape[0]))
        return self.dense(x, weight, bias, scale, zp, dtype, p.clamp)

    def dense(self, x: Quant, weight, bias, scale, zp, dtype, clamp) -> Quant:
        if len(x.perm) != 2:
            raise self.error(f"only 2-D inputs [N, K] are supported, got {list(x.onnx_shape)}")
        self.check_storage([x], dtype)
        self.scale_product(x, weight.type.scale_values)
        data = self.in_layout(x, identity(len(x.perm)))
        n, k = data.type.get_shape()
        m, k_w = weight.type.get_shape()
        if k != k_w:
            raise self.error(f"input depth {k} does not match the weight depth {k_w}")
        out_t = self.qtype([n, m], dtype, scale, zp)
        return Quant(self.emit(qnn.DenseOp(data, weight, bias, out_t, clamp_range(out_t, clamp))), (0, 1))

    def materialize_add(self, p: Pending, scale, zp, dtype) -> Quant:
        return self.add(p.inputs[0], p.inputs[1], scale, zp, dtype, p.clamp)

    def add(self, a: Quant, b: Quant, scale, zp, dtype, clamp) -> Quant:
        self.check_storage([a, b], dtype, "operand")
        rank = max(len(a.perm), len(b.perm))
        a, b = (self.reshaped(q, (1,) * (rank - len(q.perm)) + q.onnx_shape) if len(q.perm) < rank else q for q in (a, b))
        perm = a.perm if a.qtype.get_num_elements() >= b.qtype.get_num_elements() else b.perm
        va, vb = self.in_layout(a, perm), self.in_layout(b, perm)
        shape = qnn.broadcast_shape(va.type.get_shape(), vb.type.get_shape())
        if shape is None:
            raise self.error(f"shapes {list(a.onnx_shape)} and {list(b.onnx_shape)} do not broadcast")
        out_t = self.qtype(shape, dtype, scale, zp)
        return Quant(self.emit(qnn.AddOp(va, vb, out_t, clamp_range(out_t, clamp))), perm)

    def pool(self, op_class, x: Quant, attrs, out_type: qnn.QTensorType, clamp) -> Quant:
        data = self.in_layout(x, NHWC)
        n, h, w, c = data.type.get_shape()
        k, s, pads = attrs["kernel"], attrs["strides"], attrs["pads"]
        if pads[0] >= k[0] or pads[2] >= k[0] or pads[1] >= k[1] or pads[3] >= k[1]:
            raise self.error(f"pads {pads} must be smaller than the kernel {k}")
        oh = qnn.window_output_size(h, k[0], s[0], 1, pads[0] + pads[2])
        ow = qnn.window_output_size(w, k[1], s[1], 1, pads[1] + pads[3])
        if oh <= 0 or ow <= 0:
            raise self.error("the pooling window does not fit the input")
        t = out_type.with_shape([n, oh, ow, c])
        form = {"onnx_form": attrs["onnx_form"]} if "onnx_form" in attrs else {}
        op = op_class(data, t, kernel=k, strides=s, pads=pads, clamp=clamp, **form)
        return Quant(self.emit(op), NHWC)

    def materialize_avg_pool(self, p: Pending, scale, zp, dtype) -> Quant:
        # One op: with equal parameters it is TFLite's kernel, otherwise the mean is
        # rescaled with a single rounding (no double rounding through a requantize).
        x = p.inputs[0]
        self.check_storage([x], dtype)
        target = self.qtype(x.qtype.get_shape(), dtype, scale, zp)
        return self.pool(qnn.AvgPool2DOp, x, p.attrs, target, clamp_range(target, p.clamp))

    def materialize_clamp(self, p: Pending, scale, zp, dtype) -> Quant:
        return self.requantized(p.inputs[0], scale, zp, dtype, p.clamp)

    def materialize_softmax(self, p: Pending, scale, zp, dtype) -> Quant:
        return self.softmax(p.inputs[0], scale, zp, dtype, p.clamp)

    def softmax(self, x: Quant, scale, zp, dtype, clamp) -> Quant:
        data = self.in_layout(x, identity(len(x.perm)))
        t = data.type
        if self.numerics == qnn.Numerics.ONNX:  # one rounding, straight to the output's parameters
            self.check_storage([x], dtype)
            native = self.qtype(t.get_shape(), dtype, scale, zp)
        else:  # TFLite's kernel quantises at 1/256, then a requantize
            native = qnn.QTensorType(t.get_shape(), t.element_type, [1.0 / 256], [t.storage_min])
        out = Quant(self.emit(qnn.SoftmaxOp(data, native)), identity(len(x.perm)))
        return self.requantized(out, scale, zp, dtype, clamp)

    def materialize_concat(self, p: Pending, scale, zp, dtype) -> Quant:
        out = self.concat(p.inputs, p.attrs["axis"], scale, zp, dtype)
        return self.requantized(out, scale, zp, dtype, p.clamp)

    def concat(self, inputs: list[Quant], axis: int, scale, zp, dtype) -> Quant:
        first = inputs[0].onnx_shape
        for i, q in enumerate(inputs[1:], 1):
            shape = q.onnx_shape
            if len(shape) != len(first) or any(a != b for j, (a, b) in enumerate(zip(shape, first, strict=True)) if j != axis):
                raise self.error(
                    f"input {i} has shape {list(shape)}, which does not match {list(first)} outside axis {axis}"
                )
        perm = inputs[0].perm
        values = []
        for q in inputs:
            r = self.requantized(q, scale, zp, dtype, (-np.inf, np.inf))
            values.append(self.in_layout(r, perm))
        ir_axis = perm.index(axis)
        shape = list(values[0].type.get_shape())
        shape[ir_axis] = sum(v.type.get_shape()[ir_axis] for v in values)
        t = self.qtype(shape, dtype, scale, zp)
        return Quant(self.emit(qnn.ConcatOp(values, t, ir_axis)), perm)

    # QOperator form ------------------------------------------------------- #
    def qop_params(self, node, scale_index: int, what: str):
        zp_name = node.input[scale_index + 1] if len(node.input) > scale_index + 1 else ""
        return self.qparams(node.input[scale_index], zp_name, what)

    def qop_weight(self, node, index: int) -> DeqConst:
        arr = self.const_array(node.input[index], "weight")
        scale, zp, _ = self.qop_params(node, index + 1, "weight")
        axis = 0 if scale.size > 1 else -1
        return DeqConst(arr, scale, zp, axis)

    def qop_bias(self, node, index: int, x: Quant, w: DeqConst, channels: int) -> SSAValue:
        if len(node.input) > index and node.input[index]:
            b = self.const_array(node.input[index], "bias")
            if b.dtype != np.int32:
                raise self.error(f"bias must be int32, got {b.dtype}")
            if b.size not in (1, channels):
                raise self.error(f"bias has {b.size} values for {channels} output channels")
            bias = np.broadcast_to(b.reshape(-1), (channels,)).astype(np.int32)
        else:
            bias = np.zeros(channels, np.int32)
        return self.emit_bias(bias)

    def op_QLinearConv(self, node):
        x = self.as_quant(self.get(node.input[0]), "input")
        w = self.qop_weight(node, 3)
        attrs = self.conv_attrs(node, x, w.array.shape)
        scale, zp, dtype = self.qop_params(node, 6, "output")
        ohwi = np.ascontiguousarray(w.array.transpose(0, 2, 3, 1))
        weight = self.emit_weights(w, ohwi, 0)
        bias = self.qop_bias(node, 8, x, w, w.array.shape[0])
        self.set(node, self.conv(x, weight, bias, attrs, scale, zp, dtype, (-np.inf, np.inf)))

    def op_QLinearMatMul(self, node):
        x = self.as_quant(self.get(node.input[0]), "input")
        if not isinstance(self.get(node.input[3]), Const):
            raise self.error("the second MatMul operand must be constant weights")
        w = self.qop_weight(node, 3)
        if w.scales.size > 1:
            w = DeqConst(w.array, w.scales, w.zero_points, 1)
        scale, zp, dtype = self.qop_params(node, 6, "output")
        if len(x.onnx_shape) != 2 or w.array.ndim != 2:
            raise self.error("only 2-D QLinearMatMul is supported")
        weight = self.emit_weights(w, np.ascontiguousarray(w.array.T), 0)
        bias = self.emit_bias(np.zeros(w.array.shape[1], np.int32))
        self.set(node, self.dense(x, weight, bias, scale, zp, dtype, (-np.inf, np.inf)))

    def op_QGemm(self, node):
        trans_a = self.attr(node, "transA", "int", 0)
        trans_b = self.attr(node, "transB", "int", 0)
        alpha = self.attr(node, "alpha", "float", 1.0)
        if trans_a or alpha != 1.0:
            raise self.error("only QGemm with transA=0 and alpha=1 is supported")
        if len(node.input) < 8 or not node.input[7]:
            raise self.error("QGemm without y_scale has a float output, which is not supported")
        x = self.as_quant(self.get(node.input[0]), "input")
        w = self.qop_weight(node, 3)
        if w.array.ndim != 2:
            raise self.error(f"only 2-D QGemm weights are supported, got {list(w.array.shape)}")
        arr = w.array if trans_b else np.ascontiguousarray(w.array.T)
        channels = arr.shape[0]
        if w.scales.size > 1:
            w = DeqConst(w.array, w.scales, w.zero_points, 0)
        scale, zp, dtype = self.qop_params(node, 7, "output")
        weight = self.emit_weights(w, arr, 0)
        bias = self.qop_bias(node, 6, x, w, channels)
        self.set(node, self.dense(x, weight, bias, scale, zp, dtype, (-np.inf, np.inf)))

    def qop_operand(self, node, index: int) -> Quant:
        value = self.get(node.input[index])
        if isinstance(value, Const):
            scale, zp, _ = self.qop_params(node, index + 1, "operand")
            return self.quant_const(value.array, scale[:1], zp[:1])
        return self.as_quant(value, f"operand {index}")

    def op_QLinearAdd(self, node):
        a, b = self.qop_operand(node, 0), self.qop_operand(node, 3)
        scale, zp, dtype = self.qop_params(node, 6, "output")
        self.set(node, self.add(a, b, scale, zp, dtype, (-np.inf, np.inf)))

    def qop_pool(self, node, global_pool: bool):
        x = self.as_quant(self.get(node.input[0]), "input")
        if self.attr(node, "channels_last", "int", 0):
            raise self.error("channels_last=1 is not supported")
        pool_attrs = self.pool_attrs(node, x, global_pool)
        if pool_attrs.pop("count_include_pad", 0) and any(pool_attrs["pads"]):
            raise self.error("count_include_pad=1 with padding is not supported")
        scale, zp, dtype = self.qop_params(node, 3, "output")
        # onnxruntime's kernels: QLinearGlobalAveragePool sums integers, QLinearAveragePool
        # adds the output zero point in float before rounding.
        pool_attrs["onnx_form"] = qnn.PoolForm.INTEGER_SUM if global_pool else qnn.PoolForm.ZERO_POINT_IN_FLOAT
        p = Pending(node, "avg_pool", [x], pool_attrs)
        self.set(node, self.materialize(p, scale, zp, dtype))

    def op_QLinearAveragePool(self, node):
        self.qop_pool(node, False)

    def op_QLinearGlobalAveragePool(self, node):
        self.qop_pool(node, True)

    def op_QLinearSoftmax(self, node):
        x = self.as_quant(self.get(node.input[0]), "input")
        rank = len(x.onnx_shape)
        axis = self.axis_attr(node, rank, -1)
        if axis != rank - 1:
            raise self.error(f"softmax over axis {axis} is not supported, only the last axis")
        scale, zp, dtype = self.qop_params(node, 3, "output")
        self.set(node, self.softmax(x, scale, zp, dtype, (-np.inf, np.inf)))

    def op_QLinearConcat(self, node):
        scale, zp, dtype = self.qop_params(node, 0, "output")
        inputs = [self.qop_operand(node, i) for i in range(2, len(node.input), 3)]
        axis = self.axis_attr(node, len(inputs[0].perm))
        self.set(node, self.concat(inputs, axis, scale, zp, dtype))


# --------------------------------------------------------------------------- #
# Entry points
# --------------------------------------------------------------------------- #


def model_identifier(stem: str) -> str:
    """The model's C name from its file stem; also clear of the TINYMLIR_ macros once
    upper-cased (the header's macros are <NAME>_...)."""
    name = c_identifier(stem, "m_")
    return "m_" + name if name.upper().startswith("TINYMLIR") else name


def load_model(source: bytes | str | Path | onnx.ModelProto) -> onnx.ModelProto:
    if isinstance(source, onnx.ModelProto):
        return source
    if isinstance(source, str | Path):
        try:
            data = Path(source).read_bytes()
        except OSError as exc:
            raise OnnxImportError(f"cannot read '{source}': {exc.strerror}") from None
    else:
        data = source
    if not data:
        raise OnnxImportError("the ONNX file is empty")
    model = onnx.ModelProto()
    try:
        model.ParseFromString(data)
    except Exception as exc:  # noqa: BLE001 - protobuf raises DecodeError and others
        raise OnnxImportError(f"corrupt or truncated ONNX file: {exc}") from None
    if not model.HasField("graph") or model.ir_version == 0:
        raise OnnxImportError("corrupt or truncated ONNX file: no graph or IR version")
    where = _invalid_utf8(model, "model")
    if where is not None:
        raise OnnxImportError(f"corrupt ONNX file: the string {where} is not valid UTF-8")
    return model


def _invalid_utf8(message, path: str, depth: int = 0) -> str | None:
    """The path of the first string field holding invalid UTF-8 (protobuf then hands out
    bytes instead of str), or None."""
    if depth > 100:
        return None
    from google.protobuf.descriptor import FieldDescriptor

    for field_desc, value in message.ListFields():
        if hasattr(field_desc, "is_repeated"):  # protobuf >= 5 (`label` is gone in 7)
            repeated = field_desc.is_repeated
        else:
            repeated = field_desc.label == FieldDescriptor.LABEL_REPEATED
        values = value if repeated else [value]
        if field_desc.type == FieldDescriptor.TYPE_STRING:
            for i, v in enumerate(values):
                if not isinstance(v, str):
                    return f"{path}.{field_desc.name}" + (f"[{i}]" if repeated else "")
        elif field_desc.type == FieldDescriptor.TYPE_MESSAGE:
            for i, v in enumerate(values):
                found = _invalid_utf8(v, f"{path}.{field_desc.name}" + (f"[{i}]" if repeated else ""), depth + 1)
                if found is not None:
                    return found
    return None


TFLM_PRODUCERS = ("tf2onnx",)  # TFLite-converted models: their reference is TFLM


def choose_numerics(model: onnx.ModelProto, numerics: str | None) -> tuple[qnn.Numerics, str]:
    """The numerics mode for `model` and why: `numerics` if given (tflm, onnx), else (None or
    "auto") tflm for TFLite-converted models (producer tf2onnx) and onnx for all others."""
    if numerics is None or numerics == "auto":
        producer = model.producer_name
        chosen = qnn.Numerics.TFLM if producer in TFLM_PRODUCERS else qnn.Numerics.ONNX
        return chosen, one_line(f"auto: producer '{producer}'", 200)
    if numerics not in set(qnn.Numerics):
        raise OnnxImportError(f"unknown numerics '{numerics}'; expected auto, tflm or onnx")
    return qnn.Numerics(numerics), "requested"


def import_onnx(
    source: bytes | str | Path | onnx.ModelProto,
    name: str | None = None,
    numerics: str | None = None,
    report: Callable[[qnn.Numerics, str], None] | None = None,
) -> ModuleOp:
    """Imports an ONNX model into a module holding one `func.func @<name>` in `qnn`, with
    the numerics mode (`choose_numerics`) on the module; `report(mode, reason)` is told it."""
    if name is None:
        name = Path(source).stem if isinstance(source, str | Path) else "model"
    try:
        model = load_model(source)
        mode, reason = choose_numerics(model, numerics)
        module = OnnxImporter(model, model_identifier(name), mode).run()
        if report is not None:
            report(mode, reason)
        return module
    except OnnxImportError as exc:
        message = str(exc)
        if one_line(message) == message:
            raise
        # Names from the file may hold line breaks or control characters: keep one line.
        raise OnnxImportError(one_line(message)) from None
    except RecursionError:
        raise OnnxImportError("the graph is too deeply nested") from None
