"""The values of the import environment (ONNX tensor name -> what it is in the IR)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import onnx
from xdsl.dialects.builtin import (
    BytesAttr,
    DenseIntOrFPElementsAttr,
    IntegerType,
    Signedness,
    TensorType,
    i8,
)
from xdsl.ir import SSAValue

from tinymlir.dialects import qnn

ui8 = IntegerType(8, Signedness.UNSIGNED)

# ONNX storage types of quantised tensors -> (IR element type, numpy type).
STORAGE = {
    onnx.TensorProto.INT8: (i8, np.int8),
    onnx.TensorProto.UINT8: (ui8, np.uint8),
}


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


def dense_attr(array: np.ndarray, element_type) -> DenseIntOrFPElementsAttr:
    """A dense attribute built from raw bytes (never element by element)."""
    shape = list(array.shape)
    return DenseIntOrFPElementsAttr(
        TensorType(element_type, shape), BytesAttr(np.ascontiguousarray(array).tobytes())
    )

