"""The compiled C against onnxruntime (and TFLM), per model x variant x numerics mode.

For every model of the onnxruntime-quantised set (test/python/ort_models.py) and both modes
(--numerics=onnx, --numerics=tflm): the C library's quantised output on 4 random inputs
(seeds 11-14) against
  * onnxruntime: at ORT_DISABLE_ALL for QDQ variants (float kernels, run as written), its own
    QOperator kernels for QOperator variants (integer kernels: their results depend on the
    host CPU, e.g. u8s8 QLinearConv saturates on AVX2 without VNNI; the CPU is printed);
  * the exact oracle (tinymlir/onnx_oracle.py, default flavour "x86_64").
For the four MLPerf Tiny models (/work/shared/models): the C on the rows of <model>.io.npz
against its tflm_outputs and its ort_outputs.
Each cell: elements differing / elements compared, max |LSB|.

    .venv/bin/python bench/onnx_numerics_table.py [--models-cache DIR] [--only NAME]
"""

from __future__ import annotations

import argparse
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import onnx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "test" / "python"))

import ort_models as M  # noqa: E402

from tinymlir import onnx_oracle as O  # noqa: E402
from tinymlir.build import build_host  # noqa: E402
from tinymlir.compare import quantised_inputs  # noqa: E402
from tinymlir.compiler import compile_model  # noqa: E402

SEEDS = (11, 12, 13, 14)
MLPERF = ["kws_dscnn", "ic_resnet8", "vww_mobilenet", "ad_toycar"]


def run_c(path: Path, numerics: str, rows_of, workdir: Path):
    """(module, C outputs [rows, -1]) of `path` compiled in `numerics`; rows_of(module) gives
    the C input rows."""
    compiled = compile_model(path, workdir, numerics=numerics)
    module, library = compiled.module, compiled.library
    exe = build_host(compiled.c_file, library, workdir)
    rows = rows_of(module)
    in_file, out_file = workdir / "in.bin", workdir / "out.bin"
    in_file.write_bytes(b"".join(np.ascontiguousarray(r).tobytes() for r in rows))
    subprocess.run([str(exe), str(in_file), str(out_file)], check=True)
    dtype = np.uint8 if library.outputs[0].storage == "uint8" else np.int8
    return np.frombuffer(out_file.read_bytes(), dtype).reshape(len(rows), -1)


def quantised_output(model: onnx.ModelProto, tensors: dict) -> np.ndarray:
    out = model.graph.output[0].name
    for node in model.graph.node:
        if node.output[0] == out and node.op_type == "DequantizeLinear":
            return tensors[node.input[0]]
    return tensors[out]


def cell(got: np.ndarray, want: np.ndarray) -> str:
    n, d = O.lsb(got, want.reshape(got.shape))
    return f"{n}/{got.size}, {d}"


def ort_model_rows(cache: Path, only: str | None) -> list[str]:
    paths = M.build_all(cache)
    lines = ["| model | variant | numerics | C vs onnxruntime | C vs oracle (x86_64) |", "|---|---|---|---|---|"]
    for (name, variant), path in sorted(paths.items()):
        if only and only != name:
            continue
        model = onnx.load(str(path))
        inputs = [M.float_inputs(model, 1, s) for s in SEEDS]
        qdq = M.VARIANT_SPECS[variant].qdq
        ort = np.stack([quantised_output(model, O.run_ort(model, x, layers=True)).reshape(-1) for x in inputs])
        oracle = O.ExactOracle(model)
        exact = np.stack([quantised_output(model, oracle.run_all(x)).reshape(-1) for x in inputs])
        for numerics in ("onnx", "tflm"):
            with tempfile.TemporaryDirectory() as tmp:
                def rows_of(module, inputs=inputs):
                    return [quantised_inputs(module, x)[0][0] for x in inputs]

                got = run_c(path, numerics, rows_of, Path(tmp))
            against = "ORT_DISABLE_ALL" if qdq else "QOperator kernels"
            lines.append(f"| {name} | {variant} | {numerics} | {cell(got, ort)} ({against}) | {cell(got, exact)} |")
    return lines


def mlperf_rows(models_dir: Path, only: str | None) -> list[str]:
    lines = ["| model | numerics | C vs TFLM (io.npz) | C vs onnxruntime (io.npz) |", "|---|---|---|---|"]
    for name in MLPERF:
        if only and only != name:
            continue
        data = np.load(models_dir / f"{name}.io.npz")
        for numerics in ("onnx", "tflm"):
            with tempfile.TemporaryDirectory() as tmp:
                got = run_c(models_dir / f"{name}.onnx", numerics, lambda m, data=data: list(data["inputs"]), Path(tmp))
            lines.append(f"| {name} | {numerics} | {cell(got, data['tflm_outputs'])} | {cell(got, data['ort_outputs'])} |")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models-cache", type=Path, default=Path(tempfile.gettempdir()) / "tinymlir_ort_models")
    parser.add_argument("--mlperf-dir", type=Path, default=Path("/work/shared/models"))
    parser.add_argument("--only", help="one model name")
    args = parser.parse_args(argv)
    import onnxruntime

    flags = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    vnni = "avx512_vnni" in flags or "avx_vnni" in flags
    print(f"host {platform.machine()}, VNNI {'yes' if vnni else 'no'}, onnxruntime {onnxruntime.__version__}, "
          f"onnx {onnx.__version__}; cells: elements differing / compared, max LSB")
    print()
    for line in ort_model_rows(args.models_cache / M.source_digest(), args.only):
        print(line, flush=True)
    print()
    if args.mlperf_dir.is_dir():
        for line in mlperf_rows(args.mlperf_dir, args.only):
            print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
