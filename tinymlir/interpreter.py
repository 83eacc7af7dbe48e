"""Runs loop-level IR (func/scf/arith/memref + fxp) with xDSL's interpreter.

xDSL interprets the upstream dialects; this module adds what it lacks for
tinymlir's kernel level (each `qk` op by its numpy semantics, tinymlir.kernel_reference) and loop level: the `fxp` fixed-point primitives (executed by
`tinymlir.fixedpoint`, the same code the qnn reference executor uses), integer
width changes, signed min/max, unsigned division and `memref.reinterpret_cast`;
and float32-exact versions of the f32 ops of the onnx numerics mode (xDSL computes
them in double precision, one rounding short): each op rounds its result to float32,
as the C does (tinymlir/onnx_numerics.py's arithmetic, one operation at a time).
It is slow (pure Python per scalar op) and meant for checking passes on small
graphs against the qnn reference executor, not for running models.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from xdsl.dialects import arith, func, memref
from xdsl.dialects import math as mathd
from xdsl.dialects.builtin import Float32Type, IntegerType, MemRefType, ModuleOp
from xdsl.interpreter import Interpreter, InterpreterFunctions, PythonValues, impl, register_impls
from xdsl.interpreters import arith as xarith
from xdsl.interpreters import builtin as xbuiltin
from xdsl.interpreters import func as xfunc
from xdsl.interpreters import memref as xmemref
from xdsl.interpreters import scf as xscf
from xdsl.interpreters.shaped_array import ShapedArray
from xdsl.interpreters.utils.ptr import TypedPtr

from tinymlir import fixedpoint as fp
from tinymlir.dialects import fxp, mcuc, patch
from tinymlir.dialects import kernel as qk
from tinymlir.errors import ExecutionError
from tinymlir.strided_memref_interpreter import StridedMemRefFunctions


def _signed(value: int, width: int) -> int:
    value &= (1 << width) - 1
    return value - (1 << width) if value >> (width - 1) else value


def _scalar(array) -> int:
    return int(np.asarray(array).reshape(-1)[0])


def _f32_binary(op, a, b, compute):
    """`compute` on float32 operands when the op is on f32 (one float32 rounding), else on
    Python floats (double), as xDSL does."""
    if isinstance(op.result.type, Float32Type):
        with np.errstate(all="ignore"):
            return (float(compute(np.float32(a), np.float32(b))),)
    return (float(compute(float(a), float(b))),)


def _ieee_maximum(a, b):
    """arith.maximumf: NaN if either is NaN, and -0.0 < +0.0."""
    if a != a or b != b:
        return float("nan")
    if a == b:
        return b if math.copysign(1.0, a) < 0 else a
    return a if a > b else b


def _ieee_minimum(a, b):
    if a != a or b != b:
        return float("nan")
    if a == b:
        return a if math.copysign(1.0, a) < 0 else b
    return a if a < b else b


@register_impls
class Float32Functions(InterpreterFunctions):
    """float32-exact f32 arithmetic; registered over xDSL's (double) ones with override=True."""

    @impl(arith.AddfOp)
    def run_addf(self, interpreter: Interpreter, op, args: PythonValues) -> PythonValues:
        return _f32_binary(op, args[0], args[1], lambda a, b: a + b)

    @impl(arith.SubfOp)
    def run_subf(self, interpreter: Interpreter, op, args: PythonValues) -> PythonValues:
        return _f32_binary(op, args[0], args[1], lambda a, b: a - b)

    @impl(arith.MulfOp)
    def run_mulf(self, interpreter: Interpreter, op, args: PythonValues) -> PythonValues:
        return _f32_binary(op, args[0], args[1], lambda a, b: a * b)

    @impl(arith.DivfOp)
    def run_divf(self, interpreter: Interpreter, op, args: PythonValues) -> PythonValues:
        return _f32_binary(op, args[0], args[1], lambda a, b: np.divide(a, b))

    @impl(arith.MaximumfOp)
    def run_maximumf(self, interpreter: Interpreter, op, args: PythonValues) -> PythonValues:
        return (_ieee_maximum(float(args[0]), float(args[1])),)

    @impl(arith.MinimumfOp)
    def run_minimumf(self, interpreter: Interpreter, op, args: PythonValues) -> PythonValues:
        return (_ieee_minimum(float(args[0]), float(args[1])),)

    @impl(arith.SIToFPOp)
    def run_sitofp(self, interpreter: Interpreter, op, args: PythonValues) -> PythonValues:
        value = float(_signed(int(args[0]), op.input.type.width.data))  # exact for <= 53 bits
        return (float(np.float32(value)) if isinstance(op.result.type, Float32Type) else value,)

    @impl(arith.FPToSIOp)
    def run_fptosi(self, interpreter: Interpreter, op, args: PythonValues) -> PythonValues:
        value, width = float(args[0]), op.result.type.width.data
        if not (math.isfinite(value) and -(2.0 ** (width - 1)) <= math.trunc(value) < 2.0 ** (width - 1)):
            raise ExecutionError(f"arith.fptosi: {value} does not fit i{width} (undefined in C)")
        return (int(math.trunc(value)),)

    @impl(mathd.RoundEvenOp)
    def run_roundeven(self, interpreter: Interpreter, op, args: PythonValues) -> PythonValues:
        return (float(np.rint(np.float32(args[0]) if isinstance(op.result.type, Float32Type) else float(args[0]))),)


@register_impls
class TinymlirLoopFunctions(InterpreterFunctions):
    @impl(fxp.MultiplyByQuantizedMultiplierOp)
    def run_mbqm(self, interpreter: Interpreter, op, args: PythonValues) -> PythonValues:
        return (_scalar(fp.multiply_by_quantized_multiplier(args[0], args[1], args[2])),)

    @impl(fxp.SaturatingRoundingDoublingHighMulOp)
    def run_srdhm(self, interpreter: Interpreter, op, args: PythonValues) -> PythonValues:
        return (_scalar(fp.saturating_rounding_doubling_high_mul(args[0], args[1])),)

    @impl(fxp.RoundingDivideByPOTOp)
    def run_rdbpot(self, interpreter: Interpreter, op, args: PythonValues) -> PythonValues:
        return (_scalar(fp.rounding_divide_by_pot(args[0], args[1])),)

    @impl(fxp.ExpOnNegativeValuesOp)
    def run_exp(self, interpreter: Interpreter, op, args: PythonValues) -> PythonValues:
        return (_scalar(fp.exp_on_negative_values(args[0], op.integer_bits.value.data)),)

    @impl(fxp.GetReciprocalOp)
    def run_reciprocal(self, interpreter: Interpreter, op, args: PythonValues) -> PythonValues:
        recip, bits = fp.get_reciprocal(np.asarray([args[0]]), op.integer_bits.value.data)
        return (_scalar(recip), _scalar(bits))

    @impl(mcuc.SmladOp)
    def run_smlad(self, interpreter: Interpreter, op: mcuc.SmladOp, args: PythonValues) -> PythonValues:
        return (mcuc.smlad(*args),)

    @impl(mcuc.Sxtb16Op)
    def run_sxtb16(self, interpreter: Interpreter, op: mcuc.Sxtb16Op, args: PythonValues) -> PythonValues:
        return (mcuc.sxtb16(args[0], op.rotation),)

    @impl(mcuc.SmmulrOp)
    def run_smmulr(self, interpreter: Interpreter, op: mcuc.SmmulrOp, args: PythonValues) -> PythonValues:
        return (mcuc.smmulr(args[0], args[1]),)

    @impl(mcuc.SsatOp)
    def run_ssat(self, interpreter: Interpreter, op: mcuc.SsatOp, args: PythonValues) -> PythonValues:
        return (mcuc.ssat(int(args[0]), op.width),)

    @impl(mcuc.Sxtab16Op)
    def run_sxtab16(self, interpreter: Interpreter, op: mcuc.Sxtab16Op, args: PythonValues) -> PythonValues:
        return (mcuc.sxtab16(args[0], args[1], op.rotation),)

    @impl(mcuc.LoadS8x4Op)
    def run_load_s8x4(self, interpreter: Interpreter, op: mcuc.LoadS8x4Op, args: PythonValues) -> PythonValues:
        array, *indices = args
        first = [int(i) for i in indices]
        return (mcuc.pack_s8x4(array.load((*first[:-1], first[-1] + j)) for j in range(4)),)

    @impl(mcuc.LoadWordsOp)
    def run_load_words(self, interpreter: Interpreter, op: mcuc.LoadWordsOp, args: PythonValues) -> PythonValues:
        array, *indices = args
        first = [int(i) for i in indices]
        return tuple(array.load((*first[:-1], first[-1] + j)) for j in range(len(op.words)))

    @impl(arith.ExtSIOp)
    def run_extsi(self, interpreter: Interpreter, op, args: PythonValues) -> PythonValues:
        return (_signed(int(args[0]), op.input.type.width.data),)

    @impl(arith.ExtUIOp)
    def run_extui(self, interpreter: Interpreter, op, args: PythonValues) -> PythonValues:
        return (int(args[0]) & ((1 << op.input.type.width.data) - 1),)

    @impl(arith.TruncIOp)
    def run_trunci(self, interpreter: Interpreter, op, args: PythonValues) -> PythonValues:
        return (_signed(int(args[0]), op.result.type.width.data),)

    @impl(arith.MaxSIOp)
    def run_maxsi(self, interpreter: Interpreter, op, args: PythonValues) -> PythonValues:
        return (max(args[0], args[1]),)

    @impl(arith.MinSIOp)
    def run_minsi(self, interpreter: Interpreter, op, args: PythonValues) -> PythonValues:
        return (min(args[0], args[1]),)

    @impl(arith.DivUIOp)
    def run_divui(self, interpreter: Interpreter, op, args: PythonValues) -> PythonValues:
        return (args[0] // args[1],)

    @impl(arith.RemUIOp)
    def run_remui(self, interpreter: Interpreter, op, args: PythonValues) -> PythonValues:
        return (args[0] % args[1],)  # index values of the row ring: never negative

    @impl(mathd.CountLeadingZerosOp)
    def run_ctlz(self, interpreter: Interpreter, op, args: PythonValues) -> PythonValues:
        width = op.result.type.width.data
        return (width - (int(args[0]) & ((1 << width) - 1)).bit_length(),)

    @impl(memref.ViewOp)
    def run_view(self, interpreter: Interpreter, op, args: PythonValues) -> PythonValues:
        source: ShapedArray[Any] = args[0]
        raw = source.data_ptr.raw + int(args[1])  # aliases the arena's bytes
        pointer = TypedPtr(raw, xtype=op.result.type.element_type)
        return (ShapedArray(pointer, list(op.result.type.get_shape())),)

    @impl(memref.ReinterpretCastOp)
    def run_reinterpret_cast(self, interpreter: Interpreter, op, args: PythonValues) -> PythonValues:
        source: ShapedArray[Any] = args[0]
        return (ShapedArray(source.data_ptr, list(op.result.type.get_shape())),)


    @impl(memref.CopyOp)
    def run_copy(self, interpreter: Interpreter, op, args: PythonValues) -> PythonValues:
        source, destination = args
        for i in range(math.prod(source.shape)):
            destination.data_ptr[i] = source.data_ptr[i]
        return ()


@register_impls
class PatchFunctions(InterpreterFunctions):
    """A patched stage runs its body once; a band loop its body once per band, a guard in
    it in its bands only; a fill stores its value everywhere."""

    @impl(patch.StageOp)
    def run_stage(self, interpreter: Interpreter, op: patch.StageOp, args: PythonValues) -> PythonValues:
        interpreter.run_ssacfg_region(op.body, (), "patch_stage")
        return ()

    @impl(patch.BandLoopOp)
    def run_band_loop(self, interpreter: Interpreter, op: patch.BandLoopOp, args: PythonValues) -> PythonValues:
        first, end = op.band_range
        for band in range(end - first):
            interpreter.run_ssacfg_region(op.body, (band,), "band_loop")
        return ()

    @impl(patch.GuardOp)
    def run_guard(self, interpreter: Interpreter, op: patch.GuardOp, args: PythonValues) -> PythonValues:
        loop = op.parent_op()
        assert isinstance(loop, patch.BandLoopOp)
        lo, hi = op.band_range
        if lo <= int(args[0]) + loop.band_range[0] < hi:
            interpreter.run_ssacfg_region(op.body, (), "guard")
        return ()

    @impl(patch.FillOp)
    def run_fill(self, interpreter: Interpreter, op: patch.FillOp, args: PythonValues) -> PythonValues:
        for index in args[0].indices():
            args[0].store(index, op.value.value.data)
        return ()


def _read(array: ShapedArray, unsigned: bool) -> np.ndarray:
    """A buffer's elements (any layout) as a numpy array; i8 storage of uint8 data as 0..255."""
    values = np.asarray(array.data).reshape(array.shape)
    if values.dtype.kind == "f":
        return values.astype(np.float32)
    values = values.astype(np.int64)
    return values & 0xFF if unsigned else values


def _run_kernel(op: qk.KernelOp, args: PythonValues) -> PythonValues:
    """Runs one qk op by its reference semantics (tinymlir.kernel_reference, not its loop
    lowering, so that convert-kernel-to-loops is checked against an independent version),
    writing the outs buffer."""
    from tinymlir.kernel_reference import compute

    *ins, outs = args
    unsigned = [t.is_unsigned for t in op.input_types.data]
    arrays = [_read(a, i < len(unsigned) and unsigned[i]) for i, a in enumerate(ins)]
    result = compute(op, arrays)
    expected = tuple(op.output_type.get_shape())
    if result.shape != expected:
        raise ExecutionError(f"{op.name}: computed shape {list(result.shape)}, expected {list(expected)}")
    stored = (np.asarray(result, np.int64) + 128) % 256 - 128  # the i8 bit pattern
    for index, value in zip(outs.indices(), stored.reshape(-1).tolist(), strict=True):
        outs.store(index, value)
    return ()


def _kernel_impl(op_class: type[qk.KernelOp]):
    @impl(op_class)
    def run(self, interpreter: Interpreter, op, args: PythonValues) -> PythonValues:
        return _run_kernel(op, args)

    return run


#: The qk ops, each by its reference semantics (tinymlir.kernel_reference).
KernelFunctions = register_impls(type(
    "KernelFunctions", (InterpreterFunctions,),
    {f"run_{op_class.name[3:]}": _kernel_impl(op_class) for op_class in qk.KERNEL_OPS},
))


def loop_interpreter(module: ModuleOp) -> Interpreter:
    """An interpreter of loop-level and kernel-level IR over `module`."""
    interpreter = Interpreter(module)
    for functions_impl in (
        xfunc.FuncFunctions(), xarith.ArithFunctions(), xmemref.MemRefFunctions(),
        xscf.ScfFunctions(), xbuiltin.BuiltinFunctions(), TinymlirLoopFunctions(), KernelFunctions(), PatchFunctions(),
    ):
        interpreter.register_implementations(functions_impl)
    interpreter.register_implementations(Float32Functions(), override=True)
    # strided layouts: subview, reinterpret_cast with an offset, copy (tinymlir.strided_memref_interpreter)
    interpreter.register_implementations(StridedMemRefFunctions(), override=True)
    return interpreter


def interface(function: func.FuncOp) -> list[tuple[str, bool]]:
    """(role, unsigned storage) of each argument: from the kernel level's `qk.ports`, or
    the loop level's argument attributes (none: inputs of int8)."""
    if qk.PORTS_ATTR in function.attributes:
        return [(p.role.data, p.type.is_unsigned) for p in qk.verify_ports(function)]
    if not function.arg_attrs:
        return [("input", False)] * len(function.args)
    return [
        (a.data["tinymlir.role"].data, a.data["tinymlir.storage"].data == "uint8")
        for a in function.arg_attrs.data
    ]


def run_loops(module: ModuleOp, inputs: Sequence[np.ndarray], function: str | None = None,
              listeners: Sequence[Interpreter.Listener] = ()) -> list[np.ndarray]:
    """Calls the buffer-level function (loop or kernel level) with `inputs`; returns its
    output buffers (int8/uint8). `listeners` observe every op run (xDSL's Interpreter.Listener)."""
    functions = [f for f in module.ops if isinstance(f, func.FuncOp) and f.body.blocks]
    if function is not None:
        functions = [f for f in functions if f.sym_name.data == function]
    if len(functions) != 1:
        raise ExecutionError("expected exactly one function to run")
    target = functions[0]
    interpreter = loop_interpreter(module)
    interpreter.listeners = tuple(listeners)
    args, outputs, storage = [], [], []
    inputs = list(inputs)
    for arg, (role, unsigned) in zip(target.args, interface(target), strict=True):
        t = arg.type
        assert isinstance(t, MemRefType) and isinstance(t.element_type, IntegerType)
        shape = list(t.get_shape())
        if role == "input":
            data = np.asarray(inputs.pop(0)).astype(np.int64).reshape(-1)
            if unsigned:
                data = np.where(data > 127, data - 256, data)
        else:
            data = np.zeros(int(np.prod(shape)), np.int64)
        array = ShapedArray(TypedPtr.new([int(v) for v in data], xtype=t.element_type), shape)
        args.append(array)
        if role == "output":
            outputs.append(array)
            storage.append(np.uint8 if unsigned else np.int8)
    interpreter.call_op(target, tuple(args))
    return [
        np.asarray(a.data, np.int64).astype(np.int8).view(dtype).reshape(a.shape)
        for a, dtype in zip(outputs, storage, strict=True)
    ]
