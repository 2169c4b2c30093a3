"""A Parquet dataset synthesised into another, partition by partition (for ``skmixup synthesize``)."""

from __future__ import annotations

from numbers import Integral

from ..columns import CATEGORICAL
from ._estimator import StructurePreservingMixup, require_dask

__all__ = ["synthesize_parquet"]


def synthesize_parquet(
    source,
    destination,
    n_samples: int | None = None,
    *,
    target=None,
    mixup: StructurePreservingMixup | None = None,
    npartitions: int | None = None,
    exact_class_counts: bool = False,
    random_state=None,
    overwrite: bool = False,
    storage_options: dict | None = None,
) -> StructurePreservingMixup:
    """Synthesise the Parquet dataset ``source`` into the Parquet dataset ``destination``.

    Reads ``source`` with ``dask.dataframe.read_parquet`` (a file, a
    directory of files or a glob), fits ``mixup`` on it in one pass, and
    writes ``n_samples`` synthetic rows to ``destination`` (a directory of
    ``part.*.parquet`` files, one per output partition), so that neither
    the table nor its synthetic copy is ever held in one place.

    Parameters
    ----------
    source, destination : str or path
        Where to read and write (local paths or fsspec URLs).
    n_samples : int, default=None
        Synthetic rows (None: as many as ``source`` has).
    target : column label, default=None
        A column of ``source`` to fit as ``y`` (class labels are mixed as
        ``mixup.label_mixing`` says); it is written back under its name, in
        its place.  With ``label_mixing="soft"`` it is written as one column
        of scores per class, named ``f"{target}_{label}"`` (as ``skmixup
        synthesize`` names them).
    mixup : skmixup.dask.StructurePreservingMixup, default=None
        The estimator to fit (None: the default one); it is fitted in place.
    npartitions : int, default=None
        Partitions (files) of the result; None keeps the source's rows per
        partition.
    exact_class_counts : bool, default=False
        With a class ``target`` mixed ``"stratified"``: each class gets exactly
        its share of the rows.
    random_state : int, RandomState instance or None, default=None
        Overrides ``mixup.random_state`` for the sample (the fit draws no
        random numbers).
    overwrite : bool, default=False
        Replace ``destination`` if it exists (dask's ``to_parquet``).
    storage_options : dict, default=None
        Passed to the reader and the writer (credentials of a remote store).

    Returns
    -------
    StructurePreservingMixup
        The fitted estimator.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import numpy as np
    >>> import pandas as pd
    >>> import dask.dataframe as dd
    >>> from skmixup.dask import synthesize_parquet
    >>> folder = Path(tempfile.mkdtemp())
    >>> rng = np.random.RandomState(0)
    >>> frame = pd.DataFrame({"x": rng.normal(size=400), "kind": rng.choice(["a", "b"], size=400)})
    >>> dd.from_pandas(frame, npartitions=2).to_parquet(folder / "real", write_index=False)
    >>> fitted = synthesize_parquet(folder / "real", folder / "out", 1000, target="kind", random_state=0)
    >>> synthetic = pd.read_parquet(folder / "out")
    >>> synthetic.shape, list(synthetic.columns), sorted(synthetic["kind"].unique())
    ((1000, 2), ['x', 'kind'], ['a', 'b'])
    """
    _, dd = require_dask()
    table = dd.read_parquet(source, storage_options=storage_options)
    columns = list(table.columns)
    if target is not None and target not in columns:
        raise ValueError(
            f"target names column {target!r}, which {source} does not have (its columns: {columns!r})."
        )
    if n_samples is not None and (
        isinstance(n_samples, bool) or not isinstance(n_samples, Integral) or n_samples < 1
    ):
        raise ValueError(f"n_samples must be an integer >= 1 or None; got {n_samples!r}.")
    mixup = StructurePreservingMixup() if mixup is None else mixup
    if not isinstance(mixup, StructurePreservingMixup):
        raise TypeError(
            f"mixup must be a skmixup.dask.StructurePreservingMixup; got {type(mixup).__module__}."
            f"{type(mixup).__name__}."
        )
    mixup.fit(table, target)
    if n_samples is None:
        n_samples = int(mixup.partition_rows_.sum())
    result = mixup.sample(
        n_samples, npartitions=npartitions, random_state=random_state, exact_class_counts=exact_class_counts
    )
    if target is None:
        synthetic = result
    else:
        synthetic, labels = result
        if mixup._target_kind == CATEGORICAL and mixup.label_mixing == "soft":
            scores = labels.rename(columns={label: f"{target}_{label}" for label in labels.columns})
            for name in scores.columns:
                synthetic[name] = scores[name]
            order = [c for c in columns if c in synthetic.columns and c != target]
            at = columns.index(target)
            before = [c for c in order if columns.index(c) < at]
            synthetic = synthetic[before + list(scores.columns) + [c for c in order if c not in before]]
        else:
            synthetic[target] = labels
            synthetic = synthetic[[c for c in columns if c in synthetic.columns]]
    synthetic.to_parquet(destination, write_index=False, overwrite=overwrite, storage_options=storage_options)
    return mixup
