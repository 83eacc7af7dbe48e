"""`tinymlir-summary`: a verified model's layer table, and optionally its reference outputs.

    tinymlir-summary model.onnx|model.mlir [--inputs io.npz] [--pipeline mcu]

Prints one row per qnn op (output shape, quantisation, MACs, parameter bytes), numbered
with the layer hook's index, and the totals (tinymlir.summary). With `--inputs`, runs the
reference executor on the `inputs` array of the .npz and compares with its `tflm_outputs`
(exit 1 on any difference).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from tinymlir.errors import TinymlirError
from tinymlir.summary import layer_summary, load_module


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model", type=Path)
    parser.add_argument("--inputs", type=Path, help=".npz with 'inputs' (and 'tflm_outputs')")
    parser.add_argument("--pipeline", help="named pipeline to run before summarising")
    args = parser.parse_args(argv)
    try:
        module = load_module(args.model, args.pipeline)
        print(layer_summary(module))
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
