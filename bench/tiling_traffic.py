"""Bytes moved between the slow and the fast memory level, per layer, by tile-for-memory's
choice, against untiled and against a fixed naive tiling, for the four MLPerf Tiny models.

    .venv/bin/python bench/tiling_traffic.py [--sizes 8 16 32 64] [--out bench/results/tiling-traffic.md] [--c]

Columns (bytes, from the pass's cost model, passes/tile_for_memory.py):
  untiled   every operand of the layer moved once (W + X + O), whole; needs the whole layer
            in the fast level. (A tiled strided 1x1 convolution can move less: its tiles skip
            the input rows and columns the stride never reads.)
  naive     fixed output tiles of 8x8 pixels x all output channels (dense: the whole layer;
            an extent that 8 does not divide is cut into the same ceil(D/8) tiles, evened out),
            full reduction, weights reloaded per tile, each tile's input window (halo
            included) loaded once: W·T_p + X(8x8) + O; add: W + X + O. It ignores the
            capacity (the column "naive fits" says whether its tile fits S).
  chosen    tile-for-memory{capacity=S}'s plan at S KiB, within S.
  counted   the instrumented count: the module after tile-for-memory{capacity=S} and
            tile-apply (passes/tile_apply.py: every layer run tile by tile, its transfers
            memref.copy ops marked with the layer) is run on a random input by the
            interpreter at the kernel level (tinymlir.interpreter.run_loops), and a listener
            (tile_apply.TransferCounter) adds up the bytes of every copy executed. "=" when it
            equals chosen. A layer tile-apply refuses (reduction tiles, a padded conv tile
            inside the map) is run untiled and shows the refusal instead. The outputs of
            the tiled run are checked bit-exact against the untiled kernel-level run.
Only the layers the pass models (conv, depthwise, dense, add) are listed.

`--c` also compiles each model at each size with tile-for-memory and tile-apply after
convert-qnn-to-kernel through the whole C pipeline, builds it on the host and compares one
random inference with the reference executor (a model with a layer tile-apply refuses is
not compiled: the pass refuses the module). Slow: minutes per model and size.

"""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path

import numpy as np
from xdsl.dialects.builtin import StringAttr

from tinymlir.compiler import import_model
from tinymlir.dialects import kernel as qk
from tinymlir.dialects.tile import PLAN_KEY
from tinymlir.errors import PassError
from tinymlir.interpreter import interface, run_loops
from tinymlir.passes import tile_for_memory as tfm
from tinymlir.passes.tile_apply import FastBuffers, TransferCounter, apply_plan
from tinymlir.pipelines import run_pipeline

MODELS = ("ad_toycar", "ic_resnet8", "kws_dscnn", "vww_mobilenet")
MODEL_DIR = Path(__file__).resolve().parents[2] / "shared" / "models"
NAIVE_TILE = 8


def kernel_module(model: str):
    module = import_model(MODEL_DIR / f"{model}.onnx")
    run_pipeline(module, "qnn")
    run_pipeline(module, "convert-qnn-to-kernel")
    return module


def kernel_ops(module) -> list[qk.KernelOp]:
    return [op for op in module.walk() if isinstance(op, (qk.Conv2DOp, qk.DenseOp, qk.AddOp))]


def random_inputs(module) -> list[np.ndarray]:
    function = next(op for op in module.walk() if op.name == "func.func" and op.body.blocks)
    rng = np.random.default_rng(0)
    return [rng.integers(-128, 128, tuple(arg.type.get_shape())).astype(np.int8)
            for arg, (role, _) in zip(function.args, interface(function), strict=True) if role == "input"]


def counted(module, capacity: int, inputs, expected) -> tuple[dict[str, int], dict[str, str]]:
    """Bytes the tiled module's copies move per layer while it runs, and the refused layers."""
    tiled = module.clone()
    run_pipeline(tiled, f"tile-for-memory{{capacity={capacity}}}")
    refused = {}
    fast = FastBuffers(StringAttr("fast"))
    for op in list(tiled.walk()):
        if isinstance(op, qk.KernelOp) and PLAN_KEY in op.attributes:
            try:
                apply_plan(op, fast)
            except PassError as exc:
                refused[op.layer_name.data] = str(exc).split(": ", 2)[-1]
                del op.attributes[PLAN_KEY]
    counter = TransferCounter()
    outputs = run_loops(tiled, inputs, listeners=[counter])
    for got, want in zip(outputs, expected, strict=True):
        if not np.array_equal(got, want):
            raise SystemExit(f"tiled run differs from the untiled one at {capacity} bytes")
    return counter.bytes, refused


def naive(op: qk.KernelOp) -> tuple[int, int]:
    """(bytes moved, footprint) of the fixed naive tiling."""
    if isinstance(op, qk.AddOp):
        whole = tfm.add_choice(op, 1 << 40, "")
        return whole.bytes_moved, whole.footprint
    layer = tfm.dense_model(op) if isinstance(op, qk.DenseOp) else tfm.conv_model(op)
    whole = layer.untiled()
    if isinstance(op, qk.DenseOp):
        return whole.bytes_moved, whole.footprint
    rows, cols = (next(a for a in axis if a.tiles == math.ceil(axis[-1].size / NAIVE_TILE)) for axis in (layer.rows, layer.cols))
    per_channel = layer.weight_bytes * layer.taps * (1 if layer.depthwise else layer.channels_in) + layer.table_bytes
    weights = layer.channels_out * per_channel
    channels_read = layer.channels_out if layer.depthwise else layer.channels_in
    inputs = channels_read * rows.read_sum * cols.read_sum
    outputs = layer.pixels * layer.channels_out
    footprint = weights + channels_read * rows.read_max * cols.read_max + rows.size * cols.size * layer.channels_out
    return weights * rows.tiles * cols.tiles + inputs + outputs, footprint


def c_check(model: str, capacity: int, workdir: Path) -> str:
    """Whether the C of `model` tiled at `capacity` computes what the reference executor does."""
    from tinymlir.backend.c_library import write_library
    from tinymlir.build import build_host, run_host
    from tinymlir.pipelines import LOOPS, QNN, c_pipeline
    from tinymlir.reference import run_module

    module = import_model(MODEL_DIR / f"{model}.onnx")
    run_pipeline(module, QNN)
    lowered = module.clone()
    tiled = LOOPS.replace("convert-qnn-to-kernel,", f"convert-qnn-to-kernel,tile-for-memory{{capacity={capacity}}},tile-apply,")
    try:
        run_pipeline(lowered, f"{tiled},{c_pipeline()}")
    except PassError as exc:
        return f"not compiled: {exc}"
    c_file, _, library = write_library(lowered, workdir, "")
    rng = np.random.default_rng(0)
    function = next(op for op in module.walk() if op.name == "func.func" and op.body.blocks)
    inputs = [rng.integers(-128, 128, tuple(a.type.get_shape())).astype(np.int8) for a in function.args]
    got = run_host(build_host(c_file, library, workdir), [inputs], workdir, library)[0]
    want = run_module(module, inputs)
    same = all(np.array_equal(np.asarray(g).view(np.int8).reshape(-1), np.asarray(w).astype(np.int8).reshape(-1))
               for g, w in zip(got, want, strict=True))
    return "C bit-exact with the reference" if same else "C DIFFERS from the reference"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[8, 16, 32, 64], help="fast-level KiB")
    parser.add_argument("--out", type=Path, default=None, help="also write this markdown file")
    parser.add_argument("--c", action="store_true", help="also compile the tiled models to C and run them")
    args = parser.parse_args()
    lines = ["# Bytes moved between slow and fast memory (tile-for-memory's model)", "",
             "Generated by `.venv/bin/python bench/tiling_traffic.py --out bench/results/tiling-traffic.md`.",
             "naive: 8x8xCout output tiles, weights reloaded per tile. counted: bytes the tile-apply'd module's "
             "copies move in an interpreter run (\"=\": equal to chosen); the tiled outputs equal the untiled run's.",
             ""]
    summary = []
    started = time.perf_counter()
    modules = {model: kernel_module(model) for model in MODELS}
    inputs = {model: random_inputs(m) for model, m in modules.items()}
    expected = {model: run_loops(modules[model], inputs[model]) for model in MODELS}
    for size in args.sizes:
        capacity = size * 1024
        lines += [f"## fast level {size} KiB", "",
                  "| model | layer | op | untiled | naive | naive fits | chosen | counted | plan | naive/chosen |",
                  "|---|---|---|---:|---:|---|---:|---|---|---:|"]
        ratios, worse, totals = [], 0, {"untiled": 0, "naive": 0, "chosen": 0}
        agree = disagree = refusals = 0
        for model in MODELS:
            moved, refused = counted(modules[model], capacity, inputs[model], expected[model])
            for op in kernel_ops(modules[model]):
                whole = tfm.choose(op, 1 << 40)
                naive_bytes, naive_footprint = naive(op)
                chosen = tfm.choose(op, capacity)
                ratio = naive_bytes / chosen.bytes_moved
                ratios.append(ratio)
                worse += chosen.bytes_moved > naive_bytes
                totals["untiled"] += whole.bytes_moved
                totals["naive"] += naive_bytes
                totals["chosen"] += chosen.bytes_moved
                plan = f"{chosen.stationary} {'x'.join(map(str, chosen.tile))}"
                name = op.layer_name.data
                if name in refused:
                    measured = f"refused: {refused[name]}"
                    refusals += 1
                elif moved.get(name, 0) == chosen.bytes_moved:
                    measured = f"= {moved[name]}"
                    agree += 1
                else:
                    measured = f"**{moved.get(name, 0)}**"
                    disagree += 1
                lines.append(f"| {model} | {name} | {op.name} | {whole.bytes_moved} | {naive_bytes} | "
                             f"{'yes' if naive_footprint <= capacity else 'no'} | {chosen.bytes_moved} | {measured} | "
                             f"{plan} | {ratio:.2f} |")
        mean = sum(ratios) / len(ratios)
        geo = math.exp(sum(math.log(r) for r in ratios) / len(ratios))
        lines += ["", f"Totals: untiled {totals['untiled']}, naive {totals['naive']}, chosen {totals['chosen']}; "
                  f"naive/chosen per layer: mean {mean:.2f}, geometric mean {geo:.2f}, "
                  f"layers where chosen > naive: {worse} of {len(ratios)}. Instrumented count: equals the model "
                  f"on {agree} layers, differs on {disagree}, refused {refusals}.", ""]
        summary.append(f"{size} KiB: total untiled {totals['untiled']}, naive {totals['naive']}, chosen "
                       f"{totals['chosen']}; naive/chosen mean {mean:.2f} (geo {geo:.2f}); chosen > naive on {worse}; "
                       f"counted = chosen on {agree}, differs on {disagree}, refused {refusals}")
    if args.c:
        import tempfile

        lines += ["## Generated C, tiled", ""]
        for size in args.sizes:
            for model in MODELS:
                with tempfile.TemporaryDirectory() as workdir:
                    result = c_check(model, size * 1024, Path(workdir))
                lines.append(f"- {model} at {size} KiB: {result}")
                summary.append(f"C {model} {size} KiB: {result}")
        lines.append("")
    elapsed = time.perf_counter() - started
    summary.append(f"run time {elapsed:.0f} s (import, {len(args.sizes)} sizes, the interpreter runs)")
    text = "\n".join(lines)
    print(text)
    print("\n".join(summary))
    if args.out:
        args.out.write_text(text + "\n## Summary\n\n" + "\n".join(f"- {s}" for s in summary) + "\n")


if __name__ == "__main__":
    main()
