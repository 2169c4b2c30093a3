"""compare_structure: the structure report of a real and a synthetic table."""

import numpy as np
import pandas as pd
import pytest

from skmixup.diagnostics import StructureReport, compare_structure


@pytest.fixture
def real():
    rng = np.random.RandomState(0)
    n = 400
    group = rng.choice(["a", "b"], size=n)
    x = rng.normal(size=n) + (group == "b") * 2.0
    return pd.DataFrame({"x": x, "y": 2 * x + rng.normal(size=n), "group": group})


def test_identical_tables_have_no_error(real):
    report = compare_structure(real, real)
    assert isinstance(report, StructureReport)
    np.testing.assert_allclose(report.columns["mean_bias"], 0.0, atol=1e-12)
    np.testing.assert_allclose(report.columns["variance_ratio"], 1.0)
    np.testing.assert_allclose(report.pairs["covariance_ratio"], 1.0)
    np.testing.assert_allclose(report.pairs["correlation_error"], 0.0, atol=1e-12)
    np.testing.assert_allclose(report.categories["share_difference"], 0.0)
    np.testing.assert_allclose(report.conditional_means["difference"], 0.0, atol=1e-12)
    errors = {name: value for name, value in report.summary.items() if name.startswith("max")}
    assert len(errors) == 7 and all(value < 1e-9 for value in errors.values())
    assert report.summary["quality score"] == report.quality_score == 1.0
    assert report.column_shapes_score == report.column_pair_trends_score == 1.0


def test_known_distortions_are_reported_exactly(real):
    synthetic = real.copy()
    centre = synthetic["x"].mean()
    synthetic["x"] = centre + 0.5 * (synthetic["x"] - centre) + 1.0  # var x 1/4, mean +1
    synthetic.loc[:99, "group"] = "a"
    report = compare_structure(real, synthetic)
    columns = report.columns
    assert columns.loc["x", "variance_ratio"] == pytest.approx(0.25)
    assert columns.loc["x", "mean_bias"] == pytest.approx(1.0)
    assert columns.loc["x", "standardized_mean_bias"] == pytest.approx(1.0 / real["x"].std())
    assert columns.loc["y", "variance_ratio"] == pytest.approx(1.0)
    assert report.pairs.loc[("x", "y"), "covariance_ratio"] == pytest.approx(0.5)
    assert report.pairs.loc[("x", "y"), "correlation_error"] == pytest.approx(0.0, abs=1e-12)
    shares = report.categories.loc["group"]
    expected_a = (synthetic["group"] == "a").mean()
    assert shares.loc["a", "share_synthetic"] == pytest.approx(expected_a)
    assert shares.loc["a", "share_difference"] == pytest.approx(expected_a - (real["group"] == "a").mean())
    conditional = report.conditional_means.loc[("group", "b", "y")]
    y_b = synthetic.loc[synthetic["group"] == "b", "y"].mean()
    assert conditional["mean_synthetic"] == pytest.approx(y_b)
    assert report.summary["max |variance ratio - 1|"] == pytest.approx(0.75)


def test_missing_values_are_reported_and_skipped():
    real = pd.DataFrame({"x": [1.0, 2.0, np.nan, 4.0], "c": ["u", None, "v", "u"]})
    report = compare_structure(real, real)
    assert report.columns.loc["x", "missing_rate_real"] == 0.25
    assert report.columns.loc["x", "mean_real"] == pytest.approx(7 / 3)
    assert report.categories["share_real"].sum() == pytest.approx(1.0)
    assert report.categories.loc[("c", "u"), "share_real"] == 0.5


def test_arrays_and_tables_without_pairs_or_categories():
    X = np.random.RandomState(1).normal(size=(50, 1))
    report = compare_structure(X, X[:25])
    assert len(report.pairs) == 0 and len(report.categories) == 0
    assert np.isnan(report.summary["max |correlation error|"])
    assert "Structure report" in str(report)


def test_mismatched_columns_are_rejected(real):
    with pytest.raises(ValueError, match="group"):
        compare_structure(real, real.drop(columns="group"))
