"""End to end: ONNX -> --pipeline=mcu -> C library -> host cc -> run.

The four MLPerf Tiny models must equal TensorFlow Lite Micro's outputs bit for bit on
every row of their .io.npz, and every small test graph must equal the reference executor
in both numerics modes (tflm; onnx with the integer float emulation and with native float).
The generated code must compile warning-free with the host cc and arm-none-eabi-gcc."""

import os
import re
import shutil
import subprocess

import numpy as np
import pytest
from onnx_graphs import VALID_GRAPHS, random_inputs

from tinymlir.build import HOST_CFLAGS, STRICT_CFLAGS, build_host, run_host
from tinymlir.compare import quantised_inputs
from tinymlir.compiler import compile_model

MODELS = ["kws_dscnn", "ic_resnet8", "vww_mobilenet", "ad_toycar"]


def run_library(exe, library, rows, workdir):
    """rows: per inference, the list of input arrays; returns per inference the outputs."""
    results = run_host(exe, rows, workdir, library)
    return [[y.reshape(p.shape) for y, p in zip(outs, library.outputs, strict=True)] for outs in results]


@pytest.mark.parametrize("name", MODELS)
def test_models_bit_exact_with_tflm(name, models_dir, tmp_path):
    data = np.load(models_dir / f"{name}.io.npz")
    compiled = compile_model(models_dir / f"{name}.onnx", tmp_path)
    library = compiled.library
    exe = build_host(compiled.c_file, library, tmp_path)
    got = run_library(exe, library, [[x] for x in data["inputs"]], tmp_path)
    for (y,), expected in zip(got, data["tflm_outputs"], strict=True):
        np.testing.assert_array_equal(y, expected.reshape(y.shape))


@pytest.mark.parametrize("name", MODELS)
def test_models_compile_for_cortex_m4(name, models_dir, tmp_path):
    gcc = shutil.which("arm-none-eabi-gcc")
    if gcc is None:
        if os.environ.get("CI"):
            pytest.fail("arm-none-eabi-gcc missing in CI (bench/harness/install-toolchain.sh)")
        pytest.skip("arm-none-eabi-gcc not installed (bench/harness/install-toolchain.sh)")
    c_file = compile_model(models_dir / f"{name}.onnx", tmp_path).c_file
    flags = [*STRICT_CFLAGS, "-Os", "-mcpu=cortex-m4", "-mthumb"]
    result = subprocess.run([gcc, *flags, "-c", str(c_file), "-o", str(tmp_path / "m.o")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def compile_in_mode(model, name: str, numerics: str, hard_float: bool, workdir):
    """compile_model with a numerics mode and the float C flavour: the qnn module (for the
    reference executor), the C file and the library summary."""
    compiled = compile_model(model, workdir, numerics=numerics, hard_float=hard_float, name=name,
                             source_name=f"{name}.onnx")
    return compiled.module, compiled.c_file, compiled.library


# onnx-fpu: native C float (what --fpu emits for a Cortex-M4F), run on the host's binary32
# arithmetic (-std=c99 does not contract a * b + c into an FMA).
MODES = {"tflm": ("tflm", False), "onnx": ("onnx", False), "onnx-fpu": ("onnx", True)}


@pytest.mark.parametrize("mode", sorted(MODES))
@pytest.mark.parametrize("name", sorted(VALID_GRAPHS))
def test_small_graphs_match_reference(name, mode, tmp_path):
    model = VALID_GRAPHS[name]()
    numerics, hard_float = MODES[mode]
    module, c_file, library = compile_in_mode(model, name, numerics, hard_float, tmp_path)
    assert f'_NUMERICS "{numerics}"' in c_file.with_suffix(".h").read_text()
    if numerics == "onnx" and not hard_float:
        assert not re.search(r"\b(float|double)\b", c_file.read_text())  # integer emulation
    exe = build_host(c_file, library, tmp_path)
    c_rows, expected = [], []
    for seed in range(3):
        qi, ref = quantised_inputs(module, random_inputs(model, seed))
        c_rows.append([np.asarray(x) for x in qi])
        expected.append(ref)
    for got, want in zip(run_library(exe, library, c_rows, tmp_path), expected, strict=True):
        for y, e in zip(got, want, strict=True):
            np.testing.assert_array_equal(y, np.asarray(e).reshape(y.shape))


def test_cflags_are_the_strict_set():
    assert set(STRICT_CFLAGS) <= set(HOST_CFLAGS)
    assert {"-std=c99", "-Werror", "-pedantic"} <= set(STRICT_CFLAGS)
