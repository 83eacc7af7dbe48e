"""The compiled C (--numerics=onnx) against both of onnxruntime's execution paths of a QDQ model.

onnxruntime runs a QDQ graph either as written (ORT_DISABLE_ALL: float kernels between
DequantizeLinear and QuantizeLinear) or, by default (ORT_ENABLE_ALL), with DQ -> op -> Q groups
fused into its integer kernels (QLinearConv, QGemm, ...). The two can disagree with each other;
this table shows, per QDQ model of the onnxruntime-quantised set (test/python/ort_models.py), on
4 random inputs (seeds 11-14), how the C compares with each path and how the paths compare with
each other. The optimised path runs onnxruntime's integer kernels, whose results depend on the
host CPU (the CPU's VNNI support is printed): this is a measurement, not a test.
Cells: elements differing / elements compared, max |LSB| of the quantised output.

    .venv/bin/python bench/ort_optimised_paths.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np
import onnx
import onnx.numpy_helper

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "test" / "python"))

import ort_models as M  # noqa: E402

from tinymlir import onnx_oracle as O  # noqa: E402
from tinymlir.build import build_host, run_host  # noqa: E402
from tinymlir.compare import quantised_inputs  # noqa: E402
from tinymlir.compiler import compile_model  # noqa: E402

SEEDS = (11, 12, 13, 14)


def quantised_output(model: onnx.ModelProto, outputs: dict) -> np.ndarray:
    """The graph's float output mapped back to the integers of its final DequantizeLinear."""
    init = {i.name: onnx.numpy_helper.to_array(i) for i in model.graph.initializer}
    dq = next(n for n in model.graph.node if n.output[0] == model.graph.output[0].name)
    scale, zero_point = init[dq.input[1]], init[dq.input[2]].astype(np.int64)
    return (np.rint(outputs[model.graph.output[0].name] / scale).astype(np.int64) + zero_point).reshape(-1)


def cell(a: np.ndarray, b: np.ndarray) -> str:
    differing, worst = O.lsb(a, b)
    return f"{differing}/{a.size}, {worst}"


def main() -> None:
    vnni = "avx512_vnni" in Path("/proc/cpuinfo").read_text() or "avx_vnni" in Path("/proc/cpuinfo").read_text()
    print(f"host VNNI: {'yes' if vnni else 'no'}\n")
    print("| model | variant | C vs ORT_DISABLE_ALL | C vs ORT_ENABLE_ALL | ORT_ENABLE_ALL vs ORT_DISABLE_ALL |")
    print("|---|---|---|---|---|")
    paths = M.build_all(Path(tempfile.mkdtemp()))
    for (name, variant), path in sorted(paths.items()):
        if not M.VARIANT_SPECS[variant].qdq:
            continue
        model = onnx.load(str(path))
        work = Path(tempfile.mkdtemp())
        compiled = compile_model(path, work, numerics="onnx")
        exe = build_host(compiled.c_file, compiled.library, work)
        rows, plain, fused = [], [], []
        for seed in SEEDS:
            x = M.float_inputs(model, 1, seed)
            rows.append([np.ascontiguousarray(quantised_inputs(compiled.module, x)[0][0])])
            plain.append(quantised_output(model, O.run_ort(model, x, optimize=False)))
            fused.append(quantised_output(model, O.run_ort(model, x, optimize=True)))
        c = np.stack([outs[0].reshape(-1) for outs in run_host(exe, rows, work, compiled.library)])
        plain, fused = np.stack(plain), np.stack(fused)
        print(f"| {name} | {variant} | {cell(c, plain)} | {cell(c, fused)} | {cell(fused, plain)} |")


if __name__ == "__main__":
    main()
