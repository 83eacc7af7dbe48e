"""convert-qnn-to-loops: bufferise `qnn` functions into loop nests over memrefs.

What it does
    Every function of qnn ops on tensors becomes a function on buffers:
    * quantised arguments become `memref<...xi8>` arguments and results become
      output arguments (the C signature `int f(const int8_t *in, int8_t *out)`);
      a float interface (qnn.quantize of an argument, qnn.dequantize of a
      result) is stripped: the function takes and returns the quantised tensors,
      and `tinymlir.scale` / `tinymlir.zero_point` argument attributes keep
      their parameters;
    * weights, folded biases and per-channel requantisation tables become
      `memref.global` constants;
    * every other value gets a `memref.alloc` (the arena planner places them);
      qnn.reshape is a `memref.reinterpret_cast` of its input (no copy);
    * with `in-place` (default), an op whose input dies there writes over it when
      that is safe: elementwise ops (add, requantize) element by element; depthwise
      convolutions channel by channel through a scratch plane (TinyEngine); stride-1
      same-shape convolutions row by row through a ring of pad_top + 1 output rows;
    * each op becomes one loop nest of `scf.for` with `memref.load/store`,
      `arith` and `fxp` (TFLM's fixed-point primitives), specialised to its
      constant shapes, strides and quantisation constants.

Semantics are TFLite Micro's int8 reference kernels, bit for bit (see
tinymlir/fixedpoint.py): per-channel multipliers from double(s_in * s_w[c] / s_out),
fully connected from the float32 product s_in * s_w, the add/softmax schemes of
add_common.cc and softmax_common.cc, rounded average pooling over valid taps.
Compile-time folding: input zero point x weight sums go into the bias when no
padding tap is skipped (dense, unpadded convolutions); padded convolutions
subtract the zero point in the loop, skipping padding taps as TFLM does.

In the module's `onnx` numerics mode (qnn.numerics_of) the output stages of conv, dense,
add, requantize, avg_pool2d and softmax are onnxruntime's float32 arithmetic instead
(tinymlir/onnx_numerics.py), built as standard f32 ops by tinymlir/lowering_onnx.py;
accumulation, window bounds and data movement are the same in both modes.

Assumes verified qnn IR with constant weights and biases (qnn.constant /
arith.constant), and qnn.quantize / qnn.dequantize only at the function
boundary; anything else is refused with an error naming the op.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from xdsl.builder import Builder, InsertPoint
from xdsl.context import Context
from xdsl.dialects import arith, func, memref, scf
from xdsl.dialects.builtin import (
    ArrayAttr,
    BytesAttr,
    DenseArrayBase,
    DenseIntOrFPElementsAttr,
    DictionaryAttr,
    FloatAttr,
    FunctionType,
    IndexType,
    IntegerAttr,
    MemRefType,
    ModuleOp,
    StringAttr,
    TensorType,
    UnitAttr,
    f32,
    i8,
    i16,
    i32,
    i64,
)
from xdsl.ir import Block, Operation, Region, SSAValue
from xdsl.passes import ModulePass
from xdsl.utils.exceptions import DiagnosticException

from tinymlir import fixedpoint as fp
from tinymlir import lowering_onnx as onnx_stage
from tinymlir.c_names import c_identifier
from tinymlir.cost import macs
from tinymlir.dialects import fxp, qnn
from tinymlir.errors import PassError
from tinymlir.reference import average_pool_rescale_tables, dense_to_numpy

index = IndexType()
ALIGNMENT = 4  # word alignment for int8 buffers: lets kernels use 32-bit loads later


def _ints(attr) -> list[int]:
    return [int(v) for v in attr.get_values()]


def _clamp(op, out: qnn.QTensorType) -> tuple[int, int]:
    if getattr(op, "clamp", None) is None:
        return out.storage_min, out.storage_max
    lo, hi = _ints(op.clamp)
    return lo, hi


def buffer_type(t: qnn.QTensorType) -> MemRefType:
    # arith works on signless integers: uint8 storage is `i8` too, widened with extui.
    return MemRefType(i8, t.get_shape())


class Kernel:
    """Builds scalar IR at an insertion point: constants, loops, loads, requantisation."""

    def __init__(self, insert_point: InsertPoint):
        self.builder = Builder(insert_point)

    def emit(self, op: Operation) -> SSAValue:
        self.builder.insert(op)
        return op.results[0]

    def idx(self, value: int) -> SSAValue:
        return self.emit(arith.ConstantOp.from_int_and_width(value, index))

    def i32(self, value: int) -> SSAValue:
        return self.emit(arith.ConstantOp.from_int_and_width(int(value), i32))

    def add(self, a, b):
        return self.emit(arith.AddiOp(a, b))

    def sub(self, a, b):
        return self.emit(arith.SubiOp(a, b))

    def mul(self, a, b):
        return self.emit(arith.MuliOp(a, b))

    def max(self, a, b):
        return self.emit(arith.MaxSIOp(a, b))

    def min(self, a, b):
        return self.emit(arith.MinSIOp(a, b))

    def affine(self, iv: SSAValue, scale: int, offset: int) -> SSAValue:
        """iv * scale + offset on index values, skipping trivial terms."""
        value = iv if scale == 1 else self.mul(iv, self.idx(scale))
        return value if offset == 0 else self.add(value, self.idx(offset))

    def load_i32(self, ref: SSAValue, indices: Sequence[SSAValue], unsigned: bool) -> SSAValue:
        value = self.emit(memref.LoadOp.get(ref, indices))
        if value.type == i32:
            return value
        return self.emit(arith.ExtUIOp(value, i32) if unsigned else arith.ExtSIOp(value, i32))

    def store_i8(self, value: SSAValue, ref: SSAValue, indices: Sequence[SSAValue]) -> None:
        narrow = self.emit(arith.TruncIOp(value, i8))
        self.builder.insert(memref.StoreOp.get(narrow, ref, indices))

    def requantize(self, acc, multiplier, shift, zero_point: int, lo: int, hi: int) -> SSAValue:
        scaled = self.emit(fxp.MultiplyByQuantizedMultiplierOp(acc, multiplier, shift))
        if zero_point:
            scaled = self.add(scaled, self.i32(zero_point))
        return self.min(self.max(scaled, self.i32(lo)), self.i32(hi))

    def loop(
        self,
        lower: int | SSAValue,
        upper: int | SSAValue,
        body: Callable[..., Sequence[SSAValue] | None],
        iter_args: Sequence[SSAValue] = (),
    ) -> Sequence[SSAValue]:
        """scf.for lower..upper step 1; body(kernel, iv, *iter_args) returns the yielded values."""
        lb = self.idx(lower) if isinstance(lower, int) else lower
        ub = self.idx(upper) if isinstance(upper, int) else upper
        block = Block(arg_types=[index, *(v.type for v in iter_args)])
        inner = Kernel(InsertPoint.at_end(block))
        yielded = body(inner, *block.args) or ()
        block.add_op(scf.YieldOp(*yielded))
        op = scf.ForOp(lb, ub, self.idx(1), list(iter_args), block)
        self.builder.insert(op)
        return op.results

    def nest(self, extents: Sequence[int], body: Callable[[Kernel, list[SSAValue]], None]) -> None:
        """A perfect loop nest over `extents`; body(kernel, ivs)."""

        def level(k: Kernel, depth: int, ivs: list[SSAValue]) -> None:
            if depth == len(extents):
                body(k, ivs)
                return
            k.loop(0, extents[depth], lambda kk, iv: level(kk, depth + 1, [*ivs, iv]))

        level(self, 0, [])

    def if_else(self, cond, then: Callable[[Kernel], Sequence[SSAValue]], other: Callable[[Kernel], Sequence[SSAValue]], types):
        blocks = []
        for build in (then, other):
            block = Block()
            yielded = build(Kernel(InsertPoint.at_end(block)))
            block.add_op(scf.YieldOp(*yielded))
            blocks.append(block)
        op = scf.IfOp(cond, types, [blocks[0]], [blocks[1]])
        self.builder.insert(op)
        return op.results


@dataclass
class FunctionLowering:
    """Lowers one qnn function; `buffers` maps tensor values to memrefs."""

    module: ModuleOp
    function: func.FuncOp
    symbols: set[str]
    in_place: bool = True
    numerics: qnn.Numerics = qnn.Numerics.TFLM

    @property
    def onnx(self) -> bool:
        return self.numerics == qnn.Numerics.ONNX

    def error(self, op: Operation, message: str) -> PassError:
        name = op.results[0].name_hint if op.results and op.results[0].name_hint else op.name
        return PassError(f"convert-qnn-to-loops: {op.name} '{name}': {message}")

    # -- module-level constants -------------------------------------------- #
    def global_constant(self, base: str, array: np.ndarray, element_type) -> tuple[str, MemRefType]:
        base = c_identifier(base)  # a symbol, and later a C identifier
        name = base
        suffix = 1
        while name in self.symbols:
            name, suffix = f"{base}_{suffix}", suffix + 1
        self.symbols.add(name)
        shape = list(array.shape)
        value = DenseIntOrFPElementsAttr(
            TensorType(element_type, shape), BytesAttr(np.ascontiguousarray(array).tobytes())
        )
        mtype = MemRefType(element_type, shape)
        g = memref.GlobalOp.get(StringAttr(name), mtype, value, constant=UnitAttr(), alignment=ALIGNMENT)
        self.module.body.block.insert_op_before(g, self.function)
        return name, mtype

    def get_global(self, k: Kernel, base: str, array: np.ndarray, element_type=i8) -> SSAValue:
        name, mtype = self.global_constant(base, array, element_type)
        value = k.emit(memref.GetGlobalOp(name, mtype))
        value.name_hint = name
        return value

    def per_channel(self, k: Kernel, base: str, values: np.ndarray):
        """A scalar constant if all channels agree, else a loader from a constant table."""
        if np.all(values == values[0]):
            c = k.i32(int(values[0]))
            return lambda kk, channel: c
        if values.min() >= -128 and values.max() <= 127:  # shifts: one byte each in flash
            table = self.get_global(k, base, values.astype(np.int8), i8)
            return lambda kk, channel: kk.load_i32(table, [channel], False)
        table = self.get_global(k, base, values.astype(np.int32), i32)
        return lambda kk, channel: kk.emit(memref.LoadOp.get(table, [channel]))

    # -- driver ------------------------------------------------------------- #
    def run(self) -> None:
        block = self.function.body.block
        ret = block.last_op
        assert isinstance(ret, func.ReturnOp)
        self.buffers: dict[SSAValue, SSAValue] = {}
        arg_attrs: list[dict] = []
        new_block = Block()
        boundary_ops: set[Operation] = set()
        for arg in block.args:
            t = arg.type
            uses = [u.operation for u in arg.uses]
            if isinstance(t, TensorType):  # float interface: must be quantised right away
                if len(uses) != 1 or not isinstance(uses[0], qnn.QuantizeOp):
                    raise PassError(
                        "convert-qnn-to-loops: a float argument must feed exactly one qnn.quantize "
                        "(no float computation on the device)"
                    )
                boundary_ops.add(uses[0])
                t = uses[0].output.type
                mapped_from = uses[0].output
            else:
                mapped_from = arg
            new_arg = new_block.insert_arg(buffer_type(t), len(new_block.args))
            new_arg.name_hint = arg.name_hint
            self.buffers[mapped_from] = new_arg
            arg_attrs.append(self.interface_attrs(t, "input", arg.name_hint or "input"))
        outputs: list[SSAValue] = []
        for value in ret.operands:
            source = value
            if isinstance(value.type, TensorType):
                owner = value.owner
                if not isinstance(owner, qnn.DequantizeOp):
                    raise PassError(
                        "convert-qnn-to-loops: a float result must come from qnn.dequantize"
                    )
                boundary_ops.add(owner)
                source = owner.input
            out_arg = new_block.insert_arg(buffer_type(source.type), len(new_block.args))
            out_arg.name_hint = (value.name_hint or "output") + "_out"
            outputs.append(source)
            arg_attrs.append(self.interface_attrs(source.type, "output", value.name_hint or "output"))
        # Results written straight into the output buffers, unless they alias something else.
        self.output_buffer: dict[SSAValue, SSAValue] = {}
        for source, out_arg in zip(outputs, new_block.args[len(block.args):], strict=True):
            if source not in self.buffers and source not in self.output_buffer and not isinstance(
                source.owner, qnn.ReshapeOp
            ):
                self.output_buffer[source] = out_arg

        k = Kernel(InsertPoint.at_end(new_block))
        self.top = k  # function-level insertion point (constant data operands become globals here)
        self.lowered: set[Operation] = set()
        layer = 0
        for op in list(block.ops):
            if op is ret or op in boundary_ops or isinstance(op, qnn.ConstantOp | arith.ConstantOp):
                continue
            before = new_block.last_op
            self.lower(k, op)
            self.lowered.add(op)
            self.tag_layer(op, layer, before, new_block)
            layer += 1
        # Copy results that could not be computed in place.
        for source, out_arg in zip(outputs, new_block.args[len(block.args):], strict=True):
            if self.buffers[source] is not out_arg:
                self.copy(k, self.buffers[source], out_arg, source.type)
        k.builder.insert(func.ReturnOp())

        new_type = FunctionType.from_lists([a.type for a in new_block.args], [])
        new_function = func.FuncOp(
            self.function.sym_name.data, new_type, Region(new_block), self.function.sym_visibility
        )
        new_function.arg_attrs = ArrayAttr([DictionaryAttr(a) for a in arg_attrs])
        self.module.body.block.insert_op_before(new_function, self.function)
        self.function.detach()
        self.function.erase(safe_erase=False)

    @staticmethod
    def interface_attrs(t: qnn.QTensorType, role: str, name: str) -> dict:
        return {
            "tinymlir.role": StringAttr(role),
            "tinymlir.name": StringAttr(name),
            "tinymlir.shape": DenseArrayBase.from_list(i64, t.get_shape()),
            "tinymlir.scale": FloatAttr(t.scale, f32),
            "tinymlir.zero_point": IntegerAttr(t.zero_point, i32),
            "tinymlir.storage": StringAttr("uint8" if t.is_unsigned else "int8"),
        }

    def result_buffer(self, k: Kernel, value: SSAValue) -> SSAValue:
        if value in self.output_buffer:
            buf = self.output_buffer[value]
        else:
            buf = k.emit(memref.AllocOp.get(i8, ALIGNMENT, value.type.get_shape()))
            buf.name_hint = value.name_hint
        self.buffers[value] = buf
        return buf

    def lower(self, k: Kernel, op: Operation) -> None:
        if isinstance(op, qnn.ConstantOp | arith.ConstantOp):
            return  # read at compile time by their users
        handler = getattr(self, "lower_" + op.name.replace("qnn.", ""), None)
        if handler is None or not op.name.startswith("qnn."):
            raise self.error(op, "is not supported by convert-qnn-to-loops")
        handler(k, op)

    def tag_layer(self, op: Operation, layer: int, before: Operation | None, block: Block) -> None:
        """Marks the stores into the layer's result so that the C backend can put a comment
        before the layer and a debug hook after it (index = position among the qnn ops)."""
        if op.results[0] not in self.buffers:
            return
        target = self.buffers[op.results[0]]
        first = before.next_op if before is not None else block.first_op
        doc = StringAttr(self.describe(op))
        current = first
        while current is not None:
            for inner in current.walk():
                if isinstance(inner, memref.StoreOp) and inner.memref is target:
                    inner.attributes["tinymlir.layer_index"] = IntegerAttr(layer, i64)
                    inner.attributes["tinymlir.layer_doc"] = doc
            current = current.next_op

    @staticmethod
    def describe(op: Operation) -> str:
        """One line per layer for the generated C: name, op, shapes, geometry, MACs."""
        name = op.results[0].name_hint or op.name
        shapes = " + ".join("x".join(map(str, v.type.get_shape())) for v in op.operands if isinstance(v.type, qnn.QTensorType) and not isinstance(v.owner, qnn.ConstantOp))
        out = "x".join(map(str, op.results[0].type.get_shape()))
        text = f"{name}: {op.name[4:]} {shapes} -> {out}"
        if isinstance(op, qnn.Conv2DOp):
            _, kh, kw, _ = op.weight.type.get_shape()
            sh, sw = _ints(op.strides)
            text += f", kernel {kh}x{kw}, stride {sh}x{sw}, groups {op.groups.value.data}"
        elif isinstance(op, qnn.AvgPool2DOp | qnn.MaxPool2DOp):
            kh, kw = _ints(op.kernel)
            sh, sw = _ints(op.strides)
            text += f", window {kh}x{kw}, stride {sh}x{sw}"
        count = macs(op)
        if count:
            text += f", {count:,} MACs"
        return text

    def constant_of(self, op: Operation, value: SSAValue) -> np.ndarray:
        owner = value.owner
        if isinstance(owner, qnn.ConstantOp | arith.ConstantOp) and isinstance(
            owner.value, DenseIntOrFPElementsAttr
        ):
            return dense_to_numpy(owner.value).astype(np.int64)
        raise self.error(op, "weights and biases must be compile-time constants")

    def inp(self, op: Operation, value: SSAValue) -> SSAValue:
        if value not in self.buffers and isinstance(value.owner, qnn.ConstantOp):
            # A constant data operand (e.g. quantize_static's int8 bias of a MatMul head's Add)
            # is read from flash; in-place reuse never picks it (dies_here wants an alloc).
            array = dense_to_numpy(value.owner.value).astype(np.int64)
            raw = array.astype(np.uint8 if value.type.is_unsigned else np.int8).view(np.int8)
            self.buffers[value] = self.get_global(self.top, value.name_hint or "constant", raw, i8)
        if value not in self.buffers:
            raise self.error(op, "operand has no buffer (unsupported producer)")
        return self.buffers[value]

    # -- ops ---------------------------------------------------------------- #
    def lower_quantize(self, k, op):
        raise self.error(op, "float quantisation inside the graph is not supported (only at the inputs)")

    def lower_dequantize(self, k, op):
        raise self.error(op, "float dequantisation inside the graph is not supported (only at the outputs)")

    def lower_reshape(self, k: Kernel, op: qnn.ReshapeOp) -> None:
        shape = list(op.output.type.get_shape())
        strides = [int(np.prod(shape[i + 1 :])) for i in range(len(shape))]
        view = k.emit(
            memref.ReinterpretCastOp(
                self.inp(op, op.input), [], [], [], [0], shape, strides,
                MemRefType(i8, shape),
            )
        )
        view.name_hint = op.output.name_hint
        self.buffers[op.output] = view

    def copy(self, k: Kernel, src: SSAValue, dst: SSAValue, t: qnn.QTensorType) -> None:
        def body(kk: Kernel, ivs):
            value = kk.emit(memref.LoadOp.get(src, ivs))
            kk.builder.insert(memref.StoreOp.get(value, dst, ivs))

        k.nest(t.get_shape(), body)

    def lower_conv2d(self, k: Kernel, op: qnn.Conv2DOp) -> None:
        xt, wt, out = op.input.type, op.weight.type, op.output.type
        x = self.inp(op, op.input)
        weights = self.constant_of(op, op.weight)
        bias = self.constant_of(op, op.bias)
        n_, h_, w_, _ = xt.get_shape()
        _, oh_, ow_, c_out = out.get_shape()
        _, kh_, kw_, cin_g = wt.get_shape()
        sh, sw = _ints(op.strides)
        pt, pl, pb, pr = _ints(op.pads)
        dh, dw = _ints(op.dilations)
        groups = op.groups.value.data
        cout_g = c_out // groups
        w_zp = np.asarray(wt.zero_point_values, np.int64).reshape(-1, 1, 1, 1)
        weights = weights - w_zp  # exact: non-zero only for asymmetric (uint8) weights
        padded = any((pt, pl, pb, pr))
        fold = not padded
        name = op.output.name_hint or "conv"
        if fold:  # sum_k (x - zx) w = sum_k x w - zx sum_k w
            bias = bias - xt.zero_point * weights.reshape(c_out, -1).sum(axis=1)
        if np.any(np.abs(bias) > 2**31 - 1):
            raise self.error(op, "folded bias overflows int32")
        wdtype = np.int8 if weights.min() >= -128 and weights.max() <= 127 else np.int16
        w_type = i8 if wdtype == np.int8 else i16
        w_buf = self.get_global(k, f"{name}_weight", weights.astype(wdtype), w_type)
        b_buf = self.get_global(k, f"{name}_bias", bias.astype(np.int32), i32)
        if self.onnx:
            scale_at = onnx_stage.output_scale_loader(self, k, op, name, c_out)
        else:
            mult, shift = fp.conv_output_multipliers(xt.scale, np.asarray(wt.scale_values), out.scale, c_out)
            mult_at = self.per_channel(k, f"{name}_multiplier", mult)
            shift_at = self.per_channel(k, f"{name}_shift", shift)
        lo, hi = _clamp(op, out)
        x_unsigned = xt.is_unsigned
        zx = k.i32(xt.zero_point) if not fold else None
        depthwise = cin_g == 1 and groups == c_out
        schedule = self.conv_schedule(op, depthwise)
        if schedule == "buffer":
            y = self.result_buffer(k, op.output)
        else:
            y = self.in_place_buffer(k, op, op.input)

        def taps(kk: Kernel, n, ih, iw, oc, kh, kw, acc):
            """acc + sum over input channels of the group at input position (ih, iw)."""

            def channel(k3: Kernel, ic, a):
                if depthwise:
                    ch = oc
                elif groups == 1:
                    ch = ic
                else:
                    group = k3.emit(arith.DivUIOp(oc, k3.idx(cout_g)))
                    ch = k3.add(k3.mul(group, k3.idx(cin_g)), ic)
                xv = k3.load_i32(x, [n, ih, iw, ch], x_unsigned)
                if zx is not None:
                    xv = k3.sub(xv, zx)
                return [k3.add(a, k3.mul(xv, k3.load_i32(w_buf, [oc, kh, kw, ic], False)))]

            if cin_g == 1:
                return channel(kk, kk.idx(0), acc)
            return kk.loop(0, cin_g, channel, [acc])

        def window_bounds(kk: Kernel, origin: SSAValue, extent: int, size: int):
            """Kernel taps [start, end) that land inside [0, size) (TFLM skips padding taps)."""
            neg = kk.sub(kk.idx(0), origin)
            start = kk.max(kk.idx(0), neg)
            end = kk.min(kk.idx(extent), kk.sub(kk.idx(size), origin))
            return start, end

        def point(kk: Kernel, ivs) -> SSAValue:
            """The requantised output element (n, oh, ow, oc) as an i32."""
            n, oh, ow, oc = ivs
            acc0 = kk.emit(memref.LoadOp.get(b_buf, [oc]))
            ih0 = kk.affine(oh, sh, -pt)
            iw0 = kk.affine(ow, sw, -pl)

            def over_h(k1: Kernel, kh, acc):
                ih = k1.add(ih0, kh if dh == 1 else k1.mul(kh, k1.idx(dh)))

                def over_w(k2: Kernel, kw, acc2):
                    iw = k2.add(iw0, kw if dw == 1 else k2.mul(kw, k2.idx(dw)))
                    if padded and (dh != 1 or dw != 1):
                        inside = self.inside(k2, ih, iw, h_, w_)
                        return k2.if_else(
                            inside, lambda k3: taps(k3, n, ih, iw, oc, kh, kw, acc2), lambda k3: [acc2], [i32]
                        )
                    return taps(k2, n, ih, iw, oc, kh, kw, acc2)

                if padded and dw == 1:
                    ws, we = window_bounds(k1, iw0, kw_, w_)
                    return k1.loop(ws, we, over_w, [acc])
                return k1.loop(0, kw_, over_w, [acc])

            if padded and dh == 1:
                hs, he = window_bounds(kk, ih0, kh_, h_)
                (acc,) = kk.loop(hs, he, over_h, [acc0])
            else:
                (acc,) = kk.loop(0, kh_, over_h, [acc0])
            if self.onnx:
                return onnx_stage.accumulator_output(kk, acc, scale_at(kk, oc), out, lo, hi)
            return kk.requantize(acc, mult_at(kk, oc), shift_at(kk, oc), out.zero_point, lo, hi)

        if schedule == "buffer":
            k.nest([n_, oh_, ow_, c_out], lambda kk, ivs: kk.store_i8(point(kk, ivs), y, ivs))
        elif schedule == "channel":
            self.depthwise_in_place(k, op, point, y)
        else:
            self.rows_in_place(k, op, point, y, pt)

    # -- in-place schedules (the activation's buffer is reused: less RAM) ---- #
    def dies_here(self, op: Operation, value: SSAValue) -> bool:
        """`value` is computed by an earlier op into a buffer of its own, and `op` is its
        last reader: `op` may overwrite it."""
        if not self.in_place or len(list(value.uses)) != 1 or value not in self.buffers:
            return False
        buffer = self.buffers[value]
        if not isinstance(buffer.owner, memref.AllocOp):
            return False  # an argument (the caller's), an output, or a view shared with others
        # Other values living in the same buffer (earlier in-place steps) must be dead too.
        return all(
            v is value or self.buffers[v] is not buffer
            or all(use.operation in self.lowered or use.operation is op for use in v.uses)
            for v in self.buffers
        )

    def conv_schedule(self, op: qnn.Conv2DOp, depthwise: bool) -> str:
        """'buffer' (a new output buffer), 'channel' (TinyEngine's in-place depthwise: one
        channel at a time through a temporary plane) or 'rows' (output rows delayed in a small
        ring, then written over input rows that no later output row reads)."""
        if op.output in self.output_buffer or not self.dies_here(op, op.input):
            return "buffer"
        xt, out = op.input.type, op.output.type
        if out.get_num_elements() > xt.get_num_elements():
            return "buffer"
        if depthwise and xt.get_shape()[3] == out.get_shape()[3]:
            return "channel"
        strides, dilations = _ints(op.strides), _ints(op.dilations)
        if strides == [1, 1] and dilations == [1, 1] and xt.get_shape() == out.get_shape():
            return "rows"
        return "buffer"

    def in_place_buffer(self, k: Kernel, op: Operation, source: SSAValue) -> SSAValue:
        """The source's buffer, viewed with the result's shape, as the result's buffer."""
        base = self.buffers[source]
        shape = list(op.results[0].type.get_shape())
        if list(base.type.get_shape()) == shape:
            view = base
        else:
            strides = [int(np.prod(shape[i + 1 :])) for i in range(len(shape))]
            view = k.emit(memref.ReinterpretCastOp(base, [], [], [], [0], shape, strides, MemRefType(i8, shape)))
            view.name_hint = op.results[0].name_hint
        self.buffers[op.results[0]] = view
        return view

    def scratch(self, k: Kernel, shape: Sequence[int], name: str) -> SSAValue:
        buf = k.emit(memref.AllocOp.get(i8, ALIGNMENT, list(shape)))
        buf.name_hint = name
        return buf

    def depthwise_in_place(self, k: Kernel, op: qnn.Conv2DOp, point, y: SSAValue) -> None:
        """Channel by channel: the plane of channel c goes to a scratch plane, then over the
        input's channel c (NHWC positions of channel c only hold channel c)."""
        n_, oh_, ow_, c = op.output.type.get_shape()
        plane = self.scratch(k, [oh_, ow_], (op.output.name_hint or "conv") + "_plane")

        def channel(kk: Kernel, ivs):
            n, ch = ivs
            kk.nest([oh_, ow_], lambda k1, hw: k1.store_i8(point(k1, [n, hw[0], hw[1], ch]), plane, hw))

            def copy(k1: Kernel, hw):
                value = k1.emit(memref.LoadOp.get(plane, hw))
                k1.builder.insert(memref.StoreOp.get(value, y, [n, hw[0], hw[1], ch]))

            kk.nest([oh_, ow_], copy)

        k.nest([n_, c], channel)

    def rows_in_place(self, k: Kernel, op: qnn.Conv2DOp, point, y: SSAValue, pad_top: int) -> None:
        """Stride-1, same-shape convolution over its own input: output row r is kept in a
        ring of pad_top + 1 rows and written over input row r once output row r + pad_top,
        the last reader of input row r, is done."""
        n_, oh_, ow_, c = op.output.type.get_shape()
        depth = pad_top + 1
        ring = self.scratch(k, [depth, ow_, c], (op.output.name_hint or "conv") + "_rows")

        def flush(kk: Kernel, n, row):
            slot = kk.emit(arith.RemUIOp(row, kk.idx(depth))) if depth > 1 else kk.idx(0)

            def copy(k1: Kernel, wc):
                value = k1.emit(memref.LoadOp.get(ring, [slot, *wc]))
                k1.builder.insert(memref.StoreOp.get(value, y, [n, row, *wc]))

            kk.nest([ow_, c], copy)

        def batch(kk: Kernel, ivs):
            (n,) = ivs

            def row(k1: Kernel, oh):
                slot = k1.emit(arith.RemUIOp(oh, k1.idx(depth))) if depth > 1 else k1.idx(0)
                k1.nest([ow_, c], lambda k2, wc: k2.store_i8(point(k2, [n, oh, *wc]), ring, [slot, *wc]))
                if pad_top == 0:
                    flush(k1, n, oh)
                else:
                    done = k1.emit(arith.CmpiOp(oh, k1.idx(pad_top), "sge"))
                    if_op = scf.IfOp(done, [], [Block()])
                    inner = Kernel(InsertPoint.at_end(if_op.true_region.block))
                    flush(inner, n, inner.sub(oh, inner.idx(pad_top)))
                    inner.builder.insert(scf.YieldOp())
                    k1.builder.insert(if_op)

            k1_ = kk
            k1_.loop(0, oh_, row)
            if pad_top:  # the last pad_top rows are still in the ring
                k1_.loop(max(oh_ - pad_top, 0), oh_, lambda k1, r: flush(k1, n, r))

        k.nest([n_], batch)

    @staticmethod
    def inside(k: Kernel, ih, iw, h: int, w: int) -> SSAValue:
        zero = k.idx(0)
        conds = [
            k.emit(arith.CmpiOp(ih, zero, "sge")),
            k.emit(arith.CmpiOp(ih, k.idx(h), "slt")),
            k.emit(arith.CmpiOp(iw, zero, "sge")),
            k.emit(arith.CmpiOp(iw, k.idx(w), "slt")),
        ]
        result = conds[0]
        for c in conds[1:]:
            result = k.emit(arith.AndIOp(result, c))
        return result

    def lower_dense(self, k: Kernel, op: qnn.DenseOp) -> None:
        xt, wt, out = op.input.type, op.weight.type, op.output.type
        x = self.inp(op, op.input)
        w_zp = np.asarray(wt.zero_point_values, np.int64).reshape(-1, 1)
        weights = self.constant_of(op, op.weight) - w_zp
        bias = self.constant_of(op, op.bias) - xt.zero_point * weights.sum(axis=1)
        n_, depth = xt.get_shape()
        units = out.get_shape()[1]
        name = op.output.name_hint or "dense"
        narrow = weights.min() >= -128 and weights.max() <= 127
        w_buf = self.get_global(k, f"{name}_weight", weights.astype(np.int8 if narrow else np.int16), i8 if narrow else i16)
        b_buf = self.get_global(k, f"{name}_bias", bias.astype(np.int32), i32)
        scales = wt.scale_values
        if self.onnx:
            scale_at = onnx_stage.output_scale_loader(self, k, op, name, units)
        else:
            mult, shift = fp.fully_connected_output_multiplier(
                xt.scale, scales[0] if len(scales) == 1 else np.asarray(scales), out.scale
            )
            mult_at = self.per_channel(k, f"{name}_multiplier", np.broadcast_to(np.asarray(mult), (units,)))
            shift_at = self.per_channel(k, f"{name}_shift", np.broadcast_to(np.asarray(shift), (units,)))
        y = self.result_buffer(k, op.output)
        lo, hi = _clamp(op, out)

        def point(kk: Kernel, ivs):
            n, o = ivs
            acc0 = kk.emit(memref.LoadOp.get(b_buf, [o]))

            def mac(k1: Kernel, i, acc):
                xv = k1.load_i32(x, [n, i], xt.is_unsigned)
                return [k1.add(acc, k1.mul(xv, k1.load_i32(w_buf, [o, i], False)))]

            (acc,) = kk.loop(0, depth, mac, [acc0])
            if self.onnx:
                kk.store_i8(onnx_stage.accumulator_output(kk, acc, scale_at(kk, o), out, lo, hi), y, [n, o])
                return
            kk.store_i8(kk.requantize(acc, mult_at(kk, o), shift_at(kk, o), out.zero_point, lo, hi), y, [n, o])

        k.nest([n_, units], point)

    @staticmethod
    def broadcast_indices(k: Kernel, ivs: list[SSAValue], shape: Sequence[int]) -> list[SSAValue]:
        lead = len(ivs) - len(shape)
        return [k.idx(0) if d == 1 else ivs[lead + i] for i, d in enumerate(shape)]

    def lower_add(self, k: Kernel, op: qnn.AddOp) -> None:
        at, bt, out = op.lhs.type, op.rhs.type, op.output.type
        a, b = self.inp(op, op.lhs), self.inp(op, op.rhs)
        if not self.onnx:
            p = fp.add_params(at.scale, at.zero_point, bt.scale, bt.zero_point, out.scale, out.zero_point)
        # Each element is read before it is written: the output may reuse a full-shape input.
        reusable = [
            v for v in (op.lhs, op.rhs)
            if v.type.get_shape() == out.get_shape() and op.output not in self.output_buffer
            and self.dies_here(op, v) and op.lhs is not op.rhs
        ]
        y = self.in_place_buffer(k, op, reusable[0]) if reusable else self.result_buffer(k, op.output)
        lo, hi = _clamp(op, out)
        if self.onnx:
            onnx_stage.checked_scale(self, op, at)
            onnx_stage.checked_scale(self, op, bt)

        def point(kk: Kernel, ivs):
            if self.onnx:
                av = kk.load_i32(a, self.broadcast_indices(kk, ivs, at.get_shape()), at.is_unsigned)
                bv = kk.load_i32(b, self.broadcast_indices(kk, ivs, bt.get_shape()), bt.is_unsigned)
                kk.store_i8(onnx_stage.add_output(kk, av, at, bv, bt, out, lo, hi), y, ivs)
                return

            def scaled(ref, t, offset, multiplier, shift):
                v = kk.load_i32(ref, self.broadcast_indices(kk, ivs, t.get_shape()), t.is_unsigned)
                v = kk.add(v, kk.i32(offset)) if offset else v
                v = kk.mul(v, kk.i32(1 << p["left_shift"]))
                return kk.emit(fxp.MultiplyByQuantizedMultiplierOp(v, kk.i32(multiplier), kk.i32(shift)))

            s1 = scaled(a, at, p["input1_offset"], p["input1_multiplier"], p["input1_shift"])
            s2 = scaled(b, bt, p["input2_offset"], p["input2_multiplier"], p["input2_shift"])
            total = kk.add(s1, s2)
            result = kk.requantize(
                total, kk.i32(p["output_multiplier"]), kk.i32(p["output_shift"]), out.zero_point, lo, hi
            )
            kk.store_i8(result, y, ivs)

        k.nest(out.get_shape(), point)

    def lower_requantize(self, k: Kernel, op: qnn.RequantizeOp) -> None:
        src, out = op.input.type, op.output.type
        x = self.inp(op, op.input)
        mult, shift = fp.quantize_multiplier(float(np.float32(src.scale)) / float(np.float32(out.scale)))
        if op.output not in self.output_buffer and self.dies_here(op, op.input):
            y = self.in_place_buffer(k, op, op.input)
        else:
            y = self.result_buffer(k, op.output)
        lo, hi = _clamp(op, out)

        def point(kk: Kernel, ivs):
            v = kk.load_i32(x, ivs, src.is_unsigned)
            if self.onnx:
                kk.store_i8(onnx_stage.requantize_output(kk, v, src, out, lo, hi), y, ivs)
                return
            if src.zero_point:
                v = kk.sub(v, kk.i32(src.zero_point))
            kk.store_i8(kk.requantize(v, kk.i32(mult), kk.i32(shift), out.zero_point, lo, hi), y, ivs)

        k.nest(out.get_shape(), point)

    def pool_window(self, kk: Kernel, op, ivs):
        """(ih0, iw0, hs, he, ws, we): the window's origin and its valid tap ranges."""
        _, h_, w_, _ = op.input.type.get_shape()
        kh_, kw_ = _ints(op.kernel)
        sh, sw = _ints(op.strides)
        pt, pl, _, _ = _ints(op.pads)
        _, oh, ow, _ = ivs
        ih0, iw0 = kk.affine(oh, sh, -pt), kk.affine(ow, sw, -pl)
        hs = kk.max(kk.idx(0), kk.sub(kk.idx(0), ih0))
        he = kk.min(kk.idx(kh_), kk.sub(kk.idx(h_), ih0))
        ws = kk.max(kk.idx(0), kk.sub(kk.idx(0), iw0))
        we = kk.min(kk.idx(kw_), kk.sub(kk.idx(w_), iw0))
        return ih0, iw0, hs, he, ws, we

    def lower_pool(self, k: Kernel, op, reduce: str) -> None:
        if reduce == "avg" and self.onnx:
            onnx_stage.lower_avg_pool(self, k, op, *_clamp(op, op.output.type))
            return
        xt, out = op.input.type, op.output.type
        x = self.inp(op, op.input)
        kh_, kw_ = _ints(op.kernel)
        rescale = None
        if reduce == "avg" and not xt.same_params(out):
            mult, shift = average_pool_rescale_tables(xt.scale, out.scale, kh_ * kw_)
            name = op.output.name_hint or "pool"
            rescale = (
                self.get_global(k, f"{name}_multiplier", mult.astype(np.int32), i32),
                self.get_global(k, f"{name}_shift", shift.astype(np.int32), i32),
            )
        y = self.result_buffer(k, op.output)
        lo, hi = _clamp(op, out)
        unsigned = xt.is_unsigned

        def point(kk: Kernel, ivs):
            n, _, _, c = ivs
            ih0, iw0, hs, he, ws, we = self.pool_window(kk, op, ivs)
            init = kk.i32(0 if reduce == "avg" else xt.storage_min)

            def over_h(k1: Kernel, i, acc):
                def over_w(k2: Kernel, j, acc2):
                    v = k2.load_i32(x, [n, k2.add(ih0, i), k2.add(iw0, j), c], unsigned)
                    return [k2.add(acc2, v) if reduce == "avg" else k2.max(acc2, v)]

                return k1.loop(ws, we, over_w, [acc])

            (acc,) = kk.loop(hs, he, over_h, [init])
            if reduce == "avg":
                count_index = kk.mul(kk.sub(he, hs), kk.sub(we, ws))
                count = kk.emit(arith.IndexCastOp(count_index, i32))
                if rescale is None:  # TFLM: rounded integer mean
                    half = kk.emit(arith.DivSIOp(count, kk.i32(2)))
                    positive = kk.emit(arith.CmpiOp(acc, kk.i32(0), "sgt"))
                    rounded = kk.emit(arith.SelectOp(positive, kk.add(acc, half), kk.sub(acc, half)))
                    acc = kk.emit(arith.DivSIOp(rounded, count))
                else:  # mean and rescale in one rounding, multiplier chosen by the count
                    if xt.zero_point:
                        acc = kk.sub(acc, kk.mul(count, kk.i32(xt.zero_point)))
                    mult_table, shift_table = rescale
                    acc = kk.emit(fxp.MultiplyByQuantizedMultiplierOp(
                        acc,
                        kk.emit(memref.LoadOp.get(mult_table, [count_index])),
                        kk.emit(memref.LoadOp.get(shift_table, [count_index])),
                    ))
                    if out.zero_point:
                        acc = kk.add(acc, kk.i32(out.zero_point))
            kk.store_i8(kk.min(kk.max(acc, kk.i32(lo)), kk.i32(hi)), y, ivs)

        k.nest(out.get_shape(), point)

    def lower_avg_pool2d(self, k, op):
        self.lower_pool(k, op, "avg")

    def lower_max_pool2d(self, k, op):
        self.lower_pool(k, op, "max")

    def lower_pad(self, k: Kernel, op: qnn.PadOp) -> None:
        xt, out = op.input.type, op.output.type
        x = self.inp(op, op.input)
        pads = _ints(op.pads)
        rank = len(xt.get_shape())
        y = self.result_buffer(k, op.output)
        fill = xt.zero_point

        def point(kk: Kernel, ivs):
            src = [kk.sub(iv, kk.idx(pads[d])) if pads[d] else iv for d, iv in enumerate(ivs)]
            conds = []
            for d, s in enumerate(src):
                if pads[d]:
                    conds.append(kk.emit(arith.CmpiOp(s, kk.idx(0), "sge")))
                if pads[d + rank] or pads[d]:
                    conds.append(kk.emit(arith.CmpiOp(s, kk.idx(xt.get_shape()[d]), "slt")))
            if not conds:
                kk.builder.insert(memref.StoreOp.get(kk.emit(memref.LoadOp.get(x, src)), y, ivs))
                return
            cond = conds[0]
            for c in conds[1:]:
                cond = kk.emit(arith.AndIOp(cond, c))
            (value,) = kk.if_else(
                cond,
                lambda k1: [k1.emit(memref.LoadOp.get(x, src))],
                lambda k1: [k1.emit(arith.ConstantOp.from_int_and_width((fill + 128) % 256 - 128, i8))],
                [i8],
            )
            kk.builder.insert(memref.StoreOp.get(value, y, ivs))

        k.nest(out.get_shape(), point)

    def lower_transpose(self, k: Kernel, op: qnn.TransposeOp) -> None:
        x, perm = self.inp(op, op.input), _ints(op.perm)
        y = self.result_buffer(k, op.output)
        inverse = [perm.index(d) for d in range(len(perm))]

        def point(kk: Kernel, ivs):
            value = kk.emit(memref.LoadOp.get(x, [ivs[inverse[d]] for d in range(len(perm))]))
            kk.builder.insert(memref.StoreOp.get(value, y, ivs))

        k.nest(op.output.type.get_shape(), point)

    def lower_concat(self, k: Kernel, op: qnn.ConcatOp) -> None:
        axis = op.axis.value.data
        y = self.result_buffer(k, op.output)
        offset = 0
        for value in op.inputs:
            x = self.inp(op, value)
            shift = offset

            def point(kk: Kernel, ivs, x=x, shift=shift):
                dst = list(ivs)
                if shift:
                    dst[axis] = kk.add(ivs[axis], kk.idx(shift))
                kk.builder.insert(memref.StoreOp.get(kk.emit(memref.LoadOp.get(x, ivs)), y, dst))

            k.nest(value.type.get_shape(), point)
            offset += value.type.get_shape()[axis]

    def lower_softmax(self, k: Kernel, op: qnn.SoftmaxOp) -> None:
        if self.onnx:
            return onnx_stage.lower_softmax(self, k, op)
        xt, out = op.input.type, op.output.type
        x = self.inp(op, op.input)
        p = fp.softmax_params(xt.scale, op.beta.value.data)
        shape = xt.get_shape()
        depth = shape[-1]
        y = self.result_buffer(k, op.output)
        unsigned = xt.is_unsigned
        out_min = out.storage_min
        accumulation_bits = 12

        def row(kk: Kernel, outer):
            def load(k1, c):
                return k1.load_i32(x, [*outer, c], unsigned)

            (row_max,) = kk.loop(0, depth, lambda k1, c, m: [k1.max(m, load(k1, c))], [kk.i32(xt.storage_min)])

            def exp_of(k1: Kernel, c):
                diff = k1.sub(load(k1, c), row_max)
                valid = k1.emit(arith.CmpiOp(diff, k1.i32(p["diff_min"]), "sge"))
                rescaled = k1.emit(
                    fxp.MultiplyByQuantizedMultiplierOp(diff, k1.i32(p["input_multiplier"]), k1.i32(p["input_left_shift"]))
                )
                return valid, k1.emit(fxp.ExpOnNegativeValuesOp(rescaled, 5))

            def accumulate(k1: Kernel, c, total):
                valid, e = exp_of(k1, c)
                term = k1.emit(fxp.RoundingDivideByPOTOp(e, k1.i32(accumulation_bits)))
                return [k1.emit(arith.SelectOp(valid, k1.add(total, term), total))]

            (total,) = kk.loop(0, depth, accumulate, [kk.i32(0)])
            recip_op = fxp.GetReciprocalOp(total, accumulation_bits)
            kk.builder.insert(recip_op)
            exponent = kk.add(recip_op.num_bits_over_unit, kk.i32(31 - 8))

            def emit_out(k1: Kernel, c):
                valid, e = exp_of(k1, c)
                prod = k1.emit(fxp.SaturatingRoundingDoublingHighMulOp(recip_op.reciprocal, e))
                unsat = k1.emit(fxp.RoundingDivideByPOTOp(prod, exponent))
                shifted = k1.add(unsat, k1.i32(out_min))
                clamped = k1.min(k1.max(shifted, k1.i32(out_min)), k1.i32(out_min + 255))
                k1.store_i8(k1.emit(arith.SelectOp(valid, clamped, k1.i32(out_min))), y, [*outer, c])

            kk.loop(0, depth, lambda k1, c: emit_out(k1, c))

        k.nest(shape[:-1], row)


@dataclass(frozen=True)
class ConvertQnnToLoopsPass(ModulePass):
    """See the module docstring."""

    name = "convert-qnn-to-loops"

    in_place: bool = True
    """Reuse a dying input's buffer for the output where the schedule allows it."""

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        symbols = {o.sym_name.data for o in op.walk() if hasattr(o, "sym_name") and isinstance(o.sym_name, StringAttr)}
        functions = [f for f in op.ops if isinstance(f, func.FuncOp) and f.body.blocks]
        for function in functions:
            signature = [*function.function_type.inputs, *function.function_type.outputs]
            if not any(o.name.startswith("qnn.") for o in function.walk()) and not any(
                isinstance(t, qnn.QTensorType) for t in signature
            ):
                continue
            try:
                FunctionLowering(op, function, symbols, self.in_place, qnn.numerics_of(op)).run()
            except PassError:
                raise
            except DiagnosticException as exc:  # e.g. IR the builders cannot make valid
                raise PassError(f"convert-qnn-to-loops: {exc}") from None
