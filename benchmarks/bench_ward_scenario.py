"""Benchmark: suginami:scenario on the real ward (124,207 PLATEAU footprints, 139 districts, 65 relief centres).

    .venv/bin/python benchmarks/bench_ward_scenario.py

Two rows: "ward-scale scenario without export" (both runs, current state and mitigated, 100
realizations, PUBLIC_EXPORT off; the issue's 60 s target) and "ward-scale scenario" with the two public
exports (the 180 s target), each with every step's time (``steps``) and the peak resident set of the
process that ran the scenario. EXECUTOR is ``local`` (Monte Carlo chunks in a local process pool, the
mitigated run in a second QGIS process); SUGINAMI_BENCH_WARD_EXECUTOR='' runs them serially.
SUGINAMI_BENCH_WARD_EXPORT=0 leaves out the row with the export. The inputs are prepared once (benchmarks/real_suginami_scenario.py
--prepare-only: reprojection, Fix geometries, occupants, imputation) in a process of their own, so
neither their time nor their memory is counted. Needs ../shared/data/real (CI has it); without it
the script says so and writes no row. SUGINAMI_BENCH_WARD=0 skips it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SHARED = REPO.parent / "shared" / "data" / "real"
SCRIPT = HERE / "real_suginami_scenario.py"


def run(*args: str) -> int:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(REPO)}
    proc = subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, env=env, check=False)
    sys.stdout.write(proc.stdout)  # the BENCH_ROW line goes through to benchmarks/run_all.py
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr[-3000:])
    return proc.returncode


def main() -> int:
    if os.environ.get("SUGINAMI_BENCH_WARD", "1") == "0":
        print("SUGINAMI_BENCH_WARD=0: the ward-scale scenario is skipped")
        return 0
    if not SHARED.exists():
        print(f"the real data folder {SHARED} is absent: the ward-scale scenario row is not measured")
        return 0
    executor = ["--executor", os.environ.get("SUGINAMI_BENCH_WARD_EXECUTOR", "local")]
    code = run("--prepare-only", "--reuse-inputs")
    if code == 0:
        code = run("--reuse-inputs", "--no-export", *executor)
    if code == 0 and os.environ.get("SUGINAMI_BENCH_WARD_EXPORT", "1") != "0":
        code = run("--reuse-inputs", *executor)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
