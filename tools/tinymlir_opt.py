"""Console entry point of `tinymlir-opt` (see tinymlir.driver)."""

import gc
import os
import sys

# A compile builds a large IR that lives until the end, and frees what it erases by
# reference counting: the cycle collector only re-scans live IR (2% of the CPU time of
# ic_resnet8 and vww_mobilenet even at a 50,000-allocation threshold), and without it the
# 1 M-parameter MobileNet peaks at 101 MB instead of 98 MB. So it is off for the run.
gc.disable()

from tinymlir.driver import main as _main  # noqa: E402


def main() -> None:
    status = _main()
    # Everything is written: end the process without freeing the IR object by object
    # (about 0.1 s for a large model, for memory the OS reclaims anyway).
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


if __name__ == "__main__":
    main()
