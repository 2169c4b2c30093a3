"""Test-suite configuration: the hypothesis profiles.

``ci`` (the default) derandomises every property-based test, so a run is the
same run every time and CI cannot flake on a new random example; ``deep``
explores many more examples and is run by hand::

    SKMIXUP_HYPOTHESIS_PROFILE=deep python -m pytest -n auto -k property

``dev`` keeps hypothesis' own randomised search with its example database,
for exploring while writing a test.
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile("ci", derandomize=True, deadline=None, database=None, print_blob=True)
settings.register_profile(
    "deep",
    max_examples=5000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.register_profile("dev", deadline=None, print_blob=True)
settings.load_profile(os.environ.get("SKMIXUP_HYPOTHESIS_PROFILE", "ci"))
