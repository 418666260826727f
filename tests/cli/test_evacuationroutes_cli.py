"""suginami:evacuationroutes with scripts/qgis_process."""

from __future__ import annotations

import numpy as np
import pyogrio
from conftest import SAMPLE_GPKG, run_json


def test_run_json_on_the_sample_ward(tmp_path):
    result = run_json(
        "suginami:evacuationroutes",
        {
            "ROADS": f"{SAMPLE_GPKG}|layername=roads",
            "ORIGINS": f"{SAMPLE_GPKG}|layername=buildings",
            "ORIGIN_ID_FIELD": "building_id",
            "POPULATION_FIELD": "occupants",
            "DISTRICT_FIELD": "district_id",
            "SHELTERS": f"{SAMPLE_GPKG}|layername=shelters",
            "SHELTER_ID_FIELD": "shelter_id",
            "SHELTER_NAME_FIELD": "name_ja",
            "CAPACITY_FIELD": "capacity",
            "COST": 0,
            "WALK_SPEED": 0.8,
            "MAX_MINUTES": 20,
            "REALIZATIONS": 10,
            "SEED": 3,
            "OUTPUT_ROUTES": tmp_path / "routes.gpkg",
            "OUTPUT_ASSIGNMENT": tmp_path / "assignment.gpkg",
            "OUTPUT_SHELTERS": tmp_path / "shelters.gpkg",
            "OUTPUT_DISTRICTS": tmp_path / "districts.gpkg",
        },
    )
    results = result["results"]
    routes = pyogrio.read_dataframe(results["OUTPUT_ROUTES"])
    assignment = pyogrio.read_dataframe(results["OUTPUT_ASSIGNMENT"])
    shelters = pyogrio.read_dataframe(results["OUTPUT_SHELTERS"])
    districts = pyogrio.read_dataframe(results["OUTPUT_DISTRICTS"])
    buildings = pyogrio.read_dataframe(SAMPLE_GPKG, layer="buildings")
    assert len(assignment) == len(buildings) == results["ORIGIN_COUNT"]
    assert {"origin_id", "shelter_id", "shelter_name", "length_m", "time_min", "p_passable", "detour_ratio"} <= set(
        routes.columns
    )
    # route lines are as long as their reported length; time = length / 0.8 m/s
    np.testing.assert_allclose(routes.geometry.length, routes["length_m"], rtol=1e-6, atol=1e-3)
    np.testing.assert_allclose(routes["time_min"], routes["length_m"] / 0.8 / 60, rtol=1e-6)
    assert (shelters["assigned"] <= shelters["capacity"]).all()
    assert shelters["assigned"].sum() == assignment["placed"].sum()
    assert results["UNPLACED"] == assignment["unplaced"].sum()
    # no blockage given: every origin reaches a shelter in every realization iff it does without blockage
    np.testing.assert_array_equal(assignment["p_reach"] == 1.0, ~assignment["unreachable"])
    assert (districts["reach_p5"] <= districts["reach_p95"]).all()
