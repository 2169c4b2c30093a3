"""Quality scores of a synthetic table, computed as sdmetrics' ``QualityReport`` computes them.

sdmetrics (0.32, the version of the ``bench`` extra) scores a synthetic table on two
*properties*, each the mean of per-column or per-pair scores in [0, 1] (1: identical):

*Column shapes* (one score per column):

- continuous columns (numbers, datetimes, timedeltas): the **KS complement**
  ``1 - D``, with ``D`` the two-sample Kolmogorov-Smirnov statistic
  (the largest gap between the two empirical CDFs) of the non-missing values,
  rounded to 14 decimals as sdmetrics rounds them;
- categorical columns (strings, categories, booleans): the **TV complement**
  ``1 - TVD``, with ``TVD = ½ Σ |p_k - q_k|`` over the shares of the categories
  among the non-missing values (missing values are left out).

*Column pair trends* (one score per pair of columns):

- two continuous columns: the **correlation similarity** ``1 - |r_real - r_synthetic| / 2``
  with Pearson's ``r`` over the rows where both are present;
- any other pair: the **contingency similarity** ``1 - TVD`` of the joint
  frequency table of the two columns, where a missing value is a category of its
  own and a continuous column is first cut into sdmetrics' bins: ``np.digitize``
  on the 11 edges of ``np.histogram_bin_edges`` (10 equal-width bins) of that
  table's own non-missing values.  Real and synthetic are binned each on its own
  range, the largest value gets a bin of its own and so do missing values (they
  share it with the largest value), exactly as sdmetrics does.

Since sdmetrics 0.32 only *meaningful* pairs count in the property: a pair of
continuous columns whose real correlation has ``|r| > real_correlation_threshold``
(0.5) and any other pair whose real Cramér's V exceeds
``real_association_threshold`` (0.3).  A pair that does not is still scored here,
but does not count (``meets_threshold`` is False); thresholds of 0 count every pair,
as sdmetrics did before.  When no pair counts, the property is ``NaN``.

The *quality score* is the mean of the two property scores (of the one that exists
when the other is ``NaN``).

Differences from sdmetrics, all below 10⁻⁵ in a score unless said: sdmetrics
computes a contingency table on a random subsample of 50,000 rows when a table is
larger (its scores then vary by about ``1 / sqrt(50000)`` from run to run); here
every row counts.  It adds a count of 10⁻⁶ to a real category that only the
synthetic table holds; here that category simply has a real share of 0.  Datetimes
are compared as offsets in their unit (sdmetrics: since the epoch), which changes
no rank or correlation, but may move a value lying exactly on a bin edge by one bin.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd
from scipy.stats.contingency import association

#: The thresholds of sdmetrics' QualityReport (sdmetrics 0.32).
REAL_CORRELATION_THRESHOLD = 0.5
REAL_ASSOCIATION_THRESHOLD = 0.3

_KS_DECIMALS = 14  # sdmetrics rounds to sys.float_info.dig - 1 decimals before the KS test
_N_BINS = 10

_SHAPE_COLUMNS = ["metric", "score"]
_PAIR_COLUMNS = [
    "metric",
    "score",
    "real_correlation",
    "synthetic_correlation",
    "real_association",
    "meets_threshold",
]


def ks_complement(real: np.ndarray, synthetic: np.ndarray) -> float:
    """``1 - D``, the complement of the two-sample Kolmogorov-Smirnov statistic.

    Missing values (``NaN``) are dropped and the values rounded to 14 decimals,
    as sdmetrics' ``KSComplement`` does; ``NaN`` if either side has no value.

    Parameters
    ----------
    real, synthetic : ndarray of float, shape (n,) and (m,)

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np
    >>> from skmixup.diagnostics.quality import ks_complement
    >>> ks_complement(np.array([1.0, 2.0, 3.0, 4.0]), np.array([3.0, 4.0, np.nan]))
    0.5
    """
    a = np.sort(np.round(real[~np.isnan(real)], _KS_DECIMALS))
    b = np.sort(np.round(synthetic[~np.isnan(synthetic)], _KS_DECIMALS))
    if not a.size or not b.size:
        return float("nan")
    pooled = np.concatenate([a, b])
    cdf_a = np.searchsorted(a, pooled, side="right") / a.size
    cdf_b = np.searchsorted(b, pooled, side="right") / b.size
    gap = cdf_a - cdf_b
    return float(1.0 - np.abs(gap).max())


def tv_complement(real: np.ndarray, synthetic: np.ndarray, n_categories: int) -> float:
    """``1 - TVD`` of the category shares among the non-missing codes.

    Parameters
    ----------
    real, synthetic : ndarray of int
        Codes ``0 .. n_categories - 1``, ``-1`` for missing (left out).
    n_categories : int

    Returns
    -------
    float
        ``NaN`` if either side has no non-missing code.

    Examples
    --------
    >>> import numpy as np
    >>> from skmixup.diagnostics.quality import tv_complement
    >>> tv_complement(np.array([0, 0, 1, -1]), np.array([0, 1, 1, 1]), 2)  # 1 - (2/3 - 1/4)
    0.5833333333333334
    """
    p, q = _present_shares(real, n_categories), _present_shares(synthetic, n_categories)
    if p is None or q is None:
        return float("nan")
    return float(1.0 - 0.5 * np.abs(p - q).sum())


def _present_shares(codes: np.ndarray, n_categories: int):
    counts = np.bincount(codes[codes >= 0], minlength=n_categories)
    total = counts.sum()
    return counts / total if total else None


def sdmetrics_bins(values: np.ndarray) -> np.ndarray:
    """sdmetrics' discretisation of one continuous column of one table.

    ``np.digitize(values, np.histogram_bin_edges(present_values))``: codes
    1 .. 10 for the ten equal-width bins, 11 for the largest value and for
    missing values.

    Parameters
    ----------
    values : ndarray of float
        ``NaN`` for missing.

    Returns
    -------
    ndarray of int

    Examples
    --------
    >>> import numpy as np
    >>> from skmixup.diagnostics.quality import sdmetrics_bins
    >>> sdmetrics_bins(np.array([0.0, 0.05, 0.5, 1.0, np.nan])).tolist()
    [1, 1, 6, 11, 11]
    """
    edges = np.histogram_bin_edges(values[~np.isnan(values)], bins=_N_BINS)
    return np.digitize(values, edges).astype(np.int64)


def _contingency(a_real, b_real, a_synthetic, b_synthetic, size_a: int, size_b: int):
    """(1 - TVD of the joint shares, the real counts as a (size_a, size_b) table)."""
    real = np.bincount(a_real * size_b + b_real, minlength=size_a * size_b)
    synthetic = np.bincount(a_synthetic * size_b + b_synthetic, minlength=size_a * size_b)
    score = 1.0 - 0.5 * np.abs(real / real.sum() - synthetic / synthetic.sum()).sum()
    return float(score), real.reshape(size_a, size_b)


def cramers_v(counts: np.ndarray) -> float:
    """Cramér's V of a contingency table, after dropping its empty rows and columns.

    ``NaN`` when fewer than two rows or two columns are left (sdmetrics then
    counts the pair out).

    Parameters
    ----------
    counts : ndarray of shape (r, c)

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np
    >>> from skmixup.diagnostics.quality import cramers_v
    >>> cramers_v(np.array([[10, 0], [0, 10]])), cramers_v(np.array([[5, 5], [5, 5]]))
    (1.0, 0.0)
    """
    counts = counts[counts.sum(axis=1) > 0][:, counts.sum(axis=0) > 0]
    if min(counts.shape) < 2:
        return float("nan")
    return float(association(counts, method="cramer"))


def _correlation(x: np.ndarray, y: np.ndarray) -> float:
    """Pearson's r over the rows where both are present; NaN if undefined.

    Sums of products by ``einsum``, not BLAS: OpenBLAS threads spin for about
    0.1 s of another core after each long dot product.
    """
    both = ~(np.isnan(x) | np.isnan(y))
    x, y = x[both], y[both]
    if x.size < 2:
        return float("nan")
    x, y = x - x.mean(), y - y.mean()
    denominator = np.sqrt(np.einsum("i,i->", x, x) * np.einsum("i,i->", y, y))
    if denominator == 0:
        return float("nan")
    return float(np.clip(np.einsum("i,i->", x, y) / denominator, -1.0, 1.0))


def _constant(values: np.ndarray) -> bool:
    """One distinct non-missing value (sdmetrics refuses such a column in a correlation)."""
    present = values[~np.isnan(values)]
    return present.size > 0 and bool((present == present[0]).all())


def _column_shapes(encoded, real: int = 0, synthetic: int = 1) -> pd.DataFrame:
    """Per compared column: its shape metric and score (see the module docstring).

    Parameters
    ----------
    encoded : EncodedTables
        The tables, from ``skmixup.diagnostics._encoding.encode_tables``.
    real, synthetic : int
        Which of the encoded tables to compare.

    Returns
    -------
    DataFrame
        Indexed by ``column`` in table order, with ``metric`` (``"KSComplement"``
        or ``"TVComplement"``) and ``score``.
    """
    rows = {}
    for k, name in enumerate(encoded.continuous_names):
        score = ks_complement(encoded.continuous[real][:, k], encoded.continuous[synthetic][:, k])
        rows[name] = ("KSComplement", score)
    for k, name in enumerate(encoded.categorical_names):
        n_categories = len(encoded.categories[k])
        score = tv_complement(encoded.codes[real][:, k], encoded.codes[synthetic][:, k], n_categories)
        rows[name] = ("TVComplement", score)
    frame = pd.DataFrame(
        [rows[name] for name in encoded.column_order],
        index=pd.Index(encoded.column_order, name="column"),
        columns=_SHAPE_COLUMNS,
    )
    frame["score"] = frame["score"].astype(float)
    return frame


def _pair_trends(
    encoded,
    real: int = 0,
    synthetic: int = 1,
    *,
    real_correlation_threshold: float = REAL_CORRELATION_THRESHOLD,
    real_association_threshold: float = REAL_ASSOCIATION_THRESHOLD,
) -> pd.DataFrame:
    """Per pair of compared columns: its trend metric, score and whether it counts.

    Parameters
    ----------
    encoded : EncodedTables
        The tables, from ``skmixup.diagnostics._encoding.encode_tables``.
    real, synthetic : int
        Which of the encoded tables to compare.
    real_correlation_threshold, real_association_threshold : float
        A pair counts in the property if its real ``|r|`` (continuous pairs) or
        Cramér's V (other pairs) exceeds the threshold; 0 counts every pair.

    Returns
    -------
    DataFrame
        Indexed by ``(column_a, column_b)`` (table order), with ``metric``
        (``"CorrelationSimilarity"`` or ``"ContingencySimilarity"``), ``score``,
        ``real_correlation`` and ``synthetic_correlation`` (continuous pairs),
        ``real_association`` (Cramér's V of the real joint table, other pairs) and
        ``meets_threshold``.
    """
    continuous = {name: k for k, name in enumerate(encoded.continuous_names)}
    categorical = {name: k for k, name in enumerate(encoded.categorical_names)}
    tables = (real, synthetic)

    def discrete(name):
        """Per table: codes from 0 and their number (missing first, or sdmetrics' bins)."""
        if name in categorical:
            k = categorical[name]
            return [encoded.codes[t][:, k] + 1 for t in tables], len(encoded.categories[k]) + 1
        k = continuous[name]
        return [sdmetrics_bins(encoded.continuous[t][:, k]) for t in tables], _N_BINS + 2

    discretised = {}
    rows, index = [], []
    for a, b in combinations(encoded.column_order, 2):
        index.append((a, b))
        if a in continuous and b in continuous:
            xa = [encoded.continuous[t][:, continuous[a]] for t in tables]
            xb = [encoded.continuous[t][:, continuous[b]] for t in tables]
            if any(_constant(values) for values in (*xa, *xb)):
                r_real = r_synthetic = score = float("nan")
            else:
                r_real, r_synthetic = _correlation(xa[0], xb[0]), _correlation(xa[1], xb[1])
                score = 1.0 - abs(r_real - r_synthetic) / 2
            meets = bool(abs(r_real) > real_correlation_threshold)  # False for NaN
            rows.append(("CorrelationSimilarity", score, r_real, r_synthetic, float("nan"), meets))
            continue
        for name in (a, b):
            if name not in discretised:
                discretised[name] = discrete(name)
        (ca, size_a), (cb, size_b) = discretised[a], discretised[b]
        score, counts = _contingency(ca[0], cb[0], ca[1], cb[1], size_a, size_b)
        strength = cramers_v(counts)
        meets = real_association_threshold <= 0 or bool(strength > real_association_threshold)
        rows.append(("ContingencySimilarity", score, float("nan"), float("nan"), strength, meets))
    frame = pd.DataFrame(
        rows,
        index=pd.MultiIndex.from_tuples(index, names=["column_a", "column_b"]),
        columns=_PAIR_COLUMNS,
    )
    if not rows:
        frame = frame.astype({c: float for c in _PAIR_COLUMNS[1:5]}).astype({"meets_threshold": bool})
    return frame


def _mean(values) -> float:
    """Mean of the finite values, NaN if there is none (no warning)."""
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    return float(values.mean()) if values.size else float("nan")


def property_scores(shapes: pd.DataFrame, trends: pd.DataFrame) -> dict:
    """The two property scores and the quality score, as sdmetrics averages them.

    Parameters
    ----------
    shapes, trends : DataFrame
        The ``column_shapes`` and ``pair_trends`` of a
        :class:`~skmixup.diagnostics.StructureReport`.

    Returns
    -------
    dict
        ``{"column_shapes": ..., "column_pair_trends": ..., "quality_score": ...}``.

    Examples
    --------
    >>> import pandas as pd
    >>> from skmixup.diagnostics.quality import property_scores
    >>> shapes = pd.DataFrame({"score": [0.9, 0.7]})
    >>> trends = pd.DataFrame({"score": [0.8, 0.2], "meets_threshold": [True, False]})
    >>> {name: round(value, 3) for name, value in property_scores(shapes, trends).items()}
    {'column_shapes': 0.8, 'column_pair_trends': 0.8, 'quality_score': 0.8}
    """
    shape_score = _mean(shapes["score"])
    counted = trends["meets_threshold"].to_numpy(dtype=bool)
    trend_score = _mean(trends["score"].to_numpy(dtype=float)[counted])
    return {
        "column_shapes": shape_score,
        "column_pair_trends": trend_score,
        "quality_score": _mean([shape_score, trend_score]),
    }
