"""Input hardening: what the importer refuses before (and while) it builds IR.

Untrusted input is expected (tools/tinymlir_fuzz.py fuzzes the importer): corrupt or truncated
files, strings that are not UTF-8, external data, old or unknown opsets, dynamic or huge shapes,
missing initialisers, graphs out of topological order, wrong arities and unquantised (float)
models are refused with a one-line `OnnxImportError` naming the node, before anything large is
allocated or read. Names from the file are escaped into one line (`one_line`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import onnx
from onnx import numpy_helper
from xdsl.dialects.builtin import TensorType, f32

from tinymlir.errors import OnnxImportError
from tinymlir.frontend.onnx.layout import identity
from tinymlir.frontend.onnx.registry import CONVERTERS
from tinymlir.frontend.onnx.values import STORAGE

MIN_OPSET = 13

# The largest tensor the importer accepts (elements); MCU tensors are far smaller, and a
# declared dimension like 2**40 must be refused, never allocated.
MAX_ELEMENTS = 2**31 - 1

# The most nodes a graph may have (MCU models have tens to hundreds): bounds import time.
MAX_NODES = 10_000

MAX_GRAPH_IO = 1_000  # graph inputs, and graph outputs

# Tensor element types a constant (initializer or Constant) may have.
_CONST_TYPES = {
    onnx.TensorProto.FLOAT, onnx.TensorProto.DOUBLE, onnx.TensorProto.FLOAT16,
    onnx.TensorProto.INT8, onnx.TensorProto.UINT8, onnx.TensorProto.INT16,
    onnx.TensorProto.UINT16, onnx.TensorProto.INT32, onnx.TensorProto.UINT32,
    onnx.TensorProto.INT64, onnx.TensorProto.UINT64, onnx.TensorProto.BOOL,
}


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


class HardeningMixin:
    """The importer's (`OnnxImporter`) checks of the model, its graph, its nodes and its
    tensors."""

    def check_size(self, shape: Sequence[int], what: str) -> None:
        if any(d <= 0 for d in shape):
            raise self.error(f"{what} has shape {list(shape)}; dimensions must be positive")
        if math.prod(shape) > MAX_ELEMENTS:
            raise self.error(
                f"{what} has shape {list(shape)} ({math.prod(shape)} elements); tinymlir supports "
                f"tensors of at most {MAX_ELEMENTS} elements"
            )

    def check_arity(self, node: onnx.NodeProto) -> None:
        spec = CONVERTERS[node.op_type]
        low, high, max_out = spec.min_inputs, spec.max_inputs, spec.max_outputs
        n = len(node.input)
        if n < low or (high is not None and n > high):
            expected = f"{low}" if low == high else f"{low} to {high}" if high is not None else f"at least {low}"
            raise self.error(f"has {n} inputs, expected {expected}")
        problem = spec.check_inputs(n) if spec.check_inputs is not None else None
        if problem is not None:
            raise self.error(problem)
        if not node.output or not node.output[0]:
            raise self.error("has no output name")
        if len(node.output) > max_out:
            raise self.error(f"has {len(node.output)} outputs, expected {max_out}")

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
        if elem in STORAGE:
            scale, zp = self.find_input_qparams(graph_input.name)
            dtype = STORAGE[elem][1]
            return self.qtype(shape, dtype, scale, zp), identity(len(shape))
        try:
            type_name = str(np.dtype(onnx.helper.tensor_dtype_to_np_dtype(elem))) if elem else "undefined"
        except Exception:  # noqa: BLE001 - an element type numpy has no name for
            type_name = dtype_name(elem)
        raise OnnxImportError(
            f"graph input '{graph_input.name}' has element type {type_name}; "
            "tinymlir supports int8, uint8 and float32 (quantised by QuantizeLinear) inputs"
        )

