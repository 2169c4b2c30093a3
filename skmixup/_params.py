"""The base of the small parameter objects (weight laws, cut-point policies)."""

from __future__ import annotations

import operator
from functools import cache
from numbers import Real

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import validate_parameter_constraints


def check_random_source(random_state):
    """A ``numpy.random.Generator`` as it is, anything else through ``check_random_state``.

    The estimator draws with a Generator seeded from its ``random_state``
    (several times faster than ``RandomState`` for the same laws); users pass
    seeds and ``RandomState`` instances as everywhere in scikit-learn.
    """
    if isinstance(random_state, np.random.Generator):
        return random_state
    return check_random_state(random_state)


def uniform(random_state, size) -> np.ndarray:
    """Uniform draws in [0, 1) from a Generator or a RandomState."""
    if isinstance(random_state, np.random.Generator):
        return random_state.random(size)
    return random_state.random_sample(size)


def integers(random_state, high: int, size) -> np.ndarray:
    """Uniform integers in [0, high) from a Generator or a RandomState."""
    if isinstance(random_state, np.random.Generator):
        return random_state.integers(0, high, size=size)
    return random_state.randint(high, size=size)


class ParameterObject(BaseEstimator):
    """Parameters stored untouched, validated on use.

    ``BaseEstimator`` gives ``get_params`` / ``set_params`` / ``clone``, a
    readable repr and nested ``a__b`` parameters for ``GridSearchCV``.
    """

    _parameter_constraints: dict = {}

    def _validate(self) -> None:
        """Check the parameters against ``_parameter_constraints`` and finiteness.

        Parameters that are all numbers, strings, None or parameter objects
        (which validate themselves on use) are checked once until one of them
        is set anew: the estimator validates its laws once per block of rows.
        """
        params = {name: getattr(self, name) for name in _parameter_names(type(self))}
        values = tuple(params.values())
        checked = self.__dict__.get("_validated_values")
        if checked is not None and len(checked) == len(values) and all(map(operator.is_, checked, values)):
            return
        validate_parameter_constraints(self._parameter_constraints, params, caller_name=type(self).__name__)
        for name, value in params.items():
            if isinstance(value, Real) and not np.isfinite(value):
                raise ValueError(
                    f"The '{name}' parameter of {type(self).__name__} must be finite. Got {value!r} instead."
                )
        if all(isinstance(value, _IMMUTABLE) for value in values):
            self.__dict__["_validated_values"] = values


@cache
def _parameter_names(cls) -> list[str]:
    """``cls._get_param_names()``, which reads the signature of ``__init__`` on every call."""
    return cls._get_param_names()


# Parameter values that cannot change without being set anew.
_IMMUTABLE = (Real, str, type(None), ParameterObject)
