"""Passes must not change results: the reference executor gives bit-identical outputs
before and after ``--pipeline=qnn`` and ``-p canonicalize,cse`` on every valid test
graph (in both numerics modes) and every shared model (random inputs, plus the stored
inputs of the models).

The pipelines are the driver's own (``TinyOptMain(args).pipeline``, which verifies the
module after every pass); the result is also printed and parsed back, as a user of
``tinymlir-opt`` would consume it. Hand-written IR and generated transpose/reshape
chains exercise the qnn canonicalisation patterns and CSE directly.
"""

from __future__ import annotations

import numpy as np
import onnx_graphs as G
import pytest
from conftest import COMPUTE_OPS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from xdsl.dialects import func
from xdsl.dialects.builtin import FunctionType, ModuleOp, i8
from xdsl.ir import Block, Region

from tinymlir.dialects import qnn
from tinymlir.frontend.onnx import import_onnx
from tinymlir.reference import find_function, run_module

PIPELINES = {
    "qnn": ("--pipeline=qnn",),
    "canonicalize_cse": ("-p", "canonicalize,cse"),
}
MODELS = ("kws_dscnn", "ic_resnet8", "vww_mobilenet", "ad_toycar")
SEEDS = (0, 1, 2)


def _compute_count(module) -> int:
    return sum(op.name in COMPUTE_OPS for op in module.walk())


def _check_preserved(module, inputs_list, apply, parse_mlir) -> ModuleOp:
    """Applies the pipeline to a clone; asserts identical outputs (values and dtypes) on
    every input set, for the transformed module and for its printed-and-parsed form."""
    before_sig = find_function(module).function_type
    expected = [run_module(module, inputs) for inputs in inputs_list]
    transformed = module.clone()
    apply(transformed)
    transformed.verify()
    assert find_function(transformed).function_type == before_sig
    assert _compute_count(transformed) <= _compute_count(module), "the pipeline added compute ops"
    reparsed = parse_mlir(str(transformed))
    for candidate in (transformed, reparsed):
        for inputs, want in zip(inputs_list, expected, strict=True):
            got = run_module(candidate, inputs)
            assert len(got) == len(want)
            for a, b in zip(want, got, strict=True):
                assert a.dtype == b.dtype and a.shape == b.shape
                np.testing.assert_array_equal(a, b)
    return transformed


@pytest.mark.parametrize("numerics", ["tflm", "onnx"])
@pytest.mark.parametrize("pipeline", sorted(PIPELINES))
@pytest.mark.parametrize("name", sorted(G.VALID_GRAPHS))
def test_pipeline_preserves_graph_results(
    name, pipeline, numerics, valid_model, opt_pipeline, parse_mlir
):
    model = valid_model(name)
    try:
        module = import_onnx(model, name, numerics=numerics)
    except Exception as exc:  # noqa: BLE001 - import failures are test_import_and_reference's job
        pytest.skip(f"import fails ({type(exc).__name__}); covered by test_import_and_reference")
    inputs_list = [G.random_inputs(model, seed) for seed in SEEDS]
    _check_preserved(module, inputs_list, opt_pipeline(PIPELINES[pipeline]), parse_mlir)


# --pipeline=qnn is canonicalize,cse (tinymlir.pipelines.QNN): on the models the explicit
# `-p canonicalize,cse` run repeats it (~40 s in all), so it is `slow`; the graphs run both.
@pytest.mark.parametrize(
    "pipeline",
    [p if p == "qnn" else pytest.param(p, marks=pytest.mark.slow) for p in sorted(PIPELINES)],
)
@pytest.mark.parametrize("name", MODELS)
def test_pipeline_preserves_model_results(
    name, pipeline, shared_model, shared_io, opt_pipeline, parse_mlir
):
    model = shared_model(name)
    module = import_onnx(model, name)
    io = shared_io(name)
    inputs_list = [[x] for x in io["inputs"]] + [G.random_inputs(model, seed) for seed in (10, 11)]
    transformed = _check_preserved(
        module, inputs_list, opt_pipeline(PIPELINES[pipeline]), parse_mlir
    )
    # Still TFLM-exact after the pipeline.
    for x, y in zip(io["inputs"], io["tflm_outputs"], strict=True):
        np.testing.assert_array_equal(run_module(transformed, [x])[0], y)


def test_driver_pipeline_output_on_a_model(
    tinymlir_opt, models_dir, shared_io, parse_mlir, tmp_path
):
    """End to end through the CLI: tinymlir-opt kws_dscnn.onnx --pipeline=qnn, re-parsed."""
    out = tmp_path / "kws.mlir"
    proc = tinymlir_opt(models_dir / "kws_dscnn.onnx", "--pipeline=qnn", "-o", out)
    assert proc.returncode == 0, proc.stderr
    module = parse_mlir(out.read_text())
    assert find_function(module).sym_name.data == "kws_dscnn"
    io = shared_io("kws_dscnn")
    for x, y in zip(io["inputs"], io["tflm_outputs"], strict=True):
        np.testing.assert_array_equal(run_module(module, [x])[0], y)


# --------------------------------------------------------------------------------------
# The canonicalisation patterns and CSE on hand-written IR
# --------------------------------------------------------------------------------------

CHAINS_MLIR = """\
builtin.module {
  func.func @chains(%x: !qnn.qtensor<1x2x3x4xi8, 0.5:3>, %y: !qnn.qtensor<2x3xi8, 0.25:-7>) -> (!qnn.qtensor<24xi8, 0.5:3>, !qnn.qtensor<2x4x1x3xi8, 0.5:3>, !qnn.qtensor<1x2x3x4xi8, 0.5:3>, !qnn.qtensor<2x3xi8, 0.1:2>, !qnn.qtensor<2x3xi8, 0.1:2>, !qnn.qtensor<2x3xi8, 0.25:-7>, !qnn.qtensor<4x3x2x1xi8, 0.5:3>, !qnn.qtensor<4x3x2x1xi8, 0.5:3>) {
    %t1 = qnn.transpose %x perm [0, 2, 3, 1] : !qnn.qtensor<1x2x3x4xi8, 0.5:3> -> !qnn.qtensor<1x3x4x2xi8, 0.5:3>
    %t2 = qnn.transpose %t1 perm [3, 2, 0, 1] : !qnn.qtensor<1x3x4x2xi8, 0.5:3> -> !qnn.qtensor<2x4x1x3xi8, 0.5:3>
    %r1 = qnn.reshape %t2 : !qnn.qtensor<2x4x1x3xi8, 0.5:3> -> !qnn.qtensor<8x3xi8, 0.5:3>
    %r2 = qnn.reshape %r1 : !qnn.qtensor<8x3xi8, 0.5:3> -> !qnn.qtensor<24xi8, 0.5:3>
    %r3 = qnn.reshape %r2 : !qnn.qtensor<24xi8, 0.5:3> -> !qnn.qtensor<24xi8, 0.5:3>
    %id = qnn.transpose %x perm [0, 1, 2, 3] : !qnn.qtensor<1x2x3x4xi8, 0.5:3> -> !qnn.qtensor<1x2x3x4xi8, 0.5:3>
    %q0 = qnn.requantize %y : !qnn.qtensor<2x3xi8, 0.25:-7> -> !qnn.qtensor<2x3xi8, 0.25:-7>
    %q1 = qnn.requantize %q0 clamp [-20, 50] : !qnn.qtensor<2x3xi8, 0.25:-7> -> !qnn.qtensor<2x3xi8, 0.1:2>
    %q2 = qnn.requantize %q0 clamp [-20, 50] : !qnn.qtensor<2x3xi8, 0.25:-7> -> !qnn.qtensor<2x3xi8, 0.1:2>
    %q3 = qnn.requantize %y clamp [-5, 5] : !qnn.qtensor<2x3xi8, 0.25:-7> -> !qnn.qtensor<2x3xi8, 0.25:-7>
    %a1 = qnn.transpose %x perm [3, 2, 1, 0] : !qnn.qtensor<1x2x3x4xi8, 0.5:3> -> !qnn.qtensor<4x3x2x1xi8, 0.5:3>
    %a2 = qnn.transpose %x perm [3, 2, 1, 0] : !qnn.qtensor<1x2x3x4xi8, 0.5:3> -> !qnn.qtensor<4x3x2x1xi8, 0.5:3>
    func.return %r3, %t2, %id, %q1, %q2, %q3, %a1, %a2 : !qnn.qtensor<24xi8, 0.5:3>, !qnn.qtensor<2x4x1x3xi8, 0.5:3>, !qnn.qtensor<1x2x3x4xi8, 0.5:3>, !qnn.qtensor<2x3xi8, 0.1:2>, !qnn.qtensor<2x3xi8, 0.1:2>, !qnn.qtensor<2x3xi8, 0.25:-7>, !qnn.qtensor<4x3x2x1xi8, 0.5:3>, !qnn.qtensor<4x3x2x1xi8, 0.5:3>
  }
}
"""


@pytest.mark.parametrize("numerics", ["tflm", "onnx"])
@pytest.mark.parametrize("pipeline", sorted(PIPELINES))
def test_patterns_and_cse_on_handwritten_chains(pipeline, numerics, opt_pipeline, parse_mlir):
    module = parse_mlir(CHAINS_MLIR)
    qnn.set_numerics(module, numerics)
    rng = np.random.default_rng(7)
    inputs_list = [
        [
            rng.integers(-128, 128, size=(1, 2, 3, 4), dtype=np.int8),
            rng.integers(-128, 128, size=(2, 3), dtype=np.int8),
        ]
        for _ in range(3)
    ]
    out = _check_preserved(module, inputs_list, opt_pipeline(PIPELINES[pipeline]), parse_mlir)
    names = [op.name for op in find_function(out).body.block.ops]
    # transpose chain -> 1, identity transpose -> gone, duplicate transposes -> 1 (CSE);
    # reshape chain + same-type reshape -> 1; identity requantize -> gone, duplicates -> 1.
    assert names.count("qnn.transpose") == 2, names
    assert names.count("qnn.reshape") == 1, names
    assert names.count("qnn.requantize") == 2, names


def _chain_module(shape, steps, keep) -> ModuleOp:
    arg_type = qnn.QTensorType(shape, i8, [0.5], [3])
    block = Block(arg_types=[arg_type])
    value, results = block.args[0], []
    for (kind, param), kept in zip(steps, keep, strict=True):
        current = value.type.get_shape()
        if kind == "transpose":
            op = qnn.TransposeOp(value, value.type.with_shape([current[p] for p in param]), param)
        else:
            op = qnn.ReshapeOp(value, value.type.with_shape(param))
        block.add_op(op)
        value = op.output
        if kept:
            results.append(value)
    results.append(value)
    block.add_op(func.ReturnOp(*results))
    function = func.FuncOp(
        "chain", FunctionType.from_lists([arg_type], [r.type for r in results]), Region(block)
    )
    return ModuleOp([function])


@st.composite
def _chains(draw):
    rank = draw(st.integers(1, 4))
    shape = draw(st.lists(st.integers(1, 4), min_size=rank, max_size=rank))
    steps, current = [], list(shape)
    for _ in range(draw(st.integers(1, 5))):
        if draw(st.booleans()):
            perm = draw(st.permutations(range(len(current))))
            steps.append(("transpose", list(perm)))
            current = [current[p] for p in perm]
        else:
            dims = list(draw(st.permutations(current)))
            if draw(st.booleans()) and len(dims) < 4:
                dims.insert(draw(st.integers(0, len(dims))), 1)
            elif len(dims) > 1 and draw(st.booleans()):
                dims = [dims[0] * dims[1], *dims[2:]]
            steps.append(("reshape", dims))
            current = dims
    keep = draw(st.lists(st.booleans(), min_size=len(steps), max_size=len(steps)))
    return shape, steps, keep, draw(st.integers(0, 2**32 - 1))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chain=_chains())
def test_generated_transpose_reshape_chains(opt_pipeline, parse_mlir, chain):
    shape, steps, keep, seed = chain
    module = _chain_module(shape, steps, keep)
    module.verify()
    x = np.random.default_rng(seed).integers(-128, 128, size=shape, dtype=np.int8)
    _check_preserved(module, [[x]], opt_pipeline(PIPELINES["qnn"]), parse_mlir)
