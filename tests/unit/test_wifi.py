"""Tests for suginami_gis.core.wifi: published test values, a peer check of the ray test against
shapely, and properties (monotone decay, documented building loss, order independence)."""

from __future__ import annotations

import concurrent.futures
import math
import random

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from rasterio.crs import CRS

from suginami_gis.core import wifi
from suginami_gis.core.errors import InputError
from suginami_gis.core.rasters import Grid

WKT_6677 = CRS.from_epsg(6677).to_wkt()


def grid(xmin=0.0, ymin=0.0, xmax=200.0, ymax=200.0, pixel=2.0) -> Grid:
    return Grid.from_extent(xmin, ymin, xmax, ymax, pixel, WKT_6677)


def fspl_reference(d3_m, f_mhz):
    """Independent FSPL: 20 log10(4 pi d f / c) with c = 299 792 458 m/s."""
    return 20.0 * np.log10(4.0 * np.pi * np.asarray(d3_m) * f_mhz * 1e6 / 299_792_458.0)


def pixel_centres(g: Grid):
    xs, ys = g.centers()
    return np.meshgrid(xs, ys)


# --- Published test values (methods.md section 6) ----------------------------------------------


def test_fspl_test_value():
    assert float(wifi.free_space_path_loss_db(100.0, 2400.0)) == pytest.approx(80.05, abs=0.005)


def test_fspl_constant_matches_physics():
    # 32.45 is 20 log10(4 pi / c) in km/MHz units; the formula agrees with Friis to 0.01 dB.
    d = np.array([1.0, 37.0, 100.0, 550.0])
    np.testing.assert_allclose(wifi.free_space_path_loss_db(d, 5180.0), fspl_reference(d, 5180.0), atol=0.01)


def test_p1411_los_test_value():
    assert float(wifi.p1411_loss_db(100.0, 2400.0, wifi.P1411_LOS)) == pytest.approx(79.62, abs=0.005)


def test_p1411_nlos_rows_from_table():
    # By hand from the published rows, d = 100 m, f = 2.4 GHz (log10 2.4 = 0.380211):
    # residential 30.1 * 2 + 18.8 + 20.7 * 0.380211 = 86.870; high-rise 40 * 2 + 10.2 + 23.6 * 0.380211 = 99.173.
    assert float(wifi.p1411_loss_db(100.0, 2400.0, wifi.P1411_NLOS_RESIDENTIAL)) == pytest.approx(86.870, abs=0.001)
    assert float(wifi.p1411_loss_db(100.0, 2400.0, wifi.P1411_NLOS_URBAN_HIGH_RISE)) == pytest.approx(99.173, abs=0.001)


def test_p1411_held_constant_below_its_distance_range():
    los = wifi.p1411_loss_db(np.array([0.5, 2.0, 5.0]), 2437.0, wifi.P1411_LOS)
    assert np.ptp(los) == 0.0
    nlos = wifi.p1411_loss_db(np.array([1.0, 10.0, 30.0]), 2437.0, wifi.P1411_NLOS_RESIDENTIAL)
    assert np.ptp(nlos) == 0.0


def test_p2109_anchor_values_and_monotone():
    assert float(wifi.building_entry_loss_db(2400.0)) == pytest.approx(15.19, abs=1e-9)
    assert float(wifi.building_entry_loss_db(5200.0)) == pytest.approx(16.38, abs=1e-9)
    f = np.linspace(2400.0, 5900.0, 50)
    assert np.all(np.diff(wifi.building_entry_loss_db(f)) > 0)


# --- Free space with no buildings ---------------------------------------------------------------------


@pytest.mark.parametrize("model", [wifi.PropagationModel.FREE_SPACE])
def test_free_space_equals_eirp_minus_fspl_3d_everywhere(model):
    g = grid(0, 0, 160, 120, 2.0)
    aps = [wifi.AccessPoint(61.3, 47.9, 17.0, 8.0, 2412.0, "a"), wifi.AccessPoint(130.0, 100.0, 23.0, 3.0, 5180.0, "b")]
    result = wifi.compute_coverage(aps, g, None, model, receiver_height_m=1.5, floor_dbm=-300.0)
    px, py = pixel_centres(g)
    expected = np.max(
        [
            ap.eirp_dbm - fspl_reference(np.hypot(np.hypot(px - ap.x, py - ap.y), ap.height_m - 1.5), ap.frequency_mhz)
            for ap in aps
        ],
        axis=0,
    )
    assert np.isfinite(result.rssi_dbm).all()
    np.testing.assert_allclose(result.rssi_dbm, expected, atol=0.1)
    # The AP's own pixel: distance from the AP's exact position to the pixel centre at receiver height.
    row, col = g.rowcol(np.array([61.3]), np.array([47.9]))
    own = 17.0 - fspl_reference(math.sqrt((61.0 - 61.3) ** 2 + (47.0 - 47.9) ** 2 + 6.5**2), 2412.0)
    assert result.rssi_dbm[row[0], col[0]] == pytest.approx(own, abs=0.1)
    assert (result.buildings_crossed[np.isfinite(result.rssi_dbm)] == 0).all()


def test_ap_at_receiver_height_on_a_pixel_centre_uses_the_1m_floor():
    g = grid(0, 0, 40, 40, 2.0)
    ap = wifi.AccessPoint(21.0, 21.0, 20.0, 1.5, 2437.0)
    result = wifi.compute_coverage([ap], g, receiver_height_m=1.5, floor_dbm=-300.0)
    row, col = g.rowcol(np.array([21.0]), np.array([21.0]))
    assert result.rssi_dbm[row[0], col[0]] == pytest.approx(20.0 - fspl_reference(1.0, 2437.0), abs=0.1)
    assert np.isfinite(result.rssi_dbm).all()
    assert result.rssi_dbm.max() == result.rssi_dbm[row[0], col[0]]


# --- Monotone along a clear ray -------------------------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(
    ap_height=st.floats(0.0, 40.0),
    rx_height=st.floats(0.0, 3.0),
    freq=st.floats(2400.0, 5900.0),
    eirp=st.floats(0.0, 30.0),
    model=st.sampled_from(list(wifi.PropagationModel)),
    offset=st.floats(0.0, 0.99),
)
def test_power_never_increases_along_a_clear_ray(ap_height, rx_height, freq, eirp, model, offset):
    # One row of pixels running east from the AP; buildings stand only north of the row.
    g = grid(0, 0, 600, 2, 1.0)
    buildings = wifi.Buildings([shapely.box(x, 20, x + 8, 30) for x in range(0, 600, 20)], np.full(30, 50.0))
    ap = wifi.AccessPoint(offset, 1.0, eirp, ap_height, freq)
    result = wifi.compute_coverage([ap], g, buildings, model, rx_height, floor_dbm=-300.0)
    row = result.rssi_dbm[0].astype(np.float64)
    assert np.isfinite(row).all()
    assert np.all(np.diff(row) <= 1e-4)
    assert (result.buildings_crossed == 0).all()


# --- Buildings ------------------------------------------------------------------------------------------------


def _blocked_by_shapely(ap_xy, px, py, polygon, pixel):
    """Peer answer from shapely: does the 2-D segment meet the footprint, and is that clear-cut
    (a chord longer than two pixels, or a gap wider than a pixel)?"""
    coords = np.stack([np.full(px.size, ap_xy[0]), np.full(px.size, ap_xy[1]), px.ravel(), py.ravel()], -1)
    lines = shapely.linestrings(coords.reshape(-1, 2, 2))
    blocked = shapely.intersects(lines, polygon)
    chord = shapely.length(shapely.intersection(lines, polygon))
    gap = shapely.distance(lines, polygon)
    sure = np.where(blocked, chord > 2 * pixel, gap > pixel)
    return blocked.reshape(px.shape), sure.reshape(px.shape)


@pytest.mark.parametrize("model", list(wifi.PropagationModel))
def test_building_between_ap_and_pixel_lowers_power_by_documented_loss(model):
    g = grid(0, 0, 200, 200, 2.0)
    ap = wifi.AccessPoint(40.2, 99.3, 20.0, 10.0, 2437.0)
    tower = shapely.box(90, 85, 110, 115)
    with_b = wifi.compute_coverage([ap], g, wifi.Buildings([tower], [30.0]), model, floor_dbm=-300.0)
    without = wifi.compute_coverage([ap], g, None, model, floor_dbm=-300.0)
    px, py = pixel_centres(g)
    blocked, sure = _blocked_by_shapely((ap.x, ap.y), px, py, tower, g.pixel_size)
    diff = (without.rssi_dbm - with_b.rssi_dbm).astype(np.float64)
    d3 = np.sqrt((px - ap.x) ** 2 + (py - ap.y) ** 2 + 8.5**2)
    if model == wifi.PropagationModel.FREE_SPACE:
        expected_loss = np.full(px.shape, float(wifi.building_entry_loss_db(2437.0)))
        assert expected_loss[0, 0] == pytest.approx(
            15.19 + (16.38 - 15.19) * math.log10(2437 / 2400) / math.log10(5200 / 2400)
        )
    else:
        los = wifi.p1411_loss_db(d3, 2437.0, wifi.P1411_LOS)
        expected_loss = np.maximum(los, wifi.p1411_loss_db(d3, 2437.0, wifi.P1411_NLOS_RESIDENTIAL)) - los
    assert (sure & blocked).sum() > 500 and (sure & ~blocked).sum() > 5000
    np.testing.assert_allclose(diff[sure & blocked], expected_loss[sure & blocked], atol=0.01)
    np.testing.assert_allclose(diff[sure & ~blocked], 0.0, atol=1e-4)
    assert (with_b.buildings_crossed[sure & blocked] == 1).all()


def test_explicit_building_loss_parameter():
    g = grid(0, 0, 100, 20, 1.0)
    ap = wifi.AccessPoint(5.0, 10.0, 20.0, 5.0, 5180.0)
    wall = wifi.Buildings([shapely.box(40, 0, 45, 20)], [12.0])
    a = wifi.compute_coverage([ap], g, wall, building_loss_db=6.9, floor_dbm=-300.0)
    b = wifi.compute_coverage([ap], g, None, floor_dbm=-300.0)
    behind = g.centers()[0] > 46
    np.testing.assert_allclose((b.rssi_dbm - a.rssi_dbm)[:, behind], 6.9, atol=0.01)


def test_ray_test_agrees_with_shapely_for_a_tall_building():
    # Peer check: with a building taller than AP and receiver, a ray is blocked exactly when the
    # 2-D segment meets the footprint (shapely); allow disagreement only for grazing rays.
    g = grid(0, 0, 200, 200, 2.0)
    footprint = shapely.Polygon([(80, 60), (130, 70), (120, 140), (95, 120), (70, 130)])
    obstacles = wifi.rasterize_buildings(wifi.Buildings([footprint], [40.0]), wifi._obstacle_grid(g, [20.5], [90.5]))
    px, py = pixel_centres(g)
    counts = wifi.buildings_crossed(20.5, 90.5, 12.0, px.ravel(), py.ravel(), 1.5, obstacles).reshape(px.shape)
    blocked, sure = _blocked_by_shapely((20.5, 90.5), px, py, footprint, g.pixel_size)
    disagree = (counts > 0) != blocked
    assert blocked.sum() > 2000 and sure.mean() > 0.9
    assert not disagree[sure].any()
    assert disagree.mean() < 0.02


def test_building_below_the_line_of_sight_is_clear():
    # AP at 30 m, receiver 1.5 m at x = 100: the ray is at 30 - 28.5 * s / 95 above s = x - 5.
    obstacles_grid = grid(0, 0, 110, 20, 0.5)
    low_near_ap = shapely.box(15, 5, 25, 15)  # 6 m: ray there is >= 30 - 28.5 * 20 / 95 = 24 m
    low_near_rx = shapely.box(90, 5, 97, 15)  # 6 m: ray there is <= 30 - 28.5 * 85 / 95 = 4.5 m
    obstacles = wifi.rasterize_buildings(wifi.Buildings([low_near_ap, low_near_rx], [6.0, 6.0]), obstacles_grid)
    only_first = wifi.rasterize_buildings(wifi.Buildings([low_near_ap], [6.0]), obstacles_grid)
    rx = (np.array([100.0]), np.array([10.0]))
    assert wifi.buildings_crossed(5.0, 10.0, 30.0, *rx, 1.5, only_first)[0] == 0
    assert wifi.buildings_crossed(5.0, 10.0, 30.0, *rx, 1.5, obstacles)[0] == 1


def test_distinct_buildings_are_counted_once_each():
    g = grid(0, 0, 120, 40, 0.5)
    u_shape = shapely.box(20, 5, 50, 35).difference(shapely.box(28, 5, 42, 28))  # a U open to the south
    other = shapely.box(70, 10, 75, 30)
    obstacles = wifi.rasterize_buildings(wifi.Buildings([u_shape, other], [20.0, 20.0]), g)
    # A ray along y = 15 crosses both arms of the U (one building) and then the other building.
    counts = wifi.buildings_crossed(5.0, 15.0, 3.0, np.array([60.0, 100.0]), np.array([15.0, 15.0]), 1.5, obstacles)
    assert counts.tolist() == [1, 2]
    # A building standing inside the U: arm, inner building, arm = two distinct buildings.
    inner = shapely.box(32, 10, 38, 20)
    obstacles = wifi.rasterize_buildings(wifi.Buildings([u_shape, inner], [20.0, 20.0]), g)
    counts = wifi.buildings_crossed(5.0, 15.0, 3.0, np.array([60.0]), np.array([15.0]), 1.5, obstacles)
    assert counts.tolist() == [2]


def test_receiver_inside_a_building_counts_it_and_ap_inside_below_roof_ignores_its_own():
    g = grid(0, 0, 100, 20, 0.5)
    house = shapely.box(60, 5, 70, 15)
    school = shapely.box(0, 0, 20, 20)
    obstacles = wifi.rasterize_buildings(wifi.Buildings([house, school], [6.0, 15.0]), g)
    inside_house = wifi.buildings_crossed(30.0, 10.0, 10.0, np.array([65.0]), np.array([10.0]), 1.5, obstacles)
    assert inside_house[0] == 1
    # AP on the school's wall at 10 m (roof at 15 m): its own building is not an obstacle...
    from_wall = wifi.buildings_crossed(10.0, 10.0, 10.0, np.array([40.0]), np.array([10.0]), 1.5, obstacles)
    assert from_wall[0] == 0
    # ...but an AP above the roof sees the roof block rays that drop below it.
    from_roof = wifi.buildings_crossed(1.0, 10.0, 16.0, np.array([30.0]), np.array([10.0]), 1.5, obstacles)
    assert from_roof[0] == 1


# --- Reach radius ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("model", list(wifi.PropagationModel))
def test_reach_radius_drops_only_pixels_below_the_floor(model):
    g = grid(0, 0, 1200, 1200, 8.0)
    rng = np.random.default_rng(3)
    buildings = wifi.Buildings(
        [shapely.box(x, y, x + 15, y + 15) for x, y in rng.uniform(0, 1180, (150, 2))], rng.uniform(3, 25, 150)
    )
    aps = [wifi.AccessPoint(600.0, 600.0, 20.0, 10.0, 2437.0), wifi.AccessPoint(300.0, 900.0, 15.0, 6.0, 5180.0)]
    limited = wifi.compute_coverage(aps, g, buildings, model, thresholds_dbm=(-67, -75))
    full = wifi.compute_coverage(aps, g, buildings, model, thresholds_dbm=(-67, -75), floor_dbm=-300.0)
    assert limited.floor_dbm == -75.0
    computed = np.isfinite(limited.rssi_dbm)
    assert 0.05 < computed.mean() < 0.95
    np.testing.assert_array_equal(limited.rssi_dbm[computed], full.rssi_dbm[computed])
    assert (full.rssi_dbm[~computed] < -75.0).all()
    r = wifi.reach_radius_m(aps[0], -75.0, model, 1.5)
    assert 300 < r < 700


# --- Order and executor independence -------------------------------------------------------------------------


def _scene(seed=1):
    rng = np.random.default_rng(seed)
    g = grid(0, 0, 300, 300, 3.0)
    buildings = wifi.Buildings(
        [shapely.box(x, y, x + 12, y + 9) for x, y in rng.uniform(0, 290, (120, 2))], rng.uniform(3, 20, 120)
    )
    aps = [
        wifi.AccessPoint(float(x), float(y), 20.0, float(h), float(f), f"ap{i}")
        for i, (x, y, h, f) in enumerate(
            zip(
                rng.uniform(0, 300, 6),
                rng.uniform(0, 300, 6),
                rng.uniform(3, 15, 6),
                rng.choice([2412.0, 2437.0, 5180.0], 6),
            )
        )
    ]
    aps.append(wifi.AccessPoint(aps[0].x + 100.0, aps[0].y, 20.0, aps[0].height_m, aps[0].frequency_mhz, "twin"))
    return g, buildings, aps


class MapOnlyExecutor:
    """An executor offering only .map (like some cluster clients)."""

    def map(self, func, iterable):
        return [func(x) for x in reversed(list(iterable))][::-1]


@pytest.mark.parametrize("model", list(wifi.PropagationModel))
def test_results_do_not_depend_on_ap_order_or_executor(model):
    g, buildings, aps = _scene()
    reference = wifi.compute_coverage(aps, g, buildings, model)
    ids = np.array([a.ap_id for a in aps] + ["none"])
    for seed in range(3):
        shuffled = aps[:]
        random.Random(seed).shuffle(shuffled)
        ex = concurrent.futures.ThreadPoolExecutor(2) if seed == 0 else (MapOnlyExecutor() if seed == 1 else None)
        other = wifi.compute_coverage(shuffled, g, buildings, model, executor=ex)
        if seed == 0:
            ex.shutdown()
        np.testing.assert_array_equal(other.rssi_dbm, reference.rssi_dbm)
        np.testing.assert_array_equal(other.buildings_crossed, reference.buildings_crossed)
        other_ids = np.array([a.ap_id for a in shuffled] + ["none"])
        np.testing.assert_array_equal(other_ids[other.serving_ap], ids[reference.serving_ap])


def test_process_pool_gives_identical_results():
    import multiprocessing

    g, buildings, aps = _scene(seed=4)
    serial = wifi.compute_coverage(aps, g, buildings, wifi.PropagationModel.P1411_SITE_GENERAL)
    with concurrent.futures.ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as ex:
        pooled = wifi.compute_coverage(aps, g, buildings, wifi.PropagationModel.P1411_SITE_GENERAL, executor=ex)
    np.testing.assert_array_equal(pooled.rssi_dbm, serial.rssi_dbm)
    np.testing.assert_array_equal(pooled.serving_ap, serial.serving_ap)


def test_exact_ties_go_to_the_same_ap_whatever_the_order():
    g = grid(0, 0, 100, 100, 2.0)
    a = wifi.AccessPoint(31.0, 51.0, 20.0, 10.0, 2437.0, "west")
    b = wifi.AccessPoint(71.0, 51.0, 20.0, 10.0, 2437.0, "east")
    first = wifi.compute_coverage([a, b], g)
    second = wifi.compute_coverage([b, a], g)
    col = int((51.0 - 0.0) // 2.0)
    assert (first.serving_ap[:, col] == 0).all()  # on the bisector: tie, "west" is first in (x, y) order
    assert (second.serving_ap[:, col] == 1).all()
    np.testing.assert_array_equal(np.where(first.serving_ap == 0, 1, 0), np.where(second.serving_ap == 1, 1, 0))


# --- Bad input ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("freq", [2399.0, 5901.0, 2.437, float("nan")])
def test_frequency_outside_band_is_rejected(freq):
    with pytest.raises(InputError) as err:
        wifi.compute_coverage([wifi.AccessPoint(10, 10, 20, 10, freq)], grid())
    assert err.value.parameter == "FREQUENCY_FIELD"
    assert "MHz" in str(err.value)


def test_frequency_from_arrays_out_of_band_is_rejected():
    with pytest.raises(InputError) as err:
        wifi.access_points_from_arrays([0], [0], [20], [10], [6000])
    assert err.value.parameter == "FREQUENCY_FIELD"


def test_more_than_100_million_pixels_is_rejected_before_allocating():
    huge = Grid.from_extent(0, 0, 10_001, 10_000, 1.0, WKT_6677)
    with pytest.raises(InputError) as err:
        wifi.compute_coverage([wifi.AccessPoint(10, 10)], huge)
    assert err.value.parameter == "PIXEL_SIZE"
    assert "coarser" in str(err.value)


@pytest.mark.parametrize(
    ("kwargs", "parameter"),
    [
        ({"height_m": [None, 10.0], "default_height_m": None}, "HEIGHT_FIELD"),
        ({"height_m": None, "default_height_m": None}, "HEIGHT_FIELD"),
        ({"eirp_dbm": [20.0, float("nan")], "default_eirp_dbm": None}, "EIRP_FIELD"),
        ({"frequency_mhz": None, "default_frequency_mhz": None}, "FREQUENCY_FIELD"),
    ],
)
def test_missing_power_or_height_without_default_is_rejected(kwargs, parameter):
    with pytest.raises(InputError) as err:
        wifi.access_points_from_arrays([0.0, 5.0], [0.0, 5.0], **kwargs)
    assert err.value.parameter == parameter
    assert "default" in str(err.value)


def test_missing_values_take_the_defaults():
    aps = wifi.access_points_from_arrays([0.0, 5.0], [0.0, 5.0], [None, 17.0], [12.0, None], None, ["a", "b"])
    assert [(a.eirp_dbm, a.height_m, a.frequency_mhz) for a in aps] == [(20.0, 12.0, 2437.0), (17.0, 10.0, 2437.0)]


def test_geographic_crs_is_rejected():
    g = Grid.from_extent(139.6, 35.6, 139.7, 35.7, 0.001, CRS.from_epsg(4326).to_wkt())
    with pytest.raises(InputError) as err:
        wifi.compute_coverage([wifi.AccessPoint(139.65, 35.65)], g)
    assert "EPSG:6677" in str(err.value)


@pytest.mark.parametrize(
    ("kwargs", "parameter"),
    [
        ({"thresholds_dbm": []}, "THRESHOLDS_DBM"),
        ({"thresholds_dbm": [67.0]}, "THRESHOLDS_DBM"),
        ({"receiver_height_m": -1.0}, "RECEIVER_HEIGHT"),
        ({"building_loss_db": -3.0}, "BUILDING_LOSS_DB"),
    ],
)
def test_other_bad_parameters(kwargs, parameter):
    with pytest.raises(InputError) as err:
        wifi.compute_coverage([wifi.AccessPoint(10, 10)], grid(), **kwargs)
    assert err.value.parameter == parameter


def test_building_without_height_and_no_default_is_rejected():
    with pytest.raises(InputError) as err:
        wifi.Buildings.from_arrays([shapely.box(0, 0, 1, 1)], [None])
    assert err.value.parameter == "BUILDING_HEIGHT_FIELD"
    assert wifi.Buildings.from_arrays([shapely.box(0, 0, 1, 1)], [None], default_height_m=7.0).heights_m.tolist() == [
        7.0
    ]


# --- Coverage polygons and site statistics --------------------------------------------------------------------


def free_space_radius(eirp, threshold, f_mhz, dh):
    d3 = 10 ** ((eirp - threshold - 20 * math.log10(f_mhz) - 32.45) / 20) * 1000
    return math.sqrt(d3 * d3 - dh * dh)


def test_coverage_polygons_are_discs_in_free_space():
    g = grid(0, 0, 800, 800, 2.0)
    ap = wifi.AccessPoint(400.0, 400.0, 10.0, 10.0, 2437.0)
    result = wifi.compute_coverage([ap], g, thresholds_dbm=(-67.0, -75.0))
    polys = dict(wifi.coverage_polygons(result))
    for t in (-67.0, -75.0):
        r = free_space_radius(10.0, t, 2437.0, 8.5)
        assert polys[t].area == pytest.approx(math.pi * r * r, rel=0.01)
        assert polys[t].area == pytest.approx(result.coverage_mask(t).sum() * 4.0)
        assert polys[t].is_valid
    assert polys[-67.0].within(polys[-75.0])


def test_site_statistics_shares_evacuees_and_client_load():
    g = grid(0, 0, 600, 600, 2.0)
    ap = wifi.AccessPoint(300.0, 300.0, 10.0, 10.0, 2437.0, "only")
    result = wifi.compute_coverage([ap], g)
    r67 = free_space_radius(10.0, -67.0, 2437.0, 8.5)
    r75 = free_space_radius(10.0, -75.0, 2437.0, 8.5)
    assert 60 < r67 < r75 < 250
    inner = wifi.Site("inner", shapely.box(280, 280, 320, 320), 30.0)  # inside both discs
    big = wifi.Site("big", shapely.box(0, 0, 600, 600), 400.0)  # contains both discs
    far = wifi.Site("far", shapely.Point(560, 560).buffer(20), 10.0)  # outside both
    report = wifi.site_statistics(result, [inner, big, far], client_limit=50)
    s_inner, s_big, s_far = report.sites
    assert s_inner.covered_share == (1.0, 1.0)
    assert s_big.covered_share[0] == pytest.approx(math.pi * r67**2 / 600**2, rel=0.01)
    assert s_big.covered_share[1] == pytest.approx(math.pi * r75**2 / 600**2, rel=0.01)
    assert s_big.covered_evacuees[1] == pytest.approx(400.0 * s_big.covered_share[1])
    assert s_far.covered_share == (0.0, 0.0) and s_far.serving_aps == () and math.isnan(s_far.evacuees_per_ap)
    clients = 30.0 + s_big.covered_evacuees[1]
    assert report.ap_clients[0] == pytest.approx(clients)
    assert s_inner.serving_aps == (0,) and s_inner.max_ap_clients == pytest.approx(clients)
    assert s_inner.over_limit == (clients > 50) and s_inner.aps_needed == 1 and s_big.aps_needed == 8
    assert s_big.area_m2 == pytest.approx(360000.0)


def test_tiny_site_gets_the_pixel_under_it():
    g = grid(0, 0, 100, 100, 10.0)
    pixels = wifi.site_pixels([wifi.Site("dot", shapely.Point(33, 44).buffer(1.0), 5.0)], g)
    row, col = g.rowcol(np.array([33.0]), np.array([44.0]))
    assert pixels.flat_index[0].tolist() == [row[0] * g.width + col[0]]


# --- Placement --------------------------------------------------------------------------------------------------------


def _placement_scene():
    rng = np.random.default_rng(7)
    sites = [
        wifi.Site("A", shapely.box(0, 0, 120, 90), 300.0),
        wifi.Site("B", shapely.Point(330, 60).buffer(50), 200.0),
    ]
    buildings = wifi.Buildings(
        [shapely.box(x, y, x + 14, y + 10) for x, y in rng.uniform(-20, 380, (60, 2))], rng.uniform(4, 14, 60)
    )
    existing = [wifi.AccessPoint(20.0, 20.0, 5.0, 6.0, 2437.0, "old")]
    candidates = [
        wifi.AccessPoint(float(x), float(y), 5.0, 8.0, 2437.0, f"c{i}")
        for i, (x, y) in enumerate([(60, 45), (100, 80), (330, 60), (300, 40), (200, 50), (10, 80), (360, 90)])
    ]
    return sites, buildings, existing, candidates


def test_first_pick_is_the_best_single_addition_by_brute_force():
    sites, buildings, existing, candidates = _placement_scene()
    result = wifi.place_access_points(
        sites, existing, 2.0, WKT_6677, buildings, candidates, target_share=1.0, max_new_aps=3, model=1
    )
    g = Grid.from_extent(-50, -50, 400, 150, 2.0, WKT_6677)
    gains = []
    for cand in candidates:
        cov = wifi.compute_coverage([*existing, cand], g, buildings, 1)
        rep = wifi.site_statistics(cov, sites)
        gains.append(sum(s.covered_share[0] * s.analysed_area_m2 for s in rep.sites))
    assert candidates[int(np.argmax(gains))] == result.chosen[0]
    base = sum(s.covered_share[0] * s.analysed_area_m2 for s in result.before.sites)
    assert result.gains[0] == pytest.approx(max(gains) - base)
    assert len(result.chosen) == 3 and len(set(result.chosen_candidate_index)) == 3
    assert all(np.diff(result.gains) <= 0)  # greedy gains of a coverage objective never grow
    for b, a in zip(result.before.sites, result.after.sites):
        assert all(x <= y for x, y in zip(b.covered_share, a.covered_share))
    total = sum(s.analysed_area_m2 for s in result.after.sites)
    after = sum(s.covered_share[0] * s.analysed_area_m2 for s in result.after.sites) / total
    assert result.share_after[-1] == pytest.approx(after)


def test_placement_stops_at_target_share():
    sites, buildings, existing, candidates = _placement_scene()
    result = wifi.place_access_points(
        sites, existing, 2.0, WKT_6677, buildings, candidates, target_share=0.5, max_new_aps=6
    )
    assert result.share_before < 0.5
    assert result.target_reached and result.share_after[-1] >= 0.5 and len(result.chosen) >= 2
    assert result.share_after[-2] < 0.5
    capped = wifi.place_access_points(
        sites, existing, 2.0, WKT_6677, buildings, candidates, target_share=1.0, max_new_aps=1
    )
    assert len(capped.chosen) == 1 and not capped.target_reached


def test_placement_does_not_depend_on_input_order_or_executor():
    sites, buildings, existing, candidates = _placement_scene()
    existing = [*existing, wifi.AccessPoint(330.0, 10.0, 10.0, 5.0, 5180.0, "old2")]
    ref = wifi.place_access_points(
        sites, existing, 2.0, WKT_6677, buildings, candidates, target_share=1.0, max_new_aps=4, objective=1
    )
    rev_c = candidates[::-1]
    with concurrent.futures.ThreadPoolExecutor(2) as ex:
        other = wifi.place_access_points(
            sites,
            existing[::-1],
            2.0,
            WKT_6677,
            buildings,
            rev_c,
            target_share=1.0,
            max_new_aps=4,
            objective=1,
            executor=ex,
        )
    assert other.chosen == ref.chosen and other.gains == ref.gains
    assert [rev_c[i] for i in other.chosen_candidate_index] == ref.chosen
    assert [s.covered_share for s in other.after.sites] == [s.covered_share for s in ref.after.sites]


def test_automatic_candidates_lie_on_sites_or_roof_edges():
    sites, buildings, _, _ = _placement_scene()
    cands = wifi.candidate_access_points(sites, buildings, spacing_m=20.0, height_m=9.0)
    site_union = shapely.union_all([s.geometry for s in sites])
    roofs = [(g, h) for g, h in zip(buildings.geometries, buildings.heights_m) if g.intersects(site_union)]
    assert roofs
    n_site = n_roof = 0
    for c in cands:
        p = shapely.Point(c.x, c.y)
        if c.height_m == 9.0 and site_union.covers(p):
            n_site += 1
        else:
            assert any(
                g.exterior.distance(p) < 0.01 and c.height_m == pytest.approx(h + wifi.ROOF_MOUNT_M) for g, h in roofs
            )
            n_roof += 1
    # lattice points strictly inside: 5 x 4 in the box, about pi 50^2 / 20^2 = 19.6 in the disc
    assert 30 <= n_site <= 45 and n_roof > 0
    assert cands == sorted(cands, key=lambda a: (a.x, a.y, a.height_m))


def test_placement_bad_input():
    sites, buildings, existing, candidates = _placement_scene()
    with pytest.raises(InputError) as err:
        wifi.place_access_points([wifi.Site("A", sites[0].geometry, 0.0)], existing, 2.0, WKT_6677, objective=1)
    assert err.value.parameter == "OBJECTIVE"
    with pytest.raises(InputError) as err:
        wifi.place_access_points(sites, existing, 2.0, WKT_6677, target_share=1.5)
    assert err.value.parameter == "TARGET_SHARE"
    with pytest.raises(InputError) as err:
        wifi.place_access_points(sites, existing, 2.0, WKT_6677, candidates=[wifi.AccessPoint(0, 0, frequency_mhz=900)])
    assert err.value.parameter == "FREQUENCY_FIELD"
