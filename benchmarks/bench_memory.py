"""Benchmark: measured peak memory of the heavy steps against core/resources.py's estimates.

Run from the repository root, one case per process (the peak resident set is per process):

    .venv/bin/python benchmarks/bench_memory.py damage BANDS SIDE BUILDINGS
    .venv/bin/python benchmarks/bench_memory.py placement SPACING_M SITE_SIDE_M PIXEL_M
    .venv/bin/python benchmarks/bench_memory.py coverage SIDE_M PIXEL_M
    .venv/bin/python benchmarks/bench_memory.py groundmotion SIDE_M PIXEL_M

Without arguments (as `make bench` runs it) one case of each kind runs, each in a process of its own.
Each prints the peak resident memory above the process's baseline after its imports (the work's
own memory, what the estimate is for), the estimate, and their ratio. ``/usr/bin/time -v`` around
the same command gives the whole process's peak ("Maximum resident set size").
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from suginami_gis.core import resources

EPSG = 6677


def _rss_bytes() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024.0


def damage(bands: int, side: int, buildings: int, folder: Path) -> resources.Estimate:
    """buildingdamage's path: read the whole raster, sample it at the buildings, expected damage."""
    from rasterio.crs import CRS

    from suginami_gis.core import damage as dm
    from suginami_gis.core import fragility as fr
    from suginami_gis.core.rasters import Grid, open_geotiff, read_raster

    grid = Grid.from_extent(0.0, 0.0, side * 10.0, side * 10.0, 10.0, CRS.from_epsg(EPSG).to_wkt())
    path = folder / "gm.tif"
    rng = np.random.default_rng(1)
    with open_geotiff(path, grid, bands) as out:
        for k in range(1, bands + 1):
            out.write(k, rng.uniform(5.0, 6.5, grid.shape).astype(np.float32))
    x = rng.uniform(0, side * 10.0, buildings)
    y = rng.uniform(0, side * 10.0, buildings)
    structure = fr.parse_structure(np.where(rng.random(buildings) < 0.5, "wood", "non_wood"))
    years = rng.integers(1950, 2020, buildings).astype(float)
    base = _rss_bytes()
    started = time.perf_counter()
    raster = read_raster(path)
    values = dm.sample_ground_motion(raster, x, y)
    dm.estimate_damage(structure, years, values)
    return _report(base, started, resources.building_damage(bands, side * side, buildings))


def placement(spacing: float, site_side: float, pixel: float, folder: Path) -> resources.Estimate:
    import shapely
    from rasterio.crs import CRS

    from suginami_gis.core import wifi

    site = wifi.Site("1", shapely.box(0.0, 0.0, site_side, site_side), 100.0)
    candidates = wifi.candidate_access_points([site], None, spacing)
    pixels = int(np.ceil(site_side / pixel) ** 2)
    base = _rss_bytes()
    started = time.perf_counter()
    wifi.place_access_points(
        [site], [], pixel, CRS.from_epsg(EPSG).to_wkt(), None, candidate_spacing_m=spacing, max_new_aps=1
    )
    return _report(base, started, resources.wifi_placement(len(candidates), pixels))


def coverage(side: float, pixel: float, folder: Path) -> resources.Estimate:
    from rasterio.crs import CRS

    from suginami_gis.core import wifi
    from suginami_gis.core.rasters import Grid

    grid = Grid.from_extent(0.0, 0.0, side, side, pixel, CRS.from_epsg(EPSG).to_wkt())
    aps = [wifi.AccessPoint(side / 2, side / 2, 20.0, 10.0, 2437.0)]
    base = _rss_bytes()
    started = time.perf_counter()
    wifi.compute_coverage(aps, grid, thresholds_dbm=(-100.0,))
    return _report(base, started, resources.wifi_coverage(grid.width * grid.height))


def groundmotion(side: float, pixel: float, folder: Path) -> resources.Estimate:
    from rasterio.crs import CRS

    from suginami_gis.core import groundmotion as gmm
    from suginami_gis.core.rasters import Grid

    grid = Grid.from_extent(0.0, 0.0, side, side, pixel, CRS.from_epsg(EPSG).to_wkt())
    scenario = gmm.Scenario(7.3, 20.0, (side / 2, -10000.0))
    base = _rss_bytes()
    started = time.perf_counter()
    gmm.run_ground_motion(
        scenario, grid, None, 400.0, str(folder / "pgv.tif"), str(folder / "i.tif"), realizations=16, seed=1
    )
    return _report(base, started, resources.ground_motion(grid.width * grid.height))


def _report(base: float, started: float, estimate: resources.Estimate) -> resources.Estimate:
    measured = _rss_bytes() - base
    sys.stdout.write(
        f"{estimate.what}: measured {measured / 1e9:.3f} GB above the baseline, estimated {estimate.gb:.3f} GB "
        f"(estimate / measured = {estimate.bytes / max(measured, 1.0):.2f}), {time.perf_counter() - started:.1f} s\n"
    )
    return estimate


# What `make bench` (run_all.py, no arguments) runs: one case of each kind, from docs/reliability.md's table.
DEFAULT_CASES = (
    ("damage", "200", "200", "9102"),
    ("placement", "5", "200", "2"),
    ("coverage", "1000", "1"),
    ("groundmotion", "20000", "20"),
)


def run_defaults() -> int:
    """Each default case in a process of its own (the peak is per process); fails if an estimate is below
    the measured peak (the estimates must err high)."""
    import re
    import subprocess

    failed = 0
    for case in DEFAULT_CASES:
        done = subprocess.run([sys.executable, __file__, *case], capture_output=True, text=True)
        sys.stdout.write(done.stdout + done.stderr)
        ratio = re.search(r"estimate / measured = ([0-9.]+)", done.stdout)
        if done.returncode or ratio is None or float(ratio.group(1)) < 1.0:
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) == 1:
        raise SystemExit(run_defaults())
    case, *args = sys.argv[1:]
    with tempfile.TemporaryDirectory() as tmp:
        if case == "damage":
            damage(int(args[0]), int(args[1]), int(args[2]), Path(tmp))
        else:
            {"placement": placement, "coverage": coverage, "groundmotion": groundmotion}[case](
                *(float(a) for a in args), Path(tmp)
            )
