"""Softmax over the last axis (QDQ form and the shared emission of QLinearSoftmax)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tinymlir.dialects import qnn
from tinymlir.frontend.onnx.layout import identity
from tinymlir.frontend.onnx.registry import converter, materializer
from tinymlir.frontend.onnx.values import Pending, Quant

if TYPE_CHECKING:
    from tinymlir.frontend.onnx.importer import OnnxImporter


@converter("Softmax", inputs=(1, 1))
def convert_softmax(imp: OnnxImporter, node):
    x = imp.float_input(node.input[0], "input")
    rank = len(x.onnx_shape)
    axis = imp.axis_attr(node, rank, -1)
    if axis != rank - 1:
        raise imp.error(f"softmax over axis {axis} is not supported, only over the last axis")
    imp.set(node, Pending(node, "softmax", [x]))


@materializer("softmax")
def materialize_softmax(imp: OnnxImporter, p: Pending, scale, zp, dtype) -> Quant:
    return softmax(imp, p.inputs[0], scale, zp, dtype, p.clamp)


def softmax(imp: OnnxImporter, x: Quant, scale, zp, dtype, clamp) -> Quant:
    data = imp.in_layout(x, identity(len(x.perm)))
    t = data.type
    if imp.numerics == qnn.Numerics.ONNX:  # one rounding, straight to the output's parameters
        imp.check_storage([x], dtype)
        native = imp.qtype(t.get_shape(), dtype, scale, zp)
    else:  # TFLite's kernel quantises at 1/256, then a requantize
        native = qnn.QTensorType(t.get_shape(), t.element_type, [1.0 / 256], [t.storage_min])
    out = Quant(imp.emit(qnn.SoftmaxOp(data, native)), identity(len(x.perm)))
    return imp.requantized(out, scale, zp, dtype, clamp)
