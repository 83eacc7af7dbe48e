"""Running strided memrefs in xDSL's interpreter (the layout arithmetic: tinymlir.strided_memref).

xDSL 0.74's interpreter knows only row-major, offset-0 memrefs and has no subview or copy;
these functions run `memref.subview`, `reinterpret_cast`, `collapse_shape`, `cast`,
`memory_space_cast` and `copy` on any static layout (collapse_shape at a dynamic offset too), keeping the base buffer as the C code does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from xdsl.dialects import memref
from xdsl.dialects.builtin import MemRefType
from xdsl.interpreter import Interpreter, InterpreterFunctions, PythonValues, impl, register_impls
from xdsl.interpreters.shaped_array import ShapedArray

from tinymlir.errors import ExecutionError
from tinymlir.strided_memref import (
    Layout,
    collapse_layout,
    row_major,
    static_layout,
    subview_layout,
)


@dataclass
class StridedArray(ShapedArray[Any]):
    """A view of an interpreter buffer: `_data` is the base, elements are at `base_offset`
    plus the indices times `strides`."""

    strides: tuple[int, ...] = ()
    base_offset: int = 0

    def offset(self, index) -> int:
        if len(index) != len(self.shape):
            raise ValueError(f"Invalid indices {index} for shape {self.shape}")
        return self.base_offset + sum(i * s for i, s in zip(index, self.strides, strict=True))

    @property
    def data(self) -> list[Any]:
        return [self.load(index) for index in self.indices()]


def view(source: ShapedArray[Any], t: MemRefType, layout: Layout) -> ShapedArray[Any]:
    """`source`'s base seen with shape `t` and `layout` (a plain array if row-major)."""
    shape = list(t.get_shape())
    if layout == row_major(shape):
        return ShapedArray(source.data_ptr, shape)
    return StridedArray(source.data_ptr, shape, layout[1], layout[0])


@register_impls
class StridedMemRefFunctions(InterpreterFunctions):
    """memref.subview (dynamic offsets too), reinterpret_cast, collapse_shape (of a dynamic
    offset too), cast, memory_space_cast and copy on any static layout."""

    @impl(memref.SubviewOp)
    def run_subview(self, interpreter: Interpreter, op: memref.SubviewOp, args: PythonValues) -> PythonValues:
        try:
            layout = subview_layout(op, [int(v) for v in args[1 : 1 + len(op.offsets)]])
        except ValueError as e:
            raise ExecutionError(f"memref.subview: {e}") from None
        return (view(args[0], op.result.type, layout),)

    @impl(memref.ReinterpretCastOp)
    def run_reinterpret_cast(
        self, interpreter: Interpreter, op: memref.ReinterpretCastOp, args: PythonValues
    ) -> PythonValues:
        layout = static_layout(op.result.type)
        if layout is None or op.offsets or op.sizes or op.strides:
            raise ExecutionError("memref.reinterpret_cast: only static offsets, sizes and strides are supported")
        return (view(args[0], op.result.type, layout),)

    @impl(memref.CollapseShapeOp)
    def run_collapse_shape(self, interpreter: Interpreter, op: memref.CollapseShapeOp, args: PythonValues) -> PythonValues:
        groups = [[int(d.value.data) for d in group] for group in op.reassociation]
        try:
            _, strides = collapse_layout(op.src.type, groups)
        except ValueError as e:
            raise ExecutionError(f"memref.collapse_shape: {e}") from None
        source = args[0]
        base = source.base_offset if isinstance(source, StridedArray) else 0  # the source's offset, dynamic too
        return (view(source, op.result.type, (base, strides)),)

    @impl(memref.CastOp)
    def run_cast(self, interpreter: Interpreter, op: memref.CastOp, args: PythonValues) -> PythonValues:
        return (args[0],)  # static types only: the same buffer and layout

    @impl(memref.MemorySpaceCastOp)
    def run_memory_space_cast(
        self, interpreter: Interpreter, op: memref.MemorySpaceCastOp, args: PythonValues
    ) -> PythonValues:
        return (args[0],)

    @impl(memref.CopyOp)
    def run_copy(self, interpreter: Interpreter, op: memref.CopyOp, args: PythonValues) -> PythonValues:
        source, destination = args
        for index in source.indices():
            destination.store(index, source.load(index))
        return ()
