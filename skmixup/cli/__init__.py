"""The ``skmixup`` command line: synthesise, over-sample and compare tables in files.

``skmixup`` (the console script) and ``python -m skmixup`` run :func:`main`::

    skmixup synthesize IN -n N -o OUT        # N synthetic rows of the table IN
    skmixup oversample IN --target COL -o OUT
    skmixup report REAL SYNTHETIC -o report.html
    skmixup demo                             # model collapse on a bundled table

Tables are CSV or Parquet files, read and written with pyarrow (the ``cli``
extra).  Bad input or options give one line on stderr and exit status 2,
and leave no output file.  See :doc:`/user_guide/command_line`.
"""

from __future__ import annotations

import sys
import warnings

from ..io import MissingDependencyError
from ._commands import UsageError, one_line
from ._demo import demo, load_demo_table
from ._parser import build_parser, program_name

__all__ = ["build_parser", "demo", "load_demo_table", "main"]


def main(argv: list[str] | None = None) -> int:
    """Run the ``skmixup`` command line.

    Parameters
    ----------
    argv : list of str or None, default=None
        The arguments after the program name; None reads ``sys.argv``.

    Returns
    -------
    int
        The exit status: 0 done, 2 bad input or options (reported in one
        line on stderr, no output written).  Argument errors and ``--help``
        / ``--version`` leave through ``SystemExit`` with status 2 and 0.

    Examples
    --------
    >>> from skmixup.cli import main
    >>> main(["synthesize", "missing.csv", "-n", "5", "-o", "out.csv"])
    2
    """
    parser = build_parser()
    arguments = parser.parse_args(argv)
    name = program_name(arguments)
    with warnings.catch_warnings():
        # The library's warnings are for the user: one line each, named after the command.
        # Deprecations inside the libraries underneath are for their developers, not for
        # someone at a command line (pytest turns them on; old pandas releases raise some).
        warnings.showwarning = _one_line_warning(name)
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        try:
            return arguments.run(arguments)
        except (UsageError, MissingDependencyError) as error:
            print(f"{name}: error: {one_line(error)}", file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            print(f"{name}: interrupted", file=sys.stderr)
            return 130


def _one_line_warning(name: str):
    def show(message, category, filename, lineno, file=None, line=None):
        print(f"{name}: warning: {one_line(message)}", file=sys.stderr if file is None else file)

    return show
