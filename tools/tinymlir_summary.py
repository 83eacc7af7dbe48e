"""`tinymlir-summary`: a verified model's layer table, and optionally its reference outputs.

    tinymlir-summary model.onnx|model.mlir [--inputs io.npz] [--pipeline mcu]

Prints one row per qnn op (output shape, quantisation, MACs, parameter bytes) and the
totals. With `--inputs`, runs the reference executor on the `inputs` array of the
.npz and compares with its `tflm_outputs` (exit 1 on any difference).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from xdsl.dialects import arith, builtin, func
from xdsl.parser import Parser

from tinymlir.cost import constant_bytes, macs
from tinymlir.dialects import qnn
from tinymlir.errors import TinymlirError
from tinymlir.pipelines import PIPELINES, make_context, run_pipeline


def load(path: Path, pipeline: str | None) -> builtin.ModuleOp:
    ctx = make_context()
    if path.suffix == ".onnx":
        from tinymlir.compiler import import_model

        module = import_model(path)
    else:
        try:
            module = Parser(ctx, path.read_text(), str(path)).parse_module()
        except OSError as exc:
            raise TinymlirError(f"cannot read '{path}': {exc.strerror}") from None
    module.verify()
    if pipeline:
        if pipeline not in PIPELINES:
            raise TinymlirError(f"unknown pipeline '{pipeline}'; available: {', '.join(PIPELINES)}")
        run_pipeline(module, pipeline, ctx)
        module.verify()
    return module


def describe(t) -> str:
    if isinstance(t, qnn.QTensorType):
        if t.is_per_channel:
            return f"{t.element_type} per-channel({len(t.scales)})"
        return f"{t.element_type} {qnn.format_f32(t.scale)}:{t.zero_point}"
    return str(t)


def summary(module: builtin.ModuleOp) -> str:
    rows, total_macs, total_bytes, layers = [], 0, 0, 0
    for function in (op for op in module.ops if isinstance(op, func.FuncOp)):
        args = ", ".join(f"{describe(a.type)} {list(a.type.get_shape())}" for a in function.args)
        rows.append(f"func @{function.sym_name.data}({args})")
        rows.append(f"  {'#':>3}  {'layer':<24} {'op':<16} {'output':<16} {'quantisation':<22} {'MACs':>10} {'params B':>9}")
        for op in function.body.walk():
            if isinstance(op, qnn.ConstantOp | arith.ConstantOp):
                total_bytes += constant_bytes(op)
                continue
            if not op.name.startswith("qnn."):
                continue
            out = op.results[0]
            params = sum(constant_bytes(o.owner) for o in op.operands if isinstance(o.owner, qnn.ConstantOp | arith.ConstantOp))
            layers += 1
            total_macs += macs(op)
            shape = "x".join(str(d) for d in out.type.get_shape())
            rows.append(
                f"  {layers:>3}  {(out.name_hint or '-')[:24]:<24} {op.name[4:]:<16} {shape:<16} "
                f"{describe(out.type):<22} {macs(op):>10,} {params:>9,}"
            )
    rows.append(f"  {layers} layers, {total_macs:,} MACs, {total_bytes:,} bytes of weights and biases")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model", type=Path)
    parser.add_argument("--inputs", type=Path, help=".npz with 'inputs' (and 'tflm_outputs')")
    parser.add_argument("--pipeline", help="named pipeline to run before summarising")
    args = parser.parse_args(argv)
    try:
        module = load(args.model, args.pipeline)
        print(summary(module))
        print("verified: ok")
        if args.inputs is None:
            return 0
        from tinymlir.reference import run_module

        data = np.load(args.inputs)
        failures = 0
        for i, x in enumerate(data["inputs"]):
            (y,) = run_module(module, [x])
            line = f"input {i}: output {y.reshape(-1).tolist()}"
            if "tflm_outputs" in data:
                expected = data["tflm_outputs"][i].reshape(-1)
                diff = int(np.abs(y.reshape(-1).astype(int) - expected.astype(int)).max())
                line += f"\n         TFLM   {expected.tolist()}\n         max |diff| = {diff} LSB"
                failures += diff != 0
            print(line)
        return 1 if failures else 0
    except TinymlirError as exc:
        print(f"tinymlir-summary: error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
