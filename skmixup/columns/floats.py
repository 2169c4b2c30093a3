"""Float columns."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._base import _ContinuousHandler


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
