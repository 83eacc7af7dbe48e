"""Measures the exact oracle against onnxruntime on the ort_models set (not a test: onnxruntime's
QOperator kernels are exact only on CPUs with VNNI, so run this on such a machine).

    python test/python/ort_cross_check.py [MODEL_DIR]

Per model x variant: does it import; the oracle (spec arithmetic, and the ort_x86 flavour that
models MLAS) against onnxruntime (ORT_DISABLE_ALL; for QOperator variants that runs ORT's integer
kernels), as elements differing / max LSB, layer by layer (each layer fed onnxruntime's inputs)
and end to end; and onnx.reference's own QLinearConv / QLinearMatMul against the oracle's.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import onnx  # noqa: E402
import ort_models as M  # noqa: E402
import ort_oracle as O  # noqa: E402
from onnx.reference import ReferenceEvaluator  # noqa: E402

from tinymlir.frontend.onnx import import_onnx  # noqa: E402
from tinymlir.onnx_oracle import KERNELS  # noqa: E402

SEEDS = range(20, 28)


def final_q(model):
    out = model.graph.output[0].name
    return next((n.input[0] for n in model.graph.node if n.output[0] == out and n.op_type == "DequantizeLinear"), out)


def compare(model, flavour):
    oracle = O.ExactOracle(model, flavour)
    layers = [t for t, _ in O.layer_tensors(model)]
    fed, e2e, total = [0, 0], [0, 0], 0
    for seed in SEEDS:
        x = M.float_inputs(model, 1, seed)
        ort = O.run_ort(model, x, layers=True)
        got = oracle.run_all(x, replace={t: ort[t] for t in layers})
        for t in layers:
            n, d = O.lsb(got[t], ort[t])
            fed = [fed[0] + n, max(fed[1], d)]
            total += ort[t].size
        n, d = O.lsb(oracle.run_all(x)[final_q(model)], ort[final_q(model)])
        e2e = [e2e[0] + n, max(e2e[1], d)]
    return fed, total, e2e


def builtin_vs_ours(model):
    """onnx.reference's QLinearConv/QLinearMatMul (float64 product) against the oracle's."""
    if O.is_qdq(model):
        model = O.qdq_to_qoperator(model)
    ours = O.ExactOracle(model)
    kernels = [k for k in KERNELS if k.__name__ not in ("QLinearConv", "QLinearMatMul")]
    builtin = ReferenceEvaluator(model, new_ops=kernels)
    layers = [n.output[0] for n in model.graph.node if n.op_type in ("QLinearConv", "QLinearMatMul")]
    count, worst, total = 0, 0, 0
    for seed in SEEDS:
        x = M.float_inputs(model, 1, seed)
        expected = ours.run_all(x)
        env = dict(builtin.rt_inits_)
        env[builtin.input_names[0]] = x[0]
        for node in builtin.rt_nodes_:
            results = node.run(*[env[i] if i else None for i in node.input])
            for name, value in zip(node.output, results, strict=False):
                if name in layers:
                    n, d = O.lsb(value, expected[name])
                    count, worst, total = count + n, max(worst, d), total + value.size
                env[name] = expected[name]  # each layer on the oracle's inputs
    return count, worst, total


def main() -> None:
    directory = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp())
    paths = M.build_all(directory)
    print("| model | variant | imports | spec vs ORT layerwise | spec vs ORT end to end | ort_x86 vs ORT layerwise | ort_x86 end to end | onnx.reference QLinearConv/MatMul vs spec |")
    print("|---|---|---|---|---|---|---|---|")
    for (name, variant), path in paths.items():
        model = onnx.load(str(path))
        try:
            import_onnx(model)
            imports = "yes"
        except Exception as exc:  # noqa: BLE001 - reported
            imports = f"no: {exc}"
        fed, total, e2e = compare(model, "spec")
        fed_x, _, e2e_x = compare(model, "ort_x86")
        b_n, b_d, b_total = builtin_vs_ours(model)
        print(f"| {name} | {variant} | {imports} | {fed[0]}/{total}, {fed[1]} LSB | {e2e[0]}, {e2e[1]} LSB "
              f"| {fed_x[0]}, {fed_x[1]} LSB | {e2e_x[0]}, {e2e_x[1]} LSB | {b_n}/{b_total}, {b_d} LSB |")


if __name__ == "__main__":
    main()
