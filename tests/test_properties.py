"""Property-based tests: random tables of every supported dtype through fit / sample / fit_resample.

The strategies (``tests/strategies.py``) draw frames of 2–50 rows and 1–6
columns over every dtype skmixup takes, with missing values, awkward labels
and values up to the dtype's range.  Whatever the table, the law and the
switches:

- the only errors are ``ValueError`` / ``TypeError`` raised by skmixup (or
  scikit-learn's parameter checks) whose message names a column of X or a
  parameter;
- the output has the input's container, columns, order and dtypes, a fresh
  ``RangeIndex``, categorical values among the input's (categories and
  dictionaries kept), fresh identifiers;
- finite in, finite out; a column without missing values has none in the
  output; continuous values stay within the observed range widened by the
  weight law's reach beyond [0, 1];
- the input is unchanged, and the same ``random_state`` gives the same output;
- with ``EpBeta(delta=0)`` every output row is a real row, bit for bit
  (the sign of zero included);
- ``TableCodec`` decodes what it encodes, value for value, where float64
  holds the values exactly.

The defects this suite found have their regression tests in
``test_bad_input.py``.

The number of examples comes from the hypothesis profile (``tests/conftest.py``).
"""

from __future__ import annotations

import copy
import math
import os
import re
import traceback
import warnings

import imblearn
import numpy as np
import pandas as pd
import pytest
import sklearn
import strategies as S
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from optional import require
from sklearn.utils._param_validation import InvalidParameterError

import skmixup
from skmixup import Beta, EpBeta, ScipyWeights, StructurePreservingMixup
from skmixup.columns import TableCodec

pa = S.pa

# Tables drawn here are small and slow to draw; the profile sets how many.
FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _pretty_polars_frame(frame, printer, cycle) -> None:
    """A falsifying polars frame as its schema and physical values.

    polars panics formatting a datetime beyond chrono's range, which the
    strategies draw; hypothesis would then report the panic, not the example.
    """
    physical = frame.select(require("polars").all().to_physical()).to_dict(as_series=False)
    printer.text(f"<polars frame, schema {dict(frame.schema)!r}, physical values {physical!r}>")


try:
    import polars

    polars.DataFrame._repr_pretty_ = _pretty_polars_frame  # read by hypothesis' printer only
except ImportError:
    pass

# Names an error may give instead of a column: the estimator's, sample()'s and the laws' parameters.
PARAMETERS = (
    *StructurePreservingMixup().get_params(),
    "X",
    "y",
    "n_samples",
    "given",
    "exact_class_counts",
    "delta",
    "epsilon",
    "cut_point",
)
_PACKAGES = tuple(os.path.dirname(module.__file__) + os.sep for module in (skmixup, sklearn, imblearn))
MISSING = object()  # one key for every missing value (NaN, None, NA, NaT, null)
_LARGEST = float(np.finfo(np.float64).max)


# ------------------------------------------------------------------ the error checker


def names_a_column_or_parameter(message: str, labels) -> bool:
    """Whether ``message`` names one of the columns ``labels`` or a parameter.

    A column is named as skmixup names them, ``Column 'x'`` / ``column 3`` /
    ``columns ['x', ...]``; a parameter quoted (``'weights'``), as a
    keyword (``delta=``) or as the subject of a sentence (``y has ...``).
    """
    for label in labels:
        if re.search(r"[Cc]olumns? (?:\[[^\]]*)?" + re.escape(repr(label)), message):
            return True
    for name in PARAMETERS:
        pattern = rf"'{name}'|(?<![\w.]){name}=|(?:^|[\s(:]){name} (?:has|must|is|lists|names|drops|needs)\b"
        if re.search(pattern, message):
            return True
    return False


def check_error(error: BaseException, labels) -> None:
    """Fail unless ``error`` is a clear ValueError / TypeError of ours naming a column or parameter."""
    where = traceback.extract_tb(error.__traceback__)[-1].filename
    clear = (
        type(error) in (ValueError, TypeError) or isinstance(error, InvalidParameterError)
    ) and where.startswith(_PACKAGES)
    if not (clear and names_a_column_or_parameter(str(error), labels)):
        raise AssertionError(
            f"unclear error for columns {list(labels)!r}: {type(error).__name__} raised at {where}: {error}"
        ) from error


def attempt(call, labels, caught: list | None = None):
    """``call()``, or None if it raised a clear error; warnings other than UserWarning fail.

    The warnings are appended to ``caught`` when it is given.
    """
    with warnings.catch_warnings(record=True) as recorded:
        warnings.simplefilter("always")
        try:
            result = call()
        except Exception as error:  # any kind: check_error says which are allowed
            check_error(error, labels)
            result = None
    if caught is not None:
        caught.extend(recorded)
    unexpected = [w for w in recorded if w.category is not UserWarning]
    assert not unexpected, [
        f"{w.category.__name__} at {w.filename}:{w.lineno}: {w.message}" for w in unexpected
    ]
    return result


def exact_columns(X: pd.DataFrame, caught) -> list:
    """The columns whose values survive float64 mixing exactly.

    Not those warned to span more than 2**53 steps, nor decimals of more
    than 15 significant digits (DecimalHandler).
    """
    warned = " ".join(str(w.message) for w in caught)
    exact = []
    for label in X.columns:
        if f"Column {label!r} spans" in warned:
            continue
        column = X[label]
        if isinstance(column.dtype, pd.ArrowDtype) and pa.types.is_decimal(column.dtype.pyarrow_dtype):
            decimals = column.dropna().tolist()
            scale = column.dtype.pyarrow_dtype.scale
        elif is_object(column.dtype) and pd.api.types.infer_dtype(column, skipna=True) == "decimal":
            decimals = column.dropna().tolist()
            scale = max([0, *(-d.as_tuple().exponent for d in decimals)])
        else:
            decimals, scale = [], 0
        if any(abs(d.scaleb(scale, S.EXACT)) >= 10**15 for d in decimals):
            continue
        exact.append(label)
    return exact


def test_the_checker_tells_clear_errors_from_unclear_ones():
    labels = ["a", "", 3]
    assert names_a_column_or_parameter("Column 'a' holds inf or -inf", labels)
    assert names_a_column_or_parameter("Column '' holds inf", labels)
    assert names_a_column_or_parameter("columns ['b', 3] are", labels)
    assert names_a_column_or_parameter("The 'weights' parameter must be", labels)
    assert names_a_column_or_parameter("given={'a': 1}: no row", labels)
    assert names_a_column_or_parameter("y has missing values", labels)
    assert names_a_column_or_parameter("The target 'y' needs to have more than 1 class", labels)
    assert not names_a_column_or_parameter("cannot convert float NaN to integer", labels)
    assert not names_a_column_or_parameter("Column 'b' holds inf", labels)
    assert not names_a_column_or_parameter("a copy of the array is needed", labels)
    assert not names_a_column_or_parameter("Python int too large to convert to C long", labels)
    with pytest.raises(AssertionError, match="unclear error"):
        try:
            np.zeros(2).astype(np.int64)[5]
        except IndexError as error:
            check_error(error, labels)
    with pytest.raises(AssertionError, match="unclear error"):
        try:
            raise pa.ArrowInvalid("Column 'a' overflow")  # a ValueError, but raised deep inside
        except ValueError as error:
            check_error(error, labels)


# ------------------------------------------------------------------ reading values


def arrow_array(series: pd.Series) -> pa.Array:
    data = pa.array(series.array)
    return data.combine_chunks() if isinstance(data, pa.ChunkedArray) else data


def as_floats(series: pd.Series) -> np.ndarray | None:
    """A continuous column's values as float64 (NaN missing), in its encoded unit; None if not numeric."""
    dtype = series.dtype
    missing = series.isna().to_numpy()
    if isinstance(dtype, pd.ArrowDtype):
        pa_type = dtype.pyarrow_dtype
        data = arrow_array(series)
        if pa.types.is_temporal(pa_type):
            storage = pa.int32() if pa_type.bit_width == 32 else pa.int64()
            values = data.cast(storage).fill_null(0).to_numpy(zero_copy_only=False).astype(np.float64)
        else:
            values = data.cast(pa.float64(), safe=False).fill_null(0).to_numpy(zero_copy_only=False)
    elif isinstance(dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(dtype):
        values = series.array.asi8.astype(np.float64)
    elif pd.api.types.is_timedelta64_dtype(dtype):
        values = series.array.asi8.astype(np.float64)
    elif is_object(dtype):
        present = series[~missing]
        family = pd.api.types.infer_dtype(present, skipna=True)
        if family == "date":
            values = np.zeros(len(series))
            values[~missing] = np.asarray(present.to_numpy(), dtype="datetime64[D]").astype(np.float64)
        elif family in ("integer", "floating", "mixed-integer-float", "decimal", "empty"):
            values = np.array([float(v) if not m else 0.0 for v, m in zip(series, missing, strict=True)])
        else:
            return None
    elif pd.api.types.is_numeric_dtype(dtype) and not isinstance(dtype, pd.CategoricalDtype):
        values = series.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        return None
    values = np.array(values, dtype=np.float64)
    values[missing] = np.nan
    return values


def missing_mask(series: pd.Series) -> np.ndarray:
    """Missing values as skmixup reads them: NaN is missing in an Arrow float column too."""
    missing = series.isna().to_numpy()
    if isinstance(series.dtype, pd.ArrowDtype) and pa.types.is_floating(series.dtype.pyarrow_dtype):
        missing = missing | np.isnan(series.to_numpy(dtype=np.float64, na_value=np.nan))
    return missing


def is_object(dtype) -> bool:
    return isinstance(dtype, np.dtype) and dtype.kind == "O"


def is_float_dtype(dtype) -> bool:
    if isinstance(dtype, pd.ArrowDtype):
        return pa.types.is_floating(dtype.pyarrow_dtype)
    return pd.api.types.is_float_dtype(dtype)


def value_key(value, float_column: bool):
    """A hashable key that tells apart every value decoding must keep (the sign of zero too)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return MISSING
    if isinstance(value, float | np.floating):
        if math.isnan(value):
            return MISSING
        return (float(value), math.copysign(1.0, value))
    if float_column and isinstance(value, int | np.integer):
        return (float(value), math.copysign(1.0, float(value)))
    try:
        if pd.isna(value):
            return MISSING
    except (TypeError, ValueError):
        pass
    return value


def column_keys(series: pd.Series, like: pd.Series | None = None) -> list:
    """One key per value; temporal values by their counts (Arrow's may lie beyond Python's dates).

    ``like`` (default: ``series``) is the column whose values say whether
    ints are keyed as floats (an object column of ints and floats).
    """
    like = series if like is None else like
    dtype = series.dtype
    temporal = (
        pa.types.is_temporal(dtype.pyarrow_dtype)
        if isinstance(dtype, pd.ArrowDtype)
        else isinstance(dtype, np.dtype | pd.DatetimeTZDtype) and dtype.kind in "mM"
    )
    if temporal:
        missing = series.isna().to_numpy()
        if isinstance(dtype, pd.ArrowDtype):
            storage = pa.int32() if dtype.pyarrow_dtype.bit_width == 32 else pa.int64()
            counts = arrow_array(series).cast(storage).fill_null(0).to_numpy(zero_copy_only=False)
        else:
            counts = series.array.asi8
        return [MISSING if m else int(c) for c, m in zip(counts, missing, strict=True)]
    # An object column of ints and floats is one of floats (ObjectNumberHandler).
    float_column = is_float_dtype(dtype) or (
        is_object(dtype) and pd.api.types.infer_dtype(like, skipna=True) == "mixed-integer-float"
    )
    return [value_key(v, float_column) for v in series.astype(object).tolist()]


def row_keys(frame: pd.DataFrame, columns, like: pd.DataFrame | None = None) -> list:
    if not len(columns):
        return [()] * len(frame)
    like = frame if like is None else like
    return list(zip(*(column_keys(frame[c], like[c]) for c in columns), strict=True))


def dictionary_values(series: pd.Series) -> set:
    return set(arrow_array(series).dictionary.to_pylist())


def is_dictionary(dtype) -> bool:
    return isinstance(dtype, pd.ArrowDtype) and pa.types.is_dictionary(dtype.pyarrow_dtype)


# ------------------------------------------------------------------ the checks of an output table


def check_table(out, X: pd.DataFrame, mixup, n_rows: int, parents: pd.DataFrame, law) -> None:
    """The properties of a synthetic table ``out`` made from the rows ``parents`` of ``X``."""
    kinds = mixup.column_kinds_
    kept = [c for c in X.columns if kinds[c] != "drop"]
    assert isinstance(out, pd.DataFrame)
    pd.testing.assert_index_equal(out.columns, X.columns[[kinds[c] != "drop" for c in X.columns]], exact=True)
    pd.testing.assert_index_equal(out.index, pd.RangeIndex(n_rows), exact=True)
    handlers = {h.name: h for h in mixup._codec.continuous_handlers}
    spread = S.reach(law)
    for label in kept:
        column, real, kind = out[label], X[label], kinds[label]
        assert column.dtype == real.dtype, (label, column.dtype, real.dtype)
        if isinstance(real.dtype, pd.CategoricalDtype):
            pd.testing.assert_index_equal(column.cat.categories, real.cat.categories, exact=True)
            assert column.cat.ordered == real.cat.ordered
        if is_dictionary(real.dtype):
            assert dictionary_values(column) <= dictionary_values(real), label
        if not missing_mask(real).any():
            assert not missing_mask(column).any(), (
                f"column {label!r} has no missing values but its output has"
            )
        if kind == "identifier":
            fresh = column_keys(column, like=real)
            assert not set(fresh) & set(column_keys(real)), f"identifier {label!r} copies a real value"
            assert len(set(fresh)) == len(fresh), f"identifier {label!r} repeats a value"
            continue
        if kind == "categorical":
            made = set(column_keys(column, like=real)) - {MISSING}
            assert made <= set(column_keys(parents[label], like=real)), (
                f"column {label!r} made new categories"
            )
            continue
        values = as_floats(column)
        if values is None:
            continue
        assert not np.isinf(values).any(), f"column {label!r} is finite but its output holds inf"
        observed = as_floats(parents[label])
        observed = observed[~np.isnan(observed)]
        present = values[~np.isnan(values)]
        if observed.size == 0 or present.size == 0 or not np.isfinite(spread):
            continue
        low, high = float(observed.min()), float(observed.max())
        width = high - low if np.isfinite(high - low) else np.inf
        step = handlers[label].grid_step or 0.0
        if getattr(real.dtype, "tz", None) is not None and not isinstance(real.dtype, pd.ArrowDtype):
            step += 3600 * S.PER_SECOND[real.dtype.unit]  # snapped across a daylight-saving change
        # Offsets from a reference inside the whole column's range carry float64 errors of its scale
        # (columns spanning more than 2**53 steps are warned of).
        everything = as_floats(real)
        everything = everything[~np.isnan(everything)]
        scale = min(float(np.abs(everything).max()), _LARGEST / 2) if everything.size else 0.0
        precision = max(1e-12 * max(abs(low), abs(high)), 4 * float(np.spacing(scale)))
        slack = (spread * width * (1 + 1e-9) if spread else 0.0) + step + precision
        assert present.min() >= low - slack and present.max() <= high + slack, (
            f"column {label!r} observed in [{low}, {high}] gave values in [{present.min()}, {present.max()}] "
            f"(weights reach {spread} beyond [0, 1])"
        )


def assert_same_frame(first: pd.DataFrame, second: pd.DataFrame, check_index: bool = True) -> None:
    """Equal labels, dtypes and values, missing values and the sign of zero included.

    ``pd.testing.assert_frame_equal`` turns Arrow values into Python objects,
    which dates and times beyond Python's range cannot be.
    """
    pd.testing.assert_index_equal(first.columns, second.columns, exact=True)
    if check_index:
        pd.testing.assert_index_equal(first.index, second.index, exact=True)
    for k in range(first.shape[1]):
        a, b = first.iloc[:, k], second.iloc[:, k]
        assert a.dtype == b.dtype, (first.columns[k], a.dtype, b.dtype)
        assert column_keys(a) == column_keys(b), first.columns[k]


def same(first, second) -> None:
    if isinstance(first, tuple):
        assert isinstance(second, tuple) and len(first) == len(second)
        for a, b in zip(first, second, strict=True):
            same(a, b)
    elif isinstance(first, pd.DataFrame):
        assert_same_frame(first, second)
    elif isinstance(first, pd.Series):
        pd.testing.assert_series_equal(first, second, check_exact=True)
    else:
        np.testing.assert_array_equal(np.asarray(first), np.asarray(second))


def check_labels(y_new, y, n_rows: int, classes) -> None:
    """Synthetic labels: ``y``'s container and dtype, one per row, among the classes."""
    assert type(y_new) is type(y)
    assert len(y_new) == n_rows
    if isinstance(y, pd.Series):
        assert y_new.dtype == y.dtype and y_new.name == y.name
    elif isinstance(y, np.ndarray):
        assert y_new.dtype == y.dtype
    assert set(np.asarray(y_new, dtype=object).tolist()) <= set(np.asarray(classes, dtype=object).tolist())


# ------------------------------------------------------------------ the properties


@st.composite
def column_kinds(draw, X: pd.DataFrame):
    """Now and then, drop a column or force one to another kind."""
    if draw(st.integers(0, 3)):
        return None
    label = draw(st.sampled_from(list(X.columns)))
    return {label: draw(st.sampled_from(("drop", "categorical", "continuous", "identifier")))}


@FUZZ
@given(
    X=S.frames(),
    law=S.weight_laws(),
    params=S.estimator_params(),
    n_samples=st.integers(1, 60),
    data=st.data(),
)
def test_sample_keeps_the_table_shape_and_its_values_sane(X, law, params, n_samples, data):
    labels = list(X.columns)
    y = data.draw(st.one_of(st.none(), S.class_labels(len(X))), label="y")
    label_mixing = data.draw(st.sampled_from(("stratified", "joint", "soft")), label="label_mixing")
    kinds = data.draw(column_kinds(X), label="column_kinds")
    before, y_before = X.copy(deep=True), copy.deepcopy(y)

    def make():
        return StructurePreservingMixup(weights=law, label_mixing=label_mixing, column_kinds=kinds, **params)

    mixup = make()
    result = attempt(lambda: mixup.fit(X, y).sample(n_samples), labels)
    assert_same_frame(X, before)  # the input is unchanged
    same(y, y_before)
    if result is None:
        return
    out, y_new = result if y is not None else (result, None)
    check_table(out, X, mixup, n_samples, X, mixup.weights_)
    if y is not None:
        if label_mixing == "soft":
            assert np.shape(y_new) == (n_samples, len(mixup.classes_))
            assert np.isfinite(np.asarray(y_new, dtype=float)).all()
        else:
            check_labels(y_new, y, n_samples, mixup.classes_)
    # the same random_state gives the same output, from a new estimator too
    same(attempt(lambda: make().fit(X, y).sample(n_samples), labels), result)


@FUZZ
@given(
    X=S.frames(),
    law=S.weight_laws(),
    params=S.estimator_params(),
    strategy=st.sampled_from(("auto", "all", "minority", "not majority")),
    data=st.data(),
)
def test_fit_resample_keeps_the_rows_and_adds_sane_ones(X, law, params, strategy, data):
    labels = list(X.columns)
    y = data.draw(S.class_labels(len(X)), label="y")
    kinds = data.draw(column_kinds(X), label="column_kinds")
    before, y_before = X.copy(deep=True), copy.deepcopy(y)

    def make():
        return StructurePreservingMixup(weights=law, sampling_strategy=strategy, column_kinds=kinds, **params)

    mixup = make()
    result = attempt(lambda: mixup.fit_resample(X, y), labels)
    assert_same_frame(X, before)
    same(y, y_before)
    if result is None:
        return
    X_res, y_res = result
    n_new = sum(mixup.sampling_strategy_.values())
    assert len(X_res) == len(X) + n_new
    check_labels(y_res, y, len(X) + n_new, mixup.classes_)
    kept = [c for c in X.columns if mixup.column_kinds_[c] != "drop"]
    # the real rows come first, as they were
    assert_same_frame(X_res.iloc[: len(X)], X[kept], check_index=False)
    # every new row is made from the classes over-sampled, and has the label of one
    labels_res = np.asarray(y_res, dtype=object)
    y_values = np.asarray(y, dtype=object)
    over_sampled = [label for label, count in mixup.sampling_strategy_.items() if count]
    assert set(labels_res[len(X) :].tolist()) <= set(over_sampled)
    parents = X.iloc[np.flatnonzero(pd.Series(y_values).isin(over_sampled).to_numpy())]
    new = X_res.iloc[len(X) :].reset_index(drop=True)
    if n_new:
        check_table(new, X, mixup, n_new, parents, mixup.weights_)
    same(attempt(lambda: make().fit_resample(X, y), labels), result)


def check_real_rows(out: pd.DataFrame, X: pd.DataFrame, compared: list, groups=None, out_groups=None) -> None:
    """Every row of ``out`` equals a row of ``X`` (of its group) on the ``compared`` columns, bit for bit."""
    for label in compared:  # column by column first, which names the column at fault
        real = set(column_keys(X[label]))
        wrong = [key for key in column_keys(out[label], like=X[label]) if key not in real]
        assert not wrong, f"column {label!r} ({X[label].dtype}) gave values no real row has: {wrong[:3]}"
    groups = [None] * len(X) if groups is None else groups
    out_groups = [None] * len(out) if out_groups is None else out_groups
    real_rows = {}
    for row, group in zip(row_keys(X, compared), groups, strict=True):
        real_rows.setdefault(group, set()).add(row)
    for row, group in zip(row_keys(out, compared, like=X), out_groups, strict=True):
        assert row in real_rows.get(group, ()), f"row {row} (class {group!r}) is no real row"


@FUZZ
@given(X=S.frames(), params=S.estimator_params(), n_samples=st.integers(1, 60), data=st.data())
def test_delta_zero_returns_real_rows_bit_for_bit(X, params, n_samples, data):
    """delta=0 puts all the weight on one parent: every synthetic row is a real row (identifiers aside)."""
    labels = list(X.columns)
    law = data.draw(st.sampled_from(S.RESAMPLING_LAWS), label="law")
    params = {**params, "clip": None}
    mixup = StructurePreservingMixup(weights=law, **params)
    caught = []
    out = attempt(lambda: mixup.fit(X).sample(n_samples), labels, caught)
    if out is None:
        return
    exact = exact_columns(X, caught)
    compared = [c for c in exact if mixup.column_kinds_[c] not in ("identifier", "drop")]
    check_real_rows(out, X, compared)
    y = data.draw(S.class_labels(len(X)), label="y")
    result = attempt(lambda: mixup.fit_resample(X, y), labels, caught)
    if result is None:
        return
    X_res, y_res = result
    y_res = np.asarray(y_res, dtype=object).tolist()
    new = X_res.iloc[len(X) :].reset_index(drop=True)
    check_real_rows(new, X, compared, np.asarray(y, dtype=object).tolist(), y_res[len(X) :])


@FUZZ
@given(X=S.frames(max_columns=4), value_grids=st.booleans())
def test_the_codec_decodes_what_it_encodes(X, value_grids):
    """decode(encode(X)) is X, value for value, for every column that is mixed or copied."""
    labels = list(X.columns)
    codec = TableCodec(value_grids=value_grids)
    caught = []
    encoded = attempt(lambda: codec.fit_encode(X), labels, caught)
    if encoded is None:
        return
    decoded = attempt(lambda: codec.decode(*encoded, random_state=0), labels)
    if decoded is None:  # no room for fresh identifiers
        return
    exact = exact_columns(X, caught)
    for label in labels:
        assert decoded[label].dtype == X[label].dtype, label
        if codec.kinds[label] == "identifier" or label not in exact:
            continue
        pairs = zip(column_keys(decoded[label]), column_keys(X[label]), strict=True)
        wrong = [(got, real) for got, real in pairs if got != real]
        assert not wrong, f"column {label!r} ({X[label].dtype}) decoded (got, real): {wrong[:3]}"


@FUZZ
@given(X=S.numpy_tables(), law=S.weight_laws(), params=S.estimator_params(), n_samples=st.integers(1, 40))
def test_arrays_come_back_as_arrays_of_their_dtype(X, law, params, n_samples):
    labels = list(range(X.shape[1]))
    before = X.copy()
    y = np.arange(len(X)) % 2
    mixup = StructurePreservingMixup(weights=law, **params)
    out = attempt(lambda: mixup.fit(X).sample(n_samples), labels)
    np.testing.assert_array_equal(X, before)
    assert X.dtype == before.dtype
    if out is None:
        return
    assert isinstance(out, np.ndarray) and out.shape == (n_samples, X.shape[1])
    # a string array may come back wider, for fresh identifiers longer than its strings
    assert out.dtype == X.dtype or (
        X.dtype.kind == "U" and out.dtype.kind == "U" and out.itemsize > X.itemsize
    )
    for k in mixup.identifier_features_:
        fresh = out[:, k].tolist()
        assert not set(fresh) & set(X[:, k].tolist()) and len(set(fresh)) == len(fresh), k
    if X.dtype.kind == "f":
        assert not np.isinf(out).any()
        complete = ~np.isnan(X).any(axis=0)
        assert not np.isnan(out[:, complete]).any()
    result = attempt(lambda: StructurePreservingMixup(weights=law, **params).fit_resample(X, y), labels)
    if result is not None:
        X_res, y_res = result
        assert X_res.dtype == out.dtype and X_res.shape[1] == X.shape[1]
        np.testing.assert_array_equal(X_res[: len(X)], X)
        assert len(X_res) == len(y_res)


@FUZZ
@given(X=S.polars_frames(), law=S.weight_laws(), random_state=st.integers(0, 2**32 - 1), data=st.data())
def test_polars_frames_keep_their_schema(X, law, random_state, data):
    pl = require("polars")
    labels = list(X.columns)
    before = X.clone()
    mixup = StructurePreservingMixup(weights=law, random_state=random_state)
    out = attempt(lambda: mixup.fit(X).sample(7), labels)
    assert X.equals(before) and X.schema == before.schema
    if out is not None:
        assert isinstance(out, pl.DataFrame) and out.height == 7
        kept = {c: t for c, t in X.schema.items() if mixup.column_kinds_[c] != "drop"}
        assert dict(out.schema) == kept
        for label in out.columns:
            if X[label].null_count() == 0:
                assert out[label].null_count() == 0, label
    n_classes = data.draw(st.integers(1, 3), label="n_classes")
    y = pl.Series("target", [k % n_classes for k in range(X.height)])
    result = attempt(
        lambda: StructurePreservingMixup(weights=law, random_state=random_state).fit_resample(X, y),
        labels,
    )
    if result is not None:
        X_res, y_res = result
        assert isinstance(X_res, pl.DataFrame) and isinstance(y_res, pl.Series)
        assert X_res.schema == X.schema and X_res.height == y_res.len()
        assert y_res.dtype == y.dtype and y_res.name == "target"


def test_the_reach_of_each_law():
    assert S.reach(ScipyWeights(S.SCIPY_LAWS[1])) == pytest.approx(0.2)
    assert S.reach(S.SCIPY_LAWS[2]) == np.inf
    assert S.reach(EpBeta(delta=0.01, epsilon=(0.1, 0.5))) == pytest.approx(0.5)
    assert S.reach(Beta(2, 3)) == 0.0
    for law in S.MULTI_PARENT_LAWS:
        if getattr(law, "kurtosis", None) == "median":  # its target is learnt from a table
            law = law.resolve(np.random.RandomState(0).laplace(size=(1000, 2)))
        weights, _ = law.draw(20_000, random_state=0)
        assert np.clip(-weights, 0, None).sum(axis=1).max() <= S.reach(law) + 1e-12
