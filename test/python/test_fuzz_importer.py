"""Fuzzing the ONNX importer (tinymlir.fuzz, driven by tools/tinymlir_fuzz.py): every input gives a module that
verifies or an ``OnnxImportError`` with a one-line message, quickly.

* every file in ``fuzz_corpus/`` (minimised crashers found by the fuzzer, plus hand-made
  edge cases: huge declared dimensions, external data, NaN / 0 / negative scales, cycles,
  ...) goes through the fuzzer's oracle;
* a short seeded campaign (all four strategies, ~200 inputs) and a hypothesis byte-splicing
  run go through the same oracle;
* the oracle itself is checked on fake importers (a multi-line message, another exception,
  a hang, a warning are all crashes);
* ``tinymlir-opt`` on corpus files exits 1 with one ``tinymlir-opt: error:`` line.

A long campaign: ``python tools/tinymlir_fuzz.py --iterations 20000 --seed 1``.
"""

from __future__ import annotations

import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tinymlir import fuzz
from tinymlir.errors import OnnxImportError

REPO_ROOT = Path(__file__).resolve().parents[2]
CORPUS_DIR = Path(__file__).resolve().parent / "fuzz_corpus"
FUZZ_SCRIPT = REPO_ROOT / "tools" / "tinymlir_fuzz.py"

CORPUS = sorted(CORPUS_DIR.glob("*.onnx"))


@pytest.fixture(scope="module")
def seeds():
    return fuzz.load_seeds()


# --------------------------------------------------------------------------------------
# (a) the regression corpus
# --------------------------------------------------------------------------------------


def test_corpus_is_present():
    assert len(CORPUS) >= 40, f"fuzz corpus missing or incomplete in {CORPUS_DIR}"


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_corpus_file(path: Path):
    start = time.monotonic()
    outcome = fuzz.check(path.read_bytes(), timeout=10.0)
    assert outcome.ok, f"{path.name}: {outcome.detail}\n{outcome.trace}"
    assert time.monotonic() - start < 10.0
    if outcome.kind == "refused":
        assert fuzz.is_one_line(outcome.detail)


# Corpus files whose answer is pinned: (file, "accepted") or (file, substring of the error).
EXPECTED = {
    "input-dim-2pow40": "at most 2147483647 elements",
    "pad-2pow40": "at most 2147483647 elements",
    "external-data": "external data",
    "node-name-invalid-utf8": "not valid UTF-8",
    "multiline-node-name": "node 'a\\nb' (QLinearConv)",
    "multiline-input-name": "input 'name\\r\\nwith break'",
    "scale-nan": "scales must be finite, positive",
    "scale-zero": "scales must be finite, positive",
    "conv-zero-stride": "strides must be 2 positive integers",
    "conv-zero-group": "group 0 must divide",
    "conv-mixed-storage": "int8 input with a uint8 output is not supported",
    "conv-runtime-bias": "runtime biases are not supported",
    "qlinearconcat-no-axis": "attribute 'axis' is required",
    "cycle-self-input": "produced later",
    "opset-99": "opset 99 is newer",
    "quantize-block-size": "block_size",
    "clip-min-above-max": "accepted",
    "quantize-output-dtype-int8": "accepted",
    "identity-chain-3000": "accepted",  # quadratic (tens of seconds) before
    "scale-product-overflow": "not a finite, normal float32",
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_expected_answer(name: str):
    outcome = fuzz.check((CORPUS_DIR / f"{name}.onnx").read_bytes())
    if EXPECTED[name] == "accepted":
        assert outcome.kind == "accepted", outcome.detail
    else:
        assert outcome.kind == "refused", outcome.detail
        assert EXPECTED[name] in outcome.detail


def test_huge_dimension_is_refused_quickly():
    """A 2**40 dimension must be refused before anything of that size is allocated."""
    from tinymlir.frontend.onnx import import_onnx

    start = time.monotonic()
    for name in ("input-dim-2pow40", "initializer-dims-2pow40", "constant-dims-2pow40", "pad-2pow40"):
        with pytest.raises(OnnxImportError):
            import_onnx((CORPUS_DIR / f"{name}.onnx").read_bytes())
    assert time.monotonic() - start < 5.0


def _identity_chain(n: int) -> bytes:
    import onnx
    from onnx import TensorProto, helper

    nodes = [helper.make_node("Identity", [f"t{i}"], [f"t{i + 1}"]) for i in range(n)]
    graph = helper.make_graph(
        nodes, "chain", [helper.make_tensor_value_info("t0", TensorProto.INT8, [1, 4])],
        [helper.make_tensor_value_info(f"t{n}", TensorProto.INT8, [1, 4])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], ir_version=8)
    return onnx.ModelProto.SerializeToString(model)


def test_node_count_is_bounded():
    """Import time grows linearly with the graph; past MAX_NODES the graph is refused."""
    from tinymlir.frontend.onnx import MAX_NODES

    start = time.monotonic()
    outcome = fuzz.check(_identity_chain(MAX_NODES + 1))
    assert outcome.kind == "refused" and f"at most {MAX_NODES}" in outcome.detail
    assert time.monotonic() - start < 10.0


# --------------------------------------------------------------------------------------
# (b) short fuzzing runs through the same oracle
# --------------------------------------------------------------------------------------


def test_seeded_campaign(seeds):
    start = time.monotonic()
    stats = fuzz.run_campaign(200, seed=20240601, seeds=seeds, timeout=10.0, out=sys.stderr)
    elapsed = time.monotonic() - start
    tried = sum(stats.tried[s] for s in fuzz.STRATEGIES)
    assert tried >= 190  # a few mutator no-ops may be skipped
    assert all(stats.tried[s] for s in fuzz.STRATEGIES), dict(stats.tried)
    assert not stats.signatures, "crashes:\n" + "\n".join(
        f"{sig}: {paths}" for sig, paths in stats.signatures.items()
    )
    assert sum(stats.accepted.values()) and sum(stats.refused.values())
    assert elapsed < 30.0, f"200 inputs took {elapsed:.1f} s"


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_hypothesis_byte_splice(seeds, data):
    """Hypothesis picks a small test graph, a position and bytes to write there."""
    small = [s for s in seeds if len(s.data) < 20_000]
    seed = data.draw(st.sampled_from(small), label="seed")
    pos = data.draw(st.integers(0, len(seed.data) - 1), label="position")
    cut = data.draw(st.integers(0, 8), label="bytes removed")
    patch = data.draw(st.binary(max_size=12), label="bytes written")
    mutated = seed.data[:pos] + patch + seed.data[pos + cut :]
    outcome = fuzz.check(mutated, timeout=10.0)
    assert outcome.ok, f"{seed.name} @{pos}: {outcome.detail}\n{outcome.trace}"


# --------------------------------------------------------------------------------------
# The oracle
# --------------------------------------------------------------------------------------


def _with_importer(monkeypatch, fake):
    import tinymlir.frontend.onnx as frontend

    monkeypatch.setattr(frontend, "import_onnx", fake)


def test_oracle_flags_multiline_message(monkeypatch):
    def fake(data, name=None, numerics=None):
        raise OnnxImportError("node 'a\nb' (Conv): bad")

    _with_importer(monkeypatch, fake)
    assert fuzz.check(b"x").kind == "crash"


def test_oracle_flags_other_exceptions(monkeypatch):
    def fake(data, name=None, numerics=None):
        raise IndexError("list index out of range")

    _with_importer(monkeypatch, fake)
    outcome = fuzz.check(b"x")
    assert outcome.kind == "crash" and "IndexError" in outcome.signature


def test_oracle_flags_warnings(monkeypatch):
    def fake(data, name=None, numerics=None):
        warnings.warn("overflow encountered", RuntimeWarning, stacklevel=1)
        raise OnnxImportError("unreachable")

    _with_importer(monkeypatch, fake)
    assert fuzz.check(b"x").kind == "crash"


def test_oracle_flags_hangs(monkeypatch):
    def fake(data, name=None, numerics=None):
        while True:
            time.sleep(0.01)

    _with_importer(monkeypatch, fake)
    start = time.monotonic()
    outcome = fuzz.check(b"x", timeout=0.3)
    assert outcome.kind == "crash" and "Timeout" in outcome.signature
    assert time.monotonic() - start < 5.0


def test_one_line_rule():
    assert fuzz.is_one_line("node 'x' (Conv): bad")
    for bad in ("", "  ", "a\nb", "a\rb", "a\x0bb", "a\x1cb", "a\x85b", "a\u2028b"):
        assert not fuzz.is_one_line(bad), repr(bad)


# --------------------------------------------------------------------------------------
# (c) the driver
# --------------------------------------------------------------------------------------

DRIVER_FILES = ("multiline-node-name", "node-name-invalid-utf8", "input-dim-2pow40", "external-data", "conv-zero-stride")


@pytest.mark.parametrize("name", DRIVER_FILES)
def test_driver_one_line_error(tinymlir_opt, name):
    proc = tinymlir_opt(str(CORPUS_DIR / f"{name}.onnx"))
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 1, f"exit status {proc.returncode}; stderr:\n{proc.stderr}"
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("tinymlir-opt: error:"), lines[0]
    assert proc.stdout == ""


def test_fuzzer_command_line(tmp_path):
    proc = subprocess.run(
        [sys.executable, str(FUZZ_SCRIPT), "--iterations", "40", "--seed", "7",
         "--crash-dir", str(tmp_path), "--progress", "0"],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "tinymlir-fuzz statistics" in proc.stdout
    assert "no crashes" in proc.stdout
