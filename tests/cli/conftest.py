"""End-to-end tests through scripts/qgis_process, as a batch user runs it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
QGIS_PROCESS = REPO / "scripts" / "qgis_process"
# Tests read a copy of the bundled sample: GDAL/QGIS may write to a GeoPackage they open
# (triggers, statistics, .aux.xml files), and the committed sample must stay byte-identical.
SAMPLE_DIR = Path(tempfile.mkdtemp(prefix="suginami-sample-"))
for _name in ("sample_ward.gpkg", "avs30.tif"):
    shutil.copy2(REPO / "suginami_gis" / "resources" / "sample" / _name, SAMPLE_DIR / _name)
SAMPLE_GPKG = SAMPLE_DIR / "sample_ward.gpkg"
SAMPLE_AVS30 = SAMPLE_DIR / "avs30.tif"
SHARED_DATA = REPO.parent / "shared" / "data" / "real"


def run_qgis_process(
    *args: str, env: dict[str, str] | None = None, timeout: float = 600
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(QGIS_PROCESS), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        check=False,
    )


def run_json(algorithm: str, params: dict[str, object], env: dict[str, str] | None = None) -> dict:
    """Run an algorithm with --json; fail with qgis_process's own output when it did not succeed."""
    return run_json_and_stderr(algorithm, params, env)[0]


def run_json_and_stderr(
    algorithm: str, params: dict[str, object], env: dict[str, str] | None = None
) -> tuple[dict, str]:
    """run_json, and what qgis_process wrote on stderr (where GDAL prints its "ERROR 1: ..." lines)."""
    args = ["--json", "run", algorithm, "--"] + [f"{k}={v}" for k, v in params.items()]
    proc = run_qgis_process(*args, env=env)
    start = proc.stdout.find("{")
    if proc.returncode != 0 or start < 0:
        pytest.fail(f"qgis_process failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout[start:]), proc.stderr


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.exists():
        pytest.skip(f"the real public data folder {SHARED_DATA} is absent (CI always has it)")
    return SHARED_DATA
