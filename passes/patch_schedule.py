"""patch-schedule: run a memory-hungry early stage of convolutions band by band.

What it does
    Picks a stage (consecutive `qk.conv2d`, `qk.add` and channel `qk.concat` ops whose
    results only later ops of the stage read: residual adds and concatenated branches
    included) and a number of row bands of the stage's output. Each band's
    rows are walked back through the stage with the kernel-level `input_window`
    interface (halo: t_in = (t_out - 1) * s + (k - 1) * d + 1 rows), and every layer of
    the stage is re-issued per band on band buffers of just those rows (a
    `memref.alloc` per layer), reading the stage's input through a subview of its rows
    and writing the last layer's band into a subview of the stitched output, which
    stays a normal buffer. Full-width bands keep their left/right padding; only the
    rows of a band that fall outside the map are padding (pads recomputed per band from
    the window), so every output element sums the same taps as layer-by-layer:
    bit-exact. The intermediate maps of the stage are never materialised whole.
    This is MCUNetV2's patch form on a 1-wide grid of full-width patches (halos are
    recomputed).

    Stream form (`Candidate.stream`, `apply_stream`, `stream_bands`): the same bands, but
    nothing is recomputed (StreamNet, line-buffer fusion). Each intermediate has one
    buffer, allocated at the stage's start, of the most rows any band reads of it; at a band's
    start the rows it shares with the previous band (the k - s overlap of each layer) move
    to the buffer's front (`memref.copy`, row by row where source and destination
    overlap), then every op computes only the rows no earlier band computed (an op with no
    new rows is skipped), reading its inputs at the rows' offsets in their buffers. Pads
    come from the windows as in the band form, so this is bit-exact; the extra MACs are 0
    (the copies move k - s rows per layer and band). The borders run in the band loop too
    (`stream_fold`, `_apply_fold`): the steady state (the longest run of one shape,
    `stream_runs`) is extended to every band, the first ones (band indices before the
    first output band) only warming the line buffers up. Each line buffer is set to its
    layer's zero point first (`patch.fill`; this also keeps it live across the loop for
    plan-arena, its kept rows crossing iterations), so its rows outside the map read as
    padding: a padded convolution sums the zero point over its pad taps, and a reader of
    a line buffer takes its steady window with no top or bottom pad at the borders too.
    A layer computes its steady rows clipped to its map; where they pass the map's
    bottom its slot is set to the zero point again (the shifts move stale rows there).
    Each layer's step is in a `patch.guard` over the bands where it is issued alike, so a
    layer reading only line buffers is issued once, or at most three times where its
    steady rows straddle the map's edges (VWW's 2-row bands); one reading the stage input
    (a whole map) keeps its clipped windows and pads: top and bottom variants. Stages
    the steady state cannot cover (no run of two bands, uneven output bands) keep their
    first band and the bands after the run unrolled. The pad rows cost MACs at the
    borders (ResNet-8: +0.5 M Cortex-M4 instructions, for 35 -> 12.5 KB of .text).

    Grid form (`Candidate.cols` > 1, `apply_grid`, `grid_tiles`): MCUNetV2's patches, a
    p x q grid over the stage's output (uneven splits: the first rows and columns one
    longer). Each patch's rows AND columns are walked back through the stage
    (`input_window`; a window is a row range times a column range, so a patch's box of a
    value is its grid row's rows times its grid column's columns), every layer re-issued
    per patch on patch buffers of that box, reading the stage input and writing the
    stitched output through strided subviews. Pads per patch and layer are the window's
    positions outside the map on each side (top, left, bottom, right), so only border
    patches pad: bit-exact. A padded convolution whose patch has no pad left would lose
    the padded form its bias relies on (its loops then expect the zero point folded into
    the bias), so such inner patches read a constant with b - zx * sum(w) folded in, as
    convert-qnn-to-kernel gives unpadded convolutions (`_folded_bias`). Along a grid row,
    patches of one shape whose columns advance by a constant step run as one band loop
    over the column index (rows are unrolled: nested loops would hide their steps from
    plan-arena); the Cortex-M4 kernels' packed-row paths refuse the strided column views
    (`row_major_packed`) and take their indexed forms. The grid form never writes its
    output over its input (a patch's writes would need a 2-D lag check) nor streams.

    A transpose of the caller's input (an ONNX model's NCHW image) is first folded into its
    readers as a strided view (kernel-in-place's `transpose_views`), so the image is read
    in place, band by band, and its NHWC copy never enters the arena.

    Each banded stage is one `patch.stage` (dialects/patch.py) holding all its bands and
    their buffers, writing the stitched output, and recording its form (`recompute` or
    `stream`), grid ([bands, 1]) and per band and layer the output tile, input windows
    and pads in map coordinates, which its verifier checks against `input_window`.
    Consecutive bands of the same shape (every row count, pad and offset into a band
    buffer equal; the input and output rows advancing by a constant step: `band_runs`)
    run as one band loop (the stream form: all its bands, above), a `patch.band_loop` over the band index, whose body holds the
    stage's kernel ops on subviews at row offsets `band * step + first row` computed
    from the index, with the band buffers allocated once before the loop. Bands whose
    pads or row counts differ (the borders, the longer first bands of an uneven split)
    stay unrolled before and after it (`loops=false`: all bands unrolled). A band loop
    promises that its iterations share only buffers also used outside it: plan-arena
    then steps through its body, and kernel-in-place and convert-kernel-to-loops handle
    the kernel ops in it; convert-patch-to-scf, after plan-arena, inlines the stage and
    makes the loop an `scf.for`.

    Output over input (`Candidate.over_input`, `overwrite_refusal`): when the stage reads
    one input buffer that nothing after the stage reads, its last op does not read it,
    the output is no larger, and every band writes only bytes of input rows that no
    later band reads (the output band lags the input by the halo), the stitched output
    is a `memref.reinterpret_cast` of the input's buffer: the two share one buffer
    instead of coexisting. A band's reads all happen before its last op writes, so this
    stays bit-exact. This is what ResNet-style blocks need, whose input is kept for the
    add while the block's output is written.

Cost model
    Exhaustive over stage start, stage end (at most `max_stage` layers) and band count
    (2 .. min(output rows, `max_bands`)), among those whose recomputed MACs stay within
    `max_extra_macs` (a fraction of the model's MACs, default 0.2). A candidate's cost is
    the planner's real arena: the candidate is applied to a copy of the function (in
    the form it will take, band loops included), followed by kernel-in-place and
    plan-arena's placement, and the size is read back.
    Both forms (output over input where allowed), the stream form with up to
    `max_stream_bands` bands, and every p x q grid with p <= `max_grid`, 2 <= q <= `max_grid`
    (its extra MACs, computed from the windows alone, pruned against the budget before any
    IR is built) are candidates.
    The candidate with the smallest arena wins (ties: the smaller bound of its band steps,
    fewer bands, then fewer MACs, then the first in the search order), and the stage is
    applied if it beats the current plan; then the next stage is searched, until none
    does. This greedy can settle on a stage that other regions of the plan hide (the
    arena is their peak whatever the stage does), so a second greedy runs beside it
    (`peak_first`): each round it takes, among the stages covering the current plan's peak
    step, the one leaving the fewest bytes live at its band steps (`_local_peak`; ties:
    fewer MACs, fewer bands), while that lowers the peak. Both greedies run on copies,
    with grids (`max_grid`) and without, and the whole plans (and the layer-by-layer one)
    are priced: a plan costs its arena plus its extra MACs / `macs_per_byte` (default 256:
    a byte of RAM is worth 256 recomputed MACs); the cheapest is kept (ties: the smaller
    arena, fewer MACs), and a smaller arena not taken is named in `tinymlir.patch_schedule`
    with both costs. This keeps a grid from spending the MAC budget on a few bytes: VWW's
    3x4 grid saves 1,972 B over its streamed plan for +884,064 MACs (cost 21,281 against
    19,692), ResNet-8's 4x4 third block 1,024 B for +2.4 M MACs (measured: +43 % Cortex-M4
    instructions); `macs_per_byte=0` prices the arena alone. MobileNetV2-96 needs the second
    (without grids: streamed stem..b1, then b2-b3 and b4 stages, 27,264 B against 54,912 B; with
    grids 23,184 B: 4x4 and 3x4 patches, then streamed b4 and b5). When no single stage beats
    it (two regions of the plan peak alike, as in ResNet-8's first two blocks), every
    pair of disjoint stages within the budget is searched the same way (its bound: the
    largest of the steps before the first stage, both stages' band steps, the current
    plan's steps between them and the steps after the second) and the best pair is
    applied if it beats the plan. If nothing beats the layer-by-layer plan, the module
    is left as it is and the function records why in `tinymlir.patch_schedule`.

    The four searches share one tree of plans (`_Plan`): a plan is the function with a
    sequence of chosen stages applied, built once (a copy of its parent's module with
    the stage applied) whichever searches reach it, and what they ask of it is memoised
    on it, the same candidate on the same plan giving the same answer: each stage's
    candidates with their extra MACs and bounds, and each candidate's arena and local
    peak. The peak-first searches run first (the order of the strategies stays their
    tie-break), so the smallest-arena ones find most of the arenas they need planned.

    Pruning by a proven bound keeps this fast (VWW: over its 9 plans, 2,038 candidates
    made, 39 planned): every candidate first gets a lower bound of its arena
    (`_CandidateBound`), and candidates are planned in increasing order of (bound,
    bands, extra MACs, search order) until the next one's bound can no longer beat the
    best arena found (or the current plan). The smallest-arena search makes a stage's
    candidates (windows, refusals, bounds) only once the stage's floor (the larger of
    the before and after parts below, which all its candidates share) is at most the
    smallest bound made so far, taking the stages by increasing floor and the
    candidates from a heap, and never once the floor reaches the current plan or passes
    the best arena found; the pair search, run only when no single stage wins, makes
    them all. The bound is the largest of three byte counts, each at most the live
    bytes of some step of the banded plan, which no placement can beat:
    * before the stage, the plan is unchanged: kernel-in-place decides the same for the
      ops before the stage and their live buffers are the same, so the peak of the
      current plan (in-place applied) over the steps before the stage counts; for the
      same reason a buffer from before the stage that a band step holds counts with the
      bytes kernel-in-place gives it (the input's buffer, no smaller, where its writer
      writes over an input);
    * after the stage, likewise: the allocations live at each later step (their
      lifetimes from the kernel ops touching them, those at a band loop only if also
      used outside it), less each kernel op's output where it may share an input's;
    * at each band step, the buffers the stage's values hold (its inputs until their
      last band reads them, the stitched output from its first band on, the band
      buffers from their writer to their last reader in the band, and the buffers that
      live across the stage). Values live at the same step hold distinct buffers at
      least their size (kernel-in-place only lets an op write over an input that dies
      there, into a buffer no smaller), except that the step's output may share an
      input's buffer: it is not counted where some input is read whole in a form
      kernel-in-place writes over. With the output over the input, the input counts
      over the whole stage and the output not separately. In a band loop
      each body step holds at least what that step of one unrolled band holds.
    * in the grid form, at each patch step the inputs, the stitched output and the patch
      buffers written before and read at or after the step, and the step's own output
      where kernel-in-place cannot merge it with an input (not an add, a depthwise or a
      stride-1 convolution);
    * in the stream form, each buffer from the first to the last step touching it (writer,
      readers, shifts), the inputs until their last read. A buffer some band b writes
      whole in a form kernel-in-place may merge with an input, while an input of that
      write may die there (no later step touches it), counts only from the step after
      the last such write: if merged, both are the input's buffer (no smaller) over
      both lifetimes, and the input is counted up to that step.
    Band windows (and so the MACs and refusals) are memoised per layer and row range.

Assumes the buffer-level functions of convert-qnn-to-kernel, before kernel-in-place
(one block but for its own band loops; each stage intermediate an allocation read only
by later stage ops).
Declines (records a reason, changes nothing) for: no spatial layers, stages holding ops
other than qk.conv2d, batch > 1, convolutions padded only along rows (their band
copies would lose the padded form the folded bias relies on), and band counts where a
band's window at some layer holds only padding rows (it would need an empty buffer).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np
from xdsl.builder import Builder, InsertPoint
from xdsl.context import Context
from xdsl.dialects import arith, func, memref
from xdsl.dialects.builtin import (
    DYNAMIC_INDEX,
    ArrayAttr,
    BytesAttr,
    DenseArrayBase,
    DenseIntOrFPElementsAttr,
    IndexType,
    IntAttr,
    IntegerAttr,
    MemRefType,
    ModuleOp,
    StringAttr,
    TensorType,
    UnitAttr,
    i8,
    i32,
    i64,
)
from xdsl.ir import Operation, SSAValue
from xdsl.passes import ModulePass

from tinymlir.dialects import kernel as qk
from tinymlir.dialects import patch
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
    over_input: bool = False
    """The stitched output overwrites the stage input's rows no later band reads
    (`overwrite_refusal`)."""
    stream: bool = False
    """The stream form (`apply_stream`): rows shared by neighbouring bands are kept, not
    recomputed."""
    cols: int = 1
    """Column tiles: above 1, the grid form (`apply_grid`), `bands` x `cols` patches."""

    @property
    def patches(self) -> int:
        return self.bands * self.cols


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


@dataclass(frozen=True)
class _Layer:
    macs: int
    output_shape: tuple[int, ...]
    data_inputs: tuple[SSAValue, ...]
    input_shapes: tuple[tuple[int, ...], ...]
    ins: tuple[SSAValue, ...]
    outs: SSAValue


class BandGeometry:
    """Memoised band windows (the search asks for the same ones many times): the rows of
    each data input a layer reads for a row range of its output (`input_window`), and
    per stage and band count the rows of every value in each band."""

    def __init__(self) -> None:
        self._windows: dict[tuple[qk.KernelOp, tuple[int, int]], list[tuple[int, int]]] = {}
        self._bands: dict[tuple[tuple[qk.KernelOp, ...], int], list[dict[SSAValue, tuple[int, int]]]] = {}
        self._extra: dict[tuple[tuple[qk.KernelOp, ...], int], int] = {}
        self._layers: dict[qk.KernelOp, _Layer] = {}
        self._overwrite: dict[tuple[qk.KernelOp, ...], tuple[str | None, tuple]] = {}
        self._reads_whole: dict[tuple, bool] = {}
        self._row_params: dict[qk.Conv2DOp, tuple[int, int, int, int, int, int]] = {}
        self._stream: dict[tuple[tuple[qk.KernelOp, ...], int], tuple[list, tuple[int, ...]] | str] = {}
        self._grid: dict[tuple, object] = {}  # the grid form's windows, tiles, MACs, refusals
        # a copy's geometry asks its original's for what holds only numbers or reasons
        # (`translated`): the original's op of each of the copy's ops
        self._original: tuple[BandGeometry, dict[Operation, Operation]] | None = None

    def original(self, stage: list[qk.KernelOp]) -> tuple[BandGeometry, list[qk.KernelOp]] | None:
        """The original's geometry and stage, where this is a copy's and every op of
        `stage` is a copy of one of its ops (not a band op made since)."""
        if self._original is None:
            return None
        geometry, of = self._original
        ops = [of.get(op) for op in stage]
        return None if any(o is None for o in ops) else (geometry, ops)  # type: ignore[return-value]

    def of_copy(self, copies: list[qk.KernelOp], originals: list[qk.KernelOp]) -> BandGeometry:
        """A geometry for a costing copy of the function whose kernel ops `copies` are
        copies of this one's `originals`: it asks this one for what holds only numbers
        (`original`)."""
        copy = BandGeometry()
        copy._original = (self, dict(zip(copies, originals, strict=True)))
        return copy

    def translated(self, same: dict[Operation, Operation]) -> BandGeometry:
        """A geometry for a copy of the function (`same`: each op's copy, the copies
        reading the copies of what their originals read) knowing what this one knows of
        the originals and holds only numbers or reasons: windows, row and convolution
        parameters, extra MACs, stream bands and grid columns, MACs and refusals; what it
        learns later of stream bands and extra MACs the copy asks it for (`original`)."""
        copy = BandGeometry()
        copy._original = (self, {mine: theirs for theirs, mine in same.items()})
        # entries of ops no longer in the function (a chosen stage's, erased) are left out
        copy._windows = {(same[op], rows): w for (op, rows), w in self._windows.items() if op in same}
        copy._row_params = {same[op]: p for op, p in self._row_params.items() if op in same}
        for mine, theirs in ((self._extra, copy._extra), (self._stream, copy._stream)):
            for (stage, bands), value in mine.items():
                if all(o in same for o in stage):
                    theirs[(tuple(same[o] for o in stage), bands)] = value
        for key, value in self._grid.items():
            if key[0] in ("cols", "conv") and key[1] in same:
                copy._grid[(key[0], same[key[1]], *key[2:])] = value
            elif key[0] in ("refusal", "macs") and all(o in same for o in key[1]):
                copy._grid[(key[0], tuple(same[o] for o in key[1]), *key[2:])] = value
        return copy

    def layer(self, op: qk.KernelOp) -> _Layer:
        """What the search reads of `op` (its properties are slow to read)."""
        if op not in self._layers:
            self._layers[op] = _Layer(
                op.macs(), tuple(op.output_type.get_shape()), tuple(op.data_inputs),
                tuple(tuple(t.get_shape()) for t in op.input_types.data), tuple(op.ins), op.outs,
            )
        return self._layers[op]

    def row_params(self, op: qk.Conv2DOp) -> tuple[int, int, int, int, int, int]:
        """The convolution's top, left and right pads, row stride and dilation and kernel
        height (its properties are slow to read)."""
        if op not in self._row_params and self._original is not None and op in self._original[1]:
            self._row_params[op] = self._original[0].row_params(self._original[1][op])  # type: ignore[arg-type]
        if op not in self._row_params:
            pads = _ints(op.pads)
            self._row_params[op] = (
                pads[0], pads[1], pads[3], _ints(op.strides)[0], _ints(op.dilations)[0], op.weight.type.get_shape()[1],
            )
        return self._row_params[op]

    def windows(self, op: qk.KernelOp, rows: tuple[int, int]) -> list[tuple[int, int]]:
        """The rows of each data input `op` reads for output rows `rows`."""
        key = (op, rows)
        if key not in self._windows and self._original is not None and op in self._original[1]:
            self._windows[key] = self._original[0].windows(self._original[1][op], rows)
        if key not in self._windows:
            self._windows[key] = [tuple(w[1]) for w in op.input_window(_box(op, rows))]
        return self._windows[key]

    def band_rows(self, stage: list[qk.KernelOp], rows: tuple[int, int]) -> dict[SSAValue, tuple[int, int]]:
        needed: dict[SSAValue, tuple[int, int]] = {self.layer(stage[-1]).outs: rows}
        for op in reversed(stage):
            layer = self.layer(op)
            for value, (lo, hi) in zip(layer.data_inputs, self.windows(op, needed[layer.outs]), strict=True):
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
    return _with_shape(t, tuple(shape))


def _with_shape(t: QTensorType, shape: tuple[int, ...]) -> QTensorType:
    """`t` with `shape`, made once per (type, shape): the search re-issues the same
    layers with the same shapes for many candidates, and attributes are values."""
    key = (t, shape)
    result = _SHAPED_TYPES.get(key)
    if result is None:
        result = _SHAPED_TYPES[key] = QTensorType.new(
            [ArrayAttr([IntAttr(d) for d in shape]), t.element_type, t.scales, t.zero_points, t.axis]
        )
    return result


_SHAPED_TYPES: dict[tuple, QTensorType] = {}


def _i64_array(values: tuple[int, ...]) -> DenseArrayBase:
    """An i64 dense array of `values`, one per tuple (attributes are values)."""
    result = _I64_ARRAYS.get(values)
    if result is None:
        result = _I64_ARRAYS[values] = DenseArrayBase.from_list(i64, list(values))
    return result


_I64_ARRAYS: dict[tuple[int, ...], DenseArrayBase] = {}


def _subview(buffer: SSAValue, offsets: list, sizes: list, result: MemRefType) -> memref.SubviewOp:
    """`memref.SubviewOp.get(buffer, offsets, sizes, unit strides, result)` with its
    static index lists made once per value."""
    dynamic = [v for v in offsets if isinstance(v, SSAValue)]
    static = tuple(DYNAMIC_INDEX if isinstance(v, SSAValue) else v for v in offsets)
    return memref.SubviewOp(
        buffer, dynamic, [], [], _i64_array(static), _i64_array(tuple(sizes)), _i64_array((1,) * len(sizes)), result,
    )


def _alloc(shape: tuple[int, ...]) -> memref.AllocOp:
    """`memref.AllocOp.get(i8, 4, shape)` with its type and alignment made once."""
    result = _ALLOC_TYPES.get(shape)
    if result is None:
        result = _ALLOC_TYPES[shape] = (MemRefType(i8, list(shape)), IntegerAttr(4, 64))
    return memref.AllocOp((), (), result[0], result[1])


_ALLOC_TYPES: dict[tuple[int, ...], tuple] = {}


def _tile_attr(output: Box2, windows: tuple[Box2, ...], pads: tuple[int, ...]) -> patch.TileAttr:
    """`patch.TileAttr.make`, once per tile (the search describes the same tiles for many
    candidates)."""
    key = (output, windows, pads)
    result = _TILES.get(key)
    if result is None:
        result = _TILES[key] = patch.TileAttr.make(output, windows, pads)
    return result


_TILES: dict[tuple, patch.TileAttr] = {}


def _band_pads(
    op: qk.Conv2DOp, out_rows: tuple[int, int], in_rows: tuple[int, int], geometry: BandGeometry | None = None,
) -> list[int]:
    """The op's pads for one band: its left/right pads, and as top/bottom padding only
    the rows of the band's window that lie outside the map."""
    pt, pl, pr, sh, dh, kh = (geometry or BandGeometry()).row_params(op)
    first = out_rows[0] * sh - pt
    last = (out_rows[1] - 1) * sh - pt + (kh - 1) * dh
    return [in_rows[0] - first, pl, last + 1 - in_rows[1], pr]


def stage_refusal(ops: list[qk.KernelOp]) -> str | None:
    """Why these consecutive kernel ops cannot form a stage (None: they can): only
    convolutions, additions and channel concatenations of NHWC maps, and every result but
    the last read only by later ops of the stage."""
    members = set(ops)
    for i, op in enumerate(ops):
        if not isinstance(op, qk.Conv2DOp | qk.AddOp | qk.ConcatOp):
            return f"{op.layer_name.data} ({op.name}) cannot be run in bands"
        if isinstance(op, qk.ConcatOp) and op.axis.value.data != 3:
            return f"{op.layer_name.data}: a concatenation along axis {op.axis.value.data}, not the channels, cannot be run in bands"
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
            if any(hi <= lo for lo, hi in geometry.windows(op, needed[geometry.layer(op).outs])):
                return f"{op.layer_name.data}: a band of {bands} reads only padding rows"
    return None


def extra_macs(stage: list[qk.KernelOp], bands: int, geometry: BandGeometry | None = None) -> int:
    """MACs the bands recompute (their halos) over running the stage layer by layer."""
    geometry = geometry or BandGeometry()
    key = (tuple(stage), bands)
    if key not in geometry._extra and (original := geometry.original(stage)) is not None:
        geometry._extra[key] = extra_macs(original[1], bands, original[0])
    if key not in geometry._extra:
        total = 0
        for needed in geometry.bands(stage, bands):
            for op in stage:
                layer = geometry.layer(op)
                lo, hi = needed[layer.outs]
                total += layer.macs * (hi - lo) // layer.output_shape[1]
        geometry._extra[key] = total - sum(geometry.layer(op).macs for op in stage)
    return geometry._extra[key]


def _stage_input(stage: list[qk.KernelOp]) -> SSAValue | None:
    """The one data input the stage reads from outside it, None if it reads several."""
    inner = {op.outs for op in stage}
    outer = {v for op in stage for v in op.data_inputs if v not in inner}
    return next(iter(outer)) if len(outer) == 1 else None


def overwrite_refusal(stage: list[qk.KernelOp], bands: int, geometry: BandGeometry | None = None) -> str | None:
    """Why the stitched output cannot overwrite the stage input (None: it can). It can
    when the input is an allocation of its own read by no op after the stage, the last
    op does not read it, the output is no larger, and each band writes only bytes of
    input rows no later band reads (a band's reads all come before its last op writes):
    the output then lives in the input's buffer, which ResNet-style blocks need (the
    block input is kept for the add, so the stage input and output otherwise coexist)."""
    geometry = geometry or BandGeometry()
    key = tuple(stage)
    if key not in geometry._overwrite:
        geometry._overwrite[key] = _stage_overwrite_refusal(stage, geometry)
    refusal, rows = geometry._overwrite[key]
    if refusal is not None:
        return refusal
    value, in_row, out_row = rows
    per_band = geometry.bands(stage, bands)
    for b in range(len(per_band) - 1):
        written_end = per_band[b][stage[-1].outs][1] * out_row
        read_start = min(needed[value][0] for needed in per_band[b + 1 :]) * in_row
        if written_end > read_start:
            return f"band {b} would overwrite input rows a later band reads"
    return None


def _stage_overwrite_refusal(stage: list[qk.KernelOp], geometry: BandGeometry) -> tuple[str | None, tuple]:
    """`overwrite_refusal`'s checks that do not depend on the band count, and the input
    value and the bytes of an input and an output row."""
    value = _stage_input(stage)
    last = stage[-1]
    if value is None or not isinstance(value.owner, memref.AllocOp) or not isinstance(last.outs.owner, memref.AllocOp):
        return "the stage does not read one input buffer", ()
    if value in geometry.layer(last).data_inputs:
        return "the stage's last op reads its input", ()
    block = stage[0].parent
    members = set(stage)
    first_index = block.get_operation_index(stage[0]) if block is not None else 0
    for use in value.uses:
        user = use.operation
        while user.parent is not block and user.parent_op() is not None:
            user = user.parent_op()  # the top-level op holding it (a band loop)
        if user not in members and not (user.parent is block and block.get_operation_index(user) < first_index):
            return "the stage input is used after the stage", ()
    in_shape = value.type.get_shape()
    out_shape = last.outs.type.get_shape()
    if value.type.element_type != last.outs.type.element_type or len(in_shape) != 4 or len(out_shape) != 4:
        return "the stage input and output differ in element type or rank", ()
    in_row = in_shape[2] * in_shape[3]
    out_row = out_shape[2] * out_shape[3]
    if out_row * out_shape[1] > in_row * in_shape[1]:
        return "the output is larger than the input", ()
    return None, (value, in_row, out_row)


def _rows_view(builder: Builder, buffer: SSAValue, rows: tuple[int, int], row: SSAValue | None = None) -> SSAValue:
    """`buffer` itself when `rows` are all its rows, else a subview of those rows;
    `row`: the first row is this index value instead (a band loop's), `rows` giving
    only the row count."""
    t = buffer.type
    assert isinstance(t, MemRefType)
    shape = list(t.get_shape())
    count = rows[1] - rows[0]
    if row is None and rows == (0, shape[1]):
        return buffer
    offsets: list[SSAValue | int] = [0, rows[0] if row is None else row, 0, 0]
    sizes: list[SSAValue | int] = [1, count, shape[2], shape[3]]
    key = (t, rows[0] if row is None else None, count)
    result = _SUBVIEW_TYPES.get(key)
    if result is None:  # the search builds the same views many times; types are values
        result = _SUBVIEW_TYPES[key] = memref.SubviewOp.infer_result_type(t, offsets, sizes, [1, 1, 1, 1])
    return builder.insert(_subview(buffer, offsets, sizes, result)).result


_SUBVIEW_TYPES: dict[tuple, MemRefType] = {}


@dataclass(frozen=True)
class _LayerInBand:
    """One layer's part of a band: its output rows and each data input's rows."""

    rows: tuple[int, int]
    windows: tuple[tuple[int, int], ...]
    pads: tuple[int, ...] | None


def _band_layers(stage: list[qk.KernelOp], needed: dict[SSAValue, tuple[int, int]], geometry: BandGeometry) -> list[_LayerInBand]:
    layers = []
    for op in stage:
        rows = needed[op.outs]
        windows = tuple(geometry.windows(op, rows))
        pads = tuple(_band_pads(op, rows, windows[0], geometry)) if isinstance(op, qk.Conv2DOp) else None
        layers.append(_LayerInBand(rows, windows, pads))
    return layers


def _moving_rows(stage: list[qk.KernelOp], layers: list[_LayerInBand]) -> tuple[int, ...]:
    """The map rows a band starts at in the stage's inputs and output (what moves from
    band to band; band buffers hold their own rows from 0)."""
    inner = {op.outs for op in stage[:-1]}
    starts = [w[0] for op, layer in zip(stage, layers, strict=True) for v, w in zip(op.data_inputs, layer.windows, strict=True) if v not in inner]
    return (*starts, layers[-1].rows[0])


def _band_shape(stage: list[qk.KernelOp], layers: list[_LayerInBand]) -> tuple:
    """What two bands must share to run as iterations of one loop: every count, pad and
    offset into a band buffer."""
    first_row = {op.outs: layer.rows[0] for op, layer in zip(stage, layers, strict=True)}
    return tuple(
        (layer.rows[1] - layer.rows[0], layer.pads, tuple(
            (w[1] - w[0], w[0] - first_row[v] if v in first_row else None)
            for v, w in zip(op.data_inputs, layer.windows, strict=True)
        ))
        for op, layer in zip(stage, layers, strict=True)
    )


def band_runs(stage: list[qk.KernelOp], bands: int, geometry: BandGeometry | None = None) -> list[tuple[int, int]]:
    """The stage's bands as runs [first, end): consecutive bands of the same shape whose
    moving rows advance by the same step form one run (a loop); the rest, bands whose
    pads or row counts differ (the borders, the longer first bands of an uneven split),
    are runs of one."""
    geometry = geometry or BandGeometry()
    per_band = [_band_layers(stage, needed, geometry) for needed in geometry.bands(stage, bands)]
    shapes = [_band_shape(stage, band) for band in per_band]
    moving = [_moving_rows(stage, band) for band in per_band]
    return _runs(shapes, moving, 0)


def _runs(shapes: list[tuple], moving: list[tuple[int, ...]], first: int) -> list[tuple[int, int]]:
    """Bands `first`.. grouped into runs [first, end) of one shape whose moving rows
    advance by one constant step; the bands before `first` are runs of one."""
    runs: list[tuple[int, int]] = [(b, b + 1) for b in range(first)]
    b = first
    while b < len(shapes):
        end = b + 1
        if end < len(shapes) and shapes[end] == shapes[b]:
            step = [y - x for x, y in zip(moving[b], moving[end], strict=True)]
            end += 1
            while end < len(shapes) and shapes[end] == shapes[b] and [
                y - x for x, y in zip(moving[end - 1], moving[end], strict=True)
            ] == step:
                end += 1
        runs.append((b, end))
        b = end
    return runs


def apply_bands(
    stage: list[qk.KernelOp], bands: int, geometry: BandGeometry | None = None, *, loops: bool = True,
    over_input: bool = False, describe: bool = True,
) -> list[Operation]:
    """Replace the stage by a `patch.stage` of its ops re-issued per band (see the module
    docstring): a run of bands of the same shape (`band_runs`) as one band loop with
    the band buffers allocated once before it, the other bands unrolled (all of them
    with `loops=False`); `over_input`: the stitched output is a view of the stage
    input's buffer (`overwrite_refusal` must allow it); returns the band ops."""
    geometry = geometry or BandGeometry()
    last = stage[-1]
    if over_input:
        refusal = overwrite_refusal(stage, bands, geometry)
        if refusal is not None:
            raise PassError(f"patch-schedule: {refusal}")
    _hoist_definitions(stage)
    per_band = [_band_layers(stage, needed, geometry) for needed in geometry.bands(stage, bands)]
    runs = band_runs(stage, bands, geometry) if loops else [(b, b + 1) for b in range(bands)]
    if over_input:
        from tinymlir.passes.kernel_in_place import write_over

        write_over(last, _stage_input(stage))  # type: ignore[arg-type]
    target = last.outs
    tiles = [[(layer.rows, layer.windows, layer.pads) for layer in band] for band in per_band]
    builder = _stage_builder(stage, "recompute", tiles, target, describe=describe)
    clones: list[Operation] = []
    for run_start, run_end in runs:
        layers = per_band[run_start]
        buffers = []
        for op, layer in zip(stage[:-1], layers[:-1], strict=True):
            _, _, width, channels = op.output_type.get_shape()
            alloc = builder.insert(_alloc((1, layer.rows[1] - layer.rows[0], width, channels)))
            alloc.memref.name_hint = f"{op.layer_name.data}_band{run_start}"
            buffers.append(alloc.memref)
        if run_end - run_start == 1:
            clones += _emit_band(builder, stage, layers, buffers, target, None)
            continue
        moving = _moving_rows(stage, layers)
        step = [y - x for x, y in zip(moving, _moving_rows(stage, per_band[run_start + 1]), strict=True)]
        inner, rows = _band_loop(builder, run_start, run_end, moving, step)
        clones += _emit_band(inner, stage, layers, buffers, target, rows)
    _erase_stage(stage)
    return clones


def _hoist_definitions(stage: list[qk.KernelOp]) -> None:
    """Weights, tables and the stitched output are used from the first band on: their
    definitions (get_globals, the output's alloc) move up to the stage's start."""
    first = stage[0]
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


def _stage_builder(
    stage: list[qk.KernelOp], form: str, tiles: list[list[tuple]], target: SSAValue, grid: tuple[int, int] | None = None,
    describe: bool = True,
) -> Builder:
    """A `patch.stage` of `form` before the stage writing `target`, its table from each
    band's (rows, row windows, pads) per op of full-width bands (row-major over `grid`, by
    default [bands, 1]): a builder at the end of its body. The columns every band shares
    (each op's column windows and left/right pads, what clipping cuts off) are asked of
    the op's `input_window` once. `describe=False`: no layers and table (a costing copy,
    which only plan-arena reads)."""
    if not describe:
        return _open_stage(stage, form, grid or (len(tiles), 1), [], target, describe=False)
    columns = []
    for j, op in enumerate(stage):
        rows = next(band[j][0] for band in tiles if band[j][1])
        windows, pads = patch.window_and_pads(op, (rows, (0, op.output_type.get_shape()[2])))
        columns.append((op.output_type.get_shape()[2], [w[1] for w in windows], pads[1::2]))
    table = [
        [
            _tile_attr((rows, (0, width)), tuple(zip(windows, col_windows, strict=True)) if windows else (), (
                (pads[0], col_pads[0], pads[2], col_pads[1]) if pads is not None and windows else ()
            ))
            for (rows, windows, pads), (width, col_windows, col_pads) in zip(band, columns, strict=True)
        ]
        for band in tiles
    ]
    return _open_stage(stage, form, grid or (len(tiles), 1), table, target)


def _open_stage(
    stage: list[qk.KernelOp], form: str, grid: tuple[int, int], table: list[list[patch.TileAttr]], target: SSAValue,
    describe: bool = True,
) -> Builder:
    """A `patch.stage` of `form` over `grid` before the stage, writing `target`, with the
    band table `table` (per band, row-major over the grid, each op's tile): a builder at
    the end of its body; `describe=False`: without its layers (a costing copy)."""
    op = patch.StageOp(target, form, grid, [patch.LayerAttr.of(o) for o in stage] if describe else [], table)
    Builder(InsertPoint.before(stage[0])).insert(op)
    return Builder(InsertPoint.at_end(op.body.block))


def _band_loop(
    builder: Builder, run_start: int, run_end: int, moving: tuple[int, ...], step: list[int],
) -> tuple[Builder, list[SSAValue | None]]:
    """A band loop over bands run_start..run_end - 1 (its index i moves every moving row
    by i * step): a builder at the end of its body and the moving rows' index values
    (None where a row does not move)."""
    loop = builder.insert(patch.BandLoopOp(run_start, run_end))
    body = loop.body.block
    inner = Builder(InsertPoint.at_end(body))
    band = body.args[0]
    band.name_hint = "band"
    rows: list[SSAValue | None] = []
    for start_row, delta in zip(moving, step, strict=True):
        if delta == 0:
            rows.append(None)
            continue
        scaled = inner.insert(arith.MuliOp(band, inner.insert(arith.ConstantOp.from_int_and_width(delta, IndexType())).result)).result
        rows.append(inner.insert(arith.AddiOp(scaled, inner.insert(arith.ConstantOp.from_int_and_width(start_row, IndexType())).result)).result)
    return inner, rows


def _erase_stage(stage: list[qk.KernelOp]) -> None:
    """Erases the stage's ops and the allocations of its intermediates."""
    intermediates = [op.outs for op in stage[:-1]]
    for op in reversed(stage):
        op.detach()
        op.erase()
    for value in intermediates:
        owner = value.owner
        if isinstance(owner, Operation) and not value.uses:
            owner.detach()
            owner.erase()


def _emit_band(
    builder: Builder, stage: list[qk.KernelOp], layers: list[_LayerInBand], buffers: list[SSAValue],
    target: SSAValue, rows: list[SSAValue | None] | None,
) -> list[Operation]:
    """The stage's ops for one band (`layers`) on `buffers`; `rows`: in a band loop, the
    index values of the moving rows (`_moving_rows`; None where a row does not move)."""
    inner = {op.outs for op in stage[:-1]}
    moving = iter(rows) if rows is not None else None
    # where each value's rows are: (buffer, the map row its first row holds)
    placed: dict[SSAValue, tuple[SSAValue, int]] = {}
    clones: list[Operation] = []
    for op, layer in zip(stage, layers, strict=True):
        data = []
        for value, w in zip(op.data_inputs, layer.windows, strict=True):
            buffer, first_row = placed.get(value, (value, 0))
            row = next(moving) if moving is not None and value not in inner else None
            data.append(_rows_view(builder, buffer, (w[0] - first_row, w[1] - first_row), row))
        if op is stage[-1]:
            row = next(moving) if moving is not None else None
            out = _rows_view(builder, target, layer.rows, row)
        else:
            out = buffers[len(placed)]
        clones.append(_band_clone(builder, op, data, out, layer.rows, layer.windows, layer.pads))
        placed[op.outs] = (out, layer.rows[0])
    return clones


def _band_clone(
    builder: Builder, op: qk.KernelOp, data: list[SSAValue], out: SSAValue, rows: tuple[int, int],
    windows: tuple[tuple[int, int], ...], pads: tuple[int, ...] | None,
) -> Operation:
    """`op` re-issued on `data` and `out` for output rows `rows`, reading `windows`."""
    clone = op.clone()
    clone.operands = [*data, *op.ins[len(data):], out]
    clone.properties["input_types"] = ArrayAttr([
        _with_rows(t, w[1] - w[0]) for t, w in zip(op.input_types.data, windows, strict=True)
    ])
    clone.properties["output_type"] = _with_rows(op.output_type, rows[1] - rows[0])
    if pads is not None:
        clone.properties["pads"] = _i64_array(tuple(pads))
    builder.insert(clone)
    return clone


# ---------------------------------------------------------------------------------------
# The stream form: bands that keep the rows their successor shares


@dataclass(frozen=True)
class _StreamBand:
    """One band of the stream form. `layers`: per stage op, the rows it computes in this
    band (only those no earlier band computed; the last op: the band's output rows), the
    rows of each data input it reads, its pads and where its first row goes in its buffer
    (None for the last op, which writes the stitched output); `shifts`: per intermediate,
    (rows to drop, rows to keep) at the band's start: the rows an earlier band computed
    that this band still reads move to the front of the buffer."""

    layers: tuple[tuple[tuple[int, int], tuple[tuple[int, int], ...], tuple[int, ...] | None, int | None], ...]
    shifts: tuple[tuple[int, int], ...]
    base: tuple[int, ...]
    """Per intermediate, the map row its buffer's first row holds in this band."""


def stream_bands(
    stage: list[qk.KernelOp], bands: int, geometry: BandGeometry | None = None,
) -> tuple[list[_StreamBand], tuple[int, ...]] | str:
    """The stage's bands in the stream form and the rows of each intermediate's buffer
    (the most any band holds), or why the stage cannot stream in `bands` bands: a value
    whose band windows move backwards, or rows to compute whose window holds no row of
    the map."""
    geometry = geometry or BandGeometry()
    key = (tuple(stage), bands)
    if key not in geometry._stream and (original := geometry.original(stage)) is not None:
        geometry._stream[key] = stream_bands(original[1], bands, original[0])
    if key not in geometry._stream:
        geometry._stream[key] = _stream_bands_uncached(stage, bands, geometry)
    return geometry._stream[key]


def _stream_bands_uncached(
    stage: list[qk.KernelOp], bands: int, geometry: BandGeometry,
) -> tuple[list[_StreamBand], tuple[int, ...]] | str:
    per_band = geometry.bands(stage, bands)
    inner = [geometry.layer(op).outs for op in stage[:-1]]
    computed = {v: (0, 0) for v in inner}  # rows of each intermediate computed so far: [0, end)
    previous: dict[SSAValue, tuple[int, int]] | None = None
    out: list[_StreamBand] = []
    for needed in per_band:
        shifts = []
        for v in inner:
            lo, hi = needed[v]
            if previous is not None and (lo < previous[v][0] or hi < previous[v][1]):
                return f"{stage[inner.index(v)].layer_name.data}: its band windows move backwards"
            keep = 0 if previous is None else max(0, computed[v][1] - lo)
            drop = 0 if previous is None else lo - previous[v][0]
            shifts.append((drop, keep))
        base = {v: needed[v][0] for v in inner}
        layers = []
        for op in stage:
            layer = geometry.layer(op)
            if op is stage[-1]:
                rows, offset = needed[layer.outs], None
            else:
                rows = (max(needed[layer.outs][0], computed[layer.outs][1]), needed[layer.outs][1])
                offset = rows[0] - base[layer.outs]
            if rows[1] <= rows[0]:
                layers.append((rows, (), None, offset))
                continue
            windows = tuple(geometry.windows(op, rows))
            if any(hi <= lo for lo, hi in windows):
                return f"{op.layer_name.data}: a band of {bands} reads only padding rows"
            pads = tuple(_band_pads(op, rows, windows[0], geometry)) if isinstance(op, qk.Conv2DOp) else None
            layers.append((rows, windows, pads, offset))
            if op is not stage[-1]:
                computed[layer.outs] = (0, rows[1])
        out.append(_StreamBand(tuple(layers), tuple(shifts), tuple(base[v] for v in inner)))
        previous = needed
    capacity = tuple(max(needed[v][1] - needed[v][0] for needed in per_band) for v in inner)
    return out, capacity


def stream_refusal(stage: list[qk.KernelOp], bands: int, geometry: BandGeometry | None = None) -> str | None:
    """Why the stage cannot run in `bands` streamed bands (None: it can)."""
    plan = stream_bands(stage, bands, geometry)
    return plan if isinstance(plan, str) else None


def _stream_moving(stage: list[qk.KernelOp], band: _StreamBand) -> tuple[int, ...]:
    """The map rows a streamed band reads of the stage's inputs and writes of its output
    (what moves from band to band; the buffers hold their rows from their base)."""
    inner = {op.outs for op in stage[:-1]}
    starts = [
        w[0] for op, (rows, windows, _, _) in zip(stage, band.layers, strict=True) if windows
        for v, w in zip(op.data_inputs, windows, strict=True) if v not in inner
    ]
    return (*starts, band.layers[-1][0][0])


def _stream_shape(stage: list[qk.KernelOp], band: _StreamBand) -> tuple:
    """What two streamed bands must share to run as iterations of one loop: the shifts,
    and per layer every count, pad and offset into a buffer."""
    index = {op.outs: j for j, op in enumerate(stage[:-1])}
    return band.shifts, tuple(
        (rows[1] - rows[0], pads, offset, tuple(
            (w[1] - w[0], w[0] - band.base[index[v]] if v in index else None)
            for v, w in zip(op.data_inputs, windows, strict=True)
        ) if windows else None)
        for op, (rows, windows, pads, offset) in zip(stage, band.layers, strict=True)
    )


def stream_runs(stage: list[qk.KernelOp], bands: int, geometry: BandGeometry | None = None) -> list[tuple[int, int]]:
    """`band_runs` for the stream form: consecutive bands of one `_stream_shape` whose
    moving rows advance by one step. The first band (which keeps no rows) is always a
    run of its own, so the buffers are also used outside any band loop and plan-arena
    keeps them live over the whole loop (their kept rows cross iterations)."""
    plan = stream_bands(stage, bands, geometry)
    assert not isinstance(plan, str), plan
    per_band = plan[0]
    shapes = [_stream_shape(stage, band) for band in per_band]
    moving = [_stream_moving(stage, band) for band in per_band]
    return _runs(shapes, moving, 1)


def apply_stream(
    stage: list[qk.KernelOp], bands: int, geometry: BandGeometry | None = None, *, loops: bool = True,
    over_input: bool = False, over_rows: bool = False, describe: bool = True,
) -> list[Operation]:
    """Replace the stage by its ops re-issued per band in the stream form (see the module
    docstring), in a `patch.stage`: one buffer per intermediate, allocated first with the rows the
    largest band holds; each band first moves the rows it shares with the previous band
    to the front of each buffer (`memref.copy`, row by row where source and destination
    overlap), then each op computes only the rows no earlier band computed. Nothing is
    recomputed. Runs of bands of one shape (`stream_runs`) become band loops as in
    `apply_bands`; returns the band ops."""
    geometry = geometry or BandGeometry()
    plan = stream_bands(stage, bands, geometry)
    if isinstance(plan, str):
        raise PassError(f"patch-schedule: {plan}")
    per_band, capacity = plan
    if loops:
        fold = stream_fold(stage, bands, geometry, over_input=over_input, over_rows=over_rows)
        if not isinstance(fold, str):
            return _apply_fold(stage, fold, over_input, describe)
    if over_input:
        refusal = overwrite_refusal(stage, bands, geometry)
        if refusal is not None:
            raise PassError(f"patch-schedule: {refusal}")
    last = stage[-1]
    _hoist_definitions(stage)
    runs = stream_runs(stage, bands, geometry) if loops else [(b, b + 1) for b in range(bands)]
    if over_input:
        from tinymlir.passes.kernel_in_place import write_over

        write_over(last, _stage_input(stage))  # type: ignore[arg-type]
    target = last.outs
    tiles = [[layer[:3] for layer in band.layers] for band in per_band]
    builder = _stage_builder(stage, "stream", tiles, target, describe=describe)
    buffers = []
    for op, rows in zip(stage[:-1], capacity, strict=True):
        _, _, width, channels = op.output_type.get_shape()
        alloc = builder.insert(_alloc((1, rows, width, channels)))
        alloc.memref.name_hint = f"{op.layer_name.data}_stream"
        buffers.append(alloc.memref)
    clones: list[Operation] = []
    for run_start, run_end in runs:
        band = per_band[run_start]
        if run_end - run_start == 1:
            clones += _emit_stream_band(builder, stage, band, buffers, target, None)
            continue
        moving = _stream_moving(stage, band)
        step = [y - x for x, y in zip(moving, _stream_moving(stage, per_band[run_start + 1]), strict=True)]
        inner, rows = _band_loop(builder, run_start, run_end, moving, step)
        clones += _emit_stream_band(inner, stage, band, buffers, target, rows)
    _erase_stage(stage)
    return clones


def _emit_stream_band(
    builder: Builder, stage: list[qk.KernelOp], band: _StreamBand, buffers: list[SSAValue],
    target: SSAValue, rows: list[SSAValue | None] | None,
) -> list[Operation]:
    """One streamed band: the shifts, then the stage's ops on the rows they compute;
    `rows` as in `_emit_band`."""
    _emit_shifts(builder, buffers, band.shifts)
    inner = {op.outs: j for j, op in enumerate(stage[:-1])}
    moving = iter(rows) if rows is not None else None
    clones: list[Operation] = []
    for op, (out_rows, windows, pads, offset) in zip(stage, band.layers, strict=True):
        if not windows:
            continue  # nothing new to compute in this band
        data = []
        for value, w in zip(op.data_inputs, windows, strict=True):
            if value in inner:
                base = band.base[inner[value]]
                data.append(_rows_view(builder, buffers[inner[value]], (w[0] - base, w[1] - base)))
            else:
                row = next(moving) if moving is not None else None
                data.append(_rows_view(builder, value, w, row))
        count = out_rows[1] - out_rows[0]
        if op is stage[-1]:
            row = next(moving) if moving is not None else None
            out = _rows_view(builder, target, out_rows, row)
        else:
            assert offset is not None
            out = _rows_view(builder, buffers[inner[op.outs]], (offset, offset + count))
        clones.append(_band_clone(builder, op, data, out, out_rows, windows, pads))
    return clones


# ---------------------------------------------------------------------------------------
# The folded stream form: every band, the borders too, in one band loop


@dataclass(frozen=True)
class _FoldStep:
    """One layer's work in one band of the folded stream form. `rows`: the map rows it
    computes (clipped to the map; empty: none), `windows` and `pads` the table's (the
    tile's clipped windows and the clipped-off part); `reads`: the rows of each data input
    the op reads (rows of the line buffer for an intermediate, of the map for a stage
    input) and `op_pads` the op's pads (a read into a line buffer's pad rows replaces the
    pads); `offset`: the buffer row its first computed row goes to (None for the last op);
    `fill`: the buffer rows it sets to the zero point (its rows past the map's bottom,
    read as padding, or the rows it computed outside the map), or None."""

    rows: tuple[int, int]
    windows: tuple[tuple[int, int], ...]
    pads: tuple[int, ...] | None
    reads: tuple[tuple[int, int], ...]
    op_pads: tuple[int, ...] | None
    offset: int | None
    fill: tuple[int, int] | None
    computed: tuple[int, int] = (0, 0)
    """The map rows the op computes: `rows`, or at a border its steady rows, the ones
    outside the map reset by `fill` right after (so a line buffer's layer keeps one shape)."""

    @property
    def idle(self) -> bool:
        return self.rows[1] <= self.rows[0] and self.fill is None


@dataclass(frozen=True)
class _Fold:
    """The folded stream form of a stage: per band of the loop (`first` .. the last output
    band, `first` <= 0 counting the warm-up bands that only fill the line buffers) and
    layer its step; the shifts every band starts with, and each line buffer's rows."""

    first: int
    steps: tuple[tuple[_FoldStep, ...], ...]
    shifts: tuple[tuple[int, int], ...]
    capacity: tuple[int, ...]


def stream_fold(
    stage: list[qk.KernelOp], bands: int, geometry: BandGeometry | None = None, *, over_input: bool = False,
    over_rows: bool = False,
) -> _Fold | str:
    """The stage's stream form with its border bands folded into the steady state's loop,
    or why it cannot fold. The steady state (the longest run of `stream_runs`) is
    extended to every band: each layer computes the rows it computes there, moved by its
    step, clipped to its map; each line buffer keeps the steady rows around them,
    including rows outside the map, which hold the zero point (the whole buffer is set to
    it first; a layer whose rows pass the map's bottom sets those slots again, since the
    shifts move stale rows there), so every reader of a line buffer reads its steady
    window with no top or bottom pad: the same sums as the padded tile. Layers reading a
    stage input keep their clipped windows and pads (border variants). Bands before 0
    warm the buffers up (the last op computes nothing). Where a layer's steady rows
    straddle its map's edge it computes the clipped rows (another shape of its op), or
    with `over_rows`, if it reads only line buffers, all its steady rows, the ones outside
    the map reset to the zero point after it: one op per layer for those extra MACs (on
    VWW +220 K Cortex-M4 instructions against 3.1 KB of .text, measured; so the pass
    keeps the clipped rows). Refused when there is no steady
    run, the steady state leaves a layer idle, the output bands are uneven, a read falls
    outside a buffer, or (`over_input`) a band would write input rows a later one reads."""
    geometry = geometry or BandGeometry()
    plan = stream_bands(stage, bands, geometry)
    if isinstance(plan, str):
        return plan
    per_band, capacity = plan
    runs = [r for r in stream_runs(stage, bands, geometry) if r[1] - r[0] >= 2]
    if not runs:
        return "no run of steady bands to fold the borders into"
    b0 = max(runs, key=lambda r: r[1] - r[0])[0]
    steady, following = per_band[b0], per_band[b0 + 1]
    inner = {geometry.layer(op).outs: k for k, op in enumerate(stage[:-1])}
    steps = []
    for op, now, then in zip(stage, steady.layers, following.layers, strict=True):
        (r0, r1), (q0, q1) = now[0], then[0]
        if r1 <= r0 or q1 - q0 != r1 - r0 or q0 <= r0:
            return f"{op.layer_name.data}: its steady rows do not advance by a constant step"
        steps.append(q0 - r0)
    base_steps = [y - x for x, y in zip(steady.base, following.base, strict=True)]
    if any(keep and drop != step for (drop, keep), step in zip(steady.shifts, base_steps, strict=True)):
        return "a line buffer's shift does not follow its rows"

    def rows_at(j: int, b: int) -> tuple[int, int]:
        (r0, r1), moved = steady.layers[j][0], (b - b0) * steps[j]
        return r0 + moved, r1 + moved

    last = len(stage) - 1
    out_height = geometry.layer(stage[-1]).output_shape[1]
    if [rows_at(last, b) for b in range(bands)] != _rows_split(out_height, bands):
        return "the output bands are uneven"
    first = 0
    while any(rows_at(j, first - 1)[1] > 0 for j in range(last)):
        first -= 1
    table = []
    for b in range(first, bands):
        bases = [base + (b - b0) * step for base, step in zip(steady.base, base_steps, strict=True)]
        band = []
        for j, op in enumerate(stage):
            step = _fold_step(op, j == last, rows_at(j, b), b, bases, inner, capacity, geometry, over_rows)
            if isinstance(step, str):
                return step
            band.append(step)
        table.append(tuple(band))
    if over_input:
        refusal = _fold_overwrite_refusal(stage, table, geometry)
        if refusal is not None:
            return refusal
    return _Fold(first, tuple(table), steady.shifts, capacity)


def _fold_step(
    op: qk.KernelOp, last: bool, rows: tuple[int, int], band: int, bases: list[int], inner: dict[SSAValue, int],
    capacity: tuple[int, ...], geometry: BandGeometry, over_rows: bool = False,
) -> _FoldStep | str:
    """One layer's `_FoldStep` in a band where its steady rows are `rows` and each line
    buffer's first row holds map row `bases[k]` (`over_rows`: see `stream_fold`)."""
    layer = geometry.layer(op)
    height = layer.output_shape[1]
    if last:
        if band < 0:
            return _FoldStep((0, 0), (), None, (), None, None, None)
        clipped, offset, fill = rows, None, None
    else:
        base = bases[inner[layer.outs]]
        clipped = (max(rows[0], 0), min(rows[1], height))
        offset = clipped[0] - base
        bottom = max(rows[0], height)
        fill = (bottom - base, rows[1] - base) if rows[1] > bottom else None
    if clipped[1] <= clipped[0]:
        return _FoldStep((0, 0), (), None, (), None, None, fill)
    if over_rows and not last and clipped != rows and all(v in inner for v in layer.data_inputs):
        over = _over_step(op, rows, clipped, bases, inner, capacity, geometry)
        if over is not None:
            return over
    windows = tuple(geometry.windows(op, clipped))
    if any(hi <= lo for lo, hi in windows):
        return f"{op.layer_name.data}: a band reads only padding rows"
    pads = tuple(_band_pads(op, clipped, windows[0], geometry)) if isinstance(op, qk.Conv2DOp) else None
    op_pads, reads = pads, []
    for value, (lo, hi) in zip(layer.data_inputs, windows, strict=True):
        if value not in inner:
            reads.append((lo, hi))
            continue
        k = inner[value]
        if pads is not None and (pads[0] or pads[2]) and lo - pads[0] >= bases[k] and hi + pads[2] - bases[k] <= capacity[k]:
            lo, hi = lo - pads[0], hi + pads[2]  # the pad rows the line buffer holds
            op_pads = (0, pads[1], 0, pads[3])
        if lo < bases[k] or hi - bases[k] > capacity[k]:
            return f"{op.layer_name.data}: a folded band reads outside its input's line buffer"
        reads.append((lo - bases[k], hi - bases[k]))
    return _FoldStep(clipped, windows, pads, tuple(reads), op_pads, offset, fill, clipped)


def _over_step(
    op: qk.KernelOp, rows: tuple[int, int], clipped: tuple[int, int], bases: list[int], inner: dict[SSAValue, int],
    capacity: tuple[int, ...], geometry: BandGeometry,
) -> _FoldStep | None:
    """A border band of a layer reading only line buffers whose steady rows reach outside
    its map: it computes all of them as in the steady state (its steady windows, in the
    buffers' pad rows too) and its rows outside the map are reset to the zero point, so it
    runs the steady op; None where the rows pass both edges or a read leaves a buffer."""
    layer = geometry.layer(op)
    base = bases[inner[layer.outs]]
    if rows[0] < clipped[0] and rows[1] > clipped[1]:
        return None
    outside = (rows[0], clipped[0]) if rows[0] < clipped[0] else (clipped[1], rows[1])
    windows = tuple(geometry.windows(op, clipped))
    if any(hi <= lo for lo, hi in windows):
        return None
    pads, op_pads, reads = None, None, []
    if isinstance(op, qk.Conv2DOp):
        pads = tuple(_band_pads(op, clipped, windows[0], geometry))
        pt, _, _, sh, dh, kh = geometry.row_params(op)
        field = [(rows[0] * sh - pt, (rows[1] - 1) * sh - pt + (kh - 1) * dh + 1)]
        op_pads = (0, pads[1], 0, pads[3])
    else:
        field = [rows for _ in layer.data_inputs]
    for value, (lo, hi) in zip(layer.data_inputs, field, strict=True):
        k = inner[value]
        if lo < bases[k] or hi - bases[k] > capacity[k]:
            return None
        reads.append((lo - bases[k], hi - bases[k]))
    fill = (outside[0] - base, outside[1] - base)
    return _FoldStep(clipped, windows, pads, tuple(reads), op_pads, rows[0] - base, fill, rows)


def _fold_overwrite_refusal(stage: list[qk.KernelOp], table: list[tuple[_FoldStep, ...]], geometry: BandGeometry) -> str | None:
    """`overwrite_refusal`'s lag for the folded bands: each band writes only output bytes
    of input rows no later band reads."""
    refusal, rows = _stage_overwrite_refusal(stage, geometry)
    if refusal is not None:
        return refusal
    value, in_row, out_row = rows
    reads = [
        min((w[0] for op, s in zip(stage, band, strict=True) if s.reads for v, w in zip(op.data_inputs, s.reads, strict=True) if v is value), default=None)
        for band in table
    ]
    for t, band in enumerate(table):
        later = [r for r in reads[t + 1:] if r is not None]
        if band[-1].rows[1] > band[-1].rows[0] and later and band[-1].rows[1] * out_row > min(later) * in_row:
            return f"folded band {t} would overwrite input rows a later band reads"
    return None


def _fold_segments(
    stage: list[qk.KernelOp], fold: _Fold,
) -> list[tuple[list[tuple[int, int, tuple[int, ...]]], list[tuple[int, int]]]]:
    """Per layer, its bands as compute segments (first, end, step of its moving rows):
    consecutive bands where the op is issued alike (every count, pad and buffer offset;
    the table's windows and pads may differ, rows read past the map's edge coming from
    the line buffer's pad rows) and its moving rows (the rows it reads of stage inputs,
    and writes of the stitched output) advance by one step; and its fill segments
    (first, end): consecutive bands setting the same rows of its buffer to the zero point.
    Bands where it computes (fills) nothing are in no compute (fill) segment."""
    inner = {op.outs for op in stage[:-1]}
    out = []
    for j, op in enumerate(stage):
        steps = [band[j] for band in fold.steps]
        outer = [k for k, v in enumerate(op.data_inputs) if v not in inner]

        writes_output = j == len(stage) - 1

        def shape(s: _FoldStep, outer: list[int] = outer) -> tuple | None:
            if s.rows[1] <= s.rows[0]:
                return None
            return (
                s.computed[1] - s.computed[0], s.op_pads, s.offset,
                tuple(r if k not in outer else r[1] - r[0] for k, r in enumerate(s.reads)),
            )

        def moving(s: _FoldStep, outer: list[int] = outer, writes_output: bool = writes_output) -> tuple[int, ...]:
            starts = tuple(s.reads[k][0] for k in outer) if s.reads else ()
            return (*starts, *((s.rows[0],) if writes_output and s.rows[1] > s.rows[0] else ()))

        computes, t = [], 0
        while t < len(steps):
            if shape(steps[t]) is None:
                t += 1
                continue
            end, delta = t + 1, None
            while end < len(steps) and shape(steps[end]) == shape(steps[t]):
                d = tuple(y - x for x, y in zip(moving(steps[end - 1]), moving(steps[end]), strict=True))
                if delta is not None and d != delta:
                    break
                delta, end = d, end + 1
            computes.append((t, end, delta or tuple(0 for _ in moving(steps[t]))))
            t = end
        fills, t = [], 0
        while t < len(steps):
            end = t + 1
            if steps[t].fill is not None:
                while end < len(steps) and steps[end].fill == steps[t].fill:
                    end += 1
                fills.append((t, end))
            t = end
        out.append((computes, fills))
    return out


def _apply_fold(stage: list[qk.KernelOp], fold: _Fold, over_input: bool, describe: bool = True) -> list[Operation]:
    """Replace the stage by its folded stream form (`stream_fold`): its line buffers, set
    to their zero points, then one band loop over every band: the shifts, then per layer
    its compute and then its fill segments (`_fold_segments`), each in a `patch.guard`
    where it is not the whole loop (consecutive ones of one range share it). Returns the
    band ops."""
    last = stage[-1]
    _hoist_definitions(stage)
    if over_input:
        from tinymlir.passes.kernel_in_place import write_over

        write_over(last, _stage_input(stage))  # type: ignore[arg-type]
    target = last.outs
    tiles = [[(s.rows, s.windows, s.pads) for s in band] for band in fold.steps]
    builder = _stage_builder(stage, "stream", tiles, target, describe=describe)
    buffers = []
    for op, rows in zip(stage[:-1], fold.capacity, strict=True):
        _, _, width, channels = op.output_type.get_shape()
        alloc = builder.insert(_alloc((1, rows, width, channels)))
        alloc.memref.name_hint = f"{op.layer_name.data}_stream"
        buffers.append(alloc.memref)
        # rows outside the map read as padding, and the buffer is live across the loop
        builder.insert(patch.FillOp(alloc.memref, _stored_zero_point(op.output_type)))
    count = len(fold.steps)
    loop = builder.insert(patch.BandLoopOp(0, count))
    band = loop.body.block.args[0]
    band.name_hint = "band"
    body = Builder(InsertPoint.at_end(loop.body.block))
    _emit_shifts(body, buffers, fold.shifts)
    inner = {op.outs: k for k, op in enumerate(stage[:-1])}

    def guarded(first: int, end: int) -> Builder:
        if (first, end) == (0, count):
            return body
        guard = loop.body.block.last_op
        if not (isinstance(guard, patch.GuardOp) and guard.band_range == (first, end)):
            guard = body.insert(patch.GuardOp(band, first, end))  # else: one test for both
        return Builder(InsertPoint.at_end(guard.body.block))

    clones: list[Operation] = []
    for j, (op, (computes, fills)) in enumerate(zip(stage, _fold_segments(stage, fold), strict=True)):
        for seg_first, seg_end, delta in computes:
            here = guarded(seg_first, seg_end)
            step = fold.steps[seg_first][j]
            moving = iter(
                _band_row(here, band, seg_first, start, d) if seg_end - seg_first > 1 else None
                for start, d in zip(_fold_moving(op, stage, step, inner), delta, strict=True)
            )
            data = []
            for value, rows in zip(op.data_inputs, step.reads, strict=True):
                if value in inner:
                    data.append(_rows_view(here, buffers[inner[value]], rows))
                else:
                    data.append(_rows_view(here, value, rows, next(moving)))
            if op is last:
                out = _rows_view(here, target, step.rows, next(moving))
            else:
                assert step.offset is not None
                out = _rows_view(here, buffers[inner[op.outs]], (step.offset, step.offset + step.computed[1] - step.computed[0]))
            read_rows = tuple((0, r[1] - r[0]) for r in step.reads)
            clones.append(_band_clone(here, op, data, out, step.computed, read_rows, step.op_pads))
        for seg_first, seg_end in fills:
            here = guarded(seg_first, seg_end)
            rows = fold.steps[seg_first][j].fill
            assert rows is not None
            here.insert(patch.FillOp(_rows_view(here, buffers[inner[op.outs]], rows), _stored_zero_point(op.output_type)))
    _erase_stage(stage)
    return clones


def _fold_moving(op: qk.KernelOp, stage: list[qk.KernelOp], step: _FoldStep, inner: dict[SSAValue, int]) -> list[int]:
    """The first rows of a fold step's moving rows (`_fold_segments`), in the order the
    emitter takes them: stage-input reads, then the stitched output's rows."""
    if step.rows[1] <= step.rows[0]:
        return []
    starts = [r[0] for v, r in zip(op.data_inputs, step.reads, strict=True) if v not in inner]
    return [*starts, *([step.rows[0]] if op is stage[-1] else [])]


def _band_row(builder: Builder, band: SSAValue, first: int, start: int, delta: int) -> SSAValue | None:
    """The index value `start + (band - first) * delta` (None where the row does not move)."""
    if delta == 0:
        return None
    scaled = builder.insert(arith.MuliOp(band, builder.insert(arith.ConstantOp.from_int_and_width(delta, IndexType())).result)).result
    offset = builder.insert(arith.ConstantOp.from_int_and_width(start - first * delta, IndexType())).result
    return builder.insert(arith.AddiOp(scaled, offset)).result


def _stored_zero_point(t: QTensorType) -> int:
    """A map's zero point as its i8 storage holds it."""
    return (t.zero_point + 128) % 256 - 128


def _emit_shifts(builder: Builder, buffers: list[SSAValue], shifts: tuple[tuple[int, int], ...]) -> None:
    """Each line buffer's kept rows [drop, drop + keep) moved to its front: in one copy when
    the two do not overlap, else row by row from the first (each source row is read before
    it is written)."""
    for buffer, (drop, keep) in zip(buffers, shifts, strict=True):
        if not keep or not drop:
            continue
        pieces = [(0, keep)] if drop >= keep else [(r, r + 1) for r in range(keep)]
        for lo, hi in pieces:
            source = _rows_view(builder, buffer, (lo + drop, hi + drop))
            builder.insert(memref.CopyOp(source, _rows_view(builder, buffer, (lo, hi))))


def _stream_band_counts(rows: int, most: int) -> list[int]:
    """The band counts the stream form tries: the fewest bands for each band height
    (more bands of the same largest height hold no fewer rows, and cost more copies)."""
    counts = sorted({-(-rows // height) for height in range(1, rows)})
    return [c for c in counts if 2 <= c <= most]


# ---------------------------------------------------------------------------------------
# The grid form: MCUNetV2's p x q patches with recomputed halos

Box2 = tuple[tuple[int, int], tuple[int, int]]
"""The rows and the columns of an NHWC map (a patch, or a window of one)."""


def _col_windows(op: qk.KernelOp, cols: tuple[int, int], geometry: BandGeometry) -> list[tuple[int, int]]:
    """The columns of each data input `op` reads for output columns `cols` (`input_window`;
    a window's rows and columns are independent, so rows are taken whole)."""
    key = ("cols", op, cols)
    if key not in geometry._grid:
        _, height, _, channels = geometry.layer(op).output_shape
        geometry._grid[key] = [tuple(w[2]) for w in op.input_window([(0, 1), (0, height), cols, (0, channels)])]
    return geometry._grid[key]  # type: ignore[return-value]


def tile_windows(op: qk.KernelOp, rows: tuple[int, int], cols: tuple[int, int], geometry: BandGeometry) -> list[Box2]:
    """The rows and columns of each data input `op` reads for its output rows `rows`,
    columns `cols` (`input_window`, memoised in `geometry`)."""
    return list(zip(geometry.windows(op, rows), _col_windows(op, cols, geometry), strict=True))


def _band_cols(stage: list[qk.KernelOp], cols: tuple[int, int], geometry: BandGeometry) -> dict[SSAValue, tuple[int, int]]:
    """`band_rows` along columns: the columns of every value needed for output columns
    `cols` of the stage's last op."""
    needed: dict[SSAValue, tuple[int, int]] = {geometry.layer(stage[-1]).outs: cols}
    for op in reversed(stage):
        layer = geometry.layer(op)
        for value, (lo, hi) in zip(layer.data_inputs, _col_windows(op, needed[layer.outs], geometry), strict=True):
            if value in needed:
                lo, hi = min(lo, needed[value][0]), max(hi, needed[value][1])
            needed[value] = (lo, hi)
    return needed


def _grid_axes(
    stage: list[qk.KernelOp], bands: int, cols: int, geometry: BandGeometry,
) -> tuple[list[dict[SSAValue, tuple[int, int]]], list[dict[SSAValue, tuple[int, int]]]]:
    """The rows of every value per grid row (`BandGeometry.bands`) and its columns per grid
    column: a patch's box of a value is the pair (windows, and so their hulls over a
    value's readers, are products of a row and a column range)."""
    key = ("axes", tuple(stage), bands, cols)
    if key not in geometry._grid:
        width = geometry.layer(stage[-1]).output_shape[2]
        geometry._grid[key] = (
            geometry.bands(stage, bands), [_band_cols(stage, c, geometry) for c in _rows_split(width, cols)],
        )
    return geometry._grid[key]  # type: ignore[return-value]


def tile_boxes(stage: list[qk.KernelOp], box: Box2, geometry: BandGeometry | None = None) -> dict[SSAValue, Box2]:
    """`band_rows` in two dimensions: the rows and columns of every value the stage reads
    or writes needed for the patch `box` of its last op's output (the hull over a value's
    readers)."""
    geometry = geometry or BandGeometry()
    rows, cols = geometry.band_rows(stage, box[0]), _band_cols(stage, box[1], geometry)
    return {v: (rows[v], cols[v]) for v in rows}


def grid_tiles(stage: list[qk.KernelOp], bands: int, cols: int, geometry: BandGeometry | None = None) -> list[list[dict[SSAValue, Box2]]]:
    """`tile_boxes` of each patch of the `bands` x `cols` grid over the stage's output
    (row by row; the first rows and columns one longer where the grid does not divide
    the map, as `_rows_split`)."""
    geometry = geometry or BandGeometry()
    per_row, per_col = _grid_axes(stage, bands, cols, geometry)
    return [[{v: (rows[v], columns[v]) for v in rows} for columns in per_col] for rows in per_row]


def _conv_params(op: qk.Conv2DOp, geometry: BandGeometry) -> tuple[tuple[int, int, int, int], ...]:
    """Per axis (rows, columns): the convolution's leading pad, stride, dilation and kernel
    extent (its properties are slow to read)."""
    key = ("conv", op)
    if key not in geometry._grid:
        pt, pl, _, _ = _ints(op.pads)
        (sh, sw), (dh, dw) = _ints(op.strides), _ints(op.dilations)
        _, kh, kw, _ = op.weight.type.get_shape()
        geometry._grid[key] = ((pt, sh, dh, kh), (pl, sw, dw, kw))
    return geometry._grid[key]  # type: ignore[return-value]


def _axis_pads(params: tuple[int, int, int, int], out: tuple[int, int], window: tuple[int, int]) -> tuple[int, int]:
    """Along one axis: the window's positions before and after the map (the leading and
    trailing pads of a patch)."""
    p, s, d, k = params
    first, last = out[0] * s - p, (out[1] - 1) * s - p + (k - 1) * d
    return window[0] - first, last + 1 - window[1]


def _tile_pads(op: qk.Conv2DOp, box: Box2, window: Box2, geometry: BandGeometry | None = None) -> list[int]:
    """The op's pads for one patch: on each side only the rows or columns of the patch's
    window that lie outside the map (top, left, bottom, right)."""
    row_params, col_params = _conv_params(op, geometry or BandGeometry())
    (top, bottom), (left, right) = _axis_pads(row_params, box[0], window[0]), _axis_pads(col_params, box[1], window[1])
    return [top, left, bottom, right]


@dataclass(frozen=True)
class _LayerInTile:
    """One layer's part of a patch: its output box, each data input's window, its pads,
    and whether it is a padded convolution whose patch has no padding (`folded`: it then
    needs the bias with the input zero point folded in, as convert-qnn-to-kernel gives
    unpadded convolutions, since the loops of an unpadded one do not subtract it)."""

    box: Box2
    windows: tuple[Box2, ...]
    pads: tuple[int, ...] | None
    folded: bool


def _tile_layers(stage: list[qk.KernelOp], needed: dict[SSAValue, Box2], geometry: BandGeometry) -> list[_LayerInTile]:
    layers = []
    for op in stage:
        box = needed[geometry.layer(op).outs]
        windows = tuple(tile_windows(op, *box, geometry))
        pads = tuple(_tile_pads(op, box, windows[0], geometry)) if isinstance(op, qk.Conv2DOp) else None
        folded = pads is not None and not any(pads) and op.padded  # type: ignore[union-attr]
        layers.append(_LayerInTile(box, windows, pads, folded))
    return layers


def _global_values(value: SSAValue, module: Operation) -> np.ndarray | None:
    """The values of the constant global `value` reads (looked up in `module`), or None."""
    owner = value.owner
    if not isinstance(owner, memref.GetGlobalOp):
        return None
    symbol = owner.name_.root_reference.data
    ops = module.ops if isinstance(module, ModuleOp) else module.walk()
    found = next((g for g in ops if isinstance(g, memref.GlobalOp) and g.sym_name.data == symbol), None)
    if found is None or found.constant is None or not isinstance(found.initial_value, DenseIntOrFPElementsAttr):
        return None
    attr = found.initial_value
    element = attr.get_element_type()
    raw = {8: np.int8, 16: np.int16, 32: np.int32}.get(getattr(getattr(element, "width", None), "data", 0))
    values = np.frombuffer(attr.data.data, raw).astype(np.int64) if raw is not None else np.asarray(attr.get_values(), np.int64)
    return np.broadcast_to(values, value.type.get_shape()) if values.size == 1 else values.reshape(value.type.get_shape())


def _folded_bias(op: qk.Conv2DOp, module: Operation, geometry: BandGeometry) -> np.ndarray | str:
    """The bias of `op` with the input zero point folded in (b - zx * sum(w) per output
    channel), or why there is none (weights or bias not constants, int32 overflow)."""
    key = ("bias", op.layer_name.data, op.bias.owner.name_.root_reference.data if isinstance(op.bias.owner, memref.GetGlobalOp) else None)
    if key not in geometry._grid:
        weights, bias = _global_values(op.weight, module), _global_values(op.bias, module)
        if weights is None or bias is None:
            geometry._grid[key] = f"{op.layer_name.data}: an inner patch needs constant weights and bias"
        else:
            c_out = weights.shape[0]
            folded = bias - op.input_types.data[0].zero_point * weights.reshape(c_out, -1).sum(axis=1)
            overflow = np.any(np.abs(folded) > 2**31 - 1)
            geometry._grid[key] = f"{op.layer_name.data}: its folded bias overflows int32" if overflow else folded
    return geometry._grid[key]  # type: ignore[return-value]


def grid_refusal(
    stage: list[qk.KernelOp], bands: int, cols: int, geometry: BandGeometry | None = None, module: Operation | None = None,
) -> str | None:
    """Why the stage cannot run in a `bands` x `cols` grid of patches (None: it can): a
    patch whose window at some layer holds no row or no column of the map, or a padded
    convolution of an inner patch whose bias cannot take the folded zero point
    (`_folded_bias`; constants looked up in `module`, by default the stage's)."""
    geometry = geometry or BandGeometry()
    key = ("refusal", tuple(stage), bands, cols)
    if key not in geometry._grid:
        geometry._grid[key] = _grid_refusal_uncached(stage, bands, cols, geometry, module or stage[0].get_toplevel_object())
    return geometry._grid[key]  # type: ignore[return-value]


def _grid_refusal_uncached(stage, bands: int, cols: int, geometry: BandGeometry, module: Operation) -> str | None:
    per_row, per_col = _grid_axes(stage, bands, cols, geometry)
    for op in stage:
        outs = geometry.layer(op).outs
        row_windows = [geometry.windows(op, rows[outs]) for rows in per_row]
        col_windows = [_col_windows(op, columns[outs], geometry) for columns in per_col]
        if any(hi <= lo for windows in row_windows + col_windows for lo, hi in windows):
            return f"{op.layer_name.data}: a patch of {bands}x{cols} reads only padding"
        if not isinstance(op, qk.Conv2DOp) or not op.padded:
            continue
        # an inner patch: no pad along rows in some grid row and along columns in some column
        row_params, col_params = _conv_params(op, geometry)
        unpadded_row = any(_axis_pads(row_params, rows[outs], w[0]) == (0, 0) for rows, w in zip(per_row, row_windows, strict=True))
        unpadded_col = any(_axis_pads(col_params, c[outs], w[0]) == (0, 0) for c, w in zip(per_col, col_windows, strict=True))
        if unpadded_row and unpadded_col:
            folded = _folded_bias(op, module, geometry)
            if isinstance(folded, str):
                return folded
    return None


def grid_extra_macs(stage: list[qk.KernelOp], bands: int, cols: int, geometry: BandGeometry | None = None) -> int:
    """MACs the patches recompute (their halos, in rows and columns) over running the
    stage layer by layer: per layer, its MACs times the rows its grid rows compute times
    the columns its grid columns compute, over its output's."""
    geometry = geometry or BandGeometry()
    key = ("macs", tuple(stage), bands, cols)
    if key not in geometry._grid and (original := geometry.original(stage)) is not None:
        geometry._grid[key] = grid_extra_macs(original[1], bands, cols, original[0])
    if key not in geometry._grid:
        per_row, per_col = _grid_axes(stage, bands, cols, geometry)
        total = 0
        for op in stage:
            layer = geometry.layer(op)
            rows = sum(r[layer.outs][1] - r[layer.outs][0] for r in per_row)
            columns = sum(c[layer.outs][1] - c[layer.outs][0] for c in per_col)
            total += layer.macs * rows * columns // (layer.output_shape[1] * layer.output_shape[2]) - layer.macs
        geometry._grid[key] = total
    return geometry._grid[key]  # type: ignore[return-value]


def _tile_shape(stage: list[qk.KernelOp], layers: list[_LayerInTile]) -> tuple:
    """What two patches of a grid row must share to run as iterations of one loop: every
    count, pad and offset into a patch buffer."""
    first = {op.outs: (layer.box[0][0], layer.box[1][0]) for op, layer in zip(stage, layers, strict=True)}
    return tuple(
        ((layer.box[0][1] - layer.box[0][0], layer.box[1][1] - layer.box[1][0]), layer.pads, layer.folded, tuple(
            (r[1] - r[0], c[1] - c[0], (r[0] - first[v][0], c[0] - first[v][1]) if v in first else r[0])
            for v, (r, c) in zip(op.data_inputs, layer.windows, strict=True)
        ))
        for op, layer in zip(stage, layers, strict=True)
    )


def _tile_moving(stage: list[qk.KernelOp], layers: list[_LayerInTile]) -> tuple[int, ...]:
    """The map columns a patch starts at in the stage's inputs and output (what moves from
    patch to patch along a grid row; patch buffers hold their own box from 0)."""
    inner = {op.outs for op in stage[:-1]}
    starts = [
        c[0] for op, layer in zip(stage, layers, strict=True)
        for v, (_, c) in zip(op.data_inputs, layer.windows, strict=True) if v not in inner
    ]
    return (*starts, layers[-1].box[1][0])


def grid_runs(stage: list[qk.KernelOp], bands: int, cols: int, geometry: BandGeometry | None = None) -> list[list[tuple[int, int]]]:
    """Per grid row, its patches as runs [first, end) (`_runs`): consecutive patches of one
    shape whose columns advance by one step form a loop; the border patches and the
    wider first ones of an uneven split run alone."""
    geometry = geometry or BandGeometry()
    out = []
    for row in grid_tiles(stage, bands, cols, geometry):
        layers = [_tile_layers(stage, needed, geometry) for needed in row]
        out.append(_runs([_tile_shape(stage, t) for t in layers], [_tile_moving(stage, t) for t in layers], 0))
    return out


def _box_view(builder: Builder, buffer: SSAValue, box: Box2, col: SSAValue | None = None) -> SSAValue:
    """`buffer` itself when `box` is all of it, else a subview of those rows and columns
    (strided when not all columns); `col`: the first column is this index value instead
    (a patch loop's), `box` giving only the column count."""
    t = buffer.type
    assert isinstance(t, MemRefType)
    shape = list(t.get_shape())
    (r0, r1), (c0, c1) = box
    if col is None and box == ((0, shape[1]), (0, shape[2])):
        return buffer
    offsets: list[SSAValue | int] = [0, r0, c0 if col is None else col, 0]
    sizes: list[SSAValue | int] = [1, r1 - r0, c1 - c0, shape[3]]
    key = ("box", t, r0, c0 if col is None else None, r1 - r0, c1 - c0)
    result = _SUBVIEW_TYPES.get(key)
    if result is None:
        result = _SUBVIEW_TYPES[key] = memref.SubviewOp.infer_result_type(t, offsets, sizes, [1, 1, 1, 1])
    return builder.insert(_subview(buffer, offsets, sizes, result)).result


_PADS: dict[tuple[int, ...], DenseArrayBase] = {}


def _with_box(t: QTensorType, box: Box2) -> QTensorType:
    shape = list(t.get_shape())
    shape[1], shape[2] = box[0][1] - box[0][0], box[1][1] - box[1][0]
    return _with_shape(t, tuple(shape))


def _interior_bias(builder: Builder, op: qk.Conv2DOp, values: np.ndarray) -> SSAValue:
    """A get_global of a constant with the folded bias `values` (next to `op`'s bias
    global: the same one for every inner patch of the layer)."""
    function = builder.insertion_point.block.parent_op()
    while function is not None and not isinstance(function, func.FuncOp):
        function = function.parent_op()
    assert function is not None and function.parent is not None
    module = function.parent
    mtype = MemRefType(i32, [len(values)])
    data = DenseIntOrFPElementsAttr(TensorType(i32, [len(values)]), BytesAttr(values.astype("<i4").tobytes()))
    base = (op.bias.owner.name_.root_reference.data if isinstance(op.bias.owner, memref.GetGlobalOp) else op.layer_name.data) + "_inner"
    globals_ = [g for g in module.ops if isinstance(g, memref.GlobalOp)]
    same = next((g for g in globals_ if g.sym_name.data.startswith(base) and g.type == mtype and g.initial_value == data), None)
    if same is None:
        taken = {g.sym_name.data for g in globals_}
        name, suffix = base, 1
        while name in taken:
            name, suffix = f"{base}_{suffix}", suffix + 1
        original = next((g for g in globals_ if isinstance(op.bias.owner, memref.GetGlobalOp) and g.sym_name.data == op.bias.owner.name_.root_reference.data), None)
        alignment = original.alignment if original is not None else None
        same = memref.GlobalOp.get(StringAttr(name), mtype, data, constant=UnitAttr(), alignment=alignment)
        module.insert_op_before(same, function)
    ref = builder.insert(memref.GetGlobalOp(same.sym_name.data, mtype))
    ref.memref.name_hint = same.sym_name.data
    return ref.memref


def apply_grid(
    stage: list[qk.KernelOp], bands: int, cols: int, geometry: BandGeometry | None = None, *, loops: bool = True,
    module: Operation | None = None, describe: bool = True,
) -> list[Operation]:
    """Replace the stage by its ops re-issued per patch of a `bands` x `cols` grid (see the
    module docstring), grid row by grid row; in each row a run of patches of one shape
    (`grid_runs`) is one `scf.for` over the column index with its patch buffers allocated
    before it, the other patches unrolled (all with `loops=False`). `module`: where the
    constants are (the stage's module by default; a costing copy's is the original's).
    `describe=False`: the `patch.stage` without its layers and table (a costing copy).
    Returns the patch ops."""
    geometry = geometry or BandGeometry()
    module = module or stage[0].get_toplevel_object()
    refusal = grid_refusal(stage, bands, cols, geometry, module)
    if refusal is not None:
        raise PassError(f"patch-schedule: {refusal}")
    first, last = stage[0], stage[-1]
    _hoist_definitions(stage)
    per_tile = [[_tile_layers(stage, needed, geometry) for needed in row] for row in grid_tiles(stage, bands, cols, geometry)]
    runs = grid_runs(stage, bands, cols, geometry) if loops else [[(c, c + 1) for c in range(cols)]] * bands
    before = Builder(InsertPoint.before(first))
    inner_bias = {
        op: _interior_bias(before, op, _folded_bias(op, module, geometry))  # type: ignore[arg-type]
        for j, op in enumerate(stage) if any(row[c][j].folded for row in per_tile for c in range(cols))
    }
    target = last.outs
    table = [
        [_tile_attr(layer.box, tuple(layer.windows), tuple(layer.pads or ())) for layer in tile] for row in per_tile for tile in row
    ] if describe else []
    builder = _open_stage(stage, "recompute", (bands, cols), table, target, describe)
    clones: list[Operation] = []
    for r, (row, row_runs) in enumerate(zip(per_tile, runs, strict=True)):
        for run_start, run_end in row_runs:
            layers = row[run_start]
            buffers = []
            for op, layer in zip(stage[:-1], layers[:-1], strict=True):
                (r0, r1), (c0, c1) = layer.box
                alloc = builder.insert(_alloc((1, r1 - r0, c1 - c0, op.output_type.get_shape()[3])))
                alloc.memref.name_hint = f"{op.layer_name.data}_patch{r}x{run_start}"
                buffers.append(alloc.memref)
            if run_end - run_start == 1:
                clones += _emit_tile(builder, stage, layers, buffers, target, None, inner_bias)
                continue
            moving = _tile_moving(stage, layers)
            step = [y - x for x, y in zip(moving, _tile_moving(stage, row[run_start + 1]), strict=True)]
            inner, columns = _band_loop(builder, r * cols + run_start, r * cols + run_end, moving, step)
            clones += _emit_tile(inner, stage, layers, buffers, target, columns, inner_bias)
    _erase_stage(stage)
    return clones


def _emit_tile(
    builder: Builder, stage: list[qk.KernelOp], layers: list[_LayerInTile], buffers: list[SSAValue],
    target: SSAValue, columns: list[SSAValue | None] | None, inner_bias: dict[qk.KernelOp, SSAValue],
) -> list[Operation]:
    """The stage's ops for one patch (`layers`) on `buffers`; `columns`: in a patch loop,
    the index values of the moving columns (`_tile_moving`; None where one does not move)."""
    inner = {op.outs for op in stage[:-1]}
    moving = iter(columns) if columns is not None else None
    placed: dict[SSAValue, tuple[SSAValue, tuple[int, int]]] = {}  # value: (buffer, map (row, col) of its origin)
    clones: list[Operation] = []
    for op, layer in zip(stage, layers, strict=True):
        data = []
        for value, (rows, cols) in zip(op.data_inputs, layer.windows, strict=True):
            buffer, (r, c) = placed.get(value, (value, (0, 0)))
            col = next(moving) if moving is not None and value not in inner else None
            data.append(_box_view(builder, buffer, ((rows[0] - r, rows[1] - r), (cols[0] - c, cols[1] - c)), col))
        if op is stage[-1]:
            out = _box_view(builder, target, layer.box, next(moving) if moving is not None else None)
        else:
            out = buffers[len(placed)]
        clone = op.clone()
        rest = [inner_bias[op] if layer.folded and v is op.bias else v for v in op.ins[len(data):]]  # type: ignore[attr-defined]
        clone.operands = [*data, *rest, out]
        clone.properties["input_types"] = ArrayAttr([
            _with_box(t, w) for t, w in zip(op.input_types.data, layer.windows, strict=True)
        ])
        clone.properties["output_type"] = _with_box(op.output_type, layer.box)
        if layer.pads is not None:
            if layer.pads not in _PADS:  # attributes are values: one per pad tuple
                _PADS[layer.pads] = DenseArrayBase.from_list(i64, list(layer.pads))
            clone.properties["pads"] = _PADS[layer.pads]
        builder.insert(clone)
        clones.append(clone)
        placed[op.outs] = (out, (layer.box[0][0], layer.box[1][0]))
    return clones


def _kernel_ops(function: func.FuncOp) -> list[qk.KernelOp]:
    """The function's top-level kernel ops, a patch.stage's (its unrolled bands) in its place."""
    return [o for o in patch.schedule_ops(function.body.block.ops) if isinstance(o, qk.KernelOp)]


def _apply_candidate(
    ops: list[qk.KernelOp], c: Candidate, geometry: BandGeometry | None = None, loops: bool = True,
    module: Operation | None = None, describe: bool = True,
) -> list[Operation]:
    """Applies candidate `c` to its stage among `ops` in its form; `module`: where the
    grid form finds the constants (a costing copy's are the original's); `describe=False`:
    a costing copy's stage, without the layers and table that only the output needs."""
    stage = ops[c.start : c.stop]
    if c.cols > 1:
        return apply_grid(stage, c.bands, c.cols, geometry, loops=loops, module=module, describe=describe)
    apply_form = apply_stream if c.stream else apply_bands
    return apply_form(stage, c.bands, geometry, loops=loops, over_input=c.over_input, describe=describe)


def _arena(
    ctx: Context, function: func.FuncOp, candidate: Candidate | tuple[Candidate, ...] | None, alignment: int,
    loops: bool = True,
) -> int:
    """The arena plan-arena gives `function` after kernel-in-place, with `candidate` (or
    several candidates on disjoint stages) applied (on a copy; band loops or not as
    `loops`)."""
    from tinymlir.passes.kernel_in_place import KernelInPlacePass
    from tinymlir.passes.plan_arena import lifetimes, place_greedy

    copy = function.clone()
    holder = ModuleOp([copy])
    candidates = () if candidate is None else (candidate,) if isinstance(candidate, Candidate) else candidate
    ops = _kernel_ops(copy)
    for c in candidates:
        _apply_candidate(ops, c, loops=loops, module=function.get_toplevel_object(), describe=False)
    KernelInPlacePass().apply(ctx, holder)
    buffers = lifetimes(copy)
    return place_greedy(buffers, alignment) if buffers else 0


def _local_peak(
    ctx: Context, function: func.FuncOp, candidate: Candidate, alignment: int, loops: bool = True,
    geometry: BandGeometry | None = None,
) -> tuple[int, int]:
    """With `candidate` applied (on a copy, then kernel-in-place): the most bytes live at
    a step of its bands (plan-arena's lifetimes) and the arena; `geometry`: the
    function's, asked for the copy's windows."""
    from tinymlir.passes.kernel_in_place import KernelInPlacePass
    from tinymlir.passes.plan_arena import lifetimes, place_greedy, timeline

    copy = function.clone()
    holder = ModuleOp([copy])
    ops = _kernel_ops(copy)
    costing = geometry.of_copy(ops, _kernel_ops(function)) if geometry is not None else None
    clones = _apply_candidate(ops, candidate, costing, loops=loops, module=function.get_toplevel_object(), describe=False)
    KernelInPlacePass().apply(ctx, holder)
    buffers = lifetimes(copy)
    step_of = timeline(copy)[0]
    steps = [step_of[c] for c in clones if c in step_of]
    local = max(_live_bytes(buffers)[min(steps) : max(steps) + 1], default=0)
    return local, place_greedy(buffers, alignment) if buffers else 0


def _live_bytes(buffers) -> list[int]:
    """The bytes of the buffers (plan-arena's lifetimes) live at each step, 0 up to the
    last step any of them is live at (and one step past it)."""
    delta = [0] * (max((b.last for b in buffers), default=-1) + 2)
    for b in buffers:
        delta[b.first] += b.size
        delta[b.last + 1] -= b.size
    live, total = [], 0
    for change in delta:
        total += change
        live.append(total)
    return live


def _is_step(op: Operation) -> bool:
    """A kernel op, or a band loop (an op holding kernel ops)."""
    return isinstance(op, qk.KernelOp) or (bool(op.regions) and any(isinstance(o, qk.KernelOp) for o in op.walk()))


def _steps(function: func.FuncOp) -> list[Operation]:
    """The steps of plan-arena's schedule: kernel ops and band loops, a patch.stage's inline."""
    return [o for o in patch.schedule_ops(function.body.block.ops) if _is_step(o)]


def _may_share(op: qk.KernelOp) -> memref.AllocOp | None:
    """`op`'s output allocation if kernel-in-place may let it write over an input (an
    allocation no smaller), else None."""
    own = op.outs.owner
    if isinstance(own, memref.AllocOp) and any(
        _root_alloc(v) is not None and t.get_num_elements() >= op.output_type.get_num_elements()
        for v, t in zip(op.data_inputs, op.input_types.data, strict=True)
    ):
        return own
    return None


def _root_alloc(value: SSAValue) -> memref.AllocOp | None:
    """The allocation `value` is (a view of), None for an argument or a constant."""
    while True:
        owner = value.owner
        if isinstance(owner, memref.AllocOp):
            return owner
        if not isinstance(owner, memref.ReinterpretCastOp | memref.ViewOp | memref.SubviewOp):
            return None
        value = owner.operands[0]


def _may_write_over(op: qk.KernelOp, layer: _Layer) -> bool:
    """Whether kernel-in-place may let a band or patch copy of `op` write over an input:
    its rules (`schedule`) on what does not change from band to band, an add, or a
    depthwise or stride-1, dilation-1 convolution with as many output as input channels."""
    if isinstance(op, qk.AddOp | qk.RequantizeOp):
        return True
    if not isinstance(op, qk.Conv2DOp) or layer.input_shapes[0][3] != layer.output_shape[3]:
        return False
    return op.depthwise or (_ints(op.strides) == [1, 1] and _ints(op.dilations) == [1, 1])


class _CandidateBound:
    """Lower bounds of candidates' arenas over one search round (see the module
    docstring's cost model): built once per round from the function as it is."""

    def __init__(self, ctx: Context, function: func.FuncOp, ops: list[qk.KernelOp], alignment: int) -> None:
        from tinymlir.passes.kernel_in_place import KernelInPlacePass
        from tinymlir.passes.plan_arena import buffer_bytes, lifetimes, place_greedy, timeline

        copy = function.clone()
        same = dict(zip(function.walk(), copy.walk(), strict=True))
        KernelInPlacePass().apply(ctx, ModuleOp([copy]))
        buffers = lifetimes(copy)
        self._buffers, self._alignment = buffers, alignment
        # the bytes of each kernel op's output buffer once kernel-in-place has let it write
        # over an input (the input's buffer, no smaller): what a buffer from before a stage
        # holds in any candidate, kernel-in-place deciding the same for the ops before it
        self.merged: dict[memref.AllocOp, int] = {}
        for op in function.walk():
            if isinstance(op, qk.KernelOp):
                own, there = _root_alloc(op.outs), _root_alloc(same[op].outs)  # type: ignore[attr-defined]
                if own is not None and there is not None:
                    self.merged[own] = buffer_bytes(there.memref.type)
        self._roots: dict[SSAValue, memref.AllocOp | None] = {}
        self._place_greedy = place_greedy
        # the steps: top-level kernel ops and band loops; position[k]: kernel op k's step
        steps = _steps(function)
        self.position = [i for i, o in enumerate(steps) if isinstance(o, qk.KernelOp)]
        # before[k]: the most bytes live at a step before kernel op k in the current plan
        # (a band loop's steps are its body's: plan-arena's timeline)
        span = timeline(copy)[1]
        live = _live_bytes(buffers)
        live_before = [max(live[span[o][0] : span[o][1] + 1], default=0) for o in _steps(copy)]
        self.before = [max(live_before[:p], default=0) for p in self.position]
        self.live = live_before
        # the steps touching each allocation (through its views): first and last
        self.touched: dict[memref.AllocOp, tuple[int, int]] = {}
        for p, step in enumerate(steps):
            for op in step.walk():
                for value in op.operands if isinstance(op, qk.KernelOp) else ():
                    root = _root_alloc(value)
                    if root is not None:
                        first, last = self.touched.get(root, (p, p))
                        self.touched[root] = (min(first, p), max(last, p))
        # after[p]: the most bytes the allocations live at a step from step p on hold (a
        # stage before it leaves these allocations and their lifetimes after it as they
        # are); less the output that kernel-in-place may let a kernel op write over an
        # input; at a band loop only those also live outside it (the others live in parts
        # of each iteration)
        self.after = [0] * (len(steps) + 1)
        for p in range(len(steps) - 1, -1, -1):
            kernel = steps[p] if isinstance(steps[p], qk.KernelOp) else None
            shared = _may_share(kernel) if kernel is not None else None
            live = sum(
                buffer_bytes(root.memref.type) for root, (first, last) in self.touched.items()
                if first <= p <= last and root is not shared and (kernel is not None or first < p or last > p)
            )
            self.after[p] = max(self.after[p + 1], live)

    def _root(self, value: SSAValue) -> memref.AllocOp | None:
        """`_root_alloc`, memoised for the round (candidates change copies only)."""
        if value not in self._roots:
            self._roots[value] = _root_alloc(value)
        return self._roots[value]

    def contiguous(self, start: int, stop: int) -> bool:
        """Whether kernel ops start..stop - 1 are consecutive steps (no band loop between)."""
        return self.position[stop - 1] - self.position[start] == stop - 1 - start

    def current_arena(self) -> int:
        """The arena of the function as it is (plan-arena after kernel-in-place)."""
        return self._place_greedy(self._buffers, self._alignment) if self._buffers else 0

    def _outer_bytes(self, root: memref.AllocOp) -> int:
        """The bytes of a buffer from before a stage (`merged`)."""
        from tinymlir.passes.plan_arena import buffer_bytes

        return self.merged.get(root) or buffer_bytes(root.memref.type)

    def _covers(self, stage: list[qk.KernelOp], start: int, geometry: BandGeometry) -> bool:
        """Whether the bound covers the stage (kernel ops `start`...): not where its output
        shares an earlier buffer, or it reads its own output's buffer or a buffer first
        touched inside it."""
        layers = [geometry.layer(op) for op in stage]
        inner = {layer.outs for layer in layers[:-1]}
        first_step, last_step = self.position[start], self.position[start + len(stage) - 1]
        stitched = self._root(layers[-1].outs)
        if stitched is not None and self.touched[stitched][0] < last_step:
            return False
        for layer in layers:
            for value in layer.ins:
                root = None if value in inner else self._root(value)
                if root is not None and (root is stitched or self.touched[root][0] >= first_step):
                    return False
        return True

    def floor(self, stage: list[qk.KernelOp], start: int, geometry: BandGeometry) -> int:
        """At most `bound` of every candidate on the stage, whatever its form and bands:
        the steps before and after it (0 where the bound does not cover the stage)."""
        if not self._covers(stage, start, geometry):
            return 0
        return max(self.before[start], self.after[self.position[start + len(stage) - 1] + 1])

    def bound(
        self, stage: list[qk.KernelOp], start: int, geometry: BandGeometry, bands: int, over_input: bool = False,
        stream: bool = False, cols: int = 1,
    ) -> int:
        """A lower bound of the arena with `stage` (kernel ops `start`...) in `bands` bands."""
        return max(self.parts(stage, start, geometry, bands, over_input, stream, cols))

    def parts(
        self, stage: list[qk.KernelOp], start: int, geometry: BandGeometry, bands: int, over_input: bool = False,
        stream: bool = False, cols: int = 1,
    ) -> tuple[int, int, int]:
        """`bound` in three parts: the steps before the stage, its band steps, the steps
        after it (all zero where the bound does not apply). `over_input`: the output is a
        view of the input's buffer, live over the whole stage. `cols` > 1: the grid form
        (`_grid_peak`)."""
        from tinymlir.passes.plan_arena import buffer_bytes

        stop = start + len(stage)
        layers = [geometry.layer(op) for op in stage]
        layer_of = {layer.outs: j for j, layer in enumerate(layers[:-1])}
        last_reader: dict[int, int] = {}
        outer: dict[memref.AllocOp, int | None] = {}  # allocations from before the stage: last layer reading them
        first_step, last_step = self.position[start], self.position[stop - 1]
        if not self._covers(stage, start, geometry):
            return 0, 0, 0
        stitched = self._root(layers[-1].outs)
        for j, layer in enumerate(layers):
            for value in layer.ins:
                if value in layer_of:
                    last_reader[layer_of[value]] = j
                    continue
                root = self._root(value)
                if root is not None:
                    outer[root] = None if over_input else j
        for root, (first, last) in self.touched.items():
            if first < first_step and last > last_step:
                outer[root] = None  # live across the whole stage
        outer_bytes = [(self._outer_bytes(root), j) for root, j in outer.items()]
        stitched_bytes = 0 if stitched is None or over_input else buffer_bytes(stitched.memref.type)
        peak = 0
        last = len(stage) - 1
        if cols > 1:
            peak = self._grid_peak(stage, geometry, bands, cols, last_reader, outer_bytes, stitched_bytes)
            return self.before[start], peak, self.after[last_step + 1]
        per_band = geometry.bands(stage, bands)
        if stream:
            # one buffer per intermediate, from its first write to the stage's end
            plan = stream_bands(stage, bands, geometry)
            assert not isinstance(plan, str), plan
            streamed, buffer_rows = plan
            kept = [rows * layer.output_shape[2] * layer.output_shape[3] for rows, layer in zip(buffer_rows, layers, strict=False)]
            # each buffer is live from the first to the last step touching it (its writer
            # computing rows, a reader reading them, a shift moving them)
            touched: dict[int, list[tuple[int, int]]] = {i: [] for i in range(len(kept))}
            for b, band in enumerate(streamed):
                for i, (drop, keep) in enumerate(band.shifts):
                    if drop and keep:
                        touched[i].append((b, 0))
                for j, (_, windows, _, _) in enumerate(band.layers):
                    if not windows:
                        continue
                    if j < len(kept):
                        touched[j].append((b, j))
                    for value in layers[j].data_inputs:
                        if value in layer_of:
                            touched[layer_of[value]].append((b, j))
            spans = {i: (min(t), max(t)) for i, t in touched.items() if t}
            # an input read only up to some band: live until its last read there
            last_read: dict[memref.AllocOp, tuple[int, int]] = {}
            for b, band in enumerate(streamed):
                for j, (_, windows, _, _) in enumerate(band.layers):
                    for value in layers[j].data_inputs if windows else ():
                        root = self._root(value)
                        if value not in layer_of and root is not None and outer.get(root, None) is not None:
                            last_read[root] = max(last_read.get(root, (b, j)), (b, j))

            def may_die(value: SSAValue, step: tuple[int, int]) -> bool:
                """Whether no step after `step` touches the buffer of `value` (read there)."""
                if value in layer_of:
                    return layer_of[value] not in spans or spans[layer_of[value]][1] <= step
                root = self._root(value)
                return root is not None and outer.get(root, None) is not None and last_read.get(root, step) <= step

            # kernel-in-place may let op i write its buffer over an input that dies at one of
            # its whole writes (b, i): from then on the two are one buffer, the input's (no
            # smaller), for the whole lifetime of both. The input is counted up to (b, i), so
            # buffer i is only counted after the last band where that may happen.
            for i, op in enumerate(stage[:-1]):
                if i not in spans or not _may_write_over(op, layers[i]):
                    continue
                merged = [
                    b for b, band in enumerate(streamed)
                    if band.layers[i][3] == 0 and band.layers[i][0][1] - band.layers[i][0][0] == buffer_rows[i]
                    and any(may_die(value, (b, i)) for value in layers[i].data_inputs)
                ]
                if merged:
                    after = (merged[-1], i + 1)  # i < the last op: a step of the same band
                    spans[i] = (max(spans[i][0], after), spans[i][1])
            outer_stream = [
                (self._outer_bytes(root), None if until is None else last_read.get(root, (0, -1)))
                for root, until in outer.items()
            ]
            # the bytes live at each step (b, j), numbered b * len(stage) + j (the order
            # of the (b, j) pairs): each buffer adds its size over its span of steps
            width, cells = len(stage), len(per_band) * len(stage)
            delta = [0] * (cells + 1)
            spans_bytes = [(kept[i], lo[0] * width + lo[1], hi[0] * width + hi[1]) for i, (lo, hi) in spans.items()]
            outer_spans = [(size, 0, cells - 1 if until is None else until[0] * width + until[1]) for size, until in outer_stream]
            stitched_spans = [(stitched_bytes, last, last), (stitched_bytes, width, cells - 1)]
            for size, lo, hi in (*spans_bytes, *outer_spans, *stitched_spans):
                if lo <= hi:
                    delta[lo] += size
                    delta[hi + 1] -= size
            live = 0
            for step in range(cells):
                live += delta[step]
                peak = max(peak, live)
            return self.before[start], peak, self.after[last_step + 1]
        # the inputs' bytes live at stage op j: all of them but in the last band
        outer_total = sum(size for size, _ in outer_bytes)
        outer_last_band = [sum(size for size, until in outer_bytes if until is None or j <= until) for j in range(len(stage))]
        for b, needed in enumerate(per_band):
            band_bytes = []
            for layer in layers[:-1]:
                lo, hi = needed[layer.outs]
                _, _, width, channels = layer.output_shape
                band_bytes.append((hi - lo) * width * channels)
            for j, op in enumerate(stage):
                live = outer_total if b < len(per_band) - 1 else outer_last_band[j]
                if b > 0 or j == last:
                    live += stitched_bytes
                for i in range(min(j, last - 1) + 1):
                    if last_reader[i] >= j and not (i == j and self._reads_whole(op, needed, layer_of, geometry)):
                        live += band_bytes[i]
                peak = max(peak, live)
        return self.before[start], peak, self.after[last_step + 1]

    @staticmethod
    def _grid_peak(
        stage: list[qk.KernelOp], geometry: BandGeometry, bands: int, cols: int, last_reader: dict[int, int],
        outer_bytes: list[tuple[int, int | None]], stitched_bytes: int,
    ) -> int:
        """The grid form's band-step part: at each patch step, the stage inputs until the
        last patch's reader, the stitched output from the first patch on, and the patch
        buffers written before the step and read at or after it (distinct live values;
        the step's own output is left out, which kernel-in-place may merge with an input)."""
        layers = [geometry.layer(op) for op in stage]
        per_row, per_col = _grid_axes(stage, bands, cols, geometry)
        last = len(stage) - 1
        # rows[r, i] x columns[c, i] x channels[i]: patch (r, c)'s buffer of layer i
        rows = np.array([[r[layer.outs][1] - r[layer.outs][0] for layer in layers[:-1]] for r in per_row])
        columns = np.array([[c[layer.outs][1] - c[layer.outs][0] for layer in layers[:-1]] for c in per_col])
        channels = np.array([layer.output_shape[3] for layer in layers[:-1]])
        first = np.zeros((bands, cols), dtype=bool)
        first[0, 0] = True
        final = np.zeros((bands, cols), dtype=bool)
        final[-1, -1] = True
        # the step's own output too, where kernel-in-place cannot let it write over an input
        # (it may for adds, and depthwise and stride-1 convolutions keeping their channels: `_may_write_over`)
        own = [not _may_write_over(op, layer) for op, layer in zip(stage, layers, strict=True)]
        peak = 0
        for j in range(len(stage)):
            live = [i for i in range(min(j, last)) if last_reader[i] >= j] + ([j] if j < last and own[j] else [])
            patches = (rows[:, live] * channels[live]) @ columns[:, live].T if live else np.zeros((bands, cols), dtype=np.int64)
            inputs = sum(size for size, until in outer_bytes if until is None or j <= until)
            every = sum(size for size, _ in outer_bytes)
            step = patches + np.where(final, inputs, every) + (stitched_bytes if j == last else np.where(first, 0, stitched_bytes))
            peak = max(peak, int(step.max()))
        return peak

    def between(self, stop: int, start: int) -> int:
        """The most bytes live in the current plan at a step after kernel op `stop` - 1 and
        before kernel op `start` (what a stage on each side leaves as it is)."""
        return max(self.live[self.position[stop - 1] + 1 : self.position[start]], default=0)

    @staticmethod
    def _reads_whole(op: qk.KernelOp, needed, layer_of, geometry: BandGeometry) -> bool:
        """Whether the band copy of `op` reads some input buffer whole (no subview), no
        smaller than its output, in a form kernel-in-place writes over (an add of the
        output's shape, a depthwise convolution, a stride-1 convolution of the output's
        shape): only then may it write over it."""
        layer = geometry.layer(op)
        lo, hi = needed[layer.outs]
        key = (op, lo, hi, tuple(needed[v] if v in layer_of else None for v in layer.data_inputs))
        if key not in geometry._reads_whole:
            geometry._reads_whole[key] = _CandidateBound._reads_whole_uncached(op, needed, layer_of, geometry)
        return geometry._reads_whole[key]

    @staticmethod
    def _reads_whole_uncached(op: qk.KernelOp, needed, layer_of, geometry: BandGeometry) -> bool:
        layer = geometry.layer(op)
        _, _, width, channels = layer.output_shape
        lo, hi = needed[layer.outs]
        out_elements = (hi - lo) * width * channels
        for value, rows, shape in zip(layer.data_inputs, geometry.windows(op, (lo, hi)), layer.input_shapes, strict=True):
            _, height, in_width, in_channels = shape
            whole = rows == needed[value] if value in layer_of else (
                rows == (0, height) and isinstance(value.owner, memref.AllocOp)
            )
            if not whole or (rows[1] - rows[0]) * in_width * in_channels < out_elements:
                continue
            # kernel-in-place's own rules (its `schedule`): only these may write over the input
            same_shape = (rows[1] - rows[0], in_width, in_channels) == (hi - lo, width, channels)
            if isinstance(op, qk.AddOp) and same_shape:
                return True
            if isinstance(op, qk.Conv2DOp) and (
                (op.depthwise and in_channels == channels)
                or (_ints(op.strides) == [1, 1] and _ints(op.dilations) == [1, 1] and same_shape)
            ):
                return True
        return False


class _Plan:
    """One state of the search, shared by the strategies that reach it: a copy of the
    function (in a module holding the constants) with `key`'s stages applied, its round's
    bounds, and memoised what the strategies ask of it (the same candidate on the same
    plan gives the same answer): each stage's candidates and their bounds, and each
    candidate's arena and the bytes live at its band steps."""

    def __init__(
        self, ctx: Context, function: func.FuncOp, alignment: int, geometry: BandGeometry, banded: set[Operation],
        budget: float, stages: tuple[str, ...], key: tuple,
    ) -> None:
        self.ctx, self.function, self.alignment, self.geometry = ctx, function, alignment, geometry
        self.banded, self.budget, self.stages, self.key = banded, budget, stages, key
        self.ops = _kernel_ops(function)
        self.bounds = _CandidateBound(ctx, function, self.ops, alignment)
        self.children: dict[tuple[Candidate, ...], _Plan] = {}
        self.stage_candidates: dict[tuple[int, int, int | str], list | bool] = {}
        self.arenas: dict[Candidate | tuple[Candidate, ...], int] = {}
        self.local_peaks: dict[Candidate, tuple[int, int]] = {}

    def eligible(self, start: int, stop: int) -> bool:
        """Whether kernel ops start..stop - 1 may form a stage: none in bands yet,
        consecutive steps, and `stage_refusal` has nothing against them (memoised)."""
        key = (start, stop, "eligible")
        if key not in self.stage_candidates:
            stage = self.ops[start:stop]
            self.stage_candidates[key] = not (
                self.banded.intersection(stage) or not self.bounds.contiguous(start, stop) or stage_refusal(stage) is not None
            )
        return self.stage_candidates[key]

    def arena(self, candidate: Candidate | tuple[Candidate, ...], loops: bool) -> int:
        """`_arena` of the candidate (or pair) on this plan, memoised."""
        if candidate not in self.arenas:
            self.arenas[candidate] = _arena(self.ctx, self.function, candidate, self.alignment, loops)
        return self.arenas[candidate]

    def local_peak(self, candidate: Candidate, loops: bool) -> tuple[int, int]:
        """`_local_peak` of the candidate on this plan, memoised (its arena too)."""
        if candidate not in self.local_peaks:
            self.local_peaks[candidate] = _local_peak(self.ctx, self.function, candidate, self.alignment, loops, self.geometry)
            self.arenas.setdefault(candidate, self.local_peaks[candidate][1])
        return self.local_peaks[candidate]

    def child(self, chosen: tuple[Candidate, ...], loops: bool) -> _Plan:
        """The plan with `chosen` (disjoint stages) applied, made once: on a copy of this
        plan's module, later stages first (the indices stay valid)."""
        if chosen in self.children:
            return self.children[chosen]
        holder = self.function.parent_op()
        assert holder is not None
        copy_holder = holder.clone()
        function = next(o for o in copy_holder.walk() if isinstance(o, func.FuncOp) and o.sym_name == self.function.sym_name)
        same = dict(zip(self.function.walk(), function.walk(), strict=True))
        banded = {same[o] for o in self.banded}
        ops = _kernel_ops(function)
        over_input = any(c.over_input for c in chosen)
        # the copy's ops read what their originals read (but where a stage's output is
        # over its input: its readers read a view), so what the geometry knows of them holds
        geometry = BandGeometry() if over_input else self.geometry.translated(same)
        budget, stages = self.budget, list(self.stages)
        for c in sorted(chosen, key=lambda c: -c.start):
            stage = ops[c.start : c.stop]
            form = ", output over its input" if c.over_input else ""
            kind = "streamed row bands (kept rows)" if c.stream else "row bands"
            shape = f"patch {c.bands}x{c.cols} (recomputed halos)" if c.cols > 1 else f"{c.bands} {kind}{form}"
            stages.append(f"{stage[0].layer_name.data}..{stage[-1].layer_name.data} ({c.stop - c.start} layers) in {shape}")
            if c.cols > 1:
                budget -= grid_extra_macs(stage, c.bands, c.cols, geometry)
            elif not c.stream:
                budget -= extra_macs(stage, c.bands, geometry)
            banded |= set(_apply_candidate(ops, c, geometry, loops))
        if over_input:
            geometry = BandGeometry()  # the readers of a stage output over its input read a view now
        plan = _Plan(self.ctx, function, self.alignment, geometry, banded, budget, tuple(stages), (*self.key, chosen))
        self.children[chosen] = plan
        return plan


@dataclass(frozen=True)
class PatchSchedulePass(ModulePass):
    """See the module docstring."""

    name = "patch-schedule"

    max_extra_macs: float = 0.2
    """Recomputed MACs allowed, as a fraction of the model's MACs."""
    max_stage: int = 8
    """Most layers in one stage."""
    max_bands: int = 8
    """Most row bands (MCUNetV2 searches p <= 4 per side; bands are cheaper, being 1-wide)."""
    max_grid: int = 4
    """Most patches per side of the grid form (p x q patches, 1 <= p <= max_grid and
    2 <= q <= max_grid, as MCUNetV2's p <= 4; 1: no grids)."""
    loops: bool = True
    """Run bands of the same shape as one band loop (else every band is unrolled)."""
    stream: bool = True
    """Also search the stream form (kept rows instead of recomputed halos)."""
    max_stream_bands: int = 32
    """Most bands of the stream form (its bands cost no MACs, so it wants more of them)."""
    peak_first: bool = True
    """Also run the peak-first greedy (see the cost model) and keep the better result."""
    macs_per_byte: float = 256.0
    """The price of recomputation between whole plans: a plan costs its arena plus its extra
    MACs / macs_per_byte (bytes); 0: the arena alone."""

    def _plan_cost(self, arena: int, extra: int) -> float:
        return arena + (extra / self.macs_per_byte if self.macs_per_byte > 0 else 0)

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        if min(self.max_stage, self.max_bands, self.max_stream_bands, self.max_grid) < 1 or min(self.max_extra_macs, self.macs_per_byte) < 0:
            raise PassError(
                "patch-schedule: max_extra_macs and macs_per_byte must be >= 0, max_stage, max_bands, max_grid and max_stream_bands >= 1"
            )
        for function in [f for f in op.ops if isinstance(f, func.FuncOp) and f.body.blocks]:
            self._schedule(ctx, op, function)

    def _schedule(self, ctx: Context, module: ModuleOp, function: func.FuncOp) -> None:
        from tinymlir.passes.kernel_in_place import transpose_views

        # kernel-in-place's views of transposed inputs are made first, so that the search
        # costs the plan with them (the caller's image is then read in place, in bands)
        transpose_views(function)
        ops = _kernel_ops(function)
        if not any(isinstance(o, qk.Conv2DOp) and o.output_type.get_shape()[1] > 1 for o in ops):
            function.attributes[SCHEDULE_ATTR] = StringAttr("layer-by-layer: no spatial layers")
            return
        alignment = target_of(module).alignment
        # the strategies on copies; the plan of the least cost is kept
        results = []
        # the copies' modules hold (clones of) the constants: the grid form reads weights and
        # biases for the bias of inner patches, and adds that bias as a constant
        constants = [g for g in module.ops if isinstance(g, memref.GlobalOp)]
        greedies = (False, True) if self.peak_first else (False,)
        grids = (1, self.max_grid) if self.max_grid > 1 else (1,)
        # one tree of plans for all strategies: a plan two of them reach is searched once
        copy = function.clone()
        ModuleOp([*(g.clone() for g in constants), copy])
        model_macs = sum(o.macs() for o in ops)
        root = _Plan(ctx, copy, alignment, BandGeometry(), set(), self.max_extra_macs * model_macs, (), ())
        strategies = list(enumerate((g, p) for g in grids for p in greedies))
        # the peak-first searches first: they find the arena and the local peak of each
        # candidate they plan, which the smallest-arena searches then reuse (the order of
        # the strategies in `results` stays the tie-break)
        for order, (max_grid, peak_first) in sorted(strategies, key=lambda s: not s[1][1]):
            arena, extra, description, baseline, plan = self._search(root, model_macs, peak_first, max_grid)
            results.append((self._plan_cost(arena, extra), arena, extra, order, plan.function, description))
        # the layer-by-layer plan itself (last: at equal cost a strategy's own reason is kept)
        results.append((baseline, baseline, 0, len(results), None, f"layer-by-layer: {baseline} B, no schedule worth its MACs"))
        cost, arena, extra, _, chosen, description = min(results, key=lambda r: r[:4])
        smallest = min(results, key=lambda r: r[1:4])
        if smallest[1] < arena:
            description += (
                f"; not taken: {smallest[5].split(', arena ')[0].removeprefix('bands: ')}, arena {smallest[1]} B, "
                f"+{smallest[2]:,} MACs (costs {smallest[0]:,.0f} against {cost:,.0f}"
                f" at {self.macs_per_byte:g} MACs per byte)"
            )
        if chosen is None:
            function.attributes[SCHEDULE_ATTR] = StringAttr(description)
            return
        function.detach_region(function.body)
        function.add_region(chosen.detach_region(chosen.body))
        known = {g.sym_name.data for g in constants}
        holder = chosen.parent
        assert holder is not None
        for g in [g for g in holder.ops if isinstance(g, memref.GlobalOp) and g.sym_name.data not in known]:
            g.detach()
            module.body.block.insert_op_before(g, function)
        function.attributes[SCHEDULE_ATTR] = StringAttr(description)

    def _search(
        self, root: _Plan, model_macs: int, peak_first: bool, max_grid: int,
    ) -> tuple[int, int, str, int, _Plan]:
        """Bands stages from plan `root` round by round: each round the stage (or pair)
        giving the smallest arena (`peak_first` False), or the stage covering the plan's
        peak step that lowers the bytes live there the most (`peak_first`: a greedy that
        does not settle for a stage other regions hide). Returns the arena, the extra
        MACs, the schedule's description, the layer-by-layer arena and the plan reached."""
        plan = root
        baseline = current = root.bounds.current_arena()
        reason = "no stage of convolutions"
        while True:  # one stage per round (two when no single stage helps), while the arena drops
            if peak_first:
                found, best = self._best_at_peak(plan, max_grid)
            else:
                found, best, candidates = self._best_stage(plan, current, max_grid)
            if best is None and found and not peak_first:
                best = self._best_pair(plan, candidates, current)
            if best is None:
                if found:
                    reason = f"no band schedule beats {current} B"
                break
            current = best[0][0]
            plan = plan.child(best[1], self.loops)
        if peak_first:
            current = plan.bounds.current_arena()
            if current >= baseline:
                return baseline, 0, f"layer-by-layer: {reason}", baseline, plan  # the caller drops it
        if not plan.stages:
            return current, 0, f"layer-by-layer: {reason}", baseline, plan
        extra = round(self.max_extra_macs * model_macs - plan.budget)
        return current, extra, (
            f"bands: {'; '.join(plan.stages)}, arena {current} B (layer-by-layer {baseline} B), "
            f"+{extra:,} MACs ({100 * extra / max(model_macs, 1):.1f} %)"
        ), baseline, plan

    def _best_stage(
        self, plan: _Plan, current: int, max_grid: int,
    ) -> tuple[bool, tuple[tuple[int, ...], tuple[Candidate]] | None, list]:
        """Whether any stage and band count fits `budget` extra MACs (among stages of ops
        not yet in bands), the one giving the smallest arena below `current` (ties:
        fewer bands, fewer MACs, first found; None if none beats it), and every candidate
        with its extra MACs and the parts of its bound (`_CandidateBound.parts`)."""
        # planned by increasing bound: once a bound reaches the best arena (with the same
        # tie-breaks), no later candidate can win. A stage's candidates are only made once
        # its floor (`_CandidateBound.floor`, at most each of their bounds) is at most the
        # smallest bound made so far, so the heap's first is the smallest of all; a stage
        # whose floor reaches `current` or passes the best arena is never made. Ties end
        # in the search order: (stage, form section, position in it).
        floors = sorted(
            (plan.bounds.floor(plan.ops[start:stop], start, plan.geometry), rank, start, stop)
            for rank, (start, stop) in enumerate(self._stages(plan)) if plan.eligible(start, stop)
        )
        heap: list[tuple[tuple, Candidate]] = []
        made = 0
        best: tuple[tuple, tuple[Candidate]] | None = None
        while True:
            while made < len(floors) and (not heap or floors[made][0] <= heap[0][0][0]):
                floor, rank, start, stop = floors[made]
                if floor >= current or (best is not None and floor > best[0][0]):
                    made = len(floors)  # the later floors are no smaller
                    break
                made += 1
                for section, found in self._sections(plan, start, stop, max_grid):
                    for position, (candidate, extra, parts) in enumerate(found):
                        key = (max(parts), parts[1], candidate.patches, extra, (rank, section, position))
                        heapq.heappush(heap, (key, candidate))
            if not heap:
                break
            key, candidate = heapq.heappop(heap)
            if key[0] >= current or (best is not None and key >= best[0]):
                break
            arena_key = (plan.arena(candidate, self.loops), *key[1:])
            if arena_key[0] < current and (best is None or arena_key < best[0]):
                best = (arena_key, (candidate,))
        if best is not None:
            return True, best, []  # the pairs are only searched when no single stage wins
        described = list(self._candidates(plan, max_grid))
        return bool(described), None, described

    def _best_at_peak(
        self, plan: _Plan, max_grid: int,
    ) -> tuple[bool, tuple[tuple[int, ...], tuple[Candidate]] | None]:
        """Whether any stage fits `budget`, and among the stages covering the current
        plan's peak step (the most bytes live) the one leaving the fewest bytes live at
        the steps of its bands (ties: fewer MACs, fewer bands, first found), None if
        none lowers the peak. Planned by increasing bound of its band steps."""
        peak = max(plan.bounds.live, default=0)
        peak_step = plan.bounds.live.index(peak) if plan.bounds.live else -1
        scored = []
        any_found = False
        for candidate, extra, parts in self._candidates(plan, max_grid, peak_step):
            any_found = True
            if parts[1] < peak:
                scored.append(((parts[1], extra, candidate.patches, len(scored)), candidate))
        best: tuple[tuple[int, ...], tuple[Candidate]] | None = None
        best_arena = 0
        for key, candidate in sorted(scored, key=lambda c: c[0]):
            if best is not None and key >= best[0]:
                break
            local, arena = plan.local_peak(candidate, self.loops)
            local_key = (local, *key[1:])
            if local < peak and (best is None or local_key < best[0]):
                best, best_arena = (local_key, (candidate,)), arena
        if best is not None:
            best = ((best_arena, *best[0]), best[1])
        return any_found, best

    def _stages(self, plan: _Plan, covering: int | None = None):
        """The (start, stop) of every stage of up to `max_stage` ops, in the search order;
        with `covering`, only those whose steps include that step."""
        ops, bounds = plan.ops, plan.bounds
        for start in range(len(ops)):
            for stop in range(start + 2, min(start + self.max_stage, len(ops)) + 1):
                if covering is None or bounds.position[start] <= covering <= bounds.position[stop - 1]:
                    yield start, stop

    def _sections(self, plan: _Plan, start: int, stop: int, max_grid: int):
        """The stage's candidates by form, in the search order: (section, list of
        `_stage_candidates`): row bands (0), grids if `max_grid` > 1 (1), streams (2)."""
        yield 0, self._stage_candidates(plan, start, stop)
        if max_grid > 1:
            yield 1, self._stage_candidates(plan, start, stop, grids=True)
        yield 2, self._stage_candidates(plan, start, stop, streams=True)

    def _candidates(self, plan: _Plan, max_grid: int, covering: int | None = None):
        """Every stage (of ops not yet in bands; with `covering`, only those whose steps
        include that step), form and band count within the plan's budget of extra MACs:
        (candidate, extra MACs, the parts of its bound)."""
        for start, stop in self._stages(plan, covering):
            for _, found in self._sections(plan, start, stop, max_grid):
                yield from found

    def _stage_candidates(self, plan: _Plan, start: int, stop: int, grids: bool = False, streams: bool = False) -> list:
        """The candidates of one stage of `plan` in one section (row bands, grids of
        `self.max_grid`, or streams), memoised on the plan."""
        key = (start, stop, 1 if grids else 2 if streams else 0)
        if key in plan.stage_candidates:
            return plan.stage_candidates[key]
        found: list = []
        plan.stage_candidates[key] = found
        ops, bounds, geometry, budget = plan.ops, plan.bounds, plan.geometry, plan.budget
        stage = ops[start:stop]
        if not plan.eligible(start, stop):
            return found
        rows = stage[-1].output_type.get_shape()[1]
        if grids:
            width = stage[-1].output_type.get_shape()[2]
            for bands in range(1, min(rows, self.max_grid) + 1):
                for cols in range(2, min(width, self.max_grid) + 1):
                    # pruned by their MACs before any IR is built
                    extra = grid_extra_macs(stage, bands, cols, geometry)
                    if extra > budget or grid_refusal(stage, bands, cols, geometry) is not None:
                        continue
                    candidate = Candidate(start, stop, bands, cols=cols)
                    found.append((candidate, extra, bounds.parts(stage, start, geometry, bands, cols=cols)))
        elif streams:
            for bands in _stream_band_counts(rows, self.max_stream_bands) if self.stream else ():
                if stream_refusal(stage, bands, geometry) is not None:
                    continue
                forms = [False] + ([True] if overwrite_refusal(stage, bands, geometry) is None else [])
                for over_input in forms:
                    candidate = Candidate(start, stop, bands, over_input, stream=True)
                    found.append((candidate, 0, bounds.parts(stage, start, geometry, bands, over_input, stream=True)))
        else:
            for bands in range(2, min(rows, self.max_bands) + 1):
                extra = extra_macs(stage, bands, geometry)
                if extra > budget:
                    break  # more bands only recompute more
                if bands_refusal(stage, bands, geometry) is not None:
                    continue
                forms = [False] + ([True] if overwrite_refusal(stage, bands, geometry) is None else [])
                for over_input in forms:
                    found.append((Candidate(start, stop, bands, over_input), extra, bounds.parts(stage, start, geometry, bands, over_input)))
        return found

    def _best_pair(
        self, plan: _Plan, described: list, current: int,
    ) -> tuple[tuple[int, ...], tuple[Candidate, Candidate]] | None:
        """When no single stage lowers the arena (two regions of the plan peak alike, as
        in ResNet-8's first two blocks), the pair of disjoint stages within `budget`
        giving the smallest arena below `current` (ties: fewer bands, fewer MACs, first
        found), None if none does. Exhaustive over pairs, pruned like the single
        search: a pair's bound is the largest of the steps before the first stage, each
        stage's band steps, the steps between them and those after the second."""
        bounds, budget = plan.bounds, plan.budget
        useful = [d for d in described if d[2][1] < current and (d[2][0] or d[2][1] or d[2][2])]
        pairs: list[tuple[tuple[int, ...], tuple[Candidate, Candidate]]] = []
        for i, (first, first_extra, (before, first_bands, _)) in enumerate(useful):
            if before >= current:
                continue
            for second, second_extra, (_, second_bands, after) in useful[i + 1 :]:
                if second.start < first.stop or after >= current or first_extra + second_extra > budget:
                    continue
                bound = max(before, first_bands, second_bands, after, bounds.between(first.stop, second.start))
                if bound < current:
                    key = (bound, max(first_bands, second_bands), first.patches + second.patches, first_extra + second_extra, len(pairs))
                    pairs.append((key, (first, second)))
        best: tuple[tuple[int, ...], tuple[Candidate, Candidate]] | None = None
        for key, pair in sorted(pairs, key=lambda p: p[0]):
            if best is not None and key >= best[0]:
                break
            arena_key = (plan.arena(pair, self.loops), *key[1:])
            if arena_key[0] < current and (best is None or arena_key < best[0]):
                best = (arena_key, pair)
        return best
