"""The main job on the bundled sample ward, through qgis_process, writing results under out/demo.

Run with `make demo`. Each step is one Processing algorithm called exactly as a batch user would.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "suginami_gis" / "resources" / "sample"
GPKG = SAMPLE / "sample_ward.gpkg"
OUT = REPO / "out" / "demo"

# The scenario: an Mw 7.3 intraslab earthquake 25 km beneath the sample ward, in the manner of
# the capital-region M7.3 scenarios of the Cabinet Office (2013) and Tokyo (2022).
SCENARIO = {
    "EPICENTER": "-17040,-32930 [EPSG:6677]",
    "MAGNITUDE": 7.3,
    "DEPTH": 25,
    "FAULT_TYPE": 2,
    "EXTENT": "-18540,-15540,-34430,-31430 [EPSG:6677]",
    "PIXEL_SIZE": 20,
    "REALIZATIONS": 20,
    "SEED": 42,
}


def qgis_process(algorithm: str, params: dict[str, object]) -> dict:
    args = [str(REPO / "scripts" / "qgis_process"), "--json", "run", algorithm, "--"]
    args += [f"{key}={value}" for key, value in params.items()]
    started = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    start = proc.stdout.find("{")
    if proc.returncode != 0 or start < 0:
        sys.stderr.write(proc.stdout[-4000:] + proc.stderr[-4000:])
        raise SystemExit(f"{algorithm} failed (exit {proc.returncode})")
    results = json.loads(proc.stdout[start:])["results"]
    print(f"  {algorithm}: {seconds:.1f} s")
    return results


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    print(f"Sample ward: {GPKG}")
    motion = qgis_process(
        "suginami:groundmotion",
        {
            **SCENARIO,
            "AVS30": SAMPLE / "avs30.tif",
            "OUTPUT_PGV": OUT / "pgv.tif",
            "OUTPUT_INTENSITY": OUT / "intensity.tif",
        },
    )
    print(
        f"Ground motion: {motion['BANDS']} bands (median + realizations), max median intensity {motion['MAX_INTENSITY']:.2f}"
    )
    print(f"  {motion['OUTPUT_PGV']}")
    print(f"  {motion['OUTPUT_INTENSITY']}")
    print(f"Results are in {OUT}")


if __name__ == "__main__":
    main()
