"""Pieces the kernel lowerings share: parameter loaders, window bounds, scratch buffers."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from xdsl.dialects import arith, memref
from xdsl.dialects.builtin import i8
from xdsl.ir import Operation, SSAValue

from tinymlir.dialects import kernel as qk
from tinymlir.passes.kernel_to_loops import onnx_stage
from tinymlir.scalar_builder import ScalarBuilder
from tinymlir.target import target_of

Loader = Callable[[ScalarBuilder, SSAValue], SSAValue]


class GlobalReads:
    """The memref.get_global ops of one module by symbol, while convert-kernel-to-loops
    runs: one walk when the pass starts, and each get_global a lowering makes is recorded
    (constant_table: the lowerings' only maker of them). An erased op is no longer inside
    the module, so erasures need no recording: `reads` asks where each recorded op is.
    Without an index (a lowering applied on its own), `reads_global` walks the module.
    (Walking the growing module after each layer was 40 % of VWW's lowering time.)"""

    def __init__(self, module: Operation) -> None:
        self.module = module
        self.by_symbol: dict[str, list[memref.GetGlobalOp]] = {}
        for op in module.walk():
            if isinstance(op, memref.GetGlobalOp):
                self.record(op)

    def record(self, op: memref.GetGlobalOp) -> None:
        self.by_symbol.setdefault(op.name_.root_reference.data, []).append(op)

    def reads(self, symbol: str) -> bool:
        live = [op for op in self.by_symbol.get(symbol, ()) if op.get_toplevel_object() is self.module]
        self.by_symbol[symbol] = live
        return bool(live)


_GLOBAL_READS: dict[int, GlobalReads] = {}  # id(module) -> its index, while a pass runs


@contextmanager
def global_reads_indexed(module: Operation) -> Iterator[None]:
    """Within it, reads_global on `module` looks its index up (see GlobalReads)."""
    _GLOBAL_READS[id(module)] = GlobalReads(module)
    try:
        yield
    finally:
        del _GLOBAL_READS[id(module)]


def record_global_read(op: memref.GetGlobalOp) -> None:
    """Tells the index of `op`'s module (if any) about a get_global just inserted."""
    index = _GLOBAL_READS.get(id(op.get_toplevel_object()))
    if index is not None:
        index.record(op)


def reads_global(module: Operation, symbol: str) -> bool:
    """Whether a memref.get_global of `symbol` is nested in `module`."""
    index = _GLOBAL_READS.get(id(module))
    if index is not None and index.module is module:
        return index.reads(symbol)
    stack = [module]  # an explicit stack, stopping at the first
    while stack:
        op = stack.pop()
        if isinstance(op, memref.GetGlobalOp) and op.name_.root_reference.data == symbol:
            return True
        for region in op.regions:
            for block in region.blocks:
                stack.extend(block.ops)
    return False


def ints(attr) -> list[int]:
    return [int(v) for v in attr.get_values()]


def per_channel(k: ScalarBuilder, op: qk.KernelOp, prop: str, tables: Iterator[SSAValue]) -> Loader:
    """A scalar i32 constant when the op has the parameter as a property, else a loader
    from the next table (int8 tables are sign-extended)."""
    attr = op.properties.get(prop)
    if attr is not None:
        c = k.i32(attr.value.data)
        return lambda kk, channel: c
    table = next(tables)
    if table.type.element_type == i8:
        return lambda kk, channel: kk.load_i32(table, [channel], False)
    return lambda kk, channel: kk.emit(memref.LoadOp.get(table, [channel]))


def output_stage(k: ScalarBuilder, op: qk.Conv2DOp | qk.DenseOp) -> Callable[[ScalarBuilder, SSAValue, SSAValue], SSAValue]:
    """stage(kk, acc, channel): the requantised output value (i32) of an accumulator."""
    tables = iter(op.tables)
    out = op.output_type
    lo, hi = op.bounds
    if op.onnx:
        if op.scale is not None:
            scale = onnx_stage.f32_constant(k, op.scale.value.data)
            scale_at: Loader = lambda kk, channel: scale  # noqa: E731
        else:
            table = next(tables)
            scale_at = lambda kk, channel: kk.emit(memref.LoadOp.get(table, [channel]))  # noqa: E731
        return lambda kk, acc, c: onnx_stage.accumulator_output(kk, acc, scale_at(kk, c), out, lo, hi)
    mult_at = per_channel(k, op, "multiplier", tables)
    shift_at = per_channel(k, op, "shift", tables)
    return lambda kk, acc, c: kk.requantize(acc, mult_at(kk, c), shift_at(kk, c), out.zero_point, lo, hi)


def window_bounds(kk: ScalarBuilder, origin: SSAValue, extent: int, size: int):
    """Kernel taps [start, end) that land inside [0, size) (TFLM skips padding taps)."""
    neg = kk.sub(kk.idx(0), origin)
    start = kk.max(kk.idx(0), neg)
    end = kk.min(kk.idx(extent), kk.sub(kk.idx(size), origin))
    return start, end


def inside(k: ScalarBuilder, ih, iw, h: int, w: int) -> SSAValue:
    zero = k.idx(0)
    conds = [
        k.emit(arith.CmpiOp(ih, zero, "sge")),
        k.emit(arith.CmpiOp(ih, k.idx(h), "slt")),
        k.emit(arith.CmpiOp(iw, zero, "sge")),
        k.emit(arith.CmpiOp(iw, k.idx(w), "slt")),
    ]
    result = conds[0]
    for c in conds[1:]:
        result = k.emit(arith.AndIOp(result, c))
    return result


def pool_window(kk: ScalarBuilder, op, ivs):
    """(ih0, iw0, hs, he, ws, we): the window's origin and its valid tap ranges."""
    _, h_, w_, _ = op.input_types.data[0].get_shape()
    kh_, kw_ = ints(op.kernel)
    sh, sw = ints(op.strides)
    pt, pl, _, _ = ints(op.pads)
    _, oh, ow, _ = ivs
    ih0, iw0 = kk.affine(oh, sh, -pt), kk.affine(ow, sw, -pl)
    hs = kk.max(kk.idx(0), kk.sub(kk.idx(0), ih0))
    he = kk.min(kk.idx(kh_), kk.sub(kk.idx(h_), ih0))
    ws = kk.max(kk.idx(0), kk.sub(kk.idx(0), iw0))
    we = kk.min(kk.idx(kw_), kk.sub(kk.idx(w_), iw0))
    return ih0, iw0, hs, he, ws, we


def broadcast_indices(k: ScalarBuilder, ivs: list[SSAValue], shape: Sequence[int]) -> list[SSAValue]:
    lead = len(ivs) - len(shape)
    return [k.idx(0) if d == 1 else ivs[lead + i] for i, d in enumerate(shape)]


def scratch(k: ScalarBuilder, shape: Sequence[int], name: str, op: Operation) -> SSAValue:
    """A scratch buffer for `op`'s schedule, aligned as the target aligns every buffer."""
    buf = k.emit(memref.AllocOp.get(i8, target_of(op).alignment, list(shape)))
    buf.name_hint = name
    return buf

