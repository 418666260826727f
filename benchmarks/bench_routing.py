"""Benchmark of suginami_gis.core routing (network, blockage, one-pass routes, reachability) at ward scale.

    .venv/bin/python benchmarks/bench_routing.py [--realizations 100] [--seed 0] [--qgis-sample 10]
                                                 [--synthetic] [--no-capacity]

Data: the ward-scale sample (suginami_gis.core.sample_ward, about 120,000 buildings and 40,000
road edges; generated once into out/ward_scale by benchmarks/_common.py); every building centroid
is an origin and the 65 schools are the shelters. ``--synthetic`` uses a 145 x 145 street grid
(41,760 segments) with 120,000 random origins instead.

Targets (issue 5): one-pass routing of all origins under 5 s; 100 blockage realizations under
2 minutes. Peers timed in the same run: networkx.multi_source_dijkstra on the same graph (same
distances checked) and QGIS's native:shortestpathpointtolayer (one run per origin, on a sample of
origins, extrapolated to all of them; needs QGIS, skipped without it).

Damage input: the ward-scale sample has no damage output, so for timing this script ASSUMES JMA
intensity 6.0 (6+) everywhere and takes P(collapse) and P(half) from the project's default
fragility curves; the blocked shares it prints are therefore not an estimate for Suginami.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import measure, row, ward_scale_gpkg  # noqa: E402

from suginami_gis.core import blockage as bk  # noqa: E402
from suginami_gis.core import network as nw  # noqa: E402
from suginami_gis.core import routing as rt  # noqa: E402

ASSUMED_INTENSITY = 6.0  # timing assumption, see the module docstring


PEAK_MB: dict[str, float] = {}


def timed(label: str, fn, trace_memory: bool = True):
    """Wall time of one run (and its peak Python-heap memory, numpy included, kept in PEAK_MB).

    tracemalloc slows pure-Python code (networkx) many times over: time those with trace_memory=False.
    """
    if trace_memory:
        seconds, peak, result = measure(fn, repeat=1)
    else:
        started = time.perf_counter()
        result = fn()
        seconds, peak = time.perf_counter() - started, float("nan")
    PEAK_MB[label] = peak
    print(f"  {label:52s} {seconds:8.2f} s  {peak:8.0f} MB", flush=True)
    return seconds, result


def load_ward():
    import pyogrio
    import shapely

    path = ward_scale_gpkg()
    roads = pyogrio.read_dataframe(path, layer="roads")
    buildings = pyogrio.read_dataframe(path, layer="buildings")
    shelters = pyogrio.read_dataframe(path, layer="shelters")
    footprints = np.asarray(buildings.geometry.array)
    origins = np.full((footprints.shape[0], 2), np.nan)
    present = ~(shapely.is_missing(footprints) | shapely.is_empty(footprints))
    origins[present] = shapely.get_coordinates(shapely.point_on_surface(footprints[present]))
    return {
        "path": path,
        "lines": np.asarray(roads.geometry.array),
        "width": roads["width_m"].to_numpy(dtype=float),
        "highway": roads["highway"].to_numpy(dtype=object),
        "footprints": footprints,
        "structure": buildings["structure"].to_numpy(dtype=object),
        "year": buildings["year_built"].to_numpy(dtype=float),
        "occupants": buildings["occupants"].to_numpy(dtype=float),
        "district": buildings["district_id"].to_numpy(),
        "origins": origins,
        "shelters": shapely.get_coordinates(np.asarray(shelters.geometry.array)),
        "shelter_ids": shelters["shelter_id"].to_numpy(),
        "capacity": shelters["capacity"].to_numpy(dtype=float),
    }


def synthetic_ward(seed: int):
    import shapely

    rng = np.random.default_rng(seed)
    n, spacing = 145, 40.0
    xs = np.arange(n) * spacing
    gx, gy = np.meshgrid(xs, xs)
    horizontal = np.stack([gx[:, :-1].ravel(), gy[:, :-1].ravel(), gx[:, 1:].ravel(), gy[:, 1:].ravel()], 1)
    vertical = np.stack([gx[:-1, :].ravel(), gy[:-1, :].ravel(), gx[1:, :].ravel(), gy[1:, :].ravel()], 1)
    segments = np.vstack([horizontal, vertical])
    lines = shapely.linestrings(segments.reshape(-1, 2, 2))
    n_origins = 120_000
    return {
        "path": None,
        "lines": lines,
        "width": rng.choice([2.5, 4.0, 8.0, 16.0], size=lines.shape[0], p=[0.4, 0.4, 0.15, 0.05]),
        "highway": None,
        "footprints": None,
        "origins": rng.uniform(0, xs[-1], (n_origins, 2)),
        "occupants": rng.integers(1, 5, n_origins).astype(float),
        "district": rng.integers(0, 30, n_origins),
        "shelters": rng.uniform(0, xs[-1], (65, 2)),
        "shelter_ids": np.arange(65),
        "capacity": np.full(65, 3000.0),
    }


def damage_probabilities(ward) -> tuple[np.ndarray, np.ndarray]:
    from suginami_gis.core import fragility as fr

    curves = fr.load_curve_set()
    classes = curves.assign(fr.parse_structure(ward["structure"]), ward["year"])
    intensity = np.full(classes.shape[0], ASSUMED_INTENSITY)
    return curves.probabilities(classes, intensity, fr.Measure.INTENSITY)


def networkx_peer(graph: rt.ShelterGraph, trees: rt.Trees):
    import networkx as nx

    g = nx.Graph()
    cost = graph.piece_cost
    for a, b, c in zip(graph.piece_u.tolist(), graph.piece_v.tolist(), cost.tolist()):
        if a == b or not np.isfinite(c):
            continue
        if g.has_edge(a, b) and g[a][b]["weight"] <= c:
            continue
        g.add_edge(a, b, weight=c)
    # each shelter is its own node, joined to its street point by the cost of the walk to it
    walk = graph.shelter_walk_cost()
    used = np.flatnonzero(graph.shelter_node >= 0)
    for k in used.tolist():
        g.add_edge(("shelter", k), int(graph.shelter_node[k]), weight=float(walk[k]))
    sources = {("shelter", k) for k in used.tolist()}
    seconds, (dist, _paths) = timed(
        "networkx multi_source_dijkstra (all nodes, paths)",
        lambda: nx.multi_source_dijkstra(g, sources),
        trace_memory=False,
    )

    ours = trees.dist[0]
    street = {n: d for n, d in dist.items() if not isinstance(n, tuple)}
    nodes = np.fromiter(street.keys(), dtype=np.int64)
    values = np.fromiter(street.values(), dtype=np.float64)
    worst = float(np.max(np.abs(ours[nodes] - values) / np.maximum(values, 1.0))) if nodes.size else 0.0
    print(f"    networkx vs scipy: {nodes.size} nodes compared, largest relative difference {worst:.2e}")
    return seconds, worst


def qgis_peer(ward, graph, routes, origins_snap, sample: int, seed: int):
    """native:shortestpathpointtolayer once per sampled origin (every shelter as an end point)."""
    try:
        import os

        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from qgis.core import QgsApplication, QgsFeature, QgsGeometry, QgsPointXY, QgsVectorLayer
    except ImportError:
        print("  QGIS is not importable: QGIS peer skipped")
        return None
    if ward["path"] is None:
        print("  synthetic network: QGIS peer skipped (it needs the GeoPackage)")
        return None
    QgsApplication.setPrefixPath("/usr", True)
    app = QgsApplication([], False)
    app.initQgis()
    sys.path.append("/usr/share/qgis/python/plugins")
    import processing
    from processing.core.Processing import Processing
    from qgis.analysis import QgsNativeAlgorithms

    Processing.initialize()
    if QgsApplication.processingRegistry().providerById("native") is None:
        QgsApplication.processingRegistry().addProvider(QgsNativeAlgorithms())
    roads = QgsVectorLayer(f"{ward['path']}|layername=roads", "roads", "ogr")
    shelters = QgsVectorLayer("Point?crs=EPSG:6677&field=k:integer", "shelters", "memory")
    feats = []
    for k, (x, y) in enumerate(ward["shelters"]):
        f = QgsFeature(shelters.fields())
        f.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(float(x), float(y))))
        f.setAttributes([k])
        feats.append(f)
    shelters.dataProvider().addFeatures(feats)
    walk = graph.shelter_walk_m()
    rng = np.random.default_rng(seed)
    picks = rng.choice(np.flatnonzero(routes.reachable), size=min(sample, int(routes.reachable.sum())), replace=False)
    costs, seconds = [], []
    for i in picks:
        x, y = ward["origins"][i]
        started = time.perf_counter()
        out = processing.run(
            "native:shortestpathpointtolayer",
            {
                "INPUT": roads,
                "STRATEGY": 0,
                "DEFAULT_DIRECTION": 2,
                "TOLERANCE": 0,
                "START_POINT": f"{x},{y} [EPSG:6677]",
                "END_POINTS": shelters,
                "OUTPUT": "memory:",
            },
        )["OUTPUT"]
        seconds.append(time.perf_counter() - started)
        # QGIS's cost ends where the shelter meets the street; ours adds the walk from there
        costs.append(min(f["cost"] + walk[f["k"]] for f in out.getFeatures() if f["cost"] is not None))
    costs_arr = np.array(costs, dtype=float)
    rel = np.abs(costs_arr - routes.length_m[picks]) / np.maximum(costs_arr, 1.0)
    per_origin = float(np.median(seconds))
    print(
        f"  QGIS native:shortestpathpointtolayer: {len(picks)} origins, median {per_origin:.2f} s per origin, "
        f"largest relative difference of lengths {rel.max():.2e}"
    )
    return per_origin, float(rel.max())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--realizations", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--qgis-sample", type=int, default=10)
    parser.add_argument("--synthetic", action="store_true")
    parser.add_argument("--no-capacity", action="store_true")
    args = parser.parse_args()

    ward = synthetic_ward(args.seed) if args.synthetic else load_ward()
    n_origins = ward["origins"].shape[0]
    print(f"ward: {'synthetic grid' if args.synthetic else ward['path']}", flush=True)

    t_build, net = timed(
        "network from lines (noding)",
        lambda: nw.fill_widths(nw.build_network(ward["lines"], width=ward["width"], highway=ward["highway"])),
    )
    print(f"    {net.n_nodes} nodes, {net.n_edges} segments, {net.length.sum() / 1000:.0f} km")
    size = f"{net.n_edges} segments, {n_origins} origins"
    row("routing: network from lines", size, t_build, PEAK_MB["network from lines (noding)"])

    if ward["footprints"] is not None:
        p_collapse, p_half = damage_probabilities(ward)
        t_block, blocked = timed(
            "road blockage (buildings along, Tokyo 2022)",
            lambda: bk.road_blockage(net, ward["footprints"], p_collapse, p_half),
        )
        p_block = blocked.p_block
        t_width, _ = timed(
            "width estimation from footprints (every segment)",
            lambda: nw.estimate_width_from_buildings(net.geometry, ward["footprints"]),
        )
        row("routing: road blockage", size, t_block, PEAK_MB["road blockage (buildings along, Tokyo 2022)"])
        row(
            "routing: width from footprints", size, t_width, PEAK_MB["width estimation from footprints (every segment)"]
        )
    else:
        h = np.random.default_rng(args.seed).uniform(0, 30, net.n_edges)
        p_block = bk.blockage_ratio_percent(h, net.width) / 100.0
    print(f"    mean p_block {p_block.mean():.3f} (assumed damage: timing only)")

    def one_pass():
        graph = rt.prepare_graph(net, ward["shelters"], shelter_ids=ward["shelter_ids"], p_block=p_block)
        origins = rt.snap_origins(graph, ward["origins"])
        trees = rt.shortest_path_trees(graph)
        routes = rt.route_nearest(graph, origins, max_minutes=15, trees=trees)
        return graph, origins, trees, routes

    t_route, (graph, origins, trees, routes) = timed("one-pass routing of all origins (shortest)", one_pass)
    print(f"    reachable {routes.reachable.mean():.1%}, within 15 min {routes.within_limit.mean():.1%}")
    t_safe, _ = timed(
        "one-pass routing of all origins (safest)",
        lambda: rt.evacuation_routes(net, ward["origins"], ward["shelters"], p_block=p_block, cost=rt.Cost.SAFEST),
    )
    t_lines, _ = timed("route geometries of all origins", lambda: rt.route_lines(graph, origins, routes))
    t_nx, worst = networkx_peer(graph, trees)
    # the scipy tree takes milliseconds: median of 5 runs
    t_dijkstra, peak, _ = measure(lambda: rt.shortest_path_trees(graph), repeat=5)
    PEAK_MB["scipy multi-source dijkstra + tree (all nodes)"] = peak
    print(f"  {'scipy multi-source dijkstra + tree (all nodes), median of 5':52s} {t_dijkstra:8.3f} s")
    row(
        "routing: one pass, all origins",
        size,
        t_route,
        PEAK_MB["one-pass routing of all origins (shortest)"],
        target_s=5.0,
        safest_s=round(t_safe, 3),
        lines_s=round(t_lines, 3),
    )
    row(
        "routing: multi-source Dijkstra, all nodes",
        f"{graph.n_nodes} nodes",
        t_dijkstra,
        PEAK_MB["scipy multi-source dijkstra + tree (all nodes)"],
        peer="networkx multi_source_dijkstra",
        peer_seconds=t_nx,
        max_rel_diff=worst,
    )

    print(
        f"    networkx multi_source_dijkstra / scipy tree: {t_nx / t_dijkstra:.1f}x "
        f"(the one pass also snaps {n_origins} origins and evaluates their routes)"
    )

    t_mc, reach = timed(
        f"{args.realizations} blockage realizations (15 min)",
        lambda: rt.monte_carlo_reachability(
            graph,
            origins,
            realizations=args.realizations,
            seed=args.seed,
            max_minutes=15,
            population=ward["occupants"],
            district=ward["district"],
        ),
    )
    print(f"    mean p_reach {reach.p_reach.mean():.3f}, isolated origins {reach.isolated.sum()}")
    row(
        f"routing: {args.realizations} realizations",
        size,
        t_mc,
        PEAK_MB[f"{args.realizations} blockage realizations (15 min)"],
        target_s=120.0,
    )

    if not args.no_capacity:

        def assign(solver: str):
            return rt.assign_with_capacity(
                graph, origins, ward["occupants"], ward["capacity"], max_minutes=15, solver=solver
            )

        t_cap, cap = timed("capacity assignment (OR-Tools min-cost flow)", lambda: assign("ortools"), False)
        # the first call also loads OR-Tools; a planner's second run in the same QGIS session does not
        t_again, _ = timed("capacity assignment (OR-Tools, second call)", lambda: assign("ortools"), False)
        print(f"    placed {cap.placed.sum():.0f} of {ward['occupants'].sum():.0f} people")
        t_peer, peer_cap = timed("capacity assignment (networkx network simplex)", lambda: assign("networkx"), False)
        same = int(cap.placed.sum()) == int(peer_cap.placed.sum())
        cost_diff = abs(cap.total_cost - peer_cap.total_cost) / max(abs(peer_cap.total_cost), 1.0)
        print(f"    same people placed: {same}; relative difference of the least cost {cost_diff:.1e}")
        row(
            "routing: capacity assignment",
            size,
            t_cap,
            float("nan"),
            target_s=3.0,
            peer="networkx network_simplex",
            peer_seconds=t_peer,
            max_rel_diff=cost_diff,
            second_call_s=round(t_again, 3),
        )

    if args.qgis_sample > 0:
        peer = qgis_peer(ward, graph, routes, origins, args.qgis_sample, args.seed)
        if peer is not None:
            per_origin, rel = peer
            extrapolated = per_origin * n_origins
            print(
                f"    QGIS extrapolated to {n_origins} origins: {extrapolated:.0f} s = {extrapolated / t_route:.0f}x ours"
            )
            row(
                "routing: vs QGIS shortestpathpointtolayer",
                size,
                t_route,
                PEAK_MB["one-pass routing of all origins (shortest)"],
                peer="QGIS (extrapolated)",
                peer_seconds=extrapolated,
                qgis_sample=args.qgis_sample,
                max_rel_diff=rel,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
