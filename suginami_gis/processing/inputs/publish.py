"""Public-export inputs: result layers as the core's layers, and page texts.

Used by suginami:publicexport.
"""

from __future__ import annotations

import re
from typing import Any

from qgis.core import (
    QgsMapLayer,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeatureSource,
    QgsProcessingParameterDefinition,
    QgsRasterLayer,
    QgsVectorLayer,
    QgsWkbTypes,
)

from ...core.publish.export import RasterLayer, VectorLayer
from ...core.publish.profile import Profile, Text
from ...core.publish.webmap import BASEMAP_CHOICES
from ..conversions import crs_wkt, is_null, raster_file, read_vector
from ..i18n import tr
from .common import choice, text

# LANGUAGES choices (index -> languages); the first language is the page's default.
LANGUAGE_CHOICES = (("ja", "en"), ("ja",), ("en",))
# The web map's basemap (suginami:publicexport and suginami:scenario): BASEMAP is an index into
# BASEMAP_CHOICES (none, gsi_std, gsi_pale, url); BASEMAP_URL is the XYZ template of "url".
BASEMAP = "BASEMAP"
BASEMAP_URL = "BASEMAP_URL"


def basemap_parameters() -> tuple[Any, Any]:
    """BASEMAP (none = the offline basemap the export builds from the data) and BASEMAP_URL.

    BASEMAP is optional (left out: none), so graphical models and scripts saved before it existed
    still run.
    """
    basemap = choice(
        BASEMAP,
        tr("Basemap of the web map"),
        [
            tr("None (offline: ward, districts, roads and relief centres from the data)"),
            tr("GSI standard map (地理院タイル, online)"),
            tr("GSI pale map (地理院タイル, online)"),
            tr("Tile URL (BASEMAP_URL)"),
        ],
    )
    basemap.setFlags(basemap.flags() | QgsProcessingParameterDefinition.FlagOptional)
    return (basemap, text(BASEMAP_URL, tr("Basemap tile URL (optional, XYZ with {z}/{x}/{y})"), optional=True))


def basemap_choice(index: int) -> str:
    """The core's name of a BASEMAP index."""
    return BASEMAP_CHOICES[index]


# No ward is assumed: the data may be any municipality's (suginami:scenario names it in its titles).
DEFAULT_TITLE_JA = "地震被害想定マップ"
DEFAULT_TITLE_EN = "Earthquake scenario map"
# A layer name ending in "[kind]" forces that layer kind (docs/publicexport.md).
KIND_SUFFIX = re.compile(r"\[([a-z][a-z0-9_]*)\]\s*$")
GEOMETRY_NAMES = {
    QgsWkbTypes.PointGeometry: "point",
    QgsWkbTypes.LineGeometry: "line",
    QgsWkbTypes.PolygonGeometry: "polygon",
}


def plain_value(value: Any) -> Any:
    """A QGIS attribute value as a plain Python value (NULL -> None, dates -> ISO text)."""
    if is_null(value):
        return None
    if hasattr(value, "toString") and hasattr(value, "isValid"):  # QDate, QDateTime, QTime
        from qgis.PyQt.QtCore import Qt

        return value.toString(Qt.ISODate)
    return value


def forced_kind(name: str) -> str | None:
    """The kind a layer name asks for with a trailing "[kind]", or None."""
    match = KIND_SUFFIX.search(name or "")
    return match.group(1) if match else None


def parse_scenario(text: str) -> dict[str, Any]:
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


def parse_kinds(text: str, profile: Profile, layers: list[QgsMapLayer]) -> dict[str, str]:
    """KIND 'relief centres=shelters; homes=evacuation_origins' -> {layer name: kind}, checked."""
    names = {layer.name() for layer in layers}
    out: dict[str, str] = {}
    for item in re.split(r"[;\n]", text or ""):
        if not item.strip():
            continue
        if "=" not in item:
            raise QgsProcessingException(
                tr("KIND: write layer name=kind pairs separated by ';', e.g. relief centres=shelters.")
            )
        name, kind = (part.strip() for part in item.rsplit("=", 1))
        if profile.kind(kind) is None:
            raise QgsProcessingException(
                tr("KIND: '{0}' is not a layer kind of the profile ({1}).").format(kind, ", ".join(profile.kinds))
            )
        if name not in names:
            raise QgsProcessingException(tr("KIND: no layer named '{0}' is in LAYERS.").format(name))
        out[name] = kind
    return out


def parse_building_level(text: str) -> list[str]:
    """BUILDING_LEVEL 'damage_buildings, fire' -> ['damage_buildings', 'fire'] (checked by the core)."""
    return [part.strip() for part in re.split(r"[,;\s]+", text or "") if part.strip()]


def bilingual_text(ja: str, en: str) -> Text | None:
    """A text given in one or both languages (the other falls back to it); None when neither is."""
    ja, en = ja.strip(), en.strip()
    return Text(ja or en, en or ja) if ja or en else None


def read_layers(
    layers: list[QgsMapLayer],
    profile: Profile,
    key: str,
    context: QgsProcessingContext,
    feedback: Any,
    kinds: dict[str, str] | None = None,
) -> list[VectorLayer | RasterLayer]:
    """The layers to publish as the core's layers; layers without geometry or of other types are skipped.

    ``kinds``: layer kinds declared by the KIND parameter (by layer name); else a "[kind]" name suffix.
    """
    if not layers:
        raise QgsProcessingException(tr("LAYERS: choose at least one result layer to publish."))
    inputs: list[VectorLayer | RasterLayer] = []
    for layer in layers:
        kind = (kinds or {}).get(layer.name()) or forced_kind(layer.name())
        if kind is not None and profile.kind(kind) is None:
            raise QgsProcessingException(
                tr("LAYERS: the layer name '{0}' asks for kind '{1}', which the profile does not have ({2}).").format(
                    layer.name(), kind, ", ".join(profile.kinds)
                )
            )
        if not layer.crs().isValid():
            raise QgsProcessingException(
                tr("LAYERS: layer '{0}' has no valid CRS; set its CRS in QGIS first.").format(layer.name())
            )
        if isinstance(layer, QgsRasterLayer):
            inputs.append(RasterLayer(layer.name(), raster_file(layer, key), kind))
        elif isinstance(layer, QgsVectorLayer):
            vector = _vector_layer(layer, kind, key, context, feedback)
            if vector is not None:
                inputs.append(vector)
        else:
            feedback.pushWarning(
                tr("Layer '{0}' is neither a vector nor a raster layer: skipped.").format(layer.name())
            )
    return inputs


def _vector_layer(
    layer: QgsVectorLayer, kind: str | None, key: str, context: QgsProcessingContext, feedback: Any
) -> VectorLayer | None:
    """Every feature and attribute of a vector layer as plain values; None (and a warning) without geometry."""
    geometry = GEOMETRY_NAMES.get(layer.geometryType())
    if geometry is None:
        feedback.pushWarning(tr("Layer '{0}' has no geometry: skipped.").format(layer.name()))
        return None
    source = QgsProcessingFeatureSource(layer, context)
    data = read_vector(source, context, None, layer.fields().names(), key, feedback)
    if feedback.isCanceled():
        raise QgsProcessingException(tr("Canceled: no output was written."))
    attributes = {name: [plain_value(v) for v in values] for name, values in data.attributes.items()}
    return VectorLayer(layer.name(), data.geometries, attributes, crs_wkt(layer.crs()), kind, geometry)
