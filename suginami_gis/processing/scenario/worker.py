"""The worker process of the scenario's mitigated run (processing/scenario/concurrent.py).

    python -m suginami_gis.processing.scenario.worker <folder>/spec.json

It starts QGIS without a display, registers the provider, runs the mitigated run's steps (Chain.one_run)
into its own folder and writes one JSON object per line on standard output: "info" and "warning" messages,
then "result" (totals, district values, the damage district table, the time of each step) or "error".
"""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path
from typing import Any, TextIO


def _write(stream: TextIO, **message: Any) -> None:
    def plain(value: Any) -> Any:
        return value.item() if hasattr(value, "item") else str(value)

    stream.write(json.dumps(message, ensure_ascii=False, default=plain) + "\n")
    stream.flush()


def _tables(gpkg: Path) -> list[str]:
    """The tables of the worker's GeoPackage, all complete when a step has just ended (it closed its outputs)."""
    import sqlite3

    if not gpkg.exists():
        return []
    with contextlib.closing(sqlite3.connect(f"{gpkg.resolve().as_uri()}?mode=ro", uri=True)) as db:
        return [row[0] for row in db.execute("SELECT table_name FROM gpkg_contents")]


def main(spec_path: str, stream: TextIO) -> int:
    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    for path in reversed(spec["paths"]):
        if path not in sys.path:
            sys.path.insert(0, path)
    from qgis.core import QgsApplication

    from ...core.allocator import keep_freed_memory

    keep_freed_memory()  # this process only runs the mitigated run (core/allocator.py)
    app = QgsApplication([], False)
    app.initQgis()
    try:
        return _run(spec, stream)
    except Exception as exc:  # every failure goes back to the scenario, which names it
        _write(stream, error=str(exc))
        return 1
    finally:
        app.exitQgis()


def _run(spec: dict[str, Any], stream: TextIO) -> int:
    from processing.core.Processing import Processing
    from qgis.core import (
        QgsApplication,
        QgsProcessingContext,
        QgsProcessingFeedback,
        QgsProcessingMultiStepFeedback,
        QgsProject,
    )

    from ...core import executors, memo
    from ..provider import SuginamiProvider
    from . import packaging
    from .chain import Chain, StepRunner
    from .concurrent import settings_from_plain
    from .settings import GPKG_NAME
    from .wiring import Wiring

    class LineFeedback(QgsProcessingFeedback):
        """Messages as JSON lines for the scenario's process to pass on."""

        def pushInfo(self, info: str) -> None:
            _write(stream, info=info)

        def pushWarning(self, warning: str) -> None:
            _write(stream, warning=warning)

        def reportError(self, error: str, fatalError: bool = False) -> None:
            _write(stream, warning=error)

    Processing.initialize()
    provider = SuginamiProvider()  # kept referenced: the registry does not own Python providers
    QgsApplication.processingRegistry().addProvider(provider)
    alg = QgsApplication.processingRegistry().createAlgorithmById("suginami:scenario")
    settings = settings_from_plain(spec["settings"])
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    feedback = LineFeedback()

    folder = Path(spec["folder"])

    class AnnouncingRunner(StepRunner):
        """Says when each step is done: its tables are then complete and the scenario may copy them."""

        def finish(self, label: str, started: float) -> None:
            super().finish(label, started)
            _write(stream, finished=label, tables=_tables(folder / GPKG_NAME))

    runner = AnnouncingRunner(context, QgsProcessingMultiStepFeedback(7, feedback))
    wiring = Wiring(alg, spec["parameters"], settings)
    if settings.ward_district is not None:
        wiring.ward_districts = packaging.write_ward_district(folder / GPKG_NAME, settings.ward_district, settings.crs)
    chain = Chain(wiring, runner, folder)
    chain.work.mkdir()
    with memo.shared(), executors.shared_pools():
        result = chain.one_run("mitigated", spec["intensity"])
    _write(
        stream,
        result={
            "totals": result.totals,
            "districts": result.districts,
            "damage_districts": result.damage_districts,
            "times": list(runner.times.items()),
        },
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1], sys.stdout))
