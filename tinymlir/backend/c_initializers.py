"""C initialiser lists of dense constant arrays (weights, biases, tables) for the C printer.

The values come from the attribute's raw bytes through numpy: 8/16-bit integers through a
lookup table of their decimal spellings, 32-bit integers through numpy's decimal
conversion, so a model's weights format at C speed (about 0.03 s per million int8
values). Nested braces follow the array's shape, as -Wmissing-braces wants.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import numpy as np
from xdsl.dialects.builtin import (
    DenseIntOrFPElementsAttr,
    Float32Type,
    Float64Type,
    IndexType,
    IntegerType,
    Signedness,
)

ELEMENTS_PER_LINE = 16
LINE_WIDTH = 100

_NUMPY_INTS = {
    (8, False): np.int8,
    (8, True): np.uint8,
    (16, False): np.int16,
    (16, True): np.uint16,
    (32, False): np.int32,
    (32, True): np.uint32,
    (64, False): np.int64,
    (64, True): np.uint64,
}


@cache
def _small_int_table(width: int, unsigned: bool) -> np.ndarray:
    lo = 0 if unsigned else -(1 << (width - 1))
    return np.array([str(v) for v in range(lo, lo + (1 << width))], dtype=object)


def _int32_strings(array: np.ndarray, unsigned: bool) -> list[str]:
    """The spellings `int_literal` gives 32-bit values (`42u`; INT32_MIN has no literal)."""
    if unsigned:
        return np.char.add(array.astype(np.str_), "u").tolist()
    texts = array.astype(np.str_).tolist()
    for i in np.flatnonzero(array == np.iinfo(np.int32).min).tolist():
        texts[i] = "(-2147483647 - 1)"
    return texts


def _element_strings(attr: DenseIntOrFPElementsAttr, count: int) -> list[str]:
    from tinymlir.backend.c_printer import float_literal, int_literal

    t = attr.get_element_type()
    data = attr.data.data
    if isinstance(t, IntegerType | IndexType):
        if isinstance(t, IntegerType) and t.width.data == 1:
            values = ["true" if v else "false" for v in attr.get_values()]
            return values * count if len(values) == 1 else values
        if isinstance(t, IndexType):  # printed as int32_t; xDSL stores index as 64-bit
            width, unsigned, array = 32, False, np.frombuffer(data, np.int64)
        else:
            width, unsigned = t.width.data, t.signedness.data == Signedness.UNSIGNED
            array = np.frombuffer(data, _NUMPY_INTS[(width, unsigned)])
        if array.size == 1 and count != 1:
            array = np.broadcast_to(array, (count,))
        if width <= 16 and not isinstance(t, IndexType):
            lo = 0 if unsigned else -(1 << (width - 1))
            table = _small_int_table(width, unsigned)
            return table[array.astype(np.int64) - lo].tolist()
        if width == 32 and not isinstance(t, IndexType):
            return _int32_strings(array, unsigned)
        return [int_literal(v, t).text for v in array.tolist()]
    assert isinstance(t, Float32Type | Float64Type)
    array = np.frombuffer(data, np.float32 if isinstance(t, Float32Type) else np.float64)
    if array.size == 1 and count != 1:
        array = np.broadcast_to(array, (count,))
    return [float_literal(v, t).text for v in array.tolist()]


def _leaf_block(items: Sequence[str]) -> str:
    """Braces around scalars: one line if short, else 16 per line."""
    if len(items) <= ELEMENTS_PER_LINE:
        line = "{" + ", ".join(items) + "}"
        if len(line) <= LINE_WIDTH:
            return line
    lines = [
        ", ".join(items[i : i + ELEMENTS_PER_LINE]) for i in range(0, len(items), ELEMENTS_PER_LINE)
    ]
    return "{\n    " + ",\n    ".join(lines) + "\n}"


def _group_block(children: Sequence[str]) -> str:
    """Braces around sub-aggregates: packed onto lines when they are one-liners."""
    if any("\n" in c for c in children):
        return "{\n    " + ",\n    ".join(c.replace("\n", "\n    ") for c in children) + "\n}"
    one_line = "{" + ", ".join(children) + "}"
    if len(one_line) <= LINE_WIDTH:
        return one_line
    lines: list[str] = []
    current: list[str] = []
    width = 0
    for child in children:
        if current and width + 2 + len(child) > LINE_WIDTH - 4:
            lines.append(", ".join(current))
            current, width = [], 0
        width += len(child) + (2 if current else 0)
        current.append(child)
    lines.append(", ".join(current))
    return "{\n    " + ",\n    ".join(lines) + "\n}"


def format_initializer(attr: DenseIntOrFPElementsAttr, shape: Sequence[int]) -> str:
    """A C initialiser list of `attr` for an array of `shape`, nested like the array."""
    count = 1
    for d in shape:
        count *= d
    items = _element_strings(attr, count)
    last = shape[-1]
    blocks = [_leaf_block(items[i : i + last]) for i in range(0, count, last)]
    for d in reversed(shape[:-1]):
        blocks = [_group_block(blocks[i : i + d]) for i in range(0, len(blocks), d)]
    return blocks[0]
