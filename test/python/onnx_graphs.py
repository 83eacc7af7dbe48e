"""A library of small, deterministic, int8-quantised ONNX test graphs for tinymlir.

Every builder returns a fresh ``onnx.ModelProto``. Builders in ``VALID_GRAPHS`` pass
``onnx.checker.check_model(m, full_check=True)`` and run in onnxruntime (CPU).
Builders in ``MALFORMED`` make inputs for the importer's error tests. Each one has
exactly one defect: raw bytes that do not parse, a broken graph, or a well-formed
model that tinymlir rejects, such as a float model, a symbolic dimension, opset 12,
an unsupported op, int16 activations, or an empty graph.

Two styles are covered:

* QDQ, as written by tf2onnx and ``onnxruntime.quantization``. A graph has int8
  activations and int8 weight initializers. Each weight goes through
  DequantizeLinear: conv weights per-axis (axis=0), FC weights per-tensor. int32
  biases are dequantized with scale ``s_in * s_w``. The float Conv / MatMul+Add /
  Gemm / pooling / Softmax ops are followed by QuantizeLinear.
* QOperator: QLinearConv, QLinearMatMul, com.microsoft QGemm / QLinearAdd /
  QLinearAveragePool / QLinearGlobalAveragePool / QLinearConcat / QLinearSoftmax,
  plus MaxPool and Reshape applied directly to int8 tensors. Every QOperator op
  listed runs in onnxruntime 1.32 on CPU, so none had to be left out. (The QDQ
  graphs also run Pad / Reshape / Flatten / Transpose directly on int8 tensors.)

Quantisation parameters are calibrated, not guessed. The builder runs eagerly: the
graph built so far (or, for QOperator nodes, the equivalent float op) runs in
onnxruntime (float graphs) or the exact numpy oracle ``ort_oracle.ExactOracle`` (graphs with
QOperator nodes, whose onnxruntime kernels depend on the host CPU) on a fixed set of random
calibration inputs. The float min/max of each
new activation then sets its scale and zero point. All random numbers come from
fixed seeds, so the output is bit-identical from run to run on one machine. Scales
are rounded to 4 significant digits, so last-bit float differences between CPUs
rarely change a saved file, but this is not guaranteed.

Run this file as a script to regenerate ``test/frontend/onnx/Inputs/*.onnx``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

FLOAT = TensorProto.FLOAT
INT8 = TensorProto.INT8
UINT8 = TensorProto.UINT8
INT16 = TensorProto.INT16
UINT16 = TensorProto.UINT16
INT32 = TensorProto.INT32
INT64 = TensorProto.INT64

OPSET = 13
IR_VERSION = 8  # onnxruntime 1.32 accepts IR 3..11; opset 21 needs IR >= 10.
MS_DOMAIN = "com.microsoft"
PRODUCER = "tinymlir-test-graphs"

N_CALIB = 16  # calibration samples per graph
CALIB_SEED = 2024

_NP_DTYPE = {
    FLOAT: np.float32,
    INT8: np.int8,
    UINT8: np.uint8,
    INT16: np.int16,
    UINT16: np.uint16,
    INT32: np.int32,
    INT64: np.int64,
}


# --------------------------------------------------------------------------------------
# onnxruntime helpers
# --------------------------------------------------------------------------------------


def _session(model: onnx.ModelProto | bytes, optimize: bool = True):
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    opts.log_severity_level = 3
    opts.graph_optimization_level = (
        ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        if optimize
        else ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    )
    data = model if isinstance(model, bytes) else model.SerializeToString()
    return ort.InferenceSession(data, opts, providers=["CPUExecutionProvider"])


def _graph_inputs(model: onnx.ModelProto) -> list[onnx.ValueInfoProto]:
    inits = {i.name for i in model.graph.initializer}
    return [i for i in model.graph.input if i.name not in inits]


def run_onnxruntime(
    model: onnx.ModelProto | bytes, inputs: Sequence[np.ndarray], *, optimize: bool = True
) -> list[np.ndarray]:
    """Run ``model`` in onnxruntime (CPU, one thread); inputs are in graph-input order.

    With ``optimize=True`` (the default, as in a normal deployment) onnxruntime fuses
    QDQ groups into integer kernels (e.g. DQ->Conv->Q into QLinearConv). With
    ``optimize=False`` every node runs as written (float math between Q and DQ).
    The two can differ by one LSB on requantised outputs.
    """
    sess = _session(model, optimize=optimize)
    names = [i.name for i in sess.get_inputs()]
    if len(names) != len(inputs):
        raise ValueError(f"model has {len(names)} inputs, got {len(inputs)}")
    return sess.run(None, dict(zip(names, inputs, strict=True)))


def random_inputs(model: onnx.ModelProto, seed: int = 0) -> list[np.ndarray]:
    """Random valid inputs for the graph inputs: ints over full range, floats in [-1, 1)."""
    rng = np.random.default_rng(seed)
    out = []
    for vi in _graph_inputs(model):
        tt = vi.type.tensor_type
        shape = [d.dim_value if d.HasField("dim_value") else 1 for d in tt.shape.dim]
        dtype = helper.tensor_dtype_to_np_dtype(tt.elem_type)
        if np.issubdtype(dtype, np.integer):
            info = np.iinfo(dtype)
            out.append(rng.integers(info.min, info.max, size=shape, endpoint=True, dtype=dtype))
        elif np.issubdtype(dtype, np.floating):
            out.append(rng.uniform(-1.0, 1.0, size=shape).astype(dtype))
        elif dtype == np.bool_:
            out.append(rng.integers(0, 1, size=shape, endpoint=True).astype(np.bool_))
        else:
            raise NotImplementedError(f"input {vi.name}: unsupported dtype {dtype}")
    return out


def _float_op(
    op: str, samples: Sequence[Sequence[np.ndarray]], domain: str = "", **attrs
) -> list[np.ndarray]:
    """Evaluate one float op in onnxruntime for each sample (a list of input arrays)."""
    first = samples[0]
    names = [f"i{k}" for k in range(len(first))]
    inputs = [
        helper.make_tensor_value_info(n, helper.np_dtype_to_tensor_dtype(a.dtype), list(a.shape))
        for n, a in zip(names, first, strict=True)
    ]
    node = helper.make_node(op, names, ["y"], domain=domain, **attrs)
    graph = helper.make_graph(
        [node], f"eval_{op}", inputs, [helper.make_tensor_value_info("y", FLOAT, None)]
    )
    opsets = [helper.make_opsetid("", OPSET)]
    if domain:
        opsets.append(helper.make_opsetid(domain, 1))
    model = helper.make_model(graph, opset_imports=opsets, ir_version=IR_VERSION)
    sess = _session(model, optimize=False)
    return [sess.run(None, dict(zip(names, s, strict=True)))[0] for s in samples]


# --------------------------------------------------------------------------------------
# quantisation arithmetic
# --------------------------------------------------------------------------------------


def _round_sig(x: float, sig: int = 4) -> np.float32:
    return np.float32(float(f"{float(x):.{sig}g}"))


def _qrange(elem: int) -> tuple[int, int]:
    info = np.iinfo(_NP_DTYPE[elem])
    return int(info.min), int(info.max)


def _act_qparams(lo: float, hi: float, elem: int) -> tuple[np.float32, int]:
    """Asymmetric (8-bit) or symmetric (16-bit) activation scale/zero point for [lo, hi]."""
    lo, hi = min(float(lo), 0.0), max(float(hi), 0.0)
    qmin, qmax = _qrange(elem)
    if elem in (INT16,):
        scale = _round_sig(max(abs(lo), abs(hi), 1e-6) / qmax)
        return scale, 0
    if hi - lo < 1e-6:
        hi = lo + 1e-3
    scale = _round_sig((hi - lo) / (qmax - qmin))
    zp = int(np.clip(np.round(qmin - lo / scale), qmin, qmax))
    return scale, zp


def _quantize(x: np.ndarray, scale, zp, elem: int) -> np.ndarray:
    qmin, qmax = _qrange(elem)
    q = np.round(np.asarray(x, np.float64) / np.asarray(scale, np.float64)) + np.asarray(zp)
    return np.clip(q, qmin, qmax).astype(_NP_DTYPE[elem])


def _dequantize(q: np.ndarray, scale, zp, axis: int | None = None) -> np.ndarray:
    scale = np.asarray(scale, np.float32)
    zp = np.asarray(zp, np.int64)
    if axis is not None and scale.ndim == 1:
        shape = [1] * q.ndim
        shape[axis] = -1
        scale, zp = scale.reshape(shape), zp.reshape(shape)
    return ((q.astype(np.int64) - zp).astype(np.float32) * scale).astype(np.float32)


class _QParams:
    """Quantisation parameters of one quantized tensor and their initializer names."""

    def __init__(self, scale, zp, scale_name: str, zp_name: str, elem: int):
        self.scale = np.float32(scale)
        self.zp = int(zp)
        self.scale_name = scale_name
        self.zp_name = zp_name
        self.elem = elem


# --------------------------------------------------------------------------------------
# eager graph builder
# --------------------------------------------------------------------------------------


class _Builder:
    """Builds a graph node by node and evaluates it eagerly for calibration."""

    def __init__(self, name: str, seed: int, *, opset: int = OPSET, ir_version: int = IR_VERSION):
        self.name = name
        self.rng = np.random.default_rng(seed)
        self.calib_rng = np.random.default_rng(CALIB_SEED + seed)
        self.opset = opset
        self.ir_version = ir_version
        self.nodes: list[onnx.NodeProto] = []
        self.inits: dict[str, onnx.TensorProto] = {}
        self.inputs: list[onnx.ValueInfoProto] = []
        self.elem: dict[str, int] = {}  # tensor name -> element type
        self.vals: dict[str, list[np.ndarray]] = {}  # calibration values
        self.qp: dict[str, _QParams] = {}  # quantized tensor -> its params
        self.feeds: list[dict[str, np.ndarray]] = [{} for _ in range(N_CALIB)]
        self._dq_cache: dict[str, str] = {}
        self._node_names: set[str] = set()
        self.uses_ms = False

    # ---- primitive construction ---------------------------------------------------

    def const(self, name: str, array) -> str:
        assert name not in self.inits and name not in self.elem, f"duplicate tensor {name}"
        array = np.asarray(array)
        self.inits[name] = numpy_helper.from_array(array, name)
        self.elem[name] = helper.np_dtype_to_tensor_dtype(array.dtype)
        self.vals[name] = [array] * N_CALIB
        return name

    def node(
        self,
        op: str,
        inputs: Sequence[str],
        output: str,
        elem: int,
        *,
        name: str | None = None,
        domain: str = "",
        **attrs,
    ) -> str:
        name = name or output
        assert name not in self._node_names, f"duplicate node name {name}"
        assert output not in self.elem, f"duplicate tensor {output}"
        for i in inputs:
            assert i == "" or i in self.elem, f"{name}: unknown input {i}"
        self._node_names.add(name)
        if domain == MS_DOMAIN:
            self.uses_ms = True
        self.nodes.append(
            helper.make_node(op, list(inputs), [output], name=name, domain=domain, **attrs)
        )
        self.elem[output] = elem
        return output

    def input(
        self,
        name: str,
        shape: Sequence[int],
        elem: int = INT8,
        *,
        scale: float | None = None,
        zp: int | None = None,
    ) -> str:
        """Declare a graph input; quantized inputs get fixed (scale, zp)."""
        self.inputs.append(helper.make_tensor_value_info(name, elem, list(shape)))
        self.elem[name] = elem
        dtype = _NP_DTYPE[elem]
        for f in self.feeds:
            if elem == FLOAT:
                f[name] = self.calib_rng.uniform(-1.0, 1.0, size=shape).astype(np.float32)
            else:
                lo, hi = _qrange(elem)
                f[name] = self.calib_rng.integers(lo, hi, size=shape, endpoint=True, dtype=dtype)
        self.vals[name] = [f[name] for f in self.feeds]
        if scale is not None:
            self.new_qparams(name, scale, zp, elem)
        return name

    def new_qparams(self, tensor: str, scale, zp, elem: int, prefix: str | None = None) -> _QParams:
        prefix = prefix or tensor
        s = self.const(f"{prefix}_scale", np.array(scale, np.float32))
        z = self.const(f"{prefix}_zp", np.array(zp, _NP_DTYPE[elem]))
        q = _QParams(scale, zp, s, z, elem)
        self.qp[tensor] = q
        return q

    def share_qparams(self, tensor: str, like: str) -> _QParams:
        self.qp[tensor] = self.qp[like]
        return self.qp[tensor]

    # ---- eager evaluation -----------------------------------------------------------

    def _prefix_model(self, outputs: Sequence[str]) -> onnx.ModelProto:
        outs = [helper.make_tensor_value_info(o, self.elem[o], None) for o in outputs]
        graph = helper.make_graph(
            list(self.nodes), self.name, list(self.inputs), outs, list(self.inits.values())
        )
        opsets = [helper.make_opsetid("", self.opset)]
        if self.uses_ms:
            opsets.append(helper.make_opsetid(MS_DOMAIN, 1))
        return helper.make_model(graph, opset_imports=opsets, ir_version=self.ir_version)

    def value(self, name: str) -> list[np.ndarray]:
        """Calibration values of ``name`` (one array per calibration sample)."""
        if name not in self.vals:
            pending = [o for n in self.nodes for o in n.output if o not in self.vals]
            prefix = self._prefix_model(pending)
            if self.uses_ms or any(n.op_type.startswith("QLinear") for n in self.nodes):
                # QOperator graphs run in the exact numpy oracle: onnxruntime's integer kernels
                # depend on the host CPU (u8s8 QLinearConv saturates on AVX2 without VNNI).
                from ort_oracle import ExactOracle

                oracle = ExactOracle(prefix)
                order = [i.name for i in self.inputs]
                results = [[oracle.run_all([f[i] for i in order])[o] for o in pending] for f in self.feeds]
            else:
                sess = _session(prefix, optimize=False)
                results = [sess.run(pending, f) for f in self.feeds]
            for k, o in enumerate(pending):
                self.vals[o] = [r[k] for r in results]
        return self.vals[name]

    def shape(self, name: str) -> tuple[int, ...]:
        return tuple(self.value(name)[0].shape)

    def float_value(self, qname: str) -> list[np.ndarray]:
        q = self.qp[qname]
        return [_dequantize(v, q.scale, q.zp) for v in self.value(qname)]

    def calibrated(self, values: Sequence[np.ndarray], elem: int, *, lo=None, hi=None):
        vlo = min(float(v.min()) for v in values)
        vhi = max(float(v.max()) for v in values)
        return _act_qparams(vlo if lo is None else lo, vhi if hi is None else hi, elem)

    # ---- parameters -------------------------------------------------------------------

    def float_weight(self, shape: Sequence[int], per_channel_spread: bool = True) -> np.ndarray:
        fan_in = int(np.prod(shape[1:])) if len(shape) > 1 else int(shape[0])
        w = self.rng.normal(0.0, 1.0 / np.sqrt(fan_in), size=shape)
        if per_channel_spread and len(shape) == 4:
            # Per-output-channel magnitudes that differ, as after BN folding.
            w *= self.rng.uniform(0.3, 2.0, size=(shape[0], 1, 1, 1))
        return w.astype(np.float32)

    def quant_weight(
        self, w: np.ndarray, per_channel: bool, elem: int = INT8
    ) -> tuple[np.ndarray, np.ndarray]:
        """Symmetric int8 weight quantisation (axis 0 when per-channel)."""
        if per_channel:
            amax = np.abs(w.reshape(w.shape[0], -1)).max(axis=1)
            scale = (np.maximum(amax, 1e-8) / 127.0).astype(np.float32)
            bshape = [-1] + [1] * (w.ndim - 1)
            q = np.clip(np.round(w / scale.reshape(bshape)), -127, 127)
        else:
            scale = np.float32(max(float(np.abs(w).max()), 1e-8) / 127.0)
            q = np.clip(np.round(w / scale), -127, 127)
        return q.astype(_NP_DTYPE[elem]), np.asarray(scale, np.float32)

    def quant_bias(self, n: int, s_in, s_w, in_std: float) -> tuple[np.ndarray, np.ndarray]:
        """int32 bias at scale s_in * s_w (float32 product, per-channel if s_w is)."""
        b = self.rng.normal(0.0, 0.5 * in_std, size=n)
        bscale = (np.float32(s_in) * np.asarray(s_w, np.float32)).astype(np.float32)
        q = np.round(b / bscale.astype(np.float64)).astype(np.int32)
        return q, bscale

    def _in_std(self, x: str) -> float:
        return float(np.std(np.concatenate([v.ravel() for v in self.float_value(x)]))) or 1.0

    # ---- QDQ building blocks ---------------------------------------------------------

    def dq(self, x: str) -> str:
        """DequantizeLinear of a quantized activation (one DQ per tensor)."""
        if x not in self._dq_cache:
            q = self.qp[x]
            self._dq_cache[x] = self.node(
                "DequantizeLinear", [x, q.scale_name, q.zp_name], f"{x}_dq", FLOAT
            )
        return self._dq_cache[x]

    def q(
        self,
        xf: str,
        out: str,
        elem: int = INT8,
        *,
        like: str | None = None,
        scale: float | None = None,
        zp: int | None = None,
        lo: float | None = None,
        hi: float | None = None,
    ) -> str:
        """QuantizeLinear; params shared with ``like``, given, or calibrated from data."""
        if like is not None:
            qp = self.share_qparams(out, like)
        else:
            if scale is None:
                scale, zp = self.calibrated(self.value(xf), elem, lo=lo, hi=hi)
            qp = self.new_qparams(out, scale, zp, elem)
        self.node(
            "QuantizeLinear", [xf, qp.scale_name, qp.zp_name], out, qp.elem, name=f"{out}_quant"
        )
        return out

    def weight_dq(self, prefix: str, w: np.ndarray, per_channel: bool) -> tuple[str, np.ndarray]:
        wq, s_w = self.quant_weight(w, per_channel)
        self.const(prefix, wq)
        self.const(f"{prefix}_scale", s_w)
        self.const(f"{prefix}_zp", np.zeros(s_w.shape, np.int8))
        attrs = {"axis": 0} if per_channel else {}
        out = self.node(
            "DequantizeLinear",
            [prefix, f"{prefix}_scale", f"{prefix}_zp"],
            f"{prefix}_dq",
            FLOAT,
            **attrs,
        )
        return out, s_w

    def bias_dq(self, prefix: str, n: int, x: str, s_w: np.ndarray) -> str:
        bq, bscale = self.quant_bias(n, self.qp[x].scale, s_w, self._in_std(x))
        self.const(prefix, bq)
        self.const(f"{prefix}_scale", bscale)
        self.const(f"{prefix}_zp", np.zeros(bscale.shape, np.int32))
        attrs = {"axis": 0} if bscale.ndim == 1 else {}
        return self.node(
            "DequantizeLinear",
            [prefix, f"{prefix}_scale", f"{prefix}_zp"],
            f"{prefix}_dq",
            FLOAT,
            **attrs,
        )

    def activation(self, y: str, name: str, act: str | None) -> str:
        if act is None:
            return y
        if act == "relu":
            return self.node("Relu", [y], f"{name}_relu", FLOAT)
        if act == "relu6":
            lo = self.const(f"{name}_clip_min", np.array(0.0, np.float32))
            hi = self.const(f"{name}_clip_max", np.array(6.0, np.float32))
            return self.node("Clip", [y, lo, hi], f"{name}_relu6", FLOAT)
        raise ValueError(act)

    def qdq_conv(
        self,
        x: str,
        name: str,
        cout: int,
        kernel: int = 3,
        *,
        stride: int = 1,
        pads: Sequence[int] | None = None,
        dilation: int = 1,
        group: int = 1,
        per_channel: bool = True,
        act: str | None = None,
        out: str | None = None,
        w_gain: float = 1.0,
    ) -> str:
        """DQ(x) -> Conv(DQ(w), DQ(b)) [-> Relu|Clip] -> Q."""
        cin = self.shape(x)[1]
        xf = self.dq(x)
        w = self.float_weight([cout, cin // group, kernel, kernel]) * np.float32(w_gain)
        w_dq, s_w = self.weight_dq(f"{name}_w", w, per_channel)
        b_dq = self.bias_dq(f"{name}_b", cout, x, s_w)
        if pads is None:
            p = dilation * (kernel - 1) // 2
            pads = [p, p, p, p]
        y = self.node(
            "Conv",
            [xf, w_dq, b_dq],
            f"{name}_out",
            FLOAT,
            name=name,
            kernel_shape=[kernel, kernel],
            strides=[stride, stride],
            pads=list(pads),
            dilations=[dilation, dilation],
            group=group,
        )
        y = self.activation(y, name, act)
        if act == "relu6":
            return self.q(y, out or f"{name}_q", self.qp[x].elem, lo=0.0, hi=6.0)
        return self.q(y, out or f"{name}_q", self.qp[x].elem)

    def qdq_fc(
        self,
        x: str,
        name: str,
        n_out: int,
        *,
        act: str | None = None,
        out: str | None = None,
        w_gain: float = 1.0,
    ) -> str:
        """DQ(x) -> MatMul(DQ(w)) -> Add(DQ(b)) [-> Relu] -> Q, per-tensor weights."""
        k = self.shape(x)[-1]
        xf = self.dq(x)
        w = self.float_weight([k, n_out], per_channel_spread=False) * np.float32(w_gain)
        w_dq, s_w = self.weight_dq(f"{name}_w", w, per_channel=False)
        b_dq = self.bias_dq(f"{name}_b", n_out, x, s_w)
        y = self.node("MatMul", [xf, w_dq], f"{name}_matmul", FLOAT, name=name)
        y = self.node("Add", [y, b_dq], f"{name}_out", FLOAT, name=f"{name}_bias_add")
        y = self.activation(y, name, act)
        return self.q(y, out or f"{name}_q", self.qp[x].elem)

    def qdq_softmax(self, x: str, name: str, out: str) -> str:
        """DQ -> Softmax -> Q(1/256, -128), as TFLite requires for int8 softmax."""
        y = self.node("Softmax", [self.dq(x)], f"{name}_out", FLOAT, name=name, axis=-1)
        return self.q(y, out, INT8, scale=1.0 / 256.0, zp=-128)

    def reshape(self, x: str, name: str, shape: Sequence[int]) -> str:
        """Reshape applied directly to a quantized tensor (params unchanged)."""
        s = self.const(f"{name}_shape", np.array(shape, np.int64))
        out = self.node("Reshape", [x, s], f"{name}_q", self.elem[x], name=name)
        self.share_qparams(out, x)
        return out

    # ---- QOperator building blocks --------------------------------------------------

    def _qop_out(self, out: str, yf: Sequence[np.ndarray], elem: int, lo=None, hi=None):
        scale, zp = self.calibrated(yf, elem, lo=lo, hi=hi)
        return self.new_qparams(out, scale, zp, elem)

    def qop_conv(
        self,
        x: str,
        name: str,
        cout: int,
        kernel: int = 3,
        *,
        stride: int = 1,
        pads: Sequence[int] | None = None,
        dilation: int = 1,
        group: int = 1,
        per_channel: bool = True,
        relu: bool = False,
        out: str | None = None,
    ) -> str:
        """QLinearConv with int8 weights and int32 bias; ``relu`` folds into the output range."""
        out = out or f"{name}_q"
        xq = self.qp[x]
        cin = self.shape(x)[1]
        w = self.float_weight([cout, cin // group, kernel, kernel])
        wq, s_w = self.quant_weight(w, per_channel)
        bq, bscale = self.quant_bias(cout, xq.scale, s_w, self._in_std(x))
        if pads is None:
            p = dilation * (kernel - 1) // 2
            pads = [p, p, p, p]
        attrs = dict(
            kernel_shape=[kernel, kernel],
            strides=[stride, stride],
            pads=list(pads),
            dilations=[dilation, dilation],
            group=group,
        )
        wf = _dequantize(wq, s_w, 0, axis=0)
        bf = (bq.astype(np.float64) * bscale).astype(np.float32)
        yf = _float_op("Conv", [[xf, wf, bf] for xf in self.float_value(x)], **attrs)
        yq = self._qop_out(out, yf, xq.elem, lo=0.0 if relu else None)
        self.const(f"{name}_w", wq)
        self.const(f"{name}_w_scale", s_w)
        self.const(f"{name}_w_zp", np.zeros(s_w.shape, np.int8))
        self.const(f"{name}_b", bq)
        ins = [x, xq.scale_name, xq.zp_name, f"{name}_w", f"{name}_w_scale", f"{name}_w_zp"]
        ins += [yq.scale_name, yq.zp_name, f"{name}_b"]
        return self.node("QLinearConv", ins, out, yq.elem, name=name, **attrs)

    def qop_matmul(self, x: str, name: str, n_out: int, *, out: str | None = None) -> str:
        """QLinearMatMul with per-tensor int8 weights [K, N] (no bias)."""
        out = out or f"{name}_q"
        xq = self.qp[x]
        w = self.float_weight([self.shape(x)[-1], n_out], per_channel_spread=False)
        wq, s_w = self.quant_weight(w, per_channel=False)
        wf = _dequantize(wq, s_w, 0)
        yq = self._qop_out(out, [xf @ wf for xf in self.float_value(x)], xq.elem)
        self.const(f"{name}_w", wq)
        self.const(f"{name}_w_scale", s_w)
        self.const(f"{name}_w_zp", np.array(0, np.int8))
        ins = [x, xq.scale_name, xq.zp_name, f"{name}_w", f"{name}_w_scale", f"{name}_w_zp"]
        ins += [yq.scale_name, yq.zp_name]
        return self.node("QLinearMatMul", ins, out, yq.elem, name=name)

    def qop_gemm(
        self, x: str, name: str, n_out: int, *, out: str | None = None, w_gain: float = 1.0
    ) -> str:
        """com.microsoft QGemm, transB=1, per-tensor int8 B [N, K], int32 C."""
        out = out or f"{name}_q"
        xq = self.qp[x]
        w = self.float_weight([n_out, self.shape(x)[-1]], per_channel_spread=False)
        w *= np.float32(w_gain)
        wq, s_w = self.quant_weight(w, per_channel=False)
        bq, bscale = self.quant_bias(n_out, xq.scale, s_w, self._in_std(x))
        wf = _dequantize(wq, s_w, 0)
        bf = (bq.astype(np.float64) * bscale).astype(np.float32)
        yq = self._qop_out(out, [xf @ wf.T + bf for xf in self.float_value(x)], xq.elem)
        self.const(f"{name}_w", wq)
        self.const(f"{name}_w_scale", s_w)
        self.const(f"{name}_w_zp", np.array(0, np.int8))
        self.const(f"{name}_b", bq)
        ins = [x, xq.scale_name, xq.zp_name, f"{name}_w", f"{name}_w_scale", f"{name}_w_zp"]
        ins += [f"{name}_b", yq.scale_name, yq.zp_name]
        return self.node(
            "QGemm", ins, out, yq.elem, name=name, domain=MS_DOMAIN, alpha=1.0, transB=1
        )

    def qop_add(self, a: str, b: str, name: str, *, out: str | None = None) -> str:
        """com.microsoft QLinearAdd (numpy broadcasting)."""
        out = out or f"{name}_q"
        qa, qb = self.qp[a], self.qp[b]
        yf = [x + y for x, y in zip(self.float_value(a), self.float_value(b), strict=True)]
        yq = self._qop_out(out, yf, qa.elem)
        ins = [a, qa.scale_name, qa.zp_name, b, qb.scale_name, qb.zp_name]
        ins += [yq.scale_name, yq.zp_name]
        return self.node("QLinearAdd", ins, out, yq.elem, name=name, domain=MS_DOMAIN)

    def qop_avgpool(self, x: str, name: str, *, out: str | None = None, **attrs) -> str:
        """com.microsoft QLinearAveragePool (NCHW)."""
        out = out or f"{name}_q"
        xq = self.qp[x]
        yf = _float_op("AveragePool", [[v] for v in self.float_value(x)], **attrs)
        yq = self._qop_out(out, yf, xq.elem)
        ins = [x, xq.scale_name, xq.zp_name, yq.scale_name, yq.zp_name]
        return self.node(
            "QLinearAveragePool", ins, out, yq.elem, name=name, domain=MS_DOMAIN, **attrs
        )

    def qop_global_avgpool(self, x: str, name: str, *, out: str | None = None) -> str:
        """com.microsoft QLinearGlobalAveragePool (NCHW, channels_last=0)."""
        out = out or f"{name}_q"
        xq = self.qp[x]
        yf = [v.mean(axis=(2, 3), keepdims=True) for v in self.float_value(x)]
        yq = self._qop_out(out, yf, xq.elem)
        ins = [x, xq.scale_name, xq.zp_name, yq.scale_name, yq.zp_name]
        return self.node(
            "QLinearGlobalAveragePool",
            ins,
            out,
            yq.elem,
            name=name,
            domain=MS_DOMAIN,
            channels_last=0,
        )

    def qop_concat(self, xs: Sequence[str], name: str, *, axis: int, out: str | None = None):
        """com.microsoft QLinearConcat: (Y_scale, Y_zp, then (X, scale, zp) per input)."""
        out = out or f"{name}_q"
        vals = [self.float_value(x) for x in xs]
        yf = [np.concatenate(parts, axis=axis) for parts in zip(*vals, strict=True)]
        yq = self._qop_out(out, yf, self.qp[xs[0]].elem)
        ins = [yq.scale_name, yq.zp_name]
        for x in xs:
            ins += [x, self.qp[x].scale_name, self.qp[x].zp_name]
        return self.node("QLinearConcat", ins, out, yq.elem, name=name, domain=MS_DOMAIN, axis=axis)

    def qop_softmax(self, x: str, name: str, *, out: str) -> str:
        """com.microsoft QLinearSoftmax (opset=13 semantics, axis=-1), output 1/256 / qmin."""
        xq = self.qp[x]
        qmin, _ = _qrange(xq.elem)
        yq = self.new_qparams(out, 1.0 / 256.0, qmin, xq.elem)
        ins = [x, xq.scale_name, xq.zp_name, yq.scale_name, yq.zp_name]
        return self.node(
            "QLinearSoftmax", ins, out, yq.elem, name=name, domain=MS_DOMAIN, opset=13, axis=-1
        )

    def int_maxpool(self, x: str, name: str, *, out: str | None = None, **attrs) -> str:
        """MaxPool directly on the quantized tensor (ORT CPU supports int8/uint8 since 12)."""
        out = self.node("MaxPool", [x], out or f"{name}_q", self.elem[x], name=name, **attrs)
        self.share_qparams(out, x)
        return out

    # ---- finish ---------------------------------------------------------------------

    def model(self, outputs: Sequence[str], *, check: bool = True) -> onnx.ModelProto:
        outs = [
            helper.make_tensor_value_info(o, self.elem[o], list(self.shape(o))) for o in outputs
        ]
        graph = helper.make_graph(
            list(self.nodes), self.name, list(self.inputs), outs, list(self.inits.values())
        )
        opsets = [helper.make_opsetid("", self.opset)]
        if self.uses_ms:
            opsets.append(helper.make_opsetid(MS_DOMAIN, 1))
        m = helper.make_model(
            graph, opset_imports=opsets, ir_version=self.ir_version, producer_name=PRODUCER
        )
        if check:
            onnx.checker.check_model(m, full_check=True)
        return m


# --------------------------------------------------------------------------------------
# QDQ graphs
# --------------------------------------------------------------------------------------


def qdq_conv_per_tensor(opset: int = OPSET) -> onnx.ModelProto:
    """QDQ 3x3 Conv (pad 1, stride 1, per-tensor weights) + Relu: [1,4,8,8] -> [1,8,8,8]."""
    b = _Builder("qdq_conv_per_tensor", seed=1, opset=opset)
    x = b.input("input", [1, 4, 8, 8], scale=0.0235, zp=-3)
    y = b.qdq_conv(x, "conv1", 8, 3, per_channel=False, act="relu", out="output")
    return b.model([y])


def qdq_conv_per_channel() -> onnx.ModelProto:
    """QDQ 3x3 Conv, per-axis weights, stride 2, pads [0,0,1,1], no activation."""
    b = _Builder("qdq_conv_per_channel", seed=2)
    x = b.input("input", [1, 4, 9, 9], scale=0.0314, zp=5)
    y = b.qdq_conv(x, "conv1", 8, 3, stride=2, pads=[0, 0, 1, 1], out="output")
    return b.model([y])


def qdq_conv_dilated() -> onnx.ModelProto:
    """QDQ 3x3 Conv with dilation 2 (pad 2), per-channel, + Relu."""
    b = _Builder("qdq_conv_dilated", seed=3)
    x = b.input("input", [1, 4, 10, 10], scale=0.02, zp=0)
    y = b.qdq_conv(x, "conv1", 6, 3, dilation=2, act="relu", out="output")
    return b.model([y])


def qdq_depthwise() -> onnx.ModelProto:
    """QDQ depthwise 3x3 Conv (group = C = 8, per-channel) + Relu."""
    b = _Builder("qdq_depthwise", seed=4)
    x = b.input("input", [1, 8, 8, 8], scale=0.0271, zp=-12)
    y = b.qdq_conv(x, "dwconv1", 8, 3, group=8, act="relu", out="output")
    return b.model([y])


def qdq_grouped_conv() -> onnx.ModelProto:
    """QDQ 3x3 Conv with group=2 (4 -> 6 channels), per-channel."""
    b = _Builder("qdq_grouped_conv", seed=5)
    x = b.input("input", [1, 4, 8, 8], scale=0.0187, zp=7)
    y = b.qdq_conv(x, "gconv1", 6, 3, group=2, out="output")
    return b.model([y])


def qdq_conv_relu6() -> onnx.ModelProto:
    """QDQ 3x3 Conv + Clip(0, 6) (ReLU6), output range [0, 6] -> scale 6/255, zp -128."""
    b = _Builder("qdq_conv_relu6", seed=6)
    x = b.input("input", [1, 4, 8, 8], scale=0.08, zp=0)
    y = b.qdq_conv(x, "conv1", 8, 3, act="relu6", out="output", w_gain=1.5)
    return b.model([y])


def qdq_matmul_add() -> onnx.ModelProto:
    """QDQ MatMul [1,32]x[32,16] + bias Add + Relu, per-tensor weights (FC layer)."""
    b = _Builder("qdq_matmul_add", seed=7)
    x = b.input("input", [1, 32], scale=0.0392, zp=-20)
    y = b.qdq_fc(x, "fc1", 16, act="relu", out="output")
    return b.model([y])


def qdq_gemm() -> onnx.ModelProto:
    """QDQ Gemm (transB=1, B [16,32] per-tensor, int32 bias C): [1,32] -> [1,16]."""
    b = _Builder("qdq_gemm", seed=8)
    x = b.input("input", [1, 32], scale=0.0274, zp=11)
    w = b.float_weight([16, 32], per_channel_spread=False)
    w_dq, s_w = b.weight_dq("gemm1_w", w, per_channel=False)
    b_dq = b.bias_dq("gemm1_b", 16, x, s_w)
    y = b.node(
        "Gemm",
        [b.dq(x), w_dq, b_dq],
        "gemm1_out",
        FLOAT,
        name="gemm1",
        transB=1,
        alpha=1.0,
        beta=1.0,
    )
    y = b.q(y, "output")
    return b.model([y])


def qdq_add() -> onnx.ModelProto:
    """QDQ Add of two int8 activations with different scales/zero points, + Relu."""
    b = _Builder("qdq_add", seed=9)
    x1 = b.input("input_a", [1, 8, 6, 6], scale=0.05, zp=3)
    x2 = b.input("input_b", [1, 8, 6, 6], scale=0.0213, zp=-10)
    y = b.node("Add", [b.dq(x1), b.dq(x2)], "add1_out", FLOAT, name="add1")
    y = b.node("Relu", [y], "add1_relu", FLOAT)
    y = b.q(y, "output")
    return b.model([y])


def qdq_add_broadcast() -> onnx.ModelProto:
    """QDQ Add with broadcast [1,8,6,6] + [1,8,1,1]."""
    b = _Builder("qdq_add_broadcast", seed=10)
    x1 = b.input("input_a", [1, 8, 6, 6], scale=0.0331, zp=-7)
    x2 = b.input("input_b", [1, 8, 1, 1], scale=0.0125, zp=20)
    y = b.node("Add", [b.dq(x1), b.dq(x2)], "add1_out", FLOAT, name="add1")
    y = b.q(y, "output")
    return b.model([y])


def qdq_avgpool() -> onnx.ModelProto:
    """QDQ AveragePool 2x2 stride 2; output shares the input's scale/zp (as TFLite)."""
    b = _Builder("qdq_avgpool", seed=11)
    x = b.input("input", [1, 4, 8, 8], scale=0.0245, zp=-128)
    y = b.node(
        "AveragePool",
        [b.dq(x)],
        "pool1_out",
        FLOAT,
        name="pool1",
        kernel_shape=[2, 2],
        strides=[2, 2],
    )
    y = b.q(y, "output", like=x)
    return b.model([y])


def qdq_avgpool_padded() -> onnx.ModelProto:
    """QDQ AveragePool 3x3 stride 1 pad 1, count_include_pad=0, shared scale/zp."""
    b = _Builder("qdq_avgpool_padded", seed=12)
    x = b.input("input", [1, 4, 7, 7], scale=0.0188, zp=9)
    y = b.node(
        "AveragePool",
        [b.dq(x)],
        "pool1_out",
        FLOAT,
        name="pool1",
        kernel_shape=[3, 3],
        strides=[1, 1],
        pads=[1, 1, 1, 1],
        count_include_pad=0,
    )
    y = b.q(y, "output", like=x)
    return b.model([y])


def qdq_avgpool_stride3() -> onnx.ModelProto:
    """QDQ AveragePool 3x3 stride 3 (onnxruntime's scalar MLAS kernel: width stride > 2),
    output at other parameters."""
    b = _Builder("qdq_avgpool_stride3", seed=13)
    x = b.input("input", [1, 3, 9, 9], scale=0.0188, zp=9)
    y = b.node("AveragePool", [b.dq(x)], "pool1_out", FLOAT, name="pool1", kernel_shape=[3, 3], strides=[3, 3])
    y = b.q(y, "output", scale=0.0123, zp=-5)
    return b.model([y])


def qdq_global_avgpool() -> onnx.ModelProto:
    """QDQ GlobalAveragePool [1,8,5,5] -> [1,8,1,1], shared scale/zp."""
    b = _Builder("qdq_global_avgpool", seed=13)
    x = b.input("input", [1, 8, 5, 5], scale=0.031, zp=-40)
    y = b.node("GlobalAveragePool", [b.dq(x)], "gap1_out", FLOAT, name="gap1")
    y = b.q(y, "output", like=x)
    return b.model([y])


def qdq_maxpool() -> onnx.ModelProto:
    """QDQ MaxPool 3x3 stride 2 pad 1 (float between DQ/Q), shared scale/zp."""
    b = _Builder("qdq_maxpool", seed=14)
    x = b.input("input", [1, 4, 9, 9], scale=0.0208, zp=17)
    y = b.node(
        "MaxPool",
        [b.dq(x)],
        "pool1_out",
        FLOAT,
        name="pool1",
        kernel_shape=[3, 3],
        strides=[2, 2],
        pads=[1, 1, 1, 1],
    )
    y = b.q(y, "output", like=x)
    return b.model([y])


def qdq_pad() -> onnx.ModelProto:
    """int8 Pad (pads input, constant = input zero point = real 0) then QDQ valid 3x3 Conv."""
    b = _Builder("qdq_pad", seed=15)
    x = b.input("input", [1, 4, 8, 8], scale=0.0224, zp=-20)
    pads = b.const("pad1_pads", np.array([0, 0, 1, 1, 0, 0, 1, 1], np.int64))
    value = b.const("pad1_value", np.array(b.qp[x].zp, np.int8))
    xp = b.node("Pad", [x, pads, value], "pad1_q", INT8, name="pad1", mode="constant")
    b.share_qparams(xp, x)
    y = b.qdq_conv(xp, "conv1", 8, 3, pads=[0, 0, 0, 0], act="relu", out="output")
    return b.model([y])


def qdq_reshape_flatten() -> onnx.ModelProto:
    """QDQ Conv -> Q -> int8 Reshape to [1, C*H*W] -> DQ -> MatMul + bias -> Q."""
    b = _Builder("qdq_reshape_flatten", seed=16)
    x = b.input("input", [1, 3, 8, 8], scale=0.0196, zp=-1)
    y = b.qdq_conv(x, "conv1", 4, 3, stride=2, act="relu")
    y = b.reshape(y, "reshape1", [1, 4 * 4 * 4])
    y = b.qdq_fc(y, "fc1", 10, out="output")
    return b.model([y])


def qdq_flatten() -> onnx.ModelProto:
    """QDQ Conv -> Q -> int8 Flatten(axis=1) -> DQ -> MatMul + bias -> Q."""
    b = _Builder("qdq_flatten", seed=17)
    x = b.input("input", [1, 3, 6, 6], scale=0.0216, zp=4)
    y = b.qdq_conv(x, "conv1", 4, 3, stride=2, act="relu")
    f = b.node("Flatten", [y], "flatten1_q", INT8, name="flatten1", axis=1)
    b.share_qparams(f, y)
    y = b.qdq_fc(f, "fc1", 8, out="output")
    return b.model([y])


def qdq_transpose_input() -> onnx.ModelProto:
    """NHWC int8 input -> int8 Transpose [0,3,1,2] (as tf2onnx emits) -> QDQ Conv + Relu."""
    b = _Builder("qdq_transpose_input", seed=18)
    x = b.input("input", [1, 8, 8, 3], scale=1.0 / 255.0, zp=-128)
    t = b.node("Transpose", [x], "input_nchw", INT8, name="transpose_input", perm=[0, 3, 1, 2])
    b.share_qparams(t, x)
    y = b.qdq_conv(t, "conv1", 8, 3, act="relu", out="output")
    return b.model([y])


def qdq_concat() -> onnx.ModelProto:
    """Two QDQ conv branches (different output scales) concatenated on axis 1, then Q."""
    b = _Builder("qdq_concat", seed=19)
    x = b.input("input", [1, 4, 6, 6], scale=0.0252, zp=-6)
    a = b.qdq_conv(x, "branch_a", 4, 1, act="relu")
    c = b.qdq_conv(x, "branch_b", 6, 3)
    y = b.node("Concat", [b.dq(a), b.dq(c)], "concat1_out", FLOAT, name="concat1", axis=1)
    y = b.q(y, "output")
    return b.model([y])


def qdq_softmax() -> onnx.ModelProto:
    """QDQ MatMul + bias -> Q -> DQ -> Softmax -> Q(1/256, -128)."""
    b = _Builder("qdq_softmax", seed=20)
    x = b.input("input", [1, 32], scale=0.0441, zp=-2)
    y = b.qdq_fc(x, "fc1", 10)
    y = b.qdq_softmax(y, "softmax1", out="output")
    return b.model([y])


def qdq_float_io() -> onnx.ModelProto:
    """float input -> QuantizeLinear -> QDQ Conv + Relu -> DequantizeLinear -> float output."""
    b = _Builder("qdq_float_io", seed=21)
    xf = b.input("input", [1, 3, 8, 8], FLOAT)
    x = b.q(xf, "input_q")
    y = b.qdq_conv(x, "conv1", 8, 3, act="relu")
    q = b.qp[y]
    out = b.node(
        "DequantizeLinear", [y, q.scale_name, q.zp_name], "output", FLOAT, name="output_dequant"
    )
    return b.model([out])


def qdq_small_cnn() -> onnx.ModelProto:
    """QDQ mini CNN: conv, depthwise, 1x1 conv, residual add, conv, avgpool, reshape, FC, softmax."""
    b = _Builder("qdq_small_cnn", seed=22)
    x = b.input("input", [1, 3, 16, 16], scale=0.0078, zp=-1)
    c1 = b.qdq_conv(x, "conv1", 8, 3, stride=2, act="relu")  # [1,8,8,8]
    d1 = b.qdq_conv(c1, "dwconv1", 8, 3, group=8, act="relu")  # [1,8,8,8]
    p1 = b.qdq_conv(d1, "pwconv1", 8, 1)  # [1,8,8,8]
    s = b.node("Add", [b.dq(c1), b.dq(p1)], "add1_out", FLOAT, name="add1")
    s = b.node("Relu", [s], "add1_relu", FLOAT)
    s = b.q(s, "add1_q")
    c2 = b.qdq_conv(s, "conv2", 16, 3, stride=2, pads=[0, 0, 1, 1], act="relu")  # [1,16,4,4]
    p = b.node(
        "AveragePool",
        [b.dq(c2)],
        "pool1_out",
        FLOAT,
        name="pool1",
        kernel_shape=[2, 2],
        strides=[2, 2],
    )
    p = b.q(p, "pool1_q", like=c2)  # [1,16,2,2]
    r = b.reshape(p, "reshape1", [1, 64])
    f = b.qdq_fc(r, "fc1", 10, w_gain=4.0)
    y = b.qdq_softmax(f, "softmax1", out="output")
    return b.model([y])


def qdq_conv_uint8() -> onnx.ModelProto:
    """QDQ 3x3 Conv + Relu with uint8 activations (zp 128 input) and int8 per-channel weights."""
    b = _Builder("qdq_conv_uint8", seed=23)
    x = b.input("input", [1, 4, 8, 8], UINT8, scale=0.0235, zp=128)
    y = b.qdq_conv(x, "conv1", 8, 3, act="relu", out="output")
    return b.model([y])


# --------------------------------------------------------------------------------------
# QOperator graphs (every op used here runs in onnxruntime 1.32 CPU)
# --------------------------------------------------------------------------------------


def qop_qlinearconv() -> onnx.ModelProto:
    """QLinearConv 3x3 pad 1, per-tensor int8 weights, int32 bias: [1,4,8,8] -> [1,8,8,8]."""
    b = _Builder("qop_qlinearconv", seed=31)
    x = b.input("input", [1, 4, 8, 8], scale=0.0235, zp=-3)
    y = b.qop_conv(x, "conv1", 8, 3, per_channel=False, out="output")
    return b.model([y])


def qop_qlinearconv_per_channel() -> onnx.ModelProto:
    """QLinearConv per-channel weights, stride 2, pads [0,0,1,1], ReLU folded into range."""
    b = _Builder("qop_qlinearconv_per_channel", seed=32)
    x = b.input("input", [1, 4, 9, 9], scale=0.0314, zp=5)
    y = b.qop_conv(x, "conv1", 8, 3, stride=2, pads=[0, 0, 1, 1], relu=True, out="output")
    return b.model([y])


def qop_qlinearconv_uint8() -> onnx.ModelProto:
    """QLinearConv with uint8 activations and int8 per-channel weights (ORT quantizer U8S8)."""
    b = _Builder("qop_qlinearconv_uint8", seed=33)
    x = b.input("input", [1, 4, 8, 8], UINT8, scale=0.0235, zp=128)
    y = b.qop_conv(x, "conv1", 8, 3, out="output")
    return b.model([y])


def qop_qlinearmatmul() -> onnx.ModelProto:
    """QLinearMatMul [1,32] x [32,16], per-tensor int8 weights."""
    b = _Builder("qop_qlinearmatmul", seed=34)
    x = b.input("input", [1, 32], scale=0.0392, zp=-20)
    y = b.qop_matmul(x, "matmul1", 16, out="output")
    return b.model([y])


def qop_qgemm() -> onnx.ModelProto:
    """com.microsoft QGemm, transB=1, int32 bias, int8 output: [1,32] -> [1,16]."""
    b = _Builder("qop_qgemm", seed=35)
    x = b.input("input", [1, 32], scale=0.0274, zp=11)
    y = b.qop_gemm(x, "gemm1", 16, out="output")
    return b.model([y])


def qop_qlinearadd() -> onnx.ModelProto:
    """com.microsoft QLinearAdd of two int8 inputs with different scales/zero points."""
    b = _Builder("qop_qlinearadd", seed=36)
    x1 = b.input("input_a", [1, 8, 6, 6], scale=0.05, zp=3)
    x2 = b.input("input_b", [1, 8, 6, 6], scale=0.0213, zp=-10)
    y = b.qop_add(x1, x2, "add1", out="output")
    return b.model([y])


def qop_qlinear_avgpool() -> onnx.ModelProto:
    """com.microsoft QLinearAveragePool 2x2 stride 2 (own output scale)."""
    b = _Builder("qop_qlinear_avgpool", seed=37)
    x = b.input("input", [1, 4, 8, 8], scale=0.0245, zp=-128)
    y = b.qop_avgpool(x, "pool1", out="output", kernel_shape=[2, 2], strides=[2, 2])
    return b.model([y])


def qop_qlinear_global_avgpool() -> onnx.ModelProto:
    """com.microsoft QLinearGlobalAveragePool [1,8,5,5] -> [1,8,1,1]."""
    b = _Builder("qop_qlinear_global_avgpool", seed=38)
    x = b.input("input", [1, 8, 5, 5], scale=0.031, zp=-40)
    y = b.qop_global_avgpool(x, "gap1", out="output")
    return b.model([y])


def qop_qlinear_concat() -> onnx.ModelProto:
    """com.microsoft QLinearConcat of [1,4,6,6] and [1,3,6,6] (different scales) on axis 1."""
    b = _Builder("qop_qlinear_concat", seed=39)
    x1 = b.input("input_a", [1, 4, 6, 6], scale=0.0252, zp=-6)
    x2 = b.input("input_b", [1, 3, 6, 6], scale=0.0411, zp=30)
    y = b.qop_concat([x1, x2], "concat1", axis=1, out="output")
    return b.model([y])


def qop_qlinear_softmax() -> onnx.ModelProto:
    """com.microsoft QLinearSoftmax (opset=13, axis=-1) [1,10] -> [1,10] at 1/256, -128."""
    b = _Builder("qop_qlinear_softmax", seed=40)
    x = b.input("input", [1, 10], scale=0.0625, zp=-10)
    y = b.qop_softmax(x, "softmax1", out="output")
    return b.model([y])


def qop_maxpool_int8() -> onnx.ModelProto:
    """Plain ONNX MaxPool 3x3 stride 2 pad 1 on an int8 tensor (ORT CPU: opset >= 12)."""
    b = _Builder("qop_maxpool_int8", seed=41)
    x = b.input("input", [1, 4, 9, 9], scale=0.0208, zp=17)
    y = b.int_maxpool(
        x, "pool1", out="output", kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1]
    )
    return b.model([y])


def qop_small_cnn() -> onnx.ModelProto:
    """QOperator mini CNN: QLinearConv x3, QLinearAdd, MaxPool, GlobalAvgPool, Reshape, QGemm, softmax."""
    b = _Builder("qop_small_cnn", seed=42)
    x = b.input("input", [1, 3, 12, 12], scale=0.0078, zp=-1)
    c1 = b.qop_conv(x, "conv1", 8, 3, relu=True)  # [1,8,12,12]
    d1 = b.qop_conv(c1, "dwconv1", 8, 3, group=8, relu=True)
    a1 = b.qop_add(c1, d1, "add1")
    m1 = b.int_maxpool(a1, "pool1", kernel_shape=[2, 2], strides=[2, 2])  # [1,8,6,6]
    c2 = b.qop_conv(m1, "conv2", 16, 1, relu=True)  # [1,16,6,6]
    g = b.qop_global_avgpool(c2, "gap1")  # [1,16,1,1]
    r = b.reshape(g, "reshape1", [1, 16])
    f = b.qop_gemm(r, "fc1", 10, w_gain=4.0)
    y = b.qop_softmax(f, "softmax1", out="output")
    return b.model([y])


VALID_GRAPHS: dict[str, Callable[[], onnx.ModelProto]] = {
    # QDQ
    "qdq_conv_per_tensor": qdq_conv_per_tensor,
    "qdq_conv_per_channel": qdq_conv_per_channel,
    "qdq_conv_dilated": qdq_conv_dilated,
    "qdq_depthwise": qdq_depthwise,
    "qdq_grouped_conv": qdq_grouped_conv,
    "qdq_conv_relu6": qdq_conv_relu6,
    "qdq_matmul_add": qdq_matmul_add,
    "qdq_gemm": qdq_gemm,
    "qdq_add": qdq_add,
    "qdq_add_broadcast": qdq_add_broadcast,
    "qdq_avgpool": qdq_avgpool,
    "qdq_avgpool_padded": qdq_avgpool_padded,
    "qdq_avgpool_stride3": qdq_avgpool_stride3,
    "qdq_global_avgpool": qdq_global_avgpool,
    "qdq_maxpool": qdq_maxpool,
    "qdq_pad": qdq_pad,
    "qdq_reshape_flatten": qdq_reshape_flatten,
    "qdq_flatten": qdq_flatten,
    "qdq_transpose_input": qdq_transpose_input,
    "qdq_concat": qdq_concat,
    "qdq_softmax": qdq_softmax,
    "qdq_float_io": qdq_float_io,
    "qdq_small_cnn": qdq_small_cnn,
    "qdq_conv_uint8": qdq_conv_uint8,
    # QOperator
    "qop_qlinearconv": qop_qlinearconv,
    "qop_qlinearconv_per_channel": qop_qlinearconv_per_channel,
    "qop_qlinearconv_uint8": qop_qlinearconv_uint8,
    "qop_qlinearmatmul": qop_qlinearmatmul,
    "qop_qgemm": qop_qgemm,
    "qop_qlinearadd": qop_qlinearadd,
    "qop_qlinear_avgpool": qop_qlinear_avgpool,
    "qop_qlinear_global_avgpool": qop_qlinear_global_avgpool,
    "qop_qlinear_concat": qop_qlinear_concat,
    "qop_qlinear_softmax": qop_qlinear_softmax,
    "qop_maxpool_int8": qop_maxpool_int8,
    "qop_small_cnn": qop_small_cnn,
}


# --------------------------------------------------------------------------------------
# Malformed / unsupported inputs for the importer's error tests
# --------------------------------------------------------------------------------------


def float_model() -> onnx.ModelProto:
    """Plain float Conv + Relu with float weights and no Q/DQ (not a quantized model)."""
    rng = np.random.default_rng(101)
    w = rng.normal(0.0, 0.2, size=(8, 3, 3, 3)).astype(np.float32)
    bias = rng.normal(0.0, 0.1, size=(8,)).astype(np.float32)
    nodes = [
        helper.make_node(
            "Conv",
            ["input", "conv1_w", "conv1_b"],
            ["conv1_out"],
            name="conv1",
            kernel_shape=[3, 3],
            pads=[1, 1, 1, 1],
        ),
        helper.make_node("Relu", ["conv1_out"], ["output"], name="conv1_relu"),
    ]
    graph = helper.make_graph(
        nodes,
        "float_model",
        [helper.make_tensor_value_info("input", FLOAT, [1, 3, 8, 8])],
        [helper.make_tensor_value_info("output", FLOAT, [1, 8, 8, 8])],
        [numpy_helper.from_array(w, "conv1_w"), numpy_helper.from_array(bias, "conv1_b")],
    )
    m = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", OPSET)],
        ir_version=IR_VERSION,
        producer_name=PRODUCER,
    )
    onnx.checker.check_model(m, full_check=True)
    return m


def dynamic_shape() -> onnx.ModelProto:
    """qdq_conv_per_tensor with a symbolic batch dimension 'N' on input and output."""
    m = qdq_conv_per_tensor()
    m.graph.name = "dynamic_shape"
    for vi in (m.graph.input[0], m.graph.output[0]):
        vi.type.tensor_type.shape.dim[0].dim_param = "N"  # clears dim_value (oneof)
    onnx.checker.check_model(m, full_check=True)
    return m


def truncated_file() -> bytes:
    """The bytes of a valid model (qdq_small_cnn) cut in half: not parseable."""
    data = qdq_small_cnn().SerializeToString()
    return data[: len(data) // 2]


def corrupt_bytes() -> bytes:
    """1 KiB of random bytes (fixed seed): not a protobuf ModelProto."""
    return np.random.default_rng(102).integers(0, 256, size=1024, dtype=np.uint8).tobytes()


def missing_initializer() -> onnx.ModelProto:
    """qdq_conv_per_tensor whose weight DequantizeLinear reads 'conv1_w', which nothing provides."""
    m = qdq_conv_per_tensor()
    m.graph.name = "missing_initializer"
    keep = [t for t in m.graph.initializer if t.name != "conv1_w"]
    del m.graph.initializer[:]
    m.graph.initializer.extend(keep)
    return m  # deliberately NOT checked: onnx.checker rejects it


def opset_12() -> onnx.ModelProto:
    """A valid per-tensor QDQ Conv graph declared with opset 12 (tinymlir requires 13)."""
    m = qdq_conv_per_tensor(opset=12)
    m.graph.name = "opset_12"
    return m


def unsupported_op() -> onnx.ModelProto:
    """QDQ Conv followed by DQ -> Sin -> Q: a valid graph with an op tinymlir rejects."""
    b = _Builder("unsupported_op", seed=103)
    x = b.input("input", [1, 4, 8, 8], scale=0.0235, zp=-3)
    y = b.qdq_conv(x, "conv1", 8, 3)
    s = b.node("Sin", [b.dq(y)], "sin1_out", FLOAT, name="sin1")
    s = b.q(s, "output", lo=-1.0, hi=1.0)
    return b.model([s])


def int16_activations() -> onnx.ModelProto:
    """QDQ Conv + Relu with int16 activations (Q/DQ int16 needs opset 21, IR 10)."""
    b = _Builder("int16_activations", seed=104, opset=21, ir_version=10)
    x = b.input("input", [1, 4, 8, 8], INT16, scale=0.0001, zp=0)
    y = b.qdq_conv(x, "conv1", 8, 3, act="relu", out="output")
    return b.model([y])


def empty_graph() -> onnx.ModelProto:
    """A graph with no nodes: the int8 input is passed straight through as the output."""
    graph = helper.make_graph(
        [],
        "empty_graph",
        [helper.make_tensor_value_info("x", INT8, [1, 4])],
        [helper.make_tensor_value_info("x", INT8, [1, 4])],
    )
    m = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", OPSET)],
        ir_version=IR_VERSION,
        producer_name=PRODUCER,
    )
    return m


MALFORMED: dict[str, Callable[[], bytes | onnx.ModelProto]] = {
    "float_model": float_model,
    "dynamic_shape": dynamic_shape,
    "truncated_file": truncated_file,
    "corrupt_bytes": corrupt_bytes,
    "missing_initializer": missing_initializer,
    "opset_12": opset_12,
    "unsupported_op": unsupported_op,
    "int16_activations": int16_activations,
    "empty_graph": empty_graph,
}

# Where each malformed input is expected to fail, and why. Stages:
#   "parse":   the bytes are not a ModelProto (onnx.load / protobuf fails);
#   "graph":   parses, but onnx.checker and onnxruntime reject the graph;
#   "tinymlir": a well-formed ONNX model (checker and onnxruntime accept it) that
#              tinymlir's importer must reject with a specific diagnostic.
MALFORMED_EXPECTED: dict[str, tuple[str, str]] = {
    "float_model": ("tinymlir", "not quantized: float I/O and float weights, no Q/DQ nodes"),
    "dynamic_shape": ("tinymlir", "symbolic dimension 'N' on graph input/output"),
    "truncated_file": ("parse", "protobuf decode error (file truncated)"),
    "corrupt_bytes": ("parse", "protobuf decode error (random bytes)"),
    "missing_initializer": ("graph", "input 'conv1_w' of DequantizeLinear has no producer"),
    "opset_12": ("tinymlir", "default-domain opset 12 (< 13)"),
    "unsupported_op": ("tinymlir", "unsupported op 'Sin'"),
    "int16_activations": ("tinymlir", "int16 activations (Q/DQ int16, opset 21)"),
    "empty_graph": ("tinymlir", "graph has no nodes"),
}


# --------------------------------------------------------------------------------------
# writing the files
# --------------------------------------------------------------------------------------


def write_all(directory: str | os.PathLike) -> list[Path]:
    """Save every valid and malformed graph as ``<directory>/<name>.onnx``."""
    out_dir = Path(directory)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, build in [*VALID_GRAPHS.items(), *MALFORMED.items()]:
        obj = build()
        data = obj if isinstance(obj, bytes) else obj.SerializeToString()
        path = out_dir / f"{name}.onnx"
        path.write_bytes(data)
        written.append(path)
    return written


DEFAULT_OUTPUT_DIR = Path(__file__).resolve().parents[1] / "frontend" / "onnx" / "Inputs"


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUTPUT_DIR
    for p in write_all(target):
        print(p)
