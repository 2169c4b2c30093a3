"""Defects found by the bad-input campaign: each test failed before its fix.

Every bad input gets a clear error naming the column or parameter, never a
raw exception from deep inside and never a silently wrong value.
"""

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn.utils._param_validation import InvalidParameterError

from skmixup import EpBeta, StructurePreservingMixup, Uniform

NS = np.iinfo(np.int64)

# Tables spanning most of int64 are what these tests are about: their precision warning is expected.
pytestmark = pytest.mark.filterwarnings("ignore:Column .* spans .* steps:UserWarning")


# 1. Datetimes mixed past the bounds of their unit are clipped exactly, never wrapped.


@pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
@pytest.mark.parametrize("tz", [None, "UTC", "Asia/Tokyo", "America/New_York"])
def test_datetimes_near_the_bounds_of_their_unit_are_clipped_exactly(unit, tz):
    rng = np.random.RandomState(0)
    # Counts spread over the whole int64 range but its last 2 % at each end.
    ints = rng.randint(int(NS.min * 0.98), int(NS.max * 0.98), size=400, dtype=np.int64)
    ints[:2] = [int(NS.min * 0.98), int(NS.max * 0.98)]
    values = pd.Series(ints.view(f"datetime64[{unit}]"))
    if tz is not None:
        values = values.dt.tz_localize("UTC").dt.tz_convert(tz)
    X = pd.DataFrame({"when": values, "x": rng.normal(size=400)})
    mixup = StructurePreservingMixup(weights=EpBeta(delta=0.06, epsilon=1.0), random_state=0)
    synthetic = mixup.fit(X).sample(5000)
    assert synthetic["when"].dtype == X["when"].dtype
    counts = synthetic["when"].dt.tz_convert("UTC") if tz else synthetic["when"]
    counts = (
        counts.to_numpy().view(np.int64)
        if tz is None
        else counts.dt.tz_localize(None).to_numpy().view(np.int64)
    )
    margin = 0 if tz is None else 86_400 * {"s": 1, "ms": 10**3, "us": 10**6, "ns": 10**9}[unit]
    low, high = NS.min + 1 + margin, NS.max - margin
    assert counts.min() >= low and counts.max() <= high
    # the wide weights reach past both ends: those rows sit exactly at the bound
    assert (counts == high).sum() > 50 and (counts == low).sum() > 50


def test_datetimes_observed_1678_to_2200_never_wrap_around():
    rng = np.random.RandomState(1)
    observed = pd.to_datetime(rng.randint(-9.2e18, 7.25e18, size=500).astype(np.int64)).as_unit("ns")
    X = pd.DataFrame({"when": observed})
    synthetic = StructurePreservingMixup(random_state=0).fit(X).sample(20_000)
    years = synthetic["when"].dt.year
    assert years.min() >= 1677 and years.max() <= 2262
    # before the fix values beyond 2262 wrapped around to the 1600s or past 2200 to 2231
    assert ((years > 2200) & (years < 2262)).sum() < (years == 2262).sum() + (years < 2262).sum()


# 2. Finite floats near the dtype's largest value give finite values.


@pytest.mark.parametrize("weights", [Uniform(), EpBeta(delta=0.05)])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_floats_near_the_largest_value_stay_finite(weights, dtype):
    largest = float(np.finfo(dtype).max)
    rng = np.random.RandomState(2)
    x = rng.uniform(-1, 1, size=300) * largest
    X = pd.DataFrame(
        {"x": x.astype(dtype), "y": rng.normal(size=300), "z": rng.uniform(0.9, 1, 300) * largest}
    )
    synthetic = StructurePreservingMixup(weights=weights, random_state=0).fit(X).sample(10_000)
    assert np.isfinite(synthetic.to_numpy(dtype=float)).all()
    # and the mix is still right where it does not overflow: the mean is kept
    assert abs((synthetic["x"].astype(float) / largest).mean() - (x / largest).mean()) < 0.05


def test_floats_near_the_largest_value_with_missing_values_stay_finite():
    largest = np.finfo(np.float64).max
    x = np.array([largest, -largest, 0.9 * largest, np.nan, -0.95 * largest] * 20)
    X = pd.DataFrame({"x": x, "y": np.arange(100.0)})
    synthetic = StructurePreservingMixup(weights=Uniform(), random_state=0).fit(X).sample(5000)
    values = synthetic["x"].to_numpy()
    assert np.isfinite(values[~np.isnan(values)]).all()
    assert 0.1 < np.isnan(values).mean() < 0.3  # missing only as often as the kept parent is


# 3. Python ints beyond int64 are refused with the column's name, never changed silently.


def test_object_ints_beyond_int64_are_refused_with_the_column_name():
    X = pd.DataFrame({"big": pd.Series([1, 2**70, 3, 4], dtype=object), "x": [1.0, 2.0, 3.0, 4.0]})
    with pytest.raises(
        ValueError,
        match=r"Column 'big' holds integers beyond the int64 range.*2\*\*70|1180591620717411303424",
    ):
        StructurePreservingMixup().fit(X)
    # within int64 they survive exactly
    X["big"] = pd.Series([1, 2**62, 3, -(2**62)], dtype=object)
    synthetic = StructurePreservingMixup(weights=EpBeta(delta=0), random_state=0).fit(X).sample(50)
    assert set(synthetic["big"]) <= {1, 2**62, 3, -(2**62)}


# 5. Missing labels: one message from fit and fit_resample.


@pytest.mark.parametrize(
    "labels",
    [
        pd.Series(["a", "b", None, "a"] * 10, dtype=object),
        pd.Series(["a", "b", np.nan, "a"] * 10, dtype=object),
        pd.Series(["a", "b", pd.NA, "a"] * 10, dtype="string"),
        pd.Series([0.0, 1.0, np.nan, 1.0] * 10),
        pd.Series([0, 1, None, 1] * 10, dtype="Int64"),
        np.array(["a", "b", None, "a"] * 10, dtype=object),
    ],
    ids=["None", "nan-object", "NA-string", "nan-float", "NA-Int64", "None-array"],
)
def test_missing_labels_give_one_clear_message(labels):
    X = np.random.RandomState(0).normal(size=(40, 2))
    for method in ("fit", "fit_resample"):
        with pytest.raises(ValueError, match=r"y has missing values .* every row needs a label"):
            getattr(StructurePreservingMixup(), method)(X, labels)


# 6. delta = 0 resamples real rows: every value bit for bit.


def test_delta_zero_returns_real_values_bit_for_bit():
    rng = np.random.RandomState(3)
    n = 60
    X = pd.DataFrame(
        {
            "tenth": np.full(n, 0.1) * rng.randint(1, 9, size=n),
            "tiny": rng.choice([1e-300, 3e-310, 5e-324, 2.5e-300], size=n),
            "ns": pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.randint(0, 10**15, size=n), unit="ns"),
            "f32": rng.normal(size=n).astype(np.float32),
            "count": rng.randint(0, 10**6, size=n),
            "label": rng.choice(["a", "b"], size=n),
        }
    )
    mixup = StructurePreservingMixup(weights=EpBeta(delta=0), random_state=0).fit(X)
    synthetic = mixup.sample(500)
    real_rows = {tuple(row) for row in X.astype(object).itertuples(index=False)}
    assert all(tuple(row) in real_rows for row in synthetic.astype(object).itertuples(index=False))
    for column in ["tenth", "tiny", "f32"]:
        assert set(synthetic[column].to_numpy().view(f"u{X[column].dtype.itemsize}")) <= set(
            X[column].to_numpy().view(f"u{X[column].dtype.itemsize}")
        )
    labels = np.array([0] * 50 + [1] * 10)
    X_res, _ = mixup.fit_resample(X, labels)
    new = X_res.iloc[n:]
    assert all(tuple(row) in real_rows for row in new.astype(object).itertuples(index=False))


# 7. State left by an earlier fit, empty tables, and the weights constraint.


def test_refitting_without_y_forgets_the_classes():
    X = np.random.RandomState(0).normal(size=(30, 2))
    mixup = StructurePreservingMixup(random_state=0).fit(X, np.repeat([0, 1, 2], 10))
    assert hasattr(mixup, "classes_") and hasattr(mixup, "sampling_strategy_")
    mixup.fit(X)
    assert not hasattr(mixup, "classes_") and not hasattr(mixup, "sampling_strategy_")
    assert isinstance(mixup.sample(5), np.ndarray)  # a table alone, not (X, y)


def test_a_frame_without_columns_reports_its_rows():
    with pytest.raises(ValueError, match=r"X has 5 rows but no columns"):
        StructurePreservingMixup().fit(pd.DataFrame(index=range(5)))


class _LooksLikeALaw:
    def rvs(self, size, random_state=None):
        return np.ones(size)

    def expect(self, func):
        return 1.0


@pytest.mark.parametrize("weights", [_LooksLikeALaw(), stats.poisson(2), "epbeta", 0.5])
def test_the_weights_constraint_and_check_agree(weights):
    X = np.random.RandomState(0).normal(size=(10, 2))
    with pytest.raises(InvalidParameterError, match=r"The 'weights' parameter .* frozen continuous scipy"):
        StructurePreservingMixup(weights=weights).fit(X)
    # and what the constraint lets through, the check accepts
    StructurePreservingMixup(weights=stats.beta(2, 2)).fit(X)


# 8. The caller's array is copied, unless copy=False says otherwise.


def test_fit_copies_the_array_unless_told_not_to():
    X = np.random.RandomState(0).normal(size=(50, 3))
    before = StructurePreservingMixup(random_state=0).fit(X.copy()).sample(20)
    mixup = StructurePreservingMixup(random_state=0).fit(X)
    X[:] = 1e6  # the caller reuses its buffer
    np.testing.assert_array_equal(mixup.sample(20), before)
    X = np.random.RandomState(0).normal(size=(50, 3))
    by_reference = StructurePreservingMixup(copy=False, random_state=0).fit(X)
    X[:] = 1e6
    np.testing.assert_allclose(by_reference.sample(20), 1e6, rtol=1e-12)


# Found by the property-based tests (tests/test_properties.py); each failed before its fix.


@pytest.mark.parametrize("shared_weights", [True, False])
def test_delta_zero_keeps_the_sign_of_zero(shared_weights):
    # -0.0 came back as +0.0 (a weight of 1 added 0·x_j to the kept value).
    X = pd.DataFrame({"x": [-0.0, 1.5, -0.0, 2.5, -0.0, 3.5], "z": np.arange(6.0)})
    mixup = StructurePreservingMixup(weights=EpBeta(delta=0), shared_weights=shared_weights, random_state=0)
    synthetic = mixup.fit(X).sample(2000)
    zeros = synthetic["x"].to_numpy()[synthetic["x"].to_numpy() == 0]
    assert zeros.size > 500
    assert np.signbit(zeros).all()  # every real zero is -0.0


def test_joint_labels_with_copies_to_redraw():
    X = pd.DataFrame({"n": [0, 1, 2, 3] * 5})  # integers mixed at full precision round onto real ones
    y = np.repeat([0, 1], 10)
    mixup = StructurePreservingMixup(label_mixing="joint", value_grids=False, random_state=0).fit(X, y)
    X_new, y_new = mixup.sample(50)
    assert len(X_new) == len(y_new) == 50


def test_copies_of_subnormal_values_are_exact_next_to_huge_and_missing_values():
    # 5e-324 came back as 0 in the rows with a NaN, recomputed scaled by 2**-16.
    tiny = 2.0013950906161106e-308
    X = pd.DataFrame(
        {"x": [-np.finfo(np.float64).max, tiny, 5e-324, 3.0] * 5, "y": [np.nan, 1.0, 2.0, np.nan] * 5}
    )
    synthetic = StructurePreservingMixup(weights=EpBeta(delta=0), random_state=0).fit(X).sample(500)
    assert set(synthetic["x"]) <= set(X["x"])


def test_the_median_kurtosis_of_a_table_does_not_depend_on_its_scale():
    from skmixup import KurtosisMatchedWeights

    table = np.random.RandomState(0).standard_t(5, size=(500, 2))
    expected = KurtosisMatchedWeights().resolve(table).kurtosis
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        resolved = KurtosisMatchedWeights().resolve(table * 1e80).kurtosis
    assert resolved == pytest.approx(expected, rel=1e-9)


def test_circle_weights_at_delta_zero_return_real_rows():
    from skmixup import CircleWeights, KurtosisMatchedWeights

    weights, _ = CircleWeights(delta=0.0).draw(1000, random_state=0)
    assert set(np.unique(weights)) == {0.0, 1.0}
    X = pd.DataFrame({"x": [0.1, 1e17, 3.0, 226.0, 1e300, 7.0]})
    for law in (CircleWeights(delta=0.0), KurtosisMatchedWeights(delta=0.0, kurtosis=4.0)):
        synthetic = StructurePreservingMixup(weights=law, random_state=0).fit(X).sample(300)
        assert set(synthetic["x"]) <= set(X["x"])


@pytest.mark.parametrize("three_parents", [False, True])
def test_copies_next_to_huge_and_missing_values_keep_every_bit(three_parents):
    # Found by the deep fuzzing profile: rows with a huge and a missing value are mixed again
    # scaled down; the recomputed sum started from +0.0 (so -0.0 came back as +0.0) and
    # replaced the whole row (so 1.5e-305, subnormal once scaled, lost its last bits).
    from skmixup import KurtosisMatchedWeights

    law = KurtosisMatchedWeights(delta=0.0, kurtosis=4.0) if three_parents else EpBeta(delta=0)
    X = pd.DataFrame(
        {
            "x": [-0.0, 0.0, 1.5077300653373958e-305, 10.0] * 6,
            "huge": [np.finfo(np.float64).max, 1.0, -1e300, 2.0] * 6,
            "gone": np.nan,
        }
    )
    synthetic = StructurePreservingMixup(weights=law, value_grids=False, random_state=0).fit(X).sample(400)
    x = synthetic["x"].to_numpy()
    assert set(x) <= set(X["x"])
    assert np.signbit(x[x == 0]).sum() > 50  # a quarter of the rows copy -0.0


def test_float_arrays_decode_grid_columns_beside_plain_ones():
    # Found by the deep fuzzing profile: a float array whose plain float columns go straight
    # to the output decoded its grid columns from the wrong column of the block (inf).
    rng = np.random.default_rng(0)
    X = np.column_stack([rng.normal(size=60) * 1e300, rng.integers(0, 20, 60) / 10, rng.normal(size=60)])
    array = StructurePreservingMixup(random_state=0).fit(X).sample(200)
    frame = StructurePreservingMixup(random_state=0).fit(pd.DataFrame(X)).sample(200)
    np.testing.assert_array_equal(array, frame.to_numpy())
    np.testing.assert_array_equal(array[:, 1], np.round(array[:, 1], 1))
