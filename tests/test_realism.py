"""Synthetic tables that look real and are safe to share.

Distinct parents (SPEC §6), no copies of real rows, identifiers, value
grids, discrete integer columns, exact class counts and conditional
sampling.  Statistical tests compare with the moments of the real table
itself, with tolerances of Z standard errors (stats_utils).
"""

import warnings

import numpy as np
import pandas as pd
import pytest
from stats_utils import Z, covariance_se, mean_se, population_covariance, population_variance, variance_se

from skmixup import EpBeta, StructurePreservingMixup, Uniform

# ----------------------------------------------------------------- distinct parents (SPEC §6)


def distinct_factor(weights, n):
    """Var[X~] / σ²_n for distinct parents: 1 - 2(E[W] - E[W²])·n/(n - 1)."""
    return 1.0 - 2.0 * (weights.mean() - weights.second_moment()) * n / (n - 1)


@pytest.mark.parametrize("law", [Uniform(), EpBeta(delta=0.05)], ids=["uniform", "epbeta"])
def test_distinct_parents_scale_variance_and_covariance_by_the_distinct_factor(law):
    rng = np.random.RandomState(0)
    n = 8  # small, so that n / (n - 1) is resolved
    X = rng.multivariate_normal([1.0, -2.0], [[1.0, 0.6], [0.6, 2.0]], size=n)
    m = 400_000
    for distinct, factor in ((True, distinct_factor(law, n)), (False, law.variance_factor())):
        # (with independent parents a row paired with itself is a copy, which redraw_copies
        # would draw again: the paper's model is without it)
        mixup = StructurePreservingMixup(
            weights=law, distinct_parents=distinct, value_grids=False, redraw_copies=distinct, random_state=1
        )
        synthetic = mixup.fit(X).sample(m)
        for c in range(2):
            target = factor * population_variance(X[:, c])
            assert abs(synthetic[:, c].var() - target) < Z * variance_se(synthetic[:, c])
            assert abs(synthetic[:, c].mean() - X[:, c].mean()) < Z * mean_se(synthetic[:, c])
        cov = population_covariance(synthetic[:, 0], synthetic[:, 1])
        target = factor * population_covariance(X[:, 0], X[:, 1])
        assert abs(cov - target) < Z * covariance_se(synthetic[:, 0], synthetic[:, 1])
    if isinstance(law, Uniform):  # the two laws are resolved apart: 0.667 against 0.619
        wrong = law.variance_factor() * population_variance(X[:, 0])
        assert abs(synthetic[:, 0].var() - wrong) < Z * variance_se(synthetic[:, 0])
        assert abs(distinct_factor(law, n) - law.variance_factor()) * population_variance(X[:, 0]) > (
            10 * variance_se(synthetic[:, 0])
        )


def test_epbeta_keeps_the_variance_exactly_with_distinct_parents():
    law = EpBeta(delta=0.05)
    assert distinct_factor(law, 5) == pytest.approx(1.0, abs=1e-10)


def test_no_row_is_paired_with_itself():
    X = np.arange(20.0)[:, None] * [1.0, 3.0]
    mixup = StructurePreservingMixup(weights=Uniform(), value_grids=False, random_state=0)
    assert not np.isin(mixup.fit(X).sample(50_000)[:, 0], X[:, 0]).any()


# ----------------------------------------------------------------- no copies of real rows


def gridded_table(n=300, seed=0):
    rng = np.random.RandomState(seed)
    return pd.DataFrame(
        {
            "age": rng.randint(18, 90, size=n),
            "height": np.round(rng.normal(170, 10, size=n), 1),
            "visit": pd.Timestamp("2021-01-01") + pd.to_timedelta(rng.randint(0, 365, size=n), unit="D"),
            "plan": rng.choice(["basic", "pro"], size=n),
        }
    )


@pytest.mark.parametrize("with_float", [True, False], ids=["with-a-float", "grid-columns-only"])
def test_no_synthetic_row_equals_a_real_row(with_float):
    X = gridded_table()
    if with_float:
        X["weight"] = np.random.RandomState(1).lognormal(4, 0.2, size=len(X))
        X.loc[:5, "weight"] = X.loc[0, "weight"]  # duplicated values: mixes of them are checked
    real = {tuple(row) for row in X.astype(object).itertuples(index=False)}
    kept = StructurePreservingMixup(weights=EpBeta(delta=0.02), random_state=0).fit(X).sample(20_000)
    assert not any(tuple(row) in real for row in kept.astype(object).itertuples(index=False))
    # without the redraw, the grid rounds some rows back onto their parent: the test can fail
    leaky = StructurePreservingMixup(weights=EpBeta(delta=0.02), redraw_copies=False, random_state=0)
    copies = sum(
        tuple(row) in real for row in leaky.fit(X).sample(20_000).astype(object).itertuples(index=False)
    )
    assert copies > 0 if not with_float else copies >= 0


def test_weights_rounded_to_one_do_not_copy_rows():
    # Beta(0.1, 0.1) draws a weight of exactly 0.0 or 1.0 (in float64) a few percent of the
    # time: those rows are their parent, and are drawn again like any other copy.
    from skmixup import Beta

    X = np.random.RandomState(0).normal(size=(200, 3))
    leaky = StructurePreservingMixup(weights=Beta(0.1, 0.1), redraw_copies=False, random_state=0)
    real = {tuple(row) for row in X}
    assert sum(tuple(row) in real for row in leaky.fit(X).sample(20_000)) > 100
    kept = StructurePreservingMixup(weights=Beta(0.1, 0.1), random_state=0).fit(X).sample(20_000)
    assert not any(tuple(row) in real for row in kept)


def test_copies_of_real_rows_are_found_exactly():
    from skmixup._copies import CopyFinder
    from skmixup.columns import TableCodec

    X = gridded_table(50)
    codec = TableCodec()
    continuous, categorical = codec.fit_encode(X)
    finder = CopyFinder(codec, continuous, categorical)
    synthetic_continuous = continuous[[3, 7, 7, 11]].copy()
    synthetic_continuous[1, 0] += 0.4  # rounds back to the same age: still a copy
    synthetic_continuous[2, 0] += 0.6  # rounds to the next age: not a copy
    other_plan = 1 - categorical[[11]]  # row 11 with the other plan: equal to no real row
    found = finder.copies(synthetic_continuous, np.vstack([categorical[[3, 7, 7]], other_plan]))
    assert found.tolist() == [0, 1]


def test_a_few_rows_are_checked_by_a_scan_that_agrees_with_the_index(monkeypatch):
    from skmixup import _copies
    from skmixup.columns import TableCodec

    rng = np.random.RandomState(4)
    x = rng.normal(size=300)
    x[10:20] = x[0]  # real rows that share their watched value
    x[30], x[40] = -0.0, np.nan
    frame = pd.DataFrame({"x": x, "y": rng.normal(size=300), "c": rng.choice(["a", "b"], size=300)})
    codec = TableCodec()
    continuous, categorical = codec.fit_encode(frame)
    synthetic = continuous[[0, 12, 30, 0, 40, 12, 5]].copy()
    codes = categorical[[0, 12, 30, 0, 40, 12, 5]].copy()
    synthetic[2, 0] = 0.0  # equal to -0.0
    synthetic[3, 1] += 1.0  # row 0's watched value, another y: no copy
    codes[5] = 1 - codes[5]  # row 12 with the other category: no copy
    synthetic[6, 0] = x[0]  # row 5 with row 0's watched value: no copy
    found = []
    # A scan of the watched column; the index of every real row; the index again when more real
    # rows share the watched values than the scan compares (11 share row 0's).
    for scan_max_rows, scan_max_shared, scans in ((16, 4096, True), (0, 4096, False), (16, 10, False)):
        monkeypatch.setattr(_copies, "_SCAN_MAX_ROWS", scan_max_rows)
        monkeypatch.setattr(_copies, "_SCAN_MAX_SHARED", scan_max_shared)
        finder = _copies.CopyFinder(codec, continuous, categorical)
        assert codec.continuous_handlers[finder.watched_column].name == "x"
        found.append(finder.copies(synthetic, codes).tolist())
        assert (finder._real_keys is None) == scans
    assert found[0] == found[1] == found[2] == [0, 1, 2, 4]


def test_rows_that_cannot_be_new_get_another_kept_parent_and_a_warning():
    # Where x is missing a row is one of 150 (k, s) combinations, nearly all of them real rows:
    # keeping their kept parent (and its missing x) they cannot differ from every real row.
    rng = np.random.RandomState(0)
    n = 4000
    frame = pd.DataFrame(
        {
            "x": np.where(rng.rand(n) < 0.2, np.nan, rng.normal(size=n)),
            "k": rng.randint(0, 50, size=n),
            "s": rng.choice(["u", "v", "w"], size=n),
        }
    )
    with pytest.warns(
        UserWarning, match=r"of the synthetic rows needed another kept parent .* redraw_copies=False"
    ):
        synthetic = StructurePreservingMixup(random_state=0).fit(frame).sample(20_000)
    assert synthetic["x"].isna().mean() < 0.1  # the cost: fewer rows with x missing
    real = set(frame.astype(str).itertuples(index=False))
    assert not any(row in real for row in synthetic.astype(str).itertuples(index=False))  # NaN == NaN as text
    exact = StructurePreservingMixup(redraw_copies=False, random_state=0).fit(frame).sample(20_000)
    assert abs(exact["x"].isna().mean() - 0.2) < 5 * np.sqrt(0.2 * 0.8 / 20_000)


def test_a_table_without_a_mixed_column_warns_that_rows_are_copies():
    X = pd.DataFrame({"a": list("xyzxyz") * 5, "b": [1, 2] * 15})
    with pytest.warns(UserWarning, match="every synthetic row is a copy of a real row"):
        StructurePreservingMixup(random_state=0).fit(X).sample(10)


def test_delta_zero_copies_by_design_without_redrawing():
    X = gridded_table(40)
    synthetic = StructurePreservingMixup(weights=EpBeta(delta=0), random_state=0).fit(X).sample(200)
    real = {tuple(row) for row in X.astype(object).itertuples(index=False)}
    assert all(tuple(row) in real for row in synthetic.astype(object).itertuples(index=False))


def full_precision_classes(n=30, seed=0):
    """Floats with all their digits (no grid to round a near copy back) and a class of one row."""
    X = np.random.RandomState(seed).normal(size=(n, 3))
    return X, np.array([0] * (n - 1) + [1])


def test_a_stratum_of_one_row_gives_exact_copies_and_only_the_one_warning():
    # Σ w_k·x is x only up to rounding: without exact copies the redraw would "fix" these
    # rows by flipping their last bit, and warn that they needed other parents.
    X, y = full_precision_classes()
    mixup = StructurePreservingMixup(random_state=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        X_res, _ = mixup.fit_resample(X, y)
    assert [str(w.message) for w in caught] == [
        "Class 1 has a single row: its 28 synthetic rows are copies of it."
    ]
    np.testing.assert_array_equal(X_res[len(X) :], np.tile(X[-1], (28, 1)))
    # Stratified sampling and a condition met by one row: the lone row's mixes are it, exactly.
    synthetic, labels = mixup.fit(X, y).sample(3000)
    assert (labels == 1).sum() > 0
    np.testing.assert_array_equal(synthetic[labels == 1], np.tile(X[-1], ((labels == 1).sum(), 1)))
    with pytest.warns(UserWarning, match="one row of the fitted table meets the conditions"):
        given, _ = mixup.sample(50, given={"y": 1})
    np.testing.assert_array_equal(given, np.tile(X[-1], (50, 1)))


def test_independent_parents_leave_no_row_equal_to_a_real_one_up_to_rounding():
    # A row paired with itself mixes to its own values give or take an ulp: it is a copy,
    # found and drawn again, not a new row one bit away from a real one.
    X, _ = full_precision_classes(5)
    synthetic = StructurePreservingMixup(distinct_parents=False, random_state=0).fit(X).sample(20_000)
    near = np.isclose(synthetic[:, None, :], X[None], rtol=1e-12, atol=0).all(axis=2).any(axis=1)
    assert near.sum() == 0


def test_rows_drawn_as_both_parents_get_new_parents_at_the_first_redraw(monkeypatch):
    # New weights cannot change a row whose parents are one row: its other parent is drawn
    # again at once (before, eight rounds of new weights left all 4023 such rows copies).
    from skmixup import _copies

    checked = []
    copies = _copies.CopyFinder.copies

    def counted(self, continuous, categorical, candidates=None):
        checked.append(len(continuous) if candidates is None else int(candidates.sum()))
        return copies(self, continuous, categorical, candidates)

    monkeypatch.setattr(_copies.CopyFinder, "copies", counted)
    X = np.random.RandomState(0).normal(size=(5, 3))
    StructurePreservingMixup(distinct_parents=False, random_state=0).fit(X).sample(20_000)
    # about 20 000 / 5 rows drawn twice; then those of them drawn twice again: a fifth
    assert abs(checked[0] - 4000) < 5 * np.sqrt(20_000 * 0.2 * 0.8)
    assert checked[1] < 0.3 * checked[0] and len(checked) <= 8


# ----------------------------------------------------------------- identifiers


def people(n=200, seed=0):
    rng = np.random.RandomState(seed)
    return pd.DataFrame(
        {
            "customer_id": rng.permutation(10_000)[:n] + 100_000,
            "email": [f"user{k:04d}@example.com" for k in rng.permutation(n)],
            "row": np.arange(n),
            "income": rng.lognormal(10, 0.5, size=n),  # distinct floats stay continuous
            "city": rng.choice(["Seoul", "Busan", "Incheon"], size=n),
        }
    )


def test_identifiers_are_detected_and_warned_about_by_name():
    with pytest.warns(UserWarning, match=r"\['customer_id', 'email', 'row'\] look like identifiers"):
        mixup = StructurePreservingMixup(random_state=0).fit(people())
    assert mixup.column_kinds_ == {
        "customer_id": "identifier",
        "email": "identifier",
        "row": "identifier",
        "income": "continuous",
        "city": "categorical",
    }
    np.testing.assert_array_equal(mixup.identifier_features_, [0, 1, 2])


def test_identifiers_get_fresh_values_that_equal_no_real_one():
    X = people()
    with pytest.warns(UserWarning, match="identifiers"):
        mixup = StructurePreservingMixup(random_state=0).fit(X)
    synthetic = mixup.sample(1000)
    pd.testing.assert_series_equal(synthetic.dtypes, X.dtypes)
    for column in ("customer_id", "email", "row"):
        assert not synthetic[column].isin(X[column]).any()
        assert synthetic[column].is_unique
    assert synthetic["customer_id"].min() > X["customer_id"].max()
    assert synthetic["email"].str.fullmatch(r"user\d{4}@example\.com").all()  # the shape of the real ones
    labels = np.where(np.arange(len(X)) < 30, "rare", "common")
    with pytest.warns(UserWarning, match="identifiers"):
        X_res, _ = StructurePreservingMixup(random_state=0).fit_resample(X, labels)
    new = X_res.iloc[len(X) :]
    assert not new["email"].isin(X["email"]).any() and new["row"].min() == len(X)


def test_small_or_repetitive_columns_are_not_identifiers():
    rng = np.random.RandomState(0)
    X = pd.DataFrame(
        {
            "id": np.arange(10),  # too few rows to tell
            "count": rng.randint(0, 10**9, size=10),
        }
    )
    assert set(StructurePreservingMixup().fit(X).column_kinds_.values()) == {"continuous"}
    big = pd.DataFrame({"amount": rng.randint(0, 10**9, size=100), "label": rng.choice(list("ab"), 100)})
    # all distinct, but neither named an identifier nor a dense range: a measurement
    assert StructurePreservingMixup().fit(big).column_kinds_["amount"] == "continuous"


def test_identifier_columns_can_be_mixed_or_dropped_instead():
    X = people()
    kinds = {"customer_id": "continuous", "email": "drop", "row": "categorical"}
    mixup = StructurePreservingMixup(column_kinds=kinds, random_state=0).fit(X)
    synthetic = mixup.sample(50)
    assert list(synthetic.columns) == ["customer_id", "row", "income", "city"]
    labels = np.where(np.arange(len(X)) < 30, "rare", "common")
    X_res, _ = StructurePreservingMixup(column_kinds={"email": "drop", "customer_id": "drop"}).fit_resample(
        X.drop(columns="row"), labels
    )
    assert list(X_res.columns) == ["income", "city"]


# ----------------------------------------------------------------- value grids


def test_dates_observed_at_midnight_stay_at_midnight():
    rng = np.random.RandomState(0)
    days = pd.to_timedelta(rng.randint(0, 700, size=300), unit="D")
    X = pd.DataFrame(
        {
            "naive": pd.Timestamp("2020-01-01") + days,
            "paris": (pd.Timestamp("2020-01-01") + days).tz_localize(
                "Europe/Paris"
            ),  # local midnights, DST too
            "x": rng.normal(size=300),
        }
    )
    synthetic = StructurePreservingMixup(random_state=0).fit(X).sample(5000)
    assert (synthetic["naive"] == synthetic["naive"].dt.normalize()).all()
    # a value snapped across a daylight-saving change may be an hour off the local grid
    off_grid = synthetic["paris"] != synthetic["paris"].dt.normalize()
    assert off_grid.mean() < 0.01
    full = StructurePreservingMixup(value_grids=False, random_state=0).fit(X).sample(5000)
    assert (full["naive"] != full["naive"].dt.normalize()).mean() > 0.5


def test_decimals_are_kept():
    rng = np.random.RandomState(0)
    X = pd.DataFrame(
        {"price": np.round(rng.lognormal(3, 1, 500), 2), "score": np.round(rng.normal(size=500), 1)}
    )
    synthetic = StructurePreservingMixup(random_state=0).fit(X).sample(5000)
    np.testing.assert_array_equal(synthetic["price"], np.round(synthetic["price"], 2))
    np.testing.assert_array_equal(synthetic["score"], np.round(synthetic["score"], 1))
    assert (np.round(synthetic["price"], 1) != synthetic["price"]).mean() > 0.5  # two decimals, not one
    full = StructurePreservingMixup(value_grids=False, random_state=0).fit(X).sample(5000)
    assert (np.round(full["price"], 2) != full["price"]).mean() > 0.9


def test_few_level_integers_keep_their_support_and_distribution():
    rng = np.random.RandomState(0)
    n = 2000
    cylinders = rng.choice([4, 6, 8], size=n, p=[0.5, 0.3, 0.2])
    X = pd.DataFrame({"cylinders": cylinders, "power": 20 * cylinders + rng.normal(0, 15, size=n)})
    law = EpBeta(delta=0.05)
    mixup = StructurePreservingMixup(weights=law, random_state=0).fit(X)
    assert mixup.discrete_features_.tolist() == [0]
    synthetic = mixup.sample(400_000)
    assert set(synthetic["cylinders"]) == {4, 6, 8}
    values = synthetic["cylinders"].to_numpy(dtype=float)
    assert abs(values.var() - population_variance(cylinders)) < Z * variance_se(values)
    for level in (4, 6, 8):
        share = (values == level).mean()
        assert abs(share - (cylinders == level).mean()) < Z * np.sqrt(share * (1 - share) / len(values))
    # the covariance with a mixed column is scaled by 1 - u (the weight of the kept parent)
    u = law.contamination(0.5)
    power = synthetic["power"].to_numpy()
    target = (1 - u) * population_covariance(cylinders, X["power"])
    assert abs(population_covariance(values, power) - target) < Z * covariance_se(values, power)
    assert abs(population_covariance(cylinders, X["power"]) - target) > 10 * covariance_se(values, power)


def test_many_level_integers_keep_their_variance_within_one_percent():
    rng = np.random.RandomState(0)
    X = pd.DataFrame({"age": rng.randint(18, 90, size=3000), "x": rng.normal(size=3000)})
    mixup = StructurePreservingMixup(random_state=0).fit(X)
    assert mixup.discrete_features_.size == 0
    ages = mixup.sample(300_000)["age"].to_numpy(dtype=float)
    ratio = ages.var() / population_variance(X["age"])
    assert abs(ratio - 1) < 0.01
    assert abs(ages.var() - population_variance(X["age"])) < Z * variance_se(ages) + 1 / 12


# ----------------------------------------------------------------- exact class counts


def test_exact_class_counts_by_largest_remainder():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(70, 2))
    y = np.array(["a"] * 40 + ["b"] * 20 + ["c"] * 10)
    mixup = StructurePreservingMixup(random_state=0).fit(X, y)
    for n in (7, 100, 1001):
        _, labels = mixup.sample(n, exact_class_counts=True)
        counts = pd.Series(labels).value_counts().reindex(["a", "b", "c"], fill_value=0).tolist()
        quota = np.array([4, 2, 1]) / 7 * n
        assert sum(counts) == n and all(abs(c - q) < 1 for c, q in zip(counts, quota, strict=True))
    _, drawn = mixup.sample(1001)
    assert pd.Series(drawn).value_counts()["a"] != 572  # only exact on request (572 = the exact count)
    with pytest.raises(ValueError, match="exact_class_counts=True needs class labels"):
        StructurePreservingMixup(label_mixing="joint").fit(X, y).sample(10, exact_class_counts=True)
    with pytest.raises(ValueError, match="exact_class_counts=True needs class labels"):
        StructurePreservingMixup().fit(X).sample(10, exact_class_counts=True)


# ----------------------------------------------------------------- conditional sampling


@pytest.fixture(scope="module")
def penguin_like():
    rng = np.random.RandomState(0)
    n = 3000
    island = rng.choice(["Biscoe", "Dream", "Torgersen"], size=n, p=[0.5, 0.35, 0.15])
    shift = pd.Series(island).map({"Biscoe": 0.0, "Dream": 3.0, "Torgersen": -2.0}).to_numpy()
    bill = 40 + 2 * shift + rng.normal(size=n)
    X = pd.DataFrame({"island": island, "bill": bill, "flipper": 3 * bill + rng.normal(0, 2, size=n)})
    species = np.where(bill > 42, "Gentoo", "Adelie")
    return X, pd.Series(species, name="species")


def test_given_keeps_the_moments_within_the_condition(penguin_like):
    X, _ = penguin_like
    mixup = StructurePreservingMixup(random_state=0, value_grids=False).fit(X)
    synthetic = mixup.sample(200_000, given={"island": "Dream"})
    assert (synthetic["island"] == "Dream").all()
    real = X[X["island"] == "Dream"]
    for column in ("bill", "flipper"):
        values = synthetic[column].to_numpy()
        assert abs(values.mean() - real[column].mean()) < Z * mean_se(values)
        target = population_variance(real[column]) * (1 - 1e-12)  # EpBeta keeps it; distinct: exact
        assert abs(values.var() - target) < Z * variance_se(values)
    whole = X["bill"].mean()
    assert abs(whole - real["bill"].mean()) > 100 * mean_se(synthetic["bill"])  # the condition matters
    cov = population_covariance(synthetic["bill"], synthetic["flipper"])
    target = population_covariance(real["bill"], real["flipper"])
    assert abs(cov - target) < Z * covariance_se(synthetic["bill"], synthetic["flipper"])


def test_given_on_several_values_and_on_the_class_label(penguin_like):
    X, species = penguin_like
    mixup = StructurePreservingMixup(random_state=0).fit(X, species)
    synthetic, labels = mixup.sample(2000, given={"island": ["Biscoe", "Torgersen"], "species": "Adelie"})
    assert set(synthetic["island"]) <= {"Biscoe", "Torgersen"} and (labels == "Adelie").all()
    unnamed = StructurePreservingMixup(random_state=0).fit(X, species.to_numpy())
    assert (unnamed.sample(50, given={"y": "Gentoo"})[1] == "Gentoo").all()


@pytest.mark.parametrize(
    ("given", "match"),
    [
        ({"colour": "red"}, r"column 'colour' is not a column of X nor the class label \('species'\)"),
        (
            {"bill": 40.0},
            r"column 'bill' is continuous; conditions name categorical columns or the class label",
        ),
        ({"island": "Atlantis"}, r"'Atlantis' is not a category of column 'island'"),
        ({"island": "Torgersen", "species": "Gentoo"}, r"no row of the fitted table meets every condition"),
        (["island"], r"The 'given' parameter must be a dict"),
    ],
)
def test_given_errors_name_the_condition(penguin_like, given, match):
    X, species = penguin_like
    X = X.assign(bill=np.where(X["island"] == "Torgersen", 30.0, X["bill"]))
    species = species.where(X["island"] != "Torgersen", "Adelie")
    mixup = StructurePreservingMixup(random_state=0).fit(X, species)
    with pytest.raises((ValueError, TypeError), match=match):
        mixup.sample(10, given=given)
