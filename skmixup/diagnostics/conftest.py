"""Doctests of the figures need matplotlib (the ``plot`` extra): skipped where it is absent.

As ``tests/optional.py`` does for the tests: under ``SKMIXUP_REQUIRE_OPTIONAL=1`` (CI)
a missing matplotlib is not skipped, so the doctests fail instead.
"""

import importlib.util
import os

import pytest

_NEED_MATPLOTLIB = (
    "skmixup.diagnostics.structure.StructureReport.plot",
    "skmixup.diagnostics.privacy.PrivacyReport.plot",
    "skmixup.diagnostics.plotting.plot_structure",
    "skmixup.diagnostics.plotting.plot_privacy",
    "skmixup.diagnostics.html.html_report",
)


def pytest_collection_modifyitems(config, items):
    if (
        importlib.util.find_spec("matplotlib") is not None
        or os.environ.get("SKMIXUP_REQUIRE_OPTIONAL") == "1"
    ):
        return
    skip = pytest.mark.skip(reason="needs matplotlib: pip install skmixup[plot]")
    for item in items:
        if item.name in _NEED_MATPLOTLIB:
            item.add_marker(skip)
