"""Which kind a column is: detection from the dtype, forced kinds, and the handler for each."""

from __future__ import annotations

import re

import pandas as pd
from pandas.api import types as pdt

from . import _arrow
from ._base import (
    _OBJECT_LABELS,
    _OBJECT_NUMBERS,
    CATEGORICAL,
    CONTINUOUS,
    DROP,
    IDENTIFIER,
    KINDS,
    ColumnHandler,
    _as_series,
    _ContinuousHandler,
    _describe,
    _is_object,
    _object_values,
)
from .categorical import CategoricalHandler, CategoryDtypeHandler, DictionaryHandler
from .floats import DecimalHandler, FloatHandler, ObjectNumberHandler
from .identifiers import DropHandler, IntegerIdentifierHandler, StringIdentifierHandler
from .integers import IntegerHandler, ObjectIntegerHandler
from .temporal import DateHandler, DatetimeHandler, TimedeltaHandler, TimeHandler

_ARROW_CONTINUOUS = {
    _arrow.FLOAT: FloatHandler,
    _arrow.INTEGER: IntegerHandler,
    _arrow.BOOLEAN: IntegerHandler,
    _arrow.TIMESTAMP: DatetimeHandler,
    _arrow.DURATION: TimedeltaHandler,
    _arrow.DATE: DateHandler,
    _arrow.TIME: TimeHandler,
    _arrow.DECIMAL: DecimalHandler,
}
_ARROW_CATEGORICAL = {_arrow.BOOLEAN, _arrow.STRING, _arrow.BINARY, _arrow.DICTIONARY, _arrow.NULL}
_OBJECT_CONTINUOUS = {
    "integer": ObjectIntegerHandler,
    "floating": ObjectNumberHandler,
    "mixed-integer-float": ObjectNumberHandler,
    "empty": ObjectNumberHandler,
    "decimal": DecimalHandler,
    "date": DateHandler,
}

# Identifier detection (see IDENTIFIER_RULE in the package docstring).
IDENTIFIER_MIN_VALUES = 20
IDENTIFIER_DISTINCT_SHARE = 0.95
_IDENTIFIER_NAME = re.compile(r"(?:^|[_\W])(?:id|key|uuid|guid)$|^(?:id|uuid|guid)(?:[_\W]|$)", re.IGNORECASE)
_CAMEL_IDENTIFIER = re.compile(r"[a-z0-9](?:Id|ID)$")
_SAMPLE = 1000


def _arrow_family(column: pd.Series) -> str | None:
    pa_type = _arrow.arrow_type(column.dtype)
    if pa_type is None:
        return None
    family = _arrow.family(pa_type)
    if family is None:
        raise TypeError(
            f"{_describe(column.name)} has Arrow type {pa_type}, which cannot be mixed (nested, "
            "interval and extension types are not supported); flatten, convert or drop the column."
        )
    return family


def _continuous_class(column: pd.Series, why: str = "is forced continuous") -> type[_ContinuousHandler]:
    """The continuous handler for a column, or a TypeError naming it."""
    dtype = column.dtype
    family = _arrow_family(column)
    if family is not None:
        if family in _ARROW_CONTINUOUS:
            return _ARROW_CONTINUOUS[family]
        values = f"Arrow type {dtype.pyarrow_dtype}"
    elif isinstance(dtype, pd.CategoricalDtype):
        values = f"dtype {dtype}"
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
        if family in _OBJECT_CONTINUOUS:
            return _OBJECT_CONTINUOUS[family]
        values = f"values of type {family!r}"
    else:
        values = f"dtype {dtype}"
    raise TypeError(
        f"{_describe(column.name)} {why} but holds {values}; continuous columns need numbers, "
        "bools, decimals, datetimes, dates, times or timedeltas. Make it categorical "
        "(categorical_features / column_kinds) or convert it."
    )


def _check_supported(column: pd.Series) -> None:
    dtype = column.dtype
    if _arrow.arrow_type(dtype) is not None:
        _arrow_family(column)
    elif pdt.is_complex_dtype(dtype):
        raise TypeError(f"{_describe(column.name)} has complex dtype {dtype}, which cannot be mixed.")


def _detect_kind(column: pd.Series) -> str:
    """The kind of a column from its dtype (and, for object columns, its values)."""
    dtype = column.dtype
    name = _describe(column.name)
    family = _arrow_family(column)
    if family is not None:
        if family in _ARROW_CATEGORICAL:
            return CATEGORICAL
        if family == _arrow.FLOAT:
            return CONTINUOUS
        return CONTINUOUS if column.notna().any() else CATEGORICAL
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
        if family in _OBJECT_NUMBERS or family in ("decimal", "date"):
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
            f"{name} is an object column holding {family} values; expected only numbers, decimals "
            "or dates (continuous) or only strings or bools (categorical). Convert it (e.g. "
            "pd.to_datetime, astype(float)) or force it with column_kinds={...: 'categorical'}."
        )
    raise TypeError(
        f"{name} has unsupported dtype {dtype}; expected numbers, bools, datetimes, timedeltas, "
        "strings or categories."
    )


def _is_string_like(column: pd.Series) -> bool:
    family = _arrow_family(column)
    if family is not None:
        return family == _arrow.STRING
    dtype = column.dtype
    return isinstance(dtype, pd.StringDtype) or (_is_object(dtype) and _object_values(column) == "string")


def _is_integer(column: pd.Series) -> bool:
    family = _arrow_family(column)
    if family is not None:
        return family == _arrow.INTEGER
    return pdt.is_integer_dtype(column.dtype) and not pdt.is_bool_dtype(column.dtype)


def _make_handler(column: pd.Series, kind: str, why: str = "is forced continuous") -> ColumnHandler:
    """A handler of the kind for the column, knowing its name only, or a TypeError naming it."""
    _check_supported(column)
    if kind == CONTINUOUS:
        handler = _continuous_class(column, why)()
    elif kind == IDENTIFIER:
        if _is_integer(column):
            handler = IntegerIdentifierHandler()
        elif _is_string_like(column):
            handler = StringIdentifierHandler()
        else:
            raise TypeError(
                f"{_describe(column.name)} is made an identifier but has dtype {column.dtype}; "
                "identifiers are integer or string columns."
            )
    elif kind == DROP:
        handler = DropHandler()
    elif isinstance(column.dtype, pd.CategoricalDtype):
        handler = CategoryDtypeHandler()
    elif _arrow_family(column) == _arrow.DICTIONARY:
        handler = DictionaryHandler()
    else:
        handler = CategoricalHandler()
    handler.name = column.name  # for the errors raised before it is fitted
    return handler


def looks_like_identifier(column: pd.Series) -> bool:
    """Whether a column is detected as an identifier (the rule of :mod:`skmixup.columns`).

    String columns: at least 20 values, 95 % or more of them distinct.
    Integer columns: at least 20 values, all distinct, and either a name that
    says so (``id``, ``customer_id``, ``userId``, ``order_key``, ``uuid``...)
    or a dense range (``max - min + 1 <= 2 · count``, as row numbers are).
    Floats, bools, categories and every other dtype: never.
    """
    string_like = _is_string_like(column)
    if not string_like and not _is_integer(column):
        return False
    n_present = int(column.notna().sum())
    if n_present < IDENTIFIER_MIN_VALUES:
        return False
    # A strided sample rejects the common case (few distinct values) without hashing the column.
    sample = column.iloc[:: max(1, len(column) // _SAMPLE)].dropna()
    if sample.nunique() < 0.9 * len(sample):
        return False
    if string_like:
        return _arrow.computable(column).nunique() >= IDENTIFIER_DISTINCT_SHARE * n_present
    named = isinstance(column.name, str) and bool(
        _IDENTIFIER_NAME.search(column.name) or _CAMEL_IDENTIFIER.search(column.name)
    )
    if not named:
        low, high = column.min(), column.max()
        if int(high) - int(low) + 1 > 2 * n_present:
            return False
    return bool(column.dropna().is_unique)


def _check_kind(kind, name) -> str:
    if not (isinstance(kind, str) and kind in KINDS):
        raise ValueError(
            f"{_describe(name)}: the kind must be one of {', '.join(map(repr, KINDS))}; got {kind!r}."
        )
    return kind


def column_handler(column: pd.Series, kind: str | None = None) -> ColumnHandler:
    """A fitted handler for one column.

    Parameters
    ----------
    column : pandas Series or 1-D array-like
        The column (for example a target ``y``).
    kind : {"continuous", "categorical", "identifier"} or None, default=None
        Forced kind; ``None`` detects it from the dtype as
        :mod:`skmixup.columns` describes (identifiers are only ever forced
        here: detecting them is the table's job).

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


def identifier_from_counts(
    name,
    *,
    string_like: bool,
    n_present: int,
    n_distinct=None,
    value_range: tuple[int, int] | None = None,
) -> bool:
    """:func:`looks_like_identifier`'s rule from a column's counts, for tables seen in parts.

    The same thresholds and name patterns, applied to exact counts over the
    whole column; what it leaves out is the strided sample that
    :func:`looks_like_identifier` rejects columns on before counting (a
    shortcut that can only say no, and says it only when the regularly spaced
    rows it looks at are mostly repeated while the whole column is not).

    Parameters
    ----------
    name : hashable
        The column's label.
    string_like : bool
        A string column (else an integer one).
    n_present : int
        Present values in the column.
    n_distinct : int or callable, default=None
        Distinct present values, or a function returning them (called only
        when the other conditions hold).
    value_range : (int, int), default=None
        Smallest and largest value of an integer column.

    Returns
    -------
    bool

    Examples
    --------
    >>> from skmixup.columns.detect import identifier_from_counts
    >>> identifier_from_counts("order", string_like=False, n_present=50, n_distinct=50, value_range=(1, 50))
    True
    >>> identifier_from_counts("order", string_like=False, n_present=50, n_distinct=49, value_range=(1, 50))
    False
    """
    if n_present < IDENTIFIER_MIN_VALUES:
        return False

    def distinct() -> int:
        return int(n_distinct() if callable(n_distinct) else n_distinct)

    if string_like:
        return distinct() >= IDENTIFIER_DISTINCT_SHARE * n_present
    named = isinstance(name, str) and bool(_IDENTIFIER_NAME.search(name) or _CAMEL_IDENTIFIER.search(name))
    if not named:
        low, high = value_range
        if int(high) - int(low) + 1 > 2 * n_present:
            return False
    return distinct() == n_present
