"""Tiled kernels over strided subviews, end to end: a hand-written memref/scf kernel (the shape
tiling and patching will produce) runs in the loop interpreter (tinymlir.interpreter, with
tinymlir.strided_memref_interpreter's subview/copy), is compiled to C by the mcu pipeline's C passes
(convert-memref-to-mcuc among them), built with the host harness and STRICT_CFLAGS
(tinymlir.build), run, and compared with the interpreter and numpy.

The C compiler is `cc`; a missing compiler is a failure (build_host raises), never a skip.
"""

from __future__ import annotations

import numpy as np
import pytest
from xdsl.dialects.builtin import ModuleOp

from tinymlir.backend.c_library import write_library
from tinymlir.build import build_host, run_host
from tinymlir.interpreter import run_loops
from tinymlir.pipelines import c_pipeline, make_context, run_pipeline

ROWS, COLS, TILE_ROWS, TILE_COLS = 4, 6, 2, 3
WEIGHTS = np.array(
    [[1, -2, 3, -4, 5, -6], [7, -8, 9, -10, 11, -12],
     [100, -100, 50, -50, 25, -25], [127, -128, 64, -64, 32, -32]], np.int8,
)
BIAS = np.array([[0, 0, 0, 0, 0, 0], [3, -3, 90, -90, 127, -128]], np.int8)


def port(name: str, role: str, shape) -> str:
    dims = ", ".join(map(str, shape))
    return (
        f'{{tinymlir.role = "{role}", tinymlir.name = "{name}", tinymlir.shape = array<i64: {dims}>, '
        f'tinymlir.scale = 1.0 : f64, tinymlir.zero_point = 0 : i64, tinymlir.storage = "int8"}}'
    )


def dense(array: np.ndarray) -> str:
    rows = ", ".join("[" + ", ".join(map(str, r)) + "]" for r in array.tolist())
    return f"dense<[{rows}]> : tensor<{array.shape[0]}x{array.shape[1]}xi8>"


def tiled_add_kernel() -> str:
    """y = clamp(x + w + bias[1]) over 2x3 tiles: each tile of x is copied into a buffer in
    memory space 1 (a fast memory level), added to the tile of the constant weights and to a
    row of the bias (a rank-reducing subview), and copied back into y's tile."""
    strided = f"memref<{TILE_ROWS}x{TILE_COLS}xi8, strided<[{COLS}, 1], offset: {{offset}}>>"
    tiles = []
    for r in range(0, ROWS, TILE_ROWS):
        for c in range(0, COLS, TILE_COLS):
            offset = r * COLS + c
            t = strided.format(offset=offset)
            bias = f"memref<{TILE_COLS}xi8, strided<[1], offset: {COLS + c}>>"
            tiles.append(f"""
  %xt_{offset} = memref.subview %x[{r}, {c}] [{TILE_ROWS}, {TILE_COLS}] [1, 1] : memref<4x6xi8> to {t}
  %wt_{offset} = memref.subview %w[{r}, {c}] [{TILE_ROWS}, {TILE_COLS}] [1, 1] : memref<4x6xi8> to {t}
  %bt_{offset} = memref.subview %bias[1, {c}] [1, {TILE_COLS}] [1, 1] : memref<2x6xi8> to {bias}
  %yt_{offset} = memref.subview %y[{r}, {c}] [{TILE_ROWS}, {TILE_COLS}] [1, 1] : memref<4x6xi8> to {t}
  "memref.copy"(%xt_{offset}, %buf) : ({t}, memref<2x3xi8, 1>) -> ()
  scf.for %i = %c0 to %c2 step %c1 {{
    scf.for %j = %c0 to %c3 step %c1 {{
      %a = memref.load %buf[%i, %j] : memref<2x3xi8, 1>
      %b = memref.load %wt_{offset}[%i, %j] : {t}
      %d = memref.load %bt_{offset}[%j] : {bias}
      %a32 = arith.extsi %a : i8 to i32
      %b32 = arith.extsi %b : i8 to i32
      %d32 = arith.extsi %d : i8 to i32
      %s0 = arith.addi %a32, %b32 : i32
      %s = arith.addi %s0, %d32 : i32
      %s1 = arith.maxsi %s, %lo : i32
      %s2 = arith.minsi %s1, %hi : i32
      %q = arith.trunci %s2 : i32 to i8
      memref.store %q, %buf[%i, %j] : memref<2x3xi8, 1>
    }}
  }}
  "memref.copy"(%buf, %yt_{offset}) : (memref<2x3xi8, 1>, {t}) -> ()""")
    return f"""
"memref.global"() <{{sym_name = "w", type = memref<4x6xi8>, initial_value = {dense(WEIGHTS)}, sym_visibility = "private", constant}}> : () -> ()
"memref.global"() <{{sym_name = "bias", type = memref<2x6xi8>, initial_value = {dense(BIAS)}, sym_visibility = "private", constant}}> : () -> ()
func.func @tiled_add(%x: memref<4x6xi8> {port("x", "input", (4, 6))}, %y: memref<4x6xi8> {port("y", "output", (4, 6))}) {{
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %lo = arith.constant -128 : i32
  %hi = arith.constant 127 : i32
  %w = memref.get_global @w : memref<4x6xi8>
  %bias = memref.get_global @bias : memref<2x6xi8>
  %buf = memref.alloc() : memref<2x3xi8, 1>
{"".join(tiles)}
  func.return
}}
"""


def subsample_kernel() -> str:
    """y = x[1::2, ::2] (a 2x3 subview with strides [2, 2]) through a copy, then y[1, :] read back
    through a rank-reducing subview of a subview of y and negated in place."""
    s = "memref<2x3xi8, strided<[12, 2], offset: 6>>"
    row = "memref<3xi8, strided<[1], offset: 3>>"
    return f"""
func.func @subsample(%x: memref<4x6xi8> {port("x", "input", (4, 6))}, %y: memref<2x3xi8> {port("y", "output", (2, 3))}) {{
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %zero = arith.constant 0 : i32
  %hi = arith.constant 127 : i32
  %s = memref.subview %x[1, 0] [2, 3] [2, 2] : memref<4x6xi8> to {s}
  "memref.copy"(%s, %y) : ({s}, memref<2x3xi8>) -> ()
  %all = memref.subview %y[0, 0] [2, 3] [1, 1] : memref<2x3xi8> to memref<2x3xi8, strided<[3, 1]>>
  %r = memref.subview %all[1, 0] [1, 3] [1, 1] : memref<2x3xi8, strided<[3, 1]>> to {row}
  scf.for %j = %c0 to %c3 step %c1 {{
    %v = memref.load %r[%j] : {row}
    %v32 = arith.extsi %v : i8 to i32
    %n = arith.subi %zero, %v32 : i32
    %n1 = arith.minsi %n, %hi : i32
    %q = arith.trunci %n1 : i32 to i8
    memref.store %q, %r[%j] : {row}
  }}
  func.return
}}
"""


def expected_tiled_add(x: np.ndarray) -> np.ndarray:
    total = x.astype(np.int32) + WEIGHTS.astype(np.int32) + BIAS[1].astype(np.int32)
    return np.clip(total, -128, 127).astype(np.int8)


def expected_subsample(x: np.ndarray) -> np.ndarray:
    y = x[1::2, ::2].astype(np.int32)
    y[1] = np.minimum(-y[1], 127)
    return y.astype(np.int8)


KERNELS = {
    "tiled_add": (tiled_add_kernel, expected_tiled_add),
    "subsample": (subsample_kernel, expected_subsample),
}


def parse(text: str) -> ModuleOp:
    from xdsl.parser import Parser

    return Parser(make_context(), text).parse_module()


@pytest.mark.parametrize("name", sorted(KERNELS))
def test_tiled_kernel_interpreter_and_c_agree(name, tmp_path):
    kernel, expected = KERNELS[name]
    module = parse(kernel())
    rng = np.random.default_rng(9)
    rows = [rng.integers(-128, 128, (ROWS, COLS), dtype=np.int8) for _ in range(4)]
    rows.append(np.full((ROWS, COLS), 127, np.int8))
    rows.append(np.full((ROWS, COLS), -128, np.int8))
    interpreted = [run_loops(module, [x])[0] for x in rows]
    for x, y in zip(rows, interpreted, strict=True):
        np.testing.assert_array_equal(y, expected(x))

    lowered = module.clone()
    run_pipeline(lowered, c_pipeline(), make_context())
    c_file, _, library = write_library(lowered, tmp_path)
    c_text = c_file.read_text()
    assert "memory space: 1" in c_text or name != "tiled_add"
    exe = build_host(c_file, library, tmp_path)  # HOST_CFLAGS: STRICT_CFLAGS + -O2, warnings are errors
    compiled = run_host(exe, [[x] for x in rows], tmp_path, library)
    for (got,), want in zip(compiled, interpreted, strict=True):
        np.testing.assert_array_equal(got.reshape(want.shape), want)


def test_interpreter_runs_views_before_and_after_the_layout_passes():
    """The C passes before convert-memref-to-mcuc (fxp-to-arith, canonicalize, cse) keep the
    subviews; the interpreter runs the IR before and after them with the same result."""
    module = parse(tiled_add_kernel())
    x = np.arange(-12, 12, dtype=np.int8).reshape(ROWS, COLS) * 5
    before = run_loops(module, [x])[0]
    cleaned = module.clone()
    run_pipeline(cleaned, "convert-fxp-to-arith,canonicalize,cse", make_context())
    assert any(op.name == "memref.subview" for op in cleaned.walk())
    np.testing.assert_array_equal(run_loops(cleaned, [x])[0], before)


def test_interpreter_reinterpret_cast_with_offset_and_dynamic_subviews():
    """memref.reinterpret_cast to strided<[2, 1], offset: 4> reads x[4 + 2i + j] (the case
    convert-memref-to-mcuc once indexed row-major); a subview at a dynamic offset (a band
    loop's) reads from the offset's value; one with dynamic strides is refused by name, as
    the pass refuses it."""
    from tinymlir.errors import ExecutionError

    module = parse(f"""
func.func @window(%x: memref<8xi8> {port("x", "input", (8,))}, %y: memref<4xi8> {port("y", "output", (4,))}) {{
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r = memref.reinterpret_cast %x to offset: [4], sizes: [2, 2], strides: [2, 1] : memref<8xi8> to memref<2x2xi8, strided<[2, 1], offset: 4>>
  %flat = memref.reinterpret_cast %y to offset: [0], sizes: [2, 2], strides: [2, 1] : memref<4xi8> to memref<2x2xi8>
  "memref.copy"(%r, %flat) : (memref<2x2xi8, strided<[2, 1], offset: 4>>, memref<2x2xi8>) -> ()
  func.return
}}
""")
    x = np.arange(10, 18, dtype=np.int8)
    np.testing.assert_array_equal(run_loops(module, [x])[0], x[4:8])

    offset = parse(f"""
func.func @offset(%x: memref<8xi8> {port("x", "input", (8,))}, %y: memref<2xi8> {port("y", "output", (2,))}) {{
  %c3 = arith.constant 3 : index
  %s = memref.subview %x[%c3] [2] [1] : memref<8xi8> to memref<2xi8, strided<[1], offset: ?>>
  "memref.copy"(%s, %y) : (memref<2xi8, strided<[1], offset: ?>>, memref<2xi8>) -> ()
  func.return
}}
""")
    np.testing.assert_array_equal(run_loops(offset, [x])[0], x[3:5])

    dynamic = parse(f"""
func.func @dynamic(%x: memref<8xi8> {port("x", "input", (8,))}, %y: memref<2xi8> {port("y", "output", (2,))}) {{
  %c1 = arith.constant 1 : index
  %s = memref.subview %x[0] [2] [%c1] : memref<8xi8> to memref<2xi8, strided<[?], offset: 0>>
  func.return
}}
""")
    with pytest.raises(ExecutionError, match="memref.subview: dynamic strides; only static"):
        run_loops(dynamic, [x])
