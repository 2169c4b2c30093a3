"""Diagnostics: how real a synthetic table looks, and how safe it is to share.

- :func:`compare_structure` puts a real and a synthetic table side by side: means,
  variances, higher moments, covariances, correlations, category shares, conditional
  means, and sdmetrics' quality scores (:mod:`skmixup.diagnostics.quality`), in a
  :class:`StructureReport`.
- :func:`privacy_report` measures how close the synthetic rows come to the real ones:
  exact copies, distances to the closest record, nearest-neighbour distance ratios and,
  against a holdout, the share of rows closer to the real table
  (:mod:`skmixup.diagnostics.privacy` defines the distance), in a :class:`PrivacyReport`.
- :func:`html_report` writes both, with their figures, into one self-contained HTML page.

Both reports print a summary (``print(report)``), render as tables in a notebook and
draw their figures with ``report.plot()`` (matplotlib, ``pip install skmixup[plot]``).
"""

from .html import html_report
from .privacy import PrivacyReport, privacy_report
from .structure import StructureReport, compare_structure

__all__ = ["PrivacyReport", "StructureReport", "compare_structure", "html_report", "privacy_report"]
