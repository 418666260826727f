"""`make bench`: run every benchmarks/bench_*.py, print one table, write out/bench.json."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def main() -> int:
    rows = []
    failures = []
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    for script in sorted(HERE.glob("bench_*.py")):
        print(f"== {script.name}", flush=True)
        proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, check=False)
        for line in proc.stdout.splitlines():
            if line.startswith("BENCH_ROW "):
                rows.append({"script": script.name, **json.loads(line[len("BENCH_ROW ") :])})
            else:
                print("   " + line)
        if proc.returncode != 0:
            failures.append(script.name)
            print(proc.stderr[-2000:])
    header = (
        f"{'task':44} {'size':34} {'time s':>8} {'peak MB':>8} {'target':>7} {'peer':28} {'peer s':>8} {'ratio':>6}"
    )
    print("\n" + header + "\n" + "-" * len(header))
    for r in rows:
        print(
            f"{r['task'][:44]:44} {str(r['size'])[:34]:34} {r['seconds']:8.2f} {r['peak_mb']:8.0f} "
            f"{'' if r.get('target_s') is None else r['target_s']:>7} {str(r.get('peer') or '')[:28]:28} "
            f"{'' if r.get('peer_seconds') is None else r['peer_seconds']:>8} {'' if r.get('ratio') is None else r['ratio']:>6}"
        )
    out = REPO / "out"
    out.mkdir(exist_ok=True)
    machine = {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()}
    (out / "bench.json").write_text(json.dumps({"machine": machine, "rows": rows}, indent=2, ensure_ascii=False))
    print(f"\nwrote {out / 'bench.json'}")
    if failures:
        print("failed: " + ", ".join(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
