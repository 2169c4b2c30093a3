"""Optional dependencies in the tests: skipped where absent, required in CI.

A test that needs an optional extra (pyarrow, polars, dask, matplotlib...)
imports it with :func:`require`.  Where the package is missing the test is
skipped, except when ``SKMIXUP_REQUIRE_OPTIONAL=1`` (set by ``.ci/run``):
then a missing package is an error, so CI can never pass by skipping.
"""

import importlib
import os

import pytest


def require(module: str, minversion: str | None = None):
    """The imported module, or a skip (an error under SKMIXUP_REQUIRE_OPTIONAL=1)."""
    if os.environ.get("SKMIXUP_REQUIRE_OPTIONAL") == "1":
        imported = importlib.import_module(module)
        if minversion is not None:
            return pytest.importorskip(module, minversion=minversion)
        return imported
    return pytest.importorskip(module, minversion=minversion)
