"""The Cortex-M4 first-layer and depthwise lowerings (passes/kernel_to_loops/cortex_m4_padded.py,
cortex_m4_depthwise.py) on small graphs with borders and odd sizes: the loops, run by the
interpreter with the planned arena, against the reference executor."""

from __future__ import annotations

import numpy as np
import pytest

from tinymlir.dialects import qnn

CONV = """
func.func @layer(%x: !qnn.qtensor<1xHxWxCINxi8, 0.5:ZX>) -> !qnn.qtensor<1xOHxOWxCOUTxi8, 0.3:1> {
  %w = qnn.constant dense<WEIGHTS> : tensor<COUTxKHxKWxWCINxi8> -> !qnn.qtensor<COUTxKHxKWxWCINxi8, SCALES>
  %b = arith.constant dense<BIAS> : tensor<COUTxi32>
  %y = qnn.conv2d %x, %w, %b strides [SH, SW] pads [PADS] dilations [1, 1] groups GROUPS : !qnn.qtensor<1xHxWxCINxi8, 0.5:ZX>, !qnn.qtensor<COUTxKHxKWxWCINxi8, SCALES>, tensor<COUTxi32> -> !qnn.qtensor<1xOHxOWxCOUTxi8, 0.3:1>
  func.return %y : !qnn.qtensor<1xOHxOWxCOUTxi8, 0.3:1>
}
"""

PIPELINE = "convert-qnn-to-kernel,kernel-in-place,convert-kernel-to-loops,canonicalize,cse,plan-arena"


def _lower_and_check(
    h, w, cin, cout, kh, kw, strides, pads, depthwise, zx=3, per_channel=True, seed=0, zw=0, numerics="tflm"
):
    """Lowers one conv for cortex-m4, checks the loops against the reference executor on
    random inputs, and returns the printed loops."""
    from xdsl.parser import Parser

    from tinymlir.interpreter import run_loops
    from tinymlir.pipelines import make_context, run_pipeline
    from tinymlir.reference import run_module
    from tinymlir.target import load_target, set_target

    rng = np.random.default_rng(seed)
    sh, sw = strides
    pt, pl, pb, pr = pads
    oh, ow = (h + pt + pb - kh) // sh + 1, (w + pl + pr - kw) // sw + 1
    wcin = 1 if depthwise else cin
    scales = ("axis 0 {" + ", ".join(f"{s:.4f}:{zw}" for s in rng.uniform(0.002, 0.02, cout)) + "}"
              if per_channel else f"0.01:{zw}")
    text = (CONV.replace("WEIGHTS", str(rng.integers(-127, 128, (cout, kh, kw, wcin)).tolist()))
            .replace("BIAS", str(rng.integers(-2000, 2000, cout).tolist())).replace("SCALES", scales)
            .replace("PADS", ", ".join(map(str, pads))).replace("GROUPS", str(cin if depthwise else 1))
            .replace("WCIN", str(wcin)).replace("COUT", str(cout)).replace("CIN", str(cin))
            .replace("OH", str(oh)).replace("OW", str(ow)).replace("KH", str(kh)).replace("KW", str(kw))
            .replace("SH", str(sh)).replace("SW", str(sw)).replace("ZX", str(zx))
            .replace("xHx", f"x{h}x").replace("xWx", f"x{w}x"))
    module = Parser(make_context(), text).parse_module()
    qnn.set_numerics(module, numerics)
    set_target(module, load_target("cortex-m4"))
    lowered = module.clone()
    run_pipeline(lowered, PIPELINE)
    lowered.verify()
    for _ in range(2):
        x = rng.integers(-128, 128, (1, h, w, cin), dtype=np.int8)
        np.testing.assert_array_equal(run_loops(lowered, [x])[0], run_module(module, [x])[0])
    return str(lowered)


def _scratch_bytes(printed: str, name: str) -> int:
    line = next(line for line in printed.splitlines() if "memref.view" in line and name + " =" in line)
    return int(line.rsplit("to memref<", 1)[1].split("xi8>", 1)[0])


@pytest.mark.parametrize("h, w, cin, kh, kw, strides, pads", [
    (13, 7, 1, 4, 4, (2, 2), (1, 1, 2, 2)),   # DS-CNN-like: Cin 1, kw * Cin = 4, stride 2, odd sizes
    (11, 5, 3, 3, 3, (1, 1), (1, 1, 1, 1)),   # Cin 3 padded to 4 channels, stride 1
    (12, 6, 1, 2, 4, (3, 1), (0, 1, 1, 2)),   # stride above kh: rows skipped, no top padding
    (9, 9, 3, 3, 3, (2, 2), (0, 0, 1, 1)),    # TF "same" with stride 2: padding only at the end
])
def test_first_layer_row_ring_matches_reference(h, w, cin, kh, kw, strides, pads):
    """A padded row ring of 2 x kh rows (not the whole padded input) whenever it is smaller."""
    printed = _lower_and_check(h, w, cin, 4, kh, kw, strides, pads, depthwise=False)
    assert "mcuc.smlad" in printed
    channels = cin if (kw * cin) % 4 == 0 else 4
    assert _scratch_bytes(printed, "_padded") == 2 * kh * (w + pads[1] + pads[3]) * channels


def test_first_layer_short_input_keeps_the_whole_copy():
    """Where 2 x kh rows are not fewer than the padded input's, it is copied whole."""
    printed = _lower_and_check(3, 6, 1, 4, 3, 4, (1, 1), (1, 1, 1, 1), depthwise=False)
    assert _scratch_bytes(printed, "_padded") == 5 * 8


@pytest.mark.parametrize("h, w, strides, pads, per_channel, pairs", [
    (6, 5, (1, 1), (1, 1, 1, 1), True, True),    # even height: vertical pairs sharing 2 of 4 rows
    (7, 4, (1, 1), (1, 1, 1, 1), True, True),    # odd height 7: the last pair overlaps the one before
    (8, 6, (2, 2), (0, 0, 1, 1), True, True),    # stride 2: pairs share 1 of 5 rows
    # stride 2, odd output height 5, per-tensor stage: 3 overlapping pairs read 15 rows,
    # 5 single outputs 15 too, for fewer SMLAD: the register model takes singles
    (9, 9, (2, 2), (1, 1, 1, 1), False, False),
    (1, 7, (1, 1), (1, 1, 1, 1), True, False),   # one output row: single outputs
    (3, 3, (1, 1), (0, 1, 0, 1), True, False),   # no top/bottom padding: also one output row
    (4, 11, (1, 1), (1, 1, 1, 1), True, True),   # a prime width above COPY_UNROLL: the plane copy stays rolled
    (3, 16, (1, 1), (1, 1, 1, 1), True, False),  # width 16: the copy unrolled by 8; height 3: singles (model)
])
def test_depthwise_pairs_and_single_outputs_match_reference(h, w, strides, pads, per_channel, pairs):
    """Depthwise 3x3 with the int8 row words widened per channel, per-channel stages and
    vertical output pairs where the register model chooses them (register_tile: 2 x 1);
    zx = 3 makes the padding count."""
    printed = _lower_and_check(h, w, 8, 8, 3, 3, strides, pads, depthwise=True, per_channel=per_channel)
    # the weights are read in place (no row_lanes or row_words table), no addend table
    assert "_row_words" not in printed and "_row_lanes" not in printed and "requant_addend" not in printed
    assert "memref.reinterpret_cast" in printed
    # in the loop body: 2 SMLAD per kernel row and output, 3 rows, 1 or 2 outputs
    assert printed.count("mcuc.smlad") == (12 if pairs else 6)


def test_depthwise_one_row_kernel_reads_a_row_word_table():
    """A 1x3 depthwise kernel has no previous row to read its last row from: its row is a
    word of a (w0, w1, w2, 0) table."""
    printed = _lower_and_check(5, 7, 8, 8, 1, 3, (1, 1), (0, 1, 0, 1), depthwise=True)
    assert "_row_words" in printed and "mcuc.smlad" in printed


@pytest.mark.parametrize("kh", [1, 3])
def test_depthwise_int16_weights_take_the_scalar_taps(kh):
    """onnx numerics with a weight zero point widen the weights to int16 (w - zw spans 9
    bits): they are not 4 taps to a word, so the SXTB16 row path is not taken (it read
    the int16 table as bytes; found by test_generated_c_matches_reference[onnx])."""
    printed = _lower_and_check(4, 5, 4, 4, kh, 3, (1, 1), (1, 1, 1, 1), depthwise=True, zw=63, numerics="onnx")
    assert "xi16>" in printed
    assert "_row_words" not in printed and "mcuc.load_s8x4 %conv" not in printed
