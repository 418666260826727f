"""Ground motion: a 10 x 10 km extent at 10 m pixels (1,000,000 cells) with 100 realizations.

Target (foundation issue): under 30 s on the 2-core machine. Prints the figures.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import measure, row
from pyproj import CRS

from suginami_gis.core.groundmotion import Scenario, run_ground_motion
from suginami_gis.core.rasters import Grid


def main() -> None:
    grid = Grid.from_extent(-22000, -38000, -12000, -28000, 10.0, CRS.from_epsg(6677).to_wkt())
    scenario = Scenario(7.3, 25.0, (-17000.0, -33000.0))
    with tempfile.TemporaryDirectory() as folder:

        def job():
            return run_ground_motion(
                scenario, grid, None, 300.0, f"{folder}/pgv.tif", f"{folder}/int.tif", realizations=100, seed=1
            )

        seconds, peak, result = measure(job, repeat=1)
        size_mb = (Path(folder) / "pgv.tif").stat().st_size / 1e6
    print(
        f"groundmotion: {grid.width} x {grid.height} cells, {result.bands} bands: {seconds:.1f} s, peak {peak:.0f} MB"
    )
    print(f"  PGV GeoTIFF {size_mb:.0f} MB; target < 30 s: {'met' if seconds < 30 else 'NOT met'}")
    row("groundmotion 100 realizations", f"{grid.width * grid.height:,} cells x 101 bands", seconds, peak, target_s=30)


if __name__ == "__main__":
    main()
