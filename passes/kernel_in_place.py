"""kernel-in-place: let a kernel write its output over an input that dies there.

What it does
    For each `qk` op, in the function's order, whose output buffer is an allocation of
    its own (not an output argument) and whose input's buffer is an allocation that no
    later op reads (this op is the only reader of the value it holds), the output buffer
    is replaced by the input's (a `memref.reinterpret_cast` of it when the shapes differ)
    and the op records the schedule that makes this safe in its `in_place` property:
    * `elementwise` (qk.add, qk.requantize): each element is read before it is written;
      an add reuses the first operand of the output's shape that dies there;
    * `channel` (a depthwise qk.conv2d with as many output as input channels and no
      larger output): TinyEngine's in-place depthwise, one channel at a time through a
      scratch plane (NHWC positions of channel c only hold channel c);
    * `rows` (a stride-1, dilation-1, same-shape qk.conv2d): output rows wait in a ring
      of pad_top + 1 rows and are written over input row r once the last reader of input
      row r, output row r + pad_top, is done.
    convert-kernel-to-loops emits the schedule; plan-arena then has one buffer less.

    Before that, a `qk.transpose` of a function argument that nothing writes (the
    caller's input, e.g. an ONNX model's NCHW image relaid out to NHWC), read only by
    convolutions, is folded into its readers (`transpose_views`): its output buffer
    becomes a `memref.reinterpret_cast` of the argument with the permuted strides and
    the copy is erased. A convolution reads its input through `memref.load`s at NHWC
    indices, which the strides map to the same bytes the copy held, so this is exact;
    its fast paths that need packed channels refuse the view (their predicates check
    the layout). The arena loses the whole copy (the argument is the caller's buffer).

Cost model
    Greedy, in program order: reusing a dying input never costs RAM (the scratch plane or
    ring is at most one channel plane or pad_top + 1 rows, smaller than the output), so
    every op that can go in place does. A transpose view saves its whole output and
    costs no instruction (the reader's loads only change strides), so every transpose
    that can be folded is.

Assumes the buffer-level functions of convert-qnn-to-kernel (`qk` ops reading and writing
buffers; a `patch.stage`'s body ops scheduled in their place among the function's, a band
loop's body (`patch.band_loop`) on its own, and a guard's in it (`patch.guard`) too, a
buffer also used outside the body never being overwritten). A buffer that is a function argument, a view, or also read
after the op is never overwritten.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.builder import Builder, InsertPoint
from xdsl.context import Context
from xdsl.dialects import func, memref
from xdsl.dialects.builtin import (
    DenseArrayBase,
    MemRefType,
    ModuleOp,
    NoneAttr,
    StridedLayoutAttr,
    StringAttr,
    i8,
    i64,
)
from xdsl.ir import BlockArgument, Operation, SSAValue
from xdsl.passes import ModulePass

from tinymlir.dialects import kernel as qk
from tinymlir.dialects import patch


def _ints(attr) -> list[int]:
    return [int(v) for v in attr.get_values()]


def dies_at(op: qk.KernelOp, buffer: SSAValue, position: dict[Operation, int]) -> bool:
    """`buffer` is an allocation that `op` reads once, and nothing reads after `op` (nor
    between the buffer's last writer and `op`): `op` may overwrite it."""
    if not isinstance(buffer.owner, memref.AllocOp):
        return False  # an argument (the caller's), a constant, or a view shared with others
    if sum(1 for v in op.ins if v is buffer) != 1:
        return False
    here = position[op]
    last_writer = -1
    for use in buffer.uses:
        user = use.operation
        if not isinstance(user, qk.KernelOp) or user not in position:
            return False  # a view or a copy: the value lives on under another name
        if position[user] > here:
            return False
        if user.outs is buffer and position[user] < here:
            last_writer = max(last_writer, position[user])
    return all(
        not (last_writer < position[use.operation] < here)
        for use in buffer.uses
        if use.operation.outs is not buffer  # type: ignore[union-attr]
    )


def schedule(op: qk.KernelOp, position: dict[Operation, int]) -> tuple[str, SSAValue] | None:
    """The in-place schedule of `op` and the input it overwrites, or None."""
    if not isinstance(op.outs.owner, memref.AllocOp):
        return None  # written straight into an output argument
    out = op.output_type
    if isinstance(op, qk.AddOp):
        if op.ins[0] is op.ins[1]:
            return None
        for value, t in zip(op.data_inputs, op.input_types.data, strict=True):
            if t.get_shape() == out.get_shape() and dies_at(op, value, position):
                return "elementwise", value
        return None
    if isinstance(op, qk.RequantizeOp):
        return ("elementwise", op.ins[0]) if dies_at(op, op.ins[0], position) else None
    if isinstance(op, qk.Conv2DOp):
        x = op.input_types.data[0]
        if not dies_at(op, op.ins[0], position) or out.get_num_elements() > x.get_num_elements():
            return None
        if op.depthwise and x.get_shape()[3] == out.get_shape()[3]:
            return "channel", op.ins[0]
        if _ints(op.strides) == [1, 1] and _ints(op.dilations) == [1, 1] and x.get_shape() == out.get_shape():
            return "rows", op.ins[0]
    return None


def _packed_view(shape: tuple[int, ...]) -> tuple:
    """The static offset, sizes, strides and type of a packed i8 view of `shape`, made
    once per shape (patch-schedule runs this pass on many costing copies)."""
    if shape not in _PACKED_VIEWS:
        strides = [1] * len(shape)
        for i in range(len(shape) - 2, -1, -1):
            strides[i] = strides[i + 1] * shape[i + 1]
        _PACKED_VIEWS[shape] = (
            DenseArrayBase.from_list(i64, [0]), DenseArrayBase.from_list(i64, list(shape)),
            DenseArrayBase.from_list(i64, strides), MemRefType(i8, list(shape)),
        )
    return _PACKED_VIEWS[shape]


_PACKED_VIEWS: dict[tuple[int, ...], tuple] = {}


def write_over(op: qk.KernelOp, source: SSAValue) -> None:
    """Replaces the op's output allocation by `source` (viewed with the output's shape)."""
    alloc = op.outs.owner
    assert isinstance(alloc, memref.AllocOp)
    shape = list(op.output_type.get_shape())
    if list(source.type.get_shape()) == shape:
        replacement = source
    else:
        view = memref.ReinterpretCastOp(source, [], [], [], *_packed_view(tuple(shape)))
        Builder(InsertPoint.before(alloc)).insert(view)
        view.result.name_hint = alloc.memref.name_hint
        replacement = view.result
    alloc.memref.replace_all_uses_with(replacement)
    alloc.detach()
    alloc.erase()


def transpose_view_refusal(op: qk.TransposeOp) -> str | None:
    """Why `op` cannot be folded into its readers as a strided view (None: it can): its
    input must be a function argument with the identity layout that no op writes, its
    output an allocation written only by `op` and read only as the input of
    convolutions (directly or through subviews), and the two of one element type and
    quantisation (a transpose only moves bytes)."""
    source, alloc = op.ins[0], op.outs
    if not isinstance(source, BlockArgument) or not isinstance(source.type, MemRefType):
        return "its input is not a function argument"
    if not isinstance(source.type.layout, NoneAttr):
        return "its input is not a packed buffer"
    for use in source.uses:
        user = use.operation
        if not isinstance(user, qk.KernelOp) or user.outs is source:
            return "its input is written or viewed elsewhere"
    if not isinstance(alloc.owner, memref.AllocOp):
        return "its output is not an allocation of its own"
    if op.input_types.data[0].with_shape(op.output_type.get_shape()) != op.output_type:
        return "it changes the element type or quantisation"

    def read_by_convolutions(value: SSAValue) -> bool:
        for use in value.uses:
            user = use.operation
            if user is op:
                continue
            if isinstance(user, memref.SubviewOp) and use.index == 0:
                if not read_by_convolutions(user.result):
                    return False
            elif not (isinstance(user, qk.Conv2DOp) and use.index == 0 and user.outs is not value):
                return False
        return True

    if not read_by_convolutions(alloc):
        return "its output is read by an op other than a convolution"
    return None


def transpose_views(function: func.FuncOp) -> int:
    """Folds every transpose `transpose_view_refusal` allows into a strided view of its
    input (see the module docstring); returns how many."""
    folded = 0
    for op in [o for o in function.walk() if isinstance(o, qk.TransposeOp)]:
        if transpose_view_refusal(op) is not None:
            continue
        source, alloc = op.ins[0], op.outs.owner
        assert isinstance(alloc, memref.AllocOp) and isinstance(source.type, MemRefType)
        perm = _ints(op.perm)
        source_strides = source.type.get_strides()
        assert source_strides is not None
        shape = list(op.output_type.get_shape())
        strides = [source_strides[p] for p in perm]
        view_type = MemRefType(source.type.element_type, shape, StridedLayoutAttr(strides, 0))
        view = memref.ReinterpretCastOp(source, [], [], [], [0], shape, strides, view_type)
        Builder(InsertPoint.before(alloc)).insert(view)
        view.result.name_hint = alloc.memref.name_hint
        op.detach()
        op.erase()
        alloc.memref.replace_all_uses_with(view.result)
        alloc.detach()
        alloc.erase()
        folded += 1
    return folded


@dataclass(frozen=True)
class KernelInPlacePass(ModulePass):
    """See the module docstring."""

    name = "kernel-in-place"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for function in [f for f in op.ops if isinstance(f, func.FuncOp) and f.body.blocks]:
            transpose_views(function)
            # the function's block (a patch.stage's ops in their place) and the blocks of band
            # loops holding kernel ops, each with its own program order
            blocks = list(dict.fromkeys(
                patch.scheduling_block(o.parent_block()) for o in function.walk() if isinstance(o, qk.KernelOp)
            ))
            for block in blocks:
                self.apply_to_block(block)

    @staticmethod
    def apply_to_block(block) -> None:
        # the relative order of the block's kernel ops is all dies_at compares, and rewrites
        # only add or remove views and allocations: one numbering serves the whole block
        ops = list(patch.schedule_ops(block.ops))
        position = {o: i for i, o in enumerate(ops)}
        for kernel in [o for o in ops if isinstance(o, qk.KernelOp)]:
            if kernel.in_place is not None:
                continue  # decided before (the pass is idempotent)
            decision = schedule(kernel, position)
            if decision is None:
                continue
            name, source = decision
            write_over(kernel, source)
            kernel.properties["in_place"] = StringAttr(name)
