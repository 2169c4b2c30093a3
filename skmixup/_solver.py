"""EpBeta parameters from the contamination δ: closed-form u, root finding, δmax.

``W = -ε0 + (1 + ε0 + ε1) B`` with ``B ~ Beta(α, β)``.  Writing ``x = 1 - E[W]``,
the variance condition ``E[W²] = E[W]`` is ``Var[W] = E[W](1 - E[W])``, which
fixes ``α + β`` for every ``x``:

    m = α / (α + β) = (1 - x + ε0) / s,     α + β + 1 = s² m (1 - m) / (x (1 - x)).

So the two equations reduce to one, ``u(x) = δ``, on the curve of
variance-preserving EpBetas.  As ``x -> 0`` the weight concentrates at 1 and
``u -> 0``; ``u`` rises to a maximum ``δmax(ε)`` at ``x*``.  The branch the
theory asks for (continuous with δ -> 0) is ``x`` in ``(0, x*]``, solved by
Brent's method on ``log x`` because ``x ~ δ`` spans many decades.
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
_SMALLEST_X = 1e-300


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


def scaled_beta_partial_moment(order, alpha, beta, loc, scale, lower, upper):
    """``E[W^k 1{lower <= W < upper}]`` for ``W = loc + scale·Beta(α, β)``.

    Uses ``E[B^j 1{B < t}] = Π_{i<j} (α+i)/(α+β+i) · I_t(α + j, β)`` and the
    binomial expansion of ``(loc + scale B)^k``.  Broadcasts over arrays.
    """
    alpha = np.asarray(alpha, dtype=float)
    beta = np.asarray(beta, dtype=float)
    t_lower = np.clip((lower - loc) / scale, 0.0, 1.0)
    t_upper = np.clip((upper - loc) / scale, 0.0, 1.0)
    total = 0.0
    raw_moment = 1.0
    for j in range(order + 1):
        if j:
            raw_moment = raw_moment * (alpha + j - 1) / (alpha + beta + j - 1)
        mass = special.betainc(alpha + j, beta, t_upper) - special.betainc(alpha + j, beta, t_lower)
        total = total + comb(order, j) * loc ** (order - j) * scale**j * raw_moment * mass
    return total


def _shape_on_variance_curve(x, epsilon0, epsilon1):
    """(α, β) of the variance-preserving EpBeta with ``E[W] = 1 - x``."""
    scale = 1.0 + epsilon0 + epsilon1
    m = (1.0 - x + epsilon0) / scale
    total = scale**2 * m * (1.0 - m) / (x * (1.0 - x)) - 1.0
    return m * total, (1.0 - m) * total


def _contamination_on_curve(x, epsilon0, epsilon1, pieces):
    alpha, beta = _shape_on_variance_curve(x, epsilon0, epsilon1)
    feasible = (alpha > 0) & (beta > 0)
    alpha = np.where(feasible, alpha, 1.0)
    beta = np.where(feasible, beta, 1.0)
    loc, scale = -epsilon0, 1.0 + epsilon0 + epsilon1

    def partial_moment(order, lower, upper):
        return scaled_beta_partial_moment(order, alpha, beta, loc, scale, lower, upper)

    u = contamination_from_pieces(pieces, partial_moment)
    return np.where(feasible, u, np.nan)


@lru_cache(maxsize=1024)
def delta_max(epsilon0: float, epsilon1: float, pieces: tuple[LinearPiece, ...]) -> tuple[float, float]:
    """Largest reachable δ on the δ -> 0 branch, and the ``x`` where it is reached.

    Returns ``(0.0, 0.0)`` when the branch does not exist (``ε1 = 0``: a
    weight that cannot exceed 1 cannot concentrate near 1 and keep variance).
    """
    if epsilon1 <= 0.0:
        return 0.0, 0.0
    log_x = np.linspace(-12.0, np.log(0.999), 400)
    u = _contamination_on_curve(np.exp(log_x), epsilon0, epsilon1, pieces)
    if np.all(np.isnan(u)):
        return 0.0, 0.0
    # The first local maximum closes the branch: past it u may rise again on
    # other branches (for symmetric ε the mirror image x -> 1 - x).
    valid = np.flatnonzero(~np.isnan(u))
    falls = np.flatnonzero(np.diff(u[valid]) < 0.0)
    best = int(valid[falls[0]]) if falls.size else int(valid[-1])
    lo, hi = log_x[max(best - 1, 0)], log_x[min(best + 1, len(log_x) - 1)]
    result = optimize.minimize_scalar(
        lambda t: -float(_contamination_on_curve(np.exp(t), epsilon0, epsilon1, pieces)),
        bounds=(lo, hi),
        method="bounded",
        options={"xatol": 1e-10},
    )
    candidates = [(float(u[best]), float(np.exp(log_x[best])))]
    if np.isfinite(result.fun):
        candidates.append((-float(result.fun), float(np.exp(result.x))))
    return max(candidates)


@lru_cache(maxsize=4096)
def solve_epbeta(
    delta: float, epsilon0: float, epsilon1: float, pieces: tuple[LinearPiece, ...]
) -> EpBetaSolution:
    """(α, β) with ``E[W²] = E[W]`` and ``u = δ`` on the δ -> 0 branch.

    The caller has checked ``0 < δ <= δmax``.
    """
    reach, x_star = delta_max(epsilon0, epsilon1, pieces)
    if delta >= reach:
        x = x_star
    else:

        def gap(log_x):
            return float(_contamination_on_curve(np.exp(log_x), epsilon0, epsilon1, pieces)) - delta

        # u(x) ~ x near 0, so x = δ/16 is below the root except for exotic
        # policies; walk down until the sign changes.
        low = np.log(min(delta / 16.0, x_star))
        while gap(low) > 0.0 and low > np.log(_SMALLEST_X):
            low -= 10.0
        x = float(np.exp(optimize.brentq(gap, low, np.log(x_star), xtol=1e-14, rtol=1e-13)))
    alpha, beta = _shape_on_variance_curve(x, epsilon0, epsilon1)
    return EpBetaSolution(float(alpha), float(beta), epsilon0, epsilon1)


@lru_cache(maxsize=1024)
def epsilon_reaching(delta: float, pieces: tuple[LinearPiece, ...], reach: float = 1.0) -> float | None:
    """Smallest symmetric ε with ``reach · δmax(ε) >= δ``; None if none does."""

    def shortfall(log_epsilon):
        epsilon = float(np.exp(log_epsilon))
        return reach * delta_max(epsilon, epsilon, pieces)[0] - delta

    low, high = np.log(1e-6), np.log(_LARGEST_EPSILON)
    if shortfall(high) < 0.0:
        return None
    if shortfall(low) >= 0.0:
        return float(np.exp(low))
    return float(np.exp(optimize.brentq(shortfall, low, high, xtol=1e-10)))
