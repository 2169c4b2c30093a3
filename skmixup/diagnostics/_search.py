"""Exact nearest neighbours among embedded rows, screened in single precision.

Beyond the few dimensions where a k-d tree prunes, a search of ``n`` queries
among ``m`` rows in ``d`` dimensions is a matrix product of ``n·m·d``
multiply-adds.  scikit-learn's brute-force search does them in double
precision (it converts single-precision input to double).  Large searches
here do fewer of them, in single precision, where they run twice as fast,
then make the answer exact:

1. *One categorical column stays out of the product* (``cells``; the
   privacy report leaves out the one with the widest one-hot block): rows are
   searched cell by cell (the rows of one category), a mismatch adding 1 to
   the squared distance of the whole cell at once.
2. *Screening.*  The squared distance to row ``r`` is ``|q|² + t(q, r)`` with
   ``t = |r|² - 2 q·r``: one float32 matrix product of ``[-2q, 1]`` by
   ``[r, |r|²]``.  For each query the ``k + 1`` rows of smallest ``t`` (plus
   the cell's mismatch) are kept, tile by tile.
3. Their distances are recomputed from the float64 rows, and sorted.
4. *The certificate.*  Every row left out of a tile has a value at least
   the smallest of the tile's values not kept (or its last value taken), so
   its true squared distance is at least that value plus ``|q|²`` less the
   rounding error of the product, which is at most ``γ · (2 |q| R + R²)``
   with ``R`` the largest ``|r|`` of the tile and ``γ = (d + 4) u / (1 -
   (d + 4) u)``, ``u = 2⁻²⁴`` (the standard bound of a dot product in
   floating point, with the inputs' rounding to float32).  The rows of a
   cell are sorted by norm and cut into tiles of similar norms, so a few
   outlying rows loosen the bound of their own tile only.  Where the least
   of these bounds over the tiles reaches the ``k``-th recomputed distance,
   no row left out can be nearer: the ``k`` distances are exact.  The other
   queries (near ties within the rounding error, such as rows equidistant
   from several records) are searched again by scikit-learn, in double
   precision.  Where most rows tie like that (tables of categorical columns
   only), the screening gives up after its first queries and scikit-learn
   searches them all.

So the distances are those of an exhaustive double-precision search; among
records at the same distance, which one is reported is unspecified.
"""

from __future__ import annotations

import threading
from contextlib import nullcontext

import numpy as np
from sklearn.neighbors import NearestNeighbors
from threadpoolctl import threadpool_info, threadpool_limits

from .._threads import run_in_threads

__all__ = ["CATEGORY_WEIGHT", "least_left_out", "nearest", "rounding_bound"]

_TREE_MAX_DIMENSIONS = 8  # a k-d tree beats brute force only in few dimensions
# Below this many query-row pairs the screening's set-up is not worth it.
_SCREEN_MIN_PAIRS = 1 << 24
# A query block times a reference tile of float32 products: 8 MiB, within the L3 cache.
_QUERY_ROWS = 512
_REFERENCE_ROWS = 4096
# A tile's rows have |r|² up to this many times its first row's, plus the median |r|².
_TILE_NORM_GROWTH = 4.0
# The screening is given up when it proves fewer than half the answers of its first queries.
_PROBE_ROWS = 4096
_MOST_UNPROVEN = 0.5
# Values beyond this stay in double precision: their float32 products could overflow.
_SCREEN_MAX_VALUE = 1e15
_UNIT_ROUNDOFF = 2.0**-24
CATEGORY_WEIGHT = np.sqrt(0.5)  # one-hot vectors sqrt(2)·w apart: a mismatch adds 1 to d²


def nearest(
    reference: np.ndarray, queries: np.ndarray, k: int, cells: tuple[np.ndarray, np.ndarray] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` reference rows nearest each query: (distances, positions), closest first.

    Parameters
    ----------
    reference : ndarray of shape (m, d), float64
    queries : ndarray of shape (n, d), float64
    k : int
        At most ``m`` neighbours are returned.
    cells : (ndarray of shape (m,), ndarray of shape (n,)), default=None
        Non-negative integer codes of a categorical column kept out of the
        rows: where a query's code differs from a reference row's, their
        squared distance gains 1.

    Returns
    -------
    distances : ndarray of shape (n, min(k, m))
        Euclidean distances, computed from the rows in double precision (a
        copy of a reference row is at distance 0).
    positions : ndarray of shape (n, min(k, m))
        The reference rows at those distances.

    Examples
    --------
    >>> import numpy as np
    >>> reference = np.array([[0.0, 0.0], [3.0, 4.0], [1.0, 0.0]])
    >>> query = np.array([[0.2, 0.1]])
    >>> distances, positions = nearest(reference, query, k=2)
    >>> positions.tolist(), np.round(distances, 4).tolist()
    ([[0, 2]], [[0.2236, 0.8062]])
    >>> cells = (np.array([1, 0, 0]), np.array([0]))  # the first row is of another category
    >>> distances, positions = nearest(reference, query, k=2, cells=cells)
    >>> positions.tolist(), np.round(distances, 4).tolist()
    ([[2, 0]], [[0.8062, 1.0247]])
    """
    k = min(k, len(reference))
    if not _worth_screening(reference, queries, k):
        return _searched(*_whole(reference, queries, cells), k)
    # A first few blocks tell whether the screening proves most answers; on tables where most
    # rows tie with several records (categorical columns only) it proves few: search at once.
    probe = min(len(queries), _PROBE_ROWS)
    sorted_reference = _SortedReference(reference, None if cells is None else cells[0])
    first = _screened_and_proven(
        reference, queries[:probe], k, _rows_of(cells, slice(0, probe)), sorted_reference
    )
    if len(first[2]) > probe * _MOST_UNPROVEN:
        return _searched(*_whole(reference, queries, cells), k)
    rest = _screened_and_proven(
        reference, queries[probe:], k, _rows_of(cells, slice(probe, None)), sorted_reference
    )
    distances, positions = np.vstack([first[0], rest[0]]), np.vstack([first[1], rest[1]])
    unproven = np.concatenate([first[2], rest[2] + probe])
    if unproven.size:
        distances[unproven], positions[unproven] = _searched(
            *_whole(reference, queries[unproven], _rows_of(cells, unproven)), k
        )
    return distances, positions


def _screened_and_proven(reference, queries, k, cells, sorted_reference):
    """The screening's (distances, positions) and the queries its certificate does not prove."""
    candidates, lower_bounds = _screened(reference, queries, k + 1, cells, sorted_reference)
    distances = _distances(reference, queries, candidates, cells)
    order = np.argsort(distances, axis=1, kind="stable")[:, :k]
    distances = np.take_along_axis(distances, order, 1)
    positions = np.take_along_axis(candidates, order, 1)
    # Squared, with a margin for the rounding of the recomputed distances themselves.
    unproven = np.flatnonzero(lower_bounds < distances[:, -1] ** 2 * (1 + 1e-12))
    return distances, positions, unproven


def _rows_of(cells, rows):
    """The cells with the queries' codes restricted to ``rows``."""
    return None if cells is None else (cells[0], cells[1][rows])


def _whole(reference, queries, cells):
    """The rows with the cells' column in them, for scikit-learn's search."""
    return (reference, queries) if cells is None else _joined(reference, queries, cells)


def _worth_screening(reference: np.ndarray, queries: np.ndarray, k: int) -> bool:
    return (
        reference.shape[1] > _TREE_MAX_DIMENSIONS
        and len(reference) > k
        and len(reference) * len(queries) >= _SCREEN_MIN_PAIRS
        and bool(np.abs(reference).max() <= _SCREEN_MAX_VALUE)
        and bool(np.abs(queries).max() <= _SCREEN_MAX_VALUE)
    )


def _joined(reference: np.ndarray, queries: np.ndarray, cells) -> tuple[np.ndarray, np.ndarray]:
    """The rows with the cells' column put back, as a scaled one-hot block."""
    n_cells = 1 + max(int(codes.max(initial=0)) for codes in cells)
    joined = []
    for rows, codes in zip((reference, queries), cells, strict=True):
        block = np.zeros((len(rows), n_cells))
        block[np.arange(len(rows)), codes] = CATEGORY_WEIGHT
        joined.append(np.hstack([rows, block]))
    return joined[0], joined[1]


def _searched(reference: np.ndarray, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's exact search, the distances recomputed from the rows."""
    if not len(queries):
        return np.empty((0, k)), np.empty((0, k), dtype=np.intp)
    algorithm = "kd_tree" if reference.shape[1] <= _TREE_MAX_DIMENSIONS else "brute"
    search = NearestNeighbors(n_neighbors=k, algorithm=algorithm).fit(reference)
    positions = search.kneighbors(queries, return_distance=False)
    # Brute force computes |a|² + |b|² - 2a·b, which rounds a copy's 0 to ~1e-8: recompute.
    distances = _distances(reference, queries, positions)
    order = np.argsort(distances, axis=1, kind="stable")
    return np.take_along_axis(distances, order, 1), np.take_along_axis(positions, order, 1)


def _distances(reference: np.ndarray, queries: np.ndarray, positions: np.ndarray, cells=None) -> np.ndarray:
    distances = np.empty(positions.shape)
    for j in range(positions.shape[1]):
        squared = ((queries - reference[positions[:, j]]) ** 2).sum(axis=1)
        if cells is not None:
            squared += cells[0][positions[:, j]] != cells[1]
        distances[:, j] = np.sqrt(squared)
    return distances


class _SortedReference:
    """The reference rows as the screening reads them, prepared once per search.

    Rows sorted by cell, then by norm (``order``): a cell's rows are one range,
    searched tile by tile, and a tile's rounding bound is that of its largest
    row, so a few outlying rows loosen the bound of their own tile only.
    ``augmented`` holds ``[r, |r|²]`` in float32, in that order.
    """

    def __init__(self, reference: np.ndarray, reference_cells: np.ndarray | None):
        n_rows, n_dims = reference.shape
        squared_norms = np.einsum("ij,ij->i", reference, reference)
        if reference_cells is None:
            reference_cells = np.zeros(n_rows, dtype=np.intp)
        self.order = np.lexsort((squared_norms, reference_cells))
        squared_norms = squared_norms[self.order]
        self.augmented = np.empty((n_rows, n_dims + 1), dtype=np.float32)
        self.augmented[:, :n_dims] = reference[self.order]
        self.augmented[:, n_dims] = squared_norms
        cell_codes, counts = np.unique(reference_cells, return_counts=True)
        self.tiles = _tiles(squared_norms, cell_codes, np.concatenate(([0], np.cumsum(counts))))
        self.tile_largest = np.sqrt(np.array([squared_norms[stop - 1] for _, _, stop in self.tiles]))


def _screened(
    reference: np.ndarray, queries: np.ndarray, n_candidates: int, cells=None, sorted_reference=None
) -> tuple[np.ndarray, np.ndarray]:
    """The ``n_candidates`` rows of smallest float32 ``t`` (plus mismatch) per query, and a lower
    bound of the squared distance of every other row (see the module's docstring).

    ``sorted_reference``: ``_SortedReference(reference, cells[0])``, if the caller has it.
    """
    n_dims = reference.shape[1]
    if sorted_reference is None:
        sorted_reference = _SortedReference(reference, None if cells is None else cells[0])
    order, augmented, tiles = sorted_reference.order, sorted_reference.augmented, sorted_reference.tiles
    tile_largest = sorted_reference.tile_largest
    query_cells = np.zeros(len(queries), dtype=np.intp) if cells is None else cells[1]
    # The values each tile gives per query: its n_candidates smallest (all, if it is narrower).
    taken = np.array([min(n_candidates, stop - first) for _, first, stop in tiles])
    tile_starts = np.concatenate(([0], np.cumsum(taken)[:-1]))
    tile_rest = np.array([stop - first > n_candidates for _, first, stop in tiles])

    candidates = np.empty((len(queries), n_candidates), dtype=np.intp)
    lower_bounds = np.empty(len(queries))
    scratch = threading.local()

    def screen_block(start: int) -> None:
        if not hasattr(scratch, "products"):
            scratch.products = np.empty(_QUERY_ROWS * _REFERENCE_ROWS, dtype=np.float32)
            scratch.block = np.empty((_QUERY_ROWS, n_dims + 1), dtype=np.float32)
        rows = queries[start : start + _QUERY_ROWS]
        size = len(rows)
        block = scratch.block[:size]
        np.multiply(rows, -2.0, out=block[:, :n_dims], casting="same_kind")
        block[:, n_dims] = 1.0
        block_cells = query_cells[start : start + size]
        index = np.arange(size)
        values, positions = [], []
        for code, first, stop in tiles:
            # a contiguous product even for a narrower tile: BLAS writes it directly
            t = scratch.products[: size * (stop - first)].reshape(size, stop - first)
            np.matmul(block, augmented[first:stop].T, out=t)
            mismatch = (block_cells != code).astype(np.float64)
            for _ in range(min(n_candidates, stop - first)):
                best = t.argmin(axis=1)
                values.append(t[index, best] + mismatch)  # in float64: no rounding added
                positions.append(best + first)
                t[index, best] = np.inf
        values, positions = np.stack(values, axis=1), np.stack(positions, axis=1)
        kept = np.argsort(values, axis=1, kind="stable")[:, :n_candidates]
        candidates[start : start + size] = order[np.take_along_axis(positions, kept, 1)]
        least = least_left_out(values, kept, tile_starts, taken, tile_rest)
        query_norms = np.einsum("ij,ij->i", rows, rows)
        error = rounding_bound(query_norms[:, None], tile_largest[None, :], n_dims)
        lower_bounds[start : start + size] = query_norms + (least - error).min(axis=1)

    # Query blocks by threads, one BLAS thread each: the argmin passes (which release the
    # GIL) then run in parallel too, where a threaded product alone leaves them serial.
    starts = range(0, len(queries), _QUERY_ROWS)
    workers = min(_blas_threads(), len(starts))
    with threadpool_limits(limits=1, user_api="blas") if workers > 1 else nullcontext():
        run_in_threads(screen_block, starts, workers)
    return candidates, lower_bounds


def least_left_out(
    values: np.ndarray, kept: np.ndarray, tile_starts: np.ndarray, taken: np.ndarray, rest: np.ndarray
) -> np.ndarray:
    """Per query and tile, a lower bound of the screening's value of every row left out.

    A tile's rows left out are its values taken but not kept, and its rows
    never taken (``rest``), which are at least its last value taken (values
    are taken smallest first); ``inf`` for a tile with no row left out.

    Parameters
    ----------
    values : ndarray of shape (n, sum(taken))
        The values taken, tile after tile, each tile's in increasing order.
    kept : ndarray of shape (n, c)
        Columns of ``values`` kept as candidates.
    tile_starts, taken : ndarrays of shape (n_tiles,)
        Each tile's first column in ``values`` and its number of values.
    rest : ndarray of shape (n_tiles,) of bool
        Whether the tile has rows that were not taken.

    Returns
    -------
    ndarray of shape (n, n_tiles)

    Examples
    --------
    >>> import numpy as np
    >>> values = np.array([[1.0, 2.0, 5.0, 3.0, 4.0]])  # tiles of 3 and 2 values
    >>> least_left_out(values, np.array([[0, 1]]), np.array([0, 3]), np.array([3, 2]),
    ...                np.array([True, False])).tolist()
    [[5.0, 3.0]]
    >>> least_left_out(values, np.array([[0, 1, 2]]), np.array([0, 3]), np.array([3, 2]),
    ...                np.array([True, False])).tolist()  # the first tile's rest: at least 5
    [[5.0, 3.0]]
    >>> least_left_out(values, np.array([[3, 4]]), np.array([0, 3]), np.array([3, 2]),
    ...                np.array([True, False])).tolist()
    [[1.0, inf]]
    """
    left = values.copy()
    np.put_along_axis(left, kept, np.inf, axis=1)
    least = np.minimum.reduceat(left, tile_starts, axis=1)
    last = values[:, tile_starts + taken - 1]
    return np.where(np.isfinite(least), least, np.where(rest, last, np.inf))


def _tiles(squared_norms: np.ndarray, cell_codes: np.ndarray, cell_starts: np.ndarray) -> list:
    """(cell, first, stop) of each tile of rows sorted by cell, then by norm.

    A tile holds at most ``_REFERENCE_ROWS`` rows of one cell, and rows whose
    ``|r|²`` is at most ``_TILE_NORM_GROWTH`` times ``|r|²`` of its first row
    plus the median ``|r|²``: its rounding bound stays within that factor of
    its smallest row's, and an outlying row, far above the others, has a tile
    of its own.
    """
    floor = float(np.median(squared_norms))
    tiles = []
    for code, start, stop in zip(cell_codes, cell_starts[:-1], cell_starts[1:], strict=True):
        first, norms = int(start), squared_norms[start:stop]
        while first < stop:
            growth = _TILE_NORM_GROWTH * (squared_norms[first] + floor)
            end = min(first + _REFERENCE_ROWS, int(start) + int(np.searchsorted(norms, growth, side="right")))
            end = max(end, first + 1)
            tiles.append((int(code), first, end))
            first = end
    return tiles


def rounding_bound(query_norms: np.ndarray, largest, n_dims: int) -> np.ndarray:
    """The largest error of the float32 ``t = |r|² - 2 q·r`` of each query, over rows ``|r| <= largest``.

    ``γ · Σ |[-2q, 1]_i · [r, |r|²]_i| <= γ · (2 |q| |r| + |r|²)``, with ``γ`` for
    ``d + 1`` products and the rounding of both inputs to float32, and room
    for underflow.
    """
    terms = n_dims + 4
    gamma = terms * _UNIT_ROUNDOFF / (1 - terms * _UNIT_ROUNDOFF)
    return gamma * (2 * np.sqrt(query_norms) * largest + largest**2) + terms * np.finfo(np.float32).tiny


def _blas_threads() -> int:
    """The threads the BLAS may use (what the user allowed, e.g. by ``OMP_NUM_THREADS``)."""
    counts = [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]
    return max(counts, default=1)
