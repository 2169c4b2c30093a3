"""Figures of the structure and privacy reports (matplotlib, imported only when drawing).

The reports keep what their figures need (binned marginals, category shares,
correlations, conditional means, distances), never the tables themselves, so a
report can be drawn long after its tables are gone.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

_PANELS_PER_ROW = 4
_PANEL_SIZE = (3.3, 2.7)
_MAX_CATEGORIES = 20
_REAL, _SYNTHETIC, _HOLDOUT = "0.35", "tab:blue", "tab:orange"


def _matplotlib():
    try:
        import matplotlib  # noqa: F401
    except ImportError as error:
        raise ImportError(
            "Drawing the diagnostics needs matplotlib, which is not installed: "
            "pip install skmixup[plot] (or pip install matplotlib)."
        ) from error


def _figure(size: tuple[float, float], managed: bool):
    """A figure from pyplot (shown by notebooks and galleries) or a free-standing one."""
    _matplotlib()
    if managed:
        import matplotlib.pyplot as plt

        return plt.figure(figsize=size, layout="constrained")
    from matplotlib.figure import Figure

    return Figure(figsize=size, layout="constrained")


def _marginal_continuous(ax, histogram: pd.DataFrame) -> None:
    edges = np.append(histogram["left"].to_numpy(), histogram["right"].to_numpy()[-1])
    ax.stairs(histogram["share_real"].to_numpy(), edges, fill=True, color=_REAL, alpha=0.45, label="real")
    ax.stairs(histogram["share_synthetic"].to_numpy(), edges, color=_SYNTHETIC, lw=1.5, label="synthetic")
    ax.set_ylabel("share")


def _marginal_categorical(ax, shares: pd.DataFrame) -> str:
    shares = shares[(shares["share_real"] > 0) | (shares["share_synthetic"] > 0)]
    note = ""
    if len(shares) > _MAX_CATEGORIES:
        shares = shares.sort_values("share_real", ascending=False).iloc[:_MAX_CATEGORIES]
        note = f" (top {_MAX_CATEGORIES})"
    labels = ["<missing>" if pd.isna(label) else str(label) for label in shares.index]
    positions = np.arange(len(labels))
    ax.bar(positions - 0.2, shares["share_real"], width=0.4, color=_REAL, alpha=0.7, label="real")
    ax.bar(positions + 0.2, shares["share_synthetic"], width=0.4, color=_SYNTHETIC, label="synthetic")
    crowded = len(labels) > 4
    ax.set_xticks(positions, labels, rotation=45 if crowded else 0, ha="right" if crowded else "center")
    ax.set_ylabel("share")
    return note


def correlation_matrices(report) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The real and synthetic correlation matrices of the continuous columns of a report.

    Parameters
    ----------
    report : StructureReport

    Returns
    -------
    (DataFrame, DataFrame)
        Square, labelled by the continuous columns, 1 on the diagonal.

    Examples
    --------
    >>> import numpy as np
    >>> from skmixup.diagnostics import compare_structure
    >>> from skmixup.diagnostics.plotting import correlation_matrices
    >>> X = np.random.RandomState(0).normal(size=(100, 3))
    >>> real, synthetic = correlation_matrices(compare_structure(X, X))
    >>> real.shape, bool(np.allclose(real, synthetic))
    ((3, 3), True)
    """
    names = list(report.columns.index)
    matrices = []
    for side in ("correlation_real", "correlation_synthetic"):
        matrix = pd.DataFrame(np.eye(len(names)), index=names, columns=names)
        for (a, b), value in report.pairs[side].items():
            matrix.loc[a, b] = matrix.loc[b, a] = value
        matrices.append(matrix)
    return matrices[0], matrices[1]


def _correlation_panels(figure, cells, report) -> None:
    real, synthetic = correlation_matrices(report)
    difference = synthetic - real
    spread = max(float(np.nanmax(np.abs(difference.to_numpy()))), 0.05)
    names = [str(name) for name in real.columns]
    ticks = np.arange(len(names))
    images = []
    for cell, matrix, title, limit, colours in (
        (cells[0], real, "Correlation (real)", 1.0, "RdBu_r"),
        (cells[1], synthetic, "Correlation (synthetic)", 1.0, "RdBu_r"),
        (cells[2], difference, "Difference (synthetic - real)", spread, "PuOr_r"),
    ):
        ax = figure.add_subplot(cell)
        images.append(ax.imshow(matrix.to_numpy(), cmap=colours, vmin=-limit, vmax=limit))
        ax.set_title(title)
        ax.set_xticks(ticks, names, rotation=90)
        ax.set_yticks(ticks, names if cell is cells[0] else [])
    figure.colorbar(images[1], ax=images[1].axes, shrink=0.8)
    figure.colorbar(images[2], ax=images[2].axes, shrink=0.8)


def _conditional_panel(ax, report, categorical_column) -> None:
    block = report.conditional_means.loc[categorical_column]
    continuous = block.index.get_level_values("continuous_column")
    mean = report.columns["mean_real"].reindex(continuous).to_numpy()
    scale = np.sqrt(report.columns["variance_real"].reindex(continuous).to_numpy())
    with np.errstate(divide="ignore", invalid="ignore"):
        x = (block["mean_real"].to_numpy() - mean) / scale
        y = (block["mean_synthetic"].to_numpy() - mean) / scale
    finite = np.isfinite(x) & np.isfinite(y)
    x, y = x[finite], y[finite]
    ax.scatter(x, y, s=14, color=_SYNTHETIC)
    limit = max(float(np.abs(np.concatenate([x, y])).max(initial=0.0)) * 1.1, 0.1)
    ax.plot([-limit, limit], [-limit, limit], color=_REAL, lw=1, ls="--")
    ax.set_xlim(-limit, limit)
    ax.set_ylim(-limit, limit)
    ax.set_xlabel("real (standardized)")
    ax.set_ylabel("synthetic (standardized)")


def plot_structure(report, *, max_columns: int = 24, managed: bool = True):
    """The figure of :meth:`StructureReport.plot <skmixup.diagnostics.StructureReport.plot>`.

    Parameters
    ----------
    report : StructureReport
    max_columns : int, default=24
        At most this many marginal panels.
    managed : bool, default=True
        True draws on a pyplot figure (shown by notebooks); False on a
        free-standing :class:`matplotlib.figure.Figure` (for files).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> from skmixup.diagnostics import compare_structure
    >>> from skmixup.diagnostics.plotting import plot_structure
    >>> X = np.random.RandomState(0).normal(size=(100, 2))
    >>> figure = plot_structure(compare_structure(X, X), managed=False)
    >>> [axes.get_title() for axes in figure.axes][:2]
    ['0', '1']
    """
    if isinstance(max_columns, bool) or not isinstance(max_columns, int) or max_columns < 1:
        raise ValueError(f"max_columns must be a positive integer; got {max_columns!r}.")
    columns = list(report.column_shapes.index)[:max_columns]
    continuous = set(report.columns.index)
    with_correlations = len(report.columns) >= 2
    conditional = (
        list(dict.fromkeys(report.conditional_means.index.get_level_values(0)))
        if len(report.conditional_means)
        else []
    )
    n_rows = [
        -(-len(columns) // _PANELS_PER_ROW),
        int(with_correlations),
        -(-len(conditional) // _PANELS_PER_ROW),
    ]
    height_ratios = [1.0] * n_rows[0] + [1.35] * n_rows[1] + [1.0] * n_rows[2]
    if not height_ratios:
        raise ValueError("The report has no column to draw.")
    width, height = _PANEL_SIZE
    figure = _figure((width * _PANELS_PER_ROW, height * sum(height_ratios)), managed)
    grid = figure.add_gridspec(len(height_ratios), _PANELS_PER_ROW, height_ratios=height_ratios)
    shapes = report.column_shapes
    for k, name in enumerate(columns):
        ax = figure.add_subplot(grid[k // _PANELS_PER_ROW, k % _PANELS_PER_ROW])
        note = ""
        if name in continuous:
            if name in report.histograms.index.get_level_values(0):
                _marginal_continuous(ax, report.histograms.loc[name])
        else:
            note = _marginal_categorical(ax, report.categories.loc[name])
        ax.set_title(str(name))
        ax.set_xlabel(f"{shapes.loc[name, 'metric']} {shapes.loc[name, 'score']:.3f}{note}")
        if k == 0:
            ax.legend(fontsize="small")
    row = n_rows[0]
    if with_correlations:
        _correlation_panels(figure, [grid[row, k] for k in range(3)], report)
        row += 1
    for k, name in enumerate(conditional):
        ax = figure.add_subplot(grid[row + k // _PANELS_PER_ROW, k % _PANELS_PER_ROW])
        _conditional_panel(ax, report, name)
        ax.set_title(f"Means within {name}")
    figure.suptitle(f"Synthetic vs real: quality score {report.quality_score:.3f}")
    return figure


def plot_privacy(report, *, managed: bool = True):
    """The figure of :meth:`PrivacyReport.plot <skmixup.diagnostics.PrivacyReport.plot>`.

    Parameters
    ----------
    report : PrivacyReport
    managed : bool, default=True
        True draws on a pyplot figure (shown by notebooks); False on a
        free-standing :class:`matplotlib.figure.Figure` (for files).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> from skmixup.diagnostics import privacy_report
    >>> from skmixup.diagnostics.plotting import plot_privacy
    >>> X = np.random.RandomState(0).normal(size=(100, 2))
    >>> len(plot_privacy(privacy_report(X, X[::-1] + 0.1), managed=False).axes)
    2
    """
    figure = _figure((2 * _PANEL_SIZE[0] * 1.3, _PANEL_SIZE[1] * 1.2), managed)
    dcr_axes, nndr_axes = figure.subplots(1, 2)
    synthetic = report.synthetic["dcr"].to_numpy()
    samples = [("synthetic rows", synthetic, _SYNTHETIC)]
    if report.holdout is not None:
        samples.append(("holdout rows", report.holdout["dcr"].to_numpy(), _HOLDOUT))
    pooled = np.concatenate([values for _, values, _ in samples])
    edges = np.histogram_bin_edges(pooled, bins=40) if pooled.size else np.linspace(0, 1, 41)
    for label, values, colour in samples:
        counts = np.histogram(values, bins=edges)[0]
        shares = counts / values.size if values.size else counts.astype(float)
        dcr_axes.stairs(shares, edges, color=colour, lw=1.5, label=label)
    dcr_axes.set_title("Distance to the closest real record")
    dcr_axes.set_xlabel("DCR")
    dcr_axes.set_ylabel("share of rows")
    dcr_axes.legend(fontsize="small")
    nndr = report.synthetic["nndr"].to_numpy()
    nndr = nndr[np.isfinite(nndr)]
    nndr_edges = np.linspace(0.0, 1.0, 21)
    counts = np.histogram(nndr, bins=nndr_edges)[0]
    nndr_axes.stairs(counts / max(nndr.size, 1), nndr_edges, color=_SYNTHETIC, fill=True, alpha=0.6)
    nndr_axes.set_title("Nearest-neighbour distance ratio")
    nndr_axes.set_xlabel("NNDR (closest / second-closest real record)")
    nndr_axes.set_ylabel("share of synthetic rows")
    copies = f"{report.exact_copies} exact copies ({report.exact_copy_share:.2%})"
    figure.suptitle(f"Privacy: {copies} of {report.n_synthetic} synthetic rows")
    return figure
