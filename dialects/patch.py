"""The `patch` dialect: one patched stage of patch-schedule, and its band loops.

    patch.stage "recompute" grid [8, 1] writes %y : memref<1x16x8x1xi8>
        layers [#patch.layer<"a", map [16, 8] reads [[16, 8]] pads [1, 1, 1, 1]>, ...]
        bands [[#patch.tile<0:2 x 0:8 reads [0:3 x 0:8] pads [1, 1, 0, 1]>, ...], ...] {
      %a_band0 = memref.alloc() ...                       // band (or line) buffers
      qk.conv2d ins(...) outs(%a_band0 ...)               // an unrolled band
      patch.band_loop %band in bands 1 to 7 { ... }       // bands 1..6 as one loop
      ...
    }

A `patch.stage` holds every op of one stage run band by band (MCUNetV2's patches, or
StreamNet's streamed bands): the band (or line) buffers it allocates, the stage's kernel
ops re-issued per band on views of them, and `patch.band_loop`s running bands of one
shape as iterations over the band index. The stitched output (`writes`) is a normal
buffer of the function, written band by band. `form` says how bands overlap: `recompute`
(every band recomputes its halo: intermediate tiles may overlap) or `stream` (rows
neighbouring bands share are kept: every layer's computed tiles are disjoint). `grid`
is [row bands, column bands] (bands are numbered row-major), `layers` the stage's
layers at the map level (their whole maps and pads, in map coordinates), `bands` per band
and layer the tile it computes, the window of each data input it reads (clipped to the
map) and the pads (what clipping cut off), all half-open [lo:hi) rows x columns.

The verifier checks the table against the kernels' own geometry: each window is the
layer's `input_window` (dialects/kernel.py) of its tile, the pads the part of the
receptive field outside the map, the last layer's tiles cover the stitched output
exactly once (every layer's tiles lie in its map, in the stream form disjoint), every
window read of another layer of the stage lies in what that layer computed (in the band,
or in the stream form up to it: found through the kernel ops' buffers), the
kernel ops run the bands in order, each of its band's tile and window sizes (the stage's
ops one band each, a band loop's all its bands), and every layer of the table is in the
region: a kernel op of that name, or after
convert-kernel-to-loops the loops tagged with its description (`tinymlir.layer_doc`),
where only the coverage is left to check (no interface gives a loop nest's windows). A
convolution may read rows beyond its window's clipped edge in place of its pads (its
pads the table's less those rows) only from a line buffer of the stage that a
`patch.fill` sets to its input's zero point (the folded stream form); a border band may
compute rows outside its map into a line buffer of the stage when a `patch.fill` resets
them to the zero point right after. A stage's body runs
once, in order; a band loop's iterations share only buffers also used outside it
(plan-arena, kernel-in-place); a `patch.guard` in a band loop runs its body in a sub-range
of the loop's bands (a layer's border rows), and the table's bands of its kernel ops are
that range.

convert-patch-to-scf inlines the stage and turns each band loop into an `scf.for`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from xdsl.dialects.builtin import (
    I64,
    ArrayAttr,
    DenseArrayBase,
    IndexType,
    IntegerAttr,
    MemRefType,
    StringAttr,
    i8,
    i64,
)
from xdsl.ir import Attribute, Block, Dialect, Operation, ParametrizedAttribute, Region, SSAValue
from xdsl.irdl import (
    IRDLOperation,
    irdl_attr_definition,
    irdl_op_definition,
    operand_def,
    prop_def,
    region_def,
    traits_def,
)
from xdsl.parser import AttrParser, Parser
from xdsl.printer import Printer
from xdsl.traits import NoTerminator, RecursiveMemoryEffect
from xdsl.utils.exceptions import VerifyException

from tinymlir.dialects import kernel as qk
from tinymlir.layers import LAYER_DOC_ATTR

FORMS = ("recompute", "stream")

Box = tuple[tuple[int, int], tuple[int, int]]
"""Rows [lo, hi) and columns [lo, hi) of a map."""


def _ints(attr: DenseArrayBase) -> list[int]:
    return [int(v) for v in attr.get_values()]


def _array(values: Sequence[int]) -> DenseArrayBase:
    return DenseArrayBase.from_list(i64, list(values))


def _parse_ints(parser: AttrParser) -> list[int]:
    return parser.parse_comma_separated_list(parser.Delimiter.SQUARE, parser.parse_integer)


def _print_ints(printer: Printer, values: Sequence[int]) -> None:
    printer.print_string("[" + ", ".join(str(v) for v in values) + "]")


def _parse_box(parser: AttrParser) -> list[int]:
    r0 = parser.parse_integer()
    parser.parse_punctuation(":")
    r1 = parser.parse_integer()
    parser.parse_keyword("x")
    c0 = parser.parse_integer()
    parser.parse_punctuation(":")
    return [r0, r1, c0, parser.parse_integer()]


def _box_text(box: Sequence[int]) -> str:
    return f"{box[0]}:{box[1]} x {box[2]}:{box[3]}"


@irdl_attr_definition
class LayerAttr(ParametrizedAttribute):
    """One layer of a stage at the map level: `#patch.layer<"name", map [rows, cols] reads
    [[rows, cols], ...] pads [top, left, bottom, right]>` (its output map, each data input's
    map, its pads; `pads []` for a layer without padding, e.g. an add)."""

    name = "patch.layer"

    layer_name: StringAttr
    output_map: DenseArrayBase[I64]
    input_maps: ArrayAttr[DenseArrayBase[I64]]
    pads: DenseArrayBase[I64]

    @staticmethod
    def of(op: qk.KernelOp) -> LayerAttr:
        """`op` (a map-level kernel op on NHWC maps) as a layer of the table."""
        pads = _ints(op.pads) if isinstance(op, qk.Conv2DOp) else []
        return LayerAttr(
            StringAttr(op.layer_name.data),
            _array(op.output_type.get_shape()[1:3]),
            ArrayAttr([_array(t.get_shape()[1:3]) for t in op.input_types.data]),
            _array(pads),
        )

    @classmethod
    def parse_parameters(cls, parser: AttrParser) -> Sequence[Attribute]:
        with parser.in_angle_brackets():
            layer_name = parser.parse_str_literal()
            parser.parse_punctuation(",")
            parser.parse_keyword("map")
            output_map = _parse_ints(parser)
            parser.parse_keyword("reads")
            inputs = parser.parse_comma_separated_list(parser.Delimiter.SQUARE, lambda: _array(_parse_ints(parser)))
            parser.parse_keyword("pads")
            pads = _parse_ints(parser)
        return (StringAttr(layer_name), _array(output_map), ArrayAttr(inputs), _array(pads))

    def print_parameters(self, printer: Printer) -> None:
        with printer.in_angle_brackets():
            printer.print_string_literal(self.layer_name.data)
            printer.print_string(", map ")
            _print_ints(printer, _ints(self.output_map))
            printer.print_string(" reads [" + ", ".join(
                "[" + ", ".join(str(v) for v in _ints(m)) + "]" for m in self.input_maps.data
            ) + "] pads ")
            _print_ints(printer, _ints(self.pads))

    def verify(self) -> None:
        if len(_ints(self.output_map)) != 2 or any(len(_ints(m)) != 2 for m in self.input_maps.data):
            raise VerifyException(f"patch.layer '{self.layer_name.data}': maps are [rows, cols]")
        if len(_ints(self.pads)) not in (0, 4):
            raise VerifyException(f"patch.layer '{self.layer_name.data}': pads are [top, left, bottom, right] or []")


@irdl_attr_definition
class TileAttr(ParametrizedAttribute):
    """One layer's part of one band: `#patch.tile<r0:r1 x c0:c1 reads [r0:r1 x c0:c1, ...]
    pads [top, left, bottom, right]>`, the output tile it computes, the window of each data
    input it reads and its pads (`pads []` for a layer without padding); an empty tile
    (nothing to compute in this band, the stream form) reads nothing."""

    name = "patch.tile"

    output: DenseArrayBase[I64]
    windows: ArrayAttr[DenseArrayBase[I64]]
    pads: DenseArrayBase[I64]

    @staticmethod
    def make(output: Box, windows: Sequence[Box], pads: Sequence[int]) -> TileAttr:
        return TileAttr(
            _array([*output[0], *output[1]]), ArrayAttr([_array([*w[0], *w[1]]) for w in windows]), _array(pads),
        )

    @property
    def box(self) -> Box:
        r0, r1, c0, c1 = _ints(self.output)
        return (r0, r1), (c0, c1)

    @property
    def empty(self) -> bool:
        (r0, r1), (c0, c1) = self.box
        return r1 <= r0 or c1 <= c0

    @classmethod
    def parse_parameters(cls, parser: AttrParser) -> Sequence[Attribute]:
        with parser.in_angle_brackets():
            output = _parse_box(parser)
            parser.parse_keyword("reads")
            windows = parser.parse_comma_separated_list(parser.Delimiter.SQUARE, lambda: _array(_parse_box(parser)))
            parser.parse_keyword("pads")
            pads = _parse_ints(parser)
        return (_array(output), ArrayAttr(windows), _array(pads))

    def print_parameters(self, printer: Printer) -> None:
        with printer.in_angle_brackets():
            printer.print_string(_box_text(_ints(self.output)) + " reads [")
            printer.print_string(", ".join(_box_text(_ints(w)) for w in self.windows.data) + "] pads ")
            _print_ints(printer, _ints(self.pads))

    def verify(self) -> None:
        if len(_ints(self.output)) != 4 or any(len(_ints(w)) != 4 for w in self.windows.data):
            raise VerifyException("patch.tile: boxes are rows lo:hi x columns lo:hi")
        if len(_ints(self.pads)) not in (0, 4):
            raise VerifyException("patch.tile: pads are [top, left, bottom, right] or []")


def _nhwc_box(box: Box, channels: int) -> list[tuple[int, int]]:
    return [(0, 1), box[0], box[1], (0, channels)]


def window_and_pads(op: qk.KernelOp, output: Box) -> tuple[list[Box], list[int]]:
    """For a map-level kernel op and an output tile: each data input's window (the op's
    `input_window`, clipped to the map) and the pads, the part of a convolution's
    receptive field outside its input map ([] for other ops)."""
    channels = op.output_type.get_shape()[3]
    windows = [(tuple(w[1]), tuple(w[2])) for w in op.input_window(_nhwc_box(output, channels))]
    if not isinstance(op, qk.Conv2DOp):
        return windows, []  # type: ignore[return-value]
    _, kh, kw, _ = op.weight.type.get_shape()
    pt, pl, _, _ = _ints(op.pads)
    (sh, sw), (dh, dw) = _ints(op.strides), _ints(op.dilations)
    field = [
        (lo * s - p, (hi - 1) * s - p + (k - 1) * d + 1)
        for (lo, hi), s, p, k, d in ((output[0], sh, pt, kh, dh), (output[1], sw, pl, kw, dw))
    ]
    (rows, cols) = windows[0]
    return windows, [rows[0] - field[0][0], cols[0] - field[1][0], field[0][1] - rows[1], field[1][1] - cols[1]]  # type: ignore[return-value]


def _covered(tiles: Sequence[Box], rows: int, cols: int) -> tuple[bool, bool]:
    """Whether `tiles` cover [0, rows) x [0, cols), and whether each cell exactly once (none
    outside the map either)."""
    row_cuts = sorted({0, rows, *(r for t in tiles for r in t[0])})
    col_cuts = sorted({0, cols, *(c for t in tiles for c in t[1])})
    covers, once = True, True
    for r0, r1 in zip(row_cuts, row_cuts[1:], strict=False):
        for c0, c1 in zip(col_cuts, col_cuts[1:], strict=False):
            count = sum(1 for t in tiles if t[0][0] <= r0 and r1 <= t[0][1] and t[1][0] <= c0 and c1 <= t[1][1])
            inside = 0 <= r0 and r1 <= rows and 0 <= c0 and c1 <= cols
            if inside and count == 0:
                covers = False
            if count != (1 if inside else 0):
                once = False
    return covers, once


def _covered_part(tiles: Sequence[Box], rows: tuple[int, int], cols: tuple[int, int]) -> bool:
    """Whether `tiles` cover the box rows x cols."""
    row_cuts = sorted({*rows, *(r for t in tiles for r in t[0] if rows[0] < r < rows[1])})
    col_cuts = sorted({*cols, *(c for t in tiles for c in t[1] if cols[0] < c < cols[1])})
    return all(
        any(t[0][0] <= r0 and r1 <= t[0][1] and t[1][0] <= c0 and c1 <= t[1][1] for t in tiles)
        for r0, r1 in zip(row_cuts, row_cuts[1:], strict=False)
        for c0, c1 in zip(col_cuts, col_cuts[1:], strict=False)
    )


def _overlap(a: Box, b: Box) -> bool:
    return max(a[0][0], b[0][0]) < min(a[0][1], b[0][1]) and max(a[1][0], b[1][0]) < min(a[1][1], b[1][1])


def _box_of(window: DenseArrayBase) -> Box:
    r0, r1, c0, c1 = _ints(window)
    return (r0, r1), (c0, c1)


def _root(value: SSAValue) -> SSAValue:
    """The buffer a view is of (through subviews, casts and collapses)."""
    while isinstance(value.owner, Operation) and value.owner.name in (
        "memref.subview", "memref.reinterpret_cast", "memref.collapse_shape", "memref.cast",
    ):
        value = value.owner.operands[0]
    return value


@irdl_op_definition
class BandLoopOp(IRDLOperation):
    """Bands `bands[0]` .. `bands[1] - 1` of the enclosing stage as one loop: the body's
    index (0 .. count - 1) moves the band's rows; lowered to `scf.for`. Written
    `patch.band_loop %band in bands 1 to 7 {...}`."""

    name = "patch.band_loop"

    bands = prop_def(DenseArrayBase[I64])
    body = region_def("single_block")

    traits = traits_def(NoTerminator(), RecursiveMemoryEffect())

    def __init__(self, first: int, end: int, body: Region | None = None):
        super().__init__(
            properties={"bands": _array([first, end])}, regions=[body or Region(Block(arg_types=[IndexType()]))],
        )

    def print(self, printer: Printer) -> None:
        """`patch.band_loop %band in bands 1 to 7 {...}` (bands [1, 7), %band from 0)."""
        values, args = _ints(self.bands), self.body.block.args
        if len(values) != 2 or len(args) != 1:  # invalid: shown as it is, for the diagnostic
            printer.print_string(f" in bands {values} ")
            printer.print_region(self.body)
            return
        printer.print_string(" ")
        printer.print_ssa_value(args[0])
        printer.print_string(f" in bands {values[0]} to {values[1]} ")
        printer.print_region(self.body, print_entry_block_args=False, print_empty_block=False)
        printer.print_op_attributes(self.attributes, print_keyword=True)

    @classmethod
    def parse(cls, parser: Parser) -> BandLoopOp:
        band = parser.parse_argument(expect_type=False)
        parser.parse_keyword("in")
        parser.parse_keyword("bands")
        first = parser.parse_integer()
        parser.parse_keyword("to")
        end = parser.parse_integer()
        loop = cls(first, end, parser.parse_region((band.resolve(IndexType()),)))
        extra = parser.parse_optional_attr_dict_with_keyword()
        if extra is not None:
            loop.attributes |= extra.data
        return loop

    @property
    def band_range(self) -> tuple[int, int]:
        first, end = _ints(self.bands)
        return first, end

    def verify_(self) -> None:
        values = _ints(self.bands)
        if len(values) != 2 or not 0 <= values[0] < values[1]:
            raise VerifyException(f"patch.band_loop: bands must be [first, end) with 0 <= first < end, got {values}")
        args = self.body.block.args
        if len(args) != 1 or not isinstance(args[0].type, IndexType):
            raise VerifyException("patch.band_loop: the body takes the band index (one index argument)")
        stage = self.parent_op()
        if not isinstance(stage, StageOp):
            raise VerifyException("patch.band_loop: must be directly inside a patch.stage")
        if values[1] > len(stage.bands.data):
            raise VerifyException(f"patch.band_loop: bands {values} beyond the stage's {len(stage.bands.data)} bands")


@irdl_op_definition
class GuardOp(IRDLOperation):
    """The body runs only in bands `bands[0]` .. `bands[1] - 1` of the enclosing band loop
    (whose index, `band`, counts from the loop's first band): one layer's step where its
    rows take that shape (the folded stream form's borders). Lowered to `scf.if`. Written
    `patch.guard %band in bands 2 to 30 {...}`."""

    name = "patch.guard"

    band = operand_def(IndexType)
    bands = prop_def(DenseArrayBase[I64])
    body = region_def("single_block")

    traits = traits_def(NoTerminator(), RecursiveMemoryEffect())

    def __init__(self, band: SSAValue, first: int, end: int, body: Region | None = None):
        super().__init__(operands=[band], properties={"bands": _array([first, end])}, regions=[body or Region(Block())])

    @property
    def band_range(self) -> tuple[int, int]:
        first, end = _ints(self.bands)
        return first, end

    def print(self, printer: Printer) -> None:
        values = _ints(self.bands)
        printer.print_string(" ")
        printer.print_ssa_value(self.band)
        printer.print_string(f" in bands {' to '.join(map(str, values))} ")
        printer.print_region(self.body, print_entry_block_args=False, print_empty_block=False)
        printer.print_op_attributes(self.attributes, print_keyword=True)

    @classmethod
    def parse(cls, parser: Parser) -> GuardOp:
        band = parser.parse_operand()
        parser.parse_keyword("in")
        parser.parse_keyword("bands")
        first = parser.parse_integer()
        parser.parse_keyword("to")
        end = parser.parse_integer()
        region = parser.parse_region()
        if not region.blocks:  # `{}`: an empty body
            region.add_block(Block())
        guard = cls(band, first, end, region)
        extra = parser.parse_optional_attr_dict_with_keyword()
        if extra is not None:
            guard.attributes |= extra.data
        return guard

    def verify_(self) -> None:
        values = _ints(self.bands)
        loop = self.parent_op()
        if not isinstance(loop, BandLoopOp):
            raise VerifyException("patch.guard: must be directly inside a patch.band_loop")
        if self.band is not loop.body.block.args[0]:
            raise VerifyException("patch.guard: its band must be the enclosing band loop's index")
        first, end = loop.band_range
        if len(values) != 2 or not first <= values[0] < values[1] <= end:
            raise VerifyException(f"patch.guard: bands must be [first, end) within the loop's [{first}, {end}), got {values}")


@irdl_op_definition
class FillOp(IRDLOperation):
    """Every element of `target` (rows of a line buffer) set to `value`: a map's zero point
    in the rows outside it that its readers take as padding. Written
    `patch.fill %rows with -128 : memref<...>`."""

    name = "patch.fill"

    target = operand_def(MemRefType)
    value = prop_def(IntegerAttr[I64])

    def __init__(self, target: SSAValue, value: int):
        super().__init__(operands=[target], properties={"value": IntegerAttr(value, i64)})

    def print(self, printer: Printer) -> None:
        printer.print_string(" ")
        printer.print_ssa_value(self.target)
        printer.print_string(f" with {self.value.value.data}")
        printer.print_op_attributes(self.attributes)
        printer.print_string(" : ")
        printer.print_attribute(self.target.type)

    @classmethod
    def parse(cls, parser: Parser) -> FillOp:
        target = parser.parse_unresolved_operand()
        parser.parse_keyword("with")
        value = parser.parse_integer()
        attrs = parser.parse_optional_attr_dict()
        parser.parse_punctuation(":")
        fill = cls(parser.resolve_operand(target, parser.parse_type()), value)
        fill.attributes |= attrs
        return fill

    def verify_(self) -> None:
        t = self.target.type
        if not isinstance(t, MemRefType) or t.element_type != i8:
            raise VerifyException("patch.fill: fills an i8 buffer")
        if not -128 <= self.value.value.data <= 127:
            raise VerifyException(f"patch.fill: {self.value.value.data} is not an i8 value")


@irdl_op_definition
class StageOp(IRDLOperation):
    """One patched stage (see the module docstring)."""

    name = "patch.stage"

    output = operand_def(MemRefType)
    form = prop_def(StringAttr)
    grid = prop_def(DenseArrayBase[I64])
    layers = prop_def(ArrayAttr[LayerAttr])
    bands = prop_def(ArrayAttr[ArrayAttr[TileAttr]])
    body = region_def("single_block")

    traits = traits_def(NoTerminator(), RecursiveMemoryEffect())
    assembly_format = (
        "$form `grid` $grid `writes` $output `:` type($output) `layers` $layers `bands` $bands attr-dict-with-keyword $body"
    )

    def __init__(
        self, output: SSAValue, form: str, grid: Sequence[int], layers: Sequence[LayerAttr],
        bands: Sequence[Sequence[TileAttr]],
    ):
        super().__init__(
            operands=[output],
            properties={
                "form": StringAttr(form), "grid": _array(grid), "layers": ArrayAttr(layers),
                "bands": ArrayAttr([ArrayAttr(band) for band in bands]),
            },
            regions=[Region(Block())],
        )

    @property
    def grid_shape(self) -> tuple[int, int]:
        rows, cols = _ints(self.grid)
        return rows, cols

    def describe(self) -> str:
        """One line: its layers, form and grid."""
        names = [layer.layer_name.data for layer in self.layers.data]
        rows, cols = self.grid_shape
        return f"{names[0]}..{names[-1]} ({len(names)} layers), {self.form.data}, grid {rows}x{cols}"

    def verify_(self) -> None:
        form, grid = self.form.data, _ints(self.grid)
        if form not in FORMS:
            raise VerifyException(f"patch.stage: form must be one of {', '.join(FORMS)}, got '{form}'")
        if len(grid) != 2 or min(grid) < 1:
            raise VerifyException(f"patch.stage: grid must be [row bands, column bands] >= 1, got {grid}")
        layers: list[LayerAttr] = list(self.layers.data)
        if not layers:
            raise VerifyException("patch.stage: the table names no layer")
        bands: list[list[TileAttr]] = [list(b.data) for b in self.bands.data]
        if len(bands) != grid[0] * grid[1]:
            raise VerifyException(f"patch.stage: a grid of {grid[0]}x{grid[1]} needs {grid[0] * grid[1]} bands, the table has {len(bands)}")
        for b, band in enumerate(bands):
            if len(band) != len(layers):
                raise VerifyException(f"patch.stage: band {b} has {len(band)} tiles for {len(layers)} layers")
        # the layers: kernel ops (the kernel level), or the loops they were lowered to (tagged
        # with the layer's description, whose windows no interface answers any more)
        ops: dict[str, qk.KernelOp | None] = {}
        for op in self.body.walk():
            if isinstance(op, qk.KernelOp):
                ops[op.layer_name.data] = op
            elif isinstance(doc := op.attributes.get(LAYER_DOC_ATTR), StringAttr):
                ops.setdefault(doc.data.split(":")[0], None)
        for j, layer in enumerate(layers):
            name = layer.layer_name.data
            if name not in ops:
                raise VerifyException(f"patch.stage: layer '{name}' of the table is not in the stage")
            last = j == len(layers) - 1
            self._verify_layer(layer, ops[name], [band[j] for band in bands], form == "stream" or last, last)
        self._verify_band_ops(layers, bands)
        out_shape = self.output.type.get_shape()  # type: ignore[union-attr]
        if list(out_shape[1:3]) != _ints(layers[-1].output_map):
            raise VerifyException(
                f"patch.stage: the stitched output is {list(out_shape[1:3])} rows x cols, the last layer's map {_ints(layers[-1].output_map)}"
            )

    @staticmethod
    def _verify_layer(layer: LayerAttr, op: qk.KernelOp | None, tiles: list[TileAttr], disjoint: bool, last: bool) -> None:
        name = layer.layer_name.data
        rows, cols = _ints(layer.output_map)
        boxes = [t.box for t in tiles if not t.empty]
        covers, once = _covered(boxes, rows, cols)
        # an intermediate map need not be computed whole (a stride may skip rows nothing
        # reads); what its readers read of it is checked against what it computed
        if last and not covers:
            raise VerifyException(f"patch.stage: the tiles of layer '{name}' do not cover its {rows}x{cols} map")
        if any(r0 < 0 or c0 < 0 or r1 > rows or c1 > cols for (r0, r1), (c0, c1) in boxes):
            raise VerifyException(f"patch.stage: a tile of layer '{name}' reaches outside its {rows}x{cols} map")
        overlap = not once if last else any(  # an intermediate one's tiles need only be disjoint
            _overlap(a, b) for k, a in enumerate(boxes) for b in boxes[k + 1:]
        )
        if disjoint and overlap:
            what = "the stitched output" if last else "its map"
            raise VerifyException(f"patch.stage: the tiles of layer '{name}' overlap or reach outside {what} ({rows}x{cols}): each element must be computed once")
        if op is None:
            return  # lowered to loops
        if len(layer.input_maps.data) != len(op.input_types.data):
            raise VerifyException(f"patch.stage: layer '{name}' reads {len(op.input_types.data)} maps, the table {len(layer.input_maps.data)}")
        with _map_level(op, layer) as probe:
            for b, tile in enumerate(tiles):
                if tile.empty:
                    if tile.windows.data:
                        raise VerifyException(f"patch.stage: band {b} of layer '{name}' computes nothing but reads windows")
                    continue
                windows, pads = window_and_pads(probe, tile.box)
                recorded = [((w[0], w[1]), (w[2], w[3])) for w in map(_ints, tile.windows.data)]
                if recorded != [tuple(map(tuple, w)) for w in windows]:
                    raise VerifyException(
                        f"patch.stage: band {b} of layer '{name}': tile {_box_text(_ints(tile.output))} reads "
                        f"[{', '.join(_box_text([*w[0], *w[1]]) for w in windows)}], the table says "
                        f"[{', '.join(_box_text(_ints(w)) for w in tile.windows.data)}]"
                    )
                if _ints(tile.pads) != pads:
                    raise VerifyException(f"patch.stage: band {b} of layer '{name}': pads {_ints(tile.pads)}, the clipped-off part is {pads}")


    def _verify_band_ops(self, layers: list[LayerAttr], bands: list[list[TileAttr]]) -> None:
        """The kernel ops run the table's bands in order: the stage's ops (one band each) and
        band loops (their bands, all of one shape), each op of the shape of its band's tile
        and windows, and every band's tile of every layer computed by one op."""
        index = {layer.layer_name.data: j for j, layer in enumerate(layers)}
        done = [0] * len(layers)  # per layer, the bands before this one are computed

        def run(op: qk.KernelOp, first: int, end: int | None) -> None:
            j = index.get(op.layer_name.data)
            if j is None:
                raise VerifyException(f"patch.stage: layer '{op.layer_name.data}' runs in the stage but is not in its table")
            if end is None:  # an unrolled band: the next one this layer computes
                first = next((b for b in range(done[j], len(bands)) if not bands[b][j].empty), len(bands))
                end = first + 1
            skipped = [b for b in range(done[j], min(first, len(bands))) if not bands[b][j].empty]
            if first < done[j] or end > len(bands) or skipped:
                band = skipped[0] if skipped else first
                raise VerifyException(f"patch.stage: the ops of layer '{op.layer_name.data}' do not run its bands in order (band {band})")
            shapes = [t.get_shape()[1:3] for t in (op.output_type, *op.input_types.data)]
            for b in range(first, end):
                tile = bands[b][j]
                sizes = [(hi - lo, right - left) for (lo, hi), (left, right) in (tile.box, *(
                    ((w[0], w[1]), (w[2], w[3])) for w in map(_ints, tile.windows.data)
                ))]
                if not tile.empty and shapes[0][0] > sizes[0][0] and self.form.data == "stream":
                    # rows computed past the map's edge into a line buffer's pad rows, reset
                    # to the zero point right after (the folded form's border bands)
                    over = shapes[0][0] - sizes[0][0]
                    self._verify_over_rows(op, layers[j], tile, b, over)
                    stride = _ints(op.strides)[0] if isinstance(op, qk.Conv2DOp) else 1
                    sizes = [(shapes[0][0], sizes[0][1]), *((r + over * stride, c) for r, c in sizes[1:])]
                if not tile.empty and isinstance(op, qk.Conv2DOp):
                    # rows read past the window's clipped edge in place of pads (the folded
                    # stream form's line buffers hold their pad rows, at the zero point)
                    sizes[1] = (sizes[1][0] + self._pad_rows_read(op, tile, b, filled), sizes[1][1])
                # an input may hold more than the window: a full-width band keeps its row's
                # trailing columns that a stride skips
                if tuple(shapes[0]) != sizes[0] or any(
                    given[0] != need[0] or given[1] < need[1] for given, need in zip(shapes[1:], sizes[1:], strict=True)
                ):
                    raise VerifyException(
                        f"patch.stage: band {b} of layer '{op.layer_name.data}': the op computes "
                        f"{'x'.join(map(str, shapes[0]))} rows x cols from "
                        f"{', '.join('x'.join(map(str, s)) for s in shapes[1:])}, the table's tile and windows are "
                        f"{'x'.join(map(str, sizes[0]))} from {', '.join('x'.join(map(str, s)) for s in sizes[1:])}"
                    )
            done[j] = end

        self._program_order = list(self.body.walk())
        # line buffers filled with a zero point: their rows outside the map read as pads
        filled: dict[SSAValue, set[int]] = {}
        for op in self.body.walk():
            if isinstance(op, FillOp):
                filled.setdefault(_root(op.target), set()).add(op.value.value.data)
        for op in self.body.block.ops:
            if isinstance(op, qk.KernelOp):
                run(op, 0, None)
            elif isinstance(op, BandLoopOp):
                for inner in op.body.walk():
                    if isinstance(inner, qk.KernelOp):
                        guard = inner.parent_op()
                        run(inner, *(guard.band_range if isinstance(guard, GuardOp) else op.band_range))
        if not any(isinstance(op, qk.KernelOp) for op in self.body.walk()):
            return  # lowered to loops
        for j, layer in enumerate(layers):
            missing = [b for b in range(done[j], len(bands)) if not bands[b][j].empty]
            if missing:
                raise VerifyException(f"patch.stage: band {missing[0]} of layer '{layer.layer_name.data}' is computed by no op")
        self._verify_reads(index, bands)

    def _verify_over_rows(self, op: qk.KernelOp, layer: LayerAttr, tile: TileAttr, b: int, over: int) -> None:
        """`op` computes `over` rows more than its tile: allowed where the tile reaches its
        map's top or bottom edge (so the extra rows are outside the map), the op writes a
        line buffer of the stage and, before any kernel op touches that buffer again, a fill
        running in the band sets rows of it to the layer's zero point."""
        name = op.layer_name.data
        (r0, r1), _ = tile.box
        rows = _ints(layer.output_map)[0]
        root = _root(op.outs)
        zero = (op.output_type.zero_point + 128) % 256 - 128
        reset = False
        for later in self._program_order[self._program_order.index(op) + 1:]:
            if isinstance(later, qk.KernelOp) and any(_root(v) is root for v in later.operands):
                break  # read or written again before any reset
            if isinstance(later, FillOp) and _root(later.target) is root and later.value.value.data == zero:
                scope = later.parent_op()
                first, end = scope.band_range if isinstance(scope, GuardOp | BandLoopOp) else (b, b + 1)
                if first <= b < end:
                    reset = True
                    break
        if (
            (r0 != 0 and r1 != rows) or not (isinstance(root.owner, Operation) and root.owner.parent_op() is self)
            or not reset
        ):
            raise VerifyException(
                f"patch.stage: band {b} of layer '{name}' computes {over} rows beyond its tile, which only a border "
                f"band writing a line buffer of the stage may, resetting them to the zero point {zero} right after"
            )

    def _pad_rows_read(self, op: qk.Conv2DOp, tile: TileAttr, b: int, filled: dict[SSAValue, set[int]]) -> int:
        """The rows `op` reads beyond its tile's clipped window in place of pads: the table's
        top and bottom pads less the op's, only from a line buffer of the stage filled with
        the input's zero point (so the sums are the padded ones)."""
        (pt, _, pb, _), (ot, _, ob, _) = _ints(tile.pads), _ints(op.pads)
        extra = (pt - ot) + (pb - ob)
        name = op.layer_name.data
        if ot > pt or ob > pb:
            raise VerifyException(f"patch.stage: band {b} of layer '{name}': top and bottom pads {[ot, ob]}, more than the table's {[pt, pb]}")
        if extra:
            root = _root(op.data_inputs[0])
            zero = (op.input_types.data[0].zero_point + 128) % 256 - 128  # as stored in i8
            if not (isinstance(root.owner, Operation) and root.owner.parent_op() is self and zero in filled.get(root, ())):
                raise VerifyException(
                    f"patch.stage: band {b} of layer '{name}' reads {extra} rows outside its input's map in place of pads, "
                    f"but its input is not a line buffer of the stage filled with the zero point {zero}"
                )
        return extra

    def _verify_reads(self, index: dict[str, int], bands: list[list[TileAttr]]) -> None:
        """Every window a layer reads of another layer of the stage lies within what that
        layer computed: in the same band (recompute), or in this band and earlier ones
        (stream: kept rows). Producers are found through the kernel ops' buffers."""
        last = len(bands[0]) - 1  # writes the stitched output, which may be a view of the input
        # a buffer's writer so far, in program order: kernel-in-place lets an op write over
        # an input that dies there, so a buffer may hold several layers in turn
        writer: dict[SSAValue, int] = {}
        readers: dict[int, list[int | None]] = {}
        for op in self.body.walk():
            if not isinstance(op, qk.KernelOp):
                continue
            j = index[op.layer_name.data]
            readers.setdefault(j, [writer.get(_root(v)) for v in op.data_inputs])
            if j != last:
                writer[_root(op.outs)] = j
        stream = self.form.data == "stream"
        for j, producers in readers.items():
            for b, band in enumerate(bands):
                tile = band[j]
                for i, window in zip(producers, tile.windows.data, strict=False):
                    if i is None:
                        continue
                    (r0, r1), (c0, c1) = _box_of(window)
                    if r1 <= r0 or c1 <= c0:
                        continue
                    made = [bands[e][i].box for e in (range(b + 1) if stream else (b,)) if not bands[e][i].empty]
                    if not _covered_part(made, (r0, r1), (c0, c1)):
                        name = self.layers.data[j].layer_name.data
                        raise VerifyException(
                            f"patch.stage: band {b} of layer '{name}' reads {_box_text([r0, r1, c0, c1])} of layer "
                            f"'{self.layers.data[i].layer_name.data}', which "
                            f"{'this and earlier bands' if stream else 'the band'} did not compute"
                        )


class _map_level:
    """A copy of a band's kernel op with the layer's map-level shapes and pads (to ask its
    `input_window`), erased on exit."""

    def __init__(self, op: qk.KernelOp, layer: LayerAttr):
        self.op, self.layer = op, layer

    def __enter__(self) -> qk.KernelOp:
        probe = self.op.clone()
        probe.properties["input_types"] = ArrayAttr([
            t.with_shape([t.get_shape()[0], *_ints(m), *t.get_shape()[3:]])
            for t, m in zip(self.op.input_types.data, self.layer.input_maps.data, strict=True)
        ])
        t = self.op.output_type
        probe.properties["output_type"] = t.with_shape([t.get_shape()[0], *_ints(self.layer.output_map), *t.get_shape()[3:]])
        if isinstance(probe, qk.Conv2DOp):
            if len(_ints(self.layer.pads)) != 4:
                raise VerifyException(f"patch.stage: layer '{self.layer.layer_name.data}' is a convolution: its pads are [top, left, bottom, right]")
            probe.properties["pads"] = self.layer.pads
        self.probe = probe
        return probe

    def __exit__(self, *exc) -> None:
        self.probe.erase()


def schedule_ops(ops: Iterator[Operation] | Sequence[Operation]) -> Iterator[Operation]:
    """`ops` (a block's) with each patch.stage replaced by the ops of its body: the order
    the stage's ops run in among the block's."""
    for op in ops:
        if isinstance(op, StageOp):
            yield from op.body.block.ops
        else:
            yield op


def scheduling_block(block: Block | None) -> Block | None:
    """The block whose schedule `block`'s ops are part of: a patch.stage's body runs in
    its place in the stage's block."""
    while block is not None and isinstance(block.parent_op(), StageOp):
        block = block.parent_op().parent_block()  # type: ignore[union-attr]
    return block


PATCH = Dialect("patch", [StageOp, BandLoopOp, GuardOp, FillOp], [LayerAttr, TileAttr])
