"""The doctests of skmixup.dask need its extra: skipped where it is absent.

Except under ``SKMIXUP_REQUIRE_OPTIONAL=1`` (set by CI), where a missing
package must fail, as ``tests/optional.py`` does for the tests.
"""

import importlib.util
import os

_MISSING = [name for name in ("dask", "distributed", "pyarrow") if importlib.util.find_spec(name) is None]

collect_ignore_glob = ["*.py"] if _MISSING and os.environ.get("SKMIXUP_REQUIRE_OPTIONAL") != "1" else []
