"""The plugin zip in a clean QGIS profile, on QGIS's own Python without the project's venv: the installer
(the code the menu's "Install Python packages" runs) installs what is missing into the profile, and then an
algorithm of each group runs in qgis_process and gives the same result as with the project's venv."""

from __future__ import annotations

import json
import os
import subprocess
import time
import zipfile

import numpy as np
import pyogrio
import rasterio
from conftest import REPO, SAMPLE_GPKG, run_json, run_qgis_process
from test_roadblockage_cli import buildings_with_damage

QGIS_PYTHON = "/usr/bin/python3"


def _bare_env(config, plugins) -> dict[str, str]:
    """qgis_process with the unzipped plugin and this profile only: no venv, no checkout on PYTHONPATH."""
    return {
        "SUGINAMI_VENV": str(REPO / "no-such-venv"),
        "PYTHONPATH": "",
        "SUGINAMI_PLUGINPATH": str(plugins),
        "SUGINAMI_QGIS_CONFIG": str(config),
    }


def _unzip_plugin(profile):
    proc = subprocess.run(["bash", str(REPO / "scripts" / "package.sh")], capture_output=True, text=True, cwd=REPO)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    archive = next((REPO / "dist").glob("suginami_gis.*.zip"))
    plugins = profile / "python" / "plugins"
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(plugins)
    return plugins


def _installer(plugins, profile) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    script = plugins / "suginami_gis" / "deps.py"
    return subprocess.run(
        [QGIS_PYTHON, str(script), "--profile", str(profile)], capture_output=True, text=True, env=env, timeout=1800
    )


def _run(algorithm: str, params: dict[str, object], env: dict[str, str]) -> dict:
    proc = run_qgis_process("--json", "run", algorithm, "--", *[f"{k}={v}" for k, v in params.items()], env=env)
    start = proc.stdout.find("{")
    assert proc.returncode == 0 and start >= 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return json.loads(proc.stdout[start:])["results"]


def _config_version(tool: str) -> str:
    return subprocess.run([tool, "--version"], capture_output=True, text=True, check=True).stdout.strip()


def _proj_version() -> str:
    """The system PROJ's version: `proj` prints "Rel. 9.1.1, December 1st, 2022" and its usage."""
    text = subprocess.run(["proj"], capture_output=True, text=True, check=False)
    return (text.stdout + text.stderr).split()[1].rstrip(",")


def test_installer_then_one_algorithm_of_each_group(tmp_path):
    bare = subprocess.run([QGIS_PYTHON, "-c", "import shapely, rasterio"], capture_output=True, env={})
    assert bare.returncode != 0, "this test needs a QGIS Python without shapely and rasterio"
    config = tmp_path / "config"
    profile = config / "profiles" / "default"
    plugins = _unzip_plugin(profile)
    env = _bare_env(config, plugins)
    before = run_qgis_process("help", "suginami:roadblockage", env=env)
    assert "Install Python packages" in before.stdout and "deps.py" in before.stdout

    started = time.monotonic()
    first = _installer(plugins, profile)
    print(f"installer: {time.monotonic() - started:.1f} s")
    assert first.returncode == 0, first.stdout[-4000:] + first.stderr[-4000:]
    target = profile / "python" / "suginami_gis_deps" / "3.11"
    assert f"Installed into {target}" in first.stdout and "shapely" in first.stdout
    assert "$ /usr/bin/python3" in first.stdout and "--target" in first.stdout
    # Debian's scipy (1.10) is new enough and stays; numpy 1.24 is too old for shapely 2.2 and gets 1.26 (<2).
    assert not (target / "scipy").exists() and (target / "numpy-1.26.4.dist-info").is_dir()
    # Built against the GEOS, GDAL and PROJ that QGIS loads, not the copies inside PyPI's wheels;
    # osmnx (the OSM_FILE input) imports with them.
    code = (
        "import shapely, rasterio, pyproj, osmnx, geopandas; "
        "print(shapely.geos_version_string, rasterio.__gdal_version__, pyproj.proj_version_str)"
    )
    probe = subprocess.run(
        [QGIS_PYTHON, "-c", code],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(target), "PATH": os.environ["PATH"]},
    )
    system = [_config_version("geos-config"), _config_version("gdal-config"), _proj_version()]
    assert probe.stdout.split() == system, probe.stderr
    again = _installer(plugins, profile)
    assert again.returncode == 0 and "All Python packages are already installed" in again.stdout

    after = run_qgis_process("help", "suginami:roadblockage", env=env)
    assert "Missing Python packages" not in after.stdout and "ROADS" in after.stdout
    _earthquake(tmp_path, env)
    _evacuation(tmp_path, env)
    _wifi(tmp_path, env)
    _public_maps(tmp_path, env)
    _import_ward_data(tmp_path, env)


def _outputs(folder, suffix: str) -> dict[str, object]:
    return {"OUTPUT_PGV": folder / f"pgv{suffix}.tif", "OUTPUT_INTENSITY": folder / f"int{suffix}.tif"}


def _earthquake(tmp_path, env):
    params = {
        "EPICENTER": "-17040,-32930 [EPSG:6677]",
        "MAGNITUDE": 7.0,
        "DEPTH": 20,
        "EXTENT": "-18040,-16040,-33930,-31930 [EPSG:6677]",
        "PIXEL_SIZE": 200,
    }
    ours = _run("suginami:groundmotion", {**params, **_outputs(tmp_path, "")}, env)
    venv = run_json("suginami:groundmotion", {**params, **_outputs(tmp_path, "_venv")})["results"]
    with rasterio.open(ours["OUTPUT_PGV"]) as a, rasterio.open(venv["OUTPUT_PGV"]) as b:
        np.testing.assert_allclose(a.read(1), b.read(1), rtol=1e-6)


def _route_outputs(folder, suffix: str) -> dict[str, object]:
    names = {"OUTPUT_ROUTES": "routes", "OUTPUT_ASSIGNMENT": "assignment", "OUTPUT_SHELTERS": "shelters"}
    return {key: folder / f"{name}{suffix}.gpkg" for key, name in names.items()}


def _evacuation(tmp_path, env):
    damage = buildings_with_damage(tmp_path)
    params = {"ROADS": f"{SAMPLE_GPKG}|layername=roads", "BUILDINGS": f"{damage}|layername=buildings"}
    ours = _run("suginami:roadblockage", {**params, "OUTPUT": tmp_path / "blockage.gpkg"}, env)
    venv = run_json("suginami:roadblockage", {**params, "OUTPUT": tmp_path / "blockage_venv.gpkg"})["results"]
    a, b = pyogrio.read_dataframe(ours["OUTPUT"]), pyogrio.read_dataframe(venv["OUTPUT"])
    assert len(a) == len(pyogrio.read_dataframe(SAMPLE_GPKG, layer="roads")) == len(b)
    np.testing.assert_allclose(a["p_block"], b["p_block"], rtol=1e-9)
    # The routes also need networkx, which the installer adds too.
    params = {
        "ROADS": f"{SAMPLE_GPKG}|layername=roads",
        "ORIGINS": f"{SAMPLE_GPKG}|layername=buildings",
        "ORIGIN_ID_FIELD": "building_id",
        "POPULATION_FIELD": "occupants",
        "SHELTERS": f"{SAMPLE_GPKG}|layername=shelters",
        "SHELTER_ID_FIELD": "shelter_id",
        "CAPACITY_FIELD": "capacity",
        "REALIZATIONS": 0,
    }
    results = _run("suginami:evacuationroutes", {**params, **_route_outputs(tmp_path, "")}, env)
    # Checked by its properties, not against the venv's run: there ortools (not installed by the
    # installer) answers the capacity assignment, here networkx does.
    routes = pyogrio.read_dataframe(results["OUTPUT_ROUTES"])
    shelters = pyogrio.read_dataframe(results["OUTPUT_SHELTERS"])
    assert len(routes) > 100 and results["ORIGIN_COUNT"] == len(pyogrio.read_dataframe(SAMPLE_GPKG, layer="buildings"))
    np.testing.assert_allclose(routes.geometry.length, routes["length_m"], rtol=1e-6, atol=1e-3)
    assert (shelters["assigned"] <= shelters["capacity"]).all() and shelters["assigned"].sum() > 0


def _wifi_outputs(folder, suffix: str) -> dict[str, object]:
    return {"OUTPUT_RSSI": folder / f"rssi{suffix}.tif", "OUTPUT_COVERAGE": folder / f"coverage{suffix}.gpkg"}


def _wifi(tmp_path, env):
    # Buildings attenuate the signal: the case that went wrong with a wheel's own GEOS inside QGIS.
    params = {
        "ACCESS_POINTS": f"{SAMPLE_GPKG}|layername=wifi_aps",
        "EIRP_FIELD": "eirp_dbm",
        "HEIGHT_FIELD": "height_m",
        "FREQUENCY_FIELD": "frequency_mhz",
        "BUILDINGS": f"{SAMPLE_GPKG}|layername=buildings",
        "BUILDING_HEIGHT_FIELD": "height_m",
        "EXTENT": "-17400,-17000,-33600,-33200 [EPSG:6677]",
        "PIXEL_SIZE": 4,
    }
    ours = _run("suginami:wificoverage", {**params, **_wifi_outputs(tmp_path, "")}, env)
    venv = run_json("suginami:wificoverage", {**params, **_wifi_outputs(tmp_path, "_venv")})["results"]
    with rasterio.open(ours["OUTPUT_RSSI"]) as a, rasterio.open(venv["OUTPUT_RSSI"]) as b:
        np.testing.assert_allclose(a.read(1, masked=True), b.read(1, masked=True), atol=1e-4)
        assert a.read(1, masked=True).count() > 1000  # not an empty raster


def _public_maps(tmp_path, env):
    out = tmp_path / "public"
    layers = [f"LAYERS={SAMPLE_GPKG}|layername={name}" for name in ("districts", "shelters")]
    proc = run_qgis_process(
        "--json", "run", "suginami:publicexport", "--", *layers, f"OUTPUT_FOLDER={out}", "LANGUAGES=1", env=env
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    counts = {
        p.stem: len(json.loads(p.read_text(encoding="utf-8"))["features"]) for p in (out / "data").glob("*.geojson")
    }
    assert counts == {"districts": 9, "shelters": 5}


def _import_ward_data(tmp_path, env):
    """The import group: a J-SHIS AVS30 file (published layout) over the sample ward becomes a raster."""
    from rasterio.warp import transform_bounds

    from suginami_gis.core import avs30, mesh

    west, south, east, north = transform_bounds("EPSG:6677", "EPSG:6668", -18040, -33930, -16040, -31930)
    codes = {
        mesh.to_code(float(lat), float(lon), 5)
        for lat in np.arange(south, north, 7.5 / 3600)
        for lon in np.arange(west, east, 11.25 / 3600)
    }
    jshis = tmp_path / "jshis.csv"
    jshis.write_text(avs30.write_jshis_csv([(code, 15, 250.0, 1.7) for code in sorted(codes)]), encoding="utf-8")
    params = {"INPUT": jshis, "PIXEL_SIZE": 100.0}
    ours = _run("suginami:importavs30", {**params, "OUTPUT": tmp_path / "avs30.tif"}, env)
    venv = run_json("suginami:importavs30", {**params, "OUTPUT": tmp_path / "avs30_venv.tif"})["results"]
    with rasterio.open(ours["OUTPUT"]) as a, rasterio.open(venv["OUTPUT"]) as b:
        values = a.read(1, masked=True)
        assert values.count() > 100 and float(values.max()) == 250.0
        np.testing.assert_array_equal(values.filled(-1), b.read(1, masked=True).filled(-1))
