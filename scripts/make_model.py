"""Write suginami_gis/resources/models/suginami_scenario.model3: one run of the scenario chain as a
Processing model (ground motion -> damage -> fire -> road blockage -> evacuation routes -> Wi-Fi
coverage -> public export) that analysts can open and edit in QGIS's Model Designer.

Run with `QT_QPA_PLATFORM=offscreen PYTHONPATH=. .venv/bin/python scripts/make_model.py`.
Field names default to the sample ward's; the model is regenerated, never edited by hand.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MODEL = REPO / "suginami_gis" / "resources" / "models" / "suginami_scenario.model3"


def build_model():
    from qgis.core import (
        QgsProcessing,
        QgsProcessingModelAlgorithm,
        QgsProcessingModelChildAlgorithm,
        QgsProcessingModelOutput,
        QgsProcessingModelParameter,
        QgsProcessingParameterExtent,
        QgsProcessingParameterFeatureSource,
        QgsProcessingParameterNumber,
        QgsProcessingParameterPoint,
        QgsProcessingParameterRasterLayer,
    )
    from qgis.core import (
        QgsProcessingModelChildParameterSource as Source,
    )
    from qgis.PyQt.QtCore import QPointF

    model = QgsProcessingModelAlgorithm("Suginami scenario (one run)", "Suginami", "suginami_scenario")
    model.setHelpContent(
        {
            "ALG_DESC": "One run of the suginami:scenario chain: ground motion, building damage, fire, road "
            "blockage, evacuation routes, shelter Wi-Fi coverage and the public map export. Set the "
            "retrofit and fire-proofing targets (0 = current state). suginami:scenario runs it twice "
            "and compares; this model is for analysts who want to change the chain."
        }
    )

    def add_input(parameter, x: float, y: float) -> None:
        component = QgsProcessingModelParameter(parameter.name())
        component.setPosition(QPointF(x, y))
        model.addModelParameter(parameter, component)

    polygon, point, line = (
        QgsProcessing.TypeVectorPolygon,
        QgsProcessing.TypeVectorPoint,
        QgsProcessing.TypeVectorLine,
    )
    add_input(QgsProcessingParameterFeatureSource("buildings", "Buildings", [polygon]), 120, 60)
    add_input(QgsProcessingParameterFeatureSource("roads", "Streets", [line]), 120, 120)
    add_input(QgsProcessingParameterFeatureSource("shelters", "Shelters", [point]), 120, 180)
    add_input(QgsProcessingParameterFeatureSource("shelter_sites", "Shelter sites", [polygon]), 120, 240)
    add_input(QgsProcessingParameterFeatureSource("access_points", "Wi-Fi access points", [point]), 120, 300)
    add_input(QgsProcessingParameterFeatureSource("districts", "Districts", [polygon]), 120, 360)
    add_input(QgsProcessingParameterRasterLayer("avs30", "AVS30 raster (m/s)"), 120, 420)
    add_input(QgsProcessingParameterPoint("epicenter", "Epicentre"), 120, 480)
    add_input(QgsProcessingParameterExtent("extent", "Ground-motion extent"), 120, 540)
    number = QgsProcessingParameterNumber
    add_input(number("magnitude", "Moment magnitude Mw", number.Double, 7.3, False, 4.0, 9.0), 120, 600)
    add_input(number("depth", "Depth (km)", number.Double, 25.0, False, 0.0, 700.0), 120, 660)
    add_input(number("realizations", "Realizations", number.Integer, 100, False, 1, 10000), 120, 720)
    add_input(number("seed", "Random seed", number.Integer, 42, False, 0), 120, 780)
    add_input(number("scenario_hour", "Scenario hour (5, 12 or 18)", number.Integer, 18, False, 0, 23), 120, 840)
    add_input(number("wind_speed", "Wind speed (m/s)", number.Double, 8.0, False, 0.0, 30.0), 120, 900)
    add_input(
        number("retrofit_target", "Retrofit target (1981-standard share, 0 = none)", number.Double, 0.0, False, 0, 1),
        120,
        960,
    )
    add_input(
        number(
            "fireproof_target", "Fire-proofing target (fire-resistant share, 0 = none)", number.Double, 0.0, False, 0, 1
        ),
        120,
        1020,
    )

    def child(child_id: str, algorithm: str, x: float, params: dict, outputs: dict | None = None):
        step = QgsProcessingModelChildAlgorithm(f"suginami:{algorithm}")
        step.setChildId(child_id)
        step.setDescription(child_id.replace("_", " ").capitalize())
        step.setPosition(QPointF(x, 300))
        # Every other parameter at its default, written out as the Model Designer does.
        for definition in step.algorithm().parameterDefinitions():
            if definition.isDestination() or definition.name() in params or definition.defaultValue() is None:
                continue
            params = {**params, definition.name(): definition.defaultValue()}
        for name, value in params.items():
            values = value if isinstance(value, list) else [value]
            step.addParameterSources(name, [v if isinstance(v, Source) else Source.fromStaticValue(v) for v in values])
        for name, description in (outputs or {}).items():
            output = QgsProcessingModelOutput(description, description)
            output.setChildOutputName(name)
            output.setChildId(child_id)
            step.setModelOutputs({**step.modelOutputs(), description: output})
        model.addChildAlgorithm(step)
        return child_id

    def inp(name: str) -> Source:
        return Source.fromModelParameter(name)

    def out(child_id: str, name: str) -> Source:
        return Source.fromChildOutput(child_id, name)

    gm = child(
        "ground_motion",
        "groundmotion",
        400,
        {
            "EPICENTER": inp("epicenter"),
            "MAGNITUDE": inp("magnitude"),
            "DEPTH": inp("depth"),
            "FAULT_TYPE": 2,
            "AVS30": inp("avs30"),
            "EXTENT": inp("extent"),
            "PIXEL_SIZE": 50.0,
            "TARGET_CRS": "EPSG:6677",
            "REALIZATIONS": inp("realizations"),
            "SEED": inp("seed"),
        },
        {"OUTPUT_INTENSITY": "JMA intensity"},
    )
    damage = child(
        "building_damage",
        "buildingdamage",
        650,
        {
            "BUILDINGS": inp("buildings"),
            "STRUCTURE_FIELD": "structure",
            "YEAR_FIELD": "year_built",
            "OCCUPANTS_FIELD": "occupants",
            "GROUND_MOTION": out(gm, "OUTPUT_INTENSITY"),
            "GROUND_MOTION_MEASURE": 0,
            "RETROFIT_TARGET_RATE": inp("retrofit_target"),
            "REALIZATIONS": inp("realizations"),
            "SEED": inp("seed"),
            "SCENARIO_HOUR": inp("scenario_hour"),
            "DISTRICTS": inp("districts"),
            "DISTRICT_NAME_FIELD": "name_ja",
        },
        {
            "OUTPUT": "Buildings: collapse probability",
            "OUTPUT_DISTRICTS": "District damage",
            "OUTPUT_SUMMARY": "Ward damage summary",
        },
    )
    fire = child(
        "fire",
        "firespread",
        900,
        {
            "BUILDINGS": out(damage, "OUTPUT"),
            "FLOORS_FIELD": "floors",
            "SCENARIO_HOUR": inp("scenario_hour"),
            "WIND_SPEED": inp("wind_speed"),
            "REALIZATIONS": inp("realizations"),
            "SEED": inp("seed"),
            "FIREPROOF_TARGET_RATE": inp("fireproof_target"),
            "DISTRICTS": inp("districts"),
            "DISTRICT_NAME_FIELD": "name_ja",
        },
        {
            "OUTPUT": "Buildings: collapse and burn probability",
            "OUTPUT_BURN_PROBABILITY": "Burn probability",
            "OUTPUT_DISTRICTS": "District fire",
            "OUTPUT_SUMMARY": "Ward fire summary",
        },
    )
    blockage = child(
        "road_blockage",
        "roadblockage",
        1150,
        {
            "ROADS": inp("roads"),
            "WIDTH_FIELD": "width_m",
            "HIGHWAY_FIELD": "highway",
            "BUILDINGS": out(fire, "OUTPUT"),
            "P_BURN_FIELD": "p_burn",
        },
        {"OUTPUT": "Road blockage"},
    )
    evacuation = child(
        "evacuation_routes",
        "evacuationroutes",
        1400,
        {
            "ROADS": out(blockage, "OUTPUT"),
            "ORIGINS": out(fire, "OUTPUT"),
            "ORIGIN_ID_FIELD": "building_id",
            "POPULATION_FIELD": "occupants",
            "DISTRICTS": inp("districts"),
            "DISTRICT_NAME_FIELD": "name_ja",
            "SHELTERS": inp("shelters"),
            "SHELTER_ID_FIELD": "shelter_id",
            "SHELTER_NAME_FIELD": "name_ja",
            "CAPACITY_FIELD": "capacity",
            "COST": 2,
            "MAX_MINUTES": 15.0,
            "REALIZATIONS": inp("realizations"),
            "SEED": inp("seed"),
        },
        {
            "OUTPUT_ROUTES": "Evacuation routes",
            "OUTPUT_ASSIGNMENT": "Evacuation origins",
            "OUTPUT_SHELTERS": "Shelters: assigned population",
        },
    )
    wifi = child(
        "wifi_coverage",
        "wificoverage",
        1650,
        {
            "ACCESS_POINTS": inp("access_points"),
            "EIRP_FIELD": "eirp_dbm",
            "HEIGHT_FIELD": "height_m",
            "FREQUENCY_FIELD": "frequency_mhz",
            "BUILDINGS": inp("buildings"),
            "BUILDING_HEIGHT_FIELD": "height_m",
            "PIXEL_SIZE": 4.0,
            "SITES": inp("shelter_sites"),
            "SITE_ID_FIELD": "site_id",
            "EVACUEES_FIELD": "expected_evacuees",
        },
        {"OUTPUT_COVERAGE": "Wi-Fi coverage", "OUTPUT_SITE_STATS": "Wi-Fi per shelter site"},
    )
    child(
        "public_export",
        "publicexport",
        1900,
        {
            "LAYERS": [
                out(fire, "OUTPUT"),
                out(blockage, "OUTPUT"),
                out(evacuation, "OUTPUT_SHELTERS"),
                out(wifi, "OUTPUT_COVERAGE"),
                out(wifi, "OUTPUT_SITE_STATS"),
                out(gm, "OUTPUT_INTENSITY"),
            ],
        },
        {"OUTPUT_FOLDER": "Public map folder"},
    )
    return model


def main() -> int:
    from qgis.core import QgsApplication

    app = QgsApplication([], False)
    app.initQgis()
    sys.path.insert(0, "/usr/share/qgis/python/plugins")
    sys.path.insert(0, str(REPO))
    from suginami_gis.processing.provider import SuginamiProvider

    provider = SuginamiProvider()
    QgsApplication.processingRegistry().addProvider(provider)
    model = build_model()
    ok, errors = model.validate()
    if not ok:
        print("\n".join(errors), file=sys.stderr)
        return 1
    MODEL.parent.mkdir(parents=True, exist_ok=True)
    if not model.toFile(str(MODEL)):
        print(f"could not write {MODEL}", file=sys.stderr)
        return 1
    print(MODEL)
    return 0


if __name__ == "__main__":
    sys.exit(main())
