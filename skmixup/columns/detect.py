"""Which kind a column is: detection from the dtype, and forced kinds."""

from __future__ import annotations

import pandas as pd
from pandas.api import types as pdt

from ._base import (
    _OBJECT_LABELS,
    _OBJECT_NUMBERS,
    CATEGORICAL,
    CONTINUOUS,
    KINDS,
    ColumnHandler,
    _as_series,
    _ContinuousHandler,
    _describe,
    _is_object,
    _object_values,
)
from .categorical import CategoricalHandler, CategoryDtypeHandler
from .floats import FloatHandler
from .integers import IntegerHandler, ObjectNumberHandler
from .temporal import DatetimeHandler, TimedeltaHandler


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
