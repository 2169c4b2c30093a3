"""The shared-weights mix compiled with numba, against skmixup's numpy kernel (run by hand).

An alternative that was measured and not adopted (see "Tried at commit 1d7ba4d: a compiled
kernel" on the Benchmarks page).  The numpy kernel (``skmixup._kernel.mix``) mixes a block
of rows in five passes: the first parents' rows gathered, scaled, the other parents' rows
gathered and added, the block transposed into the column-major output.  Here each new row
is mixed as its parents' rows are read, into a tile of about 64 KiB, with its codes, its
discrete values and its copy-check flag, and the tile is written out once.  The products
and sums are numpy's, in numpy's order, so the output is bit for bit the same; what is rare
and intricate (an overflow, a ``NaN`` that may be ``inf - inf``) goes back to numpy.

Three parts:

- ``--part check``: bit-for-bit equality with ``mix`` on small tables with missing values,
  discrete columns, three parents, a watched column and overflowing values;
- ``--part kernel``: both kernels alone on bench_speed's shapes (10^6 rows of 20 floats and
  5 codes, 8·10^5 new rows into a reused column-major output), medians of ``--repeat`` calls;
- ``--part calls``: bench_speed's ``fit_resample`` and ``fit.sample`` calls on every input
  kind, one process per run and kernel (``skmixup.resampler.mix`` replaced in the process
  of the compiled one), two runs of each, alternating.

Needs numba (``pip install numba``), which skmixup does not depend on.  Warm the memory
first (see bench_speed).

Usage::

    python benchmarks/probe_compiled_kernel.py [--part check kernel calls] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numba
import numpy as np

from skmixup import _kernel
from skmixup._threads import run_in_threads

sys.path.insert(0, str(Path(__file__).parent))

KINDS = ("numpy", "numcat", "pandas", "arrow", "polars")
_TILE_BYTES = 1 << 16
_EXPONENT_BITS = 0x7FF0000000000000


@numba.njit(nogil=True, cache=True)
def mix_block(
    continuous, categorical, parents, weights, kept, discrete, has_missing, watch_column, matches,
    mixed, codes,
):  # fmt: skip
    """Mix one block of new rows into ``mixed`` and ``codes``; False if numpy must redo it."""
    n_new, n_parents = parents.shape
    width = continuous.shape[1]
    tile_rows = max(64, _TILE_BYTES // max(8 * width, 1))
    tile = np.empty((tile_rows, width))
    tile_bits = tile.reshape(-1).view(np.int64)
    kept_rows = np.empty(tile_rows, dtype=np.intp)
    columns_contiguous = mixed.strides[0] == 8
    for first in range(0, n_new, tile_rows):
        size = min(tile_rows, n_new - first)
        for i in range(size):
            row = first + i
            values = tile[i]
            if n_parents == 2:
                one, other = continuous[parents[row, 0]], continuous[parents[row, 1]]
                w_one, w_other = weights[row, 0], weights[row, 1]
                for c in range(width):
                    values[c] = one[c] * w_one + other[c] * w_other
            else:
                parent, weight = continuous[parents[row, 0]], weights[row, 0]
                for c in range(width):
                    values[c] = parent[c] * weight
                for j in range(1, n_parents):
                    parent, weight = continuous[parents[row, j]], weights[row, j]
                    for c in range(width):
                        values[c] = values[c] + parent[c] * weight
            kept_rows[i] = parents[row, kept[row]]
        for i in range(size):
            for c in discrete:
                tile[i, c] = continuous[kept_rows[i], c]
        # inf or NaN iff the exponent bits are all set: an integer maximum, which vectorises.
        exponents = 0
        for t in range(size * width):
            exponents = max(exponents, tile_bits[t] & _EXPONENT_BITS)
        if exponents == _EXPONENT_BITS:
            for i in range(size):
                for c in range(width):
                    value = tile[i, c]
                    if np.isfinite(value):
                        continue
                    from_missing = False
                    if has_missing and value != value:
                        for j in range(n_parents):
                            parent_value = continuous[parents[first + i, j], c]
                            from_missing = from_missing or parent_value != parent_value
                    if not from_missing:
                        return False  # an overflow, or inf - inf: numpy rescales
                    tile[i, c] = continuous[kept_rows[i], c]
        if watch_column >= 0:
            for i in range(size):
                value = tile[i, watch_column]
                found = has_missing and value != value
                for j in range(n_parents):
                    found = found or value == continuous[parents[first + i, j], watch_column]
                matches[first + i] = found
        for i in range(size):
            kept_codes = categorical[kept_rows[i]]
            for c in range(kept_codes.size):
                codes[first + i, c] = kept_codes[c]
        if columns_contiguous:
            for c in range(width):
                for i in range(size):
                    mixed[first + i, c] = tile[i, c]
        else:
            for i in range(size):
                for c in range(width):
                    mixed[first + i, c] = tile[i, c]
    return True


def compiled_mix(
    continuous, categorical, parents, weights, kept, *, discrete=None, order="C", has_missing=None,
    out=None, huge_values=None, watch=None, n_jobs=1, kept_values=None,
):  # fmt: skip
    """``skmixup._kernel.mix`` with the compiled block mixer; numpy redoes the blocks it refuses."""
    if not continuous.flags.c_contiguous:
        return _kernel.mix(
            continuous, categorical, parents, weights, kept, discrete=discrete, order=order,
            has_missing=has_missing, out=out, huge_values=huge_values, watch=watch, n_jobs=n_jobs,
            kept_values=kept_values,
        )  # fmt: skip
    n_samples = len(parents)
    mixed, codes = out or [
        np.empty((n_samples, table.shape[1]), table.dtype, order=order) for table in (continuous, categorical)
    ]
    has_missing = bool(np.isnan(continuous).any()) if has_missing is None else has_missing
    positions = np.flatnonzero(discrete) if discrete is not None else np.empty(0, dtype=np.intp)
    rows = max(256, _kernel._BLOCK_BYTES // (8 * max(continuous.shape[1], categorical.shape[1], 1)))
    no_matches = np.empty(0, dtype=bool)

    def one(start):
        block = slice(start, start + rows)
        matches = no_matches if watch is None else watch[1][block]
        done = mix_block(
            continuous, categorical, np.ascontiguousarray(parents[block], dtype=np.intp),
            np.ascontiguousarray(weights[block]), np.ascontiguousarray(kept[block], dtype=np.intp),
            positions, has_missing, -1 if watch is None else watch[0], matches, mixed[block], codes[block],
        )  # fmt: skip
        if not done:
            _kernel.mix(
                continuous, categorical, parents[block], weights[block], kept[block], discrete=discrete,
                has_missing=has_missing, out=(mixed[block], codes[block]), huge_values=huge_values,
                watch=None if watch is None else (watch[0], matches),
            )  # fmt: skip

    run_in_threads(one, range(0, n_samples, rows), n_jobs)
    return mixed, codes


def check() -> None:
    rng = np.random.default_rng(0)
    cases = 0
    for n_parents in (2, 3):
        for missing in (False, True):
            for huge in (False, True):
                for order in ("C", "F"):
                    table = rng.normal(size=(500, 7))
                    if missing:
                        table[rng.random(table.shape) < 0.1] = np.nan
                    if huge:
                        table[rng.random(table.shape) < 0.05] = 1.5e308
                    codes = rng.integers(-1, 4, size=(500, 3)).astype(np.int8)
                    parents = rng.integers(0, 500, size=(3000, n_parents))
                    weights = rng.dirichlet(np.ones(n_parents), size=3000) * 1.6 - 0.6 / n_parents
                    kept = rng.integers(0, n_parents, size=3000)
                    discrete = np.zeros(7, dtype=bool)
                    discrete[[1, 4]] = True
                    results = []
                    for mixer in (_kernel.mix, compiled_mix):
                        watch = (2, np.empty(3000, dtype=bool))
                        mixed, kept_codes = mixer(
                            table, codes, parents, weights, kept, discrete=discrete, order=order,
                            has_missing=missing, huge_values=huge, watch=watch,
                        )  # fmt: skip
                        results.append((mixed.tobytes(), kept_codes.tobytes(), watch[1].tobytes()))
                    assert results[0] == results[1], (n_parents, missing, huge, order)
                    cases += 1
    print(f"check: the compiled mix is bit for bit numpy's in {cases} cases")


def kernel(repeat: int) -> None:
    rng = np.random.default_rng(0)
    n_rows, n_new = 10**6, 800_000
    table = rng.normal(size=(n_rows, 20))
    codes = rng.integers(0, 5, size=(n_rows, 5)).astype(np.int8)
    parents = rng.integers(0, n_rows, size=(n_new, 2))
    first_weight = rng.uniform(-0.3, 1.3, size=n_new)
    weights = np.column_stack([first_weight, 1 - first_weight])
    kept = (rng.random(n_new) < 0.5).astype(np.intp)
    out = (np.zeros((n_new, 20), order="F"), np.zeros((n_new, 5), dtype=np.int8, order="F"))
    discrete = np.zeros(20, dtype=bool)
    discrete[[3, 7]] = True
    print(f"{'case':22} {'numpy s':>9} {'compiled s':>11}")
    for label, discrete_columns, watched in (
        ("plain", None, False),
        ("watched column", None, True),
        ("+ 2 discrete", discrete, True),
    ):
        medians = []
        for mixer in (_kernel.mix, compiled_mix):
            times = []
            for _ in range(repeat):
                watch = (5, np.empty(n_new, dtype=bool)) if watched else None
                start = time.perf_counter()
                mixer(table, codes, parents, weights, kept, discrete=discrete_columns, has_missing=False,
                      huge_values=False, watch=watch, out=out)  # fmt: skip
                times.append(time.perf_counter() - start)
            medians.append(statistics.median(times))
        print(f"{label:22} {medians[0]:9.3f} {medians[1]:11.3f}", flush=True)


def worker(kind: str, key: str, compiled: bool, repeat: int) -> None:
    from bench_speed import build_input, make_call

    import skmixup.resampler

    if compiled:
        skmixup.resampler.mix = compiled_mix
    X, y = build_input(kind, 10**6, key)
    call = make_call(key, kind)
    call(X, y)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call(X, y)
        times.append(time.perf_counter() - start)
    print(statistics.median(times))


def calls(repeat: int) -> None:
    print(f"{'input':8} {'call':14} {'numpy s':>15} {'compiled s':>15}")
    for kind in KINDS:
        for key, label in (("spm_resample", "fit_resample"), ("spm_sample", "fit.sample")):
            found = {False: [], True: []}
            for compiled in (False, True, False, True):
                done = subprocess.run(
                    [sys.executable, __file__, "--worker", kind, key, str(int(compiled)), "--repeat",
                     str(repeat)], capture_output=True, text=True, check=True,
                )  # fmt: skip
                found[compiled].append(float(done.stdout))
            numpy_s, compiled_s = (" / ".join(f"{t:.3f}" for t in found[c]) for c in (False, True))
            print(f"{kind:8} {label:14} {numpy_s:>15} {compiled_s:>15}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--part", nargs="+", choices=["check", "kernel", "calls"], default=["check", "kernel", "calls"]
    )
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--worker", nargs=3, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        kind, key, compiled = args.worker
        worker(kind, key, compiled == "1", args.repeat)
        return
    if "check" in args.part:
        check()
    if "kernel" in args.part:
        kernel(args.repeat)
    if "calls" in args.part:
        calls(args.repeat)


if __name__ == "__main__":
    main()
