"""The mixing kernel against a direct, row-by-row reading of its definition."""

import numpy as np
import pytest

from skmixup import _kernel
from skmixup._kernel import draw_pairs, mix


def reference_mix(continuous, categorical, first, second, weights, keep_cont, keep_cat):
    """The definition, one synthetic row and one column at a time."""
    m = len(first)
    mixed = np.empty((m, continuous.shape[1]))
    codes = np.empty((m, categorical.shape[1]), dtype=np.int64)
    for r in range(m):
        for c in range(continuous.shape[1]):
            w = weights[r] if weights.ndim == 1 else weights[r, c]
            k = keep_cont[r] if keep_cont.ndim == 1 else keep_cont[r, c]
            a, b = continuous[first[r], c], continuous[second[r], c]
            kept, other = (a, b) if k else (b, a)
            mixed[r, c] = np.nan if np.isnan(kept) else kept if np.isnan(other) else w * a + (1 - w) * b
        for c in range(categorical.shape[1]):
            k = keep_cat[r] if keep_cat.ndim == 1 else keep_cat[r, c]
            codes[r, c] = categorical[first[r], c] if k else categorical[second[r], c]
    return mixed, codes


@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("shared", [True, False])
def test_mix_matches_the_definition_across_blocks(monkeypatch, shared, order):
    monkeypatch.setattr(_kernel, "_BLOCK_BYTES", 8 * 3 * 1024)  # blocks of 1024 rows
    rng = np.random.RandomState(0)
    continuous = rng.normal(size=(50, 3))
    continuous[rng.rand(50, 3) < 0.2] = np.nan
    categorical = rng.randint(-1, 4, size=(50, 2))
    m = 2500  # three blocks, the last one partial
    first, second = rng.randint(50, size=m), rng.randint(50, size=m)
    shape_cont, shape_cat = ((m,), (m,)) if shared else ((m, 3), (m, 2))
    weights = rng.uniform(-0.3, 1.3, size=shape_cont)
    keep_cont = rng.rand(*shape_cont) < 0.5
    keep_cat = keep_cont if shared else rng.rand(*shape_cat) < 0.5
    got = mix(continuous, categorical, first, second, weights, keep_cont, keep_cat, order=order)
    assert got[0].flags[f"{order}_CONTIGUOUS"] and got[1].flags[f"{order}_CONTIGUOUS"]
    expected = reference_mix(continuous, categorical, first, second, weights, keep_cont, keep_cat)
    np.testing.assert_allclose(got[0], expected[0], rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(got[1], expected[1])


@pytest.mark.parametrize("order", ["C", "F"])
def test_mix_writes_into_the_given_outputs(order):
    rng = np.random.RandomState(0)
    continuous, categorical = rng.normal(size=(40, 3)), rng.randint(0, 4, size=(40, 2))
    first, second = rng.randint(40, size=700), rng.randint(40, size=700)
    weights = rng.uniform(-0.3, 1.3, size=700)
    keep = weights >= 0.5
    table = np.zeros((900, 3), order=order)  # the new rows go after 200 others, as in fit_resample
    codes = np.zeros((700, 2), dtype=np.int64, order=order)
    got = mix(continuous, categorical, first, second, weights, keep, keep, out=(table[200:], codes))
    assert np.shares_memory(got[0], table) and got[1] is codes
    expected = reference_mix(continuous, categorical, first, second, weights, keep, keep)
    np.testing.assert_allclose(table[200:], expected[0], rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(codes, expected[1])
    assert not table[:200].any()


def test_no_pairs_from_empty_strata():
    rng = np.random.RandomState(0)
    empty = np.empty(0, dtype=np.int64)
    first, second = draw_pairs(0, 0, rng, empty, empty)
    assert first.shape == second.shape == (0,)


def test_pairs_stay_within_their_stratum():
    rng = np.random.RandomState(0)
    groups = rng.randint(0, 4, size=200)
    first, second = draw_pairs(10_000, 200, rng, groups)
    np.testing.assert_array_equal(groups[first], groups[second])
    assigned = np.repeat([3, 1], 5000)
    first, second = draw_pairs(10_000, 200, rng, groups, assigned)
    np.testing.assert_array_equal(groups[first], assigned)
    np.testing.assert_array_equal(groups[second], assigned)


def test_pairs_are_uniform_over_the_rows():
    rng = np.random.RandomState(1)
    groups = np.array([0] * 30 + [1] * 10)
    first, second = draw_pairs(400_000, 40, rng, groups, np.ones(400_000, dtype=np.int64))
    expected = 400_000 / 10
    for parent in (first, second):
        counts = np.bincount(parent, minlength=40)[30:]
        assert counts.sum() == 400_000
        assert np.abs(counts - expected).max() < 5 * np.sqrt(expected)  # binomial tolerance
