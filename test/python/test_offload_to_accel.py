"""offload-to-accel on the four MLPerf Tiny models (the figures of bench/offload_share.py):
the offloaded MAC share per model and DIANA target, and the reasons for what stays on the CPU."""

from __future__ import annotations

import pytest

from tinymlir.compiler import import_model
from tinymlir.passes.offload_to_accel import REASON_ATTR, UNIT_ATTR, partition
from tinymlir.pipelines import run_pipeline
from tinymlir.target import load_target, set_target

KERNEL_LEVEL = "canonicalize,cse,qnn-schedule,convert-qnn-to-kernel"


@pytest.fixture(scope="module")
def kernel_modules(shared_model):
    cache = {}

    def get(name):
        if name not in cache:
            module = import_model(shared_model(name))
            run_pipeline(module, KERNEL_LEVEL)
            cache[name] = module
        return cache[name]

    return get


def _share(decisions) -> float:
    total = sum(d.macs for d in decisions)
    return sum(d.macs for d in decisions if d.unit) / total


def _partition(module, target: str, **options):
    set_target(module, load_target(target))
    return partition(module, **options)


# pad-in-l1: the L1 tiling writes the padding (the input zero point) into the tile
@pytest.mark.parametrize(
    "model, share", [("ic_resnet8", 0.9999), ("vww_mobilenet", 0.9999), ("kws_dscnn", 0.8795), ("ad_toycar", 1.0)]
)
def test_diana_digital_offloads_the_macs(kernel_modules, model, share):
    decisions = _partition(kernel_modules(model), "diana-digital", pad_in_l1=True)
    assert _share(decisions) >= share
    for d in decisions:
        if d.unit is None:
            assert d.op in ("qk.avg_pool2d", "qk.softmax") or d.macs < 0.13 * sum(x.macs for x in decisions)


def test_ds_cnn_first_conv_stays_on_the_cpu_with_every_reason(kernel_modules):
    decisions = _partition(kernel_modules("kws_dscnn"), "diana-digital", pad_in_l1=True)
    first = next(d for d in decisions if d.layer == "conv2d")
    assert first.unit is None and first.macs == 320000
    assert first.reason == (
        "input 0 1x49x10x1 has 490 elements, not a multiple of 4; kernel 10x4; the unit takes 1, 3, 5, 7 in each of h and w"
    )


def test_the_units_own_padding_cannot_pad_with_the_zero_point(kernel_modules):
    decisions = _partition(kernel_modules("ic_resnet8"), "diana-digital")
    assert 0.02 < _share(decisions) < 0.03  # only the unpadded 1x1 convs
    padded = [d for d in decisions if d.reason and "padded with input zero point -128" in d.reason]
    assert {d.layer for d in padded} == {"conv2d", "conv2d.1", "conv2d.2", "conv2d.3", "conv2d.4", "conv2d.6", "conv2d.7"}


@pytest.mark.parametrize("model", ["ic_resnet8", "kws_dscnn", "vww_mobilenet", "ad_toycar"])
def test_diana_digital_shift_offloads_no_tflm_layer(kernel_modules, model):
    """TFLM's per-channel multipliers are not powers of two: no conv or dense is a shift."""
    decisions = _partition(kernel_modules(model), "diana-digital-shift", pad_in_l1=True)
    assert _share(decisions) == 0.0
    for d in decisions:
        if d.op in ("qk.conv2d", "qk.dense") and "elements" not in d.reason:
            assert "requantisation is not a shift" in d.reason, d


def test_the_marks_are_reset_and_the_module_verifies(kernel_modules):
    module = kernel_modules("ic_resnet8")
    _partition(module, "diana-digital", record_reasons=True, pad_in_l1=True)
    _partition(module, "diana-digital-shift", record_reasons=True)
    module.verify()
    marks = [op.attributes.get(UNIT_ATTR) for op in module.walk() if REASON_ATTR in op.attributes]
    assert marks and not any(marks)
    assert not [op for op in module.walk() if UNIT_ATTR in op.attributes]


@pytest.mark.parametrize("target", ["diana-digital", "diana-digital-shift"])
def test_the_mcu_pipeline_refuses_an_accelerator_target(tinymlir_opt, models_dir, tmp_path, target):
    """`tinymlir-opt --pipeline=mcu --target-desc=diana-digital M.onnx -o out/`: exit 1, one
    line saying the offload lowering is not built yet, no C written."""
    out = tmp_path / "out"
    proc = tinymlir_opt(models_dir / "kws_dscnn.onnx", "--pipeline=mcu", f"--target-desc={target}", "-o", f"{out}/")
    assert proc.returncode == 1
    errors = [line for line in proc.stderr.splitlines() if "error" in line]
    assert errors == [
        f"tinymlir-opt: error: convert-kernel-to-loops: target '{target}' has an accelerator (digital), and "
        "lowering offloaded layers (L1 tiling, DMA, accfg configuration, the accel_* HAL) is not built yet; "
        "compile for the CPU with --target-desc=cortex-m4, or see the partition with "
        "-p 'canonicalize,cse,qnn-schedule,convert-qnn-to-kernel,offload-to-accel{report=true}'"
    ]
    assert "Traceback" not in proc.stderr
    assert not out.exists() or not list(out.glob("*.c"))


def test_which_tflm_stages_are_a_floor_shift():
    """Why diana-digital-shift accepts multiplier 2^30 with shift 1 or 0 only (dialects/accel.py,
    requantisation_refusal): scale 1 is the identity, scale 1/2 is floor((acc + 1) / 2), and at
    scale 2^-n, n >= 2, TFLM's two roundings match no floor shift, whatever offset the compiler
    folds into the bias."""
    import numpy as np

    from tinymlir.fixedpoint import multiply_by_quantized_multiplier

    acc = np.arange(-70000, 70000, dtype=np.int64)
    assert np.array_equal(multiply_by_quantized_multiplier(acc, 1 << 30, 1), acc)
    assert np.array_equal(multiply_by_quantized_multiplier(acc, 1 << 30, 0), (acc + 1) >> 1)
    for n in (2, 3, 5):
        tflm = multiply_by_quantized_multiplier(acc, 1 << 30, 1 - n)
        for offset in range(1 << n):
            assert not np.array_equal(tflm, (acc + offset) >> n), (n, offset)
    # onnxruntime: round half to even of acc * 2^-1 (exact in float32 here)
    onnx = np.rint(acc.astype(np.float32) * np.float32(0.5)).astype(np.int64)
    assert not any(np.array_equal(onnx, (acc + offset) >> 1) for offset in (0, 1))
