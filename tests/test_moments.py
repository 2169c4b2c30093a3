"""Higher moments under (repeated) synthesis, SPEC §8 and §6: every formula, by Monte Carlo.

The mixing is written out here in a few lines of numpy, independent of the
package's estimator: ``x~ = Σ_k w_k x[parent_k]`` with the weights of the
law's own ``draw`` and parents drawn uniformly (independently, or all
distinct for §6).

One round is checked on a fixed table (its *population* moments, ddof = 0,
are what the formulas are about), so the only randomness is the mixing.
Several rounds are checked in the large-table limit the recursions
describe: round r + 1 mixes independent copies of round r's column, which
is a tree of ``n_parents**rounds`` independent draws of the original law,
weighted by products of independent weight rows.

Tolerances are Z = 5 standard errors, estimated from the synthetic sample
itself: a moment ``E[d^k]`` (d = x~ − μ, μ known exactly) by the standard
deviation of ``d^k``; the kurtosis ``m4/m2²`` and skewness ``m3/m2^1.5`` by
their influence functions (the delta method).  Each test also checks that
the answer one would get wrong (the moment kept, EpBeta's kurtosis for the
circle's, ...) lies outside the tolerance.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from scipy import special, stats
from sklearn.utils import check_random_state

from skmixup import Beta, CircleWeights, ClippedWeight, EpBeta, KurtosisMatchedWeights, ScipyWeights, Uniform
from skmixup.weights import MultiParentWeights, PowerSums

Z = 5.0
N_ROWS = 5000
N_SYNTHETIC = 2_000_000


# --------------------------------------------------------------------------
# Mixing, moments and their standard errors
# --------------------------------------------------------------------------


def mix(x, weights, n_samples, seed, distinct=False):
    """``Σ_k w_k x[parent_k]``, parents uniform: independent, or all different within a row."""
    rng = np.random.default_rng(seed)
    w, _ = weights.draw(n_samples, np.random.RandomState(seed))
    k = weights.n_parents
    if distinct:
        parents = np.argsort(rng.random((n_samples, len(x))), axis=1)[:, :k]
    else:
        parents = rng.integers(len(x), size=(n_samples, k))
    return (w * x[parents]).sum(axis=1)


def moment_and_se(d, order):
    values = d**order
    return values.mean(), values.std(ddof=1) / np.sqrt(len(d))


def kurtosis_and_se(d):
    """Pearson kurtosis about the known centre, and its delta-method standard error."""
    m2, m4 = np.mean(d**2), np.mean(d**4)
    kappa = m4 / m2**2
    influence = (d**4 - m4) / m2**2 - 2.0 * kappa * (d**2 - m2) / m2
    return kappa, influence.std(ddof=1) / np.sqrt(len(d))


def skewness_and_se(d):
    m2, m3 = np.mean(d**2), np.mean(d**3)
    gamma = m3 / m2**1.5
    influence = (d**3 - m3) / m2**1.5 - 1.5 * gamma * (d**2 - m2) / m2
    return gamma, influence.std(ddof=1) / np.sqrt(len(d))


@cache
def table(kind):
    """A skewed column (Gamma(2): skewness √2, kurtosis 6) for the third moment, and a flat one
    (uniform: kurtosis 1.8, far from every law's fixed point, light tails, hence small standard
    errors) for the fourth."""
    rng = np.random.default_rng(8)
    return rng.gamma(2.0, size=N_ROWS) if kind == "skewed" else rng.uniform(-1.0, 1.0, size=N_ROWS)


def central_moments(x):
    d = x - x.mean()
    return x.mean(), np.mean(d**2), np.mean(d**3), np.mean(d**4)


# --------------------------------------------------------------------------
# One round: m3, m4 and the kurtosis, for every kind of law
# --------------------------------------------------------------------------

LAWS = {
    "uniform": Uniform(),
    "beta-0.1": Beta(0.1, 0.1),
    "beta-2-5": Beta(2, 5),
    "epbeta-0.05": EpBeta(delta=0.05),
    "epbeta-clipped": EpBeta(delta=0.05, cut_point=ClippedWeight()),
    "epbeta-mirror-tau-1.3": EpBeta(delta=0.05, cut_point=1.3),
    "expanded-uniform": ScipyWeights(stats.uniform(-0.5, 2.0)),
    "circle-0.05": CircleWeights(delta=0.05),
    "circle-max": CircleWeights(delta=CircleWeights.max_delta()),
    "kurtosis-matched-4": KurtosisMatchedWeights(delta=0.05, kurtosis=4.0),
}


@cache
def one_round(name, kind):
    x = table(kind)
    return mix(x, LAWS[name], N_SYNTHETIC, seed=sorted(LAWS).index(name)) - x.mean()


@pytest.mark.slow
@pytest.mark.parametrize("name", LAWS)
def test_third_central_moment_is_multiplied_by_the_third_moment_factor(name):
    """SPEC §8: m3(X~) = E[Σw³]·m3(X) = (1 − 3E[W] + 3E[W²])·m3(X) for two parents."""
    _, _, m3, _ = central_moments(table("skewed"))
    c = LAWS[name].third_moment_factor()
    observed, se = moment_and_se(one_round(name, "skewed"), 3)
    assert abs(observed - c * m3) < Z * se
    assert Z * se < 0.05 * abs(m3)  # the tolerance sees a 5 % error
    if abs(c - 1.0) > 0.05:
        assert abs(observed - m3) > Z * se  # the third moment is not simply kept


@pytest.mark.slow
@pytest.mark.parametrize("name", LAWS)
def test_fourth_central_moment_is_a_m4_plus_b_variance_squared(name):
    """SPEC §8: m4(X~) = a·m4(X) + b·σ⁴, a = E[Σw⁴], b = 3(E[(Σw²)²] − E[Σw⁴])."""
    _, variance, _, m4 = central_moments(table("flat"))
    a, b = LAWS[name].fourth_moment_factors()
    observed, se = moment_and_se(one_round(name, "flat"), 4)
    assert abs(observed - (a * m4 + b * variance**2)) < Z * se
    assert abs(observed - m4) > Z * se  # no mixing law keeps the fourth moment


@pytest.mark.slow
@pytest.mark.parametrize("name", LAWS)
def test_kurtosis_after_one_round(name):
    _, variance, _, m4 = central_moments(table("flat"))
    kappa = m4 / variance**2
    predicted = LAWS[name].kurtosis_after(kappa)
    observed, se = kurtosis_and_se(one_round(name, "flat"))
    assert abs(observed - predicted) < Z * se
    assert abs(observed - kappa) > Z * se


@pytest.mark.slow
@pytest.mark.parametrize("name", ["circle-0.05", "circle-max", "kurtosis-matched-4"])
def test_multi_parent_laws_keep_the_variance(name):
    _, variance, _, _ = central_moments(table("flat"))
    observed, se = moment_and_se(one_round(name, "flat"), 2)
    assert LAWS[name].variance_factor() == pytest.approx(1.0, abs=1e-12)
    assert abs(observed - variance) < Z * se
    assert abs(observed - Uniform().variance_factor() * variance) > Z * se


# --------------------------------------------------------------------------
# Several rounds (the large-table limit): the recursions and their closed forms
# --------------------------------------------------------------------------


def resynthesise(weights, leaves, rounds, seed):
    """``rounds`` rounds of mixing, each of independent copies of the previous round's column.

    ``leaves`` holds ``n_parents**rounds`` independent draws of the original
    column per final row; each round combines them ``n_parents`` at a time
    with a fresh weight row.
    """
    random_state = np.random.RandomState(seed)
    k = weights.n_parents
    x = leaves
    for _ in range(rounds):
        rows, width = x.shape
        w, _ = weights.draw(rows * (width // k), random_state)
        x = (x.reshape(rows, width // k, k) * w.reshape(rows, width // k, k)).sum(axis=2)
    return x[:, 0]


@pytest.mark.slow
def test_epbeta_kurtosis_grows_geometrically_over_five_rounds():
    """From a normal column, five rounds of EpBeta(0.05): κ_5 = 6·a^5 − 3 = 5.38 (a = 1 + 2E[v²])."""
    weights = EpBeta(delta=0.05)
    rounds = 5
    leaves = np.random.default_rng(11).standard_normal((200_000, 2**rounds))
    observed, se = kurtosis_and_se(resynthesise(weights, leaves, rounds, seed=12))
    predicted = weights.kurtosis_after(3.0, rounds=rounds)
    a, _ = weights.fourth_moment_factors()
    assert predicted == pytest.approx(6.0 * a**rounds - 3.0, abs=1e-12)
    assert predicted == pytest.approx(5.38, abs=5e-3)
    assert abs(observed - predicted) < Z * se
    assert abs(observed - weights.kurtosis_after(3.0, rounds=1)) > Z * se  # more than one round's worth
    assert abs(observed - 3.0) > Z * se


@pytest.mark.slow
def test_circle_pulls_the_kurtosis_towards_three_and_shrinks_the_skewness():
    """Three rounds of CircleWeights(0.05) on Laplace leaves (κ = 6) and on Gamma(2) leaves (γ = √2)."""
    weights = CircleWeights(delta=0.05)
    rounds = 3
    rng = np.random.default_rng(13)
    laplace = rng.laplace(size=(200_000, 3**rounds))
    observed, se = kurtosis_and_se(resynthesise(weights, laplace, rounds, seed=14))
    predicted = weights.kurtosis_after(6.0, rounds=rounds)
    assert 3.0 < predicted < 5.0
    assert abs(observed - predicted) < Z * se
    assert abs(observed - 6.0) > Z * se
    assert abs(observed - EpBeta(delta=0.05).kurtosis_after(6.0, rounds=rounds)) > Z * se
    gamma_leaves = rng.gamma(2.0, size=(200_000, 3**rounds)) - 2.0
    observed, se = skewness_and_se(resynthesise(weights, gamma_leaves, rounds, seed=15))
    predicted = weights.skewness_after(np.sqrt(2.0), rounds=rounds)
    assert predicted == pytest.approx(np.sqrt(2.0) * weights.third_moment_factor() ** 3, rel=1e-12)
    assert abs(observed - predicted) < Z * se
    assert abs(observed - np.sqrt(2.0)) > Z * se


@pytest.mark.slow
def test_kurtosis_matched_weights_hold_the_target_kurtosis():
    """A column whose kurtosis is the target keeps it; EpBeta alone raises it and the circle lowers it."""
    x = np.random.default_rng(16).laplace(size=20_000)
    _, variance, _, m4 = central_moments(x)
    target = m4 / variance**2
    weights = KurtosisMatchedWeights(delta=0.05, kurtosis=target)
    d = mix(x, weights, N_SYNTHETIC, seed=17) - x.mean()
    observed, se = kurtosis_and_se(d)
    assert weights.kurtosis_after(target, rounds=10) == pytest.approx(target, abs=1e-9)
    assert abs(observed - target) < Z * se
    assert abs(observed - EpBeta(delta=0.05).kurtosis_after(target)) > Z * se
    assert abs(observed - CircleWeights(delta=0.05).kurtosis_after(target)) > Z * se
    # Two rounds in the large-table limit: still the target.
    rounds = 2
    leaves = np.random.default_rng(18).laplace(size=(400_000, 3**rounds))
    matched = KurtosisMatchedWeights(kurtosis=6.0)
    observed, se = kurtosis_and_se(resynthesise(matched, leaves, rounds, seed=19))
    assert abs(observed - 6.0) < Z * se
    assert abs(observed - EpBeta(delta=0.05).kurtosis_after(6.0, rounds=rounds)) > Z * se


# --------------------------------------------------------------------------
# The closed forms themselves (no simulation)
# --------------------------------------------------------------------------


def reference_pair_factors(frozen):
    """c, a, b from scipy's own raw moments of W (an independent route)."""
    m1, m2, m3, m4 = (frozen.moment(k) for k in range(1, 5))
    mean_v, mean_v2 = m1 - m2, m2 - 2 * m3 + m4
    return 1 - 3 * m1 + 3 * m2, 1 - 4 * mean_v + 2 * mean_v2, 6 * mean_v2


@pytest.mark.parametrize(
    "weights",
    [Uniform(), Beta(0.1, 0.1), Beta(2, 5), EpBeta(delta=0.05), EpBeta(delta=0.02, epsilon=(0.1, 0.5)),
     EpBeta(delta=0.05, cut_point=1.3), ScipyWeights(stats.truncnorm(-2, 2, loc=0.9, scale=0.1))],
    ids=lambda w: "ScipyWeights(truncnorm)" if isinstance(w, ScipyWeights) else repr(w),
)  # fmt: skip
def test_two_parent_factors_match_scipy_moments(weights):
    c, a, b = reference_pair_factors(weights.to_scipy())
    assert weights.third_moment_factor() == pytest.approx(c, abs=1e-10)
    assert weights.fourth_moment_factors() == pytest.approx((a, b), abs=1e-10)
    sums = weights.power_sums()
    assert sums.square == pytest.approx(weights.variance_factor(), abs=1e-14)
    assert 3 * (sums.square_squared - sums.fourth) == pytest.approx(b, abs=1e-10)


@given(
    fraction=st.floats(min_value=0.01, max_value=1.0),
    epsilon0=st.floats(min_value=0.05, max_value=2.0),
    epsilon1=st.floats(min_value=0.05, max_value=2.0),
)
@example(fraction=0.9999999999999991, epsilon0=1.25, epsilon1=1.0)  # delta_max within rounding (scipy 1.17.0)
def test_epbeta_factors_match_scipy_moments_anywhere(fraction, epsilon0, epsilon1):
    epsilon = (epsilon0, epsilon1)
    weights = EpBeta(delta=fraction * EpBeta.max_delta(epsilon), epsilon=epsilon)
    c, a, b = reference_pair_factors(weights.to_scipy())
    assert weights.third_moment_factor() == pytest.approx(c, abs=1e-9)
    assert weights.fourth_moment_factors() == pytest.approx((a, b), abs=1e-9)
    # Variance kept: the skewness is kept and the kurtosis can only grow.
    assert c == pytest.approx(1.0, abs=1e-9)
    assert a >= 1.0 - 1e-9
    assert b == pytest.approx(3.0 * (a - 1.0), abs=1e-9)


def test_bootstrap_keeps_every_moment():
    """EpBeta(delta=0) is W = 1, and the circle at δ = 0 sits on its vertices: copies of real rows."""
    for weights in (EpBeta(delta=0.0), CircleWeights(delta=0.0)):
        assert weights.third_moment_factor() == 1.0
        assert weights.fourth_moment_factors() == (1.0, 0.0)
        assert weights.kurtosis_after(np.array([1.5, 3.0, 40.0]), rounds=100).tolist() == [1.5, 3.0, 40.0]
        assert weights.skewness_after(-0.7, rounds=100) == -0.7
    weights, kept = CircleWeights(delta=0.0).draw(1000, random_state=0)
    one_hot = np.eye(3)[kept]
    np.testing.assert_allclose(weights, one_hot, rtol=0, atol=1e-15)


def test_epbeta_kurtosis_after_25_rounds():
    """SPEC §8 says 'Gaussian 3 → about 35 in 25 rounds'; the recursion gives 28.89.

    With E[W²] = E[W], E[v] = 0, a = 1 + 2E[v²], b = 6E[v²] = 3(a − 1), so
    κ_r = (κ + 3)a^r − 3 = 6a^r − 3 from a normal column; E[v²] = 0.034550
    for EpBeta(0.05, ε = 0.3), a^25 = 5.3145.  35 would take 27.6 rounds.
    """
    weights = EpBeta(delta=0.05, epsilon=0.3)
    a, b = weights.fourth_moment_factors()
    assert (a - 1) / 2 == pytest.approx(0.034550, abs=5e-7)
    assert b == pytest.approx(3.0 * (a - 1.0), abs=1e-13)
    assert weights.kurtosis_after(3.0, rounds=25) == pytest.approx(6 * a**25 - 3, rel=1e-12)
    assert round(weights.kurtosis_after(3.0, rounds=25), 3) == 28.887
    assert abs(weights.kurtosis_after(3.0, rounds=25) - 35.0) > 5.0


@pytest.mark.parametrize("weights", [Uniform(), EpBeta(), CircleWeights(), Beta(0.1, 0.1)], ids=repr)
def test_kurtosis_after_is_the_one_round_map_iterated(weights):
    a, b = weights.fourth_moment_factors()
    f = weights.variance_factor()
    start = np.array([1.0, 1.8, 3.0, 6.0, 40.0])
    iterated = start.copy()
    for rounds in range(31):
        assert weights.kurtosis_after(start, rounds=rounds) == pytest.approx(iterated, rel=1e-11)
        iterated = (a * iterated + b) / f**2
    # Vectorised over kurtosis and rounds together; NaN passes through.
    grid = weights.kurtosis_after(start[:, None], rounds=np.arange(4)[None, :])
    assert grid.shape == (5, 4)
    assert grid[:, 0].tolist() == start.tolist()
    assert np.isnan(weights.kurtosis_after([np.nan, 3.0])[0])
    assert isinstance(weights.kurtosis_after(3.0), float)


@pytest.mark.parametrize("weights", [Uniform(), EpBeta(), CircleWeights()], ids=repr)
def test_skewness_after_is_the_one_round_map_iterated(weights):
    rate = weights.third_moment_factor() / weights.variance_factor() ** 1.5
    assert weights.skewness_after(np.array([-1.0, 0.0, 2.0]), rounds=7) == pytest.approx(
        np.array([-1.0, 0.0, 2.0]) * rate**7, rel=1e-12
    )
    assert isinstance(weights.skewness_after(1.0, rounds=2), float)


def test_fixed_points_of_the_kurtosis():
    """κ* = b/(1 − a) when a < 1 (with f = 1; in general B/(1 − A), A = a/f², B = b/f²)."""
    a, b = Uniform().fourth_moment_factors()
    f = Uniform().variance_factor()
    assert (b / f**2) / (1 - a / f**2) == pytest.approx(4.5, abs=1e-12)
    assert Uniform().kurtosis_after(40.0, rounds=400) == pytest.approx(4.5, abs=1e-9)
    for delta in (0.01, 0.05, CircleWeights.max_delta()):
        a, b = CircleWeights(delta=delta).fourth_moment_factors()
        assert a < 1 and b / (1 - a) == pytest.approx(3.0, abs=1e-12)
    a, _ = EpBeta().fourth_moment_factors()
    assert a > 1  # no fixed point: geometric growth


@pytest.mark.parametrize("value", [0.0, 0.99, -1.0])
def test_kurtosis_after_refuses_fisher_kurtosis(value):
    with pytest.raises(ValueError, match=r"Pearson kurtoses, which are at least 1.*Fisher"):
        EpBeta().kurtosis_after([3.0, value])


@pytest.mark.parametrize("rounds", [-1, 1.5, "2", True])
def test_rounds_must_be_a_non_negative_integer(rounds):
    with pytest.raises((ValueError, TypeError), match="'rounds' parameter must be a non-negative integer"):
        EpBeta().kurtosis_after(3.0, rounds=rounds)
    with pytest.raises((ValueError, TypeError), match="'rounds' parameter must be a non-negative integer"):
        EpBeta().skewness_after(0.5, rounds=rounds)


@given(
    weights=st.lists(
        st.one_of(st.just(0.0), st.floats(1e-3, 3.0), st.floats(-3.0, -1e-3)),
        min_size=2,
        max_size=5,
    )
)
def test_only_one_hot_weights_keep_every_fourth_moment(weights):
    """SPEC §8: (Σw²)² − Σw⁴ = Σ_{k≠l} w_k²w_l² ≥ 0, zero iff at most one weight is non-zero.

    Keeping m4 for every law of X needs a = E[Σw⁴] = 1 and b = 0, i.e.
    (Σw²)² = Σw⁴ almost surely: a single non-zero weight, which Σw = 1 makes 1.
    """
    w = np.asarray(weights)
    gap = np.sum(w**2) ** 2 - np.sum(w**4)
    cross = sum(w[k] ** 2 * w[m] ** 2 for k in range(len(w)) for m in range(len(w)) if k != m)
    assert gap == pytest.approx(cross, abs=1e-9)
    assert gap >= -1e-12
    if np.count_nonzero(w) >= 2:
        assert gap > 0.0


# --------------------------------------------------------------------------
# The circle (SPEC §8)
# --------------------------------------------------------------------------


@pytest.mark.parametrize("delta", [0.001, 0.05, 0.1, CircleWeights.max_delta()])
def test_circle_rows_satisfy_the_identities(delta):
    weights, kept = CircleWeights(delta=delta).draw(100_000, random_state=1)
    np.testing.assert_allclose(weights.sum(axis=1), 1.0, atol=1e-14)
    np.testing.assert_allclose((weights**2).sum(axis=1), 1.0, atol=1e-14)
    assert weights.min() >= -1 / 3 - 1e-15 and weights.max() <= 1 + 1e-15
    np.testing.assert_array_equal(kept, weights.argmax(axis=1))
    # e3 = w1 w2 w3 = −(2/27)(1 − cos 3θ): Σw³ = 1 + 3e3 and Σw⁴ = 1 + 4e3 = 19/27 + (8/27)cos 3θ.
    e3 = weights.prod(axis=1)
    cos3 = 1 + 13.5 * e3
    np.testing.assert_allclose((weights**3).sum(axis=1), 1 - 2 / 9 * (1 - cos3), atol=1e-13)
    np.testing.assert_allclose((weights**4).sum(axis=1), 19 / 27 + 8 / 27 * cos3, atol=1e-13)
    assert np.all(cos3 <= 1 + 1e-12)


@pytest.mark.slow
@pytest.mark.parametrize("delta", [0.01, 0.05, CircleWeights.max_delta()])
def test_circle_contamination_and_factors_by_simulation(delta):
    law = CircleWeights(delta=delta)
    weights, kept = law.draw(N_SYNTHETIC, random_state=2)
    kept_weight = weights[np.arange(len(kept)), kept]
    u, se = moment_and_se(1.0 - kept_weight, 1)
    assert abs(u - delta) < Z * se
    assert abs(u - 2 * delta) > Z * se
    cube, se = moment_and_se((weights**3).sum(axis=1), 1)
    assert abs(cube - law.third_moment_factor()) < Z * se
    fourth, se = moment_and_se((weights**4).sum(axis=1), 1)
    assert abs(fourth - law.fourth_moment_factors()[0]) < Z * se
    # The kept parent is uniform over the three.
    shares = np.bincount(kept, minlength=3) / len(kept)
    assert np.all(np.abs(shares - 1 / 3) < Z * np.sqrt(2 / 9 / len(kept)))


@pytest.mark.parametrize("delta", [1e-6, 0.001, 0.05, 0.1])
def test_circle_closed_forms_against_scipy_von_mises(delta):
    """u = (2/3)(1 − E[cos(χ/3)]), E[cos 3θ] = E[cos χ] = I1(κ)/I0(κ), by scipy's own integration."""
    law = CircleWeights(delta=delta)
    kappa = law.kappa_
    von_mises = stats.vonmises(kappa)
    mean_cos_third = von_mises.expect(lambda chi: np.cos(chi / 3), lb=-np.pi, ub=np.pi)
    assert 2 / 3 * (1 - mean_cos_third) == pytest.approx(delta, rel=1e-7)
    mean_cos = special.i1e(kappa) / special.i0e(kappa)
    assert law.third_moment_factor() == pytest.approx(1 - 2 / 9 * (1 - mean_cos), rel=1e-12, abs=1e-12)
    assert law.fourth_moment_factors()[0] == pytest.approx(19 / 27 + 8 / 27 * mean_cos, rel=1e-12)
    a, b = law.fourth_moment_factors()
    assert b == pytest.approx(3 * (1 - a), abs=1e-15)


def test_circle_at_its_reach_is_uniform_on_the_circle():
    law = CircleWeights(delta=CircleWeights.max_delta())
    assert law.kappa_ == 0.0
    assert CircleWeights.max_delta() == pytest.approx(2 / 3 - np.sqrt(3) / np.pi, abs=1e-15)
    # θ uniform: E[cos 3θ] = 0, so c = 7/9 and a = 19/27.
    assert law.third_moment_factor() == pytest.approx(7 / 9, abs=1e-12)
    assert law.fourth_moment_factors()[0] == pytest.approx(19 / 27, abs=1e-12)


# --------------------------------------------------------------------------
# §6: distinct parents
# --------------------------------------------------------------------------


class DirichletWeights(MultiParentWeights):
    """A test-only three-parent law, Dirichlet(1, 1, 1): E[Σw²] = 3·2/(3·4) = 1/2."""

    n_parents = 3

    def draw(self, n_samples, random_state=None, cut_point=None):
        weights = check_random_state(random_state).dirichlet(np.ones(3), size=n_samples)
        return weights, weights.argmax(axis=1)

    def power_sums(self):
        return PowerSums(square=0.5, cube=np.nan, fourth=np.nan, square_squared=np.nan)


@pytest.mark.slow
@pytest.mark.parametrize(
    "weights",
    [Uniform(), Beta(2, 2), Beta(0.1, 0.1), DirichletWeights(), EpBeta(), CircleWeights()],
    ids=repr,
)
@pytest.mark.parametrize("n_rows", [5, 12])
def test_distinct_parent_variance_factor(weights, n_rows):
    """SPEC §6: with all parents of a row different, Var[X~] = σ²_n (1 − (1 − E[Σw²]) n/(n − 1))."""
    x = np.random.default_rng(n_rows).standard_normal(n_rows)
    variance = np.var(x)
    d = mix(x, weights, N_SYNTHETIC, seed=20 + n_rows, distinct=True) - x.mean()
    observed, se = moment_and_se(d, 2)
    factor = weights.variance_factor(n_rows=n_rows)
    assert factor == pytest.approx(1 - (1 - weights.variance_factor()) * n_rows / (n_rows - 1), abs=1e-15)
    assert abs(observed - factor * variance) < Z * se
    if weights.variance_factor() < 0.99:
        # The factor of independent parents is wrong here by (1 − f)/(n − 1).
        assert abs(observed - weights.variance_factor() * variance) > Z * se


@pytest.mark.parametrize("n_rows", [0, 1, 2.5, True, "5"])
def test_n_rows_must_be_an_integer_of_at_least_two(n_rows):
    with pytest.raises(ValueError, match="'n_rows' parameter must be an integer >= 2"):
        Uniform().variance_factor(n_rows=n_rows)
    with pytest.raises(ValueError, match="'n_rows' parameter must be an integer >= 3"):
        CircleWeights().variance_factor(n_rows=2)
    assert Uniform().variance_factor(n_rows=None) == Uniform().variance_factor()
