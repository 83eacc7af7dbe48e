"""tile-apply: run every planned layer tile by tile out of the fast memory level.

What it does
    Consumes the `tile.plan` that tile-for-memory records on qk.conv2d (groups 1 and
    depthwise), qk.dense and qk.add, and replaces each such op by its tiles, walked in the
    plan's loop order (tile_for_memory.LOOP_ORDERS of the resident operand, outermost
    first; depthwise: channel tiles outside pixel tiles; untiled: one tile). Each tile
      * loads every operand block it needs that is not the block already resident: a
        `memref.copy` from a subview of the slow buffer into a new fast buffer (the input
        window, halo included and clipped to the map; the weight rows of the tile's output
        channels with their bias and per-channel tables; an add's element range),
      * runs a qk op of the same kind on the fast buffers (conv: pads recomputed per tile,
        only the window rows and columns outside the map are padding, as patch-schedule's
        bands; depthwise: groups = the tile's channels),
      * stores its output block with a `memref.copy` into a subview of the output buffer.
    A block is loaded again only when a loop it depends on moves, so the copies move
    exactly the plan's `bytes_moved` (tile_for_memory.nest_traffic). Every copy carries
    `tile.transfer = "<layer name>"` (what bench/tiling_traffic.py's instrumented count and
    tests key on). The plan attribute is dropped.

Form
    Static and unrolled at the kernel level (one qk op and its copies per tile, as
    patch-schedule's bands): convert-kernel-to-loops lowers only top-level qk ops and
    copies, so a qk op inside an scf.for with dynamic subview offsets would not lower.
    Transfers are memref.copy (lowered to element loops): no shipped target describes a
    DMA engine, so there is no dma_start/dma_wait form yet. The fast buffers are
    `memref.alloc`s in the memory space of the target's fast level (tile_for_memory.
    fast_level: "tcm" on cortex-m4-tcm16k; "fast" without one), one per operand role and
    shape, shared by all tiles of all layers (FastBuffers). plan-arena leaves them out of
    the activation arena, so in C each is a static array of its own (commented with its
    memory space), not one planned fast-level arena: their total is not bounded by the
    capacity, only each tile's footprint is (the plan's verifier).

Cost model
    None of its own: it executes tile-for-memory's choice.

Assumes the kernel level of convert-qnn-to-kernel, before kernel-in-place (an op with an
`in_place` schedule is refused), batch 1, operands with identity layouts. Refuses, with a
PassError naming the layer: plans with reduction tiles (kc < input channels: the qk ops
write int8 and cannot carry int32 partial sums between tiles), grouped convolutions that
are not depthwise, an add with a broadcast operand, and a padded convolution of stride 1
one of whose tiles lies wholly inside the map (the tile op would take the unpadded form,
whose bias has the input zero point folded in, which this layer's bias has not; with a
stride >= 2 such a tile gets one row or column of padding that no tap reaches, which keeps
the padded form: `_phantom_pad`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import product

from xdsl.builder import Builder, InsertPoint
from xdsl.context import Context
from xdsl.dialects import memref
from xdsl.dialects.builtin import (
    ArrayAttr,
    DenseArrayBase,
    IntAttr,
    IntegerAttr,
    MemRefType,
    ModuleOp,
    NoneAttr,
    StringAttr,
    i64,
)
from xdsl.interpreter import Interpreter, PythonValues
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.passes import ModulePass

from tinymlir.dialects import kernel as qk
from tinymlir.dialects.qnn import QTensorType
from tinymlir.dialects.tile import PLAN_KEY, PlanAttr
from tinymlir.errors import PassError
from tinymlir.passes.tile_for_memory import LOOP_ORDERS, fast_level
from tinymlir.target import target_of

NAME = "tile-apply"
TRANSFER_KEY = "tile.transfer"
"""On each memref.copy made here: the name of the layer it moves bytes for."""

Range = tuple[int, int]


class TransferCounter(Interpreter.Listener):
    """Counts, while the interpreter runs (tinymlir.interpreter.run_loops(listeners=...)), the
    bytes each layer's `tile.transfer` copies move: the instrumented figure that must equal
    the plan's `bytes_moved`."""

    def __init__(self) -> None:
        self.bytes: dict[str, int] = {}

    def will_interpret_op(self, op: Operation, args: PythonValues) -> None:
        if not isinstance(op, memref.CopyOp) or TRANSFER_KEY not in op.attributes:
            return
        layer = op.attributes[TRANSFER_KEY]
        assert isinstance(layer, StringAttr) and isinstance(op.source.type, MemRefType)
        width = op.source.type.element_type.bitwidth  # type: ignore[union-attr]
        count = 1
        for d in args[0].shape:
            count *= d
        self.bytes[layer.data] = self.bytes.get(layer.data, 0) + count * ((width + 7) // 8)


def _ints(attr) -> list[int]:
    return [int(v) for v in attr.get_values()]


def _ranges(extent: int, size: int) -> list[Range]:
    """The tiles of an axis, as tile-for-memory's model cuts it: from 0 in steps of `size`."""
    return [(start, min(start + size, extent)) for start in range(0, extent, size)]


def _with_shape(t: QTensorType, shape: Sequence[int]) -> QTensorType:
    return QTensorType.new([ArrayAttr([IntAttr(d) for d in shape]), t.element_type, t.scales, t.zero_points, t.axis])


def _side_pads(out: Range, window: Range, stride: int, pad: int, taps: int, dilation: int) -> tuple[int, int]:
    """Padding before and after a tile's input window along one axis: the rows (columns) its
    taps reach outside the map, i.e. outside the clipped window."""
    first = out[0] * stride - pad
    last = (out[1] - 1) * stride - pad + (taps - 1) * dilation
    return window[0] - first, last + 1 - window[1]


def _phantom_pad(pads: list[int], out: list[Range], window: list[Range], strides: list[int],
                 spans: list[int]) -> list[int] | None:
    """Pads that keep a tile lying inside the map in the padded form (a padded layer's bias
    has no input zero point folded in): one row (column) of padding after the window along
    an axis of stride >= 2, where the output keeps its extent and no tap reaches it (the
    last output row reads the window's last row), so every sum is unchanged. None if no
    axis allows it."""
    for axis in range(2):
        rows = window[axis][1] - window[axis][0]
        extent = out[axis][1] - out[axis][0]
        if strides[axis] >= 2 and (rows + 1 - spans[axis]) // strides[axis] + 1 == extent:
            padded = list(pads)
            padded[2 + axis] = 1
            return padded
    return None


class FastBuffers:
    """The fast buffers of one block of layers: one `memref.alloc` per (operand role,
    element type, shape), at the start of the block, shared by every tile that needs it.
    Layers run one after the other and an operand's buffer holds one block at a time, so a
    buffer is free again when its role loads its next block (or its tile's output has been
    stored): the fast level holds at most a few buffers per role, not one per tile."""

    def __init__(self, space: Attribute):
        self.space = space
        self.buffers: dict[tuple, SSAValue] = {}

    def get(self, near: Operation, role: str, element: Attribute, shape: Sequence[int]) -> SSAValue:
        block = near.parent_block()
        assert block is not None
        key = (block, role, element, tuple(shape))
        if key not in self.buffers:
            alloc = Builder(InsertPoint.at_start(block)).insert(memref.AllocOp(
                [], [], MemRefType(element, list(shape), NoneAttr(), self.space)
            ))
            alloc.memref.name_hint = f"tile_{role}_{'x'.join(map(str, shape))}"
            self.buffers[key] = alloc.memref
        return self.buffers[key]


class _Tiler:
    """Emits one layer's tiles before the layer's op, tracking the block of each operand
    resident in the fast level."""

    def __init__(self, op: qk.KernelOp, fast: FastBuffers):
        self.op = op
        self.fast = fast
        self.name = op.layer_name.data
        self.builder = Builder(InsertPoint.before(op))
        self.resident: dict[int, tuple[object, SSAValue]] = {}

    def error(self, reason: str) -> PassError:
        return PassError(f"{NAME}: layer '{self.name}' ({self.op.name}): {reason}")

    def view(self, buffer: SSAValue, box: Sequence[Range]) -> SSAValue:
        """`buffer` when `box` is all of it, else a subview of the box."""
        t = buffer.type
        assert isinstance(t, MemRefType)
        shape = t.get_shape()
        if all(a == 0 and b == d for (a, b), d in zip(box, shape, strict=True)):
            return buffer
        return self.builder.insert(memref.SubviewOp.from_static_parameters(
            buffer, t, [a for a, _ in box], [b - a for a, b in box], [1] * len(box)
        )).result

    def copy(self, source: SSAValue, destination: SSAValue) -> None:
        copy = self.builder.insert(memref.CopyOp(source, destination))
        copy.attributes[TRANSFER_KEY] = StringAttr(self.name)

    def fast_buffer(self, source: SSAValue, shape: Sequence[int], role: str) -> SSAValue:
        t = source.type
        assert isinstance(t, MemRefType)
        return self.fast.get(self.op, role, t.element_type, shape)

    def load(self, slot: int, source: SSAValue, box: Sequence[Range], role: str) -> SSAValue:
        """The fast copy of `box` of `source`: the resident one if slot `slot` holds that
        block, else the role's fast buffer of that shape, loaded with it."""
        key = tuple(box)
        held = self.resident.get(slot)
        if held is not None and held[0] == key:
            return held[1]
        fast = self.fast_buffer(source, [b - a for a, b in box], role)
        self.copy(self.view(source, box), fast)
        self.resident[slot] = (key, fast)
        return fast

    def run(self, ins: list[SSAValue], out_box: Sequence[Range], input_types: list[QTensorType],
            destination: SSAValue | None = None, **properties) -> None:
        """One tile: the op on fast operands `ins`, its output block stored back into
        `out_box` of `destination` (default: the op's output buffer)."""
        op = self.op
        destination = op.outs if destination is None else destination
        out = self.fast_buffer(destination, [b - a for a, b in out_box], "out")
        tile = op.clone()
        tile.operands = [*ins, out]
        tile.properties["input_types"] = ArrayAttr(input_types)
        tile.properties["output_type"] = _with_shape(op.output_type, [b - a for a, b in out_box])
        tile.properties.update(properties)
        tile.attributes.pop(PLAN_KEY, None)
        self.builder.insert(tile)
        self.copy(out, self.view(destination, out_box))


def _weighted_tiles(tiler: _Tiler, plan: PlanAttr) -> None:
    """conv2d (groups 1, depthwise) and dense: pixel tiles x output-channel tiles."""
    op = tiler.op
    assert isinstance(op, qk.Conv2DOp | qk.DenseOp)
    stationary = plan.stationary.data
    conv = isinstance(op, qk.Conv2DOp)
    out_shape = op.output_type.get_shape()
    channels = out_shape[-1]
    th, tw, tc, kc = plan.tile_sizes
    if conv:
        if op.groups.value.data != 1 and not op.depthwise:
            raise tiler.error("a grouped convolution that is not depthwise is not tiled")
        reduction = 1 if op.depthwise else op.input_types.data[0].get_shape()[3]
        if out_shape[0] != 1:
            raise tiler.error("batch > 1 is not tiled")
        rows, cols = _ranges(out_shape[1], th), _ranges(out_shape[2], tw)
    else:
        reduction = op.input_types.data[0].get_shape()[1]
        rows, cols = _ranges(out_shape[0], th), [(0, 1)]
    if kc < reduction:
        raise tiler.error(f"the plan has reduction tiles ({kc} of {reduction} input channels): the qk ops "
                          "cannot carry int32 partial sums between tiles")
    tables = [op.bias, *op.tables]
    for table in tables:
        assert isinstance(table.type, MemRefType)
        if tuple(table.type.get_shape()) != (channels,):
            raise tiler.error("a per-channel table is not one value per output channel")
    order = "np" if stationary == "untiled" else LOOP_ORDERS[stationary].replace("k", "")
    axes = {"p": list(product(rows, cols)), "n": _ranges(channels, tc)}
    if conv:
        sh, sw = _ints(op.strides)
        pt, pl, _, _ = _ints(op.pads)
        dh, dw = _ints(op.dilations)
        _, kh, kw, _ = op.weight.type.get_shape()
    tiles = []  # (output box, input window, extra properties), checked before anything is emitted
    for combo in product(*(axes[a] for a in order)):
        index = dict(zip(order, combo, strict=True))
        (r, c), n = index["p"], index["n"]
        out_box = [(0, 1), r, c, n] if conv else [r, n]
        window = op.input_window(out_box)[0]
        properties = {}
        if conv:
            top, bottom = _side_pads(r, window[1], sh, pt, kh, dh)
            left, right = _side_pads(c, window[2], sw, pl, kw, dw)
            pads = [top, left, bottom, right]
            if op.padded and not any(pads):
                pads = _phantom_pad(pads, [r, c], [window[1], window[2]], [sh, sw], [(kh - 1) * dh + 1, (kw - 1) * dw + 1])
                if pads is None:
                    raise tiler.error(f"its tile of rows {r[0]}..{r[1]}, columns {c[0]}..{c[1]} lies inside the map "
                                      "with stride 1: the tile op would take the unpadded form, whose bias has the "
                                      "input zero point folded in")
            properties["pads"] = DenseArrayBase.from_list(i64, pads)
            if op.depthwise:
                properties["groups"] = IntegerAttr(n[1] - n[0], i64)
        tiles.append((out_box, window, n, properties))
    x, xt = op.data_inputs[0], op.input_types.data[0]
    weight_rest = [(0, d) for d in op.weight.type.get_shape()[1:]]
    for out_box, window, n, properties in tiles:
        fast_x = tiler.load(0, x, window, "x")
        fast_w = tiler.load(1, op.weight, [n, *weight_rest], "w")
        fast_tables = [tiler.load(2 + i, t, [n], f"t{i}") for i, t in enumerate(tables)]
        tiler.run([fast_x, fast_w, *fast_tables], out_box, [_with_shape(xt, [b - a for a, b in window])],
                  **properties)


def _flat(tiler: _Tiler, buffer: SSAValue) -> SSAValue:
    """A 1-d view of a contiguous buffer (memref.reinterpret_cast, as convert-qnn-to-kernel's reshapes)."""
    t = buffer.type
    assert isinstance(t, MemRefType)
    size = 1
    for d in t.get_shape():
        size *= d
    cast = tiler.builder.insert(memref.ReinterpretCastOp(
        buffer, [], [], [], [0], [size], [1], MemRefType(t.element_type, [size])
    ))
    return cast.result


def _add_tiles(tiler: _Tiler, plan: PlanAttr) -> None:
    """add: ranges of output elements, each operand's range streamed in and out."""
    op = tiler.op
    assert isinstance(op, qk.AddOp)
    out_shape = op.output_type.get_shape()
    if any(t.get_shape() != out_shape for t in op.input_types.data):
        raise tiler.error("an operand is broadcast; only additions of equal shapes are tiled")
    if plan.stationary.data == "untiled":
        ins = [tiler.load(i, x, [(0, d) for d in out_shape], f"x{i}") for i, x in enumerate(op.data_inputs)]
        tiler.run(ins, [(0, d) for d in out_shape], list(op.input_types.data))
        return
    if any(not isinstance(v.type.layout, NoneAttr) for v in [*op.data_inputs, op.outs]):
        raise tiler.error("an operand is a strided view; only identity layouts are tiled")
    total = 1
    for d in out_shape:
        total *= d
    flat_ins = [_flat(tiler, x) for x in op.data_inputs]
    flat_out = _flat(tiler, op.outs)
    for elements in _ranges(total, plan.tile_sizes[0]):
        ins = [tiler.load(i, x, [elements], f"x{i}") for i, x in enumerate(flat_ins)]
        tiler.run(ins, [elements], [_with_shape(t, [elements[1] - elements[0]]) for t in op.input_types.data],
                  destination=flat_out)


def fast_space(module: ModuleOp) -> StringAttr:
    """The memory space of the fast buffers: the name of the target's fast level (the one
    tile-for-memory sizes tiles for by default), else "fast"."""
    level = fast_level(target_of(module))
    return StringAttr(level.name if level is not None else "fast")


def apply_plan(kernel: qk.KernelOp, fast: FastBuffers) -> None:
    """Replace `kernel` by the tiles of its `tile.plan` (see the module docstring), on
    buffers of `fast`; a refusal (PassError) is raised before anything is changed."""
    plan = kernel.attributes[PLAN_KEY]
    if not isinstance(plan, PlanAttr):
        raise PassError(f"{NAME}: layer '{kernel.layer_name.data}': {PLAN_KEY} is not a #tile.plan")
    tiler = _Tiler(kernel, fast)
    if kernel.in_place is not None:
        raise tiler.error("it has an in-place schedule; run tile-apply before kernel-in-place")
    if isinstance(kernel, qk.Conv2DOp | qk.DenseOp):
        _weighted_tiles(tiler, plan)
    elif isinstance(kernel, qk.AddOp):
        _add_tiles(tiler, plan)
    else:
        raise tiler.error("only conv2d, dense and add are tiled")
    kernel.detach()
    kernel.erase()


@dataclass(frozen=True)
class TileApplyPass(ModulePass):
    """See the module docstring."""

    name = NAME

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        fast = FastBuffers(fast_space(op))
        for kernel in list(op.walk()):
            if isinstance(kernel, qk.KernelOp) and PLAN_KEY in kernel.attributes:
                apply_plan(kernel, fast)
