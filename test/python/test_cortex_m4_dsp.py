"""The DSP helpers (mcuc.smlad / sxtb16 / smmulr / ssat / load_s8x4, their C in mcuc.DSP_HELPERS) and the
weight packing of passes/kernel_to_loops/cortex_m4_dsp.py.

- the Python semantics (what the interpreter runs) against a lane-by-lane numpy model;
- the C helpers against the Python semantics: the portable fallback built on the host
  (-std=c99 -Wall -Wextra -Werror -pedantic), and the SMLAD / SXTB16 path built with
  arm-none-eabi-gcc -mcpu=cortex-m4 and run under QEMU (skipped without the toolchain,
  required in CI);
- pack_weights / pack_widened_weights: a K loop over the packed words with the helpers'
  semantics computes the int8 matmul;
- a small graph's loops (pointwise conv and dense, both numerics modes) against the
  kernel level, and its C against the reference executor.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
from pathlib import Path

import numpy as np
import pytest

from tinymlir.dialects import mcuc, qnn
from tinymlir.passes.kernel_to_loops.cortex_m4_dsp import QUAD, pack_weights, pack_widened_weights

CASES = 512
OUTS = 8

#: 2^k - 1, 2^k and 2^k + 1 and their negations for every k (wrapped to int32): the bounds of
#: every saturation width, INT32_MIN and INT32_MAX among them.
EDGES = np.unique([((s * ((1 << k) + d) + (1 << 31)) % (1 << 32)) - (1 << 31)
                   for k in range(32) for d in (-1, 0, 1) for s in (1, -1)])


def _lanes(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    u = x.astype(np.int64) & 0xFFFFFFFF
    return ((u & 0xFFFF) ^ 0x8000) - 0x8000, (((u >> 16) & 0xFFFF) ^ 0x8000) - 0x8000


def _wrap32(v: np.ndarray) -> np.ndarray:
    return ((v + (1 << 31)) % (1 << 32)) - (1 << 31)


def _words(rng, n: int) -> np.ndarray:
    values = rng.integers(-(1 << 31), 1 << 31, n, dtype=np.int64)
    values[:8] = [0, -1, -(1 << 31), (1 << 31) - 1, 0x7FFF7FFF, -0x7FFF8000, 0x80008000 - (1 << 32), 0x00FF00FF]
    values[8:8 + EDGES.size] = EDGES
    return values


def _cases(seed: int = 1):
    rng = np.random.default_rng(seed)
    return _words(rng, CASES), np.roll(_words(rng, CASES), 3), _words(rng, CASES)


def _expected(a, b, acc):
    """(smlad, sxtb16, sxtb16 ror 8, load_s8x4 of a's bytes, smmulr(a, b), sxtab16(acc, a),
    sxtab16(acc, a) ror 8, ssat 8 of a) per case, from numpy."""
    (alo, ahi), (blo, bhi) = _lanes(a), _lanes(b)
    smlad = _wrap32(acc + alo * blo + ahi * bhi)
    bytes_ = (a.astype(np.int64)[:, None] >> np.arange(0, 32, 8)) & 0xFF
    signed = (bytes_ ^ 0x80) - 0x80
    lo16 = lambda v: v & 0xFFFF  # noqa: E731
    sxtb = _wrap32(lo16(signed[:, 0]) | (lo16(signed[:, 2]) << 16))
    sxtb_ror = _wrap32(lo16(signed[:, 1]) | (lo16(signed[:, 3]) << 16))
    smmulr = np.array([((int(x) * int(y) + (1 << 31)) >> 32) for x, y in zip(a, b, strict=True)], np.int64)
    (clo, chi) = _lanes(acc)

    def add16(lanes):
        lo, hi = _lanes(lanes)
        return _wrap32(((clo + lo) & 0xFFFF) | (((chi + hi) & 0xFFFF) << 16))

    return (smlad, sxtb, sxtb_ror, _wrap32(bytes_ @ (1 << np.arange(0, 32, 8))), smmulr,
            add16(sxtb), add16(sxtb_ror), np.clip(a, -128, 127))


def test_python_semantics_match_numpy():
    a, b, acc = _cases()
    smlad, sxtb, sxtb_ror, word, smmulr, sxtab, sxtab_ror, ssat8 = _expected(a, b, acc)
    assert set(EDGES) <= set(a.tolist())
    for i in range(CASES):
        x, y, z = int(a[i]), int(b[i]), int(acc[i])
        assert mcuc.smmulr(x, y) == smmulr[i]
        assert mcuc.sxtab16(z, x) == sxtab[i] and mcuc.sxtab16(z, x, 8) == sxtab_ror[i]
        assert mcuc.smlad(x, y, z) == smlad[i]
        assert mcuc.sxtb16(x) == sxtb[i]
        assert mcuc.sxtb16(x, 8) == sxtb_ror[i]
        assert mcuc.ssat(x, 8) == ssat8[i]
        raw = struct.pack("<i", x)
        assert mcuc.pack_s8x4(struct.unpack("4b", raw)) == word[i] == x


# --------------------------------------------------------------------------------------
# The C helpers: a stand-in library with the generated library's interface
# --------------------------------------------------------------------------------------

def _write_library(directory: Path) -> tuple[Path, Path]:
    """dsp_run(input, output): input = CASES x (a, b, acc) little-endian int32; output =
    CASES x OUTS little-endian int32: smlad, sxtb16, sxtb16_ror8, load_s8x4 (unaligned,
    1-3 bytes on), smmulr, sxtab16, sxtab16_ror8, ssat8."""
    header, source = directory / "dsp.h", directory / "dsp.c"
    header.write_text(
        f"""#ifndef DSP_H
#define DSP_H
#include <stdint.h>
#define DSP_INPUT_SIZE {CASES * 12}
#define DSP_OUTPUT_SIZE {CASES * 4 * OUTS}
#define DSP_ARENA_SIZE 4
int dsp_run(const int8_t *input, int8_t *output);
#endif
"""
    )
    source.write_text(
        f"""#include <stdint.h>
#include "dsp.h"
{mcuc.DSP_HELPERS}
static void put(int8_t *p, int32_t v)
{{
    uint32_t u = (uint32_t)v;
    int j;
    for (j = 0; j < 4; j++)
        p[j] = (int8_t)((int32_t)(((u >> (8 * j)) & 0xFFu) ^ 0x80u) - 0x80);
}}
int dsp_run(const int8_t *input, int8_t *output)
{{
    int i;
    for (i = 0; i < {CASES}; i++) {{
        const int8_t *in = input + 12 * i;
        int32_t a = tinymlir_load_s8x4(in), b = tinymlir_load_s8x4(in + 4), acc = tinymlir_load_s8x4(in + 8);
        int8_t *out = output + {4 * OUTS} * i;
        put(out, tinymlir_smlad(a, b, acc));
        put(out + 4, tinymlir_sxtb16(a));
        put(out + 8, tinymlir_sxtb16_ror8(a));
        put(out + 12, tinymlir_load_s8x4(in + 1 + (i % 3)));
        put(out + 16, tinymlir_smmulr(a, b));
        put(out + 20, tinymlir_sxtab16(acc, a));
        put(out + 24, tinymlir_sxtab16_ror8(acc, a));
        put(out + 28, tinymlir_ssat8(a));
    }}
    return 0;
}}
"""
    )
    return source, header


def _input_and_expected() -> tuple[bytes, np.ndarray]:
    a, b, acc = _cases(7)
    data = np.stack([a, b, acc], axis=1).astype("<i8").astype("<i4").tobytes()
    smlad, sxtb, sxtb_ror, _, smmulr, sxtab, sxtab_ror, ssat8 = _expected(a, b, acc)
    shifted = [np.frombuffer(data[12 * i + 1 + i % 3:12 * i + 5 + i % 3], "<i4")[0] for i in range(CASES)]
    return data, np.stack([smlad, sxtb, sxtb_ror, np.array(shifted, np.int64), smmulr, sxtab, sxtab_ror, ssat8],
                          axis=1)


def _require(tools: list[str]) -> None:
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        message = f"{', '.join(missing)} not installed: run bench/harness/install-toolchain.sh"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)


@pytest.mark.parametrize("portable", [False, True])
def test_c_fallback_on_host(tmp_path, portable):
    _require(["cc"])
    source, header = _write_library(tmp_path)
    data, expected = _input_and_expected()
    main = tmp_path / "main.c"
    main.write_text(
        """#include <stdio.h>
#include "dsp.h"
int main(void)
{
    static int8_t in[DSP_INPUT_SIZE], out[DSP_OUTPUT_SIZE];
    if (fread(in, 1, sizeof in, stdin) != sizeof in || dsp_run(in, out))
        return 1;
    fwrite(out, 1, sizeof out, stdout);
    return 0;
}
"""
    )
    flags = ["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-O2"] + (["-DTINYMLIR_PORTABLE_DSP"] if portable else [])
    subprocess.run(["cc", *flags, "-I", str(tmp_path), str(source), str(main), "-o", str(tmp_path / "dsp")], check=True)
    out = subprocess.run([str(tmp_path / "dsp")], input=data, capture_output=True, check=True).stdout
    np.testing.assert_array_equal(np.frombuffer(out, "<i4").reshape(CASES, OUTS), expected)


def test_dsp_instructions_on_cortex_m4(tmp_path):
    """The __ARM_FEATURE_DSP path (inline SMLAD / SXTB16, unaligned LDR; SSAT under
    __ARM_FEATURE_SAT) under QEMU."""
    from tinymlir.bench.cortex_m import CROSS_TOOLS, build_cortex_m, run_qemu

    _require(list(CROSS_TOOLS))
    source, header = _write_library(tmp_path)
    data, expected = _input_and_expected()
    build = build_cortex_m([source], header, "dsp", data, opt="-O2", workdir=tmp_path / "m4")
    disassembly = subprocess.run(
        ["arm-none-eabi-objdump", "-d", str(build.library_objects[0])], capture_output=True, text=True, check=True
    ).stdout
    for instruction in ("smlad", "sxtb16", "sxtab16", "smmulr", "ror #8", "ssat"):
        assert instruction in disassembly
    run = run_qemu(build.elf, tmp_path / "m4", name="dsp")
    np.testing.assert_array_equal(np.frombuffer(run["output"], "<i4").reshape(CASES, OUTS), expected)


# --------------------------------------------------------------------------------------
# Weight packing
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize("c_out, depth, tile", [(4, 8, 2), (12, 64, 4), (6, 4, 2)])
def test_packed_weights_compute_the_matmul(c_out, depth, tile):
    rng = np.random.default_rng(c_out * depth)
    w = rng.integers(-128, 128, (c_out, depth))
    x = rng.integers(-128, 128, depth)
    packed, widened = pack_weights(w, tile), pack_widened_weights(w, tile)
    assert packed.shape == (c_out // tile, depth // QUAD, tile)
    assert widened.shape == (*packed.shape, 2)
    for c in range(c_out):
        b, j = divmod(c, tile)
        acc = acc_widened = 0
        for q in range(depth // QUAD):
            word = mcuc.pack_s8x4(x[QUAD * q:QUAD * (q + 1)])
            x_even, x_odd = mcuc.sxtb16(word), mcuc.sxtb16(word, 8)
            weight = int(packed[b, q, j])
            assert weight == mcuc.pack_s8x4(w[c, QUAD * q:QUAD * (q + 1)])
            acc = mcuc.smlad(x_odd, mcuc.sxtb16(weight, 8), mcuc.smlad(x_even, mcuc.sxtb16(weight), acc))
            acc_widened = mcuc.smlad(x_odd, int(widened[b, q, j, 1]), mcuc.smlad(x_even, int(widened[b, q, j, 0]), acc_widened))
        assert acc == acc_widened == int(w[c] @ x)


# --------------------------------------------------------------------------------------
# The lowering on a small graph
# --------------------------------------------------------------------------------------

GRAPH = """
func.func @main(%x: !qnn.qtensor<1x3x5x8xi8, 0.5:-3>) -> !qnn.qtensor<1x6xi8, 0.2:1> {
  %w = qnn.constant dense<WEIGHTS> : tensor<COx1x1x8xi8> -> !qnn.qtensor<COx1x1x8xi8, axis 0 {SCALES}>
  %b = arith.constant dense<BIAS> : tensor<COxi32>
  %w0 = qnn.constant dense<FIRST> : tensor<8x1x1x8xi8> -> !qnn.qtensor<8x1x1x8xi8, 0.05:0>
  %b0 = arith.constant dense<[1, 2, 3, 4, -5, -6, -7, -8]> : tensor<8xi32>
  %h = qnn.conv2d %x, %w0, %b0 strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] groups 1 : !qnn.qtensor<1x3x5x8xi8, 0.5:-3>, !qnn.qtensor<8x1x1x8xi8, 0.05:0>, tensor<8xi32> -> !qnn.qtensor<1x3x5x8xi8, 0.5:-3>
  %y = qnn.conv2d %h, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] groups 1 : !qnn.qtensor<1x3x5x8xi8, 0.5:-3>, !qnn.qtensor<COx1x1x8xi8, axis 0 {SCALES}>, tensor<COxi32> -> !qnn.qtensor<1x3x5xCOxi8, 0.25:3>
  %r = qnn.reshape %y : !qnn.qtensor<1x3x5xCOxi8, 0.25:3> -> !qnn.qtensor<1xFLATxi8, 0.25:3>
  %dw = qnn.constant dense<DENSE> : tensor<6xFLATxi8> -> !qnn.qtensor<6xFLATxi8, 0.02:0>
  %db = arith.constant dense<[1, -2, 3, -4, 5, -600]> : tensor<6xi32>
  %d = qnn.dense %r, %dw, %db : !qnn.qtensor<1xFLATxi8, 0.25:3>, !qnn.qtensor<6xFLATxi8, 0.02:0>, tensor<6xi32> -> !qnn.qtensor<1x6xi8, 0.2:1>
  func.return %d : !qnn.qtensor<1x6xi8, 0.2:1>
}
"""


def _graph(cout: int) -> str:
    rng = np.random.default_rng(3)
    w = rng.integers(-127, 128, (cout, 1, 1, 8)).tolist()
    d = rng.integers(-127, 128, (6, 15 * cout)).tolist()
    scales = ", ".join(f"{s:.3f}:0" for s in rng.uniform(0.02, 0.2, cout))
    bias = rng.integers(-1000, 1000, cout).tolist()
    first = rng.integers(-127, 128, (8, 1, 1, 8)).tolist()
    return (GRAPH.replace("FIRST", str(first)).replace("WEIGHTS", str(w)).replace("DENSE", str(d)).replace("SCALES", scales)
            .replace("BIAS", str(bias)).replace("FLAT", str(15 * cout)).replace("CO", str(cout)))


PIPELINE = "convert-qnn-to-kernel,patch-schedule,kernel-in-place,convert-kernel-to-loops,canonicalize,cse,plan-arena"


@pytest.mark.parametrize("target", ["cortex-m4", "cortex-m4-speed"])
@pytest.mark.parametrize("in_place", [False, True])
@pytest.mark.parametrize("numerics", ["tflm", "onnx"])
def test_small_graph_loops_match_reference(numerics, in_place, target):
    """Two pointwise convs (rows of 5: three 2 x 2 tiles, the last overlapping; the second with
    per-channel scales) and a dense layer (units 6: 1 x 2 tiles, widened weights), run by
    the interpreter on the loops (with the arena) against the reference executor;
    `in_place`: the second conv's output over its input (kernel-in-place's rows schedule,
    Cout = Cin); cortex-m4-speed widens the weights at compile time."""
    from xdsl.parser import Parser

    from tinymlir.interpreter import run_loops
    from tinymlir.pipelines import make_context, run_pipeline
    from tinymlir.reference import run_module
    from tinymlir.target import load_target, set_target

    text = _graph(cout=8 if in_place else 4)
    module = Parser(make_context(), text).parse_module()
    qnn.set_numerics(module, numerics)
    set_target(module, load_target(target))
    lowered = module.clone()
    run_pipeline(lowered, PIPELINE)
    lowered.verify()
    printed = str(lowered)
    assert "mcuc.smlad" in printed and "d_packed" in printed and "y_packed" in printed and "h_packed" in printed
    assert ("y_pixels" in printed) == in_place  # the 2 x Cout in-place scratch
    dense = next(line for line in printed.splitlines() if "sym_name = \"d_packed\"" in line)
    rank = dense.split("type = memref<", 1)[1].split("xi32>", 1)[0].count("x") + 1
    assert rank == (4 if target == "cortex-m4-speed" else 3)  # widened: two words of 16-bit lanes per quad
    rng = np.random.default_rng(5)
    for _ in range(2):
        x = rng.integers(-128, 128, (1, 3, 5, 8), dtype=np.int8)
        np.testing.assert_array_equal(run_loops(lowered, [x])[0], run_module(module, [x])[0])


BANDED = """
func.func @stage(%x: !qnn.qtensor<1x9x6x4xi8, 0.5:3>) -> !qnn.qtensor<1x9x6x4xi8, 0.3:1> {
  %w = qnn.constant dense<W3> : tensor<4x3x3x4xi8> -> !qnn.qtensor<4x3x3x4xi8, 0.1:0>
  %p = qnn.constant dense<W1> : tensor<4x1x1x4xi8> -> !qnn.qtensor<4x1x1x4xi8, 0.2:0>
  %b = arith.constant dense<[5, -7, 11, 0]> : tensor<4xi32>
  %a = qnn.conv2d %x, %w, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] groups 1 : !qnn.qtensor<1x9x6x4xi8, 0.5:3>, !qnn.qtensor<4x3x3x4xi8, 0.1:0>, tensor<4xi32> -> !qnn.qtensor<1x9x6x4xi8, 0.3:1>
  %c = qnn.conv2d %a, %p, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] groups 1 : !qnn.qtensor<1x9x6x4xi8, 0.3:1>, !qnn.qtensor<4x1x1x4xi8, 0.2:0>, tensor<4xi32> -> !qnn.qtensor<1x9x6x4xi8, 0.4:-1>
  %e = qnn.conv2d %c, %w, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] groups 1 : !qnn.qtensor<1x9x6x4xi8, 0.4:-1>, !qnn.qtensor<4x3x3x4xi8, 0.1:0>, tensor<4xi32> -> !qnn.qtensor<1x9x6x4xi8, 0.3:1>
  func.return %e : !qnn.qtensor<1x9x6x4xi8, 0.3:1>
}
"""


def _banded_stage(numerics: str, bands: int, loops: bool):
    """BANDED with random weights, an input, its reference result and its kernel-level
    module in `bands` row bands (patch_schedule.apply_bands)."""
    from xdsl.dialects import func
    from xdsl.parser import Parser

    from tinymlir.passes.patch_schedule import apply_bands, stage_refusal
    from tinymlir.pipelines import make_context, run_pipeline
    from tinymlir.reference import run_module

    rng = np.random.default_rng(11)
    text = BANDED.replace("W3", str(rng.integers(-127, 128, (4, 3, 3, 4)).tolist())).replace(
        "W1", str(rng.integers(-127, 128, (4, 1, 1, 4)).tolist()))
    module = Parser(make_context(), text).parse_module()
    qnn.set_numerics(module, numerics)
    x = rng.integers(-128, 128, (1, 9, 6, 4), dtype=np.int8)
    expected = run_module(module, [x])[0]
    kernel = module.clone()
    run_pipeline(kernel, "convert-qnn-to-kernel")
    function = next(f for f in kernel.ops if isinstance(f, func.FuncOp) and f.body.blocks)
    stage = [o for o in function.body.block.ops if o.name.startswith("qk.")]
    assert stage_refusal(stage) is None
    apply_bands(stage, bands, loops=loops)
    return x, expected, kernel


def _taps_over_band_rows(module) -> list:
    """The flat views (memref.collapse_shape) the DSP taps take of row bands of the
    function's input: (the view, whether it sits in a band loop)."""
    from xdsl.dialects import memref

    from tinymlir.dialects.patch import BandLoopOp

    def in_band_loop(op) -> bool:
        parent = op.parent_op()
        while parent is not None and not isinstance(parent, BandLoopOp):
            parent = parent.parent_op()
        return parent is not None

    return [(o, in_band_loop(o)) for o in module.walk()
            if isinstance(o, memref.CollapseShapeOp) and isinstance(o.src.owner, memref.SubviewOp)]


@pytest.mark.parametrize("numerics", ["tflm", "onnx"])
@pytest.mark.parametrize(("bands", "loops"), [(3, False), (4, True)])
def test_strided_bands_keep_results(numerics, bands, loops):
    """patch-schedule's bands give the first convolution row bands of the input (subviews
    at static offsets, or in a band loop at offsets computed from the band index): their
    strides are not the band's identity ones, but they are packed row-major, so the SMLAD
    taps still apply, over a flat view that keeps the band's offset (a flat view from the
    base buffer would read the wrong rows); the loops equal the reference executor."""
    from tinymlir.interpreter import run_loops
    from tinymlir.pipelines import run_pipeline

    x, expected, kernel = _banded_stage(numerics, bands, loops)
    over_rows = [o for o in kernel.walk() if o.name == "qk.conv2d" and o.operands[0].owner.name == "memref.subview"]
    lowered = kernel.clone()
    run_pipeline(lowered, "kernel-in-place,convert-kernel-to-loops,canonicalize,cse,plan-arena")
    views = _taps_over_band_rows(lowered)
    assert len(views) == len(over_rows) > 1  # each band's first convolution: SMLAD taps over its rows
    if loops:  # the interior bands': inside the loop, at a dynamic offset
        looped = [view for view, in_loop in views if in_loop]
        assert looped and all(view.result.type.get_offset() is None for view in looped)
        loop = looped[0].parent_op()
        while loop.name != "patch.band_loop":
            loop = loop.parent_op()
        assert any(o.name == "mcuc.smlad" for o in loop.walk())
    np.testing.assert_array_equal(run_loops(lowered, [x])[0], expected)


TALL = """
func.func @tall(%x: !qnn.qtensor<1x16x8x4xi8, 0.5:3>) -> !qnn.qtensor<1x16x8x4xi8, 0.5:-2> {
  %w = qnn.constant dense<W3> : tensor<16x3x3x4xi8> -> !qnn.qtensor<16x3x3x4xi8, 0.1:0>
  %p = qnn.constant dense<W1> : tensor<4x1x1x16xi8> -> !qnn.qtensor<4x1x1x16xi8, 0.1:0>
  %b = arith.constant dense<B16> : tensor<16xi32>
  %b4 = arith.constant dense<[3, -5, 0, 9]> : tensor<4xi32>
  %a = qnn.conv2d %x, %w, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] groups 1 : !qnn.qtensor<1x16x8x4xi8, 0.5:3>, !qnn.qtensor<16x3x3x4xi8, 0.1:0>, tensor<16xi32> -> !qnn.qtensor<1x16x8x16xi8, 0.5:1>
  %y = qnn.conv2d %a, %p, %b4 strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] groups 1 : !qnn.qtensor<1x16x8x16xi8, 0.5:1>, !qnn.qtensor<4x1x1x16xi8, 0.1:0>, tensor<4xi32> -> !qnn.qtensor<1x16x8x4xi8, 0.5:-2>
  func.return %y : !qnn.qtensor<1x16x8x4xi8, 0.5:-2>
}
"""


def test_banded_dsp_taps_bit_exact_in_c(tmp_path):
    """A 3x3 convolution whose output patch-schedule runs in a band loop, through the whole
    mcu pipeline: in C the loop's SMLAD taps read the input pointer advanced by the band's
    rows (the flat view of a band at a dynamic offset); the host build equals the
    reference executor bit for bit."""
    from xdsl.parser import Parser

    from tinymlir.build import build_host, run_host
    from tinymlir.compiler import compile_model
    from tinymlir.pipelines import make_context
    from tinymlir.reference import run_module

    _require(["cc"])
    rng = np.random.default_rng(4)
    text = (TALL.replace("W3", str(rng.integers(-127, 128, (16, 3, 3, 4)).tolist()))
            .replace("W1", str(rng.integers(-127, 128, (4, 1, 1, 16)).tolist()))
            .replace("B16", str(rng.integers(-300, 300, 16).tolist())))
    module = Parser(make_context(), text).parse_module()
    qnn.set_numerics(module, "tflm")
    compiled = compile_model(module, tmp_path)
    source = compiled.c_file.read_text()
    assert "for (int32_t band" in source, "no band loop"
    loop = source[source.index("for (int32_t band"):]
    assert "tinymlir_smlad" in loop.split("TINYMLIR_LAYER_HOOK")[0] and "x + " in loop
    exe = build_host(compiled.c_file, compiled.library, tmp_path)
    rows = [[rng.integers(-128, 128, (1, 16, 8, 4), dtype=np.int8)] for _ in range(2)]
    for (y,), (x,) in zip(run_host(exe, rows, tmp_path, compiled.library), rows, strict=True):
        want = run_module(compiled.module, [x])[0]
        np.testing.assert_array_equal(y.reshape(want.shape), want)


def test_row_major_packed_accepts_row_bands_only():
    """Row bands (any offset, dynamic too) are packed row-major; column windows and
    strided rows are not; the flat view's layout keeps the offset (collapse_layout)."""
    from xdsl.dialects.builtin import MemRefType, StridedLayoutAttr, i8
    from xdsl.ir import Block

    from tinymlir.passes.kernel_to_loops.cortex_m4_dsp import row_major_packed
    from tinymlir.strided_memref import collapse_layout

    def value(shape, strides=None, offset=0):
        layout = StridedLayoutAttr(strides, offset) if strides is not None else None
        t = MemRefType(i8, shape, layout) if layout is not None else MemRefType(i8, shape)
        return Block(arg_types=[t]).args[0]

    assert row_major_packed(value([1, 4, 8, 16]))
    assert row_major_packed(value([1, 4, 8, 16], [4096, 128, 16, 1], None))  # a band of 32 rows, dynamic offset
    assert row_major_packed(value([1, 4, 8, 16], [4096, 128, 16, 1], 384))
    assert not row_major_packed(value([1, 4, 6, 16], [4096, 128, 16, 1], 16))  # 6 of 8 columns
    assert not row_major_packed(value([1, 4, 8, 16], [4096, 256, 16, 1], None))  # every other row
    assert not row_major_packed(value([1, 4, 8, 8], [4096, 128, 16, 1], 0))  # half the channels
    assert not row_major_packed(value([1, 4, 8, 16], [None, 128, 16, 1], 0))
    band = value([1, 4, 8, 16], [4096, 128, 16, 1], None).type
    assert collapse_layout(band, [[0, 1, 2, 3]]) == (None, (1,))
    assert collapse_layout(value([1, 4, 8, 16], [4096, 128, 16, 1], 384).type, [[0, 1], [2, 3]]) == (384, (128, 1))
    with pytest.raises(ValueError, match="not contiguous"):
        collapse_layout(value([1, 4, 6, 16], [4096, 128, 16, 1], 16).type, [[0, 1, 2, 3]])


FEW_CHANNELS = """
func.func @first(%x: !qnn.qtensor<1xHxWx3xSTORE, 0.5:ZX>) -> !qnn.qtensor<1xOHxOWx8xSTORE, 0.25:OZ> {
  %w = qnn.constant dense<W> : tensor<8x3x3x3xi8> -> !qnn.qtensor<8x3x3x3xi8, 0.02:0>
  %b = arith.constant dense<B> : tensor<8xi32>
  %y = qnn.conv2d %x, %w, %b strides [2, 2] pads PADS dilations [1, 1] groups 1 : !qnn.qtensor<1xHxWx3xSTORE, 0.5:ZX>, !qnn.qtensor<8x3x3x3xi8, 0.02:0>, tensor<8xi32> -> !qnn.qtensor<1xOHxOWx8xSTORE, 0.25:OZ>
  func.return %y : !qnn.qtensor<1xOHxOWx8xSTORE, 0.25:OZ>
}
"""


def _few_channels(numerics: str, pads: list[int], unsigned: bool, rng):
    """FEW_CHANNELS at 10 x 350 (even its ring of 2 x 3 padded rows widened to 4 channels,
    6 * 352 * 4 bytes, is over cortex_m4_padded's COPY_LIMIT) with random weights, and a
    random input."""
    from xdsl.parser import Parser

    from tinymlir.pipelines import make_context

    h, w = 10, 350
    oh = (h + pads[0] + pads[2] - 3) // 2 + 1
    ow = (w + pads[1] + pads[3] - 3) // 2 + 1
    text = (FEW_CHANNELS.replace("W>", f"{rng.integers(-127, 128, (8, 3, 3, 3)).tolist()}>")
            .replace("B>", f"{rng.integers(-500, 500, 8).tolist()}>").replace("PADS", str(pads))
            .replace("OH", str(oh)).replace("OW", str(ow)).replace("H", str(h)).replace("W", str(w))
            .replace("STORE", "ui8" if unsigned else "i8").replace("ZX", "130" if unsigned else "-5")
            .replace("OZ", "125" if unsigned else "-3"))
    module = Parser(make_context(), text).parse_module()
    qnn.set_numerics(module, numerics)
    x = rng.integers(0 if unsigned else -128, 256 if unsigned else 128, (1, h, w, 3)).astype(np.uint8 if unsigned else np.int8)
    return module, x


@pytest.mark.parametrize("numerics", ["tflm", "onnx"])
@pytest.mark.parametrize(("pads", "unsigned"), [([0, 0, 1, 1], False), ([1, 1, 1, 1], False), ([0, 0, 0, 0], False), ([0, 0, 1, 1], True)])
def test_few_channels_over_the_copy_limit_match_reference(numerics, pads, unsigned):
    """A first convolution (Cin 3) whose padded copy would pass cortex_m4_padded's
    COPY_LIMIT: its channel tiles take each kernel row's valid taps as one run over a flat
    view; a whole row (no padding column) as SMLAD over its first 2 quads and the 9th tap
    alone, a row cut by the padding tap by tap (a signed input; an unsigned one, tap by tap
    throughout); the loops equal the reference executor."""
    from tinymlir.interpreter import run_loops
    from tinymlir.pipelines import run_pipeline
    from tinymlir.reference import run_module

    module, x = _few_channels(numerics, pads, unsigned, np.random.default_rng(8))
    lowered = module.clone()
    run_pipeline(lowered, PIPELINE)
    printed = str(lowered)
    assert "memref.collapse_shape %x" in printed
    assert ("mcuc.smlad" in printed) == ("y_packed" in printed) == (not unsigned)
    assert ("scf.if" in printed) == (not unsigned and any(pads))
    np.testing.assert_array_equal(run_loops(lowered, [x])[0], run_module(module, [x])[0])


@pytest.mark.parametrize("pads", [[0, 0, 1, 1], [1, 1, 1, 1]])
def test_few_channels_over_the_copy_limit_bit_exact_in_c(tmp_path, pads):
    """The same through the mcu pipeline: the strict host build (the weights' kernel rows
    read through a pointer to the constant array) equals the reference executor."""
    from tinymlir.build import build_host, run_host
    from tinymlir.compiler import compile_model
    from tinymlir.reference import run_module

    _require(["cc"])
    rng = np.random.default_rng(9)
    module, x = _few_channels("tflm", pads, False, rng)
    compiled = compile_model(module, tmp_path)
    assert "tinymlir_smlad" in compiled.c_file.read_text()
    exe = build_host(compiled.c_file, compiled.library, tmp_path)
    (y,) = run_host(exe, [[x]], tmp_path, compiled.library)[0]
    want = run_module(compiled.module, [x])[0]
    np.testing.assert_array_equal(y.reshape(want.shape), want)
