"""The Processing provider ``suginami``: finds every algorithm class in processing/algorithms/."""

from __future__ import annotations

import importlib
import pkgutil
import traceback
from pathlib import Path

from qgis.core import Qgis, QgsMessageLog, QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from .base import SuginamiAlgorithm
from .i18n import tr

ICON = str(Path(__file__).resolve().parents[1] / "resources" / "icons" / "suginami.svg")


def algorithm_classes() -> list[type[SuginamiAlgorithm]]:
    """Every concrete algorithm class of the plugin, in a stable order.

    A module that fails to import (e.g. a missing optional package) is logged and skipped, so
    one broken algorithm never hides the others.
    """
    from . import algorithms

    found: dict[str, type[SuginamiAlgorithm]] = {}
    for module_info in sorted(pkgutil.iter_modules(algorithms.__path__), key=lambda m: m.name):
        try:
            module = importlib.import_module(f"{algorithms.__name__}.{module_info.name}")
        except Exception:  # a plugin must load even when one algorithm cannot
            QgsMessageLog.logMessage(
                tr("suginami: algorithm module {0} failed to load:\n{1}").format(
                    module_info.name, traceback.format_exc()
                ),
                "Processing",
                Qgis.Critical,
            )
            continue
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, SuginamiAlgorithm) and value.NAME:
                found[value.NAME] = value
    return [found[name] for name in sorted(found)]


class SuginamiProvider(QgsProcessingProvider):
    def id(self) -> str:
        return "suginami"

    def name(self) -> str:
        return tr("Suginami disaster planning")

    def longName(self) -> str:
        return tr("Suginami disaster planning (earthquake, fire, evacuation, Wi-Fi, public maps)")

    def icon(self) -> QIcon:
        return QIcon(ICON)

    def svgIconPath(self) -> str:
        return ICON

    def loadAlgorithms(self) -> None:
        for cls in algorithm_classes():
            self.addAlgorithm(cls())
        try:
            from .model import ScenarioModelAlgorithm

            self.addAlgorithm(ScenarioModelAlgorithm())
        except Exception:  # the algorithms stay usable when the model cannot be read
            QgsMessageLog.logMessage(
                tr("suginami: the scenario model failed to load:\n{0}").format(traceback.format_exc()),
                "Processing",
                Qgis.Critical,
            )
