"""Evacuation routing: costs, one-pass routing against networkx, capacity, reachability, catchments."""

from __future__ import annotations

import itertools
import json
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import networkx as nx
import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, Point

from suginami_gis.core import catchments as ca
from suginami_gis.core import network as nw
from suginami_gis.core import routing as rt
from suginami_gis.core.errors import InputError
from suginami_gis.core.feedback import NullFeedback

OSM = "osm-nerima-2011/nerima_2011_tokyo.osm"
NERIMA_SHELTERS = "gsi-shelters-jp-shelter-api/131202_nerima_evacuation.geojson"


def edge_at(net: nw.StreetNetwork, x: float, y: float) -> int:
    return int(np.argmin(shapely.distance(net.geometry, Point(x, y))))


def grid_network(n: int = 8, spacing: float = 100.0) -> nw.StreetNetwork:
    lines = [LineString([(0, i * spacing), ((n - 1) * spacing, i * spacing)]) for i in range(n)]
    lines += [LineString([(i * spacing, 0), (i * spacing, (n - 1) * spacing)]) for i in range(n)]
    return nw.build_network(lines, node_crossings=True)


# ----------------------------------------------------------------------------- costs


def test_cost_formulas():
    length = np.array([100.0, 100.0, 50.0])
    p = np.array([0.0, 0.5, 1.0])
    np.testing.assert_allclose(rt.edge_cost(length, p, rt.Cost.SHORTEST), [100, 100, np.inf])
    safest = rt.edge_cost(length, p, rt.Cost.SAFEST)
    assert safest[0] == pytest.approx(100 * rt.SAFEST_LENGTH_TIEBREAK_PER_M)
    assert safest[1] == pytest.approx(np.log(2) + 100 * rt.SAFEST_LENGTH_TIEBREAK_PER_M)
    assert np.isinf(safest[2])
    balanced = rt.edge_cost(length, p, rt.Cost.BALANCED, risk_weight_m=1000)
    assert balanced[1] == pytest.approx(100 + 1000 * np.log(2))
    # a path's summed risk term gives the probability that every segment is open
    assert np.exp(-rt.risk_term([0.2, 0.5]).sum()) == pytest.approx(0.8 * 0.5)


# ----------------------------------------------------------------------------- the bridge


@pytest.fixture
def bridge_town():
    """West bank street, a 100 m bridge, east bank street; a 500 m detour over a safe crossing."""
    lines = [
        LineString([(0, 0), (100, 0)]),
        LineString([(100, 0), (200, 0)]),  # the bridge
        LineString([(200, 0), (300, 0)]),
        LineString([(100, 0), (100, 200), (200, 200), (200, 0)]),  # the detour
    ]
    net = nw.build_network(lines)
    p = np.zeros(net.n_edges)
    p[edge_at(net, 150, 0)] = 0.99
    return net, p


@pytest.mark.parametrize(
    ("cost", "weight", "length", "p_passable"),
    [
        (rt.Cost.SHORTEST, 1000.0, 300.0, 0.01),
        (rt.Cost.SAFEST, 1000.0, 700.0, 1.0),
        (rt.Cost.BALANCED, 1000.0, 700.0, 1.0),  # bridge 100 m + 1000 m x 4.6 > detour 500 m
        (rt.Cost.BALANCED, 10.0, 300.0, 0.01),  # bridge 100 m + 10 m x 4.6 < detour 500 m
    ],
)
def test_safest_route_avoids_the_nearly_blocked_bridge(bridge_town, cost, weight, length, p_passable):
    net, p = bridge_town
    res = rt.evacuation_routes(net, [[0.0, 0.0]], [[300.0, 0.0]], p_block=p, cost=cost, risk_weight_m=weight)
    r = res.routes
    assert r.length_m[0] == pytest.approx(length)
    assert r.p_passable[0] == pytest.approx(p_passable)
    assert r.detour_ratio[0] == pytest.approx(length / 300.0)
    assert r.time_min[0] == pytest.approx(length / 60.0)
    line = res.lines()[0]
    assert line.length == pytest.approx(length)
    uses_bridge = line.buffer(0.01).contains(Point(150, 0))
    assert uses_bridge == (length == 300.0)


def test_closed_bridge_is_never_used(bridge_town):
    net, p = bridge_town
    p[edge_at(net, 150, 0)] = 1.0
    res = rt.evacuation_routes(net, [[0.0, 0.0], [150.0, 1.0]], [[300.0, 0.0]], p_block=p)
    assert res.routes.length_m[0] == pytest.approx(700.0)
    # an origin beside the closed bridge is snapped to the nearest open street instead
    assert res.origins.snap.edge[1] != edge_at(net, 150, 0)


# ----------------------------------------------------------------------------- snapping, components


def test_off_network_points_are_snapped_and_the_distance_reported():
    net = nw.build_network([LineString([(0, 0), (1000, 0)])])
    res = rt.evacuation_routes(net, [[250.0, -12.0], [600.0, 0.0]], [[500.0, 30.0]], shelter_ids=["A"])
    np.testing.assert_allclose(res.graph.shelter_snap.distance, [30.0])
    np.testing.assert_allclose(res.graph.shelter_snap.xy, [[500.0, 0.0]])
    np.testing.assert_allclose(res.routes.snap_distance_m, [12.0, 0.0])
    # the 30 m walk from the street to the shelter is part of each route
    np.testing.assert_allclose(res.routes.length_m, [280.0, 130.0])
    np.testing.assert_allclose(res.routes.time_min, np.array([280.0, 130.0]) / rt.WALK_SPEED_MS / 60.0)
    # the shelter split its edge: routes start at the snapped origin, meet the street at the
    # shelter's snapped point and end at the shelter itself
    lines = res.lines()
    np.testing.assert_allclose(
        shapely.get_coordinates(lines[0]), [[250.0, 0.0], [500.0, 0.0], [500.0, 30.0]], atol=1e-9
    )
    np.testing.assert_allclose(
        shapely.get_coordinates(lines[1]), [[600.0, 0.0], [500.0, 0.0], [500.0, 30.0]], atol=1e-9
    )
    np.testing.assert_allclose(shapely.length(lines), res.routes.length_m)


def test_origin_in_a_disconnected_part_is_flagged_not_dropped():
    net = nw.build_network([LineString([(0, 0), (1000, 0)]), LineString([(5000, 0), (5100, 0)])])
    res = rt.evacuation_routes(net, [[100.0, 5.0], [5050.0, 5.0]], [[900.0, 0.0]])
    r = res.routes
    assert r.shelter.tolist() == [0, -1]
    assert r.reachable.tolist() == [True, False]
    assert r.unreachable.tolist() == [False, True]
    assert np.isnan(r.length_m[1])
    assert r.snap_distance_m[1] == pytest.approx(5.0)
    lines = res.lines()
    assert lines[0] is not None and lines[1] is None


def test_time_limit_flags_far_origins():
    net = nw.build_network([LineString([(0, 0), (2000, 0)])])
    res = rt.evacuation_routes(net, [[100.0, 0.0], [1500.0, 0.0]], [[0.0, 0.0]], walk_speed=1.0, max_minutes=10)
    assert res.routes.within_limit.tolist() == [True, False]
    assert res.routes.unreachable.tolist() == [False, True]
    assert res.routes.time_min[1] == pytest.approx(25.0)


def test_the_walk_from_the_street_to_a_shelter_counts_in_choice_time_and_reachability():
    # A stands on the street at x = 0; B stands 150 m off it, level with x = 600. From x = 400 the
    # street is shorter to B (200 m) and the whole walk too (350 m); from x = 350 B is 250 m along
    # the street but 400 m in all, so A (350 m) is nearer.
    net = nw.build_network([LineString([(0, 0), (1000, 0)])])
    shelters = [[0.0, 0.0], [600.0, 150.0]]
    origins = [[400.0, 0.0], [350.0, 0.0], [1000.0, 0.0]]
    res = rt.evacuation_routes(net, origins, shelters, walk_speed=1.0, max_minutes=7.0, realizations=3, seed=1)
    assert res.routes.shelter.tolist() == [1, 0, 1]
    np.testing.assert_allclose(res.routes.length_m, [350.0, 350.0, 550.0])
    # 7 minutes at 1 m/s is 420 m: the origin at x = 1000 has 400 m of street but 550 m of walk
    assert res.routes.within_limit.tolist() == [True, True, False]
    np.testing.assert_allclose(res.reachability.p_reach, [1.0, 1.0, 0.0])
    # the detour ratio compares with the shortest whole walk, so the nearest shelter's is 1
    np.testing.assert_allclose(res.routes.detour_ratio, 1.0)


def test_capacity_counts_each_shelters_own_walk_where_shelters_share_a_street_point():
    # A (capacity 1) is 20 m and B (capacity 10) 100 m off the same street point: 1 person goes to A
    # and 2 to B, at a total cost of 1 x 420 + 2 x 500 metres.
    net = nw.build_network([LineString([(0, 0), (1000, 0)])])
    res = rt.evacuation_routes(net, [[100.0, 0.0]], [[500.0, 20.0], [500.0, -100.0]], population=[3], capacity=[1, 10])
    c = res.capacity
    assert res.graph.shelter_node[0] == res.graph.shelter_node[1]
    assert c.flow == {(0, 0): 1, (0, 1): 2}
    assert c.total_cost == pytest.approx(1 * 420.0 + 2 * 500.0)
    assert res.routes.shelter.tolist() == [1]
    np.testing.assert_allclose(res.routes.length_m, [500.0])
    # without capacity everyone goes to the nearer of the two
    nearest = rt.evacuation_routes(net, [[100.0, 0.0]], [[500.0, 20.0], [500.0, -100.0]])
    assert nearest.routes.shelter.tolist() == [0]
    np.testing.assert_allclose(nearest.routes.length_m, [420.0])


def test_service_areas_start_at_the_walk_from_the_shelter_to_the_street():
    # the shelter is 120 m off the street's end: 5 minutes at 1 m/s (300 m) reach 180 m of street
    net = nw.build_network([LineString([(0, 0), (1000, 0)])])
    graph = rt.prepare_graph(net, [[0.0, 120.0]])
    areas = ca.service_areas(graph, bands_minutes=(5,), walk_speed=1.0, max_offset_m=20, spacing_m=5)
    assert areas.geometry.shape[0] == 1
    assert areas.geometry[0].bounds[2] == pytest.approx(180.0, abs=5.0)


def test_shelters_sharing_a_point_both_exist():
    net = nw.build_network([LineString([(0, 0), (100, 0)])])
    res = rt.evacuation_routes(net, [[10.0, 0.0]], [[50.0, 1.0], [50.0, -1.0]], shelter_ids=["a", "b"])
    assert res.graph.shelter_node[0] == res.graph.shelter_node[1]
    assert res.routes.shelter[0] == 0


# ----------------------------------------------------------------------------- one pass vs networkx


def _reference_lengths(net: nw.StreetNetwork, origins: np.ndarray, shelters: np.ndarray) -> np.ndarray:
    """Shortest lengths from each origin to any shelter with networkx on an independently split graph.

    Each shelter is its own node, joined to the point where it meets its street by an edge as long
    as the straight walk to it.
    """
    cuts: dict[int, list[tuple[float, object]]] = {}
    g = nx.Graph()
    for kind, pts in (("o", origins), ("street", shelters)):
        for i, (x, y) in enumerate(pts):
            d = shapely.distance(net.geometry, Point(x, y))
            e = int(np.argmin(d))
            cuts.setdefault(e, []).append((net.geometry[e].project(Point(x, y)), (kind, i)))
            if kind == "street":
                g.add_edge(("street", i), ("s", i), weight=float(d[e]))
    for e in range(net.n_edges):
        stops = [
            (0.0, int(net.u[e])),
            *sorted(cuts.get(e, []), key=lambda c: c[0]),
            (float(net.length[e]), int(net.v[e])),
        ]
        for (t0, a), (t1, b) in itertools.pairwise(stops):
            w = t1 - t0
            if g.has_edge(a, b):
                w = min(w, g[a][b]["weight"])
            g.add_edge(a, b, weight=w)
    dist = nx.multi_source_dijkstra_path_length(g, {("s", i) for i in range(len(shelters))}, weight="weight")
    return np.array([dist.get(("o", i), np.inf) for i in range(len(origins))])


def test_one_pass_routing_equals_networkx_on_a_grid():
    net = grid_network(8, 100.0)
    rng = np.random.default_rng(5)
    origins = rng.uniform(-20, 720, (200, 2))
    shelters = rng.uniform(0, 700, (4, 2))
    res = rt.evacuation_routes(net, origins, shelters)
    expected = _reference_lengths(net, origins, shelters)
    np.testing.assert_allclose(res.routes.length_m, expected, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(res.routes.detour_ratio, 1.0)
    # route lines: their length is the route length, they start at the snapped origin
    lines = res.lines()
    np.testing.assert_allclose(shapely.length(lines), res.routes.length_m, atol=1e-6)
    starts = shapely.get_coordinates(shapely.get_point(lines, 0))
    np.testing.assert_allclose(starts, res.origins.snap.xy, atol=1e-9)
    ends = shapely.get_coordinates(shapely.get_point(lines, -1))
    np.testing.assert_allclose(ends, shelters[res.routes.shelter], atol=1e-9)


@pytest.fixture(scope="module")
def nerima(shared_data):
    osm = shared_data / OSM
    shelters = shared_data / NERIMA_SHELTERS
    if not (osm.exists() and shelters.exists()):
        pytest.skip("the Nerima OSM extract or the Nerima shelters are absent")
    return osm, shelters


def test_path_lengths_equal_networkx_on_real_nerima_osm(nerima):
    """Our one-pass routing vs networkx.multi_source_dijkstra on a graph built independently from osmnx."""
    import osmnx as ox
    from pyproj import Transformer

    osm, shelters_path = nerima
    net = nw.network_from_osm_xml(osm)

    # the peer: osmnx's unsimplified graph, walkable ways, projected with osmnx, straight segments
    graph = ox.graph_from_xml(osm, bidirectional=True, simplify=False, retain_all=True)
    graph.remove_edges_from([(a, b, k) for a, b, k, d in graph.edges(keys=True, data=True) if not nw._osm_walkable(d)])
    graph.remove_nodes_from([n for n in list(graph.nodes) if graph.degree(n) == 0])
    projected = ox.project_graph(graph, to_crs="EPSG:6677")
    peer = nx.Graph()
    for a, b in projected.edges():
        pa, pb = projected.nodes[a], projected.nodes[b]
        peer.add_edge(a, b, weight=float(np.hypot(pa["x"] - pb["x"], pa["y"] - pb["y"])))
    peer_xy = {n: (d["x"], d["y"]) for n, d in projected.nodes(data=True)}

    # real shelters, moved to their nearest network node (both graphs share the OSM node ids)
    features = json.loads(shelters_path.read_text(encoding="utf-8"))["features"]
    lonlat = np.array([f["geometry"]["coordinates"] for f in features])
    sx, sy = Transformer.from_crs("EPSG:4326", "EPSG:6677", always_xy=True).transform(lonlat[:, 0], lonlat[:, 1])
    osm_ids = net.meta["osm_node_id"]
    near = np.argmin(np.hypot(net.node_xy[:, 0, None] - sx, net.node_xy[:, 1, None] - sy), axis=0)
    inside = np.hypot(net.node_xy[near, 0] - sx, net.node_xy[near, 1] - sy) < 300  # shelters within the extract
    shelter_nodes = np.unique(near[inside])
    assert shelter_nodes.size >= 5
    rng = np.random.default_rng(0)
    origin_nodes = rng.choice(net.n_nodes, size=300, replace=False)

    res = rt.evacuation_routes(net, net.node_xy[origin_nodes], net.node_xy[shelter_nodes])
    ref = nx.multi_source_dijkstra_path_length(peer, {int(osm_ids[i]) for i in shelter_nodes}, weight="weight")
    expected = np.array([ref.get(int(osm_ids[i]), np.nan) for i in origin_nodes])
    got = res.routes.length_m
    assert np.array_equal(np.isnan(expected), np.isnan(got))
    np.testing.assert_allclose(got, expected, rtol=1e-9)
    assert np.isfinite(got).sum() > 250
    # the peer's node coordinates are ours (same projection)
    np.testing.assert_allclose([peer_xy[int(osm_ids[i])] for i in origin_nodes[:20]], net.node_xy[origin_nodes[:20]])


# ----------------------------------------------------------------------------- capacity


def line_town():
    net = nw.build_network([LineString([(0, 0), (1000, 0)])])
    origins = np.array([[100.0, 0.0], [300.0, 0.0], [800.0, 0.0]])
    shelters = np.array([[0.0, 0.0], [1000.0, 0.0]])
    return net, origins, shelters, np.array([3, 2, 1])


def test_capacity_overflow_on_a_toy_network_with_known_optimum():
    net, origins, shelters, pop = line_town()
    res = rt.evacuation_routes(net, origins, shelters, population=pop, capacity=[3, 10])
    c = res.capacity
    # nearest: 5 people want shelter A (capacity 3): overflow 2. Optimum moves origin 2 (2 people,
    # +400 m each) rather than 2 people of origin 1 (+800 m each): total 3x100 + 2x700 + 1x200 = 1900 m
    assert c.demand_nearest.tolist() == [5, 1]
    assert c.overflow.tolist() == [2, 0]
    assert c.assigned.tolist() == [3, 3]
    assert c.flow == {(0, 0): 3, (1, 1): 2, (2, 1): 1}
    assert c.total_cost == pytest.approx(1900.0)
    assert c.unplaced.sum() == 0
    assert res.routes.shelter.tolist() == [0, 1, 1]
    np.testing.assert_allclose(res.routes.length_m, [100, 700, 200])
    np.testing.assert_allclose(res.routes.detour_ratio, [1.0, 700 / 300, 1.0])
    np.testing.assert_allclose(shapely.length(res.lines()), [100, 700, 200])


def test_people_who_cannot_be_placed_are_reported():
    net, origins, shelters, pop = line_town()
    res = rt.evacuation_routes(net, origins, shelters, population=pop, capacity=[3, 1])
    c = res.capacity
    # 4 places for 6 people: place 4 at least cost (origin 1 -> A, origin 3 -> B), origin 2 waits
    assert c.assigned.tolist() == [3, 1]
    assert c.unplaced.tolist() == [0, 2, 0]
    assert c.total_cost == pytest.approx(3 * 100 + 200)


def test_capacity_respects_the_time_limit():
    net, origins, shelters, pop = line_town()
    res = rt.evacuation_routes(net, origins, shelters, population=pop, capacity=[3, 10], walk_speed=1.0, max_minutes=10)
    # origin 2 may not walk 700 m (11.7 min) to B, and A is full: 2 unplaced
    assert res.capacity.unplaced.tolist() == [0, 2, 0]


def test_capacity_optimum_equals_brute_force_on_a_grid():
    net = grid_network(5, 100.0)
    rng = np.random.default_rng(11)
    origins = rng.uniform(0, 400, (7, 2))
    shelters = np.array([[0.0, 0.0], [400.0, 400.0], [0.0, 400.0]])
    pop = rng.integers(1, 4, 7)
    cap = np.array([6, 5, 5])
    assert pop.sum() <= cap.sum()
    res = rt.evacuation_routes(net, origins, shelters, population=pop, capacity=cap)
    # brute force over every assignment of whole origins is not the same problem (people may be split);
    # check optimality with networkx's own min-cost-flow on the full bipartite graph instead
    lengths = np.array(
        [[_reference_lengths(net, origins[i : i + 1], shelters[j : j + 1])[0] for j in range(3)] for i in range(7)]
    )
    g = nx.DiGraph()
    g.add_node("t", demand=int(pop.sum()))
    for i in range(7):
        g.add_node(("o", i), demand=-int(pop[i]))
        for j in range(3):
            g.add_edge(("o", i), ("s", j), weight=round(lengths[i, j] * 1000))
    for j in range(3):
        g.add_edge(("s", j), "t", capacity=int(cap[j]), weight=0)
    best = nx.min_cost_flow_cost(g) / 1000
    assert res.capacity.total_cost == pytest.approx(best, abs=1e-2)
    assert res.capacity.unplaced.sum() == 0


def test_capacity_candidates_equal_networkx_on_a_grid_with_many_shelters():
    """The k cheapest shelters per origin (then those within the time limit), found from the k cheapest at
    each end of the origin's street, give the same least cost as a min-cost flow that networkx solves on
    costs from its own Dijkstra (balanced cost, random blockage, origins and shelters on street corners)."""
    net = grid_network(8, 100.0)
    rng = np.random.default_rng(4)
    p_block = rng.uniform(0.0, 0.4, net.n_edges)
    corners = net.node_xy
    shelter_nodes = rng.choice(corners.shape[0], 12, replace=False)
    origin_nodes = rng.choice(np.setdiff1d(np.arange(corners.shape[0]), shelter_nodes), 30, replace=False)
    pop, cap = rng.integers(1, 6, 30), rng.integers(2, 9, 12)
    k, minutes = 3, 8.0
    res = rt.evacuation_routes(
        net,
        corners[origin_nodes],
        corners[shelter_nodes],
        p_block=p_block,
        cost=rt.Cost.BALANCED,
        population=pop,
        capacity=cap,
        max_candidates=k,
        max_minutes=minutes,
    )
    g = nx.Graph()
    for e in range(net.n_edges):
        w = float(rt.edge_cost(net.length[e : e + 1], p_block[e : e + 1], rt.Cost.BALANCED)[0])
        g.add_edge(int(net.u[e]), int(net.v[e]), weight=w, length=float(net.length[e]))
    flow = nx.DiGraph()
    flow.add_node("t", demand=int(pop.sum()))
    flow.add_node("unplaced")
    flow.add_edge("unplaced", "t", weight=0)
    scale = 1000
    for i, o in enumerate(origin_nodes.tolist()):
        cost, paths = nx.single_source_dijkstra(g, o, weight="weight")
        ranked = sorted(range(12), key=lambda j: cost[int(shelter_nodes[j])])[:k]
        flow.add_node(("o", i), demand=-int(pop[i]))
        flow.add_edge(("o", i), "unplaced", weight=10**12)
        for j in ranked:
            path = paths[int(shelter_nodes[j])]
            length = sum(g[a][b]["length"] for a, b in itertools.pairwise(path))
            if length <= minutes * 60.0 * rt.WALK_SPEED_MS:
                flow.add_edge(("o", i), ("s", j), weight=round(cost[int(shelter_nodes[j])] * scale))
    for j in range(12):
        flow.add_edge(("s", j), "t", capacity=int(cap[j]), weight=0)
    flow_dict = nx.min_cost_flow(flow)
    placed = sum(v for i in range(30) for key, v in flow_dict[("o", i)].items() if key != "unplaced")
    best = (
        sum(
            v * flow[("o", i)][key]["weight"]
            for i in range(30)
            for key, v in flow_dict[("o", i)].items()
            if key != "unplaced"
        )
        / scale
    )
    assert res.capacity.placed.sum() == placed
    assert 0 < placed < pop.sum()
    assert res.capacity.total_cost == pytest.approx(best, rel=1e-4)


def test_bad_shelter_and_population_input():
    net, origins, shelters, pop = line_town()
    with pytest.raises(InputError) as err:
        rt.evacuation_routes(net, origins, np.zeros((0, 2)))
    assert err.value.parameter == "SHELTERS"
    with pytest.raises(InputError) as err:
        rt.evacuation_routes(net, origins, shelters, shelter_ids=["A", "A"])
    assert err.value.parameter == "SHELTERS" and "unique" in str(err.value)
    with pytest.raises(InputError) as err:
        rt.evacuation_routes(net, origins, shelters, population=[1, -2, 3])
    assert err.value.parameter == "POPULATION_FIELD"
    with pytest.raises(InputError) as err:
        rt.evacuation_routes(net, np.zeros((0, 2)), shelters)
    assert err.value.parameter == "ORIGINS"
    with pytest.raises(InputError) as err:
        rt.evacuation_routes(net, origins, shelters, walk_speed=0)
    assert err.value.parameter == "WALK_SPEED"
    with pytest.raises(InputError) as err:
        rt.evacuation_routes(net, origins, shelters, capacity=[-1, 3])
    assert err.value.parameter == "CAPACITY_FIELD"


# ----------------------------------------------------------------------------- Monte Carlo


def test_reachability_without_blockage_is_certain(bridge_town):
    net, _ = bridge_town
    origins = np.array([[0.0, 0.0], [250.0, 0.0]])
    res = rt.evacuation_routes(
        net, origins, [[300.0, 0.0]], realizations=20, seed=1, population=[10, 5], district=["w", "e"]
    )
    reach = res.reachability
    np.testing.assert_array_equal(reach.p_reach, [1.0, 1.0])
    assert not reach.isolated.any()
    assert reach.district_labels.tolist() == ["e", "w"]
    np.testing.assert_allclose(reach.district_percentiles, [[5, 5, 5], [10, 10, 10]])


def test_reachability_follows_the_bridge_probability():
    lines = [LineString([(0, 0), (100, 0)]), LineString([(100, 0), (200, 0)]), LineString([(200, 0), (300, 0)])]
    net = nw.build_network(lines)
    p = np.zeros(net.n_edges)
    p[edge_at(net, 150, 0)] = 0.5
    origins = np.array([[50.0, 0.0], [150.0, 0.0], [250.0, 0.0]])
    res = rt.evacuation_routes(
        net, origins, [[300.0, 0.0]], p_block=p, realizations=400, seed=7, district=["a", "b", "c"]
    )
    reach = res.reachability
    # west: blocked half the time; on the bridge's middle: blocked only if the block is east of it
    assert reach.p_reach[0] == pytest.approx(0.5, abs=0.1)
    assert reach.p_reach[1] == pytest.approx(0.75, abs=0.1)
    assert reach.p_reach[2] == 1.0
    pct = reach.district_percentiles
    assert (np.diff(pct, axis=1) >= 0).all()
    assert pct[0].tolist() == [0.0, 0.0, 1.0] or pct[0].tolist() == [0.0, 1.0, 1.0]


def _random_town():
    net = grid_network(10, 80.0)
    rng = np.random.default_rng(3)
    p = rng.uniform(0.0, 0.6, net.n_edges)
    graph = rt.prepare_graph(net, rng.uniform(0, 720, (3, 2)), p_block=p)
    origins = rt.snap_origins(graph, rng.uniform(0, 720, (150, 2)))
    return graph, origins


class MapOnly:
    """An executor with only .map (like a plain multiprocessing Pool wrapper)."""

    def map(self, func, *iterables):
        return map(func, *iterables)


def test_monte_carlo_is_deterministic_whatever_the_executor():
    graph, origins = _random_town()
    kwargs = {"realizations": 25, "seed": 42, "max_minutes": 6.0, "district": np.arange(150) % 3}
    serial = rt.monte_carlo_reachability(graph, origins, **kwargs)
    with ThreadPoolExecutor(2) as pool:
        threads = rt.monte_carlo_reachability(graph, origins, executor=pool, **kwargs)
    with ProcessPoolExecutor(2) as pool:
        processes = rt.monte_carlo_reachability(graph, origins, executor=pool, **kwargs)
    mapped = rt.monte_carlo_reachability(graph, origins, executor=MapOnly(), **kwargs)
    for other in (threads, processes, mapped):
        np.testing.assert_array_equal(serial.p_reach, other.p_reach)
        np.testing.assert_array_equal(serial.district_reachable_samples, other.district_reachable_samples)
    again = rt.monte_carlo_reachability(graph, origins, **kwargs)
    np.testing.assert_array_equal(serial.district_reachable_samples, again.district_reachable_samples)
    other_seed = rt.monte_carlo_reachability(graph, origins, **{**kwargs, "seed": 43})
    assert not np.array_equal(serial.district_reachable_samples, other_seed.district_reachable_samples)
    assert 0 < serial.p_reach.mean() < 1


def test_monte_carlo_bad_input():
    graph, origins = _random_town()
    with pytest.raises(InputError) as err:
        rt.monte_carlo_reachability(graph, origins, realizations=0, seed=1)
    assert err.value.parameter == "REALIZATIONS"


# ----------------------------------------------------------------------------- catchments


def test_service_areas_split_a_street_between_two_shelters_by_time_band():
    net = nw.build_network([LineString([(0, 0), (2000, 0)])])
    graph = rt.prepare_graph(net, [[0.0, 0.0], [2000.0, 0.0]])
    areas = ca.service_areas(graph, bands_minutes=(5, 10), walk_speed=1.0, max_offset_m=50, spacing_m=10)
    assert sorted(zip(areas.shelter.tolist(), areas.band_to_min.tolist())) == [(0, 5), (0, 10), (1, 5), (1, 10)]
    spacing_tol = 10.0
    for s, lo, hi, geom in zip(areas.shelter, areas.band_from_min, areas.band_to_min, areas.geometry):
        xmin, ymin, xmax, ymax = geom.bounds
        near, far = lo * 60.0, hi * 60.0  # metres from the shelter at 1 m/s
        if s == 0:
            assert xmin == pytest.approx(-50.0 if lo == 0 else near, abs=spacing_tol)
            assert xmax == pytest.approx(far, abs=spacing_tol)
        else:
            assert xmax == pytest.approx(2050.0 if lo == 0 else 2000 - near, abs=spacing_tol)
            assert xmin == pytest.approx(2000 - far, abs=spacing_tol)
        assert ymax == pytest.approx(50.0, abs=0.5)
    # non-overlapping: the union's area is the sum of the areas
    assert shapely.union_all(areas.geometry).area == pytest.approx(areas.area_m2.sum(), rel=1e-9)


def test_service_areas_give_each_place_its_nearest_shelter():
    net = grid_network(8, 100.0)
    shelters = np.array([[0.0, 0.0], [700.0, 700.0], [300.0, 500.0]])
    graph = rt.prepare_graph(net, shelters)
    areas = ca.service_areas(graph, bands_minutes=(5, 10, 30), max_offset_m=60, spacing_m=5)
    assert shapely.union_all(areas.geometry).area == pytest.approx(areas.area_m2.sum(), rel=1e-9)
    rng = np.random.default_rng(2)
    pts = rng.uniform(0, 700, (300, 2))
    # points on the streets themselves: the polygon holding each must be its nearest shelter
    on_street = shapely.get_coordinates(
        shapely.line_interpolate_point(
            net.geometry[rng.integers(0, net.n_edges, 300)], rng.uniform(0.1, 0.9, 300), normalized=True
        )
    )
    routes = rt.route_nearest(graph, rt.snap_origins(graph, on_street))
    tree = shapely.STRtree(areas.geometry)
    pt_idx, poly_idx = tree.query(shapely.points(on_street), predicate="within")
    agree = areas.shelter[poly_idx] == routes.shelter[pt_idx]
    # points within one sampling interval of a boundary may fall either way
    assert agree.mean() > 0.97
    assert pts.shape[0] == 300


def test_service_area_dissolve_equals_cutting_and_uniting_every_cell():
    # the oracle: every Voronoi cell cut by its own piece's corridor, then united per label; the
    # dissolve merges a label's cells on one piece first and cuts once (the same set)
    net = grid_network(5, 100.0)
    graph = rt.prepare_graph(net, [[0.0, 0.0], [400.0, 400.0]])
    rng = np.random.default_rng(11)
    n_pieces = graph.piece_geometry.shape[0]
    piece = rng.integers(0, n_pieces, 600)
    xy = shapely.get_coordinates(
        shapely.line_interpolate_point(graph.piece_geometry[piece], rng.uniform(0, 1, 600), normalized=True)
    )
    xy, first = ca._unique_points(xy)
    piece = piece[first]
    label = rng.integers(-1, 4, xy.shape[0])
    inside = np.flatnonzero(label >= 0)
    labels, geoms = ca._dissolve(graph, xy, piece, label, inside, 30.0, NullFeedback())
    cells = ca._voronoi_cells(xy, 30.0)
    corridor = shapely.buffer(graph.piece_geometry[piece], 30.0, quad_segs=4)
    cut = shapely.intersection(cells, corridor)
    assert labels == sorted(set(label[inside].tolist()))
    for lab, geom in zip(labels, geoms):
        expected = shapely.union_all(cut[label == lab])
        assert geom.is_valid
        assert geom.area == pytest.approx(expected.area, rel=1e-12)
        assert shapely.symmetric_difference(geom, expected).area < 1e-6


def test_merged_cells_fall_back_to_the_general_union_when_they_overlap():
    # coverage_union_all assumes cells that only touch; two overlapping squares are not a coverage
    squares = np.array([shapely.box(0, 0, 2, 2), shapely.box(1, 0, 3, 2), shapely.box(5, 5, 6, 6)], dtype=object)
    merged = ca._merge_cells(squares, np.arange(3), np.array([0, 2]), NullFeedback())
    assert merged[0].area == pytest.approx(6.0)
    assert merged[1].equals(squares[2])


def test_service_area_bad_bands():
    net = nw.build_network([LineString([(0, 0), (100, 0)])])
    graph = rt.prepare_graph(net, [[0.0, 0.0]])
    with pytest.raises(InputError):
        ca.service_areas(graph, bands_minutes=(5, -1))
    with pytest.raises(InputError):
        ca.service_areas(graph, bands_minutes=())


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 12).flatmap(
        lambda n_o: st.integers(1, 5).flatmap(
            lambda n_s: st.tuples(
                st.lists(st.integers(0, 9), min_size=n_o, max_size=n_o),
                st.lists(st.integers(0, 12), min_size=n_s, max_size=n_s),
                st.lists(
                    st.tuples(st.integers(0, n_o - 1), st.integers(0, n_s - 1), st.integers(0, 1000)),
                    min_size=1,
                    max_size=n_o * n_s,
                    unique_by=lambda arc: arc[:2],
                ),
            )
        )
    )
)
def test_ortools_and_networkx_give_the_same_maximum_flow_of_least_cost(problem):
    """The compiled solver against the networkx peer: same people placed, same least cost, feasible."""
    pop, cap, arcs = (np.asarray(x, dtype=np.int64) for x in problem)
    arc_o, arc_s, arc_c = arcs[:, 0], arcs[:, 1], arcs[:, 2]
    results = {}
    for solver in ("ortools", "networkx"):
        flow = rt.solve_capacity_flow(arc_o, arc_s, arc_c, pop, cap, solver=solver)
        assert (flow >= 0).all()
        assert (np.bincount(arc_o, weights=flow, minlength=pop.size) <= pop).all()
        assert (np.bincount(arc_s, weights=flow, minlength=cap.size) <= cap).all()
        results[solver] = (int(flow.sum()), int((flow * arc_c).sum()))
    assert results["ortools"] == results["networkx"]


def test_a_shelter_beyond_the_snap_limit_is_flagged_and_receives_no_one():
    # Shelter B lies 300 m off the street (the case of a ward-wide GSI list routed on a smaller
    # network): without a limit its 300 m walk still beats A for the origin at x = 900; beyond the
    # limit it is kept with its distance, flagged, and nobody is routed to it.
    net = nw.build_network([LineString([(0, 0), (1000, 0)])])
    origins, shelters = [[100.0, 0.0], [900.0, 0.0]], [[0.0, 10.0], [900.0, 300.0]]
    free = rt.evacuation_routes(net, origins, shelters, shelter_ids=["A", "B"])
    assert list(free.routes.shelter) == [0, 1]
    np.testing.assert_allclose(free.routes.length_m, [110.0, 300.0])
    limited = rt.evacuation_routes(net, origins, shelters, shelter_ids=["A", "B"], max_shelter_snap_m=200.0)
    np.testing.assert_allclose(limited.graph.shelter_snap.distance, [10.0, 300.0])
    assert list(limited.graph.far_shelters()) == [False, True]
    assert list(limited.routes.shelter) == [0, 0]
    np.testing.assert_allclose(limited.routes.length_m, [110.0, 910.0])
    # a shelter 2,860 m off the street is never the nearest on a 1 km street: its walk is counted
    far = rt.evacuation_routes(net, origins, [[0.0, 10.0], [900.0, 2860.0]], shelter_ids=["A", "B"])
    assert list(far.routes.shelter) == [0, 0]
    with pytest.raises(InputError, match="SHELTER_MAX_SNAP"):
        rt.evacuation_routes(net, origins, [[900.0, 2860.0]], max_shelter_snap_m=200.0)


# ----------------------------------------------------------------------------- shared between runs, fast paths


def test_two_runs_share_origin_snaps_and_service_area_cells_with_the_same_results():
    # two runs on the same streets with different blockage: inside memo.shared() the origins' snap and
    # the cut cells are computed once, and every result equals the one computed alone
    from suginami_gis.core import memo

    net = grid_network(6, 100.0)
    rng = np.random.default_rng(3)
    origins = rng.random((200, 2)) * 500
    shelters = np.array([[0.0, 0.0], [500.0, 250.0], [250.0, 500.0]])
    p_runs = [rng.random(net.n_edges) * 0.6, rng.random(net.n_edges) * 0.3]

    def one_run(p):
        res = rt.evacuation_routes(
            net, origins, shelters, p_block=p, cost=rt.Cost.BALANCED, realizations=20, seed=5, max_minutes=5
        )
        graph = rt.prepare_graph(net, shelters, p_block=p, cost=rt.Cost.BALANCED)
        areas = ca.service_areas(graph, bands_minutes=(2, 4), walk_speed=1.0, max_offset_m=40, spacing_m=10)
        return res, areas

    alone = [one_run(p) for p in p_runs]
    with memo.shared():
        shared = [one_run(p) for p in p_runs]
        counts = memo.counts()
    assert counts["origins on the network"] == (1, 1)
    assert counts["service area cells"] == (1, 1)
    for (res_a, areas_a), (res_s, areas_s) in zip(alone, shared):
        for name in ("shelter", "length_m", "time_min", "p_passable", "reachable"):
            assert np.array_equal(getattr(res_a.routes, name), getattr(res_s.routes, name)), name
        assert np.array_equal(res_a.reachability.p_reach, res_s.reachability.p_reach)
        assert np.array_equal(shapely.to_wkb(res_a.lines()), shapely.to_wkb(res_s.lines()))
        assert np.array_equal(areas_a.shelter, areas_s.shelter)
        assert np.array_equal(areas_a.band_to_min, areas_s.band_to_min)
        assert np.array_equal(shapely.to_wkb(areas_a.geometry), shapely.to_wkb(areas_s.geometry))
        assert np.array_equal(areas_a.area_m2, areas_s.area_m2)
    # the blockage differs, so do the catchments: the cells were shared, not the answers
    assert not np.array_equal(alone[0][1].area_m2, alone[1][1].area_m2)


def test_route_lines_follow_their_routes_hop_by_hop():
    # every line runs from the snapped origin along the network to the shelter, as long as its route
    net = grid_network(5, 100.0)
    rng = np.random.default_rng(11)
    origins = rng.random((60, 2)) * 400
    res = rt.evacuation_routes(net, origins, [[0.0, 0.0], [400.0, 400.0]])
    lines = res.lines()
    reach = res.routes.reachable
    np.testing.assert_allclose(shapely.length(lines[reach]), res.routes.length_m[reach], rtol=1e-9, atol=1e-6)
    start = shapely.get_coordinates(shapely.get_point(lines[reach], 0))
    np.testing.assert_allclose(start, res.origins.snap.xy[reach])
    end = shapely.get_coordinates(shapely.get_point(lines[reach], -1))
    np.testing.assert_allclose(end, res.graph.shelter_xy[res.routes.shelter[reach]])


@given(st.lists(st.tuples(st.integers(-3, 3), st.integers(-3, 3)), min_size=1, max_size=60))
@settings(max_examples=50, deadline=None)
def test_unique_points_equal_numpy_unique(points):
    xy = np.asarray(points, dtype=np.float64) / 2.0
    xy[xy == 0] = -0.0  # signed zeros are one point
    got, first = ca._unique_points(xy)
    want, want_first = np.unique(xy, axis=0, return_index=True)
    assert np.array_equal(got, want) and np.array_equal(first, want_first)


def test_polygon_of_points_equals_the_first_within_hit():
    from shapely.geometry import box

    polygons = np.array(
        [box(0, 0, 10, 10), None, box(5, 0, 20, 10), box(30, 30, 40, 40), Point(1, 1).buffer(0.5)], dtype=object
    )
    rng = np.random.default_rng(2)
    xy = np.vstack([[[1.0, 1.0], [7.0, 5.0]], rng.random((300, 2)) * 45, [[np.nan, 1.0], [10.0, 5.0], [50.0, 50.0]]])
    got = ca.polygon_of_points(xy, polygons)
    ok = np.flatnonzero(np.isfinite(xy).all(axis=1))
    pt, poly = shapely.STRtree(polygons).query(shapely.points(xy[ok]), predicate="within")
    first = np.unique(pt, return_index=True)[1]
    want = np.full(xy.shape[0], -1)
    want[ok[pt[first]]] = poly[first]
    assert np.array_equal(got, want)
    assert got[-3] == -1 and got[-1] == -1  # NaN and outside: none
    assert np.bincount(pt)[:2].tolist() == [2, 2] and got[0] >= 0 and got[1] >= 0  # in two polygons: one kept
    assert ca.polygon_of_points(np.zeros((0, 2)), polygons).shape == (0,)
