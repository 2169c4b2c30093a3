"""Exact pairing over partitions (SPEC §7), on row indices: the law of the pairs, without dask.

The pairing is simulated end to end as the tasks run it (the client's
layout, the replacement requests, each input partition's picked rows, each
output partition's plan) on partitions of known rows; the pairs it gives
must be uniform over ordered pairs of distinct rows of a stratum (or over
all pairs with ``distinct=False``), which a pairing within partitions is not.
"""

import numpy as np
import pytest
from scipy import stats

from skmixup.dask import _pairing

P_VALUE = 1e-4  # a fixed seed: the law passes far above it, the wrong one fails far below


def simulate(labels_by_partition, n_strata, seed, n_outputs, **layout_options):
    """The global rows (their position in the concatenated table) of every synthetic row's parents."""
    sizes = np.array([[np.sum(labels == g) for labels in labels_by_partition] for g in range(n_strata)])
    layout = _pairing.draw_layout(seed, sizes, n_outputs, **layout_options)
    plans = [(o, _pairing.plan_output(layout.for_output(o), o)) for o in range(n_outputs)]
    requests = _pairing.partition_requests(plans, len(labels_by_partition))
    lengths = np.array([len(labels) for labels in labels_by_partition])
    starts = np.cumsum(lengths) - lengths
    tables = [{} for _ in range(n_outputs)]
    for p, labels in enumerate(labels_by_partition):
        rows_of = _pairing.stratum_rows(labels if n_strata > 1 else None, len(labels), n_strata)
        for o, rows, keys in _pairing.picked_rows(layout.for_partition(p), seed, p, rows_of, requests[p]):
            for row, key in zip(rows, keys, strict=True):
                assert key not in tables[o]  # every key is sent once
                tables[o][key] = starts[p] + row
    parents, strata = [], []
    for o, plan in plans:
        received = np.array([tables[o][key] for key in range(len(tables[o]))])  # keys are 0 .. n - 1
        parents.append(received[plan.parents])
        strata.append(plan.strata)
    return np.concatenate(parents), np.concatenate(strata), layout


def pair_counts(pairs, n_rows):
    cells = np.zeros((n_rows, n_rows))
    np.add.at(cells, (pairs[:, 0], pairs[:, 1]), 1)
    return cells


def within_partitions(sizes, n_samples, rng):
    """The wrong pairing: the first parent uniform, the second among the other rows of its partition."""
    starts = np.cumsum(sizes) - sizes
    first = rng.randint(sum(sizes), size=n_samples)
    partition = np.searchsorted(np.cumsum(sizes), first, side="right")
    offset = (first - starts[partition] + 1 + rng.randint(sizes[partition] - 1)) % sizes[partition]
    return np.column_stack([first, starts[partition] + offset])


SIZES = [3, 4, 5]  # uneven partitions of a 12-row table


def test_distinct_pairs_are_uniform_over_ordered_pairs_of_distinct_rows():
    n = sum(SIZES)
    off_diagonal = ~np.eye(n, dtype=bool)
    pairs, _, _ = simulate([np.zeros(s, int) for s in SIZES], 1, 1, 3, n_samples=n * (n - 1) * 100)
    cells = pair_counts(pairs, n)
    assert np.trace(cells) == 0
    assert stats.chisquare(cells[off_diagonal]).pvalue > P_VALUE
    # The same test rejects pairs drawn within partitions.
    wrong = pair_counts(within_partitions(np.array(SIZES), len(pairs), np.random.RandomState(0)), n)
    assert stats.chisquare(wrong[off_diagonal]).pvalue < 1e-10


def test_independent_pairs_are_uniform_over_all_pairs():
    n = sum(SIZES)
    pairs, _, _ = simulate([np.zeros(s, int) for s in SIZES], 1, 2, 3, n_samples=n * n * 100, distinct=False)
    cells = pair_counts(pairs, n)
    assert stats.chisquare(cells.ravel()).pvalue > P_VALUE
    assert np.trace(cells) > 0  # a row may be paired with itself


def test_pairs_are_uniform_within_each_stratum():
    labels = [np.array([0, 1, 1]), np.array([1, 0, 0, 1]), np.array([0, 0, 1, 1, 1])]
    everything = np.concatenate(labels)
    pairs, strata, _ = simulate(labels, 2, 3, 4, n_samples=60_000)
    assert (everything[pairs[:, 0]] == strata).all() and (everything[pairs[:, 1]] == strata).all()
    shares = np.bincount(everything) / len(everything)
    assert np.abs(np.bincount(strata) / len(strata) - shares).max() < 5 * np.sqrt(0.25 / len(strata))
    cells = pair_counts(pairs, len(everything))
    for g in range(2):
        rows = np.flatnonzero(everything == g)
        within = cells[np.ix_(rows, rows)]
        assert np.trace(within) == 0
        assert stats.chisquare(within[~np.eye(len(rows), dtype=bool)]).pvalue > P_VALUE


def test_three_parents_are_uniform_over_ordered_triples_of_distinct_rows():
    triples, _, _ = simulate([np.zeros(2, int), np.zeros(3, int)], 1, 4, 2, n_samples=60 * 400, n_parents=3)
    assert (triples[:, 0] != triples[:, 1]).all() and (triples[:, 0] != triples[:, 2]).all()
    assert (triples[:, 1] != triples[:, 2]).all()
    counts = np.bincount(triples @ np.array([25, 5, 1]), minlength=125)
    assert (counts > 0).sum() == 5 * 4 * 3
    assert stats.chisquare(counts[counts > 0]).pvalue > P_VALUE


def test_strata_with_fewer_rows_than_parents_repeat_them_as_in_memory():
    pairs, strata, _ = simulate([np.array([0, 1, 1]), np.array([1])], 2, 5, 2, n_samples=400)
    assert (pairs[strata == 0, 0] == pairs[strata == 0, 1]).all()  # the single row of class 0
    assert (pairs[strata == 1, 0] != pairs[strata == 1, 1]).all()


def test_exact_stratum_totals_in_order_or_at_random():
    labels = [np.array([0, 1, 1]), np.array([1, 0, 0, 1]), np.array([0, 0, 1, 1, 1])]
    _, strata, layout = simulate(labels, 2, 6, 3, stratum_totals=np.array([7, 4]), ordered=True)
    assert strata.tolist() == [0] * 7 + [1] * 4  # stratum order, as fit_resample returns them
    assert layout.output_rows.tolist() == [4, 4, 3]
    _, strata, layout = simulate(labels, 2, 7, 3, stratum_totals=np.array([7, 4]))
    assert np.bincount(strata).tolist() == [7, 4] and strata.tolist() != sorted(strata.tolist())


def test_the_layout_counts_add_up_and_are_reproducible():
    sizes = np.array([[30, 0, 10], [5, 25, 30]])
    layout = _pairing.draw_layout(11, sizes, 6, n_samples=1000, n_parents=3)
    assert (
        layout.strata.sum() == 1000 and layout.output_rows.tolist() == _pairing.split_rows(1000, 6).tolist()
    )
    for k in range(3):
        np.testing.assert_array_equal(layout.counts[k].sum(axis=2), layout.strata)
    assert not layout.counts[:, :, 0, 1].any()  # stratum 0 has no row in partition 1
    again = _pairing.draw_layout(11, sizes, 6, n_samples=1000, n_parents=3)
    np.testing.assert_array_equal(again.counts, layout.counts)
    first = _pairing.plan_output(layout.for_output(2), 2)
    second = _pairing.plan_output(again, 2)  # the whole layout or the output's view: the same plan
    np.testing.assert_array_equal(first.parents, second.parents)
    np.testing.assert_array_equal(first.strata, second.strata)


@pytest.mark.parametrize("n_outputs", [1, 5])
def test_first_parents_per_partition_are_multinomial(n_outputs):
    # Over many layouts, partition p gives each synthetic row's first parent with probability n_p / N.
    sizes = np.array([[2, 8, 30]])
    totals = np.zeros(3)
    draws = 2000
    for seed in range(draws):
        totals += _pairing.draw_layout(seed, sizes, n_outputs, n_samples=10).counts[0].sum(axis=(0, 1))
    expected = 10 * draws * sizes[0] / sizes.sum()
    assert stats.chisquare(totals, expected).pvalue > P_VALUE
