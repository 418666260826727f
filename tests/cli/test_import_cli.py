"""suginami:importavs30 and suginami:distributepopulation with scripts/qgis_process (--json), as a batch user runs them."""

from __future__ import annotations

import json

import pyogrio
import rasterio
from conftest import run_json

from suginami_gis.core import avs30, mesh


def test_importavs30_json(tmp_path):
    # Four 250 m meshes of Asagaya in J-SHIS's V3 layout (CODE, JCODE, AVS, ARV).
    codes = [mesh.to_code(35.7041 + i * 7.5 / 3600, 139.6361 + j * 11.25 / 3600, 5) for i in range(2) for j in range(2)]
    csv = tmp_path / "Z-V3-JAPAN-AMP-VS400_M250-5339.csv"
    csv.write_text(avs30.write_jshis_csv([(c, 9, 300.0 + 10 * k, 1.3) for k, c in enumerate(codes)], version=3))
    result = run_json(
        "suginami:importavs30",
        {"INPUT": csv, "PIXEL_SIZE": 25, "TARGET_CRS": "EPSG:6677", "OUTPUT": tmp_path / "a.tif"},
    )["results"]
    assert result["MESHES"] == 4 and result["MIN_AVS30"] == 300.0 and result["MAX_AVS30"] == 330.0
    with rasterio.open(result["OUTPUT"]) as src:
        values = set(src.read(1).ravel().tolist()) - {avs30.NODATA}
    assert values == {300.0, 310.0, 320.0, 330.0}


def test_distributepopulation_json_on_a_mesh_table(tmp_path):
    # An e-Stat 地域メッシュ統計 layout (KEY_CODE, HTKSYORI, HTKSAKI, GASSAN, T...; item names on line 2).
    buildings = tmp_path / "b.geojson"
    features = [
        {
            "type": "Feature",
            "properties": {"floors": floors},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[x, 35.7041], [x + 1e-4, 35.7041], [x + 1e-4, 35.7042], [x, 35.7042], [x, 35.7041]]],
            },
        }
        for floors, x in ((1, 139.6361), (3, 139.6364))
    ]
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::6668"}}
    buildings.write_text(json.dumps({"type": "FeatureCollection", "crs": crs, "features": features}), encoding="utf-8")
    code = mesh.to_code(35.70415, 139.6362, 4)
    table = tmp_path / "mesh.csv"
    table.write_text(f"KEY_CODE,HTKSYORI,HTKSAKI,GASSAN,T001\n,,,,人口（総数）\n{code},0,,,40\n", encoding="cp932")
    result = run_json(
        "suginami:distributepopulation",
        {
            "BUILDINGS": buildings,
            "POPULATION_TABLE": table,
            "AREA_COLUMN": "KEY_CODE",
            "POPULATION_COLUMN": "T001",
            "FLOORS_FIELD": "floors",
            "OUTPUT": tmp_path / "people.gpkg",
        },
    )["results"]
    assert result["RESIDENTS_PLACED"] == 40
    out = pyogrio.read_dataframe(result["OUTPUT"])
    assert sorted(out["occupants"]) == [10, 30]  # 1 : 3 storeys on equal footprints
