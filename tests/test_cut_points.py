"""Cut-point policies: which parent's category is kept, and the contamination u (SPEC §2.6)."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from scipy import stats
from sklearn.base import clone

from skmixup import Beta, ClippedWeight, EpBeta, ScipyWeights, Threshold, Uniform
from skmixup.cut_points import CutPointPolicy, check_cut_point

POLICIES = [Threshold(0.5), Threshold(0.3), Threshold(0.9), ClippedWeight()]

# --------------------------------------------------------------------------
# Contamination: exact values
# --------------------------------------------------------------------------


def test_threshold_contamination_under_uniform_is_a_quarter():
    assert Threshold(0.5).contamination(Uniform()) == pytest.approx(0.25, abs=1e-15)
    assert Uniform().contamination(0.5) == pytest.approx(0.25, abs=1e-15)


@pytest.mark.parametrize("tau", [0.0, 0.1, 0.3, 0.5, 0.8, 1.0])
def test_threshold_contamination_under_uniform_for_any_tau(tau):
    # u = ∫_tau^1 (1 − w) dw + ∫_0^tau w dw for W ~ U(0, 1).
    assert Threshold(tau).contamination(Uniform()) == pytest.approx(
        (1 - tau) ** 2 / 2 + tau**2 / 2, abs=1e-15
    )


@pytest.mark.parametrize(("tau", "u"), [(-0.5, 0.5), (1.5, 0.5)])
def test_threshold_outside_the_support_always_keeps_one_parent(tau, u):
    # τ < 0 always keeps i: u = E[1 − W]; τ > 1 always keeps j: u = E[W].
    assert Threshold(tau).contamination(Uniform()) == pytest.approx(u, abs=1e-15)


def test_clipped_weight_contamination_under_uniform_is_a_third():
    # For W in [0, 1], u = E[W(1 − W) + (1 − W)W] = 2E[W(1 − W)] = 1/3.
    assert ClippedWeight().contamination(Uniform()) == pytest.approx(1 / 3, abs=1e-15)


@pytest.mark.parametrize(("a", "b"), [(2, 5), (0.1, 0.1), (3, 3)])
def test_clipped_weight_contamination_under_beta(a, b):
    assert ClippedWeight().contamination(Beta(a, b)) == pytest.approx(
        2 * a * b / ((a + b) * (a + b + 1)), abs=1e-14
    )


@pytest.mark.parametrize("policy", [Threshold(0.5), ClippedWeight()], ids=["threshold", "clipped"])
def test_scipy_uniform_agrees_with_uniform(policy):
    ours, generic = Uniform(), ScipyWeights(stats.uniform())
    assert generic.mean() == pytest.approx(ours.mean(), abs=1e-12)
    assert generic.second_moment() == pytest.approx(ours.second_moment(), abs=1e-12)
    assert generic.variance_factor() == pytest.approx(ours.variance_factor(), abs=1e-12)
    assert generic.contamination(policy) == pytest.approx(ours.contamination(policy), abs=1e-12)


CLOSED_FORMS = [
    Beta(2, 5),
    Beta(0.7, 1.3),
    Beta(30, 3),
    EpBeta(delta=0.05),
    EpBeta(delta=0.01),
    EpBeta(delta=0.03, epsilon=(0.1, 0.5), cut_point=ClippedWeight()),
    EpBeta(delta=0.06, epsilon=1.0, cut_point=Threshold(0.3)),
]


@pytest.mark.parametrize("weights", CLOSED_FORMS, ids=repr)
@pytest.mark.parametrize("policy", POLICIES, ids=repr)
def test_closed_form_contamination_agrees_with_quadrature(weights, policy):
    """The incomplete-Beta closed forms versus ScipyWeights' quadrature of the same law."""
    generic = ScipyWeights(weights.to_scipy())
    assert weights.contamination(policy) == pytest.approx(generic.contamination(policy), abs=1e-8)
    assert weights.mean() == pytest.approx(generic.mean(), abs=1e-12)
    assert weights.second_moment() == pytest.approx(generic.second_moment(), abs=1e-12)


@pytest.mark.parametrize("weights", CLOSED_FORMS, ids=repr)
@pytest.mark.parametrize("order", [0, 1, 2, 3])
@pytest.mark.parametrize(("lower", "upper"), [(-np.inf, 0.5), (0.2, 0.95), (1.0, np.inf), (-0.1, 0.0)])
def test_closed_form_partial_moments_agree_with_quadrature(weights, order, lower, upper):
    generic = ScipyWeights(weights.to_scipy())
    assert weights.partial_moment(order, lower, upper) == pytest.approx(
        generic.partial_moment(order, lower, upper), abs=1e-8
    )


def test_contamination_accepts_a_float_or_a_policy():
    weights = Beta(2, 5)
    assert weights.contamination(0.3) == weights.contamination(Threshold(0.3))
    assert weights.contamination() == weights.contamination(Threshold(0.5))


# --------------------------------------------------------------------------
# Drawing the kept parent
# --------------------------------------------------------------------------


@pytest.mark.parametrize("tau", [0.5, 0.3, 0.0, 1.0])
def test_threshold_keep_first_is_deterministic(tau):
    weights = np.concatenate([Uniform().rvs(1000, random_state=0) * 1.6 - 0.3, [tau, np.nextafter(tau, -1)]])
    kept = Threshold(tau).keep_first(weights, random_state=0)
    assert kept.dtype == bool
    np.testing.assert_array_equal(kept, weights >= tau)
    np.testing.assert_array_equal(kept, Threshold(tau).keep_first(weights, random_state=1))
    np.testing.assert_array_equal(kept, Threshold(tau).keep_first(weights))
    assert kept[-2] and not kept[-1]  # a tie keeps the first parent
    # the comparison Threshold draws with is what its pieces say
    np.testing.assert_array_equal(kept, Threshold(tau).keep_probability(weights) == 1.0)


def test_clipped_weight_keep_probability_is_the_clipped_weight():
    weights = np.array([-0.3, -1e-12, 0.0, 0.2, 0.5, 0.73, 1.0, 1.2])
    np.testing.assert_allclose(ClippedWeight().keep_probability(weights), np.clip(weights, 0, 1), atol=1e-15)


@pytest.mark.parametrize("w", [-0.2, 0.0, 0.05, 0.5, 0.73, 0.99, 1.0, 1.3])
def test_clipped_weight_keep_rate_for_a_fixed_weight(w):
    n = 200_000
    kept = ClippedWeight().keep_first(np.full(n, w), random_state=7)
    p = float(np.clip(w, 0, 1))
    # Binomial: 5 standard errors of the keep rate; exact at p = 0 and p = 1.
    assert abs(kept.mean() - p) <= 5 * np.sqrt(p * (1 - p) / n)


def test_clipped_weight_keep_first_is_reproducible_and_random():
    weights = Uniform().rvs(1000, random_state=0)
    first = ClippedWeight().keep_first(weights, random_state=3)
    np.testing.assert_array_equal(first, ClippedWeight().keep_first(weights, random_state=3))
    assert not np.array_equal(first, ClippedWeight().keep_first(weights, random_state=4))


@pytest.mark.parametrize(
    "weights", [Uniform(), Beta(0.1, 0.1), EpBeta(delta=0.05, cut_point=ClippedWeight())], ids=repr
)
@pytest.mark.parametrize("policy", POLICIES, ids=repr)
def test_exact_contamination_matches_simulation(weights, policy):
    """u = E[(1 − W)·keep_i + W·keep_j] estimated from the policy's own draws."""
    n = 400_000
    w = weights.rvs(n, random_state=11)
    kept = policy.keep_first(w, random_state=12)
    other = np.where(kept, 1.0 - w, w)  # weight of the parent whose category is not kept
    standard_error = other.std() / np.sqrt(n)
    assert other.mean() == pytest.approx(weights.contamination(policy), abs=5 * standard_error)


# --------------------------------------------------------------------------
# Validation and parameter objects
# --------------------------------------------------------------------------


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf, "0.5", None])
def test_threshold_must_be_a_finite_real(value):
    with pytest.raises(ValueError, match="'threshold' parameter of Threshold must be"):
        Threshold(value).contamination(Uniform())


@pytest.mark.parametrize("value", ["0.5", None, [0.5], True])
def test_check_cut_point_rejects_non_numbers(value):
    with pytest.raises(TypeError, match=r"must be a finite real number .* or a CutPointPolicy"):
        check_cut_point(value)


@pytest.mark.parametrize("value", [np.nan, np.inf])
def test_check_cut_point_rejects_non_finite(value):
    with pytest.raises(ValueError, match="'tau' parameter must be a finite real number"):
        check_cut_point(value, parameter="tau")


def test_check_cut_point_wraps_floats():
    policy = check_cut_point(0.3)
    assert isinstance(policy, Threshold)
    assert policy.threshold == 0.3
    clipped = ClippedWeight()
    assert check_cut_point(clipped) is clipped


@pytest.mark.parametrize("policy", [Threshold(0.3), ClippedWeight()], ids=repr)
@pytest.mark.parametrize("copy", [clone, lambda p: pickle.loads(pickle.dumps(p))], ids=["clone", "pickle"])
def test_policies_are_parameter_objects(policy, copy):
    copied = copy(policy)
    assert copied is not policy
    assert repr(copied) == repr(policy)
    assert copied.get_params() == policy.get_params()
    assert copied.contamination(Beta(2, 5)) == policy.contamination(Beta(2, 5))
    assert isinstance(copied, CutPointPolicy)


def test_threshold_set_params_and_repr():
    policy = Threshold()
    assert repr(policy) == "Threshold()"
    assert policy.get_params() == {"threshold": 0.5}
    policy.set_params(threshold=0.3)
    assert repr(policy) == "Threshold(threshold=0.3)"
    assert policy.contamination(Uniform()) == pytest.approx(0.29, abs=1e-15)
    assert repr(ClippedWeight()) == "ClippedWeight()"


def test_scipy_weights_contamination_of_a_singular_density():
    # scipy's expect() splits at quantiles and returns inf here; quad on pdf does not.
    generic = ScipyWeights(stats.beta(0.1, 0.1))
    assert generic.contamination(0.5) == pytest.approx(Beta(0.1, 0.1).contamination(0.5), abs=1e-8)
