"""Builds scalar IR (arith, memref, scf, fxp) at an insertion point: the vocabulary the
kernel lowerings (passes/kernel_to_loops/) and the fixed-point helpers of
convert-fxp-to-arith are written in.

The IR comes out as `canonicalize` would leave it, so that the canonicalize after a
lowering has (almost) nothing to do: it rewrites until nothing changes, one walk over the
whole module per round, and hoisting a constant out of a loop nest took one round per loop
level (xDSL's RehoistConstInLoops). So
- constants are made once per value and type by the outermost builder, where it inserts
  (ConstantPool): outside every loop and branch the nested builders build, as after
  canonicalize and cse (the C backend writes a constant at each use, wherever it is);
- integer arithmetic on constants is folded as arith's folders and canonicalization
  patterns fold it (`fold_integer_binary`: constant operands computed, x + 0, x * 1,
  x * 0, a constant left operand of a commutative op moved right);
- a loop over a constant range of one iteration is its body, of none is nothing (as
  scf.for's SimplifyTrivialLoops).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from xdsl.builder import Builder, InsertPoint
from xdsl.dialects import arith, memref, scf
from xdsl.dialects.builtin import FloatAttr, IndexType, IntegerAttr, IntegerType, f32, i8, i32, i64
from xdsl.ir import Attribute, Block, Operation, SSAValue
from xdsl.traits import Commutative

from tinymlir.dialects import fxp

index = IndexType()
I32 = i32  # the class's `i32` method shadows the type inside its body


def constant_value(value: SSAValue) -> Attribute | None:
    """The attribute of an `arith.constant` result, else None."""
    owner = value.owner
    return owner.value if isinstance(owner, arith.ConstantOp) else None


def _integer(value: SSAValue) -> IntegerAttr | None:
    attr = constant_value(value)
    return attr if isinstance(attr, IntegerAttr) else None


class ConstantPool:
    """One `arith.constant` per value and type, inserted where the builder that owns the
    pool inserts (before everything it builds there since), shared by the builders of the
    regions it builds."""

    def __init__(self, where: InsertPoint):
        self.builder = Builder(where)
        self.values: dict[tuple[Attribute, object], SSAValue] = {}

    def get(self, attr: Attribute) -> SSAValue:
        # Floats by their bits: 0.0 and -0.0 (equal as Python floats) are different constants.
        data = attr.value.data
        key = (attr.type, float(data).hex() if isinstance(attr, FloatAttr) else data)
        value = self.values.get(key)
        if value is None:
            op = arith.ConstantOp(attr)
            self.builder.insert(op)
            value = self.values[key] = op.result
        return value

    def get_integer(self, value: int, t: Attribute) -> SSAValue:
        """get(IntegerAttr(value, t)), the attribute built (and verified) only when the
        pool lacks it: most requests are for constants it has."""
        found = self.values.get((t, value))
        return found if found is not None else self.get(IntegerAttr(value, t))

    def drop_unused(self) -> None:
        """Erases the constants nothing uses (asked for, then folded away), as canonicalize
        would: a lowering calls it when it is done."""
        for key, value in list(self.values.items()):
            if not value.uses:
                del self.values[key]
                value.owner.detach()
                value.owner.erase()


def fold_integer_binary(
    op: arith.SignlessIntegerBinaryOperation, constants: ConstantPool
) -> tuple[SSAValue | None, arith.SignlessIntegerBinaryOperation]:
    """(the value `op` folds to, or None; the op to build instead, its constant left
    operand of a commutative op moved right), as canonicalize's folder and patterns
    (SignlessIntegerBinaryOperation.fold, ...ConstantProp, ...ZeroOrUnitRight) do."""
    lhs, rhs = _integer(op.lhs), _integer(op.rhs)
    if lhs is None and rhs is None:
        return None, op
    kind = type(op)
    if lhs is not None and rhs is not None:
        result = kind.py_operation(lhs.value.data, rhs.value.data)
        if result is not None:
            return constants.get(IntegerAttr(result, op.result.type, truncate_bits=True)), op
    if rhs is not None and kind.is_right_unit(rhs):
        return op.lhs, op
    commutative = op.has_trait(Commutative)
    if commutative and lhs is not None and kind.is_right_unit(lhs):
        return op.rhs, op
    if not op.has_trait(arith.SignlessIntegerBinaryOperationHasCanonicalizationPatternsTrait):
        return None, op
    if commutative and lhs is not None and rhs is None:
        lhs, rhs = None, lhs
        op = kind(op.rhs, op.lhs)
    if rhs is not None and kind.is_right_zero(rhs):
        return op.rhs, op
    return None, op


class ScalarBuilder:
    """Appends scalar ops at an insertion point; every helper returns the new value.
    `constants`: the pool of the builder whose region this one builds (None: its own)."""

    def __init__(self, where: InsertPoint | Block, constants: ConstantPool | None = None):
        self.builder = Builder(InsertPoint.at_end(where) if isinstance(where, Block) else where)
        self.constants = constants if constants is not None else ConstantPool(self.builder.insertion_point)

    @classmethod
    def at_end(cls, block: Block) -> ScalarBuilder:
        return cls(InsertPoint.at_end(block))

    def nested(self, block: Block) -> ScalarBuilder:
        """A builder at the end of `block` (a region this one builds), sharing its constants."""
        return ScalarBuilder(InsertPoint.at_end(block), self.constants)

    def emit(self, op: Operation) -> SSAValue:
        """Inserts `op` and returns its first result; a constant comes from the pool, and
        integer arithmetic on constants is folded (then `op` is dropped)."""
        if isinstance(op, arith.ConstantOp) and isinstance(op.value, IntegerAttr | FloatAttr):
            value = self.constants.get(op.value)
            op.erase()
            return value
        if isinstance(op, arith.SignlessIntegerBinaryOperation):
            folded, built = fold_integer_binary(op, self.constants)
            if built is not op or folded is not None:
                op.erase()
            if folded is not None:
                if built is not op:
                    built.erase()
                return folded
            op = built
        self.builder.insert(op)
        return op.results[0]

    op = emit  # the name the fixed-point and float-emulation helpers use

    # -- constants ----------------------------------------------------------- #
    def idx(self, value: int) -> SSAValue:
        return self.constants.get_integer(value, index)

    def i32(self, value: int) -> SSAValue:
        return self.constants.get_integer(int(value), i32)

    def c(self, value: int, t: IntegerType = I32) -> SSAValue:
        return self.constants.get_integer(value, t)

    def f32(self, value: float) -> SSAValue:
        return self.constants.get(FloatAttr(value, f32))

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
        """scf.for lower..upper step 1; body(builder, iv, *iter_args) returns the yielded
        values. Over a constant range of one iteration: the body itself, at lower; of none:
        the iter_args."""
        lb = self.idx(lower) if isinstance(lower, int) else lower
        ub = self.idx(upper) if isinstance(upper, int) else upper
        first, end = _integer(lb), _integer(ub)
        if first is not None and end is not None:
            trips = end.value.data - first.value.data
            if trips <= 0:
                return tuple(iter_args)
            if trips == 1:
                return tuple(body(self, lb, *iter_args) or ())
        block = Block(arg_types=[index, *(v.type for v in iter_args)])
        inner = self.nested(block)
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
            yielded = build(self.nested(block))
            block.add_op(scf.YieldOp(*yielded))
            blocks.append(block)
        op = scf.IfOp(cond, types, [blocks[0]], [blocks[1]])
        self.builder.insert(op)
        return op.results

    def when(self, cond, then: Callable[[ScalarBuilder], None]) -> None:
        """scf.if without results or else branch."""
        if_op = scf.IfOp(cond, [], [Block()])
        inner = self.nested(if_op.true_region.block)
        then(inner)
        inner.builder.insert(scf.YieldOp())
        self.builder.insert(if_op)
