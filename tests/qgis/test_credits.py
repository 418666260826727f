"""GSI shelter lists, far shelters, data credits and one-class report maps (issue 19), on the real Nerima data."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest
from conftest import memory_layer
from shapely.geometry import LineString, Point

GSI = "gsi-shelters-jp-shelter-api"


@pytest.fixture(scope="module")
def nerima_shelters(provider, shared_data, tmp_path_factory):
    """Nerima's 指定緊急避難場所 and 指定避難所 lists as one layer, as a user merges them in QGIS."""
    import processing

    out = tmp_path_factory.mktemp("gsi") / "nerima_gsi.gpkg"
    layers = [str(shared_data / GSI / f"131202_nerima_{kind}.geojson") for kind in ("emergency", "evacuation")]
    return processing.run("native:mergevectorlayers", {"LAYERS": layers, "CRS": None, "OUTPUT": str(out)})["OUTPUT"]


@pytest.fixture(scope="module")
def nerima_routes(provider, shared_data, nerima_shelters, tmp_path_factory):
    """suginami:evacuationroutes on Nerima's 2 x 2 km OSM extract with the ward's whole GSI list."""
    import processing

    osm = shared_data / "osm-nerima-2011" / "nerima_2011_tokyo.osm"
    origins = memory_layer(
        "Point",
        [Point(139.655 + 0.004 * i, 35.735 + 0.003 * j) for i in range(3) for j in range(3)],
        [("home", "string")],
        [(f"h{k}",) for k in range(9)],
        crs="EPSG:4326",
    )
    folder = tmp_path_factory.mktemp("routes")
    return processing.run(
        "suginami:evacuationroutes",
        {
            "OSM_FILE": str(osm),
            "ORIGINS": origins,
            "SHELTERS": nerima_shelters,
            "MAX_MINUTES": 0,
            "OUTPUT_ROUTES": str(folder / "routes.gpkg"),
            "OUTPUT_ASSIGNMENT": str(folder / "origins.gpkg"),
            "OUTPUT_SHELTERS": str(folder / "shelters.gpkg"),
        },
    )


def _rows(path):
    from qgis.core import QgsVectorLayer

    layer = QgsVectorLayer(str(path), "x", "ogr")
    assert layer.isValid(), path
    names = layer.fields().names()
    return [dict(zip(names, f.attributes())) for f in layer.getFeatures()]


def test_real_nerima_gsi_lists_are_one_shelter_per_site(nerima_routes):
    # 163 emergency + 215 shelter records; no 共通ID in common, 163 pairs by name and address -> 215 sites.
    rows = _rows(nerima_routes["OUTPUT_SHELTERS"])
    assert len(rows) == 215
    assert len({r["shelter_id"] for r in rows}) == 215
    assert all(r["shelter_id"] == r["共通ID"] and r["shelter_name"] == r["施設・場所名"] for r in rows)
    assert {r["都道府県名及び市町村名"] for r in rows} == {"東京都練馬区"}
    assert sum(r["地震"] == "1" for r in rows) == 98  # SOURCE.md: 地震 98
    assert sum(r["指定区分"] == "指定緊急避難場所・指定避難所" for r in rows) == 163
    assert all(r["住所"].startswith("東京都練馬区") for r in rows)


def test_shelters_off_the_network_are_flagged_and_receive_no_one(nerima_routes):
    # The OSM extract is 2 x 2 km of a 48 km2 ward: most of the ward's shelters lie kilometres from it.
    rows = _rows(nerima_routes["OUTPUT_SHELTERS"])
    far = [r for r in rows if r["far_from_street"]]
    near = [r for r in rows if not r["far_from_street"]]
    assert far and near
    assert min(r["snap_m"] for r in far) > 200.0 >= max(r["snap_m"] for r in near)
    assert max(r["snap_m"] for r in far) > 2000.0
    assert all(not r["assigned"] for r in far)
    chosen = {r["shelter_id"] for r in _rows(nerima_routes["OUTPUT_ASSIGNMENT"])}
    assert chosen <= {r["shelter_id"] for r in near}


def test_earthquake_filter_keeps_the_98_earthquake_sites(provider, shared_data, nerima_shelters, tmp_path):
    import processing

    osm = shared_data / "osm-nerima-2011" / "nerima_2011_tokyo.osm"
    result = processing.run(
        "suginami:shelteraccess",
        {
            "OSM_FILE": str(osm),
            "SHELTERS": nerima_shelters,
            "SHELTER_EARTHQUAKE_ONLY": True,
            "BANDS": "5,10",
            "OUTPUT": str(tmp_path / "areas.gpkg"),
        },
    )
    ids = {r["shelter_id"] for r in _rows(result["OUTPUT"])}
    evacuation = json.loads((shared_data / GSI / "131202_nerima_emergency.geojson").read_text(encoding="utf-8"))
    quake_ids = {f["properties"]["共通ID"] for f in evacuation["features"] if f["properties"]["地震"] == "1"}
    assert ids and ids <= quake_ids


def test_public_export_lists_each_site_once_with_its_gsi_fields(provider, nerima_routes, tmp_path):
    import processing
    from qgis.core import QgsVectorLayer

    layer = QgsVectorLayer(nerima_routes["OUTPUT_SHELTERS"], "evacuation_shelters", "ogr")
    result = processing.run(
        "suginami:publicexport", {"LAYERS": [layer], "MIN_COUNT": 1, "OUTPUT_FOLDER": str(tmp_path / "public")}
    )
    with open(result["SHELTERS_CSV"], encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 215 and len({r["共通ID"] for r in rows}) == 215
    assert {r["都道府県名及び市町村名"] for r in rows} == {"東京都練馬区"}
    assert all(r["施設・場所名"] and r["住所"] for r in rows)
    assert sum(r["地震"] == "1" for r in rows) == 98
    far = [r for r in rows if r["道路から遠く不使用"] == "1"]
    assert far and all(float(r["道路までの距離(m)"]) >= 200 for r in far)  # rounded to the metre


def test_scenario_credits_recognise_osm_plateau_and_gsi(provider, shared_data, nerima_shelters):
    from qgis.core import QgsApplication, QgsProcessingContext

    from suginami_gis.processing.scenario.credits import scenario_credits

    alg = QgsApplication.processingRegistry().algorithmById("suginami:scenario")
    plateau = shared_data / "plateau2020-tokyo23-bldg-mvt" / "nerima_osm_area_buildings_plateau2020.gpkg"
    parameters = {
        "BUILDINGS": str(plateau),
        "OSM_FILE": str(shared_data / "osm-nerima-2011" / "nerima_2011_tokyo.osm"),
        "SHELTERS": nerima_shelters,
    }
    context = QgsProcessingContext()
    credits = scenario_credits(alg, parameters, context)
    assert [c.source for c in credits.sources] == ["OpenStreetMap", "PLATEAU", "GSI"]
    assert credits.municipality == "東京都練馬区"
    assert credits.licence == "ODbL 1.0" and not credits.conflicts  # share-alike streets
    for text in ("OpenStreetMap", "PLATEAU", "国土地理院"):
        assert text in credits.attribution
    assert credits.titles("現状", "current state")[0] == "東京都練馬区 地震被害想定（現状）"
    given = scenario_credits(alg, {**parameters, "LICENSE": "CC BY 4.0", "MUNICIPALITY": "練馬区"}, context)
    assert given.licence == "CC BY 4.0" and "ODbL" in given.conflicts[0] and given.municipality == "練馬区"
    # Without the GSI list the municipality comes from PLATEAU's 建物ID (13120-bldg-...).
    plateau_only = scenario_credits(alg, {"BUILDINGS": str(plateau)}, context)
    assert plateau_only.municipality == "東京都練馬区" and plateau_only.licence == "CC BY 4.0"


def _graduated(values):
    from qgis.core import QgsGraduatedSymbolRenderer, QgsRendererRange, QgsSymbol, QgsWkbTypes

    layer = memory_layer(
        "LineString",
        [LineString([(i, 0), (i, 1)]) for i in range(len(values))],
        [("p", "double")],
        [(v,) for v in values],
    )
    ranges = [
        QgsRendererRange(lo, hi, QgsSymbol.defaultSymbol(QgsWkbTypes.LineGeometry), label)
        for lo, hi, label in ((0.0, 0.05, "< 5 %"), (0.05, 0.5, "5-50 %"), (0.5, 1.0, "50-100 %"))
    ]
    layer.setRenderer(QgsGraduatedSymbolRenderer("p", ranges))
    return layer


def test_a_map_in_one_class_says_so(qgis_app):
    from suginami_gis.processing.report_classes import single_class_note, used_classes

    lowest = _graduated([0.0, 0.01, 0.049])
    spread = _graduated([0.0, 0.2, 0.9])
    assert used_classes(lowest) == ["< 5 %"] and used_classes(spread) == ["< 5 %", "5-50 %", "50-100 %"]
    note = single_class_note([("Before", [lowest]), ("After", [_graduated([0.01])])])
    assert note.startswith("Low-information map") and "< 5 %" in note and "情報の少ない地図" in note
    assert (
        single_class_note([("Before", [spread]), ("After", [lowest])])
        == "One class only in After: < 5 %. 一つの区分のみ：After: < 5 %"
    )
    assert single_class_note([("Before", [spread])]) == ""


def test_a_uniform_intensity_raster_is_one_class(qgis_app, tmp_path):
    import rasterio
    from rasterio.transform import from_origin

    from suginami_gis.processing.render import load_styled_layer
    from suginami_gis.processing.report_classes import used_classes

    path = tmp_path / "intensity.tif"
    profile = {"driver": "GTiff", "width": 4, "height": 3, "count": 1, "dtype": "float32", "crs": "EPSG:6677"}
    with rasterio.open(path, "w", transform=from_origin(0, 300, 100, 100), **profile) as dst:
        dst.write(np.full((1, 3, 4), 5.2, dtype=np.float32))
    layer = load_styled_layer(str(path), "intensity", "jma_intensity")
    assert used_classes(layer) == ["5+ / 震度5強"]


def test_scenario_takes_a_gsi_list_without_field_parameters(provider, nerima_shelters, tmp_path):
    # The scenario's field defaults are the sample ward's (shelter_id, name_ja, capacity): with a GSI
    # list they are dropped for the reader's GSI defaults instead of refusing the layer.
    from conftest import SAMPLE_GPKG
    from qgis.core import QgsApplication, QgsProcessingContext

    from suginami_gis.processing.scenario.settings import check_inputs

    alg = QgsApplication.processingRegistry().algorithmById("suginami:scenario")
    layers = {
        key: f"{SAMPLE_GPKG}|layername={name}"
        for key, name in (
            ("BUILDINGS", "buildings"),
            ("ROADS", "roads"),
            ("SHELTER_SITES", "shelter_sites"),
            ("ACCESS_POINTS", "wifi_aps"),
            ("DISTRICTS", "districts"),
        )
    }
    parameters = {
        **layers,
        "SHELTERS": nerima_shelters,
        "EPICENTER": "-17040,-32930 [EPSG:6677]",
        "OUTPUT_FOLDER": str(tmp_path / "ward"),
    }
    settings = check_inputs(alg, parameters, QgsProcessingContext())
    assert [settings.fields[k] for k in ("SHELTER_ID_FIELD", "SHELTER_NAME_FIELD", "CAPACITY_FIELD")] == [None] * 3
    # A field named explicitly is still checked.
    with pytest.raises(Exception, match="SHELTER_ID_FIELD"):
        check_inputs(alg, {**parameters, "SHELTER_ID_FIELD": "shelter_id"}, QgsProcessingContext())
