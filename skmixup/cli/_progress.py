"""A progress bar on stderr: tqdm's where it is installed and stderr is a terminal."""

from __future__ import annotations

import sys


class _Silent:
    """The bar that is not shown."""

    def update(self, n: int = 1) -> None:
        pass

    def set_description(self, text: str) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        pass


def progress(total: int, *, unit: str, description: str, quiet: bool = False, stream=None):
    """A context manager with ``update(n)`` and ``set_description(text)``.

    Shown only when ``stream`` (default: ``sys.stderr``) is a terminal, tqdm
    is installed (the ``cli`` extra) and ``quiet`` is false.  What it shows
    never changes what the caller computes: callers do the same work,
    in the same chunks, whether or not a bar is shown.
    """
    stream = sys.stderr if stream is None else stream
    if quiet or not _is_terminal(stream):
        return _Silent()
    try:
        from tqdm import tqdm
    except ImportError:
        return _Silent()
    return tqdm(
        total=total,
        unit=unit,
        unit_scale=unit == "rows",
        desc=description,
        file=stream,
        leave=False,
        dynamic_ncols=True,
    )


def _is_terminal(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False
