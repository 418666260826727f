"""The chain of algorithms on the sample ward, run once per test session with small settings.

Used by test_report.py (the report's inputs) and test_render_styles.py (every styled output).
Each run keeps its QgsProcessingContext, whose layers-to-load carry the style post-processors
that the algorithms attach, so tests style layers exactly as QGIS does when it loads a result.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from conftest import SAMPLE_AVS30, SAMPLE_GPKG

# The demo's scenario (scripts/demo.py), median ground motion only so the chain stays fast.
SCENARIO = {
    "EPICENTER": "-17040,-32930 [EPSG:6677]",
    "MAGNITUDE": 7.3,
    "DEPTH": 25,
    "FAULT_TYPE": 2,
    "EXTENT": "-18540,-15540,-34430,-31430 [EPSG:6677]",
    "PIXEL_SIZE": 20,
    "REALIZATIONS": 0,
    "SEED": 42,
}
WARD_EXTENT = "-18040,-16040,-33930,-31930 [EPSG:6677]"
RETROFIT_TARGET = 0.96
FIREPROOF_TARGET = 0.70


@dataclass
class Run:
    """One algorithm run: its results and the context holding the layers to load (and styles)."""

    algorithm: str
    results: dict[str, Any]
    context: Any
    destinations: dict[str, str] = field(default_factory=dict)


@dataclass
class Chain:
    folder: Path
    runs: dict[str, Run] = field(default_factory=dict)


def layer_of(name: str) -> str:
    return f"{SAMPLE_GPKG}|layername={name}"


def run(chain: Chain, key: str, algorithm: str, params: dict[str, Any], outputs: dict[str, str]) -> Run:
    """processing.run with every output written to a file that QGIS would load (and style)."""
    import processing
    from qgis.core import QgsProcessingContext, QgsProcessingFeedback, QgsProcessingOutputLayerDefinition, QgsProject

    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    full = dict(params)
    destinations = {}
    for output, suffix in outputs.items():
        path = str(chain.folder / f"{key}_{output.lower()}.{suffix}")
        full[output] = QgsProcessingOutputLayerDefinition(path, QgsProject.instance())
        destinations[output] = path
    results = processing.run(f"suginami:{algorithm}", full, feedback=QgsProcessingFeedback(), context=context)
    done = Run(algorithm, results, context, destinations)
    chain.runs[key] = done
    return done


def run_state(chain: Chain, state: str, intensity: str, mitigated: bool) -> None:
    """Damage, fire, blockage and routes for the current state or with the mitigation targets."""
    damage = run(
        chain,
        f"{state}_damage",
        "buildingdamage",
        {
            "BUILDINGS": layer_of("buildings"),
            "STRUCTURE_FIELD": "structure",
            "YEAR_FIELD": "year_built",
            "OCCUPANTS_FIELD": "occupants",
            "GROUND_MOTION": intensity,
            "GROUND_MOTION_MEASURE": 0,
            "REALIZATIONS": 0,
            "SEED": 42,
            "SCENARIO_HOUR": 18,
            "DISTRICTS": layer_of("districts"),
            "DISTRICT_NAME_FIELD": "name_en",
            **({"RETROFIT_TARGET_RATE": RETROFIT_TARGET} if mitigated else {}),
        },
        {"OUTPUT": "gpkg", "OUTPUT_DISTRICTS": "gpkg", "OUTPUT_SUMMARY": "gpkg"},
    )
    fire = run(
        chain,
        f"{state}_fire",
        "firespread",
        {
            "BUILDINGS": damage.results["OUTPUT"],
            "FIRE_RESISTANCE_FIELD": "fire_resistance",
            "SCENARIO_HOUR": 18,
            "WIND_SPEED": 8,
            "WIND_DIRECTION": 337.5,
            "METHOD": 0,
            "REALIZATIONS": 5,
            "SEED": 42,
            "DISTRICTS": layer_of("districts"),
            "DISTRICT_NAME_FIELD": "name_en",
            "PIXEL_SIZE": 10,
            **({"FIREPROOF_TARGET_RATE": FIREPROOF_TARGET} if mitigated else {}),
        },
        {"OUTPUT": "gpkg", "OUTPUT_BURN_PROBABILITY": "tif", "OUTPUT_DISTRICTS": "gpkg", "OUTPUT_SUMMARY": "gpkg"},
    )
    blockage = run(
        chain,
        f"{state}_blockage",
        "roadblockage",
        {
            "ROADS": layer_of("roads"),
            "WIDTH_FIELD": "width_m",
            "HIGHWAY_FIELD": "highway",
            "BUILDINGS": fire.results["OUTPUT"],
            "P_BURN_FIELD": "p_burn",
        },
        {"OUTPUT": "gpkg"},
    )
    run(
        chain,
        f"{state}_routes",
        "evacuationroutes",
        {
            "ROADS": blockage.results["OUTPUT"],
            "P_BLOCK_FIELD": "p_block",
            "ORIGINS": layer_of("buildings"),
            "ORIGIN_ID_FIELD": "building_id",
            "POPULATION_FIELD": "occupants",
            "DISTRICTS": layer_of("districts"),
            "DISTRICT_NAME_FIELD": "name_en",
            "SHELTERS": layer_of("shelters"),
            "SHELTER_ID_FIELD": "shelter_id",
            "SHELTER_NAME_FIELD": "name_en",
            "CAPACITY_FIELD": "capacity",
            "COST": 1,
            "MAX_MINUTES": 30,
            "REALIZATIONS": 5,
            "SEED": 42,
        },
        {"OUTPUT_ROUTES": "gpkg", "OUTPUT_ASSIGNMENT": "gpkg", "OUTPUT_SHELTERS": "gpkg", "OUTPUT_DISTRICTS": "gpkg"},
    )


_CHAIN: dict[str, Chain] = {}


def sample_chain() -> Chain:
    """Every algorithm with a styled output, on the sample ward; baseline and mitigated states."""
    if "chain" in _CHAIN:
        return _CHAIN["chain"]
    chain = Chain(Path(tempfile.mkdtemp(prefix="suginami-chain-")))
    motion = run(
        chain,
        "groundmotion",
        "groundmotion",
        {**SCENARIO, "AVS30": str(SAMPLE_AVS30)},
        {"OUTPUT_PGV": "tif", "OUTPUT_INTENSITY": "tif"},
    )
    intensity = motion.results["OUTPUT_INTENSITY"]
    run_state(chain, "baseline", intensity, mitigated=False)
    run_state(chain, "mitigated", intensity, mitigated=True)
    run(
        chain,
        "shelteraccess",
        "shelteraccess",
        {
            "ROADS": chain.runs["baseline_blockage"].results["OUTPUT"],
            "SHELTERS": layer_of("shelters"),
            "SHELTER_ID_FIELD": "shelter_id",
            "SHELTER_NAME_FIELD": "name_en",
            "COST": 0,
            "BANDS": "5,10,15",
        },
        {"OUTPUT": "gpkg"},
    )
    wifi_common = {
        "ACCESS_POINTS": layer_of("wifi_aps"),
        "EIRP_FIELD": "eirp_dbm",
        "HEIGHT_FIELD": "height_m",
        "FREQUENCY_FIELD": "frequency_mhz",
        "BUILDINGS": layer_of("buildings"),
        "BUILDING_HEIGHT_FIELD": "height_m",
        "SITES": layer_of("shelter_sites"),
        "SITE_ID_FIELD": "site_id",
        "EVACUEES_FIELD": "expected_evacuees",
        "PIXEL_SIZE": 10.0,
        "THRESHOLDS_DBM": "-67,-75",
    }
    run(
        chain,
        "wificoverage",
        "wificoverage",
        {**wifi_common, "MODEL": 0, "EXTENT": WARD_EXTENT},
        {"OUTPUT_RSSI": "tif", "OUTPUT_COVERAGE": "gpkg", "OUTPUT_SITE_STATS": "gpkg"},
    )
    # Placement from scratch (no existing access points), so it has new ones to place.
    placement = {
        k: v
        for k, v in wifi_common.items()
        if k not in ("ACCESS_POINTS", "EIRP_FIELD", "HEIGHT_FIELD", "FREQUENCY_FIELD")
    }
    run(
        chain,
        "wifiplacement",
        "wifiplacement",
        {**placement, "MAX_NEW_APS": 5, "CANDIDATE_SPACING": 40.0},
        {"OUTPUT_NEW_APS": "gpkg", "OUTPUT_SITE_STATS": "gpkg"},
    )
    _CHAIN["chain"] = chain
    return chain
