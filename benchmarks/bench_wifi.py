"""Benchmark for issue 6: Wi-Fi coverage around Suginami's 65 earthquake relief centres.

Real data from ../shared/data/real (never copied into the repository):
- the 65 relief centres (震災救援所), geocoded points, projected to EPSG:6677;
- PLATEAU 2020 building footprints with measured heights around them.

Per centre: a 300 m x 300 m window of 2 m pixels centred on the point, two APs (20 dBm, 10 m,
2437 MHz) at the point and 40 m south of it (an assumption: Japanese school yards usually lie
south of the school building), building obstruction on, and a 60 m-radius disc as the "site"
with a placeholder of 500 evacuees (not data: only to exercise the statistics).

    .venv/bin/python benchmarks/bench_wifi.py [--model 0|1] [--pixel 2] [--sites 65]

Target (issue 6): under 60 s in total for the coverage computation.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import peak_rss_mb, row

from suginami_gis.core import wifi
from suginami_gis.core.rasters import Grid

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "real"
CENTRES = SHARED / "suginami-relief-centres-muk-ai" / "evacuation_sites_geocoded.json"
BUILDINGS_ZIP = SHARED / "plateau2020-tokyo23-bldg-mvt" / "suginami_buildings_plateau2020.gpkg.zip"
WINDOW_M = 300.0
SECOND_AP_OFFSET_M = 40.0
SITE_RADIUS_M = 60.0
PLACEHOLDER_EVACUEES = 500.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=int, default=0, choices=[0, 1], help="0 free space, 1 ITU-R P.1411")
    parser.add_argument("--pixel", type=float, default=2.0, help="pixel size in metres")
    parser.add_argument("--sites", type=int, default=65, help="how many relief centres (first n)")
    args = parser.parse_args()
    if not CENTRES.exists() or not BUILDINGS_ZIP.exists():
        print(f"SKIPPED: the real data is absent ({CENTRES.parent} / {BUILDINGS_ZIP.parent})")
        return 0

    import pyogrio
    import shapely
    from pyproj import CRS, Transformer

    t0 = time.perf_counter()
    to_6677 = Transformer.from_crs(4326, 6677, always_xy=True)
    features = json.loads(CENTRES.read_text(encoding="utf-8"))["features"][: args.sites]
    lon = np.array([f["geometry"]["coordinates"][0] for f in features])
    lat = np.array([f["geometry"]["coordinates"][1] for f in features])
    cx, cy = to_6677.transform(lon, lat)
    names = [f["properties"]["name"] for f in features]

    layer = pyogrio.read_dataframe(
        f"/vsizip/{BUILDINGS_ZIP}/suginami_buildings_plateau2020.gpkg", columns=["measured_height_m"]
    ).to_crs(6677)
    all_geoms = np.asarray(layer.geometry.values, dtype=object)
    all_heights = layer["measured_height_m"].to_numpy(dtype=np.float64)
    tree = shapely.STRtree(all_geoms)
    t_load = time.perf_counter() - t0
    print(f"loaded {len(features)} relief centres and {len(all_geoms):,} buildings in {t_load:.1f} s")

    wkt = CRS.from_epsg(6677).to_wkt()
    half = WINDOW_M / 2.0
    t_cov = t_stats = 0.0
    shares = []
    n_buildings = []
    nlos_share = []
    for k in range(len(features)):
        x, y = float(cx[k]), float(cy[k])
        grid = Grid.from_extent(x - half, y - half, x + half, y + half, args.pixel, wkt)
        hits = tree.query(shapely.box(x - half, y - half, x + half, y + half))
        buildings = wifi.Buildings(list(all_geoms[hits]), all_heights[hits])
        aps = [
            wifi.AccessPoint(x, y, 20.0, 10.0, 2437.0, f"{k}-1"),
            wifi.AccessPoint(x, y - SECOND_AP_OFFSET_M, 20.0, 10.0, 2437.0, f"{k}-2"),
        ]
        t1 = time.perf_counter()
        result = wifi.compute_coverage(aps, grid, buildings, wifi.PropagationModel(args.model))
        t2 = time.perf_counter()
        wifi.coverage_polygons(result)
        site = wifi.Site(names[k], shapely.Point(x, y).buffer(SITE_RADIUS_M), PLACEHOLDER_EVACUEES)
        report = wifi.site_statistics(result, [site])
        t3 = time.perf_counter()
        t_cov += t2 - t1
        t_stats += t3 - t2
        shares.append(report.sites[0].covered_share)
        n_buildings.append(len(hits))
        served = result.buildings_crossed >= 0
        nlos_share.append(float((result.buildings_crossed[served] > 0).mean()) if served.any() else 0.0)

    shares_arr = np.array(shares)
    pixels = len(features) * round(WINDOW_M / args.pixel) ** 2
    print(f"model {wifi.PropagationModel(args.model).name}, {args.pixel:g} m pixels, {pixels:,} pixels in total")
    print(f"buildings per window: median {int(np.median(n_buildings))}, max {max(n_buildings)}")
    print(f"coverage (ray march + path loss): {t_cov:.1f} s; polygons + site stats: {t_stats:.1f} s")
    print(f"total compute {t_cov + t_stats:.1f} s (target < 60 s); data loading {t_load:.1f} s")
    for j, t in enumerate(wifi.DEFAULT_THRESHOLDS_DBM):
        col = shares_arr[:, j]
        lowest = f" ({names[int(col.argmin())]})" if col.min() < col.max() else ""
        print(
            f"share of the {SITE_RADIUS_M:.0f} m disc at >= {t:.0f} dBm: median {np.median(col):.2f}, "
            f"min {col.min():.2f}{lowest}, max {col.max():.2f}"
        )
    print(f"served pixels whose serving path crosses a building: median share {np.median(nlos_share):.2f}")
    row(
        f"wifi: coverage, {len(features)} relief centres",
        f"{pixels:,} px ({args.pixel:g} m), 2 APs/site",
        t_cov + t_stats,
        peak_rss_mb(),
        target_s=60.0,
        memory="process RSS so far",
        model=wifi.PropagationModel(args.model).name,
        coverage_s=round(t_cov, 3),
        polygons_stats_s=round(t_stats, 3),
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
