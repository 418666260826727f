"""suginami:importplateau through QGIS Processing: CityGML fixtures, a GeoPackage export, bad files,
and the imported layer running imputation, damage and fire spread with no hand edits."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_buildingdamage import intensity_raster
from test_scenario import scenario_parameters

DATA = Path(__file__).resolve().parents[1] / "data" / "plateau"
FILES = [DATA / "bldg_iur14_lod0roofedge.gml", DATA / "bldg_iur20_lod1solid.gml", DATA / "bldg_iur31_lod0footprint.gml"]
SUBSET = "plateau2020-tokyo23-bldg-mvt/suginami_asagaya_koenji_subset_buildings.gpkg"


def layer_rows(path):
    from qgis.core import QgsVectorLayer

    layer = QgsVectorLayer(str(path), "o", "ogr")
    assert layer.isValid(), path
    return layer, {f["gml_id"] or f["building_id"]: f for f in layer.getFeatures()}


def is_null(value) -> bool:
    return value is None or value == "" or (hasattr(value, "isNull") and value.isNull())


def test_registered_with_help(provider):
    alg = provider.algorithm("importplateau")
    assert alg is not None
    ok, message = alg.canExecute()
    assert ok, message
    assert "fireproofStructureType" in alg.shortHelpString()
    assert {"INPUT", "FOLDER", "LAYER", "TARGET_CRS", "OUTPUT"} <= {p.name() for p in alg.parameterDefinitions()}


def test_citygml_files_to_the_working_crs(run_alg, tmp_path):
    result = run_alg("importplateau", {"INPUT": [str(p) for p in FILES], "OUTPUT": str(tmp_path / "b.gpkg")})
    assert result["BUILDING_COUNT"] == 7 and result["FILE_COUNT"] == 3
    assert (result["WITH_USAGE"], result["WITH_STRUCTURE"], result["WITH_FIRE_RESISTANCE"]) == (6, 6, 6)
    assert (result["WITH_YEAR"], result["WITH_FLOORS"], result["WITH_HEIGHT"], result["WITH_BUILDING_ID"]) == (
        4,
        3,
        6,
        7,
    )
    assert result["UNKNOWN_CODES"] == 2 and result["HEIGHTS_FROM_SOLID"] == 1
    layer, rows = layer_rows(result["OUTPUT"])
    assert layer.crs().authid() == "EPSG:6677"
    full = rows["BLD_14_full"]
    assert (full["structure"], full["year_built"], full["floors"], full["use"]) == ("wood", 1975, 2, "detached_house")
    assert full["plateau_fireproof_code"] == "1003" and is_null(full["fire_resistance"])
    # A 0.00011 deg x 0.00009 deg square at 35.699 N is about 9.94 m x 9.99 m.
    area = full.geometry().area()
    assert area == pytest.approx(99.3, abs=1.0)
    centre = full.geometry().centroid().asPoint()
    # EPSG:6677 origin is 36 N, 139 50' E: the square lies west and south of it (lat/lon not swapped).
    assert -18_000 < centre.x() < -17_700 and -33_500 < centre.y() < -33_300
    assert rows["bldg_20_rc"]["plateau_geometry"] == "lod1Solid"
    assert rows["bldg_20_rc"].geometry().area() == pytest.approx(area, rel=1e-3)


def test_folder_reads_the_same(run_alg, tmp_path):
    folder = tmp_path / "udx" / "bldg"
    folder.mkdir(parents=True)
    for path in FILES:
        shutil.copy2(path, folder / path.name)
    result = run_alg("importplateau", {"FOLDER": str(tmp_path / "udx"), "OUTPUT": str(tmp_path / "b.gpkg")})
    assert result["BUILDING_COUNT"] == 7 and result["FILE_COUNT"] == 3


@pytest.mark.parametrize("case", ["truncated", "mixed_crs", "not_citygml"])
def test_bad_files_give_an_error_and_no_output(run_alg, tmp_path, case):
    from qgis.core import QgsProcessingException

    bad = tmp_path / "bad.gml"
    text = FILES[1].read_text(encoding="utf-8")
    if case == "truncated":
        bad.write_text(text[: len(text) * 2 // 3], encoding="utf-8")
        message = "not well-formed XML"
    elif case == "mixed_crs":
        bad.write_text(text.replace("EPSG/0/6697", "EPSG/0/6668"), encoding="utf-8")
        message = "different CRSs"
    else:
        bad.write_text('<?xml version="1.0"?><gml:FeatureCollection xmlns:gml="http://www.opengis.net/gml"/>')
        message = "not a CityGML 2.0 file"
    out = tmp_path / "out.gpkg"
    with pytest.raises(QgsProcessingException, match=message):
        run_alg("importplateau", {"INPUT": [str(FILES[0]), str(bad)], "OUTPUT": str(out)})
    assert not out.exists()


def test_files_and_layer_together_are_refused(run_alg, tmp_path):
    from qgis.core import QgsProcessingException

    gpkg = export_gpkg(tmp_path)
    with pytest.raises(QgsProcessingException, match="not both"):
        run_alg("importplateau", {"INPUT": [str(FILES[0])], "LAYER": gpkg, "OUTPUT": "memory:"})
    with pytest.raises(QgsProcessingException, match="not both"):
        run_alg("importplateau", {"OUTPUT": "memory:"})


def export_gpkg(tmp_path: Path) -> str:
    """A GeoPackage as PLATEAU exports write it (attribute names with prefixes, codes or labels), in EPSG:6697."""
    from qgis.core import QgsFeature, QgsGeometry, QgsVectorFileWriter, QgsVectorLayer

    layer = QgsVectorLayer(
        "MultiPolygon?crs=EPSG:6697&field=gml_id:string&field=bldg:usage:string&field=bldg:yearOfConstruction:integer"
        "&field=bldg:storeysAboveGround:integer&field=bldg:measuredHeight:double"
        "&field=uro:BuildingDetailAttribute_uro:buildingStructureType:string"
        "&field=uro:BuildingDetailAttribute_uro:fireproofStructureType:string"
        "&field=uro:BuildingIDAttribute_uro:buildingID:string",
        "bldg",
        "memory",
    )
    rows = [
        (139.6360, ["a", "411", 1975, 2, 7.2, "601", "1003", "13115-bldg-1"]),
        (139.6362, ["b", "共同住宅", 1994, 6, 18.5, "鉄筋コンクリート造", "耐火", "13115-bldg-2"]),
        (139.6364, ["c", None, None, 9999, 12.0, "699", None, None]),
    ]
    features = []
    for lon, attributes in rows:
        feature = QgsFeature(layer.fields())
        lat = 35.699
        feature.setGeometry(
            QgsGeometry.fromWkt(
                f"MULTIPOLYGON((({lon} {lat},{lon + 0.00011} {lat},{lon + 0.00011} {lat + 0.00009},"
                f"{lon} {lat + 0.00009},{lon} {lat})))"
            )
        )
        feature.setAttributes(attributes)
        features.append(feature)
    layer.dataProvider().addFeatures(features)
    path = str(tmp_path / "plateau_export.gpkg")
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    error = QgsVectorFileWriter.writeAsVectorFormatV2(
        layer, path, layer.transformContext() if hasattr(layer, "transformContext") else None, options
    )
    assert error[0] == QgsVectorFileWriter.NoError, error
    return path


def test_geopackage_export_with_the_same_attributes(run_alg, tmp_path):
    result = run_alg("importplateau", {"LAYER": export_gpkg(tmp_path), "OUTPUT": str(tmp_path / "b.gpkg")})
    assert result["BUILDING_COUNT"] == 3 and result["FILE_COUNT"] == 0
    assert result["WITH_STRUCTURE"] == 3 and result["WITH_FLOORS"] == 2 and result["UNKNOWN_CODES"] == 1
    layer, rows = layer_rows(result["OUTPUT"])
    assert result["WITH_BUILDING_ID"] == 2  # a null ID is not read as the text "NULL"
    assert layer.crs().authid() == "EPSG:6677"
    assert (rows["a"]["structure"], rows["a"]["use"], rows["a"]["building_id"]) == (
        "wood",
        "detached_house",
        "13115-bldg-1",
    )
    assert rows["b"]["structure"] == "non_wood" and rows["b"]["fire_resistance"] == "fireproof"
    assert rows["c"]["plateau_structure_code"] == "699" and is_null(rows["c"]["building_id"])
    assert is_null(rows["c"]["use"]) and is_null(rows["c"]["year_built"])
    assert rows["a"].geometry().area() == pytest.approx(99.3, abs=1.0)


def test_real_plateau_export_heights_and_ids(run_alg, shared_data, tmp_path):
    """The shared PLATEAU 2020 export (7,329 Asagaya/Koenji buildings, EPSG:4326) carries bldg_id and
    measured_height_m only: both are read, every coded attribute is counted as absent, and imputation
    then fills all of structure, year and fire resistance."""
    path = shared_data / SUBSET
    if not path.exists():
        pytest.skip(f"{path} is absent")
    result = run_alg(
        "importplateau", {"LAYER": f"{path}|layername=buildings_asagaya_koenji", "OUTPUT": str(tmp_path / "b.gpkg")}
    )
    assert result["BUILDING_COUNT"] == 7329
    assert result["WITH_HEIGHT"] == 7329 and result["WITH_BUILDING_ID"] == 7329
    assert result["WITH_STRUCTURE"] == result["WITH_FIRE_RESISTANCE"] == result["WITH_YEAR"] == 0
    layer, _ = layer_rows(result["OUTPUT"])
    assert layer.crs().authid() == "EPSG:6677"
    first = next(layer.getFeatures())
    assert first["building_id"].startswith("13115-bldg-")
    assert all(f["height_m"] > 0 for f in layer.getFeatures())
    imputed = run_alg(
        "imputebuildingattributes",
        {
            "INPUT": result["OUTPUT"],
            "HEIGHT_FIELD": "height_m",
            "STRUCTURE_FIELD": "structure",
            "YEAR_FIELD": "year_built",
            "FLOORS_FIELD": "floors",
            "FIRE_FIELD": "fire_resistance",
            "OUTPUT": str(tmp_path / "imputed.gpkg"),
        },
    )
    assert imputed["IMPUTED_STRUCTURE"] == 7329 and imputed["KEPT_STRUCTURE"] == 0


def import_and_impute(run_alg, tmp_path) -> tuple[dict, dict]:
    """The fixtures imported, then imputed with the imported fields named: what an analyst runs first."""
    imported = run_alg("importplateau", {"INPUT": [str(p) for p in FILES], "OUTPUT": str(tmp_path / "b.gpkg")})
    imputed = run_alg(
        "imputebuildingattributes",
        {
            "INPUT": imported["OUTPUT"],
            "HEIGHT_FIELD": "height_m",
            "STRUCTURE_FIELD": "structure",
            "YEAR_FIELD": "year_built",
            "FLOORS_FIELD": "floors",
            "FIRE_FIELD": "fire_resistance",
            "OUTPUT": str(tmp_path / "imputed.gpkg"),
        },
    )
    return imported, imputed


def test_imported_layer_runs_imputation_damage_and_fire(run_alg, tmp_path):
    """Import, impute the gaps (keeping every imported value), then damage and fire spread, no hand edits."""
    imported, imputed = import_and_impute(run_alg, tmp_path)
    # Only the empty values were imputed: 7 - 4 structures known (unknown code 699 and 611 are empty) ...
    assert imputed["IMPUTED_STRUCTURE"] == 3
    assert imputed["IMPUTED_YEAR_BUILT"] == 3
    assert imputed["IMPUTED_FLOORS"] == 4
    assert imputed["IMPUTED_FIRE_RESISTANCE"] == 3
    assert (imputed["KEPT_STRUCTURE"], imputed["KEPT_YEAR_BUILT"]) == (4, 4)
    _, before = layer_rows(imported["OUTPUT"])
    _, after = layer_rows(imputed["OUTPUT"])
    for key, row in before.items():
        for name in ("structure", "year_built", "floors", "fire_resistance"):
            if not is_null(row[name]):
                assert after[key][name] == row[name], (key, name)
        assert after[key]["plateau_structure_code"] == row["plateau_structure_code"]
    damage = run_alg(
        "buildingdamage",
        {
            "BUILDINGS": imputed["OUTPUT"],
            # The fields' defaults (the names the dialog shows), given as a batch user gives them.
            "STRUCTURE_FIELD": "structure",
            "YEAR_FIELD": "year_built",
            "GROUND_MOTION": intensity_raster(tmp_path / "intensity.tif"),
            "GROUND_MOTION_MEASURE": 0,
            "REALIZATIONS": 0,
            "OUTPUT": str(tmp_path / "damage.gpkg"),
            "OUTPUT_SUMMARY": str(tmp_path / "summary.gpkg"),
        },
    )
    fire = run_alg(
        "firespread",
        {
            "BUILDINGS": damage["OUTPUT"],
            "P_COLLAPSE_FIELD": "p_collapse",
            "FIRE_RESISTANCE_FIELD": "fire_resistance",
            "INTENSITY_FIELD": "intensity",
            "USE_FIELD": "use",
            "FLOORS_FIELD": "floors",
            "REALIZATIONS": 5,
            "SEED": 1,
            "OUTPUT": str(tmp_path / "fire.gpkg"),
            "OUTPUT_BURN_PROBABILITY": str(tmp_path / "p_burn.tif"),
            "OUTPUT_SUMMARY": str(tmp_path / "fire_summary.gpkg"),
        },
    )
    _, burned = layer_rows(fire["OUTPUT"])
    assert len(burned) == 7
    assert all(0.0 <= f["p_burn"] <= 1.0 for f in burned.values())
    _, damaged = layer_rows(damage["OUTPUT"])
    assert all(0.0 < f["p_collapse"] < 1.0 for f in damaged.values())


def test_output_is_styled_by_structure_when_loaded(provider, tmp_path):
    """The layer QGIS loads gets resources/styles/plateau_buildings.qml: one colour per structure, unknown grey."""
    import processing
    from qgis.core import (
        QgsProcessingContext,
        QgsProcessingFeedback,
        QgsProcessingOutputLayerDefinition,
        QgsProject,
        QgsVectorLayer,
    )

    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    out = str(tmp_path / "b.gpkg")
    # As the dialog asks for it: the output is to be loaded into the project when the run ends.
    destination = QgsProcessingOutputLayerDefinition(out, QgsProject.instance())
    result = processing.run(
        "suginami:importplateau", {"INPUT": [str(p) for p in FILES], "OUTPUT": destination}, context=context
    )
    details = context.layersToLoadOnCompletion()[result["OUTPUT"]]
    post = details.postProcessor()
    assert post is not None and post.qml.name == "plateau_buildings.qml"
    layer = QgsVectorLayer(result["OUTPUT"], "b", "ogr")
    post.postProcessLayer(layer, context, QgsProcessingFeedback())
    renderer = layer.renderer()
    assert renderer.type() == "categorizedSymbol" and renderer.classAttribute() == "structure"
    assert [c.value() for c in renderer.categories()] == ["wood", "non_wood", ""]
    # Japanese or English aliases from field_aliases.yaml.
    assert layer.attributeAlias(layer.fields().indexOf("plateau_structure_code"))


def test_scenario_runs_on_imported_buildings(run_alg, tmp_path):
    """The whole scenario with the imported (then imputed) buildings in place of the sample's: the layer's
    field names are the scenario's defaults; PLATEAU has no residents, so OCCUPANTS_FIELD is left empty."""
    imported, imputed = import_and_impute(run_alg, tmp_path)
    params = scenario_parameters(tmp_path / "ward", BUILDINGS=imputed["OUTPUT"], OCCUPANTS_FIELD="", REALIZATIONS=2)
    result = run_alg("scenario", params)
    from qgis.core import QgsVectorLayer

    damage = QgsVectorLayer(f"{result['GEOPACKAGE']}|layername=baseline_buildings", "d", "ogr")
    assert damage.isValid()
    rows = list(damage.getFeatures())
    assert len(rows) == 7
    assert {f["building_id"] for f in rows} == {f"13115-bldg-{k}" for k in (1, 2, 3, 101, 102, 201, 202)}
    assert all(0.0 < f["p_collapse"] < 1.0 and 0.0 <= f["p_burn"] <= 1.0 for f in rows)
