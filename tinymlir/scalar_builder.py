"""Builds scalar IR (arith, memref, scf, fxp) at an insertion point: the vocabulary the
kernel lowerings (passes/kernel_to_loops/) and the fixed-point helpers of
convert-fxp-to-arith are written in."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from xdsl.builder import Builder, InsertPoint
from xdsl.dialects import arith, memref, scf
from xdsl.dialects.builtin import IndexType, IntegerType, i8, i32, i64
from xdsl.ir import Block, Operation, SSAValue

from tinymlir.dialects import fxp

index = IndexType()
I32 = i32  # the class's `i32` method shadows the type inside its body


class ScalarBuilder:
    """Appends scalar ops at an insertion point; every helper returns the new value."""

    def __init__(self, where: InsertPoint | Block):
        self.builder = Builder(InsertPoint.at_end(where) if isinstance(where, Block) else where)

    @classmethod
    def at_end(cls, block: Block) -> ScalarBuilder:
        return cls(InsertPoint.at_end(block))

    def emit(self, op: Operation) -> SSAValue:
        self.builder.insert(op)
        return op.results[0]

    op = emit  # the name the fixed-point and float-emulation helpers use

    # -- constants ----------------------------------------------------------- #
    def idx(self, value: int) -> SSAValue:
        return self.emit(arith.ConstantOp.from_int_and_width(value, index))

    def i32(self, value: int) -> SSAValue:
        return self.emit(arith.ConstantOp.from_int_and_width(int(value), i32))

    def c(self, value: int, t: IntegerType = I32) -> SSAValue:
        return self.emit(arith.ConstantOp.from_int_and_width(value, t))

    # -- integer arithmetic ---------------------------------------------------- #
    def add(self, a, b):
        return self.emit(arith.AddiOp(a, b))

    def sub(self, a, b):
        return self.emit(arith.SubiOp(a, b))

    def mul(self, a, b):
        return self.emit(arith.MuliOp(a, b))

    def div(self, a, b):
        return self.emit(arith.DivSIOp(a, b))  # truncates toward zero, as C

    def max(self, a, b):
        return self.emit(arith.MaxSIOp(a, b))

    maxsi = max

    def min(self, a, b):
        return self.emit(arith.MinSIOp(a, b))

    def band(self, a, b):
        return self.emit(arith.AndIOp(a, b))

    def shl(self, a, b):
        return self.emit(arith.ShLIOp(a, b))

    def shr(self, a, b):
        return self.emit(arith.ShRSIOp(a, b))  # arithmetic, as GCC/Clang/armcc do for int32

    def cmp(self, a, b, predicate: str):
        return self.emit(arith.CmpiOp(a, b, predicate))

    def select(self, cond, a, b):
        return self.emit(arith.SelectOp(cond, a, b))

    def wide(self, a):
        return self.emit(arith.ExtSIOp(a, i64))

    def wide_unsigned(self, a):
        return self.emit(arith.ExtUIOp(a, i64))

    def narrow(self, a):
        return self.emit(arith.TruncIOp(a, i32))

    def flag(self, cond):
        return self.emit(arith.ExtUIOp(cond, i32))

    def affine(self, iv: SSAValue, scale: int, offset: int) -> SSAValue:
        """iv * scale + offset on index values, skipping trivial terms."""
        value = iv if scale == 1 else self.mul(iv, self.idx(scale))
        return value if offset == 0 else self.add(value, self.idx(offset))

    # -- memory ----------------------------------------------------------------- #
    def load_i32(self, ref: SSAValue, indices: Sequence[SSAValue], unsigned: bool) -> SSAValue:
        value = self.emit(memref.LoadOp.get(ref, indices))
        if value.type == i32:
            return value
        return self.emit(arith.ExtUIOp(value, i32) if unsigned else arith.ExtSIOp(value, i32))

    def store_i8(self, value: SSAValue, ref: SSAValue, indices: Sequence[SSAValue]) -> None:
        narrow = self.emit(arith.TruncIOp(value, i8))
        self.builder.insert(memref.StoreOp.get(narrow, ref, indices))

    def copy_element(self, src: SSAValue, src_indices, dst: SSAValue, dst_indices) -> None:
        value = self.emit(memref.LoadOp.get(src, src_indices))
        self.builder.insert(memref.StoreOp.get(value, dst, dst_indices))

    # -- fixed point -------------------------------------------------------------- #
    def requantize(self, acc, multiplier, shift, zero_point: int, lo: int, hi: int) -> SSAValue:
        scaled = self.emit(fxp.MultiplyByQuantizedMultiplierOp(acc, multiplier, shift))
        if zero_point:
            scaled = self.add(scaled, self.i32(zero_point))
        return self.min(self.max(scaled, self.i32(lo)), self.i32(hi))

    # -- control flow ---------------------------------------------------------------- #
    def loop(
        self,
        lower: int | SSAValue,
        upper: int | SSAValue,
        body: Callable[..., Sequence[SSAValue] | None],
        iter_args: Sequence[SSAValue] = (),
    ) -> Sequence[SSAValue]:
        """scf.for lower..upper step 1; body(builder, iv, *iter_args) returns the yielded values."""
        lb = self.idx(lower) if isinstance(lower, int) else lower
        ub = self.idx(upper) if isinstance(upper, int) else upper
        block = Block(arg_types=[index, *(v.type for v in iter_args)])
        inner = ScalarBuilder.at_end(block)
        yielded = body(inner, *block.args) or ()
        block.add_op(scf.YieldOp(*yielded))
        op = scf.ForOp(lb, ub, self.idx(1), list(iter_args), block)
        self.builder.insert(op)
        return op.results

    def nest(self, extents: Sequence[int], body: Callable[[ScalarBuilder, list[SSAValue]], None]) -> None:
        """A perfect loop nest over `extents`; body(builder, ivs)."""

        def level(k: ScalarBuilder, depth: int, ivs: list[SSAValue]) -> None:
            if depth == len(extents):
                body(k, ivs)
                return
            k.loop(0, extents[depth], lambda kk, iv: level(kk, depth + 1, [*ivs, iv]))

        level(self, 0, [])

    def if_else(self, cond, then: Callable[[ScalarBuilder], Sequence[SSAValue]],
                other: Callable[[ScalarBuilder], Sequence[SSAValue]], types):
        blocks = []
        for build in (then, other):
            block = Block()
            yielded = build(ScalarBuilder.at_end(block))
            block.add_op(scf.YieldOp(*yielded))
            blocks.append(block)
        op = scf.IfOp(cond, types, [blocks[0]], [blocks[1]])
        self.builder.insert(op)
        return op.results

    def when(self, cond, then: Callable[[ScalarBuilder], None]) -> None:
        """scf.if without results or else branch."""
        if_op = scf.IfOp(cond, [], [Block()])
        inner = ScalarBuilder.at_end(if_op.true_region.block)
        then(inner)
        inner.builder.insert(scf.YieldOp())
        self.builder.insert(if_op)
