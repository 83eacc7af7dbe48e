"""tile-for-memory: choose, per layer, the memory-level tiling that moves the fewest bytes.

What it does
    For every qk.conv2d (standard and depthwise), qk.dense and qk.add of the module, picks
    tile sizes and which operand stays resident in the fast memory level (a TCM / fast SRAM
    of capacity S) so that the bytes moved between the slow and the fast level are minimal
    under the model below, and records the choice as a `tile.plan` attribute
    (dialects/tile.py). A layer whose operands all fit in S at once stays `untiled`.
    `print-tiling=true` prints each layer's choice and predicted bytes.

Capacity
    `capacity=N` (bytes) if given, else the target's fast level: the writable memory level
    that the placement uses for nothing (e.g. `tcm` of cortex-m4-tcm16k). A module whose
    target has no fast level and no `capacity=` is left unchanged. A layer whose smallest
    tile does not fit is an error naming the layer and the minimum capacity.

Cost model (bytes; b_w weight element bytes, t per-channel table bytes: bias, multiplier,
shift; activations 1 byte, partial sums 4 bytes)
    conv, output P = OH x OW pixels, N = Cout, K = kh·kw·Cin; tile (th, tw, tc, kc), kc over
    Cin; T_p = ceil(OH/th)·ceil(OW/tw), T_n = ceil(N/tc), T_k = ceil(Cin/kc);
        W = N·(b_w·K + t)                                   all weights and tables
        X = Cin·Σ_rows(th)·Σ_cols(tw)                       inputs with halo, summed over the
            pixel tiles (Σ_rows: sum over row tiles of rows read, clipped to the input)
        O = P·N                                             int8 outputs
        R = 8·P·N·(T_k - 1)                                 int32 partial sums written and read
                                                            back between reduction tiles
      three loop nests (outermost first); when no loop of one trip collapses them:
        Q_output  = O + W·T_p + X·T_n                       (C4's Q_k; p, n, k: outputs resident)
        Q_weights = W + X·T_n + O + R                       (C4's Q_m; n, k, p: weights resident)
        Q_input   = X + W·T_p + O + R                       (C4's Q_n; p, k, n: inputs resident)
      exactly (nest_traffic): an operand is reloaded once per trip of each loop it does not
      depend on that lies outside the innermost loop it does depend on, loops of one trip
      left out; R counts only if a p or n loop of more than one trip lies inside k.
        footprint = tc·(b_w·kh·kw·kc + t) + kc·max_rows(th)·max_cols(tw)
                    + th·tw·tc·(4 if T_k > 1 else 1)  <=  S
      (C4 of /work/shared/docs/kernels-cortex-m4.md with K·N replaced by the input footprint
      with halo and the partial-sum term exact at T_k = 1.)
    depthwise: channels are independent, so each input and weight byte is needed once per
        pixel tile of its channel: Q = W + X + O with X = C·Σ_rows·Σ_cols, channel tiles
        outermost (weights resident); tile (th, tw, tc, 1),
        footprint = tc·(b_w·kh·kw + t) + tc·max_rows·max_cols + th·tw·tc.
    dense [B, K] x [N, K]: the conv model with P = B, one pixel column, no halo.
    add: Q = |x1| + |x2| + |y| for every tile; tile = the most elements e that fit,
        footprint = e·(1 + number of full-size inputs) + size of broadcast inputs.
    Untiled: footprint = W + X + O of the whole layer <= S, Q = W + X + O.

Search
    Exhaustive over every tile size that gives a distinct tile count per dimension
    (ceil(D/c) for c = 1..D: for a given count the smallest such size has the smallest
    footprint and the same traffic) and the three resident choices: provably optimal for the
    model. Ties go to fewer tiles, then weights, input, output resident.

Register level
    On a target with the DSP extension every qk.conv2d and qk.dense that a Cortex-M4 SMLAD
    kernel lowers also gets the register level's choice, the micro-kernel's register tile
    (m output pixels x n channels), the operand kept in registers, the weights' format and
    the K unroll, by the cost model of instructions and cycles within 14 registers stated
    in passes/kernel_to_loops/register_tile.py (C1-C3), recorded as `tile.register`
    (dialects/tile.py) and printed with its predicted cost by `print-tiling=true`. The
    Cortex-M4 lowerings compute the same choice (cortex_m4_conv.register_choice,
    cortex_m4_dense.register_choice) and generate that tile, so the register level needs
    no fast memory level and runs whether or not one is given.

Assumes buffer-level functions of convert-qnn-to-kernel (NHWC, OHWI weights). Grouped
convolutions that are not depthwise are not modelled: they must fit untiled, else error.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import MemRefType, ModuleOp, i16
from xdsl.passes import ModulePass

from tinymlir.dialects import kernel as qk
from tinymlir.dialects.tile import PLAN_KEY, REGISTER_KEY, PlanAttr, RegisterAttr
from tinymlir.errors import PassError
from tinymlir.target import Target, target_of


@dataclass(frozen=True)
class Choice:
    stationary: str
    tile: tuple[int, ...]
    bytes_moved: int
    footprint: int


def tile_sizes(extent: int) -> list[int]:
    """The smallest tile size for each distinct tile count of a dimension of `extent`."""
    return sorted({math.ceil(extent / count) for count in range(1, extent + 1)})


@dataclass(frozen=True)
class Axis:
    """One spatial output axis tiled by `size`: tiles, input elements read summed over the
    tiles (halo included), and the largest tile's input extent."""

    size: int
    tiles: int
    read_sum: int
    read_max: int


def axes(extent: int, window: Callable[[int, int], tuple[int, int]]) -> list[Axis]:
    """Every tiling of an output axis; `window(start, stop)` is the input range it reads."""
    result = []
    for size in tile_sizes(extent):
        spans = [window(start, min(start + size, extent)) for start in range(0, extent, size)]
        lengths = [stop - start for start, stop in spans]
        result.append(Axis(size, len(spans), sum(lengths), max(lengths)))
    return result


@dataclass(frozen=True)
class Gemm:
    """A layer seen by the model: output channels N, reduction channels C (kc tiles them),
    taps (kh·kw), weight element bytes, table bytes per channel, and the tilings of its
    spatial output axes."""

    channels_out: int
    channels_in: int
    taps: int
    weight_bytes: int
    table_bytes: int
    rows: list[Axis]
    cols: list[Axis]
    depthwise: bool = False

    @property
    def pixels(self) -> int:
        return self.rows[-1].size * self.cols[-1].size  # the untiled axis: one tile of the whole

    def untiled(self) -> Choice:
        rows, cols = self.rows[-1], self.cols[-1]
        inputs = (self.channels_out if self.depthwise else self.channels_in) * rows.read_sum * cols.read_sum
        weights = self.channels_out * (self.weight_bytes * self.taps * (1 if self.depthwise else self.channels_in)
                                       + self.table_bytes)
        total = weights + inputs + self.pixels * self.channels_out
        return Choice("untiled", (rows.size, cols.size, self.channels_out, 1 if self.depthwise else self.channels_in),
                      total, total)

    def candidates(self) -> Iterator[Choice]:
        n_out, c_in = self.channels_out, self.channels_in
        outputs = self.pixels * n_out
        reductions = [1] if self.depthwise else tile_sizes(c_in)
        per_channel_weights = self.weight_bytes * self.taps * (1 if self.depthwise else c_in)
        weights = n_out * (per_channel_weights + self.table_bytes)
        for rows in self.rows:
            for cols in self.cols:
                pixel_tiles = rows.tiles * cols.tiles
                reads, read_max = rows.read_sum * cols.read_sum, rows.read_max * cols.read_max
                pixels = rows.size * cols.size
                for tc in tile_sizes(n_out):
                    channel_tiles = math.ceil(n_out / tc)
                    if self.depthwise:
                        footprint = tc * (self.weight_bytes * self.taps + self.table_bytes) + tc * read_max + pixels * tc
                        yield Choice("weights", (rows.size, cols.size, tc, 1),
                                     weights + n_out * reads + outputs, footprint)
                        continue
                    inputs = c_in * reads
                    for kc in reductions:
                        k_tiles = math.ceil(c_in / kc)
                        footprint = (tc * (self.weight_bytes * self.taps * kc + self.table_bytes) + kc * read_max
                                     + pixels * tc * (4 if k_tiles > 1 else 1))
                        trips = {"p": pixel_tiles, "n": channel_tiles, "k": k_tiles}
                        for stationary, order in LOOP_ORDERS.items():
                            moved = nest_traffic(order, trips, weights, inputs, outputs)
                            yield Choice(stationary, (rows.size, cols.size, tc, kc), moved, footprint)


LOOP_ORDERS = {"weights": "nkp", "input": "pkn", "output": "pnk"}
"""The loop nest, outermost first, that keeps each operand's block resident longest
(p: pixel tiles, n: output-channel tiles, k: reduction tiles)."""


def nest_traffic(order: str, trips: dict[str, int], weights: int, inputs: int, outputs: int) -> int:
    """Bytes a loop nest moves: a block is loaded again for every trip of the loops outside
    the innermost loop it depends on (a block that the inner loops do not change stays);
    loops of one trip do not count. An output block left before its last reduction tile
    goes out and comes back as int32 partial sums."""
    loops = [axis for axis in order if trips[axis] > 1]

    def reloads(depends: str) -> int:
        inner = max((i for i, axis in enumerate(loops) if axis in depends), default=-1)
        return math.prod(trips[axis] for axis in loops[:inner + 1] if axis not in depends)

    k_tiles = trips["k"]
    evicted = k_tiles > 1 and any(axis in "pn" for axis in loops[loops.index("k") + 1:])
    partials = 8 * outputs * (k_tiles - 1) if evicted else 0
    return weights * reloads("nk") + inputs * reloads("pk") + outputs + partials


_PREFERENCE = {"weights": 0, "input": 1, "output": 2}


def _tile_count(choice: Choice, extents: tuple[int, ...]) -> int:
    return math.prod(math.ceil(e / t) for e, t in zip(extents, choice.tile, strict=True))


def best_choice(layer: Gemm, capacity: int, name: str) -> Choice:
    """The optimum of the model within `capacity`; PassError if no tile fits."""
    whole = layer.untiled()
    if whole.footprint <= capacity:
        return whole
    best, smallest = None, None
    for choice in layer.candidates():
        if smallest is None or choice.footprint < smallest:
            smallest = choice.footprint
        if choice.footprint > capacity:
            continue
        key = (choice.bytes_moved, _tile_count(choice, whole.tile), _PREFERENCE[choice.stationary])
        if best is None or key < best[0]:
            best = (key, choice)
    if best is None:
        raise PassError(f"tile-for-memory: layer '{name}' needs a fast level of at least {smallest} bytes, "
                        f"the capacity is {capacity}")
    return best[1]


def _bytes(element) -> int:
    return 2 if element == i16 else max(1, element.bitwidth // 8) if hasattr(element, "bitwidth") else 4


def _table_bytes(op: qk.KernelOp, channels: int) -> int:
    total = 0
    for value in [*op.constants[1:], *op.tables]:
        kind = value.type
        if isinstance(kind, MemRefType) and tuple(kind.get_shape()) == (channels,):
            total += _bytes(kind.element_type)
    return total


def conv_model(op: qk.Conv2DOp) -> Gemm | None:
    """The model's view of a convolution; None for grouped convolutions (not modelled)."""
    _, oh, ow, c_out = op.output_type.get_shape()
    _, kh, kw, cin_g = op.weight.type.get_shape()
    c_in = op.input_types.data[0].get_shape()[3]
    if op.groups.value.data != 1 and not op.depthwise:
        return None

    def rows(start, stop):
        return op.input_window([(0, 1), (start, stop), (0, ow), (0, c_out)])[0][1]

    def cols(start, stop):
        return op.input_window([(0, 1), (0, oh), (start, stop), (0, c_out)])[0][2]

    return Gemm(c_out, c_in, kh * kw, 2 if op.weight.type.element_type == i16 else 1, _table_bytes(op, c_out),
                axes(oh, rows), axes(ow, cols), depthwise=op.depthwise)


def dense_model(op: qk.DenseOp) -> Gemm:
    batch, k = op.input_types.data[0].get_shape()
    units = op.output_type.get_shape()[1]
    return Gemm(units, k, 1, 2 if op.weight.type.element_type == i16 else 1, _table_bytes(op, units),
                axes(batch, lambda start, stop: (start, stop)), axes(1, lambda start, stop: (0, 1)))


def add_choice(op: qk.AddOp, capacity: int, name: str) -> Choice:
    out = math.prod(op.output_type.get_shape())
    sizes = [math.prod(t.get_shape()) for t in op.input_types.data]
    total = out + sum(sizes)
    if total <= capacity:
        return Choice("untiled", (out,), total, total)
    resident = sum(s for s in sizes if s < out)
    streams = 1 + sum(1 for s in sizes if s == out)
    elements = min(out, (capacity - resident) // streams) if capacity > resident else 0
    if elements < 1:
        raise PassError(f"tile-for-memory: layer '{name}' needs a fast level of at least {resident + streams} "
                        f"bytes, the capacity is {capacity}")
    return Choice("output", (elements,), total, resident + streams * elements)


def choose(op: qk.KernelOp, capacity: int) -> Choice | None:
    """The tiling of one layer, or None if the op is not one the model covers."""
    name = op.layer_name.data
    if isinstance(op, qk.AddOp):
        return add_choice(op, capacity, name)
    if isinstance(op, qk.DenseOp):
        return best_choice(dense_model(op), capacity, name)
    if isinstance(op, qk.Conv2DOp):
        model = conv_model(op)
        if model is None:
            whole = sum(math.prod(v.type.get_shape()) for v in op.operands if isinstance(v.type, MemRefType))
            if whole > capacity:
                raise PassError(f"tile-for-memory: layer '{name}' is a grouped convolution, which is not tiled; "
                                f"it needs {whole} bytes untiled, the capacity is {capacity}")
            return Choice("untiled", (), whole, whole)
        return best_choice(model, capacity, name)
    return None


def fast_level(target: Target):
    """The target's fast level: the cheapest writable level the placement does not use (None: none)."""
    used = {target.placement.weights, target.placement.activations, target.placement.arena}
    free = [m for m in target.memory if m.writable and m.name not in used]
    return min(free, key=lambda m: m.access_cost_per_byte) if free else None


def fast_capacity(target: Target) -> int | None:
    """The capacity of the target's fast level."""
    level = fast_level(target)
    return level.capacity if level is not None else None


def register_choice(op: qk.KernelOp):
    """The register level's choice for `op` (register_tile.RegisterTile), or None: not a
    conv or dense, no DSP target, or no SMLAD kernel lowers it."""
    # The lowerings import the whole kernel_to_loops package: only when asked.
    from tinymlir.passes.kernel_to_loops import cortex_m4_conv, cortex_m4_dense

    if not target_of(op).cpu.has("dsp"):
        return None
    if isinstance(op, qk.Conv2DOp):
        return cortex_m4_conv.register_choice(op)
    if isinstance(op, qk.DenseOp):
        return cortex_m4_dense.register_choice(op)
    return None


def describe(name: str, choice: Choice) -> str:
    tile = "x".join(str(t) for t in choice.tile) or "-"
    kept = "untiled" if choice.stationary == "untiled" else f"{choice.stationary} resident"
    return f"tile-for-memory: {name}: {kept}, tile {tile}, {choice.bytes_moved} bytes moved, {choice.footprint} bytes in fast memory"


@dataclass(frozen=True)
class TileForMemoryPass(ModulePass):
    name = "tile-for-memory"

    capacity: int = 0
    """Fast-level bytes; 0: the target's fast level."""
    print_tiling: bool = False

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for kernel in op.walk():
            if not isinstance(kernel, qk.KernelOp):
                continue
            tile = register_choice(kernel)
            if tile is None:
                continue
            kernel.attributes[REGISTER_KEY] = RegisterAttr.make(
                tile.kind, tile.pixels, tile.channels, tile.stationary, tile.weights, tile.unroll,
                tile.registers, tile.instructions, tile.cycles)
            if self.print_tiling:
                print(f"tile-for-memory: {kernel.layer_name.data}: {tile.describe()}")
        capacity = self.capacity or fast_capacity(target_of(op))
        if capacity is None:
            return
        for kernel in op.walk():
            if not isinstance(kernel, qk.KernelOp):
                continue
            choice = choose(kernel, capacity)
            if choice is None:
                continue
            kernel.attributes[PLAN_KEY] = PlanAttr.make(choice.stationary, choice.tile, choice.bytes_moved,
                                                        choice.footprint, capacity)
            if self.print_tiling:
                print(describe(kernel.layer_name.data, choice))
