"""A computation in a forked process, for the second core: `ForkedCall(fn)` forks, the
child runs `fn()` and sends its pickled result (or exception) back through a pipe, and
`result()` waits for it and returns it (or raises the exception), as `fn()` would have.
The child sees the parent's state at the fork (copy-on-write), so `fn` may read any of it,
but what it changes stays in the child: it must return what the parent needs.

Without fork (or with TINYMLIR_SERIAL=1), or if the child dies without a result, `fn`
runs in the process at `result()`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Generic, TypeVar

#: Set (to anything but "" or "0") to run forked computations in the process.
SERIAL_ENV = "TINYMLIR_SERIAL"

T = TypeVar("T")


def forking_available() -> bool:
    return hasattr(os, "fork") and os.environ.get(SERIAL_ENV, "") in ("", "0")


class ForkedCall(Generic[T]):
    def __init__(self, fn: Callable[[], T]) -> None:
        self._fn = fn
        self._child: tuple[int, int] | None = None
        if not forking_available():
            return
        try:
            read_end, write_end = os.pipe()
        except OSError:
            return
        try:
            pid = os.fork()
        except OSError:
            os.close(read_end)
            os.close(write_end)
            return
        if pid == 0:
            self._run_child(read_end, write_end)
        os.close(write_end)
        self._child = (pid, read_end)

    def _run_child(self, read_end: int, write_end: int) -> None:
        import pickle

        status = 0
        try:
            os.close(read_end)
            try:
                payload = pickle.dumps((True, self._fn()))
            except BaseException as exc:  # noqa: BLE001 (re-raised in the parent)
                status = 1
                try:
                    payload = pickle.dumps((False, exc))
                except Exception:  # noqa: BLE001 (the message is what matters)
                    payload = pickle.dumps((False, RuntimeError(f"{type(exc).__name__}: {exc}")))
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(payload)
        finally:
            os._exit(status)  # nothing else of the parent's runs in the child

    def result(self) -> T:
        if self._child is None:
            return self._fn()
        import pickle

        pid, read_end = self._child
        self._child = None
        with os.fdopen(read_end, "rb") as pipe:
            payload = pipe.read()  # before waiting: a large result fills the pipe
        os.waitpid(pid, 0)
        if not payload:  # the child died without a word (killed, out of memory): run it here
            return self._fn()
        ok, value = pickle.loads(payload)
        if not ok:
            raise value
        return value
