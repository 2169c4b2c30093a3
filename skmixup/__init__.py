"""skmixup: structure-preserving mixup for tabular data."""

from .cut_points import ClippedWeight, Threshold
from .weights import Beta, EpBeta, ScipyWeights, Uniform

__version__ = "0.1.0"

__all__ = ["Beta", "ClippedWeight", "EpBeta", "ScipyWeights", "Threshold", "Uniform", "__version__"]
