"""Study: realism against privacy, the δ trade-off, on two real tables.

Regenerate ``docs/results/realism.csv``, ``realism.png`` and ``realism.txt`` with::

    python benchmarks/study_realism.py          # about a minute
    python benchmarks/study_realism.py --quick  # 2 seeds, a smoke run

Tables: the Palmer penguins (344 rows; species, island and sex categorical, missing
values in five columns) and scikit-learn's diabetes table (442 rows, ``sex`` as a
category).  For each of ``SEEDS`` seeds the table is split at random in two halves,
``real`` (fitted) and ``holdout`` (never seen), and ``StructurePreservingMixup(weights=
law, random_state=seed)`` (every other parameter at its default, so the study follows
the estimator's defaults) synthesises ``len(real)`` rows.  Then
``compare_structure(real, synthetic, weights=law)`` and
``privacy_report(real, synthetic, holdout)``; the table gives the mean over seeds of:

- ``quality_score``, ``column_shapes``, ``column_pair_trends``: sdmetrics' scores;
- ``variance_ratio``: mean over continuous columns; ``kurtosis_gap``: mean over
  continuous columns of synthetic minus real kurtosis (Pearson's), and
  ``kurtosis_gap_predicted`` what ``law.kurtosis_after`` predicts (empty where the law
  has no such method);
  ``conditional_mean_error``: the largest standardized conditional mean difference;
- ``median_dcr``, ``dcr_5pct``: the synthetic rows' distances to the closest real
  record, and ``median_dcr_holdout``: the holdout rows' (new data: the reference);
- ``exact_copy_share``, ``closer_to_real_share`` (0.5 = no closer than new data) and
  ``median_nndr``.

``quality_score_se`` and ``median_dcr_se`` are the standard errors of those two means.
Two reference rows per table: ``new rows (holdout)``, the holdout itself scored as if
it were synthetic (sampling noise of real data: what "realistic" can mean at this
size), and ``bootstrap (δ = 0)``, ``EpBeta(delta=0)``, which only resamples real rows.
``f`` and ``u`` are each law's variance factor and contamination (cut point 0.5).
Deterministic: fixed seeds, no timing.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from _common import parse_args, save, study

from skmixup import Beta, EpBeta, StructurePreservingMixup, Uniform
from skmixup.diagnostics import compare_structure, privacy_report

SEEDS = 10
LAWS = {
    "EpBeta(δ=0.01)": lambda: EpBeta(delta=0.01),
    "EpBeta(δ=0.02)": lambda: EpBeta(delta=0.02),
    "EpBeta(δ=0.05)": lambda: EpBeta(delta=0.05),
    "Beta(0.1, 0.1)": lambda: Beta(0.1, 0.1),
    "Uniform(0, 1)": lambda: Uniform(),
    "bootstrap (δ = 0)": lambda: EpBeta(delta=0.0),
}
HOLDOUT = "new rows (holdout)"


def load_tables() -> dict[str, pd.DataFrame]:
    from palmerpenguins import load_penguins

    from skmixup.cli import load_demo_table

    return {"penguins": load_penguins(), "diabetes": load_demo_table()}


def measures(real, synthetic, holdout, weights) -> dict:
    # kurtosis_after is new in the weight laws: predict the kurtosis where it exists
    predicts = weights is not None and hasattr(weights, "kurtosis_after")
    structure = compare_structure(real, synthetic, weights=weights if predicts else None)
    privacy = privacy_report(real, synthetic, holdout)
    columns = structure.columns
    predicted = columns["kurtosis_predicted"] - columns["kurtosis_real"] if predicts else pd.Series(np.nan)
    return {
        "quality_score": structure.quality_score,
        "column_shapes": structure.column_shapes_score,
        "column_pair_trends": structure.column_pair_trends_score,
        "variance_ratio": columns["variance_ratio"].mean(),
        "kurtosis_gap": (columns["kurtosis_synthetic"] - columns["kurtosis_real"]).mean(),
        "kurtosis_gap_predicted": predicted.mean(),
        "conditional_mean_error": structure.summary["max |standardized conditional mean difference|"],
        "median_dcr": privacy.summary["median DCR"],
        "dcr_5pct": privacy.summary["5th percentile DCR"],
        "median_dcr_holdout": privacy.summary["median holdout DCR"],
        "exact_copy_share": privacy.exact_copy_share,
        "closer_to_real_share": privacy.closer_to_real_share,
        "median_nndr": privacy.summary["median NNDR"],
    }


def run(seeds: int) -> pd.DataFrame:
    rows = []
    for table_name, table in load_tables().items():
        for seed in range(seeds):
            order = np.random.default_rng(seed).permutation(len(table))
            half = len(table) // 2
            real = table.iloc[order[:half]].reset_index(drop=True)
            holdout = table.iloc[order[half:]].reset_index(drop=True)
            for law_name, make in LAWS.items():
                weights = make()
                mixup = StructurePreservingMixup(weights=weights, random_state=seed)
                synthetic = mixup.fit(real).sample(len(real))
                row = {"table": table_name, "weights": law_name, "seed": seed}
                row.update(f=weights.variance_factor(), u=weights.contamination(0.5))
                rows.append({**row, **measures(real, synthetic, holdout, weights)})
            # the holdout as if it were synthetic; its own DCR reference is the real half
            fresh = {"table": table_name, "weights": HOLDOUT, "seed": seed, "f": 1.0, "u": np.nan}
            rows.append({**fresh, **measures(real, holdout, real, None)})
    runs = pd.DataFrame(rows)
    # no holdout of its own: the rows closer to "real" than to the real half are meaningless
    runs.loc[runs["weights"] == HOLDOUT, ["closer_to_real_share", "median_dcr_holdout"]] = np.nan
    order = [*LAWS, HOLDOUT]
    grouped = runs.drop(columns="seed").groupby(["table", "weights"], sort=False)
    summary = grouped.mean()
    # standard errors of the two headline means (seeds are independent splits and draws)
    for name in ("quality_score", "median_dcr"):
        summary.insert(summary.columns.get_loc(name) + 1, f"{name}_se", grouped[name].sem())
    summary = summary.reindex(pd.MultiIndex.from_product([["penguins", "diabetes"], order]))
    summary.index.names = ["table", "weights"]
    return summary


def plot(summary: pd.DataFrame):
    figure, axes = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
    for ax, (table_name, block) in zip(axes, summary.groupby(level="table", sort=False), strict=True):
        block = block.droplevel("table")
        reference = block.loc[HOLDOUT, "median_dcr"]
        for law_name, row in block.iterrows():
            ax.scatter(row["median_dcr"] / reference, row["quality_score"], s=40)
            ax.annotate(
                law_name,
                (row["median_dcr"] / reference, row["quality_score"]),
                fontsize=8,
                xytext=(4, 3),
                textcoords="offset points",
            )
        ax.set_xlabel("median DCR / median DCR of new rows (privacy →)")
        ax.set_ylabel("quality score (realism →)")
        ax.set_title(table_name)
    return figure


def git_commit() -> str:
    root = Path(__file__).resolve().parents[1]
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "skmixup"], cwd=root, capture_output=True, text=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit + (" with uncommitted changes to skmixup/" if dirty else "")


def main() -> None:
    args = parse_args(__doc__)
    with study("realism"):
        summary = run(2 if args.quick else SEEDS)
    header = f"# realism study on git commit {git_commit()}, {2 if args.quick else SEEDS} seeds"
    text = header + "\n" + summary.round(4).to_string()
    print(text)
    if args.quick:
        return
    save(plot(summary), summary, args.out, "realism", float_format="%.4f")
    (args.out / "realism.txt").write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
