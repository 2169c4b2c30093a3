"""Shared helpers of the ``benchmarks/study_*.py`` scripts (run by hand; not a test).

Each study parses ``--quick`` and ``--out``, runs single-threaded (the machine
is shared and the problems are small), prints its table, and writes a PNG
figure and a CSV table into the output directory (``docs/results`` by default).
"""

from __future__ import annotations

import argparse
import contextlib
import platform
import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

import skmixup
from skmixup import Beta, EpBeta, Uniform

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "docs" / "results"
DPI = 110

#: The three weight laws compared by every study, in display order.
WEIGHT_LAWS = {
    "EpBeta(δ=0.05)": lambda: EpBeta(delta=0.05),
    "Beta(0.1, 0.1)": lambda: Beta(0.1, 0.1),
    "Uniform(0, 1)": lambda: Uniform(),
}
#: One colour per weight law (and black for the real data).
COLOURS = {
    "real": "black",
    "EpBeta(δ=0.05)": "tab:blue",
    "Beta(0.1, 0.1)": "tab:orange",
    "Uniform(0, 1)": "tab:red",
}


def parse_args(doc: str, extra=None) -> argparse.Namespace:
    """``--quick`` (a smoke run, minutes → seconds) and ``--out`` (output directory).

    ``extra``, if given, is called with the parser to add a study's own options.
    """
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small, fast run to check the script")
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help=f"output directory (default: {DEFAULT_OUT})"
    )
    if extra is not None:
        extra(parser)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    return args


@contextlib.contextmanager
def study(name: str):
    """Limit BLAS/OpenMP to one thread, and print a header and the wall time."""
    print(
        f"# {name}: skmixup {skmixup.__version__}, numpy {np.__version__}, "
        f"python {platform.python_version()}, {' '.join(sys.argv)}"
    )
    start = time.perf_counter()
    with threadpool_limits(limits=1):
        yield
    print(f"# wall time: {time.perf_counter() - start:.1f} s")


def save(fig, table: pd.DataFrame, out: Path, stem: str, *, float_format: str = "%.6g") -> None:
    """Write ``<stem>.png`` and ``<stem>.csv`` into ``out`` and say where."""
    png, csv = out / f"{stem}.png", out / f"{stem}.csv"
    fig.savefig(png, dpi=DPI, bbox_inches="tight")
    plt.close(fig)
    table.to_csv(csv, float_format=float_format)
    print(f"# wrote {png} and {csv}")


def kurtosis_map(weights) -> tuple[float, float]:
    """(a, b) with kurtosis after one mixup round = a·kurtosis before + b (Pearson, 3 = normal).

    With ``V = W(1 − W)``, i and j independent, one column centred:
    ``E[X~⁴] = E[W⁴ + (1 − W)⁴]·m4 + 6E[V²]·σ⁴`` and ``W⁴ + (1 − W)⁴ = 1 − 4V + 2V²``,
    while ``Var[X~] = f·σ²`` with ``f = 1 − 2E[V]``.  Hence
    ``a = (1 − 4E[V] + 2E[V²]) / f²`` and ``b = 6E[V²] / f²``.  When ``f = 1``
    (EpBeta) ``E[V] = 0``, so ``a = 1 + 2E[V²] > 1``: kurtosis grows every round.
    """
    law = weights.to_scipy()
    ev = law.expect(lambda w: w * (1 - w))
    ev2 = law.expect(lambda w: (w * (1 - w)) ** 2)
    f = 1 - 2 * ev
    return (1 - 4 * ev + 2 * ev2) / f**2, 6 * ev2 / f**2


def mean_sd(values, digits: int = 3) -> str:
    """``'mean (sd)'`` of an array, for printed tables."""
    values = np.asarray(values, dtype=float)
    sd = values.std(ddof=1) if values.size > 1 else 0.0
    return f"{values.mean():.{digits}f} ({sd:.{digits}f})"
