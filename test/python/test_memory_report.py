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
