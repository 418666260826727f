"""Benchmark: building damage for all 124,207 real PLATEAU 2020 Suginami buildings.

Run from the repository root:  .venv/bin/python benchmarks/bench_damage.py [--realizations 1000]

Reads the footprints from ../shared/data/real (zipped GeoPackage via /vsizip/), imputes structure
and year, applies a ward-wide intensity field (46 % of buildings at 6+, the rest 6-, after Tokyo's
2022 Tama-East scenario) and times expected-value mode (target < 5 s) and Monte Carlo
realizations (target < 60 s for 1,000, peak memory < 4 GB). Prints the figures.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from suginami_gis.core import damage as dm  # noqa: E402
from suginami_gis.core import fragility as fr  # noqa: E402
from suginami_gis.core import impute as im  # noqa: E402
from suginami_gis.core.rasters import Grid, RasterData  # noqa: E402

SHARED = ROOT.parent / "shared" / "data" / "real"
SOURCE = SHARED / "plateau2020-tokyo23-bldg-mvt" / "suginami_buildings_plateau2020.gpkg.zip"
LAYER_PATH = f"/vsizip/{SOURCE}/suginami_buildings_plateau2020.gpkg"
EPSG = 6677
SHARE_6_PLUS = 0.46  # Tokyo 2022 Tama-East scenario, share of Suginami at 6+ (methods.md section 8)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux reports kilobytes


def load_buildings():
    import pyogrio
    import shapely
    from rasterio.crs import CRS
    from rasterio.warp import transform

    meta, _, wkb, fields = pyogrio.raw.read(LAYER_PATH, columns=["census_town_name", "measured_height_m"])
    src, dst = CRS.from_user_input(meta["crs"]), CRS.from_epsg(EPSG)
    geoms = shapely.transform(shapely.from_wkb(wkb), lambda x, y: transform(src, dst, x, y), interleaved=False)
    centres = shapely.centroid(geoms)
    town = np.array(["" if t is None else str(t) for t in fields[0]])
    names, inverse = np.unique(town, return_inverse=True)
    valid_names = names != ""
    remap = np.where(valid_names, np.cumsum(valid_names) - 1, -1)
    return (
        shapely.get_x(centres),
        shapely.get_y(centres),
        np.asarray(fields[1], dtype=float),
        shapely.area(geoms),
        remap[inverse].astype(np.int32),
        list(names[valid_names]),
    )


def scenario_raster(x: np.ndarray, y: np.ndarray) -> RasterData:
    from rasterio.crs import CRS

    grid = Grid.from_extent(
        x.min() - 500, y.min() - 500, x.max() + 500, y.max() + 500, 250.0, CRS.from_epsg(EPSG).to_wkt()
    )
    xs, _ = grid.centers()
    row = np.clip(6.0 + 0.45 * (np.quantile(x, SHARE_6_PLUS) - xs) / (x.max() - x.min()), 5.55, 6.45)
    return RasterData(np.tile(row, (grid.height, 1))[None], grid, ("intensity",))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--realizations", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if not SOURCE.exists():
        print(f"real data absent: {SOURCE}")
        return 1

    t0 = time.perf_counter()
    x, y, height, area, district, names = load_buildings()
    t_read = time.perf_counter() - t0
    t0 = time.perf_counter()
    attrs = im.impute_building_attributes(height, area, seed=args.seed)
    structure = fr.parse_structure(attrs.structure)
    years = fr.parse_years(attrs.year_built)
    t_impute = time.perf_counter() - t0
    raster = scenario_raster(x, y)
    t0 = time.perf_counter()
    gm = dm.sample_ground_motion(raster, x, y, raster.grid.crs_wkt)
    t_sample = time.perf_counter() - t0
    common = dict(district_index=district, district_names=names, scenario_hour=18, seed=args.seed)

    t0 = time.perf_counter()
    ev = dm.estimate_damage(structure, years, gm, **common)
    t_ev = time.perf_counter() - t0
    t0 = time.perf_counter()
    mc = dm.estimate_damage(structure, years, gm, realizations=args.realizations, **common)
    t_mc = time.perf_counter() - t0

    print(f"buildings: {len(x)} ({len(names)} districts), {np.mean(gm[0] >= 6.0):.1%} at intensity 6+")
    print(f"read + project: {t_read:.2f} s; impute: {t_impute:.2f} s; sample raster: {t_sample:.3f} s")
    print(f"expected-value mode: {t_ev:.2f} s (target < 5 s)")
    print(f"{args.realizations} realizations: {t_mc:.2f} s (target < 60 s)")
    print(f"peak memory (RSS): {peak_rss_mb():.0f} MB (target < 4096 MB)")
    for q in dm.QUANTITIES:
        print(
            f"  {q:16s} expected {ev.ward[q]:10.1f}   Monte Carlo mean {mc.ward[q]:10.1f} "
            f"(5 %: {mc.ward[q + '_p5']:.1f}, 95 %: {mc.ward[q + '_p95']:.1f})"
        )
    ok = t_ev < 5 and t_mc < 60 * args.realizations / 1000 and peak_rss_mb() < 4096
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 2


if __name__ == "__main__":
    raise SystemExit(main())
