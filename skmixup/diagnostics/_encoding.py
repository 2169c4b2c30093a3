"""Several tables encoded with one codec fitted on the first (the real) table."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import pandas as pd

from .._frames import from_native
from ..columns import CATEGORICAL, CONTINUOUS, TableCodec


@dataclass
class EncodedTables:
    """The tables as encoded arrays, real first, and what the report needs to name them.

    Attributes
    ----------
    continuous, codes : list of ndarray
        Per table: float64 continuous values (``NaN`` = missing) and int64
        category codes (``-1`` = missing), columns in table order.
    continuous_names, categorical_names : list
        The compared columns of each kind.
    categories : list of pandas Index
        Per categorical column, the category of each code.
    column_order : list
        Every compared column, in table order.
    notes : list of str
        The columns left out, and why.
    """

    continuous: list
    codes: list
    continuous_names: list
    categorical_names: list
    categories: list
    column_order: list
    notes: list


def encode_tables(real, others, categorical_features, column_kinds, *, new_categories=False) -> EncodedTables:
    """Encode ``real`` and each of ``others`` with a codec fitted on ``real``.

    The column kinds are detected on ``real`` (with the overrides).  Columns
    of a kind other than continuous and categorical (identifiers, dropped
    columns) are left out, with a note.  Tables of other dataframe libraries
    (polars, pyarrow...) are read as pandas frames, as the estimator reads them.
    With ``new_categories``, tables holding categories that ``real`` lacks are
    accepted (pandas frames and numpy arrays with the same columns): every
    table is then encoded with one codec fitted on all of them, the kinds
    still those detected on ``real``.
    """
    real, others = from_native(real)[0], [from_native(other)[0] for other in others]
    codec = TableCodec(categorical_features, column_kinds)
    encoded = [codec.fit_encode(real)]
    try:
        encoded += [codec.encode(other) for other in others]
    except ValueError as error:
        combined = _concatenated([real, *others]) if new_categories else None
        if combined is None:
            raise
        forced = {name: kind for name, kind in codec.kinds.items() if kind in (CONTINUOUS, CATEGORICAL)}
        codec_all = TableCodec(categorical_features, forced)
        try:
            continuous, codes = codec_all.fit_encode(combined)
        except (ValueError, TypeError):
            raise error from None
        bounds = np.cumsum([0] + [len(table) for table in (real, *others)])
        encoded = [(continuous[a:b], codes[a:b]) for a, b in pairwise(bounds)]
        codec = codec_all
    return _select(codec, encoded)


def _select(codec: TableCodec, encoded: list) -> EncodedTables:
    keep_continuous = [k for k, h in enumerate(codec.continuous_handlers) if h.kind == CONTINUOUS]
    keep_categorical = [k for k, h in enumerate(codec.categorical_handlers) if h.kind == CATEGORICAL]
    compared = {h.name for h in codec.continuous_handlers if h.kind == CONTINUOUS}
    compared |= {h.name for h in codec.categorical_handlers if h.kind == CATEGORICAL}
    notes = [
        f"Column {name!r} (kind {kind!r}) is left out: only continuous and categorical columns are compared."
        for name, kind in codec.kinds.items()
        if name not in compared
    ]
    return EncodedTables(
        continuous=[np.asarray(c[:, keep_continuous], dtype=np.float64) for c, _ in encoded],
        codes=[np.asarray(k[:, keep_categorical], dtype=np.int64) for _, k in encoded],
        continuous_names=[codec.continuous_handlers[k].name for k in keep_continuous],
        categorical_names=[codec.categorical_handlers[k].name for k in keep_categorical],
        categories=[pd.Index(codec.categorical_handlers[k].categories) for k in keep_categorical],
        column_order=[name for name in codec.kinds if name in compared],
        notes=notes,
    )


def _concatenated(tables: list):
    """The tables stacked row-wise if they are all frames (same columns) or all arrays; else None."""
    if all(isinstance(table, pd.DataFrame) for table in tables):
        columns = list(tables[0].columns)
        if any(list(table.columns) != columns for table in tables[1:]):
            return None
        return pd.concat(tables, ignore_index=True)
    if any(isinstance(table, pd.DataFrame | pd.Series) for table in tables):
        return None
    try:
        arrays = [np.asarray(table) for table in tables]
    except (TypeError, ValueError):
        return None
    if any(array.ndim != 2 or array.shape[1] != arrays[0].shape[1] for array in arrays):
        return None
    return np.concatenate(arrays)
