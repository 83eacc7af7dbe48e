"""A/B of the command-line compile time: this checkout against an earlier commit, runs
interleaved so that both see the same machine load.

    python bench/ab_compile_time.py BASE_COMMIT [MODEL ...] [--runs N]

Extracts BASE_COMMIT (`git archive`) into a temporary folder, links its `dialects/`,
`passes/` and `tools/` where the package expects them (pyproject's package-dir), and runs
`tinymlir-opt --pipeline=mcu MODEL -o DIR/` from it with this interpreter (PYTHONPATH puts the
extracted tree before the editable install), alternating with this checkout, `--runs` times
each (default 3), plus the floor `python -c 'import onnx'`. Prints median wall and CPU (user
+ sys, children included) per model and side, and whether the outputs are byte-identical.
Both sides compile cold (TINYMLIR_NO_CACHE=1). MODEL: names under /work/shared/models or
paths; default the four MLPerf Tiny models. `--driver-args='--patch-max-extra-macs off'`
passes more arguments to tinymlir-opt on both sides (both must accept them).

On a machine whose cores are all busy, wall time equals CPU time and work overlapped with
another process (the flash-size compile, forked verification) gains nothing: read the load
average printed with the results.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED_MODELS = Path("/work/shared/models")
MLPERF = ("ic_resnet8", "kws_dscnn", "vww_mobilenet", "ad_toycar")
DRIVER = 'import sys; sys.argv[0] = "tinymlir-opt"; from tinymlir.tools.tinymlir_opt import main; main()'


def extract(commit: str, into: Path) -> None:
    archive = subprocess.run(["git", "-C", str(REPO), "archive", commit], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    for name in ("dialects", "passes", "tools"):
        (into / "tinymlir" / name).symlink_to(Path("..") / name)


def timed(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU seconds of `command`, run in `cwd` (not a checkout: `python -c` puts the
    working directory first on sys.path)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=cwd
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"ab_compile_time: {' '.join(command[3:])} failed")
    return wall, usage.ru_utime + usage.ru_stime


def same_outputs(a: Path, b: Path) -> bool:
    files = sorted(p.name for p in a.iterdir())
    if files != sorted(p.name for p in b.iterdir()):
        return False
    match, mismatch, errors = filecmp.cmpfiles(a, b, files, shallow=False)
    return not mismatch and not errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base", help="the commit to compare against")
    parser.add_argument("models", nargs="*", default=list(MLPERF))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--driver-args", default="", help="more tinymlir-opt arguments, both sides")
    args = parser.parse_args()
    models = [Path(m) if m.endswith(".onnx") else SHARED_MODELS / f"{m}.onnx" for m in args.models]
    env = {k: v for k, v in os.environ.items() if k != "TINYMLIR_VERIFY_EACH"}
    env["TINYMLIR_NO_CACHE"] = "1"
    with tempfile.TemporaryDirectory(prefix="tinymlir-ab-") as tmp:
        work = Path(tmp)
        (work / "base").mkdir()
        extract(args.base, work / "base")
        sides = {"base": {**env, "PYTHONPATH": str(work / "base")}, "this": env}
        times: dict[tuple[str, str], list[tuple[float, float]]] = {}
        floor: list[tuple[float, float]] = []
        load = os.getloadavg()[0]
        extra = args.driver_args.split()
        for _ in range(args.runs):
            floor.append(timed([sys.executable, "-c", "import onnx"], env, work))
            for model in models:
                for side, side_env in sides.items():
                    out = work / side / "out" / model.stem
                    command = [sys.executable, "-c", DRIVER, "--pipeline=mcu", str(model), "-o", f"{out}/", *extra]
                    times.setdefault((side, model.stem), []).append(timed(command, side_env, work))
        floor_median = statistics.median(w for w, _ in floor)
        floor_cpu = statistics.median(c for _, c in floor)
        print(
            f"load average {load:.2f} before, {os.getloadavg()[0]:.2f} after; floor {floor_median:.2f} s "
            f"wall, {floor_cpu:.2f} s CPU"
        )
        for model in models:
            for side in sides:
                runs = times[(side, model.stem)]
                wall = statistics.median(w for w, _ in runs)
                cpu = statistics.median(c for _, c in runs)
                print(
                    f"{model.stem:16s} {side:4s} wall {wall:.2f} s ({wall - floor_median:+.2f} over "
                    f"the floor), CPU {cpu:.2f} s ({cpu - floor_cpu:+.2f} over the floor)"
                )
            same = same_outputs(work / "base" / "out" / model.stem, work / "this" / "out" / model.stem)
            print(f"{model.stem:16s} outputs {'byte-identical' if same else 'DIFFER'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
