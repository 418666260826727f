"""Desktop entries: a toolbar button and menu items that open the scenario dialog and the help page."""

from __future__ import annotations

import shutil
from pathlib import Path

from qgis.core import QgsApplication, QgsMapLayer, QgsProject, QgsRasterLayer, QgsVectorLayer
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import QAction, QDialog, QTextBrowser, QVBoxLayout, QWidget

from .processing.i18n import tr

ICON = str(Path(__file__).resolve().parent / "resources" / "icons" / "suginami.svg")
SAMPLE = Path(__file__).resolve().parent / "resources" / "sample"
# The sample ward's layers, top to bottom in the layer tree.
SAMPLE_LAYERS = ("shelters", "wifi_aps", "shelter_sites", "roads", "buildings", "districts")
MENU = "&Suginami disaster planning"
# The one-click ward scenario opens from the toolbar; until it is installed, its first step does.
SCENARIO = "suginami:scenario"
FALLBACK = "suginami:groundmotion"
# Help dialogs are kept alive here (Qt does not own a Python-created dialog's wrapper).
_help_dialogs: list[QDialog] = []


def main_algorithm() -> str:
    from qgis.core import QgsApplication

    return SCENARIO if QgsApplication.processingRegistry().algorithmById(SCENARIO) is not None else FALLBACK


def _open_dialog(algorithm_id: str) -> None:
    from processing import execAlgorithmDialog  # QGIS's own processing plugin

    execAlgorithmDialog(algorithm_id, {})


def help_page_html() -> str:
    """resources/help/<language>/index.md as HTML, in the language QGIS runs in (English otherwise)."""
    from .processing.help import help_html
    from .processing.i18n import plugin_locale

    return help_html("index", plugin_locale())


def show_help(parent: QWidget | None = None) -> QDialog:
    dialog = QDialog(parent)
    dialog.setObjectName("suginami_help_dialog")
    dialog.setWindowTitle(tr("Suginami disaster planning: help"))
    browser = QTextBrowser(dialog)
    browser.setObjectName("suginami_help_browser")
    browser.setOpenExternalLinks(True)
    browser.setHtml(help_page_html())
    layout = QVBoxLayout(dialog)
    layout.addWidget(browser)
    dialog.resize(720, 640)
    _help_dialogs[:] = [d for d in _help_dialogs if d.isVisible()] + [dialog]
    dialog.show()
    return dialog


def sample_copy() -> Path:
    """The sample ward copied into the user's QGIS folder (QGIS may write to a GeoPackage it opens,
    and the plugin's own folder may be read-only); refreshed when the plugin's copy is newer."""
    target = Path(QgsApplication.qgisSettingsDirPath()) / "suginami_gis" / "sample"
    target.mkdir(parents=True, exist_ok=True)
    for name in ("sample_ward.gpkg", "avs30.tif"):
        source, copy = SAMPLE / name, target / name
        if not copy.exists() or copy.stat().st_mtime < source.stat().st_mtime:
            shutil.copy2(source, copy)
    return target


def load_sample_ward(iface=None) -> list[QgsMapLayer]:
    """Add the bundled sample ward (six layers and the AVS30 raster) to the project, in a group."""
    folder = sample_copy()
    project = QgsProject.instance()
    group = project.layerTreeRoot().insertGroup(0, tr("Sample ward"))
    layers: list[QgsMapLayer] = [
        QgsVectorLayer(f"{folder / 'sample_ward.gpkg'}|layername={name}", name, "ogr") for name in SAMPLE_LAYERS
    ]
    layers.append(QgsRasterLayer(str(folder / "avs30.tif"), "avs30"))
    for layer in layers:
        project.addMapLayer(layer, False)
        group.addLayer(layer)
    if not project.crs().isValid() or len(project.mapLayers()) == len(layers):
        project.setCrs(layers[0].crs())
    if iface is not None and iface.mapCanvas() is not None:
        iface.mapCanvas().setExtent(layers[SAMPLE_LAYERS.index("districts")].extent())
        iface.mapCanvas().refresh()
    return layers


def add_desktop_entries(iface) -> list[QAction]:
    """Toolbar button and menu entry for the scenario dialog, and a menu entry for the help page."""
    if iface is None:
        return []
    parent = iface.mainWindow()
    if main_algorithm() == SCENARIO:
        label = tr("Ward earthquake scenario (current state and mitigation)…")
    else:
        label = tr("Scenario ground motion…")
    scenario = QAction(QIcon(ICON), label, parent)
    scenario.setObjectName("suginami_scenario")
    scenario.setStatusTip(tr("Open the scenario dialog of the Suginami disaster-planning tools"))
    # Looked up when triggered, so the scenario opens as soon as its algorithm is installed.
    scenario.triggered.connect(lambda: _open_dialog(main_algorithm()))
    help_action = QAction(QgsApplication.getThemeIcon("/mActionHelpContents.svg"), tr("Help…"), parent)
    help_action.setObjectName("suginami_help")
    help_action.triggered.connect(lambda: show_help(parent))
    sample = QAction(tr("Load sample ward"), parent)
    sample.setObjectName("suginami_sample")
    sample.setStatusTip(tr("Add the bundled sample ward's layers to the project, to try the tools"))
    sample.triggered.connect(lambda: load_sample_ward(iface))
    iface.addPluginToMenu(tr(MENU), scenario)
    iface.addPluginToMenu(tr(MENU), sample)
    iface.addPluginToMenu(tr(MENU), help_action)
    iface.addToolBarIcon(scenario)
    return [scenario, sample, help_action]


def remove_desktop_entries(iface, actions: list[QAction]) -> None:
    for action in actions:
        iface.removePluginMenu(tr(MENU), action)
        iface.removeToolBarIcon(action)
    for dialog in _help_dialogs:
        dialog.close()
    _help_dialogs.clear()
