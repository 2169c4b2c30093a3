"""Temporal columns: datetimes, timedeltas, dates and times of day, as counts of their unit.

Each is an :class:`~skmixup.columns.integers.IntegerValuedHandler`: the
values are int64 counts of the column's unit (s, ms, us, ns; days for dates),
mixed as float offsets from the middle of the observed range and decoded
back exactly, clipped to what the dtype can represent and, by default,
snapped to the observed resolution (dates observed at midnight stay at
midnight, in the column's own time zone).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.api import types as pdt

from . import _arrow, _integral
from ._base import _describe, _missing_marker
from .integers import IntegerValuedHandler

_INT64 = np.iinfo(np.int64)
_NAT = int(_INT64.min)  # the int64 that numpy and pandas use for NaT
_PER_SECOND = {"s": 1, "ms": 1_000, "us": 1_000_000, "ns": 1_000_000_000}
_DAY_SECONDS = 86_400
# Python's dates, in days from 1970-01-01: date(1, 1, 1) and date(9999, 12, 31), and its
# datetimes in seconds.
_PYTHON_DATES = (-719_162, 2_932_896)
_PYTHON_SECONDS = (-62_135_596_800, 253_402_300_799)


def _unit_steps(unit: str) -> tuple[int, ...]:
    """Days, hours, minutes, seconds, ms and us in ``unit``, coarsest first (those above one unit)."""
    per_second = _PER_SECOND[unit]
    steps = [_DAY_SECONDS * per_second, 3_600 * per_second, 60 * per_second, per_second]
    steps += [per_second // 1_000, per_second // 1_000_000]
    return tuple(step for step in steps if step > 1)


class _ArrowOrPandasTemporal(IntegerValuedHandler):
    """Reads counts from a pandas (numpy-backed) or an Arrow temporal column."""

    def _grid_steps(self):
        return _unit_steps(self.unit)

    _numpy_name = ""
    _label = ""
    _accepts = staticmethod(lambda dtype: False)

    def _learn(self, column):
        self._arrow_type = _arrow.arrow_type(self.dtype)
        if self._arrow_type is not None:
            self.unit = getattr(self._arrow_type, "unit", "D")
        else:
            self.unit = getattr(self.dtype, "unit", None) or np.datetime_data(self.dtype)[0]

    def _check_dtype(self, dtype) -> None:
        if not self._accepts(dtype):
            raise TypeError(f"{_describe(self.name)} is a {self._label} column; got values of dtype {dtype}.")

    def _ints(self, column):
        self._check_dtype(column.dtype)
        if _arrow.arrow_type(column.dtype) is not None:
            if self._arrow_type is None or column.dtype != self.dtype:
                column = column.astype(self.dtype)
            return _arrow.ints_and_missing(column)
        ints = column.to_numpy(dtype=f"{self._numpy_name}[{self.unit}]").view(np.int64)
        return ints, ints == _NAT

    def _bounds(self):
        if self._arrow_type is not None:
            return int(_INT64.min), int(_INT64.max)
        return _NAT + 1, int(_INT64.max)


class DatetimeHandler(_ArrowOrPandasTemporal):
    """Datetime columns: numpy ``datetime64``, pandas tz-aware, Arrow ``timestamp``; any unit.

    The unit and the time zone survive.  Aware datetimes are mixed as UTC
    instants; their grid is learnt on the wall clock of their zone, so that
    values observed at local midnight come back at local midnight (a value
    snapped across a daylight-saving change keeps the offset of the instant
    it was mixed to, so it can be an hour off the local grid).  Decoded
    values are clipped to what the dtype represents: every int64 but NaT,
    and for aware pandas columns whose wall clock must fit too, a day less
    at each end (unless the data reach further).
    """

    _numpy_name = "datetime64"
    _label = "datetime"
    _accepts = staticmethod(pdt.is_datetime64_any_dtype)

    def _learn(self, column):
        super()._learn(column)
        self.tz = getattr(self._arrow_type, "tz", None) if self._arrow_type is not None else None
        if self._arrow_type is None:
            self.tz = getattr(self.dtype, "tz", None)
        self._wall_clock = False

    def _ints(self, column):
        if (getattr(column.dtype, "tz", None) is None) != (self.tz is None) and _arrow.arrow_type(
            column.dtype
        ) is None:
            fitted = f"with time zone {self.tz}" if self.tz is not None else "naive (no time zone)"
            raise TypeError(
                f"{_describe(self.name)} was fitted {fitted}; got values of dtype {column.dtype}."
            )
        return super()._ints(column)

    def _wall(self, ints: np.ndarray) -> np.ndarray:
        """Wall-clock counts in the column's zone of the UTC counts ``ints`` (none missing)."""
        index = pd.DatetimeIndex(ints.view(f"datetime64[{self.unit}]"))
        return index.tz_localize("UTC").tz_convert(self.tz).tz_localize(None).asi8

    def _grid_counts(self, ints, missing):
        present = ints[~missing]
        if self.tz is None or present.size == 0:
            return present
        try:
            wall = self._wall(present)
        except (ValueError, OverflowError, NotImplementedError):
            # Beyond Python's datetimes pandas has no wall clock for a zone: the UTC grid it is.
            return present
        shifts = wall - present
        if np.all(shifts == shifts[0]):  # a fixed offset: the UTC grid is the wall-clock grid
            return present
        self._wall_clock = True
        return wall

    def _bounds(self):
        low, high = super()._bounds()
        if self.tz is not None and self._arrow_type is None:
            # pandas must also represent the wall-clock time of every value
            margin = _DAY_SECONDS * _PER_SECOND[self.unit]
            low, high = min(low + margin, self.count_range[0]), max(high - margin, self.count_range[1])
        return low, high

    def exact(self, values):
        if not self._wall_clock:
            return super().exact(values)
        low, high = self._bounds()
        ints, missing = _integral.decode(values, self.reference, low, high)
        # pandas has wall clocks for Python's datetimes only: values beyond year 9999 stay off-grid.
        per_second = _PER_SECOND[self.unit]
        present = (
            ~missing & (ints >= _PYTHON_SECONDS[0] * per_second) & (ints <= _PYTHON_SECONDS[1] * per_second)
        )
        wall = self._wall(ints[present])
        wall_low, wall_high = int(_INT64.min), int(_INT64.max)
        snapped = _integral.snap(wall, 0, self.step, wall_low, wall_high)
        moved = ints[present] + (snapped - wall)
        ints[present] = np.clip(moved, low, high)
        return ints, missing

    def _build(self, ints, missing):
        if self._arrow_type is not None:
            return _arrow.series(_arrow.from_ints(ints, missing, self._arrow_type), self.name)
        ints[missing] = _NAT
        series = pd.Series(ints.view(f"datetime64[{self.unit}]"), name=self.name, copy=False)
        if self.tz is not None:
            series = series.dt.tz_localize("UTC").dt.tz_convert(self.tz)
        return series

    # -- Parts of a table (see ColumnHandler.merge)

    def summarize_part(self, column, encoded=None, *, moments=None):
        super().summarize_part(column, encoded, moments=moments)
        # The grid of an aware column is learnt on the wall clock only when the zone's offset
        # varies over the *whole* column: keep both grids, and the offset, to decide at merge.
        self.part_wall = None
        if self.tz is None or not self.learn_grid:
            return
        ints, missing = self._ints(column)
        present = ints[~missing]
        if not present.size:
            return
        steps = self._grid_steps()
        utc_step = _integral.resolution(present, steps)
        try:
            wall = self._wall(present)
        except (ValueError, OverflowError, NotImplementedError):
            self.part_wall = (utc_step, None, None)
            return
        shifts = wall - present
        shift = int(shifts[0]) if np.all(shifts == shifts[0]) else None
        self.part_wall = (utc_step, _integral.resolution(wall, steps), shift)

    def _merged_step(self, present):
        walls = [part.part_wall for part in present]
        self._wall_clock = False
        if self.tz is None or not walls or any(wall is None for wall in walls):
            self.part_wall = None
            return super()._merged_step(present)
        utc_step = min(wall[0] for wall in walls)
        if any(wall[1] is None for wall in walls):  # beyond Python's datetimes: the UTC grid
            self.part_wall = (utc_step, None, None)
            return utc_step
        wall_step = min(wall[1] for wall in walls)
        shifts = {wall[2] for wall in walls}
        shift = shifts.pop() if len(shifts) == 1 else None  # None: the offset varies
        self.part_wall = (utc_step, wall_step, shift)
        if shift is not None:  # one fixed offset: the UTC grid
            return utc_step
        self._wall_clock = True
        return wall_step


class TimedeltaHandler(_ArrowOrPandasTemporal):
    """Timedelta columns: numpy ``timedelta64`` and Arrow ``duration``, any unit."""

    _numpy_name = "timedelta64"
    _label = "timedelta"
    _accepts = staticmethod(lambda dtype: pdt.is_timedelta64_dtype(dtype) or _is_arrow_duration(dtype))

    def _build(self, ints, missing):
        if self._arrow_type is not None:
            return _arrow.series(_arrow.from_ints(ints, missing, self._arrow_type), self.name)
        ints[missing] = _NAT
        return pd.Series(ints.view(f"timedelta64[{self.unit}]"), name=self.name, copy=False)


def _is_arrow_duration(dtype) -> bool:
    pa_type = _arrow.arrow_type(dtype)
    return pa_type is not None and _arrow.family(pa_type) == _arrow.DURATION


class DateHandler(IntegerValuedHandler):
    """Calendar dates: Arrow ``date32`` / ``date64`` and object columns of ``datetime.date``.

    Mixed in days (``date64`` in milliseconds, always on whole days) and
    decoded to the same type; object dates stay ``datetime.date`` objects
    within Python's range (years 1 to 9999).
    """

    def _learn(self, column):
        self._arrow_type = _arrow.arrow_type(self.dtype)
        self._unit_count = (
            86_400_000 if self._arrow_type is not None and self._arrow_type.bit_width == 64 else 1
        )
        if self._arrow_type is None:
            self._missing = _missing_marker(column)

    def _fit_encode(self, column):
        values = super()._fit_encode(column)
        self.step = self._unit_count  # date64 counts milliseconds but holds whole days only
        self.grid_step = float(self.step)
        return values

    def _bounds(self):
        if self._arrow_type is None:
            return _PYTHON_DATES
        if self._unit_count == 1:
            return -(2**31), 2**31 - 1
        day = self._unit_count
        return int(_INT64.min) // day * day + day, int(_INT64.max) // day * day

    def _ints(self, column):
        if _arrow.arrow_type(column.dtype) is not None:
            if column.dtype != self.dtype:
                column = column.astype(self.dtype)
            return _arrow.ints_and_missing(column)
        try:
            days = np.asarray(column.to_numpy(), dtype="datetime64[D]").view(np.int64)
        except (TypeError, ValueError) as error:
            raise TypeError(
                f"{_describe(self.name)} is a date column; got values it cannot read ({error})."
            ) from None
        return days, days == _NAT

    def _build(self, ints, missing):
        if self._arrow_type is not None:
            return _arrow.series(_arrow.from_ints(ints, missing, self._arrow_type), self.name)
        dates = ints.view("datetime64[D]").astype(object)
        dates[missing] = self._missing
        return self._series(dates)

    def _merged_step(self, present):
        return self._unit_count

    def _merge_grid(self, parts):
        super()._merge_grid(parts)
        if self._arrow_type is None:
            self._missing = self._first_missing_marker(parts)


class TimeHandler(IntegerValuedHandler):
    """Times of day: Arrow ``time32`` / ``time64``, kept within one day."""

    def _learn(self, column):
        self._arrow_type = _arrow.arrow_type(self.dtype)
        self.unit = self._arrow_type.unit

    def _bounds(self):
        return 0, _DAY_SECONDS * _PER_SECOND[self.unit] - 1

    def _grid_steps(self):
        return _unit_steps(self.unit)[1:]  # a time of day has no day step

    def _ints(self, column):
        if column.dtype != self.dtype:
            raise TypeError(
                f"{_describe(self.name)} is a {self.dtype} column; got values of dtype {column.dtype}."
            )
        return _arrow.ints_and_missing(column)

    def _build(self, ints, missing):
        return _arrow.series(_arrow.from_ints(ints, missing, self._arrow_type), self.name)
