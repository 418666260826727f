"""Benchmark: building damage for all 124,207 real PLATEAU 2020 Suginami buildings.

Run from the repository root:  .venv/bin/python benchmarks/bench_damage.py [--realizations 1000]

Reads the footprints from ../shared/data/real (zipped GeoPackage via /vsizip/), imputes structure
and year, applies a ward-wide intensity field (46 % of buildings at 6+, the rest 6-, after Tokyo's
2022 Tama-East scenario) and times expected-value mode (target < 5 s) and Monte Carlo
realizations (target < 60 s for 1,000, peak memory < 4 GB). Prints the figures.

Peer, in the same run on the same data (benchmarks/openquake_peer.py; skipped with a message when
out/oq-venv is absent or --no-openquake is given): the OpenQuake engine's scenario_damage
calculator on the same exposure, ground-motion field and fragility curves (rewritten in PGV), once
with one event and fractional damage (its expected value) and once with --oq-events (default 10)
identical events and sampled damage states (discrete_damage_distribution), whose time is
extrapolated to --realizations events. The expected collapsed counts are compared: exact values to
0.1 %, Monte Carlo means within 4 standard errors (docs/performance.md says why).
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
sys.path.insert(0, str(Path(__file__).resolve().parent))

import openquake_peer as oqp  # noqa: E402
from _common import OUT, measure, row  # noqa: E402

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
    parser.add_argument("--no-openquake", action="store_true", help="skip the OpenQuake peer")
    parser.add_argument(
        "--oq-events", type=int, default=10, help="events of the sampled OpenQuake run, extrapolated (0 = skip)"
    )
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

    t_ev, peak_ev, ev = measure(lambda: dm.estimate_damage(structure, years, gm, **common), repeat=3)
    t_mc, peak_mc, mc = measure(
        lambda: dm.estimate_damage(structure, years, gm, realizations=args.realizations, **common), repeat=1
    )

    print(f"buildings: {len(x)} ({len(names)} districts), {np.mean(gm[0] >= 6.0):.1%} at intensity 6+")
    print(f"read + project: {t_read:.2f} s; impute: {t_impute:.2f} s; sample raster: {t_sample:.3f} s")
    print(f"expected-value mode: {t_ev:.2f} s, median of 3 (target < 5 s)")
    print(f"{args.realizations} realizations: {t_mc:.2f} s (target < 60 s)")
    print(f"peak memory (RSS): {peak_rss_mb():.0f} MB (target < 4096 MB)")
    for q in dm.QUANTITIES:
        print(
            f"  {q:16s} expected {ev.ward[q]:10.1f}   Monte Carlo mean {mc.ward[q]:10.1f} "
            f"(5 %: {mc.ward[q + '_p5']:.1f}, 95 %: {mc.ward[q + '_p95']:.1f})"
        )
    # Monte Carlo error of a mean of R realizations of the collapsed count: buildings are drawn
    # independently, so Var(count) = sum p (1 - p) and the standard error is sqrt(that / R).
    p_c = ev.p_collapse[ev.valid]
    sd_count = float(np.sqrt(np.sum(p_c * (1.0 - p_c))))
    se_mc = sd_count / np.sqrt(args.realizations)
    z_ours = (mc.ward["collapsed"] - ev.ward["collapsed"]) / se_mc
    print(f"  ours: Monte Carlo mean - expected value = {z_ours:+.2f} standard errors (se {se_mc:.2f})")

    size = f"{len(x):,} real buildings"
    peer = openquake(args, x, y, structure, years, raster, gm, ev, mc, sd_count)
    ev_peer = peer.get("ev", {})
    mc_peer = peer.get("mc", {})
    row(
        "damage: expected value",
        size,
        t_ev,
        peak_ev,
        target_s=5.0,
        peer=peer.get("name"),
        peer_seconds=ev_peer.get("seconds"),
        peer_peak_mb=ev_peer.get("peak_mb"),
        collapsed=round(ev.ward["collapsed"], 2),
        peer_collapsed=ev_peer.get("collapsed"),
        agree=ev_peer.get("agree"),
        peer_note=peer.get("note"),
    )
    row(
        f"damage: {args.realizations} realizations",
        size,
        t_mc,
        peak_mc,
        target_s=60.0,
        peer=None if not mc_peer else f"OpenQuake {mc_peer.get('events')} events, extrapolated",
        peer_seconds=mc_peer.get("seconds"),
        peer_peak_mb=mc_peer.get("peak_mb"),
        collapsed=round(mc.ward["collapsed"], 2),
        collapsed_p5=round(mc.ward["collapsed_p5"], 1),
        collapsed_p95=round(mc.ward["collapsed_p95"], 1),
        peer_collapsed=mc_peer.get("collapsed"),
        peer_collapsed_p5=mc_peer.get("collapsed_p5"),
        peer_collapsed_p95=mc_peer.get("collapsed_p95"),
        peer_collapsed_sd=mc_peer.get("collapsed_sd_per_event"),
        peer_measured_s=mc_peer.get("measured_seconds"),
        peer_events=mc_peer.get("events"),
        agree=mc_peer.get("agree"),
        rss_mb=round(peak_rss_mb(), 1),
    )
    ok = t_ev < 5 and t_mc < 60 * args.realizations / 1000 and peak_rss_mb() < 4096
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 2


def openquake(args, x, y, structure, years, raster, gm, ev, mc, sd_count) -> dict:
    """Run the OpenQuake peer on the same exposure, field and curves; compare expected collapses."""
    if args.no_openquake:
        return {"note": "skipped (--no-openquake)"}
    if not oqp.available():
        print(f"OpenQuake peer skipped: {oqp.OQ} is absent (run: bash benchmarks/setup_openquake.sh)")
        return {"note": "skipped: out/oq-venv absent"}
    from rasterio.crs import CRS
    from rasterio.warp import transform

    name = f"OpenQuake {oqp.version()} scenario_damage"
    curves = fr.load_curve_set()
    class_index = curves.assign(structure, years)
    class_ids = [curves.classes[int(k)].id for k in class_index]
    src, wgs84 = CRS.from_epsg(EPSG), CRS.from_epsg(4326)
    lon, lat = (np.asarray(v) for v in transform(src, wgs84, x, y))
    # One OpenQuake site per raster cell holding a building, at the cell centre, with the cell's value.
    rows, cols = raster.grid.rowcol(x, y)
    cells, cell_of_building = np.unique(rows * raster.grid.width + cols, return_inverse=True)
    cell_rows, cell_cols = cells // raster.grid.width, cells % raster.grid.width
    xs, ys = raster.grid.centers()
    site_lon, site_lat = (np.asarray(v) for v in transform(src, wgs84, xs[cell_cols], ys[cell_rows]))
    site_pgv = fr.pgv_from_intensity(raster.array[0, cell_rows, cell_cols])
    ours_pgv = fr.pgv_from_intensity(gm[0])
    assert np.array_equal(site_pgv[cell_of_building], ours_pgv), "cell values differ from the sampled values"
    folder = OUT / "openquake"
    result: dict = {"name": name}
    runs = [("ev", 1, False)] + ([("mc", args.oq_events, True)] if args.oq_events > 0 else [])
    for key, events, discrete in runs:
        job = oqp.write_inputs(
            folder / key, lon, lat, class_ids, site_lon, site_lat, site_pgv, curves, events, discrete, args.seed
        )
        try:
            out = oqp.run(job, folder / "oqdata")
        except Exception as exc:  # reported, the peer column stays empty
            print(f"OpenQuake {key} run failed: {exc}")
            result["note"] = f"{key} run failed: {str(exc).splitlines()[0]}"
            continue
        # Every asset must have received exactly its building's value (float32 in OpenQuake's store).
        idx = np.array([int(a[1:]) for a in out["asset_ids"]])
        got = np.asarray(out["asset_pgv"], dtype=float)
        rel = np.abs(got - ours_pgv[idx]) / ours_pgv[idx]
        off = ~(rel < 1e-6)
        mismatched = int(off.sum())
        if mismatched:
            # How far those buildings lie from the edge of their own cell (metres, projected CRS).
            gx = (x[idx[off]] - raster.grid.xmin) / raster.grid.pixel_size
            gy = (raster.grid.ymax - y[idx[off]]) / raster.grid.pixel_size
            edge = np.minimum(np.abs(gx - np.round(gx)), np.abs(gy - np.round(gy))) * raster.grid.pixel_size
            print(
                f"    {mismatched} assets were associated with a neighbouring cell; their distance to the edge "
                f"of their own cell is at most {edge.max():.2f} m"
            )
        collapsed = np.asarray(out["collapsed"], dtype=float)
        mean = float(collapsed.mean())
        if key == "ev":
            # Our exact expectation on the values OpenQuake's assets actually received (differs from
            # ours only for the assets counted above).
            p_same, _ = curves.probabilities(class_index[idx], fr.intensity_from_pgv(got), fr.Measure.INTENSITY)
            same = float(p_same.sum())
            # Both are exact expectations on the same inputs: they differ by OpenQuake's float32
            # arithmetic only. Tolerance 0.1 % (float32 keeps 7 significant digits; sums of 124,207 terms).
            diff = mean - same
            agree = abs(diff) <= 1e-3 * same
            verdict = (
                f"ours on the values OpenQuake's assets received {same:.2f}; difference {diff:+.3f} "
                f"({diff / same:+.2e} relative), tolerance 0.1 %"
            )
        else:
            # Two independent Monte Carlo means (ours over R realizations, OpenQuake's over E events).
            # Each mean's standard error comes from its own draws: ours are independent between
            # buildings, so Var(count) = sum p (1 - p); OpenQuake 3.23 restarts the same random stream
            # (master_seed + event id) at every site and taxonomy group, which correlates draws across
            # sites, so its standard error is the sample standard deviation of its per-event counts over
            # sqrt(E). Agree within 4 standard errors of the difference.
            se_oq = float(collapsed.std(ddof=1)) / np.sqrt(len(collapsed))
            se = float(np.hypot(se_oq, sd_count / np.sqrt(args.realizations)))
            diff = mean - mc.ward["collapsed"]
            agree = abs(diff) <= 4.0 * se
            verdict = (
                f"vs our Monte Carlo mean {diff:+.2f} = {diff / se:+.2f} standard errors (se {se:.2f}: OpenQuake "
                f"{se_oq:.2f} from its per-event sd {collapsed.std(ddof=1):.1f}, ours "
                f"{sd_count / np.sqrt(args.realizations):.2f}; tolerance 4)"
            )
        print(
            f"{name}, {events} event(s), {'sampled' if discrete else 'fractional'} damage: {out['seconds']:.1f} s, "
            f"peak RSS of the engine's processes {out['peak_mb']:.0f} MB; {len(idx):,} assets, "
            f"{mismatched} with a ground motion other than their building's"
        )
        print(
            f"    expected collapsed: OpenQuake {mean:.2f}, ours {ev.ward['collapsed']:.2f} (exact), "
            f"{mc.ward['collapsed']:.2f} (Monte Carlo); {verdict}: {'AGREE' if agree else 'DISAGREE'}"
        )
        entry = {
            "seconds": out["seconds"],
            "peak_mb": out["peak_mb"],
            "events": events,
            "collapsed": round(mean, 2),
            "agree": bool(agree and len(idx) == len(x)),
            "assets": len(idx),
            "mismatched_ground_motion": mismatched,
        }
        if key == "mc":
            entry["collapsed_p5"] = round(float(np.percentile(collapsed, 5)), 1)
            entry["collapsed_p95"] = round(float(np.percentile(collapsed, 95)), 1)
            entry["collapsed_sd_per_event"] = round(float(collapsed.std(ddof=1)), 1)
            entry["measured_seconds"] = out["seconds"]
            # OpenQuake's sampled damage costs about a minute per 10 events here, so 1,000 events are
            # not run: its time is extrapolated linearly in events through the 1-event run (input
            # reading, association, set-up and one fractional event) and this E-event run.
            t_one = result["ev"]["seconds"] if "ev" in result else 0.0
            per_event = max(out["seconds"] - t_one, 0.0) / max(events - 1, 1)
            entry["seconds"] = t_one + per_event * (args.realizations - 1)
            entry["extrapolated_to"] = args.realizations
            print(
                f"    extrapolated to {args.realizations} events: {t_one:.1f} s + {per_event:.2f} s x "
                f"{args.realizations - 1} = {entry['seconds']:.0f} s"
            )
        result[key] = entry
    return result


if __name__ == "__main__":
    raise SystemExit(main())
