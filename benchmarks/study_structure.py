"""Study 1: does mixup keep the shape of a correlated Gaussian cloud? (SPEC §4, first figure)

Regenerate ``docs/results/structure.png`` and ``docs/results/structure.csv`` with::

    python benchmarks/study_structure.py

1,000 points are drawn once from N(0, [[1, .9], [.9, 1]]) (seed 0) and
synthesised into 5,000 points with EpBeta(δ=0.05) (= EpBeta(4.34, 1.33; 0.3,
0.3)), Beta(0.1, 0.1) and Uniform(0, 1) weights.  The figure shows the real
cloud and one synthetic draw per law: scatter, and Gaussian-KDE contours that
enclose 50 %, 90 % and 99 % of each panel's own mass; the dashed dark line is
the real cloud's 90 % contour, repeated in every panel for reference.  The
draw shown is the first of the table's draws; its panel title gives its
moments next to the mean over all draws (one draw of 5,000 points has a
variance ratio with sd ≈ 0.02, and the three laws share the pair draws).

The table compares the synthetic and real sample moments: the variance ratios
of both coordinates, the covariance ratio and the correlation, as mean (and
sd) over 200 independent synthetic draws (20 with ``--quick``)
from the same 1,000 real points, next to the theoretical variance factor
``f = 1 − 2(E[W] − E[W²])`` (SPEC §2.2–2.3: variances and the covariance
scale by f, the correlation is kept).  It adds the kurtosis (Pearson, 3 for a
normal; mean of the two coordinates), which no weight law keeps: with
``V = W(1 − W)`` one round maps it to ``a·κ + b`` with
``a = (1 − 4E[V] + 2E[V²])/f²`` and ``b = 6E[V²]/f²`` (``_common.kurtosis_map``);
EpBeta has ``E[V] = 0`` hence ``a = 1 + 2E[V²] > 1``, so repeated EpBeta
synthesis makes the tails heavier every round (see ``study_collapse.py``).
``--quick`` also uses 1,000 synthetic points instead of 5,000.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from _common import COLOURS, WEIGHT_LAWS, kurtosis_map, parse_args, save, study
from scipy.stats import gaussian_kde, kurtosis

from skmixup import StructurePreservingMixup
from skmixup.diagnostics import compare_structure

N_REAL = 1000
COV = np.array([[1.0, 0.9], [0.9, 1.0]])
LIMIT = 4.2  # same axes limits in every panel
MASSES = (0.99, 0.9, 0.5)  # highest-density regions drawn as contours


def moments(real: np.ndarray, synthetic: np.ndarray) -> dict:
    """Variance, covariance ratios and the synthetic correlation."""
    report = compare_structure(real, synthetic)
    variance_ratio = report.columns["variance_ratio"].to_numpy()
    pair = report.pairs.iloc[0]
    return {
        "var_ratio_x1": variance_ratio[0],
        "var_ratio_x2": variance_ratio[1],
        "cov_ratio": pair["covariance_ratio"],
        "correlation": pair["correlation_synthetic"],
        "kurtosis": float(kurtosis(synthetic, axis=0, fisher=False).mean()),
    }


def kde_levels(points: np.ndarray, grid: np.ndarray):
    """KDE density on ``grid`` and the levels enclosing ``MASSES`` of the points."""
    kde = gaussian_kde(points.T)
    density_at_points = kde(points.T)
    levels = np.quantile(density_at_points, [1 - m for m in MASSES])  # increasing
    return kde(grid).reshape(-1), levels


def main() -> None:
    args = parse_args(__doc__)
    n_synthetic = 1000 if args.quick else 5000
    n_draws = 20 if args.quick else 200
    with study("study_structure"):
        real = np.random.default_rng(0).multivariate_normal([0.0, 0.0], COV, size=N_REAL)
        real_moments = moments(real, real)
        rows = [
            {
                "method": "real (1,000 points)",
                "f_theory": 1.0,
                "kurtosis_theory": real_moments["kurtosis"],
                **{f"{k}_mean": v for k, v in real_moments.items()},
                **{f"{k}_sd": 0.0 for k in real_moments},
            }
        ]
        examples = {}
        for name, make in WEIGHT_LAWS.items():
            weights = make()
            mixup = StructurePreservingMixup(weights=weights).fit(real)
            draws = []
            for draw in range(n_draws):
                synthetic = mixup.sample(n_synthetic, random_state=1000 + draw)
                draws.append(moments(real, synthetic))
                if draw == 0:
                    examples[name] = synthetic
            draws = pd.DataFrame(draws)
            a, b = kurtosis_map(weights)
            rows.append(
                {
                    "method": name,
                    "f_theory": weights.variance_factor(),
                    "kurtosis_theory": a * real_moments["kurtosis"] + b,
                    **{f"{k}_mean": v for k, v in draws.mean().items()},
                    **{f"{k}_sd": v for k, v in draws.std(ddof=1).items()},
                }
            )
        table = pd.DataFrame(rows).set_index("method")
        table.insert(0, "n_draws", [1] + [n_draws] * len(WEIGHT_LAWS))
        table.insert(1, "n_synthetic", [N_REAL] + [n_synthetic] * len(WEIGHT_LAWS))

        printed = pd.DataFrame(index=table.index)
        printed["f (theory)"] = table["f_theory"].map("{:.4f}".format)
        labels = {
            "var_ratio_x1": "Var x1 ratio",
            "var_ratio_x2": "Var x2 ratio",
            "cov_ratio": "Cov ratio",
            "correlation": "correlation",
            "kurtosis": "kurtosis",
        }
        for key, label in labels.items():
            printed[label] = [
                f"{m:.4f} ({s:.4f})" for m, s in zip(table[f"{key}_mean"], table[f"{key}_sd"], strict=True)
            ]
        print(
            f"\nSynthetic / real moments, mean (sd) over {n_draws} draws of {n_synthetic} synthetic "
            f"points from one real sample of {N_REAL}:"
        )
        printed["kurtosis (theory)"] = table["kurtosis_theory"].map("{:.3f}".format)
        with pd.option_context("display.width", 200):
            print(printed.to_string())

        # ---------------------------------------------------------- figure
        axis = np.linspace(-LIMIT, LIMIT, 160)
        xx, yy = np.meshgrid(axis, axis)
        grid = np.vstack([xx.ravel(), yy.ravel()])
        real_density, real_levels = kde_levels(real, grid)
        panels = {"real": real, **examples}
        fig, axes = plt.subplots(1, 4, figsize=(17, 5.6), sharex=True, sharey=True)
        for ax, (name, points) in zip(axes, panels.items(), strict=True):
            colour = COLOURS[name]
            ax.scatter(points[:, 0], points[:, 1], s=3, alpha=0.25, color=colour, rasterized=True)
            density, levels = kde_levels(points, grid)
            ax.contour(xx, yy, density.reshape(xx.shape), levels=levels, colors=colour, linewidths=1.4)
            ax.contour(
                xx,
                yy,
                real_density.reshape(xx.shape),
                levels=[real_levels[1]],
                colors="0.25",
                linestyles="--",
                linewidths=1.2,
            )
            m = moments(real, points)
            if name == "real":
                title = (
                    f"Original, n = {N_REAL}\n\n"
                    f"var = ({np.var(points[:, 0], ddof=1):.2f}, {np.var(points[:, 1], ddof=1):.2f})\n"
                    f"corr = {m['correlation']:.3f}"
                )
            else:
                row = table.loc[name]
                title = (
                    f"{name}, n = {len(points)}, f = {row['f_theory']:.3f}\n"
                    f"var ratio: this draw ({m['var_ratio_x1']:.2f}, {m['var_ratio_x2']:.2f}),\n"
                    f"mean of {n_draws} draws "
                    f"({row['var_ratio_x1_mean']:.2f}, {row['var_ratio_x2_mean']:.2f})\n"
                    f"corr: this draw {m['correlation']:.3f}, mean {row['correlation_mean']:.3f}"
                )
            ax.set_title(title, fontsize=10.5)
            ax.set_xlim(-LIMIT, LIMIT)
            ax.set_ylim(-LIMIT, LIMIT)
            ax.set_aspect("equal")
            ax.set_xlabel("$x_1$", fontsize=11)
            ax.grid(alpha=0.3)
        axes[0].set_ylabel("$x_2$", fontsize=11)
        fig.suptitle(
            "Mixup of N(0, [[1, .9], [.9, 1]]): KDE contours enclosing 50/90/99 % of each panel's "
            "points; dashed = real 90 % contour",
            fontsize=12,
        )
        fig.tight_layout(rect=(0, 0, 1, 0.96))
        save(fig, table, args.out, "structure", float_format="%.5f")


if __name__ == "__main__":
    main()
