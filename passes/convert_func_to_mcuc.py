"""convert-func-to-mcuc: functions, calls and returns as C functions.

What it does
    * the model's entry function (its arguments carry `tinymlir.role`, set by
      convert-kernel-to-loops) becomes `int <name>_run(const int8_t *input, ...,
      int8_t *output)` returning 0: the library's contract. Its memref arguments
      become pointers (`const` for inputs); the argument attributes move to a
      `tinymlir.interface` attribute for the header generator;
    * other functions become `static` C functions (helpers marked
      `tinymlir.inline`, such as convert-fxp-to-arith's, are small enough for the
      compiler to inline), declarations become prototypes;
    * `func.call` / `func.return` become `mcuc.call` / `mcuc.return`.

Assumes at most one result per function (C returns one value) and memref
arguments only on the entry function; the `builtin.unrealized_conversion_cast`s
it leaves between memrefs and pointers are removed by reconcile-unrealized-casts.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.builder import Builder, InsertPoint
from xdsl.context import Context
from xdsl.dialects import func
from xdsl.dialects.builtin import (
    IntegerType,
    MemRefType,
    ModuleOp,
    Signedness,
    StringAttr,
    UnrealizedConversionCastOp,
)
from xdsl.ir import Block, Region
from xdsl.passes import ModulePass

from tinymlir.dialects import mcuc
from tinymlir.errors import PassError
from tinymlir.ir_walk import walk_ops
from tinymlir.passes.convert_memref_to_mcuc import pointer_to

ENTRY_SUFFIX = "_run"
INTERFACE_ATTR = "tinymlir.interface"
C_INT = mcuc.EmitC_OpaqueType(StringAttr("int"))  # the contract says `int`, not int32_t


def is_entry(function: func.FuncOp) -> bool:
    attrs = function.arg_attrs
    return attrs is not None and any("tinymlir.role" in a.data for a in attrs)


def convert_function(module: ModuleOp, function: func.FuncOp) -> None:
    entry = is_entry(function)
    roles = [
        a.data["tinymlir.role"].data if "tinymlir.role" in a.data else "output"  # writable
        for a in function.arg_attrs
    ] if entry else []
    if entry and function.function_type.outputs.data:
        raise PassError(
            f"convert-func-to-mcuc: entry function @{function.sym_name.data} returns values; "
            "its results must be output buffers (convert-kernel-to-loops makes them so)"
        )
    inputs = list(function.function_type.inputs)
    outputs = list(function.function_type.outputs)
    if len(outputs) > 1:
        raise PassError(f"convert-func-to-mcuc: @{function.sym_name.data} returns {len(outputs)} values; C returns one")
    arg_types, body_types = [], []
    for i, t in enumerate(inputs):
        if isinstance(t, MemRefType):
            if not entry:
                raise PassError(f"convert-func-to-mcuc: @{function.sym_name.data}: memref arguments are only supported on the entry function")
            pointer = pointer_to(t, roles[i] == "input")
            body_types.append(pointer)
            storage = function.arg_attrs.data[i].data.get("tinymlir.storage")
            if isinstance(storage, StringAttr) and storage.data == "uint8":
                # uint8 tensors are bytes in the body; the signature says uint8_t.
                unsigned = IntegerType(8, Signedness.UNSIGNED)
                pointee = mcuc.ConstType(unsigned) if roles[i] == "input" else unsigned
                pointer = mcuc.EmitC_PointerType(pointee)
            arg_types.append(pointer)
        else:
            arg_types.append(t)
            body_types.append(t)
    result_types = [C_INT] if entry else outputs
    name = function.sym_name.data + (ENTRY_SUFFIX if entry else "")
    doc = function.attributes.get("tinymlir.doc")
    if not function.body.blocks:
        module.body.block.insert_op_before(mcuc.FuncOp.declaration(name, arg_types, result_types), function)
        function.detach()
        function.erase()
        return
    old = function.body.block
    block = Block(arg_types=arg_types)
    b = Builder(InsertPoint.at_start(block))
    for old_arg, new_arg, body_type in zip(old.args, block.args, body_types, strict=True):
        new_arg.name_hint = old_arg.name_hint
        if old_arg.type == new_arg.type:
            old_arg.replace_all_uses_with(new_arg)
            continue
        value = new_arg
        if new_arg.type != body_type:
            byte_pointer = mcuc.CastOp(new_arg, body_type)
            b.insert(byte_pointer)
            value = byte_pointer.dest
        # pointer -> memref, cancelled by the memref -> pointer casts of convert-memref-to-mcuc
        cast = UnrealizedConversionCastOp.get([value], [old_arg.type])
        b.insert(cast)
        old_arg.replace_all_uses_with(cast.results[0])
    for op in list(old.ops):
        op.detach()
        if isinstance(op, func.ReturnOp):
            if entry:
                zero = mcuc.LiteralOp("0", C_INT)
                block.add_ops([zero, mcuc.ReturnOp(zero)])
            else:
                block.add_op(mcuc.ReturnOp(op.operands[0] if op.operands else None))
            op.erase()
        else:
            block.add_op(op)
    new = mcuc.FuncOp(
        name, (arg_types, result_types), Region(block), is_static=not entry,
        comment=doc.data if doc is not None else None,
    )
    if entry:  # what the header generator needs: the I/O contract and the planned RAM
        new.attributes[INTERFACE_ATTR] = function.arg_attrs
        for key in ("tinymlir.arena_size", "tinymlir.arena_lower_bound", "tinymlir.arena_plan", "tinymlir.patch_schedule"):
            if key in function.attributes:
                new.attributes[key] = function.attributes[key]
    module.body.block.insert_op_before(new, function)
    function.detach()
    function.erase(safe_erase=False)


@dataclass(frozen=True)
class ConvertFuncToMcucPass(ModulePass):
    """See the module docstring."""

    name = "convert-func-to-mcuc"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        renamed = {
            f.sym_name.data: f.sym_name.data + ENTRY_SUFFIX
            for f in op.ops if isinstance(f, func.FuncOp) and is_entry(f)
        }
        for call in [c for c in walk_ops(op) if isinstance(c, func.CallOp)]:
            callee = call.callee.root_reference.data
            if callee in renamed:
                raise PassError(
                    f"convert-func-to-mcuc: @{callee} is the model's entry function; calling it "
                    "from the generated code is not supported"
                )
            new = mcuc.CallOp(renamed.get(callee, callee), list(call.arguments), [r.type for r in call.results])
            Builder(InsertPoint.before(call)).insert(new)
            for old, result in zip(call.results, new.results, strict=True):
                old.replace_all_uses_with(result)
            call.detach()
            call.erase()
        for function in [f for f in op.ops if isinstance(f, func.FuncOp)]:
            convert_function(op, function)
