"""Integer-valued columns (integers, bools, datetimes, timedeltas...) as float offsets.

A column whose values are int64 counts of some unit is mixed as float64
offsets from a *reference* (the middle of the observed range), and decoded
back to int64 exactly:

- offsets are exact while the observed range spans fewer than 2**53 units;
- every decoded value is clipped to ``[low, high]`` (what the dtype holds)
  without ever overflowing, even when the bounds are the ends of int64;
- on a *grid* of multiples of a step (e.g. whole days of a datetime counted
  in nanoseconds), decoded values are snapped exactly to the nearest grid
  point inside the bounds, so a value mixed close to a real one is that value.

The arithmetic that can leave int64 is done on ``uint64`` views, where
wrapping is exact modular arithmetic.
"""

from __future__ import annotations

import numpy as np

_INT64 = np.iinfo(np.int64)
_SAMPLE = 4096  # values in the cheap first pass of the grid search
_FAR = float(2**62)  # offsets below this convert to int64 and add the reference exactly
_EXACT_FLOAT = float(2**53)  # integers up to this are exact in float64, and so are their sums


def float_bounds(low: int, high: int) -> tuple[float, float]:
    """The floats closest to ``[low, high]`` (integers) from inside."""
    float_low, float_high = float(low), float(high)
    if int(float_low) < low:
        float_low = float(np.nextafter(float_low, np.inf))
    if int(float_high) > high:
        float_high = float(np.nextafter(float_high, -np.inf))
    return float_low, float_high


def offsets(ints: np.ndarray, missing: np.ndarray, reference: int, wide: bool = True) -> np.ndarray:
    """``ints - reference`` as float64, NaN where missing, without int64 overflow.

    ``wide=False`` asserts that ``|ints - reference| < 2**62`` (the caller
    knows the range), which allows the one-pass subtraction.
    """
    if not wide:
        values = (ints - np.int64(reference)).astype(np.float64)
    else:
        as_unsigned = ints.view(np.uint64)
        reference_unsigned = np.uint64(reference % (1 << 64))
        above = (as_unsigned - reference_unsigned).astype(np.float64)
        below = (reference_unsigned - as_unsigned).astype(np.float64)
        values = np.where(ints >= reference, above, -below)
    if missing.any():
        values[missing] = np.nan
    return values


def resolution(counts: np.ndarray, steps) -> int:
    """The largest of ``steps`` (descending) that divides every count (1 if none does).

    A sample screens the candidates; the chosen one is checked on every count.
    """
    if counts.size == 0:
        return 1
    sample = counts[:: max(1, counts.size // _SAMPLE)]
    for step in steps:
        if step > 1 and _all_multiples(sample, step) and _all_multiples(counts, step):
            return int(step)
    return 1


def _all_multiples(counts: np.ndarray, step: int) -> bool:
    return not np.any(counts % np.int64(step))


def decode(
    values: np.ndarray, reference: int, low: int, high: int, origin: int = 0, step: int = 1
) -> tuple[np.ndarray, np.ndarray]:
    """int64 values (and the missing mask) from float offsets: rounded, clipped, snapped.

    Parameters
    ----------
    values : ndarray of float64
        Offsets from ``reference``, NaN for missing.  Modified in place.
    reference : int
    low, high : int
        The inclusive bounds of what the dtype holds (within int64).
    origin, step : int
        The grid: decoded values are ``origin + k·step`` for integers k.
    """
    if step > 1:
        base = float(origin - reference)
        values -= base
        values /= step
        np.rint(values, out=values)
        values *= step
        values += base
    else:
        np.rint(values, out=values)
    # Floats inside [low, high] - reference; the values beyond them become the exact bound
    # after the cast (a float bound can miss the integer one by up to 1024 near 2**63).
    offset_low, offset_high = float_bounds(low - reference, high - reference)
    if values.size:
        lowest, highest = values.min(), values.max()  # NaN if any value is missing
        if offset_low < lowest and highest < offset_high and max(-lowest, highest) < _FAR:
            # Nothing missing, nothing to clip (the usual case): cast and shift only.  The sum
            # lies strictly inside [low, high], so it cannot overflow whatever the bounds.
            ints = values.astype(np.int64)
            ints += np.int64(reference)
            missing = np.zeros(len(values), dtype=bool)
            # Integers below 2**53 make k·step + base exact in float: the values are on the grid.
            if step > 1 and not (
                int(base) == origin - reference and max(-lowest, highest) + abs(base) <= _EXACT_FLOAT
            ):
                ints = snap(ints, origin, step, low, high)
            return ints, missing
    missing = np.isnan(values)  # the arithmetic above kept NaN as NaN
    beyond_high, beyond_low = values >= offset_high, values <= offset_low
    np.clip(values, offset_low, offset_high, out=values)
    values[missing] = 0.0
    if max(-offset_low, offset_high) < _FAR:
        ints = values.astype(np.int64)
        ints += np.int64(reference)  # the sum lies in [low, high]: no overflow
    else:  # offsets that need not fit int64 (data spanning most of it): rebuild those in float
        far = np.abs(values) >= _FAR
        ints = np.empty(len(values), dtype=np.int64)
        ints[~far] = values[~far].astype(np.int64) + np.int64(reference)
        absolute_low, absolute_high = float_bounds(low, high)
        ints[far] = np.clip(values[far] + float(reference), absolute_low, absolute_high).astype(np.int64)
    ints[beyond_high] = high
    ints[beyond_low] = low
    if step > 1:
        ints = snap(ints, origin, step, low, high)
    return ints, missing


def snap(ints: np.ndarray, origin: int, step: int, low: int, high: int) -> np.ndarray:
    """Each value moved exactly to the nearest ``origin + k·step`` inside ``[low, high]``.

    The float arithmetic of :func:`decode` already lands within a few units of
    the grid point; this puts it on it, in exact integer arithmetic.
    """
    if step < 2**62 and ints.size and int(ints.min()) - low >= step and high - int(ints.max()) >= step:
        # Far from the bounds both neighbours fit and nothing overflows (2·remainder < 2**63):
        # the nearest one, a tie going down (as below, where the lower one fits), in a few
        # int64 passes.
        remainder = (ints % np.int64(step) - np.int64(origin % step)) % np.int64(step)
        snapped = ints - remainder
        snapped += (2 * remainder > step) * np.int64(step)
        return snapped
    unsigned = ints.view(np.uint64)
    wide_step = np.uint64(step)
    # numpy's % of int64 by a positive step is Python's: in [0, step), for negative values too.
    remainder = ((ints % np.int64(step) - np.int64(origin % step)) % np.int64(step)).view(np.uint64)
    down = unsigned - remainder  # a grid point, possibly below low
    up = down + wide_step
    low_unsigned, high_unsigned = np.uint64(low % (1 << 64)), np.uint64(high % (1 << 64))
    # Compare through distances from `low`, which are exact non-negative uint64 for values >= low.
    room_below = unsigned - low_unsigned  # >= remainder iff down >= low
    room_above = high_unsigned - unsigned  # >= step - remainder iff up <= high
    down_fits = room_below >= remainder
    up_fits = room_above >= wide_step - remainder
    prefer_up = (remainder > wide_step - remainder) | ((remainder == wide_step - remainder) & ~down_fits)
    chosen = np.where((prefer_up & up_fits) | ~down_fits, up, down)
    on_grid = remainder == 0
    chosen[on_grid] = unsigned[on_grid]
    return chosen.view(np.int64)
