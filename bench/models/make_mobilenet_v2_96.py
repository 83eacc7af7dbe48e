"""Writes a MobileNetV2-style int8 QDQ model whose wide early layers set its peak RAM.

    python bench/models/make_mobilenet_v2_96.py OUT.onnx

The model issue 11 asks for to measure patch-based execution against MCUNetV2's 4x: a
96x96x3 image, a 3x3/s2 stem, then MobileNetV2 inverted residual blocks (1x1 expansion by
6 with ReLU6, 3x3 depthwise with ReLU6, linear 1x1 projection, a residual add where the
block keeps its shape), a 1x1 head, global average pooling, a 10-class dense layer and
softmax. Layer by layer, the first expanded block (48x48x48 out of 48x48x8) sets the peak;
later maps are 4-16x smaller. Seeded random float weights, quantised like
make_mobilenet_1m.py (onnxruntime quantize_static, QDQ, int8 per-tensor activations,
int8 per-channel weights). Generated, not stored.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import onnx

_spec = importlib.util.spec_from_file_location("make_mobilenet_1m", Path(__file__).with_name("make_mobilenet_1m.py"))
assert _spec is not None and _spec.loader is not None
_mobilenet = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_mobilenet)

INPUT_SHAPE = (1, 3, 96, 96)
STEM_CHANNELS = 16
# (expansion, output channels, stride) of each inverted residual block
BLOCKS = [(1, 8, 1), (6, 16, 2), (6, 16, 1), (6, 24, 2), (6, 24, 1), (6, 32, 2), (6, 32, 1)]
HEAD_CHANNELS = 128
CLASSES = 10


def float_model(seed: int = 0) -> onnx.ModelProto:
    g = _mobilenet.FloatGraph(seed)
    x = g.conv("input", 3, STEM_CHANNELS, 3, 2, 1, "stem")
    cin = STEM_CHANNELS
    for i, (expansion, cout, stride) in enumerate(BLOCKS):
        block_input, hidden = x, cin * expansion
        if expansion != 1:
            x = g.conv(x, cin, hidden, 1, 1, 1, f"b{i}_expand")
        x = g.conv(x, hidden, hidden, 3, stride, hidden, f"b{i}_dw")
        x = g.conv(x, hidden, cout, 1, 1, 1, f"b{i}_project", relu6=False)
        if stride == 1 and cin == cout:
            g.nodes.append(onnx.helper.make_node("Add", [block_input, x], [f"b{i}_add"]))
            x = f"b{i}_add"
        cin = cout
    x = g.conv(x, cin, HEAD_CHANNELS, 1, 1, 1, "head")
    g.classifier(x, HEAD_CHANNELS, CLASSES)
    return g.model("mobilenet_v2_96", INPUT_SHAPE, CLASSES)


def write(path: Path, seed: int = 0) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(_mobilenet.quantize_qdq(float_model(seed), INPUT_SHAPE, seed), path)
    return path


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__.split("\n\n")[1].strip())
    print(f"wrote {write(Path(sys.argv[1]))}")
