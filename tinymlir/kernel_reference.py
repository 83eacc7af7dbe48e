"""What each `qk` op computes, on numpy arrays: the kernel level's reference semantics.

The interpreter (tinymlir/interpreter.py) runs a `qk` op with these functions, so running
kernel-level IR does not go through the loop lowerings, and the before/after check of
convert-kernel-to-loops compares two independent implementations: this one (written
against the op's documented operands, whole arrays at a time) and the lowering (element
by element, in the order the C runs). The arithmetic itself is shared with the qnn
reference executor (tinymlir.fixedpoint in tflm mode, tinymlir.onnx_numerics in onnx
mode); what is new here is reading a qk op's precomputed operands: folded weights and
biases, multiplier and shift properties or tables, add and softmax parameters.

Values are int64 arrays of the stored integers (uint8 storage as 0..255), f32 tables are
float32 arrays. Each function returns the output as int64 values within the output's
storage range; an in-place schedule does not change the result (the whole input is read
first).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from tinymlir import fixedpoint as fp
from tinymlir import onnx_numerics as onnx_fp
from tinymlir.dialects import kernel as qk
from tinymlir.errors import ExecutionError
from tinymlir.reference import sliding_windows, valid_taps

Compute = Callable[[qk.KernelOp, Sequence[np.ndarray]], np.ndarray]


def _ints(attr) -> list[int]:
    return [int(v) for v in attr.get_values()]


def _checked(op: qk.KernelOp, compute: Callable[[], np.ndarray]) -> np.ndarray:
    """An onnx-mode computation; a scale it refuses is an ExecutionError naming the op."""
    try:
        return compute()
    except ValueError as exc:
        raise ExecutionError(f"{op.name} ({op.layer_name.data}): {exc}") from None


def _output_stage(op: qk.Conv2DOp | qk.DenseOp, acc: np.ndarray, tables: Sequence[np.ndarray]) -> np.ndarray:
    """The requantised outputs of int32 accumulators (channels last): tflm's multiplier and
    shift, or onnx's float32 scale, each a property or the next table."""
    out, (lo, hi) = op.output_type, op.bounds
    remaining = list(tables)
    acc = fp.wrap_int32(acc)
    if op.onnx:
        scale = np.float32(op.scale.value.data) if op.scale is not None else remaining.pop(0)
        return _checked(op, lambda: onnx_fp.requantize_accumulator(acc, scale, out.zero_point, lo, hi))
    mult = op.multiplier.value.data if op.multiplier is not None else remaining.pop(0)
    shift = op.shift.value.data if op.shift is not None else remaining.pop(0)
    return fp.requantize_accumulator(acc, mult, shift, out.zero_point, lo, hi)


def conv2d(op: qk.Conv2DOp, args: Sequence[np.ndarray]) -> np.ndarray:
    """bias + the taps: a padded convolution subtracts the input zero point per tap and
    skips padding taps (they hold the zero point here, so they add 0); an unpadded one
    has the zero point folded into its bias."""
    x, w, bias, *tables = args
    zx = op.input_types.data[0].zero_point if op.padded else 0
    c_out, kh, kw, cin_g = w.shape
    groups = op.groups.value.data
    cols = sliding_windows(x - zx, (kh, kw), _ints(op.strides), _ints(op.dilations), _ints(op.pads), 0)
    n, oh, ow = cols.shape[:3]
    acc = np.empty((n, oh, ow, c_out), np.int64)
    cout_g = c_out // groups
    for g in range(groups):
        patch = cols[..., g * cin_g : (g + 1) * cin_g].reshape(n * oh * ow, kh * kw * cin_g)
        weights = w[g * cout_g : (g + 1) * cout_g].reshape(cout_g, kh * kw * cin_g)
        acc[..., g * cout_g : (g + 1) * cout_g] = (patch @ weights.T).reshape(n, oh, ow, cout_g)
    return _output_stage(op, acc + bias, tables)


def dense(op: qk.DenseOp, args: Sequence[np.ndarray]) -> np.ndarray:
    """bias (input zero point folded in) + x @ w^T."""
    x, w, bias, *tables = args
    return _output_stage(op, x @ w.T + bias, tables)


def _broadcast(op: qk.KernelOp, values: Sequence[np.ndarray]) -> list[np.ndarray]:
    shape = tuple(op.output_type.get_shape())
    return [np.broadcast_to(v, shape) for v in values]


def add(op: qk.AddOp, args: Sequence[np.ndarray]) -> np.ndarray:
    (at, bt), out, (lo, hi) = op.input_types.data, op.output_type, op.bounds
    a, b = _broadcast(op, args)
    if op.onnx:
        return _checked(op, lambda: onnx_fp.add(
            a, at.zero_point, at.scale, b, bt.zero_point, bt.scale, out.scale, out.zero_point, lo, hi
        ))
    params = {key: op.param(key) for key in qk.ADD_PARAMS}
    return fp.add_int8(a, b, params, out.zero_point, lo, hi)


def requantize(op: qk.RequantizeOp, args: Sequence[np.ndarray]) -> np.ndarray:
    src, out, (lo, hi) = op.input_types.data[0], op.output_type, op.bounds
    if op.onnx:
        return _checked(op, lambda: onnx_fp.requantize(
            args[0], src.zero_point, src.scale, out.scale, out.zero_point, lo, hi
        ))
    centred = fp.wrap_int32(args[0] - src.zero_point)
    scaled = fp.multiply_by_quantized_multiplier(centred, op.multiplier.value.data, op.shift.value.data)
    return np.clip(fp.wrap_int32(scaled + out.zero_point), lo, hi)


def _pool_windows(op: qk.AvgPool2DOp | qk.MaxPool2DOp, x: np.ndarray):
    """[N, OH, OW, KH, KW, C] windows and the [1, OH, OW, KH, KW, 1] mask of valid taps."""
    kernel, strides, pads = _ints(op.kernel), _ints(op.strides), _ints(op.pads)
    _, oh, ow, _ = op.output_type.get_shape()
    windows = sliding_windows(x, kernel, strides, (1, 1), pads, 0)[:, :oh, :ow]
    mask = valid_taps(x.shape[1:3], kernel, strides, pads, (oh, ow))[None, :, :, :, :, None]
    return windows, mask


def max_pool2d(op: qk.MaxPool2DOp, args: Sequence[np.ndarray]) -> np.ndarray:
    windows, mask = _pool_windows(op, args[0])
    lo, hi = op.bounds
    return np.clip(np.where(mask, windows, np.iinfo(np.int64).min).max(axis=(3, 4)), lo, hi)


def avg_pool2d(op: qk.AvgPool2DOp, args: Sequence[np.ndarray]) -> np.ndarray:
    """tflm: the rounded integer mean, or one rescale by the (multiplier, shift) tables
    indexed by the number of valid taps; onnx: the mean in the op's `onnx_form`."""
    x, *tables = args
    xt, out, (lo, hi) = op.input_types.data[0], op.output_type, op.bounds
    windows, mask = _pool_windows(op, x)
    if op.onnx:
        return _checked(op, lambda: onnx_fp.average_pool(
            windows, mask, xt.zero_point, xt.scale, out.scale, out.zero_point, lo, hi, op.form
        ))
    total = np.where(mask, windows, 0).sum(axis=(3, 4))
    count = np.broadcast_to(mask.sum(axis=(3, 4)), total.shape)
    if not tables:
        return np.clip(fp.average_pool_divide(total, count), lo, hi)
    mult, shift = tables
    scaled = fp.multiply_by_quantized_multiplier(total - count * xt.zero_point, mult[count], shift[count])
    return np.clip(scaled + out.zero_point, lo, hi)


def pad(op: qk.PadOp, args: Sequence[np.ndarray]) -> np.ndarray:
    pads, rank = _ints(op.pads), args[0].ndim
    widths = [(pads[d], pads[d + rank]) for d in range(rank)]
    return np.pad(args[0], widths, constant_values=op.input_types.data[0].zero_point)


def transpose(op: qk.TransposeOp, args: Sequence[np.ndarray]) -> np.ndarray:
    return args[0].transpose(_ints(op.perm))


def concat(op: qk.ConcatOp, args: Sequence[np.ndarray]) -> np.ndarray:
    return np.concatenate(list(args), axis=op.axis.value.data)


def softmax(op: qk.SoftmaxOp, args: Sequence[np.ndarray]) -> np.ndarray:
    """tflm: TFLM's int8 softmax from the op's params; onnx: from the op's exp table."""
    out = op.output_type
    if op.onnx:
        x, table = args
        return onnx_fp.softmax_from_table(x, table, out.scale, out.zero_point, out.storage_min, out.storage_max)
    params = {key: op.param(key) for key in qk.SOFTMAX_PARAMS}
    return fp.softmax_int8(args[0], params, out_dtype_min=out.storage_min, out_bits=8)


COMPUTE: dict[type[qk.KernelOp], Compute] = {
    qk.Conv2DOp: conv2d,
    qk.DenseOp: dense,
    qk.AddOp: add,
    qk.RequantizeOp: requantize,
    qk.AvgPool2DOp: avg_pool2d,
    qk.MaxPool2DOp: max_pool2d,
    qk.PadOp: pad,
    qk.TransposeOp: transpose,
    qk.ConcatOp: concat,
    qk.SoftmaxOp: softmax,
}


def compute(op: qk.KernelOp, args: Sequence[np.ndarray]) -> np.ndarray:
    """The output of `op` (int64 stored values) for its `ins` (stored values, uint8 data as
    0..255; weights, biases and tables as stored)."""
    function = COMPUTE.get(type(op))
    if function is None:
        raise ExecutionError(f"no reference semantics for {op.name}")
    return function(op, args)
