"""Cortex-M4 qk.add (tflm numerics): add_common.cc's three rescalings in the short exact form.

TFLM adds two int8 tensors as y = clamp(MBQM(s1 + s2, M_out, e_out) + zp_out), with
s_i = MBQM((x_i + offset_i) << left_shift, M_i, e_i) (MBQM: MultiplyByQuantizedMultiplier).
The generic lowering calls the run-time MBQM three times an element (~43 instructions an
element measured on ResNet-8). All parameters are per-tensor constants and every operand
is bounded at compile time (|x_i + offset_i| <= 255, so |(x_i + offset_i) << left_shift|
<= 255 * 2^left_shift, and |s_i| <= |MBQM(that bound)|), so each MBQM is the short form of
cortex_m4_requant.short_multiplier (SMMULR, the rounding add and shift, constants as
immediates) where its no-overflow proof holds, and the clamp is SSAT. Inputs and output
of the same shape packed row-major (a row band too) are walked as one flat loop.

Cost model: 2 loads, 2 x (offset and shift ~2, SMMULR, rounding ~3), the sum, the output's
~5, store and loop: ~22 instructions an element instead of ~43.

Falls back to the generic lowering for onnx numerics, broadcasting, or where a proof fails.
"""

from __future__ import annotations

from tinymlir.dialects import kernel as qk
from tinymlir.passes.kernel_to_loops.cortex_m4_requant import clamp_output, short_multiplier
from tinymlir.passes.kernel_to_loops.elementwise import LowerAdd
from tinymlir.passes.kernel_to_loops.registry import lowering
from tinymlir.scalar_builder import ScalarBuilder
from tinymlir.target import target_of


def _input_bound(t, offset: int) -> int:
    """max |x + offset| over the input type's range."""
    lo, hi = (0, 255) if t.is_unsigned else (-128, 127)
    return max(abs(lo + offset), abs(hi + offset))


def _scaled_bound(bound: int, multiplier: int, shift: int) -> int:
    """max |MBQM(x, multiplier, shift)| for |x| <= bound (MBQM is monotonic)."""
    from tinymlir import fixedpoint as fp

    return int(max(abs(int(fp.multiply_by_quantized_multiplier(v, multiplier, shift))) for v in (bound, -bound)))


@lowering(qk.AddOp, target="cortex-m4")
class LowerAddCortexM4(LowerAdd):
    """The short-form add where it is exact (see the module docstring), else the generic one."""

    def lower(self, k: ScalarBuilder, op: qk.AddOp) -> None:
        plan = None if op.onnx else self.plan(op)
        if plan is None:
            super().lower(k, op)
            return
        scale1, scale2, output = plan
        at, bt = op.input_types.data
        a, b = op.data_inputs
        y = op.outs
        lo, hi = op.bounds
        shift = 1 << op.param("left_shift")
        offsets = (op.param("input1_offset"), op.param("input2_offset"))

        def element(kk: ScalarBuilder, xa, xb, ya, at_a, at_b, at_y) -> None:
            terms = []
            for ref, t, where, offset, scale in ((xa, at, at_a, offsets[0], scale1), (xb, bt, at_b, offsets[1], scale2)):
                v = kk.load_i32(ref, where, t.is_unsigned)
                v = kk.add(v, kk.i32(offset)) if offset else v
                terms.append(scale(kk, kk.mul(v, kk.i32(shift))))
            kk.store_i8(clamp_output(kk, output(kk, kk.add(*terms)), lo, hi), ya, at_y)

        # the output's own indices: its stores carry the layer's tags (registry.tag_layer)
        k.nest(op.output_type.get_shape(), lambda kk, ivs: element(kk, a, b, y, ivs, ivs, ivs))

    @staticmethod
    def plan(op: qk.AddOp):
        """The three short multipliers (input 1, input 2, output with its zero point), or
        None where the operands broadcast or a proof fails."""
        at, bt = op.input_types.data
        shape = op.output_type.get_shape()
        if at.get_shape() != shape or bt.get_shape() != shape:
            return None
        dsp = target_of(op).cpu.has("dsp")
        left = op.param("left_shift")
        total = 0
        scales = []
        for t, i in ((at, 1), (bt, 2)):
            bound = _input_bound(t, op.param(f"input{i}_offset")) << left
            multiplier, shift = op.param(f"input{i}_multiplier"), op.param(f"input{i}_shift")
            if bound >= 1 << 31:
                return None
            scale = short_multiplier(multiplier, shift, bound, dsp)
            if scale is None:
                return None
            scales.append(scale)
            total += _scaled_bound(bound, multiplier, shift)
        if total >= 1 << 31:
            return None
        output = short_multiplier(op.param("output_multiplier"), op.param("output_shift"), total, dsp,
                                  op.output_type.zero_point)
        if output is None:
            return None
        return scales[0], scales[1], output
