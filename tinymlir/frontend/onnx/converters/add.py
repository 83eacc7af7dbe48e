"""Add (QDQ form): a bias Add folds into a pending Conv/MatMul/Gemm, other Adds become
`qnn.add` with broadcasting.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tinymlir.dialects import qnn
from tinymlir.frontend.onnx.qdq import clamp_range
from tinymlir.frontend.onnx.registry import converter, materializer
from tinymlir.frontend.onnx.values import Const, DeqConst, Pending, Quant

if TYPE_CHECKING:
    from tinymlir.frontend.onnx.importer import OnnxImporter


@converter("Add", inputs=(2, 2))
def convert_add(imp: OnnxImporter, node):
    a, b = imp.get(node.input[0]), imp.get(node.input[1])
    for p, other in ((a, b), (b, a)):
        if isinstance(p, Pending) and p.kind in ("conv", "dense") and p.bias is None:
            if isinstance(other, DeqConst | Const):
                p2 = Pending(p.node, p.kind, p.inputs, p.attrs, p.weight, other, p.clamp)
                imp.set(node, p2)
                return
    x = imp.float_input(node.input[0], "lhs")
    y = imp.float_input(node.input[1], "rhs")
    imp.set(node, Pending(node, "add", [x, y]))


@materializer("add")
def materialize_add(imp: OnnxImporter, p: Pending, scale, zp, dtype) -> Quant:
    return add(imp, p.inputs[0], p.inputs[1], scale, zp, dtype, p.clamp)


def add(imp: OnnxImporter, a: Quant, b: Quant, scale, zp, dtype, clamp) -> Quant:
    imp.check_storage([a, b], dtype, "operand")
    rank = max(len(a.perm), len(b.perm))
    a, b = (imp.reshaped(q, (1,) * (rank - len(q.perm)) + q.onnx_shape) if len(q.perm) < rank else q for q in (a, b))
    perm = a.perm if a.qtype.get_num_elements() >= b.qtype.get_num_elements() else b.perm
    va, vb = imp.in_layout(a, perm), imp.in_layout(b, perm)
    shape = qnn.broadcast_shape(va.type.get_shape(), vb.type.get_shape())
    if shape is None:
        raise imp.error(f"shapes {list(a.onnx_shape)} and {list(b.onnx_shape)} do not broadcast")
    out_t = imp.qtype(shape, dtype, scale, zp)
    return Quant(imp.emit(qnn.AddOp(va, vb, out_t, clamp_range(out_t, clamp))), perm)
