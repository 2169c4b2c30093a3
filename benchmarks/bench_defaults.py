"""What the realism defaults cost in time (run by hand; not a test).

The defaults that make synthetic rows look real and keep them private —
``value_grids=True``, ``distinct_parents=True``, ``redraw_copies=True`` —
against all three off (the model of the theory, and the estimator before
they existed), on the inputs of ``bench_speed.py``: a float64 array of 20
columns and the mixed pandas frame of 20 continuous and 5 categorical
columns, ``fit_resample`` (0.8·n new rows) and ``fit(X).sample(n)``.

Each setting runs in processes of its own, ``--processes`` of them per setting,
alternating between the settings; each process warms up with one full-size
call, then times ``--repeat`` calls.  The table gives the medians over all
timed calls and their ratio (the target of the realism issue: at most 1.10 at
10^6 rows).  Separate processes matter on this VM: the first touch of fresh
memory costs about as much as the writes, and in one process the settings
left each other's freed memory behind in an order that decided which of
them paid for fresh pages (the same code measured 1.54 one run and 0.80 the
next).  Alternating keeps a burst of load on the shared machine from landing
on one setting only.  The user CPU time of the same calls (``getrusage``)
is printed beside the wall time: it leaves out the kernel's page faults and
the waits for a CPU, which vary the most on a shared machine, so its ratio
is the steadier one (the target is on the wall time).

Usage::

    python benchmarks/bench_defaults.py                 # 10^6 rows, 3 processes x 5 calls
    python benchmarks/bench_defaults.py --rows 100000 --repeat 3
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_speed import build_input

from skmixup import StructurePreservingMixup

SETTINGS = {
    "defaults": {},
    "all three off": {"value_grids": False, "distinct_parents": False, "redraw_copies": False},
}
CALLS = {
    "fit_resample": lambda mixup, X, y: mixup.fit_resample(X, y),
    "fit.sample": lambda mixup, X, y: mixup.fit(X).sample(len(X)),
}


def options_for(kind: str) -> dict:
    return {"column_kinds": {"region_code": "categorical"}} if kind == "pandas" else {}


def timed_calls(kind: str, call_name: str, setting: str, n_rows: int, repeat: int) -> list[list[float]]:
    """One process's measurement: a warm-up call, then ``repeat`` timed calls, as
    ``[wall seconds, user CPU seconds]`` per call."""
    X, y = build_input(kind, n_rows, "spm_resample")
    times = []
    for _ in range(repeat + 1):  # the first call warms up
        mixup = StructurePreservingMixup(random_state=0, **SETTINGS[setting], **options_for(kind))
        user = resource.getrusage(resource.RUSAGE_SELF).ru_utime
        start = time.perf_counter()
        out = CALLS[call_name](mixup, X, y)
        times.append([time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_utime - user])
        del out, mixup
    return times[1:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10**6)
    parser.add_argument("--repeat", type=int, default=5, help="timed calls per process")
    parser.add_argument("--processes", type=int, default=3, help="processes per setting")
    parser.add_argument("--worker", nargs=3, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker is not None:
        print(json.dumps(timed_calls(*args.worker, args.rows, args.repeat)))
        return
    print(f"{args.rows:,} rows, medians of {args.processes} processes x {args.repeat} calls per setting")
    print(
        f"{'input':8} {'call':13} {'defaults':>10} {'all off':>10} {'ratio':>7}   "
        f"{'user CPU':>9} {'all off':>9} {'ratio':>7}"
    )
    for kind in ("numpy", "pandas"):
        for call_name in CALLS:
            times = {name: [] for name in SETTINGS}
            for _ in range(args.processes):
                for name in SETTINGS:
                    sizes = ["--rows", str(args.rows), "--repeat", str(args.repeat)]
                    command = [sys.executable, __file__, *sizes, "--worker", kind, call_name, name]
                    result = subprocess.run(command, capture_output=True, text=True, check=True)
                    times[name] += json.loads(result.stdout.strip().splitlines()[-1])
            wall, user = (
                {name: statistics.median(call[k] for call in calls) for name, calls in times.items()}
                for k in (0, 1)
            )
            print(
                f"{kind:8} {call_name:13} {wall['defaults']:9.3f}s {wall['all three off']:9.3f}s "
                f"{wall['defaults'] / wall['all three off']:7.2f}   {user['defaults']:8.3f}s "
                f"{user['all three off']:8.3f}s {user['defaults'] / user['all three off']:7.2f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
