"""Ground motion: every test value of methods.md section 1, plus properties of the random fields."""

from __future__ import annotations

import numpy as np
import pytest
from pyproj import CRS

from suginami_gis.core import groundmotion as gm
from suginami_gis.core.errors import InputError
from suginami_gis.core.rasters import Grid, read_raster

WKT = CRS.from_epsg(6677).to_wkt()


def test_si_midorikawa_test_values():
    assert gm.pgv600(7.0, 10.0, 10.0, gm.FaultType.CRUSTAL) == pytest.approx(32.553, abs=5e-4)
    assert gm.pgv600(5.0, 0.0, 0.0) == pytest.approx(46.009, abs=5e-4)


def test_fault_type_terms_shift_log10_pgv():
    base = np.log10(gm.pgv600(7.0, 10.0, 30.0, gm.FaultType.CRUSTAL))
    assert np.log10(gm.pgv600(7.0, 10.0, 30.0, gm.FaultType.INTERPLATE)) - base == pytest.approx(-0.02)
    assert np.log10(gm.pgv600(7.0, 10.0, 30.0, gm.FaultType.INTRASLAB)) - base == pytest.approx(0.12)


def test_magnitude_capped_at_8_3():
    assert gm.pgv600(9.0, 30.0, 50.0) == pytest.approx(gm.pgv600(8.3, 30.0, 50.0))


def test_amplification_test_values():
    fm = gm.Amplification.FUJIMOTO_MIDORIKAWA_2006
    assert gm.amplification(600.0, fm) == pytest.approx(1.0, abs=2e-3)
    assert gm.amplification(400.0, fm) == pytest.approx(1.4127, abs=1e-4)
    assert gm.amplification(300.0, fm) == pytest.approx(1.8051, abs=1e-4)
    m94 = gm.Amplification.MIDORIKAWA_1994
    assert gm.amplification(300.0, m94) == pytest.approx(1.5671, abs=1e-4)
    assert gm.amplification(600.0, m94) == pytest.approx(0.9918, abs=1e-4)


def test_intensity_test_values():
    m99 = gm.IntensityModel.MIDORIKAWA_1999
    assert gm.jma_intensity(22.33, m99) == pytest.approx(5.0, abs=1e-3)
    assert gm.jma_intensity(85.16, m99) == pytest.approx(6.0, abs=1e-3)
    assert gm.jma_intensity(50.0, gm.IntensityModel.FUJIMOTO_MIDORIKAWA_2005) == pytest.approx(5.810, abs=1e-3)


def test_fujimoto_midorikawa_2005_low_branch():
    # Below intensity 4 the linear branch applies: I = 2.165 + 2.262 log10 PGV.
    pgv = 1.0
    assert gm.jma_intensity(pgv, gm.IntensityModel.FUJIMOTO_MIDORIKAWA_2005) == pytest.approx(2.165)


def test_end_to_end_test_value():
    pgv = gm.pgv600(7.0, 10.0, 10.0) * gm.amplification(300.0, gm.Amplification.MIDORIKAWA_1994)
    assert pgv == pytest.approx(51.01, abs=5e-3)
    intensity = gm.jma_intensity(pgv)
    assert intensity == pytest.approx(5.617, abs=1e-3)
    assert gm.jma_class(float(intensity)) == "6-"


@pytest.mark.parametrize(
    ("intensity", "label"), [(4.49, "4 or less"), (4.5, "5-"), (5.0, "5+"), (5.5, "6-"), (6.0, "6+"), (6.5, "7")]
)
def test_jma_class_boundaries(intensity, label):
    assert gm.jma_class(intensity) == label


def test_scatter_interpolates_between_20_and_30_km():
    assert gm.sigma_log10(10.0) == pytest.approx(0.23)
    assert gm.sigma_log10(20.0) == pytest.approx(0.23)
    assert gm.sigma_log10(30.0) == pytest.approx(0.20)
    assert gm.sigma_log10(100.0) == pytest.approx(0.20)
    mid = gm.sigma_log10(np.sqrt(20.0 * 30.0))  # log-midpoint
    assert mid == pytest.approx(0.215)


def test_point_source_distance_floor_and_hypocentral():
    scenario = gm.Scenario(7.0, 0.0, (0.0, 0.0))
    assert scenario.distance_km(np.array([0.0]), np.array([0.0]))[0] == pytest.approx(gm.MIN_DISTANCE_KM)
    deep = gm.Scenario(7.0, 10.0, (0.0, 0.0))
    assert deep.distance_km(np.array([10_000.0]), np.array([0.0]))[0] == pytest.approx(np.hypot(10, 10))


def test_fault_distance_is_to_the_plane_below_the_trace():
    trace = np.array([[0.0, 0.0, 10_000.0, 0.0]])
    scenario = gm.Scenario(7.0, 4.0, fault_segments=trace)
    # 3 km off the middle of the trace, top edge at 4 km depth: sqrt(3^2 + 4^2) = 5 km.
    assert scenario.distance_km(np.array([5_000.0]), np.array([3_000.0]))[0] == pytest.approx(5.0)
    # Beyond the end of the trace the nearest point is the end.
    assert scenario.distance_km(np.array([13_000.0]), np.array([4_000.0]))[0] == pytest.approx(np.hypot(5.0, 4.0))


@pytest.mark.parametrize(
    ("magnitude", "depth", "parameter"), [(3.9, 10, "MAGNITUDE"), (9.1, 10, "MAGNITUDE"), (7, -1, "DEPTH")]
)
def test_bad_scenarios_name_the_parameter(magnitude, depth, parameter):
    with pytest.raises(InputError) as info:
        gm.Scenario(magnitude, depth, (0.0, 0.0)).validate()
    assert info.value.parameter == parameter


def test_avs30_fallback_counts_bad_cells():
    raw = np.array([[300.0, np.nan], [-5.0, 0.0]])
    cleaned, count = gm.clean_avs30(raw, raw.shape, 400.0)
    assert count == 3
    assert cleaned.tolist() == [[300.0, 400.0], [400.0, 400.0]]
    with pytest.raises(InputError):
        gm.clean_avs30(raw, raw.shape, 0.0)


def test_empty_extent_is_rejected():
    with pytest.raises(InputError) as info:
        Grid.from_extent(0, 0, 0, 10, 1.0, WKT)
    assert info.value.parameter == "EXTENT"


def test_correlated_fields_have_unit_variance_and_exponential_correlation():
    pixel, range_km = 100.0, 3.0
    fields = np.stack(list(gm.correlated_normal_fields((64, 64), pixel, range_km, 400, 3)))
    assert fields.shape == (400, 64, 64)
    assert fields.var() == pytest.approx(1.0, abs=0.05)
    # Correlation at a lag of 10 pixels (1 km) along rows: exp(-3 * 1 / 3) = 0.368.
    a = fields[:, :, :-10].ravel()
    b = fields[:, :, 10:].ravel()
    assert np.corrcoef(a, b)[0, 1] == pytest.approx(np.exp(-1.0), abs=0.05)


def test_fields_are_reproducible_from_the_seed():
    one = list(gm.correlated_normal_fields((20, 30), 50.0, 10.0, 3, 7))
    two = list(gm.correlated_normal_fields((20, 30), 50.0, 10.0, 3, 7))
    assert len(one) == 3
    for a, b in zip(one, two):
        np.testing.assert_array_equal(a, b)
    other = list(gm.correlated_normal_fields((20, 30), 50.0, 10.0, 3, 8))
    assert not np.allclose(one[0], other[0])


def test_fields_do_not_depend_on_the_executor():
    from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

    serial = list(gm.correlated_normal_fields((40, 50), 20.0, 5.0, 21, 11))
    with ThreadPoolExecutor(2) as threads:
        threaded = list(gm.correlated_normal_fields((40, 50), 20.0, 5.0, 21, 11, executor=threads))
    with ProcessPoolExecutor(2) as processes:
        in_processes = list(gm.correlated_normal_fields((40, 50), 20.0, 5.0, 21, 11, executor=processes))
    assert len(serial) == len(threaded) == len(in_processes) == 21
    for a, b, c in zip(serial, threaded, in_processes):
        np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(a, c)


def test_run_writes_median_and_realizations(tmp_path):
    grid = Grid.from_extent(0, 0, 2000, 1000, 100.0, WKT)
    avs30 = np.full(grid.shape, 300.0)
    avs30[0, 0] = np.nan
    scenario = gm.Scenario(7.0, 10.0, (1000.0, 500.0))
    pgv_path, int_path = tmp_path / "pgv.tif", tmp_path / "int.tif"
    run = gm.run_ground_motion(
        scenario,
        grid,
        avs30,
        400.0,
        str(pgv_path),
        str(int_path),
        gm.Amplification.MIDORIKAWA_1994,
        realizations=4,
        seed=1,
    )
    assert run.bands == 5 and run.fallback_cells == 1
    pgv = read_raster(pgv_path)
    intensity = read_raster(int_path)
    assert pgv.array.shape == (5, 10, 20)
    assert pgv.descriptions[0] == "median" and pgv.descriptions[4] == "realization 4"
    xs, ys = grid.centers()
    # Every median pixel equals the formula (float32 storage).
    dist = scenario.distance_km(*np.meshgrid(xs, ys))
    expected = gm.pgv600(7.0, 10.0, dist) * gm.amplification(
        np.where(np.isnan(avs30), 400.0, avs30), gm.Amplification.MIDORIKAWA_1994
    )
    np.testing.assert_allclose(pgv.array[0], expected, rtol=1e-6)
    np.testing.assert_allclose(intensity.array, gm.jma_intensity(pgv.array), atol=1e-5)
    # Realizations differ from the median and from each other.
    assert not np.allclose(pgv.array[1], pgv.array[0])
    assert not np.allclose(pgv.array[1], pgv.array[2])


def test_cancel_leaves_no_file(tmp_path):
    class CancelAfterFirst:
        calls = 0

        def set_progress(self, percent):
            pass

        def is_canceled(self):
            self.calls += 1
            return self.calls > 1

        def info(self, message):
            pass

    grid = Grid.from_extent(0, 0, 1000, 1000, 100.0, WKT)
    from suginami_gis.core.feedback import Canceled

    with pytest.raises(Canceled):
        gm.run_ground_motion(
            gm.Scenario(7.0, 10.0, (0.0, 0.0)),
            grid,
            None,
            400.0,
            str(tmp_path / "p.tif"),
            str(tmp_path / "i.tif"),
            realizations=10,
            seed=1,
            feedback=CancelAfterFirst(),
        )
    assert list(tmp_path.iterdir()) == []


def test_long_range_fields_generated_coarse_keep_variance_and_correlation():
    # Range 6 km at 5 m pixels: neighbouring pixels are 99.75 % correlated, so the field is
    # generated on a grid of 20 m nodes (99 % correlated) and interpolated. Fields this smooth
    # are nearly uniform over 1 km, so the variance estimate needs many fields: with 3,000 its
    # standard error is about sqrt(2 / 3000) = 0.026, and the tolerance is 4 of them.
    pixel, range_km = 5.0, 6.0
    assert int(-range_km * 1000 * np.log(1 - gm.MAX_NODE_DECORRELATION) / 3 // pixel) == 4
    fields = np.stack(list(gm.correlated_normal_fields((200, 200), pixel, range_km, 3000, 5)))
    assert fields.var() == pytest.approx(1.0, abs=0.1)
    lag_px = 100  # 500 m: exp(-3 * 0.5 / 6) = 0.779
    a = fields[:, :, :-lag_px].ravel()
    b = fields[:, :, lag_px:].ravel()
    assert np.corrcoef(a, b)[0, 1] == pytest.approx(np.exp(-0.25), abs=0.05)


def test_interpolation_weights_are_a_partition_of_unity():
    w = gm._linear_weights(1000, 10.0, 120, 90.0)
    np.testing.assert_allclose(w.sum(axis=1), 1.0)
    nodes = (np.arange(120) - 1.0) * 90.0
    centres = (np.arange(1000) + 0.5) * 10.0
    np.testing.assert_allclose(w @ nodes, centres)


def test_a_source_nobody_in_the_area_would_feel_is_refused():
    """JMA class 0 (instrumental intensity below 0.5) everywhere: the epicentre is misplaced."""
    xs, ys = np.meshgrid(np.arange(0.0, 3000.0, 500.0), np.arange(0.0, 3000.0, 500.0))
    near = gm.Scenario(magnitude=7.3, depth_km=25.0, epicenter_xy=(0.0, -10_000.0))
    far = gm.Scenario(magnitude=7.3, depth_km=25.0, epicenter_xy=(0.0, -10_800_000.0))
    avs30 = np.full(xs.shape, 300.0)
    gm.check_felt(near, gm.median_ground_motion(near, xs[0], ys[:, 0], avs30))
    with pytest.raises(InputError, match="not felt") as err:
        gm.check_felt(far, gm.median_ground_motion(far, xs[0], ys[:, 0], avs30))
    assert err.value.parameter == "EPICENTER"
