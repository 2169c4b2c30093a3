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


def test_skewness_and_pearson_kurtosis_by_hand():
    values = np.array([0.0, 0.0, 0.0, 1.0, np.nan])
    real = pd.DataFrame({"x": values, "y": [1.0, 2.0, 3.0, 4.0, 5.0]})
    report = compare_structure(real, real.iloc[[0, 3, 3, 3]])
    # x: mean 1/4, central moments m2 = 3/16, m3 = 3/32, m4 = 21/256 (population, NaN left out)
    m2, m3, m4 = 3 / 16, 3 / 32, 21 / 256
    assert report.columns.loc["x", "skewness_real"] == pytest.approx(m3 / m2**1.5)  # 1.1547
    assert report.columns.loc["x", "kurtosis_real"] == pytest.approx(m4 / m2**2)  # 7/3, not excess
    # synthetic x = (0, 1, 1, 1): the mirror image, same kurtosis, opposite skewness
    assert report.columns.loc["x", "skewness_synthetic"] == pytest.approx(-m3 / m2**1.5)
    assert report.columns.loc["x", "kurtosis_synthetic"] == pytest.approx(m4 / m2**2)
    # y = 1..5: symmetric, kurtosis 1.7 (m4 = 6.8, m2 = 2)
    assert report.columns.loc["y", "skewness_real"] == pytest.approx(0.0, abs=1e-12)
    assert report.columns.loc["y", "kurtosis_real"] == pytest.approx(1.7)
    assert report.summary["max |kurtosis difference|"] == pytest.approx(
        abs(report.columns.loc["y", "kurtosis_synthetic"] - 1.7)
    )
    assert "kurtosis_predicted" not in report.columns


def test_gaussian_kurtosis_is_three():
    X = np.random.RandomState(0).normal(size=(200_000, 1))
    kurtosis = compare_structure(X, X).columns["kurtosis_real"].iloc[0]
    # the standard error of the sample kurtosis of a Gaussian is sqrt(24 / n) ~ 0.011
    assert abs(kurtosis - 3) < 5 * np.sqrt(24 / len(X))
    assert abs(kurtosis) > 1  # not the excess kurtosis


class _FakeLaw:
    """A weight law that only has ``kurtosis_after``, recording its calls."""

    def __init__(self):
        self.calls = []

    def kurtosis_after(self, kurtosis, rounds):
        self.calls.append((kurtosis, rounds))
        return 2 * kurtosis + rounds


def test_kurtosis_predicted_comes_from_the_weight_law(real):
    law = _FakeLaw()
    report = compare_structure(real, real, weights=law, rounds=3)
    kurtosis = report.columns["kurtosis_real"]
    np.testing.assert_allclose(report.columns["kurtosis_predicted"], 2 * kurtosis + 3)
    assert law.calls == [(pytest.approx(k), 3) for k in kurtosis]
    assert all(type(k) is float and type(r) is int for k, r in law.calls)


def test_weights_and_rounds_are_checked(real):
    with pytest.raises(TypeError, match="kurtosis_after"):
        compare_structure(real, real, weights=object())
    with pytest.raises(ValueError, match="rounds"):
        compare_structure(real, real, weights=_FakeLaw(), rounds=-1)
    with pytest.raises(ValueError, match="rounds"):
        compare_structure(real, real, rounds=1.5)


def test_histograms_hold_the_binned_marginals(real):
    synthetic = real.copy()
    synthetic["x"] = synthetic["x"] * 2
    report = compare_structure(real, synthetic)
    histogram = report.histograms.loc["x"]
    assert len(histogram) == 30
    edges = np.append(histogram["left"], histogram["right"].iloc[-1])
    assert edges[0] == min(real["x"].min(), synthetic["x"].min())
    assert edges[-1] == max(real["x"].max(), synthetic["x"].max())
    np.testing.assert_allclose(histogram["share_real"], np.histogram(real["x"], bins=edges)[0] / len(real))
    np.testing.assert_allclose(histogram["share_synthetic"].sum(), 1.0)
    assert set(report.histograms.index.get_level_values(0)) == {"x", "y"}


def test_columns_of_other_kinds_are_left_out_with_a_note(monkeypatch, real):
    """A codec kind other than continuous / categorical (the lead's "identifier", say)."""
    from skmixup.columns import TableCodec
    from skmixup.diagnostics import _encoding

    class CodecWithIdentifiers(TableCodec):
        """Reports the column "id" as an identifier and encodes it in neither array."""

        def fit_encode(self, X, **kwargs):
            result = super().fit_encode(X.drop(columns="id"), **kwargs)
            self.kinds = {**self.kinds, "id": "identifier"}
            return result

        def encode(self, X, **kwargs):
            return super().encode(X.drop(columns="id"), **kwargs)

    monkeypatch.setattr(_encoding, "TableCodec", CodecWithIdentifiers)
    with_ids = real.assign(id=np.arange(len(real)))
    report = compare_structure(with_ids, with_ids)
    assert report.notes == [
        "Column 'id' (kind 'identifier') is left out: only continuous and categorical columns are compared."
    ]
    assert "id" not in report.column_shapes.index and "id" not in report.columns.index
    assert "note: Column 'id'" in str(report)


def test_identifier_columns_are_left_out_of_both_reports(real):
    from skmixup.diagnostics import privacy_report

    with_ids = real.assign(customer_id=np.arange(len(real)))
    fresh_ids = with_ids.assign(customer_id=np.arange(len(real)) + 10_000)
    report = compare_structure(with_ids, fresh_ids)
    assert "customer_id" not in report.column_shapes.index
    assert any("'customer_id' (kind 'identifier')" in note for note in report.notes)
    assert report.quality_score == 1.0
    privacy = privacy_report(with_ids, fresh_ids)
    assert privacy.exact_copies == len(real)  # the identifier does not hide the copies
    assert any("customer_id" in note for note in privacy.notes)


def test_polars_tables_give_the_same_reports(real):
    from optional import require

    polars = require("polars")
    from skmixup.diagnostics import privacy_report

    synthetic = real.sample(frac=1, random_state=1).reset_index(drop=True)
    synthetic["x"] = synthetic["x"] * 1.5
    expected = compare_structure(real, synthetic)
    got = compare_structure(polars.from_pandas(real), polars.from_pandas(synthetic))
    assert got.quality_score == pytest.approx(expected.quality_score)
    pd.testing.assert_frame_equal(got.columns, expected.columns)
    pd.testing.assert_frame_equal(got.pair_trends, expected.pair_trends)
    distances = privacy_report(real, synthetic).synthetic["dcr"]
    polars_distances = privacy_report(polars.from_pandas(real), polars.from_pandas(synthetic)).synthetic[
        "dcr"
    ]
    np.testing.assert_allclose(polars_distances, distances)
