"""suginami:wificoverage through QGIS Processing."""

from __future__ import annotations

import math

import numpy as np
import pyogrio
import pytest
import rasterio
import shapely
from conftest import SAMPLE_GPKG, sample_layer

from suginami_gis.core import wifi
from suginami_gis.core.rasters import Grid

SAMPLE_EXTENT = "-18040,-16040,-33930,-31930 [EPSG:6677]"  # xmin,xmax,ymin,ymax of the sample ward


def _sample_params(tmp_path, **extra):
    params = {
        "ACCESS_POINTS": sample_layer("wifi_aps"),
        "EIRP_FIELD": "eirp_dbm",
        "HEIGHT_FIELD": "height_m",
        "FREQUENCY_FIELD": "frequency_mhz",
        "BUILDINGS": sample_layer("buildings"),
        "BUILDING_HEIGHT_FIELD": "height_m",
        "MODEL": 0,
        "EXTENT": SAMPLE_EXTENT,
        "PIXEL_SIZE": 5.0,
        "THRESHOLDS_DBM": "-67,-75",
        "SITES": sample_layer("shelter_sites"),
        "SITE_ID_FIELD": "site_id",
        "EVACUEES_FIELD": "expected_evacuees",
        "OUTPUT_RSSI": str(tmp_path / "rssi.tif"),
        "OUTPUT_COVERAGE": str(tmp_path / "coverage.gpkg"),
        "OUTPUT_SITE_STATS": str(tmp_path / "sites.gpkg"),
    }
    params.update(extra)
    return params


def _memory_aps(rows, fields="eirp:double&field=h:double&field=f:double", crs="EPSG:6677"):
    from qgis.core import QgsFeature, QgsGeometry, QgsPointXY, QgsVectorLayer

    layer = QgsVectorLayer(f"Point?crs={crs}&field={fields}", "aps", "memory")
    features = []
    for x, y, *attrs in rows:
        feature = QgsFeature(layer.fields())
        feature.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(x, y)))
        feature.setAttributes(list(attrs))
        features.append(feature)
    layer.dataProvider().addFeatures(features)
    return layer


def test_algorithm_is_registered_with_help(provider):
    alg = provider.algorithm("wificoverage")
    assert alg is not None
    assert "P.1411" in alg.shortHelpString() and "P.2109" in alg.shortHelpString()
    ok, message = alg.canExecute()
    assert ok, message


def test_sample_ward_matches_the_core_and_writes_styled_outputs(run_alg, tmp_path):
    result = run_alg("wificoverage", _sample_params(tmp_path))
    with rasterio.open(result["OUTPUT_RSSI"]) as src:
        assert src.count == 2 and src.crs.to_epsg() == 6677
        assert src.descriptions == ("rssi_dbm", "serving_ap_fid")
        rssi = src.read(1, masked=True)
        serving = src.read(2, masked=True)
        transform = src.transform
    # Peer path: read the same GeoPackage with pyogrio and call the core directly.
    aps_df = pyogrio.read_dataframe(SAMPLE_GPKG, layer="wifi_aps", fid_as_index=True)
    b_df = pyogrio.read_dataframe(SAMPLE_GPKG, layer="buildings")
    aps = [
        wifi.AccessPoint(p.x, p.y, r.eirp_dbm, r.height_m, r.frequency_mhz, str(fid))
        for fid, r, p in zip(aps_df.index, aps_df.itertuples(), aps_df.geometry)
    ]
    grid = Grid(transform.c, transform.f, 5.0, rssi.shape[1], rssi.shape[0], "")
    core = wifi.compute_coverage(aps, grid, wifi.Buildings(list(b_df.geometry), b_df["height_m"].to_numpy()))
    np.testing.assert_array_equal(rssi.mask, ~np.isfinite(core.rssi_dbm))
    np.testing.assert_allclose(rssi.compressed(), core.rssi_dbm[np.isfinite(core.rssi_dbm)], atol=1e-4)
    fids = aps_df.index.to_numpy()
    np.testing.assert_array_equal(serving.filled(-1), np.where(core.serving_ap >= 0, fids[core.serving_ap], -1))
    assert (tmp_path / "rssi.qml").exists()

    coverage = pyogrio.read_dataframe(result["OUTPUT_COVERAGE"])
    assert sorted(coverage["threshold_dbm"]) == [-75.0, -67.0]
    for t, area in zip(coverage["threshold_dbm"], coverage.geometry.area):
        assert area == pytest.approx(float((rssi.filled(-999) >= t).sum()) * 25.0, rel=1e-9)
    assert result["COVERED_AREA_M2"] == pytest.approx(float((rssi.filled(-999) >= -67).sum()) * 25.0)

    sites = pyogrio.read_dataframe(result["OUTPUT_SITE_STATS"])
    assert len(sites) == 5
    expected = pyogrio.read_dataframe(SAMPLE_GPKG, layer="shelter_sites")
    for row, site in zip(sites.itertuples(), expected.itertuples()):
        assert row.site_id == str(site.site_id) and row.evacuees == site.expected_evacuees
        assert 0.0 <= row.share_67 <= row.share_75 <= 1.0 and row.share_primary == row.share_67
        assert row.evac_75 == pytest.approx(site.expected_evacuees * row.share_75)
        assert row.client_limit == 50 and row.aps_needed == math.ceil(site.expected_evacuees / 50)
    # Each sample shelter has two APs of its own on its grounds: every site is served.
    assert (sites["n_aps"] >= 1).all() and sites["share_75"].mean() > 0.5


def test_free_space_defaults_on_a_memory_layer(run_alg, tmp_path):
    aps = _memory_aps([(1000.3, 2000.7)], fields="name:string")
    result = run_alg(
        "wificoverage",
        {
            "ACCESS_POINTS": aps,
            "EXTENT": "900,1100,1900,2100 [EPSG:6677]",
            "PIXEL_SIZE": 2.0,
            "THRESHOLDS_DBM": "-90",
            "SERVING_BAND": False,
            "OUTPUT_RSSI": str(tmp_path / "r.tif"),
            "OUTPUT_COVERAGE": str(tmp_path / "c.gpkg"),
        },
    )
    with rasterio.open(result["OUTPUT_RSSI"]) as src:
        assert src.count == 1
        rssi = src.read(1)
        rows, cols = np.meshgrid(np.arange(src.height), np.arange(src.width), indexing="ij")
        xs, ys = rasterio.transform.xy(src.transform, rows.ravel(), cols.ravel())
    d3 = np.sqrt((np.asarray(xs) - 1000.3) ** 2 + (np.asarray(ys) - 2000.7) ** 2 + (10.0 - 1.5) ** 2)
    fspl = 20 * np.log10(4 * np.pi * d3 * 2437e6 / 299_792_458.0)  # defaults: 20 dBm, 10 m, 2437 MHz
    np.testing.assert_allclose(rssi.ravel(), 20.0 - fspl, atol=0.1)


def test_ap_layer_order_does_not_matter(run_alg, tmp_path):
    rows = [
        (-17000.0, -33000.0, 20.0, 8.0, 2437.0),
        (-16950.0, -33020.0, 17.0, 12.0, 5180.0),
        (-17040.0, -32960.0, 23.0, 4.0, 2412.0),
    ]
    extent = "-17150,-16850,-33150,-32850 [EPSG:6677]"
    outs = []
    for name, order in (("a", rows), ("b", rows[::-1])):
        params = _sample_params(
            tmp_path / name,
            ACCESS_POINTS=_memory_aps(order),
            EIRP_FIELD="eirp",
            HEIGHT_FIELD="h",
            FREQUENCY_FIELD="f",
            EXTENT=extent,
            MODEL=1,
            SITES=None,
        )
        with rasterio.open(run_alg("wificoverage", params)["OUTPUT_RSSI"]) as src:
            outs.append(src.read(1))
    np.testing.assert_array_equal(outs[0], outs[1])


def test_styles_load(run_alg, tmp_path):
    from qgis.core import QgsRasterLayer, QgsVectorLayer

    result = run_alg("wificoverage", _sample_params(tmp_path, PIXEL_SIZE=10.0))
    from suginami_gis.processing.base import STYLES

    coverage = QgsVectorLayer(result["OUTPUT_COVERAGE"], "c", "ogr")
    _, ok = coverage.loadNamedStyle(str(STYLES / "wifi_coverage.qml"))
    assert ok and coverage.renderer().type() == "RuleRenderer"
    assert len(coverage.renderer().rootRule().children()) == 3
    sites = QgsVectorLayer(result["OUTPUT_SITE_STATS"], "s", "ogr")
    _, ok = sites.loadNamedStyle(str(STYLES / "wifi_site_stats.qml"))
    assert ok and sites.renderer().type() == "graduatedSymbol" and sites.renderer().classAttribute() == "share_primary"
    assert len(sites.renderer().ranges()) == 4
    raster = QgsRasterLayer(result["OUTPUT_RSSI"], "r")
    assert raster.renderer().type() == "singlebandpseudocolor"  # from the sidecar .qml


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"TARGET_CRS": "EPSG:4326"}, "geographic"),
        ({"PIXEL_SIZE": 0.1, "EXTENT": "-18040,-8040,-33930,-23930 [EPSG:6677]"}, "coarser pixel"),
        ({"THRESHOLDS_DBM": "weak"}, "THRESHOLDS_DBM"),
        ({"BUILDING_HEIGHT_FIELD": None}, "BUILDING_HEIGHT_FIELD"),
        ({"HEIGHT_FIELD": None, "DEFAULT_HEIGHT": None}, "HEIGHT_FIELD"),
        ({"EIRP_FIELD": None, "DEFAULT_EIRP": None}, "EIRP_FIELD"),
        ({"FREQUENCY_FIELD": None, "DEFAULT_FREQUENCY": 900.0}, "FREQUENCY_FIELD"),
    ],
)
def test_bad_input_gives_a_clear_error_and_no_file(run_alg, tmp_path, change, message):
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException) as info:
        run_alg("wificoverage", _sample_params(tmp_path, **change))
    assert message in str(info.value)
    assert not (tmp_path / "rssi.tif").exists()


def test_frequency_out_of_band_in_the_layer(run_alg, tmp_path):
    from qgis.core import QgsProcessingException

    aps = _memory_aps([(-17000.0, -33000.0, 20.0, 8.0, 6000.0)])
    params = _sample_params(tmp_path, ACCESS_POINTS=aps, EIRP_FIELD="eirp", HEIGHT_FIELD="h", FREQUENCY_FIELD="f")
    with pytest.raises(QgsProcessingException, match="FREQUENCY_FIELD.*2400-5900 MHz"):
        run_alg("wificoverage", params)


def test_cancel_leaves_no_output(run_alg, tmp_path):
    from qgis.core import QgsProcessingException, QgsProcessingFeedback

    feedback = QgsProcessingFeedback()
    feedback.progressChanged.connect(lambda p: feedback.cancel() if p > 5 else None)
    with pytest.raises(QgsProcessingException, match="Canceled"):
        run_alg("wificoverage", _sample_params(tmp_path, PIXEL_SIZE=2.0), feedback=feedback)
    assert not any(p.suffix == ".tif" for p in tmp_path.iterdir())


def test_site_geometry_is_kept(run_alg, tmp_path):
    result = run_alg("wificoverage", _sample_params(tmp_path, PIXEL_SIZE=10.0))
    out = pyogrio.read_dataframe(result["OUTPUT_SITE_STATS"])
    src = pyogrio.read_dataframe(SAMPLE_GPKG, layer="shelter_sites")
    for a, b in zip(out.geometry, src.geometry):
        assert shapely.equals_exact(
            shapely.normalize(a), shapely.normalize(shapely.MultiPolygon([b]) if b.geom_type == "Polygon" else b), 1e-6
        )
