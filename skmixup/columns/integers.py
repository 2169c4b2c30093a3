"""Integer-valued columns: integers, bools forced continuous, and object columns of ints.

Every integer-valued kind (the temporal ones included) derives from
:class:`IntegerValuedHandler`, which mixes int64 counts of a unit as float
offsets and decodes them back exactly (see :mod:`skmixup.columns._integral`).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from . import _arrow, _integral
from ._base import _ContinuousHandler, _describe, _missing_marker

_INT64 = np.iinfo(np.int64)
_EXACT = 2**53
_FLIP = np.uint64(1 << 63)  # uint64 <-> int64 by a shift of 2**63, which keeps differences


class IntegerValuedHandler(_ContinuousHandler):
    """A column of int64 counts of some unit, mixed as float offsets from a reference.

    Subclasses say how to read the counts (``_ints``), what the dtype can
    hold (``_bounds``) and how to build the column back (``_build``).

    Attributes
    ----------
    reference : int
        The count that encodes to 0 (the middle of the observed range).
    count_range : (int, int)
        The smallest and largest count seen in ``fit``.
    step : int
        Decoded values are multiples of ``step`` (of the wall clock, for
        zoned datetimes): with ``learn_grid``, the coarsest of the column's
        natural resolutions that every observed value has (days, hours,
        minutes... for temporal columns; 1 for integers).
    """

    reference = 0
    origin = 0  # decoded values are origin + k·step
    step = 1
    count_range = (0, 0)

    def _ints(self, column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
        """The counts as int64 (anything where missing) and the missing mask."""
        raise NotImplementedError

    def _bounds(self) -> tuple[int, int]:
        """The inclusive range of counts the dtype can hold."""
        raise NotImplementedError

    def _reference(self, low: int, high: int) -> int:
        """The count that encodes to 0: the middle of the observed range keeps the most precision."""
        return low + (high - low) // 2

    def _grid_counts(self, ints: np.ndarray, missing: np.ndarray) -> np.ndarray:
        """The counts whose grid is learnt (the wall-clock times of a zoned datetime, say)."""
        return ints[~missing]

    def _warn_wide_span(self, span: int, stacklevel: int) -> None:
        warnings.warn(
            f"{_describe(self.name)} spans {span // self.step:.3g} steps of {self.step} "
            f"unit(s), more than the 2**53 that float64 mixing holds exactly: decoded values (even "
            "those copied from one parent) may be off in their last bits. Make the column an "
            "identifier or categorical (column_kinds) if its values must survive exactly.",
            UserWarning,
            stacklevel=stacklevel,
        )

    def _grid_steps(self) -> tuple[int, ...]:
        """Candidate steps of the grid, coarsest first (none: every count)."""
        return ()

    def _fit_encode(self, column):
        self._fit_meta(column)
        ints, missing = self._ints(column)
        present = ints[~missing]
        if present.size:
            low, high = int(present.min()), int(present.max())
        else:
            low = high = 0
        self.count_range = (low, high)
        self.reference = self._reference(low, high)
        self.step = 1
        if self.learn_grid and present.size and self._grid_steps():
            self.step = _integral.resolution(self._grid_counts(ints, missing), self._grid_steps())
        self.grid_step = float(self.step)
        if (high - low) // self.step >= _EXACT:
            self._warn_wide_span(high - low, stacklevel=3)
        reach = max(abs(low - self.reference), abs(high - self.reference))
        return _integral.offsets(ints, missing, self.reference, wide=reach >= 2**62)

    def _encode(self, column):
        ints, missing = self._ints(column)
        return _integral.offsets(ints, missing, self.reference)

    def exact(self, values):
        low, high = self._bounds()
        return _integral.decode(values, self.reference, low, high, self.origin, self.step)

    # -- Parts of a table (see ColumnHandler.merge)

    def _encoded_shift(self, part):
        return float(part.reference - self.reference)

    def _merged_step(self, present: list) -> int:
        """The grid of the concatenated parts (those with values).

        The candidate steps each divide the one before (days, hours, minutes...),
        so the coarsest that divides every count is the finest of the parts'.
        """
        if not (self.learn_grid and present and self._grid_steps()):
            return 1
        return min(part.step for part in present)

    def _merge_grid(self, parts):
        present = [part for part in parts if part.part_present]
        if present:
            low = min(part.count_range[0] for part in present)
            high = max(part.count_range[1] for part in present)
        else:
            low = high = 0
        self.count_range = (low, high)
        self.reference = self._reference(low, high)
        self.step = self._merged_step(present)
        self.grid_step = float(self.step)

    def warn_wide_span(self) -> None:
        """The warning of fitting, for a merged handler: its span may exceed what float64 holds.

        Merging does not warn (merges of some parts would warn again and
        again); the codec calls this on its final merge.
        """
        low, high = self.count_range
        if (high - low) // self.step >= _EXACT:
            self._warn_wide_span(high - low, stacklevel=4)


class IntegerHandler(IntegerValuedHandler):
    """Integer columns (numpy, nullable or Arrow; signed or not), and bools forced continuous.

    Decoding rounds to the grid of the observed integers (every integer, or
    every k-th one when all observed values are spaced by multiples of k) and
    clips to the dtype's range (bools to [0, 1]).
    """

    def _learn(self, column):
        self._arrow_type = _arrow.arrow_type(self.dtype)
        if self._arrow_type is not None:
            numpy_dtype = np.dtype(self._arrow_type.to_pandas_dtype())
        else:
            numpy_dtype = np.dtype(getattr(self.dtype, "numpy_dtype", self.dtype))
        self._numpy_dtype = numpy_dtype
        self._nullable = self._arrow_type is None and isinstance(self.dtype, pd.api.extensions.ExtensionDtype)
        self._flipped = numpy_dtype == np.uint64

    def _reference(self, low, high):
        # Integers stay on their own scale (so that their mean and variance read as they
        # are) unless they are too large for float64 to hold them exactly.
        zero = int(_INT64.min) if self._flipped else 0
        if max(abs(low - zero), abs(high - zero)) < _EXACT:
            return zero
        return super()._reference(low, high)

    def _natural_bounds(self) -> tuple[int, int]:
        if self._numpy_dtype.kind == "b":
            return 0, 1
        info = np.iinfo(self._numpy_dtype)
        return int(info.min), int(info.max)

    def _bounds(self):
        if self._flipped:
            return int(_INT64.min), int(_INT64.max)
        return self._natural_bounds()

    def _ints(self, column):
        if column.dtype != self.dtype:  # values to encode with another dtype (clip bounds, say)
            values = self._numbers(column)
            missing = np.isnan(values)
            low, high = _integral.float_bounds(*self._natural_bounds())
            ints = np.clip(np.rint(np.where(missing, 0.0, values)), low, high)
            if self._flipped:
                return (ints.astype(np.uint64) ^ _FLIP).view(np.int64), missing
            return ints.astype(np.int64), missing
        if self._arrow_type is not None:
            import pyarrow as pa

            data = _arrow.array(column)
            missing = np.asarray(data.is_null().to_numpy(zero_copy_only=False), dtype=bool)
            storage = pa.uint64() if self._flipped else pa.int64()
            values = np.asarray(data.cast(storage).fill_null(0).to_numpy(zero_copy_only=False))
        elif self._nullable:
            missing = column.isna().to_numpy()
            values = column.to_numpy(dtype=self._numpy_dtype, na_value=0)
        else:
            values = column.to_numpy()
            missing = np.zeros(len(values), dtype=bool)
        if self._flipped:
            return (values.astype(np.uint64, copy=False) ^ _FLIP).view(np.int64), missing
        return values.astype(np.int64, copy=False), missing

    def _build(self, ints, missing):
        if self._flipped:
            data = ints.view(np.uint64) ^ _FLIP
        else:
            data = ints.astype(self._numpy_dtype, copy=False)
        if self._arrow_type is not None:
            return _arrow.series(_arrow.from_numpy(data, missing, self._arrow_type), self.name)
        if self._nullable:
            return self._series(self.dtype.construct_array_type()(data, missing))
        self._refuse_missing(missing)
        return self._series(data)


class ObjectIntegerHandler(IntegerValuedHandler):
    """Object columns holding only Python ints; decoded to Python ints.

    Ints beyond the int64 range are refused at ``fit`` (they cannot be mixed
    exactly); convert such a column to float, or make it categorical.
    """

    def _learn(self, column):
        self._missing = _missing_marker(column)

    def _reference(self, low, high):
        return 0 if max(abs(low), abs(high)) < _EXACT else super()._reference(low, high)

    def _bounds(self):
        return int(_INT64.min), int(_INT64.max)

    def _ints(self, column):
        try:
            data = column.astype("Int64")
        except (OverflowError, TypeError, ValueError):
            present = column.dropna().to_numpy()
            too_large = [v for v in present[:1000] if not _INT64.min <= v <= _INT64.max][:1]
            raise ValueError(
                f"{_describe(self.name)} holds integers beyond the int64 range"
                + (f" (e.g. {too_large[0]})" if too_large else "")
                + ", which cannot be mixed exactly. Convert it to float (X[column].astype(float)) or "
                "make it categorical (column_kinds={column: 'categorical'})."
            ) from None
        return data.to_numpy(dtype=np.int64, na_value=0), data.isna().to_numpy()

    def _build(self, ints, missing):
        data = ints.astype(object)
        data[missing] = self._missing
        return self._series(data)

    def _merge_grid(self, parts):
        super()._merge_grid(parts)
        self._missing = self._first_missing_marker(parts)
