"""Static per-op costs of qnn IR: multiply-accumulates and parameter bytes."""

from __future__ import annotations

import numpy as np
from xdsl.dialects import arith
from xdsl.ir import Operation

from tinymlir.dialects import qnn


def macs(op: Operation) -> int:
    """Multiply-accumulates of one op (conv, depthwise, dense), 0 for the others."""
    if isinstance(op, qnn.Conv2DOp):
        n, oh, ow, c_out = op.output.type.get_shape()
        _, kh, kw, c_in_per_group = op.weight.type.get_shape()
        return n * oh * ow * c_out * kh * kw * c_in_per_group
    if isinstance(op, qnn.DenseOp):
        n, k = op.input.type.get_shape()
        return n * op.output.type.get_shape()[1] * k
    return 0


def constant_bytes(op: Operation) -> int:
    """Bytes of a compile-time constant (weights int8, biases int32)."""
    if isinstance(op, qnn.ConstantOp):
        return int(np.prod(op.value.get_shape())) * op.output.type.element_type.width.data // 8
    if isinstance(op, arith.ConstantOp):
        t = op.result.type
        if hasattr(t, "get_shape"):
            return int(np.prod(t.get_shape())) * t.get_element_type().width.data // 8
    return 0
