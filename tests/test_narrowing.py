"""clip="narrow": EpBeta's reach narrowed pair by pair to the observed range, moments exact.

The exactness is checked without sampling error first: over every ordered
pair of a small table, the rungs' exact moments give the table's mean,
variance and covariance (and a rung chosen by one parent's room alone does
not).  Then the estimator: sampled moments within ``Z`` standard errors
(where ``clip="observed"`` lies outside), the bound on leaving the range, no
copies, reproducibility, the Dask path and the errors.
"""

import numpy as np
import pandas as pd
import pytest
from stats_utils import Z, covariance_se, population_covariance, population_variance, variance_se

from skmixup import Beta, EpBeta, StructurePreservingMixup, Uniform
from skmixup._narrowing import N_RUNGS, NarrowedReach, room_ratio
from skmixup.cut_points import ClippedWeight
from skmixup.weights import CircleWeights

# A year's values are rounded to whole years after mixing: one more step beyond the reach.
GRID_STEP = pd.Series({"invest": 0.0, "value": 0.0, "year": 1.0})


def skewed_table(n=400, seed=0):
    """A skewed column, a column with many rows on its bounds (a year), a category."""
    rng = np.random.RandomState(seed)
    group = rng.choice(["a", "b", "c"], size=n, p=[0.6, 0.3, 0.1])
    size = rng.lognormal(mean=np.where(group == "c", 3.0, 1.0), sigma=1.0)
    return pd.DataFrame(
        {
            "invest": size * rng.uniform(0.5, 1.5, n),
            "value": 3 * size + rng.normal(scale=2.0, size=n),
            "year": rng.randint(1935, 1955, n).astype(float),
            "group": pd.Categorical(group),
        }
    )


def brute_force_ratio(values, pairs, low, high):
    ratios = []
    for i, j in pairs:
        best = np.inf
        for c in range(values.shape[1]):
            a, b = values[i, c], values[j, c]
            if np.isnan(a) or np.isnan(b) or a == b:
                continue
            room_a = high[c] - a if a > b else a - low[c]
            room_b = b - low[c] if a > b else high[c] - b
            best = min(best, min(room_a, room_b) / abs(a - b))
        ratios.append(best)
    return np.array(ratios)


def test_room_ratio_agrees_with_a_loop_over_pairs_and_columns():
    rng = np.random.RandomState(1)
    values = rng.randint(0, 6, size=(30, 3)).astype(float)  # ties and rows on the bounds
    values[rng.rand(30, 3) < 0.1] = np.nan
    low, high = np.nanmin(values, axis=0), np.nanmax(values, axis=0)
    pairs = rng.randint(0, 30, size=(5000, 2))  # several chunks of pairs
    expected = brute_force_ratio(values, pairs, low, high)
    np.testing.assert_array_equal(room_ratio(values, pairs, low, high), expected)
    # Only some columns: the others limit nothing.
    got = room_ratio(values, pairs, low[[0, 2]], high[[0, 2]], columns=np.array([0, 2]))
    np.testing.assert_array_equal(got, brute_force_ratio(values[:, [0, 2]], pairs, low[[0, 2]], high[[0, 2]]))
    # The ratio is symmetric in the pair: both orders get one law.
    np.testing.assert_array_equal(room_ratio(values, pairs[:, ::-1], low, high), expected)


@pytest.mark.parametrize(
    "law",
    [
        EpBeta(delta=0.05),
        EpBeta(delta=0.01),
        EpBeta(delta=0.05, epsilon=(0.1, 0.3)),
        EpBeta(0.02, cut_point=ClippedWeight()),
    ],
    ids=["delta=0.05", "delta=0.01", "asymmetric", "clipped-weight"],
)
def test_every_rung_keeps_the_variance_and_at_most_delta(law):
    ladder = NarrowedReach(law)
    assert ladder.laws[0] is law and len(ladder.laws) == N_RUNGS
    np.testing.assert_allclose(ladder.reaches, max(law.epsilon_) / 2.0 ** np.arange(N_RUNGS))
    cut_point = law.cut_point
    for rung in ladder.laws:
        assert rung.second_moment() == pytest.approx(rung.mean(), abs=1e-12)
        assert rung.contamination(cut_point) <= law.delta + 1e-12
        support = rung.to_scipy().support()
        assert max(-support[0], support[1] - 1) == pytest.approx(max(rung.epsilon_), abs=1e-12)


def exact_moments(values, rungs_of, ladder, pairs):
    """Mean, variance and covariance matrix of a mix over the given ordered pairs, from the laws' moments."""
    i, j = pairs[:, 0], pairs[:, 1]
    rungs = rungs_of(pairs)
    m1 = np.array([law.mean() for law in ladder.laws])[rungs][:, None]
    m2 = np.array([law.second_moment() for law in ladder.laws])[rungs][:, None]
    xi, xj = values[i], values[j]
    mean = (m1 * xi + (1 - m1) * xj).mean(axis=0)
    # E[x~ x~'] for every pair of columns, with one weight shared by the columns
    a, b = m2[:, :, None], (m1 - m2)[:, :, None]
    c = (1 - 2 * m1 + m2)[:, :, None]
    second = (
        a * xi[:, :, None] * xi[:, None, :]
        + b * (xi[:, :, None] * xj[:, None, :] + xj[:, :, None] * xi[:, None, :])
        + c * xj[:, :, None] * xj[:, None, :]
    ).mean(axis=0)
    return mean, second - np.outer(mean, mean)


def test_the_moments_over_all_pairs_are_exactly_the_tables():
    values = skewed_table(60)[["invest", "value", "year"]].to_numpy(copy=True)
    values -= values.mean(axis=0)  # a mix of centred values is the centred mix: no cancellation
    low, high = values.min(axis=0), values.max(axis=0)
    ladder = NarrowedReach(EpBeta(delta=0.05))
    n = len(values)
    i, j = np.nonzero(~np.eye(n, dtype=bool))  # distinct parents, every ordered pair once
    pairs = np.column_stack([i, j])

    def by_the_pair(p):
        return ladder.rungs(room_ratio(values, p, low, high))

    rungs = by_the_pair(pairs)
    assert np.bincount(rungs, minlength=N_RUNGS).min() > 0  # every rung is used
    mean, covariance = exact_moments(values, by_the_pair, ladder, pairs)
    np.testing.assert_allclose(mean, 0.0, atol=1e-12 * np.abs(values).max())
    np.testing.assert_allclose(covariance, np.cov(values.T, ddof=0), rtol=1e-9)

    # A rung chosen from the first parent's room alone differs between (i, j) and (j, i):
    # the variance is no longer the table's.
    def by_the_first_parent(p):
        first = values[p[:, 0]]
        room = np.minimum(high - first, first - low) / np.maximum(np.abs(first - values[p[:, 1]]), 1e-300)
        return ladder.rungs(room.min(axis=1))

    _, lopsided = exact_moments(values, by_the_first_parent, ladder, pairs)
    assert np.abs(np.diag(lopsided) / np.diag(np.cov(values.T, ddof=0)) - 1).max() > 1e-3

    # Each pair's support leaves the range by at most the narrowest reach times its gap,
    # and not at all when its widest fitting rung fits.
    ratio = room_ratio(values, pairs, low, high)
    fits = ratio >= ladder.reaches[rungs]
    assert fits.mean() > 0.5 and (rungs[~fits] == N_RUNGS - 1).all()


@pytest.fixture(scope="module")
def table():
    return skewed_table()


@pytest.fixture(scope="module")
def samples(table):
    return {
        clip: StructurePreservingMixup(clip=clip, random_state=3).fit(table).sample(800_000)
        for clip in (None, "narrow", "observed")
    }


@pytest.mark.parametrize("column", ["invest", "value", "year"])
def test_narrowing_keeps_the_variance_where_clipping_loses_it(table, samples, column):
    target = population_variance(table[column])
    narrowed = samples["narrow"][column].to_numpy(dtype=float)
    tolerance = Z * variance_se(narrowed)
    assert abs(narrowed.var() - target) < tolerance
    clipped = samples["observed"][column].to_numpy(dtype=float)
    assert target - clipped.var() > Z * variance_se(clipped)


def test_narrowing_keeps_the_covariance(table, samples):
    x, y = (samples["narrow"][c].to_numpy(dtype=float) for c in ("invest", "value"))
    real = population_covariance(table["invest"], table["value"])
    assert abs(population_covariance(x, y) - real) < Z * covariance_se(x, y)


def test_narrowing_leaves_the_range_rarely_and_by_at_most_the_narrowest_reach(table, samples):
    narrowest = max(EpBeta().epsilon_) / 2 ** (N_RUNGS - 1)
    columns = ["invest", "value", "year"]
    span = table[columns].max() - table[columns].min()
    outside = {}
    for clip in (None, "narrow"):
        synthetic = samples[clip][columns]
        below = table[columns].min() - synthetic
        above = synthetic - table[columns].max()
        beyond = np.maximum(below, above).clip(lower=0)
        outside[clip] = float((beyond > 0).any(axis=1).mean())
        if clip == "narrow":
            # A pair leaves by at most narrowest · |x_i - x_j| <= narrowest · span (and a grid step).
            assert (beyond <= narrowest * span + GRID_STEP + 1e-9).all().all()
    assert outside["narrow"] < 0.5 * outside[None]
    assert samples[None][columns].sub(table[columns].max()).max().max() > narrowest * span.max()


def test_narrowed_rows_are_new_reproducible_and_the_same_for_every_n_jobs(table):
    def sample(n_jobs):
        mixup = StructurePreservingMixup(clip="narrow", n_jobs=n_jobs, random_state=11)
        return mixup.fit(table).sample(150_000)

    one = sample(1)
    pd.testing.assert_frame_equal(one, sample(1))
    pd.testing.assert_frame_equal(one, sample(2))
    merged = one.merge(table.drop_duplicates(), how="inner", on=list(table.columns))
    assert len(merged) == 0  # no synthetic row is a real row


def test_per_column_weights_and_fit_resample_narrow_too(table):
    columns = ["invest", "value", "year"]
    narrowest = max(EpBeta().epsilon_) / 2 ** (N_RUNGS - 1)
    span = table[columns].max() - table[columns].min()
    per_column = StructurePreservingMixup(clip="narrow", shared_weights=False, random_state=0)
    synthetic = per_column.fit(table).sample(100_000)
    value = synthetic["invest"].to_numpy(dtype=float)
    assert abs(value.var() - population_variance(table["invest"])) < Z * variance_se(value)
    beyond = np.maximum(table[columns].min() - synthetic[columns], synthetic[columns] - table[columns].max())
    assert (beyond <= narrowest * span + GRID_STEP + 1e-9).all().all()
    X, y = table[columns], table["group"]
    X_res, _ = StructurePreservingMixup(clip="narrow", random_state=0).fit_resample(X, y)
    new = X_res.iloc[len(X) :]
    # The range is the whole table's, as for clip="observed".
    assert (np.maximum(X.min() - new, new - X.max()) <= narrowest * span + GRID_STEP + 1e-9).all().all()


@pytest.mark.parametrize(
    "law", [Uniform(), Beta(0.1, 0.1), EpBeta(delta=0)], ids=["uniform", "beta", "delta=0"]
)
def test_laws_that_stay_between_their_parents_are_not_narrowed(table, law):
    narrowed = StructurePreservingMixup(weights=law, clip="narrow", random_state=5).fit(table)
    free = StructurePreservingMixup(weights=law, random_state=5).fit(table)
    assert narrowed._narrowed is None
    pd.testing.assert_frame_equal(narrowed.sample(500), free.sample(500))


def test_a_law_with_no_narrower_versions_is_refused_by_name(table):
    with pytest.raises(ValueError, match=r"'clip' parameter 'narrow'.*CircleWeights"):
        StructurePreservingMixup(weights=CircleWeights(), clip="narrow").fit(table)
