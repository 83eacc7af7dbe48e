"""Layout: activations are NHWC in the IR.

Every imported tensor (`Quant`) remembers the permutation from its ONNX (NCHW) layout to its
IR layout; Transpose nodes only change that permutation, and a real `qnn.transpose` (or a
`qnn.reshape`, when only unit dimensions move) is emitted only where an op needs another
layout. A relayout or reshape of a constant is folded into a new constant.
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.ir import SSAValue

from tinymlir.dialects import qnn
from tinymlir.frontend.onnx.values import Quant

NHWC = (0, 2, 3, 1)  # IR dim i holds ONNX (NCHW) dim NHWC[i]


def inverse(perm: Sequence[int]) -> tuple[int, ...]:
    inv = [0] * len(perm)
    for i, p in enumerate(perm):
        inv[p] = i
    return tuple(inv)


def identity(rank: int) -> tuple[int, ...]:
    return tuple(range(rank))


class LayoutMixin:
    """Relayouts of the importer (`OnnxImporter`): its `layout_cache`, `const_arrays`,
    `constant` and `emit`."""

    def in_layout(self, q: Quant, perm: tuple[int, ...]) -> SSAValue:
        """q's IR value laid out as onnx.transpose(perm)."""
        if q.perm == perm:
            return q.value
        key = (id(q.value), perm)
        if key in self.layout_cache:
            return self.layout_cache[key]
        inv_old = inverse(q.perm)
        t = tuple(inv_old[p] for p in perm)
        src_shape = q.qtype.get_shape()
        new_shape = [src_shape[i] for i in t]
        result_type = q.qtype.with_shape(new_shape)
        moved = [i for i in t if src_shape[i] != 1]
        if q.value in self.const_arrays:
            value = self.constant(self.const_arrays[q.value].transpose(t), result_type)
            self.layout_cache[key] = value
            return value
        if moved == sorted(moved):  # only unit dimensions move: same bytes
            op = qnn.ReshapeOp(q.value, result_type)
        else:
            op = qnn.TransposeOp(q.value, result_type, t)
        value = self.emit(op, (q.value.name_hint or "v") + "_relayout")
        self.layout_cache[key] = value
        return value

    def reshaped(self, q: Quant, shape: Sequence[int]) -> Quant:
        data = self.in_layout(q, identity(len(q.perm)))
        if tuple(shape) == q.onnx_shape:
            return Quant(data, identity(len(shape)))
        t = q.qtype.with_shape(shape)
        if data in self.const_arrays:  # e.g. a bias [M] broadcast to [1, M] in an add
            return Quant(self.constant(self.const_arrays[data].reshape(shape), t), identity(len(shape)))
        return Quant(self.emit(qnn.ReshapeOp(data, t)), identity(len(shape)))
