"""Monte Carlo results do not depend on where the chunks run: serially, or on a Dask cluster of 2 workers.

The cluster is a dask.distributed LocalCluster with 2 worker *processes* (they import the plugin's
core from the same sys.path), reached through executor_from_spec with its tcp:// address, exactly
as the EXECUTOR parameter does.
"""

from __future__ import annotations

import numpy as np
import pytest
from test_damage import stock
from test_fire import _simulation_inputs
from test_routing import _random_town

from suginami_gis.core import damage as dm
from suginami_gis.core import fire
from suginami_gis.core import routing as rt
from suginami_gis.core.errors import InputError
from suginami_gis.core.executors import close_executor, executor_from_spec, run_tasks
from suginami_gis.core.feedback import Canceled

distributed = pytest.importorskip("dask.distributed")


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
    ) as local:
        yield local


@pytest.fixture
def dask_executor(cluster):
    executor = executor_from_spec(cluster.scheduler_address)
    assert type(executor).__name__ == "Client"
    yield executor
    close_executor(executor)


def test_damage_identical_on_the_cluster(dask_executor):
    structure, years = stock(1200, seed=31)
    gm = np.random.default_rng(32).uniform(5.5, 6.8, (3, 1200))
    kwargs = dict(
        district_index=np.arange(1200) % 4,
        district_names=list("abcd"),
        realizations=90,
        seed=5,
        chunk_realizations=20,
        retrofit_target_rate=0.9,
    )
    serial = dm.estimate_damage(structure, years, gm, **kwargs)
    clustered = dm.estimate_damage(structure, years, gm, executor=dask_executor, **kwargs)
    assert clustered.ward == serial.ward
    np.testing.assert_array_equal(clustered.retrofitted, serial.retrofitted)
    for q in dm.QUANTITIES:
        np.testing.assert_array_equal(clustered.districts.mean[q], serial.districts.mean[q])
        np.testing.assert_array_equal(clustered.districts.p5[q], serial.districts.p5[q])
        np.testing.assert_array_equal(clustered.districts.p95[q], serial.districts.p95[q])
    # The seed matters (so equality above is not vacuous).
    other = dm.estimate_damage(structure, years, gm, **{**kwargs, "seed": 6})
    assert other.ward["collapsed"] != serial.ward["collapsed"]


def test_fire_identical_on_the_cluster(dask_executor):
    geoms, classes, pc, districts = _simulation_inputs()
    scenario = fire.FireScenario(method=fire.Method.SIMULATION, realizations=35, seed=9, time_coefficient=40.0)
    intensity = np.linspace(5.5, 6.9, len(pc))
    serial = fire.run_fire(geoms, classes, pc, scenario, intensity=intensity, district_index=districts, n_districts=3)
    clustered = fire.run_fire(
        geoms,
        classes,
        pc,
        scenario,
        intensity=intensity,
        district_index=districts,
        n_districts=3,
        executor=dask_executor,
    )
    np.testing.assert_array_equal(clustered.p_burn, serial.p_burn)
    np.testing.assert_array_equal(clustered.arrival_min, serial.arrival_min)
    np.testing.assert_array_equal(clustered.burned_total, serial.burned_total)
    np.testing.assert_array_equal(clustered.districts.burned_p95, serial.districts.burned_p95)
    assert serial.burned_total.max() > 0


def test_reachability_identical_on_the_cluster(dask_executor):
    graph, origins = _random_town()
    kwargs = {"realizations": 45, "seed": 17, "max_minutes": 6.0, "district": np.arange(150) % 3}
    serial = rt.monte_carlo_reachability(graph, origins, **kwargs)
    clustered = rt.monte_carlo_reachability(graph, origins, executor=dask_executor, **kwargs)
    np.testing.assert_array_equal(clustered.p_reach, serial.p_reach)
    np.testing.assert_array_equal(clustered.district_reachable_samples, serial.district_reachable_samples)
    assert 0 < serial.p_reach.mean() < 1


def _value_in_worker(handle_and_index):
    import os

    value, index = handle_and_index
    return float(value["arrays"][index].sum()), value["name"], os.getpid(), id(value)


def _scheduler_knows(dask_scheduler, key):
    return key in dask_scheduler.tasks


def test_a_shared_value_is_scattered_once_to_each_worker(dask_executor):
    """executors.sharing on Dask: tasks carry the scattered value's key (not its arrays), each worker holds
    one copy for all its tasks, the results equal the serial ones, the copies are released afterwards."""
    import pickle
    import time

    from suginami_gis.core.executors import DaskShared, _pack_with_shared, sharing

    rng = np.random.default_rng(5)
    value = {"arrays": [rng.random(300_000), np.arange(7, dtype=np.int32)], "name": "木造"}
    tasks_serial = [(value, i % 2) for i in range(8)]
    with sharing(dask_executor) as share:
        handle = share(value)
        assert isinstance(handle, DaskShared)
        with pytest.raises(TypeError, match="run_tasks"):
            pickle.dumps(handle)
        packed, found = _pack_with_shared(_value_in_worker, (handle, 0))
        assert len(packed) < 1000 and list(found) == [handle.key]  # the key, not 2.4 MB of arrays
        results = run_tasks(_value_in_worker, [(handle, i % 2) for i in range(8)], dask_executor)
    assert [r[:2] for r in results] == [(float(v["arrays"][i].sum()), "木造") for v, i in tasks_serial]
    copies = {(pid, ident) for _, _, pid, ident in results}
    assert len(copies) == len({pid for pid, _ in copies})  # one object per worker process, whatever its tasks
    deadline = time.monotonic() + 10
    while dask_executor.run_on_scheduler(_scheduler_knows, key=handle.key) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not dask_executor.run_on_scheduler(_scheduler_knows, key=handle.key)


def test_closing_the_client_leaves_the_cluster_running(cluster):
    for _ in range(2):
        executor = executor_from_spec(cluster.scheduler_address)
        assert run_tasks(abs, [-1, -2, 3], executor) == [1, 2, 3]
        close_executor(executor)
    assert len(cluster.scheduler_info["workers"]) == 2


def test_cancel_stops_between_chunks(dask_executor):
    class CancelAfterFirst:
        def __init__(self):
            self.progress = []

        def set_progress(self, percent):
            self.progress.append(percent)

        def is_canceled(self):
            return len(self.progress) >= 1

        def info(self, message):
            pass

    feedback = CancelAfterFirst()
    with pytest.raises(Canceled):
        run_tasks(abs, list(range(-10, 0)), dask_executor, feedback)
    assert len(feedback.progress) == 1


@pytest.mark.parametrize("spec", ["threads", "tcp//missing-colon", "8786"])
def test_unknown_executor_names_the_parameter(spec):
    with pytest.raises(InputError) as info:
        executor_from_spec(spec)
    assert info.value.parameter == "EXECUTOR"


def test_serial_spec_means_no_executor():
    for spec in ("", "  ", None, "serial"):
        assert executor_from_spec(spec) is None


def test_shared_pools_hand_every_caller_one_pool_with_the_same_results():
    # inside shared_pools() EXECUTOR 'local' is one pool of spawned workers for every step, left open by
    # close_executor and shut down at the end; the chunks and their seeds are those of a pool per call
    from suginami_gis.core.executors import SharedPool, shared_pools

    structure, years = stock(400, seed=41)
    gm = np.random.default_rng(42).uniform(5.5, 6.8, (2, 400))
    kwargs = dict(realizations=40, seed=9, chunk_realizations=10)
    serial = dm.estimate_damage(structure, years, gm, **kwargs)
    with shared_pools():
        first = executor_from_spec("local", workers=2)
        assert isinstance(first, SharedPool)
        pooled = dm.estimate_damage(structure, years, gm, executor=first, **kwargs)
        close_executor(first)
        second = executor_from_spec("local", workers=2)
        assert second is first
        assert run_tasks(abs, [-1, -2, 3], second) == [1, 2, 3]  # still open after close_executor
        workers = set(first._pool._processes)
        assert run_tasks(abs, [-4, 5], second) == [4, 5] and set(first._pool._processes) == workers
    assert pooled.ward == serial.ward
    with pytest.raises(RuntimeError, match="shut down"):
        first.submit(abs, -1)
    outside = executor_from_spec("local", workers=1)
    assert type(outside).__name__ == "ProcessPoolExecutor"
    close_executor(outside)


def _shared_sum(handle_and_index):
    value, index = handle_and_index
    arrays = value["arrays"]
    arrays[0][0] = -1.0  # writable in the worker (copy-on-write: the file and the other tasks keep theirs)
    return float(arrays[index].sum()), all(a.ctypes.data % 64 == 0 for a in arrays), value["name"]


def test_a_shared_payload_is_written_once_and_mapped_by_the_workers(tmp_path):
    """executors.sharing: a local pool's tasks carry a file's name instead of the payload; each worker maps
    the arrays from the file (aligned, writable without changing the file) and the results equal the
    serial ones; the file is gone when the block ends. Serially the value itself is shared."""
    import os
    import pickle

    from suginami_gis.core.executors import SharedValue, load_shared, sharing

    rng = np.random.default_rng(3)
    value = {"arrays": [rng.random(300_000), rng.random((7, 13)).T, np.arange(5, dtype=np.int32)], "name": "木造"}
    changed = value["arrays"][0].copy()
    changed[0] = -1.0
    expected = [(float(a.sum()), True, "木造") for a in (changed, *value["arrays"][1:])]
    with sharing(None) as share:
        assert share(value) is value
    pool = executor_from_spec("local", workers=2)
    try:
        with sharing(pool) as share:
            handle = share(value)
            assert isinstance(handle, SharedValue) and os.path.exists(handle.path)
            assert len(pickle.dumps((handle, 0))) < 300  # the name of the file, not 2.4 MB of arrays
            results = run_tasks(_shared_sum, [(handle, i) for i in (0, 1, 2, 0)], pool)
            again = load_shared(handle.path)
            np.testing.assert_array_equal(again["arrays"][0], value["arrays"][0])  # the file kept its values
            np.testing.assert_array_equal(again["arrays"][1], value["arrays"][1])  # a transposed array too
        assert not os.path.exists(handle.path)
    finally:
        close_executor(pool)
    assert results == [*expected, expected[0]]


@pytest.mark.parametrize("module", ["damage", "fire", "routing"])
def test_monte_carlo_identical_in_a_local_pool_with_shared_payloads(module):
    pool = executor_from_spec("local", workers=2)
    try:
        if module == "damage":
            structure, years = stock(900, seed=51)
            gm = np.random.default_rng(52).uniform(5.5, 6.8, (4, 900))
            kwargs = dict(
                district_index=np.arange(900) % 3,
                district_names=list("abc"),
                realizations=60,
                seed=4,
                chunk_realizations=15,
            )
            serial = dm.estimate_damage(structure, years, gm, **kwargs)
            pooled = dm.estimate_damage(structure, years, gm, executor=pool, **kwargs)
            assert pooled.ward == serial.ward
            for q in dm.QUANTITIES:
                np.testing.assert_array_equal(pooled.districts.p95[q], serial.districts.p95[q])
        elif module == "fire":
            geoms, classes, pc, districts = _simulation_inputs()
            scenario = fire.FireScenario(method=fire.Method.SIMULATION, realizations=25, seed=2, time_coefficient=40.0)
            intensity = np.linspace(5.5, 6.9, len(pc))
            kwargs = dict(intensity=intensity, district_index=districts, n_districts=3)
            serial = fire.run_fire(geoms, classes, pc, scenario, **kwargs)
            pooled = fire.run_fire(geoms, classes, pc, scenario, executor=pool, **kwargs)
            np.testing.assert_array_equal(pooled.p_burn, serial.p_burn)
            np.testing.assert_array_equal(pooled.arrival_min, serial.arrival_min)
            assert serial.burned_total.max() > 0
        else:
            graph, origins = _random_town()
            kwargs = {"realizations": 35, "seed": 8, "max_minutes": 6.0, "district": np.arange(150) % 3}
            serial = rt.monte_carlo_reachability(graph, origins, **kwargs)
            pooled = rt.monte_carlo_reachability(graph, origins, executor=pool, **kwargs)
            np.testing.assert_array_equal(pooled.p_reach, serial.p_reach)
            np.testing.assert_array_equal(pooled.district_reachable_samples, serial.district_reachable_samples)
    finally:
        close_executor(pool)


def test_a_shared_folder_that_cannot_be_removed_yet_is_removed_after_the_pools(tmp_path, monkeypatch):
    # Windows cannot remove a file a worker still maps: the folder is kept aside and removed after shutdown
    import shutil

    from suginami_gis.core import executors

    folder = tmp_path / "suginami-shared-x"
    folder.mkdir()
    (folder / "a.pickle").write_bytes(b"x")
    real = shutil.rmtree
    monkeypatch.setattr(shutil, "rmtree", lambda *a, **k: None)
    executors._remove(str(folder))
    assert folder.exists() and str(folder) in executors._leftover
    monkeypatch.setattr(shutil, "rmtree", real)
    with executors.shared_pools():
        pass
    assert not folder.exists() and str(folder) not in executors._leftover


def test_shared_folders_of_killed_runs_are_removed(tmp_path):
    # a run killed in a loop leaves its folder in /dev/shm (memory): the next loop removes it
    from suginami_gis.core import executors
    from suginami_gis.core.atomic import claim

    dead = tmp_path / f"{executors.SHARED_PREFIX}dead"
    dead.mkdir()
    (dead / "a.pickle").write_bytes(b"x" * 1000)
    claim(dead)
    owner = next(p for p in tmp_path.iterdir() if p.is_file())
    host = owner.read_text(encoding="utf-8").split()[0]
    owner.write_text(f"{host} 999999999", encoding="utf-8")  # a process that does not exist
    folder = executors._shared_folder(str(tmp_path))
    assert not dead.exists() and not owner.exists()
    assert folder.startswith(str(tmp_path / executors.SHARED_PREFIX))
    assert len([p for p in tmp_path.iterdir() if p.is_file()]) == 1  # this run's owner file
    executors._remove(folder)
    assert list(tmp_path.iterdir()) == []
