"""Property-based tests: random small qnn graphs (``qnn_graphs.py``) compiled to C with
``--pipeline=mcu`` compute exactly what the reference executor computes.

* ``test_generated_c_matches_reference``: in both numerics modes (tflm; onnx, with the
  integer float emulation), each example is a batch of 1-3 random graphs;
  each graph goes through the mcu pipeline in process (``run_pipeline`` + ``write_library``),
  all libraries and one harness are built into a single executable with
  ``cc -std=c99 -Wall -Wextra -Werror -pedantic -O1`` (one compiler run per example), the
  harness runs every graph on 3 inputs in a row (uniform, uniform, extremes: also checks that
  nothing leaks from one run into the next) and the outputs must equal
  ``tinymlir.reference.run_module`` bit for bit.
* ``test_loop_interpreter_matches_reference``: tinier graphs lowered with
  ``--pipeline=loops`` and run by xDSL's interpreter (``tinymlir.interpreter.run_loops``),
  in both numerics modes (tflm, onnx).
* ``test_strategy_makes_valid_graphs``: the strategy itself (verifier, reference, no
  rejections).

Profiles (``$HYPOTHESIS_PROFILE``, default ``ci``; this module's own, not registered with
Hypothesis): ``ci`` runs 40 compiled examples (batches of 1-3 graphs) and 20 interpreted ones
(about 25 s on 2 cores); ``long`` runs 500 and 100, for campaigns (about 5 min):

    HYPOTHESIS_PROFILE=long pytest test/python/test_properties.py --hypothesis-show-statistics

With ``QNN_PROPERTIES_LOG=FILE`` every compiled graph appends one line to FILE (its tags and
ops): the categories a campaign exercised. The C compiler is ``$CC`` (default ``cc``); CI
always has one, so a missing compiler is a failure, never a silent skip.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, note, settings
from qnn_graphs import RESERVED_NAMES, Limits, QGraph, qnn_graph_batches, qnn_graphs
from xdsl.parser import Parser

from tinymlir.backend.c_library import Library
from tinymlir.build import STRICT_CFLAGS
from tinymlir.compiler import compile_model
from tinymlir.dialects import qnn
from tinymlir.dialects.qnn import set_numerics
from tinymlir.interpreter import run_loops
from tinymlir.pipelines import make_context, run_pipeline
from tinymlir.reference import ReferenceExecutor, run_module

CFLAGS = [*STRICT_CFLAGS, "-O1"]
N_INPUTS = 3

_COMMON = dict(
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
PROFILES = {
    "ci": settings(max_examples=40, **_COMMON),
    "long": settings(max_examples=500, **_COMMON),
}
INTERPRETER_EXAMPLES = {"ci": 20, "long": 100}
# Selected by $HYPOTHESIS_PROFILE but deliberately not registered with Hypothesis: registering
# "ci" would replace Hypothesis' built-in "ci" profile, which it loads for every test of the
# session when it detects a CI machine. On CI these settings inherit that profile (derandomised).
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
if PROFILE not in PROFILES:
    PROFILE = "ci"

# Graphs small enough for the pure-Python loop interpreter (every scalar op is a Python call).
INTERPRETER_LIMITS = Limits(
    max_ops=3, max_spatial=5, max_channels=4, max_batch=1, max_other_dim=8, max_elements=64
)

_CONTEXT = None


def context():
    global _CONTEXT
    if _CONTEXT is None:
        _CONTEXT = make_context()
    return _CONTEXT


@pytest.fixture(scope="module")
def cc() -> str:
    compiler = os.environ.get("CC", "cc")
    if shutil.which(compiler) is None:
        pytest.fail(f"no C compiler: '{compiler}' is not on PATH (set $CC)", pytrace=False)
    return compiler


def _log(graph: QGraph, extra: frozenset[str] = frozenset()) -> None:
    tags = sorted(graph.tags | extra)
    for tag in tags:
        event(tag)
    path = os.environ.get("QNN_PROPERTIES_LOG")
    if path:
        with open(path, "a") as f:
            f.write(json.dumps({"tags": tags, "ops": graph.op_names}) + "\n")


_SCHEDULES = {
    "schedule:conv_rows_in_place": re.compile(r"int8_t \*const \w+_rows = "),
    "schedule:depthwise_in_place": re.compile(r"int8_t \*const \w+_plane = "),
}


def schedule_tags(c_source: str) -> frozenset[str]:
    """The in-place schedules of kernel-in-place the generated C uses (for statistics)."""
    return frozenset(tag for tag, pattern in _SCHEDULES.items() if pattern.search(c_source))


# --------------------------------------------------------------------------------------
# Compiling and running a batch of graphs
# --------------------------------------------------------------------------------------


def _c_type(storage: str) -> str:
    return "uint8_t" if storage == "uint8" else "int8_t"


def _c_array(values: np.ndarray) -> str:
    return "{" + ", ".join(str(int(v)) for v in values.reshape(-1)) + "}"


def harness_source(libraries: list[Library], inputs: list[list[list[np.ndarray]]]) -> str:
    """main(): runs library i on inputs[i][r] for r = 0..N-1 and prints one line of integers
    per output: 'g<i> <r> <k>: v v v ...'. Output buffers are refilled with a different
    garbage byte before every run, so an element the library never writes is caught."""
    lines = ["#include <stdint.h>", "#include <stdio.h>", "#include <string.h>"]
    lines += [f'#include "{lib.name}.h"' for lib in libraries]
    body = []
    for i, (lib, sets) in enumerate(zip(libraries, inputs, strict=True)):
        args = []
        for k, port in enumerate(lib.inputs):
            rows = ",\n    ".join(_c_array(sets[r][k]) for r in range(len(sets)))
            lines.append(
                f"static const {_c_type(port.storage)} in_{i}_{k}[{len(sets)}][{port.size}] = {{\n    {rows}\n}};"
            )
            args.append(f"in_{i}_{k}[r]")
        for k, port in enumerate(lib.outputs):
            lines.append(f"static {_c_type(port.storage)} out_{i}_{k}[{port.size}];")
            args.append(f"out_{i}_{k}")
        body.append(f"    for (r = 0; r < {len(sets)}; ++r) {{")
        for k in range(len(lib.outputs)):
            body.append(f"        memset(out_{i}_{k}, 0x5A + 17 * r, sizeof out_{i}_{k});")
        body.append(f"        status = {lib.name}_run({', '.join(args)});")
        body.append(f'        if (status != 0) {{ printf("{lib.name} returned %d\\n", status); return 3; }}')
        for k, port in enumerate(lib.outputs):
            body.append(f'        printf("{lib.name} %d {k}:", r);')
            body.append(f"        for (j = 0; j < {port.size}; ++j) printf(\" %d\", (int)out_{i}_{k}[j]);")
            body.append('        printf("\\n");')
        body.append("    }")
    lines += ["", "int main(void) {", "    int r, j, status;", *body, "    (void)j;", "    return 0;", "}", ""]
    return "\n".join(lines)


def compile_and_run(
    graphs: list[QGraph], inputs, workdir: Path, cc: str, log: bool = False, numerics: str | None = None
) -> dict:
    """{(graph index, run, output index): int64 array} from the compiled C (in `numerics`
    if given, else the graphs' own mode)."""
    libraries, c_files = [], []
    for i, graph in enumerate(graphs):
        module = graph.renamed(f"g{i}")
        if numerics is not None:
            set_numerics(module, numerics)
        compiled = compile_model(module, workdir, ctx=context())
        c_file, library = compiled.c_file, compiled.library
        assert len(library.inputs) == len(graph.input_types), library
        assert len(library.outputs) == len(graph.output_types), library
        libraries.append(library)
        c_files.append(c_file)
        if log:
            _log(graph, schedule_tags(c_file.read_text()))
    main = workdir / "main.c"
    main.write_text(harness_source(libraries, inputs))
    exe = workdir / "harness"
    build = subprocess.run(
        [cc, *CFLAGS, f"-I{workdir}", *map(str, c_files), str(main), "-o", str(exe)],
        capture_output=True, text=True,
    )
    if build.returncode != 0:
        sources = "\n\n".join(f"/* {f.name} */\n{f.read_text()}" for f in c_files)
        note(sources)
        raise AssertionError(f"the generated C does not compile:\n{build.stderr[:4000]}")
    run = subprocess.run([str(exe)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, f"harness failed ({run.returncode}): {run.stdout[-2000:]}{run.stderr[-2000:]}"
    results = {}
    for line in run.stdout.splitlines():
        head, _, values = line.partition(":")
        name, r, k = head.split()
        results[(int(name[1:]), int(r), int(k))] = np.array([int(v) for v in values.split()], np.int64)
    return results


@pytest.mark.parametrize("numerics", ["tflm", "onnx"])
@settings(PROFILES[PROFILE])
@given(batch=qnn_graph_batches(max_size=3))
def test_generated_c_matches_reference(batch: list[QGraph], cc, numerics: str):
    inputs = [[graph.random_inputs(r) for r in range(N_INPUTS)] for graph in batch]
    mode = qnn.Numerics(numerics)
    expected = [
        [ReferenceExecutor(mode).run(graph.function, xs) for xs in sets]
        for graph, sets in zip(batch, inputs, strict=True)
    ]
    with tempfile.TemporaryDirectory(prefix="tinymlir-properties-") as tmp:
        got = compile_and_run(batch, inputs, Path(tmp), cc, log=True, numerics=numerics)
    for i, graph in enumerate(batch):
        for r in range(N_INPUTS):
            for k, want in enumerate(expected[i][r]):
                have = got[(i, r, k)]
                want = np.asarray(want).astype(np.int64).reshape(-1)
                if not np.array_equal(have, want):
                    differ = np.flatnonzero(have != want)
                    raise AssertionError(
                        f"graph {i} (g{i}), input set {r}, output {k}: {differ.size} of "
                        f"{want.size} elements differ, max {np.abs(have - want).max()} LSB; first at "
                        f"flat index {differ[:8].tolist()}: C {have[differ[:8]].tolist()} vs "
                        f"reference {want[differ[:8]].tolist()}\ninputs: "
                        f"{[x.tolist() for x in inputs[i][r]]}\n{graph!r}"
                    )


@pytest.mark.parametrize("numerics", ["tflm", "onnx"])
@settings(PROFILES[PROFILE], max_examples=INTERPRETER_EXAMPLES[PROFILE])
@given(graph=qnn_graphs(INTERPRETER_LIMITS))
def test_loop_interpreter_matches_reference(graph: QGraph, numerics: str):
    """In both numerics modes (the graph's module gets the mode attribute)."""
    _log(graph)
    module = graph.module.clone()
    set_numerics(module, numerics)
    lowered = module.clone()
    run_pipeline(lowered, "loops", context())
    lowered.verify()
    xs = graph.random_inputs(0)
    expected = run_module(module, xs)
    got = run_loops(lowered, xs)
    assert len(got) == len(expected)
    for k, (have, want) in enumerate(zip(got, expected, strict=True)):
        assert have.dtype == want.dtype, (k, have.dtype, want.dtype)
        np.testing.assert_array_equal(have, want, err_msg=f"output {k}\n{graph!r}")


@settings(PROFILES[PROFILE], max_examples=60)
@given(graph=qnn_graphs())
def test_strategy_makes_valid_graphs(graph: QGraph):
    graph.module.verify()
    ops = graph.op_names
    assert ops[-1] == "func.return"
    compute = [o for o in ops if o.startswith("qnn.") and o != "qnn.constant"]
    assert 1 <= len(compute) <= 2 * Limits().max_ops  # dense may add a flattening reshape
    for t in graph.input_types + graph.output_types:
        assert t.get_num_elements() <= Limits().max_elements
    for r in range(N_INPUTS):
        outputs = run_module(graph.module, graph.random_inputs(r))
        assert [o.shape for o in outputs] == [t.get_shape() for t in graph.output_types]


RESERVED_NAME_GRAPH = """
func.func @g0(%x: !qnn.qtensor<1x2x2x1xi8, 0.5:0>) -> !qnn.qtensor<1x2x2x1xi8, 0.25:0> {
  %w = qnn.constant dense<3> : tensor<1x1x1x1xi8> -> !qnn.qtensor<1x1x1x1xi8, 0.5:0>
  %b = arith.constant dense<7> : tensor<1xi32>
  %NAME = qnn.conv2d %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] groups 1
      : !qnn.qtensor<1x2x2x1xi8, 0.5:0>, !qnn.qtensor<1x1x1x1xi8, 0.5:0>, tensor<1xi32>
      -> !qnn.qtensor<1x2x2x1xi8, 0.25:0>
  func.return %NAME : !qnn.qtensor<1x2x2x1xi8, 0.25:0>
}
"""


@pytest.mark.parametrize("name", RESERVED_NAMES)
def test_reserved_value_names(name, cc, tmp_path):
    """A value may be called anything xDSL accepts: the library still compiles and runs."""
    module = Parser(context(), RESERVED_NAME_GRAPH.replace("NAME", name)).parse_module()
    module.verify()
    graph = QGraph(module, frozenset({"graph:reserved_names"}), 0, "g0")
    inputs = [[graph.random_inputs(r) for r in range(N_INPUTS)]]
    got = compile_and_run([graph], inputs, tmp_path, cc)
    for r in range(N_INPUTS):
        (want,) = run_module(module, inputs[0][r])
        np.testing.assert_array_equal(got[(0, r, 0)], want.astype(np.int64).reshape(-1))
