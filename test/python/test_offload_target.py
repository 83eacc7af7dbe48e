"""The DIANA target descriptions (tinymlir/targets/diana-digital*.toml): they carry the digital
core's facts as typed fields, differ only in the requantiser, round-trip through the module
attribute, and a bad or inconsistent accelerator table is refused with the key and the reason."""

from __future__ import annotations

import copy
import dataclasses
from importlib import resources

import pytest
import tomllib

from tinymlir.errors import TinymlirError
from tinymlir.target import AcceleratorConstraints, load_target, target_from_attr, target_from_tree

DIANA = "diana-digital"
SHIFT = "diana-digital-shift"


def _tree(name: str) -> dict:

    return tomllib.loads((resources.files("tinymlir") / "targets" / f"{name}.toml").read_text())


def test_diana_digital_carries_the_digital_cores_facts():
    target = load_target(DIANA)
    (unit,) = target.accelerators
    assert unit.name == "digital" and unit.ops == ("qk.conv2d", "qk.dense", "qk.add")
    assert (unit.macs_per_cycle, unit.pe_array) == (256, (16, 16))
    assert (unit.local_memory, unit.weight_memory, unit.requantisation) == ("l1_act", "l1_w", "per-channel")
    assert unit.constraints == AcceleratorConstraints(
        kernel_sizes=(1, 3, 5, 7), strides=(1, 2), dilations=(1,), padding="symmetric",
        conv_groups=("one", "depthwise"), element_multiple=4, weight_bits=8, activation_bits=8,
        bias_bits=32, tile_input_channels=False,
    )  # fmt: skip
    sizes = {m.name: m.capacity for m in target.memory}
    assert sizes == {"l2": 512000, "l1_act": 256000, "l1_w": 64000}
    assert {(d.source, d.destination) for d in target.dma} == {("l2", "l1_act"), ("l1_act", "l2"), ("l2", "l1_w")}
    assert all(d.dimensions == 3 and not d.asynchronous for d in target.dma)
    text = (resources.files("tinymlir") / "targets" / f"{DIANA}.toml").read_text()
    assert "The real DIANA digital core requantises by an\n# arithmetic right shift only" in text


def test_the_shift_target_differs_only_in_the_requantiser():
    exact, shift = load_target(DIANA), load_target(SHIFT)
    assert shift.accelerators[0].requantisation == "shift"
    same = dataclasses.replace(shift.accelerators[0], requantisation="per-channel")
    assert same == exact.accelerators[0]
    assert (exact.memory, exact.dma, exact.placement, exact.cpu) == (shift.memory, shift.dma, shift.placement, shift.cpu)


@pytest.mark.parametrize("name", [DIANA, SHIFT])
def test_round_trip_through_the_module_attribute(name):
    target = load_target(name)
    assert target_from_attr(target.to_attr()) == target


def _set(path: str, value):
    def edit(tree):
        *outer, last = path.split(".")
        table = tree
        for key in outer:
            table = table[key]
        if value is None:
            del table[last]
        else:
            table[last] = value

    return edit


ACC = "accelerator.digital"


@pytest.mark.parametrize(
    "edit, message",
    [
        (_set(f"{ACC}.constraints.kernel_sizes", [0, 3]),
         f"{ACC}.constraints.kernel_sizes: expected a list of positive integers, got 0 in it"),
        (_set(f"{ACC}.constraints.strides", []),
         f"{ACC}.constraints.strides: expected a non-empty list of positive integers, got a list"),
        (_set(f"{ACC}.constraints.padding", "same"),
         f"{ACC}.constraints.padding: expected one of any, symmetric, got 'same'"),
        (_set(f"{ACC}.constraints.conv_groups", ["one", "grouped"]),
         f"{ACC}.constraints.conv_groups: expected a list of one, depthwise, any, got 'grouped' in it"),
        (_set(f"{ACC}.constraints.weight_bits", 4), f"{ACC}.constraints.weight_bits: expected 8, 16 or 32, got 4"),
        (_set(f"{ACC}.constraints.element_multiple", 0),
         f"{ACC}.constraints.element_multiple: expected a positive integer, got 0"),
        (_set(f"{ACC}.constraints.tiles", 16),
         f"{ACC}.constraints.tiles: unknown key (expected: activation_bits, bias_bits, conv_groups, dilations, "
         "element_multiple, kernel_sizes, padding, strides, tile_input_channels, weight_bits)"),
        (_set(f"{ACC}.requantisation", "multiplier"),
         f"{ACC}.requantisation: expected one of per-channel, per-tensor, shift, none, got 'multiplier'"),
        (_set(f"{ACC}.pe_array", [16, 8]), f"{ACC}.pe_array: 16 x 8 PEs make 128 MACs per cycle, but macs_per_cycle is 256"),
        (_set(f"{ACC}.pe_array", [256]), f"{ACC}.pe_array: expected [output columns, output channels], got 1 values"),
        (_set(f"{ACC}.ops", ["qk.conv2d", "qk.conv3d"]),
         f"{ACC}.ops: unknown kernel op 'qk.conv3d' (qk ops: qk.conv2d, qk.dense, qk.add, qk.requantize, "
         "qk.avg_pool2d, qk.max_pool2d, qk.pad, qk.transpose, qk.concat, qk.softmax)"),
        (_set(f"{ACC}.weight_memory", "l3"), f"{ACC}.weight_memory: unknown memory level 'l3' (levels: l2, l1_act, l1_w)"),
        (_set("memory.l1_w.capacity", 1048576),
         f"{ACC}.weight_memory: memory level 'l1_w' (1048576 bytes) is larger than 'l2' (512000 bytes), "
         "which dma engine 'l2_to_l1_w' loads it from"),
        (_set("dma.l2_to_l1_w", None),
         f"{ACC}.weight_memory: no [dma] engine writes memory level 'l1_w' and placement puts nothing there"),
    ],
)  # fmt: skip
def test_bad_accelerator_tables_are_refused_with_the_key_and_the_reason(edit, message):
    tree = copy.deepcopy(_tree(DIANA))
    edit(tree)
    with pytest.raises(TinymlirError) as info:
        target_from_tree(tree, "bad.toml")
    assert str(info.value) == f"bad.toml: {message}"
