"""What fresh memory costs on this machine, right after a free and a few seconds later (run by hand).

On a virtual machine whose memory balloon reports free pages to the host
(virtio-balloon's free page reporting: bit 5 of
``/sys/bus/virtio/drivers/virtio_balloon/virtio*/features``), memory that a
process frees and that stays free for a moment goes back to the host, and
the next first write to it waits for the host to provide it again.  A job
that allocates gigabytes afresh, as ``sample`` of 10^7 rows does, then pays
that at every call.

In a fresh process, ``--repeat`` times for each pause: allocate ``--gb``
gigabytes (``np.empty``), sleep ``pause`` seconds *before* the allocation
(so that the previous round's memory has been free that long), then write
one value per 4 KiB page and time that: the page faults alone.  Once as
Python starts by default, once with glibc told to keep freed memory in the
process (``MALLOC_MMAP_THRESHOLD_`` and ``MALLOC_TRIM_THRESHOLD_``, see the
Scaling page, docs/user_guide/scaling.rst), in which case the pages are
written again without a fault.

Usage::

    python benchmarks/probe_fresh_memory.py [--gb 1.65] [--pauses 0 3 6] [--repeat 2]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

# glibc keeps freed blocks in the process instead of unmapping them (sizes in bytes).
KEEP_FREED_MEMORY = {"MALLOC_MMAP_THRESHOLD_": "4294967296", "MALLOC_TRIM_THRESHOLD_": "68719476736"}
PAGE_BYTES = 4096


def fault_times(n_bytes: int, pauses: list[float], repeat: int) -> list[tuple[float, float, float]]:
    """``(pause, wall s, system s)`` of mapping ``n_bytes`` fresh, after each pause, ``repeat`` times."""
    import numpy as np

    block = np.empty(n_bytes // 8)
    block[:: PAGE_BYTES // 8] = 0  # the first allocation: mapped whatever the pause
    del block
    times = []
    for pause in pauses:
        for _ in range(repeat):
            time.sleep(pause)
            block = np.empty(n_bytes // 8)
            start, before = time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF).ru_stime
            block[:: PAGE_BYTES // 8] = 0
            after = resource.getrusage(resource.RUSAGE_SELF).ru_stime
            times.append((pause, time.perf_counter() - start, after - before))
            del block
    return times


def reporting_balloon() -> str:
    """Whether a virtio balloon here reports free pages: "yes", "no" or "no balloon"."""
    features = sorted(Path("/sys/bus/virtio/drivers/virtio_balloon").glob("virtio*/features"))
    if not features:
        return "no balloon"
    bits = features[0].read_text().strip()
    return "yes" if len(bits) > 5 and bits[5] == "1" else "no"


def memory_setting() -> str:
    """One line for a benchmark's header: what makes fresh memory slow or cheap here."""
    kept = all(os.environ.get(key) == value for key, value in KEEP_FREED_MEMORY.items())
    return (
        f"free page reporting: {reporting_balloon()}; "
        f"glibc keeps freed memory: {'yes' if kept else 'no'} (see benchmarks/probe_fresh_memory.py)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--gb", type=float, default=1.65, help="gigabytes allocated each time")
    parser.add_argument("--pauses", type=float, nargs="+", default=[0.0, 3.0, 6.0], help="seconds")
    parser.add_argument("--repeat", type=int, default=2, help="allocations per pause")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    n_bytes = int(args.gb * 1e9)
    if args.worker:
        for pause, wall, system in fault_times(n_bytes, args.pauses, args.repeat):
            print(pause, wall, system)
        return
    print(memory_setting())
    print(f"{args.gb} GB mapped afresh, one write per 4 KiB page; medians of {args.repeat}")
    print(f"{'glibc':22} {'pause s':>8} {'wall s':>8} {'system s':>9} {'GB/s':>6}")
    command = [sys.executable, __file__, "--worker", "--gb", str(args.gb), "--repeat", str(args.repeat)]
    command += ["--pauses", *map(str, args.pauses)]
    for label, extra in (("as it starts", {}), ("keeping freed memory", KEEP_FREED_MEMORY)):
        environment = {key: value for key, value in os.environ.items() if key not in KEEP_FREED_MEMORY}
        done = subprocess.run(command, env=environment | extra, capture_output=True, text=True, check=True)
        rows = [tuple(map(float, line.split())) for line in done.stdout.splitlines()]
        for pause in args.pauses:
            walls = [wall for p, wall, _ in rows if p == pause]
            systems = [system for p, _, system in rows if p == pause]
            wall, system = statistics.median(walls), statistics.median(systems)
            print(f"{label:22} {pause:8.1f} {wall:8.3f} {system:9.2f} {args.gb / wall:6.1f}")


if __name__ == "__main__":
    main()
