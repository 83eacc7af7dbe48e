"""Cortex-M4 instructions per output element of the conv / dense output stage.

Compares, on QEMU mps2-an386 with the instruction-counting plugin (tinymlir.bench.cortex_m):
  onnx-integer      y = rint(clampf(f32(acc) * S, lo, hi)) + zy through arith-emulate-f32
                    (the fused helper with S decomposed at compile time), no FPU
  onnx-integer-table  the same with S read from a per-channel f32 table (decomposed at run time)
  onnx-unfused      the same chain with S a run-time argument, which is not fused: the
                    general sitofp / mulf / maximumf / minimumf / roundeven / fptosi helpers
  onnx-hard-float   the same IR with arith-emulate-f32{hard-float=true}, built with
                    -mfloat-abi=hard -mfpu=fpv4-sp-d16 (Cortex-M4F)
  tflm              TFLM's multiply_by_quantized_multiplier + zero point + clamp, as
                    convert-kernel-to-loops emits it in tflm mode
Each is a loop over N accumulators (volatile loads and stores) minus the same loop with the
stage replaced by a copy, divided by N. Two accumulator spreads: +-2^16 (typical; with
S = 0.0123 most of them saturate) and +-2^13 (all inside the unsaturated band, |y| < 101).

    .venv/bin/python bench/output_stage.py [--opt -O2] [--n 1000]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np
from xdsl.builder import Builder, InsertPoint
from xdsl.dialects import arith, func, math, memref
from xdsl.dialects.builtin import (
    DenseIntOrFPElementsAttr,
    FloatAttr,
    IndexType,
    MemRefType,
    ModuleOp,
    StringAttr,
    TensorType,
    UnitAttr,
    f32,
    i32,
)
from xdsl.ir import Block, Region

from tinymlir import fixedpoint as fp
from tinymlir.backend.c_printer import print_c
from tinymlir.bench import harness_dir, run_tool
from tinymlir.bench.cortex_m import require_cross_toolchain, run_qemu
from tinymlir.dialects import fxp
from tinymlir.pipelines import c_pipeline, run_pipeline

SCALE, ZERO_POINT, LO, HI = 0.0123, -3, -128, 127
SOFT = ("-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=soft")
HARD = ("-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16")

MAIN = """
#include <stdint.h>
#include "bench_rt.h"
#include "stage.c"

#define N {n}
#define SPREAD {spread}
static volatile int32_t acc[N];
static volatile int32_t out[N];

static void put_hex(char *dst, uint32_t value)
{{
    for (int i = 7; i >= 0; i--) {{
        dst[i] = "0123456789abcdef"[value & 15u];
        value >>= 4;
    }}
}}

int main(void)
{{
#ifdef BENCH_FPU  /* CP10/CP11 full access before any FPU instruction */
    *(volatile uint32_t *)0xE000ED88u |= 0xFu << 20;
    __asm__ volatile("dsb\\n\\tisb" ::: "memory");
#endif
    uint32_t seed = 12345u;
    for (int i = 0; i < N; i++) {{
        seed = seed * 1664525u + 1013904223u;
        acc[i] = (int32_t)(seed >> (31 - SPREAD)) - (1 << SPREAD);  /* +-2^SPREAD */
    }}
    bench_start();
    for (int i = 0; i < N; i++)
        out[i] = STAGE(acc[i], i);
    bench_stop();
    uint32_t hash = 2166136261u;
    char line[] = "out=xxxxxxxx\\n", sum[] = "checksum=xxxxxxxx\\n";
    uint32_t first = (uint32_t)out[0];
    put_hex(&line[4], (first >> 24) | ((first >> 8) & 0xFF00u) | ((first << 8) & 0xFF0000u) | (first << 24));
    for (int b = 0; b < 4; b++)
        hash = (hash ^ ((first >> (8 * b)) & 0xFFu)) * 16777619u;
    put_hex(&sum[9], hash);
    bench_puts("status=0\\n");
    bench_puts(line);
    bench_puts(sum);
    bench_puts("done\\n");
    return 0;
}}
"""


def _function(name, arg_types, build) -> func.FuncOp:
    block = Block(arg_types=arg_types)
    builder = Builder(InsertPoint.at_end(block))
    ops = build(*block.args)
    for o in ops:
        builder.insert(o)
    builder.insert(func.ReturnOp(ops[-1].results[0]))
    return func.FuncOp(name, (arg_types, [i32]), Region(block))


def _onnx_stage(acc, scale):
    """The onnx-mode stage as convert-kernel-to-loops emits it (lo/hi minus zy, then + zy)."""
    ops = [lo := arith.ConstantOp(FloatAttr(float(LO - ZERO_POINT), f32)),
           hi := arith.ConstantOp(FloatAttr(float(HI - ZERO_POINT), f32))]  # fmt: skip
    if scale is None:
        ops.append(s := arith.ConstantOp(FloatAttr(SCALE, f32)))
        scale = s.result
    ops += [x := arith.SIToFPOp(acc, f32), m := arith.MulfOp(x, scale)]
    ops += [mx := arith.MaximumfOp(m, lo), mn := arith.MinimumfOp(mx, hi), r := math.RoundEvenOp(mn)]
    ops += [y := arith.FPToSIOp(r, i32), z := arith.ConstantOp.from_int_and_width(ZERO_POINT, i32)]
    return [*ops, arith.AddiOp(y, z)]


def _tflm_stage(acc):
    multiplier, shift = fp.quantize_multiplier(SCALE)
    ops = [m := arith.ConstantOp.from_int_and_width(int(multiplier), i32),
           s := arith.ConstantOp.from_int_and_width(int(shift), i32),
           q := fxp.MultiplyByQuantizedMultiplierOp(acc, m, s),
           z := arith.ConstantOp.from_int_and_width(ZERO_POINT, i32), y := arith.AddiOp(q, z),
           lo := arith.ConstantOp.from_int_and_width(LO, i32), hi := arith.ConstantOp.from_int_and_width(HI, i32),
           mx := arith.MaxSIOp(y, lo)]  # fmt: skip
    return [*ops, arith.MinSIOp(mx, hi)]


def stage_source(variant: str) -> tuple[str, str]:
    """(C source defining the stage, the STAGE(acc, i) macro)."""
    table = np.full(16, SCALE, np.float32)
    if variant == "tflm":
        fs, call = [_function("stage", [i32], _tflm_stage)], "stage(x)"
    elif variant == "onnx-unfused":
        fs, call = [_function("stage", [i32, f32], _onnx_stage)], "stage(x, scale)"
    elif variant == "onnx-integer-table":
        def table_stage(acc, channel):
            g = memref.GetGlobalOp("scales", MemRefType(f32, [table.size]))
            s = memref.LoadOp.get(g, [channel])
            return [g, s, *_onnx_stage(acc, s.res)]

        fs, call = [_function("stage", [i32, IndexType()], table_stage)], "stage(x, (i) & 15)"
    elif variant == "copy":
        return "static int32_t stage(int32_t a) { return a; }\n", "stage(x)"
    else:
        fs, call = [_function("stage", [i32], lambda acc: _onnx_stage(acc, None))], "stage(x)"
    module = ModuleOp(fs)
    if variant == "onnx-integer-table":
        module.body.block.insert_op_before(memref.GlobalOp.get(
            StringAttr("scales"), MemRefType(f32, [table.size]),
            DenseIntOrFPElementsAttr.from_list(TensorType(f32, [table.size]), table.tolist()),
            constant=UnitAttr()), module.body.block.first_op)  # fmt: skip
    run_pipeline(module, c_pipeline(hard_float=variant == "onnx-hard-float"))
    source = print_c(module)
    if variant == "onnx-unfused":  # a run-time scale (external linkage: not folded)
        source += f"int32_t scale_bits = {int(np.float32(SCALE).view(np.int32))};\n"
        call = "stage(x, scale_bits)"
    return source, call


def measure(variant: str, flags, opt: str, n: int, workdir: Path, spread: int = 16) -> int:
    tools = require_cross_toolchain()
    gcc = tools["arm-none-eabi-gcc"]
    harness = harness_dir()
    build = workdir / f"{variant}-{spread}"
    build.mkdir(parents=True, exist_ok=True)
    source, call = stage_source(variant)
    (build / "stage.c").write_text(source)
    (build / "main.c").write_text(f"#define STAGE(x, i) {call}\n" + MAIN.format(n=n, spread=spread))
    cflags = ["-std=c99", opt, *flags, "-ffunction-sections", "-fdata-sections", f"-I{harness}", f"-I{build}"]
    if flags is HARD:
        cflags.append("-DBENCH_FPU")
    objects = []
    for src in (build / "main.c", harness / "startup.c"):
        obj = build / (src.stem + ".o")
        run_tool([gcc, *cflags, "-Wno-unused-function", "-c", src, "-o", obj], f"compiling {src.name}", build / "cc.log")
        objects.append(obj)
    elf = build / "bench.elf"
    run_tool([gcc, *cflags, "-nostdlib", "-T", harness / "link.ld", "-Wl,--gc-sections", *objects,
              "-Wl,--start-group", "-lc", "-lgcc", "-Wl,--end-group", "-o", elf], "linking", build / "link.log")  # fmt: skip
    return run_qemu(elf, build, name=variant)["instructions"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--opt", default="-O2")
    parser.add_argument("--n", type=int, default=1000)
    args = parser.parse_args()
    spreads = (16, 13)
    with tempfile.TemporaryDirectory(prefix="output-stage-") as tmp:
        work = Path(tmp)
        base = {(hard, spread): measure("copy", HARD if hard else SOFT, args.opt, args.n,
                                        work / ("hard" if hard else "soft"), spread)
                for hard in (False, True) for spread in spreads}  # fmt: skip
        print(f"Cortex-M4 instructions per output element ({args.opt}, N={args.n}, loop minus copy loop)")
        print(f"  {'':20s} {'acc +-2^16':>11s} {'acc +-2^13':>11s}")
        for variant in ("onnx-integer", "onnx-integer-table", "onnx-unfused", "onnx-hard-float", "tflm"):
            hard = variant == "onnx-hard-float"
            per = [(measure(variant, HARD if hard else SOFT, args.opt, args.n, work, spread)
                    - base[hard, spread]) / args.n for spread in spreads]  # fmt: skip
            print(f"  {variant:20s} " + " ".join(f"{p:11.1f}" for p in per))


if __name__ == "__main__":
    main()
