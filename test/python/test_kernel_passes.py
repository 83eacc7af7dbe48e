"""The passes from qnn to loops must not change what the IR computes: the qnn reference
executor and xDSL's interpreter agree bit for bit on every small graph after each of
convert-qnn-to-kernel (kernel level: each qk op runs by its numpy semantics, tinymlir.kernel_reference),
patch-schedule (early convolutions in row bands, where that lowers the arena),
kernel-in-place (outputs over dying inputs) and convert-kernel-to-loops with the
loop-level passes after it (canonicalize, cse, plan-arena: the buffers alias one arena in
the interpreter too, so a wrong placement changes the results). Both numerics modes: tflm
(fxp integer stages) and onnx (f32 stages, run float32-exact)."""

import numpy as np
import pytest
from onnx_graphs import VALID_GRAPHS, random_inputs

from tinymlir.dialects import qnn
from tinymlir.frontend.onnx import import_onnx
from tinymlir.interpreter import run_loops
from tinymlir.pipelines import run_pipeline
from tinymlir.reference import run_module, trace_module

STEPS = (
    "convert-qnn-to-kernel",
    "patch-schedule",
    "kernel-in-place",
    "convert-kernel-to-loops,canonicalize,cse,plan-arena",
)
PIPELINE = ",".join(STEPS)


def lower(module):
    lowered = module.clone()
    run_pipeline(lowered, PIPELINE)
    lowered.verify()
    return lowered


def after_each_step(module):
    """The module after each of STEPS (each a fresh clone)."""
    current = module.clone()
    for step in STEPS:
        run_pipeline(current, step)
        current.verify()
        yield step, current.clone()


@pytest.mark.parametrize("numerics", ["tflm", "onnx"])
@pytest.mark.parametrize("name", sorted(VALID_GRAPHS))
def test_each_pass_matches_reference(name, numerics):
    model = VALID_GRAPHS[name]()
    module = import_onnx(model, name=name, numerics=numerics)
    for seed in (0,):  # one seed: the interpreter runs every scalar op in Python
        inputs = random_inputs(model, seed)
        if any(x.dtype.kind == "f" for x in inputs):
            # Float interface: the loops take the quantised input and return the quantised
            # output, i.e. the values around the boundary qnn.quantize / qnn.dequantize.
            trace = trace_module(module, inputs)
            inputs = [v for op, v in trace if isinstance(op, qnn.QuantizeOp)]
            expected = [
                v for op, v in trace for user in op.results[0].uses
                if isinstance(user.operation, qnn.DequantizeOp)
            ]
        else:
            expected = run_module(module, inputs)
        for step, lowered in after_each_step(module):
            got = run_loops(lowered, inputs)
            for want, have in zip(expected, got, strict=True):
                np.testing.assert_array_equal(have, want, err_msg=f"after {step}")


RING_CHAIN = """
func.func @ring(%x: !qnn.qtensor<1x3x3x2xi8, 0.5:0>) -> !qnn.qtensor<1x3x3x2xi8, 0.5:0> {
  %w = qnn.constant dense<1> : tensor<2x3x3x2xi8> -> !qnn.qtensor<2x3x3x2xi8, 0.1:0>
  %b = arith.constant dense<0> : tensor<2xi32>
  %c = qnn.conv2d %x, %w, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] groups 1 : !qnn.qtensor<1x3x3x2xi8, 0.5:0>, !qnn.qtensor<2x3x3x2xi8, 0.1:0>, tensor<2xi32> -> !qnn.qtensor<1x3x3x2xi8, 0.5:0>
  %d = qnn.conv2d %c, %w, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] groups 1 : !qnn.qtensor<1x3x3x2xi8, 0.5:0>, !qnn.qtensor<2x3x3x2xi8, 0.1:0>, tensor<2xi32> -> !qnn.qtensor<1x3x3x2xi8, 0.5:0>
  %e = qnn.conv2d %d, %w, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] groups 1 : !qnn.qtensor<1x3x3x2xi8, 0.5:0>, !qnn.qtensor<2x3x3x2xi8, 0.1:0>, tensor<2xi32> -> !qnn.qtensor<1x3x3x2xi8, 0.5:0>
  %y = qnn.add %c, %e : !qnn.qtensor<1x3x3x2xi8, 0.5:0>, !qnn.qtensor<1x3x3x2xi8, 0.5:0> -> !qnn.qtensor<1x3x3x2xi8, 0.5:0>
  func.return %y : !qnn.qtensor<1x3x3x2xi8, 0.5:0>
}
"""


@pytest.mark.parametrize("numerics", ["tflm", "onnx"])
def test_row_ring_runs_in_the_interpreter(numerics):
    """A stride-1 padded conv over a dying input writes through a ring of rows (arith.remui
    picks the slot): the interpreter must run it, and agree with the reference executor."""
    from xdsl.parser import Parser

    from tinymlir.pipelines import make_context

    ctx = make_context()
    module = Parser(ctx, RING_CHAIN).parse_module()
    qnn.set_numerics(module, numerics)
    lowered = lower(module)
    assert "arith.remui" in str(lowered)
    x = np.random.default_rng(0).integers(-128, 128, (1, 3, 3, 2), dtype=np.int8)
    np.testing.assert_array_equal(run_loops(lowered, [x])[0], run_module(module, [x])[0])
