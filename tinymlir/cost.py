"""Static per-op costs of qnn and qk IR: multiply-accumulates and parameter bytes."""

from __future__ import annotations

import numpy as np
from xdsl.dialects import arith
from xdsl.ir import Operation

from tinymlir.dialects import kernel as qk
from tinymlir.dialects import qnn


def macs(op: Operation) -> int:
    """Multiply-accumulates of one op (conv, depthwise, dense), 0 for the others: a qk
    kernel's own count, or for a qnn op the count of the kernel it becomes (the formulas
    live in dialects/kernel.py)."""
    if isinstance(op, qk.KernelOp):
        return op.macs()
    if isinstance(op, qnn.Conv2DOp):
        return qk.conv2d_macs(op.output.type.get_shape(), op.weight.type.get_shape())
    if isinstance(op, qnn.DenseOp):
        return qk.dense_macs(op.input.type.get_shape(), op.output.type.get_shape())
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
