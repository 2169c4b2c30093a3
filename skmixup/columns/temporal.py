"""Datetime and timedelta columns, mixed as offsets from a fitted reference."""

from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.api import types as pdt

from ._base import _INT64, _NAT, _ContinuousHandler, _describe, _float_bounds


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
