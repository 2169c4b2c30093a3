"""Study 2: model collapse under repeated resynthesis of scikit-learn's digits (SPEC §4, CIFAR-10 claim).

Regenerate ``docs/results/collapse.png`` and ``docs/results/collapse.csv`` with::

    python benchmarks/study_collapse.py

Data: ``load_digits`` (1797 × 64 pixels in 0..16, 10 classes), split once into
a stratified 70 % training / 30 % test set (``random_state=0``).  The training
set is resynthesised 25 times in a row, each round from the previous round's
synthetic table, with the same number of rows (1,257); the test set is always
the real held-out one.  Weight laws: EpBeta(δ=0.05), Beta(0.1, 0.1) and
Uniform(0, 1).  Label modes of ``StructurePreservingMixup.sample``:

- ``soft``: the one-hot label is mixed like a continuous column and ``sample``
  returns scores (n, 10); the classifier is trained on the argmax label, and
  the argmax labels are what the next round is fitted on (as the brief asks).
  The argmax of ``W·e_i + (1 − W)·e_j`` is the class of parent i iff W > 1/2,
  i.e. the ``joint`` rule with cut point 0.5, and skmixup draws both modes
  from the same random stream, so ``soft`` reproduces ``joint`` exactly: the
  script checks and prints this.
- ``joint``: the label is one more categorical column (cut point 0.5).
- ``stratified``: both parents come from the same class; the label is exact.
- ``soft, scores carried`` (extra): the score columns themselves are carried
  from round to round (mixed as 10 more continuous columns of the table, which
  is what ``soft`` does internally), and the classifier is trained on their
  argmax.  This is the classic-mixup labelling that SPEC §2.8 is about.

Classifier: ``StandardScaler`` + ``LogisticRegression(C=1, max_iter=5000)``
(multinomial, lbfgs), both fitted on each round's synthetic training set.  It
reaches 97 % on the real data, fits in ~0.05 s, and as a linear model it
depends mostly on the first two moments of each class, which is exactly what
the theory is about.  Because the scaler is fitted on the synthetic data, a
global shrinkage of the pixels is undone before the classifier sees them: the
accuracy measures how much class information survives, not the scale.  When a
round's labels have collapsed to a single class, the only possible model
predicts that class (``DummyClassifier``), scoring that class's test share.

Each cell is the test accuracy, mean (sd) over 5 seeds (the seed drives the
mixup draws; the split and the classifier are fixed), at rounds 0 (real
data), 5, 10, 15, 20 and 25.  Two diagnostics explain the curves:
``pixel variance ratio`` = mean pixel variance of the round-k training set /
that of the real one (the CSV also has the mean over the 61 non-constant
pixels of the per-pixel ratio), against f^k in theory (for ``stratified``,
which shrinks only the within-class part, η²₀ + (1 − η²₀)·f^k); and
``η²`` = between-class share of the total pixel variance (trace of the
between-class covariance of that round's labels / trace of the total
covariance), 0.42 on the real training set: how much the pixels still say
about the labels.  It also reports the median pixel kurtosis, which grows
under repeated EpBeta synthesis (``_common.kurtosis_map``).  The CSV has
every round; ``--quick`` runs 2 seeds and 10 rounds.

Options to separate finite-sample drift from the mechanisms of mixup:

- ``--size-factor K`` (default 1): every round synthesises K × 1,257 rows,
  round 1 from the real 1,257 rows and each later round from the previous
  round's K × 1,257 synthetic rows.  Each round is a fresh finite resample of
  the previous one (a bootstrap of a bootstrap), so class means and
  covariances random-walk from round to round whatever the weights; K times
  larger rounds divide the variance of each step of that walk by about K and
  leave the per-round effects of the weights (f, u, kurtosis growth) unchanged.
- ``--bootstrap-control``: adds ``Bootstrap (δ=0)``, i.e.
  ``EpBeta(delta=0)`` (W = 1: rows resampled with replacement, no mixing at
  all), with stratified labels, at the chosen size and, when K > 1, also at
  1,257 rows per round (``Bootstrap (δ=0), 1,257 rows``).  Any accuracy it
  loses is drift.  The script also prints how many distinct real rows the
  control's table still holds at each reported round.
- ``--modes`` restricts the label modes; ``--out-name STEM`` writes
  ``STEM.png`` and ``STEM.csv`` instead of ``collapse.*``.

The larger run shown in the documentation is::

    python benchmarks/study_collapse.py --size-factor 10 --bootstrap-control --out-name collapse_large
"""

from __future__ import annotations

import sys
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from _common import COLOURS, WEIGHT_LAWS, mean_sd, parse_args, save, study
from scipy.stats import kurtosis
from sklearn.datasets import load_digits
from sklearn.dummy import DummyClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmixup import EpBeta, StructurePreservingMixup

MODES = ("soft", "joint", "stratified", "soft, scores carried")
REPORT_ROUNDS = (0, 5, 10, 15, 20, 25)
N_CLASSES = 10
BOOTSTRAP = "Bootstrap (δ=0)"
BOOTSTRAP_SMALL = "Bootstrap (δ=0), 1,257 rows"
BOOTSTRAPS = (BOOTSTRAP, BOOTSTRAP_SMALL)
LAWS = {**WEIGHT_LAWS, BOOTSTRAP: lambda: EpBeta(delta=0), BOOTSTRAP_SMALL: lambda: EpBeta(delta=0)}
LINE_STYLES = {
    **{name: (COLOURS[name], "-") for name in WEIGHT_LAWS},
    BOOTSTRAP: ("tab:green", "-"),
    BOOTSTRAP_SMALL: ("tab:green", "--"),
}


def add_options(parser) -> None:
    parser.add_argument(
        "--size-factor",
        type=int,
        default=1,
        metavar="K",
        help="synthesise K × 1,257 rows per round (default 1: the size of the real training set)",
    )
    parser.add_argument(
        "--bootstrap-control",
        action="store_true",
        help="add EpBeta(delta=0) (plain bootstrap, no mixing) with stratified labels, at K and at 1",
    )
    parser.add_argument(
        "--modes",
        nargs="+",
        choices=MODES,
        default=list(MODES),
        metavar="MODE",
        help=f"label modes to run (default: all of {', '.join(repr(m) for m in MODES)})",
    )
    parser.add_argument(
        "--out-name",
        default="collapse",
        metavar="STEM",
        help="write STEM.png and STEM.csv (default: collapse)",
    )


def classifier():
    return make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=5000))


def eta_squared(X: np.ndarray, y: np.ndarray) -> float:
    """Between-class share of the total variance, summed over the pixels."""
    centre = X.mean(axis=0)
    total = ((X - centre) ** 2).sum()
    between = sum((y == c).sum() * ((X[y == c].mean(axis=0) - centre) ** 2).sum() for c in np.unique(y))
    return float(between / total) if total > 0 else float("nan")


def resynthesise(X, y, scores, weights, mode: str, random_state: int, n: int):
    """One round: a synthetic table of n rows from (X, y) or (X, scores)."""
    if mode == "soft, scores carried":
        mixup = StructurePreservingMixup(weights=weights, random_state=random_state)
        table = mixup.fit(np.hstack([X, scores])).sample(n)
        X_new, scores_new = table[:, : X.shape[1]], table[:, X.shape[1] :]
        return X_new, scores_new.argmax(axis=1), scores_new
    mixup = StructurePreservingMixup(weights=weights, label_mixing=mode, random_state=random_state)
    X_new, y_new = mixup.fit(X, y).sample(n)
    if mode == "soft":  # label scores (n, n_classes) in classes_ order
        y_new = mixup.classes_[np.asarray(y_new).argmax(axis=1)]
    return X_new, np.asarray(y_new), None


def run_chain(data, weights_name, mode, seed, n_rounds, size_factor=1):
    X_train, y_train, X_test, y_test = data
    n_rows = size_factor * len(X_train)
    varying = X_train.var(axis=0) > 0
    real_variance = X_train.var(axis=0)[varying]
    X, y, scores = X_train, y_train, np.eye(N_CLASSES)[y_train]
    weights = LAWS[weights_name]()
    f = weights.variance_factor()
    eta2_real = eta_squared(X_train, y_train)
    rows = []
    for round_ in range(n_rounds + 1):
        if round_ > 0:
            X, y, scores = resynthesise(
                X, y, scores, weights, mode, random_state=seed * 1000 + round_, n=n_rows
            )
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            # Labels can collapse to a single class (soft scores carried with Uniform
            # weights): then the only possible model predicts that class.
            model = classifier() if len(np.unique(y)) > 1 else DummyClassifier(strategy="most_frequent")
            accuracy = model.fit(X, y).score(X_test, y_test)
        variance = X.var(axis=0)
        rows.append(
            {
                "weights": weights_name,
                "label_mixing": mode,
                "seed": seed,
                "round": round_,
                "accuracy": accuracy,
                "pixel_variance_ratio": float(variance.sum() / real_variance.sum()),
                "per_pixel_variance_ratio": float(np.mean(variance[varying] / real_variance)),
                "f_power_round": f**round_,
                "variance_ratio_theory": (
                    eta2_real + (1 - eta2_real) * f**round_ if mode == "stratified" else f**round_
                ),
                "eta2": eta_squared(X, y),
                "pixel_kurtosis_median": float(np.nanmedian(kurtosis(X[:, varying], axis=0, fisher=False))),
                "n_classes_present": len(np.unique(y)),
                "convergence_warnings": sum(issubclass(w.category, ConvergenceWarning) for w in caught),
                # Bootstrap control only: how many distinct real rows the table still holds.
                "distinct_rows": len(np.unique(X, axis=0)) if weights_name in BOOTSTRAPS else np.nan,
            }
        )
    return rows


def main() -> None:
    args = parse_args(__doc__, add_options)
    if args.size_factor < 1:
        raise SystemExit("--size-factor must be an integer >= 1")
    size = args.size_factor
    seeds = (0, 1) if args.quick else (0, 1, 2, 3, 4)
    n_rounds = 10 if args.quick else 25
    report_rounds = [r for r in REPORT_ROUNDS if r <= n_rounds]
    with study("study_collapse"):
        X_all, y_all = load_digits(return_X_y=True)
        X_train, X_test, y_train, y_test = train_test_split(
            X_all, y_all, test_size=0.3, stratify=y_all, random_state=0
        )
        data = (X_train, y_train, X_test, y_test)
        print(
            f"digits: {len(X_train)} training / {len(X_test)} test rows, {X_all.shape[1]} pixels; "
            f"{len(seeds)} seeds, {n_rounds} rounds of {size * len(X_train)} rows"
            + (f" ({size} × the real training set)" if size > 1 else "")
        )
        chains = [(mode, name, size) for mode in MODES if mode in args.modes for name in WEIGHT_LAWS]
        if args.bootstrap_control:
            chains.append(("stratified", BOOTSTRAP, size))
            if size > 1:
                chains.append(("stratified", BOOTSTRAP_SMALL, 1))
        rows = []
        for mode, name, chain_size in chains:
            start = time.perf_counter()
            for seed in seeds:
                rows.extend(run_chain(data, name, mode, seed, n_rounds, chain_size))
            print(f"#   {mode}, {name}: {time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)
        runs = pd.DataFrame(rows)
        modes = [mode for mode in MODES if mode in set(runs.label_mixing)]

        if {"soft", "joint"} <= set(modes):
            soft = runs[runs.label_mixing == "soft"].reset_index(drop=True)
            joint = runs[runs.label_mixing == "joint"].reset_index(drop=True)
            identical = np.array_equal(soft.accuracy, joint.accuracy) and np.allclose(soft.eta2, joint.eta2)
            print(f"soft (argmax carried) reproduces joint exactly at every round and seed: {identical}")
        print(f"ConvergenceWarnings from LogisticRegression: {int(runs.convergence_warnings.sum())}")

        keys = ["label_mixing", "weights", "round"]
        grouped = runs.groupby(keys, sort=False)
        table = grouped.agg(
            accuracy_mean=("accuracy", "mean"),
            accuracy_sd=("accuracy", "std"),
            pixel_variance_ratio_mean=("pixel_variance_ratio", "mean"),
            pixel_variance_ratio_sd=("pixel_variance_ratio", "std"),
            variance_ratio_theory=("variance_ratio_theory", "first"),
            per_pixel_variance_ratio_mean=("per_pixel_variance_ratio", "mean"),
            f_power_round=("f_power_round", "first"),
            eta2_mean=("eta2", "mean"),
            eta2_sd=("eta2", "std"),
            pixel_kurtosis_median_mean=("pixel_kurtosis_median", "mean"),
            min_classes_present=("n_classes_present", "min"),
            n_seeds=("seed", "nunique"),
        )

        # ------------------------------------------------------ printed table
        printed = {}
        for (mode, name), chain in runs.groupby(["label_mixing", "weights"], sort=False):
            cells = {}
            for round_ in report_rounds:
                cells[f"r{round_}"] = mean_sd(chain.loc[chain["round"] == round_, "accuracy"] * 100, 1)
            last = chain[chain["round"] == n_rounds]
            cells[f"pixvar r{n_rounds}"] = f"{last.pixel_variance_ratio.mean():.2g}"
            cells["theory"] = f"{last.variance_ratio_theory.iloc[0]:.2g}"
            cells[f"η² r{n_rounds}"] = f"{last.eta2.mean():.3f}"
            cells[f"kurt r{n_rounds}"] = f"{last.pixel_kurtosis_median.mean():.1f}"
            printed[(mode, name)] = cells
        printed = pd.DataFrame.from_dict(printed, orient="index")
        printed.index.names = ["label_mixing", "weights"]
        real = runs[runs["round"] == 0]
        print(
            f"\nTest accuracy (%) of the classifier trained on the round-k synthetic training set, "
            f"mean (sd) over {len(seeds)} seeds; r0 = real data, chance = 10 %. pixvar = mean pixel "
            f"variance at round {n_rounds} / real, theory = f^k (stratified: η²₀ + (1 − η²₀)f^k); "
            f"η² = between-class share of pixel variance (real: {real.eta2.iloc[0]:.3f}); "
            f"kurt = median pixel kurtosis (real: {real.pixel_kurtosis_median.iloc[0]:.1f})."
        )
        with pd.option_context("display.width", 250, "display.max_columns", 20):
            print(printed.to_string())
        if args.bootstrap_control:
            control = runs[runs.weights.isin(BOOTSTRAPS) & runs["round"].isin(report_rounds)]
            distinct = control.groupby(["weights", "round"], sort=False).distinct_rows.mean().unstack()
            print(
                "\nBootstrap control: distinct rows left (= distinct real training rows, of "
                f"{len(X_train)}), mean over seeds; each round loses some, like genetic drift:"
            )
            print(distinct.rename(columns=lambda r: f"r{r}").round(0).astype(int).to_string())

        # ---------------------------------------------------------- figure
        sorted_table = table.sort_index()  # fast .loc; the CSV keeps the run order
        fig, axes = plt.subplots(
            3, len(modes), figsize=(4.5 * len(modes), 11.5), sharex=True, sharey="row", layout="constrained"
        )
        axes = axes.reshape(3, len(modes))
        for col, mode in enumerate(modes):
            for name in runs.loc[runs.label_mixing == mode, "weights"].unique():
                part = sorted_table.loc[(mode, name)]
                rounds = part.index.to_numpy()
                colour, style = LINE_STYLES[name]
                for row, (column, sd) in enumerate(
                    [
                        ("accuracy_mean", "accuracy_sd"),
                        ("pixel_variance_ratio_mean", "pixel_variance_ratio_sd"),
                        ("eta2_mean", "eta2_sd"),
                    ]
                ):
                    ax = axes[row, col]
                    mean = part[column].to_numpy()
                    spread = np.nan_to_num(part[sd].to_numpy())
                    ax.plot(rounds, mean, color=colour, lw=2, ls=style, label=name)
                    ax.fill_between(rounds, mean - spread, mean + spread, color=colour, alpha=0.2, lw=0)
                    if row == 1:
                        ax.plot(rounds, part["variance_ratio_theory"], color=colour, lw=1, ls=":")
            axes[0, col].axhline(0.1, color="grey", ls="--", lw=1)
            axes[0, col].axhline(real.accuracy.iloc[0], color="black", ls=":", lw=1)
            title = mode + (" (argmax carried)" if mode == "soft" else "")
            axes[0, col].set_title(f"label_mixing = {title}", fontsize=12)
            axes[2, col].set_xlabel("resynthesis round", fontsize=11)
            for ax in axes[:, col]:
                ax.grid(alpha=0.3)
                ax.tick_params(labelsize=10)
        axes[0, 0].set_ylabel("test accuracy (±1 sd over seeds)", fontsize=11)
        axes[0, 0].set_ylim(0, 1)
        axes[0, 0].text(n_rounds, 0.115, "chance", color="grey", fontsize=10, ha="right")
        axes[1, 0].set_yscale("log")
        axes[1, 0].set_ylabel("mean pixel variance / real\n(dotted: theory)", fontsize=11)
        axes[2, 0].set_ylabel("η² (between-class share\nof pixel variance)", fontsize=11)
        axes[2, 0].legend(loc="upper right", fontsize=10)
        if args.bootstrap_control:
            axes[0, modes.index("stratified")].legend(loc="lower left", fontsize=9)
        rows_per_round = f"{len(X_train)} rows" if size == 1 else f"{size} × {len(X_train)} rows per round"
        fig.suptitle(
            f"Repeated mixup resynthesis of the digits training set ({rows_per_round}), "
            f"logistic regression tested on real held-out digits; mean over {len(seeds)} seeds",
            fontsize=13,
        )
        save(fig, table, args.out, args.out_name)


if __name__ == "__main__":
    main()
