"""The qk dialect's shared interface (iteration domain, input windows, MACs, the layer's
description) and the lowering registry: a target's own lowering is picked over the
generic one, added by registering it, with no dispatch table to edit."""

import numpy as np
import pytest
from onnx_graphs import VALID_GRAPHS, random_inputs
from xdsl.parser import Parser

from tinymlir.cost import macs
from tinymlir.dialects import kernel as qk
from tinymlir.frontend.onnx import import_onnx
from tinymlir.interpreter import run_loops
from tinymlir.passes.kernel_to_loops import KernelLowering, lowering, lowering_for
from tinymlir.passes.kernel_to_loops.conv import LowerConv2D
from tinymlir.pipelines import make_context, run_pipeline

CONV = """
func.func @f(%x: !qnn.qtensor<1x8x8x4xi8, 0.5:0>) -> !qnn.qtensor<1x4x4x4xi8, 0.5:0> {
  %w = qnn.constant dense<1> : tensor<4x3x3x1xi8> -> !qnn.qtensor<4x3x3x1xi8, 0.1:0>
  %b = arith.constant dense<0> : tensor<4xi32>
  %y = qnn.conv2d %x, %w, %b strides [2, 2] pads [1, 1, 0, 0] dilations [1, 1] groups 4 : !qnn.qtensor<1x8x8x4xi8, 0.5:0>, !qnn.qtensor<4x3x3x1xi8, 0.1:0>, tensor<4xi32> -> !qnn.qtensor<1x4x4x4xi8, 0.5:0>
  func.return %y : !qnn.qtensor<1x4x4x4xi8, 0.5:0>
}
"""


def kernel_module(text: str):
    module = Parser(make_context(), text).parse_module()
    qnn_ops = [op for op in module.walk() if op.name.startswith("qnn.conv2d")]
    run_pipeline(module, "convert-qnn-to-kernel")
    return module, qnn_ops


def only_kernel(module) -> qk.KernelOp:
    (op,) = [o for o in module.walk() if isinstance(o, qk.KernelOp)]
    return op


def test_conv_interface():
    module, (qnn_conv,) = kernel_module(CONV)
    conv = only_kernel(module)
    assert conv.iteration_domain() == (1, 4, 4, 4)
    assert conv.macs() == 1 * 4 * 4 * 4 * 3 * 3 * 1 == macs(conv) == macs(qnn_conv)
    # output rows 0..1 read input rows 0..3 (row 0's window starts in the top padding);
    # depthwise: output channels 1..2 read input channels 1..2 only
    assert conv.input_window([(0, 1), (0, 2), (1, 4), (1, 3)]) == [[(0, 1), (0, 4), (1, 8), (1, 3)]]
    assert conv.input_window([(0, 1), (3, 4), (0, 1), (0, 4)]) == [[(0, 1), (5, 8), (0, 2), (0, 4)]]
    assert conv.describe() == "y: conv2d 1x8x8x4 -> 1x4x4x4, kernel 3x3, stride 2x2, groups 4, 576 MACs"


def test_elementwise_and_data_movement_windows():
    text = """
    func.func @f(%x: !qnn.qtensor<1x4x2xi8, 0.5:0>, %v: !qnn.qtensor<2xi8, 0.5:0>) -> !qnn.qtensor<1x2x4xi8, 0.5:0> {
      %s = qnn.add %x, %v : !qnn.qtensor<1x4x2xi8, 0.5:0>, !qnn.qtensor<2xi8, 0.5:0> -> !qnn.qtensor<1x4x2xi8, 0.5:0>
      %t = qnn.transpose %s perm [0, 2, 1] : !qnn.qtensor<1x4x2xi8, 0.5:0> -> !qnn.qtensor<1x2x4xi8, 0.5:0>
      func.return %t : !qnn.qtensor<1x2x4xi8, 0.5:0>
    }
    """
    module, _ = kernel_module(text)
    add, transpose = [o for o in module.walk() if isinstance(o, qk.KernelOp)]
    assert add.input_window([(0, 1), (1, 3), (0, 1)]) == [[(0, 1), (1, 3), (0, 1)], [(0, 1)]]
    assert transpose.input_window([(0, 1), (0, 2), (1, 3)]) == [[(0, 1), (1, 3), (0, 2)]]
    assert add.macs() == 0 and transpose.iteration_domain() == (1, 2, 4)


def test_a_target_lowering_is_one_registration():
    """A lowering registered for a target (here a made-up one, so that no real target's
    code changes) is picked over the generic one there, and only there."""
    module, _ = kernel_module(CONV)
    conv = only_kernel(module)
    assert isinstance(lowering_for(conv, "cortex-m4"), LowerConv2D)

    @lowering(qk.Conv2DOp, target="test-npu")
    class LowerConvOnTestNpu(KernelLowering):
        def lower(self, k, op):
            LowerConv2D().lower(k, op)

    assert isinstance(lowering_for(conv, "test-npu"), LowerConvOnTestNpu)
    assert isinstance(lowering_for(conv, "cortex-m4"), LowerConv2D)
    with pytest.raises(ValueError, match="already registered"):
        lowering(qk.Conv2DOp, target="test-npu")(LowerConvOnTestNpu)


@pytest.mark.parametrize("name", ["qdq_conv_per_channel", "qop_qlinear_concat"])
def test_kernel_level_runs_in_the_interpreter(name):
    model = VALID_GRAPHS[name]()
    module = import_onnx(model, name=name)
    kernel = module.clone()
    run_pipeline(kernel, "kernel")
    assert any(isinstance(o, qk.KernelOp) for o in kernel.walk())
    loops = module.clone()
    run_pipeline(loops, "loops")
    inputs = random_inputs(model, 1)
    for a, b in zip(run_loops(kernel, inputs), run_loops(loops, inputs), strict=True):
        np.testing.assert_array_equal(a, b)


def test_a_specialisation_declines_what_it_does_not_handle():
    """A target lowering for a subset of an op (here: only 1x1 convolutions, on a made-up
    target) says so with `applies`; every other op of that class keeps the generic lowering."""
    pointwise_text = (
        CONV.replace("4x3x3x1xi8", "4x1x1x4xi8")
        .replace("strides [2, 2] pads [1, 1, 0, 0]", "strides [1, 1] pads [0, 0, 0, 0]")
        .replace("groups 4", "groups 1")
        .replace("1x4x4x4xi8", "1x8x8x4xi8")
    )
    conv3x3 = only_kernel(kernel_module(CONV)[0])
    conv1x1 = only_kernel(kernel_module(pointwise_text)[0])

    @lowering(qk.Conv2DOp, target="test-pointwise")
    class LowerPointwiseConv(KernelLowering):
        def applies(self, op):
            return tuple(op.ins[1].type.get_shape()[1:3]) == (1, 1)

        def lower(self, k, op):
            LowerConv2D().lower(k, op)

    assert isinstance(lowering_for(conv1x1, "test-pointwise"), LowerPointwiseConv)
    assert isinstance(lowering_for(conv3x3, "test-pointwise"), LowerConv2D)
    assert isinstance(lowering_for(conv1x1, "cortex-m4"), LowerConv2D)
