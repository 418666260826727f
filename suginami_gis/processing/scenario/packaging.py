"""The scenario folder: scenario.gpkg (results, comparison, inputs, styles), comparison.csv, scenario.qgz, the report."""

from __future__ import annotations

import contextlib
import csv
import sqlite3
import zipfile
from pathlib import Path
from typing import Any, NamedTuple

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransformContext,
    QgsFeature,
    QgsFeatureRequest,
    QgsFields,
    QgsGeometry,
    QgsLayerTreeGroup,
    QgsProcessingAlgorithm,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingUtils,
    QgsProject,
    QgsRasterLayer,
    QgsRectangle,
    QgsReferencedRectangle,
    QgsVectorFileWriter,
    QgsVectorLayer,
    QgsWkbTypes,
)
from qgis.PyQt.QtGui import QFont, QFontDatabase

from ...core.atomic import atomic_output
from ...core.comparison import RUNS, comparison_columns
from ..base import SuginamiAlgorithm
from ..conversions import apply_field_aliases, is_set, make_fields
from ..i18n import tr, tr_noop
from ..render import combined_extent
from .layouts import add_layouts

PROJECT_NAME = "scenario.qgz"
CSV_NAME = "comparison.csv"


class Layer(NamedTuple):
    """A layer of scenario.gpkg: its name (per run: after "<run>_"), QML style, label in the project."""

    name: str
    style: str | None
    label: str
    scope: str  # "run": one per run; "shared": one for both runs; or the input parameter it copies
    public: bool = False  # published by suginami:publicexport (per-home origins and routes stay private)


LAYERS: tuple[Layer, ...] = (
    Layer("buildings", "building_damage", tr_noop("Buildings: collapse and burn probability"), "run", True),
    Layer("damage_districts", "district_damage", tr_noop("District damage"), "run", True),
    Layer("fire_districts", "fire_districts", tr_noop("District fire"), "run"),
    Layer("road_blockage", "road_blockage", tr_noop("Road blockage"), "run", True),
    Layer("routes", "evacuation_routes", tr_noop("Evacuation routes"), "run"),
    Layer("evacuation_origins", "evacuation_origins", tr_noop("Evacuation origins"), "run"),
    Layer("evacuation_shelters", "evacuation_shelters", tr_noop("Shelters: assigned population"), "run", True),
    Layer("evacuation_districts", "evacuation_districts", tr_noop("District reachability"), "run"),
    Layer("shelter_access", "shelter_access", tr_noop("Shelter service areas"), "run", True),
    Layer("damage_summary", None, tr_noop("Ward damage summary"), "run"),
    Layer("fire_summary", None, tr_noop("Ward fire summary"), "run"),
    Layer("wifi_coverage", "wifi_coverage", tr_noop("Wi-Fi coverage"), "shared", True),
    Layer("wifi_site_stats", "wifi_site_stats", tr_noop("Wi-Fi per shelter site"), "shared", True),
    Layer("input_districts", None, tr_noop("Districts"), "DISTRICTS"),
    Layer("input_shelters", None, tr_noop("Shelters"), "SHELTERS"),
    Layer("input_shelter_sites", None, tr_noop("Shelter sites"), "SHELTER_SITES"),
    Layer("input_access_points", None, tr_noop("Wi-Fi access points"), "ACCESS_POINTS"),
    Layer("input_roads", None, tr_noop("Streets"), "ROADS"),
    Layer("input_fireproof_areas", None, tr_noop("Fire-proofing areas"), "FIREPROOF_AREAS"),
)
RUN_LAYERS = tuple(layer for layer in LAYERS if layer.scope == "run")
SHARED_LAYERS = tuple(layer for layer in LAYERS if layer.scope == "shared")
INPUT_LAYERS = tuple(layer for layer in LAYERS if layer.scope not in ("run", "shared"))


def table_uri(gpkg: Path, name: str) -> str:
    """A GeoPackage table as a Processing output destination."""
    return f"ogr:dbname='{gpkg}' table=\"{name}\" (geom)"


def layer_uri(gpkg: Path, name: str) -> str:
    """A GeoPackage table as a Processing input layer."""
    return f"{gpkg}|layername={name}"


def export_layers(run: str, gpkg: Path, folder: Path, intensity: str) -> list[Any]:
    """The layers of one run that suginami:publicexport publishes."""
    names = [f"{run}_{layer.name}" for layer in RUN_LAYERS if layer.public]
    names += [layer.name for layer in SHARED_LAYERS if layer.public]
    # A step that was skipped (Wi-Fi without ACCESS_POINTS) left no layer to publish.
    layers: list[Any] = [
        layer for layer in (QgsVectorLayer(layer_uri(gpkg, name), name, "ogr") for name in names) if layer.isValid()
    ]
    layers.append(QgsRasterLayer(str(intensity), "intensity"))
    layers.append(QgsRasterLayer(str(folder / f"{run}_burn_probability.tif"), "burn_probability"))
    return layers


def _writer(gpkg: Path, name: str, fields: QgsFields, wkb_type: Any, crs: Any, context: QgsProcessingContext) -> Any:
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    options.layerName = name
    # A new layer in an existing GeoPackage; the first layer creates the file.
    exists = gpkg.exists()
    options.actionOnExistingFile = (
        QgsVectorFileWriter.CreateOrOverwriteLayer if exists else QgsVectorFileWriter.CreateOrOverwriteFile
    )
    writer = QgsVectorFileWriter.create(str(gpkg), fields, wkb_type, crs, context.transformContext(), options)
    if writer is None or writer.hasError():
        raise QgsProcessingException(tr("Cannot write {0}: {1}").format(name, writer.errorMessage() if writer else ""))
    return writer


def _write_table(gpkg: Path, name: str, fields: QgsFields, wkb_type, crs, rows, context) -> None:
    writer = _writer(gpkg, name, fields, wkb_type, crs, context)
    for values, geometry in rows:
        feature = QgsFeature(fields)
        if geometry is not None:
            feature.setGeometry(geometry)
        feature.setAttributes([values[fields.at(i).name()] for i in range(fields.count())])
        writer.addFeature(feature)
    del writer


def write_comparison(context: QgsProcessingContext, gpkg: Path, rows: list[dict[str, Any]], districts_uri: str) -> None:
    """Tables comparison (districts, with the damage districts' geometries) and comparison_ward."""
    districts = QgsProcessingUtils.mapLayerFromString(districts_uri, context)
    geometries = {}
    if isinstance(districts, QgsVectorLayer):
        for feature in districts.getFeatures():
            geometries[str(feature["district"])] = feature.geometry()
    fields = make_fields(comparison_columns())
    crs = districts.crs() if isinstance(districts, QgsVectorLayer) else QgsCoordinateReferenceSystem()
    district_rows = [(r, geometries.get(r["district"])) for r in rows[:-1]]
    _write_table(gpkg, "comparison", fields, QgsWkbTypes.MultiPolygon, crs, district_rows, context)
    _write_table(gpkg, "comparison_ward", fields, QgsWkbTypes.NoGeometry, crs, [(rows[-1], None)], context)


def write_ward_district(gpkg: Path, ward: Any, crs: QgsCoordinateReferenceSystem) -> str:
    """The ward-wide district (settings.WardDistrict) as layer input_districts; returns its uri."""
    fields = make_fields([("name_ja", str), ("name_en", str)])
    geometry = QgsGeometry.fromWkt(ward.wkt)
    geometry.convertToMultiType()
    row = ({"name_ja": ward.name_ja, "name_en": ward.name_en}, geometry)
    _write_table(gpkg, "input_districts", fields, QgsWkbTypes.MultiPolygon, crs, [row], QgsProcessingContext())
    return layer_uri(gpkg, "input_districts")


def write_csv(path: Path, rows: list[dict[str, Any]]) -> None:
    """comparison.csv (UTF-8 with BOM, for spreadsheet programs), numbers rounded to 4 decimals."""
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in rows:
            writer.writerow(
                {k: ("" if v is None else round(v, 4) if isinstance(v, float) else v) for k, v in row.items()}
            )


def copy_inputs(
    alg: QgsProcessingAlgorithm, parameters: dict[str, Any], context: QgsProcessingContext, gpkg: Path
) -> None:
    """The given input layers into the GeoPackage, so the folder is complete on its own."""
    for name, _, _, key, _ in INPUT_LAYERS:
        source = alg.parameterAsSource(parameters, key, context) if is_set(parameters, key) else None
        if source is None:
            continue
        writer = _writer(gpkg, name, source.fields(), source.wkbType(), source.sourceCrs(), context)
        for feature in source.getFeatures(QgsFeatureRequest()):
            writer.addFeature(feature)
        del writer


def styles() -> dict[str, str]:
    """GeoPackage layer name -> QML style name."""
    out = {f"{run}_{layer.name}": layer.style for run in RUNS for layer in RUN_LAYERS if layer.style}
    out.update({layer.name: layer.style for layer in SHARED_LAYERS if layer.style})
    out["comparison"] = "comparison"
    return out


def missing_default_font() -> str | None:
    """The default font family when it is not installed, else None.

    Headless (Qt's offscreen platform) the default family is a name no system has; a label style
    written then names it, and every desktop opening the result warns about a missing font.
    Without a family, QGIS uses the desktop's own default font.
    """
    family = QFont().family()
    return None if family in QFontDatabase().families() else family


def _without_font(text: str, family: str | None) -> str:
    return text.replace(f' fontFamily="{family}"', "") if family else text


def store_styles(gpkg: Path, layers: dict[str, QgsVectorLayer] | None = None) -> int:
    """Load each layer's QML and store it in the GeoPackage as its default style; the styled layers go into
    ``layers`` (for write_project, which then need not open and style them again)."""
    stored = 0
    options = QgsVectorLayer.LayerOptions(QgsCoordinateTransformContext())
    options.loadDefaultStyle = False  # the QML is loaded next: the GeoPackage's own would be replaced
    for name, style in styles().items():
        layer = QgsVectorLayer(layer_uri(gpkg, name), name, "ogr", options)
        qml = SuginamiAlgorithm.style_path(style)
        if not layer.isValid() or not qml.exists():
            continue
        message, ok = layer.loadNamedStyle(str(qml))
        if not ok:
            raise QgsProcessingException(tr("Style {0} could not be loaded: {1}").format(qml.name, message))
        error = layer.saveStyleToDatabase(style, tr("suginami_gis style {0}").format(style), True, "")
        if error:
            raise QgsProcessingException(tr("Style of {0} could not be stored: {1}").format(name, error))
        stored += 1
        if layers is not None:
            layers[name] = layer
    family = missing_default_font()
    if family:
        with contextlib.closing(sqlite3.connect(gpkg)) as db, db:
            db.execute("UPDATE layer_styles SET styleQML = replace(styleQML, ?, '')", (f' fontFamily="{family}"',))
    return stored


class _ProjectBuilder:
    """Adds the GeoPackage's layers and the rasters of the folder to a project's layer tree."""

    def __init__(
        self, project: QgsProject, folder: Path, gpkg: Path, styled: dict[str, QgsVectorLayer] | None = None
    ) -> None:
        self.project, self.folder, self.gpkg = project, folder, gpkg
        self.layers: dict[str, Any] = {}  # GeoPackage table or raster file name -> layer (for the layouts)
        self.styled = dict(styled or {})  # table -> its layer as store_styles styled it

    def vector(
        self, group: QgsLayerTreeGroup, name: str, title: str, visible: bool = True, opacity: float = 1.0
    ) -> None:
        """A GeoPackage layer with its field aliases (kept in the project: GeoPackages do not store them)."""
        layer = self.styled.pop(name, None)
        if layer is not None:
            layer.setName(title)
        else:
            layer = QgsVectorLayer(layer_uri(self.gpkg, name), title, "ogr")
        if layer.isValid():
            apply_field_aliases(layer)
            layer.setOpacity(opacity)
            self.project.addMapLayer(layer, False)
            self.layers[name] = layer
            node = group.addLayer(layer)
            node.setItemVisibilityChecked(visible)
            node.setExpanded(False)

    def raster(self, group: QgsLayerTreeGroup, name: str, title: str, visible: bool = False) -> None:
        path = self.folder / name
        if path.exists():
            layer = QgsRasterLayer(str(path), title)
            if layer.isValid():
                self.project.addMapLayer(layer, False)
                self.layers[name] = layer
                group.addLayer(layer).setItemVisibilityChecked(visible)


def _ward_extent(gpkg: Path, crs: QgsCoordinateReferenceSystem) -> QgsRectangle | None:
    """The districts' extent (else the buildings'), 3 % larger, in ``crs``."""
    for name in ("comparison", "baseline_buildings"):
        layer = QgsVectorLayer(layer_uri(gpkg, name), name, "ogr")
        if layer.isValid() and not layer.extent().isEmpty():
            extent = combined_extent([layer], crs)
            return extent.buffered(max(extent.width(), extent.height()) * 0.03)
    return None


def write_project(
    folder: Path,
    gpkg: Path,
    crs: QgsCoordinateReferenceSystem,
    attribution: str = "",
    styled: dict[str, QgsVectorLayer] | None = None,
) -> None:
    """scenario.qgz: groups Comparison, Mitigated, Baseline, Inputs (top to bottom), relative paths.

    Names are in the language QGIS runs in (tr()); a print layout per map page of the report
    (scenario/layouts.py) carries ``attribution`` at its foot. ``styled``: layers store_styles styled
    (the others are opened with the style stored in the GeoPackage).
    """
    project = QgsProject()
    project.setCrs(crs)
    project.setTitle(tr("Earthquake scenario: current state and mitigation"))
    root = project.layerTreeRoot()
    add = _ProjectBuilder(project, folder, gpkg, styled)
    comparison = root.addGroup(tr("Comparison"))
    # See-through, so the buildings of the mitigated run show beneath the reduction by district.
    add.vector(comparison, "comparison", tr("Reduction by district (mitigated versus current)"), opacity=0.4)
    add.vector(comparison, "comparison_ward", tr("Ward totals before and after"))
    for run, title in (("mitigated", tr("Mitigated")), ("baseline", tr("Baseline"))):
        group = root.addGroup(title)
        for layer in RUN_LAYERS:
            add.vector(
                group, f"{run}_{layer.name}", tr(layer.label), visible=layer.name in ("buildings", "road_blockage")
            )
        add.raster(group, f"{run}_burn_probability.tif", tr("Burn probability"))
        group.setItemVisibilityChecked(run == "mitigated")
        group.setExpanded(False)
    inputs = root.addGroup(tr("Inputs"))
    # Off at first: its colours would mix with the buildings' collapse probabilities above it.
    add.raster(inputs, "intensity.tif", tr("JMA intensity (median and realizations)"))
    add.raster(inputs, "pgv.tif", tr("Peak ground velocity (cm/s)"))
    add.raster(inputs, "wifi_rssi.tif", tr("Wi-Fi received power (dBm)"))
    for layer in (*SHARED_LAYERS, *INPUT_LAYERS):
        add.vector(inputs, layer.name, tr(layer.label), visible=False)
    extent = _ward_extent(gpkg, crs)
    if extent is not None:
        # The view the project opens on (without it QGIS opens on an empty canvas at 1:1).
        project.viewSettings().setDefaultViewExtent(QgsReferencedRectangle(extent, crs))
    add_layouts(project, add.layers, extent, crs, attribution)
    if not project.write(str(folder / PROJECT_NAME)):
        raise QgsProcessingException(tr("The project file could not be written: {0}").format(project.error()))
    project.clear()
    _drop_missing_font(folder / PROJECT_NAME)


def _drop_missing_font(qgz: Path) -> None:
    """Remove the missing default font family (see missing_default_font) from the project's label styles."""
    family = missing_default_font()
    if not family:
        return
    with zipfile.ZipFile(qgz) as archive:
        members = [(info, archive.read(info)) for info in archive.infolist()]
    with atomic_output(qgz) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in members:
            if info.filename.endswith(".qgs"):
                data = _without_font(data.decode("utf-8"), family).encode("utf-8")
            archive.writestr(info, data)
