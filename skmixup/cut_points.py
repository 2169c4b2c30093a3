"""Cut-point policies: which parent's category a synthetic row keeps.

A policy maps the mixing weight ``w`` of a synthetic row to the probability
``p(w)`` of keeping the category of the first parent ``i`` (otherwise the
second parent ``j``'s category is kept).  Every policy shipped here has a
``p`` that is piecewise linear in ``w``; that is what makes its contamination

.. math:: u = E[p(W)(1 - W) + (1 - p(W)) W]

exact: on a piece where ``p(w) = a + b w`` the integrand is the polynomial
``a + (1 - 2a + b) w - 2b w^2``, so ``u`` only needs the partial moments
``E[W^k 1{lower <= W < upper}]`` (k = 0, 1, 2) of the weight distribution.
"""

from __future__ import annotations

from collections.abc import Callable
from numbers import Real
from typing import NamedTuple

import numpy as np
from sklearn.utils._param_validation import Interval

from ._params import ParameterObject, check_random_source, uniform

__all__ = ["ClippedWeight", "CutPointPolicy", "Threshold", "check_cut_point"]

PartialMoment = Callable[[int, float, float], float]


class LinearPiece(NamedTuple):
    """``p(w) = intercept + slope * w`` for ``lower <= w < upper``."""

    lower: float
    upper: float
    intercept: float
    slope: float


def contamination_from_pieces(pieces: tuple[LinearPiece, ...], partial_moment: PartialMoment) -> float:
    """Exact contamination ``u`` of a piecewise-linear keep probability.

    ``partial_moment(k, lower, upper)`` must return ``E[W^k 1{lower <= W < upper}]``.
    """
    total = 0.0
    for lower, upper, a, b in pieces:
        total += (
            a * partial_moment(0, lower, upper)
            + (1.0 - 2.0 * a + b) * partial_moment(1, lower, upper)
            - 2.0 * b * partial_moment(2, lower, upper)
        )
    return total


class CutPointPolicy(ParameterObject):
    """Base class of the rules that pick a synthetic row's category.

    Subclasses define :meth:`pieces`; drawing the choice and computing the
    exact contamination come from here.
    """

    def pieces(self) -> tuple[LinearPiece, ...]:
        """The keep probability as linear pieces covering the real line."""
        raise NotImplementedError

    def keep_probability(self, weights: np.ndarray) -> np.ndarray:
        """Probability of keeping the first parent's category, per weight."""
        weights = np.asarray(weights, dtype=float)
        probability = np.zeros_like(weights)
        for lower, upper, a, b in self.pieces():
            on_piece = (weights >= lower) & (weights < upper)
            probability[on_piece] = a + b * weights[on_piece]
        return probability

    def keep_first(self, weights: np.ndarray, random_state=None) -> np.ndarray:
        """Draw, for each weight, whether the first parent's category is kept.

        Parameters
        ----------
        weights : ndarray of shape (n,)
            The mixing weight of each synthetic row.
        random_state : int, RandomState instance or None, default=None
            Source of randomness for stochastic policies.

        Returns
        -------
        ndarray of shape (n,), dtype=bool
        """
        probability = self.keep_probability(weights)
        if np.all((probability == 0.0) | (probability == 1.0)):
            return probability == 1.0
        draws = uniform(check_random_source(random_state), probability.shape)
        return draws < probability

    def contamination(self, weights) -> float:
        """Exact contamination ``u`` of this policy under a weight distribution.

        Parameters
        ----------
        weights : WeightDistribution
            Anything with a ``partial_moment(order, lower, upper)`` method.

        Returns
        -------
        float
        """
        self._validate()
        return contamination_from_pieces(self.pieces(), weights.partial_moment)

    def _cache_key(self) -> tuple:
        return (type(self).__name__, self.pieces())


class Threshold(CutPointPolicy):
    """Keep the first parent's category iff ``W >= threshold`` (:ref:`theory-model`).

    Parameters
    ----------
    threshold : float, default=0.5
        The cut point τ. Any finite real number.

    Examples
    --------
    >>> import numpy as np
    >>> from skmixup import Uniform
    >>> from skmixup.cut_points import Threshold
    >>> Threshold(0.5).keep_first(np.array([0.2, 0.5, 0.9]))
    array([False,  True,  True])
    >>> round(Threshold(0.5).contamination(Uniform()), 4)
    0.25
    """

    _parameter_constraints: dict = {"threshold": [Interval(Real, None, None, closed="neither")]}

    def __init__(self, threshold: float = 0.5):
        self.threshold = threshold

    def pieces(self) -> tuple[LinearPiece, ...]:
        tau = float(self.threshold)
        return (LinearPiece(-np.inf, tau, 0.0, 0.0), LinearPiece(tau, np.inf, 1.0, 0.0))

    def keep_first(self, weights: np.ndarray, random_state=None) -> np.ndarray:
        # What the pieces give, in one comparison: the estimator calls this for every row.
        return np.asarray(weights, dtype=float) >= float(self.threshold)


class ClippedWeight(CutPointPolicy):
    """Keep the first parent's category with probability ``clip(W, 0, 1)``.

    A stochastic cut point: a row that is 70 % parent ``i`` takes ``i``'s
    category 70 % of the time, so the category follows the continuous
    columns more smoothly than with a hard threshold.

    Examples
    --------
    >>> from skmixup import Uniform
    >>> from skmixup.cut_points import ClippedWeight
    >>> round(ClippedWeight().contamination(Uniform()), 4)  # 2 E[W(1 - W)] = 1/3
    0.3333
    """

    def pieces(self) -> tuple[LinearPiece, ...]:
        return (
            LinearPiece(-np.inf, 0.0, 0.0, 0.0),
            LinearPiece(0.0, 1.0, 0.0, 1.0),
            LinearPiece(1.0, np.inf, 1.0, 0.0),
        )


def check_cut_point(cut_point, parameter: str = "cut_point") -> CutPointPolicy:
    """Turn a float or a policy into a validated :class:`CutPointPolicy`."""
    if isinstance(cut_point, CutPointPolicy):
        policy = cut_point
    elif isinstance(cut_point, Real) and not isinstance(cut_point, bool):
        if not np.isfinite(cut_point):
            raise ValueError(
                f"The '{parameter}' parameter must be a finite real number or a "
                f"CutPointPolicy. Got {cut_point!r} instead."
            )
        policy = Threshold(float(cut_point))
    else:
        raise TypeError(
            f"The '{parameter}' parameter must be a finite real number (a threshold) "
            f"or a CutPointPolicy instance such as ClippedWeight(). "
            f"Got {cut_point!r} of type {type(cut_point).__name__} instead."
        )
    policy._validate()
    return policy
