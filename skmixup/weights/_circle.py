"""Three parents on the circle ``Σw = 1, Σw² = 1``: every row keeps the variance exactly.

The weights ``w_k = 1/3 + (2/3)cos(θ - 2πk/3)`` (k = 0, 1, 2) satisfy
``Σw = 1`` and ``Σw² = 1`` for every angle θ, so *each* synthetic row, not
only the average, keeps every variance and covariance.  The vertices
``θ = 2πK/3`` are the real rows (one weight 1, the others 0).  The angle is
drawn near a vertex: ``θ = 2πK/3 + χ/3`` with ``K`` uniform on {0, 1, 2} and
``χ`` von Mises(0, κ) on (-π, π], so that ``|θ - 2πK/3| < π/3`` and the
parent ``K`` always has the largest weight; κ is solved from the
contamination δ.

Everything else follows from two expectations of the von Mises law:

* ``u = 1 - E[w_K] = (2/3)(1 - E[cos(χ/3)]) = (4/3) E[sin²(χ/6)]``;
* ``Σw⁴ = 19/27 + (8/27)cos 3θ`` and ``Σw³ = 1 - (2/9)(1 - cos 3θ)`` with
  ``cos 3θ = cos χ``, so ``E[Σw⁴]`` and ``E[Σw³]`` need ``1 - E[cos χ] = 2E[sin²(χ/2)]``.

Both are computed by adaptive quadrature of the von Mises density to ~1e-13
relative (``1 - E[cos χ] = 1 - I1(κ)/I0(κ)`` too, with no cancellation at
large κ).
"""

from __future__ import annotations

import itertools
from functools import lru_cache
from math import pi, sqrt
from numbers import Real

import numpy as np
from scipy import integrate, optimize
from sklearn.utils._param_validation import Interval

from .._params import check_random_source, integers
from ._base import MultiParentWeights, PowerSums, _check_n_samples

# θ uniform on the circle (κ = 0): E[cos(χ/3)] = 3√3/(2π), u = 2/3 - √3/π.
CIRCLE_MAX_DELTA = 2.0 / 3.0 - sqrt(3.0) / pi
_VERTEX_ANGLE = 2.0 * pi / 3.0
_QUAD = {"epsabs": 0.0, "epsrel": 1e-13, "limit": 200}


def _von_mises_mean(h, kappa: float) -> float:
    """``E[h(χ)]`` for an even ``h`` and ``χ ~ von Mises(0, κ)`` on (-π, π].

    The density is ``∝ exp(κ(cos χ - 1)) = exp(-2κ sin²(χ/2))`` (no
    overflow); for κ > 1 the integral is taken in ``t = χ√κ``, where the
    peak has width ~1 whatever κ, with break points at t = 1, 2, 4, ...
    """
    if kappa == 0.0:
        value, _ = integrate.quad(h, 0.0, pi, **_QUAD)
        return value / pi
    if kappa <= 1.0:

        def density(chi):
            return np.exp(-2.0 * kappa * np.sin(0.5 * chi) ** 2)

        top, _ = integrate.quad(lambda c: h(c) * density(c), 0.0, pi, **_QUAD)
        bottom, _ = integrate.quad(density, 0.0, pi, **_QUAD)
        return top / bottom
    root = sqrt(kappa)
    end = pi * root

    def density_t(t):
        return np.exp(-2.0 * kappa * np.sin(0.5 * t / root) ** 2)

    points = [p for p in (1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0) if p < end]
    top = bottom = 0.0
    for a, b in itertools.pairwise([0.0, *points, end]):
        top += integrate.quad(lambda t: h(t / root) * density_t(t), a, b, **_QUAD)[0]
        bottom += integrate.quad(density_t, a, b, **_QUAD)[0]
    return top / bottom


@lru_cache(maxsize=1024)
def _contamination_at(kappa: float) -> float:
    """``u = (4/3) E[sin²(χ/6)]``; 0 for κ = ∞ (every row at a vertex)."""
    if np.isinf(kappa):
        return 0.0
    return 4.0 / 3.0 * _von_mises_mean(lambda chi: np.sin(chi / 6.0) ** 2, kappa)


@lru_cache(maxsize=1024)
def _one_minus_mean_cos(kappa: float) -> float:
    """``1 - E[cos χ] = 2 E[sin²(χ/2)]`` (``1 - I1(κ)/I0(κ)``)."""
    if np.isinf(kappa):
        return 0.0
    return 2.0 * _von_mises_mean(lambda chi: np.sin(chi / 2.0) ** 2, kappa)


@lru_cache(maxsize=1024)
def solve_circle_kappa(delta: float) -> float:
    """The κ whose contamination is δ (``inf`` for δ = 0, 0 for δ = δmax)."""
    if delta == 0.0:
        return np.inf
    if delta >= CIRCLE_MAX_DELTA:
        return 0.0
    lowest = -40.0  # κ = 4e-18: u is δmax to ~1e-17
    if delta >= _contamination_at(float(np.exp(lowest))):
        return 0.0
    # u ≈ 1/(27κ) for large κ: start above the root and widen if needed.
    highest = np.log(1.0 / (27.0 * delta)) + 3.0
    while _contamination_at(float(np.exp(highest))) > delta:
        highest += 5.0
    return float(
        np.exp(
            optimize.brentq(
                lambda s: _contamination_at(float(np.exp(s))) - delta, lowest, highest, xtol=1e-13, rtol=1e-13
            )
        )
    )


class CircleWeights(MultiParentWeights):
    r"""Three parents with weights on the circle ``Σw = 1, Σw² = 1``.

    ``w_k = 1/3 + (2/3)cos(θ - 2πk/3)`` for k = 0, 1, 2.  Every row keeps
    ``Σw² = 1`` exactly, so every variance and covariance is kept *row by
    row* (EpBeta keeps them on average), and the fourth-moment factor
    ``E[Σw⁴] ≤ 1`` pulls the kurtosis towards 3 instead of letting it grow;
    the skewness shrinks (:ref:`theory-circle`).  The weights range over
    ``[-1/3, 1]``.

    The angle is ``θ = 2πK/3 + χ/3``: ``K`` uniform on {0, 1, 2} is the
    parent with the largest weight, which gives the row its categories and
    missingness, and ``χ ~ von Mises(0, κ)`` with κ solved so that the
    contamination ``u = 1 - E[w_K]`` equals δ.  ``δ = 0`` puts every row on
    a vertex (a copy of a real row); the largest δ,
    ``2/3 - √3/π ≈ 0.1153``, is θ uniform on the circle (κ = 0).

    Parameters
    ----------
    delta : float, default=0.05
        The contamination, in ``[0, 2/3 - √3/π]``.
    cut_point : None, default=None
        Only None: the kept parent is the one with the largest weight.  The
        parameter exists so that every law answers ``cut_point`` alike.

    Attributes
    ----------
    kappa_ : float
        The solved von Mises concentration (read-only property).

    Examples
    --------
    >>> from skmixup import CircleWeights
    >>> weights = CircleWeights(delta=0.05)
    >>> round(weights.kappa_, 4), round(weights.contamination(), 12)
    (1.1703, 0.05)
    >>> w, kept = weights.draw(4, random_state=0)
    >>> w.sum(axis=1).round(12), (w**2).sum(axis=1).round(12)
    (array([1., 1., 1., 1.]), array([1., 1., 1., 1.]))
    >>> bool((kept == w.argmax(axis=1)).all())
    True
    >>> round(CircleWeights.max_delta(), 4), round(weights.kurtosis_after(9.0, rounds=100), 3)
    (0.1153, 3.0)
    """

    n_parents = 3

    _parameter_constraints: dict = {
        "delta": [Interval(Real, 0, 1, closed="both")],
        "cut_point": [None],
    }

    def __init__(self, delta: float = 0.05, cut_point: None = None):
        self.delta = delta
        self.cut_point = cut_point

    @staticmethod
    def max_delta() -> float:
        """The largest reachable δ, ``2/3 - √3/π ≈ 0.1153`` (θ uniform on the circle).

        Examples
        --------
        >>> from skmixup import CircleWeights
        >>> round(CircleWeights.max_delta(), 6)
        0.115338
        """
        return CIRCLE_MAX_DELTA

    def _kappa(self) -> float:
        self._validate()
        self._check_no_cut_point(self.cut_point)
        delta = float(self.delta)
        if delta > CIRCLE_MAX_DELTA:
            raise ValueError(
                f"The 'delta' parameter of CircleWeights must be in [0, {CIRCLE_MAX_DELTA:.4f}] "
                f"(2/3 - √3/π, reached with θ uniform on the circle); got delta={delta}."
            )
        return solve_circle_kappa(delta)

    @property
    def kappa_(self) -> float:
        """The von Mises concentration κ of ``χ = 3(θ - 2πK/3)`` (``inf`` for δ = 0)."""
        return self._kappa()

    def _check_law(self) -> None:
        self._kappa()

    def draw(self, n_samples: int, random_state=None, cut_point=None) -> tuple[np.ndarray, np.ndarray]:
        """Draw the three weights of each row and its kept parent (the largest weight).

        Parameters
        ----------
        n_samples : int
        random_state : int, RandomState instance or None, default=None
        cut_point : None, default=None
            Only None.

        Returns
        -------
        weights : ndarray of shape (n_samples, 3), float64
            On the circle: each row sums to 1 and its squares sum to 1.
        kept : ndarray of shape (n_samples,), intp
            The vertex K, whose weight is the largest.
        """
        self._check_no_cut_point(cut_point)
        n_samples = _check_n_samples(n_samples)
        kappa = self._kappa()
        random_state = check_random_source(random_state)
        vertex = integers(random_state, 3, n_samples).astype(np.intp)
        if np.isinf(kappa):  # delta = 0: every row a vertex, its parent's copy bit for bit
            weights = np.zeros((n_samples, 3))
            weights[np.arange(n_samples), vertex] = 1.0
            return weights, vertex
        if kappa == 0.0:
            chi = random_state.uniform(-pi, pi, size=n_samples)
        else:
            chi = random_state.vonmises(0.0, kappa, size=n_samples)
        theta = _VERTEX_ANGLE * vertex + chi / 3.0
        weights = 1.0 / 3.0 + 2.0 / 3.0 * np.cos(theta[:, None] - _VERTEX_ANGLE * np.arange(3))
        return weights, vertex

    def _contamination(self) -> float:
        return _contamination_at(self._kappa())

    def power_sums(self) -> PowerSums:
        """``E[Σw²] = 1``, ``E[Σw³] = 1 - (2/9)(1 - E[cos χ])``, ``E[Σw⁴] = 1 - (8/27)(1 - E[cos χ])``.

        Examples
        --------
        >>> from skmixup import CircleWeights
        >>> [round(x, 4) for x in CircleWeights(delta=CircleWeights.max_delta()).power_sums()]
        [1.0, 0.7778, 0.7037, 1.0]
        """
        spread = _one_minus_mean_cos(self._kappa())
        return PowerSums(
            square=1.0,
            cube=1.0 - 2.0 / 9.0 * spread,
            fourth=1.0 - 8.0 / 27.0 * spread,
            square_squared=1.0,
        )
