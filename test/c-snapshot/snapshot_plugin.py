"""pytest plugin: records every C translation unit CPrinter writes to a StringIO, by test."""

import io
import json
import os
import pathlib

import pytest

from tinymlir.backend import c_printer

OUT = pathlib.Path(os.environ["FE_SNAP_DIR"])
_records: dict[str, list[str]] = {}
_current = ["<none>"]
_orig = c_printer.CPrinter.print_module


def _patched(self, module):
    _orig(self, module)
    if isinstance(self.stream, io.StringIO):
        _records.setdefault(_current[0], []).append(self.stream.getvalue())


c_printer.CPrinter.print_module = _patched


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    _current[0] = item.nodeid
    yield


def pytest_sessionfinish(session):
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "pytest.json").write_text(json.dumps(_records, indent=0, sort_keys=True))
