"""Memory report of a compiled model: the arena plan per layer, as Markdown and a PNG.

Reads the plan plan-arena keeps in the IR (`tinymlir.arena_plan` on the model's
function): every buffer's offset, size and lifetime over the schedule, and the
layer run at each step of the schedule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from xdsl.dialects.builtin import DictionaryAttr, ModuleOp, StringAttr

from tinymlir.errors import TinymlirError


@dataclass
class PlannedBuffer:
    name: str
    offset: int
    size: int
    first: int
    last: int


@dataclass
class ArenaPlan:
    size: int
    lower_bound: int
    buffers: list[PlannedBuffer]
    steps: list[str]
    schedule: str = ""
    """patch-schedule's one line: the banded stage, or why the plan is layer by layer."""
    stages: list[tuple[str, int, int]] = field(default_factory=list)
    """Each patched stage (patch.stage: layers, form, grid) and the steps it spans."""

    def layer_steps(self) -> list[int]:
        """Steps that run a layer (the others are constants and glue)."""
        return [i for i, name in enumerate(self.steps) if name]

    def live_at(self, step: int) -> list[PlannedBuffer]:
        return [b for b in self.buffers if b.first <= step <= b.last]


def arena_plan(module: ModuleOp) -> ArenaPlan:
    for op in module.walk():
        plan = op.attributes.get("tinymlir.arena_plan")
        if isinstance(plan, DictionaryAttr):
            buffers = [
                PlannedBuffer(
                    b.data["name"].data, b.data["offset"].value.data, b.data["size"].value.data,
                    b.data["first"].value.data, b.data["last"].value.data,
                )
                for b in plan.data["buffers"].data
            ]
            steps = [s.data for s in plan.data["steps"].data]
            size = op.attributes["tinymlir.arena_size"].value.data
            bound = op.attributes["tinymlir.arena_lower_bound"].value.data
            schedule = op.attributes.get("tinymlir.patch_schedule")
            stages = [
                (s.data["stage"].data, s.data["first"].value.data, s.data["last"].value.data)
                for s in (plan.data["stages"].data if "stages" in plan.data else ())
            ]
            return ArenaPlan(size, bound, buffers, steps, schedule.data if isinstance(schedule, StringAttr) else "", stages)
    raise TinymlirError("no arena plan in the module (run plan-arena, e.g. --pipeline=mcu)")


def markdown(plan: ArenaPlan, name: str, io_bytes: int = 0) -> str:
    lines = [
        f"# Memory plan of {name}",
        "",
        f"- arena: **{plan.size:,} bytes** (planned), lower bound {plan.lower_bound:,} bytes "
        f"(+{plan.size - plan.lower_bound:,}, {100.0 * (plan.size / plan.lower_bound - 1) if plan.lower_bound else 0:.1f} %)",
        f"- input and output buffers (the caller's): {io_bytes:,} bytes",
        *([f"- schedule: {plan.schedule}"] if plan.schedule else []),
        *(f"- patched stage: {stage}, steps {first}..{last}" for stage, first, last in plan.stages),
        "",
        "## Per layer",
        "",
        "| step | layer | live bytes | buffers live (name @ offset, size) |",
        "|---:|---|---:|---|",
    ]
    for step in plan.layer_steps():
        live = plan.live_at(step)
        described = ", ".join(f"{b.name} @ {b.offset} ({b.size})" for b in sorted(live, key=lambda b: b.offset))
        lines.append(f"| {step} | {plan.steps[step]} | {sum(b.size for b in live):,} | {described} |")
    lines += ["", "## Buffers", "", "| buffer | offset | size | live from step | to step |", "|---|---:|---:|---:|---:|"]
    for b in plan.buffers:
        lines.append(f"| {b.name} | {b.offset:,} | {b.size:,} | {b.first} | {b.last} |")
    return "\n".join(lines) + "\n"


def plot(plan: ArenaPlan, name: str, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    steps = plan.layer_steps()
    position = {s: i for i, s in enumerate(steps)}

    def x_of(step: int, end: bool) -> float:
        # Map schedule steps onto layer positions (glue steps snap to the neighbouring layer).
        candidates = [position[s] for s in steps if (s <= step if not end else s >= step)]
        if not candidates:
            return 0.0 if not end else float(len(steps))
        return (max(candidates) if not end else min(candidates)) + (1.0 if end else 0.0)

    fig, ax = plt.subplots(figsize=(max(6.0, 0.35 * len(steps) + 3), 4.5))
    colors = plt.get_cmap("tab20")
    for i, b in enumerate(plan.buffers):
        start, stop = x_of(b.first, False), x_of(b.last, True)
        ax.add_patch(plt.Rectangle((start, b.offset), max(stop - start, 0.3), b.size,
                                   facecolor=colors(i % 20), edgecolor="black", linewidth=0.5))
        if b.size > 0.05 * max(plan.size, 1):
            ax.text(start + 0.1, b.offset + b.size / 2, b.name, fontsize=6, va="center")
    for stage, first, last in plan.stages:  # each patched stage, shaded over the steps it spans
        start, stop = x_of(first, False), x_of(last, True)
        ax.axvspan(start, stop, color="grey", alpha=0.15, linewidth=0)
        ax.text(start + 0.1, max(plan.size, 1) * 1.02, f"patched: {stage}", fontsize=6, va="bottom")
    ax.axhline(plan.lower_bound, color="red", linestyle="--", linewidth=1, label=f"lower bound {plan.lower_bound:,} B")
    ax.axhline(plan.size, color="black", linewidth=1, label=f"arena {plan.size:,} B")
    ax.set_xlim(0, len(steps))
    ax.set_ylim(0, max(plan.size, 1) * 1.08)
    ax.set_xticks([i + 0.5 for i in range(len(steps))])
    ax.set_xticklabels([plan.steps[s] for s in steps], rotation=60, ha="right", fontsize=7)
    ax.set_ylabel("arena offset (bytes)")
    ax.set_title(f"{name}: activation arena over the schedule")
    ax.legend(loc="upper right", fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def write_memory_report(module: ModuleOp, out_dir: Path, name: str, io_bytes: int = 0) -> tuple[Path, Path]:
    plan = arena_plan(module)
    md, png = out_dir / f"{name}.memory.md", out_dir / f"{name}.memory.png"
    md.write_text(markdown(plan, name, io_bytes))
    plot(plan, name, png)
    return md, png
