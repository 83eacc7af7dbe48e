"""Strided memrefs: the layout arithmetic of subviews, views and casts.

A memref value stands for a *base* (the buffer's first element, what C holds as a pointer)
plus its type's layout: element `(i0, i1, ...)` is at `offset + i0*s0 + i1*s1 + ...` from
the base, with `strided<[s0, s1, ...], offset: offset>` (row-major strides and offset 0
when the type has no layout). `memref.subview`, `memref.reinterpret_cast`, `memref.cast`
and `memref.memory_space_cast` keep the base and change only the layout, as MLIR's own
lowering to LLVM does; convert-memref-to-mcuc indexes C pointers with exactly this
formula, and tinymlir.strided_memref_interpreter runs the same views on xDSL's buffers
(kept apart: importing xDSL's interpreters costs the C pipeline about 0.5 s of start-up).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from xdsl.dialects import memref
from xdsl.dialects.builtin import MemRefType, ShapedType

#: (offset, strides) of a memref layout, in elements.
Layout = tuple[int, tuple[int, ...]]


def static_layout(t: MemRefType) -> Layout | None:
    """The layout of `t` if its offset and strides are all static, else None."""
    strides, offset = t.get_strides(), t.get_offset()
    if strides is None or offset is None or any(s is None for s in strides):
        return None
    return offset, tuple(int(s) for s in strides)  # type: ignore[arg-type]


def row_major(shape) -> Layout:
    """The identity layout of `shape`."""
    return 0, tuple(int(s) for s in ShapedType.strides_for_shape(tuple(shape)))  # type: ignore[arg-type]


def is_identity(t: MemRefType) -> bool:
    """Whether `t` is laid out row-major from offset 0 (whatever its layout attribute says)."""
    return static_layout(t) == row_major(t.get_shape())


def describe(layout: Layout) -> str:
    offset, strides = layout
    return f"strided<[{', '.join(map(str, strides))}], offset: {offset}>"


def subview_layout(op: memref.SubviewOp, dynamic_offsets: Sequence[int] | None = None) -> Layout:
    """The layout of `op`'s result computed from its source's layout and its static offsets,
    sizes and strides (dropping the unit dimensions a rank-reducing subview removes);
    `dynamic_offsets`: the values of its dynamic offsets (when they are known: an
    interpreter's). Raises ValueError saying what is not static, out of bounds or
    inconsistent."""
    dynamic = [k for k, v in (("offsets", op.offsets if dynamic_offsets is None else ()), ("sizes", op.sizes), ("strides", op.strides)) if v]
    if dynamic:
        raise ValueError(f"dynamic {' and '.join(dynamic)}; only static offsets, sizes and strides are supported")
    source_type = op.source.type
    assert isinstance(source_type, MemRefType)
    source = static_layout(source_type)
    if source is None:
        raise ValueError(f"the source layout of {source_type} is not static")
    base, source_strides = source
    offsets = list(op.static_offsets.get_values())
    if dynamic_offsets is not None:
        given = iter(dynamic_offsets)
        offsets = [next(given) if o == memref.DYNAMIC_INDEX else o for o in offsets]
    sizes = op.static_sizes.get_values()
    steps = op.static_strides.get_values()
    for dim, (o, n, s, extent) in enumerate(zip(offsets, sizes, steps, source_type.get_shape(), strict=True)):
        if o < 0 or n < 0 or s < 1 or (n and o + (n - 1) * s >= extent):
            raise ValueError(f"dimension {dim} (offset {o}, size {n}, stride {s}) is out of bounds of {extent}")
    offset = base + sum(o * s for o, s in zip(offsets, source_strides, strict=True))
    strides = [step * s for step, s in zip(steps, source_strides, strict=True)]
    result_type = op.result.type
    assert isinstance(result_type, MemRefType)
    result_shape = result_type.get_shape()
    declared = result_type.get_strides() or [None] * len(result_shape)
    kept: list[int] = []
    for dim, size in enumerate(sizes):
        k = len(kept)
        remaining_result, remaining_source = len(result_shape) - k, len(sizes) - dim
        fits = k < len(result_shape) and result_shape[k] == size
        # a unit dimension is kept if the result needs it or its declared stride says so
        if fits and (size != 1 or remaining_result == remaining_source or declared[k] == strides[dim]):
            kept.append(dim)
        elif size != 1:
            raise ValueError(f"result shape {list(result_shape)} does not match the sizes {list(sizes)}")
    if len(kept) != len(result_shape):
        raise ValueError(f"result shape {list(result_shape)} does not match the sizes {list(sizes)}")
    return offset, tuple(strides[d] for d in kept)


def layout_mismatch(t: MemRefType, expected: Layout) -> str | None:
    """None if `t`'s layout is `expected`, else why not."""
    actual = static_layout(t)
    if actual is None:
        return f"result layout of {t} is not static"
    # unit dimensions are never stepped over: their strides do not matter
    same = actual[0] == expected[0] and all(
        a == e or n == 1 for a, e, n in zip(actual[1], expected[1], t.get_shape(), strict=True)
    )
    return None if same else f"result layout {describe(actual)} is not the subview's {describe(expected)}"


def collapse_layout(t: MemRefType, groups: Sequence[Sequence[int]]) -> tuple[int | None, tuple[int, ...]]:
    """The layout of `memref.collapse_shape` of `t` into `groups` (the reassociation):
    the same offset (None where `t`'s is dynamic) and per group the stride of its last
    dimension, as MLIR computes it. Each group must be contiguous in `t` (every
    dimension's stride the next one's times its size, unit dimensions aside, as they are
    never stepped over). Raises ValueError saying what is not static or not contiguous."""
    strides = t.get_strides()
    if strides is None or any(s is None for s in strides):
        raise ValueError(f"the strides of {t} are not static")
    shape = t.get_shape()
    if sorted(d for group in groups for d in group) != list(range(len(shape))):
        raise ValueError(f"reassociation {[list(g) for g in groups]} does not cover the {len(shape)} dimensions of {t}")
    collapsed = []
    for group in groups:
        inner = [d for d in group if shape[d] != 1]
        for outer, nxt in pairwise(inner):
            expected = strides[nxt] * shape[nxt]  # type: ignore[operator]
            if strides[outer] != expected:
                raise ValueError(f"dimensions {list(group)} of {t} are not contiguous (stride {strides[outer]}, not {expected})")
        collapsed.append(int(strides[group[-1]]))  # type: ignore[arg-type]
    return t.get_offset(), tuple(collapsed)
