"""suginami:shelteraccess with scripts/qgis_process."""

from __future__ import annotations

import pyogrio
import pytest
import shapely
from conftest import SAMPLE_GPKG, run_json


def test_run_json_on_the_sample_ward(tmp_path):
    result = run_json(
        "suginami:shelteraccess",
        {
            "ROADS": f"{SAMPLE_GPKG}|layername=roads",
            "SHELTERS": f"{SAMPLE_GPKG}|layername=shelters",
            "SHELTER_ID_FIELD": "shelter_id",
            "SHELTER_NAME_FIELD": "name_ja",
            "BANDS": "5,10,15",
            "OUTPUT": tmp_path / "areas.gpkg",
        },
    )
    results = result["results"]
    areas = pyogrio.read_dataframe(results["OUTPUT"])
    shelters = pyogrio.read_dataframe(SAMPLE_GPKG, layer="shelters")
    assert set(areas["shelter_id"]) == {str(s) for s in shelters["shelter_id"]}
    assert set(areas["band_to_min"]) <= {5.0, 10.0, 15.0}
    geoms = areas.geometry.to_numpy()
    assert shapely.union_all(geoms).area == pytest.approx(shapely.area(geoms).sum(), rel=1e-6)
    assert results["TOTAL_AREA_M2"] == pytest.approx(areas["area_m2"].sum(), rel=1e-6)
