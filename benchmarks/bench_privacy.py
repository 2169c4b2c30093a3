"""Time privacy_report and compare_structure on a large mixed table (run by hand; not a test).

What is measured
----------------
Wall-clock time (``time.perf_counter``) of one call, median of ``--repeat`` calls, on a
table of 25 mixed columns (seed 0):

- 15 continuous: 10 correlated float64 (two of them log-normal), a float64 with 5%
  missing values, a float32, two int64 counts and a datetime64[ns];
- 10 categorical: three bool, four object-string columns (3 to 12 values, one with 5%
  missing), two ``category`` columns and a ``string`` column of 30 values; each is
  cut from a continuous column plus noise, so categories and numbers are dependent.

``real`` has ``--rows`` rows (10^5), ``synthetic`` as many rows drawn by
``StructurePreservingMixup(random_state=0).fit(real).sample(n)``, and ``holdout`` as
many new rows of the same generator (seed 1).  The calls:

=================================  ==============================================================
case                               call
=================================  ==============================================================
privacy, no holdout                ``privacy_report(real, synthetic)``
privacy, with holdout              ``privacy_report(real, synthetic, holdout)``: three searches
                                   (synthetic to real, synthetic to holdout, holdout to real)
structure and quality              ``compare_structure(real, synthetic)``
reference: nearest-neighbour       scikit-learn's ``NearestNeighbors(n_neighbors=2,
search alone                       algorithm="brute").kneighbors`` of the embedded synthetic rows
                                   among the embedded real rows (all 90 dimensions): the report's
                                   search before the float32 screening
=================================  ==============================================================

One warm-up call on 2 000 rows comes first.  The machine is shared: the load average
before and after is printed with the table.

Run::

    python benchmarks/bench_privacy.py                 # 10^5 rows, 3 repeats: about 3 minutes
    python benchmarks/bench_privacy.py --quick         # 10^4 rows, 1 repeat: a smoke run

Writes ``privacy_speed.csv`` and ``privacy_speed.txt`` (the printed table) into ``--out``
(``docs/results`` by default).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import time
from pathlib import Path

import numpy as np
import pandas as pd

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "docs" / "results"


def mixed_table(n: int, seed: int) -> pd.DataFrame:
    """25 mixed columns: 15 continuous, 10 categorical, dependent on each other."""
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=(n, 10)) @ np.linalg.cholesky(0.4 * np.ones((10, 10)) + 0.6 * np.eye(10)).T
    table = {f"x{k}": latent[:, k] for k in range(8)}
    table["income"] = np.exp(1 + 0.5 * latent[:, 8])
    table["spend"] = np.exp(0.5 * latent[:, 9])
    table["score"] = np.where(rng.random(n) < 0.05, np.nan, latent[:, 0] + rng.normal(size=n))
    table["ratio"] = (latent[:, 1] * 0.1).astype(np.float32)
    table["visits"] = rng.poisson(np.exp(1 + 0.3 * latent[:, 2]))
    table["items"] = rng.poisson(5 + 2 * (latent[:, 3] > 0))
    table["seen"] = pd.Timestamp("2024-01-01") + pd.to_timedelta(
        (86_400 * (180 + 60 * latent[:, 4])).astype(np.int64), unit="s"
    )

    def cut(column: int, labels: list, noise: float = 1.0) -> np.ndarray:
        signal = latent[:, column % 10] + noise * rng.normal(size=n)
        edges = np.quantile(signal, np.linspace(0, 1, len(labels) + 1)[1:-1])
        return np.asarray(labels, dtype=object)[np.searchsorted(edges, signal)]

    for k in range(3):
        table[f"flag{k}"] = cut(k, [False, True]).astype(bool)
    for k, size in enumerate((3, 5, 8, 12)):
        values = cut(3 + k, [f"v{j}" for j in range(size)])
        if k == 1:
            values[rng.random(n) < 0.05] = None
        table[f"label{k}"] = values
    table["segment"] = pd.Categorical(cut(7, list("ABCDEF")))
    table["tier"] = pd.Categorical(
        cut(8, ["low", "mid", "high"]), categories=["low", "mid", "high"], ordered=True
    )
    table["country"] = pd.array(cut(9, [f"c{j:02d}" for j in range(30)], noise=2.0), dtype="string")
    return pd.DataFrame(table)


def median_time(call, repeat: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


def git_commit() -> str:
    try:
        root = Path(__file__).resolve().parents[1]
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "skmixup"], cwd=root, capture_output=True, text=True
        )
        return commit + ("+changes" if dirty.stdout.strip() else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows of real, synthetic and holdout")
    parser.add_argument("--repeat", type=int, default=3, help="timed calls per case (the median is kept)")
    parser.add_argument("--quick", action="store_true", help="smoke run: 10^4 rows, one call")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory")
    args = parser.parse_args(argv)
    if args.quick:
        args.rows, args.repeat = 10_000, 1

    import sklearn
    from sklearn.neighbors import NearestNeighbors

    import skmixup
    from skmixup import StructurePreservingMixup
    from skmixup.diagnostics import compare_structure, privacy_report
    from skmixup.diagnostics._encoding import encode_tables
    from skmixup.diagnostics.privacy import _Embedding

    n = args.rows
    real = mixed_table(n, seed=0)
    holdout = mixed_table(n, seed=1)
    synthetic = StructurePreservingMixup(random_state=0).fit(real).sample(n)
    privacy_report(real[:2000], synthetic[:2000], holdout[:2000])  # warm-up
    compare_structure(real[:2000], synthetic[:2000])

    encoded = encode_tables(real, [synthetic], "auto", None)
    embedding = _Embedding(encoded)
    points = [embedding.transform(c, k) for c, k in zip(encoded.continuous, encoded.codes, strict=True)]

    def search_alone():
        NearestNeighbors(n_neighbors=2, algorithm="brute").fit(points[0]).kneighbors(points[1])

    cases = {
        "privacy, no holdout": lambda: privacy_report(real, synthetic),
        "privacy, with holdout": lambda: privacy_report(real, synthetic, holdout),
        "structure and quality": lambda: compare_structure(real, synthetic),
        "reference: nearest-neighbour search alone": search_alone,
    }
    load_before = os.getloadavg()
    rows = []
    for name, call in cases.items():
        median, times = median_time(call, args.repeat)
        rows.append(
            {
                "case": name,
                "real_rows": n,
                "synthetic_rows": n,
                "holdout_rows": n if "with holdout" in name else 0,
                "columns": real.shape[1],
                "embedded_dimensions": embedding.n_dimensions,
                "median_s": round(median, 2),
                "runs_s": " ".join(f"{t:.2f}" for t in times),
            }
        )
        print(f"{name:<45} median {median:7.2f} s   runs {rows[-1]['runs_s']}", flush=True)
    load_after = os.getloadavg()
    table = pd.DataFrame(rows)
    header = (
        f"# privacy speed: skmixup {skmixup.__version__} (git {git_commit()}), numpy {np.__version__}, "
        f"pandas {pd.__version__}, scikit-learn {sklearn.__version__}, python {platform.python_version()}, "
        f"{os.cpu_count()} cores; load average {load_before[0]:.2f} before, {load_after[0]:.2f} after"
    )
    text = header + "\n" + table.to_string(index=False)
    print(text)
    if not args.quick:
        args.out.mkdir(parents=True, exist_ok=True)
        table.to_csv(args.out / "privacy_speed.csv", index=False)
        (args.out / "privacy_speed.txt").write_text(text + "\n", encoding="utf-8")
        print(f"# wrote {args.out / 'privacy_speed.csv'} and {args.out / 'privacy_speed.txt'}")


if __name__ == "__main__":
    main()
