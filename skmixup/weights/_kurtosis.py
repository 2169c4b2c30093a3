"""A row-by-row mixture of EpBeta and the circle whose kurtosis fixed point is a target.

Under repeated synthesis a column's Pearson kurtosis follows
``κ -> (a κ + b)/f²`` (:meth:`~skmixup.weights.WeightDistribution.kurtosis_after`).
EpBeta keeps the variance (``f = 1``) but has ``a = 1 + 2E[v²] > 1``: the
kurtosis grows without bound.  The circle keeps the variance too, with
``a < 1`` and ``b = 3(1 - a)``: the kurtosis is pulled to 3.  Drawing each
row from EpBeta with probability π and from the circle otherwise averages
the factors linearly, ``a = π a_E + (1 - π) a_C`` and likewise ``b`` (and
``f = 1``), so the fixed point ``b/(1 - a)`` can be put anywhere in
``[3, ∞)``:

    π = (K(1 - a_C) - b_C) / (b_E - b_C + K(a_E - a_C)).
"""

from __future__ import annotations

import warnings
from numbers import Real

import numpy as np
from scipy import sparse
from sklearn.base import clone
from sklearn.utils._param_validation import Interval, StrOptions

from .._params import check_random_source, uniform
from ._base import MultiParentWeights, PowerSums, _check_n_samples
from ._beta import EpBeta
from ._circle import CIRCLE_MAX_DELTA, CircleWeights

# The kurtosis fixed point of the circle alone: the smallest target reachable.
SMALLEST_TARGET_KURTOSIS = 3.0


def _largest_magnitudes(values: np.ndarray) -> np.ndarray:
    """Each column's largest absolute value, 1 for a column of zeros."""
    largest = np.abs(values).max(axis=0)
    return np.where(largest > 0.0, largest, 1.0)


def median_kurtosis(continuous: np.ndarray, strata: np.ndarray | None = None) -> float:
    """Median, over the columns, of the Pearson kurtosis of each (NaN ignored), within strata if given.

    Population moments of the table (``m4/m2²``, ddof = 0), the quantities
    the moment recursions are about.  Columns that are constant or have
    fewer than two values are skipped (mixing leaves a constant column
    unchanged); NaN if no column is left.

    With ``strata`` (a code per row), parents are drawn within a stratum, so
    the recursions act on each stratum's own moments: each column's
    kurtosis is then the *within-stratum* one,
    ``Σ_s n_s m4_s / Σ_s n_s m2_s²`` (``n_s`` the column's values in
    stratum ``s``, ``m2_s`` and ``m4_s`` its central moments there).  It is
    the target whose fixed point keeps the column's pooled within-stratum
    fourth moment ``Σ_s n_s m4_s`` (:ref:`theory-kurtosis-matched`), and it
    is the plain kurtosis for one stratum.

    Examples
    --------
    >>> import numpy as np
    >>> from skmixup.weights._kurtosis import median_kurtosis
    >>> rng = np.random.default_rng(0)
    >>> table = np.column_stack([rng.standard_normal(10**5), rng.laplace(size=10**5), np.ones(10**5)])
    >>> round(median_kurtosis(table), 1)  # columns of kurtosis ~3 and ~6, and a constant
    4.6

    Two strata far apart make one normal column bimodal (kurtosis near 1);
    within its strata it is still normal:

    >>> strata = np.repeat([0, 1], 5 * 10**4)
    >>> column = rng.standard_normal((10**5, 1)) + 10.0 * strata[:, None]
    >>> round(median_kurtosis(column), 2), round(median_kurtosis(column, strata), 1)
    (1.15, 3.0)
    """
    continuous = np.asarray(continuous, dtype=float)
    if continuous.ndim != 2:
        raise ValueError(
            "The continuous columns must be a 2-D array (n_rows, n_continuous); "
            f"got shape {continuous.shape}."
        )
    if strata is None:
        strata = np.zeros(len(continuous), dtype=np.intp)
    else:
        strata = np.asarray(strata)
        if strata.shape != (len(continuous),) or not np.issubdtype(strata.dtype, np.integer):
            raise ValueError(
                f"The strata must be one integer code per row, shape ({len(continuous)},); "
                f"got shape {strata.shape} and dtype {strata.dtype}."
            )
        strata = np.unique(strata, return_inverse=True)[1].reshape(-1)
    present = ~np.isnan(continuous)
    counts = present.sum(axis=0)
    usable = counts >= 2
    if not usable.any():
        return float("nan")
    present = present[:, usable]
    values = np.where(present, continuous[:, usable], 0.0)
    # Sums over the rows of each stratum, one matrix product per moment.
    n_strata = int(strata.max(initial=-1)) + 1
    membership = sparse.csr_array(
        (np.ones(len(strata)), (strata, np.arange(len(strata)))), shape=(n_strata, len(strata))
    )
    stratum_counts = membership @ present.astype(float)
    # The kurtosis does not depend on the scale: columns scaled to at most 1 in magnitude,
    # before the means and again once centred, so the fourth powers neither overflow (beyond
    # |x| ~ 1e77) nor underflow (a small spread around a large mean).
    values /= _largest_magnitudes(values)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = (membership @ values) / stratum_counts
    centred = np.where(present, values - np.nan_to_num(means)[strata], 0.0)
    centred /= _largest_magnitudes(centred)
    squares = centred**2
    # Σ_s n_s m4_s is the sum of every row's fourth power; Σ_s n_s m2_s² = Σ_s (Σ_rows c²)² / n_s.
    m4 = (squares**2).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        per_stratum = np.where(stratum_counts > 0, (membership @ squares) ** 2 / stratum_counts, 0.0)
    m2_squared = per_stratum.sum(axis=0)
    varying = m2_squared > 0.0
    if not varying.any():
        return float("nan")
    return float(np.median(m4[varying] / m2_squared[varying]))


class KurtosisMatchedWeights(MultiParentWeights):
    """Weights whose kurtosis fixed point under repeated synthesis is a target kurtosis.

    Each row is, with probability π (``pair_probability_``), a two-parent
    :class:`~skmixup.EpBeta` row (weights ``(W, 1 - W, 0)``, kept parent by
    the threshold 0.5, i.e. the larger weight) and otherwise a three-parent
    :class:`~skmixup.CircleWeights` row.  Both keep every variance and
    covariance and both have contamination δ, so the mixture does too.  π is
    solved so that the fixed point ``b/(1 - a)`` of the mixture's
    fourth-moment factors is the target: a column whose kurtosis is the
    target keeps it, in expectation, round after round, and every other
    column's kurtosis moves towards the target.

    Limits (:ref:`theory-kurtosis-matched`):

    * one weight vector per row serves every column, so one target serves
      them all: columns of different kurtosis cannot all be held (each
      drifts towards the target, by the factor ``a`` per round);
    * the skewness shrinks (EpBeta keeps it, the circle shrinks it);
    * targets below 3, the circle's own fixed point, are unreachable: an
      explicit float below 3 is refused, and ``"median"`` resolving below 3
      (a table of platykurtic columns) is raised to 3 with a warning.

    Parameters
    ----------
    delta : float, default=0.05
        The contamination of both components, in
        ``[0, min(EpBeta.max_delta(epsilon), CircleWeights.max_delta())]``.
    kurtosis : float >= 3 or "median", default="median"
        The target Pearson kurtosis (3 for a normal column).  ``"median"``
        is resolved at fit (:meth:`resolve`) to the median kurtosis of the
        table's continuous columns, within classes when parents are drawn
        within a class (stratified labels, ``fit_resample``).
    epsilon : float, (float, float) or "auto", default=0.3
        The ε of the EpBeta component.
    cut_point : None, default=None
        Only None: the kept parent is the one with the largest weight.

    Attributes
    ----------
    pair_probability_ : float
        π, the probability that a row is an EpBeta row (read-only property).

    Examples
    --------
    >>> from skmixup import KurtosisMatchedWeights
    >>> weights = KurtosisMatchedWeights(delta=0.05, kurtosis=6.0)
    >>> round(weights.pair_probability_, 4), round(weights.contamination(), 12)
    (0.4151, 0.05)
    >>> a, b = weights.fourth_moment_factors()
    >>> round(b / (1 - a), 10), round(weights.kurtosis_after(6.0, rounds=25), 10)
    (6.0, 6.0)
    >>> import numpy as np
    >>> table = np.random.default_rng(0).laplace(size=(10**5, 2))  # kurtosis 6, up to sampling
    >>> fitted = KurtosisMatchedWeights().resolve(table)
    >>> round(fitted.kurtosis, 1), KurtosisMatchedWeights().kurtosis
    (6.2, 'median')
    """

    n_parents = 3

    _parameter_constraints: dict = {
        "delta": [Interval(Real, 0, 1, closed="both")],
        "kurtosis": [Interval(Real, None, None, closed="neither"), StrOptions({"median"})],
        "epsilon": [Interval(Real, 0, None, closed="left"), tuple, list, StrOptions({"auto"})],
        "cut_point": [None],
    }

    def __init__(self, delta: float = 0.05, kurtosis="median", epsilon=0.3, cut_point: None = None):
        self.delta = delta
        self.kurtosis = kurtosis
        self.epsilon = epsilon
        self.cut_point = cut_point

    # ------------------------------------------------------------------

    def _components(self) -> tuple[EpBeta, CircleWeights]:
        self._validate()
        self._check_no_cut_point(self.cut_point)
        pair = EpBeta(delta=self.delta, epsilon=self.epsilon, cut_point=0.5)
        circle = CircleWeights(delta=self.delta)
        if float(self.delta) > CIRCLE_MAX_DELTA:
            raise ValueError(
                f"The 'delta' parameter of KurtosisMatchedWeights must be at most {CIRCLE_MAX_DELTA:.4f}, "
                f"the reach of its CircleWeights component; got delta={self.delta}."
            )
        try:
            pair._check_law()
        except ValueError as error:
            raise ValueError(f"KurtosisMatchedWeights' EpBeta component: {error}") from error
        return pair, circle

    def _target(self) -> float:
        if isinstance(self.kurtosis, str):
            raise ValueError(
                "KurtosisMatchedWeights(kurtosis='median') has no target yet: the estimator resolves it "
                "against the table at fit; call resolve(continuous) yourself, or pass a float."
            )
        target = float(self.kurtosis)
        if target < SMALLEST_TARGET_KURTOSIS:
            raise ValueError(
                f"The 'kurtosis' parameter of KurtosisMatchedWeights must be at least 3, the kurtosis "
                f"fixed point of CircleWeights, the lowest a mixture with EpBeta can reach; got "
                f"{self.kurtosis!r}. Columns flatter than a normal (kurtosis < 3) cannot be held."
            )
        return target

    def _pair_probability(self) -> float:
        pair, circle = self._components()
        target = self._target()
        a_pair, b_pair = pair.fourth_moment_factors()
        a_circle, b_circle = circle.fourth_moment_factors()
        denominator = b_pair - b_circle + target * (a_pair - a_circle)
        if denominator == 0.0:
            # δ = 0: both components copy real rows (a = 1, b = 0) and keep
            # every kurtosis; any π holds the target.
            return 0.0
        return float(np.clip((target * (1.0 - a_circle) - b_circle) / denominator, 0.0, 1.0))

    @property
    def pair_probability_(self) -> float:
        """π: the probability that a row is an EpBeta (two-parent) row."""
        return self._pair_probability()

    def _check_law(self) -> None:
        self._components()
        if not isinstance(self.kurtosis, str):
            self._target()

    # ------------------------------------------------------------------

    def resolve(self, continuous: np.ndarray, strata: np.ndarray | None = None) -> KurtosisMatchedWeights:
        """A copy whose target is a number: the median kurtosis of ``continuous`` for ``"median"``.

        The object it is called on is not modified.  A median below 3 is
        raised to 3 with a warning; a table without a non-constant column
        (where the target cannot matter) resolves to 3.  With ``strata``
        (the estimator passes the class codes when parents are drawn within
        a class: stratified labels and :meth:`fit_resample`) each column's
        kurtosis is its within-stratum one (:func:`median_kurtosis`): the
        recursions act within each stratum, and the whole table's kurtosis
        also counts the spread between the strata's means, which mixing
        within strata does not touch.

        Parameters
        ----------
        continuous : ndarray of shape (n_rows, n_continuous), float64
            The continuous columns, NaN where missing.
        strata : ndarray of shape (n_rows,), int, default=None
            The stratum of each row, when parents are drawn within strata.

        Returns
        -------
        KurtosisMatchedWeights

        Examples
        --------
        >>> import numpy as np
        >>> from skmixup import KurtosisMatchedWeights
        >>> rng = np.random.default_rng(0)
        >>> classes = np.repeat([0, 1], 5 * 10**4)
        >>> table = rng.laplace(size=(10**5, 2)) + 20.0 * classes[:, None]  # two Laplace humps
        >>> round(KurtosisMatchedWeights().resolve(table, strata=classes).kurtosis, 1)  # 6, up to sampling
        6.2
        """
        if not isinstance(self.kurtosis, str):
            return self
        target = median_kurtosis(continuous, strata)
        if np.isnan(target):
            target = SMALLEST_TARGET_KURTOSIS
        elif target < SMALLEST_TARGET_KURTOSIS:
            warnings.warn(
                f"The median kurtosis of the continuous columns is {target:.3f}"
                + (" (within strata)" if strata is not None else "")
                + ", below 3, the lowest "
                "fixed point KurtosisMatchedWeights can reach; it holds 3 instead, and the flatter "
                "columns' kurtosis rises towards 3 round after round.",
                UserWarning,
                stacklevel=2,
            )
            target = SMALLEST_TARGET_KURTOSIS
        return clone(self).set_params(kurtosis=float(target))

    def draw(self, n_samples: int, random_state=None, cut_point=None) -> tuple[np.ndarray, np.ndarray]:
        """Draw three weights per row (an EpBeta row has ``(W, 1 - W, 0)``) and the kept parent.

        Parameters
        ----------
        n_samples : int
        random_state : int, RandomState instance or None, default=None
        cut_point : None, default=None
            Only None.

        Returns
        -------
        weights : ndarray of shape (n_samples, 3), float64
        kept : ndarray of shape (n_samples,), intp
        """
        self._check_no_cut_point(cut_point)
        n_samples = _check_n_samples(n_samples)
        pair, circle = self._components()
        probability = self._pair_probability()
        random_state = check_random_source(random_state)
        is_pair = uniform(random_state, n_samples) < probability
        weights = np.zeros((n_samples, 3))
        kept = np.empty(n_samples, dtype=np.intp)
        pair_weights, pair_kept = pair.draw(int(is_pair.sum()), random_state)
        weights[is_pair, :2] = pair_weights
        kept[is_pair] = pair_kept
        circle_weights, circle_kept = circle.draw(int((~is_pair).sum()), random_state)
        weights[~is_pair] = circle_weights
        kept[~is_pair] = circle_kept
        return weights, kept

    def _contamination(self) -> float:
        pair, circle = self._components()
        probability = self._pair_probability()
        return probability * pair.contamination() + (1.0 - probability) * circle.contamination()

    def power_sums(self) -> PowerSums:
        """The components' power sums averaged with weights π and 1 - π."""
        pair, circle = self._components()
        probability = self._pair_probability()
        return PowerSums(
            *(
                probability * of_pair + (1.0 - probability) * of_circle
                for of_pair, of_circle in zip(pair.power_sums(), circle.power_sums(), strict=True)
            )
        )
