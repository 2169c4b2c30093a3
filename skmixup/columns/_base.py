"""The handler interface every column kind implements, and the helpers they share."""

from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.api import types as pdt

CONTINUOUS = "continuous"
CATEGORICAL = "categorical"
IDENTIFIER = "identifier"
DROP = "drop"
KINDS = (CONTINUOUS, CATEGORICAL, IDENTIFIER, DROP)

_INT64 = np.iinfo(np.int64)
_NAT = _INT64.min  # the int64 that numpy and pandas use for NaT
_OBJECT_NUMBERS = frozenset({"integer", "floating", "mixed-integer-float"})
_OBJECT_LABELS = frozenset({"string", "bytes", "boolean", "empty"})


def _describe(name) -> str:
    return f"Column {name!r}"


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

    Decoding goes through :meth:`exact`, which puts mixed values where the
    column's dtype (and, when learnt, its value grid) can hold them, then
    builds the column from those values.

    Attributes
    ----------
    observed_min, observed_max : float
        Smallest and largest encoded value seen in ``fit`` (``NaN`` if the
        column was entirely missing).
    grid_step : float or None
        The spacing, in encoded units, of the grid the fitted values lie on
        (1 for integers, 0.01 for prices in cents, 86400 for dates held in
        seconds...), or None for full-precision floats.
    discrete : bool
        Set by :class:`~skmixup.columns.TableCodec` for grid columns with so
        few levels that rounding would distort them: such a column takes the
        value of the kept parent instead of being mixed.
    """

    kind = CONTINUOUS
    grid_step: float | None = None
    discrete = False
    #: Whether ``fit`` learns the grid of the values (set by the codec before fitting).
    learn_grid = True

    def fit(self, column: pd.Series) -> _ContinuousHandler:
        self._observe(self._fit_encode(_as_series(column)))
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

    def exact(self, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The values decoding gives, in a comparable numeric form, and the missing mask.

        Two encoded values decode to the same value iff their ``exact``
        forms are equal (missing aside).  ``values`` (float64, 1-D) may be
        modified in place.
        """
        raise NotImplementedError

    def _build(self, values: np.ndarray, missing: np.ndarray) -> pd.Series:
        """The column of the fitted dtype from :meth:`exact`'s output."""
        raise NotImplementedError

    def _decode(self, values):
        return self._build(*self.exact(values))

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

    def _refuse_missing(self, missing: np.ndarray) -> None:
        if missing.any():
            raise ValueError(
                f"{_describe(self.name)} has dtype {self.dtype}, which cannot hold missing values, "
                "but the values to decode contain NaN."
            )


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
