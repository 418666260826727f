"""Data credits and the results' licence (core/publish/credits.py)."""

from __future__ import annotations

from suginami_gis.core.publish import credits as cr


def test_sources_are_recognised_from_files_fields_and_ids():
    assert cr.recognise("/data/nerima_2011_tokyo.osm", []) == [cr.OSM]
    assert cr.recognise("streets.gpkg|layername=osm_highways", ["osm_id", "highway", "other_tags"]) == [cr.OSM]
    assert cr.recognise("b.gpkg", ["bldg_id", "town_code"], ["13120-bldg-4711"]) == [cr.PLATEAU]
    assert cr.recognise("b.gpkg", ["gml_id"]) == [cr.PLATEAU]
    assert cr.recognise("s.geojson", ["NO", "共通ID", "施設・場所名", "住所"]) == [cr.GSI_SHELTERS]
    # The sample ward: none of them.
    assert cr.recognise("sample_ward.gpkg|layername=buildings", ["building_id", "structure"], ["b1"]) == []


def test_share_alike_streets_make_the_results_odbl():
    assert cr.results_licence([cr.PLATEAU, cr.GSI_SHELTERS]) == ("CC BY 4.0", [])
    assert cr.results_licence([cr.OSM, cr.PLATEAU]) == ("ODbL 1.0", [])
    assert cr.results_licence([cr.OSM], "ODbL-1.0") == ("ODbL-1.0", [])
    licence, conflicts = cr.results_licence([cr.OSM], "CC BY 4.0")
    assert licence == "CC BY 4.0" and len(conflicts) == 1 and "share-alike" in conflicts[0]


def test_attribution_and_municipality():
    text = cr.attribution_text(cr.merged([cr.GSI_SHELTERS, cr.OSM, cr.OSM]), "練馬区")
    assert text.startswith("© OpenStreetMap contributors (ODbL 1.0); ") and text.endswith("; 練馬区")
    assert "国土地理院" in text and text.count("OpenStreetMap") == 1
    ids = ["13119-bldg-1", "13120-bldg-2", "13120-bldg-3", "x"]
    assert cr.ward_from_plateau_ids(ids) == "東京都練馬区"
    assert cr.ward_from_plateau_ids(["27100-bldg-1"]) == ""  # not a Tokyo ward
