"""Deterministic measurement of generated C libraries.

A generated library is ``<name>.c`` + ``<name>.h`` with ``int <name>_run(const int8_t *input,
int8_t *output)`` and the macros ``<NAME>_INPUT_SIZE`` / ``<NAME>_OUTPUT_SIZE``. The harness in
``bench/harness/`` (C sources, linker script, QEMU plugin; see its README.md) wraps it in a
small benchmark program with one input row compiled in, runs ``<name>_run`` once and reads
back the output bytes. Two back ends:

* :func:`tinymlir.bench.cortex_m.measure_cortex_m`: bare-metal Cortex-M4 build
  (``arm-none-eabi-gcc``), run on QEMU's ``mps2-an386`` with an instruction-counting TCG
  plugin: executed instructions per inference (exact, identical on every run), the
  library's section sizes and the stack high-water mark of the call.
* :func:`tinymlir.bench.host.measure_callgrind`: host build under valgrind/callgrind, an x86
  instruction count (Ir) to compare versions of the same code when there is no ARM toolchain.
  Never compare it with the ARM counts.

This module holds what both share: errors, tool lookup, running a tool, the generated
headers and the parsing of the program's output. Every failure the user can cause (missing
tool, compile error, wrong input size, crash, non-zero status) is a :class:`BenchError` with
a one-line message; tool logs are kept in the work directory.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from tinymlir.errors import TinymlirError

INSTALL_HINT = "install them with bench/harness/install-toolchain.sh"


class BenchError(TinymlirError):
    """A measurement could not be made (build error, crash, wrong input, ...)."""


class ToolchainError(BenchError):
    """A tool the harness needs is not installed."""


# --------------------------------------------------------------------------------------
# Locations and tools
# --------------------------------------------------------------------------------------


def harness_dir() -> Path:
    """The harness sources: ``$TINYMLIR_BENCH_HARNESS`` or ``<checkout>/bench/harness``."""
    override = os.environ.get("TINYMLIR_BENCH_HARNESS")
    path = Path(override) if override else Path(__file__).resolve().parents[2] / "bench" / "harness"
    if not (path / "main_cortex_m.c").is_file():
        raise BenchError(
            f"benchmark harness not found in {path} (expected bench/harness/ of a tinymlir "
            "checkout; set TINYMLIR_BENCH_HARNESS to its location)"
        )
    return path


def require_tools(tools: Mapping[str, str], purpose: str) -> dict[str, str]:
    """``{tool: debian_package}`` -> ``{tool: path}``; one ToolchainError naming every
    missing tool and its package."""
    found = {tool: shutil.which(tool) for tool in tools}
    missing = [tool for tool, path in found.items() if path is None]
    if missing:
        packages = " ".join(dict.fromkeys(tools[tool] for tool in missing))
        raise ToolchainError(
            f"{purpose} needs {', '.join(missing)}, not found on PATH; {INSTALL_HINT} "
            f"(Debian packages: {packages})"
        )
    return {tool: path for tool, path in found.items() if path is not None}


def run_tool(
    command: Sequence[str | Path],
    what: str,
    log: Path,
    *,
    cwd: Path | None = None,
    timeout: float = 600.0,
    check: bool = True,
) -> subprocess.CompletedProcess:
    """Runs ``command``, writes its command line and output to ``log`` and returns the
    CompletedProcess (text). With ``check``, a non-zero exit is a BenchError quoting the
    first line of diagnostics that names an error (or the first line at all)."""
    argv = [str(part) for part in command]
    log.write_text(f"$ {' '.join(argv)}\n")
    try:
        proc = subprocess.run(
            argv, capture_output=True, text=True, errors="replace", cwd=cwd, timeout=timeout
        )
    except subprocess.TimeoutExpired as exc:
        raise BenchError(f"{what}: no result after {timeout:g} s, stopped (log: {log})") from exc
    except OSError as exc:
        raise ToolchainError(f"{what}: cannot run {argv[0]}: {exc.strerror}") from exc
    with log.open("a") as f:
        f.write(proc.stdout + proc.stderr)
    if check and proc.returncode != 0:
        raise BenchError(
            f"{what} failed (exit {proc.returncode}): {_first_error(proc)} (log: {log})"
        )
    return proc


def _first_error(proc: subprocess.CompletedProcess) -> str:
    lines = [line.strip() for line in (proc.stderr + proc.stdout).splitlines() if line.strip()]
    for line in lines:
        if re.search(r"\berror\b|undefined reference|cannot|fault", line, re.IGNORECASE):
            return line
    return lines[0] if lines else "no output"


# --------------------------------------------------------------------------------------
# The benchmark program's generated headers
# --------------------------------------------------------------------------------------

_C_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def write_bench_headers(workdir: Path, header: Path, name: str, input_bytes: bytes) -> None:
    """Writes ``bench_model.h`` (includes ``header``, binds BENCH_RUN / BENCH_INPUT_SIZE /
    BENCH_OUTPUT_SIZE to ``<name>_run`` and its macros) and ``bench_input.h`` (the input
    row as ``static const int8_t bench_input[]``) into ``workdir``."""
    if not _C_IDENTIFIER.fullmatch(name):
        raise BenchError(f"library name {name!r} is not a C identifier")
    if not header.is_file():
        raise BenchError(f"library header {header} not found")
    if not input_bytes:
        raise BenchError("the input row is empty")
    declared = declared_size(header, f"{name.upper()}_INPUT_SIZE")
    if declared is not None and declared != len(input_bytes):
        raise BenchError(
            f"input row has {len(input_bytes)} bytes but {header.name} declares "
            f"{name.upper()}_INPUT_SIZE {declared}"
        )
    upper = name.upper()
    (workdir / "bench_model.h").write_text(
        "/* generated by tinymlir.bench: binds the benchmark program to one library */\n"
        f'#include "{header.name}"\n'
        f"#define BENCH_RUN {name}_run\n"
        f"#define BENCH_INPUT_SIZE ({upper}_INPUT_SIZE)\n"
        f"#define BENCH_OUTPUT_SIZE ({upper}_OUTPUT_SIZE)\n"
    )
    values = [str(b - 256 if b > 127 else b) for b in input_bytes]
    rows = (",".join(values[i : i + 24]) for i in range(0, len(values), 24))
    (workdir / "bench_input.h").write_text(
        "/* generated by tinymlir.bench: one input row */\n"
        "#include <stdint.h>\n"
        f"static const int8_t bench_input[{len(input_bytes)}] __attribute__((aligned(8))) = {{\n"
        + ",\n".join(rows)
        + "\n};\n"
    )


def prepare_workdir(
    c_files: Iterable[Path], header: Path, name: str, input_bytes: bytes, workdir: Path
) -> tuple[list[Path], Path, Path]:
    """Checks the library sources, creates `workdir` and writes the harness headers there."""
    c_files = [Path(c) for c in c_files]
    header = Path(header)
    if not c_files:
        raise BenchError("no C files to measure")
    for c in c_files:
        if not c.is_file():
            raise BenchError(f"library source {c} not found")
    workdir = Path(workdir).resolve()  # tools run inside it with output paths relative to us
    workdir.mkdir(parents=True, exist_ok=True)
    write_bench_headers(workdir, header, name, input_bytes)
    return c_files, header, workdir


def declared_size(header: Path, macro: str) -> int | None:
    """The value of ``#define <macro> <integer>`` in ``header``, None when it is not a
    plain integer literal (the compiler then checks it)."""
    pattern = (
        rf"^\s*#\s*define\s+{re.escape(macro)}\s+\(?\s*(\d+)[uU]?[lL]{{0,2}}\s*\)?\s*(?:/[*/].*)?$"
    )
    match = re.search(pattern, header.read_text(errors="replace"), re.MULTILINE)
    return int(match.group(1)) if match else None


def input_bytes_from_npz(path: Path, row: int = 0, key: str = "inputs") -> bytes:
    """One input row of an ``.io.npz`` (``inputs`` is ``[rows, 1, ...]`` int8) as bytes, in
    the array's C order (NHWC for images, as the generated library expects)."""
    import numpy as np

    with np.load(path) as data:
        if key not in data.files:
            raise BenchError(f"{path} has no array {key!r} (has {', '.join(data.files)})")
        rows = data[key]
    if not 0 <= row < len(rows):
        raise BenchError(f"{path}: row {row} out of range ({len(rows)} rows)")
    if rows.dtype not in (np.int8, np.uint8):
        raise BenchError(f"{path}: {key!r} is {rows.dtype}, expected int8")
    return np.ascontiguousarray(rows[row]).tobytes()


# --------------------------------------------------------------------------------------
# The benchmark program's output
# --------------------------------------------------------------------------------------


def fnv1a32(data: bytes) -> int:
    """FNV-1a, 32 bit: the checksum the benchmark program prints."""
    value = 2166136261
    for byte in data:
        value = ((value ^ byte) * 16777619) & 0xFFFFFFFF
    return value


def parse_program_output(
    proc: subprocess.CompletedProcess, what: str, name: str, log: Path
) -> dict:
    """The ``key=value`` lines that main_cortex_m.c / main_host.c print -> ``{"output":
    bytes, "stack": int | None}``. Checks that the program finished, that ``<name>_run``
    returned 0 and that the output bytes match the printed checksum."""
    lines = (proc.stdout + proc.stderr).splitlines()
    status = next((line[7:] for line in lines if line.startswith("status=")), None)
    if status is not None and status != "0":
        raise BenchError(f"{name}_run returned {status} (log: {log})")
    if proc.returncode != 0 and "done" in lines:
        raise BenchError(
            f"{what} failed (exit {proc.returncode}): {_first_error(proc)} (log: {log})"
        )
    if "fault" in lines:
        raise BenchError(f"{what}: the program crashed (CPU fault) (log: {log})")
    if "done" not in lines:
        raise BenchError(
            f"{what}: the program did not finish (exit {proc.returncode}): {_first_error(proc)}"
            f" (log: {log})"
        )
    fields: dict[str, str] = {}
    out = bytearray()
    for line in lines:
        key, sep, value = line.partition("=")
        if not sep:
            continue
        if key == "out":
            out += bytes.fromhex(value)
        else:
            fields[key] = value
    try:
        checksum = int(fields["checksum"], 16)
        stack = int(fields["stack"]) if "stack" in fields else None
    except (KeyError, ValueError) as exc:
        raise BenchError(f"{what}: malformed program output ({exc}) (log: {log})") from exc
    if fnv1a32(bytes(out)) != checksum:
        raise BenchError(f"{what}: output bytes do not match the program's checksum (log: {log})")
    return {"output": bytes(out), "stack": stack}


def include_flags(header: Path, c_files: Iterable[Path]) -> list[str]:
    """``-I`` for the header's directory and every source's directory, deduplicated."""
    dirs = dict.fromkeys([header.resolve().parent, *(c.resolve().parent for c in c_files)])
    return [f"-I{d}" for d in dirs]


from tinymlir.bench.cortex_m import library_flash_bytes, measure_cortex_m  # noqa: E402
from tinymlir.bench.host import measure_callgrind  # noqa: E402

__all__ = [
    "BenchError",
    "ToolchainError",
    "fnv1a32",
    "harness_dir",
    "input_bytes_from_npz",
    "library_flash_bytes",
    "measure_callgrind",
    "measure_cortex_m",
]
