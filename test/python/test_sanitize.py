"""Output safety: the generated C under ASan+UBSan, valgrind memcheck and the arena checks.

``tinymlir_sanitize --quick`` (kws_dscnn and ad_toycar, 2 input rows each) must be clean.
The checker itself is checked on deliberately broken copies of a small residual CNN's C:
a write past the arena, a signed overflow plus a write into a live buffer, and an output
byte that is never written must each be caught by the configurations meant to catch them.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tinymlir import sanitize as ts


def _need_valgrind():
    if shutil.which("valgrind") is None:
        if os.environ.get("CI"):
            pytest.fail("valgrind missing in CI")
        pytest.skip("valgrind not installed")


def test_quick_models_are_clean(repo_root, models_dir, tmp_path):
    _need_valgrind()
    report = tmp_path / "sanitizers.md"
    run = subprocess.run(
        [sys.executable, "-m", "tinymlir.tools.tinymlir_sanitize", "--quick", "--markdown", str(report)],
        capture_output=True, text=True, timeout=90, cwd=repo_root,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    rows = [line for line in run.stdout.splitlines() if line.startswith("| ") and "model" not in line]
    assert [r.split("|")[1].strip() for r in rows] == list(ts.QUICK_MODELS)
    for row in rows:
        assert row.count("FAIL") == 0 and "**clean**" in row, row
    text = report.read_text()
    assert "**all clean**" in text and "valgrind-" in text


# ----------------------------------------------------------------------------------------
# The checker catches what it claims to catch
# ----------------------------------------------------------------------------------------

HOOK = re.compile(r"^( *)TINYMLIR_LAYER_HOOK\((\d+), (\w+), (\d+)\);$", re.M)


def _hooks(text: str) -> dict[int, tuple[int, str]]:
    """layer index -> (offset of the end of its hook line, output pointer expression)."""
    return {int(m.group(2)): (m.end(), m.group(3)) for m in HOOK.finditer(text)}


def _insert_after_hook(text: str, layer: int, code: str) -> str:
    end, _ = _hooks(text)[layer]
    return text[:end] + "\n    " + code + text[end:]


def _first_hook(text: str) -> int:
    """The first layer with a hook call (layer 0 may have none: a transpose of the input
    that kernel-in-place makes a view of it)."""
    return min(_hooks(text))


def _past_the_arena(text: str) -> str:
    size = int(re.search(r"^static int8_t \w+_arena\[(\d+)\]", text, re.M).group(1))
    return _insert_after_hook(text, _first_hook(text), f"{{ volatile int32_t k = {size}; arena[k] = 0; }}")


def _overflow_and_clobber(text: str) -> str:
    # small_cnn: layer 1 'conv1' is read by layer 2 and again by the residual add (layer 4)
    _, conv1 = _hooks(text)[1]
    text = _insert_after_hook(text, 2, f"{conv1}[0] = (int8_t)({conv1}[0] ^ 1);")
    return _insert_after_hook(text, _first_hook(text), "{ volatile int32_t big = INT32_MAX; big = big + 1; }")


def _unwritten(text: str) -> str:
    """One trip fewer of the last loop opened before the first store into the output."""
    signature = re.search(r"_run\(const \w+ \*\w+, \w+ \*(\w+)\)", text)
    first_store = text.index(f"{signature.group(1)}[", signature.end())
    loop = re.compile(r"for \(int32_t (v\d+) = 0; \1 < (\d+); \+\+\1\)")
    m = [m for m in loop.finditer(text, signature.end(), first_store)][-1]
    return text[: m.start()] + f"for (int32_t {m.group(1)} = 0; {m.group(1)} < {int(m.group(2)) - 1}; ++{m.group(1)})" + text[m.end():]


MUTANTS = {
    # mutant -> (edit, {check: text expected in its summary or details})
    "write_past_arena": (_past_the_arena, {
        "asan": "", "bounds": "wrote past the end of the arena",
    }),
    "overflow_and_clobber": (_overflow_and_clobber, {
        "asan": "signed integer overflow", "clobber": "overwrites live layer 1 'conv1'",
    }),
    "unwritten_output": (_unwritten, {
        "canary": "output bytes never written", "memcheck_arena": "uninitialised",
    }),
}


@pytest.mark.parametrize("mutant", sorted(MUTANTS))
def test_checker_catches_broken_code(mutant, graphs, tmp_path, monkeypatch):
    _need_valgrind()
    edit, expected = MUTANTS[mutant]
    model = tmp_path / "small_cnn.onnx"
    model.write_bytes(graphs.VALID_GRAPHS["qdq_small_cnn"]().SerializeToString())
    original = ts.compile_model

    def compile_and_break(path, workdir):
        compiled = original(path, workdir)
        compiled.c_file.write_text(edit(compiled.c_file.read_text()))
        return compiled

    monkeypatch.setattr(ts, "compile_model", compile_and_break)
    result = ts.check_model(model, tmp_path / "build", 2, "cc", lambda message: None)
    assert not result.ok
    for key, text in expected.items():
        check = result.checks[key]
        assert check.ok is False, f"{mutant}: {key} missed it: {check.summary}"
        blob = "\n".join([check.summary, *check.details])
        assert text in blob, f"{mutant}: {key}: {blob}"


def test_liveness_resolves_views():
    layers = {
        0: ts.Layer(0, "a", "qnn.conv2d", 8, set()),
        1: ts.Layer(1, "r", "qnn.reshape", 8, {0}),
        2: ts.Layer(2, "b", "qnn.dense", 4, {1}),
        3: ts.Layer(3, "c", "qnn.add", 4, {2, 1}, returned=True),
    }
    ts.liveness(layers, hooked={0, 2, 3})
    assert layers[2].reads == {0} and layers[3].reads == {2, 0}
    assert layers[0].last_use == 3 and layers[2].last_use == 3
    assert layers[3].last_use == float("inf")


def test_report_points_at_the_layer(tmp_path):
    c_lines = [
        "static int32_t helper(int32_t v1) {",
        "    return v1 << 31;",
        "}",
        "int m_run(const int8_t *x, int8_t *y) {",
        "    /* conv: conv2d 1x4x4x1 -> 1x4x4x1 */",
        "    y[0] = (int8_t)helper(x[0]);",
        "}",
    ]
    report = (
        "/tmp/x/m.c:2:15: runtime error: left shift of 1 by 31 places\n"
        "    #0 0x1 in helper /tmp/x/m.c:2\n    #1 0x2 in m_run /tmp/x/m.c:6\n"
    )
    where = ts.locate(report, Path("/elsewhere/m.c"), c_lines)
    assert where[0] == "at m.c:2: return v1 << 31;"
    assert "function static int32_t helper" in where[1]
    assert where[2] == "at m.c:6: y[0] = (int8_t)helper(x[0]);"
    assert where[3].startswith("in layer 'conv: conv2d")
    assert ts.without_paths(ts.first_report(report)).startswith("m.c:2:15: runtime error")
