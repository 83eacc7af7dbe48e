"""User-facing errors: one line that names what is wrong, what was found and what is supported.

Every error the user can provoke with their input (model file, pass options,
budgets) is a `TinymlirError`; the driver prints its message and exits 1 with no
traceback. Anything else escaping is a compiler bug.
"""

from xdsl.utils.exceptions import PassFailedException


class TinymlirError(Exception):
    """An error in the user's input, reported as one line."""


class OnnxImportError(TinymlirError):
    """The ONNX model cannot be imported (corrupt, unsupported, not quantised, ...)."""


class ExecutionError(TinymlirError):
    """The reference executor was given IR or inputs it cannot run."""


class PassError(TinymlirError, PassFailedException):
    """A pass refuses its input; printed by --verify-diagnostics like any diagnostic."""
