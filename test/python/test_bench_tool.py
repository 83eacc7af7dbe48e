"""`tinymlir-bench --quick` (tools/tinymlir_bench.py) on kws_dscnn: the JSON it writes, the
Markdown it prints, a repeatable Cortex-M4 instruction count, and one-line errors.

Needs the harness's toolchain (``bench/harness/install-toolchain.sh``): without it these tests
skip on a developer's machine and fail in CI (``CI`` set). Two quick runs take ~15 s.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from tinymlir.bench.cortex_m import CROSS_TOOLS
from tinymlir.bench.host import HOST_TOOLS
from tinymlir.tools import tinymlir_bench


def _require_toolchain() -> None:
    missing = [tool for tool in {**CROSS_TOOLS, **HOST_TOOLS} if shutil.which(tool) is None]
    if missing:
        message = f"{', '.join(missing)} not installed (bench/harness/install-toolchain.sh)"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory, models_dir):
    """Two `--quick` runs into separate folders: (status, report, stdout) each."""
    _require_toolchain()
    runs = []
    for i in range(2):
        out = tmp_path_factory.mktemp(f"bench{i}")
        capture = _Capture()
        with capture:
            status = tinymlir_bench.main(["--quick", "--out", str(out)])
        report = json.loads((out / "latest.json").read_text())
        runs.append((status, report, capture.text, out))
    return runs


class _Capture:
    """Captures sys.stdout (the module fixture cannot use capsys)."""

    def __enter__(self):
        import io

        self._old, sys.stdout = sys.stdout, io.StringIO()
        return self

    def __exit__(self, *exc):
        self.text = sys.stdout.getvalue()
        sys.stdout = self._old


def test_quick_run_succeeds_and_writes_both_files(two_runs):
    for status, report, stdout, out in two_runs:
        assert status == 0, report.get("problems")
        assert report["ok"] is True and report["problems"] == []
        markdown = (out / "latest.md").read_text()
        assert stdout == markdown  # the table printed is the table written
        assert "| kws_dscnn |" in markdown
        assert sorted(p.name for p in out.iterdir()) == ["latest.json", "latest.md"]


def test_json_fields(two_runs):
    _, report, _, _ = two_runs[0]
    assert report["tool"] == "tinymlir-bench" and report["mode"] == "quick"
    assert report["compile_runs"] == 1
    assert report["environment"]["arm_none_eabi_gcc"]
    (m,) = report["models"]
    assert m["name"] == "kws_dscnn"
    assert m["input"] == "kws_dscnn.io.npz row 0" and m["expected"] == "tflm_outputs row 0"
    assert 0 < m["compile"]["seconds"] < 60 and len(m["compile"]["runs"]) == 1
    assert m["macs"] == 2_656_768

    arena = m["arena"]
    assert 0 < arena["lower_bound"] <= arena["ours"]
    assert arena["tflm"] == 24_272 and arena["tflm_head"] == 16_000  # ../shared/models figures
    assert arena["ratio_tflm"] == pytest.approx(arena["ours"] / 24_272)

    flash = m["flash"]
    assert flash["flash"] == flash["text"] + flash["rodata"] + flash["data"]
    assert flash["weights_biases_bytes"] == 22_016 + 4 * 588  # int8 weights, int32 biases
    assert flash["over_weights_biases"] == flash["flash"] - flash["weights_biases_bytes"]
    assert flash["target_bytes"] == 12 * 1024
    assert flash["within_target"] == (flash["over_weights_biases"] <= 12 * 1024)

    for opt in ("Os", "O2"):
        m4 = m["cortex_m4"][opt]
        assert m4["instructions"] > 1_000_000
        assert m4["bit_exact"] is True and m4["max_lsb"] == 0
        assert m4["deterministic"] is True and m4["repeat_instructions"] == m4["instructions"]
        assert m4["mac_per_instruction"] == pytest.approx(2_656_768 / m4["instructions"])
        assert m4["stack_high_water"] > 0
    assert m["cortex_m4"]["Os"]["sizes"]["text"] == flash["text"]  # flash is the -Os build
    assert m["host"]["ir"] > 0 and m["host"]["bit_exact"] is True
    assert m["bit_exact"] is True

    patch = m["patch"]  # kws_dscnn: the schedule, or why there is none, beside layer by layer
    assert patch["schedule"].startswith(("bands: ", "layer-by-layer: "))
    assert patch["arena"] == arena["ours"] <= patch["layer_by_layer_arena"]
    assert 0 < patch["layer_by_layer_bound"] <= patch["layer_by_layer_arena"]
    assert patch["O2_instructions"] == m["cortex_m4"]["O2"]["instructions"]
    assert patch["layer_by_layer_O2_instructions"] > 1_000_000 and patch["bit_exact"] is True
    assert (patch["extra_macs"] > 0) == patch["schedule"].startswith("bands: ")
    assert "## Patch schedule" in (two_runs[0][3] / "latest.md").read_text()

    anchors = m["anchors"]
    assert anchors["cmsis_nn"] == 7_573_690 and anchors["tflm_ref"] == 42_267_346
    assert anchors["ratio_cmsis_nn"] == pytest.approx(
        m["cortex_m4"]["O2"]["instructions"] / 7_573_690
    )

    tflm = m["tflm"]
    if tflm["available"]:  # tflite-micro installed
        assert tflm["rows"] == 6
        assert tflm["vs_npz"]["max_lsb"] == 0
        assert tflm["ours_vs_tflm"]["max_lsb"] == 0
    else:
        assert "tflite-micro" in tflm["reason"]


def test_instruction_count_is_deterministic_across_runs(two_runs):
    (_, first, _, _), (_, second, _, _) = two_runs
    for opt in ("Os", "O2"):
        a, b = first["models"][0]["cortex_m4"][opt], second["models"][0]["cortex_m4"][opt]
        assert a["instructions"] == b["instructions"]
        assert a["sizes"] == b["sizes"]
    assert first["models"][0]["host"]["ir"] == second["models"][0]["host"]["ir"]


def test_missing_shared_models_is_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(tinymlir_bench, "SHARED_MODELS_DIR", tmp_path / "shared" / "models")
    assert tinymlir_bench.main(["--quick", "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith("tinymlir-bench: error: shared reference models not found")
    assert not (tmp_path / "out").exists()


def test_missing_toolchain_says_how_to_install(tmp_path, models_dir):
    # a PATH without the cross tools (python itself is called through sys.executable)
    result = subprocess.run(
        [sys.executable, "-m", "tinymlir.tools.tinymlir_bench", "--quick", "--out", str(tmp_path)],
        capture_output=True, text=True, env={**os.environ, "PATH": str(tmp_path)},
    )  # fmt: skip
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(
        "tinymlir-bench: error: Cortex-M measurement needs arm-none-eabi-gcc"
    )
    assert "install-toolchain.sh" in lines[0]


def test_missing_model_file(tmp_path, capsys):
    assert (
        tinymlir_bench.main(["--models", str(tmp_path / "nope.onnx"), "--out", str(tmp_path)]) == 1
    )
    assert (
        capsys.readouterr().err.strip()
        == f"tinymlir-bench: error: model {tmp_path / 'nope.onnx'} not found"
    )
