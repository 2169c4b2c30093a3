"""The mixing kernel: parents and weights in, synthetic arrays out.

Everything here works on encoded arrays (continuous columns as float64,
categorical columns as signed integer codes with -1 for missing) and is
vectorised over rows and over the columns of a kind.  A synthetic row has
``k`` parents (two for mixup, three for circle weights), one weight per
parent (summing to one) and one *kept* parent, whose categories and missing
values the row takes:

- continuous: ``Σ_k w_k · x[parent_k]``, which is the kept parent's value
  exactly when its weight is 1 (the others' 0);
- discrete continuous columns and categorical columns: the kept parent's value;
- a value is missing iff the kept parent's is; when only another parent's
  value is missing, the kept parent's value is copied.

Rows are processed in blocks small enough to stay in cache, by a pool of
threads when ``n_jobs > 1`` (numpy releases the GIL in the gathers and the
arithmetic); the blocks are independent and the draws are made before, so
the output is the same for every ``n_jobs``.
"""

from __future__ import annotations

import threading

import numpy as np

from ._threads import run_in_threads

__all__ = [
    "draw_in_blocks",
    "draw_parents",
    "holds_huge_values",
    "kept_records",
    "mix",
    "mix_per_column",
    "stratum_layout",
]

# Rows are mixed in blocks of about this many bytes.  Larger blocks cost nothing on one thread
# and let threads scale: with 256 KiB blocks the Python between numpy calls, which holds the
# GIL, kept two threads at one thread's speed (4 MiB: 1.5-1.6 times faster, at 10^6 rows).
_BLOCK_BYTES = 1 << 22
# Rows written out transposed a tile of about this many bytes at a time (see _write_rows).
_TILE_BYTES = 1 << 17
# Parents and weights are drawn in blocks of this many rows, each from its own generator.
_DRAW_ROWS = 1 << 16
# Rescaling a row whose mix overflowed: exact (a power of two) and room for weights up to 2**16.
_OVERFLOW_SCALE = 2.0**-16
_LARGEST = np.finfo(np.float64).max
_HUGE = _LARGEST / 16
# holds_huge_values reads this many values at a time (512 KiB, in the L2 cache).
_SCAN_VALUES = 1 << 16


def kept_records(categorical: np.ndarray, discrete_columns=None) -> np.ndarray | None:
    """What :func:`mix` takes of each new row's kept parent, one record per real row.

    A record holds the row's categorical codes (field ``"codes"``) and,
    given ``discrete_columns`` (1-D float64 arrays, or the columns of a 2-D
    array), its discrete values (field ``"discrete"``), padded to 8, 16 or 32
    bytes: ``np.take`` copies such items with one load and store each, where
    a row of five int8 codes goes through ``memmove`` (twice the time), and
    one gather of a record misses the cache once where a gather of the codes
    and another of the discrete values miss twice.  None when there is
    nothing to take.

    Parameters
    ----------
    categorical : ndarray of shape (n_rows, p_cat)
    discrete_columns : sequence of ndarray of shape (n_rows,), default=None

    Returns
    -------
    ndarray of shape (n_rows,), structured, or None

    Examples
    --------
    >>> import numpy as np
    >>> records = kept_records(np.array([[0, 2], [1, 0]], dtype=np.int8), [np.array([3.0, 5.0])])
    >>> records.dtype.itemsize, records["codes"].tolist(), records["discrete"].tolist()
    (16, [[0, 2], [1, 0]], [[3.0], [5.0]])
    """
    if isinstance(discrete_columns, np.ndarray):
        columns = list(discrete_columns.T)
    else:
        columns = [] if discrete_columns is None else list(discrete_columns)
    n_codes = categorical.shape[1]
    if not n_codes and not columns:
        return None
    names, formats, offsets = [], [], []
    size = 0
    if n_codes:
        names, formats, offsets = ["codes"], [(categorical.dtype, (n_codes,))], [0]
        size = -(-n_codes * categorical.dtype.itemsize // 8) * 8  # the values after it aligned
    if columns:
        names.append("discrete")
        formats.append((np.float64, (len(columns),)))
        offsets.append(size)
        size += 8 * len(columns)
    itemsize = next((width for width in (8, 16, 32) if size <= width), size)
    dtype = np.dtype({"names": names, "formats": formats, "offsets": offsets, "itemsize": itemsize})
    records = np.empty(len(categorical), dtype=dtype)
    if n_codes:
        records["codes"] = categorical
    if columns:
        values = records["discrete"]
        for k, column in enumerate(columns):
            values[:, k] = column
    return records


def holds_huge_values(continuous: np.ndarray) -> bool:
    """Whether ``continuous`` holds a value so large that a mix of such values can overflow.

    Beyond 1/16 of the float64 range in magnitude; ``NaN`` is ignored.  The
    values are read a block at a time into one small buffer, and the scan stops at
    the first huge value: ``np.abs`` of the whole table allocates a copy of it
    (0.052 s against the scan's 0.016 s on 10^6 × 21 values with missing ones).

    Parameters
    ----------
    continuous : ndarray of float

    Returns
    -------
    bool

    Examples
    --------
    >>> import numpy as np
    >>> holds_huge_values(np.array([[1.0, np.nan], [-2.0, 3.0]]))
    False
    >>> holds_huge_values(np.array([[1.0, -1e308]]))
    True
    """
    values = continuous.ravel(order="K")  # a view of any contiguous array
    if not values.size:
        return False
    magnitudes = np.empty(min(values.size, _SCAN_VALUES), dtype=values.dtype)
    for start in range(0, values.size, _SCAN_VALUES):
        block = values[start : start + _SCAN_VALUES]
        scratch = np.abs(block, out=magnitudes[: block.size])
        if np.fmax.reduce(scratch) > _HUGE:  # NaN compares False: a block of NaN is not huge
            return True
    return False


def _below(upper: np.ndarray, random_state) -> np.ndarray:
    """One uniform integer in ``[0, upper[k])`` per entry of ``upper`` (all >= 1)."""
    if isinstance(random_state, np.random.Generator):
        if upper.size and (upper == upper[0]).all():  # one bound: the fast scalar path
            return random_state.integers(0, upper[0], size=upper.shape)
        draws = (random_state.random(upper.shape) * upper).astype(np.int64)
        return np.minimum(draws, upper - 1)
    draws = (random_state.random_sample(upper.shape) * upper).astype(np.int64)
    # Guard the (measure-zero, floating-point) case random_sample() * upper == upper.
    return np.minimum(draws, upper - 1)


def stratum_layout(groups: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows sorted by stratum: stratum g owns rows ``order[starts[g] : starts[g] + counts[g]]``.

    What :func:`draw_parents` needs to know of ``groups``; computed once, it
    serves every block of draws.
    """
    # Small integer codes sort by radix, in linear time.
    order = np.argsort(groups.astype(np.min_scalar_type(groups.max(initial=0)), copy=False), kind="stable")
    counts = np.bincount(groups)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    return order, starts, counts


def draw_in_blocks(n_samples: int, generator: np.random.Generator, draw_block, n_jobs: int = 1) -> None:
    """Call ``draw_block(block_generator, start, stop)`` on consecutive blocks of rows, by threads.

    Each block of ``_DRAW_ROWS`` rows draws from its own child of
    ``generator`` (``Generator.spawn``), so what is drawn depends on
    ``n_samples`` and ``generator`` only, not on ``n_jobs``; numpy's
    Generator releases the GIL while it draws, so the threads run at once.
    """
    starts = range(0, n_samples, _DRAW_ROWS)
    generators = generator.spawn(len(starts))

    def one(block: int) -> None:
        start = starts[block]
        draw_block(generators[block], start, min(start + _DRAW_ROWS, n_samples))

    run_in_threads(one, range(len(starts)), n_jobs)


def draw_parents(
    n_samples: int,
    n_rows: int,
    random_state,
    groups: np.ndarray | None = None,
    sample_groups: np.ndarray | None = None,
    *,
    n_parents: int = 2,
    distinct: bool = True,
    layout: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """Draw the parents of ``n_samples`` synthetic rows, uniformly over the rows (of a stratum).

    Parameters
    ----------
    n_samples : int
        Number of synthetic rows.
    n_rows : int
        Number of rows to draw from.
    random_state : RandomState or Generator
        Source of randomness.
    groups : ndarray of shape (n_rows,) of non-negative int, default=None
        The stratum of each row.  When given, all parents of a synthetic row
        come from one stratum.
    sample_groups : ndarray of shape (n_samples,), default=None
        With ``groups``: the stratum of each synthetic row.  None draws the
        first parent from all rows and the others from its stratum, which
        keeps the strata's shares in expectation.
    n_parents : int, default=2
    distinct : bool, default=True
        Draw every parent after the first uniformly among the rows (of the
        stratum) not drawn yet for that synthetic row; False draws them
        independently, with replacement.  Where a stratum has fewer rows
        than parents, its rows repeat.
    layout : tuple, default=None
        ``stratum_layout(groups)``, if the caller has it already.

    Returns
    -------
    parents : ndarray of shape (n_samples, n_parents) of row indices
    """
    parents = np.empty((n_samples, n_parents), dtype=np.intp)
    if n_samples == 0:  # the strata may be empty too
        return parents
    if groups is None and isinstance(random_state, np.random.Generator):
        # One stratum, one bound: each parent skips the ones drawn before it.
        for j in range(n_parents):
            free = n_rows - j if distinct and n_rows > j else n_rows
            draw = random_state.integers(0, free, size=n_samples)
            if distinct and n_rows > j and j:
                taken = parents[:, :1] if j == 1 else np.sort(parents[:, :j], axis=1)
                for k in range(j):
                    draw += draw >= taken[:, k]
            parents[:, j] = draw
        return parents
    if groups is None:
        order, start = None, np.zeros(n_samples, dtype=np.int64)
        size = np.full(n_samples, n_rows, dtype=np.int64)
    else:
        order, starts, counts = stratum_layout(groups) if layout is None else layout
        if sample_groups is None:
            sample_groups = groups[_below(np.full(n_samples, n_rows, dtype=np.int64), random_state)]
        start, size = starts[sample_groups], counts[sample_groups]
    # Positions within the stratum; parent j skips the positions of parents 0..j-1.
    positions = np.empty((n_samples, n_parents), dtype=np.int64)
    for j in range(n_parents):
        if not distinct or j == 0:
            positions[:, j] = _below(size, random_state)
            continue
        free = size - j
        room = free >= 1
        draw = _below(free if room.all() else np.where(room, free, size), random_state)
        taken = positions[:, :1] if j == 1 else np.sort(positions[:, :j], axis=1)
        for k in range(j):  # shift past each taken position, in increasing order
            draw += (draw >= taken[:, k]) & room
        positions[:, j] = draw
    rows = start[:, None] + positions
    parents[:] = rows if order is None else order[rows]
    return parents


def mix(
    continuous: np.ndarray,
    categorical: np.ndarray,
    parents: np.ndarray,
    weights: np.ndarray,
    kept: np.ndarray,
    *,
    discrete: np.ndarray | None = None,
    order: str = "C",
    has_missing: bool | None = None,
    out: tuple[np.ndarray, np.ndarray] | None = None,
    huge_values: bool | None = None,
    watch: tuple[int, np.ndarray] | None = None,
    n_jobs: int = 1,
    kept_values: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Mix parent rows into synthetic rows, one weight per parent shared by every column.

    Parameters
    ----------
    continuous : ndarray of shape (n_rows, p_cont), float64
    categorical : ndarray of shape (n_rows, p_cat), int, -1 for missing
    parents : ndarray of shape (m, k) of row indices
    weights : ndarray of shape (m, k) of float
        The weight of each parent; each row sums to one.
    kept : ndarray of shape (m,) of int
        Which parent (0 .. k-1) gives its categories, discrete values and
        missingness.
    discrete : ndarray of shape (p_cont,) of bool, default=None
        Continuous columns that take the kept parent's value instead of a mix.
    order : {"C", "F"}, default="C"
        Memory layout of the outputs ("F" gives contiguous columns).
    has_missing : bool or None, default=None
        Whether ``continuous`` holds NaN, if the caller knows (None checks).
    out : pair of ndarrays, default=None
        Arrays of shapes (m, p_cont) and (m, p_cat) to write the results
        into (their layout wins over ``order``); None allocates them.
    huge_values : bool or None, default=None
        Whether ``continuous`` may hold values so large that a mix of them
        can overflow to inf - inf = NaN (None checks: beyond 1/16 of the
        float64 range).  An overflow to inf is caught whatever this says.
    watch : (int, ndarray of shape (m,) of bool), default=None
        A continuous column and an array to fill with whether the row's
        value in that column is one of its parents' values (or missing).
    n_jobs : int, default=1
        Threads mixing blocks of rows.
    kept_values : ndarray of shape (n_rows,), default=None
        ``kept_records(categorical)``, or ``kept_records(categorical,
        continuous[:, discrete])``, if the caller keeps it: the kept parents'
        codes are then taken from it, and, into an output of contiguous
        columns without missing values, their discrete values too, with one
        gather per new row, straight into the output.

    Returns
    -------
    continuous_out : ndarray of shape (m, p_cont), float64
        Finite wherever every parent's value is: a mix beyond the float64
        range is clipped to it.
    categorical_out : ndarray of shape (m, p_cat), of ``categorical``'s dtype
    """
    n_samples = len(parents)
    if out is None:
        out = (
            np.empty((n_samples, continuous.shape[1]), order=order),
            np.empty((n_samples, categorical.shape[1]), dtype=categorical.dtype, order=order),
        )
    mixed, codes = out
    if has_missing is None:
        has_missing = bool(np.isnan(continuous).any())
    if huge_values is None and has_missing:  # only then does the overflow test depend on it
        huge_values = holds_huge_values(continuous)
    # Without missing values a NaN can only come from an overflow; with them, look for
    # NaN only where values are huge enough to overflow (a mix of them can give inf - inf).
    overflow_test = np.isinf if has_missing and not huge_values else _not_finite
    discrete = None if discrete is None or not np.any(discrete) else np.flatnonzero(discrete)
    # Into an output of contiguous columns the kept parents' discrete values are gathered
    # with their codes: one short record per new row, where a gather per column misses the
    # cache once per column, and picking them within the mixed block costs strided passes.
    direct = (
        discrete is not None
        and kept_values is not None
        and "discrete" in kept_values.dtype.names
        and not has_missing
        and mixed.strides[0] == mixed.itemsize  # contiguous columns: F order, or its tail rows
        and not mixed.flags.c_contiguous
    )
    if kept_values is not None:
        codes_shape = (
            kept_values.dtype.fields["codes"][0].shape if "codes" in kept_values.dtype.names else (0,)
        )
        if len(kept_values) != len(continuous) or codes_shape != (categorical.shape[1],):
            raise ValueError(
                f"kept_values holds {len(kept_values)} records of {codes_shape[0]} codes; expected "
                f"kept_records(categorical) of the {len(continuous)} rows and {categorical.shape[1]} codes."
            )
        if not categorical.shape[1] and not direct:
            kept_values = None
    if discrete is not None and discrete[-1] - discrete[0] + 1 == len(discrete):
        # Adjacent columns as a slice: views of the blocks, not fancy-indexed copies (half the
        # time of picking the kept parents' discrete values).
        discrete_columns = slice(int(discrete[0]), int(discrete[-1]) + 1)
    else:
        discrete_columns = discrete
    block_discrete = None if direct else discrete_columns
    rows = max(256, _BLOCK_BYTES // (8 * max(continuous.shape[1], categorical.shape[1], 1)))
    scratch = threading.local()

    def mix_block(start: int) -> None:
        block = slice(start, start + rows)
        size = len(parents[block])
        buffers = _scratch(scratch, mixed, codes, continuous.shape[1], rows, kept_values)
        to_mixed = mixed[block] if buffers.mixed is None else buffers.mixed[:size]
        to_codes = codes[block] if buffers.codes is None else buffers.codes[:size]
        block_parents, block_weights = parents[block], weights[block]
        kept_rows = np.take_along_axis(block_parents, kept[block, None], axis=1)[:, 0]
        with np.errstate(over="ignore", invalid="ignore"):  # overflows are caught and redone
            watched = _mix_continuous_block(
                continuous,
                block_parents,
                block_weights,
                kept_rows,
                kept[block],
                block_discrete,
                has_missing,
                overflow_test,
                to_mixed,
                buffers.other,
                None if watch is None else watch[0],
            )
        # Indices are valid by construction; mode="clip" spares np.take the bounds
        # check that makes it buffer the whole output.
        picked = None
        if kept_values is not None:
            picked = np.take(kept_values, kept_rows, axis=0, out=buffers.kept[:size], mode="clip")
        elif categorical.shape[1]:
            np.take(categorical, kept_rows, axis=0, out=to_codes, mode="clip")
        if buffers.mixed is not None:
            _write_rows(mixed[block], to_mixed)
        if watched is not None:
            # Compared where the column is contiguous: in an output of contiguous columns,
            # else in a copy (the block's column is strided).
            column = mixed[block, watch[0]]
            _flag_parent_values(
                column if column.flags.c_contiguous else column.copy(), watched, has_missing, watch[1][block]
            )
        if direct:
            mixed[block, discrete_columns] = picked["discrete"]
        if picked is not None and categorical.shape[1]:
            codes[block] = picked["codes"]
        elif buffers.codes is not None:
            _write_rows(codes[block], to_codes)

    run_in_threads(mix_block, range(0, n_samples, rows), n_jobs)
    return mixed, codes


class _Buffers:
    """One thread's scratch: C-ordered blocks for column-major outputs, the other parents' rows
    and the kept parents' records."""

    def __init__(self, mixed, codes, width, rows, kept_values):
        self.mixed = _row_major_scratch(mixed, rows)
        self.codes = None if kept_values is not None else _row_major_scratch(codes, rows)
        self.other = np.empty((min(rows, max(len(mixed), 1)), width))
        if kept_values is not None:
            self.kept = np.empty(min(rows, len(mixed)), dtype=kept_values.dtype)


def _scratch(local: threading.local, mixed, codes, width, rows, kept_values) -> _Buffers:
    if not hasattr(local, "buffers"):
        local.buffers = _Buffers(mixed, codes, width, rows, kept_values)
    return local.buffers


def _row_major_scratch(out: np.ndarray, rows: int) -> np.ndarray | None:
    """A C-ordered buffer for one block of ``out``, or None if ``out``'s rows are contiguous."""
    if out.flags.c_contiguous:
        return None
    return np.empty((min(rows, len(out)), out.shape[1]), dtype=out.dtype)


def _write_rows(out: np.ndarray, rows: np.ndarray) -> None:
    """``out[:] = rows`` for a C-ordered ``rows`` and an ``out`` of other layout, in tiles of
    rows that stay in the L2 cache while their columns are written out: a block of rows larger
    than the cache, transposed whole, reads each cache line once per column from farther away
    (twice the time)."""
    tile = max(64, _TILE_BYTES // max(rows.strides[0], 1))
    for start in range(0, len(rows), tile):
        out[start : start + tile] = rows[start : start + tile]


def _not_finite(values: np.ndarray) -> np.ndarray:
    flags = np.isfinite(values)
    return np.logical_not(flags, out=flags)  # in place: one mask per block, not two


def _mix_continuous_block(
    continuous, parents, weights, kept_rows, kept, discrete, has_missing, overflow_test, out, other, column
):
    """``Σ_k w_k · x[parent_k]`` for one block of rows, written into ``out``.

    ``discrete`` (positions, a slice, or None) names the columns that take the kept
    parent's value.  Returns the parents' values in the watched ``column`` (a list of
    arrays), or None when no column is watched.
    """
    if not out.shape[1]:
        return None
    size = len(parents)
    other = other[:size]
    # np.take gathers rows about twice as fast as fancy indexing; see mix() for mode="clip".
    np.take(continuous, parents[:, 0], axis=0, out=out, mode="clip")
    parent_values = None
    if column is not None:
        parent_values = [out[:, column].copy()]
    if discrete is not None:
        # Picked from the parents' rows as they are gathered, instead of gathering the kept
        # parent's whole row once more.
        kept_discrete = out[:, discrete]
        if isinstance(discrete, slice):  # a view: copied, as out is scaled next
            kept_discrete = kept_discrete.copy()
    out *= weights[:, :1]
    for j in range(1, parents.shape[1]):
        np.take(continuous, parents[:, j], axis=0, out=other, mode="clip")
        if column is not None:
            parent_values.append(other[:, column].copy())
        if discrete is not None:
            np.copyto(kept_discrete, other[:, discrete], where=(kept == j)[:, None])
        other *= weights[:, j : j + 1]
        out += other
    overflowed = overflow_test(out)
    if overflowed.any():
        _rescaled(continuous, parents, weights, overflowed, out)
    if discrete is not None:
        out[:, discrete] = kept_discrete
    if has_missing:
        # A NaN from any parent has reached `out`: the kept parent's value (or NaN) replaces
        # it.  Read value by value, where there is one: a third gather of whole rows, for
        # every row, took a fifth of the mixing on a frame with missing values.
        missing = np.isnan(out)
        if missing.any():
            rows, columns = np.divmod(np.flatnonzero(missing), out.shape[1])
            out[rows, columns] = continuous[kept_rows[rows], columns]
    return parent_values


def _flag_parent_values(
    mixed: np.ndarray, parent_values: list, has_missing: bool, matches: np.ndarray
) -> None:
    """Flag the rows that may copy a real row: their value in the watched column is a
    parent's (the parents share it, or a weight rounds to one), or missing.

    Without missing values a mix is never NaN (an overflow was redone).
    """
    np.equal(mixed, parent_values[0], out=matches)
    same = np.empty_like(matches)
    for values in parent_values[1:]:
        matches |= np.equal(mixed, values, out=same)
    if has_missing:
        matches |= np.isnan(mixed, out=same)


def _rescaled(continuous, parents, weights, overflowed, out):
    """Recompute the values whose mix overflowed, with the parents scaled down, then clip.

    Only those values: the others of the row stay as mixed, so a tiny value
    next to a huge one keeps its bits (scaled down, it would be subnormal).
    The sum starts from the first parent's term, not from zero, so that a
    copy of -0.0 stays -0.0.
    """
    rows = overflowed.any(axis=1)
    values = (continuous[parents[rows, 0]] * _OVERFLOW_SCALE) * weights[rows, :1]
    for j in range(1, parents.shape[1]):
        values += (continuous[parents[rows, j]] * _OVERFLOW_SCALE) * weights[rows, j : j + 1]
    with np.errstate(invalid="ignore"):
        np.clip(values, -_LARGEST * _OVERFLOW_SCALE, _LARGEST * _OVERFLOW_SCALE, out=values)
    block = out[rows]
    np.copyto(block, values / _OVERFLOW_SCALE, where=overflowed[rows])
    out[rows] = block


def mix_per_column(
    continuous: np.ndarray,
    categorical: np.ndarray,
    first: np.ndarray,
    second: np.ndarray,
    continuous_weights: np.ndarray,
    continuous_keep: np.ndarray,
    categorical_keep: np.ndarray,
    *,
    order: str = "C",
    has_missing: bool | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Mix two parents with an independent weight (and cut point) per column.

    The ablation ``shared_weights=False``: continuous column ``c`` of row
    ``r`` is ``W[r, c]·x_first + (1 - W[r, c])·x_second``, and each column
    keeps the parent its own ``keep`` says (for categories and missingness).

    Parameters
    ----------
    continuous, categorical : ndarrays
        As in :func:`mix`.
    first, second : ndarrays of shape (m,) of row indices
    continuous_weights : ndarray of shape (m, p_cont)
    continuous_keep, categorical_keep : ndarrays of shape (m, p) of bool
        Whether the first parent is the kept one, per column.
    order : {"C", "F"}, default="C"
    has_missing : bool or None, default=None

    Returns
    -------
    continuous_out, categorical_out : ndarrays
    """
    if has_missing is None:
        has_missing = bool(np.isnan(continuous).any())
    x_first, x_second = continuous[first], continuous[second]
    with np.errstate(over="ignore", invalid="ignore"):
        mixed = continuous_weights * x_first + (1.0 - continuous_weights) * x_second
    overflowed = ~np.isfinite(mixed) & np.isfinite(x_first) & np.isfinite(x_second)
    if overflowed.any():
        scaled = (continuous_weights * (x_first * _OVERFLOW_SCALE)) + (1.0 - continuous_weights) * (
            x_second * _OVERFLOW_SCALE
        )
        scaled = np.clip(scaled, -_LARGEST * _OVERFLOW_SCALE, _LARGEST * _OVERFLOW_SCALE) / _OVERFLOW_SCALE
        mixed[overflowed] = scaled[overflowed]
    # A weight of exactly 1 or 0 copies its parent bit for bit (-0.0 + 0·x would be +0.0).
    np.copyto(mixed, x_first, where=continuous_weights == 1.0)
    np.copyto(mixed, x_second, where=continuous_weights == 0.0)
    if has_missing:
        kept = np.where(continuous_keep, x_first, x_second)
        np.copyto(mixed, kept, where=np.isnan(mixed))
    codes = np.where(categorical_keep, categorical[first], categorical[second]).astype(categorical.dtype)
    return np.asarray(mixed, order=order), np.asarray(codes, order=order)
