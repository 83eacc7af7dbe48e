"""Mutation fuzzing of tinymlir's ONNX importer: seeds, the oracle, minimisation and the
campaign (the library of `tinymlir-fuzz`, tools/tinymlir_fuzz.py, which parses arguments and
prints the statistics). The mutators are tinymlir.fuzz_mutators and tinymlir.fuzz_proto_mutators.

Every input is a mutant of one seed model: the four shared MLPerf Tiny models
(``../shared/models/*.onnx``) and the small graphs of ``test/python/onnx_graphs.py``
(``VALID_GRAPHS``, saved in ``test/frontend/onnx/Inputs``). Strategies:

* ``bitflip``  -- flip 1..16 random bits of the serialized file;
* ``bytes``    -- byte-level corruption: overwrite, insert, delete, duplicate or zero
                  chunks, write "interesting" bytes (0x00, 0x7f, 0x80, 0xff, varint
                  continuation bytes);
* ``truncate`` -- cut the file at a random offset;
* ``proto``    -- 1..4 protobuf-level mutations of the parsed model: wrong tensor
                  dtypes, inconsistent / zero / negative / huge (2**40) dimensions,
                  missing, renamed and duplicated initializers, dangling inputs,
                  duplicated outputs, cycles, removed / added / retyped attributes,
                  scales of 0 / negative / NaN / inf, zero points out of range, per-axis
                  parameters of the wrong length, empty or multi-line names, unknown
                  domains, opset and IR-version changes, ...

The oracle (``check``): ``import_model(data)`` (tinymlir.compiler) must return a module that verifies and
prints, or raise ``OnnxImportError`` with a non-empty one-line message, within
``timeout`` seconds (an in-process ``SIGALRM`` guard). Anything else is a crash: it is
saved under the campaign's ``crash_dir`` with a ``.txt`` holding its traceback, and the tool exits 1.
Each input is reproducible from ``(--seed, iteration)`` alone.

``--replay FILE...`` checks saved files instead; ``--minimize`` shrinks the first
reproducer of each distinct crash (structurally for parseable models, by bytes
otherwise) and saves it next to the others as ``<signature>.min.onnx``.

"""

from __future__ import annotations

import contextlib
import random
import re
import signal
import sys
import time
import traceback
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import onnx

from tinymlir.errors import TinymlirError
from tinymlir.fuzz_mutators import STRATEGIES, WEIGHTS, Seed, make_input
from tinymlir.paths import MLPERF_MODELS, REPO_ROOT, SHARED_MODELS_DIR

INPUTS_DIR = REPO_ROOT / "test" / "frontend" / "onnx" / "Inputs"
TEST_DIR = REPO_ROOT / "test" / "python"
SHARED_MODEL_NAMES = MLPERF_MODELS
#: The fuzzer's own files: a crash site is never in them.
FUZZER_FILES = ("tinymlir/fuzz.py", "tinymlir/fuzz_mutators.py", "tinymlir/fuzz_proto_mutators.py", "tinymlir_fuzz.py")


def valid_graph_names() -> list[str]:
    """Names of onnx_graphs.VALID_GRAPHS (their saved files are the seeds)."""
    if str(TEST_DIR) not in sys.path:
        sys.path.insert(0, str(TEST_DIR))
    try:
        import onnx_graphs  # noqa: PLC0415

        return sorted(onnx_graphs.VALID_GRAPHS)
    except Exception:  # noqa: BLE001 - fall back to the saved files' names
        return sorted(p.stem for p in INPUTS_DIR.glob("q*_*.onnx"))


def load_seeds(include_models: bool = True, include_graphs: bool = True) -> list[Seed]:
    seeds: list[Seed] = []
    if include_models:
        for name in SHARED_MODEL_NAMES:
            path = SHARED_MODELS_DIR / f"{name}.onnx"
            if path.is_file():
                data = path.read_bytes()
                seeds.append(Seed(name, data, onnx.load_from_string(data), weight=3))
    if include_graphs:
        for name in valid_graph_names():
            path = INPUTS_DIR / f"{name}.onnx"
            if path.is_file():
                data = path.read_bytes()
                seeds.append(Seed(name, data, onnx.load_from_string(data)))
    if not seeds:
        raise TinymlirError("no seed models found")
    return seeds


class InputTimeout(BaseException):
    """Raised by the SIGALRM guard (a BaseException, so `except Exception` cannot eat it)."""


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    if seconds <= 0 or not hasattr(signal, "setitimer"):
        yield
        return

    def on_alarm(signum, frame):
        raise InputTimeout(f"no answer within {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass
class Outcome:
    kind: str  # "accepted" | "refused" | "crash"
    detail: str  # the error message, or the crash's description
    signature: str = ""  # crashes: a key that groups the same bug
    trace: str = ""  # crashes: the traceback

    @property
    def ok(self) -> bool:
        return self.kind != "crash"


def _crash_site(exc: BaseException) -> str:
    """file:line (function) of the innermost frame in tinymlir's own code, else the last one."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if str(REPO_ROOT) in f.filename and not f.filename.endswith(FUZZER_FILES)]
    frame = (ours or frames or [None])[-1]
    if frame is None:
        return "?"
    try:
        filename = str(Path(frame.filename).resolve().relative_to(REPO_ROOT))
    except ValueError:
        filename = Path(frame.filename).name
    return f"{filename}:{frame.lineno} ({frame.name})"


def is_one_line(message: str) -> bool:
    """Non-empty, and one line by every line-break rule Python knows (\\n, \\r, \\x0b, \\x1c,
    \\x85, \\u2028, ...)."""
    return bool(message.strip()) and len(message.splitlines()) == 1


def check(data: bytes, timeout: float = 10.0, print_ir: bool = True) -> Outcome:
    """Runs the importer on `data` and classifies the answer."""
    from xdsl.utils.exceptions import VerifyException

    from tinymlir.compiler import import_model
    from tinymlir.errors import OnnxImportError

    stage = "import"
    try:
        with time_limit(timeout), warnings.catch_warnings():
            # A warning would be an extra stderr line from tinymlir-opt: the oracle fails it.
            warnings.simplefilter("error")
            module = import_model(data, name="fuzz")
            stage = "verify"
            module.verify()
            if print_ir:
                stage = "print"
                str(module)
    except InputTimeout as exc:
        return Outcome("crash", f"timeout during {stage}: {exc}", f"Timeout during {stage}", "")
    except OnnxImportError as exc:
        message = str(exc)
        if is_one_line(message):
            return Outcome("refused", message)
        return Outcome(
            "crash",
            f"OnnxImportError with a {'multi-line' if message.strip() else 'empty'} message: "
            f"{message[:300]!r}",
            f"MultiLineMessage at {_crash_site(exc)}",
            traceback.format_exc(),
        )
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # noqa: BLE001 - every other exception is a crash
        what = "module does not verify" if stage == "verify" and isinstance(exc, VerifyException) else stage
        return Outcome(
            "crash",
            f"{type(exc).__name__} during {what}: {' '.join(str(exc).split())[:300]}",
            f"{type(exc).__name__} during {stage} at {_crash_site(exc)}",
            traceback.format_exc(),
        )
    return Outcome("accepted", "")


def _same_crash(data: bytes, signature: str, timeout: float) -> bool:
    outcome = check(data, timeout)
    return outcome.kind == "crash" and outcome.signature == signature


def minimize(
    data: bytes,
    signature: str,
    timeout: float = 10.0,
    budget: int = 3000,
    keep: Callable[[bytes], bool] | None = None,
) -> bytes:
    """A smaller input with the same crash signature (greedy, structural when it parses).
    `keep`, if given, replaces the crash test: a candidate is kept when keep(candidate)."""
    checks = 0

    def same(candidate: bytes) -> bool:
        nonlocal checks
        checks += 1
        if keep is not None:
            return keep(candidate)
        return _same_crash(candidate, signature, timeout)

    try:
        model = onnx.load_from_string(data)
        parsed = model.SerializeToString() == data or same(model.SerializeToString())
    except Exception:  # noqa: BLE001
        parsed = False
    if parsed:
        best = onnx.ModelProto()
        best.CopyFrom(model)
        for field_name in ("doc_string", "producer_name", "producer_version", "domain", "metadata_props"):
            trial = onnx.ModelProto()
            trial.CopyFrom(best)
            trial.ClearField(field_name)
            if same(trial.SerializeToString()):
                best = trial
        progress = True
        while progress and checks < budget:
            progress = False
            for repeated in ("node", "initializer", "output", "input", "value_info"):
                i = len(getattr(best.graph, repeated)) - 1
                while i >= 0 and checks < budget:
                    trial = onnx.ModelProto()
                    trial.CopyFrom(best)
                    del getattr(trial.graph, repeated)[i]
                    if same(trial.SerializeToString()):
                        best, progress = trial, True
                    i -= 1
            for ni in range(len(best.graph.node)):
                ai = len(best.graph.node[ni].attribute) - 1
                while ai >= 0 and checks < budget:
                    trial = onnx.ModelProto()
                    trial.CopyFrom(best)
                    del trial.graph.node[ni].attribute[ai]
                    if same(trial.SerializeToString()):
                        best, progress = trial, True
                    ai -= 1
            for ni in range(len(best.graph.node)):  # drop names and doc strings
                for attr in ("name", "doc_string"):
                    if getattr(best.graph.node[ni], attr) and checks < budget:
                        trial = onnx.ModelProto()
                        trial.CopyFrom(best)
                        trial.graph.node[ni].ClearField(attr)
                        if same(trial.SerializeToString()):
                            best, progress = trial, True
        return best.SerializeToString()
    # Bytes: cut the tail, then delete chunks (ddmin-like), while the crash stays.
    best = data
    chunk = max(1, len(best) // 2)
    while chunk >= 1 and checks < budget:
        i, changed = 0, False
        while i < len(best) and checks < budget:
            trial = best[:i] + best[i + chunk :]
            if trial and same(trial):
                best, changed = trial, True
            else:
                i += chunk
        if not changed:
            chunk //= 2
    return best


@dataclass
class Stats:
    tried: Counter = field(default_factory=Counter)
    accepted: Counter = field(default_factory=Counter)
    refused: Counter = field(default_factory=Counter)
    crashes: Counter = field(default_factory=Counter)
    signatures: dict[str, list[str]] = field(default_factory=dict)  # signature -> reproducer paths
    signature_counts: Counter = field(default_factory=Counter)
    messages: Counter = field(default_factory=Counter)  # refusal message shapes
    slowest: tuple[float, str] = (0.0, "")

    def add(self, strategy: str, outcome: Outcome) -> None:
        self.tried[strategy] += 1
        getattr(self, {"accepted": "accepted", "refused": "refused", "crash": "crashes"}[outcome.kind])[strategy] += 1
        if outcome.kind == "refused":
            self.messages[_message_shape(outcome.detail)] += 1


def _message_shape(message: str) -> str:
    """'node 'conv1' (Conv): ...' -> '(Conv): ...' with names and numbers blanked."""
    text = re.sub(r"'[^']*'", "'_'", message)
    text = re.sub(r"-?\d+(\.\d+)?(e[-+]?\d+)?", "N", text)
    text = re.sub(r"\[[^\]]*\]", "[..]", text)
    return text[:90]


def crash_slug(signature: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", signature).strip("_")[:80]


def set_memory_limit(gib: float) -> None:
    """Caps the address space, so a huge allocation is a MemoryError and not a swapping machine."""
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = int(gib * 2**30)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, ValueError, OSError):
        pass


def run_campaign(
    iterations: int,
    seed: int,
    strategies: tuple[str, ...] = STRATEGIES,
    time_limit_s: float | None = None,
    timeout: float = 10.0,
    crash_dir: Path | None = None,
    seeds: list[Seed] | None = None,
    verbose: bool = False,
    progress_every: int = 0,
    out=sys.stdout,
) -> Stats:
    seeds = seeds if seeds is not None else load_seeds()
    stats = Stats()
    start = time.monotonic()
    weights = [WEIGHTS[s] for s in strategies]
    for i in range(iterations):
        if time_limit_s is not None and time.monotonic() - start > time_limit_s:
            print(f"time limit reached after {i} inputs", file=out)
            break
        rng = random.Random(f"{seed}:{i}")
        strategy = rng.choices(strategies, weights)[0]
        try:
            base, data, desc = make_input(seeds, strategy, rng)
        except Exception as exc:  # noqa: BLE001 - a mutator bug, not an importer bug
            stats.tried["mutator-error"] += 1
            if verbose:
                print(f"[{i}] mutator error: {exc!r}", file=out)
            continue
        t0 = time.monotonic()
        outcome = check(data, timeout)
        elapsed = time.monotonic() - t0
        if elapsed > stats.slowest[0]:
            stats.slowest = (elapsed, f"[{i}] {strategy} {base.name}: {desc[:100]}")
        stats.add(strategy, outcome)
        if verbose:
            print(f"[{i}] {strategy} {base.name}: {desc[:120]} => {outcome.kind}: {outcome.detail[:120]}", file=out)
        if outcome.kind == "crash":
            stats.signature_counts[outcome.signature] += 1
            paths = stats.signatures.setdefault(outcome.signature, [])
            if crash_dir is not None and len(paths) < 3:
                crash_dir.mkdir(parents=True, exist_ok=True)
                path = crash_dir / f"{strategy}-s{seed}-i{i}-{base.name}.onnx"
                path.write_bytes(data)
                path.with_suffix(".txt").write_text(
                    f"seed {seed} iteration {i} strategy {strategy} base {base.name}\n"
                    f"mutation: {desc}\n{outcome.detail}\nsignature: {outcome.signature}\n\n{outcome.trace}"
                )
                paths.append(str(path))
            elif crash_dir is None and len(paths) < 3:
                paths.append(f"(seed {seed} iteration {i}: {strategy} {base.name}: {desc[:80]})")
            if len(paths) == 1 or verbose:
                print(f"CRASH [{i}] {strategy} {base.name}: {outcome.detail[:200]}", file=out)
        if progress_every and (i + 1) % progress_every == 0:
            total = sum(v for k, v in stats.tried.items() if k != "mutator-error")
            print(
                f"... {i + 1} inputs, {sum(stats.crashes.values())} crashes "
                f"({len(stats.signatures)} distinct), {time.monotonic() - start:.0f} s",
                file=out, flush=True,
            )
            del total
    return stats

