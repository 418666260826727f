"""core/plateau.py on CityGML fixtures written to the PLATEAU schema (tests/data/plateau/README.md)."""

from __future__ import annotations

from pathlib import Path

import pytest
import shapely

from suginami_gis.core import plateau
from suginami_gis.core.errors import InputError
from suginami_gis.core.fire import parse_fire_resistance
from suginami_gis.core.fragility import parse_structure

DATA = Path(__file__).resolve().parents[1] / "data" / "plateau"
IUR14 = DATA / "bldg_iur14_lod0roofedge.gml"
IUR20 = DATA / "bldg_iur20_lod1solid.gml"
IUR31 = DATA / "bldg_iur31_lod0footprint.gml"


def by_id(buildings: plateau.PlateauBuildings, gml_id: str) -> dict:
    i = buildings.columns["gml_id"].index(gml_id)
    return {name: values[i] for name, values in buildings.columns.items()} | {"geometry": buildings.geometries[i]}


def test_code_table_matches_the_published_code_lists():
    table = plateau.load_code_table()
    # Every code of the three i-UR 3.2 lists (標準製品仕様書 表 4-96, 4-107, 4-108) is present.
    assert sorted(table.lists["usage"]) == [
        "401", "402", "403", "404", "411", "412", "413", "414", "415",
        "421", "422", "431", "441", "451", "452", "453", "454", "461",
    ]  # fmt: skip
    assert sorted(table.lists["structure"]) == ["601", "602", "603", "604", "605", "606", "610", "611"]
    assert sorted(table.lists["fireproof"]) == ["1001", "1002", "1003", "1011"]
    # Mapped values are ones the damage and fire models accept (or None for unknown/other).
    structures = [v for _, v in table.lists["structure"].values() if v]
    parse_structure(structures)
    fires = [v for _, v in table.lists["fireproof"].values() if v]
    parse_fire_resistance(fires)
    assert table.lists["structure"]["601"] == ("木造・土蔵造", "wood")
    assert table.lists["structure"]["611"][1] is None
    assert table.lookup("structure", "鉄筋コンクリート造") == (True, "non_wood")
    assert table.lookup("usage", "499") == (False, None)


def test_iur14_lod0_roof_edge_generic_id_and_codes():
    b = plateau.read_citygml([IUR14])
    assert b.epsg == 6697 and b.iur_versions == {"1.4"}
    full = by_id(b, "BLD_14_full")
    assert full["building_id"] == "13115-bldg-1"
    assert (full["structure"], full["use"], full["year_built"], full["floors"], full["height_m"]) == (
        "wood", "detached_house", 1975, 2, 7.2
    )  # fmt: skip
    # 1003 その他 does not say bare or fire-protected wood: raw kept, class left for imputation.
    assert full["plateau_fireproof_code"] == "1003" and full["fire_resistance"] is None
    assert full["plateau_geometry"] == "lod0RoofEdge"
    # lat/lon axis order of EPSG:6697 becomes x = longitude, y = latitude.
    minx, miny, maxx, maxy = full["geometry"].bounds
    assert minx == pytest.approx(139.636) and miny == pytest.approx(35.699)
    assert maxx == pytest.approx(139.63611) and maxy == pytest.approx(35.69909)


def test_missing_attributes_stay_empty():
    b = plateau.read_citygml([IUR14])
    missing = by_id(b, "BLD_14_missing")
    for name in ("structure", "year_built", "floors", "fire_resistance", "use", "plateau_usage_code"):
        assert missing[name] is None
    assert missing["height_m"] == 15.4


def test_unknown_codes_kept_raw_reported_not_guessed():
    b = plateau.read_citygml([IUR14])
    unknown = by_id(b, "BLD_14_unknown")
    assert unknown["plateau_usage_code"] == "499" and unknown["use"] is None
    assert unknown["plateau_structure_code"] == "699" and unknown["structure"] is None
    assert unknown["fire_resistance"] == "fireproof"
    assert b.unknown_codes["usage"] == {"499": 1}
    assert b.unknown_codes["buildingStructureType"] == {"699": 1}
    lines = "\n".join(plateau.summary_lines(b))
    assert "499 (1)" in lines and "699 (1)" in lines


def test_iur20_lod1_solid_bottom_and_building_id_attribute():
    b = plateau.read_citygml([IUR20])
    assert b.iur_versions == {"2.0"}
    rc = by_id(b, "bldg_20_rc")
    assert rc["plateau_geometry"] == "lod1Solid"
    assert rc["building_id"] == "13115-bldg-101"
    assert (rc["structure"], rc["fire_resistance"], rc["use"], rc["floors"]) == (
        "non_wood",
        "fireproof",
        "apartment",
        6,
    )
    # The bottom face only: one 0.00011 x 0.00009 degree square (not the union of the walls' projections).
    assert rc["geometry"].area == pytest.approx(0.00011 * 0.00009, rel=1e-6)
    wood = by_id(b, "bldg_20_wood")
    assert (wood["structure"], wood["fire_resistance"], wood["use"]) == ("wood", "semi_fireproof", "shop_residential")


def test_iur31_footprint_and_no_value_numbers():
    b = plateau.read_citygml([IUR31])
    assert b.iur_versions == {"3.1"}
    steel = by_id(b, "bldg_31_steel")
    assert steel["plateau_geometry"] == "lod0FootPrint"
    assert steel["floors"] is None  # storeysAboveGround 9999 = no value
    assert (steel["structure"], steel["fire_resistance"], steel["use"]) == ("non_wood", None, "office")
    other = by_id(b, "bldg_31_unknownstructure")
    # measuredHeight -9999 (no value): the height is the LOD1 solid's, 40.0 to 46.5 m, and reported.
    assert other["height_m"] == pytest.approx(6.5)
    assert b.heights_from_solid == 1 and b.counts()["measuredHeight"] == 1
    assert "height_m of 1 buildings is their LOD1 solid's height" in "\n".join(plateau.summary_lines(b))
    assert other["plateau_geometry"] == "lod0FootPrint"
    assert other["structure"] is None and other["use"] is None  # 611 / 461 不明


def test_counts_per_attribute_over_three_files():
    b = plateau.read_citygml([IUR14, IUR20, IUR31])
    assert len(b) == 7
    assert b.counts() == {
        "usage": 6,
        "buildingStructureType": 6,
        "fireproofStructureType": 6,
        "yearOfConstruction": 4,
        "storeysAboveGround": 3,
        "measuredHeight": 6,
        "buildingID": 7,
    }
    assert all(g is not None and g.is_valid for g in b.geometries)


def test_truncated_xml_is_a_clear_error(tmp_path):
    text = IUR20.read_text(encoding="utf-8")
    cut = tmp_path / "cut.gml"
    cut.write_text(text[: len(text) // 2], encoding="utf-8")
    with pytest.raises(InputError, match="cut.gml: not well-formed XML.*truncated"):
        plateau.read_citygml([IUR14, cut])


def test_wrong_schema_is_a_clear_error(tmp_path):
    kml = tmp_path / "doc.kml"
    kml.write_text('<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document/></kml>')
    with pytest.raises(InputError, match="doc.kml: not a CityGML 2.0 file"):
        plateau.read_citygml([kml])
    citygml3 = tmp_path / "v3.gml"
    citygml3.write_text('<core:CityModel xmlns:core="http://www.opengis.net/citygml/3.0"/>')
    with pytest.raises(InputError, match="CityGML 3.0 is not supported"):
        plateau.read_citygml([citygml3])
    json_file = tmp_path / "b.gml"
    json_file.write_text('{"type": "FeatureCollection"}')
    with pytest.raises(InputError, match="not well-formed XML"):
        plateau.read_citygml([json_file])


def test_unsupported_iur_version_and_empty_file_set(tmp_path):
    text = IUR31.read_text(encoding="utf-8").replace("iur/uro/3.1", "iur/uro/9.0")
    future = tmp_path / "future.gml"
    future.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match="i-UR version 9.0 is not supported"):
        plateau.read_citygml([future])
    with pytest.raises(InputError, match="no files"):
        plateau.read_citygml([])


def test_mixed_crs_refused(tmp_path):
    text = IUR20.read_text(encoding="utf-8").replace("EPSG/0/6697", "EPSG/0/6677")
    other = tmp_path / "plane.gml"
    other.write_text(text, encoding="utf-8")
    with pytest.raises(
        InputError, match="different CRSs: bldg_iur14_lod0roofedge.gml is EPSG:6697, plane.gml is EPSG:6677"
    ):
        plateau.read_citygml([IUR14, other])


def test_no_buildings_is_an_error(tmp_path):
    empty = tmp_path / "relief.gml"
    empty.write_text('<core:CityModel xmlns:core="http://www.opengis.net/citygml/2.0"/>')
    with pytest.raises(InputError, match="no bldg:Building"):
        plateau.read_citygml([empty])


def test_srs_names_and_axis_order():
    assert plateau.epsg_from_srs_name("http://www.opengis.net/def/crs/EPSG/0/6697") == 6697
    assert plateau.epsg_from_srs_name("urn:ogc:def:crs:EPSG::6697") == 6697
    assert plateau.epsg_from_srs_name("EPSG:6677") == 6677
    assert plateau.epsg_from_srs_name("local") is None
    assert plateau.northing_first(6697)  # JGD2011 lat, lon (, h)
    assert plateau.northing_first(6677)  # JGD2011 / Japan Plane Rectangular CS IX: X north first
    assert not plateau.northing_first(3857)


def test_records_from_an_export_with_codes_or_labels():
    fields = plateau.match_fields(
        ["fid", "bldg:usage", "uro:BuildingDetailAttribute_uro:buildingStructureType", "fireproofStructureType",
         "yearOfConstruction", "bldg:storeysAboveGround", "measuredHeight", "uro:buildingID"]
    )  # fmt: skip
    assert fields["buildingStructureType"] == "uro:BuildingDetailAttribute_uro:buildingStructureType"
    assert set(fields) == set(plateau.ATTRIBUTES)
    records = {
        "bldg:usage": ["411", "共同住宅", None],
        "uro:BuildingDetailAttribute_uro:buildingStructureType": [601.0, "鉄筋コンクリート造", "777"],
        "fireproofStructureType": ["1002", "耐火", None],
        "yearOfConstruction": [1980, "2001", None],
        "bldg:storeysAboveGround": [2, 9999, None],
        "measuredHeight": [6.5, 30.2, -9999.0],
        "uro:buildingID": ["13115-bldg-9", "13115-bldg-10", None],
    }
    geometries = [shapely.box(0, 0, 10, 10)] * 3
    b = plateau.from_records(records, geometries, fields, source_name="export.gpkg")
    assert b.columns["structure"] == ["wood", "non_wood", None]
    assert b.columns["plateau_structure_code"] == ["601", "鉄筋コンクリート造", "777"]
    assert b.columns["fire_resistance"] == ["semi_fireproof", "fireproof", None]
    assert b.columns["use"] == ["detached_house", "apartment", None]
    assert b.columns["floors"] == [2, None, None]
    assert b.columns["height_m"] == [6.5, 30.2, None]
    assert b.unknown_codes["buildingStructureType"] == {"777": 1}


def test_snake_case_names_of_conversions():
    fields = plateau.match_fields(["fid", "bldg_id", "plateau_town_code", "measured_height_m", "year_of_construction"])
    assert fields == {
        "buildingID": "bldg_id",
        "measuredHeight": "measured_height_m",
        "yearOfConstruction": "year_of_construction",
    }


def test_cancel_stops_reading():
    from suginami_gis.core.feedback import Canceled

    class Stop:
        def set_progress(self, percent):
            pass

        def is_canceled(self):
            return True

        def info(self, message):
            pass

    with pytest.raises(Canceled):
        plateau.read_citygml([IUR14, IUR20, IUR31], feedback=Stop())
