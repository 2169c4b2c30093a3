"""EpBeta's reach narrowed pair by pair, so that mixes stay in the observed range (``clip="narrow"``).

A row mixed from the pair (i, j) with weight ``W`` on ``x_i`` lies beyond
``x_i`` by ``(W - 1)·|x_i - x_j|`` when ``W > 1`` and beyond ``x_j`` by
``-W·|x_i - x_j|`` when ``W < 0``.  With EpBeta on ``[-ε0, 1 + ε1]`` the pair
stays inside ``[low, high]`` in a column when ``max(ε0, ε1)·|x_i - x_j|`` is
at most the *room* of the pair there: the smaller of the distances from
``x_i`` and from ``x_j`` to the bound beyond it.  The *room ratio* ``r`` of a
pair is the smallest ``room / |x_i - x_j|`` over the mixed columns.

Why the moments stay exact: the variance, every covariance and the mean of
the mixes are kept exactly as soon as, for every unordered pair {i, j}, both
orders (i, j) and (j, i) draw their weight from laws with ``E[W²] = E[W]``
and the same ``E[W]`` (the weight of ``x_i`` then has mean and second moment
1/2 over the two orders, as in the bootstrap).  ``r`` is symmetric in i and j,
so both orders get the same law.  The laws form a ladder: EpBeta with
``(ε0, ε1)·2^-k`` for ``k = 0 … 3``, each solved for ``E[W²] = E[W]`` and a
contamination ``δ_k = min(δ, 0.8·δmax(ε_k))`` (at most δ; :class:`~skmixup.EpBeta`'s
``epsilon="auto"`` puts δ at the same 80 % of its reach).  A pair takes the
widest rung that fits its room; a pair with less room than the narrowest rung
(one parent on the observed bound, the other inside) takes the narrowest
rung and can leave the range by at most ``ε/8`` of its difference.  Going
further down the ladder would keep the range, but only by making near-copies
of the parents (a law with ``E[W²] = E[W]`` and no room concentrates at 0
and 1).
"""

from __future__ import annotations

import numpy as np

from ._solver import AUTO_EPSILON_REACH
from .weights import EpBeta

__all__ = ["NarrowedReach", "room_ratio"]

#: The rungs of the ladder: ε, ε/2, ε/4, ε/8.
N_RUNGS = 4
# Pairs whose room is computed at once (see room_ratio).
_PAIRS_PER_CHUNK = 2048


def room_ratio(
    values: np.ndarray, parents: np.ndarray, low: np.ndarray, high: np.ndarray, columns=None
) -> np.ndarray:
    """Per pair, the smallest ``room / |x_i - x_j|`` over the columns (``inf`` if no column limits it).

    Parameters
    ----------
    values : ndarray of shape (n_rows, p), float64
        The continuous columns of the table, NaN where missing (a missing
        value limits nothing: the kept parent's value, or the missing value,
        is taken).
    parents : ndarray of shape (n_pairs, 2), int
        The pairs, rows of ``values``.
    low, high : ndarray of shape (p,) or (len(columns),)
        The bounds of each column.
    columns : ndarray of int, default=None
        The columns that limit the room (the mixed ones); None for all.

    Returns
    -------
    ndarray of shape (n_pairs,)

    Examples
    --------
    >>> import numpy as np
    >>> values = np.array([[0.0], [2.0], [6.0]])  # observed in [0, 10]
    >>> room_ratio(values, np.array([[0, 1], [1, 2], [1, 1]]), np.array([0.0]), np.array([10.0]))
    array([0. , 0.5, inf])
    """
    ratio = np.empty(len(parents))
    # A few thousand pairs at a time: their rows and every temporary stay in cache, where
    # one pass over a whole block of rows after another was bound by memory (3 times slower).
    for start in range(0, len(parents), _PAIRS_PER_CHUNK):
        pairs = parents[start : start + _PAIRS_PER_CHUNK]
        first, second = np.take(values, pairs[:, 0], axis=0), np.take(values, pairs[:, 1], axis=0)
        if columns is not None:
            first, second = first[:, columns], second[:, columns]
        upper, lower = np.maximum(first, second), np.minimum(first, second)  # NaN if either is
        # The room beyond each parent, on the side away from the other one: high - upper
        # beyond the larger value, lower - low beyond the smaller.
        room = np.minimum(high - upper, lower - low)
        gap = np.subtract(upper, lower, out=upper)
        with np.errstate(divide="ignore", invalid="ignore"):
            room /= gap
        room[~(gap > 0)] = np.inf  # equal values (or a missing one) never leave the range
        np.fmin.reduce(room, axis=1, initial=np.inf, out=ratio[start : start + len(pairs)])
    return ratio


class NarrowedReach:
    """The ladder of EpBeta laws of ``clip="narrow"`` and the rung each pair takes.

    Parameters
    ----------
    weights : EpBeta
        The law to narrow, the widest rung; the others are solved against
        its cut point.

    Attributes
    ----------
    laws : list of EpBeta
        The rungs, widest first.
    reaches : ndarray of shape (N_RUNGS,)
        ``max(ε0, ε1)`` of each rung.

    Examples
    --------
    >>> import numpy as np
    >>> from skmixup import EpBeta
    >>> ladder = NarrowedReach(EpBeta(delta=0.05))
    >>> ladder.reaches.tolist()
    [0.3, 0.15, 0.075, 0.0375]
    >>> [round(law.variance_factor(), 12) for law in ladder.laws]
    [1.0, 1.0, 1.0, 1.0]
    >>> [round(law.contamination(), 4) for law in ladder.laws]
    [0.05, 0.033, 0.0197, 0.0108]
    >>> ladder.rungs(np.array([np.inf, 0.2, 0.1, 0.0])).tolist()
    [0, 1, 2, 3]
    """

    def __init__(self, weights: EpBeta):
        epsilon0, epsilon1 = weights.epsilon_
        self.laws = [weights]
        for k in range(1, N_RUNGS):
            epsilon = (epsilon0 / 2**k, epsilon1 / 2**k)
            delta = min(
                float(weights.delta), AUTO_EPSILON_REACH * EpBeta.max_delta(epsilon, weights.cut_point)
            )
            self.laws.append(EpBeta(delta=delta, epsilon=epsilon, cut_point=weights.cut_point))
        self.reaches = np.array([max(law.epsilon_) for law in self.laws])

    def rungs(self, ratio: np.ndarray) -> np.ndarray:
        """The widest rung whose reach fits each room ratio (the narrowest when none fits)."""
        # reaches decrease: the rung is the number of reaches above the ratio.
        above = np.searchsorted(-self.reaches, -ratio, side="left")
        return np.minimum(above, N_RUNGS - 1).astype(np.intp)

    def rvs(self, rungs: np.ndarray, random_state, n_columns: int | None = None) -> np.ndarray:
        """Weights ``W`` of each row from its rung's law, shape ``(n,)`` or ``(n, n_columns)``.

        The rows of each rung are drawn together, widest rung first, so the
        draw depends only on the rungs and the random source.
        """
        shape = (len(rungs),) if n_columns is None else (len(rungs), n_columns)
        weights = np.empty(shape)
        for k, law in enumerate(self.laws):
            rows = np.flatnonzero(rungs == k)
            if rows.size:
                weights[rows] = law.rvs((rows.size, *shape[1:]), random_state)
        return weights
