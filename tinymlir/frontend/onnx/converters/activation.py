"""Relu and Clip: folded into the clamp range of the pending computation they follow
(or a `qnn.requantize` clamp); an int8 Clip clamps the integers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from tinymlir.dialects import qnn
from tinymlir.frontend.onnx.registry import converter, materializer
from tinymlir.frontend.onnx.values import Pending, Quant

if TYPE_CHECKING:
    from tinymlir.frontend.onnx.importer import OnnxImporter


def activation(imp: OnnxImporter, node, lo: float, hi: float):
    source = imp.get(node.input[0])
    if isinstance(source, Pending):
        clamp = (max(source.clamp[0], lo), min(source.clamp[1], hi))
        imp.set(node, Pending(source.node, source.kind, source.inputs, source.attrs, source.weight, source.bias, clamp))
        return
    x = imp.float_input(node.input[0], "input")
    imp.set(node, Pending(node, "clamp", [x], clamp=(lo, hi)))


@converter("Relu", inputs=(1, 1))
def convert_relu(imp: OnnxImporter, node):
    activation(imp, node, 0.0, np.inf)


@converter("Clip", inputs=(1, 3))
def convert_clip(imp: OnnxImporter, node):
    lo = imp.attr(node, "min", "float", -np.inf)
    hi = imp.attr(node, "max", "float", np.inf)
    if len(node.input) > 1 and node.input[1]:
        lo = imp.scalar(node.input[1], "Clip min")
    if len(node.input) > 2 and node.input[2]:
        hi = imp.scalar(node.input[2], "Clip max")
    if np.isnan(lo) or np.isnan(hi):
        raise imp.error("Clip bounds must not be NaN")
    q = imp.get(node.input[0])
    if isinstance(q, Quant):  # int8 Clip in QOperator graphs
        t = q.qtype
        lo_q = int(np.clip(np.ceil(lo), t.storage_min, t.storage_max))
        hi_q = int(np.clip(np.floor(hi), t.storage_min, t.storage_max))
        bounds = [min(lo_q, hi_q), hi_q]  # min > max clips everything to max
        imp.set(node, Quant(imp.emit(qnn.RequantizeOp(q.value, t, bounds)), q.perm))
        return
    activation(imp, node, lo, hi)


@materializer("clamp")
def materialize_clamp(imp: OnnxImporter, p: Pending, scale, zp, dtype) -> Quant:
    return imp.requantized(p.inputs[0], scale, zp, dtype, p.clamp)
