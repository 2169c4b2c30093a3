"""Any frozen continuous scipy.stats distribution as a two-parent weight law."""

from __future__ import annotations

import numpy as np
from scipy import stats

from ._base import WeightDistribution


class ScipyWeights(WeightDistribution):
    """Any frozen continuous ``scipy.stats`` distribution as mixing weights.

    Moments come from scipy; partial moments (for the contamination) from
    numerical quadrature.

    Parameters
    ----------
    distribution : frozen scipy.stats continuous distribution
        For example ``scipy.stats.truncnorm(-2, 2, loc=0.9, scale=0.1)``.

    Examples
    --------
    >>> from scipy import stats
    >>> from skmixup.weights import ScipyWeights
    >>> round(ScipyWeights(stats.uniform(0, 1)).variance_factor(), 4)
    0.6667
    """

    _parameter_constraints: dict = {"distribution": [object]}

    def __init__(self, distribution=None):
        self.distribution = distribution

    def _validate(self) -> None:
        dist = self.distribution
        is_frozen_continuous = isinstance(getattr(dist, "dist", None), stats.rv_continuous)
        if not is_frozen_continuous:
            raise TypeError(
                "The 'distribution' parameter of ScipyWeights must be a frozen continuous "
                f"scipy.stats distribution such as scipy.stats.beta(2, 2). Got {dist!r} instead."
            )
        mean, variance = dist.stats(moments="mv")
        if not (np.isfinite(mean) and np.isfinite(variance)):
            raise ValueError(
                f"The 'distribution' parameter of ScipyWeights must have a finite mean and "
                f"variance; {dist.dist.name} has mean {mean} and variance {variance}."
            )

    def to_scipy(self):
        self._validate()
        return self.distribution

    def mean(self) -> float:
        return float(self.to_scipy().mean())

    def second_moment(self) -> float:
        return float(self.to_scipy().moment(2))
