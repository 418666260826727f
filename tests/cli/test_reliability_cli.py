"""Two qgis_process runs at the same time both succeed, and the same inputs and seed give the same outputs
across two processes (rasters byte for byte, GeoPackages feature for feature: their metadata carries
timestamps)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pyogrio
import pytest
from conftest import QGIS_PROCESS, SAMPLE_AVS30, SAMPLE_GPKG

SCENARIO = {
    "EPICENTER": "-17040,-45930 [EPSG:6677]",
    "MAGNITUDE": 7.3,
    "DEPTH": 20,
    "EXTENT": "-18540,-15540,-34430,-31430 [EPSG:6677]",
    "PIXEL_SIZE": 50,
    "AVS30": SAMPLE_AVS30,
    "REALIZATIONS": 4,
    "SEED": 42,
}


def start(algorithm: str, params: dict) -> subprocess.Popen:
    args = [str(QGIS_PROCESS), "--json", "run", algorithm, "--"] + [f"{k}={v}" for k, v in params.items()]
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(proc: subprocess.Popen) -> dict:
    out, err = proc.communicate(timeout=600)
    start_json = out.find("{")
    if proc.returncode != 0 or start_json < 0:
        pytest.fail(f"qgis_process failed ({proc.returncode}):\n{out[-3000:]}\n{err[-3000:]}")
    return json.loads(out[start_json:])["results"]


def in_parallel(algorithm: str, params_a: dict, params_b: dict) -> tuple[dict, dict]:
    a, b = start(algorithm, params_a), start(algorithm, params_b)
    return finish(a), finish(b)


def same_features(path_a: str, path_b: str) -> None:
    a = pyogrio.read_dataframe(path_a)
    b = pyogrio.read_dataframe(path_b)
    assert list(a.columns) == list(b.columns)
    assert len(a) == len(b) > 0
    for column in a.columns:
        if column == "geometry":
            assert list(a.geometry.to_wkb()) == list(b.geometry.to_wkb())
        else:
            left, right = a[column].to_numpy(), b[column].to_numpy()
            if left.dtype.kind == "f":
                np.testing.assert_array_equal(left, right)
            else:
                assert list(left) == list(right), column


def test_two_runs_in_parallel_both_succeed(tmp_path):
    """Different algorithms, same output folder, at the same time: both complete, nothing is left half-written."""
    ground = start(
        "suginami:groundmotion",
        {**SCENARIO, "OUTPUT_PGV": tmp_path / "pgv.tif", "OUTPUT_INTENSITY": tmp_path / "intensity.tif"},
    )
    impute = start(
        "suginami:imputebuildingattributes",
        {
            "INPUT": f"{SAMPLE_GPKG}|layername=buildings",
            "HEIGHT_FIELD": "height_m",
            "SEED": 5,
            "OUTPUT": tmp_path / "imputed.gpkg",
        },
    )
    ground_results, impute_results = finish(ground), finish(impute)
    import rasterio

    with rasterio.open(ground_results["OUTPUT_INTENSITY"]) as src:
        assert src.count == ground_results["BANDS"] == 5
        assert np.isfinite(src.read(1, masked=True).compressed()).all()
    assert len(pyogrio.read_dataframe(impute_results["OUTPUT"])) == 9102
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_ground_motion_and_damage_are_byte_identical_across_processes(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    runs = in_parallel(
        "suginami:groundmotion",
        *[{**SCENARIO, "OUTPUT_PGV": d / "pgv.tif", "OUTPUT_INTENSITY": d / "intensity.tif"} for d in (a, b)],
    )
    for name in ("pgv.tif", "intensity.tif"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    assert runs[0]["MAX_INTENSITY"] == runs[1]["MAX_INTENSITY"]

    damage = [
        {
            "BUILDINGS": f"{SAMPLE_GPKG}|layername=buildings",
            "STRUCTURE_FIELD": "structure",
            "YEAR_FIELD": "year_built",
            "OCCUPANTS_FIELD": "occupants",
            "GROUND_MOTION": a / "intensity.tif",
            "REALIZATIONS": 200,
            "SEED": 11,
            "RETROFIT_TARGET_RATE": 0.9,
            "DISTRICTS": f"{SAMPLE_GPKG}|layername=districts",
            "DISTRICT_NAME_FIELD": "name_en",
            "OUTPUT": d / "damage.gpkg",
            "OUTPUT_DISTRICTS": d / "districts.gpkg",
            "OUTPUT_SUMMARY": d / "summary.gpkg",
        }
        for d in (a, b)
    ]
    first, second = in_parallel("suginami:buildingdamage", *damage)
    for key in ("OUTPUT", "OUTPUT_DISTRICTS", "OUTPUT_SUMMARY"):
        same_features(first[key], second[key])
    assert first["COLLAPSED_P95"] == second["COLLAPSED_P95"] and first["COLLAPSED_P95"] > first["COLLAPSED_P5"]

    fire = [
        {
            "BUILDINGS": a / "damage.gpkg",
            "FLOORS_FIELD": "floors",
            "METHOD": 1,
            "REALIZATIONS": 30,
            "SEED": 9,
            "OUTPUT": d / "fire.gpkg",
            "OUTPUT_BURN_PROBABILITY": d / "p_burn.tif",
            "OUTPUT_SUMMARY": d / "fire_summary.gpkg",
        }
        for d in (a, b)
    ]
    first, second = in_parallel("suginami:firespread", *fire)
    same_features(first["OUTPUT"], second["OUTPUT"])
    same_features(first["OUTPUT_SUMMARY"], second["OUTPUT_SUMMARY"])
    assert (a / "p_burn.tif").read_bytes() == (b / "p_burn.tif").read_bytes()


def test_evacuation_reachability_is_identical_across_processes(tmp_path):
    runs = [
        {
            "ROADS": f"{SAMPLE_GPKG}|layername=roads",
            "ORIGINS": f"{SAMPLE_GPKG}|layername=buildings",
            "POPULATION_FIELD": "occupants",
            "SHELTERS": f"{SAMPLE_GPKG}|layername=shelters",
            "SHELTER_ID_FIELD": "shelter_id",
            "CAPACITY_FIELD": "capacity",
            "REALIZATIONS": 10,
            "SEED": 3,
            "OUTPUT_ROUTES": Path(tmp_path / d / "routes.gpkg"),
            "OUTPUT_ASSIGNMENT": Path(tmp_path / d / "assignment.gpkg"),
            "OUTPUT_SHELTERS": Path(tmp_path / d / "shelters.gpkg"),
        }
        for d in ("a", "b")
    ]
    first, second = in_parallel("suginami:evacuationroutes", *runs)
    for key in ("OUTPUT_ROUTES", "OUTPUT_ASSIGNMENT", "OUTPUT_SHELTERS"):
        same_features(first[key], second[key])
    assert first["MEAN_P_REACH"] == second["MEAN_P_REACH"] is not None


def test_a_full_disk_fails_the_run_and_keeps_the_earlier_output(tmp_path):
    """A file-size limit (ulimit -f, SIGXFSZ ignored) makes GDAL's writes fail as on a full disk: the run
    exits non-zero with a message naming OUTPUT, and the earlier output stays byte-identical."""
    import hashlib
    import shlex
    import subprocess

    import numpy as np
    from conftest import QGIS_PROCESS, SAMPLE_GPKG
    from rasterio.crs import CRS

    from suginami_gis.core.rasters import Grid, write_geotiff

    grid = Grid.from_extent(-18540, -34430, -15540, -31430, 100.0, CRS.from_epsg(6677).to_wkt())
    write_geotiff(tmp_path / "intensity.tif", grid, [np.full(grid.shape, 6.2, dtype=np.float32)], 1)
    args = [
        str(QGIS_PROCESS), "--json", "run", "suginami:buildingdamage", "--",
        f"BUILDINGS={SAMPLE_GPKG}|layername=buildings", "STRUCTURE_FIELD=structure", "YEAR_FIELD=year_built",
        f"GROUND_MOTION={tmp_path / 'intensity.tif'}", "REALIZATIONS=0",
        f"OUTPUT={tmp_path / 'damage.gpkg'}", "OUTPUT_SUMMARY=TEMPORARY_OUTPUT",
    ]  # fmt: skip

    def run(limit_kb: int | None) -> subprocess.CompletedProcess:
        limit = f"trap '' XFSZ; ulimit -f {limit_kb}; " if limit_kb else ""
        return subprocess.run(["bash", "-c", limit + shlex.join(args)], capture_output=True, text=True, timeout=600)

    first = run(None)
    assert first.returncode == 0, first.stdout[-2000:] + first.stderr[-2000:]
    output = tmp_path / "damage.gpkg"
    before = hashlib.sha256(output.read_bytes()).hexdigest()
    full = run(1024)  # the output needs about 3 MB
    assert full.returncode != 0
    assert "Writing OUTPUT failed" in full.stdout + full.stderr
    assert hashlib.sha256(output.read_bytes()).hexdigest() == before
    assert not list(tmp_path.glob(".suginami-partial-*"))
