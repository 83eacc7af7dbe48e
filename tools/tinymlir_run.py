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
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from tinymlir.errors import TinymlirError

CFLAGS = ["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-O2"]

HARNESS = r"""
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "{name}.h"

#ifdef TINYMLIR_RUN_PER_LAYER
static FILE *layer_file;
void tinymlir_run_dump_layer(int index, const int8_t *data, int size) {{
    int32_t header[2];
    header[0] = index;
    header[1] = size;
    fwrite(header, sizeof header, 1, layer_file);
    fwrite(data, 1, (size_t)size, layer_file);
}}
#endif

{buffers}

/* usage: harness INPUTS OUTPUTS [LAYERS]: runs every record (all inputs, in order) of INPUTS
   and writes the outputs, in order, to OUTPUTS. */
int main(int argc, char **argv) {{
    FILE *in, *out;
    if (argc < 3) return 2;
    in = fopen(argv[1], "rb");
    out = fopen(argv[2], "wb");
    if (!in || !out) return 2;
#ifdef TINYMLIR_RUN_PER_LAYER
    if (argc < 4 || !(layer_file = fopen(argv[3], "wb"))) return 2;
#endif
    for (;;) {{
        int status;
{reads}
        status = {name}_run({args});
        if (status != 0) {{
            fprintf(stderr, "{name}_run returned %d\n", status);
            return 3;
        }}
{writes}
    }}
    fclose(in);
    fclose(out);
#ifdef TINYMLIR_RUN_PER_LAYER
    fclose(layer_file);
#endif
    return 0;
}}
"""


def compile_model(model: Path, workdir: Path, numerics: str | None = None):
    """qnn module (after the mcu pipeline's qnn stage), library paths and summary. `numerics`
    (tflm, onnx, auto) is passed to the importer; None keeps its default."""
    import inspect

    from tinymlir.backend.c_library import write_library
    from tinymlir.frontend.onnx import import_onnx
    from tinymlir.pipelines import LOOPS, QNN, C, run_pipeline

    if numerics is None:
        module = import_onnx(model)
    elif "numerics" not in inspect.signature(import_onnx).parameters:
        raise TinymlirError("--numerics: this tinymlir has no numerics modes (import_onnx takes no numerics)")
    else:
        module = import_onnx(model, numerics=numerics)
    run_pipeline(module, QNN)
    lowered = module.clone()
    run_pipeline(lowered, f"{LOOPS},{C}")
    c_file, h_file, library = write_library(lowered, workdir, model.name)
    return module, c_file, h_file, library


def build(c_file: Path, library, workdir: Path, per_layer: bool) -> Path:
    if shutil.which("cc") is None:
        raise TinymlirError("no host C compiler ('cc') on PATH")
    ctype = {"int8": "int8_t", "uint8": "uint8_t"}
    buffers, reads, writes, args = [], [], [], []
    for role, ports in (("in", library.inputs), ("out", library.outputs)):
        for i, port in enumerate(ports):
            buffers.append(f"static {ctype[port.storage]} {role}{i}[{port.size}];")
            args.append(f"{role}{i}")
            if role == "in":
                reads.append(f"        if (fread(in{i}, 1, sizeof in{i}, in) != sizeof in{i}) break;")
            else:
                writes.append(f"        fwrite(out{i}, 1, sizeof out{i}, out);")
    harness = workdir / "harness.c"
    harness.write_text(
        HARNESS.format(
            name=library.name, buffers="\n".join(buffers), reads="\n".join(reads),
            writes="\n".join(writes), args=", ".join(args),
        )
    )
    exe = workdir / ("harness_layers" if per_layer else "harness")
    flags = list(CFLAGS)
    if per_layer:
        flags += [
            "-DTINYMLIR_RUN_PER_LAYER",
            "-DTINYMLIR_LAYER_HOOK(i,d,s)=tinymlir_run_dump_layer((i),(const int8_t *)(d),(s))",
            "-include", str(workdir / "hook.h"),
        ]
        (workdir / "hook.h").write_text(
            "#include <stdint.h>\nvoid tinymlir_run_dump_layer(int index, const int8_t *data, int size);\n"
        )
    result = subprocess.run(
        ["cc", *flags, f"-I{workdir}", str(c_file), str(harness), "-o", str(exe)],
        capture_output=True, text=True,
    )
    if result.returncode != 0:
        first = (result.stderr.strip().splitlines() or ["?"])[0]
        raise TinymlirError(f"the generated library does not compile: {first}")
    return exe


def quantised_inputs(module, inputs: list[np.ndarray]):
    """(C inputs, reference outputs to compare with): a float interface is quantised by the
    reference executor, and compared before its final dequantisation."""
    from tinymlir.dialects import qnn
    from tinymlir.reference import run_module, trace_module

    if all(x.dtype.kind in "iu" for x in inputs):
        return inputs, run_module(module, inputs)
    trace = trace_module(module, inputs)
    c_inputs = [v for op, v in trace if isinstance(op, qnn.QuantizeOp)]
    outputs = [
        v for op, v in trace for use in op.results[0].uses if isinstance(use.operation, qnn.DequantizeOp)
    ]
    return c_inputs, outputs


def onnxruntime_outputs(model: Path, inputs: list[np.ndarray], port) -> tuple[str, np.ndarray] | None:
    """(what ran, the output in the port's quantised domain): onnxruntime at ORT_DISABLE_ALL for
    QDQ models, the exact numpy oracle for QOperator models (onnxruntime's integer kernels depend
    on the host CPU); None without onnxruntime."""
    try:
        import onnx
        import onnxruntime  # noqa: F401
    except ImportError:
        return None
    from tinymlir.onnx_oracle import reference_outputs

    proto = onnx.load(str(model))
    label, tensors = reference_outputs(proto, inputs)
    y = tensors[proto.graph.output[0].name]
    if y.dtype.kind == "f":  # float interface: compare in the output's quantised domain
        q = np.rint(y / np.float32(port.scale)) + port.zero_point
        y = np.clip(q, -128 if port.storage == "int8" else 0, 127 if port.storage == "int8" else 255)
    return label, y.astype(np.int64)


def onnxruntime_layers(model: Path, inputs: list[np.ndarray]):
    """(what ran, IR layer name -> ONNX tensor, per input: tensor name -> value), or None
    without onnxruntime."""
    try:
        import onnx
        import onnxruntime  # noqa: F401
    except ImportError:
        return None
    from tinymlir.onnx_oracle import onnx_layer_names, reference_outputs

    proto = onnx.load(str(model))
    runs = [reference_outputs(proto, [x]) for x in inputs]
    return runs[0][0], onnx_layer_names(proto), [tensors for _, tensors in runs]


def read_layers(path: Path) -> list[dict[int, np.ndarray]]:
    """Per input row: layer index -> bytes (rows restart at layer 0)."""
    data = path.read_bytes()
    rows: list[dict[int, np.ndarray]] = []
    pos = 0
    while pos < len(data):
        index, size = struct.unpack_from("<ii", data, pos)
        pos += 8
        values = np.frombuffer(data, np.int8, size, pos).copy()
        pos += size
        if index == 0 or not rows:
            rows.append({})
        rows[-1][index] = values
    return rows


def _as_ir_layout(expected: np.ndarray, shape: tuple[int, ...], nhwc: bool) -> np.ndarray | None:
    """An ONNX tensor in the IR's layout (NCHW -> NHWC when `nhwc`), or None if the shapes differ."""
    if expected.ndim == 4 and nhwc:
        expected = expected.transpose(0, 2, 3, 1)
    return expected if tuple(expected.shape) == shape else None


def _nhwc_results(function) -> set:
    """The 4-D values the importer laid out NHWC (from ONNX's NCHW): results of convolutions and
    pools, of the relayout transposes into NHWC, and of elementwise ops on such values."""
    from tinymlir.dialects import qnn

    nhwc: set = set()
    for op in function.body.block.ops:
        if not op.results or not isinstance(op.results[0].type, qnn.QTensorType):
            continue
        if isinstance(op, qnn.Conv2DOp | qnn.AvgPool2DOp | qnn.MaxPool2DOp):
            nhwc.add(op.results[0])
        elif isinstance(op, qnn.TransposeOp):
            perm = tuple(int(p) for p in op.perm.get_values())
            if perm == ((0, 1, 2, 3) if op.input in nhwc else (0, 2, 3, 1)):
                nhwc.add(op.results[0])
        elif not isinstance(op, qnn.ReshapeOp | qnn.ConstantOp) and op.operands and op.operands[0] in nhwc:
            nhwc.add(op.results[0])
    return nhwc


def layer_table(module, inputs, rows, ort=None) -> tuple[list[str], str | None, str | None]:
    """Per layer over all inputs: max LSB and elements differing from the reference executor and,
    with `ort` (from onnxruntime_layers), from onnxruntime / the exact oracle. Returns the table,
    the first layer that differs from the reference executor and the first that differs from ORT."""
    from tinymlir.dialects import qnn
    from tinymlir.reference import find_function, trace_module

    nhwc = _nhwc_results(find_function(module))
    stats: dict[int, list] = {}
    first_bad = None
    ort_first: tuple[int, int, str] | None = None  # (layer, row, text)
    for row, x in enumerate(inputs):
        layer = 0
        trace = [
            (op, value) for op, value in trace_module(module, [x])
            if not isinstance(op, qnn.ConstantOp | qnn.QuantizeOp | qnn.DequantizeOp) and op.name.startswith("qnn.")
        ]
        last_of_name = {op.results[0].name_hint: i for i, (op, _) in enumerate(trace)}
        for position, (op, value) in enumerate(trace):
            index, layer = layer, layer + 1
            if index not in rows[row]:
                continue  # views (reshape) have no output of their own
            got = rows[row][index]
            if op.results[0].type.is_unsigned:
                got = got.view(np.uint8)
            got = got.astype(np.int64)
            diff = np.abs(got - np.asarray(value).reshape(-1).astype(np.int64))
            name = op.results[0].name_hint or "-"
            entry = stats.setdefault(index, [name, op, 0, 0, None, 0])
            entry[2] = max(entry[2], int(diff.max()))
            entry[3] += int((diff > 0).sum())
            if diff.any() and first_bad is None:
                first_bad = f"layer {index} '{name}' ({op.name}) on input {row}"
            if ort is None or last_of_name.get(name) != position or name not in ort[1]:
                continue
            expected = ort[2][row].get(ort[1][name])
            shape = tuple(op.results[0].type.get_shape())
            expected = None if expected is None else _as_ir_layout(np.asarray(expected), shape, op.results[0] in nhwc)
            if expected is None:
                continue
            d = np.abs(got - expected.reshape(-1).astype(np.int64))
            entry[4] = max(entry[4] or 0, int(d.max()))
            entry[5] += int((d > 0).sum())
            if d.any() and (ort_first is None or (index, row) < ort_first[:2]):
                ort_first = (index, row, f"layer {index} '{name}' ({op.name}) on input {row}: "
                             f"{int(d.max())} LSB, {int((d > 0).sum())} of {d.size} elements")
    head = f"{'#':>3}  {'layer':<24} {'op':<14} {'shape':<16} {'max LSB':>8} {'differ':>8}"
    if ort is not None:
        head += f" {'ORT LSB':>8} {'ORT diff':>8}"
    lines = [head]
    for index, (name, op, worst, count, ort_worst, ort_count) in sorted(stats.items()):
        shape = "x".join(map(str, op.results[0].type.get_shape()))
        line = f"{index:>3}  {name[:24]:<24} {op.name[4:]:<14} {shape:<16} {worst:>8} {count:>8}"
        if ort is not None:
            line += f" {ort_worst:>8} {ort_count:>8}" if ort_worst is not None else f" {'-':>8} {'-':>8}"
        lines.append(line)
    return lines, first_bad, ort_first[2] if ort_first else None


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
        module, c_file, _, library = compile_model(args.model, workdir, args.numerics)
        if len(library.inputs) != 1 or len(library.outputs) != 1:
            raise TinymlirError(
                "the command line drives models with one input and one output; for others use "
                "build() and the harness from Python (see test/python/test_e2e_c.py)"
            )
        port_in, port_out = library.inputs[0], library.outputs[0]
        expected_tflm = None
        if args.inputs:
            data = np.load(args.inputs)
            raw = [np.asarray(x) for x in data["inputs"]]
            expected_tflm = data["tflm_outputs"] if "tflm_outputs" in data else None
        else:
            from tinymlir.reference import find_function

            rng = np.random.default_rng(args.seed)
            arg_type = find_function(module).args[0].type
            shape = tuple(arg_type.get_shape())
            count = args.random or 5
            if arg_type.__class__.__name__ == "TensorType":
                raw = [rng.uniform(-4, 4, shape).astype(np.float32) for _ in range(count)]
            else:
                lo, hi = arg_type.storage_min, arg_type.storage_max
                dtype = np.int8 if lo < 0 else np.uint8
                raw = [rng.integers(lo, hi + 1, shape).astype(dtype) for _ in range(count)]
        exe = build(c_file, library, workdir, args.per_layer)
        c_in, reference = [], []
        for x in raw:
            qi, ref = quantised_inputs(module, [x])
            c_in.append(np.asarray(qi[0]))
            reference.append(np.asarray(ref[0]))
        in_file, out_file, layer_file = workdir / "in.bin", workdir / "out.bin", workdir / "layers.bin"
        in_file.write_bytes(b"".join(np.ascontiguousarray(x).astype(x.dtype).tobytes() for x in c_in))
        command = [str(exe), str(in_file), str(out_file)] + ([str(layer_file)] if args.per_layer else [])
        run = subprocess.run(command, capture_output=True, text=True)
        if run.returncode != 0:
            raise TinymlirError(f"the compiled model failed: {run.stderr.strip() or run.returncode}")
        out_dtype = np.uint8 if port_out.storage == "uint8" else np.int8
        got = np.frombuffer(out_file.read_bytes(), out_dtype).reshape(len(c_in), -1).astype(np.int64)
        ref = np.stack([r.reshape(-1) for r in reference]).astype(np.int64)
        worst = {"reference executor": int(np.abs(got - ref).max())}
        if expected_tflm is not None:
            worst["TFLM (npz)"] = int(np.abs(got - expected_tflm.reshape(len(c_in), -1).astype(np.int64)).max())
        ort = [onnxruntime_outputs(args.model, [x], port_out) for x in raw]
        if all(o is not None for o in ort):
            label = ort[0][0]
            worst[f"onnxruntime ({label})"] = int(np.abs(got - np.stack([o[1].reshape(-1) for o in ort])).max())
        print(f"{library.name}: {len(c_in)} inputs, generated C compiled with cc {' '.join(CFLAGS)}")
        if args.show:
            expected = expected_tflm.reshape(len(c_in), -1) if expected_tflm is not None else ref
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
            lines, first_bad, ort_first = layer_table(module, raw, read_layers(layer_file), ort_layers)
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
