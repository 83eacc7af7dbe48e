"""Constant and Identity."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tinymlir.frontend.onnx.registry import converter
from tinymlir.frontend.onnx.values import Const

if TYPE_CHECKING:
    from tinymlir.frontend.onnx.importer import OnnxImporter


@converter("Constant", inputs=(0, 0))
def convert_constant(imp: OnnxImporter, node):
    others = sorted({a.name for a in node.attribute} - {"value"})
    tensor = imp.attr(node, "value", "tensor")
    if tensor is None or others:
        raise imp.error(
            "only Constant with a 'value' tensor is supported"
            + (f", got attribute {others[0]}" if others else "")
        )
    imp.set(node, Const(imp.decode_tensor(tensor, "its 'value' tensor")))


@converter("Identity", inputs=(1, 1), forwards_parameters=True)
def convert_identity(imp: OnnxImporter, node):
    imp.set(node, imp.get(node.input[0]))
