"""Writes a ~1 M-parameter MobileNet-style int8 QDQ model for compile-time measurements.

    python bench/models/make_mobilenet_1m.py OUT.onnx

MobileNet v1 at width 0.5 (a 3x3 convolution, then depthwise-separable blocks: 3x3
depthwise + 1x1 pointwise, ReLU6) on a 96x96x3 image, with seven 256-channel blocks instead
of five, global average pooling, a 100-class dense layer and softmax: 994,528 weights and
6,596 biases. The float model has seeded random weights (He-scaled, so activations keep
their range), and onnxruntime.quantization.quantize_static makes it the QDQ model
onnxruntime writes: int8 activations (per-tensor, min/max calibration on 8 seeded random
images), int8 per-channel weights, int32 biases. Deterministic for a given onnxruntime
version. The model is generated, not stored: `tinymlir-bench --compile-time` builds it into
its work folder when asked for it (`--models mobilenet_1m`).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

INPUT_SHAPE = (1, 3, 96, 96)
# (output channels, stride) of each depthwise-separable block
BLOCKS = [(32, 1), (64, 2), (64, 1), (128, 2), (128, 1), (256, 2)] + [(256, 1)] * 7 + [
    (512, 2),
    (512, 1),
]
STEM_CHANNELS = 16
CLASSES = 100
OPSET = 13
WEIGHTS, BIASES = 994_528, 6_596  # of the float model: weight tensors, bias vectors


class FloatGraph:
    """A float ONNX graph under construction: seeded He-scaled convolutions with ReLU6, the
    ops MobileNets are made of (also used by make_mobilenet_v2_96.py)."""

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        self.nodes: list[onnx.NodeProto] = []
        self.inits = [
            numpy_helper.from_array(np.array(0.0, np.float32), "relu6_min"),
            numpy_helper.from_array(np.array(6.0, np.float32), "relu6_max"),
        ]

    def param(self, name: str, array: np.ndarray) -> str:
        self.inits.append(numpy_helper.from_array(array.astype(np.float32), name))
        return name

    def conv(self, x: str, cin: int, cout: int, k: int, stride: int, groups: int, tag: str, relu6: bool = True) -> str:
        fan_in = cin // groups * k * k
        w = self.rng.normal(0, np.sqrt(2.0 / fan_in), (cout, cin // groups, k, k))
        b = self.rng.normal(0, 0.05, cout)
        y = f"{tag}_conv"
        self.nodes.append(
            helper.make_node(
                "Conv", [x, self.param(f"{tag}_w", w), self.param(f"{tag}_b", b)], [y],
                kernel_shape=[k, k], strides=[stride, stride], pads=[k // 2] * 4, group=groups,
            )
        )  # fmt: skip
        if not relu6:
            return y
        out = f"{tag}_relu6"
        self.nodes.append(helper.make_node("Clip", [y, "relu6_min", "relu6_max"], [out]))
        return out

    def classifier(self, x: str, cin: int, classes: int) -> None:
        """Global average pooling, a dense layer and softmax, into `probabilities`."""
        self.nodes.append(helper.make_node("GlobalAveragePool", [x], ["pooled"]))
        self.nodes.append(helper.make_node("Flatten", ["pooled"], ["flat"], axis=1))
        w = self.rng.normal(0, np.sqrt(1.0 / cin), (cin, classes))
        self.nodes.append(
            helper.make_node(
                "Gemm", ["flat", self.param("fc_w", w), self.param("fc_b", self.rng.normal(0, 0.05, classes))],
                ["logits"],
            )
        )  # fmt: skip
        self.nodes.append(helper.make_node("Softmax", ["logits"], ["probabilities"], axis=1))

    def model(self, name: str, input_shape: tuple[int, ...], classes: int) -> onnx.ModelProto:
        graph = helper.make_graph(
            self.nodes, name,
            [helper.make_tensor_value_info("input", TensorProto.FLOAT, input_shape)],
            [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, (1, classes))],
            self.inits,
        )  # fmt: skip
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
        model.ir_version = 8
        onnx.checker.check_model(model)
        return model


def float_model(seed: int = 0) -> onnx.ModelProto:
    g = FloatGraph(seed)
    x = g.conv("input", 3, STEM_CHANNELS, 3, 2, 1, "stem")
    cin = STEM_CHANNELS
    for i, (cout, stride) in enumerate(BLOCKS):
        x = g.conv(x, cin, cin, 3, stride, cin, f"b{i}_dw")
        x = g.conv(x, cin, cout, 1, 1, 1, f"b{i}_pw")
        cin = cout
    g.classifier(x, cin, CLASSES)
    return g.model("mobilenet_1m", INPUT_SHAPE, CLASSES)


def quantize_qdq(float_model: onnx.ModelProto, input_shape: tuple[int, ...], seed: int = 0) -> onnx.ModelProto:
    """`float_model` through onnxruntime.quantization.quantize_static: QDQ, int8 per-tensor
    activations calibrated (min/max) on 8 seeded random images, int8 per-channel weights."""
    from onnxruntime.quantization import (
        CalibrationDataReader,
        QuantFormat,
        QuantType,
        quantize_static,
    )

    class RandomImages(CalibrationDataReader):
        def __init__(self) -> None:
            rng = np.random.default_rng(seed + 1)
            self.rows = iter(
                [{"input": rng.random(input_shape, dtype=np.float32)} for _ in range(8)]
            )

        def get_next(self):
            return next(self.rows, None)

    with tempfile.TemporaryDirectory() as tmp:
        src, dst = Path(tmp) / "float.onnx", Path(tmp) / "int8.onnx"
        onnx.save(float_model, src)
        quantize_static(
            str(src), str(dst), RandomImages(),
            quant_format=QuantFormat.QDQ, per_channel=True,
            activation_type=QuantType.QInt8, weight_type=QuantType.QInt8,
        )  # fmt: skip
        return onnx.load(str(dst))


def quantized_model(seed: int = 0) -> onnx.ModelProto:
    return quantize_qdq(float_model(seed), INPUT_SHAPE, seed)


def write(path: Path, seed: int = 0) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(quantized_model(seed), path)
    return path


def parameter_counts(model: onnx.ModelProto) -> tuple[int, int]:
    """(int8 weights, int32 biases) of the quantised model: its int8 tensors of rank > 1 and
    its int32 tensors but the zero points."""
    weights = biases = 0
    for init in model.graph.initializer:
        count = int(np.prod(init.dims)) if init.dims else 1
        if init.data_type == TensorProto.INT8 and len(init.dims) > 1:
            weights += count
        elif init.data_type == TensorProto.INT32 and not init.name.endswith("_zero_point"):
            biases += count
    return weights, biases


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__.split("\n\n")[1].strip())
    out = write(Path(sys.argv[1]))
    w, b = parameter_counts(onnx.load(str(out)))
    print(f"wrote {out}: {w:,} int8 weights + {b:,} int32 biases")
