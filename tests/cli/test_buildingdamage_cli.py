"""suginami:buildingdamage with scripts/qgis_process (--json), on the sample ward."""

from __future__ import annotations

import numpy as np
import pyogrio
from conftest import SAMPLE_GPKG, run_json
from rasterio.crs import CRS

from suginami_gis.core.rasters import Grid, write_geotiff


def test_run_json_with_districts_and_summary(tmp_path):
    grid = Grid.from_extent(-18540, -34430, -15540, -31430, 100.0, CRS.from_epsg(6677).to_wkt())
    xs, _ = grid.centers()
    # Intensity 5.8 (6-) in the west rising to 6.3 (6+) in the east of the sample ward.
    field = np.tile(np.interp(xs, [xs[0], xs[-1]], [5.8, 6.3]), (grid.height, 1))
    write_geotiff(tmp_path / "intensity.tif", grid, [field], 1, descriptions=["intensity"])
    result = run_json(
        "suginami:buildingdamage",
        {
            "BUILDINGS": f"{SAMPLE_GPKG}|layername=buildings",
            "STRUCTURE_FIELD": "structure",
            "YEAR_FIELD": "year_built",
            "OCCUPANTS_FIELD": "occupants",
            "GROUND_MOTION": tmp_path / "intensity.tif",
            "GROUND_MOTION_MEASURE": 0,
            "RETROFIT_TARGET_RATE": 0.96,
            "REALIZATIONS": 100,
            "SEED": 11,
            "SCENARIO_HOUR": 5,
            "DISTRICTS": f"{SAMPLE_GPKG}|layername=districts",
            "DISTRICT_NAME_FIELD": "name_ja",
            "OUTPUT": tmp_path / "damage.gpkg",
            "OUTPUT_DISTRICTS": tmp_path / "districts.gpkg",
            "OUTPUT_SUMMARY": tmp_path / "summary.gpkg",
        },
    )
    r = result["results"]
    buildings = pyogrio.read_dataframe(r["OUTPUT"])
    districts = pyogrio.read_dataframe(r["OUTPUT_DISTRICTS"])
    summary = pyogrio.read_dataframe(r["OUTPUT_SUMMARY"])
    assert r["BUILDINGS_TOTAL"] == len(buildings) and r["BUILDINGS_SKIPPED"] == 0
    assert abs(r["SHARE_SEISMIC_STANDARD_AFTER"] - 0.96) < 1e-3
    assert r["COLLAPSED_P5"] <= r["COLLAPSED"] <= r["COLLAPSED_P95"]
    assert abs(buildings["p_collapse"].sum() - r["COLLAPSED"]) < 0.05 * r["COLLAPSED"] + 3  # Monte Carlo error
    assert len(districts) == 9 and set(districts["district"]) == set(
        pyogrio.read_dataframe(SAMPLE_GPKG, layer="districts")["name_ja"]
    )
    assert abs(districts["collapsed"].sum() - r["COLLAPSED"]) < 1e-6 * len(buildings)
    assert len(summary) == 1 and abs(float(summary["deaths"].iloc[0]) - r["DEATHS"]) < 1e-6
    print(f"\nsample ward, 05:00, retrofit to 96 %: {r['COLLAPSED']:.1f} collapsed, {r['DEATHS']:.2f} deaths")
