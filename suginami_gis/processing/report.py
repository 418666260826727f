"""The scenario report: report.pdf from a QGIS print layout and the same content as report.html.

``write_report`` is called by ``suginami:scenario`` at its end. Its inputs:

- ``gpkg_path``: the scenario GeoPackage with layers ``baseline_<x>`` / ``mitigated_<x>`` for
  x in ``buildings`` (fields ``p_collapse`` and ``p_burn``), ``road_blockage`` (``p_block``),
  ``routes`` (``p_passable``) and ``wifi_coverage``, and ``comparison`` (district polygons
  with the before/after/change fields). Styles stored in the GeoPackage are used where they
  exist, else the plugin's QML styles; the building maps always use the collapse and burn
  styles, since one layer carries both probabilities.
- ``comparison``: one dict per district (``name_ja``, ``name_en``) plus the ward-wide row,
  with ``<metric>_before``, ``_after``, ``_change`` and ``_change_pct`` for the metrics of
  METRICS. The ward-wide row has ``scope == "ward"`` (or ``name_en`` "Ward"/"Ward total");
  without one, the ward totals are the sums of the district rows.
- ``parameters``: the scenario (magnitude, depth, hour, wind, targets, realizations, seed,
  sources, licence, ...), shown as given; ``intensity_raster`` is the path of the JMA
  intensity GeoTIFF for the intensity map.

Numbers are printed with one decimal and a thousands separator (``1,234.5``), relative
changes as ``-82.0 %``; a missing value (e.g. a change relative to zero) as an en dash.
"""

from __future__ import annotations

import contextlib
import html
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFillSymbol,
    QgsGraduatedSymbolRenderer,
    QgsLayerTree,
    QgsLayoutExporter,
    QgsLayoutFrame,
    QgsLayoutItemLabel,
    QgsLayoutItemLegend,
    QgsLayoutItemMap,
    QgsLayoutItemPage,
    QgsLayoutItemPicture,
    QgsLayoutItemScaleBar,
    QgsLayoutItemTextTable,
    QgsLayoutMultiFrame,
    QgsLayoutPoint,
    QgsLayoutRenderContext,
    QgsLayoutSize,
    QgsLayoutTableColumn,
    QgsLegendStyle,
    QgsMapLayer,
    QgsPalLayerSettings,
    QgsPrintLayout,
    QgsProject,
    QgsRasterLayer,
    QgsRectangle,
    QgsRenderContext,
    QgsRendererRange,
    QgsSingleSymbolRenderer,
    QgsTextFormat,
    QgsUnitTypes,
    QgsVectorLayer,
    QgsVectorLayerSimpleLabeling,
)
from qgis.PyQt.QtCore import QSize, QSizeF, Qt
from qgis.PyQt.QtGui import QColor, QFont, QFontDatabase, QImage

from ..core.atomic import atomic_folder, atomic_output
from ..core.charts import JAPANESE_FONTS, district_label, draw_charts, format_number, format_percent
from ..core.feedback import Canceled
from .i18n import tr
from .render import BackgroundRenders, RouteSegments, combined_extent, drawn_once, load_styled_layer
from .report_classes import single_class_note
from .scenario.comparison import LABELS as METRICS

# Bilingual labels of the scenario parameters the scenario algorithm passes; others are shown as named.
PARAMETER_LABELS: dict[str, tuple[str, str]] = {
    "magnitude": ("Moment magnitude Mw", "モーメントマグニチュード"),
    "depth": ("Depth (km)", "震源深さ (km)"),
    "epicenter": ("Epicentre", "震央"),
    "fault_type": ("Fault type", "断層タイプ"),
    "season": ("Season", "季節"),
    "hour": ("Hour", "時刻"),
    "scenario_hour": ("Hour", "時刻"),
    "extent": ("Ground-motion extent", "地震動の計算範囲"),
    "pixel_size": ("Ground-motion pixel size (m)", "地震動のメッシュサイズ (m)"),
    "wind": ("Wind", "風"),
    "wind_speed": ("Wind speed (m/s)", "風速 (m/s)"),
    "wind_direction": ("Wind from (degrees)", "風向 (度)"),
    "targets": ("Mitigation targets", "対策目標"),
    "retrofit_target_rate": ("Seismic retrofit target", "耐震化率目標"),
    "fireproof_target_rate": ("Fire-proofing target", "不燃化率目標"),
    "seismic_breaker_rate": ("Seismic circuit breakers (share)", "感震ブレーカー設置率"),
    "initial_extinguishment": ("Initial extinguishment", "初期消火率"),
    "mitigated_seismic_breaker_rate": ("Seismic circuit breakers (mitigated)", "感震ブレーカー設置率（対策後）"),
    "mitigated_initial_extinguishment": ("Initial extinguishment (mitigated)", "初期消火率（対策後）"),
    "fireproof_areas": ("Fire-proofing areas", "不燃化の区域"),
    "fireproof_open_space_field": ("Open-space ratio field", "空地率のフィールド"),
    "realizations": ("Realizations", "試行回数"),
    "seed": ("Random seed", "乱数シード"),
    "districts": ("Districts", "地区"),
    "wifi": ("Shelter Wi-Fi", "避難所Wi-Fi"),
    "occupants": ("People per building", "建物あたりの人数"),
}
# Coded values printed by name (the options of the scenario's enumerations).
PARAMETER_VALUES: dict[str, dict[str, str]] = {
    "fault_type": {"0": "Crustal 地殻内地震", "1": "Interplate プレート境界地震", "2": "Intraslab スラブ内地震"},
    "season": {"winter": "Winter 冬", "0": "Winter 冬"},
}
# Not printed as parameters: shown elsewhere or internal paths.
HIDDEN_PARAMETERS = {"sources", "licence", "license", "intensity_raster", "title", "title_ja", "municipality"}

PAGE_WIDTH, PAGE_HEIGHT, MARGIN = 297.0, 210.0, 12.0
PDF_DPI = 200  # report.pdf's resolution, and the map pictures' (see ReportBuilder.map_item)


def is_ward_row(row: dict[str, Any]) -> bool:
    if str(row.get("scope", "")).lower() == "ward":
        return True
    return str(row.get("name_en", "")).strip().lower() in ("ward", "ward total", "whole ward")


def split_rows(comparison: Sequence[dict[str, Any]]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """(district rows, ward row); the ward row is summed from the districts when none is marked."""
    districts = [row for row in comparison if not is_ward_row(row)]
    wards = [row for row in comparison if is_ward_row(row)]
    if wards:
        return districts, wards[0]
    ward: dict[str, Any] = {"name_en": "Ward total", "name_ja": "区全体", "scope": "ward"}
    for key, _, _ in METRICS:
        before = sum(float(r.get(f"{key}_before") or 0.0) for r in districts)
        after = sum(float(r.get(f"{key}_after") or 0.0) for r in districts)
        ward[f"{key}_before"], ward[f"{key}_after"] = before, after
        ward[f"{key}_change"] = after - before
        ward[f"{key}_change_pct"] = 100.0 * (after - before) / before if before else None
    return districts, ward


# --- fonts and small layout helpers -----------------------------------------------------------
def report_font_family() -> str:
    """A family with Japanese glyphs when one is installed (Debian: fonts-ipafont-gothic)."""
    available = set(QFontDatabase().families())
    for family in JAPANESE_FONTS:
        if family in available:
            return family
    return QFont().family()


def report_font(size: float, bold: bool = False) -> QFont:
    font = QFont(report_font_family())
    font.setPointSizeF(size)
    font.setBold(bold)
    return font


def metre_scale_bar(layout: Any, item: Any, extent_width: float) -> QgsLayoutItemScaleBar:
    """The report's scale bar (also the project's print layouts): two segments of 250 or 500 m, 7 pt text."""
    scale_bar = QgsLayoutItemScaleBar(layout)
    scale_bar.setStyle("Single Box")
    scale_bar.setLinkedMap(item)
    scale_bar.applyDefaultSize()
    scale_bar.setUnits(QgsUnitTypes.DistanceMeters)
    scale_bar.setNumberOfSegments(2)
    scale_bar.setNumberOfSegmentsLeft(0)
    scale_bar.setUnitsPerSegment(500 if extent_width > 2500 else 250)
    scale_bar.setUnitLabel("m")
    scale_bar.setTextFormat(_text_format(7))
    return scale_bar


def style_legend(legend: QgsLayoutItemLegend, columns: int) -> None:
    """The report's legend look (also the project's print layouts): columns, split layers, its fonts."""
    legend.setColumnCount(columns)
    legend.setSplitLayer(True)
    for style, size, bold in (
        (QgsLegendStyle.Title, 9, True),
        (QgsLegendStyle.Group, 8, True),
        (QgsLegendStyle.Subgroup, 8, True),
        (QgsLegendStyle.SymbolLabel, 7.5, False),
    ):
        legend.rstyle(style).setFont(report_font(size, bold))


def _text_format(size: float, bold: bool = False) -> QgsTextFormat:
    text_format = QgsTextFormat()
    text_format.setFont(report_font(size, bold))
    text_format.setSize(size)
    text_format.setSizeUnit(QgsUnitTypes.RenderPoints)
    return text_format


def _place(item: Any, page: int, x: float, y: float, width: float, height: float) -> None:
    item.attemptResize(QgsLayoutSize(width, height, QgsUnitTypes.LayoutMillimeters))
    item.attemptMove(QgsLayoutPoint(x, y, QgsUnitTypes.LayoutMillimeters), True, False, page)


@dataclass
class MapSpec:
    """A map of the report: which layers (top first), titled in both languages."""

    key: str
    title_en: str
    title_ja: str
    panels: list[tuple[str, str, list[QgsMapLayer]]]  # (caption en, caption ja, layers)
    legend_layers: list[QgsMapLayer]
    note: str = ""


# The two runs of the scenario with their captions (English, Japanese), in map-panel order.
RUN_CAPTIONS: dict[str, tuple[str, str]] = {
    "baseline": ("Before (current state)", "対策前（現状）"),
    "mitigated": ("After mitigation", "対策後"),
}


def _one_panel(
    key: str, title: tuple[str, str], caption: tuple[str, str], layer: QgsMapLayer | None, extra: list[QgsMapLayer]
) -> MapSpec:
    """A map of one layer (over ``extra`` layers such as the district outlines)."""
    layers = [layer] if layer is not None else []
    return MapSpec(key, *title, [(*caption, [*extra, *layers] if layers else [])], layers)


def _before_after(
    key: str, title: tuple[str, str], layers: dict[str, list[QgsMapLayer | None]], extra: list[QgsMapLayer]
) -> MapSpec:
    """Two panels, before and after; the legend from the first run that has layers."""
    panels, legend = [], []
    for state, caption in RUN_CAPTIONS.items():
        present = [layer for layer in layers[state] if layer is not None]
        panels.append((*caption, [*extra, *present] if present else []))
        legend = legend or present
    return MapSpec(key, *title, panels, legend)


class ReportBuilder:
    def __init__(self, gpkg_path: Path, comparison: Sequence[dict[str, Any]], parameters: dict[str, Any]) -> None:
        self.gpkg_path = Path(gpkg_path)
        self.parameters = dict(parameters)
        self.districts, self.ward = split_rows(comparison)
        self.project = QgsProject()
        self.layout = QgsPrintLayout(self.project)
        self.layout.initializeDefaults()
        self.layout.setName("Scenario report")
        self.layout.pageCollection().clear()
        self.layer_names = self._gpkg_layer_names()
        self.page_titles: list[str] = []
        # Legends keep a pointer to their layer tree: keep the trees alive with the layout.
        self._legend_roots: list[QgsLayerTree] = []
        # Layers drawn over the map pictures as vectors (the district outlines); see map_item.
        self._overlay_ids: set[str] = set()
        self.route_segments: RouteSegments | None = None
        self.renders: BackgroundRenders | None = None  # set by write_report: the map pictures' render jobs

    # --- layers ---------------------------------------------------------------------------
    def _gpkg_layer_names(self) -> list[str]:
        from osgeo import ogr

        source = ogr.Open(str(self.gpkg_path))
        if source is None:
            raise ValueError(tr("Cannot open the scenario GeoPackage {0}.").format(self.gpkg_path))
        return [source.GetLayer(i).GetName() for i in range(source.GetLayerCount())]

    def layer(self, name: str, display: str, style: str | None = None) -> QgsVectorLayer | None:
        """A GeoPackage layer, its stored style or else ``style``; None when the layer is absent."""
        if name not in self.layer_names:
            return None
        layer = load_styled_layer(f"{self.gpkg_path}|layername={name}", display)
        assert isinstance(layer, QgsVectorLayer)
        stored = layer.listStylesInDatabase()[0] > 0
        if style and (not stored or style in ("building_damage", "fire_buildings")):
            layer = load_styled_layer(f"{self.gpkg_path}|layername={name}", display, style)
        self.project.addMapLayer(layer, False)
        return layer  # type: ignore[return-value]

    def district_outlines(self) -> QgsVectorLayer | None:
        if "comparison" not in self.layer_names:
            return None
        # Outlines only: not the comparison layer's stored style (fills and labels).
        options = QgsVectorLayer.LayerOptions()
        options.loadDefaultStyle = False
        layer = QgsVectorLayer(f"{self.gpkg_path}|layername=comparison", "Districts 地区", "ogr", options)
        layer.setLabelsEnabled(False)
        symbol = QgsFillSymbol.createSimple(
            {"color": "0,0,0,0", "outline_color": "60,60,60,255", "outline_width": "0.35", "outline_style": "dash"}
        )
        layer.setRenderer(QgsSingleSymbolRenderer(symbol))
        self.project.addMapLayer(layer, False)
        self._overlay_ids.add(layer.id())
        return layer

    def reduction_layer(self) -> QgsVectorLayer | None:
        layer = self.layer("comparison", "Change in collapsed buildings (%) 全壊棟数の増減率")
        if layer is None:
            return None
        if layer.listStylesInDatabase()[0] > 0:
            return layer  # the scenario's stored style, with its labels
        if "collapsed_change_pct" in layer.fields().names():
            layer.setRenderer(reduction_renderer("collapsed_change_pct"))
        field = "name_en" if "name_en" in layer.fields().names() else None
        if field:
            settings = QgsPalLayerSettings()
            settings.fieldName = field
            settings.setFormat(_text_format(8))
            layer.setLabeling(QgsVectorLayerSimpleLabeling(settings))
            layer.setLabelsEnabled(True)
        return layer

    def intensity_layer(self) -> QgsRasterLayer | None:
        path = self.parameters.get("intensity_raster")
        if not path or not Path(str(path)).exists():
            return None
        layer = load_styled_layer(str(path), "JMA seismic intensity 計測震度", "jma_intensity")
        self.project.addMapLayer(layer, False)
        return layer  # type: ignore[return-value]

    def map_specs(self) -> list[MapSpec]:
        outlines = self.district_outlines()
        extra = [outlines] if outlines is not None else []
        specs = [
            _one_panel(
                "intensity",
                ("Seismic intensity (JMA)", "震度分布"),
                ("Median JMA instrumental intensity", "計測震度（中央値）"),
                self.intensity_layer(),
                extra,
            )
        ]
        for key, field_style, title_en, title_ja in (
            ("collapse", "building_damage", "Collapse probability", "建物全壊確率"),
            ("burn", "fire_buildings", "Burn probability", "焼失確率"),
        ):
            layers = {
                state: [self.layer(f"{state}_buildings", f"{title_en} {title_ja}", field_style)]
                for state in RUN_CAPTIONS
            }
            specs.append(_before_after(key, (title_en, title_ja), layers, extra))
        streets = {state: self.street_layers(state) for state in RUN_CAPTIONS}
        specs.append(
            _before_after("streets", ("Blocked streets and evacuation routes", "道路閉塞と避難経路"), streets, extra)
        )
        wifi = None
        for name in ("baseline_wifi_coverage", "wifi_coverage", "mitigated_wifi_coverage"):
            wifi = self.layer(name, "Shelter Wi-Fi coverage 避難所Wi-Fiカバレッジ", "wifi_coverage")
            if wifi is not None:
                break
        caption = ("Received signal at the shelters", "避難所での受信強度")
        if wifi is None:
            caption = ("Not assessed: no Wi-Fi access points were given", "評価せず：Wi-Fiアクセスポイントの入力なし")
        specs.append(_one_panel("wifi", ("Shelter Wi-Fi coverage", "避難所Wi-Fiのカバー範囲"), caption, wifi, extra))
        specs.append(
            _one_panel(
                "reduction",
                ("Reduction by the mitigation programme", "対策による被害軽減"),
                ("Change in collapsed buildings by district", "地区別の全壊棟数の増減率"),
                self.reduction_layer(),
                [],
            )
        )
        return specs

    def street_layers(self, state: str) -> list[QgsMapLayer | None]:
        """Evacuation routes (see-through, so blocked streets show beneath them) over street blockage."""
        roads = self.layer(f"{state}_road_blockage", "Street blockage probability 道路閉塞確率", "road_blockage")
        routes = self.layer(
            f"{state}_routes", "Evacuation routes: passable probability 避難経路の通行可能確率", "evacuation_routes"
        )
        if routes is not None:
            routes.setOpacity(0.5)
            # Routes share most streets: each street segment drawn once, as the routes over it show it.
            table = f"{state}_routes"
            pending = self.route_segments.get(table) if self.route_segments is not None else None
            once = drawn_once(routes, str(self.gpkg_path), table, pending)
            if once is not None:
                self.project.addMapLayer(once, False)
                routes = once
        return [routes, roads]

    def map_extent(self) -> tuple[QgsRectangle, QgsCoordinateReferenceSystem]:
        candidates = [n for n in ("comparison", "baseline_buildings", "mitigated_buildings") if n in self.layer_names]
        if candidates:
            layer = QgsVectorLayer(f"{self.gpkg_path}|layername={candidates[0]}", "extent", "ogr")
            crs = layer.crs()
            extent = combined_extent([layer], crs)
        else:
            intensity = self.intensity_layer()
            if intensity is None:
                raise ValueError(tr("The scenario GeoPackage has no layer to map."))
            crs, extent = intensity.crs(), intensity.extent()
        return extent.buffered(max(extent.width(), extent.height()) * 0.03), crs

    # --- pages ----------------------------------------------------------------------------
    def add_page(self, title_en: str, title_ja: str) -> int:
        page = QgsLayoutItemPage(self.layout)
        page.setPageSize("A4", QgsLayoutItemPage.Landscape)
        self.layout.pageCollection().addPage(page)
        index = self.layout.pageCollection().pageCount() - 1
        self.page_titles.append(title_en)
        self.label(index, title_en, MARGIN, 8, PAGE_WIDTH - 2 * MARGIN, 9, 16, bold=True)
        self.label(index, title_ja, MARGIN, 17, PAGE_WIDTH - 2 * MARGIN, 7, 12)
        footer = self.footer()
        self.label(index, footer, MARGIN, PAGE_HEIGHT - 9, 200, 5, 7)
        self.label(
            index,
            "[% @layout_page %] / [% @layout_numpages %]",
            PAGE_WIDTH - MARGIN - 30,
            PAGE_HEIGHT - 9,
            30,
            5,
            7,
            align=Qt.AlignRight,
        )
        return index

    def label(
        self,
        page: int,
        text: str,
        x: float,
        y: float,
        width: float,
        height: float,
        size: float,
        bold: bool = False,
        align: Any = Qt.AlignLeft,
    ) -> QgsLayoutItemLabel:
        item = QgsLayoutItemLabel(self.layout)
        item.setText(text)
        item.setFont(report_font(size, bold))
        item.setHAlign(align)
        item.setMargin(0)
        self.layout.addLayoutItem(item)
        _place(item, page, x, y, width, height)
        return item

    def table(
        self,
        page: int,
        headers: list[str],
        widths: list[float],
        rows: list[list[str]],
        x: float,
        y: float,
        height: float,
        size: float = 8,
    ) -> QgsLayoutItemTextTable:
        table = QgsLayoutItemTextTable(self.layout)
        columns = []
        for heading, width in zip(headers, widths):
            column = QgsLayoutTableColumn(heading)
            column.setWidth(width)
            column.setHAlignment(Qt.AlignLeft if not columns else Qt.AlignRight)
            columns.append(column)
        table.setColumns(columns)
        table.setHeaderTextFormat(_text_format(size, bold=True))
        table.setContentTextFormat(_text_format(size))
        table.setCellMargin(1.2)
        table.setGridStrokeWidth(0.2)
        table.setGridColor(QColor(150, 150, 150))
        table.setHeaderHAlignment(QgsLayoutItemTextTable.FollowColumn)
        table.setWrapBehavior(QgsLayoutItemTextTable.WrapText)
        table.setContents(rows)  # at once: addRow per row lays the table out again each time
        table.setResizeMode(QgsLayoutMultiFrame.UseExistingFrames)
        self.layout.addMultiFrame(table)
        frame = QgsLayoutFrame(self.layout, table)
        _place(frame, page, x, y, sum(widths) + 2 * 1.2 * len(widths) + 1, height)
        table.addFrame(frame)
        return table

    def picture(self, page: int, path: Path, x: float, y: float, width: float, height: float) -> None:
        item = QgsLayoutItemPicture(self.layout)
        item.setPicturePath(str(path))
        item.setResizeMode(QgsLayoutItemPicture.Zoom)
        self.layout.addLayoutItem(item)
        _place(item, page, x, y, width, height)

    def map_item(
        self,
        page: int,
        layers: list[QgsMapLayer],
        extent: QgsRectangle,
        crs: QgsCoordinateReferenceSystem,
        x: float,
        y: float,
        width: float,
        height: float,
    ) -> QgsLayoutItemMap:
        """A map of ``layers`` (top first) with its scale bar.

        The data layers (below the district outlines and any labelled layer) are drawn once, in
        render threads, into a picture beneath the map item (``renders``): report.pdf and the HTML
        pages show that picture instead of drawing 124,000 buildings again as PDF vectors. Outlines
        and labels stay vectors, so the PDF's text stays searchable.
        """
        drawn = self._drawn_once(layers) if self.renders is not None else []
        picture = QgsLayoutItemPicture(self.layout) if drawn else None
        if picture is not None:  # added first: beneath the map item
            picture.setResizeMode(QgsLayoutItemPicture.Stretch)
            self.layout.addLayoutItem(picture)
            _place(picture, page, x, y, width, height)
        item = QgsLayoutItemMap(self.layout)
        self.layout.addLayoutItem(item)
        _place(item, page, x, y, width, height)
        item.setCrs(crs)
        item.setLayers(layers[: len(layers) - len(drawn)])
        item.setKeepLayerSet(True)
        item.setFrameEnabled(True)
        item.zoomToExtent(extent)
        if picture is not None and self.renders is not None:
            settings = item.mapSettings(item.extent(), QSizeF(width, height) * (PDF_DPI / 25.4), PDF_DPI, True)
            settings.setLayers(drawn)
            settings.setBackgroundColor(item.backgroundColor())
            item.setBackgroundEnabled(False)  # the picture beneath shows through
            self.renders.start(
                settings, lambda path: picture.setPicturePath(str(path), QgsLayoutItemPicture.FormatRaster)
            )
        scale_bar = metre_scale_bar(self.layout, item, extent.width())
        self.layout.addLayoutItem(scale_bar)
        scale_bar.attemptMove(QgsLayoutPoint(x + 3, y + height - 12, QgsUnitTypes.LayoutMillimeters), True, False, page)
        return item

    def _drawn_once(self, layers: list[QgsMapLayer]) -> list[QgsMapLayer]:
        """The bottom layers of a map up to the first overlay (district outlines) or labelled layer."""
        drawn: list[QgsMapLayer] = []
        for layer in reversed(layers):
            if layer.id() in self._overlay_ids or (isinstance(layer, QgsVectorLayer) and layer.labelsEnabled()):
                break
            drawn.insert(0, layer)
        return drawn

    def legend(
        self, page: int, map_item: QgsLayoutItemMap, layers: list[QgsMapLayer], x: float, y: float, columns: int
    ) -> None:
        legend = QgsLayoutItemLegend(self.layout)
        legend.setTitle("")
        legend.setLinkedMap(map_item)
        legend.setAutoUpdateModel(False)
        root = QgsLayerTree()
        for layer in layers:
            root.addLayer(layer)
        legend.model().setRootGroup(root)
        self._legend_roots.append(root)
        style_legend(legend, columns)
        self.layout.addLayoutItem(legend)
        legend.attemptMove(QgsLayoutPoint(x, y, QgsUnitTypes.LayoutMillimeters), True, False, page)
        legend.adjustBoxSize()

    def map_page(self, spec: MapSpec, extent: QgsRectangle, crs: QgsCoordinateReferenceSystem) -> int:
        page = self.add_page(spec.title_en, spec.title_ja)
        top = 30.0
        if len(spec.panels) == 2:
            width, height = (PAGE_WIDTH - 2 * MARGIN - 6) / 2, 128.0
            positions = [(MARGIN, top), (MARGIN + width + 6, top)]
            legend_at, columns = (MARGIN, top + height + 9), 3
        else:
            width, height = 165.0, 150.0
            positions = [(MARGIN, top)]
            legend_at, columns = (MARGIN + width + 8, top + 6), 1
        first_map = None
        for (cap_en, cap_ja, layers), (x, y) in zip(spec.panels, positions):
            self.label(page, f"{cap_en}  {cap_ja}", x, y, width, 5, 9, bold=True)
            if layers:
                item = self.map_item(page, layers, extent, crs, x, y + 6, width, height)
                first_map = first_map or item
            else:
                self.label(
                    page,
                    tr("Not available: the scenario did not write this layer.") + " このレイヤーはありません。",
                    x,
                    y + 20,
                    width,
                    10,
                    9,
                )
        if first_map is not None and spec.legend_layers:
            self.legend(page, first_map, spec.legend_layers, legend_at[0], legend_at[1], columns)
        self.class_note(page, spec)
        return page

    def class_note(self, page: int, spec: MapSpec) -> None:
        """A sentence above the footer when the map's classed layers fall into one class (report_classes.py)."""
        legend_ids = {layer.id() for layer in spec.legend_layers}
        panels = [
            (caption, [layer for layer in layers if layer.id() in legend_ids])
            for caption, _, layers in spec.panels
            if layers
        ]
        spec.note = single_class_note(panels) if panels else ""
        if spec.note:
            self.label(page, spec.note, MARGIN, PAGE_HEIGHT - 17, PAGE_WIDTH - 2 * MARGIN, 7, 8, bold=True)

    # --- content --------------------------------------------------------------------------
    def parameter_rows(self) -> list[list[str]]:
        rows = []
        for key, value in self.parameters.items():
            if key in HIDDEN_PARAMETERS:
                continue
            en, ja = PARAMETER_LABELS.get(key, (key.replace("_", " ").capitalize(), ""))
            names = PARAMETER_VALUES.get(key, {})
            rows.append([en, ja, names.get(str(value), format_parameter(value))])
        return rows

    def footer(self) -> str:
        """The page footer, naming the municipality of the data (none when it is not known)."""
        municipality = str(self.parameters.get("municipality") or "").strip()
        if municipality:
            return tr("Earthquake scenario report: {0}").format(municipality) + f" {municipality} 地震被害想定レポート"
        return tr("Earthquake scenario report") + " 地震被害想定レポート"

    def sources_text(self) -> str:
        sources = self.parameters.get("sources") or []
        if isinstance(sources, str):
            sources = [sources]
        licence = self.parameters.get("licence") or self.parameters.get("license") or ""
        lines = ["Sources 出典:"] + [f"- {s}" for s in sources]
        if licence:
            lines += ["", f"Licence ライセンス: {licence}"]
        return "\n".join(lines)

    def ward_rows(self) -> list[list[str]]:
        return [
            [
                f"{en} {ja}",
                format_number(self.ward.get(f"{key}_before")),
                format_number(self.ward.get(f"{key}_after")),
                format_number(self.ward.get(f"{key}_change")),
                format_percent(self.ward.get(f"{key}_change_pct")),
            ]
            for key, en, ja in METRICS
        ]

    def district_rows(self, metrics: Sequence[str]) -> list[list[str]]:
        rows = []
        for row in [*self.districts, self.ward]:
            cells = [district_label(row)]
            for key in metrics:
                cells += [
                    format_number(row.get(f"{key}_before")),
                    format_number(row.get(f"{key}_after")),
                    format_number(row.get(f"{key}_change")),
                    format_percent(row.get(f"{key}_change_pct")),
                ]
            rows.append(cells)
        return rows

    @staticmethod
    def district_headers(metrics: Sequence[str]) -> list[str]:
        labels = {key: (en, ja) for key, en, ja in METRICS}
        headers = ["District 地区"]
        for key in metrics:
            en, ja = labels[key]
            headers += [
                f"{en} {ja}: before 対策前",
                "after 対策後",
                "change 増減",
                "change % 増減率",
            ]
        return headers


def format_parameter(value: Any) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{k}: {format_parameter(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(format_parameter(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def reduction_renderer(field: str) -> QgsGraduatedSymbolRenderer:
    """Greens for reductions (stronger = darker), red for an increase."""
    classes = (
        (-100.0, -75.0, "#006d2c", "-100 to -75 %"),
        (-75.0, -50.0, "#31a354", "-75 to -50 %"),
        (-50.0, -25.0, "#74c476", "-50 to -25 %"),
        (-25.0, -0.0001, "#c7e9c0", "-25 to 0 %"),
        (-0.0001, 0.0001, "#f0f0f0", "no change 変化なし"),
        (0.0001, 1.0e9, "#de2d26", "increase 増加"),
    )
    ranges = []
    for lower, upper, colour, label in classes:
        symbol = QgsFillSymbol.createSimple({"color": colour, "outline_color": "80,80,80,255", "outline_width": "0.3"})
        ranges.append(QgsRendererRange(lower, upper, symbol, label))
    return QgsGraduatedSymbolRenderer(field, ranges)


# --- HTML -----------------------------------------------------------------------------------
def _html_table(headers: list[str], rows: list[list[str]], css_class: str) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>\n" for row in rows)
    return f'<table class="{css_class}">\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody>\n</table>\n'


HTML_STYLE = """
body { font-family: "IPAGothic", "Noto Sans CJK JP", "Hiragino Sans", "Yu Gothic", sans-serif;
       margin: 2em auto; max-width: 1100px; color: #222; line-height: 1.45; }
h1 { font-size: 1.6em; margin-bottom: 0.1em; } h1 + p { margin-top: 0; color: #555; }
h2 { border-bottom: 1px solid #bbb; padding-bottom: 0.2em; margin-top: 2em; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.85em; }
th, td { border: 1px solid #aaa; padding: 0.25em 0.5em; }
td:not(:first-child) { text-align: right; font-variant-numeric: tabular-nums; }
thead th { background: #eee; }
img { max-width: 100%; border: 1px solid #ccc; }
pre { white-space: pre-wrap; font-family: inherit; }
"""


def _canceled(feedback: Any) -> bool:
    """Whether a QgsProcessingFeedback or a core feedback (or None) asks to stop."""
    canceled = getattr(feedback, "isCanceled", None) or getattr(feedback, "is_canceled", None)
    return bool(canceled is not None and canceled())


def _feedback_step(feedback: Any, percent: float, message: str) -> None:
    if feedback is None:
        return
    if _canceled(feedback):
        raise Canceled("canceled by the user")
    progress = getattr(feedback, "setProgress", None) or getattr(feedback, "set_progress", None)
    if progress is not None:
        progress(percent)
    info = getattr(feedback, "pushInfo", None) or getattr(feedback, "info", None)
    if info is not None:
        info(message)


# --- the entry point ------------------------------------------------------------------------
def write_report(
    output_folder: Path,
    gpkg_path: Path,
    comparison: list[dict],
    parameters: dict,
    feedback: Any,
    route_segments: RouteSegments | None = None,
) -> dict[str, str]:
    """Write report.pdf (a QGIS print layout), report.html and report_images/ into output_folder.

    Returns {"REPORT_PDF": path, "REPORT_HTML": path}. ``feedback`` may be a
    QgsProcessingFeedback, a core feedback or None; cancelling raises core.feedback.Canceled.
    ``route_segments``: the routes' segments being worked out already (else the report works them out).
    """
    job = ReportJob(output_folder, gpkg_path, comparison, parameters, feedback, route_segments)
    job.start()
    return job.finish()


class ReportJob:
    """write_report in two halves, so a caller can go on while the map pictures are drawn.

    ``start`` lays out the pages and starts drawing the map pictures in QGIS's render threads (and, with
    ``charts_in_worker``, the charts in a worker process); ``finish`` waits for both and writes report.pdf
    and report.html; ``abort`` (after an error in between) stops the renders and leaves nothing behind.
    The scenario starts its report before storing the styles and writing the project, which keep Python
    busy while the render threads draw.
    """

    def __init__(
        self,
        output_folder: Path,
        gpkg_path: Path,
        comparison: list[dict],
        parameters: dict,
        feedback: Any,
        route_segments: RouteSegments | None = None,
        charts_in_worker: bool = False,
    ) -> None:
        self.folder = Path(output_folder)
        self.comparison = comparison
        self.feedback = feedback
        self.builder = ReportBuilder(Path(gpkg_path), comparison, parameters)
        self.builder.route_segments = route_segments
        self.title_en = str(parameters.get("title") or "Earthquake scenario: current state and after mitigation")
        self.title_ja = str(parameters.get("title_ja") or "地震被害想定：現状と対策後の比較")
        self.charts_in_worker = charts_in_worker
        self._stack: contextlib.ExitStack | None = None
        self.seconds = 0.0  # spent in start and finish (the scenario times its report step with it)

    def start(self) -> None:
        started = time.perf_counter()
        builder, feedback = self.builder, self.feedback
        self.folder.mkdir(parents=True, exist_ok=True)
        self.charts = Charts.start(self.comparison) if self.charts_in_worker else Charts(self.comparison)
        stack = contextlib.ExitStack()
        try:
            self.images = stack.enter_context(atomic_folder(self.folder / "report_images", overwrite=True))
            tmp = stack.enter_context(tempfile.TemporaryDirectory())
            builder.renders = stack.enter_context(BackgroundRenders(Path(tmp)))
            _feedback_step(feedback, 2, tr("Report: print layout"))
            self.parameter_rows, self.chart_pages = _table_pages(builder, self.title_en, self.title_ja)
            # 6-11. maps: their pictures are drawn in render threads while the charts are made
            extent, crs = builder.map_extent()
            self.specs = builder.map_specs()
            self.map_pages = {}
            for k, spec in enumerate(self.specs):
                _feedback_step(feedback, 10 + 30 * k / len(self.specs), tr("Report: map {0}").format(spec.title_en))
                self.map_pages[spec.key] = builder.map_page(spec, extent, crs)
        except BaseException:
            self.charts.close()
            stack.__exit__(*sys.exc_info())
            raise
        self._stack = stack
        self.seconds += time.perf_counter() - started

    def finish(self) -> dict[str, str]:
        started = time.perf_counter()
        builder, feedback, stack = self.builder, self.feedback, self._stack
        assert stack is not None, "ReportJob.start first"
        self._stack = None
        pdf_path = self.folder / "report.pdf"
        html_path = self.folder / "report.html"
        try:
            _feedback_step(feedback, 40, tr("Report: charts"))
            charts = self.charts.into(self.images)
            _chart_pictures(builder, self.chart_pages, charts)
            builder.renders.finish(lambda: _canceled(feedback))  # type: ignore[union-attr]

            _feedback_step(feedback, 60, tr("Report: writing report.pdf"))
            exporter = _export_pdf(builder.layout, pdf_path)

            _feedback_step(feedback, 80, tr("Report: writing report.html"))
            map_images = {}
            for spec in self.specs:
                image = exporter.renderPageToImage(self.map_pages[spec.key], QSize(), 96)
                path = self.images / f"map_{spec.key}.png"
                # 256 colours without dithering: a third of the size, maps look the same.
                image.convertToFormat(QImage.Format_Indexed8, Qt.ThresholdDither | Qt.AvoidDither).save(
                    str(path), "PNG"
                )
                map_images[spec.key] = path.name
            document = build_html(
                builder,
                self.title_en,
                self.title_ja,
                self.parameter_rows,
                WARD_HEADERS,
                self.specs,
                map_images,
                charts is not None,
                GROUPS,
            )
            with atomic_output(html_path) as tmp_html:
                tmp_html.write_text(document, encoding="utf-8")
        except BaseException:
            self.charts.close()
            stack.__exit__(*sys.exc_info())
            raise
        stack.close()
        _feedback_step(feedback, 100, tr("Report written: {0}").format(pdf_path))
        self.seconds += time.perf_counter() - started
        return {"REPORT_PDF": str(pdf_path), "REPORT_HTML": str(html_path)}

    def abort(self) -> None:
        """Stop what start began (the render threads, the charts' worker) and remove the partial images."""
        stack, self._stack = self._stack, None
        if stack is not None:
            self.charts.close()
            stack.__exit__(Canceled, Canceled("the report was not finished"), None)


class Charts:
    """The report's two charts (core/charts.py), drawn in a worker process while the report goes on, or
    by the report itself.

    matplotlib draws the ward's 139-district chart in about 3 s, holding Python's lock all along; in a
    process of its own it leaves the scenario's Python free for its package step.
    """

    def __init__(self, comparison: list[dict[str, Any]], future: Any = None, pool: Any = None, folder: str = ""):
        self.districts, self.ward = split_rows(comparison)
        self._future, self._pool, self._folder = future, pool, folder

    @classmethod
    def start(cls, comparison: list[dict[str, Any]]) -> Charts:
        """Start drawing in a spawned worker process (the report draws them itself should that fail)."""
        from ..core.executors import executor_from_spec

        districts, ward = split_rows(comparison)
        folder = tempfile.mkdtemp(prefix="suginami-charts-")
        try:
            pool = executor_from_spec("local", workers=1)
            future = pool.submit(draw_charts, ward, districts, folder, tuple(METRICS))
        except Exception:
            shutil.rmtree(folder, ignore_errors=True)
            return cls(comparison)
        return cls(comparison, future, pool, folder)

    def into(self, images: Path) -> tuple[Path, Path] | None:
        """The charts as PNG files in ``images``; None without matplotlib."""
        if self._future is not None:
            try:
                drawn = self._future.result()
            except Exception:
                drawn = None  # drawn here instead
            if drawn is not None:
                moved = [images / Path(path).name for path in drawn]
                for path, target in zip(drawn, moved):
                    shutil.move(path, target)
                self.close()
                return moved[0], moved[1]
        self.close()
        drawn = draw_charts(self.ward, self.districts, str(images), tuple(METRICS))
        return (Path(drawn[0]), Path(drawn[1])) if drawn is not None else None

    def close(self) -> None:
        """Stop the worker (cancelling what has not started) and remove its folder."""
        if self._pool is not None:
            from ..core.executors import close_executor

            close_executor(self._pool)
            self._pool = None
        if self._folder:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = ""


WARD_HEADERS = ["Metric 指標", "Before 対策前", "After 対策後", "Change 増減", "Change % 増減率"]
# The metrics of the two district-table pages.
GROUPS = (("collapsed", "burned", "deaths"), ("shelter_demand", "unreachable"))
READING = (
    "Before: the current state. After: with the mitigation targets (seismic retrofit, "
    "fire-proofing). Change = after - before; change % = change / before.\n"
    "対策前：現状。対策後：対策目標（耐震化・不燃化）を達成した状態。増減＝対策後－対策前、増減率＝増減÷対策前。"
)


def _table_pages(builder: ReportBuilder, title_en: str, title_ja: str) -> tuple[list, tuple[int, int]]:
    """Pages 1-5: the scenario, the ward totals, the district tables and the district chart's page.

    Returns the parameter rows (the HTML report shows the same table) and the pages of the two
    charts, which _chart_pictures fills once the charts are drawn.
    """
    # 1. scenario, sources and licence
    page = builder.add_page(title_en, title_ja)
    builder.label(page, "Scenario parameters  シナリオの条件", MARGIN, 30, 150, 6, 11, bold=True)
    parameter_rows = builder.parameter_rows()
    builder.table(page, ["Parameter", "項目", "Value 値"], [52, 42, 50], parameter_rows, MARGIN, 38, 150)
    builder.label(page, builder.sources_text(), 182, 30, PAGE_WIDTH - MARGIN - 182, 90, 8)
    builder.label(page, READING, 182, 125, PAGE_WIDTH - MARGIN - 182, 40, 8)
    # 2. ward totals (and chart)
    ward_page = builder.add_page("Ward totals", "区全体の被害量")
    builder.table(ward_page, WARD_HEADERS, [84, 24, 24, 24, 24], builder.ward_rows(), MARGIN, 32, 60, size=8.5)
    # 3-4. district totals
    for part, metrics in enumerate(GROUPS, start=1):
        page = builder.add_page(f"District totals ({part}/2)", f"地区別の被害量（{part}/2）")
        widths = [44.0] + [(PAGE_WIDTH - 2 * MARGIN - 44.0 - 4 * 2.4 * len(metrics) - 4) / (4 * len(metrics))] * (
            4 * len(metrics)
        )
        builder.table(
            page, builder.district_headers(metrics), widths, builder.district_rows(metrics), MARGIN, 30, 165, size=7
        )
    # 5. district chart
    chart_page = builder.add_page("Before and after by district", "地区別の対策前後")
    return parameter_rows, (ward_page, chart_page)


def _chart_pictures(builder: ReportBuilder, pages: tuple[int, int], charts: tuple[Path, Path] | None) -> None:
    """The ward chart on page 2 and the district chart on page 5 (or a note that matplotlib is missing)."""
    if charts is not None:
        builder.picture(pages[0], charts[0], 12, 100, 180, 98)
        builder.picture(pages[1], charts[1], MARGIN, 28, PAGE_WIDTH - 2 * MARGIN, 168)
    else:
        builder.label(pages[1], tr("Charts need matplotlib, which is not installed."), MARGIN, 30, 200, 8, 9)


def _export_pdf(layout: Any, pdf_path: Path) -> QgsLayoutExporter:
    """report.pdf with searchable text; returns the exporter, which renders the map images next."""
    exporter = QgsLayoutExporter(layout)
    settings = QgsLayoutExporter.PdfExportSettings()
    # Text as text, not outlines: the PDF stays searchable and its numbers can be checked.
    settings.textRenderFormat = QgsRenderContext.TextFormatAlwaysText
    settings.dpi = PDF_DPI
    # Map pictures and charts as lossless (Flate) images, not JPEG: crisp building outlines and text.
    settings.flags = settings.flags | QgsLayoutRenderContext.FlagLosslessImageRendering
    with atomic_output(pdf_path) as tmp_pdf:
        result = exporter.exportToPdf(str(tmp_pdf), settings)
        if result != QgsLayoutExporter.Success:
            raise OSError(tr("Cannot write {0}: {1}").format(pdf_path, exporter.errorMessage()))
    return exporter


def build_html(
    builder: ReportBuilder,
    title_en: str,
    title_ja: str,
    parameter_rows: list[list[str]],
    ward_headers: list[str],
    specs: list[MapSpec],
    map_images: dict[str, str],
    charts_ok: bool,
    groups: Sequence[Sequence[str]],
) -> str:
    esc = html.escape
    parts = [
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
        f"<title>{esc(title_en)}</title>\n<style>{HTML_STYLE}</style>\n</head>\n<body>\n",
        f'<h1>{esc(title_en)}</h1>\n<p lang="ja">{esc(title_ja)}</p>\n',
        '<h2>Scenario parameters <span lang="ja">シナリオの条件</span></h2>\n',
        _html_table(["Parameter", "項目", "Value 値"], parameter_rows, "parameters"),
        f'<pre class="sources">{esc(builder.sources_text())}</pre>\n',
        '<h2>Ward totals <span lang="ja">区全体の被害量</span></h2>\n',
        _html_table(ward_headers, builder.ward_rows(), "ward"),
    ]
    if charts_ok:
        parts.append('<p><img src="report_images/chart_ward.png" alt="Ward totals before and after"></p>\n')
    parts.append('<h2>District totals <span lang="ja">地区別の被害量</span></h2>\n')
    for metrics in groups:
        parts.append(_html_table(builder.district_headers(metrics), builder.district_rows(metrics), "districts"))
    if charts_ok:
        parts.append('<p><img src="report_images/chart_districts.png" alt="Districts before and after"></p>\n')
    parts.append('<h2>Maps <span lang="ja">地図</span></h2>\n')
    for spec in specs:
        parts.append(f'<h3>{esc(spec.title_en)} <span lang="ja">{esc(spec.title_ja)}</span></h3>\n')
        if spec.note:
            parts.append(f'<p class="note">{esc(spec.note)}</p>\n')
        parts.append(f'<p><img src="report_images/{esc(map_images[spec.key])}" alt="{esc(spec.title_en)}"></p>\n')
    parts.append("</body>\n</html>\n")
    return "".join(parts)
