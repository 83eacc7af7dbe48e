"""The generated C library: ``tinymlir-opt --pipeline=mcu MODEL.onnx -o OUT/`` writes
``<name>.c`` and ``<name>.h``.

* the header's macros (sizes, arena, quantisation parameters) agree with the ONNX model
  and with the C file, and it declares ``int <name>_run(...)`` with the right pointer types;
* the two files compile together, warning-free, as strict C99 (``-Wall -Wextra -Werror
  -pedantic``), checked by a C file that pins the macros with array-size static asserts and
  the entry point's type through a function pointer; linked, one inference returns 0;
* ``-o x.c`` writes ``x.c`` and ``x.h``; a stem starting with a digit and ``--model-name``
  give valid C names; an unwritable output path is one error line with exit status 1.

The tool runs as a subprocess (the console script next to ``sys.executable``).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import numpy_helper

from tinymlir.build import STRICT_CFLAGS

INPUTS = Path(__file__).resolve().parents[1] / "frontend" / "onnx" / "Inputs"
CFLAGS = STRICT_CFLAGS

# Small graphs covering: per-channel int8, uint8 storage, a float interface (documented by
# its QuantizeLinear / DequantizeLinear), the QOperator format, and two inputs (numbered
# macros) with an empty arena.
MODELS = ["qdq_conv_per_channel", "qdq_conv_uint8", "qdq_float_io", "qop_qlinearconv", "qdq_add"]

# Where an op's (scale, zero point) inputs are, for the activation at a given input index
# (consumers of the graph inputs) or for its output (producers of the graph outputs).
_INPUT_QPARAMS = {
    "QuantizeLinear": {0: (1, 2)},
    "DequantizeLinear": {0: (1, 2)},
    "QLinearConv": {0: (1, 2)},
    "QLinearMatMul": {0: (1, 2), 3: (4, 5)},
    "QLinearAdd": {0: (1, 2), 3: (4, 5)},
}
_OUTPUT_QPARAMS = {
    "QuantizeLinear": (1, 2),
    "DequantizeLinear": (1, 2),
    "QLinearConv": (6, 7),
    "QLinearMatMul": (6, 7),
    "QLinearAdd": (6, 7),
}
_LAYOUT_OPS = {"Transpose", "Reshape", "Flatten", "Identity"}


@dataclass(frozen=True)
class Port:
    """A graph input or output as the header should describe it."""

    name: str
    size: int  # elements == bytes (8-bit storage)
    scale: float
    zero_point: int
    ctype: str  # int8_t or uint8_t


def _dims(value: onnx.ValueInfoProto) -> list[int]:
    return [d.dim_value for d in value.type.tensor_type.shape.dim]


def _qparams(model: onnx.ModelProto, names: tuple[str, str]) -> tuple[float, int, str]:
    inits = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    scale, zp = inits[names[0]], inits[names[1]]
    assert scale.size == 1 and zp.size == 1, "per-tensor activation parameters expected"
    ctype = "uint8_t" if zp.dtype == np.uint8 else "int8_t"
    return float(scale.reshape(())), int(zp.reshape(())), ctype


def interface(model: onnx.ModelProto) -> tuple[list[Port], list[Port]]:
    """The model's quantised inputs and outputs, read from the ONNX graph itself."""
    graph = model.graph
    initializers = {i.name for i in graph.initializer}
    inputs, outputs = [], []
    for value in graph.input:
        if value.name in initializers:
            continue
        tensor = value.name
        while True:
            consumer, index = next(
                (n, list(n.input).index(tensor)) for n in graph.node if tensor in n.input
            )
            if consumer.op_type not in _LAYOUT_OPS:
                break
            tensor = consumer.output[0]
        slots = _INPUT_QPARAMS[consumer.op_type][index]
        scale, zp, ctype = _qparams(model, tuple(consumer.input[i] for i in slots))
        inputs.append(Port(value.name, int(np.prod(_dims(value))), scale, zp, ctype))
    for value in graph.output:
        tensor = value.name
        while True:
            producer = next(n for n in graph.node if tensor in n.output)
            if producer.op_type not in _LAYOUT_OPS:
                break
            tensor = producer.input[0]
        slots = _OUTPUT_QPARAMS[producer.op_type]
        scale, zp, ctype = _qparams(model, tuple(producer.input[i] for i in slots))
        outputs.append(Port(value.name, int(np.prod(_dims(value))), scale, zp, ctype))
    return inputs, outputs


def macros(header: str) -> dict[str, str]:
    """`#define NAME VALUE /* comment */` -> {NAME: VALUE} (function-like macros excluded)."""
    found = {}
    for line in header.splitlines():
        m = re.match(r"#define ([A-Za-z_][A-Za-z0-9_]*)(?:[ \t]+(.*?))?\s*(?:/\*.*\*/)?$", line)
        if m:
            found[m.group(1)] = m.group(2) or ""
    return found


def c_int(text: str) -> int:
    """`5` or `(-30)` -> the integer."""
    m = re.fullmatch(r"\(?(-?\d+)\)?", text)
    assert m, f"not an integer literal: {text!r}"
    return int(m.group(1))


def c_float(text: str) -> np.float32:
    m = re.fullmatch(r"(-?\d+\.\d*(?:e[-+]?\d+)?)f", text)
    assert m, f"not a float literal with an f suffix: {text!r}"
    return np.float32(float(m.group(1)))


def tags(role: str, ports: list[Port]) -> list[str]:
    return [role] if len(ports) == 1 else [f"{role}{i}" for i in range(len(ports))]


# --------------------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------------------


@dataclass
class Library:
    name: str
    directory: Path
    result: subprocess.CompletedProcess
    model: onnx.ModelProto

    @property
    def c_file(self) -> Path:
        return self.directory / f"{self.name}.c"

    @property
    def h_file(self) -> Path:
        return self.directory / f"{self.name}.h"


@pytest.fixture(scope="module")
def libraries(tinymlir_opt, tmp_path_factory) -> dict[str, Library]:
    """Every model of MODELS compiled to its own folder (in parallel: ~1 s each)."""
    root = tmp_path_factory.mktemp("c_library")

    def build(name: str) -> Library:
        out = root / name
        result = tinymlir_opt("--pipeline=mcu", INPUTS / f"{name}.onnx", "-o", f"{out}/")
        return Library(name, out, result, onnx.load(str(INPUTS / f"{name}.onnx")))

    with ThreadPoolExecutor(max_workers=4) as pool:
        return {lib.name: lib for lib in pool.map(build, MODELS)}


@pytest.fixture(scope="module")
def cc() -> str:
    compiler = shutil.which("cc")
    if compiler is None:
        pytest.skip("no C compiler ('cc') on PATH")
    return compiler


def check_program(name: str, inputs: list[Port], outputs: list[Port], arena: int) -> str:
    """A C file that includes the header and pins its macros at compile time."""
    upper = name.upper()
    lines = [f'#include "{name}.h"', "", "#include <stdio.h>", ""]

    def static_assert(label: str, condition: str) -> None:
        lines.append(f"typedef char check_{label}[({condition}) ? 1 : -1];")

    for role, ports in (("INPUT", inputs), ("OUTPUT", outputs)):
        for tag, port in zip(tags(role, ports), ports, strict=True):
            static_assert(f"{tag}_size", f"{upper}_{tag}_SIZE == {port.size}")
            static_assert(f"{tag}_zero_point", f"{upper}_{tag}_ZERO_POINT == {port.zero_point}")
            static_assert(f"{tag}_scale_is_float", f"sizeof({upper}_{tag}_SCALE) == sizeof(float)")
    static_assert("arena_size", f"{upper}_ARENA_SIZE == {arena}")
    params = [f"const {p.ctype} *" for p in inputs] + [f"{p.ctype} *" for p in outputs]
    buffers = [
        f"static {p.ctype} {tag.lower()}_buffer[{upper}_{tag}_SIZE];"
        for role, ports in (("INPUT", inputs), ("OUTPUT", outputs))
        for tag, p in zip(tags(role, ports), ports, strict=True)
    ]
    args = [
        f"{tag.lower()}_buffer"
        for role, ports in (("INPUT", inputs), ("OUTPUT", outputs))
        for tag in tags(role, ports)
    ]
    scales = [
        f'    printf("%.9g\\n", (double){upper}_{tag}_SCALE);'
        for role, ports in (("INPUT", inputs), ("OUTPUT", outputs))
        for tag in tags(role, ports)
    ]
    lines += [
        "",
        *buffers,
        "",
        "int main(void) {",
        f"    int (*run)({', '.join(params)}) = {name}_run;  /* the exact prototype */",
        *scales,
        f"    return run({', '.join(args)});",
        "}",
        "",
    ]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------
# The header
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", MODELS)
def test_header_matches_the_model(libraries, name):
    lib = libraries[name]
    assert lib.result.returncode == 0, lib.result.stderr
    # The only stderr line says which numerics were chosen (the test graphs: onnx, by producer).
    assert lib.result.stderr.splitlines() == [
        f"tinymlir-opt: numerics: onnx (auto: producer '{lib.model.producer_name}')"
    ]
    assert lib.c_file.is_file() and lib.h_file.is_file()
    assert sorted(p.name for p in lib.directory.iterdir()) == [f"{name}.c", f"{name}.h"]

    header, source = lib.h_file.read_text(), lib.c_file.read_text()
    defined = macros(header)
    upper = name.upper()
    inputs, outputs = interface(lib.model)
    expected_macros = {f"{upper}_H", f"{upper}_ARENA_SIZE", f"{upper}_NUMERICS"}
    assert defined[f"{upper}_NUMERICS"] == '"onnx"'
    for role, ports in (("INPUT", inputs), ("OUTPUT", outputs)):
        for tag, port in zip(tags(role, ports), ports, strict=True):
            expected_macros |= {f"{upper}_{tag}_{k}" for k in ("SIZE", "SCALE", "ZERO_POINT")}
            assert c_int(defined[f"{upper}_{tag}_SIZE"]) == port.size, tag
            assert c_float(defined[f"{upper}_{tag}_SCALE"]) == np.float32(port.scale), tag
            assert c_int(defined[f"{upper}_{tag}_ZERO_POINT"]) == port.zero_point, tag
    assert set(defined) == expected_macros

    # The arena: the header, the C array and the driver's summary agree.
    arena = c_int(defined[f"{upper}_ARENA_SIZE"])
    array = re.search(rf"^static int8_t {name}_arena\[(\d+)\]", source, re.MULTILINE)
    assert (int(array.group(1)) if array else 0) == arena
    assert f": arena {arena} bytes" in lib.result.stdout

    # The entry point: declared in the header, defined (with the same pointer types) in the C file.
    params = [
        f"const {p.ctype} *input{'' if len(inputs) == 1 else i}" for i, p in enumerate(inputs)
    ]
    params += [f"{p.ctype} *output{'' if len(outputs) == 1 else i}" for i, p in enumerate(outputs)]
    assert f"\nint {name}_run({', '.join(params)});\n" in header
    types = [f"const {p.ctype} \\*\\w+" for p in inputs] + [f"{p.ctype} \\*\\w+" for p in outputs]
    assert re.search(rf"^int {name}_run\({', '.join(types)}\) {{$", source, re.MULTILINE)
    assert f'#include "{name}.h"' in source
    assert header.count(f"#ifndef {upper}_H") == 1 and header.rstrip().endswith(
        f"#endif /* {upper}_H */"
    )


def test_header_spot_values(libraries):
    """Spot values, independent of the ONNX reading above."""
    uint8 = macros(libraries["qdq_conv_uint8"].h_file.read_text())
    assert uint8["QDQ_CONV_UINT8_INPUT_ZERO_POINT"] == "128"
    assert "uint8_t" in libraries["qdq_conv_uint8"].h_file.read_text()
    two = macros(libraries["qdq_add"].h_file.read_text())
    assert two["QDQ_ADD_INPUT1_ZERO_POINT"] == "(-10)"
    assert two["QDQ_ADD_ARENA_SIZE"] == "0"


# --------------------------------------------------------------------------------------
# Compiling
# --------------------------------------------------------------------------------------


def compile_and_run(cc: str, directory: Path, name: str, model: onnx.ModelProto) -> list[float]:
    """Compiles <name>.c and a checking program against <name>.h with strict C99 flags, links
    them, runs one inference; returns the scales the program printed."""
    inputs, outputs = interface(model)
    arena = c_int(macros((directory / f"{name}.h").read_text())[f"{name.upper()}_ARENA_SIZE"])
    (directory / "check_main.c").write_text(check_program(name, inputs, outputs, arena))
    compiled = subprocess.run(
        [cc, *CFLAGS, "-c", f"{name}.c", "check_main.c"],
        cwd=directory,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert compiled.returncode == 0, compiled.stderr
    assert compiled.stderr == ""
    linked = subprocess.run(
        [cc, f"{name}.o", "check_main.o", "-o", "check_main"],
        cwd=directory,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert linked.returncode == 0, linked.stderr
    ran = subprocess.run(
        [str(directory / "check_main")], capture_output=True, text=True, timeout=60
    )
    assert ran.returncode == 0, f"{name}_run returned {ran.returncode}"
    return [float(line) for line in ran.stdout.split()]


@pytest.mark.parametrize("name", MODELS)
def test_library_compiles_as_strict_c99(libraries, cc, tmp_path, name):
    lib = libraries[name]
    assert lib.result.returncode == 0, lib.result.stderr
    for f in (lib.c_file, lib.h_file):
        shutil.copy(f, tmp_path)
    scales = compile_and_run(cc, tmp_path, name, lib.model)
    inputs, outputs = interface(lib.model)
    assert [np.float32(s) for s in scales] == [np.float32(p.scale) for p in inputs + outputs]


def test_a_wrong_expectation_fails_to_compile(libraries, cc, tmp_path):
    """The array-size static asserts do bite (guards the check above against vacuity)."""
    lib = libraries["qdq_conv_per_channel"]
    for f in (lib.c_file, lib.h_file):
        shutil.copy(f, tmp_path)
    (tmp_path / "wrong.c").write_text(
        '#include "qdq_conv_per_channel.h"\n'
        "typedef char check[(QDQ_CONV_PER_CHANNEL_INPUT_SIZE == 1) ? 1 : -1];\n"
    )
    compiled = subprocess.run(
        [cc, *CFLAGS, "-c", "wrong.c"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert compiled.returncode != 0


# --------------------------------------------------------------------------------------
# Names and paths
# --------------------------------------------------------------------------------------


def test_c_file_output_writes_the_pair(tinymlir_opt, tmp_path, cc):
    result = tinymlir_opt("--pipeline=mcu", INPUTS / "qdq_gemm.onnx", "-o", tmp_path / "x.c")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.c", "x.h"]
    source, header = (tmp_path / "x.c").read_text(), (tmp_path / "x.h").read_text()
    assert '#include "x.h"' in source
    # The files are named x; the function and the macros keep the model's name.
    assert re.search(r"^int qdq_gemm_run\(", header, re.MULTILINE)
    assert re.search(r"^int qdq_gemm_run\(", source, re.MULTILINE)
    assert "QDQ_GEMM_INPUT_SIZE" in macros(header)
    compiled = subprocess.run(
        [cc, *CFLAGS, "-c", "x.c"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert compiled.returncode == 0, compiled.stderr


def test_stem_starting_with_a_digit_gets_a_c_identifier(tinymlir_opt, tmp_path, cc):
    model = tmp_path / "3conv.onnx"
    shutil.copy(INPUTS / "qdq_conv_per_tensor.onnx", model)
    out = tmp_path / "out"
    result = tinymlir_opt("--pipeline=mcu", model, "-o", f"{out}/")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["m_3conv.c", "m_3conv.h"]
    header, source = (out / "m_3conv.h").read_text(), (out / "m_3conv.c").read_text()
    assert re.search(
        r"^int m_3conv_run\(const int8_t \*input, int8_t \*output\);$", header, re.MULTILINE
    )
    assert "M_3CONV_INPUT_SIZE" in macros(header)
    assert re.search(r"^static int8_t m_3conv_arena\[\d+\]", source, re.MULTILINE)
    compile_and_run(cc, out, "m_3conv", onnx.load(str(model)))


def test_model_name_overrides_the_stem(tinymlir_opt, tmp_path, cc):
    result = tinymlir_opt(
        "--pipeline=mcu",
        INPUTS / "qdq_conv_per_tensor.onnx",
        "--model-name",
        "detector",
        "-o",
        f"{tmp_path}/",
    )
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["detector.c", "detector.h"]
    header, source = (tmp_path / "detector.h").read_text(), (tmp_path / "detector.c").read_text()
    assert "int detector_run(const int8_t *input, int8_t *output);" in header
    assert {"DETECTOR_INPUT_SIZE", "DETECTOR_ARENA_SIZE", "DETECTOR_OUTPUT_ZERO_POINT"} <= set(
        macros(header)
    )
    assert "qdq_conv_per_tensor" not in source.replace("from qdq_conv_per_tensor.onnx", "")
    assert re.search(r"^static int8_t detector_arena\[\d+\]", source, re.MULTILINE)
    compile_and_run(cc, tmp_path, "detector", onnx.load(str(INPUTS / "qdq_conv_per_tensor.onnx")))


@pytest.mark.parametrize("target", ["dir", "c_file", "header_is_a_directory"])
def test_unwritable_output_is_one_error_line(tinymlir_opt, tmp_path, target):
    blocker = tmp_path / "not_a_directory"
    blocker.write_text("")
    if target == "dir":
        out, expected = f"{blocker}/lib/", "cannot create"
    elif target == "c_file":
        out, expected = f"{blocker}/model.c", "cannot create"
    else:  # the folder exists, but <name>.h cannot be written
        (tmp_path / "lib" / "qdq_gemm.h").mkdir(parents=True)
        out, expected = f"{tmp_path / 'lib'}/", "cannot write the library"
    result = tinymlir_opt("--pipeline=mcu", INPUTS / "qdq_gemm.onnx", "-o", out)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"tinymlir-opt: error: {expected}"), lines[0]
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "lib" / "qdq_gemm.c").exists()
