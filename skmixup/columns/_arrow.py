"""pandas columns backed by Arrow (``pd.ArrowDtype``): their family, values and rebuilding.

pyarrow is imported only here and only when a column has an Arrow dtype,
which pandas cannot make without pyarrow installed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# The families of Arrow types a handler knows; anything else is refused by name.
FLOAT, INTEGER, BOOLEAN, STRING, BINARY, DICTIONARY = (
    "float",
    "integer",
    "bool",
    "string",
    "binary",
    "dictionary",
)
TIMESTAMP, DATE, DURATION, TIME, DECIMAL, NULL = "timestamp", "date", "duration", "time", "decimal", "null"


def arrow_type(dtype):
    """The ``pyarrow.DataType`` of an Arrow-backed pandas dtype, else None."""
    return dtype.pyarrow_dtype if isinstance(dtype, pd.ArrowDtype) else None


def family(pa_type) -> str | None:
    """Which family of Arrow types ``pa_type`` belongs to (None: not supported)."""
    import pyarrow as pa

    checks = (
        (pa.types.is_floating, FLOAT),
        (pa.types.is_integer, INTEGER),
        (pa.types.is_boolean, BOOLEAN),
        (lambda t: pa.types.is_string(t) or pa.types.is_large_string(t) or _is_view(t, "string"), STRING),
        (lambda t: pa.types.is_binary(t) or pa.types.is_large_binary(t) or _is_view(t, "binary"), BINARY),
        (pa.types.is_dictionary, DICTIONARY),
        (pa.types.is_timestamp, TIMESTAMP),
        (pa.types.is_date, DATE),
        (pa.types.is_duration, DURATION),
        (pa.types.is_time, TIME),
        (pa.types.is_decimal, DECIMAL),
        (pa.types.is_null, NULL),
    )
    return next((name for check, name in checks if check(pa_type)), None)


def _is_view(pa_type, what: str) -> bool:
    import pyarrow as pa

    check = getattr(pa.types, f"is_{what}_view", None)
    return bool(check is not None and check(pa_type))


def array(column: pd.Series):
    """The column's data as one contiguous ``pyarrow.Array`` (no copy unless chunked)."""
    import pyarrow as pa

    data = pa.array(column.array)
    if isinstance(data, pa.ChunkedArray):
        if pa.types.is_dictionary(data.type):
            data = data.unify_dictionaries()
        data = data.combine_chunks() if data.num_chunks != 1 else data.chunk(0)
    return data


def computable(column: pd.Series) -> pd.Series:
    """The column with view types (``string_view``) cast to their large type, halffloats to float32.

    pandas and pyarrow have no sorting, hashing or factorising kernels for
    view types nor halffloats; the wider types hold the same values.
    """
    pa_type = arrow_type(column.dtype)
    if pa_type is None:
        return column
    import pyarrow as pa

    if _is_view(pa_type, "string") or _is_view(pa_type, "binary"):
        wider = pa.large_string() if _is_view(pa_type, "string") else pa.large_binary()
    elif pa.types.is_float16(pa_type):
        wider = pa.float32()
    else:
        return column
    return series(array(column).cast(wider), column.name)


def ints_and_missing(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """The physical integer values (int64) of an Arrow column, and its null mask."""
    import pyarrow as pa

    data = array(column)
    missing = data.is_null().to_numpy(zero_copy_only=False)
    storage = pa.int32() if getattr(data.type, "bit_width", 64) == 32 else pa.int64()
    ints = data.cast(storage).fill_null(0).to_numpy(zero_copy_only=False)
    return np.asarray(ints, dtype=np.int64), np.asarray(missing, dtype=bool)


def from_numpy(values: np.ndarray, missing: np.ndarray | None, pa_type):
    """A ``pyarrow.Array`` of ``pa_type`` from numpy values and a null mask."""
    import pyarrow as pa

    mask = missing if missing is not None and missing.any() else None
    return pa.array(values, mask=mask, type=pa_type)


def from_ints(ints: np.ndarray, missing: np.ndarray, pa_type):
    """An Arrow temporal array (timestamp, date, time, duration) from its physical integers."""
    import pyarrow as pa

    storage = pa.int32() if pa_type.bit_width == 32 else pa.int64()
    return from_numpy(ints.astype(storage.to_pandas_dtype(), copy=False), missing, storage).cast(pa_type)


def series(data, name) -> pd.Series:
    """A pandas Series backed by the Arrow array ``data``."""
    return pd.Series(pd.arrays.ArrowExtensionArray(data), name=name, copy=False)
