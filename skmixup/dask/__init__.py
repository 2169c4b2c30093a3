"""Structure-preserving mixup of tables that do not fit in memory, over dask DataFrames.

:class:`StructurePreservingMixup` is the in-memory estimator
(:class:`skmixup.StructurePreservingMixup`) fitted and sampled partition by
partition: one pass over the table fits the codec, and :meth:`~StructurePreservingMixup.sample`
draws both parents of every synthetic row uniformly over the whole table
(or class), exactly as in memory (see :ref:`scaling`).  :func:`synthesize_parquet`
synthesises a Parquet dataset into another.  It needs the
``dask`` extra (``pip install "skmixup[dask]"``); importing this module
does not import dask.
"""

from ._estimator import StructurePreservingMixup
from ._parquet import synthesize_parquet

__all__ = ["StructurePreservingMixup", "synthesize_parquet"]
