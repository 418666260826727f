"""suginami:scenario end to end through scripts/qgis_process --json, as a batch user runs it."""

from __future__ import annotations

import csv
from pathlib import Path

import pyogrio
import pytest
from conftest import SAMPLE_AVS30, SAMPLE_GPKG, run_json


def test_scenario_through_qgis_process(tmp_path):
    folder = tmp_path / "ward"
    ward = SAMPLE_GPKG
    payload = run_json(
        "suginami:scenario",
        {
            "EPICENTER": "-17040,-32930 [EPSG:6677]",
            "MAGNITUDE": 7.3,
            "DEPTH": 25,
            "FAULT_TYPE": 2,
            "AVS30": SAMPLE_AVS30,
            "EXTENT": "-18540,-15540,-34430,-31430 [EPSG:6677]",
            "PIXEL_SIZE": 100,
            "BUILDINGS": f"{ward}|layername=buildings",
            "ROADS": f"{ward}|layername=roads",
            "SHELTERS": f"{ward}|layername=shelters",
            "SHELTER_SITES": f"{ward}|layername=shelter_sites",
            "ACCESS_POINTS": f"{ward}|layername=wifi_aps",
            "DISTRICTS": f"{ward}|layername=districts",
            # Fire-proofing by area (不燃領域率 70 % in every district) and more initial extinguishment.
            "FIREPROOF_AREAS": f"{ward}|layername=districts",
            "MITIGATED_INITIAL_EXTINGUISHMENT": 0.6,
            "REALIZATIONS": 5,
            "SEED": 3,
            "WIFI_PIXEL_SIZE": 10,
            "OUTPUT_FOLDER": folder,
        },
    )
    results = payload["results"]
    assert Path(results["OUTPUT_FOLDER"]) == folder
    for name in ("scenario.gpkg", "scenario.qgz", "comparison.csv", "intensity.tif", "wifi_rssi.tif"):
        assert (folder / name).exists(), name
    assert Path(results["INDEX_HTML_BASELINE"]).exists() and Path(results["INDEX_HTML_MITIGATED"]).exists()
    with (folder / "comparison.csv").open(encoding="utf-8-sig") as handle:
        ward_row = list(csv.DictReader(handle))[-1]
    for key in ("collapsed", "burned", "deaths", "shelter_demand", "unreachable"):
        before, after = results[f"BASELINE_{key.upper()}"], results[f"MITIGATED_{key.upper()}"]
        assert float(ward_row[f"{key}_before"]) == pytest.approx(before, abs=1e-4)
        assert float(ward_row[f"{key}_after"]) == pytest.approx(after, abs=1e-4)
    # Retrofit to 96 %, fire-proofing to 70 % and more initial extinguishment must help.
    assert results["MITIGATED_COLLAPSED"] < results["BASELINE_COLLAPSED"]
    assert results["MITIGATED_BURNED"] < results["BASELINE_BURNED"]
    summary = {
        run: pyogrio.read_dataframe(folder / "scenario.gpkg", layer=f"{run}_fire_summary").iloc[0]
        for run in ("baseline", "mitigated")
    }
    assert summary["baseline"]["initial_extinguishment"] == pytest.approx(0.366)
    assert summary["mitigated"]["initial_extinguishment"] == pytest.approx(0.6)
    assert summary["baseline"]["fireproof_areas"] == 0 and summary["mitigated"]["fireproof_areas"] == 9
    assert len(pyogrio.read_dataframe(folder / "scenario.gpkg", layer="input_fireproof_areas")) == 9
    assert len(results["STEP_SECONDS"]) >= 15
    # No temporary folder is left beside the result.
    assert [p.name for p in tmp_path.iterdir()] == ["ward"]
