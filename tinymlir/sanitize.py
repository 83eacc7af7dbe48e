"""The generated C under AddressSanitizer, UBSan, valgrind and arena checks (the library of
`tinymlir-sanitize`, tools/tinymlir_sanitize.py, which parses arguments and prints the report).

For each model (default: the four MLPerf Tiny models in ``<repo>/../shared/models``;
``--quick``: kws_dscnn and ad_toycar on their first 2 input rows) the model is compiled once
with the mcu pipeline (``tinymlir.compiler.compile_model``) and the C library is built and run on
every input row of ``<model>.io.npz`` (outputs must equal ``tflm_outputs`` bit for bit; without
an .npz, 3 random inputs against the reference executor) in four configurations:

asan+ubsan   library + tinymlir-run's harness, ``cc -std=c99 -Wall -Wextra -Werror -pedantic
             -O1 -g -fsanitize=address,undefined -fsanitize=float-divide-by-zero,
             float-cast-overflow -fno-sanitize-recover=all -fno-omit-frame-pointer``. ASan puts
             redzones around the static arena, the constant tables and the harness's input and
             output buffers (so any access past an array is caught); UBSan's ``undefined``
             includes ``signed-integer-overflow``, ``shift``, ``bounds`` (constant tables are
             indexed as C arrays), ``alignment``, ``pointer-overflow``. Any report fails.
memcheck     the same two files at ``-O0 -g`` under ``valgrind --tool=memcheck
             --error-exitcode=99 --track-origins=yes --leak-check=full``. The arena is a static
             array, hence zero-initialised: memcheck alone cannot see a read of an arena byte
             that no layer wrote, which is what the next configuration is for.
memcheck (arena undefined)
             the arena-check harness below at ``-O0 -g``, which marks the whole arena and the
             output buffer undefined (``VALGRIND_MAKE_MEM_UNDEFINED``) before every inference,
             under memcheck: any branch, address or output byte that depends on an arena byte
             not written during this inference is reported.
arena        ASan cannot see an access from one arena sub-buffer into another (they are one
             array), so the library and a debug harness are compiled as ONE translation unit
             (``#include "<name>.c"``, so the static ``<name>_arena`` is visible), with
             ``TINYMLIR_LAYER_HOOK(index, data, size)`` (called after every layer with the
             layer's output pointer and byte size) snapshotting the whole arena. Before every
             inference the arena and the output buffer are filled with a canary; each input is
             run twice, with canaries 0xA5 and 0x5A. Checked per layer:

             * bounds: ``[data, data + size)`` lies inside the arena (or inside the caller's
               output buffer), ``size`` is the byte size of the layer's qnn result, and two
               256-byte guard bands laid out right before and after the arena
               (``-fno-toplevel-reorder``; filled with the canary) are intact after every layer
               (names the layer that wrote just outside the arena);
             * canary: the outputs and every layer's output are identical under both canaries
               (a read of an unwritten byte would differ), and no byte of a layer's output
               still holds the canary in both runs (= never written; a computed byte cannot
               equal 0xA5 in one run and 0x5A in the other);
             * clobber: the bytes a layer changed (snapshot after it vs after the previous
               layer, in either run) do not touch the output of an earlier layer that a later
               layer still reads (liveness from the qnn module's use-def chains; views such as
               reshape alias their operand), and a layer's output does not overlap such a live
               buffer;
             * the inputs are unchanged by the inference.

Every failure is reported with the sanitizer's first message, the generated C line it points
at, and the layer (the generated ``/* name: op ... */`` comment above the line, i.e. the qnn op
that was lowered there). `check_model` runs all of it on one model and returns a `ModelResult`.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from tinymlir.build import (
    C_TYPES,
    STRICT_CFLAGS,
    fill_template,
    harness_source,
    host_harness,
    read_outputs,
)
from tinymlir.compare import quantised_inputs
from tinymlir.compiler import compile_model
from tinymlir.errors import TinymlirError
from tinymlir.layers import numbered_layers
from tinymlir.paths import MLPERF_MODELS, SHARED_MODELS_DIR

DEFAULT_MODELS = MLPERF_MODELS
QUICK_MODELS = ("kws_dscnn", "ad_toycar")
QUICK_ROWS = 2
CANARIES = (0xA5, 0x5A)
SANITIZE_FLAGS = [
    "-O1", "-g", "-fsanitize=address,undefined", "-fsanitize=float-divide-by-zero,float-cast-overflow",
    "-fno-sanitize-recover=all", "-fno-omit-frame-pointer",
]
DEBUG_FLAGS = ["-O0", "-g"]
# keep the guard bands next to the arena (dropped, from the end, when the compiler rejects them)
ARENA_FLAGS = [*DEBUG_FLAGS, "-fno-toplevel-reorder", "-malign-data=abi"]
ASAN_OPTIONS = (
    "halt_on_error=1:abort_on_error=0:exitcode=86:detect_leaks=1:detect_stack_use_after_return=1:"
    "check_initialization_order=1:strict_init_order=1:detect_invalid_pointer_pairs=1:"
    "strict_string_checks=1"
)
UBSAN_OPTIONS = "halt_on_error=1:print_stacktrace=1:exitcode=87"
VALGRIND = [
    "valgrind", "--tool=memcheck", "--error-exitcode=99", "--track-origins=yes",
    "--leak-check=full", "--errors-for-leak-kinds=definite,indirect", "--num-callers=12",
]


@dataclass
class Check:
    ok: bool | None = None  # None: not run
    summary: str = "not run"
    details: list[str] = field(default_factory=list)

    def fail(self, summary: str, *details: str) -> None:
        if self.ok is not False:
            self.ok, self.summary = False, summary
        self.details.extend(d for d in details if d not in self.details)

    @property
    def cell(self) -> str:
        mark = {True: "clean", False: "FAIL", None: "-"}[self.ok]
        return mark if self.summary in ("", "clean") else f"{mark}: {self.summary}"


@dataclass
class ModelResult:
    name: str
    rows: int = 0
    arena: int = 0
    layers: int = 0
    checks: dict[str, Check] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    arena_flags: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return all(c.ok is not False for c in self.checks.values())


COLUMNS = {
    "asan": "ASan+UBSan (-O1)",
    "memcheck": "memcheck (-O0)",
    "memcheck_arena": "memcheck, arena undefined",
    "bounds": "arena bounds",
    "canary": "canary (0xA5/0x5A)",
    "clobber": "live-buffer clobber",
}


def resolve_model(spec: str) -> Path:
    path = Path(spec)
    if path.suffix != ".onnx":
        path = SHARED_MODELS_DIR / f"{spec}.onnx"
    if not path.is_file():
        raise TinymlirError(f"model not found: {path}")
    return path


def load_rows(model: Path, module, library, limit: int | None):
    """(C input rows: per inference the list of arrays, expected outputs per inference)."""
    npz = model.with_name(model.name[: -len(".onnx")] + ".io.npz")
    if npz.is_file():
        data = np.load(npz)
        raw = [np.asarray(x) for x in data["inputs"]]
        tflm = data["tflm_outputs"] if "tflm_outputs" in data else None
        if limit is not None:
            raw = raw[:limit]
        rows, expected = [], []
        for i, x in enumerate(raw):
            qi, ref = quantised_inputs(module, [x])
            rows.append([np.asarray(v) for v in qi])
            expected.append([np.asarray(tflm[i]) if tflm is not None else np.asarray(ref[0])])
        return rows, expected, "tflm_outputs" if tflm is not None else "reference executor"
    from tinymlir.reference import find_function

    rng = np.random.default_rng(0)
    rows, expected = [], []
    arg_types = [a.type for a in find_function(module).args]
    for _ in range(limit or 3):
        raw = []
        for t in arg_types:
            shape = tuple(t.get_shape())
            if t.__class__.__name__ == "TensorType":
                raw.append(rng.uniform(-4, 4, shape).astype(np.float32))
            else:
                dtype = np.int8 if t.storage_min < 0 else np.uint8
                raw.append(rng.integers(t.storage_min, t.storage_max + 1, shape).astype(dtype))
        qi, ref = quantised_inputs(module, raw)
        rows.append([np.asarray(v) for v in qi])
        expected.append([np.asarray(r) for r in ref])
    return rows, expected, "reference executor"


def write_inputs(rows, path: Path) -> None:
    path.write_bytes(b"".join(np.ascontiguousarray(x).tobytes() for row in rows for x in row))


def compare_outputs(got, expected, source: str) -> list[str]:
    problems = []
    for row, (outs, wants) in enumerate(zip(got, expected, strict=True)):
        for k, (y, e) in enumerate(zip(outs, wants, strict=True)):
            e = np.asarray(e).reshape(-1)
            if y.dtype != e.dtype:
                e = e.astype(np.int64)
            diff = np.abs(y.astype(np.int64) - e.astype(np.int64))
            if diff.any():
                problems.append(
                    f"row {row} output {k}: {int((diff > 0).sum())} elements differ from {source} "
                    f"(max {int(diff.max())} LSB)"
                )
    return problems


def arena_symbol(c_text: str) -> str | None:
    match = re.search(r"^static\s+u?int8_t\s+(\w+_arena)\s*\[\d+\]", c_text, re.M)
    return match.group(1) if match else None


def arena_harness_text(library, arena: str) -> str:
    params, args, prepare, poison, check, saved = [], [], [], [], [], []
    for i, port in enumerate(library.inputs):
        params.append(f"const {C_TYPES[port.storage]} *i{i}")
        args.append(f"i{i}")
        saved.append(f"static {C_TYPES[port.storage]} san_saved_in{i}[{port.size}];")
        prepare.append(f"    memcpy(san_saved_in{i}, i{i}, sizeof san_saved_in{i});")
        check.append(
            f"    if (memcmp(san_saved_in{i}, i{i}, sizeof san_saved_in{i}) != 0) {{\n"
            f'        fprintf(stderr, "tinymlir-sanitize: the inference modified input {i}\\n");\n'
            "        exit(5);\n    }"
        )
    for k, port in enumerate(library.outputs):
        params.append(f"{C_TYPES[port.storage]} *o{k}")
        args.append(f"o{k}")
        prepare.append(f"    memset(o{k}, canary, {port.size});")
        prepare.append(f"    san_out[{k}] = o{k};\n    san_out_size[{k}] = {port.size};")
        poison.append(f"    VALGRIND_MAKE_MEM_UNDEFINED(o{k}, {port.size});")
    return fill_template(
        harness_source("sanitize_arena.c"), name=library.name, arena=arena, n_outputs=max(1, len(library.outputs)),
        params=", ".join(params), args=", ".join(args), prepare="\n".join(prepare),
        poison="\n".join(poison), check="\n".join(check), saved_inputs="\n".join(saved),
        harness=host_harness(library),
    )


def compile_arena(cc: str, extra: list[str], source: Path, exe: Path, workdir: Path):
    """Builds the one-translation-unit harness; drops the layout flags (from the end) that the
    compiler rejects. (flags used, None or the first diagnostic)."""
    error = None
    for drop in range(len(ARENA_FLAGS) - len(DEBUG_FLAGS) + 1):
        flags = ARENA_FLAGS[: len(ARENA_FLAGS) - drop]
        error = compile_c(cc_command(cc, [*flags, *extra], [source], exe, workdir))
        if error is None:
            return flags, None
    return DEBUG_FLAGS, error


def cc_command(cc: str, flags: list[str], sources: list[Path], exe: Path, include: Path) -> list[str]:
    return [cc, *STRICT_CFLAGS, *flags, f"-I{include}", *map(str, sources), "-o", str(exe)]


def compile_c(command: list[str]) -> str | None:
    """None, or the compiler's first diagnostic."""
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        return (result.stderr.strip().splitlines() or [f"exit status {result.returncode}"])[0]
    return None


LOCATION = re.compile(r"([\w./-]*?([\w-]+\.c)):(\d+)")


def layer_of(line: int, c_lines: list[str]) -> tuple[bool, str]:
    """(inside a layer of the run function?, description) for a 1-based line of the C."""
    for back in range(line - 1, -1, -1):
        m = re.match(r"\s+/\* (.+?) \*/\s*$", c_lines[back])
        if m and ":" in m.group(1):
            return True, f"layer '{m.group(1)}' (comment at line {back + 1})"
        if re.match(r"^(static |int |void )", c_lines[back]):
            return False, f"function {c_lines[back].strip().rstrip('{').strip()} (line {back + 1})"
    return False, "outside any function"


def locate(report: str, c_file: Path, c_lines: list[str]) -> list[str]:
    """The generated C line(s) the first error of a sanitizer/valgrind report points at: the
    innermost frame, and (when that is a helper) the first frame inside a layer."""
    first = first_report(report)
    text = report[report.find(first):] if first and first in report else report
    found: list[str] = []
    innermost = True
    for match in LOCATION.finditer(text):
        if match.group(2) != c_file.name:
            continue
        line = int(match.group(3))
        if not 1 <= line <= len(c_lines):
            continue
        in_layer, where = layer_of(line, c_lines)
        if innermost or in_layer:
            found += [f"at {c_file.name}:{line}: {c_lines[line - 1].strip()}", f"in {where}"]
        if in_layer:
            break
        innermost = False
    return found


def without_paths(line: str) -> str:
    """A report line without valgrind's pid prefix and the (temporary) folders of files."""
    line = re.sub(r"^==\d+== ", "", line.strip())
    return re.sub(r"(?:/[^\s/:]+)+/([\w.-]+\.c)", r"\1", line)


def first_report(text: str) -> str:
    keys = ("runtime error:", "ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "SUMMARY:",
            "tinymlir-sanitize:", "Invalid read", "Invalid write", "Conditional jump",
            "uninitialised", "Use of uninitialised", "Syscall param", "definitely lost")
    for line in text.splitlines():
        if any(k in line for k in keys):
            return line.strip()
    lines = [ln for ln in text.strip().splitlines() if ln.strip()]
    return lines[0] if lines else ""


@dataclass
class Layer:
    index: int
    name: str
    op: str
    nbytes: int
    reads: set[int]  # layers whose results it takes as operands (views resolved by liveness())
    returned: bool = False  # a function result
    last_use: float = -1  # the last layer reading this one's bytes (inf: returned)


def qnn_layers(module) -> dict[int, Layer]:
    """Layers indexed like the hooks (tinymlir.layers), with the layers whose results each
    one takes."""
    from tinymlir.reference import find_function

    ops = list(find_function(module).body.block.ops)
    producer: dict[object, int] = {}
    layers: dict[int, Layer] = {}
    for index, op in numbered_layers(ops):
        reads = {producer[v] for v in op.operands if v in producer}
        nbytes = int(np.prod(op.results[0].type.get_shape()))
        layers[index] = Layer(index, op.results[0].name_hint or "-", op.name, nbytes, reads)
        for res in op.results:
            producer[res] = index
    for op in ops:
        if op.name == "func.return":
            for value in op.operands:
                if value in producer:
                    layers[producer[value]].returned = True
    return layers


def liveness(layers: dict[int, Layer], hooked: set[int]) -> None:
    """A layer without a hook is a view (reshape: no code, its result aliases its operand's
    bytes): reads of it are reads of its operand. Sets `reads` to hooked layers and
    `last_use` of every hooked layer."""
    owners: dict[int, set[int]] = {}
    for i in sorted(layers):
        if i in hooked:
            owners[i] = {i}
        else:
            owners[i] = set().union(*(owners[r] for r in layers[i].reads)) if layers[i].reads else set()
    for i in sorted(layers):
        layers[i].reads = set().union(*(owners[r] for r in layers[i].reads)) if layers[i].reads else set()
    for i in sorted(layers):
        if i in hooked:
            for r in layers[i].reads:
                layers[r].last_use = max(layers[r].last_use, i)
        if layers[i].returned:
            for r in owners[i]:
                layers[r].last_use = float("inf")


def read_records(path: Path, arena_size: int):
    """Per inference: list of (index, kind, offset, size, arena snapshot, output-span bytes)."""
    data = path.read_bytes()
    runs, current, pos = [], [], 0
    while pos < len(data):
        index, kind, offset, size = np.frombuffer(data, "<i4", 4, pos).tolist()
        pos += 16
        if index == -1:
            runs.append(current)
            current = []
            continue
        snap = np.frombuffer(data, np.uint8, arena_size, pos).copy()
        pos += arena_size
        span = None
        if kind > 0:
            span = np.frombuffer(data, np.uint8, size, pos).copy()
            pos += size
        current.append((index, kind, offset, size, snap, span))
    if current:
        runs.append(current)
    return runs


def span_bytes(record) -> np.ndarray:
    _, kind, offset, size, snap, span = record
    return span if kind > 0 else snap[offset: offset + size]


def analyse_arena(layers, runs_a, runs_b, outs_a, outs_b, arena_size, result: ModelResult):
    bounds, canary, clobber = result.checks["bounds"], result.checks["canary"], result.checks["clobber"]
    ca, cb = CANARIES
    if len(runs_a) != len(runs_b):
        canary.fail("the two canary runs made different numbers of inferences")
        return
    hooked = {rec[0] for run in runs_a for rec in run}
    liveness(layers, hooked)
    result.layers = len(hooked)
    unhooked = sorted(i for i in layers if i not in hooked and layers[i].op != "qnn.reshape")
    for i in unhooked:
        result.notes.append(f"layer {i} '{layers[i].name}' ({layers[i].op}) has no hook: not checked")
    described = {}
    for i, layer in layers.items():
        described[i] = f"layer {i} '{layer.name}' ({layer.op})"

    for row, (run_a, run_b) in enumerate(zip(runs_a, runs_b, strict=True)):
        if [r[:4] for r in run_a] != [r[:4] for r in run_b]:
            canary.fail("layer spans differ between the canary runs", f"row {row}")
            continue
        spans: dict[int, tuple[int, int, int]] = {}  # layer -> (kind, offset, size)
        prev_a = np.full(arena_size, ca, np.uint8)
        prev_b = np.full(arena_size, cb, np.uint8)
        for rec_a, rec_b in zip(run_a, run_b, strict=True):
            index, kind, offset, size, snap_a, _ = rec_a
            snap_b = rec_b[4]
            what = described.get(index, f"layer {index} (no such qnn op)")
            # bounds
            if kind < 0:
                bounds.fail(f"{what} outside the arena", f"row {row}: {what}: output span of {size} bytes lies outside the arena and the output buffers")
                continue
            if index in layers and size != layers[index].nbytes:
                bounds.fail(f"{what}: hook size {size} != result size {layers[index].nbytes}",
                            f"row {row}: {what}: hook reports {size} bytes, the qnn result has {layers[index].nbytes}")
            spans[index] = (kind, offset, size)
            # canary: identical under both canaries, and written
            a, b = span_bytes(rec_a), span_bytes(rec_b)
            if not np.array_equal(a, b):
                where = np.flatnonzero(a != b)
                canary.fail(f"{what} depends on unwritten bytes",
                            f"row {row}: {what}: {where.size} output bytes differ between canaries 0x{ca:02X}/0x{cb:02X}, i.e. depend on unwritten bytes (first at byte {int(where[0])})")
            unwritten = np.flatnonzero((a == ca) & (b == cb))
            if unwritten.size:
                canary.fail(f"{what} leaves {unwritten.size} output bytes unwritten",
                            f"row {row}: {what}: {unwritten.size} output bytes never written (they hold the canary in both runs; first {unwritten[:8].tolist()})")
            # clobber: bytes changed by this layer vs live earlier outputs
            changed = (snap_a != prev_a) | (snap_b != prev_b)
            if kind == 0:
                changed[offset: offset + size] = False
            for j, (jkind, joff, jsize) in spans.items():
                if j == index or jkind != 0 or j not in layers or index not in layers:
                    continue
                if not layers[j].last_use > index:
                    continue
                hit = np.flatnonzero(changed[joff: joff + jsize])
                if hit.size:
                    clobber.fail(
                        f"{what} overwrites live {described[j]}",
                        f"row {row}: {what} changed {hit.size} bytes of {described[j]} "
                        f"(arena [{joff}, {joff + jsize}), first at +{int(hit[0])}), which "
                        f"layer {int(layers[j].last_use) if layers[j].last_use != float('inf') else 'return'} still reads",
                    )
                if kind == 0 and offset < joff + jsize and joff < offset + size:
                    clobber.fail(
                        f"{what} overlaps live {described[j]}",
                        f"row {row}: {what} output [{offset}, {offset + size}) overlaps {described[j]} [{joff}, {joff + jsize})",
                    )
            prev_a, prev_b = snap_a, snap_b
    for row, (oa, ob) in enumerate(zip(outs_a, outs_b, strict=True)):
        for k, (ya, yb) in enumerate(zip(oa, ob, strict=True)):
            if not np.array_equal(ya, yb):
                canary.fail("model output depends on unwritten bytes", f"row {row} output {k} differs between canaries")
            left = np.flatnonzero((ya.view(np.uint8) == ca) & (yb.view(np.uint8) == cb))
            if left.size:
                canary.fail(f"output {k}: {left.size} bytes never written", f"row {row} output {k}: {left.size} bytes never written (first {left[:8].tolist()})")
    for check in (bounds, canary, clobber):
        if check.ok is None:
            check.ok, check.summary = True, "clean"


def all_ub_sites(cc: str, c_file: Path, harness: Path, workdir: Path, in_file: Path, c_lines) -> list[str]:
    """Rebuilds with UBSan recovering (each source location is reported once) and lists every
    distinct undefined-behaviour site the inputs reach, with its layer."""
    flags = [f for f in SANITIZE_FLAGS if f != "-fno-sanitize-recover=all"] + ["-fsanitize-recover=undefined"]
    exe = workdir / "harness_ubsan_recover"
    if compile_c(cc_command(cc, flags, [c_file, harness], exe, workdir)):
        return []
    run = run_exe([str(exe), str(in_file), str(workdir / "out_recover.bin")],
                  env={"UBSAN_OPTIONS": "halt_on_error=0:print_stacktrace=1"})
    blocks = re.split(r"\n(?=\S*: runtime error:)", run.stderr)
    sites = []
    for block in blocks:
        head = block.strip().splitlines()[0] if block.strip() else ""
        if "runtime error:" not in head:
            continue
        where = locate(block, c_file, c_lines)
        layer = next((w for w in where[1::2] if w.startswith("in layer")), where[1] if len(where) > 1 else "")
        sites.append(f"UB site (all inputs, recovering build): {Path(head.split(': runtime error:')[0]).name}: "
                     f"{head.split('runtime error: ', 1)[1]}; {layer}")
    return sites


def run_exe(command: list[str], env: dict[str, str] | None = None, timeout: float = 1800):
    full_env = {**os.environ, "ASAN_OPTIONS": ASAN_OPTIONS, "UBSAN_OPTIONS": UBSAN_OPTIONS, **(env or {})}
    return subprocess.run(command, capture_output=True, text=True, env=full_env, timeout=timeout)


def check_model(model: Path, workdir: Path, limit: int | None, cc: str, log) -> ModelResult:
    start = time.perf_counter()
    workdir.mkdir(parents=True, exist_ok=True)
    compiled = compile_model(model, workdir)
    module, c_file, library = compiled.module, compiled.c_file, compiled.library
    result = ModelResult(library.name, arena=library.arena_size)
    for key in COLUMNS:
        result.checks[key] = Check()
    c_text = c_file.read_text()
    c_lines = c_text.splitlines()
    rows, expected, source = load_rows(model, module, library, limit)
    result.rows = len(rows)
    in_file = workdir / "in.bin"
    write_inputs(rows, in_file)
    harness = workdir / "harness.c"
    harness.write_text(host_harness(library))

    def report(check: Check, label: str, text: str) -> None:
        first = without_paths(first_report(text))
        check.fail(first[:160] or label, f"{label}: {first}", *locate(text, c_file, c_lines))

    def outputs_match(check: Check, out_file: Path) -> None:
        try:
            got = read_outputs(out_file, library, len(rows))
        except TinymlirError as exc:
            check.fail(str(exc))
            return
        problems = compare_outputs(got, expected, source)
        if problems:
            check.fail(f"outputs differ from {source}", *problems)

    def memcheck(check: Check, exe: Path, tag: str) -> None:
        """Runs `exe` under valgrind memcheck: no error, and the expected outputs."""
        out_file, log_file = workdir / f"out_{tag}.bin", workdir / f"{tag}.log"
        run = run_exe([*VALGRIND, f"--log-file={log_file}", str(exe), str(in_file), str(out_file)])
        text = log_file.read_text() if log_file.exists() else run.stderr
        summary = re.search(r"ERROR SUMMARY: (\d+) errors? from (\d+) context", text)
        if run.returncode != 0 or not summary or summary.group(1) != "0":
            report(check, f"exit status {run.returncode}", text + run.stderr)
        else:
            outputs_match(check, out_file)
        if check.ok is None:
            check.ok, check.summary = True, "0 errors"

    # (a) ASan + UBSan
    log(f"{library.name}: asan+ubsan build")
    check = result.checks["asan"]
    exe = workdir / "harness_asan"
    error = compile_c(cc_command(cc, SANITIZE_FLAGS, [c_file, harness], exe, workdir))
    if error:
        check.fail(f"does not compile: {error}")
    else:
        out_file = workdir / "out_asan.bin"
        run = run_exe([str(exe), str(in_file), str(out_file)])
        if run.returncode != 0 or "runtime error" in run.stderr or "Sanitizer" in run.stderr:
            report(check, f"exit status {run.returncode}", run.stderr)
            if "runtime error" in run.stderr:  # list every distinct UB site, not just the first
                check.details.extend(all_ub_sites(cc, c_file, harness, workdir, in_file, c_lines))
        else:
            outputs_match(check, out_file)
        if check.ok is None:
            check.ok, check.summary = True, "clean"

    # (b) memcheck, plain -O0 build
    have_valgrind = shutil.which("valgrind") is not None
    check = result.checks["memcheck"]
    if not have_valgrind:
        check.fail("valgrind not installed")
    else:
        log(f"{library.name}: memcheck")
        exe = workdir / "harness_O0"
        error = compile_c(cc_command(cc, DEBUG_FLAGS, [c_file, harness], exe, workdir))
        if error:
            check.fail(f"does not compile: {error}")
        else:
            memcheck(check, exe, "memcheck")

    # (c) the one-translation-unit arena harness
    arena = arena_symbol(c_text)
    single = workdir / "sanitize_arena.c"
    if arena is None:
        for key in ("bounds", "canary", "clobber", "memcheck_arena"):
            result.checks[key].fail(f"no '<name>_arena' array found in {c_file.name}")
        result.seconds = time.perf_counter() - start
        return result
    single.write_text(arena_harness_text(library, arena))

    check = result.checks["memcheck_arena"]
    if have_valgrind:
        log(f"{library.name}: memcheck with the arena marked undefined")
        exe = workdir / "harness_arena_vg"
        _, error = compile_arena(cc, ["-DTINYMLIR_SANITIZE_VALGRIND"], single, exe, workdir)
        if error:
            check.fail(f"does not compile: {error}")
        else:
            memcheck(check, exe, "memcheck_arena")
    else:
        check.fail("valgrind not installed")

    log(f"{library.name}: arena bounds / canary / clobber")
    exe = workdir / "harness_arena"
    flags, error = compile_arena(cc, [], single, exe, workdir)
    result.arena_flags = flags
    if error:
        for key in ("bounds", "canary", "clobber"):
            result.checks[key].fail(f"arena harness does not compile: {error}")
    else:
        runs, outs = [], []
        arena_size = int(re.search(rf"{arena}\s*\[(\d+)\]", c_text).group(1))
        if arena_size != library.arena_size:
            result.checks["bounds"].fail(f"{arena}[{arena_size}] but the library reports {library.arena_size}")
        bounds = result.checks["bounds"]
        for canary in CANARIES:
            layer_file, out_file = workdir / f"layers_{canary:02x}.bin", workdir / f"out_{canary:02x}.bin"
            run = run_exe([str(exe), str(in_file), str(out_file)],
                          env={"TINYMLIR_SANITIZE_CANARY": str(canary), "TINYMLIR_SANITIZE_LAYERS": str(layer_file)})
            messages = []
            for line in run.stderr.splitlines():
                if "tinymlir-sanitize: note:" in line:
                    note = line.split("note: ", 1)[1]
                    if note not in result.notes:
                        result.notes.append(note)
                elif line.strip() and line not in messages:
                    messages.append(line)
            if run.returncode != 0:
                report(bounds, f"canary 0x{canary:02X}: the arena harness failed (exit status {run.returncode})", run.stderr)
                break
            if messages:  # stray writes into the guard bands, spans outside the arena
                bounds.fail(messages[0].replace("tinymlir-sanitize: ", ""),
                            *(f"canary 0x{canary:02X}: {m.replace('tinymlir-sanitize: ', '')}" for m in messages))
            runs.append(read_records(layer_file, arena_size))
            outs.append(read_outputs(out_file, library, len(rows)))
            problems = compare_outputs(outs[-1], expected, source)
            if problems:
                result.checks["canary"].fail(f"outputs differ from {source} with canary 0x{canary:02X}", *problems)
            layer_file.unlink()  # large (one arena snapshot per layer and row)
        if len(runs) == 2:
            analyse_arena(qnn_layers(module), runs[0], runs[1], outs[0], outs[1], arena_size, result)
        for key in ("bounds", "canary", "clobber"):
            if result.checks[key].ok is None:
                result.checks[key].fail("not run (the harness failed)")
    result.seconds = time.perf_counter() - start
    return result

