"""QDQ fusion: DequantizeLinear -> float op -> QuantizeLinear groups become one `qnn` op.

A float op whose inputs are dequantised values (`Deq`, `DeqConst`) is kept *pending* until the
QuantizeLinear that consumes it (possibly through a bias Add and a Relu/Clip) gives its output
parameters; then the materializer registered for its kind (`@materializer`) emits one `qnn` op
with the activation folded into its clamp range. The int32 bias is rescaled to
s_in * s_w[c] (TFLite's convention).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from xdsl.dialects import arith
from xdsl.dialects.builtin import i32
from xdsl.ir import SSAValue

from tinymlir.dialects import qnn
from tinymlir.frontend.onnx.naming import readable_name
from tinymlir.frontend.onnx.registry import MATERIALIZERS
from tinymlir.frontend.onnx.values import Const, Deq, DeqConst, Pending, Quant, Value, dense_attr


def clamp_range(qtype: qnn.QTensorType, real: tuple[float, float]) -> list[int] | None:
    """TFLite's CalculateActivationRangeQuantized for a real [lo, hi] range."""
    lo, hi = qtype.storage_min, qtype.storage_max
    scale, zp = qtype.scale, qtype.zero_point

    def quantized(r: float) -> int:  # zp + round(r / scale), kept within [lo - 1, hi + 1]
        with np.errstate(over="ignore"):
            q = np.round(np.float32(r) / np.float32(scale))
        return zp + int(np.clip(q, lo - 1 - zp, hi + 1 - zp))

    if np.isfinite(real[0]):
        lo = max(lo, quantized(real[0]))
    if np.isfinite(real[1]):
        hi = min(hi, quantized(real[1]))
    lo = min(max(lo, qtype.storage_min), qtype.storage_max)
    hi = min(max(hi, qtype.storage_min), qtype.storage_max)
    if lo > hi:
        lo = hi
    if (lo, hi) == (qtype.storage_min, qtype.storage_max):
        return None
    return [lo, hi]


class QdqMixin:
    """The importer's (`OnnxImporter`) QDQ helpers: operands of float ops, pending
    computations, requantisation, weights and biases."""

    def requantized(self, q: Quant, scale, zp, dtype, clamp) -> Quant:
        target = self.qtype(q.qtype.get_shape(), dtype, scale, zp)
        bounds = clamp_range(target, clamp)
        if q.qtype.same_params(target) and bounds is None:
            return q
        return Quant(self.emit(qnn.RequantizeOp(q.value, target, bounds)), q.perm)

    def materialize(self, p: Pending, scale, zp, dtype) -> Quant:
        saved, self.node = self.node, p.node
        try:
            return MATERIALIZERS[p.kind](self, p, scale, zp, dtype)
        finally:
            self.node = saved

    def check_storage(self, inputs: Sequence[Quant], dtype, what: str = "input") -> None:
        """qnn compute ops keep one storage type: int8 in, int8 out (or uint8, uint8)."""
        out = self.storage_type(np.dtype(dtype), "the output")
        for q in inputs:
            if q.qtype.element_type != out:
                got = "uint8" if q.qtype.is_unsigned else "int8"
                raise self.error(
                    f"{got} {what} with a {np.dtype(dtype)} output is not supported; tinymlir "
                    "needs the same storage type (int8 or uint8) on both sides"
                )

    def float_input(self, name: str, role: str) -> Quant:
        value = self.get(name)
        if isinstance(value, Deq):
            return value.source
        if isinstance(value, Const) and value.array.dtype.kind == "f":
            raise self.error(
                f"{role} '{name}' is a float constant not produced by DequantizeLinear: the model "
                "is not quantised (tinymlir compiles int8 QDQ or QOperator models)"
            )
        return self.as_quant(value, f"{role} '{name}'")

    def weight_input(self, name: str, role: str) -> DeqConst:
        value = self.get(name)
        if isinstance(value, DeqConst):
            return value
        if isinstance(value, Const) and value.array.dtype.kind == "f":
            raise self.error(
                f"{role} '{name}' is a float constant not produced by DequantizeLinear: the model "
                "is not quantised (tinymlir compiles int8 QDQ or QOperator models)"
            )
        raise self.error(f"{role} '{name}' must be a dequantised int8 constant (runtime weights are not supported)")

    def optional_input(self, node, index: int) -> Value | None:
        return self.get(node.input[index]) if len(node.input) > index and node.input[index] else None

    def bias_input(self, node, index: int) -> DeqConst | Const | None:
        bias = self.optional_input(node, index)
        if bias is not None and not isinstance(bias, DeqConst | Const):
            raise self.error(
                f"bias '{node.input[index]}' must be a constant (DequantizeLinear of an int32 "
                "initializer); runtime biases are not supported"
            )
        return bias

    def bias_array(self, p: Pending, x: Quant, w_scales: np.ndarray, channels: int) -> np.ndarray:
        """int32 bias at scale s_in * s_w[c] (TFLite's convention)."""
        if p.bias is None:
            return np.zeros(channels, np.int32)
        expected = np.broadcast_to(self.scale_product(x, w_scales), (channels,))
        if isinstance(p.bias, Const):
            if p.bias.array.dtype.kind != "f":
                raise self.error("an integer bias must come through DequantizeLinear")
            with np.errstate(over="ignore"):
                real = p.bias.array.astype(np.float32).reshape(-1)
        else:
            if np.any(p.bias.zero_points != 0):
                raise self.error("bias zero points must be 0")
            if p.bias.array.size not in (1, channels):
                raise self.error(f"bias has {p.bias.array.size} values for {channels} output channels")
            if p.bias.array.dtype == np.int32 and p.bias.scales.size in (1, channels):
                scales = np.broadcast_to(p.bias.scales.astype(np.float32), (channels,))
                if np.allclose(scales, expected, rtol=1e-6, atol=0):
                    return np.broadcast_to(p.bias.array.reshape(-1), (channels,)).astype(np.int32)
            with np.errstate(over="ignore", invalid="ignore"):
                real = p.bias.real.reshape(-1)
        if real.size not in (1, channels):
            raise self.error(f"bias has {real.size} values for {channels} output channels")
        real = np.broadcast_to(real, (channels,)).astype(np.float64)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            q = np.rint(real / expected.astype(np.float64))
        if not np.all(np.isfinite(q)) or np.any(np.abs(q) > 2**31 - 1):
            raise self.error("bias does not fit int32 at scale s_in * s_w")
        return q.astype(np.int32)

    def scale_product(self, x: Quant, w_scales) -> np.ndarray:
        """s_in * s_w (float32), the bias scale and the numerator of the requantisation
        multiplier: it must be a finite, normal float32."""
        with np.errstate(over="ignore", under="ignore"):
            product = (np.float32(x.qtype.scale) * np.asarray(w_scales, np.float32)).astype(np.float32)
        bad = np.flatnonzero(~np.isfinite(product) | (product < np.finfo(np.float32).tiny))
        if bad.size:
            c = int(bad[0])
            raise self.error(
                f"input scale {x.qtype.scale:g} times weight scale {float(np.asarray(w_scales).reshape(-1)[c]):g}"
                f" (channel {c}) is {float(product.reshape(-1)[c]):g}, not a finite, normal float32 value"
            )
        return product

    def weight_type_and_array(self, w: DeqConst, array: np.ndarray, axis: int) -> qnn.QTensorType:
        if w.axis >= 0 and w.scales.size > 1:
            return self.qtype(array.shape, array.dtype, w.scales, w.zero_points, axis)
        return self.qtype(array.shape, array.dtype, w.scales[:1], w.zero_points[:1])

    def emit_weights(self, w: DeqConst, array: np.ndarray, new_axis: int) -> SSAValue:
        if array.dtype not in (np.int8, np.uint8):
            raise self.error(f"weights must be int8 or uint8, got {array.dtype}")
        t = self.weight_type_and_array(w, array, new_axis)
        return self.emit(qnn.ConstantOp(dense_attr(array, t.element_type), t), self.base_name() + "_weight")

    def emit_bias(self, bias: np.ndarray) -> SSAValue:
        return self.emit(arith.ConstantOp(dense_attr(bias.astype(np.int32), i32)), self.base_name() + "_bias")

    def base_name(self) -> str:
        assert self.node is not None
        return readable_name(self.node.name or self.node.output[0])

