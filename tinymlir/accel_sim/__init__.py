"""The host simulator of a target's accelerator (C99): its sources and the target's macros.

`accel_hal.h` declares the `accel_*` HAL the generated C calls (DMA start/wait, configuration
writes, launch, await, per-layer counters); `accel_sim.c` implements it on the host (functional
model bit-exact with the target's requantiser, bounds-checked memories, cycle model).
`target_header(target)` is `accel_target.h`: every fact of the target the simulator uses, as
macros; `write_sources(target, folder)` writes all three (what `--with-host-sim` copies into
out/).

Not from the target description (it has no key for them): ACCEL_CONFIG_CYCLES_PER_WRITE, the
cost of one configuration register write or launch (issue 12's TOML sketch: "TBD (measure)");
`config_cycles_per_write` sets it, 1 by default.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from tinymlir.errors import TinymlirError
from tinymlir.target import Accelerator, Target

SOURCES = ("accel_hal.h", "accel_sim.c")
TARGET_HEADER = "accel_target.h"

OPS = {"qk.conv2d": 0, "qk.dense": 2, "qk.add": 3}  # bits of ACCEL_OPS (accel_op); depthwise: 1
REQUANTISERS = {"per-channel": "ACCEL_REQUANT_PER_CHANNEL", "shift": "ACCEL_REQUANT_SHIFT"}


def source_text(name: str) -> str:
    return (resources.files("tinymlir.accel_sim") / name).read_text()


def _unit(target: Target, name: str | None) -> Accelerator:
    units = [a for a in target.accelerators if name is None or a.name == name]
    if not units:
        raise TinymlirError(f"target '{target.name}' has no accelerator{f' {name!r}' if name else ''} to simulate")
    if len(units) > 1:
        raise TinymlirError(f"target '{target.name}' has several accelerators; name the one to simulate")
    return units[0]


def _refuse(target: Target, unit: Accelerator, what: str) -> None:
    raise TinymlirError(f"target '{target.name}', accelerator '{unit.name}': the host simulator cannot model it: {what}")


def _mask(target: Target, unit: Accelerator, key: str, values, default) -> str:
    values = default if values is None else values
    if any(v > 31 for v in values):
        _refuse(target, unit, f"{key} {list(values)} (at most 31)")
    return " | ".join(f"(1u << {v})" for v in values)


def target_header(target: Target, unit_name: str | None = None, config_cycles_per_write: int = 1) -> str:
    """accel_target.h for `target`'s accelerator (a TinymlirError if the simulator cannot model it)."""
    unit = _unit(target, unit_name)
    if unit.requantisation not in REQUANTISERS:
        _refuse(target, unit, f"requantisation '{unit.requantisation}' (simulated: {', '.join(REQUANTISERS)})")
    if unit.weight_memory is None or unit.pe_array is None:
        _refuse(target, unit, "it needs weight_memory and pe_array")
    unknown = [op for op in unit.ops if op not in OPS]
    if unknown:
        _refuse(target, unit, f"op {unknown[0]} (simulated: {', '.join(OPS)})")
    limits = unit.constraints
    groups = limits.conv_groups if limits else ("any",)
    op_bits = {OPS[op] for op in unit.ops}
    if "qk.conv2d" in unit.ops and ("depthwise" in groups or "any" in groups):
        op_bits.add(1)
    if "qk.conv2d" in unit.ops and not ("one" in groups or "any" in groups):
        op_bits.discard(0)
    roles = {unit.local_memory: "ACCEL_MEM_L1_ACT", unit.weight_memory: "ACCEL_MEM_L1_W"}
    external = {level for d in target.dma for level in (d.source, d.destination) if level not in roles}
    if len(external) != 1:
        _refuse(target, unit, f"the DMA engines' external levels are {sorted(external)}, expected one (L2)")
    (l2,) = external
    roles[l2] = "ACCEL_MEM_L2"
    engines, names = [], []
    for index, engine in enumerate(target.dma):
        rate = round(engine.bytes_per_cycle * 1000)
        if rate < 1 or abs(rate - engine.bytes_per_cycle * 1000) > 1e-6:
            _refuse(target, unit, f"dma.{engine.name}.bytes_per_cycle {engine.bytes_per_cycle} (a multiple of 0.001)")
        if (engine.source in (unit.local_memory, unit.weight_memory)) == (
            engine.destination in (unit.local_memory, unit.weight_memory)
        ):
            _refuse(target, unit, f"dma.{engine.name} must move between {l2} and an L1 memory")
        macro = "ACCEL_DMA_" + "".join(c if c.isalnum() else "_" for c in engine.name.upper())
        names.append(f"#define {macro} {index}u  /* {engine.source} -> {engine.destination} */")
        names.append(f"#define {macro}_DIMS {engine.dimensions}u")
        engines.append(
            f'  {{"{engine.name}", {engine.dimensions}u, {engine.setup_cycles}u, {rate}u, '
            f"{roles[engine.source]}, {roles[engine.destination]}, {int(not engine.asynchronous)}}}"
        )
    levels = {role: target.memory_level(level) for level, role in roles.items()}
    kernels = _mask(target, unit, "kernel_sizes", limits.kernel_sizes if limits else None, range(1, 32))
    strides = _mask(target, unit, "strides", limits.strides if limits else None, range(1, 32))
    lines = [
        f"/* accel_target.h: target '{target.name}', accelerator '{unit.name}' (written by tinymlir.accel_sim"
        f" from {target.source or 'the target description'}). */",
        "#ifndef ACCEL_TARGET_H",
        "#define ACCEL_TARGET_H",
        f'#define ACCEL_TARGET_NAME "{target.name}"',
        f"#define ACCEL_L2_SIZE {levels['ACCEL_MEM_L2'].capacity}u  /* {l2} */",
        f"#define ACCEL_L1_ACT_SIZE {levels['ACCEL_MEM_L1_ACT'].capacity}u  /* {unit.local_memory} */",
        f"#define ACCEL_L1_W_SIZE {levels['ACCEL_MEM_L1_W'].capacity}u  /* {unit.weight_memory} */",
        f"#define ACCEL_PE_OX {unit.pe_array[0]}u  /* output columns per cycle */",
        f"#define ACCEL_PE_K {unit.pe_array[1]}u  /* output channels per cycle */",
        f"#define ACCEL_MACS_PER_CYCLE {unit.macs_per_cycle}u",
        "#define ACCEL_REQUANT_PER_CHANNEL 1",
        "#define ACCEL_REQUANT_SHIFT 2",
        f"#define ACCEL_REQUANT {REQUANTISERS[unit.requantisation]}",
        f"#define ACCEL_OPS ({' | '.join(f'(1u << {b})' for b in sorted(op_bits))})  /* bits: accel_op */",
        f"#define ACCEL_KERNEL_SIZES ({kernels})",
        f"#define ACCEL_STRIDES ({strides})",
        f"#define ACCEL_CONFIG_CYCLES_PER_WRITE {config_cycles_per_write}u  /* not in the target: a parameter */",
        f"#define ACCEL_DMA_COUNT {len(target.dma)}",
        *names,
        "/* {name, dims, setup cycles, bytes per cycle x 1000, source, destination, blocking} */",
        "#define ACCEL_DMA_ENGINES { \\",
        ", \\\n".join(engines) + " \\",
        "}",
        "#endif",
        "",
    ]
    return "\n".join(lines)


def write_sources(target: Target, folder: str | Path, unit_name: str | None = None,
                  config_cycles_per_write: int = 1) -> list[Path]:
    """Writes accel_target.h, accel_hal.h and accel_sim.c into `folder`; returns their paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    header = target_header(target, unit_name, config_cycles_per_write)
    paths = []
    for name, text in ((TARGET_HEADER, header), *((n, source_text(n)) for n in SOURCES)):
        path = folder / name
        path.write_text(text)
        paths.append(path)
    return paths
