"""Float and decimal columns, mixed as they are; their grid is a number of decimals."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import _arrow
from ._base import _ContinuousHandler, _describe, _missing_marker

# Decimals tried when learning a float column's grid: beyond 12 the grid is
# either absent (computed values such as 1/3) or finer than most doubles.
MAX_DECIMALS = 12
_EXACT_INTEGERS = 2.0**53
_SAMPLE = 4096


def observed_decimals(values: np.ndarray, max_decimals: int = MAX_DECIMALS) -> int | None:
    """The fewest decimals ``d`` such that every value is the double nearest a ``d``-decimal number.

    ``x`` passes for ``d`` iff ``rint(x·10^d) / 10^d == x``: IEEE division is
    correctly rounded, so this is exactly the double that the decimal
    literal with ``d`` decimals parses to.  Values too large for ``x·10^d``
    to be an exact integer never pass (there the grid would be finer than
    the doubles themselves).  None if no ``d <= max_decimals`` works.  A
    sample screens the candidates; the chosen one is checked on every value.
    """
    # A strided sample screens every candidate first: a column of full-precision floats
    # (the common case) is rejected without one pass over all its values.
    sample = values[:: max(1, values.size // _SAMPLE)]
    sample = sample[~np.isnan(sample)]
    if sample.size and not _on_grid(sample, 10.0**max_decimals):
        # A value on a grid of d decimals is on that of d + 1 while |x|·10^(d+1) stays below
        # 2**52 (the rounded quotients are the same real number): off the finest grid, off all.
        with np.errstate(over="ignore"):
            if float(np.abs(sample).max()) * 10.0 ** (max_decimals + 1) < _EXACT_INTEGERS / 2:
                return None
    present = None
    for decimals in range(max_decimals + 1):
        scale = 10.0**decimals
        if sample.size and not _on_grid(sample, scale):
            continue
        if present is None:
            present = values[~np.isnan(values)] if np.isnan(values).any() else values
            if present.size == 0:
                return None
            largest = float(np.abs(present).max())
        if largest * scale >= _EXACT_INTEGERS:
            return None
        if _on_grid(present, scale):
            return decimals
    return None


def _on_grid(values: np.ndarray, scale: float) -> bool:
    # Huge values overflow to inf, which is on no grid: the answer is right, the warning noise.
    with np.errstate(over="ignore", invalid="ignore"):
        return bool(np.array_equal(np.rint(values * scale) / scale, values))


def round_to_decimals(values: np.ndarray, decimals: int) -> np.ndarray:
    """``values`` rounded in place to ``decimals`` decimals (the doubles of those decimals)."""
    scale = 10.0**decimals
    values *= scale
    np.rint(values, out=values)
    values /= scale
    return values


class _DecimalGrid(_ContinuousHandler):
    """A continuous column whose values may lie on a grid of ``decimals`` decimals.

    Attributes
    ----------
    decimals : int or None
        The number of decimals of the grid, or None (full precision).
    """

    decimals: int | None = None

    def _learn_grid(self, values: np.ndarray) -> None:
        self.decimals = observed_decimals(values) if self.learn_grid else None
        self.grid_step = None if self.decimals is None else 10.0**-self.decimals

    def _fit_encode(self, column):
        values = super()._fit_encode(column)
        self._learn_grid(values)
        return values

    def exact(self, values):
        values = self._rounded(values)
        return values, np.isnan(values)

    def _rounded(self, values: np.ndarray) -> np.ndarray:
        """``values`` as decoding gives them (NaN for missing), rounded in place to the grid."""
        if self.decimals is not None:
            with np.errstate(over="ignore", invalid="ignore"):
                round_to_decimals(values, self.decimals)
        return values

    # -- Parts of a table (see ColumnHandler.merge)

    def summarize_part(self, column, encoded=None, *, moments=None):
        super().summarize_part(column, encoded, moments=moments)
        with np.errstate(invalid="ignore"):  # NaN when the part has no value
            self.part_largest = float(np.fmax(abs(self.observed_min), abs(self.observed_max)))

    def _merge_grid(self, parts):
        """The fewest decimals that every part's values have.

        A value with ``d`` decimals has ``d + 1`` too while ``|x|·10^(d+1) < 2**52``, so the
        largest of the parts' decimals is what the whole column gives, unless the
        values come within a factor 2 of the 2**53 bound (where a part can fail a finer grid).
        """
        present = [part for part in parts if part.part_present]
        with np.errstate(invalid="ignore"):
            largest = float(np.fmax.reduce([part.part_largest for part in parts]))
        self.part_largest = largest
        decimals = None
        if self.learn_grid and present and all(part.decimals is not None for part in present):
            decimals = max(part.decimals for part in present)
            if largest * 10.0**decimals >= _EXACT_INTEGERS:
                decimals = None
        self.decimals = decimals
        self.grid_step = None if decimals is None else 10.0**-decimals


class FloatHandler(_DecimalGrid):
    """Float columns: numpy float16/32/64, nullable ``Float32``/``Float64``, Arrow floats.

    Values are clipped to the dtype's finite range, and rounded to the
    observed number of decimals when the fitted values have one.  In an
    Arrow column NaN and null are both missing and both come back as null.
    """

    def _learn(self, column):
        self._arrow_type = _arrow.arrow_type(self.dtype)
        if self._arrow_type is not None:
            self._numpy_dtype = np.dtype(self._arrow_type.to_pandas_dtype())
        else:
            self._numpy_dtype = np.dtype(getattr(self.dtype, "numpy_dtype", self.dtype))

    def _encode(self, column):
        return self._numbers(column)

    def _rounded(self, values):
        values = super()._rounded(values)
        if self._numpy_dtype.itemsize < 8:
            info = np.finfo(self._numpy_dtype)
            np.clip(values, float(info.min), float(info.max), out=values)
        return values

    def _decode(self, values):
        if self._arrow_type is None and not isinstance(self.dtype, pd.api.extensions.ExtensionDtype):
            # A numpy float column holds NaN as its own missing marker: no mask to compute
            # (a pass over the column per sample).
            return self._series(self._rounded(values).astype(self._numpy_dtype, copy=False))
        return super()._decode(values)

    def _build(self, values, missing):  # Arrow and nullable floats (numpy floats: see _decode)
        data = values.astype(self._numpy_dtype, copy=False)
        if self._arrow_type is not None:
            return _arrow.series(_arrow.from_numpy(data, missing, self._arrow_type), self.name)
        if missing.any():
            data = data.copy() if data is values else data
            data[missing] = 0.0
        return self._series(pd.arrays.FloatingArray(data, missing))


class ObjectNumberHandler(_DecimalGrid):
    """Object columns holding floats (or ints and floats); decoded to Python floats."""

    def _learn(self, column):
        self._missing = _missing_marker(column)

    def _encode(self, column):
        return self._numbers(column)

    def _build(self, values, missing):
        data = values.astype(object)
        data[missing] = self._missing
        return self._series(data)

    def _merge_grid(self, parts):
        super()._merge_grid(parts)
        self._missing = self._first_missing_marker(parts)


def _largest_double(decimal_type) -> float:
    """The largest double that the decimal type holds once rounded to its scale.

    The double nearest ``10**digits - 10**-scale`` may round up to
    ``10**digits``, which needs one digit more than the precision.
    """
    import pyarrow as pa

    digits = decimal_type.precision - decimal_type.scale
    largest = float(10**digits) - 10.0**-decimal_type.scale
    for _ in range(64):  # a step or two below is always enough: the excess is under one ulp
        try:
            pa.array([largest], pa.float64()).cast(decimal_type)
            break
        except pa.ArrowInvalid:
            largest = float(np.nextafter(largest, 0.0))
    return largest


class DecimalHandler(_ContinuousHandler):
    """Decimal columns: Arrow ``decimal128``/``decimal256``, and object columns of ``decimal.Decimal``.

    Mixed as float64 and rounded back to the column's scale (its number of
    decimals: the Arrow type's scale, or the most decimals seen among the
    ``Decimal`` objects), then clipped to what the precision holds.  Values
    are exact while they have at most 15 significant digits
    (``|value|·10^scale < 10**15``): a double holds no more.
    Object decimals are rebuilt through pyarrow.
    """

    def _learn(self, column):
        import pyarrow as pa

        self._arrow_type = _arrow.arrow_type(self.dtype)
        if self._arrow_type is None:  # object Decimals: the widest scale seen
            self._missing = _missing_marker(column)
            exponents = [value.as_tuple().exponent for value in column.dropna().to_numpy()]
            exponents = [e for e in exponents if isinstance(e, int)]  # NaN / inf decimals have 'n', 'F'
            scale = max([0, *(-e for e in exponents)])
            self._decimal_type = pa.decimal128(38, min(scale, 37))
        else:
            self._decimal_type = self._arrow_type
        self.decimals = self._decimal_type.scale
        self.grid_step = 10.0**-self.decimals
        self._largest = _largest_double(self._decimal_type)

    def _encode(self, column):
        import pyarrow as pa

        if self._arrow_type is None:
            try:
                data = pa.array(column.to_numpy(), from_pandas=True, type=self._decimal_type)
            except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError) as error:
                raise TypeError(
                    f"{_describe(self.name)} holds values that are not finite decimal.Decimal "
                    f"numbers ({error})."
                ) from None
        else:
            data = _arrow.array(column)
        values = data.cast(pa.float64()).to_numpy(zero_copy_only=False)
        return np.asarray(values, dtype=np.float64)

    def exact(self, values):
        missing = np.isnan(values)
        with np.errstate(over="ignore", invalid="ignore"):
            round_to_decimals(values, self.decimals)
        np.clip(values, -self._largest, self._largest, out=values)
        return values, missing

    def _build(self, values, missing):
        import pyarrow as pa

        data = _arrow.from_numpy(np.where(missing, 0.0, values), missing, pa.float64())
        data = data.cast(self._decimal_type, safe=False)
        if self._arrow_type is not None:
            return _arrow.series(data, self.name)
        objects = np.asarray(data.to_numpy(zero_copy_only=False), dtype=object)
        objects[missing] = self._missing
        return self._series(objects)

    def _merge_grid(self, parts):
        if self._arrow_type is not None:
            return  # the Arrow type fixes the scale
        import pyarrow as pa

        self._missing = self._first_missing_marker(parts)
        self._decimal_type = pa.decimal128(38, max(part._decimal_type.scale for part in parts))
        self.decimals = self._decimal_type.scale
        self.grid_step = 10.0**-self.decimals
        self._largest = _largest_double(self._decimal_type)
