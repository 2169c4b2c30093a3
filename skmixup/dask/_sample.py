"""The tasks of sampling: what an input partition sends, and what an output partition mixes.

Each input partition encodes its rows with the fitted codec and sends every
output partition the rows it drew for it (:func:`pick`), as a frame of
encoded values keyed by their place in the output partition's table of
picked rows; dask brings the pieces to their output partition (a shuffle on
the ``_o`` column), which puts them back in key order, pairs them
(:func:`skmixup.dask._pairing.plan_output`) and mixes them with the
in-memory estimator's own kernel and decoding (:func:`mix`).  Nothing here
imports dask: these functions run inside its tasks.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import _pairing
from ._fit import TARGET, target_values

#: The column that says which output partition a picked row goes to.
OUTPUT = "_o"
#: The column that says where a picked row stands in its output partition's table.
KEY = "_key"
_TARGET_CODE = "_t"


def continuous_names(n: int) -> list[str]:
    return [f"c{k}" for k in range(n)]


def categorical_names(n: int) -> list[str]:
    return [f"k{k}" for k in range(n)]


def picked_meta(mixer) -> pd.DataFrame:
    """The (empty) frame of picked rows: output partition, key, encoded values, target."""
    codec = mixer._codec
    columns = {OUTPUT: np.empty(0, np.int64), KEY: np.empty(0, np.int64)}
    for name in continuous_names(len(codec.continuous_indices)):
        columns[name] = np.empty(0, np.float64)
    for name in categorical_names(len(codec.categorical_indices)):
        columns[name] = np.empty(0, codec.codes_dtype)
    if mixer._picks_target():
        columns[_TARGET_CODE] = np.empty(0, np.float64 if mixer._target_is_continuous() else np.int64)
    return pd.DataFrame(columns)


def replacements(layout: _pairing.Layout, o: int) -> tuple[int, _pairing.OutputPlan]:
    """The replacement rows that output partition ``o`` asks for (its plan without the pairing)."""
    plan = _pairing.plan_output(layout.for_output(o), o)
    return o, _pairing.OutputPlan(plan.parents[:0], plan.strata[:0], plan.n_block_rows, plan.replacements)


def gather_requests(n_partitions: int, *plans) -> list[np.ndarray]:
    return _pairing.partition_requests(list(plans), n_partitions)


def pick(part: pd.DataFrame, layout, requests, mixer, partition_info=None) -> pd.DataFrame:
    """The encoded rows partition ``p`` sends to every output partition."""
    p = partition_info["number"]
    expected = int(mixer._partition_rows[p])
    if len(part) != expected:
        raise ValueError(
            f"Partition {p} of the table has {len(part)} rows, but it had {expected} when the estimator "
            "was fitted; sample from the table it was fitted on (persist it, or fit again)."
        )
    has_target = TARGET in part.columns
    X = part.drop(columns=[TARGET]) if has_target else part
    continuous, categorical = mixer._codec.encode(X)
    labels = (
        mixer._target_codes(target_values(part)) if has_target and not mixer._target_is_continuous() else None
    )
    n_strata = layout.sizes.shape[0]
    strata = _pairing.stratum_rows(labels if n_strata > 1 else None, len(part), n_strata)
    asked = requests[p] if requests is not None else np.empty((0, 4), dtype=np.int64)
    picked = _pairing.picked_rows(layout.for_partition(p), layout.seed, p, strata, asked)
    if picked:
        outputs = np.concatenate([np.full(rows.size, o, dtype=np.int64) for o, rows, _ in picked])
        rows = np.concatenate([rows for _, rows, _ in picked])
        keys = np.concatenate([keys for _, _, keys in picked])
    else:
        outputs = rows = keys = np.empty(0, dtype=np.int64)
    columns = {OUTPUT: outputs, KEY: keys}
    values = continuous[rows]
    for k, name in enumerate(continuous_names(continuous.shape[1])):
        columns[name] = values[:, k]
    codes = categorical[rows]
    for k, name in enumerate(categorical_names(categorical.shape[1])):
        columns[name] = codes[:, k]
    if mixer._picks_target():
        target = target_values(part)
        encoded = target.astype(np.float64) if mixer._target_is_continuous() else mixer._target_codes(target)
        columns[_TARGET_CODE] = encoded[rows]
    return pd.DataFrame(columns)


def mix(part: pd.DataFrame, layout, mixer, first_row: int, partition_info=None) -> pd.DataFrame:
    """The synthetic rows of output partition ``o``, from the rows picked for it."""
    o = partition_info["number"]
    if len(part) and not (part.index == o).all():
        raise RuntimeError(f"Output partition {o} received rows meant for another partition.")
    keys = part[KEY].to_numpy()
    order = np.argsort(keys, kind="stable")
    if not np.array_equal(keys[order], np.arange(len(keys))):
        raise RuntimeError(f"Output partition {o} did not receive exactly the rows it drew.")
    codec = mixer._codec
    continuous = np.ascontiguousarray(
        part[continuous_names(len(codec.continuous_indices))].to_numpy(np.float64)[order]
    )
    categorical = np.ascontiguousarray(
        part[categorical_names(len(codec.categorical_indices))].to_numpy(codec.codes_dtype)[order]
    )
    target = part[_TARGET_CODE].to_numpy()[order] if mixer._picks_target() else None
    plan = _pairing.plan_output(layout.for_output(o), o)
    random_state = _pairing.legacy_stream(layout.seed, _pairing.MIX_STREAM, o)
    start = first_row + int(layout.output_rows[:o].sum())
    return mixer._mix_output(continuous, categorical, target, plan, random_state, start)
