"""The global fit as a map-reduce: a summary per partition, merged pairwise into the table's.

A partition's summary is its row count, its class counts and one
:class:`~skmixup.columns.TableCodec` fitted on it (:meth:`TableCodec.fit_part`),
or one per class when ``fit_resample`` needs the codec of some classes only.
Summaries of consecutive partitions merge (:meth:`TableCodec.merge` with
``final=False``) into a summary of the same form, so dask reduces them as a
tree and no task holds more than a few of them.  Nothing here imports dask:
these functions run inside its tasks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.utils.multiclass import type_of_target

from ..columns import TableCodec

#: The column that carries ``y`` next to the table's columns in the frames the tasks see.
TARGET = "__skmixup_target__"


@dataclass
class Summary:
    """What the partitions ``first .. first + len(rows) - 1`` tell the fit.

    Attributes
    ----------
    first : int
        The first partition summarised.
    rows : list of int
        Rows of each partition.
    class_counts : list of dict
        Per partition, ``{label: rows}`` (empty without class labels).
    codecs : dict
        ``{label: codec}`` by class, or ``{None: codec}`` for the whole table.
    target_types : set of str
        ``type_of_target`` of each partition's labels.
    target_dtype : numpy dtype or None
        The dtype of the labels' values.
    """

    first: int
    rows: list = field(default_factory=list)
    class_counts: list = field(default_factory=list)
    codecs: dict = field(default_factory=dict)
    target_types: set = field(default_factory=set)
    target_dtype: object = None


def target_values(part: pd.DataFrame) -> np.ndarray:
    """The labels of a partition as numpy values (as the in-memory estimator reads ``y``)."""
    column = part[TARGET]
    return column.to_numpy() if not isinstance(column.dtype, pd.ArrowDtype) else np.asarray(column.to_numpy())


def summarize(part: pd.DataFrame, p: int, template: TableCodec, has_target: bool, by_class: bool) -> Summary:
    """Summarise partition ``p`` (its rows, class counts and codec or codecs)."""
    summary = Summary(first=p, rows=[len(part)])
    X = part.drop(columns=[TARGET]) if has_target else part
    labels = None
    if has_target and len(part):
        labels = target_values(part)
        _refuse_missing_labels(labels, p)
        kind = type_of_target(labels)
        summary.target_types.add(kind)
        summary.target_dtype = labels.dtype
        if kind == "continuous":
            if not np.isfinite(labels.astype(np.float64)).all():
                raise ValueError("y has infinite values; a continuous target must be finite.")
            labels = None
        else:
            values, counts = (
                np.unique(labels, return_counts=True) if labels.dtype.kind in "biuf" else (None, None)
            )
            if values is None:
                counts_series = pd.Series(labels, dtype=object).value_counts(sort=False)
                values, counts = counts_series.index.to_numpy(dtype=object), counts_series.to_numpy()
            summary.class_counts.append(dict(zip(values.tolist(), counts.tolist(), strict=True)))
    if not summary.class_counts:
        summary.class_counts.append({})
    if not len(part):
        return summary
    if by_class and labels is not None:
        codes, uniques = pd.factorize(labels)
        order = np.argsort(codes, kind="stable")  # each class's rows, in row order
        ends = np.cumsum(np.bincount(codes, minlength=len(uniques)))
        starts = ends - np.bincount(codes, minlength=len(uniques))
        for k, label in enumerate(uniques.tolist()):
            summary.codecs[label] = template.fit_part(X.iloc[order[starts[k] : ends[k]]])
    else:
        summary.codecs[None] = template.fit_part(X)
    return summary


def _refuse_missing_labels(labels: np.ndarray, p: int) -> None:
    if labels.dtype.kind in "biu":
        return
    missing = pd.isna(pd.Series(labels)).to_numpy()
    if missing.any():
        where = np.flatnonzero(missing)
        raise ValueError(
            f"y has missing values (NaN, None or NA) at {where.size} position(s) of partition {p}, e.g. "
            f"{where[:5].tolist()}; every row needs a label."
        )


def merge(*summaries: Summary) -> Summary:
    """The summary of consecutive partitions from theirs (in order)."""
    summaries = [summary for summary in summaries if summary is not None]
    merged = Summary(first=summaries[0].first)
    labels = []
    for summary in summaries:
        merged.rows += summary.rows
        merged.class_counts += summary.class_counts
        merged.target_types |= summary.target_types
        merged.target_dtype = merged.target_dtype if merged.target_dtype is not None else summary.target_dtype
        labels += [label for label in summary.codecs if label not in labels]
    for label in labels:
        codecs = [summary.codecs[label] for summary in summaries if label in summary.codecs]
        merged.codecs[label] = codecs[0].merge(codecs[1:], final=False)
    return merged
