"""Categorical columns: a synthetic value is the category of one parent."""

from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.api.types import union_categoricals

from . import _arrow
from ._arrays import _factorized_by_counting
from ._base import _CategoricalHandler, _describe, _is_object, _missing_marker


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

    # -- Parts of a table (see ColumnHandler.merge)

    def _check_part_dtype(self, other):
        if other.dtype == self.dtype:
            return
        if self.dtype.ordered or other.dtype.ordered:
            raise ValueError(
                f"{_describe(self.name)} is an ordered category with other categories in another "
                "part of the table; give every partition the same dtype (e.g. astype(dtype))."
            )

    def _merge_state(self, parts):
        if all(part.dtype == self.dtype for part in parts):
            return
        # As concatenating the parts does: the union of the categories, in order of appearance.
        union = union_categoricals([pd.Categorical([], dtype=part.dtype) for part in parts])
        self.dtype = pd.CategoricalDtype(union.categories, ordered=False)
        self.categories = self.dtype.categories


class CategoricalHandler(_CategoricalHandler):
    """Any other categorical column: codes of its sorted distinct values.

    Bools, nullable booleans, strings, object labels, Arrow booleans,
    strings and binaries, and every column forced categorical (numbers,
    datetimes...).  Values that cannot be sorted together (an object column
    mixing strings and numbers) are ordered as ``pd.factorize(...,
    sort=True)`` orders them.
    """

    def _learn(self, column):
        self._fit_encode(column)

    def _fit_encode(self, column):
        # Fitting and encoding share one factorisation, the costly part of both.
        self.name, self.dtype = column.name, column.dtype
        self._arrow_type = _arrow.arrow_type(self.dtype)
        codes, self._uniques = self._factorize(column)
        self.n_present = int(np.count_nonzero(codes >= 0))
        try:
            self.categories = pd.Index(self._uniques, dtype=self._uniques.dtype, tupleize_cols=False)
        except NotImplementedError:  # float16 has no Index
            self.categories = pd.Index(self._uniques.astype(np.float32))
        self._missing = _missing_marker(column, codes < 0) if _is_object(self.dtype) else None
        return codes

    @staticmethod
    def _factorize(column: pd.Series):
        column = _arrow.computable(column)
        values = column.to_numpy() if isinstance(column.dtype, np.dtype) else column.array
        if isinstance(values, np.ndarray) and values.dtype.kind in "biuf":
            # A column of a numeric array is strided: hashing it is twice as slow as copying
            # it once, contiguously, then hashing.
            values = np.ascontiguousarray(values)
            counted = _factorized_by_counting(values)
            if counted is not None:
                return counted
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
            if self._arrow_type is not None and data.dtype != self.dtype:  # factorised as a wider type
                return _arrow.series(_arrow.array(pd.Series(data)).cast(self._arrow_type), self.name)
        return self._series(data)

    def _refuse_missing(self, missing: np.ndarray) -> None:
        if missing.any():
            raise ValueError(
                f"{_describe(self.name)} has dtype {self.dtype}, which cannot hold missing values, "
                "but the codes to decode contain -1 (missing)."
            )

    # -- Parts of a table (see ColumnHandler.merge)

    def _merge_state(self, parts):
        uniques = [part._uniques for part in parts]
        if all(isinstance(values, np.ndarray) for values in uniques):
            values = np.concatenate(uniques)
        else:
            values = type(uniques[0])._concat_same_type(uniques)
        _, self._uniques = pd.factorize(values, sort=True, use_na_sentinel=True)
        try:
            self.categories = pd.Index(self._uniques, dtype=self._uniques.dtype, tupleize_cols=False)
        except NotImplementedError:  # float16 has no Index
            self.categories = pd.Index(self._uniques.astype(np.float32))
        self.n_present = sum(part.n_present for part in parts)
        if _is_object(self.dtype):
            self._missing = self._first_missing_marker(parts)


class DictionaryHandler(_CategoricalHandler):
    """Arrow dictionary columns (Parquet categoricals, polars ``Categorical`` and ``Enum``).

    The categories are the dictionary's values, used or not, in its order;
    the codes are its indices.  Decoding gives a dictionary column of the
    same Arrow type (index type, value type and ``ordered`` flag).
    """

    def _learn(self, column):
        import pyarrow as pa
        import pyarrow.compute as pc

        self._arrow_type = _arrow.arrow_type(self.dtype)
        data = _arrow.array(column)
        dictionary = data.dictionary
        if dictionary.null_count or len(pc.unique(dictionary)) != len(dictionary):
            # Repeated or missing dictionary values: one code per distinct present value.
            dictionary = pc.unique(dictionary.filter(pc.is_valid(dictionary)))
        self._dictionary = dictionary
        self.categories = pd.Index(_arrow.series(dictionary, None))
        self._index_type = self._arrow_type.index_type
        self._ordered = self._arrow_type.ordered
        self._pa = pa

    def _encode(self, column):
        if _arrow.arrow_type(column.dtype) is not None and column.dtype == self.dtype:
            data = _arrow.array(column)
            if data.dictionary.equals(self._dictionary):
                indices = data.indices.cast(self._pa.int64()).fill_null(-1)
                return np.asarray(indices.to_numpy(zero_copy_only=False), dtype=np.int64)
        codes = self.categories.get_indexer(column.astype(self.categories.dtype))
        self._unseen(column, codes)
        return codes

    def _decode(self, values):
        missing = values < 0
        indices = _arrow.from_numpy(np.where(missing, 0, values), missing, self._index_type)
        data = self._pa.DictionaryArray.from_arrays(indices, self._dictionary, ordered=self._ordered)
        return _arrow.series(data, self.name)

    # -- Parts of a table (see ColumnHandler.merge)

    def _merge_state(self, parts):
        import pyarrow.compute as pc

        # Concatenating the parts unifies their dictionaries in order of appearance.
        dictionary = pc.unique(self._pa.concat_arrays([part._dictionary for part in parts]))
        self._dictionary = dictionary
        self.categories = pd.Index(_arrow.series(dictionary, None))
