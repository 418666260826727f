"""suginami:wifiplacement with scripts/qgis_process."""

from __future__ import annotations

import pyogrio
import pytest
from conftest import SAMPLE_GPKG, run_json, run_qgis_process


def test_run_json_without_existing_aps(tmp_path):
    result = run_json(
        "suginami:wifiplacement",
        {
            "SITES": f"{SAMPLE_GPKG}|layername=shelter_sites",
            "SITE_ID_FIELD": "site_id",
            "EVACUEES_FIELD": "expected_evacuees",
            "BUILDINGS": f"{SAMPLE_GPKG}|layername=buildings",
            "BUILDING_HEIGHT_FIELD": "height_m",
            "MODEL": 1,
            "PIXEL_SIZE": 5,
            "CANDIDATE_SPACING": 40,
            "OBJECTIVE": 1,
            "TARGET_SHARE": 0.99,
            "MAX_NEW_APS": 5,
            "OUTPUT_NEW_APS": tmp_path / "new.gpkg",
            "OUTPUT_SITE_STATS": tmp_path / "sites.gpkg",
        },
    )
    results = result["results"]
    new = pyogrio.read_dataframe(results["OUTPUT_NEW_APS"])
    sites = pyogrio.read_dataframe(results["OUTPUT_SITE_STATS"])
    assert results["SHARE_BEFORE"] == 0.0 and results["NEW_APS"] == len(new) >= 1
    # Evacuee objective: the first pick covers the most evacuees, and gains never grow.
    assert (new["gain_unit"] == "evacuees").all() and (new["gain"].diff().dropna() <= 1e-9).all()
    assert new["share_after"].iloc[-1] == pytest.approx(results["SHARE_AFTER"], abs=1e-6)  # field precision 6
    assert (sites["n_aps_before"] == 0).all() and sites["n_aps"].sum() >= len(new)
    assert results["TARGET_REACHED"] == (results["SHARE_AFTER"] >= 0.99)


def test_missing_sites_fail_clearly(tmp_path):
    proc = run_qgis_process(
        "run",
        "suginami:wifiplacement",
        "--",
        f"OUTPUT_NEW_APS={tmp_path / 'n.gpkg'}",
        f"OUTPUT_SITE_STATS={tmp_path / 's.gpkg'}",
    )
    assert proc.returncode != 0
    assert "SITES" in proc.stdout + proc.stderr
