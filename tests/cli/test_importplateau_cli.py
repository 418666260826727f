"""suginami:importplateau with scripts/qgis_process (--json): a folder of PLATEAU CityGML files."""

from __future__ import annotations

from pathlib import Path

import pyogrio
from conftest import run_json

PLATEAU = Path(__file__).resolve().parents[1] / "data" / "plateau"


def test_run_json_on_a_folder(tmp_path):
    result = run_json("suginami:importplateau", {"FOLDER": PLATEAU, "OUTPUT": tmp_path / "buildings.gpkg"})
    r = result["results"]
    assert (r["BUILDING_COUNT"], r["FILE_COUNT"], r["WITH_STRUCTURE"], r["UNKNOWN_CODES"]) == (7, 3, 6, 2)
    out = pyogrio.read_dataframe(r["OUTPUT"])
    assert len(out) == 7 and out.crs.to_epsg() == 6677
    assert sorted(out["structure"].dropna()) == ["non_wood", "non_wood", "wood", "wood"]
    assert set(out["plateau_geometry"]) == {"lod0RoofEdge", "lod1Solid", "lod0FootPrint"}
