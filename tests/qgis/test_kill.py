"""kill -9 in the worst moment (every output written, nothing yet moved into place), for every algorithm
that writes files: the earlier outputs stay byte-identical, and the next run removes what the killed
run left behind."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_reliability import base

REPO = Path(__file__).resolve().parents[2]
ALGORITHMS = [
    "groundmotion",
    "buildingdamage",
    "firespread",
    "roadblockage",
    "evacuationroutes",
    "shelteraccess",
    "wificoverage",
    "wifiplacement",
    "imputebuildingattributes",
    "publicexport",
]

# A child process that runs one algorithm and stops, as if killed, when its outputs are complete but
# not yet in place: file outputs are then staged (StagedOutputs.verify is next), folder outputs built
# under their temporary name (checkpoint_geopackages is next).
CHILD = """
import os, sys, time
from pathlib import Path
sys.path[:0] = [{tests!r}, {repo!r}, "/usr/share/qgis/python/plugins"]
from qgis.core import QgsApplication
QgsApplication.setPrefixPath("/usr", True)
app = QgsApplication([], False)
app.initQgis()
import processing
from processing.core.Processing import Processing
Processing.initialize()
from suginami_gis.processing.provider import SuginamiProvider
provider = SuginamiProvider()  # kept referenced: the registry does not own a Python provider
QgsApplication.processingRegistry().addProvider(provider)
from suginami_gis.core import atomic
from suginami_gis.processing import staging
import test_reliability

def stop(*args, **kwargs):
    print("WRITTEN", flush=True)
    time.sleep(600)

staging.StagedOutputs.verify = stop
atomic.checkpoint_geopackages = stop
params = test_reliability.base({algorithm!r}, Path({tmp!r}))
processing.run("suginami:{algorithm}", {{**params, "OVERWRITE": True}} if "OUTPUT_FOLDER" in params else params)
"""


def files(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    }


def hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_kill_9_loses_nothing_and_the_next_run_cleans_up(algorithm, run_alg, tmp_path):
    run_alg(algorithm, base(algorithm, tmp_path))
    before = files(tmp_path)
    assert before, "the first run wrote nothing"
    code = CHILD.format(tests=str(Path(__file__).parent), repo=str(REPO), algorithm=algorithm, tmp=str(tmp_path))
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        deadline = time.monotonic() + 180
        line = b""
        while b"WRITTEN" not in line and time.monotonic() < deadline and child.poll() is None:
            line = child.stdout.readline()
        assert b"WRITTEN" in line, child.stderr.read().decode()[-3000:] if child.poll() is not None else "timeout"
        os.kill(child.pid, signal.SIGKILL)
        child.wait(30)
    finally:
        if child.poll() is None:
            child.kill()
    left = hidden(tmp_path)
    assert left, "the child was killed before it wrote anything"
    assert files(tmp_path) == before  # every earlier output byte-identical, nothing new in view
    params = base(algorithm, tmp_path)
    run_alg(algorithm, {**params, "OVERWRITE": True} if "OUTPUT_FOLDER" in params else params)
    assert not set(left) & set(hidden(tmp_path)), hidden(tmp_path)
