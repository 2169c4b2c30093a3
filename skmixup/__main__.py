"""``python -m skmixup``: the command line of :mod:`skmixup.cli`."""

import sys

from .cli import demo, load_demo_table, main

__all__ = ["demo", "load_demo_table", "main"]

if __name__ == "__main__":
    sys.exit(main())
