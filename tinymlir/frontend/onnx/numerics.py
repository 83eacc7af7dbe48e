"""The numerics mode of an imported model (`qnn.numerics` on the module)."""

from __future__ import annotations

import onnx

from tinymlir.dialects import qnn
from tinymlir.errors import OnnxImportError
from tinymlir.frontend.onnx.hardening import one_line

TFLM_PRODUCERS = ("tf2onnx",)  # TFLite-converted models: their reference is TFLM


def choose_numerics(model: onnx.ModelProto, numerics: str | None) -> tuple[qnn.Numerics, str]:
    """The numerics mode for `model` and why: `numerics` if given (tflm, onnx), else (None or
    "auto") tflm for TFLite-converted models (producer tf2onnx) and onnx for all others."""
    if numerics is None or numerics == "auto":
        producer = model.producer_name
        chosen = qnn.Numerics.TFLM if producer in TFLM_PRODUCERS else qnn.Numerics.ONNX
        return chosen, one_line(f"auto: producer '{producer}'", 200)
    if numerics not in set(qnn.Numerics):
        raise OnnxImportError(f"unknown numerics '{numerics}'; expected auto, tflm or onnx")
    return qnn.Numerics(numerics), "requested"
