"""The `tile` dialect: the memory-level tiling tile-for-memory chose for a layer.

`#tile.plan<"weights", array<i64: 8, 8, 16, 32>, 12345, 16000, 16384>` on a qk op (its
`tile.plan` attribute) says: keep the named operand resident in the fast level ("output",
"weights" or "input"; "untiled" when every operand fits at once), iterate over tiles of the
given sizes (conv: output rows, output columns, output channels, input channels; dense:
batch rows, units, reduction; add: elements), move `bytes` between the slow and the fast
level, and use `footprint` bytes of the fast level, whose `capacity` is the last field. The
verifier checks that the tile fits its level.

tile-apply (passes/tile_apply.py) executes a plan: the op becomes its tiles (unrolled, one
qk op per tile on fast buffers) with a `memref.copy` per block moved, each marked
`tile.transfer = "<layer>"`, so that an instrumented run counts the plan's bytes. Not yet
here: transfer ops of this dialect (DMA start/wait for targets with a DMA engine) and
rolled scf loop nests.
"""

from __future__ import annotations

from xdsl.dialects.builtin import I64, DenseArrayBase, IntegerAttr, StringAttr, i64
from xdsl.ir import Dialect, ParametrizedAttribute
from xdsl.irdl import irdl_attr_definition
from xdsl.utils.exceptions import VerifyException

STATIONARY = ("untiled", "output", "weights", "input")
PLAN_KEY = "tile.plan"


@irdl_attr_definition
class PlanAttr(ParametrizedAttribute):
    name = "tile.plan"

    stationary: StringAttr
    tile: DenseArrayBase[I64]
    bytes_moved: IntegerAttr[I64]
    footprint: IntegerAttr[I64]
    capacity: IntegerAttr[I64]

    @staticmethod
    def make(stationary: str, tile, bytes_moved: int, footprint: int, capacity: int) -> PlanAttr:
        return PlanAttr(
            StringAttr(stationary),
            DenseArrayBase.from_list(i64, list(tile)),
            IntegerAttr(bytes_moved, i64),
            IntegerAttr(footprint, i64),
            IntegerAttr(capacity, i64),
        )

    @property
    def tile_sizes(self) -> list[int]:
        return [int(v) for v in self.tile.get_values()]

    def verify(self) -> None:
        if self.stationary.data not in STATIONARY:
            raise VerifyException(f"tile.plan: stationary operand must be one of {', '.join(STATIONARY)}, "
                                  f"got '{self.stationary.data}'")
        if any(size <= 0 for size in self.tile_sizes):
            raise VerifyException(f"tile.plan: tile sizes must be positive, got {self.tile_sizes}")
        footprint, capacity = self.footprint.value.data, self.capacity.value.data
        if footprint > capacity:
            raise VerifyException(f"tile.plan: the tile needs {footprint} bytes, more than the fast level's {capacity}")
        if self.bytes_moved.value.data < 0:
            raise VerifyException("tile.plan: bytes moved must not be negative")


TILE = Dialect("tile", [], [PlanAttr])
