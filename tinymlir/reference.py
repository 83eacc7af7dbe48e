"""Reference executor: runs `qnn` IR on numpy arrays in the module's numerics mode.

It is the oracle every pass is checked against: running a function before and
after a pass on the same inputs must give identical integers. Each op's
arithmetic is in `tinymlir.fixedpoint` (mode `tflm`: a bit-exact transliteration
of TFLM's reference kernels) or `tinymlir.onnx_numerics` (mode `onnx`:
onnxruntime's float32 output stages); this module only walks the IR, lays out
windows and broadcasts. Quantised values are int64 arrays holding the stored integers;
float tensors (model boundary only) are float32 arrays.

Convolution and dense accumulate in float64 matmuls: int8 products summed over at
most a few hundred thousand terms stay far below 2**53, so the sums are exact.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from xdsl.dialects import arith, func
from xdsl.dialects.builtin import DenseIntOrFPElementsAttr, IntegerType, ModuleOp, Signedness
from xdsl.ir import Operation, SSAValue

from tinymlir import fixedpoint as fp
from tinymlir import onnx_numerics as onnx_fp
from tinymlir.dialects import qnn
from tinymlir.errors import ExecutionError

_NP_DTYPES = {(8, True): np.int8, (8, False): np.uint8, (32, True): np.int32}


def dense_to_numpy(attr: DenseIntOrFPElementsAttr) -> np.ndarray:
    """The raw little-endian bytes of a dense attribute as a numpy array."""
    element_type = attr.get_element_type()
    shape = tuple(attr.get_shape())
    if isinstance(element_type, IntegerType):
        signed = element_type.signedness.data != Signedness.UNSIGNED
        dtype = _NP_DTYPES.get((element_type.width.data, signed))
    else:
        dtype = {"f32": np.float32, "f64": np.float64}.get(str(element_type))
    if dtype is None:
        raise ExecutionError(f"unsupported constant element type {element_type}")
    data = np.frombuffer(attr.data.data, dtype=dtype)
    if data.size == 1 and int(np.prod(shape)) != 1:  # splat
        data = np.full(shape, data[0], dtype)
    return data.reshape(shape)


def storage_dtype(t: qnn.QTensorType) -> type:
    return np.int8 if t.storage_min < 0 else np.uint8


def _clamp_bounds(op, out: qnn.QTensorType) -> tuple[int, int]:
    if op.clamp is None:
        return out.storage_min, out.storage_max
    lo, hi = op.clamp.get_values()
    return int(lo), int(hi)


def _ints(attr) -> list[int]:
    return [int(v) for v in attr.get_values()]


def sliding_windows(x: np.ndarray, kernel, strides, dilations, pads, fill: int) -> np.ndarray:
    """[N, OH, OW, KH, KW, C] view of the padded NHWC input."""
    padded = np.pad(
        x, ((0, 0), (pads[0], pads[2]), (pads[1], pads[3]), (0, 0)), constant_values=fill
    )
    kh, kw = kernel
    dh, dw = dilations
    span_h, span_w = (kh - 1) * dh + 1, (kw - 1) * dw + 1
    view = np.lib.stride_tricks.sliding_window_view(padded, (span_h, span_w), axis=(1, 2))
    view = view[:, :: strides[0], :: strides[1], :, :: dh, :: dw]  # [N, OH, OW, C, KH, KW]
    return view.transpose(0, 1, 2, 4, 5, 3)


def valid_taps(in_hw, kernel, strides, pads, out_hw) -> np.ndarray:
    """[OH, OW, KH, KW] mask of window taps that fall inside the unpadded input."""
    mask = np.zeros((in_hw[0] + pads[0] + pads[2], in_hw[1] + pads[1] + pads[3]), bool)
    mask[pads[0] : pads[0] + in_hw[0], pads[1] : pads[1] + in_hw[1]] = True
    view = np.lib.stride_tricks.sliding_window_view(mask, kernel)
    return view[:: strides[0], :: strides[1]][: out_hw[0], : out_hw[1]]


def average_pool_rescale_tables(in_scale: float, out_scale: float, max_count: int):
    """Multiplier and shift for every window count 0..max_count: s_in / (s_out * count)
    (entry 0 is unused). qnn.avg_pool2d with different input and output parameters."""
    mult = np.zeros(max_count + 1, np.int64)
    shift = np.zeros(max_count + 1, np.int64)
    for count in range(1, max_count + 1):
        mult[count], shift[count] = fp.quantize_multiplier(float(in_scale) / (float(out_scale) * count))
    return mult, shift


def onnx_checked(op: Operation, compute: Callable[[], np.ndarray]) -> np.ndarray:
    """Runs an onnx-mode computation; a scale it refuses is an ExecutionError naming the op."""
    try:
        return compute()
    except ValueError as exc:
        raise ExecutionError(f"{op.name}: {exc}") from None


class ReferenceExecutor:
    """Evaluates one function op by op, in `numerics` if given, else in its module's mode."""

    def __init__(self, numerics: qnn.Numerics | None = None) -> None:
        self.forced_numerics = numerics
        self.numerics = numerics or qnn.Numerics.TFLM
        self.handlers: dict[type[Operation], Callable[[Operation, list], np.ndarray]] = {
            qnn.ConstantOp: self.constant,
            arith.ConstantOp: self.arith_constant,
            qnn.QuantizeOp: self.quantize,
            qnn.DequantizeOp: self.dequantize,
            qnn.RequantizeOp: self.requantize,
            qnn.Conv2DOp: self.conv2d,
            qnn.DenseOp: self.dense,
            qnn.AddOp: self.add,
            qnn.AvgPool2DOp: self.avg_pool2d,
            qnn.MaxPool2DOp: self.max_pool2d,
            qnn.PadOp: self.pad,
            qnn.ReshapeOp: self.reshape,
            qnn.TransposeOp: self.transpose,
            qnn.ConcatOp: self.concat,
            qnn.SoftmaxOp: self.softmax,
        }
        self.trace: Callable[[Operation, np.ndarray], None] | None = None

    def run(self, function: func.FuncOp, inputs: Sequence[np.ndarray]) -> list[np.ndarray]:
        block = function.body.block
        self.numerics = self.forced_numerics or qnn.numerics_of(function)
        if len(inputs) != len(block.args):
            raise ExecutionError(f"@{function.sym_name.data} takes {len(block.args)} inputs, got {len(inputs)}")
        env: dict[SSAValue, np.ndarray] = {}
        for arg, value in zip(block.args, inputs, strict=True):
            env[arg] = self.check_input(arg, np.asarray(value))
        for op in block.ops:
            if isinstance(op, func.ReturnOp):
                return [self.to_storage(v, env[v]) for v in op.operands]
            handler = self.handlers.get(type(op))
            if handler is None:
                raise ExecutionError(f"the reference executor cannot run '{op.name}'")
            result = handler(op, [env[v] for v in op.operands])
            env[op.results[0]] = result
            if self.trace is not None:
                self.trace(op, self.to_storage(op.results[0], result))
        raise ExecutionError("function has no func.return")

    # -- boundary ----------------------------------------------------------- #
    @staticmethod
    def check_input(arg: SSAValue, value: np.ndarray) -> np.ndarray:
        t = arg.type
        shape = tuple(t.get_shape())  # type: ignore[attr-defined]
        if value.shape != shape:
            raise ExecutionError(f"input shape {list(value.shape)} does not match {list(shape)}")
        if isinstance(t, qnn.QTensorType):
            if value.dtype.kind not in "iu" or value.min(initial=0) < t.storage_min or value.max(initial=0) > t.storage_max:
                raise ExecutionError(f"input must hold integers in [{t.storage_min}, {t.storage_max}]")
            return value.astype(np.int64)
        return value.astype(np.float32)

    @staticmethod
    def to_storage(v: SSAValue, value: np.ndarray) -> np.ndarray:
        if isinstance(v.type, qnn.QTensorType):
            return value.astype(storage_dtype(v.type))
        return value

    # -- ops ---------------------------------------------------------------- #
    def constant(self, op: qnn.ConstantOp, _):
        return dense_to_numpy(op.value).astype(np.int64)

    def arith_constant(self, op: arith.ConstantOp, _):
        if not isinstance(op.value, DenseIntOrFPElementsAttr):
            raise ExecutionError("only dense arith.constant tensors are supported")
        return dense_to_numpy(op.value).astype(np.int64)

    def quantize(self, op: qnn.QuantizeOp, args):
        """ONNX QuantizeLinear: round half to even of x / scale (float32), + zp, saturate."""
        out = op.output.type
        q = np.rint(args[0].astype(np.float32) / np.float32(out.scale)).astype(np.int64) + out.zero_point
        return np.clip(q, out.storage_min, out.storage_max)

    def dequantize(self, op: qnn.DequantizeOp, args):
        t = op.input.type
        return fp.dequantize(args[0], t.scale, t.zero_point).astype(np.float32)

    def requantize(self, op: qnn.RequantizeOp, args):
        src, out = op.input.type, op.output.type
        lo, hi = _clamp_bounds(op, out)
        if self.numerics == qnn.Numerics.ONNX:
            return onnx_fp.requantize(args[0], src.zero_point, src.scale, out.scale, out.zero_point, lo, hi)
        return fp.requantize(args[0], src.scale, src.zero_point, out.scale, out.zero_point, lo, hi)

    def conv2d(self, op: qnn.Conv2DOp, args):
        x, w, bias = args
        xt, wt, out = op.input.type, op.weight.type, op.output.type
        strides, pads, dilations = _ints(op.strides), _ints(op.pads), _ints(op.dilations)
        groups = op.groups.value.data
        c_out, kh, kw, c_in_g = wt.get_shape()
        # Padding taps hold the zero point, so (x - zp) contributes 0, as TFLM skips them.
        cols = sliding_windows(x - xt.zero_point, (kh, kw), strides, dilations, pads, 0).astype(np.float64)
        w_zp = np.asarray(wt.zero_point_values, np.int64).reshape(-1, 1, 1, 1)
        w = (w - w_zp).astype(np.float64)  # [O, KH, KW, I]
        n, oh, ow = cols.shape[:3]
        acc = np.empty((n, oh, ow, c_out), np.float64)
        c_out_g = c_out // groups
        if groups > 1 and c_in_g == 1 and c_out == groups:  # depthwise, multiplier 1
            acc[...] = np.einsum("nhwijc,cij->nhwc", cols, w[..., 0], optimize=True)
        else:
            for g in range(groups):
                patch = cols[..., g * c_in_g : (g + 1) * c_in_g].reshape(n * oh * ow, -1)
                wg = w[g * c_out_g : (g + 1) * c_out_g].reshape(c_out_g, -1)
                acc[..., g * c_out_g : (g + 1) * c_out_g] = (patch @ wg.T).reshape(n, oh, ow, c_out_g)
        acc_i = acc.astype(np.int64) + bias
        lo, hi = _clamp_bounds(op, out)
        if self.numerics == qnn.Numerics.ONNX:
            return self.onnx_output_stage(op, acc_i, xt, wt, out, lo, hi)
        mult, shift = fp.conv_output_multipliers(xt.scale, np.asarray(wt.scale_values), out.scale, c_out)
        return fp.requantize_accumulator(acc_i, mult, shift, out.zero_point, lo, hi)

    @staticmethod
    def onnx_output_stage(op, acc, xt, wt, out, lo, hi):
        """f32(acc) * S_c, rounded: acc wraps to int32 first, as the C accumulator does."""
        channels = acc.shape[-1]

        def compute():
            scales = onnx_fp.conv_output_scales(xt.scale, wt.scale_values, out.scale)
            scales = np.broadcast_to(scales, (channels,))
            return onnx_fp.requantize_accumulator(fp.wrap_int32(acc), scales, out.zero_point, lo, hi)

        return onnx_checked(op, compute)

    def dense(self, op: qnn.DenseOp, args):
        x, w, bias = args
        xt, wt, out = op.input.type, op.weight.type, op.output.type
        w_zp = np.asarray(wt.zero_point_values, np.int64).reshape(-1, 1)
        acc = (x - xt.zero_point).astype(np.float64) @ (w - w_zp).astype(np.float64).T
        acc_i = acc.astype(np.int64) + bias
        if self.numerics == qnn.Numerics.ONNX:
            lo, hi = _clamp_bounds(op, out)
            return self.onnx_output_stage(op, acc_i, xt, wt, out, lo, hi)
        scales = wt.scale_values
        weight_scale = scales[0] if len(scales) == 1 else np.asarray(scales)
        mult, shift = fp.fully_connected_output_multiplier(xt.scale, weight_scale, out.scale)
        lo, hi = _clamp_bounds(op, out)
        return fp.requantize_accumulator(acc_i, mult, shift, out.zero_point, lo, hi)

    def add(self, op: qnn.AddOp, args):
        at, bt, out = op.lhs.type, op.rhs.type, op.output.type
        a, b = np.broadcast_arrays(*args)
        if self.numerics == qnn.Numerics.ONNX:
            lo, hi = _clamp_bounds(op, out)

            def compute():
                onnx_fp.check_dequantised_range(at.scale)
                onnx_fp.check_dequantised_range(bt.scale)
                return onnx_fp.add(
                    a, at.zero_point, at.scale, b, bt.zero_point, bt.scale, out.scale,
                    out.zero_point, lo, hi,
                )

            return onnx_checked(op, compute)
        params = fp.add_params(at.scale, at.zero_point, bt.scale, bt.zero_point, out.scale, out.zero_point)
        lo, hi = _clamp_bounds(op, out)
        return fp.add_int8(a, b, params, out.zero_point, lo, hi)

    def _pool(self, op, x, reduce: str):
        kernel, strides, pads = _ints(op.kernel), _ints(op.strides), _ints(op.pads)
        out = op.output.type
        n, oh, ow, c = out.get_shape()
        fill = np.iinfo(np.int64).min if reduce == "max" else 0
        win = sliding_windows(x, kernel, strides, (1, 1), pads, 0)[:, :oh, :ow]
        mask = valid_taps(x.shape[1:3], kernel, strides, pads, (oh, ow))[None, :, :, :, :, None]
        lo, hi = _clamp_bounds(op, out)
        if reduce == "max":
            result = np.where(mask, win, fill).max(axis=(3, 4))
        elif self.numerics == qnn.Numerics.ONNX:
            xt = op.input.type

            def compute():
                onnx_fp.check_dequantised_range(xt.scale)
                return onnx_fp.average_pool(
                    win, mask, xt.zero_point, xt.scale, out.scale, out.zero_point, lo, hi, op.form
                )

            return onnx_checked(op, compute)
        else:
            xt = op.input.type
            total = np.where(mask, win, 0).sum(axis=(3, 4))
            count = np.broadcast_to(mask.sum(axis=(3, 4)), total.shape)
            if xt.same_params(out):
                result = fp.average_pool_divide(total, count)
            else:
                mult, shift = average_pool_rescale_tables(xt.scale, out.scale, kernel[0] * kernel[1])
                centred = total - count * xt.zero_point
                result = fp.multiply_by_quantized_multiplier(centred, mult[count], shift[count])
                result = result + out.zero_point
        return np.clip(result, lo, hi)

    def avg_pool2d(self, op: qnn.AvgPool2DOp, args):
        return self._pool(op, args[0], "avg")

    def max_pool2d(self, op: qnn.MaxPool2DOp, args):
        return self._pool(op, args[0], "max")

    def pad(self, op: qnn.PadOp, args):
        pads = _ints(op.pads)
        rank = args[0].ndim
        widths = [(pads[i], pads[i + rank]) for i in range(rank)]
        return np.pad(args[0], widths, constant_values=op.input.type.zero_point)

    def reshape(self, op: qnn.ReshapeOp, args):
        return args[0].reshape(op.output.type.get_shape())

    def transpose(self, op: qnn.TransposeOp, args):
        return np.ascontiguousarray(args[0].transpose(_ints(op.perm)))

    def concat(self, op: qnn.ConcatOp, args):
        return np.concatenate(args, axis=op.axis.value.data)

    def softmax(self, op: qnn.SoftmaxOp, args):
        xt, out = op.input.type, op.output.type
        if self.numerics == qnn.Numerics.ONNX:
            return onnx_fp.softmax(
                args[0], xt.scale, op.beta.value.data, out.scale, out.zero_point,
                out.storage_min, out.storage_max,
            )
        params = fp.softmax_params(xt.scale, op.beta.value.data)
        return fp.softmax_int8(args[0], params, out_dtype_min=out.storage_min, out_bits=8)


def find_function(module: ModuleOp, name: str | None = None) -> func.FuncOp:
    functions = [op for op in module.ops if isinstance(op, func.FuncOp) and op.body.blocks]
    if name is not None:
        functions = [f for f in functions if f.sym_name.data == name]
    if len(functions) != 1:
        raise ExecutionError(
            f"expected exactly one function{' named ' + name if name else ''}, found {len(functions)}"
        )
    return functions[0]


def run_module(
    module: ModuleOp, inputs: Sequence[np.ndarray], function: str | None = None
) -> list[np.ndarray]:
    """Runs the module's function on `inputs`; returns its outputs (int8/uint8 or float32)."""
    return ReferenceExecutor().run(find_function(module, function), inputs)


def trace_module(
    module: ModuleOp, inputs: Sequence[np.ndarray], function: str | None = None
) -> list[tuple[Operation, np.ndarray]]:
    """Every op's result on `inputs`, in execution order (for per-layer comparisons)."""
    executor, trace = ReferenceExecutor(), []
    executor.trace = lambda op, value: trace.append((op, value))
    executor.run(find_function(module, function), inputs)
    return trace
