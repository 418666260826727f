"""Without the Python packages the plugin needs, every algorithm is still listed and says what is missing."""

from __future__ import annotations

import re
import subprocess

from conftest import REPO, SAMPLE_GPKG, run_qgis_process

# QGIS's own Python only (Debian's packages), as on a desktop where nothing was installed yet.
BARE = {"SUGINAMI_VENV": str(REPO / "no-such-venv"), "PYTHONPATH": ""}
ALGORITHMS = {
    "buildingdamage",
    "distributepopulation",
    "evacuationroutes",
    "firespread",
    "groundmotion",
    "importplateau",
    "importavs30",
    "imputebuildingattributes",
    "publicexport",
    "roadblockage",
    "scenario",
    "scenariomodel",
    "shelteraccess",
    "wificoverage",
    "wifiplacement",
}


def test_every_algorithm_is_listed_and_names_its_missing_packages(tmp_path):
    listed = run_qgis_process("list", env=BARE)
    assert listed.returncode == 0, listed.stderr[-2000:]
    assert set(re.findall(r"suginami:(\w+)", listed.stdout)) == ALGORITHMS
    assert "failed to load" not in listed.stdout + listed.stderr
    # Debian's Python has numpy and scipy but not shapely 2 or rasterio (scripts/setup.sh puts those in the venv).
    bare_python = subprocess.run(["/usr/bin/python3", "-c", "import shapely, rasterio"], capture_output=True)
    assert bare_python.returncode != 0, "this test needs a QGIS Python without shapely and rasterio"
    helped = run_qgis_process("help", "suginami:roadblockage", env=BARE)
    assert "Missing Python packages" in helped.stdout and "shapely" in helped.stdout
    assert "Install Python packages" in helped.stdout and "--user" not in helped.stdout
    run = run_qgis_process(
        "run",
        "suginami:roadblockage",
        "--",
        f"BUILDINGS={SAMPLE_GPKG}|layername=buildings",
        f"ROADS={SAMPLE_GPKG}|layername=roads",
        f"OUTPUT={tmp_path / 'blockage.gpkg'}",
        env=BARE,
    )
    output = run.stdout + run.stderr
    assert run.returncode != 0 and "Missing Python packages" in output and "shapely" in output
    assert "Traceback" not in output and not (tmp_path / "blockage.gpkg").exists()
