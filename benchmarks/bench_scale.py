"""Scaling skmixup: threads in memory, and the Dask path on Parquet datasets (run by hand; not a test).

Part a: the in-memory estimator with ``n_jobs=1`` and ``n_jobs=2``
------------------------------------------------------------------
A frame of 20 float64 columns (correlated through one latent factor) and 5
categorical ones (``category`` with 6 and 12 levels, ``str`` with 4 and 30,
bool), ``--rows`` rows.  ``fit`` and ``sample(n)`` are timed separately,
``--repeat`` times each, ``n_jobs`` 1 and 2 in turn; the table gives the
medians and the speed-up of ``n_jobs=2`` (``sample`` draws the parents and
weights, mixes and decodes by blocks of rows in threads; ``fit``, which
encodes, runs in one).  Beside each, ``moves s`` times the data movement
of ``sample`` alone, in plain numpy (bench_speed's memory-traffic limit
without ``fit``'s copy: two row gathers and one write per new row) on one
thread and on two, in the same runs: ``moves speed-up`` is how much two
threads gain on this machine's memory at all, the ceiling of memory-bound
code such as the kernel's.

Part b: ``skmixup.dask`` on a LocalCluster, Parquet in and out
---------------------------------------------------------------
A Parquet dataset of ``--dask-rows`` rows (10 float64 columns, a
``category`` column of 6 levels and a string column of 30) is written file
by file (``--partition-rows`` rows each) into a temporary directory, so the
script never holds the table.  A ``LocalCluster`` of ``--workers``
processes (one thread and ``--memory-limit`` each) then runs::

    table = dd.read_parquet(source)
    mixup = StructurePreservingMixup(random_state=0).fit(table)
    mixup.sample(n_rows).to_parquet(destination)

timing the fit and the sample (with its writing) separately.  A thread
samples every worker's resident memory (``psutil`` through ``client.run``)
twice a second; ``peak GB`` is the largest seen per worker.  The moments'
errors are computed lazily by dask from the two datasets: the largest
``|mean difference| / sd`` over the float columns, the largest
``|variance ratio - 1|`` (EpBeta keeps variances exactly), the largest
``|correlation difference|`` and the largest difference of category shares.
For sizes up to ``--compare-up-to`` rows the in-memory estimator runs the
same job (pandas reads the dataset, fits, samples, writes one file), and
``vs memory`` is the Dask time over the in-memory time.

Usage::

    python benchmarks/bench_scale.py                       # a: 1e6, 1e7; b: 1e7, 1e8
    python benchmarks/bench_scale.py --rows 1e6 --dask-rows 1e6 --repeat 1   # a quick run
    python benchmarks/bench_scale.py --part b --dask-rows 1e8 --tmp /work/scratch

``df -h`` first: 10^8 rows are about 9 GB of Parquet in, as much out, and the
P2P shuffle spills up to twice that to the workers' local directory (under
``--tmp``), all deleted at the end unless ``--keep``.

On a virtual machine that reports free pages to its host, fresh memory costs
more than ten times what it costs right after a free, and the 10^7-row times
carry that cost; the header says whether it does.  Started with
``MALLOC_MMAP_THRESHOLD_=4294967296 MALLOC_TRIM_THRESHOLD_=68719476736``, the
processes keep and reuse their freed memory instead (see
benchmarks/probe_fresh_memory.py and the Scaling page).
"""

from __future__ import annotations

import argparse
import logging
import platform
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
from bench_speed import traffic_limit
from probe_fresh_memory import memory_setting

import skmixup
from skmixup import StructurePreservingMixup

N_FLOATS_A, N_FLOATS_B = 20, 10


def rows(text: str) -> int:
    return int(float(text))


def commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True,
            cwd=Path(__file__).parent,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


# ------------------------------------------------------------------------------------ part a


def frame_a(n_rows: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.RandomState(seed)
    latent = rng.normal(size=n_rows)
    data = {f"f{k}": latent * (0.2 + 0.04 * k) + rng.normal(size=n_rows) for k in range(N_FLOATS_A)}
    data["segment"] = pd.Categorical.from_codes(rng.randint(0, 6, n_rows), [f"s{k}" for k in range(6)])
    data["tier"] = pd.Categorical.from_codes(rng.randint(0, 12, n_rows), [f"t{k:02d}" for k in range(12)])
    data["channel"] = pd.Series(
        np.array(["web", "shop", "phone", "mail"])[rng.randint(0, 4, n_rows)], dtype="str"
    )
    data["country"] = pd.Series(
        np.array([f"c{k:02d}" for k in range(30)])[rng.randint(0, 30, n_rows)], dtype="str"
    )
    data["member"] = rng.rand(n_rows) < 0.3
    return pd.DataFrame(data)


def part_a(sizes, repeat: int) -> list[dict]:
    results = []
    for n_rows in sizes:
        frame = frame_a(n_rows)
        StructurePreservingMixup(random_state=0).fit(frame.iloc[:2000]).sample(2000)  # warm-up
        # The data movement of sample (bench_speed's memory-traffic limit without fit's copy) on
        # one thread and on two: how far this machine lets two threads share the memory.
        moves = {n_threads: traffic_limit(n_rows, "sample", "mixed", n_threads=n_threads, fit_copy=False)
                 for n_threads in (1, 2)}  # fmt: skip
        times: dict = {(n_jobs, part): [] for n_jobs in (1, 2) for part in ("fit", "sample", "moves")}
        # n_jobs 1 and 2 in turn within each run: a slow spell of the shared machine then
        # falls on both alike, and their ratio comes from measurements close in time.
        for run in range(repeat):
            for n_jobs in (1, 2):
                mixup = StructurePreservingMixup(random_state=run, n_jobs=n_jobs)
                start = time.perf_counter()
                mixup.fit(frame)
                fitted = time.perf_counter()
                synthetic = mixup.sample(n_rows)
                sampled = time.perf_counter()
                del synthetic, mixup
                started = time.perf_counter()
                moved = moves[n_jobs]()
                times[n_jobs, "moves"].append(time.perf_counter() - started)
                del moved
                times[n_jobs, "fit"].append(fitted - start)
                times[n_jobs, "sample"].append(sampled - fitted)
        for n_jobs in (1, 2):
            results.append(
                {"rows": n_rows, "n_jobs": n_jobs, "fit s": statistics.median(times[n_jobs, "fit"]),
                 "sample s": statistics.median(times[n_jobs, "sample"]),
                 "moves s": statistics.median(times[n_jobs, "moves"])}
            )  # fmt: skip
            print(f"  a: {n_rows:.0e} rows, n_jobs={n_jobs}: fit {results[-1]['fit s']:.2f} s, "
                  f"sample {results[-1]['sample s']:.2f} s, moves {results[-1]['moves s']:.3f} s",
                  flush=True)  # fmt: skip
        del frame, moves
    for result in results:
        one = next(r for r in results if r["rows"] == result["rows"] and r["n_jobs"] == 1)
        result["sample speed-up"] = one["sample s"] / result["sample s"]
        result["fit+sample speed-up"] = (one["fit s"] + one["sample s"]) / (
            result["fit s"] + result["sample s"]
        )
        result["moves speed-up"] = one["moves s"] / result["moves s"]
    return results


# ------------------------------------------------------------------------------------ part b


def write_dataset(directory: Path, n_rows: int, partition_rows: int, seed: int = 0) -> None:
    """The benchmark table, one Parquet file at a time."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    directory.mkdir(parents=True)
    loadings = 0.3 + 0.05 * np.arange(N_FLOATS_B)
    for index, start in enumerate(range(0, n_rows, partition_rows)):
        size = min(partition_rows, n_rows - start)
        rng = np.random.RandomState([seed, index])
        latent = rng.normal(size=size)
        data = {f"f{k}": latent * loadings[k] + rng.normal(size=size) for k in range(N_FLOATS_B)}
        data["segment"] = pd.Categorical.from_codes(rng.randint(0, 6, size), [f"s{k}" for k in range(6)])
        data["country"] = np.array([f"c{k:02d}" for k in range(30)])[rng.randint(0, 30, size)]
        pq.write_table(pa.Table.from_pandas(pd.DataFrame(data), preserve_index=False),
                       directory / f"part-{index:05d}.parquet")  # fmt: skip


class WorkerMemory:
    """The peak resident memory of every worker, sampled in a thread."""

    def __init__(self, client, every: float = 0.5):
        self.client, self.every = client, every
        self.peaks: dict[str, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _rss() -> int:
        import psutil

        return psutil.Process().memory_info().rss

    def _run(self):
        while not self._stop.is_set():
            try:
                for worker, rss in self.client.run(self._rss).items():
                    self.peaks[worker] = max(self.peaks.get(worker, 0), rss)
            except Exception:  # a worker restarting: skip this sample
                pass
            self._stop.wait(self.every)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def moment_errors(source: Path, destination: Path) -> dict:
    import dask
    import dask.dataframe as dd

    floats = [f"f{k}" for k in range(N_FLOATS_B)]
    real, synthetic = dd.read_parquet(source), dd.read_parquet(destination)
    stats = dask.compute(
        real[floats].mean(), real[floats].var(ddof=0), real[floats].corr(),
        synthetic[floats].mean(), synthetic[floats].var(ddof=0), synthetic[floats].corr(),
        real["segment"].value_counts(normalize=True), synthetic["segment"].value_counts(normalize=True),
        real["country"].value_counts(normalize=True), synthetic["country"].value_counts(normalize=True),
    )  # fmt: skip
    mean, var, corr, new_mean, new_var, new_corr = stats[:6]
    shares = [(stats[6], stats[7]), (stats[8], stats[9])]
    return {
        "max |Δmean|/sd": float((np.abs(new_mean - mean) / np.sqrt(var)).max()),
        "max |var ratio-1|": float(np.abs(new_var / var - 1).max()),
        "max |Δcorr|": float(np.abs(new_corr.to_numpy() - corr.to_numpy()).max()),
        "max |Δshare|": max(float(np.abs(b.reindex(a.index).fillna(0) - a).max()) for a, b in shares),
    }


def in_memory_job(source: Path, destination: Path) -> float:
    start = time.perf_counter()
    frame = pd.read_parquet(source)
    synthetic = StructurePreservingMixup(random_state=0).fit(frame).sample(len(frame))
    synthetic.to_parquet(destination / "synthetic.parquet", index=False)
    return time.perf_counter() - start


def part_b(sizes, args) -> list[dict]:
    import dask
    import dask.dataframe as dd
    from distributed import Client, LocalCluster

    from skmixup.dask import StructurePreservingMixup as DaskMixup

    logging.getLogger("distributed.shuffle._scheduler_plugin").setLevel(logging.ERROR)
    results = []
    for n_rows in sizes:
        scratch = Path(tempfile.mkdtemp(prefix="skmixup-scale-", dir=args.tmp))
        source, destination = scratch / "real", scratch / "synthetic"
        try:
            start = time.perf_counter()
            write_dataset(source, n_rows, args.partition_rows)
            size = sum(f.stat().st_size for f in source.iterdir()) / 1e9
            print(
                f"  b: {n_rows:.0e} rows written in {time.perf_counter() - start:.0f} s ({size:.2f} GB)",
                flush=True,
            )
            with (
                LocalCluster(
                    n_workers=args.workers, threads_per_worker=1, memory_limit=args.memory_limit,
                    processes=True, dashboard_address=":0", local_directory=str(scratch / "workers"),
                ) as cluster,
                Client(cluster) as client,
                WorkerMemory(client) as memory,
            ):  # fmt: skip
                start = time.perf_counter()
                table = dd.read_parquet(source)
                mixup = DaskMixup(random_state=0).fit(table)
                fitted = time.perf_counter()
                mixup.sample(n_rows).to_parquet(destination, write_index=False)
                sampled = time.perf_counter()
                errors = moment_errors(source, destination)
                limit = dask.utils.parse_bytes(args.memory_limit)
            result = {
                "rows": n_rows, "partitions": table.npartitions, "fit s": fitted - start,
                "sample+write s": sampled - fitted, "total s": sampled - start,
                "peak GB": max(memory.peaks.values()) / 1e9, "limit GB": limit / 1e9,
                "peaks GB": " / ".join(f"{peak / 1e9:.2f}" for peak in memory.peaks.values()),
                **errors,
            }  # fmt: skip
            if n_rows <= args.compare_up_to:
                shutil.rmtree(destination)
                destination.mkdir()
                result["in-memory s"] = in_memory_job(source, destination)
                result["vs memory"] = result["total s"] / result["in-memory s"]
            results.append(result)
            print(f"  b: {n_rows:.0e} rows: {result}", flush=True)
        finally:
            if args.keep:
                print(f"  kept {scratch}")
            else:
                shutil.rmtree(scratch, ignore_errors=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=["a", "b", "all"], default="all")
    parser.add_argument("--rows", type=rows, nargs="+", default=[10**6, 10**7], help="part a sizes")
    parser.add_argument("--dask-rows", type=rows, nargs="+", default=[10**7, 10**8], help="part b sizes")
    parser.add_argument("--repeat", type=int, default=3, help="part a: runs per case (medians)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--memory-limit", default="2GB", help="per worker")
    parser.add_argument("--partition-rows", type=rows, default=10**6, help="rows per Parquet file")
    parser.add_argument("--compare-up-to", type=rows, default=10**7, help="run the in-memory job up to")
    parser.add_argument("--tmp", default=None, help="directory for the datasets and the workers' spill")
    parser.add_argument("--keep", action="store_true", help="keep the datasets")
    args = parser.parse_args()
    print(f"skmixup {skmixup.__version__} (commit {commit()}), Python {platform.python_version()}, "
          f"numpy {np.__version__}, pandas {pd.__version__}", flush=True)  # fmt: skip
    print(memory_setting(), flush=True)
    with pd.option_context("display.width", 200, "display.max_columns", 30):
        if args.part in ("a", "all"):
            table = pd.DataFrame(part_a(args.rows, args.repeat))
            print("\nPart a: in memory, n_jobs 1 and 2 (medians of", args.repeat, "runs)")
            print(table.to_string(index=False, float_format=lambda v: f"{v:.2f}"))
        if args.part in ("b", "all"):
            table = pd.DataFrame(part_b(args.dask_rows, args))
            print(f"\nPart b: skmixup.dask, {args.workers} workers of {args.memory_limit}")
            print(table.to_string(index=False, float_format=lambda v: f"{v:.4g}"))


if __name__ == "__main__":
    main()
