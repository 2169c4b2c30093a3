"""Time and peak memory of StructurePreservingMixup against imbalanced-learn (run by hand; not a test).

What is measured
----------------
For each number of rows ``n`` and each case below, the best of ``--repeat``
wall-clock times (``time.perf_counter``) of one call, and the peak memory of
one call:

==========================  ========  ==================================================================
method                      input     call
==========================  ========  ==================================================================
bare kernel resample        numpy     the minimal numpy mixup over-sampler written out in this script
bare kernel sample          numpy     the same, pairs drawn from all rows (``n`` synthetic rows)
SPMixup fit_resample        numpy     ``StructurePreservingMixup(random_state=0).fit_resample(X, y)``
SPMixup fit.sample          numpy     ``StructurePreservingMixup(random_state=0).fit(X).sample(n)``
SPMixup fit_resample        pandas    as above, on the mixed frame
SPMixup fit.sample          pandas    as above, on the mixed frame
RandomOverSampler           numpy     ``RandomOverSampler(random_state=0).fit_resample(X, y)``
RandomOverSampler           pandas    as above, on the mixed frame
SMOTE                       numpy     ``SMOTE(random_state=0).fit_resample(X, y)``
SMOTENC                     pandas    ``SMOTENC(categorical_features=<the 5 categorical columns>,
                                      random_state=0).fit_resample(X, y)``
==========================  ========  ==================================================================

Inputs (seed 0): ``y`` is binary with exactly 10% minority rows, so the
default ``sampling_strategy="auto"`` generates ``0.8·n`` synthetic rows.

- ``numpy``: a float64 array of 20 continuous columns.
- ``pandas``: a DataFrame of 20 continuous columns (12 float64, 4 float32,
  3 int64, 1 datetime64[ns]) and 5 categorical ones: ``segment``
  (``category``, 6 categories), ``country`` (``string``, 20 values),
  ``is_member`` (bool), ``channel`` (object strings, 4 values) and
  ``region_code`` (nullable ``Int64`` codes with 5% missing).  An integer
  column is continuous for skmixup's dtype detection, so ``region_code`` is
  declared categorical with ``column_kinds={"region_code": "categorical"}``
  (SMOTENC gets all five in ``categorical_features``).  SMOTENC cannot take
  a datetime column (numpy cannot promote datetime64 with float64), so it
  gets the same frame with ``timestamp`` as int64 nanoseconds, converted
  before the clock starts.

The bare kernel is the plain numpy code a user would write for the numpy
case: per class to over-sample, draw the parents ``i`` and ``j`` uniformly
within the class, ``w = scipy.stats.beta(a, b, loc, scale).rvs(...)`` with the
parameters of the default ``EpBeta()``, ``x = w·X[i] + (1 − w)·X[j]``, then
concatenate with the originals (see :func:`bare_mixup_resample`).  It is
the reference of the ``vs bare`` column: every row is divided by the bare
kernel's time on the numpy array with the same number of rows and the same
operation (resample or sample), pandas rows included.

How
---
Every (method, input, n) runs in a fresh ``python`` subprocess (this
script with ``--worker``), so that no measurement inherits the allocator
state, caches or garbage of another.  The worker builds the input, makes one
warm-up call on its first 2 000 rows (imports, the EpBeta solve, which is
cached per process, and other one-time costs), then:

1. ``--repeat`` timed calls; the best is reported;
2. one call under :mod:`tracemalloc`, started after the input is built
   (``tracemalloc.reset_peak``).  ``peak MiB`` is the traced peak during
   the call: the memory allocated *on top of the input*, the returned
   output included (the output is alive at the peak).  numpy and pandas
   report their buffers to tracemalloc, and it counts live allocations
   only, so memory freed earlier but kept by the allocator does not count.
   The first timed call also records the rise of the process's resident
   high-water mark (``VmHWM`` reset through ``/proc/self/clear_refs``,
   minus ``VmRSS`` before the call) as ``rss MiB``, a cross-check that
   also sees allocations tracemalloc cannot (C/C++ buffers of compiled
   code, e.g. scikit-learn's neighbour search), but that may miss memory
   reused from the allocator's free lists.

``out MiB`` is the size of what the call returns (``X`` and ``y``): array
buffers, pandas columns (categorical codes and categories, masks of
nullable columns), and for object columns the pointers plus each distinct
Python object once.  ``peak/out`` is ``peak MiB / out MiB``.  ``kept MiB``
is the traced memory still allocated after the traced call while its
output is alive: more than ``out MiB`` means the output pins buffers
larger than its own data (columns that are views of a bigger block).

``user s`` is the best user-mode CPU time of the timed calls
(``getrusage``).  On a small shared machine the wall time of a 10^6-row
call varies by 2× or more from call to call, mostly in the kernel (page
faults on freshly allocated memory) and in waiting for a CPU; the user time
is far steadier, so ``vs bare`` (wall, the targets' measure) is printed
next to ``(user)``, the same ratio in user CPU time.  The kernel splits
CPU time into user and system time by sampling at each clock tick, so the
ratio is only printed when both times are at least 0.05 s.  Multi-threaded
code (SMOTE's neighbour search) adds up the user time of all its threads.

The bare kernels and SPMixup are measured first, at every size, so that
the ratios behind the targets come from measurements close in time; the
imbalanced-learn samplers follow.  ``--rounds R`` sweeps over the limits,
the bare kernels and SPMixup R times, one case after the other, and pools
the timed calls of every sweep: a slow spell of a shared machine then
lands on all of them alike instead of on the one case it coincided with
(with one round the memory-traffic limit alone was seen to vary from 0.13
to 0.17 s between runs).  The header names the git commit and a
digest of ``skmixup/*.py``; each worker checks the digest after importing
skmixup and a bare-kernel or SPMixup row measured on other code (someone
edited the package during the run) is marked ``skmixup/ changed``.

A call that runs longer than ``--timeout`` seconds, or a process whose
resident memory passes ``--max-rss-mib``, is killed and the row reads
``skipped: >T s`` / ``skipped: >M MiB``; larger sizes of that case are
then skipped too.

The targets printed under the table (for the ``--rows`` sizes):

- numpy input within 1.5× of the bare kernel (SPMixup, numpy, both calls);
- the mixed pandas frame within 3× of the bare kernel on the numpy array of
  the same size (SPMixup, pandas, both calls);
- peak memory under 3× the output's size (SPMixup, every case).

Usage::

    python benchmarks/bench_speed.py --out docs/results        # full run, writes speed.csv/.png
    python benchmarks/bench_speed.py --quick                    # smoke run, a few seconds
    python benchmarks/bench_speed.py --targets-only --plot-rows 1000000   # the targets' cases only
    python benchmarks/bench_speed.py --targets-only --rows 1000000 --plot-rows 1000000 --rounds 3
    python benchmarks/bench_speed.py --rows 100000 --repeat 5 --timeout 120

The default run measures ``--rows`` (10^6 and 10^7) plus ``--plot-rows``
(10^4 to 10^7) for the growth plot, a log-log plot of time and peak memory
against rows.  ``--targets-only --plot-rows 1000000 10000000`` measures the
sizes of the targets without the slow peers (about a third of the time).

On a virtual machine that reports free pages to its host, fresh memory costs
more than ten times what it costs right after a free, and the 10^7-row times
(and the limit) carry that cost; the header says whether it does.  Started with
``MALLOC_MMAP_THRESHOLD_=4294967296 MALLOC_TRIM_THRESHOLD_=68719476736``, the
processes keep and reuse their freed memory instead (see
benchmarks/probe_fresh_memory.py and the Scaling page).
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import os
import queue
import resource
import subprocess
import sys
import threading
import time
import tracemalloc
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from probe_fresh_memory import memory_setting

MIB = 2**20
MINORITY_SHARE = 0.1
N_CONTINUOUS = 20
WARMUP_ROWS = 2000
MIN_USER_S = 0.05  # user-time ratios are only printed above this (the kernel samples it per tick)
CATEGORICAL_COLUMNS = ["segment", "country", "is_member", "channel", "region_code"]

# (key, method label, input, operation); the memory-traffic limit and the bare kernels come
# first, as the references.
CASES = [
    ("limit_resample", "memory-traffic limit", "numpy", "resample"),
    ("limit_sample", "memory-traffic limit", "numpy", "sample"),
    ("limit_resample", "memory-traffic limit", "mixed", "resample"),
    ("limit_sample", "memory-traffic limit", "mixed", "sample"),
    ("bare_resample", "bare kernel resample", "numpy", "resample"),
    ("bare_sample", "bare kernel sample", "numpy", "sample"),
    ("spm_resample", "SPMixup fit_resample", "numpy", "resample"),
    ("spm_sample", "SPMixup fit.sample", "numpy", "sample"),
    ("spm_resample", "SPMixup fit_resample", "numcat", "resample"),
    ("spm_sample", "SPMixup fit.sample", "numcat", "sample"),
    ("spm_resample", "SPMixup fit_resample", "pandas", "resample"),
    ("spm_sample", "SPMixup fit.sample", "pandas", "sample"),
    ("spm_resample", "SPMixup fit_resample", "arrow", "resample"),
    ("spm_sample", "SPMixup fit.sample", "arrow", "sample"),
    ("spm_resample", "SPMixup fit_resample", "polars", "resample"),
    ("spm_sample", "SPMixup fit.sample", "polars", "sample"),
    ("ros", "RandomOverSampler", "numpy", "resample"),
    ("ros", "RandomOverSampler", "pandas", "resample"),
    ("smote", "SMOTE", "numpy", "resample"),
    ("smotenc", "SMOTENC", "pandas", "resample"),
]
# Encoded bytes per row that mixing moves: 20 float64 columns, and 5 int8 codes for the inputs
# with categorical columns (all but "numpy").
ROW_BYTES = {"numpy": 20 * 8, "mixed": 20 * 8 + 5}
LIMIT_OF_INPUT = {"numpy": "numpy", "numcat": "mixed", "pandas": "mixed", "arrow": "mixed", "polars": "mixed"}

FIELDS = [
    "method",
    "input",
    "rows",
    "rows_out",
    "seconds",
    "best_s",
    "user_s",
    "limit_s",
    "vs_limit",
    "peak_mib",
    "kept_mib",
    "rss_mib",
    "input_mib",
    "output_mib",
    "peak_over_output",
    "vs_bare",
    "vs_bare_user",
    "status",
    "code",
]


# --------------------------------------------------------------------------- inputs


def make_labels(n_rows: int, rng: np.random.Generator) -> np.ndarray:
    """Binary labels with exactly ``MINORITY_SHARE`` of ones, shuffled."""
    y = np.zeros(n_rows, dtype=np.int64)
    y[: round(MINORITY_SHARE * n_rows)] = 1
    return rng.permutation(y)


def make_array(n_rows: int, seed: int = 0):
    """20 continuous float64 columns and the labels."""
    rng = np.random.default_rng(seed)
    y = make_labels(n_rows, rng)
    X = rng.normal(size=(n_rows, N_CONTINUOUS)) * rng.uniform(0.5, 50.0, N_CONTINUOUS)
    X += y[:, None] * rng.normal(size=N_CONTINUOUS)  # the minority class is shifted a little
    return X, y


def make_frame(n_rows: int, seed: int = 0):
    """20 continuous columns of mixed dtypes, 5 categorical ones, and the labels."""
    import pandas as pd

    rng = np.random.default_rng(seed)
    y = make_labels(n_rows, rng)
    columns = {}
    for k in range(12):
        columns[f"f64_{k}"] = rng.normal(100.0 * k, 1.0 + k, n_rows) + y
    for k in range(4):
        columns[f"f32_{k}"] = rng.gamma(2.0 + k, 3.0, n_rows).astype(np.float32)
    for k in range(3):
        columns[f"i64_{k}"] = rng.poisson(5.0 * (k + 1), n_rows).astype(np.int64)
    seconds = rng.integers(0, 3 * 365 * 86_400, n_rows)
    columns["timestamp"] = pd.Timestamp("2022-01-01") + pd.to_timedelta(seconds, unit="s")
    columns["segment"] = pd.Categorical.from_codes(
        rng.integers(0, 6, n_rows), categories=["A", "B", "C", "D", "E", "F"]
    )
    countries = np.array([f"country_{k:02d}" for k in range(20)], dtype=object)
    columns["country"] = pd.array(countries[rng.zipf(1.5, n_rows) % 20], dtype="string")
    columns["is_member"] = rng.random(n_rows) < 0.3
    channels = np.array(["web", "store", "phone", "partner"], dtype=object)
    columns["channel"] = channels[rng.choice(4, n_rows, p=[0.5, 0.3, 0.15, 0.05])]
    region = pd.array(rng.integers(1, 31, n_rows), dtype="Int64")
    region[rng.random(n_rows) < 0.05] = pd.NA
    columns["region_code"] = region
    return pd.DataFrame(columns), y


def make_array_with_categories(n_rows: int, seed: int = 0):
    """20 continuous float64 columns, then 5 integer-coded categorical ones, as one float array."""
    rng = np.random.default_rng(seed)
    X, y = make_array(n_rows, seed)
    codes = rng.integers(0, [6, 20, 2, 4, 30], size=(n_rows, 5)).astype(np.float64)
    return np.hstack([X, codes]), y


def build_input(kind: str, n_rows: int, key: str):
    if kind in ("numpy", "mixed"):
        return make_array(n_rows)
    if kind == "numcat":
        return make_array_with_categories(n_rows)
    X, y = make_frame(n_rows)
    if key == "smotenc":  # SMOTENC cannot take datetime64 columns: int64 nanoseconds instead
        X["timestamp"] = X["timestamp"].astype("int64")
    if kind == "arrow":
        X = X.convert_dtypes(dtype_backend="pyarrow")
    elif kind == "polars":
        import polars as pl

        X = pl.from_pandas(X)
    return X, y


# --------------------------------------------------------------------------- memory-traffic limit


def traffic_limit(n_rows: int, operation: str, kind: str, seed: int = 0, *, n_threads: int = 1,
                  fit_copy: bool = True):  # fmt: skip
    """The data movement any mixup must make, done with plain numpy: the memory-traffic limit.

    On the encoded table (20 float64 columns and, but for "numpy", 5 int8
    codes): for ``resample``, copying the originals into the output, then
    for each of the ``0.8 n`` new rows two row gathers (the parents) and
    one write; for ``sample`` (``n`` new rows), the copy that ``fit``
    makes of the table (unless ``fit_copy`` is False), then the same per
    new row.  Gathers go through a cache-sized buffer, as the kernel's do;
    with ``n_threads`` > 1 threads take the blocks of new rows in turn (the
    copies stay on one), as ``n_jobs`` threads take the kernel's.  Returns
    a callable.
    """
    rng = np.random.default_rng(seed)
    table = rng.normal(size=(n_rows, 20))
    codes = rng.integers(0, 6, size=(n_rows, 5), dtype=np.int8) if kind == "mixed" else None
    n_new = round((1 - 2 * MINORITY_SHARE) * n_rows) if operation == "resample" else n_rows
    first, second = rng.integers(0, n_rows, n_new), rng.integers(0, n_rows, n_new)
    block = 1 << 11

    def call(*_):
        if operation == "resample":
            out = np.empty((n_rows + n_new, 20))
            out[:n_rows] = table
            new = out[n_rows:]
            new_codes = None
            if codes is not None:
                out_codes = np.empty((n_rows + n_new, 5), dtype=np.int8)
                out_codes[:n_rows] = codes
                new_codes = out_codes[n_rows:]
            source, source_codes = table, codes
        else:
            source = table.copy() if fit_copy else table  # what fit(X) keeps (copy=True)
            source_codes = None if codes is None else (codes.copy() if fit_copy else codes)
            new = np.empty((n_new, 20))
            new_codes = None if codes is None else np.empty((n_new, 5), dtype=np.int8)

        def move(thread: int) -> None:
            scratch = np.empty((block, 20))
            for start in range(thread * block, n_new, n_threads * block):
                rows = slice(start, start + block)
                size = len(first[rows])
                np.take(source, first[rows], axis=0, out=new[rows], mode="clip")
                np.take(source, second[rows], axis=0, out=scratch[:size], mode="clip")
                if source_codes is not None:
                    np.take(source_codes, first[rows], axis=0, out=new_codes[rows], mode="clip")

        if n_threads == 1:
            move(0)
        else:
            with ThreadPoolExecutor(n_threads) as pool:
                list(pool.map(move, range(n_threads)))
        return new

    return call


# --------------------------------------------------------------------------- bare kernel


def bare_mixup_resample(X, y, weights, random_state):
    """Mixup over-sampling of a float array, written plainly: the baseline.

    Every class is brought to the size of the largest one (imbalanced-learn's
    ``sampling_strategy="auto"``); both parents come from the class.
    """
    classes, counts = np.unique(y, return_counts=True)
    X_parts, y_parts = [X], [y]
    for label, count in zip(classes, counts, strict=True):
        n_new = counts.max() - count
        if n_new == 0:
            continue
        rows = np.flatnonzero(y == label)
        i = rows[random_state.randint(count, size=n_new)]
        j = rows[random_state.randint(count, size=n_new)]
        w = weights.rvs(size=n_new, random_state=random_state)[:, None]
        X_parts.append(w * X[i] + (1 - w) * X[j])
        y_parts.append(np.full(n_new, label, dtype=y.dtype))
    return np.concatenate(X_parts), np.concatenate(y_parts)


def bare_mixup_sample(X, n_samples, weights, random_state):
    """``n_samples`` mixup rows of a float array, parents drawn from all rows."""
    i = random_state.randint(len(X), size=n_samples)
    j = random_state.randint(len(X), size=n_samples)
    w = weights.rvs(size=n_samples, random_state=random_state)[:, None]
    return w * X[i] + (1 - w) * X[j]


# --------------------------------------------------------------------------- cases


def make_call(key: str, kind: str):
    """The call to measure, as ``call(X, y) -> output``."""
    from imblearn.over_sampling import SMOTE, SMOTENC, RandomOverSampler

    from skmixup import EpBeta, StructurePreservingMixup

    options = {}
    if kind in ("pandas", "arrow", "polars"):
        options = {"column_kinds": {"region_code": "categorical"}}
    elif kind == "numcat":
        options = {"categorical_features": list(range(20, 25))}
    if key.startswith("limit"):
        return None  # built on the input size by the worker (see traffic_limit)
    if key == "bare_resample" or key == "bare_sample":
        weights = EpBeta().to_scipy()  # scipy.stats.beta(a, b, loc=loc, scale=scale), solved once
        if key == "bare_resample":
            return lambda X, y: bare_mixup_resample(X, y, weights, np.random.RandomState(0))
        return lambda X, y: bare_mixup_sample(X, len(X), weights, np.random.RandomState(0))
    if key == "spm_resample":
        return lambda X, y: StructurePreservingMixup(random_state=0, **options).fit_resample(X, y)
    if key == "spm_sample":
        return lambda X, y: StructurePreservingMixup(random_state=0, **options).fit(X).sample(len(X))
    if key == "ros":
        return lambda X, y: RandomOverSampler(random_state=0).fit_resample(X, y)
    if key == "smote":
        return lambda X, y: SMOTE(random_state=0).fit_resample(X, y)
    if key == "smotenc":
        sampler = SMOTENC(categorical_features=CATEGORICAL_COLUMNS, random_state=0)
        return lambda X, y: sampler.fit_resample(X, y)
    raise ValueError(f"unknown case {key!r}")


def nbytes(value) -> int:
    """Bytes held by an array, Series, DataFrame or tuple of them (object values once each)."""
    import pandas as pd

    if isinstance(value, tuple | list):
        return sum(nbytes(v) for v in value)
    if type(value).__module__.startswith("polars"):
        return int(value.estimated_size())
    if isinstance(value, pd.DataFrame):
        return int(value.index.nbytes) + sum(nbytes(value.iloc[:, k]) for k in range(value.shape[1]))
    if isinstance(value, pd.Series):
        array = value.array
        if isinstance(array, pd.Categorical):
            return nbytes(array.codes) + nbytes(np.asarray(array.categories, dtype=object))
        if array.dtype == object or isinstance(array.dtype, pd.StringDtype):
            return nbytes(np.asarray(array, dtype=object))
        return int(array.nbytes)
    array = np.asarray(value)
    if array.dtype == object:
        distinct = {id(item): item for item in array.ravel().tolist()}
        return int(array.nbytes) + sum(sys.getsizeof(item) for item in distinct.values())
    return int(array.nbytes)


def head(X, y, n_rows: int):
    return (X.iloc[:n_rows] if hasattr(X, "iloc") else X[:n_rows]), y[:n_rows]


def _status_kib(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"{field} not found in /proc/self/status")


def _reset_high_water_mark() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
        return True
    except OSError:
        return False


def emit(**event) -> None:
    print(json.dumps(event), flush=True)


def worker(spec: dict) -> None:
    """Measure one (case, input, rows) in this process; report JSON lines on stdout."""
    warnings.simplefilter("ignore")
    key, kind, n_rows, repeat = spec["key"], spec["input"], spec["rows"], spec["repeat"]
    X, y = build_input(kind, n_rows, key)
    emit(event="input", input_mib=nbytes((X, y)) / MIB)
    call = make_call(key, kind)
    if call is None:
        call = traffic_limit(n_rows, spec["operation"], kind)
    emit(event="code", digest=source_digest())
    if not key.startswith("limit"):
        call(*head(X, y, WARMUP_ROWS))  # one-time costs: imports, the EpBeta solve, lazy caches
    for attempt in range(repeat):
        gc.collect()
        if attempt == 0:
            rss_before = _status_kib("VmRSS")
            have_hwm = _reset_high_water_mark()
        user_start = resource.getrusage(resource.RUSAGE_SELF).ru_utime
        start = time.perf_counter()
        output = call(X, y)
        seconds = time.perf_counter() - start
        user = resource.getrusage(resource.RUSAGE_SELF).ru_utime - user_start
        if attempt == 0:
            rss = (_status_kib("VmHWM") - rss_before) / 1024 if have_hwm else float("nan")
            rows_out = len(output[0]) if isinstance(output, tuple) else len(output)
            emit(event="first", rss_mib=rss, output_mib=nbytes(output) / MIB, rows_out=rows_out)
        del output
        emit(event="call", seconds=seconds, user=user)
    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    start_traced = tracemalloc.get_traced_memory()[0]
    output = call(X, y)
    peak = tracemalloc.get_traced_memory()[1] - start_traced
    gc.collect()
    kept = tracemalloc.get_traced_memory()[0] - start_traced  # what the output keeps alive
    tracemalloc.stop()
    del output
    emit(event="memory", peak_mib=peak / MIB, kept_mib=kept / MIB)


# --------------------------------------------------------------------------- driver


def _rss_mib(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def measure(key: str, kind: str, n_rows: int, args) -> dict:
    """Run one worker subprocess and collect its report, enforcing the limits."""
    operation = "resample" if key.endswith("resample") else "sample"
    spec = json.dumps(
        {"key": key, "input": kind, "rows": n_rows, "repeat": args.repeat, "operation": operation}
    )
    process = subprocess.Popen(
        [sys.executable, os.path.abspath(__file__), "--worker", spec],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stdout], daemon=True).start()
    errors: list[str] = []
    threading.Thread(target=lambda: errors.extend(process.stderr), daemon=True).start()

    result = {"times": [], "users": [], "status": "ok"}
    # A call may last --timeout s; the input build, the warm-up and the traced call get more.
    deadline = time.monotonic() + args.timeout + 60 + n_rows / 20_000
    while True:
        try:
            line = lines.get(timeout=0.2)
        except queue.Empty:
            line = None
        if line is not None:
            event = json.loads(line)
            kind_of_event = event.pop("event")
            if kind_of_event == "call":
                result["times"].append(event["seconds"])
                result["users"].append(event["user"])
            else:
                result.update(event)
            if kind_of_event == "input" or kind_of_event == "call":
                deadline = time.monotonic() + args.timeout
            if kind_of_event == "call" and len(result["times"]) == args.repeat:
                # the traced call: tracemalloc slows allocation-heavy code down
                deadline = time.monotonic() + max(args.timeout, 5 * min(result["times"])) + 60
            if kind_of_event == "memory":
                break
            continue
        if process.poll() is not None and lines.empty():
            if "peak_mib" not in result:
                message = "".join(errors).strip().splitlines()
                result["status"] = "error: " + (message[-1] if message else f"exit {process.returncode}")
            break
        reason = None
        if time.monotonic() > deadline:
            reason = (
                f"skipped: >{args.timeout:g} s" if not result["times"] else "memory: traced call timed out"
            )
        elif _rss_mib(process.pid) > args.max_rss_mib:
            reason = f"skipped: >{args.max_rss_mib:g} MiB"
        if reason is not None:
            process.kill()  # the worker this function started, by its own handle
            result["status"] = reason
            break
    process.wait()
    return result


def run_all(args, digest: str) -> list[dict]:
    sizes = sorted(set(args.rows) | set(args.plot_rows))
    records, given_up = [], {}
    # The bare kernels and SPMixup first, close together in time (their ratios are the targets);
    # the slow imbalanced-learn samplers after.
    ours = [case for case in CASES if case[0].startswith(("limit", "bare", "spm"))]
    theirs = [case for case in CASES if case not in ours]
    if args.targets_only:  # RandomOverSampler on numpy is the one peer a target names
        theirs = [case for case in theirs if case[:3] == ("ros", "RandomOverSampler", "numpy")]
    for cases, n_rows in [(cases, n_rows) for cases in (ours, theirs) for n_rows in sizes]:
        # --rounds sweeps over our cases, one after the other: a slow spell of the shared
        # machine then falls on every case alike, not on the one measured during it.
        pooled: dict = {}
        for round_number in range(args.rounds if cases is ours else 1):
            for key, label, kind, _operation in cases:
                if (key, kind) in given_up:
                    continue
                started = time.perf_counter()
                result = measure(key, kind, n_rows, args)
                elapsed = time.perf_counter() - started
                if result["status"].startswith("skipped"):
                    given_up[(key, kind)] = f"{result['status']} (at {n_rows:,} rows)"
                if result["times"] and result["status"].startswith("skipped"):
                    result["status"] = "partial: " + result["status"]
                if key.startswith(("bare", "spm")) and result.get("digest", digest) != digest:
                    result["status"] += f" (skmixup/ changed: {result['digest']})"
                first = pooled.setdefault((key, kind), result)
                if first is not result:  # later rounds add their times; memory is the first's
                    first["times"] += result["times"]
                    first["users"] += result["users"]
                    if first["status"] == "ok":
                        first["status"] = result["status"]
                times = result["times"]
                print(
                    f"  {label:<22} {kind:<6} {n_rows:>9,}  "
                    f"{_fmt(float(np.median(times)) if times else None, '.3f'):>8} s  "
                    f"{result['status']}  ({elapsed:.0f} s in all"
                    + (f", round {round_number + 1}" if args.rounds > 1 and cases is ours else "")
                    + ")",
                    file=sys.stderr,
                    flush=True,
                )
        for key, label, kind, operation in cases:
            record = {"key": key, "method": label, "input": kind, "rows": n_rows, "operation": operation}
            result = pooled.get((key, kind))
            if result is None:
                record["status"] = given_up[(key, kind)]
                records.append(record)
                continue
            record.update(
                status=result["status"],
                seconds=float(np.median(result["times"])) if result["times"] else None,
                best_s=min(result["times"]) if result["times"] else None,
                user_s=float(np.median(result["users"])) if result["users"] else None,
                peak_mib=result.get("peak_mib"),
                kept_mib=result.get("kept_mib"),
                rss_mib=result.get("rss_mib"),
                input_mib=result.get("input_mib"),
                output_mib=result.get("output_mib"),
                rows_out=result.get("rows_out"),
            )
            records.append(record)
    bare = {
        (r["operation"], r["rows"]): (r["seconds"], r["user_s"])
        for r in records
        if r["key"].startswith("bare") and r.get("seconds")
    }
    limits = {
        (r["operation"], r["input"], r["rows"]): r["seconds"]
        for r in records
        if r["key"].startswith("limit") and r.get("seconds")
    }
    for record in records:
        limit = limits.get((record["operation"], LIMIT_OF_INPUT.get(record["input"]), record["rows"]))
        if record["key"].startswith("spm") and limit:
            record["limit_s"] = limit
            record["vs_limit"] = record["seconds"] / limit if record.get("seconds") else None
        reference, reference_user = bare.get((record["operation"], record["rows"]), (None, None))
        seconds, peak, output = record.get("seconds"), record.get("peak_mib"), record.get("output_mib")
        user = record.get("user_s")
        record["vs_bare"] = seconds / reference if seconds and reference else None
        # user time is tick-sampled: below MIN_USER_S the ratio would be noise
        steady = user and reference_user and min(user, reference_user) >= MIN_USER_S
        record["vs_bare_user"] = user / reference_user if steady else None
        record["peak_over_output"] = peak / output if peak is not None and output else None
    return records


def _fmt(value, spec: str) -> str:
    return "-" if value is None or value != value else format(value, spec)


COLUMNS = [  # (header, field, format, width)
    ("method", "method", "", -22),
    ("input", "input", "", -6),
    ("rows", "rows", ",d", 9),
    ("rows out", "rows_out", ",d", 9),
    ("seconds", "seconds", ".3f", 8),
    ("best s", "best_s", ".3f", 7),
    ("user s", "user_s", ".3f", 7),
    ("limit s", "limit_s", ".3f", 7),
    ("vs limit", "vs_limit", ".2f", 8),
    ("peak MiB", "peak_mib", ".1f", 8),
    ("rss MiB", "rss_mib", ".1f", 8),
    ("in MiB", "input_mib", ".1f", 7),
    ("out MiB", "output_mib", ".1f", 7),
    ("kept MiB", "kept_mib", ".1f", 8),
    ("peak/out", "peak_over_output", ".2f", 8),
    ("vs bare", "vs_bare", ".2f", 7),
    ("(user)", "vs_bare_user", ".2f", 6),
]


def print_table(records: list[dict]) -> None:
    def cell(text: str, width: int) -> str:
        return f"{text:<{-width}}" if width < 0 else f"{text:>{width}}"

    header = " ".join(cell(title, width) for title, _, _, width in COLUMNS) + "  status"
    print(header)
    print("-" * len(header))
    for rows in sorted({r["rows"] for r in records}):
        for r in (r for r in records if r["rows"] == rows):
            cells = [
                cell(_fmt(r.get(field), spec) if spec else str(r[field]), width)
                for _, field, spec, width in COLUMNS
            ]
            print(" ".join(cells) + f"  {r['status']}")
        print()


def check_targets(records: list[dict], sizes) -> bool:
    """Print the targets with PASS / FAIL (on median wall-clock time); True if all pass.

    - every SPMixup call within 2.5x the memory-traffic limit of its input and operation,
      on one core;
    - SPMixup fit_resample on the numpy array faster than RandomOverSampler on it;
    - peak memory under 3x the output's size (SPMixup, every input).
    """
    checks = []
    ros = {r["rows"]: r.get("seconds") for r in records if r["key"] == "ros" and r["input"] == "numpy"}
    for r in records:
        if r["rows"] not in sizes or not r["key"].startswith("spm"):
            continue
        name = f"{r['method']} ({r['input']}, {r['rows']:,} rows)"
        checks.append((f"{name}: time within 2.5x the memory-traffic limit", r.get("vs_limit"), 2.5, ""))
        if r["input"] == "numpy" and r["key"] == "spm_resample":
            faster = r["seconds"] / ros[r["rows"]] if r.get("seconds") and ros.get(r["rows"]) else None
            checks.append((f"{name}: time vs RandomOverSampler on numpy", faster, 1.0, ""))
        checks.append((f"{name}: peak memory under 3x the output", r.get("peak_over_output"), 3.0, ""))
    print("Targets")
    ok = True
    for text, value, limit, note in checks:
        passed = value is not None and value <= limit
        ok &= passed
        print(f"  {'PASS' if passed else 'FAIL'}  {text}: {_fmt(value, '.2f')} (limit {limit:g}{note})")
    return ok


def write_csv(records: list[dict], path: str) -> None:
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS, extrasaction="ignore")
        writer.writeheader()
        for r in records:
            row = {}
            for field in FIELDS:
                value = r.get(field)
                row[field] = f"{value:.4g}" if isinstance(value, float) else ("" if value is None else value)
            writer.writerow(row)


def replot(args) -> None:
    """Draw speed.png from a speed.csv written by an earlier run."""
    keys = {(label, kind): key for key, label, kind, _ in CASES}
    with open(args.replot, newline="") as handle:
        rows = list(csv.DictReader(handle))
    records = []
    for row in rows:
        record = {"key": keys[row["method"], row["input"]], "input": row["input"], "rows": int(row["rows"])}
        for field in ("seconds", "peak_mib", "output_mib"):
            record[field] = float(row[field]) if row[field] else None
        records.append(record)
    code = rows[0].get("code", "") if rows else ""
    title = (
        f"skmixup ({code}): time and peak extra memory vs rows "
        f"(20 continuous columns; pandas: + 5 categorical; 10% minority), {os.cpu_count()} CPUs"
    )
    os.makedirs(args.out or ".", exist_ok=True)
    path = os.path.join(args.out or ".", "speed.png")
    plot(records, set(args.plot_rows), path, title, args.timeout)
    print(f"wrote {path}")


def plot(records: list[dict], sizes, path: str, title: str, timeout: float) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (time_axis, memory_axis) = plt.subplots(1, 2, figsize=(13, 5.2))
    styles = {
        "numpy": "-",
        "mixed": "-",
        "numcat": "-.",
        "pandas": "--",
        "arrow": ":",
        "polars": (0, (5, 1, 1, 1)),
    }
    colours = {}
    for key, label, kind, _ in CASES:
        points = sorted(
            (r["rows"], r["seconds"], r.get("peak_mib"))
            for r in records
            if r["key"] == key and r["input"] == kind and r["rows"] in sizes and r.get("seconds")
        )
        skipped = sorted(
            r["rows"]
            for r in records
            if r["key"] == key and r["input"] == kind and r["rows"] in sizes and not r.get("seconds")
        )
        if not points:
            continue
        colour = colours.setdefault(label, f"C{len(colours)}")
        rows, seconds, peak = zip(*points, strict=True)
        name = f"{label} ({kind})"
        time_axis.plot(rows, seconds, linestyle=styles[kind], marker="o", color=colour, label=name)
        for n_rows in skipped:  # an open triangle at the time limit: "more than this"
            time_axis.plot([rows[-1], n_rows], [seconds[-1], timeout], ":", color=colour)
            time_axis.plot(n_rows, timeout, "^", mfc="none", ms=9, color=colour)
            time_axis.annotate(
                f"skipped: >{timeout:g} s",
                (n_rows, timeout),
                fontsize=7,
                ha="right",
                xytext=(-6, 4),
                textcoords="offset points",
            )
        with_peak = [(n, p) for n, p in zip(rows, peak, strict=True) if p is not None]
        if with_peak:
            memory_axis.plot(*zip(*with_peak, strict=True), linestyle=styles[kind], marker="o", color=colour)
    reference = sorted(
        (r["rows"], 3 * r["output_mib"])
        for r in records
        if r["key"] == "spm_resample" and r["input"] == "numpy" and r["rows"] in sizes and r.get("output_mib")
    )
    if reference:
        memory_axis.plot(*zip(*reference, strict=True), ":", color="grey", label="3x output (numpy resample)")
        memory_axis.legend(loc="upper left", fontsize=8)
    for axis, ylabel in (
        (time_axis, "seconds (median of repeats)"),
        (memory_axis, "peak extra MiB (tracemalloc)"),
    ):
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.set_xlabel("input rows")
        axis.set_ylabel(ylabel)
        axis.grid(True, which="both", alpha=0.3)
    time_axis.legend(fontsize=8)
    figure.suptitle(title, fontsize=10)
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)


def source_digest() -> str:
    """A digest of skmixup/*.py: which code a process measures (others may be editing it)."""
    import hashlib

    import skmixup

    package = os.path.dirname(os.path.abspath(skmixup.__file__))
    digest = hashlib.sha1()
    for name in sorted(os.listdir(package)):
        if name.endswith(".py"):
            with open(os.path.join(package, name), "rb") as handle:
                digest.update(name.encode() + handle.read())
    return digest.hexdigest()[:12]


def skmixup_version() -> tuple[str, str]:
    """(git commit and state of skmixup/, digest of skmixup/*.py) of the code being measured."""
    import skmixup

    package = os.path.dirname(os.path.abspath(skmixup.__file__))
    digest = source_digest()

    def git(*command):
        try:
            done = subprocess.run(["git", *command], cwd=package, capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.SubprocessError):
            return ""
        return done.stdout.strip() if done.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD")
    if not commit:
        return f"skmixup {skmixup.__version__}", digest
    dirty = git("status", "--porcelain", "--", ".")
    return f"git {commit}{', skmixup/ modified' if dirty else ''}", digest


def loadavg() -> str:
    try:
        with open("/proc/loadavg") as handle:
            return " ".join(handle.read().split()[:3])
    except OSError:
        return "n/a"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--rows",
        type=int,
        nargs="+",
        default=[1_000_000, 10_000_000],
        help="sizes of the table and targets",
    )
    parser.add_argument(
        "--plot-rows",
        type=int,
        nargs="+",
        default=[10_000, 100_000, 1_000_000, 10_000_000],
        help="sizes of the growth plot (also measured)",
    )
    parser.add_argument(
        "--repeat", type=int, default=5, help="timed calls per measurement (the median is reported)"
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="sweeps over the limits, the bare kernels and skmixup, one after the other, each "
        "case a fresh process per sweep; the median is over the timed calls of every sweep",
    )
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds one call may take")
    parser.add_argument("--max-rss-mib", type=float, default=16_000.0, help="resident memory cap per worker")
    parser.add_argument("--quick", action="store_true", help="smoke run: small sizes, one repeat")
    parser.add_argument(
        "--targets-only",
        action="store_true",
        help="only the cases the targets compare: the limits, the bare kernels, skmixup and "
        "RandomOverSampler on numpy (not SMOTE, SMOTENC or RandomOverSampler on pandas)",
    )
    parser.add_argument(
        "--out", default=None, help="directory for speed.csv and speed.png (none: print only)"
    )
    parser.add_argument(
        "--replot", default=None, metavar="CSV", help="only draw speed.png (into --out) from a speed.csv"
    )
    parser.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker is not None:
        worker(json.loads(args.worker))
        return
    if args.quick:
        args.rows, args.plot_rows, args.repeat, args.timeout = [20_000], [2_000, 20_000], 1, 60.0
    if args.replot is not None:
        replot(args)
        return

    import imblearn
    import pandas as pd
    import sklearn

    import skmixup

    load_before = loadavg()
    started = time.perf_counter()
    code, digest = skmixup_version()
    print(
        f"skmixup {skmixup.__version__} ({code}; source digest {digest}), "
        f"numpy {np.__version__}, pandas {pd.__version__}, "
        f"scikit-learn {sklearn.__version__}, imbalanced-learn {imblearn.__version__}, "
        f"{os.cpu_count()} CPUs; load average before: {load_before}",
        flush=True,
    )
    print(memory_setting(), flush=True)
    records = run_all(args, digest)
    for record in records:
        record["code"] = code
    if source_digest() != digest or any("changed" in record["status"] for record in records):
        print("WARNING: skmixup/ changed during the run; rows marked 'changed' measured other code.")
    print()
    print_table(records)
    check_targets(records, set(args.rows))
    print(
        f"\nmedian of {args.repeat} calls"
        + (f" in each of {args.rounds} rounds (our cases)" if args.rounds > 1 else "")
        + f"; {time.perf_counter() - started:.0f} s in all; "
        f"load average before {load_before}, after {loadavg()}"
    )
    if args.out:
        os.makedirs(args.out, exist_ok=True)
        write_csv(records, os.path.join(args.out, "speed.csv"))
        title = (
            f"skmixup {skmixup.__version__} ({code}): time and peak extra memory vs rows "
            f"(20 continuous columns; pandas: + 5 categorical; 10% minority), {os.cpu_count()} CPUs"
        )
        plot(records, set(args.plot_rows), os.path.join(args.out, "speed.png"), title, args.timeout)
        print(f"wrote {os.path.join(args.out, 'speed.csv')} and {os.path.join(args.out, 'speed.png')}")


if __name__ == "__main__":
    main()
