"""Peer study: skmixup against SDV's synthesisers and SMOTENC on real mixed-type tables.

Run by hand (not a test). The committed ``docs/results/peers.*`` files were made with::

    pip install torch==2.13.0          # FIRST: the CPU build, before sdv pulls a CUDA one
    pip install -e ".[bench]"          # sdv, sdmetrics, palmerpenguins, statsmodels, matplotlib
    python benchmarks/study_peers.py --out docs/results

(RUNTIME). ``--quick`` (one seed, 20 epochs) is a smoke run of about a minute;
``--only TEXT ...`` runs the methods whose names contain one of the texts (``--only skmixup
Bootstrap`` skips SDV). Nothing is downloaded at run time: every table ships inside an
installed package. Output: ``peers.csv`` (mean and sd over seeds per table and method),
``peers.runs.csv`` (every seed), ``peers.columns.csv`` (the variance ratio of every numeric
column at 20·n rows), ``peers.txt`` (the printed tables and the settings, with the commit
that last changed the skmixup that was imported) and ``peers.png``.

Tables (rows with missing values are kept, except for SMOTENC, which cannot take them)
--------------------------------------------------------------------------------------
- ``penguins`` (palmerpenguins, 344 rows): species, island, sex and year categorical,
  four measurements continuous; 2 rows miss every measurement and 11 miss ``sex``.
  Class column: species.
- ``diabetes`` (scikit-learn ``load_diabetes(scaled=False)``, 442 rows): sex categorical,
  the other nine features and the disease-progression target continuous. Class column: sex.
- ``anes96`` (statsmodels, 944 rows, 1996 US election survey): vote, party identification
  (PID, 7 levels) and education (7 levels) categorical; population density, TV news days,
  the three 1-7 left-right scales, age and income continuous (``logpopul``, a function of
  ``popul``, is dropped). Class column: vote.
- ``grunfeld`` (statsmodels, 220 rows): firm (10 firms) categorical; investment, firm value,
  capital stock and year continuous. Class column: firm.

Numeric columns are kept as shipped (float64, even when integer-valued): that is how a user
gets these tables, and the estimator's value grids (``value_grids=True``, the default) read
the grid off the values, not the dtype.  A float column whose values all have at most d
decimals is mixed and rounded back to d decimals (d = 0 for anes96's ``popul``, ``age`` and
``income``, grunfeld's ``year``, penguins' flipper length and body mass, diabetes' ``age``,
``s1``, ``s6`` and ``target``); a grid column with so few levels that rounding would add
more than 0.5 % to its variance is *discrete* and takes the kept parent's value (anes96's
``TVnews`` and the three 1-7 scales ``selfLR``, ``ClinLR``, ``DoleLR``), so it keeps its
distribution exactly.  The output columns stay float64.

Methods (each fits once per seed, then samples n rows, n the real table's size)
------------------------------------------------------------------------------
- ``Bootstrap``: the real rows resampled with replacement. Not a synthesiser: it is the
  noise floor of a table of n rows drawn from the empirical distribution itself.
- skmixup ``StructurePreservingMixup(weights=...).fit(table).sample(n)`` (every column,
  class included, mixed jointly; every other parameter at its default: distinct parents,
  value grids, copies of real rows drawn again) with ``Uniform()``, ``Beta(0.1, 0.1)`` and
  ``EpBeta(delta)`` for delta in 0.01, 0.02, 0.05 (epsilon = 0.3, cut point 0.5),
  ``EpBeta(0.05)`` with ``clip="observed"`` (values kept inside the observed range),
  ``EpBeta(0.05)`` and ``EpBeta(0.01)`` with ``clip="narrow"`` (each pair's reach narrowed
  to the room it has in the observed range, the moments exact), and
  ``EpBeta(0.05)`` with ``redraw_copies=False`` (``copies kept``: a synthetic row that
  equals a real row is kept instead of drawn again), and ``EpBeta(0.02, epsilon=0.1)``
  (weights in [-0.1, 1.1]: a tenth of a pair's gap past either parent at most, instead of
  three tenths).
- SDV ``GaussianCopulaSynthesizer`` (defaults), ``CTGANSynthesizer`` and
  ``TVAESynthesizer`` with 1500 epochs (``--epochs``) and SDV's default batch size of 500.
  Every table here has fewer than 1000 rows, so an epoch is a single optimizer step, and
  SDV's default of 300 epochs left CTGAN untrained: on penguins its synthetic covariances
  were near zero (relative covariance bias 1.06 at 300 epochs, 0.15 at 1500). They run on
  the CPU with one torch thread (on these small networks two threads on a shared 2-core
  machine were up to 15x slower). Metadata is explicit (categorical columns as above, the
  rest numerical); everything else is SDV's default (numbers are rounded like the real
  data and kept within the observed min and max).
- ``SMOTENC`` (imbalanced-learn, k = 5) as an over-sampler of the class column with
  ``sampling_strategy = {class: 2 x its count}``: it makes exactly one synthetic row per
  real row, with the real class shares, by interpolating towards a same-class neighbour.
  We keep only those synthetic rows (the class column put back) and compare them with the
  real table, like the whole-table synthesisers. On ``diabetes`` the class (sex) is the
  only categorical column, so SMOTENC reduces to plain SMOTE, which is used. On
  ``penguins`` SMOTENC is fit on the 333 complete rows.
- ``skmixup per-class``: the same over-sampling done by skmixup,
  ``StructurePreservingMixup(weights=EpBeta(0.05)).fit_resample`` with the same
  ``sampling_strategy`` (pairs drawn within a class): SMOTENC's like-for-like counterpart.

Metrics (synthetic against the whole real table; ``skmixup.diagnostics.compare_structure``)
------------------------------------------------------------------------------------------
- ``mean_bias``: mean over continuous columns of |synthetic mean - real mean| / |real mean|
  (relative bias, as in the paper); ``std_mean_bias``: the same divided by the real
  standard deviation instead (standardized bias), which does not depend on the origin.
- ``var_bias``: mean over continuous columns of |synthetic variance / real variance - 1|.
- ``cov_bias``: mean over pairs of continuous columns with |real correlation| >= 0.1 of
  |synthetic covariance - real covariance| / |real covariance|; pairs with a near-zero
  real covariance would make the ratio pure noise (``cov_bias_all`` keeps every pair).
- ``corr_err``: mean over all pairs of |synthetic correlation - real correlation|.
- ``cat_tvd``: mean over categorical columns of the total variation distance of the
  category shares; ``cond_mean``: mean over (categorical column, category, continuous
  column) of |synthetic - real conditional mean| / real standard deviation.
- ``quality``, ``shapes``, ``pair_trends``: sdmetrics ``QualityReport`` overall score and its
  Column Shapes and Column Pair Trends properties (1 is best). Two things to know about
  sdmetrics 0.32: Column Pair Trends scores only pairs with a real |correlation| > 0.5 or a
  real association (Cramér's V) > 0.3 (on ``anes96`` only 5 categorical-or-mixed pairs);
  and for a numerical x categorical pair it bins the synthetic column on the synthetic
  column's own range, so a synthesiser whose values reach past the real min or max has its
  bins shifted and is marked down, whatever its joint distribution (the ``clip`` row shows
  how much of skmixup's score that costs). ``quality_sdmetrics_gap``: the largest gap of
  the three to ``compare_structure(...).quality_score`` and its two property scores, which
  compute the same numbers without sdmetrics (the printed summary gives the largest gap).
- ``dcr_median``, ``dcr_p5``, ``nndr_median``, ``copy_share``: from
  ``skmixup.diagnostics.privacy_report(real, synthetic)`` on the n synthetic rows: median and
  5th percentile of the distance to the closest real record (standardized continuous columns,
  a mismatched category counting as one standard deviation), median nearest-neighbour
  distance ratio, and the share of synthetic rows equal to a real row in every column.
- ``seconds``: wall time of fit + sample of the n rows.
- ``*_20n``: the same moment errors on 20·n rows sampled from the same fitted model. The
  n-row errors mix the method's bias with the sampling noise of n rows; at 20·n the noise
  shrinks by sqrt(20) and what stays is mostly the method's own bias (the ``Bootstrap``
  row shows the rest of the noise).
- ``var_max_20n``: per numeric column (integer-valued and discrete ones included), the
  variance ratio synthetic / real at 20·n rows, averaged over the seeds; the largest
  |mean ratio - 1| over the columns (``var_max_20n_column`` names it, ``var_max_20n_se``
  gives its standard error over the seeds), and ``var_over_1pct_20n`` lists every column
  off by more than 1 %. Averaging the ratios before taking the absolute value keeps the
  noise from adding up; what is left of it is the standard error, which on grunfeld's
  heavy-tailed columns is about 2 % (see the ``Bootstrap`` row). ``peers.columns.csv``
  holds every column's mean ratio, bias and standard error.

Each number is the mean (and sd) over the seeds: 10 for every method but CTGAN and TVAE,
which get 3 (``--seeds``, ``--deep-seeds``)."""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
import warnings
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pandas as pd

import skmixup
from skmixup import Beta, EpBeta, StructurePreservingMixup, Uniform
from skmixup.diagnostics import compare_structure, privacy_report

EPOCHS = 1500  # SDV's default of 300 is one optimizer step per epoch on these tables
SEEDS = 10  # seeds of the fast methods
DEEP_SEEDS = 3  # seeds of CTGAN and TVAE
MIN_CORRELATION = 0.1
LARGE = 20  # the bias check samples LARGE·n rows from the same fitted model
LARGE_METRICS = ("mean_bias", "var_bias", "cov_bias", "corr_err")
VARIANCE_TOLERANCE = 0.01  # the target: |Var_synthetic / Var_real - 1| <= 1 % per column at LARGE·n
METRICS = (
    "mean_bias",
    "std_mean_bias",
    "var_bias",
    "cov_bias",
    "cov_bias_all",
    "corr_err",
    "cat_tvd",
    "cond_mean",
    "quality",
    "shapes",
    "pair_trends",
    "quality_sdmetrics_gap",
    "dcr_median",
    "dcr_p5",
    "nndr_median",
    "copy_share",
    "seconds",
    *(f"{metric}_{LARGE}n" for metric in LARGE_METRICS),
)
# Two printed blocks per table: realism and privacy, then the moments.
PRINTED_REALISM = (
    "quality",
    "shapes",
    "pair_trends",
    f"var_max_{LARGE}n",
    "corr_err",
    "dcr_median",
    "copy_share",
    "seconds",
)
PRINTED_MOMENTS = (
    "mean_bias",
    "var_bias",
    "cov_bias",
    "cond_mean",
    f"mean_bias_{LARGE}n",
    f"var_bias_{LARGE}n",
    f"cov_bias_{LARGE}n",
    f"corr_err_{LARGE}n",
)


# ----------------------------------------------------------------- tables


def _categorical(frame: pd.DataFrame, columns) -> pd.DataFrame:
    frame = frame.copy()
    for column in columns:
        frame[column] = frame[column].astype("category")
    return frame


def load_penguins():
    import palmerpenguins

    table = palmerpenguins.load_penguins()
    return _categorical(table, ["species", "island", "sex", "year"]), "species"


def load_diabetes_table():
    from sklearn.datasets import load_diabetes

    table = load_diabetes(scaled=False, as_frame=True).frame
    table["sex"] = table["sex"].astype(int).astype(str)
    return _categorical(table, ["sex"]), "sex"


def load_anes96():
    from statsmodels.datasets import anes96

    table = anes96.load_pandas().data.drop(columns="logpopul")
    for column in ("vote", "PID", "educ"):
        table[column] = table[column].astype(int)
    return _categorical(table, ["vote", "PID", "educ"]), "vote"


def load_grunfeld():
    from statsmodels.datasets import grunfeld

    return _categorical(grunfeld.load_pandas().data, ["firm"]), "firm"


TABLES = {
    "penguins": load_penguins,
    "diabetes": load_diabetes_table,
    "anes96": load_anes96,
    "grunfeld": load_grunfeld,
}


def is_categorical(column: pd.Series) -> bool:
    return isinstance(column.dtype, pd.CategoricalDtype)


def sdtypes(table: pd.DataFrame) -> dict:
    return {
        "columns": {
            name: {"sdtype": "categorical" if is_categorical(table[name]) else "numerical"} for name in table
        }
    }


def align(synthetic: pd.DataFrame, real: pd.DataFrame) -> pd.DataFrame:
    """The synthetic table with the real table's columns, order and dtypes."""
    synthetic = synthetic.reset_index(drop=True)
    out = {}
    for name in real.columns:
        values = synthetic[name]
        if is_categorical(real[name]):
            categories = real[name].cat.categories
            by_text = {str(category): category for category in categories}
            labels = [None if pd.isna(v) else by_text.get(str(v)) for v in values.astype(object)]
            out[name] = pd.Categorical(labels, categories=categories)
        else:
            out[name] = pd.to_numeric(values, errors="coerce").astype(float)
    return pd.DataFrame(out)


# ---------------------------------------------------------------- methods


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)  # noqa: NPY002 - SDV and rdt draw from numpy's global generator
    import torch

    torch.manual_seed(seed)


# Each method is ``fit(real, class_column, seed, epochs) -> sample``, where ``sample(k)``
# returns k·n synthetic rows (k = 1 for the main metrics, LARGE for the bias check).


def bootstrap(real, class_column, seed, epochs):
    rng = np.random.default_rng(seed)
    return lambda k: real.iloc[rng.integers(0, len(real), k * len(real))]


def skmixup_whole(weights, **options):
    def fit(real, class_column, seed, epochs):
        mixup = StructurePreservingMixup(weights=weights, random_state=seed, **options).fit(real)
        rng = np.random.RandomState(seed)
        return lambda k: mixup.sample(k * len(real), random_state=rng)

    return fit


def per_class_strategy(y: pd.Series, k: int) -> dict:
    """Over-sample every class by k times its count: k·n synthetic rows, real class shares."""
    return {label: (1 + k) * int(count) for label, count in y.value_counts().items() if count}


def _synthetic_part(X_res, y_res, n_real: int, class_column: str) -> pd.DataFrame:
    synthetic = X_res.iloc[n_real:].reset_index(drop=True)
    synthetic[class_column] = np.asarray(y_res)[n_real:]
    return synthetic


def skmixup_per_class(real, class_column, seed, epochs):
    X, y = real.drop(columns=class_column), real[class_column]

    def sample(k):
        strategy = per_class_strategy(y, k)
        mixup = StructurePreservingMixup(
            weights=EpBeta(delta=0.05), sampling_strategy=strategy, random_state=seed + k
        )
        return _synthetic_part(*mixup.fit_resample(X, y), len(X), class_column)

    return sample


def smotenc(real, class_column, seed, epochs):
    from imblearn.over_sampling import SMOTE, SMOTENC

    complete = real.dropna().reset_index(drop=True)
    X, y = complete.drop(columns=class_column), complete[class_column].astype(str)
    categorical = [name for name in X if is_categorical(X[name])]

    def sample(k):
        strategy = per_class_strategy(y, k)
        if categorical:
            sampler = SMOTENC(categorical, sampling_strategy=strategy, random_state=seed + k)
        else:
            sampler = SMOTE(sampling_strategy=strategy, random_state=seed + k)
        return _synthetic_part(*sampler.fit_resample(X, y), len(X), class_column)

    return sample


def sdv_synthesiser(name):
    def fit(real, class_column, seed, epochs):
        from sdv.metadata import Metadata
        from sdv.single_table import CTGANSynthesizer, GaussianCopulaSynthesizer, TVAESynthesizer

        classes = {
            "GaussianCopula": GaussianCopulaSynthesizer,
            "CTGAN": CTGANSynthesizer,
            "TVAE": TVAESynthesizer,
        }
        metadata = Metadata.load_from_dict({"tables": {"table": sdtypes(real)}})
        options = {} if name == "GaussianCopula" else {"epochs": epochs, "enable_gpu": False}
        synthesiser = classes[name](metadata, **options)
        # SDV's CTGAN and TVAE refuse the 'category' dtype: give them plain objects.
        plain = real.astype({column: object for column in real if is_categorical(real[column])})
        seed_everything(seed)
        synthesiser.fit({"table": plain})
        # SDV samples from a fixed seed unless told otherwise: vary it with ours.
        synthesiser._set_random_state(seed)
        return lambda k: synthesiser.sample(k * len(real))["table"]

    return fit


def methods(epochs: int) -> dict:
    return {
        "Bootstrap (reference)": bootstrap,
        "skmixup Uniform": skmixup_whole(Uniform()),
        "skmixup Beta(0.1,0.1)": skmixup_whole(Beta(0.1, 0.1)),
        "skmixup EpBeta(δ=0.01)": skmixup_whole(EpBeta(delta=0.01)),
        "skmixup EpBeta(δ=0.02)": skmixup_whole(EpBeta(delta=0.02)),
        "skmixup EpBeta(δ=0.05)": skmixup_whole(EpBeta(delta=0.05)),
        "skmixup EpBeta(δ=0.05) clip": skmixup_whole(EpBeta(delta=0.05), clip="observed"),
        "skmixup EpBeta(δ=0.05) narrow": skmixup_whole(EpBeta(delta=0.05), clip="narrow"),
        "skmixup EpBeta(δ=0.01) narrow": skmixup_whole(EpBeta(delta=0.01), clip="narrow"),
        "skmixup EpBeta(δ=0.05) copies kept": skmixup_whole(EpBeta(delta=0.05), redraw_copies=False),
        "skmixup EpBeta(δ=0.02, ε=0.1)": skmixup_whole(EpBeta(delta=0.02, epsilon=0.1)),
        "SDV GaussianCopula": sdv_synthesiser("GaussianCopula"),
        f"SDV CTGAN ({epochs} ep)": sdv_synthesiser("CTGAN"),
        f"SDV TVAE ({epochs} ep)": sdv_synthesiser("TVAE"),
        "SMOTENC per-class": smotenc,
        "skmixup EpBeta(δ=0.05) per-class": skmixup_per_class,
    }


# ---------------------------------------------------------------- metrics


def _mean_abs(values) -> float:
    values = np.abs(np.asarray(values, dtype=float))
    values = values[np.isfinite(values)]
    return float(values.mean()) if values.size else float("nan")


def structure_metrics(report) -> dict:
    """The moment errors of a ``compare_structure`` report, averaged over columns or pairs."""
    columns, pairs = report.columns, report.pairs
    strong = pairs[pairs["correlation_real"].abs() >= MIN_CORRELATION]
    shares = report.categories["share_difference"].abs().groupby(level="column").sum() / 2
    return {
        "mean_bias": _mean_abs(columns["relative_mean_bias"]),
        "std_mean_bias": _mean_abs(columns["standardized_mean_bias"]),
        "var_bias": _mean_abs(columns["variance_ratio"] - 1),
        "cov_bias": _mean_abs(strong["relative_covariance_bias"]),
        "cov_bias_all": _mean_abs(pairs["relative_covariance_bias"]),
        "corr_err": _mean_abs(pairs["correlation_error"]),
        "cat_tvd": _mean_abs(shares),
        "cond_mean": _mean_abs(report.conditional_means["standardized_difference"]),
    }


def quality_metrics(real: pd.DataFrame, synthetic: pd.DataFrame, report) -> dict:
    """sdmetrics' QualityReport scores, and their largest gap to skmixup's own computation."""
    from sdmetrics.reports.single_table import QualityReport

    quality = QualityReport()
    quality.generate(real, synthetic, sdtypes(real), verbose=False)
    properties = quality.get_properties().set_index("Property")["Score"]
    scores = {
        "quality": float(quality.get_score()),
        "shapes": float(properties["Column Shapes"]),
        "pair_trends": float(properties["Column Pair Trends"]),
    }
    ours = (report.quality_score, report.column_shapes_score, report.column_pair_trends_score)
    scores["quality_sdmetrics_gap"] = max(abs(a - b) for a, b in zip(scores.values(), ours, strict=True))
    return scores


def privacy_metrics(real: pd.DataFrame, synthetic: pd.DataFrame) -> dict:
    summary = privacy_report(real, synthetic).summary
    return {
        "dcr_median": summary["median DCR"],
        "dcr_p5": summary["5th percentile DCR"],
        "nndr_median": summary["median NNDR"],
        "copy_share": summary["exact copy share"],
    }


# ------------------------------------------------------------------ study


def run(seeds, deep_seeds, epochs: int, tables, only=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every run's metrics, and every run's variance ratio per numeric column at LARGE·n rows."""
    rows, column_rows = [], []
    for table_name in tables:
        real, class_column = TABLES[table_name]()
        for method_name, fit in methods(epochs).items():
            if only is not None and not any(part in method_name for part in only):
                continue
            deep = method_name.startswith(("SDV CTGAN", "SDV TVAE"))
            for seed in deep_seeds if deep else seeds:
                start = time.perf_counter()
                sample = fit(real, class_column, seed, epochs)
                synthetic = sample(1)
                seconds = time.perf_counter() - start
                synthetic = align(synthetic, real)
                report = compare_structure(real, synthetic)
                row = {"table": table_name, "method": method_name, "seed": seed, "n_rows": len(real)}
                row |= structure_metrics(report)
                row |= quality_metrics(real, synthetic, report)
                row |= privacy_metrics(real, synthetic)
                row["seconds"] = seconds
                large_report = compare_structure(real, align(sample(LARGE), real))
                large = structure_metrics(large_report)
                row |= {f"{metric}_{LARGE}n": large[metric] for metric in LARGE_METRICS}
                rows.append(row)
                column_rows += [
                    {
                        "table": table_name,
                        "method": method_name,
                        "seed": seed,
                        "column": column,
                        "ratio": ratio,
                    }
                    for column, ratio in large_report.columns["variance_ratio"].items()
                ]
                print(
                    f"  {table_name:<9} {method_name:<34} seed {seed}  {seconds:7.2f} s  "
                    f"quality {row['quality']:.3f}  var_bias_{LARGE}n {row[f'var_bias_{LARGE}n']:.4f}  "
                    f"median DCR {row['dcr_median']:.3f}  copies {row['copy_share']:.3f}",
                    flush=True,
                )
    return pd.DataFrame(rows), pd.DataFrame(column_rows)


def summarise_columns(column_runs: pd.DataFrame) -> pd.DataFrame:
    """Per table, method and numeric column: the variance ratio at LARGE·n rows over the seeds.

    ``bias`` is the mean ratio minus one (the seeds pooled, so that sampling noise
    averages out instead of adding up); ``se`` its standard error over the seeds.
    """
    keys = column_runs.groupby(["table", "method", "column"], sort=False)["ratio"]
    summary = pd.DataFrame(
        {"n_seeds": keys.size(), "ratio_mean": keys.mean(), "ratio_sd": keys.std(ddof=1)}
    ).reset_index()
    summary["bias"] = summary["ratio_mean"] - 1
    summary["se"] = summary["ratio_sd"] / np.sqrt(summary["n_seeds"])
    return summary


def summarise(runs: pd.DataFrame, columns: pd.DataFrame) -> pd.DataFrame:
    keys = runs.groupby(["table", "method"], sort=False)
    grouped = keys[list(METRICS)]
    summary = grouped.mean().add_suffix("_mean").join(grouped.std(ddof=1).add_suffix("_sd"))
    ordered = [f"{metric}_{stat}" for metric in METRICS for stat in ("mean", "sd")]
    summary = summary[ordered]
    summary.insert(0, "n_seeds", keys["seed"].nunique())
    summary.insert(0, "n_rows", keys["n_rows"].first())

    def worst(block: pd.DataFrame) -> pd.Series:
        largest = block.loc[block["bias"].abs().idxmax()]
        over = block[block["bias"].abs() > VARIANCE_TOLERANCE]
        return pd.Series(
            {
                f"var_max_{LARGE}n": abs(largest["bias"]),
                f"var_max_{LARGE}n_se": largest["se"],
                f"var_max_{LARGE}n_column": largest["column"],
                f"var_over_1pct_{LARGE}n": "; ".join(
                    f"{row.column} {100 * row.bias:+.1f}±{100 * row.se:.1f} %" for row in over.itertuples()
                ),
            }
        )

    by_method = columns.groupby(["table", "method"], sort=False)[["column", "bias", "se"]]
    summary = summary.join(by_method.apply(worst))
    return summary.reset_index()


def _cells(block: pd.DataFrame, metrics) -> pd.DataFrame:
    cells = pd.DataFrame({"method": block["method"]})
    for metric in metrics:
        if f"{metric}_mean" not in block:  # a single number per method, no spread over seeds
            cells[metric] = [f"{value:.3f}" for value in block[metric]]
            continue
        mean, sd = block[f"{metric}_mean"], block[f"{metric}_sd"]
        cells[metric] = [
            f"{m:.3f}" + ("" if not np.isfinite(s) else f"±{s:.3f}") for m, s in zip(mean, sd, strict=True)
        ]
    return cells


def format_table(summary: pd.DataFrame) -> str:
    lines = []
    over = f"var_over_1pct_{LARGE}n"
    for table_name, block in summary.groupby("table", sort=False):
        lines += [
            f"\n== {table_name} (n = {int(block['n_rows'].iloc[0])}) ==",
            "Realism and privacy:",
            _cells(block, PRINTED_REALISM).to_string(index=False),
            f"Numeric columns whose variance is off by more than {VARIANCE_TOLERANCE:.0%} at {LARGE}·n rows "
            "(mean ratio - 1 over the seeds ± its standard error):",
        ]
        lines += [f"  {row.method}: {getattr(row, over)}" for row in block.itertuples() if getattr(row, over)]
        lines += ["Moments:", _cells(block, PRINTED_MOMENTS).to_string(index=False)]
    return "\n".join(lines)


def plot(summary: pd.DataFrame, path: Path) -> None:
    import matplotlib
    import matplotlib.ticker

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    # (metric, label, log scale): the quality score and the DCR read on a linear scale.
    panels = [
        ("quality", "sdmetrics quality score\n(higher: closer to the real table)", False),
        (f"var_max_{LARGE}n", f"largest |variance ratio - 1|\nover numeric columns ({LARGE}·n rows)", True),
        (f"mean_bias_{LARGE}n", f"relative bias of means\n({LARGE}·n rows: the bias alone)", True),
        (f"cov_bias_{LARGE}n", f"relative bias of covariances\n({LARGE}·n rows: the bias alone)", True),
        ("corr_err", "mean |correlation error|\n(n rows)", True),
        ("dcr_median", "median distance to the\nclosest real record (DCR)", False),
    ]
    tables = list(dict.fromkeys(summary["table"]))
    method_names = list(dict.fromkeys(summary["method"]))

    def colour(method: str) -> str:
        if method.startswith("Bootstrap"):
            return "0.6"
        if "EpBeta" in method:
            return "tab:blue"
        if method.startswith("skmixup"):
            return "lightsteelblue"
        if method.startswith("SDV"):
            return "tab:orange"
        return "tab:green"

    figure, axes = plt.subplots(
        len(panels), len(tables), figsize=(4.2 * len(tables), 3.0 * len(panels)), squeeze=False
    )
    positions = np.arange(len(method_names))[::-1]
    for col, table_name in enumerate(tables):
        block = summary[summary["table"] == table_name].set_index("method").reindex(method_names)
        for row, (metric, label, log) in enumerate(panels):
            ax = axes[row, col]
            if f"{metric}_mean" in block:
                mean = block[f"{metric}_mean"].to_numpy()
                sd = np.nan_to_num(block[f"{metric}_sd"].to_numpy())
            else:  # one number per method: the seeds pooled
                mean, sd = block[metric].to_numpy(dtype=float), np.zeros(len(block))
            ax.barh(
                positions,
                mean,
                xerr=sd,
                color=[colour(m) for m in method_names],
                error_kw={"elinewidth": 0.8, "capsize": 2},
            )
            if log:
                ax.set_xscale("log")
                ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
            elif metric == "quality":
                ax.set_xlim(max(0.0, np.nanmin(mean - sd) - 0.05), 1.0)
            ax.grid(axis="x", which="both", alpha=0.3)
            ax.set_yticks(positions)
            ax.set_yticklabels(method_names if col == 0 else [], fontsize=8)
            if row == 0:
                ax.set_title(f"{table_name} (n = {int(block['n_rows'].iloc[0])})")
            if col == 0:
                ax.set_ylabel(label, fontsize=9)
    figure.suptitle(
        "Synthetic tables of the real size against the real one (mean ± sd over seeds)\n"
        "quality: higher is better; moment errors: lower is better; DCR: distance to the real rows"
    )
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)


def source_commit() -> str:
    """The last git commit that changed the imported skmixup package ("+ changes" if uncommitted ones)."""
    import subprocess

    folder = Path(skmixup.__file__).parent

    def git(*arguments: str) -> str:
        return subprocess.run(
            ["git", "-C", str(folder), *arguments], capture_output=True, text=True, check=True
        ).stdout.strip()

    try:
        commit = git("log", "-1", "--format=%h", "--", ".")
        changed = git("status", "--porcelain", "--", ".")
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return commit + (" + uncommitted changes" if changed else "")


def versions() -> str:
    names = ("skmixup", "sdv", "sdmetrics", "ctgan", "torch", "imbalanced-learn", "numpy", "pandas")
    return ", ".join(f"{name} {version(name)}" for name in names)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one seed and 20 epochs: a smoke run")
    parser.add_argument("--out", type=Path, default=Path("docs/results"), help="output folder")
    parser.add_argument("--tables", nargs="+", choices=list(TABLES), default=list(TABLES))
    parser.add_argument("--seeds", type=int, default=SEEDS, help="seeds of the fast methods")
    parser.add_argument("--deep-seeds", type=int, default=DEEP_SEEDS, help="seeds of CTGAN and TVAE")
    parser.add_argument("--epochs", type=int, default=EPOCHS, help="epochs of CTGAN and TVAE")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (1 is fastest here)")
    parser.add_argument(
        "--only", nargs="+", metavar="TEXT", help="run only the methods whose name contains one of these"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.seeds, args.deep_seeds, args.epochs = 1, 1, 20
    seeds, deep_seeds = tuple(range(args.seeds)), tuple(range(args.deep_seeds))

    warnings.filterwarnings("ignore")
    os.environ.setdefault("TQDM_DISABLE", "1")
    import torch

    torch.set_num_threads(args.threads)
    command = "python benchmarks/study_peers.py " + " ".join(argv if argv is not None else sys.argv[1:])
    settings = (
        f"{command.strip()}\n"
        f"Seeds: {len(seeds)} for the fast methods, {len(deep_seeds)} for CTGAN and TVAE; "
        f"CTGAN and TVAE {args.epochs} epochs on {torch.get_num_threads()} CPU threads\n"
        f"{versions()}\n"
        f"skmixup imported from {Path(skmixup.__file__).parent}, last changed by commit {source_commit()}"
    )
    print(settings, flush=True)

    start = time.perf_counter()
    runs, column_runs = run(seeds, deep_seeds, args.epochs, args.tables, args.only)
    total = time.perf_counter() - start
    columns = summarise_columns(column_runs)
    summary = summarise(runs, columns)
    gap = runs["quality_sdmetrics_gap"].max()
    table = format_table(summary) + (
        f"\n\nLargest gap between sdmetrics' scores and skmixup.diagnostics' over all runs: {gap:.1e}"
    )
    print(table)
    print(f"\nWall time of the whole study: {total / 60:.1f} min")

    args.out.mkdir(parents=True, exist_ok=True)
    summary.to_csv(args.out / "peers.csv", index=False, float_format="%.6g")
    runs.to_csv(args.out / "peers.runs.csv", index=False, float_format="%.6g")
    columns.to_csv(args.out / "peers.columns.csv", index=False, float_format="%.6g")
    plot(summary, args.out / "peers.png")
    (args.out / "peers.txt").write_text(
        f"{settings}\nWhole study: {total / 60:.1f} min\n{table}\n", encoding="utf-8"
    )
    print(f"Wrote {args.out}/peers.csv, peers.runs.csv, peers.columns.csv, peers.txt and peers.png")


if __name__ == "__main__":
    main()
