"""Integer columns, and object columns holding numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._base import _INT64, _ContinuousHandler, _float_bounds, _missing_marker, _object_values


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
