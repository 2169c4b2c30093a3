"""Independent tasks on a pool of threads, or in the calling thread when one is enough."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

Item = TypeVar("Item")


def run_in_threads(task: Callable[[Item], object], items: Sequence[Item], n_threads: int) -> None:
    """Call ``task(item)`` for every item, on up to ``n_threads`` threads.

    With one thread, or one item, the calls run in order in the calling
    thread, with no pool to start.  An exception raised by a call is raised
    here.  What the tasks return is discarded: each writes its results into
    arrays of its own, so that, the tasks being independent, the result
    does not depend on ``n_threads``.

    Examples
    --------
    >>> totals = [0] * 4
    >>> def square(k):
    ...     totals[k] = k * k
    >>> run_in_threads(square, range(4), n_threads=2)
    >>> totals
    [0, 1, 4, 9]
    """
    if n_threads > 1 and len(items) > 1:
        with ThreadPoolExecutor(max_workers=min(n_threads, len(items))) as pool:
            list(pool.map(task, items))  # list() waits for every call and re-raises
    else:
        for item in items:
            task(item)
