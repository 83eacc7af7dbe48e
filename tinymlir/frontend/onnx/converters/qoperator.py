"""QOperator forms: QLinearConv, QLinearMatMul, QLinearAdd, QLinearAveragePool,
QLinearGlobalAveragePool, QLinearConcat, QLinearSoftmax and com.microsoft's QGemm. Their
quantisation parameters are operands; they emit the same `qnn` ops as the QDQ forms.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from xdsl.ir import SSAValue

from tinymlir.dialects import qnn
from tinymlir.frontend.onnx.converters.add import add
from tinymlir.frontend.onnx.converters.conv import conv, conv_attrs, dense
from tinymlir.frontend.onnx.converters.pooling import pool_attrs
from tinymlir.frontend.onnx.converters.shape import concat
from tinymlir.frontend.onnx.converters.softmax import softmax
from tinymlir.frontend.onnx.registry import converter
from tinymlir.frontend.onnx.values import Const, DeqConst, Pending, Quant

if TYPE_CHECKING:
    from tinymlir.frontend.onnx.importer import OnnxImporter


def _concat_operand_qparams(index: int) -> tuple[int, int] | None:
    """QLinearConcat(y_scale, y_zero_point, (x, x_scale, x_zero_point)...)."""
    if index >= 2 and (index - 2) % 3 == 0:
        return (index + 1, index + 2)
    return None


def _concat_triples(n: int) -> str | None:
    if (n - 2) % 3:
        return f"has {n} inputs; QLinearConcat takes y_scale, y_zero_point and (tensor, scale, zero point) triples"
    return None


def qop_params(imp: OnnxImporter, node, scale_index: int, what: str):
    zp_name = node.input[scale_index + 1] if len(node.input) > scale_index + 1 else ""
    return imp.qparams(node.input[scale_index], zp_name, what)


def qop_weight(imp: OnnxImporter, node, index: int) -> DeqConst:
    arr = imp.const_array(node.input[index], "weight")
    scale, zp, _ = qop_params(imp, node, index + 1, "weight")
    axis = 0 if scale.size > 1 else -1
    return DeqConst(arr, scale, zp, axis)


def qop_bias(imp: OnnxImporter, node, index: int, x: Quant, w: DeqConst, channels: int) -> SSAValue:
    if len(node.input) > index and node.input[index]:
        b = imp.const_array(node.input[index], "bias")
        if b.dtype != np.int32:
            raise imp.error(f"bias must be int32, got {b.dtype}")
        if b.size not in (1, channels):
            raise imp.error(f"bias has {b.size} values for {channels} output channels")
        bias = np.broadcast_to(b.reshape(-1), (channels,)).astype(np.int32)
    else:
        bias = np.zeros(channels, np.int32)
    return imp.emit_bias(bias)


@converter("QLinearConv", inputs=(8, 9), input_qparams={0: (1, 2)})
def convert_qlinear_conv(imp: OnnxImporter, node):
    x = imp.as_quant(imp.get(node.input[0]), "input")
    w = qop_weight(imp, node, 3)
    attrs = conv_attrs(imp, node, x, w.array.shape)
    scale, zp, dtype = qop_params(imp, node, 6, "output")
    ohwi = np.ascontiguousarray(w.array.transpose(0, 2, 3, 1))
    weight = imp.emit_weights(w, ohwi, 0)
    bias = qop_bias(imp, node, 8, x, w, w.array.shape[0])
    imp.set(node, conv(imp, x, weight, bias, attrs, scale, zp, dtype, (-np.inf, np.inf)))


@converter("QLinearMatMul", inputs=(8, 8), input_qparams={0: (1, 2), 3: (4, 5)})
def convert_qlinear_matmul(imp: OnnxImporter, node):
    x = imp.as_quant(imp.get(node.input[0]), "input")
    if not isinstance(imp.get(node.input[3]), Const):
        raise imp.error("the second MatMul operand must be constant weights")
    w = qop_weight(imp, node, 3)
    if w.scales.size > 1:
        w = DeqConst(w.array, w.scales, w.zero_points, 1)
    scale, zp, dtype = qop_params(imp, node, 6, "output")
    if len(x.onnx_shape) != 2 or w.array.ndim != 2:
        raise imp.error("only 2-D QLinearMatMul is supported")
    weight = imp.emit_weights(w, np.ascontiguousarray(w.array.T), 0)
    bias = imp.emit_bias(np.zeros(w.array.shape[1], np.int32))
    imp.set(node, dense(imp, x, weight, bias, scale, zp, dtype, (-np.inf, np.inf)))


@converter("QGemm", inputs=(6, 9), input_qparams={0: (1, 2)})
def convert_qgemm(imp: OnnxImporter, node):
    trans_a = imp.attr(node, "transA", "int", 0)
    trans_b = imp.attr(node, "transB", "int", 0)
    alpha = imp.attr(node, "alpha", "float", 1.0)
    if trans_a or alpha != 1.0:
        raise imp.error("only QGemm with transA=0 and alpha=1 is supported")
    if len(node.input) < 8 or not node.input[7]:
        raise imp.error("QGemm without y_scale has a float output, which is not supported")
    x = imp.as_quant(imp.get(node.input[0]), "input")
    w = qop_weight(imp, node, 3)
    if w.array.ndim != 2:
        raise imp.error(f"only 2-D QGemm weights are supported, got {list(w.array.shape)}")
    arr = w.array if trans_b else np.ascontiguousarray(w.array.T)
    channels = arr.shape[0]
    if w.scales.size > 1:
        w = DeqConst(w.array, w.scales, w.zero_points, 0)
    scale, zp, dtype = qop_params(imp, node, 7, "output")
    weight = imp.emit_weights(w, arr, 0)
    bias = qop_bias(imp, node, 6, x, w, channels)
    imp.set(node, dense(imp, x, weight, bias, scale, zp, dtype, (-np.inf, np.inf)))


def qop_operand(imp: OnnxImporter, node, index: int) -> Quant:
    value = imp.get(node.input[index])
    if isinstance(value, Const):
        scale, zp, _ = qop_params(imp, node, index + 1, "operand")
        return imp.quant_const(value.array, scale[:1], zp[:1])
    return imp.as_quant(value, f"operand {index}")


@converter("QLinearAdd", inputs=(7, 8), input_qparams={0: (1, 2), 3: (4, 5)})
def convert_qlinear_add(imp: OnnxImporter, node):
    a, b = qop_operand(imp, node, 0), qop_operand(imp, node, 3)
    scale, zp, dtype = qop_params(imp, node, 6, "output")
    imp.set(node, add(imp, a, b, scale, zp, dtype, (-np.inf, np.inf)))


def qop_pool(imp: OnnxImporter, node, global_pool: bool):
    x = imp.as_quant(imp.get(node.input[0]), "input")
    if imp.attr(node, "channels_last", "int", 0):
        raise imp.error("channels_last=1 is not supported")
    window = pool_attrs(imp, node, x, global_pool)
    if window.pop("count_include_pad", 0) and any(window["pads"]):
        raise imp.error("count_include_pad=1 with padding is not supported")
    scale, zp, dtype = qop_params(imp, node, 3, "output")
    # onnxruntime's kernels: QLinearGlobalAveragePool sums integers, QLinearAveragePool
    # adds the output zero point in float before rounding.
    window["onnx_form"] = qnn.PoolForm.INTEGER_SUM if global_pool else qnn.PoolForm.ZERO_POINT_IN_FLOAT
    p = Pending(node, "avg_pool", [x], window)
    imp.set(node, imp.materialize(p, scale, zp, dtype))


@converter("QLinearAveragePool", inputs=(4, 5), input_qparams={0: (1, 2)})
def convert_qlinear_average_pool(imp: OnnxImporter, node):
    qop_pool(imp, node, False)


@converter("QLinearGlobalAveragePool", inputs=(4, 5), input_qparams={0: (1, 2)})
def convert_qlinear_global_average_pool(imp: OnnxImporter, node):
    qop_pool(imp, node, True)


@converter("QLinearSoftmax", inputs=(4, 5), input_qparams={0: (1, 2)})
def convert_qlinear_softmax(imp: OnnxImporter, node):
    x = imp.as_quant(imp.get(node.input[0]), "input")
    rank = len(x.onnx_shape)
    axis = imp.axis_attr(node, rank, -1)
    if axis != rank - 1:
        raise imp.error(f"softmax over axis {axis} is not supported, only the last axis")
    scale, zp, dtype = qop_params(imp, node, 3, "output")
    imp.set(node, softmax(imp, x, scale, zp, dtype, (-np.inf, np.inf)))


@converter("QLinearConcat", inputs=(5, None), input_qparams=_concat_operand_qparams, check_inputs=_concat_triples)
def convert_qlinear_concat(imp: OnnxImporter, node):
    scale, zp, dtype = qop_params(imp, node, 0, "output")
    inputs = [qop_operand(imp, node, i) for i in range(2, len(node.input), 3)]
    axis = imp.axis_attr(node, len(inputs[0].perm))
    imp.set(node, concat(imp, inputs, axis, scale, zp, dtype))
