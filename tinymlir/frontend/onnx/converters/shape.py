"""Data movement and Concat: Reshape, Flatten, Squeeze, Unsqueeze, Transpose, Pad on
integer tensors or their DequantizeLinear (a Transpose only changes the layout permutation),
and Concat (`qnn.concat`, inputs requantised to the output's parameters).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from xdsl.dialects.builtin import i8

from tinymlir.dialects import qnn
from tinymlir.frontend.onnx.layout import inverse
from tinymlir.frontend.onnx.registry import converter, materializer
from tinymlir.frontend.onnx.values import Const, Deq, DeqConst, Pending, Quant

if TYPE_CHECKING:
    from tinymlir.frontend.onnx.importer import OnnxImporter


def movement(imp: OnnxImporter, node, transform: Callable[[Quant], Quant]):
    source = imp.get(node.input[0])
    if isinstance(source, Quant):
        imp.set(node, transform(source))
    elif isinstance(source, Deq):
        imp.set(node, Deq(transform(source.source)))
    elif isinstance(source, DeqConst | Const):
        raise imp.error("data movement on constants is not supported; fold it into the initializer")
    else:
        raise imp.error(
            f"the input '{node.input[0]}' is {imp.describe(source)}; data movement needs a "
            "quantised tensor or its DequantizeLinear"
        )


@converter("Reshape", inputs=(2, 2), forwards_parameters=True)
def convert_reshape(imp: OnnxImporter, node):
    target = imp.int_list(node.input[1], "Reshape shape")
    allowzero = imp.attr(node, "allowzero", "int", 0)

    def transform(q: Quant) -> Quant:
        in_shape = q.onnx_shape
        if not allowzero and any(d == 0 and i >= len(in_shape) for i, d in enumerate(target)):
            raise imp.error(f"cannot reshape {list(in_shape)} to {target}: a 0 has no input dimension to copy")
        shape = [in_shape[i] if d == 0 and not allowzero else d for i, d in enumerate(target)]
        if shape.count(-1) > 1:
            raise imp.error(f"shape {target} has more than one -1")
        total = math.prod(in_shape)
        if shape.count(-1) == 1:
            known = math.prod(d for d in shape if d != -1)
            shape[shape.index(-1)] = total // known if known > 0 else 0
        if any(d <= 0 for d in shape) or math.prod(shape) != total:
            raise imp.error(f"cannot reshape {list(in_shape)} to {target}")
        return imp.reshaped(q, shape)

    movement(imp, node, transform)


@converter("Flatten", inputs=(1, 1), forwards_parameters=True)
def convert_flatten(imp: OnnxImporter, node):
    axis = imp.attr(node, "axis", "int", 1)

    def transform(q: Quant) -> Quant:
        shape = q.onnx_shape
        rank = len(shape)
        if not -rank <= axis <= rank:
            raise imp.error(f"axis {axis} is out of range for rank {rank}")
        a = axis + rank if axis < 0 else axis
        return imp.reshaped(q, [math.prod(shape[:a]), math.prod(shape[a:])])

    movement(imp, node, transform)


def axes_input(imp: OnnxImporter, node, attr_name="axes") -> list[int] | None:
    if len(node.input) > 1 and node.input[1]:
        return imp.int_list(node.input[1], "axes")
    return imp.attr(node, attr_name, "ints")


@converter("Squeeze", inputs=(1, 2), forwards_parameters=True)
def convert_squeeze(imp: OnnxImporter, node):
    axes = axes_input(imp, node)

    def transform(q: Quant) -> Quant:
        shape = q.onnx_shape
        rank = len(shape)
        if axes is not None and any(not -rank <= a < rank for a in axes):
            raise imp.error(f"axes {axes} are out of range for rank {rank}")
        drop = {a % rank for a in axes} if axes is not None else {i for i, d in enumerate(shape) if d == 1}
        if any(shape[a] != 1 for a in drop):
            raise imp.error(f"cannot squeeze non-unit axes {sorted(drop)} of {list(shape)}")
        return imp.reshaped(q, [d for i, d in enumerate(shape) if i not in drop])

    movement(imp, node, transform)


@converter("Unsqueeze", inputs=(1, 2), forwards_parameters=True)
def convert_unsqueeze(imp: OnnxImporter, node):
    axes = axes_input(imp, node)
    if axes is None:
        raise imp.error("Unsqueeze needs axes")

    def transform(q: Quant) -> Quant:
        shape = list(q.onnx_shape)
        rank = len(shape) + len(axes)
        if any(not -rank <= a < rank for a in axes) or len({a % rank for a in axes}) != len(axes):
            raise imp.error(f"axes {axes} are out of range or repeated for output rank {rank}")
        for a in sorted(a % rank for a in axes):
            shape.insert(a, 1)
        return imp.reshaped(q, shape)

    movement(imp, node, transform)


@converter("Transpose", inputs=(1, 1), forwards_parameters=True)
def convert_transpose(imp: OnnxImporter, node):
    perm_attr = imp.attr(node, "perm", "ints")

    def transform(q: Quant) -> Quant:
        rank = len(q.perm)
        p = list(perm_attr) if perm_attr is not None else list(reversed(range(rank)))
        if sorted(p) != list(range(rank)):
            raise imp.error(f"perm {p} is not a permutation of rank {rank}")
        inv = inverse(p)
        return Quant(q.value, tuple(inv[old] for old in q.perm))

    movement(imp, node, transform)


@converter("Pad", inputs=(2, 4), forwards_parameters=True)
def convert_pad(imp: OnnxImporter, node):
    mode = imp.attr(node, "mode", "string", "constant")
    if mode != "constant":
        raise imp.error(f"Pad mode '{mode}' is not supported, only 'constant'")
    pads = imp.int_list(node.input[1], "pads")
    if len(node.input) > 3 and node.input[3]:
        raise imp.error("Pad with an axes input is not supported")
    fill = None
    if len(node.input) > 2 and node.input[2]:
        fill = imp.scalar(node.input[2], "Pad constant_value")
    source = imp.get(node.input[0])
    if fill is not None:
        expected = source.qtype.zero_point if isinstance(source, Quant) else 0.0
        if fill != expected:
            raise imp.error(f"only padding with the real value 0 is supported, got {fill}")
    if any(p < 0 for p in pads):
        raise imp.error("negative pads (cropping) are not supported")

    def transform(q: Quant) -> Quant:
        rank = len(q.perm)
        if len(pads) != 2 * rank:
            raise imp.error(f"pads has {len(pads)} entries for rank {rank}")
        ir_pads = [pads[p] for p in q.perm] + [pads[rank + p] for p in q.perm]
        shape = [d + ir_pads[i] + ir_pads[i + rank] for i, d in enumerate(q.qtype.get_shape())]
        return Quant(imp.emit(qnn.PadOp(q.value, q.qtype.with_shape(shape), ir_pads)), q.perm)

    movement(imp, node, transform)


@converter("Concat", inputs=(1, None))
def convert_concat(imp: OnnxImporter, node):
    inputs = [imp.float_input(n, f"input {i}") if not isinstance(imp.get(n), Quant) else imp.get(n)
              for i, n in enumerate(node.input)]
    axis = imp.axis_attr(node, len(inputs[0].onnx_shape))
    if all(isinstance(imp.get(n), Quant) for n in node.input):  # int8 Concat
        q0 = inputs[0].qtype
        if not all(q.qtype.same_params(q0) for q in inputs):
            raise imp.error("integer Concat needs all inputs at the same quantisation parameters")
        imp.set(node, concat(imp, inputs, axis, q0.scale_values, q0.zero_point_values, np.int8 if q0.element_type == i8 else np.uint8))
        return
    imp.set(node, Pending(node, "concat", inputs, {"axis": axis}))


@materializer("concat")
def materialize_concat(imp: OnnxImporter, p: Pending, scale, zp, dtype) -> Quant:
    out = concat(imp, p.inputs, p.attrs["axis"], scale, zp, dtype)
    return imp.requantized(out, scale, zp, dtype, p.clamp)


def concat(imp: OnnxImporter, inputs: list[Quant], axis: int, scale, zp, dtype) -> Quant:
    first = inputs[0].onnx_shape
    for i, q in enumerate(inputs[1:], 1):
        shape = q.onnx_shape
        if len(shape) != len(first) or any(a != b for j, (a, b) in enumerate(zip(shape, first, strict=True)) if j != axis):
            raise imp.error(
                f"input {i} has shape {list(shape)}, which does not match {list(first)} outside axis {axis}"
            )
    perm = inputs[0].perm
    values = []
    for q in inputs:
        r = imp.requantized(q, scale, zp, dtype, (-np.inf, np.inf))
        values.append(imp.in_layout(r, perm))
    ir_axis = perm.index(axis)
    shape = list(values[0].type.get_shape())
    shape[ir_axis] = sum(v.type.get_shape()[ir_axis] for v in values)
    t = imp.qtype(shape, dtype, scale, zp)
    return Quant(imp.emit(qnn.ConcatOp(values, t, ir_axis)), perm)
