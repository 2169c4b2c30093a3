"""Tables as files: read and write CSV and Parquet through pyarrow.

The command line reads a file into an Arrow table, hands the estimator a
pandas frame made by :func:`to_pandas`, and casts what it gets back to the
input's Arrow schema with :func:`from_pandas` before writing it, so the
output has the input's columns, in its order, with its types.

Supported files, by extension (case-insensitive): ``.csv`` and ``.parquet``
or ``.pq``.  Parquet files carry their own types; CSV types are inferred by
pyarrow's reader (integers, floats, booleans ``true``/``false``, ISO dates
and timestamps, and text), and an empty cell is missing in every column.

pyarrow is an optional dependency: ``pip install "skmixup[cli]"``.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "FORMATS",
    "MissingDependencyError",
    "TableWriter",
    "file_format",
    "from_pandas",
    "read_table",
    "replacing",
    "require_pyarrow",
    "to_pandas",
    "write_table",
]

#: File extensions and the format each one means.
FORMATS: dict[str, str] = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}

_SUPPORTED = ", ".join(list(FORMATS)[:-1]) + " and " + list(FORMATS)[-1]
_INSTALL_HINT = 'pip install "skmixup[cli]"'


class MissingDependencyError(ImportError):
    """An optional dependency is not installed; the message says how to install it."""


def require_pyarrow():
    """pyarrow (with its CSV and Parquet modules), or a MissingDependencyError.

    Returns
    -------
    module
        ``pyarrow``.

    Raises
    ------
    MissingDependencyError
        An ``ImportError`` whose message says how to install pyarrow.

    Examples
    --------
    >>> from skmixup.io import require_pyarrow
    >>> require_pyarrow().__name__
    'pyarrow'
    """
    try:
        import pyarrow
        import pyarrow.csv
        import pyarrow.parquet
    except ImportError as error:
        raise MissingDependencyError(
            f"reading and writing CSV and Parquet files needs pyarrow, which is not installed: "
            f"{_INSTALL_HINT} (or pip install pyarrow)"
        ) from error
    return pyarrow


def file_format(path: str | os.PathLike) -> str:
    """The format of a file, ``"csv"`` or ``"parquet"``, from its extension.

    Parameters
    ----------
    path : str or path-like
        A file name ending in ``.csv``, ``.parquet`` or ``.pq``.

    Returns
    -------
    str
        ``"csv"`` or ``"parquet"``.

    Raises
    ------
    ValueError
        For any other extension, naming the supported ones.

    Examples
    --------
    >>> from skmixup.io import file_format
    >>> file_format("patients.CSV"), file_format("out/synthetic.pq")
    ('csv', 'parquet')
    """
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        found = f"unsupported file extension {suffix!r}" if suffix else "no file extension"
        raise ValueError(f"{os.fspath(path)}: {found}; supported extensions are {_SUPPORTED}")
    return FORMATS[suffix]


def read_table(path: str | os.PathLike) -> pa.Table:
    """Read a CSV or Parquet file into an Arrow table.

    A Parquet file written by pandas may store its row index as columns;
    those are dropped (row labels are not data to synthesise), and so is
    the pandas metadata that describes them.

    Parameters
    ----------
    path : str or path-like
        The file; its extension gives the format (see :func:`file_format`).
        A Parquet path may also be a directory of Parquet files (a dataset).

    Returns
    -------
    pyarrow.Table
        With column names checked to be unique.

    Raises
    ------
    ImportError
        If pyarrow is missing, saying how to install it.
    ValueError
        For an unsupported extension, a file pyarrow cannot parse
        (``pyarrow.ArrowInvalid`` is a ``ValueError``) or duplicate column
        names.
    OSError
        If the file cannot be opened.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from skmixup.io import read_table
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "small.csv"
    >>> _ = path.write_text("age,city\\n31,Lyon\\n,Nice\\n")
    >>> read_table(path).schema
    age: int64
    city: string
    """
    pa = require_pyarrow()
    kind = file_format(path)
    path = os.fspath(path)
    if kind == "csv":
        # Empty cells are missing in text columns too, as in pandas.read_csv.
        options = pa.csv.ConvertOptions(strings_can_be_null=True)
        table = pa.csv.read_csv(path, convert_options=options)
    else:
        table = pa.parquet.read_table(path)
    table = _without_pandas_index(table)
    seen: set[str] = set()
    for name in table.column_names:
        if name in seen:
            raise ValueError(f"column {name!r} appears more than once in {path}; column names must be unique")
        seen.add(name)
    return table


def _without_pandas_index(table: pa.Table) -> pa.Table:
    metadata = dict(table.schema.metadata or {})
    pandas_metadata = metadata.pop(b"pandas", None)
    if pandas_metadata is None:
        return table
    try:
        index_columns = json.loads(pandas_metadata).get("index_columns", [])
    except (ValueError, AttributeError):
        index_columns = []
    stored = [name for name in index_columns if isinstance(name, str) and name in table.column_names]
    return table.drop(stored).replace_schema_metadata(metadata or None)


def to_pandas(table: pa.Table) -> pd.DataFrame:
    """The pandas frame the estimator is given for an Arrow table.

    Every column keeps its Arrow type as a ``pandas.ArrowDtype``
    (``int64[pyarrow]``, ``string[pyarrow]``, ``date32[day][pyarrow]``...),
    nulls included, so nothing is converted on the way in and the estimator
    returns the same types.

    Parameters
    ----------
    table : pyarrow.Table
        As read by :func:`read_table`.

    Returns
    -------
    DataFrame
        One column per field, in the table's order.

    Examples
    --------
    >>> import pyarrow as pa
    >>> from skmixup.io import to_pandas
    >>> table = pa.table({"n": pa.array([1, None], pa.int32()), "s": ["a", None]})
    >>> to_pandas(table).dtypes.astype(str).tolist()
    ['int32[pyarrow]', 'string[pyarrow]']
    """
    return table.to_pandas(types_mapper=pd.ArrowDtype, ignore_metadata=True)


def from_pandas(frame: pd.DataFrame, schema: pa.Schema) -> pa.Table:
    """Cast a frame back to an Arrow schema (the inverse of :func:`to_pandas`).

    Columns are taken by name in the schema's order, and each is cast to
    its field's type with a safe cast: every value must fit exactly.  A
    numpy ``datetime64`` column cast to a date is first rounded to the
    nearest day (Arrow would truncate it).

    Parameters
    ----------
    frame : DataFrame
        Holding at least the schema's columns.
    schema : pyarrow.Schema
        The types to write.

    Returns
    -------
    pyarrow.Table
        With ``schema`` as its schema.

    Raises
    ------
    KeyError
        If a field of the schema is not a column of the frame.
    pyarrow.ArrowInvalid
        If a value does not fit its field's type.

    Examples
    --------
    >>> import pandas as pd, pyarrow as pa
    >>> from skmixup.io import from_pandas
    >>> schema = pa.schema([("day", pa.date32()), ("n", pa.int8())])
    >>> frame = pd.DataFrame({"n": [3, 4], "day": pd.to_datetime(["2024-01-01 13:00", "2024-01-02 00:00"])})
    >>> from_pandas(frame, schema).to_pydict()
    {'day': [datetime.date(2024, 1, 2), datetime.date(2024, 1, 2)], 'n': [3, 4]}
    """
    pa = require_pyarrow()
    arrays = []
    for field in schema:
        column = frame[field.name]
        if pa.types.is_date(field.type) and not isinstance(column.dtype, pd.ArrowDtype):
            column = column.dt.round("D")
        arrays.append(pa.array(column, from_pandas=True).cast(field.type))
    return pa.Table.from_arrays(arrays, schema=schema)


def _writable_schema(schema: pa.Schema, kind: str) -> pa.Schema:
    """The schema as the file stores it: CSV has no dictionary columns, only their values."""
    import pyarrow as pa

    if kind != "csv":
        return schema
    fields = [
        field.with_type(field.type.value_type) if pa.types.is_dictionary(field.type) else field
        for field in schema
    ]
    return pa.schema(fields, metadata=schema.metadata)


@contextmanager
def replacing(path: str | os.PathLike) -> Iterator[str]:
    """A temporary file that replaces ``path`` if, and only if, the block succeeds.

    The temporary file is made in the directory of ``path`` (so the final
    ``os.replace`` is atomic) and deleted if the block raises, so ``path``
    either keeps its old content or gets the complete new one.

    Parameters
    ----------
    path : str or path-like
        The file to write.

    Yields
    ------
    str
        The temporary file's path, to write to.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from skmixup.io import replacing
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "page.html"
    >>> with replacing(path) as temporary:
    ...     _ = pathlib.Path(temporary).write_text("<p>done</p>")
    >>> path.read_text()
    '<p>done</p>'
    """
    path = os.fspath(path)
    if os.path.isdir(path):
        raise IsADirectoryError(21, "Is a directory", path)
    directory = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=directory)
    os.close(handle)
    try:
        yield temporary
        # mkstemp makes the file private; the output gets the usual permissions.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


class TableWriter:
    """Write Arrow tables to a CSV or Parquet file, all or nothing.

    The rows go to a temporary file in the output's directory, which
    replaces ``path`` only when the ``with`` block ends without an
    exception; otherwise it is deleted, so no partial output is ever left
    under ``path`` (see :func:`replacing`).

    Parameters
    ----------
    path : str or path-like
        The output file; its extension gives the format.
    schema : pyarrow.Schema
        The schema of every table written.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import pyarrow as pa
    >>> from skmixup.io import TableWriter, read_table
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "rows.parquet"
    >>> schema = pa.schema([("x", pa.float64())])
    >>> with TableWriter(path, schema) as writer:
    ...     writer.write(pa.table({"x": [1.0, 2.0]}, schema=schema))
    ...     writer.write(pa.table({"x": [3.0]}, schema=schema))
    >>> read_table(path).num_rows
    3
    """

    def __init__(self, path: str | os.PathLike, schema: pa.Schema):
        self.path = os.fspath(path)
        self.kind = file_format(path)
        self.schema = _writable_schema(schema, self.kind)
        self._stack = ExitStack()
        self._writer = None

    def __enter__(self) -> TableWriter:
        pa = require_pyarrow()
        with ExitStack() as stack:
            temporary = stack.enter_context(replacing(self.path))
            if self.kind == "csv":
                self._writer = pa.csv.CSVWriter(temporary, self.schema)
            else:
                self._writer = pa.parquet.ParquetWriter(temporary, self.schema)
            self._stack = stack.pop_all()
        return self

    def write(self, table: pa.Table) -> None:
        """Append the rows of ``table`` (of the writer's schema, up to dictionaries)."""
        if self.kind == "csv":
            table = table.cast(self.schema)
        self._writer.write_table(table)

    def __exit__(self, exc_type, exc, traceback) -> bool:
        # Close the file before it replaces the output, or is deleted.
        try:
            self._writer.close()
        except BaseException:
            if exc_type is None:
                self._stack.__exit__(*sys.exc_info())
                raise
        return self._stack.__exit__(exc_type, exc, traceback)


def write_table(table: pa.Table, path: str | os.PathLike) -> None:
    """Write an Arrow table to a CSV or Parquet file, all or nothing.

    Parameters
    ----------
    table : pyarrow.Table
        The rows to write.
    path : str or path-like
        The output file; its extension gives the format.  Nothing is left
        under ``path`` if writing fails (see :class:`TableWriter`).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import pyarrow as pa
    >>> from skmixup.io import read_table, write_table
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "rows.csv"
    >>> write_table(pa.table({"x": [1, 2], "y": ["a", None]}), path)
    >>> print(path.read_text(), end="")
    "x","y"
    1,"a"
    2,
    """
    with TableWriter(path, table.schema) as writer:
        writer.write(table)
