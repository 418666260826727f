"""The scenario runs from imported layers with no hand edits (issue 17's acceptance).

AVS30 from suginami:importavs30 (a J-SHIS file in the published layout over the sample ward) and
residents from suginami:distributepopulation (a 町丁目 table joined to the sample districts) go
straight into suginami:scenario with its default field names.
"""

from __future__ import annotations

import zipfile

import numpy as np
from conftest import SAMPLE_GPKG, sample_layer
from qgis.core import QgsVectorLayer
from rasterio.warp import transform_bounds

from suginami_gis.core import avs30, mesh


def sample(name: str) -> str:
    return f"{SAMPLE_GPKG}|layername={name}"


def _jshis_zip(path):
    """Upland (380 m/s) meshes with a soft valley column (200 m/s) over the sample ward."""
    west, south, east, north = transform_bounds("EPSG:6677", "EPSG:6668", -18540, -34430, -15540, -31430)
    rows = set()
    for lat in np.arange(south, north, 7.5 / 3600):
        for j, lon in enumerate(np.arange(west, east, 11.25 / 3600)):
            soft = j % 4 == 0
            rows.add((mesh.to_code(lat, lon, 5), 15 if soft else 9, 200.0 if soft else 380.0, 1.9 if soft else 1.2))
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Z-V4-JAPAN-AMP-VS400_M250-5339.csv", avs30.write_jshis_csv(sorted(rows)))
    return path


def test_scenario_runs_on_imported_ground_and_population(run_alg, tmp_path):
    imported = run_alg(
        "importavs30",
        {"INPUT": str(_jshis_zip(tmp_path / "jshis.zip")), "PIXEL_SIZE": 50.0, "OUTPUT": str(tmp_path / "avs30.tif")},
    )
    census = {f["name_ja"]: int(f["population"]) for f in sample_layer("districts").getFeatures()}
    table = tmp_path / "population.csv"
    table.write_text("町丁目,総人口\n" + "".join(f"{k},{v}\n" for k, v in census.items()), encoding="utf-8")
    people = run_alg(
        "distributepopulation",
        {
            "BUILDINGS": sample("buildings"),
            "POPULATION_TABLE": str(table),
            "DISTRICTS": sample("districts"),
            "DISTRICT_KEY_FIELD": "name_ja",
            "USE_FIELD": "use",
            "FLOORS_FIELD": "floors",
            "DAY_NIGHT_RATIO": 0.85,
            "OUTPUT": str(tmp_path / "buildings_people.gpkg"),
        },
    )
    folder = tmp_path / "ward"
    result = run_alg(
        "scenario",
        {
            "EPICENTER": "-17040,-32930 [EPSG:6677]",
            "MAGNITUDE": 7.3,
            "DEPTH": 25.0,
            "FAULT_TYPE": 2,
            "AVS30": imported["OUTPUT"],
            "PIXEL_SIZE": 100.0,
            "BUILDINGS": people["OUTPUT"],
            "ROADS": sample("roads"),
            "SHELTERS": sample("shelters"),
            "SHELTER_SITES": sample("shelter_sites"),
            "ACCESS_POINTS": sample("wifi_aps"),
            "DISTRICTS": sample("districts"),
            "REALIZATIONS": 2,
            "SEED": 7,
            "WIFI_PIXEL_SIZE": 20.0,
            "OUTPUT_FOLDER": str(folder),
        },
    )
    assert (folder / "scenario.gpkg").exists()
    assert result["BASELINE_COLLAPSED"] > 0
    # The scenario used the imported residents: its copy of the buildings holds them, summing to the table.
    buildings = QgsVectorLayer(f"{folder / 'scenario.gpkg'}|layername=baseline_buildings", "b", "ogr")
    assert buildings.isValid()
    assert sum(f["occupants"] for f in buildings.getFeatures()) == sum(census.values())
