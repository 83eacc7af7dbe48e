"""The code size behind `tinymlir-opt`'s flash figure: compiled in the background, cached by
content.

The figure is the code unit's object sizes (its large arrays `extern`) plus those arrays'
bytes from the IR (tinymlir.backend.c_library). Compiling the code unit with the target's
compiler at -Os is the longest step after the passes, so the driver starts it as soon as the
unit is printed (`start_code_size_build`) and writes the library while it runs (the machine
has a second core; the compiler is its own process). `CodeSizeBuild.sizes()` waits for it.

Cache: the object's sizes are kept under `$TINYMLIR_CACHE_DIR` (default
`$XDG_CACHE_HOME/tinymlir`, else `~/.cache/tinymlir`), in `code-sizes/<key>.json`, where the
key is a SHA-256 of the code unit, its header, the compiler flags and the compiler (its
resolved path, size and modification time). A repeated compile of the same code (tests,
design-space sweeps that only change weights) then skips the compiler; the figure is the
same because the compiler's input and identity are. `TINYMLIR_NO_CACHE=1` disables it
(`tinymlir-bench --compile-time` measures cold runs that way). An unwritable cache only
costs the speed-up.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import struct
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tinymlir.bench import BenchError, ToolchainError, require_tools
from tinymlir.build import STRICT_CFLAGS

CACHE_DIR_ENV = "TINYMLIR_CACHE_DIR"
NO_CACHE_ENV = "TINYMLIR_NO_CACHE"
#: Bump when what a cache entry means changes.
CACHE_FORMAT = 1


def cache_dir() -> Path | None:
    """Where code sizes are cached; None when TINYMLIR_NO_CACHE is set."""
    if os.environ.get(NO_CACHE_ENV, "") not in ("", "0"):
        return None
    explicit = os.environ.get(CACHE_DIR_ENV)
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "tinymlir"


def _compiler_identity(path: str) -> list:
    resolved = os.path.realpath(path)
    st = os.stat(resolved)
    return [resolved, st.st_size, st.st_mtime_ns]


@dataclass
class CodeSizeBuild:
    """A code unit's object sizes: known (cached) or being compiled."""

    extern_bytes: dict[str, int]
    key: str
    cache: Path | None
    cached: dict[str, int] | None = None
    proc: subprocess.Popen | None = None
    workdir: Path | None = None
    what: str = ""
    _result: dict[str, int] | None = field(default=None, init=False)

    @property
    def from_cache(self) -> bool:
        return self.cached is not None

    def sizes(self) -> dict[str, int]:
        """{"text", "rodata", "data", "bss", "flash", "ram"} of the whole library (waits for
        the compiler if it still runs); a BenchError if it failed."""
        if self._result is not None:
            return self._result
        if self.cached is not None:
            code = self.cached
        else:
            code = self._finish()
            self._store(code)
        sizes = dict(code)
        for kind, count in self.extern_bytes.items():
            sizes[kind] += count
        sizes["flash"] = sizes["text"] + sizes["rodata"] + sizes["data"]
        sizes["ram"] = sizes["data"] + sizes["bss"]
        self._result = sizes
        return sizes

    def cancel(self) -> None:
        """Stops the compiler (the library is not written after all) and cleans up."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self._cleanup()

    def _finish(self) -> dict[str, int]:
        assert self.proc is not None and self.workdir is not None
        try:
            status = self.proc.wait()
            log = self.workdir / "compile.log"
            if status != 0:
                text = log.read_text(errors="replace")
                lines = [line.strip() for line in text.splitlines() if line.strip()]
                first = next((line for line in lines if "error" in line), lines[0] if lines else "no output")
                raise BenchError(f"{self.what} failed (exit {status}): {first}")
            return elf_section_sizes(self.workdir / "code.o")
        finally:
            self._cleanup()

    def _cleanup(self) -> None:
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None

    def _store(self, code: dict[str, int]) -> None:
        if self.cache is None:
            return
        entry = self.cache / "code-sizes" / f"{self.key}.json"
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            tmp = entry.with_name(f"{entry.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(code))
            os.replace(tmp, entry)  # atomic: concurrent compiles may share the cache
        except OSError:
            pass


def elf_section_sizes(obj: Path) -> dict[str, int]:
    """What tinymlir.bench.cortex_m.object_sizes gives for one ELF32 object (sections summed
    by kind, by name as `arm-none-eabi-size -A` lists them), read from the section headers
    here instead of by running the tool."""
    from tinymlir.bench.cortex_m import SECTION_KINDS, _section_kind

    data = obj.read_bytes()
    if data[:4] != b"\x7fELF" or data[4] != 1:
        raise BenchError(f"{obj.name} is not an ELF32 object")
    order = "<" if data[5] == 1 else ">"
    shoff, = struct.unpack_from(order + "I", data, 0x20)
    shentsize, shnum, shstrndx = struct.unpack_from(order + "HHH", data, 0x2E)
    headers = [struct.unpack_from(order + "IIIIIIIIII", data, shoff + i * shentsize) for i in range(shnum)]
    names_at = headers[shstrndx][4]
    totals = dict.fromkeys(SECTION_KINDS, 0)
    for name_offset, _, _, _, _, size, *_ in headers:
        end = data.index(b"\0", names_at + name_offset)
        kind = _section_kind(data[names_at + name_offset : end].decode())
        if kind:
            totals[kind] += size
    return totals


def start_code_size_build(
    library, header_text: str, header_name: str, *, opt: str = "-Os",
    target_flags: Sequence[str], compiler: str = "arm-none-eabi-gcc",
) -> CodeSizeBuild:
    """Starts compiling `library.code_unit` (which includes `header_name`, given as
    `header_text`) with `compiler`, the strict C99 flags, `opt` and `target_flags`, or finds
    its sizes in the cache. Flags as tinymlir.bench.cortex_m.library_object_sizes."""
    if library.code_unit is None:
        raise BenchError("the library has no code unit (write it with render_library)")
    found = require_tools({compiler: "gcc-arm-none-eabi"}, "the flash figure")[compiler]
    flags = [*STRICT_CFLAGS, opt, *target_flags, "-ffunction-sections", "-fdata-sections"]
    digest = hashlib.sha256()
    digest.update(json.dumps([CACHE_FORMAT, _compiler_identity(found), flags, header_name]).encode())
    digest.update(b"\0" + header_text.encode() + b"\0" + library.code_unit.encode())
    build = CodeSizeBuild(dict(library.extern_bytes), digest.hexdigest(), cache_dir())
    if build.cache is not None:
        try:
            build.cached = json.loads((build.cache / "code-sizes" / f"{build.key}.json").read_text())
            return build
        except (OSError, ValueError):
            pass
    workdir = Path(tempfile.mkdtemp(prefix="tinymlir-size-"))
    build.workdir = workdir
    build.what = f"{compiler} on the code of {library.name}"
    try:
        (workdir / header_name).write_text(header_text)
        (workdir / "code.c").write_text(library.code_unit)
        with (workdir / "compile.log").open("wb") as log:
            build.proc = subprocess.Popen(
                [found, *flags, "-c", "code.c", "-o", "code.o"],
                cwd=workdir, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            )
    except OSError as exc:
        build.cancel()
        raise ToolchainError(f"{build.what}: cannot run {found}: {exc.strerror}") from exc
    return build
