"""Acceptance: the scenario on Nerima's real data with no hand-made layers (issue 19).

The real OSM extract, the PLATEAU 2020 footprints (EPSG:4326, attributes imputed by
suginami:imputebuildingattributes) and the GSI shelters (EPSG:4326); no Wi-Fi access points, no
shelter sites, no districts. The scenario runs once (module fixture, few realizations); each test
checks one finding. Other checks (credits, street widths) add test functions on ``nerima``.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from conftest import SHARED_DATA

OSM_FILE = SHARED_DATA / "osm-nerima-2011" / "nerima_2011_tokyo.osm"
PLATEAU = SHARED_DATA / "plateau2020-tokyo23-bldg-mvt" / "nerima_osm_area_buildings_plateau2020.gpkg"
SHELTERS = SHARED_DATA / "gsi-shelters-jp-shelter-api" / "131202_nerima_evacuation.geojson"
# The PLATEAU extract's footprint count (its SOURCE.md).
N_BUILDINGS = 12_893
REALIZATIONS = 2
SEED = 19

pytestmark = pytest.mark.skipif(
    not all(p.exists() for p in (OSM_FILE, PLATEAU, SHELTERS)),
    reason=f"the Nerima real data are not in {SHARED_DATA} (osm-nerima-2011, plateau2020-tokyo23-bldg-mvt, gsi-shelters)",
)


class Run:
    """What the module's one scenario run leaves: its result, log, folder and imputation result."""

    def __init__(self, result: dict, log: str, folder: Path, imputed: dict) -> None:
        self.result, self.log, self.folder, self.imputed = result, log, folder, imputed

    @property
    def gpkg(self) -> Path:
        return self.folder / "scenario.gpkg"

    def rows(self, sql: str) -> list[tuple]:
        with sqlite3.connect(self.gpkg) as db:
            return db.execute(sql).fetchall()


def scenario_parameters(buildings: str, folder: Path) -> dict:
    """The scenario's inputs: only the required layers, each field chosen as the data name it."""
    return {
        "EPICENTER": "139.80,35.62 [EPSG:4326]",  # under Tokyo Bay's north shore, about 20 km away
        "MAGNITUDE": 7.3,
        "PIXEL_SIZE": 100.0,
        "BUILDINGS": buildings,
        "BUILDING_ID_FIELD": "bldg_id",
        "OCCUPANTS_FIELD": None,  # PLATEAU has no residents: every step counts DEFAULT_OCCUPANTS
        "FLOORS_FIELD": "floors",
        "BUILDING_HEIGHT_FIELD": "measured_height_m",
        "OSM_FILE": str(OSM_FILE),
        "SHELTERS": str(SHELTERS),  # the GSI list as published: its fields are recognised
        "CAPACITY_FIELD": None,
        "REALIZATIONS": REALIZATIONS,
        "SEED": SEED,
        "OUTPUT_FOLDER": str(folder),
    }


class LogFeedback:
    """A QgsProcessingFeedback that keeps every message."""

    def __new__(cls):
        from qgis.core import QgsProcessingFeedback

        class _Feedback(QgsProcessingFeedback):
            def __init__(self) -> None:
                super().__init__()
                self.lines: list[str] = []

            def pushInfo(self, info: str) -> None:
                self.lines.append(info)
                super().pushInfo(info)

        return _Feedback()


@pytest.fixture(scope="module")
def nerima(provider, tmp_path_factory) -> Run:
    import processing
    from qgis.core import QgsProcessingContext, QgsProject

    work = tmp_path_factory.mktemp("nerima")
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    imputed = processing.run(
        "suginami:imputebuildingattributes",
        {"INPUT": str(PLATEAU), "HEIGHT_FIELD": "measured_height_m", "SEED": SEED, "OUTPUT": str(work / "b.gpkg")},
        context=context,
        feedback=LogFeedback(),
    )
    feedback = LogFeedback()
    result = processing.run(
        "suginami:scenario", scenario_parameters(imputed["OUTPUT"], work / "ward"), context=context, feedback=feedback
    )
    return Run(result, "\n".join(feedback.lines), work / "ward", imputed)


def test_the_scenario_completes_without_wifi_sites_or_districts(nerima):
    assert Path(nerima.result["REPORT_PDF"]).is_file()
    assert Path(nerima.result["PROJECT"]).is_file()
    assert nerima.rows("SELECT count(*) FROM baseline_buildings")[0][0] == N_BUILDINGS
    # One ward-wide district named after the municipality the GSI records name; no Wi-Fi layers.
    assert nerima.rows("SELECT name_ja FROM input_districts") == [("東京都練馬区",)]
    tables = {name for (name,) in nerima.rows("SELECT table_name FROM gpkg_contents")}
    assert "wifi_coverage" not in tables
    assert "ACCESS_POINTS not given" in nerima.log


def test_the_report_and_web_map_say_wifi_was_not_assessed(nerima):
    html = (nerima.folder / "report.html").read_text(encoding="utf-8")
    assert "no Wi-Fi access points" in html
    assert "ward-wide district" in html
    # The web map's notice (config.js, shown on the page) says so in plain words (its description).
    config = (Path(nerima.result["INDEX_HTML_BASELINE"]).parent / "config.js").read_text(encoding="utf-8")
    notice = json.loads(config[config.index("{") : config.rindex("}") + 1])["notice"]
    assert "no Wi-Fi access points" in json.dumps(notice, ensure_ascii=False)


def test_routing_counts_people_not_buildings(nerima):
    from suginami_gis.core.people import DEFAULT_OCCUPANTS

    (population,) = nerima.rows("SELECT sum(population) FROM baseline_evacuation_origins")[0]
    assert population == pytest.approx(N_BUILDINGS * DEFAULT_OCCUPANTS, rel=1e-9)
    # The comparison's unreachable population is people: each origin weighs DEFAULT_OCCUPANTS.
    (unreachable,) = nerima.rows(
        "SELECT sum(population * (1 - coalesce(p_reach, CASE WHEN unreachable THEN 0 ELSE 1 END)))"
        " FROM baseline_evacuation_origins"
    )[0]
    assert nerima.result["BASELINE_UNREACHABLE"] == pytest.approx(unreachable, rel=1e-6)


def test_inputs_in_degrees_are_worked_in_metres(nerima):
    assert "BUILDINGS: EPSG:4326 is in degrees" in nerima.log
    # One PLATEAU footprint folds into a self-intersection in EPSG:6677: repaired and counted, not refused.
    assert "BUILDINGS: 1 geometries were invalid after the transform to EPSG:6677 and were repaired" in nerima.log
    with sqlite3.connect(nerima.gpkg) as db:
        srs = db.execute(
            "SELECT organization_coordsys_id FROM gpkg_geometry_columns JOIN gpkg_spatial_ref_sys USING (srs_id)"
            " WHERE table_name = 'baseline_road_blockage'"
        ).fetchone()
    assert srs == (6677,)


def test_the_imputation_names_its_preset(nerima):
    assert nerima.imputed["SHARES_PRESET"] == "Suginami"


def test_shelters_csv_names_the_municipality_from_the_data(nerima):
    tables = sorted(nerima.folder.rglob("shelters.csv"))
    assert tables, "no shelters.csv in the public exports"
    for path in tables:
        text = path.read_text(encoding="utf-8-sig")
        assert "東京都練馬区" in text and "杉並区" not in text, path


def test_web_map_and_metadata_credit_openstreetmap_and_plateau(nerima):
    metadata = sorted(nerima.folder.rglob("metadata.json"))
    configs = sorted(nerima.folder.rglob("config.js"))
    assert metadata and configs
    for path in [*metadata, *configs]:
        text = path.read_text(encoding="utf-8")
        assert "OpenStreetMap" in text and "ODbL" in text, path
        assert "PLATEAU" in text and "CC BY 4.0" in text, path
    # Results derived from ODbL streets are published under the share-alike licence.
    assert all(json.loads(p.read_text(encoding="utf-8"))["license"]["name"].startswith("ODbL") for p in metadata)


def test_street_widths_come_from_tags_first_and_are_not_overestimated(nerima):
    """Tagged widths are used as tagged; estimated ones stay within the class caps of the Road Structure
    Ordinance (the finding: a median 11.1 m on streets tagged 3.0-5.5 m, 35 % at 13 m or more)."""
    from suginami_gis.core import network as nw

    rows = nerima.rows("SELECT highway, width_m, width_source FROM baseline_road_blockage")
    assert len(rows) > 1000
    sources = {source for _, _, source in rows}
    assert {"osm_width", "yh_width"} <= sources, sources  # the tagged widths are used as tagged
    estimated = [(h, w) for h, w, source in rows if source == "buildings"]
    assert estimated, sources
    assert all(w <= nw.width_cap(h) + 1e-9 for h, w in estimated)
    narrow = [w for h, w in estimated if h in ("residential", "living_street", "service")]
    assert narrow and max(narrow) < 13.0


def test_published_files_hold_no_local_path_user_or_host(nerima):
    """Every file of both public folders (GeoJSON, GeoPackage, tiles, JS, JSON, CSV, README), as bytes."""
    import getpass
    import os
    import socket

    repo = Path(__file__).resolve().parents[2]
    private = {str(repo), str(nerima.folder.parent), os.path.expanduser("~") + "/", getpass.getuser() + "/"}
    host = socket.gethostname()
    if len(host) >= 6:  # a short host name could occur by chance in data
        private.add(host)
    folders = [nerima.folder / "public_baseline", nerima.folder / "public_mitigated"]
    files = [p for folder in folders for p in folder.rglob("*") if p.is_file()]
    assert len(files) > 20 and {p.suffix for p in files} >= {".geojson", ".gpkg", ".js", ".json", ".csv", ".md"}
    for path in files:
        data = path.read_bytes()
        for text in private:
            assert text.encode() not in data, f"{path.relative_to(nerima.folder)} holds {text!r}"
