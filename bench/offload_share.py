"""Offloaded MAC share per model and DIANA target: what offload-to-accel puts on the accelerator,
and why the rest stays on the CPU, for the four MLPerf Tiny models.

    .venv/bin/python bench/offload_share.py [--models DIR] [--out bench/results/offload-share.md]

Each model is imported and lowered to the kernel level (canonicalize, cse, qnn-schedule,
convert-qnn-to-kernel: one qk op per layer, before patch-schedule's CPU row bands), then
partitioned by offload-to-accel (passes/offload_to_accel.py) for diana-digital and
diana-digital-shift, with the unit's own padding (default) and with pad-in-l1=true (the L1
tiling, not built yet, writes each conv's padding into its input tile). MACs are the qk ops'
`macs()`; an add has none. The figures are decisions only: nothing runs on an accelerator yet.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from pathlib import Path

import onnx

from tinymlir.compiler import import_model
from tinymlir.passes.offload_to_accel import Decision, partition
from tinymlir.pipelines import run_pipeline
from tinymlir.target import load_target, set_target

MODELS = ("ic_resnet8", "kws_dscnn", "vww_mobilenet", "ad_toycar")
TARGETS = ("diana-digital", "diana-digital-shift")
KERNEL_LEVEL = "canonicalize,cse,qnn-schedule,convert-qnn-to-kernel"
DEFAULT_MODELS = Path(__file__).resolve().parents[2] / "shared" / "models"


def decisions(model: Path) -> dict[tuple[str, bool], list[Decision]]:
    """(target, pad_in_l1) -> the partition of `model`'s kernel ops."""
    module = import_model(onnx.load(model))
    run_pipeline(module, KERNEL_LEVEL)
    result = {}
    for name in TARGETS:
        set_target(module, load_target(name))
        for pad_in_l1 in (False, True):
            result[(name, pad_in_l1)] = partition(module, pad_in_l1=pad_in_l1)
    return result


def share(found: list[Decision]) -> float:
    total = sum(d.macs for d in found)
    return sum(d.macs for d in found if d.unit is not None) / total if total else 0.0


def report(models: Path) -> str:
    lines = ["| model | target | padding | layers offloaded | MACs offloaded | share |", "|---|---|---|---|---|---|"]
    reasons: list[str] = []
    for model in MODELS:
        for (target, pad_in_l1), found in decisions(models / f"{model}.onnx").items():
            total = sum(d.macs for d in found)
            offloaded = sum(d.macs for d in found if d.unit is not None)
            layers = sum(d.unit is not None for d in found)
            padding = "pad-in-l1" if pad_in_l1 else "unit pads"
            lines.append(f"| {model} | {target} | {padding} | {layers} / {len(found)} | "
                         f"{offloaded:,} / {total:,} | {100 * share(found):.2f} % |")  # fmt: skip
            grouped: dict[str, list[Decision]] = defaultdict(list)
            for d in found:
                if d.reason is not None:
                    # the channel and multiplier vary by layer; group by the kind of reason
                    grouped[d.reason.split(": channel")[0] if "channel" in d.reason else d.reason].append(d)
            reasons.append(f"\n{model}, {target}, {padding}: on the CPU")
            for why, ops in grouped.items():
                names = ", ".join(d.layer for d in ops)
                reasons.append(f"- {why} ({sum(d.macs for d in ops):,} MACs): {names}")
    return "\n".join(lines) + "\n" + "\n".join(reasons) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=Path, default=DEFAULT_MODELS)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    text = report(args.models)
    print(text, end="")
    if args.out:
        args.out.write_text(f"Command: .venv/bin/python bench/offload_share.py --out {args.out}\n\n{text}")


if __name__ == "__main__":
    main()
