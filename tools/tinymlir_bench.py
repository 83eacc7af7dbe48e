"""`tinymlir-bench`: compile time, RAM, flash and Cortex-M4 speed of the mcu pipeline per model.

    tinymlir-bench [--models A.onnx ...] [--quick] [--out DIR] [--measure-tflm]
                   [--compile-runs N] [--keep DIR]
    tinymlir-bench --compile-time [--models A.onnx ...] [--quick] [--compile-runs N]

For each model (default: the four MLPerf Tiny models in ``<repo>/../shared/models``;
``--quick``: kws_dscnn only, for CI) it measures

* the wall-clock time of the in-process ``--pipeline=mcu`` compile (ONNX import, the mcu
  pass pipeline, writing ``<name>.c`` / ``<name>.h``): best of 3 (1 with --quick);
* the planned arena and the planner's lower bound, next to TFLM's arena for the same model
  (``measurements.json`` / ``README.md`` of the model's folder, or measured by bisection with
  the tflite-micro package under ``--measure-tflm``);
* flash: ``.text + .rodata + .data`` of the library built with ``arm-none-eabi-gcc -Os
  -mcpu=cortex-m4 -mthumb``, next to the model's weight + bias bytes (target: at most 12 KiB
  over them);
* Cortex-M4 instructions per inference under QEMU (row 0 of ``<model>.io.npz``) at -Os and
  -O2, run twice to check the count repeats; the output must equal ``tflm_outputs`` row 0 bit
  for bit (the bench fails otherwise); MAC/instruction; host callgrind Ir;
* the CMSIS-NN and TFLM-reference-kernel anchors of ``anchors-cortex-m4.md`` and the ratios;
* TFLM itself (tflite-micro package, ``<model>.tflite`` beside the .onnx) on every input row
  of the .npz: its outputs against the .npz and against ours.

With ``--compile-time`` it measures only what a user waits for at the command line:
``tinymlir-opt --pipeline=mcu MODEL -o DIR/`` in its own process, 3 runs a model (median),
beside the floor ``python -c 'import onnx'``, with the driver's per-phase breakdown, for the
models and a generated ~1 M-parameter MobileNet (bench/models/make_mobilenet_1m.py), and
writes ``compile-time.md`` / ``compile-time.json`` (tinymlir.bench.compile_time).

Writes ``latest.md`` and ``latest.json`` into ``--out`` (default ``<repo>/bench/results``) and
prints the Markdown to stdout (progress goes to stderr). Exit status 0 when every measurement
was made and every checked output is bit-exact, 1 otherwise (one ``tinymlir-bench: error:``
line per problem).
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from tinymlir.errors import TinymlirError

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_MODELS_DIR = REPO_ROOT.parent / "shared" / "models"
DEFAULT_MODELS = ("ic_resnet8", "kws_dscnn", "vww_mobilenet", "ad_toycar")
QUICK_MODEL = "kws_dscnn"
FLASH_TARGET_BYTES = 12 * 1024  # issue 4: generated code may add at most 12 KiB to weights + biases
TFLM_PROBE_ARENA = 8 << 20  # arena for TFLM's output runs and the top of the bisection

#: Instructions per inference (input row 0) of the peers' kernels on the same emulated
#: Cortex-M4 (QEMU 7.2 mps2-an386, counting plugin, markers around the inference), both built
#: -O2 with arm-none-eabi-gcc 12.2.1 and bit-exact with tflm_outputs. Source:
#: /work/shared/docs/anchors-cortex-m4.md, "Whole model" table (CMSIS-NN 99f736a6, TFLM
#: reference kernels from tflite-micro 90b983c2). ``onnx_bytes`` (from the models'
#: measurements.json) identifies the file the anchors belong to.
ANCHORS = {
    "ic_resnet8": {"cmsis_nn": 29_775_666, "tflm_ref": 105_751_908, "onnx_bytes": 121_896},
    "kws_dscnn": {"cmsis_nn": 7_573_690, "tflm_ref": 42_267_346, "onnx_bytes": 86_343},
    "vww_mobilenet": {"cmsis_nn": 23_766_897, "tflm_ref": 99_529_550, "onnx_bytes": 389_891},
    "ad_toycar": {"cmsis_nn": 580_017, "tflm_ref": 1_951_088, "onnx_bytes": 289_341},
}
ANCHORS_SOURCE = "../shared/docs/anchors-cortex-m4.md (CMSIS-NN and TFLM-ref kernels, -O2)"
ANCHOR_OPT = "-O2"  # our build compared with the anchors: the same optimisation level
OPTS = ("-Os", "-O2")
PROFILE_OPT = "-O2"  # the per-layer profile and the cycle estimate: the build compared with the anchors

# The TFLM child process: runs a .tflite on every row of an .npy with tflite-micro and saves
# the outputs (a segfault in TFLM, e.g. with a tiny arena, only ends the child).
TFLM_WORKER = r"""
import sys
import numpy as np
from tflite_micro.python.tflite_micro import runtime
path, arena, inputs, outputs = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
interpreter = runtime.Interpreter.from_file(path, arena_size=arena)
results = []
for row in np.load(inputs):
    interpreter.set_input(row, 0)
    interpreter.invoke()
    results.append(np.array(interpreter.get_output(0)))
np.save(outputs, np.stack(results))
"""


class BenchToolError(TinymlirError):
    """A problem the bench reports in one line."""


def shown(path: Path) -> str:
    """``path`` relative to the checkout when that is shorter (stable across machines)."""
    try:
        relative = os.path.relpath(path, REPO_ROOT)
    except ValueError:
        return str(path)
    return relative if len(relative) < len(str(path)) else str(path)


def log(message: str) -> None:
    print(f"tinymlir-bench: {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------
# Reference figures of the shared models (README.md / measurements.json beside the model)
# --------------------------------------------------------------------------------------


def _number(text: str) -> int:
    return int(text.replace(",", ""))


def reference_figures(model: Path, name: str) -> dict:
    """TFLM arena, MACs and weight/bias counts of ``name`` from ``measurements.json`` and
    ``README.md`` in the model's folder (or else ../shared/models), when they describe this
    very file (same ONNX size). Missing figures are None."""
    figures = _reference_figures_in(model.parent, model, name)
    if figures["source"] is None and model.parent.resolve() != SHARED_MODELS_DIR.resolve():
        figures = _reference_figures_in(SHARED_MODELS_DIR, model, name)
    return figures


def _reference_figures_in(folder: Path, model: Path, name: str) -> dict:
    figures: dict = {
        "tflm_min_arena": None, "tflm_head": None, "tflm_tail": None, "macs": None,
        "weights": None, "biases": None, "weights_biases_bytes": None, "source": None,
    }  # fmt: skip
    measurements = folder / "measurements.json"
    entry = None
    if measurements.is_file():
        try:
            entry = json.loads(measurements.read_text()).get(name)
        except (json.JSONDecodeError, OSError, AttributeError):
            entry = None
    if entry is not None and entry.get("onnx_bytes") not in (None, model.stat().st_size):
        return figures  # another model of the same name: the figures do not apply
    sources = []
    if entry is not None:
        figures["tflm_min_arena"] = entry.get("tflm_min_arena")
        figures["macs"] = entry.get("macs")
        recording = entry.get("tflm_recording", "")
        for key in ("head", "tail"):
            match = re.search(rf"Arena allocation {key} (\d+) bytes", recording)
            if match:
                figures[f"tflm_{key}"] = int(match.group(1))
        sources.append(shown(measurements))
    readme = folder / "README.md"
    if readme.is_file():
        text = readme.read_text(errors="replace")
        n = r"([\d,]+)"
        # Models table: "| name | ... | MACs | params (W + B) |" (counts: int8 weights, int32 biases)
        params = re.search(
            rf"^\|\s*{re.escape(name)}\s*\|.*\|\s*{n}\s*\|\s*{n}\s*\(\s*{n}\s*\+\s*{n}\s*\)\s*\|\s*$",
            text, re.MULTILINE,
        )  # fmt: skip
        if params:
            figures["macs"] = figures["macs"] or _number(params.group(1))
            figures["weights"] = _number(params.group(3))
            figures["biases"] = _number(params.group(4))
            figures["weights_biases_bytes"] = figures["weights"] + 4 * figures["biases"]
        # TFLM figures table: "| name | min arena | recorded total | head | tail |"
        arena = re.search(
            rf"^\|\s*{re.escape(name)}\s*\|\s*{n}\s*\|\s*{n}\s*\|\s*{n}\s*\|\s*{n}\s*\|\s*$",
            text, re.MULTILINE,
        )  # fmt: skip
        if arena:
            figures["tflm_min_arena"] = figures["tflm_min_arena"] or _number(arena.group(1))
            figures["tflm_head"] = figures["tflm_head"] or _number(arena.group(3))
            figures["tflm_tail"] = figures["tflm_tail"] or _number(arena.group(4))
        if params or arena:
            sources.append(shown(readme))
    figures["source"] = " + ".join(sources) or None
    return figures


def anchors_for(model: Path, name: str) -> dict | None:
    anchor = ANCHORS.get(name)
    if anchor is None or model.stat().st_size != anchor["onnx_bytes"]:
        return None
    return anchor


# --------------------------------------------------------------------------------------
# Compilation
# --------------------------------------------------------------------------------------


def compile_mcu(model: Path, out_dir: Path, patch_max_extra_macs: str | None = None) -> tuple[float, Path, Path, object]:
    """What ``tinymlir-opt --pipeline=mcu MODEL -o OUT/`` does, in process and timed
    (tinymlir.compiler.compile_model): (seconds, c_file, h_file, library).
    `patch_max_extra_macs`: its --patch-max-extra-macs (None: the default)."""
    from tinymlir.compiler import compile_model

    start = time.perf_counter()
    compiled = compile_model(model, out_dir, patch_max_extra_macs=patch_max_extra_macs)
    return time.perf_counter() - start, compiled.c_file, compiled.h_file, compiled.library


def model_macs(model: Path) -> int:
    """MACs of conv, depthwise and dense layers of the imported model (tinymlir.cost)."""
    from tinymlir.compiler import import_model
    from tinymlir.cost import macs

    return sum(macs(op) for op in import_model(model).walk())


def layer_macs(model: Path) -> dict[int, int]:
    """MACs by layer (hook) index: the kernel-level ops' `layer` and their MAC counts, after
    the pipeline's qnn stage and the passes that number the layers."""
    from tinymlir.compiler import import_model
    from tinymlir.dialects import kernel as qk
    from tinymlir.pipelines import QNN, run_pipeline

    module = import_model(model)
    run_pipeline(module, f"{QNN},qnn-schedule,convert-qnn-to-kernel")
    return {op.layer.value.data: op.macs() for op in module.walk() if isinstance(op, qk.KernelOp)}


def layer_predicted(model: Path) -> dict[int, int]:
    """The register model's predicted Cortex-M4 instructions by layer (hook) index, on the
    mcu pipeline's kernel-level IR (tinymlir.bench.profile.layer_predictions)."""
    from tinymlir.bench.profile import layer_predictions
    from tinymlir.compiler import import_model
    from tinymlir.pipelines import KERNEL, QNN, run_pipeline

    module = import_model(model)
    run_pipeline(module, f"{QNN},{KERNEL}")
    return layer_predictions(module)


# --------------------------------------------------------------------------------------
# Inputs and expected outputs
# --------------------------------------------------------------------------------------


def io_data(model: Path, library) -> dict:
    """All input rows, the measured row (0) and what its output must equal."""
    port_in, port_out = library.inputs[0], library.outputs[0]
    npz = model.with_name(model.name.removesuffix(".onnx") + ".io.npz")
    if npz.is_file():
        with np.load(npz) as data:
            if "inputs" not in data.files:
                raise BenchToolError(f"{npz} has no 'inputs' array")
            inputs = np.asarray(data["inputs"])
            tflm = np.asarray(data["tflm_outputs"]) if "tflm_outputs" in data.files else None
        if inputs.dtype.kind not in "iu" or inputs[0].size != port_in.size:
            raise BenchToolError(
                f"{npz}: 'inputs' rows are {inputs.dtype} x {inputs[0].size}, the library "
                f"takes {port_in.storage} x {port_in.size}"
            )
        expected, label = (tflm[0], "tflm_outputs row 0") if tflm is not None else (None, None)
        source = f"{npz.name} row 0"
    else:
        rng = np.random.default_rng(0)
        dtype = np.uint8 if port_in.storage == "uint8" else np.int8
        info = np.iinfo(dtype)
        inputs = rng.integers(info.min, info.max + 1, (1, *port_in.shape), dtype=dtype)
        tflm, expected, label = None, None, None
        source = "random row (seed 0; no .io.npz)"
    if expected is None:
        expected = reference_output(model, inputs[0])
        label = "reference executor" if expected is not None else None
    out_dtype = np.uint8 if port_out.storage == "uint8" else np.int8
    return {
        "inputs": inputs,
        "tflm_outputs": tflm,
        "row": np.ascontiguousarray(inputs[0]).tobytes(),
        "row_source": source,
        "expected": None
        if expected is None
        else np.asarray(expected).astype(out_dtype).reshape(-1),
        "expected_label": label,
        "out_dtype": out_dtype,
    }


def reference_output(model: Path, x: np.ndarray) -> np.ndarray | None:
    """tinymlir's reference executor on an integer-interface model (None for float ones)."""
    from tinymlir.compiler import import_model
    from tinymlir.reference import run_module

    module = import_model(model)
    try:
        (y,) = run_module(module, [x])
    except Exception:  # float interface or several outputs: nothing to check against
        return None
    y = np.asarray(y)
    return y if y.dtype.kind in "iu" else None


def max_lsb(got: bytes | np.ndarray, expected: np.ndarray, dtype) -> tuple[int, int]:
    """(largest difference in LSBs, elements differing)."""
    a = (np.frombuffer(got, dtype) if isinstance(got, bytes) else np.asarray(got)).astype(np.int64)
    b = np.asarray(expected).astype(np.int64).reshape(-1)
    a = a.reshape(-1)
    if a.size != b.size:
        return -1, max(a.size, b.size)
    diff = np.abs(a - b)
    return int(diff.max(initial=0)), int((diff > 0).sum())


# --------------------------------------------------------------------------------------
# TFLM (tflite-micro package)
# --------------------------------------------------------------------------------------


def tflm_available() -> bool:
    try:
        return importlib.util.find_spec("tflite_micro") is not None
    except (ImportError, ValueError):
        return False


def tflm_run(
    tflite: Path, inputs: np.ndarray, arena: int, workdir: Path, tag: str
) -> np.ndarray | None:
    """TFLM's outputs for ``inputs`` (rows) with ``arena`` bytes, None when it fails."""
    in_file, out_file = workdir / f"tflm-{tag}-in.npy", workdir / f"tflm-{tag}-out.npy"
    np.save(in_file, inputs)
    out_file.unlink(missing_ok=True)
    try:
        proc = subprocess.run(
            [sys.executable, "-c", TFLM_WORKER, str(tflite), str(arena), str(in_file), str(out_file)],
            capture_output=True, text=True, errors="replace", timeout=600,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        return None
    (workdir / f"tflm-{tag}.log").write_text(proc.stdout + proc.stderr)
    if proc.returncode != 0 or not out_file.is_file():
        return None
    return np.load(out_file)


def tflm_min_arena(tflite: Path, row: np.ndarray, expected: np.ndarray, workdir: Path) -> int:
    """Smallest arena with which TFLM builds and runs the model and gives the same output as
    with a large arena (bisection; every probe in its own process)."""
    lo, hi = 0, TFLM_PROBE_ARENA
    while hi - lo > 1:
        mid = (lo + hi) // 2
        got = tflm_run(tflite, row[None], mid, workdir, "probe")
        if got is not None and np.array_equal(got[0].reshape(-1), expected.reshape(-1)):
            hi = mid
        else:
            lo = mid
    return hi


# --------------------------------------------------------------------------------------
# One model
# --------------------------------------------------------------------------------------


def bench_model(model: Path, args, workdir: Path) -> tuple[dict, list[str]]:
    """Every measurement of one model -> (result, problems)."""
    from tinymlir.bench.cortex_m import measure_cortex_m, run_qemu
    from tinymlir.bench.host import measure_callgrind
    from tinymlir.bench.profile import profile_cortex_m

    problems: list[str] = []
    name_hint = model.name.removesuffix(".onnx")
    lib_dir = workdir / "lib"

    log(f"{name_hint}: compiling (--pipeline=mcu, {args.compile_runs} run(s))")
    times = []
    for _ in range(args.compile_runs):
        seconds, c_file, h_file, library = compile_mcu(model, lib_dir)
        times.append(seconds)
    name = library.name
    if len(library.inputs) != 1 or len(library.outputs) != 1:
        raise BenchToolError(
            f"{model}: the bench measures models with one input and one output "
            f"(this one has {len(library.inputs)} and {len(library.outputs)})"
        )
    figures = reference_figures(model, name_hint)
    anchor = anchors_for(model, name_hint)
    io = io_data(model, library)
    macs = figures["macs"] or model_macs(model)

    result: dict = {
        "name": name,
        "model": shown(model),
        "compile": {"seconds": min(times), "runs": times},
        "input": io["row_source"],
        "expected": io["expected_label"],
        "macs": macs,
        "reference_figures": figures["source"],
    }

    # RAM
    tflm_arena = figures["tflm_min_arena"]
    arena = {
        "ours": library.arena_size,
        "lower_bound": library.arena_lower_bound,
        "tflm": tflm_arena,
        "tflm_source": "reference figures" if tflm_arena else None,
        "tflm_head": figures["tflm_head"],
        "tflm_tail": figures["tflm_tail"],
    }

    # Cortex-M4 at -Os and -O2, each run twice on the same ELF (the count must repeat)
    m4: dict = {}
    for opt in OPTS:
        log(f"{name}: Cortex-M4 {opt} under QEMU")
        build_dir = workdir / f"m4{opt}"
        r = measure_cortex_m([c_file], h_file, name, io["row"], opt, build_dir)
        again = run_qemu(build_dir / "bench.elf", build_dir, name=name)
        entry = {
            "instructions": r["instructions"],
            "repeat_instructions": again["instructions"],
            "deterministic": again["instructions"] == r["instructions"]
            and again["output"] == r["output"],
            "instructions_total": r["instructions_total"],
            "sizes": r["sizes"],
            "flash_bytes": r["flash_bytes"],
            "stack_high_water": r["stack_high_water"],
            "mac_per_instruction": macs / r["instructions"] if r["instructions"] else None,
        }
        if not entry["deterministic"]:
            problems.append(
                f"{name}: Cortex-M4 {opt} count not repeatable "
                f"({r['instructions']} then {again['instructions']})"
            )
        entry.update(_check(io, r["output"], f"Cortex-M4 {opt}", name, problems))
        m4[opt.lstrip("-")] = entry

    # Where the -O2 time goes: instructions and the cycle estimate per layer (one more run,
    # the layer hooks defined as the harness's marker; tinymlir.bench.profile)
    log(f"{name}: per-layer profile, Cortex-M4 {PROFILE_OPT} under QEMU")
    profiled = profile_cortex_m(
        c_file, h_file, name, io["row"], PROFILE_OPT, workdir / f"m4{PROFILE_OPT}-profile", layer_macs=layer_macs(model),
        layer_predicted=layer_predicted(model),
    )
    m4_profiled = m4[PROFILE_OPT.lstrip("-")]
    m4_profiled["cycles_estimate"] = profiled["cycles"]
    profile = {
        "opt": PROFILE_OPT,
        "instructions": profiled["instructions"],
        "hook_instructions": profiled["instructions"] - m4_profiled["instructions"],
        "cycles_estimate": profiled["cycles"],
        "layers": [
            {"layers": list(g.names), "label": g.label, "macs": g.macs, "instructions": g.instructions,
             "cycles_estimate": g.cycles, "predicted_instructions": g.predicted, "predicted_layers": g.modelled}
            for g in profiled["layers"]
        ],
        "tail_instructions": profiled["tail"].instructions,
    }  # fmt: skip
    profile.update(_check(io, profiled["output"], f"Cortex-M4 {PROFILE_OPT} profiled", name, problems))

    # The patch schedule against layer by layer (the same pipeline with the pass off)
    patch = {"schedule": library.patch_schedule, "arena": library.arena_size}
    extra = re.search(r"\+([\d,]+) MACs", library.patch_schedule)
    patch["extra_macs"] = int(extra.group(1).replace(",", "")) if extra else 0
    patch["O2_instructions"] = m4["O2"]["instructions"]
    log(f"{name}: layer by layer (--patch-max-extra-macs off), Cortex-M4 -O2 under QEMU")
    _, lw_c, lw_h, layerwise = compile_mcu(model, workdir / "lib-layer-by-layer", "off")
    r = measure_cortex_m([lw_c], lw_h, name, io["row"], "-O2", workdir / "m4-O2-layer-by-layer")
    patch.update(
        layer_by_layer_arena=layerwise.arena_size, layer_by_layer_bound=layerwise.arena_lower_bound,
        layer_by_layer_O2_instructions=r["instructions"], layer_by_layer_text=r["sizes"]["text"],
    )  # fmt: skip
    patch.update(_check(io, r["output"], "Cortex-M4 -O2 layer by layer", name, problems))

    # Host
    log(f"{name}: host callgrind")
    host = measure_callgrind([c_file], h_file, name, io["row"], workdir / "host")
    host_entry = {"ir": host["ir"]}
    host_entry.update(_check(io, host["output"], "host (callgrind)", name, problems))

    # Flash (-Os)
    sizes = m4["Os"]["sizes"]
    flash = sizes["text"] + sizes["rodata"] + sizes["data"]
    wb = figures["weights_biases_bytes"]
    flash_entry = {
        **sizes,
        "flash": flash,
        "weights_biases_bytes": wb,
        "weights": figures["weights"],
        "biases": figures["biases"],
        "constant_bytes": library.constant_bytes,
        "over_weights_biases": flash - wb if wb is not None else None,
        "target_bytes": FLASH_TARGET_BYTES,
        "within_target": (flash - wb <= FLASH_TARGET_BYTES) if wb is not None else None,
    }

    # Anchors
    ours = m4[ANCHOR_OPT.lstrip("-")]["instructions"]
    anchors = None
    if anchor is not None:
        anchors = {
            "source": ANCHORS_SOURCE,
            "ours_opt": ANCHOR_OPT,
            "cmsis_nn": anchor["cmsis_nn"],
            "tflm_ref": anchor["tflm_ref"],
            "ratio_cmsis_nn": ours / anchor["cmsis_nn"],
            "ratio_tflm_ref": ours / anchor["tflm_ref"],
        }

    # TFLM itself
    tflm = run_tflm(model, io, library, c_file, workdir, args, name, problems, arena)
    if arena["tflm"]:
        arena["ratio_tflm"] = library.arena_size / arena["tflm"]
    if arena["tflm_head"]:
        arena["ratio_tflm_head"] = library.arena_size / arena["tflm_head"]

    result.update(
        arena=arena, flash=flash_entry, cortex_m4=m4, host=host_entry, anchors=anchors, tflm=tflm, patch=patch,
        profile=profile,
        bit_exact=all(e.get("bit_exact") is not False for e in (*m4.values(), host_entry, patch, profile)),
    )  # fmt: skip
    return result, problems


def _check(io: dict, output: bytes, what: str, name: str, problems: list[str]) -> dict:
    if io["expected"] is None:
        return {"bit_exact": None}
    worst, count = max_lsb(output, io["expected"], io["out_dtype"])
    if worst != 0:
        problems.append(
            f"{name}: {what} output differs from {io['expected_label']} "
            f"(max {worst} LSB, {count} elements)"
        )
    return {"bit_exact": worst == 0, "max_lsb": worst}


def run_tflm(model, io, library, c_file, workdir, args, name, problems, arena) -> dict:
    """TFLM (tflite-micro) on every input row: its outputs against the .npz's
    ``tflm_outputs`` and against ours (the library built for the host, every row); with
    --measure-tflm also its minimum arena."""
    from tinymlir.build import build_host, run_host

    tflite = model.with_name(model.name.removesuffix(".onnx") + ".tflite")
    entry: dict = {"available": False}
    if not tflm_available():
        entry["reason"] = "tflite-micro not installed (pip install tflite-micro)"
        return entry
    if not tflite.is_file():
        entry["reason"] = f"no {tflite.name} beside the model"
        return entry
    log(f"{name}: TFLM (tflite-micro) on {len(io['inputs'])} input row(s)")
    tflm_dir = workdir / "tflm"
    tflm_dir.mkdir(parents=True, exist_ok=True)
    got = tflm_run(tflite, io["inputs"], TFLM_PROBE_ARENA, tflm_dir, "all")
    if got is None:
        entry["reason"] = f"tflite-micro failed on {tflite.name} (log: {tflm_dir / 'tflm-all.log'})"
        return entry
    rows = len(io["inputs"])
    got = got.reshape(rows, -1)
    entry.update(available=True, rows=rows, tflite=shown(tflite))
    if io["tflm_outputs"] is not None:
        worst, count = max_lsb(got, io["tflm_outputs"].reshape(rows, -1), None)
        entry["vs_npz"] = {"max_lsb": worst, "differ": count}
    # ours on every row, host build of the same C file
    host_dir = c_file.parent  # tinymlir-run's harness includes <name>.h from its folder
    exe = build_host(c_file, library, host_dir)
    try:
        outputs = run_host(exe, [[x] for x in io["inputs"]], host_dir, library)
    except TinymlirError as exc:
        problems.append(f"{name}: the host build failed on the input rows ({exc})")
    else:
        ours = np.stack([outs[0] for outs in outputs]).astype(io["out_dtype"]).reshape(rows, -1)
        worst, count = max_lsb(ours, got, None)
        entry["ours_vs_tflm"] = {"max_lsb": worst, "differ": count, "elements": int(got.size)}
    if args.measure_tflm:
        log(f"{name}: TFLM minimum arena (bisection, one process per probe)")
        measured = tflm_min_arena(tflite, io["inputs"][0], got[0], tflm_dir)
        entry["min_arena_measured"] = measured
        arena["tflm_reference_figure"] = arena["tflm"]
        arena["tflm"] = measured
        arena["tflm_source"] = "measured (bisection, tflite-micro, 64-bit host)"
    return entry


# --------------------------------------------------------------------------------------
# Environment and report
# --------------------------------------------------------------------------------------


def _first_line(command: Sequence[str]) -> str | None:
    try:
        proc = subprocess.run(list(command), capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    lines = (proc.stdout or proc.stderr).strip().splitlines()
    return lines[0].strip() if lines else None


def environment(args) -> dict:
    from importlib.metadata import PackageNotFoundError, version

    def pkg(name: str) -> str | None:
        try:
            return version(name)
        except PackageNotFoundError:
            return None

    commit = None
    if (REPO_ROOT / ".git").exists() and shutil.which("git"):
        commit = _first_line(
            ["git", "-C", str(REPO_ROOT), "describe", "--always", "--dirty", "--abbrev=12"]
        )
    return {
        "tinymlir_commit": commit,
        "python": platform.python_version(),
        "xdsl": pkg("xdsl"),
        "tflite_micro": pkg("tflite-micro") or pkg("tflite_micro"),
        "arm_none_eabi_gcc": _first_line(["arm-none-eabi-gcc", "--version"]),
        "qemu": _first_line(["qemu-system-arm", "--version"]),
        "valgrind": _first_line(["valgrind", "--version"]),
        "host": f"{platform.system()} {platform.machine()}",
    }


def _int(value) -> str:
    return "n/a" if value is None else f"{value:,}"


def _ratio(value, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _signed(value) -> str:
    return "n/a" if value is None else f"{value:+,}"


def _fully_predicted(row: dict) -> bool:
    return row.get("predicted_instructions") is not None and row["predicted_layers"] == len(row["layers"])


def _predicted(row: dict) -> str:
    """A per-layer row's predicted instructions; (k/n) where the model covers k of its n layers."""
    value = row.get("predicted_instructions")
    if value is None:
        return "n/a"
    return _int(value) if _fully_predicted(row) else f"{_int(value)} ({row['predicted_layers']}/{len(row['layers'])})"


def render_markdown(report: dict) -> str:
    models = report["models"]
    env = report["environment"]
    lines = [
        "# tinymlir-bench",
        "",
        f"Mode: {report['mode']}; {len(models)} model(s); compile time best of "
        f"{report['compile_runs']}. tinymlir {env['tinymlir_commit'] or '?'}, "
        f"xDSL {env['xdsl'] or '?'}, {env['arm_none_eabi_gcc'] or 'arm-none-eabi-gcc ?'}, "
        f"{env['qemu'] or 'QEMU ?'} (mps2-an386), {env['valgrind'] or 'valgrind ?'}, "
        f"tflite-micro {env['tflite_micro'] or 'not installed'}. Generated {report['generated']}.",
        "Column meanings and methods: bench/README.md.",
        "",
        "## Compile time and RAM",
        "",
        "| model | compile (s) | arena (B) | lower bound (B) | TFLM arena (B) | ours/TFLM | TFLM head (B) | ours/TFLM head |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for m in models:
        a = m["arena"]
        tflm = _int(a["tflm"]) + (
            " (measured)" if a.get("tflm_source", "") and "measured" in a["tflm_source"] else ""
        )
        lines.append(
            f"| {m['name']} | {m['compile']['seconds']:.2f} | {_int(a['ours'])} | {_int(a['lower_bound'])} "
            f"| {tflm} | {_ratio(a.get('ratio_tflm'))} | {_int(a['tflm_head'])} | {_ratio(a.get('ratio_tflm_head'))} |"
        )
    lines += [
        "",
        "## Patch schedule (patch-schedule, on by default, against the same pipeline without it)",
        "",
        "| model | schedule | arena (B) | layer-by-layer arena (B) | its lower bound (B) | arena / bound "
        "| extra MACs | instr -O2 | layer-by-layer instr -O2 | .text -O2 / layer-by-layer (B) |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for m in models:
        p = m["patch"]
        share = p["extra_macs"] / m["macs"] if m["macs"] else None
        lines.append(
            f"| {m['name']} | {p['schedule'] or 'n/a'} | {_int(p['arena'])} | {_int(p['layer_by_layer_arena'])} "
            f"| {_int(p['layer_by_layer_bound'])} | {_ratio(p['arena'] / p['layer_by_layer_bound'] if p['layer_by_layer_bound'] else None)} "
            f"| {_int(p['extra_macs'])} ({_ratio(100 * share if share is not None else None, 1)} %) "
            f"| {_int(p['O2_instructions'])} | {_int(p['layer_by_layer_O2_instructions'])} "
            f"| {_int(m['cortex_m4']['O2']['sizes']['text'])} / {_int(p['layer_by_layer_text'])} |"
        )
    lines += [
        "",
        "## Flash (arm-none-eabi-gcc -Os -mcpu=cortex-m4 -mthumb; the library's objects)",
        "",
        f"| model | .text | .rodata | .data | flash | weights+biases | flash − (w+b) | ≤ {FLASH_TARGET_BYTES // 1024} KiB |",
        "|---|---:|---:|---:|---:|---:|---:|:---:|",
    ]
    for m in models:
        f = m["flash"]
        ok = {True: "yes", False: "**no**", None: "n/a"}[f["within_target"]]
        lines.append(
            f"| {m['name']} | {_int(f['text'])} | {_int(f['rodata'])} | {_int(f['data'])} | {_int(f['flash'])} "
            f"| {_int(f['weights_biases_bytes'])} | {_signed(f['over_weights_biases'])} | {ok} |"
        )
    lines += [
        "",
        f"## Speed (Cortex-M4 instructions per inference, QEMU; anchors compared with ours at {ANCHOR_OPT})",
        "",
        f"| model | MACs | instr -Os | instr -O2 | MAC/instr -Os | MAC/instr -O2 | cycles {PROFILE_OPT} (estimate) "
        "| CMSIS-NN instr | ours/CMSIS-NN | TFLM-ref instr | ours/TFLM-ref | host Ir | stack -Os (B) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for m in models:
        os_, o2 = m["cortex_m4"]["Os"], m["cortex_m4"]["O2"]
        an = m["anchors"] or {}
        lines.append(
            f"| {m['name']} | {_int(m['macs'])} | {_int(os_['instructions'])} | {_int(o2['instructions'])} "
            f"| {_ratio(os_['mac_per_instruction'], 3)} | {_ratio(o2['mac_per_instruction'], 3)} "
            f"| {_int(m['cortex_m4'][PROFILE_OPT.lstrip('-')].get('cycles_estimate'))} "
            f"| {_int(an.get('cmsis_nn'))} | {_ratio(an.get('ratio_cmsis_nn'))} "
            f"| {_int(an.get('tflm_ref'))} | {_ratio(an.get('ratio_tflm_ref'))} "
            f"| {_int(m['host']['ir'])} | {_int(os_['stack_high_water'])} |"
        )
    lines += [
        "",
        f"## Where the time goes (Cortex-M4 {PROFILE_OPT}, per layer; a banded patch-schedule stage is one row)",
        "",
        "Cycle estimate: LDR 2, LDM/STM/PUSH/POP/LDRD/STRD 1 + N, others 1 (tinymlir/bench/profile.py); "
        "not a cycle count. The profiled build calls a marker after each layer; the last column of a "
        "model's first row is its total minus the plain -O2 count. Predicted: the register model's "
        "instructions (passes/kernel_to_loops/register_tile.py) for the SMLAD layers of the row; "
        "(k/n): only k of the row's n layers are modelled, the rest (adds, pooling) are not predicted.",
        "",
        "| model | layer | MACs | instr | share | MAC/instr | cycles (estimate) | predicted instr | predicted / instr "
        "| profiled total − -O2 count |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for m in models:
        pr = m.get("profile")
        if not pr:
            continue
        for i, row in enumerate(pr["layers"]):
            share = row["instructions"] / pr["instructions"] if pr["instructions"] else None
            lines.append(
                f"| {m['name'] if i == 0 else ''} | {row['label']} | {_int(row['macs'])} | {_int(row['instructions'])} "
                f"| {_ratio(100 * share if share is not None else None, 1)} % "
                f"| {_ratio(row['macs'] / row['instructions'] if row['instructions'] and row['macs'] else None, 3)} "
                f"| {_int(row['cycles_estimate'])} | {_predicted(row)} "
                f"| {_ratio(row['predicted_instructions'] / row['instructions'] if _fully_predicted(row) else None, 3)} "
                f"| {_signed(pr['hook_instructions']) if i == 0 else ''} |"
            )
    lines += [
        "",
        "## Correctness",
        "",
        "| model | measured input | checked against | M4 -Os | M4 -O2 | host | count repeats | TFLM live vs .npz | ours vs TFLM live (all rows) |",
        "|---|---|---|:---:|:---:|:---:|:---:|---|---|",
    ]
    for m in models:

        def mark(entry):
            return {
                True: "bit-exact",
                False: f"**{entry.get('max_lsb')} LSB**",
                None: "not checked",
            }[entry["bit_exact"]]

        t = m["tflm"]
        if t.get("available"):
            npz = t.get("vs_npz")
            vs_npz = (
                "n/a"
                if npz is None
                else ("identical" if npz["max_lsb"] == 0 else f"max {npz['max_lsb']} LSB")
            )
            ov = t.get("ours_vs_tflm")
            vs_ours = "n/a" if ov is None else (
                f"identical ({t['rows']} rows)" if ov["max_lsb"] == 0
                else f"max {ov['max_lsb']} LSB, {ov['differ']}/{ov['elements']} differ"
            )  # fmt: skip
        else:
            vs_npz = vs_ours = f"not run: {t.get('reason')}"
        repeats = all(e["deterministic"] for e in m["cortex_m4"].values())
        lines.append(
            f"| {m['name']} | {m['input']} | {m['expected'] or 'nothing'} | {mark(m['cortex_m4']['Os'])} "
            f"| {mark(m['cortex_m4']['O2'])} | {mark(m['host'])} | {'yes' if repeats else '**no**'} "
            f"| {vs_npz} | {vs_ours} |"
        )
    lines += [
        "",
        "TFLM arena: minimum `arena_size` of the tflite-micro interpreter (64-bit host; its "
        "persistent tail is about twice a Cortex-M's); ours excludes the caller's input and "
        "output buffers. Anchors: " + ANCHORS_SOURCE + ".",
        "",
    ]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------


def resolve_models(args) -> list[Path]:
    if args.models:
        models = [Path(m) for m in args.models]
        for m in models:
            if not m.is_file():
                raise BenchToolError(f"model {m} not found")
            if m.suffix != ".onnx":
                raise BenchToolError(f"model {m} is not an .onnx file")
        return models
    names = (QUICK_MODEL,) if args.quick else DEFAULT_MODELS
    if not SHARED_MODELS_DIR.is_dir():
        raise BenchToolError(
            f"shared reference models not found: expected {SHARED_MODELS_DIR} (the checkout's "
            "sibling ../shared/models with the MLPerf Tiny .onnx/.io.npz files); pass --models"
        )
    models = [SHARED_MODELS_DIR / f"{n}.onnx" for n in names]
    missing = [m.name for m in models if not m.is_file()]
    if missing:
        raise BenchToolError(f"{', '.join(missing)} missing in {SHARED_MODELS_DIR}")
    return models


def check_tools(args) -> None:
    """Fails early, in one line, when a tool is missing."""
    from tinymlir.bench import require_tools
    from tinymlir.bench.cortex_m import require_cross_toolchain
    from tinymlir.bench.host import HOST_TOOLS

    require_cross_toolchain()
    require_tools(HOST_TOOLS, "host measurement")
    if args.measure_tflm and not tflm_available():
        raise BenchToolError(
            "--measure-tflm needs the tflite-micro package (pip install tflite-micro)"
        )


def run(args) -> tuple[dict, list[str]]:
    models = resolve_models(args)
    check_tools(args)
    report = {
        "tool": "tinymlir-bench",
        "schema": 1,
        "mode": "quick" if args.quick else "full",
        "compile_runs": args.compile_runs,
        "generated": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "environment": environment(args),
        "flash_target_bytes": FLASH_TARGET_BYTES,
        "anchors_source": ANCHORS_SOURCE,
        "models": [],
    }
    problems: list[str] = []
    keep = args.keep.resolve() if args.keep else None
    with tempfile.TemporaryDirectory(prefix="tinymlir-bench-") as tmp:
        root = keep or Path(tmp)
        for model in models:
            workdir = root / model.name.removesuffix(".onnx")
            if workdir.exists():
                shutil.rmtree(workdir)
            workdir.mkdir(parents=True)
            result, found = bench_model(model.resolve(), args, workdir)
            report["models"].append(result)
            problems += found
    report["ok"] = not problems
    report["problems"] = problems
    return report, problems


def run_compile_time(args) -> int:
    """--compile-time: the CLI timing table (tinymlir.bench.compile_time)."""
    from tinymlir.bench.compile_time import generate_large_model, measure, render_markdown

    models = resolve_models(args)
    keep = args.keep.resolve() if args.keep else None
    with tempfile.TemporaryDirectory(prefix="tinymlir-bench-") as tmp:
        root = keep or Path(tmp)
        large = None
        if not args.quick:
            log("generating the ~1 M-parameter model (bench/models/make_mobilenet_1m.py)")
            path, large = generate_large_model(root)
            models.append(path)
        report = measure(models, root, args.compile_runs, log)
    env = environment(args)
    report.update(
        tool="tinymlir-bench --compile-time",
        generated=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        environment=env,
        large_model=large,
    )
    for m in report["models"]:
        m["model"] = shown(Path(m["model"])) if m["name"] != "mobilenet_1m" else (
            "generated by bench/models/make_mobilenet_1m.py"
        )
    header = (
        f"Generated by `tinymlir-bench --compile-time` on {report['generated']}; tinymlir "
        f"{env['tinymlir_commit'] or '?'}, Python {env['python']}, xDSL {env['xdsl'] or '?'}, "
        f"{env['arm_none_eabi_gcc'] or 'arm-none-eabi-gcc not installed'}."
        + (
            f" `mobilenet_1m`: {large['weights']:,} int8 weights + {large['biases']:,} int32 "
            "biases (bench/models/make_mobilenet_1m.py)."
            if large else ""
        )
        + "\n"
    )
    markdown = render_markdown(report, header)
    try:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "compile-time.json").write_text(json.dumps(report, indent=1) + "\n")
        (args.out / "compile-time.md").write_text(markdown)
    except OSError as exc:
        raise BenchToolError(f"cannot write the results into '{args.out}': {exc.strerror}") from None
    print(markdown, end="")
    log(f"wrote {args.out / 'compile-time.md'} and {args.out / 'compile-time.json'}")
    missed = [m["name"] for m in report["models"] if not m["met"]]
    for name in missed:
        print(f"tinymlir-bench: note: {name} is over its compile-time target", file=sys.stderr)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="tinymlir-bench", description=__doc__.split("\n\n")[0].split(": ", 1)[1]
    )
    parser.add_argument(
        "--models",
        nargs="+",
        metavar="MODEL.onnx",
        help=f"models to measure (default: {', '.join(DEFAULT_MODELS)} in ../shared/models)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"one model ({QUICK_MODEL}), compile timed once: for CI",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=REPO_ROOT / "bench" / "results",
        help="where latest.md and latest.json go (default: bench/results)",
    )
    parser.add_argument(
        "--measure-tflm",
        action="store_true",
        help="measure TFLM's minimum arena by bisection with tflite-micro",
    )
    parser.add_argument(
        "--compile-runs",
        type=int,
        metavar="N",
        help="compile N times and keep the best (default 3; 1 with --quick)",
    )
    parser.add_argument("--keep", type=Path, metavar="DIR", help="build in DIR and keep it")
    parser.add_argument(
        "--compile-time",
        action="store_true",
        help="only the command-line compile time (tinymlir-opt --pipeline=mcu, one process a "
        "run) beside the floor python -c 'import onnx', with a per-phase breakdown; writes "
        "compile-time.md/.json",
    )
    args = parser.parse_args(argv)  # fmt: skip
    if args.compile_runs is None:
        args.compile_runs = 1 if args.quick else 3
    if args.compile_runs < 1:
        parser.error("--compile-runs must be at least 1")
    try:
        if args.compile_time:
            return run_compile_time(args)
        report, problems = run(args)
        markdown = render_markdown(report)
        try:
            args.out.mkdir(parents=True, exist_ok=True)
            (args.out / "latest.json").write_text(json.dumps(report, indent=1) + "\n")
            (args.out / "latest.md").write_text(markdown)
        except OSError as exc:
            raise BenchToolError(
                f"cannot write the results into '{args.out}': {exc.strerror}"
            ) from None
        print(markdown, end="")
        sys.stdout.flush()
        log(f"wrote {args.out / 'latest.md'} and {args.out / 'latest.json'}")
        for problem in problems:
            print(f"tinymlir-bench: error: {problem}", file=sys.stderr)
        return 1 if problems else 0
    except TinymlirError as exc:
        print(f"tinymlir-bench: error: {' '.join(str(exc).split())}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug: one line, traceback on request
        if os.environ.get("TINYMLIR_TRACEBACK"):
            raise
        print(
            f"tinymlir-bench: internal error: {type(exc).__name__}: {' '.join(str(exc).split())} "
            "(rerun with TINYMLIR_TRACEBACK=1 for the traceback)",
            file=sys.stderr,
        )
        return 2


if __name__ == "__main__":
    sys.exit(main())
