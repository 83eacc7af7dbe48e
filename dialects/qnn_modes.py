"""Attributes of the `qnn` dialect that choose an arithmetic, not a value.

* `#qnn.numerics<tflm|onnx>`: the module's numerics mode (NUMERICS_KEY on the builtin.module),
  whose arithmetic the output stages reproduce (see tinymlir/dialects/qnn.py).
* `#qnn.pool_form<...>`: how onnxruntime's kernel for the source op computes an average pool
  (the `onnx_form` property of qnn.avg_pool2d). Only the onnx numerics mode reads it; TFLM's
  pools are one integer computation whatever the source op. tinymlir/onnx_numerics.py states
  each form's arithmetic exactly.
"""

from __future__ import annotations

from xdsl.dialects.builtin import ModuleOp
from xdsl.dialects.utils import EnumAttribute
from xdsl.ir import Operation
from xdsl.irdl import irdl_attr_definition
from xdsl.parser import AttrParser
from xdsl.printer import Printer
from xdsl.utils.exceptions import VerifyException
from xdsl.utils.str_enum import StrEnum


class Numerics(StrEnum):
    """Whose arithmetic the output stages (requantisation, add, pools, softmax) reproduce."""

    TFLM = "tflm"  # TFLite Micro's integer kernels (tinymlir/fixedpoint.py)
    ONNX = "onnx"  # onnxruntime's float32 DQ -> op -> Q groups (tinymlir/onnx_numerics.py)


class _BracketedEnum:
    """Prints and parses `<value>` of a StrEnum attribute."""

    enum: type[StrEnum]

    def print_parameter(self, printer: Printer) -> None:
        with printer.in_angle_brackets():
            printer.print_string(self.data.value)  # type: ignore[attr-defined]

    @classmethod
    def parse_parameter(cls, parser: AttrParser):
        with parser.in_angle_brackets():
            return parser.parse_str_enum(cls.enum)


@irdl_attr_definition
class NumericsAttr(_BracketedEnum, EnumAttribute[Numerics]):
    """`#qnn.numerics<tflm>` / `#qnn.numerics<onnx>`, on the builtin.module (NUMERICS_KEY)."""

    name = "qnn.numerics"
    enum = Numerics


class PoolForm(StrEnum):
    """onnxruntime's (x86-64) arithmetic for one average pool, by source op and shape."""

    # Spec order: one f32 sum over the valid taps in row-major (kh, kw) order. QDQ AveragePool
    # run by MLAS's scalar kernel (width stride > 2 or a kernel side > 32), and the default.
    SEQUENTIAL = "sequential"
    # QDQ AveragePool in MLAS's MlasPool2DVectorKernel (width stride <= 2, kernel sides <= 32):
    # each kernel column summed over its valid rows, then the column sums left to right.
    MLAS_COLUMNS = "mlas_columns"
    # QDQ GlobalAveragePool in MLAS's MlasPoolGlobalKernel: 4 f32 lanes, (l0+l2)+(l1+l3), tail.
    MLAS_LANES4 = "mlas_lanes4"
    # QLinearGlobalAveragePool: exact integer sum, one scale sx / (sy * N) like conv's stage.
    INTEGER_SUM = "integer_sum"
    # QLinearAveragePool: the spec's sum, then rint(clamp(mean / sy + zy)) (zero point in float).
    ZERO_POINT_IN_FLOAT = "zero_point_in_float"


# Forms defined only for a global pool (one window covering the whole unpadded input).
GLOBAL_POOL_FORMS = frozenset({PoolForm.MLAS_LANES4, PoolForm.INTEGER_SUM})


@irdl_attr_definition
class PoolFormAttr(_BracketedEnum, EnumAttribute[PoolForm]):
    """`#qnn.pool_form<mlas_columns>` etc. (PoolForm); absent means `sequential`."""

    name = "qnn.pool_form"
    enum = PoolForm


NUMERICS_KEY = "qnn.numerics"


def numerics_of(op: Operation | None) -> Numerics:
    """The mode of the nearest enclosing module that records one; tflm if none does."""
    current = op
    while current is not None:
        attr = current.attributes.get(NUMERICS_KEY) if isinstance(current, ModuleOp) else None
        if attr is not None:
            if not isinstance(attr, NumericsAttr):
                raise VerifyException(f"{NUMERICS_KEY} must be #qnn.numerics<tflm|onnx>, got {attr}")
            return attr.data
        current = current.parent_op()
    return Numerics.TFLM


def set_numerics(module: ModuleOp, numerics: Numerics | str) -> None:
    module.attributes[NUMERICS_KEY] = NumericsAttr(Numerics(numerics))
