"""convert-kernel-to-loops: lower every `qk` kernel op to scf/memref/arith/fxp loop nests.

What it does
    Each `qk` op (and each `memref.copy` of a result into an output argument) is replaced
    by the loop nest of the lowering registered for it and the module's target
    (passes/kernel_to_loops/: one RewritePattern per (op, target), the target's own
    before the generic one), specialised to its constant shapes, strides and
    quantisation constants, and following its `in_place` schedule. The stores into a
    kernel's output buffer carry the layer's index and description
    (`tinymlir.layer_index`, `tinymlir.layer_doc`: the C backend's comment and hook).
    The function's `qk.ports` become the argument attributes the C backend reads
    (`tinymlir.role`, `name`, `shape`, `scale`, `zero_point`, `storage`).

Semantics are TFLite Micro's int8 reference kernels bit for bit (tinymlir/fixedpoint.py),
or onnxruntime's float32 output stages in `onnx` numerics (tinymlir/onnx_numerics.py);
accumulation, window bounds and data movement are the same in both.

Cost model
    None: one lowering per op. A target chooses by registering its own.

Assumes verified kernel-level IR (convert-qnn-to-kernel, kernel-in-place): qk ops at the top
level of a function, in a `patch.stage`, in its band loops (`patch.band_loop`) or their
guards (`patch.guard`; a `patch.fill` there becomes a nest of stores). A qk op
without a lowering for the target, or nested elsewhere, is refused with an error naming it.
A target with an accelerator is refused: lowering offloaded layers is not built yet (issue 12).
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import func, memref
from xdsl.dialects.builtin import (
    ArrayAttr,
    DenseArrayBase,
    DictionaryAttr,
    FloatAttr,
    IntegerAttr,
    ModuleOp,
    StringAttr,
    f32,
    i32,
    i64,
)
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import PatternRewriter
from xdsl.utils.exceptions import VerifyException

from tinymlir.dialects import kernel as qk
from tinymlir.dialects import patch
from tinymlir.errors import PassError
from tinymlir.passes.kernel_to_loops import lowering_for
from tinymlir.passes.kernel_to_loops.common import global_reads_indexed
from tinymlir.target import target_of

NAME = "convert-kernel-to-loops"


def port_attrs(port: qk.PortAttr) -> DictionaryAttr:
    """The argument attributes of one port, as the C backend reads them."""
    t = port.type
    return DictionaryAttr({
        "tinymlir.role": port.role,
        "tinymlir.name": port.port_name,
        "tinymlir.shape": DenseArrayBase.from_list(i64, t.get_shape()),
        "tinymlir.scale": FloatAttr(t.scale, f32),
        "tinymlir.zero_point": IntegerAttr(t.zero_point, i32),
        "tinymlir.storage": StringAttr("uint8" if t.is_unsigned else "int8"),
    })


@dataclass(frozen=True)
class ConvertKernelToLoopsPass(ModulePass):
    """See the module docstring."""

    name = NAME

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        with global_reads_indexed(op):
            self.lower_module(op)

    def lower_module(self, op: ModuleOp) -> None:
        description = target_of(op)
        target, cpu = description.name, description.cpu.name
        if description.accelerators:  # loops for the CPU would silently ignore the accelerator
            units = ", ".join(a.name for a in description.accelerators)
            raise PassError(
                f"{NAME}: target '{target}' has an accelerator ({units}), and lowering offloaded layers "
                "(L1 tiling, DMA, accfg configuration, the accel_* HAL) is not built yet; compile for the "
                "CPU with --target-desc=cortex-m4, or see the partition with "
                "-p 'canonicalize,cse,qnn-schedule,convert-qnn-to-kernel,offload-to-accel{report=true}'"
            )
        for function in [f for f in op.ops if isinstance(f, func.FuncOp) and f.body.blocks]:
            if qk.PORTS_ATTR in function.attributes:
                try:
                    ports = qk.verify_ports(function)
                except VerifyException as exc:
                    raise PassError(f"{NAME}: @{function.sym_name.data}: {exc}") from None
                function.arg_attrs = ArrayAttr([port_attrs(p) for p in ports])
                del function.attributes[qk.PORTS_ATTR]
            # top-level ops, and those of patched stages and their band loops
            for inner in [
                o for o in function.walk() if isinstance(o, qk.KernelOp | memref.CopyOp | patch.FillOp)
                and (o.parent_op() is function or isinstance(o.parent_op(), patch.StageOp | patch.BandLoopOp | patch.GuardOp))
            ]:
                pattern = lowering_for(inner, target, cpu)
                if pattern is None:
                    raise PassError(f"{NAME}: {inner.name} has no lowering for target '{target}'")
                pattern.match_and_rewrite(inner, PatternRewriter(inner))
        for inner in op.walk():
            if isinstance(inner, qk.KernelOp):
                raise PassError(f"{NAME}: {inner.name} '{inner.layer_name.data}' must be at the top level of a function, in a patch.stage or in a band loop")
