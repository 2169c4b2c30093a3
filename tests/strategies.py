"""Hypothesis strategies for skmixup's inputs: columns of every supported dtype, tables, labels, laws.

Every column strategy takes the number of rows and draws one unnamed pandas
Series: values up to the dtype's range (near the int64 limits, near the
largest float, subnormals, datetimes near the bounds of their unit), missing
values in the dtype's own forms, and awkward strings.  :func:`frames` puts
1–6 of them under unique awkward labels; :func:`polars_frames` is the
smaller polars counterpart.
"""

from __future__ import annotations

import datetime as dt
import decimal
import functools

import numpy as np
import pandas as pd
from hypothesis import strategies as st
from optional import require
from scipy import stats

from skmixup import Beta, CircleWeights, EpBeta, KurtosisMatchedWeights, ScipyWeights, Uniform

pa = require("pyarrow")  # Arrow dtypes need it: the property tests skip without it

INT64 = np.iinfo(np.int64)
UNITS = ("s", "ms", "us", "ns")
PER_SECOND = {"s": 1, "ms": 10**3, "us": 10**6, "ns": 10**9}
DAY_SECONDS = 86_400
TIME_ZONES = (
    "UTC",
    "Asia/Tokyo",
    "America/New_York",
    "Europe/London",
    "Asia/Kathmandu",
    "Australia/Lord_Howe",
)

# Labels and string values that look like missing values, numbers or nothing at all.
AWKWARD = (
    "",
    "nan",
    "NaN",
    "None",
    "<NA>",
    "NA",
    "null",
    " ",
    "  a ",
    "\t",
    "é",
    "日本",
    "0",
    "1.5",
    "True",
    "x",
)
_TEXT = st.text(min_size=0, max_size=6)
STRINGS = st.one_of(st.sampled_from(AWKWARD), _TEXT)
SHORT_IDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=2)
# Column labels: awkward ones, the names the identifier rule reads, and arbitrary short text.
LABELS = st.one_of(st.sampled_from((*AWKWARD, "id", "customer_id", "userId", "key")), _TEXT)

NUMPY_INTS = ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")
NULLABLE_INTS = ("Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64")
ARROW_INTS = tuple(getattr(pa, name) for name in NUMPY_INTS)
EXACT = decimal.Context(prec=100)  # scaling decimals without rounding them


# ------------------------------------------------------------------ building blocks


@st.composite
def missing_masks(draw, n: int, allowed: bool = True) -> np.ndarray:
    """A boolean mask of missing values: none (most often), some, or all of them."""
    if not allowed:
        return np.zeros(n, dtype=bool)
    mode = draw(st.sampled_from(("none", "some", "all")))
    if mode == "none":
        return np.zeros(n, dtype=bool)
    if mode == "all":
        return np.ones(n, dtype=bool)
    return np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool)


@st.composite
def integers_in(draw, n: int, low: int, high: int) -> list[int]:
    """``n`` integers in ``[low, high]``, in one regime per column: small, anywhere, or near a bound."""
    regime = draw(st.sampled_from(("small", "anywhere", "near_low", "near_high", "both_ends", "row_numbers")))
    if regime == "small":
        element = st.integers(max(low, -100), min(high, 100))
    elif regime == "anywhere":
        element = st.integers(low, high)
    elif regime == "near_low":
        element = st.integers(low, min(high, low + 1000))
    elif regime == "near_high":
        element = st.integers(max(low, high - 1000), high)
    elif regime == "both_ends":
        element = st.one_of(st.integers(low, min(high, low + 3)), st.integers(max(low, high - 3), high))
    else:  # distinct and dense, as row numbers are: the identifier rule's integer case
        start = draw(st.integers(max(low, -100), max(low, min(high - n, 1000))))
        values = draw(st.permutations(range(start, start + n)))
        return [min(max(v, low), high) for v in values]
    return draw(st.lists(element, min_size=n, max_size=n))


def _float_elements(width: int, regime: str):
    info = np.finfo(f"float{width}")
    if regime == "small":
        return st.floats(-1e3, 1e3, width=width).map(lambda v: round(v, 2) if width == 64 else v)
    if regime == "huge":
        big = float(info.max)
        return st.one_of(
            st.sampled_from((big, -big, float(np.nextafter(info.max, 0, dtype=info.dtype)))),
            st.floats(big / 2, big, width=width),
            st.floats(-big, -big / 2, width=width),
        )
    if regime == "tiny":
        tiny = float(info.smallest_normal)
        return st.floats(-tiny, tiny, width=width, allow_subnormal=True)
    return st.floats(width=width, allow_nan=False, allow_infinity=False, allow_subnormal=True)


@st.composite
def float_values(draw, n: int, width: int) -> np.ndarray:
    """Finite floats of one width: small (few decimals), huge, subnormal, or anywhere."""
    regime = draw(st.sampled_from(("small", "anywhere", "huge", "tiny")))
    values = draw(st.lists(_float_elements(width, regime), min_size=n, max_size=n))
    return np.array(values, dtype=f"float{width}")


@st.composite
def temporal_counts(draw, n: int, unit: str, low: int = INT64.min + 1, high: int = INT64.max) -> list[int]:
    """int64 counts of a temporal unit: on a day / second grid, recent, anywhere, or near the bounds."""
    regime = draw(st.sampled_from(("days", "seconds", "recent", "anywhere", "near_bounds")))
    per_second = PER_SECOND.get(unit, 1)
    if regime in ("days", "seconds"):
        step = per_second * (DAY_SECONDS if regime == "days" else 1)
        first = max(low, -(10**4) * DAY_SECONDS * per_second) // step
        last = min(high, 10**4 * DAY_SECONDS * per_second) // step
        return [k * step for k in draw(st.lists(st.integers(first + 1, last), min_size=n, max_size=n))]
    if regime == "recent":  # 1970 to about 2060, at full resolution
        return draw(st.lists(st.integers(0, min(high, 3 * 10**9 * per_second)), min_size=n, max_size=n))
    return (
        draw(integers_in(n, low, high))
        if regime == "near_bounds"
        else draw(st.lists(st.integers(low, high), min_size=n, max_size=n))
    )


def _with_missing(values: list, mask: np.ndarray, missing) -> list:
    return [missing if m else v for v, m in zip(values, mask, strict=True)]


def arrow_series(values, mask: np.ndarray, pa_type) -> pd.Series:
    """A Series of Arrow type ``pa_type`` (values cast from their storage where needed)."""
    mask = mask if mask.any() else None
    if pa.types.is_timestamp(pa_type) or pa.types.is_duration(pa_type) or pa.types.is_date64(pa_type):
        data = pa.array(np.asarray(values, dtype=np.int64), type=pa.int64(), mask=mask).cast(pa_type)
    elif pa.types.is_date32(pa_type) or pa.types.is_time32(pa_type):
        data = pa.array(np.asarray(values, dtype=np.int32), type=pa.int32(), mask=mask).cast(pa_type)
    elif pa.types.is_time64(pa_type):
        data = pa.array(np.asarray(values, dtype=np.int64), type=pa.int64(), mask=mask).cast(pa_type)
    else:
        data = pa.array(values, type=pa_type, mask=mask)
    return pd.Series(pd.arrays.ArrowExtensionArray(data))


# ------------------------------------------------------------------ numpy-backed columns


@st.composite
def numpy_int_columns(draw, n):
    dtype = np.dtype(draw(st.sampled_from(NUMPY_INTS)))
    info = np.iinfo(dtype)
    return pd.Series(np.array(draw(integers_in(n, int(info.min), int(info.max))), dtype=dtype))


@st.composite
def numpy_float_columns(draw, n):
    width = draw(st.sampled_from((16, 32, 64)))
    values = draw(float_values(n, width))
    values[draw(missing_masks(n))] = np.nan
    return pd.Series(values)


@st.composite
def numpy_bool_columns(draw, n):
    return pd.Series(np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool))


@st.composite
def nullable_int_columns(draw, n):
    name = draw(st.sampled_from(NULLABLE_INTS))
    info = np.iinfo(name.lower())
    values = np.array(draw(integers_in(n, int(info.min), int(info.max))), dtype=name.lower())
    return pd.Series(pd.array(values, dtype=name)).mask(draw(missing_masks(n)))


@st.composite
def nullable_float_columns(draw, n):
    width = draw(st.sampled_from((32, 64)))
    values = draw(float_values(n, width))
    return pd.Series(pd.arrays.FloatingArray(values, draw(missing_masks(n))))


@st.composite
def nullable_bool_columns(draw, n):
    values = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool)
    return pd.Series(pd.arrays.BooleanArray(values, draw(missing_masks(n))))


@st.composite
def category_columns(draw, n):
    """``category`` columns: string or integer categories, ordered or not, with unused ones."""
    if draw(st.booleans()):
        categories = draw(st.lists(STRINGS, min_size=1, max_size=6, unique=True))
    else:
        categories = draw(st.lists(st.integers(-(2**40), 2**40), min_size=1, max_size=6, unique=True))
    codes = draw(st.lists(st.integers(0, len(categories) - 1), min_size=n, max_size=n))
    codes = np.where(draw(missing_masks(n)), -1, codes)
    ordered = draw(st.booleans())
    return pd.Series(pd.Categorical.from_codes(codes, categories=categories, ordered=ordered))


@st.composite
def string_columns(draw, n):
    """Strings as object (None / NaN / NA missing), ``str`` or ``string`` (python or pyarrow storage)."""
    regime = draw(st.sampled_from(("levels", "distinct", "short_ids")))
    if regime == "levels":  # few levels: categorical
        pool = draw(st.lists(STRINGS, min_size=1, max_size=5, unique=True))
        values = draw(st.lists(st.sampled_from(pool), min_size=n, max_size=n))
    elif regime == "distinct":  # mostly distinct: an identifier from 20 rows on
        values = draw(st.lists(STRINGS, min_size=n, max_size=n))
    else:  # distinct ids of one or two letters, which leave few fresh ones
        values = draw(st.lists(SHORT_IDS, min_size=n, max_size=n, unique=True))
    mask = draw(missing_masks(n))
    dtype = draw(st.sampled_from(("object", "str", "string[python]", "string[pyarrow]")))
    if dtype == "object":
        missing = draw(st.sampled_from((None, np.nan, pd.NA)))
        return pd.Series(_with_missing(values, mask, missing), dtype=object)
    return pd.Series(values, dtype=dtype).mask(mask)


@st.composite
def object_label_columns(draw, n):
    """Object columns of bools or of bytes (categorical)."""
    element = st.booleans() if draw(st.booleans()) else st.binary(max_size=3)
    values = draw(st.lists(element, min_size=n, max_size=n))
    return pd.Series(_with_missing(values, draw(missing_masks(n)), None), dtype=object)


@st.composite
def object_number_columns(draw, n):
    """Object columns of Python ints (within int64), floats, or both."""
    kind = draw(st.sampled_from(("ints", "floats", "both")))
    ints = draw(integers_in(n, int(INT64.min), int(INT64.max)))
    if kind == "ints":
        values = ints
    else:
        floats = draw(float_values(n, 64)).tolist()
        values = (
            floats
            if kind == "floats"
            else [i if k % 2 else f for k, (i, f) in enumerate(zip(ints, floats, strict=True))]
        )
    missing = draw(st.sampled_from((None, np.nan)))
    return pd.Series(_with_missing(values, draw(missing_masks(n)), missing), dtype=object)


@st.composite
def object_temporal_columns(draw, n):
    """Object columns of ``datetime.date`` or of ``decimal.Decimal`` (continuous)."""
    if draw(st.booleans()):
        days = draw(st.lists(st.integers(-719_162, 2_932_896), min_size=n, max_size=n))
        values = [dt.date(1970, 1, 1) + dt.timedelta(days=d) for d in days]
    else:
        scale = draw(st.integers(0, 4))
        units = draw(st.lists(st.integers(-(10**12), 10**12), min_size=n, max_size=n))
        values = [decimal.Decimal(u).scaleb(-scale, EXACT) for u in units]
    return pd.Series(_with_missing(values, draw(missing_masks(n)), None), dtype=object)


@st.composite
def datetime_columns(draw, n):
    """``datetime64`` in every unit, naive or tz-aware, NaT missing, up to the bounds of the unit."""
    unit = draw(st.sampled_from(UNITS))
    tz = draw(st.one_of(st.none(), st.sampled_from(TIME_ZONES)))
    counts = np.array(draw(temporal_counts(n, unit)), dtype=np.int64)
    counts[draw(missing_masks(n))] = INT64.min  # NaT
    values = pd.Series(counts.view(f"datetime64[{unit}]"))
    return values if tz is None else values.dt.tz_localize("UTC").dt.tz_convert(tz)


@st.composite
def timedelta_columns(draw, n):
    unit = draw(st.sampled_from(UNITS))
    counts = np.array(draw(temporal_counts(n, unit)), dtype=np.int64)
    counts[draw(missing_masks(n))] = INT64.min  # NaT
    return pd.Series(counts.view(f"timedelta64[{unit}]"))


@st.composite
def period_columns(draw, n):
    ordinals = draw(st.lists(st.integers(-1000, 1000), min_size=n, max_size=n))
    values = pd.PeriodIndex.from_ordinals(ordinals, freq=draw(st.sampled_from(("D", "M", "Y"))))
    return pd.Series(values).mask(draw(missing_masks(n)))


# ------------------------------------------------------------------ Arrow-backed columns


@st.composite
def arrow_int_columns(draw, n):
    pa_type = draw(st.sampled_from(ARROW_INTS))()
    info = np.iinfo(pa_type.to_pandas_dtype())
    return arrow_series(draw(integers_in(n, int(info.min), int(info.max))), draw(missing_masks(n)), pa_type)


@st.composite
def arrow_float_columns(draw, n):
    width = draw(st.sampled_from((16, 32, 64)))
    values = draw(float_values(n, width))
    mask = draw(missing_masks(n))
    if draw(st.booleans()):  # a NaN that is not a null: also missing to skmixup
        values[~mask & (np.arange(n) % 3 == 0)] = np.nan
    pa_type = {16: pa.float16(), 32: pa.float32(), 64: pa.float64()}[width]
    return arrow_series(values, mask, pa_type)


@st.composite
def arrow_bool_columns(draw, n):
    return arrow_series(
        draw(st.lists(st.booleans(), min_size=n, max_size=n)), draw(missing_masks(n)), pa.bool_()
    )


@st.composite
def arrow_string_columns(draw, n):
    pool = draw(st.lists(STRINGS, min_size=1, max_size=n if draw(st.booleans()) else 4, unique=True))
    values = draw(st.lists(st.sampled_from(pool), min_size=n, max_size=n))
    pa_type = draw(st.sampled_from((pa.string(), pa.large_string())))
    return arrow_series(values, draw(missing_masks(n)), pa_type)


@st.composite
def arrow_dictionary_columns(draw, n):
    """Dictionary columns of strings: any index type, ordered or not, unused dictionary values."""
    dictionary = draw(st.lists(STRINGS, min_size=1, max_size=6, unique=True))
    indices = draw(st.lists(st.integers(0, len(dictionary) - 1), min_size=n, max_size=n))
    index_type = draw(st.sampled_from((pa.int8(), pa.int16(), pa.int32(), pa.int64())))
    mask = draw(missing_masks(n))
    data = pa.DictionaryArray.from_arrays(
        pa.array(indices, type=index_type, mask=mask if mask.any() else None),
        pa.array(dictionary, type=pa.string()),
        ordered=draw(st.booleans()),
    )
    return pd.Series(pd.arrays.ArrowExtensionArray(data))


@st.composite
def arrow_temporal_columns(draw, n):
    """Arrow timestamps (naive or with a zone), dates, durations and times, in every unit."""
    family = draw(st.sampled_from(("timestamp", "date32", "date64", "duration", "time32", "time64")))
    mask = draw(missing_masks(n))
    if family == "timestamp":
        unit = draw(st.sampled_from(UNITS))
        tz = draw(st.one_of(st.none(), st.sampled_from(TIME_ZONES)))
        # Arrow timestamps have no NaT: every int64 is a value.
        return arrow_series(draw(temporal_counts(n, unit, low=int(INT64.min))), mask, pa.timestamp(unit, tz))
    if family == "duration":
        unit = draw(st.sampled_from(UNITS))
        return arrow_series(draw(temporal_counts(n, unit, low=int(INT64.min))), mask, pa.duration(unit))
    if family == "date32":
        return arrow_series(draw(integers_in(n, -(2**31), 2**31 - 1)), mask, pa.date32())
    if family == "date64":
        day = DAY_SECONDS * 1000
        days = draw(integers_in(n, INT64.min // day + 1, INT64.max // day))
        return arrow_series([d * day for d in days], mask, pa.date64())
    unit = draw(st.sampled_from(("s", "ms") if family == "time32" else ("us", "ns")))
    per_day = DAY_SECONDS * PER_SECOND[unit]
    pa_type = pa.time32(unit) if family == "time32" else pa.time64(unit)
    return arrow_series(draw(integers_in(n, 0, per_day - 1)), mask, pa_type)


@st.composite
def arrow_decimal_columns(draw, n):
    precision = draw(st.integers(1, 38))
    scale = draw(st.integers(0, min(precision, 10)))
    largest = 10**precision - 1
    units = draw(integers_in(n, -largest, largest))
    values = [decimal.Decimal(u).scaleb(-scale, EXACT) for u in units]
    return arrow_series(values, draw(missing_masks(n)), pa.decimal128(precision, scale))


NUMPY_COLUMNS = (
    numpy_int_columns,
    numpy_float_columns,
    numpy_bool_columns,
    nullable_int_columns,
    nullable_float_columns,
    nullable_bool_columns,
    category_columns,
    string_columns,
    object_label_columns,
    object_number_columns,
    object_temporal_columns,
    datetime_columns,
    timedelta_columns,
    period_columns,
)
ARROW_COLUMNS = (
    arrow_int_columns,
    arrow_float_columns,
    arrow_bool_columns,
    arrow_string_columns,
    arrow_dictionary_columns,
    arrow_temporal_columns,
    arrow_decimal_columns,
)
ALL_COLUMNS = NUMPY_COLUMNS + ARROW_COLUMNS


@functools.cache
def columns(n: int, kinds=ALL_COLUMNS):
    """One column of ``n`` rows, of any of the ``kinds`` of column strategies.

    Cached: hypothesis validates a new strategy object on its first draw,
    which would otherwise cost more than the draw itself.
    """
    return st.one_of(*(kind(n) for kind in kinds))


# ------------------------------------------------------------------ tables, labels, laws


@st.composite
def frames(draw, min_rows: int = 2, max_rows: int = 50, max_columns: int = 6, kinds=ALL_COLUMNS):
    """A pandas frame of 2–50 rows and 1–6 columns of any supported dtypes, under awkward labels."""
    n = draw(st.integers(min_rows, max_rows))
    width = draw(st.integers(1, max_columns))
    if draw(st.integers(0, 9)) == 0:  # integer labels now and then
        labels = draw(st.lists(st.integers(-5, 100), min_size=width, max_size=width, unique=True))
    else:
        labels = draw(st.lists(LABELS, min_size=width, max_size=width, unique=True))
    data = {}
    for label in labels:
        data[label] = draw(columns(n, kinds)).reset_index(drop=True)
    frame = pd.DataFrame(data)
    index = draw(st.sampled_from(("range", "shuffled", "strings", "repeated")))
    if index == "shuffled":
        frame.index = draw(st.permutations(range(n)))
    elif index == "strings":
        frame.index = [f"r{k}" for k in range(n)]
    elif index == "repeated":
        frame.index = [k % 2 for k in range(n)]
    return frame


@st.composite
def class_labels(draw, n: int):
    """Class labels for ``n`` rows: 1–4 classes (a class of one row is common), in several containers."""
    n_classes = draw(st.integers(1, min(4, n)))
    codes = draw(st.lists(st.integers(0, n_classes - 1), min_size=n, max_size=n))
    kind = draw(st.sampled_from(("int", "str", "awkward")))
    if kind == "int":
        names = np.array([3, -1, 10**12, 0][:n_classes], dtype=np.int64)
    elif kind == "str":
        names = np.array(["b", "a", "c", "d"][:n_classes], dtype=object)
    else:
        names = np.array(["", "nan", "None", " "][:n_classes], dtype=object)
    values = names[np.asarray(codes)]
    container = draw(st.sampled_from(("array", "list", "series", "named", "category", "string")))
    if container == "list":
        return values.tolist()
    if container == "series":
        return pd.Series(values)
    if container == "named":
        return pd.Series(values, name=draw(st.sampled_from(("target", "y", ""))))
    if container == "category":
        return pd.Series(values, dtype="category")
    if container == "string":
        return pd.Series(values.astype(str), dtype="string")
    return values


# EpBeta solutions are cached per (delta, epsilon, cut point): a small set keeps the search fast.
EPBETAS = (
    EpBeta(),
    EpBeta(delta=0.01),
    EpBeta(delta=0.02, epsilon=(0.1, 0.5), cut_point=0.4),
    EpBeta(delta=0.06, epsilon=1.0),
    EpBeta(delta=0.0),
    EpBeta(delta=0.05, epsilon=0.1),  # beyond the largest delta for this epsilon: an error naming delta
)
SCIPY_LAWS = (stats.beta(2, 5), stats.uniform(-0.2, 1.4), stats.norm(0.5, 0.4))


# Three parents: the circle, and its mixture with EpBeta rows (a target kurtosis, or the table's).
MULTI_PARENT_LAWS = (
    CircleWeights(),
    CircleWeights(delta=0.11),
    CircleWeights(delta=0.0),
    KurtosisMatchedWeights(),
    KurtosisMatchedWeights(delta=0.02, kurtosis=9.0, epsilon=1.0),
    KurtosisMatchedWeights(delta=0.0),
)


# delta = 0: one parent has all the weight, so every synthetic row is a real row.
RESAMPLING_LAWS = (
    EpBeta(delta=0.0),
    EpBeta(delta=0.0, epsilon=1.0),
    EpBeta(delta=0.0, epsilon=(0.0, 0.5)),
    CircleWeights(delta=0.0),
    KurtosisMatchedWeights(delta=0.0),
    KurtosisMatchedWeights(delta=0.0, kurtosis=4.0),
)


def weight_laws():
    """Every weight law: Uniform, Beta(a, b), EpBeta (a few solutions), frozen scipy laws and
    ScipyWeights, CircleWeights and KurtosisMatchedWeights."""
    return st.one_of(
        st.just(Uniform()),
        st.builds(Beta, st.floats(0.05, 20), st.floats(0.05, 20)),
        st.sampled_from(EPBETAS),
        st.sampled_from(SCIPY_LAWS),
        st.sampled_from(SCIPY_LAWS).map(ScipyWeights),
        st.sampled_from(MULTI_PARENT_LAWS),
    )


def reach(law) -> float:
    """The largest total negative weight of a row (``inf`` for unbounded laws).

    A mix ``Σ w_k x_k`` of values in ``[low, high]`` lies within
    ``[low - N·(high - low), high + N·(high - low)]``, N the sum of the
    negative weights: ``max(0, -min W, max W - 1)`` for two parents, 1/3 on
    the circle (the weights range over [-1/3, 1] and one at most is negative).
    """
    if isinstance(law, CircleWeights):
        return 1.0 / 3.0
    if isinstance(law, KurtosisMatchedWeights):
        return max(1.0 / 3.0, reach(EpBeta(delta=law.delta, epsilon=law.epsilon)))
    if isinstance(law, Uniform | Beta):
        low, high = 0.0, 1.0
    elif isinstance(law, EpBeta):
        low, high = -law.epsilon_[0], 1.0 + law.epsilon_[1]
    else:
        low, high = (law.distribution if isinstance(law, ScipyWeights) else law).support()
    return max(0.0, -float(low), float(high) - 1.0)


def estimator_params():
    """The estimator's switches that change how rows are drawn and decoded (not the law)."""
    return st.fixed_dictionaries(
        {
            "value_grids": st.booleans(),
            "distinct_parents": st.booleans(),
            "shared_weights": st.booleans(),
            "redraw_copies": st.booleans(),
            "clip": st.sampled_from((None, "observed", "narrow")),
            "random_state": st.integers(0, 2**32 - 1),
        }
    )


# ------------------------------------------------------------------ numpy arrays and polars


@st.composite
def numpy_tables(draw):
    """2-D arrays: floats (NaN missing), ints, bools, strings, or objects of numbers and strings."""
    n, width = draw(st.integers(2, 40)), draw(st.integers(1, 5))
    kind = draw(st.sampled_from(("float", "int", "bool", "str", "object")))
    if kind == "float":
        width_bits = draw(st.sampled_from((32, 64)))
        values = np.column_stack([draw(float_values(n, width_bits)) for _ in range(width)])
        values[np.column_stack([draw(missing_masks(n)) for _ in range(width)])] = np.nan
        return values
    if kind == "int":
        dtype = np.dtype(draw(st.sampled_from(NUMPY_INTS)))
        info = np.iinfo(dtype)
        return np.column_stack(
            [np.array(draw(integers_in(n, int(info.min), int(info.max))), dtype=dtype) for _ in range(width)]
        )
    if kind == "bool":
        return np.array(draw(st.lists(st.booleans(), min_size=n * width, max_size=n * width))).reshape(
            n, width
        )
    if kind == "str":
        if draw(st.booleans()):  # distinct short ids: fresh ones may not fit the array's width
            ids = st.lists(SHORT_IDS, min_size=n, max_size=n, unique=True)
            return np.array([draw(ids) for _ in range(width)]).T
        return np.array(draw(st.lists(STRINGS, min_size=n * width, max_size=n * width))).reshape(n, width)
    columns_ = []
    for _ in range(width):
        if draw(st.booleans()):
            columns_.append(draw(st.lists(st.one_of(STRINGS, st.none()), min_size=n, max_size=n)))
        else:
            columns_.append(draw(float_values(n, 64)).tolist())
    table = np.empty((n, width), dtype=object)
    for k, column in enumerate(columns_):
        table[:, k] = column
    return table


@st.composite
def polars_frames(draw):
    """Polars frames of 2–30 rows: ints, floats, bools, strings, Categorical, Enum, dates and datetimes."""
    pl = require("polars")

    n, width = draw(st.integers(2, 30)), draw(st.integers(1, 5))
    # polars panics (a Rust NulError, not an exception) exporting a label with a NUL to Arrow.
    labels = draw(
        st.lists(
            LABELS.filter(lambda label: "\x00" not in label), min_size=width, max_size=width, unique=True
        )
    )
    data = []
    for label in labels:
        kind = draw(
            st.sampled_from(("int", "uint", "float", "bool", "str", "cat", "enum", "datetime", "date", "dur"))
        )
        mask = draw(missing_masks(n))
        if kind in ("int", "uint"):
            dtype = draw(
                st.sampled_from(
                    (pl.Int8, pl.Int16, pl.Int32, pl.Int64)
                    if kind == "int"
                    else (pl.UInt8, pl.UInt32, pl.UInt64)
                )
            )
            info = np.iinfo(str(dtype()).lower())
            values = draw(integers_in(n, int(info.min), int(info.max)))
        elif kind == "float":
            dtype = draw(st.sampled_from((pl.Float32, pl.Float64)))
            values = draw(float_values(n, 32 if dtype == pl.Float32 else 64)).tolist()
        elif kind == "bool":
            dtype, values = pl.Boolean, draw(st.lists(st.booleans(), min_size=n, max_size=n))
        elif kind in ("str", "cat", "enum"):
            pool = draw(st.lists(STRINGS, min_size=1, max_size=5, unique=True))
            values = draw(st.lists(st.sampled_from(pool), min_size=n, max_size=n))
            dtype = {"str": pl.String, "cat": pl.Categorical, "enum": pl.Enum(pool)}[kind]
        elif kind == "datetime":
            unit = draw(st.sampled_from(("ms", "us", "ns")))
            tz = draw(st.one_of(st.none(), st.sampled_from(TIME_ZONES)))
            dtype = pl.Datetime(unit, tz)
            counts = draw(temporal_counts(n, unit, low=int(INT64.min)))
            series = (
                pl.Series(label, counts, dtype=pl.Int64)
                .cast(pl.Datetime(unit))
                .dt.replace_time_zone("UTC" if tz else None)
            )
            series = series.dt.convert_time_zone(tz) if tz else series
            data.append(series.scatter(np.flatnonzero(mask), None) if mask.any() else series)
            continue
        elif kind == "date":
            dtype, values = pl.Date, draw(integers_in(n, -(2**31), 2**31 - 1))
            series = pl.Series(label, values, dtype=pl.Int32).cast(pl.Date)
            data.append(series.scatter(np.flatnonzero(mask), None) if mask.any() else series)
            continue
        else:
            unit = draw(st.sampled_from(("ms", "us", "ns")))
            dtype = pl.Duration(unit)
            series = pl.Series(
                label, draw(temporal_counts(n, unit, low=int(INT64.min))), dtype=pl.Int64
            ).cast(dtype)
            data.append(series.scatter(np.flatnonzero(mask), None) if mask.any() else series)
            continue
        data.append(pl.Series(label, _with_missing(values, mask, None), dtype=dtype))
    return pl.DataFrame(data)
