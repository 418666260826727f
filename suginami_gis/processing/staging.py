"""File outputs are written in a hidden folder beside their target and moved into place only when complete.

QGIS's feature sinks write straight to the destination the user chose, so a cancelled or failed
run would leave a half-written GeoPackage behind. :class:`StagedOutputs` points every file
destination of an algorithm at ``<target folder>/.suginami-partial-XXXX/<same name>`` (same
name, so a GeoPackage keeps its layer name and a shapefile its sidecars) and moves the files
into the target folder only after the algorithm returned normally and was not cancelled. Folder
destinations are left alone: the core builds folders atomically itself (core/atomic.py).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from qgis.core import (
    QgsProcessing,
    QgsProcessingContext,
    QgsProcessingOutputLayerDefinition,
    QgsProcessingParameterFolderDestination,
    QgsProperty,
)

PARTIAL_PREFIX = ".suginami-partial-"
_NOT_FILES = ("memory:", "ogr:", "postgis:", "postgres:", "spatialite:", "mssql:", "oracle:", "hana:")


def plain_file_path(text: Any) -> Path | None:
    """The path of a destination that is a plain local file, else None (memory layers, URIs, temporary outputs)."""
    if not isinstance(text, str):
        return None
    text = text.strip()
    if not text or text == QgsProcessing.TEMPORARY_OUTPUT or text.lower().startswith(_NOT_FILES):
        return None
    if "|" in text or "://" in text or "?" in text:
        return None
    return Path(text).expanduser().absolute()


def _fresh(details: QgsProcessingContext.LayerDetails) -> QgsProcessingContext.LayerDetails:
    """A copy of ``details`` with its own post-processor.

    setLayersToLoadOnCompletion deletes the post-processors of the keys it replaces, so a copy
    that kept the old pointer would crash QGIS when it loads the layer (seen with QGIS 3.22).
    """
    copy = QgsProcessingContext.LayerDetails(details.name, details.project, details.outputName)
    copy.forceName = details.forceName
    copy.layerTypeHint = details.layerTypeHint
    processor = details.postProcessor()
    clone = getattr(processor, "clone", None)
    if clone is not None:
        copy.setPostProcessor(clone())
    return copy


class StagedOutputs:
    """Redirect the file destinations of ``parameters``; ``commit`` moves them into place, ``discard`` drops them."""

    def __init__(self, algorithm: Any, parameters: dict[str, Any]) -> None:
        self.parameters = dict(parameters)
        self.staged: list[tuple[Path, Path]] = []  # (temporary folder, target folder)
        for definition in algorithm.destinationParameterDefinitions():
            if isinstance(definition, QgsProcessingParameterFolderDestination):
                continue
            name = definition.name()
            value = parameters.get(name)
            static = value
            if isinstance(value, QgsProcessingOutputLayerDefinition):
                if value.sink.propertyType() != QgsProperty.StaticProperty:
                    continue
                static = value.sink.staticValue()
            target = plain_file_path(static)
            if target is None:
                continue
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                folder = Path(tempfile.mkdtemp(prefix=PARTIAL_PREFIX, dir=target.parent))
            except OSError:
                continue  # an unwritable folder: let QGIS report it as usual
            self.staged.append((folder, target.parent))
            staged_path = str(folder / target.name)
            if isinstance(value, QgsProcessingOutputLayerDefinition):
                redirected = QgsProcessingOutputLayerDefinition(value)
                redirected.sink = QgsProperty.fromValue(staged_path)
                self.parameters[name] = redirected
            else:
                self.parameters[name] = staged_path

    def _rename(self, text: str) -> str:
        for folder, target_dir in self.staged:
            text = text.replace(str(folder), str(target_dir))
        return text

    def commit(self, results: dict[str, Any], context: QgsProcessingContext) -> dict[str, Any]:
        """Move every staged file into its target folder; results and layers to load name the final paths."""
        for folder, target_dir in self.staged:
            for entry in sorted(folder.iterdir()):
                destination = target_dir / entry.name
                if entry.is_dir():
                    if destination.exists():
                        shutil.rmtree(destination)
                    shutil.move(str(entry), str(destination))
                else:
                    os.replace(entry, destination)
        self.discard()
        if any(PARTIAL_PREFIX in key for key in context.layersToLoadOnCompletion()):
            context.setLayersToLoadOnCompletion(
                {self._rename(key): _fresh(details) for key, details in context.layersToLoadOnCompletion().items()}
            )
        return {key: self._rename(value) if isinstance(value, str) else value for key, value in results.items()}

    def discard(self) -> None:
        """Remove what is still staged (after a failure or cancel: nothing reaches the target folders)."""
        for folder, _ in self.staged:
            with contextlib.suppress(OSError):
                shutil.rmtree(folder)
