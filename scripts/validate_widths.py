"""Street widths estimated from building footprints against the tagged widths of the real Nerima extract.

Every segment whose width comes from an OSM tag (width=*, yh:WIDTH) is estimated as if it had no tag and
compared with the tag; WIDTH_SETBACK_M was fitted on the even way ids, so the odd ("held_out") figures are
the out-of-sample ones quoted in docs/methods/routing.md.

    PYTHONPATH=$PWD .venv/bin/python scripts/validate_widths.py [../shared/data/real]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from suginami_gis.core import blockage as bk  # noqa: E402
from suginami_gis.core import network as nw  # noqa: E402

OSM = "osm-nerima-2011/nerima_2011_tokyo.osm"
BUILDINGS = "plateau2020-tokyo23-bldg-mvt/nerima_osm_area_buildings_plateau2020.gpkg"


def main(real: Path) -> dict:
    import geopandas as gpd

    net = nw.network_from_osm_xml(real / OSM)
    buildings = gpd.read_file(real / BUILDINGS).to_crs(nw.DEFAULT_METRIC_CRS).geometry.to_numpy()
    return bk.width_estimate_errors(net, buildings)


if __name__ == "__main__":
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO.parent / "shared" / "data" / "real"
    print(json.dumps(main(folder), indent=2))
