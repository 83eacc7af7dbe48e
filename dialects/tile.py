"""The `tile` dialect: the memory-level tiling tile-for-memory chose for a layer.

`#tile.plan<"weights", array<i64: 8, 8, 16, 32>, 12345, 16000, 16384>` on a qk op (its
`tile.plan` attribute) says: keep the named operand resident in the fast level ("output",
"weights" or "input"; "untiled" when every operand fits at once), iterate over tiles of the
given sizes (conv: output rows, output columns, output channels, input channels; dense:
batch rows, units, reduction; add: elements), move `bytes` between the slow and the fast
level, and use `footprint` bytes of the fast level, whose `capacity` is the last field. The
verifier checks that the tile fits its level.

`#tile.register<"gemm", 2 : i64, 2 : i64, "output", "int8", 1 : i64, 14 : i64, 855000 : i64, 1040000 : i64>`
(the `tile.register` attribute) is the register level's choice for a Cortex-M4 SMLAD
kernel: the kernel (gemm, dense, taps, padded, depthwise), its register tile of m output
pixels x n channels, the operand kept in registers ("output": the accumulators over K;
"weights": a depthwise channel's lanes over its outputs), the weights' format (int8
widened in the loop, int16 widened at compile time), the K unroll, the registers it
needs, and the predicted instructions and cycles of the layer
(passes/kernel_to_loops/register_tile.py). The verifier checks that a K-loop tile (all
but depthwise) needs at most 14 registers plus the 2 whose reloads the cost model counts.

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
REGISTER_KEY = "tile.register"
KERNELS = ("gemm", "dense", "taps", "padded", "depthwise")
WEIGHT_FORMATS = ("int8", "int16")
REGISTERS = 14
"""Allocatable integer registers of a Cortex-M4 (r0-r12, lr)."""
SPILLED_REGISTERS = 2
"""Registers a K-loop tile may need beyond REGISTERS (the cost model counts their reloads)."""


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


@irdl_attr_definition
class RegisterAttr(ParametrizedAttribute):
    name = "tile.register"

    kernel: StringAttr
    pixels: IntegerAttr[I64]
    channels: IntegerAttr[I64]
    stationary: StringAttr
    weights: StringAttr
    unroll: IntegerAttr[I64]
    registers: IntegerAttr[I64]
    instructions: IntegerAttr[I64]
    cycles: IntegerAttr[I64]

    @staticmethod
    def make(kernel: str, pixels: int, channels: int, stationary: str, weights: str, unroll: int,
             registers: int, instructions: int, cycles: int) -> RegisterAttr:
        ints = [IntegerAttr(v, i64) for v in (pixels, channels)]
        rest = [IntegerAttr(v, i64) for v in (unroll, registers, instructions, cycles)]
        return RegisterAttr(StringAttr(kernel), *ints, StringAttr(stationary), StringAttr(weights), *rest)

    def verify(self) -> None:
        if self.kernel.data not in KERNELS:
            raise VerifyException(f"tile.register: kernel must be one of {', '.join(KERNELS)}, got '{self.kernel.data}'")
        if self.stationary.data not in ("output", "weights"):
            raise VerifyException(f"tile.register: stationary operand must be output or weights, got '{self.stationary.data}'")
        if self.weights.data not in WEIGHT_FORMATS:
            raise VerifyException(f"tile.register: weights must be int8 or int16, got '{self.weights.data}'")
        sizes = [a.value.data for a in (self.pixels, self.channels, self.unroll)]
        if any(v <= 0 for v in sizes):
            raise VerifyException(f"tile.register: pixels, channels and unroll must be positive, got {sizes}")
        if self.kernel.data != "depthwise" and self.registers.value.data > REGISTERS + SPILLED_REGISTERS:
            raise VerifyException(f"tile.register: the tile needs {self.registers.value.data} registers, more than "
                                  f"the {REGISTERS} a Cortex-M4 has and {SPILLED_REGISTERS} reloaded")
        if self.instructions.value.data < 0 or self.cycles.value.data < 0:
            raise VerifyException("tile.register: predicted costs must not be negative")


TILE = Dialect("tile", [], [PlanAttr, RegisterAttr])
