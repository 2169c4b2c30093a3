"""scikit-learn's and imbalanced-learn's estimator checks."""

from imblearn.utils.estimator_checks import parametrize_with_checks as imblearn_checks
from sklearn.utils.estimator_checks import parametrize_with_checks as sklearn_checks

from skmixup import ClippedWeight, EpBeta, StructurePreservingMixup, Uniform

ESTIMATORS = [
    StructurePreservingMixup(random_state=0),
    StructurePreservingMixup(weights=Uniform(), shared_weights=False, random_state=0),
    StructurePreservingMixup(weights=EpBeta(delta=0.02, cut_point=ClippedWeight()), random_state=0),
]

# Every check marked here must carry the reason it does not apply.
EXPECTED_FAILED_CHECKS: dict[str, str] = {}


@sklearn_checks(ESTIMATORS, expected_failed_checks=lambda estimator: EXPECTED_FAILED_CHECKS)
def test_sklearn_compatible(estimator, check):
    check(estimator)


@imblearn_checks(ESTIMATORS, expected_failed_checks=lambda estimator: EXPECTED_FAILED_CHECKS)
def test_imblearn_compatible(estimator, check):
    check(estimator)
