"""Street network: noding like QGIS's network analysis, widths from tags and buildings, the OSM reader."""

from __future__ import annotations

import socket

import numpy as np
import pytest
import shapely
from hypothesis import example, given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, MultiLineString, box

from suginami_gis.core import blockage as bk
from suginami_gis.core import network as nw
from suginami_gis.core.errors import InputError

OSM = "osm-nerima-2011/nerima_2011_tokyo.osm"


def edge_set(net: nw.StreetNetwork) -> set[tuple[tuple[float, float], tuple[float, float], float]]:
    """Edges as (sorted end coordinates, length), independent of numbering."""
    out = set()
    for a, b, length in zip(net.u, net.v, net.length):
        ends = sorted([tuple(np.round(net.node_xy[a], 6)), tuple(np.round(net.node_xy[b], 6))])
        out.add((ends[0], ends[1], round(float(length), 6)))
    return out


def test_lines_sharing_vertices_are_connected_and_compact():
    # an L-shaped line with an interior bend vertex, and a line starting at that line's interior vertex
    lines = [LineString([(0, 0), (50, 0), (100, 0), (100, 80)]), LineString([(50, 0), (50, 60)])]
    net = nw.build_network(lines)
    # nodes: (0,0), (50,0) [shared], (100,80), (50,60); the bend at (100,0) stays inside an edge
    assert net.n_nodes == 4
    assert edge_set(net) == {
        ((0.0, 0.0), (50.0, 0.0), 50.0),
        ((50.0, 0.0), (100.0, 80.0), 130.0),
        ((50.0, 0.0), (50.0, 60.0), 60.0),
    }
    # every edge geometry runs from its u node to its v node
    starts = shapely.get_coordinates(shapely.get_point(net.geometry, 0))
    ends = shapely.get_coordinates(shapely.get_point(net.geometry, -1))
    np.testing.assert_allclose(starts, net.node_xy[net.u])
    np.testing.assert_allclose(ends, net.node_xy[net.v])
    assert net.components().max() == 0


def test_snap_tolerance_merges_close_vertices_and_joins_t_junctions():
    lines = [
        LineString([(0, 0), (100, 0)]),
        LineString([(100.3, 0.2), (200, 0)]),  # starts 0.36 m from the first line's end
        LineString([(50, 0.4), (50, 50)]),  # dangling end 0.4 m from the first line's interior
    ]
    strict = nw.build_network(lines)
    assert strict.components().max() == 2  # three separate pieces without a tolerance
    net = nw.build_network(lines, snap_tolerance=0.5)
    assert net.components().max() == 0
    # the second line starts at the first line's end (the first vertex met keeps its position), the
    # first line is split at the dangling end, which keeps its position (the line bends 0.4 m to it)
    bent = float(np.hypot(50.0, 0.4))
    np.testing.assert_allclose(sorted(net.length), [49.6, bent, bent, 100.0])
    assert net.n_edges == 4
    assert net.n_nodes == 5


def test_unnoded_layer_is_refused_but_bridges_are_not():
    # a grid whose lines cross without shared vertices: no network forms
    grid = [LineString([(0, y), (300, y)]) for y in (0, 100, 200)] + [
        LineString([(x, -50), (x, 250)]) for x in (50, 150, 250)
    ]
    with pytest.raises(InputError) as err:
        nw.build_network(grid)
    assert err.value.parameter == "ROADS"
    assert "without a shared vertex" in str(err.value)
    noded = nw.build_network(grid, node_crossings=True)
    assert noded.components().max() == 0
    assert noded.n_nodes == 9 + 6 + 6  # 9 crossings, 6 horizontal ends, 6 vertical ends
    # one bridge over a connected street network: allowed, counted, not connected
    streets = [LineString([(0, 0), (100, 0), (200, 0)]), LineString([(100, 0), (100, 100)])]
    bridge = [LineString([(150, -50), (150, 50)])]
    net = nw.build_network(streets + bridge)
    assert net.n_unnoded_crossings == 1
    assert net.components().max() == 1


def test_node_crossings_does_not_duplicate_shared_vertices():
    lines = [LineString([(0, 0), (10, 0), (20, 0)]), LineString([(10, 0), (10, 10)]), LineString([(5, -5), (5, 5)])]
    net = nw.build_network(lines, node_crossings=True)
    assert (net.length > 0).all()
    np.testing.assert_allclose(sorted(net.length), [5, 5, 5, 5, 10, 10])


def test_multilinestrings_and_empty_parts():
    lines = [MultiLineString([[(0, 0), (10, 0)], [(10, 0), (10, 10)]]), None, LineString()]
    net = nw.build_network(lines)
    assert net.n_edges == 2
    assert set(net.source_index.tolist()) == {0}


@pytest.mark.parametrize("lines", [[], [None], [LineString()], [shapely.Point(0, 0)]])
def test_empty_layer_is_an_input_error(lines):
    with pytest.raises(InputError) as err:
        nw.build_network(lines)
    assert err.value.parameter == "ROADS"


def test_geographic_crs_is_refused_with_the_crs_to_use():
    with pytest.raises(InputError) as err:
        nw.build_network([LineString([(139.6, 35.7), (139.61, 35.7)])], crs="EPSG:4326")
    assert "EPSG:6677" in str(err.value)
    assert err.value.parameter == "ROADS"
    nw.build_network([LineString([(0, 0), (10, 0)])], crs="EPSG:6677")


def test_negative_tolerance_is_refused():
    with pytest.raises(InputError) as err:
        nw.build_network([LineString([(0, 0), (1, 0)])], snap_tolerance=-1)
    assert err.value.parameter == "SNAP_TOLERANCE"


@settings(max_examples=25, deadline=None)
# Found by hypothesis: the end shared by the first two lines lies on the third line's interior.
@example(segments=[(0, 0, 1, 4), (0, 3, 1, 4), (0, 2, 2, 6), (2, 0, 0, 3)])
@given(
    st.lists(
        st.tuples(st.integers(0, 6), st.integers(0, 6), st.integers(0, 6), st.integers(0, 6)),
        min_size=1,
        max_size=12,
    )
)
def test_noding_keeps_total_length_and_connects_shared_points(segments):
    """Property: noding never changes the total length, and edges only meet at nodes."""
    lines = [LineString([(a * 10, b * 10), (c * 10, d * 10)]) for a, b, c, d in segments if (a, b) != (c, d)]
    if not lines:
        return
    net = nw.build_network(lines, node_crossings=True)
    assert net.length.sum() == pytest.approx(sum(line.length for line in lines))
    assert (net.length > 0).all()
    # noded: no two edges cross (interiors meet at a point) after noding
    tree = shapely.STRtree(net.geometry)
    left, right = tree.query(net.geometry, predicate="crosses")
    assert left.size == 0


def test_csr_keeps_the_shortest_parallel_edge():
    u = np.array([0, 0, 1])
    v = np.array([1, 1, 1])
    w = np.array([5.0, 3.0, 1.0])
    mat, arc = nw.csr_from_edges(u, v, w, 2)
    assert mat[0, 1] == 3.0
    assert mat[1, 0] == 3.0
    assert mat[1, 1] == 0  # self-loop dropped
    assert set(arc.tolist()) == {1}


def test_osm_width_tags():
    assert nw.parse_yh_width("3.0m〜5.5m") == pytest.approx(4.25)
    assert nw.parse_yh_width("1.5m〜3.0m") == pytest.approx(2.25)
    assert nw.parse_yh_width("13.0m以上") == pytest.approx(13.0)
    assert nw.parse_yh_width("1.5m未満") == pytest.approx(0.75)
    assert np.isnan(nw.parse_yh_width("unknown"))
    assert nw.parse_osm_width("3.5") == 3.5
    assert nw.parse_osm_width("4 m") == 4.0
    assert nw.parse_osm_width("2,5") == 2.5
    assert nw.parse_osm_width("4;6") == 4.0
    assert nw.parse_osm_width("3-5") == pytest.approx(4.0)
    assert nw.parse_osm_width("3.0m〜5.5m") == pytest.approx(4.25)
    assert np.isnan(nw.parse_osm_width("5-3"))
    assert nw.parse_osm_width("10'") == pytest.approx(3.048)
    assert np.isnan(nw.parse_osm_width("narrow"))
    assert np.isnan(nw.parse_osm_width(None))


def _street_with_buildings(left_gap: float | None, right_gap: float | None, length: float = 100.0):
    """A street along y = 0 and rows of 8 m deep buildings whose facades are left_gap / right_gap away."""
    buildings = []
    for x0 in np.arange(0, length, 12.0):
        if left_gap is not None:
            buildings.append(box(x0, left_gap, x0 + 10, left_gap + 8))
        if right_gap is not None:
            buildings.append(box(x0, -right_gap - 8, x0 + 10, -right_gap))
    return np.array([LineString([(0, 0), (length, 0)])], dtype=object), buildings


def test_width_from_facades_on_both_sides():
    street, buildings = _street_with_buildings(3.0, 4.5)
    width, used = nw.estimate_width_from_buildings(street, buildings)
    # open space 7.5 m between the facades, less the setback on each side
    assert width[0] == pytest.approx(7.5 - 2 * nw.WIDTH_SETBACK_M)
    assert used[0] >= 10


def test_a_gap_between_houses_does_not_widen_the_street():
    # houses 6 m wide with 4 m driveways between them: every cross-section still sees a facade in its strip
    street = np.array([LineString([(0, 0), (100, 0)])], dtype=object)
    buildings = [box(x, 3, x + 6, 11) for x in range(0, 100, 10)] + [box(x, -11, x + 6, -3) for x in range(0, 100, 10)]
    width, _ = nw.estimate_width_from_buildings(street, buildings)
    assert width[0] == pytest.approx(6.0 - 2 * nw.WIDTH_SETBACK_M)


def test_width_is_capped_by_road_class_and_needs_both_sides():
    street, buildings = _street_with_buildings(10.0, 10.0)
    width, _ = nw.estimate_width_from_buildings(street, buildings, highway=["residential"])
    assert width[0] == nw.WIDTH_CAP_BY_HIGHWAY_M["residential"] == pytest.approx(5.0)
    width, _ = nw.estimate_width_from_buildings(street, buildings, highway=["primary"])
    assert width[0] == pytest.approx(20.0 - 2 * nw.WIDTH_SETBACK_M)
    street, buildings = _street_with_buildings(2.5, None)  # one row of buildings: no estimate
    width, used = nw.estimate_width_from_buildings(street, buildings)
    assert np.isnan(width[0]) and used[0] == 0
    street, buildings = _street_with_buildings(20.0, 20.0)  # beyond the 15 m search
    width, used = nw.estimate_width_from_buildings(street, buildings)
    assert np.isnan(width[0])
    assert used[0] == 0


def test_width_from_lanes():
    # Road Structure Ordinance: 3.0 m lanes and 0.5 m shoulders
    assert nw.width_from_lanes("2") == pytest.approx(7.0)
    assert nw.width_from_lanes("1") == pytest.approx(4.0)
    assert np.isnan(nw.width_from_lanes("0")) and np.isnan(nw.width_from_lanes("many"))
    assert nw._osm_edge_width({"lanes": "2", "yh:WIDTH": "3.0m〜5.5m"}) == (pytest.approx(4.25), "yh_width")
    assert nw._osm_edge_width({"lanes": "2"}) == (pytest.approx(7.0), "osm_lanes")


def test_fill_widths_flags_estimates_and_keeps_field_values():
    lines = [LineString([(0, 0), (100, 0)]), LineString([(0, 50), (100, 50)]), LineString([(0, 200), (100, 200)])]
    net = nw.build_network(lines, width=[6.0, None, np.nan], highway=["residential", "residential", "footway"])
    buildings = [box(x, 53, x + 10, 60) for x in range(0, 100, 12)] + [
        box(x, 40, x + 10, 47) for x in range(0, 100, 12)
    ]
    nw.fill_widths(net, buildings)
    by_src = {
        int(s): (w, e, src) for s, w, e, src in zip(net.source_index, net.width, net.width_estimated, net.width_source)
    }
    assert by_src[0] == (6.0, False, "field")
    assert by_src[1][0] == pytest.approx(6.0 - 2 * nw.WIDTH_SETBACK_M) and by_src[1][1] and by_src[1][2] == "buildings"
    assert by_src[2] == (nw.ASSUMED_WIDTH_BY_HIGHWAY_M["footway"], True, "highway")


@pytest.fixture(scope="module")
def nerima(shared_data):
    path = shared_data / OSM
    if not path.exists():
        pytest.skip(f"{path} is absent")
    return nw.network_from_osm_xml(path)


def test_osm_reader_is_offline(shared_data, monkeypatch):
    path = shared_data / OSM
    if not path.exists():
        pytest.skip(f"{path} is absent")

    def no_network(*args, **kwargs):
        raise AssertionError("the OSM reader tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    net = nw.network_from_osm_xml(path)
    assert net.n_edges > 1000


def test_osm_walking_network_of_nerima(nerima):
    net = nerima
    # SOURCE.md: 687 highway ways, about 125 km; the walking filter keeps nearly all of them
    assert 115_000 < net.length.sum() < 126_000
    assert net.crs == "EPSG:6677"
    assert (net.length > 0).all()
    # projected to the plane rectangular zone IX: Nerima lies some km north-west of its origin
    assert -20_000 < net.node_xy[:, 0].min() < net.node_xy[:, 0].max() < 0
    assert -40_000 < net.node_xy[:, 1].min() < net.node_xy[:, 1].max() < -25_000
    sources = net.width_source.astype(str)
    assert np.all(net.width[sources == "yh_width"] == pytest.approx(4.25))
    assert set(np.unique(net.width[sources == "osm_width"])) <= {2.0, 2.5, 3.5}
    assert (sources == "osm_width").sum() > 0
    assert (sources == "yh_width").sum() > 200
    # lanes=2 without a width: 2 x 3.0 m + shoulders, flagged estimated; tag widths are not estimates
    assert np.all(net.width[sources == "osm_lanes"] == pytest.approx(7.0))
    np.testing.assert_array_equal(net.width_estimated, sources == "osm_lanes")
    assert set(np.unique(net.highway.astype(str))) >= {"residential", "unclassified", "footway"}


def test_osm_edge_geometries_meet_at_nodes(nerima):
    net = nerima
    starts = shapely.get_coordinates(shapely.get_point(net.geometry, 0))
    ends = shapely.get_coordinates(shapely.get_point(net.geometry, -1))
    np.testing.assert_allclose(starts, net.node_xy[net.u], atol=1e-6)
    np.testing.assert_allclose(ends, net.node_xy[net.v], atol=1e-6)


def test_a_zero_length_line_and_a_self_loop_at_one_node():
    """A zero-length feature is dropped and a loop that starts and ends at one node is routable."""
    from suginami_gis.core import routing as rt

    lines = [
        LineString([(0, 0), (100, 0)]),
        LineString([(100, 0), (100, 0)]),  # zero length
        LineString([(100, 0), (150, 50), (150, -50), (100, 0)]),  # a loop back to its start node
        LineString([(100, 0), (200, 0)]),
    ]
    net = nw.build_network(lines)
    graph = rt.prepare_graph(net, np.array([[200.0, 0.0]]))
    routes = rt.route_nearest(graph, rt.snap_origins(graph, np.array([[10.0, 1.0], [150.0, 10.0]])))
    # along the loop the nearer way back to (100, 0) is up through (150, 50): 40 + 50 sqrt(2)
    np.testing.assert_allclose(routes.length_m, [190.0, 40 + 50 * np.sqrt(2) + 100.0])


NERIMA_BUILDINGS = "plateau2020-tokyo23-bldg-mvt/nerima_osm_area_buildings_plateau2020.gpkg"
# The error bound documented in docs/methods/routing.md ("Validation of the width estimate").
WIDTH_MEDIAN_ABS_ERROR_BOUND_M = 2.0


def test_footprint_widths_match_the_tags_out_of_sample(nerima, shared_data):
    """Tagged Nerima segments estimated as if untagged: no upward bias, median error within the documented bound."""
    gpd = pytest.importorskip("geopandas")
    path = shared_data / NERIMA_BUILDINGS
    if not path.exists():
        pytest.skip(f"{path} is absent")
    buildings = gpd.read_file(path).to_crs(nw.DEFAULT_METRIC_CRS).geometry.to_numpy()
    check = bk.width_estimate_errors(nerima, buildings)
    held = check["held_out"]
    assert held["segments"] > 100 and held["estimated"] > 0.5
    assert held["median_signed_error_m"] <= 0.0  # not biased wide: blockage is not underestimated
    assert held["median_abs_error_m"] <= WIDTH_MEDIAN_ABS_ERROR_BOUND_M
    assert held["within_1m"] >= 0.25
    assert check["all"]["median_signed_error_m"] <= 0.0
    # the old estimate put 35 % of these 3.0-5.5 m streets at 13 m or more (never blocked)
    est, _ = nw.estimate_width_from_buildings(nerima.geometry, buildings, highway=nerima.highway)
    tagged = np.isin(nerima.width_source.astype(str), ["osm_width", "yh_width"]) & np.isfinite(est)
    assert (est[tagged] < 13.0).all()


def _csr_reference(u, v, w, n_nodes, min_weight=1e-9):
    """csr_from_edges as it was before SortedArcs: one lexsort per matrix."""
    from scipy.sparse import csr_matrix

    keep = (u != v) & np.isfinite(w)
    idx = np.flatnonzero(keep)
    a = np.concatenate([u[idx], v[idx]])
    b = np.concatenate([v[idx], u[idx]])
    ww = np.maximum(np.concatenate([w[idx], w[idx]]), min_weight)
    edge = np.concatenate([idx, idx])
    order = np.lexsort((edge, ww, b, a))
    a, b, ww, edge = a[order], b[order], ww[order], edge[order]
    first = np.ones(a.shape[0], dtype=bool)
    first[1:] = (a[1:] != a[:-1]) | (b[1:] != b[:-1])
    a, b, ww, edge = a[first], b[first], ww[first], edge[first]
    indptr = np.zeros(n_nodes + 1, dtype=np.int64)
    np.add.at(indptr, a + 1, 1)
    indptr = np.cumsum(indptr)
    return csr_matrix((ww, b, indptr), shape=(n_nodes, n_nodes)), edge


@pytest.mark.parametrize("seed", range(5))
def test_sorted_arcs_leave_out_edges_exactly_as_infinite_weights_do(seed):
    # a multigraph with parallel edges of equal and different weights, self-loops, zero lengths and
    # isolated nodes: every realization's matrix must be the one a fresh sort gives, array for array
    rng = np.random.default_rng(seed)
    n_nodes, m = 30, 120
    u = rng.integers(0, n_nodes - 3, m)
    v = rng.integers(0, n_nodes - 3, m)
    w = rng.choice([0.0, 1.0, 2.5, 7.0], m) + rng.integers(0, 2, m) * rng.random(m)
    arcs = nw.SortedArcs.of(u, v, w, n_nodes)
    for _ in range(10):
        open_edge = rng.random(m) > 0.3
        mat, edge = arcs.csr(open_edge)
        ref, ref_edge = _csr_reference(u, v, np.where(open_edge, w, np.inf), n_nodes)
        for name in ("data", "indices", "indptr"):
            assert np.array_equal(getattr(mat, name), getattr(ref, name)), name
        assert np.array_equal(edge, ref_edge)
        assert not open_edge[edge].size or open_edge[edge].all()
    mat, edge = nw.csr_from_edges(u, v, w, n_nodes)
    ref, ref_edge = _csr_reference(u, v, w, n_nodes)
    assert np.array_equal(mat.toarray(), ref.toarray()) and np.array_equal(edge, ref_edge)


@pytest.mark.parametrize("scale", [4, 20, 100])
def test_crossing_pairs_equal_the_geos_crosses_query(scale):
    # integer coordinates on a small grid: many shared ends, T-junctions, collinear overlaps, zero-length
    # and reversed duplicate lines, besides proper crossings and longer lines that GEOS decides
    rng = np.random.default_rng(scale)
    ends = np.round(rng.random((1500, 2, 2)) * scale)
    lines = np.concatenate(
        [
            shapely.linestrings(ends),
            shapely.linestrings(ends[:40, ::-1]),
            shapely.linestrings(np.round(rng.random((100, 4, 2)) * scale)),
            shapely.linestrings(ends[:30] + 0.5),
        ]
    )
    tree = shapely.STRtree(lines)
    want_left, want_right = tree.query(lines, predicate="crosses")
    left, right = nw.crossing_pairs(tree, lines)
    assert want_left.size > 0
    assert np.array_equal(left, want_left) and np.array_equal(right, want_right)
