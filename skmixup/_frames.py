"""Tables from any dataframe library in, the same library out.

The column handlers work on pandas columns, with numpy or Arrow dtypes.  A
table of another eager dataframe library that narwhals supports (polars, a
``pyarrow.Table``, modin, cuDF...) comes in through Arrow as a pandas frame
with Arrow dtypes, zero-copy for most types, and goes back the same way:
built by narwhals in the caller's library, then cast to the caller's own
schema (so that a polars ``Enum`` or ``Categorical`` comes back as itself).
pandas frames, numpy arrays and lists pass through untouched.

narwhals (and pyarrow, which the Arrow route needs) are optional: they are
imported only when such a table is given.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["ForeignTable", "from_native"]

_FOREIGN_MODULES = ("polars", "pyarrow", "modin", "cudf", "dask", "pyspark", "duckdb", "ibis")
_INSTALL = 'pip install "skmixup[polars]"'


def _is_foreign(obj) -> bool:
    """Whether ``obj`` is a table or column of a dataframe library other than pandas."""
    if isinstance(obj, pd.DataFrame | pd.Series | np.ndarray | list | tuple) or obj is None:
        return False
    module = type(obj).__module__.split(".")[0]
    return module in _FOREIGN_MODULES or hasattr(obj, "__narwhals_dataframe__")


def _narwhals():
    try:
        import narwhals.stable.v2 as nw
    except ImportError:
        try:
            import narwhals.stable.v1 as nw
        except ImportError:
            raise ImportError(
                f"Tables of other dataframe libraries than pandas (polars, pyarrow...) need narwhals and "
                f"pyarrow: {_INSTALL}."
            ) from None
    return nw


def _large_types(table):
    """``table`` with view types (polars' ``string_view``) cast to large ones, which pandas handles."""
    import pyarrow as pa

    def widen(pa_type):
        if hasattr(pa.types, "is_string_view") and pa.types.is_string_view(pa_type):
            return pa.large_string()
        if hasattr(pa.types, "is_binary_view") and pa.types.is_binary_view(pa_type):
            return pa.large_binary()
        return pa_type

    schema = pa.schema([field.with_type(widen(field.type)) for field in table.schema])
    return table if schema.equals(table.schema) else table.cast(schema)


class ForeignTable:
    """A foreign table as a pandas frame, and the way back to its library.

    Parameters
    ----------
    native : DataFrame or Series of a library narwhals supports

    Attributes
    ----------
    frame : pandas DataFrame or Series
        The data, with Arrow dtypes.
    """

    def __init__(self, native):
        nw = _narwhals()
        try:
            wrapped = nw.from_native(native, eager_only=True, allow_series=True)
        except TypeError as error:
            raise TypeError(
                f"Expected a table (a pandas, polars or other eager dataframe, or an array); got "
                f"{type(native).__module__}.{type(native).__name__} ({error})."
            ) from None
        self._nw = nw
        self._implementation = wrapped.implementation
        self.is_series = isinstance(wrapped, nw.Series)
        if self.is_series:
            self._name, self._dtype = wrapped.name, wrapped.dtype
            import pyarrow as pa

            table = _large_types(pa.table({"values": wrapped.to_arrow()}))
            data = table.column(0)
            self.frame = pd.Series(pd.arrays.ArrowExtensionArray(data), name=self._name, copy=False)
        else:
            self._schema = dict(wrapped.schema)
            table = _large_types(wrapped.to_arrow())
            self.frame = table.to_pandas(types_mapper=pd.ArrowDtype)

    def to_native(self, data):
        """A pandas frame (or Series) in the caller's library, cast to the caller's schema.

        Columns that are not in the caller's schema keep the type Arrow gives them.
        """
        import pyarrow as pa

        nw = self._nw
        if isinstance(data, pd.Series):
            name = self._name if self._name is not None else data.name
            table = pa.Table.from_pandas(data.to_frame(name="values"), preserve_index=False)
            column = nw.from_arrow(table, backend=self._implementation)["values"]
            column = column.alias(name) if name is not None else column
            return (column.cast(self._dtype) if column.dtype != self._dtype else column).to_native()
        table = pa.Table.from_pandas(data, preserve_index=False)
        if self._implementation is nw.Implementation.POLARS:
            import polars as pl

            # narwhals builds it with pl.DataFrame, which copies every column into one chunk
            # (70 ms for fit_resample's 1.8e6 x 25 output); polars' from_arrow keeps the chunks
            # (the originals' buffers, then the new rows), as pl.concat(rechunk=False) would.
            frame = nw.from_native(pl.from_arrow(table, rechunk=False), eager_only=True)
        else:
            frame = nw.from_arrow(table, backend=self._implementation)
        # Columns by position: polars reads a name such as "*" or "^x$" as a wildcard or a regex.
        casts = [
            nw.nth(position).cast(self._schema[name])
            for position, (name, dtype) in enumerate(frame.schema.items())
            if name in self._schema and dtype != self._schema[name]
        ]
        return (frame.with_columns(*casts) if casts else frame).to_native()


def from_native(obj) -> tuple[object, ForeignTable | None]:
    """``obj`` as pandas (or as it is), and the :class:`ForeignTable` that brings results back.

    Returns ``(obj, None)`` for pandas, numpy, lists and None.
    """
    if not _is_foreign(obj):
        return obj, None
    foreign = ForeignTable(obj)
    return foreign.frame, foreign
