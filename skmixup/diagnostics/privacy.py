"""The privacy report: how close the synthetic rows come to the real ones.

The distance
------------
Rows are compared on every continuous and categorical column (the kinds that
:class:`~skmixup.StructurePreservingMixup` detects, with the same overrides).  The
squared distance between two rows ``s`` and ``r`` is a sum over the columns:

========================  ==========================================================
continuous column ``x``   ``((x_s - x_r) / σ)²`` with ``σ`` the real table's standard
                          deviation (``ddof=1``; 1 where it is 0 or undefined)
  one value missing       ``((x_present - μ) / σ)² + 1``: a missing value sits at the
                          real mean ``μ``, one unit away along its own axis
  both missing            0
categorical column        1 if the categories differ (a missing value is a category
                          of its own), else 0
========================  ==========================================================

So a different category weighs as much as one real standard deviation of a continuous
column.  The distance is Euclidean: each row is embedded as its standardized
continuous values (missing values at 0), one 0/1 indicator per continuous column with
missing values and a one-hot block per categorical column scaled by ``1/√2``.  The
search for the nearest real rows is exhaustive, on points at the same distances in
fewer dimensions (the widest categorical column searched category by category, the
others as simplices): small tables go to scikit-learn's
:class:`~sklearn.neighbors.NearestNeighbors`; large ones are screened in single
precision, and every answer is then either proven exact against the screening's
rounding error or searched again in double precision (see :ref:`privacy-search`).  The
distances reported are recomputed from those points in double precision, so a copy is
at distance 0; of several real records at the same distance, which one is named is
unspecified.

*Exact copies* compare the encoded rows bit for bit: every column equal, a missing
value equal to a missing value (of any kind), ``0.0`` equal to ``-0.0``.  A synthetic
row is a copy exactly when its distance to the real table is 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.linalg import helmert

from ._encoding import encode_tables
from ._search import CATEGORY_WEIGHT, nearest

__all__ = ["PrivacyReport", "privacy_report"]


def _percentile(values: np.ndarray, q: float) -> float:
    return float(np.percentile(values, q)) if values.size else float("nan")


@dataclass
class PrivacyReport:
    """How close the rows of a synthetic table come to the rows of the real one.

    Attributes
    ----------
    synthetic : DataFrame
        One row per synthetic row (in order): ``dcr``, the distance to the
        closest real record; ``nearest_real``, the position of that record in
        the real table; ``nndr``, the nearest-neighbour distance ratio
        ``dcr / (distance to the second-closest real record)`` in [0, 1]
        (``0/0`` counts as 0: a copy of a duplicated real record; ``NaN`` if the
        real table has one row); ``exact_copy``; and, given a holdout,
        ``dcr_holdout``, the distance to the closest holdout record.
    holdout : DataFrame or None
        Given a holdout: one row per holdout row with its ``dcr`` to the real
        table and ``nearest_real``; the reference a synthetic row's ``dcr``
        should be read against.
    n_real, n_synthetic, n_holdout : int
        Row counts (``n_holdout`` is 0 without a holdout).
    exact_copies : int
        Synthetic rows equal to a real row in every compared column.
    exact_copy_share : float
        ``exact_copies / n_synthetic``.
    holdout_copy_share : float
        The share of synthetic rows equal to a holdout row (``NaN`` without
        one): the rate of copies a table of this kind has by chance.
    closer_to_real_share : float
        The share of synthetic rows closer to the real table than to the
        holdout, a tie counting one half (``NaN`` without a holdout).
    expected_closer_to_real_share : float
        ``n_real / (n_real + n_holdout)``, what that share is when the synthetic
        rows are no closer to the real rows than new rows of the same
        population are (rows in general position; ``NaN`` without a holdout).
    scales : DataFrame
        Per continuous column: the ``center`` (real mean) and ``scale`` (real
        standard deviation, or 1) of the distance, and ``missing_axis``
        (whether missing values get their own axis).
    notes : list of str
        Columns left out of the distance, and why.
    summary : dict
        Counts, shares and percentiles of the above; ``str(report)`` prints it.
    """

    synthetic: pd.DataFrame
    holdout: pd.DataFrame | None
    n_real: int
    exact_copies: int
    holdout_copy_share: float
    scales: pd.DataFrame
    notes: list = field(default_factory=list)
    n_synthetic: int = field(init=False)
    n_holdout: int = field(init=False)
    exact_copy_share: float = field(init=False)
    closer_to_real_share: float = field(init=False)
    expected_closer_to_real_share: float = field(init=False)
    summary: dict = field(init=False)

    def __post_init__(self):
        self.n_synthetic = len(self.synthetic)
        self.n_holdout = 0 if self.holdout is None else len(self.holdout)
        self.exact_copy_share = self.exact_copies / self.n_synthetic if self.n_synthetic else float("nan")
        dcr = self.synthetic["dcr"].to_numpy()
        nndr = self.synthetic["nndr"].to_numpy()
        nndr = nndr[np.isfinite(nndr)]
        summary = {
            "real rows": self.n_real,
            "synthetic rows": self.n_synthetic,
            "exact copies": self.exact_copies,
            "exact copy share": self.exact_copy_share,
            "median DCR": _percentile(dcr, 50),
            "5th percentile DCR": _percentile(dcr, 5),
            "median NNDR": _percentile(nndr, 50),
            "5th percentile NNDR": _percentile(nndr, 5),
        }
        if self.holdout is None:
            self.closer_to_real_share = self.expected_closer_to_real_share = float("nan")
        else:
            to_holdout = self.synthetic["dcr_holdout"].to_numpy()
            closer = np.where(dcr < to_holdout, 1.0, np.where(dcr == to_holdout, 0.5, 0.0))
            self.closer_to_real_share = float(closer.mean()) if closer.size else float("nan")
            self.expected_closer_to_real_share = self.n_real / (self.n_real + self.n_holdout)
            holdout_dcr = self.holdout["dcr"].to_numpy()
            summary.update(
                {
                    "holdout rows": self.n_holdout,
                    "holdout copy share": self.holdout_copy_share,
                    "median holdout DCR": _percentile(holdout_dcr, 50),
                    "5th percentile holdout DCR": _percentile(holdout_dcr, 5),
                    "share closer to real than holdout": self.closer_to_real_share,
                    "expected share (no memorisation)": self.expected_closer_to_real_share,
                }
            )
        self.summary = summary

    def __str__(self) -> str:
        width = max(map(len, self.summary))

        def shown(value):
            return f"{value:d}" if isinstance(value, int) else f"{value:.4f}"

        lines = ["Privacy report (synthetic vs real)"]
        lines += [f"  {name:<{width}}  {shown(value)}" for name, value in self.summary.items()]
        lines += [f"  note: {note}" for note in self.notes]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        from .html import privacy_html

        return privacy_html(self)

    def plot(self):
        """Draw the histograms of the DCR (synthetic and holdout rows) and of the NNDR.

        Needs matplotlib (``pip install skmixup[plot]``).

        Returns
        -------
        matplotlib.figure.Figure
            Two panels: the distance to the closest real record of the
            synthetic rows (and of the holdout rows, when given), and the
            nearest-neighbour distance ratio of the synthetic rows.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import numpy as np
        >>> from skmixup.diagnostics import privacy_report
        >>> rng = np.random.RandomState(0)
        >>> report = privacy_report(rng.normal(size=(300, 3)), rng.normal(size=(300, 3)),
        ...                         holdout=rng.normal(size=(300, 3)))
        >>> [axes.get_title() for axes in report.plot().axes]
        ['Distance to the closest real record', 'Nearest-neighbour distance ratio']
        """
        from .plotting import plot_privacy

        return plot_privacy(self)


class _Embedding:
    """Rows as points whose Euclidean distance is the documented mixed distance."""

    def __init__(self, encoded):
        real = encoded.continuous[0]
        frame = pd.DataFrame(real)
        center, spread = frame.mean().to_numpy(), frame.std(ddof=1).to_numpy()
        self.center = np.where(np.isfinite(center), center, 0.0)
        self.scale = np.where(np.isfinite(spread) & (spread > 0), spread, 1.0)
        self.missing_axis = np.zeros(real.shape[1], dtype=bool)
        for table in encoded.continuous:
            self.missing_axis |= np.isnan(table).any(axis=0)
        # Codes above the real table's appear when another table holds new categories.
        n_codes = [len(c) for c in encoded.categories]
        self.one_hot_sizes = []
        for k, n in enumerate(n_codes):
            highest = max((int(table[:, k].max(initial=-1)) for table in encoded.codes), default=-1)
            has_missing = any((table[:, k] < 0).any() for table in encoded.codes)
            self.one_hot_sizes.append(max(n, highest + 1) + int(has_missing))
        self.n_dimensions = real.shape[1] + int(self.missing_axis.sum()) + sum(self.one_hot_sizes)
        # The widest one-hot block stays out of the points, as cells searched one by one (see
        # _search), and the others become simplices: fewer dimensions in the search's matrix
        # products, the same distances.  Each needs the points to keep a dimension.
        numbers = real.shape[1] + int(self.missing_axis.sum())
        simplex_width = numbers + sum(self.one_hot_sizes) - len(self.one_hot_sizes)
        widest = int(np.argmax(self.one_hot_sizes)) if self.one_hot_sizes else None
        keeps_a_dimension = widest is not None and simplex_width - (self.one_hot_sizes[widest] - 1) >= 1
        self.split = widest if keeps_a_dimension else None
        self.simplices = simplex_width >= 1  # else every column is categorical with one category

    def transform(self, continuous: np.ndarray, codes: np.ndarray, *, for_search: bool = False) -> np.ndarray:
        """The embedded rows.

        With ``for_search``, the points the search compares, at the same
        distances in fewer dimensions: without the block of the column
        :meth:`cells` codes, and with each other block of ``L`` slots as the
        vertices of a regular simplex in ``L - 1`` dimensions, 1 apart like the
        scaled one-hot vectors (the columns of the Helmert matrix, which are
        orthonormal and orthogonal to the ones vector, scaled by ``1/√2``).  The
        blocks stay one-hot if the points would have no dimension left.
        """
        n = len(continuous)
        left_out = self.split if for_search else None
        simplices = for_search and self.simplices
        sizes = [0 if k == left_out else size - simplices for k, size in enumerate(self.one_hot_sizes)]
        p = continuous.shape[1]
        offset = p + int(self.missing_axis.sum())
        points = np.zeros((n, offset + sum(sizes)))
        standardized = (continuous - self.center) / self.scale
        missing = np.isnan(standardized)
        points[:, :p] = np.where(missing, 0.0, standardized)
        points[:, p:offset] = missing[:, self.missing_axis]
        rows = np.arange(n)
        for k, (size, width) in enumerate(zip(self.one_hot_sizes, sizes, strict=True)):
            if not width:  # the column left out, or a simplex of one category
                continue
            slots = self._slots(codes[:, k], size)
            if simplices:
                points[:, offset : offset + width] = (helmert(size).T * CATEGORY_WEIGHT)[slots]
            else:
                points[rows, offset + slots] = CATEGORY_WEIGHT
            offset += width
        return points

    def cells(self, codes: np.ndarray) -> np.ndarray | None:
        """The codes of the column left out of the search's points (None if there is none)."""
        if self.split is None:
            return None
        return self._slots(codes[:, self.split], self.one_hot_sizes[self.split])

    @staticmethod
    def _slots(column: np.ndarray, size: int) -> np.ndarray:
        return np.where(column < 0, size - 1, column)  # missing (-1) takes the block's last slot


def _row_keys(continuous: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """One opaque key per row: equal keys iff every column is equal (NaN = NaN, 0.0 = -0.0)."""
    values = np.where(np.isnan(continuous), np.nan, continuous + 0.0)  # one NaN; -0.0 + 0.0 = 0.0
    bits = np.ascontiguousarray(np.hstack([values.view(np.int64), codes.astype(np.int64)]))
    return bits.view(np.dtype((np.void, bits.dtype.itemsize * bits.shape[1]))).ravel()


def _pair(cells: list, reference: int, queries: int):
    return None if cells[reference] is None else (cells[reference], cells[queries])


def privacy_report(
    real, synthetic, holdout=None, *, categorical_features="auto", column_kinds=None
) -> PrivacyReport:
    """Measure how close the synthetic rows come to the real rows.

    For every synthetic row: whether it is an exact copy of a real row, its
    distance to the closest real record (DCR) and its nearest-neighbour
    distance ratio (NNDR).  With a holdout (rows of the same population that
    the synthesiser did not see), the same distances for the holdout rows and
    the share of synthetic rows closer to the real table than to the holdout:
    a synthesiser that does not memorise its training rows gives them no more
    than ``n_real / (n_real + n_holdout)``.  The distance is defined in
    :mod:`skmixup.diagnostics.privacy`.

    Parameters
    ----------
    real : {array-like, dataframe} of shape (n_real, n_features)
        The table the synthesiser was fitted on; the column kinds are detected
        on it as :class:`~skmixup.StructurePreservingMixup` does, and the
        continuous columns are standardized by its standard deviations.
    synthetic : {array-like, dataframe} of shape (n_synthetic, n_features)
        The synthetic table, with the same columns.
    holdout : {array-like, dataframe} of shape (n_holdout, n_features), default=None
        Real rows held out from the synthesiser, with the same columns.
        ``synthetic`` and ``holdout`` may hold categories that ``real`` lacks
        (pandas and numpy tables): such a category differs from every real one.
    categorical_features, column_kinds :
        Overrides of the detected kinds, as in
        :class:`~skmixup.StructurePreservingMixup`.  Columns of other kinds are
        left out, with a note in :attr:`PrivacyReport.notes`.

    Returns
    -------
    PrivacyReport

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from skmixup import StructurePreservingMixup
    >>> from skmixup.diagnostics import privacy_report
    >>> rng = np.random.RandomState(0)
    >>> table = pd.DataFrame({"x": rng.normal(size=400), "c": rng.choice(["a", "b"], size=400)})
    >>> real, holdout = table[:200], table[200:]
    >>> synthetic = StructurePreservingMixup(random_state=0).fit(real).sample(200)
    >>> report = privacy_report(real, synthetic, holdout)
    >>> report.exact_copies
    0
    >>> report.closer_to_real_share > report.expected_closer_to_real_share  # rows near their parents
    True
    >>> copies = privacy_report(real, real.iloc[:50])  # real rows are copies, at distance 0
    >>> copies.exact_copies, float(copies.synthetic["dcr"].max())
    (50, 0.0)
    """
    others = [synthetic] if holdout is None else [synthetic, holdout]
    encoded = encode_tables(real, others, categorical_features, column_kinds, new_categories=True)
    if not encoded.continuous_names and not encoded.categorical_names:
        raise ValueError(
            "privacy_report needs at least one continuous or categorical column; the tables have none."
        )
    embedding = _Embedding(encoded)
    points = [
        embedding.transform(c, k, for_search=True)
        for c, k in zip(encoded.continuous, encoded.codes, strict=True)
    ]
    cells = [embedding.cells(k) for k in encoded.codes]
    keys = [_row_keys(c, k) for c, k in zip(encoded.continuous, encoded.codes, strict=True)]

    distances, positions = nearest(points[0], points[1], k=2, cells=_pair(cells, 0, 1))
    if distances.shape[1] == 2:
        with np.errstate(divide="ignore", invalid="ignore"):
            nndr = np.where(distances[:, 1] > 0, distances[:, 0] / distances[:, 1], 0.0)
    else:
        nndr = np.full(len(distances), np.nan)
    exact_copy = np.isin(keys[1], keys[0])
    synthetic_rows = pd.DataFrame(
        {
            "dcr": distances[:, 0],
            "nearest_real": positions[:, 0],
            "nndr": nndr,
            "exact_copy": exact_copy,
        }
    )
    holdout_rows, holdout_copy_share = None, float("nan")
    if holdout is not None:
        to_holdout, _ = nearest(points[2], points[1], k=1, cells=_pair(cells, 2, 1))
        synthetic_rows["dcr_holdout"] = to_holdout[:, 0]
        holdout_distances, holdout_positions = nearest(points[0], points[2], k=1, cells=_pair(cells, 0, 2))
        holdout_rows = pd.DataFrame({"dcr": holdout_distances[:, 0], "nearest_real": holdout_positions[:, 0]})
        holdout_copy_share = float(np.isin(keys[1], keys[2]).mean()) if len(keys[1]) else float("nan")
    scales = pd.DataFrame(
        {"center": embedding.center, "scale": embedding.scale, "missing_axis": embedding.missing_axis},
        index=pd.Index(encoded.continuous_names, name="column"),
    )
    return PrivacyReport(
        synthetic=synthetic_rows,
        holdout=holdout_rows,
        n_real=len(points[0]),
        exact_copies=int(exact_copy.sum()),
        holdout_copy_share=holdout_copy_share,
        scales=scales,
        notes=list(encoded.notes),
    )
