"""The accelerator's host simulator (tinymlir/accel_sim): built with the host cc (strict C99) and
a script-reading driver (accel_sim_driver.c), run on random conv / depthwise / dense / add
layers in both numerics modes and with the shift-only requantiser, compared bit-exactly with
tinymlir's kernel reference (tinymlir.kernel_reference on a parsed qk op); placement bugs are
errors; cycle counts follow the model's formulas; the sources compile for the Cortex-M4."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from xdsl.parser import Parser

from tinymlir import fixedpoint as fp
from tinymlir import kernel_reference
from tinymlir.accel_sim import source_text, write_sources
from tinymlir.dialects import kernel as qk
from tinymlir.pipelines import make_context
from tinymlir.target import load_target

HERE = Path(__file__).parent
CFLAGS = ["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-O1"]
_ENUM = source_text("accel_hal.h").split("ACCEL_FIELD_C = 0")[1].split("ACCEL_FIELD_COUNT")[0]
FIELD = {name: i for i, name in enumerate(["C", *re.findall(r"ACCEL_FIELD_(\w+)", re.sub(r"/\*.*?\*/", "", _ENUM, flags=re.S))])}
OP = {"conv2d": 0, "depthwise": 1, "dense": 2, "add": 3}
ENGINE_ACT, ENGINE_OUT, ENGINE_W = 0, 1, 2  # diana-digital's [dma] order
HOST, L2, L1_ACT, L1_W = 0, 1, 2, 3


def build(target, folder: Path, *defines: str) -> Path:
    write_sources(target, folder)
    binary = folder / "driver"
    subprocess.run(["cc", *CFLAGS, *defines, f"-I{folder}", str(folder / "accel_sim.c"),
                    str(HERE / "accel_sim_driver.c"), "-o", str(binary)], check=True)
    return binary


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    cache = {}

    def get(name: str, *, asynchronous: bool = False):
        key = (name, asynchronous)
        if key not in cache:
            target = load_target(name)
            if asynchronous:
                target = dataclasses.replace(target, dma=tuple(dataclasses.replace(d, mode="async") for d in target.dma))
            cache[key] = build(target, tmp_path_factory.mktemp(name + ("-async" if asynchronous else "")))
        return cache[key]

    return get


def run(binary: Path, script: list[str], expect_status: int = 0):
    done = subprocess.run([str(binary)], input="\n".join(script) + "\n", capture_output=True, text=True, timeout=60)
    assert done.returncode == expect_status, (done.returncode, done.stderr, done.stdout[-2000:])
    return done


def hexes(values, dtype) -> str:
    return np.ascontiguousarray(np.asarray(values, dtype)).tobytes().hex()


def f32_bits(value) -> int:
    return int(np.asarray(value, np.float32).view(np.int32))


class Script:
    """Lays operands out in L1 (each 4-aligned) and loads them by DMA."""

    def __init__(self):
        self.lines: list[str] = []
        self.top = {L1_ACT: 0, L1_W: 0}

    def place(self, memory: int, values, dtype) -> int:
        data = hexes(values, dtype)
        offset = self.top[memory]
        self.top[memory] += (len(data) // 2 + 3) // 4 * 4
        engine = ENGINE_ACT if memory == L1_ACT else ENGINE_W
        self.lines.append(f"load {engine} {offset} {len(data) // 2} {data}")
        return offset

    def reserve(self, count: int) -> int:
        offset = self.top[L1_ACT]
        self.top[L1_ACT] += (count + 3) // 4 * 4
        return offset

    def set(self, **fields):
        self.lines += [f"set {FIELD[k]} {int(v)}" for k, v in fields.items()]


def parse_kernel(text: str) -> qk.KernelOp:
    module = Parser(make_context(), text).parse_module()
    (op,) = [o for o in module.walk() if isinstance(o, qk.KernelOp)]
    return op


def memref(shape, element: str) -> str:
    return "memref<" + "x".join(map(str, shape)) + f"x{element}>"


def qtensor(shape, scale: float, zp: int) -> str:
    return "!qnn.qtensor<" + "x".join(map(str, shape)) + f"xi8, {scale!r}:{zp}>"


def kernel_text(name: str, operands: list[tuple[list[int], str]], out_shape, props: str) -> str:
    args = ", ".join(f"%a{i}: {memref(s, e)}" for i, (s, e) in enumerate(operands))
    ins = ", ".join(f"%a{i}" for i in range(len(operands)))
    types = ", ".join(memref(s, e) for s, e in operands)
    return (f"func.func @f({args}, %y: {memref(out_shape, 'i8')}) {{\n"
            f"  {name} ins({ins} : {types}) outs(%y : {memref(out_shape, 'i8')}) {{{props}}}\n"
            "  func.return\n}\n")


# -- random layers ------------------------------------------------------------------------ #
def random_weighted(rng, kind: str, numerics: str, shift_only: bool = False, ties: bool = False):
    """A random conv / depthwise / dense qk op within the unit's constraints, its operand values
    and the simulator script that runs it; returns (op, args, script, output offset, count)."""
    zx, zy = int(rng.integers(-128, 128)), int(rng.integers(-20, 21))
    zx = zx // 32 if ties else zx
    lo, hi = [(-128, 127), (0, 127), (-100, 90)][rng.integers(3)] if not shift_only else [(-128, 127), (0, 127)][rng.integers(2)]
    if kind == "dense":
        n, c, k = int(rng.integers(1, 4)), int(rng.integers(1, 40)), int(rng.integers(1, 40))
        x_shape, w_shape, out_shape, cin_g = [n, c], [k, c], [n, k], c
        geometry = ""
    else:
        f = int(rng.choice([1, 3, 5, 7]))
        s = int(rng.choice([1, 2]))
        py, px = int(rng.integers(0, f // 2 + 1)), int(rng.integers(0, f // 2 + 1))
        h, w = int(rng.integers(max(f - 2 * py, 1), 11)), int(rng.integers(max(f - 2 * px, 1), 22))
        if kind == "depthwise":
            c = k = int(rng.integers(1, 24))
            cin_g, groups = 1, c
        else:
            c, k = int(rng.integers(1, 9)), int(rng.integers(1, 36))
            cin_g, groups = c, 1
        oh, ow = (h + 2 * py - f) // s + 1, (w + 2 * px - f) // s + 1
        x_shape, w_shape, out_shape = [1, h, w, c], [k, f, f, cin_g], [1, oh, ow, k]
        geometry = (f", strides = array<i64: {s}, {s}>, pads = array<i64: {py}, {px}, {py}, {px}>, "
                    f"dilations = array<i64: 1, 1>, groups = {groups} : i64")
    x = rng.integers(-128, 128, x_shape)
    weights = rng.integers(-128, 128, w_shape)
    bias = rng.integers(-20000, 20000, k)
    if ties:
        x, weights, bias = x // 32, weights // 32, bias // 1000
    operands, args = [(x_shape, "i8"), (w_shape, "i8"), ([k], "i32")], [x, weights, bias]
    props = (f'layer = 0 : i64, layer_name = "y", input_types = [{qtensor(x_shape, 0.5, zx)}], '
             f"output_type = {qtensor(out_shape, 0.25, zy)}, clamp = array<i64: {lo}, {hi}>, "
             f"numerics = #qnn.numerics<{numerics}>{geometry}")
    sim_stage: dict[str, int] = {}
    tables: list[tuple[np.ndarray, str]] = []
    if shift_only:  # TFLM scale 1 or 1/2: exactly a floor shift after folding (accel.py)
        tflm_shift = int(rng.integers(0, 2))
        props += f", multiplier = {1 << 30} : i32, shift = {tflm_shift} : i32"
        sim_stage.update(OUT_SHIFT=1 - tflm_shift)
    elif numerics == "onnx":
        scales = (rng.uniform(0.2, 3.0, k) / max(cin_g * w_shape[1] * w_shape[2] if kind != "dense" else c, 1) / 60).astype(np.float32)
        if ties:  # x.5 products: rounding half to even, not away from zero
            scales[:] = 0.5
        if rng.integers(2):
            operands.append(([k], "f32"))
            args.append(scales)
            tables.append((scales, "float32"))
        else:
            props += f", scale = {float(scales[0])!r} : f32"
            sim_stage.update(SCALE=f32_bits(scales[0]))
    else:
        multipliers = rng.integers(1 << 30, (1 << 31) - 1, k)
        shifts = rng.integers(-16, -6, k)  # unsaturated outputs mostly
        shifts[rng.integers(k)] = rng.integers(-1, 2)  # and a left shift or two
        if rng.integers(2):
            operands += [([k], "i32"), ([k], "i8")]
            args += [multipliers, shifts]
            tables += [(multipliers, "int32"), (shifts, "int8")]
        else:
            props += f", multiplier = {int(multipliers[0])} : i32, shift = {int(shifts[0])} : i32"
            sim_stage.update(MULT=int(multipliers[0]), SHIFT=int(shifts[0]))
    name = "qk.dense" if kind == "dense" else "qk.conv2d"
    op = parse_kernel(kernel_text(name, operands, out_shape, props))
    op.verify()

    # what the compiler folds for the unit: a padded conv pads with zx (the unit's pad value)
    # and subtracts zx * sum(w) from the bias; the shift requantiser's rounding offset and zero point
    sim_bias = bias.copy()
    if kind != "dense" and op.padded:
        sim_bias = sim_bias - zx * weights.reshape(k, -1).sum(axis=1)
    if shift_only:
        n = 1 - tflm_shift
        sim_bias = sim_bias + (1 if n == 1 else 0) + (zy << n)
    script = Script()
    in_addr = script.place(L1_ACT, x, np.int8)
    w_addr = script.place(L1_W, weights, np.int8)
    b_addr = script.place(L1_W, sim_bias, np.int32)
    count = int(np.prod(out_shape))
    out_addr = script.reserve(count)
    fields = dict(C=c, K=k, IN_ADDR=in_addr, W_ADDR=w_addr, BIAS_ADDR=b_addr, OUT_ADDR=out_addr,
                  CLAMP_LO=lo, CLAMP_HI=hi)
    if kind == "dense":
        fields.update(OX=x_shape[0])
    else:
        fields.update(IY=h, IX=w, FY=f, FX=f, OY=oh, OX=ow, STRIDE=s, PAD_Y=py, PAD_X=px,
                      PAD_FLAGS=15 if (py or px) else 0, PAD_VALUE=zx)
    if not shift_only:
        fields.update(NUMERICS=1 if numerics == "onnx" else 0, OUT_ZP=zy)
        table_fields = ["SCALE_ADDR"] if numerics == "onnx" else ["MULT_ADDR", "SHIFT_ADDR"]
        for field, (values, dtype) in zip(table_fields, tables, strict=False):
            fields[field] = script.place(L1_W, values, dtype)
    fields.update(sim_stage)
    script.set(**fields)
    script.lines += [f"launch {OP[kind]}", "await", f"dump {L1_ACT} {out_addr} {count}"]
    return op, args, script, count


def random_add(rng, numerics: str, shift_only: bool = False):
    shape = [1, int(rng.integers(1, 5)), int(rng.integers(1, 9)), int(rng.integers(1, 20))]
    count = int(np.prod(shape))
    a, b = rng.integers(-128, 128, shape), rng.integers(-128, 128, shape)
    script = Script()
    a_addr, b_addr = script.place(L1_ACT, a, np.int8), script.place(L1_ACT, b, np.int8)
    out_addr = a_addr if rng.integers(2) else script.reserve(count)  # in place, or not
    script.set(OY=1, OX=1, K=count, IN_ADDR=a_addr, IN2_ADDR=b_addr, OUT_ADDR=out_addr)
    if shift_only:  # the chip's add: clip(floor((a + b) / 2^shift)); no qk op computes it
        n = int(rng.integers(0, 3))
        expected = np.clip(np.floor_divide(a + b, 1 << n), -128, 127)
        script.set(OUT_SHIFT=n)
        script.lines += [f"launch {OP['add']}", "await", f"dump {L1_ACT} {out_addr} {count}"]
        return None, [a, b], script, count, expected
    (sa, za), (sb, zb), (so, zo) = [(float(np.float32(rng.uniform(0.01, 0.2))), int(rng.integers(-50, 50))) for _ in range(3)]
    lo, hi = [(-128, 127), (-50, 127)][rng.integers(2)]
    props = (f'layer = 0 : i64, layer_name = "y", input_types = [{qtensor(shape, sa, za)}, {qtensor(shape, sb, zb)}], '
             f"output_type = {qtensor(shape, so, zo)}, clamp = array<i64: {lo}, {hi}>, numerics = #qnn.numerics<{numerics}>")
    fields = dict(NUMERICS=1 if numerics == "onnx" else 0, OUT_ZP=zo, CLAMP_LO=lo, CLAMP_HI=hi,
                  ADD_IN1_OFFSET=-za, ADD_IN2_OFFSET=-zb)
    if numerics == "tflm":
        params = fp.add_params(sa, za, sb, zb, so, zo)
        values = [int(params[key]) for key in qk.ADD_PARAMS]
        props += ", params = array<i64: " + ", ".join(map(str, values)) + ">"
        p = dict(zip(qk.ADD_PARAMS, values, strict=True))
        fields.update(ADD_LEFT_SHIFT=p["left_shift"], ADD_IN1_OFFSET=p["input1_offset"], ADD_IN1_MULT=p["input1_multiplier"],
                      ADD_IN1_SHIFT=p["input1_shift"], ADD_IN2_OFFSET=p["input2_offset"],
                      ADD_IN2_MULT=p["input2_multiplier"], ADD_IN2_SHIFT=p["input2_shift"],
                      ADD_OUT_MULT=p["output_multiplier"], ADD_OUT_SHIFT=p["output_shift"])
    else:
        fields.update(ADD_IN1_SCALE=f32_bits(sa), ADD_IN2_SCALE=f32_bits(sb), ADD_OUT_SCALE=f32_bits(so))
    op = parse_kernel(kernel_text("qk.add", [(shape, "i8"), (shape, "i8")], shape, props))
    op.verify()
    script.set(**fields)
    script.lines += [f"launch {OP['add']}", "await", f"dump {L1_ACT} {out_addr} {count}"]
    return op, [a, b], script, count, kernel_reference.compute(op, [a, b])


def simulated(binary: Path, script: Script, count: int) -> np.ndarray:
    out = run(binary, script.lines).stdout
    (dump,) = [line for line in out.splitlines() if line.startswith("dump ")]
    return np.frombuffer(bytes.fromhex(dump[5:]), np.int8).astype(np.int64)


@pytest.mark.parametrize("numerics", ["tflm", "onnx"])
@pytest.mark.parametrize("kind", ["conv2d", "depthwise", "dense"])
def test_weighted_layers_are_bit_exact_with_the_kernel_reference(driver, kind, numerics):
    rng = np.random.default_rng(hash((kind, numerics)) % 2**32)
    for _ in range(12):
        op, args, script, count = random_weighted(rng, kind, numerics)
        expected = kernel_reference.compute(op, args).reshape(-1)
        np.testing.assert_array_equal(simulated(driver("diana-digital"), script, count), expected, err_msg=str(op))


def test_onnx_ties_round_half_to_even(driver):
    rng = np.random.default_rng(5)
    for kind in ("conv2d", "dense"):
        op, args, script, count = random_weighted(rng, kind, "onnx", ties=True)
        expected = kernel_reference.compute(op, args).reshape(-1)
        np.testing.assert_array_equal(simulated(driver("diana-digital"), script, count), expected)


@pytest.mark.parametrize("numerics", ["tflm", "onnx"])
def test_add_is_bit_exact_with_the_kernel_reference(driver, numerics):
    rng = np.random.default_rng(7 if numerics == "tflm" else 8)
    for _ in range(12):
        _, _, script, count, expected = random_add(rng, numerics)
        np.testing.assert_array_equal(simulated(driver("diana-digital"), script, count), expected.reshape(-1))


@pytest.mark.parametrize("kind", ["conv2d", "depthwise", "dense"])
def test_the_shift_requantiser_matches_tflm_at_scale_one_and_one_half(driver, kind):
    """diana-digital-shift: clip(floor((acc + bias') / 2^n)), the rounding offset and zero point
    folded into bias', is TFLM's stage at multiplier 2^30, shift 1 or 0 (offload-to-accel's rule)."""
    rng = np.random.default_rng(11)
    for _ in range(10):
        op, args, script, count = random_weighted(rng, kind, "tflm", shift_only=True)
        expected = kernel_reference.compute(op, args).reshape(-1)
        np.testing.assert_array_equal(simulated(driver("diana-digital-shift"), script, count), expected)


def test_the_shift_only_add(driver):
    rng = np.random.default_rng(12)
    for _ in range(6):
        _, _, script, count, expected = random_add(rng, "tflm", shift_only=True)
        np.testing.assert_array_equal(simulated(driver("diana-digital-shift"), script, count), expected.reshape(-1))


# -- placement bugs ---------------------------------------------------------------------- #
def test_a_dma_past_the_end_of_l1_is_an_error(driver):
    done = run(driver("diana-digital"), [f"load {ENGINE_ACT} 255950 100 " + "00" * 100], expect_status=3)
    assert "accel_dma_start(l2_to_l1_act): L1_ACT bytes [255950, 256050) past the end of L1_ACT (256000 bytes)" in done.stderr


def test_a_strided_dma_past_the_end_of_l2_is_an_error(driver):
    done = run(driver("diana-digital"), [f"dma {ENGINE_ACT} 2 511000 0 100 11 1 100 0 100 0"], expect_status=3)
    assert "L2 bytes [511000, 512100) past the end of L2 (512000 bytes)" in done.stderr


def test_a_kernel_operand_past_the_end_of_l1_is_an_error(driver):
    script = Script()
    script.set(C=16, K=32, IY=4, IX=4, FY=3, FX=3, OY=2, OX=2, W_ADDR=64000 - 32 * 9 * 16 + 4)
    script.lines.append(f"launch {OP['conv2d']}")
    done = run(driver("diana-digital"), script.lines, expect_status=3)
    assert "accel_launch(conv2d): weights [59396, 64004) past the end of L1_W (64000 bytes)" in done.stderr


def test_errors_are_status_codes_without_exit(tmp_path):
    binary = build(load_target("diana-digital"), tmp_path, "-DACCEL_SIM_EXIT_ON_ERROR=0")
    done = run(binary, [f"set {FIELD['FY']} 4", f"set {FIELD['C']} 1", f"set {FIELD['K']} 1",
                        f"set {FIELD['IY']} 4", f"set {FIELD['IX']} 4", f"set {FIELD['OY']} 1",
                        f"set {FIELD['OX']} 1", f"launch {OP['conv2d']}"], expect_status=12)
    assert "kernel 4x0 is not one the unit takes" in done.stderr and "status 2" in done.stdout


def test_an_output_overlapping_the_input_is_an_error(driver):
    script = Script()
    script.set(C=4, K=4, IY=4, IX=4, FY=1, FX=1, OY=4, OX=4, IN_ADDR=0, OUT_ADDR=32, W_ADDR=0, BIAS_ADDR=16)
    script.lines.append(f"launch {OP['conv2d']}")
    assert "overlaps the input" in run(driver("diana-digital"), script.lines, expect_status=3).stderr


def test_launching_on_an_unwaited_dma_is_a_hazard(driver):
    script = [f"start {ENGINE_ACT} 0 64 " + "01" * 64, *Script().lines]
    s = Script()
    s.set(OY=1, OX=1, K=64, IN_ADDR=0, IN2_ADDR=0, OUT_ADDR=128)
    script += s.lines + [f"launch {OP['add']}"]
    done = run(driver("diana-digital", asynchronous=True), script, expect_status=3)
    assert "accel_launch(add): L1_ACT bytes [0, 64) are moved by DMA 0, not waited on" in done.stderr
    # the blocking engines of diana-digital complete the DMA before it returns
    run(driver("diana-digital"), script)


# -- cycle model ------------------------------------------------------------------------- #
def counters(binary: Path, script: list[str]) -> dict[str, dict[str, int]]:
    keys = ("cycles", "compute", "dma", "config", "macs", "pe_macs", "bytes", "transfers", "writes", "launches")
    out = run(binary, script + ["counters"]).stdout
    return {f[1]: dict(zip(keys, map(int, f[2:]), strict=True))
            for f in (line.split() for line in out.splitlines() if line.startswith("counters "))}


CONV_FIELDS = dict(C=4, K=20, IY=5, IX=22, FY=3, FX=3, OY=3, OX=20, IN_ADDR=0, OUT_ADDR=1024, W_ADDR=0, BIAS_ADDR=1024)


def test_compute_cycles_follow_the_pe_array_mapping(driver):
    s = Script()
    s.lines.append("layer conv")
    s.set(**CONV_FIELDS)
    s.lines += [f"launch {OP['conv2d']}", "await", "layer dw"]
    s.set(C=20, K=20, OUT_ADDR=4096)
    s.lines += [f"launch {OP['depthwise']}", "await", "layer dense"]
    s.set(C=100, K=33, OX=2, OUT_ADDR=1024)
    s.lines += [f"launch {OP['dense']}", "await"]
    c = counters(driver("diana-digital"), s.lines)
    # ceil(OX/16) * ceil(K/16) * OY * C * FY * FX: 2 * 2 * 3 * 4 * 9
    assert c["conv"]["compute"] == 432 and c["conv"]["macs"] == 3 * 20 * 20 * 4 * 9 == 43200
    assert c["conv"]["pe_macs"] == 432 * 256  # 39.1 % utilisation: (20 / 32)^2
    assert c["conv"]["config"] == len(CONV_FIELDS) + 1 and c["conv"]["cycles"] == len(CONV_FIELDS) + 1 + 432
    assert c["dw"]["compute"] == 2 * 2 * 3 * 9  # one input channel per output channel
    assert c["dense"]["compute"] == 1 * 3 * 100  # ceil(2/16) * ceil(33/16) * C


def test_dma_cycles_are_setup_plus_bytes_over_bandwidth(driver):
    c = counters(driver("diana-digital"), ["layer copy", f"load {ENGINE_ACT} 0 1000 " + "00" * 1000,
                                           f"dma {ENGINE_OUT} 3 0 0 10 3 2 100 1000 10 30"])
    # 10 + ceil(1000 / 8) and 10 + ceil(60 / 8)
    assert c["copy"]["dma"] == 135 + 18 and c["copy"]["bytes"] == 1060 and c["copy"]["cycles"] == 153


def test_dma_and_compute_overlap_only_when_the_wait_follows_the_launch(driver):
    s = Script()
    s.lines.append("layer overlap")
    s.set(**CONV_FIELDS)
    setup = len(CONV_FIELDS)
    overlapped = [*s.lines, f"start {ENGINE_ACT} 60000 1000 " + "00" * 1000, f"launch {OP['conv2d']}", "waitall", "await"]
    serial = [*s.lines, f"start {ENGINE_ACT} 60000 1000 " + "00" * 1000, "waitall", f"launch {OP['conv2d']}", "await"]
    asynchronous = driver("diana-digital", asynchronous=True)
    # async: the DMA (135) runs under the launch's 432 cycles
    assert counters(asynchronous, overlapped)["overlap"]["cycles"] == setup + 1 + 432
    assert counters(asynchronous, serial)["overlap"]["cycles"] == setup + 135 + 1 + 432
    # diana-digital's engines block (HTVM waits every DMA at once): never overlapped
    assert counters(driver("diana-digital"), overlapped)["overlap"]["cycles"] == setup + 135 + 1 + 432


def test_the_counters_table_prints(driver):
    s = Script()
    s.lines.append("layer conv")
    s.set(**CONV_FIELDS)
    s.lines += [f"launch {OP['conv2d']}", "await"]
    out = run(driver("diana-digital"), s.lines + ["counters"]).stdout
    assert re.search(r"^conv\s+ 4\d\d\s+432\s+0\s+\d+\s+43200\s+39\.1\s+0$", out, re.M), out
    assert re.search(r"^total\s", out, re.M)


def test_the_sources_are_portable_c99_for_the_cortex_m4(tmp_path):
    compiler = shutil.which("arm-none-eabi-gcc")
    if compiler is None:
        pytest.skip("arm-none-eabi-gcc is not installed")
    for name in ("diana-digital", "diana-digital-shift"):
        folder = tmp_path / name
        target = load_target(name)
        write_sources(target, folder)
        subprocess.run([compiler, *CFLAGS, *target.c.flags, "-c", str(folder / "accel_sim.c"), "-o",
                        str(folder / "accel_sim.o")], check=True)


def test_a_target_the_simulator_cannot_model_is_refused():
    from tinymlir.errors import TinymlirError

    with pytest.raises(TinymlirError, match="has no accelerator to simulate"):
        write_sources(load_target("cortex-m4"), "/nonexistent")


def test_a_3d_strided_dma_gathers_a_tile(driver):
    """A 3x4x5 tile (rows, columns, channels) of an 8x10x5 HWC tensor in L2 at row 2, column 3,
    gathered densely into L1 (2-D), then scattered into another L2 tensor at row 1, column 0 (3-D)."""
    tensor = np.arange(8 * 10 * 5).reshape(8, 10, 5) % 251
    row_bytes, pixel = 10 * 5, 5
    tile_origin = (2 * 10 + 3) * 5
    script = [f"poke {L2} 0 {tensor.size} {hexes(tensor, np.uint8)}",
              # 4 columns x 5 channels contiguous, 3 rows
              f"dma {ENGINE_ACT} 2 {tile_origin} 0 {4 * pixel} 3 1 {row_bytes} 0 {4 * pixel} 0",
              f"dump {L1_ACT} 0 60",
              # one pixel contiguous, 4 columns, 3 rows
              f"dma {ENGINE_OUT} 3 {1000 + 1 * row_bytes} 0 {pixel} 4 3 {pixel} {row_bytes} {pixel} {4 * pixel}",
              f"dump {L2} 1000 {tensor.size}"]
    dumps = [line[5:] for line in run(driver("diana-digital"), script).stdout.splitlines() if line.startswith("dump ")]
    tile = tensor[2:5, 3:7, :].astype(np.uint8)
    assert bytes.fromhex(dumps[0]) == tile.tobytes()
    expected = np.zeros((8, 10, 5), np.uint8)
    expected[1:4, 0:4, :] = tile
    np.testing.assert_array_equal(np.frombuffer(bytes.fromhex(dumps[1]), np.uint8).reshape(8, 10, 5), expected)


def test_no_undefined_behaviour_under_the_sanitizers(tmp_path, monkeypatch):
    monkeypatch.setenv("ASAN_OPTIONS", "detect_leaks=0")  # the driver keeps its DMA buffers
    binary = build(load_target("diana-digital"), tmp_path, "-fsanitize=undefined,address", "-fno-sanitize-recover=all")
    rng = np.random.default_rng(21)
    for kind in ("conv2d", "depthwise", "dense"):
        for numerics in ("tflm", "onnx"):
            op, args, script, count = random_weighted(rng, kind, numerics)
            np.testing.assert_array_equal(simulated(binary, script, count), kernel_reference.compute(op, args).reshape(-1))
    _, _, script, count, expected = random_add(rng, "tflm")
    np.testing.assert_array_equal(simulated(binary, script, count), expected.reshape(-1))
