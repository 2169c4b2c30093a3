"""What the realism defaults cost in time (run by hand; not a test).

The defaults that make synthetic rows look real and keep them private —
``value_grids=True``, ``distinct_parents=True``, ``redraw_copies=True`` —
against all three off (the model of the theory, and the estimator before
they existed), on the inputs of ``bench_speed.py``: a float64 array of 20
columns and the mixed pandas frame of 20 continuous and 5 categorical
columns, ``fit_resample`` (0.8·n new rows) and ``fit(X).sample(n)``.

Both settings run in the same process, alternating, ``--repeat`` times each,
after a warm-up; the table gives the medians and their ratio (the target of
the realism issue: at most 1.10 at 10^6 rows).  The machine is shared:
alternating the settings keeps a burst of load from landing on one only.

Usage::

    python benchmarks/bench_defaults.py                 # 10^6 rows, 7 repeats
    python benchmarks/bench_defaults.py --rows 100000 --repeat 3
"""

from __future__ import annotations

import argparse
import statistics
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10**6)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    print(f"{args.rows:,} rows, medians of {args.repeat} alternating runs")
    print(f"{'input':8} {'call':13} {'defaults':>10} {'all off':>10} {'ratio':>7}")
    for kind in ("numpy", "pandas"):
        X, y = build_input(kind, args.rows, "spm_resample")
        for call_name, call in CALLS.items():
            times = {name: [] for name in SETTINGS}
            for _ in range(args.repeat + 1):  # the first round warms up
                for name, settings in SETTINGS.items():
                    mixup = StructurePreservingMixup(random_state=0, **settings, **options_for(kind))
                    start = time.perf_counter()
                    out = call(mixup, X, y)
                    times[name].append(time.perf_counter() - start)
                    del out, mixup
            medians = {name: statistics.median(values[1:]) for name, values in times.items()}
            ratio = medians["defaults"] / medians["all three off"]
            print(
                f"{kind:8} {call_name:13} {medians['defaults']:9.3f}s {medians['all three off']:9.3f}s "
                f"{ratio:7.2f}"
            )


if __name__ == "__main__":
    main()
