"""The tasks of sampling: what an input partition sends, and what an output partition mixes.

Each input partition encodes its rows with the fitted codec and sends every
output partition the rows it drew for it (:func:`pick`): numpy arrays of
encoded values, each row keyed by its place in the output partition's table
of picked rows.  Each output partition gathers its pieces, pairs them
(:func:`skmixup.dask._pairing.plan_output`, whose parents are keys) and
mixes them with the in-memory estimator's own kernel and decoding
(:func:`mix`).  Nothing here imports dask: these functions run inside its
tasks.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from . import _pairing
from ._fit import TARGET, target_values


def replacements(layout: _pairing.Layout, o: int) -> tuple[int, _pairing.OutputPlan]:
    """The replacement rows that output partition ``o`` asks for (its plan without the pairing)."""
    return o, _pairing.plan_output(layout.for_output(o), o, replacements_only=True)


def gather_requests(n_partitions: int, *plans) -> list[np.ndarray]:
    return _pairing.partition_requests(list(plans), n_partitions)


def pick(part: pd.DataFrame, p: int, layout, requests, mixer) -> tuple:
    """The encoded rows that input partition ``p`` sends to every output partition.

    Returns
    -------
    tuple of length ``n_outputs``
        Per output partition, ``(keys, continuous, categorical, target)``
        (``target`` None when the rows carry no target), or None when the
        partition sends it nothing.
    """
    expected = int(mixer._partition_rows[p])
    if len(part) != expected:
        raise ValueError(
            f"Partition {p} of the table has {len(part)} rows, but it had {expected} when the estimator "
            "was fitted; sample from the table it was fitted on (persist it, or fit again)."
        )
    has_target = TARGET in part.columns
    X = part.drop(columns=[TARGET]) if has_target else part
    continuous, categorical = mixer._codec.encode(X)
    target = None
    if has_target:
        values = target_values(part)
        if mixer._target_is_continuous():
            target = values.astype(np.float64) if mixer._picks_target() else None
        else:
            target = mixer._target_codes(values)
    del part, X
    n_strata = layout.sizes.shape[0]
    strata = _pairing.stratum_rows(target if n_strata > 1 else None, len(continuous), n_strata)
    if not mixer._picks_target():
        target = None
    asked = requests[p] if requests is not None else np.empty((0, 4), dtype=np.int64)
    pieces = [None] * layout.n_outputs
    for o, rows, keys in _pairing.picked_rows(layout.for_partition(p), layout.seed, p, strata, asked):
        pieces[o] = (
            keys,
            np.take(continuous, rows, axis=0),
            np.take(categorical, rows, axis=0),
            None if target is None else np.take(target, rows),
        )
    return tuple(pieces)


def mix(o: int, layout, mixer, first_row: int, *pieces) -> pd.DataFrame:
    """The synthetic rows of output partition ``o``, from the pieces every input partition sent it."""
    pieces = [piece for piece in pieces if piece is not None]
    keys = np.concatenate([piece[0] for piece in pieces])
    plan = _pairing.plan_output(layout.for_output(o), o)
    # Where the row of each key landed: the plan's parents are keys, the table is in arrival order.
    position = np.full(plan.n_block_rows + len(plan.replacements[0]), -1, dtype=np.int64)
    if len(keys) == len(position):
        position[keys] = np.arange(len(keys))
    if len(keys) != len(position) or (position < 0).any():
        raise RuntimeError(f"Output partition {o} did not receive exactly the rows it drew.")
    continuous = np.concatenate([piece[1] for piece in pieces])
    categorical = np.concatenate([piece[2] for piece in pieces])
    target = np.concatenate([piece[3] for piece in pieces]) if pieces[0][3] is not None else None
    del pieces
    plan = dataclasses.replace(plan, parents=position[plan.parents])
    random_state = _pairing.legacy_stream(layout.seed, _pairing.MIX_STREAM, o)
    offset = int(layout.output_rows[:o].sum())
    # The rows of a stratum of one row pair it with itself, under different keys.
    lone = layout.sizes.sum(axis=1)[plan.strata] == 1
    lone = lone if lone.any() else None
    return mixer._mix_output(
        continuous, categorical, target, plan, random_state, first_row + offset, offset, lone
    )
