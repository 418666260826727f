"""Translation helper: one Qt context for the whole plugin, so i18n/suginami_gis_ja.ts stays simple."""

from __future__ import annotations

from qgis.PyQt.QtCore import QCoreApplication

CONTEXT = "SuginamiGis"


def tr(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)
