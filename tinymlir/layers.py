"""The layer-hook protocol: which ops are layers, how they are numbered, and the hook.

A *layer* is a compute op of the model function at the qnn level: a `qnn.*` op other than
`qnn.constant`, `qnn.quantize` and `qnn.dequantize` (those are data and the float interface).
Layers are numbered 0, 1, ... in the function's order (`numbered_layers`); convert-qnn-to-kernel
makes each one a `qk` kernel op carrying that index (`layer`; a reshape becomes a view and keeps
its number unused), convert-kernel-to-loops tags the kernel's stores with it (`LAYER_INDEX_ATTR`)
and convert-memref-to-mcuc puts a `TINYMLIR_LAYER_HOOK(index, data, size)` call after them. The hook expands to nothing unless
the build defines it. A view (qnn.reshape) has a number but no code, hence no hook call.

tinymlir-run's per-layer build defines the hook as `tinymlir_run_dump_layer` (`DUMP_HOOK_FLAGS`),
which writes per call an int32 index, an int32 byte size and the bytes (`read_layer_dump`).
"""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np

#: The C macro the generated library calls after every layer.
HOOK_MACRO = "TINYMLIR_LAYER_HOOK"
#: Its default in the generated C: no code.
HOOK_DEFAULT = (
    f"#ifndef {HOOK_MACRO}\n"
    f"#define {HOOK_MACRO}(index, data, size) ((void)0)\n"
    "#endif"
)
#: The attribute on the stores of a layer's result that carries its index.
LAYER_INDEX_ATTR = "tinymlir.layer_index"
#: ... and the one-line description of the layer (its C comment).
LAYER_DOC_ATTR = "tinymlir.layer_doc"

#: Flags that make the hook dump every layer (with DUMP_HOOK_DECLARATION force-included).
DUMP_HOOK_FLAGS = (
    "-DTINYMLIR_RUN_PER_LAYER",
    f"-D{HOOK_MACRO}(i,d,s)=tinymlir_run_dump_layer((i),(const int8_t *)(d),(s))",
)
DUMP_HOOK_DECLARATION = (
    "#include <stdint.h>\nvoid tinymlir_run_dump_layer(int index, const int8_t *data, int size);\n"
)


def is_layer(op) -> bool:
    """Whether a top-level op of the qnn model function is a layer (has a hook index)."""
    from tinymlir.dialects import qnn

    return op.name.startswith("qnn.") and not isinstance(
        op, qnn.ConstantOp | qnn.QuantizeOp | qnn.DequantizeOp
    )


def numbered_layers(ops) -> list[tuple[int, object]]:
    """(hook index, op) for the layers among `ops` (a qnn function's ops, or a trace's)."""
    return list(enumerate(op for op in ops if is_layer(op)))


def read_layer_dump(path: Path) -> list[dict[int, np.ndarray]]:
    """The dump of a per-layer run: per input row, layer index -> bytes (a row ends where a
    layer reports again)."""
    data = path.read_bytes()
    rows: list[dict[int, np.ndarray]] = []
    pos = 0
    while pos < len(data):
        index, size = struct.unpack_from("<ii", data, pos)
        pos += 8
        values = np.frombuffer(data, np.int8, size, pos).copy()
        pos += size
        if not rows or index in rows[-1]:  # each layer reports once per run (layer 0 may be folded away)
            rows.append({})
        rows[-1][index] = values
    return rows
