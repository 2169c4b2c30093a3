"""StructurePreservingMixup over a dask DataFrame: the in-memory estimator, by partition."""

from __future__ import annotations

import copy
import math
import warnings
from collections import OrderedDict
from collections.abc import Hashable
from numbers import Integral

import numpy as np
import pandas as pd
from imblearn.over_sampling.base import BaseOverSampler
from imblearn.utils import Substitution
from joblib import effective_n_jobs
from sklearn.base import _fit_context, clone
from sklearn.exceptions import NotFittedError
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_is_fitted

from .. import resampler
from .._kernel import holds_huge_values
from ..columns import CATEGORICAL, CONTINUOUS, DROP, TableCodec
from ..columns.categorical import CategoryDtypeHandler
from ..columns.identifiers import IntegerIdentifierHandler
from ..weights import KurtosisMatchedWeights, WeightDistribution, check_weights
from . import _fit, _pairing, _sample
from ._fit import TARGET

__all__ = ["StructurePreservingMixup"]

_INSTALL = 'pip install "skmixup[dask]"'
#: Summaries merged by one task of the fit's tree reduction.
_SPLIT_EVERY = 8
#: Output partitions hold as many rows as the input's on average, and at least this many.
_MIN_OUTPUT_ROWS = 100_000


def require_dask():
    """``dask`` and ``dask.dataframe``, or an ImportError naming the extra to install."""
    try:
        import dask
        import dask.dataframe as dd
    except ImportError as error:
        raise ImportError(
            f"skmixup.dask.StructurePreservingMixup needs dask[dataframe] and distributed: {_INSTALL} "
            f"({error})."
        ) from None
    return dask, dd


@Substitution(
    sampling_strategy=BaseOverSampler._sampling_strategy_docstring,
    random_state=resampler._RANDOM_STATE_DOC,
)
class StructurePreservingMixup(resampler.StructurePreservingMixup):
    """Structure-preserving mixup of a dask DataFrame, with parents drawn over the whole table.

    The estimator of :class:`skmixup.StructurePreservingMixup`, with the same
    parameters and column kinds, for tables spread over the partitions of a
    dask DataFrame.  :meth:`fit` learns the codec of the whole table in one
    pass (a codec fitted per partition, merged); :meth:`sample` returns a
    lazy dask DataFrame whose rows mix parents drawn uniformly over the
    whole table (or class), wherever they live: the pairs are exactly those
    the in-memory estimator draws, not pairs within a partition (see
    :ref:`scaling`).

    Parameters
    ----------
    weights, cut_point, label_mixing, categorical_features : see below
        As in :class:`skmixup.StructurePreservingMixup`, and so are
        ``column_kinds``, ``shared_weights``, ``clip``, ``value_grids`` and
        ``distinct_parents``: the same validation, weight laws, cut points,
        column kinds, value grids and kernel.

    {sampling_strategy}

    column_kinds, shared_weights, clip, value_grids, distinct_parents : see above

    redraw_copies : bool, default=True
        Draw again the weights of a synthetic row that equals one of the
        rows its output partition received (its own parents among them); the
        parents are kept (see :ref:`scaling-gaps`).

    copy : bool, default=True
        Kept for the parameters to match: the Dask path always encodes into
        new arrays.

    n_jobs : int or None, default=None
        Threads that mix the rows of each output partition (None means 1).

    {random_state}

    max_collected_rows : int, default=1_000_000
        :meth:`fit_resample` collects the rows of the classes to over-sample
        and mixes them in memory, exactly as the in-memory estimator does,
        when there are at most this many (0: never); otherwise it mixes them
        over the partitions like :meth:`sample`.

    Attributes
    ----------
    weights_, cut_point_, column_kinds_, classes_, sampling_strategy_ : see below
        As in :class:`skmixup.StructurePreservingMixup`, and so are
        ``categorical_features_``, ``continuous_features_``,
        ``discrete_features_``, ``identifier_features_``, ``n_features_in_``
        and ``feature_names_in_``.

    partition_rows_ : ndarray of int
        Rows of each partition of the fitted table.

    See Also
    --------
    skmixup.StructurePreservingMixup : The in-memory estimator.

    Notes
    -----
    The fitted estimator keeps the dask DataFrame (its task graph, not its
    data): :meth:`sample` reads the table again, and checks that every
    partition still has the rows it had at :meth:`fit`.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> import dask.dataframe as dd
    >>> from skmixup.dask import StructurePreservingMixup
    >>> rng = np.random.RandomState(0)
    >>> values = rng.multivariate_normal([0, 0], [[1, 0.9], [0.9, 1]], size=2000)
    >>> frame = pd.DataFrame(values, columns=["x", "y"])
    >>> table = dd.from_pandas(frame, npartitions=4)
    >>> mixup = StructurePreservingMixup(random_state=0).fit(table)
    >>> synthetic = mixup.sample(20000, npartitions=4)  # a lazy dask DataFrame
    >>> synthetic.npartitions
    4
    >>> np.round(np.cov(synthetic.compute().T) / np.cov(frame.T), 1)
    array([[1., 1.],
           [1., 1.]])
    """

    _parameter_constraints: dict = {
        **resampler.StructurePreservingMixup._parameter_constraints,
        "max_collected_rows": [Interval(Integral, 0, None, closed="left")],
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
        max_collected_rows=1_000_000,
    ):
        super().__init__(
            weights=weights,
            cut_point=cut_point,
            sampling_strategy=sampling_strategy,
            label_mixing=label_mixing,
            categorical_features=categorical_features,
            column_kinds=column_kinds,
            shared_weights=shared_weights,
            clip=clip,
            value_grids=value_grids,
            distinct_parents=distinct_parents,
            redraw_copies=redraw_copies,
            copy=copy,
            n_jobs=n_jobs,
            random_state=random_state,
        )
        self.max_collected_rows = max_collected_rows

    # ------------------------------------------------------------------ fit

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn the codec of the whole table, in one pass over its partitions.

        Parameters
        ----------
        X : dask DataFrame
            The table, in any number of partitions, with columns of any
            dtype the in-memory estimator takes (numpy or Arrow).
        y : dask Series or column label, default=None
            Optional target: a dask Series with the partitions of ``X`` (the
            same number, with as many rows each), or the label of a column
            of ``X`` (which is then not a column of the table).

        Returns
        -------
        self : object
        """
        table, target = self._input(X, y)
        summary = self._summarize(table, target is not None, by_class=False)
        self._learn(summary, table, target)
        codec = summary.codecs[None].merge([], final=True, count_distinct=self._distinct_counter(table))
        self._fitted(codec)
        self._table = table
        return self

    def _input(self, X, y):
        """The table as one dask frame (``y`` in column ``TARGET``), and an empty Series like ``y``."""
        _, dd = require_dask()
        if not isinstance(X, dd.DataFrame):
            raise TypeError(
                f"skmixup.dask.StructurePreservingMixup takes a dask DataFrame; got {type(X).__module__}."
                f"{type(X).__name__}. For pandas, polars or numpy tables use "
                "skmixup.StructurePreservingMixup."
            )
        columns = list(X.columns)
        if pd.Index(columns).has_duplicates:
            duplicated = list(dict.fromkeys(pd.Index(columns)[pd.Index(columns).duplicated()]))
            raise ValueError(f"Column labels must be unique; duplicated: {duplicated!r}.")
        if TARGET in columns:
            raise ValueError(f"The column label {TARGET!r} is reserved by skmixup.dask; rename that column.")
        if y is None:
            table, target = X, None
        elif isinstance(y, dd.Series):
            if y.npartitions != X.npartitions:
                raise ValueError(
                    f"y has {y.npartitions} partitions but X has {X.npartitions}; y must be split like X "
                    "(the same partitions, with as many rows each)."
                )
            target = y._meta
            meta = X._meta.assign(**{TARGET: pd.Series(target.array, index=X._meta.index)})
            table = dd.map_partitions(
                _with_target, X, y, align_dataframes=False, meta=meta, partition_info=True
            )
        elif isinstance(y, Hashable) and not isinstance(y, bool) and y in set(columns):
            target = X._meta[y]
            kept = [column for column in columns if column != y]
            table = X[[*kept, y]].rename(columns={y: TARGET})
            columns = kept
        elif isinstance(y, str):
            raise ValueError(f"y names column {y!r}, which is not a column of X (its columns: {columns!r}).")
        else:
            raise TypeError(
                "y must be a dask Series with the partitions of X, or the label of a column of X; got "
                f"{type(y).__module__}.{type(y).__name__}."
            )
        if not columns:
            raise ValueError("X has no columns; at least one column is required to mix.")
        self.n_features_in_ = len(columns)
        if all(isinstance(column, str) for column in columns):
            self.feature_names_in_ = np.asarray(columns, dtype=object)
        elif hasattr(self, "feature_names_in_"):
            del self.feature_names_in_
        # Bad column_kinds / categorical_features fail here, before any task runs.
        template = self._template()
        template._kinds(template._split(table._meta.drop(columns=[TARGET], errors="ignore"))[0], True)
        self._target_meta = target
        return table, target

    def _template(self) -> TableCodec:
        return TableCodec(self.categorical_features, self.column_kinds, self.value_grids)

    def _summarize(self, table, has_target: bool, by_class: bool) -> _fit.Summary:
        """One pass over the partitions: their summaries, merged as a tree."""
        dask, _ = require_dask()
        template = self._template()
        level = [
            dask.delayed(_fit.summarize)(part, p, template, has_target, by_class)
            for p, part in enumerate(table.to_delayed())
        ]
        while len(level) > 1:
            level = [
                dask.delayed(_fit.merge)(*level[start : start + _SPLIT_EVERY])
                for start in range(0, len(level), _SPLIT_EVERY)
            ]
        return level[0].compute()

    @staticmethod
    def _distinct_counter(table):
        """Distinct present values of a column over the whole table (a shuffle, so no task holds them all)."""

        def count(name) -> int:
            return int(table[name].nunique(dropna=True).compute())

        return count

    def _learn(self, summary: _fit.Summary, table, target) -> None:
        """Rows, partitions, the target and its classes, from the merged summary."""
        rows = np.asarray(summary.rows, dtype=np.int64)
        self.partition_rows_ = rows
        self._partition_rows = rows
        n_rows = int(rows.sum())
        if n_rows < 2:
            raise ValueError(
                "Found 1 sample(s): StructurePreservingMixup mixes pairs of rows and needs at least 2 rows "
                "(n_samples = 1 given)."
                if n_rows == 1
                else "Found array with 0 sample(s); at least 2 rows are required."
            )
        self._target_kind = None
        for attribute in ("classes_", "sampling_strategy_"):
            if hasattr(self, attribute):
                delattr(self, attribute)
        self._sizes = rows[None, :]
        if target is None:
            return
        self._target_like = target
        if "continuous" in summary.target_types:
            self._target_kind = CONTINUOUS
            return
        self._target_kind = CATEGORICAL
        labels = list(dict.fromkeys(label for counts in summary.class_counts for label in counts))
        self.classes_, _ = resampler._class_codes(np.asarray(labels, dtype=summary.target_dtype))
        position = {label: k for k, label in enumerate(self.classes_.tolist())}
        sizes = np.zeros((len(self.classes_), len(rows)), dtype=np.int64)
        for p, counts in enumerate(summary.class_counts):
            for label, count in counts.items():
                sizes[position[label], p] = count
        self._class_sizes = sizes
        if n_rows > 20 and len(self.classes_) > round(0.5 * n_rows):
            warnings.warn(
                "The number of unique classes is greater than 50% of the number of samples. `y` could "
                "represent a regression problem, not a classification problem.",
                UserWarning,
                stacklevel=3,
            )
        self.sampling_strategy_ = self._strategy(sizes.sum(axis=1))
        if self.label_mixing == "stratified":
            self._sizes = sizes

    def _strategy(self, counts: np.ndarray) -> OrderedDict:
        """``check_sampling_strategy`` from the class counts, without the labels of every row."""
        return resampler._strategy_of_counts(
            self.sampling_strategy, self.classes_, counts, self._sampling_type
        )

    def _fitted(self, codec: TableCodec) -> None:
        """The fitted attributes the in-memory estimator sets, from the merged codec."""
        self._codec = codec
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
        self.weights_ = _data_free(check_weights(clone(self.weights, safe=False)))
        self.cut_point_ = self._resolve_cut_point()
        self._clip_bounds = self._resolve_clip()
        self._narrowed = self._resolve_narrowing()
        self._copy_finder = None

    # --------------------------------------------------------------- sample

    def sample(
        self,
        n_samples: int,
        *,
        given=None,
        exact_class_counts: bool = False,
        random_state=None,
        npartitions: int | None = None,
    ):
        """Synthesise a table of ``n_samples`` rows, lazily.

        Parameters
        ----------
        n_samples : int
            Number of synthetic rows, at least 1.
        given : None
            Not supported by the Dask path (a ``NotImplementedError``): fit
            on the rows that meet the condition instead.
        exact_class_counts : bool, default=False
            As in :meth:`skmixup.StructurePreservingMixup.sample`.
        random_state : int, RandomState instance or None, default=None
            Overrides the estimator's ``random_state``.  An int gives the same
            rows whatever the number of workers (for a given partitioning).
        npartitions : int, default=None
            Partitions of the result (None: as many rows per partition as the
            fitted table has on average).

        Returns
        -------
        X_synthetic : dask DataFrame
            The columns and dtypes of the fitted table (dropped columns left
            out, categories made known), with an index ``0 .. n_samples - 1``.
        y_synthetic : dask Series or DataFrame
            Only when ``fit`` was given ``y``: the synthetic targets (label
            scores, one column per class, with ``label_mixing="soft"``).
            Compute both together (``dask.compute(X, y)``) to read the table once.
        """
        check_is_fitted(self, "weights_")
        if not hasattr(self, "_table"):
            raise NotFittedError(
                "This StructurePreservingMixup was fitted by fit_resample, which keeps only the rows "
                "of the classes it over-samples; call fit(X) before sample()."
            )
        if given is not None:
            raise NotImplementedError(
                "given= is not supported by skmixup.dask: fit on the rows that meet the condition "
                "(e.g. fit(ddf[ddf['column'] == value])) and sample from that."
            )
        if isinstance(n_samples, bool) or not isinstance(n_samples, Integral) or n_samples < 1:
            raise ValueError(f"The 'n_samples' parameter must be an integer >= 1. Got {n_samples!r} instead.")
        if not isinstance(exact_class_counts, bool | np.bool_):
            raise ValueError(
                f"The 'exact_class_counts' parameter must be a bool. Got {exact_class_counts!r} instead."
            )
        n_samples = int(n_samples)
        stratified = self._target_kind == CATEGORICAL and self.label_mixing == "stratified"
        if exact_class_counts and not stratified:
            raise ValueError(
                "exact_class_counts=True needs class labels mixed with label_mixing='stratified'; this "
                + (
                    "estimator was fitted without a class label y."
                    if self._target_kind != CATEGORICAL
                    else ""
                )
                + (f"label_mixing is {self.label_mixing!r}." if self._target_kind == CATEGORICAL else "")
            )
        self._warn_if_nothing_mixes()
        seed = _seed(self.random_state if random_state is None else random_state)
        n_outputs = self._n_outputs(n_samples, npartitions)
        n_parents = getattr(self.weights_, "n_parents", 2)
        if exact_class_counts:
            totals = _exact_totals(self._sizes.sum(axis=1), n_samples)
            layout = _pairing.draw_layout(
                seed, self._sizes, n_outputs, stratum_totals=totals, n_parents=n_parents,
                distinct=self.distinct_parents,
            )  # fmt: skip
        else:
            layout = _pairing.draw_layout(
                seed, self._sizes, n_outputs, n_samples=n_samples, n_parents=n_parents,
                distinct=self.distinct_parents,
            )  # fmt: skip
        synthetic = self._synthesize(self._table, layout, first_row=0)
        return self._split_target(synthetic)

    def _warn_if_nothing_mixes(self) -> None:
        if self.redraw_copies and not (~self._codec.discrete).any() and not len(self.identifier_features_):
            warnings.warn(
                "No column of this table is mixed (every one is categorical or discrete), so every "
                "synthetic row is a copy of a real row; make a column continuous (column_kinds) or "
                "pass value_grids=False to mix integer columns.",
                UserWarning,
                stacklevel=3,
            )

    def _n_outputs(self, n_samples: int, npartitions) -> int:
        if npartitions is not None:
            if isinstance(npartitions, bool) or not isinstance(npartitions, Integral) or npartitions < 1:
                raise ValueError(
                    f"The 'npartitions' parameter must be an integer >= 1. Got {npartitions!r} instead."
                )
            return int(min(npartitions, n_samples))
        rows = self._partition_rows
        per_partition = max(_MIN_OUTPUT_ROWS, rows.sum() / len(rows))
        return int(min(n_samples, max(1, math.ceil(n_samples / per_partition))))

    def _synthesize(self, table, layout: _pairing.Layout, first_row: int, resampling: bool = False):
        """The lazy frame of the layout's synthetic rows (``y`` in column ``TARGET``).

        Every input partition sends each output partition the encoded rows
        it drew for it, as numpy arrays: an all-to-all exchange of about
        ``n_parents · n_samples`` encoded rows, which dask's workers hold,
        and spill to disk when they must, until the output partitions mix them.
        """
        dask, dd = require_dask()
        layout.offsets  # noqa: B018 -- computed once here rather than in every task
        self._resampling = resampling
        mixer = self._mixer()
        self.__dict__.pop("_resampling", None)
        layout_key = dask.delayed(layout, traverse=False)
        mixer_key = dask.delayed(mixer, traverse=False)
        n_outputs = layout.n_outputs
        requests = None
        if layout.distinct and layout.n_parents > 1:
            plans = [dask.delayed(_sample.replacements)(layout_key, o) for o in range(n_outputs)]
            requests = dask.delayed(_sample.gather_requests)(len(self._partition_rows), *plans)
        picks = [
            dask.delayed(_sample.pick, nout=n_outputs)(part, p, layout_key, requests, mixer_key)
            for p, part in enumerate(table.to_delayed())
        ]
        outputs = [
            dask.delayed(_sample.mix)(o, layout_key, mixer_key, first_row, *[pick[o] for pick in picks])
            for o in range(n_outputs)
        ]
        starts = first_row + np.concatenate([[0], np.cumsum(layout.output_rows)])
        divisions = [*starts[:-1].tolist(), int(starts[-1]) - 1]
        with dask.config.set({"dataframe.convert-string": False}):  # the decoded dtypes are the table's
            return dd.from_delayed(outputs, meta=mixer._output_meta(), divisions=divisions, verify_meta=False)

    def _mixer(self):
        """What the tasks need of the estimator: a copy without the table's task graph."""
        mixer = copy.copy(self)
        for attribute in ("_table", "_target_like"):
            mixer.__dict__.pop(attribute, None)
        return mixer

    def _split_target(self, synthetic, resampling: bool = False):
        """The synthetic table and, when fitted with ``y``, its targets."""
        if self._target_kind is None:
            return synthetic
        columns = list(self._output_columns())
        if not resampling and self._target_kind == CATEGORICAL and self.label_mixing == "soft":
            return synthetic[columns], synthetic[[_soft_name(k) for k in range(len(self.classes_))]].rename(
                columns={_soft_name(k): label for k, label in enumerate(self.classes_.tolist())}
            )
        return synthetic[columns], synthetic[TARGET].rename(self._target_meta.name)

    def _output_columns(self):
        return self._empty_table().columns

    def _empty_table(self) -> pd.DataFrame:
        codec = self._codec
        continuous = np.empty((0, len(codec.continuous_indices)))
        categorical = np.empty((0, len(codec.categorical_indices)), dtype=codec.codes_dtype)
        return codec.decode(continuous, categorical, random_state=0)

    def _output_meta(self) -> pd.DataFrame:
        meta = self._empty_table()
        if self._target_kind is None:
            return meta
        if not self._labels_are_strata() and self._target_kind == CATEGORICAL and self.label_mixing == "soft":
            return meta.assign(**{_soft_name(k): np.empty(0) for k in range(len(self.classes_))})
        return meta.assign(**{TARGET: pd.Series(self._target_meta.array[:0], index=meta.index)})

    # --------------------------------------------------- inside the tasks

    _resampling = False  # set on the copy that fit_resample's tasks get: labels are the strata

    def _labels_are_strata(self) -> bool:
        """Whether each synthetic row's label is its stratum's class (pairs drawn within a class)."""
        return self._resampling or (self._target_kind == CATEGORICAL and self.label_mixing == "stratified")

    def _picks_target(self) -> bool:
        """Whether picked rows carry the target (mixed along, not just the stratum)."""
        return not self._labels_are_strata() and self._target_kind is not None

    def _target_is_continuous(self) -> bool:
        return self._target_kind == CONTINUOUS

    def _target_codes(self, labels: np.ndarray) -> np.ndarray:
        """Class codes (positions in ``classes_``) of labels."""
        if self.classes_.dtype.kind in "biuf" and labels.dtype.kind in "biuf":
            return np.searchsorted(self.classes_, labels).astype(np.int64)
        return pd.Index(self.classes_).get_indexer(pd.Index(labels)).astype(np.int64)

    def _mix_output(
        self, continuous, categorical, target, plan, random_state, start: int, offset: int, lone=None
    ) -> pd.DataFrame:
        """One output partition's synthetic rows from its picked rows (runs in a task).

        ``start`` is the index of its first row, ``offset`` the number of
        synthetic rows in the output partitions before it, ``lone`` which rows
        come from a stratum of one row (a mask, or None).
        """
        local = copy.copy(self)
        local._continuous, local._categorical = continuous, categorical
        local._has_missing = bool(np.isnan(continuous).any())
        local._huge_values = local._has_missing and holds_huge_values(continuous)
        local._copy_finder = None
        extra_continuous = extra_categorical = None
        stratified = self._labels_are_strata()
        if stratified:
            pass
        elif self._target_kind == CONTINUOUS:
            extra_continuous = target[:, None]
        elif self._target_kind == CATEGORICAL and self.label_mixing == "soft":
            extra_continuous = np.eye(len(self.classes_))[target]
        elif self._target_kind == CATEGORICAL and self.label_mixing == "joint":
            extra_categorical = target[:, None]
        mixed, codes = local._mix_parents(
            plan.parents, random_state, extra_continuous, extra_categorical, lone
        )
        codec = self._codec_from(offset)
        n_table = continuous.shape[1]
        n_codes = categorical.shape[1]
        frame = codec.decode(
            mixed[:, :n_table],
            codes[:, :n_codes],
            copy=False,
            random_state=random_state,
            n_jobs=effective_n_jobs(self.n_jobs),
        )
        frame.index = pd.RangeIndex(start, start + len(frame))
        if self._target_kind is None:
            return frame
        if stratified:
            values = self.classes_[plan.strata]
        elif self._target_kind == CONTINUOUS:
            values = mixed[:, -1]
        elif self.label_mixing == "soft":
            scores = mixed[:, -len(self.classes_) :]
            return frame.assign(**{_soft_name(k): scores[:, k] for k in range(len(self.classes_))})
        else:
            values = self.classes_[codes[:, -1]]
        labels = resampler._in_container_of(values, self._target_meta)
        return frame.assign(**{TARGET: labels.set_axis(frame.index)})

    def _codec_from(self, start: int) -> TableCodec:
        """The codec whose integer identifiers start ``start`` values further (output partitions in turn)."""
        if not start or not any(isinstance(h, IntegerIdentifierHandler) for h in self._codec.handlers):
            return self._codec
        codec = copy.copy(self._codec)
        codec.handlers = list(codec.handlers)
        for position in codec.identifier_indices:
            handler = codec.handlers[position]
            if isinstance(handler, IntegerIdentifierHandler):
                handler = copy.copy(handler)
                handler.largest += start
                codec.handlers[position] = handler
        codec.identifier_handlers = [codec.handlers[k] for k in codec.identifier_indices]
        return codec

    def _mix_parents(self, parents, random_state, extra_continuous=None, extra_categorical=None, lone=None):
        """The in-memory ``_mix`` with the parents given: weights, kernel, copies drawn again.

        A synthetic row equal to one of the rows of this table (the parents
        picked for this output partition) gets new weights from the law given
        its kept parent (as the in-memory estimator's first redraws do), up to
        the in-memory number of times; its parents are kept, since drawing new
        ones would need rows from other partitions.

        A row's parents may be one real row under different keys: always in a
        stratum of one row (``lone``, a mask or None), and by chance with
        independent parents (``distinct_parents=False``), where the in-memory
        estimator would draw other parents.  Such rows, found by their equal
        values, are made exact copies of that row; new weights cannot change
        them, so they are not drawn again.
        """
        continuous, categorical = self._continuous, self._categorical
        if extra_continuous is not None:
            continuous = np.hstack([continuous, extra_continuous])
        if extra_categorical is not None:
            categorical = np.hstack([categorical, extra_categorical.astype(categorical.dtype, copy=False)])
        n_samples = len(parents)
        # Without a copy check (redraw_copies=False) chance copies are accepted as they come.
        distinct = self.distinct_parents or self._copies() is None
        repeated = _equal_parents(continuous, categorical, parents, lone, distinct)
        if not self.shared_weights:
            mixed, codes, _ = self._mix_per_column(continuous, categorical, parents, random_state)
            resampler._copies_of_repeated_parents(mixed, continuous, parents, None, repeated)
            return mixed, codes
        drawn = parents.copy()
        weights, kept = self._draw_weights(n_samples, random_state, self._rungs(drawn))
        parents = drawn.copy()
        resampler._absent_parents_are_kept(parents, weights, kept)
        finder = self._copies()
        watch = None
        if finder is not None and finder.watched_column is not None:
            watch = (finder.watched_column, np.empty(n_samples, dtype=bool))
        mixed, codes = self._mix_rows(continuous, categorical, parents, weights, kept, None, watch, False)
        resampler._copies_of_repeated_parents(mixed, continuous, parents, watch, repeated)
        if finder is not None:
            self._redraw_copies(
                finder, continuous, categorical, mixed, codes, drawn, parents, weights, kept, watch,
                random_state, draw=None, strata_of=None, lone=repeated,
            )  # fmt: skip
        return mixed, codes

    # -------------------------------------------------------- fit_resample

    @_fit_context(prefer_skip_nested_validation=True)
    def fit_resample(self, X, y):
        """Over-sample the classes named by ``sampling_strategy``, pairing within each class.

        When the classes to over-sample hold at most ``max_collected_rows``
        rows, they are collected and mixed in memory, exactly as the
        in-memory estimator does (the same rows for the same int
        ``random_state``); otherwise they are mixed over the partitions.

        Parameters
        ----------
        X : dask DataFrame
            The table to over-sample.
        y : dask Series or column label
            Class labels, as in :meth:`fit`.

        Returns
        -------
        X_resampled : dask DataFrame
            The original rows first (dropped columns left out), then the
            synthetic rows, with an index ``0 .. n_rows - 1``.
        y_resampled : dask Series
            The labels, with ``y``'s name and dtype.
        """
        if y is None:
            raise ValueError(
                "fit_resample needs class labels y: a dask Series, or the label of a column of X."
            )
        table, target = self._input(X, y)
        summary = self._summarize(table, True, by_class=True)
        self._learn(summary, table, target)
        self.__dict__.pop("_table", None)
        if self._target_kind != CATEGORICAL:
            raise ValueError(
                "Unknown label type: continuous. Maybe you are trying to fit a classifier, which expects "
                "discrete classes on a regression target with continuous values."
            )
        counter = self._distinct_counter(table)
        class_codecs = [summary.codecs[label] for label in self.classes_.tolist()]
        whole = class_codecs[0].merge(class_codecs[1:], final=True, count_distinct=counter)
        sizes = self._class_sizes
        n_new = np.array([self.sampling_strategy_.get(label, 0) for label in self.classes_.tolist()])
        over_sampled = np.flatnonzero(n_new > 0)
        if self._needs_observed_range() or len(over_sampled) == len(self.classes_):
            codec = whole
        else:
            chosen = [class_codecs[k] for k in over_sampled]
            codec = chosen[0].merge(chosen[1:], like=whole)
        self._fitted(codec)
        for k, label in enumerate(self.classes_.tolist()):
            if n_new[k] and sizes[k].sum() == 1:
                warnings.warn(
                    f"Class {label!r} has a single row: its {n_new[k]} synthetic rows are copies of it.",
                    UserWarning,
                    stacklevel=2,
                )
        originals = self._originals(table)
        n_rows = int(self._partition_rows.sum())
        if sizes[over_sampled].sum() <= self.max_collected_rows:
            synthetic = self._resample_in_memory(table, n_new, n_rows)
        else:
            layout = _pairing.draw_layout(
                _seed(self.random_state),
                sizes,
                self._n_outputs(int(n_new.sum()), None),
                stratum_totals=n_new,
                ordered=True,
                n_parents=getattr(self.weights_, "n_parents", 2),
                distinct=self.distinct_parents,
            )
            synthetic = self._synthesize(table, layout, first_row=n_rows, resampling=True)
        X_new, y_new = self._split_target(synthetic, resampling=True)
        _, dd = require_dask()
        return dd.concat([originals[0], X_new]), dd.concat([originals[1], y_new])

    def _originals(self, table):
        """The real rows as fit_resample returns them: index ``0 .. n - 1``, dtypes of the synthetic rows."""
        meta = self._empty_table()
        name = self._target_meta.name
        target_meta = pd.Series(self._target_meta.array[:0], name=name)
        starts = np.cumsum(self._partition_rows) - self._partition_rows
        dropped = [
            column for column, handler in zip(self._codec.feature_names, self._codec.handlers, strict=True)
            if handler.kind == DROP
        ]  # fmt: skip
        categories = {
            handler.name: handler.dtype
            for handler in self._codec.handlers
            if isinstance(handler, CategoryDtypeHandler)
        }
        X = table.map_partitions(
            _real_rows, starts, dropped, categories, meta=meta.assign(**{TARGET: target_meta.array})
        )
        return X[list(meta.columns)], X[TARGET].rename(name)

    def _resample_in_memory(self, table, n_new: np.ndarray, n_rows: int):
        """The in-memory fit_resample's mixing, on the collected rows of the classes to over-sample."""
        labels = [label for label, count in zip(self.classes_.tolist(), n_new, strict=True) if count]
        parents = table[table[TARGET].isin(labels)].compute()
        X = parents.drop(columns=[TARGET])
        self._continuous, self._categorical = self._codec.encode(X)
        self._target = self._target_codes(_fit.target_values(parents))
        self._has_missing = bool(np.isnan(self._continuous).any())
        self._huge_values = self._has_missing and holds_huge_values(self._continuous)
        class_code = {label: k for k, label in enumerate(self.classes_.tolist())}
        sample_groups = np.repeat(
            [class_code[label] for label in self.sampling_strategy_],
            list(self.sampling_strategy_.values()),
        ).astype(np.int64)
        random_state = check_random_state(self.random_state)
        mixed, codes, _ = self._mix(
            len(sample_groups), random_state, groups=self._target, sample_groups=sample_groups
        )
        X_new = self._codec.decode(
            mixed[:, : self._continuous.shape[1]], codes, copy=False, random_state=random_state
        )
        del self._continuous, self._categorical, self._target
        X_new.index = pd.RangeIndex(n_rows, n_rows + len(X_new))
        labels = resampler._in_container_of(self.classes_[sample_groups], self._target_meta)
        X_new[TARGET] = labels.set_axis(X_new.index)
        dask, dd = require_dask()
        with dask.config.set({"dataframe.convert-string": False}):  # keep the decoded dtypes as they are
            return dd.from_pandas(X_new, npartitions=self._n_outputs(max(len(X_new), 1), None), sort=False)


def _equal_parents(continuous, categorical, parents, lone, distinct):
    """The rows whose parents are one real row (a mask), or None: ``lone``, and with
    independent parents also the rows whose parents have equal values everywhere."""
    if distinct or parents.shape[1] < 2:
        return lone
    first, first_codes = continuous[parents[:, 0]], categorical[parents[:, 0]]
    equal = np.ones(len(parents), dtype=bool)
    for j in range(1, parents.shape[1]):
        other = continuous[parents[:, j]]
        equal &= ((other == first) | (np.isnan(other) & np.isnan(first))).all(axis=1)
        equal &= (categorical[parents[:, j]] == first_codes).all(axis=1)
    return equal if lone is None else equal | lone


def _data_free(weights):
    """The weight law, which must not depend on the data: the Dask path holds no table to resolve it on."""
    resolve = getattr(type(weights), "resolve", None)
    if resolve is None or resolve is WeightDistribution.resolve:
        return weights
    if isinstance(weights, KurtosisMatchedWeights) and not isinstance(weights.kurtosis, str):
        return weights.resolve(np.empty((0, 0)))  # a number: nothing to learn from the table
    raise NotImplementedError(
        f"{weights!r} adapts to the table it is fitted on (its resolve method reads the encoded columns), "
        "which the Dask path does not hold in one place. Give it a number (e.g. "
        "KurtosisMatchedWeights(kurtosis=4.0)), or use the in-memory skmixup.StructurePreservingMixup."
    )


def _with_target(part: pd.DataFrame, target: pd.Series, partition_info=None) -> pd.DataFrame:
    """A partition of X with the labels of y's partition as column ``TARGET``."""
    if len(part) != len(target):
        where = "" if partition_info is None else f" in partition {partition_info['number']}"
        raise ValueError(f"y has {len(target)} rows but X has {len(part)}{where}; they must be equal.")
    return part.assign(**{TARGET: pd.Series(target.array, index=part.index)})


def _real_rows(part: pd.DataFrame, starts, dropped, categories, partition_info=None) -> pd.DataFrame:
    """A partition of the real rows as fit_resample returns it."""
    p = partition_info["number"] if partition_info is not None else 0
    part = part.drop(columns=dropped) if dropped else part
    if categories:
        part = part.astype(categories)
    return part.set_axis(pd.RangeIndex(starts[p], starts[p] + len(part)))


def _soft_name(k: int) -> str:
    return f"{TARGET}{k}"


def _seed(random_state) -> int:
    """The seed of every stream of one draw."""
    if isinstance(random_state, Integral) and not isinstance(random_state, bool):
        if random_state < 0:
            raise ValueError(f"random_state must be a non-negative int; got {random_state}.")
        return int(random_state)
    return int(check_random_state(random_state).randint(np.iinfo(np.int32).max))


def _exact_totals(counts: np.ndarray, n_samples: int) -> np.ndarray:
    """Each class's rows among ``n_samples`` with exact shares (the in-memory largest-remainder rule)."""
    quota = n_samples * counts / counts.sum()
    whole = np.floor(quota).astype(np.int64)
    left = n_samples - whole.sum()
    whole[np.argsort(-(quota - whole), kind="stable")[:left]] += 1
    return whole
