"""``fit`` and ``sample`` on frames whose continuous columns have missing values (run by hand).

bench_speed's frames declare their one column with missing values
(``region_code``, nullable ``Int64`` with 5 % missing) categorical, so their
continuous table is complete.  Real tables are seldom complete, and missing
values take other paths through skmixup: the check for values large enough
to overflow a mix (``skmixup._kernel.holds_huge_values``), and the kernel's
replacement of a mixed ``NaN`` by the kept parent's value.  This probe
times the same frames (``bench_speed.build_input``) with ``region_code``
left continuous, as skmixup detects it, so that 5 % of one continuous
column is missing.

In one process per input kind, after a warm-up call, ``--repeat`` calls of
``StructurePreservingMixup(random_state=k).fit(X)`` then ``sample(n)``
(``n`` = the rows of ``X``), each timed alone; prints the medians and the
best of each.  To compare two versions of skmixup, run this script with
``PYTHONPATH`` set to a checkout of the other one, alternating the two.

Usage::

    python benchmarks/probe_missing.py [--rows 1000000] [--repeat 7] [--kinds pandas arrow polars]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

KINDS = ("pandas", "arrow", "polars")


def measure(kind: str, n_rows: int, repeat: int) -> dict:
    from bench_speed import build_input

    from skmixup import StructurePreservingMixup

    X, _ = build_input(kind, n_rows, "spm_sample")
    StructurePreservingMixup(random_state=0).fit(X).sample(2000)  # imports, the EpBeta solve
    fits, samples = [], []
    for run in range(repeat):
        start = time.perf_counter()
        mixup = StructurePreservingMixup(random_state=run).fit(X)
        fitted = time.perf_counter()
        mixup.sample(n_rows)
        fits.append(fitted - start)
        samples.append(time.perf_counter() - fitted)
    assert mixup._has_missing, "the probe needs missing values in the continuous table"
    return {"fit": fits, "sample": samples}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=lambda text: int(float(text)), default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--kinds", nargs="+", choices=KINDS, default=list(KINDS))
    parser.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:  # one kind, in a fresh process: print its times
        times = measure(args.worker, args.rows, args.repeat)
        print(" ".join(f"{name}={','.join(f'{t:.5f}' for t in values)}" for name, values in times.items()))
        return
    import skmixup

    print(f"skmixup from {Path(skmixup.__file__).parent}; {args.rows:,} rows, {args.repeat} calls each")
    header = ("fit median s", "fit best s", "sample median s", "sample best s")
    print(f"{'input':8} " + " ".join(f"{name:>15}" for name in header))
    for kind in args.kinds:
        done = subprocess.run(
            [sys.executable, __file__, "--worker", kind, "--rows", str(args.rows),
             "--repeat", str(args.repeat)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        times = {
            name: [float(t) for t in values.split(",")]
            for name, values in (field.split("=") for field in done.stdout.split())
        }
        fit, sample = times["fit"], times["sample"]
        row = (statistics.median(fit), min(fit), statistics.median(sample), min(sample))
        print(f"{kind:8} " + " ".join(f"{value:15.3f}" for value in row), flush=True)


if __name__ == "__main__":
    main()
