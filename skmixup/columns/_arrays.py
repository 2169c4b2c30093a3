"""Cache-friendly transposes and stacks of tall tables."""

from __future__ import annotations

import numpy as np


def _transposed(values: np.ndarray, block: int = 1024) -> np.ndarray:
    """A C-contiguous copy of ``values.T``.

    Copied in blocks that fit in cache: for a tall (n, p) table this is about
    three times faster than ``np.ascontiguousarray(values.T)``, and each
    column becomes one contiguous row.
    """
    rows, cols = values.shape
    out = np.empty((cols, rows), dtype=values.dtype)
    if not values.size:
        return out
    if rows >= cols:
        for start in range(0, rows, block):
            out[:, start : start + block] = values[start : start + block].T
    else:
        for start in range(0, cols, block):
            out[start : start + block] = values[:, start : start + block].T
    return out


_NARROW = 6  # columns up to which _stacked writes one column at a time
_STACK_BYTES = 1 << 19  # a block of _stacked's output rows, kept in the 1 MiB L2 cache


def columns_contiguous(block: np.ndarray) -> bool:
    """Whether each column of the 2-D ``block`` is contiguous (an F-ordered array, or rows of one)."""
    return block.flags.f_contiguous or (block.ndim == 2 and block.strides[0] == block.itemsize)


def _stacked(
    columns: list[np.ndarray], n_rows: int, dtype, block: int | None = None, finite: list | None = None
) -> np.ndarray:
    """``np.stack(columns, axis=1)`` as a fresh C-contiguous array of ``dtype``.

    Written a block of rows at a time (``block`` rows; None: about
    ``_STACK_BYTES`` of output), each column's part straight into it: the
    block stays in cache while the columns' strided writes land, which is
    about three times faster than ``np.stack``'s strided writes into a tall
    table, and a third faster than gathering the block in a buffer and writing
    it out transposed.  Adjacent columns that lie side by side in one buffer
    (a pandas frame's block of float columns, say) are copied together, as
    one 2-D view of it: another third faster than a column at a time.
    ``finite``, a list, receives whether every value is finite, checked on
    each block while it is in cache.
    """
    out = np.empty((n_rows, len(columns)), dtype=dtype)
    if len(columns) <= _NARROW and finite is None:
        # Rows this short: a column written whole touches each row's cache line once per
        # column while it stays in cache, and skips the blocks' copies.
        for k, column in enumerate(columns):
            out[:, k] = column
        return out
    if block is None:
        block = max(256, _STACK_BYTES // max(out.itemsize * len(columns), 1))
    runs = _side_by_side(columns, n_rows)
    all_finite = True
    if columns:
        for start in range(0, n_rows, block):
            rows = out[start : start + block]
            for first, stop, source in runs:
                if stop is None:
                    rows[:, first] = source[start : start + block]
                else:
                    rows[:, first:stop] = source[start : start + block]
            if finite is not None and all_finite:
                all_finite = bool(np.isfinite(rows).all())
    if finite is not None:
        finite.append(all_finite)
    return out


def _side_by_side(columns: list[np.ndarray], n_rows: int) -> list[tuple[int, int | None, np.ndarray]]:
    """``(first, stop, source)`` runs of ``columns``: ``source[i, j]`` is ``columns[first + j][i]``.

    A run of several columns is a read-only strided view of the buffer they
    share: columns that are views of one array owning its memory, each
    starting a fixed number of bytes after the one before it, with the same
    dtype, length and stride.  One buffer, not merely a fixed distance: a view
    spanning two separate allocations crashed numpy 2.4's 2-D copy of it,
    though each of its columns copied alone was read right.  Any other column is
    ``(first, None, column)``.
    """
    runs: list[tuple[int, int | None, np.ndarray]] = []
    first = 0
    while first < len(columns):
        head = columns[first]
        stop = first + 1
        owner = _memory_owner(head)
        if owner is not None and not head.dtype.hasobject and head.ndim == 1 and len(head) == n_rows > 1:
            start = head.__array_interface__["data"][0]
            step = None
            while stop < len(columns):
                column = columns[stop]
                if (
                    _memory_owner(column) is not owner
                    or column.shape != head.shape
                    or column.dtype != head.dtype
                    or column.strides != head.strides
                ):
                    break
                offset = column.__array_interface__["data"][0] - start
                if step is None:
                    step = offset
                if step == 0 or offset != step * (stop - first):
                    break
                stop += 1
        if stop - first > 1:
            view = np.lib.stride_tricks.as_strided(
                head, shape=(n_rows, stop - first), strides=(head.strides[0], step), writeable=False
            )
            runs.append((first, stop, view))
        else:
            runs.append((first, None, head))
        first = stop
    return runs


# column_extremes reduces this many rows side by side (see there).
_SIDE_BY_SIDE_ROWS = 64


def column_extremes(table: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each column's smallest and largest value of a 2-D float table, ``NaN`` ignored
    (``NaN`` for a column with no value): ``np.fmin.reduce(table, axis=0)`` and ``fmax``.

    A C-ordered table is reduced as ``(n / 64, 64·p)``: numpy reduces along the first axis
    one row at a time, and rows of a few values cost it more per value than rows of
    64·p (half the time on 10^6 × 21).  Both give the same values (a zero's sign aside:
    which of 0.0 and -0.0 comes out depends on the order of the comparisons).
    """
    n_rows, width = table.shape
    whole = n_rows // _SIDE_BY_SIDE_ROWS * _SIDE_BY_SIDE_ROWS
    if not table.flags.c_contiguous or not whole or not width:
        return np.fmin.reduce(table, axis=0), np.fmax.reduce(table, axis=0)
    wide = table[:whole].reshape(-1, _SIDE_BY_SIDE_ROWS * width)
    extremes = []
    for reduce in (np.fmin.reduce, np.fmax.reduce):
        partial = reduce(wide, axis=0).reshape(_SIDE_BY_SIDE_ROWS, width)
        extremes.append(reduce(np.concatenate([partial, table[whole:]]), axis=0))
    return extremes[0], extremes[1]


def _memory_owner(values) -> np.ndarray | None:
    """The array that owns the memory ``values`` is a view of (``values`` itself if it owns
    it), or None when it is not an array or the memory belongs to another object."""
    if not isinstance(values, np.ndarray):
        return None
    while isinstance(values.base, np.ndarray):
        values = values.base
    return values if values.base is None else None


def _checked_copy(values: np.ndarray, copy: bool, block: int = 1 << 13) -> tuple[np.ndarray, bool]:
    """``values`` as a C-ordered float64 array (a copy if ``copy``), and whether all are finite.

    Copied and checked a block of rows at a time, so that the check reads
    what the copy has just put in cache instead of making a second pass.
    """
    source = np.asarray(values)
    if not copy and source.dtype == np.float64 and source.flags.c_contiguous:
        out = source
    else:
        out = np.empty(source.shape, dtype=np.float64)
    finite = True
    for start in range(0, len(source), block):
        rows = slice(start, start + block)
        if out is not source:
            out[rows] = source[rows]
        if finite:
            finite = bool(np.isfinite(out[rows]).all())
    return out, finite


def copy_finding_inf(source: np.ndarray, out: np.ndarray, block: int = 1 << 13) -> bool:
    """Copy ``source`` into the float array ``out`` of its shape; whether a value is ``±inf``.

    A block of rows at a time, so that the check reads what the copy has
    just put in cache instead of making a second pass over the table.
    """
    found = False
    for start in range(0, len(source), block):
        rows = slice(start, start + block)
        out[rows] = source[rows]
        if not found:
            found = bool(np.isinf(out[rows]).any())
    return found


# Numbers spanning at most this many integers are factorised by counting.
_COUNTING_SPAN = 1 << 16


def _counting_offsets(values: np.ndarray):
    """``(lowest, highest, offsets, width, missing)`` of numbers :func:`_factorized_by_counting`
    can count, else None: ``offsets = values - lowest`` as intp in ``[0, width)``, and
    ``missing`` the NaN mask of floats (None when there is none to mark)."""
    kind = values.dtype.kind
    if values.ndim != 1 or not values.size or kind not in "biuf" or (kind == "f" and values.itemsize < 4):
        return None
    missing = None
    if kind == "b":
        lowest, highest = values.dtype.type(False), values.dtype.type(True)
        offsets, width = values.view(np.uint8), 2
    elif kind in "iu":
        lowest, highest = values.min(), values.max()
        width = int(highest) - int(lowest) + 1
        if width > _COUNTING_SPAN:
            return None
        # Widened first, so that the difference fits (127 - (-128) does not fit an int8).
        offsets = (values - lowest) if kind == "u" else values.astype(np.int64, copy=False) - int(lowest)
    else:
        lowest, highest = np.fmin.reduce(values), np.fmax.reduce(values)
        with np.errstate(over="ignore"):  # a span beyond the dtype's range is inf: not counted
            span = highest - lowest
        if not (np.isfinite(lowest) and np.isfinite(highest) and span < _COUNTING_SPAN):
            return None
        if lowest != np.floor(lowest):
            return None
        width = int(highest - lowest) + 1
        # Exact: two floats this close differ by a representable number.
        shifted = values - lowest
        with np.errstate(invalid="ignore"):
            offsets = shifted.astype(np.intp)
        whole = offsets == shifted
        if not whole.all():
            missing = np.isnan(values)
            if not np.array_equal(whole, ~missing):
                return None  # a value that is not a whole number
    return lowest, highest, offsets.astype(np.intp, copy=False), width, missing


def _factorized_by_counting(values: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """``pd.factorize(values, sort=True)`` for integers of a small span, by counting; else None.

    ``values``: a 1-D bool, integer or float array.  Floats qualify when
    every present value is a whole number (NaN takes code -1).  Counting is
    several times faster than hashing, and numeric columns that are declared
    categorical are mostly small integer codes.  As in pandas, 0.0 and -0.0
    are one category, represented by whichever comes first.
    """
    counted = _counting_offsets(values)
    if counted is None:
        return None
    lowest, highest, offsets, width, missing = counted
    kind = values.dtype.kind
    if missing is not None and missing.any():
        offsets[missing] = width  # one slot past the values, coded -1
    counts = np.bincount(offsets, minlength=width + 1)
    present = np.flatnonzero(counts[:width])
    lookup = np.full(width + 1, -1, dtype=np.intp)
    lookup[present] = np.arange(len(present))
    uniques = (present.astype(values.dtype) + lowest) if kind != "b" else present.astype(bool)
    if kind == "f" and lowest <= 0 <= highest and counts[int(-lowest)]:
        uniques[lookup[int(-lowest)]] = values[np.argmax(values == 0)]  # the sign of the first zero
    if len(present) == width and not counts[width]:
        return offsets, uniques  # every value of the span present, none missing: the offsets are the codes
    return lookup[offsets], uniques
