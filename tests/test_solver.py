"""The EpBeta solver (SPEC §3), checked against quadrature that shares no code with it.

Every moment below that decides a test is an integral of
``scipy.stats.beta(alpha_, beta_, loc=-eps0, scale=1 + eps0 + eps1).pdf``
computed with ``scipy.integrate.quad``; the package's closed forms
(regularised incomplete beta functions) are only ever the thing under test.
"""

from __future__ import annotations

import itertools
import re
import warnings

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from scipy import integrate, optimize, special, stats

from skmixup import ClippedWeight, EpBeta, Threshold, _solver

POLICIES = {"tau=0.5": Threshold(0.5), "tau=0.3": Threshold(0.3), "clipped": ClippedWeight()}
EPSILONS = [0.1, 0.3, 1.0, (0.1, 0.5), (0.5, 0.1), (0.0, 0.3)]
# Where, relative to the reach δmax, the grid asks for δ (plus absolute tiny δ).
REACH_FRACTIONS = [0.25, 0.5, 0.9, 0.999]
TINY_DELTAS = [1e-6, 1e-4, 1e-3]

# Absolute and relative tolerance asked of every quadrature: 100 times finer
# than the 1e-10 the solver must meet, so that a 1e-10 disagreement is real.
EXACT = {"epsabs": 1e-15, "epsrel": 1e-12}
# For scans along the curve, which only need to locate maxima and roots.
LOOSE = {"epsabs": 1e-12, "epsrel": 1e-9}


# --------------------------------------------------------------------------
# Independent reference: quadrature of the scipy density
# --------------------------------------------------------------------------


def quad_expect(g, alpha, beta, loc, scale, cuts=(), tolerance=EXACT):
    """``E[g(W)]`` for ``W = loc + scale·Beta(alpha, beta)`` by adaptive quadrature.

    The support is split at the policy's cut points and at the mean ± k·sd
    (k = 0, 1, 2, 4, ..., 32) so that quad sees the peak of even a very
    concentrated Beta (alpha ~ 1e11 for ClippedWeight at δ = 1e-6).  An end
    piece where the density is singular or has an unbounded derivative
    (shape parameter < 2) is integrated with quad's algebraic weight
    ``(w - lo)^(alpha-1)`` or ``(hi - w)^(beta-1)`` (QUADPACK's QAWS) and the
    normalising constant ``B(alpha, beta)·scale^(alpha+beta-1)``; everywhere
    else the integrand is ``g(w)·pdf(w)``.  Quadrature warnings are errors.

    A piece narrower than 1e-300 is skipped: it holds at most its width times
    the largest density (< 1e6 for every law tested), nothing a 1e-15
    tolerance can see, and scipy cannot evaluate the density there (with
    ε0 = 1.1e-308 the piece below 0 maps to subnormal ``(w - loc)/scale``,
    where boost's ``ibeta_derivative`` raises OverflowError).

    Returns the value and the summed error estimate of quad.
    """
    g_outer = g
    density = stats.beta(alpha, beta, loc=loc, scale=scale)
    lo, hi = loc, loc + scale
    mean, sd = density.mean(), density.std()
    points = {lo, hi, *(c for c in cuts if lo < c < hi)}
    for k in (0, 1, 2, 4, 8, 16, 32):
        points.update(p for p in (mean - k * sd, mean + k * sd) if lo < p < hi)
    points = sorted(points)
    log_norm = special.betaln(alpha, beta) + (alpha + beta - 1.0) * np.log(scale)
    total = error = 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error", integrate.IntegrationWarning)
        for a, b in itertools.pairwise(points):
            if b - a < 1e-300:
                continue
            g = inside(g_outer, a, b)
            if a == lo and alpha < 2.0:
                value, err = integrate.quad(
                    lambda w, g=g: g(w) * np.exp((beta - 1.0) * np.log(hi - w) - log_norm),
                    a,
                    b,
                    weight="alg",
                    wvar=(alpha - 1.0, 0.0),
                    limit=200,
                    **tolerance,
                )
            elif b == hi and beta < 2.0:
                value, err = integrate.quad(
                    lambda w, g=g: g(w) * np.exp((alpha - 1.0) * np.log(w - lo) - log_norm),
                    a,
                    b,
                    weight="alg",
                    wvar=(0.0, beta - 1.0),
                    limit=200,
                    **tolerance,
                )
            else:
                value, err = integrate.quad(
                    lambda w, g=g: g(w) * density.pdf(w), a, b, limit=200, **tolerance
                )
            total += value
            error += err
    return total, error


def inside(g, a, b):
    """``g`` on the open interval (a, b): an end point is moved one ulp inwards.

    QAWS (the algebraic-weight quadrature) evaluates the integrand at the ends
    of its interval; where a cut point sits exactly on the end of the support
    (τ = 1 with ε1 = 0) the jump of the keep probability would be sampled
    there, so each piece sees the limit of g from its inside.
    """
    a_in, b_in = np.nextafter(a, b), np.nextafter(b, a)
    return lambda w: g(min(max(w, a_in), b_in))


def reference_keep_probability(policy, w):
    """SPEC §1 and the ClippedWeight docstring, written out without the package."""
    if isinstance(policy, Threshold):
        return 1.0 if w >= policy.threshold else 0.0
    return min(max(w, 0.0), 1.0)


def reference_cuts(policy):
    return (policy.threshold,) if isinstance(policy, Threshold) else (0.0, 1.0)


def reference_contamination_integrand(policy):
    """``u = E[p(W)(1 - W) + (1 - p(W))W]`` (SPEC §2.6), p the keep probability."""

    def integrand(w):
        p = reference_keep_probability(policy, w)
        return p * (1.0 - w) + (1.0 - p) * w

    return integrand


def shape_and_support(weights):
    epsilon0, epsilon1 = weights.epsilon_
    return weights.alpha_, weights.beta_, -epsilon0, 1.0 + epsilon0 + epsilon1


def quad_moments(alpha, beta, loc, scale, policy, tolerance=EXACT):
    """Quadrature E[W], E[W²] − E[W] (one integral, no cancellation) and u."""
    cuts = reference_cuts(policy)
    mean, mean_err = quad_expect(lambda w: w, alpha, beta, loc, scale, cuts, tolerance)
    gap, gap_err = quad_expect(lambda w: w * (w - 1.0), alpha, beta, loc, scale, cuts, tolerance)
    u, u_err = quad_expect(
        reference_contamination_integrand(policy), alpha, beta, loc, scale, cuts, tolerance
    )
    return {"mean": mean, "gap": gap, "u": u, "error": max(mean_err, gap_err, u_err)}


def curve_shape(x, epsilon0, epsilon1):
    """(alpha, beta) of the scaled Beta with E[W] = 1 − x and Var[W] = E[W](1 − E[W]).

    Re-derived here: with s = 1 + ε0 + ε1 and B = (W + ε0)/s, E[B] = (1 − x + ε0)/s
    and Var[B] = x(1 − x)/s² = E[B](1 − E[B])/(alpha + beta + 1).
    """
    scale = 1.0 + epsilon0 + epsilon1
    m = (1.0 - x + epsilon0) / scale
    total = scale**2 * m * (1.0 - m) / (x * (1.0 - x)) - 1.0
    return m * total, (1.0 - m) * total


def curve_contamination(x, epsilon0, epsilon1, policy):
    """u on the variance-preserving curve, by (looser) quadrature; nan where infeasible."""
    alpha, beta = curve_shape(x, epsilon0, epsilon1)
    if not (alpha > 0 and beta > 0):
        return np.nan
    cuts = reference_cuts(policy)
    integrand = reference_contamination_integrand(policy)
    return quad_expect(integrand, alpha, beta, -epsilon0, 1.0 + epsilon0 + epsilon1, cuts, LOOSE)[0]


def as_pair(epsilon):
    return (epsilon, epsilon) if np.isscalar(epsilon) else tuple(epsilon)


def grid_cases():
    for policy_name, policy in POLICIES.items():
        for epsilon in EPSILONS:
            reach = EpBeta.max_delta(epsilon, policy)
            deltas = [*TINY_DELTAS, *(f * reach for f in REACH_FRACTIONS)]
            for delta in deltas:
                yield pytest.param(
                    delta, epsilon, policy, id=f"{policy_name}-eps={epsilon}-delta={delta:.3g}"
                )


# --------------------------------------------------------------------------
# SPEC §3 reference solutions
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("delta", "alpha", "beta", "digits"),
    [(0.05, 4.3414, 1.3260, 4), (0.02, 15.71, 3.93, 2), (0.01, 31.76, 7.63, 2)],
)
def test_reference_solutions_of_the_spec(delta, alpha, beta, digits):
    weights = EpBeta(delta=delta, epsilon=0.3, cut_point=0.5)
    # Half a unit in the last digit the SPEC prints.
    tolerance = 0.5 * 10.0**-digits
    assert weights.alpha_ == pytest.approx(alpha, abs=tolerance)
    assert weights.beta_ == pytest.approx(beta, abs=tolerance)


def test_reference_mean_is_the_one_implied_by_alpha_beta():
    weights = EpBeta(delta=0.05, epsilon=0.3)
    # SPEC §3 prints E[W] ≈ 0.92469 next to (alpha, beta) = (4.3414, 1.3260), but
    # E[W] = -0.3 + 1.6·alpha/(alpha + beta) = 0.92566 for those very numbers:
    # the SPEC's 0.92469 is inconsistent with its own (alpha, beta); we test the
    # value that (alpha, beta) imply.
    implied_by_spec_digits = -0.3 + 1.6 * 4.3414 / (4.3414 + 1.3260)
    assert implied_by_spec_digits == pytest.approx(0.92566, abs=2e-5)  # (alpha, beta) rounded
    assert weights.mean() == pytest.approx(0.92566, abs=5e-6)
    assert abs(weights.mean() - 0.92469) > 5e-4  # the SPEC's printed value is not it
    assert weights.mean() == pytest.approx(
        -0.3 + 1.6 * weights.alpha_ / (weights.alpha_ + weights.beta_), abs=1e-14
    )
    reference = quad_moments(*shape_and_support(weights), Threshold(0.5))
    assert reference["mean"] == pytest.approx(weights.mean(), abs=1e-11)
    # Since E[W²] = E[W], Var[W] = E[W](1 − E[W]).
    assert weights.to_scipy().var() == pytest.approx(weights.mean() * (1 - weights.mean()), abs=1e-12)


def test_paper_rounded_epbeta_nearly_preserves_variance():
    # The paper's EpBeta(4.34, 1.33; 0.3, 0.3) is our δ = 0.05 solution rounded.
    paper = quad_moments(4.34, 1.33, -0.3, 1.6, Threshold(0.5))
    assert abs(paper["gap"]) < 1e-3
    assert paper["u"] == pytest.approx(0.05, abs=1e-3)


# --------------------------------------------------------------------------
# Both equations hold, over a grid of δ, ε and cut-point policies
# --------------------------------------------------------------------------


@pytest.mark.parametrize(("delta", "epsilon", "policy"), list(grid_cases()))
def test_solution_keeps_variance_and_hits_delta(delta, epsilon, policy):
    weights = EpBeta(delta=delta, epsilon=epsilon, cut_point=policy)
    assert weights.epsilon_ == pytest.approx(as_pair(epsilon))
    reference = quad_moments(*shape_and_support(weights), policy)
    # The quadrature is good to far better than the claim it checks.
    assert reference["error"] < 1e-12
    assert abs(reference["gap"]) < 1e-10  # E[W²] − E[W], independently
    assert abs(reference["u"] - delta) < 1e-10  # u − δ, independently
    # The package's closed forms agree, and satisfy the equations themselves.
    assert abs(weights.second_moment() - weights.mean()) < 1e-10
    assert abs(weights.contamination(policy) - delta) < 1e-10
    assert weights.variance_factor() == pytest.approx(1.0, abs=2e-10)


@pytest.mark.slow  # every example is a new ε pair, hence a new δmax scan
@given(
    fraction=st.floats(min_value=1e-4, max_value=1.0),
    epsilon0=st.floats(min_value=0.0, max_value=2.0),
    epsilon1=st.floats(min_value=0.02, max_value=2.0),
    policy=st.sampled_from(list(POLICIES.values())),
)
# The example hypothesis once found: a subnormal ε0 puts a piece of width
# 1e-308 below the cut at 0, where scipy's beta pdf overflowed in the
# reference (see quad_expect); the package was right all along.
@example(fraction=1e-4, epsilon0=1.1125369292536007e-308, epsilon1=0.3, policy=ClippedWeight())
@example(fraction=0.5, epsilon0=1.1125369292536007e-308, epsilon1=0.3, policy=ClippedWeight())
# Found on scipy 1.17.0 (CI's oldest versions): a delta within rounding of delta_max found the
# contamination at the top of the branch a hair below it, and brentq raised from inside scipy.
@example(fraction=0.9999999999999991, epsilon0=1.0, epsilon1=0.5, policy=Threshold())
def test_solution_keeps_variance_and_hits_delta_anywhere(fraction, epsilon0, epsilon1, policy):
    epsilon = (epsilon0, epsilon1)
    delta = fraction * EpBeta.max_delta(epsilon, policy)
    weights = EpBeta(delta=delta, epsilon=epsilon, cut_point=policy)
    assert abs(weights.second_moment() - weights.mean()) < 1e-10
    assert abs(weights.contamination(policy) - delta) < 1e-10
    reference = quad_moments(*shape_and_support(weights), policy)
    assert abs(reference["gap"]) < 1e-10
    assert abs(reference["u"] - delta) < 1e-10


@pytest.mark.parametrize("policy", [ClippedWeight(), Threshold(0.5)], ids=["clipped", "tau=0.5"])
@pytest.mark.parametrize("epsilon0", [1.1125369292536007e-308, 5e-324, 1e-300])
def test_subnormal_epsilon_is_the_same_law_as_zero(epsilon0, policy):
    """Regression: ε0 = 1.1e-308 (hypothesis' find) is solved exactly like ε0 = 0.

    The two laws differ by a shift of 1e-308, invisible in double precision.
    On this side (the branch needs room above 1, not below 0) the package was
    right all along and only the reference quadrature overflowed; it now
    takes any ε below 1e-12 as exactly 0, because on the side a branch needs
    such an ε gave garbage or a raw scipy error (next test).
    """
    zero = EpBeta(delta=0.5 * EpBeta.max_delta((0.0, 0.3), policy), epsilon=(0.0, 0.3), cut_point=policy)
    tiny = EpBeta(delta=zero.delta, epsilon=(epsilon0, 0.3), cut_point=policy)
    assert EpBeta.max_delta((epsilon0, 0.3), policy) == EpBeta.max_delta((0.0, 0.3), policy)
    assert (tiny.alpha_, tiny.beta_) == (zero.alpha_, zero.beta_)
    assert tiny.epsilon_ == (0.0, 0.3)
    assert tiny.mean() == zero.mean()
    reference = quad_moments(*shape_and_support(tiny), policy)
    assert reference["error"] < 1e-12
    assert abs(reference["gap"]) < 1e-10
    assert abs(reference["u"] - tiny.delta) < 1e-10


@pytest.mark.parametrize("tiny", [1e-13, 1e-50, 2.2250738585072014e-308, 5e-324])
@pytest.mark.parametrize(
    ("epsilon", "tau"),
    [(("tiny", 0.0), 0.25), ((0.0, "tiny"), 0.0), (("tiny", "tiny"), 0.5), ((0.3, "tiny"), 0.5)],
    ids=["eps0-mirror", "eps1-direct", "both", "eps1-next-to-0.3"],
)
def test_tiny_epsilon_on_the_side_a_branch_needs_is_zero(tiny, epsilon, tau):
    """ε < 1e-12 on the side the branch needs: once garbage (u off by 0.5) or scipy's 'input is invalid'."""
    epsilon = tuple(tiny if e == "tiny" else e for e in epsilon)
    zeroed = tuple(0.0 if e == tiny else e for e in epsilon)
    assert EpBeta.max_delta(epsilon, tau) == EpBeta.max_delta(zeroed, tau)
    if EpBeta.max_delta(zeroed, tau) == 0.0:
        with pytest.raises(ValueError, match=rf"cut point {re.escape(repr(Threshold(tau)))}"):
            EpBeta(delta=0.01, epsilon=epsilon, cut_point=tau).mean()
    else:
        weights = EpBeta(delta=0.01, epsilon=epsilon, cut_point=tau)
        assert weights.epsilon_ == zeroed
        assert abs(weights.contamination(tau) - 0.01) < 1e-12
        assert abs(weights.variance_factor() - 1.0) < 1e-12


@pytest.mark.xfail(
    strict=True,
    reason="Known precision limit: with ClippedWeight, δ ~ 1e-6 needs alpha ~ 2e11, and the "
    "closed-form u (differences of O(1) incomplete-Beta partial moments) is then good to only "
    "~3e-10. Quadrature (and 40-digit mpmath) put the true u at δ − 3.3e-10 for ε = 2.",
)
def test_clipped_weight_at_tiny_delta_and_wide_support():
    delta = 1e-5 * EpBeta.max_delta(2.0, ClippedWeight())
    weights = EpBeta(delta=delta, epsilon=2.0, cut_point=ClippedWeight())
    assert abs(weights.contamination(ClippedWeight()) - delta) < 1e-10  # the closed form believes it
    reference = quad_moments(*shape_and_support(weights), ClippedWeight())
    assert abs(reference["u"] - delta) < 1e-10


@pytest.mark.xfail(
    strict=True,
    reason="Known precision limit, found by the deep profile: epsilon=(1, 0) with Threshold(1e-6) "
    "puts the cut inside a peak of width ~3e-6 (alpha ~ beta ~ 5e10 at 0.75 of the reach), where "
    "scipy's incomplete Beta is good to only ~1e-5 relative: the contamination computed again is "
    "off the solved delta by 6.7e-6.",
)
def test_threshold_inside_a_very_narrow_peak():
    policy = Threshold(1e-6)
    delta = 0.75 * EpBeta.max_delta((1.0, 0.0), policy)
    weights = EpBeta(delta=delta, epsilon=(1.0, 0.0), cut_point=policy)
    assert abs(weights.contamination(policy) - delta) < 1e-10


# --------------------------------------------------------------------------
# δmax and the branch
# --------------------------------------------------------------------------


@pytest.mark.parametrize(("epsilon", "reach"), [(0.1, 0.031), (0.3, 0.062), (0.5, 0.076), (1.0, 0.090)])
def test_delta_max_matches_spec(epsilon, reach):
    assert round(EpBeta.max_delta(epsilon=epsilon, cut_point=0.5), 3) == pytest.approx(reach, abs=1e-12)


def test_delta_max_grows_with_epsilon():
    reaches = [EpBeta.max_delta(e) for e in (0.05, 0.1, 0.3, 0.5, 1.0, 3.0)]
    assert np.all(np.diff(reaches) > 0)


BRANCH_CASES = [
    pytest.param(0.3, Threshold(0.5), id="eps=0.3-tau=0.5"),
    pytest.param(0.1, Threshold(0.5), id="eps=0.1-tau=0.5"),
    pytest.param(0.3, ClippedWeight(), id="eps=0.3-clipped"),
    pytest.param(0.3, Threshold(0.3), id="eps=0.3-tau=0.3"),
    pytest.param((0.1, 0.5), Threshold(0.5), id="eps=(0.1,0.5)-tau=0.5"),
    pytest.param((0.5, 0.1), Threshold(0.5), id="eps=(0.5,0.1)-tau=0.5"),
]


@pytest.mark.parametrize(("epsilon", "policy"), BRANCH_CASES)
def test_delta_max_is_the_top_of_the_branch_by_independent_scan(epsilon, policy):
    """Walk the variance-preserving curve from x = 1 − E[W] → 0 with quadrature.

    u rises from 0; its first local maximum closes the δ → 0 branch and must
    be the package's δmax, reached at the package's solution for δ = δmax.
    """
    epsilon0, epsilon1 = as_pair(epsilon)
    log_x = np.linspace(np.log(1e-3), np.log(0.99), 25)
    u = np.array([curve_contamination(np.exp(t), epsilon0, epsilon1, policy) for t in log_x])
    assert u[0] < 0.3 * u[np.nanargmax(u)]  # the scan starts low on the branch
    first_fall = int(np.flatnonzero(np.diff(u) < 0)[0])
    result = optimize.minimize_scalar(
        lambda t: -curve_contamination(np.exp(t), epsilon0, epsilon1, policy),
        bounds=(log_x[max(first_fall - 1, 0)], log_x[first_fall + 1]),
        method="bounded",
        options={"xatol": 1e-9},
    )
    reach = EpBeta.max_delta(epsilon, policy)
    assert reach == pytest.approx(-result.fun, abs=1e-8)
    top = EpBeta(delta=reach, epsilon=epsilon, cut_point=policy)
    # x at a maximum is only determined to ~sqrt(tolerance of u).
    assert 1.0 - top.mean() == pytest.approx(np.exp(result.x), rel=1e-3)
    # Nothing asked beyond the reach is silently accepted.
    with pytest.raises(ValueError, match="must be in"):
        EpBeta(delta=reach * (1 + 1e-6), epsilon=epsilon, cut_point=policy).mean()


@pytest.mark.parametrize(("epsilon", "policy"), BRANCH_CASES)
def test_solution_at_delta_max_is_continuous_with_smaller_delta(epsilon, policy):
    reach = EpBeta.max_delta(epsilon, policy)
    top = EpBeta(delta=reach, epsilon=epsilon, cut_point=policy)
    reference = quad_moments(*shape_and_support(top), policy)
    assert abs(reference["gap"]) < 1e-10
    assert abs(reference["u"] - reach) < 1e-10
    for h in (1e-4, 1e-6, 1e-8):
        below = EpBeta(delta=reach * (1 - h), epsilon=epsilon, cut_point=policy)
        # u is quadratic at its maximum, so the root moves like sqrt(h): no jump.
        assert below.alpha_ == pytest.approx(top.alpha_, rel=10 * np.sqrt(h))
        assert below.beta_ == pytest.approx(top.beta_, rel=10 * np.sqrt(h))
        assert below.mean() > top.mean()  # smaller δ: closer to the W = 1 end


@pytest.mark.parametrize(("epsilon", "policy"), BRANCH_CASES)
def test_branch_concentrates_at_one_as_delta_vanishes(epsilon, policy):
    deltas = np.geomspace(1e-6, EpBeta.max_delta(epsilon, policy), 60)
    solutions = [EpBeta(delta=d, epsilon=epsilon, cut_point=policy) for d in deltas]
    means = np.array([w.mean() for w in solutions])
    # E[W] falls steadily from 1 as δ grows: one continuous branch.
    assert 1.0 - means[0] < 1e-4
    assert np.all(np.diff(means) < 0)


@pytest.mark.parametrize(
    ("epsilon", "policy"),
    [
        pytest.param(e, p, id=f"eps={e}-{name}")
        for e in (0.1, 0.3, 1.0, (0.1, 0.5), (0.0, 0.3))
        for name, p in POLICIES.items()
        if not (name == "tau=0.3" and e in (0.3, 1.0))
    ],
)
def test_concentration_decreases_along_the_branch(epsilon, policy):
    """alpha + beta falls and E[W] stays above 1/2 from δ → 0 up to δmax.

    Not true everywhere: with τ = 0.3 and ε ≥ 0.3, or with ε0 > ε1, the branch
    continuous with δ → 0 keeps going past E[W] = 1/2 before u peaks, and there
    alpha + beta rises again (see the next test).
    """
    deltas = np.geomspace(1e-6, EpBeta.max_delta(epsilon, policy), 30)
    solutions = [EpBeta(delta=d, epsilon=epsilon, cut_point=policy) for d in deltas]
    totals = np.array([w.alpha_ + w.beta_ for w in solutions])
    assert np.all(np.diff(totals) < 0)
    assert all(w.mean() > 0.5 and w.alpha_ > w.beta_ for w in solutions)


@pytest.mark.parametrize(("epsilon", "policy"), BRANCH_CASES)
@pytest.mark.parametrize("fraction", [0.5, 0.99])
def test_returned_root_is_the_one_reached_first_from_delta_zero(epsilon, policy, fraction):
    """No root of u = δ on the variance curve has a larger E[W] than the returned one.

    That is the meaning of "the branch continuous with δ → 0": walking the
    curve from W ≡ 1 (x = 1 − E[W] = 0) u stays below δ until the solution.
    """
    delta = fraction * EpBeta.max_delta(epsilon, policy)
    weights = EpBeta(delta=delta, epsilon=epsilon, cut_point=policy)
    epsilon0, epsilon1 = as_pair(epsilon)
    x_solution = 1.0 - weights.mean()
    xs = np.geomspace(1e-7, x_solution * (1 - 1e-3), 12)
    u = np.array([curve_contamination(x, epsilon0, epsilon1, policy) for x in xs])
    assert np.all(u < delta)
    assert np.all(np.diff(u) > 0)
    # ... and the independent curve passes through the returned shape.
    alpha, beta = curve_shape(x_solution, epsilon0, epsilon1)
    assert (alpha, beta) == pytest.approx((weights.alpha_, weights.beta_), rel=1e-9)


@pytest.mark.parametrize("epsilon", [0.1, 0.3, 1.0])
@pytest.mark.parametrize("policy", [Threshold(0.5), ClippedWeight()], ids=["tau=0.5", "clipped"])
@pytest.mark.parametrize("fraction", [0.1, 0.6, 1.0])
def test_mirror_root_solves_too_but_is_not_returned(epsilon, policy, fraction):
    """For symmetric ε the law of 1 − W is Beta(beta, alpha) on the same support.

    Both policies here are symmetric under W -> 1 − W, so the mirror has the
    same u and also keeps variance; the solver must return the W ≈ 1 root.
    """
    delta = fraction * EpBeta.max_delta(epsilon, policy)
    weights = EpBeta(delta=delta, epsilon=epsilon, cut_point=policy)
    alpha, beta, loc, scale = shape_and_support(weights)
    mirror = quad_moments(beta, alpha, loc, scale, policy)
    assert abs(mirror["gap"]) < 1e-10
    assert abs(mirror["u"] - delta) < 1e-10
    assert mirror["mean"] == pytest.approx(1.0 - weights.mean(), abs=1e-10)
    assert weights.alpha_ > weights.beta_
    assert weights.mean() > 0.5 > mirror["mean"]


# --------------------------------------------------------------------------
# Every cut point: the W -> 1 branch, its mirror, or a clear refusal
# --------------------------------------------------------------------------

THRESHOLDS = [float(t) for t in np.round(np.linspace(-1.0, 2.0, 31), 12)]
MIRROR_EPSILONS = [0.3, (0.1, 0.5), (0.5, 0.1), (0.3, 0.0), (0.0, 0.3), (0.0, 0.0)]


def expected_branch(policy, epsilon0, epsilon1):
    """Which branch must exist, from the policy's keep probability p alone.

    u -> 0 as W -> 1 needs p(w) -> 1 on both sides of w = 1 (τ < 1) and room
    above 1 (ε1 > 0); as W -> 0 it needs p(w) -> 0 on both sides of 0 (τ > 0)
    and room below 0 (ε0 > 0).  SPEC §3 asks for the first when it exists.
    """
    if isinstance(policy, ClippedWeight):
        near_one = near_zero = True
    else:
        near_one, near_zero = policy.threshold < 1.0, policy.threshold > 0.0
    if near_one and epsilon1 > 0.0:
        return "one"
    if near_zero and epsilon0 > 0.0:
        return "zero"
    return None


def every_cut_point_case():
    policies = [(f"tau={t:g}", Threshold(t)) for t in THRESHOLDS] + [("clipped", ClippedWeight())]
    for name, policy in policies:
        for epsilon in MIRROR_EPSILONS:
            yield pytest.param(policy, epsilon, id=f"{name}-eps={epsilon}")


@pytest.mark.parametrize(("policy", "epsilon"), list(every_cut_point_case()))
def test_every_cut_point_is_solved_on_its_branch_or_refused(policy, epsilon):
    epsilon0, epsilon1 = as_pair(epsilon)
    reach = EpBeta.max_delta(epsilon, policy)
    branch = expected_branch(policy, epsilon0, epsilon1)
    if branch is None:
        assert reach == 0.0
        refusal = rf"cannot keep the variance.*cut point {re.escape(repr(policy))}"
        with pytest.raises(ValueError, match=refusal):
            EpBeta(delta=1e-3, epsilon=epsilon, cut_point=policy).mean()
        assert EpBeta(delta=0.0, epsilon=epsilon, cut_point=policy).mean() == 1.0
        return
    assert reach > 0.0
    means = []
    # A cut point outside the support never cuts: u is then E[W] or 1 - E[W]
    # and the reach is the end of the scan (0.999).  Far along such a branch
    # both shape parameters fall below 0.1, a density the reference
    # quadrature cannot integrate to 1e-12, so δ stops at 0.5 there.
    for delta in (1e-3 * reach, 0.4 * reach, min(reach, 0.5)):
        weights = EpBeta(delta=delta, epsilon=epsilon, cut_point=policy)
        reference = quad_moments(*shape_and_support(weights), policy)
        assert reference["error"] < 1e-12
        assert abs(reference["gap"]) < 1e-10
        assert abs(reference["u"] - delta) < 1e-10
        means.append(reference["mean"])
    # Small δ sits next to the concentrated end of the branch, and E[W] moves
    # away from it monotonically as δ grows.
    if branch == "one":
        assert means[0] > 0.99 and means[0] > means[1] > means[2]
    else:
        assert means[0] < 0.01 and means[0] < means[1] < means[2]
    # max_delta is what the solver reaches, and no more.
    with pytest.raises(ValueError, match=rf"must be in \[0, {reach:.4f}\]"):
        EpBeta(delta=min(reach * (1 + 1e-6), 1.0), epsilon=epsilon, cut_point=policy).mean()


@pytest.mark.parametrize("tau", [1.0, 1.3, 1.5, 2.0])
def test_the_reported_defect_is_solved(tau):
    """EpBeta(cut_point=1.3) and (1.0) crashed in brentq while max_delta promised δ = 0.05."""
    assert EpBeta.max_delta(0.3, cut_point=tau) >= 0.05
    weights = EpBeta(cut_point=tau)
    reference = quad_moments(*shape_and_support(weights), Threshold(tau))
    assert abs(reference["gap"]) < 1e-10
    assert abs(reference["u"] - 0.05) < 1e-10
    assert weights.mean() < 0.5  # the mirror branch: W near 0, the second parent kept


@pytest.mark.parametrize(
    ("epsilon", "tau"), [(0.3, 1.3), (0.3, 1.0), ((0.1, 0.5), 1.2), ((0.3, 0.0), 0.5), ((0.3, 0.0), 0.3)]
)
@pytest.mark.parametrize("fraction", [0.1, 0.7, 1.0])
def test_mirror_branch_is_the_main_branch_of_the_mirrored_problem(epsilon, tau, fraction):
    """(W, i, j) mixes like (1 - W, j, i): p'(w) = 1 - p(1 - w) is the threshold 1 - τ, ε swaps.

    The mirrored problem is solved on its own W -> 1 branch, and its
    (α', β') must be the (β, α) returned for the original.
    """
    epsilon0, epsilon1 = as_pair(epsilon)
    reach = EpBeta.max_delta(epsilon, tau)
    assert reach == pytest.approx(EpBeta.max_delta((epsilon1, epsilon0), 1.0 - tau), rel=1e-9)
    delta = fraction * reach
    weights = EpBeta(delta=delta, epsilon=epsilon, cut_point=tau)
    mirrored = EpBeta(delta=delta, epsilon=(epsilon1, epsilon0), cut_point=1.0 - tau)
    assert _solver.delta_max(epsilon0, epsilon1, Threshold(tau).pieces()).mirrored
    assert not _solver.delta_max(epsilon1, epsilon0, Threshold(1.0 - tau).pieces()).mirrored
    assert (weights.alpha_, weights.beta_) == pytest.approx((mirrored.beta_, mirrored.alpha_), rel=1e-8)
    assert weights.mean() == pytest.approx(1.0 - mirrored.mean(), abs=1e-10)


@pytest.mark.parametrize(
    ("epsilon", "tau"),
    [((0.3, 0.0), 0.3), ((0.3, 0.0), 0.5), ((0.3, 0.0), 0.7), ((0.5, 0.1), 1.0), ((0.5, 0.1), 1.05)],
)
def test_mirror_reach_is_the_top_of_the_branch_by_independent_scan(epsilon, tau):
    """Walk the curve from E[W] = 0 upwards with quadrature: u rises to the package's δmax."""
    epsilon0, epsilon1 = as_pair(epsilon)
    policy = Threshold(tau)
    log_mean = np.linspace(np.log(1e-3), np.log(0.999), 30)
    u = np.array([curve_contamination(1.0 - np.exp(t), epsilon0, epsilon1, policy) for t in log_mean])
    assert u[0] < 0.3 * np.nanmax(u)
    falls = np.flatnonzero(np.diff(u) < 0)
    top = int(falls[0]) if falls.size else len(u) - 1
    result = optimize.minimize_scalar(
        lambda t: -curve_contamination(1.0 - np.exp(t), epsilon0, epsilon1, policy),
        bounds=(log_mean[max(top - 1, 0)], log_mean[min(top + 1, len(u) - 1)]),
        method="bounded",
        options={"xatol": 1e-9},
    )
    assert EpBeta.max_delta(epsilon, tau) == pytest.approx(-result.fun, abs=1e-8)


@pytest.mark.parametrize("tau", [-0.5, 0.0, 0.3, 0.5, 0.99, 1.0, 1.3, 2.0])
def test_epsilon_for_agrees_with_what_the_solver_reaches(tau):
    delta = 0.5 * EpBeta.max_delta(0.3, tau)
    epsilon = EpBeta.epsilon_for(delta, cut_point=tau)
    assert epsilon <= 0.3
    assert EpBeta.max_delta(epsilon, tau) >= delta - 1e-6
    if epsilon > 1.001e-6:  # 1e-6 is the bottom of the search: for a τ that never cuts any ε reaches
        assert EpBeta.max_delta(epsilon, tau) == pytest.approx(delta, abs=1e-6)
        assert EpBeta.max_delta(epsilon * (1 - 1e-3), tau) < delta
    weights = EpBeta(delta=min(delta, EpBeta.max_delta(epsilon, tau)), epsilon=epsilon, cut_point=tau)
    assert abs(weights.contamination(tau) - weights.delta) < 1e-10


@pytest.mark.slow  # every example is a new (ε, τ), hence a new δmax scan
@given(
    fraction=st.floats(min_value=1e-4, max_value=1.0),
    epsilon0=st.floats(min_value=0.0, max_value=2.0),
    epsilon1=st.floats(min_value=0.0, max_value=2.0),
    tau=st.floats(min_value=-1.0, max_value=2.0),
)
@example(fraction=0.05 / EpBeta.max_delta(0.3, 1.3), epsilon0=0.3, epsilon1=0.3, tau=1.3)
@example(fraction=0.5, epsilon0=0.3, epsilon1=0.3, tau=1.0)
@example(fraction=0.5, epsilon0=0.0, epsilon1=0.3, tau=1.3)
# Found by the deep profile: a threshold within 1e-13 of 0, on the mirror
# branch (the mirrored threshold within 1e-13 of 1) and on the main one.
@example(fraction=0.5, epsilon0=1.0, epsilon1=1e-13, tau=1e-13)
@example(fraction=1.0, epsilon0=1.0, epsilon1=0.0, tau=1e-13)
@example(fraction=1.0, epsilon0=0.0, epsilon1=1.0, tau=1e-13)
@example(fraction=1.0, epsilon0=0.0, epsilon1=1e-10, tau=-1.0)
@example(fraction=0.9999999999999991, epsilon0=1.0, epsilon1=1.0, tau=0.0)  # on scipy 1.17.0, as above
@example(fraction=1.0, epsilon0=1.0, epsilon1=0.0, tau=0.9999999999999999)  # a cut 1 ulp below the top
# Found by the deep profile: β ≈ 7e4 (ε0 = 6e-8, ε1 = 0), beyond the quadrature; 40-digit
# mpmath puts u at δ to 1e-16 for both.
@example(fraction=0.00390625, epsilon0=5.960464477539063e-08, epsilon1=0.0, tau=0.0001)
@example(fraction=0.25, epsilon0=5.960464477539063e-08, epsilon1=0.0, tau=0.0001)
def test_any_threshold_is_solved_or_refused_naming_it(fraction, epsilon0, epsilon1, tau):
    """Solved: both equations hold by quadrature; refused: a clear error that agrees with max_delta."""
    epsilon, policy = (epsilon0, epsilon1), Threshold(tau)
    reach = EpBeta.max_delta(epsilon, policy)
    if reach == 0.0:
        with pytest.raises(ValueError, match=rf"cut point {re.escape(repr(policy))}"):
            EpBeta(delta=fraction * 0.01, epsilon=epsilon, cut_point=policy).mean()
        return
    # A branch exists only where the analysis says one can.
    assert expected_branch(policy, epsilon0, epsilon1) is not None
    delta = fraction * reach
    weights = EpBeta(delta=delta, epsilon=epsilon, cut_point=policy)
    if delta < _solver.delta_max(*EpBeta._check_epsilon(epsilon), policy.pieces()).smallest:
        with pytest.raises(ValueError, match=rf"below the smallest contamination.*{re.escape(repr(policy))}"):
            weights.mean()
        return
    assert abs(weights.second_moment() - weights.mean()) < 1e-10
    assert abs(weights.contamination(policy) - delta) < 1e-10
    # The reference quadrature cannot integrate a density singular at an end
    # of the support with a cut within 1e-6 of that end (τ = 1e-13 with
    # ε0 = 0 and α = 0.1: it misplaces the 4.6 % of the mass below τ), nor a
    # shape parameter below 1e-3 (ε1 = 1e-10, α = 1e-13) or above 1e4 (ε0 =
    # 6e-8, β = 7e4: the mass within 1e-4 of an end, where quad misses it);
    # scipy's own analytic moments and cdf check those.
    lo, hi = -weights.epsilon_[0], 1.0 + weights.epsilon_[1]
    law = weights.to_scipy()
    assert law.var() == pytest.approx(law.mean() * (1.0 - law.mean()), abs=1e-10)
    shapes = (weights.alpha_, weights.beta_)
    if min(abs(tau - lo), abs(tau - hi)) > 1e-6 and min(shapes) > 1e-3 and max(shapes) < 1e4:
        reference = quad_moments(*shape_and_support(weights), policy)
        assert abs(reference["gap"]) < 1e-10
        assert abs(reference["u"] - delta) < 1e-10
    else:
        below = weights.partial_moment(0, -np.inf, tau)
        # scipy's cdf rounds (τ - lo)/(hi - lo) first, which puts a cut within 1e-16 of hi at
        # hi: the mass above such a cut comes from its distance to hi instead.
        above = (hi - tau) / (hi - lo)
        if 0.0 < above < 1e-8:
            expected = 1.0 - special.betainc(weights.beta_, weights.alpha_, above)
        else:
            expected = law.cdf(tau)
        assert below == pytest.approx(expected, abs=1e-12)
    if reach < 1.0:
        with pytest.raises(ValueError, match=r"must be in \[0, "):
            EpBeta(delta=min(reach * (1 + 1e-6), 1.0), epsilon=epsilon, cut_point=policy).mean()


def test_a_cut_within_rounding_of_the_top_keeps_its_mass_and_its_contamination():
    """Found by the deep profile: a threshold 1 ulp below the top of the support (ε1 = 0).

    The density is singular there (β ≈ 0.087) and puts 3.9 % of its mass in the last 1e-16.
    Rounded to t = (τ - lo)/(hi - lo), the cut landed on the top: ``contamination`` reported
    0.852 for the solved δ = 0.813, and the mass below the cut was 1.
    """
    policy = Threshold(1.0 - 2.0**-53)
    weights = EpBeta(delta=EpBeta.max_delta((1.0, 0.0), policy), epsilon=(1.0, 0.0), cut_point=policy)
    assert abs(weights.contamination(policy) - weights.delta) < 1e-10
    assert abs(weights.second_moment() - weights.mean()) < 1e-10
    # I_t(α, β) at t = (τ + 1)/2 for the solved α and β, by 50-digit mpmath.
    below = weights.partial_moment(0, -np.inf, policy.threshold)
    assert below == pytest.approx(0.96097534525265314, abs=1e-12)


# --------------------------------------------------------------------------
# Choosing ε
# --------------------------------------------------------------------------


@pytest.mark.parametrize("policy", [Threshold(0.5), Threshold(0.3), ClippedWeight()], ids=list(POLICIES))
@pytest.mark.parametrize("delta", [0.001, 0.01, 0.05, 0.062, 0.08, 0.095])
def test_epsilon_for_gives_the_smallest_epsilon_reaching_delta(delta, policy):
    epsilon = EpBeta.epsilon_for(delta, cut_point=policy)
    assert EpBeta.max_delta(epsilon, policy) == pytest.approx(delta, abs=1e-6)
    assert EpBeta.max_delta(epsilon * (1 - 1e-3), policy) < delta  # smallest
    weights = EpBeta(delta=min(delta, EpBeta.max_delta(epsilon, policy)), epsilon=epsilon, cut_point=policy)
    assert abs(weights.contamination(policy) - weights.delta) < 1e-10


@pytest.mark.parametrize("policy", [Threshold(0.5), ClippedWeight()], ids=["tau=0.5", "clipped"])
@pytest.mark.parametrize("delta", [0.001, 0.02, 0.05, 0.07])
def test_auto_epsilon_puts_delta_at_80_percent_of_the_reach(delta, policy):
    weights = EpBeta(delta=delta, epsilon="auto", cut_point=policy)
    epsilon0, epsilon1 = weights.epsilon_
    assert epsilon0 == epsilon1
    assert 0.8 * EpBeta.max_delta(epsilon0, policy) == pytest.approx(delta, abs=1e-6)
    assert epsilon0 == pytest.approx(EpBeta.epsilon_for(delta, policy, reach=0.8), abs=1e-12)
    assert abs(weights.second_moment() - weights.mean()) < 1e-10
    assert abs(weights.contamination(policy) - delta) < 1e-10


def test_auto_epsilon_matches_the_papers_pairing():
    # δ = 0.05 with ε = 0.3 sits at 81 % of the reach; "auto" picks ε ≈ 0.31.
    assert EpBeta(delta=0.05, epsilon="auto").epsilon_[0] == pytest.approx(0.309, abs=1e-3)


@pytest.mark.parametrize("epsilon", [(0.1, 0.5), [0.1, 0.5], (0.5, 0.1), (0.0, 0.3), (0.3, 1.0)])
def test_asymmetric_epsilon_pairs(epsilon):
    delta = 0.5 * EpBeta.max_delta(epsilon)
    weights = EpBeta(delta=delta, epsilon=epsilon)
    assert weights.epsilon_ == tuple(epsilon)
    assert weights.to_scipy().support() == pytest.approx((-epsilon[0], 1 + epsilon[1]))
    draws = weights.rvs(10_000, random_state=0)
    assert draws.min() >= -epsilon[0] and draws.max() <= 1 + epsilon[1]
    assert abs(weights.second_moment() - weights.mean()) < 1e-10
    assert abs(weights.contamination() - delta) < 1e-10


def test_asymmetric_reach_depends_on_which_side_is_open():
    # Room above 1 opens the δ -> 0 branch where W concentrates at 1; with
    # ε1 = 0 the mirror branch (W concentrates at 0) takes over, and for the
    # symmetric τ = 0.5 it reaches exactly what (ε1, ε0) reaches on the main one.
    assert EpBeta.max_delta((0.0, 0.3)) > 0.06
    assert EpBeta.max_delta((0.3, 0.0)) == pytest.approx(EpBeta.max_delta((0.0, 0.3)), abs=1e-12)
    assert EpBeta.max_delta((0.1, 0.5), 0.3) != pytest.approx(EpBeta.max_delta((0.5, 0.1), 0.3), abs=1e-3)
    # Continuity in ε1 -> 0: the branch with ε1 tiny runs into the mirror's.
    assert EpBeta.max_delta((0.3, 1e-9)) == pytest.approx(EpBeta.max_delta((0.3, 0.0)), abs=1e-8)


# --------------------------------------------------------------------------
# Caching
# --------------------------------------------------------------------------


def test_solving_is_cached_across_instances():
    _solver.solve_epbeta.cache_clear()
    delta = 0.0123456
    first = EpBeta(delta=delta, epsilon=0.3)
    assert first.alpha_ > 0
    info = _solver.solve_epbeta.cache_info()
    assert (info.misses, info.hits) == (1, 0)
    # Every later question about the same δ, ε and policy (also from a clone,
    # as GridSearchCV makes them) is answered from the cache.
    assert first.beta_ > 0 and first.mean() > 0 and first.variance_factor() > 0
    assert EpBeta(delta=delta, epsilon=0.3).alpha_ == first.alpha_
    info = _solver.solve_epbeta.cache_info()
    assert info.misses == 1
    assert info.hits >= 4
    assert EpBeta(delta=delta, epsilon=0.31).alpha_ != first.alpha_
    assert _solver.solve_epbeta.cache_info().misses == 2


def test_delta_max_and_epsilon_search_are_cached():
    _solver.delta_max.cache_clear()
    _solver.epsilon_reaching.cache_clear()
    EpBeta.max_delta(0.3)
    EpBeta.max_delta(0.3)
    info = _solver.delta_max.cache_info()
    assert (info.misses, info.hits) == (1, 1)
    EpBeta.epsilon_for(0.04)
    EpBeta.epsilon_for(0.04)
    info = _solver.epsilon_reaching.cache_info()
    assert (info.misses, info.hits) == (1, 1)
