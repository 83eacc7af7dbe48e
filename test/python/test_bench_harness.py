"""The measurement harness (tinymlir.bench, bench/harness/) on a hand-written stand-in library.

``toy.c`` / ``toy.h`` have the generated library's interface (``int toy_run(const int8_t *,
int8_t *)``, ``TOY_INPUT_SIZE`` / ``TOY_OUTPUT_SIZE`` / ``TOY_ARENA_SIZE``, const weights, one
static arena, only <stdint.h>/<string.h>): a naive int8 3x3 convolution, SAME padding, with
per-channel requantisation. The tests check the harness, not the kernel: QEMU, the host
build and numpy agree on the output, the instruction count repeats exactly, sizes and
stack are plausible, and errors are one clear line.

The toolchain comes from ``bench/harness/install-toolchain.sh``. Without it these tests
skip on a developer's machine and fail in CI (``CI`` set), where it must be installed.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from tinymlir.bench import BenchError, ToolchainError, fnv1a32, input_bytes_from_npz
from tinymlir.bench.cortex_m import (
    CROSS_TOOLS,
    build_cortex_m,
    library_flash_bytes,
    measure_cortex_m,
    object_sizes,
    run_qemu,
)
from tinymlir.bench.host import measure_callgrind

# --------------------------------------------------------------------------------------
# The stand-in library
# --------------------------------------------------------------------------------------

H, W, CI, CO, K = 8, 8, 4, 8, 3
IN_ZP, OUT_ZP, SHIFT = -5, 3, 12


def _toy_params() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(2024)
    return {
        "weights": rng.integers(-128, 128, size=(CO, K, K, CI), dtype=np.int8),  # OHWI
        "bias": rng.integers(-2000, 2000, size=CO, dtype=np.int32),
        "mult": rng.integers(1 << 4, 1 << 7, size=CO, dtype=np.int32),
    }


def _c_array(values: np.ndarray) -> str:
    return ", ".join(str(int(v)) for v in values.ravel())


def _write_toy(directory: Path) -> tuple[Path, Path]:
    p = _toy_params()
    header = directory / "toy.h"
    source = directory / "toy.c"
    header.write_text(
        f"""#ifndef TOY_H
#define TOY_H
#include <stdint.h>
#define TOY_INPUT_SIZE {H * W * CI}
#define TOY_OUTPUT_SIZE {H * W * CO}
#define TOY_ARENA_SIZE {(H + 2) * (W + 2) * CI}
int toy_run(const int8_t *input, int8_t *output);
#endif
"""
    )
    source.write_text(
        f"""/* Stand-in for a generated library: int8 3x3 conv {H}x{W}x{CI} -> {CO}, SAME. */
#include <stdint.h>
#include <string.h>
#include "toy.h"

static const int8_t toy_weights[{CO * K * K * CI}] = {{{_c_array(p["weights"])}}};
static const int32_t toy_bias[{CO}] = {{{_c_array(p["bias"])}}};
static const int32_t toy_mult[{CO}] = {{{_c_array(p["mult"])}}};
static int8_t toy_arena[TOY_ARENA_SIZE]; /* the input, padded with its zero point */

int toy_run(const int8_t *input, int8_t *output)
{{
    memset(toy_arena, {IN_ZP}, sizeof toy_arena);
    for (int y = 0; y < {H}; y++)
        memcpy(&toy_arena[((y + 1) * {W + 2} + 1) * {CI}], &input[y * {W * CI}], {W * CI});
    for (int oy = 0; oy < {H}; oy++)
        for (int ox = 0; ox < {W}; ox++)
            for (int oc = 0; oc < {CO}; oc++) {{
                int32_t acc = toy_bias[oc];
                for (int ky = 0; ky < {K}; ky++)
                    for (int kx = 0; kx < {K}; kx++)
                        for (int ic = 0; ic < {CI}; ic++)
                            acc += (toy_arena[((oy + ky) * {W + 2} + ox + kx) * {CI} + ic] - ({IN_ZP}))
                                   * toy_weights[((oc * {K} + ky) * {K} + kx) * {CI} + ic];
                int64_t scaled = (int64_t)acc * toy_mult[oc] + ((int64_t)1 << {SHIFT - 1});
                int32_t v = (int32_t)(scaled >> {SHIFT}) + {OUT_ZP};
                output[(oy * {W} + ox) * {CO} + oc] = (int8_t)(v < -128 ? -128 : v > 127 ? 127 : v);
            }}
    return 0;
}}
"""
    )
    return source, header


def _toy_reference(input_bytes: bytes) -> bytes:
    """The same convolution in numpy."""
    p = _toy_params()
    x = np.frombuffer(input_bytes, dtype=np.int8).reshape(H, W, CI).astype(np.int64)
    padded = np.pad(x, ((1, 1), (1, 1), (0, 0)), constant_values=IN_ZP) - IN_ZP
    w = p["weights"].astype(np.int64)
    acc = np.zeros((H, W, CO), dtype=np.int64) + p["bias"]
    for ky in range(K):
        for kx in range(K):
            acc += np.einsum("hwi,oi->hwo", padded[ky : ky + H, kx : kx + W], w[:, ky, kx])
    v = ((acc * p["mult"] + (1 << (SHIFT - 1))) >> SHIFT) + OUT_ZP
    return np.clip(v, -128, 127).astype(np.int8).tobytes()


def _toy_input(seed: int = 7) -> bytes:
    return np.random.default_rng(seed).integers(-128, 128, H * W * CI, dtype=np.int8).tobytes()


# --------------------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------------------


def _require(tools: list[str]) -> None:
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        message = f"{', '.join(missing)} not installed: run bench/harness/install-toolchain.sh"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)


@pytest.fixture
def cross_toolchain() -> None:
    _require(list(CROSS_TOOLS))


@pytest.fixture
def host_toolchain() -> None:
    _require(["cc", "valgrind"])


@pytest.fixture(scope="module")
def toy(tmp_path_factory) -> tuple[Path, Path]:
    return _write_toy(tmp_path_factory.mktemp("toy"))


@pytest.fixture(scope="module")
def toy_m4(toy, tmp_path_factory) -> dict:
    """One -Os measurement of the toy library, shared by the tests that only read it."""
    _require(list(CROSS_TOOLS))
    source, header = toy
    return measure_cortex_m(
        [source], header, "toy", _toy_input(), workdir=tmp_path_factory.mktemp("m4")
    )


# --------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------


def test_outputs_agree_qemu_host_numpy(toy, toy_m4, host_toolchain, tmp_path):
    source, header = toy
    expected = _toy_reference(_toy_input())
    host = measure_callgrind([source], header, "toy", _toy_input(), tmp_path)
    assert toy_m4["output"] == expected
    assert host["output"] == expected
    assert host["ir"] > H * W * CO * K * K * CI  # at least one instruction per MAC


def test_instruction_count_is_exact_and_repeatable(toy, toy_m4, tmp_path):
    source, header = toy
    again = measure_cortex_m([source], header, "toy", _toy_input(), workdir=tmp_path / "again")
    assert again["instructions"] == toy_m4["instructions"]
    assert again["instructions_total"] == toy_m4["instructions_total"]
    assert toy_m4["instructions"] > H * W * CO * K * K * CI
    assert toy_m4["instructions_total"] > toy_m4["instructions"]
    # Counting whole translation blocks gives the same as counting every instruction.
    per_insn = run_qemu(tmp_path / "again" / "bench.elf", tmp_path / "again", per_insn=True)
    assert per_insn["instructions"] == toy_m4["instructions"]
    assert per_insn["instructions_total"] == toy_m4["instructions_total"]


def test_host_count_is_repeatable(toy, host_toolchain, tmp_path):
    source, header = toy
    runs = [
        measure_callgrind([source], header, "toy", _toy_input(), tmp_path / str(i))
        for i in range(2)
    ]
    assert runs[0]["ir"] == runs[1]["ir"]


def test_input_changes_output_not_instruction_count(toy, toy_m4, tmp_path):
    # The kernel has no data-dependent branches except the clamp, which compiles to
    # conditional selects or short branches: same input size, different data -> the
    # harness must report the new output, and the count stays in the same range.
    source, header = toy
    other = measure_cortex_m([source], header, "toy", _toy_input(seed=8), workdir=tmp_path)
    assert other["output"] == _toy_reference(_toy_input(seed=8))
    assert other["output"] != toy_m4["output"]
    assert abs(other["instructions"] - toy_m4["instructions"]) < toy_m4["instructions"] // 100


def test_optimisation_level_changes_code(toy, toy_m4, tmp_path):
    source, header = toy
    o2 = measure_cortex_m([source], header, "toy", _toy_input(), "-O2", tmp_path)
    assert o2["output"] == toy_m4["output"]
    assert o2["instructions"] < toy_m4["instructions"]
    assert o2["sizes"]["text"] >= toy_m4["sizes"]["text"]


def test_sizes_are_the_library_objects(toy, toy_m4, tmp_path):
    sizes = toy_m4["sizes"]
    assert set(sizes) == {"text", "rodata", "data", "bss"}
    assert sizes["text"] > 0
    # weights int8 + bias and multipliers int32
    assert sizes["rodata"] >= CO * K * K * CI + 2 * 4 * CO
    assert sizes["bss"] == (H + 2) * (W + 2) * CI  # the arena, nothing of the harness
    assert sizes["data"] == 0
    assert toy_m4["flash_bytes"] == sizes["text"] + sizes["rodata"] + sizes["data"]
    assert toy_m4["ram_bytes"] == sizes["data"] + sizes["bss"]

    source, header = toy
    build = build_cortex_m([source], header, "toy", _toy_input(), workdir=tmp_path)
    assert object_sizes(build.library_objects) == sizes
    assert library_flash_bytes(build.library_objects[0]) == toy_m4["flash_bytes"]


def test_stack_high_water(toy_m4):
    # toy_run is a leaf apart from memset/memcpy: tens of bytes, well under a kilobyte.
    assert 0 < toy_m4["stack_high_water"] < 1024
    assert toy_m4["stack_high_water"] % 4 == 0


def test_input_from_npz(toy, toy_m4, tmp_path):
    rows = np.stack([np.frombuffer(_toy_input(s), np.int8).reshape(1, H, W, CI) for s in (1, 7)])
    np.savez(tmp_path / "toy.io.npz", inputs=rows)
    assert input_bytes_from_npz(tmp_path / "toy.io.npz", row=1) == _toy_input()
    with pytest.raises(BenchError, match="row 2 out of range"):
        input_bytes_from_npz(tmp_path / "toy.io.npz", row=2)


# --------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------


def _one_line(exc: pytest.ExceptionInfo) -> str:
    message = str(exc.value)
    assert "\n" not in message
    return message


def test_missing_cross_toolchain_is_one_clear_line(toy, tmp_path, monkeypatch):
    # A PATH with the host tools but no arm-none-eabi-* and no QEMU.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("cc", "valgrind"):
        if shutil.which(tool):
            (bin_dir / tool).symlink_to(shutil.which(tool))
    monkeypatch.setenv("PATH", str(bin_dir))
    source, header = toy
    with pytest.raises(ToolchainError) as exc:
        measure_cortex_m([source], header, "toy", _toy_input(), workdir=tmp_path / "w")
    message = _one_line(exc)
    assert "arm-none-eabi-gcc" in message and "qemu-system-arm" in message
    assert "bench/harness/install-toolchain.sh" in message
    assert "gcc-arm-none-eabi" in message  # the Debian package to install


def test_missing_valgrind_is_one_clear_line(toy, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # nothing at all
    source, header = toy
    with pytest.raises(ToolchainError) as exc:
        measure_callgrind([source], header, "toy", _toy_input(), tmp_path / "w")
    message = _one_line(exc)
    assert "valgrind" in message and "install-toolchain.sh" in message


def test_wrong_input_size(toy, cross_toolchain, tmp_path):
    source, header = toy
    with pytest.raises(
        BenchError, match=r"input row has 3 bytes but toy.h declares TOY_INPUT_SIZE 256"
    ):
        measure_cortex_m([source], header, "toy", b"\x01\x02\x03", workdir=tmp_path)


def test_compile_error_names_file_and_line(toy, cross_toolchain, tmp_path):
    _, header = toy
    broken = tmp_path / "broken.c"
    broken.write_text(
        '#include "toy.h"\nint toy_run(const int8_t *i, int8_t *o) { return oops; }\n'
    )
    with pytest.raises(BenchError) as exc:
        measure_cortex_m([broken], header, "toy", _toy_input(), workdir=tmp_path / "w")
    message = _one_line(exc)
    assert "broken.c" in message and "oops" in message


def test_nonzero_status_is_reported(toy, cross_toolchain, host_toolchain, tmp_path):
    _, header = toy
    failing = tmp_path / "failing.c"
    failing.write_text('#include "toy.h"\nint toy_run(const int8_t *i, int8_t *o) { return -7; }\n')
    with pytest.raises(BenchError, match=r"toy_run returned -7"):
        measure_cortex_m([failing], header, "toy", _toy_input(), workdir=tmp_path / "m4")
    with pytest.raises(BenchError, match=r"toy_run returned -7"):
        measure_callgrind([failing], header, "toy", _toy_input(), tmp_path / "host")


def test_crash_is_reported(toy, cross_toolchain, tmp_path):
    _, header = toy
    crashing = tmp_path / "crashing.c"
    crashing.write_text(
        '#include "toy.h"\n'
        "int toy_run(const int8_t *i, int8_t *o) {\n"
        "    void (*jump)(void) = (void (*)(void))0xFFFFFFF0u;  /* not executable */\n"
        "    jump();\n"
        "    return 0;\n"
        "}\n"
    )
    with pytest.raises(BenchError, match="crashed") as exc:
        measure_cortex_m([crashing], header, "toy", _toy_input(), workdir=tmp_path / "w")
    _one_line(exc)


# --------------------------------------------------------------------------------------
# Cross-check with the reference harness in ../shared/tools/cortex-m
# --------------------------------------------------------------------------------------

REFERENCE_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "tools" / "cortex-m"


def test_agrees_with_reference_harness(cross_toolchain, tmp_path, monkeypatch):
    """The reference's own test kernel (conv.c: 3x3 conv 32x32x16 -> 16, 2.36 M MACs) built
    by both harnesses at -O2: same output, and instruction counts that differ only by the
    call overhead around the kernel (ours calls it through a <name>_run wrapper)."""
    if not (REFERENCE_DIR / "measure.py").is_file():
        pytest.skip(f"reference harness not found in {REFERENCE_DIR}")
    import importlib.util

    spec = importlib.util.spec_from_file_location("reference_measure", REFERENCE_DIR / "measure.py")
    reference = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(reference)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # its plugin cache
    theirs = reference.measure_mcu(
        [str(REFERENCE_DIR / "conv.c")], out=str(tmp_path / "reference.elf"), opt="-O2"
    )

    # conv.c brings its own driver: rename it out of the way (--gc-sections drops it) and
    # give the kernel the generated-library interface. The input is conv.c's own LCG.
    (tmp_path / "convref.h").write_text(
        "#include <stdint.h>\n#define CONVREF_INPUT_SIZE 16384\n#define CONVREF_OUTPUT_SIZE 16384\n"
        "int convref_run(const int8_t *input, int8_t *output);\n"
    )
    (tmp_path / "convref.c").write_text(
        "#define main convref_unused_main\n#define bench_start convref_unused_start\n"
        "#define bench_stop convref_unused_stop\n#define bench_puts convref_unused_puts\n"
        "#define bench_stack_report convref_unused_stack_report\n"
        '#include "conv.c"\n'
        "void convref_unused_puts(const char *s) { (void)s; }\n"
        "void convref_unused_stack_report(void) {}\n"
        '#include "convref.h"\n'
        "int convref_run(const int8_t *input, int8_t *output) { conv(input, output); return 0; }\n"
    )
    state, lcg_input = 12345, bytearray()
    for _ in range(32 * 32 * 16):
        state = (state * 1664525 + 1013904223) & 0xFFFFFFFF
        lcg_input.append(state >> 24)
    ours = measure_cortex_m(
        [tmp_path / "convref.c"], tmp_path / "convref.h", "convref", bytes(lcg_input), "-O2",
        tmp_path / "ours", extra_cflags=[f"-I{REFERENCE_DIR}"],
    )  # fmt: skip

    assert f"{fnv1a32(ours['output']):08x}" == theirs["checksum"]
    # GCC 12.2: theirs counts `bl conv; ldr; ldr; bl bench_stop` (4) around the kernel, ours
    # `ldr; ldr; bl convref_run; mov; bl bench_stop` (5) + the wrapper (push; bl; movs; pop).
    assert 0 <= ours["instructions"] - theirs["insns"] <= 16, (ours["instructions"], theirs)
