"""The fuzzer's protobuf-level mutators (tools/tinymlir_fuzz.py): each changes an ONNX
`model` in place and describes the change, or returns None when it does not apply.
`PROTO_MUTATORS` names them and `PROTO_WEIGHTS` says how often each runs."""

from __future__ import annotations

import math
import random
from collections.abc import Callable

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

# --------------------------------------------------------------------------- #
# Protobuf-level mutators: each changes `model` in place and describes the change,
# or returns None when it does not apply.
# --------------------------------------------------------------------------- #

HUGE = 2**40
INTERESTING_INTS = (0, -1, 1, 2, 3, 7, 127, 128, 255, 256, -128, -129, 2**31 - 1, 2**31, 2**32, HUGE, 2**62, 2**63 - 1, -(2**63))
INTERESTING_FLOATS = (0.0, -0.0, -1.0, math.nan, math.inf, -math.inf, 1e-45, 1e-38, 1e38, 3.4e38, 1.0, 0.5, -0.5, 1e-10)
ALL_DTYPES = sorted(TensorProto.DataType.values()) + [99, 1000]
WEIRD_NAMES = ("", "\n", "a\nb", "name\r\nwith break", "x" * 5000, "\x00", "ü€", " ", "'quoted'", "#qparams")
OP_TYPES = (
    "QuantizeLinear", "DequantizeLinear", "Conv", "MatMul", "Gemm", "Add", "Relu", "Clip",
    "AveragePool", "GlobalAveragePool", "MaxPool", "Softmax", "Concat", "Pad", "Reshape",
    "Flatten", "Squeeze", "Unsqueeze", "Transpose", "Identity", "Constant", "QLinearConv",
    "QLinearMatMul", "QGemm", "QLinearAdd", "QLinearAveragePool", "QLinearGlobalAveragePool",
    "QLinearConcat", "QLinearSoftmax", "Sin", "Mul", "", "conv", "Loop", "If", "QLinearMul",
)
DOMAINS = ("", "ai.onnx", "com.microsoft", "ai.onnx.ml", "foo.bar", "com.microsoft.nchwc", "\n")
ATTR_NAMES = (
    "axis", "axes", "strides", "pads", "kernel_shape", "dilations", "group", "auto_pad",
    "ceil_mode", "transA", "transB", "alpha", "beta", "perm", "allowzero", "mode", "min",
    "max", "count_include_pad", "storage_order", "channels_last", "value", "value_float",
    "value_ints", "sparse_value", "saturate", "block_size", "output_dtype", "precision", "bogus",
)

# Operand index -> role, for the quantisation-parameter inputs of Q/DQ and QOperator ops.
SCALE_INPUTS = {
    "QuantizeLinear": (1,), "DequantizeLinear": (1,), "QLinearConv": (1, 4, 6),
    "QLinearMatMul": (1, 4, 6), "QGemm": (1, 4, 7), "QLinearAdd": (1, 4, 6),
    "QLinearAveragePool": (1, 3), "QLinearGlobalAveragePool": (1, 3), "QLinearSoftmax": (1, 3),
    "QLinearConcat": (0,),
}


def _tensor_names(model: onnx.ModelProto) -> list[str]:
    g = model.graph
    names = [i.name for i in g.initializer] + [i.name for i in g.input]
    names += [o for n in g.node for o in n.output]
    return [n for n in names if n] or ["x"]


def _initializers(model: onnx.ModelProto, max_size: int | None = None) -> list[TensorProto]:
    out = []
    for t in model.graph.initializer:
        size = math.prod(t.dims) if t.dims else 1
        if max_size is None or size <= max_size:
            out.append(t)
    return out


def _interesting_value(dtype: np.dtype, rng: random.Random):
    if dtype.kind == "f":
        return rng.choice(INTERESTING_FLOATS)
    info = np.iinfo(dtype) if dtype.kind in "iu" else None
    v = rng.choice(INTERESTING_INTS)
    if info is not None:
        v = rng.choice((v, info.min, info.max, info.min + (v % max(1, info.max - info.min))))
        v = int(np.clip(v, info.min, info.max))
    return v


def _set_array(tensor: TensorProto, array: np.ndarray) -> None:
    new = numpy_helper.from_array(array, tensor.name)
    tensor.CopyFrom(new)


def m_init_dtype(model, rng):
    inits = _initializers(model)
    if not inits:
        return None
    t = rng.choice(inits)
    old, t.data_type = t.data_type, rng.choice(ALL_DTYPES)
    return f"initializer {t.name!r} dtype {old} -> {t.data_type}"


def m_init_dims(model, rng):
    inits = _initializers(model)
    if not inits:
        return None
    t = rng.choice(inits)
    dims = list(t.dims)
    kind = rng.choice(("set", "set", "append", "pop", "scalar", "empty", "huge"))
    if kind == "set" and dims:
        dims[rng.randrange(len(dims))] = rng.choice(INTERESTING_INTS)
    elif kind == "append":
        dims.append(rng.choice((1, 2, 0, HUGE)))
    elif kind == "pop" and dims:
        dims.pop(rng.randrange(len(dims)))
    elif kind == "scalar":
        dims = []
    elif kind == "empty":
        dims = [0]
    else:
        dims = [HUGE] * rng.randrange(1, 4)
    dims = [max(min(d, 2**63 - 1), -(2**63)) for d in dims]
    del t.dims[:]
    t.dims.extend(dims)
    return f"initializer {t.name!r} dims -> {dims}"


def m_init_values(model, rng):
    inits = _initializers(model, max_size=256)
    if not inits:
        return None
    t = rng.choice(inits)
    try:
        arr = numpy_helper.to_array(t).copy()
    except Exception:  # noqa: BLE001
        return None
    kind = rng.choice(("elements", "all", "reshape", "empty", "scalar", "grow"))
    if kind == "elements" and arr.size:
        flat = arr.reshape(-1)
        for _ in range(rng.randrange(1, 4)):
            flat[rng.randrange(flat.size)] = _interesting_value(arr.dtype, rng)
        arr = flat.reshape(arr.shape)
    elif kind == "all":
        arr = np.full(arr.shape, _interesting_value(arr.dtype, rng), arr.dtype)
    elif kind == "reshape" and arr.size:
        arr = arr.reshape(rng.choice(((-1,), (1, -1), (-1, 1), (1, 1, -1))))
    elif kind == "empty":
        arr = np.zeros((0,), arr.dtype)
    elif kind == "scalar" and arr.size:
        arr = np.asarray(arr.reshape(-1)[0])
    else:
        arr = np.concatenate([arr.reshape(-1)] * rng.randrange(2, 4)) if arr.size else np.ones(3, arr.dtype)
    _set_array(t, arr)
    return f"initializer {t.name!r} values ({kind}) -> shape {list(arr.shape)}"


def m_init_raw(model, rng):
    inits = [t for t in model.graph.initializer if t.raw_data]
    if not inits:
        return None
    t = rng.choice(inits)
    kind = rng.choice(("truncate", "extend", "odd", "clear"))
    if kind == "truncate":
        t.raw_data = t.raw_data[: rng.randrange(len(t.raw_data))]
    elif kind == "extend":
        t.raw_data = t.raw_data + bytes(rng.randrange(1, 9))
    elif kind == "odd":
        t.raw_data = t.raw_data[:-1] if len(t.raw_data) > 1 else b"\x01\x02\x03"
    else:
        t.ClearField("raw_data")
    return f"initializer {t.name!r} raw_data {kind}"


def m_init_remove(model, rng):
    g = model.graph
    if not g.initializer:
        return None
    i = rng.randrange(len(g.initializer))
    name = g.initializer[i].name
    del g.initializer[i]
    return f"remove initializer {name!r}"


def m_init_rename(model, rng):
    g = model.graph
    if not g.initializer:
        return None
    t = rng.choice(g.initializer)
    old = t.name
    t.name = rng.choice((*WEIRD_NAMES, rng.choice(_tensor_names(model)), old + "_renamed"))
    return f"rename initializer {old!r} -> {t.name[:40]!r}"


def m_init_to_constant(model, rng):
    g = model.graph
    if not g.initializer:
        return None
    i = rng.randrange(len(g.initializer))
    t = TensorProto()
    t.CopyFrom(g.initializer[i])
    del g.initializer[i]
    node = helper.make_node("Constant", [], [t.name], name=f"const_{t.name}", value=t)
    pos = rng.choice((0, 0, 0, len(g.node)))
    g.node.insert(pos, node)
    return f"initializer {t.name!r} -> Constant node at {pos}"


def m_init_external(model, rng):
    inits = _initializers(model)
    if not inits:
        return None
    t = rng.choice(inits)
    t.data_location = TensorProto.EXTERNAL
    del t.external_data[:]
    entry = t.external_data.add()
    entry.key, entry.value = "location", rng.choice(("missing.bin", "../../../etc/passwd", "/dev/zero"))
    if rng.random() < 0.5:
        length = t.external_data.add()
        length.key, length.value = "length", str(rng.choice((1, HUGE)))
    t.ClearField("raw_data")
    return f"initializer {t.name!r} -> external data {entry.value!r}"


def _node(model, rng, with_inputs: bool = False):
    nodes = [n for n in model.graph.node if n.input or not with_inputs]
    return rng.choice(nodes) if nodes else None


def m_node_input(model, rng):
    node = _node(model, rng, with_inputs=True)
    if node is None:
        return None
    i = rng.randrange(len(node.input))
    old = node.input[i]
    nodes = list(model.graph.node)
    later = [o for n in nodes[nodes.index(node) + 1 :] for o in n.output]
    kind = rng.choice(("dangling", "rewire", "self", "later", "empty", "weird"))
    if kind == "dangling":
        node.input[i] = old + "_dangling"
    elif kind == "rewire":
        node.input[i] = rng.choice(_tensor_names(model))
    elif kind == "self" and node.output:
        node.input[i] = node.output[0]
    elif kind == "later" and later:
        node.input[i] = rng.choice(later)
    elif kind == "empty":
        node.input[i] = ""
    else:
        node.input[i] = rng.choice(WEIRD_NAMES)
    return f"node {node.name!r} input {i} ({kind}) {old!r} -> {node.input[i][:40]!r}"


def m_node_arity(model, rng):
    node = _node(model, rng)
    if node is None:
        return None
    kind = rng.choice(("append", "append", "pop", "clear", "add_output", "pop_output"))
    if kind == "append":
        node.input.append(rng.choice((*_tensor_names(model), "", "nowhere")))
    elif kind == "pop" and node.input:
        node.input.pop()
    elif kind == "clear":
        del node.input[:]
    elif kind == "add_output":
        node.output.append(rng.choice((node.name + "_extra", "", rng.choice(_tensor_names(model)))))
    elif kind == "pop_output" and node.output:
        node.output.pop()
    return f"node {node.name!r} arity ({kind})"


def m_node_output(model, rng):
    node = _node(model, rng)
    if node is None or not node.output:
        return None
    i = rng.randrange(len(node.output))
    old = node.output[i]
    node.output[i] = rng.choice((rng.choice(_tensor_names(model)), "", *WEIRD_NAMES[:4]))
    return f"node {node.name!r} output {old!r} -> {node.output[i][:40]!r}"


def m_node_order(model, rng):
    g = model.graph
    if len(g.node) < 2:
        return None
    nodes = list(g.node)
    kind = rng.choice(("swap", "reverse", "shuffle", "remove", "duplicate", "move_last"))
    if kind == "swap":
        i, j = rng.sample(range(len(nodes)), 2)
        nodes[i], nodes[j] = nodes[j], nodes[i]
    elif kind == "reverse":
        nodes.reverse()
    elif kind == "shuffle":
        rng.shuffle(nodes)
    elif kind == "remove":
        nodes.pop(rng.randrange(len(nodes)))
    elif kind == "duplicate":
        n = onnx.NodeProto()
        n.CopyFrom(rng.choice(nodes))
        nodes.insert(rng.randrange(len(nodes) + 1), n)
    else:
        nodes.append(nodes.pop(rng.randrange(len(nodes))))
    copies = [onnx.NodeProto() for _ in nodes]
    for c, n in zip(copies, nodes, strict=True):
        c.CopyFrom(n)
    del g.node[:]
    g.node.extend(copies)
    return f"nodes {kind}"


def m_node_op_type(model, rng):
    node = _node(model, rng)
    if node is None:
        return None
    old, node.op_type = node.op_type, rng.choice(OP_TYPES)
    if rng.random() < 0.3:
        node.domain = "com.microsoft" if node.op_type.startswith("Q") else ""
    return f"node {node.name!r} op {old} -> {node.op_type}"


def m_node_domain(model, rng):
    node = _node(model, rng)
    if node is None:
        return None
    node.domain = rng.choice(DOMAINS)
    return f"node {node.name!r} domain -> {node.domain!r}"


def m_node_name(model, rng):
    node = _node(model, rng)
    if node is None:
        return None
    old = node.name
    node.name = rng.choice((*WEIRD_NAMES, rng.choice(model.graph.node).name))
    return f"node {old!r} renamed -> {node.name[:40]!r}"


def m_rename_tensor(model, rng):
    """Renames one tensor consistently everywhere (names with breaks, huge names, ...)."""
    names = _tensor_names(model)
    old = rng.choice(names)
    new = rng.choice(WEIRD_NAMES[1:] + ("sp ace", "a/b;c:0"))
    g = model.graph
    for t in g.initializer:
        if t.name == old:
            t.name = new
    for vi in (*g.input, *g.output, *g.value_info):
        if vi.name == old:
            vi.name = new
    for n in g.node:
        for seq in (n.input, n.output):
            for i, x in enumerate(seq):
                if x == old:
                    seq[i] = new
    return f"rename tensor {old!r} -> {new[:40]!r}"


def _random_attribute(name: str, rng: random.Random) -> onnx.AttributeProto:
    kind = rng.choice(("int", "ints", "float", "floats", "string", "tensor", "graph", "empty_ints", "strings"))
    if kind == "int":
        return helper.make_attribute(name, rng.choice(INTERESTING_INTS))
    if kind == "ints":
        return helper.make_attribute(name, [rng.choice(INTERESTING_INTS) for _ in range(rng.randrange(1, 6))])
    if kind == "float":
        return helper.make_attribute(name, rng.choice(INTERESTING_FLOATS))
    if kind == "floats":
        return helper.make_attribute(name, [rng.choice(INTERESTING_FLOATS) for _ in range(rng.randrange(1, 5))])
    if kind == "string":
        return helper.make_attribute(name, rng.choice(("SAME_UPPER", "VALID", "NOTSET", "reflect", "", "\xff")))
    if kind == "strings":
        return helper.make_attribute(name, ["a", "b"])
    if kind == "tensor":
        arr = rng.choice((np.zeros((0,), np.float32), np.array(1.5, np.float32), np.arange(4, dtype=np.int64)))
        return helper.make_attribute(name, numpy_helper.from_array(arr))
    if kind == "graph":
        return helper.make_attribute(name, helper.make_graph([], "sub", [], []))
    attr = onnx.AttributeProto()
    attr.name, attr.type = name, onnx.AttributeProto.INTS
    return attr


def m_attr(model, rng):
    node = _node(model, rng)
    if node is None:
        return None
    kind = rng.choice(("remove", "add", "retype", "value", "value", "undefined"))
    if kind in ("remove", "retype", "value", "undefined") and not node.attribute:
        kind = "add"
    if kind == "remove":
        a = node.attribute.pop(rng.randrange(len(node.attribute)))
        return f"node {node.name!r} remove attribute {a.name}"
    if kind == "add":
        name = rng.choice(ATTR_NAMES)
        keep = [a for a in node.attribute if a.name != name or rng.random() < 0.3]  # maybe duplicate
        del node.attribute[:]
        node.attribute.extend(keep)
        node.attribute.append(_random_attribute(name, rng))
        return f"node {node.name!r} add attribute {name}"
    i = rng.randrange(len(node.attribute))
    a = node.attribute[i]
    if kind == "retype":
        node.attribute[i].CopyFrom(_random_attribute(a.name, rng))
        return f"node {node.name!r} retype attribute {a.name}"
    if kind == "undefined":
        a.type = rng.choice((onnx.AttributeProto.UNDEFINED, onnx.AttributeProto.FLOAT, onnx.AttributeProto.INTS,
                             onnx.AttributeProto.STRING, onnx.AttributeProto.TENSOR))
        return f"node {node.name!r} attribute {a.name} type field -> {a.type}"
    # value: keep the type, change the value
    if a.type == onnx.AttributeProto.INT:
        a.i = rng.choice(INTERESTING_INTS)
    elif a.type == onnx.AttributeProto.INTS:
        values = list(a.ints)
        op = rng.choice(("elem", "grow", "shrink", "clear"))
        if op == "elem" and values:
            values[rng.randrange(len(values))] = rng.choice(INTERESTING_INTS)
        elif op == "grow":
            values.append(rng.choice(INTERESTING_INTS))
        elif op == "shrink" and values:
            values.pop()
        else:
            values = []
        del a.ints[:]
        a.ints.extend(values)
    elif a.type == onnx.AttributeProto.FLOAT:
        a.f = rng.choice(INTERESTING_FLOATS)
    elif a.type == onnx.AttributeProto.STRING:
        a.s = rng.choice((b"SAME_LOWER", b"VALID", b"edge", b"", b"\xff\xfe", b"same_upper"))
    elif a.type == onnx.AttributeProto.TENSOR:
        try:
            arr = numpy_helper.to_array(a.t).copy()
            if arr.size:
                arr.reshape(-1)[0] = _interesting_value(arr.dtype, rng)
            a.t.CopyFrom(numpy_helper.from_array(arr, a.t.name))
        except Exception:  # noqa: BLE001
            a.t.data_type = rng.choice(ALL_DTYPES)
    return f"node {node.name!r} attribute {a.name} value"


def _param_tensors(model, rng, positions: dict[str, tuple[int, ...]]) -> list[TensorProto]:
    inits = {t.name: t for t in model.graph.initializer}
    out = []
    for n in model.graph.node:
        for pos in positions.get(n.op_type, ()):
            if pos < len(n.input) and n.input[pos] in inits:
                out.append(inits[n.input[pos]])
    return out


def m_scale(model, rng):
    scales = _param_tensors(model, rng, SCALE_INPUTS)
    if not scales:
        return None
    t = rng.choice(scales)
    try:
        arr = numpy_helper.to_array(t).astype(np.float32).copy()
    except Exception:  # noqa: BLE001
        return None
    kind = rng.choice(("value", "value", "value", "length", "dtype", "empty"))
    if kind == "value":
        v = rng.choice((0.0, -0.0, -1.0, -0.5, math.nan, math.inf, -math.inf, 1e-45, 1e38, 3.4e38, 1e-30))
        if arr.size:
            arr.reshape(-1)[rng.randrange(arr.size)] = v
        _set_array(t, arr)
    elif kind == "length":
        n = rng.choice((2, 3, 7, arr.size + 1, max(arr.size - 1, 0)))
        _set_array(t, np.resize(arr.reshape(-1), n).astype(np.float32) if arr.size else np.ones(n, np.float32))
    elif kind == "dtype":
        _set_array(t, arr.astype(rng.choice((np.float16, np.float64, np.int32, np.int8))))
    else:
        _set_array(t, np.zeros((0,), np.float32))
    return f"scale {t.name!r} ({kind})"


def m_zero_point(model, rng):
    zps = _param_tensors(model, rng, {k: tuple(p + 1 for p in v) for k, v in SCALE_INPUTS.items()})
    if not zps:
        return None
    t = rng.choice(zps)
    try:
        arr = numpy_helper.to_array(t).copy()
    except Exception:  # noqa: BLE001
        return None
    kind = rng.choice(("range", "range", "dtype", "length", "flip_sign"))
    if kind == "range":
        dtype = rng.choice((np.int32, np.int16, np.int64))
        v = rng.choice((128, 255, 256, -129, -1000, 2**31 - 1, -(2**31)))
        _set_array(t, np.full(arr.shape, v, np.int64).astype(dtype))
    elif kind == "dtype":
        _set_array(t, arr.astype(rng.choice((np.int32, np.uint16, np.int16, np.float32, np.bool_, np.uint8, np.int8))))
    elif kind == "length":
        n = rng.choice((0, 2, 3, arr.size + 1))
        _set_array(t, np.resize(arr.reshape(-1), n).astype(arr.dtype) if arr.size else np.zeros(n, arr.dtype))
    else:
        target = np.uint8 if arr.dtype == np.int8 else np.int8
        _set_array(t, arr.astype(np.int64).clip(np.iinfo(target).min, np.iinfo(target).max).astype(target))
    return f"zero point {t.name!r} ({kind})"


def m_axis(model, rng):
    nodes = [n for n in model.graph.node if n.op_type in (
        "QuantizeLinear", "DequantizeLinear", "Softmax", "QLinearSoftmax", "Concat", "QLinearConcat",
        "Flatten", "Squeeze", "Unsqueeze", "Transpose")]
    if not nodes:
        return None
    node = rng.choice(nodes)
    name = "perm" if node.op_type == "Transpose" else "axes" if node.op_type in ("Squeeze", "Unsqueeze") else "axis"
    keep = [a for a in node.attribute if a.name != name]
    del node.attribute[:]
    node.attribute.extend(keep)
    if name == "axis":
        node.attribute.append(helper.make_attribute("axis", rng.choice((-5, -2, -1, 0, 1, 2, 3, 4, 9, HUGE))))
    else:
        node.attribute.append(helper.make_attribute(name, [rng.choice((-3, -1, 0, 1, 2, 3, 5)) for _ in range(rng.randrange(0, 5))]))
    return f"node {node.name!r} {name} changed"


def m_shape_operand(model, rng):
    """Reshape shapes, Pad pads, Squeeze/Unsqueeze axes, Clip bounds: odd values."""
    positions = {"Reshape": (1,), "Pad": (1, 2), "Squeeze": (1,), "Unsqueeze": (1,), "Clip": (1, 2)}
    tensors = _param_tensors(model, rng, positions)
    if not tensors:
        return None
    t = rng.choice(tensors)
    try:
        arr = numpy_helper.to_array(t).copy()
    except Exception:  # noqa: BLE001
        return None
    candidates = [
        [-1, -1], [0, 0, 0, 0], [HUGE, 1], [-5], [], [1, -1, 0], [2**62, 2**62], [0],
        [1] * 9, [-(2**63)], [3, 0, 7, -2], [1, 1, 1, 1, 1, 1, 1, 1],
    ]
    new = rng.choice(candidates)
    if arr.dtype.kind == "f" or arr.dtype.kind in "iu" and arr.dtype.itemsize < 8:
        new_arr = np.asarray(new if rng.random() < 0.5 else rng.choice(INTERESTING_FLOATS[:6]))
        if arr.dtype.kind == "f":
            new_arr = new_arr.astype(arr.dtype)
        else:
            info = np.iinfo(arr.dtype)
            new_arr = np.clip(np.nan_to_num(new_arr.astype(np.float64)), info.min, info.max).astype(arr.dtype)
    else:
        new_arr = np.asarray(new, np.int64)
    _set_array(t, new_arr)
    return f"shape operand {t.name!r} -> {new_arr.tolist()}"


def _value_infos(model):
    return list(model.graph.input) + list(model.graph.output)


def m_value_info(model, rng):
    infos = _value_infos(model)
    if not infos:
        return None
    vi = rng.choice(infos)
    tt = vi.type.tensor_type
    kind = rng.choice(("dim", "dim", "dim_param", "add_dim", "pop_dim", "no_shape", "no_type", "elem", "sequence"))
    if kind == "dim" and tt.shape.dim:
        d = rng.choice(tt.shape.dim)
        d.dim_value = rng.choice((0, -1, -(2**63), 2**31, HUGE, 2**62, 2**63 - 1, 3, 1))
    elif kind == "dim_param" and tt.shape.dim:
        rng.choice(tt.shape.dim).dim_param = rng.choice(("N", "", "\n"))
    elif kind == "add_dim":
        tt.shape.dim.add().dim_value = rng.choice((1, 2, HUGE))
    elif kind == "pop_dim" and tt.shape.dim:
        del tt.shape.dim[rng.randrange(len(tt.shape.dim))]
    elif kind == "no_shape":
        tt.ClearField("shape")
    elif kind == "no_type":
        vi.ClearField("type")
    elif kind == "elem":
        tt.elem_type = rng.choice(ALL_DTYPES)
    else:
        seq = onnx.TypeProto()
        seq.sequence_type.elem_type.CopyFrom(vi.type)
        vi.type.CopyFrom(seq)
    return f"value info {vi.name!r} ({kind})"


def m_graph_io(model, rng):
    g = model.graph
    kind = rng.choice(("dup_output", "remove_outputs", "rename_output", "dup_input", "remove_input",
                       "add_input", "output_is_input", "output_is_init", "input_is_init"))
    if kind == "dup_output" and g.output:
        g.output.append(g.output[rng.randrange(len(g.output))])
    elif kind == "remove_outputs":
        del g.output[:]
    elif kind == "rename_output" and g.output:
        g.output[rng.randrange(len(g.output))].name = rng.choice(("nowhere", "", *_tensor_names(model)))
    elif kind == "dup_input" and g.input:
        g.input.append(g.input[rng.randrange(len(g.input))])
    elif kind == "remove_input" and g.input:
        del g.input[rng.randrange(len(g.input))]
    elif kind == "add_input":
        g.input.append(helper.make_tensor_value_info(
            rng.choice(("extra", *_tensor_names(model))), rng.choice((TensorProto.INT8, TensorProto.FLOAT, TensorProto.UINT8)),
            [rng.choice((1, 2, 0, HUGE)) for _ in range(rng.randrange(0, 5))]))
    elif kind == "output_is_input" and g.output and g.input:
        g.output[0].name = g.input[0].name
    elif kind == "output_is_init" and g.output and g.initializer:
        g.output[0].name = rng.choice(g.initializer).name
    elif kind == "input_is_init" and g.input and g.initializer:
        t = rng.choice(g.initializer)
        g.input.append(helper.make_tensor_value_info(t.name, t.data_type, list(t.dims)))
    return f"graph io ({kind})"


def m_opset(model, rng):
    kind = rng.choice(("version", "version", "remove", "duplicate", "domain", "ir_version", "ms"))
    entries = [e for e in model.opset_import if e.domain in ("", "ai.onnx")]
    if kind == "version" and entries:
        entries[0].version = rng.choice((-1, 0, 1, 11, 12, 13, 14, 17, 19, 21, 22, 23, 24, 100, 2**31, 2**62))
    elif kind == "remove" and entries:
        model.opset_import.remove(entries[0])
    elif kind == "duplicate":
        e = model.opset_import.add()
        e.domain, e.version = "", rng.choice((1, 13, 21))
    elif kind == "domain" and model.opset_import:
        model.opset_import[0].domain = rng.choice(DOMAINS)
    elif kind == "ir_version":
        model.ir_version = rng.choice((-1, 0, 1, 3, 7, 10, 11, 12, 100, 2**62))
    else:
        e = model.opset_import.add()
        e.domain, e.version = "com.microsoft", rng.choice((0, 1, 2**40))
    return f"opset ({kind})"


def m_constant_node(model, rng):
    """Adds or breaks a Constant node."""
    g = model.graph
    consts = [n for n in g.node if n.op_type == "Constant"]
    if consts and rng.random() < 0.6:
        node = rng.choice(consts)
        del node.attribute[:]
        attr_name = rng.choice(("value", "value_float", "value_ints", "sparse_value", "value_string", "bogus"))
        if attr_name == "value":
            arr = rng.choice((np.zeros((0,), np.float32), np.array([HUGE], np.int64), np.array(2.0, np.float64),
                              np.array([[1, 2]], np.int8), np.array("s", dtype=object)))
            node.attribute.append(helper.make_attribute("value", numpy_helper.from_array(arr)))
        elif attr_name == "sparse_value":
            values = numpy_helper.from_array(np.array([1.0], np.float32), "v")
            indices = numpy_helper.from_array(np.array([0], np.int64), "i")
            node.attribute.append(helper.make_attribute("sparse_value", helper.make_sparse_tensor(values, indices, [HUGE])))
        elif attr_name == "bogus":
            pass
        else:
            node.attribute.append(helper.make_attribute(attr_name, {"value_float": 1.5, "value_ints": [1, 2], "value_string": "x"}[attr_name]))
        return f"Constant {node.name!r} -> {attr_name}"
    t = numpy_helper.from_array(np.array([HUGE], np.int64))
    t.ClearField("raw_data")
    del t.dims[:]
    t.dims.extend(rng.choice(([HUGE, HUGE], [HUGE], [2**31], [0], [-1])))
    if rng.random() < 0.3:
        name = rng.choice(_tensor_names(model))  # a clash
    else:  # a fresh constant that replaces some node's operand
        name = "huge_const"
        users = [n for n in g.node if len(n.input) > 1]
        if users:
            user = rng.choice(users)
            user.input[rng.randrange(1, len(user.input))] = name
    g.node.insert(0, helper.make_node("Constant", [], [name], value=t))
    return f"add Constant with dims {list(t.dims)} producing {name!r}"


# "Plausible" mutators: the graph stays well formed, so the importer's deeper checks run.


def m_input_shape_valid(model, rng):
    """A graph input gets other positive dimensions (or rank)."""
    g = model.graph
    inits = {t.name for t in g.initializer}
    inputs = [i for i in g.input if i.name not in inits]
    if not inputs:
        return None
    vi = rng.choice(inputs)
    dims = vi.type.tensor_type.shape.dim
    kind = rng.choice(("resize", "resize", "add", "pop", "one"))
    if kind == "resize" and dims:
        rng.choice(dims).dim_value = rng.choice((1, 2, 3, 5, 7, 16, 31, 64, 97))
    elif kind == "add":
        dims.add().dim_value = rng.choice((1, 2, 3))
    elif kind == "pop" and dims:
        del dims[rng.randrange(len(dims))]
    elif dims:
        for d in dims:
            d.dim_value = 1
    return f"graph input {vi.name!r} shape ({kind}) -> {[d.dim_value for d in dims]}"


def m_attr_small(model, rng):
    """An integer attribute gets another small value (strides 2, pads 1, group 4, ...)."""
    candidates = [(n, a) for n in model.graph.node for a in n.attribute
                  if a.type in (onnx.AttributeProto.INT, onnx.AttributeProto.INTS)]
    if not candidates:
        node = _node(model, rng)
        if node is None:
            return None
        name = rng.choice(("strides", "pads", "dilations", "group", "axis", "kernel_shape", "transB", "perm", "auto_pad"))
        if name == "auto_pad":
            node.attribute.append(helper.make_attribute(name, rng.choice(("SAME_UPPER", "SAME_LOWER", "VALID"))))
        elif name in ("group", "axis", "transB"):
            node.attribute.append(helper.make_attribute(name, rng.randrange(-2, 5)))
        else:
            node.attribute.append(helper.make_attribute(name, [rng.randrange(0, 4) for _ in range(rng.choice((2, 4)))]))
        return f"node {node.name!r} add {name}"
    node, a = rng.choice(candidates)
    if a.type == onnx.AttributeProto.INT:
        a.i = rng.randrange(-3, 9)
    else:
        values = list(a.ints)
        if values and rng.random() < 0.7:
            values[rng.randrange(len(values))] = rng.randrange(-1, 5)
        else:
            values = [rng.randrange(0, 4) for _ in range(rng.choice((1, 2, 3, 4, 6, 8)))]
        del a.ints[:]
        a.ints.extend(values)
    return f"node {node.name!r} attribute {a.name} -> small value"


def m_weight_shape(model, rng):
    """An integer weight tensor is sliced, reshaped or transposed (same dtype)."""
    inits = [t for t in model.graph.initializer if t.data_type in (TensorProto.INT8, TensorProto.UINT8, TensorProto.INT32)
             and len(t.dims) >= 1 and math.prod(t.dims) <= 200_000]
    if not inits:
        return None
    t = rng.choice(inits)
    arr = numpy_helper.to_array(t)
    kind = rng.choice(("slice", "reshape", "transpose", "expand"))
    if kind == "slice" and arr.shape[0] > 1:
        arr = arr[: rng.randrange(1, arr.shape[0])]
    elif kind == "reshape" and arr.ndim >= 2:
        arr = arr.reshape(arr.shape[0], -1) if rng.random() < 0.5 else arr.reshape(-1)
    elif kind == "transpose" and arr.ndim >= 2:
        axes = list(range(arr.ndim))
        rng.shuffle(axes)
        arr = arr.transpose(axes)
    else:
        arr = arr[None]
    _set_array(t, np.ascontiguousarray(arr))
    return f"weight {t.name!r} ({kind}) -> {list(arr.shape)}"


def m_io_dtype(model, rng):
    """A graph input or output switches between int8, uint8 and float32."""
    infos = _value_infos(model)
    if not infos:
        return None
    vi = rng.choice(infos)
    vi.type.tensor_type.elem_type = rng.choice((TensorProto.INT8, TensorProto.UINT8, TensorProto.FLOAT))
    return f"value info {vi.name!r} elem type -> {vi.type.tensor_type.elem_type}"


def m_requantize_params(model, rng):
    """A Q/DQ pair gets other plausible parameters (scale x2, zero point +-1, signedness)."""
    scales = _param_tensors(model, rng, SCALE_INPUTS)
    if not scales:
        return None
    t = rng.choice(scales)
    try:
        arr = numpy_helper.to_array(t).copy()
    except Exception:  # noqa: BLE001
        return None
    if arr.dtype.kind != "f":
        return None
    arr = (arr * rng.choice((0.5, 2.0, 1.0001, 1e-6, 1e6))).astype(arr.dtype)
    _set_array(t, arr)
    return f"scale {t.name!r} rescaled"


def m_crossover(model, rng, donors: list[onnx.ModelProto] | None = None):
    """Grafts a node of another seed model (with the initializers it reads) onto a tensor
    of this one: QOperator ops on QDQ tensors, convs on dense outputs, ..."""
    if not donors:
        return None
    donor = rng.choice(donors)
    candidates = [n for n in donor.graph.node if n.input]
    if not candidates:
        return None
    graft = onnx.NodeProto()
    graft.CopyFrom(rng.choice(candidates))
    donor_inits = {t.name: t for t in donor.graph.initializer}
    ours = {t.name for t in model.graph.initializer}
    suffix = f"_x{rng.randrange(10**6)}"
    for i, name in enumerate(graft.input):
        if name in donor_inits:
            t = TensorProto()
            t.CopyFrom(donor_inits[name])
            t.name = name + suffix
            if t.name not in ours:
                model.graph.initializer.append(t)
            graft.input[i] = t.name
        elif name:
            graft.input[i] = rng.choice(_tensor_names(model))
    for i, name in enumerate(graft.output):
        graft.output[i] = name + suffix if name else name
    graft.name = graft.name + suffix
    # Insert after the producers of its inputs, then feed a later node or the graph output.
    produced = {o: k for k, n in enumerate(model.graph.node) for o in n.output}
    pos = max([produced.get(x, -1) for x in graft.input] + [-1]) + 1
    model.graph.node.insert(pos, graft)
    later = [n for n in list(model.graph.node)[pos + 1 :] if n.input]
    if later and rng.random() < 0.7:
        user = rng.choice(later)
        user.input[rng.randrange(len(user.input))] = graft.output[0]
    elif model.graph.output:
        model.graph.output[0].name = graft.output[0]
    if graft.domain == "com.microsoft" and not any(e.domain == "com.microsoft" for e in model.opset_import):
        model.opset_import.add().CopyFrom(helper.make_opsetid("com.microsoft", 1))
    return f"graft {graft.op_type} from {donor.graph.name!r} at {pos}"


def m_opset21(model, rng):
    """Opset 21 Q/DQ attributes: output_dtype, block_size, saturate, precision."""
    nodes = [n for n in model.graph.node if n.op_type in ("QuantizeLinear", "DequantizeLinear")]
    if not nodes:
        return None
    for e in model.opset_import:
        if e.domain in ("", "ai.onnx"):
            e.version = rng.choice((19, 21, 23, 25))
    model.ir_version = max(model.ir_version, 10)
    node = rng.choice(nodes)
    name = rng.choice(("output_dtype", "output_dtype", "block_size", "saturate", "precision"))
    value = rng.choice((TensorProto.INT8, TensorProto.UINT8, TensorProto.INT16, TensorProto.FLOAT, 0, 2, 32))
    keep = [a for a in node.attribute if a.name != name]
    del node.attribute[:]
    node.attribute.extend(keep)
    node.attribute.append(helper.make_attribute(name, value))
    if name == "output_dtype" and len(node.input) > 2 and rng.random() < 0.5:
        del node.input[2:]
    return f"node {node.name!r} {name}={value}"


def m_bloat(model, rng):
    """Scale: long chains of Identity / Reshape nodes, many unused initializers, many graph
    inputs or outputs (the importer must stay linear: a 10 s bound per input)."""
    g = model.graph
    kind = rng.choice(("chain", "chain", "initializers", "inputs", "outputs"))
    n = rng.choice((300, 1000, 3000, 9000))
    if kind == "chain" and g.node:
        node = rng.choice([x for x in g.node if x.input] or list(g.node))
        if not node.input:
            return None
        i = rng.randrange(len(node.input))
        src = node.input[i]
        op = rng.choice(("Identity", "Identity", "Reshape"))
        chain = []
        if op == "Reshape":
            g.initializer.append(numpy_helper.from_array(np.array([-1], np.int64), "bloat_shape"))
        for k in range(n):
            inputs = [src] if op == "Identity" else [src, "bloat_shape"]
            chain.append(helper.make_node(op, inputs, [f"bloat_{k}"]))
            src = f"bloat_{k}"
        node.input[i] = src
        pos = list(g.node).index(node)
        nodes = list(g.node)
        nodes[pos:pos] = chain
        copies = []
        for x in nodes:
            c = onnx.NodeProto()
            c.CopyFrom(x)
            copies.append(c)
        del g.node[:]
        g.node.extend(copies)
    elif kind == "initializers":
        g.initializer.extend(numpy_helper.from_array(np.array([k], np.int64), f"unused_{k}") for k in range(n))
    elif kind == "inputs":
        g.input.extend(helper.make_tensor_value_info(f"extra_in_{k}", TensorProto.INT8, [1, 2]) for k in range(n))
    elif g.output:
        g.output.extend(g.output[0] for _ in range(n))
    else:
        return None
    return f"bloat ({kind}, {n})"


PROTO_MUTATORS: dict[str, Callable] = {
    "init_dtype": m_init_dtype, "init_dims": m_init_dims, "init_values": m_init_values,
    "init_raw": m_init_raw, "init_remove": m_init_remove, "init_rename": m_init_rename,
    "init_to_constant": m_init_to_constant, "init_external": m_init_external,
    "node_input": m_node_input, "node_arity": m_node_arity, "node_output": m_node_output,
    "node_order": m_node_order, "node_op_type": m_node_op_type, "node_domain": m_node_domain,
    "node_name": m_node_name, "rename_tensor": m_rename_tensor, "attr": m_attr,
    "scale": m_scale, "zero_point": m_zero_point, "axis": m_axis,
    "shape_operand": m_shape_operand, "value_info": m_value_info, "graph_io": m_graph_io,
    "opset": m_opset, "constant_node": m_constant_node,
    "input_shape_valid": m_input_shape_valid, "attr_small": m_attr_small,
    "weight_shape": m_weight_shape, "io_dtype": m_io_dtype, "requantize_params": m_requantize_params,
    "crossover": m_crossover, "opset21": m_opset21, "bloat": m_bloat,
}
# Mutators aimed at the quantisation parameters and attributes run more often.
PROTO_WEIGHTS = {"scale": 4, "zero_point": 3, "attr": 4, "node_input": 3, "init_values": 3, "shape_operand": 3,
                 "value_info": 2, "axis": 3, "input_shape_valid": 4, "attr_small": 5, "weight_shape": 3,
                 "io_dtype": 2, "requantize_params": 2, "init_rename": 0.5, "node_output": 0.5,
                 "init_remove": 0.5, "crossover": 4, "opset21": 1, "bloat": 0.3}
