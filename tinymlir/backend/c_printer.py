"""`-t c`: prints a module of `mcuc` ops as a C99 translation unit.

The output compiles with `cc -std=c99 -Wall -Wextra -Werror -pedantic`. It is
laid out for people: 4-space indentation and C names taken from the SSA names
(`%acc` -> `acc`). It prints what the IR says and decides nothing, as upstream
MLIR's C++ emitter with `emitc.expression`; `mcuc-form-expressions` and
`mcuc-drop-dead-values` make the decisions:

* An `mcuc.expression` is printed inside its only user; the ops in its body
  are its operators. `mcuc.constant`, `mcuc.literal`, `mcuc.get_global` and
  `mcuc.subscript` are names and literals, printed at each use (`w[i][j]`,
  `42`, `INT8_MIN`; mcuc.PRINTED_AT_USES).
* Every other value is bound to a `const` local, named after the SSA value, in
  IR order: without mcuc-form-expressions, one statement per value. An unused
  call is a statement; another unused value is printed as `(void)(...);`.
* `acc = acc OP x` is printed as `acc OP= x` when the load of `acc` and the
  operator are one expression.
* Operators are parenthesised by C precedence, and also wherever GCC's
  -Wparentheses would ask for it (shifts, bitwise and logical operators and
  comparisons get explicit parentheses around non-trivial operands).
* Arithmetic on 8/16-bit integers is computed in `int` by C; when such an
  expression is folded into a non-converting context it is wrapped in a cast to
  its result type (`(int8_t)(a + b)`), so folding never changes a value.

Includes needed by the types used (`stdint.h`, `stdbool.h`, `stddef.h`) are
added unless the module includes them itself. Alignment and sections go
through the `TINYMLIR_ALIGN(n)` / `TINYMLIR_SECTION(s)` macros, defined once
(GCC/Clang attributes, empty for other compilers, overridable with -D).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import singledispatchmethod
from typing import IO, NamedTuple

import numpy as np
from xdsl.context import Context
from xdsl.dialects.builtin import (
    DenseIntOrFPElementsAttr,
    Float32Type,
    Float64Type,
    FloatAttr,
    IndexType,
    IntegerAttr,
    IntegerType,
    ModuleOp,
    Signedness,
)
from xdsl.dialects.emitc import (
    EmitC_ArrayType,
    EmitC_LValueType,
    EmitC_OpaqueAttr,
    EmitC_OpaqueType,
    EmitC_PointerType,
    EmitC_PtrDiffT,
    EmitC_SignedSizeT,
    EmitC_SizeT,
)
from xdsl.ir import Attribute, Block, Operation, SSAValue
from xdsl.utils.base_printer import BasePrinter
from xdsl.utils.target import Target

from tinymlir.backend.c_initializers import format_initializer
from tinymlir.dialects import mcuc
from tinymlir.errors import TinymlirError
from tinymlir.ir_walk import walk_ops

# --------------------------------------------------------------------------- #
# Types
# --------------------------------------------------------------------------- #


def c_type_name(t: Attribute) -> str:
    """The C spelling of a scalar type without declarator (`int8_t`, `const int8_t *`)."""
    return c_declaration(t, "")


def _scalar_name(t: Attribute) -> str:
    if isinstance(t, IntegerType):
        width = t.width.data
        if width == 1:
            return "bool"
        prefix = "uint" if t.signedness.data == Signedness.UNSIGNED else "int"
        return f"{prefix}{width}_t"
    if isinstance(t, IndexType):
        return "int32_t"
    if isinstance(t, Float32Type):
        return "float"
    if isinstance(t, Float64Type):
        return "double"
    if isinstance(t, EmitC_SizeT):
        return "size_t"
    if isinstance(t, EmitC_PtrDiffT):
        return "ptrdiff_t"
    if isinstance(t, EmitC_OpaqueType):
        return t.value.data
    if isinstance(t, mcuc.ConstType):
        return "const " + _scalar_name(t.element_type)
    raise TinymlirError(f"type {t} has no C99 equivalent")


def c_declaration(t: Attribute, name: str, *, const: bool = False) -> str:
    """A C declaration of `name` with type `t` (`int8_t w[2][3]`, `const int8_t *p`).

    With `const`, the declared object itself is const (`const int32_t x`,
    `int8_t *const p`). An empty `name` gives an abstract declarator (casts)."""
    if isinstance(t, EmitC_LValueType):
        t = t.value_type
    if isinstance(t, EmitC_ArrayType):
        dims = "".join(f"[{d}]" for d in t.get_shape())
        return c_declaration(t.element_type, name + dims, const=const)
    if isinstance(t, EmitC_PointerType):
        inner = "*const " + name if const else "*" + name
        return c_declaration(t.pointee_type, inner.rstrip())
    base = _scalar_name(t)
    if const:
        base = "const " + base
    return f"{base} {name}" if name else base


def _visit_types(t: Attribute, needs: set[str]) -> None:
    """Adds the headers type `t` needs to `needs`."""
    try:
        headers = _TYPE_HEADERS.get(t)
    except TypeError:  # an unhashable attribute: no memo
        _search_headers(t, needs)
        return
    if headers is None:
        found: set[str] = set()
        _search_headers(t, found)
        if len(_TYPE_HEADERS) >= 4096:  # bounded across the compiles of a process
            _TYPE_HEADERS.clear()
        headers = _TYPE_HEADERS[t] = frozenset(found)
    needs |= headers


#: _visit_types' answers by type (types are immutable; a module's values share a few).
_TYPE_HEADERS: dict[Attribute, frozenset[str]] = {}


def _search_headers(t: Attribute, needs: set[str]) -> None:
    if isinstance(t, IntegerType):
        needs.add("stdbool.h" if t.width.data == 1 else "stdint.h")
    elif isinstance(t, IndexType):
        needs.add("stdint.h")
    elif isinstance(t, EmitC_SizeT | EmitC_PtrDiffT | EmitC_SignedSizeT):
        needs.add("stddef.h")
    elif isinstance(t, EmitC_PointerType):
        _visit_types(t.pointee_type, needs)
    elif isinstance(t, mcuc.ConstType):
        _visit_types(t.element_type, needs)
    elif isinstance(t, EmitC_ArrayType):
        _visit_types(t.element_type, needs)
    elif isinstance(t, EmitC_LValueType):
        _visit_types(t.value_type, needs)


# --------------------------------------------------------------------------- #
# Literals
# --------------------------------------------------------------------------- #

PRIMARY, POSTFIX, UNARY = 17, 16, 15
MUL, ADD, SHIFT, REL, EQ = 13, 12, 11, 9, 8
BIT_AND, BIT_XOR, BIT_OR, LOG_AND, LOG_OR, COND, LOWEST = 7, 6, 5, 4, 3, 2, 0


class Expr(NamedTuple):
    """A C expression: its text, C precedence and kind (for -Wparentheses rules)."""

    text: str
    prec: int = PRIMARY
    kind: str = "primary"
    operator: str = ""


def _int_info(t: Attribute) -> tuple[int, bool]:
    if isinstance(t, IndexType):
        return 32, False
    assert isinstance(t, IntegerType)
    return t.width.data, t.signedness.data == Signedness.UNSIGNED


def int_literal(value: int, t: Attribute) -> Expr:
    """A C literal of integer type `t` (`42`, `42u`, `INT64_C(42)`, `(-2147483647 - 1)`).

    Assumes a 32-bit `int`, as on Cortex-M and every desktop target."""
    width, unsigned = _int_info(t)
    if width == 1:
        return Expr("true" if value else "false")
    if unsigned:
        value &= (1 << width) - 1
        if width <= 16:
            return Expr(str(value))
        return Expr(f"{value}u" if width == 32 else f"UINT64_C({value})")
    if value == -(1 << (width - 1)) and width >= 32:
        text = "(-2147483647 - 1)" if width == 32 else "(-INT64_C(9223372036854775807) - 1)"
        return Expr(text)
    magnitude = str(abs(value)) if width <= 32 else f"INT64_C({abs(value)})"
    if value < 0:
        return Expr("-" + magnitude, UNARY, "unary", "-")
    return Expr(magnitude)


def float_literal(value: float, t: Attribute) -> Expr:
    """Shortest round-tripping literal: `1.5f` (f32), `0.1` (f64)."""
    if isinstance(t, Float32Type):
        text = str(np.float32(value))
    else:
        text = repr(float(value))
    if not any(c in text for c in ".e"):
        text += ".0"
    if isinstance(t, Float32Type):
        text += "f"
    if text.startswith("-"):
        return Expr(text, UNARY, "unary", "-")
    return Expr(text)


_SIMPLE_LITERAL = re.compile(r"([A-Za-z_][A-Za-z0-9_]*|[0-9][A-Za-z0-9_.]*)\Z")


def _literal_expr(text: str) -> Expr:
    text = text.strip()
    if _SIMPLE_LITERAL.match(text):
        return Expr(text)
    return Expr(text, LOWEST, "opaque")


# --------------------------------------------------------------------------- #
# Names
# --------------------------------------------------------------------------- #

_NOT_IDENTIFIER_CHAR = re.compile(r"[^A-Za-z0-9_]")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def sanitize_identifier(hint: str) -> str:
    """A C identifier close to `hint` that is no keyword nor reserved name."""
    name = _NOT_IDENTIFIER_CHAR.sub("_", hint)
    if not name or name[0].isdigit():
        name = "v" + name
    if mcuc._RESERVED_PATTERN.match(name):
        name = "v" + name
    if name in mcuc.C_RESERVED_NAMES:
        name += "_"
    return name


# --------------------------------------------------------------------------- #
# Operator tables
# --------------------------------------------------------------------------- #

_BINARY: dict[type[Operation], tuple[str, int, str]] = {
    mcuc.MulOp: ("*", MUL, "arith"),
    mcuc.DivOp: ("/", MUL, "arith"),
    mcuc.RemOp: ("%", MUL, "arith"),
    mcuc.AddOp: ("+", ADD, "arith"),
    mcuc.SubOp: ("-", ADD, "arith"),
    mcuc.ShlOp: ("<<", SHIFT, "shift"),
    mcuc.ShrOp: (">>", SHIFT, "shift"),
    mcuc.BitwiseAndOp: ("&", BIT_AND, "bitwise"),
    mcuc.BitwiseXorOp: ("^", BIT_XOR, "bitwise"),
    mcuc.BitwiseOrOp: ("|", BIT_OR, "bitwise"),
    mcuc.LogicalAndOp: ("&&", LOG_AND, "logical"),
    mcuc.LogicalOrOp: ("||", LOG_OR, "logical"),
}

_COMPOUND_ASSIGNABLE = (
    mcuc.AddOp,
    mcuc.SubOp,
    mcuc.MulOp,
    mcuc.DivOp,
    mcuc.RemOp,
    mcuc.ShlOp,
    mcuc.ShrOp,
    mcuc.BitwiseAndOp,
    mcuc.BitwiseOrOp,
    mcuc.BitwiseXorOp,
)

# Results C computes in `int` for 8/16-bit operands and that may not fit back.
_PROMOTING = (
    mcuc.AddOp,
    mcuc.SubOp,
    mcuc.MulOp,
    mcuc.DivOp,
    mcuc.RemOp,
    mcuc.ShlOp,
    mcuc.UnaryMinusOp,
    mcuc.BitwiseNotOp,
)

_NOT_STATEMENTS = (mcuc.ExpressionOp, *mcuc.PRINTED_AT_USES)
_CALLS = (mcuc.CallOp, mcuc.CallOpaqueOp)


def _users(value: SSAValue) -> list[Operation]:
    return [u.operation for u in value.uses]


def _needs_parens(child: Expr, prec: int, kind: str, operator: str, is_rhs: bool) -> bool:
    """Whether an operand of a binary operator needs parentheses: for C
    precedence, or to keep GCC's -Wparentheses quiet and the code obvious."""
    if child.prec >= UNARY:
        return False
    if kind == "arith":
        return child.prec < prec + (1 if is_rhs else 0)
    if kind == "cmp":
        return child.kind != "arith"
    if kind == "logical":
        if child.kind in ("arith", "cmp"):
            return False
        return not (child.kind == "logical" and child.operator == operator and not is_rhs)
    # shifts and bitwise operators: parenthesise every non-trivial operand,
    # except a left-nested chain of the same bitwise operator (a & b & c).
    return not (
        kind == "bitwise" and child.kind == "bitwise" and child.operator == operator and not is_rhs
    )


# --------------------------------------------------------------------------- #
# The printer
# --------------------------------------------------------------------------- #

ALIGN_SECTION_MACROS = """\
#ifndef TINYMLIR_ALIGN
#if defined(__GNUC__) || defined(__clang__)
#define TINYMLIR_ALIGN(n) __attribute__((aligned(n)))
#else
#define TINYMLIR_ALIGN(n)
#endif
#endif
#ifndef TINYMLIR_SECTION
#if defined(__GNUC__) || defined(__clang__)
#define TINYMLIR_SECTION(s) __attribute__((section(s)))
#else
#define TINYMLIR_SECTION(s)
#endif
#endif"""

BANNER = "/* Generated by tinymlir (mcuc -> C99). Do not edit. */"


class GlobalSpan(NamedTuple):
    """Where a global with an initial value is in the printed text (character offsets):
    `text[start:start + storage]` is its storage class (`static `, or empty) and
    `text[initializer:end]` its ` = ...` part, before the `;`."""

    start: int
    storage: int
    initializer: int
    end: int


@dataclass(eq=False, repr=False)
class CPrinter(BasePrinter):
    """Prints an mcuc module as C99 (see the module docstring)."""

    indent_num_spaces: int = field(default=4, kw_only=True)
    banner: bool = field(default=True, kw_only=True)
    #: When a dict (and the stream an io.StringIO), receives the GlobalSpan of every global
    #: with an initial value, by symbol name.
    global_spans: dict[str, GlobalSpan] | None = field(default=None, kw_only=True)
    #: Globals (by symbol name; they need `global_spans`) whose initialiser list is left out
    #: of the text: their span has `initializer == end`, and `deferred` keeps their value and
    #: type so that `complete_deferred` formats and inserts them later. The flash-size compile
    #: of the code unit (where these large arrays are `extern`) can then start before the
    #: weights are formatted (tinymlir.backend.c_library.render_library).
    defer_initializers: frozenset[str] = field(default=frozenset(), kw_only=True)
    deferred: dict[str, tuple[Attribute, Attribute]] = field(default_factory=dict, init=False)

    _started: bool = field(default=False, init=False)
    _reserved: set[str] = field(default_factory=set, init=False)
    _names: dict[SSAValue, str] = field(default_factory=dict, init=False)
    _scopes: list[set[str]] = field(default_factory=list, init=False)
    _counter: int = field(default=0, init=False)

    # -- output -------------------------------------------------------------- #

    def _line(self, text: str = "") -> None:
        if self._started:
            self.print_string("\n")
        self._started = True
        self.print_string(text)

    def _comment(self, text: str) -> None:
        lines = text.splitlines() or [""]
        if len(lines) == 1:
            self._line(f"/* {lines[0]} */".replace("/*  */", "/* */"))
            return
        self._line("/*")
        for line in lines:
            self._line(f" * {line}".rstrip())
        self._line(" */")

    # -- module -------------------------------------------------------------- #

    def print_module(self, module: ModuleOp) -> None:
        identifiers, headers, forward, dsp = _module_facts(module)
        self._reserved = set(mcuc.C_RESERVED_NAMES) | identifiers
        if self.banner:
            self._line(BANNER)
            self._line()
        explicit = {op.include.data for op in module.ops if isinstance(op, mcuc.IncludeOp)}
        needed = sorted(headers - explicit)
        for header in needed:
            self._line(f"#include <{header}>")
        previous: str | None = "include" if needed else None
        macros = any(
            isinstance(op, mcuc.GlobalOp) and (op.alignment is not None or op.section is not None)
            for op in module.ops
        )
        for op in module.ops:
            kind = _top_kind(op)
            if dsp and kind == "func":  # the helpers the DSP ops are printed as
                if previous is not None:
                    self._line()
                for line in mcuc.DSP_HELPERS.splitlines():
                    self._line(line)
                dsp, previous = False, "helpers"
            if macros and kind != "include":
                if previous is not None:
                    self._line()
                for line in ALIGN_SECTION_MACROS.splitlines():
                    self._line(line)
                macros, previous = False, "macros"
            if forward and kind == "func":
                if previous is not None and previous != "proto":
                    self._line()
                for func in forward:
                    self._line(self._signature(func, None) + ";")
                forward = []
                previous = "proto"
            if previous is not None and not (
                previous == "comment" or (kind == previous and kind in _GROUPED)
            ):
                self._line()
            self.print_op(op)
            previous = kind
        self.print_string("\n")

    @singledispatchmethod
    def print_op(self, op: Operation) -> None:
        raise TinymlirError(f"c target: cannot print '{op.name}' here")

    @print_op.register
    def _(self, op: mcuc.IncludeOp) -> None:
        path = op.include.data
        self._line(f"#include <{path}>" if op.is_standard else f'#include "{path}"')

    @print_op.register
    def _(self, op: mcuc.VerbatimOp) -> None:
        for line in op.value.data.splitlines():
            self._line(line)

    @print_op.register
    def _(self, op: mcuc.CommentOp) -> None:
        self._comment(op.text.data)

    @print_op.register
    def _(self, op: mcuc.GlobalOp) -> None:
        attributes = ""
        if op.alignment is not None:
            attributes += f" TINYMLIR_ALIGN({op.alignment.value.data})"
        if op.section is not None:
            attributes += f' TINYMLIR_SECTION("{op.section.data}")'
        if op.comment is not None:
            self._comment(op.comment.data)
        storage = "extern " if op.is_extern else "static " if op.is_static else ""
        declaration = c_declaration(op.type, op.sym_name.data, const=op.is_const)
        init = ""
        name = op.sym_name.data
        if (value := op.initial_value) is not None and name in self.defer_initializers:
            assert self.global_spans is not None and isinstance(self.stream, io.StringIO)
            self.deferred[name] = (value, op.type)
        elif value is not None:
            init = " = " + initializer_text(value, op.type)
        line = f"{storage}{declaration}{attributes}{init};"
        if name in self.deferred or (
            init and self.global_spans is not None and isinstance(self.stream, io.StringIO)
        ):
            start = self.stream.tell() + int(self._started)  # _line writes a newline first
            end = start + len(line) - 1
            self.global_spans[name] = GlobalSpan(start, len(storage), end - len(init), end)
        self._line(line)

    # -- functions ----------------------------------------------------------- #

    def _signature(self, op: mcuc.FuncOp, names: Sequence[str] | None) -> str:
        inputs = op.function_type.inputs.data
        outputs = op.function_type.outputs.data
        result = c_type_name(outputs[0]) if outputs else "void"
        params = [c_declaration(t, "" if names is None else names[i]) for i, t in enumerate(inputs)]
        static = "static " if op.is_static else ""
        return f"{static}{result} {op.sym_name.data}({', '.join(params) or 'void'})"

    @print_op.register
    def _(self, op: mcuc.FuncOp) -> None:
        if op.comment is not None:
            self._comment(op.comment.data)
        if op.is_declaration:
            self._line(self._signature(op, None) + ";")
            return
        self._names, self._counter = {}, 0
        self._scopes = [set()]
        block = op.body.block
        names = [self._bind(arg) for arg in block.args]
        self._line(self._signature(op, names) + " {")
        with self.indented():
            for arg, name in zip(block.args, names, strict=True):
                if not arg.uses:
                    self._line(f"(void){name};")
            self._print_block(block)
        self._line("}")

    # -- naming -------------------------------------------------------------- #

    def _is_free(self, name: str) -> bool:
        return name not in self._reserved and not any(name in s for s in self._scopes)

    def _bind(self, value: SSAValue) -> str:
        """Gives `value` a fresh C name in the innermost scope."""
        if value.name_hint:
            base = sanitize_identifier(value.name_hint)
            name, k = base, 0
            while not self._is_free(name):
                k += 1
                name = f"{base}_{k}"
        else:
            while True:
                self._counter += 1
                name = f"v{self._counter}"
                if self._is_free(name):
                    break
        self._scopes[-1].add(name)
        self._names[value] = name
        return name

    # -- statements ----------------------------------------------------------- #

    def _print_block(self, block: Block) -> None:
        for op in block.ops:
            self._statement(op)

    @singledispatchmethod
    def _statement(self, op: Operation) -> None:
        if isinstance(op, _NOT_STATEMENTS):
            return  # printed at its uses
        if not op.has_trait(mcuc.CExpression):
            raise TinymlirError(f"c target: cannot print '{op.name}' as a statement")
        if not op.results or not op.results[0].uses:
            expr = self._render(op)
            if isinstance(op, _CALLS):
                self._line(expr.text + ";")  # a call for its side effects
            else:
                self._line(f"(void){self._wrap(expr, expr.prec < UNARY)};")
            return
        value = op.results[0]
        name = self._bind(value)
        declaration = c_declaration(value.type, name, const=True)
        self._line(f"{declaration} = {self._render(op).text};")

    @_statement.register
    def _(self, op: mcuc.VariableOp) -> None:
        name = self._bind(op.result)
        t = op.result.type
        if op.init is not None:
            self._line(f"{c_declaration(t, name)} = {self._expr(op.init, convert=True).text};")
        else:
            self._line(f"{c_declaration(t, name)};")
        reads = [
            u
            for u in _users(op.result)
            if not (isinstance(u, mcuc.AssignOp) and u.var == op.result)
        ]
        if not reads:
            self._line(f"(void){name};")

    @_statement.register
    def _(self, op: mcuc.AssignOp) -> None:
        target = self._expr(op.var).text
        expression = op.value.owner
        if (
            isinstance(expression, mcuc.ExpressionOp)
            and isinstance(value := expression.root.owner, _COMPOUND_ASSIGNABLE)
            and isinstance(load := value.lhs.owner, mcuc.LoadOp)
            and load.parent is value.parent
            and load.operand == op.var
        ):
            operator = _BINARY[type(value)][0]
            self._line(f"{target} {operator}= {self._expr(value.rhs).text};")
            return
        self._line(f"{target} = {self._expr(op.value, convert=True).text};")

    @_statement.register
    def _(self, op: mcuc.ReturnOp) -> None:
        if op.value is None:
            return  # the end of a void function
        self._line(f"return {self._expr(op.value, convert=True).text};")

    @_statement.register
    def _(self, op: mcuc.LoadWordsOp) -> None:
        if not isinstance(op.ref.type, EmitC_LValueType):
            raise TinymlirError("c target: mcuc.load_words on a memref (run convert-memref-to-mcuc first)")
        element = self._expr(op.ref)
        name = self._bind(op.words[0])
        self._line(f"const tinymlir_w32x{len(op.words)} {name} = "
                   f"{op.helper_name}(&{self._wrap(element, element.prec < POSTFIX)});")
        for j, word in enumerate(op.words):  # the results: the words of the helper's value
            self._names[word] = f"tinymlir_word({name}, {j})"

    @_statement.register
    def _(self, op: mcuc.YieldOp) -> None:
        pass

    @_statement.register
    def _(self, op: mcuc.CommentOp) -> None:
        self._comment(op.text.data)

    @_statement.register
    def _(self, op: mcuc.VerbatimOp) -> None:
        for line in op.value.data.splitlines():
            self._line(line)

    @_statement.register
    def _(self, op: mcuc.ForOp) -> None:
        lower = self._expr(op.lower_bound, convert=True).text
        upper_expr = self._expr(op.upper_bound)
        # `iv < a ? b : c` would parse as `(iv < a) ? b : c`: bracket anything that binds
        # no tighter than `<`.
        upper = self._wrap(upper_expr, upper_expr.prec <= REL)
        step_op = op.step.owner
        self._scopes.append(set())
        iv = self._bind(op.induction_var)
        if isinstance(step_op, mcuc.ConstantOp) and step_op.value.value.data == 1:
            increment = f"++{iv}"
        else:
            increment = f"{iv} += {self._expr(op.step).text}"
        declaration = c_declaration(op.lower_bound.type, iv)
        self._line(f"for ({declaration} = {lower}; {iv} < {upper}; {increment}) {{")
        with self.indented():
            self._print_block(op.body.block)
        self._scopes.pop()
        self._line("}")

    @_statement.register
    def _(self, op: mcuc.IfOp) -> None:
        self._line(f"if ({self._expr(op.condition).text}) {{")
        self._scoped_block(op.then_region.block)
        else_block = op.else_region.blocks.first
        if else_block is not None and any(not isinstance(o, mcuc.YieldOp) for o in else_block.ops):
            self._line("} else {")
            self._scoped_block(else_block)
        self._line("}")

    def _scoped_block(self, block: Block) -> None:
        self._scopes.append(set())
        with self.indented():
            self._print_block(block)
        self._scopes.pop()

    # -- expressions ---------------------------------------------------------- #

    def _expr(self, value: SSAValue, *, convert: bool = False) -> Expr:
        """`value` as a C expression. With `convert`, the context converts to
        the value's type anyway (assignment, initialisation, return, call
        argument), so narrow arithmetic needs no cast."""
        if (name := self._names.get(value)) is not None:
            return Expr(name)
        op = value.owner
        assert isinstance(op, Operation), f"unnamed block argument {value}"
        if isinstance(op, mcuc.ExpressionOp):
            return self._expr(op.root, convert=convert)
        if not (
            isinstance(op, mcuc.PRINTED_AT_USES) or isinstance(op.parent_op(), mcuc.ExpressionOp)
        ):
            raise TinymlirError(f"c target: '{op.name}' is used before it is printed")
        expr = self._render(op)
        if (
            not convert
            and isinstance(op, _PROMOTING)
            and mcuc.is_narrow_integer(op.results[0].type)
        ):
            cast = c_type_name(op.results[0].type)
            return Expr(f"({cast})({expr.text})", UNARY, "cast")
        return expr

    def _wrap(self, expr: Expr, parens: bool) -> str:
        return f"({expr.text})" if parens else expr.text

    @singledispatchmethod
    def _render(self, op: Operation) -> Expr:
        if type(op) in _BINARY:
            operator, prec, kind = _BINARY[type(op)]
            return self._binary(op, operator, prec, kind)
        raise TinymlirError(f"c target: '{op.name}' is not an expression")

    def _binary(self, op: Operation, operator: str, prec: int, kind: str) -> Expr:
        lhs, rhs = (self._expr(v) for v in op.operands)
        left = self._wrap(lhs, _needs_parens(lhs, prec, kind, operator, is_rhs=False))
        right = self._wrap(rhs, _needs_parens(rhs, prec, kind, operator, is_rhs=True))
        return Expr(f"{left} {operator} {right}", prec, kind, operator)

    @_render.register
    def _(self, op: mcuc.CmpOp) -> Expr:
        operator = op.c_operator
        return self._binary(op, operator, EQ if operator in ("==", "!=") else REL, "cmp")

    def _unary(self, operator: str, operand: SSAValue) -> Expr:
        inner = self._expr(operand)
        parens = inner.prec < POSTFIX and inner.kind != "cast"
        return Expr(operator + self._wrap(inner, parens), UNARY, "unary", operator)

    @_render.register
    def _(self, op: mcuc.UnaryMinusOp) -> Expr:
        return self._unary("-", op.operand)

    @_render.register
    def _(self, op: mcuc.BitwiseNotOp) -> Expr:
        return self._unary("~", op.operand)

    @_render.register
    def _(self, op: mcuc.LogicalNotOp) -> Expr:
        return self._unary("!", op.operand)

    @_render.register
    def _(self, op: mcuc.ConditionalOp) -> Expr:
        parts = [self._expr(v) for v in op.operands]
        c, a, b = (self._wrap(p, p.prec <= COND) for p in parts)
        return Expr(f"{c} ? {a} : {b}", COND, "cond")

    @_render.register
    def _(self, op: mcuc.CastOp) -> Expr:
        src, dst = op.source.type, op.dest.type
        inner = self._expr(op.source)
        if isinstance(src, EmitC_ArrayType):
            if len(src.get_shape()) == 1:
                return inner  # the array decays to a pointer to its first element
            base = self._wrap(inner, inner.prec < POSTFIX)
            zeros = "[0]" * len(src.get_shape())
            return Expr(f"&{base}{zeros}", UNARY, "unary", "&")
        if (
            isinstance(src, EmitC_PointerType)
            and isinstance(dst, EmitC_PointerType)
            and not isinstance(src.pointee_type, mcuc.ConstType)
            and dst.pointee_type == mcuc.ConstType(src.pointee_type)  # pyright: ignore
        ):
            return inner  # adding const is implicit
        if c_type_name(src) == c_type_name(dst):
            return inner  # e.g. index -> i32: both int32_t
        return Expr(f"({c_type_name(dst)}){self._wrap(inner, inner.prec < UNARY)}", UNARY, "cast")

    @_render.register
    def _(self, op: mcuc.LoadOp) -> Expr:
        return self._expr(op.operand)

    @_render.register
    def _(self, op: mcuc.CallOp) -> Expr:
        args = ", ".join(self._expr(a, convert=True).text for a in op.args)
        return Expr(f"{op.callee.root_reference.data}({args})", POSTFIX, "postfix")

    @_render.register
    def _(self, op: mcuc.CallOpaqueOp) -> Expr:
        args = ", ".join(self._expr(a).text for a in op.args)
        return Expr(f"{op.callee.data}({args})", POSTFIX, "postfix")

    @_render.register
    def _(self, op: mcuc.SubscriptOp) -> Expr:
        base = self._expr(op.value)
        indices = "".join(f"[{self._expr(i).text}]" for i in op.indices)
        return Expr(f"{self._wrap(base, base.prec < POSTFIX)}{indices}", POSTFIX, "postfix")

    @_render.register
    def _(self, op: mcuc.GetGlobalOp) -> Expr:
        return Expr(op.global_name.root_reference.data)

    @_render.register
    def _(self, op: mcuc.DspHelperCall) -> Expr:
        args = ", ".join(self._expr(a, convert=True).text for a in op.operands)  # type: ignore[attr-defined]
        return Expr(f"{op.helper_name}({args})", POSTFIX, "postfix")

    @_render.register
    def _(self, op: mcuc.LoadS8x4Op) -> Expr:
        if not isinstance(op.ref.type, EmitC_LValueType):
            raise TinymlirError("c target: mcuc.load_s8x4 on a memref (run convert-memref-to-mcuc first)")
        element = self._expr(op.ref)
        return Expr(f"tinymlir_load_s8x4(&{self._wrap(element, element.prec < POSTFIX)})", POSTFIX, "postfix")

    @_render.register
    def _(self, op: mcuc.LiteralOp) -> Expr:
        return _literal_expr(op.value.data)

    @_render.register
    def _(self, op: mcuc.ConstantOp) -> Expr:
        value = op.value
        if isinstance(value, IntegerAttr):
            return int_literal(value.value.data, value.type)
        return float_literal(value.value.data, value.type)


# --------------------------------------------------------------------------- #
# Module-level analyses
# --------------------------------------------------------------------------- #

_GROUPED = frozenset({"include", "verbatim", "proto"})


def _top_kind(op: Operation) -> str:
    if isinstance(op, mcuc.IncludeOp):
        return "include"
    if isinstance(op, mcuc.VerbatimOp):
        return "verbatim"
    if isinstance(op, mcuc.CommentOp):
        return "comment"
    if isinstance(op, mcuc.FuncOp):
        return "proto" if op.is_declaration else "func"
    return "global"


def check_only_mcuc(module: ModuleOp) -> None:
    """Raises a TinymlirError naming the first op that is not an mcuc op."""
    for op in walk_ops(module):
        if op is module:
            continue
        if not op.name.startswith("mcuc."):
            raise TinymlirError(
                f"c target: cannot print '{op.name}': the module must contain only mcuc "
                "ops (lower it to mcuc first)"
            )


#: What _module_facts looks at in an op, by the op's class (memoised: a chain of isinstance
#: tests per op was most of that walk's time).
_FACT_KINDS: dict[type, str | None] = {}
_FACT_CLASSES = (
    (mcuc.GlobalOp, "global"), (mcuc.FuncOp, "func"), (mcuc.CallOpaqueOp, "opaque"),
    (mcuc.LiteralOp, "literal"), (mcuc.VerbatimOp, "verbatim"), (mcuc.CallOp, "call"),
)


def _fact_kind(op: Operation) -> str | None:
    cls = type(op)
    if cls not in _FACT_KINDS:
        _FACT_KINDS[cls] = next((kind for c, kind in _FACT_CLASSES if isinstance(op, c)), None)
    return _FACT_KINDS[cls]


def _module_facts(module: ModuleOp) -> tuple[set[str], set[str], list[mcuc.FuncOp], bool]:
    """What print_module needs before printing, in one walk over the module: it checks that
    only mcuc ops are left (as check_only_mcuc), and returns the names local variables must
    not take (symbols, called and literal names), the headers the types need, the
    functions called above their definition (forward declarations, in module order) and
    whether any DSP op is used (its helpers are printed then)."""
    names: set[str] = set()
    needs: set[str] = set()
    position: dict[Operation, int] = {}
    functions: dict[str, mcuc.FuncOp] = {}
    calls: list[tuple[mcuc.FuncOp, str]] = []
    classes: set[type] = set()
    for index, top in enumerate(module.ops):
        position[top] = index
        caller = top if isinstance(top, mcuc.FuncOp) else None
        if caller is not None:
            functions[caller.sym_name.data] = caller
        for op in walk_ops(top):
            if not op.name.startswith("mcuc."):
                raise TinymlirError(
                    f"c target: cannot print '{op.name}': the module must contain only mcuc "
                    "ops (lower it to mcuc first)"
                )
            classes.add(type(op))
            for result in op.results:
                _visit_types(result.type, needs)
            for region in op.regions:
                for block in region.blocks:
                    for arg in block.args:
                        _visit_types(arg.type, needs)
            kind = _fact_kind(op)
            if kind is None:
                continue
            if kind == "global":
                names.add(op.sym_name.data)
                _visit_types(op.type, needs)
            elif kind == "func":
                names.add(op.sym_name.data)
                for t in (*op.function_type.inputs.data, *op.function_type.outputs.data):
                    _visit_types(t, needs)
            elif kind == "opaque":
                names.add(op.callee.data)
            elif kind == "literal":
                names.update(_WORD.findall(op.value.data))
            elif kind == "verbatim" and op is top:
                names.update(_WORD.findall(op.value.data))
            elif kind == "call" and caller is not None:
                calls.append((caller, op.callee.root_reference.data))
    dsp = any(issubclass(cls, mcuc.DSP_OPS) for cls in classes)
    needed: set[mcuc.FuncOp] = set()
    for caller, name in calls:
        callee = functions.get(name)
        if (
            callee is not None
            and functions[caller.sym_name.data] is caller  # callers in module order
            and position[callee] > position[caller]
        ):
            needed.add(callee)
    return names, needs, sorted(needed, key=position.__getitem__), dsp


def _dispatch_by_class(method: singledispatchmethod) -> Callable:
    """`method` as a plain function over the same registry: singledispatchmethod builds a
    wrapper (functools.update_wrapper) on every attribute access in Python 3.11, which was
    a quarter of the printer's time; looking the op's class up directly is what it does."""
    dispatch = method.dispatcher.dispatch

    def dispatched(self, op: Operation, *args, **kwargs):
        return dispatch(type(op))(self, op, *args, **kwargs)

    dispatched.__doc__ = method.func.__doc__
    return dispatched


for _method in ("print_op", "_statement", "_render"):
    setattr(CPrinter, _method, _dispatch_by_class(CPrinter.__dict__[_method]))


def initializer_text(value: Attribute, t: Attribute) -> str:
    """What follows ` = ` in the definition of a global of type `t` with initial `value`."""
    if isinstance(value, DenseIntOrFPElementsAttr):
        assert isinstance(t, EmitC_ArrayType)
        return format_initializer(value, t.get_shape())
    if isinstance(value, IntegerAttr):
        return int_literal(value.value.data, value.type).text
    if isinstance(value, FloatAttr):
        return float_literal(value.value.data, value.type).text
    assert isinstance(value, EmitC_OpaqueAttr)
    return value.value.data


def insert_deferred_initializers(
    text: str, spans: dict[str, GlobalSpan], deferred: dict[str, tuple[Attribute, Attribute]]
) -> str:
    """`text` (printed with CPrinter.defer_initializers) with the deferred globals'
    initialisers formatted and in place: the text print_c would have given."""
    pieces, at = [], 0
    for name in sorted(deferred, key=lambda n: spans[n].end):
        end = spans[name].end
        pieces += [text[at:end], " = ", initializer_text(*deferred[name])]
        at = end
    pieces.append(text[at:])
    return "".join(pieces)


# --------------------------------------------------------------------------- #
# Entry points
# --------------------------------------------------------------------------- #


def print_c(
    module: ModuleOp,
    *,
    verify: bool = True,
    banner: bool = True,
    global_spans: dict[str, GlobalSpan] | None = None,
    defer_initializers: frozenset[str] = frozenset(),
    deferred: dict[str, tuple[Attribute, Attribute]] | None = None,
) -> str:
    """The C99 translation unit for `module` (verified first unless `verify=False`);
    `global_spans`, `defer_initializers`: see CPrinter, which leaves the initialisers of
    `defer_initializers` out and puts their values into `deferred` (for
    insert_deferred_initializers)."""
    if verify:
        module.verify()
    stream = io.StringIO()
    printer = CPrinter(
        stream=stream, banner=banner, global_spans=global_spans,
        defer_initializers=defer_initializers,
    )
    printer.print_module(module)
    if deferred is not None:
        deferred.update(printer.deferred)
    return stream.getvalue()


@dataclass(frozen=True)
class CTarget(Target):
    """`tinymlir-opt -t c`: a module of mcuc ops as C99 (`-t 'c{banner=false}'`)."""

    name = "c"
    banner: bool = True

    def emit(self, ctx: Context, module: ModuleOp, output: IO[str]) -> None:
        CPrinter(stream=output, banner=self.banner).print_module(module)


__all__ = [
    "CPrinter",
    "CTarget",
    "Expr",
    "GlobalSpan",
    "c_declaration",
    "c_type_name",
    "check_only_mcuc",
    "float_literal",
    "format_initializer",
    "initializer_text",
    "insert_deferred_initializers",
    "int_literal",
    "print_c",
    "sanitize_identifier",
]
