"""Study 2: model collapse under repeated resynthesis of scikit-learn's digits (SPEC §4, CIFAR-10 claim).

Regenerate ``docs/results/collapse.png`` and ``docs/results/collapse.csv`` with::

    python benchmarks/study_collapse.py

Data: ``load_digits`` (1797 × 64 pixels in 0..16, 10 classes), split once into
a stratified 70 % training / 30 % test set (``random_state=0``).  The training
set is resynthesised 25 times in a row, each round from the previous round's
synthetic table, with the same number of rows (1,257); the test set is always
the real held-out one.  Weight laws, all at contamination δ = 0.05 where they
have one:

- ``EpBeta(δ=0.05)``: two parents, every variance kept (f = 1), skewness kept,
  kurtosis growing every round (SPEC §8);
- ``Beta(0.1, 0.1)`` and ``Uniform(0, 1)``: two parents, variances shrink;
- ``Circle(δ=0.05)``, ``CircleWeights(delta=0.05)``: three parents on the
  circle Σw = 1, Σw² = 1; every row keeps the variance, the kurtosis of
  every column is pulled towards 3 and the skewness shrinks;
- ``KurtosisMatched(δ=0.05)``, ``KurtosisMatchedWeights(delta=0.05)``
  (``kurtosis="median"``): each row is an EpBeta row with probability π and
  a circle row otherwise, π solved at every fit so that the kurtosis fixed
  point is the median kurtosis of the table being fitted: of the whole
  table for ``soft`` and ``joint``, within classes for ``stratified``
  (parents come from one class, so the recursions act on each class's
  moments), and of the 64 pixel columns only for ``soft, scores carried``
  (the script resolves the target on the pixels with ``resolve`` and passes
  the number: the carried one-hot scores, kurtosis ≈ 8 for a class share of
  0.1, are no pixel's and would raise it).  The digits' median pixel
  kurtosis is 2.93 (2.71 within classes), below the reachable 3, so at
  round 1 the target is raised to 3 (π = 0: the circle alone); the script
  counts those warnings and records each round's fitted target
  (``kurtosis_target``).

Label modes of ``StructurePreservingMixup.sample``:

- ``soft``: the one-hot label is mixed like a continuous column and ``sample``
  returns scores (n, 10); the classifier is trained on the argmax label, and
  the argmax labels are what the next round is fitted on.  With two parents
  the argmax of ``W·e_i + (1 − W)·e_j`` is the class of parent i iff W > 1/2,
  i.e. the ``joint`` rule with cut point 0.5, and skmixup draws both modes
  from the same random stream, so ``soft`` reproduces ``joint`` exactly: the
  script checks and prints this, per weight law.  With three parents the
  argmax is the kept parent's class (its weight is at least 2/3 on the
  circle) except in the rare rows where the kept parent shares its class with a
  parent of negative weight and the third parent weighs more than 1/2, so
  the two modes may differ slightly (the check tells).
- ``joint``: the label is one more categorical column (cut point 0.5; the
  parent of the largest weight for three-parent laws).
- ``stratified``: all parents come from the same class; the label is exact.
- ``soft, scores carried``: the score columns themselves are carried from
  round to round (mixed as 10 more continuous columns of the table, which is
  what ``soft`` does internally), and the classifier is trained on their
  argmax.  This is the classic-mixup labelling that SPEC §2.8 is about.

Settings (``--settings``).  The estimator's defaults go beyond the paper's
model, and on digits they change what is mixed, so the study runs each
setting on its own and says which one a table comes from:

- ``paper`` (the default): ``value_grids=False, distinct_parents=False,
  redraw_copies=False``.  Every pixel is mixed at full precision from parents
  drawn independently, exactly the model of the theory page, so
  ``variance_factor``, ``contamination``, ``kurtosis_after`` and
  ``skewness_after`` are the predictions of what is measured, and the numbers
  compare with the earlier runs of this study, made before those defaults.
- ``defaults``: the library's defaults (``value_grids=True,
  distinct_parents=True, redraw_copies=True``): what a user gets.  Digits
  pixels are integers, so every value is rounded back to an integer, and the
  pixels whose variance is below about 16.7 (rounding would add more than
  0.5 % to it: 31 of the 64, the sparse border pixels) are *discrete*: they
  take the kept parent's value instead of a mix.  Their distribution is then
  resampled, not mixed: their kurtosis and skewness are kept whatever the
  law, their class means are not contaminated under ``joint`` labels, and
  their covariance with the mixed pixels is multiplied by 1 − u per round.
  With ``soft, scores carried`` the one-hot score columns (0/1 floats, whole
  numbers) are discrete as well, so the carried "scores" are the kept
  parent's one-hot label: that mode becomes ``joint`` labelling.  The
  theory columns below take the discrete pixels of each round's fit as kept
  and the others as mixed; rounding and the O(1/n) terms of distinct parents
  are left out.  A synthetic row that equals a row of the table it was
  fitted on is drawn again (for Beta(0.1, 0.1), about 2.6 % of the weights
  are 0 or 1 to double precision, so its variance factor is slightly below
  that of the untruncated law).
- ``no-grids``: ``value_grids=False`` with the other defaults, to separate
  the effect of the grids from that of distinct parents and redrawn copies.

Classifier: ``StandardScaler`` + ``LogisticRegression(C=1, max_iter=5000)``
(multinomial, lbfgs), both fitted on each round's synthetic training set.  It
reaches 97 % on the real data, fits in ~0.2 s, and as a linear model it
depends mostly on the first two moments of each class, which is exactly what
the theory is about.  Because the scaler is fitted on the synthetic data, a
global shrinkage of the pixels is undone before the classifier sees them: the
accuracy measures how much class information survives, not the scale.  When a
round's labels have collapsed to a single class, the only possible model
predicts that class (``DummyClassifier``), scoring that class's test share.

Each cell is the test accuracy, mean (sd) over 5 seeds (the seed drives the
mixup draws; the split and the classifier are fixed), at rounds 0 (real
data), 1, 5, 10, 15, 20 and 25, and the ratio of round 25 to round 1.
Diagnostics, each with the theory's prediction beside it (``*_theory``),
computed pixel by pixel from the real training set and carried round by
round with the law's exact factors:

- ``pixel variance ratio`` = mean pixel variance of the round-k training set
  / that of the real one (the CSV also has the mean over the 61 non-constant
  pixels of the per-pixel ratio); theory f^k (``stratified``, which shrinks
  only the within-class part: η²₀ + (1 − η²₀)·f^k);
- ``η²`` = between-class share of the total pixel variance (trace of the
  between-class covariance of that round's labels / trace of the total
  covariance), 0.42 on the real training set: how much the pixels still say
  about the labels.  Theory: ``stratified`` keeps the class means, so
  η²_k = η²₀ / (η²₀ + (1 − η²₀)f^k); ``joint`` and ``soft`` pull every class
  mean a share u towards the overall mean, so the between-class variance is
  multiplied by (1 − u)² per round and the total by f: η²_k = η²₀((1 − u)²/f)^k.
  No prediction for ``soft, scores carried`` (its labels are argmaxes of
  scores that are themselves mixed);
- the median over the 61 non-constant pixels of the Pearson kurtosis (2.93
  real), of the skewness (0.56) and of the absolute skewness (1.06), all
  population moments (ddof = 0).  Theory: each pixel's kurtosis and skewness
  carried by ``kurtosis_after(κ, 1)`` and ``skewness_after(γ, 1)`` once per
  round; for ``KurtosisMatched`` the target of each round is the predicted
  median kurtosis of the table (at least 3), as its fit would resolve it.
  Whole-table modes apply them to each pixel's moments; ``stratified`` mixes
  within a class, so they are applied to each class's moments, and the
  pixel's moments are put back together from the classes' (means and shares
  kept).  Like f^k, these are the large-table limits: each finite round adds
  its sampling noise.

The CSV has every round; ``--quick`` runs 2 seeds and 10 rounds.

Options to separate finite-sample drift from the mechanisms of mixup:

- ``--size-factor K`` (default 1): every round synthesises K × 1,257 rows,
  round 1 from the real 1,257 rows and each later round from the previous
  round's K × 1,257 synthetic rows.  Each round is a fresh finite resample of
  the previous one (a bootstrap of a bootstrap), so class means and
  covariances random-walk from round to round whatever the weights; K times
  larger rounds divide the variance of each step of that walk by about K and
  leave the per-round effects of the weights (f, u, kurtosis) unchanged.
- ``--bootstrap-control``: adds ``Bootstrap (δ=0)``, i.e.
  ``EpBeta(delta=0)`` (W = 1: rows resampled with replacement, no mixing at
  all), with stratified labels, at the chosen size and, when K > 1, also at
  1,257 rows per round (``Bootstrap (δ=0), 1,257 rows``).  Any accuracy it
  loses is drift.  The script also prints how many distinct real rows the
  control's table still holds at each reported round.
- ``--modes`` and ``--laws`` restrict the label modes and weight laws;
  ``--out-name STEM`` writes ``STEM.png`` and ``STEM.csv`` instead of
  ``collapse.*``.

The larger runs shown in the documentation are::

    python benchmarks/study_collapse.py --size-factor 10 --bootstrap-control --out-name collapse_large
    python benchmarks/study_collapse.py --size-factor 10 --bootstrap-control --settings defaults \\
        --out-name collapse_large_defaults
"""

from __future__ import annotations

import sys
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from _common import COLOURS, WEIGHT_LAWS, mean_sd, parse_args, save, study
from matplotlib.ticker import FixedLocator, NullFormatter, ScalarFormatter
from scipy.stats import kurtosis, skew
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.dummy import DummyClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmixup import CircleWeights, EpBeta, KurtosisMatchedWeights, StructurePreservingMixup

MODES = ("soft", "joint", "stratified", "soft, scores carried")
REPORT_ROUNDS = (0, 1, 5, 10, 15, 20, 25)
N_CLASSES = 10
SETTINGS = {
    "paper": {"value_grids": False, "distinct_parents": False, "redraw_copies": False},
    "defaults": {},
    "no-grids": {"value_grids": False},
}
CIRCLE = "Circle(δ=0.05)"
MATCHED = "KurtosisMatched(δ=0.05)"
BOOTSTRAP = "Bootstrap (δ=0)"
BOOTSTRAP_SMALL = "Bootstrap (δ=0), 1,257 rows"
BOOTSTRAPS = (BOOTSTRAP, BOOTSTRAP_SMALL)
MIXING_LAWS = {
    **WEIGHT_LAWS,
    CIRCLE: lambda: CircleWeights(delta=0.05),
    MATCHED: lambda: KurtosisMatchedWeights(delta=0.05),
}
LAWS = {**MIXING_LAWS, BOOTSTRAP: lambda: EpBeta(delta=0), BOOTSTRAP_SMALL: lambda: EpBeta(delta=0)}
LINE_STYLES = {
    **{name: (COLOURS[name], "-") for name in WEIGHT_LAWS},
    CIRCLE: ("tab:purple", "-"),
    MATCHED: ("tab:brown", "-"),
    BOOTSTRAP: ("tab:green", "-"),
    BOOTSTRAP_SMALL: ("tab:green", "--"),
}
# The warning KurtosisMatchedWeights gives when a table's median kurtosis is below 3.
BELOW_THREE = "The median kurtosis of the continuous columns is"


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
        "--settings",
        choices=SETTINGS,
        default="paper",
        help="estimator settings: 'paper' (value_grids, distinct_parents, redraw_copies all False: the "
        "model of the theory), 'defaults' (the library's) or 'no-grids' (value_grids=False only); "
        "default: paper",
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
        "--laws",
        nargs="+",
        choices=MIXING_LAWS,
        default=list(MIXING_LAWS),
        metavar="LAW",
        help=f"weight laws to run (default: all of {', '.join(repr(m) for m in MIXING_LAWS)})",
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


class MomentPrediction:
    """The theory's per-column moments of the round-k table, carried one round at a time.

    Each column is followed through its first four moments in each *group*:
    the classes for ``stratified`` (parents are drawn within a class), the
    whole table otherwise.  A mixed column's variance is multiplied by
    ``f`` and its skewness and kurtosis carried by ``skewness_after`` and
    ``kurtosis_after``; a discrete column (the kept parent's value) is kept
    as it is.  The class means: kept by ``stratified``, pulled a share ``u``
    towards the overall mean by the whole-table modes (the between-class
    variance of a column times ``(1 - u)²``), and not followed when the
    labels are argmaxes of carried scores.
    """

    def __init__(self, X: np.ndarray, y: np.ndarray, mode: str, scores: np.ndarray | None):
        self.mode = mode
        table = X if scores is None else np.hstack([X, scores])
        groups = y if mode == "stratified" else np.zeros(len(y), dtype=int)
        labels = np.unique(groups)
        self.shares = np.array([(groups == g).mean() for g in labels])[:, None]
        parts = [table[groups == g] for g in labels]
        self.means = np.array([part.mean(axis=0) for part in parts])
        centred = [part - part.mean(axis=0) for part in parts]
        self.m2, self.m3, self.m4 = (np.array([(c**k).mean(axis=0) for c in centred]) for k in (2, 3, 4))
        class_means = np.array([X[y == c].mean(axis=0) for c in np.unique(y)])
        class_shares = np.array([(y == c).mean() for c in np.unique(y)])[:, None]
        self.between = (class_shares * (class_means - X.mean(axis=0)) ** 2).sum(axis=0)
        self.n_pixels = X.shape[1]

    def moments(self):
        """Each column's variance, skewness and kurtosis over the whole table."""
        centre = (self.shares * self.means).sum(axis=0)
        d = self.means - centre
        m2 = (self.shares * (self.m2 + d**2)).sum(axis=0)
        m3 = (self.shares * (self.m3 + 3 * d * self.m2 + d**3)).sum(axis=0)
        m4 = (self.shares * (self.m4 + 4 * d * self.m3 + 6 * d**2 * self.m2 + d**4)).sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            return m2, m3 / m2**1.5, m4 / m2**2

    def law_for(self, law):
        """The law a fit on the predicted table would use (``"median"`` resolved as skmixup does)."""
        if isinstance(law, KurtosisMatchedWeights) and law.kurtosis == "median":
            if self.mode == "stratified":  # within classes: Σ_s p_s m4_s / Σ_s p_s m2_s²
                squared = (self.shares * self.m2**2).sum(axis=0)
                with np.errstate(invalid="ignore", divide="ignore"):
                    kurt = (self.shares * self.m4).sum(axis=0) / squared
                varying = squared > 0
            else:
                m2, _, kurt = self.moments()
                varying = m2 > 0
            varying[self.n_pixels :] = False  # carried scores: resolved on the pixels only
            return clone(law).set_params(kurtosis=max(3.0, float(np.median(kurt[varying]))))
        return law

    def step(self, law, discrete: np.ndarray) -> None:
        """One round of synthesis with ``law``; ``discrete`` flags the columns taken from the kept parent."""
        law = self.law_for(law)
        mixed = ~discrete
        f, u = law.variance_factor(), law.contamination()
        with np.errstate(invalid="ignore", divide="ignore"):
            skewness = self.m3 / self.m2**1.5
            kurt = np.maximum(self.m4 / self.m2**2, 1.0)  # >= 1 in exact arithmetic
        m2 = f * self.m2
        spread = self.m2 > 0  # a column constant in a group stays constant there
        m3 = np.where(spread, law.skewness_after(np.where(spread, skewness, 0.0), 1) * m2**1.5, 0.0)
        m4 = np.where(spread, law.kurtosis_after(np.where(spread, kurt, 3.0), 1) * m2**2, 0.0)
        self.m2 = np.where(mixed, m2, self.m2)
        self.m3 = np.where(mixed, m3, self.m3)
        self.m4 = np.where(mixed, m4, self.m4)
        if self.mode == "stratified":
            return  # class means kept; the between part lives in self.means
        pulled = (1 - u) ** 2 * self.between
        self.between = np.where(mixed[: self.n_pixels], pulled, self.between)

    def pixels(self):
        """Per pixel: variance, skewness, kurtosis and between-class variance (NaN if not followed)."""
        m2, skewness, kurt = (values[: self.n_pixels] for values in self.moments())
        if self.mode == "stratified":
            centre = (self.shares * self.means).sum(axis=0)
            between = (self.shares * (self.means - centre) ** 2).sum(axis=0)[: self.n_pixels]
        elif self.mode == "soft, scores carried":
            between = np.full(self.n_pixels, np.nan)
        else:
            between = self.between
        return m2, skewness, kurt, between


def resynthesise(X, y, scores, weights, mode: str, random_state: int, n: int, settings: dict):
    """One round: a synthetic table of n rows from (X, y) or (X, scores), and the fitted mixup."""
    if mode == "soft, scores carried":
        if isinstance(weights, KurtosisMatchedWeights):
            weights = weights.resolve(X)  # the pixels' median kurtosis, not the scores'
        mixup = StructurePreservingMixup(weights=weights, random_state=random_state, **settings)
        table = mixup.fit(np.hstack([X, scores])).sample(n)
        X_new, scores_new = table[:, : X.shape[1]], table[:, X.shape[1] :]
        return X_new, scores_new.argmax(axis=1), scores_new, mixup
    mixup = StructurePreservingMixup(
        weights=weights, label_mixing=mode, random_state=random_state, **settings
    )
    X_new, y_new = mixup.fit(X, y).sample(n)
    if mode == "soft":  # label scores (n, n_classes) in classes_ order
        y_new = mixup.classes_[np.asarray(y_new).argmax(axis=1)]
    return X_new, np.asarray(y_new), None, mixup


def run_chain(data, weights_name, mode, seed, n_rounds, size_factor, settings_name):
    X_train, y_train, X_test, y_test = data
    settings = SETTINGS[settings_name]
    n_rows = size_factor * len(X_train)
    varying = X_train.var(axis=0) > 0
    real_variance = X_train.var(axis=0)[varying]
    X, y, scores = X_train, y_train, np.eye(N_CLASSES)[y_train]
    weights = LAWS[weights_name]()
    carried = mode == "soft, scores carried"
    theory = MomentPrediction(X_train, y_train, mode, scores if carried else None)
    f = theory.law_for(weights).variance_factor()
    rows = []
    for round_ in range(n_rounds + 1):
        target, n_discrete, below_three, copy_warnings = np.nan, np.nan, 0, 0
        if round_ > 0:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", UserWarning)
                X, y, scores, mixup = resynthesise(
                    X, y, scores, weights, mode, seed * 1000 + round_, n_rows, settings
                )
            for warning in caught:
                if BELOW_THREE in str(warning.message):
                    below_three += 1
                elif "still equal a real row" in str(warning.message):
                    copy_warnings += 1
                else:
                    warnings.warn_explicit(
                        warning.message, warning.category, warning.filename, warning.lineno
                    )
            if isinstance(mixup.weights_, KurtosisMatchedWeights):
                target = mixup.weights_.kurtosis
            discrete = np.zeros(theory.m2.shape[1], dtype=bool)
            discrete[mixup.discrete_features_] = True
            n_discrete = int(discrete[: X.shape[1]].sum())
            theory.step(weights, discrete)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            # Labels can collapse to a single class (soft scores carried with Uniform
            # weights): then the only possible model predicts that class.
            model = classifier() if len(np.unique(y)) > 1 else DummyClassifier(strategy="most_frequent")
            accuracy = model.fit(X, y).score(X_test, y_test)
        variance = X.var(axis=0)
        skewness = skew(X[:, varying], axis=0)
        theory_variance, theory_skewness, theory_kurtosis, theory_between = theory.pixels()
        rows.append(
            {
                "settings": settings_name,
                "weights": weights_name,
                "label_mixing": mode,
                "seed": seed,
                "round": round_,
                "accuracy": accuracy,
                "pixel_variance_ratio": float(variance.sum() / real_variance.sum()),
                "per_pixel_variance_ratio": float(np.mean(variance[varying] / real_variance)),
                "f_power_round": f**round_,
                "variance_ratio_theory": float(theory_variance.sum() / real_variance.sum()),
                "eta2": eta_squared(X, y),
                "eta2_theory": float(theory_between.sum() / theory_variance.sum()),
                # nanmedian: a pixel the drift has made constant has no kurtosis or skewness.
                "pixel_kurtosis_median": float(np.nanmedian(kurtosis(X[:, varying], axis=0, fisher=False))),
                "kurtosis_theory": float(np.median(theory_kurtosis[varying])),
                "pixel_skewness_median": float(np.nanmedian(skewness)),
                "skewness_theory": float(np.median(theory_skewness[varying])),
                "abs_skewness_median": float(np.nanmedian(np.abs(skewness))),
                "abs_skewness_theory": float(np.median(np.abs(theory_skewness[varying]))),
                "kurtosis_target": target,
                "target_raised_to_3": below_three,
                "n_discrete_pixels": n_discrete,
                "n_classes_present": len(np.unique(y)),
                "convergence_warnings": sum(issubclass(w.category, ConvergenceWarning) for w in caught),
                "copy_warnings": copy_warnings,
                # Bootstrap control only: how many distinct real rows the table still holds.
                "distinct_rows": len(np.unique(X, axis=0)) if weights_name in BOOTSTRAPS else np.nan,
            }
        )
    return rows


def printed_tables(runs: pd.DataFrame, report_rounds, n_rounds: int):
    """The accuracy table and the moments table of the printout, one row per (mode, law)."""
    accuracy, moments = {}, {}
    for (mode, name), chain in runs.groupby(["label_mixing", "weights"], sort=False):
        at = {r: chain[chain["round"] == r] for r in (*report_rounds, 1, n_rounds)}
        cells = {f"r{r}": mean_sd(at[r].accuracy * 100, 1) for r in report_rounds}
        cells[f"r{n_rounds}/r1"] = f"{at[n_rounds].accuracy.mean() / at[1].accuracy.mean():.3f}"
        accuracy[(mode, name)] = cells
        last = at[n_rounds]
        moments[(mode, name)] = {
            "pixvar": f"{last.pixel_variance_ratio.mean():.2g}",
            "(th)": f"{last.variance_ratio_theory.mean():.2g}",
            "η²": f"{last.eta2.mean():.3f}",
            "(th) ": f"{last.eta2_theory.mean():.3f}",
            "kurt": f"{last.pixel_kurtosis_median.mean():.2f}",
            "(th)  ": f"{last.kurtosis_theory.mean():.2f}",
            "skew": f"{last.pixel_skewness_median.mean():.3f}",
            "(th)   ": f"{last.skewness_theory.mean():.3f}",
            "|skew|": f"{last.abs_skewness_median.mean():.3f}",
            "(th)    ": f"{last.abs_skewness_theory.mean():.3f}",
            "target": f"{last.kurtosis_target.mean():.2f}" if last.kurtosis_target.notna().any() else "",
            "discrete": f"{last.n_discrete_pixels.mean():.0f}",
        }
    frames = []
    for cells in (accuracy, moments):
        frame = pd.DataFrame.from_dict(cells, orient="index")
        frame.index.names = ["label_mixing", "weights"]
        frames.append(frame)
    return frames


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
        settings = ", ".join(f"{k}={v}" for k, v in SETTINGS[args.settings].items()) or "library defaults"
        print(
            f"digits: {len(X_train)} training / {len(X_test)} test rows, {X_all.shape[1]} pixels; "
            f"{len(seeds)} seeds, {n_rounds} rounds of {size * len(X_train)} rows"
            + (f" ({size} × the real training set)" if size > 1 else "")
            + f"; settings '{args.settings}' ({settings})"
        )
        chains = [(mode, name, size) for mode in MODES if mode in args.modes for name in args.laws]
        if args.bootstrap_control:
            chains.append(("stratified", BOOTSTRAP, size))
            if size > 1:
                chains.append(("stratified", BOOTSTRAP_SMALL, 1))
        rows = []
        for mode, name, chain_size in chains:
            start = time.perf_counter()
            for seed in seeds:
                rows.extend(run_chain(data, name, mode, seed, n_rounds, chain_size, args.settings))
            print(f"#   {mode}, {name}: {time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)
        runs = pd.DataFrame(rows)
        modes = [mode for mode in MODES if mode in set(runs.label_mixing)]

        if {"soft", "joint"} <= set(modes):
            soft = runs[runs.label_mixing == "soft"].set_index(["weights", "seed", "round"])
            joint = runs[runs.label_mixing == "joint"].set_index(["weights", "seed", "round"])
            for name in soft.index.unique("weights"):
                same = np.array_equal(soft.loc[name].accuracy, joint.loc[name].accuracy) and np.allclose(
                    soft.loc[name].eta2, joint.loc[name].eta2
                )
                print(f"soft (argmax carried) reproduces joint at every round and seed, {name}: {same}")
        print(f"ConvergenceWarnings from LogisticRegression: {int(runs.convergence_warnings.sum())}")
        print(f"'synthetic rows still equal a real row' warnings: {int(runs.copy_warnings.sum())}")
        raised = runs[runs.target_raised_to_3 > 0]
        if len(raised):
            print(
                "KurtosisMatched: median kurtosis below 3 raised to 3 in "
                f"{len(raised)} of {int(((runs.weights == MATCHED) & (runs['round'] > 0)).sum())} fits"
            )

        keys = ["label_mixing", "weights", "round"]
        grouped = runs.groupby(keys, sort=False)
        table = grouped.agg(
            settings=("settings", "first"),
            accuracy_mean=("accuracy", "mean"),
            accuracy_sd=("accuracy", "std"),
            pixel_variance_ratio_mean=("pixel_variance_ratio", "mean"),
            pixel_variance_ratio_sd=("pixel_variance_ratio", "std"),
            variance_ratio_theory=("variance_ratio_theory", "mean"),
            per_pixel_variance_ratio_mean=("per_pixel_variance_ratio", "mean"),
            f_power_round=("f_power_round", "first"),
            eta2_mean=("eta2", "mean"),
            eta2_sd=("eta2", "std"),
            eta2_theory=("eta2_theory", "mean"),
            pixel_kurtosis_median_mean=("pixel_kurtosis_median", "mean"),
            pixel_kurtosis_median_sd=("pixel_kurtosis_median", "std"),
            kurtosis_theory=("kurtosis_theory", "mean"),
            pixel_skewness_median_mean=("pixel_skewness_median", "mean"),
            skewness_theory=("skewness_theory", "mean"),
            abs_skewness_median_mean=("abs_skewness_median", "mean"),
            abs_skewness_median_sd=("abs_skewness_median", "std"),
            abs_skewness_theory=("abs_skewness_theory", "mean"),
            kurtosis_target_mean=("kurtosis_target", "mean"),
            n_discrete_pixels_mean=("n_discrete_pixels", "mean"),
            min_classes_present=("n_classes_present", "min"),
            n_seeds=("seed", "nunique"),
        )

        # ------------------------------------------------------ printed tables
        accuracy, moments = printed_tables(runs, report_rounds, n_rounds)
        real = runs[runs["round"] == 0]
        print(
            f"\nTest accuracy (%) of the classifier trained on the round-k synthetic training set, "
            f"mean (sd) over {len(seeds)} seeds; r0 = real data, chance = 10 %; r{n_rounds}/r1 = ratio "
            "of the mean accuracies."
        )
        with pd.option_context("display.width", 250, "display.max_columns", 20):
            print(accuracy.to_string())
        print(
            f"\nRound {n_rounds}, mean over seeds, each measure beside its theory (th): pixvar = mean pixel "
            f"variance / real; η² = between-class share of pixel variance (real: {real.eta2.iloc[0]:.3f}); "
            f"kurt, skew, |skew| = median over pixels of the Pearson kurtosis (real: "
            f"{real.pixel_kurtosis_median.iloc[0]:.2f}), skewness ({real.pixel_skewness_median.iloc[0]:.3f}) "
            f"and |skewness| ({real.abs_skewness_median.iloc[0]:.3f}); target = KurtosisMatched's fitted "
            "target; discrete = pixels taken from the kept parent."
        )
        with pd.option_context("display.width", 250, "display.max_columns", 20):
            print(moments.to_string())
        if args.bootstrap_control:
            control = runs[runs.weights.isin(BOOTSTRAPS) & runs["round"].isin(report_rounds)]
            distinct = control.groupby(["weights", "round"], sort=False).distinct_rows.mean().unstack()
            print(
                "\nBootstrap control: distinct rows left (= distinct real training rows, of "
                f"{len(X_train)}), mean over seeds; each round loses some, like genetic drift:"
            )
            print(distinct.rename(columns=lambda r: f"r{r}").round(0).astype(int).to_string())

        # ---------------------------------------------------------- figure
        panels = [
            ("accuracy_mean", "accuracy_sd", None),
            ("pixel_variance_ratio_mean", "pixel_variance_ratio_sd", "variance_ratio_theory"),
            ("eta2_mean", "eta2_sd", "eta2_theory"),
            ("pixel_kurtosis_median_mean", "pixel_kurtosis_median_sd", "kurtosis_theory"),
            ("abs_skewness_median_mean", "abs_skewness_median_sd", "abs_skewness_theory"),
        ]
        sorted_table = table.sort_index()  # fast .loc; the CSV keeps the run order
        fig, axes = plt.subplots(
            len(panels),
            len(modes),
            figsize=(4.5 * len(modes), 3.6 * len(panels)),
            sharex=True,
            sharey="row",
            layout="constrained",
        )
        axes = axes.reshape(len(panels), len(modes))
        for col, mode in enumerate(modes):
            for name in runs.loc[runs.label_mixing == mode, "weights"].unique():
                part = sorted_table.loc[(mode, name)]
                rounds = part.index.to_numpy()
                colour, style = LINE_STYLES[name]
                for row, (column, sd, predicted) in enumerate(panels):
                    ax = axes[row, col]
                    mean = part[column].to_numpy()
                    spread = np.nan_to_num(part[sd].to_numpy())
                    ax.plot(rounds, mean, color=colour, lw=2, ls=style, label=name)
                    ax.fill_between(rounds, mean - spread, mean + spread, color=colour, alpha=0.2, lw=0)
                    if predicted is not None and part[predicted].notna().any():
                        ax.plot(rounds, part[predicted], color=colour, lw=1, ls=":")
            axes[0, col].axhline(0.1, color="grey", ls="--", lw=1)
            axes[0, col].axhline(real.accuracy.iloc[0], color="black", ls=":", lw=1)
            title = mode + (" (argmax carried)" if mode == "soft" else "")
            axes[0, col].set_title(f"label_mixing = {title}", fontsize=12)
            axes[-1, col].set_xlabel("resynthesis round", fontsize=11)
            for ax in axes[:, col]:
                ax.grid(alpha=0.3)
                ax.tick_params(labelsize=10)
        axes[0, 0].set_ylabel("test accuracy (±1 sd over seeds)", fontsize=11)
        axes[0, 0].set_ylim(0, 1)
        axes[0, 0].text(n_rounds, 0.115, "chance", color="grey", fontsize=10, ha="right")
        axes[1, 0].set_yscale("log")
        axes[1, 0].set_ylabel("mean pixel variance / real\n(dotted: theory)", fontsize=11)
        axes[2, 0].set_ylabel("η² (between-class share\nof pixel variance; dotted: theory)", fontsize=11)
        axes[3, 0].set_yscale("log")
        axes[3, 0].yaxis.set_major_locator(FixedLocator([1, 2, 3, 5, 10, 20, 50, 100]))
        axes[3, 0].yaxis.set_major_formatter(ScalarFormatter())
        axes[3, 0].yaxis.set_minor_formatter(NullFormatter())
        axes[3, 0].set_ylabel("median pixel kurtosis\n(dotted: theory)", fontsize=11)
        axes[4, 0].set_ylabel("median pixel |skewness|\n(dotted: theory)", fontsize=11)
        for row, column in ((3, "pixel_kurtosis_median"), (4, "abs_skewness_median")):
            for ax in axes[row]:
                ax.axhline(real[column].iloc[0], color="black", ls=":", lw=1)
        axes[2, 0].legend(loc="upper right", fontsize=9)
        if args.bootstrap_control:
            axes[0, modes.index("stratified")].legend(loc="lower left", fontsize=9)
        rows_per_round = f"{len(X_train)} rows" if size == 1 else f"{size} × {len(X_train)} rows per round"
        fig.suptitle(
            f"Repeated mixup resynthesis of the digits training set ({rows_per_round}; settings "
            f"'{args.settings}'), logistic regression tested on real held-out digits; "
            f"mean over {len(seeds)} seeds",
            fontsize=13,
        )
        save(fig, table, args.out, args.out_name)


if __name__ == "__main__":
    main()
