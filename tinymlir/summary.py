"""A model's layer table: one row per qnn op (output shape, quantisation, MACs, parameter
bytes) and the totals, what `tinymlir-summary` prints.

Rows are numbered with the layer hook's index (tinymlir.layers), the numbering tinymlir-run
--per-layer and tinymlir-sanitize report in; qnn.quantize and qnn.dequantize (the float
interface, no hook) get a row without a number. The "layers" total counts the numbered rows.
"""

from __future__ import annotations

from pathlib import Path

from xdsl.dialects import arith, builtin, func
from xdsl.parser import Parser

from tinymlir.cost import constant_bytes, macs
from tinymlir.dialects import qnn
from tinymlir.errors import TinymlirError
from tinymlir.layers import numbered_layers
from tinymlir.pipelines import PIPELINES, make_context, run_pipeline


def load_module(path: Path, pipeline: str | None = None) -> builtin.ModuleOp:
    """The verified module of an ONNX model (imported as tinymlir.compiler does) or of an .mlir
    file, after the named `pipeline` if one is given."""
    ctx = make_context()
    if path.suffix == ".onnx":
        from tinymlir.compiler import import_model

        module = import_model(path)
    else:
        try:
            module = Parser(ctx, path.read_text(), str(path)).parse_module()
        except OSError as exc:
            raise TinymlirError(f"cannot read '{path}': {exc.strerror}") from None
    module.verify()
    if pipeline:
        if pipeline not in PIPELINES:
            raise TinymlirError(f"unknown pipeline '{pipeline}'; available: {', '.join(PIPELINES)}")
        run_pipeline(module, pipeline, ctx)
        module.verify()
    return module


def describe(t) -> str:
    if isinstance(t, qnn.QTensorType):
        if t.is_per_channel:
            return f"{t.element_type} per-channel({len(t.scales)})"
        return f"{t.element_type} {qnn.format_f32(t.scale)}:{t.zero_point}"
    return str(t)


def layer_summary(module: builtin.ModuleOp) -> str:
    """The table of every function of `module` and the totals."""
    rows, total_macs, total_bytes, layers = [], 0, 0, 0
    for function in (op for op in module.ops if isinstance(op, func.FuncOp)):
        args = ", ".join(f"{describe(a.type)} {list(a.type.get_shape())}" for a in function.args)
        rows.append(f"func @{function.sym_name.data}({args})")
        rows.append(f"  {'#':>3}  {'layer':<24} {'op':<16} {'output':<16} {'quantisation':<22} {'MACs':>10} {'params B':>9}")
        hook_index = {id(op): index for index, op in numbered_layers(function.body.walk())}
        layers += len(hook_index)
        for op in function.body.walk():
            if isinstance(op, qnn.ConstantOp | arith.ConstantOp):
                total_bytes += constant_bytes(op)
                continue
            if not op.name.startswith("qnn."):
                continue
            out = op.results[0]
            params = sum(constant_bytes(o.owner) for o in op.operands if isinstance(o.owner, qnn.ConstantOp | arith.ConstantOp))
            total_macs += macs(op)
            number = str(hook_index.get(id(op), "-"))
            shape = "x".join(str(d) for d in out.type.get_shape())
            rows.append(
                f"  {number:>3}  {(out.name_hint or '-')[:24]:<24} {op.name[4:]:<16} {shape:<16} "
                f"{describe(out.type):<22} {macs(op):>10,} {params:>9,}"
            )
    rows.append(f"  {layers} layers, {total_macs:,} MACs, {total_bytes:,} bytes of weights and biases")
    return "\n".join(rows)
