"""patch-schedule's band rewrite computes what layer-by-layer computes: stages of
strided, dilated and padded convolutions with a residual add, cut into bands that do and
do not divide the rows, run by xDSL's interpreter at the kernel level and after the
loop lowering (with the arena planned), equal the qnn reference executor bit for bit, in
both numerics modes."""

import numpy as np
import pytest
from xdsl.dialects import func
from xdsl.parser import Parser

from tinymlir.dialects import patch, qnn
from tinymlir.interpreter import run_loops
from tinymlir.passes.patch_schedule import (
    apply_bands,
    band_runs,
    bands_refusal,
    extra_macs,
    overwrite_refusal,
    stage_refusal,
)
from tinymlir.pipelines import make_context, run_pipeline
from tinymlir.reference import run_module
from tinymlir.target import target_of

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
    return [o for o in patch.schedule_ops(function.body.block.ops) if o.name.startswith("qk.")]


def tall_stage() -> str:
    """A 3x3 convolution, a 3x3 depthwise, a residual add of the two and a 1x1
    convolution over 20 rows (stride 1): interior bands share their shape, so they run
    as one band loop."""
    rng = np.random.default_rng(1)
    w1 = rng.integers(-3, 4, (4, 3, 3, 2)).tolist()
    dw = rng.integers(-3, 4, (4, 3, 3, 1)).tolist()
    pw = rng.integers(-3, 4, (3, 1, 1, 4)).tolist()
    x, a, c, r, y = (f"{T}<1x20x6x{n}xi8, {q}>" for n, q in ((2, "0.5:3"), (4, "0.3:1"), (4, "0.4:-1"), (4, "0.3:1"), (3, "0.25:-2")))
    return f"""
func.func @tall(%x: {x}) -> {y} {{
  %w1 = qnn.constant dense<{w1}> : tensor<4x3x3x2xi8> -> {T}<4x3x3x2xi8, 0.1:0>
  %dw = qnn.constant dense<{dw}> : tensor<4x3x3x1xi8> -> {T}<4x3x3x1xi8, 0.2:0>
  %pw = qnn.constant dense<{pw}> : tensor<3x1x1x4xi8> -> {T}<3x1x1x4xi8, 0.2:0>
  %b = arith.constant dense<[5, -7, 11, 0]> : tensor<4xi32>
  %b3 = arith.constant dense<[3, -1, 2]> : tensor<3xi32>
  %a = {CONV.format(x="%x", w="%w1", b="%b", s=1, p=1, d=1, g=1, c=4, xt=x, wt=f"{T}<4x3x3x2xi8, 0.1:0>", yt=a)}
  %c = {CONV.format(x="%a", w="%dw", b="%b", s=1, p=1, d=1, g=4, c=4, xt=a, wt=f"{T}<4x3x3x1xi8, 0.2:0>", yt=c)}
  %r = qnn.add %a, %c : {a}, {c} -> {r}
  %y = {CONV.format(x="%r", w="%pw", b="%b3", s=1, p=0, d=1, g=1, c=3, xt=r, wt=f"{T}<3x1x1x4xi8, 0.2:0>", yt=y)}
  func.return %y : {y}
}}
"""


def _kernel_case(source: str, numerics: str, seed: int):
    """A random input of the graph, its reference result, the graph's kernel-level module
    and that module's kernel ops."""
    module = Parser(make_context(), source).parse_module()
    qnn.set_numerics(module, numerics)
    shape = next(f for f in module.ops if isinstance(f, func.FuncOp)).function_type.inputs.data[0].get_shape()
    x = np.random.default_rng(seed).integers(-128, 128, shape, dtype=np.int8)
    expected = run_module(module, [x])[0]
    kernel = module.clone()
    run_pipeline(kernel, "convert-qnn-to-kernel")
    return x, expected, kernel, _kernel_ops(kernel)


def _in_bands(source: str, numerics: str, bands: int, loops: bool, seed: int):
    """The graph, a random input, its reference result, and its kernel-level module with
    the whole chain applied in `bands` bands."""
    x, expected, kernel, stage = _kernel_case(source, numerics, seed)
    assert stage_refusal(stage) is None
    assert extra_macs(stage, bands) > 0
    apply_bands(stage, bands, loops=loops)
    kernel.verify()
    return x, expected, kernel, len(stage)


@pytest.mark.parametrize("numerics", ["tflm", "onnx"])
@pytest.mark.parametrize("loops", [False, True])
@pytest.mark.parametrize(("graph", "bands"), [("stage", 2), ("stage", 3), ("stage", 7), ("tall", 4), ("tall", 6), ("tall", 7)])
def test_bands_match_layer_by_layer(numerics, loops, graph, bands):
    """Unrolled, and with bands of one shape in a loop: 20 rows in 4 bands (5 rows each:
    a loop over bands 1-2), in 6 (4, 4, 3, 3, 3, 3: bands 2-4) and in 7 (3 x 6 + 2 x 1)."""
    source = STAGE if graph == "stage" else tall_stage()
    x, expected, kernel, layers = _in_bands(source, numerics, bands, loops, bands)
    loops_made = [o for o in kernel.walk() if isinstance(o, patch.BandLoopOp)]
    if loops and graph == "tall":
        assert loops_made, "no band loop"
        body_ops = [o for loop in loops_made for o in loop.walk() if o.name.startswith("qk.")]
        assert len(body_ops) == layers * len(loops_made)
        assert len(_kernel_ops(kernel)) + len(body_ops) == layers * len(band_runs(_stage_of(source), bands))
    elif not loops:
        assert not loops_made and len(_kernel_ops(kernel)) == layers * bands
    np.testing.assert_array_equal(run_loops(kernel, [x])[0], expected)
    lowered = kernel.clone()
    run_pipeline(lowered, "kernel-in-place,convert-kernel-to-loops,canonicalize,cse,plan-arena")
    np.testing.assert_array_equal(run_loops(lowered, [x])[0], expected)


def _stage_of(source: str):
    module = Parser(make_context(), source).parse_module()
    run_pipeline(module, "convert-qnn-to-kernel")
    return _kernel_ops(module)


@pytest.mark.parametrize("loops", [False, True])
def test_stage_op_records_the_bands(loops):
    """The bands are one patch.stage writing the stitched output: recompute form, a grid of
    bands x 1, the last layer's tiles the row split of its output (full width), each window
    the layer's input_window of its tile (the verifier checks it)."""
    from tinymlir.passes.patch_schedule import _rows_split

    x, expected, kernel, layers = _in_bands(tall_stage(), "tflm", 6, loops, 6)
    (stage,) = [o for o in kernel.walk() if isinstance(o, patch.StageOp)]
    assert stage.form.data == "recompute" and stage.grid_shape == (6, 1)
    assert [layer.layer_name.data for layer in stage.layers.data][-1] == "y"
    last = [band.data[-1].box for band in stage.bands.data]
    assert last == [(rows, (0, 6)) for rows in _rows_split(20, 6)]
    assert len(stage.layers.data) == layers
    assert any(isinstance(o, patch.BandLoopOp) for o in stage.walk()) == loops
    stage.verify()


def test_band_runs():
    """Which bands share a loop: the borders (their pads differ) and the longer first
    bands of an uneven split run alone."""
    stage = _stage_of(tall_stage())
    assert band_runs(stage, 4) == [(0, 1), (1, 3), (3, 4)]
    assert band_runs(stage, 6) == [(0, 1), (1, 2), (2, 5), (5, 6)]
    assert band_runs(stage, 2) == [(0, 1), (1, 2)]


def test_stage_refusals():
    module = _parse("tflm")
    run_pipeline(module, "convert-qnn-to-kernel")
    a, c, e, y = _kernel_ops(module)
    # %a is also read by the add: a stage ending before the add leaks it
    assert stage_refusal([a, c]) == "a's output is also used outside the stage"
    assert stage_refusal([c, e, y]) is None


PADDING_ONLY_BAND = f"""
func.func @g(%x: {T}<1x1x1x8xi8, 0.74:59>) -> {T}<1x2x3x8xi8, 1.0:0> {{
  %b = arith.constant dense<[18, -47, -17, 12, -12, -40, -14, -3]> : tensor<8xi32>
  %w1 = qnn.constant dense<7> : tensor<8x3x2x1xi8> -> {T}<8x3x2x1xi8, 0.005:0>
  %a = qnn.conv2d %x, %w1, %b strides [2, 1] pads [3, 3, 5, 1] dilations [2, 2] groups 8 : {T}<1x1x1x8xi8, 0.74:59>, {T}<8x3x2x1xi8, 0.005:0>, tensor<8xi32> -> {T}<1x3x3x8xi8, 0.11:127>
  %w2 = qnn.constant dense<-5> : tensor<8x1x3x1xi8> -> {T}<8x1x3x1xi8, 0.8:0>
  %y = qnn.conv2d %a, %w2, %b strides [2, 3] pads [0, 3, 0, 3] dilations [2, 1] groups 8 : {T}<1x3x3x8xi8, 0.11:127>, {T}<8x1x3x1xi8, 0.8:0>, tensor<8xi32> -> {T}<1x2x3x8xi8, 1.0:0>
  func.return %y : {T}<1x2x3x8xi8, 1.0:0>
}}
"""


def test_a_band_reading_only_padding_is_refused():
    """%y's second output row reads %a's row 2, whose taps (rows 1, 3, 5 of a 1-row map)
    are all padding: 2 bands would need an empty band buffer, so the pass keeps the
    layers whole, and the model still runs bit-exact (found by test_properties)."""
    module = Parser(make_context(), PADDING_ONLY_BAND).parse_module()
    qnn.set_numerics(module, "tflm")
    x = np.random.default_rng(0).integers(-128, 128, (1, 1, 1, 8), dtype=np.int8)
    expected = run_module(module, [x])[0]
    kernel = module.clone()
    run_pipeline(kernel, "convert-qnn-to-kernel")
    assert bands_refusal(_kernel_ops(kernel), 2) == "a: a band of 2 reads only padding rows"
    run_pipeline(kernel, "patch-schedule{max_extra_macs=1.0},kernel-in-place,convert-kernel-to-loops,plan-arena")
    np.testing.assert_array_equal(run_loops(kernel, [x])[0], expected)


def mobilenet_v2_like() -> str:
    """A MobileNetV2-style front (64x64x3 input; 3x3/s2 stem, inverted residual blocks with
    1x1 expansion, 3x3 depthwise (s2) and 1x1 projection, one residual add) and an 8x8
    average pool: the early expanded maps set the layer-by-layer peak."""
    rng = np.random.default_rng(0)
    lines, counter = [], [0]
    shape = [64, 64, 3]
    scale = 0.05

    def qt(h, w, c, s=scale):
        return f"{T}<1x{h}x{w}x{c}xi8, {s}:0>"

    def conv(x, c_out, k, s, depthwise=False):
        counter[0] += 1
        n = counter[0]
        h, w, c_in = shape
        cin_g = 1 if depthwise else c_in
        weights = rng.integers(-3, 4, (c_out, k, k, cin_g)).tolist()
        p = k // 2
        oh, ow = (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1
        lines.append(f"  %w{n} = qnn.constant dense<{weights}> : tensor<{c_out}x{k}x{k}x{cin_g}xi8> -> {T}<{c_out}x{k}x{k}x{cin_g}xi8, 0.02:0>")
        lines.append(f"  %b{n} = arith.constant dense<{rng.integers(-50, 50, c_out).tolist()}> : tensor<{c_out}xi32>")
        lines.append(
            f"  %v{n} = qnn.conv2d {x}, %w{n}, %b{n} strides [{s}, {s}] pads [{p}, {p}, {p}, {p}] dilations [1, 1] "
            f"groups {c_out if depthwise else 1} : {qt(h, w, c_in)}, {T}<{c_out}x{k}x{k}x{cin_g}xi8, 0.02:0>, "
            f"tensor<{c_out}xi32> -> {qt(oh, ow, c_out)}"
        )
        shape[:] = [oh, ow, c_out]
        return f"%v{n}"

    x = conv("%x", 16, 3, 2)
    x = conv(conv(x, 16, 3, 1, depthwise=True), 8, 1, 1)
    block_in = x
    x = conv(conv(conv(x, 48, 1, 1), 48, 3, 1, depthwise=True), 8, 1, 1)
    h, w, c = shape
    lines.append(f"  %r = qnn.add {block_in}, {x} : {qt(h, w, c)}, {qt(h, w, c)} -> {qt(h, w, c)}")
    x = conv(conv(conv("%r", 48, 1, 1), 48, 3, 2, depthwise=True), 16, 1, 1)
    x = conv(conv(conv(x, 64, 1, 1), 64, 3, 2, depthwise=True), 24, 1, 1)
    lines.append(f"  %y = qnn.avg_pool2d {x} kernel [8, 8] strides [8, 8] pads [0, 0, 0, 0] : {qt(8, 8, 24)} -> {qt(1, 1, 24)}")
    body = "\n".join(lines)
    return f"func.func @mbv2(%x: {qt(64, 64, 3)}) -> {qt(1, 1, 24)} {{\n{body}\n  func.return %y : {qt(1, 1, 24)}\n}}\n"


def test_mobilenet_v2_like_arena_halves():
    """The default bound (20 % extra MACs) bands the first expanded block: the arena at
    least halves (65,536 -> 32,512 B when written; bit-exactness is the tests above')."""
    module = Parser(make_context(), mobilenet_v2_like()).parse_module()
    off, on = module.clone(), module.clone()
    run_pipeline(off, "qnn-schedule,convert-qnn-to-kernel,kernel-in-place,plan-arena")
    run_pipeline(on, "qnn-schedule,convert-qnn-to-kernel,patch-schedule,kernel-in-place,plan-arena")

    def arena(m):
        function = next(f for f in m.ops if isinstance(f, func.FuncOp) and f.body.blocks)
        schedule = function.attributes.get("tinymlir.patch_schedule")
        return function.attributes["tinymlir.arena_size"].value.data, schedule.data if schedule else ""

    before, _ = arena(off)
    after, schedule = arena(on)
    assert schedule.startswith("bands: "), schedule
    assert 2 * after <= before


@pytest.mark.parametrize("graph", ["mobilenet_v2_like", "resnet_like"])
def test_pruned_search_keeps_the_exhaustive_choice(monkeypatch, graph):
    """The search plans only candidates whose lower bound can still win: every bound is at
    most the candidate's real arena (outputs over inputs too), and the choice equals the
    unpruned search's."""
    from tinymlir.passes import patch_schedule

    kernel = Parser(make_context(), globals()[graph]()).parse_module()
    run_pipeline(kernel, "qnn-schedule,convert-qnn-to-kernel")
    exact, planned = patch_schedule._CandidateBound.parts, patch_schedule._arena
    alignment = target_of(kernel).alignment
    real_arenas: dict = {}  # the candidates' real arenas, per plan (a plan's bounds come first)
    checked = []

    def checked_parts(self, stage, start, geometry, bands, over_input=False, stream=False, cols=1):
        parts = exact(self, stage, start, geometry, bands, over_input, stream, cols)
        candidate = patch_schedule.Candidate(start, start + len(stage), bands, over_input, stream, cols)
        real = planned(make_context(), stage[0].parent_op(), candidate, alignment)
        assert max(parts) <= real, (stage[0].layer_name.data, len(stage), bands, over_input, stream, cols)
        real_arenas[stage[0].parent_op(), candidate] = real
        checked.append(candidate)
        # only the band steps' part (the tie-break, and the peak-first search's order):
        # the smallest-arena search then prunes by that weaker bound only
        return 0, parts[1], 0

    def arena_of(ctx, function, candidate, alignment, loops):
        if (function, candidate) not in real_arenas:  # a pair
            real_arenas[function, candidate] = planned(ctx, function, candidate, alignment, loops)
        return real_arenas[function, candidate]

    unpruned = kernel.clone()
    run_pipeline(kernel, "patch-schedule")
    monkeypatch.setattr(patch_schedule._CandidateBound, "parts", checked_parts)
    monkeypatch.setattr(patch_schedule, "_arena", arena_of)
    monkeypatch.setattr(patch_schedule._CandidateBound, "floor", lambda self, stage, start, geometry: 0)
    run_pipeline(unpruned, "patch-schedule")
    assert len(checked) > 50

    def schedule(m):
        function = next(f for f in m.ops if isinstance(f, func.FuncOp) and f.body.blocks)
        return function.attributes["tinymlir.patch_schedule"].data

    assert schedule(kernel) == schedule(unpruned)
    assert str(kernel) == str(unpruned)


def test_band_loops_run_bit_exact_in_c(tmp_path):
    """The MobileNetV2-like graph through the whole C pipeline: its chosen bands run in band
    loops (subviews at offsets computed from the band index, in C pointers advanced at run
    time), and the host build of the C code equals the reference executor bit for bit (the
    per-layer build too: the layer hooks of layers inside a band loop)."""
    from tinymlir.build import build_host, run_host
    from tinymlir.compiler import compile_model

    source = mobilenet_v2_like()
    kernel = Parser(make_context(), source).parse_module()
    run_pipeline(kernel, "qnn-schedule,convert-qnn-to-kernel,patch-schedule")
    assert any(isinstance(o, patch.BandLoopOp) for o in kernel.walk())
    module = Parser(make_context(), source).parse_module()
    qnn.set_numerics(module, "tflm")
    compiled = compile_model(module, tmp_path)
    rows, expected = [], []
    for seed in range(2):
        x = np.random.default_rng(seed).integers(-128, 128, (1, 64, 64, 3), dtype=np.int8)
        rows.append([x])
        expected.append(run_module(compiled.module, [x])[0])
    for per_layer in (False, True):
        exe = build_host(compiled.c_file, compiled.library, tmp_path, per_layer=per_layer)
        layer_file = tmp_path / "layers.bin" if per_layer else None
        for (y,), want in zip(run_host(exe, rows, tmp_path, compiled.library, layer_file), expected, strict=True):
            np.testing.assert_array_equal(y.reshape(want.shape), want)


def resnet_like() -> str:
    """ResNet-8's first two blocks in small: a 3x3 stem, a residual block (3x3, 3x3, add of
    the block input), then a strided block (1x1/s2 shortcut and 3x3/s2, 3x3, add). The
    block inputs are kept for the adds, so the two blocks peak alike layer by layer."""
    rng = np.random.default_rng(2)
    lines = []

    def conv(n, x, c_in, c_out, k, s, h):
        p, oh = k // 2, (h + 2 * (k // 2) - k) // s + 1
        lines.append(f"  %w{n} = qnn.constant dense<{rng.integers(-3, 4, (c_out, k, k, c_in)).tolist()}> : tensor<{c_out}x{k}x{k}x{c_in}xi8> -> {T}<{c_out}x{k}x{k}x{c_in}xi8, 0.02:0>")
        lines.append(f"  %b{n} = arith.constant dense<{rng.integers(-50, 50, c_out).tolist()}> : tensor<{c_out}xi32>")
        lines.append(
            f"  %v{n} = qnn.conv2d {x}, %w{n}, %b{n} strides [{s}, {s}] pads [{p}, {p}, {p}, {p}] dilations [1, 1] groups 1 : "
            f"{T}<1x{h}x{h}x{c_in}xi8, 0.05:0>, {T}<{c_out}x{k}x{k}x{c_in}xi8, 0.02:0>, tensor<{c_out}xi32> -> {T}<1x{oh}x{oh}x{c_out}xi8, 0.05:0>"
        )
        return f"%v{n}"

    def qt(h, c):
        return f"{T}<1x{h}x{h}x{c}xi8, 0.05:0>"

    stem = conv(1, "%x", 3, 4, 3, 1, 16)
    branch = conv(3, conv(2, stem, 4, 4, 3, 1, 16), 4, 4, 3, 1, 16)
    lines.append(f"  %r1 = qnn.add {stem}, {branch} : {qt(16, 4)}, {qt(16, 4)} -> {qt(16, 4)}")
    shortcut = conv(4, "%r1", 4, 8, 1, 2, 16)
    branch = conv(6, conv(5, "%r1", 4, 8, 3, 2, 16), 8, 8, 3, 1, 8)
    lines.append(f"  %r2 = qnn.add {shortcut}, {branch} : {qt(8, 8)}, {qt(8, 8)} -> {qt(8, 8)}")
    y = conv(7, "%r2", 8, 4, 1, 1, 8)
    body = "\n".join(lines)
    return f"func.func @resnet(%x: {qt(16, 3)}) -> {qt(8, 4)} {{\n{body}\n  func.return {y} : {qt(8, 4)}\n}}\n"


@pytest.mark.parametrize("numerics", ["tflm", "onnx"])
@pytest.mark.parametrize("loops", [False, True])
@pytest.mark.parametrize("bands", [2, 3])
def test_output_over_input_matches_layer_by_layer(numerics, loops, bands):
    """The strided block (its input the first block's add) in bands with its stitched
    output written over the rows of its input that no later band reads: one buffer for
    both, bit-exact before and after the loop lowering with the arena planned."""
    module = Parser(make_context(), resnet_like()).parse_module()
    qnn.set_numerics(module, numerics)
    x = np.random.default_rng(bands).integers(-128, 128, (1, 16, 16, 3), dtype=np.int8)
    expected = run_module(module, [x])[0]
    kernel = module.clone()
    run_pipeline(kernel, "convert-qnn-to-kernel")
    ops = _kernel_ops(kernel)
    block = ops[4:8]
    assert stage_refusal(block) is None and overwrite_refusal(block, bands) is None
    apply_bands(block, bands, loops=loops, over_input=True)
    kernel.verify()
    np.testing.assert_array_equal(run_loops(kernel, [x])[0], expected)
    lowered = kernel.clone()
    run_pipeline(lowered, "kernel-in-place,convert-kernel-to-loops,canonicalize,cse,plan-arena")
    np.testing.assert_array_equal(run_loops(lowered, [x])[0], expected)


def test_overwrite_refusals():
    module = _parse("tflm")
    run_pipeline(module, "convert-qnn-to-kernel")
    a, c, e, y = _kernel_ops(module)
    # the stage [c, e] reads %a, which the add reads after it
    assert overwrite_refusal([c, e], 2) == "the stage input is used after the stage"
    # the add at the end of [a, c, e, y] reads %a, an output of the stage: but the stage's
    # input is the function argument
    assert overwrite_refusal([a, c, e, y], 2) == "the stage does not read one input buffer"
    kernel = Parser(make_context(), resnet_like()).parse_module()
    run_pipeline(kernel, "convert-qnn-to-kernel")
    ops = _kernel_ops(kernel)
    # the first block's add reads the block input (the stem's output) itself
    assert overwrite_refusal(ops[1:4], 2) == "the stage's last op reads its input"
    # in 4 bands (2 output rows each) band 1 reads input rows from 1 on (halo of the 3x3/s2
    # and the 3x3), but band 0 writes the bytes of input rows 0-1
    assert overwrite_refusal(ops[4:8], 4) == "band 0 would overwrite input rows a later band reads"


@pytest.mark.parametrize("numerics", ["tflm", "onnx"])
def test_pair_of_stages_when_no_single_stage_helps(numerics):
    """Layer by layer both blocks peak alike, so no single stage lowers the arena: the
    search takes a pair (the stem's block, and the strided block over its input), and the
    result stays bit-exact through the loop lowering and the planned arena."""
    module = Parser(make_context(), resnet_like()).parse_module()
    qnn.set_numerics(module, numerics)
    x = np.random.default_rng(0).integers(-128, 128, (1, 16, 16, 3), dtype=np.int8)
    expected = run_module(module, [x])[0]

    def planned(spec):
        m = module.clone()
        run_pipeline(m, f"qnn-schedule,convert-qnn-to-kernel,{spec}kernel-in-place,convert-kernel-to-loops,canonicalize,cse,plan-arena")
        function = next(f for f in m.ops if isinstance(f, func.FuncOp) and f.body.blocks)
        np.testing.assert_array_equal(run_loops(m, [x])[0], expected)
        schedule = function.attributes.get("tinymlir.patch_schedule")
        return function.attributes["tinymlir.arena_size"].value.data, schedule.data if schedule else ""

    before, _ = planned("")
    # a small map: halos cost more; the band forms only (grids take another plan here)
    after, schedule = planned("patch-schedule{max_extra_macs=0.6 max_grid=1},")
    assert schedule.startswith("bands: ") and schedule.count("row bands") == 2, schedule
    assert after < before


# --------------------------------------------------------------------------- #
# The stream form and the transposed-input view
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize("numerics", ["tflm", "onnx"])
@pytest.mark.parametrize("loops", [False, True])
@pytest.mark.parametrize(("graph", "bands"), [("stage", 3), ("stage", 7), ("tall", 7), ("tall", 20)])
def test_stream_matches_layer_by_layer(numerics, loops, graph, bands):
    """The stream form (kept rows shifted to the front of each buffer, only new rows
    computed) equals layer-by-layer at the kernel level and after lowering with the arena
    planned; 20 rows in 7 bands run bands 2-5 as one band loop, in 20 bands 2-17."""
    from tinymlir.passes.patch_schedule import apply_stream, stream_refusal, stream_runs

    source = STAGE if graph == "stage" else tall_stage()
    x, expected, kernel, stage = _kernel_case(source, numerics, bands)
    assert stream_refusal(stage, bands) is None
    runs = stream_runs(stage, bands)
    apply_stream(stage, bands, loops=loops)
    kernel.verify()
    loops_made = [o for o in kernel.walk() if isinstance(o, patch.BandLoopOp)]
    assert bool(loops_made) == (loops and any(end - start > 1 for start, end in runs))
    if graph == "tall":
        assert any(end - start >= bands // 2 for start, end in runs), runs
    np.testing.assert_array_equal(run_loops(kernel, [x])[0], expected)
    lowered = kernel.clone()
    run_pipeline(lowered, "kernel-in-place,convert-kernel-to-loops,canonicalize,cse,plan-arena")
    np.testing.assert_array_equal(run_loops(lowered, [x])[0], expected)


def mobilenet_v1_like() -> str:
    """VWW's first stage in small: a 3x3/s2 convolution padded at the bottom only, a 3x3
    depthwise, a 1x1 convolution and a 3x3/s2 depthwise padded at the bottom, with zero
    points away from 0: its line buffers' layers run 2 rows a band, odd ones first."""
    rng = np.random.default_rng(7)
    w = rng.integers(-3, 4, (4, 3, 3, 2)).tolist()
    dw = rng.integers(-3, 4, (4, 3, 3, 1)).tolist()
    pw = rng.integers(-3, 4, (8, 1, 1, 4)).tolist()
    dw2 = rng.integers(-3, 4, (8, 3, 3, 1)).tolist()
    x, a, d, p, y = (f"{T}<1x{h}x{h}x{n}xi8, {q}>" for h, n, q in ((32, 2, "0.5:3"), (16, 4, "0.3:-5"), (16, 4, "0.4:2"), (16, 8, "0.3:-1"), (8, 8, "0.25:0")))

    def conv(src, weight, bias, stride, pads, groups, channels, xt, wt, yt):
        return (
            f"qnn.conv2d {src}, {weight}, {bias} strides [{stride}, {stride}] pads {pads} dilations [1, 1] groups {groups} : "
            f"{xt}, {wt}, tensor<{channels}xi32> -> {yt}"
        )

    return f"""
func.func @v1(%x: {x}) -> {y} {{
  %w = qnn.constant dense<{w}> : tensor<4x3x3x2xi8> -> {T}<4x3x3x2xi8, 0.1:0>
  %dw = qnn.constant dense<{dw}> : tensor<4x3x3x1xi8> -> {T}<4x3x3x1xi8, 0.2:0>
  %pw = qnn.constant dense<{pw}> : tensor<8x1x1x4xi8> -> {T}<8x1x1x4xi8, 0.2:0>
  %dw2 = qnn.constant dense<{dw2}> : tensor<8x3x3x1xi8> -> {T}<8x3x3x1xi8, 0.2:0>
  %b4 = arith.constant dense<[5, -7, 11, 0]> : tensor<4xi32>
  %b8 = arith.constant dense<[3, -1, 2, 0, 9, -4, 1, 6]> : tensor<8xi32>
  %a = {conv("%x", "%w", "%b4", 2, "[0, 0, 1, 1]", 1, 4, x, f"{T}<4x3x3x2xi8, 0.1:0>", a)}
  %d = {conv("%a", "%dw", "%b4", 1, "[1, 1, 1, 1]", 4, 4, a, f"{T}<4x3x3x1xi8, 0.2:0>", d)}
  %p = {conv("%d", "%pw", "%b8", 1, "[0, 0, 0, 0]", 1, 8, d, f"{T}<8x1x1x4xi8, 0.2:0>", p)}
  %y = {conv("%p", "%dw2", "%b8", 2, "[0, 0, 1, 1]", 8, 8, p, f"{T}<8x3x3x1xi8, 0.2:0>", y)}
  func.return %y : {y}
}}
"""


@pytest.mark.parametrize("numerics", ["tflm", "onnx"])
@pytest.mark.parametrize(("graph", "bands", "over_rows"), [("v1", 8, True), ("v1", 8, False), ("tall", 10, False), ("tall", 20, True)])
def test_folded_stream_matches_layer_by_layer(numerics, graph, bands, over_rows):
    """The folded stream form runs every band, its borders too, in one band loop; its
    border rows read the line buffers' zero-point pad rows. With `over_rows` each layer
    reading only line buffers is issued once (its rows outside the map computed and reset
    after it), without, at most three times (its top, steady and bottom rows), as one
    reading the stage input; bit-exact before and after lowering."""
    from tinymlir.passes.patch_schedule import apply_stream, stream_fold

    source = mobilenet_v1_like() if graph == "v1" else tall_stage()
    x, expected, kernel, stage = _kernel_case(source, numerics, bands)
    fold = stream_fold(stage, bands, over_rows=over_rows)
    assert not isinstance(fold, str), fold
    inner = {op.outs for op in stage[:-1]}
    reads_input = {op.layer_name.data for op in stage if any(v not in inner for v in op.data_inputs) or not over_rows}
    apply_stream(stage, bands, over_rows=over_rows)
    kernel.verify()
    (stage_op,) = [o for o in kernel.walk() if isinstance(o, patch.StageOp)]
    assert [type(o) for o in stage_op.body.block.ops if not isinstance(o, patch.FillOp)].count(patch.BandLoopOp) == 1
    assert not [o for o in stage_op.body.block.ops if o.name.startswith("qk.")]
    copies: dict[str, int] = {}
    for o in stage_op.walk():
        if o.name.startswith("qk."):
            copies[o.layer_name.data] = copies.get(o.layer_name.data, 0) + 1
    assert all(n == 1 or (name in reads_input and n <= 3) for name, n in copies.items()), copies
    np.testing.assert_array_equal(run_loops(kernel, [x])[0], expected)
    lowered = kernel.clone()
    run_pipeline(lowered, "kernel-in-place,convert-kernel-to-loops,canonicalize,cse,plan-arena,convert-patch-to-scf")
    np.testing.assert_array_equal(run_loops(lowered, [x])[0], expected)


NCHW = f"""
func.func @nchw(%x: {T}<1x4x7x5xi8, 0.5:3>) -> {T}<1x7x5x4xi8, 0.25:-2> {{
  %w = qnn.constant dense<{np.random.default_rng(3).integers(-3, 4, (4, 3, 3, 4)).tolist()}> : tensor<4x3x3x4xi8> -> {T}<4x3x3x4xi8, 0.1:0>
  %p = qnn.constant dense<{np.random.default_rng(4).integers(-3, 4, (4, 1, 1, 4)).tolist()}> : tensor<4x1x1x4xi8> -> {T}<4x1x1x4xi8, 0.1:0>
  %b = arith.constant dense<[5, -7, 11, 0]> : tensor<4xi32>
  %t = qnn.transpose %x perm [0, 2, 3, 1] : {T}<1x4x7x5xi8, 0.5:3> -> {T}<1x7x5x4xi8, 0.5:3>
  %a = {CONV.format(x="%t", w="%w", b="%b", s=1, p=1, d=1, g=1, c=4, xt=f"{T}<1x7x5x4xi8, 0.5:3>", wt=f"{T}<4x3x3x4xi8, 0.1:0>", yt=f"{T}<1x7x5x4xi8, 0.3:1>")}
  %c = {CONV.format(x="%t", w="%p", b="%b", s=1, p=0, d=1, g=1, c=4, xt=f"{T}<1x7x5x4xi8, 0.5:3>", wt=f"{T}<4x1x1x4xi8, 0.1:0>", yt=f"{T}<1x7x5x4xi8, 0.3:1>")}
  %y = qnn.add %a, %c : {T}<1x7x5x4xi8, 0.3:1>, {T}<1x7x5x4xi8, 0.3:1> -> {T}<1x7x5x4xi8, 0.25:-2>
  func.return %y : {T}<1x7x5x4xi8, 0.25:-2>
}}
"""


@pytest.mark.parametrize("numerics", ["tflm", "onnx"])
def test_transpose_view_matches_the_copy(numerics):
    """An NCHW input read by a 3x3 and a 1x1 convolution (4 channels: the Cortex-M4
    SMLAD paths would read them as one word, and must refuse the strided view): the
    view replaces the copy, and the lowered loops (with and without patch-schedule)
    equal the reference."""
    module = Parser(make_context(), NCHW).parse_module()
    qnn.set_numerics(module, numerics)
    x = np.random.default_rng(5).integers(-128, 128, (1, 4, 7, 5), dtype=np.int8)
    expected = run_module(module, [x])[0]
    for passes in ("convert-qnn-to-kernel,kernel-in-place", "convert-qnn-to-kernel,patch-schedule,kernel-in-place"):
        lowered = module.clone()
        run_pipeline(lowered, passes)
        assert not any(o.name == "qk.transpose" for o in lowered.walk())
        run_pipeline(lowered, "convert-kernel-to-loops,canonicalize,cse,plan-arena")
        np.testing.assert_array_equal(run_loops(lowered, [x])[0], expected)


@pytest.mark.slow
def test_mobilenet_v2_96_is_4x_below_its_bound(tmp_path):
    """Issue 11's MobileNetV2-style model (bench/models/make_mobilenet_v2_96.py): the
    patched arena is at least 4x below the layer-by-layer bound (129,024 B -> <= 32,256 B)
    within the default 20 % extra MACs, and the C library is bit-exact with its oracles
    (tinymlir-run: the reference executor and onnxruntime on the QDQ graph)."""
    import importlib.util
    import re
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    spec = importlib.util.spec_from_file_location("make_mobilenet_v2_96", root / "bench/models/make_mobilenet_v2_96.py")
    maker = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(maker)
    model = maker.write(tmp_path / "mbv2.onnx")

    from tinymlir.compiler import import_model

    module = import_model(model)
    run_pipeline(module, "qnn-schedule,convert-qnn-to-kernel,patch-schedule,kernel-in-place,plan-arena")
    function = next(f for f in module.ops if isinstance(f, func.FuncOp) and f.body.blocks)
    schedule = function.attributes["tinymlir.patch_schedule"].data
    arena = function.attributes["tinymlir.arena_size"].value.data
    assert "(layer-by-layer 129024 B)" in schedule, schedule
    assert 4 * arena <= 129_024, schedule
    percent = float(re.search(r"\(([0-9.]+) %\)", schedule).group(1))
    assert percent <= 20.0, schedule

    run = subprocess.run(
        [str(Path(sys.executable).with_name("tinymlir-run")), str(model), "--random", "2"],
        capture_output=True, text=True, check=True,
    )
    worst = [int(v) for v in re.findall(r"max \|C - [^|]*\| = (\d+) LSB", run.stdout)]
    assert len(worst) == 2 and max(worst) == 0, run.stdout
    c_arena = int(re.search(r"arena ([0-9,]+) bytes", run.stdout).group(1).replace(",", ""))
    assert 4 * c_arena <= 129_024, run.stdout


# --------------------------------------------------------------------------- #
# The grid form (MCUNetV2's p x q patches)
# --------------------------------------------------------------------------- #


def wide_stage() -> str:
    """For the Cortex-M4 kernels, on a 10x13 map (no grid divides it evenly): a 1x1 and a
    3x3 convolution both read the 4-channel input (their SMLAD paths read packed rows
    through a flat view, which a patch's column window is not), their residual add, a
    3x3/s2 depthwise and a 3x3 convolution over 8 channels."""
    rng = np.random.default_rng(7)
    pw = rng.integers(-3, 4, (8, 1, 1, 4)).tolist()
    w3 = rng.integers(-3, 4, (8, 3, 3, 4)).tolist()
    dw = rng.integers(-3, 4, (8, 3, 3, 1)).tolist()
    w8 = rng.integers(-3, 4, (8, 3, 3, 8)).tolist()
    b = rng.integers(-40, 40, 8).tolist()
    x, p, a, r, d, y = (
        f"{T}<1x{h}x{w}x{c}xi8, {q}>"
        for h, w, c, q in ((10, 13, 4, "0.5:3"), (10, 13, 8, "0.3:1"), (10, 13, 8, "0.4:-1"), (10, 13, 8, "0.3:2"), (5, 7, 8, "0.4:-3"), (5, 7, 8, "0.25:-2"))
    )
    return f"""
func.func @wide(%x: {x}) -> {y} {{
  %pw = qnn.constant dense<{pw}> : tensor<8x1x1x4xi8> -> {T}<8x1x1x4xi8, 0.1:0>
  %w3 = qnn.constant dense<{w3}> : tensor<8x3x3x4xi8> -> {T}<8x3x3x4xi8, 0.1:0>
  %dw = qnn.constant dense<{dw}> : tensor<8x3x3x1xi8> -> {T}<8x3x3x1xi8, 0.2:0>
  %w8 = qnn.constant dense<{w8}> : tensor<8x3x3x8xi8> -> {T}<8x3x3x8xi8, 0.1:0>
  %b = arith.constant dense<{b}> : tensor<8xi32>
  %p = {CONV.format(x="%x", w="%pw", b="%b", s=1, p=0, d=1, g=1, c=8, xt=x, wt=f"{T}<8x1x1x4xi8, 0.1:0>", yt=p)}
  %a = {CONV.format(x="%x", w="%w3", b="%b", s=1, p=1, d=1, g=1, c=8, xt=x, wt=f"{T}<8x3x3x4xi8, 0.1:0>", yt=a)}
  %r = qnn.add %p, %a : {p}, {a} -> {r}
  %d = {CONV.format(x="%r", w="%dw", b="%b", s=2, p=1, d=1, g=8, c=8, xt=r, wt=f"{T}<8x3x3x1xi8, 0.2:0>", yt=d)}
  %y = {CONV.format(x="%d", w="%w8", b="%b", s=1, p=1, d=1, g=1, c=8, xt=d, wt=f"{T}<8x3x3x8xi8, 0.1:0>", yt=y)}
  func.return %y : {y}
}}
"""


GRAPHS = {"stage": lambda: STAGE, "tall": tall_stage, "wide": wide_stage}


@pytest.mark.parametrize(("numerics", "loops"), [
    ("tflm", True),  # make test; the other three (make test-all) repeat the same geometry
    pytest.param("onnx", True, marks=pytest.mark.slow),
    pytest.param("tflm", False, marks=pytest.mark.slow),
    pytest.param("onnx", False, marks=pytest.mark.slow),
])
@pytest.mark.parametrize(
    ("graph", "bands", "cols"),
    [("stage", 2, 2), ("stage", 7, 6), ("tall", 6, 6), ("tall", 1, 4), ("wide", 3, 4), ("wide", 5, 7)],
)
def test_grid_matches_layer_by_layer(numerics, loops, graph, bands, cols):
    """A bands x cols grid of patches (halos in rows and columns, pads only where a
    window leaves the map; inner patches of padded convolutions with the folded bias):
    strides 1 and 2, dilation 2, residual adds, uneven splits; equal to layer-by-layer at
    the kernel level and after the loop lowering with the arena planned, with the
    Cortex-M4 kernels (the default target: their packed-row paths must refuse column
    windows) and the generic ones (cortex-m4f)."""
    from tinymlir.passes.patch_schedule import apply_grid, grid_extra_macs, grid_refusal, grid_runs
    from tinymlir.target import load_target, set_target

    x, expected, kernel, stage = _kernel_case(GRAPHS[graph](), numerics, 10 * bands + cols)
    assert stage_refusal(stage) is None and grid_refusal(stage, bands, cols) is None
    assert grid_extra_macs(stage, bands, cols) > 0
    runs = grid_runs(stage, bands, cols)
    apply_grid(stage, bands, cols, loops=loops)
    kernel.verify()
    stages = [o for o in kernel.walk() if isinstance(o, patch.StageOp)]
    assert [s.grid_shape for s in stages] == [(bands, cols)]
    loops_made = [o for o in kernel.walk() if isinstance(o, patch.BandLoopOp)]
    assert bool(loops_made) == (loops and any(end - start > 1 for row in runs for start, end in row))
    np.testing.assert_array_equal(run_loops(kernel, [x])[0], expected)
    for target in ("cortex-m4", "cortex-m4f") if graph == "wide" else ("cortex-m4",):
        lowered = kernel.clone()
        set_target(lowered, load_target(target))
        run_pipeline(lowered, "kernel-in-place,convert-kernel-to-loops,canonicalize,cse,plan-arena")
        np.testing.assert_array_equal(run_loops(lowered, [x])[0], expected)


def test_grid_geometry():
    """The patches of the tall stage's 20x6 output in a 4x3 grid: halos in rows and
    columns (3x3, 3x3 depthwise, the add, 1x1: two pixels each side at the input),
    clipped at the map; pads only on the map's sides; column loops only where patches
    share their shape (6 columns in 6: the inner columns 2-3), borders alone."""
    from tinymlir.passes.patch_schedule import BandGeometry, _tile_layers, grid_runs, grid_tiles

    stage = _stage_of(tall_stage())
    x = stage[0].data_inputs[0]
    tiles = grid_tiles(stage, 4, 3)
    assert [needed[x] for needed in tiles[0]] == [((0, 7), (0, 4)), ((0, 7), (0, 6)), ((0, 7), (2, 6))]
    assert tiles[1][1][x] == ((3, 12), (0, 6))
    geometry = BandGeometry()
    pads = [[_tile_layers(stage, needed, geometry)[0].pads for needed in row] for row in grid_tiles(stage, 4, 3, geometry)]
    assert pads[0] == [(1, 1, 0, 0), (1, 0, 0, 0), (1, 0, 0, 1)]
    assert pads[1] == [(0, 1, 0, 0), (0, 0, 0, 0), (0, 0, 0, 1)]
    assert pads[3][2] == (0, 0, 1, 1)
    assert grid_runs(stage, 3, 6)[1] == [(0, 1), (1, 2), (2, 4), (4, 5), (5, 6)]


def test_grid_refusals():
    from tinymlir.passes.patch_schedule import grid_refusal

    module = Parser(make_context(), PADDING_ONLY_BAND).parse_module()
    run_pipeline(module, "convert-qnn-to-kernel")
    assert grid_refusal(_kernel_ops(module), 2, 2) == "a: a patch of 2x2 reads only padding"


def test_grid_wins_on_the_mobilenet_v2_like_front():
    """With grids searched (the default), the MobileNetV2-like front's first stage (the
    stem to the residual add) runs as 3x4 patches: its arena drops below the band and
    stream forms' (19,456 B with max_grid=1, 16,176 B with grids when written), and the
    lowered model stays bit-exact (onnx numerics: test_grid_matches_layer_by_layer)."""
    module = Parser(make_context(), mobilenet_v2_like()).parse_module()
    qnn.set_numerics(module, "tflm")
    x = np.random.default_rng(0).integers(-128, 128, (1, 64, 64, 3), dtype=np.int8)

    def planned(spec, run=False):
        m = module.clone()
        run_pipeline(m, f"qnn-schedule,convert-qnn-to-kernel,{spec},kernel-in-place,convert-kernel-to-loops,canonicalize,cse,plan-arena")
        if run:
            np.testing.assert_array_equal(run_loops(m, [x])[0], run_module(module, [x])[0])
        function = next(f for f in m.ops if isinstance(f, func.FuncOp) and f.body.blocks)
        return function.attributes["tinymlir.arena_size"].value.data, function.attributes["tinymlir.patch_schedule"].data

    bands, band_schedule = planned("patch-schedule{max_grid=1}")
    grid, schedule = planned("patch-schedule", run=True)
    assert "patch " not in band_schedule
    assert "v1..r (7 layers) in patch 3x4 (recomputed halos)" in schedule, schedule
    assert grid < bands


def concat_stage() -> str:
    """A 3x3/s1 convolution, two branches of it (a 3x3 depthwise and a 1x1), their
    concatenation along the channels and a 3x3/s2 convolution of it, over 14x10: a
    concat inside the stage, read by a strided layer (uneven bands)."""
    rng = np.random.default_rng(7)
    w1 = rng.integers(-3, 4, (4, 3, 3, 2)).tolist()
    dw = rng.integers(-3, 4, (4, 3, 3, 1)).tolist()
    pw = rng.integers(-3, 4, (4, 1, 1, 4)).tolist()
    wy = rng.integers(-3, 4, (3, 3, 3, 8)).tolist()
    x, a, cat, y = (f"{T}<1x14x10x{n}xi8, {q}>" for n, q in ((2, "0.5:3"), (4, "0.3:1"), (8, "0.4:-1"), (3, "0.25:-2")))
    c = f"{T}<1x14x10x4xi8, 0.4:-1>"
    y = f"{T}<1x7x5x3xi8, 0.25:-2>"
    return f"""
func.func @concat(%x: {x}) -> {y} {{
  %w1 = qnn.constant dense<{w1}> : tensor<4x3x3x2xi8> -> {T}<4x3x3x2xi8, 0.1:0>
  %dw = qnn.constant dense<{dw}> : tensor<4x3x3x1xi8> -> {T}<4x3x3x1xi8, 0.2:0>
  %pw = qnn.constant dense<{pw}> : tensor<4x1x1x4xi8> -> {T}<4x1x1x4xi8, 0.2:0>
  %wy = qnn.constant dense<{wy}> : tensor<3x3x3x8xi8> -> {T}<3x3x3x8xi8, 0.1:0>
  %b = arith.constant dense<[5, -7, 11, 0]> : tensor<4xi32>
  %b3 = arith.constant dense<[3, -1, 2]> : tensor<3xi32>
  %a = {CONV.format(x="%x", w="%w1", b="%b", s=1, p=1, d=1, g=1, c=4, xt=x, wt=f"{T}<4x3x3x2xi8, 0.1:0>", yt=a)}
  %d = {CONV.format(x="%a", w="%dw", b="%b", s=1, p=1, d=1, g=4, c=4, xt=a, wt=f"{T}<4x3x3x1xi8, 0.2:0>", yt=c)}
  %p = {CONV.format(x="%a", w="%pw", b="%b", s=1, p=0, d=1, g=1, c=4, xt=a, wt=f"{T}<4x1x1x4xi8, 0.2:0>", yt=c)}
  %cat = qnn.concat %d, %p axis 3 : {c}, {c} -> {cat}
  %y = {CONV.format(x="%cat", w="%wy", b="%b3", s=2, p=1, d=1, g=1, c=3, xt=cat, wt=f"{T}<3x3x3x8xi8, 0.1:0>", yt=y)}
  func.return %y : {y}
}}
"""


@pytest.mark.parametrize("numerics", ["tflm", "onnx"])
@pytest.mark.parametrize(("form", "bands", "cols"), [("bands", 3, 1), ("stream", 7, 1), ("grid", 2, 2)])
def test_concat_inside_a_stage_matches_layer_by_layer(numerics, form, bands, cols):
    """A channel concatenation of two branches inside the stage, in each form (row bands,
    streamed rows, a grid), with loops: equal to layer-by-layer at the kernel level and
    after lowering with the arena planned; a concatenation along rows is refused."""
    from tinymlir.passes.patch_schedule import apply_grid, apply_stream

    x, expected, kernel, stage = _kernel_case(concat_stage(), numerics, 10 * bands + cols)
    assert [o.name for o in stage].count("qk.concat") == 1
    assert stage_refusal(stage) is None
    if form == "bands":
        apply_bands(stage, bands)
    elif form == "stream":
        apply_stream(stage, bands)
    else:
        apply_grid(stage, bands, cols)
    kernel.verify()
    # the folded stream form runs warm-up bands before the first output band
    warm_up = 1 if form == "stream" else 0
    assert [s.grid_shape for s in kernel.walk() if isinstance(s, patch.StageOp)] == [(bands + warm_up, cols)]
    np.testing.assert_array_equal(run_loops(kernel, [x])[0], expected)
    lowered = kernel.clone()
    run_pipeline(lowered, "kernel-in-place,convert-kernel-to-loops,canonicalize,cse,plan-arena")
    np.testing.assert_array_equal(run_loops(lowered, [x])[0], expected)


def test_a_concat_along_rows_is_refused():
    """Stacking the branches' rows is no band of either: refused, naming the layer."""
    lines = concat_stage().splitlines()
    cat_type = f"{T}<1x28x10x4xi8, 0.4:-1>"
    source = "\n".join(
        line.replace("axis 3", "axis 1").replace(f"-> {T}<1x14x10x8xi8, 0.4:-1>", f"-> {cat_type}")
        if "qnn.concat" in line else f"  func.return %cat : {cat_type}" if "func.return" in line
        else line.replace(f"-> {T}<1x7x5x3xi8, 0.25:-2>", f"-> {cat_type}") if line.startswith("func.func") else line
        for line in lines if "%y =" not in line
    )
    stage = _stage_of(source)
    assert stage_refusal(stage) == "cat: a concatenation along axis 1, not the channels, cannot be run in bands"


def random_chain(seed: int) -> str:
    """A random stage: 2-4 layers over a random map, each a convolution (1x1 or 3x3, stride
    1 or 2, dilation 1 or 2, padded or not, dense or depthwise), a residual add of a
    convolution of the current map to it, or a concatenation of the two along channels."""
    rng = np.random.default_rng(seed)
    h, w, c = int(rng.integers(9, 17)), int(rng.integers(6, 13)), int(rng.integers(1, 4))

    def qtype(h, w, c, zp=None):
        scale = float(rng.choice([0.125, 0.25, 0.5, 0.375]))
        return f"{T}<1x{h}x{w}x{c}xi8, {scale}:{int(rng.integers(-5, 6)) if zp is None else zp}>"

    lines, count = [], [0]

    def conv(x, xt, shape, depthwise: bool, out_type=None, same=False):
        h, w, c = shape
        k = 3 if same or rng.random() < 0.7 else 1
        s = 1 if same or h < 6 or rng.random() < 0.6 else 2
        d = 2 if k == 3 and s == 1 and h > 8 and rng.random() < 0.3 else 1
        p = (d if same or rng.random() < 0.8 else 0) if k == 3 else 0
        cout = c if depthwise else (c if same else int(rng.integers(2, 6)))
        oh, ow = (h + 2 * p - d * (k - 1) - 1) // s + 1, (w + 2 * p - d * (k - 1) - 1) // s + 1
        count[0] += 1
        n = count[0]
        cin_g = 1 if depthwise else c
        wt = f"{T}<{cout}x{k}x{k}x{cin_g}xi8, 0.1:0>"
        yt = out_type or qtype(oh, ow, cout)
        lines.append(f"  %w{n} = qnn.constant dense<{rng.integers(-3, 4, (cout, k, k, cin_g)).tolist()}> : tensor<{cout}x{k}x{k}x{cin_g}xi8> -> {wt}")
        lines.append(f"  %b{n} = arith.constant dense<{rng.integers(-20, 21, cout).tolist()}> : tensor<{cout}xi32>")
        lines.append(f"  %v{n} = " + CONV.format(x=x, w=f"%w{n}", b=f"%b{n}", s=s, p=p, d=d, g=c if depthwise else 1, c=cout, xt=xt, wt=wt, yt=yt))
        return f"%v{n}", yt, (oh, ow, cout)

    x_type = qtype(h, w, c)
    value, vt, shape = conv("%x", x_type, (h, w, c), False)
    for _ in range(int(rng.integers(1, 4))):
        kind = rng.choice(["conv", "add", "concat"])
        if kind == "conv":
            value, vt, shape = conv(value, vt, shape, bool(rng.random() < 0.4))
        elif kind == "add":
            branch, bt, _ = conv(value, vt, shape, bool(rng.random() < 0.5), same=True)
            count[0] += 1
            yt = qtype(*shape)
            lines.append(f"  %v{count[0]} = qnn.add {value}, {branch} : {vt}, {bt} -> {yt}")
            value, vt = f"%v{count[0]}", yt
        else:
            branch, bt, _ = conv(value, vt, shape, False, out_type=vt, same=True)
            count[0] += 1
            yt = vt.replace(f"x{shape[2]}xi8", f"x{2 * shape[2]}xi8")
            lines.append(f"  %v{count[0]} = qnn.concat {value}, {branch} axis 3 : {vt}, {bt} -> {yt}")
            value, vt, shape = f"%v{count[0]}", yt, (shape[0], shape[1], 2 * shape[2])
    body = "\n".join(lines)
    return f"func.func @chain(%x: {x_type}) -> {vt} {{\n{body}\n  func.return {value} : {vt}\n}}\n"


@pytest.mark.parametrize("seed", [s if s < 8 else pytest.param(s, marks=pytest.mark.slow) for s in range(18)])
def test_random_chains_match_layer_by_layer_in_every_form(seed):
    """Property test: random conv chains (strides, paddings, dilations, depthwise, residual
    adds, concatenations) in each form the geometry allows (the stream form folded where
    it can, also with its border rows outside the map computed), with a random band count or
    grid (seed-chosen; both numerics alternate), equal layer-by-layer at the kernel level
    and after lowering with the arena planned. At least one form applies to every chain."""
    from tinymlir.passes.patch_schedule import (
        apply_grid,
        apply_stream,
        grid_refusal,
        stream_fold,
        stream_refusal,
    )

    numerics = ("tflm", "onnx")[seed % 2]
    source = random_chain(seed)
    rng = np.random.default_rng(1000 + seed)
    x, expected, _, stage = _kernel_case(source, numerics, seed)
    assert stage_refusal(stage) is None, source
    rows, cols = stage[-1].output_type.get_shape()[1:3]
    applied = []
    for form in ("bands", "stream", "stream, rows outside the map computed", "grid"):
        x, expected, kernel, stage = _kernel_case(source, numerics, seed)
        bands = int(rng.integers(2, rows + 1))
        if form == "bands" and bands_refusal(stage, bands) is None:
            apply_bands(stage, bands)
        elif form == "stream" and stream_refusal(stage, bands) is None:
            apply_stream(stage, bands)
        elif form.startswith("stream, ") and not isinstance(stream_fold(stage, bands, over_rows=True), str):
            apply_stream(stage, bands, over_rows=True)
        elif form == "grid" and cols > 1:
            grid = (int(rng.integers(1, min(rows, 3) + 1)), int(rng.integers(2, min(cols, 3) + 1)))
            if grid_refusal(stage, *grid) is not None:
                continue
            apply_grid(stage, *grid)
        else:
            continue
        applied.append(form)
        kernel.verify()
        np.testing.assert_array_equal(run_loops(kernel, [x])[0], expected, err_msg=f"{form}, {bands} bands\n{source}")
        run_pipeline(kernel, "kernel-in-place,convert-kernel-to-loops,canonicalize,cse,plan-arena")
        np.testing.assert_array_equal(run_loops(kernel, [x])[0], expected, err_msg=f"{form} lowered\n{source}")
    assert applied, f"no form applies:\n{source}"
