"""Target descriptions: what the compiled-for machine has, read by the driver and by passes.

A target is a TOML file (read with `tomllib`). The shipped ones are `tinymlir/targets/NAME.toml`
(`cortex-m4`, the default, and `cortex-m4f`); `load_target` takes a name or a path. Format, all
sizes in bytes, costs in cycles; every key is required unless marked optional:

    [target]        name, display_name, description (strings); alignment (a power of two: of
                    every buffer, weight array and the arena); index_bitwidth (16, 32 or 64)
    [budgets]       optional table; ram, flash (optional, positive): the driver refuses a model
                    over them (--target-ram / --target-flash override)
    [placement]     weights, activations, arena: the memory level that holds each (activations
                    and the arena in a writable level)
    [memory.NAME]   one table per memory level (at least one): capacity (> 0),
                    access_cost_per_byte (>= 0), bandwidth (bytes per cycle, > 0), latency
                    (>= 0), writable (optional bool, default true)
    [dma.NAME]      optional, one per DMA engine: dimensions (1-3), setup_cycles (>= 0),
                    bytes_per_cycle (> 0), mode ("async" or "blocking"), source, destination
                    (memory levels)
    [cpu]           name; isa_features (list of strings, e.g. "dsp" for the Cortex-M DSP
                    extension); fpu (bool: f32 arithmetic in hardware, hard-float C);
                    macs_per_cycle (> 0)
    [accelerator.NAME]  optional, one per accelerator: ops (the kernel ops it runs, e.g.
                    "qnn.conv2d"); shape_constraints (optional table of name = positive integer,
                    e.g. channel_multiple = 8); macs_per_cycle (> 0); local_memory (a memory
                    level); requantisation ("per-channel": exact per-channel output stage in
                    both numerics, TFLM's multiplier, shift and zero point or onnxruntime's
                    float32 scale; "per-tensor"; "shift": per-channel bias, then one arithmetic
                    right shift (floor) per layer, no multiplier, no zero point; or "none": it returns int32
                    accumulators and the CPU requantises); optional: weight_memory (the level
                    its weights are loaded into), pe_array ([output columns, output
                    channels] computed per cycle; their product is macs_per_cycle)
    [accelerator.NAME.constraints]  optional, what offload-to-accel checks (each key optional):
                    kernel_sizes, strides, dilations (lists of positive integers, each of h
                    and w must be one); padding ("any" or "symmetric": top = bottom, left =
                    right); conv_groups (list of "one", "depthwise", "any"); element_multiple
                    (every data tensor's element count a multiple of it); weight_bits,
                    activation_bits, bias_bits (8, 16 or 32); tile_input_channels (false: a
                    non-grouped conv keeps all input channels in every tile)
                    Consistency: an accelerator's local and weight memories must be written by a
                    [dma] engine and be no larger than that engine's source level.
    [c]             compiler (only "arm-none-eabi-gcc" is supported); flags (the target's code
                    generation flags: the flash figure and the benchmarks compile with them);
                    widen_weights (optional bool, default false: trade flash for speed, the
                    Cortex-M4 DSP kernels store int8 weights widened to 16-bit lanes, twice
                    their flash, where the flash budget allows)

A bad file (TOML syntax, unknown or missing key, wrong type, out-of-range value) is refused with
one TinymlirError line naming the file, the key and the reason.

In the IR the target is the builtin.module's `dlti.target_system_spec` attribute (TARGET_KEY),
which mirrors the file: each top-level table is a `#dlti.target_device_spec`, nested tables are
`#dlti.map`, strings, integers (i64), floats (f64), booleans and arrays are builtin attributes.
`target_of(op)` reads it from the nearest enclosing module; a module without one is compiled for
the default target (DEFAULT_TARGET), so IR that never mentions a target behaves as before.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import tomllib
from xdsl.dialects.builtin import (
    ArrayAttr,
    BoolAttr,
    FloatAttr,
    IntegerAttr,
    IntegerType,
    ModuleOp,
    StringAttr,
    f64,
    i64,
)
from xdsl.dialects.dlti import MapAttr, TargetDeviceSpecAttr, TargetSystemSpecAttr
from xdsl.ir import Attribute, Operation

from tinymlir.errors import TinymlirError

DEFAULT_TARGET = "cortex-m4"
TARGET_KEY = "dlti.target_system_spec"
SUPPORTED_COMPILERS = ("arm-none-eabi-gcc",)
DMA_MODES = ("async", "blocking")
REQUANTISATION = ("per-channel", "per-tensor", "shift", "none")
PADDING = ("any", "symmetric")
CONV_GROUPS = ("one", "depthwise", "any")
BIT_WIDTHS = (8, 16, 32)


@dataclass(frozen=True)
class MemoryLevel:
    name: str
    capacity: int
    access_cost_per_byte: float
    bandwidth: float
    latency: int
    writable: bool = True


@dataclass(frozen=True)
class DmaEngine:
    name: str
    dimensions: int
    setup_cycles: int
    bytes_per_cycle: float
    mode: str
    source: str
    destination: str

    @property
    def asynchronous(self) -> bool:
        return self.mode == "async"


@dataclass(frozen=True)
class Cpu:
    name: str
    isa_features: tuple[str, ...]
    fpu: bool
    macs_per_cycle: int

    def has(self, feature: str) -> bool:
        return feature in self.isa_features


@dataclass(frozen=True)
class AcceleratorConstraints:
    """What an accelerator accepts (`[accelerator.NAME.constraints]`); None: no limit."""

    kernel_sizes: tuple[int, ...] | None = None
    strides: tuple[int, ...] | None = None
    dilations: tuple[int, ...] | None = None
    padding: str = "any"
    conv_groups: tuple[str, ...] = ("any",)
    element_multiple: int = 1
    weight_bits: int | None = None
    activation_bits: int | None = None
    bias_bits: int | None = None
    tile_input_channels: bool = True


@dataclass(frozen=True)
class Accelerator:
    name: str
    ops: tuple[str, ...]
    shape_constraints: tuple[tuple[str, int], ...]
    macs_per_cycle: int
    local_memory: str
    requantisation: str
    weight_memory: str | None = None
    pe_array: tuple[int, int] | None = None
    constraints: AcceleratorConstraints | None = None


@dataclass(frozen=True)
class Budgets:
    ram: int | None = None
    flash: int | None = None


@dataclass(frozen=True)
class Placement:
    weights: str
    activations: str
    arena: str


@dataclass(frozen=True)
class CBuild:
    compiler: str
    flags: tuple[str, ...]
    widen_weights: bool = False


@dataclass(frozen=True)
class Target:
    name: str
    display_name: str
    description: str
    alignment: int
    index_bitwidth: int
    budgets: Budgets
    placement: Placement
    memory: tuple[MemoryLevel, ...]
    dma: tuple[DmaEngine, ...]
    cpu: Cpu
    accelerators: tuple[Accelerator, ...]
    c: CBuild
    source: str = field(default="", compare=False)  # where it was read from, for messages

    def memory_level(self, name: str) -> MemoryLevel:
        return next(m for m in self.memory if m.name == name)

    def to_tree(self) -> dict[str, Any]:
        """The description as the plain values of its TOML file (None values left out)."""
        tree: dict[str, Any] = {
            "target": {
                "name": self.name, "display_name": self.display_name,
                "description": self.description, "alignment": self.alignment,
                "index_bitwidth": self.index_bitwidth,
            },
            "budgets": {k: v for k, v in _fields(self.budgets).items() if v is not None},
            "placement": _fields(self.placement),
            "memory": {m.name: _fields(m, skip="name") for m in self.memory},
            "dma": {d.name: _fields(d, skip="name") for d in self.dma},
            "cpu": {**_fields(self.cpu), "isa_features": list(self.cpu.isa_features)},
            "accelerator": {a.name: _accelerator_tree(a) for a in self.accelerators},
            "c": {"compiler": self.c.compiler, "flags": list(self.c.flags),
                  **({"widen_weights": True} if self.c.widen_weights else {})},
        }
        return {k: v for k, v in tree.items() if v or k not in ("budgets", "dma", "accelerator")}

    def to_attr(self) -> TargetSystemSpecAttr:
        """The `#dlti.target_system_spec` recorded on a module (TARGET_KEY)."""
        return TargetSystemSpecAttr(
            {name: TargetDeviceSpecAttr(_to_attr(table).entries) for name, table in self.to_tree().items()}
        )


def _accelerator_tree(unit: Accelerator) -> dict[str, Any]:
    tree = {**_fields(unit, skip="name"), "ops": list(unit.ops)}
    tree["shape_constraints"] = dict(unit.shape_constraints)
    if not unit.shape_constraints:  # optional, and an empty #dlti.map does not parse
        del tree["shape_constraints"]
    if unit.constraints is not None:
        tree["constraints"] = {k: list(v) if isinstance(v, tuple) else v
                               for k, v in _fields(unit.constraints).items() if v is not None}
    if unit.pe_array is not None:
        tree["pe_array"] = list(unit.pe_array)
    return {k: v for k, v in tree.items() if v is not None}


def _fields(obj, skip: str = "") -> dict[str, Any]:
    return {k: v for k, v in vars(obj).items() if k != skip}


# --------------------------------------------------------------------------- #
# Loading and validation
# --------------------------------------------------------------------------- #


def shipped_targets() -> tuple[str, ...]:
    folder = resources.files("tinymlir") / "targets"
    return tuple(sorted(p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml")))


def load_target(name_or_path: str | Path) -> Target:
    """A shipped target by name (`cortex-m4`) or a description file by path (anything with a
    `/` or ending in `.toml`)."""
    text = str(name_or_path)
    if "/" in text or text.endswith(".toml") or isinstance(name_or_path, Path):
        path = Path(text)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise TinymlirError(f"{path}: cannot read the target description: {exc.strerror}") from None
        return parse_target(data, str(path))
    return _shipped(text)


@functools.cache
def _shipped(name: str) -> Target:
    if name not in shipped_targets():
        raise TinymlirError(
            f"unknown target '{name}'; shipped: {', '.join(shipped_targets())} "
            "(or give the path of a .toml description)"
        )
    resource = resources.files("tinymlir") / "targets" / f"{name}.toml"
    return parse_target(resource.read_bytes(), f"{name}.toml")


def parse_target(data: bytes | str, source: str) -> Target:
    """A target from the text of a description file; `source` names it in error messages."""
    text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data
    try:
        tree = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TinymlirError(f"{source}: TOML syntax error: {exc}") from None
    return target_from_tree(tree, source)


class _Table:
    """Reads one table of a description: typed keys, then `done()` refuses the unknown ones."""

    def __init__(self, value: object, path: str, source: str):
        self.path, self.source = path, source
        if not isinstance(value, Mapping):
            self.fail(path, f"expected a table, got {_describe(value)}")
        self.value: Mapping[str, object] = value
        self.read: set[str] = set()

    def fail(self, key: str, reason: str):
        raise TinymlirError(f"{self.source}: {key}: {reason}")

    def key(self, name: str) -> str:
        return f"{self.path}.{name}" if self.path else name

    def get(self, name: str, check: Callable[[object], Any | None], expected: str, default=...):
        self.read.add(name)
        if name not in self.value:
            if default is ...:
                self.fail(self.key(name), "missing required key")
            return default
        value = self.value[name]
        converted = check(value)
        if converted is None:
            self.fail(self.key(name), f"expected {expected}, got {_describe(value)}")
        return converted

    def string(self, name: str, choices: tuple[str, ...] | None = None) -> str:
        value = self.get(name, lambda v: v if isinstance(v, str) and v else None, "a non-empty string")
        if choices is not None and value not in choices:
            self.fail(self.key(name), f"expected one of {', '.join(choices)}, got '{value}'")
        return value

    def integer(self, name: str, minimum: int = 0, default=...) -> int:
        def check(v):
            return v if isinstance(v, int) and not isinstance(v, bool) and v >= minimum else None

        what = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"
        return self.get(name, check, what, default)

    def number(self, name: str, positive: bool) -> float:
        def check(v):
            if isinstance(v, bool) or not isinstance(v, int | float) or v != v:
                return None
            return float(v) if (v > 0 if positive else v >= 0) else None

        return self.get(name, check, "a positive number" if positive else "a number >= 0")

    def boolean(self, name: str, default=...) -> bool:
        return self.get(name, lambda v: v if isinstance(v, bool) else None, "true or false", default)

    def positive_integers(self, name: str, default=...) -> tuple[int, ...]:
        value = self.get(name, lambda v: v if isinstance(v, list | tuple) and v else None,
                         "a non-empty list of positive integers", default)
        if value is default:
            return value
        for item in value:
            if isinstance(item, bool) or not isinstance(item, int) or item < 1:
                self.fail(self.key(name), f"expected a list of positive integers, got {_describe(item)} in it")
        return tuple(value)

    def strings(self, name: str) -> tuple[str, ...]:
        def check(v):
            ok = isinstance(v, list | tuple) and all(isinstance(s, str) and s for s in v)
            return tuple(v) if ok else None

        return self.get(name, check, "a list of non-empty strings")

    def table(self, name: str, default=...) -> _Table:
        self.read.add(name)
        if name not in self.value:
            if default is ...:
                self.fail(self.key(name), "missing required table")
            return _Table(default, self.key(name), self.source)
        return _Table(self.value[name], self.key(name), self.source)

    def tables(self, name: str) -> list[tuple[str, _Table]]:
        """The named sub-tables of an optional table such as [memory.NAME]."""
        outer = self.table(name, default={})
        for sub in outer.value:
            outer.read.add(sub)
        outer.done()
        return [(sub, _Table(v, outer.key(sub), self.source)) for sub, v in outer.value.items()]

    def done(self) -> None:
        unknown = [k for k in self.value if k not in self.read]
        if unknown:
            expected = ", ".join(sorted(self.read)) or "none"
            self.fail(self.key(unknown[0]), f"unknown key (expected: {expected})")


def _check_kernel_ops(table: _Table, ops: tuple[str, ...]) -> None:
    """A `qk.` op name must be one of the kernel dialect's (other names are left to the
    passes that read them)."""
    from tinymlir.dialects.kernel import KERNEL_OPS

    known = [op.name for op in KERNEL_OPS]
    for op in ops:
        if op.startswith("qk.") and op not in known:
            table.fail(table.key("ops"), f"unknown kernel op '{op}' (qk ops: {', '.join(known)})")


def _constraints(unit: _Table) -> AcceleratorConstraints:
    table = unit.table("constraints")
    default = AcceleratorConstraints()

    def bits(name: str) -> int | None:
        value = table.integer(name, minimum=1, default=None)
        if value is not None and value not in BIT_WIDTHS:
            table.fail(table.key(name), f"expected 8, 16 or 32, got {value}")
        return value

    groups = table.strings("conv_groups") if "conv_groups" in table.value else default.conv_groups
    for g in groups:
        if g not in CONV_GROUPS:
            table.fail(table.key("conv_groups"), f"expected a list of {', '.join(CONV_GROUPS)}, got '{g}' in it")
    limits = AcceleratorConstraints(
        table.positive_integers("kernel_sizes", None), table.positive_integers("strides", None),
        table.positive_integers("dilations", None),
        table.string("padding", PADDING) if "padding" in table.value else default.padding,
        groups, table.integer("element_multiple", minimum=1, default=1),
        bits("weight_bits"), bits("activation_bits"), bits("bias_bits"),
        table.boolean("tile_input_channels", True),
    )  # fmt: skip
    table.done()
    return limits


def _check_fed_by_dma(table: _Table, key: str, level: MemoryLevel, dma: list[DmaEngine],
                      levels: Mapping[str, MemoryLevel], placement: Placement) -> None:
    """An accelerator memory that placement does not fill is loaded by a DMA engine, from a
    level at least as large."""
    feeds = [d for d in dma if d.destination == level.name]
    if not feeds and level.name not in (placement.weights, placement.activations, placement.arena):
        table.fail(table.key(key), f"no [dma] engine writes memory level '{level.name}' and placement puts nothing there")
    for engine in feeds:
        source = levels[engine.source]
        if level.capacity > source.capacity:
            table.fail(table.key(key),
                       f"memory level '{level.name}' ({level.capacity} bytes) is larger than '{source.name}' "
                       f"({source.capacity} bytes), which dma engine '{engine.name}' loads it from")


def _describe(value: object) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, Mapping):
        return "a table"
    if isinstance(value, list | tuple):
        return "a list"
    return repr(value)


_NAME = re.compile(r"[A-Za-z0-9_.-]+")


def target_from_tree(tree: Mapping[str, object], source: str) -> Target:
    """A validated Target from the plain values of a description (TOML or the IR's attribute)."""
    top = _Table(tree, "", source)
    head = top.table("target")
    name = head.string("name")
    if not _NAME.fullmatch(name):
        head.fail("target.name", f"expected letters, digits, '_', '.' or '-', got '{name}'")
    display_name, description = head.string("display_name"), head.string("description")
    alignment = head.integer("alignment", minimum=1)
    if alignment & (alignment - 1):
        head.fail("target.alignment", f"expected a power of two, got {alignment}")
    index_bitwidth = head.integer("index_bitwidth", minimum=1)
    if index_bitwidth not in (16, 32, 64):
        head.fail("target.index_bitwidth", f"expected 16, 32 or 64, got {index_bitwidth}")
    head.done()

    table = top.table("budgets", default={})
    budgets = Budgets(table.integer("ram", 1, None), table.integer("flash", 1, None))
    table.done()

    memory = []
    for level, table in top.tables("memory"):
        memory.append(MemoryLevel(
            level, table.integer("capacity", minimum=1), table.number("access_cost_per_byte", False),
            table.number("bandwidth", True), table.integer("latency"), table.boolean("writable", True),
        ))  # fmt: skip
        table.done()
    if not memory:
        top.fail("memory", "missing required table (at least one [memory.NAME] level)")
    levels = {m.name: m for m in memory}

    def level_of(table: _Table, key: str, writable: bool = False) -> str:
        value = table.string(key)
        if value not in levels:
            table.fail(table.key(key), f"unknown memory level '{value}' (levels: {', '.join(levels)})")
        if writable and not levels[value].writable:
            table.fail(table.key(key), f"memory level '{value}' is not writable")
        return value

    table = top.table("placement")
    placement = Placement(
        level_of(table, "weights"), level_of(table, "activations", True), level_of(table, "arena", True)
    )
    table.done()

    dma = []
    for engine, table in top.tables("dma"):
        dimensions = table.integer("dimensions", minimum=1)
        if dimensions > 3:
            table.fail(table.key("dimensions"), f"expected 1, 2 or 3, got {dimensions}")
        dma.append(DmaEngine(
            engine, dimensions, table.integer("setup_cycles"), table.number("bytes_per_cycle", True),
            table.string("mode", DMA_MODES), level_of(table, "source"),
            level_of(table, "destination", True),
        ))  # fmt: skip
        table.done()

    table = top.table("cpu")
    cpu = Cpu(table.string("name"), table.strings("isa_features"), table.boolean("fpu"),
              table.integer("macs_per_cycle", minimum=1))  # fmt: skip
    table.done()

    accelerators = []
    for unit, table in top.tables("accelerator"):
        ops = table.strings("ops")
        if not ops:
            table.fail(table.key("ops"), "expected at least one kernel op")
        _check_kernel_ops(table, ops)
        constraints = table.table("shape_constraints", default={})
        shape = tuple((k, constraints.integer(k, minimum=1)) for k in list(constraints.value))
        constraints.done()
        macs = table.integer("macs_per_cycle", minimum=1)
        local = level_of(table, "local_memory", True)
        requantisation = table.string("requantisation", REQUANTISATION)
        weight_memory = level_of(table, "weight_memory", True) if "weight_memory" in table.value else None
        pe_array = table.positive_integers("pe_array", None)
        if pe_array is not None:
            if len(pe_array) != 2:
                table.fail(table.key("pe_array"), f"expected [output columns, output channels], got {len(pe_array)} values")
            if pe_array[0] * pe_array[1] != macs:
                table.fail(table.key("pe_array"),
                           f"{pe_array[0]} x {pe_array[1]} PEs make {pe_array[0] * pe_array[1]} MACs per cycle, "
                           f"but macs_per_cycle is {macs}")
        limits = _constraints(table) if "constraints" in table.value else None
        for key, level in (("local_memory", local), ("weight_memory", weight_memory)):
            if level is not None:
                _check_fed_by_dma(table, key, levels[level], dma, levels, placement)
        accelerators.append(Accelerator(
            unit, ops, shape, macs, local, requantisation, weight_memory,
            None if pe_array is None else (pe_array[0], pe_array[1]), limits,
        ))  # fmt: skip
        table.done()

    table = top.table("c")
    c = CBuild(table.string("compiler", SUPPORTED_COMPILERS), table.strings("flags"),
               table.boolean("widen_weights", False))  # fmt: skip
    table.done()
    top.done()
    return Target(
        name, display_name, description, alignment, index_bitwidth, budgets, placement,
        tuple(memory), tuple(dma), cpu, tuple(accelerators), c, source,
    )  # fmt: skip


# --------------------------------------------------------------------------- #
# The target in the IR
# --------------------------------------------------------------------------- #


def _to_attr(value: object) -> Attribute:
    if isinstance(value, bool):
        return BoolAttr.from_bool(value)
    if isinstance(value, int):
        return IntegerAttr(value, i64)
    if isinstance(value, float):
        return FloatAttr(value, f64)
    if isinstance(value, str):
        return StringAttr(value)
    if isinstance(value, list | tuple):
        return ArrayAttr([_to_attr(v) for v in value])
    if isinstance(value, Mapping):
        return MapAttr({k: _to_attr(v) for k, v in value.items()})
    raise TypeError(f"no attribute for {value!r}")


def _from_attr(attr: Attribute, where: str) -> object:
    if isinstance(attr, IntegerAttr) and isinstance(attr.type, IntegerType):
        value = attr.value.data
        return bool(value) if attr.type.width.data == 1 else value
    if isinstance(attr, FloatAttr):
        return attr.value.data
    if isinstance(attr, StringAttr):
        return attr.data
    if isinstance(attr, ArrayAttr):
        return [_from_attr(a, where) for a in attr.data]
    if isinstance(attr, MapAttr | TargetDeviceSpecAttr | TargetSystemSpecAttr):
        tree = {}
        for entry in attr.entries:
            if not isinstance(entry.key, StringAttr):
                raise TinymlirError(f"{where}: expected string keys, got {entry.key}")
            tree[entry.key.data] = _from_attr(entry.value, f"{where}.{entry.key.data}")
        return tree
    raise TinymlirError(f"{where}: unsupported value {attr} in a target description")


#: The last attribute decoded and its Target. Keyed by identity: xDSL 0.74's DLTI maps compare
#: (and hash) equal whatever their entries, so an equality-keyed cache would mix targets up.
_decoded: list[tuple[Attribute, Target]] = []


def target_from_attr(attr: Attribute) -> Target:
    """The Target a module's `dlti.target_system_spec` describes (validated like a file)."""
    if _decoded and _decoded[0][0] is attr:
        return _decoded[0][1]
    where = f"the module's {TARGET_KEY}"
    if not isinstance(attr, TargetSystemSpecAttr):
        raise TinymlirError(f"{where}: expected a #dlti.target_system_spec, got {attr}")
    target = target_from_tree(_from_attr(attr, where), where)  # type: ignore[arg-type]
    _decoded[:] = [(attr, target)]
    return target


def target_of(op: Operation | None) -> Target:
    """The target of the nearest enclosing module that records one; DEFAULT_TARGET if none does."""
    current = op
    while current is not None:
        if isinstance(current, ModuleOp) and TARGET_KEY in current.attributes:
            return target_from_attr(current.attributes[TARGET_KEY])
        current = current.parent_op()
    return load_target(DEFAULT_TARGET)


def set_target(module: ModuleOp, target: Target) -> None:
    module.attributes[TARGET_KEY] = target.to_attr()
