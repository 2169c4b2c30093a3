"""Synthetic rows that are copies of real rows: finding them so they can be drawn again.

Two synthetic rows, or a synthetic and a real row, are *equal* when every
output column decodes to the same value (missing equal to missing).  Rows
are compared through a 64-bit hash of those values, and every hash match is
confirmed value by value, so the answer is exact.

Which rows need a look:

- a table with an identifier column has none (fresh identifiers never equal
  a real one);
- a table with a full-precision continuous column (no value grid, not
  discrete) ``c``: a mixed row can only equal a real row ``r`` if its value
  in ``c`` equals ``r``'s.  The rows whose value in ``c`` is one of their
  parents' (the parents share it, or a weight so close to one that the mix
  rounds onto a parent) or is missing are checked; any other mixed value is
  a new double, equal to one of the ``n`` real values with probability
  about ``n · 2**-52`` (under 1e-9 for a million rows), which is not looked
  for;
- any other table (only grid, discrete and categorical columns): every row
  is checked.

Up to 16 rows to check are compared with the real rows that share their
watched value, found by one pass over that column; more go through an index
of every real row (its hashes, sorted), built once per fit.  Checking a
handful of rows (a row paired with itself under ``distinct_parents=False``)
through the index made ``sample`` at 10**6 rows 2.5 times as slow.
"""

from __future__ import annotations

import numpy as np

__all__ = ["CopyFinder"]

_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)  # 2**64 / golden ratio: an odd constant that mixes bits
_MISSING = np.uint64(0x7FF8DEADBEEF0001)  # the hashed stand-in of a missing value
# Up to this many rows to check, a scan of the watched column beats indexing every real row
# (one pass over the column per row to check: about 0.2 ms per 10**6 rows each).
_SCAN_MAX_ROWS = 16
_SCAN_MAX_SHARED = 1 << 12  # real rows sharing their watched values, compared column by column


class CopyFinder:
    """Finds the synthetic rows of a fitted codec's table that equal one of its real rows.

    Parameters
    ----------
    codec : TableCodec
        Fitted on the real table.
    continuous, categorical : ndarrays
        The real table, encoded by ``codec``.

    Attributes
    ----------
    watched_column : int or None
        The full-precision continuous column whose shared parent values flag
        the rows to check, or None when every row is checked.
    needed : bool
        False when no synthetic row can equal a real one (identifiers).
    """

    def __init__(self, codec, continuous: np.ndarray, categorical: np.ndarray):
        self._codec = codec
        self._continuous, self._categorical = continuous, categorical
        self.needed = len(codec.identifier_indices) == 0
        self.watched_column = next(
            (
                k
                for k, handler in enumerate(codec.continuous_handlers)
                if handler.grid_step is None and not handler.discrete
            ),
            None,
        )
        self._real_keys = None
        self._real_watched_key = None

    def _keys(self, continuous: np.ndarray, categorical: np.ndarray) -> list[np.ndarray]:
        """Per output column, uint64 keys equal iff the decoded values are (missing included)."""
        keys = [self._continuous_key(k, continuous[:, k]) for k in range(continuous.shape[1])]
        for k in range(categorical.shape[1]):
            keys.append(categorical[:, k].astype(np.int64).view(np.uint64))
        return keys

    def _continuous_key(self, k: int, column: np.ndarray) -> np.ndarray:
        values, missing = self._codec.continuous_handlers[k].exact(np.array(column, dtype=np.float64))
        if values.dtype.kind == "f":
            values = values + 0.0  # -0.0 and 0.0 decode equal
        key = np.ascontiguousarray(values).view(np.uint64).copy()
        key[missing] = _MISSING
        return key

    @staticmethod
    def _hash(keys: list[np.ndarray], n_rows: int) -> np.ndarray:
        hashed = np.zeros(n_rows, dtype=np.uint64)
        for key in keys:
            hashed ^= key
            hashed *= _MULTIPLIER
            hashed ^= hashed >> np.uint64(29)
        return hashed

    def _real(self):
        if self._real_keys is None:
            keys = self._keys(self._continuous, self._categorical)
            hashed = self._hash(keys, len(self._continuous))
            order = np.argsort(hashed, kind="stable")
            self._real_keys = (keys, hashed[order], order)
        return self._real_keys

    def copies(
        self, continuous: np.ndarray, categorical: np.ndarray, candidates: np.ndarray | None = None
    ) -> np.ndarray:
        """Positions of the synthetic rows equal to a real row.

        Parameters
        ----------
        continuous, categorical : ndarrays
            Encoded synthetic rows (the codec's columns, in its order).
        candidates : ndarray of bool, default=None
            The rows to look at (None: every row).

        Returns
        -------
        ndarray of int
        """
        rows = np.arange(len(continuous)) if candidates is None else np.flatnonzero(candidates)
        if not self.needed or rows.size == 0:
            return np.empty(0, dtype=np.intp)
        if self._real_keys is None and self.watched_column is not None and rows.size <= _SCAN_MAX_ROWS:
            scanned = self._scanned(continuous[rows], categorical[rows])
            if scanned is not None:
                return rows[scanned]
        keys = self._keys(continuous[rows], categorical[rows])
        hashed = self._hash(keys, rows.size)
        real_keys, real_sorted, real_order = self._real()
        at = np.minimum(np.searchsorted(real_sorted, hashed), len(real_sorted) - 1)
        hit = np.flatnonzero(real_sorted[at] == hashed)
        if hit.size == 0:
            return np.empty(0, dtype=np.intp)
        # Confirm value by value against every real row with the same hash.
        confirmed = np.zeros(hit.size, dtype=bool)
        end = np.searchsorted(real_sorted, hashed[hit], side="right")
        position = at[hit].copy()
        while True:
            open_ = ~confirmed & (position < end)
            if not open_.any():
                break
            real_rows = real_order[position[open_]]
            equal = np.ones(int(open_.sum()), dtype=bool)
            for key, real_key in zip(keys, real_keys, strict=True):
                equal &= key[hit[open_]] == real_key[real_rows]
            confirmed[np.flatnonzero(open_)[equal]] = True
            position[open_] += 1
        return rows[hit[confirmed]]

    def _scanned(self, continuous: np.ndarray, categorical: np.ndarray) -> np.ndarray | None:
        """Which of a few rows equal a real row, by a scan of the watched column.

        A row can only equal the real rows that share its watched value: those
        are found in one pass over that column, then compared column by column.
        Indexing every real row instead (hashing the whole table and sorting
        the hashes) costs about 0.2 s at 10**6 rows, which a handful of rows
        to check (a row paired with itself, parents that share their watched
        value) would otherwise pay at every fit.  None when more than
        ``_SCAN_MAX_SHARED`` real rows share those values (a common value, or
        missing values): the index is then the quicker.
        """
        k = self.watched_column
        keys = self._keys(continuous, categorical)
        if self._real_watched_key is None:  # kept for the redraws that follow
            self._real_watched_key = self._continuous_key(k, self._continuous[:, k])
        # One comparison per value: 0.2 ms per 10**6 rows, where np.isin takes 2.7 ms for one value.
        sharing = np.concatenate(
            [np.flatnonzero(self._real_watched_key == value) for value in np.unique(keys[k])]
        )
        if sharing.size == 0:
            return np.empty(0, dtype=np.intp)
        if sharing.size > _SCAN_MAX_SHARED:
            return None
        real_keys = self._keys(self._continuous[sharing], self._categorical[sharing])
        equal = np.ones((len(continuous), sharing.size), dtype=bool)
        for key, real_key in zip(keys, real_keys, strict=True):
            equal &= key[:, None] == real_key[None, :]
        return np.flatnonzero(equal.any(axis=1))
