"""Column kinds: detect them, encode columns to arrays, decode mixed arrays back.

Mixing works on two numeric arrays: the *continuous* columns as float64
(``NaN`` = missing) and the *categorical* columns as integer codes
(``0 .. n_categories - 1``, ``-1`` = missing) of the smallest signed dtype
that holds every column's number of categories (``int8`` up to 127).  Each column gets one small
fitted handler with the same interface (``fit`` / ``encode`` / ``decode``),
and :class:`TableCodec` composes them for a whole table, returning the same
container, column labels and dtypes it was fitted on.

Detection (``categorical_features="auto"``)
-------------------------------------------

=========================================================  ===========  ====================================
dtype of the column                                        kind         encoded as
=========================================================  ===========  ====================================
float16/32/64, nullable ``Float32`` / ``Float64``          continuous   the values
int / uint of any width, nullable ``Int8`` .. ``UInt64``   continuous   the values
``datetime64``, naive or tz-aware, unit s / ms / us / ns   continuous   offset from the middle of the
                                                                        observed range, in that unit
``timedelta64``, any unit                                  continuous   offset, as for datetimes
object holding only numbers (ints and / or floats)         continuous   the values
bool, nullable ``boolean``                                 categorical  codes of the sorted values seen
``category`` (ordered or not)                              categorical  the dtype's own codes
string (``"str"``, ``"string"``)                           categorical  codes of the sorted values seen
object holding only strings (or only bytes, or bools)      categorical  codes of the sorted values seen
``period``, ``interval``                                   categorical  codes of the sorted values seen
=========================================================  ===========  ====================================

A numeric numpy array is therefore all-continuous (a bool array
all-categorical); an object array is typed column by column from its values,
and a string array is categorical.  A ``category`` column keeps every
category, used or not, their order and the ``ordered`` flag.  Other
categorical columns have as categories the distinct values seen in ``fit``,
sorted.

Sparse pandas columns are typed and mixed by their dense values and come
back with their ``SparseDtype``.

Missing values (``NaN``, ``None``, ``pd.NA``, ``NaT``) are allowed in every
kind and come back as the dtype's own missing value: ``NaN`` for numpy
floats, ``pd.NA`` for nullable dtypes, ``NaT`` for datetimes and, for object
columns, the first missing object seen in ``fit`` (an object column mixing
``None`` and ``NaN`` comes back with only one of them).

A column that is **entirely missing** is kept, not rejected: a float one is
continuous (all ``NaN``, ``observed_min``/``observed_max`` are ``NaN``), any
other one is categorical with zero categories (all codes ``-1``); both
decode to all-missing with their original dtype.

``categorical_features`` may instead list the categorical columns, as in
imbalanced-learn's ``SMOTENC`` (positions, a boolean mask or column names);
every column not listed must then be able to be continuous.
``column_kinds`` overrides single columns last.  Forcing a column
categorical always works (even an object column mixing strings and
numbers); forcing it continuous needs numbers, bools (mixed as 0/1),
datetimes or timedeltas.

Precision and decoding.  Continuous values are float64, so integers beyond
2**53 lose their last bits.  Datetimes and timedeltas are offsets from a
reference learned in ``fit``, which keeps every value exact as long as the
observed range spans less than 2**54 units (about 208 days in ns, 570 years
in us).  The mixer may extrapolate, so decoding rounds integer, bool and
datetime columns with ``np.rint`` and clips them to what the dtype can
represent (``uint8`` to [0, 255], bools to [0, 1], int64 to the largest
float64 below 2**63); float32 and float16 columns are clipped to their
finite range.

Rejected, with a ``TypeError`` / ``ValueError`` naming the column: complex
numbers, object columns mixing kinds of values (strings and numbers, say)
or holding other values (datetimes, decimals...), ``inf`` in
a continuous column, duplicate column labels, an empty table (0 rows or 0
columns), overrides naming a missing column or an unknown kind, ``encode``
input whose columns differ from ``fit`` or that holds unseen categories,
and ``decode`` input of the wrong shape or with codes out of range.

The caller's data is never modified: ``encode`` returns fresh arrays and
``decode`` fresh columns, sharing no memory with its input.
"""

from __future__ import annotations

from collections.abc import Mapping
from numbers import Integral

import numpy as np
import pandas as pd
from pandas.api import types as pdt

__all__ = [
    "CATEGORICAL",
    "CONTINUOUS",
    "CategoricalHandler",
    "CategoryDtypeHandler",
    "ColumnHandler",
    "DatetimeHandler",
    "FloatHandler",
    "IntegerHandler",
    "ObjectNumberHandler",
    "TableCodec",
    "TimedeltaHandler",
    "column_handler",
]

CONTINUOUS = "continuous"
CATEGORICAL = "categorical"
KINDS = (CONTINUOUS, CATEGORICAL)

_INT64 = np.iinfo(np.int64)
_NAT = _INT64.min  # the int64 that numpy and pandas use for NaT
_OBJECT_NUMBERS = frozenset({"integer", "floating", "mixed-integer-float"})
_DECODE_GROUP = 4  # columns transposed together when decoding
_OBJECT_LABELS = frozenset({"string", "bytes", "boolean", "empty"})


def _describe(name) -> str:
    return f"Column {name!r}"


def _float_bounds(low: int, high: int) -> tuple[float, float]:
    """Floats inside ``[low, high]`` (integers) as close to them as possible."""
    float_low, float_high = float(low), float(high)
    if int(float_low) < low:
        float_low = float(np.nextafter(float_low, np.inf))
    if int(float_high) > high:
        float_high = float(np.nextafter(float_high, -np.inf))
    return float_low, float_high


def _transposed(values: np.ndarray, block: int = 1024) -> np.ndarray:
    """A C-contiguous copy of ``values.T``.

    Copied in blocks that fit in cache: for a tall (n, p) table this is about
    three times faster than ``np.ascontiguousarray(values.T)``, and each
    column becomes one contiguous row.
    """
    rows, cols = values.shape
    out = np.empty((cols, rows), dtype=values.dtype)
    if not values.size:
        return out
    if rows >= cols:
        for start in range(0, rows, block):
            out[:, start : start + block] = values[start : start + block].T
    else:
        for start in range(0, cols, block):
            out[start : start + block] = values[:, start : start + block].T
    return out


def _stacked(columns: list[np.ndarray], n_rows: int, dtype, block: int = 4096) -> np.ndarray:
    """``np.stack(columns, axis=1)`` as a fresh C-contiguous array of ``dtype``.

    A block of rows of every column is gathered into a small buffer, one
    contiguous copy per column, and written out transposed: every write
    stays in cache, which is several times faster than ``np.stack``'s
    strided writes into a tall table.
    """
    out = np.empty((n_rows, len(columns)), dtype=dtype)
    if not columns:
        return out
    buffer = np.empty((len(columns), min(block, n_rows)), dtype=dtype)
    for start in range(0, n_rows, block):
        stop = min(start + block, n_rows)
        for k, column in enumerate(columns):
            buffer[k, : stop - start] = column[start:stop]
        out[start:stop] = buffer[:, : stop - start].T
    return out


def _is_object(dtype) -> bool:
    return isinstance(dtype, np.dtype) and dtype.kind == "O"


def _as_series(column) -> pd.Series:
    """A Series for ``column`` without inferring a new dtype for object data."""
    if isinstance(column, pd.Series):
        return column
    values = np.asarray(column)
    if values.ndim != 1:
        raise ValueError(f"Expected a 1-D column (a pandas Series); got an array of shape {values.shape}.")
    if values.dtype.kind in "OUS":
        return pd.Series(values.astype(object, copy=False), dtype=object, copy=False)
    return pd.Series(values, copy=False)


def _object_values(column: pd.Series) -> str:
    """``pd.api.types.infer_dtype`` of an object column, skipping missing values."""
    return pdt.infer_dtype(column, skipna=True)


def _missing_marker(column: pd.Series, missing: np.ndarray | None = None):
    """The first missing object of an object column (``NaN`` if there is none).

    ``missing`` is ``column.isna()`` as an array, when the caller knows it.
    """
    missing = column.isna().to_numpy() if missing is None else missing
    return column.to_numpy()[missing.argmax()] if missing.any() else np.nan


# --------------------------------------------------------------------------- handlers


class ColumnHandler:
    """Encode one column to a numeric array and decode mixed values back.

    One fitted instance per column.  Subclasses implement ``_learn`` (what
    ``fit`` keeps beyond the name and dtype), ``_encode`` (which may return a
    view of the column's data; :meth:`encode` copies it), ``_prepare``
    (validates the values to decode) and ``_decode``.

    Attributes
    ----------
    kind : str
        :data:`CONTINUOUS` or :data:`CATEGORICAL`.
    name : hashable
        The column's label.
    dtype : dtype
        The column's dtype, restored by :meth:`decode`.
    """

    kind: str = ""
    _encoded_dtype: type = np.float64

    def __init__(self):
        self.name = None
        self.dtype = None

    def fit(self, column: pd.Series) -> ColumnHandler:
        """Learn what the column needs to be encoded and decoded.

        Parameters
        ----------
        column : pandas Series

        Returns
        -------
        self : ColumnHandler
        """
        self._fit_meta(_as_series(column))
        return self

    def _fit_meta(self, column: pd.Series) -> None:
        """Learn the name, the dtype and what decoding needs, but not the values' range."""
        self.name, self.dtype = column.name, column.dtype
        self._learn(column)

    def _fit_encode(self, column: pd.Series) -> np.ndarray:
        """:meth:`_fit_meta` then :meth:`_encode` (which may return a view of the column)."""
        self._fit_meta(column)
        return self._encode(column)

    def encode(self, column: pd.Series) -> np.ndarray:
        """The column as a fresh 1-D array.

        Parameters
        ----------
        column : pandas Series
            Values compatible with the fitted column (a continuous handler
            accepts any numbers, a categorical one only fitted categories).

        Returns
        -------
        ndarray
            float64 with ``NaN`` for missing (continuous), or int64 codes
            with ``-1`` for missing (categorical).
        """
        column = _as_series(column)
        return np.array(self._encode(column), dtype=self._encoded_dtype, copy=True)

    def decode(self, values: np.ndarray) -> pd.Series:
        """Turn (mixed) encoded values back into a column of the fitted dtype.

        Parameters
        ----------
        values : ndarray of shape (n,)
            Encoded values, as :meth:`encode` returns them.

        Returns
        -------
        pandas Series
            Named like the fitted column, with the fitted dtype and a
            ``RangeIndex``.
        """
        return self._decode(self._prepare(values, copy=True))

    def _prepare(self, values, copy: bool) -> np.ndarray:
        """Validated 1-D encoded values, copied if ``copy`` (``_decode`` may keep them)."""
        raise NotImplementedError

    def _decode(self, values: np.ndarray) -> pd.Series:
        raise NotImplementedError

    def _learn(self, column: pd.Series) -> None:
        pass

    def _encode(self, column: pd.Series) -> np.ndarray:
        raise NotImplementedError

    def _series(self, values) -> pd.Series:
        return pd.Series(values, dtype=self.dtype, name=self.name, copy=False)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, dtype={self.dtype})"


class _ContinuousHandler(ColumnHandler):
    """A column mixed as ``w·x_i + (1 - w)·x_j``.

    Attributes
    ----------
    observed_min, observed_max : float
        Smallest and largest encoded value seen in ``fit`` (``NaN`` if the
        column was entirely missing).
    """

    kind = CONTINUOUS

    def fit(self, column: pd.Series) -> _ContinuousHandler:
        super().fit(column)
        self._observe(self._encode(_as_series(column)))
        return self

    def _observe(self, values: np.ndarray) -> None:
        """Learn the observed range from the encoded values."""
        with np.errstate(invalid="ignore"):
            low, high = np.fmin.reduce(values), np.fmax.reduce(values)  # NaN only if all NaN
        self.observed_min, self.observed_max = float(low), float(high)

    def _prepare(self, values, copy):
        values = np.array(values, dtype=np.float64) if copy else np.asarray(values, dtype=np.float64)
        if values.ndim != 1:
            raise ValueError(
                f"{_describe(self.name)}: expected 1-D values to decode; got shape {values.shape}."
            )
        return values

    def _numbers(self, column: pd.Series) -> np.ndarray:
        """Any numeric column as float64 with NaN for missing; refuse inf."""
        dtype = column.dtype
        numeric = pdt.is_numeric_dtype(dtype) and not isinstance(dtype, pd.CategoricalDtype)
        if not numeric and not (_is_object(dtype) and _object_values(column) in _OBJECT_NUMBERS | {"empty"}):
            raise TypeError(
                f"{_describe(self.name)} is continuous and needs numbers to encode; got values of "
                f"dtype {dtype}."
            )
        if pdt.is_complex_dtype(dtype):
            raise TypeError(f"{_describe(self.name)} holds complex numbers, which cannot be mixed.")
        values = column.to_numpy(dtype=np.float64, na_value=np.nan)
        if np.isinf(values).any():
            raise ValueError(
                f"{_describe(self.name)} holds inf or -inf; continuous columns must be finite or "
                "missing (NaN). Replace them, e.g. with X.replace([np.inf, -np.inf], np.nan)."
            )
        return values

    def _rounded(self, values: np.ndarray, low: float, high: float) -> tuple[np.ndarray, np.ndarray]:
        """``rint`` then clip to ``[low, high]``; missing entries set to 0 and flagged."""
        rounded = np.clip(np.rint(values), low, high)
        missing = np.isnan(rounded)
        rounded[missing] = 0.0
        return rounded, missing

    def _refuse_missing(self, missing: np.ndarray) -> None:
        if missing.any():
            raise ValueError(
                f"{_describe(self.name)} has dtype {self.dtype}, which cannot hold missing values, "
                "but the values to decode contain NaN."
            )


class FloatHandler(_ContinuousHandler):
    """Float columns: numpy float16/32/64 and nullable ``Float32``/``Float64``."""

    def _encode(self, column):
        return self._numbers(column)

    def _decode(self, values):
        if isinstance(self.dtype, pd.api.extensions.ExtensionDtype):  # Float32 / Float64
            numpy_dtype = self.dtype.numpy_dtype
            missing = np.isnan(values)
            data = self._clip_to(values, numpy_dtype).astype(numpy_dtype)
            data[missing] = 0.0
            return self._series(pd.arrays.FloatingArray(data, missing))
        return self._series(self._clip_to(values, self.dtype).astype(self.dtype, copy=False))

    @staticmethod
    def _clip_to(values: np.ndarray, dtype) -> np.ndarray:
        if np.dtype(dtype).itemsize >= 8:
            return values
        info = np.finfo(dtype)
        return np.clip(values, float(info.min), float(info.max))


class IntegerHandler(_ContinuousHandler):
    """Integer columns (numpy or nullable, signed or not), and bools forced continuous.

    Decoding rounds with ``np.rint`` and clips to the dtype's range (bools to
    [0, 1]) before casting.
    """

    def _learn(self, column):
        numpy_dtype = np.dtype(getattr(self.dtype, "numpy_dtype", self.dtype))
        self._numpy_dtype = numpy_dtype
        self._nullable = isinstance(self.dtype, pd.api.extensions.ExtensionDtype)
        info = np.iinfo(numpy_dtype) if numpy_dtype.kind in "iu" else np.iinfo(np.uint8)
        high = 1 if numpy_dtype.kind == "b" else int(info.max)
        self._bounds = _float_bounds(int(info.min), high)

    def _encode(self, column):
        return self._numbers(column)

    def _decode(self, values):
        rounded, missing = self._rounded(values, *self._bounds)
        data = rounded.astype(self._numpy_dtype)
        if self._nullable:
            return self._series(self.dtype.construct_array_type()(data, missing))
        self._refuse_missing(missing)
        return self._series(data)


class ObjectNumberHandler(_ContinuousHandler):
    """Object columns holding numbers; decoded to Python ints (if all were ints) or floats."""

    def _learn(self, column):
        self._integral = _object_values(column) == "integer"
        self._missing = _missing_marker(column)

    def _encode(self, column):
        return self._numbers(column)

    def _decode(self, values):
        if self._integral:
            rounded, missing = self._rounded(values, *_float_bounds(_INT64.min, _INT64.max))
            data = rounded.astype(np.int64).astype(object)
        else:
            missing = np.isnan(values)
            data = values.astype(object)
        data[missing] = self._missing
        return self._series(data)


class _TemporalHandler(_ContinuousHandler):
    """Datetimes and timedeltas as float offsets from a fitted reference.

    The offsets count the column's own unit (s, ms, us or ns) from the
    middle of the observed range, so that float64 keeps the precision of
    values close to each other even when their distance from the epoch does
    not fit in 53 bits.

    Attributes
    ----------
    unit : str
        ``"s"``, ``"ms"``, ``"us"`` or ``"ns"``.
    reference : int
        The value (in ``unit`` since the epoch, or zero duration) that
        encodes to 0.
    """

    _numpy_kind = ""
    _numpy_name = ""
    _label = ""

    def _learn(self, column):
        self.unit = getattr(self.dtype, "unit", None) or np.datetime_data(self.dtype)[0]
        self.tz = getattr(self.dtype, "tz", None)
        ints = self._ints(column)
        present = ints != _NAT
        if present.any():
            low, high = int(ints[present].min()), int(ints[present].max())
            self.reference = low + (high - low) // 2
        else:
            self.reference = 0

    def _ints(self, column: pd.Series) -> np.ndarray:
        dtype = column.dtype
        accepted = pdt.is_datetime64_any_dtype if self._numpy_kind == "M" else pdt.is_timedelta64_dtype
        if not accepted(dtype):
            raise TypeError(f"{_describe(self.name)} is a {self._label} column; got values of dtype {dtype}.")
        if self._numpy_kind == "M" and (getattr(dtype, "tz", None) is None) != (self.tz is None):
            fitted = f"with time zone {self.tz}" if self.tz is not None else "naive (no time zone)"
            raise TypeError(f"{_describe(self.name)} was fitted {fitted}; got values of dtype {dtype}.")
        # aware datetimes come out in UTC; every unit is converted to the fitted one
        return column.to_numpy(dtype=f"{self._numpy_name}[{self.unit}]").view(np.int64)

    def _encode(self, column):
        ints = self._ints(column)
        values = (ints - self.reference).astype(np.float64)
        values[ints == _NAT] = np.nan
        return values

    def _decode(self, values):
        low, high = _float_bounds(_NAT + 1 - self.reference, _INT64.max - self.reference)
        rounded, missing = self._rounded(values, low, high)
        ints = rounded.astype(np.int64) + self.reference
        ints[missing] = _NAT
        series = pd.Series(ints.view(f"{self._numpy_name}[{self.unit}]"), name=self.name, copy=False)
        if self.tz is not None:
            series = series.dt.tz_localize("UTC").dt.tz_convert(self.tz)
        return series


class DatetimeHandler(_TemporalHandler):
    """``datetime64`` columns, naive or tz-aware, of any unit; time zone and unit survive."""

    _numpy_kind = "M"
    _numpy_name = "datetime64"
    _label = "datetime"


class TimedeltaHandler(_TemporalHandler):
    """``timedelta64`` columns of any unit."""

    _numpy_kind = "m"
    _numpy_name = "timedelta64"
    _label = "timedelta"


class _CategoricalHandler(ColumnHandler):
    """A column whose synthetic value is the category of one parent.

    Attributes
    ----------
    categories : pandas Index
        The category values; code ``k`` stands for ``categories[k]``.
    n_categories : int
        ``len(categories)``.
    """

    kind = CATEGORICAL
    _encoded_dtype = np.int64

    @property
    def n_categories(self) -> int:
        return len(self.categories)

    def _prepare(self, values, copy):
        codes = np.asarray(values)
        if codes.ndim != 1:
            raise ValueError(
                f"{_describe(self.name)}: expected 1-D codes to decode; got shape {codes.shape}."
            )
        if codes.dtype.kind not in "iu" and codes.size:
            raise TypeError(
                f"{_describe(self.name)}: codes to decode must be integers; got dtype {codes.dtype}."
            )
        # Signed codes are decoded as they are: a table's codes are often int8.
        codes = codes.astype(np.int64 if codes.dtype.kind == "u" else codes.dtype, copy=copy)
        if codes.size and (codes.min() < -1 or codes.max() >= self.n_categories):
            raise ValueError(
                f"{_describe(self.name)} has {self.n_categories} categories: codes must lie in "
                f"[-1, {self.n_categories - 1}]; got values in [{codes.min()}, {codes.max()}]."
            )
        return codes

    def _unseen(self, column: pd.Series, codes: np.ndarray) -> None:
        unseen = (codes < 0) & column.notna().to_numpy()
        if unseen.any():
            examples = list(pd.unique(column[unseen].to_numpy())[:5])
            raise ValueError(f"{_describe(self.name)} holds values that were not seen in fit: {examples!r}.")


class CategoryDtypeHandler(_CategoricalHandler):
    """``category`` columns: codes follow the dtype's categories and order.

    Unused categories, their order and the ``ordered`` flag all survive
    decoding.
    """

    def _learn(self, column):
        self.categories = self.dtype.categories

    def _encode(self, column):
        if column.dtype == self.dtype:
            return column.array.codes
        codes = self.categories.get_indexer(column)
        self._unseen(column, codes)
        return codes

    def _decode(self, values):
        return self._series(pd.Categorical.from_codes(values, dtype=self.dtype))


class CategoricalHandler(_CategoricalHandler):
    """Any other categorical column: codes of its sorted distinct values.

    Bools, nullable booleans, strings, object labels, and every column forced
    categorical (numbers, datetimes...).  Values that cannot be sorted
    together (an object column mixing strings and numbers) are ordered as
    ``pd.factorize(..., sort=True)`` orders them.
    """

    def _learn(self, column):
        self._fit_encode(column)

    def _fit_encode(self, column):
        # Fitting and encoding share one factorisation, the costly part of both.
        self.name, self.dtype = column.name, column.dtype
        codes, self._uniques = self._factorize(column)
        try:
            self.categories = pd.Index(self._uniques, dtype=self._uniques.dtype, tupleize_cols=False)
        except NotImplementedError:  # float16 has no Index
            self.categories = pd.Index(self._uniques.astype(np.float32))
        self._missing = _missing_marker(column, codes < 0) if _is_object(self.dtype) else None
        return codes

    @staticmethod
    def _factorize(column: pd.Series):
        values = column.to_numpy() if isinstance(column.dtype, np.dtype) else column.array
        return pd.factorize(values, sort=True, use_na_sentinel=True)

    def _encode(self, column):
        codes, uniques = self._factorize(column)
        if len(uniques) == len(self._uniques) and np.array_equal(
            np.asarray(uniques, dtype=object), np.asarray(self._uniques, dtype=object)
        ):
            return codes
        mapping = np.append(self.categories.get_indexer(uniques), -1)
        codes = mapping[codes]
        self._unseen(column, codes)
        return codes

    def _decode(self, codes):
        missing = codes < 0
        if isinstance(self.dtype, np.dtype) and self.dtype.kind in "biu":
            self._refuse_missing(missing)
        if _is_object(self.dtype):
            if self.n_categories:
                data = self._uniques.take(np.where(missing, 0, codes))
            else:
                data = np.empty(len(codes), dtype=object)
            data[missing] = self._missing
        else:
            data = pd.api.extensions.take(self._uniques, codes, allow_fill=True)
        return self._series(data)

    def _refuse_missing(self, missing: np.ndarray) -> None:
        if missing.any():
            raise ValueError(
                f"{_describe(self.name)} has dtype {self.dtype}, which cannot hold missing values, "
                "but the codes to decode contain -1 (missing)."
            )


# --------------------------------------------------------------------------- detection


def _continuous_class(column: pd.Series, why: str = "is forced continuous") -> type[_ContinuousHandler]:
    """The continuous handler for a column, or a TypeError naming it."""
    dtype = column.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        family = None
    elif pdt.is_float_dtype(dtype):
        return FloatHandler
    elif pdt.is_integer_dtype(dtype) or pdt.is_bool_dtype(dtype):
        return IntegerHandler
    elif pdt.is_datetime64_any_dtype(dtype):
        return DatetimeHandler
    elif pdt.is_timedelta64_dtype(dtype):
        return TimedeltaHandler
    elif _is_object(dtype):
        family = _object_values(column)
        if family in _OBJECT_NUMBERS or family == "empty":
            return ObjectNumberHandler
    else:
        family = None
    values = f"values of type {family!r}" if family else f"dtype {dtype}"
    raise TypeError(
        f"{_describe(column.name)} {why} but holds {values}; continuous columns need numbers, "
        "bools, datetimes or timedeltas. Make it categorical (categorical_features / column_kinds) "
        "or convert it."
    )


def _check_supported(column: pd.Series) -> None:
    dtype = column.dtype
    if pdt.is_complex_dtype(dtype):
        raise TypeError(f"{_describe(column.name)} has complex dtype {dtype}, which cannot be mixed.")


def _detect_kind(column: pd.Series) -> str:
    """The kind of a column from its dtype (and, for object columns, its values)."""
    dtype = column.dtype
    name = _describe(column.name)
    if isinstance(dtype, pd.CategoricalDtype) or pdt.is_bool_dtype(dtype):
        return CATEGORICAL
    if pdt.is_float_dtype(dtype):
        return CONTINUOUS
    if pdt.is_integer_dtype(dtype) or pdt.is_datetime64_any_dtype(dtype) or pdt.is_timedelta64_dtype(dtype):
        return CONTINUOUS if column.notna().any() else CATEGORICAL
    if isinstance(dtype, pd.StringDtype | pd.PeriodDtype | pd.IntervalDtype):
        return CATEGORICAL
    if _is_object(dtype):
        family = _object_values(column)
        if family in _OBJECT_NUMBERS:
            return CONTINUOUS
        if family in _OBJECT_LABELS:
            return CATEGORICAL
        if family == "complex":
            raise TypeError(f"{name} holds complex numbers, which cannot be mixed.")
        if family.startswith("mixed"):
            raise TypeError(
                f"{name} is an object column mixing kinds of values ({family}: e.g. strings and "
                "numbers); expected only numbers (continuous) or only strings (categorical). Convert "
                "it (e.g. .astype(str)) or force it with column_kinds={...: 'categorical'}."
            )
        raise TypeError(
            f"{name} is an object column holding {family} values; expected only numbers (continuous) "
            "or only strings or bools (categorical). Convert it (e.g. pd.to_datetime, astype(float)) "
            "or force it with column_kinds={...: 'categorical'}."
        )
    raise TypeError(
        f"{name} has unsupported dtype {dtype}; expected numbers, bools, datetimes, timedeltas, "
        "strings or categories."
    )


def _make_handler(column: pd.Series, kind: str, why: str = "is forced continuous") -> ColumnHandler:
    """A handler of the kind for the column, knowing its name only, or a TypeError naming it."""
    _check_supported(column)
    if kind == CONTINUOUS:
        handler = _continuous_class(column, why)()
    elif isinstance(column.dtype, pd.CategoricalDtype):
        handler = CategoryDtypeHandler()
    else:
        handler = CategoricalHandler()
    handler.name = column.name  # for the errors raised before it is fitted
    return handler


def _check_kind(kind, name) -> str:
    if not (isinstance(kind, str) and kind in KINDS):
        raise ValueError(
            f"{_describe(name)}: the kind must be {CONTINUOUS!r} or {CATEGORICAL!r}; got {kind!r}."
        )
    return kind


def column_handler(column: pd.Series, kind: str | None = None) -> ColumnHandler:
    """A fitted handler for one column.

    Parameters
    ----------
    column : pandas Series or 1-D array-like
        The column (for example a target ``y``).
    kind : {"continuous", "categorical"} or None, default=None
        Forced kind; ``None`` detects it from the dtype as
        :mod:`skmixup.columns` describes.

    Returns
    -------
    ColumnHandler
        Fitted; ``handler.kind`` tells which kind was chosen.

    Examples
    --------
    >>> import pandas as pd
    >>> from skmixup.columns import column_handler
    >>> handler = column_handler(pd.Series(["b", "a", "b"], name="y"))
    >>> handler.kind, list(handler.categories), handler.encode(pd.Series(["b", "a", "b"])).tolist()
    ('categorical', ['a', 'b'], [1, 0, 1])
    """
    column = _as_series(column)
    _check_supported(column)
    kind = _detect_kind(column) if kind is None else _check_kind(kind, column.name)
    return _make_handler(column, kind).fit(column)


# --------------------------------------------------------------------------- table


class TableCodec:
    """Encode a table to a continuous and a categorical array, and decode back.

    Parameters
    ----------
    categorical_features : "auto", None or array-like, default="auto"
        ``"auto"`` (or ``None``) detects each column's kind from its dtype
        (see :mod:`skmixup.columns`).  Otherwise, as in imbalanced-learn's
        ``SMOTENC``: column positions, a boolean mask of length
        ``n_features`` or column names (DataFrame input) of the categorical
        columns; every other column is continuous and must be numeric
        (numbers, bools, datetimes, timedeltas).
    column_kinds : dict or None, default=None
        ``{column label: "continuous" | "categorical"}`` (positions for
        numpy input), applied last: it wins over ``categorical_features``.

    Attributes
    ----------
    feature_names : list
        Column labels (``0 .. p-1`` for arrays).
    kinds : dict
        ``{label: kind}`` in column order.
    continuous_indices, categorical_indices : ndarray of int
        Positions of the columns of each kind.
    handlers : list of ColumnHandler
        One fitted handler per column, in column order.
    continuous_handlers, categorical_handlers : list of ColumnHandler
        The handlers of each kind, in the order of :meth:`encode`'s columns.
    codes_dtype : numpy dtype
        The dtype of the categorical codes: the smallest of int8, int16,
        int32 and int64 that holds every column's number of categories.

    Examples
    --------
    >>> import pandas as pd
    >>> from skmixup.columns import TableCodec
    >>> X = pd.DataFrame({"age": [31, 45, 27], "city": pd.array(["Paris", "Lyon", None], dtype="string")})
    >>> codec = TableCodec().fit(X)
    >>> codec.kinds
    {'age': 'continuous', 'city': 'categorical'}
    >>> continuous, codes = codec.encode(X)
    >>> continuous.ravel().tolist(), codes.ravel().tolist()
    ([31.0, 45.0, 27.0], [1, 0, -1])
    >>> codec.decode(continuous + 0.4, codes[::-1])
       age   city
    0   31   <NA>
    1   45   Lyon
    2   27  Paris
    """

    def __init__(self, categorical_features="auto", column_kinds=None):
        self.categorical_features = categorical_features
        self.column_kinds = column_kinds

    def __repr__(self) -> str:
        return (
            f"TableCodec(categorical_features={self.categorical_features!r}, "
            f"column_kinds={self.column_kinds!r})"
        )

    # ---------------------------------------------------------------- input

    @staticmethod
    def _split(X) -> tuple[list[pd.Series], pd.Index | None, np.dtype | None]:
        """Columns of X as Series, plus the frame's columns or the array's dtype."""
        if isinstance(X, pd.DataFrame):
            if X.columns.has_duplicates:
                duplicated = list(dict.fromkeys(X.columns[X.columns.duplicated()]))
                raise ValueError(f"Column labels must be unique; duplicated: {duplicated!r}.")
            # Sparse columns are typed and mixed densely; decode makes them sparse again.
            columns = [X.iloc[:, k] for k in range(X.shape[1])]
            columns = [c.sparse.to_dense() if isinstance(c.dtype, pd.SparseDtype) else c for c in columns]
            return columns, X.columns, None
        if isinstance(X, pd.Series):
            raise TypeError("Expected a 2-D table (DataFrame or array); got a Series. Use X.to_frame().")
        array = np.asarray(X)
        if array.ndim != 2:
            raise ValueError(
                f"Expected a 2-D table (DataFrame or array); got an array of shape {array.shape}."
            )
        if array.dtype.kind in "OUS":
            as_object = array.astype(object, copy=False)
            columns = [
                pd.Series(as_object[:, k], dtype=object, name=k, copy=False) for k in range(array.shape[1])
            ]
        else:
            columns = [pd.Series(array[:, k], name=k, copy=False) for k in range(array.shape[1])]
        return columns, None, array.dtype

    def _kinds(self, columns: list[pd.Series], frame: bool) -> list[tuple[str, str]]:
        """(kind, reason) per column, from categorical_features then column_kinds."""
        names = [column.name for column in columns]
        features = self.categorical_features
        if features is None or (isinstance(features, str) and features == "auto"):
            listed = None
        else:
            listed = self._listed(features, names, frame)
        overrides = self.column_kinds or {}
        if not isinstance(overrides, Mapping):
            raise TypeError(
                "column_kinds must be None or a dict {column: 'continuous' | 'categorical'}; got "
                f"{type(overrides).__name__}."
            )
        known = set(names)
        for name, kind in overrides.items():
            if name not in known or isinstance(name, bool):
                what = "column labels" if frame else "column positions 0.." + str(len(names) - 1)
                raise ValueError(f"column_kinds names column {name!r}, which is not in X (expected {what}).")
            _check_kind(kind, name)
        kinds = []
        for position, column in enumerate(columns):
            if column.name in overrides:
                kinds.append((overrides[column.name], "is forced continuous by column_kinds"))
            elif listed is not None:
                kind = CATEGORICAL if position in listed else CONTINUOUS
                kinds.append((kind, "is not listed in categorical_features, so it must be continuous,"))
            else:
                _check_supported(column)
                kinds.append((_detect_kind(column), ""))
        return kinds

    @staticmethod
    def _listed(features, names: list, frame: bool) -> set[int]:
        """Positions of the columns that categorical_features lists."""
        n = len(names)
        if isinstance(features, str) or np.ndim(features) != 1:
            raise ValueError(
                f"categorical_features must be 'auto', column positions, a boolean mask or column "
                f"names; got {features!r} (wrap a single name or position in a list)."
            )
        values = list(features)
        if values and all(isinstance(v, bool | np.bool_) for v in values):
            if len(values) != n:
                raise ValueError(
                    f"The boolean mask categorical_features has length {len(values)} but X has {n} columns."
                )
            return {k for k, v in enumerate(values) if v}
        if all(isinstance(v, Integral) and not isinstance(v, bool | np.bool_) for v in values):
            positions = set()
            for v in values:
                if not -n <= v < n:
                    raise ValueError(
                        f"categorical_features lists column index {int(v)}, which does not exist: X has "
                        f"{n} columns (valid indices 0..{n - 1})."
                    )
                positions.add(int(v) % n)
            return positions
        if all(isinstance(v, str) for v in values):
            if not frame:
                raise ValueError(
                    f"categorical_features lists column names {values!r}, but X is an array without "
                    "column names; give positions or a boolean mask."
                )
            position = {name: k for k, name in enumerate(names)}
            missing = [v for v in values if v not in position]
            if missing:
                raise ValueError(f"categorical_features names columns {missing!r}, which are not in X.")
            return {position[v] for v in values}
        raise ValueError(
            "categorical_features must be 'auto', column positions, a boolean mask or column names "
            f"(not a mix); got {features!r}."
        )

    # ---------------------------------------------------------------- API

    def fit(self, X) -> TableCodec:
        """Detect the column kinds and fit one handler per column.

        Parameters
        ----------
        X : DataFrame or 2-D array of shape (n_samples, n_features)
            Any supported dtypes, object arrays included.

        Returns
        -------
        self : TableCodec
        """
        self.fit_encode(X)
        return self

    def fit_encode(
        self, X, *, copy: bool = True, observe_range: bool = True, rows: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """``fit(X)`` then ``encode(X)``, encoding each column once.

        Parameters
        ----------
        X : DataFrame or 2-D array of shape (n_samples, n_features)
        copy : bool, default=True
            False lets a float64 C-ordered array come back as itself instead
            of a copy (for callers that only read the encoded values).
        observe_range : bool, default=True
            False skips learning the continuous handlers' ``observed_min``
            and ``observed_max`` (two passes over the table), which are then
            left unset.
        rows : ndarray of int, default=None
            Fit the handlers on, and encode, only these rows (positions).
            Column kinds are still detected, and continuous columns still
            checked for ``inf``, on the whole table; categories are those
            seen in ``rows`` (enough to decode values mixed from them).

        Returns
        -------
        continuous, categorical : ndarrays
            As :meth:`encode` returns them.
        """
        columns, frame_columns, array_dtype = self._split(X)
        n_rows = len(columns[0]) if columns else 0
        if not columns or n_rows == 0:
            raise ValueError(f"Cannot fit on an empty table: X has {n_rows} rows and {len(columns)} columns.")
        kinds = self._kinds(columns, frame_columns is not None)
        self.handlers = [
            _make_handler(column, kind, why) for column, (kind, why) in zip(columns, kinds, strict=True)
        ]
        self.feature_names = [column.name for column in columns]
        self.kinds = {
            column.name: handler.kind for column, handler in zip(columns, self.handlers, strict=True)
        }
        all_kinds = np.array([handler.kind for handler in self.handlers])
        self.continuous_indices = np.flatnonzero(all_kinds == CONTINUOUS)
        self.categorical_indices = np.flatnonzero(all_kinds == CATEGORICAL)
        self.continuous_handlers = [self.handlers[k] for k in self.continuous_indices]
        self.categorical_handlers = [self.handlers[k] for k in self.categorical_indices]
        self._frame_columns = frame_columns.copy() if frame_columns is not None else None
        self._sparse_dtypes = (
            {k: dtype for k, dtype in enumerate(X.dtypes) if isinstance(dtype, pd.SparseDtype)}
            if isinstance(X, pd.DataFrame)
            else {}
        )
        self._array_dtype = array_dtype
        if rows is not None:
            self._refuse_inf(X, columns)
            X = X.iloc[rows] if frame_columns is not None else np.asarray(X)[rows]
            columns = self._split(X)[0]
        continuous, categorical = self._encode_columns(X, columns, copy=copy, fit=True)
        if not observe_range:
            return continuous, categorical
        with np.errstate(invalid="ignore"):
            low, high = np.fmin.reduce(continuous, axis=0), np.fmax.reduce(continuous, axis=0)
        for handler, observed_min, observed_max in zip(self.continuous_handlers, low, high, strict=True):
            handler.observed_min, handler.observed_max = float(observed_min), float(observed_max)
        return continuous, categorical

    def _check_fitted(self) -> None:
        if not hasattr(self, "handlers"):
            raise RuntimeError("This TableCodec is not fitted yet; call fit(X) first.")

    def encode(self, X) -> tuple[np.ndarray, np.ndarray]:
        """Encode a table with the fitted columns.

        Parameters
        ----------
        X : DataFrame or 2-D array
            Same columns as in ``fit`` (same labels in the same order, or the
            same width for arrays).  Any number of rows.

        Returns
        -------
        continuous : ndarray of float64, shape (n_samples, n_continuous)
            C-contiguous; ``NaN`` for missing.
        categorical : ndarray of int, shape (n_samples, n_categorical)
            Codes, ``-1`` for missing, of dtype :attr:`codes_dtype`.
        """
        self._check_fitted()
        columns, frame_columns, _ = self._split(X)
        if (frame_columns is None) != (self._frame_columns is None):
            fitted = "a DataFrame" if self._frame_columns is not None else "an array"
            raise ValueError(f"This TableCodec was fitted on {fitted}; got {type(X).__name__}.")
        if frame_columns is not None and not frame_columns.equals(self._frame_columns):
            expected, got = list(self._frame_columns), list(frame_columns)
            unknown = [c for c in got if c not in set(expected)]
            absent = [c for c in expected if c not in set(got)]
            raise ValueError(
                f"X has columns {got!r} but the codec was fitted on {expected!r}"
                + (f"; unexpected: {unknown!r}" if unknown else "")
                + (f"; missing: {absent!r}" if absent else "")
                + ("; same columns in another order" if not unknown and not absent else "")
                + "."
            )
        if len(columns) != len(self.handlers):
            raise ValueError(
                f"X has {len(columns)} columns but the codec was fitted on {len(self.handlers)}."
            )
        return self._encode_columns(X, columns)

    def _encode_columns(
        self, X, columns: list[pd.Series], copy: bool = True, fit: bool = False
    ) -> tuple[np.ndarray, np.ndarray]:
        """Encode the columns (``fit``: fitting their handlers first) into the two tables."""
        n_rows = len(columns[0])
        if self._is_numeric_array():
            if fit:
                for handler, column in zip(self.handlers, columns, strict=True):
                    handler._fit_meta(column)
            # A plain numeric array: one C-ordered float copy, not a column at a time.
            continuous = (np.array if copy else np.asarray)(X, dtype=np.float64, order="C")
            self._refuse_inf(continuous, columns)
            if fit:
                self.codes_dtype = np.dtype(np.int8)
            return continuous, np.empty((n_rows, 0), dtype=self.codes_dtype)

        def encoded(position: int) -> np.ndarray:
            handler, column = self.handlers[position], columns[position]
            return handler._fit_encode(column) if fit else handler._encode(column)

        continuous = [encoded(k) for k in self.continuous_indices]
        categorical = [encoded(k) for k in self.categorical_indices]
        if fit:
            # Small codes make the table, and every gather from it, several times smaller.
            most = max((handler.n_categories for handler in self.categorical_handlers), default=0)
            self.codes_dtype = next(
                np.dtype(dtype)
                for dtype in (np.int8, np.int16, np.int32, np.int64)
                if most <= np.iinfo(dtype).max
            )
        return _stacked(continuous, n_rows, np.float64), _stacked(categorical, n_rows, self.codes_dtype)

    def _refuse_inf(self, X, columns: list[pd.Series]) -> None:
        """Raise the encoding error, naming the column, if a continuous column holds inf."""
        if self._is_numeric_array():
            values = np.asarray(X)
            if values.dtype.kind == "f" and np.isinf(values).any():  # one pass over the whole array
                first = int(np.flatnonzero(np.isinf(values).any(axis=0))[0])
                self.handlers[first]._numbers(columns[first])
            return
        for k in self.continuous_indices:
            dtype = columns[k].dtype
            if pdt.is_float_dtype(dtype) or _is_object(dtype):  # no other dtype holds inf
                self.handlers[k]._numbers(columns[k])

    @property
    def decode_order(self) -> str:
        """The memory layout ("C" or "F") that :meth:`decode` turns into a table fastest."""
        self._check_fitted()
        return "C" if self._frame_columns is None else "F"

    @property
    def decode_is_identity(self) -> bool:
        """Whether :meth:`decode` returns the continuous values as they are (float64 arrays)."""
        self._check_fitted()
        return self._array_dtype == np.float64 and all(type(h) is FloatHandler for h in self.handlers)

    def _is_numeric_array(self) -> bool:
        """Fitted on a numeric ndarray whose columns are all plain numbers."""
        return (
            self._array_dtype is not None
            and self._array_dtype.kind in "fiu"
            and all(type(handler) in (FloatHandler, IntegerHandler) for handler in self.handlers)
        )

    def decode(self, continuous: np.ndarray, categorical: np.ndarray, *, copy: bool = True):
        """Build a table of the fitted container, labels and dtypes from encoded arrays.

        Parameters
        ----------
        continuous : ndarray of shape (n_samples, n_continuous)
            Float values, possibly outside the observed range.
        categorical : ndarray of int, shape (n_samples, n_categorical)
            Codes, ``-1`` for missing.  ``None`` is accepted when there is
            no categorical column (and likewise for ``continuous``).
        copy : bool, default=True
            False lets the result share memory with ``continuous`` where the
            dtype allows (a caller that hands over arrays it will not touch
            again, in the layout of :attr:`decode_order`, saves a copy).

        Returns
        -------
        DataFrame or ndarray
            A DataFrame with the fitted labels, order and dtypes and a fresh
            ``RangeIndex``; or an array of the fitted array's dtype.
        """
        self._check_fitted()
        n_continuous, n_categorical = len(self.continuous_indices), len(self.categorical_indices)
        continuous = self._block(continuous, n_continuous, "continuous", other=categorical)
        categorical = self._block(categorical, n_categorical, "categorical", other=continuous)
        if len(continuous) != len(categorical):
            raise ValueError(
                f"continuous has {len(continuous)} rows but categorical has {len(categorical)}; "
                "they must describe the same rows."
            )
        if self.decode_is_identity:
            return (np.array if copy else np.asarray)(continuous, dtype=np.float64, order="C")
        decoded = [None] * len(self.handlers)
        for indices, block in (
            (self.continuous_indices, continuous),
            (self.categorical_indices, categorical),
        ):
            if not copy and block.flags.f_contiguous:
                # Each column is contiguous already; decoding may keep it.
                for k, position in enumerate(indices):
                    handler = self.handlers[position]
                    decoded[position] = handler._decode(handler._prepare(block[:, k], copy=False))
                continue
            # A fresh contiguous row per column, which decoding may keep; a few
            # columns at a time, so the copy never holds the whole block.
            for group in range(0, len(indices), _DECODE_GROUP):
                rows = _transposed(block[:, group : group + _DECODE_GROUP])
                for k, position in enumerate(indices[group : group + _DECODE_GROUP]):
                    handler = self.handlers[position]
                    decoded[position] = handler._decode(handler._prepare(rows[k], copy=False))
        if self._frame_columns is None:
            rows = np.empty((len(decoded), len(continuous)), dtype=self._array_dtype)
            for k, column in enumerate(decoded):
                rows[k] = column.to_numpy()
            return _transposed(rows)
        for position, dtype in self._sparse_dtypes.items():
            decoded[position] = decoded[position].astype(dtype)
        frame = pd.DataFrame(dict(enumerate(decoded)), copy=False)
        frame.columns = self._frame_columns
        return frame

    @staticmethod
    def _block(values, width: int, label: str, other) -> np.ndarray:
        if values is None:
            if width:
                raise ValueError(f"The codec has {width} {label} columns; got None for them.")
            n_rows = 0 if other is None else len(other)
            return np.empty((n_rows, 0))
        values = np.asarray(values)
        if values.ndim != 2 or values.shape[1] != width:
            raise ValueError(
                f"Expected {label} values of shape (n_samples, {width}); got shape {values.shape}."
            )
        return values
