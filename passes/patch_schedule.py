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
    (2 .. min(output rows, `max_bands`)), among those whose recomputed MACs stay within
    `max_extra_macs` (a fraction of the model's MACs, default 0.2). A candidate's cost is
    the planner's real arena: the candidate is applied to a copy of the function,
    followed by kernel-in-place and plan-arena's placement, and the size is read back.
    The candidate with the smallest arena wins (ties: fewer bands, then fewer MACs, then
    the first in the search order), and the stage is applied if it beats the current
    plan; then the next stage is searched, until none does. If nothing beats the
    layer-by-layer plan, the module is left as it is and the function records why in
    `tinymlir.patch_schedule`.

    Pruning by a proven bound keeps this fast (VWW: 2 of ~1,200 candidates are planned):
    every candidate first gets a lower bound of its arena (`_CandidateBound`), and
    candidates are planned in increasing order of (bound, bands, extra MACs, search
    order) until the next one's bound can no longer beat the best arena found (or the
    current plan). The bound is the largest of two byte counts, each at most the live
    bytes of some step of the banded plan, which no placement can beat:
    * before the stage, the plan is unchanged: kernel-in-place decides the same for the
      ops before the stage and their live buffers are the same, so the peak of the
      current plan (in-place applied) over the kernel ops before the stage counts;
    * at each band step, the buffers the stage's values hold (its inputs until their
      last band reads them, the stitched output from its first band on, the band
      buffers from their writer to their last reader in the band, and the buffers that
      live across the stage). Values live at the same step hold distinct buffers at
      least their size (kernel-in-place only lets an op write over an input that dies
      there, into a buffer no smaller), except that the step's output may share an
      input's buffer: it is not counted where some input is read whole.
    Band windows (and so the MACs and refusals) are memoised per layer and row range.

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


class BandGeometry:
    """Memoised band windows (the search asks for the same ones many times): the rows of
    each data input a layer reads for a row range of its output (`input_window`), and
    per stage and band count the rows of every value in each band."""

    def __init__(self) -> None:
        self._windows: dict[tuple[qk.KernelOp, tuple[int, int]], list[tuple[int, int]]] = {}
        self._bands: dict[tuple[tuple[qk.KernelOp, ...], int], list[dict[SSAValue, tuple[int, int]]]] = {}

    def windows(self, op: qk.KernelOp, rows: tuple[int, int]) -> list[tuple[int, int]]:
        """The rows of each data input `op` reads for output rows `rows`."""
        key = (op, rows)
        if key not in self._windows:
            self._windows[key] = [tuple(w[1]) for w in op.input_window(_box(op, rows))]
        return self._windows[key]

    def band_rows(self, stage: list[qk.KernelOp], rows: tuple[int, int]) -> dict[SSAValue, tuple[int, int]]:
        needed: dict[SSAValue, tuple[int, int]] = {stage[-1].outs: rows}
        for op in reversed(stage):
            for value, (lo, hi) in zip(op.data_inputs, self.windows(op, needed[op.outs]), strict=True):
                if value in needed:
                    lo, hi = min(lo, needed[value][0]), max(hi, needed[value][1])
                needed[value] = (lo, hi)
        return needed

    def bands(self, stage: list[qk.KernelOp], bands: int) -> list[dict[SSAValue, tuple[int, int]]]:
        """`band_rows` of each of the `bands` row bands of the stage's output."""
        key = (tuple(stage), bands)
        if key not in self._bands:
            out_rows = stage[-1].output_type.get_shape()[1]
            self._bands[key] = [self.band_rows(stage, rows) for rows in _rows_split(out_rows, bands)]
        return self._bands[key]


def band_rows(stage: list[qk.KernelOp], rows: tuple[int, int]) -> dict[SSAValue, tuple[int, int]]:
    """The rows of every value the stage reads or writes needed for output rows `rows`
    of its last op: walked back through each op's `input_window`, the hull over a
    value's readers (a residual's input is read by two branches)."""
    return BandGeometry().band_rows(stage, rows)


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


def bands_refusal(stage: list[qk.KernelOp], bands: int, geometry: BandGeometry | None = None) -> str | None:
    """Why the stage cannot run in `bands` row bands (None: it can): a band whose window
    at some layer holds no row of the map (its taps all fall in the padding) would need
    an empty buffer."""
    geometry = geometry or BandGeometry()
    for needed in geometry.bands(stage, bands):
        for op in stage:
            if any(hi <= lo for lo, hi in geometry.windows(op, needed[op.outs])):
                return f"{op.layer_name.data}: a band of {bands} reads only padding rows"
    return None


def extra_macs(stage: list[qk.KernelOp], bands: int, geometry: BandGeometry | None = None) -> int:
    """MACs the bands recompute (their halos) over running the stage layer by layer."""
    geometry = geometry or BandGeometry()
    total = 0
    for needed in geometry.bands(stage, bands):
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


def _arena(ctx: Context, function: func.FuncOp, candidate: Candidate | None, alignment: int) -> int:
    """The arena plan-arena gives `function` after kernel-in-place, with `candidate`
    applied (on a copy)."""
    from tinymlir.passes.kernel_in_place import KernelInPlacePass
    from tinymlir.passes.plan_arena import lifetimes, place_greedy

    copy = function.clone()
    holder = ModuleOp([copy])
    if candidate is not None:
        ops = _kernel_ops(copy)
        apply_bands(ops[candidate.start : candidate.stop], candidate.bands)
    KernelInPlacePass().apply(ctx, holder)
    buffers = lifetimes(copy)
    return place_greedy(buffers, alignment) if buffers else 0


def _root_alloc(value: SSAValue) -> memref.AllocOp | None:
    """The allocation `value` is (a view of), None for an argument or a constant."""
    while True:
        owner = value.owner
        if isinstance(owner, memref.AllocOp):
            return owner
        if not isinstance(owner, memref.ReinterpretCastOp | memref.ViewOp | memref.SubviewOp):
            return None
        value = owner.operands[0]


class _CandidateBound:
    """Lower bounds of candidates' arenas over one search round (see the module
    docstring's cost model): built once per round from the function as it is."""

    def __init__(self, ctx: Context, function: func.FuncOp, ops: list[qk.KernelOp], alignment: int) -> None:
        from tinymlir.passes.kernel_in_place import KernelInPlacePass
        from tinymlir.passes.plan_arena import buffer_bytes, lifetimes, place_greedy

        copy = function.clone()
        KernelInPlacePass().apply(ctx, ModuleOp([copy]))
        buffers = lifetimes(copy)
        self._buffers, self._alignment = buffers, alignment
        self._place_greedy = place_greedy
        steps = [i for i, o in enumerate(copy.body.block.ops) if isinstance(o, qk.KernelOp)]
        # before[k]: the most bytes live at a kernel op before op k in the current plan
        self.before = [0]
        for step in steps:
            live = sum(b.size for b in buffers if b.first <= step <= b.last)
            self.before.append(max(self.before[-1], live))
        # the kernel ops touching each allocation (through its views): first and last
        self.touched: dict[memref.AllocOp, tuple[int, int]] = {}
        for k, op in enumerate(ops):
            for value in op.operands:
                root = _root_alloc(value)
                if root is not None:
                    first, last = self.touched.get(root, (k, k))
                    self.touched[root] = (min(first, k), max(last, k))
        # after[k]: the most bytes the allocations live at a kernel op from op k on hold (a
        # stage before op k leaves these allocations and their lifetimes after it as they are)
        self.after = [0] * (len(ops) + 1)
        for k in range(len(ops) - 1, -1, -1):
            op = ops[k]
            own = op.outs.owner if isinstance(op.outs.owner, memref.AllocOp) else None
            may_share = own is not None and any(
                _root_alloc(v) is not None and t.get_num_elements() >= op.output_type.get_num_elements()
                for v, t in zip(op.data_inputs, op.input_types.data, strict=True)
            )
            live = sum(
                buffer_bytes(root.memref.type) for root, (first, last) in self.touched.items()
                if first <= k <= last and not (may_share and root is own)
            )
            self.after[k] = max(self.after[k + 1], live)

    def current_arena(self) -> int:
        """The arena of the function as it is (plan-arena after kernel-in-place)."""
        return self._place_greedy(self._buffers, self._alignment) if self._buffers else 0

    def bound(self, stage: list[qk.KernelOp], start: int, geometry: BandGeometry, bands: int) -> int:
        """A lower bound of the arena with `stage` (kernel ops `start`...) in `bands` bands."""
        from tinymlir.passes.plan_arena import buffer_bytes

        stop = start + len(stage)
        layer_of = {op.outs: j for j, op in enumerate(stage[:-1])}
        last_reader: dict[int, int] = {}
        outer: dict[memref.AllocOp, int | None] = {}  # allocations from before the stage: last layer reading them
        stitched = _root_alloc(stage[-1].outs)
        if stitched is not None and self.touched[stitched][0] < stop - 1:
            return 0  # the output shares an earlier buffer: not a case the bound covers
        for j, op in enumerate(stage):
            for value in op.ins:
                if value in layer_of:
                    last_reader[layer_of[value]] = j
                    continue
                root = _root_alloc(value)
                if root is None:
                    continue
                if root is stitched or self.touched[root][0] >= start:
                    return 0
                outer[root] = j
        for root, (first, last) in self.touched.items():
            if first < start and last >= stop:
                outer[root] = None  # live across the whole stage
        outer_bytes = [(buffer_bytes(root.memref.type), j) for root, j in outer.items()]
        stitched_bytes = 0 if stitched is None else buffer_bytes(stitched.memref.type)
        peak = max(self.before[start], self.after[stop])
        last = len(stage) - 1
        per_band = geometry.bands(stage, bands)
        for b, needed in enumerate(per_band):
            band_bytes = []
            for op in stage[:-1]:
                lo, hi = needed[op.outs]
                _, _, width, channels = op.output_type.get_shape()
                band_bytes.append((hi - lo) * width * channels)
            for j, op in enumerate(stage):
                live = sum(size for size, until in outer_bytes if until is None or b < len(per_band) - 1 or j <= until)
                if b > 0 or j == last:
                    live += stitched_bytes
                for i in range(min(j, last - 1) + 1):
                    if last_reader[i] >= j and not (i == j and self._reads_whole(op, needed, layer_of, geometry)):
                        live += band_bytes[i]
                peak = max(peak, live)
        return peak

    @staticmethod
    def _reads_whole(op: qk.KernelOp, needed, layer_of, geometry: BandGeometry) -> bool:
        """Whether the band copy of `op` reads some input buffer whole (no subview) and
        no smaller than its output: only then may kernel-in-place let it write over it."""
        _, _, width, channels = op.output_type.get_shape()
        lo, hi = needed[op.outs]
        out_elements = (hi - lo) * width * channels
        for value, rows, t in zip(
            op.data_inputs, geometry.windows(op, needed[op.outs]), op.input_types.data, strict=True
        ):
            _, _, in_width, in_channels = t.get_shape()
            whole = rows == needed[value] if value in layer_of else (
                rows == (0, t.get_shape()[1]) and isinstance(value.owner, memref.AllocOp)
            )
            if whole and (rows[1] - rows[0]) * in_width * in_channels >= out_elements:
                return True
        return False


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
        geometry = BandGeometry()
        bounds = _CandidateBound(ctx, function, ops, alignment)
        baseline = current = bounds.current_arena()
        budget = self.max_extra_macs * model_macs
        banded: set[Operation] = set()
        stages: list[str] = []
        reason = "no stage of convolutions"
        while True:  # one stage per round, while a stage lowers the arena within the budget
            found, best = self._best_stage(ctx, function, ops, bounds, geometry, banded, budget, alignment, current)
            if best is None:
                if found:
                    reason = f"no band schedule beats {current} B"
                break
            (arena, bands, extra, _), c = best
            stage = ops[c.start : c.stop]
            stages.append(f"{stage[0].layer_name.data}..{stage[-1].layer_name.data} ({c.stop - c.start} layers) in {bands} row bands")
            banded |= set(apply_bands(stage, bands))
            budget -= extra
            current = arena
            ops = _kernel_ops(function)
            bounds = _CandidateBound(ctx, function, ops, alignment)
        if not stages:
            function.attributes[SCHEDULE_ATTR] = StringAttr(f"layer-by-layer: {reason}")
            return
        extra = round(self.max_extra_macs * model_macs - budget)
        function.attributes[SCHEDULE_ATTR] = StringAttr(
            f"bands: {'; '.join(stages)}, arena {current} B (layer-by-layer {baseline} B), "
            f"+{extra:,} MACs ({100 * extra / max(model_macs, 1):.1f} %)"
        )

    def _best_stage(
        self, ctx: Context, function: func.FuncOp, ops: list[qk.KernelOp], bounds: _CandidateBound,
        geometry: BandGeometry, banded: set[Operation], budget: float, alignment: int, current: int,
    ) -> tuple[bool, tuple[tuple[int, int, int, int], Candidate] | None]:
        """Whether any stage and band count fits `budget` extra MACs (among stages of ops
        not yet in bands), and the one giving the smallest arena below `current` (ties:
        fewer bands, fewer MACs, first found), None if none beats it."""
        candidates: list[tuple[tuple[int, int, int, int], Candidate]] = []
        for start in range(len(ops)):
            for stop in range(start + 2, min(start + self.max_stage, len(ops)) + 1):
                stage = ops[start:stop]
                if banded.intersection(stage) or stage_refusal(stage) is not None:
                    continue
                rows = stage[-1].output_type.get_shape()[1]
                for bands in range(2, min(rows, self.max_bands) + 1):
                    extra = extra_macs(stage, bands, geometry)
                    if extra > budget:
                        break  # more bands only recompute more
                    if bands_refusal(stage, bands, geometry) is not None:
                        continue
                    bound = bounds.bound(stage, start, geometry, bands)
                    candidates.append(((bound, bands, extra, len(candidates)), Candidate(start, stop, bands)))
        # planned by increasing bound: once a bound reaches the best arena (with the same
        # tie-breaks), no later candidate can win
        best: tuple[tuple[int, int, int, int], Candidate] | None = None
        for key, candidate in sorted(candidates, key=lambda c: c[0]):
            if key[0] >= current or (best is not None and key >= best[0]):
                break
            arena_key = (_arena(ctx, function, candidate, alignment), *key[1:])
            if arena_key[0] < current and (best is None or arena_key < best[0]):
                best = (arena_key, candidate)
        return bool(candidates), best
