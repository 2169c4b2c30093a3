"""The structure report: moments, correlations, categories and quality scores, real vs synthetic."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations
from numbers import Integral

import numpy as np
import pandas as pd

from ._encoding import EncodedTables, encode_tables
from .quality import (
    REAL_ASSOCIATION_THRESHOLD,
    REAL_CORRELATION_THRESHOLD,
    _column_shapes,
    _pair_trends,
    property_scores,
)

__all__ = ["StructureReport", "compare_structure"]

_HISTOGRAM_BINS = 30


def _empty(columns: list[str], index=None) -> pd.DataFrame:
    return pd.DataFrame(columns=columns, index=index, dtype=float)


@dataclass
class StructureReport:
    """Side-by-side statistics of a real and a synthetic table.

    Continuous columns are compared on their numeric scale (datetimes and
    timedeltas as offsets in their unit); missing values are left out pairwise.

    Attributes
    ----------
    columns : DataFrame
        Per continuous column: means, variances, ``mean_bias``,
        ``standardized_mean_bias`` (bias / real standard deviation),
        ``relative_mean_bias`` (``bias / |real mean|``), ``variance_ratio``,
        missing rates, ``skewness_real`` / ``skewness_synthetic`` and
        ``kurtosis_real`` / ``kurtosis_synthetic`` (Pearson's, not excess: 3
        for a Gaussian; population moments of the non-missing values) and, when
        :func:`compare_structure` got ``weights``, ``kurtosis_predicted``.
    pairs : DataFrame
        Per pair of continuous columns: covariances, ``covariance_ratio``,
        ``relative_covariance_bias``, correlations and ``correlation_error``.
    categories : DataFrame
        Per categorical column and category (missing as ``<NA>``): shares and
        their difference.
    conditional_means : DataFrame
        Per categorical column, category and continuous column: the mean of
        the continuous column within the category, real and synthetic, and
        the difference standardized by the column's real standard deviation.
    column_shapes : DataFrame
        Per compared column: sdmetrics' shape ``metric`` (``KSComplement`` or
        ``TVComplement``) and its ``score`` in [0, 1]
        (:mod:`skmixup.diagnostics.quality`).
    pair_trends : DataFrame
        Per pair of compared columns: sdmetrics' trend ``metric``
        (``CorrelationSimilarity`` or ``ContingencySimilarity``), ``score``,
        ``real_correlation``, ``synthetic_correlation``, ``real_association``
        (Cramér's V) and ``meets_threshold`` (whether the pair counts).
    histograms : DataFrame
        Per continuous column and bin (30 equal-width bins over the range of
        both tables): ``left``, ``right`` and the shares of the non-missing
        values of each table, for :meth:`plot`.
    notes : list of str
        Columns left out of the comparison, and why.
    column_shapes_score, column_pair_trends_score, quality_score : float
        sdmetrics' two property scores and their mean, the overall quality
        score (``NaN`` if there is nothing to score).
    summary : dict
        The largest error of each kind (absolute values) and the three
        scores, for a one-glance verdict; ``str(report)`` prints it.
    """

    columns: pd.DataFrame
    pairs: pd.DataFrame
    categories: pd.DataFrame
    conditional_means: pd.DataFrame
    column_shapes: pd.DataFrame = field(default_factory=lambda: _empty(["metric", "score"]))
    pair_trends: pd.DataFrame = field(default_factory=lambda: _empty(["metric", "score", "meets_threshold"]))
    histograms: pd.DataFrame = field(
        default_factory=lambda: _empty(["left", "right", "share_real", "share_synthetic"])
    )
    notes: list = field(default_factory=list)
    column_shapes_score: float = field(init=False)
    column_pair_trends_score: float = field(init=False)
    quality_score: float = field(init=False)
    summary: dict = field(init=False)

    def __post_init__(self):
        def largest(frame, column, transform=np.abs):
            if column not in frame or not len(frame):
                return float("nan")
            values = transform(frame[column].to_numpy(dtype=float))
            values = values[np.isfinite(values)]
            return float(values.max()) if values.size else float("nan")

        scores = property_scores(self.column_shapes, self.pair_trends)
        self.column_shapes_score = scores["column_shapes"]
        self.column_pair_trends_score = scores["column_pair_trends"]
        self.quality_score = scores["quality_score"]
        kurtosis_gap = (
            self.columns["kurtosis_synthetic"] - self.columns["kurtosis_real"]
            if "kurtosis_real" in self.columns
            else pd.Series(dtype=float)
        )
        self.summary = {
            "max |standardized mean bias|": largest(self.columns, "standardized_mean_bias"),
            "max |variance ratio - 1|": largest(self.columns, "variance_ratio", lambda v: np.abs(v - 1)),
            "max |covariance ratio - 1|": largest(self.pairs, "covariance_ratio", lambda v: np.abs(v - 1)),
            "max |correlation error|": largest(self.pairs, "correlation_error"),
            "max |category share difference|": largest(self.categories, "share_difference"),
            "max |standardized conditional mean difference|": largest(
                self.conditional_means, "standardized_difference"
            ),
            "max |kurtosis difference|": largest(kurtosis_gap.to_frame("gap"), "gap"),
            "column shapes score": self.column_shapes_score,
            "column pair trends score": self.column_pair_trends_score,
            "quality score": self.quality_score,
        }

    def __str__(self) -> str:
        width = max(map(len, self.summary))
        lines = ["Structure report (synthetic vs real)"]
        lines += [f"  {name:<{width}}  {value:.4f}" for name, value in self.summary.items()]
        lines += [f"  note: {note}" for note in self.notes]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        from .html import structure_html

        return structure_html(self)

    def plot(self, *, max_columns: int = 24):
        """Draw the marginals, the correlation matrices and the conditional means.

        Needs matplotlib (``pip install skmixup[plot]``).

        Parameters
        ----------
        max_columns : int, default=24
            At most this many marginals (the first columns of the table).

        Returns
        -------
        matplotlib.figure.Figure
            One panel per column (histograms of continuous columns, bars of
            category shares), then the real and synthetic correlation matrices
            of the continuous columns and their difference, then per
            categorical column the standardized conditional means, synthetic
            against real (on the diagonal when they are kept).

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import numpy as np, pandas as pd
        >>> from skmixup.diagnostics import compare_structure
        >>> rng = np.random.RandomState(0)
        >>> real = pd.DataFrame({"x": rng.normal(size=200), "y": rng.normal(size=200),
        ...                      "c": rng.choice(["a", "b"], size=200)})
        >>> figure = compare_structure(real, real.sample(frac=1, random_state=1)).plot()
        >>> [axes.get_title() for axes in figure.axes][:3]
        ['x', 'y', 'c']
        """
        from .plotting import plot_structure

        return plot_structure(self, max_columns=max_columns)


def compare_structure(
    real,
    synthetic,
    *,
    categorical_features="auto",
    column_kinds=None,
    weights=None,
    rounds: int = 1,
    real_correlation_threshold: float = REAL_CORRELATION_THRESHOLD,
    real_association_threshold: float = REAL_ASSOCIATION_THRESHOLD,
) -> StructureReport:
    """Compare the moments, correlations, categories and quality scores of two tables.

    Parameters
    ----------
    real, synthetic : {array-like, dataframe} of shape (n, n_features)
        Tables with the same columns; the column kinds are detected on
        ``real`` as :class:`~skmixup.StructurePreservingMixup` does.  Columns
        of other kinds than continuous and categorical are left out, with a
        note in :attr:`StructureReport.notes`.
    categorical_features, column_kinds :
        Overrides of the detected kinds, as in
        :class:`~skmixup.StructurePreservingMixup`.
    weights : weight distribution, default=None
        The law that made ``synthetic``: adds the column ``kurtosis_predicted``,
        ``weights.kurtosis_after(kurtosis_real, rounds)``, the kurtosis the
        theory predicts after ``rounds`` rounds of resynthesis.
    rounds : int, default=1
        Rounds of resynthesis between ``real`` and ``synthetic`` (for
        ``kurtosis_predicted``).
    real_correlation_threshold, real_association_threshold : float, default=0.5 and 0.3
        Which pairs count in the column-pair-trends score: continuous pairs
        whose real ``|r|`` exceeds the first, other pairs whose real Cramér's V
        exceeds the second (sdmetrics' defaults); 0 counts every pair.

    Returns
    -------
    StructureReport

    Examples
    --------
    >>> import numpy as np
    >>> from skmixup import StructurePreservingMixup, Uniform
    >>> from skmixup.diagnostics import compare_structure
    >>> X = np.random.RandomState(0).normal(size=(5000, 2))
    >>> synthetic = StructurePreservingMixup(weights=Uniform(), random_state=0).fit(X).sample(50000)
    >>> report = compare_structure(X, synthetic)
    >>> ratios = report.columns["variance_ratio"]  # Uniform shrinks by 2/3
    >>> bool(np.allclose(ratios, 2 / 3, atol=0.02)), bool(np.allclose(ratios, 1, atol=0.02))
    (True, False)
    >>> float(report.columns["kurtosis_real"].round(1).iloc[0])  # Gaussian
    3.0
    >>> bool(0.9 < report.column_shapes_score < 0.97)  # narrower marginals: KS complement < 1
    True
    """
    if isinstance(rounds, bool) or not isinstance(rounds, Integral) or rounds < 0:
        raise ValueError(f"rounds must be a non-negative integer; got {rounds!r}.")
    for name, value in (
        ("real_correlation_threshold", real_correlation_threshold),
        ("real_association_threshold", real_association_threshold),
    ):
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            raise ValueError(f"{name} must be a number in [0, 1]; got {value!r}.")
    if weights is not None and not callable(getattr(weights, "kurtosis_after", None)):
        raise TypeError(
            f"weights must be a weight distribution with a kurtosis_after(kurtosis, rounds) method; "
            f"got {type(weights).__name__}."
        )
    encoded = encode_tables(real, [synthetic], categorical_features, column_kinds)
    real_frame = pd.DataFrame(encoded.continuous[0], columns=encoded.continuous_names)
    synthetic_frame = pd.DataFrame(encoded.continuous[1], columns=encoded.continuous_names)
    columns = _column_moments(real_frame, synthetic_frame)
    if weights is not None:
        columns["kurtosis_predicted"] = [
            float(weights.kurtosis_after(float(value), int(rounds))) if np.isfinite(value) else np.nan
            for value in columns["kurtosis_real"]
        ]
    return StructureReport(
        columns=columns,
        pairs=_pair_moments(real_frame, synthetic_frame),
        categories=_category_shares(encoded),
        conditional_means=_conditional_means(encoded, real_frame, synthetic_frame),
        column_shapes=_column_shapes(encoded),
        pair_trends=_pair_trends(
            encoded,
            real_correlation_threshold=real_correlation_threshold,
            real_association_threshold=real_association_threshold,
        ),
        histograms=_histograms(real_frame, synthetic_frame),
        notes=list(encoded.notes),
    )


def _standardized_moments(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Skewness and Pearson kurtosis (population moments of the non-missing values)."""
    centred = frame - frame.mean()
    m2, m3, m4 = ((centred**k).mean() for k in (2, 3, 4))
    with np.errstate(divide="ignore", invalid="ignore"):
        return m3 / m2**1.5, m4 / m2**2


def _column_moments(real: pd.DataFrame, synthetic: pd.DataFrame) -> pd.DataFrame:
    mean_real, mean_synthetic = real.mean(), synthetic.mean()
    var_real, var_synthetic = real.var(), synthetic.var()
    skew_real, kurt_real = _standardized_moments(real)
    skew_synthetic, kurt_synthetic = _standardized_moments(synthetic)
    bias = mean_synthetic - mean_real
    with np.errstate(divide="ignore", invalid="ignore"):
        return pd.DataFrame(
            {
                "mean_real": mean_real,
                "mean_synthetic": mean_synthetic,
                "mean_bias": bias,
                "standardized_mean_bias": bias / np.sqrt(var_real),
                "relative_mean_bias": bias / mean_real.abs(),
                "variance_real": var_real,
                "variance_synthetic": var_synthetic,
                "variance_ratio": var_synthetic / var_real,
                "missing_rate_real": real.isna().mean(),
                "missing_rate_synthetic": synthetic.isna().mean(),
                "skewness_real": skew_real,
                "skewness_synthetic": skew_synthetic,
                "kurtosis_real": kurt_real,
                "kurtosis_synthetic": kurt_synthetic,
            },
            index=real.columns,
        )


def _pair_moments(real: pd.DataFrame, synthetic: pd.DataFrame) -> pd.DataFrame:
    pairs = list(combinations(real.columns, 2))
    index = pd.MultiIndex.from_tuples(pairs, names=["column_a", "column_b"])
    if not pairs:
        return pd.DataFrame(
            columns=[
                "covariance_real",
                "covariance_synthetic",
                "covariance_ratio",
                "relative_covariance_bias",
                "correlation_real",
                "correlation_synthetic",
                "correlation_error",
            ],
            index=index,
            dtype=float,
        )
    rows, cols = np.triu_indices(real.shape[1], k=1)

    def upper(matrix):
        return matrix.to_numpy()[rows, cols]

    cov_real, cov_synthetic = upper(real.cov()), upper(synthetic.cov())
    corr_real, corr_synthetic = upper(real.corr()), upper(synthetic.corr())
    with np.errstate(divide="ignore", invalid="ignore"):
        return pd.DataFrame(
            {
                "covariance_real": cov_real,
                "covariance_synthetic": cov_synthetic,
                "covariance_ratio": cov_synthetic / cov_real,
                "relative_covariance_bias": (cov_synthetic - cov_real) / np.abs(cov_real),
                "correlation_real": corr_real,
                "correlation_synthetic": corr_synthetic,
                "correlation_error": corr_synthetic - corr_real,
            },
            index=index,
        )


def _shares(codes: np.ndarray, n_categories: int) -> np.ndarray:
    """Shares of codes 0..n-1, then of missing (-1), in that order."""
    counts = np.bincount(np.where(codes < 0, n_categories, codes), minlength=n_categories + 1)
    return counts / max(len(codes), 1)


def _category_shares(encoded: EncodedTables) -> pd.DataFrame:
    frames = []
    for k, (name, categories) in enumerate(zip(encoded.categorical_names, encoded.categories, strict=True)):
        n = len(categories)
        real_share = _shares(encoded.codes[0][:, k], n)
        synthetic_share = _shares(encoded.codes[1][:, k], n)
        frames.append(
            pd.DataFrame(
                {
                    "column": name,
                    "category": [*list(categories), pd.NA],
                    "share_real": real_share,
                    "share_synthetic": synthetic_share,
                    "share_difference": synthetic_share - real_share,
                }
            )
        )
    if not frames:
        return pd.DataFrame(columns=["share_real", "share_synthetic", "share_difference"], dtype=float)
    return pd.concat(frames, ignore_index=True).set_index(["column", "category"])


def _group_means(values: pd.DataFrame, codes: np.ndarray, n_categories: int) -> np.ndarray:
    """Per-category column means, (n_categories, p), skipping missing values."""
    present = codes >= 0
    grouped = values[present].groupby(codes[present]).mean()
    return grouped.reindex(range(n_categories)).to_numpy()


def _conditional_means(encoded: EncodedTables, real: pd.DataFrame, synthetic: pd.DataFrame) -> pd.DataFrame:
    frames = []
    scale = np.sqrt(real.var().to_numpy())
    for k, (name, categories) in enumerate(zip(encoded.categorical_names, encoded.categories, strict=True)):
        n = len(categories)
        if n == 0 or real.shape[1] == 0:
            continue
        real_means = _group_means(real, encoded.codes[0][:, k], n)
        synthetic_means = _group_means(synthetic, encoded.codes[1][:, k], n)
        index = pd.MultiIndex.from_product(
            [[name], list(categories), list(real.columns)],
            names=["categorical_column", "category", "continuous_column"],
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            frames.append(
                pd.DataFrame(
                    {
                        "mean_real": real_means.ravel(),
                        "mean_synthetic": synthetic_means.ravel(),
                        "difference": (synthetic_means - real_means).ravel(),
                        "standardized_difference": ((synthetic_means - real_means) / scale).ravel(),
                    },
                    index=index,
                )
            )
    if not frames:
        return pd.DataFrame(
            columns=["mean_real", "mean_synthetic", "difference", "standardized_difference"], dtype=float
        )
    return pd.concat(frames)


def _histograms(real: pd.DataFrame, synthetic: pd.DataFrame) -> pd.DataFrame:
    """Shares of the non-missing values of each table in common equal-width bins."""
    frames = []
    for name in real.columns:
        a, b = real[name].to_numpy(), synthetic[name].to_numpy()
        a, b = a[~np.isnan(a)], b[~np.isnan(b)]
        if not a.size and not b.size:
            continue
        edges = np.histogram_bin_edges(np.concatenate([a, b]), bins=_HISTOGRAM_BINS)

        def shares(values, edges=edges):
            counts = np.histogram(values, bins=edges)[0]
            return counts / values.size if values.size else np.full(len(counts), np.nan)

        frames.append(
            pd.DataFrame(
                {
                    "column": name,
                    "bin": np.arange(_HISTOGRAM_BINS),
                    "left": edges[:-1],
                    "right": edges[1:],
                    "share_real": shares(a),
                    "share_synthetic": shares(b),
                }
            )
        )
    if not frames:
        return _empty(["left", "right", "share_real", "share_synthetic"])
    return pd.concat(frames, ignore_index=True).set_index(["column", "bin"])
