"""suginami:scenario end to end through scripts/qgis_process --json, as a batch user runs it."""

from __future__ import annotations

import csv
import shutil
import sys
from pathlib import Path

import pyogrio
import pytest
from conftest import REPO, SAMPLE_AVS30, SAMPLE_GPKG, run_json_and_stderr


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    """The scenario on the sample ward through qgis_process: (folder, --json payload)."""
    folder = tmp_path_factory.mktemp("scenario") / "ward"
    ward = SAMPLE_GPKG
    payload, stderr = run_json_and_stderr(
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
            "MUNICIPALITY": "東京都杉並区",
            "ATTRIBUTION": "Sample ward (synthetic)",
            "OUTPUT_FOLDER": folder,
        },
    )
    STDERR["scenario"] = stderr
    return folder, payload


# What qgis_process wrote on stderr during the scenario fixture's run.
STDERR: dict[str, str] = {}


def test_a_successful_run_prints_no_error(scenario):
    # GDAL printed "ERROR 1: No geometry column" four times (the summary tables) on a successful run.
    assert "ERROR" not in STDERR["scenario"], STDERR["scenario"]


def test_publication_names_the_municipality_and_the_sources(scenario):
    import json

    folder, _ = scenario
    for run in ("baseline", "mitigated"):
        meta = json.loads((folder / f"public_{run}" / "metadata.json").read_text(encoding="utf-8"))
        assert meta["municipality"] == "東京都杉並区"
        assert meta["attribution"] == "Sample ward (synthetic)"  # the sample has no OSM, PLATEAU or GSI input
        assert meta["license"]["name"] == "CC BY 4.0"  # no share-alike input
        assert meta["title"]["ja"].startswith("東京都杉並区 地震被害想定")
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "<title>Earthquake scenario, 東京都杉並区: current state and after mitigation</title>" in html


def test_scenario_through_qgis_process(scenario):
    folder, payload = scenario
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
    assert [p.name for p in folder.parent.iterdir()] == ["ward"]


@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="needs Debian's xvfb (scripts/setup.sh installs it)")
def test_real_qgis_desktop_opens_the_result_in_japanese(scenario, tmp_path):
    """QGIS desktop under Xvfb with the plugin: the project on the ward, the toolbox, the dialog in Japanese."""
    from PIL import Image

    sys.path.insert(0, str(REPO / "scripts"))
    from desktop_screenshots import take

    folder, _ = scenario
    shots = {path.stem: path for path in take(folder / "scenario.qgz", tmp_path, "ja")}
    assert set(shots) == {"desktop_ja", "scenario_dialog_ja"}
    window = Image.open(shots["desktop_ja"]).convert("RGB")
    assert window.size == (1600, 1000)
    # The map canvas (the middle of the window) shows the ward, not an empty white canvas.
    canvas = window.crop((500, 300, 1100, 800))
    assert len(canvas.getcolors(maxcolors=1 << 20)) > 200
    # The dialog is the plugin's scenario dialog, in Japanese: its help panel and labels draw text.
    dialog = Image.open(shots["scenario_dialog_ja"]).convert("RGB")
    assert len(dialog.getcolors(maxcolors=1 << 20)) > 50
