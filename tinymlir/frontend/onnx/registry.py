"""The converter registry: ONNX op type -> the function that imports it.

Each module under `converters/` registers its ops with `@converter(...)` (and the pending
QDQ computations it builds with `@materializer(...)`); the package imports every module of
`converters/`, so adding an op is one new file and no table elsewhere. Everything that lists
the supported ops (the "unsupported op" error, `SUPPORTED_OPS`, tools, tests) reads
`supported_ops()`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import onnx

    from tinymlir.frontend.onnx.importer import OnnxImporter
    from tinymlir.frontend.onnx.values import Pending, Quant

ConvertFn = Callable[["OnnxImporter", "onnx.NodeProto"], None]
MaterializeFn = Callable[["OnnxImporter", "Pending", object, object, object], "Quant"]


@dataclass(frozen=True)
class Converter:
    """How one op type is imported, and what the importer checks before calling it."""

    op_type: str
    convert: ConvertFn
    min_inputs: int
    max_inputs: int | None  # None: no maximum
    max_outputs: int
    # Operand index of a quantised input -> operand indices of its (scale, zero point): how
    # an integer graph input finds its parameters from the op that consumes it.
    input_qparams: Callable[[int], tuple[int, int] | None]
    # Data movement: output 0 has input 0's quantisation parameters (the parameter search
    # looks through it).
    forwards_parameters: bool
    # An extra arity rule on the number of inputs: the error message, or None when fine.
    check_inputs: Callable[[int], str | None] | None


CONVERTERS: dict[str, Converter] = {}
MATERIALIZERS: dict[str, MaterializeFn] = {}


def _no_qparams(index: int) -> None:
    return None


def converter(
    *op_types: str,
    inputs: tuple[int, int | None],
    outputs: int = 1,
    input_qparams: Mapping[int, tuple[int, int]] | Callable[[int], tuple[int, int] | None] | None = None,
    forwards_parameters: bool = False,
    check_inputs: Callable[[int], str | None] | None = None,
) -> Callable[[ConvertFn], ConvertFn]:
    """Registers the decorated `convert(importer, node)` for `op_types`, taking between
    `inputs[0]` and `inputs[1]` inputs (None: no maximum) and at most `outputs` outputs (the
    ONNX checker does not look at com.microsoft nodes, so the importer checks arity itself)."""
    if not op_types:
        raise ValueError("@converter needs at least one op type")
    if isinstance(input_qparams, Mapping):
        positions = dict(input_qparams)
        find = positions.get
    else:
        find = input_qparams or _no_qparams

    def register(convert: ConvertFn) -> ConvertFn:
        for op_type in op_types:
            if op_type in CONVERTERS:
                raise ValueError(f"op '{op_type}' already has a converter ({CONVERTERS[op_type].convert.__module__})")
            CONVERTERS[op_type] = Converter(
                op_type, convert, inputs[0], inputs[1], outputs, find, forwards_parameters, check_inputs
            )
        return convert

    return register


def materializer(kind: str) -> Callable[[MaterializeFn], MaterializeFn]:
    """Registers `materialize(importer, pending, scale, zero_point, dtype)`, which emits the
    `qnn` op of a pending float computation of `kind` once its QuantizeLinear is known."""

    def register(materialize: MaterializeFn) -> MaterializeFn:
        if kind in MATERIALIZERS:
            raise ValueError(f"pending kind '{kind}' already has a materializer")
        MATERIALIZERS[kind] = materialize
        return materialize

    return register


def supported_ops() -> list[str]:
    """The op types the importer accepts, sorted."""
    return sorted(CONVERTERS)
