"""convert-qnn-to-kernel: bufferise `qnn` functions into `qk` kernel ops on memrefs.

What it does
    Every function of qnn ops on tensors becomes a function on buffers whose body is one
    `qk` op per layer (dialects/kernel.py), in destination-passing style:
    * quantised arguments become `memref<...xi8>` arguments and results become output
      arguments (the C signature `int f(const int8_t *in, int8_t *out)`); a float
      interface (qnn.quantize of an argument, qnn.dequantize of a result) is stripped:
      the function takes and returns the quantised tensors. The ports (role, C name and
      quantised type of every argument) are one verified function attribute, `qk.ports`;
    * weights (minus their zero point), biases (with the input zero point folded in when
      no padding tap is skipped) and per-channel requantisation tables become constant
      `memref.global`s, read by `memref.get_global`; per-channel parameters on which all
      channels agree become scalar properties of the op instead;
    * every other value gets a `memref.alloc` of its own (kernel-in-place may then reuse
      a dying input; plan-arena places the rest); qnn.reshape is a
      `memref.reinterpret_cast` of its input (no copy); a result that is not computed
      into its output argument is copied there with `memref.copy`.

Semantics are TFLite Micro's int8 reference kernels bit for bit, or onnxruntime's float32
output stages in the module's `onnx` numerics mode (qnn.numerics_of); this pass only
precomputes their constants (tinymlir/fixedpoint.py, tinymlir/onnx_numerics.py).

Cost model
    None: every decision here is forced. Parameters that fit int8 (shifts, weights) are
    stored as int8 (flash), others as int16 / int32.

Assumes verified qnn IR with constant weights and biases (qnn.constant / arith.constant),
and qnn.quantize / qnn.dequantize only at the function boundary; anything else is refused
with an error naming the op.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from xdsl.builder import Builder, InsertPoint
from xdsl.context import Context
from xdsl.dialects import arith, func, memref
from xdsl.dialects.builtin import (
    ArrayAttr,
    BytesAttr,
    DenseArrayBase,
    DenseIntOrFPElementsAttr,
    FloatAttr,
    FunctionType,
    IntegerAttr,
    MemRefType,
    ModuleOp,
    StringAttr,
    TensorType,
    UnitAttr,
    f32,
    i8,
    i16,
    i32,
    i64,
)
from xdsl.ir import Block, Operation, Region, SSAValue
from xdsl.passes import ModulePass
from xdsl.utils.exceptions import DiagnosticException

from tinymlir import fixedpoint as fp
from tinymlir import onnx_numerics as onnx_fp
from tinymlir.c_names import c_identifier
from tinymlir.dialects import kernel as qk
from tinymlir.dialects import qnn
from tinymlir.errors import PassError
from tinymlir.layers import numbered_layers
from tinymlir.reference import average_pool_rescale_tables, dense_to_numpy
from tinymlir.target import target_of

NAME = "convert-qnn-to-kernel"


def _ints(attr) -> list[int]:
    return [int(v) for v in attr.get_values()]


def _clamp(op, out: qnn.QTensorType) -> list[int]:
    if getattr(op, "clamp", None) is None:
        return [out.storage_min, out.storage_max]
    return _ints(op.clamp)


def buffer_type(t: qnn.QTensorType) -> MemRefType:
    # arith works on signless integers: uint8 storage is `i8` too, widened with extui.
    return MemRefType(i8, t.get_shape())


@dataclass
class FunctionConversion:
    """Converts one qnn function; `buffers` maps tensor values to memrefs."""

    module: ModuleOp
    function: func.FuncOp
    symbols: set[str]
    numerics: qnn.Numerics = qnn.Numerics.TFLM
    #: bytes, of every buffer and weight array (the target description's `alignment`)
    alignment: int = 4

    @property
    def onnx(self) -> bool:
        return self.numerics == qnn.Numerics.ONNX

    def error(self, op: Operation, message: str) -> PassError:
        name = op.results[0].name_hint if op.results and op.results[0].name_hint else op.name
        return PassError(f"{NAME}: {op.name} '{name}': {message}")

    # -- module-level constants ------------------------------------------------ #
    def global_constant(self, base: str, array: np.ndarray, element_type) -> tuple[str, MemRefType]:
        base = c_identifier(base)  # a symbol, and later a C identifier
        name, suffix = base, 1
        while name in self.symbols:
            name, suffix = f"{base}_{suffix}", suffix + 1
        self.symbols.add(name)
        shape = list(array.shape)
        value = DenseIntOrFPElementsAttr(
            TensorType(element_type, shape), BytesAttr(np.ascontiguousarray(array).tobytes())
        )
        mtype = MemRefType(element_type, shape)
        g = memref.GlobalOp.get(StringAttr(name), mtype, value, constant=UnitAttr(), alignment=self.alignment)
        self.module.body.block.insert_op_before(g, self.function)
        return name, mtype

    def get_global(self, base: str, array: np.ndarray, element_type=i8) -> SSAValue:
        name, mtype = self.global_constant(base, array, element_type)
        op = memref.GetGlobalOp(name, mtype)
        self.builder.insert(op)
        op.memref.name_hint = name
        return op.memref

    def per_channel(self, base: str, values: np.ndarray, tables: list[SSAValue]) -> IntegerAttr | None:
        """A scalar property if all channels agree, else a constant table appended to `tables`."""
        if np.all(values == values[0]):
            return IntegerAttr(int(values[0]), i32)
        if values.min() >= -128 and values.max() <= 127:  # shifts: one byte each in flash
            tables.append(self.get_global(base, values.astype(np.int8), i8))
        else:
            tables.append(self.get_global(base, values.astype(np.int32), i32))
        return None

    def output_scales(self, op, name: str, channels: int, tables: list[SSAValue]) -> FloatAttr | None:
        """onnx: S_c = f32(f32(sx * sw[c]) / sy) per output channel, a scalar or an f32 table."""
        xt, wt, out = op.input.type, op.weight.type, op.output.type
        try:
            scales = onnx_fp.conv_output_scales(xt.scale, wt.scale_values, out.scale)
        except ValueError as exc:
            raise self.error(op, str(exc)) from None
        scales = np.broadcast_to(scales, (channels,))
        if np.all(scales == scales[0]):
            return FloatAttr(float(np.float32(scales[0])), f32)
        tables.append(self.get_global(f"{name}_scale", np.ascontiguousarray(scales), f32))
        return None

    def output_stage(self, op, name: str, channels: int, mult, shift, tables: list[SSAValue]) -> dict:
        if self.onnx:
            scale = self.output_scales(op, name, channels, tables)
            return {} if scale is None else {"scale": scale}
        props = {}
        multiplier = self.per_channel(f"{name}_multiplier", np.broadcast_to(np.asarray(mult), (channels,)), tables)
        if multiplier is not None:
            props["multiplier"] = multiplier
        shift_attr = self.per_channel(f"{name}_shift", np.broadcast_to(np.asarray(shift), (channels,)), tables)
        if shift_attr is not None:
            props["shift"] = shift_attr
        return props

    def checked_scale(self, op, t: qnn.QTensorType) -> None:
        try:
            onnx_fp.check_dequantised_range(t.scale)
        except ValueError as exc:
            raise self.error(op, str(exc)) from None

    # -- driver ---------------------------------------------------------------- #
    def run(self) -> None:
        block = self.function.body.block
        ret = block.last_op
        assert isinstance(ret, func.ReturnOp)
        self.buffers: dict[SSAValue, SSAValue] = {}
        ports: list[qk.PortAttr] = []
        new_block = Block()
        boundary_ops: set[Operation] = set()
        for arg in block.args:
            t = arg.type
            uses = [u.operation for u in arg.uses]
            if isinstance(t, TensorType):  # float interface: must be quantised right away
                if len(uses) != 1 or not isinstance(uses[0], qnn.QuantizeOp):
                    raise PassError(
                        f"{NAME}: a float argument must feed exactly one qnn.quantize "
                        "(no float computation on the device)"
                    )
                boundary_ops.add(uses[0])
                t = uses[0].output.type
                mapped_from = uses[0].output
            else:
                mapped_from = arg
            new_arg = new_block.insert_arg(buffer_type(t), len(new_block.args))
            new_arg.name_hint = arg.name_hint
            self.buffers[mapped_from] = new_arg
            ports.append(qk.PortAttr(StringAttr("input"), StringAttr(arg.name_hint or "input"), t))
        outputs: list[SSAValue] = []
        for value in ret.operands:
            source = value
            if isinstance(value.type, TensorType):
                owner = value.owner
                if not isinstance(owner, qnn.DequantizeOp):
                    raise PassError(f"{NAME}: a float result must come from qnn.dequantize")
                boundary_ops.add(owner)
                source = owner.input
            out_arg = new_block.insert_arg(buffer_type(source.type), len(new_block.args))
            out_arg.name_hint = (value.name_hint or "output") + "_out"
            outputs.append(source)
            ports.append(qk.PortAttr(StringAttr("output"), StringAttr(value.name_hint or "output"), source.type))
        # Results written straight into the output buffers, unless they alias something else.
        out_args = new_block.args[len(block.args):]
        self.output_buffer: dict[SSAValue, SSAValue] = {}
        for source, out_arg in zip(outputs, out_args, strict=True):
            if source not in self.buffers and source not in self.output_buffer and not isinstance(
                source.owner, qnn.ReshapeOp
            ):
                self.output_buffer[source] = out_arg

        self.builder = Builder(InsertPoint.at_end(new_block))
        # Hook indices come from the one layer rule; interior quantize/dequantize (not layers)
        # are refused by their converters, so every converted op that succeeds has an index.
        layer_index = {id(op): index for index, op in numbered_layers(block.ops)}
        for op in list(block.ops):
            if op is ret or op in boundary_ops or isinstance(op, qnn.ConstantOp | arith.ConstantOp):
                continue
            self.convert(op, layer_index.get(id(op), -1))
        for source, out_arg in zip(outputs, out_args, strict=True):
            if self.buffers[source] is not out_arg:
                self.builder.insert(memref.CopyOp(self.buffers[source], out_arg))
        self.builder.insert(func.ReturnOp())

        new_type = FunctionType.from_lists([a.type for a in new_block.args], [])
        new_function = func.FuncOp(
            self.function.sym_name.data, new_type, Region(new_block), self.function.sym_visibility
        )
        new_function.attributes[qk.PORTS_ATTR] = ArrayAttr(ports)
        self.module.body.block.insert_op_before(new_function, self.function)
        self.function.detach()
        self.function.erase(safe_erase=False)

    def convert(self, op: Operation, layer: int) -> None:
        handler = getattr(self, "convert_" + op.name.replace("qnn.", ""), None)
        if handler is None or not op.name.startswith("qnn."):
            raise self.error(op, f"is not supported by {NAME}")
        handler(op, layer)

    def constant_of(self, op: Operation, value: SSAValue) -> np.ndarray:
        owner = value.owner
        if isinstance(owner, qnn.ConstantOp | arith.ConstantOp) and isinstance(
            owner.value, DenseIntOrFPElementsAttr
        ):
            return dense_to_numpy(owner.value).astype(np.int64)
        raise self.error(op, "weights and biases must be compile-time constants")

    def inp(self, op: Operation, value: SSAValue) -> SSAValue:
        if value not in self.buffers and isinstance(value.owner, qnn.ConstantOp):
            # A constant data operand (e.g. quantize_static's int8 bias of a MatMul head's Add)
            # is read from flash; in-place reuse never picks it (it is no allocation).
            array = dense_to_numpy(value.owner.value).astype(np.int64)
            raw = array.astype(np.uint8 if value.type.is_unsigned else np.int8).view(np.int8)
            self.buffers[value] = self.get_global(value.name_hint or "constant", raw, i8)
        if value not in self.buffers:
            raise self.error(op, "operand has no buffer (unsupported producer)")
        return self.buffers[value]

    def result_buffer(self, value: SSAValue) -> SSAValue:
        if value in self.output_buffer:
            buf = self.output_buffer[value]
        else:
            alloc = memref.AllocOp.get(i8, self.alignment, value.type.get_shape())
            self.builder.insert(alloc)
            buf = alloc.memref
            buf.name_hint = value.name_hint
        self.buffers[value] = buf
        return buf

    def emit(self, kind: type[qk.KernelOp], op: Operation, layer: int, ins, data_types, **props) -> None:
        out = op.results[0]
        y = self.result_buffer(out)
        self.builder.insert(kind.make(
            ins, y, layer=layer, layer_name=out.name_hint or op.name, input_types=data_types,
            output_type=out.type, clamp=_clamp(op, out.type), **props,
        ))

    @property
    def numerics_attr(self) -> qnn.NumericsAttr:
        return qnn.NumericsAttr(self.numerics)

    # -- ops ------------------------------------------------------------------- #
    def convert_quantize(self, op, layer):
        raise self.error(op, "float quantisation inside the graph is not supported (only at the inputs)")

    def convert_dequantize(self, op, layer):
        raise self.error(op, "float dequantisation inside the graph is not supported (only at the outputs)")

    def convert_reshape(self, op: qnn.ReshapeOp, layer: int) -> None:
        shape = list(op.output.type.get_shape())
        strides = [int(np.prod(shape[i + 1 :])) for i in range(len(shape))]
        cast = memref.ReinterpretCastOp(self.inp(op, op.input), [], [], [], [0], shape, strides, MemRefType(i8, shape))
        self.builder.insert(cast)
        cast.result.name_hint = op.output.name_hint
        self.buffers[op.output] = cast.result

    def convert_conv2d(self, op: qnn.Conv2DOp, layer: int) -> None:
        xt, wt, out = op.input.type, op.weight.type, op.output.type
        x = self.inp(op, op.input)
        weights = self.constant_of(op, op.weight)
        bias = self.constant_of(op, op.bias)
        c_out = out.get_shape()[3]
        w_zp = np.asarray(wt.zero_point_values, np.int64).reshape(-1, 1, 1, 1)
        weights = weights - w_zp  # exact: non-zero only for asymmetric (uint8) weights
        name = op.output.name_hint or "conv"
        if not any(_ints(op.pads)):  # sum_k (x - zx) w = sum_k x w - zx sum_k w
            bias = bias - xt.zero_point * weights.reshape(c_out, -1).sum(axis=1)
        if np.any(np.abs(bias) > 2**31 - 1):
            raise self.error(op, "folded bias overflows int32")
        narrow = weights.min() >= -128 and weights.max() <= 127
        w_buf = self.get_global(f"{name}_weight", weights.astype(np.int8 if narrow else np.int16), i8 if narrow else i16)
        b_buf = self.get_global(f"{name}_bias", bias.astype(np.int32), i32)
        tables: list[SSAValue] = []
        mult = shift = None
        if not self.onnx:
            mult, shift = fp.conv_output_multipliers(xt.scale, np.asarray(wt.scale_values), out.scale, c_out)
        stage = self.output_stage(op, name, c_out, mult, shift, tables)
        self.emit(qk.Conv2DOp, op, layer, [x, w_buf, b_buf, *tables], [xt], numerics=self.numerics_attr,
                  strides=op.strides, pads=op.pads, dilations=op.dilations, groups=op.groups, **stage)

    def convert_dense(self, op: qnn.DenseOp, layer: int) -> None:
        xt, wt, out = op.input.type, op.weight.type, op.output.type
        x = self.inp(op, op.input)
        w_zp = np.asarray(wt.zero_point_values, np.int64).reshape(-1, 1)
        weights = self.constant_of(op, op.weight) - w_zp
        bias = self.constant_of(op, op.bias) - xt.zero_point * weights.sum(axis=1)
        units = out.get_shape()[1]
        name = op.output.name_hint or "dense"
        narrow = weights.min() >= -128 and weights.max() <= 127
        w_buf = self.get_global(f"{name}_weight", weights.astype(np.int8 if narrow else np.int16), i8 if narrow else i16)
        b_buf = self.get_global(f"{name}_bias", bias.astype(np.int32), i32)
        scales = wt.scale_values
        tables: list[SSAValue] = []
        mult = shift = None
        if not self.onnx:
            mult, shift = fp.fully_connected_output_multiplier(
                xt.scale, scales[0] if len(scales) == 1 else np.asarray(scales), out.scale
            )
        stage = self.output_stage(op, name, units, mult, shift, tables)
        self.emit(qk.DenseOp, op, layer, [x, w_buf, b_buf, *tables], [xt], numerics=self.numerics_attr, **stage)

    def convert_add(self, op: qnn.AddOp, layer: int) -> None:
        at, bt, out = op.lhs.type, op.rhs.type, op.output.type
        a, b = self.inp(op, op.lhs), self.inp(op, op.rhs)
        props = {}
        if self.onnx:
            self.checked_scale(op, at)
            self.checked_scale(op, bt)
        else:
            p = fp.add_params(at.scale, at.zero_point, bt.scale, bt.zero_point, out.scale, out.zero_point)
            props["params"] = DenseArrayBase.from_list(i64, [int(p[k]) for k in qk.ADD_PARAMS])
        self.emit(qk.AddOp, op, layer, [a, b], [at, bt], numerics=self.numerics_attr, **props)

    def convert_requantize(self, op: qnn.RequantizeOp, layer: int) -> None:
        src, out = op.input.type, op.output.type
        x = self.inp(op, op.input)
        mult, shift = fp.quantize_multiplier(float(np.float32(src.scale)) / float(np.float32(out.scale)))
        props = {} if self.onnx else {"multiplier": IntegerAttr(mult, i32), "shift": IntegerAttr(shift, i32)}
        self.emit(qk.RequantizeOp, op, layer, [x], [src], numerics=self.numerics_attr, **props)

    def convert_avg_pool2d(self, op: qnn.AvgPool2DOp, layer: int) -> None:
        xt, out = op.input.type, op.output.type
        props = {"kernel": op.kernel, "strides": op.strides, "pads": op.pads, "numerics": self.numerics_attr}
        if self.onnx:
            self.checked_scale(op, xt)
            if op.onnx_form is not None:
                props["onnx_form"] = op.onnx_form
        x = self.inp(op, op.input)
        tables = []
        if not self.onnx and not xt.same_params(out):
            kh, kw = _ints(op.kernel)
            mult, shift = average_pool_rescale_tables(xt.scale, out.scale, kh * kw)
            name = op.output.name_hint or "pool"
            tables = [
                self.get_global(f"{name}_multiplier", mult.astype(np.int32), i32),
                self.get_global(f"{name}_shift", shift.astype(np.int32), i32),
            ]
        self.emit(qk.AvgPool2DOp, op, layer, [x, *tables], [xt], **props)

    def convert_max_pool2d(self, op: qnn.MaxPool2DOp, layer: int) -> None:
        x = self.inp(op, op.input)
        self.emit(qk.MaxPool2DOp, op, layer, [x], [op.input.type], kernel=op.kernel, strides=op.strides, pads=op.pads)

    def convert_pad(self, op: qnn.PadOp, layer: int) -> None:
        x = self.inp(op, op.input)
        self.emit(qk.PadOp, op, layer, [x], [op.input.type], pads=op.pads)

    def convert_transpose(self, op: qnn.TransposeOp, layer: int) -> None:
        x = self.inp(op, op.input)
        self.emit(qk.TransposeOp, op, layer, [x], [op.input.type], perm=op.perm)

    def convert_concat(self, op: qnn.ConcatOp, layer: int) -> None:
        ins = [self.inp(op, v) for v in op.inputs]
        self.emit(qk.ConcatOp, op, layer, ins, [v.type for v in op.inputs], axis=op.axis)

    def convert_softmax(self, op: qnn.SoftmaxOp, layer: int) -> None:
        xt = op.input.type
        x = self.inp(op, op.input)
        beta = op.beta.value.data
        if self.onnx:
            name = op.output.name_hint or "softmax"
            table = self.get_global(f"{name}_exp", onnx_fp.softmax_exp_table(xt.scale, beta), f32)
            self.emit(qk.SoftmaxOp, op, layer, [x, table], [xt], numerics=self.numerics_attr)
            return
        p = fp.softmax_params(xt.scale, beta)
        params = DenseArrayBase.from_list(i64, [int(p[k]) for k in qk.SOFTMAX_PARAMS])
        self.emit(qk.SoftmaxOp, op, layer, [x], [xt], numerics=self.numerics_attr, params=params)


@dataclass(frozen=True)
class ConvertQnnToKernelPass(ModulePass):
    """See the module docstring."""

    name = NAME

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        symbols = {o.sym_name.data for o in op.walk() if hasattr(o, "sym_name") and isinstance(o.sym_name, StringAttr)}
        functions = [f for f in op.ops if isinstance(f, func.FuncOp) and f.body.blocks]
        for function in functions:
            signature = [*function.function_type.inputs, *function.function_type.outputs]
            if not any(o.name.startswith("qnn.") for o in function.walk()) and not any(
                isinstance(t, qnn.QTensorType) for t in signature
            ):
                continue
            try:
                FunctionConversion(op, function, symbols, qnn.numerics_of(op), target_of(op).alignment).run()
            except PassError:
                raise
            except DiagnosticException as exc:  # e.g. IR the builders cannot make valid
                raise PassError(f"{NAME}: {exc}") from None
