"""convert-fxp-to-arith implements each fxp primitive exactly as tinymlir.fixedpoint
(TFLM's arithmetic): interpret the arith helpers on random and extreme int32 inputs."""

import numpy as np
import pytest
from xdsl.builder import Builder, InsertPoint
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp, i32
from xdsl.interpreter import Interpreter
from xdsl.interpreters import arith as xarith
from xdsl.interpreters import func as xfunc
from xdsl.ir import Block, Region

from tinymlir import fixedpoint as fp
from tinymlir.dialects import fxp
from tinymlir.interpreter import TinymlirLoopFunctions
from tinymlir.passes.convert_fxp_to_arith import ConvertFxpToArithPass
from tinymlir.pipelines import make_context

EXTREMES = [-(2**31), -(2**31) + 1, -(2**30), -1, 0, 1, 2**30, 2**31 - 1]


def lowered_function(n_args: int, build):
    block = Block(arg_types=[i32] * n_args)
    builder = Builder(InsertPoint.at_end(block))
    op = build(*block.args)
    builder.insert(op)
    builder.insert(func.ReturnOp(*op.results))
    function = func.FuncOp("f", ([i32] * n_args, [i32] * len(op.results)), Region(block))
    module = ModuleOp([function])
    ConvertFxpToArithPass().apply(make_context(), module)
    module.verify()
    assert not any(o.name.startswith("fxp.") for o in module.walk())
    interpreter = Interpreter(module)
    for impl in (xfunc.FuncFunctions(), xarith.ArithFunctions(), TinymlirLoopFunctions()):
        interpreter.register_implementations(impl)
    return lambda *args: interpreter.call_op("f", args)


rng = np.random.default_rng(0)


def samples(n, low=-(2**31), high=2**31):
    return [int(v) for v in rng.integers(low, high, n)] + EXTREMES


def test_saturating_rounding_doubling_high_mul():
    run = lowered_function(2, fxp.SaturatingRoundingDoublingHighMulOp)
    for a, b in zip(samples(150), samples(150)[::-1], strict=True):
        assert run(a, b)[0] == int(fp.saturating_rounding_doubling_high_mul(a, b))


def test_rounding_divide_by_pot():
    run = lowered_function(2, fxp.RoundingDivideByPOTOp)
    for x in samples(60):
        for e in (0, 1, 5, 12, 30, 31):
            assert run(x, e)[0] == int(fp.rounding_divide_by_pot(x, e)), (x, e)


@pytest.mark.parametrize("shift", [-31, -20, -9, -1, 0, 1, 3])
def test_multiply_by_quantized_multiplier(shift):
    run = lowered_function(3, fxp.MultiplyByQuantizedMultiplierOp)
    limit = 2**31 >> max(shift, 0)
    for x in samples(40, -limit, limit):
        for m in (1 << 30, 1518500250, 2**31 - 1):
            assert run(x, m, shift)[0] == int(fp.multiply_by_quantized_multiplier(x, m, shift))


@pytest.mark.parametrize("integer_bits", [0, 3, 5, 6])
def test_exp_on_negative_values(integer_bits):
    run = lowered_function(1, lambda x: fxp.ExpOnNegativeValuesOp(x, integer_bits))
    for a in samples(120, -(2**31), 1):
        assert run(a)[0] == int(fp.exp_on_negative_values(a, integer_bits)), a


def test_get_reciprocal():
    run = lowered_function(1, lambda x: fxp.GetReciprocalOp(x, 12))
    for x in samples(150, 1, 2**31):
        recip, bits = fp.get_reciprocal(np.asarray([x]), 12)
        assert run(x) == (int(recip[0]), int(bits[0])), x
