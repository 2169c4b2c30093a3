"""HTML views of the reports: notebook fragments and one self-contained page.

The page holds everything it shows: inline CSS, the figures as base64 PNG
``data:`` URIs, no script and no link to anything outside the file, so it can be
mailed, archived or opened offline.
"""

from __future__ import annotations

import base64
import html as _html
import io
import warnings
from datetime import UTC, datetime

import pandas as pd

from .. import __version__
from .privacy import privacy_report
from .structure import compare_structure

__all__ = ["html_report", "privacy_html", "structure_html"]

_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em auto;
       max-width: 70em; padding: 0 1em; color: #222; }
h1 { font-size: 1.6em; } h2 { border-bottom: 1px solid #ccc; padding-bottom: .2em; }
table.skmixup { border-collapse: collapse; margin: .5em 0 1em; font-size: .9em; }
table.skmixup th, table.skmixup td { border: 1px solid #ddd; padding: .25em .6em; text-align: right; }
table.skmixup th { background: #f4f4f4; }
.scores { display: flex; gap: 1.5em; flex-wrap: wrap; }
.score { border: 1px solid #ccc; border-radius: .4em; padding: .6em 1.2em; }
.score b { display: block; font-size: 1.8em; }
.note { color: #8a4b00; } details { margin: .5em 0; } summary { cursor: pointer; }
img { max-width: 100%; }
"""


def _number(value) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:d}"
    try:
        return f"{float(value):.4f}"
    except (TypeError, ValueError):
        return _html.escape(str(value))


def _summary_table(summary: dict) -> str:
    rows = "".join(
        f"<tr><th>{_html.escape(str(name))}</th><td>{_number(value)}</td></tr>"
        for name, value in summary.items()
    )
    return f'<table class="skmixup">{rows}</table>'


def _frame(frame: pd.DataFrame, caption: str, *, open_: bool = False, max_rows: int = 200) -> str:
    """A DataFrame as a table inside a collapsible block (no script: <details>)."""
    if frame is None or not len(frame):
        return ""
    shown = frame if len(frame) <= max_rows else frame.iloc[:max_rows]
    more = f" (first {max_rows} of {len(frame)} rows)" if len(frame) > max_rows else ""
    table = shown.to_html(classes="skmixup", float_format=lambda v: f"{v:.4f}", na_rep="", border=0)
    opened = " open" if open_ else ""
    return f"<details{opened}><summary>{_html.escape(caption)}{more}</summary>{table}</details>"


def _notes(notes) -> str:
    return "".join(f'<p class="note">{_html.escape(note)}</p>' for note in notes)


def structure_html(report) -> str:
    """An HTML fragment of a :class:`~skmixup.diagnostics.StructureReport`: scores and tables.

    Parameters
    ----------
    report : StructureReport

    Returns
    -------
    str
        A ``<div>`` (no script, no external resource), what the report shows
        in a notebook.

    Examples
    --------
    >>> import numpy as np
    >>> from skmixup.diagnostics import compare_structure
    >>> from skmixup.diagnostics.html import structure_html
    >>> X = np.random.RandomState(0).normal(size=(100, 2))
    >>> fragment = structure_html(compare_structure(X, X))
    >>> fragment.startswith("<div"), "quality score" in fragment
    (True, True)
    """
    scores = "".join(
        f'<div class="score">{_html.escape(name)}<b>{_number(value)}</b></div>'
        for name, value in (
            ("quality score", report.quality_score),
            ("column shapes", report.column_shapes_score),
            ("column pair trends", report.column_pair_trends_score),
        )
    )
    shapes = report.column_shapes
    return (
        '<div class="skmixup-report">'
        "<h3>Structure report (synthetic vs real)</h3>"
        f'<div class="scores">{scores}</div>'
        f"{_summary_table(report.summary)}{_notes(report.notes)}"
        + _frame(shapes, "Column shapes (sdmetrics' KS and TV complements)", open_=True)
        + _frame(report.columns, "Continuous columns: moments")
        + _frame(report.pair_trends, "Column pair trends (sdmetrics)")
        + _frame(report.pairs, "Pairs of continuous columns: covariances and correlations")
        + _frame(report.categories, "Category shares")
        + _frame(report.conditional_means, "Means within categories")
        + "</div>"
    )


def privacy_html(report) -> str:
    """An HTML fragment of a :class:`~skmixup.diagnostics.PrivacyReport`: summary and percentiles.

    Parameters
    ----------
    report : PrivacyReport

    Returns
    -------
    str
        A ``<div>`` (no script, no external resource).

    Examples
    --------
    >>> import numpy as np
    >>> from skmixup.diagnostics import privacy_report
    >>> from skmixup.diagnostics.html import privacy_html
    >>> X = np.random.RandomState(0).normal(size=(100, 2))
    >>> "exact copies" in privacy_html(privacy_report(X, X[:10]))
    True
    """
    quantiles = [0.0, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0]
    columns = {"synthetic DCR": report.synthetic["dcr"], "synthetic NNDR": report.synthetic["nndr"]}
    if report.holdout is not None:
        columns["holdout DCR"] = report.holdout["dcr"]
        columns["synthetic to holdout DCR"] = report.synthetic["dcr_holdout"]
    percentiles = pd.DataFrame({name: values.quantile(quantiles) for name, values in columns.items()})
    percentiles.index = [f"{q:.0%}" for q in quantiles]
    percentiles.index.name = "quantile"
    return (
        '<div class="skmixup-report">'
        "<h3>Privacy report (synthetic vs real)</h3>"
        f"{_summary_table(report.summary)}{_notes(report.notes)}"
        + _frame(percentiles, "Distances: quantiles", open_=True)
        + _frame(report.scales, "Continuous columns: centre and scale of the distance")
        + "</div>"
    )


def _png(figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90, metadata={"Software": None})
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img alt="figure" src="data:image/png;base64,{encoded}">'


def _figures(structure, privacy) -> tuple[str, str]:
    try:
        from .plotting import plot_privacy, plot_structure

        return _png(plot_structure(structure, managed=False)), _png(plot_privacy(privacy, managed=False))
    except ImportError as error:
        warnings.warn(f"The HTML report has no figures: {error}", UserWarning, stacklevel=3)
        note = f'<p class="note">No figures: {_html.escape(str(error))}</p>'
        return note, note


def html_report(
    real,
    synthetic,
    *,
    holdout=None,
    title: str | None = None,
    categorical_features="auto",
    column_kinds=None,
) -> str:
    """One self-contained HTML page with the structure, quality and privacy reports.

    The page shows :func:`~skmixup.diagnostics.compare_structure`'s scores,
    summary, figure and tables, then :func:`~skmixup.diagnostics.privacy_report`'s
    summary, figure and distance quantiles.  Figures are base64 PNG images
    inside the page (matplotlib, ``pip install skmixup[plot]``; without it the
    page says so and has no figures); the page has no script and loads nothing.

    Parameters
    ----------
    real, synthetic : {array-like, dataframe} of shape (n, n_features)
        The real table and the synthetic one, with the same columns.
    holdout : {array-like, dataframe}, default=None
        Real rows the synthesiser did not see, for the privacy report.
    title : str, default=None
        The page's title; None gives "Synthetic data report".
    categorical_features, column_kinds :
        Overrides of the detected kinds, as in
        :class:`~skmixup.StructurePreservingMixup`.

    Returns
    -------
    str
        A complete HTML5 document; write it to a file with
        ``Path("report.html").write_text(page, encoding="utf-8")``.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from skmixup import StructurePreservingMixup
    >>> from skmixup.diagnostics import html_report
    >>> rng = np.random.RandomState(0)
    >>> real = pd.DataFrame({"x": rng.normal(size=200), "c": rng.choice(["a", "b"], size=200)})
    >>> synthetic = StructurePreservingMixup(random_state=0).fit(real).sample(200)
    >>> page = html_report(real, synthetic, title="Demo")
    >>> page.startswith("<!DOCTYPE html>"), "<title>Demo</title>" in page, "data:image/png;base64," in page
    (True, True, True)
    """
    kinds = {"categorical_features": categorical_features, "column_kinds": column_kinds}
    structure = compare_structure(real, synthetic, **kinds)
    privacy = privacy_report(real, synthetic, holdout, **kinds)
    structure_figure, privacy_figure = _figures(structure, privacy)
    title = "Synthetic data report" if title is None else str(title)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    rows = f"{privacy.n_real} real rows, {privacy.n_synthetic} synthetic rows"
    if holdout is not None:
        rows += f", {privacy.n_holdout} holdout rows"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{_html.escape(title)}</title>
<style>{_STYLE}</style>
</head>
<body>
<h1>{_html.escape(title)}</h1>
<p>{rows}. Made by skmixup {_html.escape(__version__)} on {stamp}.</p>
<h2>Realism</h2>
<p>sdmetrics' quality scores (in [0, 1], 1 for identical tables): column shapes compare each
column's distribution (1 - Kolmogorov-Smirnov statistic, 1 - total variation distance), column
pair trends compare correlations and joint frequencies of pairs of columns; the quality score is
their mean. Then the moments, correlations and category shares, real against synthetic.</p>
{structure_html(structure)}
{structure_figure}
<h2>Privacy</h2>
<p>DCR: the distance of a synthetic row to the closest real record (continuous columns in real
standard deviations, 1 per differing category, missing values handled explicitly). NNDR: that
distance divided by the distance to the second-closest real record. A synthesiser that copies or
memorises its rows shows exact copies, DCRs near 0 and, against a holdout, more than the expected
share of rows closer to the real table than to the holdout.</p>
{privacy_html(privacy)}
{privacy_figure}
</body>
</html>
"""
