"""Three-parent weights in the estimator: CircleWeights and KurtosisMatchedWeights.

The laws' own formulas are tested in test_moments.py; here they go through
``fit`` -> ``sample`` and ``fit_resample`` with every label mode, and the
predicted kurtosis of the diagnostics is checked against a real round.
"""

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from stats_utils import Z, mean_se, population_variance, variance_se

from skmixup import CircleWeights, EpBeta, KurtosisMatchedWeights, StructurePreservingMixup
from skmixup.diagnostics import compare_structure
from skmixup.resampler import _absent_parents_are_kept
from skmixup.weights._kurtosis import median_kurtosis

N_REAL, N_SYNTHETIC = 4000, 200_000


@pytest.fixture(scope="module")
def table():
    rng = np.random.RandomState(0)
    group = rng.choice(["a", "b"], size=N_REAL, p=[0.7, 0.3])
    x = rng.standard_t(6, size=N_REAL) + (group == "b") * 2.0
    y = 0.5 * x + rng.normal(size=N_REAL)
    y[rng.rand(N_REAL) < 0.1] = np.nan
    return pd.DataFrame({"x": x, "y": y, "group": group})


def batch_se(values: np.ndarray, statistic, batches: int = 20) -> float:
    """Standard error of a statistic of i.i.d. rows, from its spread over batches."""
    estimates = [statistic(part) for part in np.array_split(values, batches)]
    return float(np.std(estimates, ddof=1) / np.sqrt(batches))


def kurtosis(values: np.ndarray) -> float:
    return float(stats.kurtosis(values, fisher=False))


@pytest.mark.parametrize("law", [CircleWeights(delta=0.05), KurtosisMatchedWeights(delta=0.05)])
def test_three_parent_laws_keep_means_variances_and_missingness(table, law):
    mixup = StructurePreservingMixup(weights=law, value_grids=False, random_state=0).fit(table)
    assert mixup.cut_point_ is None
    synthetic = mixup.sample(N_SYNTHETIC)
    for column in ("x", "y"):
        real = table[column].dropna().to_numpy()
        values = synthetic[column].dropna().to_numpy()
        assert abs(values.mean() - real.mean()) < Z * mean_se(values)
        assert abs(values.var() - population_variance(real)) < Z * variance_se(values)
    missing = synthetic["y"].isna().mean()
    assert abs(missing - table["y"].isna().mean()) < Z * np.sqrt(missing * (1 - missing) / N_SYNTHETIC)
    share = (synthetic["group"] == "b").mean()
    assert abs(share - (table["group"] == "b").mean()) < Z * np.sqrt(share * (1 - share) / N_SYNTHETIC)


@pytest.mark.parametrize(
    "law", [CircleWeights(delta=0.05), KurtosisMatchedWeights(delta=0.05), EpBeta(delta=0.05)]
)
def test_one_round_moves_the_kurtosis_as_predicted(table, law):
    x = table[["x"]]
    mixup = StructurePreservingMixup(weights=law, value_grids=False, random_state=1).fit(x)
    values = mixup.sample(N_SYNTHETIC)["x"].to_numpy()
    # The prediction is for the real table's own (empirical) distribution, with distinct
    # parents a correction of order 1/n: within noise at 4000 rows.
    predicted = float(mixup.weights_.kurtosis_after(kurtosis(x["x"].to_numpy()), rounds=1))
    assert abs(kurtosis(values) - predicted) < Z * batch_se(values, kurtosis) + 0.02
    report = compare_structure(x, pd.DataFrame({"x": values}), weights=mixup.weights_, rounds=1)
    assert report.columns.loc["x", "kurtosis_predicted"] == pytest.approx(predicted)


def test_kurtosis_matched_weights_resolve_to_the_tables_kurtosis(table):
    mixup = StructurePreservingMixup(weights=KurtosisMatchedWeights(), random_state=0).fit(table)
    target = np.median([kurtosis(table[c].dropna().to_numpy()) for c in ("x", "y")])
    assert mixup.weights_.kurtosis_after(target, rounds=25) == pytest.approx(target, rel=1e-6)
    assert mixup.weights.kurtosis == "median"  # the parameter itself is untouched


def test_within_stratum_kurtosis_by_hand():
    rng = np.random.default_rng(3)
    strata = rng.integers(0, 3, size=600) * 7  # codes need not be 0..k-1
    table = rng.laplace(size=(600, 3)) * (1 + strata[:, None]) + strata[:, None] ** 2
    table[rng.random(600) < 0.2, 1] = np.nan
    table[strata == 7, 2] = 4.0  # constant in one stratum: it adds nothing to either sum
    expected = []
    for column in table.T:
        fourth = squared = 0.0
        for code in np.unique(strata):
            values = column[(strata == code) & ~np.isnan(column)]
            centred = values - values.mean()
            fourth += (centred**4).sum()
            squared += len(values) * np.mean(centred**2) ** 2
        expected.append(fourth / squared)
    assert median_kurtosis(table, strata) == pytest.approx(np.median(expected), rel=1e-12)
    one_stratum = median_kurtosis(table, np.zeros(600, dtype=int))
    assert one_stratum == pytest.approx(median_kurtosis(table), rel=1e-12)
    with pytest.raises(ValueError, match=r"one integer code per row, shape \(600,\)"):
        median_kurtosis(table, strata[:-1])


def within_fourth_moment(values: np.ndarray, labels: np.ndarray) -> float:
    """Σ_s n_s m4_s / n: the mean fourth power of each row's distance to its class mean."""
    means = pd.Series(values).groupby(labels).transform("mean").to_numpy()
    return float(np.mean((values - means) ** 4))


def test_stratified_kurtosis_matched_weights_keep_the_within_class_fourth_moment():
    """Parents within a class: the target is the within-class kurtosis, whose fourth moment is kept.

    The whole table's kurtosis also counts the spread between the class means,
    which stratified mixing leaves alone; targeting it would move the fourth
    moment the recursions act on.
    """
    rng = np.random.default_rng(5)
    labels = np.repeat(["a", "b"], [3000, 1000])
    x = np.where(labels == "a", rng.standard_normal(4000), 2.0 * rng.laplace(size=4000) + 3.0)
    X = pd.DataFrame({"x": x})
    settings = dict(value_grids=False, distinct_parents=False, redraw_copies=False)
    mixup = StructurePreservingMixup(
        weights=KurtosisMatchedWeights(), label_mixing="stratified", random_state=6, **settings
    ).fit(X, labels)
    codes = np.searchsorted(["a", "b"], labels)
    within = median_kurtosis(x[:, None], codes)
    pooled = kurtosis(x)
    assert mixup.weights_.kurtosis == pytest.approx(within, rel=1e-12)
    assert pooled - within > 2.0  # the far, wide class b makes the whole table's tails heavier
    synthetic, y_new = mixup.sample(10**6)
    values, y_new = synthetic["x"].to_numpy(), np.asarray(y_new)
    observed = within_fourth_moment(values, y_new)
    se = batch_se(np.column_stack([values, codes.take(np.searchsorted(["a", "b"], y_new))]),
                  lambda part: within_fourth_moment(part[:, 0], part[:, 1]))  # fmt: skip
    real = within_fourth_moment(x, labels)
    assert abs(observed - real) < Z * se
    # EpBeta alone, the mixture's two-parent component, raises it far outside the tolerance.
    squares = pd.Series(x).groupby(labels).var(ddof=0).to_numpy() ** 2
    a, b = EpBeta(delta=0.05, epsilon=0.3).fourth_moment_factors()
    assert abs(a * real + b * float(np.average(squares, weights=[3000, 1000])) - real) > Z * se
    # fit_resample draws both parents within a class too, among the classes it over-samples.
    resampler = StructurePreservingMixup(weights=KurtosisMatchedWeights(), random_state=0)
    resampler.fit_resample(X, labels)
    assert resampler.weights_.kurtosis == pytest.approx(median_kurtosis(x[labels == "b", None]), rel=1e-12)


@pytest.mark.parametrize("label_mixing", ["stratified", "joint", "soft"])
def test_three_parent_laws_with_every_label_mode(table, label_mixing):
    labels = table["group"]
    X = table.drop(columns="group")
    mixup = StructurePreservingMixup(weights=CircleWeights(), label_mixing=label_mixing, random_state=0)
    synthetic, y = mixup.fit(X, labels).sample(2000)
    assert len(synthetic) == 2000
    if label_mixing == "soft":
        np.testing.assert_allclose(np.asarray(y).sum(axis=1), 1.0)
    else:
        assert set(y) <= {"a", "b"}
    X_res, y_res = StructurePreservingMixup(weights=KurtosisMatchedWeights(), random_state=0).fit_resample(
        X, labels
    )
    assert y_res.value_counts()["a"] == y_res.value_counts()["b"]
    pd.testing.assert_frame_equal(X_res.iloc[: len(X)], X)


def test_three_parent_laws_refuse_a_cut_point_and_independent_weights(table):
    with pytest.raises(ValueError, match=r"'cut_point' parameter must be None with CircleWeights"):
        StructurePreservingMixup(weights=CircleWeights(), cut_point=0.5).fit(table)
    with pytest.raises(ValueError, match=r"shared_weights=False .* CircleWeights mixes three parents"):
        StructurePreservingMixup(weights=CircleWeights(), shared_weights=False).fit(table)


def test_a_parent_of_weight_zero_becomes_the_kept_parent():
    parents = np.array([[4, 7, 9], [1, 2, 3], [5, 6, 8]])
    weights = np.array([[0.9, 0.1, 0.0], [0.2, 0.3, 0.5], [0.0, 1.0, 0.0]])
    kept = np.array([0, 2, 1])
    _absent_parents_are_kept(parents, weights, kept)
    np.testing.assert_array_equal(parents, [[4, 7, 4], [1, 2, 3], [6, 6, 6]])
