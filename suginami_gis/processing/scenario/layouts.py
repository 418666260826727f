"""Print layouts in scenario.qgz: one per map page of the report, on the project's own layers.

Each layout is an A4 landscape page with a title, one map per panel (before / after where the
report shows both), a legend, a scale bar, a north arrow and an attribution line, so an analyst
can change a map in the desktop and print it again. Titles are in the language QGIS runs in (tr()).
The burn-probability page shows the buildings layer with its burn style through a map theme, so
the project keeps one buildings layer per run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

from qgis.core import (
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsLayoutItemLabel,
    QgsLayoutItemLegend,
    QgsLayoutItemMap,
    QgsLayoutItemPicture,
    QgsLayoutPoint,
    QgsLayoutSize,
    QgsMapLayer,
    QgsMapLayerStyle,
    QgsMapThemeCollection,
    QgsPrintLayout,
    QgsProject,
    QgsRectangle,
    QgsUnitTypes,
)
from qgis.PyQt.QtXml import QDomDocument

from ..base import SuginamiAlgorithm
from ..i18n import tr, tr_noop
from ..report import metre_scale_bar, report_font, style_legend

PAGE_WIDTH, PAGE_HEIGHT, MARGIN = 297.0, 210.0, 10.0
RUN_TITLES = {"baseline": tr_noop("Before (current state)"), "mitigated": tr_noop("After mitigation")}
NORTH_ARROW = "arrows/NorthArrow_02.svg"  # one of QGIS's own SVGs (its svg paths hold it on every platform)
BURN_STYLE = "burn"  # the buildings' named style for the burn-probability page


class LayoutPage(NamedTuple):
    """A map page: its key (as the report's), title and layers (top first, "{run}" per run)."""

    key: str
    title: str
    layers: tuple[str, ...]
    per_run: bool
    style: str | None = None  # a named style of the layers, else their default


PAGES: tuple[LayoutPage, ...] = (
    LayoutPage("intensity", tr_noop("Seismic intensity (JMA)"), ("intensity.tif",), False),
    LayoutPage("collapse", tr_noop("Collapse probability"), ("{run}_buildings",), True),
    LayoutPage("burn", tr_noop("Burn probability"), ("{run}_buildings",), True, BURN_STYLE),
    LayoutPage(
        "streets", tr_noop("Blocked streets and evacuation routes"), ("{run}_routes", "{run}_road_blockage"), True
    ),
    LayoutPage("wifi", tr_noop("Shelter Wi-Fi coverage"), ("wifi_coverage",), False),
    LayoutPage("reduction", tr_noop("Reduction by the mitigation programme"), ("comparison",), False),
)


def layout_name(page: LayoutPage) -> str:
    """The layout's name in the project's layout manager (the page title, translated)."""
    return tr(page.title)


def add_burn_style(layers: dict[str, QgsMapLayer]) -> None:
    """A named style "burn" (the fire_buildings QML) beside each buildings layer's own style."""
    qml = SuginamiAlgorithm.style_path("fire_buildings")
    for run in RUN_TITLES:
        layer = layers.get(f"{run}_buildings")
        if layer is None or not qml.exists():
            continue
        styled = layer.clone()
        # From the file itself: loadNamedStyle would take the GeoPackage's stored (collapse) style.
        document = QDomDocument()
        document.setContent(qml.read_text(encoding="utf-8"))
        styled.importNamedStyle(document)
        style = QgsMapLayerStyle()
        style.readFromLayer(styled)
        manager = layer.styleManager()
        current = manager.currentStyle()
        manager.addStyle(BURN_STYLE, style)
        manager.setCurrentStyle(current)


def _theme(project: QgsProject, name: str, layers: list[QgsMapLayer], style: str | None) -> str:
    """A map theme showing ``layers`` (in ``style`` when given); the layout's map follows it."""
    records = []
    for layer in layers:
        record = QgsMapThemeCollection.MapThemeLayerRecord(layer)
        if style and style in layer.styleManager().styles():
            record.usingCurrentStyle = True
            record.currentStyle = style
        records.append(record)
    theme = QgsMapThemeCollection.MapThemeRecord()
    theme.setLayerRecords(records)
    project.mapThemeCollection().insert(name, theme)
    return name


class _LayoutBuilder:
    def __init__(self, project: QgsProject, extent: QgsRectangle, crs: QgsCoordinateReferenceSystem) -> None:
        self.project, self.extent, self.crs = project, extent, crs
        self.layout = QgsPrintLayout(project)

    def place(self, item: Any, x: float, y: float, width: float | None = None, height: float | None = None) -> None:
        self.layout.addLayoutItem(item)
        if width is not None and height is not None:
            item.attemptResize(QgsLayoutSize(width, height, QgsUnitTypes.LayoutMillimeters))
        item.attemptMove(QgsLayoutPoint(x, y, QgsUnitTypes.LayoutMillimeters))

    def label(self, text: str, x: float, y: float, width: float, height: float, size: float, bold=False) -> None:
        item = QgsLayoutItemLabel(self.layout)
        item.setText(text)
        item.setFont(report_font(size, bold))
        item.setMargin(0)
        self.place(item, x, y, width, height)

    def map(self, theme: str, x: float, y: float, width: float, height: float) -> QgsLayoutItemMap:
        item = QgsLayoutItemMap(self.layout)
        self.place(item, x, y, width, height)
        item.setCrs(self.crs)
        item.setFollowVisibilityPreset(True)
        item.setFollowVisibilityPresetName(theme)
        item.setFrameEnabled(True)
        item.zoomToExtent(self.extent)
        scale_bar = metre_scale_bar(self.layout, item, self.extent.width())
        self.place(scale_bar, x + 3, y + height - 12)
        arrow = QgsLayoutItemPicture(self.layout)
        arrow.setPicturePath(_north_arrow())
        arrow.setLinkedMap(item)
        arrow.setNorthMode(QgsLayoutItemPicture.GridNorth)
        self.place(arrow, x + width - 14, y + 3, 10, 14)
        return item

    def legend(self, item: QgsLayoutItemMap, layers: list[QgsMapLayer], x: float, y: float, columns: int) -> None:
        legend = QgsLayoutItemLegend(self.layout)
        legend.setTitle(tr("Legend"))
        style_legend(legend, columns)
        legend.setLinkedMap(item)
        # Without auto-update the legend owns a copy of the project's tree: keep only the page's layers.
        legend.setAutoUpdateModel(False)
        root = legend.model().rootGroup()
        root.removeAllChildren()
        for layer in layers:
            root.addLayer(layer)
        self.place(legend, x, y)
        legend.adjustBoxSize()


def _north_arrow() -> str:
    for folder in QgsApplication.svgPaths():
        path = Path(folder) / NORTH_ARROW
        if path.exists():
            return str(path)
    return NORTH_ARROW


def _page_layers(page: LayoutPage, run: str | None, layers: dict[str, QgsMapLayer]) -> list[QgsMapLayer]:
    names = [name.format(run=run) for name in page.layers]
    return [layers[name] for name in names if name in layers]


def add_layout(
    project: QgsProject,
    page: LayoutPage,
    layers: dict[str, QgsMapLayer],
    extent: QgsRectangle,
    crs: QgsCoordinateReferenceSystem,
    attribution: str,
) -> QgsPrintLayout | None:
    """One page's layout in ``project``; None when the scenario wrote none of its layers."""
    runs: list[str | None] = list(RUN_TITLES) if page.per_run else [None]
    panels = [(run, _page_layers(page, run, layers)) for run in runs]
    panels = [(run, present) for run, present in panels if present]
    if not panels:
        return None
    builder = _LayoutBuilder(project, extent, crs)
    builder.layout.initializeDefaults()  # one A4 landscape page
    builder.layout.setName(layout_name(page))
    builder.label(tr(page.title), MARGIN, 7, PAGE_WIDTH - 2 * MARGIN, 9, 16, bold=True)
    two = len(panels) == 2
    width = (PAGE_WIDTH - 2 * MARGIN - 6) / 2 if two else 190.0
    height = 128.0 if two else 168.0
    first = None
    for k, (run, present) in enumerate(panels):
        x = MARGIN + k * (width + 6)
        if run is not None:
            builder.label(tr(RUN_TITLES[run]), x, 19, width, 5, 9, bold=True)
        name = f"{layout_name(page)}: {tr(RUN_TITLES[run])}" if run else layout_name(page)
        theme = _theme(project, name, present, page.style)
        item = builder.map(theme, x, 25, width, height)
        first = first or (item, present)
    assert first is not None
    legend_x, legend_y = (MARGIN, 25 + height + 3) if two else (MARGIN + width + 6, 25)
    builder.legend(first[0], first[1], legend_x, legend_y, 3 if two else 1)
    credit = tr("Methods and sources: see report.pdf.") + (f" {attribution}" if attribution else "")
    builder.label(credit, MARGIN, PAGE_HEIGHT - 7, PAGE_WIDTH - 2 * MARGIN, 5, 6)
    project.layoutManager().addLayout(builder.layout)
    return builder.layout


def add_layouts(
    project: QgsProject,
    layers: dict[str, QgsMapLayer],
    extent: QgsRectangle | None,
    crs: QgsCoordinateReferenceSystem,
    attribution: str,
) -> list[str]:
    """A layout per map page of the report (PAGES) whose layers are in ``layers``; their names."""
    if extent is None:
        return []
    add_burn_style(layers)
    added = []
    for page in PAGES:
        layout = add_layout(project, page, layers, extent, crs, attribution)
        if layout is not None:
            added.append(layout.name())
    return added
