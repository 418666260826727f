"""File outputs are written in a hidden folder beside their target and moved into place only when complete.

QGIS's feature sinks write straight to the destination the user chose, so a cancelled or failed
run would leave a half-written GeoPackage behind. :class:`StagedOutputs` points every file
destination of an algorithm at ``<target folder>/.suginami-partial-XXXX/<same name>`` (same
name, so a GeoPackage keeps its layer name and a shapefile its sidecars) and moves the files
into the target folder only after the algorithm returned normally and was not cancelled. Folder
destinations are left alone: the core builds folders atomically itself (core/atomic.py).

A write is verified before it replaces anything: every feature sink the algorithm opened counts
what it accepted, and after the sinks are closed the staged file must hold that many features
(a full disk makes GDAL's final COMMIT fail with only a message on stderr, leaving an empty
GeoPackage). Staging folders left by a killed run (their owner process is gone) are removed by
the next run that writes into the same folder.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from qgis.core import (
    QgsFeatureSink,
    QgsProcessing,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingOutputLayerDefinition,
    QgsProcessingParameterFolderDestination,
    QgsProperty,
)

from ..core.atomic import claim, release, remove_abandoned
from .file_layers import moved
from .i18n import tr

PARTIAL_PREFIX = ".suginami-partial-"
SIDECARS = (".aux.xml", ".ovr", ".msk")  # GDAL's files beside a raster, stale once the raster is replaced
_NOT_FILES = ("memory:", "ogr:", "postgis:", "postgres:", "spatialite:", "mssql:", "oracle:", "hana:")


# A create option of an output definition: the layer is an intermediate (read once by the next step of a
# chain, then deleted), so its GeoPackage gets no spatial index. SQLite builds an R*Tree one entry at a time,
# about 1.5 s per 124,000 features here, for a layer nothing queries by extent.
WITHOUT_SPATIAL_INDEX = "suginami_without_spatial_index"


def unindexed_output(path: str) -> QgsProcessingOutputLayerDefinition:
    """An output destination at ``path`` (a GeoPackage) written without a spatial index."""
    definition = QgsProcessingOutputLayerDefinition(path)
    definition.createOptions = {WITHOUT_SPATIAL_INDEX: True}
    return definition


def sink_layer_options(value: Any) -> list[str]:
    """GDAL layer options for an output parameter's value: none, or no spatial index for an unindexed_output."""
    if isinstance(value, QgsProcessingOutputLayerDefinition) and value.createOptions.get(WITHOUT_SPATIAL_INDEX):
        return ["SPATIAL_INDEX=NO"]
    return []


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
        self.sinks: list[tuple[str, Path, str | None, CountingSink]] = []
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
                remove_abandoned(target.parent, PARTIAL_PREFIX)
                folder = Path(tempfile.mkdtemp(prefix=PARTIAL_PREFIX, dir=target.parent))
                claim(folder)
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

    def track(self, key: str, sink: QgsFeatureSink | None, dest_id: str) -> QgsFeatureSink | None:
        """A sink of output ``key`` that counts what it accepts, so the staged file can be verified."""
        if sink is None:
            return None
        path = plain_file_path(str(dest_id).split("|")[0])
        if path is None or not any(path.parent == folder for folder, _ in self.staged):
            return sink
        layer = str(dest_id).split("layername=")[1].split("|")[0] if "layername=" in str(dest_id) else None
        counting = CountingSink(sink, key)
        self.sinks.append((key, path, layer, counting))
        return counting

    def verify(self) -> None:
        """Close the tracked sinks and check that each staged file holds every feature written to it."""
        from osgeo import ogr

        for *_, sink in self.sinks:
            sink.close()
        for key, path, layer, sink in self.sinks:
            dataset = ogr.Open(str(path))
            found = None
            if dataset is not None:
                ogr_layer = dataset.GetLayerByName(layer) if layer else dataset.GetLayer(0)
                found = None if ogr_layer is None else ogr_layer.GetFeatureCount()
            dataset = None
            if found != sink.count:
                held = tr("none") if found is None else str(found)
                raise QgsProcessingException(
                    tr(
                        "Writing {0} failed: the file holds {1} of the {2} features written (is the disk full or "
                        "the folder not writable?). Nothing was replaced: free space or choose another {0}."
                    ).format(key, held, sink.count)
                )

    def _rename(self, text: str) -> str:
        for folder, target_dir in self.staged:
            text = text.replace(str(folder), str(target_dir))
        return text

    def commit(self, results: dict[str, Any], context: QgsProcessingContext) -> dict[str, Any]:
        """Move every staged file into its target folder; results and layers to load name the final paths."""
        for folder, target_dir in self.staged:
            for entry in sorted(folder.iterdir()):
                destination = target_dir / entry.name
                for suffix in SIDECARS:
                    stale = target_dir / (entry.name + suffix)
                    if not (folder / stale.name).exists():
                        with contextlib.suppress(OSError):
                            stale.unlink()
                if entry.is_dir():
                    if destination.exists():
                        shutil.rmtree(destination)
                    shutil.move(str(entry), str(destination))
                else:
                    os.replace(entry, destination)
                    moved(entry, destination)  # the scenario's record of tables holding the same geometries
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
            release(folder)


class CountingSink(QgsFeatureSink):
    """A feature sink that forwards to QGIS's sink, counts what it accepted and fails loudly."""

    def __init__(self, sink: QgsFeatureSink, key: str) -> None:
        super().__init__()
        self.sink: QgsFeatureSink | None = sink
        self.key = key
        self.count = 0

    def _check(self, ok: bool, added: int) -> bool:
        if not ok:
            error = self.sink.lastError() if self.sink is not None else ""
            raise QgsProcessingException(tr("Writing {0} failed: {1}").format(self.key, error))
        self.count += added
        return ok

    def addFeature(self, feature, flags=QgsFeatureSink.Flags()):  # noqa: B008 (QGIS's API)
        if self.sink is None:
            return False
        return self._check(self.sink.addFeature(feature, flags), 1)

    def addFeatures(self, features, flags=QgsFeatureSink.Flags()):  # noqa: B008
        if self.sink is None:
            return False
        features = list(features)
        return self._check(self.sink.addFeatures(features, flags), len(features))

    def flushBuffer(self) -> bool:
        return self.sink.flushBuffer() if self.sink is not None else True

    def lastError(self) -> str:
        return self.sink.lastError() if self.sink is not None else ""

    def close(self) -> None:
        """Flush and release QGIS's sink: the file is complete (or its failure visible) afterwards."""
        if self.sink is not None:
            self.sink.flushBuffer()
            self.sink = None


def _input_paths(algorithm: Any, parameters: dict[str, Any], context: QgsProcessingContext) -> dict[Path, str]:
    """Local files read by the inputs of ``parameters`` (layer sources and file parameters) -> parameter key."""
    from qgis.core import (
        QgsProcessingFeatureSourceDefinition,
        QgsProcessingParameterFeatureSource,
        QgsProcessingParameterFile,
        QgsProcessingParameterMapLayer,
        QgsProcessingParameterMultipleLayers,
        QgsProcessingParameterRasterLayer,
        QgsProcessingParameterVectorLayer,
    )

    layer_types = (
        QgsProcessingParameterFeatureSource,
        QgsProcessingParameterVectorLayer,
        QgsProcessingParameterRasterLayer,
        QgsProcessingParameterMapLayer,
    )
    found: dict[Path, str] = {}
    for definition in algorithm.parameterDefinitions():
        name, value = definition.name(), parameters.get(definition.name())
        if definition.isDestination() or value is None:
            continue
        if isinstance(value, QgsProcessingFeatureSourceDefinition):
            value = value.source.staticValue()
        texts: list[str] = []
        if isinstance(definition, QgsProcessingParameterMultipleLayers):
            texts = [layer.source() for layer in algorithm.parameterAsLayerList(parameters, name, context) or []]
        elif isinstance(definition, layer_types):
            layer = algorithm.parameterAsLayer({name: value}, name, context)
            texts = [layer.source()] if layer is not None else [str(value)]
        elif isinstance(definition, QgsProcessingParameterFile):
            texts = [str(value)]
        for text in texts:
            path = plain_file_path(text.split("|")[0])
            if path is not None and path.exists():
                found[path.resolve()] = name
    return found


def refuse_output_over_input(algorithm: Any, parameters: dict[str, Any], context: QgsProcessingContext) -> None:
    """An output whose file (or folder) is, or holds, a file an input reads is refused before anything is written."""
    inputs = _input_paths(algorithm, parameters, context)
    if not inputs:
        return
    for definition in algorithm.destinationParameterDefinitions():
        value = parameters.get(definition.name())
        if isinstance(value, QgsProcessingOutputLayerDefinition):
            value = value.sink.staticValue() if value.sink.propertyType() == QgsProperty.StaticProperty else None
        target = plain_file_path(str(value).split("|")[0]) if isinstance(value, str) else None
        if target is None:
            continue
        target = target.resolve()
        is_folder = isinstance(definition, QgsProcessingParameterFolderDestination)
        for path, key in inputs.items():
            if path == target or (is_folder and target in path.parents):
                raise QgsProcessingException(
                    tr("{0} would overwrite the input {1} ({2}): choose another file or folder for {0}.").format(
                        definition.name(), key, path.name
                    )
                )


def refuse_repeated_values(algorithm: Any, parameters: dict[str, Any]) -> None:
    """A single-valued parameter given more than once (qgis_process ``--AVS30=a --AVS30=b`` passes a
    list, of which QGIS would silently keep one) is refused, naming the parameter."""
    from qgis.core import (
        QgsProcessingParameterEnum,
        QgsProcessingParameterField,
        QgsProcessingParameterMatrix,
        QgsProcessingParameterMultipleLayers,
    )

    for definition in algorithm.parameterDefinitions():
        value = parameters.get(definition.name())
        if not isinstance(value, list | tuple) or len(value) < 2:
            continue
        if isinstance(definition, QgsProcessingParameterMultipleLayers | QgsProcessingParameterMatrix):
            continue
        if isinstance(definition, QgsProcessingParameterEnum | QgsProcessingParameterField) and (
            definition.allowMultiple()
        ):
            continue
        raise QgsProcessingException(
            tr("{0} was given {1} times ({2}); give it once.").format(
                definition.name(), len(value), ", ".join(str(v) for v in value)
            )
        )
