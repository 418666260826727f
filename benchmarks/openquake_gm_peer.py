"""OpenQuake's scenario calculator with its own Si & Midorikawa (1999) GMPE: the ground-motion peer.

Used by bench_groundmotion.py and tests/unit/test_bench_openquake_groundmotion.py. The engine lives
in its own venv (out/oq-venv, benchmarks/setup_openquake.sh); this module writes the inputs, runs
``oq run`` as a subprocess and reads the ground-motion fields back with the engine's own Python.

What the engine gets (docs/performance.md, "The OpenQuake ground-motion comparison"):
- GMPE: ``SiMidorikawa1999Asc`` (hazardlib, openquake/hazardlib/gsim/si_midorikawa_1999.py), the
  active-shallow-crust variant: term d = 0, which is our crustal fault type, and the same scatter
  (0.23 log10 units up to 20 km, log-linear to 0.20 at 30 km). Its site term is not a continuous
  amplification: it accepts only a uniform Vs30 of exactly 600 m/s (no factor: engineering
  bedrock), 400 m/s (x 1.41, NIED's factor) or 800 m/s (/ 1.25) and raises otherwise. Our default
  amplification (Fujimoto & Midorikawa 2006, log10 ARV = 2.367 - 0.852 log10 AVS30) is a different,
  continuous function, so the comparison is on bedrock: every site at Vs30 = 600 m/s in both
  (our ARV(600) = 1.0001).
- Rupture: the same point source. Si & Midorikawa's X is the hypocentral distance for a point
  source; the engine takes ``rrup`` from a rupture surface, so the rupture is a vertical plane 10 m
  long and 10 m high whose top edge is centred on the hypocentre (rrup differs from the hypocentral
  distance by at most 5 m, 0.02 % at 25 km); ``hypo_depth`` is the depth D of the formula.
- Sites: our EPSG:6677 points converted to longitude/latitude with pyproj; the engine rounds them
  to 5 decimals, so our median is computed at the engine's rounded positions (converted back).
  The engine measures distances on a sphere, we on the plane of EPSG:6677: the remaining
  difference (about 0.1-0.3 % in PGV) is the geometry, not the model.
- Median: ``truncation_level = 0``, with which the engine's fields are the median.
- Correlated realizations (timing): the GMPE gives only a total standard deviation, and the
  engine refuses a correlation model without between/within-event terms
  (CorrelationButNoInterIntraStdDevs). Wrapping it in ``ModifiableGMPE`` with
  ``add_between_within_stds.with_betw_ratio = 1e6`` makes the whole scatter within-event
  (tau = sigma / 1e6), which is what we do (the total scatter as one correlated field). The
  correlation model is the engine's JB2009 (Jayaram & Baker 2009, no Vs30 clustering), whose range
  for PGV is 22.0 km in hazardlib/correlation.py (ours: 25.7 km, T = 1 s in eq. 17); the engine
  builds the full N x N correlation matrix and its Cholesky factor, so its memory grows as N^2.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import openquake_peer  # benchmarks/ (the directory of these scripts) is on sys.path

REPO = Path(__file__).resolve().parents[1]
OQ_VENV = REPO / "out" / "oq-venv"
OQ = OQ_VENV / "bin" / "oq"
GMPE = "SiMidorikawa1999Asc"
BEDROCK_VS30 = 600.0
# Split of the total scatter for the correlated run: within / between ratio (see the docstring).
WITHIN_BETWEEN_RATIO = 1e6
# Half the side of the tiny rupture plane [km] (10 m x 10 m).
PLANE_HALF_KM = 0.005

_READ_BACK = r"""
import json, sys
import numpy as np
from openquake.commonlib import datastore
ds = datastore.read(int(sys.argv[1]))
gmf = ds.read_df('gmf_data')
col = [c for c in gmf.columns if c not in ('eid', 'sid', 'rlz')][0]
sites = ds['sitecol']
first = gmf[gmf.eid == gmf.eid.min()]
value = np.full(len(sites), np.nan)
value[first.sid.to_numpy()] = first[col].to_numpy()
out = {'events': int(gmf.eid.nunique()), 'rows': int(len(gmf)), 'lon': sites.lons.tolist(),
       'lat': sites.lats.tolist(), 'median_or_first': value.tolist()}
if len(sys.argv) > 2:
    out['log_std_over_events'] = float(np.log(gmf[col].to_numpy()).reshape(-1).std()) if len(gmf) else None
print(json.dumps(out))
"""


def available() -> bool:
    return OQ.exists()


def version() -> str:
    proc = subprocess.run([str(OQ), "--version"], capture_output=True, text=True, check=False)
    return proc.stdout.strip()


def to_lonlat(x: np.ndarray, y: np.ndarray, epsg: int = 6677) -> tuple[np.ndarray, np.ndarray]:
    from pyproj import Transformer

    tr = Transformer.from_crs(epsg, 4326, always_xy=True)
    lon, lat = tr.transform(np.asarray(x, float), np.asarray(y, float))
    return np.asarray(lon), np.asarray(lat)


def from_lonlat(lon: np.ndarray, lat: np.ndarray, epsg: int = 6677) -> tuple[np.ndarray, np.ndarray]:
    from pyproj import Transformer

    tr = Transformer.from_crs(4326, epsg, always_xy=True)
    x, y = tr.transform(np.asarray(lon, float), np.asarray(lat, float))
    return np.asarray(x), np.asarray(y)


def rupture_nrml(lon: float, lat: float, depth_km: float, magnitude: float) -> str:
    """A vertical 10 m x 10 m plane, strike north, top edge centred on the hypocentre."""
    dlat = PLANE_HALF_KM / 111.195  # km per degree of latitude on the engine's sphere (R = 6371 km)
    bottom = depth_km + 2 * PLANE_HALF_KM
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<nrml xmlns:gml="http://www.opengis.net/gml" xmlns="http://openquake.org/xmlns/nrml/0.5">\n'
        "  <singlePlaneRupture>\n"
        f"    <magnitude>{magnitude}</magnitude>\n"
        "    <rake>0.0</rake>\n"
        f'    <hypocenter lon="{lon:.6f}" lat="{lat:.6f}" depth="{depth_km}"/>\n'
        '    <planarSurface strike="0.0" dip="90.0">\n'
        f'      <topLeft lon="{lon:.6f}" lat="{lat - dlat:.6f}" depth="{depth_km}"/>\n'
        f'      <topRight lon="{lon:.6f}" lat="{lat + dlat:.6f}" depth="{depth_km}"/>\n'
        f'      <bottomLeft lon="{lon:.6f}" lat="{lat - dlat:.6f}" depth="{bottom}"/>\n'
        f'      <bottomRight lon="{lon:.6f}" lat="{lat + dlat:.6f}" depth="{bottom}"/>\n'
        "    </planarSurface>\n"
        "  </singlePlaneRupture>\n"
        "</nrml>\n"
    )


def gsim_logic_tree() -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<nrml xmlns:gml="http://www.opengis.net/gml" xmlns="http://openquake.org/xmlns/nrml/0.5">\n'
        '<logicTree logicTreeID="lt1"><logicTreeBranchingLevel branchingLevelID="bl1">\n'
        '<logicTreeBranchSet applyToTectonicRegionType="Active Shallow Crust" branchSetID="bs1" '
        'uncertaintyType="gmpeModel">\n'
        '<logicTreeBranch branchID="b1"><uncertaintyModel>[ModifiableGMPE]\n'
        f"gmpe.{GMPE} = {{}}\n"
        f"add_between_within_stds.with_betw_ratio = {WITHIN_BETWEEN_RATIO:g}\n"
        "</uncertaintyModel><uncertaintyWeight>1.0</uncertaintyWeight></logicTreeBranch>\n"
        "</logicTreeBranchSet></logicTreeBranchingLevel></logicTree></nrml>\n"
    )


def write_job(
    folder: Path,
    site_lon: np.ndarray,
    site_lat: np.ndarray,
    epicentre_lonlat: tuple[float, float],
    depth_km: float,
    magnitude: float,
    events: int,
    correlated: bool,
    seed: int = 42,
) -> Path:
    """sites.csv, rupture.xml (and gsim_lt.xml when correlated), job.ini; returns job.ini."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "sites.csv", "w", encoding="utf-8") as f:
        f.write("lon,lat\n")
        f.write("\n".join(f"{a:.6f},{b:.6f}" for a, b in zip(site_lon.tolist(), site_lat.tolist())) + "\n")
    (folder / "rupture.xml").write_text(rupture_nrml(*epicentre_lonlat, depth_km, magnitude), encoding="utf-8")
    lines = [
        "[general]",
        f"description = suginami ground-motion peer ({len(site_lon)} sites, {events} events, correlated={correlated})",
        "calculation_mode = scenario",
        f"ses_seed = {seed}",
        "sites_csv = sites.csv",
        "rupture_model_file = rupture.xml",
        "reference_vs30_type = measured",
        f"reference_vs30_value = {BEDROCK_VS30}",
        "intensity_measure_types = PGV",
        "maximum_distance = 300",
        f"number_of_ground_motion_fields = {events}",
    ]
    if correlated:
        (folder / "gsim_lt.xml").write_text(gsim_logic_tree(), encoding="utf-8")
        lines += [
            "gsim_logic_tree_file = gsim_lt.xml",
            "truncation_level = 3",
            "ground_motion_correlation_model = JB2009",
            'ground_motion_correlation_params = {"vs30_clustering": False}',
        ]
    else:
        lines += [f"gsim = {GMPE}", "truncation_level = 0"]
    (folder / "job.ini").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder / "job.ini"


def run(job_ini: Path, datadir: Path, read_values: bool = True) -> dict[str, Any]:
    """``oq run job.ini`` (openquake_peer.run): wall time, peak RSS of the engine's processes, the fields read back."""
    return openquake_peer.run(job_ini, datadir, read_back=_READ_BACK if read_values else "")


_RRUP = r"""
import json, sys
from openquake.commonlib import readinput
oq = readinput.get_oqparam(sys.argv[1])
rup = readinput.get_rupture(oq)
sites = readinput.get_site_collection(oq)
print(json.dumps({'rrup': rup.surface.get_min_distance(sites.mesh).tolist(), 'hypo_depth': rup.hypocenter.depth,
                  'mag': rup.mag}))
"""


def engine_distances(job_ini: Path) -> dict[str, Any]:
    """The engine's own rrup at its sites (its reading of our rupture and sites), for the diagnostics."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    proc = subprocess.run(
        [str(OQ_VENV / "bin" / "python"), "-c", _RRUP, str(job_ini)],
        capture_output=True,
        text=True,
        env=env,
        cwd=job_ini.parent,
        check=True,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def compare_median(folder: Path, magnitude: float = 7.3, depth_km: float = 25.0, n_side: int = 21) -> dict[str, Any]:
    """Median PGV on bedrock at n_side^2 sites from 0 to about 60 km of the epicentre: ours and the engine's.

    Returns the sites' distances, both medians and the largest relative difference.
    """
    from suginami_gis.core.groundmotion import Amplification, Scenario, amplification, pgv600

    epicentre = (-17000.0, -33000.0)  # EPSG:6677, in Suginami (as bench_groundmotion.py)
    offsets = np.linspace(-42000.0, 42000.0, n_side)
    gx, gy = np.meshgrid(epicentre[0] + offsets, epicentre[1] + offsets)
    lon, lat = to_lonlat(gx.ravel(), gy.ravel())
    elon, elat = to_lonlat(np.array([epicentre[0]]), np.array([epicentre[1]]))
    job = write_job(folder / "median", lon, lat, (float(elon[0]), float(elat[0])), depth_km, magnitude, 1, False)
    oq = run(job, folder / "oqdata")
    # ours at the engine's (rounded) site positions
    x, y = from_lonlat(np.array(oq["lon"]), np.array(oq["lat"]))
    scenario = Scenario(magnitude, depth_km, epicentre)
    distance = scenario.distance_km(x, y)
    ours = pgv600(magnitude, depth_km, distance, scenario.fault_type) * amplification(
        BEDROCK_VS30, Amplification.FUJIMOTO_MIDORIKAWA_2006
    )
    theirs = np.array(oq["median_or_first"])
    rel = np.abs(ours - theirs) / theirs
    return {
        "sites": len(theirs),
        "distance_km": distance,
        "ours": ours,
        "openquake": theirs,
        "max_rel_diff": float(np.max(rel)),
        "seconds": oq["seconds"],
        "lon": np.array(oq["lon"]),
        "lat": np.array(oq["lat"]),
        "epicentre_lonlat": (float(elon[0]), float(elat[0])),
        "job": job,
    }


def time_correlated(folder: Path, n_sites: int, events: int, spacing_m: float = 10.0) -> dict[str, Any]:
    """The engine's correlated scenario on the first n_sites cells of bench_groundmotion.py's grid (10 m)."""
    side = int(np.ceil(np.sqrt(n_sites)))
    cols = np.arange(side) * spacing_m + (-22000.0 + spacing_m / 2)
    rows = -28000.0 - spacing_m / 2 - np.arange(side) * spacing_m
    gx, gy = np.meshgrid(cols, rows)
    x, y = gx.ravel()[:n_sites], gy.ravel()[:n_sites]
    lon, lat = to_lonlat(x, y)
    elon, elat = to_lonlat(np.array([-17000.0]), np.array([-33000.0]))
    job = write_job(
        folder / f"correlated_{n_sites}", lon, lat, (float(elon[0]), float(elat[0])), 25.0, 7.3, events, True
    )
    return run(job, folder / "oqdata", read_values=False)
