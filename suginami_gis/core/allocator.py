"""glibc's allocator told to keep freed memory for reuse while the scenario runs.

The steps allocate and free arrays of one to tens of megabytes over and over (a float column of the
ward's 124,207 buildings is 1 MB; a band of fragility probabilities as much). With glibc's defaults
(mallopt(3)) every freed block above 128 kB goes back to the system and the heap is trimmed as soon as
128 kB are free at its top, so the next array of that size is faulted in again page by page: on the ward
scenario about a million page faults and 15-16 s of system time across its processes.

Blocks up to 32 MB (the largest threshold glibc accepts on 64-bit) are then taken from the heap and up to
512 MB of free heap are kept before trimming; measured back to back on the ward scenario (benchmarks/
real_suginami_scenario.py --no-export): 1.06 million page faults and 16.2 s of system time without,
0.81 million and 13.7 s with it in every process, 59.5 s against 52.0 s.

Where the allocator is not glibc's (macOS, Windows, musl) nothing changes.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import sys
from collections.abc import Iterator

# mallopt(3) parameters and glibc's defaults for them.
M_TRIM_THRESHOLD, M_TOP_PAD, M_MMAP_THRESHOLD = -1, -2, -3
DEFAULTS = {M_TRIM_THRESHOLD: 128 * 1024, M_TOP_PAD: 128 * 1024, M_MMAP_THRESHOLD: 128 * 1024}
KEPT = {M_TRIM_THRESHOLD: 512 * 1024 * 1024, M_TOP_PAD: 64 * 1024 * 1024, M_MMAP_THRESHOLD: 32 * 1024 * 1024}


def _glibc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.gnu_get_libc_version  # noqa: B018 (only glibc has it: musl's mallopt does nothing)
    except (OSError, AttributeError):
        return None
    return libc


def _set(values: dict[int, int]) -> bool:
    libc = _glibc()
    if libc is None:
        return False
    return all(libc.mallopt(ctypes.c_int(key), ctypes.c_int(value)) == 1 for key, value in values.items())


def keep_freed_memory() -> bool:
    """Keep freed memory for reuse in this process from now on (for the processes the plugin starts: the
    Monte Carlo pools' workers and the scenario's second QGIS process). Whether glibc took the settings."""
    return _set(KEPT)


@contextlib.contextmanager
def kept_freed_memory() -> Iterator[bool]:
    """keep_freed_memory while the block runs (in QGIS's own process); then glibc's defaults again and the
    free memory handed back to the system (malloc_trim). Yields whether glibc took the settings."""
    applied = keep_freed_memory()
    try:
        yield applied
    finally:
        if applied:
            _set(DEFAULTS)
            libc = _glibc()
            if libc is not None:
                libc.malloc_trim(ctypes.c_size_t(0))
