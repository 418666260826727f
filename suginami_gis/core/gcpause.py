"""Pause Python's cyclic garbage collector while a vectorised step creates many objects.

A vectorised shapely call on a whole ward (hundreds of thousands of points, boxes or rings) or a
``tolist()`` of its coordinates creates that many new objects; each 700 allocations start a
collection that walks the young objects, and in a QGIS process, whose heap holds every feature read,
these collections took more time than the geometry work itself (shapely.points of 828,000 pixel
centres: 8 s in a Processing run, 0.1 s with the collector paused). The steps paused here create no
reference cycles, so nothing waits for the collector; reference counting frees their objects as
usual, and the collector runs again (as before) when the block ends. Results are unchanged.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """Disable the cyclic collector for the block (nested and threaded blocks: enabled again after the last)."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
