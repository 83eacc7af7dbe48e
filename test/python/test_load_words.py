"""mcuc.load_words (4 int32 in one LDMIA) in the Cortex-M4 dense lowering.

- a dense layer of 4 | units int8 channels lowers its K loop's weight words through
  mcuc.load_words (the register model's choice: 1 x 4 tiles, `load_words`), and the
  interpreter on the loops (LoadWordsOp's Python semantics) equals the reference executor
  in both numerics modes;
- ToyCar's C built for the Cortex-M4 at -O2 reads the dense weights with LDMIA (the
  inline-asm path of tinymlir_load_w32x4; its bit-exactness under QEMU: tinymlir-bench,
  the host fallback: test_e2e_c's ToyCar rows).
"""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pytest

from tinymlir.dialects import qnn

DENSE = """
func.func @main(%x: !qnn.qtensor<1x32xi8, 0.5:-3>) -> !qnn.qtensor<1x8xi8, 0.2:1> {
  %w = qnn.constant dense<WEIGHTS> : tensor<8x32xi8> -> !qnn.qtensor<8x32xi8, 0.02:0>
  %b = arith.constant dense<[1, -2, 3, -4, 5, -600, 70, 8]> : tensor<8xi32>
  %d = qnn.dense %x, %w, %b : !qnn.qtensor<1x32xi8, 0.5:-3>, !qnn.qtensor<8x32xi8, 0.02:0>, tensor<8xi32> -> !qnn.qtensor<1x8xi8, 0.2:1>
  func.return %d : !qnn.qtensor<1x8xi8, 0.2:1>
}
"""

PIPELINE = "convert-qnn-to-kernel,convert-kernel-to-loops,canonicalize,cse,plan-arena"


@pytest.mark.parametrize("numerics", ["tflm", "onnx"])
def test_dense_loops_with_load_words_match_reference(numerics):
    from xdsl.parser import Parser

    from tinymlir.interpreter import run_loops
    from tinymlir.pipelines import make_context, run_pipeline
    from tinymlir.reference import run_module
    from tinymlir.target import load_target, set_target

    rng = np.random.default_rng(7)
    text = DENSE.replace("WEIGHTS", str(rng.integers(-128, 128, (8, 32)).tolist()))
    module = Parser(make_context(), text).parse_module()
    qnn.set_numerics(module, numerics)
    set_target(module, load_target("cortex-m4"))
    lowered = module.clone()
    run_pipeline(lowered, PIPELINE)
    lowered.verify()
    assert str(lowered).count("mcuc.load_words") == 1  # one LDM of 4 words a quad
    for _ in range(3):
        x = rng.integers(-128, 128, (1, 32), dtype=np.int8)
        np.testing.assert_array_equal(run_loops(lowered, [x])[0], run_module(module, [x])[0])


def test_toycar_dense_reads_weights_with_ldmia(models_dir, tmp_path):
    gcc = shutil.which("arm-none-eabi-gcc")
    if gcc is None:
        pytest.skip("arm-none-eabi-gcc not installed (bench/harness/install-toolchain.sh)")
    from tinymlir.build import STRICT_CFLAGS
    from tinymlir.compiler import compile_model

    c_file = compile_model(models_dir / "ad_toycar.onnx", tmp_path).c_file
    assert "tinymlir_load_w32x4(&dense_packed[" in c_file.read_text()
    obj = tmp_path / "m.o"
    flags = [*STRICT_CFLAGS, "-O2", "-mcpu=cortex-m4", "-mthumb"]
    result = subprocess.run([gcc, *flags, "-c", str(c_file), "-o", str(obj)], capture_output=True, text=True)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    disassembly = subprocess.run(["arm-none-eabi-objdump", "-d", str(obj)], capture_output=True, text=True,
                                 check=True).stdout
    assert disassembly.count(", {r0, r1, r2, r3}") >= 10  # each dense layer's K loop
