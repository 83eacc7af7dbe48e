"""The `mcuc` dialect: the embedded C99 that tinymlir prints (`-t c`).

Modelled on upstream MLIR's `emitc` (same op names and semantics where they
overlap), restricted to what a C99 inference library for a Cortex-M needs.
Every op is one C construct; `tinymlir.backend.c_printer` prints a module of
mcuc ops as a C99 translation unit.

Types are xDSL's `emitc` types plus builtin scalars, with one addition:

  builtin        C99                      builtin   C99
  i1             bool (<stdbool.h>)       f32       float
  i8/si8, ui8    int8_t, uint8_t          f64       double
  i16 ... i64    int16_t ... int64_t      index     int32_t (see below)
  ui16 ... ui64  uint16_t ... uint64_t    !emitc.size_t / !emitc.ptrdiff_t

  !emitc.array<4x8xi8>          int8_t x[4][8]
  !emitc.ptr<i8>                int8_t *x
  !emitc.ptr<!mcuc.const<i8>>   const int8_t *x   (read-only pointee)
  !emitc.opaque<"T">            T, printed verbatim
  !emitc.lvalue<T>              an assignable C object of type T (variables,
                                subscripts, scalar globals); read with mcuc.load

`index` is `int32_t`: the loops produced from memref/scf compare indices with
signed predicates (padding bounds may go negative), and a Cortex-M has a 32-bit
address space. Index constants must therefore fit in int32_t.

Ops (custom syntax; `mcuc.yield` is implicit in region bodies):

  module level    mcuc.include <"stdint.h"> | mcuc.include "model.h"
                  mcuc.verbatim "text"           mcuc.comment "text"
                  mcuc.global [extern] [static] [const] @w : T [= dense<...> | = 42]
                      [{alignment = 16, section = ".rodata.w", comment = "..."}]
                  mcuc.func [static] @f(%a: T, ...) -> R [attributes {comment = ".."}] {..}
                  mcuc.func @g(T, ...) -> R                            (a prototype)
  statements      mcuc.return [%v : T]        mcuc.assign %v to %lv : !emitc.lvalue<T>
                  mcuc.for %i = %lb to %ub step %s [: T] {...}
                  mcuc.if %c {...} [else {...}]                 mcuc.yield
                  %v = mcuc.variable [init %x] : !emitc.lvalue<T> | !emitc.array<..>
  expressions     mcuc.call @f(..) : (..) -> (..)       mcuc.call_opaque "memset"(..) : ..
                  mcuc.load %lv : !emitc.lvalue<T>      mcuc.get_global @w : T
                  mcuc.subscript %a[%i, %j] : (A, I, I) -> !emitc.lvalue<T>
                  mcuc.literal "INT8_MIN" : T           mcuc.constant 42 : T
                  mcuc.add/sub/mul/div/rem, bitwise_and/or/xor, shl/shr %a, %b : (T, T) -> T
                  mcuc.cmp lt|le|gt|ge|eq|ne, %a, %b : (T, T) -> i1
                  mcuc.logical_and/or %a, %b : T, T     mcuc.logical_not %a : T
                  mcuc.unary_minus/bitwise_not %a : (T) -> T
                  mcuc.conditional %c, %a, %b : T       mcuc.cast %x : T to U
  DSP (i32)       mcuc.smlad %a, %b, %acc               mcuc.sxtb16 %x [ror 8]
                  mcuc.sxtab16 %a, %x [ror 8]             mcuc.smmulr %a, %b
                  mcuc.ssat %x, 8                       (SSAT: saturate to int8)
                  mcuc.load_s8x4 %lv : !emitc.lvalue<i8>   (at the loop level also
                  mcuc.load_s8x4 %m[%i, ..] : memref<..xi8>)
                  %w0, .., %w3 = mcuc.load_words %lv : !emitc.lvalue<i32> -> i32, ..  (LDMIA of 4
                  words; at the loop level also on a memref<..xi32>); printed as calls of static
                  inline helpers (DSP_HELPERS): SMLAD / SXTB16 / an unaligned LDR / LDMIA where
                  __ARM_FEATURE_DSP is defined (SSAT: ACLE's __ssat where
                  __ARM_FEATURE_SAT is), bit-identical portable C elsewhere

Arithmetic has C semantics, as in emitc: the operands of `mcuc.add` etc. are
promoted as in C and the result is converted to the result type; signed
overflow is undefined, `>>` of a negative value is arithmetic on every
compiler tinymlir targets (implementation-defined in C99). Unlike emitc, the
operand and result types of arithmetic must agree (cast explicitly), except
for pointer arithmetic.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import auto
from typing import ClassVar

from xdsl.dialects.builtin import (
    I64,
    ArrayAttr,
    DenseIntOrFPElementsAttr,
    DictionaryAttr,
    Float32Type,
    Float64Type,
    FloatAttr,
    FunctionType,
    IndexType,
    IntegerAttr,
    IntegerType,
    MemRefType,
    ModuleOp,
    Signedness,
    StringAttr,
    SymbolNameConstraint,
    SymbolRefAttr,
    TensorType,
    UnitAttr,
    i1,
    i32,
    i64,
)
from xdsl.dialects.emitc import (
    EmitC_ArrayType,
    EmitC_LValueType,
    EmitC_OpaqueAttr,
    EmitC_OpaqueType,
    EmitC_PointerType,
    EmitC_PtrDiffT,
    EmitC_SizeT,
)
from xdsl.dialects.utils import parse_func_op_like, print_func_op_like
from xdsl.dialects.utils.enum_attribute import EnumAttribute
from xdsl.ir import (
    Attribute,
    Block,
    Dialect,
    Operation,
    ParametrizedAttribute,
    Region,
    SpacedOpaqueSyntaxAttribute,
    SSAValue,
    TypeAttribute,
)
from xdsl.irdl import (
    AnyAttr,
    IRDLOperation,
    ParamAttrConstraint,
    VarConstraint,
    irdl_attr_definition,
    irdl_op_definition,
    lazy_traits_def,
    operand_def,
    opt_operand_def,
    opt_prop_def,
    prop_def,
    region_def,
    result_def,
    traits_def,
    var_operand_def,
    var_result_def,
)
from xdsl.parser import Parser
from xdsl.printer import Printer
from xdsl.traits import (
    HasParent,
    IsolatedFromAbove,
    IsTerminator,
    MemoryReadEffect,
    NoMemoryEffect,
    OpTrait,
    Pure,
    SymbolOpInterface,
    SymbolTable,
)
from xdsl.utils.exceptions import VerifyException
from xdsl.utils.str_enum import StrEnum

# --------------------------------------------------------------------------- #
# C identifiers
# --------------------------------------------------------------------------- #

C_KEYWORDS: frozenset[str] = frozenset(
    """auto break case char const continue default do double else enum extern float for
    goto if inline int long register restrict return short signed sizeof static struct
    switch typedef union unsigned void volatile while _Bool _Complex _Imaginary _Alignas
    _Alignof _Atomic _Generic _Noreturn _Static_assert _Thread_local""".split()
)
"""C99 keywords, plus C11's (so that the output also compiles as C11)."""

C_RESERVED_NAMES: frozenset[str] = C_KEYWORDS | frozenset(
    """bool true false NULL int8_t int16_t int32_t int64_t uint8_t uint16_t uint32_t
    uint64_t intptr_t uintptr_t intmax_t uintmax_t size_t ptrdiff_t wchar_t
    offsetof errno assert""".split()
)
"""Keywords and the standard-library names the generated C relies on."""

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_RESERVED_PATTERN = re.compile(r"(__|_[A-Z]|TINYMLIR_|U?INT\d*_|SIZE_|PTRDIFF_)")


def is_c_identifier(name: str) -> bool:
    """A valid C identifier that is not a keyword, nor reserved for the
    implementation (`__x`, `_X`), nor in tinymlir's macro namespace."""
    return (
        bool(_IDENTIFIER.match(name))
        and name not in C_RESERVED_NAMES
        and not _RESERVED_PATTERN.match(name)
    )


# --------------------------------------------------------------------------- #
# Types
# --------------------------------------------------------------------------- #


@irdl_attr_definition
class ConstType(ParametrizedAttribute, TypeAttribute):
    """A const-qualified pointee: `!emitc.ptr<!mcuc.const<i8>>` is `const int8_t *`.

    Only valid as the pointee of an `!emitc.ptr`. Subscripting such a pointer
    yields an lvalue that may be read but not assigned."""

    name = "mcuc.const"
    element_type: TypeAttribute

    def __init__(self, element_type: TypeAttribute):
        super().__init__(element_type)

    def verify(self) -> None:
        t = self.element_type
        if isinstance(t, ConstType | EmitC_LValueType | EmitC_ArrayType):
            raise VerifyException(f"!mcuc.const cannot wrap {t}")


INTEGER_WIDTHS: tuple[int, ...] = (8, 16, 32, 64)


def is_bool(t: Attribute) -> bool:
    return isinstance(t, IntegerType) and t.width.data == 1


def is_integer(t: Attribute) -> bool:
    """An integer type printed as a C integer (not bool): iN/siN/uiN, index, size_t,
    ptrdiff_t."""
    if isinstance(t, IntegerType):
        return t.width.data in INTEGER_WIDTHS
    return isinstance(t, IndexType | EmitC_SizeT | EmitC_PtrDiffT)


def is_float(t: Attribute) -> bool:
    return isinstance(t, Float32Type | Float64Type)


def is_arithmetic(t: Attribute) -> bool:
    return is_integer(t) or is_float(t)


def is_pointer(t: Attribute) -> bool:
    return isinstance(t, EmitC_PointerType)


def is_opaque(t: Attribute) -> bool:
    return isinstance(t, EmitC_OpaqueType)


def is_scalar(t: Attribute) -> bool:
    """A type a C expression can have: bool, integers, floats, pointers, opaque."""
    if isinstance(t, EmitC_PointerType):
        return _is_pointee(t.pointee_type)
    return is_bool(t) or is_arithmetic(t) or is_opaque(t)


def _is_pointee(t: Attribute) -> bool:
    if isinstance(t, ConstType):
        t = t.element_type
    return is_scalar(t)


def is_array(t: Attribute) -> bool:
    """A C array of scalars with positive dimensions (C has no zero-length arrays)."""
    return (
        isinstance(t, EmitC_ArrayType)
        and is_scalar(t.element_type)
        and all(d > 0 for d in t.get_shape())
    )


def is_value_type(t: Attribute) -> bool:
    """A type an SSA value may have outside lvalues: scalars and arrays."""
    return is_scalar(t) or is_array(t)


def strip_const(t: Attribute) -> Attribute:
    return t.element_type if isinstance(t, ConstType) else t


def is_narrow_integer(t: Attribute) -> bool:
    """Integers that C promotes to int in arithmetic (i8, ui8, i16, ui16)."""
    return isinstance(t, IntegerType) and t.width.data in (8, 16)


def integer_range(t: Attribute) -> tuple[int, int]:
    """The representable range of an integer type as it is printed (index: int32_t)."""
    if isinstance(t, IndexType):
        return -(1 << 31), (1 << 31) - 1
    assert isinstance(t, IntegerType)
    width = t.width.data
    if width == 1:
        return 0, 1
    if t.signedness.data == Signedness.UNSIGNED:
        return 0, (1 << width) - 1
    return -(1 << (width - 1)), (1 << (width - 1)) - 1


def _verify_value_type(op: Operation, what: str, t: Attribute) -> None:
    if not is_value_type(t):
        raise VerifyException(f"{op.name}: {what} has type {t}, which has no C99 equivalent")


def _verify_scalar(op: Operation, what: str, t: Attribute) -> None:
    if not is_scalar(t):
        raise VerifyException(f"{op.name}: {what} must be a scalar C type, got {t}")


# --------------------------------------------------------------------------- #
# Traits
# --------------------------------------------------------------------------- #


class InFunction(OpTrait):
    """Statements and expressions live in the body of a function: an `mcuc.func`, or a
    `func.func` still being converted to one (the printer accepts only mcuc)."""

    def verify(self, op: Operation) -> None:
        parent = op.parent_op()
        if parent is None:
            return  # detached: checked once inserted
        while parent is not None:
            if isinstance(parent, FuncOp) or parent.name == "func.func":
                return
            parent = parent.parent_op()
        raise VerifyException(f"'{op.name}' must be inside an 'mcuc.func'")


class CExpression(OpTrait):
    """The op is one C operator, cast, load or call: it may sit in an `mcuc.expression`,
    whose value is printed as one C expression."""


def _lookup(op: Operation, symbol: SymbolRefAttr) -> Operation | None:
    try:
        return SymbolTable.lookup_symbol(op, symbol)
    except ValueError:  # no enclosing symbol table (detached op)
        return None


# --------------------------------------------------------------------------- #
# Module-level operations
# --------------------------------------------------------------------------- #

_INCLUDE_FORBIDDEN = re.compile(r'["<>\n\r\\]')


@irdl_op_definition
class IncludeOp(IRDLOperation):
    """`#include`: `mcuc.include <"stdint.h">` (system) or `mcuc.include "model.h"`."""

    name = "mcuc.include"
    include = prop_def(StringAttr)
    is_standard_include = opt_prop_def(UnitAttr)
    traits = traits_def(HasParent(ModuleOp))

    def __init__(self, include: str, is_standard: bool = False):
        super().__init__(
            properties={
                "include": StringAttr(include),
                "is_standard_include": UnitAttr() if is_standard else None,
            }
        )

    @property
    def is_standard(self) -> bool:
        return self.is_standard_include is not None

    @classmethod
    def parse(cls, parser: Parser) -> IncludeOp:
        standard = parser.parse_optional_punctuation("<") is not None
        include = parser.parse_str_literal()
        if standard:
            parser.parse_punctuation(">")
        op = cls(include, standard)
        op.attributes |= parser.parse_optional_attr_dict()
        return op

    def print(self, printer: Printer) -> None:
        printer.print_string(" ")
        if self.is_standard:
            printer.print_string("<")
        printer.print_string_literal(self.include.data)
        if self.is_standard:
            printer.print_string(">")
        printer.print_op_attributes(self.attributes)

    def verify_(self) -> None:
        path = self.include.data
        if not path or _INCLUDE_FORBIDDEN.search(path):
            raise VerifyException(
                f"mcuc.include: '{path}' is not a valid header name (non-empty, without "
                "quotes, angle brackets, backslashes or newlines)"
            )


@irdl_op_definition
class VerbatimOp(IRDLOperation):
    """Text printed as is on its own line(s): the escape hatch (pragmas, macros)."""

    name = "mcuc.verbatim"
    value = prop_def(StringAttr)
    assembly_format = "$value attr-dict"

    def __init__(self, value: str):
        super().__init__(properties={"value": StringAttr(value)})

    def verify_(self) -> None:
        if not self.value.data:
            raise VerifyException("mcuc.verbatim: text must not be empty")
        parent = self.parent_op()
        if parent is not None and not isinstance(parent, ModuleOp | FuncOp | ForOp | IfOp):
            raise VerifyException(
                "mcuc.verbatim: must be at module level or in an mcuc.func, mcuc.for or mcuc.if"
            )


@irdl_op_definition
class CommentOp(IRDLOperation):
    """A `/* ... */` comment line, e.g. per-layer shapes and MACs."""

    name = "mcuc.comment"
    text = prop_def(StringAttr)
    assembly_format = "$text attr-dict"

    def __init__(self, text: str):
        super().__init__(properties={"text": StringAttr(text)})

    def verify_(self) -> None:
        _verify_comment_text(self, self.text.data)
        parent = self.parent_op()
        if parent is not None and not (
            isinstance(parent, ModuleOp | FuncOp | ForOp | IfOp) or parent.name == "func.func"
        ):
            raise VerifyException(
                "mcuc.comment: must be at module level or in an mcuc.func, mcuc.for or mcuc.if"
            )


def _verify_comment_text(op: Operation, text: str) -> None:
    if "*/" in text:
        raise VerifyException(f"{op.name}: comment text must not contain '*/'")


def _verify_symbol_name(op: Operation, name: str) -> None:
    if not is_c_identifier(name):
        raise VerifyException(
            f"{op.name}: symbol '@{name}' is not a usable C identifier (letters, digits and "
            "'_', not a keyword, not reserved)"
        )


_SECTION_NAME = re.compile(r"[A-Za-z0-9_.$,]+\Z")


@irdl_op_definition
class GlobalOp(IRDLOperation):
    """A file-scope variable, typically a weight array.

        mcuc.global static const @w : !emitc.array<2x3xi8> = dense<[[1, 2, 3], [4, 5, 6]]>
            {alignment = 16 : i64, section = ".rodata.weights", comment = "conv1 weights"}

    `alignment` and `section` print through the TINYMLIR_ALIGN / TINYMLIR_SECTION
    macros (GCC/Clang attributes, empty elsewhere); `comment` prints above it."""

    name = "mcuc.global"
    sym_name = prop_def(SymbolNameConstraint())
    type = prop_def(TypeAttribute)
    initial_value = opt_prop_def(AnyAttr())
    extern_specifier = opt_prop_def(UnitAttr)
    static_specifier = opt_prop_def(UnitAttr)
    const_specifier = opt_prop_def(UnitAttr)
    alignment = opt_prop_def(IntegerAttr[I64])
    section = opt_prop_def(StringAttr)
    comment = opt_prop_def(StringAttr)

    traits = traits_def(HasParent(ModuleOp), SymbolOpInterface())

    EXTRA_PROPS: ClassVar[tuple[str, ...]] = ("alignment", "section", "comment")

    def __init__(
        self,
        sym_name: str,
        type: Attribute,
        initial_value: Attribute | None = None,
        *,
        is_const: bool = False,
        is_static: bool = False,
        is_extern: bool = False,
        alignment: int | None = None,
        section: str | None = None,
        comment: str | None = None,
    ):
        unit = UnitAttr()
        super().__init__(
            properties={
                "sym_name": StringAttr(sym_name),
                "type": type,
                "initial_value": initial_value,
                "extern_specifier": unit if is_extern else None,
                "static_specifier": unit if is_static else None,
                "const_specifier": unit if is_const else None,
                "alignment": None if alignment is None else IntegerAttr(alignment, i64),
                "section": None if section is None else StringAttr(section),
                "comment": None if comment is None else StringAttr(comment),
            }
        )

    @property
    def is_const(self) -> bool:
        return self.const_specifier is not None

    @property
    def is_static(self) -> bool:
        return self.static_specifier is not None

    @property
    def is_extern(self) -> bool:
        return self.extern_specifier is not None

    @classmethod
    def parse(cls, parser: Parser) -> GlobalOp:
        flags = {}
        for keyword in ("extern", "static", "const"):
            flags[keyword] = parser.parse_optional_keyword(keyword) is not None
        name = parser.parse_symbol_name().data
        parser.parse_punctuation(":")
        type = parser.parse_type()
        initial_value: Attribute | None = None
        if parser.parse_optional_punctuation("=") is not None:
            initial_value = _parse_initial_value(parser, type)
        attrs = parser.parse_optional_attr_dict()
        extra = {k: attrs.pop(k) for k in cls.EXTRA_PROPS if k in attrs}
        op = cls(
            name,
            type,
            initial_value,
            is_const=flags["const"],
            is_static=flags["static"],
            is_extern=flags["extern"],
        )
        op.properties.update(extra)
        op.attributes |= attrs
        return op

    def print(self, printer: Printer) -> None:
        for keyword, flag in (
            ("extern", self.is_extern),
            ("static", self.is_static),
            ("const", self.is_const),
        ):
            if flag:
                printer.print_string(f" {keyword}")
        printer.print_string(" ")
        printer.print_symbol_name(self.sym_name.data)
        printer.print_string(" : ")
        printer.print_attribute(self.type)
        if self.initial_value is not None:
            printer.print_string(" = ")
            _print_initial_value(printer, self.initial_value, self.type)
        attrs: dict[str, Attribute] = {
            k: v for k in self.EXTRA_PROPS if (v := self.properties.get(k)) is not None
        }
        printer.print_op_attributes(attrs | self.attributes)

    def verify_(self) -> None:
        _verify_symbol_name(self, self.sym_name.data)
        t = self.type
        _verify_value_type(self, "the global", t)
        if self.is_extern and self.is_static:
            raise VerifyException("mcuc.global: cannot be both extern and static")
        if self.is_extern and self.initial_value is not None:
            raise VerifyException("mcuc.global: an extern global cannot have an initial value")
        if self.is_const and not self.is_extern and self.initial_value is None:
            raise VerifyException("mcuc.global: a const global needs an initial value")
        if self.initial_value is not None:
            _verify_initial_value(self, self.initial_value, t)
        if self.alignment is not None:
            a = self.alignment.value.data
            if a <= 0 or a & (a - 1):
                raise VerifyException(f"mcuc.global: alignment must be a power of two, got {a}")
        if self.section is not None and not _SECTION_NAME.match(self.section.data):
            raise VerifyException(
                f"mcuc.global: section '{self.section.data}' must be non-empty and use only "
                "letters, digits and '_.$,'"
            )
        if self.comment is not None:
            _verify_comment_text(self, self.comment.data)


def _parse_initial_value(parser: Parser, type: Attribute) -> Attribute:
    if parser.parse_optional_keyword("dense") is not None:
        if not isinstance(type, EmitC_ArrayType):
            parser.raise_error("dense<...> initial values need an !emitc.array type")
        return parser.parse_dense_int_or_fp_elements_attr(
            TensorType(type.element_type, type.get_shape())
        )
    if (value := parser.parse_optional_number()) is not None:
        if isinstance(value, float):
            if not isinstance(type, Float32Type | Float64Type):
                parser.raise_error(f"float initial value for a global of type {type}")
            return FloatAttr(value, type)
        if not isinstance(type, IntegerType | IndexType):
            parser.raise_error(f"integer initial value for a global of type {type}")
        return IntegerAttr(value, type)
    return parser.parse_attribute()


def _print_initial_value(printer: Printer, value: Attribute, type: Attribute) -> None:
    if (
        isinstance(value, DenseIntOrFPElementsAttr)
        and isinstance(type, EmitC_ArrayType)
        and value.get_element_type() == type.element_type
        and value.get_shape() == type.get_shape()
    ):
        value.print_without_type(printer)
    elif isinstance(value, IntegerAttr) and value.type == type:
        printer.print_int(value.value.data, value.type)
    elif isinstance(value, FloatAttr) and value.type == type:
        printer.print_float(value.value.data, value.type)
    else:
        printer.print_attribute(value)


def _verify_initial_value(op: Operation, value: Attribute, t: Attribute) -> None:
    if isinstance(value, EmitC_OpaqueAttr):
        if not value.value.data:
            raise VerifyException(f"{op.name}: opaque initial value must not be empty")
        return
    if isinstance(t, EmitC_ArrayType):
        if not isinstance(value, DenseIntOrFPElementsAttr):
            raise VerifyException(
                f"{op.name}: an array is initialised with dense<...>, got {value}"
            )
        if value.get_element_type() != t.element_type:
            raise VerifyException(
                f"{op.name}: initial value element type {value.get_element_type()} does not "
                f"match the array element type {t.element_type}"
            )
        if tuple(value.get_shape()) != t.get_shape():
            raise VerifyException(
                f"{op.name}: initial value shape {list(value.get_shape())} does not match "
                f"the array shape {list(t.get_shape())}"
            )
        if len(value.data.data) != value.get_element_type().compile_time_size * _prod(
            t.get_shape()
        ):
            raise VerifyException(f"{op.name}: initial value holds the wrong number of bytes")
        if is_float(t.element_type):
            import numpy as np

            dtype = np.float32 if isinstance(t.element_type, Float32Type) else np.float64
            if not np.isfinite(np.frombuffer(value.data.data, dtype)).all():
                raise VerifyException(f"{op.name}: initial values must be finite")
        return
    if isinstance(value, IntegerAttr) and value.type == t:
        return
    if isinstance(value, FloatAttr) and value.type == t:
        _verify_finite(op, value.value.data)
        return
    raise VerifyException(f"{op.name}: initial value {value} does not match the type {t}")


def _verify_finite(op: Operation, value: float) -> None:
    if value != value or value in (float("inf"), float("-inf")):
        raise VerifyException(f"{op.name}: float values must be finite, got {value}")


def _prod(shape: Sequence[int]) -> int:
    n = 1
    for d in shape:
        n *= d
    return n


@irdl_op_definition
class FuncOp(IRDLOperation):
    """A C function: `mcuc.func static @f(%a: i32) -> i32 attributes {comment = "..."} {...}`.

    Without a body it is a prototype (an external or forward declaration). The
    body is one block ending in `mcuc.return`; at most one result, never an array."""

    name = "mcuc.func"
    body = region_def()
    sym_name = prop_def(SymbolNameConstraint())
    function_type = prop_def(FunctionType)
    static_specifier = opt_prop_def(UnitAttr)
    comment = opt_prop_def(StringAttr)
    arg_attrs = opt_prop_def(ArrayAttr[DictionaryAttr])
    res_attrs = opt_prop_def(ArrayAttr[DictionaryAttr])

    traits = traits_def(HasParent(ModuleOp), IsolatedFromAbove(), SymbolOpInterface())

    RESERVED: ClassVar[tuple[str, ...]] = (
        "sym_name",
        "function_type",
        "static_specifier",
        "arg_attrs",
        "res_attrs",
    )

    def __init__(
        self,
        name: str,
        function_type: FunctionType | tuple[Sequence[Attribute], Sequence[Attribute]],
        region: Region | None = None,
        *,
        is_static: bool = False,
        comment: str | None = None,
    ):
        if isinstance(function_type, tuple):
            function_type = FunctionType.from_lists(*function_type)
        if region is None:
            region = Region(Block(arg_types=function_type.inputs))
        super().__init__(
            properties={
                "sym_name": StringAttr(name),
                "function_type": function_type,
                "static_specifier": UnitAttr() if is_static else None,
                "comment": None if comment is None else StringAttr(comment),
            },
            regions=[region],
        )

    @staticmethod
    def declaration(name: str, inputs: Sequence[Attribute], outputs: Sequence[Attribute]) -> FuncOp:
        return FuncOp(name, (inputs, outputs), Region())

    @property
    def is_static(self) -> bool:
        return self.static_specifier is not None

    @property
    def is_declaration(self) -> bool:
        return not self.body.blocks

    @classmethod
    def parse(cls, parser: Parser) -> FuncOp:
        is_static = parser.parse_optional_keyword("static") is not None
        name, inputs, outputs, region, extra, arg_attrs, res_attrs = parse_func_op_like(
            parser, reserved_attr_names=cls.RESERVED
        )
        attrs = dict(extra.data) if extra is not None else {}
        comment = attrs.pop("comment", None)
        op = cls(name, (inputs, outputs), region, is_static=is_static)
        if comment is not None:
            op.properties["comment"] = comment
        if arg_attrs is not None:
            op.properties["arg_attrs"] = arg_attrs
        if res_attrs is not None:
            op.properties["res_attrs"] = res_attrs
        op.attributes |= attrs
        return op

    def print(self, printer: Printer) -> None:
        if self.is_static:
            printer.print_string(" static")
        attrs = dict(self.attributes)
        if self.comment is not None:
            attrs = {"comment": self.comment} | attrs
        print_func_op_like(
            printer,
            self.sym_name,
            self.function_type,
            self.body,
            attrs,
            arg_attrs=self.arg_attrs,
            res_attrs=self.res_attrs,
            reserved_attr_names=self.RESERVED,
        )

    def verify_(self) -> None:
        _verify_symbol_name(self, self.sym_name.data)
        inputs, outputs = self.function_type.inputs.data, self.function_type.outputs.data
        for i, t in enumerate(inputs):
            _verify_value_type(self, f"argument {i}", t)
        if len(outputs) > 1:
            raise VerifyException("mcuc.func: a C function has at most one result")
        if outputs:
            _verify_scalar(self, "the result", outputs[0])
        if self.comment is not None:
            _verify_comment_text(self, self.comment.data)
        if self.is_declaration:
            return
        if len(self.body.blocks) != 1:
            raise VerifyException("mcuc.func: the body must be a single block")
        block = self.body.block
        if tuple(block.arg_types) != inputs:
            raise VerifyException(
                "mcuc.func: entry block argument types do not match the function type"
            )
        if not isinstance(block.last_op, ReturnOp):
            raise VerifyException("mcuc.func: the body must end with mcuc.return")


@irdl_op_definition
class ReturnOp(IRDLOperation):
    """`return;` or `return value;`."""

    name = "mcuc.return"
    value = opt_operand_def()
    assembly_format = "attr-dict ($value^ `:` type($value))?"
    traits = traits_def(HasParent(FuncOp), IsTerminator())

    def __init__(self, value: SSAValue | Operation | None = None):
        super().__init__(operands=[[] if value is None else [value]])

    def verify_(self) -> None:
        func = self.parent_op()
        if not isinstance(func, FuncOp):
            return
        expected = func.function_type.outputs.data
        got = () if self.value is None else (self.value.type,)
        if expected != got:
            raise VerifyException(
                f"mcuc.return: returns ({', '.join(map(str, got))}) but the function "
                f"returns ({', '.join(map(str, expected))})"
            )


@irdl_op_definition
class CallOp(IRDLOperation):
    """A call of an `mcuc.func` of this module: `%r = mcuc.call @f(%a) : (i32) -> i32`."""

    name = "mcuc.call"
    callee = prop_def(SymbolRefAttr)
    args = var_operand_def()
    res = var_result_def()
    assembly_format = "$callee `(` $args `)` attr-dict `:` functional-type($args, $res)"
    traits = traits_def(InFunction(), CExpression())

    def __init__(
        self,
        callee: str | SymbolRefAttr,
        args: Sequence[SSAValue | Operation],
        result_types: Sequence[Attribute] = (),
    ):
        if isinstance(callee, str):
            callee = SymbolRefAttr(callee)
        super().__init__(
            operands=[args], result_types=[result_types], properties={"callee": callee}
        )

    def verify_(self) -> None:
        if self.callee.nested_references.data:
            raise VerifyException("mcuc.call: callee must be a flat symbol reference")
        if self.parent_op() is None:
            return
        func = _lookup(self, self.callee)
        if not isinstance(func, FuncOp):
            raise VerifyException(
                f"mcuc.call: '@{self.callee.root_reference.data}' is not an mcuc.func of "
                "this module"
            )
        ftype = func.function_type
        if tuple(self.args.types) != ftype.inputs.data or tuple(self.res.types) != (
            ftype.outputs.data
        ):
            raise VerifyException(
                f"mcuc.call: call type ({', '.join(map(str, self.args.types))}) -> "
                f"({', '.join(map(str, self.res.types))}) does not match the callee type "
                f"{ftype}"
            )


@irdl_op_definition
class CallOpaqueOp(IRDLOperation):
    """A call of an external C function by name: `mcuc.call_opaque "memset"(...)`."""

    name = "mcuc.call_opaque"
    callee = prop_def(StringAttr)
    args = var_operand_def()
    res = var_result_def()
    assembly_format = "$callee `(` $args `)` attr-dict `:` functional-type($args, $res)"
    traits = traits_def(InFunction(), CExpression())

    def __init__(
        self,
        callee: str,
        args: Sequence[SSAValue | Operation],
        result_types: Sequence[Attribute] = (),
    ):
        super().__init__(
            operands=[args],
            result_types=[result_types],
            properties={"callee": StringAttr(callee)},
        )

    def verify_(self) -> None:
        if not _IDENTIFIER.match(self.callee.data) or self.callee.data in C_KEYWORDS:
            raise VerifyException(
                f"mcuc.call_opaque: callee '{self.callee.data}' is not a C identifier"
            )
        for i, t in enumerate(self.args.types):
            _verify_value_type(self, f"argument {i}", t)
        if len(self.res) > 1:
            raise VerifyException("mcuc.call_opaque: a C function has at most one result")
        for t in self.res.types:
            _verify_scalar(self, "the result", t)


# --------------------------------------------------------------------------- #
# Variables, globals and memory
# --------------------------------------------------------------------------- #


@irdl_op_definition
class VariableOp(IRDLOperation):
    """A local variable: `%acc = mcuc.variable init %c0 : !emitc.lvalue<i32>` is
    `int32_t acc = 0;`; `%buf = mcuc.variable : !emitc.array<64xi32>` is
    `int32_t buf[64];` (arrays cannot be initialised)."""

    name = "mcuc.variable"
    init = opt_operand_def()
    result = result_def()
    traits = traits_def(InFunction())

    def __init__(self, result_type: Attribute, init: SSAValue | Operation | None = None):
        super().__init__(operands=[[] if init is None else [init]], result_types=[result_type])

    @classmethod
    def parse(cls, parser: Parser) -> VariableOp:
        init = None
        if parser.parse_optional_keyword("init") is not None:
            init = parser.parse_unresolved_operand()
        attrs = parser.parse_optional_attr_dict()
        parser.parse_punctuation(":")
        pos = parser.pos
        result_type = parser.parse_type()
        resolved = None
        if init is not None:
            if not isinstance(result_type, EmitC_LValueType):
                parser.raise_error("an initialised mcuc.variable must be an !emitc.lvalue", pos)
            resolved = parser.resolve_operand(init, result_type.value_type)
        op = cls(result_type, resolved)
        op.attributes |= attrs
        return op

    def print(self, printer: Printer) -> None:
        if self.init is not None:
            printer.print_string(" init ")
            printer.print_operand(self.init)
        printer.print_op_attributes(self.attributes)
        printer.print_string(" : ")
        printer.print_attribute(self.result.type)

    def verify_(self) -> None:
        t = self.result.type
        if isinstance(t, EmitC_LValueType):
            _verify_scalar(self, "the variable", t.value_type)
            if self.init is not None and self.init.type != t.value_type:
                raise VerifyException(
                    f"mcuc.variable: initialiser type {self.init.type} does not match "
                    f"{t.value_type}"
                )
        elif is_array(t):
            if self.init is not None:
                raise VerifyException("mcuc.variable: an array variable cannot be initialised")
        else:
            raise VerifyException(
                f"mcuc.variable: result must be an !emitc.lvalue or !emitc.array, got {t}"
            )


@irdl_op_definition
class AssignOp(IRDLOperation):
    """`var = value;`: `mcuc.assign %v to %acc : !emitc.lvalue<i32>`."""

    name = "mcuc.assign"
    T: ClassVar = VarConstraint("T", AnyAttr())
    value = operand_def(T)
    var = operand_def(ParamAttrConstraint(EmitC_LValueType, (T,)))
    assembly_format = "$value `to` $var attr-dict `:` type($var)"
    traits = traits_def(InFunction())

    def __init__(self, var: SSAValue | Operation, value: SSAValue | Operation):
        super().__init__(operands=[value, var])

    def verify_(self) -> None:
        if is_read_only(self.var):
            raise VerifyException("mcuc.assign: cannot assign to read-only (const) storage")


def is_read_only(lvalue: SSAValue) -> bool:
    """Whether an lvalue designates const storage (a const global, or an element
    reached through a `!emitc.ptr<!mcuc.const<T>>`)."""
    owner = lvalue.owner
    if isinstance(owner, SubscriptOp):
        base = owner.value
        if isinstance(base.type, EmitC_PointerType):
            return isinstance(base.type.pointee_type, ConstType)
        return is_read_only(base)
    if isinstance(owner, GetGlobalOp):
        glob = _lookup(owner, owner.global_name)
        return isinstance(glob, GlobalOp) and glob.is_const
    return False


def is_read_only_array(array: SSAValue) -> bool:
    """Whether an array value is a const global."""
    owner = array.owner
    if isinstance(owner, GetGlobalOp):
        glob = _lookup(owner, owner.global_name)
        return isinstance(glob, GlobalOp) and glob.is_const
    return False


@irdl_op_definition
class LoadOp(IRDLOperation):
    """Reads an lvalue: `%x = mcuc.load %acc : !emitc.lvalue<i32>`."""

    name = "mcuc.load"
    T: ClassVar = VarConstraint("T", AnyAttr())
    operand = operand_def(ParamAttrConstraint(EmitC_LValueType, (T,)))
    result = result_def(T)
    assembly_format = "$operand attr-dict `:` type($operand)"
    traits = traits_def(InFunction(), CExpression(), MemoryReadEffect())

    def __init__(self, operand: SSAValue | Operation):
        lvalue = SSAValue.get(operand)
        assert isinstance(lvalue.type, EmitC_LValueType)
        super().__init__(operands=[lvalue], result_types=[lvalue.type.value_type])


@irdl_op_definition
class GetGlobalOp(IRDLOperation):
    """Names a global: an `!emitc.array` for arrays, an `!emitc.lvalue<T>` for scalars."""

    name = "mcuc.get_global"
    global_name = prop_def(SymbolRefAttr, prop_name="name")
    result = result_def()
    assembly_format = "$name attr-dict `:` type($result)"
    traits = traits_def(InFunction(), Pure())

    def __init__(self, name: str | SymbolRefAttr, result_type: Attribute):
        if isinstance(name, str):
            name = SymbolRefAttr(name)
        super().__init__(properties={"name": name}, result_types=[result_type])

    def verify_(self) -> None:
        if self.parent_op() is None:
            return
        glob = _lookup(self, self.global_name)
        if not isinstance(glob, GlobalOp):
            raise VerifyException(
                f"mcuc.get_global: '@{self.global_name.root_reference.data}' is not an "
                "mcuc.global of this module"
            )
        expected = glob.type if is_array(glob.type) else EmitC_LValueType(glob.type)
        if self.result.type != expected:
            raise VerifyException(
                f"mcuc.get_global: result type {self.result.type} does not match the "
                f"global's {expected}"
            )


@irdl_op_definition
class SubscriptOp(IRDLOperation):
    """An element of an array or pointer, as an lvalue:
    `%e = mcuc.subscript %w[%i, %j] : (!emitc.array<4x8xi8>, i32, i32) -> !emitc.lvalue<i8>`."""

    name = "mcuc.subscript"
    value = operand_def()
    indices = var_operand_def()
    result = result_def(EmitC_LValueType)
    assembly_format = "$value `[` $indices `]` attr-dict `:` functional-type(operands, results)"
    traits = traits_def(InFunction(), Pure())

    def __init__(self, value: SSAValue | Operation, indices: Sequence[SSAValue | Operation]):
        base = SSAValue.get(value)
        t = base.type
        if isinstance(t, EmitC_ArrayType):
            element = t.element_type
        elif isinstance(t, EmitC_PointerType):
            element = strip_const(t.pointee_type)
        else:
            raise ValueError(f"cannot subscript a value of type {t}")
        super().__init__(operands=[base, indices], result_types=[EmitC_LValueType(element)])

    def verify_(self) -> None:
        t = self.value.type
        result = self.result.type
        assert isinstance(result, EmitC_LValueType)
        for i, index in enumerate(self.indices):
            if not (is_integer(index.type) or is_opaque(index.type)):
                raise VerifyException(
                    f"mcuc.subscript: index {i} must be an integer, got {index.type}"
                )
        if isinstance(t, EmitC_ArrayType):
            if len(self.indices) != len(t.get_shape()):
                raise VerifyException(
                    f"mcuc.subscript: {t} needs {len(t.get_shape())} indices, got "
                    f"{len(self.indices)}"
                )
            element = t.element_type
        elif isinstance(t, EmitC_PointerType):
            if len(self.indices) != 1:
                raise VerifyException("mcuc.subscript: a pointer takes exactly one index")
            element = strip_const(t.pointee_type)
            if isinstance(element, EmitC_OpaqueType) and element.value.data == "void":
                raise VerifyException("mcuc.subscript: cannot subscript a void pointer")
        elif isinstance(t, EmitC_OpaqueType):
            if not self.indices:
                raise VerifyException("mcuc.subscript: needs at least one index")
            return
        else:
            raise VerifyException(
                f"mcuc.subscript: can only subscript an array, pointer or opaque value, got {t}"
            )
        if result.value_type != element:
            raise VerifyException(
                f"mcuc.subscript: result must be !emitc.lvalue<{element}>, got {result}"
            )


# --------------------------------------------------------------------------- #
# Constants and literals
# --------------------------------------------------------------------------- #


@irdl_op_definition
class LiteralOp(IRDLOperation):
    """A C expression printed verbatim: `%m = mcuc.literal "INT8_MIN" : i32`."""

    name = "mcuc.literal"
    value = prop_def(StringAttr)
    result = result_def()
    assembly_format = "$value attr-dict `:` type($result)"
    traits = traits_def(InFunction(), Pure())

    def __init__(self, value: str, result_type: Attribute):
        super().__init__(properties={"value": StringAttr(value)}, result_types=[result_type])

    def verify_(self) -> None:
        if not self.value.data.strip():
            raise VerifyException("mcuc.literal: value must not be empty")
        if "\n" in self.value.data:
            raise VerifyException("mcuc.literal: value must be a single line")
        _verify_value_type(self, "the result", self.result.type)


@irdl_op_definition
class ConstantOp(IRDLOperation):
    """An integer, bool or float literal: `%c = mcuc.constant 42 : i32`."""

    name = "mcuc.constant"
    value = prop_def(IntegerAttr | FloatAttr)
    result = result_def()
    traits = traits_def(InFunction(), Pure())

    def __init__(self, value: IntegerAttr | FloatAttr):
        super().__init__(properties={"value": value}, result_types=[value.type])

    @staticmethod
    def from_int(value: int, type: IntegerType | IndexType) -> ConstantOp:
        return ConstantOp(IntegerAttr(value, type))

    @classmethod
    def parse(cls, parser: Parser) -> ConstantOp:
        pos = parser.pos
        value = parser.parse_attribute()
        if not isinstance(value, IntegerAttr | FloatAttr):
            parser.raise_error("mcuc.constant expects an integer or float literal", pos)
        op = cls(value)
        op.attributes |= parser.parse_optional_attr_dict()
        return op

    def print(self, printer: Printer) -> None:
        printer.print_string(" ")
        printer.print_attribute(self.value)
        printer.print_op_attributes(self.attributes)

    def verify_(self) -> None:
        t = self.result.type
        if self.value.type != t:
            raise VerifyException(
                f"mcuc.constant: value type {self.value.type} does not match result type {t}"
            )
        if isinstance(self.value, IntegerAttr):
            if not (is_integer(t) or is_bool(t)):
                raise VerifyException(f"mcuc.constant: unsupported integer type {t}")
            # IntegerAttr range-checks (and normalises) its value; index is int32_t here.
            lo, hi = integer_range(t)
            if isinstance(t, IndexType) and not lo <= self.value.value.data <= hi:
                raise VerifyException(
                    f"mcuc.constant: index constants are int32_t, {self.value.value.data} "
                    f"does not fit in [{lo}, {hi}]"
                )
        else:
            if not is_float(t):
                raise VerifyException(f"mcuc.constant: unsupported float type {t}")
            _verify_finite(self, self.value.value.data)


# --------------------------------------------------------------------------- #
# Expressions
# --------------------------------------------------------------------------- #


class _BinaryOp(IRDLOperation):
    """`%r = mcuc.<op> %a, %b : (T, T) -> T` (emitc's syntax)."""

    lhs = operand_def()
    rhs = operand_def()
    result = result_def()
    assembly_format = "operands attr-dict `:` functional-type(operands, results)"
    traits = traits_def(InFunction(), CExpression(), Pure())

    C_OPERATOR: ClassVar[str]

    def __init__(
        self,
        lhs: SSAValue | Operation,
        rhs: SSAValue | Operation,
        result_type: Attribute | None = None,
    ):
        if result_type is None:
            result_type = SSAValue.get(lhs).type
        super().__init__(operands=[lhs, rhs], result_types=[result_type])

    def _types(self) -> tuple[Attribute, Attribute, Attribute]:
        return self.lhs.type, self.rhs.type, self.result.type

    def _has_opaque(self) -> bool:
        return any(is_opaque(t) for t in self._types())

    def _verify_homogeneous(self, ok, what: str) -> None:
        lhs, rhs, res = self._types()
        if not (lhs == rhs == res):
            raise VerifyException(
                f"{self.name}: operand and result types must be equal (cast explicitly), "
                f"got ({lhs}, {rhs}) -> {res}"
            )
        if not ok(lhs):
            raise VerifyException(f"{self.name}: operands must be {what}, got {lhs}")

    def verify_(self) -> None:
        if self._has_opaque():
            return
        self._verify_homogeneous(is_arithmetic, "integers or floats")


def _is_integer_or_bool(t: Attribute) -> bool:
    return is_integer(t) or is_bool(t)


def _verify_pointer_arith(op: _BinaryOp, allow_difference: bool) -> bool:
    """Pointer +/- integer (and pointer - pointer); True if this is pointer arithmetic."""
    lhs, rhs, res = op._types()
    if not (is_pointer(lhs) or is_pointer(rhs)):
        return False
    if is_pointer(lhs) and is_pointer(rhs):
        if not allow_difference:
            raise VerifyException(f"{op.name}: at most one operand may be a pointer")
        if lhs != rhs or not isinstance(res, EmitC_PtrDiffT):
            raise VerifyException(
                f"{op.name}: a pointer difference takes two pointers of the same type and "
                "returns !emitc.ptrdiff_t"
            )
        return True
    ptr, other = (lhs, rhs) if is_pointer(lhs) else (rhs, lhs)
    if op.name == "mcuc.sub" and is_pointer(rhs):
        raise VerifyException("mcuc.sub: cannot subtract a pointer from an integer")
    if not is_integer(other):
        raise VerifyException(f"{op.name}: a pointer offset must be an integer, got {other}")
    if res != ptr:
        raise VerifyException(f"{op.name}: pointer arithmetic must return {ptr}, got {res}")
    return True


@irdl_op_definition
class AddOp(_BinaryOp):
    """`a + b`; also pointer + integer."""

    name = "mcuc.add"
    C_OPERATOR: ClassVar[str] = "+"

    def verify_(self) -> None:
        if self._has_opaque() or _verify_pointer_arith(self, allow_difference=False):
            return
        self._verify_homogeneous(is_arithmetic, "integers or floats")


@irdl_op_definition
class SubOp(_BinaryOp):
    """`a - b`; also pointer - integer and pointer - pointer (-> !emitc.ptrdiff_t)."""

    name = "mcuc.sub"
    C_OPERATOR: ClassVar[str] = "-"

    def verify_(self) -> None:
        if self._has_opaque() or _verify_pointer_arith(self, allow_difference=True):
            return
        self._verify_homogeneous(is_arithmetic, "integers or floats")


@irdl_op_definition
class MulOp(_BinaryOp):
    """`a * b`."""

    name = "mcuc.mul"
    C_OPERATOR: ClassVar[str] = "*"


@irdl_op_definition
class DivOp(_BinaryOp):
    """`a / b` (C division: truncates toward zero)."""

    name = "mcuc.div"
    C_OPERATOR: ClassVar[str] = "/"
    traits = traits_def(InFunction(), CExpression(), NoMemoryEffect())  # not speculatable: x / 0


@irdl_op_definition
class RemOp(_BinaryOp):
    """`a % b` (integers)."""

    name = "mcuc.rem"
    C_OPERATOR: ClassVar[str] = "%"
    traits = traits_def(InFunction(), CExpression(), NoMemoryEffect())  # not speculatable: x / 0

    def verify_(self) -> None:
        if not self._has_opaque():
            self._verify_homogeneous(is_integer, "integers")


class _BitwiseOp(_BinaryOp):
    def verify_(self) -> None:
        if not self._has_opaque():
            self._verify_homogeneous(_is_integer_or_bool, "integers or i1")


@irdl_op_definition
class BitwiseAndOp(_BitwiseOp):
    """`a & b`."""

    name = "mcuc.bitwise_and"
    C_OPERATOR: ClassVar[str] = "&"


@irdl_op_definition
class BitwiseOrOp(_BitwiseOp):
    """`a | b`."""

    name = "mcuc.bitwise_or"
    C_OPERATOR: ClassVar[str] = "|"


@irdl_op_definition
class BitwiseXorOp(_BitwiseOp):
    """`a ^ b`."""

    name = "mcuc.bitwise_xor"
    C_OPERATOR: ClassVar[str] = "^"


class _ShiftOp(_BinaryOp):
    def verify_(self) -> None:
        if self._has_opaque():
            return
        lhs, rhs, res = self._types()
        if not is_integer(lhs) or not is_integer(rhs):
            raise VerifyException(f"{self.name}: operands must be integers, got {lhs}, {rhs}")
        if res != lhs:
            raise VerifyException(
                f"{self.name}: result type {res} must be the shifted operand's type {lhs}"
            )


@irdl_op_definition
class ShlOp(_ShiftOp):
    """`a << b`."""

    name = "mcuc.shl"
    C_OPERATOR: ClassVar[str] = "<<"


@irdl_op_definition
class ShrOp(_ShiftOp):
    """`a >> b` (arithmetic for signed operands on GCC, Clang, Arm and IAR compilers)."""

    name = "mcuc.shr"
    C_OPERATOR: ClassVar[str] = ">>"


class _LogicalBinaryOp(_BinaryOp):
    assembly_format = "operands attr-dict `:` type(operands)"

    def __init__(self, lhs: SSAValue | Operation, rhs: SSAValue | Operation):
        super().__init__(lhs, rhs, i1)

    def verify_(self) -> None:
        _verify_scalar(self, "lhs", self.lhs.type)
        _verify_scalar(self, "rhs", self.rhs.type)
        if self.result.type != i1:
            raise VerifyException(f"{self.name}: result must be i1")


@irdl_op_definition
class LogicalAndOp(_LogicalBinaryOp):
    """`a && b` (i1 result)."""

    name = "mcuc.logical_and"
    C_OPERATOR: ClassVar[str] = "&&"
    result = result_def(i1)


@irdl_op_definition
class LogicalOrOp(_LogicalBinaryOp):
    """`a || b` (i1 result)."""

    name = "mcuc.logical_or"
    C_OPERATOR: ClassVar[str] = "||"
    result = result_def(i1)


class CmpPredicate(StrEnum):
    EQ = auto()
    NE = auto()
    LT = auto()
    LE = auto()
    GT = auto()
    GE = auto()


CMP_OPERATORS: dict[CmpPredicate, str] = {
    CmpPredicate.EQ: "==",
    CmpPredicate.NE: "!=",
    CmpPredicate.LT: "<",
    CmpPredicate.LE: "<=",
    CmpPredicate.GT: ">",
    CmpPredicate.GE: ">=",
}


@irdl_attr_definition
class CmpPredicateAttr(EnumAttribute[CmpPredicate], SpacedOpaqueSyntaxAttribute):
    name = "mcuc.cmp_predicate"


@irdl_op_definition
class CmpOp(IRDLOperation):
    """A comparison: `%c = mcuc.cmp lt, %a, %b : (i32, i32) -> i1`."""

    name = "mcuc.cmp"
    predicate = prop_def(CmpPredicateAttr)
    lhs = operand_def()
    rhs = operand_def()
    result = result_def(i1)
    assembly_format = (
        "$predicate `,` $lhs `,` $rhs attr-dict `:` functional-type(operands, results)"
    )
    traits = traits_def(InFunction(), CExpression(), Pure())

    def __init__(
        self, predicate: CmpPredicate | str, lhs: SSAValue | Operation, rhs: SSAValue | Operation
    ):
        super().__init__(
            operands=[lhs, rhs],
            result_types=[i1],
            properties={"predicate": CmpPredicateAttr(CmpPredicate(predicate))},
        )

    @property
    def c_operator(self) -> str:
        return CMP_OPERATORS[self.predicate.data]

    def verify_(self) -> None:
        lhs, rhs = self.lhs.type, self.rhs.type
        if is_opaque(lhs) or is_opaque(rhs):
            return
        _verify_scalar(self, "lhs", lhs)
        if lhs != rhs:
            raise VerifyException(
                f"mcuc.cmp: operand types must be equal (cast explicitly), got {lhs}, {rhs}"
            )


class _UnaryOp(IRDLOperation):
    """`%r = mcuc.<op> %a : (T) -> T`."""

    operand = operand_def()
    result = result_def()
    assembly_format = "operands attr-dict `:` functional-type(operands, results)"
    traits = traits_def(InFunction(), CExpression(), Pure())

    C_OPERATOR: ClassVar[str]

    def __init__(self, operand: SSAValue | Operation, result_type: Attribute | None = None):
        if result_type is None:
            result_type = SSAValue.get(operand).type
        super().__init__(operands=[operand], result_types=[result_type])

    def _verify_same(self, ok, what: str) -> None:
        t, res = self.operand.type, self.result.type
        if is_opaque(t) or is_opaque(res):
            return
        if t != res:
            raise VerifyException(f"{self.name}: result type {res} must equal operand type {t}")
        if not ok(t):
            raise VerifyException(f"{self.name}: operand must be {what}, got {t}")


@irdl_op_definition
class UnaryMinusOp(_UnaryOp):
    """`-a`."""

    name = "mcuc.unary_minus"
    C_OPERATOR: ClassVar[str] = "-"

    def verify_(self) -> None:
        self._verify_same(is_arithmetic, "an integer or float")


@irdl_op_definition
class BitwiseNotOp(_UnaryOp):
    """`~a`."""

    name = "mcuc.bitwise_not"
    C_OPERATOR: ClassVar[str] = "~"

    def verify_(self) -> None:
        self._verify_same(is_integer, "an integer")


@irdl_op_definition
class LogicalNotOp(_UnaryOp):
    """`!a` (i1 result): `%r = mcuc.logical_not %a : i32`."""

    name = "mcuc.logical_not"
    C_OPERATOR: ClassVar[str] = "!"
    result = result_def(i1)
    assembly_format = "operands attr-dict `:` type(operands)"

    def __init__(self, operand: SSAValue | Operation):
        super().__init__(operand, i1)

    def verify_(self) -> None:
        _verify_scalar(self, "the operand", self.operand.type)


@irdl_op_definition
class ConditionalOp(IRDLOperation):
    """`c ? a : b`: `%r = mcuc.conditional %c, %a, %b : i32`."""

    name = "mcuc.conditional"
    T: ClassVar = VarConstraint("T", AnyAttr())
    condition = operand_def(i1)
    true_value = operand_def(T)
    false_value = operand_def(T)
    result = result_def(T)
    assembly_format = "operands attr-dict `:` type($result)"
    traits = traits_def(InFunction(), CExpression(), Pure())

    def __init__(
        self,
        condition: SSAValue | Operation,
        true_value: SSAValue | Operation,
        false_value: SSAValue | Operation,
    ):
        super().__init__(
            operands=[condition, true_value, false_value],
            result_types=[SSAValue.get(true_value).type],
        )

    def verify_(self) -> None:
        _verify_scalar(self, "the result", self.result.type)


@irdl_op_definition
class CastOp(IRDLOperation):
    """An explicit conversion `(T)x`: `%r = mcuc.cast %x : i8 to i32`.

    Between bool/integer/float types, between pointer types, and from an array
    to a pointer to its element type (the array's address, `&a[0][0]`)."""

    name = "mcuc.cast"
    source = operand_def()
    dest = result_def()
    assembly_format = "$source attr-dict `:` type($source) `to` type($dest)"
    traits = traits_def(InFunction(), CExpression(), Pure())

    def __init__(self, source: SSAValue | Operation, dest_type: Attribute):
        super().__init__(operands=[source], result_types=[dest_type])

    def verify_(self) -> None:
        src, dst = self.source.type, self.dest.type
        if is_opaque(src) or is_opaque(dst):
            return
        numeric = lambda t: is_bool(t) or is_arithmetic(t)  # noqa: E731
        if numeric(src) and numeric(dst):
            return
        if is_pointer(src) and is_pointer(dst):
            return
        if isinstance(src, EmitC_ArrayType) and isinstance(dst, EmitC_PointerType):
            if strip_const(dst.pointee_type) == src.element_type:
                if is_read_only_array(self.source) and not isinstance(dst.pointee_type, ConstType):
                    raise VerifyException(
                        "mcuc.cast: the array is const; cast it to a pointer to "
                        f"!mcuc.const<{src.element_type}>"
                    )
                return
            raise VerifyException(
                f"mcuc.cast: an array of {src.element_type} decays to a pointer to "
                f"{src.element_type}, not {dst}"
            )
        raise VerifyException(f"mcuc.cast: cannot cast {src} to {dst}")


# --------------------------------------------------------------------------- #
# DSP helpers (Arm's DSP extension, with a portable C fallback)
# --------------------------------------------------------------------------- #

DSP_HELPERS = """\
/* DSP helpers: one Arm DSP-extension instruction each where the compiler targets it
 * (__ARM_FEATURE_DSP; define TINYMLIR_PORTABLE_DSP to force the fallback), the same
 * arithmetic in portable C99 elsewhere. Lanes are the 16-bit halves of an int32. */
#if defined(__ARM_FEATURE_DSP) && defined(__GNUC__) && !defined(TINYMLIR_PORTABLE_DSP)
#define TINYMLIR_ARM_DSP 1
#endif
#if defined(__ARM_FEATURE_SAT) && !defined(TINYMLIR_PORTABLE_DSP)
#include <arm_acle.h>
#define TINYMLIR_ARM_SAT 1
#endif
static inline int32_t tinymlir_lane(int32_t x, int shift)
{
    return (int32_t)((((uint32_t)x >> shift) & 0xFFFFu) ^ 0x8000u) - 0x8000;
}
/* acc + lo(a) * lo(b) + hi(a) * hi(b), modulo 2^32 (SMLAD) */
static inline int32_t tinymlir_smlad(int32_t a, int32_t b, int32_t acc)
{
#ifdef TINYMLIR_ARM_DSP
    __asm__("smlad %0, %1, %2, %3" : "=r"(acc) : "r"(a), "r"(b), "r"(acc));
    return acc;
#else
    uint32_t sum = (uint32_t)acc + (uint32_t)(tinymlir_lane(a, 0) * tinymlir_lane(b, 0))
                   + (uint32_t)(tinymlir_lane(a, 16) * tinymlir_lane(b, 16));
    return sum <= 0x7FFFFFFFu ? (int32_t)sum : (int32_t)(sum - 0x80000000u) - 0x7FFFFFFF - 1;
#endif
}
/* bytes 0 and 2 of x, sign-extended into the low and high lane (SXTB16) */
static inline int32_t tinymlir_sxtb16(int32_t x)
{
#ifdef TINYMLIR_ARM_DSP
    int32_t r;
    __asm__("sxtb16 %0, %1" : "=r"(r) : "r"(x));
    return r;
#else
    uint32_t lo = (((uint32_t)x & 0xFFu) ^ 0x80u) - 0x80u;
    uint32_t hi = ((((uint32_t)x >> 16) & 0xFFu) ^ 0x80u) - 0x80u;
    uint32_t r = (lo & 0xFFFFu) | (hi << 16);
    return r <= 0x7FFFFFFFu ? (int32_t)r : (int32_t)(r - 0x80000000u) - 0x7FFFFFFF - 1;
#endif
}
/* bytes 1 and 3 of x, sign-extended into the low and high lane (SXTB16 ROR #8) */
static inline int32_t tinymlir_sxtb16_ror8(int32_t x)
{
#ifdef TINYMLIR_ARM_DSP
    int32_t r;
    __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x));
    return r;
#else
    return tinymlir_sxtb16((int32_t)(((uint32_t)x >> 8) & 0x00FF00FFu));
#endif
}
/* a + tinymlir_sxtb16(x) (SXTAB16), and a + tinymlir_sxtb16_ror8(x) (SXTAB16 ROR #8),
 * lane by lane, each lane modulo 2^16 */
static inline int32_t tinymlir_add16(int32_t a, int32_t b)
{
    uint32_t lo = ((uint32_t)a + (uint32_t)b) & 0xFFFFu;
    uint32_t hi = (((uint32_t)a >> 16) + ((uint32_t)b >> 16)) & 0xFFFFu;
    uint32_t r = lo | (hi << 16);
    return r <= 0x7FFFFFFFu ? (int32_t)r : (int32_t)(r - 0x80000000u) - 0x7FFFFFFF - 1;
}
static inline int32_t tinymlir_sxtab16(int32_t a, int32_t x)
{
#ifdef TINYMLIR_ARM_DSP
    int32_t r;
    __asm__("sxtab16 %0, %1, %2" : "=r"(r) : "r"(a), "r"(x));
    return r;
#else
    return tinymlir_add16(a, tinymlir_sxtb16(x));
#endif
}
static inline int32_t tinymlir_sxtab16_ror8(int32_t a, int32_t x)
{
#ifdef TINYMLIR_ARM_DSP
    int32_t r;
    __asm__("sxtab16 %0, %1, %2, ror #8" : "=r"(r) : "r"(a), "r"(x));
    return r;
#else
    return tinymlir_add16(a, tinymlir_sxtb16_ror8(x));
#endif
}
/* (a * b + 2^31) >> 32 on the 64-bit product (SMMULR: the rounded high word) */
static inline int32_t tinymlir_smmulr(int32_t a, int32_t b)
{
#ifdef TINYMLIR_ARM_DSP
    int32_t r;
    __asm__("smmulr %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
    return r;
#else
    return (int32_t)(((int64_t)a * b + INT64_C(0x80000000)) >> 32);
#endif
}
/* x saturated to [-128, 127] (SSAT #8). SSAT is ARMv7-M base Thumb-2, not the DSP extension:
 * ACLE's __ARM_FEATURE_SAT guards it (Cortex-M3 too, not ARMv6-M). ACLE's __ssat, unlike
 * inline asm, is an instruction the compiler knows: it folds a preceding arithmetic shift
 * into SSAT's shift operand and schedules around it. */
static inline int32_t tinymlir_ssat8(int32_t x)
{
#ifdef TINYMLIR_ARM_SAT
    return __ssat(x, 8);
#else
    return x < -128 ? -128 : x > 127 ? 127 : x;
#endif
}
/* the 4 int8 at p as one int32, p[j] in byte j (an unaligned 32-bit load where allowed) */
static inline int32_t tinymlir_load_s8x4(const int8_t *p)
{
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    int32_t v;
    __builtin_memcpy(&v, p, 4);
    return v;
#else
    uint32_t v = (uint32_t)(uint8_t)p[0] | ((uint32_t)(uint8_t)p[1] << 8)
                 | ((uint32_t)(uint8_t)p[2] << 16) | ((uint32_t)(uint8_t)p[3] << 24);
    return v <= 0x7FFFFFFFu ? (int32_t)v : (int32_t)(v - 0x80000000u) - 0x7FFFFFFF - 1;
#endif
}
/* the 4 int32 at p (word aligned), word j as tinymlir_word(v, j): one LDMIA where GCC
 * emits two LDRD. LDM fills its registers in ascending order, so the asm names them:
 * r0-r3 (call-clobbered: the loops around keep their callee-saved registers; r4-r8
 * measured 100 instructions worse on DS-CNN's dense); the compiler moves them on as needed.
 * Elsewhere v is p itself and each word is loaded where it is used. */
#ifdef TINYMLIR_ARM_DSP
typedef struct { int32_t w[4]; } tinymlir_w32x4;
#define tinymlir_word(v, j) ((v).w[j])
static inline tinymlir_w32x4 tinymlir_load_w32x4(const int32_t *p)
{
    tinymlir_w32x4 r;
    register int32_t w0 __asm__("r0"), w1 __asm__("r1"), w2 __asm__("r2"), w3 __asm__("r3");
    __asm__("ldmia %4, {%0, %1, %2, %3}" : "=r"(w0), "=r"(w1), "=r"(w2), "=r"(w3)
            : "r"(p), "m"(*(const int32_t(*)[4])p));
    r.w[0] = w0; r.w[1] = w1; r.w[2] = w2; r.w[3] = w3;
    return r;
}
#else
typedef const int32_t *tinymlir_w32x4;
#define tinymlir_word(v, j) ((v)[j])
static inline tinymlir_w32x4 tinymlir_load_w32x4(const int32_t *p)
{
    return p;
}
#endif"""
"""The C of the DSP ops (SmladOp, SmmulrOp, Sxtb16Op, Sxtab16Op, SsatOp, LoadS8x4Op, LoadWordsOp): static inline helpers the
printer writes once, before the first function, in a file that uses any of them."""


def _signed32(value: int) -> int:
    value &= 0xFFFFFFFF
    return value - (1 << 32) if value >> 31 else value


def _lane(value: int, shift: int) -> int:
    lane = (value >> shift) & 0xFFFF
    return lane - 0x10000 if lane >> 15 else lane


def smlad(a: int, b: int, acc: int) -> int:
    """SMLAD: acc + lo(a)·lo(b) + hi(a)·hi(b) (signed 16-bit lanes), modulo 2^32."""
    return _signed32(acc + _lane(a, 0) * _lane(b, 0) + _lane(a, 16) * _lane(b, 16))


def sxtb16(x: int, rotate: int = 0) -> int:
    """SXTB16 (ROR #rotate): bytes `rotate/8` and `rotate/8 + 2` of x, sign-extended
    into the low and high 16-bit lanes."""
    x = (x & 0xFFFFFFFF) >> rotate
    lo, hi = x & 0xFF, (x >> 16) & 0xFF
    lo, hi = (lo - 0x100 if lo >> 7 else lo), (hi - 0x100 if hi >> 7 else hi)
    return _signed32((lo & 0xFFFF) | (hi << 16))


def sxtab16(a: int, x: int, rotate: int = 0) -> int:
    """SXTAB16 (ROR #rotate): a + sxtb16(x, rotate), lane by lane, each lane modulo 2^16."""
    b = sxtb16(x, rotate)
    lo = (a + b) & 0xFFFF
    hi = ((a >> 16) + (b >> 16)) & 0xFFFF
    return _signed32(lo | (hi << 16))


def smmulr(a: int, b: int) -> int:
    """SMMULR: (a * b + 2^31) >> 32 on the signed 64-bit product (always an int32)."""
    return _signed32((a * b + (1 << 31)) >> 32)


def ssat(x: int, bits: int) -> int:
    """SSAT #bits: x saturated to the signed range [-2^(bits-1), 2^(bits-1) - 1]."""
    bound = 1 << (bits - 1)
    return min(max(x, -bound), bound - 1)


def pack_s8x4(values) -> int:
    """The int32 whose byte j is values[j] (4 int8): what LoadS8x4Op reads."""
    return _signed32(sum((int(v) & 0xFF) << (8 * j) for j, v in enumerate(values)))


def _verify_i32(op: Operation) -> None:
    for i, t in enumerate((*op.operand_types, *op.result_types)):
        if t != i32:
            raise VerifyException(f"{op.name}: operands and result must be i32, got {t} ({i})")


class DspHelperCall:
    """An op the C backend prints as a call of its DSP_HELPERS function with its operands
    in order: `C_HELPER`, plus `_ror8` when the op reads the odd bytes (`rotate 8`)."""

    C_HELPER: ClassVar[str] = ""

    @property
    def rotation(self) -> int:
        rotate = getattr(self, "rotate", None)
        return 0 if rotate is None else rotate.value.data

    @property
    def helper_name(self) -> str:
        return self.C_HELPER + ("_ror8" if self.rotation else "")

    def verify_rotation(self) -> None:
        if self.rotation not in (0, 8):
            raise VerifyException(f"{self.name}: rotate must be 8 (or absent), got {self.rotation}")  # type: ignore[attr-defined]


@irdl_op_definition
class SmladOp(DspHelperCall, IRDLOperation):
    """`%r = mcuc.smlad %a, %b, %acc` (all i32): acc + lo(a)·lo(b) + hi(a)·hi(b) on the signed
    16-bit lanes of a and b, modulo 2^32 (Arm's SMLAD: two MACs in one instruction).
    Printed as a call of `tinymlir_smlad` (DSP_HELPERS); the loop level uses it too."""

    name = "mcuc.smlad"
    C_HELPER: ClassVar[str] = "tinymlir_smlad"
    a = operand_def(i32)
    b = operand_def(i32)
    acc = operand_def(i32)
    result = result_def(i32)
    assembly_format = "$a `,` $b `,` $acc attr-dict"
    traits = traits_def(InFunction(), CExpression(), Pure())

    def __init__(self, a: SSAValue | Operation, b: SSAValue | Operation, acc: SSAValue | Operation):
        super().__init__(operands=[a, b, acc], result_types=[i32])

    def verify_(self) -> None:
        _verify_i32(self)


@irdl_op_definition
class Sxtb16Op(DspHelperCall, IRDLOperation):
    """`%r = mcuc.sxtb16 %x` (i32; bytes 0 and 2 of x) or `mcuc.sxtb16 %x ror 8`
    (bytes 1 and 3), each sign-extended into a 16-bit lane (Arm's SXTB16, one
    instruction). Printed as `tinymlir_sxtb16` / `tinymlir_sxtb16_ror8` (DSP_HELPERS)."""

    name = "mcuc.sxtb16"
    C_HELPER: ClassVar[str] = "tinymlir_sxtb16"
    operand = operand_def(i32)
    rotate = opt_prop_def(IntegerAttr[I64])
    result = result_def(i32)
    assembly_format = "$operand (`ror` $rotate^)? attr-dict"
    traits = traits_def(InFunction(), CExpression(), Pure())

    def __init__(self, operand: SSAValue | Operation, rotate: int = 0):
        properties = {"rotate": IntegerAttr(rotate, i64)} if rotate else {}
        super().__init__(operands=[operand], result_types=[i32], properties=properties)

    def verify_(self) -> None:
        _verify_i32(self)
        self.verify_rotation()


@irdl_op_definition
class SmmulrOp(DspHelperCall, IRDLOperation):
    """`%r = mcuc.smmulr %a, %b` (i32): (a * b + 2^31) >> 32 of the 64-bit product, the
    rounded high word (Arm's SMMULR, one instruction). With a = 2 * acc (|acc| < 2^30)
    it is TFLM's SaturatingRoundingDoublingHighMul for a multiplier b >= 0. Printed as
    `tinymlir_smmulr`."""

    name = "mcuc.smmulr"
    C_HELPER: ClassVar[str] = "tinymlir_smmulr"
    a = operand_def(i32)
    b = operand_def(i32)
    result = result_def(i32)
    assembly_format = "$a `,` $b attr-dict"
    traits = traits_def(InFunction(), CExpression(), Pure())

    def __init__(self, a: SSAValue | Operation, b: SSAValue | Operation):
        super().__init__(operands=[a, b], result_types=[i32])


@irdl_op_definition
class Sxtab16Op(DspHelperCall, IRDLOperation):
    """`%r = mcuc.sxtab16 %a, %x [ror 8]` (i32): %a + mcuc.sxtb16 %x [ror 8], lane by lane,
    each 16-bit lane modulo 2^16 (Arm's SXTAB16: widening with an offset, e.g. minus the
    input zero point, in one instruction). Printed as `tinymlir_sxtab16[_ror8]`."""

    name = "mcuc.sxtab16"
    C_HELPER: ClassVar[str] = "tinymlir_sxtab16"
    a = operand_def(i32)
    operand = operand_def(i32)
    rotate = opt_prop_def(IntegerAttr[I64])
    result = result_def(i32)
    assembly_format = "$a `,` $operand (`ror` $rotate^)? attr-dict"
    traits = traits_def(InFunction(), CExpression(), Pure())

    def __init__(self, a: SSAValue | Operation, operand: SSAValue | Operation, rotate: int = 0):
        properties = {"rotate": IntegerAttr(rotate, i64)} if rotate else {}
        super().__init__(operands=[a, operand], result_types=[i32], properties=properties)

    def verify_(self) -> None:
        self.verify_rotation()


SSAT_WIDTHS = (8,)
"""The widths mcuc.ssat takes: those with a helper in DSP_HELPERS (tinymlir_ssat<bits>)."""


@irdl_op_definition
class SsatOp(DspHelperCall, IRDLOperation):
    """`%r = mcuc.ssat %x, 8` (i32): x saturated to the signed `bits`-bit range, [-128, 127]
    for 8 (Arm's SSAT, one instruction; GCC 12 finds it for a lone min/max clamp, not for
    those of the lowered kernels). Printed as `tinymlir_ssat8` (DSP_HELPERS; bits in
    SSAT_WIDTHS, those with a helper)."""

    name = "mcuc.ssat"
    C_HELPER: ClassVar[str] = "tinymlir_ssat"
    operand = operand_def(i32)
    bits = prop_def(IntegerAttr[I64])
    result = result_def(i32)
    assembly_format = "$operand `,` $bits attr-dict"
    traits = traits_def(InFunction(), CExpression(), Pure())

    def __init__(self, operand: SSAValue | Operation, bits: int):
        super().__init__(operands=[operand], result_types=[i32], properties={"bits": IntegerAttr(bits, i64)})

    @property
    def width(self) -> int:
        return self.bits.value.data

    @property
    def helper_name(self) -> str:
        return f"{self.C_HELPER}{self.width}"

    def verify_(self) -> None:
        if self.width not in SSAT_WIDTHS:
            widths = ", ".join(map(str, SSAT_WIDTHS))
            raise VerifyException(f"mcuc.ssat: bits must be one of {widths} (those with a C helper), got {self.width}")


@irdl_op_definition
class LoadS8x4Op(IRDLOperation):
    """Reads 4 consecutive int8 as one int32 with element j in byte j (the lane order of
    SXTB16). At the loop level `%w = mcuc.load_s8x4 %buf[%i, %c] : memref<2x64xi8>`
    (elements c..c+3 of the last dimension, which must lie inside it); after
    convert-memref-to-mcuc `mcuc.load_s8x4 %lv : !emitc.lvalue<i8>` (the first element),
    printed as `tinymlir_load_s8x4(&lv)` (DSP_HELPERS: one unaligned LDR on Cortex-M4)."""

    name = "mcuc.load_s8x4"
    ref = operand_def()
    indices = var_operand_def(IndexType())
    result = result_def(i32)
    assembly_format = "$ref (`[` $indices^ `]`)? attr-dict `:` type($ref)"
    traits = traits_def(InFunction(), CExpression(), MemoryReadEffect())

    def __init__(self, ref: SSAValue | Operation, indices: Sequence[SSAValue | Operation] = ()):
        super().__init__(operands=[ref, list(indices)], result_types=[i32])

    def verify_(self) -> None:
        t = self.ref.type
        if self.result.type != i32:
            raise VerifyException(f"mcuc.load_s8x4: the result must be i32, got {self.result.type}")
        if isinstance(t, EmitC_LValueType):
            if t.value_type != IntegerType(8) or self.indices:
                raise VerifyException("mcuc.load_s8x4: an lvalue operand must be one i8 element, without indices")
            return
        if not isinstance(t, MemRefType) or t.element_type != IntegerType(8):
            raise VerifyException(f"mcuc.load_s8x4: expected a memref of i8 or an !emitc.lvalue<i8>, got {t}")
        if len(self.indices) != t.get_num_dims():
            raise VerifyException(
                f"mcuc.load_s8x4: {len(self.indices)} indices for a rank-{t.get_num_dims()} memref"
            )
        if t.get_shape() and t.get_shape()[-1] < 4:
            raise VerifyException("mcuc.load_s8x4: the last dimension holds fewer than 4 elements")


LOAD_WORD_COUNTS = (4,)
"""The word counts mcuc.load_words takes: those with a helper in DSP_HELPERS
(tinymlir_load_w32x<count>; 2 words are one LDRD already)."""


@irdl_op_definition
class LoadWordsOp(IRDLOperation):
    """Reads `count` consecutive int32 in one instruction (LDMIA). At the loop level
    `%w0, %w1, %w2, %w3 = mcuc.load_words %buf[%b, %q, %c] : memref<32x160x4xi32> -> i32, i32,
    i32, i32` (elements
    c..c+count-1 of the last dimension, which must hold count); after
    convert-memref-to-mcuc `mcuc.load_words %lv : !emitc.lvalue<i32> -> i32, ..` (the first element),
    printed as `const tinymlir_w32x4 v = tinymlir_load_w32x4(&lv);` with the results
    `tinymlir_word(v, j)` (DSP_HELPERS; count in LOAD_WORD_COUNTS). The buffer's int32 type keeps the
    address word aligned, which LDM needs."""

    name = "mcuc.load_words"
    ref = operand_def()
    indices = var_operand_def(IndexType())
    words = var_result_def(i32)
    assembly_format = "$ref (`[` $indices^ `]`)? attr-dict `:` type($ref) `->` type($words)"
    traits = traits_def(InFunction(), MemoryReadEffect())

    def __init__(self, ref: SSAValue | Operation, indices: Sequence[SSAValue | Operation] = (), count: int = 4):
        super().__init__(operands=[ref, list(indices)], result_types=[[i32] * count])

    @property
    def helper_name(self) -> str:
        return f"tinymlir_load_w32x{len(self.words)}"

    def verify_(self) -> None:
        count = len(self.words)
        if count not in LOAD_WORD_COUNTS:
            counts = ", ".join(map(str, LOAD_WORD_COUNTS))
            raise VerifyException(f"mcuc.load_words: {count} results, expected one of {counts} (those with a C helper)")
        t = self.ref.type
        if isinstance(t, EmitC_LValueType):
            if t.value_type != i32 or self.indices:
                raise VerifyException("mcuc.load_words: an lvalue operand must be one i32 element, without indices")
            return
        if not isinstance(t, MemRefType) or t.element_type != i32:
            raise VerifyException(f"mcuc.load_words: expected a memref of i32 or an !emitc.lvalue<i32>, got {t}")
        if len(self.indices) != t.get_num_dims():
            raise VerifyException(f"mcuc.load_words: {len(self.indices)} indices for a rank-{t.get_num_dims()} memref")
        if not t.get_shape() or t.get_shape()[-1] < count:
            raise VerifyException(f"mcuc.load_words: the last dimension holds fewer than {count} elements")


DSP_OPS = (SmladOp, SmmulrOp, Sxtb16Op, Sxtab16Op, SsatOp, LoadS8x4Op, LoadWordsOp)
"""The ops whose C is DSP_HELPERS."""


# --------------------------------------------------------------------------- #
# Control flow
# --------------------------------------------------------------------------- #


@irdl_op_definition
class YieldOp(IRDLOperation):
    """Terminates the regions of mcuc.for and mcuc.if (implicit in their syntax, and
    without a value) and of mcuc.expression (with the expression's value)."""

    name = "mcuc.yield"
    value = opt_operand_def()
    assembly_format = "attr-dict ($value^ `:` type($value))?"
    traits = lazy_traits_def(lambda: (IsTerminator(), HasParent(ForOp, IfOp, ExpressionOp)))

    def __init__(self, value: SSAValue | Operation | None = None):
        super().__init__(operands=[[] if value is None else [value]])


def _parse_body(parser: Parser, args: Sequence[Parser.Argument] = ()) -> Region:
    region = parser.parse_region(args)
    if not region.blocks:
        region.add_block(Block())
    block = region.block
    last = block.last_op
    if last is None or not last.has_trait(IsTerminator, value_if_unregistered=False):
        block.add_op(YieldOp())
    return region


def _verify_body(op: Operation, region: Region, what: str) -> None:
    if len(region.blocks) != 1:
        raise VerifyException(f"{op.name}: the {what} must be a single block")
    last = region.block.last_op
    if not isinstance(last, YieldOp):
        raise VerifyException(f"{op.name}: the {what} must end with mcuc.yield")
    if last.value is not None:
        raise VerifyException(f"{op.name}: the {what} yields no value")


@irdl_op_definition
class ForOp(IRDLOperation):
    """`for (T i = lb; i < ub; i += step) { ... }`:

        mcuc.for %i = %lb to %ub step %s : i32 { ... }

    The bounds and step are evaluated once, before the loop; the induction
    variable is the body's block argument (type index when the type is omitted)."""

    name = "mcuc.for"
    lower_bound = operand_def()
    upper_bound = operand_def()
    step = operand_def()
    body = region_def("single_block")
    traits = traits_def(InFunction())

    def __init__(
        self,
        lower_bound: SSAValue | Operation,
        upper_bound: SSAValue | Operation,
        step: SSAValue | Operation,
        body: Region | Block | None = None,
    ):
        t = SSAValue.get(lower_bound).type
        if body is None:
            body = Block((YieldOp(),), arg_types=(t,))
        if isinstance(body, Block):
            body = Region(body)
        super().__init__(operands=[lower_bound, upper_bound, step], regions=[body])

    @property
    def induction_var(self):
        return self.body.block.args[0]

    @classmethod
    def parse(cls, parser: Parser) -> ForOp:
        indvar = parser.parse_argument(expect_type=False)
        parser.parse_punctuation("=")
        lb = parser.parse_unresolved_operand()
        parser.parse_keyword("to")
        ub = parser.parse_unresolved_operand()
        parser.parse_keyword("step")
        step = parser.parse_unresolved_operand()
        t = parser.parse_type() if parser.parse_optional_punctuation(":") else IndexType()
        operands = [parser.resolve_operand(v, t) for v in (lb, ub, step)]
        body = _parse_body(parser, (indvar.resolve(t),))
        op = cls(*operands, body)
        op.attributes |= parser.parse_optional_attr_dict()
        return op

    def print(self, printer: Printer) -> None:
        printer.print_string(" ")
        printer.print_ssa_value(self.induction_var)
        printer.print_string(" = ")
        printer.print_operand(self.lower_bound)
        printer.print_string(" to ")
        printer.print_operand(self.upper_bound)
        printer.print_string(" step ")
        printer.print_operand(self.step)
        if not isinstance(self.lower_bound.type, IndexType):
            printer.print_string(" : ")
            printer.print_attribute(self.lower_bound.type)
        printer.print_string(" ")
        printer.print_region(self.body, print_entry_block_args=False, print_block_terminators=False)
        printer.print_op_attributes(self.attributes)

    def verify_(self) -> None:
        t = self.lower_bound.type
        if not (self.upper_bound.type == self.step.type == t):
            raise VerifyException("mcuc.for: lower bound, upper bound and step must have one type")
        if not is_integer(t):
            raise VerifyException(f"mcuc.for: bounds must be integers, got {t}")
        _verify_body(self, self.body, "body")
        args = self.body.block.args
        if len(args) != 1 or args[0].type != t:
            raise VerifyException(
                f"mcuc.for: the body takes exactly one argument, the induction variable of type {t}"
            )


@irdl_op_definition
class IfOp(IRDLOperation):
    """`if (c) { ... } else { ... }`: `mcuc.if %c { ... } else { ... }` (else optional)."""

    name = "mcuc.if"
    condition = operand_def(i1)
    then_region = region_def("single_block")
    else_region = region_def()
    traits = traits_def(InFunction())

    def __init__(
        self,
        condition: SSAValue | Operation,
        then_region: Region | Block | None = None,
        else_region: Region | Block | None = None,
    ):
        if then_region is None:
            then_region = Block((YieldOp(),))
        if isinstance(then_region, Block):
            then_region = Region(then_region)
        if else_region is None:
            else_region = Region()
        elif isinstance(else_region, Block):
            else_region = Region(else_region)
        super().__init__(operands=[condition], regions=[then_region, else_region])

    @classmethod
    def parse(cls, parser: Parser) -> IfOp:
        cond = parser.resolve_operand(parser.parse_unresolved_operand(), i1)
        then_region = _parse_body(parser)
        else_region = _parse_body(parser) if parser.parse_optional_keyword("else") else None
        op = cls(cond, then_region, else_region)
        op.attributes |= parser.parse_optional_attr_dict()
        return op

    def print(self, printer: Printer) -> None:
        printer.print_string(" ")
        printer.print_operand(self.condition)
        printer.print_string(" ")
        printer.print_region(
            self.then_region, print_entry_block_args=False, print_block_terminators=False
        )
        if self.else_region.blocks:
            printer.print_string(" else ")
            printer.print_region(
                self.else_region, print_entry_block_args=False, print_block_terminators=False
            )
        printer.print_op_attributes(self.attributes)

    def verify_(self) -> None:
        _verify_body(self, self.then_region, "then region")
        if self.then_region.block.args:
            raise VerifyException("mcuc.if: regions take no arguments")
        if self.else_region.blocks:
            _verify_body(self, self.else_region, "else region")
            if self.else_region.block.args:
                raise VerifyException("mcuc.if: regions take no arguments")


@irdl_op_definition
class ExpressionOp(IRDLOperation):
    """A value that is printed as one C expression inside its only user, as upstream
    emitc.expression; `mcuc-form-expressions` makes them:

        %e = mcuc.expression : i32 {
          %x = mcuc.load %acc : !emitc.lvalue<i32>
          %s = mcuc.add %x, %b : (i32, i32) -> i32
          mcuc.yield %s : i32
        }
        mcuc.assign %e to %acc : !emitc.lvalue<i32>      // acc += b;

    The body is a tree of C operators, casts, loads and calls (ops with CExpression), each
    result used once inside it, rooted at the yielded value; it may use values defined
    above. C evaluates the body where the user is, so the expression sits just before
    its user and has exactly one use, in the same block. A user that C evaluates more
    than once (a subscript, printed at each of its uses; a loop's bound or step) may
    only hold an expression that does not read memory."""

    name = "mcuc.expression"
    result = result_def()
    body = region_def("single_block")
    assembly_format = "attr-dict `:` type($result) $body"
    traits = traits_def(InFunction())

    def __init__(self, body: Region | Block):
        if isinstance(body, Block):
            body = Region(body)
        last = body.block.last_op
        assert isinstance(last, YieldOp) and last.value is not None
        super().__init__(result_types=[last.value.type], regions=[body])

    @property
    def root(self) -> SSAValue:
        """The yielded value: the outermost C operator of the expression."""
        last = self.body.block.last_op
        assert isinstance(last, YieldOp) and last.value is not None
        return last.value

    def reads_memory(self) -> bool:
        return any(isinstance(op, LoadOp | CallOp | CallOpaqueOp) for op in self.body.block.ops)

    def verify_(self) -> None:
        block = self.body.block
        last = block.last_op
        if not isinstance(last, YieldOp) or last.value is None:
            raise VerifyException("mcuc.expression: the body must end with mcuc.yield of a value")
        if last.value.type != self.result.type:
            raise VerifyException(
                f"mcuc.expression: yields {last.value.type}, but its result is {self.result.type}"
            )
        if block.args:
            raise VerifyException("mcuc.expression: the body takes no arguments")
        if last.value.owner.parent is not block:
            raise VerifyException("mcuc.expression: must yield a value computed in its body")
        for op in block.ops:
            if op is last:
                continue
            if not op.has_trait(CExpression):
                raise VerifyException(
                    f"mcuc.expression: '{op.name}' is not a C operator, cast, load or call"
                )
            users = [u.operation for r in op.results for u in r.uses]
            if len(op.results) != 1 or len(users) != 1 or users[0].parent is not block:
                raise VerifyException(
                    f"mcuc.expression: the result of '{op.name}' must be used exactly once, "
                    "inside the expression"
                )
        uses = list(self.result.uses)
        if len(uses) != 1:
            raise VerifyException(
                f"mcuc.expression: must have exactly one use (it is printed there), got {len(uses)}"
            )
        user, index = uses[0].operation, uses[0].index
        if self.parent is not None and user.parent is not self.parent:
            raise VerifyException("mcuc.expression: its user must be in the same block")
        if self.reads_memory() and (
            isinstance(user, SubscriptOp) or (isinstance(user, ForOp) and index > 0)
        ):
            raise VerifyException(
                f"mcuc.expression: reads memory, but '{user.name}' evaluates it more than once"
            )


MCUC = Dialect(
    "mcuc",
    [
        IncludeOp,
        VerbatimOp,
        CommentOp,
        GlobalOp,
        FuncOp,
        ReturnOp,
        CallOp,
        CallOpaqueOp,
        VariableOp,
        AssignOp,
        LoadOp,
        GetGlobalOp,
        SubscriptOp,
        LiteralOp,
        ConstantOp,
        AddOp,
        SubOp,
        MulOp,
        DivOp,
        RemOp,
        BitwiseAndOp,
        BitwiseOrOp,
        BitwiseXorOp,
        ShlOp,
        ShrOp,
        LogicalAndOp,
        LogicalOrOp,
        CmpOp,
        UnaryMinusOp,
        BitwiseNotOp,
        LogicalNotOp,
        ConditionalOp,
        CastOp,
        YieldOp,
        ForOp,
        IfOp,
        ExpressionOp,
        SmladOp,
        SmmulrOp,
        Sxtb16Op,
        Sxtab16Op,
        SsatOp,
        LoadS8x4Op,
        LoadWordsOp,
    ],
    [ConstType, CmpPredicateAttr],
)

PRINTED_AT_USES = (ConstantOp, LiteralOp, GetGlobalOp, SubscriptOp)
"""Names, literals and lvalues: the C printer writes them at each use, never as a statement."""
