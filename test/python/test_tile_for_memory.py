"""The cost model of tile-for-memory: its formulas against a simulation of the tiled loop
nests, and its search against a brute force over every tile size."""

import math
from itertools import product

import numpy as np
import pytest

from tinymlir.errors import PassError
from tinymlir.passes import tile_for_memory as tfm


def window(stride: int, pad: int, kernel: int, size: int):
    def rows(start, stop):
        return (max(start * stride - pad, 0), min((stop - 1) * stride - pad + kernel, size))
    return rows


def conv(out: int, size: int, c_in: int, c_out: int, kernel=3, stride=1, pad=1, depthwise=False) -> tfm.Gemm:
    rows = tfm.axes(out, window(stride, pad, kernel, size))
    return tfm.Gemm(c_out, c_in, kernel * kernel, 1, 4, rows, rows, depthwise=depthwise)


def simulate(layer: tfm.Gemm, choice: tfm.Choice, size: int, stride=1, pad=1, kernel=3) -> int:
    """Bytes moved by the loop nest of `choice`, counted block by block: a weight or input
    block is loaded when it differs from the one resident in the previous iteration; an
    output block evicted before its last reduction tile leaves as int32 partial sums (4
    bytes an element) and comes back the same way; after its last tile it leaves as int8."""
    th, tw, tc, kc = choice.tile
    oh = layer.rows[-1].size
    span = window(stride, pad, kernel, size)
    ranges = {"p": [(r, c) for r in range(0, oh, th) for c in range(0, oh, tw)],
              "n": list(range(0, layer.channels_out, tc)), "k": list(range(0, layer.channels_in, kc))}
    order = {"weights": "nkp", "input": "pkn", "output": "pnk"}[choice.stationary]
    k_tiles = len(ranges["k"])

    def extent(start, tile, total):
        return min(start + tile, total) - start

    weights = inputs = output = None
    output_elements = 0
    visits: dict = {}
    moved = 0
    for combo in product(*(ranges[a] for a in order)):
        index = dict(zip(order, combo, strict=True))
        (r, c), n, k = index["p"], index["n"], index["k"]
        channels, reduce = extent(n, tc, layer.channels_out), extent(k, kc, layer.channels_in)
        if weights != (n, k):
            moved += channels * (layer.taps * reduce + (layer.table_bytes if k == 0 else 0))
            weights = (n, k)
        if inputs != (r, c, k):
            (r0, r1), (c0, c1) = span(r, r + extent(r, th, oh)), span(c, c + extent(c, tw, oh))
            moved += reduce * (r1 - r0) * (c1 - c0)
            inputs = (r, c, k)
        if output != (r, c, n):
            if output is not None and visits[output] < k_tiles:
                moved += 4 * output_elements  # evicted unfinished
            output, output_elements = (r, c, n), extent(r, th, oh) * extent(c, tw, oh) * channels
            if visits.get(output, 0):
                moved += 4 * output_elements  # partial sums come back
        visits[output] = visits.get(output, 0) + 1
        if visits[output] == k_tiles:
            moved += output_elements  # finished: int8 out
    return moved


@pytest.mark.parametrize("shape", [(8, 8, 8, 16), (7, 7, 5, 6), (6, 6, 16, 4)])
def test_formulas_match_the_simulated_loop_nests(shape):
    out, size, c_in, c_out = shape[0], shape[1], shape[2], shape[3]
    layer = conv(out, size, c_in, c_out)
    seen = set()
    for choice in layer.candidates():
        if choice.tile[:2] not in {(out, out), (3, out), (2, 3)} or choice.tile[2] not in (c_out, 3):
            continue
        simulated = simulate(layer, choice, size)
        assert choice.bytes_moved == simulated, choice
        seen.add(choice.stationary)
    assert seen == {"weights", "input", "output"}


@pytest.mark.parametrize("capacity", [300, 1000, 2500])
@pytest.mark.parametrize("depthwise", [False, True])
def test_search_is_optimal_against_every_tile_size(monkeypatch, capacity, depthwise):
    layer = conv(6, 6, 5 if not depthwise else 7, 7, depthwise=depthwise)
    best = tfm.best_choice(layer, capacity, "l")
    monkeypatch.setattr(tfm, "tile_sizes", lambda extent: list(range(1, extent + 1)))
    brute = conv(6, 6, 5 if not depthwise else 7, 7, depthwise=depthwise)
    fitting = [c.bytes_moved for c in brute.candidates() if c.footprint <= capacity]
    assert best.bytes_moved == min(fitting)
    assert best.footprint <= capacity


def test_tile_sizes_are_one_per_tile_count():
    assert tfm.tile_sizes(10) == [1, 2, 3, 4, 5, 10]
    assert [math.ceil(10 / t) for t in tfm.tile_sizes(10)] == [10, 5, 4, 3, 2, 1]


def test_a_layer_that_fits_stays_untiled():
    layer = conv(4, 4, 2, 2)
    choice = tfm.best_choice(layer, 1 << 20, "l")
    assert choice.stationary == "untiled" and choice.bytes_moved == choice.footprint
    assert choice.bytes_moved == 2 * (9 * 2 + 4) + 2 * 16 + 16 * 2


def test_too_small_names_the_layer_and_the_minimum():
    with pytest.raises(PassError, match=r"layer 'conv7' needs a fast level of at least 26 bytes, the capacity is 10"):
        tfm.best_choice(conv(8, 8, 16, 32), 10, "conv7")


def test_plans_leave_the_results_unchanged():
    """The pass only records plans: the module after it computes what it did before (in
    the interpreter, through the loop lowering), with every conv and add of the chain
    tiled at a 48-byte fast level."""
    from test_kernel_passes import RING_CHAIN
    from xdsl.parser import Parser

    from tinymlir.interpreter import run_loops
    from tinymlir.pipelines import make_context, run_pipeline
    from tinymlir.reference import run_module

    module = Parser(make_context(), RING_CHAIN).parse_module()
    planned = module.clone()
    run_pipeline(planned, "convert-qnn-to-kernel,tile-for-memory{capacity=48},kernel-in-place")
    plans = [op.attributes["tile.plan"] for op in planned.walk() if "tile.plan" in op.attributes]
    assert len(plans) == 4 and all(p.stationary.data != "untiled" for p in plans)
    run_pipeline(planned, "convert-kernel-to-loops,canonicalize,cse,plan-arena")
    x = np.random.default_rng(0).integers(-128, 128, (1, 3, 3, 2), dtype=np.int8)
    np.testing.assert_array_equal(run_loops(planned, [x])[0], run_module(module, [x])[0])
