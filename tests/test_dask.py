"""skmixup.dask.StructurePreservingMixup on a small dask cluster: the law of the pairs, the moments, the API.

The module starts a ``LocalCluster`` of two in-process workers and stops it
at the end.  The statistical tests follow the in-memory suite
(``test_resampler_statistics``): targets are the real table's own moments,
tolerances ``Z`` standard errors, and each test shows that the wrong answer
(pairs drawn within partitions, or Uniform's shrinkage) lies outside them.
"""

import logging
import sys
import warnings

import numpy as np
import pandas as pd
import pytest
from optional import require
from scipy import stats
from stats_utils import (
    Z,
    correlation_se,
    covariance_se,
    mean_se,
    population_covariance,
    population_variance,
    variance_se,
)

from skmixup import EpBeta, Uniform
from skmixup import StructurePreservingMixup as InMemory
from skmixup.weights import WeightDistribution

dask = require("dask")
dd = require("dask.dataframe")
distributed = require("distributed")
pa = require("pyarrow")

from skmixup.dask import StructurePreservingMixup, _estimator  # noqa: E402

N_REAL, N_SYNTHETIC = 3000, 200_000
P_VALUE = 1e-4


@pytest.fixture(scope="module", autouse=True)
def client():
    # P2P shuffles log a line at every start and end; they are not news here.
    logging.getLogger("distributed.shuffle._scheduler_plugin").setLevel(logging.ERROR)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0", memory_limit="1GiB"
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def partitioned(frame, sizes):
    """``frame`` as a dask DataFrame whose partitions have the given sizes."""
    starts = np.cumsum(sizes) - np.asarray(sizes)
    pieces = [frame.iloc[start : start + size] for start, size in zip(starts, sizes, strict=True)]
    with dask.config.set({"dataframe.convert-string": False}):
        return dd.concat([dd.from_pandas(piece, npartitions=1) for piece in pieces])


class Half(WeightDistribution):
    """Test law: both parents weigh 1/2 and the first gives its categories, so a row shows its parents."""

    n_parents = 2

    def to_scipy(self):
        return stats.uniform(0.25, 0.5)

    def draw(self, n_samples, random_state, cut_point):
        return np.full((n_samples, 2), 0.5), np.zeros(n_samples, dtype=np.intp)


class Thirds(WeightDistribution):
    """Test law of three parents weighing 1/2, 3/10 and 1/5; the first gives its categories."""

    n_parents = 3

    def to_scipy(self):
        return stats.uniform(0.25, 0.5)

    def draw(self, n_samples, random_state, cut_point):
        return np.tile([0.5, 0.3, 0.2], (n_samples, 1)), np.zeros(n_samples, dtype=np.intp)


def row_table(n_rows, labels=None):
    """Rows that tell who they are: a categorical row name and its number as a float."""
    frame = pd.DataFrame(
        {"row": pd.Categorical([f"r{k:03d}" for k in range(n_rows)]), "x": np.arange(n_rows, dtype=float)}
    )
    if labels is not None:
        frame["label"] = labels
    return frame


def parents_of(synthetic):
    """Both parents of rows mixed with Half weights: the first's name, and 2x minus it."""
    first = synthetic["row"].cat.codes.to_numpy()
    second = np.rint(2 * synthetic["x"].to_numpy() - first).astype(int)
    return np.column_stack([first, second])


def pair_counts(pairs, n_rows):
    cells = np.zeros((n_rows, n_rows))
    np.add.at(cells, (pairs[:, 0], pairs[:, 1]), 1)
    return cells


def within_partitions(frame, sizes, n_samples, weights, seed=0):
    """The wrong pairing: the in-memory estimator run on each partition alone."""
    rng = np.random.RandomState(seed)
    counts = rng.multinomial(n_samples, np.asarray(sizes) / sum(sizes))
    starts = np.cumsum(sizes) - np.asarray(sizes)
    pieces = []
    for start, size, count in zip(starts, sizes, counts, strict=True):
        piece = frame.iloc[start : start + size]
        mixup = InMemory(
            weights=weights, value_grids=False, redraw_copies=False, random_state=int(rng.randint(1e6))
        )
        pieces.append(mixup.fit(piece).sample(int(count)))
    return pd.concat(pieces, ignore_index=True)


# ---------------------------------------------------------------- the law of the pairs

SIZES = [3, 4, 5]  # a 12-row table in uneven partitions


def test_pairs_are_uniform_over_the_whole_table():
    n = sum(SIZES)
    frame = row_table(n)
    table = partitioned(frame, SIZES)
    mixup = StructurePreservingMixup(weights=Half(), value_grids=False, redraw_copies=False, random_state=0)
    synthetic = mixup.fit(table).sample(n * (n - 1) * 60).compute()
    cells = pair_counts(parents_of(synthetic), n)
    off_diagonal = ~np.eye(n, dtype=bool)
    assert np.trace(cells) == 0  # distinct parents
    assert stats.chisquare(cells[off_diagonal]).pvalue > P_VALUE
    # Pairing within partitions fails the same test: most pairs of rows never meet.
    wrong = pair_counts(parents_of(within_partitions(frame, SIZES, len(synthetic), Half())), n)
    assert np.trace(wrong) == 0
    assert stats.chisquare(wrong[off_diagonal]).pvalue < 1e-10


def test_independent_parents_are_uniform_over_all_pairs():
    n = sum(SIZES)
    mixup = StructurePreservingMixup(
        weights=Half(), value_grids=False, redraw_copies=False, distinct_parents=False, random_state=1
    )
    synthetic = mixup.fit(partitioned(row_table(n), SIZES)).sample(n * n * 60).compute()
    cells = pair_counts(parents_of(synthetic), n)
    assert np.trace(cells) > 0
    assert stats.chisquare(cells.ravel()).pvalue > P_VALUE


def test_pairs_are_uniform_within_each_class():
    labels = np.array([0, 1, 1, 1, 0, 0, 1, 0, 0, 1, 1, 1])
    frame = row_table(len(labels), labels)
    table = partitioned(frame, SIZES)
    mixup = StructurePreservingMixup(weights=Half(), value_grids=False, redraw_copies=False, random_state=2)
    X, y = mixup.fit(table, "label").sample(40_000)
    X, y = dask.compute(X, y)
    pairs = parents_of(X)
    assert (labels[pairs[:, 0]] == y.to_numpy()).all() and (labels[pairs[:, 1]] == y.to_numpy()).all()
    cells = pair_counts(pairs, len(labels))
    for label in (0, 1):
        rows = np.flatnonzero(labels == label)
        within = cells[np.ix_(rows, rows)]
        assert np.trace(within) == 0
        assert stats.chisquare(within[~np.eye(len(rows), dtype=bool)]).pvalue > P_VALUE
        share = (labels == label).mean()
        assert abs((y == label).mean() - share) < Z * np.sqrt(share * (1 - share) / len(y))


def test_three_parents_are_distinct_and_uniform():
    n = 6
    frame = row_table(n).assign(x2=np.arange(n, dtype=float) ** 2)
    mixup = StructurePreservingMixup(weights=Thirds(), value_grids=False, redraw_copies=False, random_state=3)
    synthetic = mixup.fit(partitioned(frame, [2, 1, 3])).sample(120 * 40).compute()
    first = synthetic["row"].cat.codes.to_numpy()
    # 0.3·j + 0.2·k and 0.3·j² + 0.2·k² tell (j, k): look them up among all pairs.
    j, k = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    linear, square = (0.3 * j + 0.2 * k).ravel(), (0.3 * j**2 + 0.2 * k**2).ravel()
    rest_x = synthetic["x"].to_numpy() - 0.5 * first
    rest_x2 = synthetic["x2"].to_numpy() - 0.5 * first**2
    match = (np.abs(rest_x[:, None] - linear) < 1e-9) & (np.abs(rest_x2[:, None] - square) < 1e-9)
    assert (match.sum(axis=1) == 1).all()
    found = match.argmax(axis=1)
    triples = np.column_stack([first, found // n, found % n])
    assert (triples[:, 0] != triples[:, 1]).all() and (triples[:, 0] != triples[:, 2]).all()
    assert (triples[:, 1] != triples[:, 2]).all()
    counts = np.bincount(triples @ np.array([n * n, n, 1]), minlength=n**3)
    assert (counts > 0).sum() == n * (n - 1) * (n - 2)
    assert stats.chisquare(counts[counts > 0]).pvalue > P_VALUE


def test_the_same_rows_whatever_the_workers(client):
    rng = np.random.RandomState(0)
    frame = pd.DataFrame(
        {"x": rng.normal(size=500), "g": rng.choice(list("abc"), 500), "k": rng.poisson(9, 500)}
    )
    table = dd.from_pandas(frame, npartitions=4)
    mixup = StructurePreservingMixup(random_state=5).fit(table, "g")
    X, y = mixup.sample(3000)
    two = client.compute([X, y], sync=True)
    with dask.config.set({"dataframe.shuffle.method": "tasks"}):  # p2p needs a distributed scheduler
        synchronous = dask.compute(X, y, scheduler="sync")
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, processes=False, dashboard_address=":0"
        ) as one,
        distributed.Client(one, set_as_default=False) as other,
    ):
        single = other.compute([X, y], sync=True)
    for result in (synchronous, single):
        pd.testing.assert_frame_equal(result[0], two[0])
        pd.testing.assert_series_equal(result[1], two[1])
    again = dask.compute(*StructurePreservingMixup(random_state=5).fit(table, "g").sample(3000))
    pd.testing.assert_frame_equal(again[0], two[0])
    other_seed = StructurePreservingMixup(random_state=6).fit(table, "g").sample(3000)[0].compute()
    assert not other_seed.equals(two[0])


# -------------------------------------------------------------------------------- moments


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
    table = partitioned(mixed_frame, [700, 800, 600, 900])
    laws = {"epbeta": EpBeta(delta=0.05), "uniform": Uniform()}
    return {
        name: StructurePreservingMixup(weights=law, random_state=7).fit(table).sample(N_SYNTHETIC).compute()
        for name, law in laws.items()
    }


def test_dtypes_names_and_order_come_back(mixed_frame, synthesised):
    # The dtypes of the partitions (older dask versions turn object strings into pyarrow ones).
    real = partitioned(mixed_frame, [700, 800, 600, 900]).compute()
    for synthetic in synthesised.values():
        assert list(synthetic.columns) == list(mixed_frame.columns)
        pd.testing.assert_series_equal(synthetic.dtypes, real.dtypes)
        assert list(synthetic["group"].cat.categories) == ["a", "b", "c", "unused"]
        assert synthetic.index.equals(pd.RangeIndex(N_SYNTHETIC))


@pytest.mark.parametrize("column", ["x", "y", "count"])
def test_means_kept(mixed_frame, synthesised, column):
    for synthetic in synthesised.values():
        value = synthetic[column].to_numpy(dtype=float)
        assert abs(value.mean() - mixed_frame[column].mean()) < Z * mean_se(value)


@pytest.mark.parametrize(("law", "factor"), [("epbeta", 1.0), ("uniform", 2 / 3)])
@pytest.mark.parametrize("column", ["x", "y"])
def test_variance_scaled_by_the_variance_factor(mixed_frame, synthesised, law, factor, column):
    value = synthesised[law][column].to_numpy(dtype=float)
    target = factor * population_variance(mixed_frame[column])
    tolerance = Z * variance_se(value)
    assert abs(value.var() - target) < tolerance
    if law != "epbeta":
        assert abs(value.var() - population_variance(mixed_frame[column])) > 3 * tolerance


@pytest.mark.parametrize(("law", "factor"), [("epbeta", 1.0), ("uniform", 2 / 3)])
def test_covariance_scaled_and_correlation_kept(mixed_frame, synthesised, law, factor):
    synthetic = synthesised[law]
    x, y = synthetic["x"].to_numpy(dtype=float), synthetic["y"].to_numpy(dtype=float)
    real_cov = population_covariance(mixed_frame["x"], mixed_frame["y"])
    assert abs(population_covariance(x, y) - factor * real_cov) < Z * covariance_se(x, y)
    real_corr = np.corrcoef(mixed_frame["x"], mixed_frame["y"].astype(float))[0, 1]
    assert abs(np.corrcoef(x, y)[0, 1] - real_corr) < Z * correlation_se(x, y)


@pytest.mark.parametrize("column", ["group", "flag", "city"])
def test_category_shares_kept(mixed_frame, synthesised, column):
    for synthetic in synthesised.values():
        real = mixed_frame[column].value_counts(normalize=True)
        share = synthetic[column].value_counts(normalize=True).reindex(real.index)
        assert (np.abs(share - real) <= Z * np.sqrt(real * (1 - real) / N_SYNTHETIC)).all()


@pytest.mark.parametrize("law", ["epbeta", "uniform"])
def test_conditional_means_follow_the_contamination(mixed_frame, synthesised, law):
    u = {"epbeta": EpBeta(delta=0.05), "uniform": Uniform()}[law].contamination(0.5)
    mu = mixed_frame["x"].mean()
    for level in ["a", "b", "c"]:
        mu_l = mixed_frame.loc[mixed_frame["group"] == level, "x"].mean()
        value = synthesised[law].loc[synthesised[law]["group"] == level, "x"].to_numpy()
        assert abs(value.mean() - ((1 - u) * mu_l + u * mu)) < Z * mean_se(value)
        if law == "uniform" and level != "a":
            assert abs(value.mean() - mu_l) > 3 * Z * mean_se(value)


def test_conditional_variance_for_epbeta(mixed_frame, synthesised):
    u = EpBeta(delta=0.05).contamination(0.5)
    x = mixed_frame["x"].to_numpy()
    sigma2, mu = population_variance(x), x.mean()
    for level in ["a", "b", "c"]:
        x_l = x[(mixed_frame["group"] == level).to_numpy()]
        expected = (1 - u) * population_variance(x_l) + u * sigma2 + u * (1 - u) * (x_l.mean() - mu) ** 2
        value = synthesised["epbeta"].loc[synthesised["epbeta"]["group"] == level, "x"].to_numpy()
        assert abs(value.var() - expected) < Z * variance_se(value)


def test_uniform_shrinks_a_drifting_table_by_two_thirds_whatever_its_partitions():
    rng = np.random.RandomState(3)
    n, sizes = 4000, [1000] * 4
    t = np.sort(rng.uniform(0, 10, size=n))  # sorted by a drifting column: partitions hold eras
    frame = pd.DataFrame({"x": t + rng.normal(size=n)})
    exact = StructurePreservingMixup(weights=Uniform(), random_state=0).fit(partitioned(frame, sizes))
    value = exact.sample(N_SYNTHETIC).compute()["x"].to_numpy()
    real = population_variance(frame["x"])
    factor = 1 - (1 / 3) * n / (n - 1)  # Uniform, distinct parents (SPEC §6)
    tolerance = Z * variance_se(value)
    assert abs(value.var() - factor * real) < tolerance
    # Pairs within partitions mix rows of one era only, and keep far more of the variance.
    wrong = within_partitions(frame, sizes, N_SYNTHETIC, Uniform())["x"].to_numpy()
    assert wrong.var() / real > 0.9
    assert abs(wrong.var() - factor * real) > 10 * tolerance


# ------------------------------------------------------------------------ dtypes and targets


def test_numpy_and_arrow_dtypes_come_back():
    rng = np.random.RandomState(4)
    n = 400
    days = pd.Timestamp("2022-01-01") + pd.to_timedelta(rng.randint(0, 300, n), unit="D")
    frame = pd.DataFrame(
        {
            "f32": rng.normal(size=n).astype(np.float32),
            "price": np.round(rng.uniform(0, 50, n), 2),
            "u8": rng.randint(0, 255, n).astype(np.uint8),
            "I64": pd.array(np.where(rng.rand(n) < 0.2, None, rng.randint(0, 90, n)), dtype="Int64"),
            "b": rng.rand(n) < 0.4,
            "cat": pd.Categorical(rng.choice(list("xyz"), n), categories=list("xyzw")),
            "when": days,
            "zoned": days.tz_localize("Asia/Seoul"),
            "wait": pd.to_timedelta(rng.randint(0, 600, n), unit="s"),
            "a_i": pd.Series(pa.array(rng.randint(-9, 9, n)), dtype=pd.ArrowDtype(pa.int16())),
            "a_f": pd.Series(pa.array(rng.normal(size=n)), dtype=pd.ArrowDtype(pa.float32())),
            "a_s": pd.Series(pa.array(rng.choice(["k", "l", None], n)), dtype=pd.ArrowDtype(pa.string())),
            "a_ts": pd.Series(
                pa.array(days.as_unit("ms")), dtype=pd.ArrowDtype(pa.timestamp("ms", tz="UTC"))
            ),
            "a_date": pd.Series(pa.array(days.date, pa.date32()), dtype=pd.ArrowDtype(pa.date32())),
        }
    )
    table = dd.from_pandas(frame, npartitions=3)
    mixup = StructurePreservingMixup(random_state=0).fit(table)
    synthetic = mixup.sample(2000)
    pd.testing.assert_series_equal(synthetic.dtypes, table.dtypes)
    computed = synthetic.compute()
    pd.testing.assert_series_equal(computed.dtypes, table.dtypes)
    assert computed["u8"].between(0, 255).all() and (computed["price"] == computed["price"].round(2)).all()
    assert mixup.column_kinds_ == InMemory().fit(table.compute()).column_kinds_


def test_unknown_categories_of_partitions_are_made_known():
    pieces = [
        pd.DataFrame({"x": np.linspace(0, 1, 20), "c": pd.Categorical(["p", "q"] * 10)}),
        pd.DataFrame({"x": np.linspace(2, 3, 20), "c": pd.Categorical(["r", "p"] * 10)}),
    ]
    table = dd.from_delayed(
        [dask.delayed(piece) for piece in pieces], meta=pieces[0].iloc[:0], verify_meta=False
    )
    synthetic = StructurePreservingMixup(random_state=0).fit(table).sample(500)
    assert list(synthetic.dtypes["c"].categories) == ["p", "q", "r"]
    assert set(synthetic.compute()["c"]) == {"p", "q", "r"}


def test_joint_and_soft_labels_and_a_continuous_target(mixed_frame):
    table = partitioned(mixed_frame[["x", "group"]], [1000, 2000])
    joint = StructurePreservingMixup(label_mixing="joint", random_state=0).fit(table[["x"]], table["group"])
    X, y = dask.compute(*joint.sample(50_000))
    assert y.name == "group" and y.dtype == mixed_frame["group"].dtype
    u, mu = EpBeta(delta=0.05).contamination(0.5), mixed_frame["x"].mean()
    mu_c = mixed_frame.loc[mixed_frame["group"] == "c", "x"].mean()
    value = X.loc[(y == "c").to_numpy(), "x"].to_numpy()
    assert abs(value.mean() - ((1 - u) * mu_c + u * mu)) < Z * mean_se(value)
    soft = StructurePreservingMixup(label_mixing="soft", random_state=0).fit(table, "group")
    X, scores = dask.compute(*soft.sample(50_000))
    assert list(scores.columns) == list(soft.classes_) == ["a", "b", "c"]
    np.testing.assert_allclose(scores.sum(axis=1), 1.0)
    one_hot = (mixed_frame["group"] == "b").to_numpy(dtype=float)
    real_cov = population_covariance(mixed_frame["x"], one_hot)
    x_new = X["x"].to_numpy()
    assert abs(population_covariance(x_new, scores["b"]) - real_cov) < Z * covariance_se(x_new, scores["b"])
    regression = mixed_frame[["x"]].assign(
        target=2.0 * mixed_frame["x"] + np.random.RandomState(1).normal(size=N_REAL)
    )
    X, y = dask.compute(
        *StructurePreservingMixup(random_state=0)
        .fit(partitioned(regression, [1500, 1500]), "target")
        .sample(50_000)
    )
    real_cov = population_covariance(regression["x"], regression["target"])
    assert y.name == "target" and y.dtype == np.float64
    assert abs(population_covariance(X["x"], y) - real_cov) < Z * covariance_se(X["x"], y)


def test_exact_class_counts_and_output_partitions(mixed_frame):
    table = partitioned(mixed_frame[["x", "group"]], [1000, 2000])
    mixup = StructurePreservingMixup(random_state=0).fit(table, "group")
    X, y = mixup.sample(1001, exact_class_counts=True, npartitions=7)
    assert X.npartitions == y.npartitions == 7
    y = y.compute()
    shares = mixed_frame["group"].value_counts()
    expected = _estimator._exact_totals(shares.loc[["a", "b", "c"]].to_numpy(), 1001)
    assert y.value_counts().loc[["a", "b", "c"]].tolist() == expected.tolist()
    assert y.index.equals(pd.RangeIndex(1001))
    assert mixup.sample(60).npartitions == 1 if False else mixup.sample(60)[0].npartitions == 1


def test_identifiers_are_fresh_over_every_output_partition():
    rng = np.random.RandomState(0)
    frame = pd.DataFrame(
        {
            "order_id": np.arange(300) + 10,
            "user": pd.Series([f"U-{k:04d}" for k in rng.permutation(9000)[:300]], dtype="str"),
            "x": rng.normal(size=300),
        }
    )
    with pytest.warns(UserWarning, match="look like identifiers"):
        mixup = StructurePreservingMixup(random_state=0).fit(dd.from_pandas(frame, npartitions=3))
    synthetic = mixup.sample(2000, npartitions=5).compute()
    assert synthetic["order_id"].tolist() == list(range(310, 2310))  # as in memory: above the largest
    assert not synthetic["user"].isin(frame["user"]).any()
    assert synthetic["user"].str.fullmatch(r"U-\d{4}").all()


@pytest.mark.filterwarnings("ignore:.*still equal a real row:UserWarning")  # pairs of equal rows
def test_copies_of_parents_are_drawn_again():
    rng = np.random.RandomState(0)
    # Whole numbers on a grid: EpBeta's weights near 1 round a mixed row back onto a parent.
    frame = pd.DataFrame({"a": rng.randint(0, 100, 2000).astype(float), "b": rng.randint(0, 100, 2000) * 1.0})
    table = dd.from_pandas(frame, npartitions=4)
    real = set(map(tuple, frame.to_numpy()))

    def copies(redraw):
        mixup = StructurePreservingMixup(redraw_copies=redraw, random_state=0).fit(table)
        synthetic = mixup.sample(20_000).compute()
        return sum(row in real for row in map(tuple, synthetic.to_numpy()))

    assert copies(False) > 2000
    assert copies(True) < 50


def test_independent_weights_per_column(mixed_frame):
    table = partitioned(mixed_frame[["x", "y"]], [1500, 1500])
    mixup = StructurePreservingMixup(shared_weights=False, random_state=3).fit(table)
    synthetic = mixup.sample(N_SYNTHETIC).compute()
    x, y = synthetic["x"].to_numpy(), synthetic["y"].to_numpy(dtype=float)
    assert abs(x.var() - population_variance(mixed_frame["x"])) < Z * variance_se(x)
    mean = EpBeta(delta=0.05).mean()
    real_cov = population_covariance(mixed_frame["x"], mixed_frame["y"])
    assert abs(population_covariance(x, y) - (1 - 2 * mean + 2 * mean**2) * real_cov) < Z * covariance_se(
        x, y
    )


def test_narrowed_reach_keeps_the_variance_and_the_range_over_the_partitions():
    rng = np.random.RandomState(5)
    frame = pd.DataFrame(
        {"size": rng.lognormal(size=2000), "year": rng.randint(1935, 1955, 2000).astype(float)}
    )
    frame["value"] = 3 * frame["size"] + rng.normal(size=2000)
    table = partitioned(frame, [500, 700, 800])
    synthetic = {
        clip: StructurePreservingMixup(clip=clip, random_state=2).fit(table).sample(N_SYNTHETIC).compute()
        for clip in (None, "narrow")
    }
    narrowest = max(EpBeta().epsilon_) / 8
    span = frame.max() - frame.min()
    grid_step = pd.Series({"size": 0.0, "year": 1.0, "value": 0.0})
    for column in frame.columns:
        value = synthetic["narrow"][column].to_numpy(dtype=float)
        assert abs(value.var() - population_variance(frame[column])) < Z * variance_se(value)
    beyond = {
        clip: np.maximum(frame.min() - rows, rows - frame.max()).clip(lower=0)
        for clip, rows in synthetic.items()
    }
    assert (beyond["narrow"] <= narrowest * span + grid_step + 1e-9).all().all()
    assert (beyond["narrow"] > 0).any(axis=1).mean() < 0.5 * (beyond[None] > 0).any(axis=1).mean()


# ----------------------------------------------------------------------------- fit_resample


@pytest.fixture(scope="module")
def imbalanced():
    rng = np.random.RandomState(1)
    n_major, n_minor = 2400, 300
    frame = pd.DataFrame(
        {
            "u": np.concatenate([rng.uniform(0, 1, n_major), rng.uniform(10, 11, n_minor)]),
            "v": np.round(rng.normal(size=n_major + n_minor), 1),
            "kind": pd.Series(rng.choice(["p", "q"], n_major + n_minor), dtype="str"),
            "label": np.array([0] * n_major + [1] * n_minor),
        }
    ).sample(frac=1, random_state=0, ignore_index=True)
    return frame


@pytest.mark.parametrize("collected", [True, False])
def test_fit_resample_returns_the_originals_then_rows_within_the_class(imbalanced, collected):
    table = dd.from_pandas(imbalanced, npartitions=4)
    mixup = StructurePreservingMixup(random_state=0, max_collected_rows=10**6 if collected else 0)
    X, y = mixup.fit_resample(table, "label")
    X, y = dask.compute(X, y)
    whole = table.compute()
    pd.testing.assert_frame_equal(X.iloc[: len(whole)], whole.drop(columns="label").reset_index(drop=True))
    assert X.index.equals(pd.RangeIndex(len(X))) and y.index.equals(X.index)
    assert y.name == "label" and y.dtype == whole["label"].dtype
    assert y.value_counts().to_dict() == {0: 2400, 1: 2400}
    new = X.iloc[len(whole) :]
    # Pairs within the minority only: EpBeta reaches 30 % beyond its range [10, 11], never the majority's.
    assert (y.iloc[len(whole) :] == 1).all() and new["u"].between(9.7, 11.3).all()
    minority = whole.loc[whole["label"] == 1, "u"]
    assert abs(new["u"].mean() - minority.mean()) < Z * mean_se(new["u"])
    if collected:  # the in-memory estimator's very rows
        expected = InMemory(random_state=0).fit_resample(whole.drop(columns="label"), whole["label"])
        pd.testing.assert_frame_equal(X, expected[0])
        pd.testing.assert_series_equal(y, expected[1])
    with pytest.raises(Exception, match="fitted by fit_resample"):
        mixup.sample(10)


def test_fit_resample_with_a_dask_series_and_a_strategy(imbalanced):
    table = dd.from_pandas(imbalanced.drop(columns="label"), npartitions=3)
    labels = dd.from_pandas(imbalanced["label"], npartitions=3)
    mixup = StructurePreservingMixup(sampling_strategy={1: 1000}, random_state=0, max_collected_rows=0)
    _, y = mixup.fit_resample(table, labels)
    assert mixup.sampling_strategy_ == {1: 700}
    assert y.compute().value_counts().to_dict() == {0: 2400, 1: 1000}


def test_a_class_of_one_row_is_copied_exactly_over_the_partitions():
    rng = np.random.RandomState(0)
    frame = pd.DataFrame({"u": rng.normal(size=40), "v": rng.normal(size=40), "label": [0] * 39 + [1]})
    mixup = StructurePreservingMixup(random_state=0, max_collected_rows=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        X, _ = dask.compute(*mixup.fit_resample(dd.from_pandas(frame, npartitions=3), "label"))
    assert [str(w.message) for w in caught if w.category is UserWarning] == [
        "Class 1 has a single row: its 38 synthetic rows are copies of it."
    ]
    lone = frame.loc[frame["label"] == 1, ["u", "v"]].to_numpy()
    np.testing.assert_array_equal(X.iloc[len(frame) :].to_numpy(), np.tile(lone, (38, 1)))


def test_independent_parents_that_are_one_row_give_exact_copies():
    # Parents cannot be drawn again over the partitions: a row paired with itself stays its
    # exact copy, not a row one ulp away from it, which no copy check would see.
    frame = pd.DataFrame(np.random.RandomState(0).normal(size=(6, 2)), columns=["u", "v"])
    mixup = StructurePreservingMixup(distinct_parents=False, random_state=0)
    synthetic = mixup.fit(dd.from_pandas(frame, npartitions=2)).sample(3000).compute().to_numpy()
    real = frame.to_numpy()
    near = np.isclose(synthetic[:, None], real[None], rtol=1e-12, atol=0).all(axis=2)
    exact = (synthetic[:, None] == real[None]).all(axis=2)
    assert abs(exact.sum() - 3000 / 6) < Z * np.sqrt(3000 * (1 / 6) * (5 / 6)) and (near == exact).all()


# ------------------------------------------------------------------------- one pass, lazily


def test_fit_reads_the_table_once_and_sample_is_lazy(mixed_frame):
    from dask.callbacks import Callback

    class Computes(Callback):
        count = 0

        def _start(self, dsk):
            Computes.count += 1

    table = partitioned(mixed_frame, [1500, 1500])
    with dask.config.set({"scheduler": "sync", "dataframe.shuffle.method": "tasks"}), Computes():
        mixup = StructurePreservingMixup(random_state=0).fit(table)
        assert Computes.count == 1
        synthetic = mixup.sample(1000)
        assert Computes.count == 1
        synthetic.compute()
        assert Computes.count == 2


# ------------------------------------------------------------------------------ bad input


def test_bad_input_gets_clear_errors(mixed_frame):
    table = partitioned(mixed_frame, [1500, 1500])
    mixup = StructurePreservingMixup(random_state=0)
    with pytest.raises(TypeError, match="takes a dask DataFrame; got pandas"):
        mixup.fit(mixed_frame)
    with pytest.raises(ValueError, match="y names column 'nope', which is not a column of X"):
        mixup.fit(table, "nope")
    with pytest.raises(TypeError, match="y must be a dask Series"):
        mixup.fit(table, mixed_frame["group"])
    with pytest.raises(ValueError, match="y has 2 partitions but X has 3"):
        mixup.fit(dd.from_pandas(mixed_frame, npartitions=3), table["group"])
    with pytest.raises(ValueError, match="fit_resample needs class labels y"):
        mixup.fit_resample(table, None)
    with pytest.raises(ValueError, match="column_kinds names column 'nope'"):
        StructurePreservingMixup(column_kinds={"nope": "drop"}).fit(table)
    with pytest.raises(ValueError, match="Unknown label type: continuous"):
        mixup.fit_resample(table, "x")
    shifted = dd.from_pandas(mixed_frame["group"].iloc[:2900], npartitions=2)
    with pytest.raises(ValueError, match=r"y has .* rows but X has .* in partition"):
        mixup.fit(table, shifted)
    missing = mixed_frame.assign(group=mixed_frame["group"].astype(object).where(mixed_frame.index != 1600))
    with pytest.raises(ValueError, match=r"y has missing values .* of partition 1"):
        mixup.fit(partitioned(missing, [1500, 1500]), "group")
    fitted = StructurePreservingMixup(random_state=0).fit(table)
    with pytest.raises(NotImplementedError, match="given= is not supported"):
        fitted.sample(10, given={"group": "a"})
    with pytest.raises(ValueError, match="'n_samples' parameter must be an integer >= 1"):
        fitted.sample(0)
    with pytest.raises(ValueError, match="'npartitions' parameter must be an integer >= 1"):
        fitted.sample(10, npartitions=0)
    fitted._table = partitioned(mixed_frame, [1000, 2000])  # the table changed since fit
    with pytest.raises(
        ValueError, match=r"Partition [01] of the table has (1000|2000) rows, but it had 1500"
    ):
        fitted.sample(100).compute()


def test_a_missing_dask_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "dask", None)
    with pytest.raises(ImportError, match=r'pip install "skmixup\[dask\]"'):
        _estimator.require_dask()


def test_parameters_are_the_in_memory_ones_plus_one():
    names = set(StructurePreservingMixup().get_params())
    assert names - set(InMemory().get_params()) == {"max_collected_rows"}
    assert set(InMemory().get_params()) <= names
    with pytest.raises(ValueError, match="max_collected_rows"):
        StructurePreservingMixup(max_collected_rows=-1).fit(
            dd.from_pandas(pd.DataFrame({"x": [1.0, 2.0]}), npartitions=1)
        )


def test_all_pairs_partitions_and_outputs_combine():
    # Small tables through every shape: empty partitions, one output, more outputs than partitions.
    frame = pd.DataFrame({"x": np.random.RandomState(0).normal(size=12), "g": list("ab") * 6})
    for sizes, n_samples, outputs in [
        ([12], 1, None),
        ([0, 5, 7], 7, 3),
        ([1] * 12, 50, None),
        ([1] * 12, 5, 8),
    ]:
        table = partitioned(frame, sizes)
        synthetic = StructurePreservingMixup(random_state=0).fit(table).sample(n_samples, npartitions=outputs)
        computed = synthetic.compute()
        assert len(computed) == n_samples and computed.index.equals(pd.RangeIndex(n_samples))
        assert computed["x"].between(frame["x"].min() - 2, frame["x"].max() + 2).all()


# ------------------------------------------------------------------------------ Parquet to Parquet


@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::FutureWarning")
def test_synthesize_parquet_writes_a_dataset_like_the_source(tmp_path, mixed_frame):
    from skmixup.dask import synthesize_parquet

    source = tmp_path / "real"
    dd.from_pandas(mixed_frame, npartitions=3).to_parquet(source, write_index=False)
    real = dd.read_parquet(source)
    fitted = synthesize_parquet(
        source, tmp_path / "synthetic", 5000, target="group", random_state=0, npartitions=2
    )
    assert fitted.partition_rows_.sum() == N_REAL and list(fitted.classes_) == ["a", "b", "c"]
    written = dd.read_parquet(tmp_path / "synthetic")
    assert written.npartitions == 2
    synthetic = written.compute()
    assert len(synthetic) == 5000 and list(synthetic.columns) == list(real.columns)
    pd.testing.assert_series_equal(synthetic.dtypes, real.dtypes)
    soft = StructurePreservingMixup(label_mixing="soft", random_state=0)
    synthesize_parquet(source, tmp_path / "soft", 100, target="group", mixup=soft)
    assert list(pd.read_parquet(tmp_path / "soft").columns) == [
        "x", "y", "count", "group_a", "group_b", "group_c", "flag", "city"
    ]  # fmt: skip
    with pytest.raises(ValueError, match="target names column 'nope'"):
        synthesize_parquet(source, tmp_path / "never", 10, target="nope")
    assert not (tmp_path / "never").exists()


def test_fit_resample_labels_are_the_classes_whatever_the_label_mixing(imbalanced):
    frame = imbalanced.assign(order_id=np.arange(len(imbalanced)) + 100)
    table = dd.from_pandas(frame, npartitions=3)
    for collected in (True, False):
        mixup = StructurePreservingMixup(
            label_mixing="soft", random_state=0, max_collected_rows=10**6 * collected
        )
        with pytest.warns(UserWarning, match="look like identifiers"):
            X, y = mixup.fit_resample(table, "label")
        X, y = dask.compute(X, y)
        assert y.name == "label" and y.value_counts().to_dict() == {0: 2400, 1: 2400}
        new_ids = X["order_id"].iloc[len(frame) :]
        assert new_ids.tolist() == list(range(len(frame) + 100, len(frame) + 100 + 2100))  # above the largest


def test_fitting_in_threads_leaves_the_warning_filters_alone(mixed_frame):
    # catch_warnings is process-wide: tasks running in threads must not use it.
    import warnings

    before = list(warnings.filters)
    table = partitioned(mixed_frame, [500] * 6)
    with dask.config.set(scheduler="threads"):
        StructurePreservingMixup(random_state=0).fit(table).sample(1000).compute()
    assert list(warnings.filters) == before


def test_three_parent_laws_of_the_library(mixed_frame):
    from skmixup import CircleWeights, KurtosisMatchedWeights

    table = partitioned(mixed_frame[["x", "y", "group"]], [1000, 1200, 800])
    synthetic = (
        StructurePreservingMixup(weights=CircleWeights(), random_state=0).fit(table).sample(N_SYNTHETIC)
    )
    x = synthetic.compute()["x"].to_numpy()
    # Σw = Σw² = 1 on every row: the variance is kept exactly, distinct parents included.
    assert abs(x.var() - population_variance(mixed_frame["x"])) < Z * variance_se(x)
    assert abs(x.mean() - mixed_frame["x"].mean()) < Z * mean_se(x)
    fixed = StructurePreservingMixup(weights=KurtosisMatchedWeights(kurtosis=4.0), random_state=0).fit(table)
    assert fixed.weights_.kurtosis == 4.0 and len(fixed.sample(100).compute()) == 100
    with pytest.raises(NotImplementedError, match="adapts to the table it is fitted on"):
        StructurePreservingMixup(weights=KurtosisMatchedWeights()).fit(table)
    with pytest.raises(ValueError, match="cut_point"):
        StructurePreservingMixup(weights=CircleWeights(), cut_point=0.5).fit(table)
