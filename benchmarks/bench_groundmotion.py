"""Ground motion: a 10 x 10 km extent at 10 m pixels (1,000,000 cells) with 100 realizations.

Target (foundation issue): under 30 s on the 2-core machine. Prints the figures.

Peer (issue 13): OpenQuake's scenario calculator with hazardlib's SiMidorikawa1999Asc
(benchmarks/openquake_gm_peer.py): the median PGV on bedrock (Vs30 600 m/s) at 441 sites 25-60 km
from the same point source must agree with ours within 1 %, and the engine's time for correlated
realizations. The engine builds an N x N correlation matrix and its Cholesky factor, so it is run
on the first N cells of the same grid for a few N (``--oq-sites``) with 100 events, and its time for
1,000,000 sites is extrapolated from those runs (a power law through the two largest, labelled as
such): at 1,000,000 sites the matrix alone would take 8 TB. Without out/oq-venv the peer columns
stay empty and the script says so.

    .venv/bin/python benchmarks/bench_groundmotion.py [--no-peer] [--oq-sites 1000,2000]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
from _common import OUT, measure, row
from pyproj import CRS

from suginami_gis.core.groundmotion import Scenario, run_ground_motion
from suginami_gis.core.rasters import Grid

REALIZATIONS = 100


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f}"


def openquake_peer(our_seconds: float, n_cells: int, sizes: list[int]) -> dict | None:
    import openquake_gm_peer as peer

    if not peer.available():
        print("  OpenQuake not installed (bash benchmarks/setup_openquake.sh): peer skipped")
        return None
    folder = OUT / "groundmotion_peer"
    median = peer.compare_median(folder)
    print(
        f"  OpenQuake {peer.version()} {peer.GMPE}, median PGV on bedrock at {median['sites']} sites "
        f"({median['distance_km'].min():.0f}-{median['distance_km'].max():.0f} km): largest relative difference "
        f"{median['max_rel_diff']:.2e} (limit 1e-2) [{load()}]"
    )
    measured = {}
    for n in sizes:
        run = peer.time_correlated(folder, n, REALIZATIONS)
        measured[n] = run
        print(
            f"  OpenQuake correlated (JB2009), {n:,} sites x {REALIZATIONS} events: {run['seconds']:.1f} s, "
            f"peak {run['peak_mb']:.0f} MB [{load()}]",
            flush=True,
        )
    (n1, r1), (n2, r2) = sorted(measured.items())[-2:]
    exponent = float(np.log(r2["seconds"] / r1["seconds"]) / np.log(n2 / n1))
    extrapolated = r2["seconds"] * (n_cells / n2) ** exponent
    print(
        f"  OpenQuake extrapolated to {n_cells:,} sites: t ~ N^{exponent:.2f} through {n1:,} and {n2:,} sites -> "
        f"{extrapolated:,.0f} s (NOT run: its correlation matrix alone would take {n_cells**2 * 8 / 1e12:,.0f} TB); "
        f"ours {our_seconds:.1f} s for all {n_cells:,} cells"
    )
    return {
        "version": peer.version(),
        "max_rel_diff": median["max_rel_diff"],
        "median_sites": median["sites"],
        "measured": {
            str(n): {"seconds": round(r["seconds"], 2), "peak_mb": round(r["peak_mb"])} for n, r in measured.items()
        },
        "exponent": round(exponent, 2),
        "extrapolated_s": extrapolated,
        "largest_peak_mb": r2["peak_mb"],
        "largest_n": n2,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-peer", action="store_true", help="skip the OpenQuake runs")
    parser.add_argument("--oq-sites", default="1000,2000", help="site counts of the correlated OpenQuake runs")
    args = parser.parse_args()
    grid = Grid.from_extent(-22000, -38000, -12000, -28000, 10.0, CRS.from_epsg(6677).to_wkt())
    scenario = Scenario(7.3, 25.0, (-17000.0, -33000.0))
    with tempfile.TemporaryDirectory() as folder:

        def job():
            return run_ground_motion(
                scenario,
                grid,
                None,
                300.0,
                f"{folder}/pgv.tif",
                f"{folder}/int.tif",
                realizations=REALIZATIONS,
                seed=1,
            )

        seconds, peak, result = measure(job, repeat=1)
        size_mb = (Path(folder) / "pgv.tif").stat().st_size / 1e6
    n_cells = grid.width * grid.height
    print(
        f"groundmotion: {grid.width} x {grid.height} cells, {result.bands} bands: {seconds:.1f} s, peak {peak:.0f} MB "
        f"[{load()}]"
    )
    print(f"  PGV GeoTIFF {size_mb:.0f} MB; target < 30 s: {'met' if seconds < 30 else 'NOT met'}")
    row("groundmotion 100 realizations", f"{n_cells:,} cells x 101 bands", seconds, peak, target_s=30)
    if args.no_peer:
        return 0
    sizes = [int(s) for s in args.oq_sites.split(",") if s.strip()]
    peer = openquake_peer(seconds, n_cells, sizes)
    if peer is None:
        row("groundmotion: 1 M sites x 100 correlated, vs OpenQuake", f"{n_cells:,} sites", seconds, peak)
        return 0
    row(
        "groundmotion: 1 M sites x 100 correlated, vs OpenQuake",
        f"{n_cells:,} sites",
        seconds,
        peak,
        peer=f"OpenQuake {peer['version']} scenario, {peer['largest_n']:,} sites run, extrapolated",
        peer_seconds=peer["extrapolated_s"],
        peer_peak_mb=peer["largest_peak_mb"],
        median_max_rel_diff=peer["max_rel_diff"],
        median_sites=peer["median_sites"],
        openquake_measured=peer["measured"],
        extrapolation_exponent=peer["exponent"],
        load_average=[round(v, 2) for v in os.getloadavg()],
    )
    return 0 if peer["max_rel_diff"] < 0.01 else 1


if __name__ == "__main__":
    raise SystemExit(main())
