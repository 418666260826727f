"""Layer <-> array conversions on the ward's buildings (124,207 footprints): reading, writing, copying, flagging.

Times (CPU and wall) of the conversions every scenario step does, on out/bench/real_scenario/buildings_imputed.gpkg
(made by real_suginami_scenario.py --prepare-only). Run it with PYTHONPATH pointing at another checkout to time
that checkout's code the same way:

    QT_QPA_PLATFORM=offscreen PYTHONPATH=$PWD .venv/bin/python benchmarks/bench_io.py
"""

from __future__ import annotations

import inspect
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

BUILDINGS = Path(__file__).resolve().parents[1] / "out" / "bench" / "real_scenario" / "buildings_imputed.gpkg"


def timed(label: str, results: dict, fn):
    cpu, wall = time.process_time(), time.perf_counter()
    value = fn()
    results[label] = {"cpu_s": round(time.process_time() - cpu, 2), "wall_s": round(time.perf_counter() - wall, 2)}
    print(f"  {label}: cpu {results[label]['cpu_s']:.2f} s, wall {results[label]['wall_s']:.2f} s", flush=True)
    return value


def main() -> int:
    if not BUILDINGS.exists():
        print(f"{BUILDINGS} is missing: run benchmarks/real_suginami_scenario.py --prepare-only first")
        return 2
    from qgis.core import QgsApplication, QgsProcessingContext, QgsProcessingFeedback, QgsProcessingUtils

    app = QgsApplication([], False)
    app.initQgis()
    import numpy as np

    from suginami_gis.processing import conversions as cv
    from suginami_gis.processing import fireproofing
    from suginami_gis.processing.provider import SuginamiProvider

    provider = SuginamiProvider()
    QgsApplication.processingRegistry().addProvider(provider)
    alg = QgsApplication.processingRegistry().createAlgorithmById("suginami:firespread")
    context, feedback = QgsProcessingContext(), QgsProcessingFeedback()
    results: dict = {}
    print(f"conversions of {cv.__file__}", flush=True)
    source = alg.parameterAsSource({"BUILDINGS": str(BUILDINGS)}, "BUILDINGS", context)
    names = source.fields().names()
    data = timed("read_vector, all 18 fields", results, lambda: cv.read_vector(source, context, None, names))
    timed(
        "read_vector, 3 fields",
        results,
        lambda: cv.read_vector(source, context, None, ["structure", "year_built", "floors"]),
    )
    timed(
        "column float x3, str x1",
        results,
        lambda: [data.column(n, float) for n in ("occupants", "year_built", "floors")]
        + [data.column("fire_resistance", str)],
    )
    n = len(data)
    rng = np.random.default_rng(1)
    results_columns = [rng.random(n), rng.random(n), rng.integers(0, 99, n), np.where(rng.random(n) < 0.5, np.nan, 1.0)]
    spec = [(name, float) for name in ("p_a", "p_b")] + [("k", int), ("t", float)]
    fields, kept = cv.extended_fields(source.fields(), spec)
    rows = [[data.attributes[name][i] for name in kept] + [c[i] for c in results_columns] for i in range(n)]
    folder = Path(tempfile.mkdtemp(prefix="bench-io-"))
    try:
        destination = f"ogr:dbname='{folder / 'out.gpkg'}' table=\"buildings\" (geom)"

        def write() -> None:
            sink, _ = QgsProcessingUtils.createFeatureSink(
                destination, context, fields, source.wkbType(), source.sourceCrs()
            )
            cv.write_features(sink, fields, data.geometries, rows)
            del sink  # closes (commits) the GeoPackage layer

        timed("write_features + close, 124k rows x 22 fields", results, write)
        if hasattr(cv, "write_columns"):  # the column form the algorithms use

            def write_columns() -> None:
                sink, _ = QgsProcessingUtils.createFeatureSink(
                    destination.replace("buildings", "columns"), context, fields, source.wkbType(), source.sourceCrs()
                )
                cv.write_columns(sink, fields, data.geometries, [data.attributes[k] for k in kept] + results_columns)
                del sink

            timed("write_columns + close, 124k x 22 columns", results, write_columns)

        def copy() -> None:
            sink, _ = QgsProcessingUtils.createFeatureSink(
                str(folder / "copy.gpkg"), context, fields, source.wkbType(), source.sourceCrs()
            )
            if "columns" in inspect.signature(cv.copy_features).parameters:
                columns = [data.attributes[name] for name in kept] + results_columns
                cv.copy_features(sink, fields, source, context, data.ids, (), None, None, columns=columns)
            else:
                cv.copy_features(sink, fields, source, context, data.ids, rows)
            del sink

        timed("copy_features + close", results, copy)
        ids = [int(i) for i in data.ids[::7]]
        timed(
            "write_rebuilt_flags",
            results,
            lambda: fireproofing.write_rebuilt_flags(source, ids, str(folder / "flags.gpkg"), context, feedback),
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print("BENCH_IO " + json.dumps(results), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
