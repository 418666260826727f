"""suginami:groundmotion through QGIS Processing."""

from __future__ import annotations

import numpy as np
import pytest
import rasterio
from conftest import SAMPLE_AVS30, sample_layer

from suginami_gis.core import groundmotion as gm

SAMPLE_EXTENT = "-18040,-16040,-33930,-31930 [EPSG:6677]"  # xmin,xmax,ymin,ymax of the sample ward


def _params(tmp_path, **extra):
    params = {
        "EPICENTER": "-17040,-45930 [EPSG:6677]",  # 13 km south of the sample ward
        "MAGNITUDE": 7.3,
        "DEPTH": 20.0,
        "FAULT_TYPE": 0,
        "EXTENT": SAMPLE_EXTENT,
        "PIXEL_SIZE": 100.0,
        "TARGET_CRS": "EPSG:6677",
        "OUTPUT_PGV": str(tmp_path / "pgv.tif"),
        "OUTPUT_INTENSITY": str(tmp_path / "intensity.tif"),
    }
    params.update(extra)
    return params


def test_algorithm_is_registered_with_help(provider):
    alg = provider.algorithm("groundmotion")
    assert alg is not None
    assert "Si" in alg.shortHelpString() and "Midorikawa" in alg.shortHelpString()
    ok, message = alg.canExecute()
    assert ok, message


def test_pixels_match_the_formula(run_alg, tmp_path):
    result = run_alg("groundmotion", _params(tmp_path, AVS30_DEFAULT=400.0))
    with rasterio.open(result["OUTPUT_PGV"]) as src:
        pgv = src.read(1)
        transform = src.transform
        assert src.crs.to_epsg() == 6677
        assert src.descriptions[0] == "median"
    rows, cols = np.meshgrid(np.arange(pgv.shape[0]), np.arange(pgv.shape[1]), indexing="ij")
    xs, ys = rasterio.transform.xy(transform, rows.ravel(), cols.ravel())
    epi_km = np.hypot(np.asarray(xs) + 17040.0, np.asarray(ys) + 45930.0) / 1000.0
    x_km = np.maximum(np.hypot(epi_km, 20.0), gm.MIN_DISTANCE_KM)
    expected = gm.pgv600(7.3, 20.0, x_km) * gm.amplification(400.0)
    np.testing.assert_allclose(pgv.ravel(), expected, rtol=1e-5)
    with rasterio.open(result["OUTPUT_INTENSITY"]) as src:
        np.testing.assert_allclose(src.read(1), gm.jma_intensity(pgv), atol=1e-4)
    # The JMA style sits beside the raster so QGIS opens it styled.
    assert (tmp_path / "intensity.qml").exists()


def test_avs30_raster_in_another_crs_is_reprojected(run_alg, tmp_path):
    from rasterio.warp import calculate_default_transform, reproject

    wgs = tmp_path / "avs30_wgs84.tif"
    with rasterio.open(SAMPLE_AVS30) as src:
        transform, width, height = calculate_default_transform(src.crs, "EPSG:4326", src.width, src.height, *src.bounds)
        profile = src.profile | {"crs": "EPSG:4326", "transform": transform, "width": width, "height": height}
        with rasterio.open(wgs, "w", **profile) as dst:
            reproject(rasterio.band(src, 1), rasterio.band(dst, 1), resampling=rasterio.enums.Resampling.nearest)
    a = run_alg("groundmotion", _params(tmp_path / "a", AVS30=str(SAMPLE_AVS30)))
    b = run_alg("groundmotion", _params(tmp_path / "b", AVS30=str(wgs)))
    with rasterio.open(a["OUTPUT_PGV"]) as ra, rasterio.open(b["OUTPUT_PGV"]) as rb:
        pa, pb = ra.read(1), rb.read(1)
    assert a["AVS30_FALLBACK_CELLS"] == 0
    # Same ground to within resampling differences.
    assert np.median(np.abs(pa / pb - 1)) < 0.02


def test_realizations_are_reproducible(run_alg, tmp_path):
    one = run_alg("groundmotion", _params(tmp_path / "1", REALIZATIONS=3, SEED=11))
    two = run_alg("groundmotion", _params(tmp_path / "2", REALIZATIONS=3, SEED=11))
    with rasterio.open(one["OUTPUT_INTENSITY"]) as a, rasterio.open(two["OUTPUT_INTENSITY"]) as b:
        assert a.count == 4
        np.testing.assert_array_equal(a.read(), b.read())


def test_finite_fault_layer(run_alg, tmp_path):
    from qgis.core import QgsFeature, QgsGeometry, QgsPointXY, QgsVectorLayer

    fault = QgsVectorLayer("LineString?crs=EPSG:6677", "fault", "memory")
    feature = QgsFeature()
    feature.setGeometry(QgsGeometry.fromPolylineXY([QgsPointXY(-30000, -40000), QgsPointXY(0, -40000)]))
    fault.dataProvider().addFeatures([feature])
    params = _params(tmp_path, FAULT=fault, DEPTH=5.0)
    del params["EPICENTER"]
    result = run_alg("groundmotion", params)
    with rasterio.open(result["OUTPUT_PGV"]) as src:
        pgv = src.read(1)
    # Closer to the trace (south edge) shakes more than the north edge.
    assert pgv[-1].mean() > pgv[0].mean()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"TARGET_CRS": "EPSG:4326"}, "geographic"),
        ({"EXTENT": "0,0,0,0 [EPSG:6677]"}, "EXTENT"),
        ({"PIXEL_SIZE": 0.1, "EXTENT": "-18040,-8040,-33930,-23930 [EPSG:6677]"}, "coarser pixel"),
        ({"EPICENTER": None}, "EPICENTER"),
        ({"MAGNITUDE": 9.5}, "MAGNITUDE"),
        ({"DEPTH": -1.0}, "DEPTH"),
    ],
)
def test_bad_input_gives_a_clear_error_and_no_file(run_alg, tmp_path, change, message):
    from qgis.core import QgsProcessingException

    params = _params(tmp_path, **change)
    with pytest.raises(QgsProcessingException) as info:
        run_alg("groundmotion", params)
    assert message in str(info.value)
    assert not (tmp_path / "pgv.tif").exists()


def test_cancel_leaves_no_output(run_alg, tmp_path):
    from qgis.core import QgsProcessingException, QgsProcessingFeedback

    feedback = QgsProcessingFeedback()
    feedback.progressChanged.connect(lambda p: feedback.cancel() if p > 10 else None)
    with pytest.raises(QgsProcessingException, match="Canceled"):
        run_alg("groundmotion", _params(tmp_path, REALIZATIONS=20), feedback=feedback)
    assert not any(p.suffix == ".tif" for p in tmp_path.iterdir())


def test_sample_layers_load():
    assert sample_layer("buildings").featureCount() > 8000
