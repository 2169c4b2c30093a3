"""Diagnostics: how well a synthetic table keeps the structure of a real one."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
import pandas as pd

from .columns import TableCodec

__all__ = ["StructureReport", "compare_structure"]


@dataclass
class StructureReport:
    """Side-by-side statistics of a real and a synthetic table.

    Continuous columns are compared on their numeric scale (datetimes as
    offsets in their unit); missing values are left out pairwise.

    Attributes
    ----------
    columns : DataFrame
        Per continuous column: means, variances, ``mean_bias``,
        ``standardized_mean_bias`` (bias / real standard deviation),
        ``relative_mean_bias`` (``bias / |real mean|``), ``variance_ratio`` and
        missing rates.
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
    summary : dict
        The largest error of each kind (absolute values), for a one-glance
        verdict; ``str(report)`` prints it.
    """

    columns: pd.DataFrame
    pairs: pd.DataFrame
    categories: pd.DataFrame
    conditional_means: pd.DataFrame
    summary: dict = field(init=False)

    def __post_init__(self):
        def largest(frame, column, transform=np.abs):
            values = transform(frame[column].to_numpy(dtype=float)) if len(frame) else np.array([])
            values = values[np.isfinite(values)]
            return float(values.max()) if values.size else float("nan")

        self.summary = {
            "max |standardized mean bias|": largest(self.columns, "standardized_mean_bias"),
            "max |variance ratio - 1|": largest(self.columns, "variance_ratio", lambda v: np.abs(v - 1)),
            "max |covariance ratio - 1|": largest(self.pairs, "covariance_ratio", lambda v: np.abs(v - 1)),
            "max |correlation error|": largest(self.pairs, "correlation_error"),
            "max |category share difference|": largest(self.categories, "share_difference"),
            "max |standardized conditional mean difference|": largest(
                self.conditional_means, "standardized_difference"
            ),
        }

    def __str__(self) -> str:
        width = max(map(len, self.summary))
        lines = ["Structure report (synthetic vs real)"]
        lines += [f"  {name:<{width}}  {value:.4f}" for name, value in self.summary.items()]
        return "\n".join(lines)


def compare_structure(real, synthetic, *, categorical_features="auto", column_kinds=None) -> StructureReport:
    """Compare the means, (co)variances, correlations and categories of two tables.

    Parameters
    ----------
    real, synthetic : {array-like, dataframe} of shape (n, n_features)
        Tables with the same columns; the column kinds are detected on
        ``real`` as :class:`~skmixup.StructurePreservingMixup` does.
    categorical_features, column_kinds :
        Overrides of the detected kinds, as in
        :class:`~skmixup.StructurePreservingMixup`.

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
    """
    codec = TableCodec(categorical_features, column_kinds)
    real_continuous, real_codes = codec.fit_encode(real)
    synthetic_continuous, synthetic_codes = codec.encode(synthetic)
    continuous_names = [h.name for h in codec.continuous_handlers]
    real_frame = pd.DataFrame(real_continuous, columns=continuous_names)
    synthetic_frame = pd.DataFrame(synthetic_continuous, columns=continuous_names)
    return StructureReport(
        columns=_column_moments(real_frame, synthetic_frame),
        pairs=_pair_moments(real_frame, synthetic_frame),
        categories=_category_shares(codec, real_codes, synthetic_codes),
        conditional_means=_conditional_means(codec, real_frame, synthetic_frame, real_codes, synthetic_codes),
    )


def _column_moments(real: pd.DataFrame, synthetic: pd.DataFrame) -> pd.DataFrame:
    mean_real, mean_synthetic = real.mean(), synthetic.mean()
    var_real, var_synthetic = real.var(), synthetic.var()
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
            }
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


def _labels(handler) -> list:
    return [*list(handler.categories), pd.NA]


def _shares(codes: np.ndarray, n_categories: int) -> np.ndarray:
    """Shares of codes 0..n-1, then of missing (-1), in that order."""
    counts = np.bincount(np.where(codes < 0, n_categories, codes), minlength=n_categories + 1)
    return counts / max(len(codes), 1)


def _category_shares(codec, real_codes, synthetic_codes) -> pd.DataFrame:
    frames = []
    for k, handler in enumerate(codec.categorical_handlers):
        n = handler.n_categories
        real_share, synthetic_share = _shares(real_codes[:, k], n), _shares(synthetic_codes[:, k], n)
        frames.append(
            pd.DataFrame(
                {
                    "column": handler.name,
                    "category": _labels(handler),
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


def _conditional_means(codec, real, synthetic, real_codes, synthetic_codes) -> pd.DataFrame:
    frames = []
    scale = np.sqrt(real.var().to_numpy())
    for k, handler in enumerate(codec.categorical_handlers):
        n = handler.n_categories
        if n == 0 or real.shape[1] == 0:
            continue
        real_means = _group_means(real, real_codes[:, k], n)
        synthetic_means = _group_means(synthetic, synthetic_codes[:, k], n)
        index = pd.MultiIndex.from_product(
            [[handler.name], list(handler.categories), list(real.columns)],
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
