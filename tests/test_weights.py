"""Weight distributions: variance factors (SPEC §2.4), validation and parameter-object behaviour."""

from __future__ import annotations

import pickle
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import special, stats
from sklearn.base import clone

from skmixup import (
    Beta,
    CircleWeights,
    ClippedWeight,
    EpBeta,
    KurtosisMatchedWeights,
    ScipyWeights,
    StructurePreservingMixup,
    Threshold,
    Uniform,
)
from skmixup.cut_points import check_cut_point
from skmixup.weights import MultiParentWeights, WeightDistribution, check_weights
from skmixup.weights._beta import _INVERSION_MIN_DRAWS, INVERSION_U_RESOLUTION, beta_inverse_cdf

# --------------------------------------------------------------------------
# Variance factors f = 1 − 2(E[W] − E[W²])
# --------------------------------------------------------------------------


def test_uniform_variance_factor_is_two_thirds():
    assert Uniform().variance_factor() == pytest.approx(2 / 3, abs=1e-15)
    assert Uniform().mean() == pytest.approx(1 / 2, abs=1e-15)
    assert Uniform().second_moment() == pytest.approx(1 / 3, abs=1e-15)


def test_uniform_collapses_after_25_rounds():
    # SPEC §2.4: resynthesising 25 times from Uniform weights leaves 4·10^-5 of the variance.
    assert float(f"{Uniform().variance_factor() ** 25:.0e}") == 4e-5


def test_beta_01_variance_factor_matches_spec():
    f = Beta(0.1, 0.1).variance_factor()
    assert round(f, 4) == 0.9167
    assert f == pytest.approx(1.1 / 1.2, abs=1e-14)


@pytest.mark.parametrize("a", [0.01, 0.1, 0.5, 1.0, 2.0, 7.5, 100.0, 1e4])
def test_symmetric_beta_variance_factor(a):
    assert Beta(a, a).variance_factor() == pytest.approx((a + 1) / (2 * a + 1), abs=1e-14)


@pytest.mark.parametrize(("a", "b"), [(2, 5), (0.3, 4), (10, 0.2), (1, 1)])
def test_beta_moments_match_textbook_formulas(a, b):
    weights = Beta(a, b)
    assert weights.mean() == pytest.approx(a / (a + b), abs=1e-14)
    assert weights.second_moment() == pytest.approx(a * (a + 1) / ((a + b) * (a + b + 1)), abs=1e-14)
    assert weights.variance_factor() == pytest.approx(1 - 2 * a * b / ((a + b) * (a + b + 1)), abs=1e-14)


@given(
    a=st.floats(min_value=1e-3, max_value=1e3, allow_nan=False),
    b=st.floats(min_value=1e-3, max_value=1e3, allow_nan=False),
)
def test_any_beta_can_only_shrink_variance(a, b):
    """SPEC §2.4: W in [0, 1] gives E[W²] <= E[W], so 0 < f <= 1."""
    weights = Beta(a, b)
    mean, second = weights.mean(), weights.second_moment()
    assert second <= mean + 1e-15
    assert 0.0 < weights.variance_factor() <= 1.0 + 1e-15
    reference = stats.beta(a, b)
    assert mean == pytest.approx(reference.mean(), rel=1e-12)
    assert second == pytest.approx(reference.moment(2), rel=1e-10)


@pytest.mark.parametrize(
    "weights",
    [
        EpBeta(delta=0.05),
        EpBeta(delta=0.01, epsilon=1.0),
        EpBeta(delta=0.03, epsilon=(0.1, 0.5), cut_point=ClippedWeight()),
        EpBeta(delta=0.04, epsilon="auto", cut_point=Threshold(0.3)),
        EpBeta(delta=1e-6),
    ],
    ids=repr,
)
def test_epbeta_variance_factor_is_one(weights):
    assert weights.variance_factor() == pytest.approx(1.0, abs=1e-12)


def test_expanded_uniform_grows_variance():
    # SPEC §2.2: E[W²] > E[W] grows variance.  W ~ U(-0.5, 1.5): E[W] = 1/2, E[W²] = 7/12.
    weights = ScipyWeights(stats.uniform(-0.5, 2.0))
    assert weights.variance_factor() == pytest.approx(7 / 6, abs=1e-12)


# --------------------------------------------------------------------------
# Validation and error messages
# --------------------------------------------------------------------------


def solve(**params):
    """Build and use an EpBeta (validation is lazy, like scikit-learn's)."""
    return EpBeta(**params).mean()


@pytest.mark.parametrize("delta", [-0.01, -1])
def test_negative_delta(delta):
    with pytest.raises(ValueError, match=r"'delta' parameter of EpBeta must be a float in the range \[0"):
        solve(delta=delta)


@pytest.mark.parametrize(
    ("delta", "epsilon", "policy"),
    [(0.07, 0.3, Threshold(0.5)), (0.05, 0.1, Threshold(0.5)), (0.13, 0.5, ClippedWeight())],
)
def test_delta_above_reach_names_the_reach_and_an_epsilon(delta, epsilon, policy):
    reach = EpBeta.max_delta(epsilon, policy)
    with pytest.raises(
        ValueError, match=rf"must be in \[0, {reach:.4f}\].*epsilon=(\d\.\d{{3}}) or more"
    ) as info:
        solve(delta=delta, epsilon=epsilon, cut_point=policy)
    # The suggestion is real: the epsilon it names reaches delta.
    suggested = float(re.search(r"epsilon=(\d\.\d{3}) or more", str(info.value)).group(1))
    assert suggested >= EpBeta.epsilon_for(delta, policy)
    assert EpBeta(delta=delta, epsilon=suggested, cut_point=policy).variance_factor() == pytest.approx(1)


@pytest.mark.parametrize("delta", np.linspace(0.0625, 0.1, 12))
def test_suggested_epsilon_is_never_rounded_below_the_one_needed(delta):
    with pytest.raises(ValueError, match="or more would reach it") as info:
        solve(delta=delta)
    suggested = float(re.search(r"epsilon=(\d+\.\d{3}) or more", str(info.value)).group(1))
    assert EpBeta(delta=delta, epsilon=suggested).contamination() == pytest.approx(delta, abs=1e-10)


def test_auto_is_only_suggested_when_it_reaches():
    with pytest.raises(ValueError, match=r"epsilon='auto'"):
        solve(delta=0.07)
    with pytest.raises(ValueError, match=r"would reach it\.$"):
        solve(delta=0.09)  # 0.09 is beyond 80 % of any epsilon's reach


@pytest.mark.parametrize("delta", [0.2, 0.5, 1.0])
def test_delta_no_epsilon_reaches(delta):
    with pytest.raises(ValueError, match="no epsilon reaches it; choose a smaller delta"):
        solve(delta=delta)
    with pytest.raises(ValueError, match=rf"No epsilon reaches delta={delta}.*below 0\.10\d\d"):
        EpBeta.epsilon_for(delta)
    with pytest.raises(ValueError, match="No epsilon reaches"):
        solve(delta=delta, epsilon="auto")


def test_auto_beyond_its_reach_points_to_an_explicit_epsilon():
    with pytest.raises(ValueError, match=r"at 80% of its reach.*0\.0808.*epsilon=1\.005 or more") as info:
        solve(delta=0.09, epsilon="auto")
    suggested = float(re.search(r"epsilon=(\d+\.\d{3})", str(info.value)).group(1))
    assert EpBeta(delta=0.09, epsilon=suggested).contamination() == pytest.approx(0.09, abs=1e-10)


def test_delta_above_one_is_rejected_by_the_constraints():
    with pytest.raises(ValueError, match=r"'delta' parameter of EpBeta must be a float in the range"):
        solve(delta=1.5)


def test_a_parameter_set_anew_after_a_valid_draw_is_validated_again():
    weights = Beta(2.0, 3.0)
    weights.rvs(3, random_state=0)  # validated once: later draws skip the check...
    weights.set_params(a=-1.0)  # ...until a parameter is set anew
    with pytest.raises(ValueError, match=r"'a' parameter of Beta must be a float in the range"):
        weights.rvs(3, random_state=0)
    weights.a = float("nan")
    with pytest.raises(ValueError, match=r"'a' parameter of Beta"):
        weights.rvs(3, random_state=0)
    weights.a = 2.0
    assert weights.rvs(3, random_state=0).shape == (3,)
    assert "_validated_values" not in clone(weights).__dict__  # a clone starts unchecked


def test_epsilon_without_room_above_one_uses_the_mirror_branch():
    # ε1 = 0: W cannot concentrate at 1 and keep the variance, but 1 - W can
    # (SPEC §3: the mirror is equivalent); it concentrates at 0.
    weights = EpBeta(delta=0.01, epsilon=(0.3, 0.0))
    assert weights.mean() < 0.02
    assert weights.to_scipy().support() == pytest.approx((-0.3, 1.0))
    assert weights.variance_factor() == pytest.approx(1.0, abs=1e-12)
    assert weights.contamination() == pytest.approx(0.01, abs=1e-12)


def test_no_room_on_the_side_the_cut_point_needs_is_refused_naming_it():
    # τ = 1.3 keeps the second parent's category near W = 1, so only the mirror
    # branch (W near 0) could work, and ε0 = 0 leaves W no room below 0.
    assert EpBeta.max_delta((0.0, 0.3), 1.3) == 0.0
    with pytest.raises(ValueError, match=r"cut point Threshold\(threshold=1\.3\) and epsilon=\(0\.0, 0\.3\)"):
        solve(delta=0.01, epsilon=(0.0, 0.3), cut_point=1.3)
    with pytest.raises(ValueError, match=r"epsilon0 = 0 leaves W no room below 0"):
        solve(delta=0.01, epsilon=(0.0, 0.3), cut_point=1.3)
    assert EpBeta(delta=0.0, epsilon=(0.0, 0.3), cut_point=1.3).mean() == 1.0


@pytest.mark.parametrize("epsilon", [-0.1, -1])
def test_negative_epsilon(epsilon):
    with pytest.raises(ValueError, match="'epsilon' parameter of EpBeta must be a float in the range"):
        solve(epsilon=epsilon)


@pytest.mark.parametrize("epsilon", [(-0.1, 0.3), (0.3, -0.1), [0.1, -2]])
def test_negative_epsilon_in_a_pair(epsilon):
    with pytest.raises(ValueError, match=r"must be finite and >= 0"):
        solve(epsilon=epsilon)


@pytest.mark.parametrize("epsilon", [(), (0.3,), (0.1, 0.2, 0.3), ("a", "b"), (0.3, None)])
def test_epsilon_pair_of_wrong_length_or_type(epsilon):
    with pytest.raises(
        ValueError, match=r"must be a float, a pair \(epsilon0, epsilon1\) of floats or 'auto'"
    ):
        solve(epsilon=epsilon)


def test_epsilon_string_other_than_auto():
    with pytest.raises(ValueError, match=r"'epsilon' parameter of EpBeta must be .*'auto'"):
        solve(epsilon="big")


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_non_finite_delta(value):
    with pytest.raises(ValueError, match="'delta' parameter of EpBeta"):
        solve(delta=value)


@pytest.mark.parametrize("value", [np.nan, np.inf])
def test_non_finite_epsilon(value):
    with pytest.raises(ValueError, match="'epsilon' parameter of EpBeta"):
        solve(epsilon=value)
    with pytest.raises(ValueError, match=r"'epsilon' parameter of EpBeta must be finite and >= 0"):
        solve(epsilon=(0.3, value))


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_non_finite_cut_point(value):
    with pytest.raises(ValueError, match="'cut_point' parameter of EpBeta must be finite"):
        solve(cut_point=value)
    with pytest.raises(ValueError, match="'threshold' parameter of Threshold"):
        solve(cut_point=Threshold(value))
    with pytest.raises(ValueError, match="'cut_point' parameter must be a finite real number"):
        Uniform().contamination(value)


@pytest.mark.parametrize("parameter", ["a", "b"])
@pytest.mark.parametrize("value", [0, -1.0, np.nan, np.inf])
def test_beta_shape_must_be_positive_and_finite(parameter, value):
    with pytest.raises(
        ValueError, match=rf"'{parameter}' parameter of Beta must be a float in the range \(0"
    ):
        Beta(**{parameter: value}).mean()


def test_cut_point_of_the_wrong_type():
    with pytest.raises(ValueError, match="'cut_point' parameter of EpBeta must be an instance of 'float'"):
        solve(cut_point="0.5")
    with pytest.raises(TypeError, match=r"'cut_point' parameter must be a finite real number .* Got 'half'"):
        Uniform().contamination("half")


@pytest.mark.parametrize(
    "distribution",
    [None, 3, "beta", stats.beta, Beta(2, 2), stats.poisson(3), stats.binom(10, 0.5)],
    ids=["None", "int", "str", "unfrozen", "skmixup-beta", "poisson", "binom"],
)
def test_scipy_weights_needs_a_frozen_continuous_distribution(distribution):
    with pytest.raises(TypeError, match=r"must be a frozen continuous scipy\.stats distribution"):
        ScipyWeights(distribution).mean()


@pytest.mark.parametrize(
    ("distribution", "name"), [(stats.cauchy(), "cauchy"), (stats.t(1.5), "t"), (stats.pareto(1.5), "pareto")]
)
def test_scipy_weights_needs_a_finite_variance(distribution, name):
    with pytest.raises(ValueError, match=rf"must have a finite mean and variance; {name} has"):
        ScipyWeights(distribution).variance_factor()


def test_check_weights():
    assert isinstance(check_weights(None), EpBeta)
    assert check_weights(None).get_params() == EpBeta().get_params()
    wrapped = check_weights(stats.beta(2, 3))
    assert isinstance(wrapped, ScipyWeights)
    assert wrapped.mean() == pytest.approx(0.4)
    weights = Beta(2, 3)
    assert check_weights(weights) is weights
    with pytest.raises(TypeError, match="'weights' parameter must be a WeightDistribution"):
        check_weights("uniform")
    with pytest.raises(TypeError, match="'w' parameter must be"):
        check_weights(stats.poisson(2), parameter="w")
    with pytest.raises(ValueError, match="must be in"):
        check_weights(EpBeta(delta=0.09))


# --------------------------------------------------------------------------
# Parameter objects
# --------------------------------------------------------------------------

DISTRIBUTIONS = [
    Uniform(),
    Beta(2, 5),
    Beta(0.1, 0.1),
    EpBeta(delta=0.02),
    EpBeta(delta=0.03, epsilon=(0.1, 0.5), cut_point=ClippedWeight()),
    EpBeta(delta=0.05, epsilon="auto", cut_point=Threshold(0.4)),
    EpBeta(delta=0.0),
    ScipyWeights(stats.beta(2, 3)),
    ScipyWeights(stats.truncnorm(-2, 2, loc=0.9, scale=0.1)),
]


def ident(weights):
    """A test id that is the same in every xdist worker (no object addresses)."""
    if isinstance(weights, ScipyWeights):
        frozen = weights.distribution
        return f"ScipyWeights({frozen.dist.name}{frozen.args})"
    return repr(weights)


def summary(weights):
    return (
        weights.mean(),
        weights.second_moment(),
        weights.variance_factor(),
        weights.contamination(0.5),
        weights.contamination(ClippedWeight()),
        *weights.rvs(5, random_state=3),
    )


@pytest.mark.parametrize("weights", DISTRIBUTIONS, ids=ident)
@pytest.mark.parametrize("copy", [clone, lambda w: pickle.loads(pickle.dumps(w))], ids=["clone", "pickle"])
def test_clone_and_pickle_round_trip(weights, copy):
    copied = copy(weights)
    assert copied is not weights
    assert type(copied) is type(weights)
    assert ident(copied) == ident(weights)
    assert summary(copied) == pytest.approx(summary(weights), abs=1e-15)


@pytest.mark.parametrize("weights", DISTRIBUTIONS, ids=ident)
def test_get_params_set_params_round_trip(weights):
    params = weights.get_params(deep=False)
    rebuilt = type(weights)(**params)
    assert rebuilt.get_params(deep=False) == params
    assert summary(rebuilt) == pytest.approx(summary(weights), abs=1e-15)
    assert weights.set_params(**params) is weights


@pytest.mark.parametrize(
    ("weights", "text"),
    [
        (EpBeta(delta=0.02), "EpBeta(delta=0.02)"),
        (EpBeta(), "EpBeta()"),
        (EpBeta(delta=0.02, epsilon="auto"), "EpBeta(delta=0.02, epsilon='auto')"),
        (EpBeta(cut_point=Threshold(0.4)), "EpBeta(cut_point=Threshold(threshold=0.4))"),
        (Beta(2, 5), "Beta(a=2, b=5)"),
        (Uniform(), "Uniform()"),
    ],
)
def test_readable_repr(weights, text):
    assert repr(weights) == text


def test_set_params_changes_the_solution():
    weights = EpBeta(delta=0.05)
    alpha = weights.alpha_
    assert weights.set_params(delta=0.02) is weights
    assert weights.alpha_ == pytest.approx(15.71, abs=5e-3)
    assert weights.alpha_ != alpha
    assert weights.contamination() == pytest.approx(0.02, abs=1e-12)


def test_nested_cut_point_parameters():
    weights = EpBeta(delta=0.02, cut_point=Threshold(0.4))
    params = weights.get_params(deep=True)
    assert params["cut_point__threshold"] == 0.4
    assert set(params) == {"delta", "epsilon", "cut_point", "cut_point__threshold"}
    assert weights.contamination(Threshold(0.4)) == pytest.approx(0.02, abs=1e-12)
    alpha = weights.alpha_
    weights.set_params(cut_point__threshold=0.3)
    assert weights.cut_point.threshold == 0.3
    assert weights.alpha_ != alpha
    assert weights.contamination(Threshold(0.3)) == pytest.approx(0.02, abs=1e-12)
    assert abs(weights.contamination(Threshold(0.4)) - 0.02) > 1e-5


@pytest.mark.parametrize("weights", DISTRIBUTIONS, ids=ident)
def test_rvs_is_reproducible(weights):
    first = weights.rvs(1000, random_state=42)
    assert first.shape == (1000,)
    assert first.dtype == np.float64
    np.testing.assert_array_equal(first, weights.rvs(1000, random_state=42))
    np.testing.assert_array_equal(first, weights.rvs(1000, random_state=np.random.RandomState(42)))
    assert weights.rvs((3, 4), random_state=0).shape == (3, 4)
    if isinstance(weights, EpBeta) and weights.delta == 0:
        return  # the point mass: see test_epbeta_delta_zero_is_the_point_mass_at_one
    lower, upper = weights.to_scipy().support()
    assert np.all((first >= lower) & (first <= upper))
    assert not np.array_equal(first, weights.rvs(1000, random_state=43))


@pytest.mark.parametrize("weights", [Uniform(), Beta(2, 5), EpBeta(), EpBeta(delta=0.01)], ids=ident)
@pytest.mark.parametrize("source", [np.random.default_rng, np.random.RandomState])
def test_scaled_beta_rvs_draws_the_numbers_of_its_frozen_scipy_law(weights, source):
    # rvs skips building the scipy law; the stream and the values must not change for it
    # (draws too small to invert the CDF, as here, or from a RandomState).
    alpha, beta, loc, scale = weights._shape()
    expected = stats.beta(alpha, beta, loc=loc, scale=scale).rvs(size=(400, 3), random_state=source(7))
    np.testing.assert_array_equal(weights.rvs((400, 3), random_state=source(7)), expected)


@pytest.mark.parametrize(
    "shape",
    [(1.0, 1.5), (1.5, 1.0), (1.0, 20.0), (1.0001, 1.0001), (1.2, 800.0), (5000.0, 3000.0),
     EpBeta()._shape()[:2], EpBeta(delta=5e-4)._shape()[:2]],
    ids=lambda shape: "({:.4g}, {:.4g})".format(*shape),
)  # fmt: skip
def test_beta_inverse_cdf_inverts_the_exact_cdf_to_its_resolution(shape):
    inverse = beta_inverse_cdf(*shape)
    assert inverse is not None
    uniforms = np.concatenate([np.random.default_rng(0).random(100_000), [0.0, 1e-15, 1 - 1e-15]])
    x = inverse(uniforms)
    assert np.all((x >= 0) & (x <= 1))
    assert np.all(np.diff(x[np.argsort(uniforms)]) >= 0)  # monotone, as an inverse CDF is
    error = np.abs(special.betainc(*shape, x) - uniforms)
    assert error.max() <= 10 * INVERSION_U_RESOLUTION


@pytest.mark.parametrize("weights", [Beta(2, 5), EpBeta(), EpBeta(delta=0.01), Uniform()], ids=ident)
def test_large_draws_from_a_generator_invert_the_cdf_at_its_uniforms(weights):
    alpha, beta, loc, scale = weights._shape()
    n = 2 * _INVERSION_MIN_DRAWS
    drawn = weights.rvs(n, random_state=np.random.default_rng(3))
    uniforms = np.random.default_rng(3).random(n)
    expected = uniforms if alpha == beta == 1 else special.betaincinv(alpha, beta, uniforms)
    # the same uniforms, mapped through the law's quantile function (to PINV's u-error)
    np.testing.assert_allclose((drawn - loc) / scale, expected, atol=1e-9)
    np.testing.assert_array_equal(drawn, weights.rvs(n, random_state=np.random.default_rng(3)))
    assert weights.rvs((n // 4, 4), random_state=np.random.default_rng(3)).shape == (n // 4, 4)
    assert np.ndim(weights.rvs(None, random_state=np.random.default_rng(3))) == 0  # one draw, as numpy's
    # and the law: a Kolmogorov-Smirnov distance below its 1 % critical value, 1.63/√n
    assert stats.kstest(drawn, weights.to_scipy().cdf).statistic < 1.63 / np.sqrt(n)


def test_shapes_below_one_and_random_states_keep_numpys_beta_sampler():
    n = 2 * _INVERSION_MIN_DRAWS
    np.testing.assert_array_equal(
        Beta(0.1, 0.1).rvs(n, random_state=np.random.default_rng(1)),
        np.random.default_rng(1).beta(0.1, 0.1, n),
    )
    alpha, beta, loc, scale = EpBeta()._shape()
    np.testing.assert_array_equal(
        EpBeta().rvs(n, random_state=np.random.RandomState(1)),
        np.random.RandomState(1).beta(alpha, beta, n) * scale + loc,
    )


def test_epbeta_delta_zero_is_the_point_mass_at_one():
    weights = EpBeta(delta=0)
    assert weights.mean() == 1.0
    assert weights.second_moment() == 1.0
    assert weights.variance_factor() == 1.0
    assert weights.contamination(0.5) == 0.0
    assert weights.contamination(Threshold(0.3)) == 0.0
    assert weights.contamination(ClippedWeight()) == 0.0
    assert weights.alpha_ == np.inf and weights.beta_ == np.inf
    np.testing.assert_array_equal(weights.rvs(50, random_state=0), np.ones(50))
    assert EpBeta(delta=0, epsilon="auto").mean() == 1.0
    assert weights.partial_moment(0, 0.5, 1.5) == 1.0
    assert weights.partial_moment(2, -np.inf, 1.0) == 0.0


def test_all_distributions_share_the_base_class():
    assert all(isinstance(w, WeightDistribution) for w in DISTRIBUTIONS)


# --------------------------------------------------------------------------
# The protocol every law implements: n_parents, draw, resolve
# --------------------------------------------------------------------------

LAWS = [
    *DISTRIBUTIONS,
    CircleWeights(),
    CircleWeights(delta=0.0),
    CircleWeights(delta=CircleWeights.max_delta()),
    KurtosisMatchedWeights(kurtosis=6.0),
    KurtosisMatchedWeights(delta=0.02, kurtosis=3.0, epsilon=(0.1, 0.5)),
]


@pytest.mark.parametrize("weights", LAWS, ids=ident)
def test_draw_returns_weights_summing_to_one_and_a_kept_parent(weights):
    n_parents = weights.n_parents
    assert n_parents == (2 if not isinstance(weights, MultiParentWeights) else 3)
    w, kept = weights.draw(5000, random_state=0)
    assert w.shape == (5000, n_parents) and w.dtype == np.float64
    assert kept.shape == (5000,) and kept.dtype == np.intp
    np.testing.assert_allclose(w.sum(axis=1), 1.0, atol=1e-14)
    assert set(np.unique(kept)) <= set(range(n_parents))
    again, kept_again = weights.draw(5000, random_state=np.random.RandomState(0))
    np.testing.assert_array_equal(w, again)
    np.testing.assert_array_equal(kept, kept_again)
    assert weights.draw(0, random_state=0)[0].shape == (0, n_parents)


@pytest.mark.parametrize("weights", DISTRIBUTIONS, ids=ident)
def test_two_parent_draw_is_rvs_then_the_cut_point_on_one_stream(weights):
    w, kept = weights.draw(2000, random_state=7)
    stream = np.random.RandomState(7)
    first = weights.rvs(2000, stream)
    policy = weights.cut_point if isinstance(weights, EpBeta) else Threshold(0.5)
    keep_first = check_cut_point(policy).keep_first(first, stream)
    np.testing.assert_array_equal(w[:, 0], first)
    np.testing.assert_array_equal(w[:, 1], 1.0 - first)
    np.testing.assert_array_equal(kept, np.where(keep_first, 0, 1))
    # An explicit cut point replaces the law's own.
    _, kept_low = weights.draw(2000, random_state=7, cut_point=-10.0)
    assert np.all(kept_low == 0)


def test_draw_uses_the_cut_point_epbeta_was_solved_against():
    """EpBeta(cut_point=ClippedWeight()): draw() keeps parents by that policy, so u = δ."""
    weights = EpBeta(delta=0.05, cut_point=ClippedWeight())
    w, kept = weights.draw(400_000, random_state=3)
    other = 1.0 - w[np.arange(len(kept)), kept]
    se = other.std(ddof=1) / np.sqrt(len(other))
    assert abs(other.mean() - 0.05) < 5 * se
    assert abs(other.mean() - weights.contamination(0.5)) > 5 * se
    assert weights.contamination() == pytest.approx(0.05, abs=1e-12)


@pytest.mark.parametrize("weights", LAWS, ids=ident)
def test_contamination_is_one_minus_the_mean_kept_weight(weights):
    w, kept = weights.draw(400_000, random_state=4)
    other = 1.0 - w[np.arange(len(kept)), kept]
    se = max(other.std(ddof=1) / np.sqrt(len(other)), 1e-12)
    assert abs(other.mean() - weights.contamination()) < 5 * se


@pytest.mark.parametrize("weights", LAWS, ids=ident)
def test_resolve_returns_a_law_and_leaves_the_caller_alone(weights):
    continuous = np.random.default_rng(0).standard_normal((50, 3))
    before = weights.get_params(deep=False)
    resolved = weights.resolve(continuous)
    assert isinstance(resolved, WeightDistribution)
    assert weights.get_params(deep=False) == before
    if not isinstance(weights, KurtosisMatchedWeights) or not isinstance(weights.kurtosis, str):
        assert resolved is weights


@pytest.mark.parametrize("n_samples", [-1, 2.5, "3", True])
def test_draw_needs_a_count(n_samples):
    for weights in (Uniform(), CircleWeights(), KurtosisMatchedWeights(kurtosis=4.0)):
        with pytest.raises(ValueError, match="'n_samples' parameter must be a non-negative integer"):
            weights.draw(n_samples)


@pytest.mark.parametrize("weights", [CircleWeights(), KurtosisMatchedWeights(kurtosis=4.0)], ids=repr)
def test_multi_parent_laws_take_no_cut_point(weights):
    for method in (lambda: weights.draw(3, cut_point=0.5), lambda: weights.contamination(ClippedWeight())):
        with pytest.raises(ValueError, match=r"picks the kept parent itself.*pass None"):
            method()
    with pytest.raises(ValueError, match="'cut_point' parameter of"):
        type(weights)(cut_point=0.5).contamination()
    for name in ("rvs", "mean", "second_moment", "to_scipy"):
        with pytest.raises(TypeError, match="has no single weight W: use draw"):
            getattr(weights, name)(3) if name == "rvs" else getattr(weights, name)()


# --------------------------------------------------------------------------
# CircleWeights
# --------------------------------------------------------------------------


def test_circle_delta_beyond_its_reach_names_it():
    with pytest.raises(ValueError, match=r"must be in \[0, 0\.1153\].*got delta=0\.2"):
        CircleWeights(delta=0.2).contamination()
    with pytest.raises(ValueError, match="'delta' parameter of CircleWeights must be a float in the range"):
        CircleWeights(delta=-0.1).contamination()
    with pytest.raises(ValueError, match="'delta' parameter of CircleWeights must be a float"):
        CircleWeights(delta=np.nan).contamination()
    with pytest.raises(ValueError, match="must be in"):
        check_weights(CircleWeights(delta=0.5))


@pytest.mark.parametrize("delta", [1e-9, 1e-6, 0.01, 0.05, 0.1, 0.115])
def test_circle_solves_delta_exactly_and_kappa_falls_with_delta(delta):
    weights = CircleWeights(delta=delta)
    assert weights.contamination() == pytest.approx(delta, rel=1e-11)
    assert weights.kappa_ > CircleWeights(delta=delta * 1.001).kappa_
    if delta < 1e-3:  # u ≈ 1/(27κ) for a concentrated angle
        assert weights.kappa_ == pytest.approx(1 / (27 * delta), rel=2 * delta * 27)
    assert weights.variance_factor() == 1.0


def test_circle_delta_zero_and_delta_max():
    assert CircleWeights(delta=0.0).kappa_ == np.inf
    assert CircleWeights(delta=0.0).contamination() == 0.0
    assert CircleWeights(delta=CircleWeights.max_delta()).kappa_ == 0.0


# --------------------------------------------------------------------------
# KurtosisMatchedWeights
# --------------------------------------------------------------------------


@pytest.mark.parametrize("target", [3.0, 3.5, 4.5, 6.0, 30.0, 1e4])
def test_kurtosis_matched_fixed_point_is_the_target(target):
    weights = KurtosisMatchedWeights(delta=0.05, kurtosis=target)
    a, b = weights.fourth_moment_factors()
    assert b / (1 - a) == pytest.approx(target, rel=1e-10)
    assert weights.variance_factor() == pytest.approx(1.0, abs=1e-14)
    assert weights.contamination() == pytest.approx(0.05, abs=1e-14)
    circle_c = CircleWeights(delta=0.05).third_moment_factor()
    assert circle_c - 1e-12 <= weights.third_moment_factor() < 1.0  # skewness shrinks, less than the circle's
    assert weights.kurtosis_after(target, rounds=50) == pytest.approx(target, rel=1e-9)


def test_kurtosis_matched_mixing_probability():
    probabilities = [KurtosisMatchedWeights(kurtosis=k).pair_probability_ for k in (3.0, 4.0, 6.0, 30.0, 1e8)]
    assert probabilities[0] == 0.0
    assert np.all(np.diff(probabilities) > 0)
    # As the target grows, π tends to r/(r + 2q): the mixture's a tends to 1.
    q = (EpBeta().fourth_moment_factors()[0] - 1) / 2
    r = 1 - CircleWeights().fourth_moment_factors()[0]
    assert probabilities[-1] == pytest.approx(r / (r + 2 * q), rel=1e-6)


def test_kurtosis_matched_draw_mixes_epbeta_and_circle_rows():
    weights = KurtosisMatchedWeights(delta=0.05, kurtosis=6.0)
    w, kept = weights.draw(200_000, random_state=5)
    is_pair = w[:, 2] == 0.0
    share = is_pair.mean()
    probability = weights.pair_probability_
    assert abs(share - probability) < 5 * np.sqrt(probability * (1 - probability) / len(w))
    np.testing.assert_allclose((w[~is_pair] ** 2).sum(axis=1), 1.0, atol=1e-14)
    np.testing.assert_array_equal(kept, w.argmax(axis=1))  # threshold 0.5 is the larger weight, too
    assert w[is_pair].min() < 0.0 and w[is_pair].max() > 1.0  # EpBeta rows leave [0, 1]


def test_kurtosis_matched_resolve():
    rng = np.random.default_rng(1)
    continuous = np.column_stack([rng.laplace(size=4000), rng.standard_normal(4000), rng.laplace(size=4000)])
    continuous[::7, 0] = np.nan
    weights = KurtosisMatchedWeights(delta=0.03)
    resolved = weights.resolve(continuous)
    assert weights.kurtosis == "median"  # the caller's object is untouched
    assert resolved is not weights and isinstance(resolved.kurtosis, float)
    kurtoses = [stats.kurtosis(c[~np.isnan(c)], fisher=False) for c in continuous.T]
    assert resolved.kurtosis == pytest.approx(np.median(kurtoses), rel=1e-12)
    assert resolved.get_params()["delta"] == 0.03
    assert resolved.resolve(continuous) is resolved
    # Constant or empty columns do not count; no usable column resolves to 3.
    with_constant = np.column_stack([continuous, np.ones(4000), np.full(4000, np.nan)])
    assert weights.resolve(with_constant).kurtosis == pytest.approx(resolved.kurtosis, rel=1e-12)
    assert weights.resolve(np.ones((10, 2))).kurtosis == 3.0
    assert weights.resolve(np.empty((10, 0))).kurtosis == 3.0
    with pytest.raises(ValueError, match="must be a 2-D array"):
        weights.resolve(np.ones(10))


def test_kurtosis_matched_platykurtic_median_is_raised_to_three_with_a_warning():
    flat = np.random.default_rng(2).uniform(size=(1000, 3))
    with pytest.warns(UserWarning, match=r"median kurtosis of the continuous columns is 1\.\d+, below 3"):
        resolved = KurtosisMatchedWeights().resolve(flat)
    assert resolved.kurtosis == 3.0
    assert resolved.pair_probability_ == 0.0


def test_kurtosis_matched_errors():
    with pytest.raises(ValueError, match=r"must be at least 3.*got 2\.5.*cannot be held"):
        KurtosisMatchedWeights(kurtosis=2.5).contamination()
    with pytest.raises(ValueError, match="must be at least 3"):
        check_weights(KurtosisMatchedWeights(kurtosis=1.8))
    with pytest.raises(ValueError, match=r"has no target yet.*resolve\(continuous\)"):
        KurtosisMatchedWeights().draw(5)
    with pytest.raises(ValueError, match=r"'kurtosis' parameter of KurtosisMatchedWeights must be"):
        KurtosisMatchedWeights(kurtosis="mean").contamination()
    with pytest.raises(
        ValueError, match=r"EpBeta component: The 'delta' parameter of EpBeta must be in \[0, 0\.0617\]"
    ):
        KurtosisMatchedWeights(delta=0.08, kurtosis=4.0).contamination()
    with pytest.raises(ValueError, match=r"at most 0\.1153, the reach of its CircleWeights"):
        KurtosisMatchedWeights(delta=0.12, epsilon=1.0, kurtosis=4.0).contamination()
    assert isinstance(check_weights(KurtosisMatchedWeights()), KurtosisMatchedWeights)  # "median" is fine


# --------------------------------------------------------------------------
# Every law is a parameter object
# --------------------------------------------------------------------------

NEW_LAWS = [CircleWeights(delta=0.02), KurtosisMatchedWeights(delta=0.02, kurtosis=5.0, epsilon="auto")]


def protocol_summary(weights):
    w, kept = weights.draw(5, random_state=3)
    return (*weights.power_sums(), weights.contamination(), *w.ravel(), *kept)


@pytest.mark.parametrize("weights", NEW_LAWS, ids=repr)
@pytest.mark.parametrize("copy", [clone, lambda w: pickle.loads(pickle.dumps(w))], ids=["clone", "pickle"])
def test_new_laws_clone_and_pickle(weights, copy):
    copied = copy(weights)
    assert copied is not weights and repr(copied) == repr(weights)
    assert protocol_summary(copied) == pytest.approx(protocol_summary(weights), abs=1e-15)


@pytest.mark.parametrize("weights", NEW_LAWS, ids=repr)
def test_new_laws_get_and_set_params_and_grid_search_reaches_delta(weights):
    params = weights.get_params(deep=False)
    assert type(weights)(**params).get_params(deep=False) == params
    estimator = StructurePreservingMixup(weights=clone(weights))
    estimator.set_params(weights__delta=0.04)
    assert estimator.get_params()["weights__delta"] == 0.04
    assert estimator.weights.contamination() == pytest.approx(0.04, abs=1e-12)


def test_readable_reprs_of_the_new_laws():
    assert repr(CircleWeights()) == "CircleWeights()"
    assert repr(KurtosisMatchedWeights(kurtosis=4.0)) == "KurtosisMatchedWeights(kurtosis=4.0)"
