"""QGIS plugin class: registers the Processing provider (for qgis_process and the desktop)."""

from __future__ import annotations

from pathlib import Path

from qgis.core import QgsApplication
from qgis.PyQt.QtCore import QCoreApplication, QTranslator

from .processing.i18n import plugin_locale

PLUGIN_DIR = Path(__file__).resolve().parent
# Compiled translations suginami_gis_<language>.qm (built from the .ts files by scripts/setup.sh).
I18N_DIR = PLUGIN_DIR / "i18n"


class SuginamiGisPlugin:
    def __init__(self, iface) -> None:
        self.iface = iface
        self.provider = None
        self.translator: QTranslator | None = None
        self.actions: list = []
        qm = I18N_DIR / f"suginami_gis_{plugin_locale()}.qm"
        if qm.exists():
            self.translator = QTranslator()
            if self.translator.load(str(qm)):
                QCoreApplication.installTranslator(self.translator)

    def initProcessing(self) -> None:
        from .processing.provider import SuginamiProvider

        registry = QgsApplication.processingRegistry()
        if self.provider is None and registry.providerById("suginami") is None:
            provider = SuginamiProvider()
            # On failure the registry deletes the provider: keep no reference to it then.
            if registry.addProvider(provider):
                self.provider = provider

    def initGui(self) -> None:
        self.initProcessing()
        from .gui import add_desktop_entries

        self.actions = add_desktop_entries(self.iface)

    def unload(self) -> None:
        from .gui import remove_desktop_entries

        if self.iface is not None:
            remove_desktop_entries(self.iface, self.actions)
        self.actions = []
        if self.provider is not None:
            registry = QgsApplication.processingRegistry()
            if registry.providerById("suginami") is self.provider:
                registry.removeProvider(self.provider)
            self.provider = None
        if self.translator is not None:
            QCoreApplication.removeTranslator(self.translator)
            self.translator = None
