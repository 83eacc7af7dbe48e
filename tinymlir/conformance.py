"""ONNX's own backend node tests through import, the mcu pipeline and C (the library of
`tinymlir-conformance`, tools/tinymlir_conformance.py, which parses arguments and writes the report).

The node tests are ``onnx/backend/test/data/node/<test>/model.onnx`` with
``test_data_set_<i>/{input,output}_<j>.pb``. Recent onnx wheels no longer ship that folder;
then the tests are generated once from the installed package's own generators
(``onnx.backend.test.case.node``, what ``backend-test-tools generate-data`` writes) into
``$TINYMLIR_ONNX_NODE_TESTS`` or ``~/.cache/tinymlir/onnx-<version>-node`` (``--data``
overrides both). Inputs and expected outputs are read back with ``numpy_helper.to_array``.

Selection (default): every test whose graph has one of QLinearConv, QLinearMatMul,
QuantizeLinear, DequantizeLinear, ConvInteger, MatMulInteger, and every test made only of ops
the importer knows whose graph inputs or outputs are int8/uint8 (MaxPool, Add, Clip, ... on
integer data). ``--all``: every node test. ``--filter`` keeps the names matching REGEX.

Each test is imported as shipped. Node tests feed everything as graph inputs, scales, zero
points and weights included, where a compiled MCU model has initializers; when the shipped
model is refused and some graph input is such a parameter (its position in ONNX's operator
schema, see PARAMETER_INPUTS), the test is imported again with those inputs *frozen* into
initializers holding the data set's values (one model per distinct set of values); a model
older than opset 13 is first converted with onnx.version_converter, as tinymlir's refusal of
it advises (QLinearConv, ConvInteger and MatMulInteger tests are opset 10). An accepted model goes
through the mcu pipeline, the generated C is built with the host cc (strict flags) and run on
the data set's remaining inputs. The C library takes and returns the quantised tensors: a
float input quantised by QuantizeLinear is given the reference executor's quantised values
(as `tinymlir.compare.quantised_inputs` does), a float output that comes from DequantizeLinear is
compared before that dequantisation, the expected output being mapped into the port's
quantised domain (``rint(y / scale) + zero_point``, saturated, as tinymlir-run does for
onnxruntime). Integer outputs are compared exactly; see TOLERANCE for the one exception. The
reference executor (tinymlir.reference) runs on the same inputs and is reported beside.

Results: ``passed`` (C equals the expected outputs, within TOLERANCE), ``refused`` (the
importer or a pass raised a one-line TinymlirError) and ``failed`` (wrong answer, C different
from the reference executor, any other exception, a multi-line message, a C compile error
or a crashing harness). `run_suite` runs the selected tests; `report` is the Markdown report (table, totals, refusals
grouped by message).
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import sys
import tempfile
import traceback
import warnings
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import onnx
from onnx import numpy_helper

from tinymlir.build import STRICT_CFLAGS, build_host, run_host
from tinymlir.compiler import compile_model, import_model
from tinymlir.errors import TinymlirError

DATA_ENV = "TINYMLIR_ONNX_NODE_TESTS"
HARNESS_TIMEOUT = 60  # seconds per compiled test
INTEGER_OPS = frozenset(
    {"QLinearConv", "QLinearMatMul", "QuantizeLinear", "DequantizeLinear", "ConvInteger", "MatMulInteger"}
)


INT8_TYPES = frozenset({onnx.TensorProto.INT8, onnx.TensorProto.UINT8})


# Operand positions that a compiled model holds as constants (quantisation parameters,
# weights, biases, shapes, axes, pads, clip bounds): a graph input used at one of them is
# frozen into an initializer when the shipped test is refused. Other positions are data.
PARAMETER_INPUTS: dict[str, frozenset[int]] = {
    "QuantizeLinear": frozenset({1, 2}),
    "DequantizeLinear": frozenset({1, 2}),
    "QLinearConv": frozenset(range(1, 9)),
    "QLinearMatMul": frozenset(range(1, 8)),
    "ConvInteger": frozenset({1, 2, 3}),
    "MatMulInteger": frozenset({1, 2, 3}),
    "Conv": frozenset({1, 2}),
    "MatMul": frozenset({1}),
    "Gemm": frozenset({1, 2}),
    "Clip": frozenset({1, 2}),
    "Pad": frozenset({1, 2, 3}),
    "Reshape": frozenset({1}),
    "Squeeze": frozenset({1}),
    "Unsqueeze": frozenset({1}),
}


# Largest difference (LSB) from ONNX's expected output accepted per op, and why. Every other
# op must match exactly. The C must always equal the reference executor exactly.
TOLERANCE: dict[str, tuple[int, str]] = {
    "QLinearConv": (1, "ONNX requantises the int32 accumulator in float (multiplier "
                    "x_scale*w_scale/y_scale, round half to even); TFLM, and tinymlir, with a "
                    "31-bit fixed-point multiplier and round half away from zero"),
    "QLinearMatMul": (1, "As QLinearConv: float requantisation with round half to even in "
                      "ONNX, fixed-point multiplier with round half away from zero in TFLM"),
}


def packaged_node_dir() -> Path:
    return Path(onnx.__file__).resolve().parent / "backend" / "test" / "data" / "node"


def default_cache_dir() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "tinymlir" / f"onnx-{onnx.__version__}-node"


def _write_value(path: Path, value, value_info: onnx.ValueInfoProto) -> None:
    """One input or output as a .pb, as onnx's backend-test-tools generate-data writes it."""
    t = value_info.type
    if t.HasField("map_type"):
        proto = numpy_helper.from_dict(value, value_info.name)
    elif t.HasField("sequence_type"):
        proto = numpy_helper.from_list(value, value_info.name)
    elif t.HasField("optional_type"):
        proto = numpy_helper.from_optional(value, value_info.name)
    elif isinstance(value, onnx.TensorProto):
        proto = value
    else:
        proto = numpy_helper.from_array(np.asarray(value), value_info.name)
    path.write_bytes(proto.SerializeToString())


def generate_node_tests(target: Path) -> None:
    """Writes every node test of the installed onnx package into `target` (atomically: a
    sibling folder renamed into place, so concurrent runs never see half a suite)."""
    from onnx.backend.test.case.node import collect_testcases

    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=target.name + ".", dir=target.parent))
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"), \
                contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            cases = collect_testcases()
        for case in cases:
            if case.kind != "node" or case.model is None:
                continue
            folder = staging / case.name
            folder.mkdir()
            (folder / "model.onnx").write_bytes(case.model.SerializeToString())
            for i, (inputs, outputs) in enumerate(case.data_sets):
                data_set = folder / f"test_data_set_{i}"
                data_set.mkdir()
                for j, value in enumerate(inputs):
                    _write_value(data_set / f"input_{j}.pb", value, case.model.graph.input[j])
                for j, value in enumerate(outputs):
                    _write_value(data_set / f"output_{j}.pb", value, case.model.graph.output[j])
        try:
            staging.rename(target)
        except OSError:  # another run finished first
            if not target.is_dir():
                raise
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def node_test_dir(explicit: Path | None = None) -> tuple[Path, str]:
    """(folder of node tests, where it comes from)."""
    if explicit is not None:
        if not explicit.is_dir():
            raise TinymlirError(f"no node tests in '{explicit}'")
        return explicit, f"{explicit} (--data)"
    if os.environ.get(DATA_ENV):
        path = Path(os.environ[DATA_ENV])
        if not path.is_dir():
            generate_node_tests(path)
        return path, f"{path} (${DATA_ENV})"
    packaged = packaged_node_dir()
    if packaged.is_dir() and any(packaged.glob("*/model.onnx")):
        return packaged, f"{packaged} (shipped with onnx {onnx.__version__})"
    cache = default_cache_dir()
    if not cache.is_dir():
        try:
            generate_node_tests(cache)
        except OSError:  # no writable cache: the temporary folder instead
            cache = Path(tempfile.gettempdir()) / f"tinymlir-onnx-{onnx.__version__}-node"
            if not cache.is_dir():
                generate_node_tests(cache)
    return cache, (
        f"{cache} (generated from onnx {onnx.__version__}'s onnx.backend.test.case.node, "
        "which this wheel ships instead of the data)"
    )


def read_tensor(path: Path) -> np.ndarray:
    tensor = onnx.TensorProto()
    tensor.ParseFromString(path.read_bytes())
    return numpy_helper.to_array(tensor)


@dataclass
class DataSet:
    name: str
    inputs: list  # np.ndarray per graph input (None when not a tensor)
    outputs: list


def _load_values(folder: Path, prefix: str, infos) -> list:
    """`<prefix>_<j>.pb` of `folder` per value info (None when not a tensor)."""
    values = []
    for j, info in enumerate(infos):
        path = folder / f"{prefix}_{j}.pb"
        tensor_typed = info.type.HasField("tensor_type")
        values.append(read_tensor(path) if tensor_typed and path.exists() else None)
    return values


def load_data_sets(folder: Path, model: onnx.ModelProto) -> list[DataSet]:
    sets = []
    for d in sorted(folder.glob("test_data_set_*"), key=lambda p: int(p.name.rsplit("_", 1)[1])):
        inputs = _load_values(d, "input", model.graph.input)
        sets.append(DataSet(d.name, inputs, _load_values(d, "output", model.graph.output)))
    return sets


def op_types(model: onnx.ModelProto) -> list[str]:
    return sorted({n.op_type for n in model.graph.node})


def is_candidate(model: onnx.ModelProto) -> bool:
    from tinymlir.frontend.onnx import SUPPORTED_OPS

    ops = set(op_types(model))
    if ops & INTEGER_OPS:
        return True
    io_types = {v.type.tensor_type.elem_type for v in (*model.graph.input, *model.graph.output)}
    return bool(ops) and ops <= set(SUPPORTED_OPS) and bool(io_types & INT8_TYPES)


@dataclass
class Result:
    test: str
    ops: list[str]
    status: str  # passed, refused, failed
    detail: str
    c_lsb: str = "-"  # max |C - expected| in LSB, per data set
    ref_lsb: str = "-"  # max |reference executor - expected|
    frozen: list[str] = field(default_factory=list)
    prepared: list[str] = field(default_factory=list)  # e.g. the opset conversion
    shipped: str = ""  # the shipped model's refusal when the frozen one was run
    tolerance: int = 0
    c_matched: bool = False  # the (prepared) model's C output matched the expected outputs


class Refused(Exception):
    """A clean, one-line TinymlirError."""


class Failed(Exception):
    """A bug: wrong answer, crash, multi-line message, C compile error."""


def checked(exc: BaseException, stage: str) -> Exception:
    """The classification of an exception raised by tinymlir at `stage`."""
    if isinstance(exc, TinymlirError):
        message = str(exc)
        if not message.strip():
            return Failed(f"{stage}: empty {type(exc).__name__} message")
        if "\n" in message or "\r" in message:
            return Failed(f"{stage}: multi-line {type(exc).__name__}: {message.splitlines()[0]} ...")
        return Refused(message)
    frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    where = f" at {Path(frame.filename).name}:{frame.lineno}" if frame else ""
    first = (str(exc).strip().splitlines() or [""])[0]
    return Failed(f"{stage}: crash, {type(exc).__name__}{where}: {first}")


def misleading(message: str, model: onnx.ModelProto) -> str | None:
    """Why a one-line refusal misstates the model, or None. Checked: the claim that a tensor is
    not produced by any node, graph input or initializer when the graph does produce it, and
    the advice to run --pipeline=mcu on a model that went through it."""
    if "run --pipeline=mcu" in message:  # it has run: the advice cannot help
        return "--pipeline=mcu has run; the message asks to run it"
    m = re.search(r"'([^']*)' is not produced by any node, graph input or initializer", message)
    if m is None:
        return None
    name = m.group(1)
    graph = model.graph
    if name in {i.name for i in graph.input}:
        return f"'{name}' is a graph input"
    if name in {i.name for i in graph.initializer}:
        return f"'{name}' is an initializer"
    if any(name in n.output for n in graph.node):
        return f"'{name}' is an output of a node"
    return None


def try_import(model: onnx.ModelProto, name: str):
    try:
        return import_model(model, name=name)
    except Exception as exc:  # noqa: BLE001 - every exception is classified
        raise checked(exc, "import") from exc


def frozen_inputs(model: onnx.ModelProto) -> list[int]:
    """Indices of the graph inputs used as parameters (PARAMETER_INPUTS)."""
    initializers = {i.name for i in model.graph.initializer}
    params = set()
    for node in model.graph.node:
        for pos, name in enumerate(node.input):
            if pos in PARAMETER_INPUTS.get(node.op_type, ()):
                params.add(name)
    return [
        j for j, i in enumerate(model.graph.input) if i.name in params and i.name not in initializers
    ]


def default_opset(model: onnx.ModelProto) -> int:
    return next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), 0)


def upgraded(model: onnx.ModelProto) -> onnx.ModelProto:
    """`model` converted to tinymlir's oldest opset, as its refusal of older ones advises
    (onnx.version_converter); `model` itself when it is recent enough or cannot be converted
    (then the shipped refusal stands)."""
    from tinymlir.frontend.onnx import MIN_OPSET

    if default_opset(model) >= MIN_OPSET:
        return model
    try:
        from onnx import version_converter

        return version_converter.convert_version(model, MIN_OPSET)
    except Exception:  # noqa: BLE001 - the converter's own limits are not tinymlir's
        return model


def freeze(model: onnx.ModelProto, indices: list[int], values: list) -> onnx.ModelProto:
    frozen = onnx.ModelProto()
    frozen.CopyFrom(model)
    keep = [i for j, i in enumerate(model.graph.input) if j not in indices]
    del frozen.graph.input[:]
    frozen.graph.input.extend(keep)
    for j in indices:
        if values[j] is None:
            raise Refused(f"graph input '{model.graph.input[j].name}' is not a tensor")
        frozen.graph.initializer.append(numpy_helper.from_array(values[j], model.graph.input[j].name))
    return frozen


def interface_values(module, inputs: list[np.ndarray]):
    """(C inputs, reference outputs) in the C library's quantised domain, in argument and
    return order: `tinymlir.compare.quantised_inputs` generalised to mixed integer/float ports
    and to integer inputs with dequantised outputs. Also the reference executor's outputs as
    the model returns them (float after a final DequantizeLinear)."""
    from xdsl.dialects import func

    from tinymlir.dialects import qnn
    from tinymlir.reference import find_function, trace_module

    function = find_function(module)
    trace = trace_module(module, inputs)
    values = {op.results[0]: v for op, v in trace if op.results}
    for arg, x in zip(function.args, inputs, strict=True):
        values[arg] = np.asarray(x)
    c_inputs = []
    for arg, x in zip(function.args, inputs, strict=True):
        if isinstance(arg.type, qnn.QTensorType):
            c_inputs.append(np.asarray(x))
            continue
        quantised = [u.operation for u in arg.uses if isinstance(u.operation, qnn.QuantizeOp)]
        if len(quantised) != 1:
            raise Failed(f"float input '{arg.name_hint}' has {len(quantised)} QuantizeLinear uses")
        c_inputs.append(values[quantised[0].results[0]])
    ret = function.body.block.last_op
    assert isinstance(ret, func.ReturnOp)
    c_outputs, final = [], []
    for v in ret.operands:
        final.append(values[v])
        owner = v.owner
        c_outputs.append(values[owner.input] if isinstance(owner, qnn.DequantizeOp) else values[v])
    return c_inputs, c_outputs, final


def to_port_domain(expected: np.ndarray, port) -> np.ndarray:
    """The expected output in the C port's integer domain (float outputs are quantised with the
    port's parameters, as tinymlir-run does with onnxruntime's outputs)."""
    if expected.dtype.kind == "f":
        lo, hi = (-128, 127) if port.storage == "int8" else (0, 255)
        with np.errstate(all="ignore"):
            q = np.rint(expected.astype(np.float32) / np.float32(port.scale)) + port.zero_point
        return np.clip(np.nan_to_num(q, nan=0.0), lo, hi).astype(np.int64)
    return expected.astype(np.int64)


def run_harness(exe: Path, library, rows: list[list[np.ndarray]], workdir: Path) -> list[list[np.ndarray]]:
    try:
        results = run_host(exe, rows, workdir, library, timeout=HARNESS_TIMEOUT)
    except TinymlirError as exc:
        raise Failed(str(exc)[:240]) from None
    return [[y.reshape(port.shape) for y, port in zip(outs, library.outputs, strict=True)] for outs in results]


def compile_and_run(model: onnx.ModelProto, name: str, data_sets: list[DataSet],
                    input_indices: list[int], workdir: Path, tolerance: int):
    """Compiles `model` to C and runs it on `data_sets`; (max C LSB, max ref LSB, notes) per
    data set. Raises Refused / Failed."""
    path = workdir / f"{name}.onnx"
    path.write_bytes(model.SerializeToString())
    try:
        compiled = compile_model(path, workdir)
        module, c_file, library = compiled.module, compiled.c_file, compiled.library
    except Exception as exc:  # noqa: BLE001
        raise checked(exc, "--pipeline=mcu") from exc
    try:
        exe = build_host(c_file, library, workdir)
    except TinymlirError as exc:  # the generated C does not compile: a bug, not a refusal
        raise Failed(str(exc)) from exc
    except Exception as exc:  # noqa: BLE001
        raise checked(exc, "build") from exc
    rows, refs, finals = [], [], []
    for ds in data_sets:
        inputs = [ds.inputs[j] for j in input_indices]
        try:
            c_in, ref, final = interface_values(module, inputs)
        except (Refused, Failed):
            raise
        except Exception as exc:  # noqa: BLE001
            raise Failed(str(checked(exc, "reference executor"))) from exc
        if len(c_in) != len(library.inputs) or len(ref) != len(library.outputs):
            raise Failed(
                f"the C library has {len(library.inputs)} inputs / {len(library.outputs)} outputs, "
                f"the function {len(c_in)} / {len(ref)}"
            )
        for x, port in zip(c_in, library.inputs, strict=True):
            if tuple(np.shape(x)) != tuple(port.shape):
                raise Failed(f"input port '{port.name}' has shape {list(port.shape)}, data {list(np.shape(x))}")
        rows.append([np.asarray(x).astype(np.uint8 if p.storage == "uint8" else np.int8)
                     for x, p in zip(c_in, library.inputs, strict=True)])
        refs.append(ref)
        finals.append(final)
    got = run_harness(exe, library, rows, workdir)
    stats = []
    for ds, outputs, ref, final in zip(data_sets, got, refs, finals, strict=True):
        c_lsb = ref_lsb = 0
        differ = total = 0
        for k, (y, r, port) in enumerate(zip(outputs, ref, library.outputs, strict=True)):
            expected = ds.outputs[k]
            if expected is None:
                raise Failed(f"output {k} of {ds.name} is not a tensor")
            if tuple(expected.shape) != tuple(port.shape):
                raise Failed(f"output '{port.name}': C shape {list(port.shape)}, expected {list(expected.shape)}")
            if expected.dtype.kind in "iu" and final[k].dtype.kind in "iu" and np.dtype(
                    "uint8" if port.storage == "uint8" else "int8") != expected.dtype:
                raise Failed(f"output '{port.name}' is {port.storage}, expected {expected.dtype}")
            e = to_port_domain(expected, port)
            y64, r64 = y.astype(np.int64), np.asarray(r).reshape(y.shape).astype(np.int64)
            if not np.array_equal(y64, r64):
                where = int(np.flatnonzero(y64 != r64)[0])
                raise Failed(
                    f"C differs from the reference executor on output '{port.name}' of {ds.name}: "
                    f"element {where} C {int(y64.flat[where])} vs reference {int(r64.flat[where])}"
                )
            diff = np.abs(y64 - e)
            c_lsb = max(c_lsb, int(diff.max(initial=0)))
            ref_lsb = max(ref_lsb, int(np.abs(r64 - e).max(initial=0)))
            differ += int((diff > 0).sum())
            total += diff.size
            if int(diff.max(initial=0)) > tolerance:
                where = int(np.argmax(diff))
                raise Failed(
                    f"wrong answer on output '{port.name}' of {ds.name}: {int(diff.max())} LSB "
                    f"(element {where}: C {int(y64.flat[where])}, expected {int(e.flat[where])}"
                    + ("" if expected.dtype.kind in "iu" else f" = {float(expected.flat[where])!r} quantised")
                    + f"; {int((diff > 0).sum())} of {diff.size} elements differ)",
                )
        stats.append((c_lsb, ref_lsb, differ, total))
    return stats


def run_test(folder: Path, workdir: Path) -> Result:
    name = folder.name
    model = onnx.load(str(folder / "model.onnx"))
    ops = op_types(model)
    data_sets = load_data_sets(folder, model)
    tolerance = max((TOLERANCE[o][0] for o in ops if o in TOLERANCE), default=0)
    result = Result(name, ops, "failed", "", tolerance=tolerance)
    if not data_sets:
        result.status, result.detail = "failed", "the test has no data set"
        return result
    try:
        try:
            try_import(model, name)
            variants = [(model, data_sets, list(range(len(model.graph.input))))]
        except Refused as exc:
            prepared = upgraded(model)
            indices = frozen_inputs(prepared)
            if prepared is model and not indices:
                raise
            result.shipped = str(exc)
            if prepared is not model:
                result.prepared.append(f"opset {default_opset(model)}->{default_opset(prepared)}")
            result.frozen = [model.graph.input[j].name for j in indices]
            data_indices = [j for j in range(len(model.graph.input)) if j not in indices]
            groups: dict[bytes, list[DataSet]] = defaultdict(list)
            for ds in data_sets:
                key = b"".join(np.asarray(ds.inputs[j]).tobytes() for j in indices)
                groups[key].append(ds)
            variants = []
            for group in groups.values():
                frozen = freeze(prepared, indices, group[0].inputs) if indices else prepared
                try_import(frozen, name)  # a refusal here is the test's result
                variants.append((frozen, group, data_indices))
        stats = []
        for k, (variant, group, indices) in enumerate(variants):
            sub = workdir / f"v{k}"
            sub.mkdir(parents=True, exist_ok=True)
            stats += compile_and_run(variant, name, group, indices, sub, tolerance)
        result.c_lsb = ",".join(str(s[0]) for s in stats)
        result.ref_lsb = ",".join(str(s[1]) for s in stats)
        differ = sum(s[2] for s in stats)
        total = sum(s[3] for s in stats)
        result.status = "passed"
        result.c_matched = True
        result.detail = "C == expected" if differ == 0 else (
            f"within {tolerance} LSB: {differ} of {total} elements differ by 1 "
            f"({', '.join(o for o in ops if o in TOLERANCE)} rounding, see notes)"
        )
    except Refused as exc:
        result.status, result.detail = "refused", str(exc)
        why = misleading(str(exc), model)
        if why:
            result.status, result.detail = "failed", f"misleading refusal ({why}): {exc}"
    except Failed as exc:
        result.status, result.detail = "failed", str(exc)
    except Exception as exc:  # noqa: BLE001 - a bug in this tool is reported as a failure too
        result.status, result.detail = "failed", str(checked(exc, "conformance tool"))
    why = misleading(result.shipped, model) if result.shipped else None
    if why:  # the shipped model must be refused clearly too, whatever its prepared form did
        prepared = f"{result.status}: {result.detail}"
        result.status = "failed"
        result.detail = f"misleading refusal as shipped ({why}): {result.shipped}; prepared: {prepared}"
    return result


def cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def refusal_group(message: str) -> str:
    """A refusal message with the test's own names (node, tensor) abstracted away."""
    text = re.sub(r"^node '[^']*' \(([^)]*)\): ", r"\1: ", message)
    text = re.sub(r"'[^']*'", "'…'", text)
    return re.sub(r"; tinymlir supports [A-Z][A-Za-z, ]*QLinearSoftmax[A-Za-z, ]*$",
                  "; tinymlir supports [its op list]", text)


def report(results: list[Result], source: str, selection: str) -> str:
    counts = {s: sum(r.status == s for r in results) for s in ("passed", "refused", "failed")}
    lines = [
        "# ONNX backend node tests: conformance of tinymlir",
        "",
        "Generated by `python -m tinymlir.tools.tinymlir_conformance` "
        f"({selection}); onnx {onnx.__version__}.",
        f"Node tests: {source}.",
        "",
        f"**{len(results)} tests: {counts['passed']} passed, {counts['refused']} refused, "
        f"{counts['failed']} failed.**",
        f"The generated C matched ONNX's expected outputs on {sum(r.c_matched for r in results)} "
        "tests (a test whose shipped model gets a misleading refusal is failed even so).",
        "",
        "How each test runs: import with tinymlir; when the shipped model is refused, prepare it as "
        "a user would and import again (column *prepared*): an opset older than 13 is converted with "
        "`onnx.version_converter` (as the refusal advises), and graph inputs that are parameters a "
        "compiled model holds as constants (scales, zero points, weights, bias, shape, pads, clip "
        "bounds) are frozen into initializers holding the data set's values. The refusal of the "
        "shipped model is listed at the end. Accepted models go through `--pipeline=mcu`, the generated C "
        f"built with `cc {' '.join(STRICT_CFLAGS)}` and run on the data set. The C "
        "takes and returns quantised tensors: float inputs get the reference executor's "
        "QuantizeLinear values, and float outputs of a final DequantizeLinear are compared before "
        "it, the expected output quantised with the port's scale and zero point. *C* and *ref*: "
        "largest |C - expected| and |reference executor - expected| in LSB, per data set. The C must "
        "equal the reference executor exactly.",
        "",
        "Tolerances (every other op is exact):",
        "",
    ]
    for op, (lsb, why) in TOLERANCE.items():
        lines.append(f"* {op}: {lsb} LSB. {why}.")
    within = [r.test for r in results if r.c_matched and any(v != "0" for v in r.c_lsb.split(","))]
    lines += [
        "* QuantizeLinear: exact. tinymlir quantises x / scale with round half to even (np.rint), as "
        "ONNX does; the C library takes the quantised tensor, so a QuantizeLinear test checks the "
        "reference executor's quantisation, passed through the C unchanged.",
        "",
        "Tests that needed a tolerance: " + (", ".join(within) if within else "none (every passed "
                                             "test is bit-exact)") + ".",
    ]
    lines += [
        "",
        "| test | ops | result | C | ref | prepared | detail |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        prepared = r.prepared + ([f"frozen: {', '.join(r.frozen)}"] if r.frozen else [])
        lines.append(
            f"| {r.test} | {', '.join(r.ops)} | {r.status} | {r.c_lsb} | {r.ref_lsb} | "
            f"{cell('; '.join(prepared)) or '-'} | {cell(r.detail)} |"
        )
    failed = [r for r in results if r.status == "failed"]
    if failed:
        lines += ["", "## Failures", ""]
        lines += [f"* `{r.test}`: {r.detail}" for r in failed]
    groups: dict[str, list[str]] = defaultdict(list)
    for r in results:
        if r.status == "refused":
            groups[refusal_group(r.detail)].append(r.test)
    if groups:
        lines += ["", "## Refusals by message", "", "| tests | message | which |", "|---|---|---|"]
        for message, tests in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            which = ", ".join(tests) if len(tests) <= 12 else ", ".join(tests[:12]) + f", … ({len(tests) - 12} more)"
            lines.append(f"| {len(tests)} | {cell(message)} | {which} |")
    shipped: dict[str, list[str]] = defaultdict(list)
    for r in results:
        if r.shipped:
            shipped[refusal_group(r.shipped)].append(r.test)
    if shipped:
        lines += [
            "",
            "## The shipped models (before preparation)",
            "",
            "Every test with a *prepared* entry was first refused as shipped, with:",
            "",
            "| tests | message |",
            "|---|---|",
        ]
        for message, tests in sorted(shipped.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            lines.append(f"| {len(tests)} | {cell(message)} |")
    lines.append("")
    return "\n".join(lines)


def select(root: Path, pattern: re.Pattern | None = None, every: bool = False) -> list[Path]:
    """The test folders under `root` to run: names matching `pattern`, candidates unless `every`."""
    folders = sorted(p.parent for p in root.glob("*/model.onnx"))
    if pattern is not None:
        folders = [f for f in folders if pattern.search(f.name)]
    if not every:
        folders = [f for f in folders if is_candidate(onnx.load(str(f / "model.onnx"), load_external_data=False))]
    return folders


def run_suite(folders: list[Path], keep: Path | None = None, progress: bool = False) -> list[Result]:
    results = []
    with tempfile.TemporaryDirectory(prefix="tinymlir-conformance-") as tmp:
        for folder in folders:
            workdir = (keep or Path(tmp)) / folder.name
            workdir.mkdir(parents=True, exist_ok=True)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                r = run_test(folder, workdir)
            results.append(r)
            if progress:
                print(f"{r.status:>7}  {r.test}: {r.detail[:160]}", file=sys.stderr)
            if keep is None:
                shutil.rmtree(workdir, ignore_errors=True)
    return results

