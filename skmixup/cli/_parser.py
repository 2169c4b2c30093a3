"""The argument parser of ``skmixup``: commands, options and their value types.

Options come in small groups that the commands share (weights, columns,
target, run); a new option joins its group here and is turned into an
estimator parameter in ``_commands.estimator_from``.
"""

from __future__ import annotations

import argparse
import math

from .. import __version__
from ..columns import KINDS
from ..io import FORMATS

LABEL_MIXINGS = ("stratified", "joint", "soft")
SAMPLING_STRATEGIES = ("auto", "minority", "not minority", "not majority", "all")
SUPPORTED_FILES = ", ".join(FORMATS)
MAX_SEED = 2**32 - 1


def _formatter(prog: str) -> argparse.HelpFormatter:
    # Descriptions keep their line breaks; option help starts at a column wide enough for
    # the longest command name.
    return argparse.RawDescriptionHelpFormatter(prog, max_help_position=30)


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line on stderr and exit status 2."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


# ------------------------------------------------------------------ values


def count(text: str) -> int:
    """A number of rows: an integer >= 1."""
    try:
        value = int(text.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number of rows (>= 1), got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of rows (>= 1), got {text!r}")
    return value


def seed(text: str) -> int:
    """A random seed: an integer in [0, 2**32 - 1]."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"expected an integer from 0 to {MAX_SEED}, got {text!r}")
    return value


def _real(text: str, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}")
    return value


def delta(text: str) -> float:
    """The contamination δ of EpBeta: a number in [0, 1] (its reach is checked later)."""
    value = _real(text, "a number in [0, 1]")
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1], got {text!r}")
    return value


def epsilon(text: str) -> float | tuple[float, float] | str:
    """EpBeta's ε: ``auto``, a number >= 0, or two of them as ``E0,E1``."""
    if text.strip().lower() == "auto":
        return "auto"
    what = "'auto', a number >= 0 or two numbers E0,E1"
    parts = [_real(part, what) for part in text.split(",")]
    if len(parts) > 2 or any(part < 0 for part in parts):
        raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}")
    return parts[0] if len(parts) == 1 else (parts[0], parts[1])


def weights(text: str) -> tuple[str, tuple[float, ...]]:
    """A weight law: ``epbeta``, ``uniform`` or ``beta:A,B`` with A, B > 0."""
    name, _, parameters = text.strip().lower().partition(":")
    if name in ("epbeta", "uniform") and not parameters:
        return name, ()
    if name == "beta":
        what = "beta:A,B with two numbers A, B > 0"
        shape = [_real(part, what) for part in parameters.split(",")] if parameters else []
        if len(shape) != 2 or min(shape) <= 0:
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}")
        return name, (shape[0], shape[1])
    raise argparse.ArgumentTypeError(f"expected epbeta, uniform or beta:A,B, got {text!r}")


def column_kind(text: str) -> tuple[str, str]:
    """``COLUMN=KIND``, KIND one of :data:`skmixup.columns.KINDS` (COLUMN may hold '=')."""
    column, equals, kind = text.rpartition("=")
    if not equals or not column:
        raise argparse.ArgumentTypeError(f"expected COLUMN=KIND, got {text!r}")
    if kind.strip().lower() not in KINDS:
        raise argparse.ArgumentTypeError(
            f"the kind of column {column!r} must be one of {', '.join(KINDS)}; got {kind!r}"
        )
    return column, kind.strip().lower()


def condition(text: str) -> tuple[str, str]:
    """``COLUMN=VALUE`` of ``--given`` (the column may hold '='; the value is read by type later)."""
    column, equals, value = text.partition("=")
    if not equals or not column:
        raise argparse.ArgumentTypeError(f"expected COLUMN=VALUE, got {text!r}")
    return column, value


def jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number of threads, got {text!r}") from None
    if value == 0 or value < -1:
        raise argparse.ArgumentTypeError(
            f"expected a number of threads >= 1, or -1 for every core; got {text!r}"
        )
    return value


def sampling_strategy(text: str) -> str | float:
    """imbalanced-learn's sampling strategy: a name, or a ratio in (0, 1] for two classes."""
    name = " ".join(text.lower().replace("-", " ").replace("_", " ").split())
    if name in SAMPLING_STRATEGIES:
        return name
    what = f"one of {', '.join(repr(s) for s in SAMPLING_STRATEGIES)} or a ratio in (0, 1]"
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
    if not 0.0 < value <= 1.0:
        raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}")
    return value


# ---------------------------------------------------------------- groups


def _add_weights_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("mixing weights")
    group.add_argument(
        "--weights",
        type=weights,
        default=("epbeta", ()),
        metavar="LAW",
        help="law of the mixing weight W: epbeta (keeps variances and covariances), uniform, "
        "or beta:A,B (default: epbeta)",
    )
    group.add_argument(
        "--delta",
        type=delta,
        metavar="D",
        help="epbeta only: how far categories and the continuous columns within each category may "
        "drift, in [0, reach(epsilon)] (default: 0.05)",
    )
    group.add_argument(
        "--epsilon",
        type=epsilon,
        metavar="E",
        help="epbeta only: how far W reaches below 0 and above 1: a number, two numbers E0,E1, or "
        "auto (default: 0.3)",
    )


def _add_column_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("columns")
    group.add_argument(
        "--kind",
        type=column_kind,
        action="append",
        default=[],
        metavar="COLUMN=KIND",
        help="force the kind of a column instead of the one its type gives: continuous, "
        "categorical, identifier (fresh values in every synthetic row) or drop (left out of "
        "the output); repeat for more columns",
    )


def _add_condition_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("conditions")
    group.add_argument(
        "--given",
        type=condition,
        action="append",
        default=[],
        metavar="COLUMN=VALUE",
        help="synthesise rows that have VALUE in the categorical column COLUMN (or the --target "
        "label): both parents of every row are drawn among the rows that have it, so the "
        "structure within the condition is kept; repeat for more columns (all must hold) or for "
        "more values of one column (any may)",
    )


def _add_run_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("run")
    group.add_argument(
        "--seed",
        type=seed,
        metavar="S",
        help="random seed: the same seed, input and options give the same output (default: fresh)",
    )
    group.add_argument(
        "--jobs",
        type=jobs,
        default=None,
        metavar="J",
        help="threads that mix and decode rows, -1 for every core (default: 1); the output is the "
        "same for every J",
    )
    group.add_argument("-q", "--quiet", action="store_true", help="no progress bar")


def _add_output_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("-o", "--output", required=True, metavar="OUT", help=what)


# --------------------------------------------------------------- commands

_COMMANDS = {
    "synthesize": "write N synthetic rows of a table",
    "oversample": "add synthetic rows to the smaller classes of a table",
    "report": "compare a synthetic table with the real one, as an HTML page",
    "demo": "variances kept (EpBeta) or shrunk (Uniform, Beta), on a bundled table",
}

_DESCRIPTION = """\
Structure-preserving mixup for tabular data: synthetic rows that keep the
means, variances, covariances and correlations of a table.

commands:
{commands}

Tables are CSV or Parquet files, told apart by their extension
({files}).  Reading and writing them needs pyarrow:
pip install "skmixup[cli]".  Run 'skmixup COMMAND --help' for the options
of a command.
"""

_EXIT_STATUS = """\
exit status:
  0  done
  2  bad input or options: the one-line message on stderr names the problem,
     and no output file is written
  1  an unexpected error (a bug: please report it with the traceback)
"""

_SYNTHESIZE = """\
Fit on the table IN and write N synthetic rows to OUT, with the columns and
types of IN.  Each synthetic row mixes two rows of IN with one weight W:
continuous columns become W*x_i + (1 - W)*x_j, categorical columns keep the
category of one parent.  Column kinds come from the types (numbers, dates,
times and durations are continuous; text, booleans and dictionary columns are
categorical; columns whose values are nearly all distinct are identifiers, which
get fresh values); --kind overrides them.
"""

_SYNTHESIZE_EXAMPLES = """\
examples:
  skmixup synthesize patients.parquet -n 100000 -o synthetic.parquet --seed 0
  skmixup synthesize patients.csv -n 5000 -o synthetic.csv --target outcome --delta 0.02
  skmixup synthesize patients.csv -n 5000 -o synthetic.csv --kind zip=categorical
  skmixup synthesize penguins.parquet -n 1000 -o biscoe.parquet --given island=Biscoe
"""

_OVERSAMPLE = """\
Over-sample the classes of the column COL of the table IN and write OUT: the
rows of IN first, then the synthetic rows.  Each synthetic row mixes two rows
of the same class, so its label is exact.
"""

_OVERSAMPLE_EXAMPLES = """\
examples:
  skmixup oversample claims.parquet --target fraud -o balanced.parquet --seed 0
  skmixup oversample claims.csv --target fraud --sampling-strategy 0.5 -o more.csv
"""

_REPORT = """\
Compare the synthetic table SYNTHETIC with the real table REAL it was made
from, and write the comparison as a self-contained HTML page: means,
variances, covariances, correlations, category shares and, with --holdout, how
close synthetic rows come to real ones.
"""

_REPORT_EXAMPLES = """\
examples:
  skmixup report train.parquet synthetic.parquet -o report.html
  skmixup report train.csv synthetic.csv --holdout test.csv -o report.html --title "Patients"
"""

_DEMO = """\
Synthesise scikit-learn's bundled diabetes table round after round, each round
from the previous round's synthetic table, with three weight laws, and print
how much of the variances, covariances and correlations survive: EpBeta keeps
them, Uniform and Beta weights shrink them by a constant factor every round.
"""


def build_parser() -> argparse.ArgumentParser:
    """The parser of the ``skmixup`` command line.

    Returns
    -------
    argparse.ArgumentParser
        Each command's namespace has ``run``, the function that runs it.

    Examples
    --------
    >>> from skmixup.cli import build_parser
    >>> arguments = build_parser().parse_args(["synthesize", "in.csv", "-n", "10", "-o", "out.csv"])
    >>> arguments.command, arguments.n_samples, arguments.weights
    ('synthesize', 10, ('epbeta', ()))
    """
    from . import _commands

    parser = Parser(
        prog="skmixup",
        usage="%(prog)s [-h] [--version] COMMAND ...",
        description=_DESCRIPTION.format(
            commands="\n".join(f"  {name:<12} {summary}" for name, summary in _COMMANDS.items()),
            files=SUPPORTED_FILES,
        ),
        epilog=_EXIT_STATUS,
        formatter_class=_formatter,
    )
    parser.add_argument("--version", action="version", version=f"skmixup {__version__}")
    # The commands are listed in the description, aligned; argparse's own list wraps them.
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", help=argparse.SUPPRESS)

    def command(name: str, description: str, epilog: str | None = None):
        sub = commands.add_parser(
            name,
            prog=f"skmixup {name}",
            description=description,
            epilog=epilog,
            formatter_class=_formatter,
        )
        return sub

    synthesize = command("synthesize", _SYNTHESIZE, _SYNTHESIZE_EXAMPLES)
    synthesize.add_argument("input", metavar="IN", help=f"the table to learn from ({SUPPORTED_FILES})")
    synthesize.add_argument(
        "-n", "--n-samples", type=count, required=True, metavar="N", help="number of synthetic rows"
    )
    _add_output_option(synthesize, f"the file to write ({SUPPORTED_FILES}); replaced if it exists")
    _add_weights_options(synthesize)
    _add_column_options(synthesize)
    target = synthesize.add_argument_group("target")
    target.add_argument(
        "--target",
        metavar="COL",
        help="a label column: class labels are mixed as --label-mixing says, non-integer "
        "numbers (a regression target) like a continuous column",
    )
    target.add_argument(
        "--label-mixing",
        choices=LABEL_MIXINGS,
        metavar="HOW",
        help="with --target holding classes: stratified (both parents from one class, exact "
        "labels; the default), joint (the label is one more categorical column) or soft (one "
        "score column COL_<class> per class instead of COL)",
    )
    target.add_argument(
        "--exact-class-counts",
        action="store_true",
        help="with stratified label mixing: give each class exactly its share of N rows "
        "(largest remainders) instead of drawing the classes at random",
    )
    _add_condition_options(synthesize)
    _add_run_options(synthesize)
    synthesize.add_argument(
        "--engine",
        choices=("memory", "dask"),
        default="memory",
        help="memory (the default: the table is read whole) or dask (IN a Parquet file, "
        "directory or glob read partition by partition, OUT a directory of Parquet files; "
        "needs the dask extra; no --given)",
    )
    synthesize.set_defaults(run=_commands.synthesize)

    oversample = command("oversample", _OVERSAMPLE, _OVERSAMPLE_EXAMPLES)
    oversample.add_argument("input", metavar="IN", help=f"the table to over-sample ({SUPPORTED_FILES})")
    oversample.add_argument("--target", required=True, metavar="COL", help="the column of class labels")
    oversample.add_argument(
        "--sampling-strategy",
        type=sampling_strategy,
        default="auto",
        metavar="WHICH",
        help="which classes to over-sample, as in imbalanced-learn: auto (= not majority, the "
        "default), minority, not minority, not majority, all (each up to the largest class), or, "
        "with two classes, a ratio r in (0, 1] (the minority grows to r times the majority)",
    )
    _add_output_option(oversample, f"the file to write ({SUPPORTED_FILES}); replaced if it exists")
    _add_weights_options(oversample)
    _add_column_options(oversample)
    _add_run_options(oversample)
    oversample.set_defaults(run=_commands.oversample)

    report = command("report", _REPORT, _REPORT_EXAMPLES)
    report.add_argument("real", metavar="REAL", help=f"the real table ({SUPPORTED_FILES})")
    report.add_argument("synthetic", metavar="SYNTHETIC", help="the synthetic table")
    report.add_argument(
        "--holdout", metavar="FILE", help="real rows kept out of fitting, to compare distances with"
    )
    report.add_argument("--title", metavar="TEXT", help="title of the page")
    _add_output_option(report, "the HTML file to write (.html or .htm); replaced if it exists")
    _add_column_options(report)
    report.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    report.set_defaults(run=_commands.report)

    demo = command("demo", _DEMO)
    demo.add_argument("--rounds", type=count, default=25, help="rounds of resynthesis (default: 25)")
    demo.add_argument(
        "--n-samples", type=_demo_rows, default=50_000, metavar="N", help="rows per round (default: 50000)"
    )
    demo.add_argument("--seed", type=seed, default=0, metavar="S", help="random seed (default: 0)")
    demo.set_defaults(run=_commands.demo)
    return parser


def _demo_rows(text: str) -> int:
    value = count(text)
    if value < 2:
        raise argparse.ArgumentTypeError(f"expected at least 2 rows, got {text!r}")
    return value


def program_name(arguments: argparse.Namespace | None) -> str:
    """``skmixup COMMAND`` for messages."""
    command = getattr(arguments, "command", None)
    return f"skmixup {command}" if command else "skmixup"
