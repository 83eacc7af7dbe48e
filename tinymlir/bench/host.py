"""Host fallback: an x86 instruction count (callgrind Ir) of a generated library.

The library and ``bench/harness/main_host.c`` are built with the host's ``cc -O2
-fno-tree-vectorize`` (no auto-vectorisation, so the code is closer to what an MCU runs) and
run under ``valgrind --tool=callgrind --toggle-collect=<name>_run``: the instructions
executed inside ``<name>_run`` and its callees, identical from run to run. Use it to compare
versions of the same code where no ARM toolchain is installed; never compare it with the
Cortex-M instruction counts of :mod:`tinymlir.bench.cortex_m`.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Sequence
from pathlib import Path

from tinymlir.bench import (
    BenchError,
    harness_dir,
    include_flags,
    parse_program_output,
    prepare_workdir,
    require_tools,
    run_tool,
)

HOST_CFLAGS = ("-std=c99", "-O2", "-fno-tree-vectorize")
HOST_TOOLS = {"cc": "gcc", "valgrind": "valgrind"}


def measure_callgrind(
    c_files: Sequence[Path],
    header: Path,
    name: str,
    input_bytes: bytes,
    workdir: Path | None = None,
    *,
    extra_cflags: Sequence[str] = (),
    timeout: float = 600.0,
) -> dict:
    """Builds ``c_files`` with the host harness, runs ``<name>_run`` once on ``input_bytes``
    under callgrind and returns ``{"ir": instructions executed in <name>_run, "output":
    the output bytes}``. ``workdir`` keeps the build and logs (None: a temporary one)."""
    if workdir is None:
        with tempfile.TemporaryDirectory(prefix="tinymlir-bench-") as tmp:
            return measure_callgrind(
                c_files, header, name, input_bytes, Path(tmp),
                extra_cflags=extra_cflags, timeout=timeout,
            )  # fmt: skip
    tools = require_tools(HOST_TOOLS, "host measurement")
    c_files, header, workdir = prepare_workdir(c_files, header, name, input_bytes, workdir)

    exe = workdir / "bench_host"
    run_tool(
        [
            tools["cc"], *HOST_CFLAGS, *extra_cflags, f"-I{workdir.resolve()}",
            *include_flags(header, c_files), *c_files, harness_dir() / "main_host.c", "-o", exe,
        ],
        "cc (host build)",
        workdir / "host-build.log",
    )  # fmt: skip
    what = f"callgrind running {name}"
    log = workdir / "callgrind.log"
    proc = run_tool(
        [
            tools["valgrind"], "--tool=callgrind", f"--toggle-collect={name}_run",
            f"--callgrind-out-file={workdir / 'callgrind.out'}", exe.resolve(),
        ],
        what,
        log,
        cwd=workdir,
        timeout=timeout,
        check=False,
    )  # fmt: skip
    program = parse_program_output(proc, what, name, log)
    collected = re.search(r"Collected\s*:\s*(\d+)", proc.stderr)
    if not collected:
        raise BenchError(f"{what}: no 'Collected' count in valgrind's output")
    ir = int(collected.group(1))
    if ir == 0:
        raise BenchError(f"{what}: nothing collected: is {name}_run defined (and not inlined)?")
    return {"ir": ir, "output": program["output"]}
