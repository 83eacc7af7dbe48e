"""AveragePool, GlobalAveragePool and MaxPool on NHWC activations, and the window
attributes (strides, pads, auto_pad) that convolutions share.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tinymlir.dialects import qnn
from tinymlir.frontend.onnx.converters.shape import movement
from tinymlir.frontend.onnx.layout import NHWC
from tinymlir.frontend.onnx.qdq import clamp_range
from tinymlir.frontend.onnx.registry import converter, materializer
from tinymlir.frontend.onnx.values import Pending, Quant

if TYPE_CHECKING:
    from tinymlir.frontend.onnx.importer import OnnxImporter


def window_ints(imp: OnnxImporter, node, name: str) -> list[int]:
    values = imp.attr(node, name, "ints", [1, 1])
    if len(values) != 2 or any(v < 1 for v in values):
        raise imp.error(f"{name} must be 2 positive integers, got {values}")
    return values


def pool_attrs(imp: OnnxImporter, node, x: Quant, global_pool: bool) -> dict:
    if len(x.onnx_shape) != 4:
        raise imp.error(f"only 2-D pooling on 4-D tensors is supported, got {list(x.onnx_shape)}")
    n, c, h, w = x.onnx_shape
    if global_pool:
        return {"kernel": [h, w], "strides": [1, 1], "pads": [0, 0, 0, 0]}
    kernel = imp.attr(node, "kernel_shape", "ints", [])
    if len(kernel) != 2 or any(k < 1 for k in kernel):
        raise imp.error(f"kernel_shape must be 2 positive integers, got {kernel}")
    if imp.attr(node, "ceil_mode", "int", 0):
        raise imp.error("ceil_mode=1 is not supported")
    if any(d != 1 for d in imp.attr(node, "dilations", "ints", [1, 1])):
        raise imp.error("dilated pooling is not supported")
    if imp.attr(node, "storage_order", "int", 0):
        raise imp.error("storage_order=1 is not supported")
    strides = window_ints(imp, node, "strides")
    pads = resolve_pads(imp, node, [h, w], kernel, strides, [1, 1])
    count_include_pad = imp.attr(node, "count_include_pad", "int", 0)
    return {"kernel": kernel, "strides": strides, "pads": pads, "count_include_pad": count_include_pad}


def resolve_pads(imp: OnnxImporter, node, spatial, kernel, strides, dilations) -> list[int]:
    auto_pad = imp.attr(node, "auto_pad", "string", "NOTSET")
    if auto_pad in ("NOTSET", ""):
        pads = imp.attr(node, "pads", "ints", [0, 0, 0, 0])
        if len(pads) != 4 or any(p < 0 for p in pads):
            raise imp.error(f"pads must be 4 non-negative integers, got {pads}")
        return pads
    if auto_pad == "VALID":
        return [0, 0, 0, 0]
    if auto_pad in ("SAME_UPPER", "SAME_LOWER"):
        begin, end = [], []
        for size, k, s, d in zip(spatial, kernel, strides, dilations, strict=True):
            out = -(-size // s)
            total = max(0, (out - 1) * s + (k - 1) * d + 1 - size)
            small, large = total // 2, total - total // 2
            b, e = (small, large) if auto_pad == "SAME_UPPER" else (large, small)
            begin.append(b)
            end.append(e)
        return [begin[0], begin[1], end[0], end[1]]
    raise imp.error(f"auto_pad '{auto_pad}' is not supported")


@converter("AveragePool", inputs=(1, 1))
def convert_average_pool(imp: OnnxImporter, node):
    x = imp.float_input(node.input[0], "input")
    attrs = pool_attrs(imp, node, x, False)
    if attrs.pop("count_include_pad") and any(attrs["pads"]):
        raise imp.error("count_include_pad=1 with padding is not supported (TFLite averages valid elements only)")
    # onnxruntime's float AveragePool (MLAS, x86-64): the vector kernel for width strides <= 2
    # and kernels <= 32 sums columns first; otherwise the scalar kernel sums row-major.
    vector = attrs["strides"][1] <= 2 and max(attrs["kernel"]) <= 32
    attrs["onnx_form"] = qnn.PoolForm.MLAS_COLUMNS if vector else qnn.PoolForm.SEQUENTIAL
    imp.set(node, Pending(node, "avg_pool", [x], attrs))


@converter("GlobalAveragePool", inputs=(1, 1))
def convert_global_average_pool(imp: OnnxImporter, node):
    x = imp.float_input(node.input[0], "input")
    attrs = pool_attrs(imp, node, x, True) | {"onnx_form": qnn.PoolForm.MLAS_LANES4}
    imp.set(node, Pending(node, "avg_pool", [x], attrs))


@converter("MaxPool", inputs=(1, 1), outputs=2, forwards_parameters=True)
def convert_max_pool(imp: OnnxImporter, node):
    if len(node.output) > 1 and node.output[1]:
        raise imp.error("MaxPool indices output is not supported")

    def transform(q: Quant) -> Quant:
        attrs = pool_attrs(imp, node, q, False)
        attrs.pop("count_include_pad")
        return pool(imp, qnn.MaxPool2DOp, q, attrs, q.qtype, None)

    movement(imp, node, transform)


def pool(imp: OnnxImporter, op_class, x: Quant, attrs, out_type: qnn.QTensorType, clamp) -> Quant:
    data = imp.in_layout(x, NHWC)
    n, h, w, c = data.type.get_shape()
    k, s, pads = attrs["kernel"], attrs["strides"], attrs["pads"]
    if pads[0] >= k[0] or pads[2] >= k[0] or pads[1] >= k[1] or pads[3] >= k[1]:
        raise imp.error(f"pads {pads} must be smaller than the kernel {k}")
    oh = qnn.window_output_size(h, k[0], s[0], 1, pads[0] + pads[2])
    ow = qnn.window_output_size(w, k[1], s[1], 1, pads[1] + pads[3])
    if oh <= 0 or ow <= 0:
        raise imp.error("the pooling window does not fit the input")
    t = out_type.with_shape([n, oh, ow, c])
    form = {"onnx_form": attrs["onnx_form"]} if "onnx_form" in attrs else {}
    op = op_class(data, t, kernel=k, strides=s, pads=pads, clamp=clamp, **form)
    return Quant(imp.emit(op), NHWC)


@materializer("avg_pool")
def materialize_avg_pool(imp: OnnxImporter, p: Pending, scale, zp, dtype) -> Quant:
    # One op: with equal parameters it is TFLite's kernel, otherwise the mean is
    # rescaled with a single rounding (no double rounding through a requantize).
    x = p.inputs[0]
    imp.check_storage([x], dtype)
    target = imp.qtype(x.qtype.get_shape(), dtype, scale, zp)
    return pool(imp, qnn.AvgPool2DOp, x, p.attrs, target, clamp_range(target, p.clamp))
