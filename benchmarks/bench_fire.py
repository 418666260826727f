"""Benchmark of suginami_gis.core.fire on all 124,207 PLATEAU 2020 Suginami footprints.

    .venv/bin/python benchmarks/bench_fire.py [--realizations 100] [--seed 0]

Targets (issue 4): spread graph + clusters in under 15 s; the simulation method with 100
realizations in under 2 minutes. Reads ../shared/data/real (never copied into the repository).

The footprints carry no structure, fire resistance or damage. Fire-resistance classes and floors
come from suginami_gis.core.impute (seeded; its docs/methods/impute.md lists the assumptions).

Timing part: P(collapse) = 2,500 / 122,904 for every building (the ward study's collapse count over
its building count), a placeholder for suginami:buildingdamage output.

Integration part (winter 18:00, 8 m/s from NNW): damage from suginami_gis.core.damage with the
built-in fragility curves, at intensities drawn (seeded) to match Tokyo 2022's Tama-East shares for
Suginami (46 % of the ward at 6+, 54 % at 6-, methods.md section 8) with the class midpoints 6.25 and
5.75 - a stand-in for a ground-motion run - then the fire estimate, with and without fire-proofing
to 70 % plus retrofit to 96 %. Printed beside the ward study's figures (about 27,100 burned; about
17,300 after both programmes), not tuned to them.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import peak_rss_mb, row  # noqa: E402

from suginami_gis.core import fire  # noqa: E402

SHARED = ROOT.parent / "shared" / "data" / "real"
ZIP = SHARED / "plateau2020-tokyo23-bldg-mvt" / "suginami_buildings_plateau2020.gpkg.zip"
TOWNS = SHARED / "suginami-town-api-shoreless" / "towns.geojson"
ASSUMED_P_COLLAPSE = 2500 / 122_904  # ward study: about 2,500 collapses of 122,904 buildings


class PrintFeedback:
    def set_progress(self, percent: float) -> None:
        pass

    def is_canceled(self) -> bool:
        return False

    def info(self, message: str) -> None:
        print(f"    {message}")


def load_footprints():
    import pyogrio
    import shapely

    path = f"/vsizip/{ZIP}/suginami_buildings_plateau2020.gpkg"
    df = pyogrio.read_dataframe(path, columns=["bldg_id", "measured_height_m"]).to_crs(6677)
    geoms = np.asarray(df.geometry.array)
    invalid = ~shapely.is_valid(geoms)
    fixed = shapely.make_valid(geoms[invalid])
    for k, g in enumerate(fixed):
        if g.geom_type == "GeometryCollection":
            fixed[k] = shapely.union_all([p for p in g.geoms if p.geom_type in ("Polygon", "MultiPolygon")])
    geoms[invalid] = fixed
    return geoms, int(invalid.sum()), df["measured_height_m"].to_numpy()


def load_towns():
    import pyogrio

    towns = pyogrio.read_dataframe(TOWNS).to_crs(6677)
    return np.asarray(towns.geometry.array), towns["town"].tolist()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--realizations", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if not ZIP.exists():
        print(f"real data absent: {ZIP}")
        return 1

    t0 = time.perf_counter()
    geoms, n_repaired, height = load_footprints()
    t_read = time.perf_counter() - t0
    n = len(geoms)
    print(f"read + project {n:,} footprints: {t_read:.1f} s ({n_repaired} invalid footprints repaired with make_valid)")

    import shapely

    from suginami_gis.core.impute import impute_building_attributes

    t0 = time.perf_counter()
    attributes = impute_building_attributes(height, shapely.area(geoms), seed=args.seed)
    classes = fire.parse_fire_resistance(attributes.fire_resistance)
    floors = attributes.floors.astype(np.float64)
    counts = np.bincount(classes, minlength=4) / n
    shares = ", ".join(f"{name} {c:.1%}" for name, c in zip(fire.FIRE_RESISTANCE_NAMES, counts))
    print(f"imputed classes and floors ({time.perf_counter() - t0:.1f} s): {shares}")
    p_collapse = np.full(n, ASSUMED_P_COLLAPSE)
    # the built-in ignition table needs each building's intensity: the Tama-East shares (see integration)
    rng = np.random.default_rng(args.seed + 1)
    intensity = np.where(rng.random(n) < TAMA_EAST_SHARE_6_UPPER, INTENSITY_6_UPPER, INTENSITY_6_LOWER)

    t0 = time.perf_counter()
    fire.validate_footprints(geoms)
    t_validate = time.perf_counter() - t0
    for wind in (0.0, 8.0):
        t0 = time.perf_counter()
        graph = fire.build_spread_graph(geoms, classes, wind, fire.TOKYO_WIND_DIRECTION_DEG, validate=False)
        t_graph = time.perf_counter() - t0
        t0 = time.perf_counter()
        _, size = graph.clusters()
        t_clusters = time.perf_counter() - t0
        t0 = time.perf_counter()
        p = fire.ignition_probability(p_collapse, hour=18, intensity=intensity)
        upwind_p, upwind_n = fire.upwind_sums(graph, p)
        p_burn = fire.cluster_burn_probability(1.0, upwind_p)
        t_cluster = time.perf_counter() - t0
        total = t_validate + t_graph + t_clusters + t_cluster
        print(
            f"wind {wind:g} m/s: validate {t_validate:.1f} s + graph {t_graph:.1f} s ({graph.n_links:,} links) "
            f"+ clusters {t_clusters:.2f} s (largest {size.max():,}) + cluster method {t_cluster:.2f} s "
            f"(largest upwind set {int(upwind_n.max()):,}) = {total:.1f} s [target < 15 s]; "
            f"expected burned {p_burn.sum():,.1f}"
        )
        row(
            f"fire: adjacency + clusters, wind {wind:g} m/s",
            f"{n:,} real buildings",
            total,
            peak_rss_mb(),
            target_s=15.0,
            memory="process RSS so far",
            links=graph.n_links,
            largest_cluster=int(size.max()),
        )

    towns, _ = load_towns()
    district = fire.assign_districts(geoms, towns)
    print(f"{(district >= 0).sum():,} buildings in {len(towns)} towns")
    feedback = PrintFeedback()
    for method, target in ((fire.Method.CLUSTER, None), (fire.Method.SIMULATION, 120.0)):
        for rate in (None, 0.70):
            scenario = fire.FireScenario(
                method=method, realizations=args.realizations, seed=args.seed, fireproof_target_rate=rate
            )
            t0 = time.perf_counter()
            res = fire.run_fire(
                geoms,
                classes,
                p_collapse,
                scenario,
                intensity=intensity,
                floors=floors,
                district_index=district,
                n_districts=len(towns),
                feedback=feedback,
            )
            elapsed = time.perf_counter() - t0
            w = res.ward
            label = f"{method.name.lower()}, fire-resistant {res.share_after:.1%}"
            print(
                f"run_fire {label}, {args.realizations} realizations: {elapsed:.1f} s"
                + (f" [target < {target:g} s]" if target else "")
            )
            if rate is None:
                row(
                    f"fire: run_fire {method.name.lower()}"
                    + (f", {args.realizations} realizations" if method == fire.Method.SIMULATION else ""),
                    f"{n:,} real buildings",
                    elapsed,
                    peak_rss_mb(),
                    target_s=target,
                    memory="process RSS so far",
                    expected_burned=round(float(res.ward.expected_burned[0]), 1),
                )
            print(
                f"    expected ignitions {w.expected_ignitions[0]:.2f}; burned {w.expected_burned[0]:,.0f} "
                f"(5-95 %: {w.burned_p05[0]:,.0f}-{w.burned_p95[0]:,.0f}); burned floor area "
                f"{w.burned_floor_area_m2[0] / 1e4:,.1f} ha; fire deaths {w.fire_deaths[0]:.1f}"
            )
    integration(geoms, attributes, floors, district, len(towns), args)
    return 0


# Tokyo 2022, Tama-East scenario (methods.md section 8): shares of Suginami at 6+ and 6-, taken at
# the midpoints of the JMA classes (6+ = 6.0-6.5, 6- = 5.5-6.0).
TAMA_EAST_SHARE_6_UPPER = 0.46
INTENSITY_6_UPPER, INTENSITY_6_LOWER = 6.25, 5.75
WARD_STUDY_BURNED = 27_100
WARD_STUDY_BURNED_AFTER_PROGRAMMES = 17_300
WARD_STUDY_COLLAPSED = 2_500


def integration(geoms, attributes, floors, district, n_towns, args) -> None:
    from suginami_gis.core import damage, fragility

    n = len(geoms)
    rng = np.random.default_rng(args.seed + 1)
    intensity = np.where(rng.random(n) < TAMA_EAST_SHARE_6_UPPER, INTENSITY_6_UPPER, INTENSITY_6_LOWER)
    structure = fragility.parse_structure(attributes.structure)
    years = fragility.parse_years(attributes.year_built.astype(np.float64))
    print("integration: winter 18:00, wind 8 m/s from NNW, Tama-East intensity shares (46 % 6+, 54 % 6-)")
    for label, retrofit, fireproof, study in (
        ("present", None, None, WARD_STUDY_BURNED),
        ("retrofit 96 % + fire-proofing 70 %", 0.96, 0.70, WARD_STUDY_BURNED_AFTER_PROGRAMMES),
    ):
        t0 = time.perf_counter()
        dmg = damage.estimate_damage(structure, years, intensity, retrofit_target_rate=retrofit, seed=args.seed)
        for method in (fire.Method.CLUSTER, fire.Method.SIMULATION):
            res = fire.run_fire(
                geoms,
                attributes.fire_resistance,
                dmg.p_collapse,
                fire.FireScenario(
                    method=method, realizations=args.realizations, seed=args.seed, fireproof_target_rate=fireproof
                ),
                intensity=dmg.intensity,
                floors=floors,
                district_index=district,
                n_districts=n_towns,
            )
            w = res.ward
            print(
                f"  {label}, {method.name.lower()}: collapsed {dmg.p_collapse.sum():,.0f} (ward study about "
                f"{WARD_STUDY_COLLAPSED:,} at present); fires {w.expected_ignitions[0]:.1f}; burned "
                f"{w.expected_burned[0]:,.0f} (5-95 %: {w.burned_p05[0]:,.0f}-{w.burned_p95[0]:,.0f}) vs ward study "
                f"about {study:,}; fire deaths {w.fire_deaths[0]:.1f} ({time.perf_counter() - t0:.1f} s)"
            )


if __name__ == "__main__":
    raise SystemExit(main())
