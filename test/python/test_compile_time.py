"""Compile time without losing checks (issue 13): where the driver verifies, its
``--timings`` record, the flash figure from the code unit (large arrays ``extern``, their
bytes from the IR), the vectorised initialisers and the bench's ``--compile-time`` table."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tinymlir.backend import c_library
from tinymlir.pipelines import LEVELS, PIPELINES, verification_points

MCU_PASSES = len(PIPELINES["mcu"][0].split(","))


def _run_driver(args, cwd: Path, verify_each_env: bool):
    env = {k: v for k, v in os.environ.items() if k != "TINYMLIR_VERIFY_EACH"}
    if verify_each_env:
        env["TINYMLIR_VERIFY_EACH"] = "1"
    script = Path(sys.executable).parent / "tinymlir-opt"
    command = [str(script)] if script.is_file() else [sys.executable, "-m", "tinymlir.driver"]
    return subprocess.run(
        [*command, *map(str, args)], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


# --------------------------------------------------------------------------------------
# Where the IR is verified
# --------------------------------------------------------------------------------------


def test_named_pipeline_verifies_after_import_and_each_level():
    qnn, loops, c = (len(level.split(",")) for level in LEVELS["mcu"])
    assert verification_points("mcu", MCU_PASSES, False) == {0, qnn, qnn + loops, MCU_PASSES}
    assert qnn + loops + c == MCU_PASSES


def test_verify_each_and_plain_passes_verify_after_every_pass():
    assert verification_points("mcu", MCU_PASSES, True) == set(range(MCU_PASSES + 1))
    assert verification_points(None, 3, False) == {0, 1, 2, 3}
    # passes given with -p after a named pipeline are each verified
    assert verification_points("qnn", 4, False) == {0, 2, 3, 4}


@pytest.mark.parametrize(
    ("flag", "env", "expected"),
    [((), False, 4), (("--verify-each",), False, MCU_PASSES + 1), ((), True, MCU_PASSES + 1)],
)
def test_driver_verifications_and_timings(graphs, tmp_path, flag, env, expected):
    model = tmp_path / "small.onnx"
    model.write_bytes(graphs.VALID_GRAPHS["qdq_small_cnn"]().SerializeToString())
    timings = tmp_path / "timings.json"
    proc = _run_driver(
        ["--pipeline=mcu", model, "-o", "out/", f"--timings={timings}", *flag], tmp_path, env
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(timings.read_text())
    assert report["verifications"] == expected
    kinds = {p["kind"] for p in report["phases"]}
    assert {"set-up", "onnx-package", "import", "pass", "verify", "print"} <= kinds
    assert sum(p["kind"] == "pass" for p in report["phases"]) == MCU_PASSES
    assert report["in_process_seconds"] >= sum(report["totals"].values()) * 0.99


def test_timings_table_on_stderr(graphs, tmp_path):
    model = tmp_path / "small.onnx"
    model.write_bytes(graphs.VALID_GRAPHS["qdq_conv_per_tensor"]().SerializeToString())
    proc = _run_driver(["--pipeline=qnn", model, "--timings=-"], tmp_path, False)
    assert proc.returncode == 0, proc.stderr
    assert "qnn.conv2d" in proc.stdout
    assert "verify       after import" in proc.stderr
    assert "in process (start-up not included)" in proc.stderr


def test_a_bad_intermediate_module_is_caught_with_verify_each(parse_mlir, mlir_context, monkeypatch):
    """A pass leaves invalid IR that the next pass mends, inside one level: the named
    pipeline's default does not see it, --verify-each does."""
    from xdsl.dialects import arith
    from xdsl.dialects.builtin import IntegerAttr, i32, i64
    from xdsl.passes import ModulePass, PassPipeline
    from xdsl.utils.exceptions import VerifyException

    from tinymlir.driver import TinyOptMain

    def setting(width):
        class SetConstant(ModulePass):
            name = f"set-constant-i{width.width.data}"

            def apply(self, ctx, op):
                const = next(o for o in op.walk() if isinstance(o, arith.ConstantOp))
                const.properties["value"] = IntegerAttr(1, width)

        return SetConstant()

    monkeypatch.delenv("TINYMLIR_VERIFY_EACH")
    text = "func.func @f() -> i32 {\n  %c = arith.constant 1 : i32\n  func.return %c : i32\n}"
    for verify_each in (False, True):
        main = TinyOptMain(args=["--pipeline=qnn", *(["--verify-each"] if verify_each else [])])
        # two passes, as many as the qnn level: verified before the first and after the last
        main.pipeline = PassPipeline((setting(i64), setting(i32)))
        pipeline = PassPipeline(main.pipeline.passes, main.between_passes())
        module = parse_mlir(text)
        if verify_each:
            with pytest.raises(VerifyException):
                pipeline.apply(mlir_context, module)
        else:
            pipeline.apply(mlir_context, module)
            module.verify()


def test_parallel_verification_reports_what_serial_verification_does(tmp_path):
    """Verifications before the last run in forked processes while the passes go on; an
    invalid module still gives the verifier's one-line error (TINYMLIR_SERIAL_VERIFY=1:
    in the process, the reference)."""
    bad = tmp_path / "bad.mlir"
    bad.write_text(
        "func.func @f() -> i32 {\n"
        '  %c = "arith.constant"() <{value = 1 : i64}> : () -> i32\n'
        "  func.return %c : i32\n}\n"
    )
    results = []
    for serial in ("0", "1"):
        os.environ["TINYMLIR_SERIAL_VERIFY"] = serial
        try:
            proc = _run_driver(["--pipeline=qnn", bad], tmp_path, False)
        finally:
            del os.environ["TINYMLIR_SERIAL_VERIFY"]
        results.append((proc.returncode, proc.stderr, proc.stdout))
    assert results[0] == results[1]
    assert results[0][0] == 1 and results[0][1].startswith("tinymlir-opt: error: ")
    assert results[0][1].count("\n") == 1


def test_library_writer_verifies_last_and_writes_nothing_invalid(graphs, tmp_path, monkeypatch):
    """With -o DIR/ the pipeline's last verification runs while the code compiles for the
    flash figure; a module that fails it still gives the verifier's error and no files."""
    from xdsl.dialects import arith
    from xdsl.dialects.builtin import IntegerAttr, i32, i64
    from xdsl.utils.exceptions import VerifyException

    from tinymlir.driver import TinyOptMain

    monkeypatch.delenv("TINYMLIR_VERIFY_EACH", raising=False)
    model = tmp_path / "small.onnx"
    model.write_bytes(graphs.VALID_GRAPHS["qdq_small_cnn"]().SerializeToString())
    out = tmp_path / "out"
    main = TinyOptMain(args=["--pipeline=mcu", str(model), "-o", f"{out}/"])
    run_passes = main.apply_passes

    def passes_then_break(module):
        run_passes(module)
        assert main.deferred_verification == "mcuc-form-expressions"
        bad = arith.ConstantOp.create(properties={"value": IntegerAttr(1, i64)}, result_types=[i32])
        module.body.block.add_op(bad)

    main.apply_passes = passes_then_break
    with pytest.raises(VerifyException):
        main.run()
    assert not out.exists()


# --------------------------------------------------------------------------------------
# Flash figure from the code unit
# --------------------------------------------------------------------------------------


def _require_cross_gcc() -> None:
    if shutil.which("arm-none-eabi-gcc") is None or shutil.which("arm-none-eabi-size") is None:
        message = "arm-none-eabi-gcc not installed: run bench/harness/install-toolchain.sh"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)


def _lowered(model_bytes: bytes, name: str):
    from tinymlir.compiler import import_model, lower_to_c

    return lower_to_c(import_model(model_bytes, name=name))


@pytest.mark.parametrize("name", ["kws_dscnn", "ad_toycar"])
def test_flash_figure_equals_compiling_the_whole_file(models_dir, tmp_path, name):
    """The fast figure (code unit + array bytes from the IR) is the full build's, exactly.
    (Checked on all four MLPerf models, every test graph and a 1 M-parameter MobileNet when
    EXTERN_MIN_ELEMENTS was chosen: GCC folded away arrays of up to 52 elements read at
    constant indices when they were `extern`-ed too, none at 64 and above.)"""
    _require_cross_gcc()
    from tinymlir.bench.cortex_m import library_flash_sizes, library_object_sizes

    module = _lowered((models_dir / f"{name}.onnx").read_bytes(), name)
    c_file, _, library = c_library.write_library(module, tmp_path / "lib")
    assert library.code_unit.count("\nextern const ") >= 4  # the packed weights, at least
    assert len(library.code_unit) < 0.7 * len(c_file.read_text())
    fast = library_flash_sizes(library, c_file, tmp_path)
    assert fast == library_object_sizes(c_file, tmp_path)


def test_code_sizes_are_cached_by_content(models_dir, tmp_path, monkeypatch):
    """The background compile gives library_flash_sizes' figure; a second compile of the same
    code unit comes from the cache, and TINYMLIR_NO_CACHE=1 compiles again."""
    _require_cross_gcc()
    from tinymlir.bench.code_size import NO_CACHE_ENV, start_code_size_build
    from tinymlir.bench.cortex_m import TARGET_FLAGS, library_flash_sizes

    monkeypatch.setenv("TINYMLIR_CACHE_DIR", str(tmp_path / "cache"))
    module = _lowered((models_dir / "ad_toycar.onnx").read_bytes(), "ad_toycar")
    rendered = c_library.render_library(module, tmp_path / "lib")
    c_file, _, library = rendered.write()
    expected = library_flash_sizes(library, c_file, tmp_path)

    def build():
        return start_code_size_build(
            library, rendered.h_text, rendered.h_path.name, target_flags=TARGET_FLAGS
        )

    cold = build()
    assert not cold.from_cache and cold.sizes() == expected
    from tinymlir.bench.code_size import elf_section_sizes
    from tinymlir.bench.cortex_m import object_sizes

    objects = list(tmp_path.glob("*.o"))  # library_flash_sizes' build
    assert objects
    for obj in objects:  # the section headers read as arm-none-eabi-size does
        assert elf_section_sizes(obj) == object_sizes(obj)
    warm = build()
    assert warm.from_cache and warm.sizes() == expected
    monkeypatch.setenv(NO_CACHE_ENV, "1")
    again = build()
    assert not again.from_cache and again.sizes() == expected


def test_code_unit_declares_the_chosen_arrays_extern(graphs):
    module = _lowered(graphs.VALID_GRAPHS["qop_small_cnn"]().SerializeToString(), "small")
    spans: dict = {}
    text = c_library.print_c(module, global_spans=spans)
    assert spans
    for span in spans.values():
        assert text[span.start : span.start + span.storage] == "static "
        assert text[span.initializer : span.initializer + 4] == " = {" and text[span.end] == ";"
    assert c_library.extern_constants(module) == {}  # all below EXTERN_MIN_ELEMENTS
    code = c_library.code_unit_text(text, spans, spans)
    for name in spans:
        (declaration,) = [
            line for line in code.splitlines() if f" {name}[" in line and line[:1] != " "
        ]
        assert declaration.startswith("extern const ") and declaration.endswith(";")
        assert " = " not in declaration
    assert code.count("extern const ") == len(spans)


def test_deferred_initializers_give_the_same_text(graphs):
    """render_library leaves the extern arrays' initialisers out until the text is asked for
    (the flash-size compile starts first): with every array deferred, the completed text is
    print_c's and the code unit the one from the complete text."""
    from tinymlir.backend.c_printer import insert_deferred_initializers

    module = _lowered(graphs.VALID_GRAPHS["qop_small_cnn"]().SerializeToString(), "small")
    spans: dict = {}
    text = c_library.print_c(module, global_spans=spans)
    deferred_spans: dict = {}
    deferred: dict = {}
    printed = c_library.print_c(
        module, global_spans=deferred_spans, defer_initializers=frozenset(spans), deferred=deferred
    )
    assert set(deferred) == set(spans) and len(printed) < len(text)
    assert all(s.initializer == s.end for s in deferred_spans.values())
    assert insert_deferred_initializers(printed, deferred_spans, deferred) == text
    assert c_library.code_unit_text(printed, deferred_spans, spans) == c_library.code_unit_text(
        text, spans, spans
    )


# --------------------------------------------------------------------------------------
# Initialisers
# --------------------------------------------------------------------------------------


def test_int32_initialisers_spell_like_int_literal():
    from xdsl.dialects.builtin import IntegerType, Signedness, i32

    from tinymlir.backend.c_initializers import _int32_strings
    from tinymlir.backend.c_printer import int_literal

    rng = np.random.default_rng(0)
    signed = np.concatenate(
        [np.array([0, 1, -1, 2**31 - 1, -(2**31)], np.int32),
         rng.integers(-(2**31), 2**31, 200).astype(np.int32)]
    )  # fmt: skip
    assert _int32_strings(signed, False) == [int_literal(int(v), i32).text for v in signed]
    u32 = IntegerType(32, Signedness.UNSIGNED)
    unsigned = np.array([0, 1, 2**31, 2**32 - 1], np.uint32)
    assert _int32_strings(unsigned, True) == [int_literal(int(v), u32).text for v in unsigned]


# --------------------------------------------------------------------------------------
# ForkedCall: a computation on the second core
# --------------------------------------------------------------------------------------


def test_forked_call_returns_raises_and_runs_here_when_the_child_dies():
    import signal

    from tinymlir.forked import ForkedCall

    parent = os.getpid()

    def fails():
        raise ValueError("node 'x': bad")

    def dies_in_a_child():
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return "ran in the parent"

    assert ForkedCall(lambda: (os.getpid() != parent, [1, 2])).result() == (True, [1, 2])
    with pytest.raises(ValueError, match="node 'x': bad"):
        ForkedCall(fails).result()
    assert ForkedCall(dies_in_a_child).result() == "ran in the parent"


# --------------------------------------------------------------------------------------
# The 1 M-parameter model and the bench table
# --------------------------------------------------------------------------------------


def test_large_model_generator_has_about_a_million_parameters(repo_root):
    import importlib.util

    script = repo_root / "bench" / "models" / "make_mobilenet_1m.py"
    spec = importlib.util.spec_from_file_location("make_mobilenet_1m", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    model = module.float_model()
    weights = sum(int(np.prod(i.dims)) for i in model.graph.initializer if len(i.dims) > 1)
    biases = sum(int(np.prod(i.dims)) for i in model.graph.initializer if len(i.dims) == 1)
    assert (weights, biases) == (module.WEIGHTS, module.BIASES)
    assert 0.95e6 < weights + biases < 1.05e6


def test_compile_time_table_renders(tmp_path):
    from tinymlir.bench.compile_time import measure, render_markdown

    model = Path(__file__).resolve().parents[2] / "examples" / "kws_dscnn.onnx"
    report = measure([model], tmp_path, runs=1, log=lambda _: None)
    (m,) = report["models"]
    assert m["wall_runs"] and m["cpu_median"] > 0 and m["verifications"] == 4
    assert m["over_floor"] == pytest.approx(m["wall_median"] - report["floor"]["wall_median"])
    assert m["cached"]["same_flash_line"] and m["cached"]["wall_runs"]
    text = render_markdown(report)
    assert "| kws_dscnn |" in text and "Where the time goes" in text
    assert [name for name, _ in m["pipeline_median"]] == PIPELINES["mcu"][0].split(",")
    assert "| patch-schedule | " in text and text.count("\n| cse | ") == 3
    assert "flash figure differs" not in text


# --------------------------------------------------------------------------------------
# Loop IR that canonicalize has nothing to do on (tinymlir.scalar_builder)
# --------------------------------------------------------------------------------------

TO_LOOPS = "canonicalize,cse,qnn-schedule,convert-qnn-to-kernel,kernel-in-place,convert-kernel-to-loops,dce,cse"  # as LOOPS


def _canonicalized(module) -> str:
    from xdsl.transforms.canonicalize import CanonicalizePass

    from tinymlir.pipelines import make_context

    CanonicalizePass().apply(make_context(), module)
    return str(module)


def _loop_ir(model, target: str | None):
    from tinymlir.compiler import import_model
    from tinymlir.pipelines import run_pipeline
    from tinymlir.target import load_target, set_target

    module = import_model(model)
    if target is not None:
        set_target(module, load_target(target))
    run_pipeline(module, TO_LOOPS, verify_each=True)
    return module


@pytest.mark.parametrize("target", [None, "cortex-m4f"])
def test_kernel_lowerings_emit_canonical_loop_ir(graphs, target):
    """Every test graph's loop IR (generic lowerings on cortex-m4f, the DSP ones on
    cortex-m4) is what canonicalize leaves: constants once, outside the loops, arithmetic
    on constants folded, no loop of one or no iteration. So the mcu pipeline's canonicalize
    after the lowering walks the module once instead of once per loop level."""
    for name, build in graphs.VALID_GRAPHS.items():
        module = _loop_ir(build(), target)
        before = str(module)
        assert _canonicalized(module) == before, name


@pytest.mark.parametrize("name", ["kws_dscnn", "ic_resnet8"])
def test_mlperf_loop_ir_is_canonical(models_dir, name):
    from xdsl.dialects import arith, scf

    module = _loop_ir(models_dir / f"{name}.onnx", None)
    loops = [op for op in module.walk() if isinstance(op, scf.ForOp)]
    assert loops
    assert not any(isinstance(op, arith.ConstantOp) for loop in loops for op in loop.walk())
    before = str(module)
    assert _canonicalized(module) == before


def _random_arithmetic(rng):
    """A function of random integer arithmetic over two arguments and a few constants,
    built with ScalarBuilder; every value is stored (so none is dead), then a loop of 0, 1
    and 2 iterations."""
    from xdsl.dialects import arith, func, memref
    from xdsl.dialects.builtin import MemRefType, ModuleOp, i32
    from xdsl.ir import Block, Region

    from tinymlir.scalar_builder import ScalarBuilder

    binary = [arith.AddiOp, arith.SubiOp, arith.MuliOp, arith.AndIOp, arith.OrIOp, arith.XOrIOp,
              arith.ShLIOp, arith.ShRSIOp, arith.DivSIOp, arith.DivUIOp, arith.MaxSIOp, arith.MinSIOp,
              arith.RemUIOp]
    sink_type = MemRefType(i32, [64])
    block = Block(arg_types=[i32, i32, sink_type])
    k = ScalarBuilder.at_end(block)
    sink = block.args[2]
    values = [block.args[0], block.args[1]]

    def operand():
        return k.i32(rng.choice([0, 1, -1, 2, 3, 31])) if rng.random() < 0.4 else rng.choice(values)

    for slot in range(48):
        value = k.emit(rng.choice(binary)(operand(), operand()))
        values.append(value)
        k.builder.insert(memref.StoreOp.get(value, sink, [k.idx(slot)]))
    last = values[-1]

    def body(kk: ScalarBuilder, iv):
        kk.builder.insert(memref.StoreOp.get(kk.add(last, kk.i32(0)), sink, [kk.affine(iv, 1, 0)]))

    for trips in (0, 1, 2):
        k.loop(3, 3 + trips, body)
    k.builder.insert(func.ReturnOp())
    return ModuleOp([func.FuncOp("f", ([i32, i32, sink_type], []), Region(block))])


def test_scalar_builder_folds_as_canonicalize_does():
    """canonicalize changes nothing in random arithmetic built with ScalarBuilder: the
    builder's folds are canonicalize's, no more and no fewer."""
    import random

    rng = random.Random(13)
    for _ in range(20):
        module = _random_arithmetic(rng)
        module.verify()
        before = str(module)
        assert _canonicalized(module) == before
        assert before.count("scf.for") == 1  # the two-iteration loop only


PIPELINE_SAMPLE = (
    "qdq_conv_dilated", "qdq_depthwise", "qdq_grouped_conv", "qdq_gemm", "qdq_add_broadcast",
    "qdq_avgpool_padded", "qdq_global_avgpool", "qdq_pad", "qdq_concat", "qdq_softmax",
    "qop_small_cnn", "qop_qlinear_softmax",
)


@pytest.mark.parametrize("hard_float", [False, True])
def test_mcu_pipeline_prints_the_c_of_the_canonicalizing_pipeline(graphs, hard_float):
    """The mcu pipeline lost three passes (tinymlir.pipelines): canonicalize and cse after
    convert-kernel-to-loops, and canonicalize after the fxp / f32 helpers (dce instead).
    The loop IR is canonical as built (test above) and the helpers are built folded, so
    canonicalize only erased dead ops and, with an FPU, moved the round-even expansion's
    f32 constants out of loops; the C pipeline's cse merges what the loop-level one did.
    The C is the same as with the passes (on every test graph when this was written; here
    on one graph per kind of layer, as the old pipeline is slow on the f32 helpers)."""
    from tinymlir.backend.c_printer import print_c
    from tinymlir.compiler import import_model
    from tinymlir.pipelines import (
        LOOPS,
        QNN,
        c_pipeline,
        make_context,
        run_pipeline,
        with_patch_bound,
    )
    from tinymlir.target import load_target, set_target

    loops = with_patch_bound(LOOPS, "off")
    c = c_pipeline(hard_float)
    old = (
        loops.replace("convert-kernel-to-loops,dce,cse,plan-arena", "convert-kernel-to-loops,canonicalize,cse,plan-arena")
        + "," + c.replace(",dce,cse,", ",canonicalize,cse,")
    )
    new = f"{loops},{c}"
    assert old.count("canonicalize") == 2 and "dce" not in old
    ctx = make_context()
    for name in PIPELINE_SAMPLE:
        module = import_model(graphs.VALID_GRAPHS[name]())
        if hard_float:
            set_target(module, load_target("cortex-m4f"))
        run_pipeline(module, QNN, ctx, levels=(QNN,))
        texts = []
        for spec in (old, new):
            lowered = module.clone()
            run_pipeline(lowered, spec, ctx, levels=(spec,))
            texts.append(print_c(lowered))
        assert texts[0] == texts[1], name
