"""suginami:imputebuildingattributes with scripts/qgis_process (--json)."""

from __future__ import annotations

import pyogrio
from conftest import SAMPLE_GPKG, run_json


def test_run_json_on_sample_heights(tmp_path):
    result = run_json(
        "suginami:imputebuildingattributes",
        {
            "INPUT": f"{SAMPLE_GPKG}|layername=buildings",
            "HEIGHT_FIELD": "height_m",
            "FLOORS_FIELD": "floors",
            "SEED": 5,
            "OUTPUT": tmp_path / "imputed.gpkg",
        },
    )
    r = result["results"]
    out = pyogrio.read_dataframe(r["OUTPUT"])
    assert len(out) == r["BUILDING_COUNT"] and r["IMPUTED_FLOORS"] == 0 and r["IMPUTED_STRUCTURE"] == len(out)
    assert abs(r["SHARE_SEISMIC_STANDARD"] - 0.846) < 1 / len(out)
    assert set(out["structure"]) <= {"wood", "non_wood"}
    assert set(out["fire_resistance"]) <= {"bare_wood", "protected_wood", "semi_fireproof", "fireproof"}
    assert (out["imputed"] == "structure,year_built,fire_resistance").all()
