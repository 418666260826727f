"""The main job on the bundled sample ward, through qgis_process, writing results under out/demo.

Run with `make demo`: the one-click ward scenario (suginami:scenario, current state and after the
mitigation programme, 100 realizations), called exactly as a batch user would.
"""

from __future__ import annotations

import json
import shutil
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
    "REALIZATIONS": 100,
    "SEED": 42,
}
# Ward totals printed before and after: (result key stem, label).
QUANTITIES = (
    ("COLLAPSED", "Collapsed buildings"),
    ("BURNED", "Burned buildings"),
    ("DEATHS", "Deaths (collapse + fire)"),
    ("SHELTER_DEMAND", "Shelter demand (people)"),
    ("UNREACHABLE", "People not reaching a shelter in 15 min"),
)


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


def set_aside_unmarked(folder: Path) -> None:
    """Rename a results folder that carries no plugin marker (written before the marker existed).

    The scenario never replaces a folder it cannot prove it wrote (OVERWRITE, docs/reliability.md);
    the demo's own folder from an older version is renamed instead of deleted, so nothing is lost.
    """
    if folder.exists() and not (folder / ".suginami-output.json").exists():
        aside = folder.with_name(f"{folder.name}.before-{time.strftime('%Y%m%d-%H%M%S')}")
        folder.rename(aside)
        print(f"{folder} has no plugin marker (an older version wrote it): renamed to {aside.name}")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    set_aside_unmarked(OUT / "scenario")
    print(f"Sample ward: {GPKG}")
    # The scenario reads a copy: GDAL may write to a GeoPackage it opens, and the sample stays as committed.
    inputs = OUT / "input"
    inputs.mkdir(exist_ok=True)
    shutil.copy2(GPKG, inputs / GPKG.name)
    shutil.copy2(SAMPLE / "avs30.tif", inputs / "avs30.tif")
    ward = inputs / GPKG.name
    started = time.perf_counter()
    results = qgis_process(
        "suginami:scenario",
        {
            **SCENARIO,
            "AVS30": inputs / "avs30.tif",
            "BUILDINGS": f"{ward}|layername=buildings",
            "ROADS": f"{ward}|layername=roads",
            "SHELTERS": f"{ward}|layername=shelters",
            "SHELTER_SITES": f"{ward}|layername=shelter_sites",
            "ACCESS_POINTS": f"{ward}|layername=wifi_aps",
            "DISTRICTS": f"{ward}|layername=districts",
            "SCENARIO_HOUR": 18,
            "WIND_SPEED": 8,
            "RETROFIT_TARGET_RATE": 0.96,
            "FIREPROOF_TARGET_RATE": 0.70,
            "REALIZATIONS": 100,
            "OVERWRITE": 1,
            "OUTPUT_FOLDER": OUT / "scenario",
        },
    )
    total = time.perf_counter() - started
    print("Time per step (s):")
    for step, seconds in results["STEP_SECONDS"].items():
        print(f"  {step:<28} {seconds:6.1f}")
    print(f"  {'total (qgis_process)':<28} {total:6.1f}")
    print(
        "Fire model: ignitions of collapsed and of standing buildings (built-in table, "
        "resources/data/ignition_noncollapse.yaml), seismic breakers 8.3 %, initial extinguishment 36.6 %."
    )
    print("Collapsed and burned buildings, both statistics (current state -> after mitigation):")
    for key, label in (("COLLAPSED", "Collapsed"), ("BURNED", "Burned")):
        for run in ("BASELINE", "MITIGATED"):
            print(
                f"  {label:<10} {run.lower():<10} Monte Carlo mean {results[f'{run}_{key}']:10,.1f} "
                f"(5-95 %: {results[f'{run}_{key}_P5']:,.0f}-{results[f'{run}_{key}_P95']:,.0f}); "
                f"median ground motion {results[f'{run}_{key}_MEDIAN']:10,.1f}"
            )
    print("Statistic in the table below: Monte Carlo means over 100 realizations of ground motion and damage.")
    print("Ward totals, current state -> after retrofit 96 % and fire-proofing 70 %:")
    for key, label in QUANTITIES:
        before, after = results[f"BASELINE_{key}"], results[f"MITIGATED_{key}"]
        change = results[f"CHANGE_PCT_{key}"]
        relative = "" if change is None else f" ({change:+.1f} %)"
        print(f"  {label:<40} {before:10,.1f} -> {after:10,.1f}{relative}")
    print(f"Report (PDF):  {results['REPORT_PDF'] or 'not written (no report module)'}")
    print(f"Report (HTML): {results['REPORT_HTML'] or 'not written (no report module)'}")
    print(f"Web map, current state:    {results['INDEX_HTML_BASELINE']}")
    print(f"Web map, after mitigation: {results['INDEX_HTML_MITIGATED']}")
    print(f"QGIS project: {results['PROJECT']}")
    print(f"Results are in {results['OUTPUT_FOLDER']}")


if __name__ == "__main__":
    main()
