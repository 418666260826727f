"""suginami:publicexport - privacy-safe open-data files and a bilingual static web map."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from qgis.core import (
    QgsCoordinateTransformContext,
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingFeatureSource,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFile,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterMultipleLayers,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
    QgsRasterLayer,
    QgsVectorLayer,
    QgsVectorTileWriter,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QUrl

from ...core.publish.export import DEFAULT_VECTOR_TILE_CUTOFF, RasterLayer, VectorLayer, export_public
from ...core.publish.metadata import DEFAULT_LICENSE
from ...core.publish.profile import Text, load_profile
from ..base import SuginamiAlgorithm
from ..conversions import _is_null, crs_wkt, raster_file, read_vector
from ..i18n import tr

# LANGUAGES choices (index -> languages); the first language is the page's default.
LANGUAGE_CHOICES = (("ja", "en"), ("ja",), ("en",))
DEFAULT_TITLE_JA = "杉並区 地震被害想定マップ"
DEFAULT_TITLE_EN = "Suginami earthquake scenario map"
# A layer name ending in "[kind]" forces that layer kind (docs/publicexport.md).
KIND_SUFFIX = re.compile(r"\[([a-z][a-z0-9_]*)\]\s*$")
GEOMETRY_NAMES = {
    QgsWkbTypes.PointGeometry: "point",
    QgsWkbTypes.LineGeometry: "line",
    QgsWkbTypes.PolygonGeometry: "polygon",
}


def _plain(value: Any) -> Any:
    """A QGIS attribute value as a plain Python value (NULL -> None, dates -> ISO text)."""
    if _is_null(value):
        return None
    if hasattr(value, "toString") and hasattr(value, "isValid"):  # QDate, QDateTime, QTime
        from qgis.PyQt.QtCore import Qt

        return value.toString(Qt.ISODate)
    return value


def _forced_kind(name: str) -> str | None:
    match = KIND_SUFFIX.search(name or "")
    return match.group(1) if match else None


def _parse_scenario(text: str) -> dict[str, Any]:
    """'MAGNITUDE=7.3; SCENARIO_HOUR=18' -> {'MAGNITUDE': 7.3, 'SCENARIO_HOUR': 18}."""
    out: dict[str, Any] = {}
    for item in re.split(r"[;\n]", text or ""):
        if not item.strip():
            continue
        if "=" not in item:
            raise QgsProcessingException(
                tr(
                    "SCENARIO: write the scenario as KEY=value pairs separated by ';', e.g. MAGNITUDE=7.3; SCENARIO_HOUR=18."
                )
            )
        key, value = (part.strip() for part in item.split("=", 1))
        for cast in (int, float):
            try:
                out[key] = cast(value)
                break
            except ValueError:
                continue
        else:
            out[key] = value
    return out


class _VectorTileWriter:
    """Writes MBTiles and an XYZ folder of .pbf tiles of one GeoJSON with QGIS's QgsVectorTileWriter."""

    def __init__(self, transform_context: QgsCoordinateTransformContext, feedback) -> None:
        self.transform_context = transform_context
        self.feedback = feedback

    def __call__(self, geojson: Path, xyz_dir: Path, mbtiles: Path, layer_name: str, min_zoom: int, max_zoom: int):
        layer = QgsVectorLayer(str(geojson), layer_name, "ogr")
        if not layer.isValid():
            raise QgsProcessingException(tr("Cannot reopen {0} to write vector tiles.").format(geojson))
        xyz_dir.mkdir(parents=True, exist_ok=True)
        xyz_template = QUrl.fromLocalFile(str(xyz_dir)).toString() + "/{z}/{x}/{y}.pbf"
        for uri in (f"type=xyz&url={xyz_template}", f"type=mbtiles&url={mbtiles}"):
            writer = QgsVectorTileWriter()
            tile_layer = QgsVectorTileWriter.Layer(layer)
            tile_layer.setLayerName(layer_name)
            writer.setLayers([tile_layer])
            writer.setTransformContext(self.transform_context)
            writer.setMinZoom(min_zoom)
            writer.setMaxZoom(max_zoom)
            writer.setExtent(writer.fullExtent())
            writer.setDestinationUri(uri)
            if not writer.writeTiles(self.feedback):
                raise QgsProcessingException(
                    tr("Writing vector tiles of {0} failed: {1}").format(layer_name, writer.errorMessage())
                )


class PublicExportAlgorithm(SuginamiAlgorithm):
    NAME = "publicexport"
    DISPLAY_NAME = "Public map export (open data and bilingual web map)"
    GROUP = "Public maps"
    GROUP_ID = "publicmaps"
    # PyYAML (profiles) comes with QGIS's own processing plugin, so it is not checked here.
    PACKAGES = (*SuginamiAlgorithm.PACKAGES, ("pyogrio", "pyogrio", "0.6"))

    LAYERS = "LAYERS"
    PROFILE = "PROFILE"
    LANGUAGES = "LANGUAGES"
    TITLE_JA = "TITLE_JA"
    TITLE_EN = "TITLE_EN"
    ATTRIBUTION = "ATTRIBUTION"
    LICENSE = "LICENSE"
    MIN_COUNT = "MIN_COUNT"
    OUTPUT_FOLDER = "OUTPUT_FOLDER"
    OVERWRITE = "OVERWRITE"
    BASEMAP_URL = "BASEMAP_URL"
    VECTOR_TILE_CUTOFF = "VECTOR_TILE_CUTOFF"
    SCENARIO = "SCENARIO"
    DESCRIPTION_JA = "DESCRIPTION_JA"
    DESCRIPTION_EN = "DESCRIPTION_EN"

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:
        self.addParameter(
            QgsProcessingParameterMultipleLayers(
                self.LAYERS, tr("Result layers to publish (vector and raster)"), QgsProcessing.TypeMapLayer
            )
        )
        self.addParameter(
            QgsProcessingParameterFile(
                self.PROFILE,
                tr("Export profile (JSON/YAML; empty = built-in)"),
                QgsProcessingParameterFile.File,
                fileFilter=tr("Profiles (*.yaml *.yml *.json)"),
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterEnum(
                self.LANGUAGES,
                tr("Languages"),
                [tr("Japanese and English"), tr("Japanese"), tr("English")],
                defaultValue=0,
            )
        )
        self.addParameter(QgsProcessingParameterString(self.TITLE_JA, tr("Title (Japanese)"), DEFAULT_TITLE_JA))
        self.addParameter(QgsProcessingParameterString(self.TITLE_EN, tr("Title (English)"), DEFAULT_TITLE_EN))
        self.addParameter(
            QgsProcessingParameterString(self.ATTRIBUTION, tr("Attribution (shown on the map)"), "", optional=True)
        )
        self.addParameter(QgsProcessingParameterString(self.LICENSE, tr("Licence"), DEFAULT_LICENSE))
        self.addParameter(
            QgsProcessingParameterNumber(
                self.MIN_COUNT,
                tr("Suppress district statistics below this count"),
                QgsProcessingParameterNumber.Integer,
                10,
                False,
                1,
            )
        )
        self.addParameter(
            QgsProcessingParameterBoolean(self.OVERWRITE, tr("Replace the output folder if it exists"), False)
        )
        self.addParameter(
            QgsProcessingParameterString(
                self.BASEMAP_URL, tr("Basemap tile URL (optional, XYZ with {z}/{x}/{y})"), "", optional=True
            )
        )
        cutoff = QgsProcessingParameterNumber(
            self.VECTOR_TILE_CUTOFF,
            tr("Layers with more features than this go to the web map as vector tiles"),
            QgsProcessingParameterNumber.Integer,
            DEFAULT_VECTOR_TILE_CUTOFF,
            False,
            1,
        )
        cutoff.setFlags(cutoff.flags() | QgsProcessingParameterDefinition.FlagAdvanced)
        self.addParameter(cutoff)
        for key, label in (
            (self.SCENARIO, tr("Scenario parameters (KEY=value; ...)")),
            (self.DESCRIPTION_JA, tr("Description (Japanese)")),
            (self.DESCRIPTION_EN, tr("Description (English)")),
        ):
            param = QgsProcessingParameterString(key, label, "", optional=True)
            param.setFlags(param.flags() | QgsProcessingParameterDefinition.FlagAdvanced)
            self.addParameter(param)
        self.addParameter(QgsProcessingParameterFolderDestination(self.OUTPUT_FOLDER, tr("Output folder")))

    def compute(self, parameters, context, feedback, core_feedback) -> dict[str, Any]:
        profile_path = self.parameterAsFile(parameters, self.PROFILE, context) or None
        profile = load_profile(profile_path)
        layers = self.parameterAsLayerList(parameters, self.LAYERS, context)
        if not layers:
            raise QgsProcessingException(tr("LAYERS: choose at least one result layer to publish."))
        inputs: list[VectorLayer | RasterLayer] = []
        for layer in layers:
            kind = _forced_kind(layer.name())
            if kind is not None and profile.kind(kind) is None:
                raise QgsProcessingException(
                    tr(
                        "LAYERS: the layer name '{0}' asks for kind '{1}', which the profile does not have ({2})."
                    ).format(layer.name(), kind, ", ".join(profile.kinds))
                )
            if not layer.crs().isValid():
                raise QgsProcessingException(
                    tr("LAYERS: layer '{0}' has no valid CRS; set its CRS in QGIS first.").format(layer.name())
                )
            if isinstance(layer, QgsRasterLayer):
                inputs.append(RasterLayer(layer.name(), raster_file(layer, self.LAYERS), kind))
            elif isinstance(layer, QgsVectorLayer):
                geometry = GEOMETRY_NAMES.get(layer.geometryType())
                if geometry is None:
                    feedback.pushWarning(tr("Layer '{0}' has no geometry: skipped.").format(layer.name()))
                    continue
                source = QgsProcessingFeatureSource(layer, context)
                data = read_vector(source, context, None, layer.fields().names(), self.LAYERS, feedback)
                if feedback.isCanceled():
                    raise QgsProcessingException(tr("Canceled: no output was written."))
                attributes = {name: [_plain(v) for v in values] for name, values in data.attributes.items()}
                inputs.append(
                    VectorLayer(layer.name(), data.geometries, attributes, crs_wkt(layer.crs()), kind, geometry)
                )
            else:
                feedback.pushWarning(
                    tr("Layer '{0}' is neither a vector nor a raster layer: skipped.").format(layer.name())
                )

        folder = self.parameterAsString(parameters, self.OUTPUT_FOLDER, context)
        languages = LANGUAGE_CHOICES[self.parameterAsEnum(parameters, self.LANGUAGES, context)]
        description_ja = self.parameterAsString(parameters, self.DESCRIPTION_JA, context).strip()
        description_en = self.parameterAsString(parameters, self.DESCRIPTION_EN, context).strip()
        description = (
            Text(description_ja or description_en, description_en or description_ja)
            if description_ja or description_en
            else None
        )
        result = export_public(
            inputs,
            folder,
            profile=profile,
            languages=languages,
            title_ja=self.parameterAsString(parameters, self.TITLE_JA, context),
            title_en=self.parameterAsString(parameters, self.TITLE_EN, context),
            description=description,
            attribution=self.parameterAsString(parameters, self.ATTRIBUTION, context).strip(),
            license=self.parameterAsString(parameters, self.LICENSE, context).strip(),
            min_count=self.parameterAsInt(parameters, self.MIN_COUNT, context),
            overwrite=self.parameterAsBoolean(parameters, self.OVERWRITE, context),
            basemap_url=self.parameterAsString(parameters, self.BASEMAP_URL, context) or None,
            vector_tile_cutoff=self.parameterAsInt(parameters, self.VECTOR_TILE_CUTOFF, context),
            vector_tile_writer=_VectorTileWriter(context.transformContext(), feedback),
            scenario=_parse_scenario(self.parameterAsString(parameters, self.SCENARIO, context)),
            feedback=core_feedback,
        )
        for layer in result.layers:
            feedback.pushInfo(
                tr("{0} -> {1} ({2}): {3}").format(layer.source_name, layer.id, layer.kind, ", ".join(layer.files))
            )
        feedback.pushInfo(tr("Web map: {0} (serve the folder with any web server)").format(result.index_html))
        return {
            self.OUTPUT_FOLDER: str(result.folder),
            "INDEX_HTML": str(result.index_html),
            "METADATA": str(result.metadata_json),
            "SHELTERS_CSV": str(result.shelters_csv) if result.shelters_csv else None,
            "LAYERS_EXPORTED": len(result.layers),
            "LAYERS_SKIPPED": len(result.skipped),
        }
