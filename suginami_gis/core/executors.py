"""Where Monte Carlo chunks run: serially, in a local process pool, or on a Dask cluster.

Every Monte Carlo loop of the core splits its work into chunks of a fixed size, each with its
own random stream derived from the seed (numpy SeedSequence.spawn), and gathers the results in
chunk order; so the result is the same whatever runs the chunks.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import shutil
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from .errors import InputError
from .feedback import Feedback, NullFeedback, check_canceled

log = logging.getLogger(__name__)


def run_tasks(
    fn: Callable[[Any], Any], tasks: Sequence[Any], executor: Any = None, feedback: Feedback | None = None
) -> list[Any]:
    """Run ``fn`` over ``tasks`` and return the results in task order.

    ``executor``: None (serial), or an object with ``submit`` returning futures with
    ``result()`` (concurrent.futures executors, dask.distributed.Client) or with ``map``.
    Progress goes to ``feedback``; a cancel stops between tasks and cancels pending futures.
    """
    feedback = feedback or NullFeedback()
    n = max(len(tasks), 1)
    results: list[Any] = []
    if executor is None:
        for i, task in enumerate(tasks):
            check_canceled(feedback)
            results.append(fn(task))
            feedback.set_progress(100.0 * (i + 1) / n)
        return results
    if hasattr(executor, "submit"):
        if _dask_shared_live and hasattr(executor, "scatter"):
            futures = [executor.submit(_call_packed, *_pack_with_shared(fn, task)) for task in tasks]
        else:
            futures = [executor.submit(fn, task) for task in tasks]
        try:
            for i, future in enumerate(futures):
                check_canceled(feedback)
                results.append(future.result())
                feedback.set_progress(100.0 * (i + 1) / n)
        except BaseException:
            for future in futures:
                future.cancel()
            raise
        return results
    for i, result in enumerate(executor.map(fn, tasks)):
        results.append(result)
        feedback.set_progress(100.0 * (i + 1) / n)
        check_canceled(feedback)
    return results


def python_for_workers() -> str:
    """A Python interpreter for spawned workers (inside QGIS, sys.executable is QGIS itself)."""
    name = os.path.basename(sys.executable).lower()
    if name.startswith("python"):
        return sys.executable
    candidate = os.path.join(sys.prefix, "bin", "python3")
    if os.path.exists(candidate):
        return candidate
    return shutil.which("python3") or sys.executable


def executor_from_spec(spec: str | None, workers: int | None = None) -> Any:
    """Make an executor from the EXECUTOR parameter.

    - "" or "serial": None (run in this process);
    - "local": a pool of local worker processes (spawned, so it is safe inside QGIS);
    - "tcp://host:port" (or any dask scheduler address): a dask.distributed Client connected
      to an existing cluster.
    The caller shuts it down (``close_executor``).
    """
    text = (spec or "").strip()
    if text in ("", "serial", "none"):
        return None
    if text == "local":
        size = workers or os.cpu_count() or 1
        with _pools_lock:
            if _pools is not None:
                return _pools.setdefault(size, SharedPool(size))
        return _local_pool(size)
    if "://" in text:
        try:
            from dask.distributed import Client
        except ImportError as exc:
            raise InputError(
                "dask.distributed is not installed: python3 -m pip install 'dask[distributed]'", "EXECUTOR"
            ) from exc
        try:
            return Client(text, timeout=10)
        except Exception as exc:
            raise InputError(f"cannot reach the Dask scheduler at {text}: {exc}", "EXECUTOR") from exc
    raise InputError(
        f"unknown executor {text!r}: use '' (serial), 'local' or a scheduler address such as tcp://host:8786",
        "EXECUTOR",
    )


def _local_pool(size: int) -> Any:
    """A pool of ``size`` spawned worker processes running this Python (safe inside QGIS)."""
    from concurrent.futures import ProcessPoolExecutor

    from .allocator import keep_freed_memory

    context = multiprocessing.get_context("spawn")
    context.set_executable(python_for_workers())
    return ProcessPoolExecutor(max_workers=size, mp_context=context, initializer=keep_freed_memory)


# The pools kept while shared_pools() runs, by size; None outside it.
_pools_lock = threading.Lock()
_pools: dict[int, SharedPool] | None = None


class SharedPool:
    """One local pool handed to every caller inside :func:`shared_pools` (close_executor leaves it open).

    Each worker process is spawned once, with its imports, instead of once per call: the scenario's steps
    each ran their Monte Carlo chunks in a pool of their own, and on a two-core machine the new processes'
    start-up (an interpreter, numpy, scipy, shapely and the core) cost about as much CPU as the chunks.
    A pool broken by a worker that died is replaced at the next submit.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._pool: Any = None
        self._closed = False

    def submit(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if self._closed:
            raise RuntimeError("the shared pool was shut down at the end of shared_pools()")
        if self._pool is None or getattr(self._pool, "_broken", False):
            if self._pool is not None:
                self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = _local_pool(self.size)
        return self._pool.submit(fn, *args, **kwargs)

    def shutdown(self) -> None:
        self._closed = True
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


@contextlib.contextmanager
def shared_pools() -> Iterator[None]:
    """While the block runs, EXECUTOR 'local' means one pool per size for every caller; shut down at the end.

    Chunks and their seeds do not depend on the pool, so the results are those of a pool per call.
    Nested blocks share the outer one.
    """
    global _pools
    with _pools_lock:
        outer = _pools is not None
        if not outer:
            _pools = {}
    try:
        yield
    finally:
        if not outer:
            with _pools_lock:
                pools, _pools = _pools or {}, None
            for pool in pools.values():
                pool.shutdown()
            remove_leftovers()


# --- payloads many tasks share --------------------------------------------------------------------------
# Buffers in a shared file start on this boundary (numpy arrays mapped from it stay aligned).
_ALIGN = 64
# Values a worker keeps loaded, by file: the chunks of one loop reuse their payload.
_LOADED_KEEP = 2
_loaded: dict[str, Any] = {}


@contextlib.contextmanager
def sharing(executor: Any) -> Iterator[Callable[[Any], Any]]:
    """``share(value)`` while the block runs: ``value`` as the tasks run by ``executor`` carry it.

    For a local process pool, a handle (SharedValue) that pickles as a file's name: the value is written
    to the file once, its arrays out of band (pickle protocol 5), and each worker maps them from the file
    instead of receiving a copy with every task. Sending each task its own pickle of the same arrays moved
    about 1 GB through the pools' pipes per ward scenario. The files are removed when the block ends.

    On a Dask cluster (a Client), a handle (DaskShared) to the value scattered once to every worker
    (``Client.scatter(..., broadcast=True)``): run_tasks sends each task with the handle's key and the
    worker puts its own copy in its place, instead of Dask pickling the value into every task (the
    1.8-million-building damage sent 290 MB per loop, and each worker held a copy per running task).
    The scattered copies are released when the block ends. Serially, the value itself.
    """
    if hasattr(executor, "scatter") and hasattr(executor, "submit"):
        yield from _sharing_on_dask(executor)
        return
    if not _is_local_pool(executor):
        yield lambda value: value
        return
    folder = _shared_folder()
    try:
        yield lambda value: SharedValue.write(value, folder)
    finally:
        _remove(folder)


# Folders of shared values a worker still maps (Windows cannot remove a mapped file): removed once the
# pools are shut down.
_leftover: list[str] = []
SHARED_PREFIX = "suginami-shared-"


def _shared_folder(parent: str | None = None) -> str:
    """A new folder for shared values, marked as this process's, in ``parent`` or else /dev/shm (memory-backed
    where Linux has it: nothing is written back to a disk) or the temporary folder. Folders left there by
    killed runs go first (core/atomic.remove_abandoned)."""
    import tempfile
    from pathlib import Path

    from .atomic import claim, remove_abandoned

    if parent is None:
        parent = "/dev/shm" if os.access("/dev/shm", os.W_OK) else tempfile.gettempdir()
    remove_abandoned(Path(parent), SHARED_PREFIX)
    folder = tempfile.mkdtemp(prefix=SHARED_PREFIX, dir=parent)
    claim(Path(folder))
    return folder


def _remove(folder: str) -> None:
    from pathlib import Path

    from .atomic import release

    shutil.rmtree(folder, ignore_errors=True)
    if os.path.exists(folder):
        _leftover.append(folder)
    else:
        release(Path(folder))


def remove_leftovers() -> None:
    """Remove the folders of shared values that could not be removed while workers mapped them."""
    from pathlib import Path

    from .atomic import release

    for folder in list(_leftover):
        shutil.rmtree(folder, ignore_errors=True)
        if not os.path.exists(folder):
            _leftover.remove(folder)
            release(Path(folder))


def _is_local_pool(executor: Any) -> bool:
    from concurrent.futures import ProcessPoolExecutor

    return isinstance(executor, SharedPool | ProcessPoolExecutor)


class SharedValue:
    """A value written once to a file; unpickled (in a worker) as the value, its arrays mapped from the file."""

    def __init__(self, path: str) -> None:
        self.path = path

    @classmethod
    def write(cls, value: Any, folder: str) -> SharedValue:
        import pickle
        import struct
        import uuid

        buffers: list[pickle.PickleBuffer] = []
        header = pickle.dumps(value, protocol=5, buffer_callback=buffers.append)
        path = os.path.join(folder, f"{uuid.uuid4().hex}.pickle")
        with open(path, "wb") as out:
            out.write(struct.pack("<QQ", len(header), len(buffers)) + header)
            for buffer in buffers:
                raw = buffer.raw()
                out.write(b"\0" * (-out.tell() % _ALIGN) + struct.pack("<Q", raw.nbytes))
                out.write(b"\0" * (-out.tell() % _ALIGN))
                out.write(raw)
        return cls(path)

    def __reduce__(self) -> tuple[Callable[[str], Any], tuple[str]]:
        return load_shared, (self.path,)


def load_shared(path: str) -> Any:
    """The value SharedValue.write stored in ``path``; its arrays map the file copy-on-write (writable, and
    nothing written goes back to the file)."""
    import mmap
    import pickle
    import struct

    for gone in [known for known in _loaded if not os.path.exists(known)]:
        del _loaded[gone]  # its loop has ended (sharing() removed the file): its memory is freed
    if path in _loaded:
        return _loaded[path]
    with open(path, "rb") as source:
        mapped = mmap.mmap(source.fileno(), 0, access=mmap.ACCESS_COPY)
    view = memoryview(mapped)
    header_size, count = struct.unpack_from("<QQ", view, 0)
    position = 16 + header_size
    buffers = []
    for _ in range(count):
        position += -position % _ALIGN
        (size,) = struct.unpack_from("<Q", view, position)
        position += 8
        position += -position % _ALIGN
        buffers.append(view[position : position + size])
        position += size
    value = pickle.loads(view[16 : 16 + header_size], buffers=buffers)
    while len(_loaded) >= _LOADED_KEEP:
        _loaded.pop(next(iter(_loaded)))
    _loaded[path] = value
    return value


# Sharing blocks open on Dask clients (run_tasks then sends tasks as pickles with the handles' keys).
_dask_shared_live = 0


def _sharing_on_dask(client: Any) -> Iterator[Callable[[Any], Any]]:
    global _dask_shared_live
    handles: list[DaskShared] = []

    def share(value: Any) -> DaskShared:
        # a list of one: scatter would otherwise scatter a list's or a dict's items one by one
        (future,) = client.scatter([value], broadcast=True, hash=False)
        handles.append(DaskShared(future))
        return handles[-1]

    _dask_shared_live += 1
    try:
        yield share
    finally:
        _dask_shared_live -= 1
        for handle in handles:
            handle.future.release()


class DaskShared:
    """A value scattered to every worker of a Dask cluster (executors.sharing); it travels only in the tasks
    of run_tasks, as its key, and each worker puts its own copy of the value in its place."""

    def __init__(self, future: Any) -> None:
        self.future = future
        self.key = str(future.key)

    def __reduce__(self) -> tuple[Any, ...]:
        raise TypeError("a value shared on a Dask cluster travels only in the tasks of executors.run_tasks")


def _pack_with_shared(fn: Callable[[Any], Any], task: Any) -> tuple[bytes, dict[str, Any]]:
    """``fn`` and ``task`` pickled with each DaskShared as its key, and the scattered futures by key (Dask
    gives the worker their values in their place)."""
    import io

    import cloudpickle  # dask.distributed's own pickler (functions defined in a session pickle too)

    found: dict[str, Any] = {}

    class Pickler(cloudpickle.CloudPickler):  # type: ignore[misc]
        def persistent_id(self, obj: Any) -> str | None:
            if isinstance(obj, DaskShared):
                found[obj.key] = obj.future
                return obj.key
            return None

    out = io.BytesIO()
    Pickler(out, protocol=5).dump((fn, task))
    return out.getvalue(), found


def _call_packed(packed: bytes, values: dict[str, Any]) -> Any:
    """In a Dask worker: unpickle ``fn`` and ``task`` with each shared key replaced by the worker's value, and run."""
    import io
    import pickle

    class Unpickler(pickle.Unpickler):
        def persistent_load(self, pid: Any) -> Any:
            return values[pid]

    fn, task = Unpickler(io.BytesIO(packed)).load()
    return fn(task)


def close_executor(executor: Any) -> None:
    """Release an executor made by :func:`executor_from_spec`.

    A dask Client is only disconnected (``close``): its ``shutdown`` would stop the user's
    shared cluster. Local pools are shut down, cancelling what has not started.
    """
    if executor is None or isinstance(executor, SharedPool):
        return  # a shared pool is shut down at the end of shared_pools()
    if hasattr(executor, "close"):
        executor.close()
    elif hasattr(executor, "shutdown"):
        executor.shutdown(wait=True, cancel_futures=True)
        remove_leftovers()
