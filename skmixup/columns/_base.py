"""The handler interface every column kind implements, and the helpers they share."""

from __future__ import annotations

import copy

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

    # -- Parts of a table: the Dask path fits one handler per partition, then merges them.

    def fit_part(self, column: pd.Series) -> ColumnHandler:
        """Fit on one part of a column and summarise it for :meth:`merge`.

        Parameters
        ----------
        column : pandas Series

        Returns
        -------
        self : ColumnHandler
        """
        column = _as_series(column)
        self.fit(column)
        self.summarize_part(column, None)
        return self

    def summarize_part(self, column: pd.Series, encoded: np.ndarray | None = None) -> None:
        """Record what :meth:`merge` needs beyond the fitted state (called right after fitting).

        Parameters
        ----------
        column : pandas Series
            The part of the column the handler was just fitted on.
        encoded : ndarray, default=None
            What fitting encoded it to (None for identifiers and dropped columns).
        """
        self.part_rows = len(column)
        self.part_missing = self._missing_count(column, encoded)

    def _missing_count(self, column: pd.Series, encoded: np.ndarray | None) -> int:
        return int(column.isna().sum())

    @property
    def part_present(self) -> int:
        """Present values in the part(s) this handler was fitted on."""
        return self.part_rows - self.part_missing

    def merge(self, others) -> ColumnHandler:
        """The handler that fitting the concatenated parts gives.

        ``self`` and every handler of ``others`` were fitted on consecutive parts
        of one column (in that order) and summarised by :meth:`summarize_part`;
        the result is summarised too, so merges can be chained or done as a tree.

        Parameters
        ----------
        others : sequence of ColumnHandler
            Handlers of the same class fitted on the following parts.

        Returns
        -------
        ColumnHandler
            A new handler; ``self`` and ``others`` are left as they are.

        Examples
        --------
        >>> import pandas as pd
        >>> from skmixup.columns import CategoricalHandler
        >>> first = CategoricalHandler().fit_part(pd.Series(["b", "a"], name="c"))
        >>> second = CategoricalHandler().fit_part(pd.Series(["c", "b", None], name="c"))
        >>> merged = first.merge([second])
        >>> list(merged.categories), merged.part_rows, merged.part_present
        (['a', 'b', 'c'], 5, 4)
        """
        parts = [self, *others]
        for other in parts[1:]:
            if type(other) is not type(self) or other.name != self.name:
                raise ValueError(
                    f"{_describe(self.name)}: cannot merge a {type(self).__name__} with a "
                    f"{type(other).__name__} of column {other.name!r}; the parts were typed differently."
                )
            self._check_part_dtype(other)
        merged = copy.copy(self)
        merged.part_rows = sum(part.part_rows for part in parts)
        merged.part_missing = sum(part.part_missing for part in parts)
        merged._merge_state(parts)
        return merged

    def _check_part_dtype(self, other: ColumnHandler) -> None:
        if other.dtype != self.dtype:
            raise ValueError(
                f"{_describe(self.name)} has dtype {self.dtype} in one part of the table and "
                f"{other.dtype} in another; cast it to one dtype before fitting."
            )

    def _merge_state(self, parts: list) -> None:
        """Set ``self`` (a copy of ``parts[0]``) to what fitting on all the parts gives."""

    @staticmethod
    def _first_missing_marker(parts: list):
        """The missing object the first part with a missing value saw (object columns)."""
        return next((part._missing for part in parts if part.part_missing), np.nan)


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

    # -- Parts of a table (see ColumnHandler.merge)

    def fit_part(self, column):
        column = _as_series(column)
        values = self._fit_encode(column)
        self._observe(values)
        self.summarize_part(column, values)
        return self

    def summarize_part(self, column, encoded=None, *, moments=None):
        """As :meth:`ColumnHandler.summarize_part`; ``moments`` (count, mean, sum of squared
        deviations) of the present encoded values, when the caller has them already."""
        if moments is None:
            present = encoded[~np.isnan(encoded)]
            mean = float(present.mean()) if present.size else 0.0
            moments = (present.size, mean, float(np.square(present - mean).sum()))
        self.part_rows = len(column)
        self.part_missing = len(column) - int(moments[0])
        self.part_moments = (int(moments[0]), float(moments[1]), float(moments[2]))

    def _missing_count(self, column, encoded):
        return int(np.count_nonzero(np.isnan(encoded)))

    def _encoded_shift(self, part: _ContinuousHandler) -> float:
        """What turns ``part``'s encoded values into ``self``'s (their references differ)."""
        return 0.0

    def _merge_grid(self, parts: list) -> None:
        """Set the reference and the grid from the parts' (subclasses)."""

    def _merge_state(self, parts):
        self._merge_grid(parts)
        shifts = [self._encoded_shift(part) for part in parts]
        counts = np.array([part.part_moments[0] for part in parts], dtype=np.float64)
        means = np.array([part.part_moments[1] + shift for part, shift in zip(parts, shifts, strict=True)])
        total = counts.sum()
        mean = float(counts @ means / total) if total else 0.0
        spread = sum(part.part_moments[2] for part in parts) + float(counts @ np.square(means - mean))
        self.part_moments = (int(total), mean, spread)
        if all(hasattr(part, "observed_min") for part in parts):
            with np.errstate(invalid="ignore"):
                lows = [part.observed_min + shift for part, shift in zip(parts, shifts, strict=True)]
                highs = [part.observed_max + shift for part, shift in zip(parts, shifts, strict=True)]
                self.observed_min = float(np.fmin.reduce(lows))
                self.observed_max = float(np.fmax.reduce(highs))

    @property
    def part_variance(self) -> float:
        """Variance of the present encoded values of the part(s) (0 if there are none)."""
        count, _, spread = self.part_moments
        return spread / count if count else 0.0


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

    # -- Parts of a table (see ColumnHandler.merge)

    def fit_part(self, column):
        column = _as_series(column)
        self.summarize_part(column, self._fit_encode(column))
        return self

    def _missing_count(self, column, encoded):
        return int(np.count_nonzero(encoded < 0))
