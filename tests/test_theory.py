"""Monte Carlo confirmation of SPEC §2, items 1-6, with the distributions' own ``rvs``.

A tiny reference mixer (written here, independent of the package's
resampler) synthesises m = 10^6 rows from a fixed data set of n = 2000 rows.
The formulas are evaluated with the *population* moments of that data set
(ddof = 0), so the only randomness left is the mixing itself: synthetic rows
are i.i.d. given the data.

Tolerances are Z = 5 standard errors of the Monte Carlo estimate, computed
from the simulation itself by batch means (the m rows are cut into 100
batches of 10^4 i.i.d. rows; the standard error of the full-sample statistic
is the standard deviation of the batch statistics / sqrt(100)), or
analytically where the law is binomial.  Every test also asserts that its
tolerance is small enough to see the alternative it rules out (Uniform
weights shrink variance to 2/3 and not to 1, the contamination u moves the
conditional means, ...), so none of them can pass by being too loose.

Pairs (i, j) are drawn with replacement, so i = j happens with probability
1/n; that changes the mixed moments by O(1/n) = 5e-4 relative, a tenth of a
standard error here, and is ignored.
"""

from __future__ import annotations

from functools import cache, lru_cache
from typing import NamedTuple

import numpy as np
import pytest
from numpy.polynomial import Polynomial
from scipy import stats

from skmixup import Beta, ClippedWeight, EpBeta, ScipyWeights, Threshold, Uniform

N_ROWS = 2000
N_SYNTHETIC = 1_000_000
N_BATCHES = 100
Z = 5.0


# --------------------------------------------------------------------------
# Data, reference mixer, estimates with standard errors
# --------------------------------------------------------------------------


class Data(NamedTuple):
    X: np.ndarray  # (n, 2) continuous columns x, y
    labels: np.ndarray  # (n,) categories 0, 1, 2


@lru_cache(maxsize=1)
def original_data() -> Data:
    rng = np.random.default_rng(2025)
    labels = rng.choice(3, size=N_ROWS, p=[0.5, 0.3, 0.2])
    # Well separated, heteroscedastic classes: contamination moves them visibly.
    x = np.array([-2.0, 1.0, 4.0])[labels] + np.array([1.0, 0.5, 2.0])[labels] * rng.standard_normal(N_ROWS)
    y = 0.8 * x + rng.standard_normal(N_ROWS)
    return Data(np.column_stack([x, y]), labels)


def mix(X, labels, weights, policy=None, n_samples=N_SYNTHETIC, seed=0):
    """SPEC §1: rows W·X_i + (1 − W)·X_j; category L_i if the policy keeps i, else L_j.

    ``weights`` is one distribution (one W per synthetic row, shared by all
    columns) or a list with one distribution per column (independent weights).
    """
    rng = np.random.RandomState(seed)
    i = rng.randint(len(X), size=n_samples)
    j = rng.randint(len(X), size=n_samples)
    if isinstance(weights, list):
        W = np.column_stack([w.rvs(n_samples, random_state=rng) for w in weights])
    else:
        W = np.repeat(weights.rvs(n_samples, random_state=rng)[:, None], X.shape[1], axis=1)
    mixed = W * X[i] + (1.0 - W) * X[j]
    if policy is None:
        return mixed, None
    keep_i = policy.keep_first(W[:, 0], random_state=rng)
    return mixed, np.where(keep_i, labels[i], labels[j])


def estimate(statistic, *arrays):
    """The statistic on all rows and its batch-means standard error."""
    full = statistic(*arrays)
    batches = [
        statistic(*parts) for parts in zip(*(np.array_split(a, N_BATCHES) for a in arrays), strict=True)
    ]
    return full, np.std(batches, ddof=1) / np.sqrt(N_BATCHES)


def population_variance(x):
    return np.mean((x - x.mean()) ** 2)


def population_covariance(x, y):
    return np.mean((x - x.mean()) * (y - y.mean()))


def correlation(x, y):
    return population_covariance(x, y) / np.sqrt(population_variance(x) * population_variance(y))


def kept_weight_moment(weights, policy, k):
    """``E[V^k]``, V the weight of the parent whose category is kept (SPEC §2.6).

    With keep probability p(w) = a + b·w on a piece of the policy,
    ``V^k`` averages to ``p(W)·W^k + (1 − p(W))·(1 − W)^k``: a polynomial in W
    whose expectation on the piece is a sum of the law's partial moments.
    """
    w = Polynomial([0.0, 1.0])
    total = 0.0
    for lower, upper, a, b in policy.pieces():
        p = a + b * w
        integrand = p * w**k + (1.0 - p) * (1.0 - w) ** k
        total += sum(c * weights.partial_moment(r, lower, upper) for r, c in enumerate(integrand.coef))
    return total


class Case(NamedTuple):
    weights: object
    policy: object


CASES = {
    "uniform": Case(Uniform(), Threshold(0.5)),
    "uniform-clipped": Case(Uniform(), ClippedWeight()),
    "beta-0.1": Case(Beta(0.1, 0.1), Threshold(0.5)),
    "beta-2-5-tau-0.3": Case(Beta(2, 5), Threshold(0.3)),
    "epbeta-0.05": Case(EpBeta(delta=0.05), Threshold(0.5)),
    "epbeta-clipped": Case(EpBeta(delta=0.05, cut_point=ClippedWeight()), ClippedWeight()),
    "epbeta-asymmetric-tau-0.3": Case(EpBeta(delta=0.04, epsilon=(0.1, 0.5), cut_point=0.3), Threshold(0.3)),
    "expanded-uniform": Case(ScipyWeights(stats.uniform(-0.5, 2.0)), Threshold(0.5)),  # f = 7/6
}
STRUCTURE_PRESERVING = ["epbeta-0.05", "epbeta-clipped", "epbeta-asymmetric-tau-0.3"]


@cache
def synthetic(name):
    case = CASES[name]
    data = original_data()
    seed = sorted(CASES).index(name)
    return mix(data.X, data.labels, case.weights, case.policy, seed=seed)


# --------------------------------------------------------------------------
# §2.1 means, §2.2 variance, §2.3 covariance with a shared W
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", CASES)
def test_means_are_kept(name):
    X = original_data().X
    mixed, _ = synthetic(name)
    for column in range(2):
        mean, se = estimate(np.mean, mixed[:, column])
        assert mean == pytest.approx(X[:, column].mean(), abs=Z * se)
        assert Z * se < 0.01 * X[:, column].std()  # resolves a shift of 1 % of a sd


@pytest.mark.parametrize("name", CASES)
def test_variance_is_multiplied_by_the_variance_factor(name):
    X = original_data().X
    f = CASES[name].weights.variance_factor()
    mixed, _ = synthetic(name)
    for column in range(2):
        original_variance = population_variance(X[:, column])
        ratio, se = estimate(lambda x, v=original_variance: population_variance(x) / v, mixed[:, column])
        assert ratio == pytest.approx(f, abs=Z * se)
        if name in STRUCTURE_PRESERVING:
            # Preserved, at a tolerance that would see Beta(0.1, 0.1)'s f = 11/12.
            assert Z * se < (1 - 11 / 12) / 2
        else:
            assert abs(ratio - 1.0) > Z * se  # shrinks (or grows), visibly


def test_uniform_shrinks_variance_to_two_thirds_not_one():
    X = original_data().X
    mixed, _ = synthetic("uniform")
    ratio, se = estimate(lambda x: population_variance(x) / population_variance(X[:, 0]), mixed[:, 0])
    assert ratio == pytest.approx(2 / 3, abs=Z * se)
    assert ratio != pytest.approx(1.0, abs=Z * se)


@pytest.mark.parametrize("name", CASES)
def test_shared_weight_scales_covariance_and_keeps_correlation(name):
    X = original_data().X
    f = CASES[name].weights.variance_factor()
    mixed, _ = synthetic(name)
    covariance = population_covariance(X[:, 0], X[:, 1])
    ratio, se = estimate(lambda x, y: population_covariance(x, y) / covariance, mixed[:, 0], mixed[:, 1])
    assert ratio == pytest.approx(f, abs=Z * se)
    rho, rho_se = estimate(correlation, mixed[:, 0], mixed[:, 1])
    assert rho == pytest.approx(correlation(X[:, 0], X[:, 1]), abs=Z * rho_se)
    assert Z * rho_se < 0.005
    if name not in STRUCTURE_PRESERVING:
        assert abs(ratio - 1.0) > Z * se  # the covariance itself does change


def test_regression_slope_is_kept_with_shared_weights():
    X = original_data().X
    mixed, _ = synthetic("uniform")

    def slope(x, y):
        return population_covariance(x, y) / population_variance(x)

    value, se = estimate(slope, mixed[:, 0], mixed[:, 1])
    assert value == pytest.approx(slope(X[:, 0], X[:, 1]), abs=Z * se)


@pytest.mark.parametrize(
    ("weights_x", "weights_y"),
    [
        (Uniform(), Uniform()),  # factor 1/2
        (EpBeta(delta=0.05), EpBeta(delta=0.05)),  # each keeps variance, the pair not
        (Beta(2, 5), Uniform()),
        # E[W^X] = 3/2, E[W^Y] = 3/4: E[W^X]E[W^Y] = (E[W^X] + E[W^Y])/2, covariance kept.
        (ScipyWeights(stats.uniform(1.0, 1.0)), Beta(3, 1)),
    ],
    ids=["uniform-uniform", "epbeta-epbeta", "beta25-uniform", "kept"],
)
def test_independent_weights_per_column(weights_x, weights_y):
    """SPEC §2.3: Cov[X~, Y~] = (1 − E[W^X] − E[W^Y] + 2E[W^X]E[W^Y])·Cov[X, Y].

    So the covariance is kept iff E[W^X W^Y] = E[W^X]E[W^Y] = (E[W^X] + E[W^Y])/2.
    """
    data = original_data()
    mixed, _ = mix(data.X, data.labels, [weights_x, weights_y], seed=99)
    a, b = weights_x.mean(), weights_y.mean()
    expected = 1 - a - b + 2 * a * b
    covariance = population_covariance(data.X[:, 0], data.X[:, 1])
    ratio, se = estimate(lambda x, y: population_covariance(x, y) / covariance, mixed[:, 0], mixed[:, 1])
    assert ratio == pytest.approx(expected, abs=Z * se)
    condition = np.isclose(a * b, (a + b) / 2, atol=1e-12)
    assert condition == (abs(ratio - 1.0) < Z * se)  # the "iff", seen in the simulation


@pytest.mark.parametrize(
    ("weights", "f"), [(Uniform(), 2 / 3), (EpBeta(delta=0.05), 1.0)], ids=["uniform", "epbeta"]
)
def test_repeated_resynthesis_multiplies_variance_by_f_to_the_k(weights, f):
    """SPEC §2.4, model collapse: k rounds of resynthesis from the previous synthetic data.

    Each round's variance ratio carries its own batch-means standard error; the
    product's relative standard error is their root sum of squares.
    """
    data = original_data()
    current = data.X
    variance0 = population_variance(data.X[:, 0])
    ratio, relative_se2 = 1.0, 0.0
    for k in range(1, 6):
        previous_variance = population_variance(current[:, 0])
        current, _ = mix(current, None, weights, n_samples=400_000, seed=1000 + k)
        step, se = estimate(lambda x, v=previous_variance: population_variance(x) / v, current[:, 0])
        ratio *= step
        relative_se2 += (se / step) ** 2
        tolerance = Z * f**k * np.sqrt(relative_se2)
        assert population_variance(current[:, 0]) / variance0 == pytest.approx(ratio, rel=1e-12)
        assert ratio == pytest.approx(f**k, abs=tolerance)
        if f != 1.0:
            assert abs(ratio - f ** (k - 1)) > tolerance  # every round shrinks, visibly


# --------------------------------------------------------------------------
# §2.5 category frequencies, §2.6 conditioning on a category
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "policy", [Threshold(0.5), Threshold(0.3), Threshold(0.8), Threshold(1.1), ClippedWeight()], ids=repr
)
@pytest.mark.parametrize(
    "weights", [Uniform(), Beta(2, 5), EpBeta(delta=0.05)], ids=["uniform", "beta-2-5", "epbeta"]
)
def test_category_frequencies_are_kept(weights, policy):
    data = original_data()
    labels = mix(data.X, data.labels, weights, policy, n_samples=400_000, seed=7)[1]
    for label in range(3):
        p = np.mean(data.labels == label)
        # The kept parent is a uniform row: each L~ is Bernoulli(p) for "== label".
        se = np.sqrt(p * (1 - p) / len(labels))
        assert np.mean(labels == label) == pytest.approx(p, abs=Z * se)
        assert Z * se < 0.005


def class_moments(label):
    data = original_data()
    x, in_class = data.X[:, 0], data.labels == label
    return x.mean(), population_variance(x), x[in_class].mean(), population_variance(x[in_class])


def conditional(statistic, label):
    def restricted(x, labels):
        return statistic(x[labels == label])

    return restricted


@pytest.mark.parametrize("name", CASES)
def test_conditional_mean_is_contaminated_by_u(name):
    """E[X~ | L~ = l] = (1 − u)·μ_l + u·μ."""
    case = CASES[name]
    u = case.weights.contamination(case.policy)
    mixed, labels = synthetic(name)
    for label in range(3):
        mu, _, mu_l, _ = class_moments(label)
        value, se = estimate(conditional(np.mean, label), mixed[:, 0], labels)
        expected = (1 - u) * mu_l + u * mu
        assert value == pytest.approx(expected, abs=Z * se)
        if name == "expanded-uniform":
            # W ~ U(-0.5, 1.5) is symmetric about τ = 1/2: the negative
            # contributions beyond [0, 1] cancel the positive ones, u = 0.
            assert u == pytest.approx(0.0, abs=1e-12)
        else:
            assert abs(expected - mu_l) > Z * se  # the contamination is seen


@pytest.mark.parametrize("name", CASES)
def test_conditional_variance_general_formula(name):
    """Var[X~ | L~ = l] = E[V²]σ_l² + E[(1 − V)²]σ² + Var[V](μ_l − μ)²."""
    case = CASES[name]
    mean_v = kept_weight_moment(case.weights, case.policy, 1)
    second_v = kept_weight_moment(case.weights, case.policy, 2)
    assert 1 - mean_v == pytest.approx(case.weights.contamination(case.policy), abs=1e-12)
    mixed, labels = synthetic(name)
    visible = []
    for label in range(3):
        mu, sigma2, mu_l, sigma2_l = class_moments(label)
        expected = (
            second_v * sigma2_l
            + (1 - 2 * mean_v + second_v) * sigma2
            + (second_v - mean_v**2) * (mu_l - mu) ** 2
        )
        value, se = estimate(conditional(population_variance, label), mixed[:, 0], labels)
        assert value == pytest.approx(expected, abs=Z * se)
        visible.append(abs(expected - sigma2_l) > Z * se)
    assert any(visible)  # the formula differs visibly from the classes' own variances


@pytest.mark.parametrize("name", STRUCTURE_PRESERVING)
def test_conditional_variance_simplifies_when_variance_is_kept(name):
    """With E[W²] = E[W]: Var[X~ | L~ = l] = (1 − u)σ_l² + uσ² + u(1 − u)(μ_l − μ)²."""
    case = CASES[name]
    u = case.weights.contamination(case.policy)
    # V(1 − V) = W(1 − W) gives E[V²] = 1 − u, E[(1 − V)²] = u, Var[V] = u(1 − u).
    second_v = kept_weight_moment(case.weights, case.policy, 2)
    assert second_v == pytest.approx(1 - u, abs=1e-10)
    assert 1 - 2 * (1 - u) + second_v == pytest.approx(u, abs=1e-10)
    mixed, labels = synthetic(name)
    for label in range(3):
        mu, sigma2, mu_l, sigma2_l = class_moments(label)
        expected = (1 - u) * sigma2_l + u * sigma2 + u * (1 - u) * (mu_l - mu) ** 2
        value, se = estimate(conditional(population_variance, label), mixed[:, 0], labels)
        assert value == pytest.approx(expected, abs=Z * se)


@pytest.mark.parametrize("name", ["uniform", "beta-0.1", "beta-2-5-tau-0.3"])
def test_simplification_needs_variance_preservation(name):
    case = CASES[name]
    u = case.weights.contamination(case.policy)
    assert abs(kept_weight_moment(case.weights, case.policy, 2) - (1 - u)) > 1e-3
