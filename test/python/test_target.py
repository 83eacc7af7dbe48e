"""Target descriptions (tinymlir/target.py): the shipped files load, every kind of bad file is
refused with one line naming the file, the key and the reason, the description round-trips
through the module's dlti.target_system_spec, and the driver uses it (budgets, --fpu)."""

from __future__ import annotations

import copy
import io
from pathlib import Path

import pytest
import tomllib
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp

from tinymlir.errors import TinymlirError
from tinymlir.target import (
    DEFAULT_TARGET,
    TARGET_KEY,
    load_target,
    parse_target,
    set_target,
    shipped_targets,
    target_from_attr,
    target_from_tree,
    target_of,
)

INPUTS = Path(__file__).resolve().parents[1] / "target" / "desc" / "Inputs"
BASE = tomllib.loads((INPUTS / "align16.toml").read_text())


def test_shipped_targets():
    assert shipped_targets() == (
        "cortex-m4", "cortex-m4-speed", "cortex-m4-tcm16k", "cortex-m4f", "diana-digital", "diana-digital-shift"
    )
    for name in shipped_targets():
        assert load_target(name).name == name
    m4, m4f = load_target("cortex-m4"), load_target("cortex-m4f")
    assert not m4.cpu.fpu and m4f.cpu.fpu and m4.cpu.has("dsp")
    assert m4.alignment == 4 and m4.index_bitwidth == 32
    assert m4.c.flags == ("-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=soft")
    assert m4f.c.flags[-2:] == ("-mfloat-abi=hard", "-mfpu=fpv4-sp-d16")
    assert m4.memory_level(m4.placement.weights).writable is False
    # the two differ only in the FPU (and the names that say so)
    assert (m4.alignment, m4.memory, m4.budgets, m4.placement) == (
        m4f.alignment, m4f.memory, m4f.budgets, m4f.placement
    )


def test_the_bench_and_the_lowering_use_the_cortex_m4_description():
    from tinymlir.bench.cortex_m import CFLAGS, TARGET_FLAGS

    assert TARGET_FLAGS == load_target("cortex-m4").c.flags
    assert set(TARGET_FLAGS) <= set(CFLAGS)


def test_every_optional_part_loads():
    target = load_target(INPUTS / "accelerated.toml")
    (dma,) = target.dma
    assert (dma.dimensions, dma.setup_cycles, dma.bytes_per_cycle, dma.asynchronous) == (2, 40, 4.0, True)
    (npu,) = target.accelerators
    assert npu.ops == ("qnn.conv2d", "qnn.depthwise_conv2d")
    assert dict(npu.shape_constraints) == {"channel_multiple": 8, "max_kernel": 7}
    assert (npu.macs_per_cycle, npu.local_memory, npu.requantisation) == (64, "npu_l1", "per-channel")
    assert target.budgets.ram == 262144 and target.budgets.flash is None
    assert target.memory_level("flash").bandwidth == 2.0  # an integer where a number is expected


@pytest.mark.parametrize("name", ["cortex-m4", "cortex-m4f", str(INPUTS / "accelerated.toml")])
def test_round_trip_through_the_module_attribute(name):
    from xdsl.parser import Parser
    from xdsl.printer import Printer

    from tinymlir.pipelines import make_context

    target = load_target(name)
    assert target_from_attr(target.to_attr()) == target
    module = ModuleOp([])
    set_target(module, target)
    text = io.StringIO()
    Printer(stream=text).print_op(module)
    parsed = Parser(make_context(), text.getvalue()).parse_module()
    assert target_of(parsed) == target


def test_target_of_reads_the_nearest_module_and_defaults_to_cortex_m4():
    function = func.FuncOp("f", ((), ()))
    module = ModuleOp([function])
    assert target_of(function) == load_target(DEFAULT_TARGET)
    assert target_of(None) == load_target(DEFAULT_TARGET)
    other = load_target(INPUTS / "accelerated.toml")
    set_target(module, other)
    assert target_of(function) == other
    assert TARGET_KEY in module.attributes
    set_target(module, load_target("cortex-m4f"))  # a different attribute is decoded again
    assert target_of(function).name == "cortex-m4f"


def _edited(edit) -> dict:
    tree = copy.deepcopy(BASE)
    edit(tree)
    return tree


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda t: t["target"].update(colour="blue"),
         "target.colour: unknown key (expected: alignment, description, display_name, index_bitwidth, name)"),
        (lambda t: t.update(extra={}), "extra: unknown key (expected: accelerator, budgets, c, cpu, dma, memory, placement, target)"),
        (lambda t: t["target"].pop("alignment"), "target.alignment: missing required key"),
        (lambda t: t.pop("cpu"), "cpu: missing required table"),
        (lambda t: t.pop("memory"), "memory: missing required table (at least one [memory.NAME] level)"),
        (lambda t: t["target"].update(alignment="4"), "target.alignment: expected a positive integer, got '4'"),
        (lambda t: t["target"].update(alignment=True), "target.alignment: expected a positive integer, got true"),
        (lambda t: t["target"].update(alignment=12), "target.alignment: expected a power of two, got 12"),
        (lambda t: t["target"].update(index_bitwidth=8), "target.index_bitwidth: expected 16, 32 or 64, got 8"),
        (lambda t: t["target"].update(name="a b"), "target.name: expected letters, digits, '_', '.' or '-', got 'a b'"),
        (lambda t: t["memory"]["sram"].update(capacity=-1), "memory.sram.capacity: expected a positive integer, got -1"),
        (lambda t: t["memory"]["sram"].update(latency=-1), "memory.sram.latency: expected an integer >= 0, got -1"),
        (lambda t: t["memory"]["sram"].update(bandwidth=0), "memory.sram.bandwidth: expected a positive number, got 0"),
        (lambda t: t["memory"]["sram"].update(access_cost_per_byte=-0.5),
         "memory.sram.access_cost_per_byte: expected a number >= 0, got -0.5"),
        (lambda t: t["memory"]["sram"].update(writable="yes"), "memory.sram.writable: expected true or false, got 'yes'"),
        (lambda t: t["memory"].update(l2=3), "memory.l2: expected a table, got 3"),
        (lambda t: t.update(budgets={"ram": 0}), "budgets.ram: expected a positive integer, got 0"),
        (lambda t: t["placement"].update(weights="dram"), "placement.weights: unknown memory level 'dram' (levels: flash, sram)"),
        (lambda t: t["placement"].update(arena="flash"), "placement.arena: memory level 'flash' is not writable"),
        (lambda t: t["cpu"].update(isa_features="dsp"), "cpu.isa_features: expected a list of non-empty strings, got 'dsp'"),
        (lambda t: t["cpu"].update(fpu=1), "cpu.fpu: expected true or false, got 1"),
        (lambda t: t["c"].update(compiler="clang"), "c.compiler: expected one of arm-none-eabi-gcc, got 'clang'"),
        (lambda t: t.update(dma={"d": {"dimensions": 4}}), "dma.d.dimensions: expected 1, 2 or 3, got 4"),
        (lambda t: t.update(dma={"d": {"dimensions": 1, "setup_cycles": 0, "bytes_per_cycle": 1, "mode": "sync"}}),
         "dma.d.mode: expected one of async, blocking, got 'sync'"),
        (lambda t: t.update(accelerator={"npu": {"ops": []}}), "accelerator.npu.ops: expected at least one kernel op"),
        (lambda t: t.update(accelerator={"npu": {"ops": ["qnn.conv2d"], "shape_constraints": {"max_kernel": 0}}}),
         "accelerator.npu.shape_constraints.max_kernel: expected a positive integer, got 0"),
        (lambda t: t.update(accelerator={"npu": {
            "ops": ["qnn.conv2d"], "macs_per_cycle": 8, "local_memory": "sram", "requantisation": "float"}}),
         "accelerator.npu.requantisation: expected one of per-channel, per-tensor, shift, none, got 'float'"),
    ],
)  # fmt: skip
def test_bad_descriptions_are_refused_with_the_key_and_the_reason(edit, message):
    with pytest.raises(TinymlirError) as info:
        target_from_tree(_edited(edit), "bad.toml")
    assert str(info.value) == f"bad.toml: {message}"


def test_file_errors_name_the_file():
    with pytest.raises(TinymlirError, match=r"^x\.toml: TOML syntax error: .*line 1"):
        parse_target("[target\n", "x.toml")
    with pytest.raises(TinymlirError, match=r"missing\.toml: cannot read the target description"):
        load_target(INPUTS / "missing.toml")
    with pytest.raises(TinymlirError, match=r"^unknown target 'm0'; shipped: cortex-m4, cortex-m4-speed, cortex-m4-tcm16k, cortex-m4f, diana-digital, diana-digital-shift"):
        load_target("m0")
    with pytest.raises(TinymlirError, match=r"negative-alignment\.toml: target\.alignment: expected a positive"):
        load_target(str(INPUTS / "negative-alignment.toml"))


def _write_target(path: Path, **budgets: int) -> Path:
    text = (INPUTS / "align16.toml").read_text().replace("alignment = 16", "alignment = 4")
    text += "\n[budgets]\n" + "".join(f"{k} = {v}\n" for k, v in budgets.items())
    path.write_text(text)
    return path


def test_driver_checks_the_targets_budgets(tinymlir_opt, onnx_inputs_dir, tmp_path):
    model = onnx_inputs_dir / "qdq_add.onnx"
    small = _write_target(tmp_path / "small.toml", ram=16)
    proc = tinymlir_opt(model, "--pipeline=mcu", f"--target-desc={small}", "-o", f"{tmp_path}/out/")
    assert proc.returncode == 1
    (line,) = proc.stderr.splitlines()
    assert line.startswith("tinymlir-opt: error: qdq_add needs ")
    assert "bytes of RAM" in line and "but target align16's budgets.ram is 16 (over by " in line
    # --target-ram overrides the description's budget
    proc = tinymlir_opt(
        model, "--pipeline=mcu", f"--target-desc={small}", "--target-ram=1M", "-o", f"{tmp_path}/ok/"
    )
    assert proc.returncode == 0, proc.stderr
    tiny_flash = _write_target(tmp_path / "tiny_flash.toml", flash=8)
    proc = tinymlir_opt(model, "--pipeline=mcu", f"--target-desc={tiny_flash}", "-o", f"{tmp_path}/f/")
    assert proc.returncode == 1
    assert "bytes of flash but target align16's budgets.flash is 8 (over by " in proc.stderr
    assert not (tmp_path / "f" / "qdq_add.c").exists()


def test_fpu_is_target_desc_cortex_m4f(tinymlir_opt, onnx_inputs_dir, tmp_path):
    model = onnx_inputs_dir / "qdq_add.onnx"
    outputs = {}
    for flag in ("--fpu", "--target-desc=cortex-m4f"):
        out = tmp_path / flag.strip("-").replace("=", "_")
        proc = tinymlir_opt(model, "--pipeline=mcu", flag, "-o", f"{out}/")
        assert proc.returncode == 0, proc.stderr
        assert "on a Cortex-M4F (arm-none-eabi-gcc -Os" in proc.stdout or "not measured" in proc.stdout
        outputs[flag] = ((out / "qdq_add.c").read_text(), (out / "qdq_add.h").read_text())
    assert outputs["--fpu"] == outputs["--target-desc=cortex-m4f"]
    assert "float" in outputs["--fpu"][0]


def test_driver_records_the_target_on_an_onnx_import(tinymlir_opt, onnx_inputs_dir):
    proc = tinymlir_opt(onnx_inputs_dir / "qdq_add.onnx", "--pipeline=qnn", "--target-desc=cortex-m4f")
    assert proc.returncode == 0, proc.stderr
    assert '#dlti.target_system_spec<"target" = #dlti.target_device_spec<"name" = "cortex-m4f"' in proc.stdout
    proc = tinymlir_opt(onnx_inputs_dir / "qdq_add.onnx", "--pipeline=qnn")
    assert "dlti" not in proc.stdout


def test_buffers_and_weights_are_aligned_as_the_target_says():
    """convert-qnn-to-kernel and the scratch buffers of the in-place schedules read the
    alignment from the module's target description (cortex-m4: 4), not from a constant."""
    import dataclasses

    from onnx_graphs import VALID_GRAPHS
    from xdsl.dialects import memref

    from tinymlir.compiler import import_model
    from tinymlir.pipelines import run_pipeline
    from tinymlir.target import set_target

    for alignment in (4, 16):
        module = import_model(VALID_GRAPHS["qdq_conv_per_channel"]())
        set_target(module, dataclasses.replace(load_target(DEFAULT_TARGET), alignment=alignment))
        run_pipeline(module, "qnn-schedule,convert-qnn-to-kernel,kernel-in-place,convert-kernel-to-loops")
        aligned = [o.alignment.value.data for o in module.walk() if isinstance(o, memref.GlobalOp)]
        aligned += [o.alignment.value.data for o in module.walk() if isinstance(o, memref.AllocOp)]
        assert aligned and set(aligned) == {alignment}
