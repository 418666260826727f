"""Results computed once and reused while a caller shares them (the scenario's two runs).

The scenario runs each step twice, for the current state and for the mitigated one, on the same
streets and the same footprints: the street network, the street widths estimated from the
footprints, the footprint checks, the snapping of origins to the network and the street-sample Voronoi
cells of the service areas are the same in both runs. Inside ``shared()`` such a result is kept under a fingerprint of everything it is computed
from and handed out again (as a copy where the caller may change it); outside, nothing is kept and
every call computes. A kept result is exactly what the computation returns, so the numbers are the
same with or without sharing.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import numpy as np

log = logging.getLogger(__name__)
T = TypeVar("T")

_lock = threading.RLock()
_store: dict[str, Any] | None = None
# How often each kind of result was computed and reused in the current (or last) shared block.
_counts: dict[str, list[int]] = {}
_saved_s: dict[str, float] = {}


@contextlib.contextmanager
def shared() -> Iterator[None]:
    """Keep results while the block runs; forget them at its end (nested blocks share the outer one)."""
    global _store
    with _lock:
        outer = _store is not None
        if not outer:
            _store = {}
            _counts.clear()
            _saved_s.clear()
    try:
        yield
    finally:
        if not outer:
            with _lock:
                _store = None


def active() -> bool:
    return _store is not None


def counts() -> dict[str, tuple[int, int]]:
    """(computed, reused) per kind of result in the current or last shared block."""
    with _lock:
        return {kind: (c[0], c[1]) for kind, c in _counts.items()}


def saved_seconds() -> dict[str, float]:
    """Seconds each kind of result took when first computed, times the number of reuses."""
    with _lock:
        return dict(_saved_s)


def _feed(digest: Any, part: Any) -> None:
    """Add one part of a key to the hash: arrays by dtype, shape and bytes; geometries by WKB."""
    if part is None:
        digest.update(b"\x00none")
    elif isinstance(part, np.ndarray) and part.dtype != object:
        digest.update(f"nd{part.dtype.str}{part.shape}".encode())
        digest.update(np.ascontiguousarray(part).tobytes())
    elif isinstance(part, np.ndarray | list | tuple):
        values = np.asarray(part, dtype=object).ravel() if not isinstance(part, np.ndarray) else part.ravel()
        if len(values) and _is_geometry(values):
            import shapely

            digest.update(f"geom{len(values)}".encode())
            for wkb in shapely.to_wkb(values, include_srid=False):
                digest.update(b"\x00" if wkb is None else wkb)
        else:
            digest.update(f"seq{len(values)}".encode())
            for value in values:
                _feed(digest, value)
    elif isinstance(part, str | bytes | int | float | bool | np.generic):
        digest.update(f"{type(part).__name__}:{part!r}".encode())
    else:
        raise TypeError(f"memo key parts are arrays, geometries, sequences or scalars, not {type(part).__name__}")


def _is_geometry(values: np.ndarray) -> bool:
    import shapely

    first = next((v for v in values if v is not None), None)
    return isinstance(first, shapely.Geometry)


def fingerprint(*parts: Any) -> str:
    """A hash of the parts (blake2b): equal parts give equal fingerprints."""
    digest = hashlib.blake2b(digest_size=20)
    for part in parts:
        _feed(digest, part)
        digest.update(b"|")
    return digest.hexdigest()


def cached(kind: str, key: tuple[Any, ...], compute: Callable[[], T], copy: Callable[[T], T] | None = None) -> T:
    """``compute()``, or inside ``shared()`` the result kept for an equal ``key`` (through ``copy`` if given)."""
    store = _store
    if store is None:
        return compute()
    name = f"{kind}:{fingerprint(*key)}"
    with _lock:
        kept: tuple[Any, float] | None = store.get(name)
        count = _counts.setdefault(kind, [0, 0])
        if kept is not None:
            count[1] += 1
            _saved_s[kind] = _saved_s.get(kind, 0.0) + kept[1]
    if kept is not None:
        log.debug("reused %s", kind)
        return copy(kept[0]) if copy is not None else kept[0]
    started = time.perf_counter()
    result = compute()
    seconds = time.perf_counter() - started
    with _lock:
        count[0] += 1
        store[name] = (result, seconds)
    return copy(result) if copy is not None else result


def keep(kind: str, key: tuple[Any, ...], value: Any, seconds: float = 0.0) -> None:
    """Inside ``shared()``, keep ``value`` (which took ``seconds`` to get) under ``key`` for ``kept``; outside,
    nothing."""
    store = _store
    if store is None:
        return
    with _lock:
        store[f"{kind}:{fingerprint(*key)}"] = (value, seconds)


def kept(kind: str, key: tuple[Any, ...], count: bool = True) -> Any:
    """The value ``keep`` kept under ``key`` in the current shared block (counted as reused unless ``count``
    is false); else None."""
    store = _store
    if store is None:
        return None
    with _lock:
        found = store.get(f"{kind}:{fingerprint(*key)}")
        if found is None:
            return None
        if count:
            _counts.setdefault(kind, [0, 0])[1] += 1
            _saved_s[kind] = _saved_s.get(kind, 0.0) + found[1]
        return found[0]
