"""Study 3: OLS coefficients fitted on mixup-synthetic data (SPEC §2.3 and §4, last claim).

Regenerate ``docs/results/regression.png`` and ``docs/results/regression.csv`` with::

    python benchmarks/study_regression.py

Model: n = 500 rows, p = 3 covariates X ~ N(0, Σ) with unit variances and all
correlations 0.5, y = Xβ + ε with β = (1, −2, 0.5), no intercept in the truth,
ε ~ N(0, 1).  In each of 1,000 replications (seed = replication number) a new
real data set is drawn and OLS (with an intercept) is fitted on

- the real data, and
- one synthetic data set of the same size per weight law, EpBeta(δ=0.05),
  Beta(0.1, 0.1) and Uniform(0, 1):
  ``StructurePreservingMixup(weights=w).fit(X, y).sample(n)`` returns
  ``(X~, y~)``, y mixed as one more continuous column with the same weight.

Theory (SPEC §2.3): with a shared weight every covariance, hence
``Cov(X~)⁻¹Cov(X~, y~)``, scales by the same f, so the slopes are unbiased for
every weight law, while the residual variance scales by f (2/3 for Uniform).

The table gives, per method and coefficient: mean, sd, bias and RMSE of the
estimates over the replications, the sd relative to real-data OLS, the
coverage of the textbook 95 % confidence interval computed as if the
synthetic rows were real, and the mean ratio of the residual variance
(SSR / (n − 4)) to that of the real-data fit of the same replication.  The
figure has one boxplot panel per coefficient with the true β as a red line.
``--quick`` runs 50 replications.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from _common import COLOURS, WEIGHT_LAWS, parse_args, save, study
from scipy import stats

from skmixup import StructurePreservingMixup

N, P, RHO, SIGMA = 500, 3, 0.5, 1.0
BETA = np.array([1.0, -2.0, 0.5])
COEFS = ("β1", "β2", "β3")


def ols(X: np.ndarray, y: np.ndarray):
    """Slopes, their textbook standard errors and the residual variance (with an intercept)."""
    design = np.column_stack([np.ones(len(X)), X])
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    residual = y - design @ coef
    dof = len(X) - design.shape[1]
    residual_variance = residual @ residual / dof
    se = np.sqrt(residual_variance * np.diag(np.linalg.inv(design.T @ design)))
    return coef[1:], se[1:], residual_variance


def main() -> None:
    args = parse_args(__doc__)
    n_reps = 50 if args.quick else 1000
    cov = np.full((P, P), RHO) + (1 - RHO) * np.eye(P)
    z = stats.t.ppf(0.975, N - P - 1)
    with study("study_regression"):
        laws = {name: make() for name, make in WEIGHT_LAWS.items()}
        records = []
        for rep in range(n_reps):
            rng = np.random.default_rng(rep)
            X = rng.multivariate_normal(np.zeros(P), cov, size=N)
            y = X @ BETA + rng.normal(0.0, SIGMA, size=N)
            fits = {"real OLS": ols(X, y)}
            for name, weights in laws.items():
                mixup = StructurePreservingMixup(weights=weights, random_state=rep).fit(X, y)
                X_new, y_new = mixup.sample(N)
                fits[name] = ols(X_new, y_new)
            real_residual_variance = fits["real OLS"][2]
            for method, (coef, se, residual_variance) in fits.items():
                for k, name in enumerate(COEFS):
                    records.append(
                        {
                            "method": method,
                            "coefficient": name,
                            "rep": rep,
                            "estimate": coef[k],
                            "covered": abs(coef[k] - BETA[k]) <= z * se[k],
                            "residual_variance_ratio": residual_variance / real_residual_variance,
                        }
                    )
        runs = pd.DataFrame(records)
        methods = list(runs.method.unique())
        truth = dict(zip(COEFS, BETA, strict=True))

        rows = []
        for (method, coefficient), part in runs.groupby(["method", "coefficient"], sort=False):
            estimates = part.estimate.to_numpy()
            bias = estimates.mean() - truth[coefficient]
            rows.append(
                {
                    "method": method,
                    "coefficient": coefficient,
                    "true": truth[coefficient],
                    "mean": estimates.mean(),
                    "sd": estimates.std(ddof=1),
                    "bias": bias,
                    "rmse": np.sqrt(np.mean((estimates - truth[coefficient]) ** 2)),
                    "ci95_coverage": part.covered.mean(),
                    "residual_variance_ratio": part.residual_variance_ratio.mean(),
                    "f_theory": 1.0 if method == "real OLS" else laws[method].variance_factor(),
                }
            )
        table = pd.DataFrame(rows).set_index(["method", "coefficient"])
        real_sd = table.xs("real OLS", level="method")["sd"]
        table.insert(
            table.columns.get_loc("sd") + 1,
            "sd_vs_real",
            [table.loc[idx, "sd"] / real_sd[idx[1]] for idx in table.index],
        )
        table.insert(0, "n_reps", n_reps)
        print(
            f"\nOLS on real vs synthetic data (n = {N}, {n_reps} replications), β = {tuple(BETA.tolist())}; "
            "ci95_coverage = naive 95 % interval treating synthetic rows as real; "
            "residual_variance_ratio = mean of s²(method) / s²(real OLS), f = variance factor."
        )
        with pd.option_context("display.width", 200, "display.float_format", "{:.4f}".format):
            print(table.drop(columns="n_reps").to_string())

        # ---------------------------------------------------------- figure
        fig, axes = plt.subplots(1, len(COEFS), figsize=(15, 5.2), layout="constrained")
        for ax, coefficient in zip(axes, COEFS, strict=True):
            part = runs[runs.coefficient == coefficient]
            data = [part.loc[part.method == m, "estimate"] for m in methods]
            boxes = ax.boxplot(
                data,
                patch_artist=True,
                widths=0.6,
                flierprops={"markersize": 3},
                medianprops={"color": "black"},
            )
            for patch, method in zip(boxes["boxes"], methods, strict=True):
                patch.set_facecolor(COLOURS.get(method, "lightgrey"))
                patch.set_alpha(0.45)
            ax.axhline(truth[coefficient], color="red", lw=1.8, label="true β")
            labels = [m.replace("(", "\n(", 1).replace(" OLS", "\nOLS") for m in methods]
            ax.set_xticks(range(1, len(methods) + 1), labels, fontsize=10)
            ax.set_title(f"{coefficient} (true {truth[coefficient]:g})", fontsize=12)
            ax.grid(axis="y", alpha=0.3)
            ax.tick_params(axis="y", labelsize=10)
        axes[0].set_ylabel("OLS estimate", fontsize=11)
        axes[0].legend(loc="upper right", fontsize=10)
        fig.suptitle(
            f"OLS coefficients on real vs mixup-synthetic data: n = {N}, X ~ N(0, Σ) with ρ = {RHO}, "
            f"σ = {SIGMA:g}, {n_reps} replications",
            fontsize=13,
        )
        save(fig, table, args.out, "regression")


if __name__ == "__main__":
    main()
