"""QuantizeLinear and DequantizeLinear: the QDQ boundaries.

A QuantizeLinear of a float constant is done at compile time; one of a pending float
computation materializes it (`qdq`); a DequantizeLinear gives the float view (`Deq`, `DeqConst`)
that float ops read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import onnx

from tinymlir.dialects import qnn
from tinymlir.frontend.onnx.hardening import dtype_name
from tinymlir.frontend.onnx.layout import identity
from tinymlir.frontend.onnx.registry import converter
from tinymlir.frontend.onnx.values import STORAGE, Const, Deq, DeqConst, FloatValue, Pending, Quant

if TYPE_CHECKING:
    from tinymlir.frontend.onnx.importer import OnnxImporter


def check_block_size(imp: OnnxImporter, node) -> None:
    if imp.attr(node, "block_size", "int", 0):
        raise imp.error("blocked quantisation (block_size) is not supported")


@converter("QuantizeLinear", inputs=(2, 3))
def convert_quantize_linear(imp: OnnxImporter, node):
    check_block_size(imp, node)
    if imp.attr(node, "precision", "int", 0) not in (0, onnx.TensorProto.FLOAT):
        raise imp.error("only float32 precision is supported")
    zp_name = node.input[2] if len(node.input) > 2 else ""
    scale, zp, dtype = imp.qparams(node.input[1], zp_name, "QuantizeLinear")
    output_dtype = imp.attr(node, "output_dtype", "int", 0)
    if output_dtype:  # opset 21: the output type without a zero point
        if output_dtype not in STORAGE:
            raise imp.error(
                f"output_dtype {dtype_name(output_dtype)} is not supported; tinymlir supports INT8 and UINT8"
            )
        wanted = np.dtype(STORAGE[output_dtype][1])
        if zp_name and dtype != wanted:
            raise imp.error(f"the zero point is {dtype} but output_dtype is {wanted}")
        dtype = wanted
    imp.storage_type(dtype, "QuantizeLinear output")
    source = imp.get(node.input[0])
    if isinstance(source, Const):  # float weights quantised at compile time
        quantize_const(imp, node, source.array, scale, zp, dtype)
        return
    if scale.size != 1:
        raise imp.error("per-axis QuantizeLinear of activations is not supported")
    if isinstance(source, FloatValue):
        shape = source.value.type.get_shape()
        t = imp.qtype(shape, dtype, scale, zp)
        imp.set(node, Quant(imp.emit(qnn.QuantizeOp(source.value, t)), identity(len(shape))))
        return
    if isinstance(source, Deq):
        imp.set(node, imp.requantized(source.source, scale, zp, dtype, (-np.inf, np.inf)))
        return
    if isinstance(source, Pending):
        imp.set(node, imp.materialize(source, scale, zp, dtype))
        return
    raise imp.error(
        f"cannot quantise '{node.input[0]}', {imp.describe(source)}; QuantizeLinear needs a "
        "float tensor (a float graph input, a dequantised tensor or a float computation)"
    )


def quantize_const(imp: OnnxImporter, node, array: np.ndarray, scale, zp, dtype) -> None:
    if array.dtype.kind not in "fiu":
        raise imp.error(f"cannot quantise a {array.dtype} constant")
    with np.errstate(over="ignore", invalid="ignore"):
        arr = array.astype(np.float32)
    if not np.all(np.isfinite(arr)):
        raise imp.error("the float constant has NaN or infinite values")
    axis = -1
    if scale.size > 1:
        axis = imp.axis_attr(node, arr.ndim, 1)
        if arr.shape[axis] != scale.size:
            raise imp.error(f"per-axis scales ({scale.size}) do not match axis {axis} of {list(arr.shape)}")
    shape = [1] * arr.ndim
    if axis >= 0:
        shape[axis] = -1
    info = np.iinfo(dtype)
    with np.errstate(over="ignore", invalid="ignore"):
        q = np.rint(arr / scale.reshape(shape)) + zp.reshape(shape)
    q = np.clip(q, info.min, info.max).astype(dtype)
    imp.set(node, Const(q))
    imp.quantized_consts[node.output[0]] = DeqConst(q, scale, zp, axis)


@converter("DequantizeLinear", inputs=(2, 3), input_qparams={0: (1, 2)})
def convert_dequantize_linear(imp: OnnxImporter, node):
    check_block_size(imp, node)
    if imp.attr(node, "output_dtype", "int", 0) not in (0, onnx.TensorProto.FLOAT):
        raise imp.error("only a float32 output_dtype is supported")
    zp_name = node.input[2] if len(node.input) > 2 else ""
    scale, zp, _ = imp.qparams(node.input[1], zp_name, "DequantizeLinear")
    source = imp.get(node.input[0])
    if isinstance(source, Const):
        if node.input[0] in imp.quantized_consts:
            imp.set(node, imp.quantized_consts[node.input[0]])
            return
        arr = source.array
        if arr.dtype not in (np.int8, np.uint8, np.int32):
            raise imp.error(f"dequantised constant '{node.input[0]}' is {arr.dtype}; expected int8, uint8 or int32")
        axis = -1
        if scale.size > 1:
            axis = imp.axis_attr(node, arr.ndim, 1)
            if arr.shape[axis] != scale.size:
                raise imp.error(f"per-axis scales ({scale.size}) do not match axis {axis} of {list(arr.shape)}")
        imp.set(node, DeqConst(arr, scale, zp, axis))
        return
    if isinstance(source, Quant):
        if scale.size != 1:
            raise imp.error("per-axis DequantizeLinear of activations is not supported")
        t = source.qtype
        if float(np.float32(scale[0])) != t.scale or int(zp[0]) != t.zero_point:
            raise imp.error(
                f"dequantises '{node.input[0]}' with scale {scale[0]} and zero point {zp[0]}, "
                f"but it was quantised with {t.scale} and {t.zero_point}"
            )
        imp.set(node, Deq(source))
        return
    raise imp.error(
        f"cannot dequantise '{node.input[0]}', {imp.describe(source)}; DequantizeLinear needs "
        "an int8/uint8 tensor or an int8/uint8/int32 initializer"
    )
