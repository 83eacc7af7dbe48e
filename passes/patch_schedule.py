"""patch-schedule: run a memory-hungry early stage of convolutions band by band.

What it does
    Picks a stage (a chain of consecutive `qk.conv2d` ops, each reading only its
    predecessor's output) and a number of row bands of the stage's output. Each band's
    rows are walked back through the stage with the kernel-level `input_window`
    interface (halo: t_in = (t_out - 1) * s + (k - 1) * d + 1 rows), and every layer of
    the stage is re-issued per band on band buffers of just those rows (a
    `memref.alloc` per layer and band), reading the stage's input through a subview of
    its rows and writing the last layer's band into a subview of the stitched output,
    which stays a normal buffer. Full-width bands keep their left/right padding; only
    the rows of a band that fall outside the map are padding (pads recomputed per band
    from the window), so every output element sums the same taps as layer-by-layer:
    bit-exact. The intermediate maps of the stage are never materialised whole.
    This is MCUNetV2's patch form on a 1-wide grid of full-width patches (halos are
    recomputed); the bands are unrolled at the kernel level (one op per layer and band).

Cost model
    Exhaustive over stage start, stage end (at most `max_stage` layers) and band count
    (2 .. min(output rows, `max_bands`)): each candidate is applied to a copy of the module, followed by
    kernel-in-place and plan-arena, and the planner's real arena size is read back. The
    candidate with the smallest arena wins (ties: fewer bands, then fewer MACs), among
    those whose recomputed MACs stay within `max_extra_macs` (a fraction of the model's
    MACs, default 0.2). If nothing beats the layer-by-layer plan, the module is left as
    it is and the function records why in `tinymlir.patch_schedule`.

Assumes the buffer-level functions of convert-qnn-to-kernel, before kernel-in-place
(one block; each stage intermediate an allocation read only by the next stage op).
Declines (records a reason, changes nothing) for: no spatial layers, stages holding ops
other than qk.conv2d, batch > 1, convolutions padded only along rows (their band
copies would lose the padded form the folded bias relies on), and band counts where a
band's window at some layer holds only padding rows (it would need an empty buffer).
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.builder import Builder, InsertPoint
from xdsl.context import Context
from xdsl.dialects import func, memref
from xdsl.dialects.builtin import (
    ArrayAttr,
    DenseArrayBase,
    IntAttr,
    MemRefType,
    ModuleOp,
    StringAttr,
    i8,
    i64,
)
from xdsl.ir import Operation, SSAValue
from xdsl.passes import ModulePass

from tinymlir.dialects import kernel as qk
from tinymlir.dialects.qnn import QTensorType
from tinymlir.errors import PassError
from tinymlir.target import target_of

SCHEDULE_ATTR = "tinymlir.patch_schedule"
"""On the function: a one-line description of the chosen schedule, or why there is none."""


def _ints(attr) -> list[int]:
    return [int(v) for v in attr.get_values()]


@dataclass(frozen=True)
class Candidate:
    start: int
    """Index of the first stage op among the function's kernel ops."""
    stop: int
    """One past the last."""
    bands: int


def _rows_split(rows: int, bands: int) -> list[tuple[int, int]]:
    """`bands` contiguous row ranges covering [0, rows), the first ones one row longer
    when `bands` does not divide `rows`."""
    base, extra = divmod(rows, bands)
    out, r = [], 0
    for b in range(bands):
        n = base + (1 if b < extra else 0)
        out.append((r, r + n))
        r += n
    return out


def _box(op: qk.KernelOp, rows: tuple[int, int]) -> list[tuple[int, int]]:
    _, _, width, channels = op.output_type.get_shape()
    return [(0, 1), rows, (0, width), (0, channels)]


def band_rows(stage: list[qk.KernelOp], rows: tuple[int, int]) -> dict[SSAValue, tuple[int, int]]:
    """The rows of every value the stage reads or writes needed for output rows `rows`
    of its last op: walked back through each op's `input_window`, the hull over a
    value's readers (a residual's input is read by two branches)."""
    needed: dict[SSAValue, tuple[int, int]] = {stage[-1].outs: rows}
    for op in reversed(stage):
        out_rows = needed[op.outs]
        for value, window in zip(op.data_inputs, op.input_window(_box(op, out_rows)), strict=True):
            lo, hi = window[1]
            if value in needed:
                lo, hi = min(lo, needed[value][0]), max(hi, needed[value][1])
            needed[value] = (lo, hi)
    return needed


def _with_rows(t: QTensorType, rows: int) -> QTensorType:
    shape = list(t.get_shape())
    shape[1] = rows
    return QTensorType.new([ArrayAttr([IntAttr(d) for d in shape]), t.element_type, t.scales, t.zero_points, t.axis])


def _band_pads(op: qk.Conv2DOp, out_rows: tuple[int, int], in_rows: tuple[int, int]) -> list[int]:
    """The op's pads for one band: its left/right pads, and as top/bottom padding only
    the rows of the band's window that lie outside the map."""
    pt, pl, _, pr = _ints(op.pads)
    sh = _ints(op.strides)[0]
    dh = _ints(op.dilations)[0]
    kh = op.weight.type.get_shape()[1]
    first = out_rows[0] * sh - pt
    last = (out_rows[1] - 1) * sh - pt + (kh - 1) * dh
    return [in_rows[0] - first, pl, last + 1 - in_rows[1], pr]


def stage_refusal(ops: list[qk.KernelOp]) -> str | None:
    """Why these consecutive kernel ops cannot form a stage (None: they can): only
    convolutions and additions of NHWC maps, and every result but the last read only
    by later ops of the stage."""
    members = set(ops)
    for i, op in enumerate(ops):
        if not isinstance(op, qk.Conv2DOp | qk.AddOp):
            return f"{op.layer_name.data} ({op.name}) cannot be run in bands"
        shapes = [op.output_type.get_shape(), *(t.get_shape() for t in op.input_types.data)]
        if any(len(shape) != 4 or shape[0] != 1 for shape in shapes):
            return f"{op.layer_name.data}: not a single NHWC map"
        if isinstance(op, qk.Conv2DOp):
            pt, pl, pb, pr = _ints(op.pads)
            if (pt or pb) and not (pl or pr):
                return f"{op.layer_name.data}: padded along rows only"
        if op is ops[-1]:
            continue
        result = op.outs
        readers = [u.operation for u in result.uses if u.operation is not op]
        if not isinstance(result.owner, memref.AllocOp) or not readers or any(
            r not in members or ops.index(r) <= i for r in readers  # type: ignore[arg-type]
        ):
            return f"{op.layer_name.data}'s output is also used outside the stage"
    return None


def bands_refusal(stage: list[qk.KernelOp], bands: int) -> str | None:
    """Why the stage cannot run in `bands` row bands (None: it can): a band whose window
    at some layer holds no row of the map (its taps all fall in the padding) would need
    an empty buffer."""
    out_rows = stage[-1].output_type.get_shape()[1]
    for rows in _rows_split(out_rows, bands):
        needed = band_rows(stage, rows)
        for op in stage:
            for window in op.input_window(_box(op, needed[op.outs])):
                if window[1][1] <= window[1][0]:
                    return f"{op.layer_name.data}: a band of {bands} reads only padding rows"
    return None


def extra_macs(stage: list[qk.KernelOp], bands: int) -> int:
    """MACs the bands recompute (their halos) over running the stage layer by layer."""
    out_rows = stage[-1].output_type.get_shape()[1]
    total = 0
    for rows in _rows_split(out_rows, bands):
        needed = band_rows(stage, rows)
        for op in stage:
            lo, hi = needed[op.outs]
            total += op.macs() * (hi - lo) // op.output_type.get_shape()[1]
    return total - sum(op.macs() for op in stage)


def _rows_view(builder: Builder, buffer: SSAValue, rows: tuple[int, int]) -> SSAValue:
    """`buffer` itself when `rows` are all its rows, else a subview of those rows."""
    t = buffer.type
    assert isinstance(t, MemRefType)
    shape = list(t.get_shape())
    if rows == (0, shape[1]):
        return buffer
    return builder.insert(memref.SubviewOp.from_static_parameters(
        buffer, t, [0, rows[0], 0, 0], [1, rows[1] - rows[0], shape[2], shape[3]], [1, 1, 1, 1]
    )).result


def apply_bands(stage: list[qk.KernelOp], bands: int) -> list[Operation]:
    """Replace the stage by its ops re-issued per band (see the module docstring);
    returns the band ops."""
    first, last = stage[0], stage[-1]
    target = last.outs
    out_rows = last.output_type.get_shape()[1]
    # Weights, tables and the stitched output are used from the first band on: their
    # definitions (get_globals, the output's alloc) move up to the stage's start.
    members = set(stage)
    block = first.parent
    assert block is not None
    for op in stage:
        for value in op.operands:
            owner = value.owner
            if (
                isinstance(owner, memref.GetGlobalOp | memref.AllocOp) and owner not in members
                and owner.parent is block and block.get_operation_index(owner) > block.get_operation_index(first)
            ):
                owner.detach()
                Builder(InsertPoint.before(first)).insert(owner)
    builder = Builder(InsertPoint.before(first))
    clones: list[Operation] = []
    for b, rows in enumerate(_rows_split(out_rows, bands)):
        needed = band_rows(stage, rows)
        # where each value's rows are: (buffer, the map row its first row holds)
        placed: dict[SSAValue, tuple[SSAValue, int]] = {}
        for op in stage:
            r = needed[op.outs]
            count = r[1] - r[0]
            _, _, width, channels = op.output_type.get_shape()
            windows = [w[1] for w in op.input_window(_box(op, r))]
            data = []
            for value, w in zip(op.data_inputs, windows, strict=True):
                buffer, first_row = placed.get(value, (value, 0))
                data.append(_rows_view(builder, buffer, (w[0] - first_row, w[1] - first_row)))
            if op is last:
                out = _rows_view(builder, target, r)
            else:
                alloc = builder.insert(memref.AllocOp.get(i8, 4, [1, count, width, channels]))
                alloc.memref.name_hint = f"{op.layer_name.data}_band{b}"
                out = alloc.memref
            clone = op.clone()
            clone.operands = [*data, *op.ins[len(data):], out]
            clone.properties["input_types"] = ArrayAttr([
                _with_rows(t, w[1] - w[0]) for t, w in zip(op.input_types.data, windows, strict=True)
            ])
            clone.properties["output_type"] = _with_rows(op.output_type, count)
            if isinstance(op, qk.Conv2DOp):
                clone.properties["pads"] = DenseArrayBase.from_list(i64, _band_pads(op, r, windows[0]))
            builder.insert(clone)
            clones.append(clone)
            placed[op.outs] = (out, r[0])
    intermediates = [op.outs for op in stage[:-1]]
    for op in reversed(stage):
        op.detach()
        op.erase()
    for value in intermediates:
        owner = value.owner
        if isinstance(owner, Operation) and not value.uses:
            owner.detach()
            owner.erase()
    return clones


def _kernel_ops(function: func.FuncOp) -> list[qk.KernelOp]:
    return [o for o in function.body.block.ops if isinstance(o, qk.KernelOp)]


def _arena(ctx: Context, function: func.FuncOp, candidate: Candidate | None, alignment: int, beat: int | None) -> int:
    """The arena plan-arena gives `function` after kernel-in-place, with `candidate`
    applied (on a copy); when its lower bound already reaches `beat`, that bound."""
    from tinymlir.passes.kernel_in_place import KernelInPlacePass
    from tinymlir.passes.plan_arena import lifetimes, lower_bound, place_greedy

    copy = function.clone()
    holder = ModuleOp([copy])
    if candidate is not None:
        ops = _kernel_ops(copy)
        apply_bands(ops[candidate.start : candidate.stop], candidate.bands)
    KernelInPlacePass().apply(ctx, holder)
    buffers = lifetimes(copy)
    if not buffers:
        return 0
    bound = lower_bound(buffers)
    if beat is not None and bound >= beat:
        return bound
    return place_greedy(buffers, alignment)


@dataclass(frozen=True)
class PatchSchedulePass(ModulePass):
    """See the module docstring."""

    name = "patch-schedule"

    max_extra_macs: float = 0.2
    """Recomputed MACs allowed, as a fraction of the model's MACs."""
    max_stage: int = 6
    """Most layers in one stage."""
    max_bands: int = 8
    """Most row bands (MCUNetV2 searches p <= 4 per side; bands are cheaper, being 1-wide)."""

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        if self.max_extra_macs < 0 or self.max_stage < 1 or self.max_bands < 1:
            raise PassError("patch-schedule: max_extra_macs must be >= 0, max_stage and max_bands >= 1")
        for function in [f for f in op.ops if isinstance(f, func.FuncOp) and f.body.blocks]:
            self._schedule(ctx, op, function)

    def _schedule(self, ctx: Context, module: ModuleOp, function: func.FuncOp) -> None:
        ops = _kernel_ops(function)
        if not any(isinstance(o, qk.Conv2DOp) and o.output_type.get_shape()[1] > 1 for o in ops):
            function.attributes[SCHEDULE_ATTR] = StringAttr("layer-by-layer: no spatial layers")
            return
        alignment = target_of(module).alignment
        model_macs = sum(o.macs() for o in ops)
        baseline = current = _arena(ctx, function, None, alignment, None)
        budget = self.max_extra_macs * model_macs
        banded: set[Operation] = set()
        stages: list[str] = []
        reason = "no stage of convolutions"
        while True:  # one stage per round, while a stage lowers the arena within the budget
            ops = _kernel_ops(function)
            best = self._best_stage(ctx, function, ops, banded, budget, alignment, current)
            if best is None or best[0][0] >= current:
                if best is not None:
                    reason = f"no band schedule beats {current} B"
                break
            (arena, bands, extra), c = best
            stage = ops[c.start : c.stop]
            stages.append(f"{stage[0].layer_name.data}..{stage[-1].layer_name.data} ({c.stop - c.start} layers) in {bands} row bands")
            banded |= set(apply_bands(stage, bands))
            budget -= extra
            current = arena
        if not stages:
            function.attributes[SCHEDULE_ATTR] = StringAttr(f"layer-by-layer: {reason}")
            return
        extra = round(self.max_extra_macs * model_macs - budget)
        function.attributes[SCHEDULE_ATTR] = StringAttr(
            f"bands: {'; '.join(stages)}, arena {current} B (layer-by-layer {baseline} B), "
            f"+{extra:,} MACs ({100 * extra / max(model_macs, 1):.1f} %)"
        )

    def _best_stage(
        self, ctx: Context, function: func.FuncOp, ops: list[qk.KernelOp], banded: set[Operation],
        budget: float, alignment: int, current: int,
    ) -> tuple[tuple[int, int, int], Candidate] | None:
        """The stage and band count giving the smallest arena (ties: fewer bands, fewer
        MACs) within `budget` extra MACs, among stages of ops not yet in bands."""
        best: tuple[tuple[int, int, int], Candidate] | None = None
        for start in range(len(ops)):
            for stop in range(start + 2, min(start + self.max_stage, len(ops)) + 1):
                stage = ops[start:stop]
                if banded.intersection(stage) or stage_refusal(stage) is not None:
                    continue
                rows = stage[-1].output_type.get_shape()[1]
                for bands in range(2, min(rows, self.max_bands) + 1):
                    extra = extra_macs(stage, bands)
                    if extra > budget:
                        break  # more bands only recompute more
                    if bands_refusal(stage, bands) is not None:
                        continue
                    candidate = Candidate(start, stop, bands)
                    beat = current if best is None else best[0][0] + 1
                    key = (_arena(ctx, function, candidate, alignment, beat), bands, extra)
                    if best is None or key < best[0]:
                        best = (key, candidate)
        return best
