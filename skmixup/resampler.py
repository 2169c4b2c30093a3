"""StructurePreservingMixup: the mixed-type over-sampler and table synthesiser."""

from __future__ import annotations

import warnings
from collections import OrderedDict
from collections.abc import Mapping
from numbers import Integral, Real

import numpy as np
import pandas as pd
from imblearn.over_sampling.base import BaseOverSampler
from imblearn.utils import Substitution, check_sampling_strategy
from joblib import effective_n_jobs
from scipy import sparse, stats
from sklearn.base import _fit_context, clone
from sklearn.exceptions import NotFittedError
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import HasMethods, StrOptions
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data

from . import _frames
from ._copies import CopyFinder
from ._kernel import (
    draw_in_blocks,
    draw_parents,
    holds_huge_values,
    kept_records,
    mix,
    mix_per_column,
    stratum_layout,
)
from ._narrowing import NarrowedReach, room_ratio
from .columns import CATEGORICAL, CONTINUOUS, DROP, TableCodec
from .columns._arrays import _counting_offsets, _factorized_by_counting, columns_contiguous, copy_finding_inf
from .cut_points import CutPointPolicy, Threshold, check_cut_point
from .weights import EpBeta, WeightDistribution, check_weights

__all__ = ["StructurePreservingMixup"]

# Copies of real rows are drawn again at most this many times before a warning says so: the
# first times their weights only (but for rows whose parents are one row), then their other
# parents too (the kept parent stays), last every parent.
_COPY_REDRAWS = 32
_WEIGHT_REDRAWS = 8
_PARENT_REDRAWS = 16
_CONDITIONAL_ROUNDS = 64  # rejection rounds of a weight drawn given its kept parent
_BIAS_WARNING = 0.01  # the share of rows given another kept parent above which a warning says so
_RANDOM_STATE_DOC = """random_state : int, RandomState instance, default=None
        Control the randomization of the algorithm.

        - If int, ``random_state`` is the seed used by the random number
          generator;
        - If ``RandomState`` instance, random_state is the random number
          generator;
        - If ``None``, the random number generator is the ``RandomState``
          instance used by ``np.random``."""


class _FrozenContinuousDistribution(HasMethods):
    """A frozen continuous ``scipy.stats`` distribution: the test ``check_weights`` makes.

    scikit-learn's parameter validation takes no constraint by predicate; its
    ``HasMethods`` is one it accepts, narrowed here to what the weights need.
    """

    def __init__(self):
        super().__init__(["rvs", "pdf", "cdf"])

    def is_satisfied_by(self, val):
        return isinstance(getattr(val, "dist", None), stats.rv_continuous)

    def __str__(self):
        return "a frozen continuous scipy.stats distribution"


@Substitution(
    sampling_strategy=BaseOverSampler._sampling_strategy_docstring,
    random_state=_RANDOM_STATE_DOC,
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
    (:meth:`fit` then :meth:`sample`).  It takes numpy arrays, pandas frames
    (numpy or Arrow dtypes) and polars frames of mixed types and returns the
    container and dtypes it was given.

    Read more in the :ref:`User Guide <user_guide>`.

    Parameters
    ----------
    weights : WeightDistribution, frozen scipy distribution or None, default=None
        Law of the mixing weight: :class:`~skmixup.EpBeta` (None means
        ``EpBeta(delta=0.05, epsilon=0.3)``), :class:`~skmixup.Uniform`,
        :class:`~skmixup.Beta`, any frozen continuous ``scipy.stats``
        distribution, or a three-parent law: :class:`~skmixup.CircleWeights`
        (every row's variance kept, kurtosis pulled towards 3) or
        :class:`~skmixup.KurtosisMatchedWeights` (a mixture of the two that
        holds the table's kurtosis over rounds of resynthesis).
        ``GridSearchCV`` reaches its parameters as ``weights__delta``.

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
          shares are kept in expectation, or exactly with
          ``sample(..., exact_class_counts=True)``.
        - ``"joint"``: ``y`` is one more categorical column (:ref:`theory-conditional`).
        - ``"soft"``: ``y`` is one-hot encoded and mixed like continuous
          columns; :meth:`sample` returns label *scores* of shape
          ``(n_samples, n_classes)``, which keep ``Cov[X, onehot(y)]``
          exactly (:ref:`theory-soft`) and, with EpBeta, may fall outside [0, 1].

        A continuous ``y`` (regression) is always mixed like a continuous
        column.  :meth:`fit_resample` always pairs within a class.

    categorical_features : "auto" or array-like, default="auto"
        ``"auto"`` detects each column's kind from its dtype (see
        :mod:`skmixup.columns`), identifiers included; otherwise, as in
        imbalanced-learn's SMOTENC, indices, a boolean mask or column names
        of the categorical columns.

    column_kinds : dict or None, default=None
        Per-column override ``{{column: "continuous" | "categorical" |
        "identifier" | "drop"}}``, applied after ``categorical_features``.
        An identifier column gets fresh values that equal no real one; a
        dropped column is left out of every synthetic table.

    shared_weights : bool, default=True
        One weight per synthetic row shared by all columns, which keeps
        covariances.  ``False`` draws an independent weight per column (an
        ablation: variances are kept, covariances shrink by
        ``1 - 2E[W] + 2E[W]²``).

    clip : None, "observed", "narrow" or dict, default=None
        EpBeta reaches outside [0, 1], so mixed values can fall outside the
        observed range.  None keeps them (and keeps the variance exact);
        ``"observed"`` clips each continuous column to its observed range;
        a dict ``{{column: (low, high)}}`` clips the named continuous columns
        to natural bounds (None for an open side).  Clipping pulls the tails
        in, so it shrinks variances a little.  ``"narrow"`` clips nothing:
        it narrows EpBeta's reach pair by pair, halving ε (up to three
        times) until the pair's mixes fit in the observed range of every
        mixed column, which keeps every mean, variance and covariance exact
        and the contamination at most δ; a pair with one parent on a bound
        of the range can still leave it by ε/8 of the two parents'
        difference (see :ref:`clipping-narrow`).

    value_grids : bool, default=True
        Synthetic values sit on the grid each column was observed on:
        integers, the observed number of decimals of a float column, the
        observed resolution of datetimes (whole days, seconds...).  Grid
        columns with so few levels that rounding would distort their
        variance by more than 0.5 % (a year column with three values, a
        count of cylinders) take the kept parent's value instead of a mix,
        which keeps their distribution exactly and invents no level (see
        :ref:`realism-grids`).  False mixes at full precision (integers
        still round to integers).

    distinct_parents : bool, default=True
        Draw the second parent among the rows (of the stratum) other than
        the first, so that no synthetic row is a real row paired with
        itself.  The variance factor then changes by ``n / (n - 1)``
        (:doc:`/theory`); EpBeta stays exact.  False draws the
        parents independently (the model of the paper).

    redraw_copies : bool, default=True
        Draw again every synthetic row that equals a real row on all its
        columns (a row rounded back onto its parent by a value grid, a
        weight that rounds to exactly one, or the mix of two equal rows), so
        that no real row is ever output: first its weights, from the law
        given its kept parent (and at once its other parents, if they are
        all one row, as independent parents can be), then its other parents
        too, so that its categories and missing values, and the shares and
        missing rates of the table, stay as they are.  A row that still
        cannot differ from every real row (its mixed values all missing, or
        all the values it can take real rows') gets another kept parent,
        which biases the shares of such rows; a warning says so above 1 % of
        the rows.  Rows given all the weight by design (``delta=0``:
        resampling) are kept, and so are the rows of a stratum of one row,
        exact copies of it (a warning says so at the start).

    copy : bool, default=True
        Copy a float array given to :meth:`fit` (False keeps a reference to
        it, saving memory: changing the array afterwards then changes later
        samples).  Other inputs are always encoded into new arrays.

    n_jobs : int or None, default=None
        Threads that mix the rows (None means 1, -1 all cores).  The output
        is the same for every ``n_jobs``.

    {random_state}

    Attributes
    ----------
    weights_ : WeightDistribution
        The validated weight distribution in use.

    cut_point_ : CutPointPolicy or None
        The cut-point policy in use (None for multi-parent weights such as
        :class:`~skmixup.CircleWeights`, whose rows keep the parent of the
        largest weight).

    column_kinds_ : dict
        Kind of each column, ``{{column: "continuous" | "categorical" |
        "identifier" | "drop"}}``.

    categorical_features_ : ndarray of int
        Positions of the categorical columns.

    continuous_features_ : ndarray of int
        Positions of the continuous columns.

    discrete_features_ : ndarray of int
        Positions of the continuous columns mixed as discrete (they take
        the kept parent's value).

    identifier_features_ : ndarray of int
        Positions of the identifier columns.

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

    A fitted estimator holds the encoded training rows: it is as sensitive
    as the data itself.

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
        "weights": [None, WeightDistribution, _FrozenContinuousDistribution()],
        "cut_point": [None, Real, CutPointPolicy],
        "label_mixing": [StrOptions({"stratified", "joint", "soft"})],
        "categorical_features": [StrOptions({"auto"}), "array-like"],
        "column_kinds": [None, Mapping],
        "shared_weights": ["boolean"],
        "clip": [None, StrOptions({"observed", "narrow"}), Mapping],
        "value_grids": ["boolean"],
        "distinct_parents": ["boolean"],
        "redraw_copies": ["boolean"],
        "copy": ["boolean"],
        "n_jobs": [None, Integral],
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
        value_grids=True,
        distinct_parents=True,
        redraw_copies=True,
        copy=True,
        n_jobs=None,
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
        self.value_grids = value_grids
        self.distinct_parents = distinct_parents
        self.redraw_copies = redraw_copies
        self.copy = copy
        self.n_jobs = n_jobs
        self.random_state = random_state

    # ------------------------------------------------------------------ fit

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn the column kinds and keep the encoded table to mix from.

        Parameters
        ----------
        X : {array-like, dataframe} of shape (n_samples, n_features)
            The table: a numpy array, a pandas frame (numpy or Arrow dtypes)
            or a polars frame, with columns of any supported dtype and
            missing values.
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
        :meth:`fit_resample` draws; the other rows are then left for the
        caller to check for ``inf`` (``self._codec.refuse_inf``).
        """
        X = self._validate_table(X)
        if parents_only:
            self._validated_input = X
        else:
            y, self._foreign_target = _frames.from_native(y)
            y = _numpy_labels(y)
        self._fit_target(y, len(X), target_type)
        rows = self._parent_rows() if parents_only else None
        self._codec = TableCodec(self.categorical_features, self.column_kinds, self.value_grids)
        discrete_block: list = []
        self._continuous, self._categorical = self._codec.fit_encode(
            X,
            copy=self.copy,
            observe_range=self._needs_observed_range(),
            rows=rows,
            discrete_block=discrete_block,
            refuse_inf=not parents_only,
        )
        # Frames hand the discrete columns over as they encode them; arrays take them when needed.
        self._discrete_columns = (self._continuous, discrete_block[0]) if discrete_block else None
        self._kept_block = None
        if rows is not None:
            self._target = self._target[rows]
        self._has_missing = self._codec.has_missing
        # With missing values the kernel tells overflows from NaN only where values are huge.
        self._huge_values = self._has_missing and holds_huge_values(self._continuous)
        codec = self._codec
        self.column_kinds_ = dict(codec.kinds)
        self.continuous_features_ = np.asarray(codec.continuous_indices, dtype=np.int64)
        self.categorical_features_ = np.asarray(codec.categorical_indices, dtype=np.int64)
        self.identifier_features_ = np.asarray(codec.identifier_indices, dtype=np.int64)
        self.discrete_features_ = self.continuous_features_[codec.discrete]
        if codec.detected_identifiers:
            warnings.warn(
                f"Columns {codec.detected_identifiers!r} look like identifiers (their values are all or "
                "nearly all distinct): synthetic rows get fresh values that equal no real one. Pass "
                "column_kinds={column: 'categorical' | 'continuous' | 'drop'} to mix or drop them instead.",
                UserWarning,
                stacklevel=3,
            )
        weights = check_weights(clone(self.weights, safe=False))
        resolve = getattr(weights, "resolve", None)
        if resolve is None:
            self.weights_ = weights
        elif parents_only or (self._target_kind == CATEGORICAL and self.label_mixing == "stratified"):
            # Parents come from one class: a data-dependent law learns within classes.
            self.weights_ = resolve(self._continuous, strata=self._target)
        else:
            self.weights_ = resolve(self._continuous)
        self.cut_point_ = self._resolve_cut_point()
        self._clip_bounds = self._resolve_clip()
        self._narrowed = self._resolve_narrowing()
        self._copy_finder = None
        return self

    def _parent_rows(self) -> np.ndarray | None:
        """Rows of the classes to over-sample, or None when every row is one."""
        if self._needs_observed_range():
            return None  # the observed range is the whole table's
        class_code = {label: k for k, label in enumerate(self.classes_)}
        over_sampled = np.zeros(len(self.classes_), dtype=bool)
        over_sampled[[class_code[label] for label, n_new in self.sampling_strategy_.items() if n_new]] = True
        if over_sampled.all():
            return None
        return np.flatnonzero(over_sampled[self._target])

    def _validate_table(self, X):
        X, self._foreign_table = _frames.from_native(X)
        self._returns_list = isinstance(X, list)
        if sparse.issparse(X):
            raise TypeError(
                "StructurePreservingMixup does not accept sparse input: mixing categories and "
                "missing values needs dense columns. Convert with X.toarray()."
            )
        if isinstance(X, pd.DataFrame):
            validate_data(self, X=X, reset=True, skip_check_array=True)
            n_rows = X.shape[0]
            if X.shape[1] == 0:
                raise ValueError(
                    f"X has {n_rows} rows but no columns; at least one column is required to mix."
                )
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

    def _resolve_cut_point(self) -> CutPointPolicy | None:
        if getattr(self.weights_, "n_parents", 2) > 2:
            # A multi-parent row keeps the parent of the largest weight: no cut point applies.
            if self.cut_point is not None:
                raise ValueError(
                    f"The 'cut_point' parameter must be None with {type(self.weights_).__name__} "
                    f"weights, whose rows keep the parent of the largest weight; got {self.cut_point!r}."
                )
            if not self.shared_weights:
                raise ValueError(
                    f"shared_weights=False draws one two-parent weight per column; "
                    f"{type(self.weights_).__name__} mixes three parents with one weight vector per row. "
                    "Use shared_weights=True."
                )
            return None
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

    def _needs_observed_range(self) -> bool:
        """Whether ``clip`` uses the observed range of the whole table (to clip, or to narrow)."""
        return isinstance(self.clip, str) and self.clip in ("observed", "narrow")

    def _resolve_clip(self):
        """Per continuous column (low, high) arrays, or None for no clipping."""
        if self.clip is None or self.clip == "narrow":
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

    def _resolve_narrowing(self) -> tuple | None:
        """For ``clip="narrow"``: the ladder of laws, the mixed columns and their observed range.

        None when nothing is narrowed: another ``clip``, a law that never
        leaves [0, 1] (its mixes never leave the range of their parents), or
        no mixed column.
        """
        if self.clip != "narrow":
            return None
        law = self.weights_
        if isinstance(law, EpBeta):
            if max(law.epsilon_) == 0.0:
                return None  # delta=0, or no reach: nothing to narrow
        elif getattr(law, "n_parents", 2) == 2 and _within_unit_interval(law):
            return None
        else:
            raise ValueError(
                f"The 'clip' parameter 'narrow' narrows the reach of EpBeta weights; {law!r} reaches "
                "outside [0, 1] and has no narrower versions. Use EpBeta weights, or clip='observed'."
            )
        mixed = np.flatnonzero(~np.asarray(self._codec.discrete, dtype=bool))
        if mixed.size == 0:
            return None
        handlers = [self._codec.continuous_handlers[k] for k in mixed]
        low = np.array([h.observed_min for h in handlers])
        high = np.array([h.observed_max for h in handlers])
        return NarrowedReach(law), mixed, low, high

    def _rungs(self, parents: np.ndarray) -> np.ndarray | None:
        """Under ``clip="narrow"``, the rung of each pair's law (indices into the table); else None."""
        narrowed = getattr(self, "_narrowed", None)  # None too for an estimator pickled before it
        if narrowed is None:
            return None
        ladder, mixed, low, high = narrowed
        # Target columns mixed along (a regression target, soft labels) are not narrowed for.
        columns = None if mixed.size == self._continuous.shape[1] else mixed
        return ladder.rungs(room_ratio(self._continuous, parents, low, high, columns))

    def _fit_target(self, y, n_rows: int, target_type: str | None = None) -> None:
        """Learn the target: its kind, and for class labels the classes and sampling targets.

        ``target_type`` is ``type_of_target(y)`` when the caller has it already.
        """
        self._target_kind = None
        for attribute in ("classes_", "sampling_strategy_"):  # from an earlier fit with y
            if hasattr(self, attribute):
                delattr(self, attribute)
        if y is None:
            return
        self._target_like = y
        y_values = y.to_numpy() if isinstance(y, pd.Series | pd.DataFrame) else np.asarray(y)
        if y_values.ndim == 2 and y_values.shape[1] == 1:
            y_values = y_values.ravel()
        if y_values.ndim != 1:
            raise ValueError(
                f"y must be 1-D of shape (n_samples,); got shape {y_values.shape}. "
                "For one-hot labels use fit_resample, or pass the class labels."
            )
        if len(y_values) != n_rows:
            raise ValueError(f"y has {len(y_values)} rows but X has {n_rows}; they must be equal.")
        _refuse_missing_labels(y_values)
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
        counts = np.bincount(self._target, minlength=len(self.classes_))
        self.sampling_strategy_ = _strategy_of_counts(
            self.sampling_strategy, self.classes_, counts, self._sampling_type, labels=y_values
        )

    # --------------------------------------------------------------- mixing

    def _draw_weights(self, n_samples: int, random_state, rungs=None) -> tuple[np.ndarray, np.ndarray]:
        """Parent weights (n, k) and kept parents (n,) for shared weights.

        ``rungs`` (from :meth:`_rungs`, under ``clip="narrow"``) picks each
        row's law on the ladder of narrowed reaches.
        """
        if rungs is not None:
            w = self._narrowed[0].rvs(rungs, random_state)
        else:
            draw = getattr(self.weights_, "draw", None)
            if draw is not None:
                weights, kept = draw(n_samples, random_state, self.cut_point_)
                return np.asarray(weights, dtype=np.float64), np.asarray(kept, dtype=np.intp)
            w = self.weights_.rvs(n_samples, random_state)
        keep_first = self.cut_point_.keep_first(w, random_state)
        return np.column_stack([w, 1.0 - w]), np.where(keep_first, 0, 1).astype(np.intp)

    def _mix(
        self,
        n_samples: int,
        random_state,
        *,
        rows=None,
        groups=None,
        sample_groups=None,
        extra_continuous=None,
        extra_categorical=None,
        out=None,
    ):
        """Draw parents and weights, mix, draw copies of real rows again.

        ``rows`` restricts the parents to those rows (``groups`` is then
        given for them); ``extra_*`` are target columns mixed along with the
        table; ``out``, if given, receives the mixed continuous block.
        Returns the mixed continuous block, the categorical codes and each
        row's parents (indices into the whole table).
        """
        continuous, categorical = self._continuous, self._categorical
        if extra_continuous is not None:
            continuous = np.hstack([continuous, extra_continuous])
        if extra_categorical is not None:
            categorical = np.hstack([categorical, extra_categorical])
        n_rows = len(continuous) if rows is None else len(rows)
        n_parents = getattr(self.weights_, "n_parents", 2)
        # Parents and weights come from a numpy Generator (faster than RandomState for the
        # same laws) seeded from random_state, so the output stays reproducible.
        generator = np.random.default_rng(random_state.randint(np.iinfo(np.int32).max, size=4))

        layout = None if groups is None else stratum_layout(groups)

        def draw(n, strata, source=generator):
            local = draw_parents(
                n, n_rows, source, groups, strata, n_parents=n_parents, distinct=self.distinct_parents,
                layout=layout,
            )  # fmt: skip
            return local if rows is None else rows[local]

        if not self.shared_weights:
            mixed, codes, parents = self._mix_per_column(
                continuous, categorical, draw(n_samples, sample_groups), generator
            )
            if out is not None:
                out[:] = mixed
                mixed = out
            return mixed, codes, parents
        drawn, weights, kept = self._draw_all(n_samples, generator, draw, sample_groups, n_parents)
        parents = drawn.copy()
        _absent_parents_are_kept(parents, weights, kept)
        finder = self._copies()
        watch = None
        if finder is not None and finder.watched_column is not None:
            watch = (finder.watched_column, np.empty(n_samples, dtype=bool))

        def strata_of(found):
            return self._strata(found, parents, rows, groups, sample_groups)

        lone = _lone_rows(n_samples, n_rows, layout, strata_of)
        # A row paired with itself by independent parents is made an exact copy for the copy
        # check to see; with no check (redraw_copies=False) such copies are accepted anyway.
        repeats = lone is not None or (finder is not None and not self.distinct_parents)
        mixed, codes = self._mix_rows(continuous, categorical, parents, weights, kept, out, watch, repeats)
        if finder is not None:
            self._redraw_copies(
                finder, continuous, categorical, mixed, codes, drawn, parents, weights, kept, watch,
                generator, draw, strata_of, lone,
            )  # fmt: skip
        return mixed, codes, parents

    def _draw_all(self, n_samples, generator, draw, sample_groups, n_parents):
        """Every row's parents, weights and kept parent, drawn in blocks by ``n_jobs`` threads."""
        drawn = np.empty((n_samples, n_parents), dtype=np.intp)
        weights = np.empty((n_samples, n_parents))
        kept = np.empty(n_samples, dtype=np.intp)

        def draw_block(source, start, stop):
            strata = None if sample_groups is None else sample_groups[start:stop]
            drawn[start:stop] = draw(stop - start, strata, source)
            rungs = self._rungs(drawn[start:stop])
            weights[start:stop], kept[start:stop] = self._draw_weights(stop - start, source, rungs)

        draw_in_blocks(n_samples, generator, draw_block, effective_n_jobs(self.n_jobs))
        return drawn, weights, kept

    @staticmethod
    def _strata(found, parents, rows, groups, sample_groups):
        """The strata of the rows ``found``, to draw their parents again from the same ones."""
        if sample_groups is not None:
            return sample_groups[found]
        if groups is None:
            return None
        first = parents[found, 0]
        return groups[first if rows is None else _positions(rows, first)]

    def _redraw_copies(
        self, finder, continuous, categorical, mixed, codes, drawn, parents, weights, kept, watch, generator,
        draw, strata_of, lone=None,
    ):  # fmt: skip
        """Draw again the rows equal to a real row, in place, until none is (or give up and warn).

        First the weights only, from the law conditioned on keeping the same
        parent (and the other parents of a row whose parents are all one row,
        which no weight changes), then the other parents too: the row keeps
        its kept parent, so its categories and missing values, and the shares
        and missing rates are untouched.  The rows still copies after that cannot differ from
        every real row with that kept parent (its mixed values are all
        missing, or the few values they can take are all real rows): they get
        another kept parent, which lowers the share of such rows; a warning
        says when more than 1 % of the rows needed that.

        ``drawn`` holds the parents as drawn and ``parents`` those mixed (a
        parent of weight zero made the kept one): new weights apply to the
        drawn parents.  Without ``draw`` (the Dask path, whose parents live in
        other partitions) every redraw is of the weights.  The rows ``lone``
        (a mask, or None) come from a stratum of one row: they are copies of
        it by design, as a warning has said, and are left so.
        """
        # Only the table's columns: a joint label's code or a soft label's scores come after.
        n_table, n_codes = self._continuous.shape[1], self._categorical.shape[1]
        designed = self._copies_by_design(weights, kept)
        if lone is not None:
            designed |= lone
        candidates = self._copy_candidates(watch, designed)
        moved = np.zeros(len(mixed), dtype=bool)
        for attempt in range(_COPY_REDRAWS + 1):
            found = finder.copies(mixed[:, :n_table], codes[:, :n_codes], candidates)
            if found.size == 0 or attempt == _COPY_REDRAWS:
                break
            if draw is None or attempt < _PARENT_REDRAWS:
                new_drawn = drawn[found]
                if draw is not None:
                    # A row whose parents are all one row is that row whatever its weights
                    # (independent parents): its other parents are drawn again at once.
                    again = (new_drawn == new_drawn[:, :1]).all(axis=1) | (attempt >= _WEIGHT_REDRAWS)
                    if again.any():
                        rows = found[again]
                        new_drawn[again] = _keeping_parent(
                            draw(rows.size, strata_of(rows)), new_drawn[again], kept[rows]
                        )
                new_weights, new_kept = self._weights_keeping(
                    kept[found], weights[found], generator, self._rungs(new_drawn)
                )
            else:
                moved[found] = True
                new_drawn = draw(found.size, strata_of(found))
                new_weights, new_kept = self._draw_weights(found.size, generator, self._rungs(new_drawn))
            drawn[found] = new_drawn
            new_parents = new_drawn.copy()
            _absent_parents_are_kept(new_parents, new_weights, new_kept)
            new_watch = None if watch is None else (watch[0], np.empty(found.size, dtype=bool))
            new_mixed, new_codes = self._mix_rows(
                continuous, categorical, new_parents, new_weights, new_kept, None, new_watch
            )
            mixed[found], codes[found] = new_mixed, new_codes
            parents[found], weights[found], kept[found] = new_parents, new_weights, new_kept
            candidates = np.zeros(len(mixed), dtype=bool)
            candidates[found] = self._copy_candidates(
                new_watch, self._copies_by_design(new_weights, new_kept)
            )
        share = float(moved.mean()) if len(mixed) else 0.0
        if share > _BIAS_WARNING:
            warnings.warn(
                f"{share:.1%} of the synthetic rows needed another kept parent to differ from every real "
                "row (their mixed values were all missing, or every value they could take was a real "
                "row's): the shares of missing values and categories of such rows may be off by up to "
                f"{share:.1%}. Pass redraw_copies=False to keep them exactly, at the price of copies "
                "of real rows.",
                UserWarning,
                stacklevel=4,
            )
        if found.size:
            reason = (
                "the table has too few distinct rows for mixing to leave them all. They are kept; drop "
                "them, or pass value_grids=False."
                if draw is not None
                else "their parents are equal rows, or the table has too few distinct rows for mixing "
                "to leave them. They are kept."
            )
            warnings.warn(
                f"{found.size} synthetic row(s) still equal a real row after {_COPY_REDRAWS} redraws: "
                + reason,
                UserWarning,
                stacklevel=4,
            )

    def _weights_keeping(self, kept, old_weights, generator, rungs=None):
        """New weights for rows that keep the parent ``kept``: the law given that kept parent.

        By rejection: draws whose kept parent differs are drawn again; a row
        still without an accepted draw after a few dozen rounds keeps its old
        weights (and is drawn again with new parents later).  ``rungs``: the
        rows' laws under ``clip="narrow"``.
        """
        weights, new_kept = old_weights.copy(), kept.copy()
        open_rows = np.arange(len(kept))
        for _ in range(_CONDITIONAL_ROUNDS):
            if open_rows.size == 0:
                break
            open_rungs = None if rungs is None else rungs[open_rows]
            drawn, drawn_kept = self._draw_weights(open_rows.size, generator, open_rungs)
            accepted = drawn_kept == kept[open_rows]
            weights[open_rows[accepted]] = drawn[accepted]
            open_rows = open_rows[~accepted]
        return weights, new_kept

    def _copies_by_design(self, weights, kept) -> np.ndarray:
        """Rows that copy their kept parent because the law says so (``delta=0``: resampling).

        A weight of exactly one from a continuous law (Beta(0.1, 0.1) rounds to
        0 or 1 a few percent of the time) is an accident of floating point, and
        such a copy is drawn again like any other.
        """
        if getattr(self.weights_, "delta", None) != 0:
            return np.zeros(len(kept), dtype=bool)
        return np.take_along_axis(weights, kept[:, None], axis=1)[:, 0] == 1.0

    @staticmethod
    def _copy_candidates(watch, designed) -> np.ndarray:
        """Rows that may equal a real row: those whose value in the watched column is one of
        their parents' (the parents share it, or a weight rounds the mix onto a parent), less
        the copies by design; every row when no column is watched."""
        return ~designed if watch is None else watch[1] & ~designed

    def _mix_rows(self, continuous, categorical, parents, weights, kept, out, watch, repeats=True):
        """The kernel's mix of these parents, clipped.

        ``repeats`` says whether a row's parents may all be one row (parents
        drawn independently, or a stratum of one row); such rows are made exact
        copies of it.
        """
        n_samples, n_table = len(parents), self._continuous.shape[1]
        discrete = np.zeros(continuous.shape[1], dtype=bool)
        discrete[:n_table] = self._codec.discrete
        mixed, codes = mix(
            continuous,
            categorical,
            parents,
            weights,
            kept,
            discrete=discrete,
            order=self._codec.decode_order,
            has_missing=self._has_missing,  # targets are complete
            huge_values=self._huge_values,
            watch=watch,
            out=None
            if out is None
            else (out, np.empty((n_samples, categorical.shape[1]), categorical.dtype, order=_order_of(out))),
            n_jobs=effective_n_jobs(self.n_jobs),
            kept_values=self._kept_values(categorical),
        )
        self._clip(mixed)
        if repeats:
            _copies_of_repeated_parents(mixed, continuous, parents, watch)
        return mixed, codes

    def __getstate__(self):
        # The caches of the table (copy finder, discrete columns) are rebuilt on demand;
        # pickling them would only make the pickle larger.
        state = super().__getstate__()
        if "_copy_finder" in state:
            state["_copy_finder"] = None
        state.pop("_discrete_columns", None)
        state.pop("_kept_block", None)
        return state

    def _kept_values(self, categorical: np.ndarray) -> np.ndarray | None:
        """The kernel's records of what a new row takes of its kept parent (see
        :func:`~skmixup._kernel.kept_records`), made once per table.

        The discrete values join the codes only for an output of contiguous columns
        without missing values: otherwise the kernel picks them in the block it mixes.
        """
        # Keyed by the arrays themselves: the Dask path mixes one partition's table after
        # another, and target columns make another categorical block.
        cached = getattr(self, "_kept_block", None)
        if cached is not None and cached[0] is self._continuous and cached[1] is categorical:
            return cached[2]
        discrete = None
        if self._codec.discrete.any() and self._codec.decode_order == "F" and not self._has_missing:
            source, discrete = getattr(self, "_discrete_columns", None) or (None, None)
            if source is not self._continuous:
                discrete = np.take(self._continuous, np.flatnonzero(self._codec.discrete), axis=1)
        records = kept_records(categorical, discrete)
        self._kept_block = (self._continuous, categorical, records)
        return records

    def _mix_per_column(self, continuous, categorical, parents, random_state):
        n_continuous, n_categorical = continuous.shape[1], categorical.shape[1]
        rungs = self._rungs(parents)
        if rungs is None:
            weights = self.weights_.rvs((len(parents), n_continuous + n_categorical), random_state)
        else:  # one rung per row, from the room of every mixed column
            weights = self._narrowed[0].rvs(rungs, random_state, n_continuous + n_categorical)
        keep = self.cut_point_.keep_first(weights, random_state)
        mixed, codes = mix_per_column(
            continuous,
            categorical,
            parents[:, 0],
            parents[:, 1],
            weights[:, :n_continuous],
            keep[:, :n_continuous],
            keep[:, n_continuous:],
            order=self._codec.decode_order,
            has_missing=self._has_missing,
        )
        self._clip(mixed)
        _copies_of_repeated_parents(mixed, continuous, parents, None)
        return mixed, codes, parents

    def _clip(self, mixed):
        if self._clip_bounds is not None:
            table = mixed[:, : self._continuous.shape[1]]
            np.clip(table, *self._clip_bounds, out=table)

    def _copies(self) -> CopyFinder | None:
        """The finder of synthetic rows equal to real ones, when they are to be drawn again.

        None when copies are not redrawn, cannot happen (identifiers), or cannot
        be avoided: with no mixed column (only categorical and discrete ones)
        every synthetic row is its kept parent.
        """
        if not self.redraw_copies or not (~self._codec.discrete).any():
            return None
        if self._copy_finder is None:
            self._copy_finder = CopyFinder(self._codec, self._continuous, self._categorical)
        return self._copy_finder if self._copy_finder.needed else None

    def _decode(self, mixed, codes, random_state, into=None):
        """Encoded synthetic rows as a table of the fitted container and dtypes.

        ``into``: the output array the kernel wrote ``mixed`` into (see
        :meth:`_output_buffer`).
        """
        # The mixed arrays are ours alone: the table may keep them instead of a copy.
        table = self._codec.decode(
            mixed[:, : self._continuous.shape[1]],
            codes,
            copy=False,
            random_state=random_state,
            n_jobs=effective_n_jobs(self.n_jobs),
            into=into,
        )
        return self._as_input_container(table)

    def _output_buffer(self, n_rows: int):
        """``(output, its continuous columns)`` when the kernel can write straight into a float64
        output array (see ``TableCodec.output_array``), else ``(None, None)``: the synthetic
        rows are then written once instead of mixed, then copied."""
        if self._codec.decode_is_identity:
            return None, None
        out = self._codec.output_array(n_rows)
        return (None, None) if out is None else (out, self._codec.continuous_view(out))

    def _as_input_container(self, table):
        if self._foreign_table is not None:
            return self._foreign_table.to_native(table)
        return table.tolist() if self._returns_list else table

    # --------------------------------------------------------------- sample

    def sample(self, n_samples: int, *, given=None, exact_class_counts: bool = False, random_state=None):
        """Synthesise a whole table.

        Parameters
        ----------
        n_samples : int
            Number of synthetic rows, at least 1.
        given : dict or None, default=None
            Conditions ``{column: value}`` (or ``{column: [values]}``) on
            categorical columns and on the class label (named as ``y``'s
            name, or ``"y"`` for an unnamed ``y``): both parents of every
            synthetic row are drawn among the real rows that match, so every
            moment within the condition is kept as the theory says for the
            whole table.  ``None`` as a value matches missing values.
        exact_class_counts : bool, default=False
            With ``label_mixing="stratified"``: give each class exactly its
            share of ``n_samples`` (largest-remainder rounding) instead of
            drawing the classes at random with those shares.
        random_state : int, RandomState instance or None, default=None
            Overrides the estimator's ``random_state`` for this call.

        Returns
        -------
        X_synthetic : {ndarray, dataframe} of shape (n_samples, n_features)
            Same container, columns and dtypes as the ``X`` given to ``fit``
            (dropped columns left out).
        y_synthetic : array-like
            Only when ``fit`` was given ``y``: the synthetic targets, in the
            container and dtype of ``y``; label scores of shape
            ``(n_samples, n_classes)`` (columns in ``classes_`` order) with
            ``label_mixing="soft"``.

        Examples
        --------
        >>> import pandas as pd
        >>> from skmixup import StructurePreservingMixup
        >>> X = pd.DataFrame({"size": [1.0, 2.5, 3.0, 4.5, 5.0, 6.5], "kind": list("aabbab")})
        >>> mixup = StructurePreservingMixup(random_state=0).fit(X)
        >>> mixup.sample(4, given={"kind": "b"})["kind"].tolist()
        ['b', 'b', 'b', 'b']
        """
        check_is_fitted(self, "weights_")
        if not hasattr(self, "_continuous"):
            raise NotFittedError(
                "This StructurePreservingMixup was fitted by fit_resample, which keeps only the rows "
                "of the classes it over-samples; call fit(X) before sample()."
            )
        if isinstance(n_samples, bool) or not isinstance(n_samples, Integral) or n_samples < 1:
            raise ValueError(f"The 'n_samples' parameter must be an integer >= 1. Got {n_samples!r} instead.")
        if not isinstance(exact_class_counts, bool | np.bool_):
            raise ValueError(
                f"The 'exact_class_counts' parameter must be a bool. Got {exact_class_counts!r} instead."
            )
        random_state = check_random_state(self.random_state if random_state is None else random_state)
        n_samples = int(n_samples)
        rows = self._matching_rows(given)
        kind = self._target_kind
        stratified = kind == CATEGORICAL and self.label_mixing == "stratified"
        if exact_class_counts and not stratified:
            raise ValueError(
                "exact_class_counts=True needs class labels mixed with label_mixing='stratified'; this "
                + ("estimator was fitted without a class label y." if kind != CATEGORICAL else "")
                + (f"label_mixing is {self.label_mixing!r}." if kind == CATEGORICAL else "")
            )
        if self.redraw_copies and not (~self._codec.discrete).any() and not len(self.identifier_features_):
            warnings.warn(
                "No column of this table is mixed (every one is categorical or discrete), so every "
                "synthetic row is a copy of a real row; make a column continuous (column_kinds) or "
                "pass value_grids=False to mix integer columns.",
                UserWarning,
                stacklevel=2,
            )
        if kind is None or stratified:
            into, view = self._output_buffer(n_samples)
        if kind is None:
            mixed, codes, _ = self._mix(n_samples, random_state, rows=rows, out=view)
            return self._decode(mixed, codes, random_state, into)
        if kind == CONTINUOUS:
            mixed, codes, _ = self._mix(n_samples, random_state, rows=rows, extra_continuous=self._target)
            y_new = self._restore_target(mixed[:, -1])
        elif stratified:
            labels = self._target if rows is None else self._target[rows]
            sample_groups = _exact_counts(labels, n_samples, random_state) if exact_class_counts else None
            mixed, codes, parents = self._mix(
                n_samples, random_state, rows=rows, groups=labels, sample_groups=sample_groups, out=view
            )
            y_new = self._restore_target(self.classes_[self._target[parents[:, 0]]])
            return self._decode(mixed, codes, random_state, into), y_new
        elif self.label_mixing == "soft":
            one_hot = np.eye(len(self.classes_))[self._target]
            mixed, codes, _ = self._mix(n_samples, random_state, rows=rows, extra_continuous=one_hot)
            y_new = mixed[:, -len(self.classes_) :]
        else:  # joint: the label is one more categorical column.
            mixed, codes, _ = self._mix(
                n_samples, random_state, rows=rows, extra_categorical=self._target[:, None]
            )
            codes, y_new = codes[:, :-1], self._restore_target(self.classes_[codes[:, -1]])
        return self._decode(mixed, codes, random_state), y_new

    def _matching_rows(self, given) -> np.ndarray | None:
        """Positions of the rows that meet every condition of ``given`` (None: no condition)."""
        if given is None:
            return None
        if not isinstance(given, Mapping):
            raise TypeError(
                f"The 'given' parameter must be a dict {{column: value}}; got {type(given).__name__}."
            )
        match = np.ones(len(self._continuous), dtype=bool)
        target_name = self._target_name()
        handlers = {h.name: (k, h) for k, h in enumerate(self._codec.categorical_handlers)}
        for column, wanted in given.items():
            values = (
                list(wanted) if isinstance(wanted, list | tuple | set | np.ndarray | pd.Index) else [wanted]
            )
            if column in handlers:
                k, handler = handlers[column]
                codes, known = self._categorical[:, k], handler.categories
            elif column == target_name and self._target_kind == CATEGORICAL:
                codes, known = self._target, pd.Index(self.classes_)
            else:
                kind = self.column_kinds_.get(column)
                raise ValueError(
                    f"given={given!r}: column {column!r} "
                    + (
                        f"is {kind}; conditions name categorical columns or the class label"
                        + (f" ({target_name!r})" if self._target_kind == CATEGORICAL else "")
                        + "."
                        if kind is not None
                        else "is not a column of X"
                        + (
                            f" nor the class label ({target_name!r})."
                            if self._target_kind == CATEGORICAL
                            else "."
                        )
                    )
                )
            wanted_codes = []
            for value in values:
                if value is None or (isinstance(value, float) and np.isnan(value)):
                    wanted_codes.append(-1)
                    continue
                position = known.get_indexer([value])[0] if len(known) else -1
                if position < 0:
                    raise ValueError(
                        f"given={given!r}: {value!r} is not a category of column {column!r} (its "
                        f"categories: {list(known)[:20]!r}{'...' if len(known) > 20 else ''})."
                    )
                wanted_codes.append(position)
            match &= np.isin(codes, wanted_codes)
        rows = np.flatnonzero(match)
        if rows.size == 0:
            raise ValueError(f"given={given!r}: no row of the fitted table meets every condition.")
        if rows.size == 1:
            warnings.warn(
                f"given={given!r}: one row of the fitted table meets the conditions, so every synthetic "
                "row is a copy of it.",
                UserWarning,
                stacklevel=3,
            )
        return rows

    def _target_name(self):
        name = getattr(self._target_like, "name", None) if self._target_kind is not None else None
        return "y" if name is None else name

    def _restore_target(self, values):
        values = _in_container_of(values, self._target_like)
        return self._foreign_target.to_native(values) if self._foreign_target is not None else values

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
            container, columns and dtypes as ``X`` (dropped columns left
            out).  Identifier columns of the new rows hold fresh values.
        y_resampled : array-like of shape (n_samples_new,)
            The labels, in the container of ``y``.
        """
        y_native, self._foreign_target = _frames.from_native(y)
        y_values, target_type = _class_labels(_numpy_labels(y_native))
        foreign_target = self._foreign_target
        X_resampled, y_resampled = self._fit_resample(X, y_values, target_type)
        self._foreign_target = foreign_target
        if target_type == "multilabel-indicator":  # one-hot rows, as many columns as given
            y_resampled = np.eye(np.shape(y_native)[1], dtype=np.int64)[y_resampled]
        self._target_like = y_native
        return self._as_input_container(X_resampled), self._restore_target(y_resampled)

    def _fit_resample(self, X, y, target_type=None):
        self._fit(X, y, target_type, parents_only=True)
        try:
            return self._resampled(self._validated_input, y)
        finally:  # only the over-sampled classes were kept: not a table to sample() from
            del self._continuous, self._categorical, self._target, self._validated_input
            self._discrete_columns = self._kept_block = None

    def _resampled(self, X, y):
        """The originals then the synthetic rows, and their labels, once ``_fit`` has kept the
        over-sampled classes; the other rows are checked for ``inf`` here."""
        class_code = {label: k for k, label in enumerate(self.classes_)}
        sample_groups = np.repeat(
            [class_code[label] for label in self.sampling_strategy_],
            list(self.sampling_strategy_.values()),
        ).astype(np.int64)
        n_new = len(sample_groups)
        dropped = [k for k, handler in enumerate(self._codec.handlers) if handler.kind == DROP]
        identity = self._codec.decode_is_identity
        in_place = not isinstance(X, pd.DataFrame) and not dropped
        if in_place and not identity:
            in_place = self._codec.continuous_view(np.empty((0, np.shape(X)[1]))) is not None
        if in_place:
            # The new rows written straight after the originals, in the one output array; the
            # originals checked for inf as they are copied there.
            X = np.asarray(X)
            X_resampled = np.empty((len(X) + n_new, X.shape[1]))
            if copy_finding_inf(X, X_resampled[: len(X)]):
                self._codec.refuse_inf(X)  # raises, naming the column, unless it is categorical
        else:
            self._codec.refuse_inf(X)
        counts = np.bincount(self._target, minlength=len(self.classes_))
        for label, n_new_of_class in self.sampling_strategy_.items():
            if n_new_of_class and counts[class_code[label]] == 1:
                shown = label.item() if isinstance(label, np.generic) else label  # 1, not np.int64(1)
                warnings.warn(
                    f"Class {shown!r} has a single row: its {n_new_of_class} synthetic rows are copies "
                    "of it.",
                    UserWarning,
                    stacklevel=4,
                )
        random_state = check_random_state(self.random_state)

        def new_rows(out=None, originals=None, into=None, joined=None):
            mixed, codes, _ = self._mix(
                n_new, random_state, groups=self._target, sample_groups=sample_groups, out=out
            )
            return self._codec.decode(
                mixed[:, : self._continuous.shape[1]],
                codes,
                copy=False,
                random_state=random_state,
                originals=originals,
                n_jobs=effective_n_jobs(self.n_jobs),
                into=into,
                joined=joined,
            )

        if isinstance(X, pd.DataFrame):
            # Plain float64 columns mixed straight after their originals, in their joined columns.
            out, joined = self._codec.joined_continuous(X, n_new) or (None, None)
            X_resampled = new_rows(out=out, originals=X, joined=joined)
        elif in_place:
            new = X_resampled[len(X) :]
            if identity:
                new_rows(out=new)
            else:
                new_rows(out=self._codec.continuous_view(new), into=new)
        else:
            X_new = new_rows()
            originals = np.delete(np.asarray(X), dropped, axis=1) if dropped else np.asarray(X)
            X_resampled = np.concatenate([originals.astype(X_new.dtype, copy=False), X_new])
        return X_resampled, np.concatenate([y, self.classes_[sample_groups]])

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.string = True
        tags.input_tags.categorical = True
        tags.input_tags.sparse = False
        return tags


def _within_unit_interval(law) -> bool:
    """Whether a two-parent law's ``W`` stays in [0, 1], so that its mixes stay between their parents."""
    try:
        low, high = law.to_scipy().support()
    except (AttributeError, NotImplementedError, TypeError, ValueError):
        return False
    return bool(low >= 0.0 and high <= 1.0)


def _keeping_parent(drawn: np.ndarray, old: np.ndarray, kept: np.ndarray) -> np.ndarray:
    """Freshly drawn parents, with each row's old kept parent back in its place.

    The drawn parents are distinct within a row; where another of them is the
    old kept parent, it takes the drawn parent that the kept one displaced, so
    the row's parents stay distinct.
    """
    rows = np.arange(len(drawn))
    keeper = old[rows, kept]
    displaced = drawn[rows, kept].copy()
    collision = drawn == keeper[:, None]
    drawn = np.where(collision, displaced[:, None], drawn)
    drawn[rows, kept] = keeper
    return drawn


def _absent_parents_are_kept(parents: np.ndarray, weights: np.ndarray, kept: np.ndarray) -> None:
    """A parent of weight zero (a two-parent row among three-parent ones) made the kept parent.

    It adds nothing to the mix, but its missing values would reach the row;
    as the kept parent it brings only the missingness the row has anyway.
    """
    absent = weights == 0.0
    if absent.any():
        keeper = np.take_along_axis(parents, kept[:, None], axis=1)
        np.copyto(parents, np.broadcast_to(keeper, parents.shape), where=absent)


def _order_of(block: np.ndarray) -> str:
    """The layout of ``block``: "F" if its columns are contiguous (an F-ordered array or rows
    of one), else "C"."""
    return "F" if columns_contiguous(block) and not block.flags.c_contiguous else "C"


def _lone_rows(n_samples, n_rows, layout, strata_of) -> np.ndarray | None:
    """Which of the ``n_samples`` rows draw their parents from a stratum of one row (a mask),
    or None when none does.

    ``layout`` is that of the strata (None: one stratum of ``n_rows`` rows) and
    ``strata_of(rows)`` gives the strata of some rows.
    """
    if layout is None:
        return np.ones(n_samples, dtype=bool) if n_rows == 1 else None
    counts = layout[2]
    if not (counts == 1).any():
        return None
    lone = counts[strata_of(slice(None))] == 1
    return lone if lone.any() else None


def _copies_of_repeated_parents(mixed, continuous, parents, watch, repeated=None) -> None:
    """Rows whose parents are all one row made exact copies of it, in place.

    The kernel's ``Σ_k w_k · x`` is ``x`` only up to rounding (the weights sum
    to one in exact arithmetic, not in floating point), so such a row would
    differ from its parent in the last bit: a copy that the copy finder, which
    looks for equal values, would miss.  ``repeated`` (a mask) names the rows;
    None finds them, as the rows whose parents are one index.
    """
    if repeated is None:
        if parents.shape[1] < 2:
            return
        repeated = (parents[:, 1:] == parents[:, :1]).all(axis=1)
    repeated = np.flatnonzero(repeated)
    if repeated.size:
        mixed[repeated] = continuous[parents[repeated, 0]]
        if watch is not None:
            watch[1][repeated] = True


def _numpy_labels(y):
    """``y`` with an Arrow-backed Series (from polars, say) as numpy values; others as they are."""
    if isinstance(y, pd.Series) and isinstance(y.dtype, pd.ArrowDtype):
        return pd.Series(y.to_numpy(), name=y.name, index=y.index)
    return y


def _positions(rows: np.ndarray, indices: np.ndarray) -> np.ndarray:
    """Where ``indices`` (rows of the table, all in the sorted ``rows``) stand in ``rows``."""
    return np.searchsorted(rows, indices)


def _exact_counts(labels: np.ndarray, n_samples: int, random_state) -> np.ndarray:
    """Each row's class for ``n_samples`` rows with the classes' exact shares of ``labels``.

    Largest-remainder rounding: every class gets the floor of its share, and
    the rows left go to the largest remainders (ties to the first classes);
    the order of the rows is random.
    """
    counts = np.bincount(labels)
    quota = n_samples * counts / counts.sum()
    whole = np.floor(quota).astype(np.int64)
    left = n_samples - whole.sum()
    whole[np.argsort(-(quota - whole), kind="stable")[:left]] += 1
    return random_state.permutation(np.repeat(np.arange(len(counts)), whole))


def _distinct_small_integers(values: np.ndarray) -> int | None:
    """How many distinct values 1-D integer or bool labels of a small span hold (None for others)."""
    counted = _counting_offsets(values) if values.dtype.kind in "biu" else None
    return None if counted is None else int(np.count_nonzero(np.bincount(counted[2])))


def _strategy_of_counts(strategy, classes: np.ndarray, counts: np.ndarray, sampling_type: str, labels=None):
    """``check_sampling_strategy`` from the class counts, without scanning the labels again.

    imbalanced-learn counts the classes of ``y``; a ``y`` of one small code
    per row (a byte for up to 127 classes) has the same counts and is
    counted several times faster.  A callable strategy gets the labels
    themselves (``labels``, or the classes repeated by their counts).
    """
    if callable(strategy):
        if labels is None:
            labels = np.repeat(classes, counts)
        return check_sampling_strategy(strategy, labels, sampling_type)
    if isinstance(strategy, Mapping):
        code_of = {label: k for k, label in enumerate(classes.tolist())}
        if any(label not in code_of for label in strategy):
            # imbalanced-learn's own error, naming the label: a label that is no class must
            # not pass for the class whose code it happens to equal.
            return check_sampling_strategy(
                strategy, np.repeat(classes, counts) if labels is None else labels, sampling_type
            )
        strategy = {code_of[label]: n for label, n in strategy.items()}
    codes = np.repeat(np.arange(len(classes), dtype=np.min_scalar_type(-len(classes))), counts)
    converted = check_sampling_strategy(strategy, codes, sampling_type)
    return OrderedDict((classes[int(code)], n) for code, n in converted.items())


def _refuse_missing_labels(y_values: np.ndarray) -> None:
    """One message for missing labels, whichever method sees them."""
    if y_values.dtype.kind in "biu":
        return
    missing = pd.isna(pd.Series(y_values.ravel() if y_values.ndim > 1 else y_values)).to_numpy()
    if missing.any():
        where = np.flatnonzero(missing)
        raise ValueError(
            f"y has missing values (NaN, None or NA) at {where.size} position(s), e.g. {where[:5].tolist()}; "
            "every row needs a label."
        )


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
    if not sparse.issparse(y):
        values = y.to_numpy() if isinstance(y, pd.Series | pd.DataFrame) else np.asarray(y)
        if values.dtype.kind not in "biu" and values.size:
            _refuse_missing_labels(values)
        distinct = _distinct_small_integers(values)
        if distinct is not None:  # what type_of_target says of them, without its np.unique
            return values, "binary" if distinct <= 2 else "multiclass"
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
    counted = _factorized_by_counting(labels) if labels.dtype.kind in "biu" else None
    if counted is not None:  # a count per value, then a lookup per row
        codes, classes = counted
        return classes, codes
    if labels.dtype.kind in "biuf":
        classes = np.unique(labels, return_counts=True)[0]
        return classes, np.searchsorted(classes, labels)
    codes, classes = pd.factorize(labels, sort=True)
    return np.asarray(classes, dtype=labels.dtype), codes
