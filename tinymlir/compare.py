"""Comparing a compiled model with its oracles: the reference executor, onnxruntime (or the
exact numpy oracle for QOperator models) and, per layer, the layer dump of a per-layer build
(tinymlir.layers). tinymlir-run reports what these return; sanitize, conformance and the tests
use them too.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tinymlir.layers import numbered_layers


def quantised_inputs(module, inputs: list[np.ndarray]):
    """(C inputs, reference outputs to compare with): a float interface is quantised by the
    reference executor, and compared before its final dequantisation."""
    from tinymlir.dialects import qnn
    from tinymlir.reference import run_module, trace_module

    if all(x.dtype.kind in "iu" for x in inputs):
        return inputs, run_module(module, inputs)
    trace = trace_module(module, inputs)
    c_inputs = [v for op, v in trace if isinstance(op, qnn.QuantizeOp)]
    outputs = [
        v for op, v in trace for use in op.results[0].uses if isinstance(use.operation, qnn.DequantizeOp)
    ]
    return c_inputs, outputs


def onnxruntime_outputs(model: Path, inputs: list[np.ndarray], port) -> tuple[str, np.ndarray] | None:
    """(what ran, the output in the port's quantised domain): onnxruntime at ORT_DISABLE_ALL for
    QDQ models, the exact numpy oracle for QOperator models (onnxruntime's integer kernels depend
    on the host CPU); None without onnxruntime."""
    try:
        import onnx
        import onnxruntime  # noqa: F401
    except ImportError:
        return None
    from tinymlir.onnx_oracle import reference_outputs

    proto = onnx.load(str(model))
    label, tensors = reference_outputs(proto, inputs)
    y = tensors[proto.graph.output[0].name]
    if y.dtype.kind == "f":  # float interface: compare in the output's quantised domain
        q = np.rint(y / np.float32(port.scale)) + port.zero_point
        y = np.clip(q, -128 if port.storage == "int8" else 0, 127 if port.storage == "int8" else 255)
    return label, y.astype(np.int64)


def onnxruntime_layers(model: Path, inputs: list[np.ndarray]):
    """(what ran, IR layer name -> ONNX tensor, per input: tensor name -> value), or None
    without onnxruntime."""
    try:
        import onnx
        import onnxruntime  # noqa: F401
    except ImportError:
        return None
    from tinymlir.onnx_oracle import onnx_layer_names, reference_outputs

    proto = onnx.load(str(model))
    runs = [reference_outputs(proto, [x]) for x in inputs]
    return runs[0][0], onnx_layer_names(proto), [tensors for _, tensors in runs]


def as_ir_layout(expected: np.ndarray, shape: tuple[int, ...], nhwc: bool) -> np.ndarray | None:
    """An ONNX tensor in the IR's layout (NCHW -> NHWC when `nhwc`), or None if the shapes differ."""
    if expected.ndim == 4 and nhwc:
        expected = expected.transpose(0, 2, 3, 1)
    return expected if tuple(expected.shape) == shape else None


def nhwc_results(function) -> set:
    """The 4-D values the importer laid out NHWC (from ONNX's NCHW): results of convolutions and
    pools, of the relayout transposes into NHWC, and of elementwise ops on such values."""
    from tinymlir.dialects import qnn

    nhwc: set = set()
    for op in function.body.block.ops:
        if not op.results or not isinstance(op.results[0].type, qnn.QTensorType):
            continue
        if isinstance(op, qnn.Conv2DOp | qnn.AvgPool2DOp | qnn.MaxPool2DOp):
            nhwc.add(op.results[0])
        elif isinstance(op, qnn.TransposeOp):
            perm = tuple(int(p) for p in op.perm.get_values())
            if perm == ((0, 1, 2, 3) if op.input in nhwc else (0, 2, 3, 1)):
                nhwc.add(op.results[0])
        elif not isinstance(op, qnn.ReshapeOp | qnn.ConstantOp) and op.operands and op.operands[0] in nhwc:
            nhwc.add(op.results[0])
    return nhwc


def layer_table(module, inputs, rows, ort=None) -> tuple[list[str], str | None, str | None]:
    """Per layer over all inputs: max LSB and elements differing from the reference executor and,
    with `ort` (from onnxruntime_layers), from onnxruntime / the exact oracle. Returns the table,
    the first layer that differs from the reference executor and the first that differs from ORT."""
    from tinymlir.reference import find_function, trace_module

    nhwc = nhwc_results(find_function(module))
    stats: dict[int, list] = {}
    first_bad = None
    ort_first: tuple[int, int, str] | None = None  # (layer, row, text)
    for row, x in enumerate(inputs):
        traced = trace_module(module, [x])
        value_of = {id(op): value for op, value in traced}
        trace = [(index, op, value_of[id(op)]) for index, op in numbered_layers(op for op, _ in traced)]
        last_of_name = {op.results[0].name_hint: index for index, op, _ in trace}
        for index, op, value in trace:  # index: the hook index (tinymlir.layers)
            if index not in rows[row]:
                continue  # views (reshape) have no output of their own
            got = rows[row][index]
            if op.results[0].type.is_unsigned:
                got = got.view(np.uint8)
            got = got.astype(np.int64)
            if got.size != np.asarray(value).size:
                continue  # a layer inside a patch-schedule stage: the C holds only its last band
            diff = np.abs(got - np.asarray(value).reshape(-1).astype(np.int64))
            name = op.results[0].name_hint or "-"
            entry = stats.setdefault(index, [name, op, 0, 0, None, 0])
            entry[2] = max(entry[2], int(diff.max()))
            entry[3] += int((diff > 0).sum())
            if diff.any() and first_bad is None:
                first_bad = f"layer {index} '{name}' ({op.name}) on input {row}"
            if ort is None or last_of_name.get(name) != index or name not in ort[1]:
                continue
            expected = ort[2][row].get(ort[1][name])
            shape = tuple(op.results[0].type.get_shape())
            expected = None if expected is None else as_ir_layout(np.asarray(expected), shape, op.results[0] in nhwc)
            if expected is None:
                continue
            d = np.abs(got - expected.reshape(-1).astype(np.int64))
            entry[4] = max(entry[4] or 0, int(d.max()))
            entry[5] += int((d > 0).sum())
            if d.any() and (ort_first is None or (index, row) < ort_first[:2]):
                ort_first = (index, row, f"layer {index} '{name}' ({op.name}) on input {row}: "
                             f"{int(d.max())} LSB, {int((d > 0).sum())} of {d.size} elements")
    head = f"{'#':>3}  {'layer':<24} {'op':<14} {'shape':<16} {'max LSB':>8} {'differ':>8}"
    if ort is not None:
        head += f" {'ORT LSB':>8} {'ORT diff':>8}"
    lines = [head]
    for index, (name, op, worst, count, ort_worst, ort_count) in sorted(stats.items()):
        shape = "x".join(map(str, op.results[0].type.get_shape()))
        line = f"{index:>3}  {name[:24]:<24} {op.name[4:]:<14} {shape:<16} {worst:>8} {count:>8}"
        if ort is not None:
            line += f" {ort_worst:>8} {ort_count:>8}" if ort_worst is not None else f" {'-':>8} {'-':>8}"
        lines.append(line)
    return lines, first_bad, ort_first[2] if ort_first else None


def random_inputs(module, count: int, seed: int = 0) -> list[np.ndarray]:
    """`count` random inputs for the model function's (first) input: floats in [-4, 4) for a
    float interface, else the whole range of its storage type."""
    from tinymlir.reference import find_function

    rng = np.random.default_rng(seed)
    arg_type = find_function(module).args[0].type
    shape = tuple(arg_type.get_shape())
    if arg_type.__class__.__name__ == "TensorType":
        return [rng.uniform(-4, 4, shape).astype(np.float32) for _ in range(count)]
    lo, hi = arg_type.storage_min, arg_type.storage_max
    dtype = np.int8 if lo < 0 else np.uint8
    return [rng.integers(lo, hi + 1, shape).astype(dtype) for _ in range(count)]


@dataclass
class HostComparison:
    """A host run of a one-input, one-output library against its oracles."""

    #: per input: the C output (flat, int64), and the reference executor's
    got: np.ndarray
    reference: np.ndarray
    #: oracle -> max |C - oracle| in LSB ("reference executor", "TFLM (npz)", "onnxruntime (...)")
    worst: dict[str, int]


def compare_on_host(
    model: Path, compiled, exe: Path, raw: list[np.ndarray], workdir: Path,
    expected_tflm: np.ndarray | None = None, layer_file: Path | None = None,
) -> HostComparison:
    """Runs the host build `exe` of `compiled` (tinymlir.compiler.compile_model) on the model
    inputs `raw` and compares its output with the reference executor, the .npz's TFLM outputs
    (`expected_tflm`) and onnxruntime. With `layer_file` (a per-layer build) the layer dump
    is written there (read it with tinymlir.layers.read_layer_dump)."""
    from tinymlir.build import run_host

    library = compiled.library
    c_in, reference = [], []
    for x in raw:
        qi, ref = quantised_inputs(compiled.module, [x])
        c_in.append(np.asarray(qi[0]))
        reference.append(np.asarray(ref[0]))
    outputs = run_host(exe, [[x] for x in c_in], workdir, library, layer_file)
    got = np.stack([outs[0].reshape(-1) for outs in outputs]).astype(np.int64)
    ref = np.stack([r.reshape(-1) for r in reference]).astype(np.int64)
    worst = {"reference executor": int(np.abs(got - ref).max())}
    if expected_tflm is not None:
        worst["TFLM (npz)"] = int(np.abs(got - expected_tflm.reshape(len(c_in), -1).astype(np.int64)).max())
    ort = [onnxruntime_outputs(model, [x], library.outputs[0]) for x in raw]
    if all(o is not None for o in ort):
        label = ort[0][0]
        worst[f"onnxruntime ({label})"] = int(np.abs(got - np.stack([o[1].reshape(-1) for o in ort])).max())
    return HostComparison(got, ref, worst)
