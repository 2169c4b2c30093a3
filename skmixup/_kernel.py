"""The mixing kernel: parent pairs and weights in, synthetic arrays out.

Everything here works on encoded arrays (continuous columns as float64,
categorical columns as signed integer codes with -1 for missing) and is vectorised
over rows and over the columns of a kind.
"""

from __future__ import annotations

import numpy as np

__all__ = ["draw_pairs", "mix"]

_BLOCK_BYTES = 1 << 18


def draw_pairs(
    n_samples: int,
    n_rows: int,
    random_state: np.random.RandomState,
    groups: np.ndarray | None = None,
    sample_groups: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``n_samples`` parent pairs, uniformly and with replacement.

    Parameters
    ----------
    n_samples : int
        Number of pairs.
    n_rows : int
        Number of rows to draw from.
    random_state : RandomState
        Source of randomness.
    groups : ndarray of shape (n_rows,) of non-negative int, default=None
        The stratum of each row.  When given, both parents of a pair come
        from one stratum.
    sample_groups : ndarray of shape (n_samples,), default=None
        With ``groups``: the stratum of each pair.  None draws the first
        parent from all rows and the second from the first parent's stratum,
        which keeps the strata's shares in expectation.

    Returns
    -------
    first, second : ndarrays of shape (n_samples,) of row indices
    """
    if n_samples == 0:  # the strata may be empty too
        return np.empty(0, dtype=np.intp), np.empty(0, dtype=np.intp)
    if groups is None:
        first = random_state.randint(n_rows, size=n_samples)
        second = random_state.randint(n_rows, size=n_samples)
        return first, second
    # Rows sorted by stratum: stratum g owns rows order[start[g] : start[g] + size[g]].
    # Small integer codes sort by radix, in linear time.
    order = np.argsort(groups.astype(np.min_scalar_type(groups.max()), copy=False), kind="stable")
    size = np.bincount(groups)
    start = np.concatenate(([0], np.cumsum(size)[:-1]))
    if sample_groups is None:
        first = random_state.randint(n_rows, size=n_samples)
        sample_groups = groups[first]
    else:
        first = order[start[sample_groups] + _uniform_below(size[sample_groups], random_state)]
    second = order[start[sample_groups] + _uniform_below(size[sample_groups], random_state)]
    return first, second


def _uniform_below(upper: np.ndarray, random_state: np.random.RandomState) -> np.ndarray:
    """One uniform integer in ``[0, upper[k])`` per entry of ``upper``."""
    draws = (random_state.random_sample(upper.shape) * upper).astype(np.int64)
    # Guard the (measure-zero, floating-point) case random_sample() * upper == upper.
    return np.minimum(draws, upper - 1)


def mix(
    continuous: np.ndarray,
    categorical: np.ndarray,
    first: np.ndarray,
    second: np.ndarray,
    continuous_weights: np.ndarray,
    continuous_keep: np.ndarray,
    categorical_keep: np.ndarray,
    order: str = "C",
    has_missing: bool | None = None,
    out: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Mix parent rows into synthetic rows.

    Continuous: ``W·x_first + (1 - W)·x_second``.  Categorical: the code of
    the kept parent.  Missing values follow the kept parent: a value is
    missing iff the kept parent's is, so every column keeps its missing rate
    in expectation (the kept parent is uniform over the rows); when only the
    other parent's value is missing, the kept parent's value is copied.

    Parameters
    ----------
    continuous : ndarray of shape (n_rows, p_cont), float64
    categorical : ndarray of shape (n_rows, p_cat), int, -1 for missing
    first, second : ndarrays of shape (m,) of row indices
    continuous_weights : ndarray of shape (m,) or (m, p_cont)
        One weight per synthetic row shared by all columns, or one per column.
    continuous_keep, categorical_keep : ndarrays of shape (m,) or (m, p) of bool
        Whether the first parent is the kept one (its category, its
        missingness); shared by all columns or one per column.
    order : {"C", "F"}, default="C"
        Memory layout of the outputs ("F" gives contiguous columns).
    has_missing : bool or None, default=None
        Whether ``continuous`` holds NaN, if the caller knows (None checks).
    out : pair of ndarrays, default=None
        Arrays of shapes (m, p_cont) and (m, p_cat) to write the results
        into (their layout wins over ``order``); None allocates them.

    Returns
    -------
    continuous_out : ndarray of shape (m, p_cont), float64
    categorical_out : ndarray of shape (m, p_cat), of ``categorical``'s dtype
    """
    n_samples = len(first)
    if out is None:
        out = (
            np.empty((n_samples, continuous.shape[1]), order=order),
            np.empty((n_samples, categorical.shape[1]), dtype=categorical.dtype, order=order),
        )
    mixed, codes = out
    if has_missing is None:
        has_missing = bool(np.isnan(continuous).any())
    # Blocks of rows small enough to stay in cache: the temporaries take a
    # few hundred KiB whatever the table's size, so the peak memory is the
    # output plus a constant.  Within a block everything is one vectorised
    # operation over rows and columns.
    rows = max(256, _BLOCK_BYTES // (8 * max(continuous.shape[1], categorical.shape[1], 1)))
    # A block is mixed in C order, where gathering whole rows is fast, then
    # copied into a column-major output if that is what was asked for.
    mixed_block = _row_major_scratch(mixed, rows)
    codes_block = _row_major_scratch(codes, rows)
    for start in range(0, n_samples, rows):
        block = slice(start, start + rows)
        size = len(first[block])
        to_mixed = mixed[block] if mixed_block is None else mixed_block[:size]
        to_codes = codes[block] if codes_block is None else codes_block[:size]
        _mix_continuous_block(
            continuous,
            first[block],
            second[block],
            _as_columns(continuous_weights[block]),
            _as_columns(continuous_keep[block]),
            has_missing,
            out=to_mixed,
        )
        keep = _as_columns(categorical_keep[block])
        # Indices are valid by construction; mode="clip" spares np.take the
        # bounds check that makes it buffer the whole output.
        np.take(categorical, first[block], axis=0, out=to_codes, mode="clip")
        np.copyto(to_codes, np.take(categorical, second[block], axis=0), where=~keep)
        if mixed_block is not None:
            mixed[block] = to_mixed
        if codes_block is not None:
            codes[block] = to_codes
    return mixed, codes


def _row_major_scratch(out: np.ndarray, rows: int) -> np.ndarray | None:
    """A C-ordered buffer for one block of ``out``, or None if ``out``'s rows are contiguous."""
    if out.flags.c_contiguous:
        return None
    return np.empty((min(rows, len(out)), out.shape[1]), dtype=out.dtype)


def _mix_continuous_block(continuous, first, second, weights, keep, has_missing, out):
    """``W·x_first + (1 - W)·x_second`` for one block of rows, written into ``out``."""
    # np.take gathers rows about twice as fast as fancy indexing; the mix is
    # done in place as x_second + W (x_first - x_second).
    np.take(continuous, first, axis=0, out=out, mode="clip")  # see mix() for mode="clip"
    x_second = np.take(continuous, second, axis=0)
    if has_missing:
        kept_missing = np.where(keep, np.isnan(out), np.isnan(x_second))
        kept = np.where(keep, out, x_second)
    out -= x_second
    out *= weights
    out += x_second
    if has_missing:
        # A NaN from either parent has reached `out`; put the kept parent's
        # value back wherever that parent is present.
        np.copyto(out, kept, where=np.isnan(out) & ~kept_missing)


def _as_columns(values: np.ndarray) -> np.ndarray:
    """A per-row vector as a column that broadcasts over the table."""
    return values[:, None] if values.ndim == 1 else values
