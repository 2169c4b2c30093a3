"""skmixup: structure-preserving mixup for tabular data."""

from .cut_points import ClippedWeight, Threshold
from .resampler import StructurePreservingMixup
from .weights import Beta, CircleWeights, EpBeta, KurtosisMatchedWeights, ScipyWeights, Uniform

__version__ = "0.1.0"

__all__ = [
    "Beta",
    "CircleWeights",
    "ClippedWeight",
    "EpBeta",
    "KurtosisMatchedWeights",
    "ScipyWeights",
    "StructurePreservingMixup",
    "Threshold",
    "Uniform",
    "__version__",
]
