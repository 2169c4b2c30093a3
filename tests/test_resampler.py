"""StructurePreservingMixup: API, containers, reproducibility and bad input."""

import numpy as np
import pandas as pd
import pytest
from imblearn.pipeline import Pipeline
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV

from skmixup import ClippedWeight, EpBeta, StructurePreservingMixup, Threshold, Uniform


@pytest.fixture
def frame():
    rng = np.random.RandomState(0)
    n = 300
    return pd.DataFrame(
        {
            "age": rng.randint(18, 90, size=n).astype(np.int32),
            "income": rng.lognormal(10, 1, size=n),
            "score": pd.array(np.where(rng.rand(n) < 0.1, None, rng.randint(0, 100, size=n)), dtype="Int64"),
            "joined": pd.Timestamp("2020-01-01", tz="Europe/Paris")
            + pd.to_timedelta(rng.randint(0, 10**6, size=n), unit="s"),
            "wait": pd.to_timedelta(rng.randint(0, 3600, size=n), unit="s"),
            "plan": pd.Categorical(rng.choice(["basic", "pro"], size=n), categories=["basic", "pro", "max"]),
            "active": rng.rand(n) < 0.5,
            "city": pd.Series(rng.choice(["Seoul", "Busan", None], size=n), dtype="str"),
        }
    )


@pytest.fixture
def labels(frame):
    return pd.Series(np.where(np.arange(len(frame)) < 40, "churn", "stay"), name="label")


def test_sample_returns_the_frame_it_was_given(frame):
    synthetic = StructurePreservingMixup(random_state=0).fit(frame).sample(500)
    assert isinstance(synthetic, pd.DataFrame)
    assert list(synthetic.columns) == list(frame.columns)
    pd.testing.assert_series_equal(synthetic.dtypes, frame.dtypes)
    assert synthetic.index.equals(pd.RangeIndex(500))
    assert str(synthetic["joined"].dt.tz) == "Europe/Paris"


def test_fitted_attributes_show_the_column_kinds(frame):
    mixup = StructurePreservingMixup().fit(frame)
    assert mixup.column_kinds_ == {
        "age": "continuous",
        "income": "continuous",
        "score": "continuous",
        "joined": "continuous",
        "wait": "continuous",
        "plan": "categorical",
        "active": "categorical",
        "city": "categorical",
    }
    np.testing.assert_array_equal(mixup.categorical_features_, [5, 6, 7])
    np.testing.assert_array_equal(mixup.continuous_features_, [0, 1, 2, 3, 4])
    assert mixup.n_features_in_ == 8
    assert list(mixup.feature_names_in_) == list(frame.columns)


def test_kind_overrides(frame):
    mixup = StructurePreservingMixup(categorical_features=["age"], column_kinds={"active": "categorical"})
    mixup.fit(frame[["age", "income", "active"]])
    assert mixup.column_kinds_ == {"age": "categorical", "income": "continuous", "active": "categorical"}
    synthetic = mixup.sample(1000)
    assert set(synthetic["age"]) <= set(frame["age"])  # picked, never mixed


def test_fit_resample_originals_first_then_synthetic(frame, labels):
    X_res, y_res = StructurePreservingMixup(random_state=0).fit_resample(frame, labels)
    assert isinstance(X_res, pd.DataFrame) and isinstance(y_res, pd.Series)
    assert y_res.name == "label"
    pd.testing.assert_frame_equal(X_res.iloc[: len(frame)], frame.reset_index(drop=True))
    pd.testing.assert_series_equal(X_res.dtypes, frame.dtypes)
    assert y_res.value_counts().to_dict() == {"stay": 260, "churn": 260}
    assert (y_res.iloc[len(frame) :] == "churn").all()


def test_same_random_state_same_output(frame, labels):
    a = StructurePreservingMixup(random_state=3).fit(frame).sample(200)
    b = StructurePreservingMixup(random_state=3).fit(frame).sample(200)
    pd.testing.assert_frame_equal(a, b)
    c = StructurePreservingMixup(random_state=4).fit(frame).sample(200)
    assert not a.equals(c)
    r1 = StructurePreservingMixup(random_state=3).fit_resample(frame, labels)
    r2 = StructurePreservingMixup(random_state=3).fit_resample(frame, labels)
    pd.testing.assert_frame_equal(r1[0], r2[0])


def test_numpy_input_gives_numpy_output():
    X = np.random.RandomState(0).normal(size=(100, 3)).astype(np.float32)
    y = np.array([0] * 80 + [1] * 20)
    X_res, y_res = StructurePreservingMixup(random_state=0).fit_resample(X, y)
    assert isinstance(X_res, np.ndarray) and X_res.dtype == np.float32
    assert y_res.dtype == y.dtype and X_res.shape == (160, 3)
    synthetic = StructurePreservingMixup(random_state=0).fit(X).sample(10)
    assert synthetic.shape == (10, 3) and synthetic.dtype == np.float32


def test_object_array_with_strings():
    X = np.array([[1.5, "a"], [2.5, "b"], [3.0, "a"], [0.5, "b"]], dtype=object)
    synthetic = StructurePreservingMixup(random_state=0).fit(X).sample(50)
    assert synthetic.dtype == object and synthetic.shape == (50, 2)
    assert set(synthetic[:, 1]) <= {"a", "b"}


def test_caller_data_is_never_modified(frame, labels):
    before, labels_before = frame.copy(deep=True), labels.copy(deep=True)
    mixup = StructurePreservingMixup(random_state=0, clip="observed")
    mixup.fit_resample(frame, labels)
    mixup.fit(frame, labels).sample(100)
    pd.testing.assert_frame_equal(frame, before)
    pd.testing.assert_series_equal(labels, labels_before)


def test_clip_observed_keeps_values_in_range_and_shrinks_variance():
    X = np.random.RandomState(0).uniform(size=(2000, 1))
    free = StructurePreservingMixup(random_state=0).fit(X).sample(100_000)
    clipped = StructurePreservingMixup(clip="observed", random_state=0).fit(X).sample(100_000)
    assert free.min() < X.min() and free.max() > X.max()  # EpBeta extrapolates
    assert clipped.min() >= X.min() and clipped.max() <= X.max()
    assert clipped.var() < free.var()


def test_clip_to_natural_bounds(frame):
    mixup = StructurePreservingMixup(clip={"income": (0, None), "age": (18, 90)}, random_state=0)
    synthetic = mixup.fit(frame).sample(5000)
    assert synthetic["income"].min() >= 0
    assert synthetic["age"].between(18, 90).all()


@pytest.mark.parametrize(
    ("clip", "match"),
    [
        ({"nope": (0, 1)}, "nope"),
        ({"plan": (0, 1)}, "plan"),
        ({"income": 3}, "income"),
        ({"age": (5, 1)}, "age"),
    ],
)
def test_clip_errors_name_the_column(frame, clip, match):
    with pytest.raises(ValueError, match=match):
        StructurePreservingMixup(clip=clip).fit(frame)


def test_cut_point_follows_the_epbeta_policy():
    mixup = StructurePreservingMixup(weights=EpBeta(delta=0.02, cut_point=ClippedWeight()))
    mixup.fit(np.random.RandomState(0).normal(size=(20, 2)))
    assert isinstance(mixup.cut_point_, ClippedWeight)
    mixup.set_params(weights=Uniform(), cut_point=0.3).fit(np.ones((5, 1)))
    assert mixup.cut_point_.get_params() == Threshold(0.3).get_params()


def test_conflicting_cut_point_is_an_error():
    mixup = StructurePreservingMixup(weights=EpBeta(delta=0.02, cut_point=0.5), cut_point=0.3)
    with pytest.raises(ValueError, match="cut_point"):
        mixup.fit(np.ones((5, 1)))


def test_scipy_distribution_as_weights():
    from scipy import stats

    X = np.random.RandomState(0).normal(size=(50, 2))
    synthetic = StructurePreservingMixup(weights=stats.beta(2, 2), random_state=0).fit(X).sample(10)
    assert synthetic.shape == (10, 2)


def test_pipeline_with_grid_search_over_delta():
    rng = np.random.RandomState(0)
    X = np.vstack([rng.normal(size=(150, 2)), rng.normal(loc=1.5, size=(30, 2))])
    y = np.array([0] * 150 + [1] * 30)
    pipeline = Pipeline(
        [
            ("mixup", StructurePreservingMixup(weights=EpBeta(), random_state=0)),
            ("model", LogisticRegression()),
        ]
    )
    search = GridSearchCV(
        pipeline, {"mixup__weights__delta": [0.01, 0.03, 0.05]}, cv=3, scoring="balanced_accuracy"
    )
    search.fit(X, y)
    assert search.best_params_["mixup__weights__delta"] in {0.01, 0.03, 0.05}
    assert len(search.cv_results_["mean_test_score"]) == 3
    assert (
        search.best_estimator_.named_steps["mixup"].weights_.delta
        == search.best_params_["mixup__weights__delta"]
    )


def test_single_row_class_is_copied_with_a_warning():
    X = np.arange(10, dtype=float).reshape(5, 2)
    y = np.array([0, 0, 0, 0, 1])
    with pytest.warns(UserWarning, match="single row"):
        X_res, _ = StructurePreservingMixup(random_state=0).fit_resample(X, y)
    np.testing.assert_array_equal(X_res[5:], np.tile(X[4], (3, 1)))


# ----------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("X", "match"),
    [
        (np.empty((0, 3)), "0 sample"),
        (pd.DataFrame({"a": []}, dtype=float), "0 sample|empty"),
        (np.ones((1, 3)), "1 sample"),
        (pd.DataFrame({"a": [1.0]}), "1 sample"),
        (np.array([[1.0, np.inf], [2.0, 3.0]]), "inf"),
        (np.array([[1 + 2j], [2 + 0j]]), "[Cc]omplex"),
        (pd.DataFrame({"z": np.array([1 + 2j, 2 + 0j])}), "z"),
        (pd.DataFrame({"mixed": ["a", 1, 2.5]}, dtype=object), "mixed"),
    ],
)
def test_bad_tables_are_rejected_clearly(X, match):
    with pytest.raises((ValueError, TypeError), match=match):
        StructurePreservingMixup().fit(X)


def test_duplicate_column_names_are_rejected():
    X = pd.DataFrame(np.ones((3, 2)), columns=["a", "a"])
    with pytest.raises(ValueError, match="a"):
        StructurePreservingMixup().fit(X)


def test_all_missing_column_stays_missing():
    X = pd.DataFrame(
        {"x": [1.0, 2.0, 3.0], "gone": [np.nan] * 3, "none": pd.Series([None] * 3, dtype=object)}
    )
    synthetic = StructurePreservingMixup(random_state=0).fit(X).sample(20)
    assert synthetic["gone"].isna().all() and synthetic["none"].isna().all()
    pd.testing.assert_series_equal(synthetic.dtypes, X.dtypes)


@pytest.mark.parametrize("n_samples", [0, -3, 2.5, "10", True, None])
def test_n_samples_must_be_a_positive_integer(n_samples):
    mixup = StructurePreservingMixup().fit(np.ones((4, 2)))
    with pytest.raises(ValueError, match="n_samples"):
        mixup.sample(n_samples)


def test_y_of_the_wrong_length():
    with pytest.raises(ValueError, match="y has 3 rows but X has 4"):
        StructurePreservingMixup().fit(np.ones((4, 2)), [0, 1, 0])
    with pytest.raises(ValueError, match=r"inconsistent|y has"):
        StructurePreservingMixup().fit_resample(np.ones((4, 2)), [0, 1, 0])


def test_override_naming_a_missing_column(frame):
    with pytest.raises(ValueError, match="nope"):
        StructurePreservingMixup(categorical_features=["nope"]).fit(frame)
    with pytest.raises(ValueError, match="nope"):
        StructurePreservingMixup(column_kinds={"nope": "categorical"}).fit(frame)
    with pytest.raises((ValueError, IndexError), match="7"):
        StructurePreservingMixup(categorical_features=[7]).fit(np.ones((3, 2)))


def test_sparse_input_is_rejected():
    from scipy import sparse

    with pytest.raises(TypeError, match="sparse"):
        StructurePreservingMixup().fit(sparse.csr_matrix(np.eye(3)))


def test_invalid_parameters_are_named():
    with pytest.raises(ValueError, match="label_mixing"):
        StructurePreservingMixup(label_mixing="fuzzy").fit(np.ones((3, 1)))
    with pytest.raises(TypeError, match="weights"):
        StructurePreservingMixup(weights="uniform").fit(np.ones((3, 1)))
    with pytest.raises(ValueError, match="delta"):
        StructurePreservingMixup(weights=EpBeta(delta=0.5)).fit(np.ones((3, 1)))


def test_sample_before_fit():
    with pytest.raises(NotFittedError):
        StructurePreservingMixup().sample(3)


def test_sample_needs_fit_not_fit_resample():
    X, y = np.arange(20.0).reshape(10, 2), np.array([0] * 7 + [1] * 3)
    mixup = StructurePreservingMixup(random_state=0).fit(X)
    assert mixup.sample(3).shape == (3, 2)
    mixup.fit_resample(X, y)  # keeps only class 1's rows, and then none
    with pytest.raises(NotFittedError, match=r"fit_resample.*call fit\(X\) before sample"):
        mixup.sample(3)
    assert mixup.fit(X).sample(3).shape == (3, 2)


@pytest.mark.parametrize("as_frame", [False, True])
def test_inf_outside_the_over_sampled_classes_is_still_an_error(as_frame):
    X = np.arange(20.0).reshape(10, 2)
    X[0, 1] = np.inf  # a row of class 0, which is not over-sampled
    y = np.array([0] * 7 + [1] * 3)
    X = pd.DataFrame(X, columns=["a", "b"]) if as_frame else X
    with pytest.raises(ValueError, match=r"Column '?b'? holds inf" if as_frame else r"Column 1 holds inf"):
        StructurePreservingMixup().fit_resample(X, y)


@pytest.mark.parametrize("row", [5, 20_000])  # in the first block of rows copied, or a later one
def test_inf_outside_the_over_sampled_classes_is_found_as_the_originals_are_copied(row):
    rng = np.random.default_rng(0)
    X = np.column_stack([rng.normal(size=30_000), rng.normal(size=30_000), rng.integers(0, 3, 30_000)])
    y = np.zeros(30_000, dtype=int)
    y[::10] = 1
    X[row + 1, 2] = np.inf  # a category of class 0: accepted, as at fit
    mixup = StructurePreservingMixup(categorical_features=[2], random_state=0)
    X_res, _ = mixup.fit_resample(X, y)
    np.testing.assert_array_equal(X_res[: len(X)], X)
    mixup.fit(X)  # a table to sample from, which the failed call below must not leave behind
    X[row + 1, 1] = -np.inf
    with pytest.raises(ValueError, match=r"Column 1 holds inf"):
        mixup.fit_resample(X, y)
    with pytest.raises(NotFittedError):  # neither the earlier table nor half of this one
        mixup.sample(3)


def test_over_sampling_mixes_only_the_class_rows_and_keeps_every_dtype(frame, labels):
    # the churn class lacks a category ("max", and "Busan" in city) and has no missing city
    frame = frame.copy()
    churn = (labels == "churn").to_numpy()
    frame.loc[churn, "city"] = "Seoul"
    frame.loc[churn, "plan"] = "basic"
    X_res, y_res = StructurePreservingMixup(random_state=0).fit_resample(frame, labels)
    new = X_res.iloc[len(frame) :]
    pd.testing.assert_series_equal(X_res.dtypes, frame.dtypes)
    assert list(X_res["plan"].cat.categories) == ["basic", "pro", "max"]
    assert (new["city"] == "Seoul").all() and (new["plan"] == "basic").all()
    assert set(new["active"]) <= set(frame.loc[churn, "active"])
    assert (y_res.iloc[len(frame) :] == "churn").all()


def test_clip_observed_in_fit_resample_uses_the_whole_table():
    rng = np.random.RandomState(0)
    X = np.concatenate([rng.uniform(0, 10, size=(500, 1)), rng.uniform(4, 6, size=(50, 1))])
    y = np.array([0] * 500 + [1] * 50)
    X_res, _ = StructurePreservingMixup(clip="observed", random_state=0).fit_resample(X, y)
    new = X_res[len(X) :]
    assert new.min() < 4 and new.max() > 6  # EpBeta extrapolates past the class's own range
    assert new.min() >= X.min() and new.max() <= X.max()  # but not past the table's


def test_continuous_target_cannot_be_over_sampled():
    with pytest.raises(ValueError, match=r"[Uu]nknown label type|continuous"):
        StructurePreservingMixup().fit_resample(np.ones((4, 2)), [0.1, 0.2, 0.3, 0.4])


def test_sample_returns_y_in_its_container_and_dtype():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 2))
    y_reg = pd.Series(rng.normal(size=60).astype(np.float32), name="price")
    _, y_new = StructurePreservingMixup(random_state=0).fit(X, y_reg).sample(10)
    assert isinstance(y_new, pd.Series) and y_new.dtype == np.float32 and y_new.name == "price"
    y_list = ["a"] * 30 + ["b"] * 30
    for mode in ("stratified", "joint"):
        _, y_new = StructurePreservingMixup(label_mixing=mode, random_state=0).fit(X, y_list).sample(10)
        assert isinstance(y_new, list) and set(y_new) <= {"a", "b"}


@pytest.mark.parametrize(
    "labels",
    [
        np.array([3, -1, 3, 7, -1, 0]),
        np.array([0.5, 2.0, 0.5, -1.0]),
        np.array([True, False, True]),
        np.array(["b", "a", "c", "a"]),
        np.array(["b", "a", "c", "a"], dtype=object),
        np.array([2, 1, 2], dtype=np.uint8),
        np.array([-5, 7, 7, 0, -5], dtype=np.int16),
        np.array([0, 2**40, 2**40, 5]),  # a span too wide to count: np.unique
        np.array([-128, 127, 0, 127], dtype=np.int8),  # 127 - (-128) overflows an int8
        np.array([2**64 - 1, 2**64 - 3, 2**64 - 1], dtype=np.uint64),
    ],
)
def test_class_codes_are_np_unique_with_inverse(labels):
    from skmixup.resampler import _class_codes

    classes, codes = _class_codes(labels)
    expected_classes, expected_codes = np.unique(labels, return_inverse=True)
    np.testing.assert_array_equal(classes, expected_classes)
    assert classes.dtype == expected_classes.dtype
    np.testing.assert_array_equal(codes, expected_codes)


def test_one_hot_labels_come_back_one_hot():
    X = np.arange(20.0).reshape(10, 2)
    one_hot = [[1, 0]] * 7 + [[0, 1]] * 3
    _, y_res = StructurePreservingMixup(random_state=0).fit_resample(X, one_hot)
    assert isinstance(y_res, list) and len(y_res) == 14 and y_res[-1] == [0, 1]
    _, y_res = StructurePreservingMixup(random_state=0).fit_resample(X, np.array(one_hot))
    np.testing.assert_array_equal(y_res.sum(axis=0), [7, 7])
    three = np.array([[1, 0, 0]] * 7 + [[0, 1, 0]] * 3)  # the third class is absent
    _, y_res = StructurePreservingMixup(random_state=0).fit_resample(X, three)
    assert y_res.shape == (14, 3) and y_res.dtype == three.dtype
    np.testing.assert_array_equal(y_res.sum(axis=0), [7, 7, 0])
    with pytest.raises(ValueError, match="Multilabel"):
        StructurePreservingMixup().fit_resample(X, np.ones((10, 2), dtype=int))


@pytest.mark.filterwarnings("ignore:Class .* has a single row")
def test_labels_that_look_like_a_regression_target_warn():
    X, y = np.arange(60.0).reshape(30, 2), np.arange(30) % 20
    with pytest.warns(UserWarning, match="regression problem"):
        StructurePreservingMixup().fit_resample(X, y)
    with pytest.warns(UserWarning, match="regression problem"):
        StructurePreservingMixup().fit(X, y)


def test_the_output_is_the_same_for_every_n_jobs(frame, labels):
    outputs = []
    for n_jobs in (1, 2, -1):
        mixup = StructurePreservingMixup(n_jobs=n_jobs, random_state=0)
        outputs.append((mixup.fit(frame).sample(3000), mixup.fit_resample(frame, labels)))
    for synthetic, (X_res, y_res) in outputs[1:]:
        pd.testing.assert_frame_equal(synthetic, outputs[0][0])
        pd.testing.assert_frame_equal(X_res, outputs[0][1][0])
        pd.testing.assert_series_equal(y_res, outputs[0][1][1])


@pytest.mark.parametrize(
    "labels",
    [
        np.array([3, 1, 1, 3, 3, 1, 3, 3]),
        np.array([-5, 7, 7, 0, -5, 7, 7, 7], dtype=np.int16),
        np.array([2, 2, 9, 2, 9, 2, 2, 4], dtype=np.uint8),
        np.array([True, False, True, True, True, False, True, True]),
        np.array([0, 2**40, 2**40, 0, 0, 0, 2**40, 5]),  # a span too wide to count: np.unique
        np.array(["b", "a", "a", "b", "b", "c", "b", "b"], dtype=object),
    ],
    ids=["int64", "negative int16", "uint8", "bool", "wide span", "object"],
)
def test_label_types_and_strategies_match_scikit_learn_and_imbalanced_learn(labels):
    """The counted fast paths give what type_of_target and check_sampling_strategy give."""
    from imblearn.utils import check_sampling_strategy
    from sklearn.utils.multiclass import type_of_target

    from skmixup.resampler import _class_labels

    expected_classes, expected_codes = np.unique(labels, return_inverse=True)
    assert _class_labels(labels)[1] == type_of_target(labels)
    assert _class_labels(labels[labels == labels[0]])[1] == "binary"  # one class, as scikit-learn says
    majority = expected_classes[np.bincount(expected_codes).argmax()]
    strategies = ["auto", "minority", "not majority", "all", 1.0 if len(expected_classes) == 2 else "auto",
                  {label: 6 for label in expected_classes if label != majority},
                  lambda y: {label: int((y == label).sum()) + 1 for label in np.unique(y)}]  # fmt: skip
    for strategy in strategies:
        mixup = StructurePreservingMixup(sampling_strategy=strategy)
        mixup._fit_target(labels, len(labels))
        expected = check_sampling_strategy(strategy, labels, "over-sampling")
        assert list(mixup.sampling_strategy_.items()) == list(expected.items())
        assert [type(key) for key in mixup.sampling_strategy_] == [type(key) for key in expected]


def test_a_pickled_estimator_leaves_its_caches_behind_and_samples_the_same():
    import pickle

    rng = np.random.default_rng(4)
    X = pd.DataFrame(
        {"x": rng.normal(size=400), "count": rng.poisson(2, 400), "group": rng.choice(["a", "b"], 400)}
    )
    mixup = StructurePreservingMixup(random_state=0).fit(X)
    assert mixup.discrete_features_.tolist() == [1]  # the count column takes its kept parent's value
    # A frame's discrete columns come from the fit, equal to the encoded table's.
    columns = mixup._discrete_columns[1]
    np.testing.assert_array_equal(np.column_stack(columns), mixup._continuous[:, mixup._codec.discrete])
    first = mixup.sample(300, random_state=1)  # builds the copy finder and the kept records
    records = mixup._kept_block[2]
    np.testing.assert_array_equal(records["codes"], mixup._categorical)
    np.testing.assert_array_equal(records["discrete"], mixup._continuous[:, mixup._codec.discrete])
    state = mixup.__getstate__()
    assert state["_copy_finder"] is None and "_discrete_columns" not in state and "_kept_block" not in state
    restored = pickle.loads(pickle.dumps(mixup))
    pd.testing.assert_frame_equal(restored.sample(300, random_state=1), first)
    pd.testing.assert_frame_equal(mixup.sample(300, random_state=1), first)


@pytest.mark.parametrize("labels", [np.array([3, 7, 7, 7]), np.array(["b", "a", "a", "a"])])
def test_a_strategy_naming_no_class_is_refused_even_if_it_equals_a_code(labels):
    """Codes stand in for the labels when the strategy is computed; a key that is no class must
    not be read as the class whose code it equals (1 is the code of 7 here)."""
    for strategy in ({1: 100}, {"1": 100}):
        with pytest.raises(ValueError, match=r"target class is/are not present in the data"):
            StructurePreservingMixup(sampling_strategy=strategy).fit_resample(np.zeros((4, 1)), labels)
