"""The generated library: `<name>.c` (from the C printer) and `<name>.h` (written here).

The header is the contract users and tools rely on:

    int <name>_run(const int8_t *input, int8_t *output);   /* 0 on success */
    #define <NAME>_INPUT_SIZE, <NAME>_OUTPUT_SIZE, <NAME>_ARENA_SIZE       (bytes)
    #define <NAME>_INPUT_SCALE, <NAME>_INPUT_ZERO_POINT,
            <NAME>_OUTPUT_SCALE, <NAME>_OUTPUT_ZERO_POINT
    #define <NAME>_NUMERICS "tflm" or "onnx"   (whose arithmetic the library reproduces)

With several inputs or outputs the macros are numbered (<NAME>_INPUT0_SIZE, ...)
and the function takes them in order. Inputs and outputs are the quantised
tensors in the ONNX graph's layout; a model with a float interface documents
its QuantizeLinear / DequantizeLinear parameters in these macros.

The flash figure (`tinymlir-opt` prints it) needs the library's object size, but most of
`<name>.c` is weights, which a compiler only copies. So `write_library` also gives the
*code unit*: the same text with the large constant arrays declared `extern` instead of
defined, and their byte counts from the IR (`Library.extern_bytes`); compiling the code
unit and adding those bytes gives exactly the sizes of compiling `<name>.c`
(tinymlir.bench.cortex_m.library_flash_sizes). Why exactly: with -fdata-sections each
array is its own section of exactly its size, so only the code can differ, and only if
GCC folded reads of an array at constant indices (which a declaration prevents). That
needs every read of it at a constant index, which GCC's complete unrolling (at most 16
iterations and 200 instructions a loop at -Os) cannot give a kernel reading an array of
EXTERN_MIN_ELEMENTS or more; arrays read at a constant index in the IR, smaller arrays
(biases, multipliers, shifts, tables) and unreferenced ones (GCC drops those) stay defined.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from xdsl.dialects.builtin import (
    DenseIntOrFPElementsAttr,
    Float32Type,
    Float64Type,
    IntegerType,
    ModuleOp,
    StringAttr,
)
from xdsl.dialects.emitc import EmitC_ArrayType
from xdsl.ir import SSAValue

from tinymlir.backend.c_printer import GlobalSpan, insert_deferred_initializers, print_c
from tinymlir.dialects import mcuc
from tinymlir.dialects.qnn import Numerics, format_f32, numerics_of
from tinymlir.errors import TinymlirError
from tinymlir.ir_walk import walk_ops
from tinymlir.passes.convert_func_to_mcuc import ENTRY_SUFFIX, INTERFACE_ATTR


@dataclass
class Port:
    role: str
    name: str
    shape: tuple[int, ...]
    scale: float
    zero_point: int
    storage: str

    @property
    def size(self) -> int:
        return int(np.prod(self.shape))


@dataclass
class Library:
    name: str
    ports: list[Port]
    arena_size: int
    arena_lower_bound: int
    constant_bytes: int
    numerics: Numerics = Numerics.TFLM
    #: patch-schedule's one line: the banded stages, or why the plan is layer by layer
    patch_schedule: str = ""
    #: `<name>.c` with the large constant arrays `extern` (see the module docstring), and
    #: the bytes those arrays take by section kind ("rodata"); set by write_library.
    code_unit: str | None = None
    extern_bytes: dict[str, int] = field(default_factory=dict)

    @property
    def inputs(self) -> list[Port]:
        return [p for p in self.ports if p.role == "input"]

    @property
    def outputs(self) -> list[Port]:
        return [p for p in self.ports if p.role == "output"]


def entry_function(module: ModuleOp) -> mcuc.FuncOp:
    entries = [f for f in module.ops if isinstance(f, mcuc.FuncOp) and INTERFACE_ATTR in f.attributes]
    if len(entries) != 1:
        raise TinymlirError(
            "the module is not a lowered model (expected one entry function from the mcu "
            f"pipeline, found {len(entries)}); run --pipeline=mcu"
        )
    return entries[0]


def describe_library(module: ModuleOp) -> Library:
    entry = entry_function(module)
    ports = []
    for attrs in entry.attributes[INTERFACE_ATTR].data:  # type: ignore[union-attr]
        d = attrs.data
        ports.append(
            Port(
                d["tinymlir.role"].data,
                d["tinymlir.name"].data,
                tuple(d["tinymlir.shape"].get_values()),
                d["tinymlir.scale"].value.data,
                d["tinymlir.zero_point"].value.data,
                d["tinymlir.storage"].data,
            )
        )
    name = entry.sym_name.data.removesuffix(ENTRY_SUFFIX)
    size = entry.attributes.get("tinymlir.arena_size")
    bound = entry.attributes.get("tinymlir.arena_lower_bound")
    schedule = entry.attributes.get("tinymlir.patch_schedule")
    constants = 0
    for g in module.ops:
        if isinstance(g, mcuc.GlobalOp) and g.const_specifier is not None:
            t = g.type
            constants += int(np.prod(t.get_shape())) * t.element_type.bitwidth // 8  # type: ignore[union-attr]
    return Library(
        name, ports, size.value.data if size else 0,  # type: ignore[union-attr]
        bound.value.data if bound else 0, constants, numerics_of(module),  # type: ignore[union-attr]
        schedule.data if isinstance(schedule, StringAttr) else "",
    )


NUMERICS_COMMENTS = {
    Numerics.TFLM: "/* Numerics: TFLite Micro's integer kernels, bit for bit (tflm). */",
    Numerics.ONNX: "/* Numerics: onnxruntime's float32 DQ -> op -> Q arithmetic, bit for bit (onnx). */",
}


def header_text(library: Library, source: str = "") -> str:
    name, upper = library.name, library.name.upper()
    guard = f"{upper}_H"
    lines = [
        f"/* Generated by tinymlir{' from ' + source if source else ''}. Do not edit. */",
        f"#ifndef {guard}",
        f"#define {guard}",
        "",
        "#include <stdint.h>",
        "",
        "#ifdef __cplusplus",
        'extern "C" {',
        "#endif",
        "",
        "/* Sizes in bytes. The arena is static inside the library; it is reported for the",
        "   RAM budget (inputs and outputs are the caller's buffers). */",
    ]
    params: list[str] = []
    args = []
    for role, ports in (("INPUT", library.inputs), ("OUTPUT", library.outputs)):
        for i, port in enumerate(ports):
            tag = role if len(ports) == 1 else f"{role}{i}"
            ctype = "uint8_t" if port.storage == "uint8" else "int8_t"
            shape = ", ".join(map(str, port.shape))
            lines.append(f"#define {upper}_{tag}_SIZE {port.size} /* {ctype} [{shape}] '{port.name}' */")
            zp = port.zero_point
            params += [
                f"#define {upper}_{tag}_SCALE {format_f32(port.scale)}f",
                f"#define {upper}_{tag}_ZERO_POINT {zp if zp >= 0 else f'({zp})'}",
            ]
            const = "const " if role == "INPUT" else ""
            args.append(f"{const}{ctype} *{role.lower()}{'' if len(ports) == 1 else i}")
    lines.append(f"#define {upper}_ARENA_SIZE {library.arena_size}")
    lines += ["", "/* Quantisation: real = scale * (q - zero_point). */", *params, ""]
    lines += [NUMERICS_COMMENTS[library.numerics], f'#define {upper}_NUMERICS "{library.numerics}"', ""]
    lines += [
        "/* Runs one inference; returns 0 on success. Not reentrant (one static arena). */",
        f"int {name}_run({', '.join(args)});",
        "",
        "#ifdef __cplusplus",
        "}",
        "#endif",
        "",
        f"#endif /* {guard} */",
        "",
    ]
    return "\n".join(lines)


#: Arrays with at least this many elements are `extern` in the code unit.
EXTERN_MIN_ELEMENTS = 1024


def _c_sizeof(element) -> int | None:
    if isinstance(element, IntegerType):
        return max(1, element.width.data // 8)  # i1 is a 1-byte bool
    if isinstance(element, Float32Type | Float64Type):
        return element.bitwidth // 8
    return None


def _read_at_constant_index(value: SSAValue) -> bool:
    """Whether an array value (or a pointer cast from it) is subscripted at constant indices."""
    for use in value.uses:
        user = use.operation
        if isinstance(user, mcuc.CastOp) and _read_at_constant_index(user.dest):
            return True
        if (
            isinstance(user, mcuc.SubscriptOp)
            and user.value is value
            and all(isinstance(i.owner, mcuc.ConstantOp) for i in user.indices)
        ):
            return True
    return False


def extern_constants(module: ModuleOp) -> dict[str, int]:
    """The constant arrays the code unit declares `extern` -> their size in bytes."""
    referenced: set[str] = set()
    constant_reads: set[str] = set()
    for op in walk_ops(module):
        if isinstance(op, mcuc.GetGlobalOp):
            name = op.global_name.root_reference.data
            referenced.add(name)
            if _read_at_constant_index(op.result):
                constant_reads.add(name)
    sizes: dict[str, int] = {}
    for g in module.ops:
        if not (
            isinstance(g, mcuc.GlobalOp)
            and g.is_const
            and not g.is_extern
            and isinstance(g.initial_value, DenseIntOrFPElementsAttr)
            and isinstance(g.type, EmitC_ArrayType)
        ):
            continue
        name = g.sym_name.data
        if name not in referenced or name in constant_reads:
            continue
        count = int(np.prod(g.type.get_shape()))
        element = _c_sizeof(g.type.element_type)
        if element is not None and count >= EXTERN_MIN_ELEMENTS:
            sizes[name] = count * element
    return sizes


def code_unit_text(c_text: str, spans: dict[str, GlobalSpan], names) -> str:
    """`c_text` with the globals `names` declared `extern` (no storage class, no value)."""
    pieces, at = [], 0
    for span in sorted(spans[n] for n in names):
        declaration = c_text[span.start + span.storage : span.initializer]
        pieces += [c_text[at : span.start], "extern ", declaration]
        at = span.end
    pieces.append(c_text[at:])
    return "".join(pieces)


@dataclass
class RenderedLibrary:
    """A library's two files as text, not yet written (see render_library). The large
    constant arrays' initialisers are formatted when `c_text` is first asked for (by
    `write`), after the code unit is known: the driver starts its flash-size compile first."""

    library: Library
    c_path: Path
    h_path: Path
    printed: str
    h_text: str
    spans: dict[str, GlobalSpan] = field(default_factory=dict)
    deferred: dict = field(default_factory=dict)
    _c_text: str | None = field(default=None, init=False)

    @property
    def c_text(self) -> str:
        if self._c_text is None:
            self._c_text = insert_deferred_initializers(self.printed, self.spans, self.deferred)
        return self._c_text

    def write(self) -> tuple[Path, Path, Library]:
        out_dir = self.c_path.parent
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise TinymlirError(f"cannot create '{out_dir}': {exc.strerror}") from None
        try:
            self.h_path.write_text(self.h_text)
            self.c_path.write_text(self.c_text)
        except OSError as exc:
            raise TinymlirError(
                f"cannot write the library into '{self.c_path.parent}': {exc.strerror}"
            ) from None
        return self.c_path, self.h_path, self.library


def render_library(
    module: ModuleOp,
    out_dir: Path,
    source: str = "",
    file_stem: str | None = None,
    *,
    verify: bool = True,
) -> RenderedLibrary:
    """`<name>.c` and `<name>.h` for `out_dir` (or `<file_stem>.c/.h`) as text, with the
    library's summary and its code unit; nothing is written (not even `out_dir` created)
    until `.write()`, so that the driver can start the flash-size compile of the code unit
    and verify the module before writing."""
    library = describe_library(module)
    stem = file_stem or library.name
    header = out_dir / f"{stem}.h"
    source_file = out_dir / f"{stem}.c"
    first = module.body.block.first_op
    include = mcuc.IncludeOp(header.name)
    if first is None:
        module.body.block.add_op(include)
    else:
        module.body.block.insert_op_before(include, first)
    spans: dict[str, GlobalSpan] = {}
    deferred: dict = {}
    externs = extern_constants(module)
    try:
        printed = print_c(
            module, verify=verify, global_spans=spans, defer_initializers=frozenset(externs),
            deferred=deferred,
        )
    finally:
        include.detach()
        include.erase()
    library.code_unit = code_unit_text(printed, spans, externs)
    library.extern_bytes = {"rodata": sum(externs.values())}
    return RenderedLibrary(
        library, source_file, header, printed, header_text(library, source), spans, deferred
    )


def write_library(
    module: ModuleOp,
    out_dir: Path,
    source: str = "",
    file_stem: str | None = None,
    *,
    verify: bool = True,
) -> tuple[Path, Path, Library]:
    """Writes `<name>.c` and `<name>.h` into `out_dir` (or `<file_stem>.c/.h`); returns their
    paths and the library's summary, with the code unit for the flash figure. `verify`:
    verify the module first (the driver's pipeline already did)."""
    return render_library(module, out_dir, source, file_stem, verify=verify).write()
