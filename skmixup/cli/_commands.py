"""What each command does: read, fit, sample, write.

Every problem the user can fix (a file, a column, an option, what the
estimator refuses) is raised as :class:`UsageError`, which ``main`` prints as
one line with exit status 2.  Outputs are written through
:func:`skmixup.io.replacing`, so a failed command leaves no output file.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator

import numpy as np
import pandas as pd

from .. import io
from ..columns import DROP
from ._progress import progress

#: Rows drawn per call to ``sample`` by ``skmixup synthesize``.  Fixed, so a
#: seed gives the same rows whether or not a progress bar is shown.
CHUNK_ROWS = 1 << 17

_HTML_EXTENSIONS = (".html", ".htm")


class UsageError(Exception):
    """A problem with the input or the options, told in one line."""


def one_line(error: BaseException) -> str:
    """The message of an exception on one line."""
    return " ".join(str(error).split()) or type(error).__name__


@contextlib.contextmanager
def library_errors(what: str = "") -> Iterator[None]:
    """The library's ``ValueError`` / ``TypeError`` (bad data or parameters) as a UsageError."""
    try:
        yield
    except (ValueError, TypeError) as error:
        raise UsageError(f"{what}{one_line(error)}") from error


# -------------------------------------------------------------------- files


@contextlib.contextmanager
def writing(path: str) -> Iterator[None]:
    """An OSError while writing ``path`` (permissions, a full disk) as a UsageError."""
    try:
        yield
    except OSError as error:
        raise UsageError(f"cannot write {path}: {error.strerror or one_line(error)}") from error


def check_output(path: str, extensions: tuple[str, ...] | None = None) -> None:
    """Fail before any work on an output whose extension or directory is wrong."""
    if extensions is None:
        try:
            io.file_format(path)
        except ValueError as error:
            raise UsageError(f"cannot write {one_line(error)}") from None
    elif not path.lower().endswith(extensions):
        raise UsageError(f"cannot write {path!r}: the output must end in {' or '.join(extensions)}")
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise UsageError(f"cannot write {path}: the directory {directory} does not exist")
    if os.path.isdir(path):
        raise UsageError(f"cannot write {path}: it is a directory")


def read(path: str):
    """The Arrow table of a CSV or Parquet file, or a UsageError saying why not."""
    try:
        io.file_format(path)
    except ValueError as error:
        raise UsageError(f"cannot read {one_line(error)}") from None
    pa = io.require_pyarrow()
    try:
        return io.read_table(path)
    except FileNotFoundError:
        raise UsageError(f"cannot read {path}: no such file") from None
    except OSError as error:
        raise UsageError(f"cannot read {path}: {error.strerror or one_line(error)}") from None
    except (ValueError, TypeError, NotImplementedError, pa.ArrowException) as error:
        raise UsageError(f"cannot read {path} as {io.file_format(path)}: {one_line(error)}") from None


def _columns_listed(columns) -> str:
    shown = ", ".join(repr(c) for c in columns[:12])
    return shown + (f", ... ({len(columns)} columns)" if len(columns) > 12 else "")


def check_columns(table, path: str, option: str, names) -> None:
    """Every name given to ``option`` is a column of ``table``."""
    for name in names:
        if name not in table.column_names:
            raise UsageError(
                f"{option} names column {name!r}, which {path} does not have "
                f"(its columns: {_columns_listed(table.column_names)})"
            )


def column_kinds(arguments: argparse.Namespace, table, path: str) -> dict[str, str] | None:
    kinds = dict(arguments.kind)
    check_columns(table, path, "--kind", kinds)
    target = getattr(arguments, "target", None)
    if target is not None and target in kinds:
        raise UsageError(f"--kind names the target column {target!r}; its kind comes from its labels")
    return kinds or None


# ---------------------------------------------------------------- estimator


def weights_from(arguments: argparse.Namespace):
    """The weight law of ``--weights``, ``--delta``, ``--epsilon``, validated."""
    from .. import Beta, EpBeta, Uniform
    from ..weights import check_weights

    name, shape = arguments.weights
    if name != "epbeta":
        given = [option for option in ("delta", "epsilon") if getattr(arguments, option) is not None]
        if given:
            raise UsageError(f"--{given[0]} applies to --weights epbeta only, not {name}")
        return Uniform() if name == "uniform" else Beta(*shape)
    parameters = {option: getattr(arguments, option) for option in ("delta", "epsilon")}
    law = EpBeta(**{option: value for option, value in parameters.items() if value is not None})
    try:
        return check_weights(law)
    except (ValueError, TypeError) as error:
        raise UsageError(f"bad --delta / --epsilon: {one_line(error)}") from None


def estimator_from(arguments: argparse.Namespace, kinds, **parameters):
    """The StructurePreservingMixup that the options describe."""
    from .. import StructurePreservingMixup

    return StructurePreservingMixup(
        weights=weights_from(arguments),
        column_kinds=kinds,
        random_state=arguments.seed,
        n_jobs=getattr(arguments, "jobs", None),
        **parameters,
    )


def conditions(arguments: argparse.Namespace, table, path: str) -> dict | None:
    """``--given`` as ``sample``'s ``given``: each value read as its column's type."""
    import pyarrow as pa

    if not arguments.given:
        return None
    check_columns(table, path, "--given", [column for column, _ in arguments.given])
    given: dict = {}
    for column, text in arguments.given:
        pa_type = table.schema.field(column).type
        if pa.types.is_dictionary(pa_type):
            pa_type = pa_type.value_type
        try:
            value = pa.scalar(text, type=pa.string()).cast(pa_type).as_py() if text != "" else None
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
            raise UsageError(
                f"--given {column}={text}: {text!r} is not a value of column {column!r} ({pa_type})"
            ) from None
        given.setdefault(column, []).append(value)
    return given


def split_target(frame: pd.DataFrame, target: str | None):
    """``(X, y)``: the frame without the target column, and that column (or None)."""
    if target is None:
        return frame, None
    y = frame[target]
    n_missing = int(y.isna().sum())
    if n_missing:
        raise UsageError(
            f"the --target column {target!r} has {n_missing} missing value(s); every row needs one"
        )
    return frame.drop(columns=[target]), y


def chunk_sizes(n_rows: int, chunk: int | None = None) -> list[int]:
    """Rows per ``sample`` call: full chunks of ``CHUNK_ROWS``, then what is left."""
    chunk = CHUNK_ROWS if chunk is None else chunk
    return [chunk] * (n_rows // chunk) + ([n_rows % chunk] if n_rows % chunk else [])


# ------------------------------------------------------------------ commands


def synthesize(arguments: argparse.Namespace) -> int:
    """``skmixup synthesize IN -n N -o OUT``."""
    io.require_pyarrow()
    if getattr(arguments, "engine", "memory") == "dask":
        return _synthesize_with_dask(arguments)
    check_output(arguments.output)
    if arguments.label_mixing is not None and arguments.target is None:
        raise UsageError("--label-mixing needs --target, the label column")
    weights_from(arguments)  # bad weight options fail before the file is read
    table = read(arguments.input)
    target, kinds, label_mixing = _target_options(arguments, table)
    given = conditions(arguments, table, arguments.input)
    mixup = estimator_from(arguments, kinds, label_mixing=label_mixing)
    X, y = split_target(io.to_pandas(table), target)
    with library_errors():
        mixup.fit(X, y)
        if given is not None:
            mixup.sample(1, given=given)  # a condition no row meets fails before anything is written
    kept = _kept_schema(table.schema, mixup, target)
    soft = y is not None and label_mixing == "soft" and hasattr(mixup, "classes_")
    schema = _soft_label_schema(kept, target, mixup.classes_) if soft else kept
    random_state = np.random.RandomState(arguments.seed)
    n_rows = arguments.n_samples
    with (
        writing(arguments.output),
        io.TableWriter(arguments.output, schema) as writer,
        progress(n_rows, unit="rows", description="synthesizing", quiet=arguments.quiet) as bar,
    ):
        for size in chunk_sizes(n_rows):
            with library_errors():
                options = {"given": given}
                if arguments.exact_class_counts:
                    options["exact_class_counts"] = True
                drawn = mixup.sample(size, random_state=random_state, **options)
            if y is not None:
                drawn, labels = drawn
                drawn = _with_labels(drawn, labels, target, kept.names, mixup.classes_ if soft else None)
            writer.write(io.from_pandas(drawn, schema))
            bar.update(size)
    return 0


def _target_options(arguments: argparse.Namespace, table) -> tuple:
    """``--target``, ``--kind`` and ``--label-mixing`` checked against ``table``'s columns:
    (target, column kinds, label mixing)."""
    target = arguments.target
    check_columns(table, arguments.input, "--target", [] if target is None else [target])
    kinds = column_kinds(arguments, table, arguments.input)
    label_mixing = arguments.label_mixing or "stratified"
    if arguments.exact_class_counts and (target is None or label_mixing != "stratified"):
        raise UsageError("--exact-class-counts needs --target with stratified label mixing")
    return target, kinds, label_mixing


def _synthesize_with_dask(arguments: argparse.Namespace) -> int:
    """``skmixup synthesize IN -n N -o OUT --engine dask``: Parquet dataset to Parquet dataset.

    The dataset is written into a fresh directory next to OUT, which then
    takes OUT's place: a failed run leaves OUT as it was.
    """
    import pyarrow.dataset as pads

    try:
        import dask  # noqa: F401
        import distributed  # noqa: F401
    except ImportError:
        raise io.MissingDependencyError('--engine dask needs dask: pip install "skmixup[dask]"') from None
    from ..dask import StructurePreservingMixup, synthesize_parquet

    if arguments.given:
        raise UsageError("--given is not supported with --engine dask; filter the dataset instead")
    if arguments.label_mixing is not None and arguments.target is None:
        raise UsageError("--label-mixing needs --target, the label column")
    output = os.path.abspath(arguments.output)
    if os.path.isfile(output):
        raise UsageError(
            f"cannot write {arguments.output}: with --engine dask OUT is a directory, not a file"
        )
    if not os.path.isdir(os.path.dirname(output)):
        raise UsageError(
            f"cannot write {arguments.output}: the directory {os.path.dirname(output)} does not exist"
        )
    weights = weights_from(arguments)
    try:
        schema = pads.dataset(arguments.input, format="parquet").schema
    except FileNotFoundError:
        raise UsageError(f"cannot read {arguments.input}: no such file or directory") from None
    except (OSError, ValueError) as error:  # pyarrow's ArrowInvalid is a ValueError
        raise UsageError(f"cannot read {arguments.input} as a Parquet dataset: {one_line(error)}") from None
    target, kinds, label_mixing = _target_options(arguments, schema.empty_table())
    mixup = StructurePreservingMixup(
        weights=weights,
        column_kinds=kinds,
        label_mixing=label_mixing,
        random_state=arguments.seed,
        n_jobs=arguments.jobs,
    )
    fresh = tempfile.mkdtemp(prefix=".skmixup-", dir=os.path.dirname(output))
    bar = contextlib.nullcontext()
    if not arguments.quiet and sys.stderr.isatty():
        from dask.diagnostics import ProgressBar

        bar = ProgressBar(out=sys.stderr)
    try:
        with writing(arguments.output), library_errors(), bar:
            synthesize_parquet(
                arguments.input,
                fresh,
                arguments.n_samples,
                target=target,
                mixup=mixup,
                exact_class_counts=arguments.exact_class_counts,
                overwrite=True,
            )
        _replace_directory(fresh, output)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    return 0


def _replace_directory(fresh: str, output: str) -> None:
    """Put the directory ``fresh`` where ``output`` is (an old ``output`` is removed)."""
    old = None
    if os.path.exists(output):
        old = tempfile.mkdtemp(prefix=".skmixup-old-", dir=os.path.dirname(output))
        os.replace(output, os.path.join(old, "previous"))
    os.replace(fresh, output)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _kept_schema(schema, mixup, target: str | None):
    """The input's schema without the columns the estimator drops (kind ``drop``)."""
    import pyarrow as pa

    kinds = mixup.column_kinds_
    fields = [field for field in schema if field.name == target or kinds.get(field.name) != DROP]
    return pa.schema(fields, metadata=schema.metadata)


def _soft_label_names(target: str, classes) -> list[str]:
    return [f"{target}_{label}" for label in classes]


def _soft_label_schema(schema, target: str, classes):
    import pyarrow as pa

    names = _soft_label_names(target, classes)
    taken = [name for name in names if name in schema.names]
    if taken:
        raise UsageError(
            f"--label-mixing soft writes one score column per class, but {taken[0]!r} is already a column"
        )
    position = schema.get_field_index(target)
    fields = list(schema)
    fields[position : position + 1] = [pa.field(name, pa.float64()) for name in names]
    return pa.schema(fields, metadata=schema.metadata)


def _with_labels(X: pd.DataFrame, labels, target: str, columns: list[str], classes) -> pd.DataFrame:
    """The synthetic frame with its labels where the target column was."""
    position = columns.index(target)
    X = X.reset_index(drop=True)
    if classes is None:
        X.insert(position, target, pd.Series(labels).reset_index(drop=True))
        return X
    scores = pd.DataFrame(np.asarray(labels, dtype=np.float64), columns=_soft_label_names(target, classes))
    return pd.concat([X.iloc[:, :position], scores, X.iloc[:, position:]], axis=1)


def oversample(arguments: argparse.Namespace) -> int:
    """``skmixup oversample IN --target COL -o OUT``."""
    io.require_pyarrow()
    check_output(arguments.output)
    weights_from(arguments)
    with progress(3, unit="steps", description="reading", quiet=arguments.quiet) as bar:
        table = read(arguments.input)
        target = arguments.target
        check_columns(table, arguments.input, "--target", [target])
        kinds = column_kinds(arguments, table, arguments.input)
        mixup = estimator_from(arguments, kinds, sampling_strategy=arguments.sampling_strategy)
        X, y = split_target(io.to_pandas(table), target)
        bar.update()
        bar.set_description("over-sampling")
        with library_errors():
            X_resampled, y_resampled = mixup.fit_resample(X, y)
        bar.update()
        bar.set_description("writing")
        schema = _kept_schema(table.schema, mixup, target)
        new_rows = _with_labels(
            X_resampled.iloc[len(X) :], y_resampled.iloc[len(y) :], target, schema.names, None
        )
        with writing(arguments.output), io.TableWriter(arguments.output, schema) as writer:
            writer.write(table.select(schema.names))  # the originals as read, untouched
            writer.write(io.from_pandas(new_rows, schema))
        bar.update()
    return 0


def report(arguments: argparse.Namespace) -> int:
    """``skmixup report REAL SYNTHETIC [--holdout FILE] -o OUT``."""
    io.require_pyarrow()
    check_output(arguments.output, _HTML_EXTENSIONS)
    try:
        from ..diagnostics import html_report
    except ImportError:
        raise UsageError(
            "this version of skmixup has no HTML report (skmixup.diagnostics.html_report)"
        ) from None
    paths = [arguments.real, arguments.synthetic] + ([arguments.holdout] if arguments.holdout else [])
    with progress(len(paths) + 2, unit="steps", description="reading", quiet=arguments.quiet) as bar:
        tables = []
        for path in paths:
            tables.append(read(path))
            bar.update()
        kinds = column_kinds(arguments, tables[0], arguments.real)
        frames = [io.to_pandas(table) for table in tables]
        bar.set_description("comparing")
        with library_errors():
            page = html_report(
                frames[0],
                frames[1],
                holdout=frames[2] if arguments.holdout else None,
                title=arguments.title,
                column_kinds=kinds,
            )
        bar.update()
        bar.set_description("writing")
        with (
            writing(arguments.output),
            io.replacing(arguments.output) as temporary,
            open(temporary, "w", encoding="utf-8") as out,
        ):
            out.write(page)
        bar.update()
    return 0


def demo(arguments: argparse.Namespace) -> int:
    """``skmixup demo``."""
    from ._demo import demo as run_demo

    run_demo(rounds=arguments.rounds, n_samples=arguments.n_samples, seed=arguments.seed)
    return 0
