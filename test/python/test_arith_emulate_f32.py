"""arith-emulate-f32 gives IEEE binary32 results bit for bit, with and without an FPU.

Small f32 functions go through the whole C pipeline (hard-float false and true), are
compiled with the host cc as strict C99 and run over large input vectors; every result
is compared with numpy float32. A few also run in the loop interpreter after the pass,
so the integer IR itself is shown exact. The host's `float` is IEEE binary32 with
FLT_EVAL_METHOD 0 on every platform tinymlir tests on (x86-64 SSE, AArch64)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from xdsl.builder import Builder, InsertPoint
from xdsl.dialects import arith, func, math, memref
from xdsl.dialects.builtin import (
    DenseIntOrFPElementsAttr,
    FloatAttr,
    IndexType,
    MemRefType,
    ModuleOp,
    StringAttr,
    TensorType,
    UnitAttr,
    f32,
    i32,
)
from xdsl.interpreter import Interpreter
from xdsl.interpreters import arith as xarith
from xdsl.interpreters import func as xfunc
from xdsl.ir import Block, Region

from tinymlir.backend.c_printer import print_c
from tinymlir.build import STRICT_CFLAGS
from tinymlir.errors import PassError
from tinymlir.interpreter import TinymlirLoopFunctions
from tinymlir.passes.arith_emulate_f32 import QNAN, ArithEmulateF32Pass, band_plan
from tinymlir.pipelines import c_pipeline, make_context, run_pipeline

CFLAGS = [*STRICT_CFLAGS, "-Wdouble-promotion", "-Wfloat-conversion", "-O1"]
rng = np.random.default_rng(8)

# (name, scale, lo, hi) of the fused output stages; lo/hi are clamp bounds minus zy.
STAGES = [
    ("typical", 0.0123, -128.0, 127.0),
    ("negative_scale", -0.37, -100.0, 27.0),
    ("half", 0.5, -128.0, 127.0),  # odd accumulators are ties
    ("three_eighths", 0.375, -3.0, 250.0),
    ("third", 1.0 / 3.0, -(2.0**24), 2.0**24),  # bounds wide open: the large products
    ("tiny", 1e-38, -128.0, 127.0),
    ("subnormal", 1e-45, -5.0, 5.0),
    ("subnormal_wide", 3e-39, -128.0, 127.0),
    ("huge", 3e38, -128.0, 127.0),  # overflows to inf before the clamp
    ("pow2", 2.0**-20, -(2.0**24), 2.0**24),
    ("fractional_bounds", 1.0, -3.5, 2.5),
    # f32(P) lands on a half-integer that P is not, e.g. acc = +-10387: rint(f32(P)) != rint(P)
    ("tie_window", 0.007846346125006676, -128.0, 127.0),
    ("tie_window_shifted", 0.000604968168772757, -128.0, 127.0),  # product shifted right
    ("negative_wide_band", -8.916223305277526e-05, -128.0, 127.0),  # band +-1.4e6
    ("large", 3.7, -128.0, 127.0),  # acc pre-scaled before the multiply
]


def _function(name, arg_types, result_type, make) -> func.FuncOp:
    block = Block(arg_types=arg_types)
    builder = Builder(InsertPoint.at_end(block))
    ops = make(*block.args)
    for o in ops:
        builder.insert(o)
    builder.insert(func.ReturnOp(ops[-1].results[0]))
    return func.FuncOp(name, (arg_types, [result_type]), Region(block))


def _const(value: float) -> arith.ConstantOp:
    return arith.ConstantOp(FloatAttr(value, f32))


def _stage_ops(acc, scale, lo, hi):
    """y = fptosi(roundeven(minimumf(maximumf(sitofp(acc) * scale, lo), hi)))."""
    ops = [*(cs := [_const(lo), _const(hi)])]
    if not isinstance(scale, float):
        s = scale
    else:
        ops.append(c := _const(scale))
        s = c.result
    ops += [x := arith.SIToFPOp(acc, f32), m := arith.MulfOp(x, s)]
    ops += [mx := arith.MaximumfOp(m, cs[0]), mn := arith.MinimumfOp(mx, cs[1])]
    ops += [r := math.RoundEvenOp(mn), arith.FPToSIOp(r, i32)]
    return ops


def _flag(cmp):
    return [cmp, arith.ExtUIOp(cmp, i32)]


BINARY = {"mulf": arith.MulfOp, "addf": arith.AddfOp, "subf": arith.SubfOp, "divf": arith.DivfOp,
          "maximumf": arith.MaximumfOp, "minimumf": arith.MinimumfOp}  # fmt: skip
CMPF = ("olt", "oeq", "une", "uge")
# Per-channel scales read from a constant table (the fused stage decomposes them at run time).
TABLE = np.array([0.0123, -0.37, 0.5, 1e-45, 3e-39, 3e38, 0.0, 2.0**-20, 1.0 / 3.0], np.float32)


def build_module() -> ModuleOp:
    fs = [_function(n, [f32, f32], f32, lambda x, y, c=c: [c(x, y)]) for n, c in BINARY.items()]
    fs += [_function(f"cmpf_{p}", [f32, f32], i32, lambda x, y, p=p: _flag(arith.CmpfOp(x, y, p))) for p in CMPF]
    fs.append(_function("roundeven", [f32], f32, lambda x: [math.RoundEvenOp(x)]))
    fs.append(_function("negf", [f32], f32, lambda x: [arith.NegfOp(x)]))
    fs.append(_function("sitofp", [i32], f32, lambda x: [arith.SIToFPOp(x, f32)]))
    fs.append(_function("fptosi", [f32], i32, lambda x: [arith.FPToSIOp(x, i32)]))
    fs.append(_function("select", [i32, f32], f32, lambda c, x: [
        z := arith.ConstantOp.from_int_and_width(0, i32), b := arith.CmpiOp(c, z, "slt"),
        k := _const(-2.5), arith.SelectOp(b, x, k)]))  # fmt: skip
    fs.append(_function("stage_any_scale", [i32, f32], i32, lambda a, s: _stage_ops(a, s, -128.0, 127.0)))
    fs.append(_function("stage_table", [i32, IndexType()], i32, lambda a, c: [
        g := memref.GetGlobalOp("scales", MemRefType(f32, [TABLE.size])),
        s := memref.LoadOp.get(g, [c]), *_stage_ops(a, s.res, -100.0, 120.0)]))  # fmt: skip
    for name, scale, lo, hi in STAGES:
        fs.append(_function(f"stage_{name}", [i32], i32, lambda a, s=scale, low=lo, high=hi: _stage_ops(a, s, low, high)))
    table = memref.GlobalOp.get(
        StringAttr("scales"), MemRefType(f32, [TABLE.size]),
        DenseIntOrFPElementsAttr.from_list(TensorType(f32, [TABLE.size]), TABLE.tolist()),
        constant=UnitAttr(),
    )  # fmt: skip
    return ModuleOp([table, *fs])


# --------------------------------------------------------------------------- #
# The host build
# --------------------------------------------------------------------------- #

_DRIVER = """
#include <stdio.h>
#include <string.h>
#include "lib.c"

static {ftype} as_f(uint32_t bits) {{ {ftype} f; memcpy(&f, &bits, sizeof f); return f; }}
static uint32_t of_f({ftype} f) {{ uint32_t u; memcpy(&u, &f, sizeof u); return u; }}
static int32_t as_i(uint32_t bits) {{ int32_t i; memcpy(&i, &bits, sizeof i); return i; }}
static uint32_t of_i(int32_t i) {{ uint32_t u; memcpy(&u, &i, sizeof u); return u; }}

int main(int argc, char **argv) {{
    uint32_t in[2], out;
    size_t arity;
    if (argc != 2)
        return 2;
    arity = (size_t)(argv[1][0] - '0');
    while (fread(in, sizeof in[0], arity, stdin) == arity) {{
        const char *f = argv[1] + 1;
        {dispatch}
        else return 3;
        fwrite(&out, sizeof out, 1, stdout);
    }}
    return 0;
}}
"""

# name -> (argument kinds, result kind); kinds: 'f' f32 bits, 'i' int32
SIGNATURES = {
    **{n: ("ff", "f") for n in BINARY},
    **{f"cmpf_{p}": ("ff", "i") for p in CMPF},
    "roundeven": ("f", "f"), "negf": ("f", "f"), "sitofp": ("i", "f"), "fptosi": ("f", "i"),
    "select": ("if", "f"), "stage_any_scale": ("if", "i"), "stage_table": ("ii", "i"),
    **{f"stage_{n}": ("i", "i") for n, *_ in STAGES},
}  # fmt: skip


def _driver(hard_float: bool) -> str:
    ftype = "float" if hard_float else "int32_t"
    cases = []
    for name, (args, result) in SIGNATURES.items():
        actual = ", ".join(f"{'as_f' if k == 'f' else 'as_i'}(in[{i}])" for i, k in enumerate(args))
        wrap = "of_f" if result == "f" else "of_i"
        cases.append(f'if (strcmp(f, "{name}") == 0) out = {wrap}({name}({actual}));')
    return _DRIVER.format(ftype=ftype, dispatch="\n        else ".join(cases))


@pytest.fixture(scope="module")
def programs(tmp_path_factory) -> dict[bool, Path]:
    cc = shutil.which("cc")
    if cc is None:
        pytest.skip("no C compiler ('cc') on PATH")
    built = {}
    for hard_float in (False, True):
        module = build_module()
        run_pipeline(module, c_pipeline(hard_float))
        source = print_c(module)
        assert ("float" in source) == hard_float and "double" not in source
        assert "math.h" not in source
        if hard_float:
            assert "static const float scales[9]" in source
        else:  # the peephole fired, for constant scales and for the table
            assert source.count("tinymlir_f32_output_stage_") >= 2 * (len(STAGES) + 1)
        directory = tmp_path_factory.mktemp("hard" if hard_float else "soft")
        (directory / "lib.c").write_text(source)
        (directory / "main.c").write_text(_driver(hard_float))
        # The library alone, with every warning: it has to be clean without the driver.
        subprocess.run([cc, *CFLAGS, "-Wno-unused-function", "-c", "lib.c"], cwd=directory, check=True)
        subprocess.run([cc, *CFLAGS, "main.c", "-o", "main"], cwd=directory, check=True)
        built[hard_float] = directory / "main"
    return built


def run_c(program: Path, name: str, *columns: np.ndarray) -> np.ndarray:
    data = np.stack([np.asarray(c).astype(np.uint32) for c in columns], axis=1)
    proc = subprocess.run([str(program), f"{len(columns)}{name}"], input=data.tobytes(),
                          capture_output=True, check=True, timeout=30)  # fmt: skip
    return np.frombuffer(proc.stdout, np.uint32).copy()


# --------------------------------------------------------------------------- #
# Inputs
# --------------------------------------------------------------------------- #

SPECIAL = np.array(
    [0, 0x80000000, 1, 0x80000001, 2, 0x7FFFFF, 0x807FFFFF, 0x800000, 0x800001, 0x7F7FFFFF, 0xFF7FFFFF,
     0x7F800000, 0xFF800000, 0x7FC00000, 0xFFC00001, 0x7F800001, 0x3F800000, 0xBF800000, 0x3F000000,
     0xBF000000, 0x3FC00000, 0x40200000, 0x4B000000, 0x4AFFFFFF, 0x4B7FFFFF, 0x4EFFFFFF, 0x4F000000,
     0xCF000000, 0xCF000001, 0x3EFFFFFF, 0x3F000001, 0x34000000, 0x00400000],
    np.uint32,
)  # fmt: skip


def random_bits(n: int) -> np.ndarray:
    return rng.integers(0, 1 << 32, n, dtype=np.uint64).astype(np.uint32)


def all_exponents(n: int, exponents=None) -> np.ndarray:
    sign = rng.integers(0, 2, n, dtype=np.uint32) << np.uint32(31)
    e = rng.integers(0, 256, n).astype(np.uint32) if exponents is None else np.asarray(exponents, np.uint32)
    return sign | (e << np.uint32(23)) | rng.integers(0, 1 << 23, n).astype(np.uint32)


def float_pairs() -> tuple[np.ndarray, np.ndarray]:
    n = 6000
    x = np.concatenate([random_bits(n), all_exponents(n), np.repeat(SPECIAL, SPECIAL.size)])
    y = np.concatenate([random_bits(n), all_exponents(n), np.tile(SPECIAL, SPECIAL.size)])
    # Close exponents (cancellation in add/sub), exponent sums in the subnormal range
    # (mul), and products exactly halfway between floats (1.5 * odd 24-bit significands).
    ex = rng.integers(1, 255, n)
    close = all_exponents(n, np.clip(ex + rng.integers(-30, 31, n), 0, 254))
    sums = rng.integers(-40, 10, n) + 127  # biased exponent of the product
    ea = rng.integers(1, 254, n)
    tiny_y = all_exponents(n, np.clip(sums - ea + 127, 0, 254))
    odd = (rng.integers(0, 1 << 22, n).astype(np.uint32) << np.uint32(1)) | np.uint32(1)
    halfway_y = all_exponents(n, rng.integers(1, 254, n)) & np.uint32(0xFF800000) | odd
    halfway_x = all_exponents(n, rng.integers(20, 235, n)) & np.uint32(0xFF800000) | np.uint32(0x400000)
    x = np.concatenate([x, all_exponents(n, ex), all_exponents(n, ea), halfway_x])
    y = np.concatenate([y, close, tiny_y, halfway_y])
    return x, y


def accumulators() -> np.ndarray:
    around = np.concatenate([np.arange(-70, 70) + (1 << s) for s in (24, 25, 26, 30)])
    ties = np.array([(1 << 24) + 1, (1 << 24) + 3, (1 << 25) + 2, (1 << 25) + 6, (1 << 31) - 64, (1 << 31) - 65])
    values = np.concatenate([
        rng.integers(-(2**31), 2**31, 20000), rng.integers(-(2**20), 2**20, 20000),
        rng.integers(-3000, 3000, 4000), around, -around, ties, -ties,
        [-(2**31), -(2**31) + 1, 2**31 - 1, 2**31 - 128, 0, 1, -1],
    ])  # fmt: skip
    return values.astype(np.int64)


def f32_view(bits) -> np.ndarray:
    return np.asarray(bits, np.uint32).view(np.float32)


def bits_of(values) -> np.ndarray:
    return np.asarray(values, np.float32).view(np.uint32)


def assert_same_floats(got_bits, want, hard_float, context=""):
    want = np.asarray(want, np.float32)
    got = f32_view(got_bits)
    nan = np.isnan(want)
    assert np.array_equal(np.isnan(got), nan), context
    if not hard_float:  # the emulation's NaN is the canonical quiet NaN
        assert (got_bits[nan] == QNAN).all(), context
    bad = np.flatnonzero(bits_of(got)[~nan] != bits_of(want)[~nan])
    assert bad.size == 0, f"{context}: {bad.size} differ, first got {got[~nan][bad[:3]]} want {want[~nan][bad[:3]]}"


def stage_reference(acc, scale, lo, hi):
    with np.errstate(over="ignore"):
        p = acc.astype(np.int32).astype(np.float32) * np.float32(scale)
    return np.rint(np.minimum(np.maximum(p, np.float32(lo)), np.float32(hi))).astype(np.int64)


# --------------------------------------------------------------------------- #
# The tests
# --------------------------------------------------------------------------- #

MODES = [pytest.param(False, id="integer"), pytest.param(True, id="hard-float")]


@pytest.mark.parametrize("hard_float", MODES)
@pytest.mark.parametrize("name", list(BINARY))
def test_binary_ops(programs, hard_float, name):
    x, y = float_pairs()
    fx, fy = f32_view(x), f32_view(y)
    if name in ("maximumf", "minimumf") and hard_float:
        # C's `a > b ? a : b` (documented): never NaN in the lowering; -0/+0 either way.
        keep = ~(np.isnan(fx) | np.isnan(fy) | ((fx == 0) & (fy == 0)))
        x, y, fx, fy = x[keep], y[keep], fx[keep], fy[keep]
    with np.errstate(all="ignore"):
        want = {"mulf": np.multiply, "addf": np.add, "subf": np.subtract, "divf": np.divide,
                "maximumf": np.maximum, "minimumf": np.minimum}[name](fx, fy)  # fmt: skip
    if name in ("maximumf", "minimumf"):  # IEEE (and MLIR): -0 < +0; numpy keeps the first
        zeros = (fx == 0) & (fy == 0)
        signs = np.signbit(fx) & np.signbit(fy) if name == "maximumf" else np.signbit(fx) | np.signbit(fy)
        want = np.where(zeros, np.where(signs, np.float32(-0.0), np.float32(0.0)), want)
    assert_same_floats(run_c(programs[hard_float], name, x, y), want, hard_float, name)


@pytest.mark.parametrize("hard_float", MODES)
def test_compare_negate_select(programs, hard_float):
    x, y = float_pairs()
    fx, fy = f32_view(x), f32_view(y)
    with np.errstate(invalid="ignore"):
        expected = {"olt": fx < fy, "oeq": fx == fy, "une": fx != fy, "uge": ~(fx < fy)}
    for predicate, want in expected.items():
        got = run_c(programs[hard_float], f"cmpf_{predicate}", x, y)
        assert np.array_equal(got, want.astype(np.uint32)), predicate
    assert np.array_equal(run_c(programs[hard_float], "negf", x), x ^ np.uint32(1 << 31))
    c = rng.integers(-5, 5, x.size).astype(np.int32).view(np.uint32)
    got = run_c(programs[hard_float], "select", c, x)
    assert np.array_equal(got, np.where(c.view(np.int32) < 0, x, bits_of(-2.5)))


@pytest.mark.parametrize("hard_float", MODES)
def test_roundeven(programs, hard_float):
    halves = (np.arange(-3000, 3000) + 0.5).astype(np.float32)
    near = np.array([0.49999997, 0.5, 0.50000006, 1.5, 2.5, 8388607.5, 4194303.5, -0.3, -0.0, 16777215.0],
                    np.float32)  # fmt: skip
    x = np.concatenate([random_bits(20000), all_exponents(20000, rng.integers(110, 160, 20000)), SPECIAL,
                        bits_of(halves), bits_of(near), bits_of(-near)])  # fmt: skip
    with np.errstate(invalid="ignore"):
        want = np.rint(f32_view(x))
    assert_same_floats(run_c(programs[hard_float], "roundeven", x), want, hard_float)


@pytest.mark.parametrize("hard_float", MODES)
def test_sitofp_fptosi(programs, hard_float):
    acc = accumulators()
    want = acc.astype(np.int32).astype(np.float32)
    assert_same_floats(run_c(programs[hard_float], "sitofp", acc), want, hard_float, "sitofp")
    x = np.concatenate([random_bits(20000), all_exponents(20000, rng.integers(100, 170, 20000)), SPECIAL])
    fx = f32_view(x)
    in_range = np.isfinite(fx) & (fx >= -(2.0**31)) & (fx < 2.0**31)
    got = run_c(programs[hard_float], "fptosi", x).view(np.int32)
    assert np.array_equal(got[in_range], np.trunc(fx[in_range]).astype(np.int32))
    if not hard_float:  # out of range: saturation, and 0 for NaN (as the Cortex-M4F's VCVT)
        saturated = np.where(np.isnan(fx), 0, np.where(fx < 0, -(2**31), 2**31 - 1))
        assert np.array_equal(got[~in_range], saturated[~in_range])


@pytest.mark.parametrize("hard_float", MODES)
@pytest.mark.parametrize("stage", STAGES, ids=[s[0] for s in STAGES])
def test_output_stage(programs, hard_float, stage):
    name, scale, lo, hi = stage
    acc = accumulators()
    got = run_c(programs[hard_float], f"stage_{name}", acc).view(np.int32)
    assert np.array_equal(got, stage_reference(acc, scale, lo, hi))


def test_band_plans_cover_each_path():
    """Which stages take the band form, and with which shape (the other tests check them)."""
    plans = {name: band_plan(scale, lo, hi) for name, scale, lo, hi in STAGES}
    assert plans["third"] is None and plans["pow2"] is None  # |y| up to 2^24: general path
    assert plans["tiny"].constant and plans["subnormal"].constant
    assert plans["typical"].shift == 0 and plans["typical"].pre == 0
    assert plans["tie_window_shifted"].shift > 0 and plans["negative_wide_band"].multiplier < 0
    assert plans["large"].pre > 0 and plans["huge"].inside == (0, 0)
    acc = np.array([-10387, 10387])  # the double rounding is real there
    exact = np.rint(acc * np.float64(np.float32(0.007846346125006676)))
    assert (stage_reference(acc, 0.007846346125006676, -128.0, 127.0) != exact).all()


@pytest.mark.parametrize("hard_float", MODES)
@pytest.mark.parametrize("stage", [s for s in STAGES if band_plan(*s[1:]) is not None], ids=lambda s: s[0])
def test_output_stage_whole_band(programs, hard_float, stage):
    """Every accumulator of the band and around its thresholds, and where rint(f32(P))
    differs from rint(P) (the double rounding the band form tests for)."""
    name, scale, lo, hi = stage
    plan = band_plan(scale, lo, hi)
    first, last = (-3000, 3000) if plan.constant else (plan.below - 3000, plan.above + 3000)
    acc = np.concatenate([np.arange(first, last + 1), [-(2**31), -(2**31) + 1, 2**31 - 1, 1 << 24, -(1 << 24)]])
    got = run_c(programs[hard_float], f"stage_{name}", acc).view(np.int32)
    want = stage_reference(acc, scale, lo, hi)
    assert np.array_equal(got, want), f"{np.flatnonzero(got != want).size} differ"


@pytest.mark.parametrize("hard_float", MODES)
def test_output_stage_with_table_scales(programs, hard_float):
    acc = accumulators()[::3]
    channel = rng.integers(0, TABLE.size, acc.size)
    got = run_c(programs[hard_float], "stage_table", acc, channel).view(np.int32)
    want = np.concatenate([stage_reference(acc[channel == c], TABLE[c], -100.0, 120.0) for c in range(TABLE.size)])
    order = np.concatenate([np.flatnonzero(channel == c) for c in range(TABLE.size)])
    assert np.array_equal(got[order], want)


@pytest.mark.parametrize("hard_float", MODES)
def test_output_stage_with_any_scale(programs, hard_float):
    """The unfused chain (scale not a constant): sitofp, mulf, max, min, roundeven, fptosi."""
    acc = accumulators()[::4]
    scales = np.concatenate([all_exponents(acc.size, rng.integers(0, 160, acc.size)), SPECIAL[:12]])
    acc = np.resize(acc, scales.size)
    got = run_c(programs[hard_float], "stage_any_scale", acc, scales).view(np.int32)
    with np.errstate(all="ignore"):
        p = acc.astype(np.int32).astype(np.float32) * f32_view(scales)
    finite = ~np.isnan(p)
    want = np.rint(np.minimum(np.maximum(p[finite], np.float32(-128)), np.float32(127))).astype(np.int64)
    assert np.array_equal(got[finite], want)


# --------------------------------------------------------------------------- #
# The IR itself (loop interpreter) and the options
# --------------------------------------------------------------------------- #


def _interpreted(module: ModuleOp):
    ArithEmulateF32Pass().apply(make_context(), module)
    module.verify()
    interpreter = Interpreter(module)
    for impl in (xfunc.FuncFunctions(), xarith.ArithFunctions(), TinymlirLoopFunctions()):
        interpreter.register_implementations(impl)
    return lambda name, *args: interpreter.call_op(name, args)[0]


def test_interpreted_ir_is_exact():
    run = _interpreted(build_module())
    x, y = float_pairs()
    pick = rng.choice(x.size, 40, replace=False)
    for name, op in (("mulf", np.multiply), ("addf", np.add), ("divf", np.divide)):
        for a, b in zip(x[pick], y[pick], strict=True):
            got = np.uint32(run(name, int(a.view(np.int32)), int(b.view(np.int32))) & 0xFFFFFFFF)
            with np.errstate(all="ignore"):
                want = op(f32_view(a), f32_view(b))
            assert_same_floats(np.array([got]), [want], False, f"{name}({a:#x}, {b:#x})")
    acc = accumulators()[rng.choice(accumulators().size, 40, replace=False)]
    for name, scale, lo, hi in [*STAGES[:4], *STAGES[-4:]]:
        values = np.concatenate([acc, [-10387, 10387, -(2**31), 2**31 - 1]])
        got = [run(f"stage_{name}", int(a)) for a in values]
        assert got == stage_reference(values, scale, lo, hi).tolist(), name


def test_no_f32_is_left_and_integer_ir_is_unchanged(parse_mlir):
    module = build_module()
    ArithEmulateF32Pass().apply(make_context(), module)
    assert re.search(r"\bf32\b", str(module)) is None
    integer_only = parse_mlir("func.func @g(%x: i32) -> i32 {\n  %y = arith.addi %x, %x : i32\n  func.return %y : i32\n}")
    before = str(integer_only)
    ArithEmulateF32Pass().apply(make_context(), integer_only)
    assert str(integer_only) == before


def test_refusals_name_the_op(parse_mlir):
    module = parse_mlir("func.func @e(%x: f32) -> f32 {\n  %y = math.exp %x : f32\n  func.return %y : f32\n}")
    with pytest.raises(PassError, match="arith-emulate-f32: math.exp on f32 is not supported"):
        ArithEmulateF32Pass().apply(make_context(), module)
    with pytest.raises(PassError, match="math.exp is not supported .it would need libm"):
        ArithEmulateF32Pass(hard_float=True).apply(make_context(), module)


_CLZ_DRIVER = """
#include <stdio.h>
#include <string.h>
#include "lib.c"

int main(void) {
    int64_t v;
    while (fread(&v, sizeof v, 1, stdin) == 1) {
        int64_t out[2];
        uint32_t low = (uint32_t)v;
        int32_t x;
        memcpy(&x, &low, sizeof x);
        out[0] = clz32(x);
        out[1] = clz64(v);
        fwrite(out, sizeof out[0], 2, stdout);
    }
    return 0;
}
"""


def test_clz_helper_builtin_fallback_and_cortex_m4(tmp_path):
    """math.ctlz's C helper: __builtin_clz and the C99 fallback give the same counts (0
    included), and on a Cortex-M4 it is the CLZ instruction."""
    cc = shutil.which("cc")
    if cc is None:
        pytest.skip("no C compiler ('cc') on PATH")
    from xdsl.dialects.builtin import i64

    module = ModuleOp([
        _function("clz32", [i32], i32, lambda x: [math.CountLeadingZerosOp(x)]),
        _function("clz64", [i64], i64, lambda x: [math.CountLeadingZerosOp(x)]),
    ])  # fmt: skip
    run_pipeline(module, c_pipeline())
    (tmp_path / "lib.c").write_text(print_c(module))
    (tmp_path / "main.c").write_text(_CLZ_DRIVER)
    bits = rng.integers(0, 64, 3000)
    values = np.concatenate([
        (rng.integers(0, 1 << 62, 3000) >> bits) * np.where(rng.integers(0, 2, 3000) == 1, -1, 1),
        [0, 1, -1, 2**31 - 1, -(2**31), 2**32, 2**63 - 1, -(2**63)],
    ]).astype(np.int64)  # fmt: skip
    u = values.astype(np.uint64)
    want32 = [32 - int(v & 0xFFFFFFFF).bit_length() for v in u]
    want64 = [64 - int(v).bit_length() for v in u]
    for variant in ([], ["-U__SIZEOF_INT__"]):  # the builtin, then the portable fallback
        subprocess.run([cc, *CFLAGS, *variant, "main.c", "-o", "main"], cwd=tmp_path, check=True)
        proc = subprocess.run(["./main"], cwd=tmp_path, input=values.tobytes(), capture_output=True, check=True)
        got = np.frombuffer(proc.stdout, np.int64).reshape(-1, 2)
        assert got[:, 0].tolist() == want32 and got[:, 1].tolist() == want64, variant
    gcc, objdump = shutil.which("arm-none-eabi-gcc"), shutil.which("arm-none-eabi-objdump")
    if gcc is None or objdump is None:
        pytest.skip("no arm-none-eabi toolchain for the Cortex-M4 check")
    (tmp_path / "arm.c").write_text('#include "lib.c"\nint32_t f32(int32_t x) { return clz32(x); }\n'
                                    "int64_t f64(int64_t x) { return clz64(x); }\n")
    subprocess.run([gcc, *CFLAGS, "-O2", "-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=soft", "-c", "arm.c"],
                   cwd=tmp_path, check=True)  # fmt: skip
    listing = subprocess.run([objdump, "-d", "arm.o"], cwd=tmp_path, capture_output=True, text=True, check=True).stdout
    assert re.search(r"\bclz\b", listing) and "bl\t" not in listing  # no library call
