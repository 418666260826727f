"""Integration run (not part of make test): suginami:scenario on the real Suginami footprints.

Run from the repository root:
    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/real_suginami_scenario.py [--realizations 100]
        [--no-export] [--executor local] [--reuse-inputs] [--prepare-only]

--no-export leaves out the two public exports (PUBLIC_EXPORT=False); --reuse-inputs keeps the prepared
inputs of an earlier run in out/bench/real_scenario (so the peak memory is the scenario's alone);
the last line is a BENCH_ROW (benchmarks/_common.py) with each step's time and the peak resident set.

Inputs (../shared/data/real, each folder has its SOURCE.md):
- buildings: the 124,207 PLATEAU 2020 footprints of Suginami, reprojected to EPSG:6677, given
  4.60 occupants each (571,703 residents / 124,207 buildings, the buildingdamage default) and
  imputed with suginami:imputebuildingattributes (after QGIS's Fix geometries: 12 self-intersect) (84.6 % to the 1981 standard, 56.1 % fire-resistant);
- districts: the 139 real 町丁目 (towns.geojson, field `town`);
- shelters: the 65 real 震災救援所 (relief centres, geocoded); no capacities are published, so
  routing is to the nearest centre without capacity; shelter sites are 50 m circles around them
  (no site polygons are published);
- Wi-Fi: the 32 real public access points (suginami-wifi), at the default 20 dBm / 10 m / 2437 MHz;
- streets: NO real Suginami street network exists in the shared data. The synthetic ward-scale
  network of suginami_gis.core.sample_ward (--ward-scale; a 5.83 km square centred on
  Asagaya-Minami / Koenji-Minami) stands in for it. It does not cover the ward's edges, so the
  routing figures (unreachable population) are not meaningful; collapsed and burned buildings do
  not depend on streets;
- ground motion: Mw 7.3 intraslab, 25 km deep, epicentre beneath the ward's centre
  (139.630 E, 35.698 N), AVS30 300 m/s everywhere (no AVS30 map of the ward is shipped).
Mitigation: retrofit 84.6 % -> 96 %, fire-proofing 56.1 % -> 70 % (the ward study's targets).
The relative reductions are printed next to the ward study's published ones (-82 % collapsed,
-36 % burned); no parameter is tuned to them.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "real"
OUT = ROOT / "out" / "bench" / "real_scenario"
PLATEAU = (
    "/vsizip/"
    + str(SHARED / "plateau2020-tokyo23-bldg-mvt" / "suginami_buildings_plateau2020.gpkg.zip")
    + "/suginami_buildings_plateau2020.gpkg|layername=suginami_buildings"
)
TOWNS = SHARED / "suginami-town-api-shoreless" / "towns.geojson"
WIFI = SHARED / "suginami-town-api-shoreless" / "public_wifi.geojson"
CENTRES = SHARED / "suginami-relief-centres-muk-ai" / "evacuation_sites_geocoded.json"
# The ward study's published reductions for the same programme (as quoted in the issue).
PUBLISHED = {"collapsed": -82.0, "burned": -36.0}
# Suginami: 571,703 residents / 124,207 buildings (as the buildingdamage default).
OCCUPANTS_PER_BUILDING = 4.60
BUILDINGS_LABEL = "124,207 real footprints"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--realizations", type=int, default=100)
    parser.add_argument("--no-export", action="store_true", help="PUBLIC_EXPORT=False")
    parser.add_argument("--executor", default="", help="the scenario's EXECUTOR ('' or local)")
    parser.add_argument("--reuse-inputs", action="store_true", help="reuse the prepared inputs if present")
    parser.add_argument("--prepare-only", action="store_true", help="prepare the inputs and stop")
    parser.add_argument("--folder", default="scenario", help="the scenario's folder under out/bench/real_scenario")
    args = parser.parse_args()
    if not SHARED.exists():
        print(f"the real data folder {SHARED} is absent", file=sys.stderr)
        return 2

    from qgis.core import QgsApplication, QgsProcessingContext, QgsProcessingFeedback, QgsProject

    app = QgsApplication([], False)
    app.initQgis()
    sys.path.insert(0, "/usr/share/qgis/python/plugins")
    sys.path.insert(0, str(ROOT))
    import processing
    from processing.core.Processing import Processing

    from suginami_gis.processing.provider import SuginamiProvider

    Processing.initialize()
    provider = SuginamiProvider()  # keep a reference: the registry does not own Python providers
    QgsApplication.processingRegistry().addProvider(provider)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _common import peak_rss_mb, ward_scale_gpkg

    OUT.mkdir(parents=True, exist_ok=True)
    times: dict[str, float] = {}

    def run(name: str, params: dict, label: str | None = None) -> dict:
        context = QgsProcessingContext()
        context.setProject(QgsProject.instance())
        started = time.perf_counter()
        result = processing.run(name, params, context=context, feedback=QgsProcessingFeedback())
        times[label or name] = time.perf_counter() - started
        print(f"  {label or name}: {times[label or name]:.1f} s", flush=True)
        return result

    streets = ward_scale_gpkg()
    prepared = {"buildings": OUT / "buildings_imputed.gpkg", "centres": OUT / "relief_centres.gpkg"}
    prepared["sites"] = OUT / "relief_sites.gpkg"
    if args.reuse_inputs and all(path.exists() for path in prepared.values()):
        print("Reusing the prepared inputs in " + str(OUT), flush=True)
        inputs = {key: str(path) for key, path in prepared.items()}
    else:
        inputs = prepare(run)
        if inputs is None:
            return 2
    if args.prepare_only:
        return 0
    rss_before = peak_rss_mb()
    return scenario(run, args, streets, inputs, times, rss_before)


def prepare(run) -> dict[str, str] | None:
    """The real inputs, reprojected, repaired, with occupants and imputed attributes (out/bench/real_scenario)."""
    print("Preparing the real inputs", flush=True)
    from qgis.core import QgsVectorLayer

    plateau = QgsVectorLayer(PLATEAU, "suginami_buildings", "ogr")
    if not plateau.isValid():
        print(f"cannot open {PLATEAU}", file=sys.stderr)
        return None
    projected = run(
        "native:reprojectlayer",
        {"INPUT": plateau, "TARGET_CRS": "EPSG:6677", "OUTPUT": str(OUT / "buildings_6677.gpkg")},
        "reproject buildings",
    )
    # 12 PLATEAU footprints self-intersect; the fire step refuses invalid footprints.
    fixed = run(
        "native:fixgeometries",
        {"INPUT": projected["OUTPUT"], "OUTPUT": str(OUT / "buildings_fixed.gpkg")},
        "fix geometries",
    )
    occupied = run(
        "native:fieldcalculator",
        {
            "INPUT": fixed["OUTPUT"],
            "FIELD_NAME": "occupants",
            "FIELD_TYPE": 0,
            "FIELD_LENGTH": 0,
            "FIELD_PRECISION": 0,
            "FORMULA": str(OCCUPANTS_PER_BUILDING),
            "OUTPUT": str(OUT / "buildings_occupants.gpkg"),
        },
        "occupants",
    )
    imputed = run(
        "suginami:imputebuildingattributes",
        {
            "INPUT": occupied["OUTPUT"],
            "HEIGHT_FIELD": "measured_height_m",
            "SEED": 42,
            "OUTPUT": str(OUT / "buildings_imputed.gpkg"),
        },
        "imputebuildingattributes",
    )
    centres = run(
        "native:reprojectlayer",
        {"INPUT": str(CENTRES), "TARGET_CRS": "EPSG:6677", "OUTPUT": str(OUT / "relief_centres.gpkg")},
        "reproject relief centres",
    )
    sites = run(
        "native:buffer",
        {"INPUT": centres["OUTPUT"], "DISTANCE": 50.0, "SEGMENTS": 8, "OUTPUT": str(OUT / "relief_sites.gpkg")},
        "relief-centre sites",
    )

    return {"buildings": imputed["OUTPUT"], "centres": centres["OUTPUT"], "sites": sites["OUTPUT"]}


def scenario(run, args, streets, inputs: dict[str, str], times: dict[str, float], rss_before: float) -> int:
    """suginami:scenario on the prepared inputs; prints each step's time, the totals and a BENCH_ROW."""
    from _common import TreeMemory, peak_rss_mb, row

    print(f"suginami:scenario, {args.realizations} realizations", flush=True)
    started = time.perf_counter()
    with TreeMemory() as tree:
        result = run_scenario(run, args, streets, inputs)
    total = time.perf_counter() - started
    print("Time per step (s):")
    for step, seconds in sorted(result["STEP_SECONDS"].items()):
        print(f"  {step:<30} {seconds:7.1f}")
    print(f"  {'scenario total':<30} {total:7.1f}")
    print("Ward totals, current state -> retrofit 96 % + fire-proofing 70 %:")
    for key in ("collapsed", "burned", "deaths", "shelter_demand", "unreachable"):
        before, after = result[f"BASELINE_{key.upper()}"], result[f"MITIGATED_{key.upper()}"]
        change = result[f"CHANGE_PCT_{key.upper()}"]
        published = f"   ward study: {PUBLISHED[key]:+.0f} %" if key in PUBLISHED else ""
        relative = "-" if change is None else f"{change:+.1f} %"
        print(f"  {key:<16} {before:12,.1f} -> {after:12,.1f}  ({relative}){published}")
    summary = {"times_s": {k: round(v, 1) for k, v in times.items()}, "results": result}
    (OUT / f"summary_{args.folder}.json").write_text(
        json.dumps(summary, ensure_ascii=False, indent=1, default=str), encoding="utf-8"
    )
    print(f"Results are in {result['OUTPUT_FOLDER']}")
    peak = peak_rss_mb()
    print(f"Peak resident set: {peak:,.0f} MB (before the scenario: {rss_before:,.0f} MB)")
    print(
        f"Peak of this process and the ones it started (second QGIS process, Monte Carlo pools): "
        f"{tree.peak_private_mb:,.0f} MB (shared libraries once), {tree.peak_rss_mb:,.0f} MB summed resident sets"
    )
    row(
        "ward-scale scenario" + (" without export" if args.no_export else ""),
        f"{BUILDINGS_LABEL}, {args.realizations} realizations, 2 runs",
        total,
        peak,
        target_s=60.0 if args.no_export else 180.0,
        steps={step: round(seconds, 1) for step, seconds in sorted(result["STEP_SECONDS"].items())},
        executor=args.executor or "serial",
        peak_tree_mb=round(tree.peak_private_mb, 1),
        peak_tree_rss_mb=round(tree.peak_rss_mb, 1),
        totals={key: result[key] for key in sorted(result) if key.startswith(("BASELINE_", "MITIGATED_"))},
    )
    return 0


def run_scenario(run, args, streets, inputs: dict[str, str]) -> dict:
    """suginami:scenario on the prepared inputs (the real ward, the bench's settings)."""
    return run(
        "suginami:scenario",
        {
            "EPICENTER": "139.630,35.698 [EPSG:4326]",
            "MAGNITUDE": 7.3,
            "DEPTH": 25.0,
            "FAULT_TYPE": 2,
            "PIXEL_SIZE": 50.0,
            "BUILDINGS": inputs["buildings"],
            "BUILDING_ID_FIELD": "bldg_id",
            "STRUCTURE_FIELD": "structure",
            "YEAR_FIELD": "year_built",
            "OCCUPANTS_FIELD": "occupants",
            "FIRE_RESISTANCE_FIELD": "fire_resistance",
            "FLOORS_FIELD": "floors",
            "BUILDING_HEIGHT_FIELD": "measured_height_m",
            "ROADS": f"{streets}|layername=roads",
            "SHELTERS": inputs["centres"],
            "SHELTER_ID_FIELD": "name",
            "SHELTER_NAME_FIELD": "name",
            "CAPACITY_FIELD": "",
            "SHELTER_SITES": inputs["sites"],
            "SITE_ID_FIELD": "name",
            "EVACUEES_FIELD": "",
            "ACCESS_POINTS": str(WIFI),
            "EIRP_FIELD": "",
            "AP_HEIGHT_FIELD": "",
            "FREQUENCY_FIELD": "",
            "DISTRICTS": str(TOWNS),
            "DISTRICT_NAME_FIELD": "town",
            "SCENARIO_HOUR": 18,
            "WIND_SPEED": 8.0,
            "RETROFIT_TARGET_RATE": 0.96,
            "FIREPROOF_TARGET_RATE": 0.70,
            "REALIZATIONS": args.realizations,
            "SEED": 42,
            "WIFI_PIXEL_SIZE": 10.0,
            "OVERWRITE": True,
            "PUBLIC_EXPORT": not args.no_export,
            "EXECUTOR": args.executor,
            "OUTPUT_FOLDER": str(OUT / args.folder),
        },
    )


if __name__ == "__main__":
    sys.exit(main())
