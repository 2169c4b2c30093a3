"""Mixing into column-major output: row-major blocks written out transposed, or column by column?

A probe of one design choice of ``skmixup._kernel.mix`` (run by hand; not a
test).  Frames are decoded from contiguous columns, so the kernel's output
is column-major, while the parents' rows are gathered row-major (one cache
miss per row instead of one per value).  Two ways to get from one to the
other, both computing ``w_0·x_i + w_1·x_j`` with the same operations, so
bit for bit the same values:

- ``row-major``: the kernel's way, the weighted sum on the gathered
  row-major block, then written into the output in cache-sized tiles;
- ``column-wise``: both parents gathered row-major into a buffer of
  ``--rows`` rows, then each output column written by a strided multiply
  and add, with no transposing write.

Prints the median and best of ``--repeat`` calls of each.

Usage::

    python benchmarks/probe_columnwise.py [--n 1000000] [--new 800000] [--columns 20]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

# The kernel's block and tile sizes (skmixup._kernel._BLOCK_BYTES and _TILE_BYTES).
BLOCK_BYTES = 1 << 22
TILE_BYTES = 1 << 17


def row_major(table, parents, weights, block_rows):
    n_new, width = len(parents), table.shape[1]
    out = np.empty((n_new, width), order="F")
    first, other = np.empty((block_rows, width)), np.empty((block_rows, width))
    tile = max(64, TILE_BYTES // (8 * width))
    for start in range(0, n_new, block_rows):
        rows = slice(start, start + block_rows)
        size = len(parents[rows])
        mixed, second = first[:size], other[:size]
        np.take(table, parents[rows, 0], axis=0, out=mixed, mode="clip")
        mixed *= weights[rows, :1]
        np.take(table, parents[rows, 1], axis=0, out=second, mode="clip")
        second *= weights[rows, 1:2]
        mixed += second
        target = out[rows]
        for row in range(0, size, tile):
            target[row : row + tile] = mixed[row : row + tile]
    return out


def column_wise(table, parents, weights, block_rows):
    n_new, width = len(parents), table.shape[1]
    out = np.empty((n_new, width), order="F")
    first, other, term = np.empty((block_rows, width)), np.empty((block_rows, width)), np.empty(block_rows)
    for start in range(0, n_new, block_rows):
        rows = slice(start, start + block_rows)
        size = len(parents[rows])
        a, b, t = first[:size], other[:size], term[:size]
        np.take(table, parents[rows, 0], axis=0, out=a, mode="clip")
        np.take(table, parents[rows, 1], axis=0, out=b, mode="clip")
        w_first = np.ascontiguousarray(weights[rows, 0])
        w_second = np.ascontiguousarray(weights[rows, 1])
        target = out[rows]
        for column in range(width):
            mixed = target[:, column]
            np.multiply(a[:, column], w_first, out=mixed)
            np.multiply(b[:, column], w_second, out=t)
            mixed += t
    return out


def timed(function, repeat, *args):
    function(*args)  # warm-up: first touches and caches
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function(*args)
        times.append(time.perf_counter() - start)
    return float(np.median(times)), min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10**6, help="rows of the table")
    parser.add_argument("--new", type=int, default=800_000, help="rows to mix")
    parser.add_argument("--columns", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    table = rng.normal(size=(args.n, args.columns))
    parents = rng.integers(0, args.n, (args.new, 2))
    weights = rng.random((args.new, 2))
    weights[:, 1] = 1.0 - weights[:, 0]
    kernel_rows = BLOCK_BYTES // (8 * (args.columns + 5))  # as for 20 float and 5 code columns
    reference = row_major(table, parents, weights, kernel_rows)
    if not np.array_equal(reference, column_wise(table, parents, weights, kernel_rows)):
        raise AssertionError("the two ways disagree")
    print(f"{args.new:,} rows mixed from {args.n:,} x {args.columns}, median / best of {args.repeat} calls")
    cases = [("row-major (the kernel)", row_major, kernel_rows)]
    cases += [("column-wise", column_wise, rows) for rows in (kernel_rows, 8192, 4096, 2048)]
    for label, function, rows in cases:
        median, best = timed(function, args.repeat, table, parents, weights, rows)
        print(f"  {label:24s} blocks of {rows:6d} rows: {median:.3f} / {best:.3f} s")


if __name__ == "__main__":
    main()
