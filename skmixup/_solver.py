"""EpBeta parameters from the contamination δ: closed-form u, root finding, δmax.

``W = -ε0 + (1 + ε0 + ε1) B`` with ``B ~ Beta(α, β)``.  Writing ``x = 1 - E[W]``,
the variance condition ``E[W²] = E[W]`` is ``Var[W] = E[W](1 - E[W])``, which
fixes ``α + β`` for every ``x``:

    m = α / (α + β) = (1 - x + ε0) / s,     α + β + 1 = s² m (1 - m) / (x (1 - x)).

So the two equations reduce to one, ``u(x) = δ``, on the curve of
variance-preserving EpBetas.  As ``x -> 0`` the weight concentrates at 1 and,
if the policy keeps the first parent's category on both sides of ``w = 1``,
``u -> 0``; ``u`` rises to a maximum ``δmax(ε)`` at ``x*``.  The branch the
theory asks for (continuous with δ -> 0) is ``x`` in ``(0, x*]``, solved by
Brent's method on ``log x`` because ``x ~ δ`` spans many decades.

When that branch does not exist (a threshold τ >= 1 keeps the *second*
parent's category next to ``w = 1``; ``ε1 = 0`` leaves no room above 1) the
mirror image may: mixing ``(W, i, j)`` is mixing ``(1 - W, j, i)``, so the
problem with keep probability ``p'(w) = 1 - p(1 - w)`` and ``(ε1, ε0)`` is
solved on *its* branch, where ``W' = 1 - W`` concentrates at 1, and its
``(α', β')`` gives ``(α, β) = (β', α')``.
"""

from __future__ import annotations

from functools import lru_cache
from math import comb
from typing import NamedTuple

import numpy as np
from scipy import optimize, special

from .cut_points import LinearPiece, contamination_from_pieces

# Where a requested δ sits inside the reach of the ε chosen for it by
# ``epsilon="auto"``: the paper's own pairing (δ = 0.05, ε = 0.3) sits at 81 %.
AUTO_EPSILON_REACH = 0.8
# Beyond ε ~ 100 the reach no longer grows (to 1e-5) and the binomial expansion
# of the partial moments in ``loc = -ε0`` loses too many digits for the δmax
# scan: at ε = 1e3 spurious local maxima of u made ClippedWeight unreachable.
_LARGEST_EPSILON = 100.0
# An ε below this is taken as 0 (see ``EpBeta._check_epsilon``).
_SMALLEST_EPSILON = 1e-12
# The closed-form u sums partial moments of size ~ s² to a result ~ x, so its
# rounding error is ~ 1e-16·s² in absolute terms: at x = 1e-14·s² it is still
# good to ~1e-3 relative (it is garbage, even negative, a decade lower, and
# below x ~ 1e-16 the mean 1 - x is not even representable).  No branch is
# followed below that x; a δ that would need it is refused with a clear error.
_RESOLUTION = 1e-14
# The largest share of its top that u may have at the resolution floor for a
# branch to count as resolved (ClippedWeight, u ~ 0.4 sqrt(x), has ~1e-4 at ε = 100).
_LARGEST_SMALLEST_SHARE = 1e-3
# Points of the log-x scan that locates the top of a branch.
_SCAN_POINTS = 400


class EpBetaSolution(NamedTuple):
    """The solved shape of an EpBeta weight distribution."""

    alpha: float
    beta: float
    epsilon0: float
    epsilon1: float

    @property
    def loc(self) -> float:
        return -self.epsilon0

    @property
    def scale(self) -> float:
        return 1.0 + self.epsilon0 + self.epsilon1


class Reach(NamedTuple):
    """What the solver can reach for one ε and policy.

    ``delta`` is the largest δ (0.0 if none), reached at ``x``; ``smallest``
    the smallest positive δ that can be resolved in double precision;
    ``mirrored`` whether the branch is the mirror one (W concentrates at 0);
    ``reason`` says why nothing is reachable when ``delta == 0``.
    """

    delta: float
    x: float
    smallest: float
    mirrored: bool
    reason: str


# Bounds this close to the top of the support (as a share of it) get their mass from the top.
_NEAR_TOP = 1e-8


def scaled_beta_partial_moment(order, alpha, beta, loc, scale, lower, upper):
    """``E[W^k 1{lower <= W < upper}]`` for ``W = loc + scale·Beta(α, β)``.

    Uses ``E[B^j 1{B < t}] = Π_{i<j} (α+i)/(α+β+i) · I_t(α + j, β)`` and the
    binomial expansion of ``(loc + scale B)^k``.  Broadcasts over arrays.
    """
    alpha = np.asarray(alpha, dtype=float)
    beta = np.asarray(beta, dtype=float)
    t_lower = np.clip((lower - loc) / scale, 0.0, 1.0)
    t_upper = np.clip((upper - loc) / scale, 0.0, 1.0)
    # A bound within 1e-8 of the top of the support: its distance to the top, 1 - t, taken
    # from the bound itself.  Rounded from t it loses every digit below 1e-16, where a
    # density singular at the top (β < 1) can still hold several percent of its mass.
    # (At or past the top, t = 1 exactly and needs no correction.)
    top = loc + scale
    s_lower = np.clip((top - lower) / scale, 0.0, 1.0)
    s_upper = np.clip((top - upper) / scale, 0.0, 1.0)
    lower_near_top = (s_lower > 0.0) & (s_lower < _NEAR_TOP)
    upper_near_top = (s_upper > 0.0) & (s_upper < _NEAR_TOP)
    near_top = bool(np.any(lower_near_top) or np.any(upper_near_top))
    total = 0.0
    raw_moment = 1.0
    for j in range(order + 1):
        if j:
            # (α + (j - 1)), not ((α + j) - 1): the latter is 0 for α < 1e-16.
            raw_moment = raw_moment * (alpha + (j - 1)) / (alpha + beta + (j - 1))
        shape = alpha + j
        below_upper = special.betainc(shape, beta, t_upper)
        below_lower = special.betainc(shape, beta, t_lower)
        if near_top:  # I_t(a, b) = 1 - I_{1-t}(b, a)
            above_upper = special.betainc(beta, shape, s_upper)
            above_lower = special.betainc(beta, shape, s_lower)
            below_upper = np.where(upper_near_top, 1.0 - above_upper, below_upper)
            # From a lower bound near the top, the mass above it comes from the top too.
            mass = np.where(lower_near_top, above_lower - above_upper, below_upper - below_lower)
        else:
            mass = below_upper - below_lower
        total = total + comb(order, j) * loc ** (order - j) * scale**j * raw_moment * mass
    return total


def mirror_pieces(pieces: tuple[LinearPiece, ...]) -> tuple[LinearPiece, ...]:
    """The keep probability ``p'(w) = 1 - p(1 - w)`` of the mirrored problem.

    A piece ``p = a + b w`` on ``[lower, upper)`` becomes ``(1 - a - b) + b w``
    on ``(1 - upper, 1 - lower]``; the end points change sides, which no
    continuous weight law can tell apart.
    """
    mirrored = [
        LinearPiece(1.0 - upper, 1.0 - lower, 1.0 - intercept - slope, slope)
        for lower, upper, intercept, slope in pieces
    ]
    return tuple(sorted(mirrored))


def _limits(pieces: tuple[LinearPiece, ...], w: float) -> tuple[float, float]:
    """The keep probability just below and just above ``w``."""
    below = next(a + b * w for lower, upper, a, b in pieces if lower < w <= upper)
    above = next(a + b * w for lower, upper, a, b in pieces if lower <= w < upper)
    return below, above


def _keeps_first_around_one(pieces: tuple[LinearPiece, ...]) -> bool:
    """Whether ``p(w) -> 1`` as ``w -> 1`` from both sides: then ``u -> 0`` as ``W -> 1``."""
    return all(abs(p - 1.0) < 1e-12 for p in _limits(pieces, 1.0))


def _shape_on_variance_curve(x, epsilon0, epsilon1):
    """(α, β) of the variance-preserving EpBeta with ``E[W] = 1 - x``.

    ``α + β = ((1 - x)ε1 + ε0(x + ε1)) / (x(1 - x))`` is the expanded form of
    ``s² m(1 - m)/(x(1 - x)) - 1``: no cancellation as ``x -> 0``.
    """
    scale = 1.0 + epsilon0 + epsilon1
    total = ((1.0 - x) * epsilon1 + epsilon0 * (x + epsilon1)) / (x * (1.0 - x))
    return (1.0 - x + epsilon0) / scale * total, (x + epsilon1) / scale * total


def _contamination_on_curve(x, epsilon0, epsilon1, pieces):
    alpha, beta = _shape_on_variance_curve(x, epsilon0, epsilon1)
    feasible = (alpha > 0) & (beta > 0) & np.isfinite(alpha) & np.isfinite(beta)
    alpha = np.where(feasible, alpha, 1.0)
    beta = np.where(feasible, beta, 1.0)
    loc, scale = -epsilon0, 1.0 + epsilon0 + epsilon1

    def partial_moment(order, lower, upper):
        return scaled_beta_partial_moment(order, alpha, beta, loc, scale, lower, upper)

    u = contamination_from_pieces(pieces, partial_moment)
    return np.where(feasible, u, np.nan)


def _smallest_x(epsilon0: float, epsilon1: float) -> float:
    return _RESOLUTION * (1.0 + epsilon0 + epsilon1) ** 2


def _first_top(log_x, epsilon0, epsilon1, pieces):
    """The first local maximum of u on a log-x grid: ``(u, x)``, or None if u does not rise at first."""
    u = _contamination_on_curve(np.exp(log_x), epsilon0, epsilon1, pieces)
    valid = np.flatnonzero(np.isfinite(u))
    if valid.size < 2 or valid[0] != 0 or u[valid[1]] <= u[valid[0]]:
        return None
    # The first local maximum closes the branch: past it u may rise again on
    # other branches (for symmetric ε the mirror image x -> 1 - x).
    falls = np.flatnonzero(np.diff(u[valid]) < 0.0)
    best = int(valid[falls[0]]) if falls.size else int(valid[-1])
    lo, hi = log_x[max(best - 1, 0)], log_x[min(best + 1, len(log_x) - 1)]
    result = optimize.minimize_scalar(
        lambda t: -float(np.nan_to_num(_contamination_on_curve(np.exp(t), epsilon0, epsilon1, pieces))),
        bounds=(lo, hi),
        method="bounded",
        options={"xatol": 1e-10},
    )
    candidates = [(float(u[best]), float(np.exp(log_x[best])))]
    if np.isfinite(result.fun):
        candidates.append((-float(result.fun), float(np.exp(result.x))))
    return max(candidates)


def _branch_reach(epsilon0: float, epsilon1: float, pieces: tuple[LinearPiece, ...]) -> Reach:
    """The reach of the branch on which W concentrates at 1 (no mirroring)."""
    if epsilon1 <= 0.0:
        return Reach(0.0, 0.0, 0.0, False, "epsilon1 = 0 leaves W no room above 1")
    if not _keeps_first_around_one(pieces):
        reason = "the cut point does not keep the first parent's category near W = 1"
        return Reach(0.0, 0.0, 0.0, False, reason)
    floor = np.log(_smallest_x(epsilon0, epsilon1))
    # The scan starts at x = e^-12, where the closed form has every digit it
    # needs; only a top of the branch below that (a threshold within ~1e-3
    # of 1) sends it further down, to the resolution floor.
    top = _first_top(np.linspace(-12.0, np.log(0.999), _SCAN_POINTS), epsilon0, epsilon1, pieces)
    if top is None and floor < -12.0:
        top = _first_top(np.linspace(floor, -12.0, _SCAN_POINTS), epsilon0, epsilon1, pieces)
    unresolved = "the start of its branch lies below double-precision resolution"
    if top is None:
        return Reach(0.0, 0.0, 0.0, False, unresolved)
    smallest = float(_contamination_on_curve(np.exp(floor), epsilon0, epsilon1, pieces))
    # A branch continuous with δ -> 0 must be followed from near δ = 0: if u
    # is already a sizeable part of its top at the floor (a threshold within
    # ~1e-6 of 1, whose branch starts at x ~ (1 - τ)²), it is not this branch.
    if not np.isfinite(smallest) or smallest > _LARGEST_SMALLEST_SHARE * top[0]:
        return Reach(0.0, 0.0, 0.0, False, unresolved)
    return Reach(top[0], top[1], smallest, False, "")


@lru_cache(maxsize=1024)
def delta_max(epsilon0: float, epsilon1: float, pieces: tuple[LinearPiece, ...]) -> Reach:
    """Largest reachable δ, where it is reached, and on which branch.

    The branch continuous with δ -> 0 on which W concentrates at 1 if it
    exists, else its mirror (W concentrates at 0); ``Reach.delta == 0`` when
    neither does.
    """
    direct = _branch_reach(epsilon0, epsilon1, pieces)
    if direct.delta > 0.0:
        return direct
    mirror = _branch_reach(epsilon1, epsilon0, mirror_pieces(pieces))
    if mirror.delta > 0.0:
        return mirror._replace(mirrored=True)
    return Reach(
        0.0,
        0.0,
        0.0,
        False,
        f"W concentrated near 1 fails because {direct.reason}; W concentrated near 0 (the mirror) "
        f"fails because {_mirror_reason(mirror.reason)}",
    )


def _mirror_reason(reason: str) -> str:
    """A reason found on the mirrored problem, told in the original's terms."""
    return (
        reason.replace("epsilon1 = 0", "epsilon0 = 0")
        .replace("above 1", "below 0")
        .replace("first parent's category near W = 1", "second parent's category near W = 0")
    )


def _solve_branch(delta, epsilon0, epsilon1, pieces, reach: Reach) -> tuple[float, float]:
    """(α, β) on the W -> 1 branch of this (possibly mirrored) problem."""

    def gap(log_x):
        return float(_contamination_on_curve(np.exp(log_x), epsilon0, epsilon1, pieces)) - delta

    # A δ within rounding of δmax (0.9999999999999991·δmax, say) may find the contamination at
    # the top of the branch, computed again, a hair below it: the top is then the solution.
    if delta >= reach.delta or gap(np.log(reach.x)) <= 0.0:
        x = reach.x
    else:
        # u(x) ~ x near 0 for a threshold (~ sqrt(x) for ClippedWeight), so
        # x = δ/16 is mostly below the root; walk down until the sign changes,
        # but never below the resolution of the closed form.
        floor = np.log(_smallest_x(epsilon0, epsilon1))
        low = max(np.log(min(delta / 16.0, reach.x)), floor)
        while gap(low) > 0.0 and low > floor:
            low = max(low - 10.0, floor)
        if not gap(low) <= 0.0:
            raise ValueError(
                f"delta={delta} is below the smallest contamination this EpBeta can resolve in "
                f"double precision ({reach.smallest:.3g})."
            )
        x = float(np.exp(optimize.brentq(gap, low, np.log(reach.x), xtol=1e-14, rtol=1e-13)))
    alpha, beta = _shape_on_variance_curve(x, epsilon0, epsilon1)
    return float(alpha), float(beta)


@lru_cache(maxsize=4096)
def solve_epbeta(
    delta: float, epsilon0: float, epsilon1: float, pieces: tuple[LinearPiece, ...]
) -> EpBetaSolution:
    """(α, β) with ``E[W²] = E[W]`` and ``u = δ`` on the branch of :func:`delta_max`.

    The caller has checked ``smallest <= δ <= δmax``.
    """
    reach = delta_max(epsilon0, epsilon1, pieces)
    if reach.mirrored:
        alpha_mirror, beta_mirror = _solve_branch(delta, epsilon1, epsilon0, mirror_pieces(pieces), reach)
        return EpBetaSolution(beta_mirror, alpha_mirror, epsilon0, epsilon1)
    alpha, beta = _solve_branch(delta, epsilon0, epsilon1, pieces, reach)
    return EpBetaSolution(alpha, beta, epsilon0, epsilon1)


@lru_cache(maxsize=1024)
def epsilon_reaching(delta: float, pieces: tuple[LinearPiece, ...], reach: float = 1.0) -> float | None:
    """Smallest symmetric ε with ``reach · δmax(ε) >= δ``; None if none does."""

    def shortfall(log_epsilon):
        epsilon = float(np.exp(log_epsilon))
        return reach * delta_max(epsilon, epsilon, pieces).delta - delta

    low, high = np.log(1e-6), np.log(_LARGEST_EPSILON)
    if shortfall(high) < 0.0:
        return None
    if shortfall(low) >= 0.0:
        return float(np.exp(low))
    return float(np.exp(optimize.brentq(shortfall, low, high, xtol=1e-10)))
