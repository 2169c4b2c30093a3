"""Time of ``skmixup synthesize`` on a Parquet file against pyarrow reading and writing it (run by hand).

Target: the command takes at most twice the time pyarrow alone takes to read the
file and write it back (both started from the shell, interpreter start included).

What is measured
----------------
The script writes a Parquet file of ``--rows`` rows (default 10^6) and 25
columns, seed 0: 20 float64 columns (correlated Gaussians, 2 % missing in
five of them), 3 text columns (10, 50 and 200 distinct values) and 2
dictionary columns (6 and 20 categories).  Then, ``--repeat`` times each
(median reported, with the spread):

==================  =====================================================================
row                 what runs
==================  =====================================================================
pyarrow alone       ``python -c "pq.write_table(pq.read_table(IN), OUT)"``: read and write
skmixup synthesize  ``python -m skmixup synthesize IN -n ROWS -o OUT --seed 0 --quiet``
==================  =====================================================================

both as fresh subprocesses (what a user waits for), and the same two in this
process after a warm-up (imports, the EpBeta solve), without interpreter
start and imports.  The in-process run of the command is broken down into its
steps (read, Arrow to pandas, fit, sample, pandas to Arrow, write).

Run: ``python benchmarks/bench_io.py`` (``--rows 100000`` for a quick check).
The machine is shared: quote the medians, and rerun when the spread is wide.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

import skmixup
from skmixup import StructurePreservingMixup
from skmixup import io as skmixup_io
from skmixup.cli import _commands, main

PACKAGE_ROOT = Path(skmixup.__file__).resolve().parents[1]


def make_table(n_rows: int, seed: int = 0) -> pa.Table:
    """20 float columns and 5 text / dictionary columns."""
    rng = np.random.default_rng(seed)
    n_float = 20
    covariance = 0.5 * np.ones((n_float, n_float)) + 0.5 * np.eye(n_float)
    floats = rng.multivariate_normal(np.zeros(n_float), covariance, size=n_rows, method="cholesky")
    columns = {}
    for k in range(n_float):
        values = floats[:, k] * (k + 1) + 10 * k
        if k % 4 == 0:
            values[rng.random(n_rows) < 0.02] = np.nan
        columns[f"x{k:02d}"] = pa.array(values, from_pandas=True)
    for name, n_values in (("city", 10), ("product", 50), ("store", 200)):
        labels = np.array([f"{name}_{v:03d}" for v in range(n_values)])
        columns[name] = pa.array(labels[rng.integers(0, n_values, n_rows)])
    for name, n_values in (("segment", 6), ("channel", 20)):
        labels = pa.array([f"{name}_{v:02d}" for v in range(n_values)])
        columns[name] = pa.DictionaryArray.from_arrays(
            pa.array(rng.integers(0, n_values, n_rows), pa.int32()), labels
        )
    return pa.table(columns)


def timed(function, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times


def shell(command: list[str]) -> None:
    env = {"PYTHONPATH": str(PACKAGE_ROOT), "PATH": "/usr/bin:/bin"}
    subprocess.run(command, check=True, env=env, capture_output=True)


def steps(path: Path, out: Path, n_rows: int) -> dict[str, float]:
    """The command's steps, one by one, as ``skmixup synthesize`` runs them."""
    clock = {}
    start = time.perf_counter()
    table = skmixup_io.read_table(path)
    clock["read"] = time.perf_counter() - start
    start = time.perf_counter()
    frame = skmixup_io.to_pandas(table)
    clock["Arrow -> pandas"] = time.perf_counter() - start
    start = time.perf_counter()
    mixup = StructurePreservingMixup(random_state=0).fit(frame)
    clock["fit"] = time.perf_counter() - start
    random_state = np.random.RandomState(0)
    clock["sample"] = clock["pandas -> Arrow"] = clock["write"] = 0.0
    with skmixup_io.TableWriter(out, table.schema) as writer:
        for size in _commands.chunk_sizes(n_rows):
            start = time.perf_counter()
            drawn = mixup.sample(size, random_state=random_state)
            middle = time.perf_counter()
            arrow = skmixup_io.from_pandas(drawn, table.schema)
            end = time.perf_counter()
            writer.write(arrow)
            clock["sample"] += middle - start
            clock["pandas -> Arrow"] += end - middle
            clock["write"] += time.perf_counter() - end
    return clock


def summary(times: list[float]) -> str:
    return f"{statistics.median(times):8.2f} s  ({min(times):.2f}-{max(times):.2f})"


def run(n_rows: int, repeat: int, directory: Path) -> None:
    path, out = directory / "table.parquet", directory / "out.parquet"
    pq.write_table(make_table(n_rows), path)
    size_mb = path.stat().st_size / 1e6
    print(f"{n_rows} rows x 25 columns, {size_mb:.1f} MB of Parquet; medians of {repeat} runs (min-max)\n")

    pure_shell = [
        sys.executable,
        "-c",
        f"import pyarrow.parquet as pq; pq.write_table(pq.read_table({str(path)!r}), {str(out)!r})",
    ]
    command = [sys.executable, "-m", "skmixup", "synthesize", str(path), "-n", str(n_rows), "-o", str(out)]
    command += ["--seed", "0", "--quiet"]
    shell(command)  # warm the file cache and the byte code
    shell_pure = timed(lambda: shell(pure_shell), repeat)
    shell_cli = timed(lambda: shell(command), repeat)

    main(["synthesize", str(path), "-n", "2000", "-o", str(out), "--seed", "0", "--quiet"])  # warm-up
    inner_pure = timed(lambda: pq.write_table(pq.read_table(path), out), repeat)
    inner_cli = timed(lambda: main(command[3:]), repeat)
    breakdown = [steps(path, out, n_rows) for _ in range(repeat)]

    rows = [
        ("from the shell", "pyarrow alone", shell_pure),
        ("from the shell", "skmixup synthesize", shell_cli),
        ("in process", "pyarrow alone", inner_pure),
        ("in process", "skmixup synthesize", inner_cli),
    ]
    print(f"{'':16}{'':20}{'median time':>14}{'':14}  vs pyarrow")
    for where, what, times in rows:
        reference = shell_pure if where == "from the shell" else inner_pure
        ratio = statistics.median(times) / statistics.median(reference)
        print(f"{where:16}{what:20}{summary(times):>30}  {ratio:5.2f}x")
    print("\nskmixup synthesize, step by step (in process, medians):")
    for step in breakdown[0]:
        print(f"  {step:18}{statistics.median(b[step] for b in breakdown):8.2f} s")
    target = statistics.median(shell_cli) / statistics.median(shell_pure)
    print(f"\ntarget (from the shell) <= 2.00x: {'met' if target <= 2 else 'MISSED'} ({target:.2f}x)")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of the table (default 10^6)")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each measurement (default 5)")
    parser.add_argument(
        "--dir", type=Path, default=None, help="where to write the files (default: a temp dir)"
    )
    return parser.parse_args()


if __name__ == "__main__":
    arguments = parse_args()
    pd.set_option("display.width", 120)
    if arguments.dir is None:
        with tempfile.TemporaryDirectory() as directory:
            run(arguments.rows, arguments.repeat, Path(directory))
    else:
        arguments.dir.mkdir(parents=True, exist_ok=True)
        run(arguments.rows, arguments.repeat, arguments.dir)
