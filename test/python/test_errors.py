"""User errors: every bad input gives exit status 1 and exactly one
``tinymlir-opt: error: ...`` line on stderr naming what is wrong (for node errors: the
node's name and op type), never a traceback. The same ONNX inputs through the Python API
raise ``OnnxImportError`` with a one-line message.
"""

from __future__ import annotations

import re

import onnx
import onnx_graphs as G
import pytest
from onnx import helper

from tinymlir.errors import OnnxImportError, TinymlirError
from tinymlir.frontend.onnx import import_onnx

PREFIX = "tinymlir-opt: error:"

# Each pattern must occur (case-insensitive regex) in the one-line message.
MALFORMED_KEYWORDS: dict[str, list[str]] = {
    "float_model": ["conv1", r"\bConv\b", "float|quantis|quantiz"],
    "dynamic_shape": ["input", "'N'", "dynamic|static|symbolic"],
    "truncated_file": ["onnx", "corrupt|truncat|pars"],
    "corrupt_bytes": ["onnx", "corrupt|truncat|pars"],
    "missing_initializer": ["conv1_w_dq", "DequantizeLinear", "conv1_w", "missing|not produced"],
    "opset_12": ["opset", r"\b12\b", r"\b13\b"],
    "unsupported_op": ["sin1", r"\bSin\b", "unsupported|not supported"],
    "int16_activations": ["int16"],
    "empty_graph": ["no nodes|empty"],
}


def _bytes(obj: bytes | onnx.ModelProto) -> bytes:
    return obj if isinstance(obj, bytes) else obj.SerializeToString()


def _unnamed_unsupported_node() -> onnx.ModelProto:
    """unsupported_op with the Sin node renamed to an unnamed Cos: the message must fall
    back to the node's output name."""
    m = G.unsupported_op()
    (node,) = [n for n in m.graph.node if n.op_type == "Sin"]
    node.op_type = "Cos"
    node.name = ""
    onnx.checker.check_model(m, full_check=True)
    return m


def _avgpool_ceil_mode() -> onnx.ModelProto:
    """qdq_avgpool with ceil_mode=1 on its AveragePool (valid ONNX, unsupported attribute)."""
    m = G.qdq_avgpool()
    (node,) = [n for n in m.graph.node if n.op_type == "AveragePool"]
    node.attribute.append(helper.make_attribute("ceil_mode", 1))
    onnx.checker.check_model(m, full_check=True)
    return m


EXTRA_ONNX: dict[str, tuple] = {
    # name: (builder, keywords)
    "zero_byte_file": (lambda: b"", ["empty|corrupt|truncat"]),
    "unnamed_unsupported_node": (
        _unnamed_unsupported_node,
        ["sin1_out", r"\bCos\b", "unsupported"],
    ),
    "avgpool_ceil_mode": (_avgpool_ceil_mode, [r"\bAveragePool\b", "ceil_mode"]),
}

ONNX_CASES = {
    **{
        name: (lambda name=name: G.MALFORMED[name](), kw) for name, kw in MALFORMED_KEYWORDS.items()
    },
    **EXTRA_ONNX,
}


def assert_one_line_error(proc, keywords: list[str]) -> str:
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 1, f"exit status {proc.returncode}; stderr:\n{proc.stderr}"
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, f"expected one stderr line, got {len(lines)}:\n{proc.stderr}"
    line = lines[0]
    assert line.startswith(PREFIX), line
    for pattern in keywords:
        assert re.search(pattern, line, re.IGNORECASE), f"{pattern!r} not in {line!r}"
    return line


def test_every_malformed_input_is_covered():
    assert set(MALFORMED_KEYWORDS) == set(G.MALFORMED)


# --------------------------------------------------------------------------------------
# bad ONNX inputs through the driver
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(ONNX_CASES))
def test_driver_rejects_bad_onnx(name, tinymlir_opt, tmp_path):
    build, keywords = ONNX_CASES[name]
    path = tmp_path / f"{name}.onnx"
    path.write_bytes(_bytes(build()))
    proc = tinymlir_opt(path, "--pipeline=mcu")
    assert_one_line_error(proc, keywords)
    assert proc.stdout == "", "no partial output on stdout"


def test_driver_rejects_bad_onnx_from_stdin(tinymlir_opt):
    proc = tinymlir_opt("-f", "onnx", stdin=_bytes(G.MALFORMED["unsupported_op"]()))
    assert_one_line_error(proc, MALFORMED_KEYWORDS["unsupported_op"])


# --------------------------------------------------------------------------------------
# the same through the Python API
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(ONNX_CASES))
def test_import_onnx_raises(name, tmp_path):
    build, keywords = ONNX_CASES[name]
    obj = build()
    path = tmp_path / f"{name}.onnx"
    path.write_bytes(_bytes(obj))
    for source in (obj, _bytes(obj), path, str(path)):
        with pytest.raises(OnnxImportError) as info:
            import_onnx(source)
        message = str(info.value)
        assert isinstance(info.value, TinymlirError)
        assert message and "\n" not in message.strip(), message
        for pattern in keywords:
            assert re.search(pattern, message, re.IGNORECASE), f"{pattern!r} not in {message!r}"


def test_import_onnx_missing_file(tmp_path):
    with pytest.raises(OnnxImportError, match="does_not_exist.onnx"):
        import_onnx(tmp_path / "does_not_exist.onnx")


# --------------------------------------------------------------------------------------
# driver errors
# --------------------------------------------------------------------------------------

VALID_MLIR = """\
builtin.module {
  func.func @f(%a: !qnn.qtensor<1x4xi8, 0.5:0>) -> !qnn.qtensor<1x4xi8, 0.5:0> {
    func.return %a : !qnn.qtensor<1x4xi8, 0.5:0>
  }
}
"""

PARSE_ERRORS = {
    "unregistered_op": 'builtin.module {\n  %0 = "qnn.bogus"() : () -> i32\n}\n',
    "unterminated": "builtin.module {\n  func.func @f() {\n",
    "bad_qtensor_storage": VALID_MLIR.replace("1x4xi8", "1x4xf32", 1),
}

VERIFY_ERRORS = {
    # (text, keywords)
    "reshape_changes_scale": (
        """\
builtin.module {
  func.func @f(%a: !qnn.qtensor<1x4xi8, 0.5:0>) -> !qnn.qtensor<2x2xi8, 0.25:0> {
    %r = qnn.reshape %a : !qnn.qtensor<1x4xi8, 0.5:0> -> !qnn.qtensor<2x2xi8, 0.25:0>
    func.return %r : !qnn.qtensor<2x2xi8, 0.25:0>
  }
}
""",
        [r"qnn\.reshape", "quantisation|quantization|param"],
    ),
    "bad_transpose_perm": (
        """\
builtin.module {
  func.func @f(%a: !qnn.qtensor<1x4xi8, 0.5:0>) -> !qnn.qtensor<4x1xi8, 0.5:0> {
    %t = qnn.transpose %a perm [0, 0] : !qnn.qtensor<1x4xi8, 0.5:0> -> !qnn.qtensor<4x1xi8, 0.5:0>
    func.return %t : !qnn.qtensor<4x1xi8, 0.5:0>
  }
}
""",
        [r"qnn\.transpose", "perm"],
    ),
    "return_type_mismatch": (
        VALID_MLIR.replace(
            "    func.return %a : !qnn.qtensor<1x4xi8, 0.5:0>\n", "    func.return\n"
        ),
        ["return|type"],
    ),
}



@pytest.mark.parametrize(
    "args, keywords",
    [
        pytest.param(["-p", "bogus"], ["bogus"], id="unknown_pass"),
        pytest.param(["-p", "canonicalize{bogus=1}"], ["bogus"], id="bad_pass_option"),
        pytest.param(["--pipeline=nope"], ["nope", "mcu"], id="unknown_pipeline"),
        pytest.param(
            ["-p", "canonicalize{"],
            ["canonicalize|pipeline"],
            id="malformed_pipeline_syntax",
        ),
    ],
)
def test_driver_rejects_bad_pass_arguments(args, keywords, tinymlir_opt, onnx_inputs_dir, tmp_path):
    source = tmp_path / "qdq_add.onnx"
    source.write_bytes(G.qdq_add().SerializeToString())
    proc = tinymlir_opt(source, *args)
    assert_one_line_error(proc, keywords)
    assert proc.stdout == ""


def test_driver_nonexistent_input(tinymlir_opt, tmp_path):
    for suffix in (".onnx", ".mlir"):
        missing = tmp_path / f"does_not_exist{suffix}"
        assert_one_line_error(tinymlir_opt(missing), [re.escape(missing.name)])


def test_driver_unwritable_output(tinymlir_opt, tmp_path):
    source = tmp_path / "qdq_add.onnx"
    source.write_bytes(G.qdq_add().SerializeToString())
    proc = tinymlir_opt(source, "-o", "/nonexistent/dir/x.mlir")
    assert_one_line_error(proc, [re.escape("/nonexistent/dir/x.mlir")])


@pytest.mark.parametrize("name", sorted(PARSE_ERRORS))
def test_driver_mlir_parse_error(name, tinymlir_opt, tmp_path):
    path = tmp_path / f"{name}.mlir"
    path.write_text(PARSE_ERRORS[name])
    proc = tinymlir_opt(path)
    assert_one_line_error(proc, [re.escape(path.name)])


@pytest.mark.parametrize("name", sorted(VERIFY_ERRORS))
def test_driver_mlir_verify_error(name, tinymlir_opt, tmp_path):
    text, keywords = VERIFY_ERRORS[name]
    path = tmp_path / f"{name}.mlir"
    path.write_text(text)
    proc = tinymlir_opt(path, "--pipeline=mcu")
    assert_one_line_error(proc, keywords)
    assert proc.stdout == ""


def test_driver_accepts_valid_mlir(tinymlir_opt, tmp_path):
    """Control for the error tests above: the same driver invocation on valid input works."""
    path = tmp_path / "ok.mlir"
    path.write_text(VALID_MLIR)
    proc = tinymlir_opt(path, "--pipeline=qnn")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert "func.func @f" in proc.stdout
    proc = tinymlir_opt(path, "--pipeline=mcu")
    assert proc.returncode == 0, proc.stderr
    assert "mcuc.func @f_run" in proc.stdout


def test_help_lists_the_mcu_pipeline(tinymlir_opt):
    proc = tinymlir_opt("--help")
    assert proc.returncode == 0, proc.stderr
    assert "--pipeline" in proc.stdout
    assert re.search(r"\bmcu\b", proc.stdout), proc.stdout
