"""Desktop entries: a toolbar button and menu items that open the plugin's Processing dialogs."""

from __future__ import annotations

from pathlib import Path

from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import QAction

from .processing.i18n import tr

ICON = str(Path(__file__).resolve().parent / "resources" / "icons" / "suginami.svg")
MENU = "&Suginami disaster planning"


def _open_dialog(algorithm_id: str) -> None:
    from processing import execAlgorithmDialog  # QGIS's own processing plugin

    execAlgorithmDialog(algorithm_id, {})


def add_desktop_entries(iface) -> list[QAction]:
    """Add the main entry (ground motion until the one-click scenario lands) to menu and toolbar."""
    if iface is None:
        return []
    action = QAction(QIcon(ICON), tr("Scenario ground motion…"), iface.mainWindow())
    action.setObjectName("suginami_groundmotion")
    action.triggered.connect(lambda: _open_dialog("suginami:groundmotion"))
    iface.addPluginToMenu(tr(MENU), action)
    iface.addToolBarIcon(action)
    return [action]


def remove_desktop_entries(iface, actions: list[QAction]) -> None:
    for action in actions:
        iface.removePluginMenu(tr(MENU), action)
        iface.removeToolBarIcon(action)
