"""patch-schedule's band rewrite computes what layer-by-layer computes: stages of
strided, dilated and padded convolutions with a residual add, cut into bands that do and
do not divide the rows, run by xDSL's interpreter at the kernel level and after the
loop lowering (with the arena planned), equal the qnn reference executor bit for bit, in
both numerics modes."""

import numpy as np
import pytest
from xdsl.dialects import func
from xdsl.parser import Parser

from tinymlir.dialects import qnn
from tinymlir.interpreter import run_loops
from tinymlir.passes.patch_schedule import apply_bands, extra_macs, stage_refusal
from tinymlir.pipelines import make_context, run_pipeline
from tinymlir.reference import run_module

T = "!qnn.qtensor"
CONV = (
    "qnn.conv2d {x}, {w}, {b} strides [{s}, {s}] pads [{p}, {p}, {p}, {p}] dilations [{d}, {d}] groups {g} : "
    "{xt}, {wt}, tensor<{c}xi32> -> {yt}"
)

STAGE = f"""
func.func @stage(%x: {T}<1x13x9x2xi8, 0.5:3>) -> {T}<1x7x6x4xi8, 0.25:-2> {{
  %w1 = qnn.constant dense<[[[[1, -2]], [[3, 1]], [[-1, 2]]], [[[2, 1]], [[1, -3]], [[1, 1]]], [[[-2, 1]], [[1, 2]], [[3, -1]]], [[[1, 1]], [[-1, 1]], [[2, 2]]]]> : tensor<4x3x1x2xi8> -> {T}<4x3x1x2xi8, 0.1:0>
  %dw = qnn.constant dense<[[[[1], [2], [-1]], [[3], [1], [1]], [[-2], [1], [2]]], [[[2], [-1], [1]], [[1], [2], [3]], [[1], [-1], [1]]], [[[1], [1], [1]], [[-1], [2], [1]], [[1], [3], [-2]]], [[[2], [1], [-3]], [[1], [1], [2]], [[-1], [2], [1]]]]> : tensor<4x3x3x1xi8> -> {T}<4x3x3x1xi8, 0.2:0>
  %b = arith.constant dense<[5, -7, 11, 0]> : tensor<4xi32>
  %a = {CONV.format(x="%x", w="%w1", b="%b", s=2, p=1, d=1, g=1, c=4, xt=f"{T}<1x13x9x2xi8, 0.5:3>", wt=f"{T}<4x3x1x2xi8, 0.1:0>", yt=f"{T}<1x7x6x4xi8, 0.3:1>")}
  %c = {CONV.format(x="%a", w="%dw", b="%b", s=1, p=2, d=2, g=4, c=4, xt=f"{T}<1x7x6x4xi8, 0.3:1>", wt=f"{T}<4x3x3x1xi8, 0.2:0>", yt=f"{T}<1x7x6x4xi8, 0.4:-1>")}
  %e = {CONV.format(x="%c", w="%dw", b="%b", s=1, p=1, d=1, g=4, c=4, xt=f"{T}<1x7x6x4xi8, 0.4:-1>", wt=f"{T}<4x3x3x1xi8, 0.2:0>", yt=f"{T}<1x7x6x4xi8, 0.3:1>")}
  %y = qnn.add %a, %e : {T}<1x7x6x4xi8, 0.3:1>, {T}<1x7x6x4xi8, 0.3:1> -> {T}<1x7x6x4xi8, 0.25:-2>
  func.return %y : {T}<1x7x6x4xi8, 0.25:-2>
}}
"""


def _parse(numerics: str):
    module = Parser(make_context(), STAGE).parse_module()
    qnn.set_numerics(module, numerics)
    return module


def _kernel_ops(module):
    function = next(f for f in module.ops if isinstance(f, func.FuncOp) and f.body.blocks)
    return [o for o in function.body.block.ops if o.name.startswith("qk.")]


@pytest.mark.parametrize("numerics", ["tflm", "onnx"])
@pytest.mark.parametrize("bands", [2, 3, 7])
def test_bands_match_layer_by_layer(numerics, bands):
    module = _parse(numerics)
    x = np.random.default_rng(bands).integers(-128, 128, (1, 13, 9, 2), dtype=np.int8)
    expected = run_module(module, [x])[0]
    kernel = module.clone()
    run_pipeline(kernel, "convert-qnn-to-kernel")
    stage = _kernel_ops(kernel)
    assert stage_refusal(stage) is None
    assert extra_macs(stage, bands) > 0
    apply_bands(stage, bands)
    kernel.verify()
    assert len(_kernel_ops(kernel)) == 4 * bands
    np.testing.assert_array_equal(run_loops(kernel, [x])[0], expected)
    lowered = kernel.clone()
    run_pipeline(lowered, "kernel-in-place,convert-kernel-to-loops,canonicalize,cse,plan-arena")
    np.testing.assert_array_equal(run_loops(lowered, [x])[0], expected)


def test_stage_refusals():
    module = _parse("tflm")
    run_pipeline(module, "convert-qnn-to-kernel")
    a, c, e, y = _kernel_ops(module)
    # %a is also read by the add: a stage ending before the add leaks it
    assert stage_refusal([a, c]) == "a's output is also used outside the stage"
    assert stage_refusal([c, e, y]) is None
