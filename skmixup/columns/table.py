"""TableCodec: a whole table encoded to two arrays and decoded back."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from numbers import Integral

import numpy as np
import pandas as pd
from pandas.api import types as pdt
from sklearn.utils import check_random_state

from .._threads import run_in_threads
from ._arrays import _checked_copy, _stacked, _transposed, column_extremes, columns_contiguous
from ._base import CATEGORICAL, CONTINUOUS, DROP, IDENTIFIER, _is_object
from .categorical import CategoricalHandler, CategoryDtypeHandler, DictionaryHandler
from .detect import (
    _check_kind,
    _check_supported,
    _detect_kind,
    _is_integer,
    _is_string_like,
    _make_handler,
    identifier_from_counts,
    looks_like_identifier,
)
from .floats import FloatHandler
from .identifiers import IntegerIdentifierHandler, StringIdentifierHandler

# A grid column is *discrete* (mixed by taking the kept parent's value) when rounding a
# mixed value onto its grid, which adds about step**2 / 12 to its variance, would move the
# variance by more than this share.
DISCRETE_VARIANCE_SHARE = 0.005
_ONE_PASS_SHARE = 1e-3  # the one-pass variance is kept when it is this share of E[x²] or more

_DECODE_GROUP = 4  # columns transposed together when decoding
_COPY_BLOCK = 8192  # rows copied together into a float64 output


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
        ``{column label: "continuous" | "categorical" | "identifier" |
        "drop"}`` (positions for numpy input), applied last: it wins over
        ``categorical_features``.
    value_grids : bool, default=True
        Learn the grid each continuous column's values lie on (integers,
        the observed number of decimals, the observed resolution of
        datetimes) so that decoded values lie on it, and mark grid columns
        with few levels as :attr:`~skmixup.columns.ColumnHandler.discrete`.
        False decodes at full precision (integers still round to integers).

    Attributes
    ----------
    feature_names : list
        Column labels (``0 .. p-1`` for arrays).
    kinds : dict
        ``{label: kind}`` in column order.
    continuous_indices, categorical_indices, identifier_indices : ndarray of int
        Positions of the columns of each kind (dropped columns are in none).
    handlers : list of ColumnHandler
        One fitted handler per column, in column order.
    continuous_handlers, categorical_handlers, identifier_handlers : list of ColumnHandler
        The handlers of each kind, in the order of :meth:`encode`'s columns.
    detected_identifiers : list
        Labels of the columns detected as identifiers (not forced).
    discrete : ndarray of bool
        Per continuous column, whether it is discrete.
    has_missing : bool
        Whether the last table encoded has a missing value in a continuous column.
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

    def __init__(self, categorical_features="auto", column_kinds=None, value_grids=True):
        self.categorical_features = categorical_features
        self.column_kinds = column_kinds
        self.value_grids = value_grids

    def __repr__(self) -> str:
        return (
            f"TableCodec(categorical_features={self.categorical_features!r}, "
            f"column_kinds={self.column_kinds!r}, value_grids={self.value_grids!r})"
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
            # Named by the labels as Python values: a column of a frame of several dtypes is
            # named by a numpy scalar, which errors would show as np.int64(54).
            columns = [X.iloc[:, k].rename(label) for k, label in enumerate(X.columns.tolist())]
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

    def _kinds(self, columns: list[pd.Series], frame: bool) -> list[tuple[str, str, bool]]:
        """(kind, reason, detected) per column, from categorical_features then column_kinds."""
        names = [column.name for column in columns]
        features = self.categorical_features
        if features is None or (isinstance(features, str) and features == "auto"):
            listed = None
        else:
            listed = self._listed(features, names, frame)
        overrides = self.column_kinds or {}
        if not isinstance(overrides, Mapping):
            raise TypeError(
                "column_kinds must be None or a dict {column: 'continuous' | 'categorical' | "
                f"'identifier' | 'drop'}}; got {type(overrides).__name__}."
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
                kinds.append((overrides[column.name], "is forced continuous by column_kinds", False))
            elif listed is not None:
                kind = CATEGORICAL if position in listed else CONTINUOUS
                why = "is not listed in categorical_features, so it must be continuous,"
                kinds.append((kind, why, False))
            else:
                _check_supported(column)
                kinds.append((_detect_kind(column), "", True))
        if all(kind == DROP for kind, _, _ in kinds):
            raise ValueError("column_kinds drops every column of X; at least one must be kept.")
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
        self,
        X,
        *,
        copy: bool = True,
        observe_range: bool = True,
        rows: np.ndarray | None = None,
        discrete_block: list | None = None,
        refuse_inf: bool = True,
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
        discrete_block : list, default=None
            Receives the columns of ``continuous[:, discrete]`` (a list of
            1-D arrays) when the columns are encoded one by one (frames),
            where they come for free; stays empty otherwise.
        refuse_inf : bool, default=True
            With ``rows``: False leaves the rows outside ``rows`` unchecked for
            ``inf``, for a caller that reads them anyway and checks them on the
            way (see :meth:`refuse_inf`).

        Returns
        -------
        continuous, categorical : ndarrays
            As :meth:`encode` returns them.
        """
        columns, frame_columns, array_dtype = self._split(X)
        n_rows = len(X) if frame_columns is not None else (len(columns[0]) if columns else 0)
        if not columns or n_rows == 0:
            raise ValueError(f"Cannot fit on an empty table: X has {n_rows} rows and {len(columns)} columns.")
        kinds = self._kinds(columns, frame_columns is not None)
        self.handlers, self.detected_identifiers = [], []
        for column, (kind, why, detected) in zip(columns, kinds, strict=True):
            if detected and kind in (CONTINUOUS, CATEGORICAL) and looks_like_identifier(column):
                kind = IDENTIFIER
                self.detected_identifiers.append(column.name)
            handler = _make_handler(column, kind, why)
            handler.learn_grid = bool(self.value_grids)
            self.handlers.append(handler)
        self.feature_names = [column.name for column in columns]
        self.kinds = {
            column.name: handler.kind for column, handler in zip(columns, self.handlers, strict=True)
        }
        self._index_kinds()
        for k in self.identifier_indices:  # fresh values must avoid every real one, not a subset's
            self.handlers[k].fit(columns[k])
        self._frame_columns = frame_columns[self._kept] if frame_columns is not None else None
        self._input_columns = frame_columns.copy() if frame_columns is not None else None
        self._sparse_dtypes = (
            {k: dtype for k, dtype in enumerate(X.dtypes) if isinstance(dtype, pd.SparseDtype)}
            if isinstance(X, pd.DataFrame)
            else {}
        )
        self._array_dtype = array_dtype
        if rows is not None:
            if refuse_inf:
                self._refuse_inf(X, columns)
            X = X.iloc[rows] if frame_columns is not None else np.asarray(X)[rows]
            columns = self._split(X)[0]
        continuous, categorical = self._encode_columns(
            X, columns, copy=copy, fit=True, discrete_block=discrete_block
        )
        self.discrete = np.array([handler.discrete for handler in self.continuous_handlers], dtype=bool)
        if not observe_range:
            return continuous, categorical
        with np.errstate(invalid="ignore"):
            low, high = column_extremes(continuous)
        for handler, observed_min, observed_max in zip(self.continuous_handlers, low, high, strict=True):
            handler.observed_min, handler.observed_max = float(observed_min), float(observed_max)
        return continuous, categorical

    def _index_kinds(self) -> None:
        """The positions and handlers of each column kind, from the handlers."""
        all_kinds = np.array([handler.kind for handler in self.handlers])
        self.continuous_indices = np.flatnonzero(all_kinds == CONTINUOUS)
        self.categorical_indices = np.flatnonzero(all_kinds == CATEGORICAL)
        self.identifier_indices = np.flatnonzero(all_kinds == IDENTIFIER)
        self._kept = np.flatnonzero(all_kinds != DROP)
        self.continuous_handlers = [self.handlers[k] for k in self.continuous_indices]
        self.categorical_handlers = [self.handlers[k] for k in self.categorical_indices]
        self.identifier_handlers = [self.handlers[k] for k in self.identifier_indices]

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
        if (frame_columns is None) != (self._input_columns is None):
            fitted = "a DataFrame" if self._input_columns is not None else "an array"
            raise ValueError(f"This TableCodec was fitted on {fitted}; got {type(X).__name__}.")
        if frame_columns is not None and not frame_columns.equals(self._input_columns):
            expected, got = list(self._input_columns), list(frame_columns)
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
        self, X, columns: list[pd.Series], copy: bool = True, fit: bool = False, discrete_block=None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Encode the columns (``fit``: fitting their handlers first) into the two tables.

        ``discrete_block``: see :meth:`fit_encode`.
        """
        n_rows = len(columns[0])
        if self._is_numeric_array():
            # A plain float array: one C-ordered float copy, not a column at a time.
            continuous, finite = _checked_copy(X, copy)
            if not finite:
                self._refuse_inf(continuous, columns)
            self.has_missing = not finite
            if fit:
                self._fit_float_columns(continuous, columns)
                self.codes_dtype = np.dtype(np.int8)
            return continuous, np.empty((n_rows, 0), dtype=self.codes_dtype)
        if self._is_float_array_with_codes():
            # Float columns and categorical codes in one float array: the float columns in one
            # C-ordered copy, rows at a time (a column at a time would read strided memory).
            positions = self.continuous_indices
            array = np.asarray(X)
            if np.array_equal(positions, np.arange(positions[0], positions[0] + len(positions))):
                block, fresh = array[:, positions[0] : positions[-1] + 1], False
            else:
                block, fresh = np.take(array, positions, axis=1), True
            continuous, finite = _checked_copy(block, copy or not fresh)
            if not finite:
                self._refuse_inf(continuous, [columns[k] for k in positions], self.continuous_handlers)
            self.has_missing = not finite
            if fit:
                self._fit_float_columns(continuous, [columns[k] for k in positions], self.continuous_handlers)
            # The code columns made contiguous together, in one pass over the rows: each
            # copied alone reads every row of the array.
            codes_positions = list(self.categorical_indices)
            if codes_positions:
                codes_block = _transposed(array[:, _columns_index(codes_positions)])
                columns = list(columns)
                for k, values in zip(codes_positions, codes_block, strict=True):
                    columns[k] = pd.Series(values, name=columns[k].name, copy=False)
        else:
            continuous = None

        def encoded(position: int) -> np.ndarray:
            handler, column = self.handlers[position], columns[position]
            if not fit:
                return handler._encode(column)
            values = handler._fit_encode(column)
            if handler.kind == CONTINUOUS:
                self._mark_discrete(handler, values)
            return values

        categorical = [encoded(k) for k in self.categorical_indices]
        if fit:
            # Small codes make the table, and every gather from it, several times smaller.
            most = max((handler.n_categories for handler in self.categorical_handlers), default=0)
            self.codes_dtype = next(
                np.dtype(dtype)
                for dtype in (np.int8, np.int16, np.int32, np.int64)
                if most <= np.iinfo(dtype).max
            )
        if continuous is None:
            finite: list = []
            encoded_columns = [encoded(k) for k in self.continuous_indices]
            continuous = _stacked(encoded_columns, n_rows, np.float64, finite=finite)
            self.has_missing = not finite[0]  # inf was refused column by column
            if discrete_block is not None and fit:
                handlers = self.continuous_handlers
                picked = [c for c, h in zip(encoded_columns, handlers, strict=True) if h.discrete]
                if picked:
                    discrete_block.append(picked)
        return continuous, _stacked(categorical, n_rows, self.codes_dtype)

    def _fit_float_columns(self, continuous: np.ndarray, columns: list, handlers: list | None = None) -> None:
        """Fit the float handlers of the columns of ``continuous`` (already encoded)."""
        for k, (handler, column) in enumerate(zip(handlers or self.handlers, columns, strict=True)):
            handler._fit_meta(column)
            handler._learn_grid(continuous[:, k])
            self._mark_discrete(handler, continuous[:, k])

    def _mark_discrete(self, handler, values: np.ndarray) -> None:
        """Whether rounding onto the column's grid would distort its variance (see value_grids)."""
        step = handler.grid_step
        if not self.value_grids or step is None:
            handler.discrete = False
            return
        handler.discrete = bool(step * step / 12.0 > DISCRETE_VARIANCE_SHARE * _variance(values))

    def refuse_inf(self, X) -> None:
        """Raise the encoding error, naming the column, if a continuous column of ``X`` holds ``inf``.

        The check that ``fit_encode(X, rows=..., refuse_inf=False)`` leaves
        to its caller.  A categorical column may hold ``inf``: it is a
        category like any other.

        Parameters
        ----------
        X : DataFrame or 2-D array
            A table with the fitted columns.

        Raises
        ------
        ValueError
            Naming the first continuous column that holds ``inf``.

        Examples
        --------
        >>> import numpy as np
        >>> from skmixup.columns import TableCodec
        >>> X = np.array([[0.5, 1.0], [1.5, 2.0], [np.inf, 1.0]])
        >>> codec = TableCodec(categorical_features=[1])
        >>> _ = codec.fit_encode(X, rows=np.array([0, 1]), refuse_inf=False)
        >>> codec.refuse_inf(X)
        Traceback (most recent call last):
        ...
        ValueError: Column 0 holds inf...
        """
        self._check_fitted()
        self._refuse_inf(X, self._split(X)[0])

    def _refuse_inf(self, X, columns: list[pd.Series], handlers: list | None = None) -> None:
        """Raise the encoding error, naming the column, if a continuous column holds inf.

        ``handlers``: ``X`` is the float block of these handlers' columns.
        """
        if handlers is not None or self._is_numeric_array():
            values = np.asarray(X)
            if values.dtype.kind == "f" and np.isinf(values).any():  # one pass over the whole array
                first = int(np.flatnonzero(np.isinf(values).any(axis=0))[0])
                (handlers or self.handlers)[first]._numbers(columns[first])
            return
        if self._is_float_array_with_codes() and not np.isinf(np.asarray(X)).any():
            return  # one pass over the whole array, rows at a time, instead of strided columns
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
        return self._array_dtype == np.float64 and all(map(self._takes_as_is, range(len(self.handlers))))

    def _is_float_array_with_codes(self) -> bool:
        """Fitted on a float ndarray whose continuous columns are all plain floats, and which
        has categorical columns too."""
        return (
            self._array_dtype is not None
            and self._array_dtype.kind == "f"
            and len(self.continuous_indices) > 0
            and all(type(handler) is FloatHandler for handler in self.continuous_handlers)
        )

    def _is_numeric_array(self) -> bool:
        """Fitted on a float ndarray whose columns are all plain continuous floats."""
        return (
            self._array_dtype is not None
            and self._array_dtype.kind == "f"
            and all(type(handler) is FloatHandler for handler in self.handlers)
        )

    def decode(
        self,
        continuous: np.ndarray,
        categorical: np.ndarray,
        *,
        copy: bool = True,
        random_state=None,
        originals=None,
        n_jobs: int = 1,
        into: np.ndarray | None = None,
        joined: dict | None = None,
    ):
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
        random_state : int, RandomState instance or None, default=None
            Draws the fresh values of identifier columns.
        originals : DataFrame, default=None
            A table of the fitted frame's columns to put before the decoded
            rows (``fit_resample``'s originals), joined column by column
            (which, unlike a frame concatenation, copies each value once).
        n_jobs : int, default=1
            Threads decoding columns.
        into : ndarray, default=None
            The float64 output array, whose :meth:`continuous_view` holds
            ``continuous`` already (the mixing kernel wrote there): only the
            other columns are written, and ``into`` is returned.
        joined : dict, default=None
            With ``originals``: what :meth:`joined_continuous` returned beside
            the block that holds ``continuous``; the columns it names are
            joined already, and are taken as they are.

        Returns
        -------
        DataFrame or ndarray
            A DataFrame with the fitted labels, order and dtypes and a fresh
            ``RangeIndex``; or an array of the fitted array's dtype (a string
            array widened if fresh identifiers are longer than its width).
            Dropped columns are left out; identifier columns hold fresh values.
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
        if into is not None and not np.shares_memory(into, continuous):
            raise ValueError("into must be the array whose continuous_view holds the continuous values.")
        decoded = [None] * len(self.handlers)
        if len(self.identifier_indices):
            random_state = check_random_state(random_state)
            for position in self.identifier_indices:
                decoded[position] = self.handlers[position].generate(len(continuous), random_state)
        # A float64 array keeps its plain float columns as mixed: they go straight from the
        # block into the output, with no column of their own (the categorical ones do).
        passed_through = self._passed_through() if self._frame_columns is None else []
        skipped = set(passed_through)
        tasks = []
        for indices, block in (
            (self.continuous_indices, continuous),
            (self.categorical_indices, categorical),
        ):
            # (column of the block, position in the table) of each column to decode
            columns = [(k, int(p)) for k, p in enumerate(indices) if p not in skipped]
            if not copy and columns_contiguous(block):
                # Each column is contiguous already; decoding may keep it.
                tasks += [(block, [column]) for column in columns]
                continue
            # A fresh contiguous row per column, which decoding may keep; a few
            # side-by-side columns at a time, so the copy never holds the whole block.
            group: list = []
            for column in columns:
                if group and (len(group) == _DECODE_GROUP or column[0] != group[-1][0] + 1):
                    tasks.append((block, group))
                    group = []
                group.append(column)
            if group:
                tasks.append((block, group))

        def decode_group(task) -> None:
            block, columns = task
            first = columns[0][0]
            if len(columns) == 1 and not copy and columns_contiguous(block):
                rows = block[:, first : first + 1].T
            else:
                rows = _transposed(block[:, first : first + len(columns)])
            for row, (_, position) in zip(rows, columns, strict=True):
                handler = self.handlers[position]
                decoded[position] = handler._decode(handler._prepare(row, copy=False))

        run_in_threads(decode_group, tasks, n_jobs)
        decoded_kept = [decoded[position] for position in self._kept]
        if self._frame_columns is None:
            dtype = self._array_dtype
            if dtype.kind == "U":  # fresh identifiers may need more room than the real strings
                lengths = [decoded[k].str.len().max() for k in self.identifier_indices if len(continuous)]
                longest = int(max(lengths, default=0))
                dtype = max(dtype, np.dtype(f"<U{longest}"), key=lambda d: d.itemsize)
            if passed_through:
                return self._float_array(continuous, decoded, passed_through, into)
            # Gathered straight into the rows of the output, block by block (one pass).
            return _stacked([column.to_numpy() for column in decoded_kept], len(continuous), dtype)
        for position, dtype in self._sparse_dtypes.items():
            if decoded[position] is not None:
                decoded[position] = decoded[position].astype(dtype)
        if originals is not None:
            decoded = self._after(originals, decoded, joined or {})
        frame = pd.DataFrame(dict(enumerate(decoded[position] for position in self._kept)), copy=False)
        frame.columns = self._frame_columns
        return frame

    def _passed_through(self) -> list[int]:
        """Positions of the continuous columns a float64 array output takes as mixed."""
        if self._array_dtype != np.float64:
            return []
        return [int(position) for position in self.continuous_indices if self._takes_as_is(position)]

    def continuous_view(self, out: np.ndarray) -> np.ndarray | None:
        """The columns of a float64 output where :meth:`decode` puts the continuous ones as they are.

        When the output is a float64 array, every continuous column is a
        plain float column (no grid) and they sit side by side in it, the
        mixing kernel can write them into ``out`` directly (a view of its
        columns, returned here) and ``decode(..., into=out)`` fills in the
        rest: the synthetic table is written once.  None otherwise.

        Examples
        --------
        >>> import numpy as np
        >>> from skmixup.columns import TableCodec
        >>> X = np.column_stack([np.random.default_rng(0).normal(size=(20, 2)), np.arange(20) % 3])
        >>> codec = TableCodec(categorical_features=[2]).fit(X)
        >>> out = np.empty((5, 3))
        >>> codec.continuous_view(out).shape
        (5, 2)
        """
        self._check_fitted()
        passed_through = self._passed_through() if self._frame_columns is None else []
        if not len(self.continuous_indices) or len(passed_through) != len(self.continuous_indices):
            return None
        if len(self.identifier_indices) or out.dtype != np.float64 or out.shape[1:] != (len(self._kept),):
            return None
        target = np.searchsorted(self._kept, self.continuous_indices)
        if not np.array_equal(target, np.arange(target[0], target[0] + len(target))):
            return None
        return out[:, target[0] : target[-1] + 1]

    def output_array(self, n_rows: int) -> np.ndarray | None:
        """An empty float64 output of ``n_rows`` rows with a :meth:`continuous_view`, or None.

        None unless the codec was fitted on a float64 array whose
        continuous columns :meth:`decode` can take as they are.

        Examples
        --------
        >>> import numpy as np
        >>> from skmixup.columns import TableCodec
        >>> X = np.column_stack([np.random.default_rng(0).normal(size=(20, 2)), np.arange(20) % 3])
        >>> TableCodec(categorical_features=[2]).fit(X).output_array(5).shape
        (5, 3)
        """
        self._check_fitted()
        if self._frame_columns is not None or self._array_dtype != np.float64:
            return None
        out = np.empty((n_rows, len(self._kept)), dtype=np.float64)
        return out if self.continuous_view(out) is not None else None

    def _float_array(self, continuous, decoded: list, passed_through: list[int], into=None) -> np.ndarray:
        """The float64 output: the plain float columns copied from ``continuous`` (unless they
        are in ``into`` already) and the decoded ones, a block of rows at a time.

        Blocks of rows, because a row-major output written column by column is
        read and written whole once per column.
        """
        n_rows = len(continuous)
        where = {position: k for k, position in enumerate(self._kept)}
        out = np.empty((n_rows, len(self._kept)), dtype=np.float64) if into is None else into
        copied_to = copied_from = None
        if into is None and passed_through:
            copied_to = _columns_index([where[p] for p in passed_through])
            copied_from = _columns_index(
                [int(np.flatnonzero(self.continuous_indices == p)[0]) for p in passed_through]
            )
        written = [p for p in where if decoded[p] is not None]
        written_to = _columns_index([where[p] for p in written])
        columns = [decoded[p].to_numpy(dtype=np.float64) for p in written]
        for start in range(0, n_rows, _COPY_BLOCK):
            rows = slice(start, min(start + _COPY_BLOCK, n_rows))
            if copied_to is not None:
                out[rows, copied_to] = continuous[rows, copied_from]
            if columns:
                out[rows, written_to] = np.column_stack([column[rows] for column in columns])
        return out

    def joined_continuous(self, originals: pd.DataFrame, n_new: int) -> tuple[np.ndarray, dict] | None:
        """A block for ``n_new`` mixed rows that :meth:`decode` puts after ``originals``
        without copying the float64 columns it takes as they are.

        The block's columns are the tails of columns of ``len(originals) + n_new``
        values, whose heads hold the originals' values where the column is such
        a float64 column (the others' heads are never touched, so never paged
        in).  Mixing into the block and decoding with ``joined=`` writes those
        columns once, where joining decoded columns copies the new values again.
        None when no column is such, or the codec was fitted on an array.

        Returns
        -------
        block : ndarray of shape (n_new, n_continuous), columns contiguous
        joined : dict
            The whole joined column of each such position.
        """
        self._check_fitted()
        if self._frame_columns is None:
            return None
        if originals.shape[1] != len(self.handlers):
            raise ValueError(
                f"originals has {originals.shape[1]} columns; the codec was fitted on {len(self.handlers)}."
            )
        taken = {
            k: originals.iloc[:, position]
            for k, position in enumerate(self.continuous_indices)
            if self._takes_as_is(position) and originals.iloc[:, position].dtype == np.float64
        }
        if not taken:
            return None
        n_rows = len(originals)
        store = np.empty((len(self.continuous_indices), n_rows + n_new))
        joined = {}
        for k, column in taken.items():
            store[k, :n_rows] = column.to_numpy()
            joined[int(self.continuous_indices[k])] = store[k]
        return store[:, n_rows:].T, joined

    def _takes_as_is(self, position: int) -> bool:
        """Whether decoding keeps the column's float64 values as they are (a numpy float64
        column, or one of a float64 array: no grid, no clipping)."""
        handler = self.handlers[position]
        return (
            type(handler) is FloatHandler
            and handler.decimals is None
            and handler._arrow_type is None
            and isinstance(handler.dtype, np.dtype)
            and handler.dtype == np.float64
        )

    def _after(self, originals: pd.DataFrame, decoded: list, already: dict) -> list:
        """Each decoded column put after the same column of ``originals``, one copy per value;
        ``already``: the joined columns (see :meth:`joined_continuous`) that hold it already."""
        joined = list(decoded)
        for position in self._kept:
            before, after = originals.iloc[:, position], decoded[position]
            whole = already.get(position)
            if whole is not None and _is_tail(after, whole, len(before)):
                joined[position] = pd.Series(whole, name=after.name, dtype=before.dtype, copy=False)
            elif isinstance(before.dtype, np.dtype) and before.dtype == after.dtype:
                values = np.empty(len(before) + len(after), dtype=before.dtype)
                values[: len(before)] = before.to_numpy()
                values[len(before) :] = after.to_numpy()
                # The dtype given: pandas 3 would infer "str" for object strings.
                joined[position] = pd.Series(values, name=after.name, dtype=before.dtype, copy=False)
            else:
                joined[position] = pd.concat([before, after], ignore_index=True)
        return joined

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

    # -- Parts of a table: the Dask path fits a codec per partition, then merges them.

    def fit_part(self, X) -> TableCodec:
        """Fit on one part of a table (a partition, say), to be merged with the others by :meth:`merge`.

        Like :meth:`fit`, except that identifiers are not detected (that needs
        the whole column: :meth:`merge` does it), the observed ranges are
        always learnt, and each handler records what merging needs.

        Parameters
        ----------
        X : DataFrame
            One part of the table: any rows, all the columns.

        Returns
        -------
        TableCodec
            A new codec fitted on the part; ``self`` is not changed.
        """
        columns, frame_columns, _ = self._split(X)
        if not columns or len(columns[0]) == 0:
            raise ValueError(f"Cannot fit on an empty part: X has {len(X)} rows and {len(columns)} columns.")
        kinds = self._kinds(columns, frame_columns is not None)
        overrides = dict(self.column_kinds or {})
        stand_ins = []
        for position, (column, (kind, _, detected)) in enumerate(zip(columns, kinds, strict=True)):
            if detected:
                overrides[column.name] = kind  # detected on the part; identifiers wait for merge()
            if kind == IDENTIFIER and not column.notna().any():
                overrides[column.name] = DROP  # a string identifier cannot learn from no value
                stand_ins.append(position)
        part = TableCodec(self.categorical_features, overrides, self.value_grids)
        # No catch_warnings here: parts are fitted in threads, and the filters are process-wide.
        continuous, categorical = part.fit_encode(X, observe_range=True)
        for k, (position, moments) in enumerate(
            zip(part.continuous_indices, _moments(continuous), strict=True)
        ):
            part.handlers[position].summarize_part(columns[position], continuous[:, k], moments=moments)
        for k, position in enumerate(part.categorical_indices):
            part.handlers[position].summarize_part(columns[position], categorical[:, k])
        for position, handler in enumerate(part.handlers):
            if handler.kind in (IDENTIFIER, DROP):
                handler.summarize_part(columns[position], None)
        part.categorical_features, part.column_kinds = self.categorical_features, self.column_kinds
        part._detected = [detected for _, _, detected in kinds]
        part._stand_ins = stand_ins
        part._identifier_facts = {
            position: _identifier_facts(column)
            for position, (column, detected) in enumerate(zip(columns, part._detected, strict=True))
            if detected
        }
        return part

    def merge(self, others=(), *, final: bool = True, like: TableCodec | None = None, count_distinct=None):
        """The codec that fitting the concatenated parts gives.

        Parameters
        ----------
        others : sequence of TableCodec
            Codecs from :meth:`fit_part` (or earlier merges) of the parts that
            follow ``self``'s, in order.
        final : bool, default=True
            Whether these are all the parts: only then are identifiers
            detected, and columns too wide for float64 warned about.  Merges of
            some of the parts (``final=False``) can be merged again.
        like : TableCodec, default=None
            A merged codec of the whole table whose column kinds and
            identifier handlers to take, as :meth:`fit_encode` with ``rows=``
            does: the parts then hold some rows of it (the classes to
            over-sample, say).
        count_distinct : callable, default=None
            ``count_distinct(name)``: the number of distinct present values of
            an integer column, which detecting identifiers needs when the
            parts' ranges overlap.

        Returns
        -------
        TableCodec

        Examples
        --------
        >>> import pandas as pd
        >>> from skmixup.columns import TableCodec
        >>> X = pd.DataFrame({"x": [0.5, 1.25, 2.0, 3.5], "c": ["b", "a", "c", "b"]})
        >>> parts = [TableCodec().fit_part(X.iloc[:2]), TableCodec().fit_part(X.iloc[2:])]
        >>> merged = parts[0].merge(parts[1:])
        >>> merged.kinds, list(merged.categorical_handlers[0].categories)
        ({'x': 'continuous', 'c': 'categorical'}, ['a', 'b', 'c'])
        >>> merged.continuous_handlers[0].decimals == TableCodec().fit(X).continuous_handlers[0].decimals
        True
        """
        parts = [self, *others]
        for other in others:
            if list(other.feature_names) != list(self.feature_names):
                raise ValueError(
                    f"The parts have different columns: {list(self.feature_names)!r} and "
                    f"{list(other.feature_names)!r}."
                )
        merged = TableCodec(self.categorical_features, self.column_kinds, self.value_grids)
        merged.handlers, merged.detected_identifiers = [], []
        merged._detected, merged._identifier_facts = list(self._detected), {}
        merged._stand_ins = sorted(set.intersection(*(set(part._stand_ins) for part in parts)))
        for position, name in enumerate(self.feature_names):
            column_parts = [part.handlers[position] for part in parts]
            if like is not None:
                merged.handlers.append(self._merged_like(like.handlers[position], column_parts))
                continue
            if final and position in merged._stand_ins:
                raise ValueError(f"{_describe_column(name)} has no values to learn identifiers from.")
            handler = _merged_column(column_parts)
            facts = _merged_facts([part._identifier_facts.get(position) for part in parts])
            if facts is not None and final and handler.kind in (CONTINUOUS, CATEGORICAL):
                identifier = _identifier_handler(handler, facts, count_distinct)
                if identifier is not None:
                    handler = identifier
                    merged.detected_identifiers.append(name)
            elif facts is not None:
                merged._identifier_facts[position] = facts
            merged.handlers.append(handler)
        if like is not None:
            merged.detected_identifiers = list(like.detected_identifiers)
        merged._finish_merge(self)
        if final and like is None:
            for handler in merged.continuous_handlers:
                if hasattr(handler, "warn_wide_span"):
                    handler.warn_wide_span()
        return merged

    def _merged_like(self, like_handler, column_parts):
        """One column's handler fitted on the parts, of the kind (and class) of ``like_handler``."""
        if like_handler.kind in (IDENTIFIER, DROP) or isinstance(
            like_handler, CategoryDtypeHandler | DictionaryHandler
        ):
            return copy.copy(like_handler)  # their state is the whole column's
        same = [handler for handler in column_parts if type(handler) is type(like_handler)]
        if not same:  # no value in these rows: a handler of the column's kind fitted on none
            empty = pd.Series([], dtype=like_handler.dtype, name=like_handler.name)
            handler = _make_handler(empty, like_handler.kind)
            handler.learn_grid = bool(self.value_grids)
            handler.fit_part(empty)
            same = [handler]
        merged = same[0].merge(same[1:])
        missing_rows = sum(handler.part_rows for handler in column_parts) - merged.part_rows
        merged.part_rows += missing_rows
        merged.part_missing += missing_rows
        return merged

    def _finish_merge(self, template: TableCodec) -> None:
        """The table-level attributes of a merged codec, from its handlers."""
        self.feature_names = list(template.feature_names)
        self.kinds = {
            name: handler.kind for name, handler in zip(self.feature_names, self.handlers, strict=True)
        }
        self._index_kinds()
        self._frame_columns = template._frame_columns
        self._input_columns = template._input_columns
        self._sparse_dtypes = {}
        self._array_dtype = template._array_dtype
        for handler in self.continuous_handlers:  # as _mark_discrete, from the merged moments
            step = handler.grid_step
            handler.discrete = bool(
                self.value_grids
                and step is not None
                and step * step / 12.0 > DISCRETE_VARIANCE_SHARE * handler.part_variance
            )
        self.discrete = np.array([handler.discrete for handler in self.continuous_handlers], dtype=bool)
        self.has_missing = any(handler.part_missing for handler in self.continuous_handlers)
        most = max((handler.n_categories for handler in self.categorical_handlers), default=0)
        self.codes_dtype = next(
            np.dtype(dtype)
            for dtype in (np.int8, np.int16, np.int32, np.int64)
            if most <= np.iinfo(dtype).max
        )


def _columns_index(columns: list[int]) -> slice | list[int]:
    """A slice for consecutive column numbers (a view, not a gather), else the list."""
    if columns and columns == list(range(columns[0], columns[0] + len(columns))):
        return slice(columns[0], columns[-1] + 1)
    return columns


def _variance(values: np.ndarray) -> float:
    """The population variance of the values that are not NaN (0 if none is).

    Two passes (a sum and a sum of squares) where ``np.var`` after a NaN
    check makes five.  The one-pass formula ``E[x²] - E[x]²`` loses digits
    when the mean dwarfs the spread: then the values are centred first.  The
    squares are summed by ``einsum``, not by a BLAS dot product: OpenBLAS
    splits a long ``ddot`` over threads that then spin for about 0.1 s of a
    core after each call (0.13 s of CPU per ``fit`` of 20 columns).
    """
    with np.errstate(over="ignore", invalid="ignore"):  # values near the float64 range: inf
        total = float(np.add.reduce(values))
        if np.isnan(total) and np.isnan(values).any():  # missing values
            values = values[~np.isnan(values)]
            total = float(np.add.reduce(values))
        if not values.size:
            return 0.0
        mean = total / values.size
        square = float(np.einsum("i,i->", values, values)) / values.size
        variance = square - mean * mean
        # Rounding moves both terms by ~n·2**-53 of E[x²] at worst: keep digits to spare.
        if not variance > _ONE_PASS_SHARE * square:
            centred = values - mean
            variance = float(np.einsum("i,i->", centred, centred)) / values.size
        return variance


def _moments(values: np.ndarray) -> list[tuple[int, float, float]]:
    """Per column of a 2-D array: count, mean and sum of squared deviations of its non-NaN values."""
    n_rows, n_columns = values.shape
    if not n_columns:
        return []
    totals = values.sum(axis=0)
    if np.isfinite(totals).all():  # no NaN (continuous values are finite): one pass for the mean
        means = totals / n_rows
        spreads = np.square(values - means).sum(axis=0)
        return [(n_rows, float(m), float(s)) for m, s in zip(means, spreads, strict=True)]
    missing = np.isnan(values)
    counts = n_rows - missing.sum(axis=0)
    means, spreads = np.zeros(n_columns), np.zeros(n_columns)
    for k in np.flatnonzero(counts):
        column = values[:, k]
        present = column[~missing[:, k]] if counts[k] < n_rows else column
        means[k] = present.mean()
        spreads[k] = present.var() * present.size
    return [(int(c), float(m), float(s)) for c, m, s in zip(counts, means, spreads, strict=True)]


def _describe_column(name) -> str:
    return f"Column {name!r}"


def _identifier_facts(column: pd.Series):
    """What detecting an identifier over the parts needs from one part of a detected column."""
    if _is_integer(column):
        present = column.dropna()
        if not len(present):
            return ("integer", 0, True, None)
        return ("integer", len(present), bool(present.is_unique), (int(present.min()), int(present.max())))
    if _is_string_like(column):
        return ("string",)
    return None


def _merged_facts(facts: list):
    """The identifier facts of consecutive parts (None when the column cannot be an identifier)."""
    known = [fact for fact in facts if fact is not None]
    if not known or len(known) != len(facts) or len({fact[0] for fact in known}) != 1:
        return None
    if known[0][0] == "string":
        return known[0]
    n_present, unique, value_range = 0, True, None
    for _, count, part_unique, part_range in known:
        if not count:
            continue
        if value_range is None:
            unique, value_range = part_unique, part_range
        else:
            disjoint = part_range[0] > value_range[1] or part_range[1] < value_range[0]
            if unique is False or part_unique is False:
                unique = False
            else:  # True only while every part is unique and the ranges do not overlap
                unique = True if unique and part_unique and disjoint else None
            value_range = (min(value_range[0], part_range[0]), max(value_range[1], part_range[1]))
        n_present += count
    return ("integer", n_present, unique, value_range)


def _identifier_handler(handler, facts, count_distinct):
    """The identifier handler of a merged column the identifier rule picks, or None."""
    name = handler.name
    if facts[0] == "string":
        if not isinstance(handler, CategoricalHandler):
            return None
        if not identifier_from_counts(
            name, string_like=True, n_present=handler.part_present, n_distinct=handler.n_categories
        ):
            return None
        uniques = handler._uniques
        values = pd.Series(uniques, dtype=object) if isinstance(uniques, np.ndarray) else pd.Series(uniques)
        identifier = StringIdentifierHandler().fit(values.rename(name))
        identifier.dtype, identifier.learn_grid = handler.dtype, handler.learn_grid
        return identifier
    _, n_present, unique, value_range = facts
    if not n_present:
        return None

    def distinct() -> int:
        if unique is not None:
            return n_present if unique else -1
        if count_distinct is None:
            raise ValueError(
                f"{_describe_column(name)}: telling whether it is an identifier needs its number of "
                "distinct values over the whole table (count_distinct)."
            )
        return count_distinct(name)

    if not identifier_from_counts(
        name, string_like=False, n_present=n_present, n_distinct=distinct, value_range=value_range
    ):
        return None
    identifier = IntegerIdentifierHandler().fit(pd.Series([value_range[1]], dtype=handler.dtype, name=name))
    identifier.learn_grid = handler.learn_grid
    return identifier


def _merged_column(column_parts: list):
    """One column's handlers of consecutive parts merged; parts without values defer to the others."""
    with_values = [handler for handler in column_parts if handler.part_present]
    classes = list(dict.fromkeys(type(handler) for handler in (with_values or column_parts)))
    if len(classes) > 1:
        name = column_parts[0].name
        raise ValueError(
            f"{_describe_column(name)} is read as different kinds of values in different parts of the "
            f"table ({', '.join(cls.__name__ for cls in classes)}): an object column holding integers "
            "in some partitions and floats (or strings) in others, say. Cast it to one dtype before "
            "fitting (e.g. astype(float) or astype('string'))."
        )
    same = [handler for handler in column_parts if type(handler) is classes[0]]
    merged = same[0].merge(same[1:])
    missing_rows = sum(handler.part_rows for handler in column_parts) - merged.part_rows
    merged.part_rows += missing_rows  # the other parts' rows, all missing
    merged.part_missing += missing_rows
    return merged


def _is_tail(column: pd.Series, whole: np.ndarray, n_before: int) -> bool:
    """Whether ``column``'s values are the last values of ``whole``, in place (decoding kept them)."""
    values = column.to_numpy()
    tail = whole[n_before:]
    return (
        values.dtype == whole.dtype
        and values.shape == tail.shape
        and values.strides == tail.strides
        and values.__array_interface__["data"][0] == tail.__array_interface__["data"][0]
    )
