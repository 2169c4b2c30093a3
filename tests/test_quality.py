"""The quality scores of compare_structure: hand-computed values, and sdmetrics' own QualityReport.

The hand-computed tests run everywhere.  sdmetrics is not a dependency of skmixup
(nor of its CI): the tests against it (``test_scores_agree_with_sdmetrics``) are
skipped where it is not installed.  To run them, in a virtual environment with
sdmetrics::

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

from skmixup import Beta, StructurePreservingMixup, Uniform
from skmixup.columns import TableCodec
from skmixup.diagnostics import compare_structure
from skmixup.diagnostics.quality import cramers_v, ks_complement, sdmetrics_bins, tv_complement

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


def _sdmetrics_report(real, synthetic, threshold: bool):
    from sdmetrics.reports import QualityReport

    report = QualityReport()
    if not threshold:
        report.real_correlation_threshold = 0
        report.real_association_threshold = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report.generate({"table": real}, {"table": synthetic}, _sdtypes(real), verbose=False)
    return report


def _penguins():
    palmerpenguins = pytest.importorskip("palmerpenguins")  # in the bench extra
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


def _mixed_mixup():
    mixed = _mixed_table()
    return mixed, StructurePreservingMixup(weights=Beta(0.1, 0.1), random_state=1).fit(mixed).sample(2500)


def _mixed_shuffled():
    return _mixed_table(), _shuffled(_mixed_table(n=900, seed=3))


def _diabetes():
    from sklearn.datasets import load_diabetes

    diabetes = load_diabetes(as_frame=True, scaled=False).frame
    diabetes["sex"] = diabetes["sex"].map({1.0: "female", 2.0: "male"})
    return diabetes, StructurePreservingMixup(random_state=2).fit(diabetes).sample(4000)


CASES = {
    "penguins, Uniform mixup": _penguins,
    "mixed kinds, Beta(0.1, 0.1) mixup": _mixed_mixup,
    "mixed kinds, shuffled columns": _mixed_shuffled,
    "diabetes, default EpBeta mixup": _diabetes,
}


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
@pytest.mark.parametrize("case", list(CASES))
def test_scores_agree_with_sdmetrics(case, threshold):
    pytest.importorskip("sdmetrics")
    real, synthetic = CASES[case]()
    gaps = agreement(real, synthetic, threshold)
    print(case, "threshold" if threshold else "all pairs", {k: f"{v:.1e}" for k, v in gaps.items()})
    assert all(gap < TOLERANCE for gap in gaps.values()), gaps


# ---------------------------------------------------------------- hand-computed values (CI)


def test_ks_complement_is_one_minus_the_largest_cdf_gap():
    # CDFs at 1, 2, 3, 4: real .25 .5 .75 1, synthetic 0 0 .5 1 -> D = 0.5 (at 2)
    assert ks_complement(np.array([1.0, 2.0, 3.0, 4.0]), np.array([3.0, np.nan, 4.0])) == 0.5
    # sdmetrics rounds to 14 decimals first: 0.1 + 0.2 and 0.3 are one value
    assert ks_complement(np.array([0.1 + 0.2]), np.array([0.3])) == 1.0
    assert ks_complement(np.array([0.3 + 1e-12]), np.array([0.3])) == 0.0
    assert np.isnan(ks_complement(np.array([np.nan]), np.array([1.0])))


def test_tv_complement_leaves_missing_values_out():
    real, synthetic = np.array([0, 0, 1, -1]), np.array([0, 1, 1, 1, -1, -1])
    # shares among present codes: real (2/3, 1/3), synthetic (1/4, 3/4)
    assert tv_complement(real, synthetic, 2) == pytest.approx(1 - (2 / 3 - 1 / 4))
    assert np.isnan(tv_complement(np.array([-1, -1]), synthetic, 2))


def test_sdmetrics_bins_use_each_tables_own_range():
    # edges 0, .3, ..., 3: 1 lies in bin 4, 2 in bin 7; the maximum and NaN in bin 11
    np.testing.assert_array_equal(sdmetrics_bins(np.array([0.0, 1.0, 2.0, 3.0, np.nan])), [1, 4, 7, 11, 11])
    np.testing.assert_array_equal(sdmetrics_bins(np.array([0.0, 1.5])), [1, 11])


def test_contingency_similarity_of_a_mixed_pair_by_hand():
    real = pd.DataFrame({"x": [0.0, 1.0, 2.0, 3.0], "c": ["a", "a", "b", "b"]})
    synthetic = pd.DataFrame({"x": [0.0, 1.5], "c": ["a", "b"]})
    report = compare_structure(real, synthetic, real_association_threshold=0)
    pair = report.pair_trends.loc[("x", "c")]
    # real joint shares (bin, c): (1,a) (4,a) (7,b) (11,b) 1/4 each; synthetic, binned on
    # its own range [0, 1.5]: (1,a) (11,b) 1/2 each.  TVD = (1/4 + 1/4 + 1/4 + 1/4) / 2.
    # (Binned on the real edges, 1.5 would fall in bin 6 and the score would be 0.25.)
    assert pair["metric"] == "ContingencySimilarity"
    assert pair["score"] == pytest.approx(0.5)
    assert pair["real_association"] == pytest.approx(1.0)  # each bin holds one category
    # the shapes: KS complement of x (gap 0.5 at 1), TV complement of c (equal shares)
    assert report.column_shapes.loc["x", "score"] == pytest.approx(0.5)
    assert report.column_shapes.loc["c", "score"] == pytest.approx(1.0)
    assert report.quality_score == pytest.approx(((0.5 + 1.0) / 2 + 0.5) / 2)


def test_missing_categories_are_a_category_in_contingency_only():
    real = pd.DataFrame({"a": ["u", "u", None, "v"], "b": ["p", "q", "p", "q"]})
    synthetic = pd.DataFrame({"a": ["u", None, None, "v"], "b": ["p", "q", "p", "q"]})
    report = compare_structure(real, synthetic, real_association_threshold=0)
    # joint shares: real (u,p) (u,q) (NA,p) (v,q); synthetic (u,p) (NA,q) (NA,p) (v,q)
    assert report.pair_trends.loc[("a", "b"), "score"] == pytest.approx(1 - (0.25 + 0.25) / 2)
    # shapes among present values: real u 2/3 v 1/3, synthetic u 1/2 v 1/2
    assert report.column_shapes.loc["a", "score"] == pytest.approx(1 - (2 / 3 - 1 / 2))


def test_correlation_similarity_and_the_thresholds():
    rng = np.random.RandomState(0)
    x = rng.normal(size=500)
    real = pd.DataFrame({"x": x, "y": x + 0.3 * rng.normal(size=500), "z": rng.normal(size=500)})
    synthetic = real.copy()
    synthetic["y"] = rng.permutation(synthetic["y"].to_numpy())  # same marginal, correlation lost
    report = compare_structure(real, synthetic)
    trends = report.pair_trends
    r_real, r_synthetic = (
        np.corrcoef(real["x"], real["y"])[0, 1],
        np.corrcoef(synthetic["x"], synthetic["y"])[0, 1],
    )
    assert trends.loc[("x", "y"), "score"] == pytest.approx(1 - abs(r_real - r_synthetic) / 2)
    assert trends.loc[("x", "y"), "real_correlation"] == pytest.approx(r_real)
    # only (x, y) has |r_real| > 0.5: the property is its score alone
    np.testing.assert_array_equal(trends["meets_threshold"], [True, False, False])
    assert report.column_pair_trends_score == pytest.approx(trends.loc[("x", "y"), "score"])
    assert report.column_shapes_score == 1.0  # permuting keeps every marginal
    every_pair = compare_structure(
        real, synthetic, real_correlation_threshold=0, real_association_threshold=0
    )
    assert every_pair.column_pair_trends_score == pytest.approx(trends["score"].mean())
    assert every_pair.column_pair_trends_score != pytest.approx(report.column_pair_trends_score)


def test_no_counted_pair_leaves_the_column_shapes_alone_and_constant_columns_score_nan():
    real = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "k": [5.0, 5.0, 5.0, 5.0]})
    report = compare_structure(real, real.iloc[[0, 0, 1, 3]])
    pair = report.pair_trends.loc[("x", "k")]
    assert np.isnan(pair["score"]) and not pair["meets_threshold"]
    assert np.isnan(report.column_pair_trends_score)
    assert report.quality_score == report.column_shapes_score == pytest.approx((0.75 + 1.0) / 2)


def test_cramers_v():
    assert cramers_v(np.array([[10, 0], [0, 10]])) == pytest.approx(1.0)
    assert cramers_v(np.array([[5, 5], [5, 5]])) == pytest.approx(0.0)
    assert np.isnan(cramers_v(np.array([[3, 4], [0, 0]])))  # one row left
    counts = np.array([[20, 10], [5, 25]])
    expected = np.outer(counts.sum(1), counts.sum(0)) / counts.sum()
    chi2 = ((counts - expected) ** 2 / expected).sum()
    assert cramers_v(counts) == pytest.approx(np.sqrt(chi2 / counts.sum()))


def test_threshold_arguments_are_checked():
    real = pd.DataFrame({"x": [1.0, 2.0, 3.0]})
    with pytest.raises(ValueError, match="real_correlation_threshold"):
        compare_structure(real, real, real_correlation_threshold=1.5)
    with pytest.raises(ValueError, match="real_association_threshold"):
        compare_structure(real, real, real_association_threshold="high")
