"""--memory-report writes the plan per layer (Markdown) and the arena over time (PNG);
--target-ram / --target-flash refuse a model that does not fit, with need vs budget."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "examples" / "kws_dscnn.onnx"


def opt(*args):
    exe = Path(sys.executable).parent / "tinymlir-opt"
    return subprocess.run([str(exe), *map(str, args)], capture_output=True, text=True, timeout=300)


def test_memory_report(tmp_path):
    run = opt("--pipeline=mcu", MODEL, "-o", f"{tmp_path}/", "--memory-report")
    assert run.returncode == 0, run.stderr
    md, png = tmp_path / "kws_dscnn.memory.md", tmp_path / "kws_dscnn.memory.png"
    text = md.read_text()
    # 8,000 B of activations + the Cortex-M4 first convolution's 240 B ring of padded input rows
    assert "arena: **8,240 bytes** (planned), lower bound 8,240 bytes" in text
    assert "| depthwise_conv2d |" in text and "conv2d.1_pixels" in text  # the in-place 2 x Cout scratch
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "memory report:" in run.stdout


def test_budgets_that_fit(tmp_path):
    run = opt("--pipeline=mcu", MODEL, "-o", f"{tmp_path}/", "--target-ram=16K", "--target-flash=64K")
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "kws_dscnn.c").exists()


def test_ram_budget_refuses(tmp_path):
    run = opt("--pipeline=mcu", MODEL, "-o", f"{tmp_path}/", "--target-ram", "8000")
    assert run.returncode == 1
    assert run.stderr.strip().splitlines() == [
        "tinymlir-opt: error: kws_dscnn needs 8,742 bytes of RAM (arena 8,240 + input/output 502) "
        "but --target-ram is 8,000 (over by 742)"
    ]
    assert not (tmp_path / "kws_dscnn.c").exists()


@pytest.mark.parametrize("flash", ["16K", "20000"])
def test_flash_budget_refuses(tmp_path, flash):
    run = opt("--pipeline=mcu", MODEL, "-o", f"{tmp_path}/", f"--target-flash={flash}")
    assert run.returncode == 1
    (line,) = run.stderr.strip().splitlines()
    assert line.startswith("tinymlir-opt: error: kws_dscnn needs ") and "bytes of flash" in line
    assert "no library written" in line
    assert not (tmp_path / "kws_dscnn.c").exists()


@pytest.mark.parametrize("args", [["--target-ram=1K"], ["--memory-report"]])
def test_budget_needs_a_library_output(args):
    run = opt("--pipeline=mcu", MODEL, *args)
    assert run.returncode == 1
    assert "need a C library output" in run.stderr


def test_bad_byte_count():
    run = opt("--pipeline=mcu", MODEL, "-o", "/tmp/x/", "--target-ram=lots")
    assert run.returncode != 0
    assert "expected a byte count" in run.stderr


def test_steps_name_the_layer_that_writes_its_buffer(tmp_path):
    """Each step's layer is the one run there: a layer's output buffer (named after it)
    starts at a step of that layer (the arena's own ops must not shift the names)."""
    run = opt("--pipeline=mcu", MODEL, "-o", f"{tmp_path}/", "--memory-report")
    assert run.returncode == 0, run.stderr
    text = (tmp_path / "kws_dscnn.memory.md").read_text()
    steps = dict(line.split(" | ")[:2] for line in text.split("## Per layer")[1].split("## Buffers")[0].splitlines()
                 if line.startswith("| ") and line[2].isdigit())
    steps = {int(k.strip("| ")): v for k, v in steps.items()}
    buffers = [line.strip("|").split(" | ") for line in text.split("## Buffers")[1].splitlines()
               if line.startswith("| ") and not line.startswith("| buffer")]
    named = [(name.strip(), int(first.replace(",", ""))) for name, _, _, first, _ in buffers if name.strip() in steps.values()]
    assert named, "no buffer is named after a layer"
    for name, first in named:
        assert steps.get(first) == name, (name, first, steps.get(first))


WIDE = """
func.func @wide(%x: !qnn.qtensor<1x16x8x1xi8, 0.5:3>) -> !qnn.qtensor<1x16x8x1xi8, 0.5:0> {
  %w = qnn.constant dense<1> : tensor<16x3x3x1xi8> -> !qnn.qtensor<16x3x3x1xi8, 0.1:0>
  %pw = qnn.constant dense<1> : tensor<1x1x1x16xi8> -> !qnn.qtensor<1x1x1x16xi8, 0.1:0>
  %b = arith.constant dense<0> : tensor<16xi32>
  %b1 = arith.constant dense<0> : tensor<1xi32>
  %a = qnn.conv2d %x, %w, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] groups 1 : !qnn.qtensor<1x16x8x1xi8, 0.5:3>, !qnn.qtensor<16x3x3x1xi8, 0.1:0>, tensor<16xi32> -> !qnn.qtensor<1x16x8x16xi8, 0.5:0>
  %y = qnn.conv2d %a, %pw, %b1 strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] groups 1 : !qnn.qtensor<1x16x8x16xi8, 0.5:0>, !qnn.qtensor<1x1x1x16xi8, 0.1:0>, tensor<1xi32> -> !qnn.qtensor<1x16x8x1xi8, 0.5:0>
  func.return %y : !qnn.qtensor<1x16x8x1xi8, 0.5:0>
}
"""


@pytest.mark.parametrize(("options", "stage"), [
    ("stream=false max_grid=1", "a..y (2 layers), recompute, grid 8x1"),
    ("", "a..y (2 layers), stream, grid 16x1"),
])
def test_memory_report_names_the_patched_stage(options, stage):
    """The plan names each patch.stage (its layers, form and grid) and the steps it spans."""
    from xdsl.parser import Parser

    from tinymlir.memory_report import arena_plan, markdown
    from tinymlir.pipelines import make_context, run_pipeline

    module = Parser(make_context(), WIDE).parse_module()
    run_pipeline(module, f"convert-qnn-to-kernel,patch-schedule{{{options}}},kernel-in-place,convert-kernel-to-loops,plan-arena")
    plan = arena_plan(module)
    ((name, first, last),) = plan.stages
    assert name == stage and 0 < first < last < len(plan.steps)
    assert f"- patched stage: {stage}, steps {first}..{last}" in markdown(plan, "wide")
