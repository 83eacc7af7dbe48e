"""Conv, MatMul and Gemm (QDQ form): pending until their QuantizeLinear, then one
`qnn.conv2d` (weights OHWI, NHWC activations) or `qnn.dense` (weights [M, K]).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from tinymlir.dialects import qnn
from tinymlir.frontend.onnx.converters.pooling import resolve_pads, window_ints
from tinymlir.frontend.onnx.layout import NHWC, identity
from tinymlir.frontend.onnx.qdq import clamp_range
from tinymlir.frontend.onnx.registry import converter, materializer
from tinymlir.frontend.onnx.values import Pending, Quant

if TYPE_CHECKING:
    from tinymlir.frontend.onnx.importer import OnnxImporter


@converter("Conv", inputs=(2, 3))
def convert_conv(imp: OnnxImporter, node):
    x = imp.float_input(node.input[0], "input")
    w = imp.weight_input(node.input[1], "weight")
    bias = imp.bias_input(node, 2)
    imp.set(node, Pending(node, "conv", [x], conv_attrs(imp, node, x, w.array.shape), w, bias))


@converter("MatMul", inputs=(2, 2))
def convert_matmul(imp: OnnxImporter, node):
    x = imp.float_input(node.input[0], "input")
    w = imp.weight_input(node.input[1], "weight")
    if len(x.onnx_shape) != 2 or w.array.ndim != 2:
        raise imp.error(
            f"only 2-D MatMul [N,K] x [K,M] is supported, got {list(x.onnx_shape)} x {list(w.array.shape)}"
        )
    imp.set(node, Pending(node, "dense", [x], {"transpose_weight": True}, w, None))


@converter("Gemm", inputs=(2, 3))
def convert_gemm(imp: OnnxImporter, node):
    trans_a = imp.attr(node, "transA", "int", 0)
    trans_b = imp.attr(node, "transB", "int", 0)
    alpha = imp.attr(node, "alpha", "float", 1.0)
    beta = imp.attr(node, "beta", "float", 1.0)
    if trans_a or alpha != 1.0 or beta != 1.0:
        raise imp.error("only Gemm with transA=0, alpha=1 and beta=1 is supported")
    x = imp.float_input(node.input[0], "input")
    w = imp.weight_input(node.input[1], "weight")
    if len(x.onnx_shape) != 2 or w.array.ndim != 2:
        raise imp.error(
            f"only 2-D Gemm is supported, got {list(x.onnx_shape)} x {list(w.array.shape)}"
        )
    bias = imp.bias_input(node, 2)
    imp.set(node, Pending(node, "dense", [x], {"transpose_weight": not trans_b}, w, bias))


def conv_attrs(imp: OnnxImporter, node, x: Quant, w_shape) -> dict:
    if len(x.onnx_shape) != 4 or len(w_shape) != 4:
        raise imp.error(
            f"only 2-D convolution (4-D tensors) is supported, got input {list(x.onnx_shape)} "
            f"and weights {list(w_shape)}"
        )
    strides = window_ints(imp, node, "strides")
    dilations = window_ints(imp, node, "dilations")
    kernel = list(w_shape[2:])
    kernel_shape = imp.attr(node, "kernel_shape", "ints")
    if kernel_shape is not None and kernel_shape != kernel:
        raise imp.error(f"kernel_shape {kernel_shape} does not match the weight {list(w_shape)}")
    groups = imp.attr(node, "group", "int", 1)
    c_in, c_out = x.onnx_shape[1], w_shape[0]
    if groups < 1 or c_in % groups or c_out % groups:
        raise imp.error(f"group {groups} must divide the input channels {c_in} and the output channels {c_out}")
    if w_shape[1] * groups != c_in:
        raise imp.error(
            f"the weights {list(w_shape)} with group {groups} need {w_shape[1] * groups} input "
            f"channels, the input {list(x.onnx_shape)} has {c_in}"
        )
    pads = resolve_pads(imp, node, x.onnx_shape[2:], kernel, strides, dilations)
    return {"strides": strides, "dilations": dilations, "pads": pads, "groups": groups}


@materializer("conv")
def materialize_conv(imp: OnnxImporter, p: Pending, scale, zp, dtype) -> Quant:
    x, w, a = p.inputs[0], p.weight, p.attrs
    assert w is not None
    if w.axis not in (-1, 0) and w.scales.size > 1:
        raise imp.error(f"per-channel conv weights must be quantised along axis 0, got axis {w.axis}")
    c_out = w.array.shape[0]
    ohwi = np.ascontiguousarray(w.array.transpose(0, 2, 3, 1))
    weight = imp.emit_weights(w, ohwi, 0)
    bias = imp.emit_bias(imp.bias_array(p, x, w.scales, c_out))
    return conv(imp, x, weight, bias, a, scale, zp, dtype, p.clamp)


def conv(imp: OnnxImporter, x: Quant, weight, bias, a, scale, zp, dtype, clamp) -> Quant:
    imp.check_storage([x], dtype)
    imp.scale_product(x, weight.type.scale_values)
    data = imp.in_layout(x, NHWC)
    n, h, w_, _ = data.type.get_shape()
    wt = weight.type
    c_out, kh, kw, _ = wt.get_shape()
    pads, strides, dil = a["pads"], a["strides"], a["dilations"]
    oh = qnn.window_output_size(h, kh, strides[0], dil[0], pads[0] + pads[2])
    ow = qnn.window_output_size(w_, kw, strides[1], dil[1], pads[1] + pads[3])
    if oh <= 0 or ow <= 0:
        raise imp.error("the kernel does not fit the padded input")
    out_t = imp.qtype([n, oh, ow, c_out], dtype, scale, zp)
    groups = a["groups"]
    op = qnn.Conv2DOp(
        data, weight, bias, out_t, strides=strides, pads=pads, dilations=dil, groups=groups,
        clamp=clamp_range(out_t, clamp),
    )
    return Quant(imp.emit(op), NHWC)


@materializer("dense")
def materialize_dense(imp: OnnxImporter, p: Pending, scale, zp, dtype) -> Quant:
    x, w = p.inputs[0], p.weight
    assert w is not None
    arr = w.array
    axis = w.axis
    if p.attrs["transpose_weight"]:  # ONNX [K, M] -> [M, K]
        arr = np.ascontiguousarray(arr.T)
        axis = {0: 1, 1: 0}.get(axis, axis)
    if w.scales.size > 1 and axis != 0:
        raise imp.error("per-channel MatMul weights must be quantised along the output axis")
    weight = imp.emit_weights(w, arr, 0)
    bias = imp.emit_bias(imp.bias_array(p, x, w.scales, arr.shape[0]))
    return dense(imp, x, weight, bias, scale, zp, dtype, p.clamp)


def dense(imp: OnnxImporter, x: Quant, weight, bias, scale, zp, dtype, clamp) -> Quant:
    if len(x.perm) != 2:
        raise imp.error(f"only 2-D inputs [N, K] are supported, got {list(x.onnx_shape)}")
    imp.check_storage([x], dtype)
    imp.scale_product(x, weight.type.scale_values)
    data = imp.in_layout(x, identity(len(x.perm)))
    n, k = data.type.get_shape()
    m, k_w = weight.type.get_shape()
    if k != k_w:
        raise imp.error(f"input depth {k} does not match the weight depth {k_w}")
    out_t = imp.qtype([n, m], dtype, scale, zp)
    return Quant(imp.emit(qnn.DenseOp(data, weight, bias, out_t, clamp_range(out_t, clamp))), (0, 1))
