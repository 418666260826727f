"""The shipped Processing model (resources/models/suginami_scenario.model3) loads and runs on the sample ward."""

from __future__ import annotations

import pytest
from conftest import REPO, SAMPLE_AVS30, SAMPLE_GPKG

MODEL = REPO / "suginami_gis" / "resources" / "models" / "suginami_scenario.model3"
EXTENT = "-18540,-15540,-34430,-31430 [EPSG:6677]"
EPICENTER = "-17040,-32930 [EPSG:6677]"


def sample(name: str) -> str:
    return f"{SAMPLE_GPKG}|layername={name}"


def _summary(uri: str) -> dict:
    from qgis.core import QgsVectorLayer

    layer = QgsVectorLayer(uri, "summary", "ogr")
    assert layer.isValid(), uri
    (feature,) = list(layer.getFeatures())
    return {name: feature[name] for name in layer.fields().names()}


CHAIN_LAYERS = (
    "JMA intensity",
    "Buildings: collapse probability",
    "District damage",
    "Buildings: collapse and burn probability",
    "Burn probability",
    "District fire",
    "Road blockage",
    "Evacuation routes",
    "Evacuation origins",
    "Shelters: assigned population",
    "Wi-Fi coverage",
    "Wi-Fi per shelter site",
)


def test_model_is_in_the_toolbox_with_every_layer_as_an_output(provider):
    from qgis.core import QgsApplication

    from suginami_gis.processing.model import TEXTS

    registered = QgsApplication.processingRegistry().algorithmById("suginami:scenariomodel")
    assert registered is not None and registered.provider().id() == "suginami"
    algorithm = registered.create()
    ok, errors = algorithm.validate()
    assert ok, errors
    outputs = {d.name().split(":", 1)[1] for d in algorithm.destinationParameterDefinitions()}
    assert set(CHAIN_LAYERS) <= outputs
    # Every text the dialog shows is translatable (processing/model.py lists them for the .ts file).
    assert {d.description() for d in algorithm.parameterDefinitions()} <= set(TEXTS)


def test_model_loads_and_runs_on_the_sample_ward(provider, tmp_path):
    import processing
    from qgis.core import QgsProcessingContext, QgsProcessingFeedback, QgsProcessingModelAlgorithm, QgsProject

    model = QgsProcessingModelAlgorithm()
    assert model.fromFile(str(MODEL))
    ok, errors = model.validate()
    assert ok, errors
    children = [c.algorithmId() for c in model.childAlgorithms().values()]
    assert sorted(children) == sorted(
        f"suginami:{n}"
        for n in (
            "groundmotion",
            "buildingdamage",
            "firespread",
            "roadblockage",
            "evacuationroutes",
            "wificoverage",
            "publicexport",
        )
    )
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    outputs = {name: str(tmp_path / f"{name}.gpkg") for name in ("Ward damage summary", "Ward fire summary")}
    names = {o.name(): o for o in model.destinationParameterDefinitions()}
    params = {
        "buildings": sample("buildings"),
        "roads": sample("roads"),
        "shelters": sample("shelters"),
        "shelter_sites": sample("shelter_sites"),
        "access_points": sample("wifi_aps"),
        "districts": sample("districts"),
        "avs30": str(SAMPLE_AVS30),
        "epicenter": EPICENTER,
        "extent": EXTENT,
        "magnitude": 7.3,
        "depth": 25.0,
        "realizations": 5,
        "seed": 7,
        "scenario_hour": 18,
        "wind_speed": 8.0,
        "retrofit_target": 0.0,
        "fireproof_target": 0.0,
    }
    for name in names:
        if "summary" in name.lower():
            params[name] = outputs["Ward damage summary" if "damage" in name.lower() else "Ward fire summary"]
        elif name.endswith("Public map folder"):
            params[name] = str(tmp_path / "public")
        else:
            params[name] = "TEMPORARY_OUTPUT"
    result = processing.run(model, params, context=context, feedback=QgsProcessingFeedback())
    assert (tmp_path / "public" / "index.html").exists()
    # Every layer of the chain is an output of the model, not thrown away as temporary.
    from qgis.core import QgsMapLayer, QgsProcessingUtils

    for label in CHAIN_LAYERS:
        key = next(k for k in result if k.endswith(":" + label))
        value = result[key]
        layer = value if isinstance(value, QgsMapLayer) else QgsProcessingUtils.mapLayerFromString(str(value), context)
        assert layer is not None and layer.isValid(), (label, result[key])

    # The model's damage equals ground motion + building damage run directly with the same settings.
    direct_context = QgsProcessingContext()
    gm = processing.run(
        "suginami:groundmotion",
        {
            "EPICENTER": EPICENTER,
            "MAGNITUDE": 7.3,
            "DEPTH": 25.0,
            "FAULT_TYPE": 2,
            "AVS30": str(SAMPLE_AVS30),
            "EXTENT": EXTENT,
            "PIXEL_SIZE": 50.0,
            "TARGET_CRS": "EPSG:6677",
            "REALIZATIONS": 5,
            "SEED": 7,
            "OUTPUT_PGV": str(tmp_path / "pgv.tif"),
            "OUTPUT_INTENSITY": str(tmp_path / "intensity.tif"),
        },
        context=direct_context,
    )
    damage = processing.run(
        "suginami:buildingdamage",
        {
            "BUILDINGS": sample("buildings"),
            "STRUCTURE_FIELD": "structure",
            "YEAR_FIELD": "year_built",
            "OCCUPANTS_FIELD": "occupants",
            "GROUND_MOTION": gm["OUTPUT_INTENSITY"],
            "REALIZATIONS": 5,
            "SEED": 7,
            "SCENARIO_HOUR": 18,
            "OUTPUT": "memory:",
            "OUTPUT_SUMMARY": str(tmp_path / "direct_summary.gpkg"),
        },
        context=direct_context,
    )
    summary_key = next(k for k in result if "damage" in k.lower() and "summary" in k.lower())
    model_summary = _summary(result[summary_key])
    assert model_summary["collapsed"] == pytest.approx(damage["COLLAPSED"], rel=1e-12)
    assert model_summary["collapsed"] > 0
