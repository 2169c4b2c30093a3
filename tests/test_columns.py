"""Column kinds: detection, encode -> decode round trips, errors."""

import copy
import pickle
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from optional import require

from skmixup import StructurePreservingMixup
from skmixup.columns import (
    CATEGORICAL,
    CONTINUOUS,
    CategoricalHandler,
    CategoryDtypeHandler,
    DatetimeHandler,
    FloatHandler,
    IntegerHandler,
    ObjectIntegerHandler,
    ObjectNumberHandler,
    TableCodec,
    TimedeltaHandler,
    column_handler,
)
from skmixup.columns._arrays import _COUNTING_SPAN, _factorized_by_counting, _stacked, column_extremes


def round_trip(X, **params):
    codec = TableCodec(**params).fit(X)
    return codec, codec.decode(*codec.encode(X))


def mixed_frame() -> pd.DataFrame:
    """One column of every supported dtype, most with missing values."""
    paris = pd.Series(
        pd.to_datetime(["2020-01-01", None, "2021-06-01", "1999-01-01", "2020-03-29 01:30"], format="ISO8601")
    )
    return pd.DataFrame(
        {
            "float64": [1.5, np.nan, 3.0, -4.25, 5.0],
            "float32": np.array([1, 2, np.nan, 4, 5], dtype="float32"),
            "Float64": pd.array([1.5, None, 2.0, 3.0, 4.0], dtype="Float64"),
            "int64": [1, 2, 3, 4, 5],
            "int8": np.array([1, -2, 3, 127, -128], dtype="int8"),
            "uint8": np.array([0, 2, 255, 4, 5], dtype="uint8"),
            "Int64": pd.array([1, None, 3, 4, 5], dtype="Int64"),
            "UInt16": pd.array([1, None, 3, 65535, 5], dtype="UInt16"),
            "bool": [True, False, True, True, False],
            "boolean": pd.array([True, None, False, True, True], dtype="boolean"),
            "category": pd.Categorical(["a", None, "b", "a", "a"], categories=["z", "b", "a"]),
            "ordered": pd.Categorical(
                ["lo", "hi", None, "lo", "mid"], categories=["lo", "mid", "hi", "max"], ordered=True
            ),
            "int_category": pd.Categorical([3, 1, 1, None, 3], categories=[3, 2, 1]),
            "str": pd.Series(["x", None, "y", "x", "x"], dtype="str"),
            "string": pd.Series(["x", None, "y", "x", "x"], dtype="string"),
            "object_str": pd.Series(["x", None, "y", "x", None], dtype=object),
            "object_bool": pd.Series([True, None, False, True, True], dtype=object),
            "object_int": pd.Series([1, None, 3, 4, 5], dtype=object),
            "object_float": pd.Series([1.5, 2.0, None, 4.0, 5.0], dtype=object),
            # ns precision survives: the offsets from the fitted reference stay below 2**53
            "datetime_ns": pd.to_datetime(
                ["2020-01-01", None, "2020-01-01 12:00:00.123456789", "2019-12-31", "2020-01-02"],
                format="ISO8601",
            ).as_unit("ns"),
            "paris_s": paris.dt.tz_localize("Europe/Paris").dt.as_unit("s"),
            "utc_ms": pd.Series(pd.date_range("2020", periods=5, freq="h", tz="UTC", unit="ms")),
            "naive_us": pd.Series(pd.date_range("1700", periods=5, freq="D", unit="us")),
            "timedelta_ns": pd.to_timedelta([1, None, 3, 4, 5], unit="s").as_unit("ns"),
            "timedelta_s": pd.Series(pd.to_timedelta([1, None, -3, 4, 5], unit="s")).dt.as_unit("s"),
            "all_nan": [np.nan] * 5,
            "all_na_Int64": pd.array([None] * 5, dtype="Int64"),
            "all_nat_tz": pd.Series([pd.NaT] * 5, dtype="datetime64[ms, UTC]"),
            "all_none": pd.Series([None] * 5, dtype=object),
            "all_na_str": pd.Series([None] * 5, dtype="str"),
            "period": pd.Series(pd.period_range("2020-01", periods=5, freq="M")).where(
                lambda p: p.dt.month != 2
            ),
            "interval": pd.Series(pd.interval_range(0.0, 5.0)).where(lambda i: i.array.left != 1.0),
        }
    ).set_axis([10, 11, 12, 13, 14])  # a non-default index: decode returns a RangeIndex


EXPECTED_KINDS = {
    "float64": CONTINUOUS,
    "float32": CONTINUOUS,
    "Float64": CONTINUOUS,
    "int64": CONTINUOUS,
    "int8": CONTINUOUS,
    "uint8": CONTINUOUS,
    "Int64": CONTINUOUS,
    "UInt16": CONTINUOUS,
    "bool": CATEGORICAL,
    "boolean": CATEGORICAL,
    "category": CATEGORICAL,
    "ordered": CATEGORICAL,
    "int_category": CATEGORICAL,
    "str": CATEGORICAL,
    "string": CATEGORICAL,
    "object_str": CATEGORICAL,
    "object_bool": CATEGORICAL,
    "object_int": CONTINUOUS,
    "object_float": CONTINUOUS,
    "datetime_ns": CONTINUOUS,
    "paris_s": CONTINUOUS,
    "utc_ms": CONTINUOUS,
    "naive_us": CONTINUOUS,
    "timedelta_ns": CONTINUOUS,
    "timedelta_s": CONTINUOUS,
    "all_nan": CONTINUOUS,
    "all_na_Int64": CATEGORICAL,
    "all_nat_tz": CATEGORICAL,
    "all_none": CATEGORICAL,
    "all_na_str": CATEGORICAL,
    "period": CATEGORICAL,
    "interval": CATEGORICAL,
}


# --------------------------------------------------------------------------- detection


def test_detected_kinds():
    codec = TableCodec().fit(mixed_frame())
    assert codec.kinds == EXPECTED_KINDS
    assert codec.feature_names == list(EXPECTED_KINDS)
    continuous = [k for k, kind in enumerate(EXPECTED_KINDS.values()) if kind == CONTINUOUS]
    categorical = [k for k, kind in enumerate(EXPECTED_KINDS.values()) if kind == CATEGORICAL]
    np.testing.assert_array_equal(codec.continuous_indices, continuous)
    np.testing.assert_array_equal(codec.categorical_indices, categorical)
    assert [h.name for h in codec.continuous_handlers] == [codec.feature_names[k] for k in continuous]
    assert [h.name for h in codec.categorical_handlers] == [codec.feature_names[k] for k in categorical]
    assert [h.name for h in codec.handlers] == codec.feature_names


@pytest.mark.parametrize(
    "column, handler_class",
    [
        (pd.Series([1.0, 2.0]), FloatHandler),
        (pd.Series([1, 2], dtype="UInt8"), IntegerHandler),
        (pd.Series([1, None], dtype=object), ObjectIntegerHandler),
        (pd.Series([1.5, None], dtype=object), ObjectNumberHandler),
        (pd.Series(pd.to_datetime(["2020-01-01"]).tz_localize("Asia/Tokyo")), DatetimeHandler),
        (pd.Series(pd.to_timedelta([1], unit="D")), TimedeltaHandler),
        (pd.Series(["a", "b"]), CategoricalHandler),
        (pd.Series([True, False]), CategoricalHandler),
        (pd.Series(["a"], dtype="category"), CategoryDtypeHandler),
    ],
)
def test_column_handler_classes(column, handler_class):
    assert type(column_handler(column)) is handler_class


def test_column_handler_for_a_target():
    y = pd.Series(["yes", "no", "yes", None], name="target")
    handler = column_handler(y)
    assert handler.kind == CATEGORICAL and handler.name == "target"
    assert list(handler.categories) == ["no", "yes"] and handler.n_categories == 2
    codes = handler.encode(y)
    assert codes.dtype == np.int64 and codes.tolist() == [1, 0, 1, -1]
    pd.testing.assert_series_equal(handler.decode(codes), y)

    numeric = column_handler(np.array([1, 2, 2, 3]), kind=CATEGORICAL)
    assert numeric.kind == CATEGORICAL and list(numeric.categories) == [1, 2, 3]
    np.testing.assert_array_equal(numeric.decode(np.array([2, 0])).to_numpy(), [3, 1])

    regression = column_handler(pd.Series([0.5, 1.5], name="price"))
    assert regression.kind == CONTINUOUS
    assert (regression.observed_min, regression.observed_max) == (0.5, 1.5)


# --------------------------------------------------------------------------- round trips


def test_round_trip_every_dtype():
    X = mixed_frame()
    _, decoded = round_trip(X)
    pd.testing.assert_frame_equal(decoded, X.reset_index(drop=True), check_exact=True)
    assert isinstance(decoded.index, pd.RangeIndex)
    assert [type(v) for v in decoded["object_bool"].dropna()] == [bool] * 4
    assert [type(v) for v in decoded["object_int"].dropna()] == [int] * 4
    assert decoded["object_str"].tolist() == ["x", None, "y", "x", None]


def test_encoded_layout():
    X = mixed_frame()
    codec = TableCodec().fit(X)
    continuous, categorical = codec.encode(X)
    assert continuous.dtype == np.float64 and continuous.flags.c_contiguous
    assert categorical.dtype == codec.codes_dtype == np.int8  # a few categories per column
    assert continuous.shape == (5, len(codec.continuous_indices))
    assert categorical.shape == (5, len(codec.categorical_indices))
    column = {h.name: k for k, h in enumerate(codec.continuous_handlers)}
    np.testing.assert_array_equal(continuous[:, column["Int64"]], [1, np.nan, 3, 4, 5])
    assert np.isnan(continuous[:, column["all_nan"]]).all()
    codes = {h.name: k for k, h in enumerate(codec.categorical_handlers)}
    # a category dtype's codes follow its categories, unused ones included
    assert categorical[:, codes["category"]].tolist() == [2, -1, 1, 2, 2]
    assert codec.handlers[codec.feature_names.index("category")].n_categories == 3
    assert categorical[:, codes["str"]].tolist() == [0, -1, 1, 0, 0]
    assert (categorical[:, codes["all_none"]] == -1).all()
    assert codec.handlers[codec.feature_names.index("all_na_Int64")].n_categories == 0


def test_categories_keep_dtype_order_and_flag():
    X = mixed_frame()[["category", "ordered"]]
    codec = TableCodec().fit(X)
    decoded = codec.decode(np.empty((2, 0)), np.array([[0, 3], [-1, 2]]))
    assert decoded["category"].tolist()[0] == "z" and pd.isna(decoded["category"].iloc[1])
    assert decoded["ordered"].tolist() == ["max", "hi"]
    assert decoded["ordered"].cat.ordered
    assert list(decoded["category"].cat.categories) == ["z", "b", "a"]
    assert decoded.dtypes.equals(X.dtypes)


def test_decoding_rounds_and_clips_integers():
    X = pd.DataFrame(
        {
            "small": np.array([0, 255], dtype="uint8"),
            "signed": np.array([0, 1], dtype="int8"),
            "nullable": pd.array([0, 1], dtype="Int64"),
            "flag": [True, False],
            "maybe": pd.array([True, None], dtype="boolean"),
        }
    )
    codec = TableCodec(column_kinds={"flag": CONTINUOUS, "maybe": CONTINUOUS}).fit(X)
    mixed = np.array(
        [
            [-3.2, -300.0, 1.4, -0.7, 0.2],
            [12.6, 300.0, 1.6, 0.4, np.nan],
            [300.0, 2.5, np.nan, 0.6, 0.7],
            [254.5, -2.5, 1e30, 7.0, -3.0],
        ]
    )
    decoded = codec.decode(mixed, np.empty((4, 0), dtype=np.int64))
    assert decoded.dtypes.equals(X.dtypes)
    assert decoded["small"].tolist() == [0, 13, 255, 254]  # rint rounds half to even
    assert decoded["signed"].tolist() == [-128, 127, 2, -2]
    # clipped exactly to the dtype's largest value, not to the largest float64 below it
    assert decoded["nullable"].tolist() == [1, 2, pd.NA, np.iinfo(np.int64).max]
    assert decoded["flag"].tolist() == [False, False, True, True]
    assert decoded["maybe"].tolist() == [False, pd.NA, True, False]


def test_decoding_extrapolated_datetimes_keeps_unit_and_time_zone():
    X = pd.DataFrame(
        {
            "when": pd.Series(pd.date_range("2024-03-30", periods=3, freq="D", tz="Europe/Paris", unit="s")),
            "naive_ms": pd.Series(pd.date_range("2024-01-01", periods=3, freq="min", unit="ms")),
            "wait": pd.Series(pd.to_timedelta([0, 10, 20], unit="s")).dt.as_unit("ms"),
        }
    )
    codec = TableCodec(value_grids=False).fit(X)  # full precision: no snapping to whole days
    continuous, _ = codec.encode(X)
    day, minute = 86400.0, 60_000.0
    extrapolated = np.array(
        [
            [continuous[0, 0] - 10 * day + 0.4, continuous[0, 1] - minute, continuous[0, 2] - 5000.2],
            [continuous[2, 0] + 0.5 * day, np.nan, continuous[2, 2] + 1e20],
        ]
    )
    decoded = codec.decode(extrapolated, np.empty((2, 0), dtype=np.int64))
    assert decoded.dtypes.equals(X.dtypes)
    assert decoded["when"].tolist() == [
        pd.Timestamp("2024-03-20", tz="Europe/Paris"),
        pd.Timestamp("2024-04-01 12:00", tz="Europe/Paris"),
    ]
    assert decoded["naive_ms"].iloc[0] == pd.Timestamp("2023-12-31 23:59") and pd.isna(
        decoded["naive_ms"].iloc[1]
    )
    assert decoded["wait"].iloc[0] == pd.Timedelta(milliseconds=-5000)
    clipped = decoded["wait"].to_numpy().view(np.int64)[1]  # clipped exactly at the int64 limit
    assert clipped == np.iinfo(np.int64).max


def test_temporal_offsets_are_in_the_column_unit():
    handler = column_handler(
        pd.Series(pd.to_datetime(["2020-01-01 00:00:00", "2020-01-01 00:00:10"]).as_unit("s"))
    )
    assert handler.unit == "s"
    assert handler.observed_max - handler.observed_min == 10.0
    # values given in another unit are converted to the fitted one (e.g. clip bounds)
    bound = handler.encode(pd.Series([pd.Timestamp("2020-01-01 00:00:20")]).dt.as_unit("ns"))
    assert bound[0] - handler.observed_min == 20.0


def test_float_columns_decode_values_outside_the_observed_range():
    X = pd.DataFrame({"x": np.array([0.0, 1.0], dtype="float32"), "y": pd.array([0.0, 1.0], dtype="Float64")})
    codec = TableCodec(value_grids=False).fit(X)  # the values are whole numbers: no rounding to them
    decoded = codec.decode(np.array([[-0.3, 1.3], [1e300, np.nan]]), np.empty((2, 0), dtype=np.int64))
    assert decoded.dtypes.equals(X.dtypes)
    assert decoded["x"].iloc[0] == np.float32(-0.3) and decoded["x"].iloc[1] == np.finfo(np.float32).max
    assert decoded["y"].iloc[0] == 1.3 and decoded["y"].iloc[1] is pd.NA
    handler = codec.handlers[0]
    assert (handler.observed_min, handler.observed_max) == (0.0, 1.0)


def test_numpy_float_columns_decode_missing_values_rounded_and_clipped_like_nullable_ones():
    # numpy floats skip the missing mask that nullable and Arrow floats are built from: both
    # paths must give the same values.
    values = np.array([0.123, np.nan, 1e300, -2.0])
    fitted = {
        "f64": np.array([0.1, 0.2, np.nan, 0.4]),
        "f32": np.array([0.5, 1.5, 2.5, np.nan], dtype="float32"),
        "f16": np.array([1.0, 2.0, 3.0, 4.0], dtype="float16"),
    }
    X = pd.DataFrame(fitted)
    nullable = X.astype({"f64": "Float64", "f32": "Float32", "f16": "Float32"})
    decoded = TableCodec().fit(X).decode(np.column_stack([values] * 3), np.empty((4, 0), dtype=np.int64))
    reference = (
        TableCodec().fit(nullable).decode(np.column_stack([values] * 3), np.empty((4, 0), dtype=np.int64))
    )
    assert decoded.dtypes.equals(X.dtypes)
    assert decoded["f64"].tolist()[:1] == [0.1] and decoded["f32"].iloc[0] == np.float32(0.1)
    assert decoded["f16"].iloc[2] == np.finfo(np.float16).max
    for name in ("f64", "f32"):
        expected = reference[name].astype(X[name].dtype)  # pd.NA -> NaN
        np.testing.assert_array_equal(decoded[name].to_numpy(), expected.to_numpy())


def test_mixed_values_decode_to_parent_categories():
    X = pd.DataFrame({"city": ["Paris", "Lyon", "Nice"], "age": [30, 40, 50]})
    codec = TableCodec().fit(X)
    continuous, codes = codec.encode(X)
    decoded = codec.decode(0.25 * continuous[[0]] + 0.75 * continuous[[2]], codes[[2]])
    assert decoded.to_dict("list") == {"city": ["Nice"], "age": [45]}


def test_decoding_mixed_rows_of_every_dtype():
    X = mixed_frame().reset_index(drop=True)
    codec = TableCodec().fit(X)
    continuous, codes = codec.encode(X)
    rng = np.random.default_rng(0)
    first, second = rng.integers(0, len(X), size=(2, 200))
    weights = rng.uniform(-0.3, 1.3, size=(200, 1))
    mixed = weights * continuous[first] + (1 - weights) * continuous[second]
    kept = np.where(weights >= 0.5, codes[first], codes[second])
    synthetic = codec.decode(mixed, kept)
    assert synthetic.shape == (200, X.shape[1])
    assert synthetic.dtypes.equals(X.dtypes)
    for name in codec.kinds:
        if codec.kinds[name] == CATEGORICAL:
            assert set(synthetic[name].dropna()) <= set(X[name].dropna()), name
        # a value is missing only if a parent's was
        parents_missing = X[name].isna().to_numpy()[first] | X[name].isna().to_numpy()[second]
        assert not (synthetic[name].isna().to_numpy() & ~parents_missing).any(), name
    assert synthetic["uint8"].between(0, 255).all()


@pytest.mark.parametrize(
    "X",
    [
        np.random.default_rng(0).normal(size=(6, 3)),
        np.random.default_rng(0).normal(size=(6, 3)).astype(np.float32),
        np.arange(18, dtype=np.int32).reshape(6, 3),
        np.array([[True, False], [False, False]]),
        np.array([["a", "b"], ["c", "b"]]),
        np.array([[1, "a", 2.5, True], [2, "b", None, False], [3, None, 1.0, True]], dtype=object),
        np.array([["2020-01-01", "2021-01-01"], ["NaT", "1999-12-31"]], dtype="datetime64[s]"),
    ],
    ids=["float64", "float32", "int32", "bool", "unicode", "object", "datetime64"],
)
def test_array_round_trip(X):
    original = X.copy()
    codec, decoded = round_trip(X)
    assert isinstance(decoded, np.ndarray) and decoded.dtype == X.dtype and decoded.shape == X.shape
    assert codec.feature_names == list(range(X.shape[1]))
    if X.dtype == object:
        assert decoded.tolist() == X.tolist()
        assert [type(v) for v in decoded[0]] == [type(v) for v in X[0]]
    else:
        np.testing.assert_array_equal(decoded, X)
    np.testing.assert_array_equal(X, original)


def test_array_kinds():
    assert set(TableCodec().fit(np.ones((3, 4))).kinds.values()) == {CONTINUOUS}
    X = np.array([[1, "a", 2.5, True, None], [2, "b", None, False, None]], dtype=object)
    assert TableCodec().fit(X).kinds == {
        0: CONTINUOUS,
        1: CATEGORICAL,
        2: CONTINUOUS,
        3: CATEGORICAL,
        4: CATEGORICAL,
    }


def test_round_trip_large_values_and_more_rows_than_fit():
    X = pd.DataFrame(
        {"big": np.array([2**62, -(2**62)], dtype=np.int64), "u": np.array([0, 2**64 - 1], np.uint64)}
    )
    with pytest.warns(UserWarning, match=r"spans .* more than the 2\*\*53"):
        codec = TableCodec().fit(X)
    decoded = codec.decode(np.array([[1e19, 1e20], [-1e19, -1e20]]), np.empty((2, 0), dtype=np.int64))
    assert decoded.dtypes.equals(X.dtypes)
    assert decoded["big"].tolist() == [np.iinfo(np.int64).max, np.iinfo(np.int64).min]
    assert decoded["u"].tolist() == [np.iinfo(np.uint64).max, 0]
    # encode accepts any number of rows with the fitted columns
    continuous, _ = codec.encode(pd.concat([X] * 3))
    assert continuous.shape == (6, 2)


def test_empty_decode_keeps_dtypes():
    X = mixed_frame()
    codec = TableCodec().fit(X)
    decoded = codec.decode(
        np.empty((0, len(codec.continuous_indices))), np.empty((0, len(codec.categorical_indices)), dtype=int)
    )
    assert decoded.shape == (0, X.shape[1])
    assert decoded.dtypes.equals(X.dtypes)


def test_decode_accepts_none_for_an_absent_kind():
    X = pd.DataFrame({"x": [1.0, 2.0]})
    codec = TableCodec().fit(X)
    pd.testing.assert_frame_equal(codec.decode(np.array([[1.0], [2.0]]), None), X)


def test_column_labels_are_kept():
    X = pd.DataFrame([[1.0, "a", 3]], columns=pd.MultiIndex.from_tuples([("a", 1), ("b", 2), ("b", 3)]))
    X.columns.names = ["level", "number"]
    codec, decoded = round_trip(X)
    pd.testing.assert_frame_equal(decoded, X)
    assert codec.feature_names == [("a", 1), ("b", 2), ("b", 3)]

    integers = pd.DataFrame({3: [1.0, 2.0], 1: ["x", "y"]})
    pd.testing.assert_frame_equal(round_trip(integers)[1], integers)


# --------------------------------------------------------------------------- overrides


def test_categorical_features_like_smotenc():
    X = pd.DataFrame(
        {"age": [30, 40, 30], "code": [1, 2, 1], "score": [0.5, 0.1, 0.2], "city": ["a", "b", "a"]}
    )
    expected = {"age": CONTINUOUS, "code": CATEGORICAL, "score": CONTINUOUS, "city": CATEGORICAL}
    for features in ([1, 3], [1, -1], np.array([1, 3]), [False, True, False, True], ["code", "city"]):
        codec, decoded = round_trip(X, categorical_features=features)
        assert codec.kinds == expected, features
        pd.testing.assert_frame_equal(decoded, X)
    codec = TableCodec(categorical_features=[3], column_kinds={"age": CATEGORICAL, "city": CATEGORICAL}).fit(
        X
    )
    assert codec.kinds == {"age": CATEGORICAL, "code": CONTINUOUS, "score": CONTINUOUS, "city": CATEGORICAL}
    assert list(codec.handlers[0].categories) == [30, 40]


def test_column_kinds_override_wins():
    X = pd.DataFrame(
        {"rating": [1, 2, 3, 2], "flag": [True, False, True, True], "x": [0.5, np.nan, 0.5, 1.0]}
    )
    codec, decoded = round_trip(X, column_kinds={"rating": CATEGORICAL, "flag": CONTINUOUS, "x": CATEGORICAL})
    assert codec.kinds == {"rating": CATEGORICAL, "flag": CONTINUOUS, "x": CATEGORICAL}
    pd.testing.assert_frame_equal(decoded, X)
    assert list(codec.handlers[2].categories) == [0.5, 1.0]

    array = np.array([[1.0, 2.0], [3.0, 2.0]])
    codec, decoded = round_trip(array, column_kinds={1: CATEGORICAL})
    assert codec.kinds == {0: CONTINUOUS, 1: CATEGORICAL}
    np.testing.assert_array_equal(decoded, array)


def test_mixed_object_column_can_be_forced_categorical():
    X = pd.DataFrame({"mess": pd.Series(["a", 1, 2.5, None], dtype=object)})
    _, decoded = round_trip(X, column_kinds={"mess": CATEGORICAL})
    pd.testing.assert_frame_equal(decoded, X)


def test_categorical_features_auto_and_none_detect():
    X = mixed_frame()
    assert TableCodec(categorical_features=None).fit(X).kinds == EXPECTED_KINDS


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "X, error, match",
    [
        (pd.DataFrame({"impedance": [1 + 2j, 3j]}), TypeError, "impedance.*complex"),
        (np.array([[1 + 2j]]), TypeError, "Column 0.*complex"),
        (pd.DataFrame({"z_obj": pd.Series([1 + 2j, 3j], dtype=object)}), TypeError, "z_obj.*complex"),
        (pd.DataFrame({"messy": pd.Series(["a", 1], dtype=object)}), TypeError, "messy.*mixing"),
        (pd.DataFrame({"flags": pd.Series([True, 1], dtype=object)}), TypeError, "flags.*mixing"),
        (
            pd.DataFrame({"day": pd.Series([pd.Timestamp("2020"), None], dtype=object)}),
            TypeError,
            "day.*datetime",
        ),
        (pd.DataFrame({"height": [1.0, np.inf]}), ValueError, "height.*inf"),
        (pd.DataFrame({"depth": pd.Series([1.0, -np.inf], dtype=object)}), ValueError, "depth.*inf"),
        (pd.DataFrame({"f32": np.array([1.0, np.inf], dtype=np.float32)}), ValueError, "f32.*inf"),
        (pd.DataFrame([[1, 2]], columns=["twin", "twin"]), ValueError, "twin"),
        (pd.DataFrame({"no_rows": []}), ValueError, "empty.*0 rows"),
        (pd.DataFrame(index=[0, 1]), ValueError, "empty.*0 columns"),
        (np.empty((0, 3)), ValueError, "empty"),
        (np.ones(3), ValueError, "2-D"),
        (pd.Series([1.0]), TypeError, "2-D"),
    ],
)
def test_invalid_tables(X, error, match):
    with pytest.raises(error, match=match):
        TableCodec().fit(X)


def test_complex_is_refused_even_when_forced():
    X = pd.DataFrame({"phase": [1j, 2j]})
    for kind in (CONTINUOUS, CATEGORICAL):
        with pytest.raises(TypeError, match=r"phase.*complex"):
            TableCodec(column_kinds={"phase": kind}).fit(X)


@pytest.mark.parametrize(
    "params, error, match",
    [
        ({"categorical_features": [7]}, ValueError, "index 7"),
        ({"categorical_features": [-4]}, ValueError, "index -4"),
        ({"categorical_features": ["nowhere"]}, ValueError, "nowhere"),
        ({"categorical_features": [True, False]}, ValueError, "mask.*length 2.*3 columns"),
        ({"categorical_features": "city"}, ValueError, "city"),
        ({"categorical_features": [0, "city"]}, ValueError, "not a mix"),
        ({"categorical_features": 1}, ValueError, "wrap a single"),
        ({"categorical_features": [0]}, TypeError, "city.*not listed in categorical_features"),
        ({"column_kinds": {"ghost": CATEGORICAL}}, ValueError, "ghost"),
        ({"column_kinds": {0: CATEGORICAL}}, ValueError, "column 0"),
        ({"column_kinds": {"age": "ordinal"}}, ValueError, "age.*ordinal"),
        ({"column_kinds": {"city": CONTINUOUS}}, TypeError, "city.*forced continuous"),
        ({"column_kinds": {"when": CONTINUOUS}}, TypeError, "when.*category"),
        ({"column_kinds": ["age"]}, TypeError, "column_kinds"),
    ],
)
def test_invalid_overrides(params, error, match):
    X = pd.DataFrame(
        {"age": [30, 40], "city": ["Paris", "Lyon"], "when": pd.Categorical(["a", "b"])},
    )
    with pytest.raises(error, match=match):
        TableCodec(**params).fit(X)


def test_invalid_overrides_for_arrays():
    X = np.ones((2, 3))
    with pytest.raises(ValueError, match="column 3"):
        TableCodec(column_kinds={3: CATEGORICAL}).fit(X)
    with pytest.raises(ValueError, match=r"column names.*array"):
        TableCodec(categorical_features=["a"]).fit(X)
    with pytest.raises(ValueError, match=r"Column 0.*kind"):
        column_handler(pd.Series([1.0], name=0), kind="numeric")
    strings = np.array([["a", "b"]], dtype=object)
    with pytest.raises(TypeError, match=r"Column 1.*not listed"):
        TableCodec(categorical_features=[0]).fit(strings)


def test_encode_checks_the_columns():
    X = pd.DataFrame({"age": [30, 40], "city": ["Paris", "Lyon"]})
    codec = TableCodec().fit(X)
    with pytest.raises(ValueError, match=r"unexpected: \['town'\].*missing: \['city'\]"):
        codec.encode(X.rename(columns={"city": "town"}))
    with pytest.raises(ValueError, match="another order"):
        codec.encode(X[["city", "age"]])
    with pytest.raises(ValueError, match=r"missing: \['city'\]"):
        codec.encode(X[["age"]])
    with pytest.raises(ValueError, match="fitted on a DataFrame"):
        codec.encode(X.to_numpy())
    with pytest.raises(ValueError, match=r"city.*not seen in fit.*Nice"):
        codec.encode(pd.DataFrame({"age": [1, 2], "city": ["Nice", "Paris"]}))
    with pytest.raises(TypeError, match=r"age.*needs numbers"):
        codec.encode(pd.DataFrame({"age": ["old", "young"], "city": ["Lyon", "Paris"]}))
    with pytest.raises(ValueError, match=r"age.*inf"):
        codec.encode(pd.DataFrame({"age": [np.inf, 1.0], "city": ["Lyon", "Paris"]}))

    array_codec = TableCodec().fit(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"2 columns.*fitted on 3"):
        array_codec.encode(np.ones((2, 2)))
    with pytest.raises(RuntimeError, match="not fitted"):
        TableCodec().encode(X)


def test_encode_accepts_compatible_values():
    X = pd.DataFrame(
        {"price": [1.5, 2.5], "level": pd.Categorical(["lo", "hi"], categories=["lo", "hi", "top"])}
    )
    codec = TableCodec().fit(X)
    continuous, codes = codec.encode(pd.DataFrame({"price": [3, 4], "level": ["top", None]}))
    assert continuous.ravel().tolist() == [3.0, 4.0]
    assert codes.ravel().tolist() == [2, -1]
    with pytest.raises(ValueError, match=r"level.*not seen in fit"):
        codec.encode(pd.DataFrame({"price": [3, 4], "level": ["top", "bottom"]}))


def test_decode_checks_its_input():
    X = pd.DataFrame({"count": np.array([1, 2], dtype=np.int16), "flag": [True, False], "city": ["a", "b"]})
    codec = TableCodec().fit(X)
    good_codes = np.array([[0, 1], [1, 0]])
    with pytest.raises(ValueError, match=r"count.*int16.*cannot hold missing"):
        codec.decode(np.array([[np.nan], [1.0]]), good_codes)
    with pytest.raises(ValueError, match=r"flag.*bool.*cannot hold missing"):
        codec.decode(np.array([[1.0], [1.0]]), np.array([[-1, 0], [0, 0]]))
    with pytest.raises(ValueError, match=r"city.*2 categories.*\[-1, 1\]"):
        codec.decode(np.array([[1.0], [1.0]]), np.array([[0, 2], [0, 0]]))
    with pytest.raises(TypeError, match=r"flag.*integers"):
        codec.decode(np.array([[1.0], [1.0]]), good_codes.astype(float))
    with pytest.raises(ValueError, match=r"shape \(n_samples, 1\)"):
        codec.decode(np.ones((2, 2)), good_codes)
    with pytest.raises(ValueError, match="same rows"):
        codec.decode(np.ones((3, 1)), good_codes)
    with pytest.raises(ValueError, match="2 categorical columns; got None"):
        codec.decode(np.ones((2, 1)), None)


def test_handler_errors_name_the_column():
    handler = column_handler(pd.Series(["a", "b"], name="letters"))
    with pytest.raises(ValueError, match=r"letters.*codes must lie"):
        handler.decode(np.array([5]))
    handler = column_handler(pd.Series([1.0, 2.0], name="weights_kg"))
    with pytest.raises(ValueError, match=r"weights_kg.*1-D"):
        handler.decode(np.ones((2, 2)))
    naive = column_handler(pd.Series(pd.to_datetime(["2020-01-01"]), name="stamp"))
    with pytest.raises(TypeError, match=r"stamp.*naive"):
        naive.encode(pd.Series(pd.to_datetime(["2020-01-01"]).tz_localize("UTC")))
    with pytest.raises(TypeError, match=r"stamp.*datetime"):
        naive.encode(pd.Series([1.0]))


# --------------------------------------------------------------------------- purity


def test_input_is_not_modified():
    X = mixed_frame()
    snapshot = copy.deepcopy(X)
    codec = TableCodec().fit(X)
    continuous, categorical = codec.encode(X)
    continuous[:] = 123.0  # the encoded arrays are fresh: writing to them leaves X alone
    categorical[:] = categorical[0]
    decoded = codec.decode(continuous, categorical)
    pd.testing.assert_frame_equal(X, snapshot)

    fresh_continuous, fresh_categorical = codec.encode(X)
    decoded = codec.decode(fresh_continuous, fresh_categorical)
    fresh_continuous[:] = -1.0  # ... and the decoded frame does not share memory with them
    pd.testing.assert_frame_equal(decoded, snapshot.reset_index(drop=True))

    column = X["float64"]
    encoded = column_handler(column).encode(column)
    encoded[:] = 0.0
    values = np.array([1.0, 2.0])
    decoded_column = column_handler(column).decode(values)
    values[:] = 7.0
    assert decoded_column.tolist() == [1.0, 2.0]
    pd.testing.assert_frame_equal(X, snapshot)


def test_array_input_is_not_modified():
    X = np.array([[1.0, np.nan], [3.0, 4.0]])
    original = X.copy()
    codec = TableCodec().fit(X)
    continuous, categorical = codec.encode(X)
    decoded = codec.decode(continuous, categorical)
    assert not np.shares_memory(decoded, continuous)
    continuous[:] = 0.0
    np.testing.assert_array_equal(X, original)
    np.testing.assert_array_equal(decoded, original)


def test_fitted_codec_pickles():
    X = mixed_frame()
    codec = TableCodec().fit(X)
    restored = pickle.loads(pickle.dumps(codec))
    assert restored.kinds == codec.kinds
    pd.testing.assert_frame_equal(restored.decode(*codec.encode(X)), X.reset_index(drop=True))


def test_repr():
    assert repr(TableCodec(column_kinds={"a": CATEGORICAL})) == (
        "TableCodec(categorical_features='auto', column_kinds={'a': 'categorical'}, value_grids=True)"
    )
    assert repr(column_handler(pd.Series([1], name="n"))) == "IntegerHandler(name='n', dtype=int64)"


def test_sparse_columns_round_trip_with_their_sparse_dtype():
    frame = pd.DataFrame(
        {
            "dense": [1.0, 2.0, 3.0],
            "sparse": pd.arrays.SparseArray([0.0, 1.5, 0.0]),
            "sparse_int": pd.arrays.SparseArray([0, 0, 4]),
        }
    )
    codec = TableCodec().fit(frame)
    assert codec.kinds == {"dense": CONTINUOUS, "sparse": CONTINUOUS, "sparse_int": CONTINUOUS}
    pd.testing.assert_frame_equal(codec.decode(*codec.encode(frame)), frame)


def test_decode_without_copy_keeps_fortran_columns():
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": [4.0, 5.0, 6.0], "c": ["a", "b", "a"]})
    codec = TableCodec().fit(frame)
    assert codec.decode_order == "F"
    continuous, codes = codec.encode(frame)
    continuous, codes = np.asfortranarray(continuous), np.asfortranarray(codes)
    decoded = codec.decode(continuous, codes, copy=False)
    pd.testing.assert_frame_equal(decoded, frame)
    copied = codec.decode(continuous, codes)
    assert not np.shares_memory(copied["x"].to_numpy(), continuous)


# --------------------------------------------------------------------------- fit_encode options


@pytest.mark.parametrize("dtype", [np.float64, np.int64, np.int8])
@pytest.mark.parametrize("n_rows", [0, 1, 299, 300, 301, 1000])  # around blocks of 300 rows
@pytest.mark.parametrize("width", [1, 5, 7, 12])  # narrow tables are written a column at a time
def test_stacked_is_np_stack(dtype, n_rows, width):
    rng = np.random.RandomState(0)
    columns = [rng.randint(-100, 100, size=n_rows).astype(dtype) for _ in range(width)]
    for block in (300, None):  # given, and from the output's width
        for finite in (None, []):
            stacked = _stacked(columns, n_rows, dtype, block=block, finite=finite)
            assert stacked.flags.c_contiguous and stacked.dtype == dtype
            np.testing.assert_array_equal(stacked, np.stack(columns, axis=1).reshape(n_rows, width))
        assert finite == [True]
    assert _stacked([], n_rows, dtype).shape == (n_rows, 0)


def _columns_sharing_buffers(n_rows: int) -> dict[str, list[np.ndarray]]:
    """Column lists whose columns lie side by side in one buffer, in several ways."""
    rng = np.random.RandomState(1)
    block = rng.normal(size=(9, n_rows))  # a pandas-like block: one row per column
    shifted = rng.normal(size=n_rows + 8)
    frame = pd.DataFrame(rng.normal(size=(n_rows, 8)), columns=list("abcdefgh"))
    frame["n"] = np.arange(n_rows, dtype=np.int64)
    frame["z"] = rng.normal(size=n_rows)
    return {
        "rows of a block": list(block),
        "reversed": list(block[::-1]),
        "every other": list(block[::2]) + list(block[1::2]),
        "strided rows": list(np.repeat(block, 2, axis=1)[:, ::2]),
        "shifted views": [shifted[k : k + n_rows] for k in range(8)],
        "mixed dtypes": [block[0], block[1], block[2].astype(np.float32), block[3], block[4], block[5]],
        "a frame": [frame[name].to_numpy() for name in frame.columns],
        "a column twice": [block[0], block[0], block[1], block[2], block[3], block[4], block[5]],
    }


@pytest.mark.parametrize("n_rows", [1, 2, 299, 300, 1000])
@pytest.mark.parametrize("layout", list(_columns_sharing_buffers(2)))
def test_stacked_copies_columns_sharing_a_buffer_as_np_stack_does(n_rows, layout):
    columns = _columns_sharing_buffers(n_rows)[layout]
    before = [column.copy() for column in columns]
    for block in (300, 7, None):
        for finite in (None, []):
            stacked = _stacked(columns, n_rows, np.float64, block=block, finite=finite)
            np.testing.assert_array_equal(stacked, np.stack(columns, axis=1).astype(np.float64))
    for column, original in zip(columns, before, strict=True):
        np.testing.assert_array_equal(column, original)


def test_stacked_reads_a_frames_float_block_in_one_view():
    from skmixup.columns._arrays import _side_by_side

    frame = pd.DataFrame(np.ones((50, 6)), columns=list("abcdef"))
    frame["n"] = np.arange(50)
    columns = [frame[name].to_numpy() for name in frame.columns]
    assert [(first, stop) for first, stop, _ in _side_by_side(columns, 50)] == [(0, 6), (6, None)]
    # Columns of separate allocations are never read as one view, even a fixed distance apart.
    memory = np.zeros(3 * 64)
    apart = [np.frombuffer(memory.data, count=50, offset=k * 8 * 64) for k in range(3)]
    assert [stop for _, stop, _ in _side_by_side(apart, 50)] == [None] * 3
    assert [stop for _, stop, _ in _side_by_side([np.ones(50) for _ in range(4)], 50)] == [None] * 4


@pytest.mark.parametrize("n_rows", [1, 63, 64, 65, 1000])  # fit refuses empty tables
@pytest.mark.parametrize("order", ["C", "F"])
def test_column_extremes_are_fmin_and_fmax_along_the_rows(n_rows, order):
    rng = np.random.default_rng(2)
    table = rng.normal(size=(n_rows, 5)) * 10.0 ** rng.integers(-3, 4, size=5)
    table[rng.random(table.shape) < 0.3] = np.nan
    table[:, 3] = np.nan  # a column with no value
    if n_rows > 70:
        table[66, 1], table[n_rows - 1, 2] = -1e300, 1e300  # in the wide part, and in the tail
    table = np.asarray(table, order=order)
    with np.errstate(invalid="ignore"):
        low, high = column_extremes(table)
        expected = np.fmin.reduce(table, axis=0), np.fmax.reduce(table, axis=0)
    np.testing.assert_array_equal(low, expected[0])
    np.testing.assert_array_equal(high, expected[1])
    assert column_extremes(np.empty((n_rows, 0)))[0].shape == (0,)


@pytest.mark.parametrize("where", [0, 299, 300, 999])
def test_stacked_finds_a_value_that_is_not_finite_in_any_block(where):
    columns = [np.zeros(1000) for _ in range(8)]
    columns[5][where] = np.nan
    finite = []
    stacked = _stacked(columns, 1000, np.float64, block=300, finite=finite)
    assert finite == [False] and np.isnan(stacked[where, 5])


def test_fit_encode_without_the_observed_range():
    X = pd.DataFrame({"x": [1.0, 3.0], "c": ["a", "b"]})
    codec = TableCodec()
    continuous, _ = codec.fit_encode(X, observe_range=False)
    assert not hasattr(codec.continuous_handlers[0], "observed_min")
    np.testing.assert_array_equal(continuous, [[1.0], [3.0]])
    assert codec.fit_encode(X)[0] is not None and codec.continuous_handlers[0].observed_max == 3.0


def test_fit_encode_rows_types_on_the_whole_table_and_encodes_the_rows():
    frame = mixed_frame()
    rows = np.array([1])  # row 1 alone would type several columns differently (Int64 is missing)
    codec = TableCodec()
    continuous, codes = codec.fit_encode(frame, rows=rows)
    assert codec.kinds == EXPECTED_KINDS
    subset = frame.iloc[rows]
    assert TableCodec().fit(subset).kinds["Int64"] == CATEGORICAL
    assert continuous.shape == (1, len(codec.continuous_indices)) and len(codes) == 1
    # decoding gives the rows back, with the whole table's dtypes
    pd.testing.assert_frame_equal(codec.decode(continuous, codes), subset.reset_index(drop=True))
    # categories are those seen in the rows; a category dtype keeps its own
    assert list(codec.handlers[frame.columns.get_loc("bool")].categories) == [False]
    assert list(codec.handlers[frame.columns.get_loc("category")].categories) == ["z", "b", "a"]


@pytest.mark.parametrize("as_frame", [True, False])
def test_fit_encode_rows_still_refuses_inf_anywhere(as_frame):
    X = np.array([[1.0, 2.0], [3.0, np.inf], [5.0, 6.0]])
    X = pd.DataFrame(X, columns=["a", "b"]) if as_frame else X
    with pytest.raises(ValueError, match=r"Column '?b'?|Column 1 holds inf"):
        TableCodec().fit_encode(X, rows=np.array([0, 2]))
    if as_frame:  # object columns of numbers too
        objects = pd.DataFrame({"a": pd.Series([1.0, float("inf"), 2.0], dtype=object)})
        with pytest.raises(ValueError, match="'a' holds inf"):
            TableCodec().fit_encode(objects, rows=np.array([0]))


@pytest.mark.parametrize(("n_categories", "dtype"), [(127, np.int8), (128, np.int16), (40_000, np.int32)])
def test_codes_take_the_smallest_dtype_that_holds_them(n_categories, dtype):
    labels = pd.Series([f"v{k:05d}" for k in range(n_categories)] + [None])  # sorted as listed
    X = pd.DataFrame({"x": np.arange(n_categories + 1.0), "label": labels})
    codec = TableCodec(column_kinds={"label": "categorical"})  # all distinct: an identifier otherwise
    _, codes = codec.fit_encode(X)
    assert codes.dtype == codec.codes_dtype == dtype
    assert codes[-1, 0] == -1 and codes[:, 0].max() == n_categories - 1
    pd.testing.assert_frame_equal(codec.decode(*codec.encode(X)), X)
    assert codec.encode(X)[1].dtype == dtype
    # wider codes decode too
    wide = codec.decode(np.arange(3.0)[:, None], np.array([[0], [-1], [n_categories - 1]], dtype=np.int64))
    first, missing, last = wide["label"]
    assert first == "v00000" and pd.isna(missing) and last == f"v{n_categories - 1:05d}"


# ------------------------------------------------------------------- found by fuzzing (test_properties)


@pytest.mark.parametrize(
    ("precision", "scale", "value"),
    [
        (19, 10, "999999999.9999999519"),
        (21, 0, "-999999999999999999999"),
        (38, 0, "9" * 38),
        (16, 1, "-999999999999999.9"),
    ],
)
def test_decimals_near_the_largest_of_their_precision_decode_to_themselves(precision, scale, value):
    # Their nearest double rounds up to 10**digits, which the decimal type cannot hold: the cast
    # back overflowed and decoded them as 0.
    pa = require("pyarrow")
    import decimal

    pa_type = pa.decimal128(precision, scale)
    values = [decimal.Decimal(value), decimal.Decimal(value), None]
    X = pd.DataFrame({"d": pd.Series(pd.arrays.ArrowExtensionArray(pa.array(values, pa_type)))})
    _, decoded = round_trip(X)
    assert decoded["d"].dtype == X["d"].dtype
    got = decoded["d"].iloc[0]
    assert abs(got - decimal.Decimal(value)) <= abs(decimal.Decimal(value)) * decimal.Decimal("1e-15")


def test_errors_name_integer_labels_as_they_are_written():
    # A column of a frame of several dtypes is named by a numpy scalar: "Column np.int64(54)".
    X = pd.DataFrame({54: [1.0, np.inf, 2.0], 7: pd.array([1, 2, 3], dtype="Int8"), 9: [True, False, True]})
    with pytest.raises(ValueError, match=r"^Column 54 holds inf"):
        TableCodec().fit(X)
    with pytest.raises(TypeError, match=r"^Column 9 is made an identifier"):
        TableCodec(column_kinds={9: "identifier"}).fit(X.replace(np.inf, 0.0))


@pytest.mark.parametrize("dtype", ["uint64", "UInt64", "uint64[pyarrow]"])
def test_unsigned_identifiers_above_the_int64_range_get_fresh_values(dtype):
    # The fresh values were made as int64: OverflowError beyond 2**63.
    if dtype.endswith("[pyarrow]"):
        require("pyarrow")
    from skmixup.columns import IntegerIdentifierHandler

    real = pd.Series(np.arange(2**64 - 30, 2**64 - 5, dtype=np.uint64), name="key").astype(dtype)
    fresh = IntegerIdentifierHandler().fit(real).generate(3, np.random.RandomState(0))
    assert fresh.dtype == real.dtype
    assert fresh.tolist() == [2**64 - 5, 2**64 - 4, 2**64 - 3]


def test_arrow_halffloats_forced_categorical_round_trip():
    # pyarrow has no sort kernel for halffloat: factorising raised ArrowNotImplementedError.
    pa = require("pyarrow")
    values = pa.array(
        np.array([0.5, -0.0, 0.5, 2.0], dtype=np.float16), mask=np.array([0, 0, 0, 1], dtype=bool)
    )
    X = pd.DataFrame({"h": pd.Series(pd.arrays.ArrowExtensionArray(values))})
    codec, decoded = round_trip(X, column_kinds={"h": "categorical"})
    assert codec.kinds == {"h": CATEGORICAL}
    assert list(codec.handlers[0].categories) == [0.0, 0.5]
    assert decoded["h"].dtype == X["h"].dtype
    assert decoded["h"].isna().tolist() == [False, False, False, True]
    assert decoded["h"].iloc[:3].tolist() == [0.5, 0.0, 0.5]


@pytest.mark.parametrize("scale", [0, 3, 7, 12])
def test_decimals_of_15_significant_digits_decode_exactly(scale):
    # The documented bound was |value|·10^scale < 2**53, but 640237370.5728001 (16 digits, below
    # 2**53 units) is not exact: doubles hold 15 significant digits.
    pa = require("pyarrow")
    import decimal

    rng = np.random.RandomState(scale)
    units = rng.randint(10**14, 10**15, size=2000, dtype=np.int64) * rng.choice([-1, 1], size=2000)
    values = [decimal.Decimal(int(u)).scaleb(-scale, decimal.Context(prec=50)) for u in units]
    X = pd.DataFrame(
        {"d": pd.Series(pd.arrays.ArrowExtensionArray(pa.array(values, pa.decimal128(38, scale))))}
    )
    _, decoded = round_trip(X)
    assert decoded["d"].tolist() == values


def test_fresh_identifiers_of_a_string_array_are_not_truncated_to_its_width():
    # Every one-letter id is taken: the fresh ones get a suffix ("h~0"), which a <U1 array cut
    # back to real ids ("h"), repeated.
    import string

    X = np.array(list(string.ascii_lowercase))[:, None]
    codec = TableCodec().fit(X)
    assert codec.kinds == {0: "identifier"}
    fresh = codec.decode(np.empty((30, 0)), np.empty((30, 0), dtype=np.int8), random_state=0)
    assert fresh.dtype.kind == "U" and fresh.shape == (30, 1)
    assert not set(fresh.ravel()) & set(X.ravel())
    assert len(set(fresh.ravel())) == 30


def test_float_columns_near_the_largest_double_learn_no_grid_without_overflow_warnings():
    # The sample screen multiplied 1e308 by 10 before the size check: RuntimeWarning (an error
    # in this suite) for any float column holding a fraction and a huge value.
    import warnings

    from skmixup.columns.floats import observed_decimals

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert observed_decimals(np.array([0.5, 1e308, 3.0])) is None
        codec, decoded = round_trip(pd.DataFrame({"x": [0.5, 1e308, np.nan, -1.7e308]}))
    assert codec.handlers[0].decimals is None
    assert decoded["x"].tolist()[:2] == [0.5, 1e308]


def test_decoding_after_the_originals_keeps_object_strings_object():
    # fit_resample's originals and new rows were joined into a Series without a dtype, which
    # pandas 3 infers as "str" for object strings.
    X = pd.DataFrame({"s": pd.Series(["a", "b", None, "a"], dtype=object), "x": [1.0, 2.0, 3.0, 4.0]})
    codec = TableCodec().fit(X)
    joined = codec.decode(*codec.encode(X), originals=X)
    assert joined.dtypes.to_dict() == X.dtypes.to_dict()
    assert joined["s"].tolist()[:4] == ["a", "b", None, "a"] and len(joined) == 8


def test_plain_float_columns_are_mixed_into_their_joined_columns_and_kept_there():
    rng = np.random.default_rng(2)
    X = pd.DataFrame(
        {
            "plain": rng.normal(size=50),
            "single": rng.normal(size=50).astype(np.float32),
            "nullable": pd.array(rng.normal(size=50), dtype="Float64"),
            "tenths": np.round(rng.normal(size=50), 1),
            "more": rng.normal(size=50) * 1e3,
            "kind": rng.choice(["a", "b"], 50),
        }
    )
    codec = TableCodec().fit(X)
    continuous, categorical = codec.encode(X.iloc[::-1].reset_index(drop=True))  # as if mixed: other rows
    expected = pd.concat([X, codec.decode(continuous, categorical)], ignore_index=True)
    block, joined = codec.joined_continuous(X, 50)
    assert sorted(joined) == [0, 4]  # float64 values kept as they are; not float32, Float64 or a grid
    assert block.shape == (50, 5) and block.strides[0] == 8
    block[:] = continuous
    decoded = codec.decode(block, categorical, copy=False, originals=X, joined=joined)
    pd.testing.assert_frame_equal(decoded, expected)
    for position in joined:  # the very columns, not copies of them
        assert np.shares_memory(decoded.iloc[:, position].to_numpy(), joined[position])
    # Decoded with a copy, the columns are joined by copying, and come out the same.
    copied = codec.decode(block, categorical, originals=X, joined=joined)
    pd.testing.assert_frame_equal(copied, expected)
    assert not np.shares_memory(copied["plain"].to_numpy(), joined[0])
    assert TableCodec().fit(X[["single", "kind"]]).joined_continuous(X[["single", "kind"]], 5) is None
    assert TableCodec().fit(X[["plain"]].to_numpy()).joined_continuous(X[["plain"]], 5) is None


@pytest.mark.parametrize("label_mixing", ["stratified", "joint"])
def test_float_arrays_with_codes_give_the_same_rows_wherever_the_codes_are(label_mixing):
    # Codes at the end: the kernel writes the float columns straight into the output (and
    # fit_resample after the originals); codes in the middle: the general decoding path.
    rng = np.random.default_rng(0)
    floats = rng.normal(size=(300, 3)) * [1.0, 10.0, 0.1]
    codes = rng.integers(0, [3, 5], size=(300, 2)).astype(float)
    codes[::7, 1] = np.nan
    y = rng.integers(0, 2, size=300)
    at_end, in_middle = np.hstack([floats, codes]), np.column_stack([floats[:, :1], codes, floats[:, 1:]])
    order = [0, 3, 4, 1, 2]  # in_middle's columns in at_end's order
    before = at_end.copy()

    def fitted(X, categorical):
        return StructurePreservingMixup(
            categorical_features=categorical, label_mixing=label_mixing, random_state=0
        ).fit(X, y)

    end, middle = fitted(at_end, [3, 4]), fitted(in_middle, [1, 2])
    assert end._codec.continuous_view(np.empty((1, 5))) is not None
    assert middle._codec.continuous_view(np.empty((1, 5))) is None
    X_end, y_end = end.sample(400)
    X_middle, y_middle = middle.sample(400)
    np.testing.assert_array_equal(X_end, X_middle[:, order])
    np.testing.assert_array_equal(y_end, y_middle)
    resampler = StructurePreservingMixup(categorical_features=[3, 4], random_state=0)
    X_res, _ = resampler.fit_resample(at_end, y)
    X_res_middle, _ = StructurePreservingMixup(categorical_features=[1, 2], random_state=0).fit_resample(
        in_middle, y
    )
    np.testing.assert_array_equal(X_res, X_res_middle[:, order])
    np.testing.assert_array_equal(X_res[:300], at_end)
    np.testing.assert_array_equal(at_end, before)
    assert set(np.unique(X_res[300:, 3])) <= {0.0, 1.0, 2.0}


@pytest.mark.parametrize("step", [2, 3, 10, 86_400 * 10**9, 2**62 + 2**60])
def test_snap_puts_values_on_the_nearest_grid_point_far_from_and_near_the_bounds(step):
    """The fast path (far from the dtype's bounds) and the general one agree with exact arithmetic."""
    from skmixup.columns._integral import snap

    rng = np.random.default_rng(step % 1000)
    origin = int(rng.integers(-(10**6), 10**6)) * 7
    reach = min(10**4, 2**61 // step)  # grid points that fit an int64 (only the origin for the largest)
    points = origin + rng.integers(-reach, reach + 1, 2000).astype(object) * step
    offsets = rng.integers(-(step // 2), step // 2 + 1, 2000)
    offsets[:200] = step // 2 if step % 2 == 0 else step // 2 + 1  # ties (even steps), just past them
    ints = (points + offsets).astype(np.int64)

    def nearest(value: int) -> int:
        down = origin + ((value - origin) // step) * step
        return down + step if 2 * (value - down) > step else down  # a tie goes down

    expected = [nearest(int(v)) for v in ints]
    far = snap(ints.copy(), origin, step, -(2**63), 2**63 - 1)
    np.testing.assert_array_equal(far, expected)
    # Bounds just around the data take the general path: the same answer wherever the nearest
    # point fits, and a point inside the bounds everywhere.
    low, high = int(ints.min()) - 1, int(ints.max()) + 1
    near = snap(ints.copy(), origin, step, low, high)
    expected = np.asarray(expected)
    inside = (expected >= low) & (expected <= high)
    np.testing.assert_array_equal(near[inside], expected[inside])
    assert ((near >= low) & (near <= high)).all()


def _assert_same_factorisation(values: np.ndarray) -> None:
    counted = _factorized_by_counting(values)
    codes, uniques = pd.factorize(values, sort=True, use_na_sentinel=True)
    if counted is None:
        return
    np.testing.assert_array_equal(counted[0], codes)
    assert counted[0].dtype == codes.dtype
    assert counted[1].dtype == uniques.dtype
    np.testing.assert_array_equal(counted[1], uniques)
    np.testing.assert_array_equal(np.signbit(counted[1]), np.signbit(uniques))  # -0.0 as pandas keeps it


@pytest.mark.parametrize(
    ("values", "counted"),
    [
        (np.array([True, False, True]), True),
        (np.array([3, 1, 3], dtype=np.uint8), True),
        (np.array([127, -128, 0], dtype=np.int8), True),  # the span does not fit an int8
        (np.array([2**64 - 1, 2**64 - 5], dtype=np.uint64), True),
        (np.array([-0.0, 0.0, 1.0]), True),
        (np.array([0.0, -0.0, np.nan, 2.0]), True),
        (np.array([2.0**60, 2.0**60 + 256]), True),
        (np.array([-3.0, -1.0, np.nan], dtype=np.float32), True),
        (np.array([1.5, 2.0]), False),
        (np.array([0.5, np.nan]), False),
        (np.array([np.nan, np.nan]), False),
        (np.array([np.inf, 1.0]), False),
        (np.array([-5, _COUNTING_SPAN]), False),
        (np.array([1, 2], dtype=np.float16), False),
        (np.array([3.4e38, -1.7e38], dtype=np.float32), False),  # a span that overflows float32
        (np.array([1.7e308, -1.7e308]), False),
    ],
)
def test_counting_factorisation_is_pandas_factorisation(values, counted):
    assert (_factorized_by_counting(values) is not None) == counted
    _assert_same_factorisation(values)


@given(
    st.lists(st.sampled_from([-2.0, -1.0, -0.0, 0.0, 1.0, 7.0, 3e4, np.nan, 0.5]), min_size=1, max_size=40),
    st.sampled_from([np.float64, np.float32, np.int64, np.int16, np.uint32]),
)
def test_counting_factorisation_matches_pandas_on_any_small_table(values, dtype):
    values = np.array(values)
    if np.dtype(dtype).kind in "iu":
        values = np.nan_to_num(np.trunc(values), nan=3.0)
        values = np.abs(values) if np.dtype(dtype).kind == "u" else values
    _assert_same_factorisation(values.astype(dtype))


@pytest.mark.parametrize("step", [1, 5])
def test_integer_decode_takes_the_short_path_only_when_nothing_is_missing_or_clipped(step):
    """Offsets well inside the bounds and without NaN are only cast; the others are clipped,
    set to the bounds or marked missing, as before."""
    from skmixup.columns._integral import decode

    rng = np.random.default_rng(step)
    inside = rng.uniform(-1000.0, 1000.0, 500)
    ints, missing = decode(inside.copy(), 10**6, -(2**63), 2**63 - 1, origin=3, step=step)
    expected = (np.rint((inside - 3 + 10**6) / step) * step + 3).astype(np.int64)
    np.testing.assert_array_equal(ints, expected)
    assert missing.dtype == bool and not missing.any()
    # NaN, values at and beyond the bounds of an int8-like range: the full path.
    values = np.array([np.nan, -200.0, -128.0, 0.4, 127.0, 500.0])
    ints, missing = decode(values.copy(), 0, -128, 127)
    np.testing.assert_array_equal(missing, [True, False, False, False, False, False])
    np.testing.assert_array_equal(ints[1:], [-128, -128, 0, 127, 127])


@pytest.mark.parametrize("step", [3, 10, 86_400 * 10**9])
def test_grid_decode_lands_on_the_grid_below_and_beyond_exact_float_integers(step):
    """Below 2**53 the float rounding gives grid points exactly, so the snapping pass is
    skipped; beyond it, where floats skip integers, the values are snapped onto the grid."""
    from skmixup.columns._integral import decode, snap

    rng = np.random.default_rng(step % 997)
    origin, reference = 7, 10**5
    for scale in (2.0**40, 2.0**52.9, 2.0**55, 2.0**60):
        offsets = rng.uniform(-1.0, 1.0, 4000) * scale
        # Bounds within 2**62 of the reference, as a datetime's are: the short path (no clipping).
        ints, missing = decode(offsets.copy(), reference, -(2**61), 2**61, origin=origin, step=step)
        assert not missing.any()
        as_python = [int(v) for v in ints]
        assert all((v - origin) % step == 0 for v in as_python), scale
        np.testing.assert_array_equal(snap(ints.copy(), origin, step, -(2**63), 2**63 - 1), ints)
        exact = [Fraction(v) + reference for v in offsets]
        slack = step + 2 * int(np.spacing(scale))  # the float arithmetic's rounding, then the grid's
        assert all(abs(x - v) <= slack for x, v in zip(exact, as_python, strict=True)), scale
        if scale < 2.0**45:  # the quotient by the step is exact enough: the nearest grid point
            nearest = [origin + round((x - origin) / step) * step for x in exact]
            assert nearest == as_python


@pytest.mark.parametrize("missing", [0, 1, 500, 1000])
def test_variance_of_the_present_values_matches_numpy(missing):
    """The variance that decides whether a column is discrete: np.var of the values present."""
    from skmixup.columns.table import _variance

    rng = np.random.default_rng(missing)
    for mean in (0.0, 1.0, 1e6):  # one pass, and centred first (the mean dwarfs the spread)
        values = rng.normal(size=1000) * 3 + mean
        values[rng.permutation(1000)[:missing]] = np.nan
        for view in (values, values[::-2]):  # strided too, as the columns of an array are
            present = view[~np.isnan(view)]
            expected = float(present.var()) if present.size else 0.0
            assert _variance(view) == pytest.approx(expected, rel=1e-12, abs=0.0)


def _decimals_by_trying_each(values: np.ndarray, max_decimals: int = 12):
    """observed_decimals's definition, every candidate tried on every value."""
    present = values[~np.isnan(values)]
    if not present.size:
        return None
    for decimals in range(max_decimals + 1):
        scale = 10.0**decimals
        if float(np.abs(present).max()) * scale >= 2.0**53:
            return None
        with np.errstate(over="ignore", invalid="ignore"):
            if np.array_equal(np.rint(present * scale) / scale, present):
                return decimals
    return None


@pytest.mark.parametrize("seed", range(6))
def test_observed_decimals_agrees_with_trying_every_number_of_decimals(seed):
    """The screens (a sample, then the finest grid first) change the speed, not the answer:
    decimal columns, full-precision ones, huge values, values near 2**53 / 10**d, NaN."""
    from skmixup.columns.floats import observed_decimals

    rng = np.random.default_rng(seed)
    columns = [rng.normal(size=5000) * 10.0**k for k in (-3, 0, 3, 9)]
    columns += [np.round(rng.normal(size=5000) * 100, d) for d in range(0, 13, 3)]
    columns += [rng.integers(-(10**6), 10**6, 5000) * 10.0**k for k in (-4, 0, 5)]
    edge = np.round(rng.uniform(0, 1, 5000), 4)
    edge[rng.integers(0, 5000)] = 4.5e11  # 4.5e11 · 10^4 is near 2**53: some grids are out of reach
    columns.append(edge)
    with_missing = np.round(rng.normal(size=5000), 2)
    with_missing[rng.random(5000) < 0.3] = np.nan
    columns += [with_missing, np.full(100, np.nan), np.array([0.5, 1e308, 3.0])]
    for values in columns:
        assert observed_decimals(values) == _decimals_by_trying_each(values), values[:5]
