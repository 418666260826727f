"""One million synthetic buildings through damage and fire: wall time and peak resident memory (issue 9).

Each step runs in its own fresh process so its peak RSS (getrusage ru_maxrss, the kernel's high-water
mark) is its own; psutil samples the RSS every 0.2 s as a cross-check. The target is 8 GB per step.

    .venv/bin/python benchmarks/bench_million.py                 # 1,000,000 buildings
    .venv/bin/python benchmarks/bench_million.py --buildings 200000 --realizations 20

The town is a square grid of 10 m wooden and non-wooden footprints with 2-9 m gaps (so fire
spreads between neighbours, Hamada's limits apply), 23 districts (as many as Tokyo's wards), and a
two-band intensity field between JMA 5.5 and 6.8.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TARGET_GB = 8.0


def synthetic_town(n: int, seed: int = 1):
    import numpy as np
    import shapely

    rng = np.random.default_rng(seed)
    side = int(np.ceil(np.sqrt(n)))
    pitch = 10.0 + rng.uniform(2.0, 9.0, side)  # column / row pitches: 10 m footprint + gap
    xs = np.concatenate([[0.0], np.cumsum(pitch)[:-1]])
    ix, iy = np.divmod(np.arange(n), side)
    x0, y0 = xs[ix], xs[iy]
    geoms = shapely.box(x0, y0, x0 + 10.0, y0 + 10.0)
    structure = np.where(rng.random(n) < 0.45, "wood", "non_wood").astype(object)
    years = rng.integers(1950, 2020, n).astype(np.float64)
    district = (ix * 23 // side).astype(np.int32)
    intensity = np.stack([rng.uniform(5.5, 6.8, n), rng.uniform(5.5, 6.8, n)])
    fire_class = np.array(["bare_wood", "protected_wood", "semi_fireproof", "fireproof"], dtype=object)[
        rng.integers(0, 4, n)
    ]
    return geoms, structure, years, district, intensity, fire_class


def _sample_rss(stop: threading.Event, peak: list[float]) -> None:
    import psutil

    process = psutil.Process()
    while not stop.is_set():
        peak[0] = max(peak[0], process.memory_info().rss / 1e9)
        stop.wait(0.2)


def _step(name: str, n: int, realizations: int, queue) -> None:
    import resource

    import numpy as np

    from suginami_gis.core import damage as dm
    from suginami_gis.core import fire
    from suginami_gis.core import fragility as fr

    stop, sampled = threading.Event(), [0.0]
    sampler = threading.Thread(target=_sample_rss, args=(stop, sampled), daemon=True)
    sampler.start()
    started = time.perf_counter()
    geoms, structure, years, district, intensity, fire_class = synthetic_town(n)
    built = time.perf_counter() - started
    started = time.perf_counter()
    if name == "damage":
        result = dm.estimate_damage(
            fr.parse_structure(structure),
            years,
            intensity,
            district_index=district,
            district_names=[f"d{k}" for k in range(23)],
            realizations=realizations,
            seed=7,
        )
        figures = {"collapsed": result.ward["collapsed"], "collapsed_p95": result.ward["collapsed_p95"]}
    else:
        p_collapse = np.clip((intensity.mean(axis=0) - 5.5) / 4.0, 0.0, 1.0)
        result = fire.run_fire(
            geoms,
            fire_class,
            p_collapse,
            fire.FireScenario(realizations=realizations, seed=7),
            intensity=intensity.mean(axis=0),
            district_index=district,
            n_districts=23,
        )
        figures = {"expected_burned": float(result.ward.expected_burned[0])}
    seconds = time.perf_counter() - started
    stop.set()
    sampler.join()
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e9  # kB -> GB (10^9 bytes)
    queue.put(
        {
            "task": f"{name}, 1 M buildings" if n == 1_000_000 else f"{name}, {n:,} buildings",
            "buildings": n,
            "realizations": realizations,
            "town_seconds": round(built, 1),
            "seconds": round(seconds, 1),
            "peak_rss_gb": round(peak_gb, 2),
            "sampled_rss_gb": round(sampled[0], 2),
            "target_gb": TARGET_GB,
            "within_target": peak_gb <= TARGET_GB,
            **{k: round(float(v), 1) for k, v in figures.items()},
        }
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--buildings", type=int, default=1_000_000)
    parser.add_argument("--realizations", type=int, default=100)
    parser.add_argument("--steps", default="damage,fire")
    args = parser.parse_args()
    context = multiprocessing.get_context("spawn")
    rows = []
    for name in args.steps.split(","):
        queue = context.Queue()
        process = context.Process(target=_step, args=(name, args.buildings, args.realizations, queue))
        process.start()
        row = queue.get()
        process.join()
        rows.append(row)
        print(
            f"{row['task']}: {row['seconds']} s (+{row['town_seconds']} s to build the town), "
            f"peak RSS {row['peak_rss_gb']} GB (sampled {row['sampled_rss_gb']} GB), target {TARGET_GB} GB"
        )
        print("BENCH_ROW " + json.dumps(row))
    return 0 if all(r["within_target"] for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
