"""Codecs fitted on parts of a table and merged equal the codec fitted on the whole table.

The Dask path fits a :class:`~skmixup.columns.TableCodec` per partition
(``fit_part``) and merges them (``merge``); every handler's fitted state
must then be what fitting on the concatenated table gives, for every column
kind, numpy and Arrow dtypes alike.  No dask here: the parts are slices.
"""

import datetime
import decimal
import itertools
import warnings

import numpy as np
import pandas as pd
import pytest
from optional import require

from skmixup.columns import TableCodec
from skmixup.columns.detect import identifier_from_counts

pa = require("pyarrow")

CUTS = [0, 60, 70, 150, 240]  # uneven parts; the first two see no value of "I64"


def arrow(values, pa_type):
    if isinstance(values, np.ndarray) and values.dtype.kind == "U":
        values = values.tolist()  # older pyarrow reads numpy strings as string only, not large_string
    return pd.Series(pa.array(values, pa_type), dtype=pd.ArrowDtype(pa_type))


def mixed_table(n=240, seed=0):
    rng = np.random.RandomState(seed)
    days = pd.Timestamp("2021-03-01") + pd.to_timedelta(rng.randint(0, 300, n), unit="D")
    paris = pd.date_range("2021-01-01", periods=n, freq="D", tz="Europe/Paris")  # local midnight, DST inside
    ints = pd.array(rng.randint(0, 50, n), dtype="Int64")
    ints[:70] = pd.NA
    return pd.DataFrame(
        {
            "f64": rng.normal(size=n),
            "price": np.round(rng.uniform(0, 100, n), 2).astype(np.float32),
            "F64": pd.array(
                np.where(rng.rand(n) < 0.1, np.nan, np.round(rng.normal(size=n), 3)), dtype="Float64"
            ),
            "i64": rng.randint(-5, 5, n).astype(np.int64) * 1000,
            "I64": ints,
            "u8": rng.randint(0, 255, n).astype(np.uint8),
            "u64": np.uint64(2**63) + rng.randint(0, 1000, n).astype(np.uint64),
            "b": rng.rand(n) < 0.3,
            "B": pd.array(np.where(rng.rand(n) < 0.1, None, rng.rand(n) < 0.5), dtype="boolean"),
            "cat": pd.Categorical(rng.choice(list("abc"), n), categories=list("abcd")),
            "ocat": pd.Categorical(rng.choice(list("lmh"), n), categories=list("lmh"), ordered=True),
            "s": pd.Series(rng.choice(["x", "y", None], n), dtype="str"),
            "S": pd.Series(rng.choice(["p", "q", None], n), dtype="string"),
            "obj": pd.Series(rng.choice(["u", "v"], n).astype(object), dtype=object),
            "oint": pd.Series([int(v) if v % 7 else None for v in rng.randint(0, 100, n)], dtype=object),
            "ofloat": pd.Series([float(v) / 4 for v in rng.randint(0, 100, n)], dtype=object),
            "odec": pd.Series(
                [decimal.Decimal(int(v)) / (10 if v % 2 else 100) for v in rng.randint(0, 1000, n)],
                dtype=object,
            ),
            "odate": pd.Series(
                [datetime.date(2020, 1, 1) + datetime.timedelta(days=int(v)) for v in rng.randint(0, 100, n)],
                dtype=object,
            ),
            "dt": days,
            "dt_s": pd.Series(days).astype("datetime64[s]")
            + pd.to_timedelta(rng.randint(0, 3600, n), unit="s"),
            "tz": pd.Series(paris).sample(frac=1, random_state=seed).reset_index(drop=True),
            "td": pd.to_timedelta(rng.randint(0, 100, n), unit="h"),
            "a_i32": arrow(rng.randint(0, 9, n).astype(np.int32), pa.int32()),
            "a_f": arrow(np.round(rng.normal(size=n), 1), pa.float64()),
            "a_s": arrow(rng.choice(["k", "l"], n), pa.string()),
            "a_ls": arrow(rng.choice(["k", "l"], n), pa.large_string()),
            "a_b": arrow(rng.rand(n) < 0.5, pa.bool_()),
            "a_ts": arrow(days.as_unit("us"), pa.timestamp("us")),
            "a_tstz": arrow(
                paris.as_unit("ms"), pa.timestamp("ms", tz="Europe/Paris")
            ),  # sorted: DST by part
            "a_date": arrow(days.date, pa.date32()),
            "a_time": arrow((rng.randint(0, 86400, n) * 10**6).astype(np.int64), pa.time64("us")),
            "a_dur": arrow((rng.randint(0, 100, n) * 10**9).astype(np.int64), pa.duration("ns")),
            "a_dec": arrow(
                [decimal.Decimal(int(v)) / 100 for v in rng.randint(0, 10000, n)], pa.decimal128(10, 2)
            ),
            "a_dict": pd.Series(
                pd.arrays.ArrowExtensionArray(pa.array(rng.choice(["q", "r", "s"], n)).dictionary_encode())
            ),
            "order_id": np.arange(n) + 1000,  # an identifier, sorted: the parts' ranges do not overlap
            "customer": pd.Series([f"C-{v:05d}" for v in rng.permutation(90000)[:n]], dtype="str"),
            "count_key": rng.permutation(n) * 3,  # a named identifier, shuffled: the ranges overlap
            "almost_id": np.concatenate([np.arange(n - 1), [0]]),  # one repeat: not an identifier
        }
    )


def parts_of(X, cuts=CUTS):
    return [X.iloc[start:stop] for start, stop in itertools.pairwise(cuts)]


def same_value(a, b) -> bool:
    if isinstance(a, pd.Index):
        return isinstance(b, pd.Index) and a.equals(b) and a.dtype == b.dtype
    if isinstance(a, np.ndarray):
        if not (isinstance(b, np.ndarray) and a.dtype == b.dtype and a.shape == b.shape):
            return False
        if a.dtype.kind == "O":
            return all(x is y or x == y or (x != x and y != y) for x, y in zip(a, b, strict=True))
        return bool(np.array_equal(a, b, equal_nan=a.dtype.kind == "f"))
    if isinstance(a, pd.api.extensions.ExtensionArray):
        return type(a) is type(b) and a.dtype == b.dtype and bool(pd.Series(a).equals(pd.Series(b)))
    if isinstance(a, pa.Array | pa.ChunkedArray):
        return a.equals(b)
    if isinstance(a, float) and isinstance(b, float) and np.isnan(a) and np.isnan(b):
        return True
    return type(a) is type(b) and bool(a == b)


def differences(reference: TableCodec, merged: TableCodec, order_free=("_real", "_templates")) -> list:
    """Every fitted attribute of the reference codec's handlers that the merged codec lacks or differs on."""
    found = []
    assert reference.kinds == merged.kinds
    for expected, got in zip(reference.handlers, merged.handlers, strict=True):
        if type(expected) is not type(got):
            found.append((expected.name, "class", type(expected).__name__, type(got).__name__))
            continue
        for key, value in vars(expected).items():
            if key.startswith("part_"):
                continue
            if key not in vars(got):
                found.append((expected.name, key, "absent"))
            elif key in order_free:  # the same values, in another order (checked as sets)
                if set(np.asarray(value).ravel().tolist()) != set(
                    np.asarray(vars(got)[key]).ravel().tolist()
                ):
                    found.append((expected.name, key))
            elif not same_value(value, vars(got)[key]):
                found.append((expected.name, key, value, vars(got)[key]))
    for attribute in ("detected_identifiers", "codes_dtype", "feature_names"):
        if getattr(reference, attribute) != getattr(merged, attribute):
            found.append((attribute, getattr(reference, attribute), getattr(merged, attribute)))
    if not np.array_equal(reference.discrete, merged.discrete):
        found.append(("discrete", reference.discrete, merged.discrete))
    return found


def count_distinct_of(X):
    calls = []

    def count(name):
        calls.append(name)
        return X[name].dropna().nunique()

    return count, calls


@pytest.fixture(scope="module")
def table():
    return mixed_table()


def test_the_table_covers_every_column_kind(table):
    codec = TableCodec().fit(table)
    kinds = {type(handler).__name__ for handler in codec.handlers}
    assert kinds == {
        "FloatHandler",
        "IntegerHandler",
        "CategoricalHandler",
        "CategoryDtypeHandler",
        "DictionaryHandler",
        "ObjectIntegerHandler",
        "ObjectNumberHandler",
        "DecimalHandler",
        "DateHandler",
        "DatetimeHandler",
        "TimedeltaHandler",
        "TimeHandler",
        "IntegerIdentifierHandler",
        "StringIdentifierHandler",
    }
    assert codec.detected_identifiers == ["order_id", "customer", "count_key"]
    assert codec.discrete.any() and not codec.discrete.all()


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"value_grids": False},
        {"column_kinds": {"f64": "categorical", "customer": "identifier", "I64": "identifier", "b": "drop"}},
    ],
    ids=["auto", "no-grids", "forced-kinds"],
)
def test_merged_parts_equal_the_whole_table(table, options):
    reference = TableCodec(**options).fit(table)
    parts = [TableCodec(**options).fit_part(part) for part in parts_of(table)]
    count, calls = count_distinct_of(table)
    merged = parts[0].merge(parts[1:], count_distinct=count)
    assert differences(reference, merged) == []
    # Only columns whose parts' ranges overlap need a distinct count; the sorted ids' ranges tell.
    assert calls == ["count_key", "almost_id"]


def test_listed_categorical_features(table):
    X = table[["f64", "i64", "obj", "s", "cat", "dt", "a_f"]]
    options = {"categorical_features": ["i64", "obj", "s", "cat"]}
    merged = (
        TableCodec(**options)
        .fit_part(parts_of(X)[0])
        .merge([TableCodec(**options).fit_part(p) for p in parts_of(X)[1:]])
    )
    assert differences(TableCodec(**options).fit(X), merged) == []


def test_merges_chain_as_a_tree(table):
    parts = [TableCodec().fit_part(part) for part in parts_of(table)]
    left, right = parts[0].merge(parts[1:2], final=False), parts[2].merge(parts[3:], final=False)
    assert left.detected_identifiers == []  # identifiers wait for the final merge
    merged = left.merge([right], count_distinct=count_distinct_of(table)[0])
    assert differences(TableCodec().fit(table), merged) == []


def test_moments_and_ranges_merge_exactly(table):
    reference = TableCodec().fit(table)
    continuous, _ = reference.encode(table)
    merged = (
        TableCodec()
        .fit_part(parts_of(table)[0])
        .merge(
            [TableCodec().fit_part(part) for part in parts_of(table)[1:]],
            count_distinct=count_distinct_of(table)[0],
        )
    )
    for k, handler in enumerate(merged.continuous_handlers):
        present = continuous[:, k][~np.isnan(continuous[:, k])]
        assert handler.part_present == present.size
        assert handler.part_variance == pytest.approx(present.var(), rel=1e-9, abs=1e-12)
        assert handler.observed_min == reference.continuous_handlers[k].observed_min
        assert handler.observed_max == reference.continuous_handlers[k].observed_max


def test_a_part_without_values_defers_to_the_others(table):
    # "I64" is all missing in the first two parts, where alone it would be categorical.
    first = TableCodec().fit_part(parts_of(table)[0])
    assert first.kinds["I64"] == "categorical"
    parts = [TableCodec().fit_part(part) for part in parts_of(table)]
    merged = parts[0].merge(parts[1:], count_distinct=count_distinct_of(table)[0])
    assert merged.kinds["I64"] == "continuous"
    # Only the parts without values: categorical, as in memory.
    alone = parts[0].merge(parts[1:2], count_distinct=count_distinct_of(table.iloc[:70])[0])
    assert alone.kinds["I64"] == TableCodec().fit(table.iloc[:70]).kinds["I64"] == "categorical"


def test_unknown_categories_of_partitions_become_their_union():
    first = pd.DataFrame({"c": pd.Categorical(["x", "y"] * 15)})
    second = pd.DataFrame({"c": pd.Categorical(["z", "x"] * 15)})
    merged = TableCodec().fit_part(first).merge([TableCodec().fit_part(second)])
    assert list(merged.handlers[0].dtype.categories) == ["x", "y", "z"]
    union = pd.api.types.union_categoricals([first["c"], second["c"]])  # what dask's concatenation gives
    assert differences(TableCodec().fit(pd.DataFrame({"c": union})), merged) == []
    ordered = pd.DataFrame({"c": pd.Categorical(["z", "x"] * 15, ordered=True)})
    with pytest.raises(ValueError, match="ordered category with other categories"):
        TableCodec().fit_part(first).merge([TableCodec().fit_part(ordered)])


def test_dictionaries_of_partitions_unify_in_order_of_appearance():
    first = pd.DataFrame(
        {"d": pd.Series(pd.arrays.ArrowExtensionArray(pa.array(["q", "r"] * 15).dictionary_encode()))}
    )
    second = pd.DataFrame(
        {"d": pd.Series(pd.arrays.ArrowExtensionArray(pa.array(["s", "q"] * 15).dictionary_encode()))}
    )
    merged = TableCodec().fit_part(first).merge([TableCodec().fit_part(second)])
    assert list(merged.handlers[0].categories) == ["q", "r", "s"]
    assert differences(TableCodec().fit(pd.concat([first, second], ignore_index=True)), merged) == []


def test_partitions_typed_differently_are_refused():
    ints = pd.DataFrame({"v": pd.Series([1, 2, 3] * 10, dtype=object)})
    floats = pd.DataFrame({"v": pd.Series([1.5, 2.5, 3.5] * 10, dtype=object)})
    with pytest.raises(ValueError, match="Column 'v' is read as different kinds of values"):
        TableCodec().fit_part(ints).merge([TableCodec().fit_part(floats)])
    other_dtype = pd.DataFrame({"v": np.arange(30.0)})
    same_kind = pd.DataFrame({"v": np.arange(30.0).astype(np.float32)})
    with pytest.raises(ValueError, match="has dtype float64 in one part of the table and float32"):
        TableCodec().fit_part(other_dtype).merge([TableCodec().fit_part(same_kind)])


def test_identifiers_are_told_over_the_whole_table():
    n = 60
    ids = pd.DataFrame({"key": np.arange(n), "name": [f"user{k:03d}" for k in range(n)]}).astype(
        {"name": "str"}
    )
    # Each half is all distinct, but the second half repeats the first: not identifiers.
    repeated = pd.concat([ids.iloc[: n // 2], ids.iloc[: n // 2]], ignore_index=True)
    for X, expected in ((ids, ["key", "name"]), (repeated, [])):
        parts = [TableCodec().fit_part(part) for part in (X.iloc[: n // 2], X.iloc[n // 2 :])]
        merged = parts[0].merge(parts[1:], count_distinct=count_distinct_of(X)[0])
        assert merged.detected_identifiers == TableCodec().fit(X).detected_identifiers == expected
    # Nineteen values are too few, whatever the parts say.
    few = ids.iloc[:19]
    parts = [TableCodec().fit_part(part) for part in (few.iloc[:10], few.iloc[10:])]
    assert parts[0].merge(parts[1:]).detected_identifiers == []


def test_overlapping_integer_ranges_need_a_distinct_count():
    X = pd.DataFrame({"order_id": np.random.RandomState(0).permutation(40)})
    parts = [TableCodec().fit_part(part) for part in (X.iloc[:20], X.iloc[20:])]
    with pytest.raises(ValueError, match="needs its number of distinct values"):
        parts[0].merge(parts[1:])
    assert parts[0].merge(parts[1:], count_distinct=lambda name: 40).detected_identifiers == ["order_id"]
    assert parts[0].merge(parts[1:], count_distinct=lambda name: 39).detected_identifiers == []


def test_identifier_rule_from_counts_matches_looks_like_identifier():
    from skmixup.columns import looks_like_identifier

    rng = np.random.RandomState(1)
    columns = {
        "id": pd.Series(rng.permutation(100)),
        "code": pd.Series(rng.permutation(1000)[:100] * 7),  # unnamed, sparse: not an identifier
        "rows": pd.Series(np.arange(100) + 5),  # unnamed but dense
        "label": pd.Series([f"v{k}" for k in rng.randint(0, 99, 100)], dtype="str"),
        "user": pd.Series([f"u{k}" for k in range(100)], dtype="str"),
    }
    for name, column in columns.items():
        column = column.rename(name)
        string_like = column.dtype.kind not in "iu"
        got = identifier_from_counts(
            name,
            string_like=string_like,
            n_present=int(column.notna().sum()),
            n_distinct=column.nunique(),
            value_range=None if string_like else (int(column.min()), int(column.max())),
        )
        assert got == looks_like_identifier(column), name


def test_an_identifier_without_values_in_a_part_learns_from_the_others():
    X = pd.DataFrame(
        {"x": np.arange(30.0), "tag": pd.Series([None] * 10 + [f"t{k}" for k in range(20)], dtype="str")}
    )
    options = {"column_kinds": {"tag": "identifier"}}
    parts = [TableCodec(**options).fit_part(part) for part in (X.iloc[:10], X.iloc[10:])]
    merged = parts[0].merge(parts[1:])
    assert differences(TableCodec(**options).fit(X), merged) == []
    with pytest.raises(ValueError, match="no values to learn identifiers from"):
        parts[0].merge([])


def test_a_wide_column_warns_once_on_the_whole_table():
    # Each part is narrow; together they span more nanoseconds than float64 holds exactly.
    X = pd.DataFrame({"t": pd.to_datetime(["1700-01-01"] * 10 + ["2200-01-01"] * 10).as_unit("ns")})
    X["t"] = X["t"] + pd.to_timedelta(np.arange(20), unit="ns")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        parts = [TableCodec().fit_part(part) for part in (X.iloc[:10], X.iloc[10:])]
        partial = parts[0].merge(parts[1:], final=False)  # merges of some parts do not warn
    with pytest.warns(UserWarning, match="more than the 2[*][*]53") as caught:
        partial.merge([])
    assert len(caught) == 1
    with pytest.warns(UserWarning, match="more than the 2[*][*]53"):
        TableCodec().fit(X)


def test_the_rows_of_some_classes_merge_like_fit_encode_with_rows(table):
    X = table.drop(columns=["odec", "odate"])  # fit_encode(rows=) refuses object decimals and dates
    y = np.random.RandomState(1).randint(0, 3, len(X))
    reference = TableCodec()
    reference.fit_encode(X, rows=np.flatnonzero(y > 0))
    by_class = {}
    for part, labels in zip(parts_of(X), np.split(y, CUTS[1:-1]), strict=True):
        for label in np.unique(labels):
            by_class.setdefault(label, []).append(
                TableCodec().fit_part(part.iloc[np.flatnonzero(labels == label)])
            )
    classes = [codecs[0].merge(codecs[1:], final=False) for _, codecs in sorted(by_class.items())]
    whole = classes[0].merge(classes[1:], count_distinct=count_distinct_of(X)[0])
    assert differences(TableCodec().fit(X), whole) == []
    chosen = classes[1].merge(classes[2:], like=whole)
    assert differences(reference, chosen) == []


def test_handler_merge_leaves_its_inputs_alone():
    from skmixup.columns import CategoricalHandler

    first = CategoricalHandler().fit_part(pd.Series(["b", "a"], name="c"))
    second = CategoricalHandler().fit_part(pd.Series(["c", None], name="c"))
    merged = first.merge([second])
    assert list(merged.categories) == ["a", "b", "c"] and list(first.categories) == ["a", "b"]
    assert (merged.part_rows, merged.part_present, merged.n_present) == (4, 3, 3)
