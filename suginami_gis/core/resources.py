"""Memory (and disk) estimates before heavy work, and the refusal past a limit the user can raise.

Each estimator gives the peak bytes of one algorithm from the sizes that make it big (raster cells x
bands x buildings, candidates x site pixels, ...), calibrated by measuring the peak resident memory
of the same work (benchmarks/bench_memory.py; docs/performance.md lists the measurements and how
close each estimate came). :func:`check_memory` refuses a run whose estimate exceeds the limit,
naming the parameter that makes it big and MEMORY_LIMIT_GB, the parameter that raises the limit.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError

GB = 1e9
MEMORY_LIMIT_GB = "MEMORY_LIMIT_GB"
# The default limit is this share of the machine's memory: QGIS itself, the operating system and other
# programs need the rest.
DEFAULT_MEMORY_SHARE = 0.5
# The default limit where the machine's memory cannot be read.
FALLBACK_MEMORY_LIMIT_GB = 4.0

# Bytes per value of each term, measured (benchmarks/bench_memory.py, peak RSS above the process's own
# baseline) and rounded up:
# buildingdamage reads the raster as float32 data + mask, converts it to float64 and fills nodata
# (4 + 1 + 8 + 1 + 8 bytes at the peak) and keeps the float64 array for the run;
DAMAGE_RASTER_BYTES_PER_VALUE = 16.0
# then about a dozen float64 (bands, buildings) arrays: samples, collapse and half-collapse
# probabilities per band, their conversions and valid-building copies.
DAMAGE_BYTES_PER_BAND_BUILDING = 72.0
# wifiplacement keeps, per candidate, the site pixels it reaches (int64 index + float32 power) and,
# while evaluating one candidate, float64 distances and ray samples over all site pixels.
PLACEMENT_BYTES_PER_CANDIDATE_PIXEL = 13.0
PLACEMENT_BYTES_PER_PIXEL = 400.0
# wificoverage: best power, serving AP and buildings crossed per pixel, pixel centres, the obstacle
# raster and, for the AP being computed, distances, ray samples and losses over its reach.
COVERAGE_BYTES_PER_PIXEL = 130.0
# groundmotion: the median grids and PAIRS_PER_ROUND pairs of correlated fields on a padded FFT grid.
GROUND_MOTION_BYTES_PER_CELL = 420.0
# Each GeoTIFF band is written as float32; groundmotion writes PGV and intensity (two files).
FLOAT32_BYTES = 4
# Fixed cost of the interpreter, numpy, GDAL and QGIS's process is not counted: the limit is for the work.

# Seconds per unit of work on the project's test machine (2 cores shared by other jobs; the same
# benchmark), for the time estimate in the log: a faster machine takes less.
DAMAGE_SECONDS_PER_BAND_BUILDING = 1.7e-6
PLACEMENT_SECONDS_PER_CANDIDATE_PIXEL = 3.6e-6


def physical_memory_bytes() -> int | None:
    """The machine's memory in bytes, or None when it cannot be read."""
    try:
        if sys.platform == "win32":
            import ctypes

            class MemoryStatus(ctypes.Structure):
                _fields_ = [  # noqa: RUF012 (ctypes reads the class attribute)
                    ("dwLength", ctypes.c_ulong),
                    ("dwMemoryLoad", ctypes.c_ulong),
                    ("ullTotalPhys", ctypes.c_ulonglong),
                    ("ullAvailPhys", ctypes.c_ulonglong),
                    ("ullTotalPageFile", ctypes.c_ulonglong),
                    ("ullAvailPageFile", ctypes.c_ulonglong),
                    ("ullTotalVirtual", ctypes.c_ulonglong),
                    ("ullAvailVirtual", ctypes.c_ulonglong),
                    ("sullAvailExtendedVirtual", ctypes.c_ulonglong),
                ]

            status = MemoryStatus()
            status.dwLength = ctypes.sizeof(MemoryStatus)
            if ctypes.windll.kernel32.GlobalMemoryStatusEx(ctypes.byref(status)):  # type: ignore[attr-defined]
                return int(status.ullTotalPhys)
            return None
        if sys.platform == "darwin":
            import subprocess

            out = subprocess.run(["sysctl", "-n", "hw.memsize"], capture_output=True, text=True, check=True)
            return int(out.stdout.strip())
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))
    except Exception:  # an unusual system (no sysconf, no sysctl): the caller falls back
        return None


def default_memory_limit_gb() -> float:
    """Half of the machine's memory in GB (one decimal), or 4 GB when it cannot be read."""
    total = physical_memory_bytes()
    if not total:
        return FALLBACK_MEMORY_LIMIT_GB
    return max(0.5, round(total * DEFAULT_MEMORY_SHARE / GB, 1))


@dataclass(frozen=True)
class Estimate:
    """Peak bytes of a run, what they are made of (for the message), and the parameter that makes it big."""

    bytes: float
    what: str
    parameter: str
    seconds: float | None = None  # on the test machine; None where the time is not estimated

    @property
    def gb(self) -> float:
        return self.bytes / GB


def building_damage(bands: int, cells: int, buildings: int) -> Estimate:
    raster = bands * cells * DAMAGE_RASTER_BYTES_PER_VALUE
    work = bands * buildings * DAMAGE_BYTES_PER_BAND_BUILDING
    return Estimate(
        raster + work,
        f"{bands:,} bands x {cells:,} raster cells and {bands:,} bands x {buildings:,} buildings",
        "GROUND_MOTION",
        bands * buildings * DAMAGE_SECONDS_PER_BAND_BUILDING,
    )


def wifi_placement(candidates: int, site_pixels: int, parameter: str = "CANDIDATE_SPACING") -> Estimate:
    """``parameter``: CANDIDATE_SPACING for automatic candidates, CANDIDATES for given points."""
    return Estimate(
        candidates * site_pixels * PLACEMENT_BYTES_PER_CANDIDATE_PIXEL + site_pixels * PLACEMENT_BYTES_PER_PIXEL,
        f"{candidates:,} candidates x {site_pixels:,} site pixels",
        parameter,
        candidates * site_pixels * PLACEMENT_SECONDS_PER_CANDIDATE_PIXEL,
    )


def wifi_coverage(pixels: int) -> Estimate:
    return Estimate(pixels * COVERAGE_BYTES_PER_PIXEL, f"{pixels:,} pixels", "PIXEL_SIZE")


def ground_motion(cells: int) -> Estimate:
    return Estimate(cells * GROUND_MOTION_BYTES_PER_CELL, f"{cells:,} cells", "PIXEL_SIZE")


def ground_motion_output_bytes(cells: int, realizations: int) -> float:
    """Bytes of the two GeoTIFFs (PGV and intensity, float32, the median band + one per realization)."""
    return 2.0 * (1 + realizations) * cells * FLOAT32_BYTES


def effective_limit_gb(limit_gb: float | None) -> float:
    """``limit_gb``, or the default limit when it is None or <= 0."""
    return default_memory_limit_gb() if limit_gb is None or limit_gb <= 0 else float(limit_gb)


def exceeds(estimate: Estimate, limit_gb: float | None) -> bool:
    return estimate.bytes > effective_limit_gb(limit_gb) * GB


def check_memory(estimate: Estimate, limit_gb: float | None) -> None:
    """InputError when ``estimate`` exceeds ``limit_gb`` (None or <= 0: the default limit)."""
    limit = effective_limit_gb(limit_gb)
    if exceeds(estimate, limit):
        raise InputError(
            f"this run would need about {estimate.gb:.1f} GB of memory ({estimate.what}), more than the "
            f"limit of {limit:.1f} GB; make it smaller ({estimate.parameter}) or, if the machine has the "
            f"memory, raise {MEMORY_LIMIT_GB}",
            estimate.parameter,
        )


def free_bytes(path: str | os.PathLike[str]) -> int | None:
    """Free space of the disk that will hold ``path`` (its nearest existing folder); None when unknown."""
    folder = Path(path).parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    try:
        return int(shutil.disk_usage(folder).free)
    except OSError:
        return None
