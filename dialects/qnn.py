"""The `qnn` dialect: quantised neural-network operators on quantised tensors.

Values are `!qnn.qtensor`s: a static shape, an 8-bit storage type and the
affine quantisation parameters (real = scale * (q - zero_point)), either one
pair for the whole tensor or one pair per slice along an axis (per-channel
weights). Scales are float32 values, as in ONNX and TFLite, printed so that
they parse back to the same float32 bits.

Layout is canonical NHWC for activations and OHWI for convolution weights
(TFLite's layouts: what the MCU kernels consume). Fully-connected weights are
[out, in]. Biases are plain `tensor<Cxi32>` at scale s_in * s_w[c].

Fused activations are a `clamp [lo, hi]` range in the quantised output domain
(TFLite's activation_min/max); without it the range is the storage type's.

The output stages' arithmetic is the module's `qnn.numerics` mode (`numerics_of`):
`tflm` (default) is TFLite Micro's integer kernels, `onnx` onnxruntime's float32 ones.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import ClassVar

import numpy as np
from xdsl.dialects.builtin import (
    I64,
    ArrayAttr,
    DenseArrayBase,
    DenseIntOrFPElementsAttr,
    Float32Type,
    FloatAttr,
    FloatData,
    IntAttr,
    IntegerAttr,
    IntegerType,
    Signedness,
    TensorType,
    f32,
    i32,
    i64,
)
from xdsl.ir import Attribute, Dialect, ParametrizedAttribute, SSAValue, TypeAttribute
from xdsl.irdl import (
    IRDLOperation,
    irdl_attr_definition,
    irdl_op_definition,
    operand_def,
    opt_prop_def,
    prop_def,
    result_def,
    traits_def,
    var_operand_def,
)
from xdsl.parser import AttrParser
from xdsl.pattern_rewriter import RewritePattern
from xdsl.printer import Printer
from xdsl.traits import HasCanonicalizationPatternsTrait, Pure
from xdsl.utils.exceptions import VerifyException

from tinymlir.dialects.qnn_modes import (
    GLOBAL_POOL_FORMS,
    NUMERICS_KEY,
    Numerics,
    NumericsAttr,
    PoolForm,
    PoolFormAttr,
    numerics_of,
    set_numerics,
)

# --------------------------------------------------------------------------- #
# Types
# --------------------------------------------------------------------------- #


def format_f32(value: float) -> str:
    """Shortest decimal that parses back to the same float32, always with a dot."""
    text = str(np.float32(value))
    mantissa, _, exponent = text.partition("e")
    if "." not in mantissa and "inf" not in mantissa and "nan" not in mantissa:
        mantissa += ".0"
    return mantissa + ("e" + exponent if exponent else "")


def to_f32(value: float) -> float:
    """The double that equals `value` rounded to float32 (inf when out of range)."""
    with np.errstate(over="ignore"):
        return float(np.float32(value))


@irdl_attr_definition
class QTensorType(ParametrizedAttribute, TypeAttribute):
    """A quantised tensor: `!qnn.qtensor<1x8x8x16xi8, 0.5:-3>` (per tensor) or
    `!qnn.qtensor<16x3x3x8xi8, axis 0 {0.1:0, 0.2:0, ...}>` (per channel)."""

    name = "qnn.qtensor"

    shape: ArrayAttr[IntAttr]
    element_type: IntegerType
    scales: ArrayAttr[FloatData]
    zero_points: ArrayAttr[IntAttr]
    axis: IntAttr
    """-1 for per-tensor parameters."""

    STORAGE_TYPES: ClassVar[tuple[tuple[int, Signedness], ...]] = (
        (8, Signedness.SIGNLESS),
        (8, Signedness.UNSIGNED),
    )

    def __init__(
        self,
        shape: Sequence[int],
        element_type: IntegerType,
        scales: Sequence[float],
        zero_points: Sequence[int],
        axis: int = -1,
    ):
        super().__init__(
            ArrayAttr([IntAttr(int(d)) for d in shape]),
            element_type,
            ArrayAttr([FloatData(to_f32(s)) for s in scales]),
            ArrayAttr([IntAttr(int(z)) for z in zero_points]),
            IntAttr(axis),
        )

    # -- accessors ---------------------------------------------------------- #
    def get_shape(self) -> tuple[int, ...]:
        return tuple(d.data for d in self.shape)

    def get_element_type(self) -> IntegerType:
        return self.element_type

    def get_num_elements(self) -> int:
        return math.prod(self.get_shape())

    @property
    def is_per_channel(self) -> bool:
        return self.axis.data >= 0

    @property
    def scale_values(self) -> tuple[float, ...]:
        return tuple(s.data for s in self.scales)

    @property
    def zero_point_values(self) -> tuple[int, ...]:
        return tuple(z.data for z in self.zero_points)

    @property
    def scale(self) -> float:
        """The per-tensor scale (verifier-checked callers only)."""
        assert not self.is_per_channel
        return self.scales.data[0].data

    @property
    def zero_point(self) -> int:
        assert not self.is_per_channel
        return self.zero_points.data[0].data

    @property
    def is_unsigned(self) -> bool:
        return self.element_type.signedness.data == Signedness.UNSIGNED

    @property
    def storage_min(self) -> int:
        # Signless i8 holds int8 (MLIR's convention for quantised storage).
        return 0 if self.is_unsigned else -(1 << (self.element_type.width.data - 1))

    @property
    def storage_max(self) -> int:
        width = self.element_type.width.data
        return (1 << width) - 1 if self.is_unsigned else (1 << (width - 1)) - 1

    def with_shape(self, shape: Sequence[int]) -> QTensorType:
        return QTensorType(
            shape, self.element_type, self.scale_values, self.zero_point_values, self.axis.data
        )

    def with_params(self, scale: float, zero_point: int) -> QTensorType:
        return QTensorType(self.get_shape(), self.element_type, [scale], [zero_point])

    def same_params(self, other: QTensorType) -> bool:
        return (
            self.element_type == other.element_type
            and self.scales == other.scales
            and self.zero_points == other.zero_points
            and self.axis == other.axis
        )

    # -- syntax ------------------------------------------------------------- #
    @classmethod
    def parse_parameters(cls, parser: AttrParser) -> Sequence[Attribute]:
        def parse_pair() -> tuple[float, int]:
            scale = parser.parse_number()
            parser.parse_punctuation(":")
            return float(scale), parser.parse_integer()

        with parser.in_angle_brackets():
            shape, element_type = parser.parse_ranked_shape()
            parser.parse_punctuation(",")
            if parser.parse_optional_keyword("axis") is not None:
                axis = parser.parse_integer(allow_negative=False)
                pairs = parser.parse_comma_separated_list(parser.Delimiter.BRACES, parse_pair)
            else:
                axis = -1
                pairs = [parse_pair()]
        if not isinstance(element_type, IntegerType):
            parser.raise_error(f"qnn.qtensor storage must be an integer type, got {element_type}")
        params = (
            ArrayAttr([IntAttr(d) for d in shape]),
            element_type,
            ArrayAttr([FloatData(to_f32(s)) for s, _ in pairs]),
            ArrayAttr([IntAttr(z) for _, z in pairs]),
            IntAttr(axis),
        )
        try:  # report parameter errors at the type's location
            cls.new(params).verify()
        except VerifyException as exc:
            parser.raise_error(str(exc))
        return params

    def print_parameters(self, printer: Printer) -> None:
        pairs = [
            f"{format_f32(s)}:{z}"
            for s, z in zip(self.scale_values, self.zero_point_values, strict=True)
        ]
        dims = "".join(f"{d}x" for d in self.get_shape())
        with printer.in_angle_brackets():
            printer.print_string(dims)
            printer.print_attribute(self.element_type)
            if self.is_per_channel:
                printer.print_string(f", axis {self.axis.data} {{{', '.join(pairs)}}}")
            else:
                printer.print_string(f", {pairs[0]}")

    def verify(self) -> None:
        shape = self.get_shape()
        if any(d <= 0 for d in shape):
            dims = "x".join("?" if d < 0 else str(d) for d in shape)
            raise VerifyException(f"qnn.qtensor dimensions must be static and positive, got {dims}")
        width, signedness = self.element_type.width.data, self.element_type.signedness.data
        if (width, signedness) not in self.STORAGE_TYPES:
            raise VerifyException(
                f"qnn.qtensor storage type must be i8 or ui8, got {self.element_type}"
            )
        n_params = len(self.scales)
        if n_params != len(self.zero_points):
            raise VerifyException("qnn.qtensor needs as many zero points as scales")
        axis = self.axis.data
        if axis == -1:
            if n_params != 1:
                raise VerifyException("per-tensor qnn.qtensor needs exactly one scale")
        elif not 0 <= axis < len(shape):
            raise VerifyException(f"quantisation axis {axis} out of range for rank {len(shape)}")
        elif n_params != shape[axis]:
            raise VerifyException(
                f"per-channel qnn.qtensor along axis {axis} needs {shape[axis]} scales, "
                f"got {n_params}"
            )
        for s in self.scale_values:
            if not (np.isfinite(s) and s > 0):
                raise VerifyException(
                    f"quantisation scale must be finite and > 0, got {format_f32(s)}"
                )
        lo, hi = self.storage_min, self.storage_max
        for z in self.zero_point_values:
            if not lo <= z <= hi:
                raise VerifyException(
                    f"zero point {z} out of range [{lo}, {hi}] of {self.element_type}"
                )


# --------------------------------------------------------------------------- #
# Verification helpers shared by the ops
# --------------------------------------------------------------------------- #


def _qtype(value: SSAValue) -> QTensorType:
    assert isinstance(value.type, QTensorType)
    return value.type


def _ints(attr: DenseArrayBase | None) -> tuple[int, ...]:
    return () if attr is None else tuple(attr.get_values())


def _verify_per_tensor(op: IRDLOperation, role: str, t: QTensorType) -> None:
    if t.is_per_channel:
        raise VerifyException(f"{op.name}: {role} must be quantised per tensor")


def _verify_clamp(op: IRDLOperation, clamp: DenseArrayBase | None, out: QTensorType) -> None:
    if clamp is None:
        return
    values = _ints(clamp)
    if len(values) != 2 or values[0] > values[1]:
        raise VerifyException(f"{op.name}: clamp must be [lo, hi] with lo <= hi, got {list(values)}")
    if values[0] < out.storage_min or values[1] > out.storage_max:
        raise VerifyException(
            f"{op.name}: clamp {list(values)} exceeds the output storage range "
            f"[{out.storage_min}, {out.storage_max}]"
        )


def _verify_positive(op: IRDLOperation, what: str, values: tuple[int, ...], n: int) -> None:
    if len(values) != n or any(v <= 0 for v in values):
        raise VerifyException(f"{op.name}: {what} must be {n} positive integers, got {list(values)}")


def _verify_pads(op: IRDLOperation, pads: tuple[int, ...]) -> None:
    if len(pads) != 4 or any(p < 0 for p in pads):
        raise VerifyException(
            f"{op.name}: pads must be [top, left, bottom, right] >= 0, got {list(pads)}"
        )


def window_output_size(size: int, kernel: int, stride: int, dilation: int, pad: int) -> int:
    """Output extent of a sliding window (floor mode, as TFLite and ONNX default)."""
    effective = (kernel - 1) * dilation + 1
    return (size + pad - effective) // stride + 1


def _verify_rank(op: IRDLOperation, role: str, t: Attribute, rank: int) -> None:
    shape = t.get_shape()  # pyright: ignore[reportAttributeAccessIssue]
    if len(shape) != rank:
        raise VerifyException(f"{op.name}: {role} must have rank {rank}, got shape {list(shape)}")


def _verify_bias(op: IRDLOperation, bias: Attribute, channels: int) -> None:
    if not (isinstance(bias, TensorType) and bias.get_element_type() == i32
            and tuple(bias.get_shape()) == (channels,)):
        raise VerifyException(f"{op.name}: bias must be tensor<{channels}xi32>, got {bias}")


def _verify_window_output(
    op: IRDLOperation, in_shape: tuple[int, ...], out_shape: tuple[int, ...],
    kernel: tuple[int, int], strides: tuple[int, ...], dilations: tuple[int, ...],
    pads: tuple[int, ...], channels: int,
) -> None:
    expected = (
        in_shape[0],
        window_output_size(in_shape[1], kernel[0], strides[0], dilations[0], pads[0] + pads[2]),
        window_output_size(in_shape[2], kernel[1], strides[1], dilations[1], pads[1] + pads[3]),
        channels,
    )
    if expected[1] <= 0 or expected[2] <= 0:
        raise VerifyException(
            f"{op.name}: window {list(kernel)} (dilations {list(dilations)}) does not fit the "
            f"padded input {list(in_shape)} with pads {list(pads)}"
        )
    if tuple(out_shape) != expected:
        raise VerifyException(
            f"{op.name}: output shape {list(out_shape)} does not match the expected "
            f"{list(expected)} (NHWC)"
        )


# --------------------------------------------------------------------------- #
# Canonicalisation traits (patterns live in passes/canonicalization_patterns)
# --------------------------------------------------------------------------- #


class ReshapeHasCanonicalizationPatterns(HasCanonicalizationPatternsTrait):
    @classmethod
    def get_canonicalization_patterns(cls) -> tuple[RewritePattern, ...]:
        from tinymlir.passes.canonicalization_patterns.qnn import FoldReshapeChain

        return (FoldReshapeChain(),)


class TransposeHasCanonicalizationPatterns(HasCanonicalizationPatternsTrait):
    @classmethod
    def get_canonicalization_patterns(cls) -> tuple[RewritePattern, ...]:
        from tinymlir.passes.canonicalization_patterns.qnn import FoldTransposeChain

        return (FoldTransposeChain(),)


class RequantizeHasCanonicalizationPatterns(HasCanonicalizationPatternsTrait):
    @classmethod
    def get_canonicalization_patterns(cls) -> tuple[RewritePattern, ...]:
        from tinymlir.passes.canonicalization_patterns.qnn import FoldIdentityRequantize

        return (FoldIdentityRequantize(),)


# --------------------------------------------------------------------------- #
# Operations
# --------------------------------------------------------------------------- #


@irdl_op_definition
class ConstantOp(IRDLOperation):
    """A quantised constant (weights): raw integers plus the result's parameters."""

    name = "qnn.constant"
    value = prop_def(DenseIntOrFPElementsAttr)
    output = result_def(QTensorType)
    assembly_format = "$value attr-dict `->` type($output)"
    traits = traits_def(Pure())

    def __init__(self, value: DenseIntOrFPElementsAttr, result_type: QTensorType):
        super().__init__(properties={"value": value}, result_types=[result_type])

    def verify_(self) -> None:
        out = _qtype(self.output)
        if tuple(self.value.get_shape()) != out.get_shape():
            raise VerifyException(
                f"qnn.constant: value shape {list(self.value.get_shape())} does not match the "
                f"result shape {list(out.get_shape())}"
            )
        if self.value.get_element_type() != out.element_type:
            raise VerifyException(
                f"qnn.constant: value element type {self.value.get_element_type()} does not "
                f"match the storage type {out.element_type}"
            )


@irdl_op_definition
class QuantizeOp(IRDLOperation):
    """float32 -> quantised, at the model boundary (round half away from zero, clamp)."""

    name = "qnn.quantize"
    input = operand_def(TensorType)
    output = result_def(QTensorType)
    assembly_format = "$input attr-dict `:` type($input) `->` type($output)"
    traits = traits_def(Pure())

    def __init__(self, input: SSAValue, result_type: QTensorType):
        super().__init__(operands=[input], result_types=[result_type])

    def verify_(self) -> None:
        in_type = self.input.type
        assert isinstance(in_type, TensorType)
        out = _qtype(self.output)
        if in_type.get_element_type() != f32:
            raise VerifyException(f"qnn.quantize: input must be f32, got {in_type.get_element_type()}")
        if tuple(in_type.get_shape()) != out.get_shape():
            raise VerifyException("qnn.quantize: input and output shapes differ")
        _verify_per_tensor(self, "output", out)


@irdl_op_definition
class DequantizeOp(IRDLOperation):
    """quantised -> float32, at the model boundary."""

    name = "qnn.dequantize"
    input = operand_def(QTensorType)
    output = result_def(TensorType)
    assembly_format = "$input attr-dict `:` type($input) `->` type($output)"
    traits = traits_def(Pure())

    def __init__(self, input: SSAValue, result_type: TensorType):
        super().__init__(operands=[input], result_types=[result_type])

    def verify_(self) -> None:
        out = self.output.type
        assert isinstance(out, TensorType)
        if out.get_element_type() != f32:
            raise VerifyException(f"qnn.dequantize: output must be f32, got {out.get_element_type()}")
        if tuple(out.get_shape()) != _qtype(self.input).get_shape():
            raise VerifyException("qnn.dequantize: input and output shapes differ")
        _verify_per_tensor(self, "input", _qtype(self.input))


@irdl_op_definition
class RequantizeOp(IRDLOperation):
    """Rescales a quantised tensor to other parameters, then clamps."""

    name = "qnn.requantize"
    input = operand_def(QTensorType)
    clamp = opt_prop_def(DenseArrayBase[I64])
    output = result_def(QTensorType)
    assembly_format = "$input (`clamp` $clamp^)? attr-dict `:` type($input) `->` type($output)"
    traits = traits_def(Pure(), RequantizeHasCanonicalizationPatterns())

    def __init__(self, input: SSAValue, result_type: QTensorType, clamp: Sequence[int] | None = None):
        props = {} if clamp is None else {"clamp": DenseArrayBase.from_list(i64, clamp)}
        super().__init__(operands=[input], result_types=[result_type], properties=props)

    def verify_(self) -> None:
        src, out = _qtype(self.input), _qtype(self.output)
        if src.get_shape() != out.get_shape():
            raise VerifyException(
                f"qnn.requantize: shapes differ: {list(src.get_shape())} vs {list(out.get_shape())}"
            )
        _verify_per_tensor(self, "input", src)
        _verify_per_tensor(self, "output", out)
        _verify_clamp(self, self.clamp, out)


@irdl_op_definition
class Conv2DOp(IRDLOperation):
    """2-D convolution, NHWC input, OHWI weights (I = C_in / groups), int32 bias.

    groups == C_in == C_out is a depthwise convolution (multiplier 1); other
    groups values are grouped convolutions."""

    name = "qnn.conv2d"
    input = operand_def(QTensorType)
    weight = operand_def(QTensorType)
    bias = operand_def(TensorType)
    strides = prop_def(DenseArrayBase[I64])
    pads = prop_def(DenseArrayBase[I64])
    dilations = prop_def(DenseArrayBase[I64])
    groups = prop_def(IntegerAttr[I64])
    clamp = opt_prop_def(DenseArrayBase[I64])
    output = result_def(QTensorType)
    assembly_format = (
        "$input `,` $weight `,` $bias `strides` $strides `pads` $pads `dilations` $dilations"
        " `groups` $groups (`clamp` $clamp^)? attr-dict `:` type($input) `,` type($weight) `,`"
        " type($bias) `->` type($output)"
    )
    traits = traits_def(Pure())

    def __init__(
        self,
        input: SSAValue,
        weight: SSAValue,
        bias: SSAValue,
        result_type: QTensorType,
        *,
        strides: Sequence[int],
        pads: Sequence[int],
        dilations: Sequence[int] = (1, 1),
        groups: int = 1,
        clamp: Sequence[int] | None = None,
    ):
        props: dict[str, Attribute] = {
            "strides": DenseArrayBase.from_list(i64, strides),
            "pads": DenseArrayBase.from_list(i64, pads),
            "dilations": DenseArrayBase.from_list(i64, dilations),
            "groups": IntegerAttr(groups, i64),
        }
        if clamp is not None:
            props["clamp"] = DenseArrayBase.from_list(i64, clamp)
        super().__init__(
            operands=[input, weight, bias], result_types=[result_type], properties=props
        )

    def verify_(self) -> None:
        x, w, out = _qtype(self.input), _qtype(self.weight), _qtype(self.output)
        for role, t in (("input", x), ("weight", w), ("output", out)):
            _verify_rank(self, role, t, 4)
        _verify_per_tensor(self, "input", x)
        _verify_per_tensor(self, "output", out)
        if w.is_per_channel and w.axis.data != 0:
            raise VerifyException("qnn.conv2d: per-channel weights must be quantised along axis 0 (O)")
        strides, pads, dilations = _ints(self.strides), _ints(self.pads), _ints(self.dilations)
        _verify_positive(self, "strides", strides, 2)
        _verify_positive(self, "dilations", dilations, 2)
        _verify_pads(self, pads)
        groups = self.groups.value.data
        c_out, kh, kw, c_in_per_group = w.get_shape()
        c_in = x.get_shape()[3]
        if groups <= 0 or c_in % groups or c_out % groups:
            raise VerifyException(
                f"qnn.conv2d: groups {groups} must divide input channels {c_in} and output "
                f"channels {c_out}"
            )
        if c_in_per_group * groups != c_in:
            raise VerifyException(
                f"qnn.conv2d: weight has {c_in_per_group} input channels per group, expected "
                f"{c_in // groups} (input channels {c_in} / groups {groups})"
            )
        _verify_bias(self, self.bias.type, c_out)
        _verify_window_output(
            self, x.get_shape(), out.get_shape(), (kh, kw), strides, dilations, pads, c_out
        )
        if x.element_type != out.element_type:
            raise VerifyException("qnn.conv2d: input and output storage types differ")
        _verify_clamp(self, self.clamp, out)


@irdl_op_definition
class DenseOp(IRDLOperation):
    """Fully connected: out[n, o] = sum_k in[n, k] * weight[o, k] + bias[o]."""

    name = "qnn.dense"
    input = operand_def(QTensorType)
    weight = operand_def(QTensorType)
    bias = operand_def(TensorType)
    clamp = opt_prop_def(DenseArrayBase[I64])
    output = result_def(QTensorType)
    assembly_format = (
        "$input `,` $weight `,` $bias (`clamp` $clamp^)? attr-dict `:` type($input) `,`"
        " type($weight) `,` type($bias) `->` type($output)"
    )
    traits = traits_def(Pure())

    def __init__(
        self,
        input: SSAValue,
        weight: SSAValue,
        bias: SSAValue,
        result_type: QTensorType,
        clamp: Sequence[int] | None = None,
    ):
        props = {} if clamp is None else {"clamp": DenseArrayBase.from_list(i64, clamp)}
        super().__init__(
            operands=[input, weight, bias], result_types=[result_type], properties=props
        )

    def verify_(self) -> None:
        x, w, out = _qtype(self.input), _qtype(self.weight), _qtype(self.output)
        for role, t in (("input", x), ("weight", w), ("output", out)):
            _verify_rank(self, role, t, 2)
        _verify_per_tensor(self, "input", x)
        _verify_per_tensor(self, "output", out)
        if w.is_per_channel and w.axis.data != 0:
            raise VerifyException("qnn.dense: per-channel weights must be quantised along axis 0")
        (n, k), (o, k_w) = x.get_shape(), w.get_shape()
        if k != k_w:
            raise VerifyException(
                f"qnn.dense: input depth {k} does not match the weight's input depth {k_w}"
            )
        if out.get_shape() != (n, o):
            raise VerifyException(
                f"qnn.dense: output shape {list(out.get_shape())} must be [{n}, {o}]"
            )
        _verify_bias(self, self.bias.type, o)
        if x.element_type != out.element_type:
            raise VerifyException("qnn.dense: input and output storage types differ")
        _verify_clamp(self, self.clamp, out)


def broadcast_shape(a: Sequence[int], b: Sequence[int]) -> tuple[int, ...] | None:
    """numpy broadcasting of two static shapes, None if incompatible."""
    rank = max(len(a), len(b))
    a = (1,) * (rank - len(a)) + tuple(a)
    b = (1,) * (rank - len(b)) + tuple(b)
    out: list[int] = []
    for x, y in zip(a, b, strict=True):
        if x != y and 1 not in (x, y):
            return None
        out.append(max(x, y))
    return tuple(out)


@irdl_op_definition
class AddOp(IRDLOperation):
    """Elementwise add with numpy broadcasting, each side at its own parameters."""

    name = "qnn.add"
    lhs = operand_def(QTensorType)
    rhs = operand_def(QTensorType)
    clamp = opt_prop_def(DenseArrayBase[I64])
    output = result_def(QTensorType)
    assembly_format = (
        "$lhs `,` $rhs (`clamp` $clamp^)? attr-dict `:` type($lhs) `,` type($rhs) `->` type($output)"
    )
    traits = traits_def(Pure())

    def __init__(
        self, lhs: SSAValue, rhs: SSAValue, result_type: QTensorType, clamp: Sequence[int] | None = None
    ):
        props = {} if clamp is None else {"clamp": DenseArrayBase.from_list(i64, clamp)}
        super().__init__(operands=[lhs, rhs], result_types=[result_type], properties=props)

    def verify_(self) -> None:
        a, b, out = _qtype(self.lhs), _qtype(self.rhs), _qtype(self.output)
        for role, t in (("lhs", a), ("rhs", b), ("output", out)):
            _verify_per_tensor(self, role, t)
        expected = broadcast_shape(a.get_shape(), b.get_shape())
        if expected is None:
            raise VerifyException(
                f"qnn.add: shapes {list(a.get_shape())} and {list(b.get_shape())} do not broadcast"
            )
        if out.get_shape() != expected:
            raise VerifyException(
                f"qnn.add: output shape {list(out.get_shape())} must be the broadcast shape "
                f"{list(expected)}"
            )
        if not a.element_type == b.element_type == out.element_type:
            raise VerifyException("qnn.add: operands and result must share the storage type")
        _verify_clamp(self, self.clamp, out)


class _Pool2DBase(IRDLOperation):
    SAME_PARAMS: ClassVar[bool] = True
    input = operand_def(QTensorType)
    kernel = prop_def(DenseArrayBase[I64])
    strides = prop_def(DenseArrayBase[I64])
    pads = prop_def(DenseArrayBase[I64])
    clamp = opt_prop_def(DenseArrayBase[I64])
    output = result_def(QTensorType)
    assembly_format = (
        "$input `kernel` $kernel `strides` $strides `pads` $pads (`clamp` $clamp^)? attr-dict"
        " `:` type($input) `->` type($output)"
    )
    traits = traits_def(Pure())

    def __init__(
        self,
        input: SSAValue,
        result_type: QTensorType,
        *,
        kernel: Sequence[int],
        strides: Sequence[int],
        pads: Sequence[int] = (0, 0, 0, 0),
        clamp: Sequence[int] | None = None,
    ):
        props: dict[str, Attribute] = {
            "kernel": DenseArrayBase.from_list(i64, kernel),
            "strides": DenseArrayBase.from_list(i64, strides),
            "pads": DenseArrayBase.from_list(i64, pads),
        }
        if clamp is not None:
            props["clamp"] = DenseArrayBase.from_list(i64, clamp)
        super().__init__(operands=[input], result_types=[result_type], properties=props)

    def verify_(self) -> None:
        x, out = _qtype(self.input), _qtype(self.output)
        _verify_rank(self, "input", x, 4)
        _verify_rank(self, "output", out, 4)
        _verify_per_tensor(self, "input", x)
        _verify_per_tensor(self, "output", out)
        if self.SAME_PARAMS and not x.same_params(out):
            raise VerifyException(
                f"{self.name}: input and output must have the same quantisation parameters"
            )
        if x.element_type != out.element_type:
            raise VerifyException(f"{self.name}: input and output storage types differ")
        kernel, strides, pads = _ints(self.kernel), _ints(self.strides), _ints(self.pads)
        _verify_positive(self, "kernel", kernel, 2)
        _verify_positive(self, "strides", strides, 2)
        _verify_pads(self, pads)
        if pads[0] >= kernel[0] or pads[2] >= kernel[0] or pads[1] >= kernel[1] or pads[3] >= kernel[1]:
            raise VerifyException(
                f"{self.name}: pads {list(pads)} must be smaller than the kernel {list(kernel)}"
            )
        _verify_window_output(
            self, x.get_shape(), out.get_shape(), (kernel[0], kernel[1]), strides, (1, 1), pads,
            x.get_shape()[3],
        )
        _verify_clamp(self, self.clamp, out)


@irdl_op_definition
class AvgPool2DOp(_Pool2DBase):
    """Average pooling over the valid (unpadded) elements of each window, NHWC.

    With equal input and output parameters this is TFLM's kernel (rounded integer
    mean, clamp). Otherwise the mean is rescaled with a single rounding:
    MultiplyByQuantizedMultiplier(sum(x - zp_in), s_in / (s_out * count)) + zp_out.
    In onnx numerics the arithmetic is onnxruntime's kernel's, named by `onnx_form`."""

    name = "qnn.avg_pool2d"
    SAME_PARAMS: ClassVar[bool] = False
    # onnxruntime's kernel form (onnx numerics only; absent = sequential): see qnn_modes.PoolForm.
    onnx_form = opt_prop_def(PoolFormAttr)
    assembly_format = (
        "$input `kernel` $kernel `strides` $strides `pads` $pads (`clamp` $clamp^)?"
        " (`onnx_form` $onnx_form^)? attr-dict `:` type($input) `->` type($output)"
    )

    def __init__(self, input: SSAValue, result_type: QTensorType, *, onnx_form: PoolForm | None = None, **kw):
        super().__init__(input, result_type, **kw)
        if onnx_form is not None and onnx_form != PoolForm.SEQUENTIAL:
            self.properties["onnx_form"] = PoolFormAttr(PoolForm(onnx_form))

    @property
    def form(self) -> PoolForm:
        return PoolForm.SEQUENTIAL if self.onnx_form is None else self.onnx_form.data

    def verify_(self) -> None:
        super().verify_()
        if self.form in GLOBAL_POOL_FORMS:
            _, h, w, _ = _qtype(self.input).get_shape()
            if _ints(self.kernel) != (h, w) or any(_ints(self.pads)):
                raise VerifyException(
                    f"qnn.avg_pool2d: onnx_form {self.form} needs a global pool (kernel = the input's "
                    f"{h}x{w}, no pads), got kernel {list(_ints(self.kernel))} pads {list(_ints(self.pads))}"
                )


@irdl_op_definition
class MaxPool2DOp(_Pool2DBase):
    """Max pooling over the valid (unpadded) elements of each window, NHWC."""

    name = "qnn.max_pool2d"


@irdl_op_definition
class PadOp(IRDLOperation):
    """Constant padding with the real value 0 (the zero point)."""

    name = "qnn.pad"
    input = operand_def(QTensorType)
    pads = prop_def(DenseArrayBase[I64])
    output = result_def(QTensorType)
    assembly_format = "$input `pads` $pads attr-dict `:` type($input) `->` type($output)"
    traits = traits_def(Pure())

    def __init__(self, input: SSAValue, result_type: QTensorType, pads: Sequence[int]):
        super().__init__(
            operands=[input],
            result_types=[result_type],
            properties={"pads": DenseArrayBase.from_list(i64, pads)},
        )

    def verify_(self) -> None:
        x, out = _qtype(self.input), _qtype(self.output)
        _verify_per_tensor(self, "input", x)
        if not x.same_params(out):
            raise VerifyException("qnn.pad: input and output must have the same quantisation parameters")
        pads, shape = _ints(self.pads), x.get_shape()
        rank = len(shape)
        if len(pads) != 2 * rank or any(p < 0 for p in pads):
            raise VerifyException(
                f"qnn.pad: pads must be {2 * rank} non-negative integers (all befores, then all "
                f"afters), got {list(pads)}"
            )
        expected = tuple(d + pads[i] + pads[i + rank] for i, d in enumerate(shape))
        if out.get_shape() != expected:
            raise VerifyException(
                f"qnn.pad: output shape {list(out.get_shape())} must be {list(expected)}"
            )


@irdl_op_definition
class ReshapeOp(IRDLOperation):
    """Reinterprets the row-major data with the result's shape."""

    name = "qnn.reshape"
    input = operand_def(QTensorType)
    output = result_def(QTensorType)
    assembly_format = "$input attr-dict `:` type($input) `->` type($output)"
    traits = traits_def(Pure(), ReshapeHasCanonicalizationPatterns())

    def __init__(self, input: SSAValue, result_type: QTensorType):
        super().__init__(operands=[input], result_types=[result_type])

    def verify_(self) -> None:
        x, out = _qtype(self.input), _qtype(self.output)
        _verify_per_tensor(self, "input", x)
        if not x.same_params(out):
            raise VerifyException(
                "qnn.reshape: input and output must have the same quantisation parameters"
            )
        if x.get_num_elements() != out.get_num_elements():
            raise VerifyException(
                f"qnn.reshape: element counts differ: {list(x.get_shape())} vs "
                f"{list(out.get_shape())}"
            )


@irdl_op_definition
class TransposeOp(IRDLOperation):
    """Permutes dimensions: out.shape[i] = in.shape[perm[i]]."""

    name = "qnn.transpose"
    input = operand_def(QTensorType)
    perm = prop_def(DenseArrayBase[I64])
    output = result_def(QTensorType)
    assembly_format = "$input `perm` $perm attr-dict `:` type($input) `->` type($output)"
    traits = traits_def(Pure(), TransposeHasCanonicalizationPatterns())

    def __init__(self, input: SSAValue, result_type: QTensorType, perm: Sequence[int]):
        super().__init__(
            operands=[input],
            result_types=[result_type],
            properties={"perm": DenseArrayBase.from_list(i64, perm)},
        )

    def verify_(self) -> None:
        x, out = _qtype(self.input), _qtype(self.output)
        _verify_per_tensor(self, "input", x)
        if not x.same_params(out):
            raise VerifyException(
                "qnn.transpose: input and output must have the same quantisation parameters"
            )
        perm, shape = _ints(self.perm), x.get_shape()
        if sorted(perm) != list(range(len(shape))):
            raise VerifyException(
                f"qnn.transpose: perm {list(perm)} is not a permutation of 0..{len(shape) - 1}"
            )
        expected = tuple(shape[p] for p in perm)
        if out.get_shape() != expected:
            raise VerifyException(
                f"qnn.transpose: output shape {list(out.get_shape())} must be {list(expected)}"
            )


@irdl_op_definition
class ConcatOp(IRDLOperation):
    """Concatenation along `axis`; all operands share the result's parameters
    (the importer requantises operands that do not)."""

    name = "qnn.concat"
    inputs = var_operand_def(QTensorType)
    axis = prop_def(IntegerAttr[I64])
    output = result_def(QTensorType)
    assembly_format = "$inputs `axis` $axis attr-dict `:` type($inputs) `->` type($output)"
    traits = traits_def(Pure())

    def __init__(self, inputs: Sequence[SSAValue], result_type: QTensorType, axis: int):
        super().__init__(
            operands=[inputs], result_types=[result_type], properties={"axis": IntegerAttr(axis, i64)}
        )

    def verify_(self) -> None:
        out = _qtype(self.output)
        _verify_per_tensor(self, "output", out)
        if not self.inputs:
            raise VerifyException("qnn.concat: needs at least one input")
        axis, rank = self.axis.value.data, len(out.get_shape())
        if not 0 <= axis < rank:
            raise VerifyException(f"qnn.concat: axis {axis} out of range for rank {rank}")
        total = 0
        for i, value in enumerate(self.inputs):
            t = _qtype(value)
            if not t.same_params(out):
                raise VerifyException(
                    f"qnn.concat: input {i} has different quantisation parameters from the result"
                )
            shape = t.get_shape()
            if len(shape) != rank or any(
                d != e for j, (d, e) in enumerate(zip(shape, out.get_shape(), strict=True)) if j != axis
            ):
                raise VerifyException(
                    f"qnn.concat: input {i} shape {list(shape)} does not match the result "
                    f"{list(out.get_shape())} outside axis {axis}"
                )
            total += shape[axis]
        if total != out.get_shape()[axis]:
            raise VerifyException(
                f"qnn.concat: inputs sum to {total} along axis {axis}, result has "
                f"{out.get_shape()[axis]}"
            )


@irdl_op_definition
class SoftmaxOp(IRDLOperation):
    """Softmax over the last axis. In tflm numerics TFLite's int8 kernel: output scale 1/256
    and zero point -128 (i8) or 0 (ui8). In onnx numerics any output parameters (the
    DQ -> Softmax -> Q group quantises straight to the ONNX output's)."""

    name = "qnn.softmax"
    input = operand_def(QTensorType)
    beta = prop_def(FloatAttr[Float32Type])
    output = result_def(QTensorType)
    assembly_format = "$input `beta` $beta attr-dict `:` type($input) `->` type($output)"
    traits = traits_def(Pure())

    def __init__(self, input: SSAValue, result_type: QTensorType, beta: float = 1.0):
        super().__init__(
            operands=[input], result_types=[result_type], properties={"beta": FloatAttr(beta, f32)}
        )

    def verify_(self) -> None:
        x, out = _qtype(self.input), _qtype(self.output)
        _verify_per_tensor(self, "input", x)
        _verify_per_tensor(self, "output", out)
        if x.get_shape() != out.get_shape():
            raise VerifyException("qnn.softmax: input and output shapes differ")
        if not x.get_shape():
            raise VerifyException("qnn.softmax: input must have rank >= 1 (softmax over the last axis)")
        beta = self.beta.value.data
        if not (math.isfinite(beta) and beta > 0):
            raise VerifyException(f"qnn.softmax: beta must be finite and > 0, got {beta}")
        expected_zp = out.storage_min
        if numerics_of(self) == Numerics.TFLM and (out.scale != 1.0 / 256 or out.zero_point != expected_zp):
            raise VerifyException(
                f"qnn.softmax: output must be quantised at scale 1/256 (0.00390625) and zero point "
                f"{expected_zp}, got {format_f32(out.scale)}:{out.zero_point} (tflm numerics; onnx "
                "numerics accepts any)"
            )
        if x.element_type != out.element_type:
            raise VerifyException("qnn.softmax: input and output storage types differ")


QNN = Dialect(
    "qnn",
    [
        ConstantOp, QuantizeOp, DequantizeOp, RequantizeOp, Conv2DOp, DenseOp, AddOp,
        AvgPool2DOp, MaxPool2DOp, PadOp, ReshapeOp, TransposeOp, ConcatOp, SoftmaxOp,
    ],
    [QTensorType, NumericsAttr, PoolFormAttr],
)

__all__ = [
    "NUMERICS_KEY", "QNN", "AddOp", "AvgPool2DOp", "ConcatOp", "ConstantOp", "Conv2DOp", "DenseOp",
    "DequantizeOp", "GLOBAL_POOL_FORMS", "MaxPool2DOp", "Numerics", "NumericsAttr", "PadOp",
    "PoolForm", "PoolFormAttr", "QTensorType",
    "QuantizeOp", "RequantizeOp", "ReshapeOp", "SoftmaxOp", "TransposeOp", "broadcast_shape",
    "format_f32", "numerics_of", "set_numerics", "window_output_size",
]
