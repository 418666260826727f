"""The mitigated run in a second QGIS process beside the current state's (EXECUTOR 'local').

The two runs of the scenario share nothing but their inputs and the ground motion: each reads the
buildings, writes its own tables and reads them back. QGIS's layer reading and writing hold the Python
interpreter's lock, so two threads would not run at once; two processes do. With EXECUTOR 'local' (the
user's consent to local worker processes) the scenario starts the mitigated run in a worker process
(processing/scenario/worker.py), runs the current state itself, then copies the worker's tables into the
scenario GeoPackage. The worker runs the very same steps with the same parameters and seeds (Chain.one_run),
so the numbers are those of the runs one after the other.

The worker can only read layers that are files: a layer given as a project layer, a memory layer, a
selection, a feature limit or a subset string keeps the runs one after the other (said in the log).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsMapLayer,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeatureSourceDefinition,
    QgsProcessingUtils,
    QgsProperty,
)

from ...core.executors import python_for_workers
from ...core.feedback import Canceled
from .. import gpkg_sql
from ..conversions import is_set
from ..i18n import tr
from .settings import GPKG_NAME, Settings, WardDistrict

# The layer parameters the mitigated run reads (beside the ground motion the scenario hands it).
RUN_LAYERS = ("BUILDINGS", "DISTRICTS", "SHELTERS", "ROADS", "FIREPROOF_AREAS")
# Parameters that download the streets (OpenStreetMap by area or extent): kept in one process.
DOWNLOADS = ("OSM_AREA", "OSM_EXTENT")
# Tables of the mitigated run: every table it writes starts with this (packaging.RUN_LAYERS).
TABLE_PREFIX = "mitigated_"
# Seconds between two looks at the worker while the scenario waits for it.
POLL_S = 0.2


@dataclass
class WorkerSpec:
    """Everything the worker needs, as plain values (written to spec.json in the worker's folder)."""

    parameters: dict[str, Any]
    settings: dict[str, Any]
    folder: str  # the worker's own folder: its scenario.gpkg, rasters and _work
    intensity: str
    paths: list[str]  # sys.path entries: the plugin's parent folder and QGIS's processing plugin


def plain_parameters(parameters: dict[str, Any], context: QgsProcessingContext) -> tuple[dict, str | None]:
    """The scenario's parameters as plain values a second process can use; or a reason why they cannot be.

    Layers become their file sources; a layer that is not a file (or is filtered) is the reason.
    """
    out: dict[str, Any] = {}
    for key in DOWNLOADS:
        if is_set(parameters, key):
            # the second process has its own QGIS profile, hence another download cache
            return {}, f"{key}: {tr('streets downloaded from OpenStreetMap')}"
    for key, value in parameters.items():
        if value is None:
            continue
        if key in RUN_LAYERS:
            source, reason = _file_source(value, context)
            if reason:
                return {}, f"{key}: {reason}"
            out[key] = source
        elif isinstance(value, str | int | float | bool) or (
            isinstance(value, list | tuple) and all(isinstance(v, str | int | float | bool) for v in value)
        ):
            out[key] = value
        # Other values (points, extents, layers of the shared steps) only the shared steps read.
    return out, None


def _file_source(value: Any, context: QgsProcessingContext) -> tuple[str | None, str | None]:
    """The file source of a layer parameter value, or (None, why not)."""
    if isinstance(value, QgsProperty):
        return None, tr("a data-defined value")
    if isinstance(value, QgsProcessingFeatureSourceDefinition):
        if value.selectedFeaturesOnly or value.featureLimit != -1 or value.flags:
            return None, tr("selected features, a feature limit or a geometry check")
        value = value.source.staticValue()
    layer = value if isinstance(value, QgsMapLayer) else None
    if layer is None:
        if not isinstance(value, str) or not value:
            return None, tr("not a layer")
        layer = QgsProcessingUtils.mapLayerFromString(value, context)
        if layer is None:
            return None, tr("cannot be opened")
    if layer.providerType() != "ogr":
        return None, tr("a {0} layer, not a file").format(layer.providerType())
    if getattr(layer, "subsetString", lambda: "")():
        return None, tr("a filtered layer (subset string)")
    path = layer.source().split("|")[0]
    if not Path(path.replace("/vsizip/", "", 1)).exists() and not path.startswith("/vsi"):
        return None, tr("not a file")
    return layer.source(), None


def plain_settings(settings: Settings) -> dict[str, Any]:
    """Settings as plain values (the CRS as WKT)."""
    return {
        "crs": settings.crs.toWkt(QgsCoordinateReferenceSystem.WKT_PREFERRED),
        "fields": dict(settings.fields),
        "folder": str(settings.folder),
        "extent": settings.extent,
        "fireproof_areas": settings.fireproof_areas,
        "wifi": settings.wifi,
        "sites": settings.sites,
        "ward_district": asdict(settings.ward_district) if settings.ward_district is not None else None,
    }


def settings_from_plain(plain: dict[str, Any]) -> Settings:
    ward = plain.get("ward_district")
    return Settings(
        crs=QgsCoordinateReferenceSystem.fromWkt(plain["crs"]),
        fields=dict(plain["fields"]),
        folder=Path(plain["folder"]),
        extent=plain["extent"],
        fireproof_areas=plain.get("fireproof_areas"),
        wifi=bool(plain.get("wifi", True)),
        sites=bool(plain.get("sites", True)),
        ward_district=WardDistrict(**ward) if ward else None,
    )


def plugin_paths() -> list[str]:
    """sys.path entries the worker needs: the folder holding the plugin, and QGIS's processing plugin."""
    import processing

    package = Path(__file__).resolve().parents[2]
    return [str(package.parent), str(Path(processing.__file__).resolve().parents[1])]


class MitigatedWorker:
    """The worker process of the mitigated run: started, waited for, merged, or killed on any error."""

    def __init__(self, spec: WorkerSpec, gpkg: Path) -> None:
        self.spec = spec
        self.gpkg = gpkg  # the scenario's GeoPackage the worker's tables are copied into
        self.copied: set[str] = set()
        self.complete: set[str] = set()  # tables the worker has finished writing (named when a step ends)
        self.copy_seconds = 0.0
        self.folder = Path(spec.folder)
        self.log_path = self.folder / "worker.log"
        self.process: subprocess.Popen | None = None
        self.read = 0  # bytes of the log already handled
        self.result: dict[str, Any] | None = None
        self.error: str | None = None

    def start(self) -> MitigatedWorker:
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "spec.json").write_text(json.dumps(asdict(self.spec), default=str), encoding="utf-8")
        package = Path(__file__).resolve().parents[2].name
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
        env["PYTHONPATH"] = os.pathsep.join([*self.spec.paths, *filter(None, [env.get("PYTHONPATH")])])
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [python_for_workers(), "-m", f"{package}.processing.scenario.worker", str(self.folder / "spec.json")],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=env,
                cwd=str(self.folder),
                # its own process group, so a cancel also stops the worker's Monte Carlo pool
                start_new_session=os.name == "posix",
            )
        return self

    def kill(self) -> None:
        """Stop the worker and the Monte Carlo pool it started (its whole process group on POSIX)."""
        if self.process is None or self.process.poll() is not None:
            return
        if os.name == "posix":
            import signal

            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
        else:
            self.process.kill()
        self.process.wait()

    def __enter__(self) -> MitigatedWorker:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.kill()

    def messages(self, feedback: Any) -> None:
        """Hand the worker's new log lines to the feedback (its messages, progress, result or error)."""
        if not self.log_path.exists():
            return
        with open(self.log_path, "rb") as log:
            log.seek(self.read)
            data = log.read()
        complete = data.rfind(b"\n") + 1
        self.read += complete
        for raw in data[:complete].decode("utf-8", "replace").splitlines():
            self._line(raw, feedback)

    def _line(self, raw: str, feedback: Any) -> None:
        try:
            message = json.loads(raw) if raw.startswith("{") else {"text": raw}
        except json.JSONDecodeError:
            message = {"text": raw}
        if "finished" in message:
            self.complete.update(message.get("tables", []))
        elif "result" in message:
            self.result = message["result"]
        elif "error" in message:
            self.error = str(message["error"])
        elif "warning" in message:
            feedback.pushWarning(tr("[mitigated run] {0}").format(message["warning"]))
        elif "info" in message:
            feedback.pushInfo(tr("[mitigated run] {0}").format(message["info"]))
        elif message.get("text", "").strip():
            feedback.pushDebugInfo(message["text"])

    def copy_finished(self, only: set[str] | None = None) -> None:
        """Copy the tables not copied yet: those in ``only`` (the ones the worker named complete), or all."""
        started = time.perf_counter()
        self.copied.update(copy_tables(self.folder / GPKG_NAME, self.gpkg, self.copied, only))
        self.copy_seconds += time.perf_counter() - started

    def wait(self, feedback: Any) -> dict[str, Any]:
        """Wait for the worker, passing on its messages and copying each finished step's tables meanwhile;
        its result, or an error naming what failed."""
        assert self.process is not None
        while self.process.poll() is None:
            if feedback.isCanceled():
                self.kill()
                raise Canceled()
            self.messages(feedback)
            if self.complete - self.copied:
                # only the tables the worker said are complete: the step it runs now may have begun others
                self.copy_finished(self.complete)
            else:
                time.sleep(POLL_S)
        self.messages(feedback)
        if self.result is None:
            raise QgsProcessingException(
                self.error
                or tr("The mitigated run's worker process stopped with code {0}; its log: {1}").format(
                    self.process.returncode, self.log_path
                )
            )
        self.copy_finished()
        move_rasters(self.folder, self.gpkg.parent)
        return self.result


def copy_tables(source_path: Path, gpkg: Path, skip: set[str], only: set[str] | None = None) -> list[str]:
    """Copy the mitigated run's tables of ``source_path`` not in ``skip`` (and in ``only`` when given) into
    ``gpkg`` (gpkg_sql.copy_tables); returns the tables copied."""
    from osgeo import ogr

    source = ogr.Open(str(source_path))
    if source is None:
        raise QgsProcessingException(tr("Cannot open {0}").format(source_path))
    names = [
        name
        for name in (source.GetLayer(i).GetName() for i in range(source.GetLayerCount()))
        if name.startswith(TABLE_PREFIX) and name not in skip and (only is None or name in only)
    ]
    source = None
    if not names:
        return names
    try:
        gpkg_sql.copy_tables(source_path, gpkg, names)
    except RuntimeError as exc:
        raise QgsProcessingException(
            tr("Cannot copy the mitigated run's tables into {0}: {1}").format(gpkg, exc)
        ) from exc
    return names


def move_rasters(worker_folder: Path, folder: Path) -> None:
    """The mitigated run's files (burn probability raster and its style) into the scenario's folder."""
    for path in worker_folder.iterdir():
        if path.is_file() and path.name.startswith(TABLE_PREFIX):
            shutil.move(str(path), str(folder / path.name))
