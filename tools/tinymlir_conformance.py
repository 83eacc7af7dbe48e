"""`tinymlir-conformance`: ONNX's own backend node tests through import, --pipeline=mcu and C.

    python -m tinymlir.tools.tinymlir_conformance [--filter REGEX] [--out FILE] [--all]
                                                  [--data DIR] [--keep DIR] [--quiet]

Argument parsing and the report file; finding, generating, selecting and running the node
tests is tinymlir.conformance, whose docstring describes the selection, the freezing of
parameter inputs and how results are classified. ``--all``: every node test; ``--filter``
keeps the names matching REGEX; ``--data`` names the folder of node tests. Prints a Markdown
report (table, totals, refusals grouped by message) and writes it to ``--out`` (default
``<repo>/bench/results/conformance.md``). Exit status 1 when any test failed.
"""


from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from tinymlir.conformance import (
    node_test_dir,
    report,
    run_suite,
    select,
)
from tinymlir.errors import TinymlirError
from tinymlir.paths import REPO_ROOT

DEFAULT_OUT = REPO_ROOT / "bench" / "results" / "conformance.md"



def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--filter", metavar="REGEX", help="only tests whose name matches (re.search)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="Markdown report (default: %(default)s)")
    parser.add_argument("--all", action="store_true", help="every node test, not only the integer ones")
    parser.add_argument("--data", type=Path, help="folder of node tests (default: shipped or generated)")
    parser.add_argument("--keep", type=Path, help="build every test in DIR/<test> and keep it")
    parser.add_argument("--quiet", action="store_true", help="no per-test progress on stderr")
    args = parser.parse_args(argv)
    try:
        root, source = node_test_dir(args.data)
        pattern = re.compile(args.filter) if args.filter else None
    except (TinymlirError, re.error, OSError) as exc:
        print(f"tinymlir-conformance: error: {exc}", file=sys.stderr)
        return 2
    folders = select(root, pattern, args.all)
    selection = ("every node test" if args.all else "tests with integer/quantisation ops or int8/uint8 "
                 "tensors") + (f", filter `{args.filter}`" if args.filter else "")
    results = run_suite(folders, args.keep, progress=not args.quiet)
    text = report(results, source, selection)
    print(text)
    try:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text)
    except OSError as exc:
        print(f"tinymlir-conformance: error: cannot write '{args.out}': {exc.strerror}", file=sys.stderr)
        return 2
    return 1 if any(r.status == "failed" for r in results) else 0



if __name__ == "__main__":
    sys.exit(main())

