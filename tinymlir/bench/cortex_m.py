"""Executed instructions, sizes and stack of a generated library on an emulated Cortex-M4.

The library is compiled for bare metal with ``arm-none-eabi-gcc`` and linked with the
harness (``bench/harness/``: startup.c, link.ld, main_cortex_m.c) and newlib's libc (for
``memcpy``/``memset``). QEMU's ``mps2-an386`` board runs it with the ``insncount.c`` TCG
plugin, which counts the instructions executed between the ``bench_start`` and ``bench_stop``
markers around the one ``<name>_run`` call: an exact count, identical on every run and
unaffected by machine load. It is not a cycle count (QEMU models no pipeline or memory
timing); use it to compare code, and state it as instructions.

Not used on purpose: ``-ffreestanding`` / ``-fno-builtin``. They make GCC call ``memcpy`` for
every small fixed-size copy (``memcpy(&word, p, 4)`` becomes a call instead of one load),
which inflates counts 2-5x on kernels that read that way; firmware builds do not use them.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from tinymlir.bench import (
    INSTALL_HINT,
    BenchError,
    ToolchainError,
    harness_dir,
    include_flags,
    parse_program_output,
    prepare_workdir,
    require_tools,
    run_tool,
)
from tinymlir.build import STRICT_CFLAGS
from tinymlir.target import load_target

#: Code generation for the measured part (library and benchmark program alike): the
#: cortex-m4 target description's C flags (tinymlir/targets/cortex-m4.toml).
TARGET_FLAGS = load_target("cortex-m4").c.flags
CFLAGS = ("-std=c99", *TARGET_FLAGS, "-ffunction-sections", "-fdata-sections")
QEMU_MACHINE = "mps2-an386"

#: tool -> Debian package
CROSS_TOOLS = {
    "arm-none-eabi-gcc": "gcc-arm-none-eabi",
    "arm-none-eabi-size": "binutils-arm-none-eabi",
    "arm-none-eabi-nm": "binutils-arm-none-eabi",
    "qemu-system-arm": "qemu-system-arm",
    "cc": "gcc",  # builds the QEMU plugin
}

SECTION_KINDS = ("text", "rodata", "data", "bss")


@dataclass(frozen=True)
class CortexMBuild:
    """A linked benchmark program and the library's own object files."""

    elf: Path
    library_objects: tuple[Path, ...]
    workdir: Path


def measure_cortex_m(
    c_files: Sequence[Path],
    header: Path,
    name: str,
    input_bytes: bytes,
    opt: str = "-Os",
    workdir: Path | None = None,
    *,
    extra_cflags: Sequence[str] = (),
    timeout: float = 600.0,
) -> dict:
    """Builds ``c_files`` (the library) with the harness, runs ``<name>_run`` once on
    ``input_bytes`` under QEMU and returns::

        {"instructions": executed between the markers (the inference),
         "instructions_total": the whole program (startup, printing),
         "output": the output bytes,
         "sizes": {"text", "rodata", "data", "bss"}: the library's object files only,
         "flash_bytes": text + rodata + data, "ram_bytes": data + bss (static),
         "stack_high_water": bytes of stack used by the <name>_run call}

    ``workdir`` keeps the build (objects, ELF, logs, the cached plugin); None uses a
    temporary directory; measurements running at the same time need separate workdirs.
    ``extra_cflags`` go to every compile (e.g. ``-DNDEBUG``).
    """
    if workdir is None:
        with tempfile.TemporaryDirectory(prefix="tinymlir-bench-") as tmp:
            return measure_cortex_m(
                c_files, header, name, input_bytes, opt, Path(tmp),
                extra_cflags=extra_cflags, timeout=timeout,
            )  # fmt: skip
    build = build_cortex_m(
        c_files, header, name, input_bytes, opt=opt, workdir=workdir, extra_cflags=extra_cflags
    )
    run = run_qemu(build.elf, workdir, name=name, timeout=timeout)
    sizes = object_sizes(build.library_objects)
    return {
        "instructions": run["instructions"],
        "instructions_total": run["instructions_total"],
        "output": run["output"],
        "sizes": sizes,
        "flash_bytes": sizes["text"] + sizes["rodata"] + sizes["data"],
        "ram_bytes": sizes["data"] + sizes["bss"],
        "stack_high_water": run["stack_high_water"],
    }


def build_cortex_m(
    c_files: Sequence[Path],
    header: Path,
    name: str,
    input_bytes: bytes,
    *,
    opt: str = "-Os",
    workdir: Path,
    extra_cflags: Sequence[str] = (),
) -> CortexMBuild:
    """Compiles the library and the harness into ``workdir/bench.elf``."""
    tools = require_cross_toolchain()
    gcc = tools["arm-none-eabi-gcc"]
    harness = harness_dir()
    c_files, header, workdir = prepare_workdir(c_files, header, name, input_bytes, workdir)

    cflags = [*CFLAGS, opt, *extra_cflags]
    includes = [f"-I{workdir.resolve()}", f"-I{harness}", *include_flags(header, c_files)]
    library_objects = []
    for i, c in enumerate(c_files):
        obj = workdir / f"lib{i}_{c.stem}.o"
        run_tool(
            [gcc, *cflags, *includes, "-c", c, "-o", obj],
            f"arm-none-eabi-gcc on {c.name}",
            workdir / f"compile-lib{i}_{c.stem}.log",
        )
        library_objects.append(obj)
    harness_objects = []
    for src in ("startup.c", "main_cortex_m.c"):
        obj = workdir / f"harness_{Path(src).stem}.o"
        run_tool(
            [gcc, *cflags, *includes, "-c", harness / src, "-o", obj],
            f"arm-none-eabi-gcc on the harness's {src}",
            workdir / f"compile-harness_{Path(src).stem}.log",
        )
        harness_objects.append(obj)

    elf = workdir / "bench.elf"
    run_tool(
        [
            gcc, *cflags, "-nostdlib", "-T", harness / "link.ld", "-Wl,--gc-sections",
            f"-Wl,-Map={workdir / 'bench.map'}", *harness_objects, *library_objects,
            "-Wl,--start-group", "-lc", "-lgcc", "-Wl,--end-group", "-o", elf,
        ],
        "linking the Cortex-M benchmark",
        workdir / "link.log",
    )  # fmt: skip
    return CortexMBuild(elf=elf, library_objects=tuple(library_objects), workdir=workdir)


def run_qemu(
    elf: Path,
    workdir: Path,
    *,
    name: str = "the library",
    per_insn: bool = False,
    profile: bool = False,
    timeout: float = 600.0,
) -> dict:
    """Runs a benchmark ELF on QEMU with the counting plugin. ``per_insn`` counts each
    instruction separately instead of whole translation blocks (slower; the same result,
    checked by the tests). Returns instructions, instructions_total, output and
    stack_high_water; with ``profile`` also ``segments``, the counts between calls of the
    ``bench_layer`` marker (tinymlir.bench.profile)."""
    tools = require_cross_toolchain()
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    symbols = _symbols(tools["arm-none-eabi-nm"], elf, workdir)
    markers = []
    for marker in ("bench_start", "bench_stop"):
        if marker not in symbols:
            raise BenchError(f"{elf.name} has no {marker} marker (not built by the harness?)")
        markers.append(symbols[marker])
    if markers[0] == markers[1]:
        raise BenchError("bench_start and bench_stop were merged into one address by the linker")

    plugin = build_plugin(workdir)
    log = workdir / "qemu-plugin.log"
    log.unlink(missing_ok=True)
    plugin_args = f"{plugin},start={markers[0]:#x},stop={markers[1]:#x}"
    if profile:
        if "bench_layer" not in symbols:
            raise BenchError(f"{elf.name} has no bench_layer marker (not built by the harness?)")
        plugin_args += f",layer={symbols['bench_layer']:#x},mode=profile"
    elif per_insn:
        plugin_args += ",mode=insn"
    command = [
        tools["qemu-system-arm"], "-M", QEMU_MACHINE, "-nographic", "-monitor", "none",
        "-serial", "none", "-semihosting-config", "enable=on,target=native",
        "-kernel", elf, "-d", "plugin", "-D", log, "-plugin", plugin_args,
    ]  # fmt: skip
    what = f"QEMU ({QEMU_MACHINE}) running {name}"
    qemu_log = workdir / "qemu.log"
    proc = run_tool(command, what, qemu_log, timeout=timeout, check=False)
    program = parse_program_output(proc, what, name, qemu_log)
    log_text = log.read_text() if log.exists() else ""
    counts = dict(re.findall(r"^(\w+)=(\S+)$", log_text, re.M))
    if counts.get("marker_hits") != "1,1":
        raise BenchError(
            f"{what}: expected each marker once, plugin saw {counts.get('marker_hits', 'none')}"
            f" (log: {log})"
        )
    if program["stack"] == 0xFFFFFFFF:
        raise BenchError(f"{name}_run overflowed the benchmark stack (STACK_SIZE in link.ld)")
    result = {
        "instructions": int(counts["insns_region"]),
        "instructions_total": int(counts["insns_total"]),
        "output": program["output"],
        "stack_high_water": program["stack"],
    }
    if profile:
        from tinymlir.bench.profile import parse_profile

        result["segments"] = parse_profile(log_text)
    return result


def build_plugin(workdir: Path) -> Path:
    """The instruction-counting plugin, built once per source version into ``workdir``."""
    source = harness_dir() / "insncount.c"
    Path(workdir).mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:12]
    plugin = Path(workdir) / f"insncount-{digest}.so"
    if not plugin.exists():
        cc = require_tools({"cc": "gcc"}, "building the QEMU plugin")["cc"]
        partial = plugin.with_suffix(f".{os.getpid()}.tmp")
        run_tool(
            [cc, "-shared", "-fPIC", "-O2", "-o", partial, source],
            "building the QEMU plugin insncount.c",
            Path(workdir) / "plugin-build.log",
        )
        os.replace(partial, plugin)  # atomic: concurrent builds never see half a file
    return plugin


def object_sizes(objects: Path | Iterable[Path]) -> dict[str, int]:
    """``{"text", "rodata", "data", "bss"}`` summed over the object files' sections
    (``arm-none-eabi-size -A``; ``-ffunction-sections`` splits them into ``.text.<fn>``
    etc.). Counts what the objects contain, before the linker drops unused sections."""
    size = require_tools(
        {"arm-none-eabi-size": "binutils-arm-none-eabi"}, "measuring Cortex-M object sizes"
    )["arm-none-eabi-size"]
    objects = [Path(objects)] if isinstance(objects, (str, Path)) else [Path(o) for o in objects]
    totals = dict.fromkeys(SECTION_KINDS, 0)
    for obj in objects:
        proc = run_tool(
            [size, "-A", obj], f"arm-none-eabi-size on {obj.name}", obj.with_suffix(".size.log")
        )
        for line in proc.stdout.splitlines():
            fields = line.split()
            if len(fields) != 3 or not fields[0].startswith(".") or not fields[1].isdigit():
                continue
            kind = _section_kind(fields[0])
            if kind:
                totals[kind] += int(fields[1])
    return totals


def library_flash_bytes(objects: Path | Iterable[Path]) -> int:
    """Flash taken by the library's object file(s): .text + .rodata + .data (the initial
    values of .data live in flash too)."""
    sizes = object_sizes(objects)
    return sizes["text"] + sizes["rodata"] + sizes["data"]


def _section_kind(section: str) -> str | None:
    for kind in SECTION_KINDS:
        if section == f".{kind}" or section.startswith(f".{kind}."):
            return kind
    if section.startswith(".ARM.exidx"):  # unwind tables: read-only, in flash
        return "rodata"
    return None


def require_cross_toolchain() -> dict[str, str]:
    """The Cortex-M tools, or a one-line ToolchainError naming what to install."""
    tools = require_tools(CROSS_TOOLS, "Cortex-M measurement")
    if not _has_newlib(tools["arm-none-eabi-gcc"]):
        raise ToolchainError(
            "Cortex-M measurement needs newlib's libc for arm-none-eabi, not installed; "
            f"{INSTALL_HINT} (Debian package: libnewlib-arm-none-eabi)"
        )
    return tools


@functools.cache
def _has_newlib(gcc: str) -> bool:
    """Whether ``gcc`` finds a libc.a for the target (it echoes the bare name if not)."""
    probe = subprocess.run(
        [gcc, *TARGET_FLAGS, "-print-file-name=libc.a"], capture_output=True, text=True
    )
    return probe.returncode == 0 and os.path.isabs(probe.stdout.strip())


def _symbols(nm: str, elf: Path, workdir: Path) -> dict[str, int]:
    proc = run_tool([nm, elf], f"arm-none-eabi-nm on {elf.name}", workdir / "nm.log")
    symbols = {}
    for line in proc.stdout.splitlines():
        fields = line.split()
        if len(fields) == 3:
            symbols[fields[2]] = int(fields[0], 16)
    return symbols


def library_object_sizes(
    c_file: Path, workdir: Path, opt: str = "-Os", *, include_dir: Path | None = None,
    target_flags: Sequence[str] = TARGET_FLAGS,
) -> dict[str, int]:
    """Builds one generated C file for a Cortex-M4 (the strict C99 flags, `opt`, the
    target's code generation flags) and returns its section sizes plus `flash` (.text +
    .rodata + .data) and `ram` (.data + .bss). `include_dir`: where its `#include
    "<name>.h"` is, when not beside it."""
    gcc = require_tools({"arm-none-eabi-gcc": "gcc-arm-none-eabi"}, "Cortex-M4 object sizes")[
        "arm-none-eabi-gcc"
    ]
    obj = workdir / (c_file.stem + ".cm4.o")
    flags = [*STRICT_CFLAGS, opt, *target_flags]
    if include_dir is not None:
        flags.append(f"-I{include_dir}")
    run_tool([gcc, *flags, "-ffunction-sections", "-fdata-sections", "-c", c_file, "-o", obj],
             f"arm-none-eabi-gcc on {c_file.name}", obj.with_suffix(".log"))
    sizes = object_sizes(obj)
    sizes["flash"] = sizes["text"] + sizes["rodata"] + sizes["data"]
    sizes["ram"] = sizes["data"] + sizes["bss"]
    return sizes


def library_flash_sizes(
    library, c_file: Path, workdir: Path, opt: str = "-Os", *,
    target_flags: Sequence[str] = TARGET_FLAGS,
) -> dict[str, int]:
    """The sizes `library_object_sizes(c_file)` gives, from compiling only the library's code
    unit (its large constant arrays `extern`) and adding those arrays' bytes, counted in the
    IR (tinymlir.backend.c_library explains why this is exact). Falls back to compiling
    `c_file` for a library described without a code unit."""
    if library.code_unit is None:
        return library_object_sizes(c_file, workdir, opt, target_flags=target_flags)
    code = workdir / f"{c_file.stem}.code.c"
    code.write_text(library.code_unit)
    sizes = library_object_sizes(
        code, workdir, opt, include_dir=c_file.parent.resolve(), target_flags=target_flags
    )
    for kind, count in library.extern_bytes.items():
        sizes[kind] += count
    sizes["flash"] = sizes["text"] + sizes["rodata"] + sizes["data"]
    sizes["ram"] = sizes["data"] + sizes["bss"]
    return sizes
