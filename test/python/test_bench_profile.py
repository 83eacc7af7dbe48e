"""tinymlir.bench.profile: the per-layer instruction profile and the cycle estimate."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from tinymlir.bench import BenchError
from tinymlir.bench.profile import (
    Segment,
    estimated_cycles,
    layer_groups,
    layer_predictions,
    mnemonic,
    parse_profile,
    profile_cortex_m,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "kws_dscnn"


@pytest.mark.parametrize(
    ("disassembly", "base", "cycles"),
    [
        ("ldr r3, [r2, #4]", "ldr", 2),
        ("ldr.w r3, [r2], #4", "ldr", 2),
        ("ldrsb.w r1, [r0, #-1]", "ldrsb", 2),
        ("ldrne r3, [r2]", "ldr", 2),
        ("ldrd r2, r3, [r0]", "ldrd", 3),
        ("ldmia.w r0!, {r1, r2, r3}", "ldmia", 4),
        ("pop {r4, r5, r6, r7, pc}", "pop", 6),
        ("push {r4-r7, lr}", "push", 6),
        ("str r3, [r2]", "str", 1),
        ("smlad r0, r1, r2, r0", "smlad", 1),
        ("sxtb16 r1, r2, ror #8", "sxtb16", 1),
        ("bne.n 0x1234", "bne", 1),
        ("lsls r3, r3, #2", "lsls", 1),
    ],
)
def test_cost_table(disassembly, base, cycles):
    assert mnemonic(disassembly) == base
    assert estimated_cycles(disassembly) == cycles


def test_parse_profile_sums_blocks_per_segment():
    log = "\n".join([
        "insns_total=100",
        "tb=2,0,1|0x100 ldr r3, [r2]|0x102 adds r3, #1",  # 2 insns, 3 cycles
        "tb=0,5|0x104 smlad r0, r1, r2, r0",
        "tb=1|0x100 ldr r3, [r2]|0x102 adds r3, #1",  # a second translation of the first block
    ])  # fmt: skip
    assert parse_profile(log) == [Segment(6, 9), Segment(5, 5), Segment(2, 3)]


C_WITH_A_STAGE = """
    /* conv2d: conv2d 1x8x8x3 -> 1x8x8x4, kernel 3x3, stride 1x1, groups 1, 6,912 MACs */
    x = 1;
    /* conv2d.1: conv2d 1x8x8x4 -> 1x8x8x4, kernel 1x1, stride 1x1, groups 1, 1,024 MACs */
    y = 2;
    TINYMLIR_LAYER_HOOK(0, a, 256);
    TINYMLIR_LAYER_HOOK(1, b, 256);
    /* dense: dense 1x256 -> 1x10, 2,560 MACs */
    z = 3;
    TINYMLIR_LAYER_HOOK(2, c, 10);
"""


def test_layers_commented_before_the_previous_hook_form_one_group():
    segments = [Segment(100, 150), Segment(3, 4), Segment(50, 60), Segment(2, 5)]
    groups, tail = layer_groups(C_WITH_A_STAGE, segments)
    assert [g.names for g in groups] == [("conv2d", "conv2d.1"), ("dense",)]
    assert [(g.macs, g.instructions, g.cycles) for g in groups] == [(7936, 103, 154), (2560, 50, 60)]
    assert groups[0].label == "conv2d..conv2d.1 (2 layers, one banded stage)"
    assert tail == Segment(2, 5)


def test_groups_sum_the_predictions_of_their_modelled_layers():
    segments = [Segment(100, 150), Segment(3, 4), Segment(50, 60), Segment(2, 5)]
    groups, _ = layer_groups(C_WITH_A_STAGE, segments, layer_predicted={1: 90, 2: 45})
    assert [(g.predicted, g.modelled) for g in groups] == [(90, 1), (45, 1)]
    groups, _ = layer_groups(C_WITH_A_STAGE, segments)
    assert [(g.predicted, g.modelled) for g in groups] == [(None, 0), (None, 0)]


def test_predictions_are_the_register_choices_of_the_layers():
    """DS-CNN's kernel-level IR (layer by layer): every conv, depthwise and dense layer
    predicted, as the register model's instructions for its op; the pooling not."""
    from tinymlir.compiler import import_model
    from tinymlir.dialects import kernel as qk
    from tinymlir.passes.tile_for_memory import register_choice
    from tinymlir.pipelines import KERNEL, QNN, run_pipeline

    module = import_model(EXAMPLE.with_suffix(".onnx"))
    run_pipeline(module, f"{QNN},{KERNEL}")
    predicted = layer_predictions(module)
    layers = [op for op in module.walk() if isinstance(op, qk.Conv2DOp | qk.DenseOp)]
    assert predicted == {op.layer.value.data: register_choice(op).instructions for op in layers}
    assert any(isinstance(op, qk.KernelOp) and op.layer.value.data not in predicted for op in module.walk())


def test_more_hook_calls_than_hooks_is_an_error():
    with pytest.raises(BenchError, match="3 layer hooks and 3 layer comments in the C, 4 hook calls"):
        layer_groups(C_WITH_A_STAGE, [Segment(1, 1)] * 5)


@pytest.mark.skipif(
    not (shutil.which("arm-none-eabi-gcc") and shutil.which("qemu-system-arm")),
    reason="needs the Cortex-M4 toolchain (bench/harness/install-toolchain.sh)",
)
def test_profile_of_the_example_adds_up(tmp_path):
    from tinymlir.bench.cortex_m import measure_cortex_m
    from tinymlir.compiler import compile_model

    compiled = compile_model(EXAMPLE.with_suffix(".onnx"), tmp_path / "lib")
    row = np.load(EXAMPLE.with_suffix(".io.npz"))["inputs"][0].astype(np.int8).tobytes()
    plain = measure_cortex_m([compiled.c_file], compiled.h_file, compiled.library.name, row, "-O2", tmp_path / "plain")
    profiled = profile_cortex_m(compiled.c_file, compiled.h_file, compiled.library.name, row, "-O2", tmp_path / "prof")

    assert profiled["output"] == plain["output"]
    layers = profiled["layers"]
    assert [g.names[0] for g in layers][:3] == ["conv2d", "depthwise_conv2d", "conv2d.1"]
    assert sum(g.instructions for g in layers) + profiled["tail"].instructions == profiled["instructions"]
    # the hook calls are the only difference from the plain build: they cost a few
    # instructions each and change GCC's code around them a little
    assert abs(profiled["instructions"] - plain["instructions"]) <= 0.01 * plain["instructions"]
    assert profiled["instructions"] < profiled["cycles"] < 3 * profiled["instructions"]
