"""The `qk` dialect: quantised kernels on buffers, one op per qnn compute op.

A `qk` op is one layer of the model in destination-passing style: it reads its `ins`
buffers and writes its `outs` buffer, e.g.

    qk.conv2d ins(%x, %w, %b, %m, %s : memref<1x8x8x3xi8>, memref<16x3x3x3xi8>,
                  memref<16xi32>, memref<16xi32>, memref<16xi8>)
              outs(%y : memref<1x8x8x16xi8>) {layer = 0 : i64, layer_name = "conv", ...}

Every quantisation constant is precomputed by convert-qnn-to-kernel: folded weights and
biases are buffers (usually `memref.get_global`s of constant globals); a per-channel
requantisation parameter is either a scalar property (all channels agree) or one more
`ins` table after the op's data and weight operands; the quantisation of the data
operands and of the result travels as `!qnn.qtensor` types in `input_types` /
`output_type` (storage signedness, scales and zero points). Operands are any memrefs of
the right shape, so they may be subviews or carry a memory space.

The op is the layer: `layer` is its hook index (the position of its qnn op among the
layers of tinymlir/layers.py), `layer_name` the name of its result, and the shared
interface `KernelOp` answers what a scheduling pass asks of a layer: its iteration
domain, the input window an output tile reads (`input_window`), its MACs and a one-line
description for the generated C. `in_place` (set by kernel-in-place) names the schedule
that lets the output overwrite a dying input.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import ClassVar

from xdsl.dialects import memref
from xdsl.dialects.builtin import (
    I64,
    ArrayAttr,
    DenseArrayBase,
    FloatAttr,
    IntegerAttr,
    MemRefType,
    StringAttr,
    f32,
    i8,
    i16,
    i32,
    i64,
)
from xdsl.ir import Attribute, Dialect, ParametrizedAttribute, SSAValue
from xdsl.irdl import (
    IRDLOperation,
    ParsePropInAttrDict,
    irdl_attr_definition,
    irdl_op_definition,
    operand_def,
    opt_prop_def,
    prop_def,
    var_operand_def,
)
from xdsl.utils.exceptions import VerifyException

from tinymlir.dialects.qnn import QTensorType
from tinymlir.dialects.qnn_modes import NumericsAttr, PoolForm, PoolFormAttr

Box = Sequence[tuple[int, int]]
"""A half-open index box, one (start, stop) per dimension."""

IN_PLACE_SCHEDULES = ("elementwise", "channel", "rows")


def _ints(attr) -> list[int]:
    return [int(v) for v in attr.get_values()]


def conv2d_macs(output_shape: Sequence[int], weight_shape: Sequence[int]) -> int:
    """n * oh * ow * c_out * kh * kw * c_in_per_group (NHWC output, OHWI weights)."""
    return math.prod(output_shape) * math.prod(weight_shape[1:])


def dense_macs(input_shape: Sequence[int], output_shape: Sequence[int]) -> int:
    return math.prod(output_shape) * input_shape[-1]


def _window_1d(start: int, stop: int, stride: int, pad: int, extent: int, dilation: int, size: int):
    """Input rows read by output rows [start, stop) of a sliding window, clipped to the input."""
    if stop <= start:
        return (0, 0)
    first = start * stride - pad
    last = (stop - 1) * stride - pad + (extent - 1) * dilation
    return (max(first, 0), min(last + 1, size))


# -- attributes -------------------------------------------------------------------- #
@irdl_attr_definition
class PortAttr(ParametrizedAttribute):
    """One argument of the model's entry function: `#qk.port<"input", "x", !qnn.qtensor<...>>`
    (role, C name, quantised type). The function's `qk.ports` lists one per argument."""

    name = "qk.port"

    role: StringAttr
    port_name: StringAttr
    type: QTensorType

    def verify(self) -> None:
        if self.role.data not in ("input", "output"):
            raise VerifyException(f"qk.port: role must be input or output, got '{self.role.data}'")
        if not self.port_name.data:
            raise VerifyException("qk.port: the name must not be empty")


PORTS_ATTR = "qk.ports"


def verify_ports(function) -> list[PortAttr]:
    """The `qk.ports` of a buffer-level function, checked against its arguments."""
    ports = function.attributes.get(PORTS_ATTR)
    if not isinstance(ports, ArrayAttr) or not all(isinstance(p, PortAttr) for p in ports.data):
        raise VerifyException(f"{PORTS_ATTR}: expected an array of #qk.port")
    args = function.body.block.args
    if len(ports.data) != len(args):
        raise VerifyException(f"{PORTS_ATTR}: {len(ports.data)} ports for {len(args)} arguments")
    seen_output = False
    for port, arg in zip(ports.data, args, strict=True):
        if not isinstance(arg.type, MemRefType) or tuple(arg.type.get_shape()) != port.type.get_shape():
            raise VerifyException(f"{PORTS_ATTR}: port '{port.port_name.data}' does not match its argument's shape")
        seen_output |= port.role.data == "output"
        if seen_output and port.role.data == "input":
            raise VerifyException(f"{PORTS_ATTR}: inputs must come before outputs")
    return list(ports.data)


# -- the shared interface ------------------------------------------------------------ #
class KernelOp(IRDLOperation):
    """What every qk op has and answers. Subclasses name their operands (`DATA_INPUTS` data
    operands first, then `CONSTANT_INPUTS` weight operands, then optional tables)."""

    ins = var_operand_def(MemRefType)
    outs = operand_def(MemRefType)
    layer = prop_def(IntegerAttr[I64])
    layer_name = prop_def(StringAttr)
    input_types = prop_def(ArrayAttr[QTensorType])
    output_type = prop_def(QTensorType)
    clamp = prop_def(DenseArrayBase[I64])
    in_place = opt_prop_def(StringAttr)

    assembly_format = "`ins` `(` $ins `:` type($ins) `)` `outs` `(` $outs `:` type($outs) `)` attr-dict"
    irdl_options = (ParsePropInAttrDict(),)

    DATA_INPUTS: ClassVar[int | None] = 1
    """Number of data operands (None: variadic, as concat's)."""
    CONSTANT_INPUTS: ClassVar[int] = 0

    @classmethod
    def make(cls, ins: Sequence[SSAValue], outs: SSAValue, *, layer: int, layer_name: str,
              input_types: Sequence[QTensorType], output_type: QTensorType, clamp: Sequence[int],
              **properties: Attribute):
        props: dict[str, Attribute] = {
            "layer": IntegerAttr(layer, i64),
            "layer_name": StringAttr(layer_name),
            "input_types": ArrayAttr(list(input_types)),
            "output_type": output_type,
            "clamp": DenseArrayBase.from_list(i64, list(clamp)),
            **properties,
        }
        return cls.create(operands=[*ins, outs], properties=props)

    # -- operands -------------------------------------------------------------- #
    @property
    def data_count(self) -> int:
        return len(self.input_types.data)

    @property
    def data_inputs(self) -> list[SSAValue]:
        return list(self.ins[: self.data_count])

    @property
    def constants(self) -> list[SSAValue]:
        start = self.data_count
        return list(self.ins[start : start + self.CONSTANT_INPUTS])

    @property
    def tables(self) -> list[SSAValue]:
        return list(self.ins[self.data_count + self.CONSTANT_INPUTS :])

    @property
    def bounds(self) -> tuple[int, int]:
        lo, hi = _ints(self.clamp)
        return lo, hi

    @property
    def onnx(self) -> bool:
        numerics = self.properties.get("numerics")
        return isinstance(numerics, NumericsAttr) and numerics.data.value == "onnx"

    # -- the interface ------------------------------------------------------------ #
    def iteration_domain(self) -> tuple[int, ...]:
        """The extents of the loops of the kernel: the output's shape."""
        return self.output_type.get_shape()

    def input_window(self, output_box: Box) -> list[list[tuple[int, int]]]:
        """For each data operand, the box of it read to compute `output_box` of the output
        (halo included, clipped to the operand). Default: the same box (elementwise), with
        broadcast dimensions read at index 0."""
        out_rank = len(self.output_type.get_shape())
        windows = []
        for t in self.input_types.data:
            shape = t.get_shape()
            lead = out_rank - len(shape)
            windows.append([(0, 1) if d == 1 else tuple(output_box[lead + i]) for i, d in enumerate(shape)])
        return windows

    def macs(self) -> int:
        """Multiply-accumulates of one run of the kernel (0 for data movement)."""
        return 0

    def geometry(self) -> str:
        """Kernel, stride and groups for the layer's comment ('' if none)."""
        return ""

    def describe(self) -> str:
        """One line for the generated C: name, op, data shapes, geometry, MACs. Operands read
        from constant globals (weights, a constant addend) are not listed."""
        shapes = " + ".join(
            "x".join(map(str, t.get_shape()))
            for t, v in zip(self.input_types.data, self.data_inputs, strict=True)
            if not isinstance(v.owner, memref.GetGlobalOp)
        )
        out = "x".join(map(str, self.output_type.get_shape()))
        text = f"{self.layer_name.data}: {self.name[3:]} {shapes} -> {out}{self.geometry()}"
        count = self.macs()
        return text + (f", {count:,} MACs" if count else "")

    # -- verification ------------------------------------------------------------- #
    def verify_(self) -> None:
        name = self.name
        if self.DATA_INPUTS is not None and self.data_count != self.DATA_INPUTS:
            raise VerifyException(f"{name}: expected {self.DATA_INPUTS} input types, got {self.data_count}")
        if len(self.ins) < self.data_count + self.CONSTANT_INPUTS:
            raise VerifyException(f"{name}: expected at least {self.data_count + self.CONSTANT_INPUTS} ins")
        for i, (value, t) in enumerate(zip(self.data_inputs, self.input_types.data, strict=True)):
            _check_buffer(name, f"input {i}", value, t.get_shape(), i8)
        out = self.output_type
        _check_buffer(name, "output", self.outs, out.get_shape(), i8)
        bounds = _ints(self.clamp)
        if len(bounds) != 2 or not out.storage_min <= bounds[0] <= bounds[1] <= out.storage_max:
            raise VerifyException(f"{name}: clamp {bounds} must be [lo, hi] within the output's storage range")
        if self.in_place is not None and self.in_place.data not in IN_PLACE_SCHEDULES:
            raise VerifyException(f"{name}: unknown in_place schedule '{self.in_place.data}'")
        self.verify_kernel()

    def verify_kernel(self) -> None:
        """Op-specific checks (shapes, constants); the tables by default must be absent."""
        self.expect_tables([])

    def expect_tables(self, shapes: Sequence[tuple[Sequence[int], Sequence[Attribute]]]) -> None:
        tables = self.tables
        if len(tables) != len(shapes):
            raise VerifyException(f"{self.name}: expected {len(shapes)} tables, got {len(tables)}")
        for i, (table, (shape, elements)) in enumerate(zip(tables, shapes, strict=True)):
            _check_buffer(self.name, f"table {i}", table, shape, *elements)


def _check_buffer(op_name: str, role: str, value: SSAValue, shape: Sequence[int], *elements: Attribute) -> None:
    t = value.type
    if not isinstance(t, MemRefType) or tuple(t.get_shape()) != tuple(shape):
        raise VerifyException(f"{op_name}: {role} must be a memref of shape {list(shape)}, got {t}")
    if t.element_type not in elements:
        raise VerifyException(f"{op_name}: {role} has element type {t.element_type}, expected one of "
                              + ", ".join(str(e) for e in elements))


class _WeightedKernel(KernelOp):
    """Conv and dense: ins(data, weight, bias, tables...) and a per-channel output stage,
    tflm (multiplier, shift: a scalar property or a table each, in that order) or onnx
    (scale: a scalar or an f32 table)."""

    CONSTANT_INPUTS: ClassVar[int] = 2
    numerics = prop_def(NumericsAttr)
    multiplier = opt_prop_def(IntegerAttr)
    shift = opt_prop_def(IntegerAttr)
    scale = opt_prop_def(FloatAttr)

    @property
    def weight(self) -> SSAValue:
        return self.ins[1]

    @property
    def bias(self) -> SSAValue:
        return self.ins[2]

    def stage_tables(self, channels: int):
        if self.onnx:
            if self.properties.get("multiplier") is not None or self.properties.get("shift") is not None:
                raise VerifyException(f"{self.name}: onnx numerics take a scale, not a multiplier and shift")
            if self.properties.get("scale") is None:
                return [([channels], [f32])]
            return []
        if self.properties.get("scale") is not None:
            raise VerifyException(f"{self.name}: tflm numerics take a multiplier and shift, not a scale")
        shapes = []
        if self.properties.get("multiplier") is None:
            shapes.append(([channels], [i32]))
        if self.properties.get("shift") is None:
            shapes.append(([channels], [i8, i32]))
        return shapes


# -- ops ------------------------------------------------------------------------------ #
@irdl_op_definition
class Conv2DOp(_WeightedKernel):
    """ins(x, weight - weight zero point (OHWI, i8 or i16), bias (zero point folded in
    unless padded), tables...). Padded convolutions subtract the input zero point in the
    loop and skip padding taps (TFLM)."""

    name = "qk.conv2d"
    strides = prop_def(DenseArrayBase[I64])
    pads = prop_def(DenseArrayBase[I64])
    dilations = prop_def(DenseArrayBase[I64])
    groups = prop_def(IntegerAttr[I64])

    @property
    def padded(self) -> bool:
        return any(_ints(self.pads))

    @property
    def depthwise(self) -> bool:
        c_out, _, _, cin_g = self.weight.type.get_shape()
        return cin_g == 1 and self.groups.value.data == c_out

    def verify_kernel(self) -> None:
        x, out = self.input_types.data[0].get_shape(), self.output_type.get_shape()
        if len(x) != 4 or len(out) != 4:
            raise VerifyException("qk.conv2d: input and output must be NHWC")
        w = self.weight.type
        if not isinstance(w, MemRefType) or len(w.get_shape()) != 4 or w.element_type not in (i8, i16):
            raise VerifyException("qk.conv2d: weight must be a 4-d memref of i8 or i16 (OHWI)")
        c_out, kh, kw, cin_g = w.get_shape()
        groups = self.groups.value.data
        if groups <= 0 or x[3] % groups or c_out % groups or cin_g * groups != x[3]:
            raise VerifyException(f"qk.conv2d: groups {groups} do not fit {x[3]} input and {c_out} output channels")
        _check_buffer(self.name, "bias", self.bias, [c_out], i32)
        strides, pads, dilations = _ints(self.strides), _ints(self.pads), _ints(self.dilations)
        if len(strides) != 2 or len(dilations) != 2 or len(pads) != 4 or min(strides + dilations) <= 0 or min(pads) < 0:
            raise VerifyException("qk.conv2d: strides and dilations need 2 positive values, pads 4 non-negative")
        expected = [x[0]] + [
            (x[1 + d] + pads[d] + pads[d + 2] - dilations[d] * ((kh, kw)[d] - 1) - 1) // strides[d] + 1
            for d in range(2)
        ] + [c_out]
        if list(out) != expected:
            raise VerifyException(f"qk.conv2d: output shape {list(out)} does not match the geometry {expected}")
        self.expect_tables(self.stage_tables(c_out))

    def macs(self) -> int:
        return conv2d_macs(self.output_type.get_shape(), self.weight.type.get_shape())

    def geometry(self) -> str:
        _, kh, kw, _ = self.weight.type.get_shape()
        sh, sw = _ints(self.strides)
        return f", kernel {kh}x{kw}, stride {sh}x{sw}, groups {self.groups.value.data}"

    def input_window(self, output_box: Box):
        (n0, n1), (h0, h1), (w0, w1), (c0, c1) = output_box
        _, height, width, channels = self.input_types.data[0].get_shape()
        _, kh, kw, cin_g = self.weight.type.get_shape()
        sh, sw = _ints(self.strides)
        pt, pl, _, _ = _ints(self.pads)
        dh, dw = _ints(self.dilations)
        groups = self.groups.value.data
        if groups == 1:
            channel_box = (0, channels)
        else:
            cout_g = self.output_type.get_shape()[3] // groups
            channel_box = ((c0 // cout_g) * cin_g, ((c1 - 1) // cout_g + 1) * cin_g) if c1 > c0 else (0, 0)
        return [[(n0, n1), _window_1d(h0, h1, sh, pt, kh, dh, height), _window_1d(w0, w1, sw, pl, kw, dw, width), channel_box]]


@irdl_op_definition
class DenseOp(_WeightedKernel):
    """ins(x [N, K], weight - weight zero point [units, K], bias (input zero point folded), tables...)."""

    name = "qk.dense"

    def verify_kernel(self) -> None:
        x, out = self.input_types.data[0].get_shape(), self.output_type.get_shape()
        if len(x) != 2 or len(out) != 2 or x[0] != out[0]:
            raise VerifyException("qk.dense: input [N, K] and output [N, units] must agree on N")
        _check_buffer(self.name, "weight", self.weight, [out[1], x[1]], i8, i16)
        _check_buffer(self.name, "bias", self.bias, [out[1]], i32)
        self.expect_tables(self.stage_tables(out[1]))

    def macs(self) -> int:
        return dense_macs(self.input_types.data[0].get_shape(), self.output_type.get_shape())

    def input_window(self, output_box: Box):
        (n0, n1), _ = output_box
        return [[(n0, n1), (0, self.input_types.data[0].get_shape()[1])]]


ADD_PARAMS = (
    "left_shift", "input1_offset", "input1_multiplier", "input1_shift",
    "input2_offset", "input2_multiplier", "input2_shift", "output_multiplier", "output_shift",
)


def _broadcasts_to(shape: Sequence[int], out: Sequence[int]) -> bool:
    lead = len(out) - len(shape)
    return lead >= 0 and all(d in (1, out[lead + i]) for i, d in enumerate(shape))


@irdl_op_definition
class AddOp(KernelOp):
    """Broadcasting addition; tflm: `params` are add_common.cc's, in ADD_PARAMS order."""

    name = "qk.add"
    DATA_INPUTS: ClassVar[int | None] = 2
    numerics = prop_def(NumericsAttr)
    params = opt_prop_def(DenseArrayBase[I64])

    def verify_kernel(self) -> None:
        out = self.output_type.get_shape()
        for t in self.input_types.data:
            if not _broadcasts_to(t.get_shape(), out):
                raise VerifyException(f"qk.add: operand shape {list(t.get_shape())} does not broadcast to {list(out)}")
        if self.onnx != (self.params is None):
            raise VerifyException("qk.add: tflm numerics need params (and onnx numerics none)")
        if self.params is not None and len(_ints(self.params)) != len(ADD_PARAMS):
            raise VerifyException(f"qk.add: params need {len(ADD_PARAMS)} values ({', '.join(ADD_PARAMS)})")
        self.expect_tables([])

    def param(self, key: str) -> int:
        return _ints(self.params)[ADD_PARAMS.index(key)]


@irdl_op_definition
class RequantizeOp(KernelOp):
    name = "qk.requantize"
    numerics = prop_def(NumericsAttr)
    multiplier = opt_prop_def(IntegerAttr)
    shift = opt_prop_def(IntegerAttr)

    def verify_kernel(self) -> None:
        if self.input_types.data[0].get_shape() != self.output_type.get_shape():
            raise VerifyException("qk.requantize: input and output shapes differ")
        if not self.onnx and (self.multiplier is None or self.shift is None):
            raise VerifyException("qk.requantize: tflm numerics need a multiplier and a shift")
        self.expect_tables([])


class _Pool(KernelOp):
    kernel = prop_def(DenseArrayBase[I64])
    strides = prop_def(DenseArrayBase[I64])
    pads = prop_def(DenseArrayBase[I64])

    def verify_pool(self) -> None:
        x, out = self.input_types.data[0].get_shape(), self.output_type.get_shape()
        kernel, strides, pads = _ints(self.kernel), _ints(self.strides), _ints(self.pads)
        if len(x) != 4 or len(out) != 4 or len(kernel) != 2 or len(strides) != 2 or len(pads) != 4:
            raise VerifyException(f"{self.name}: NHWC operands, a 2-d kernel and stride and 4 pads expected")
        expected = [x[0]] + [(x[1 + d] + pads[d] + pads[d + 2] - kernel[d]) // strides[d] + 1 for d in range(2)] + [x[3]]
        if list(out) != expected:
            raise VerifyException(f"{self.name}: output shape {list(out)} does not match the geometry {expected}")

    def geometry(self) -> str:
        kh, kw = _ints(self.kernel)
        sh, sw = _ints(self.strides)
        return f", window {kh}x{kw}, stride {sh}x{sw}"

    def input_window(self, output_box: Box):
        (n0, n1), (h0, h1), (w0, w1), (c0, c1) = output_box
        _, height, width, _ = self.input_types.data[0].get_shape()
        kh, kw = _ints(self.kernel)
        sh, sw = _ints(self.strides)
        pt, pl, _, _ = _ints(self.pads)
        return [[(n0, n1), _window_1d(h0, h1, sh, pt, kh, 1, height), _window_1d(w0, w1, sw, pl, kw, 1, width), (c0, c1)]]


@irdl_op_definition
class AvgPool2DOp(_Pool):
    """tflm: a rounded integer mean, or (when input and output quantisation differ) tables
    of multiplier and shift indexed by the number of valid taps; onnx: `onnx_form`."""

    name = "qk.avg_pool2d"
    numerics = prop_def(NumericsAttr)
    onnx_form = opt_prop_def(PoolFormAttr)

    @property
    def form(self) -> PoolForm:
        return PoolForm.SEQUENTIAL if self.onnx_form is None else self.onnx_form.data

    def verify_kernel(self) -> None:
        self.verify_pool()
        if self.onnx or not self.tables:
            self.expect_tables([])
            return
        kh, kw = _ints(self.kernel)
        self.expect_tables([([kh * kw + 1], [i32]), ([kh * kw + 1], [i32])])


@irdl_op_definition
class MaxPool2DOp(_Pool):
    name = "qk.max_pool2d"

    def verify_kernel(self) -> None:
        self.verify_pool()
        self.expect_tables([])


@irdl_op_definition
class PadOp(KernelOp):
    """Constant padding with the input's zero point; pads: all starts, then all ends."""

    name = "qk.pad"
    pads = prop_def(DenseArrayBase[I64])

    def verify_kernel(self) -> None:
        x, out = self.input_types.data[0].get_shape(), self.output_type.get_shape()
        pads = _ints(self.pads)
        if len(pads) != 2 * len(x) or list(out) != [d + pads[i] + pads[i + len(x)] for i, d in enumerate(x)]:
            raise VerifyException(f"qk.pad: pads {pads} do not take {list(x)} to {list(out)}")
        self.expect_tables([])

    def input_window(self, output_box: Box):
        x = self.input_types.data[0].get_shape()
        pads = _ints(self.pads)
        return [[(max(a - pads[d], 0), min(max(b - pads[d], 0), x[d])) for d, (a, b) in enumerate(output_box)]]


@irdl_op_definition
class TransposeOp(KernelOp):
    name = "qk.transpose"
    perm = prop_def(DenseArrayBase[I64])

    def verify_kernel(self) -> None:
        x, out = self.input_types.data[0].get_shape(), self.output_type.get_shape()
        perm = _ints(self.perm)
        if sorted(perm) != list(range(len(x))) or list(out) != [x[p] for p in perm]:
            raise VerifyException(f"qk.transpose: perm {perm} does not take {list(x)} to {list(out)}")
        self.expect_tables([])

    def input_window(self, output_box: Box):
        perm = _ints(self.perm)
        return [[tuple(output_box[perm.index(d)]) for d in range(len(perm))]]


@irdl_op_definition
class ConcatOp(KernelOp):
    name = "qk.concat"
    DATA_INPUTS: ClassVar[int | None] = None
    axis = prop_def(IntegerAttr[I64])

    def verify_kernel(self) -> None:
        axis, out = self.axis.value.data, self.output_type.get_shape()
        shapes = [t.get_shape() for t in self.input_types.data]
        if not shapes or not 0 <= axis < len(out):
            raise VerifyException("qk.concat: needs inputs and an axis within the output's rank")
        for s in shapes:
            if len(s) != len(out) or any(a != b for d, (a, b) in enumerate(zip(s, out, strict=True)) if d != axis):
                raise VerifyException(f"qk.concat: input shape {list(s)} does not fit {list(out)} on axis {axis}")
        if sum(s[axis] for s in shapes) != out[axis]:
            raise VerifyException("qk.concat: the inputs' extents along the axis do not add up to the output's")
        self.expect_tables([])

    def input_window(self, output_box: Box):
        axis = self.axis.value.data
        windows, offset = [], 0
        for t in self.input_types.data:
            extent = t.get_shape()[axis]
            a, b = output_box[axis]
            box = [tuple(r) for r in output_box]
            box[axis] = (min(max(a - offset, 0), extent), min(max(b - offset, 0), extent))
            windows.append(box)
            offset += extent
        return windows


SOFTMAX_PARAMS = ("input_multiplier", "input_left_shift", "diff_min")


@irdl_op_definition
class SoftmaxOp(KernelOp):
    """Over the last axis. tflm: `params` (SOFTMAX_PARAMS order, softmax_common.cc); onnx:
    one f32 table of exp(-d * scale * beta) per distance d (256 entries)."""

    name = "qk.softmax"
    numerics = prop_def(NumericsAttr)
    params = opt_prop_def(DenseArrayBase[I64])

    def verify_kernel(self) -> None:
        if self.input_types.data[0].get_shape() != self.output_type.get_shape():
            raise VerifyException("qk.softmax: input and output shapes differ")
        if self.onnx:
            if self.params is not None:
                raise VerifyException("qk.softmax: onnx numerics take an exp table, not params")
            self.expect_tables([([256], [f32])])
            return
        if self.params is None or len(_ints(self.params)) != len(SOFTMAX_PARAMS):
            raise VerifyException(f"qk.softmax: tflm numerics need params ({', '.join(SOFTMAX_PARAMS)})")
        self.expect_tables([])

    def param(self, key: str) -> int:
        return _ints(self.params)[SOFTMAX_PARAMS.index(key)]

    def input_window(self, output_box: Box):
        depth = self.output_type.get_shape()[-1]
        return [[*(tuple(r) for r in output_box[:-1]), (0, depth)]]


KERNEL_OPS = (Conv2DOp, DenseOp, AddOp, RequantizeOp, AvgPool2DOp, MaxPool2DOp, PadOp, TransposeOp, ConcatOp, SoftmaxOp)

QK = Dialect("qk", list(KERNEL_OPS), [PortAttr])

