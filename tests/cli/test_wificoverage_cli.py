"""suginami:wificoverage with scripts/qgis_process."""

from __future__ import annotations

import numpy as np
import pyogrio
import rasterio
from conftest import SAMPLE_GPKG, run_json, run_qgis_process

from suginami_gis.core import wifi
from suginami_gis.core.rasters import Grid


def test_buildings_act_inside_qgis_process_as_in_the_core(tmp_path):
    # qgis_process loads QGIS's own GEOS globally; the result must still equal the pure core's
    # (an earlier version silently burnt no buildings there).
    result = run_json(
        "suginami:wificoverage",
        {
            "ACCESS_POINTS": f"{SAMPLE_GPKG}|layername=wifi_aps",
            "EIRP_FIELD": "eirp_dbm",
            "HEIGHT_FIELD": "height_m",
            "FREQUENCY_FIELD": "frequency_mhz",
            "BUILDINGS": f"{SAMPLE_GPKG}|layername=buildings",
            "BUILDING_HEIGHT_FIELD": "height_m",
            "EXTENT": "-17400,-17000,-33600,-33200 [EPSG:6677]",
            "PIXEL_SIZE": 4,
            "OUTPUT_RSSI": tmp_path / "rssi.tif",
            "OUTPUT_COVERAGE": tmp_path / "coverage.gpkg",
        },
    )
    with rasterio.open(result["results"]["OUTPUT_RSSI"]) as src:
        rssi = src.read(1, masked=True)
        t = src.transform
    aps_df = pyogrio.read_dataframe(SAMPLE_GPKG, layer="wifi_aps")
    b_df = pyogrio.read_dataframe(SAMPLE_GPKG, layer="buildings")
    aps = [
        wifi.AccessPoint(g.x, g.y, r.eirp_dbm, r.height_m, r.frequency_mhz)
        for r, g in zip(aps_df.itertuples(), aps_df.geometry)
    ]
    core = wifi.compute_coverage(
        aps,
        Grid(t.c, t.f, 4.0, rssi.shape[1], rssi.shape[0], ""),
        wifi.Buildings(list(b_df.geometry), b_df["height_m"].to_numpy()),
    )
    assert (core.buildings_crossed > 0).sum() > 200
    np.testing.assert_array_equal(rssi.mask, ~np.isfinite(core.rssi_dbm))
    np.testing.assert_allclose(rssi.compressed(), core.rssi_dbm[np.isfinite(core.rssi_dbm)], atol=1e-4)


def test_run_json_on_the_sample_ward(tmp_path):
    result = run_json(
        "suginami:wificoverage",
        {
            "ACCESS_POINTS": f"{SAMPLE_GPKG}|layername=wifi_aps",
            "EIRP_FIELD": "eirp_dbm",
            "HEIGHT_FIELD": "height_m",
            "FREQUENCY_FIELD": "frequency_mhz",
            "MODEL": 0,
            "EXTENT": "-18040,-16040,-33930,-31930 [EPSG:6677]",
            "PIXEL_SIZE": 10,
            "THRESHOLDS_DBM": "-67,-75",
            "SITES": f"{SAMPLE_GPKG}|layername=shelter_sites",
            "SITE_ID_FIELD": "site_id",
            "EVACUEES_FIELD": "expected_evacuees",
            "OUTPUT_RSSI": tmp_path / "rssi.tif",
            "OUTPUT_COVERAGE": tmp_path / "coverage.gpkg",
            "OUTPUT_SITE_STATS": tmp_path / "sites.gpkg",
        },
    )
    results = result["results"]
    aps = pyogrio.read_dataframe(SAMPLE_GPKG, layer="wifi_aps")
    with rasterio.open(results["OUTPUT_RSSI"]) as src:
        assert src.crs.to_epsg() == 6677 and src.count == 2
        rssi = src.read(1)
        serving = src.read(2)
        # No buildings: the pixel under each AP is at most EIRP - FSPL(height - 1.5 m) and its
        # strongest server is within one pixel of it.
        for ap in aps.itertuples():
            row, col = src.index(ap.geometry.x, ap.geometry.y)
            x, y = src.xy(row, col)
            d3 = np.sqrt((x - ap.geometry.x) ** 2 + (y - ap.geometry.y) ** 2 + (ap.height_m - 1.5) ** 2)
            own = ap.eirp_dbm - (20 * np.log10(d3 / 1000) + 20 * np.log10(ap.frequency_mhz) + 32.45)
            assert rssi[row, col] >= own - 0.1
    assert set(np.unique(serving[serving > 0]).astype(int)) <= set(range(1, len(aps) + 1))
    sites = pyogrio.read_dataframe(results["OUTPUT_SITE_STATS"])
    assert len(sites) == 5 and (sites["share_75"] >= sites["share_67"]).all()
    coverage = pyogrio.read_dataframe(results["OUTPUT_COVERAGE"])
    assert sorted(coverage["threshold_dbm"]) == [-75.0, -67.0]


def test_bad_frequency_fails_with_a_clear_message(tmp_path):
    proc = run_qgis_process(
        "run",
        "suginami:wificoverage",
        "--",
        f"ACCESS_POINTS={SAMPLE_GPKG}|layername=wifi_aps",
        "DEFAULT_FREQUENCY=900",
        "PIXEL_SIZE=10",
        f"OUTPUT_RSSI={tmp_path / 'r.tif'}",
        f"OUTPUT_COVERAGE={tmp_path / 'c.gpkg'}",
    )
    assert proc.returncode != 0
    assert "FREQUENCY_FIELD" in proc.stdout + proc.stderr and "2400-5900" in proc.stdout + proc.stderr
    assert not (tmp_path / "r.tif").exists()
