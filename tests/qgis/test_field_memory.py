"""Remembered inputs: fields chosen once for a layer are stored with it and used when left empty."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPO, SAMPLE_GPKG
from test_buildingdamage import intensity_raster

# Names a name-based default cannot find: kozo (structure), nendo (year built), jinin (occupants).
RENAMED = "SELECT geom, building_id, structure AS kozo, year_built AS nendo, occupants AS jinin FROM buildings"
CHOSEN = {"STRUCTURE_FIELD": "kozo", "YEAR_FIELD": "nendo", "OCCUPANTS_FIELD": "jinin"}


class Log:
    def __init__(self):
        from qgis.core import QgsProcessingFeedback

        self.lines: list[str] = []
        log = self

        class Feedback(QgsProcessingFeedback):
            def pushInfo(self, info):
                log.lines.append(info)
                super().pushInfo(info)

        self.feedback = Feedback()

    def find(self, text: str) -> list[str]:
        return [line for line in self.lines if text in line]


def renamed_buildings(path: Path) -> str:
    from osgeo import gdal

    dataset = gdal.VectorTranslate(
        str(path), str(SAMPLE_GPKG), SQLStatement=RENAMED, SQLDialect="SQLITE", layerName="buildings"
    )
    del dataset  # closed: written to disk
    return f"{path}|layername=buildings"


def damage_params(tmp_path: Path, buildings, name: str, **fields) -> dict:
    return {
        "BUILDINGS": buildings,
        **fields,
        "GROUND_MOTION": intensity_raster(tmp_path / "intensity.tif"),
        "GROUND_MOTION_MEASURE": 0,
        "REALIZATIONS": 0,
        "SCENARIO_HOUR": 18,
        "OUTPUT": str(tmp_path / f"{name}.gpkg"),
        "OUTPUT_SUMMARY": str(tmp_path / f"{name}_summary.gpkg"),
    }


def _column(path: str, field: str) -> list:
    from qgis.core import QgsVectorLayer

    layer = QgsVectorLayer(path, "out", "ogr")
    return [f[field] for f in layer.getFeatures()]


def test_fields_chosen_once_are_used_when_left_empty(run_alg, tmp_path):
    from qgis.core import QgsApplication, QgsProcessingContext, QgsProcessingException, QgsProject, QgsVectorLayer

    from suginami_gis.processing.field_memory import VOCABULARY, remember_fields

    buildings = renamed_buildings(tmp_path / "renamed.gpkg")
    # Without a remembered mapping the default names are not in the layer: the run is refused.
    with pytest.raises(QgsProcessingException, match="STRUCTURE_FIELD"):
        run_alg("buildingdamage", damage_params(tmp_path, buildings, "none"))
    first = Log()
    result = run_alg("buildingdamage", damage_params(tmp_path, buildings, "first", **CHOSEN), feedback=first.feedback)
    assert first.find("STRUCTURE_FIELD: field 'kozo' (chosen)")
    assert first.find("remembered in the layer's file")
    # Stored in the GeoPackage's metadata: a fresh layer of the file reads it.
    stored = QgsVectorLayer(buildings, "b", "ogr").metadata().keywords(VOCABULARY)
    assert sorted(stored) == ["OCCUPANTS_FIELD=jinin", "STRUCTURE_FIELD=kozo", "YEAR_FIELD=nendo"]

    second = Log()
    again = run_alg("buildingdamage", damage_params(tmp_path, buildings, "second"), feedback=second.feedback)
    for key, name in CHOSEN.items():
        assert second.find(f"{key}: field '{name}' (remembered with the layer")
    assert not second.find("remembered in the layer's file")  # nothing new to store
    assert _column(again["OUTPUT"], "p_collapse") == _column(result["OUTPUT"], "p_collapse")
    assert _column(again["OUTPUT_SUMMARY"], "deaths") == _column(result["OUTPUT_SUMMARY"], "deaths")

    # The scenario's empty building fields take the same mapping (its field keys are the children's).
    scenario = QgsApplication.processingRegistry().createAlgorithmById("suginami:scenario")
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    filled = remember_fields(scenario, {"BUILDINGS": buildings}, context, None)
    assert {key: filled.get(key) for key in CHOSEN} == CHOSEN


def test_a_layer_of_the_project_keeps_its_fields_in_the_project(run_alg, tmp_path):
    """A memory layer has no file: the mapping lives in its custom property, saved with the project."""
    import zipfile

    from qgis.core import QgsFeatureRequest, QgsProject, QgsVectorLayer

    from suginami_gis.processing.field_memory import PROPERTY

    source = QgsVectorLayer(renamed_buildings(tmp_path / "renamed.gpkg"), "b", "ogr")
    memory = source.materialize(QgsFeatureRequest())
    QgsProject.instance().addMapLayer(memory)
    try:
        first = Log()
        run_alg("buildingdamage", damage_params(tmp_path, memory.id(), "first", **CHOSEN), feedback=first.feedback)
        assert first.find("remembered in the project")
        second = Log()
        run_alg("buildingdamage", damage_params(tmp_path, memory.id(), "second"), feedback=second.feedback)
        assert second.find("YEAR_FIELD: field 'nendo' (remembered with the layer")
        project_file = tmp_path / "p.qgz"
        assert QgsProject.instance().write(str(project_file))
        with zipfile.ZipFile(project_file) as archive:
            text = "".join(archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".qgs"))
        assert PROPERTY in text and "nendo" in text
    finally:
        QgsProject.instance().removeMapLayer(memory.id())


def test_the_dialog_shows_the_remembered_fields_of_the_chosen_layer(qgis_iface, provider, monkeypatch, tmp_path):
    from processing.gui.AlgorithmDialog import AlgorithmDialog
    from qgis.core import QgsApplication, QgsProcessingContext, QgsProject, QgsVectorLayer
    from qgis.gui import QgsBrowserGuiModel

    from suginami_gis.processing.field_memory import store_fields

    model = QgsBrowserGuiModel()
    monkeypatch.setattr(qgis_iface, "browserModel", lambda: model, raising=False)
    renamed = QgsVectorLayer(renamed_buildings(tmp_path / "renamed.gpkg"), "renamed", "ogr")
    assert store_fields(renamed, CHOSEN)
    sample = QgsVectorLayer(f"{SAMPLE_GPKG}|layername=buildings", "sample", "ogr")
    QgsProject.instance().addMapLayers([renamed, sample])
    try:
        algorithm = QgsApplication.processingRegistry().createAlgorithmById("suginami:buildingdamage")
        dialog = AlgorithmDialog(algorithm, False, None)
        panel = dialog.mainWidget()
        values = {}
        context = QgsProcessingContext()
        context.setProject(QgsProject.instance())
        for layer in (sample, renamed):
            panel.wrappers["BUILDINGS"].setParameterValue(layer.id(), context)
            QgsApplication.processEvents()
            values[layer.name()] = {key: panel.wrappers[key].value() for key in CHOSEN}
        # The sample: the default names (occupants has none); the renamed layer: its remembered fields.
        assert values["sample"] == {"STRUCTURE_FIELD": "structure", "YEAR_FIELD": "year_built", "OCCUPANTS_FIELD": None}
        assert values["renamed"] == CHOSEN
        dialog.close()
    finally:
        QgsProject.instance().removeMapLayers([renamed.id(), sample.id()])


def test_a_run_with_the_sample_ward_names_writes_nothing_into_the_file(run_alg, tmp_path):
    """OCCUPANTS_FIELD has no default in building damage, but 'occupants' is the scenario's name for it."""
    import shutil
    import sqlite3

    from qgis.core import QgsVectorLayer

    from suginami_gis.processing.field_memory import VOCABULARY

    copy = tmp_path / "input.gpkg"
    shutil.copy2(REPO / "suginami_gis" / "resources" / "sample" / "sample_ward.gpkg", copy)  # the pristine sample
    log = Log()
    fields = {"STRUCTURE_FIELD": "structure", "YEAR_FIELD": "year_built", "OCCUPANTS_FIELD": "occupants"}
    buildings = f"{copy}|layername=buildings"
    run_alg("buildingdamage", damage_params(tmp_path, buildings, "sample", **fields), feedback=log.feedback)
    assert log.find("OCCUPANTS_FIELD: field 'occupants' (chosen)") and not log.find("remembered in")
    assert QgsVectorLayer(buildings, "b", "ogr").metadata().keywords(VOCABULARY) == []
    with sqlite3.connect(copy) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        stored = db.execute("SELECT count(*) FROM gpkg_metadata").fetchone()[0] if "gpkg_metadata" in tables else 0
    assert stored == 0
