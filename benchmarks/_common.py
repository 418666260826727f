"""Shared helpers of the benchmark scripts: timing, peak memory, one result row format.

Each script prints its figures for people and one line per task starting with ``BENCH_ROW``
(JSON) that benchmarks/run_all.py gathers into one table and out/bench.json.
"""

from __future__ import annotations

import json
import statistics
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data" / "real"
OUT = REPO / "out" / "bench"


def measure(fn: Callable[[], Any], repeat: int = 3) -> tuple[float, float, Any]:
    """Median wall time [s] over ``repeat`` runs and peak Python-heap memory [MB] (numpy included)."""
    times = []
    peak = 0.0
    result = None
    for _ in range(repeat):
        tracemalloc.start()
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
        peak = max(peak, tracemalloc.get_traced_memory()[1] / 1e6)
        tracemalloc.stop()
    return statistics.median(times), peak, result


def peak_rss_mb() -> float:
    """Peak resident set of this process so far [MB] (Linux reports kilobytes)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


# The sampler of TreeMemory, run as its own process: sums the memory of a process and its children (itself
# left out) every INTERVAL seconds until a line arrives on its standard input, then prints the peaks as JSON.
_SAMPLER = """
import json, os, select, sys
import psutil
root, interval, me = psutil.Process(int(sys.argv[1])), float(sys.argv[2]), os.getpid()
peak_rss = peak_private = 0.0
while True:
    rss = private = shared = 0
    for process in [root, *root.children(recursive=True)]:
        if process.pid == me:
            continue
        try:
            info = process.memory_info()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        rss, private, shared = rss + info.rss, private + info.rss - info.shared, max(shared, info.shared)
    peak_rss, peak_private = max(peak_rss, rss / 2**20), max(peak_private, (private + shared) / 2**20)
    if select.select([sys.stdin], [], [], interval)[0]:
        break
print(json.dumps({"peak_rss_mb": peak_rss, "peak_private_mb": peak_private}), flush=True)
"""


class TreeMemory:
    """The peak memory of this process and every process it starts (the scenario's second QGIS process and the
    Monte Carlo pools), sampled every ``interval`` s while in a ``with`` block.

    ``peak_rss_mb``: the largest sum of resident sets, an upper bound (each process counts the shared
    libraries and files it maps); ``peak_private_mb``: the largest sum of each process's resident set less
    its shared pages, plus the largest shared part once (the libraries the processes have in common counted
    once). Read from /proc/<pid>/statm through psutil (requirements-dev.txt), which costs nothing: a
    proportional set size (/proc/<pid>/smaps_rollup) walks each process's pages and made the measured
    run 15 % slower.

    The sampler is a process of its own: as a thread of the measured process it held Python's interpreter
    lock for about 1.8 s of a 75 s ward scenario (listing the process tree four times a second), time
    taken from the scenario's own Python.
    """

    def __init__(self, interval: float = 0.25) -> None:
        self.interval = interval
        self.peak_rss_mb = 0.0
        self.peak_private_mb = 0.0
        self._process = None

    def __enter__(self) -> TreeMemory:
        import os
        import subprocess
        import sys

        self._process = subprocess.Popen(
            [sys.executable, "-c", _SAMPLER, str(os.getpid()), str(self.interval)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        return self

    def __exit__(self, *exc: object) -> None:
        output, _ = self._process.communicate("stop\n", timeout=60)
        peaks = json.loads(output)
        self.peak_rss_mb, self.peak_private_mb = peaks["peak_rss_mb"], peaks["peak_private_mb"]


def row(
    task: str,
    size: str,
    seconds: float,
    peak_mb: float,
    target_s: float | None = None,
    peer: str | None = None,
    peer_seconds: float | None = None,
    peer_peak_mb: float | None = None,
    **extra: Any,
) -> dict[str, Any]:
    data = {
        "task": task,
        "size": size,
        "seconds": round(seconds, 3),
        "peak_mb": round(peak_mb, 1),
        "target_s": target_s,
        "peer": peer,
        "peer_seconds": None if peer_seconds is None else round(peer_seconds, 3),
        "peer_peak_mb": None if peer_peak_mb is None else round(peer_peak_mb, 1),
        "ratio": None if not peer_seconds else round(peer_seconds / seconds, 2),
        **extra,
    }
    print("BENCH_ROW " + json.dumps(data, ensure_ascii=False))
    return data


def ward_scale_gpkg() -> Path:
    """The ward-scale sample (about 125,000 buildings, 40,000 road edges), generated once into out/."""
    import sys

    sys.path.insert(0, str(REPO))
    from suginami_gis.core import sample_ward

    folder = REPO / "out" / "ward_scale"
    path = folder / "ward_scale.gpkg"
    if not path.exists():
        print("generating the ward-scale sample (about 2 minutes, once)...", flush=True)
        sample_ward.main(["--ward-scale", "--out", str(folder)])
    return path
