"""privacy_report against a brute-force computation of its documented definitions."""

import numpy as np
import pandas as pd
import pytest

from skmixup import StructurePreservingMixup
from skmixup.diagnostics import PrivacyReport, _search, privacy_report


def _mixed(n, seed, categories=("a", "b", "c")):
    rng = np.random.RandomState(seed)
    x = rng.normal(size=n)
    frame = pd.DataFrame(
        {
            "x": np.where(rng.rand(n) < 0.2, np.nan, x),
            "y": 10 * x + rng.normal(size=n),
            "n": rng.randint(0, 4, size=n),
            "c": pd.Series(rng.choice(list(categories), size=n), dtype=object).mask(rng.rand(n) < 0.15),
            "b": rng.rand(n) < 0.5,
        }
    )
    return frame


@pytest.fixture(params=["scikit-learn", "screened"])
def search(request, monkeypatch):
    """Both searches: scikit-learn's, or the float32 screening forced on small tables, in tiles
    of a few rows (narrower last tiles, several per cell)."""
    if request.param == "screened":
        _force_screening(monkeypatch)
    return request.param


def _force_screening(monkeypatch):
    monkeypatch.setattr(_search, "_SCREEN_MIN_PAIRS", 0)
    monkeypatch.setattr(_search, "_TREE_MAX_DIMENSIONS", 0)
    monkeypatch.setattr(_search, "_QUERY_ROWS", 7)
    monkeypatch.setattr(_search, "_REFERENCE_ROWS", 5)
    monkeypatch.setattr(_search, "_PROBE_ROWS", 16)  # the rest screened after the first queries


@pytest.fixture
def tables():
    real = _mixed(40, 0)
    real.iloc[5] = real.iloc[4]  # a duplicated real record
    real.iloc[7] = real.iloc[4]
    synthetic = _mixed(30, 1)
    synthetic.iloc[[2, 11]] = real.iloc[[4, 9]].to_numpy()  # exact copies (one of the duplicate)
    holdout = _mixed(25, 2, categories=("a", "b", "z"))  # "z" is not a real category
    holdout.iloc[3] = real.iloc[9]  # a holdout row equal to a real row
    synthetic.iloc[20] = holdout.iloc[0].to_numpy()  # a synthetic row equal to a holdout row
    return real, synthetic, holdout


CONTINUOUS, CATEGORICAL = ["x", "y", "n"], ["c", "b"]


def _brute_distance(s: pd.Series, r: pd.Series, real: pd.DataFrame) -> float:
    """The documented mixed distance, column by column."""
    total = 0.0
    for name in CONTINUOUS:
        mean, std = real[name].mean(), real[name].std(ddof=1)
        a, b = s[name], r[name]
        if pd.isna(a) and pd.isna(b):
            continue
        if pd.isna(a) or pd.isna(b):
            present = b if pd.isna(a) else a
            total += ((present - mean) / std) ** 2 + 1
        else:
            total += ((a - b) / std) ** 2
    for name in CATEGORICAL:
        a, b = s[name], r[name]
        same = (pd.isna(a) and pd.isna(b)) or (not pd.isna(a) and not pd.isna(b) and a == b)
        total += 0.0 if same else 1.0
    return float(np.sqrt(total))


def _brute(queries: pd.DataFrame, reference: pd.DataFrame, real: pd.DataFrame) -> np.ndarray:
    return np.array(
        [[_brute_distance(q, r, real) for _, r in reference.iterrows()] for _, q in queries.iterrows()]
    )


def _equal_rows(a: pd.DataFrame, b: pd.DataFrame) -> np.ndarray:
    """(len(a), len(b)): every column equal, missing equal to missing."""
    result = np.ones((len(a), len(b)), dtype=bool)
    for name in a.columns:
        x, y = a[name].to_numpy(dtype=object), b[name].to_numpy(dtype=object)
        missing_x, missing_y = pd.isna(a[name]).to_numpy(), pd.isna(b[name]).to_numpy()
        equal = np.array([[u == v for v in y] for u in x], dtype=bool)
        result &= np.where(
            missing_x[:, None] | missing_y[None, :], missing_x[:, None] & missing_y[None, :], equal
        )
    return result


def test_every_field_matches_brute_force(tables, search):
    real, synthetic, holdout = tables
    report = privacy_report(real, synthetic, holdout)
    assert isinstance(report, PrivacyReport)
    to_real = _brute(synthetic, real, real)
    ordered = np.sort(to_real, axis=1)
    rows = report.synthetic
    np.testing.assert_allclose(rows["dcr"], ordered[:, 0], rtol=1e-12, atol=1e-12)
    # the reported nearest record is at that distance (ties make the position ambiguous)
    np.testing.assert_allclose(to_real[np.arange(len(synthetic)), rows["nearest_real"]], ordered[:, 0])
    with np.errstate(invalid="ignore"):
        nndr = np.where(ordered[:, 1] > 0, ordered[:, 0] / ordered[:, 1], 0.0)
    np.testing.assert_allclose(rows["nndr"], nndr, rtol=1e-12, atol=1e-12)
    copies = _equal_rows(synthetic, real).any(axis=1)
    np.testing.assert_array_equal(rows["exact_copy"], copies)
    assert report.exact_copies == copies.sum() == 2
    assert report.exact_copy_share == pytest.approx(2 / 30)
    np.testing.assert_array_equal(rows["dcr"] == 0, copies)  # a copy is exactly at distance 0
    assert rows.loc[2, "nndr"] == 0.0  # the copy of a duplicated record: 0/0 counts as 0

    to_holdout = _brute(synthetic, holdout, real).min(axis=1)
    np.testing.assert_allclose(rows["dcr_holdout"], to_holdout, rtol=1e-12, atol=1e-12)
    holdout_to_real = _brute(holdout, real, real)
    np.testing.assert_allclose(report.holdout["dcr"], holdout_to_real.min(axis=1), rtol=1e-12, atol=1e-12)
    assert report.holdout.loc[3, "dcr"] == 0.0
    closer = np.where(ordered[:, 0] < to_holdout, 1.0, np.where(ordered[:, 0] == to_holdout, 0.5, 0.0))
    assert (ordered[:, 0] == to_holdout).any(), "the fixture has a tie"  # synthetic row 11
    assert report.closer_to_real_share == pytest.approx(closer.mean())
    assert report.expected_closer_to_real_share == pytest.approx(40 / 65)
    assert report.holdout_copy_share == pytest.approx(_equal_rows(synthetic, holdout).any(axis=1).mean())
    assert report.holdout_copy_share == pytest.approx(2 / 30)  # rows 11 (holdout row 3) and 20

    summary = report.summary
    assert summary["exact copies"] == 2 and summary["synthetic rows"] == 30 and summary["holdout rows"] == 25
    assert summary["median DCR"] == pytest.approx(np.median(ordered[:, 0]))
    assert summary["5th percentile DCR"] == pytest.approx(np.percentile(ordered[:, 0], 5))
    assert summary["median holdout DCR"] == pytest.approx(np.median(holdout_to_real.min(axis=1)))
    assert summary["median NNDR"] == pytest.approx(np.median(nndr))
    assert report.scales.loc["y", "scale"] == pytest.approx(real["y"].std(ddof=1))
    assert list(report.scales["missing_axis"]) == [True, False, False]


@pytest.mark.parametrize("n_columns", [3, 12], ids=["k-d tree", "brute-force search"])
def test_distances_without_holdout(n_columns, search):
    rng = np.random.RandomState(3)
    real, synthetic = rng.normal(size=(60, n_columns)), rng.normal(size=(45, n_columns))
    synthetic[:3] = real[[10, 20, 30]]
    report = privacy_report(real, synthetic)
    scale = real.std(axis=0, ddof=1)
    distances = np.sqrt((((synthetic[:, None, :] - real[None, :, :]) / scale) ** 2).sum(-1))
    ordered = np.sort(distances, axis=1)
    np.testing.assert_allclose(report.synthetic["dcr"], ordered[:, 0], atol=1e-12)
    np.testing.assert_allclose(report.synthetic["nndr"], ordered[:, 0] / ordered[:, 1], atol=1e-12)
    np.testing.assert_array_equal(report.synthetic["nearest_real"].iloc[:3], [10, 20, 30])
    assert report.exact_copies == 3 and report.holdout is None
    assert np.isnan(report.closer_to_real_share) and np.isnan(report.holdout_copy_share)
    assert "holdout rows" not in report.summary and "dcr_holdout" not in report.synthetic


def test_a_near_copy_is_not_an_exact_copy():
    real = pd.DataFrame({"x": [0.0, 1.0, 2.0], "c": ["a", "b", "a"]})
    synthetic = pd.DataFrame({"x": [1.0 + 1e-12, -0.0, 2.0], "c": ["b", "a", "b"]})
    report = privacy_report(real, synthetic)
    np.testing.assert_array_equal(report.synthetic["exact_copy"], [False, True, False])  # -0.0 == 0.0
    assert 0 < report.synthetic.loc[0, "dcr"] < 1e-11
    assert report.synthetic.loc[2, "dcr"] == pytest.approx(1.0)  # one category differs


def test_mixup_rows_sit_closer_to_their_parents_than_new_rows():
    rng = np.random.RandomState(0)
    table = pd.DataFrame(rng.normal(size=(1000, 6)))
    real, holdout = table[:500], table[500:]
    synthetic = StructurePreservingMixup(random_state=0).fit(real).sample(500)
    report = privacy_report(real, synthetic, holdout)
    # EpBeta(0.05) puts W near 0 or 1: a synthetic row is close to one real row (0.89 measured;
    # 0.5 + 5 binomial standard errors of 0.022 is 0.61)
    assert report.closer_to_real_share > 0.5 + 5 * np.sqrt(0.25 / 500)
    assert np.median(report.synthetic["dcr"]) < 0.6 * np.median(report.holdout["dcr"])
    baseline = privacy_report(real, holdout.iloc[:250], holdout.iloc[250:])
    # new rows of the same population: n_real / (n_real + n_holdout) = 2/3 of them closer to real
    expected = baseline.expected_closer_to_real_share
    assert expected == pytest.approx(500 / 750)
    assert abs(baseline.closer_to_real_share - expected) < 5 * np.sqrt(expected * (1 - expected) / 250)


def test_one_real_row_has_no_nndr_and_inputs_are_not_modified(tables):
    real, synthetic, holdout = tables
    before = [t.copy() for t in tables]
    privacy_report(real, synthetic, holdout)
    for table, copy in zip(tables, before, strict=True):
        pd.testing.assert_frame_equal(table, copy)
    report = privacy_report(real.iloc[:1], synthetic)
    assert report.synthetic["nndr"].isna().all() and np.isnan(report.summary["median NNDR"])


def test_string_and_summary():
    real = np.arange(20.0).reshape(10, 2)
    text = str(privacy_report(real, real[:4], holdout=real[4:] + 0.5))
    assert text.startswith("Privacy report") and "exact copies                       4" in text
    assert "share closer to real than holdout" in text


def test_mismatched_columns_are_rejected(tables):
    real, synthetic, holdout = tables
    with pytest.raises(ValueError, match="c"):
        privacy_report(real, synthetic.drop(columns="c"))
    with pytest.raises(ValueError):
        privacy_report(real, synthetic, holdout.drop(columns="b"))
    with pytest.raises(ValueError, match="unexpected"):
        # new categories are accepted only in tables with the same columns
        privacy_report(real, synthetic.assign(c="new").rename(columns={"b": "B"}))


def _brute_nearest(reference, queries, k, cells=None):
    squared = ((queries[:, None, :] - reference[None, :, :]) ** 2).sum(-1)
    if cells is not None:
        squared += cells[1][:, None] != cells[0][None, :]
    distances = np.sqrt(squared)
    return np.sort(distances, axis=1)[:, :k], distances


@pytest.mark.parametrize("with_cells", [False, True], ids=["rows", "rows and cells"])
def test_search_matches_brute_force(search, with_cells, monkeypatch):
    redone = _count_searches_again(monkeypatch)
    rng = np.random.RandomState(5)
    reference, queries = rng.normal(size=(90, 12)), rng.normal(size=(60, 12))
    reference[10:14] = reference[9]  # duplicated records: ties
    queries[:5] = reference[[9, 20, 30, 40, 50]]  # copies
    queries[30] = reference[11]  # a copy of a duplicated record past the first queries too
    cells = None
    if with_cells:
        cells = (rng.randint(0, 4, size=90), rng.randint(0, 5, size=60))  # 4: a cell without rows
        cells[0][10:14] = cells[0][9]
        cells[1][:5] = cells[0][[9, 20, 30, 40, 50]]
        cells[1][30] = cells[0][11]
    for k in (1, 2, 3):
        expected, all_distances = _brute_nearest(reference, queries, k, cells)
        distances, positions = _search.nearest(reference, queries, k, cells)
        np.testing.assert_allclose(distances, expected, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(np.take_along_axis(all_distances, positions, 1), distances, rtol=1e-12)
        assert (distances[:5, 0] == 0).all() and distances[30, 0] == 0
        if k > 1:  # distinct records, the duplicates included
            assert (positions[:, 0] != positions[:, 1]).all()
    if search == "screened":  # the screening proved all but the copies of the duplicated record
        assert redone == [2, 2, 2]


def _count_searches_again(monkeypatch) -> list:
    """The number of queries of each search by scikit-learn (after a screening, when forced)."""
    redone = []
    searched = _search._searched
    monkeypatch.setattr(_search, "_searched", lambda r, q, k: redone.append(len(q)) or searched(r, q, k))
    return redone


def test_screening_proves_its_answer_or_searches_again(monkeypatch):
    _force_screening(monkeypatch)
    redone = _count_searches_again(monkeypatch)
    rng = np.random.RandomState(6)
    reference, queries = rng.normal(size=(80, 10)), rng.normal(size=(40, 10))
    _search.nearest(reference, queries, 2)
    assert redone == []  # well-separated neighbours: every answer proven by the screening
    # Far from the origin, rows 1e-3 apart (squared distances ~1e-5) are within the float32
    # product's rounding (|r|² ~ 9000: about 7e-3), not float64's (~1e-12): the screening
    # cannot order them: the first 16 queries unproven, the screening gives up and every query
    # is searched in double precision.
    far = 30 + reference * 1e-3
    expected, _ = _brute_nearest(far, far[:40] + 1e-4, 2)
    distances, _ = _search.nearest(far, far[:40] + 1e-4, 2)
    assert redone == [40]
    np.testing.assert_allclose(distances, expected, rtol=1e-9)


def test_an_outlying_row_loosens_the_bound_of_its_own_tile_only(monkeypatch):
    _force_screening(monkeypatch)
    redone = _count_searches_again(monkeypatch)
    rng = np.random.RandomState(10)
    reference, queries = rng.normal(size=(200, 12)), rng.normal(size=(100, 12))
    reference[17] *= 1000  # its float32 products may be off by ~10 in t, where neighbours are ~1 apart
    expected, _ = _brute_nearest(reference, queries, 2)
    distances, _ = _search.nearest(reference, queries, 2)
    np.testing.assert_allclose(distances, expected, rtol=1e-12)
    assert redone == []  # proven: the outlier's tile is far from every query


def test_search_is_the_same_on_any_number_of_threads(monkeypatch, search):
    rng = np.random.RandomState(7)
    reference, queries = rng.normal(size=(70, 11)), rng.normal(size=(50, 11))
    results = []
    for threads in (1, 2):
        monkeypatch.setattr(_search, "_blas_threads", lambda threads=threads: threads)
        results.append(_search.nearest(reference, queries, 2))
    for one, two in zip(*results, strict=True):
        np.testing.assert_array_equal(one, two)


def test_huge_values_are_searched_in_double_precision():
    reference = np.random.RandomState(8).normal(size=(5000, 12)) * 1e16  # beyond float32 products
    assert not _search._worth_screening(reference, reference[:4000], 2)
    assert _search._worth_screening(reference / 1e16, reference[:4000] / 1e16, 2)


@pytest.mark.parametrize("scale", [1e-3, 1.0, 1e3])
def test_the_rounding_bound_holds_and_is_not_vacuous(scale):
    rng = np.random.RandomState(9)
    reference = rng.standard_t(3, size=(400, 30)) * scale
    queries = rng.standard_t(3, size=(300, 30)) * scale
    reference[0] *= 20  # the largest row sets the bound of every product
    squared_norms = (reference**2).sum(axis=1)
    augmented = np.hstack([reference, squared_norms[:, None]]).astype(np.float32)
    block = np.hstack([-2 * queries, np.ones((300, 1))]).astype(np.float32)
    exact = squared_norms[None, :] - 2 * queries @ reference.T
    error = np.abs((block @ augmented.T).astype(np.float64) - exact)
    query_norms = (queries**2).sum(axis=1)
    bound = _search.rounding_bound(query_norms, np.sqrt(squared_norms.max()), 30)
    assert (error <= bound[:, None]).all()
    assert (error.max(axis=1) > bound / 2000).all()  # worst cases are within a few hundred of it


def test_the_search_points_keep_every_distance_in_fewer_dimensions(tables):
    from skmixup.diagnostics._encoding import encode_tables
    from skmixup.diagnostics.privacy import _Embedding

    real, synthetic, holdout = tables
    encoded = encode_tables(real, [synthetic, holdout], "auto", None, new_categories=True)
    embedding = _Embedding(encoded)
    tables_ = list(zip(encoded.continuous, encoded.codes, strict=True))
    full = [embedding.transform(c, k) for c, k in tables_]
    points = [embedding.transform(c, k, for_search=True) for c, k in tables_]
    cells = [embedding.cells(k) for _, k in tables_]
    sizes = embedding.one_hot_sizes  # c: a, b, c, z (the holdout's) and missing; b: two values
    assert sizes == [5, 2] and embedding.split == 0
    assert points[0].shape[1] == full[0].shape[1] - 5 - 1  # c left out, b's block one dimension
    for query in (1, 2):
        expected = ((full[query][:, None, :] - full[0][None, :, :]) ** 2).sum(-1)
        squared = ((points[query][:, None, :] - points[0][None, :, :]) ** 2).sum(-1)
        squared += cells[query][:, None] != cells[0][None, :]
        np.testing.assert_allclose(squared, expected, rtol=0, atol=1e-12)


@pytest.mark.parametrize("far", [False, True], ids=["spread rows", "rows float32 cannot order"])
def test_the_screening_bounds_every_row_it_leaves_out(monkeypatch, far):
    _force_screening(monkeypatch)
    rng = np.random.RandomState(11)
    reference, queries = rng.normal(size=(120, 10)), rng.normal(size=(60, 10))
    if far:  # products rounded by ~1e-2, rows ~1e-5 apart in squared distance
        reference, queries = 30 + reference * 1e-3, 30 + queries * 1e-3
    reference[7] *= 50  # an outlying row, in a tile of its own
    candidates, lower_bounds = _search._screened(reference, queries, 3)
    _, squared = _brute_nearest(reference, queries, 1)
    squared = squared**2
    left_out = np.ones(squared.shape, dtype=bool)
    np.put_along_axis(left_out, candidates, False, axis=1)
    nearest_left_out = np.where(left_out, squared, np.inf).min(axis=1)
    assert (lower_bounds <= nearest_left_out).all()
    if not far:  # and the bound is close: the rounding error of rows within a few units
        assert (nearest_left_out - lower_bounds < 1e-3).all()


def test_a_report_large_enough_to_screen_agrees_with_scikit_learn(monkeypatch):
    # 4500 x 4000 rows: past the screening's 2**24 pairs, its probe of 4096 queries, with full
    # 512 x 4096 tiles and narrower ones (30 cells of a categorical column, simplices).
    rng = np.random.RandomState(12)

    def table(n):
        x = rng.normal(size=(n, 6)) @ rng.normal(size=(6, 6))
        return pd.DataFrame(
            {
                **{f"x{k}": x[:, k] for k in range(6)},
                "income": np.exp(x[:, 0] / 3),
                "c": rng.choice([f"c{k}" for k in range(30)], size=n),
                "d": rng.choice(list("abcde"), size=n),
                "b": rng.rand(n) < 0.3,
            }
        )

    real, holdout = table(4000), table(1500)
    synthetic = StructurePreservingMixup(random_state=0).fit(real).sample(4500)
    screened_pairs = []
    screened = _search._screened
    monkeypatch.setattr(
        _search, "_screened", lambda r, q, *a: screened_pairs.append(len(r) * len(q)) or screened(r, q, *a)
    )
    report = privacy_report(real, synthetic, holdout)
    assert sum(screened_pairs) == 4000 * 4500  # only the synthetic-to-real search is large enough
    monkeypatch.setattr(_search, "_SCREEN_MIN_PAIRS", 1 << 62)
    expected = privacy_report(real, synthetic, holdout)
    for column in ("dcr", "nndr", "dcr_holdout"):
        np.testing.assert_allclose(
            report.synthetic[column], expected.synthetic[column], rtol=1e-12, atol=1e-15
        )
    np.testing.assert_allclose(report.holdout["dcr"], expected.holdout["dcr"], rtol=1e-12, atol=1e-15)
