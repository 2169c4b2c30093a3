"""skmixup: structure-preserving mixup for tabular data."""

from .cut_points import ClippedWeight, Threshold
from .resampler import StructurePreservingMixup
from .weights import Beta, EpBeta, ScipyWeights, Uniform

__version__ = "0.1.0"

__all__ = [
    "Beta",
    "ClippedWeight",
    "EpBeta",
    "ScipyWeights",
    "StructurePreservingMixup",
    "Threshold",
    "Uniform",
    "__version__",
]
