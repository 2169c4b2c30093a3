"""StructurePreservingMixup: the mixed-type over-sampler and table synthesiser."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from functools import partial
from numbers import Integral, Real

import numpy as np
import pandas as pd
from imblearn.over_sampling.base import BaseOverSampler
from imblearn.utils import Substitution, check_sampling_strategy
from imblearn.utils._docstring import _random_state_docstring
from scipy import sparse
from sklearn.base import _fit_context, clone
from sklearn.exceptions import NotFittedError
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import HasMethods, StrOptions
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data

from ._kernel import draw_pairs, mix
from .columns import CATEGORICAL, CONTINUOUS, TableCodec
from .cut_points import CutPointPolicy, Threshold, check_cut_point
from .weights import EpBeta, WeightDistribution, check_weights

__all__ = ["StructurePreservingMixup"]


@Substitution(
    sampling_strategy=BaseOverSampler._sampling_strategy_docstring,
    random_state=_random_state_docstring,
)
class StructurePreservingMixup(BaseOverSampler):
    """Mixup that keeps a table's means, (co)variances and correlations.

    Each synthetic row mixes two parent rows ``i`` and ``j`` with one weight
    ``W`` drawn from ``weights``: continuous columns become
    ``W·x_i + (1 - W)·x_j`` and categorical columns take the category of
    the parent chosen by the cut-point policy (``x_i``'s when ``W >= τ``).
    With :class:`~skmixup.EpBeta` weights (the default), ``E[W²] = E[W]``, so
    every variance, covariance and correlation is kept exactly, and the
    continuous columns conditional on each category move by O(δ) only.

    It is an imbalanced-learn over-sampler (:meth:`fit_resample`, pairs drawn
    within the class being over-sampled) and a whole-table synthesiser
    (:meth:`fit` then :meth:`sample`).  It takes numpy arrays and pandas
    frames of mixed types and returns the container and dtypes it was given.

    Read more in the :ref:`User Guide <user_guide>`.

    Parameters
    ----------
    weights : WeightDistribution, frozen scipy distribution or None, default=None
        Law of the mixing weight: :class:`~skmixup.EpBeta` (None means
        ``EpBeta(delta=0.05, epsilon=0.3)``), :class:`~skmixup.Uniform`,
        :class:`~skmixup.Beta` or any frozen continuous ``scipy.stats``
        distribution.  ``GridSearchCV`` reaches its parameters as
        ``weights__delta``.

    cut_point : float, CutPointPolicy or None, default=None
        How a synthetic row's categories are chosen: a threshold τ (keep
        parent ``i``'s category iff ``W >= τ``) or a policy such as
        :class:`~skmixup.ClippedWeight`.  None takes the policy EpBeta was
        solved against, or ``Threshold(0.5)`` for other weights; a policy
        that contradicts EpBeta's is an error, since δ would not hold.

    {sampling_strategy}

    label_mixing : {{"stratified", "joint", "soft"}}, default="stratified"
        How :meth:`sample` treats a class label ``y`` given to :meth:`fit`:

        - ``"stratified"``: both parents come from one class, the label is
          exact and every within-class moment is kept (:ref:`theory-stratified`); class
          shares are kept in expectation.
        - ``"joint"``: ``y`` is one more categorical column (:ref:`theory-conditional`).
        - ``"soft"``: ``y`` is one-hot encoded and mixed like continuous
          columns; :meth:`sample` returns label *scores* of shape
          ``(n_samples, n_classes)``, which keep ``Cov[X, onehot(y)]``
          exactly (:ref:`theory-soft`) and, with EpBeta, may fall outside [0, 1].

        A continuous ``y`` (regression) is always mixed like a continuous
        column.  :meth:`fit_resample` always pairs within a class.

    categorical_features : "auto" or array-like, default="auto"
        ``"auto"`` detects each column's kind from its dtype (see
        :mod:`skmixup.columns`); otherwise, as in imbalanced-learn's SMOTENC,
        indices, a boolean mask or column names of the categorical columns.

    column_kinds : dict or None, default=None
        Per-column override ``{{column: "continuous" | "categorical"}}``,
        applied after ``categorical_features``.

    shared_weights : bool, default=True
        One weight per synthetic row shared by all columns, which keeps
        covariances.  ``False`` draws an independent weight per column (an
        ablation: variances are kept, covariances shrink by
        ``1 - 2E[W] + 2E[W]²``).

    clip : None, "observed" or dict, default=None
        EpBeta reaches outside [0, 1], so mixed values can fall outside the
        observed range.  None keeps them (and keeps the variance exact);
        ``"observed"`` clips each continuous column to its observed range;
        a dict ``{{column: (low, high)}}`` clips the named continuous columns
        to natural bounds (None for an open side).  Clipping pulls the tails
        in, so it shrinks variances a little.

    {random_state}

    Attributes
    ----------
    weights_ : WeightDistribution
        The validated weight distribution in use.

    cut_point_ : CutPointPolicy
        The cut-point policy in use.

    column_kinds_ : dict
        Kind of each column, ``{{column: "continuous" | "categorical"}}``.

    categorical_features_ : ndarray of int
        Positions of the categorical columns.

    continuous_features_ : ndarray of int
        Positions of the continuous columns.

    classes_ : ndarray
        Class labels of ``y`` (classification targets only).

    sampling_strategy_ : dict
        Number of rows to generate per class (set when ``y`` holds classes).

    n_features_in_ : int
        Number of columns seen during ``fit``.

    feature_names_in_ : ndarray of str
        Column names seen during ``fit``, when they are all strings.

    See Also
    --------
    imblearn.over_sampling.SMOTENC : Over-samples mixed tables by
        interpolating towards nearest neighbours.
    imblearn.over_sampling.RandomOverSampler : Duplicates rows.

    Notes
    -----
    Missing values follow the kept parent: a value is missing iff the value
    of the parent whose category is kept is missing, so every column keeps
    its missing rate in expectation.  When only the other parent's value is
    missing, the kept parent's value is copied unmixed.

    Integer columns are rounded back, and every value is clipped to its
    dtype's range (an ``uint8`` column stays in [0, 255]).

    Examples
    --------
    >>> import numpy as np
    >>> from skmixup import StructurePreservingMixup
    >>> rng = np.random.RandomState(0)
    >>> X = rng.multivariate_normal([0, 0], [[1, 0.9], [0.9, 1]], size=2000)
    >>> mixup = StructurePreservingMixup(random_state=0).fit(X)
    >>> synthetic = mixup.sample(20000)
    >>> np.round(np.cov(synthetic.T) / np.cov(X.T), 1)
    array([[1., 1.],
           [1., 1.]])
    >>> y = np.array([0] * 1900 + [1] * 100)
    >>> X_res, y_res = mixup.fit_resample(X, y)
    >>> np.bincount(y_res)
    array([1900, 1900])
    """

    _parameter_constraints: dict = {
        **BaseOverSampler._parameter_constraints,
        "weights": [None, WeightDistribution, HasMethods(["rvs", "expect"])],
        "cut_point": [None, Real, CutPointPolicy],
        "label_mixing": [StrOptions({"stratified", "joint", "soft"})],
        "categorical_features": [StrOptions({"auto"}), "array-like"],
        "column_kinds": [None, Mapping],
        "shared_weights": ["boolean"],
        "clip": [None, StrOptions({"observed"}), Mapping],
    }

    def __init__(
        self,
        *,
        weights=None,
        cut_point=None,
        sampling_strategy="auto",
        label_mixing="stratified",
        categorical_features="auto",
        column_kinds=None,
        shared_weights=True,
        clip=None,
        random_state=None,
    ):
        super().__init__(sampling_strategy=sampling_strategy)
        self.weights = weights
        self.cut_point = cut_point
        self.label_mixing = label_mixing
        self.categorical_features = categorical_features
        self.column_kinds = column_kinds
        self.shared_weights = shared_weights
        self.clip = clip
        self.random_state = random_state

    # ------------------------------------------------------------------ fit

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn the column kinds and keep the encoded table to mix from.

        Parameters
        ----------
        X : {array-like, dataframe} of shape (n_samples, n_features)
            The table. Columns of any supported dtype, with missing values.
        y : array-like of shape (n_samples,), default=None
            Optional target: class labels (mixed as ``label_mixing`` says) or
            a continuous target (mixed like a continuous column).

        Returns
        -------
        self : object
            The fitted synthesiser.
        """
        return self._fit(X, y)

    def _fit(self, X, y, target_type=None, *, parents_only=False):
        """Learn everything and keep the encoded table to mix from.

        ``parents_only`` keeps only the rows of the classes that
        ``sampling_strategy_`` over-samples, the only parents
        :meth:`fit_resample` draws.
        """
        X = self._validate_table(X)
        self._fit_target(y, len(X), target_type)
        rows = self._parent_rows() if parents_only else None
        self._codec = TableCodec(self.categorical_features, self.column_kinds)
        # The encoded table is only ever read, and its range only needed to clip to it.
        self._continuous, self._categorical = self._codec.fit_encode(
            X, copy=False, observe_range=self.clip == "observed", rows=rows
        )
        if rows is not None:
            self._target = self._target[rows]
        self._has_missing = bool(np.isnan(self._continuous).any())
        self.column_kinds_ = dict(self._codec.kinds)
        self.continuous_features_ = np.asarray(self._codec.continuous_indices, dtype=np.int64)
        self.categorical_features_ = np.asarray(self._codec.categorical_indices, dtype=np.int64)
        self.weights_ = check_weights(clone(self.weights, safe=False))
        self.cut_point_ = self._resolve_cut_point()
        self._clip_bounds = self._resolve_clip()
        return self

    def _parent_rows(self) -> np.ndarray | None:
        """Rows of the classes to over-sample, or None when every row is one."""
        if self.clip == "observed":
            return None  # the observed range is the whole table's
        class_code = {label: k for k, label in enumerate(self.classes_)}
        over_sampled = np.zeros(len(self.classes_), dtype=bool)
        over_sampled[[class_code[label] for label, n_new in self.sampling_strategy_.items() if n_new]] = True
        if over_sampled.all():
            return None
        return np.flatnonzero(over_sampled[self._target])

    def _validate_table(self, X):
        self._returns_list = isinstance(X, list)
        if sparse.issparse(X):
            raise TypeError(
                "StructurePreservingMixup does not accept sparse input: mixing categories and "
                "missing values needs dense columns. Convert with X.toarray()."
            )
        if isinstance(X, pd.DataFrame):
            validate_data(self, X=X, reset=True, skip_check_array=True)
            n_rows = X.shape[0]
        else:
            X = validate_data(
                self, X=X, reset=True, dtype=None, ensure_all_finite=False, ensure_min_samples=1
            )
            n_rows = X.shape[0]
        if n_rows < 2:
            raise ValueError(
                f"Found {n_rows} sample(s): StructurePreservingMixup mixes pairs of rows and needs "
                "at least 2 rows (n_samples = 1 given)."
                if n_rows == 1
                else "Found array with 0 sample(s); at least 2 rows are required."
            )
        return X

    def _resolve_cut_point(self) -> CutPointPolicy:
        own = getattr(self.weights_, "cut_point", None) if isinstance(self.weights_, EpBeta) else None
        if self.cut_point is None:
            return check_cut_point(own if own is not None else Threshold(0.5))
        policy = check_cut_point(self.cut_point)
        if own is not None and policy._cache_key() != check_cut_point(own)._cache_key():
            raise ValueError(
                f"The 'cut_point' parameter ({self.cut_point!r}) differs from the cut point that "
                f"the EpBeta weights were solved against ({own!r}); delta would not hold. Set "
                "EpBeta(cut_point=...) instead, or leave cut_point=None."
            )
        return policy

    def _resolve_clip(self):
        """Per continuous column (low, high) arrays, or None for no clipping."""
        if self.clip is None:
            return None
        handlers = self._codec.continuous_handlers
        low = np.full(len(handlers), -np.inf)
        high = np.full(len(handlers), np.inf)
        if self.clip == "observed":
            low[:] = [h.observed_min for h in handlers]
            high[:] = [h.observed_max for h in handlers]
            return low, high
        position = {h.name: k for k, h in enumerate(handlers)}
        for column, bounds in self.clip.items():
            if column not in position:
                kind = self.column_kinds_.get(column)
                raise ValueError(
                    f"The 'clip' parameter names column {column!r}, which is "
                    + ("not a column of X." if kind is None else f"{kind}; only continuous columns clip.")
                )
            try:
                lower, upper = bounds
            except (TypeError, ValueError):
                raise ValueError(
                    f"The 'clip' bounds of column {column!r} must be a pair (low, high) with None "
                    f"for an open side. Got {bounds!r} instead."
                ) from None
            handler = handlers[position[column]]
            k = position[column]
            low[k] = -np.inf if lower is None else handler.encode(pd.Series([lower]))[0]
            high[k] = np.inf if upper is None else handler.encode(pd.Series([upper]))[0]
            if not low[k] <= high[k]:
                raise ValueError(f"The 'clip' bounds of column {column!r} must satisfy low <= high.")
        return low, high

    def _fit_target(self, y, n_rows: int, target_type: str | None = None) -> None:
        """Learn the target: its kind, and for class labels the classes and sampling targets.

        ``target_type`` is ``type_of_target(y)`` when the caller has it already.
        """
        self._target_kind = None
        if y is None:
            return
        self._target_like = y
        y_values = y.to_numpy() if isinstance(y, (pd.Series, pd.DataFrame)) else np.asarray(y)
        if y_values.ndim == 2 and y_values.shape[1] == 1:
            y_values = y_values.ravel()
        if y_values.ndim != 1:
            raise ValueError(
                f"y must be 1-D of shape (n_samples,); got shape {y_values.shape}. "
                "For one-hot labels use fit_resample, or pass the class labels."
            )
        if len(y_values) != n_rows:
            raise ValueError(f"y has {len(y_values)} rows but X has {n_rows}; they must be equal.")
        if y_values.dtype.kind not in "biu" and pd.isna(pd.Series(y_values)).any():
            raise ValueError("y has missing values; a target must be complete.")
        if (target_type or type_of_target(y_values)) == "continuous":
            self._target_kind = CONTINUOUS
            self._target = y_values.astype(np.float64)[:, None]
            if not np.isfinite(self._target).all():
                raise ValueError("y has infinite values; a continuous target must be finite.")
            return
        self._target_kind = CATEGORICAL
        self.classes_, self._target = _class_codes(y_values)
        if n_rows > 20 and len(self.classes_) > round(0.5 * n_rows):  # as check_classification_targets
            warnings.warn(
                "The number of unique classes is greater than 50% of the number of samples. `y` could "
                "represent a regression problem, not a classification problem.",
                UserWarning,
                stacklevel=3,
            )
        strategy, sampling_type = self.sampling_strategy, self._sampling_type
        self.sampling_strategy_ = check_sampling_strategy(strategy, y_values, sampling_type)

    # --------------------------------------------------------------- mixing

    def _mix(
        self,
        n_samples: int,
        random_state,
        groups=None,
        sample_groups=None,
        extra_continuous=None,
        extra_categorical=None,
        out=None,
    ):
        """Draw pairs and weights and mix the encoded table.

        ``extra_*`` are target columns mixed along with the table; ``out``,
        if given, receives the mixed continuous block.  Returns the mixed
        continuous block, the categorical codes and the first parents.
        """
        continuous, categorical = self._continuous, self._categorical
        if extra_continuous is not None:
            continuous = np.hstack([continuous, extra_continuous])
        if extra_categorical is not None:
            categorical = np.hstack([categorical, extra_categorical])
        n_continuous, n_categorical = continuous.shape[1], categorical.shape[1]
        first, second = draw_pairs(n_samples, len(continuous), random_state, groups, sample_groups)
        if self.shared_weights:
            weights = self.weights_.rvs(n_samples, random_state)
            keep = self.cut_point_.keep_first(weights, random_state)
            continuous_weights, continuous_keep, categorical_keep = weights, keep, keep
        else:
            weights = self.weights_.rvs((n_samples, n_continuous + n_categorical), random_state)
            keep = self.cut_point_.keep_first(weights, random_state)
            continuous_weights = weights[:, :n_continuous]
            continuous_keep, categorical_keep = keep[:, :n_continuous], keep[:, n_continuous:]
        mixed, codes = mix(
            continuous,
            categorical,
            first,
            second,
            continuous_weights,
            continuous_keep,
            categorical_keep,
            order=self._codec.decode_order,
            has_missing=self._has_missing,  # targets are complete
            out=None if out is None else (out, np.empty((n_samples, n_categorical), dtype=categorical.dtype)),
        )
        if self._clip_bounds is not None:
            table = mixed[:, : self._continuous.shape[1]]
            np.clip(table, *self._clip_bounds, out=table)
        return mixed, codes, first

    def _decode(self, mixed, codes):
        """Encoded synthetic rows as a table of the fitted container and dtypes."""
        # The mixed arrays are ours alone: the table may keep them instead of a copy.
        return self._codec.decode(mixed[:, : self._continuous.shape[1]], codes, copy=False)

    def _as_input_container(self, table):
        return table.tolist() if self._returns_list else table

    # --------------------------------------------------------------- sample

    def sample(self, n_samples: int, *, random_state=None):
        """Synthesise a whole table.

        Parameters
        ----------
        n_samples : int
            Number of synthetic rows, at least 1.
        random_state : int, RandomState instance or None, default=None
            Overrides the estimator's ``random_state`` for this call.

        Returns
        -------
        X_synthetic : {ndarray, dataframe} of shape (n_samples, n_features)
            Same container, columns and dtypes as the ``X`` given to ``fit``.
        y_synthetic : array-like
            Only when ``fit`` was given ``y``: the synthetic targets, in the
            container and dtype of ``y``; label scores of shape
            ``(n_samples, n_classes)`` (columns in ``classes_`` order) with
            ``label_mixing="soft"``.
        """
        check_is_fitted(self, "weights_")
        if not hasattr(self, "_continuous"):
            raise NotFittedError(
                "This StructurePreservingMixup was fitted by fit_resample, which keeps only the rows "
                "of the classes it over-samples; call fit(X) before sample()."
            )
        if isinstance(n_samples, bool) or not isinstance(n_samples, Integral) or n_samples < 1:
            raise ValueError(f"The 'n_samples' parameter must be an integer >= 1. Got {n_samples!r} instead.")
        random_state = check_random_state(self.random_state if random_state is None else random_state)
        n_samples = int(n_samples)
        kind = self._target_kind
        if kind is None:
            mixed, codes, _ = self._mix(n_samples, random_state)
            return self._as_input_container(self._decode(mixed, codes))
        if kind == CONTINUOUS:
            mixed, codes, _ = self._mix(n_samples, random_state, extra_continuous=self._target)
            y_new = self._restore_target(mixed[:, -1])
        elif self.label_mixing == "stratified":
            mixed, codes, first = self._mix(n_samples, random_state, groups=self._target)
            y_new = self._restore_target(self.classes_[self._target[first]])
        elif self.label_mixing == "soft":
            one_hot = np.eye(len(self.classes_))[self._target]
            mixed, codes, _ = self._mix(n_samples, random_state, extra_continuous=one_hot)
            y_new = mixed[:, -len(self.classes_) :]
        else:  # joint: the label is one more categorical column.
            mixed, codes, _ = self._mix(n_samples, random_state, extra_categorical=self._target[:, None])
            codes, y_new = codes[:, :-1], self._restore_target(self.classes_[codes[:, -1]])
        return self._as_input_container(self._decode(mixed, codes)), y_new

    def _restore_target(self, values):
        return _in_container_of(values, self._target_like)

    # -------------------------------------------------------- fit_resample

    @_fit_context(prefer_skip_nested_validation=True)
    def fit_resample(self, X, y):
        """Over-sample the classes named by ``sampling_strategy``.

        Pairs are drawn within the class being over-sampled, so the labels
        are exact and the class's own moments are kept.  Only the rows of
        the classes to over-sample are encoded, and none are kept
        afterwards: :meth:`sample` needs :meth:`fit`.

        Parameters
        ----------
        X : {array-like, dataframe} of shape (n_samples, n_features)
            The table to over-sample.
        y : array-like of shape (n_samples,)
            Class labels.

        Returns
        -------
        X_resampled : {ndarray, dataframe} of shape (n_samples_new, n_features)
            The original rows first, then the synthetic rows; same
            container, columns and dtypes as ``X``.
        y_resampled : array-like of shape (n_samples_new,)
            The labels, in the container of ``y``.
        """
        y_like = y
        y, target_type = _class_labels(y)
        X_resampled, y_resampled = self._fit_resample(X, y, target_type)
        if target_type == "multilabel-indicator":  # one-hot rows, as many columns as given
            y_resampled = np.eye(np.shape(y_like)[1], dtype=np.int64)[y_resampled]
        self._target_like = y_like
        return self._as_input_container(X_resampled), self._restore_target(y_resampled)

    def _fit_resample(self, X, y, target_type=None):
        self._fit(X, y, target_type, parents_only=True)
        class_code = {label: k for k, label in enumerate(self.classes_)}
        counts = np.bincount(self._target, minlength=len(self.classes_))
        for label, n_new in self.sampling_strategy_.items():
            if n_new and counts[class_code[label]] == 1:
                warnings.warn(
                    f"Class {label!r} has a single row: its {n_new} synthetic rows are copies of it.",
                    UserWarning,
                    stacklevel=3,
                )
        sample_groups = np.repeat(
            [class_code[label] for label in self.sampling_strategy_],
            list(self.sampling_strategy_.values()),
        ).astype(np.int64)
        random_state = check_random_state(self.random_state)
        mix_new_rows = partial(self._mix, len(sample_groups), random_state, self._target, sample_groups)
        if isinstance(X, pd.DataFrame):
            X_resampled = pd.concat([X, self._decode(*mix_new_rows()[:2])], ignore_index=True)
        elif self._codec.decode_is_identity:
            # The mixed values are the new rows: write them straight after the originals.
            X = np.asarray(X)
            X_resampled = np.empty((len(X) + len(sample_groups), X.shape[1]))
            X_resampled[: len(X)] = X
            mix_new_rows(out=X_resampled[len(X) :])
        else:
            X_new = self._decode(*mix_new_rows()[:2])
            X_resampled = np.concatenate([np.asarray(X, dtype=X_new.dtype), X_new])
        # Only the over-sampled classes were kept: not a table to sample() from.
        del self._continuous, self._categorical, self._target
        return X_resampled, np.concatenate([y, self.classes_[sample_groups]])

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.string = True
        tags.input_tags.categorical = True
        tags.input_tags.sparse = False
        return tags


def _in_container_of(values, like):
    """``values`` in the container (Series, DataFrame, list, array) and dtype of ``like``."""
    if isinstance(like, pd.Series):
        return pd.Series(values, name=like.name).astype(like.dtype)
    if isinstance(like, pd.DataFrame):
        return pd.DataFrame(values, columns=like.columns).astype(like.dtypes)
    if isinstance(like, list):
        return np.asarray(values).tolist()
    return np.asarray(values).astype(np.asarray(like).dtype, copy=False)


_CLASS_TARGETS = (
    "binary",
    "multiclass",
    "multiclass-multioutput",
    "multilabel-indicator",
    "multilabel-sequences",
)


def _class_labels(y) -> tuple[np.ndarray, str]:
    """1-D class labels of ``y`` and its ``type_of_target``.

    The checks of scikit-learn's ``check_classification_targets`` and
    imbalanced-learn's ``check_target_type`` (one-hot rows become their
    class index), with their messages, on one ``type_of_target`` call: each
    call scans ``y`` for its distinct values.
    """
    target_type = type_of_target(y, input_name="y")
    if target_type not in _CLASS_TARGETS:
        raise ValueError(
            f"Unknown label type: {target_type}. Maybe you are trying to fit a classifier, which "
            "expects discrete classes on a regression target with continuous values."
        )
    if target_type == "multilabel-indicator":
        indicator = y if sparse.issparse(y) else np.asarray(y)
        if np.any(indicator.sum(axis=1) > 1):
            raise ValueError(
                "Imbalanced-learn currently supports binary, multiclass and binarized encoded "
                "multiclasss targets. Multilabel and multioutput targets are not supported."
            )
        return np.asarray(indicator.argmax(axis=1)).ravel(), target_type
    return column_or_1d(y), target_type


def _class_codes(labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(labels, return_inverse=True)``, in a fraction of its time.

    Numbers: the sorted distinct values (a sort, which ``np.unique`` with
    counts does far faster than the inverse) and a binary search per row.
    Other labels: ``pd.factorize``, a hash table, instead of sorting objects.
    """
    if labels.dtype.kind in "biuf":
        classes = np.unique(labels, return_counts=True)[0]
        return classes, np.searchsorted(classes, labels)
    codes, classes = pd.factorize(labels, sort=True)
    return np.asarray(classes, dtype=labels.dtype), codes
