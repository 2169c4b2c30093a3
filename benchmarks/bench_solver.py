"""Time the EpBeta solver over a grid of δ (run by hand; not a test).

For each configuration, δ runs over ``n`` evenly spaced values in
``(0, δmax]`` and one ``EpBeta(delta=δ, ...)`` is solved per value in three
modes:

- ``cold``: every lru cache of the solver cleared before each solve, so the
  δmax scan (and for ``epsilon="auto"`` the search for ε) is paid every time;
- ``root``: only ``solve_epbeta``'s cache cleared: the root finding alone
  (for ``epsilon="auto"`` also the search for ε, since every δ has its own ε);
- ``warm``: everything cached (a second pass over the same δ values).

It then prints the worst ``|u − δ|`` and ``|E[W²] − E[W]|`` seen (the
package's closed forms).

Usage::

    python benchmarks/bench_solver.py [--n 1000] [--epsilon 0.3]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from skmixup import ClippedWeight, EpBeta, Threshold, _solver

MODES = ("cold", "root", "warm")


def clear_caches(everything: bool) -> None:
    _solver.solve_epbeta.cache_clear()
    if everything:
        _solver.delta_max.cache_clear()
        _solver.epsilon_reaching.cache_clear()


def time_solves(deltas, epsilon, policy, mode: str) -> np.ndarray:
    timings = np.empty(len(deltas))
    for k, delta in enumerate(deltas):
        if mode != "warm":
            clear_caches(everything=mode == "cold")
        start = time.perf_counter()
        EpBeta(delta=delta, epsilon=epsilon, cut_point=policy).alpha_  # noqa: B018 (solves)
        timings[k] = time.perf_counter() - start
    return timings * 1e3


def worst_errors(deltas, epsilon, policy) -> tuple[float, float]:
    worst_u = worst_gap = 0.0
    for delta in deltas:
        weights = EpBeta(delta=delta, epsilon=epsilon, cut_point=policy)
        worst_u = max(worst_u, abs(weights.contamination(policy) - delta))
        worst_gap = max(worst_gap, abs(weights.second_moment() - weights.mean()))
    return worst_u, worst_gap


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=1000, help="number of δ values (default 1000)")
    parser.add_argument(
        "--epsilon", type=float, default=0.3, help="ε whose δmax bounds the grid (default 0.3)"
    )
    args = parser.parse_args(argv)

    configurations = [
        ("Threshold(0.5)", args.epsilon, Threshold(0.5)),
        ("ClippedWeight()", args.epsilon, ClippedWeight()),
        ("Threshold(0.5)", "auto", Threshold(0.5)),
    ]
    header = f"{'cut point':<16} {'epsilon':>8} {'mode':>5} {'mean ms':>9} {'median ms':>10} {'max ms':>9}"
    print(f"EpBeta solver, {args.n} values of delta in (0, delta_max(epsilon={args.epsilon})]\n")
    print(header)
    print("-" * len(header))
    accuracy = []
    for name, epsilon, policy in configurations:
        # "auto" has no reach of its own: use the grid of the fixed ε with the same policy.
        reach = EpBeta.max_delta(args.epsilon, policy)
        deltas = np.linspace(reach / args.n, reach, args.n)
        for mode in MODES:
            if mode == "warm":
                time_solves(deltas, epsilon, policy, "warm")  # make sure every δ is cached
            ms = time_solves(deltas, epsilon, policy, mode)
            print(
                f"{name:<16} {epsilon!s:>8} {mode:>5} {ms.mean():9.3f} {np.median(ms):10.3f} {ms.max():9.3f}"
            )
        accuracy.append((name, epsilon, reach, *worst_errors(deltas, epsilon, policy)))

    print(
        f"\n{'cut point':<16} {'epsilon':>8} {'delta_max':>10} {'max |u-delta|':>14} {'max |E[W2]-E[W]|':>17}"
    )
    for name, epsilon, reach, worst_u, worst_gap in accuracy:
        print(f"{name:<16} {epsilon!s:>8} {reach:10.5f} {worst_u:14.2e} {worst_gap:17.2e}")


if __name__ == "__main__":
    main()
