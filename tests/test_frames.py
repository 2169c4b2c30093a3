"""Data where it lives: pandas with Arrow dtypes, polars and pyarrow tables, in and out.

Every Arrow type a Parquet file yields round-trips through ``fit`` ->
``sample`` and ``fit_resample`` with its type, the same table gives the same
synthetic values whatever library holds it, and the statistical properties
hold in each.
"""

import datetime as dt
import subprocess
import sys
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from optional import require
from stats_utils import Z, mean_se, population_variance, variance_se

from skmixup import EpBeta, StructurePreservingMixup

# Nanosecond timestamps over years and uint64 near 2**62 are past float64's exact range on purpose.
pytestmark = pytest.mark.filterwarnings("ignore:Column .* spans .* steps:UserWarning")

pa = require("pyarrow")
pq = require("pyarrow.parquet")
pl = require("polars")

N = 120


def arrow_table(n=N, seed=0) -> "pa.Table":
    """One column of every Arrow type a Parquet file can yield, most with nulls."""
    rng = np.random.RandomState(seed)
    missing = rng.rand(n) < 0.1

    def array(values, pa_type, mask=missing):
        return pa.array(values, type=pa_type, mask=mask)

    seconds = rng.randint(0, 10**8, size=n)
    columns = {
        "int8": array(rng.randint(-100, 100, n), pa.int8()),
        "int64": array(rng.randint(-(10**12), 10**12, n), pa.int64()),
        "uint16": array(rng.randint(0, 60000, n), pa.uint16()),
        "uint64": array(rng.randint(0, 2**62, n, dtype=np.int64).astype(np.uint64), pa.uint64()),
        "float16": array(rng.normal(size=n).astype(np.float16), pa.float16()),
        "float32": array(rng.normal(size=n).astype(np.float32), pa.float32()),
        "float64": array(rng.normal(size=n), pa.float64()),
        "bool": array(rng.rand(n) < 0.5, pa.bool_()),
        "string": array(rng.choice(["a", "b", "c"], n), pa.string()),
        "large_string": array(rng.choice(["x", "y"], n), pa.large_string()),
        "dictionary": pa.DictionaryArray.from_arrays(
            pa.array(rng.randint(0, 3, n), type=pa.int32(), mask=missing),
            pa.array(["lo", "mid", "hi", "unused"]),
        ),
        "timestamp_s": array(seconds, pa.int64()).cast(pa.timestamp("s")),
        "timestamp_ms_tz": array(seconds * 1000, pa.int64()).cast(pa.timestamp("ms", tz="Europe/Paris")),
        "timestamp_us_utc": array(seconds * 10**6, pa.int64()).cast(pa.timestamp("us", tz="UTC")),
        "timestamp_ns": array(seconds * 10**9 + rng.randint(0, 10**9, n), pa.int64()).cast(
            pa.timestamp("ns")
        ),
        "date32": array(rng.randint(0, 20000, n), pa.int32()).cast(pa.date32()),
        "date64": array(rng.randint(0, 20000, n).astype(np.int64) * 86_400_000, pa.int64()).cast(pa.date64()),
        "duration": array(rng.randint(0, 10**6, n), pa.int64()).cast(pa.duration("s")),
        "time32": array(rng.randint(0, 86400, n), pa.int32()).cast(pa.time32("s")),
        "time64": array(rng.randint(0, 86400 * 10**6, n), pa.int64()).cast(pa.time64("us")),
        "decimal": pa.array(
            [
                None if m else Decimal(f"{v:.2f}")
                for m, v in zip(missing, rng.uniform(0, 1000, n), strict=True)
            ],
            type=pa.decimal128(9, 2),
        ),
    }
    return pa.table(columns)


def test_every_parquet_type_round_trips_through_pandas_with_arrow_dtypes(tmp_path):
    path = tmp_path / "table.parquet"
    pq.write_table(arrow_table(), path)
    X = pd.read_parquet(path, dtype_backend="pyarrow")
    y = np.where(np.arange(N) < 20, "rare", "common")
    mixup = StructurePreservingMixup(random_state=0)
    synthetic = mixup.fit(X).sample(300)
    pd.testing.assert_series_equal(synthetic.dtypes, X.dtypes)
    assert set(mixup.column_kinds_.values()) == {"continuous", "categorical"}
    X_res, y_res = StructurePreservingMixup(random_state=0).fit_resample(X, y)
    pd.testing.assert_series_equal(X_res.dtypes, X.dtypes)
    assert len(X_res) == len(y_res) == 2 * (N - 20)
    pd.testing.assert_frame_equal(X_res.iloc[:N], X)
    # the dictionary keeps its values, unused ones included, and the values written back read again
    assert pa.array(synthetic["dictionary"]).type == pa.array(X["dictionary"]).type
    pq.write_table(pa.Table.from_pandas(synthetic, preserve_index=False), tmp_path / "out.parquet")
    assert pq.read_schema(tmp_path / "out.parquet").types == pq.read_schema(path).types


def test_arrow_values_respect_their_type():
    X = arrow_table().to_pandas(types_mapper=pd.ArrowDtype)
    synthetic = (
        StructurePreservingMixup(random_state=0, weights=EpBeta(delta=0.06, epsilon=1.0)).fit(X).sample(2000)
    )
    times = synthetic["time32"].dropna().map(lambda t: t.hour * 3600 + t.minute * 60 + t.second)
    assert times.between(0, 86399).all()
    assert synthetic["date64"].dropna().map(lambda d: isinstance(d, dt.date)).all()
    decimals = synthetic["decimal"].dropna().map(lambda d: d.as_tuple().exponent)
    assert (decimals == -2).all()
    ints = synthetic["uint16"].dropna().astype(int)
    assert ints.between(0, 65535).all()


def test_a_pyarrow_table_comes_back_as_one():
    table = arrow_table()
    synthetic = StructurePreservingMixup(random_state=0).fit(table).sample(50)
    assert isinstance(synthetic, pa.Table)
    assert synthetic.schema.types == table.schema.types and synthetic.column_names == table.column_names


def polars_frame(n=N, seed=0) -> "pl.DataFrame":
    rng = np.random.RandomState(seed)
    start = dt.datetime(2020, 1, 1)
    return pl.DataFrame(
        {
            "i8": pl.Series(rng.randint(-100, 100, n), dtype=pl.Int8),
            "u32": pl.Series(rng.randint(0, 10**6, n), dtype=pl.UInt32),
            "i64": pl.Series(rng.randint(0, 10**9, n), dtype=pl.Int64),
            "f32": pl.Series(rng.normal(size=n), dtype=pl.Float32),
            "f64": rng.normal(size=n),
            "flag": rng.rand(n) < 0.5,
            "name": pl.Series(
                [None if v == "" else v for v in rng.choice(["ann", "bob", ""], n)], dtype=pl.String
            ),
            "cat": pl.Series(rng.choice(["p", "q"], n), dtype=pl.Categorical),
            "level": pl.Series(rng.choice(["lo", "hi"], n), dtype=pl.Enum(["lo", "mid", "hi"])),
            "day": pl.Series(
                [dt.date(2020, 1, 1) + dt.timedelta(days=int(v)) for v in rng.randint(0, 900, n)]
            ),
            "when": pl.Series([start + dt.timedelta(seconds=int(v)) for v in rng.randint(0, 10**7, n)]),
            "when_tz": pl.Series([start + dt.timedelta(minutes=int(v)) for v in rng.randint(0, 10**6, n)])
            .dt.replace_time_zone("Asia/Seoul")
            .dt.cast_time_unit("ms"),
            "wait": pl.Series([dt.timedelta(seconds=int(v)) for v in rng.randint(0, 10**5, n)]),
            "clock": pl.Series(
                [
                    dt.time(int(h), int(m))
                    for h, m in zip(rng.randint(0, 24, n), rng.randint(0, 60, n), strict=True)
                ]
            ),
            "money": pl.Series([f"{v:.2f}" for v in rng.uniform(0, 100, n)]).str.to_decimal(scale=2),
        }
    )


def test_polars_in_polars_out_with_the_same_schema():
    X = polars_frame()
    y = pl.Series("label", np.where(np.arange(N) < 25, "rare", "common"))
    synthetic = StructurePreservingMixup(random_state=0).fit(X).sample(200)
    assert isinstance(synthetic, pl.DataFrame)
    assert synthetic.schema == X.schema and synthetic.columns == X.columns
    assert set(synthetic["level"].cast(pl.String).unique().to_list()) <= {"lo", "hi"}
    X_res, y_res = StructurePreservingMixup(random_state=0).fit_resample(X, y)
    assert isinstance(X_res, pl.DataFrame) and isinstance(y_res, pl.Series)
    assert X_res.schema == X.schema and y_res.name == "label" and y_res.dtype == pl.String
    assert X_res.head(N).equals(X) and y_res.value_counts()["count"].to_list() == [N - 25, N - 25]
    # the originals' buffers then the new rows, as pl.concat(rechunk=False) gives, not a copy
    assert X_res["f64"].n_chunks() == 2 and X_res.rechunk().equals(X_res)
    _, y_syn = StructurePreservingMixup(random_state=0).fit(X, y).sample(40)
    assert isinstance(y_syn, pl.Series) and set(y_syn.to_list()) <= {"rare", "common"}


def test_polars_columns_named_like_wildcards_or_regexes_keep_their_own_types():
    # pl.col("*") is every column and pl.col("^x$") a regex: casting back by name once cast
    # every column to the Enum of the one named "*".
    rng = np.random.default_rng(0)
    X = pl.DataFrame(
        {
            "when": pl.Series(rng.integers(0, 10**9, N), dtype=pl.Int64).cast(pl.Datetime("us")),
            "*": pl.Series(rng.choice(["a", "b"], N), dtype=pl.Enum(["a", "b"])),
            "^x$": pl.Series(rng.integers(0, 100, N), dtype=pl.Int16),
            "x": rng.normal(size=N),
        }
    )
    synthetic = StructurePreservingMixup(random_state=0).fit(X).sample(50)
    assert synthetic.schema == X.schema
    assert set(synthetic["*"].cast(pl.String).to_list()) <= {"a", "b"}


def mixed_pandas(n=400, seed=1) -> pd.DataFrame:
    rng = np.random.RandomState(seed)
    group = rng.choice(["a", "b", "c"], size=n)
    x = rng.normal(size=n) + pd.Series(group).map({"a": 0.0, "b": 2.0, "c": -1.0}).to_numpy()
    return pd.DataFrame(
        {
            "x": x,
            "y": 0.5 * x + rng.normal(size=n),
            "count": rng.poisson(30, size=n),
            "when": pd.Timestamp("2021-01-01") + pd.to_timedelta(rng.randint(0, 10**7, size=n), unit="s"),
            "group": group,
        }
    )


def as_numbers(frame) -> pd.DataFrame:
    """Any library's table as a numpy-backed pandas frame of comparable values."""
    if isinstance(frame, pl.DataFrame):
        frame = frame.to_pandas()
    frame = frame.copy()
    frame["when"] = pd.to_datetime(frame["when"].astype("datetime64[ns]")).astype("int64")
    return frame.astype({"x": float, "y": float, "count": int, "group": object})


def test_the_same_table_gives_the_same_values_whatever_library_holds_it():
    X = mixed_pandas()
    backends = {
        "pandas": X,
        "arrow": X.convert_dtypes(dtype_backend="pyarrow"),
        "polars": pl.from_pandas(X),
    }
    samples = {
        name: StructurePreservingMixup(random_state=0).fit(table).sample(500)
        for name, table in backends.items()
    }
    reference = as_numbers(samples["pandas"])
    for name in ("arrow", "polars"):
        pd.testing.assert_frame_equal(as_numbers(samples[name]), reference, check_dtype=False)


@pytest.mark.parametrize("backend", ["arrow", "polars"])
def test_moments_are_kept_in_every_backend(backend):
    X = mixed_pandas(n=2000)
    table = X.convert_dtypes(dtype_backend="pyarrow") if backend == "arrow" else pl.from_pandas(X)
    synthetic = as_numbers(StructurePreservingMixup(random_state=3).fit(table).sample(200_000))
    for column in ("x", "y"):
        values = synthetic[column].to_numpy()
        assert abs(values.mean() - X[column].mean()) < Z * mean_se(values)
        assert abs(values.var() - population_variance(X[column])) < Z * variance_se(values)
    shares = synthetic["group"].value_counts(normalize=True)
    real = X["group"].value_counts(normalize=True)
    for level, share in real.items():
        assert abs(shares[level] - share) < Z * np.sqrt(share * (1 - share) / len(synthetic))


def test_polars_is_imported_only_when_given():
    code = (
        "import sys, numpy as np, pandas as pd, skmixup\n"
        "X = pd.DataFrame({'a': np.arange(10.0), 'b': list('xy') * 5})\n"
        "skmixup.StructurePreservingMixup(random_state=0).fit(X).sample(3)\n"
        "print(sorted(m for m in ('polars',) if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
