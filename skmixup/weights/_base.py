"""The weight-law protocol, and its implementation for two-parent laws.

A *weight law* says how one synthetic row is mixed from its parents: it
draws the weights ``w_1 … w_k`` (summing to 1) of the ``k = n_parents``
parent rows, and which parent's categories and missingness the row keeps.
Everything the synthetic table keeps or loses in its continuous columns
follows from a few expectations of power sums of those weights
(:class:`PowerSums`): ``E[Σw²]`` scales every variance and covariance,
``E[Σw³]`` every third central moment, ``E[Σw⁴]`` and ``E[(Σw²)²]`` the
fourth (:ref:`theory-higher-moments`).

A two-parent law is the law of one weight ``W``; its rows are mixed as
``W·x_i + (1 - W)·x_j``, and a cut-point policy picks the kept parent.
"""

from __future__ import annotations

from numbers import Integral
from typing import NamedTuple

import numpy as np
from scipy import integrate

from .._params import ParameterObject, check_random_source
from ..cut_points import CutPointPolicy, Threshold, check_cut_point


class PowerSums(NamedTuple):
    """Expectations of power sums of one row's weights ``w_1 … w_k`` (``Σ`` over parents).

    With independent parents and a column ``X`` centred at its mean, the
    synthetic row ``X~ = Σ w_k X_k`` has

    * ``Var[X~] = square · Var[X]``,
    * ``m3(X~) = cube · m3(X)``,
    * ``m4(X~) = fourth · m4(X) + 3 (square_squared - fourth) · Var[X]²``.
    """

    square: float
    cube: float
    fourth: float
    square_squared: float


def _check_rounds(rounds) -> np.ndarray:
    rounds = np.asarray(rounds)
    if rounds.dtype == bool or not (
        np.issubdtype(rounds.dtype, np.integer)
        or (np.issubdtype(rounds.dtype, np.floating) and np.all(rounds == np.round(rounds)))
    ):
        raise TypeError(f"The 'rounds' parameter must be a non-negative integer. Got {rounds!r} instead.")
    if np.any(rounds < 0):
        raise ValueError(f"The 'rounds' parameter must be a non-negative integer. Got {rounds!r} instead.")
    return rounds.astype(float)


def _as_output(values: np.ndarray, *inputs) -> float | np.ndarray:
    """A float for scalar inputs, an array otherwise."""
    return float(values) if all(np.ndim(x) == 0 for x in inputs) else values


class WeightDistribution(ParameterObject):
    """Base class of the weight laws.

    Every law implements the protocol the estimator uses:

    * ``n_parents`` (class attribute): how many parent rows a synthetic row has;
    * :meth:`draw`: the weights of each row and the index of its kept parent;
    * :meth:`resolve`: the law to use for one table (itself, unless it
      depends on the data);
    * :meth:`contamination`, :meth:`power_sums` and the moment factors
      derived from them: :meth:`variance_factor`, :meth:`third_moment_factor`,
      :meth:`fourth_moment_factors`, :meth:`kurtosis_after`,
      :meth:`skewness_after`.

    A two-parent law (``n_parents = 2``, the default) only needs
    :meth:`to_scipy` (the frozen scipy law of ``W``) and, when it can do
    better than quadrature, :meth:`partial_moment`; everything else derives
    from those.  A law of more parents overrides :meth:`draw`,
    :meth:`power_sums` and :meth:`contamination`.
    """

    n_parents: int = 2

    # ------------------------------------------------------------------
    # The protocol
    # ------------------------------------------------------------------

    def draw(self, n_samples: int, random_state=None, cut_point=None) -> tuple[np.ndarray, np.ndarray]:
        """Draw the weights of ``n_samples`` synthetic rows and their kept parents.

        Parameters
        ----------
        n_samples : int
            Number of synthetic rows.
        random_state : int, RandomState instance or None, default=None
            Controls the draw; see :term:`Glossary <random_state>`.  Pass a
            ``RandomState`` to continue one stream across calls.
        cut_point : float, CutPointPolicy or None, default=None
            The policy that picks the kept parent of a two-parent row from
            ``W``.  None takes the law's own: the policy an
            :class:`~skmixup.EpBeta` was solved against, ``Threshold(0.5)``
            for the others.

        Returns
        -------
        weights : ndarray of shape (n_samples, n_parents), float64
            Each row sums to 1; for two parents the columns are ``W`` and ``1 - W``.
        kept : ndarray of shape (n_samples,), intp
            The column of ``weights`` whose parent gives the row its
            categories and missingness.

        Examples
        --------
        >>> from skmixup import Uniform
        >>> weights, kept = Uniform().draw(3, random_state=5)
        >>> weights.round(3)
        array([[0.613, 0.387],
               [0.099, 0.901],
               [0.736, 0.264]])
        >>> kept  # Threshold(0.5): the first parent iff W >= 0.5
        array([0, 1, 0])
        """
        n_samples = _check_n_samples(n_samples)
        random_state = check_random_source(random_state)
        policy = self._own_cut_point() if cut_point is None else check_cut_point(cut_point)
        first = self.rvs(n_samples, random_state)
        keep_first = policy.keep_first(first, random_state)
        weights = np.empty((n_samples, 2))
        weights[:, 0] = first
        weights[:, 1] = 1.0 - first
        return weights, np.logical_not(keep_first).astype(np.intp)

    def resolve(self, continuous: np.ndarray, strata: np.ndarray | None = None) -> WeightDistribution:
        """The law to use for one table; this one for laws that do not depend on the data.

        Called by the estimator at fit with the encoded continuous columns,
        and with ``strata`` when parents are drawn within strata.  A
        data-dependent law (:class:`~skmixup.KurtosisMatchedWeights`)
        returns a fitted copy; the object it is called on is never modified.

        Parameters
        ----------
        continuous : ndarray of shape (n_rows, n_continuous), float64
            The continuous columns, NaN where missing.
        strata : ndarray of shape (n_rows,), int, default=None
            The stratum (class code) of each row when every synthetic row's
            parents come from one stratum (stratified labels,
            ``fit_resample``); None when they come from the whole table.

        Returns
        -------
        WeightDistribution
        """
        return self

    def contamination(self, cut_point: float | CutPointPolicy | None = None) -> float:
        """Exact contamination ``u = 1 - E[w_kept]``.

        The weight, in the continuous columns, of the parents whose category
        was *not* kept: conditional means move by ``u·(μ - μ_l)``
        (:ref:`theory-conditional`).  For two parents,
        ``u = E[(1 - W)·1{keep i} + W·1{keep j}]``.

        Parameters
        ----------
        cut_point : float, CutPointPolicy or None, default=None
            A threshold τ or a policy such as
            :class:`~skmixup.cut_points.ClippedWeight`; None takes the law's
            own (see :meth:`draw`).

        Returns
        -------
        float
        """
        policy = self._own_cut_point() if cut_point is None else check_cut_point(cut_point)
        return policy.contamination(self)

    def power_sums(self) -> PowerSums:
        """Exact ``E[Σw²]``, ``E[Σw³]``, ``E[Σw⁴]`` and ``E[(Σw²)²]`` of one row's weights.

        For two parents, with ``v = W(1 - W)``: ``Σw² = 1 - 2v``,
        ``Σw³ = 1 - 3v``, ``Σw⁴ = 1 - 4v + 2v²`` and ``(Σw²)² = 1 - 4v + 4v²``.

        Returns
        -------
        PowerSums

        Examples
        --------
        >>> from skmixup import Uniform
        >>> [round(value, 4) for value in Uniform().power_sums()]
        [0.6667, 0.5, 0.4, 0.4667]
        """
        mean_v, mean_v2 = self._pair_product_moments()
        return PowerSums(
            square=1.0 - 2.0 * mean_v,
            cube=1.0 - 3.0 * mean_v,
            fourth=1.0 - 4.0 * mean_v + 2.0 * mean_v2,
            square_squared=1.0 - 4.0 * mean_v + 4.0 * mean_v2,
        )

    def variance_factor(self, n_rows: int | None = None) -> float:
        """The factor ``f`` that mixing applies to every variance and covariance.

        ``f = E[Σw²]``; for two parents ``f = 1 - 2(E[W] - E[W²])``.  That is
        for independent parents.  With ``n_rows``, it is the factor for a
        table of that many rows whose parents are drawn *distinct* (SPEC §6):
        ``f_n = 1 - (1 - E[Σw²])·n/(n - 1)``, applied to the table's
        population variance.

        Parameters
        ----------
        n_rows : int or None, default=None
            Number of rows the parents are drawn from, all different within
            a synthetic row; None for independent parents.

        Returns
        -------
        float

        Examples
        --------
        >>> from skmixup import EpBeta, Uniform
        >>> round(Uniform().variance_factor(), 4), round(Uniform().variance_factor(n_rows=5), 4)
        (0.6667, 0.5833)
        >>> round(EpBeta().variance_factor(n_rows=5), 12)
        1.0
        """
        if self.n_parents == 2:
            # The historical form, with scipy's own moments for ScipyWeights.
            factor = 1.0 - 2.0 * (self.mean() - self.second_moment())
        else:
            factor = self.power_sums().square
        if n_rows is None:
            return factor
        if isinstance(n_rows, bool) or not isinstance(n_rows, Integral) or n_rows < max(2, self.n_parents):
            raise ValueError(
                f"The 'n_rows' parameter must be an integer >= {max(2, self.n_parents)} (distinct parents "
                f"for the {self.n_parents} weights of a row) or None. Got {n_rows!r} instead."
            )
        return 1.0 - (1.0 - factor) * n_rows / (n_rows - 1.0)

    def third_moment_factor(self) -> float:
        """``c`` with ``m3(X~) = c·m3(X)`` for a centred column: ``c = E[Σw³]``.

        For two parents ``c = 1 - 3E[W] + 3E[W²]``, which is 1 whenever the
        variance is kept.

        Examples
        --------
        >>> from skmixup import Uniform
        >>> Uniform().third_moment_factor()
        0.5
        """
        return float(self.power_sums().cube)

    def fourth_moment_factors(self) -> tuple[float, float]:
        """``(a, b)`` with ``m4(X~) = a·m4(X) + b·Var(X)²`` for a centred column.

        ``a = E[Σw⁴]`` and ``b = 3(E[(Σw²)²] - E[Σw⁴])``; for two parents,
        with ``v = W(1 - W)``, ``a = 1 - 4E[v] + 2E[v²]`` and ``b = 6E[v²]``.

        Examples
        --------
        >>> from skmixup import Uniform
        >>> [round(x, 4) for x in Uniform().fourth_moment_factors()]
        [0.4, 0.2]
        """
        sums = self.power_sums()
        return float(sums.fourth), float(3.0 * (sums.square_squared - sums.fourth))

    def kurtosis_after(self, kurtosis, rounds=1) -> float | np.ndarray:
        """Predicted Pearson kurtosis after ``rounds`` rounds of synthesis.

        Each round refits on the previous round's synthetic table and maps
        ``κ -> (a·κ + b)/f²`` (:meth:`fourth_moment_factors`,
        :meth:`variance_factor`), so after ``r`` rounds, with ``A = a/f²``
        and ``B = b/f²``: ``κ_r = A^r κ + B (A^r - 1)/(A - 1)``.  The
        prediction is for independent parents and a large table (no
        sampling noise); the fixed point ``B/(1 - A)`` is approached when
        ``A < 1``, and the kurtosis grows geometrically when ``A > 1``.

        Parameters
        ----------
        kurtosis : float or array-like of float
            Pearson kurtosis (3 for a normal column; Fisher's excess
            kurtosis + 3), one per column.  NaN passes through.
        rounds : int or array-like of int, default=1
            Rounds of synthesis; broadcast against ``kurtosis``.

        Returns
        -------
        float or ndarray

        Examples
        --------
        >>> from skmixup import EpBeta, Uniform
        >>> round(EpBeta(delta=0.05).kurtosis_after(3.0, rounds=25), 2)
        28.89
        >>> Uniform().kurtosis_after([3.0, 9.0], rounds=[1, 50]).round(3)  # towards 4.5
        array([3.15 , 4.523])
        """
        values = np.asarray(kurtosis, dtype=float)
        if np.any(values[np.isfinite(values)] < 1.0):
            raise ValueError(
                "The 'kurtosis' parameter must hold Pearson kurtoses, which are at least 1 (3 for a "
                f"normal column); got {kurtosis!r}. Fisher's excess kurtosis (scipy.stats.kurtosis' "
                "default) is the Pearson kurtosis minus 3."
            )
        rounds_array = _check_rounds(rounds)
        a, b = self.fourth_moment_factors()
        f = self.variance_factor()
        growth_rate, offset = a / f**2, b / f**2
        # A^r - 1 and (A^r - 1)/(A - 1) without cancellation when A is near 1.
        log_rate = np.log1p(growth_rate - 1.0)
        growth_minus_one = np.expm1(rounds_array * log_rate)
        if growth_rate == 1.0:
            accumulated = offset * rounds_array
        else:
            accumulated = offset * growth_minus_one / (growth_rate - 1.0)
        return _as_output((growth_minus_one + 1.0) * values + accumulated, kurtosis, rounds)

    def skewness_after(self, skewness, rounds=1) -> float | np.ndarray:
        """Predicted skewness after ``rounds`` rounds of synthesis: ``γ (c/f^{3/2})^rounds``.

        ``c`` is :meth:`third_moment_factor` and ``f`` :meth:`variance_factor`
        (independent parents, a large table).

        Parameters
        ----------
        skewness : float or array-like of float
            One per column.
        rounds : int or array-like of int, default=1

        Returns
        -------
        float or ndarray

        Examples
        --------
        >>> from skmixup import EpBeta, Uniform
        >>> round(EpBeta().skewness_after(2.0, rounds=25), 10)
        2.0
        >>> round(Uniform().skewness_after(2.0), 4)  # 0.5 / (2/3)^1.5
        1.8371
        """
        values = np.asarray(skewness, dtype=float)
        rounds_array = _check_rounds(rounds)
        rate = self.third_moment_factor() / self.variance_factor() ** 1.5
        return _as_output(values * rate**rounds_array, skewness, rounds)

    def _check_law(self) -> None:
        """Validate the parameters and solve whatever the law solves; raise a clear error if it cannot."""
        self.mean()

    # ------------------------------------------------------------------
    # Two-parent laws: the single weight W
    # ------------------------------------------------------------------

    def _own_cut_point(self) -> CutPointPolicy:
        """The policy that picks the kept parent when the caller gives none."""
        return Threshold(0.5)

    def to_scipy(self):
        """The distribution of W as a frozen ``scipy.stats`` distribution."""
        raise NotImplementedError

    def rvs(self, size, random_state=None) -> np.ndarray:
        """Draw mixing weights W (two-parent laws).

        Parameters
        ----------
        size : int or tuple of int
            Shape of the returned array.
        random_state : int, RandomState instance or None, default=None
            Controls the draw; see :term:`Glossary <random_state>`.

        Returns
        -------
        ndarray of float
        """
        return np.asarray(
            self.to_scipy().rvs(size=size, random_state=check_random_source(random_state)), dtype=float
        )

    def partial_moment(self, order: int, lower: float = -np.inf, upper: float = np.inf) -> float:
        """Exact ``E[W^order · 1{lower <= W < upper}]``.

        The base implementation takes the mass from the CDF and integrates
        ``w^order·pdf(w)`` with ``scipy.integrate.quad``, which copes with
        densities singular at the ends of the support (``expect`` does not:
        it splits the range at quantiles and loses the singular ends).
        """
        distribution = self.to_scipy()
        support_lower, support_upper = distribution.support()
        lower, upper = max(lower, support_lower), min(upper, support_upper)
        if lower >= upper:
            return 0.0
        if order == 0:
            return float(distribution.cdf(upper) - distribution.cdf(lower))
        value, _ = integrate.quad(lambda w: w**order * distribution.pdf(w), lower, upper, limit=200)
        return float(value)

    def mean(self) -> float:
        """``E[W]``."""
        return float(self.partial_moment(1))

    def second_moment(self) -> float:
        """``E[W²]``."""
        return float(self.partial_moment(2))

    def _pair_product_moments(self) -> tuple[float, float]:
        """``(E[v], E[v²])`` for ``v = W(1 - W)``, from the raw moments of W."""
        second = self.second_moment()
        mean_v = self.mean() - second
        mean_v2 = second - 2.0 * self.partial_moment(3) + self.partial_moment(4)
        return mean_v, mean_v2


def _check_n_samples(n_samples) -> int:
    if isinstance(n_samples, bool) or not isinstance(n_samples, Integral) or n_samples < 0:
        raise ValueError(
            f"The 'n_samples' parameter must be a non-negative integer. Got {n_samples!r} instead."
        )
    return int(n_samples)


class MultiParentWeights(WeightDistribution):
    """Base class of the laws that mix more than two parents per row.

    A subclass sets ``n_parents`` and implements :meth:`draw`,
    :meth:`power_sums` and :meth:`_contamination`.  Such a law picks the
    kept parent by its own rule, so it takes no cut point, and it has no
    single weight W: the two-parent methods (``rvs``, ``mean``, ...) raise.
    """

    def _check_no_cut_point(self, cut_point) -> None:
        if cut_point is not None:
            raise ValueError(
                f"{type(self).__name__} picks the kept parent itself (the one with the largest weight); "
                f"it takes no cut point. Got cut_point={cut_point!r}; pass None."
            )

    def contamination(self, cut_point=None) -> float:
        self._check_no_cut_point(cut_point)
        return float(self._contamination())

    def _contamination(self) -> float:
        raise NotImplementedError

    def _no_single_weight(self, *args, **kwargs):
        """Not available: a law of more than two parents has no single weight W (raises TypeError)."""
        raise TypeError(
            f"{type(self).__name__} mixes {self.n_parents} parents per row and has no single weight W: "
            "use draw(n_samples) for the weights and power_sums() or variance_factor() for their moments."
        )

    to_scipy = rvs = partial_moment = mean = second_moment = _no_single_weight
