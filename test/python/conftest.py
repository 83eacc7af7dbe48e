"""Shared fixtures for tinymlir's Python tests.

* ``repo_root`` / ``models_dir``: the checkout and the shared MLPerf Tiny reference data
  (``<repo>/../shared/models``; CI always has it, so a missing folder is a failure,
  never a silent skip).
* ``graphs``: the ONNX test-graph library ``onnx_graphs.py`` (``test/python`` is not a
  package, so its directory is put on ``sys.path`` here, before test modules import it).
* ``valid_model`` / ``shared_model``: cached ``onnx.ModelProto`` builders/loaders
  (treat the returned protos as read-only; ``copy_model`` them before mutating).
* ``mlir_context``, ``parse_mlir``, ``opt_pipeline``: the same xDSL context and pass
  pipelines that ``tinymlir-opt`` builds, for in-process round trips and pass runs.
* ``tinymlir_opt``: runs the real driver in a subprocess.
* ``lsb_diff``: the largest difference between two lists of outputs, in output LSBs.
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import onnx
import pytest

TEST_DIR = Path(__file__).resolve().parent
REPO_ROOT = TEST_DIR.parents[1]
SHARED_MODELS_DIR = REPO_ROOT.parent / "shared" / "models"
SHARED_MODEL_NAMES = ("kws_dscnn", "ic_resnet8", "vww_mobilenet", "ad_toycar")

if str(TEST_DIR) not in sys.path:
    sys.path.insert(0, str(TEST_DIR))

# Every pipeline the tests run, in process or through the driver (the environment is
# inherited), verifies the IR after every pass: no pass bug hides behind the faster default
# of named pipelines, which verify at level boundaries (tinymlir.pipelines.LEVELS).
os.environ["TINYMLIR_VERIFY_EACH"] = "1"

import onnx_graphs  # noqa: E402

# --------------------------------------------------------------------------------------
# Locations
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def models_dir() -> Path:
    """``<repo>/../shared/models``; fails (does not skip) when it or a model file is missing."""
    if not SHARED_MODELS_DIR.is_dir():
        pytest.fail(
            f"shared reference models not found: expected the directory {SHARED_MODELS_DIR} "
            "(the repository's sibling 'shared/models', with kws_dscnn/ic_resnet8/"
            "vww_mobilenet/ad_toycar .onnx and .io.npz); CI always provides it",
            pytrace=False,
        )
    missing = [
        f"{name}{ext}"
        for name in SHARED_MODEL_NAMES
        for ext in (".onnx", ".io.npz")
        if not (SHARED_MODELS_DIR / f"{name}{ext}").is_file()
    ]
    if missing:
        pytest.fail(
            f"shared reference models incomplete: {', '.join(missing)} missing in "
            f"{SHARED_MODELS_DIR}",
            pytrace=False,
        )
    return SHARED_MODELS_DIR


@pytest.fixture(scope="session")
def onnx_inputs_dir() -> Path:
    """The saved copies of the graph library (``test/frontend/onnx/Inputs``)."""
    return REPO_ROOT / "test" / "frontend" / "onnx" / "Inputs"


# --------------------------------------------------------------------------------------
# Models
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def graphs():
    """The ``onnx_graphs`` module (VALID_GRAPHS, MALFORMED, random_inputs, ...)."""
    return onnx_graphs


@functools.cache
def _valid_model(name: str) -> onnx.ModelProto:
    return onnx_graphs.VALID_GRAPHS[name]()


@functools.cache
def _malformed_input(name: str) -> bytes | onnx.ModelProto:
    return onnx_graphs.MALFORMED[name]()


@functools.cache
def _shared_model(name: str) -> onnx.ModelProto:
    return onnx.load(str(SHARED_MODELS_DIR / f"{name}.onnx"))


@functools.cache
def _shared_io(name: str) -> dict[str, np.ndarray]:
    with np.load(SHARED_MODELS_DIR / f"{name}.io.npz") as data:
        return {key: data[key] for key in data.files}


@pytest.fixture(scope="session")
def valid_model() -> Callable[[str], onnx.ModelProto]:
    """name -> the (cached, read-only) ModelProto of ``VALID_GRAPHS[name]``."""
    return _valid_model


@pytest.fixture(scope="session")
def malformed_input() -> Callable[[str], bytes | onnx.ModelProto]:
    """name -> the (cached, read-only) bytes or ModelProto of ``MALFORMED[name]``."""
    return _malformed_input


@pytest.fixture(scope="session")
def shared_model(models_dir) -> Callable[[str], onnx.ModelProto]:
    """name -> the (cached, read-only) ModelProto of ``<models_dir>/<name>.onnx``."""
    return _shared_model


@pytest.fixture(scope="session")
def shared_io(models_dir) -> Callable[[str], dict[str, np.ndarray]]:
    """name -> the arrays of ``<models_dir>/<name>.io.npz``."""
    return _shared_io


@pytest.fixture(scope="session")
def copy_model() -> Callable[[onnx.ModelProto], onnx.ModelProto]:
    def copy(model: onnx.ModelProto) -> onnx.ModelProto:
        out = onnx.ModelProto()
        out.CopyFrom(model)
        return out

    return copy


# --------------------------------------------------------------------------------------
# xDSL context, parsing and pass pipelines (the driver's own)
# --------------------------------------------------------------------------------------


@functools.cache
def _opt_main(args: tuple[str, ...]):
    from tinymlir.driver import TinyOptMain

    return TinyOptMain(args=list(args))


@pytest.fixture(scope="session")
def mlir_context():
    """tinymlir-opt's xDSL context: builtin, func, arith, qnn, ... registered."""
    return _opt_main(()).ctx


@pytest.fixture(scope="session")
def parse_mlir(mlir_context):
    """text -> verified ModuleOp, parsed with tinymlir-opt's context (qnn loaded)."""
    from xdsl.parser import Parser

    def parse(text: str):
        module = Parser(mlir_context, text).parse_module()
        module.verify()
        return module

    return parse


@pytest.fixture(scope="session")
def opt_pipeline():
    """driver args (e.g. ``("--pipeline=mcu",)``) -> function applying that pipeline to a
    module in place, with the driver's verification after every pass (TINYMLIR_VERIFY_EACH)."""

    def make(args: Sequence[str]):
        main = _opt_main(tuple(args))

        def apply(module) -> None:
            main.pipeline.apply(main.ctx, module)

        return apply

    return make


# --------------------------------------------------------------------------------------
# The driver as a subprocess
# --------------------------------------------------------------------------------------


def _driver_command() -> list[str]:
    script = Path(sys.executable).parent / (
        "tinymlir-opt.exe" if os.name == "nt" else "tinymlir-opt"
    )
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-m", "tinymlir.driver"]


@pytest.fixture(scope="session")
def tinymlir_opt(tmp_path_factory) -> Callable[..., subprocess.CompletedProcess]:
    """Runs ``tinymlir-opt *args`` (the console script next to sys.executable, or
    ``python -m tinymlir.driver``) and returns the CompletedProcess (text mode)."""
    command = _driver_command()
    cwd = tmp_path_factory.mktemp("driver_cwd")

    def run(
        *args: str, stdin: bytes | None = None, timeout: float = 60
    ) -> subprocess.CompletedProcess:
        proc = subprocess.run(
            [*command, *map(str, args)],
            input=stdin,
            capture_output=True,
            timeout=timeout,
            cwd=cwd,
            env={**os.environ, "PYTHONWARNINGS": "ignore"},
        )
        return subprocess.CompletedProcess(
            proc.args,
            proc.returncode,
            proc.stdout.decode("utf-8", "replace"),
            proc.stderr.decode("utf-8", "replace"),
        )

    return run


# --------------------------------------------------------------------------------------
# Comparisons
# --------------------------------------------------------------------------------------


def _lsb_diff(
    ours: Sequence[np.ndarray],
    theirs: Sequence[np.ndarray],
    float_lsb: Sequence[float] | None = None,
) -> int:
    """max |ours - theirs| over all outputs, in LSBs. Integer outputs compare directly;
    float outputs (dequantised model outputs) are divided by their LSB (``float_lsb[i]``)."""
    assert len(ours) == len(theirs), f"{len(ours)} outputs vs {len(theirs)}"
    worst = 0
    for i, (a, b) in enumerate(zip(ours, theirs, strict=True)):
        a, b = np.asarray(a), np.asarray(b)
        assert a.shape == b.shape, f"output {i}: shape {a.shape} vs {b.shape}"
        assert a.dtype == b.dtype, f"output {i}: dtype {a.dtype} vs {b.dtype}"
        if a.dtype.kind == "f":
            assert float_lsb is not None and float_lsb[i], f"output {i} is float: need its LSB"
            d = np.abs(a.astype(np.float64) - b.astype(np.float64)) / float_lsb[i]
            worst = max(worst, int(np.round(d.max(initial=0.0))))
        else:
            worst = max(worst, int(np.abs(a.astype(np.int64) - b.astype(np.int64)).max(initial=0)))
    return worst


@pytest.fixture(scope="session")
def lsb_diff():
    return _lsb_diff


# qnn ops that compute (layout ops qnn.transpose / qnn.reshape and constants excluded).
COMPUTE_OPS = {
    "qnn.conv2d",
    "qnn.dense",
    "qnn.add",
    "qnn.avg_pool2d",
    "qnn.max_pool2d",
    "qnn.softmax",
    "qnn.concat",
    "qnn.pad",
    "qnn.quantize",
    "qnn.dequantize",
    "qnn.requantize",
}




# --------------------------------------------------------------------------------------
# The `slow` marker: a stated, deterministic subset in the default run
# --------------------------------------------------------------------------------------

SLOW_ENV = "TINYMLIR_SLOW"
_SLOW_DESELECTED = pytest.StashKey[int]()


def _slow_cases_wanted(config) -> bool:
    """All cases run with TINYMLIR_SLOW=1 (``make test-all``) or an explicit ``-m`` filter."""
    return os.environ.get(SLOW_ENV, "") not in ("", "0") or bool(config.getoption("markexpr"))


@pytest.hookimpl(trylast=True)  # after -k/-m filtering: count only cases that would have run
def pytest_collection_modifyitems(config, items):
    if _slow_cases_wanted(config):
        return
    slow = [item for item in items if item.get_closest_marker("slow") is not None]
    if slow:
        items[:] = [item for item in items if item.get_closest_marker("slow") is None]
        config.hook.pytest_deselected(items=slow)
    config.stash[_SLOW_DESELECTED] = len(slow)
    if hasattr(config, "workeroutput"):  # a pytest-xdist worker: tell the controller
        config.workeroutput["slow_deselected"] = len(slow)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """pytest-xdist's controller collects nothing itself: every worker collects the whole
    suite, so any worker's count is the run's."""
    count = getattr(node, "workeroutput", {}).get("slow_deselected")
    if count is not None:
        node.config.stash[_SLOW_DESELECTED] = count


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    count = config.stash.get(_SLOW_DESELECTED, 0)
    if count:
        terminalreporter.write_line(
            f"tinymlir: {count} slow cases deselected (marker `slow`); run them with "
            f"`make test-all` or {SLOW_ENV}=1"
        )
