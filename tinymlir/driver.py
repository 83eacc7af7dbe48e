"""`tinymlir-opt`: xDSL's opt driver with tinymlir's dialects, passes, named
pipelines and an ONNX frontend.

Input is `.mlir` text or an `.onnx` model (chosen by extension, or `-f`). Every
error caused by the input (bad model, bad pass name or option, unreadable file,
IR that does not verify) is printed as one `tinymlir-opt: error: ...` line with
exit status 1; with `--verify-diagnostics` xDSL's own diagnostic printing applies.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import IO

from xdsl.utils.exceptions import ArgSpecParseError, DiagnosticException, ParseError
from xdsl.xdsl_opt_main import xDSLOptMain

from tinymlir.errors import TinymlirError
from tinymlir.pipelines import PIPELINES


class TinyOptMain(xDSLOptMain):
    def register_all_dialects(self):
        super().register_all_dialects()  # includes qnn through the xdsl.universe entry point
        from tinymlir.universe import TINYMLIR_UNIVERSE

        for name, factory in TINYMLIR_UNIVERSE.all_dialects.items():
            if name not in self.ctx.registered_dialect_names:  # e.g. running from a source tree
                self.ctx.register_dialect(name, factory)

    def register_all_passes(self):
        super().register_all_passes()
        from tinymlir.passes import get_all_passes

        for name, factory in get_all_passes().items():
            self.register_pass(name, factory)

    def register_all_targets(self):
        super().register_all_targets()
        from tinymlir.universe import TINYMLIR_UNIVERSE

        self.available_targets.update(TINYMLIR_UNIVERSE.all_targets)

    def register_all_frontends(self):
        super().register_all_frontends()
        self.available_frontends["onnx"] = self.import_onnx

    def import_onnx(self, stream: IO[bytes]):
        from tinymlir.frontend.onnx import import_onnx

        stem = Path(self.args.input_file).stem if self.args.input_file else "model"
        return import_onnx(stream.read(), name=self.args.model_name or stem)

    def register_all_arguments(self, arg_parser: argparse.ArgumentParser):
        super().register_all_arguments(arg_parser)
        names = ", ".join(f"'{n}' ({doc})" for n, (_, doc) in PIPELINES.items())
        arg_parser.add_argument(
            "--pipeline",
            metavar="NAME",
            help=f"run a named pipeline before any -p passes: {names}",
        )
        arg_parser.add_argument(
            "--model-name",
            help="name of the generated function (default: the input file's stem as a C identifier)",
        )

    def library_path(self) -> Path | None:
        """Where `-o` asks for a C library: a folder (existing, or ending in /) or a .c file."""
        out = self.args.output_file
        if out is None or self.args.target != "mlir":
            return None
        if out.endswith(("/", os.sep)) or os.path.isdir(out) or out.endswith(".c"):
            return Path(out)
        return None

    def prepare_output(self):
        if self.library_path() is not None:
            return io.StringIO()  # the library is written by output_resulting_program
        return super().prepare_output()

    def output_resulting_program(self, prog):
        path = self.library_path()
        if path is None:
            return super().output_resulting_program(prog)
        from tinymlir.backend.c_library import write_library

        out_dir = path.parent if path.suffix == ".c" else path
        source = Path(self.args.input_file).name if self.args.input_file else ""
        c_file, h_file, library = write_library(prog, out_dir, source, path.stem if path.suffix == ".c" else None)
        print(
            f"wrote {c_file} and {h_file}: arena {library.arena_size} bytes "
            f"(lower bound {library.arena_lower_bound}), weights and biases {library.constant_bytes} bytes"
        )
        return ""

    def setup_pipeline(self):
        if self.args.pipeline:
            if self.args.pipeline not in PIPELINES:
                raise TinymlirError(
                    f"unknown pipeline '{self.args.pipeline}'; available: {', '.join(PIPELINES)}"
                )
            named = PIPELINES[self.args.pipeline][0]
            self.args.passes = ",".join(p for p in (named, self.args.passes) if p)
        super().setup_pipeline()


def _one_line(exc: BaseException) -> str:
    if isinstance(exc, ParseError):  # file:line:col: message (the caret display is multi-line)
        return f"{exc.span.get_location()}: {' '.join(exc.msg.split())}"
    text = " ".join(str(exc).split())
    return text if text else type(exc).__name__


def main(argv: Sequence[str] | None = None) -> int:
    try:
        TinyOptMain(description="tinymlir optimizer driver", args=argv).run()
    except TinymlirError as exc:
        print(f"tinymlir-opt: error: {exc}", file=sys.stderr)
        return 1
    except (ParseError, DiagnosticException, ArgSpecParseError) as exc:
        # xDSL's diagnostics already point at the source; keep them, without a traceback.
        print(f"tinymlir-opt: error: {_one_line(exc)}", file=sys.stderr)
        return 1
    except (OSError, ValueError) as exc:
        print(f"tinymlir-opt: error: {_one_line(exc)}", file=sys.stderr)
        return 1
    except Exception as exc:  # a compiler bug: say so, keep the traceback on request
        if os.environ.get("TINYMLIR_TRACEBACK"):
            raise
        print(
            f"tinymlir-opt: internal error: {type(exc).__name__}: {_one_line(exc)} "
            "(a tinymlir bug; rerun with TINYMLIR_TRACEBACK=1 for the traceback)",
            file=sys.stderr,
        )
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
