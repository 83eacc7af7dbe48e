"""The C printer (`-t c`): mcuc modules printed as C99, compiled with
`cc -std=c99 -Wall -Wextra -Werror -pedantic -O2` (-O2 for the flow-based
warnings), run, and checked against numpy or Python models of the semantics.

The C compiler is `$CC` (default `cc`); CI always has one, so a missing
compiler is a failure, never a silent skip.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest
from xdsl.builder import ImplicitBuilder
from xdsl.context import Context
from xdsl.dialects.arith import Arith
from xdsl.dialects.builtin import (
    Builtin,
    BytesAttr,
    DenseIntOrFPElementsAttr,
    IntegerAttr,
    IntegerType,
    ModuleOp,
    Signedness,
    TensorType,
    f32,
    i1,
    i8,
    i16,
    i32,
)
from xdsl.dialects.emitc import EmitC, EmitC_ArrayType, EmitC_LValueType, EmitC_PointerType
from xdsl.dialects.func import Func
from xdsl.ir import Block, Region
from xdsl.parser import Parser

from tinymlir.backend.c_printer import (
    CTarget,
    c_declaration,
    float_literal,
    int_literal,
    print_c,
    sanitize_identifier,
)
from tinymlir.build import STRICT_CFLAGS
from tinymlir.dialects import mcuc
from tinymlir.errors import TinymlirError
from tinymlir.passes.mcuc_drop_dead_values import McucDropDeadValuesPass
from tinymlir.passes.mcuc_form_expressions import McucFormExpressionsPass

ui8 = IntegerType(8, Signedness.UNSIGNED)
REPO_ROOT = Path(__file__).resolve().parents[2]
C_FLAGS = STRICT_CFLAGS


# --------------------------------------------------------------------------- #
# Helpers
# --------------------------------------------------------------------------- #


@pytest.fixture(scope="module")
def cc() -> str:
    compiler = os.environ.get("CC", "cc")
    if shutil.which(compiler) is None:
        pytest.fail(f"no C compiler: '{compiler}' not found (set $CC)", pytrace=False)
    return compiler


def _context() -> Context:
    ctx = Context()
    for dialect in (Builtin, EmitC, mcuc.MCUC, Func, Arith):
        ctx.load_dialect(dialect)
    return ctx


def parse(text: str, verify: bool = True) -> ModuleOp:
    module = Parser(_context(), text).parse_module()
    if verify:
        module.verify()
    return module


def form_expressions(module: ModuleOp) -> ModuleOp:
    """`module` after mcuc-drop-dead-values and mcuc-form-expressions (what the C
    pipeline ends with): the printer then folds what the passes decided."""
    ctx = _context()
    McucDropDeadValuesPass().apply(ctx, module)
    McucFormExpressionsPass().apply(ctx, module)
    module.verify()
    return module


def print_formed(module: ModuleOp) -> str:
    return print_c(form_expressions(module))


def compile_and_run(
    cc: str, tmp_path: Path, generated: str, main: str, extra: tuple[str, ...] = ()
) -> str:
    (tmp_path / "model.c").write_text(generated)
    (tmp_path / "main.c").write_text(main)
    exe = tmp_path / "prog"
    build = subprocess.run(
        [cc, *C_FLAGS, "-O2", *extra, "model.c", "main.c", "-o", str(exe)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert build.returncode == 0, (
        f"C compilation failed:\n{build.stderr}\n--- model.c ---\n{generated}"
    )
    run = subprocess.run([str(exe)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    return run.stdout


def c_array(values: np.ndarray) -> str:
    return "{" + ", ".join(str(int(v)) for v in values.ravel()) + "}"


def dense(values: np.ndarray, element_type) -> DenseIntOrFPElementsAttr:
    return DenseIntOrFPElementsAttr(
        TensorType(element_type, values.shape), BytesAttr(values.tobytes())
    )


# --------------------------------------------------------------------------- #
# A quantised fully-connected layer, two ways
# --------------------------------------------------------------------------- #

OUT, IN = 4, 8
MULTIPLIER, SHIFT, OUTPUT_ZP = 3, 4, -5

DENSE_MODULE = f"""
mcuc.func static @dot_row(%x: !emitc.ptr<!mcuc.const<i8>>, %w: !emitc.ptr<!mcuc.const<i8>>, %n: i32) -> i32 attributes {{comment = "int8 dot product, int32 accumulation"}} {{
  %c0 = mcuc.constant 0 : i32
  %c1 = mcuc.constant 1 : i32
  %acc = mcuc.variable init %c0 : !emitc.lvalue<i32>
  mcuc.for %i = %c0 to %n step %c1 : i32 {{
    %xe = mcuc.subscript %x[%i] : (!emitc.ptr<!mcuc.const<i8>>, i32) -> !emitc.lvalue<i8>
    %xv = mcuc.load %xe : !emitc.lvalue<i8>
    %xw = mcuc.cast %xv : i8 to i32
    %we = mcuc.subscript %w[%i] : (!emitc.ptr<!mcuc.const<i8>>, i32) -> !emitc.lvalue<i8>
    %wv = mcuc.load %we : !emitc.lvalue<i8>
    %ww = mcuc.cast %wv : i8 to i32
    %p = mcuc.mul %xw, %ww : (i32, i32) -> i32
    %a = mcuc.load %acc : !emitc.lvalue<i32>
    %s = mcuc.add %a, %p : (i32, i32) -> i32
    mcuc.assign %s to %acc : !emitc.lvalue<i32>
  }}
  %r = mcuc.load %acc : !emitc.lvalue<i32>
  mcuc.return %r : i32
}}

mcuc.func static @requantize(%acc: i32) -> i8 {{
  %mult = mcuc.constant {MULTIPLIER} : i32
  %shift = mcuc.constant {SHIFT} : i32
  %zp = mcuc.constant {OUTPUT_ZP} : i32
  %lo = mcuc.constant -128 : i32
  %hi = mcuc.constant 127 : i32
  %m = mcuc.mul %acc, %mult : (i32, i32) -> i32
  %sh = mcuc.shr %m, %shift : (i32, i32) -> i32
  %q = mcuc.add %sh, %zp : (i32, i32) -> i32
  %v = mcuc.variable init %q : !emitc.lvalue<i32>
  %low = mcuc.cmp lt, %q, %lo : (i32, i32) -> i1
  mcuc.if %low {{
    mcuc.assign %lo to %v : !emitc.lvalue<i32>
  }}
  %vv = mcuc.load %v : !emitc.lvalue<i32>
  %high = mcuc.cmp gt, %vv, %hi : (i32, i32) -> i1
  %c = mcuc.conditional %high, %hi, %vv : i32
  %r = mcuc.cast %c : i32 to i8
  mcuc.return %r : i8
}}

mcuc.func @dense_call(%x: !emitc.ptr<!mcuc.const<i8>>, %y: !emitc.ptr<i8>) {{
  %c0 = mcuc.constant 0 : i32
  %c1 = mcuc.constant 1 : i32
  %n = mcuc.constant {IN} : i32
  %out = mcuc.constant {OUT} : i32
  %w = mcuc.get_global @weights : !emitc.array<{OUT}x{IN}xi8>
  %b = mcuc.get_global @bias : !emitc.array<{OUT}xi32>
  %wp = mcuc.cast %w : !emitc.array<{OUT}x{IN}xi8> to !emitc.ptr<!mcuc.const<i8>>
  mcuc.for %o = %c0 to %out step %c1 : i32 {{
    %off = mcuc.mul %o, %n : (i32, i32) -> i32
    %row = mcuc.add %wp, %off : (!emitc.ptr<!mcuc.const<i8>>, i32) -> !emitc.ptr<!mcuc.const<i8>>
    %d = mcuc.call @dot_row(%x, %row, %n) : (!emitc.ptr<!mcuc.const<i8>>, !emitc.ptr<!mcuc.const<i8>>, i32) -> i32
    %be = mcuc.subscript %b[%o] : (!emitc.array<{OUT}xi32>, i32) -> !emitc.lvalue<i32>
    %bv = mcuc.load %be : !emitc.lvalue<i32>
    %acc = mcuc.add %d, %bv : (i32, i32) -> i32
    %q = mcuc.call @requantize(%acc) : (i32) -> i8
    %ye = mcuc.subscript %y[%o] : (!emitc.ptr<i8>, i32) -> !emitc.lvalue<i8>
    mcuc.assign %q to %ye : !emitc.lvalue<i8>
  }}
  mcuc.return
}}
"""


def build_dense_nested() -> mcuc.FuncOp:
    """`dense_nested`: the same layer as two nested loops, built with the Python API."""
    x_type = EmitC_PointerType(mcuc.ConstType(i8))
    y_type = EmitC_PointerType(i8)
    weights_type = EmitC_ArrayType((OUT, IN), i8)
    bias_type = EmitC_ArrayType((OUT,), i32)
    entry = Block(arg_types=(x_type, y_type))
    x, y = entry.args
    x.name_hint, y.name_hint = "x", "y"
    with ImplicitBuilder(entry):
        c0 = mcuc.ConstantOp.from_int(0, i32).result
        c1 = mcuc.ConstantOp.from_int(1, i32).result
        n_in = mcuc.ConstantOp.from_int(IN, i32).result
        n_out = mcuc.ConstantOp.from_int(OUT, i32).result
        weights = mcuc.GetGlobalOp("weights", weights_type).result
        bias = mcuc.GetGlobalOp("bias", bias_type).result
        outer = Block(arg_types=(i32,))
        o = outer.args[0]
        o.name_hint = "o"
        mcuc.ForOp(c0, n_out, c1, outer)
    with ImplicitBuilder(outer):
        bias_o = mcuc.LoadOp(mcuc.SubscriptOp(bias, [o])).result
        acc = mcuc.VariableOp(EmitC_LValueType(i32), bias_o).result
        acc.name_hint = "acc"
        inner = Block(arg_types=(i32,))
        i = inner.args[0]
        i.name_hint = "i"
        mcuc.ForOp(c0, n_in, c1, inner)
        total = mcuc.LoadOp(acc).result
        q = mcuc.CallOp("requantize", [total], [i8]).res[0]
        mcuc.AssignOp(mcuc.SubscriptOp(y, [o]), q)
        mcuc.YieldOp()
    with ImplicitBuilder(inner):
        xi = mcuc.CastOp(mcuc.LoadOp(mcuc.SubscriptOp(x, [i])), i32).dest
        wi = mcuc.CastOp(mcuc.LoadOp(mcuc.SubscriptOp(weights, [o, i])), i32).dest
        old = mcuc.LoadOp(acc).result
        mcuc.AssignOp(acc, mcuc.AddOp(old, mcuc.MulOp(xi, wi)))
        mcuc.YieldOp()
    with ImplicitBuilder(entry):
        mcuc.ReturnOp()
    return mcuc.FuncOp("dense_nested", ((x_type, y_type), ()), Region(entry))


def dense_reference(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    acc = w.astype(np.int32) @ x.astype(np.int32) + b
    return np.clip(((acc * MULTIPLIER) >> SHIFT) + OUTPUT_ZP, -128, 127).astype(np.int8)


def test_dense_layer_compiles_and_runs(cc, tmp_path):
    rng = np.random.default_rng(1)
    w = rng.integers(-128, 128, (OUT, IN), dtype=np.int8)
    w[0, 0], w[1, 1] = -128, 127
    b = np.array([1000, -2000, 0, 123456], dtype=np.int32)
    x = rng.integers(-128, 128, IN, dtype=np.int8)

    module = parse(DENSE_MODULE, verify=False)  # the globals are added below
    weights = mcuc.GlobalOp(
        "weights",
        EmitC_ArrayType((OUT, IN), i8),
        dense(w, i8),
        is_const=True,
        is_static=True,
        alignment=16,
        comment=f"dense weights {OUT}x{IN}",
    )
    bias = mcuc.GlobalOp("bias", EmitC_ArrayType((OUT,), i32), dense(b, i32), is_const=True)
    module.body.block.insert_ops_before([weights, bias], module.body.block.first_op)
    module.body.block.add_op(build_dense_nested())
    module.verify()
    source = print_formed(module)

    # The C is readable: folded expressions, compound assignments, const locals.
    assert "acc += (int32_t)x[i] * (int32_t)w[i];" in source
    assert "acc += (int32_t)x[i] * (int32_t)weights[o][i];" in source
    assert "static const int8_t weights[4][8] TINYMLIR_ALIGN(16) = {" in source
    assert "const int8_t *const wp = &weights[0][0];" in source  # used in the loop: bound
    # A call and a load are not folded into one expression (C does not order them).
    assert "const int32_t d = dot_row(x, wp + o * 8, 8);" in source
    assert "y[o] = requantize(d + bias[o]);" in source
    assert "y[o] = requantize(acc);" in source

    main = f"""
#include <stdint.h>
#include <stdio.h>
void dense_call(const int8_t *x, int8_t *y);
void dense_nested(const int8_t *x, int8_t *y);
int main(void) {{
    static const int8_t x[{IN}] = {c_array(x)};
    int8_t a[{OUT}], b[{OUT}];
    int i;
    dense_call(x, a);
    dense_nested(x, b);
    for (i = 0; i < {OUT}; ++i) printf("%d %d\\n", a[i], b[i]);
    return 0;
}}
"""
    out = compile_and_run(cc, tmp_path, source, main)
    got = np.array([[int(v) for v in line.split()] for line in out.split("\n") if line])
    expected = dense_reference(x, w, b)
    np.testing.assert_array_equal(got[:, 0], expected)
    np.testing.assert_array_equal(got[:, 1], expected)


# --------------------------------------------------------------------------- #
# Expression folding keeps C's values
# --------------------------------------------------------------------------- #

EXPRESSION_MODULE = """
mcuc.func @mix(%a: i32, %b: i32, %c: i32, %s: i8, %t: i8, %u: ui8) -> i32 {
  %c2 = mcuc.constant 2 : i32
  %c3 = mcuc.constant 3 : i32
  %m5 = mcuc.constant -5 : i32
  %0 = mcuc.add %a, %b : (i32, i32) -> i32
  %1 = mcuc.mul %0, %c : (i32, i32) -> i32
  %2 = mcuc.sub %b, %c : (i32, i32) -> i32
  %3 = mcuc.sub %1, %2 : (i32, i32) -> i32
  %4 = mcuc.bitwise_and %b, %c3 : (i32, i32) -> i32
  %5 = mcuc.shl %3, %4 : (i32, i32) -> i32
  %6 = mcuc.bitwise_xor %5, %a : (i32, i32) -> i32
  %7 = mcuc.cmp lt, %6, %m5 : (i32, i32) -> i1
  %8 = mcuc.cmp ge, %a, %b : (i32, i32) -> i1
  %9 = mcuc.logical_or %7, %8 : i1, i1
  %10 = mcuc.unary_minus %6 : (i32) -> i32
  %11 = mcuc.conditional %9, %10, %6 : i32
  %n0 = mcuc.add %s, %t : (i8, i8) -> i8
  %n1 = mcuc.mul %n0, %t : (i8, i8) -> i8
  %n2 = mcuc.cast %n1 : i8 to i32
  %n3 = mcuc.bitwise_not %u : (ui8) -> ui8
  %n4 = mcuc.cast %n3 : ui8 to i32
  %12 = mcuc.add %11, %n2 : (i32, i32) -> i32
  %13 = mcuc.sub %12, %n4 : (i32, i32) -> i32
  %14 = mcuc.rem %13, %c3 : (i32, i32) -> i32
  %15 = mcuc.div %13, %c2 : (i32, i32) -> i32
  %16 = mcuc.mul %14, %15 : (i32, i32) -> i32
  %17 = mcuc.bitwise_or %16, %14 : (i32, i32) -> i32
  mcuc.return %17 : i32
}
"""


def _wrap(value: int, bits: int, signed: bool = True) -> int:
    value &= (1 << bits) - 1
    if signed and value >= 1 << (bits - 1):
        value -= 1 << bits
    return value


def _c_div(a: int, b: int) -> int:
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def mix_reference(a: int, b: int, c: int, s: int, t: int, u: int) -> int:
    """The mcuc semantics of @mix, step by step (one op at a time, no folding)."""
    v3 = (a + b) * c - (b - c)
    v6 = (v3 << (b & 3)) ^ a
    v11 = -v6 if (v6 < -5 or a >= b) else v6
    n1 = _wrap(_wrap(s + t, 8) * t, 8)
    n4 = _wrap(~u, 8, signed=False)
    v13 = v11 + n1 - n4
    v14 = v13 - 3 * _c_div(v13, 3)
    return (v14 * _c_div(v13, 2)) | v14


@pytest.mark.parametrize("formed", [True, False], ids=["folded", "one-statement-per-value"])
def test_folded_expressions_keep_values(cc, tmp_path, formed):
    module = parse(EXPRESSION_MODULE)
    source = print_formed(module) if formed else print_c(module)
    if formed:
        assert "(int8_t)((int8_t)(s + t) * t)" in source  # narrow results cast back when folded
    rng = np.random.default_rng(7)
    cases = [
        (int(a), int(b), int(c), int(s), int(t), int(u))
        for a, b, c, s, t, u in zip(
            rng.integers(-100, 100, 40),
            rng.integers(-100, 100, 40),
            rng.integers(-50, 50, 40),
            rng.integers(-128, 128, 40),
            rng.integers(-128, 128, 40),
            rng.integers(0, 256, 40),
            strict=True,
        )
    ]
    calls = "\n".join(
        f'    printf("%ld\\n", (long)mix({a}, {b}, {c}, {s}, {t}, {u}));'
        for a, b, c, s, t, u in cases
    )
    main = f"""
#include <stdint.h>
#include <stdio.h>
int32_t mix(int32_t a, int32_t b, int32_t c, int8_t s, int8_t t, uint8_t u);
int main(void) {{
{calls}
    return 0;
}}
"""
    out = compile_and_run(cc, tmp_path, source, main)
    got = [int(line) for line in out.split()]
    assert got == [mix_reference(*case) for case in cases]


@pytest.mark.parametrize("formed", [True, False], ids=["folded", "one-statement-per-value"])
def test_reads_are_not_reordered(cc, tmp_path, formed):
    """A load is not folded past a write; a call is not folded past a read."""
    module = parse("""
mcuc.global static @state : i32 = 10
mcuc.func static @bump() -> i32 {
  %s = mcuc.get_global @state : !emitc.lvalue<i32>
  %v = mcuc.load %s : !emitc.lvalue<i32>
  %c1 = mcuc.constant 1 : i32
  %n = mcuc.add %v, %c1 : (i32, i32) -> i32
  mcuc.assign %n to %s : !emitc.lvalue<i32>
  mcuc.return %v : i32
}
mcuc.func @probe() -> i32 {
  %s = mcuc.get_global @state : !emitc.lvalue<i32>
  %before = mcuc.load %s : !emitc.lvalue<i32>
  %b = mcuc.call @bump() : () -> i32
  %after = mcuc.load %s : !emitc.lvalue<i32>
  %c100 = mcuc.constant 100 : i32
  %x = mcuc.mul %before, %c100 : (i32, i32) -> i32
  %y = mcuc.add %x, %after : (i32, i32) -> i32
  %c10000 = mcuc.constant 10000 : i32
  %z = mcuc.mul %b, %c10000 : (i32, i32) -> i32
  %r = mcuc.add %z, %y : (i32, i32) -> i32
  mcuc.return %r : i32
}
""")
    main = """
#include <stdint.h>
#include <stdio.h>
int32_t probe(void);
int main(void) { printf("%ld\\n", (long)probe()); return 0; }
"""
    source = print_formed(module) if formed else print_c(module)
    out = compile_and_run(cc, tmp_path, source, main)
    assert int(out) == 10 * 10000 + 10 * 100 + 11


# --------------------------------------------------------------------------- #
# Globals: initialisers of every element type, and a 300 KB weight array
# --------------------------------------------------------------------------- #


def test_initialisers_round_trip_through_c(cc, tmp_path):
    rng = np.random.default_rng(3)
    arrays = {
        "w8": (rng.integers(-128, 128, (3, 5, 7), dtype=np.int8), i8, "int8_t", "%d"),
        "u8": (rng.integers(0, 256, (40,), dtype=np.uint8), ui8, "uint8_t", "%d"),
        "w16": (np.array([[-32768, 32767], [0, -1]], dtype=np.int16), i16, "int16_t", "%d"),
        "w32": (
            np.array([-(2**31), 2**31 - 1, 0, -7, 123456789], dtype=np.int32),
            i32,
            "int32_t",
            "%ld",
        ),
    }
    module = ModuleOp([])
    for name, (values, element, _, _) in arrays.items():
        module.body.block.add_op(
            mcuc.GlobalOp(
                name, EmitC_ArrayType(values.shape, element), dense(values, element), is_const=True
            )
        )
    floats = np.array([0.1, -1.5, 3.4028235e38, 1e-45, 0.0], dtype=np.float32)
    module.body.block.add_op(
        mcuc.GlobalOp("wf", EmitC_ArrayType((5,), f32), dense(floats, f32), is_const=True)
    )
    module.body.block.add_op(
        mcuc.GlobalOp("flag", i1, IntegerAttr(1, i1), is_const=True, section=".rodata.flag")
    )
    source = print_c(module)
    decls, prints = [], []
    for name, (values, _, ctype, fmt) in arrays.items():
        dims = "".join(f"[{d}]" for d in values.shape)
        decls.append(f"extern const {ctype} {name}{dims};")
        flat = f"((const {ctype} *){name})"
        prints.append(
            f'for (i = 0; i < {values.size}; ++i) printf("{fmt}\\n", ({"long" if fmt == "%ld" else "int"}){flat}[i]);'
        )
    main = "\n".join(
        [
            "#include <stdbool.h>",
            "#include <stdint.h>",
            "#include <stdio.h>",
            *decls,
            "extern const float wf[5];",
            "extern const bool flag;",
            "int main(void) {",
            "    int i;",
            *prints,
            '    for (i = 0; i < 5; ++i) printf("%.9g\\n", (double)wf[i]);',
            '    printf("%d\\n", (int)flag);',
            "    return 0;",
            "}",
        ]
    )
    out = compile_and_run(cc, tmp_path, source, main).split()
    expected = [str(int(v)) for values, *_ in arrays.values() for v in values.ravel()]
    assert out[: len(expected)] == expected
    got_floats = np.array(
        [float(v) for v in out[len(expected) : len(expected) + 5]], dtype=np.float32
    )
    np.testing.assert_array_equal(got_floats, floats)
    assert out[-1] == "1"


WEIGHT_BYTES = 300 * 1024


def _weights_module(shape: tuple[int, ...]) -> tuple[ModuleOp, np.ndarray]:
    values = np.random.default_rng(5).integers(-128, 128, shape, dtype=np.int8)
    glob = mcuc.GlobalOp(
        "weights",
        EmitC_ArrayType(shape, i8),
        dense(values, i8),
        is_const=True,
        alignment=16,
        section=".rodata.weights",
        comment="300 KB of int8 weights",
    )
    return ModuleOp([glob]), values


@pytest.mark.parametrize("shape", [(WEIGHT_BYTES,), (64, 3, 3, WEIGHT_BYTES // 576)])
def test_printing_300kb_of_weights_is_fast(shape):
    module, values = _weights_module(shape)
    start = time.perf_counter()
    source = print_c(module)
    elapsed = time.perf_counter() - start
    assert elapsed < 1.0, f"printing {values.size} int8 weights took {elapsed:.2f} s"
    numbers = re.findall(r"-?\d+", source.split("= {", 1)[1])
    assert len(numbers) == values.size
    assert numbers[:4] == [str(v) for v in values.ravel()[:4]]


def test_300kb_of_weights_compile_to_the_same_bytes(cc, tmp_path):
    module, values = _weights_module((WEIGHT_BYTES,))
    main = f"""
#include <stdint.h>
#include <stdio.h>
extern const int8_t weights[{WEIGHT_BYTES}];
int main(void) {{
    long sum = 0, weighted = 0;
    int i;
    for (i = 0; i < {WEIGHT_BYTES}; ++i) {{
        sum += weights[i];
        weighted += (long)weights[i] * (i % 7);
    }}
    printf("%ld %ld %d\\n", sum, weighted, (int)(((uintptr_t)weights) % 16));
    return 0;
}}
"""
    out = compile_and_run(cc, tmp_path, print_c(module), main).split()
    v = values.astype(np.int64)
    assert int(out[0]) == int(v.sum())
    assert int(out[1]) == int((v * (np.arange(v.size) % 7)).sum())
    assert out[2] == "0"  # TINYMLIR_ALIGN(16)


# --------------------------------------------------------------------------- #
# The lit inputs compile too
# --------------------------------------------------------------------------- #

LIT_PRELUDE = """\
#include <stdlib.h>
#include <string.h>
void tick(void);
int32_t next(void);
int32_t clamp_s8(int32_t);
int32_t use(const int8_t *, const int8_t *, int8_t);
"""


@pytest.mark.parametrize(
    "path",
    sorted(
        p for p in (REPO_ROOT / "test" / "target" / "c").glob("*.mlir") if "errors" not in p.name
    ),
    ids=lambda p: p.stem,
)
@pytest.mark.parametrize("formed", [True, False], ids=["folded", "one-statement-per-value"])
def test_lit_inputs_compile(cc, tmp_path, path, formed):
    """Printed with and without mcuc-form-expressions: the printer alone gives valid C."""
    module = parse(path.read_text())
    source = print_formed(module) if formed else print_c(module)
    (tmp_path / "model.h").write_text("")
    (tmp_path / "prelude.h").write_text("#include <stdint.h>\n" + LIT_PRELUDE)
    (tmp_path / "out.c").write_text(source)
    build = subprocess.run(
        [
            cc,
            *C_FLAGS,
            # The lit inputs are fragments: their static globals need not be used.
            "-Wno-unused-variable",
            "-Wno-unused-const-variable",
            "-Wno-unused-function",
            "-include",
            "prelude.h",
            "-I.",
            "-c",
            "out.c",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert build.returncode == 0, f"{build.stderr}\n--- out.c ---\n{source}"


# --------------------------------------------------------------------------- #
# Errors, names, literals, the target
# --------------------------------------------------------------------------- #


def test_non_mcuc_ops_are_rejected_by_name():
    module = parse("""
mcuc.func @f() -> i32 {
  %c = arith.constant 1 : i32
  mcuc.return %c : i32
}
""")
    with pytest.raises(TinymlirError, match=r"cannot print 'arith.constant'.*only mcuc ops"):
        print_c(module)


@pytest.mark.parametrize(
    ("hint", "name"),
    [
        ("acc", "acc"),
        ("int", "int_"),
        ("for", "for_"),
        ("bool", "bool_"),
        ("int8_t", "int8_t_"),
        ("__tmp", "v__tmp"),
        ("_Tmp", "v_Tmp"),
        ("INT8_MAX", "vINT8_MAX"),
        ("TINYMLIR_ALIGN", "vTINYMLIR_ALIGN"),
        ("conv1.out", "conv1_out"),
        ("a-b$c", "a_b_c"),
        ("0", "v0"),
    ],
)
def test_sanitize_identifier(hint, name):
    assert sanitize_identifier(hint) == name
    assert mcuc.is_c_identifier(name)


def test_literals_and_declarations():
    assert int_literal(-(2**31), i32).text == "(-2147483647 - 1)"
    assert int_literal(7, IntegerType(32, Signedness.UNSIGNED)).text == "7u"
    assert int_literal(-3, IntegerType(64)).text == "-INT64_C(3)"
    assert int_literal(255, ui8).text == "255"
    assert int_literal(1, i1).text == "true"
    assert float_literal(0.1, f32).text == "0.1f"
    assert float_literal(2.0, f32).text == "2.0f"
    assert float_literal(1e-5, f32).text == "1e-05f"
    const_ptr = EmitC_PointerType(mcuc.ConstType(i8))
    assert c_declaration(const_ptr, "p") == "const int8_t *p"
    assert c_declaration(const_ptr, "p", const=True) == "const int8_t *const p"
    assert c_declaration(EmitC_ArrayType((2, 3), i16), "a") == "int16_t a[2][3]"
    assert c_declaration(EmitC_PointerType(EmitC_PointerType(i8)), "") == "int8_t **"


def test_target_writes_to_the_stream():
    import io

    module = parse('mcuc.comment "hello"')
    stream = io.StringIO()
    CTarget(banner=False).emit(_context(), module, stream)
    assert stream.getvalue() == "/* hello */\n"
    assert CTarget.name == "c"
