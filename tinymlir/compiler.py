"""The compile path as a library: an ONNX model (or a qnn module) to `<name>.c` and `<name>.h`.

`compile_model` is what `tinymlir-opt --pipeline=mcu MODEL -o DIR/` does, in process:
import, the mcu pipeline (tinymlir.pipelines, where the driver's pipelines are defined too),
and the library writer (tinymlir.backend.c_library.write_library, which the driver's `-o`
path calls as well). It also keeps the module at the qnn level, which the tools run the
reference executor on. tinymlir-run, -bench, -sanitize, -conformance and the tests compile
through it; nothing else imports, lowers and writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from xdsl.dialects.builtin import ModuleOp

from tinymlir.backend.c_library import Library, write_library
from tinymlir.pipelines import LOOPS, QNN, c_pipeline, run_pipeline, with_patch_bound


@dataclass
class CompiledLibrary:
    #: the model after the mcu pipeline's qnn stage (what the reference executor runs)
    module: ModuleOp
    c_file: Path
    h_file: Path
    library: Library


def import_model(source, *, numerics: str | None = None, name: str | None = None) -> ModuleOp:
    """The qnn module of an ONNX model (a path, bytes or a ModelProto), as tinymlir-opt imports
    it. `numerics` (tflm, onnx, auto) and `name` go to the importer; None keeps its default."""
    from tinymlir.frontend.onnx import import_onnx

    return import_onnx(source, name=name, numerics=numerics)


def lower_to_c(
    module: ModuleOp, *, hard_float: bool = False, ctx=None, patch_max_extra_macs: str | None = None
) -> ModuleOp:
    """Runs the mcu pipeline on `module`: its qnn stage in place, the rest on a clone, which is
    returned (the C-level module). `hard_float` is tinymlir-opt's --fpu,
    `patch_max_extra_macs` its --patch-max-extra-macs (None: the default bound); `ctx` an
    xDSL context to reuse (tinymlir.pipelines.make_context)."""
    run_pipeline(module, QNN, ctx, levels=(QNN,))
    lowered = module.clone()
    c_passes = c_pipeline(hard_float)
    loops = with_patch_bound(LOOPS, patch_max_extra_macs)
    run_pipeline(lowered, f"{loops},{c_passes}", ctx, levels=(loops, c_passes))
    return lowered


def compile_model(
    source,
    out_dir: Path,
    *,
    numerics: str | None = None,
    hard_float: bool = False,
    name: str | None = None,
    source_name: str | None = None,
    ctx=None,
    patch_max_extra_macs: str | None = None,
) -> CompiledLibrary:
    """Compiles a model into `out_dir`: `source` is an ONNX model (a path, bytes or a
    ModelProto; `numerics` and `name` as for import_model) or a qnn module (which gets the qnn
    stage in place). The header names `source_name` (default: the path's file name) as the
    source. The library is named by the module (an ONNX model's file stem unless `name`).
    `patch_max_extra_macs` is lower_to_c's."""
    module = source if isinstance(source, ModuleOp) else import_model(source, numerics=numerics, name=name)
    lowered = lower_to_c(module, hard_float=hard_float, ctx=ctx, patch_max_extra_macs=patch_max_extra_macs)
    if source_name is None:
        source_name = Path(source).name if isinstance(source, str | Path) else ""
    c_file, h_file, library = write_library(lowered, out_dir, source_name)
    return CompiledLibrary(module, c_file, h_file, library)
