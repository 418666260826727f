"""`make bench`: run every benchmarks/bench_*.py, print one table, write out/bench.json and out/bench.md.

    .venv/bin/python benchmarks/run_all.py [--only damage,routing]

Each script prints its own figures and one ``BENCH_ROW`` JSON line per task (benchmarks/_common.py);
this collects them with a description of the machine. The damage benchmark's peer needs the
OpenQuake engine in out/oq-venv (bash benchmarks/setup_openquake.sh); without it that column stays
empty and the script says so; so does the ground-motion peer's. bench_scale23.py checks the 23-ward
scale on 2 copies of the ward-scale sample; SUGINAMI_BENCH_23WARDS=1 makes it the 1.8 million-building
run (over 10 minutes here).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gib = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_gib = round(int(line.split()[1]) / 1024**2, 1)
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "memory_gib": mem_gib,
        "load_average_at_start": [round(v, 2) for v in os.getloadavg()],
        "platform": platform.platform(),
        "python": platform.python_version(),
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
    }


def fmt(value: object, spec: str = "") -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return format(value, spec) if spec else str(value)


COLUMNS = (
    ("task", "task", ""),
    ("size", "data size", ""),
    ("seconds", "time s", ".2f"),
    ("peak_mb", "peak MB", ".0f"),
    ("target_s", "target s", "g"),
    ("peer", "peer", ""),
    ("peer_seconds", "peer s", ".2f"),
    ("peer_peak_mb", "peer MB", ".0f"),
    ("ratio", "peer/ours", "g"),
)


def text_table(rows: list[dict]) -> str:
    cells = [[title for _, title, _ in COLUMNS]]
    cells += [[fmt(r.get(key), spec) for key, _, spec in COLUMNS] for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(len(COLUMNS))]
    lines = ["  ".join(c[i].ljust(widths[i]) for i in range(len(COLUMNS))).rstrip() for c in cells]
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines)


def markdown_table(rows: list[dict]) -> str:
    lines = ["| " + " | ".join(title for _, title, _ in COLUMNS) + " |"]
    lines.append("|" + "|".join("---" if spec == "" else "---:" for _, _, spec in COLUMNS) + "|")
    for r in rows:
        lines.append("| " + " | ".join(fmt(r.get(key), spec) for key, _, spec in COLUMNS) + " |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="comma-separated script names without bench_ (default: all)")
    args = parser.parse_args()
    wanted = {w.strip() for w in args.only.split(",") if w.strip()}
    rows = []
    failures = []
    durations = {}
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    info = machine()
    started_all = time.perf_counter()
    for script in sorted(HERE.glob("bench_*.py")):
        if wanted and script.stem.removeprefix("bench_") not in wanted:
            continue
        print(f"== {script.name}", flush=True)
        started = time.perf_counter()
        proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, check=False)
        durations[script.name] = round(time.perf_counter() - started, 1)
        for line in proc.stdout.splitlines():
            if line.startswith("BENCH_ROW "):
                rows.append({"script": script.name, **json.loads(line[len("BENCH_ROW ") :])})
            else:
                print("   " + line)
        print(f"   ({script.name}: {durations[script.name]:.0f} s, exit {proc.returncode})", flush=True)
        if proc.returncode != 0:
            failures.append(script.name)
            print(proc.stderr[-2000:])
    info["bench_wall_s"] = round(time.perf_counter() - started_all, 1)
    info["script_wall_s"] = durations
    print(
        f"\nmachine: {info['cpu']}, {info['cpus']} cores, {info['memory_gib']} GiB; "
        f"load at start {info['load_average_at_start']}; whole run {info['bench_wall_s']:.0f} s\n"
    )
    print(text_table(rows))
    out = REPO / "out"
    out.mkdir(exist_ok=True)
    (out / "bench.json").write_text(json.dumps({"machine": info, "rows": rows}, indent=2, ensure_ascii=False))
    (out / "bench.md").write_text(markdown_table(rows) + "\n", encoding="utf-8")
    print(f"\nwrote {out / 'bench.json'} and {out / 'bench.md'}")
    if failures:
        print("failed or missed a target (non-zero exit): " + ", ".join(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
