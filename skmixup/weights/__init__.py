"""Weight laws: how the parents of a synthetic row are weighted, and which one is kept.

Every law is a small parameter object (``get_params`` / ``set_params`` /
``clone`` / pickle) that draws the weights of a row (:meth:`~WeightDistribution.draw`)
and knows, exactly, what they do to the moments of the continuous columns:
the variance factor, the contamination of the categories, and the factors of
the third and fourth central moments.  No moment is ever estimated by Monte
Carlo.

Two-parent laws (the weight ``W`` of the first parent, ``1 - W`` of the
second): :class:`Uniform`, :class:`Beta`, :class:`EpBeta`,
:class:`ScipyWeights`.  Multi-parent laws: :class:`CircleWeights` (three
parents on the circle ``Σw = Σw² = 1``) and :class:`KurtosisMatchedWeights`
(a row-by-row mixture of EpBeta and the circle that holds a kurtosis).
"""

from __future__ import annotations

from scipy import stats

from ._base import MultiParentWeights, PowerSums, WeightDistribution
from ._beta import Beta, EpBeta, Uniform
from ._circle import CircleWeights
from ._kurtosis import KurtosisMatchedWeights
from ._scipy import ScipyWeights

__all__ = [
    "Beta",
    "CircleWeights",
    "EpBeta",
    "KurtosisMatchedWeights",
    "MultiParentWeights",
    "PowerSums",
    "ScipyWeights",
    "Uniform",
    "WeightDistribution",
    "check_weights",
]


def check_weights(weights, parameter: str = "weights") -> WeightDistribution:
    """Turn None, a weight law or a frozen scipy law into a validated one.

    Examples
    --------
    >>> from scipy import stats
    >>> from skmixup.weights import check_weights
    >>> check_weights(None)
    EpBeta()
    >>> check_weights(stats.beta(2, 2)).variance_factor()
    0.6
    """
    if weights is None:
        weights = EpBeta()
    elif not isinstance(weights, WeightDistribution):
        if isinstance(getattr(weights, "dist", None), stats.rv_continuous):
            weights = ScipyWeights(weights)
        else:
            raise TypeError(
                f"The '{parameter}' parameter must be a WeightDistribution (Uniform(), Beta(a, b), "
                f"EpBeta(delta=...), CircleWeights(), ...), a frozen continuous scipy.stats distribution "
                f"or None. Got {weights!r} of type {type(weights).__name__} instead."
            )
    weights._check_law()  # validates, and solves EpBeta
    return weights
