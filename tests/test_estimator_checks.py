"""scikit-learn's and imbalanced-learn's estimator checks."""

import pytest
from imblearn.utils.estimator_checks import estimator_checks_generator as imblearn_checks_generator
from sklearn.utils.estimator_checks import parametrize_with_checks as sklearn_checks

from skmixup import ClippedWeight, EpBeta, StructurePreservingMixup, Uniform

ESTIMATORS = [
    StructurePreservingMixup(random_state=0),
    StructurePreservingMixup(weights=Uniform(), shared_weights=False, random_state=0),
    StructurePreservingMixup(weights=EpBeta(delta=0.02, cut_point=ClippedWeight()), random_state=0),
]

# Every check marked here must carry the reason it does not apply.  (The three
# skips in a run are scikit-learn's array-API checks, which skip themselves
# unless SCIPY_ARRAY_API=1; skmixup does not claim array-API support.)
EXPECTED_FAILED_CHECKS: dict[str, str] = {}


@sklearn_checks(ESTIMATORS, expected_failed_checks=lambda estimator: EXPECTED_FAILED_CHECKS)
def test_sklearn_compatible(estimator, check):
    check(estimator)


def _imblearn_checks():
    # imblearn's parametrize_with_checks hands pytest a generator, which
    # pytest deprecates; the same checks, as a list.
    for estimator in ESTIMATORS:
        for params in imblearn_checks_generator(
            estimator, mark="xfail", expected_failed_checks=EXPECTED_FAILED_CHECKS
        ):
            values, marks = (params.values, params.marks) if hasattr(params, "values") else (params, ())
            _, check = values
            yield pytest.param(*values, marks=marks, id=f"{estimator!r}-{check.func.__name__}")


@pytest.mark.parametrize(("estimator", "check"), list(_imblearn_checks()))
def test_imblearn_compatible(estimator, check):
    check(estimator)
