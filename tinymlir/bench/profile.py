"""Where a generated library's time goes on a Cortex-M4: instructions and a cycle estimate
per layer, from one profiled QEMU run.

The library is built as for :func:`tinymlir.bench.cortex_m.measure_cortex_m`, except that
its ``TINYMLIR_LAYER_HOOK(index, data, size)`` (called after every layer, see
tinymlir/layers.py) is defined as a call to the harness's empty ``bench_layer`` marker.
The QEMU plugin in ``mode=profile`` counts every executed translation block per
*segment*: segment i is what ran after the i-th hook call (segment 0 from ``bench_start``).
So segment i is layer i's code, where i is the hook's position in the C, and the last
segment is the return. The layers of a patch-schedule stage run band by band: the C
comments them in the first band and hooks them in the last, so a layer's span (comment to
hook) overlaps the next one's. Overlapping layers form one group, whose segments are
summed: the stage is the unit of time there.

The plugin also reports each executed instruction's disassembly, which the cost table
below turns into a cycle *estimate*. QEMU models no pipeline, so this is not a cycle
count: it ranks code and tells loads from arithmetic, and is labelled an estimate
wherever it is shown.

The hook calls cost a few instructions each (``bl`` and ``bx lr``); the profiled total
is compared with the plain build's count by the caller.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from tinymlir.bench import BenchError
from tinymlir.layers import HOOK_MACRO

#: The profiling build's definition of the layer hook (bench_rt.h declares bench_layer).
PROFILE_HOOK_FLAGS = ("-include", "bench_rt.h", f"-D{HOOK_MACRO}(i,d,s)=bench_layer()")

_CONDITIONS = ("eq", "ne", "cs", "hs", "cc", "lo", "mi", "pl", "vs", "vc", "hi", "ls", "ge", "lt", "gt", "le", "al")
_SINGLE_LOADS = {"ldr", "ldrb", "ldrh", "ldrsb", "ldrsh", "ldrex", "ldrexb", "ldrexh", "ldrt", "ldrbt", "ldrht",
                 "ldrsbt", "ldrsht"}
_MULTIPLE = {"ldm", "ldmia", "ldmfd", "ldmdb", "ldmea", "pop", "stm", "stmia", "stmea", "stmdb", "stmfd", "push"}
_DOUBLE = {"ldrd", "strd"}
_COSTED = _SINGLE_LOADS | _MULTIPLE | _DOUBLE
_REGISTER = re.compile(r"\b(r\d+|sb|sl|fp|ip|sp|lr|pc)\b")


def mnemonic(disassembly: str) -> str:
    """The base mnemonic of one instruction: lower case, without the .w/.n width and the
    condition of an IT block (``ldrne.w r3, [r2]`` -> ``ldr``)."""
    word = disassembly.split(None, 1)[0].lower() if disassembly.strip() else "?"
    word = word.split(".", 1)[0]
    if word not in _COSTED and len(word) > 2 and word[-2:] in _CONDITIONS and word[:-2] in _COSTED:
        word = word[:-2]
    return word


def _register_count(disassembly: str) -> int:
    """Registers of a {...} list (``r4-r7`` counts 4)."""
    inside = disassembly[disassembly.find("{") + 1 : disassembly.rfind("}")]
    count = 0
    for part in inside.split(","):
        ends = [int(r[1:]) for r in re.findall(r"r\d+", part)]
        if "-" in part and len(ends) == 2:
            count += ends[1] - ends[0] + 1
        elif part.strip():
            count += 1
    return count


def estimated_cycles(disassembly: str) -> int:
    """The cost table of the estimate (issue 10; ../shared/docs/measuring-cortex-m.md):
    a single load (LDR, LDRB, LDRSH, ...) 2 cycles, LDRD/STRD and LDM/STM/PUSH/POP 1 + N
    for N registers, everything else 1 (ALU, multiply-accumulate incl. SMLAD, stores,
    branches: taken-branch refills are not modelled)."""
    word = mnemonic(disassembly)
    if word in _SINGLE_LOADS:
        return 2
    if word in _DOUBLE:
        return 3
    if word in _MULTIPLE:
        return 1 + max(1, _register_count(disassembly))
    return 1


@dataclass(frozen=True)
class Segment:
    """What ran between two hook calls."""

    instructions: int
    cycles: int


def parse_profile(log_text: str) -> list[Segment]:
    """The plugin's ``tb=`` lines (mode=profile) -> per segment instructions and cycles."""
    instructions: list[int] = []
    cycles: list[int] = []
    for line in log_text.splitlines():
        if not line.startswith("tb="):
            continue
        hits_field, *insns = line[3:].split("|")
        hits = [int(h) for h in hits_field.split(",")]
        block_cycles = sum(estimated_cycles(i.split(" ", 1)[1] if " " in i else "") for i in insns)
        while len(instructions) < len(hits):
            instructions.append(0)
            cycles.append(0)
        for s, count in enumerate(hits):
            instructions[s] += count * len(insns)
            cycles[s] += count * block_cycles
    return [Segment(i, c) for i, c in zip(instructions, cycles, strict=True)]


_HOOK_CALL = re.compile(rf"^\s*{HOOK_MACRO}\((\d+),")
_LAYER_DOC = re.compile(r"^\s*/\* ([^ :]+): (.*?)(?:, ([\d,]+) MACs)? \*/$")


@dataclass(frozen=True)
class LayerGroup:
    """Layers whose time is measured together: one layer, or a patch-schedule stage.
    predicted: the register model's instructions for the group's modelled layers (None:
    none is); modelled: how many of its layers the model covers."""

    names: tuple[str, ...]
    macs: int
    instructions: int
    cycles: int
    predicted: int | None = None
    modelled: int = 0

    @property
    def label(self) -> str:
        if len(self.names) == 1:
            return self.names[0]
        return f"{self.names[0]}..{self.names[-1]} ({len(self.names)} layers, one banded stage)"


def layer_predictions(module) -> dict[int, int]:
    """Predicted Cortex-M4 instructions by layer (hook) index for a kernel-level module
    (the mcu pipeline's IR before convert-kernel-to-loops): the register level's prediction
    for each qk op that an SMLAD kernel lowers (tile_for_memory.register_choice), times the
    trips of the constant loops around it (a patch-schedule band loop), summed over a
    layer's band copies. Layers with an op the model does not cover are left out."""
    from xdsl.dialects import arith, scf

    from tinymlir.dialects import kernel as qk
    from tinymlir.passes.tile_for_memory import register_choice

    def constant(value) -> int | None:
        owner = getattr(value, "owner", None)
        if isinstance(owner, arith.ConstantOp) and hasattr(owner.value, "value"):
            return owner.value.value.data
        return None

    def trips(op) -> int:
        count, parent = 1, op.parent_op()
        while parent is not None:
            if isinstance(parent, scf.ForOp):
                lb, ub, step = (constant(v) for v in (parent.lb, parent.ub, parent.step))
                if None in (lb, ub, step) or step <= 0:
                    raise BenchError(f"per-layer prediction: a loop around {op.layer_name.data} has no constant bounds")
                count *= max(0, -(-(ub - lb) // step))
            parent = parent.parent_op()
        return count

    predicted: dict[int, int] = {}
    unmodelled: set[int] = set()
    for op in module.walk():
        if not isinstance(op, qk.KernelOp):
            continue
        index = op.layer.value.data
        tile = register_choice(op)
        if tile is None:
            unmodelled.add(index)
            continue
        predicted[index] = predicted.get(index, 0) + tile.instructions * trips(op)
    return {i: v for i, v in predicted.items() if i not in unmodelled}


def layer_groups(
    c_text: str, segments: Sequence[Segment], layer_macs: Mapping[int, int] | None = None,
    layer_predicted: Mapping[int, int] | None = None,
) -> tuple[list[LayerGroup], Segment]:
    """Groups of the library's layers with their segments' figures, in program order, and
    the rest of the run after the last hook (the return). `c_text` is the generated C
    whose hooks the profiled build called; one segment per hook call plus the tail.
    `layer_macs`: MACs by layer (hook) index; without it, from the layer comments, which
    in a banded stage describe the first band only. `layer_predicted`: the register
    model's instructions by layer index (layer_predictions)."""
    lines = c_text.splitlines()
    doc_lines = [(i, m.groups()) for i, line in enumerate(lines) if (m := _LAYER_DOC.match(line))]
    docs = [d for _, d in doc_lines]
    hook_lines = [i for i, line in enumerate(lines) if _HOOK_CALL.match(line)]
    hook_index = [int(_HOOK_CALL.match(lines[i]).group(1)) for i in hook_lines]
    if len(segments) < len(hook_lines) + 1:
        segments = [*segments, *[Segment(0, 0)] * (len(hook_lines) + 1 - len(segments))]
    if len(segments) != len(hook_lines) + 1 or len(docs) != len(hook_lines):
        raise BenchError(
            f"per-layer profile: {len(hook_lines)} layer hooks and {len(docs)} layer comments in the C, "
            f"{len(segments) - 1} hook calls counted (a hook inside a loop?)"
        )
    # A layer spans its comment to its hook. In a banded stage the first band's comments
    # all come before the last band's hooks: overlapping spans are one group.
    groups: list[list[int]] = []
    for k in range(len(hook_lines)):
        if groups and doc_lines[k][0] < hook_lines[k - 1]:
            groups[-1].append(k)
        else:
            groups.append([k])
    result = []
    for members in groups:
        modelled = [layer_predicted[hook_index[k]] for k in members
                    if layer_predicted is not None and hook_index[k] in layer_predicted]
        result.append(LayerGroup(
            names=tuple(docs[k][0] for k in members),
            macs=sum(
                layer_macs.get(hook_index[k], 0) if layer_macs is not None
                else int((docs[k][2] or "0").replace(",", "")) for k in members
            ),
            instructions=sum(segments[k].instructions for k in members),
            cycles=sum(segments[k].cycles for k in members),
            predicted=sum(modelled) if modelled else None,
            modelled=len(modelled),
        ))  # fmt: skip
    return result, segments[-1]


def profile_cortex_m(
    c_file: Path, header: Path, name: str, input_bytes: bytes, opt: str, workdir: Path,
    *, layer_macs: Mapping[int, int] | None = None, layer_predicted: Mapping[int, int] | None = None,
    timeout: float = 600.0,
) -> dict:
    """Builds the library with the profiling hook, runs it once under the profiling plugin
    and returns ``{"instructions": the region's count, "cycles": the estimate, "layers":
    [LayerGroup], "tail": Segment, "output": bytes}`` (`layer_macs`, `layer_predicted`: see
    layer_groups)."""
    from tinymlir.bench.cortex_m import build_cortex_m, run_qemu

    build = build_cortex_m([c_file], header, name, input_bytes, opt=opt, workdir=workdir,
                           extra_cflags=PROFILE_HOOK_FLAGS)
    run = run_qemu(build.elf, workdir, name=name, profile=True, timeout=timeout)
    segments = run["segments"]
    groups, tail = layer_groups(Path(c_file).read_text(), segments, layer_macs, layer_predicted)
    counted = sum(s.instructions for s in segments)
    if abs(counted - run["instructions"]) > 2:
        raise BenchError(
            f"per-layer profile of {name}: the blocks sum to {counted} instructions, the region to "
            f"{run['instructions']}"
        )
    return {
        "instructions": run["instructions"],
        "cycles": sum(s.cycles for s in segments),
        "layers": groups,
        "tail": tail,
        "output": run["output"],
    }
