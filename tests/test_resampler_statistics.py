"""The resampler keeps a mixed table's structure as SPEC §2 says.

Targets are the moments of the real table itself (its empirical
distribution), so only the mixing's own sampling error is left; tolerances
are Z standard errors estimated from the synthetic sample (stats_utils).
"""

import numpy as np
import pandas as pd
import pytest
from stats_utils import (
    Z,
    correlation_se,
    covariance_se,
    mean_se,
    population_covariance,
    population_variance,
    variance_se,
)

from skmixup import Beta, EpBeta, StructurePreservingMixup, Uniform

N_REAL, N_SYNTHETIC = 3000, 200_000


@pytest.fixture(scope="module")
def mixed_frame():
    rng = np.random.RandomState(42)
    group = rng.choice(["a", "b", "c"], size=N_REAL, p=[0.5, 0.3, 0.2])
    shift = pd.Series(group).map({"a": 0.0, "b": 2.0, "c": -3.0}).to_numpy()
    x = rng.normal(size=N_REAL) + shift
    y = 0.8 * x + rng.normal(scale=0.6, size=N_REAL)
    return pd.DataFrame(
        {
            "x": x,
            "y": y.astype(np.float32),
            "count": rng.poisson(20 + 5 * shift.clip(0), size=N_REAL).astype(np.int64),
            "group": pd.Categorical(group, categories=["a", "b", "c", "unused"]),
            "flag": rng.rand(N_REAL) < 0.3,
            "city": pd.Series(rng.choice(["Seoul", "Busan"], size=N_REAL), dtype="str"),
        }
    )


@pytest.fixture(scope="module")
def synthesised(mixed_frame):
    laws = {"epbeta": EpBeta(delta=0.05), "uniform": Uniform(), "beta": Beta(0.1, 0.1)}
    return {
        name: StructurePreservingMixup(weights=law, random_state=7).fit(mixed_frame).sample(N_SYNTHETIC)
        for name, law in laws.items()
    }


def test_dtypes_names_and_order_come_back(mixed_frame, synthesised):
    for synthetic in synthesised.values():
        assert list(synthetic.columns) == list(mixed_frame.columns)
        pd.testing.assert_series_equal(synthetic.dtypes, mixed_frame.dtypes)
        assert list(synthetic["group"].cat.categories) == ["a", "b", "c", "unused"]


@pytest.mark.parametrize("column", ["x", "y", "count"])
def test_means_kept_by_every_law(mixed_frame, synthesised, column):
    for synthetic in synthesised.values():
        value = synthetic[column].to_numpy(dtype=float)
        assert abs(value.mean() - mixed_frame[column].mean()) < Z * mean_se(value)


@pytest.mark.parametrize(("law", "factor"), [("epbeta", 1.0), ("uniform", 2 / 3), ("beta", 11 / 12)])
@pytest.mark.parametrize("column", ["x", "y"])
def test_variance_scaled_by_the_variance_factor(mixed_frame, synthesised, law, factor, column):
    value = synthesised[law][column].to_numpy(dtype=float)
    target = factor * population_variance(mixed_frame[column])
    tolerance = Z * variance_se(value)
    assert abs(value.var() - target) < tolerance
    if law != "epbeta":  # the shrinkage is resolved, not lost in the noise
        assert abs(value.var() - population_variance(mixed_frame[column])) > 3 * tolerance


@pytest.mark.parametrize(("law", "factor"), [("epbeta", 1.0), ("uniform", 2 / 3)])
def test_covariance_scaled_and_correlation_kept(mixed_frame, synthesised, law, factor):
    synthetic = synthesised[law]
    x, y = synthetic["x"].to_numpy(dtype=float), synthetic["y"].to_numpy(dtype=float)
    real_cov = population_covariance(mixed_frame["x"], mixed_frame["y"])
    assert abs(population_covariance(x, y) - factor * real_cov) < Z * covariance_se(x, y)
    real_corr = np.corrcoef(mixed_frame["x"], mixed_frame["y"].astype(float))[0, 1]
    assert abs(np.corrcoef(x, y)[0, 1] - real_corr) < Z * correlation_se(x, y)


@pytest.mark.parametrize("law", ["epbeta", "uniform", "beta"])
@pytest.mark.parametrize("column", ["group", "flag", "city"])
def test_category_shares_kept(mixed_frame, synthesised, law, column):
    real = mixed_frame[column].value_counts(normalize=True)
    synthetic = synthesised[law][column].value_counts(normalize=True).reindex(real.index)
    se = np.sqrt(real * (1 - real) / N_SYNTHETIC)
    assert (np.abs(synthetic - real) <= Z * se).all()  # an unused category stays at exactly 0


@pytest.mark.parametrize("law", ["epbeta", "uniform"])
def test_conditional_means_follow_the_contamination(mixed_frame, synthesised, law):
    weights = {"epbeta": EpBeta(delta=0.05), "uniform": Uniform()}[law]
    u = weights.contamination(0.5)
    mu = mixed_frame["x"].mean()
    synthetic = synthesised[law]
    for level in ["a", "b", "c"]:
        mu_l = mixed_frame.loc[mixed_frame["group"] == level, "x"].mean()
        value = synthetic.loc[synthetic["group"] == level, "x"].to_numpy()
        expected = (1 - u) * mu_l + u * mu
        assert abs(value.mean() - expected) < Z * mean_se(value)
        if law == "uniform" and level != "a":  # u = 1/4 moves the mean well beyond the tolerance
            # (level "a" has mean 0 = the overall mean, so it does not move)
            assert abs(value.mean() - mu_l) > 3 * Z * mean_se(value)


def test_conditional_variance_for_epbeta(mixed_frame, synthesised):
    u = EpBeta(delta=0.05).contamination(0.5)
    x = mixed_frame["x"].to_numpy()
    sigma2, mu = population_variance(x), x.mean()
    synthetic = synthesised["epbeta"]
    for level in ["a", "b", "c"]:
        x_l = x[(mixed_frame["group"] == level).to_numpy()]
        expected = (1 - u) * population_variance(x_l) + u * sigma2 + u * (1 - u) * (x_l.mean() - mu) ** 2
        value = synthetic.loc[synthetic["group"] == level, "x"].to_numpy()
        assert abs(value.var() - expected) < Z * variance_se(value)


def test_independent_weights_keep_variance_but_shrink_covariance(mixed_frame):
    weights = EpBeta(delta=0.05)
    synthetic = (
        StructurePreservingMixup(weights=weights, shared_weights=False, random_state=3)
        .fit(mixed_frame[["x", "y"]])
        .sample(N_SYNTHETIC)
    )
    x, y = synthetic["x"].to_numpy(dtype=float), synthetic["y"].to_numpy(dtype=float)
    assert abs(x.var() - population_variance(mixed_frame["x"])) < Z * variance_se(x)
    mean = weights.mean()
    factor = 1 - 2 * mean + 2 * mean**2  # independent W^X, W^Y (SPEC §2.3)
    real_cov = population_covariance(mixed_frame["x"], mixed_frame["y"])
    assert abs(population_covariance(x, y) - factor * real_cov) < Z * covariance_se(x, y)
    assert abs(population_covariance(x, y) - real_cov) > 3 * Z * covariance_se(x, y)


@pytest.mark.slow
def test_resynthesis_keeps_variance_with_epbeta_and_collapses_with_uniform(mixed_frame):
    real = mixed_frame[["x", "y", "group"]]
    ratios = {}
    for name, law in {"epbeta": EpBeta(delta=0.05), "uniform": Uniform()}.items():
        table = real
        for round_ in range(10):
            table = StructurePreservingMixup(weights=law, random_state=round_).fit(table).sample(20_000)
        ratios[name] = table["x"].var() / real["x"].var()
    # Uniform: (2/3)^10 = 0.017.  EpBeta: each round's sampling noise only.
    assert ratios["uniform"] < 0.05
    assert 0.8 < ratios["epbeta"] < 1.25


def test_missing_rates_kept_in_expectation():
    rng = np.random.RandomState(0)
    n = 4000
    frame = pd.DataFrame(
        {
            "x": np.where(rng.rand(n) < 0.2, np.nan, rng.normal(size=n)),
            "k": pd.array(np.where(rng.rand(n) < 0.1, None, rng.randint(0, 50, size=n)), dtype="Int64"),
            "s": pd.Series(np.where(rng.rand(n) < 0.3, None, rng.choice(["u", "v"], size=n)), dtype="str"),
        }
    )
    # Without drawing copies again: in this table a row whose x is missing is one of few
    # (k, s) combinations that real rows already have, so redrawing it would change its
    # missing values (test_realism checks that trade-off and its warning).
    synthetic = StructurePreservingMixup(redraw_copies=False, random_state=0).fit(frame).sample(N_SYNTHETIC)
    for column in frame:
        rate = frame[column].isna().mean()
        se = np.sqrt(rate * (1 - rate) / N_SYNTHETIC)
        assert abs(synthetic[column].isna().mean() - rate) < Z * se, column


def test_over_sampling_keeps_within_class_moments():
    rng = np.random.RandomState(1)
    n_major, n_minor = 5000, 400
    minority = rng.multivariate_normal([3, -1], [[2, 1.2], [1.2, 1.5]], size=n_minor)
    X = np.vstack([rng.normal(size=(n_major, 2)), minority])
    y = np.array([0] * n_major + [1] * n_minor)
    strategy = {1: 100_000}  # generate this many minority rows
    mixup = StructurePreservingMixup(sampling_strategy=strategy, random_state=0)
    X_res, y_res = mixup.fit_resample(X, y)
    np.testing.assert_array_equal(X_res[: len(X)], X)
    assert (y_res[len(X) :] == 1).all()
    new = X_res[len(X) :]
    assert len(new) == 100_000 - n_minor
    for k in range(2):
        assert abs(new[:, k].mean() - minority[:, k].mean()) < Z * mean_se(new[:, k])
        assert abs(new[:, k].var() - population_variance(minority[:, k])) < Z * variance_se(new[:, k])
    real_cov = population_covariance(minority[:, 0], minority[:, 1])
    assert abs(population_covariance(new[:, 0], new[:, 1]) - real_cov) < Z * covariance_se(
        new[:, 0], new[:, 1]
    )


def test_stratified_labels_keep_class_shares_and_within_class_moments(mixed_frame):
    X, y = mixed_frame[["x", "y"]], mixed_frame["group"]
    X_new, y_new = StructurePreservingMixup(random_state=0).fit(X, y).sample(N_SYNTHETIC)
    assert isinstance(y_new, pd.Series) and y_new.dtype == y.dtype
    for level in ["a", "b", "c"]:
        share = (y == level).mean()
        assert abs((y_new == level).mean() - share) < Z * np.sqrt(share * (1 - share) / N_SYNTHETIC)
        real_x = X.loc[y == level, "x"].to_numpy()
        new_x = X_new.loc[(y_new == level).to_numpy(), "x"].to_numpy()
        assert abs(new_x.mean() - real_x.mean()) < Z * mean_se(new_x)  # no contamination: exact
        assert abs(new_x.var() - population_variance(real_x)) < Z * variance_se(new_x)


def test_joint_labels_follow_the_categorical_theory(mixed_frame):
    X, y = mixed_frame[["x"]], mixed_frame["group"]
    weights = EpBeta(delta=0.05)
    mixup = StructurePreservingMixup(weights=weights, label_mixing="joint", random_state=0)
    X_new, y_new = mixup.fit(X, y).sample(N_SYNTHETIC)
    u, mu = weights.contamination(0.5), X["x"].mean()
    for level in ["a", "c"]:
        mu_l = X.loc[y == level, "x"].mean()
        value = X_new.loc[(y_new == level).to_numpy(), "x"].to_numpy()
        assert abs(value.mean() - ((1 - u) * mu_l + u * mu)) < Z * mean_se(value)


def test_soft_labels_keep_covariance_with_one_hot(mixed_frame):
    X, y = mixed_frame[["x"]], mixed_frame["group"]
    mixup = StructurePreservingMixup(label_mixing="soft", random_state=0)
    X_new, scores = mixup.fit(X, y).sample(N_SYNTHETIC)
    assert scores.shape == (N_SYNTHETIC, 3)  # one column per observed class, in classes_ order
    assert scores.min() < 0 < 1 < scores.max()  # EpBeta scores reach outside [0, 1]
    np.testing.assert_allclose(scores.sum(axis=1), 1.0)
    for k, label in enumerate(mixup.classes_):
        one_hot = (y == label).to_numpy(dtype=float)
        real_cov = population_covariance(X["x"], one_hot)
        x_new = X_new["x"].to_numpy()
        assert abs(population_covariance(x_new, scores[:, k]) - real_cov) < Z * covariance_se(
            x_new, scores[:, k]
        )


def test_regression_target_is_mixed_like_a_column():
    rng = np.random.RandomState(5)
    X = rng.normal(size=(3000, 3))
    beta = np.array([1.0, -2.0, 0.5])
    y = X @ beta + rng.normal(scale=0.5, size=3000)
    X_new, y_new = StructurePreservingMixup(random_state=0).fit(X, y).sample(N_SYNTHETIC)
    design = np.column_stack([np.ones(len(X_new)), X_new])
    coefficients, residuals = np.linalg.lstsq(design, y_new, rcond=None)[:2]
    standard_errors = np.sqrt(residuals[0] / (len(y_new) - 4) * np.diag(np.linalg.inv(design.T @ design)))
    real = np.linalg.lstsq(np.column_stack([np.ones(3000), X]), y, rcond=None)[0]
    # Shared weights keep every covariance, hence the OLS slopes (SPEC §2.3).
    assert (np.abs(coefficients - real) < Z * standard_errors).all()
