"""Console entry point of `tinymlir-opt` (see tinymlir.driver)."""

import sys

from tinymlir.driver import main as _main


def main() -> None:
    sys.exit(_main())


if __name__ == "__main__":
    main()
