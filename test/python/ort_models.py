"""onnxruntime-quantised test models: float ONNX graphs quantised with `quantize_static`.

Each model is a float graph built with onnx.helper from seeded random weights (He-scaled, so
activations stay well-conditioned through deep stacks), calibrated once with MinMax on a fixed
random CalibrationDataReader, then quantised into several variants that share those ranges:

    qdq_s8_pc   QDQ,       int8 activations,  int8 per-channel weights
    qdq_u8_pt   QDQ,       uint8 activations, int8 per-tensor weights
    qop_u8_pc   QOperator, uint8 activations, int8 per-channel weights (u8s8: ORT's AVX2 kernels
                saturate these without VNNI, which is why no test runs them in ORT)
    qop_s8_pt   QOperator, int8 activations,  int8 per-tensor weights
    qop_s8_pc / qop_u8_pt  the QOperator twins of the QDQ variants (same ranges, same weights):
                the exact numpy oracle runs them in place of the QDQ graph's arithmetic.

The models (MODELS): a MobileNetV2-style network (52 convolutions, residual adds, depthwise,
ReLU6, ReLU, global average pooling, Gemm head), a 4-layer MLP (MatMul + Add + Relu), an
inception-like concat + maxpool block, a MatMul + Add + Softmax head, and a CNN with dilated,
grouped and asymmetric-padding convolutions and a padded AveragePool.

`build_all(directory)` writes <model>.<variant>.onnx for every entry of VARIANTS (cached by the
tests' session fixture; about 10 s). Calibration runs onnxruntime's float kernels, whose last bits
may differ between CPUs; every test compares two computations on the same generated file, so no
test outcome depends on those bits.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 13
IR_VERSION = 8
N_CALIB = 8


@dataclass(frozen=True)
class Variant:
    qdq: bool
    unsigned: bool
    per_channel: bool

    @property
    def twin(self) -> str:
        """The QOperator variant with the same parameters (the QDQ graph's exact arithmetic)."""
        return f"qop_{'u8' if self.unsigned else 's8'}_{'pc' if self.per_channel else 'pt'}"


VARIANT_SPECS = {
    "qdq_s8_pc": Variant(True, False, True),
    "qdq_u8_pt": Variant(True, True, False),
    "qop_u8_pc": Variant(False, True, True),
    "qop_s8_pt": Variant(False, False, False),
    "qop_s8_pc": Variant(False, False, True),
    "qop_u8_pt": Variant(False, True, False),
}


class FloatGraph:
    """A float graph built node by node, with seeded He-scaled weights."""

    def __init__(self, name: str, input_shape: list[int], seed: int):
        self.name = name
        self.rng = np.random.default_rng(seed)
        self.nodes: list[onnx.NodeProto] = []
        self.inits: list[onnx.TensorProto] = []
        self.input_shape = input_shape
        self.count: dict[str, int] = {}

    def fresh(self, kind: str) -> str:
        self.count[kind] = self.count.get(kind, 0) + 1
        return f"{kind}{self.count[kind]}"

    def const(self, name: str, array: np.ndarray) -> str:
        self.inits.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def node(self, op: str, inputs: list[str], kind: str | None = None, **attrs) -> str:
        name = self.fresh(kind or op.lower())
        self.nodes.append(helper.make_node(op, inputs, [name], name=name, **attrs))
        return name

    def conv(self, x: str, c_in: int, c_out: int, k: int = 3, *, stride: int = 1, group: int = 1,
             dilation: int = 1, pads: list[int] | None = None, gain: float = 2.0) -> str:
        fan_in = c_in // group * k * k
        w = self.rng.normal(0, np.sqrt(gain / fan_in), (c_out, c_in // group, k, k)).astype(np.float32)
        # Per-channel spread, so per-channel and per-tensor weight scales really differ.
        w *= self.rng.uniform(0.5, 1.5, (c_out, 1, 1, 1)).astype(np.float32)
        b = self.rng.normal(0, 0.1, c_out).astype(np.float32)
        if pads is None:
            p = dilation * (k - 1) // 2
            pads = [p, p, p, p]
        name = self.fresh("conv")
        self.const(f"{name}_w", w)
        self.const(f"{name}_b", b)
        self.nodes.append(helper.make_node(
            "Conv", [x, f"{name}_w", f"{name}_b"], [name], name=name, kernel_shape=[k, k],
            strides=[stride, stride], dilations=[dilation, dilation], group=group, pads=pads,
        ))
        return name

    def relu6(self, x: str) -> str:
        lo = self.const(self.fresh("clip_lo"), np.array(0.0, np.float32))
        hi = self.const(self.fresh("clip_hi"), np.array(6.0, np.float32))
        return self.node("Clip", [x, lo, hi], "relu6_")

    def matmul_add(self, x: str, k: int, m: int, gain: float = 2.0) -> str:
        w = self.rng.normal(0, np.sqrt(gain / k), (k, m)).astype(np.float32)
        b = self.rng.normal(0, 0.1, m).astype(np.float32)
        name = self.fresh("fc")
        y = self.node("MatMul", [x, self.const(f"{name}_w", w)], "matmul")
        return self.node("Add", [y, self.const(f"{name}_b", b)], "bias_add")

    def gemm(self, x: str, k: int, m: int) -> str:
        w = self.rng.normal(0, np.sqrt(1.0 / k), (m, k)).astype(np.float32)
        b = self.rng.normal(0, 0.1, m).astype(np.float32)
        name = self.fresh("gemm")
        self.nodes.append(helper.make_node(
            "Gemm", [x, self.const(f"{name}_w", w), self.const(f"{name}_b", b)], [name], name=name, transB=1,
        ))
        return name

    def model(self, output: str) -> onnx.ModelProto:
        graph = helper.make_graph(
            self.nodes, self.name,
            [helper.make_tensor_value_info("input", TensorProto.FLOAT, self.input_shape)],
            [helper.make_tensor_value_info(output, TensorProto.FLOAT, None)], self.inits,
        )
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], ir_version=IR_VERSION)
        model = onnx.shape_inference.infer_shapes(model)
        onnx.checker.check_model(model, full_check=True)
        return model


def mobilenet_v2() -> onnx.ModelProto:
    """MobileNetV2-style, 48x48x3: 17 inverted-residual blocks (10 residual adds), 52 convs."""
    g = FloatGraph("mobilenet_v2", [1, 3, 48, 48], seed=1)
    x = g.relu6(g.conv("input", 3, 16, 3, stride=2))
    c_in = 16
    for t, c, n, s in [(1, 8, 1, 1), (6, 12, 2, 2), (6, 16, 3, 2), (6, 24, 4, 2), (6, 32, 3, 1), (6, 36, 3, 2), (6, 48, 1, 1)]:
        for i in range(n):
            stride = s if i == 0 else 1
            hidden = c_in * t
            y = x
            if t != 1:
                y = g.relu6(g.conv(y, c_in, hidden, 1))
            y = g.relu6(g.conv(y, hidden, hidden, 3, stride=stride, group=hidden))
            y = g.conv(y, hidden, c, 1, gain=1.0)
            if stride == 1 and c_in == c:
                y = g.node("Add", [x, y], "residual")
            x, c_in = y, c
    x = g.node("Relu", [g.conv(x, c_in, 64, 1)])
    x = g.node("Flatten", [g.node("GlobalAveragePool", [x], "gap")])
    return g.model(g.gemm(x, 64, 10))


def mlp() -> onnx.ModelProto:
    """4-layer MLP: (MatMul + Add + Relu) x 3, MatMul + Add."""
    g = FloatGraph("mlp", [1, 64], seed=2)
    x = "input"
    for k, m in [(64, 48), (48, 32), (32, 24)]:
        x = g.node("Relu", [g.matmul_add(x, k, m)])
    return g.model(g.matmul_add(x, 24, 10, gain=1.0))


def inception() -> onnx.ModelProto:
    """Inception-like block: 1x1, 3x3, 5x5 and maxpool->1x1 branches, Concat, MaxPool, GAP, Gemm."""
    g = FloatGraph("inception", [1, 3, 16, 16], seed=3)
    stem = g.node("Relu", [g.conv("input", 3, 12, 3)])
    b1 = g.node("Relu", [g.conv(stem, 12, 8, 1)])
    b2 = g.node("Relu", [g.conv(g.node("Relu", [g.conv(stem, 12, 6, 1)]), 6, 8, 3)])
    b3 = g.conv(stem, 12, 4, 5, gain=1.0)  # no activation: a differently scaled branch
    pooled = g.node("MaxPool", [stem], "maxpool", kernel_shape=[3, 3], strides=[1, 1], pads=[1, 1, 1, 1])
    b4 = g.node("Relu", [g.conv(pooled, 12, 6, 1)])
    cat = g.node("Concat", [b1, b2, b3, b4], "concat", axis=1)
    x = g.node("MaxPool", [cat], "maxpool", kernel_shape=[2, 2], strides=[2, 2])
    x = g.node("Flatten", [g.node("GlobalAveragePool", [x], "gap")])
    return g.model(g.gemm(x, 26, 10))


def matmul_softmax() -> onnx.ModelProto:
    """MatMul + Add + Relu, MatMul + Add, Softmax (quantize_static puts an int8 QDQ bias on each Add)."""
    g = FloatGraph("matmul_softmax", [1, 32], seed=4)
    x = g.node("Relu", [g.matmul_add("input", 32, 16)])
    return g.model(g.node("Softmax", [g.matmul_add(x, 16, 10, gain=4.0)], axis=-1))


def dilated_grouped_cnn() -> onnx.ModelProto:
    """Dilated, grouped (group 4, not depthwise) and asymmetric-padding convs, padded AveragePool."""
    g = FloatGraph("dilated_grouped_cnn", [1, 8, 16, 16], seed=5)
    x = g.node("Relu", [g.conv("input", 8, 16, 3, dilation=2)])
    x = g.node("Relu", [g.conv(x, 16, 16, 3, group=4)])
    x = g.relu6(g.conv(x, 16, 12, 3, stride=2, pads=[0, 1, 1, 2]))
    x = g.node("AveragePool", [x], "avgpool", kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])
    x = g.node("Relu", [g.conv(x, 12, 24, 2, pads=[1, 0, 0, 1])])
    x = g.node("Flatten", [g.node("GlobalAveragePool", [x], "gap")])
    return g.model(g.gemm(x, 24, 10))


MODELS: dict[str, Callable[[], onnx.ModelProto]] = {
    "mobilenet_v2": mobilenet_v2,
    "mlp": mlp,
    "inception": inception,
    "matmul_softmax": matmul_softmax,
    "dilated_grouped_cnn": dilated_grouped_cnn,
}
FULL = ["qdq_s8_pc", "qdq_u8_pt", "qop_u8_pc", "qop_s8_pt", "qop_s8_pc", "qop_u8_pt"]
SMALL = ["qdq_s8_pc", "qop_u8_pc", "qop_s8_pc"]
VARIANTS: dict[str, list[str]] = {
    "mobilenet_v2": FULL,
    "mlp": SMALL,
    "inception": SMALL,
    "matmul_softmax": SMALL,
    "dilated_grouped_cnn": FULL,
}
SOFTMAX_MODELS = {"matmul_softmax"}


def input_shape(model: onnx.ModelProto) -> list[int]:
    return [d.dim_value for d in model.graph.input[0].type.tensor_type.shape.dim]


def float_inputs(model: onnx.ModelProto, count: int, seed: int) -> list[np.ndarray]:
    """Deterministic float inputs in [-1, 1) (calibration uses seed 0; tests use others)."""
    rng = np.random.default_rng(seed)
    return [rng.uniform(-1, 1, input_shape(model)).astype(np.float32) for _ in range(count)]


class FixedReader:
    """A CalibrationDataReader over a fixed list of inputs."""

    def __init__(self, samples: list[np.ndarray]):
        self.samples = list(samples)
        self.index = 0

    def get_next(self):
        if self.index >= len(self.samples):
            return None
        self.index += 1
        return {"input": self.samples[self.index - 1]}


def quantize(float_model: onnx.ModelProto, variant: str, out: Path, cache: Path) -> None:
    from onnxruntime.quantization import CalibrationMethod, QuantFormat, QuantType, quantize_static

    spec = VARIANT_SPECS[variant]
    quiet = logging.getLogger()  # the quantiser's advice ("consider pre-processing") is noise here
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "float.onnx"
        onnx.save(float_model, source)
        quantize_static(
            str(source), str(out), FixedReader(float_inputs(float_model, N_CALIB, 0)),
            quant_format=QuantFormat.QDQ if spec.qdq else QuantFormat.QOperator,
            per_channel=spec.per_channel,
            activation_type=QuantType.QUInt8 if spec.unsigned else QuantType.QInt8,
            weight_type=QuantType.QInt8,
            calibrate_method=CalibrationMethod.MinMax,
            calibration_cache_path=str(cache),
        )
    quiet.setLevel(level)


def source_digest() -> str:
    """Changes when this file or the quantiser changes (the cache key)."""
    import onnxruntime

    data = Path(__file__).read_bytes() + onnxruntime.__version__.encode() + onnx.__version__.encode()
    return hashlib.sha256(data).hexdigest()[:16]


def build_all(directory: Path) -> dict[tuple[str, str], Path]:
    """Writes every (model, variant) into `directory` (skipping files already there)."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, builder in MODELS.items():
        float_model = None
        for variant in VARIANTS[name]:
            path = directory / f"{name}.{variant}.onnx"
            paths[(name, variant)] = path
            if path.exists():
                continue
            if float_model is None:
                float_model = builder()
                onnx.save(float_model, directory / f"{name}.float.onnx")
            quantize(float_model, variant, path, directory / f"{name}.calibration.json")
    return paths


if __name__ == "__main__":
    import sys
    import time

    start = time.time()
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "ort_models_out")
    for (name, variant), path in build_all(target).items():
        print(f"{name:<22} {variant:<10} {path.stat().st_size:>8} bytes")
    print(f"{time.time() - start:.1f} s")
