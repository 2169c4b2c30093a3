"""The Beta family of two-parent weight laws: Beta, Uniform and the expanded Beta (EpBeta).

All are ``W = loc + scale·B`` with ``B ~ Beta(α, β)``, so every partial moment
``E[W^k 1{lower <= W < upper}]`` has a closed form in regularised incomplete
beta functions (:func:`~skmixup._solver.scaled_beta_partial_moment`): the
variance factor, the contamination of a cut point and the third- and
fourth-moment factors are all exact.
"""

from __future__ import annotations

import math
from functools import lru_cache
from math import ceil
from numbers import Real

import numpy as np
from scipy import special, stats
from sklearn.utils._param_validation import Interval, StrOptions

from .._params import check_random_source
from .._solver import (
    _LARGEST_EPSILON,
    _SMALLEST_EPSILON,
    AUTO_EPSILON_REACH,
    EpBetaSolution,
    delta_max,
    epsilon_reaching,
    scaled_beta_partial_moment,
    solve_epbeta,
)
from ..cut_points import CutPointPolicy, check_cut_point
from ._base import WeightDistribution

# Drawing by numerical inversion pays a one-off set-up of a few milliseconds per law and
# process; below this many draws numpy's own Beta sampler is the cheaper one.
_INVERSION_MIN_DRAWS = 1 << 15
# The largest |F(x) - u| of an inverted draw x of the uniform u: far below what any sample
# of the law can resolve, so the law drawn is the Beta law for every statistical purpose.
INVERSION_U_RESOLUTION = 1e-12


class _BetaDensity:
    """Beta(α, β)'s density over (0, 1) up to a constant (1 at the mean), for scipy's PINV.

    Scaled at the mean in log space, so that shapes in the hundreds (small δ)
    neither overflow nor underflow where the law has its mass.
    """

    def __init__(self, alpha: float, beta: float):
        self.alpha, self.beta = alpha, beta
        self.center = alpha / (alpha + beta)

    def pdf(self, x: float) -> float:
        log_density = 0.0
        for power, ratio in (
            (self.alpha - 1.0, x / self.center),
            (self.beta - 1.0, (1 - x) / (1 - self.center)),
        ):
            if power:
                if ratio <= 0.0:
                    return 0.0
                log_density += power * math.log(ratio)
        return math.exp(log_density)

    def support(self) -> tuple[float, float]:
        return 0.0, 1.0


# Where an inverse is checked: a fine grid, and the tails where interpolation errs first.
_CHECKED_UNIFORMS = np.concatenate(
    [np.linspace(0.0, 1.0, 1001), np.logspace(-12, -1, 23), 1 - np.logspace(-12, -1, 23)]
)


@lru_cache(maxsize=64)
def beta_inverse_cdf(alpha: float, beta: float):
    """The inverse CDF of Beta(α, β), α, β >= 1, as scipy's PINV builds it; None if it cannot.

    Polynomial interpolation of the inverse CDF (scipy.stats.sampling's
    ``NumericalInversePolynomial``) to a u-error of
    :data:`INVERSION_U_RESOLUTION`: ``u -> x`` about 2.3 times faster than
    numpy's Beta sampler draws (two Gamma variates and a division per draw).
    It holds the GIL, so threads drawing at once take turns (numpy's sampler
    does not); on two cores the two come out even.  Beta(1, 1) is the
    identity.  Densities unbounded at an end (α or β below 1) are left to
    numpy.  Built once per shape and process, and checked against the exact
    CDF (``scipy.special.betainc``) before it is used.
    """
    if alpha == beta == 1:
        return np.asarray
    from scipy.stats import sampling  # 3 ms to import: only when a draw is large enough

    density = _BetaDensity(alpha, beta)
    try:
        inverse = sampling.NumericalInversePolynomial(
            density, center=density.center, domain=(0.0, 1.0), u_resolution=INVERSION_U_RESOLUTION
        ).ppf
    except sampling.UNURANError:
        return None
    with np.errstate(all="ignore"):
        error = np.abs(special.betainc(alpha, beta, inverse(_CHECKED_UNIFORMS)) - _CHECKED_UNIFORMS)
    return inverse if np.all(error <= 10 * INVERSION_U_RESOLUTION) else None


class _ScaledBeta(WeightDistribution):
    """A Beta law on ``[loc, loc + scale]`` with closed-form partial moments."""

    def _shape(self) -> tuple[float, float, float, float]:
        """``(alpha, beta, loc, scale)`` of the validated distribution."""
        raise NotImplementedError

    def to_scipy(self):
        alpha, beta, loc, scale = self._shape()
        return stats.beta(alpha, beta, loc=loc, scale=scale)

    def partial_moment(self, order: int, lower: float = -np.inf, upper: float = np.inf) -> float:
        alpha, beta, loc, scale = self._shape()
        return float(scaled_beta_partial_moment(order, alpha, beta, loc, scale, lower, upper))

    def rvs(self, size, random_state=None) -> np.ndarray:
        """Draw mixing weights W = loc + scale·B, B ~ Beta(α, β).

        From a ``RandomState`` (an int or None included), or fewer than
        32 768 draws, B comes from the source's own Beta sampler: the numbers
        the frozen :meth:`to_scipy` law draws, without building that law.
        From a ``numpy.random.Generator`` (the estimator's source) and with
        α, β >= 1, a larger draw inverts the Beta CDF at the Generator's
        uniforms (scipy's ``NumericalInversePolynomial``; Beta(1, 1) is the uniforms
        themselves): the same law to a CDF error of 1e-12, about 2.3 times
        faster, and as reproducible.

        Parameters
        ----------
        size : int or tuple of int
            Shape of the returned array.
        random_state : int, RandomState instance, Generator or None, default=None
            Controls the draw; see :term:`Glossary <random_state>`.

        Returns
        -------
        ndarray of float

        Examples
        --------
        >>> import numpy as np
        >>> from skmixup import EpBeta
        >>> w = EpBeta().rvs(100_000, random_state=np.random.default_rng(0))
        >>> bool(abs(np.mean(w**2) - np.mean(w)) < 0.005)  # E[W²] = E[W], to the sampling error
        True
        """
        alpha, beta, loc, scale = self._shape()
        source = check_random_source(random_state)
        inverse = None
        large = size is not None and np.prod(size) >= _INVERSION_MIN_DRAWS
        if large and isinstance(source, np.random.Generator) and alpha >= 1 and beta >= 1:
            inverse = beta_inverse_cdf(alpha, beta)
        if inverse is None:
            return source.beta(alpha, beta, size) * scale + loc
        uniforms = source.random(size)
        return inverse(uniforms.ravel()).reshape(uniforms.shape) * scale + loc


class Beta(_ScaledBeta):
    """Classic mixup weights ``W ~ Beta(a, b)`` on [0, 1].

    Such a W has ``E[W²] <= E[W]``, so it can only shrink variance
    (:ref:`theory-shrinkage`); ``Beta(a, a)`` has variance factor ``(a + 1)/(2a + 1)``.

    Parameters
    ----------
    a, b : float, default=1.0
        Positive shape parameters.

    Examples
    --------
    >>> from skmixup import Beta
    >>> round(Beta(0.1, 0.1).variance_factor(), 4)
    0.9167
    >>> Beta(2, 5).rvs(3, random_state=0).round(3)
    array([0.479, 0.655, 0.215])
    """

    _parameter_constraints: dict = {
        "a": [Interval(Real, 0, None, closed="neither")],
        "b": [Interval(Real, 0, None, closed="neither")],
    }

    def __init__(self, a: float = 1.0, b: float = 1.0):
        self.a = a
        self.b = b

    def _shape(self):
        self._validate()
        return float(self.a), float(self.b), 0.0, 1.0


class Uniform(_ScaledBeta):
    """The original mixup weights ``W ~ Uniform(0, 1)`` = Beta(1, 1).

    Variance factor 2/3: every variance and covariance shrinks by a third
    per round of synthesis.

    Examples
    --------
    >>> from skmixup import Uniform
    >>> round(Uniform().variance_factor(), 4)
    0.6667
    """

    def _shape(self):
        return 1.0, 1.0, 0.0, 1.0


class EpBeta(_ScaledBeta):
    """Structure-preserving weights: an expanded Beta solved from δ.

    ``W = -ε0 + (1 + ε0 + ε1)·B`` with ``B ~ Beta(α, β)``, supported on
    ``[-ε0, 1 + ε1]``.  Given the contamination δ, ``(α, β)`` are solved so
    that ``E[W²] = E[W]`` (every variance, covariance and correlation kept
    exactly) and ``u = δ`` for the cut-point policy (conditional means and
    variances off by O(δ)).  Solutions are cached: a grid search over δ
    costs one solve per distinct δ.

    Parameters
    ----------
    delta : float, default=0.05
        Contamination of categorical structure, in ``[0, δmax(ε)]``.  Small δ
        keeps rows close to one parent (fidelity); larger δ mixes more
        (novelty).  ``delta=0`` is the limit ``W = 1``: plain bootstrap.
    epsilon : float, (float, float) or "auto", default=0.3
        How far the support reaches below 0 (ε0) and above 1 (ε1).  A float
        sets both.  ``"auto"`` takes the smallest symmetric ε whose reach
        ``δmax(ε)`` puts δ at 80 % of it (the paper's pairing δ = 0.05,
        ε = 0.3 sits at 81 %).  An ε below 1e-12 is taken as 0.
    cut_point : float or CutPointPolicy, default=0.5
        The policy whose contamination is solved to equal δ; use the same
        policy when mixing categories.  With a threshold τ < 1 (or
        :class:`~skmixup.ClippedWeight`) and ε1 > 0, W concentrates near 1
        (SPEC's branch); otherwise (τ >= 1, or ε1 = 0) the mirror branch is
        used, where W concentrates near 0 and the second parent is kept:
        mixing ``(W, i, j)`` is mixing ``(1 - W, j, i)``.  A combination
        with neither branch (τ >= 1 with ε0 = 0, say) is refused with an
        error naming the cut point.

    Attributes
    ----------
    alpha_, beta_ : float
        The solved shape parameters (read-only properties).

    Examples
    --------
    >>> from skmixup import EpBeta
    >>> weights = EpBeta(delta=0.05, epsilon=0.3)
    >>> round(weights.alpha_, 4), round(weights.beta_, 4)
    (4.3414, 1.326)
    >>> round(weights.variance_factor(), 12), round(weights.contamination(0.5), 12)
    (1.0, 0.05)
    >>> round(EpBeta.max_delta(epsilon=0.3), 4)
    0.0617
    """

    _parameter_constraints: dict = {
        "delta": [Interval(Real, 0, 1, closed="both")],
        "epsilon": [Interval(Real, 0, None, closed="left"), tuple, list, StrOptions({"auto"})],
        "cut_point": [Real, CutPointPolicy],
    }

    def __init__(self, delta: float = 0.05, epsilon=0.3, cut_point: float | CutPointPolicy = 0.5):
        self.delta = delta
        self.epsilon = epsilon
        self.cut_point = cut_point

    @staticmethod
    def _check_epsilon(epsilon) -> tuple[float, float]:
        if isinstance(epsilon, Real):
            pair = (epsilon, epsilon)
        elif len(epsilon) == 2 and all(isinstance(e, Real) and not isinstance(e, bool) for e in epsilon):
            pair = tuple(epsilon)
        else:
            raise ValueError(
                f"The 'epsilon' parameter of EpBeta must be a float, a pair (epsilon0, epsilon1) "
                f"of floats or 'auto'. Got {epsilon!r} instead."
            )
        if not all(np.isfinite(e) and e >= 0 for e in pair):
            raise ValueError(
                f"The 'epsilon' parameter of EpBeta must be finite and >= 0 (how far W may reach "
                f"below 0 and above 1). Got {epsilon!r} instead."
            )
        # Below 1e-12 the room an ε gives is below what the closed forms resolve
        # (the reach it opens is ~ε, and for ε ~ 1e-15 and less the curve's
        # shape parameters ~ε/x break the incomplete beta): it is exactly 0.
        return tuple(float(e) if e >= _SMALLEST_EPSILON else 0.0 for e in pair)

    @classmethod
    def max_delta(cls, epsilon=0.3, cut_point: float | CutPointPolicy = 0.5) -> float:
        """The largest δ that an EpBeta with this ε can reach.

        Examples
        --------
        >>> from skmixup import EpBeta
        >>> [round(EpBeta.max_delta(e), 3) for e in (0.1, 0.3, 0.5, 1.0)]
        [0.031, 0.062, 0.076, 0.09]
        """
        epsilon0, epsilon1 = cls._check_epsilon(epsilon)
        return delta_max(epsilon0, epsilon1, check_cut_point(cut_point).pieces()).delta

    @classmethod
    def epsilon_for(cls, delta: float, cut_point: float | CutPointPolicy = 0.5, reach: float = 1.0) -> float:
        """The smallest symmetric ε with ``reach · δmax(ε) >= delta``.

        ``reach=1`` gives the smallest ε that can reach δ at all;
        ``epsilon="auto"`` uses ``reach=0.8``.

        Examples
        --------
        >>> from skmixup import EpBeta
        >>> round(EpBeta.epsilon_for(0.05, reach=0.8), 2)
        0.31
        """
        pieces = check_cut_point(cut_point).pieces()
        epsilon = epsilon_reaching(float(delta), pieces, float(reach))
        if epsilon is None:
            largest = delta_max(_LARGEST_EPSILON, _LARGEST_EPSILON, pieces).delta
            if reach < 1.0 and delta <= largest:
                raise ValueError(
                    f"No epsilon puts delta={delta} at {reach:.0%} of its reach with cut point "
                    f"{cut_point!r} (the largest such delta is {largest * reach:.4f}); pass an "
                    f"explicit epsilon: epsilon={_round_up(epsilon_reaching(float(delta), pieces, 1.0))} "
                    f"or more reaches it."
                )
            raise ValueError(
                f"No epsilon reaches delta={delta} with cut point {cut_point!r}: the reach "
                f"of EpBeta is below {largest:.4f}."
            )
        return epsilon

    def _solve(self) -> EpBetaSolution | None:
        """Validated solution; None for ``delta=0`` (the point mass at 1)."""
        self._validate()
        policy = check_cut_point(self.cut_point)
        pieces = policy.pieces()
        delta = float(self.delta)
        if isinstance(self.epsilon, str):
            epsilon0 = epsilon1 = self.epsilon_for(delta, policy, AUTO_EPSILON_REACH) if delta else 0.0
        else:
            epsilon0, epsilon1 = self._check_epsilon(self.epsilon)
        if delta == 0.0:
            return None
        reach = delta_max(epsilon0, epsilon1, pieces)
        if reach.delta == 0.0:
            symmetric = delta_max(0.3, 0.3, pieces).delta
            advice = (
                f"epsilon=0.3 reaches delta up to {symmetric:.4f} with this cut point"
                if symmetric > 0.0
                else "choose another cut point, such as 0.5"
            )
            raise ValueError(
                f"EpBeta cannot keep the variance and reach any delta > 0 with cut point {policy!r} "
                f"and epsilon=({epsilon0}, {epsilon1}): {reach.reason}. Use delta=0 or {advice}."
            )
        if delta < reach.smallest:
            raise ValueError(
                f"The 'delta' parameter of EpBeta is {delta}, below the smallest contamination "
                f"{reach.smallest:.3g} that can be resolved in double precision for "
                f"epsilon=({epsilon0}, {epsilon1}) and cut point {policy!r}; use delta=0 (W = 1: "
                f"copies of real rows) or a delta of at least {reach.smallest:.3g}."
            )
        if delta > reach.delta:
            hint = epsilon_reaching(delta, pieces, 1.0)
            auto_reaches = epsilon_reaching(delta, pieces, AUTO_EPSILON_REACH) is not None
            advice = (
                f"epsilon={_round_up(hint)} or more would reach it"
                + (" (or use epsilon='auto')" if auto_reaches else "")
                if hint is not None
                else "no epsilon reaches it; choose a smaller delta"
            )
            raise ValueError(
                f"The 'delta' parameter of EpBeta must be in [0, {reach.delta:.4f}] for "
                f"epsilon=({epsilon0}, {epsilon1}) and cut point {policy!r}; got delta={delta}. "
                f"{advice}."
            )
        return solve_epbeta(delta, epsilon0, epsilon1, pieces)

    def _own_cut_point(self) -> CutPointPolicy:
        return check_cut_point(self.cut_point)

    def _shape(self):
        solution = self._solve()
        if solution is None:
            raise ValueError("EpBeta(delta=0) is the point mass at 1 and has no Beta shape.")
        return solution.alpha, solution.beta, solution.loc, solution.scale

    @property
    def alpha_(self) -> float:
        """Solved α of the underlying Beta (``inf`` for ``delta=0``)."""
        solution = self._solve()
        return np.inf if solution is None else solution.alpha

    @property
    def beta_(self) -> float:
        """Solved β of the underlying Beta (``inf`` for ``delta=0``)."""
        solution = self._solve()
        return np.inf if solution is None else solution.beta

    @property
    def epsilon_(self) -> tuple[float, float]:
        """The (ε0, ε1) in use, after resolving ``"auto"``."""
        solution = self._solve()
        return (0.0, 0.0) if solution is None else (solution.epsilon0, solution.epsilon1)

    def to_scipy(self):
        if self._solve() is None:
            return stats.rv_discrete(values=([1], [1.0]))
        return super().to_scipy()

    def partial_moment(self, order: int, lower: float = -np.inf, upper: float = np.inf) -> float:
        if self._solve() is None:
            return 1.0 if lower <= 1.0 < upper else 0.0
        return super().partial_moment(order, lower, upper)

    def rvs(self, size, random_state=None) -> np.ndarray:
        if self._solve() is None:
            return np.ones(size)
        return super().rvs(size, random_state)


def _round_up(epsilon: float) -> str:
    """ε rounded *up* to 3 decimals, so that the suggested value does reach δ."""
    return f"{ceil(epsilon * 1000 - 1e-9) / 1000:.3f}"
