"""Desktop entries: a toolbar button and menu items that open the scenario dialog and the help page."""

from __future__ import annotations

from pathlib import Path

from qgis.core import QgsApplication
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import QAction, QDialog, QTextBrowser, QVBoxLayout, QWidget

from .processing.i18n import tr

ICON = str(Path(__file__).resolve().parent / "resources" / "icons" / "suginami.svg")
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
    iface.addPluginToMenu(tr(MENU), scenario)
    iface.addPluginToMenu(tr(MENU), help_action)
    iface.addToolBarIcon(scenario)
    return [scenario, help_action]


def remove_desktop_entries(iface, actions: list[QAction]) -> None:
    for action in actions:
        iface.removePluginMenu(tr(MENU), action)
        iface.removeToolBarIcon(action)
    for dialog in _help_dialogs:
        dialog.close()
    _help_dialogs.clear()
