"""The mixing kernel against a direct, row-by-row reading of its definition."""

import numpy as np
import pytest
from scipy import stats

from skmixup import _kernel
from skmixup._kernel import draw_parents, holds_huge_values, kept_records, mix, mix_per_column


def reference_mix(continuous, categorical, parents, weights, kept, discrete=None):
    """The definition, one synthetic row and one column at a time."""
    m = len(parents)
    discrete = np.zeros(continuous.shape[1], dtype=bool) if discrete is None else discrete
    mixed = np.empty((m, continuous.shape[1]))
    codes = np.empty((m, categorical.shape[1]), dtype=np.int64)
    for r in range(m):
        keeper = parents[r, kept[r]]
        for c in range(continuous.shape[1]):
            values = continuous[parents[r], c]
            kept_value = continuous[keeper, c]
            if discrete[c] or np.isnan(values).any():
                mixed[r, c] = kept_value  # NaN iff the kept parent's value is missing
            else:
                mixed[r, c] = float(np.dot(weights[r], values))
        for c in range(categorical.shape[1]):
            codes[r, c] = categorical[keeper, c]
    return mixed, codes


def reference_per_column(continuous, categorical, first, second, weights, keep_cont, keep_cat):
    m = len(first)
    mixed = np.empty((m, continuous.shape[1]))
    codes = np.empty((m, categorical.shape[1]), dtype=np.int64)
    for r in range(m):
        for c in range(continuous.shape[1]):
            w, k = weights[r, c], keep_cont[r, c]
            a, b = continuous[first[r], c], continuous[second[r], c]
            kept, other = (a, b) if k else (b, a)
            mixed[r, c] = np.nan if np.isnan(kept) else kept if np.isnan(other) else w * a + (1 - w) * b
        for c in range(categorical.shape[1]):
            codes[r, c] = categorical[first[r], c] if keep_cat[r, c] else categorical[second[r], c]
    return mixed, codes


def random_draws(rng, m, n_rows, n_parents):
    parents = rng.randint(n_rows, size=(m, n_parents))
    weights = rng.uniform(-0.3, 1.3, size=(m, n_parents))
    weights[:, -1] = 1.0 - weights[:, :-1].sum(axis=1)
    return parents, weights, rng.randint(n_parents, size=m)


@pytest.mark.parametrize("tile_bytes", [1 << 17, 8 * 3 * 100])  # the F output written in 1 or 11 tiles
@pytest.mark.parametrize("n_jobs", [1, 2])
@pytest.mark.parametrize("n_parents", [2, 3])
@pytest.mark.parametrize("order", ["C", "F"])
def test_mix_matches_the_definition_across_blocks(monkeypatch, order, n_parents, n_jobs, tile_bytes):
    monkeypatch.setattr(_kernel, "_BLOCK_BYTES", 8 * 3 * 1024)  # blocks of 1024 rows
    monkeypatch.setattr(_kernel, "_TILE_BYTES", tile_bytes)  # of 100 rows: the last one partial
    rng = np.random.RandomState(0)
    continuous = rng.normal(size=(50, 3))
    continuous[rng.rand(50, 3) < 0.2] = np.nan
    categorical = rng.randint(-1, 4, size=(50, 2))
    parents, weights, kept = random_draws(rng, 2500, 50, n_parents)  # three blocks, the last partial
    discrete = np.array([False, True, False])
    got = mix(continuous, categorical, parents, weights, kept, discrete=discrete, order=order, n_jobs=n_jobs)
    assert got[0].flags[f"{order}_CONTIGUOUS"] and got[1].flags[f"{order}_CONTIGUOUS"]
    expected = reference_mix(continuous, categorical, parents, weights, kept, discrete)
    np.testing.assert_allclose(got[0], expected[0], rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(got[1], expected[1])


def test_mix_per_column_matches_the_definition():
    rng = np.random.RandomState(3)
    continuous = rng.normal(size=(40, 3))
    continuous[rng.rand(40, 3) < 0.2] = np.nan
    categorical = rng.randint(-1, 4, size=(40, 2))
    m = 600
    first, second = rng.randint(40, size=m), rng.randint(40, size=m)
    weights = rng.uniform(-0.3, 1.3, size=(m, 3))
    keep_cont, keep_cat = rng.rand(m, 3) < 0.5, rng.rand(m, 2) < 0.5
    got = mix_per_column(continuous, categorical, first, second, weights, keep_cont, keep_cat)
    expected = reference_per_column(continuous, categorical, first, second, weights, keep_cont, keep_cat)
    np.testing.assert_allclose(got[0], expected[0], rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(got[1], expected[1])


@pytest.mark.parametrize("order", ["C", "F"])
def test_mix_writes_into_the_given_outputs(order):
    rng = np.random.RandomState(0)
    continuous, categorical = rng.normal(size=(40, 3)), rng.randint(0, 4, size=(40, 2))
    parents, weights, kept = random_draws(rng, 700, 40, 2)
    table = np.zeros((900, 3), order=order)  # the new rows go after 200 others, as in fit_resample
    codes = np.zeros((700, 2), dtype=np.int64, order=order)
    got = mix(continuous, categorical, parents, weights, kept, out=(table[200:], codes))
    assert np.shares_memory(got[0], table) and got[1] is codes
    expected = reference_mix(continuous, categorical, parents, weights, kept)
    np.testing.assert_allclose(table[200:], expected[0], rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(codes, expected[1])
    assert not table[:200].any()


def test_the_output_is_the_same_for_every_number_of_threads(monkeypatch):
    monkeypatch.setattr(_kernel, "_BLOCK_BYTES", 8 * 4 * 512)
    rng = np.random.RandomState(5)
    continuous, categorical = rng.normal(size=(300, 4)), rng.randint(0, 5, size=(300, 3)).astype(np.int8)
    parents, weights, kept = random_draws(rng, 20_000, 300, 3)
    one = mix(continuous, categorical, parents, weights, kept, order="F", n_jobs=1)
    two = mix(continuous, categorical, parents, weights, kept, order="F", n_jobs=2)
    np.testing.assert_array_equal(one[0], two[0])
    np.testing.assert_array_equal(one[1], two[1])


def test_a_weight_of_one_gives_the_parent_bit_for_bit():
    values = np.array([[0.1, 1e-300, -3.0e300, 2.0**60 + 4096.0], [7.3, -5e-324, 1.0, np.pi]])
    parents = np.array([[0, 1], [1, 0], [0, 1]])
    weights = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    kept = np.array([0, 0, 1])
    mixed, _ = mix(values, np.empty((2, 0), dtype=np.int8), parents, weights, kept)
    np.testing.assert_array_equal(mixed.view(np.uint64), values[[0, 1, 1]].view(np.uint64))


@pytest.mark.parametrize("layout", ["C", "F", "strided"])
def test_huge_values_are_found_in_any_block_and_layout(monkeypatch, layout):
    monkeypatch.setattr(_kernel, "_SCAN_VALUES", 8)  # many blocks, and a short last one
    huge = np.finfo(np.float64).max / 15
    rng = np.random.default_rng(0)

    def laid_out(values):
        if layout == "C":
            return values
        return np.asfortranarray(values) if layout == "F" else np.repeat(values, 2, axis=1)[:, ::2]

    for position in [(0, 0), (12, 2), (24, 4), (5, 3)]:
        for sign in (1.0, -1.0):
            values = rng.normal(size=(25, 5))
            values[rng.random(values.shape) < 0.3] = np.nan
            values[:8] = np.nan  # a block of NaN alone is not huge
            values[position] = sign * huge
            assert holds_huge_values(laid_out(values))
            values[position] = sign * huge / 2  # 1/30 of the range: not huge
            assert not holds_huge_values(laid_out(values))
    assert not holds_huge_values(np.full((3, 2), np.nan))
    assert not holds_huge_values(np.empty((0, 4)))


def test_near_the_float_limits_finite_parents_give_finite_values():
    largest = np.finfo(np.float64).max
    values = np.array([[largest, -largest], [-largest, largest], [largest * 0.9, 1.0]])
    parents = np.array([[0, 1], [0, 1], [0, 2], [2, 0]])
    weights = np.array([[0.5, 0.5], [1.3, -0.3], [0.25, 0.75], [-0.3, 1.3]])
    kept = np.zeros(4, dtype=np.intp)
    for huge_values in (None, True, False):
        mixed, _ = mix(
            values, np.empty((3, 0), dtype=np.int8), parents, weights, kept, huge_values=huge_values
        )
        assert np.isfinite(mixed).all()
    exact = [
        [0.0, 0.0],  # (max - max) / 2, without overflowing on the way
        [largest, -largest],  # 1.3 max + 0.3 max is beyond float64: clipped to it
        [0.25 * largest + 0.75 * 0.9 * largest, 0.25 * (-largest) + 0.75 * 1.0],
    ]
    np.testing.assert_allclose(mixed[:3], exact, rtol=1e-12)


def test_watching_a_column_flags_rows_whose_value_is_a_parents():
    continuous = np.array([[1.0, 5.0], [1.0, 6.0], [2.0, 7.0], [np.nan, 8.0]])
    parents = np.array([[0, 1], [0, 2], [1, 1], [2, 0], [2, 0], [3, 3]])
    # a weight of 1 - 1e-17 rounds the mix onto the first parent
    weights = np.array([[0.5, 0.5], [0.5, 0.5], [0.5, 0.5], [0.5, 0.5], [1 - 1e-17, 1e-17], [0.5, 0.5]])
    same = np.empty(6, dtype=bool)
    codes = np.empty((4, 0), dtype=np.int8)
    mix(continuous, codes, parents, weights, np.zeros(6, np.intp), watch=(0, same))
    assert same.tolist() == [True, False, True, False, True, True]


@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("with_missing", [False, True])
@pytest.mark.parametrize("n_parents", [2, 3])
def test_watched_rows_are_those_whose_value_is_a_parents_in_every_layout(
    order, with_missing, n_parents, monkeypatch
):
    """The flags against their definition, over many blocks, with discrete columns beside."""
    monkeypatch.setattr(_kernel, "_BLOCK_BYTES", 1 << 14)  # blocks of 512 rows
    rng = np.random.default_rng(n_parents)
    continuous = rng.normal(size=(300, 4))
    continuous[:, 1] = rng.integers(0, 3, 300)  # shared values: many rows equal a parent
    continuous[:, 3] = rng.integers(0, 5, 300)
    if with_missing:
        continuous[rng.random(300) < 0.1, 1] = np.nan
    categorical = rng.integers(0, 3, size=(300, 1)).astype(np.int8)
    m = 40_000  # several blocks
    parents = np.stack([rng.permutation(300)[:n_parents] for _ in range(m)])
    weights = rng.dirichlet(np.ones(n_parents), m)
    weights[: m // 10] = np.eye(n_parents)[0]  # weights of one and zero: copies of the first parent
    kept = rng.integers(0, n_parents, m)
    flags = np.empty(m, dtype=bool)
    discrete = np.array([False, False, False, True])
    records = kept_records(categorical, continuous[:, discrete])
    mixed, _ = mix(
        continuous, categorical, parents, weights, kept, discrete=discrete, order=order,
        watch=(1, flags), kept_values=records,
    )  # fmt: skip
    watched = mixed[:, 1]
    expected = np.isnan(watched) | (watched[:, None] == continuous[parents, 1]).any(axis=1)
    np.testing.assert_array_equal(flags, expected)
    assert 0.1 < flags.mean() < 1  # not vacuous: equal values and copies are both drawn


def test_no_parents_from_empty_strata():
    rng = np.random.RandomState(0)
    empty = np.empty(0, dtype=np.int64)
    assert draw_parents(0, 0, rng, empty, empty).shape == (0, 2)


@pytest.mark.parametrize("n_parents", [2, 3])
@pytest.mark.parametrize("rng", [np.random.RandomState(0), np.random.default_rng(0)])
def test_parents_stay_within_their_stratum_and_are_distinct(rng, n_parents):
    groups = np.random.RandomState(1).randint(0, 4, size=200)
    parents = draw_parents(10_000, 200, rng, groups, n_parents=n_parents)
    for j in range(1, n_parents):
        np.testing.assert_array_equal(groups[parents[:, 0]], groups[parents[:, j]])
    assert all(len(set(row)) == n_parents for row in parents.tolist())
    assigned = np.repeat([3, 1], 5000)
    parents = draw_parents(10_000, 200, rng, groups, assigned, n_parents=n_parents)
    for j in range(n_parents):
        np.testing.assert_array_equal(groups[parents[:, j]], assigned)


def test_a_stratum_smaller_than_the_parents_repeats_its_rows():
    groups = np.array([0, 1, 1, 2, 2, 2])
    parents = draw_parents(3000, 6, np.random.RandomState(2), groups, np.repeat([0, 1, 2], 1000), n_parents=3)
    assert (parents[:1000] == 0).all()  # a one-row stratum: copies
    assert set(np.unique(parents[1000:2000])) == {1, 2}
    assert all(len(set(row)) == 3 for row in parents[2000:].tolist())


def test_every_parent_is_uniform_over_the_rows():
    rng = np.random.RandomState(1)
    groups = np.array([0] * 30 + [1] * 10)
    parents = draw_parents(400_000, 40, rng, groups, np.ones(400_000, dtype=np.int64), n_parents=3)
    expected = 400_000 / 10
    for j in range(3):
        counts = np.bincount(parents[:, j], minlength=40)[30:]
        assert counts.sum() == 400_000
        assert np.abs(counts - expected).max() < 5 * np.sqrt(expected)  # binomial tolerance


@pytest.mark.parametrize("distinct", [True, False])
def test_pairs_are_uniform_over_ordered_pairs(distinct):
    # Chi-square over the n(n - 1) ordered pairs (distinct) or the n² pairs (independent).
    n, m = 12, 300_000
    parents = draw_parents(m, n, np.random.RandomState(4), distinct=distinct)
    counts = np.bincount(parents[:, 0] * n + parents[:, 1], minlength=n * n).reshape(n, n)
    diagonal = np.trace(counts)
    if distinct:
        assert diagonal == 0
        observed = counts[~np.eye(n, dtype=bool)]
    else:
        assert diagonal > 0
        observed = counts.ravel()
    assert stats.chisquare(observed).pvalue > 1e-4
    if distinct:  # and the independent law, which puts n pairs on the diagonal, is rejected
        assert stats.chisquare(counts.ravel()).pvalue < 1e-10


@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize(
    ("n_codes", "codes_dtype", "itemsize"),
    [(0, np.int8, 16), (2, np.int8, 32), (3, np.int16, 32), (40, np.int8, 56)],
)
@pytest.mark.parametrize("with_missing", [False, True])
@pytest.mark.parametrize("discrete_columns", [[2, 5], [2, 3]], ids=["spread", "adjacent"])
def test_discrete_columns_gathered_into_contiguous_columns_are_the_kept_parents(
    with_missing, discrete_columns, n_codes, codes_dtype, itemsize, order, monkeypatch
):
    """With ``kept_values`` the codes, and into an output of contiguous columns the discrete
    columns, are gathered straight into it; the result is the same, bit for bit, as picking
    them per block."""
    monkeypatch.setattr(_kernel, "_BLOCK_BYTES", 1 << 12)  # blocks of 256 rows: a dozen of them
    rng = np.random.default_rng(11)
    continuous = rng.normal(size=(500, 6))
    continuous[:, 2] = np.round(continuous[:, 2] * 10)
    continuous[:, 5] = -0.0
    if with_missing:
        continuous[rng.random((500, 6)) < 0.1] = np.nan
    categorical = rng.integers(-1, 300 if codes_dtype == np.int16 else 3, size=(500, n_codes)).astype(
        codes_dtype
    )
    parents = rng.integers(0, 500, size=(3000, 2))
    w = rng.uniform(-0.3, 1.3, 3000)
    weights, kept = np.column_stack([w, 1 - w]), np.where(w >= 0.5, 0, 1)
    discrete = np.isin(np.arange(6), discrete_columns)
    records = kept_records(categorical, [continuous[:, k] for k in discrete_columns])
    assert records.dtype.itemsize == itemsize  # 16 and 32 bytes: one load each; 56: memmove
    picked, codes = mix(continuous, categorical, parents, weights, kept, discrete=discrete, order=order)
    gathered, gathered_codes = mix(
        continuous, categorical, parents, weights, kept, discrete=discrete, order=order, kept_values=records
    )
    assert gathered.flags[f"{order}_CONTIGUOUS"] and gathered_codes.dtype == codes_dtype
    np.testing.assert_array_equal(gathered.view(np.int64), picked.view(np.int64))  # -0.0 and NaN bits too
    np.testing.assert_array_equal(gathered_codes, codes)
    kept_rows = parents[np.arange(3000), kept]
    np.testing.assert_array_equal(gathered[:, discrete], continuous[kept_rows][:, discrete])
    np.testing.assert_array_equal(gathered_codes, categorical[kept_rows])
    with pytest.raises(ValueError, match="kept_values holds 10 records"):  # another table's records
        mix(
            continuous,
            categorical,
            parents,
            weights,
            kept,
            kept_values=kept_records(categorical[:10], [np.ones(10)]),
        )


@pytest.mark.parametrize("n_threads", [1, 2, 8])
def test_run_in_threads_calls_every_item_once_and_raises_what_a_call_raises(n_threads):
    import threading

    from skmixup._threads import run_in_threads

    calls, threads = np.zeros(50, dtype=int), set()

    def count(k):
        calls[k] += 1
        threads.add(threading.get_ident())

    run_in_threads(count, range(50), n_threads)
    assert calls.tolist() == [1] * 50
    assert (threading.get_ident() in threads) == (n_threads == 1)  # one thread: no pool

    def fail(k):
        if k == 7:
            raise ValueError("item 7")

    with pytest.raises(ValueError, match="item 7"):
        run_in_threads(fail, range(20), n_threads)
