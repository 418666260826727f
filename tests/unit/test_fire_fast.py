"""The fast paths of core.fire give exactly what the plain computation gives (issue 13).

Each test computes the plain way here (all pairs, every pixel, a path search) and compares the
results of the fast path with it bit for bit: pair prefilter and shared gaps of the spread graph,
components for an unlimited spread, prepared point-in-polygon of the burn raster, districts by a
point tree, and the paused garbage collector.
"""

from __future__ import annotations

import gc

import numpy as np
import pytest
import shapely
from rasterio.crs import CRS

from suginami_gis.core import fire, gcpause

WKT_6677 = CRS.from_epsg(6677).to_wkt()


def _footprints(seed: int, count: int = 120, extent: float = 260.0) -> np.ndarray:
    """Non-overlapping, irregular, some rotated footprints (gaps of all sizes, some touching)."""
    rng = np.random.default_rng(seed)
    out: list = []
    while len(out) < count:
        x, y = rng.uniform(0, extent, 2)
        w, h = rng.uniform(3, 14, 2)
        poly = shapely.affinity.rotate(shapely.box(x, y, x + w, y + h), rng.uniform(0, 90))
        if rng.random() < 0.3:
            poly = poly.difference(shapely.box(x + w / 3, y + h / 3, x + w, y + h))
        if not any(poly.intersects(o) and poly.intersection(o).area > 0 for o in out):
            out.append(poly)
    return np.array(out, dtype=object)


def _all_pairs_graph(geoms, cls, wind_speed, wind_direction, rule, model):
    """The spread graph from the distance of every pair of footprints (no tree, no prefilter)."""
    limits = np.asarray(fire.SPREAD_LIMIT_M)[cls]
    n = len(geoms)
    i, j = np.triu_indices(n, 1)
    gap = shapely.distance(geoms[i], geoms[j])
    li, lj = limits[i], limits[j]
    base = (
        np.minimum(li, lj) if rule == fire.PairRule.SMALLER_LIMIT else np.where((li > 0) & (lj > 0), (li + lj) / 2, 0)
    )
    c = shapely.centroid(geoms)
    vx, vy = shapely.get_x(c)[j] - shapely.get_x(c)[i], shapely.get_y(c)[j] - shapely.get_y(c)[i]
    ux, uy = fire.downwind_unit_vector(wind_direction)
    norm = np.hypot(vx, vy)
    cos = np.divide(vx * ux + vy * uy, norm, out=np.zeros_like(norm), where=norm > 0)
    fwd = gap < base * fire.stretch_in_direction(cos, wind_speed, model)
    bwd = gap < base * fire.stretch_in_direction(-cos, wind_speed, model)
    return {(a, b): g for a, b, g in zip(i[fwd], j[fwd], gap[fwd])} | {
        (b, a): g for a, b, g in zip(i[bwd], j[bwd], gap[bwd])
    }


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize(
    "rule,model,wind",
    [
        (fire.PairRule.HALF_BUFFERS, fire.WindModel.ISOTROPIC, 8.0),
        (fire.PairRule.HALF_BUFFERS, fire.WindModel.DIRECTIONAL, 10.0),
        (fire.PairRule.SMALLER_LIMIT, fire.WindModel.NONE, 0.0),
    ],
)
def test_spread_graph_equals_the_all_pairs_graph(seed, rule, model, wind):
    geoms = _footprints(seed)
    cls = np.random.default_rng(seed).integers(0, 4, len(geoms)).astype(np.int8)
    graph = fire.build_spread_graph(geoms, cls, wind, 300.0, pair_rule=rule, wind_model=model)
    expected = _all_pairs_graph(geoms, cls, wind, 300.0, rule, model)
    got = {(a, b): g for a, b, g in zip(graph.src.tolist(), graph.dst.tolist(), graph.gap_m.tolist())}
    assert got == expected  # the same links with bit-identical gaps
    assert len(got) > 20


def test_pairs_at_the_limit_are_not_lost_by_the_box_prefilter():
    # Rotated footprints whose boxes nearly touch while the footprints are exactly one limit apart
    # (the prefilter's margin keeps every pair the exact distance could link).
    limit = fire.SPREAD_LIMIT_M[0]
    a = shapely.Polygon([(0, 0), (10, 0), (10, 10), (0, 10)])
    b = shapely.affinity.translate(a, 10 + limit, 0)
    c = shapely.affinity.translate(a, 10 + limit * (1 - 1e-12), 100)
    d = shapely.affinity.translate(a, 0, 100)
    geoms = np.array([a, b, d, c], dtype=object)
    cls = np.zeros(4, dtype=np.int8)
    graph = fire.build_spread_graph(geoms, cls, 0.0, wind_model=fire.WindModel.NONE)
    expected = _all_pairs_graph(geoms, cls, 0.0, 0.0, fire.PairRule.HALF_BUFFERS, fire.WindModel.NONE)
    assert set(zip(graph.src.tolist(), graph.dst.tolist())) == set(expected) == {(2, 3), (3, 2)}


def test_known_gaps_give_the_same_graph_and_measure_only_new_pairs(monkeypatch):
    geoms = _footprints(3)
    rng = np.random.default_rng(3)
    woody = rng.integers(0, 2, len(geoms)).astype(np.int8)  # bare or protected wood
    fireproofed = np.where(rng.random(len(geoms)) < 0.3, np.int8(fire.FireResistance.FIREPROOF), woody)
    measured: list[int] = []
    distance = shapely.distance

    def counting(a, b, **kw):
        measured.append(len(a))
        return distance(a, b, **kw)

    gaps = fire.PairGaps()
    for run, cls in enumerate((woody, fireproofed, woody)):
        plain = fire.build_spread_graph(geoms, cls, 8.0)
        monkeypatch.setattr(shapely, "distance", counting)
        measured.clear()
        shared = fire.build_spread_graph(geoms, cls, 8.0, known_gaps=gaps)
        monkeypatch.setattr(shapely, "distance", distance)
        for name in ("src", "dst", "gap_m", "cos_downwind"):
            assert np.array_equal(getattr(plain, name), getattr(shared, name))
        if run == 0:
            assert sum(measured) == len(gaps) >= plain.n_links // 2 > 0
        else:
            # fire-proofing only shortens limits: every pair was measured by the first run
            assert sum(measured) == 0


def test_pair_gaps_lookup_and_add():
    gaps = fire.PairGaps()
    found, values = gaps.lookup(np.array([5, 7]))
    assert not found.any() and np.isnan(values).all()
    gaps.add(np.array([7, 3]), np.array([0.7, 0.3]))
    gaps.add(np.array([3, 9]), np.array([99.0, 0.9]))  # 3 is held: its first gap stays
    found, values = gaps.lookup(np.array([9, 3, 4, 7, 100]))
    assert found.tolist() == [True, True, False, True, False]
    assert values[found].tolist() == [0.9, 0.3, 0.7]
    assert len(gaps) == 3


@pytest.mark.parametrize("model", [fire.WindModel.ISOTROPIC, fire.WindModel.NONE])
def test_unlimited_spread_on_a_symmetric_graph_burns_the_components_like_the_path_search(model):
    geoms = _footprints(4, count=150)
    cls = np.random.default_rng(4).integers(0, 4, len(geoms)).astype(np.int8)
    graph = fire.build_spread_graph(geoms, cls, 8.0, wind_model=model)
    assert fire._reach_components(graph.csr()) is not None
    p = np.random.default_rng(5).uniform(0, 0.05, len(geoms))
    district = np.arange(len(geoms)) % 7 - 1
    floor = np.random.default_rng(6).uniform(20, 200, len(geoms))
    args = dict(district_index=district, n_districts=6, floor_area=floor)
    fast = fire.monte_carlo(graph, p, 23, np.random.SeedSequence(9), **args)
    # a finite (never reached) duration takes the path search (Dijkstra) on the same draws
    slow = fire.monte_carlo(graph, p, 23, np.random.SeedSequence(9), duration_min=1e300, **args)
    for name in ("burn_count", "burned_total", "burned_floor_total", "district_burned"):
        assert np.array_equal(getattr(fast, name), getattr(slow, name)), name
    assert fast.burned_total.sum() > 0


def test_a_directed_graph_keeps_the_path_search():
    geoms = _footprints(5)
    cls = np.zeros(len(geoms), dtype=np.int8)
    graph = fire.build_spread_graph(geoms, cls, 10.0, 0.0, wind_model=fire.WindModel.DIRECTIONAL)
    assert fire._reach_components(graph.csr()) is None


def _plain_burn_grid(geoms, values, pixel_size):
    """Every pixel centre of the grid tested against every footprint with plain shapely.contains."""
    grid, _ = fire.burn_probability_grid(geoms, values, pixel_size, WKT_6677)
    xs = grid.xmin + (np.arange(grid.width) + 0.5) * pixel_size
    ys = grid.ymax - (np.arange(grid.height) + 0.5) * pixel_size
    px, py = np.meshgrid(xs, ys)
    centres = shapely.points(px.ravel(), py.ravel())
    band = np.full(grid.shape, -np.inf)
    hit = np.zeros(len(geoms), dtype=bool)
    for k, g in enumerate(geoms):
        inside = shapely.contains(g, centres).reshape(grid.shape)
        band[inside] = np.maximum(band[inside], values[k])
        hit[k] = inside.any()
    for k in np.flatnonzero(~hit):
        p = shapely.point_on_surface(geoms[k])
        r, c = grid.rowcol(np.array([p.x]), np.array([p.y]))
        band[r[0], c[0]] = max(band[r[0], c[0]], values[k])
    band[np.isneginf(band)] = np.nan
    return band


@pytest.mark.parametrize("pixel_size", [0.5, 1.0, 2.5, 7.0])
def test_burn_grid_equals_plain_contains_on_every_pixel(pixel_size):
    geoms = _footprints(6, count=60, extent=120.0)
    grid, _ = fire.burn_probability_grid(geoms, np.ones(len(geoms)), pixel_size, WKT_6677)
    # within the same extent: footprints whose edges and vertices lie on pixel centres (a centre on
    # the boundary is not inside), a triangle through centres, and one too small to cover any centre
    cx = grid.xmin + (np.arange(4, 10) + 0.5) * pixel_size
    cy = grid.ymax - (np.arange(4, 10) + 0.5) * pixel_size
    on_centres = [
        shapely.box(cx[0], cy[3], cx[3], cy[0]),
        shapely.Polygon([(cx[4], cy[5]), (cx[5], cy[5]), (cx[4], cy[0])]),
        shapely.box(cx[5] + 0.01 * pixel_size, cy[2], cx[5] + 0.02 * pixel_size, cy[1]),
    ]
    geoms = np.concatenate([geoms, np.array(on_centres, dtype=object)])
    values = np.random.default_rng(7).uniform(0, 1, len(geoms))
    band_grid, band = fire.burn_probability_grid(geoms, values, pixel_size, WKT_6677)
    assert band_grid == grid
    assert np.array_equal(band, _plain_burn_grid(geoms, values, pixel_size), equal_nan=True)


def test_burn_grid_leaves_the_footprints_as_they_were():
    geoms = _footprints(8, count=20)
    shapely.prepare(geoms[:5])
    fire.burn_probability_grid(geoms, np.ones(len(geoms)), 1.0, WKT_6677)
    assert shapely.is_prepared(geoms).tolist() == [True] * 5 + [False] * 15


def test_districts_first_wins_like_a_point_by_point_search():
    geoms = _footprints(9, count=200, extent=300.0)
    polys = [shapely.box(0, 0, 150, 150), shapely.box(100, 100, 300, 300), shapely.box(0, 150, 100, 300)]
    points = shapely.point_on_surface(geoms)
    expected = [next((k for k, d in enumerate(polys) if d.intersects(p)), -1) for p in points]
    assert fire.assign_districts(geoms, polys).tolist() == expected
    assert fire.assign_districts(list(geoms), polys).tolist() == expected
    assert {-1, 0, 1, 2} <= set(expected) | {-1}


def test_gc_pause_restores_the_collector():
    assert gc.isenabled()
    with gcpause.paused():
        assert not gc.isenabled()
        with gcpause.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # still inside the outer block
    assert gc.isenabled()
    with pytest.raises(ValueError), gcpause.paused():
        raise ValueError
    assert gc.isenabled()
    gc.disable()
    try:
        with gcpause.paused():
            pass
        assert not gc.isenabled()  # a collector disabled before stays disabled
    finally:
        gc.enable()


def test_parse_fire_resistance_codes_and_repeated_values():
    codes = np.array([0, 3, 1, 2, 2], dtype=np.int8)
    assert fire.parse_fire_resistance(codes).tolist() == codes.tolist()
    assert fire.parse_fire_resistance(codes.astype(float)).dtype == np.int8
    names = ["bare_wood", "耐火造", " 1 ", 2, 3.0] * 50
    assert fire.parse_fire_resistance(names).tolist() == [0, 3, 1, 2, 3] * 50
    # a value once parsed is not taken for an equal value of another type (True == 1, but is no class)
    for bad in ([1, True], np.array([True, False]), np.array([0.0, 1.5]), [2, np.nan, 2]):
        with pytest.raises(fire.InputError):
            fire.parse_fire_resistance(bad)
