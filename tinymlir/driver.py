"""`tinymlir-opt`: xDSL's opt driver with tinymlir's dialects, passes, named
pipelines and an ONNX frontend.

Input is `.mlir` text or an `.onnx` model (chosen by extension, or `-f`). Every
error caused by the input (bad model, bad pass name or option, unreadable file,
IR that does not verify) is printed as one `tinymlir-opt: error: ...` line with
exit status 1; with `--verify-diagnostics` xDSL's own diagnostic printing applies.

Verification: a named pipeline (`--pipeline=NAME`) verifies the IR after import and where
it reaches a new level (tinymlir.pipelines.LEVELS), which is also the IR that is printed;
passes given with -p are verified after each; `--verify-each` (or TINYMLIR_VERIFY_EACH=1,
set by the tests) verifies after every pass. `--timings=FILE` records where the time went.
Verifications check a forked copy of the module while the passes go on (ParallelVerifier;
in the process under --verify-each, --verify-diagnostics, TINYMLIR_SERIAL_VERIFY=1 or
TINYMLIR_SERIAL=1); with `-o DIR/` the last one runs while the C prints and the code
compiles for the flash figure, and nothing is written before it passes.

Flash figure: the code unit is compiled in the background as soon as it is printed, and its
sizes are cached by content (tinymlir.bench.code_size: `~/.cache/tinymlir`,
TINYMLIR_CACHE_DIR, TINYMLIR_NO_CACHE=1 to always compile).

Target: `--target-desc=NAME|FILE.toml` (tinymlir.target) is recorded on the module as its
`dlti.target_system_spec`, where every pass reads it; without it the IR's own (if any) or the
default cortex-m4 applies. `--fpu` is `--target-desc=cortex-m4f`. The target's budgets are
checked when a C library is written (`--target-ram`/`--target-flash` override them).
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import IO

from xdsl.passes import PassPipeline
from xdsl.utils.exceptions import ArgSpecParseError, DiagnosticException, ParseError
from xdsl.xdsl_opt_main import xDSLOptMain

from tinymlir.errors import TinymlirError
from tinymlir.pipelines import (
    PIPELINES,
    pipeline_spec,
    verification_points,
    verify_each_requested,
    with_patch_bound,
)
from tinymlir.timing import PhaseTimer


class ParallelVerifier:
    """Verifies modules in forked processes: `start` snapshots the module by forking (the
    child verifies its copy and reports the verifier's exception through a pipe), `join`
    waits for every started check and raises the first failure, as `module.verify()` would
    have at that point. On two cores the parent's passes run meanwhile; a verification then
    costs the fork (a few milliseconds) instead of a walk over the whole module."""

    def __init__(self) -> None:
        self.running: list[tuple[int, int, str]] = []

    @staticmethod
    def available() -> bool:
        from tinymlir.forked import forking_available

        return forking_available() and os.environ.get("TINYMLIR_SERIAL_VERIFY", "") in ("", "0")

    def start(self, module, label: str) -> None:
        import gc
        import pickle

        # The previous check (a level ago, done by now) first: invalid IR stops the passes
        # one level after it appeared at the latest, and one copy of the module at a time.
        self.join()
        try:
            read_end, write_end = os.pipe()
        except OSError:
            module.verify()  # no process to spare: verify here
            return
        try:
            pid = os.fork()
        except OSError:
            os.close(read_end)
            os.close(write_end)
            module.verify()
            return
        if pid == 0:  # the child: verify, report, exit without running anything else
            status = 0
            try:
                os.close(read_end)
                gc.disable()  # the copy lives for one walk; collecting would only copy pages
                try:
                    module.verify()
                except BaseException as exc:  # noqa: BLE001 (reported to the parent)
                    status = 1
                    try:
                        payload = pickle.dumps(exc)
                    except Exception:  # noqa: BLE001 (the message is what the user sees)
                        from xdsl.utils.exceptions import VerifyException

                        payload = pickle.dumps(VerifyException(str(exc)))
                    with os.fdopen(write_end, "wb") as pipe:
                        pipe.write(payload)
            finally:
                os._exit(status)
        os.close(write_end)
        self.running.append((pid, read_end, label))

    def join(self) -> None:
        import pickle

        failure = None
        running, self.running = self.running, []
        for pid, read_end, label in running:
            with os.fdopen(read_end, "rb") as pipe:
                payload = pipe.read()  # before waiting: a large report fills the pipe
            _, status = os.waitpid(pid, 0)
            if failure is not None:
                continue
            if payload:
                failure = pickle.loads(payload)
            elif os.waitstatus_to_exitcode(status) != 0:
                failure = RuntimeError(
                    f"the verification after {label} ended without a result "
                    f"(status {os.waitstatus_to_exitcode(status)})"
                )
        if failure is not None:
            raise failure


class TinyOptMain(xDSLOptMain):
    def __init__(self, *args, **kwargs):
        self.timer = PhaseTimer()
        self.verifier = ParallelVerifier()
        with self.timer.phase("set-up", "arguments, registries, pipeline"):
            super().__init__(*args, **kwargs)

    def register_all_dialects(self):
        super().register_all_dialects()  # includes qnn through the xdsl.universe entry point
        from tinymlir.universe import TINYMLIR_UNIVERSE

        for name, factory in TINYMLIR_UNIVERSE.all_dialects.items():
            if name not in self.ctx.registered_dialect_names:  # e.g. running from a source tree
                self.ctx.register_dialect(name, factory)

    def register_all_passes(self):
        super().register_all_passes()
        from tinymlir.passes import get_all_passes, xdsl_pass_replacements

        for name, factory in {**get_all_passes(), **xdsl_pass_replacements()}.items():
            self.register_pass(name, factory)

    def register_all_targets(self):
        super().register_all_targets()
        from tinymlir.universe import TINYMLIR_UNIVERSE

        self.available_targets.update(TINYMLIR_UNIVERSE.all_targets)

    def register_all_frontends(self):
        super().register_all_frontends()
        self.available_frontends["onnx"] = self.import_onnx

    def import_onnx(self, stream: IO[bytes]):
        with self.timer.phase("onnx-package", "loading the onnx package"):
            from tinymlir.frontend.onnx import import_onnx

        stem = Path(self.args.input_file).stem if self.args.input_file else "model"
        with self.timer.phase("import", "ONNX model to qnn"):
            return import_onnx(
                stream.read(), name=self.args.model_name or stem, numerics=self.args.numerics,
                report=lambda mode, why: setattr(self, "numerics_note", f"{mode} ({why})"),
            )

    def parse_chunk(self, chunk, file_extension, start_offset=0):
        if file_extension == "onnx":  # import_onnx times its own phases
            module = super().parse_chunk(chunk, file_extension, start_offset)
        else:
            with self.timer.phase("import", f"parsing .{file_extension}"):
                module = super().parse_chunk(chunk, file_extension, start_offset)
            if module is not None and self.args.numerics != "auto":
                from tinymlir.dialects import qnn

                qnn.set_numerics(module, self.args.numerics)  # an explicit choice wins over the IR's
                self.numerics_note = f"{self.args.numerics} (requested)"
        if module is not None and self.requested_target is not None:
            from tinymlir.target import set_target

            set_target(module, self.requested_target)  # an explicit choice wins over the IR's
        return module

    def output_resulting_program(self, prog):
        text = self.write_output(prog)
        # Said once the compilation succeeded, so that an error stays the only stderr line.
        note = getattr(self, "numerics_note", None)
        if note is not None:
            print(f"tinymlir-opt: numerics: {note}", file=sys.stderr)
            self.numerics_note = None
        return text

    def register_all_arguments(self, arg_parser: argparse.ArgumentParser):
        super().register_all_arguments(arg_parser)
        names = ", ".join(f"'{n}' ({doc})" for n, (_, doc) in PIPELINES.items())
        arg_parser.add_argument(
            "--pipeline",
            metavar="NAME",
            help=f"run a named pipeline before any -p passes: {names}",
        )
        arg_parser.add_argument(
            "--memory-report",
            action="store_true",
            help="with a C library output, also write NAME.memory.md (per-layer arena plan) and "
            "NAME.memory.png (the arena over time)",
        )
        arg_parser.add_argument(
            "--target-ram", type=_byte_count, metavar="BYTES",
            help="refuse a model whose arena plus input/output buffers exceed BYTES",
        )
        arg_parser.add_argument(
            "--target-flash", type=_byte_count, metavar="BYTES",
            help="refuse a model whose code, weights and tables exceed BYTES",
        )
        arg_parser.add_argument(
            "--numerics", default="auto", metavar="auto|tflm|onnx",
            help="output-stage arithmetic: tflm (TFLite Micro's integer kernels), onnx "
            "(onnxruntime's float32 ones) or auto (tflm for tf2onnx-converted models, else onnx); "
            "on .mlir input tflm/onnx replace the module's qnn.numerics",
        )
        arg_parser.add_argument(
            "--target-desc", metavar="NAME|FILE.toml",
            help="the target description (tinymlir/target.py: memories, compute units, "
            "alignment, budgets, C flags), a shipped name (cortex-m4, cortex-m4f, cortex-m4-tcm16k: with a 16 KiB fast level for tile-for-memory) or a TOML "
            "file; recorded on the module as dlti.target_system_spec. Default: the module's "
            "own, else cortex-m4 (then nothing is recorded)",
        )
        arg_parser.add_argument(
            "--patch-max-extra-macs", metavar="FRACTION", default=None,
            help="with --pipeline=kernel, loops or mcu: the MACs patch-schedule may recompute, as "
            "a fraction of the model's (default 0.2); 'off' runs every layer whole",
        )
        arg_parser.add_argument(
            "--fpu", action="store_true",
            help="with --pipeline=mcu: onnx-mode float arithmetic as C float (Cortex-M4F, "
            "-mfloat-abi=hard) instead of the exact integer emulation; the same as "
            "--target-desc=cortex-m4f",
        )
        arg_parser.add_argument(
            "--verify-each",
            action="store_true",
            help="verify the IR after every pass, also inside a named pipeline (which verifies "
            "after import and at each new IR level); the environment variable "
            "TINYMLIR_VERIFY_EACH=1 does the same",
        )
        arg_parser.add_argument(
            "--timings",
            metavar="FILE",
            help="record the time of each phase (set-up, import, every pass and verification, "
            "printing, the flash-size build) as JSON in FILE, or as a table on stderr with '-'",
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

    def write_output(self, prog):
        path = self.library_path()
        if path is None:
            with self.timer.phase("print", f"printing ({self.args.target})"):
                return super().output_resulting_program(prog)
        # the writer of tinymlir.compiler.compile_model (this driver runs the passes itself,
        # for -p, --verify-each and --timings)
        from tinymlir.backend.c_library import describe_library, render_library
        from tinymlir.target import target_of

        out_dir = path.parent if path.suffix == ".c" else path
        source = Path(self.args.input_file).name if self.args.input_file else ""
        # The last verification checks a forked snapshot while the C prints and the code
        # compiles; joined before anything is written.
        final_check = self.start_deferred_verification(prog)
        try:
            library = describe_library(prog)
            target = target_of(prog)
            self.check_ram_budget(library, target)
            with self.timer.phase("print", "printing NAME.c and NAME.h"):
                # verified by the pipeline, its last verification deferred (between_passes)
                rendered = render_library(
                    prog, out_dir, source, path.stem if path.suffix == ".c" else None,
                    verify=False,
                )
        except Exception:
            self.verify_deferred(prog, final_check)  # an invalid module: its error comes first
            raise
        library = rendered.library
        build = None
        try:
            with self.timer.phase("size-build", "starting the code's compile (flash figure)"):
                build = self.start_size_build(rendered, target)
            self.verify_deferred(prog, final_check)  # while the code compiles
            with self.timer.phase("print", "writing NAME.c and NAME.h (the compile runs)"):
                c_file, h_file, _ = rendered.write()
            with self.timer.phase("size-build", "flash figure (waiting for the compile)"):
                flash = self.check_flash_budget(library, c_file, target, build)
        except BaseException:
            if build is not None:
                build.cancel()
            self.verify_deferred(prog, final_check)  # not left running (done if it failed)
            raise
        io_bytes = sum(p.size for p in library.ports)
        print(
            f"wrote {c_file} and {h_file}\n"
            f"  RAM: arena {library.arena_size:,} bytes (lower bound {library.arena_lower_bound:,}) "
            f"+ input/output buffers {io_bytes:,} bytes\n"
            f"  flash: {flash}"
        )
        if self.args.memory_report:
            with self.timer.phase("report", "memory report"):
                from tinymlir.memory_report import write_memory_report

                md, png = write_memory_report(prog, out_dir, c_file.stem, io_bytes)
            print(f"  memory report: {md} and {png}")
        return ""

    def check_ram_budget(self, library, target) -> None:
        budget, whose = self.args.target_ram, "--target-ram is"
        if budget is None:
            budget, whose = target.budgets.ram, f"target {target.name}'s budgets.ram is"
        need = library.arena_size + sum(p.size for p in library.ports)
        if budget is not None and need > budget:
            raise TinymlirError(
                f"{library.name} needs {need:,} bytes of RAM (arena {library.arena_size:,} + "
                f"input/output {need - library.arena_size:,}) but {whose} {budget:,} "
                f"(over by {need - budget:,})"
            )

    def apply_passes(self, prog):
        try:
            super().apply_passes(prog)
        except BaseException:
            self.verifier.join()  # a verification that failed meanwhile is the error to report
            raise
        self.verifier.join()

    def start_deferred_verification(self, prog) -> ParallelVerifier | None:
        """Forks the pipeline's last verification (when between_passes left it to the
        library writer and verifications may run in parallel); None: verify_deferred
        verifies in the process."""
        after = self.deferred_verification
        if after is None or not self.parallel_verification:
            return None
        check = ParallelVerifier()
        with self.timer.phase("verify", f"after {after} (forked, while printing)"):
            check.start(prog, after)
        return check

    def verify_deferred(self, prog, forked: ParallelVerifier | None = None) -> None:
        """The pipeline's last verification, when between_passes left it to the library
        writer (which verifies before writing anything, while the code compiles): waits
        for the `forked` check, else verifies here."""
        after, self.deferred_verification = self.deferred_verification, None
        if after is None:
            return
        if forked is not None:
            with self.timer.phase("verify", f"after {after} (waiting for the forked check)", waiting=True):
                forked.join()
            return
        with self.timer.phase("verify", f"after {after}"):
            prog.verify()

    def start_size_build(self, rendered, target):
        """The code's compile for the flash figure, started in the background (or found in
        the cache: tinymlir.bench.code_size); None without the target's compiler."""
        import shutil

        if shutil.which(target.c.compiler) is None:
            return None
        from tinymlir.bench.code_size import start_code_size_build

        return start_code_size_build(
            rendered.library, rendered.h_text, rendered.h_path.name,
            target_flags=target.c.flags,
        )

    def check_flash_budget(self, library, c_file: Path, target, build) -> str:
        """The flash figure to print; refuses a model over --target-flash or the target's
        budget (code measured with the target's compiler and flags at -Os when installed,
        `build`, else weights and tables only, said so)."""
        budget, whose = self.args.target_flash, "--target-flash is"
        if budget is None:
            budget, whose = target.budgets.flash, f"target {target.name}'s budgets.flash is"
        compiler = target.c.compiler
        if build is None:
            need, text = library.constant_bytes, (
                f"weights and tables {library.constant_bytes:,} bytes (code not measured: "
                f"{compiler} not installed)"
            )
        else:
            sizes = build.sizes()
            need = sizes["flash"]
            text = (
                f"{need:,} bytes on a {target.display_name} ({compiler} -Os: "
                f".text {sizes['text']:,} + .rodata {sizes['rodata']:,} + .data {sizes['data']:,})"
            )
        if budget is not None and need > budget:
            c_file.unlink(missing_ok=True)
            c_file.with_suffix(".h").unlink(missing_ok=True)
            raise TinymlirError(
                f"{library.name} needs {need:,} bytes of flash but {whose} {budget:,} "
                f"(over by {need - budget:,}); no library written"
            )
        return text

    def setup_pipeline(self):
        budgets = self.args.target_ram is not None or self.args.target_flash is not None
        if (budgets or self.args.memory_report) and self.library_path() is None:
            raise TinymlirError(
                "--target-ram, --target-flash and --memory-report need a C library output: "
                "--pipeline=mcu -o DIR/"
            )
        if self.args.numerics not in ("auto", "tflm", "onnx"):
            raise TinymlirError(f"unknown --numerics '{self.args.numerics}'; expected auto, tflm or onnx")
        if self.args.fpu and self.args.pipeline != "mcu":
            raise TinymlirError("--fpu selects the C of --pipeline=mcu; add --pipeline=mcu")
        self.requested_target = self.target_from_arguments()
        if self.args.pipeline:
            if self.args.pipeline not in PIPELINES:
                raise TinymlirError(
                    f"unknown pipeline '{self.args.pipeline}'; available: {', '.join(PIPELINES)}"
                )
            hard_float = self.requested_target is not None and self.requested_target.cpu.fpu
            named = pipeline_spec(self.args.pipeline, hard_float=hard_float)
            named = with_patch_bound(named, self.args.patch_max_extra_macs)
            self.args.passes = ",".join(p for p in (named, self.args.passes) if p)
        super().setup_pipeline()
        self.pipeline = PassPipeline(self.pipeline.passes, self.between_passes())

    def target_from_arguments(self):
        """The target --target-desc or --fpu ask for; None when neither is given."""
        from tinymlir.target import load_target

        name = self.args.target_desc
        if name is None:
            return load_target("cortex-m4f") if self.args.fpu else None
        target = load_target(name)
        if self.args.fpu and not target.cpu.fpu:
            raise TinymlirError(
                f"--fpu is --target-desc=cortex-m4f, but --target-desc={name} has no FPU "
                "([cpu] fpu = false); give one of them"
            )
        return target

    def between_passes(self):
        """The pipeline's callback (xDSL's driver verifies after every pass): times the pass
        that ran, verifies where `verification_points` says, and does --time-passes and
        --print-between-passes as xDSL does."""
        verify_each = self.args.verify_each or verify_each_requested()
        points = verification_points(self.args.pipeline, len(self.pipeline.passes), verify_each)
        if self.args.disable_verify:
            points = frozenset()
        # A C library's writer does the last verification itself, overlapping it with the
        # flash-size compile of the printed code; nothing is written before it passes.
        defer_last = self.library_path() is not None
        self.deferred_verification = None
        # The other verifications check a snapshot in a forked process while the passes go
        # on (tinymlir.driver.ParallelVerifier); serial under --verify-each, where each
        # pass must be checked before the next one runs.
        parallel = self.parallel_verification = ParallelVerifier.available() and not (
            verify_each or self.args.verify_diagnostics
        )
        done, last = 0, time.perf_counter()

        def callback(previous, module, next_pass) -> None:
            nonlocal done, last
            if previous is None:
                done = 0  # a new module (--split-input-file runs the pipeline per chunk)
            else:
                seconds = time.perf_counter() - last
                self.timer.add("pass", previous.name, seconds)
                done += 1
                if self.args.time_passes:
                    print(f"Pass {previous.name} took {seconds} seconds")
            after = previous.name if previous else "import"
            if done in points and next_pass is None and defer_last:
                self.deferred_verification = after
            elif done in points and parallel and next_pass is not None:
                with self.timer.phase("verify", f"after {after} (forked, in parallel)"):
                    self.verifier.start(module, after)
            elif done in points:
                with self.timer.phase("verify", f"after {after}"):
                    module.verify()
            if previous and next_pass and self.args.print_between_passes:
                from xdsl.printer import Printer

                print(f"IR after {previous.name}:")
                Printer(stream=sys.stdout).print_op(module)
                print("\n\n\n")
            last = time.perf_counter()

        return callback


def _byte_count(text: str) -> int:
    """BYTES, or with a K/M suffix (KiB/MiB): 256K, 1M."""
    units = {"k": 1024, "m": 1024 * 1024}
    value = text.strip().lower().removesuffix("b").removesuffix("i")
    scale = units.get(value[-1:], 1)
    digits = value[:-1] if value[-1:] in units else value
    if not digits.isdigit():
        raise argparse.ArgumentTypeError(f"expected a byte count like 65536 or 64K, got '{text}'")
    return int(digits) * scale


def _one_line(exc: BaseException) -> str:
    if isinstance(exc, ParseError):  # file:line:col: message (the caret display is multi-line)
        return f"{exc.span.get_location()}: {' '.join(exc.msg.split())}"
    text = " ".join(str(exc).split())
    return text if text else type(exc).__name__


def main(argv: Sequence[str] | None = None) -> int:
    try:
        opt = TinyOptMain(description="tinymlir optimizer driver", args=argv)
        opt.run()
        if opt.args.timings:
            opt.timer.write(opt.args.timings)
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
