"""`tinymlir-fuzz`: mutation fuzzer for tinymlir's ONNX importer.

    python tools/tinymlir_fuzz.py --iterations 20000 --seed 1 [--time-limit SEC]

Argument parsing and the statistics; the seeds, the mutation strategies, the oracle and the
campaign are tinymlir.fuzz (and its mutators tinymlir.fuzz_mutators), whose docstring
describes them. A crash is saved under ``--crash-dir`` with a ``.txt`` holding its
traceback, and the run exits 1. ``--replay FILE...`` checks saved files instead;
``--minimize`` shrinks the first reproducer of each distinct crash and saves it next to the
others as ``<signature>.min.onnx``.
"""


from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from tinymlir.errors import TinymlirError
from tinymlir.fuzz import (
    Stats,
    check,
    crash_slug,
    load_seeds,
    minimize,
    run_campaign,
    set_memory_limit,
)
from tinymlir.fuzz_mutators import STRATEGIES
from tinymlir.paths import REPO_ROOT


def print_stats(stats: Stats, out=sys.stdout, elapsed: float | None = None) -> None:
    rows = [s for s in (*STRATEGIES,) if stats.tried[s]]
    print("\n== tinymlir-fuzz statistics ==", file=out)
    print(f"{'strategy':<10} {'tried':>8} {'accepted':>9} {'refused':>8} {'crashes':>8}", file=out)
    for s in rows:
        print(f"{s:<10} {stats.tried[s]:>8} {stats.accepted[s]:>9} {stats.refused[s]:>8} {stats.crashes[s]:>8}", file=out)
    total = {k: sum(getattr(stats, k)[s] for s in rows) for k in ("tried", "accepted", "refused", "crashes")}
    print(f"{'total':<10} {total['tried']:>8} {total['accepted']:>9} {total['refused']:>8} {total['crashes']:>8}", file=out)
    if stats.tried["mutator-error"]:
        print(f"(mutator errors, skipped: {stats.tried['mutator-error']})", file=out)
    if elapsed is not None:
        print(f"elapsed {elapsed:.1f} s; slowest input {stats.slowest[0]:.2f} s {stats.slowest[1]}", file=out)
    print("most common refusals:", file=out)
    for shape, n in stats.messages.most_common(12):
        print(f"  {n:>6}  {shape}", file=out)
    if stats.signatures:
        print(f"{len(stats.signatures)} distinct crashes:", file=out)
        for sig, paths in sorted(stats.signatures.items(), key=lambda kv: -stats.signature_counts[kv[0]]):
            print(f"  {stats.signature_counts[sig]:>5}x {sig}", file=out)
            for p in paths[:3]:
                print(f"         {p}", file=out)
    else:
        print("no crashes", file=out)



def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--iterations", type=int, default=1000, help="number of inputs (default 1000)")
    parser.add_argument("--seed", type=int, default=0, help="campaign seed (default 0)")
    parser.add_argument("--time-limit", type=float, default=None, metavar="SEC", help="stop after SEC seconds")
    parser.add_argument("--timeout", type=float, default=10.0, metavar="SEC", help="per-input time limit (default 10)")
    parser.add_argument("--strategies", default=",".join(STRATEGIES), help=f"comma-separated subset of {','.join(STRATEGIES)}")
    parser.add_argument("--only-models", action="store_true", help="mutate the four shared models only")
    parser.add_argument("--only-graphs", action="store_true", help="mutate the small test graphs only")
    parser.add_argument("--crash-dir", type=Path, default=REPO_ROOT / "out" / "fuzz-crashes", help="where reproducers go")
    parser.add_argument("--memory-limit", type=float, default=8.0, metavar="GIB", help="address-space cap (default 8 GiB)")
    parser.add_argument("--minimize", action="store_true", help="minimise the first reproducer of each crash")
    parser.add_argument("--progress", type=int, default=1000, metavar="N", help="progress line every N inputs (0: none)")
    parser.add_argument("-v", "--verbose", action="store_true", help="one line per input")
    parser.add_argument("--replay", nargs="+", type=Path, metavar="FILE", help="check these files and exit")
    args = parser.parse_args(argv)

    set_memory_limit(args.memory_limit)
    if args.replay:
        bad = 0
        for path in args.replay:
            outcome = check(path.read_bytes(), args.timeout)
            print(f"{path}: {outcome.kind}: {outcome.detail}")
            if outcome.kind == "crash":
                bad += 1
                if args.verbose:
                    print(outcome.trace)
                if args.minimize:
                    small = minimize(path.read_bytes(), outcome.signature, args.timeout)
                    out_path = path.with_suffix(".min.onnx")
                    out_path.write_bytes(small)
                    print(f"  minimised {len(path.read_bytes())} -> {len(small)} bytes: {out_path}")
        return 1 if bad else 0

    strategies = tuple(s for s in args.strategies.split(",") if s)
    unknown = [s for s in strategies if s not in STRATEGIES]
    if unknown:
        parser.error(f"unknown strategies {unknown}; choose from {', '.join(STRATEGIES)}")
    try:
        seeds = load_seeds(include_models=not args.only_graphs, include_graphs=not args.only_models)
    except TinymlirError as exc:
        print(f"tinymlir-fuzz: error: {exc}", file=sys.stderr)
        return 2
    print(f"tinymlir-fuzz: seed {args.seed}, {args.iterations} inputs, strategies {','.join(strategies)}, "
          f"{len(seeds)} seed models, per-input timeout {args.timeout:g} s", flush=True)
    start = time.monotonic()
    stats = run_campaign(
        args.iterations, args.seed, strategies, args.time_limit, args.timeout, args.crash_dir, seeds,
        args.verbose, args.progress,
    )
    elapsed = time.monotonic() - start
    if args.minimize:
        for sig, paths in stats.signatures.items():
            first = Path(paths[0])
            if first.is_file():
                small = minimize(first.read_bytes(), sig, args.timeout)
                out_path = args.crash_dir / f"{crash_slug(sig)}.min.onnx"
                out_path.write_bytes(small)
                paths.insert(0, f"{out_path} (minimised, {len(small)} bytes)")
    print_stats(stats, elapsed=elapsed)
    return 1 if stats.signatures else 0



if __name__ == "__main__":
    sys.exit(main())

