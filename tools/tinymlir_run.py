"""`tinymlir-run`: compile a model to C, run it on the host, compare with the oracles.

    tinymlir-run model.onnx [--inputs io.npz | --random N [--seed S]] [--tolerance LSB]
                 [--per-layer] [--keep DIR] [--numerics tflm|onnx|auto]

The generated library is built with the host `cc -std=c99 -Wall -Wextra -Werror
-pedantic` and run on every input. Its int8 outputs are compared with the
reference executor (tinymlir's semantics), with onnxruntime, and with the
`tflm_outputs` of the .npz when present. "onnxruntime" is onnxruntime at
ORT_DISABLE_ALL for a QDQ model (float kernels, the same on every CPU) and the exact
numpy oracle (tinymlir/onnx_oracle.py) for a QOperator model, whose onnxruntime
integer kernels depend on the host CPU; the output says which. The maximum
difference in LSBs is printed per oracle; the exit status is 1 when the C output
differs from the reference executor (or TFLM) by more than --tolerance (default 0).
The onnxruntime comparison is informational (TFLM numerics differ from it by design).

--per-layer builds the library with its TINYMLIR_LAYER_HOOK debug hook, dumps
every layer's output and prints a table (layer, op, shape, max LSB, elements
differing) against the reference executor and against onnxruntime (every tensor
after a QuantizeLinear, or every QLinear* output, made a graph output and mapped
to the IR layer of the same name), naming the first layer that differs from each.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np

from tinymlir.build import HOST_CFLAGS, build_host
from tinymlir.compare import compare_on_host, layer_table, onnxruntime_layers, random_inputs
from tinymlir.compiler import compile_model
from tinymlir.errors import TinymlirError
from tinymlir.layers import read_layer_dump


def cortex_m_sizes(c_file: Path, workdir: Path) -> str:
    """Flash and static RAM of the library built for a Cortex-M4 (-Os), or why not (the same
    build as tinymlir-opt's and tinymlir-bench's figures)."""
    from tinymlir.bench import BenchError
    from tinymlir.bench.cortex_m import library_object_sizes

    if shutil.which("arm-none-eabi-gcc") is None:
        return "Cortex-M4 sizes: arm-none-eabi-gcc not installed (bench/harness/install-toolchain.sh)"
    try:
        sizes = library_object_sizes(c_file, workdir)
    except BenchError as exc:
        return f"Cortex-M4 sizes: {exc}"
    return (
        f"Cortex-M4 (arm-none-eabi-gcc -Os): flash {sizes['flash']:,} bytes (.text {sizes['text']:,} "
        f"+ .rodata {sizes['rodata']:,} + .data {sizes['data']:,}), static RAM {sizes['ram']:,} bytes "
        "(arena and state)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model", type=Path)
    parser.add_argument("--inputs", type=Path, help=".npz with an 'inputs' array (and 'tflm_outputs')")
    parser.add_argument("--random", type=int, default=0, metavar="N", help="N random inputs")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--tolerance", type=int, default=0, help="allowed LSBs vs reference/TFLM")
    parser.add_argument("--per-layer", action="store_true", help="compare every layer's output")
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it")
    parser.add_argument("--show", action="store_true", help="print each output next to the expected")
    parser.add_argument("--sizes", action="store_true", help="also report Cortex-M4 flash and RAM")
    parser.add_argument("--numerics", choices=["tflm", "onnx", "auto"], help="the importer's numerics mode")
    args = parser.parse_args(argv)
    workdir_obj = None
    try:
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            workdir = args.keep
        else:
            workdir_obj = tempfile.TemporaryDirectory(prefix="tinymlir-run-")
            workdir = Path(workdir_obj.name)
        # per layer, every layer's output must exist whole: a patch-schedule stage keeps only
        # bands of its intermediates, so the per-layer build runs layer by layer
        compiled = compile_model(
            args.model, workdir, numerics=args.numerics, patch_max_extra_macs="off" if args.per_layer else None,
        )
        module, c_file, library = compiled.module, compiled.c_file, compiled.library
        if len(library.inputs) != 1 or len(library.outputs) != 1:
            raise TinymlirError(
                "the command line drives models with one input and one output; for others use "
                "tinymlir.build.build_host and run_host from Python (see test/python/test_e2e_c.py)"
            )
        port_in, port_out = library.inputs[0], library.outputs[0]
        expected_tflm = None
        if args.inputs:
            data = np.load(args.inputs)
            raw = [np.asarray(x) for x in data["inputs"]]
            expected_tflm = data["tflm_outputs"] if "tflm_outputs" in data else None
        else:
            raw = random_inputs(module, args.random or 5, args.seed)
        exe = build_host(c_file, library, workdir, args.per_layer)
        layer_file = workdir / "layers.bin"
        result = compare_on_host(
            args.model, compiled, exe, raw, workdir, expected_tflm, layer_file if args.per_layer else None
        )
        got, ref, worst = result.got, result.reference, result.worst
        print(f"{library.name}: {len(raw)} inputs, generated C compiled with cc {' '.join(HOST_CFLAGS)}")
        if args.show:
            expected = expected_tflm.reshape(len(raw), -1) if expected_tflm is not None else ref
            label = "TFLM" if expected_tflm is not None else "reference"
            for i, (y, e) in enumerate(zip(got, expected, strict=True)):
                print(f"  input {i}: C output {y.tolist()}")
                print(f"           {label:<8} {np.asarray(e).tolist()}")
        for oracle, lsb in worst.items():
            print(f"  max |C - {oracle}| = {lsb} LSB")
        print(
            f"  RAM: arena {library.arena_size:,} bytes (+ caller's input {port_in.size} and output "
            f"{port_out.size}); weights and tables {library.constant_bytes:,} bytes"
        )
        if args.sizes:
            print("  " + cortex_m_sizes(c_file, workdir))
        failed = worst["reference executor"] > args.tolerance or worst.get("TFLM (npz)", 0) > args.tolerance
        if args.per_layer:
            ort_layers = onnxruntime_layers(args.model, raw)
            lines, first_bad, ort_first = layer_table(module, raw, read_layer_dump(layer_file), ort_layers)
            print("\n".join(lines))
            print(f"first layer that differs: {first_bad}" if first_bad else "every layer matches the reference executor")
            if ort_layers is not None:
                oracle = ort_layers[0]
                print(f"first layer that differs from {oracle}: {ort_first}" if ort_first
                      else f"every compared layer matches {oracle}")
            failed = failed or first_bad is not None
        if failed:
            print(f"tinymlir-run: mismatch beyond {args.tolerance} LSB", file=sys.stderr)
            return 1
        return 0
    except TinymlirError as exc:
        print(f"tinymlir-run: error: {exc}", file=sys.stderr)
        return 1
    finally:
        if workdir_obj is not None:
            workdir_obj.cleanup()


if __name__ == "__main__":
    sys.exit(main())
