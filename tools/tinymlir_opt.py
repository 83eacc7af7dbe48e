"""Console entry point of `tinymlir-opt` (see tinymlir.driver)."""

import os
import sys

from tinymlir.driver import main as _main


def main() -> None:
    status = _main()
    # Everything is written: end the process without freeing the IR object by object
    # (about 0.1 s for a large model, for memory the OS reclaims anyway).
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


if __name__ == "__main__":
    main()
