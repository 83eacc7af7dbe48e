"""The register level of tile-for-memory: the Cortex-M4 micro-kernel's register tile.

For one layer seen as a kernel (`Kernel`: which of the Cortex-M4 lowerings runs it and the
shape it runs on), `choose` enumerates the register tiles that lowering can generate,
m output pixels x n output channels, with each operand format it can read (weights int8
widened in the loop with SXTB16, or int16 widened at compile time where the target allows
it) and K unroll u, keeps those that fit the registers, and returns the one of fewest
predicted cycles (ties: fewer instructions, then the smaller tile). The lowerings take
their tile from this choice (cortex_m4_conv.register_choice, cortex_m4_dense's), and
tile-for-memory's `print-tiling=true` shows it with its predicted cost.

Cost model (C1-C3 of /work/shared/docs/kernels-cortex-m4.md, calibrated on the four MLPerf
models' per-layer QEMU counts, tinymlir-bench's "Where the time goes"). One K step is a
quad (4 reduction elements, 2 k-pairs): every activation word (4 int8 of one pixel) is
loaded once per tile and widened with 2 SXTB16, each int8 weight word (4 of one channel)
is widened with 2 SXTB16 per tile, so per quad of an m x n tile

    instructions  I_q = 2mn (SMLAD) + m (LDR) + 2m (SXTB16) + L_w + W_w + O/u
                  L_w = ceil(n/2) LDRD (int8: GCC pairs the n adjacent words) or n LDRD (int16);
                        dense int8 with 4 | n: n/4 LDM of 4 words (mcuc.load_words)
                  W_w = 2n (int8) or 0 (int16)
    cycles        C_q = 2mn + 2m + 2m + c_w·L_w + W_w + (O + 1)/u    (LDR 2, LDRD c_w = 3,
                        LDM of 4 c_w = 5, branch 2)
    registers     R = mn (accumulators) + 2m (the widened activations, kept over the n
                  channels) + n (the weight words of the n channels, which GCC loads
                  ahead in LDRD pairs and widens in place; int16: the first word of each
                  channel's pair) + 1 (the other widened half) + 3 (two pointers, the
                  end) + (u - 1)·(m + n) (the next quad's words in flight) + 1 if the
                  activations are widened with an offset (SXTAB16: a padded input's zero
                  point)  <=  14; with the offset up to SOFT_REGISTERS = 16, each
                  register over 14 costing QUAD_SPILL = 2 instructions a quad (a reload)
                  (matches the objdump of GCC 12 -O2: 2 x 2 and 1 x 4 use all 14 with no
                  spill in the K loop; 1 x 5 and 1 x 6 spill; the padded taps kernel's
                  1 x 4 with its offset is 26 a quad, not 24)

O = LOOP_STEP = 3 (pointer step, compare, branch; none where the K loop has one trip).
Per output tile: T = n + TILE_SETUP (bias loads, pointers, the tile loop's step) and E
per output (the short requantiser, cortex_m4_requant: REQUANT per-tensor,
REQUANT_PER_CHANNEL with per-channel tables). So a layer of P output pixels, N channels
and Q quads per output costs

    gemm (1x1 conv), dense:  I = N/n · [ floor(P/m)·(Q·I_q(m, n) + T + mn·E) + tail ]
                             (tail: the last P mod m pixels as one (P mod m) x n tile)
    taps (k x k conv over the input's flat rows): the valid taps only, m = 1 or 2;
                             with m = 2 the interior column pairs (both kernel rows
                             inside the image horizontally: whole rows of kw·Cin/4 quads
                             at constant offsets) are 2 x n tiles and the rest 1 x n,
                             I = N/n · [ Q_pair·I_q(2, n) + rows_pair·PADDED_ROW_STEP
                                         + pairs·(T + 2n·E) + Q_1·I_q(1, n)
                                         + rows_1·ROW_STEP + P_1·(T + n·E) ]
                             (Q: quads of the windows inside the image summed over the
                             pixels; rows: kernel rows inside; ROW_STEP a row's start and
                             bounds; _1: what the pairs leave, all of it with m = 1)
    padded (Cin % 4 != 0, over a zero-point-padded copy): the same with every pixel's
                             window inside the copy, Q = kh·kw·Cin'/4, pairs of columns,
                             rows at PADDED_ROW_STEP, + COPY per input element and FILL
                             per copy byte
    depthwise (weights of a channel stationary, m vertical outputs share the plane rows
                             they read, 1 channel): per output step (m outputs)
                             (sh·(m-1) + kh)·(LDR + 2 SXTB16) + 2·kh·m SMLAD
                             + m·(E + 1) + DW_STEP, with R = 2·kh (lanes) + m + 3 (stage)
                             + 3 + 2 over 14 costing SPILL reloads per register a step;
                             + per channel DW_CHANNEL + the plane copy (2 per element).

Measured against QEMU per layer (tinymlir-bench's table; layer by layer, 2026-12-04):
taps 0.99-1.02 of the count, gemm 0.87-0.995, depthwise 0.90-1.05, dense 0.92-1.00
(0.77-0.88 on the last few-unit layers), padded 0.85-1.03.

The chosen tile's I is the bench's predicted instructions per layer
(tinymlir.bench.profile.layer_predictions), shown beside QEMU's count.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from tinymlir.dialects import mcuc

REGISTERS = 14
"""Allocatable integer registers of the Cortex-M4 (r0-r12, lr)."""

LOOP_STEP = 3
"""Instructions of a rolled K loop's step: pointer add, compare, branch."""

TILE_SETUP = 10
"""Instructions per output tile besides its bias loads: pointers, the tile loop's step."""

ROW_STEP = 14
"""Instructions per kernel row of the taps kernel: the row's start and (padded) its bounds."""

PADDED_ROW_STEP = 5
"""Instructions per kernel row over a padded copy: the row's start (no bounds)."""

REQUANT = 7
"""Instructions per output of the short requantiser with per-tensor constants (SMMULR
with its doubling, the rounding add, the addend, SSAT with its shift, the store)."""

REQUANT_PER_CHANNEL = 11
"""The same with per-channel multiplier, addend and exponent tables (3 loads, register shift)."""

COPY = 3
"""Instructions per input element copied into a padded buffer (a load and two stores)."""

FILL = 1
"""Instructions per byte of a padded buffer's zero-point fill (once per inference)."""

DW_STEP = 8
"""Instructions per depthwise output step besides its taps and stages: the plane address
and the loops."""

DW_CHANNEL = 30
"""Instructions per depthwise channel: its lanes from the weights, bias and stage constants."""

SPILL = 2
"""Instructions per depthwise step for each register over REGISTERS (a reload and its use)."""

QUAD_SPILL = 2
"""Instructions per K quad for each register over REGISTERS (measured: the padded taps
kernel's 1 x 4 with its SXTAB16 offset register, 26 a quad instead of 24: GCC reloads the
end pointer and splits an LDRD)."""

SOFT_REGISTERS = 16
"""Tiles needing more registers than this are not considered (GCC spills them badly);
between REGISTERS and this, each register over costs QUAD_SPILL a quad."""

UNROLLS = (1, 2)
"""K unroll factors considered."""

MAX_TILE = 10
"""m·n <= MAX_TILE: larger tiles cannot fit 14 registers with their accumulators."""


@dataclass(frozen=True)
class Kernel:
    """A layer as the register model sees it.

    kind: "gemm" (1x1 conv: m pixels x n channels), "dense" (1 x n), "taps" (k x k conv,
    1 x n), "padded" (k x k conv over a padded copy, 1 x n) or "depthwise" (m vertical
    outputs of one channel). pixels: output pixels per batch (P); channels: N; quads: K
    quads per output (gemm, dense, padded; depthwise: kernel rows kh), quads_valid / rows_valid:
    the taps kernel's quads and kernel rows inside the image summed over the pixels;
    batch: images; max_pixels: the largest m the lowering takes (gemm); columns: output
    columns (depthwise steps are ceil(pixels / m) x columns); static_k: the K loop's trip
    count is a constant (only then is it unrolled); offset: the activations are widened
    with an offset (SXTAB16: a padded input's zero point), one more register; pairs: the
    taps kernel's pixel pairs with their whole window row inside the image (2 x n tiles:
    per batch, with their quads and kernel rows summed over the pairs); per_channel: per-channel requantisation; int16_weights: the target
    allows weights widened at compile time; stride: depthwise vertical stride; copy /
    fill: elements copied into and bytes filled of a padded buffer or plane."""

    kind: str
    pixels: int
    channels: int
    quads: int
    batch: int = 1
    per_channel: bool = False
    int16_weights: bool = False
    quads_valid: int = 0
    rows_valid: int = 0
    stride: int = 1
    copy: int = 0
    fill: int = 0
    max_pixels: int | None = None
    columns: int = 1
    static_k: bool = True
    offset: bool = False
    pairs: int = 0
    pair_quads: int = 0
    pair_rows: int = 0


@dataclass(frozen=True)
class RegisterTile:
    """A register tile and its predicted cost for one layer."""

    kind: str
    pixels: int
    channels: int
    stationary: str
    weights: str
    unroll: int
    registers: int
    instructions: int
    cycles: int
    load_words: bool = False
    """The weight words of 4 channels are read in one LDM (mcuc.load_words)."""

    def describe(self) -> str:
        kept = {"output": "accumulators resident over K", "weights": "weights resident over the channel's outputs"}
        widened = "widened at compile time" if self.weights == "int16" else "widened in the loop (SXTB16)"
        return (f"register tile {self.pixels}x{self.channels} ({self.kind}: pixels x channels), "
                f"{kept[self.stationary]}, int8 activations / {self.weights} weights {widened}, "
                f"K unroll {self.unroll}, {self.registers} registers"
                f"{', weights by LDM of 4 words' if self.load_words else ''}; "
                f"predicted {self.instructions:,} instructions, {self.cycles:,} cycles")


LDM_WORDS = mcuc.LOAD_WORD_COUNTS[-1]
"""Words per LDM of mcuc.load_words."""


def loads_words(kind: str, n: int, weights: str) -> bool:
    """Whether the lowering reads the tile's weights by LDM of LDM_WORDS (dense int8 tiles
    of 4 | n: measured 23 instructions a 1 x 4 quad instead of 24, 26 where GCC had spilled)."""
    return kind == "dense" and weights == "int8" and n % LDM_WORDS == 0


def quad_cost(m: int, n: int, weights: str, unroll: int, registers: int = 0, looped: bool = True,
              ldm: bool = False) -> tuple[float, float]:
    """(instructions, cycles) of one quad of an m x n tile (the docstring's I_q, C_q), with
    QUAD_SPILL reloads a quad for each of `registers` over REGISTERS; `looped`: False where
    the K loop has one trip (no loop is emitted, no step); `ldm`: the weights by LDM
    (loads_words)."""
    int8 = weights == "int8"
    loads_w, cycles_w = (n // LDM_WORDS, 1 + LDM_WORDS) if ldm else (math.ceil(n / 2) if int8 else n, 3)
    widen_w = 2 * n if int8 else 0
    spills = max(0, registers - REGISTERS)
    step_i, step_c = (LOOP_STEP / unroll, (LOOP_STEP + 1) / unroll) if looped else (0, 0)
    instructions = 2 * m * n + m + 2 * m + loads_w + widen_w + step_i + QUAD_SPILL * spills
    cycles = 2 * m * n + 2 * m + 2 * m + cycles_w * loads_w + widen_w + step_c + 3 * QUAD_SPILL * spills
    return instructions, cycles


def gemm_registers(m: int, n: int, unroll: int, offset: bool = False) -> int:
    return m * n + 2 * m + n + 1 + 3 + (unroll - 1) * (m + n) + int(offset)


def depthwise_registers(m: int, rows: int) -> int:
    return 2 * rows + m + 3 + 3 + 2


def _tile_cost(k: Kernel, m: int, n: int, weights: str, unroll: int) -> tuple[float, float]:
    """(instructions, cycles) of the whole layer for one candidate."""
    e = REQUANT_PER_CHANNEL if k.per_channel else REQUANT
    setup = n + TILE_SETUP
    blocks = k.batch * k.channels // n
    if k.kind in ("gemm", "dense"):
        full, tail = divmod(k.pixels, m)
        ldm = loads_words(k.kind, n, weights)
        qi, qc = quad_cost(m, n, weights, unroll, ldm=ldm)
        instructions = full * (k.quads * qi + setup + m * n * e)
        cycles = full * (k.quads * qc + setup + m * n * e)
        if tail:
            ti, tc = quad_cost(tail, n, weights, unroll, ldm=ldm)
            instructions += k.quads * ti + setup + tail * n * e
            cycles += k.quads * tc + setup + tail * n * e
        return blocks * instructions, blocks * cycles
    if k.kind in ("taps", "padded"):
        # a padded kernel row of one quad (e.g. 1 x 4 taps of Cin 1) is no loop
        looped = k.kind == "taps" or k.quads * k.pixels > k.rows_valid
        qi, qc = quad_cost(1, n, weights, unroll, gemm_registers(1, n, unroll, k.offset), looped)
        quads, rows = (k.quads_valid, k.rows_valid) if k.kind == "taps" else (k.pixels * k.quads, k.rows_valid)
        pixels = k.pixels
        instructions = cycles = 0.0
        if m == 2:  # the interior pairs as 2 x n tiles, the rest single pixels
            pi, pc = quad_cost(2, n, weights, unroll, gemm_registers(2, n, unroll, k.offset), looped)
            per = k.pair_rows * PADDED_ROW_STEP + k.pairs * (setup + 2 * n * e)
            instructions, cycles = k.pair_quads * pi + per, k.pair_quads * pc + per
            quads, rows, pixels = quads - 2 * k.pair_quads, rows - 2 * k.pair_rows, pixels - 2 * k.pairs
        per = rows * (ROW_STEP if k.kind == "taps" else PADDED_ROW_STEP) + pixels * (setup + n * e)
        extra = k.batch * (COPY * k.copy + FILL * k.fill)
        instructions += quads * qi + per
        cycles += quads * qc + per
        return blocks * instructions + extra, blocks * cycles + extra
    if k.kind == "depthwise":
        rows = k.quads
        steps = math.ceil(k.pixels / m) * k.columns
        reads = k.stride * (m - 1) + rows
        spills = max(0, depthwise_registers(m, rows) - REGISTERS)
        step_i = reads * 3 + 2 * rows * m + m * (e + 1) + DW_STEP + SPILL * spills
        step_c = reads * 4 + 2 * rows * m + m * (e + 1) + DW_STEP + 1 + 2 * SPILL * spills
        channel = DW_CHANNEL + 2 * k.copy // max(k.channels, 1)
        per_i, per_c = steps * step_i + channel, steps * step_c + channel
        return blocks * per_i + k.batch * FILL * k.fill, blocks * per_c + k.batch * FILL * k.fill
    raise ValueError(f"register tile: unknown kernel kind '{k.kind}'")


def candidates(k: Kernel) -> list[RegisterTile]:
    """Every tile the kernel's lowering can generate that fits the registers."""
    result = []
    if k.kind == "depthwise":
        for m in (1, 2):
            if m > max(k.pixels, 1):
                continue
            i, c = _tile_cost(k, m, 1, "int8", 1)
            result.append(RegisterTile(k.kind, m, 1, "weights", "int8", 1, depthwise_registers(m, k.quads),
                                       round(i), round(c)))
        return result
    formats = ("int8", "int16") if k.int16_weights else ("int8",)
    if k.kind == "gemm":
        pixel_tiles = range(1, (k.max_pixels or 1) + 1)
    else:
        pixel_tiles = (1, 2) if k.kind in ("taps", "padded") and k.pairs else (1,)
    for m in pixel_tiles:
        for n in range(1, k.channels + 1):
            if k.channels % n or m * n > MAX_TILE:
                continue
            for unroll in UNROLLS if k.static_k else (1,):
                for weights in formats:
                    registers = gemm_registers(m, n, unroll, k.offset)
                    if registers > (SOFT_REGISTERS if k.offset else REGISTERS):
                        continue
                    i, c = _tile_cost(k, m, n, weights, unroll)
                    result.append(RegisterTile(k.kind, m, n, "output", weights, unroll, registers, round(i), round(c),
                                               loads_words(k.kind, n, weights)))
    return result


def choose(k: Kernel, allowed=None) -> RegisterTile | None:
    """The candidate of fewest predicted cycles (then instructions, then the smaller tile,
    then no unroll); `allowed(tile)` restricts the candidates to what the lowering
    supports. None if no candidate fits."""
    pool = [t for t in candidates(k) if allowed is None or allowed(t)]
    if not pool:
        return None
    return min(pool, key=lambda t: (t.cycles, t.instructions, t.pixels * t.channels, t.unroll))
