"""Building generated C on the host: the strict C flags, the harness sources and the host build.

Every generated library must compile warning-free as strict C99 with `STRICT_CFLAGS`; the
tools and tests build with these (plus their optimisation and instrumentation flags) and
never spell them again. The harness C sources ship in `tinymlir/harness/` and are read with
importlib.resources; their `@FIELD@` markers are filled per library (`fill_template`).
"""

from __future__ import annotations

import shutil
import subprocess
from importlib import resources
from pathlib import Path

import numpy as np

from tinymlir.errors import TinymlirError
from tinymlir.layers import DUMP_HOOK_DECLARATION, DUMP_HOOK_FLAGS

#: What every generated library must compile with, warning-free.
STRICT_CFLAGS = ("-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic")
#: The host build of tinymlir-run's harness (and of the tools that reuse it).
HOST_CFLAGS = (*STRICT_CFLAGS, "-O2")
#: C element type of a port's storage.
C_TYPES = {"int8": "int8_t", "uint8": "uint8_t"}


def harness_source(file_name: str) -> str:
    """The text of a harness C source shipped in tinymlir/harness/."""
    return resources.files("tinymlir").joinpath("harness", file_name).read_text()


def fill_template(text: str, **fields: str | int) -> str:
    """`text` with every `@FIELD@` replaced by `fields[field]` (keys in lower case)."""
    for key, value in fields.items():
        text = text.replace(f"@{key.upper()}@", str(value))
    return text


def host_harness(library) -> str:
    """The C of tinymlir-run's harness for `library` (its buffers, record reads and writes)."""
    buffers, reads, writes, args = [], [], [], []
    for role, ports in (("in", library.inputs), ("out", library.outputs)):
        for i, port in enumerate(ports):
            buffers.append(f"static {C_TYPES[port.storage]} {role}{i}[{port.size}];")
            args.append(f"{role}{i}")
            if role == "in":
                reads.append(f"        if (fread(in{i}, 1, sizeof in{i}, in) != sizeof in{i}) break;")
            else:
                writes.append(f"        fwrite(out{i}, 1, sizeof out{i}, out);")
    return fill_template(
        harness_source("run.c"), name=library.name, buffers="\n".join(buffers),
        reads="\n".join(reads), writes="\n".join(writes), args=", ".join(args),
    )


def build_host(c_file: Path, library, workdir: Path, per_layer: bool = False) -> Path:
    """Builds `c_file` with the host harness (`cc` and HOST_CFLAGS) into `workdir`; with
    `per_layer` the library's layer hook dumps every layer (tinymlir.layers). Returns the
    executable: `harness INPUTS OUTPUTS [LAYERS]`."""
    if shutil.which("cc") is None:
        raise TinymlirError("no host C compiler ('cc') on PATH")
    harness = workdir / "harness.c"
    harness.write_text(host_harness(library))
    exe = workdir / ("harness_layers" if per_layer else "harness")
    flags = list(HOST_CFLAGS)
    if per_layer:
        (workdir / "hook.h").write_text(DUMP_HOOK_DECLARATION)
        flags += [*DUMP_HOOK_FLAGS, "-include", str(workdir / "hook.h")]
    result = subprocess.run(
        ["cc", *flags, f"-I{workdir}", str(c_file), str(harness), "-o", str(exe)],
        capture_output=True, text=True,
    )
    if result.returncode != 0:
        first = (result.stderr.strip().splitlines() or ["?"])[0]
        raise TinymlirError(f"the generated library does not compile: {first}")
    return exe


def run_host(
    exe: Path, rows, workdir: Path, library, layer_file: Path | None = None,
    timeout: float | None = None,
):
    """Runs the host harness on `rows` (per inference, one array per input port) and returns
    per inference one array per output port (flat, its storage's dtype). With `layer_file`
    the harness (built per_layer) writes the layer dump there."""
    in_file, out_file = workdir / "in.bin", workdir / "out.bin"
    in_file.write_bytes(b"".join(np.ascontiguousarray(x).tobytes() for row in rows for x in row))
    command = [str(exe), str(in_file), str(out_file)] + ([str(layer_file)] if layer_file else [])
    try:
        run = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise TinymlirError(f"the compiled model ran for more than {timeout} s") from None
    if run.returncode != 0:
        raise TinymlirError(f"the compiled model failed: {run.stderr.strip() or run.returncode}")
    return read_outputs(out_file, library, len(rows))


def read_outputs(path: Path, library, count: int) -> list[list[np.ndarray]]:
    """`count` records of the harness's output file: per record one array per output port."""
    data, pos, results = path.read_bytes(), 0, []
    for _ in range(count):
        outs = []
        for port in library.outputs:
            dtype = np.uint8 if port.storage == "uint8" else np.int8
            if pos + port.size > len(data):
                raise TinymlirError(f"harness wrote {len(data)} output bytes, expected more")
            outs.append(np.frombuffer(data, dtype, port.size, pos).copy())
            pos += port.size
        results.append(outs)
    return results
