"""plan-arena: place every activation buffer of a function in one static arena.

What it does
    The `memref.alloc`s of each buffer-level function (the activation buffers made by
    convert-qnn-to-kernel, and scratch buffers of the lowerings) become `memref.view`s at constant
    byte offsets into one `memref.alloc` of the arena's size, marked
    `tinymlir.arena`. The C backend prints that allocation as one static array.
    The function gets `tinymlir.arena_size` (the planned peak),
    `tinymlir.arena_lower_bound` (the largest sum of buffer sizes live at one
    step, which no placement can beat) and `tinymlir.arena_plan` (every buffer's
    offset, size and lifetime, the layer at each step, and each patch.stage's layers, form,
    grid and steps) for memory reports.

Cost model
    The schedule is the order of the function's top-level ops (one `qk` kernel op,
    or its loop nest, per layer), a `patch.stage`'s body ops in their place (one step
    each), and inside its band loops (`patch.band_loop`) the order of their body's ops. A buffer is live from the
    first step that touches it (directly or through a view such as a reshape) to the
    last; one allocated inside a region (a loop body, a tile) lives within the step of
    its op. A band loop's iterations share only buffers also used outside it: a buffer
    used only inside one lives over the body's steps that use it, one also used outside
    over the whole loop. Buffers live at
    the same step must not overlap. Placement is best fit: each buffer goes to
    the smallest aligned gap free of every already placed buffer whose lifetime
    intersects its own. Buffers are placed by decreasing size first (TFLM's
    GreedyMemoryPlanner); while the arena stays above the lower bound, other
    orders (by time, by lifetime, 64 seeded shuffles) are tried and the smallest
    arena is kept. A deterministic heuristic, not an exact solver.

Options: `alignment` (bytes, a power of two), by default the target description's
(`target_of`, tinymlir/target.py).

Buffers whose memory space names a level other than the arena's (the target's
`placement.arena`), such as tile-apply's fast buffers, are not planned here: each stays
its own allocation (a static array of its own in C).

Works at the kernel level (before convert-kernel-to-loops) and at the loop level.
Assumes buffers with static shapes that do not escape the function (function
arguments are the model's input and output and are not planned), and that a buffer
allocated in a region is dead when the region is left. Refuses dynamic shapes.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.builder import Builder, InsertPoint
from xdsl.context import Context
from xdsl.dialects import arith, func, memref
from xdsl.dialects.builtin import (
    ArrayAttr,
    DictionaryAttr,
    IndexType,
    IntegerAttr,
    MemRefType,
    ModuleOp,
    StringAttr,
    UnitAttr,
    i8,
    i64,
)
from xdsl.ir import Operation, SSAValue
from xdsl.passes import ModulePass

from tinymlir.dialects import kernel as qk
from tinymlir.dialects import patch
from tinymlir.errors import PassError
from tinymlir.layers import LAYER_DOC_ATTR
from tinymlir.target import target_of

ARENA_ATTR = "tinymlir.arena"


def buffer_bytes(t: MemRefType) -> int:
    width = t.element_type.bitwidth  # type: ignore[union-attr]  (integers and f32 tables)
    count = 1
    for d in t.get_shape():
        count *= d
    return count * ((width + 7) // 8)


@dataclass
class Buffer:
    alloc: memref.AllocOp
    size: int
    first: int
    last: int
    offset: int = -1

    def overlaps_in_time(self, other: Buffer) -> bool:
        return self.first <= other.last and other.first <= self.last


def _aliases(value: SSAValue) -> list[SSAValue]:
    """The value and every view derived from it."""
    result, frontier = [value], [value]
    while frontier:
        current = frontier.pop()
        for use in current.uses:
            op = use.operation
            if isinstance(op, memref.ReinterpretCastOp | memref.ViewOp | memref.SubviewOp | memref.CollapseShapeOp):
                result.append(op.results[0])
                frontier.append(op.results[0])
    return result


def _other_level(space, arena_level: str) -> bool:
    """Whether a buffer's memory space names a memory level other than the arena's."""
    return isinstance(space, StringAttr) and space.data != arena_level


def top_level_index(op: Operation, body_ops: dict[Operation, int]) -> int:
    while op not in body_ops:
        parent = op.parent_op()
        assert parent is not None
        op = parent
    return body_ops[op]


def is_band_loop(op: Operation) -> bool:
    """A band loop of patch-schedule: its iterations share no buffer but the ones also used
    outside the loop (each band rewrites its band buffers before reading them)."""
    return isinstance(op, patch.BandLoopOp)


def _body_steps(loop: Operation):
    """A band loop's body ops, a guard's (a layer's border rows) in its place."""
    for op in loop.body.block.ops:  # type: ignore[attr-defined]
        if isinstance(op, patch.GuardOp):
            yield from op.body.block.ops
        else:
            yield op


def timeline(function: func.FuncOp) -> tuple[dict[Operation, int], dict[Operation, tuple[int, int]]]:
    """The steps of the schedule: one per top-level op (a patch.stage's body ops count as
    top-level), but one per op of a band loop's body (a guard's body ops in its place). Returns the step of each of those
    ops, and the steps each top-level op (and each stage) spans."""
    step_of: dict[Operation, int] = {}
    span: dict[Operation, tuple[int, int]] = {}
    for op in function.body.block.ops:
        stage_first = len(step_of)
        for scheduled in patch.schedule_ops((op,)):
            first = len(step_of)
            for inner in _body_steps(scheduled) if is_band_loop(scheduled) else (scheduled,):
                step_of[inner] = len(step_of)
            span[scheduled] = (first, len(step_of) - 1)
        if isinstance(op, patch.StageOp):
            span[op] = (stage_first, len(step_of) - 1)
    return step_of, span


def lifetimes(function: func.FuncOp) -> list[Buffer]:
    """The buffers of `function` in program order, each live over the steps that touch it
    (`timeline`); a buffer allocated inside a region (a loop body, a tile) is live at the
    step of its ancestor that is a step; buffers of another memory level are left out. A buffer touched only inside one band loop lives
    over the steps of its body that touch it (in every iteration); one also touched
    outside the loop over the whole loop."""
    step_of, span = timeline(function)
    arena_level = target_of(function).placement.arena
    loop_of = {
        step: loop for loop, (first, last) in span.items() if is_band_loop(loop) for step in range(first, last + 1)
    }
    buffers = []
    for op in function.walk():
        if not isinstance(op, memref.AllocOp) or ARENA_ATTR in op.attributes:
            continue
        t = op.memref.type
        if isinstance(t, MemRefType) and _other_level(t.memory_space, arena_level):
            continue  # another memory level's buffer (tile-apply's fast buffers): not in this arena
        if not isinstance(t, MemRefType) or any(d < 0 for d in t.get_shape()):
            raise PassError(f"plan-arena: buffer '{op.memref.name_hint}' has a dynamic shape")
        steps = [
            top_level_index(use.operation, step_of)
            for value in _aliases(op.memref)
            for use in value.uses
            if not isinstance(
                use.operation,
                # a stage's stitched output is touched by the band ops writing it
                memref.ReinterpretCastOp | memref.ViewOp | memref.SubviewOp | memref.CollapseShapeOp | patch.StageOp,
            )
        ]
        if not steps:
            steps = [top_level_index(op, step_of)]
        loops = {loop_of.get(step) for step in steps}
        if len(loops) > 1 or None in loops:  # also used outside a band loop: live over each loop touching it
            steps = [bound for step in steps for bound in (span[loop_of[step]] if step in loop_of else (step,))]
        buffers.append(Buffer(op, buffer_bytes(t), min(steps), max(steps)))
    return buffers


def align_up(value: int, alignment: int) -> int:
    return (value + alignment - 1) // alignment * alignment


def place_in_order(order: list[Buffer], alignment: int) -> int:
    """Best fit: each buffer, in `order`, at the smallest aligned gap that fits among the
    placed buffers its lifetime overlaps; returns the arena size."""
    placed: list[Buffer] = []
    for buf in order:
        conflicts = sorted((p for p in placed if p.overlaps_in_time(buf)), key=lambda p: p.offset)
        best, best_gap = None, None
        candidate = 0
        for p in conflicts:
            if p.offset - candidate >= buf.size:
                gap = p.offset - candidate
                if best_gap is None or gap < best_gap:
                    best, best_gap = candidate, gap
            candidate = max(candidate, align_up(p.offset + p.size, alignment))
        buf.offset = candidate if best is None else best
        placed.append(buf)
    return max((align_up(b.offset + b.size, alignment) for b in order), default=0)


def place_greedy(buffers: list[Buffer], alignment: int, attempts: int = 64) -> int:
    """Best fit by decreasing size (TFLM's greedy planner), then other placement orders (by
    time, by lifetime, and `attempts` seeded shuffles); keeps the smallest arena, the first
    found on ties, so the plan is deterministic."""
    import random

    orders = [
        sorted(buffers, key=lambda b: (-b.size, b.first)),
        sorted(buffers, key=lambda b: (-b.size, -b.first)),
        sorted(buffers, key=lambda b: (b.first, -b.size)),
        sorted(buffers, key=lambda b: (b.first - b.last, -b.size)),
    ]
    rng = random.Random(0)
    for _ in range(attempts if len(buffers) > 2 else 0):
        shuffled = list(orders[0])
        rng.shuffle(shuffled)
        orders.append(shuffled)
    best_size, best_offsets = None, None
    bound = align_up(lower_bound(buffers), alignment)
    for order in orders:
        size = place_in_order(order, alignment)
        if best_size is None or size < best_size:
            best_size, best_offsets = size, {id(b): b.offset for b in buffers}
        if best_size == bound:
            break  # cannot do better than the bound
    for b in buffers:
        b.offset = best_offsets[id(b)]
    return best_size or 0


def lower_bound(buffers: list[Buffer]) -> int:
    steps = {s for b in buffers for s in range(b.first, b.last + 1)}
    return max((sum(b.size for b in buffers if b.first <= s <= b.last) for s in steps), default=0)


def step_names(function: func.FuncOp) -> list[str]:
    """The layer each step (`timeline`) belongs to ('' for glue): a kernel op's name, or the
    layer tags of the loops convert-kernel-to-loops made of one."""
    names = []
    for op in timeline(function)[0]:
        name = ""
        if isinstance(op, qk.KernelOp):
            name = op.layer_name.data
        else:
            for inner in op.walk():
                doc = inner.attributes.get(LAYER_DOC_ATTR)
                if isinstance(doc, StringAttr):
                    name = doc.data.split(":")[0]
                    break
        names.append(name)
    return names


def stage_entries(function: func.FuncOp) -> ArrayAttr:
    """Each patch.stage of `function` for reports: its description (layers, form, grid) and
    the steps it spans."""
    span = timeline(function)[1]
    return ArrayAttr([
        DictionaryAttr({
            "stage": StringAttr(op.describe()),
            "first": IntegerAttr(span[op][0], i64),
            "last": IntegerAttr(span[op][1], i64),
        })
        for op in function.body.block.ops if isinstance(op, patch.StageOp)
    ])


def plan_attribute(buffers: list[Buffer], steps: list[str], stages: ArrayAttr | None = None) -> DictionaryAttr:
    """The plan, kept in the IR for reports: buffers (name, offset, size, first and last step),
    the layer run at each step and the patched stages (`stage_entries`)."""
    entries = ArrayAttr(
        [
            DictionaryAttr(
                {
                    "name": StringAttr(b.alloc.memref.name_hint or "buffer"),
                    "offset": IntegerAttr(b.offset, i64),
                    "size": IntegerAttr(b.size, i64),
                    "first": IntegerAttr(b.first, i64),
                    "last": IntegerAttr(b.last, i64),
                }
            )
            for b in sorted(buffers, key=lambda b: (b.first, b.offset))
        ]
    )
    plan = {"buffers": entries, "steps": ArrayAttr([StringAttr(n) for n in steps])}
    if stages is not None and stages.data:
        plan["stages"] = stages
    return DictionaryAttr(plan)


@dataclass(frozen=True)
class PlanArenaPass(ModulePass):
    """See the module docstring."""

    name = "plan-arena"

    alignment: int | None = None
    """Of every buffer and the arena, in bytes; None: the target's (tinymlir.target)."""

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        alignment = target_of(op).alignment if self.alignment is None else self.alignment
        if alignment <= 0 or alignment & (alignment - 1):
            raise PassError(f"plan-arena: alignment must be a power of two, got {alignment}")
        for function in [f for f in op.ops if isinstance(f, func.FuncOp) and f.body.blocks]:
            buffers = lifetimes(function)
            if not buffers:
                continue
            steps = step_names(function)  # before the arena's ops below shift the steps
            stages = stage_entries(function)
            size = place_greedy(buffers, alignment)
            bound = lower_bound(buffers)
            block = function.body.block
            builder = Builder(InsertPoint.at_start(block))
            arena = memref.AllocOp.get(i8, alignment, [size])
            arena.attributes[ARENA_ATTR] = UnitAttr()
            builder.insert(arena)
            arena.memref.name_hint = "arena"
            for buf in buffers:
                builder = Builder(InsertPoint.before(buf.alloc))
                offset = arith.ConstantOp.from_int_and_width(buf.offset, IndexType())
                view = memref.ViewOp(arena.memref, offset, [], buf.alloc.memref.type)
                builder.insert(offset)
                builder.insert(view)
                view.result.name_hint = buf.alloc.memref.name_hint
                view.attributes["tinymlir.arena_offset"] = IntegerAttr(buf.offset, i64)
                buf.alloc.memref.replace_all_uses_with(view.result)
                buf.alloc.detach()
                buf.alloc.erase()
            function.attributes["tinymlir.arena_size"] = IntegerAttr(size, i64)
            function.attributes["tinymlir.arena_lower_bound"] = IntegerAttr(bound, i64)
            function.attributes["tinymlir.arena_plan"] = plan_attribute(buffers, steps, stages)
