"""Scale check for all 23 wards: about 1.8 million synthetic buildings through damage, fire and routing (issue 13).

The town is the ward-scale sample (suginami_gis.core.sample_ward, WARD_SCALE_SPEC: 126,587
buildings with a footprint, 39,550 road segments, 65 relief centres on 5.83 x 5.83 km; generated once
into out/ward_scale) repeated ``--copies`` times on a grid with 100 m between copies (15 copies:
1,898,805 buildings, 593,250 segments, 975 relief centres, about 510 km2 of town; Tokyo's 23 wards
have about 1.8 million buildings on 627 km2). Each copy keeps its own districts (district id + 1,000
per copy). A M7.3 point source 25 km deep under the centre of the whole area, Si & Midorikawa (1999)
median PGV with AVS30 300 m/s and Midorikawa et al. (1999) intensity, gives every building its
intensity (from 6.3 near the centre to 4.9 at the far corners).

Steps, each in its own fresh process so that its peak resident set (getrusage ru_maxrss, the
kernel's high-water mark) is its own; the resident set of the whole process tree (the step and, on
Dask, its workers) is also sampled every 0.2 s:
- damage: suginami_gis.core.damage.estimate_damage, ``--realizations`` damage draws per building;
- fire: suginami_gis.core.fire.run_fire, cluster method (Tokyo 2022), winter 18:00, 8 m/s: spread
  graph, clusters, upwind sums and ``--realizations`` Monte Carlo runs of the counts;
- routing: street network from the lines, road blockage from the buildings along each street
  (Tokyo 2022), then suginami_gis.core.routing.evacuation_routes from every building to the nearest
  relief centre (safest cost, 15 min limit) with ``--realizations`` blockage realizations.

``--executor dask`` runs the Monte Carlo chunks of every step on a dask.distributed LocalCluster of
2 worker processes with 1 thread each (the cluster is started inside the step's process and its
start-up is timed apart). Outputs are not written: the figures are computing time and memory.

    .venv/bin/python benchmarks/bench_scale23.py                        # 2 copies (250,748 buildings)
    SUGINAMI_BENCH_23WARDS=1 .venv/bin/python benchmarks/bench_scale23.py   # 15 copies, serial and Dask
    .venv/bin/python benchmarks/bench_scale23.py --copies 15 --executor dask --steps fire
    .venv/bin/python benchmarks/bench_scale23.py --copies 15 --profile routing  # cProfile, top 25

`make bench` runs the 2-copy check unless SUGINAMI_BENCH_23WARDS=1 is set (the 1.8 million run takes
longer than 10 minutes here); docs/performance.md gives the measured figures.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

GAP_M = 100.0  # between copies: no street, spread link or blockage crosses from one copy to another
DISTRICT_STRIDE = 1000
TARGET_GB = 6.0
ENV_FULL = "SUGINAMI_BENCH_23WARDS"


def load_town(copies: int, source: str = "") -> dict:
    """The ward-scale sample (or ``source``, a GeoPackage of the same layers) repeated ``copies`` times."""
    import numpy as np
    import pyogrio
    import shapely
    from _common import ward_scale_gpkg

    path = source or ward_scale_gpkg()
    b = pyogrio.read_dataframe(path, layer="buildings")
    r = pyogrio.read_dataframe(path, layer="roads")
    s = pyogrio.read_dataframe(path, layer="shelters")
    # the sample has 3 empty footprints (of 126,590), which fire refuses as a user's layer would be
    b = b[~(b.geometry.is_empty | b.geometry.isna())].reset_index(drop=True)
    footprints = np.asarray(b.geometry.array)
    lines = np.asarray(r.geometry.array)
    shelters = shapely.get_coordinates(np.asarray(s.geometry.array))
    xmin, ymin, xmax, ymax = shapely.total_bounds(lines)
    pitch = max(xmax - xmin, ymax - ymin) + GAP_M
    cols = int(np.ceil(np.sqrt(copies)))
    offsets = [((k % cols) * pitch, (k // cols) * pitch) for k in range(copies)]

    def tiled(geoms):
        return np.concatenate([shapely.transform(geoms, lambda c, o=o: c + np.asarray(o)) for o in offsets])

    def repeat(values):
        return np.concatenate([values] * copies)

    district = b["district_id"].to_numpy(dtype=np.int64)
    town = {
        "footprints": tiled(footprints),
        "structure": repeat(b["structure"].to_numpy(dtype=object)),
        "year": repeat(b["year_built"].to_numpy(dtype=float)),
        "fire_resistance": repeat(b["fire_resistance"].to_numpy(dtype=object)),
        "floors": repeat(b["floors"].to_numpy(dtype=float)),
        "occupants": repeat(b["occupants"].to_numpy(dtype=float)),
        "district_id": np.concatenate([district + k * DISTRICT_STRIDE for k in range(copies)]),
        "lines": tiled(lines),
        "width": repeat(r["width_m"].to_numpy(dtype=float)),
        "highway": repeat(r["highway"].to_numpy(dtype=object)),
        "shelters": np.concatenate([shelters + np.asarray(o) for o in offsets]),
        "capacity": repeat(s["capacity"].to_numpy(dtype=float)),
    }
    # the whole area's centre: the epicentre
    town["epicentre"] = (xmin + (cols * pitch - GAP_M) / 2, ymin + (int(np.ceil(copies / cols)) * pitch - GAP_M) / 2)
    return town


def intensity_at_buildings(town: dict):
    import numpy as np
    import shapely

    from suginami_gis.core import groundmotion as gm

    footprints = town["footprints"]
    xy = np.full((len(footprints), 2), np.nan)  # NaN where a footprint is empty (3 in the ward-scale sample)
    present = ~(shapely.is_missing(footprints) | shapely.is_empty(footprints))
    xy[present] = shapely.get_coordinates(shapely.centroid(footprints[present]))
    scenario = gm.Scenario(7.3, 25.0, town["epicentre"])
    pgv = gm.pgv600(7.3, 25.0, scenario.distance_km(xy[:, 0], xy[:, 1])) * gm.amplification(300.0)
    return np.asarray(gm.jma_intensity(pgv)), xy


def damage_probabilities(town: dict, intensity):
    from suginami_gis.core import fragility as fr

    curves = fr.load_curve_set()
    classes = curves.assign(fr.parse_structure(town["structure"]), town["year"])
    return curves.probabilities(classes, intensity, fr.Measure.INTENSITY)


def step_damage(town: dict, realizations: int, executor) -> dict:
    import numpy as np

    from suginami_gis.core import damage as dm
    from suginami_gis.core import fragility as fr

    intensity, _ = intensity_at_buildings(town)
    codes, index = np.unique(town["district_id"], return_inverse=True)
    result = dm.estimate_damage(
        fr.parse_structure(town["structure"]),
        town["year"],
        intensity,
        occupants=town["occupants"],
        district_index=index.astype(np.int64),
        district_names=[str(c) for c in codes],
        realizations=realizations,
        seed=7,
        executor=executor,
    )
    return {
        "collapsed": round(float(result.ward["collapsed"]), 1),
        "collapsed_p95": round(float(result.ward["collapsed_p95"]), 1),
    }


def step_fire(town: dict, realizations: int, executor) -> dict:
    import numpy as np

    from suginami_gis.core import fire

    intensity, _ = intensity_at_buildings(town)
    p_collapse, p_half = damage_probabilities(town, intensity)
    codes, index = np.unique(town["district_id"], return_inverse=True)
    result = fire.run_fire(
        town["footprints"],
        fire.parse_fire_resistance(town["fire_resistance"]),
        p_collapse,
        fire.FireScenario(method=fire.Method.CLUSTER, realizations=realizations, seed=7),
        intensity=intensity,
        floors=town["floors"],
        district_index=index.astype(np.int64),
        n_districts=len(codes),
        executor=executor,
        p_half=p_half,
    )
    return {"expected_burned": round(float(result.ward.expected_burned[0]), 1)}


def step_routing(town: dict, realizations: int, executor) -> dict:
    from suginami_gis.core import blockage as bk
    from suginami_gis.core import network as nw
    from suginami_gis.core import routing as rt

    intensity, xy = intensity_at_buildings(town)
    p_collapse, p_half = damage_probabilities(town, intensity)
    started = time.perf_counter()
    net = nw.fill_widths(nw.build_network(town["lines"], width=town["width"], highway=town["highway"]))
    t_net = time.perf_counter() - started
    started = time.perf_counter()
    blocked = bk.road_blockage(net, town["footprints"], p_collapse, p_half)
    t_block = time.perf_counter() - started
    started = time.perf_counter()
    result = rt.evacuation_routes(
        net,
        xy,
        town["shelters"],
        p_block=blocked.p_block,
        cost=rt.Cost.SAFEST,
        max_minutes=15,
        population=town["occupants"],
        realizations=realizations,
        seed=7,
        district=town["district_id"],
        executor=executor,
    )
    t_routes = time.perf_counter() - started
    routes = result.routes
    reach = result.reachability
    return {
        "segments": int(net.n_edges),
        "network_s": round(t_net, 1),
        "blockage_s": round(t_block, 1),
        "routes_and_realizations_s": round(t_routes, 1),
        "reachable_share": round(float(routes.reachable.mean()), 4),
        "mean_p_reach": None if reach is None else round(float(reach.p_reach.mean()), 4),
    }


STEPS = {"damage": step_damage, "fire": step_fire, "routing": step_routing}


def _sample_tree_rss(stop: threading.Event, peak: list[float]) -> None:
    import psutil

    me = psutil.Process()
    while not stop.is_set():
        total = 0
        for p in [me, *me.children(recursive=True)]:
            try:
                total += p.memory_info().rss
            except Exception:
                pass
        peak[0] = max(peak[0], total / 1e9)
        stop.wait(0.2)


def _run_step(name: str, copies: int, realizations: int, use_dask: bool, profile: bool, source: str, queue) -> None:
    import resource

    stop, sampled = threading.Event(), [0.0]
    sampler = threading.Thread(target=_sample_tree_rss, args=(stop, sampled), daemon=True)
    sampler.start()
    started = time.perf_counter()
    town = load_town(copies, source)
    town_s = time.perf_counter() - started
    cluster = client = None
    cluster_s = 0.0
    if use_dask:
        from dask.distributed import Client, LocalCluster

        started = time.perf_counter()
        cluster = LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
        )
        client = Client(cluster)
        cluster_s = time.perf_counter() - started
    load_before = os.getloadavg()
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started = time.perf_counter()
    try:
        figures = STEPS[name](town, realizations, client)
    finally:
        seconds = time.perf_counter() - started
        if profiler is not None:
            profiler.disable()
        if client is not None:
            client.close()
            cluster.close()
    stop.set()
    sampler.join()
    if profiler is not None:
        import io
        import pstats

        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(30)
        print(text.getvalue(), flush=True)
    n = len(town["footprints"])
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e9  # kB -> GB (10^9 bytes)
    queue.put(
        {
            "task": f"23 wards: {name}{', Dask LocalCluster 2 workers' if use_dask else ''}",
            "size": f"{n:,} buildings ({copies} copies of {Path(source).name if source else 'the ward-scale sample'})",
            "buildings": n,
            "realizations": realizations,
            "seconds": round(seconds, 1),
            "peak_mb": round(peak_gb * 1000),
            "town_seconds": round(town_s, 1),
            "cluster_start_s": round(cluster_s, 1) if use_dask else None,
            "peak_rss_gb": round(peak_gb, 2),
            "tree_rss_gb_sampled": round(sampled[0], 2),
            "target_gb": TARGET_GB,
            "load_average_before": [round(v, 2) for v in load_before],
            "load_average_after": [round(v, 2) for v in os.getloadavg()],
            "memory": "peak RSS of the step's process (ru_maxrss); tree_rss_gb_sampled adds its Dask workers",
            **figures,
        }
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    full = os.environ.get(ENV_FULL, "") not in ("", "0")
    parser.add_argument("--copies", type=int, default=15 if full else 2)
    parser.add_argument("--realizations", type=int, default=100)
    parser.add_argument("--steps", default="damage,fire,routing")
    parser.add_argument(
        "--executor", default="serial,dask", help="serial, dask or both (comma-separated; default both)"
    )
    parser.add_argument("--source", default="", help="a GeoPackage like the ward-scale sample (default: that sample)")
    parser.add_argument("--profile", default="", help="step(s) to run under cProfile (prints the top 30)")
    args = parser.parse_args()
    if not full and args.copies == 2:
        print(f"2 copies of the ward-scale sample (set {ENV_FULL}=1 for the 1.8 million-building run)")
    context = multiprocessing.get_context("spawn")
    failed = False
    profiled = {s for s in args.profile.split(",") if s}
    for executor in [e for e in args.executor.split(",") if e]:
        for name in args.steps.split(","):
            queue = context.Queue()
            process = context.Process(
                target=_run_step,
                args=(name, args.copies, args.realizations, executor == "dask", name in profiled, args.source, queue),
            )
            process.start()
            while True:
                try:
                    result = queue.get(timeout=5)
                    break
                except Exception:
                    if not process.is_alive():
                        raise SystemExit(f"step {name} ({executor}) failed: exit code {process.exitcode}") from None
            process.join()
            failed |= result["peak_rss_gb"] > TARGET_GB or result["tree_rss_gb_sampled"] > TARGET_GB
            print(
                f"{result['task']}: {result['seconds']} s (+{result['town_seconds']} s to load the town"
                + (f", +{result['cluster_start_s']} s to start the cluster" if executor == "dask" else "")
                + f"), peak RSS {result['peak_rss_gb']} GB, process tree sampled {result['tree_rss_gb_sampled']} GB; "
                f"load {result['load_average_before']} -> {result['load_average_after']}; "
                + ", ".join(
                    f"{k} {result[k]}" for k in ("collapsed", "expected_burned", "reachable_share") if k in result
                ),
                flush=True,
            )
            print("BENCH_ROW " + json.dumps(result, ensure_ascii=False), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
