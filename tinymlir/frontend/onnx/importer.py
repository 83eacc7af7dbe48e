"""ONNX -> `qnn` importer: the entry point (`import_onnx`) and the graph walk.

Accepts int8/uint8-quantised models in both ONNX quantisation forms: QDQ (QuantizeLinear /
DequantizeLinear around float ops, fused by `qdq`) and QOperator (QLinearConv, QGemm, ...).
Each node is handed to the converter registered for its op type (`registry`, modules under
`converters/`); activations are NHWC in the IR (`layout`); the model, graph and nodes are
checked first (`hardening`).

Errors are `OnnxImportError`s with one line naming the node, its op type and what is
supported; every op is verified as it is emitted.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from pathlib import Path

import numpy as np
import onnx
from xdsl.dialects import func
from xdsl.dialects.builtin import FunctionType, ModuleOp, TensorType, f32
from xdsl.ir import Block, Operation, Region, SSAValue
from xdsl.utils.exceptions import VerifyException

from tinymlir.c_names import c_identifier
from tinymlir.dialects import qnn
from tinymlir.errors import OnnxImportError
from tinymlir.frontend.onnx.hardening import HardeningMixin, load_model, one_line
from tinymlir.frontend.onnx.layout import LayoutMixin, identity
from tinymlir.frontend.onnx.naming import readable_name
from tinymlir.frontend.onnx.numerics import choose_numerics
from tinymlir.frontend.onnx.qdq import QdqMixin
from tinymlir.frontend.onnx.registry import CONVERTERS, supported_ops
from tinymlir.frontend.onnx.values import (
    STORAGE,
    Const,
    Deq,
    DeqConst,
    FloatValue,
    Pending,
    Quant,
    Value,
    dense_attr,
)

_ATTR_TYPES = {
    "int": onnx.AttributeProto.INT,
    "ints": onnx.AttributeProto.INTS,
    "float": onnx.AttributeProto.FLOAT,
    "string": onnx.AttributeProto.STRING,
    "tensor": onnx.AttributeProto.TENSOR,
}


class OnnxImporter(HardeningMixin, LayoutMixin, QdqMixin):
    """One import: the environment (ONNX name -> `Value`), the function's block being
    filled, and the helpers converters call (`get`, `attr`, `qparams`, `emit`, `error`, ...)."""

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

    def error(self, message: str) -> OnnxImportError:
        if self.node is not None:
            label = self.node.name or (self.node.output[0] if self.node.output else "?")
            return OnnxImportError(f"node '{label}' ({self.node.op_type}): {message}")
        return OnnxImportError(message)

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

    def storage_type(self, dtype: np.dtype, what: str):
        for element_type, np_type in STORAGE.values():
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
                spec = CONVERTERS.get(node.op_type)
                pos = spec.input_qparams(index) if spec is not None else None
                if pos is not None and pos[0] < len(node.input):
                    zp_name = node.input[pos[1]] if len(node.input) > pos[1] else ""
                    self.node = node
                    scale, zp, _ = self.qparams(node.input[pos[0]], zp_name, "input")
                    self.node = None
                    return scale, zp
                if spec is not None and spec.forwards_parameters and index == 0:
                    frontier.extend(node.output)
        # Only integer data movement consumes it (e.g. an int8 MaxPool graph): the values are
        # plain integers whose scale no op reads.
        return np.ones(1, np.float32), np.zeros(1, np.int64)

    def import_node(self, node: onnx.NodeProto) -> None:
        if node.domain not in ("", "ai.onnx", "com.microsoft"):
            raise self.error(f"domain '{node.domain}' is not supported")
        spec = CONVERTERS.get(node.op_type)
        if spec is None:
            raise self.error("unsupported op; tinymlir supports " + ", ".join(supported_ops()))
        self.check_arity(node)
        spec.convert(self, node)

    def set(self, node: onnx.NodeProto, value: Value, index: int = 0) -> None:
        self.env[node.output[index]] = value


def model_identifier(stem: str) -> str:
    """The model's C name from its file stem; also clear of the TINYMLIR_ macros once
    upper-cased (the header's macros are <NAME>_...)."""
    name = c_identifier(stem, "m_")
    return "m_" + name if name.upper().startswith("TINYMLIR") else name


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

