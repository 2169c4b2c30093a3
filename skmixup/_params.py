"""The base of the small parameter objects (weight laws, cut-point policies)."""

from __future__ import annotations

from numbers import Real

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils._param_validation import validate_parameter_constraints


class ParameterObject(BaseEstimator):
    """Parameters stored untouched, validated on use.

    ``BaseEstimator`` gives ``get_params`` / ``set_params`` / ``clone``, a
    readable repr and nested ``a__b`` parameters for ``GridSearchCV``.
    """

    _parameter_constraints: dict = {}

    def _validate(self) -> None:
        """Check the parameters against ``_parameter_constraints`` and finiteness."""
        params = self.get_params(deep=False)
        validate_parameter_constraints(self._parameter_constraints, params, caller_name=type(self).__name__)
        for name, value in params.items():
            if isinstance(value, Real) and not np.isfinite(value):
                raise ValueError(
                    f"The '{name}' parameter of {type(self).__name__} must be finite. Got {value!r} instead."
                )
