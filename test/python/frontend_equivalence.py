"""Checks that the ONNX frontend package imports exactly like a reference copy of the importer.

Not a pytest module (run it as a script): it imports every ONNX file under test/ and
/work/shared/models, then mutants of them made by the fuzzer's mutators
(tinymlir.fuzz_mutators), with the reference importer (a copy of the old single-file
tinymlir/frontend/onnx.py, loaded from --reference) and with tinymlir.frontend.onnx, and
compares the printed IR, or the exception type and message, exactly.

    git show <old-commit>:tinymlir/frontend/onnx.py > /tmp/old_onnx.py
    .venv/bin/python test/python/frontend_equivalence.py --reference /tmp/old_onnx.py --mutants 5000

Exit status 1 when any input differs (each difference is printed with how to remake it).
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import signal
import sys
import time
import warnings
from collections import Counter
from pathlib import Path

import numpy as np
import onnx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tinymlir.fuzz_mutators import STRATEGIES, WEIGHTS, Seed, make_input  # noqa: E402

SHARED_MODELS = Path("/work/shared/models")


class Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise Timeout


def load_reference(path: Path):
    spec = importlib.util.spec_from_file_location("tinymlir_reference_onnx_frontend", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def outcome(frontend, data: bytes, name: str, numerics: str | None, timeout: float):
    """What importing `data` gives: ("ok", printed IR + numerics report) or ("error", ...)."""
    reports = []
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            module = frontend.import_onnx(data, name, numerics, lambda mode, why: reports.append((str(mode), why)))
            text = str(module)
        return ("ok", text, tuple(reports))
    except Timeout:
        return ("timeout",)
    except RecursionError:
        return ("error", "RecursionError")
    except Exception as exc:  # noqa: BLE001 - every outcome is compared, crashes included
        return ("error", type(exc).__name__, str(exc))
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def onnx_files() -> list[Path]:
    files = sorted((ROOT / "test").rglob("*.onnx"))
    if SHARED_MODELS.is_dir():
        files += sorted(SHARED_MODELS.glob("*.onnx"))
    return files


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", type=Path, required=True, help="the old onnx.py")
    parser.add_argument("--mutants", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds per import")
    parser.add_argument("--max-seed-bytes", type=int, default=10**6,
                        help="mutate only files up to this size")
    parser.add_argument("--fuzzer-seeds", action="store_true",
                        help="mutate the fuzzer's seeds (valid graphs and the shared models) only, "
                        "not every file")
    args = parser.parse_args()
    signal.signal(signal.SIGALRM, _alarm)

    import tinymlir.frontend.onnx as new

    old = load_reference(args.reference)
    assert new.SUPPORTED_OPS == old.SUPPORTED_OPS, (new.SUPPORTED_OPS, old.SUPPORTED_OPS)
    counts: Counter[str] = Counter()
    differences = 0

    def compare(label: str, data: bytes, name: str, numerics: str | None) -> None:
        nonlocal differences
        a = outcome(old, data, name, numerics, args.timeout)
        b = outcome(new, data, name, numerics, args.timeout)
        kind = a[0] if a == b else "DIFFERENT"
        counts[kind] += 1
        if a != b:
            differences += 1
            print(f"DIFFERENT {label} (numerics {numerics}):\n  old: {str(a)[:400]}\n  new: {str(b)[:400]}")

    seeds = []
    start = time.monotonic()
    files = onnx_files()
    for path in files:
        data = path.read_bytes()
        for numerics in (None, "tflm", "onnx"):
            compare(str(path), data, path.stem, numerics)
        try:
            model = onnx.load_from_string(data)
        except Exception:  # noqa: BLE001 - corrupt files are inputs, not seeds
            continue
        if len(data) <= args.max_seed_bytes:
            seeds.append(Seed(path.stem, data, model, 3 if path.parent == SHARED_MODELS else 1))
    files_counts = dict(counts)
    print(f"{len(files)} files x 3 numerics modes: {files_counts} ({time.monotonic() - start:.0f} s)")

    if args.fuzzer_seeds:  # tools/tinymlir_fuzz.py's own seeds
        spec = importlib.util.spec_from_file_location("tinymlir_fuzz_tool", ROOT / "tools" / "tinymlir_fuzz.py")
        fuzz_tool = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = fuzz_tool
        spec.loader.exec_module(fuzz_tool)
        seeds = fuzz_tool.load_seeds()
    rng = random.Random(args.seed)
    strategies = list(STRATEGIES)
    weights = [WEIGHTS[s] for s in strategies]
    by_strategy: Counter[str] = Counter()
    mutator_failures: Counter[str] = Counter()
    start = time.monotonic()
    for i in range(args.mutants):
        strategy = rng.choices(strategies, weights)[0]
        try:
            base, data, desc = make_input(seeds, strategy, rng)
        except Exception as exc:  # noqa: BLE001 - a mutator that trips over a malformed seed
            mutator_failures[f"{type(exc).__name__}: {exc}"] += 1
            continue
        by_strategy[strategy] += 1
        compare(f"mutant {i} (--seed {args.seed}; {strategy} of {base.name}: {desc[:200]})", data, "mutant", None)
        if (i + 1) % 500 == 0:
            print(f"  {i + 1} mutants: {dict(counts - Counter(files_counts))} ({time.monotonic() - start:.0f} s)",
                  flush=True)
    mutant_counts = dict(counts - Counter(files_counts))
    print(f"{sum(by_strategy.values())} mutants {dict(by_strategy)}: {mutant_counts} ({time.monotonic() - start:.0f} s)")
    if mutator_failures:
        print(f"mutators failed (no input made) {sum(mutator_failures.values())} times: {dict(mutator_failures)}")
    print(f"total {sum(counts.values())} imports compared, {differences} different")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
