"""The quality scores of compare_structure against sdmetrics' own QualityReport.

sdmetrics is not a dependency of skmixup (nor of its CI): this module is skipped
where it is not installed.  To run it, in a virtual environment with sdmetrics::

    python -m venv /work/venvs/sdm
    /work/venvs/sdm/bin/pip install sdmetrics pytest palmerpenguins
    /work/venvs/sdm/bin/pip install -e .            # this worktree
    /work/venvs/sdm/bin/python -m pytest tests/test_quality.py -p no:cacheprovider -q

Every score must agree to 3 decimals (in practice to ~1e-12) on several mixed
tables: missing values in every kind of column, booleans, datetimes, integers,
strings and categories, synthesised by skmixup and by a deliberately bad
generator (columns shuffled independently), with sdmetrics' default thresholds
and with thresholds of 0 (every pair counts).
"""

import warnings

import numpy as np
import pandas as pd
import pytest

sdmetrics = pytest.importorskip("sdmetrics")
from sdmetrics.reports import QualityReport  # noqa: E402

from skmixup import Beta, StructurePreservingMixup, Uniform  # noqa: E402
from skmixup.columns import TableCodec  # noqa: E402
from skmixup.diagnostics import compare_structure  # noqa: E402

TOLERANCE = 1e-3  # "to 3 decimals"


def _sdtypes(real: pd.DataFrame) -> dict:
    """sdmetrics metadata giving every column the kind skmixup gives it."""
    codec = TableCodec().fit(real)
    columns = {}
    for name, kind in codec.kinds.items():
        dtype = real[name].dtype
        if kind == "continuous":
            sdtype = "datetime" if pd.api.types.is_datetime64_any_dtype(dtype) else "numerical"
        else:
            is_bool = pd.api.types.is_bool_dtype(dtype) or (
                dtype == np.dtype(object) and pd.api.types.infer_dtype(real[name], skipna=True) == "boolean"
            )
            sdtype = "boolean" if is_bool else "categorical"
        columns[name] = {"sdtype": sdtype}
    return {"tables": {"table": {"columns": columns}}}


def _sdmetrics_report(real, synthetic, threshold: bool) -> QualityReport:
    report = QualityReport()
    if not threshold:
        report.real_correlation_threshold = 0
        report.real_association_threshold = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report.generate({"table": real}, {"table": synthetic}, _sdtypes(real), verbose=False)
    return report


def _penguins():
    palmerpenguins = pytest.importorskip("palmerpenguins")
    real = palmerpenguins.load_penguins()  # missing values in 4 numeric columns and in sex
    synthetic = StructurePreservingMixup(weights=Uniform(), random_state=0).fit(real).sample(3000)
    return real, synthetic


def _mixed_table(n=600, seed=0):
    rng = np.random.RandomState(seed)
    x = rng.normal(size=n)
    group = np.where(x + rng.normal(size=n) > 0, "high", "low").astype(object)
    group[rng.rand(n) < 0.1] = None
    flag = x + rng.normal(size=n) > 0.3
    maybe = pd.array(np.where(rng.rand(n) < 0.5, True, False), dtype="boolean")
    maybe[rng.rand(n) < 0.15] = pd.NA
    when = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.randint(0, 10**7, n) + 10**6 * x, unit="s")
    when = pd.Series(when).mask(rng.rand(n) < 0.1)
    y = np.where(rng.rand(n) < 0.2, np.nan, 2 * x + rng.normal(size=n))
    count = rng.poisson(3 + (x > 0) * 2, size=n)
    colour = pd.Categorical(rng.choice(["red", "green", "blue"], size=n, p=[0.5, 0.3, 0.2]))
    return pd.DataFrame(
        {
            "x": x,
            "group": group,
            "flag": flag,
            "maybe": maybe,
            "when": when,
            "y": y,
            "count": count,
            "colour": colour,
        }
    )


def _shuffled(table: pd.DataFrame, seed=1) -> pd.DataFrame:
    """Each column permuted on its own: marginals kept, every pair trend broken."""
    rng = np.random.RandomState(seed)
    return pd.DataFrame(
        {name: table[name].to_numpy()[rng.permutation(len(table))] for name in table.columns}
    ).astype(table.dtypes.to_dict())


def _tables():
    real, synthetic = _penguins()
    yield "penguins, Uniform mixup", real, synthetic
    mixed = _mixed_table()
    yield (
        "mixed kinds, Beta(0.1, 0.1) mixup",
        mixed,
        StructurePreservingMixup(weights=Beta(0.1, 0.1), random_state=1).fit(mixed).sample(2500),
    )
    yield "mixed kinds, shuffled columns", mixed, _shuffled(_mixed_table(n=900, seed=3))
    from sklearn.datasets import load_diabetes

    diabetes = load_diabetes(as_frame=True, scaled=False).frame
    diabetes["sex"] = diabetes["sex"].map({1.0: "female", 2.0: "male"})
    yield (
        "diabetes, default EpBeta mixup",
        diabetes,
        StructurePreservingMixup(random_state=2).fit(diabetes).sample(4000),
    )


CASES = list(_tables())


def agreement(real, synthetic, threshold: bool) -> dict:
    """Largest absolute differences from sdmetrics, per kind of score."""
    every_pair = {"real_correlation_threshold": 0, "real_association_threshold": 0}
    ours = compare_structure(real, synthetic, **({} if threshold else every_pair))
    theirs = _sdmetrics_report(real, synthetic, threshold)
    shapes = theirs.get_details("Column Shapes").set_index("Column")
    pairs = theirs.get_details("Column Pair Trends").set_index(["Column 1", "Column 2"])
    properties = theirs.get_properties().set_index("Property")["Score"]

    assert list(shapes.index) == list(ours.column_shapes.index)
    assert (shapes["Metric"] == ours.column_shapes["metric"]).all()
    assert list(pairs.index) == list(ours.pair_trends.index)
    assert (pairs["Metric"] == ours.pair_trends["metric"]).all()
    counted = pairs["Meets Threshold?"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    np.testing.assert_array_equal(ours.pair_trends["meets_threshold"].to_numpy(dtype=bool), counted)
    finite = np.isfinite(pairs["Score"].to_numpy(dtype=float))
    assert finite[counted].all(), "every counted sdmetrics pair has a score"
    pair_gap = np.abs(pairs["Score"].to_numpy(dtype=float) - ours.pair_trends["score"].to_numpy())[finite]
    correlation = pairs["Metric"] == "CorrelationSimilarity"
    r_real = ours.pair_trends.loc[correlation, "real_correlation"]
    r_gap = np.abs(pairs.loc[correlation, "Real Correlation"] - r_real)
    gaps = {
        "column shapes (per column)": float(np.abs(shapes["Score"] - ours.column_shapes["score"]).max()),
        "pair trends (per pair)": float(pair_gap.max()) if pair_gap.size else 0.0,
        "real correlations": float(r_gap.max()) if r_gap.size else 0.0,
        "column shapes score": abs(properties["Column Shapes"] - ours.column_shapes_score),
        "column pair trends score": abs(properties["Column Pair Trends"] - ours.column_pair_trends_score),
        "quality score": abs(theirs.get_score() - ours.quality_score),
    }
    if threshold:
        association = pairs["Metric"] == "ContingencySimilarity"
        theirs_v = pairs.loc[association, "Real Association"].to_numpy(dtype=float)
        ours_v = ours.pair_trends.loc[association, "real_association"].to_numpy(dtype=float)
        np.testing.assert_array_equal(np.isnan(theirs_v), np.isnan(ours_v))
        gaps["real association"] = float(np.nanmax(np.abs(theirs_v - ours_v), initial=0.0))
    return gaps


@pytest.mark.parametrize("threshold", [True, False], ids=["sdmetrics thresholds", "every pair"])
@pytest.mark.parametrize("case", CASES, ids=[name for name, *_ in CASES])
def test_scores_agree_with_sdmetrics(case, threshold):
    _, real, synthetic = case
    gaps = agreement(real, synthetic, threshold)
    print(case[0], "threshold" if threshold else "all pairs", {k: f"{v:.1e}" for k, v in gaps.items()})
    assert all(gap < TOLERANCE for gap in gaps.values()), gaps
