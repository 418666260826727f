"""The OpenQuake engine as the peer of the damage benchmark: export the same inputs, run, read back.

Used by bench_damage.py. The engine lives in its own venv (out/oq-venv, made by
benchmarks/setup_openquake.sh); this module only writes files and runs it as a subprocess.

What the engine gets (documented in docs/performance.md):
- Exposure: one asset per building (number = 1, structural value 1), at the point where the plugin
  samples the ground motion, taxonomy = the id of the building's curve class in the built-in set;
  CSV plus the NRML exposure XML that points at it.
- Ground-motion field: the plugin's intensity raster, one OpenQuake site per raster cell that holds
  a building (the cell centre), the cell's value converted to PGV [cm/s] with Midorikawa et al.
  (1999), I = 2.68 + 1.72 log10 PGV, through ``gmfs_csv`` + ``sites_csv``. The engine gives each
  asset its nearest site (asset_hazard_distance), which is the cell that contains it; the read-back
  checks that every asset got exactly its building's value.
- Fragility model: the built-in curves, P = Phi((min(I, 7) - lambda) / zeta), rewritten in PGV.
  Since I is linear in ln PGV the mapping is exact: a lognormal in PGV with median
  10^((lambda - 2.68) / 1.72) and log-standard deviation zeta ln(10) / 1.72, written as an NRML
  ``logncdf`` function (arithmetic mean/stddev, methods.md section 2) with maxIML = PGV at I = 7.0,
  which reproduces the cap. Limit states ``half`` (at least half-collapse) and ``collapse``.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import time
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import numpy as np

REPO = Path(__file__).resolve().parents[1]
OQ_VENV = REPO / "out" / "oq-venv"
OQ = OQ_VENV / "bin" / "oq"
# Lowest PGV [cm/s] of the NRML curves (OpenQuake needs a minIML): I = -0.76, where every built-in
# curve is 0 to double precision.
MIN_IML_PGV = 0.01

# Run in OpenQuake's own Python after the calculation: ward totals per event and the check that each
# asset received its building's ground-motion value.
_READ_BACK = r"""
import json, sys
import numpy as np
from openquake.commonlib import datastore
ds = datastore.read(int(sys.argv[1]))
rbe = ds.read_df('risk_by_event')
K = int(rbe.agg_id.max())
tot = rbe[rbe.agg_id == K].sort_values('event_id')
assets = ds['assetcol'].array
gmf = ds.read_df('gmf_data')
col = [c for c in gmf.columns if c.startswith('gmv')][0]
first = gmf[gmf.eid == gmf.eid.min()]
site_value = dict(zip(first.sid.to_numpy().tolist(), first[col].to_numpy().tolist()))
got = np.array([site_value.get(int(s), np.nan) for s in assets['site_id']])
ids = [a.decode() if isinstance(a, bytes) else str(a) for a in assets['id']]
print(json.dumps({
    'events': int(len(tot)),
    'collapsed': tot['dmg_2'].to_numpy().tolist(),
    'half_only': tot['dmg_1'].to_numpy().tolist(),
    'asset_ids': ids,
    'asset_pgv': got.tolist(),
}))
"""


def available() -> bool:
    return OQ.exists()


def fragility_nrml(curves: Any, path: Path) -> None:
    """The built-in intensity curves as an NRML fragility model in PGV (see the module docstring)."""
    from suginami_gis.core import fragility as fr

    max_iml = float(fr.pgv_from_intensity(7.0))
    functions = []
    for c in curves.classes:
        params = []
        for ls, curve in (("half", c.half), ("collapse", c.collapse)):
            if curve.kind != "normal" or curve.measure != fr.Measure.INTENSITY:
                raise ValueError(f"class {c.id}: only normal-in-intensity curves can be exported")
            if curve.cap is not None and not math.isclose(curve.cap, 7.0):
                raise ValueError(f"class {c.id}: the export assumes the cap at I = 7.0")
            ln_median = (curve.lam - fr.MIDORIKAWA_1999_A) / fr.MIDORIKAWA_1999_B * math.log(10.0)
            beta = curve.zeta * math.log(10.0) / fr.MIDORIKAWA_1999_B
            mean, stddev = fr.mean_stddev_from_lognormal(ln_median, beta)
            params.append(f'      <params ls="{ls}" mean="{mean:.10g}" stddev="{stddev:.10g}"/>')
        functions.append(
            f'    <fragilityFunction format="continuous" id="{escape(c.id)}" shape="logncdf">\n'
            f'      <imls imt="PGV" minIML="{MIN_IML_PGV}" maxIML="{max_iml:.10g}"/>\n' + "\n".join(params) + "\n"
            "    </fragilityFunction>"
        )
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<nrml xmlns="http://openquake.org/xmlns/nrml/0.5">\n'
        '  <fragilityModel assetCategory="buildings" id="suginami-builtin-pgv" lossCategory="structural">\n'
        "    <description>suginami_gis built-in Japanese curves, rewritten in PGV via Midorikawa et al. (1999)"
        "</description>\n"
        "    <limitStates>half collapse</limitStates>\n" + "\n".join(functions) + "\n  </fragilityModel>\n</nrml>\n",
        encoding="utf-8",
    )


def write_inputs(
    folder: Path,
    lon: np.ndarray,
    lat: np.ndarray,
    class_ids: list[str],
    site_lon: np.ndarray,
    site_lat: np.ndarray,
    site_pgv: np.ndarray,
    curves: Any,
    events: int,
    discrete: bool,
    seed: int,
) -> Path:
    """Exposure (CSV + NRML XML), sites, GMF (the same field repeated for ``events`` events), fragility, job.ini."""
    folder.mkdir(parents=True, exist_ok=True)
    n = len(lon)
    with open(folder / "exposure.csv", "w", encoding="utf-8") as f:
        f.write("id,lon,lat,taxonomy,number,structural\n")
        for i in range(n):
            f.write(f"b{i},{lon[i]:.8f},{lat[i]:.8f},{class_ids[i]},1,1\n")
    (folder / "exposure.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<nrml xmlns="http://openquake.org/xmlns/nrml/0.5">\n'
        '  <exposureModel id="suginami" category="buildings" taxonomySource="suginami_gis built-in classes">\n'
        "    <description>PLATEAU 2020 Suginami footprints, imputed structure and year</description>\n"
        "    <conversions><costTypes>"
        '<costType name="structural" type="aggregated" unit="building"/>'
        "</costTypes></conversions>\n"
        "    <assets>exposure.csv</assets>\n"
        "  </exposureModel>\n</nrml>\n",
        encoding="utf-8",
    )
    with open(folder / "sites.csv", "w", encoding="utf-8") as f:
        f.write("site_id,lon,lat\n")
        for s in range(len(site_lon)):
            f.write(f"{s},{site_lon[s]:.8f},{site_lat[s]:.8f}\n")
    sid = np.arange(len(site_lon))
    values = np.char.mod("%.10g", site_pgv)
    with open(folder / "gmf.csv", "w", encoding="utf-8") as f:
        f.write("eid,sid,gmv_PGV\n")
        for e in range(events):
            f.write("\n".join(f"{e},{s},{v}" for s, v in zip(sid.tolist(), values.tolist())) + "\n")
    fragility_nrml(curves, folder / "fragility.xml")
    (folder / "job.ini").write_text(
        "[general]\n"
        f"description = suginami damage peer ({events} event(s), discrete={discrete})\n"
        "calculation_mode = scenario_damage\n"
        f"master_seed = {seed}\n"
        f"number_of_ground_motion_fields = {events}\n"
        "sites_csv = sites.csv\n"
        "gmfs_csv = gmf.csv\n"
        "exposure_file = exposure.xml\n"
        "structural_fragility_file = fragility.xml\n"
        # cells are 250 m: every building has its cell centre within 0.18 km
        "asset_hazard_distance = 1\n"
        f"discrete_damage_distribution = {'true' if discrete else 'false'}\n",
        encoding="utf-8",
    )
    return folder / "job.ini"


def _tree_rss_mb(proc: Any) -> float:
    total = 0
    try:
        for p in [proc, *proc.children(recursive=True)]:
            try:
                total += p.memory_info().rss
            except Exception:
                pass
    except Exception:
        pass
    return total / 1e6


def run(job_ini: Path, datadir: Path, read_back: str | None = None) -> dict[str, Any]:
    """``oq run job.ini``: wall time, peak summed RSS of the engine's process tree, the read-back.

    ``read_back``: a script run in the engine's venv with the calculation id as its argument,
    printing a JSON object on its last line (default: this module's damage read-back; "" for none).
    """
    import psutil

    datadir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "OQ_DATADIR": str(datadir)}
    env.pop("PYTHONPATH", None)
    log = job_ini.with_suffix(".log")
    with open(log, "w", encoding="utf-8") as out:
        started = time.perf_counter()
        proc = subprocess.Popen([str(OQ), "run", str(job_ini)], stdout=out, stderr=subprocess.STDOUT, env=env)
        handle = psutil.Process(proc.pid)
        peak = 0.0
        while proc.poll() is None:
            peak = max(peak, _tree_rss_mb(handle))
            time.sleep(0.2)
        seconds = time.perf_counter() - started
    text = log.read_text(encoding="utf-8", errors="replace")
    if proc.returncode != 0:
        raise RuntimeError(f"oq run failed (exit {proc.returncode}); log {log}:\n{text[-3000:]}")
    calc = sorted(datadir.glob("calc_*.hdf5"), key=lambda p: p.stat().st_mtime)[-1]
    calc_id = int(calc.stem.split("_")[1])
    result: dict[str, Any] = {}
    script = _READ_BACK if read_back is None else read_back
    if script:
        read = subprocess.run(
            [str(OQ_VENV / "bin" / "python"), "-c", script, str(calc_id)],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        if read.returncode != 0:
            raise RuntimeError(f"reading calculation {calc_id} failed:\n{read.stderr[-3000:]}")
        result = json.loads(read.stdout.strip().splitlines()[-1])
    result.update(seconds=seconds, peak_mb=peak, calc_id=calc_id, log=str(log))
    return result


def version() -> str:
    proc = subprocess.run([str(OQ), "--version"], capture_output=True, text=True, check=False)
    return proc.stdout.strip()
