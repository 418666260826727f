"""Benchmark: the full scenario on the bundled sample ward, through scripts/qgis_process.

    .venv/bin/python benchmarks/bench_scenario.py

Two rows. (1) The chain of child algorithms, each called through scripts/qgis_process exactly as
a batch user would: ground motion (20 realizations) -> building damage (100 realizations) -> fire
(cluster method) -> road blockage -> evacuation routes from every building (100 blockage
realizations) -> Wi-Fi coverage of the shelter sites. The time includes QGIS start-up for every step (a few seconds each), as a batch
user sees it. (2) When the plugin has ``suginami:scenario`` (the whole chain as one algorithm,
run for the current state and again with the mitigation targets, plus exports), that algorithm as
one qgis_process run with the same scenario. Peak memory is the largest resident set of any one
qgis_process child.
No peer: no other tool runs this chain.
"""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from _common import OUT, row  # noqa: E402

sys.path.insert(0, str(REPO / "scripts"))
from demo import SCENARIO as DEMO_SCENARIO  # noqa: E402

BUNDLED = REPO / "suginami_gis" / "resources" / "sample"
# The runs read a copy of the sample, as scripts/demo.py does: QGIS and GDAL may write to a GeoPackage
# they open (write-ahead log, the fields remembered with a layer), and the committed sample stays as it is.
SAMPLE = OUT / "sample_input"
GPKG = SAMPLE / "sample_ward.gpkg"
QGIS_PROCESS = REPO / "scripts" / "qgis_process"
# The scenario of scripts/demo.py (an Mw 7.3 intraslab earthquake 25 km beneath the sample ward);
# the chain's ground-motion step keeps 20 bands, as in the figures of docs/performance.md.
SCENARIO = {**DEMO_SCENARIO, "REALIZATIONS": 20}


def layer(name: str) -> str:
    return f"{GPKG}|layername={name}"


def qgis_process(algorithm: str, params: dict[str, object]) -> tuple[float, dict]:
    args = [str(QGIS_PROCESS), "--json", "run", algorithm, "--"]
    args += [f"{key}={value}" for key, value in params.items()]
    started = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    start = proc.stdout.find("{")
    if proc.returncode != 0 or start < 0:
        sys.stderr.write(proc.stdout[-3000:] + proc.stderr[-3000:])
        raise SystemExit(f"{algorithm} failed (exit {proc.returncode})")
    print(f"  {algorithm:32s} {seconds:7.1f} s", flush=True)
    return seconds, json.loads(proc.stdout[start:])["results"]


def has_scenario_algorithm() -> bool:
    proc = subprocess.run([str(QGIS_PROCESS), "list"], capture_output=True, text=True, check=False)
    return "suginami:scenario" in proc.stdout


def child_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0  # Linux: kilobytes


def chain(folder: Path) -> dict[str, float]:
    times: dict[str, float] = {}
    times["groundmotion"], motion = qgis_process(
        "suginami:groundmotion",
        {
            **SCENARIO,
            "AVS30": SAMPLE / "avs30.tif",
            "OUTPUT_PGV": folder / "pgv.tif",
            "OUTPUT_INTENSITY": folder / "intensity.tif",
        },
    )
    times["buildingdamage"], _ = qgis_process(
        "suginami:buildingdamage",
        {
            "BUILDINGS": layer("buildings"),
            "STRUCTURE_FIELD": "structure",
            "YEAR_FIELD": "year_built",
            "OCCUPANTS_FIELD": "occupants",
            "GROUND_MOTION": motion["OUTPUT_INTENSITY"],
            "GROUND_MOTION_MEASURE": 0,
            "REALIZATIONS": 100,
            "SEED": 42,
            "SCENARIO_HOUR": 18,
            "DISTRICTS": layer("districts"),
            "DISTRICT_NAME_FIELD": "name_en",
            "OUTPUT": folder / "damage.gpkg",
            "OUTPUT_DISTRICTS": folder / "damage_districts.gpkg",
            "OUTPUT_SUMMARY": folder / "damage_summary.csv",
        },
    )
    times["firespread"], _ = qgis_process(
        "suginami:firespread",
        {
            "BUILDINGS": folder / "damage.gpkg",
            "P_COLLAPSE_FIELD": "p_collapse",
            "FIRE_RESISTANCE_FIELD": "fire_resistance",
            "FLOORS_FIELD": "floors",
            "SCENARIO_HOUR": 18,
            "WIND_SPEED": 8,
            "WIND_DIRECTION": 337.5,
            "METHOD": 0,
            "SEED": 42,
            "OUTPUT": folder / "fire.gpkg",
            "OUTPUT_BURN_PROBABILITY": folder / "burn.tif",
            "OUTPUT_DISTRICTS": folder / "fire_districts.gpkg",
            "OUTPUT_SUMMARY": folder / "fire_summary.csv",
        },
    )
    times["roadblockage"], _ = qgis_process(
        "suginami:roadblockage",
        {
            "ROADS": layer("roads"),
            "WIDTH_FIELD": "width_m",
            "HIGHWAY_FIELD": "highway",
            "BUILDINGS": folder / "fire.gpkg",
            "P_COLLAPSE_FIELD": "p_collapse",
            "P_HALF_FIELD": "p_half",
            "P_BURN_FIELD": "p_burn",
            "OUTPUT": folder / "blockage.gpkg",
        },
    )
    times["evacuationroutes"], _ = qgis_process(
        "suginami:evacuationroutes",
        {
            "ROADS": folder / "blockage.gpkg",
            "P_BLOCK_FIELD": "p_block",
            "ORIGINS": layer("buildings"),
            "ORIGIN_ID_FIELD": "building_id",
            "POPULATION_FIELD": "occupants",
            "SHELTERS": layer("shelters"),
            "SHELTER_ID_FIELD": "shelter_id",
            "SHELTER_NAME_FIELD": "name_en",
            "CAPACITY_FIELD": "capacity",
            "COST": 1,
            "MAX_MINUTES": 15,
            "REALIZATIONS": 100,
            "SEED": 42,
            "OUTPUT_ROUTES": folder / "routes.gpkg",
            "OUTPUT_ASSIGNMENT": folder / "assignment.gpkg",
            "OUTPUT_SHELTERS": folder / "shelter_loads.gpkg",
            "OUTPUT_DISTRICTS": folder / "reach_districts.gpkg",
        },
    )
    times["wificoverage"], _ = qgis_process(
        "suginami:wificoverage",
        {
            "ACCESS_POINTS": layer("wifi_aps"),
            "EIRP_FIELD": "eirp_dbm",
            "HEIGHT_FIELD": "height_m",
            "FREQUENCY_FIELD": "frequency_mhz",
            "BUILDINGS": layer("buildings"),
            "BUILDING_HEIGHT_FIELD": "height_m",
            "MODEL": 1,
            "PIXEL_SIZE": 2,
            "SITES": layer("shelter_sites"),
            "SITE_ID_FIELD": "site_id",
            "EVACUEES_FIELD": "expected_evacuees",
            "OUTPUT_RSSI": folder / "rssi.tif",
            "OUTPUT_COVERAGE": folder / "coverage.gpkg",
            "OUTPUT_SITE_STATS": folder / "site_stats.gpkg",
        },
    )
    return times


def copy_sample() -> None:
    SAMPLE.mkdir(parents=True, exist_ok=True)
    for name in ("sample_ward.gpkg", "avs30.tif"):
        shutil.copy2(BUNDLED / name, SAMPLE / name)
    for sidecar in ("-wal", "-shm"):
        (SAMPLE / f"sample_ward.gpkg{sidecar}").unlink(missing_ok=True)


def main() -> int:
    import pyogrio

    copy_sample()
    n_buildings = pyogrio.read_info(str(GPKG), layer="buildings")["features"]
    n_roads = pyogrio.read_info(str(GPKG), layer="roads")["features"]
    size = f"sample ward: {n_buildings:,} bldgs, {n_roads:,} roads"
    folder = OUT / "scenario"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    print("the chain of child algorithms (one qgis_process run each):")
    started = time.perf_counter()
    times = chain(folder)
    total = time.perf_counter() - started
    print(f"  {'chain total':32s} {total:7.1f} s, largest child RSS {child_rss_mb():.0f} MB")
    row(
        "scenario: chain of 6 algorithms",
        size,
        total,
        child_rss_mb(),
        mode="qgis_process per step, QGIS start-up included",
        steps={k: round(v, 2) for k, v in times.items()},
    )
    if not has_scenario_algorithm():
        print("suginami:scenario is not in this checkout: only the chain is timed")
        return 0
    print("suginami:scenario (baseline + mitigated runs, exports, project), one qgis_process run:")
    seconds, results = qgis_process(
        "suginami:scenario",
        {
            **SCENARIO,
            "AVS30": SAMPLE / "avs30.tif",
            "BUILDINGS": layer("buildings"),
            "ROADS": layer("roads"),
            "SHELTERS": layer("shelters"),
            "SHELTER_SITES": layer("shelter_sites"),
            "ACCESS_POINTS": layer("wifi_aps"),
            "DISTRICTS": layer("districts"),
            "OVERWRITE": "true",
            "OUTPUT_FOLDER": folder / "scenario_run",
        },
    )
    steps = results.get("STEP_SECONDS")
    row(
        "scenario: suginami:scenario",
        size,
        seconds,
        child_rss_mb(),
        mode="one qgis_process run: baseline + mitigated chains, exports, project",
        steps=steps,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
