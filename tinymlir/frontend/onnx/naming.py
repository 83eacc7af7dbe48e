"""SSA names of the imported values, from the ONNX names."""

from __future__ import annotations

import re


def readable_name(onnx_name: str) -> str:
    """A short identifier from tf2onnx's fused names: 'model/conv2d_1/Conv2D1_prequant' -> 'conv2d_1'."""
    segment = onnx_name.split(";")[-1]
    segment = re.sub(r"(_prequant|_quantize|_dequant|_DequantizeLinear)(__\d+)?(:\d+)?$", "", segment)
    parts = [p for p in segment.split("/") if p]
    if len(parts) > 1:
        parts = parts[1:]
    generic = re.compile(
        r"^(ReadVariableOp|resource\d*|BiasAdd|Conv2D\d*|depthwise\d*|MatMul|Relu\d*|add\d*|AvgPool"
        r"|MaxPool|Reshape|FusedBatchNormV3|Softmax|concat\d*|Mean)$"
    )
    while len(parts) > 1 and generic.match(parts[-1]):
        parts.pop()
    name = re.sub(r"[^A-Za-z0-9_]", "_", parts[-1] if parts else onnx_name)
    name = re.sub(r"_+", "_", name).strip("_") or "v"
    if name[0].isdigit():
        name = "v" + name
    # xDSL drops a `_<digits>` suffix from SSA names (it is the printer's own uniquifier):
    # keep the layer's number as `.<digits>` (conv2d_1 -> %conv2d.1; conv2d_1 again in C).
    return re.sub(r"_(\d+)$", r".\1", name)

