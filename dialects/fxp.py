"""The `fxp` dialect: the fixed-point scalar primitives of TFLite Micro's integer kernels.

Upstream `arith` can say everything in a quantised kernel except these few
saturating / rounding fixed-point operations (gemmlowp's `fixedpoint.h` and
TFLite's `MultiplyByQuantizedMultiplier`), whose exact rounding is what makes the
generated code bit-exact with TFLM. All operate on `i32` values holding int32
and have TFLM's default (double-rounding) semantics; `tinymlir.fixedpoint` is
their executable specification.
"""

from __future__ import annotations

from xdsl.dialects.builtin import I64, IntegerAttr, i32, i64
from xdsl.ir import Dialect, SSAValue
from xdsl.irdl import (
    IRDLOperation,
    irdl_op_definition,
    operand_def,
    prop_def,
    result_def,
    traits_def,
)
from xdsl.traits import Pure
from xdsl.utils.exceptions import VerifyException


class _BinaryI32(IRDLOperation):
    lhs = operand_def(i32)
    rhs = operand_def(i32)
    result = result_def(i32)
    assembly_format = "$lhs `,` $rhs attr-dict `:` type($result)"
    traits = traits_def(Pure())

    def __init__(self, lhs: SSAValue, rhs: SSAValue):
        super().__init__(operands=[lhs, rhs], result_types=[i32])


@irdl_op_definition
class MultiplyByQuantizedMultiplierOp(IRDLOperation):
    """`MultiplyByQuantizedMultiplier(x, multiplier, shift)`: x * multiplier * 2^shift / 2^31,
    as a saturating rounding doubling high multiply and a rounding right shift."""

    name = "fxp.multiply_by_quantized_multiplier"
    x = operand_def(i32)
    multiplier = operand_def(i32)
    shift = operand_def(i32)
    result = result_def(i32)
    assembly_format = "$x `,` $multiplier `,` $shift attr-dict `:` type($result)"
    traits = traits_def(Pure())

    def __init__(self, x: SSAValue, multiplier: SSAValue, shift: SSAValue):
        super().__init__(operands=[x, multiplier, shift], result_types=[i32])


@irdl_op_definition
class SaturatingRoundingDoublingHighMulOp(_BinaryI32):
    """gemmlowp `SaturatingRoundingDoublingHighMul(a, b)`: round(a * b / 2^31), saturating."""

    name = "fxp.saturating_rounding_doubling_high_mul"


@irdl_op_definition
class RoundingDivideByPOTOp(_BinaryI32):
    """gemmlowp `RoundingDivideByPOT(x, exponent)`: x / 2^exponent, rounding half away from zero."""

    name = "fxp.rounding_divide_by_pot"


class _IntegerBits(IRDLOperation):
    integer_bits = prop_def(IntegerAttr[I64])

    def verify_(self) -> None:
        bits = self.integer_bits.value.data
        if not 0 <= bits <= 31:
            raise VerifyException(f"{self.name}: integer_bits must be in [0, 31], got {bits}")


@irdl_op_definition
class ExpOnNegativeValuesOp(_IntegerBits):
    """gemmlowp `exp_on_negative_values` of a Q(integer_bits).(31 - integer_bits) value <= 0,
    returning a Q0.31 value."""

    name = "fxp.exp_on_negative_values"
    x = operand_def(i32)
    result = result_def(i32)
    assembly_format = "$x `integer_bits` $integer_bits attr-dict `:` type($result)"
    traits = traits_def(Pure())

    def __init__(self, x: SSAValue, integer_bits: int):
        super().__init__(
            operands=[x], result_types=[i32], properties={"integer_bits": IntegerAttr(integer_bits, i64)}
        )


@irdl_op_definition
class GetReciprocalOp(_IntegerBits):
    """TFLite `GetReciprocal(x, x_integer_digits, &num_bits_over_unit)`: 1 / x as Q0.31 scaled by
    2^-num_bits_over_unit, for a positive Q(integer_bits) sum of exponentials."""

    name = "fxp.get_reciprocal"
    x = operand_def(i32)
    reciprocal = result_def(i32)
    num_bits_over_unit = result_def(i32)
    assembly_format = "$x `integer_bits` $integer_bits attr-dict `:` type($reciprocal) `,` type($num_bits_over_unit)"
    traits = traits_def(Pure())

    def __init__(self, x: SSAValue, integer_bits: int):
        super().__init__(
            operands=[x], result_types=[i32, i32], properties={"integer_bits": IntegerAttr(integer_bits, i64)}
        )


FXP = Dialect(
    "fxp",
    [
        MultiplyByQuantizedMultiplierOp,
        SaturatingRoundingDoublingHighMulOp,
        RoundingDivideByPOTOp,
        ExpOnNegativeValuesOp,
        GetReciprocalOp,
    ],
)
