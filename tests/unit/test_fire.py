"""Tests for suginami_gis.core.fire: methods.md section 4 test values, the spread graph's documented
rules (pair limit, wind ellipse, firebreaks, fireproof buildings), peer checks against networkx,
the simulation-versus-cluster relation, fire-proofing, determinism and bad input."""

from __future__ import annotations

import concurrent.futures
import math

import networkx as nx
import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from rasterio.crs import CRS

from suginami_gis.core import fire
from suginami_gis.core.errors import InputError
from suginami_gis.core.fire import FireResistance as FR
from suginami_gis.core.rasters import read_raster

WKT_6677 = CRS.from_epsg(6677).to_wkt()
BARE, PROTECTED, SEMI, FIREPROOF = (int(c) for c in FR)
SMALLER = fire.PairRule.SMALLER_LIMIT
DIRECTIONAL = fire.WindModel.DIRECTIONAL
# Tests of the spread and Monte Carlo mechanics model collapse ignitions alone.
COLLAPSE_ONLY = fire.NO_IGNITION_TABLE


def squares(xy, side=10.0):
    """Axis-aligned square footprints with lower-left corners at ``xy``."""
    return np.array([shapely.box(x, y, x + side, y + side) for x, y in xy], dtype=object)


def row_of(n, gap, side=10.0):
    return squares([(k * (side + gap), 0.0) for k in range(n)], side)


def block(nx_, ny_, gap, side=10.0):
    return squares([(i * (side + gap), j * (side + gap)) for j in range(ny_) for i in range(nx_)], side)


def edges(graph):
    return set(zip(graph.src.tolist(), graph.dst.tolist()))


def to_networkx(graph):
    g = nx.DiGraph()
    g.add_nodes_from(range(graph.n))
    g.add_edges_from(zip(graph.src.tolist(), graph.dst.tolist()))
    return g


def exact_burn_probability(graph, p):
    """Peer computation with networkx: P(j burns) = 1 - prod over i that reach j of (1 - p_i)."""
    g = to_networkx(graph)
    out = np.empty(graph.n)
    for j in range(graph.n):
        sources = [*nx.ancestors(g, j), j]
        out[j] = 1.0 - np.prod(1.0 - p[sources])
    return out


# --- methods.md section 4 test values ---------------------------------------------------------


def test_cluster_probability_test_value():
    assert fire.cluster_burn_probability(500, 0.0003) == pytest.approx(0.13929, abs=5e-6)


def test_hamada_test_value():
    assert fire.hamada_time_downwind(10, 3, 8, 0) == pytest.approx(2.1599, abs=1e-4)
    assert fire.hamada_speed_downwind(10, 3, 8, 0) == pytest.approx(6.019, abs=1e-3)


def test_cluster_method_on_a_500_building_block_gives_the_test_value():
    # 25 x 20 bare wooden buildings 4 m apart, no wind: one cluster of 500 with p = 0.0003 each.
    geoms = block(25, 20, gap=4.0)
    scenario = fire.FireScenario(
        wind_speed=0.0,
        time_coefficient=1.0,
        suppression_rate=0.0,
        collapse_ignition_rate=0.0003,
        realizations=20,
        ignition_table=COLLAPSE_ONLY,
    )
    res = fire.run_fire(geoms, ["bare_wood"] * 500, np.ones(500), scenario)
    assert np.all(res.cluster_size == 500)
    np.testing.assert_allclose(res.p_ignite, 0.0003)
    np.testing.assert_allclose(res.p_burn, 0.13929, atol=5e-6)
    assert res.ward.expected_burned[0] == pytest.approx(500 * 0.13929, abs=0.01)


# --- Ignition --------------------------------------------------------------------------------


def test_ignition_probability_combines_collapse_time_and_suppression():
    pc = np.array([0.0, 0.2, 1.0])
    p = fire.ignition_probability(pc, hour=18, table=COLLAPSE_ONLY)
    # residents do not put out fires in crushed buildings: no (1 - 0.366) on this term
    expected = 0.0355e-2 * (2.50 / 0.98) * pc
    np.testing.assert_allclose(p, expected)
    np.testing.assert_allclose(fire.ignition_probability(pc, hour=18, table=COLLAPSE_ONLY, suppression_rate=0.9), p)
    # 05:00 is the reference hour of the 0.0355 % rate.
    np.testing.assert_allclose(
        fire.ignition_probability(pc, hour=5, suppression_rate=0.0, table=COLLAPSE_ONLY), 0.0355e-2 * pc
    )


def test_ignition_table_by_use_and_intensity():
    table = fire.IgnitionTable(
        (
            fire.IgnitionTableRow("restaurant", 5.0, 0.01),
            fire.IgnitionTableRow("restaurant", 6.0, 0.05),
            fire.IgnitionTableRow("*", 5.5, 0.001),
        )
    )
    use = ["restaurant", "restaurant", "restaurant", "house", "house"]
    intensity = np.array([4.9, 5.2, 6.4, 5.4, 6.4])
    np.testing.assert_allclose(table.rates(use, intensity), [0.0, 0.01, 0.05, 0.0, 0.001])
    pc = np.array([0.0, 0.5, 0.0, 0.0, 0.0])
    p = fire.ignition_probability(
        pc, hour=5, suppression_rate=0.5, intensity=intensity, use=use, table=table, seismic_breaker_rate=0.0
    )
    expected = 0.0355e-2 * pc + 0.5 * table.rates(use, intensity) * (1 - pc)
    np.testing.assert_allclose(p, expected)


def test_ignition_table_from_csv(tmp_path):
    path = tmp_path / "rates.csv"
    path.write_text("use,intensity_min,rate\n*,6.0,0.002\n", encoding="utf-8")
    table = fire.load_ignition_table(path)
    np.testing.assert_allclose(table.rates(None, np.array([5.9, 6.0])), [0.0, 0.002])
    bad = tmp_path / "bad.csv"
    bad.write_text("use,rate\n*,0.1\n", encoding="utf-8")
    with pytest.raises(InputError, match="intensity_min") as err:
        fire.load_ignition_table(bad)
    assert err.value.parameter == "IGNITION_TABLE"


def test_hours_without_a_cited_coefficient_need_one():
    with pytest.raises(InputError) as err:
        fire.hour_coefficient(3)
    assert err.value.parameter == "SCENARIO_HOUR"
    # An explicit coefficient is accepted for any hour.
    assert fire.ignition_probability(
        np.array([1.0]), hour=3, suppression_rate=0.0, time_coefficient=2.0, table=COLLAPSE_ONLY
    )[0] == pytest.approx(2 * 0.0355e-2)


# --- Built-in non-collapse ignitions (docs/methods/fire.md section 1) ------------------------------


def test_builtin_table_is_the_documented_derivation_of_its_sources():
    import yaml

    spec = yaml.safe_load(fire.BUILTIN_IGNITION_PATH.read_text(encoding="utf-8"))
    inputs = spec["inputs"]
    per_building = inputs["households_per_building"] / 10_000
    keep = 1.0 - inputs["initial_extinguishment"]
    jma7 = inputs["fires_per_10k_households"]["jma7_0546"] * per_building * 2.50 / 0.98 / keep
    jma6plus = inputs["fires_per_10k_households"]["jma6plus_1756"] * per_building / keep
    step = jma7 / jma6plus
    expected = {6.5: jma7, 6.0: jma6plus, 5.5: jma6plus / step, 5.0: jma6plus / step**2}
    table = fire.load_builtin_ignition_table()
    for row in table.rows:
        assert row.use == "*"
        assert row.rate == pytest.approx(expected[row.intensity_min], rel=5e-4)
    # households per building: 7.21 million households / 2,804,582 buildings (sources H3)
    assert inputs["households_per_building"] == pytest.approx(7.21e6 / 2_804_582, abs=5e-4)
    # hour factors are the cited time-of-day coefficients relative to 17-19 h
    assert dict(table.hour_factors) == pytest.approx({5: 0.98 / 2.50, 12: 1.52 / 2.50, 18: 1.0}, abs=5e-4)
    # the electric share of shaking fires, Tohoku 2011 (TMG 2022 p. 347): 26.4 + 25.6 + 15.7 %
    assert table.breaker_preventable_share == pytest.approx(0.264 + 0.256 + 0.157)
    # the observed rate comes back at present levers without breakers: 1.2 per 10,000 households at 6+
    p = fire.ignition_probability(
        np.zeros(1), hour=18, intensity=np.array([6.2]), table=table, seismic_breaker_rate=0.0
    )
    assert p[0] * 10_000 / inputs["households_per_building"] == pytest.approx(1.2, rel=1e-3)


def test_non_collapse_ignitions_scale_with_intensity_hour_and_the_unbroken_share():
    table = fire.load_builtin_ignition_table()
    intensity = np.array([4.9, 5.2, 5.7, 6.2, 6.8])
    pc = np.array([0.0, 0.0, 0.0, 0.5, 0.0])
    p18 = fire.ignition_probability(pc, hour=18, intensity=intensity, table=table, collapse_rate=0.0)
    assert p18[0] == 0.0 and np.all(np.diff(p18[[1, 2, 4]]) > 0)
    breaker = 1 - 0.677 * 0.9 * 0.083
    assert p18[3] == pytest.approx(4.8663e-4 * 0.5 * breaker * (1 - 0.366), rel=1e-9)
    p5 = fire.ignition_probability(pc, hour=5, intensity=intensity, table=table, collapse_rate=0.0)
    np.testing.assert_allclose(p5, p18 * 0.392)
    with pytest.raises(InputError) as err:
        fire.ignition_probability(pc, hour=12, intensity=intensity, table=table, time_coefficient=1.0, collapse_rate=0)
        fire.ignition_probability(pc, hour=3, intensity=intensity, table=table, time_coefficient=1.0)
    # breakers act on the non-collapse term only
    full = fire.ignition_probability(np.ones(1), hour=18, intensity=np.array([6.8]), seismic_breaker_rate=1.0)
    none = fire.ignition_probability(np.ones(1), hour=18, intensity=np.array([6.8]), seismic_breaker_rate=0.0)
    assert full[0] == pytest.approx(none[0])
    del err


def test_tokyo_2022_lever_effect_is_reproduced_within_10_percent():
    """TMG 2022 report p. 411 (都心南部直下, winter 18:00, 8 m/s): 623 fires at present (breakers 8.3 %,
    extinguishment 36.6 %), 372 with breakers 25 % and extinguishment 60 % (促進①). The model's
    breaker share and efficacy come from p. 347, not from this pair: the ratio is a check."""
    rng = np.random.default_rng(0)
    intensity = rng.uniform(5.0, 7.0, 10_000)
    pc = rng.uniform(0.0, 0.05, 10_000)  # collapse ignitions a small share, as in Tokyo 2022

    def fires(breakers: float, extinguishment: float) -> float:
        return float(
            fire.ignition_probability(pc, 18, extinguishment, intensity=intensity, seismic_breaker_rate=breakers).sum()
        )

    ratio = fires(0.25, 0.60) / fires(0.083, 0.366)
    assert abs(ratio / (372 / 623) - 1.0) < 0.10


# --- Spread speed and wind --------------------------------------------------------------------


def test_directional_spread_time_matches_hamada_along_and_across_the_wind():
    a, d, v = 9.0, 2.5, 6.0
    t = fire.directional_spread_time(a, d, v, 0.0, np.array([1.0, 0.0, -1.0]))
    np.testing.assert_allclose(
        t,
        [
            fire.hamada_time_downwind(a, d, v),
            fire.hamada_time_sidewind(a, d, v),
            fire.hamada_time_upwind(a, d, v),
        ],
    )
    # Downwind is fastest and the time grows monotonically as the direction turns upwind.
    cos = np.cos(np.linspace(0, np.pi, 37))
    assert np.all(np.diff(fire.directional_spread_time(a, d, v, 0.0, cos)) > 0)


def test_hamada_downwind_speed_increases_with_wind_and_fire_protection_slows_it():
    speeds = np.array([fire.hamada_speed_downwind(10, 3, v, 0.0) for v in range(16)])
    assert np.all(np.diff(speeds) > 0)
    assert fire.hamada_speed_downwind(10, 3, 8, 1.0) < fire.hamada_speed_downwind(10, 3, 8, 0.0)


def test_wind_stretch_ellipse():
    assert fire.wind_stretch_factor(1.0, 8.0) == pytest.approx(1.5)
    assert fire.wind_stretch_factor(-1.0, 8.0) == pytest.approx(1 / 1.5)
    assert fire.wind_stretch_factor(1.0, 4.0) == pytest.approx(1.25)
    assert fire.wind_stretch_factor(1.0, 20.0) == pytest.approx(1.5)  # not extrapolated above 8 m/s
    np.testing.assert_allclose(fire.wind_stretch_factor(np.linspace(-1, 1, 5), 0.0), 1.0)
    # Polar ellipse about its focus: the reach points lie on one ellipse of eccentricity e.
    k = 1.5
    e = (k * k - 1) / (k * k + 1)
    theta = np.linspace(0, 2 * np.pi, 73)
    r = fire.wind_stretch_factor(np.cos(theta), 8.0)
    x, y = r * np.cos(theta), r * np.sin(theta)
    a = (r.max() + r.min()) / 2
    b = a * math.sqrt(1 - e * e)
    centre = (r.max() - r.min()) / 2
    np.testing.assert_allclose(((x - centre) / a) ** 2 + (y / b) ** 2, 1.0, atol=1e-9)


def test_downwind_unit_vector_points_away_from_where_the_wind_comes_from():
    assert fire.downwind_unit_vector(0.0) == pytest.approx((0.0, -1.0), abs=1e-12)  # north wind blows south
    assert fire.downwind_unit_vector(270.0) == pytest.approx((1.0, 0.0), abs=1e-12)  # west wind blows east


# --- Spread graph --------------------------------------------------------------------------------


def test_downwind_neighbour_at_14_m_joins_and_upwind_one_does_not():
    # B in the middle; D 14 m south (downwind of a north wind), U 14 m north (upwind), S 14 m east.
    geoms = squares([(0, 0), (0, -24), (0, 24), (24, 0)])
    b, d, u, s = range(4)
    cls = np.full(4, BARE, dtype=np.int8)
    g = fire.build_spread_graph(geoms, cls, wind_speed=8.0, wind_direction_deg=0.0, wind_model=DIRECTIONAL)
    assert (b, d) in edges(g)  # 14 m < 12 m x 1.5 downwind
    assert (b, u) not in edges(g)  # 14 m > 12 m / 1.5 upwind
    assert (b, s) not in edges(g) and (s, b) not in edges(g)  # across the wind: 12 x 0.92 = 11.1 m
    # A fire at B reaches D but not U (the cluster method's P carries B's ignition to D only).
    p = np.array([0.01, 0.0, 0.0, 0.0])
    upwind_p, _ = fire.upwind_sums(g, p)
    assert upwind_p[d] == pytest.approx(0.01) and upwind_p[u] == 0.0
    # No wind: 14 m is beyond the 12 m limit in every direction.
    assert fire.build_spread_graph(geoms, cls, wind_speed=0.0).n_links == 0


def test_pair_limit_is_the_smaller_class_limit_under_that_rule():
    for (c1, c2), gap_in, gap_out in [
        ((BARE, PROTECTED), 5.9, 6.1),
        ((BARE, SEMI), 2.9, 3.1),
        ((SEMI, SEMI), 2.9, 3.1),
    ]:
        cls = np.array([c1, c2], dtype=np.int8)
        assert edges(fire.build_spread_graph(row_of(2, gap_in), cls, pair_rule=SMALLER)) == {(0, 1), (1, 0)}
        assert fire.build_spread_graph(row_of(2, gap_out), cls, pair_rule=SMALLER).n_links == 0


def test_tokyo_half_buffers_link_where_the_two_half_distance_buffers_touch():
    # Tokyo 2022 / Kato et al. (2006): buffers of L/2 around each building touch when gap < (L1 + L2) / 2.
    for (c1, c2), gap_in, gap_out in [
        ((BARE, BARE), 11.9, 12.1),
        ((BARE, PROTECTED), 8.9, 9.1),
        ((BARE, SEMI), 7.4, 7.6),
        ((PROTECTED, SEMI), 4.4, 4.6),
    ]:
        cls = np.array([c1, c2], dtype=np.int8)
        for geoms in (row_of(2, gap_in), row_of(2, gap_out)):
            buffers = shapely.buffer(geoms, np.array(fire.SPREAD_LIMIT_M)[cls] / 2.0, quad_segs=64)
            touch = bool(shapely.intersects(buffers[0], buffers[1]))
            assert edges(fire.build_spread_graph(geoms, cls)) == ({(0, 1), (1, 0)} if touch else set())
        assert edges(fire.build_spread_graph(row_of(2, gap_in), cls)) == {(0, 1), (1, 0)}
    # a fireproof building (0 m) is never joined, even to a bare wooden one within 6 m
    cls = np.array([BARE, FIREPROOF], dtype=np.int8)
    assert fire.build_spread_graph(row_of(2, 1.0), cls).n_links == 0


def test_isotropic_wind_stretches_every_direction_and_keeps_links_undirected():
    # 16 m apart: beyond 12 m in calm, within 12 x 1.5 = 18 m at 8 m/s in any direction.
    geoms = squares([(0, 0), (0, -26), (0, 26), (26, 0)])
    cls = np.full(4, BARE, dtype=np.int8)
    assert fire.build_spread_graph(geoms, cls, wind_speed=0.0).n_links == 0
    windy = fire.build_spread_graph(geoms, cls, wind_speed=8.0, wind_direction_deg=0.0)
    assert edges(windy) == {(0, k) for k in (1, 2, 3)} | {(k, 0) for k in (1, 2, 3)}
    assert edges(windy) == {(j, i) for i, j in edges(windy)}
    # 4 m/s: k = 1.25, reach 15 m < 16 m; no wind model: never stretched
    assert fire.build_spread_graph(geoms, cls, wind_speed=4.0).n_links == 0
    assert fire.build_spread_graph(geoms, cls, wind_speed=8.0, wind_model=fire.WindModel.NONE).n_links == 0


def test_calm_graph_is_symmetric_and_matches_a_brute_force_distance_check():
    rng = np.random.default_rng(3)
    xy = rng.uniform(0, 150, size=(60, 2))
    geoms = np.array([shapely.box(x, y, x + 8, y + 6) for x, y in xy], dtype=object)
    keep = [0]
    for k in range(1, len(geoms)):  # drop overlapping boxes so the footprints are valid input
        if not any(geoms[k].intersects(geoms[m]) for m in keep):
            keep.append(k)
    geoms = geoms[keep]
    cls = rng.integers(0, 4, size=len(geoms)).astype(np.int8)
    limits = np.array(fire.SPREAD_LIMIT_M)
    for rule, pair in ((SMALLER, min), (fire.PairRule.HALF_BUFFERS, lambda a, b: (a + b) / 2 if a and b else 0.0)):
        g = fire.build_spread_graph(geoms, cls, pair_rule=rule)
        expected = {
            (i, j)
            for i in range(len(geoms))
            for j in range(len(geoms))
            if i != j and geoms[i].distance(geoms[j]) < pair(limits[cls[i]], limits[cls[j]])
        }
        assert edges(g) == expected


@settings(max_examples=25, deadline=None)
@given(
    classes=st.lists(st.integers(0, 3), min_size=6, max_size=6),
    gap=st.floats(0.0, 20.0),
    wind=st.floats(0.0, 30.0),
    direction=st.floats(0.0, 360.0),
)
def test_fireproof_buildings_never_link(classes, gap, wind, direction):
    cls = np.array(classes, dtype=np.int8)
    g = fire.build_spread_graph(block(3, 2, gap), cls, wind, direction, wind_model=DIRECTIONAL)
    g2 = fire.build_spread_graph(block(3, 2, gap), cls, wind, direction)
    assert not set(np.flatnonzero(cls == FIREPROOF).tolist()) & (set(g2.src.tolist()) | set(g2.dst.tolist()))
    fireproof = set(np.flatnonzero(cls == FIREPROOF).tolist())
    assert not fireproof & set(g.src.tolist())
    assert not fireproof & set(g.dst.tolist())


def test_fireproof_building_in_a_row_splits_the_cluster_and_does_not_carry_fire():
    cls = np.array([BARE, BARE, FIREPROOF, BARE, BARE], dtype=np.int8)
    g = fire.build_spread_graph(row_of(5, 4.0), cls)  # 4 m gaps: bare-bare linked
    cluster_id, size = g.clusters()
    assert size.tolist() == [2, 2, 1, 2, 2]
    assert len(set(cluster_id.tolist())) == 3
    # All ignition sits in the fireproof building: its neighbours' burn probability stays zero.
    p = np.array([0.0, 0.0, 0.3, 0.0, 0.0])
    upwind_p, _ = fire.upwind_sums(g, p)
    assert upwind_p.tolist() == [0.0, 0.0, 0.3, 0.0, 0.0]


def test_firebreak_splits_a_cluster():
    # Two rows of bare wooden buildings, 5 m apart across a "road" polygon.
    north = [(k * 14.0, 15.0) for k in range(4)]
    south = [(k * 14.0, 0.0) for k in range(4)]
    geoms = squares(south + north)
    cls = np.zeros(8, dtype=np.int8)
    plain = fire.build_spread_graph(geoms, cls)
    assert np.all(plain.clusters()[1] == 8)
    road = shapely.box(-5.0, 10.5, 60.0, 14.5)
    cut = fire.build_spread_graph(geoms, cls, firebreaks=[road])
    cluster_id, size = cut.clusters()
    assert np.all(size == 4)
    assert len(set(cluster_id[:4])) == 1 and len(set(cluster_id[4:])) == 1 and cluster_id[0] != cluster_id[4]
    across = [(i, j) for i in range(4) for j in range(4, 8) if geoms[i].distance(geoms[j]) < 12.0]
    assert len(across) == 10  # 4 straight across, 6 diagonal
    assert cut.cut_by_firebreaks == len(across) and cut.n_links == plain.n_links - 2 * len(across)
    # A firebreak that does not lie between them changes nothing.
    assert fire.build_spread_graph(geoms, cls, firebreaks=[shapely.box(100, 100, 110, 110)]).n_links == plain.n_links


# --- Cluster method: exact upwind sums (peer: networkx) ----------------------------------------


@pytest.mark.parametrize("seed", range(6))
def test_upwind_sums_match_networkx_ancestors(seed):
    rng = np.random.default_rng(seed)
    n = 150
    src = rng.integers(0, n, size=260)
    dst = rng.integers(0, n, size=260)
    # add some long chains and cycles, as wind-driven graphs have
    chain = np.arange(0, 120)
    src = np.concatenate([src, chain[:-1], [119]])
    dst = np.concatenate([dst, chain[1:], [60]])
    keep = src != dst
    pairs = np.unique(np.stack([src[keep], dst[keep]], 1), axis=0)
    graph = fire.SpreadGraph(n, pairs[:, 0], pairs[:, 1], np.zeros(len(pairs)), np.zeros(len(pairs)))
    w = rng.uniform(0, 1, size=n)
    sums, counts = fire.upwind_sums(graph, w)
    g = to_networkx(graph)
    for j in range(n):
        anc = [*nx.ancestors(g, j), j]
        assert sums[j] == pytest.approx(w[anc].sum(), rel=1e-12)
        assert counts[j] == len(anc)


@pytest.mark.parametrize("budget", [fire.UPWIND_BITSET_BUDGET_BYTES, 8 * 300 * 2])
def test_upwind_sums_on_a_wide_component_use_several_bitset_words(monkeypatch, budget):
    # the small budget forces the bitset to be built in blocks of two 64-bit words
    monkeypatch.setattr(fire, "UPWIND_BITSET_BUDGET_BYTES", budget)
    # one weak component of 300 strongly connected pieces (a binary-tree-like DAG), more than 64 bits wide
    n = 300
    src = np.concatenate([np.arange(1, n) // 2, np.arange(2, n) - 1])
    dst = np.concatenate([np.arange(1, n), np.arange(2, n)])
    pairs = np.unique(np.stack([src, dst], 1), axis=0)
    graph = fire.SpreadGraph(n, pairs[:, 0], pairs[:, 1], np.zeros(len(pairs)), np.zeros(len(pairs)))
    w = np.linspace(0.001, 0.3, n)
    sums, _ = fire.upwind_sums(graph, w)
    g = to_networkx(graph)
    expected = [w[[*nx.ancestors(g, j), j]].sum() for j in range(n)]
    np.testing.assert_allclose(sums, expected, rtol=1e-12)


# --- Simulation versus cluster (the relation stated in docs/methods/fire.md) ------------------


def _small_windy_block():
    geoms = block(6, 5, gap=9.0)  # 9 m: linked downwind (< 18 m) and roughly across (< 11.1 m), not upwind (> 8 m)
    cls = np.zeros(30, dtype=np.int8)
    cls[[7, 15, 22]] = PROTECTED  # 6 m limit: these break some links
    graph = fire.build_spread_graph(
        geoms, cls, wind_speed=8.0, wind_direction_deg=300.0, pair_rule=SMALLER, wind_model=DIRECTIONAL
    )
    return geoms, cls, graph


def test_simulation_converges_to_the_exact_burn_probability_and_the_cluster_method_bounds_it():
    geoms, cls, graph = _small_windy_block()
    assert not set(zip(graph.src.tolist(), graph.dst.tolist())) == set(zip(graph.dst.tolist(), graph.src.tolist()))
    p = np.full(30, 0.02)
    exact = exact_burn_probability(graph, p)
    cluster = fire.cluster_burn_probability(1.0, fire.upwind_sums(graph, p)[0])
    upwind_sq, _ = fire.upwind_sums(graph, p**2)
    # cluster <= exact <= cluster + sum of p^2 over the upwind set (docs/methods/fire.md)
    assert np.all(cluster <= exact + 1e-15)
    assert np.all(exact <= cluster + upwind_sq + 1e-15)
    minutes = fire.link_minutes(graph, geoms, cls, 8.0)
    runs = 4000
    mc = fire.monte_carlo(graph, p, runs, np.random.SeedSequence(11), edge_minutes=minutes, duration_min=1e9)
    mean, se = mc.burned_total.mean(), mc.burned_total.std(ddof=1) / math.sqrt(runs)
    assert abs(mean - exact.sum()) < 4 * se
    # per building too (binomial standard error)
    se_b = np.sqrt(exact * (1 - exact) / runs)
    assert np.all(np.abs(mc.burn_count / runs - exact) < 4.5 * se_b + 1e-12)
    # A short duration can only burn fewer buildings (same seed, same ignitions).
    short = fire.monte_carlo(graph, p, runs, np.random.SeedSequence(11), edge_minutes=minutes, duration_min=10.0)
    assert np.all(short.burned_total <= mc.burned_total) and short.burned_total.mean() < mean


def test_cluster_method_monte_carlo_spread_has_the_cluster_mean():
    geoms, cls, graph = _small_windy_block()
    p = np.full(30, 0.02)
    cluster = fire.cluster_burn_probability(1.0, fire.upwind_sums(graph, p)[0])
    runs = 4000
    mc = fire.monte_carlo(graph, -np.expm1(-p), runs, np.random.SeedSequence(5))
    se = mc.burned_total.std(ddof=1) / math.sqrt(runs)
    assert abs(mc.burned_total.mean() - cluster.sum()) < 4 * se


def test_monte_carlo_burns_exactly_the_buildings_reachable_from_ignitions():
    cls = np.array([BARE, BARE, FIREPROOF, BARE, BARE, BARE], dtype=np.int8)
    graph = fire.build_spread_graph(row_of(6, 4.0), cls)
    p = np.array([1.0, 0, 0, 0, 0, 0])
    for minutes in (None, fire.link_minutes(graph, row_of(6, 4.0), cls, 0.0)):
        mc = fire.monte_carlo(graph, p, 5, np.random.SeedSequence(1), edge_minutes=minutes)
        assert mc.burned_total.tolist() == [2] * 5
        assert mc.burn_count.tolist() == [5, 5, 0, 0, 0, 0]


def test_median_arrival_times_are_shortest_paths_of_hamada_times():
    # A row along the wind with certain ignition of the first building only.
    geoms = row_of(6, 5.0)
    cls = np.zeros(6, dtype=np.int8)
    graph = fire.build_spread_graph(geoms, cls, wind_speed=6.0, wind_direction_deg=270.0, wind_model=DIRECTIONAL)
    minutes = fire.link_minutes(graph, geoms, cls, 6.0)
    g = nx.DiGraph()
    g.add_weighted_edges_from(zip(graph.src.tolist(), graph.dst.tolist(), minutes.tolist()))
    expected = nx.single_source_dijkstra_path_length(g, 0)
    p = np.array([1.0, 0, 0, 0, 0, 0])
    mc = fire.monte_carlo(graph, p, 3, np.random.SeedSequence(0), edge_minutes=minutes, duration_min=1e6)
    np.testing.assert_allclose(mc.median_arrival_min, [expected[k] for k in range(6)])
    # the downwind step is one Hamada downwind time (a = 10 m side, d = 5 m gap)
    assert expected[1] == pytest.approx(float(fire.hamada_time_downwind(10.0, 5.0, 6.0)))
    # the duration cuts the spread: only buildings reached in time burn
    cut = fire.monte_carlo(graph, p, 1, np.random.SeedSequence(0), edge_minutes=minutes, duration_min=expected[2])
    assert cut.burn_count.tolist() == [1, 1, 1, 0, 0, 0]


# --- Fire-proofing -----------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(1, 400),
    shares=st.tuples(st.floats(0, 1), st.floats(0, 1), st.floats(0, 1)),
    target=st.floats(0, 1),
    seed=st.integers(0, 2**32 - 1),
)
def test_fireproofing_target_is_met_exactly(n, shares, target, seed):
    rng = np.random.default_rng(seed)
    cls = rng.integers(0, 4, size=n).astype(np.int8)
    before = int(np.isin(cls, (SEMI, FIREPROOF)).sum())
    res = fire.apply_fireproofing(cls, target, np.random.default_rng(seed))
    after = int(np.isin(res.classes, (SEMI, FIREPROOF)).sum())
    wooden = int(np.isin(cls, (BARE, PROTECTED)).sum())
    assert after == max(before, min(math.ceil(target * n - 1e-9), before + wooden))
    assert res.share_after == pytest.approx(after / n)
    # only wooden buildings change, to semi-fireproof; protected wood only once bare wood ran out
    changed = np.flatnonzero(res.classes != cls)
    assert set(changed.tolist()) == set(np.flatnonzero(res.converted).tolist())
    assert np.all(res.classes[changed] == SEMI)
    if np.any(cls[changed] == PROTECTED):
        assert not np.any((cls == BARE) & ~res.converted)


def test_fireproofing_from_56_to_70_percent():
    n = 10_000
    rng = np.random.default_rng(0)
    cls = np.where(rng.random(n) < 0.561, SEMI, BARE).astype(np.int8)
    res = fire.apply_fireproofing(cls, 0.70, np.random.default_rng(1))
    assert int(np.isin(res.classes, (SEMI, FIREPROOF)).sum()) == 7000
    with pytest.raises(InputError) as err:
        fire.apply_fireproofing(cls, 1.2, np.random.default_rng(1))
    assert err.value.parameter == "FIREPROOF_TARGET_RATE"


def test_fireproofing_lowers_the_expected_burned_count():
    # 8 m gaps: bare-bare pairs link (12 m), bare-semi-fireproof pairs do not ((12 + 3) / 2 = 7.5 m)
    geoms = block(12, 10, gap=8.0)
    classes = ["bare_wood"] * 120
    pc = np.full(120, 0.3)
    base = fire.FireScenario(wind_speed=8.0, realizations=20, seed=4, ignition_table=COLLAPSE_ONLY)
    plain = fire.run_fire(geoms, classes, pc, base)
    proofed = fire.run_fire(geoms, classes, pc, fire.FireScenario(**{**base.__dict__, "fireproof_target_rate": 0.5}))
    assert proofed.converted.sum() == 60
    assert proofed.ward.expected_burned[0] < plain.ward.expected_burned[0]


# --- Determinism and executors -----------------------------------------------------------------


class MapOnlyExecutor:
    """An executor with only .map (like multiprocessing.Pool), to exercise that path."""

    def map(self, func, tasks):
        return [func(t) for t in reversed(list(tasks))][::-1]


def _simulation_inputs():
    geoms = block(10, 8, gap=5.0)
    rng = np.random.default_rng(2)
    classes = np.array(fire.FIRE_RESISTANCE_NAMES)[rng.integers(0, 4, size=80)]
    pc = rng.uniform(0, 0.6, size=80)
    districts = (np.arange(80) % 3).astype(np.int64)
    return geoms, classes, pc, districts


def test_results_are_identical_given_the_seed_on_any_executor():
    geoms, classes, pc, districts = _simulation_inputs()
    scenario = fire.FireScenario(
        method=fire.Method.SIMULATION,
        realizations=25,
        seed=7,
        time_coefficient=40.0,
        fireproof_target_rate=0.8,
        ignition_table=COLLAPSE_ONLY,
    )
    serial = fire.run_fire(geoms, classes, pc, scenario, district_index=districts, n_districts=3)
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        threaded = fire.run_fire(geoms, classes, pc, scenario, district_index=districts, n_districts=3, executor=pool)
    with concurrent.futures.ProcessPoolExecutor(max_workers=2) as pool:
        processes = fire.run_fire(geoms, classes, pc, scenario, district_index=districts, n_districts=3, executor=pool)
    mapped = fire.run_fire(
        geoms, classes, pc, scenario, district_index=districts, n_districts=3, executor=MapOnlyExecutor()
    )
    for other in (threaded, processes, mapped):
        np.testing.assert_array_equal(other.p_burn, serial.p_burn)
        np.testing.assert_array_equal(other.arrival_min, serial.arrival_min)
        np.testing.assert_array_equal(other.burned_total, serial.burned_total)
        np.testing.assert_array_equal(other.classes, serial.classes)
        np.testing.assert_array_equal(other.districts.burned_p95, serial.districts.burned_p95)
    assert serial.burned_total.sum() > 0
    again = fire.run_fire(geoms, classes, pc, scenario, district_index=districts, n_districts=3)
    np.testing.assert_array_equal(again.p_burn, serial.p_burn)
    other_seed = fire.run_fire(geoms, classes, pc, fire.FireScenario(**{**scenario.__dict__, "seed": 8}))
    assert not np.array_equal(other_seed.burned_total, serial.burned_total)


# --- Totals, districts and outputs ---------------------------------------------------------


def test_district_and_ward_totals_are_consistent():
    geoms, classes, pc, districts = _simulation_inputs()
    floors = np.where(np.arange(80) % 2 == 0, 2.0, 1.0)
    scenario = fire.FireScenario(
        realizations=60, seed=1, time_coefficient=40.0, indoor_occupancy_ratio=1.2, ignition_table=COLLAPSE_ONLY
    )
    res = fire.run_fire(geoms, classes, pc, scenario, floors=floors, district_index=districts, n_districts=3)
    d, w = res.districts, res.ward
    assert d.n_buildings.tolist() == [27, 27, 26]
    assert d.expected_burned.sum() == pytest.approx(w.expected_burned[0])
    assert d.expected_ignitions.sum() == pytest.approx(res.p_ignite.sum())
    assert w.burned_floor_area_m2[0] == pytest.approx(np.sum(res.p_burn * 100.0 * floors))
    np.testing.assert_allclose(d.fire_deaths, 0.02180 * 1.2 * d.expected_burned)
    assert np.all(d.burned_p05 <= d.burned_p95)
    assert w.burned_p05[0] <= w.expected_burned[0] <= w.burned_p95[0]
    # cluster method: p_burn follows the upwind sums exactly
    np.testing.assert_allclose(res.p_burn, -np.expm1(-fire.upwind_sums(res.graph, res.p_ignite)[0]))
    assert res.arrival_min is None


def test_assign_districts():
    geoms = squares([(0, 0), (50, 0), (200, 200)])
    polys = [shapely.box(-1, -1, 30, 30), shapely.box(40, -5, 100, 20)]
    assert fire.assign_districts(geoms, polys).tolist() == [0, 1, -1]


def test_burn_probability_grid_matches_rasterio_rasterize():
    from rasterio import features

    rng = np.random.default_rng(4)
    xy = rng.uniform(0, 300, size=(80, 2))
    geoms = np.array(
        [shapely.Polygon([(x, y), (x + 9, y + 2), (x + 7, y + 11), (x - 1, y + 8)]) for x, y in xy], dtype=object
    )
    keep = [k for k in range(len(geoms)) if not any(geoms[k].intersects(geoms[m]) for m in range(k))]
    geoms = geoms[keep]
    values = rng.uniform(0, 1, size=len(geoms))
    grid, band = fire.burn_probability_grid(geoms, values, 1.5, WKT_6677)
    peer = features.rasterize(
        zip(geoms, values), out_shape=grid.shape, transform=grid.transform, fill=np.nan, dtype="float64"
    )
    # rasterize burns pixels whose centre is inside; on-edge centres may differ, so compare where both agree
    # a building is present and check they are nearly all the same pixels.
    both = ~np.isnan(band) & ~np.isnan(peer)
    assert both.sum() > 0.97 * (~np.isnan(peer)).sum()
    np.testing.assert_allclose(band[both], peer[both])


def test_tiny_footprints_still_show_on_the_raster():
    geoms = np.array([shapely.box(0.2, 0.2, 0.6, 0.6), shapely.box(20, 20, 30, 30)], dtype=object)
    grid, band = fire.burn_probability_grid(geoms, np.array([0.4, 0.1]), 5.0, WKT_6677)
    row, col = grid.rowcol(np.array([0.4]), np.array([0.4]))
    assert band[row[0], col[0]] == pytest.approx(0.4)


def test_burn_probability_raster(tmp_path):
    geoms = squares([(0, 0), (30, 0)])
    path = tmp_path / "p.tif"
    fire.burn_probability_raster(path, geoms, np.array([0.25, 0.75]), WKT_6677, pixel_size=2.0)
    data = read_raster(path)
    xs, ys = np.array([5.0, 35.0, 20.0]), np.array([5.0, 5.0, 5.0])
    row, col = data.grid.rowcol(xs, ys)
    values = data.array[0, row, col]
    np.testing.assert_allclose(values[:2], [0.25, 0.75])
    assert np.isnan(values[2])


# --- Bad input -----------------------------------------------------------------------------------


def _run(geoms, **kw):
    n = len(geoms)
    args = {
        "fire_resistance": ["bare_wood"] * n,
        "p_collapse": np.zeros(n),
        "scenario": fire.FireScenario(ignition_table=COLLAPSE_ONLY),
        "intensity": np.full(n, 6.0),
    }
    args.update(kw)
    return fire.run_fire(geoms, **args)


@pytest.mark.parametrize(
    ("geoms", "match"),
    [
        (np.array([], dtype=object), "no buildings"),
        (squares([(0, 0), (5, 5)]), "overlap"),
        (np.array([shapely.Polygon([(0, 0), (10, 10), (10, 0), (0, 10)])], dtype=object), "invalid"),
        (np.array([shapely.Point(0, 0)], dtype=object), "not polygons"),
        (np.array([None], dtype=object), "not polygons"),
    ],
)
def test_bad_footprints(geoms, match):
    with pytest.raises(InputError, match=match) as err:
        _run(geoms)
    assert err.value.parameter == "BUILDINGS"


def test_touching_and_sliver_overlaps_are_accepted():
    geoms = np.array(
        [shapely.box(0, 0, 10, 10), shapely.box(9.95, 0, 20, 10), shapely.box(20, 0, 30, 10)], dtype=object
    )
    res = _run(geoms, scenario=fire.FireScenario(wind_speed=0.0, pair_rule=SMALLER))
    # gaps 0 (sliver overlap), 0 (touching) and 10 m: all within the 12 m bare-wood limit
    assert edges(res.graph) == {(0, 1), (1, 0), (1, 2), (2, 1), (0, 2), (2, 0)}
    np.testing.assert_allclose(sorted(res.graph.gap_m), [0, 0, 0, 0, 10, 10], atol=1e-9)


@pytest.mark.parametrize(
    ("kw", "parameter"),
    [
        ({"scenario": fire.FireScenario(wind_speed=-1.0)}, "WIND_SPEED"),
        ({"scenario": fire.FireScenario(wind_speed=31.0)}, "WIND_SPEED"),
        ({"scenario": fire.FireScenario(wind_speed=float("nan"))}, "WIND_SPEED"),
        ({"scenario": fire.FireScenario(wind_direction_deg=float("nan"))}, "WIND_DIRECTION"),
        ({"scenario": fire.FireScenario(suppression_rate=1.5)}, "INITIAL_EXTINGUISHMENT"),
        ({"scenario": fire.FireScenario(seismic_breaker_rate=-0.1)}, "SEISMIC_BREAKER_RATE"),
        ({"intensity": None, "scenario": fire.FireScenario()}, "INTENSITY_FIELD"),
        ({"scenario": fire.FireScenario(hour=3)}, "SCENARIO_HOUR"),
        ({"scenario": fire.FireScenario(hour=25, time_coefficient=None)}, "SCENARIO_HOUR"),
        ({"scenario": fire.FireScenario(realizations=0)}, "REALIZATIONS"),
        ({"scenario": fire.FireScenario(seed=-2)}, "SEED"),
        ({"scenario": fire.FireScenario(method=fire.Method.SIMULATION, duration_hours=0)}, "DURATION_HOURS"),
        ({"scenario": fire.FireScenario(fireproof_target_rate=-0.1)}, "FIREPROOF_TARGET_RATE"),
        ({"fire_resistance": ["bare_wood", "straw"]}, "FIRE_RESISTANCE_FIELD"),
        ({"fire_resistance": ["bare_wood"]}, "FIRE_RESISTANCE_FIELD"),
        ({"p_collapse": np.array([0.1, 1.2])}, "BUILDINGS"),
        ({"p_collapse": np.array([0.1, np.nan])}, "BUILDINGS"),
        ({"p_collapse": np.array([0.1])}, "BUILDINGS"),
    ],
)
def test_bad_parameters(kw, parameter):
    with pytest.raises(InputError) as err:
        _run(row_of(2, 3.0), **kw)
    assert err.value.parameter == parameter
    assert str(err.value).startswith(parameter)


def test_fire_resistance_accepts_names_and_codes():
    np.testing.assert_array_equal(
        fire.parse_fire_resistance(
            ["bare_wood", " Fireproof ", 2, np.int64(1), "3", "0.0", 1.0, "準耐火造", "防火木造"]
        ),
        [BARE, FIREPROOF, SEMI, PROTECTED, FIREPROOF, BARE, PROTECTED, SEMI, PROTECTED],
    )
    for bad in (["4"], [2.5], [None], [True], [""]):
        with pytest.raises(InputError):
            fire.parse_fire_resistance(bad)


# --- Real footprints (../shared) -----------------------------------------------------------------


def test_real_asagaya_koenji_footprints(shared_data):
    import pyogrio

    path = shared_data / "plateau2020-tokyo23-bldg-mvt" / "suginami_asagaya_koenji_subset_buildings.gpkg"
    df = pyogrio.read_dataframe(path, columns=[]).to_crs(6677)
    geoms = repaired(np.asarray(df.geometry.array))
    assert len(geoms) == 7329
    cls = np.random.default_rng(0).choice(4, size=len(geoms), p=[0.22, 0.22, 0.28, 0.28]).astype(np.int8)
    calm = fire.build_spread_graph(geoms, cls, pair_rule=SMALLER)
    assert edges(calm) == {(j, i) for i, j in edges(calm)}
    windy = fire.build_spread_graph(geoms, cls, wind_speed=8.0, pair_rule=SMALLER, wind_model=DIRECTIONAL)
    # every calm link within 1/1.5 of its limit survives in both directions in any wind
    limits = np.minimum(np.array(fire.SPREAD_LIMIT_M)[cls[calm.src]], np.array(fire.SPREAD_LIMIT_M)[cls[calm.dst]])
    strong = {e for e, gap, lim in zip(edges_list(calm), calm.gap_m, limits) if gap < lim / 1.5}
    assert strong <= edges(windy)
    assert windy.clusters()[1].max() > calm.clusters()[1].max()


def repaired(geoms):
    """make_valid, keeping only the polygonal parts (PLATEAU has a few self-touching rings)."""
    fixed = shapely.make_valid(geoms)
    polygonal = shapely.get_type_id(fixed) == 7  # GeometryCollection: keep its polygons
    for k in np.flatnonzero(polygonal):
        fixed[k] = shapely.union_all([p for p in fixed[k].geoms if p.geom_type in ("Polygon", "MultiPolygon")])
    return fixed


def edges_list(graph):
    return list(zip(graph.src.tolist(), graph.dst.tolist()))


def test_median_scenario_and_evacuees_beside_the_monte_carlo():
    geoms = block(10, 8, gap=5.0)
    rng = np.random.default_rng(5)
    classes = np.array(fire.FIRE_RESISTANCE_NAMES)[rng.integers(0, 4, size=80)]
    pc = rng.uniform(0, 0.3, 80)
    ph = np.minimum(pc + 0.2, 1.0)
    intensity = rng.uniform(5.6, 6.8, 80)
    residents = rng.uniform(0, 6, 80)
    districts = (np.arange(80) % 3).astype(np.int64)
    scenario = fire.FireScenario(realizations=30, seed=2)
    args = dict(intensity=intensity, district_index=districts, n_districts=3, p_half=ph, residents=residents)
    same = fire.run_fire(geoms, classes, pc, scenario, **args, p_collapse_median=pc, intensity_median=intensity)
    # with the median inputs equal to the mean inputs, the median scenario is the cluster expectation
    assert same.ward.expected_burned_median[0] == pytest.approx(same.ward.expected_burned[0], rel=1e-12)
    np.testing.assert_allclose(same.districts.expected_ignitions_median, same.districts.expected_ignitions)
    # a weaker median ground motion gives fewer ignitions and burned buildings
    weaker = fire.run_fire(
        geoms, classes, pc, scenario, **args, p_collapse_median=pc / 2, intensity_median=intensity - 0.5
    )
    assert weaker.ward.expected_burned_median[0] < weaker.ward.expected_burned[0]
    # evacuees: Tokyo 2022 (collapsed or burned residents + 50.3 % of half-collapsed ones)
    from suginami_gis.core import casualties as cas

    evac = cas.building_damage_evacuees(residents, pc, ph, same.p_burn)
    assert same.ward.evacuees[0] == pytest.approx(evac.sum())
    np.testing.assert_allclose(same.districts.evacuees, np.bincount(districts, weights=evac))
    assert same.ward.shelter_residents[0] == pytest.approx(evac.sum() * 1_995_809 / 2_993_713)
    # without those inputs the fields are NaN, not zero
    plain = fire.run_fire(geoms, classes, pc, scenario, intensity=intensity)
    assert np.isnan(plain.ward.evacuees[0]) and np.isnan(plain.ward.expected_burned_median[0])


def test_evacuee_formula_of_tokyo_2022():
    from suginami_gis.core import casualties as cas

    # 100 residents: collapsed (all leave), half-collapsed only (50.3 %), burned (all leave)
    assert cas.building_damage_evacuees(np.array([100.0]), np.array([1.0]), np.array([1.0]))[0] == 100
    assert cas.building_damage_evacuees(np.array([100.0]), np.array([0.0]), np.array([1.0]))[0] == pytest.approx(50.3)
    burned = cas.building_damage_evacuees(np.array([100.0]), np.array([0.0]), np.array([1.0]), np.array([1.0]))
    assert burned[0] == pytest.approx(100.0)


# --- Fire-proofing by area (不燃領域率, docs/methods/fire.md section 4) ----------------------------------


def test_fireproof_area_rate_formula():
    # 不燃領域率 = 空地率 + (1 - 空地率) x 不燃化率: 20 % open space, 50 % fire-proofed building area -> 60 %
    assert fire.fireproof_area_rate(0.2, 0.5) == pytest.approx(0.6)
    # 不燃化率 by building (footprint) area, semi-fireproof weighted 0.8 (Tokyo's method)
    cls = np.array([FIREPROOF, SEMI, BARE, PROTECTED], dtype=np.int8)
    area = np.array([100.0, 100.0, 100.0, 100.0])
    assert fire.fireproofing_ratio(cls, area, np.zeros(4, dtype=np.int64), 1)[0] == pytest.approx((100 + 80) / 400)


@settings(max_examples=30, deadline=None)
@given(
    n=st.integers(2, 300),
    target=st.floats(0.3, 0.95),
    open_space=st.floats(0.0, 0.4),
    seed=st.integers(0, 2**32 - 1),
)
def test_area_fireproofing_reaches_the_target_inside_and_leaves_the_rest(n, target, open_space, seed):
    rng = np.random.default_rng(seed)
    cls = rng.integers(0, 4, size=n).astype(np.int8)
    area = rng.uniform(20, 200, n)
    years = rng.integers(1950, 2020, n).astype(float)
    index = rng.integers(-1, 2, size=n)  # two areas and buildings outside (-1)
    res = fire.apply_area_fireproofing(cls, area, index, 2, target, open_space, np.random.default_rng(seed), years)
    # outside the areas nothing changes; inside only wooden buildings become semi-fireproof
    assert np.all(res.classes[index < 0] == cls[index < 0])
    assert not res.converted[index < 0].any()
    changed = np.flatnonzero(res.converted)
    assert np.all(np.isin(cls[changed], (BARE, PROTECTED))) and np.all(res.classes[changed] == SEMI)
    for a in range(2):
        members = index == a
        wooden_left = np.isin(res.classes[members], (BARE, PROTECTED)).any()
        if res.area_rate_before[a] >= target or not members.any():
            assert not res.converted[members].any()
        else:
            # the target is met, or every wooden building was rebuilt
            assert res.area_rate_after[a] >= target - 1e-9 or not wooden_left
            # smallest set: without the last rebuilt building the target would not be met
            rebuilt = np.flatnonzero(res.converted & members)
            if len(rebuilt) and res.area_rate_after[a] >= target - 1e-9:
                # the documented order: class (bare first), year, then the seeded tie-break (first draw)
                tiebreak = np.random.default_rng(seed).random(n)
                last = rebuilt[np.lexsort((tiebreak[rebuilt], years[rebuilt], cls[rebuilt]))][-1]
                undo = res.classes.copy()
                undo[last] = cls[last]
                ratio = fire.fireproofing_ratio(undo, area, index, 2)[a]
                assert fire.fireproof_area_rate(open_space, ratio) < target + 1e-9
    # bare wood before fire-protected wood, oldest first within each
    for a in range(2):
        pool = np.flatnonzero((index == a) & np.isin(cls, (BARE, PROTECTED)))
        chosen, left = pool[res.converted[pool]], pool[~res.converted[pool]]
        if len(chosen) and len(left):
            key = lambda k: (cls[k], years[k])  # noqa: E731
            assert max(key(k) for k in chosen) <= min(key(k) for k in left)
    again = fire.apply_area_fireproofing(cls, area, index, 2, target, open_space, np.random.default_rng(seed), years)
    np.testing.assert_array_equal(again.converted, res.converted)


def test_area_fireproofing_in_run_fire_lowers_burning_inside_only_through_its_area():
    geoms = block(12, 6, gap=8.0)  # bare-bare links (12 m), bare-semi pairs do not link (7.5 m)
    n = len(geoms)
    classes = np.array(["bare_wood"] * n)
    areas = np.where(np.arange(n) % 12 < 6, 0, -1)  # the western half is the designated district
    scenario = fire.FireScenario(wind_speed=0.0, realizations=10, seed=1, fireproof_target_rate=0.7)
    pc = np.full(n, 0.2)
    res = fire.run_fire(
        geoms, classes, pc, scenario, intensity=np.full(n, 6.2), fireproof_area_index=areas, n_fireproof_areas=1
    )
    assert res.converted[areas == 0].any() and not res.converted[areas < 0].any()
    # 70 % of the area's (equal) footprints weighted 0.8 is needed: ceil(0.7 / 0.8 x 36) = 32 buildings
    assert int(res.converted.sum()) == math.ceil(0.7 / 0.8 * 36)
