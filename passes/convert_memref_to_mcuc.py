"""convert-memref-to-mcuc: buffers and their accesses as C arrays and pointers.

What it does
    * `memref.global` constants become `static const` C arrays (multi-dimensional,
      aligned, optionally placed in a linker section: the `weights-section` option)
      and `memref.get_global` reads them by name;
    * `memref.alloc`s become file-scope `static` arrays (no heap): the planned
      arena (`tinymlir.arena`) is named `<function>_arena`; `memref.view`s into it
      are `arena + offset` pointers;
    * views keep their source's base pointer and change only the layout, as MLIR's
      lowering to LLVM does (tinymlir.strided_memref): `memref.subview` (static offsets,
      sizes and strides, rank-reducing too), `memref.reinterpret_cast` (static offset,
      sizes and strides), `memref.collapse_shape` (contiguous groups), `memref.cast` and
      `memref.memory_space_cast`. A subview's or collapse_shape's result type must carry
      the layout the view computes;
    * a subview at dynamic offsets (static sizes, unit strides, same rank: the band
      loops of patch-schedule) is a pointer of its own, the source's plus the offset
      computed at run time, indexed from 0 with the source's strides; a collapse_shape
      of it (the flat view of a band) is the same pointer, with the collapsed strides;
    * memref function arguments are used as pointers (`const` for the model's
      inputs) through `builtin.unrealized_conversion_cast`, which
      convert-func-to-mcuc and reconcile-unrealized-casts remove;
    * `memref.load` / `memref.store` become `mcuc.subscript` + `mcuc.load` /
      `mcuc.assign`: arrays of the memref's own shape and identity layout are indexed
      per dimension, everything else is a pointer indexed with the layout's linear
      index `offset + i0*s0 + i1*s1 + ...` (row-major strides without a layout;
      constant terms folded);
    * `memref.copy` becomes a loop nest (scf.for, converted by convert-scf-to-mcuc)
      of element loads and stores, so source and destination may have any static
      layout;
    * a memref's memory space (an integer or string attribute naming a memory level)
      becomes a comment on its C array, `/* memory space: L1 */`. It is not turned into
      a section: which section or address a level maps to is the target's linker
      script's decision, and an unknown section would move the array in a host build;
    * stores marked `tinymlir.layer_index` (one per layer, by convert-kernel-to-loops)
      put a comment with the layer's description before the layer's loop nest and
      a `TINYMLIR_LAYER_HOOK(index, data, size)` call after it, a macro that
      expands to nothing unless a debug build defines it (tinymlir-run --per-layer).

Cost model: a view costs nothing (its offset folds into the indices); an access
through a pointer costs one multiply per non-constant index with a stride other than 1
and one add per term; a copy costs one load and one store per element.

Assumes static memrefs (shapes, offsets, sizes and strides) with integer or f32
elements and constant view offsets (but for the subviews above); refuses anything else by
name: dynamic sizes or strides of a view, other dynamic offsets, dynamic layouts,
allocations with a layout, views of a subview at a dynamic offset other than a
collapse_shape.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.builder import Builder, InsertPoint
from xdsl.context import Context
from xdsl.dialects import arith, func, memref, scf
from xdsl.dialects.builtin import (
    Float32Type,
    IndexType,
    IntegerAttr,
    IntegerType,
    MemRefType,
    ModuleOp,
    NoneAttr,
    StringAttr,
    UnrealizedConversionCastOp,
    i32,
)
from xdsl.ir import Attribute, Block, Operation, SSAValue
from xdsl.passes import ModulePass

from tinymlir.c_names import c_identifier
from tinymlir.dialects import mcuc
from tinymlir.errors import PassError
from tinymlir.ir_walk import walk_ops
from tinymlir.layers import HOOK_DEFAULT, HOOK_MACRO, LAYER_INDEX_ATTR
from tinymlir.strided_memref import (
    collapse_layout,
    describe,
    is_identity,
    layout_mismatch,
    static_layout,
    subview_layout,
)

ARENA_ATTR = "tinymlir.arena"
index = IndexType()


def pointer_to(t: MemRefType, read_only: bool = False) -> mcuc.EmitC_PointerType:
    element = t.element_type
    return mcuc.EmitC_PointerType(mcuc.ConstType(element) if read_only else element)


def array_of(t: MemRefType) -> mcuc.EmitC_ArrayType:
    return mcuc.EmitC_ArrayType(t.get_shape(), t.element_type)


def memory_space_comment(t: Attribute) -> str | None:
    """The C comment naming `t`'s memory space, None without one."""
    if not isinstance(t, MemRefType) or isinstance(t.memory_space, NoneAttr):
        return None
    space = t.memory_space
    name = space.data if isinstance(space, StringAttr) else (
        space.value.data if isinstance(space, IntegerAttr) else str(space)
    )
    return f"memory space: {name}".replace("*/", "* /")


def joined_comment(*parts: str | None) -> str | None:
    text = "; ".join(p for p in parts if p)
    return text or None


def expand_copy(op: memref.CopyOp) -> None:
    """Replaces `op` by a loop nest copying element by element (any static layouts)."""
    t = op.source.type
    assert isinstance(t, MemRefType)
    b = Builder(InsertPoint.before(op))
    zero = b.insert(arith.ConstantOp(IntegerAttr(0, index))).result
    one = b.insert(arith.ConstantOp(IntegerAttr(1, index))).result
    uppers = [b.insert(arith.ConstantOp(IntegerAttr(extent, index))).result for extent in t.get_shape()]
    indices: list[SSAValue] = []
    for upper in uppers:
        body = Block([scf.YieldOp()], arg_types=[index])
        b.insert(scf.ForOp(zero, upper, one, [], body))
        body.args[0].name_hint = f"i{len(indices)}"
        indices.append(body.args[0])
        b = Builder(InsertPoint.before(body.last_op))  # type: ignore[arg-type]
    load = b.insert(memref.LoadOp.get(op.source, indices))
    b.insert(memref.StoreOp.get(load.res, op.destination, indices))
    op.detach()
    op.erase()


def constant_value(value: SSAValue) -> int | None:
    owner = value.owner
    if isinstance(owner, arith.ConstantOp | mcuc.ConstantOp) and isinstance(owner.value, IntegerAttr):
        return owner.value.value.data
    return None


@dataclass
class FunctionConversion:
    module: ModuleOp
    function: func.FuncOp
    weights_section: str

    def __post_init__(self) -> None:
        self.mapping: dict[SSAValue, SSAValue] = {}
        self.erase: list[Operation] = []
        self.symbols = {
            o.sym_name.data for o in self.module.ops if isinstance(getattr(o, "sym_name", None), StringAttr)
        }

    def error(self, op: Operation, message: str) -> PassError:
        return PassError(f"convert-memref-to-mcuc: {op.name}: {message}")

    def fresh_symbol(self, base: str) -> str:
        base = c_identifier(base)
        name, k = base, 1
        while name in self.symbols:
            name, k = f"{base}_{k}", k + 1
        self.symbols.add(name)
        return name

    def run(self) -> None:
        block = self.function.body.block
        roles = []
        if self.function.arg_attrs is not None:
            roles = [
                a.data["tinymlir.role"].data if "tinymlir.role" in a.data else "" for a in self.function.arg_attrs
            ]
        entry = Builder(InsertPoint.at_start(block))
        for i, arg in enumerate(block.args):
            if isinstance(arg.type, MemRefType):
                if any(d < 0 for d in arg.type.get_shape()):
                    raise PassError(
                        f"convert-memref-to-mcuc: argument '{arg.name_hint or i}' of "
                        f"@{self.function.sym_name.data} is not static ({arg.type}); only static buffers are supported"
                    )
                read_only = i < len(roles) and roles[i] == "input"
                cast = UnrealizedConversionCastOp.get([arg], [pointer_to(arg.type, read_only)])
                entry.insert(cast)
                cast.results[0].name_hint = arg.name_hint
                self.mapping[arg] = cast.results[0]
        self.layers: dict[int, list] = {}
        self.offset_applied: dict[SSAValue, tuple[int, ...]] = {}  # subviews at dynamic offsets: their strides
        for copy in [o for o in walk_ops(self.function) if isinstance(o, memref.CopyOp)]:
            for buffer in (copy.source, copy.destination):
                if static_layout(buffer.type) is None:  # type: ignore[arg-type]
                    raise self.error(copy, f"the layout of {buffer.type} is not static; only static layouts are supported")
            expand_copy(copy)
        for op in walk_ops(self.function):
            self.convert(op)
        self.annotate_layers()
        for op in reversed(self.erase):
            op.detach()
            op.erase(safe_erase=False)

    def converted(self, op: Operation, value: SSAValue) -> SSAValue:
        if value not in self.mapping:
            raise self.error(op, "operates on a buffer this pass cannot convert")
        return self.mapping[value]

    def convert(self, op: Operation) -> None:
        # Only memref ops and the DSP loads of a memref are converted; the rest (most of a
        # loop-level function: arith, scf, fxp helpers) would go through every test below.
        if not op.name.startswith("memref.") and not isinstance(op, mcuc.LoadS8x4Op | mcuc.LoadWordsOp):
            return
        b = Builder(InsertPoint.before(op))
        if isinstance(op, memref.GetGlobalOp):
            t = op.memref.type
            new = mcuc.GetGlobalOp(op.name_.root_reference.data, array_of(t))
            b.insert(new)
            new.result.name_hint = op.memref.name_hint
            self.mapping[op.memref] = new.result
            self.erase.append(op)
        elif isinstance(op, memref.AllocOp):
            t = op.memref.type
            if not isinstance(t, MemRefType) or any(d < 0 for d in t.get_shape()):
                raise self.error(op, "only static buffers are supported")
            if not isinstance(t.layout, NoneAttr):
                raise self.error(op, f"only identity layouts are supported for allocations, got {t}")
            base = f"{self.function.sym_name.data}_arena" if ARENA_ATTR in op.attributes else (op.memref.name_hint or "buffer")
            name = self.fresh_symbol(base)
            alignment = op.alignment.value.data if op.alignment is not None else None
            arena = "activation arena (offsets planned by plan-arena)" if ARENA_ATTR in op.attributes else None
            g = mcuc.GlobalOp(name, array_of(t), is_static=True, alignment=alignment,
                              comment=joined_comment(arena, memory_space_comment(t)))
            self.module.body.block.insert_op_before(g, self.function)
            get = mcuc.GetGlobalOp(name, array_of(t))
            b.insert(get)
            ptr = mcuc.CastOp(get.result, pointer_to(t))
            b.insert(ptr)
            ptr.dest.name_hint = op.memref.name_hint
            self.mapping[op.memref] = ptr.dest
            self.erase.append(op)
        elif isinstance(op, memref.ViewOp):
            source = self.converted(op, op.source)
            if not isinstance(source.type, mcuc.EmitC_PointerType):
                raise self.error(op, "views are only supported into allocated buffers (the arena)")
            if op.sizes:
                raise self.error(op, "dynamic view sizes are not supported")
            offset = constant_value(op.byte_shift)
            if offset is None:
                raise self.error(op, "view offsets must be constants")
            if op.result.type.element_type.width.data != 8:  # type: ignore[union-attr]
                raise self.error(op, "only byte views are supported")
            if offset:
                c = mcuc.ConstantOp(IntegerAttr(offset, index))
                b.insert(c)
                new = mcuc.AddOp(source, c, source.type)
                b.insert(new)
                value = new.result
            else:
                value = source
            if op.result.name_hint and value is not source:
                value.name_hint = op.result.name_hint
            self.mapping[op.result] = value
            self.erase.append(op)
        elif isinstance(op, memref.SubviewOp) and op.offsets and not (op.sizes or op.strides):
            self.offset_subview(b, op)
        elif isinstance(op, memref.CollapseShapeOp):
            self.collapse_shape(b, op)
        elif isinstance(op, memref.SubviewOp | memref.ReinterpretCastOp | memref.CastOp):
            result_type = op.results[0].type
            assert isinstance(result_type, MemRefType)
            if op.operands[0] in self.offset_applied:
                raise self.error(op, "a view of a subview at a dynamic offset is not supported")
            if isinstance(op, memref.SubviewOp):
                try:
                    mismatch = layout_mismatch(result_type, subview_layout(op))
                except ValueError as e:
                    raise self.error(op, str(e)) from None
                if mismatch:
                    raise self.error(op, mismatch)
            elif isinstance(op, memref.ReinterpretCastOp) and (op.offsets or op.sizes or op.strides):
                raise self.error(op, "dynamic offsets, sizes or strides; only static ones are supported")
            if static_layout(result_type) is None:
                raise self.error(op, f"the layout of {result_type} is not static; only static layouts are supported")
            source = self.converted(op, op.operands[0])
            source = self.as_pointer(b, source)
            self.mapping[op.results[0]] = source
            self.erase.append(op)
        elif isinstance(op, memref.MemorySpaceCastOp):
            self.mapping[op.dest] = self.converted(op, op.source)
            self.erase.append(op)
        elif isinstance(op, memref.LoadOp):
            lvalue = self.element(b, op, op.memref, op.indices)
            load = mcuc.LoadOp(lvalue)
            b.insert(load)
            op.res.replace_all_uses_with(load.results[0])
            self.erase.append(op)
        elif isinstance(op, memref.StoreOp):
            previous = op.prev_op
            lvalue = self.element(b, op, op.memref, op.indices)
            b.insert(mcuc.AssignOp(lvalue, op.value))
            if LAYER_INDEX_ATTR in op.attributes:
                block = op.parent_block()
                assert block is not None
                first_new = previous.next_op if previous is not None else block.first_op
                self.record_layer(op, first_new)
            self.erase.append(op)
        elif isinstance(op, mcuc.LoadS8x4Op) and isinstance(op.ref.type, MemRefType):
            lvalue = self.element(b, op, op.ref, op.indices)  # its first element
            word = mcuc.LoadS8x4Op(lvalue)
            b.insert(word)
            op.result.replace_all_uses_with(word.result)
            self.erase.append(op)
        elif isinstance(op, mcuc.LoadWordsOp) and isinstance(op.ref.type, MemRefType):
            lvalue = self.element(b, op, op.ref, op.indices)  # its first element
            words = mcuc.LoadWordsOp(lvalue, count=len(op.words))
            b.insert(words)
            for old_word, new_word in zip(op.words, words.words, strict=True):
                old_word.replace_all_uses_with(new_word)
            self.erase.append(op)
        elif isinstance(op, memref.GlobalOp):
            pass  # module level: converted by the pass driver
        elif op.name.startswith("memref."):
            raise self.error(op, "is not supported by convert-memref-to-mcuc")

    def as_pointer(self, b, source: SSAValue) -> SSAValue:
        """`source` itself, or for an array a pointer to its first element (to const for a
        constant array)."""
        if not isinstance(source.type, mcuc.EmitC_ArrayType):
            return source
        element = source.type.element_type
        read_only = self.is_constant_array(source)
        cast = mcuc.CastOp(source, mcuc.EmitC_PointerType(mcuc.ConstType(element) if read_only else element))
        b.insert(cast)
        return cast.dest

    def is_constant_array(self, value: SSAValue) -> bool:
        owner = value.owner
        if not isinstance(owner, mcuc.GetGlobalOp):
            return False
        name = owner.global_name.root_reference.data
        for g in self.module.ops:
            if isinstance(g, memref.GlobalOp) and g.sym_name.data == name:
                return g.constant is not None
            if isinstance(g, mcuc.GlobalOp) and g.sym_name.data == name:
                return g.const_specifier is not None
        return False

    def offset_subview(self, b: Builder, op: memref.SubviewOp) -> None:
        """A subview at dynamic offsets (patch-schedule's band loops): its own pointer, the
        source's advanced by the offset (`base + o0*s0 + ...`), indexed from 0 with the
        source's strides; a static subview's offset instead folds into the indices."""
        source_type = op.source.type
        assert isinstance(source_type, MemRefType)
        layout = static_layout(source_type)
        if layout is None or op.source in self.offset_applied:
            raise self.error(op, f"the source layout of {source_type} is not static; only static layouts are supported")
        base, strides = layout
        sizes, steps = op.static_sizes.get_values(), op.static_strides.get_values()
        if len(sizes) != len(op.result.type.get_shape()) or any(step != 1 for step in steps):
            raise self.error(op, "a subview at a dynamic offset must keep the rank and unit strides")
        dynamic, dynamic_strides = list(op.offsets), []
        for o, n, stride, extent in zip(op.static_offsets.get_values(), sizes, strides, source_type.get_shape(), strict=True):
            if o == memref.DYNAMIC_INDEX:
                dynamic_strides.append(stride)
            elif o < 0 or o + n > extent:
                raise self.error(op, f"offset {o} and size {n} are out of bounds of {extent}")
            else:
                base += o * stride
        source = self.converted(op, op.source)
        source = self.as_pointer(b, source)
        advanced = mcuc.AddOp(source, self.linear_index(b, dynamic, (base, tuple(dynamic_strides))), source.type)
        b.insert(advanced)
        if op.result.name_hint:
            advanced.results[0].name_hint = op.result.name_hint
        self.mapping[op.result] = advanced.results[0]
        self.offset_applied[op.result] = strides
        self.erase.append(op)

    def collapse_shape(self, b: Builder, op: memref.CollapseShapeOp) -> None:
        """A collapse_shape (the flat views of the Cortex-M4 kernels) keeps its source's
        pointer: at a static offset the result type's layout carries the offset; of a
        subview at a dynamic offset the pointer holds it and the result is indexed from 0
        with the collapsed strides."""
        source_type, result_type = op.src.type, op.result.type
        assert isinstance(source_type, MemRefType) and isinstance(result_type, MemRefType)
        groups = [[d.value.data for d in group] for group in op.reassociation]
        try:
            offset, strides = collapse_layout(source_type, groups)
        except ValueError as e:
            raise self.error(op, str(e)) from None
        dynamic = op.src in self.offset_applied
        if dynamic:  # the pointer holds the offset: the result's must be dynamic too
            declared = tuple(result_type.get_strides() or ())
            mismatch = (
                f"the offset of {result_type} is static but its source's is dynamic" if result_type.get_offset() is not None
                else None if declared == strides else f"result strides {list(declared)} are not the collapsed {list(strides)}"
            )
        elif offset is None:
            mismatch = f"the layout of {source_type} is not static; only static layouts are supported"
        else:
            mismatch = layout_mismatch(result_type, (offset, strides)) and (
                f"the layout of {result_type} is not the collapsed {describe((offset, strides))}"
            )
        if mismatch:
            raise self.error(op, mismatch)
        self.mapping[op.result] = self.as_pointer(b, self.converted(op, op.src))
        if dynamic:
            self.offset_applied[op.result] = strides
        self.erase.append(op)

    def element(self, b: Builder, op: Operation, ref: SSAValue, indices) -> SSAValue:
        base = self.converted(op, ref)
        t = ref.type
        assert isinstance(t, MemRefType)
        # a subview at a dynamic offset: its pointer holds the offset
        layout = (0, self.offset_applied[ref]) if ref in self.offset_applied else static_layout(t)
        if layout is None:
            raise self.error(op, f"the layout of {t} is not static; only static layouts are supported")
        if isinstance(base.type, mcuc.EmitC_ArrayType) and (
            is_identity(t) and tuple(base.type.get_shape()) == tuple(t.get_shape())
        ):
            sub = mcuc.SubscriptOp(base, list(indices))
        else:
            if isinstance(base.type, mcuc.EmitC_ArrayType):  # a global seen through another layout
                element = base.type.element_type
                read_only = self.is_constant_array(base)
                cast = mcuc.CastOp(base, mcuc.EmitC_PointerType(mcuc.ConstType(element) if read_only else element))
                b.insert(cast)
                base = cast.dest
            sub = mcuc.SubscriptOp(base, [self.linear_index(b, list(indices), layout)])
        b.insert(sub)
        return sub.results[0]

    def linear_index(self, b: Builder, indices: list[SSAValue], layout: tuple[int, tuple[int, ...]]) -> SSAValue:
        """The layout's linear index `offset + i0*s0 + i1*s1 + ...`, folding constant terms."""
        terms: list[tuple[SSAValue | None, int]] = []  # (index value or None, multiplier)
        constant, strides = layout
        for value, stride in reversed(list(zip(indices, strides, strict=True))):
            c = constant_value(value)
            if c is not None:
                constant += c * stride
            else:
                terms.append((value, stride))
        result: SSAValue | None = None
        for value, multiplier in reversed(terms):
            term = value
            if multiplier != 1:
                m = mcuc.ConstantOp(IntegerAttr(multiplier, index))
                mul = mcuc.MulOp(value, m, index)
                b.insert(m)
                b.insert(mul)
                term = mul.results[0]
            if result is None:
                result = term
            else:
                add = mcuc.AddOp(result, term, index)
                b.insert(add)
                result = add.results[0]
        if result is None or constant:
            c = mcuc.ConstantOp(IntegerAttr(constant, index))
            b.insert(c)
            if result is None:
                return c.results[0]
            add = mcuc.AddOp(result, c, index)
            b.insert(add)
            result = add.results[0]
        return result

    def top_level(self, op: Operation) -> Operation:
        while op.parent_op() is not self.function:
            parent = op.parent_op()
            assert parent is not None
            op = parent
        return op

    def record_layer(self, store: memref.StoreOp, first_new: Operation | None) -> None:
        layer = store.attributes[LAYER_INDEX_ATTR].value.data  # type: ignore[union-attr]
        doc = store.attributes.get("tinymlir.layer_doc")
        top = last = self.top_level(store)
        if top is store:  # the store itself is about to go: anchor on the ops replacing it
            assert first_new is not None and store.prev_op is not None
            top, last = first_new, store.prev_op  # its index computation ... its assignment
        buffer = store.memref
        # a layer written through views (tiles) is dumped whole: walk up to a row-major buffer
        while not is_identity(buffer.type) and isinstance(  # type: ignore[arg-type]
            buffer.owner, memref.SubviewOp | memref.ReinterpretCastOp | memref.CastOp | memref.MemorySpaceCastOp
        ):
            buffer = buffer.owner.operands[0]
        t = buffer.type
        assert isinstance(t, MemRefType)
        size = 1
        for d in t.get_shape():
            size *= d
        entry = self.layers.setdefault(layer, [top, last, doc, buffer, size])
        entry[1] = last

    def annotate_layers(self) -> None:
        for layer, (first, last, doc, buffer, size) in sorted(self.layers.items()):
            if isinstance(doc, StringAttr):
                first.parent_block().insert_op_before(mcuc.CommentOp(doc.data), first)
            b = Builder(InsertPoint.after(last))
            data = self.mapping[buffer]
            if isinstance(data.type, mcuc.EmitC_ArrayType):
                cast = mcuc.CastOp(data, mcuc.EmitC_PointerType(data.type.element_type))
                b.insert(cast)
                data = cast.dest
            args = [mcuc.ConstantOp(IntegerAttr(layer, i32)), mcuc.ConstantOp(IntegerAttr(size, i32))]
            for a in args:
                b.insert(a)
            b.insert(mcuc.CallOpaqueOp(HOOK_MACRO, [args[0].results[0], data, args[1].results[0]]))


@dataclass(frozen=True)
class ConvertMemrefToMcucPass(ModulePass):
    """See the module docstring."""

    name = "convert-memref-to-mcuc"

    weights_section: str = ""
    """Linker section for the constant arrays (e.g. `.rodata.weights`); none by default."""

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        globals_ = [g for g in op.ops if isinstance(g, memref.GlobalOp)]
        functions = [f for f in op.ops if isinstance(f, func.FuncOp) and f.body.blocks]
        hooks = False
        for function in functions:
            conversion = FunctionConversion(op, function, self.weights_section)
            conversion.run()
            hooks = hooks or bool(conversion.layers)
        for g in globals_:
            t = g.type
            if not isinstance(t, MemRefType) or not isinstance(t.element_type, IntegerType | Float32Type):
                raise PassError(f"convert-memref-to-mcuc: global @{g.sym_name.data}: only integer and f32 arrays are supported")
            if g.initial_value is None or isinstance(g.initial_value, NoneAttr | mcuc.UnitAttr):
                raise PassError(f"convert-memref-to-mcuc: global @{g.sym_name.data}: uninitialised globals are not supported")
            alignment = g.alignment.value.data if g.alignment is not None else None
            new = mcuc.GlobalOp(
                g.sym_name.data, array_of(t), g.initial_value,
                is_const=g.constant is not None, is_static=True, alignment=alignment,
                section=(self.weights_section or None) if g.constant is not None else None,
                comment=memory_space_comment(t),
            )
            op.body.block.insert_op_before(new, g)
            g.detach()
            g.erase()
        if hooks:
            first = op.body.block.first_op
            verbatim = mcuc.VerbatimOp(HOOK_DEFAULT)
            if first is None:
                op.body.block.add_op(verbatim)
            else:
                op.body.block.insert_op_before(verbatim, first)
