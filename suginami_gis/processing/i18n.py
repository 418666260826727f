"""Translation helper: one Qt context for the whole plugin, so i18n/suginami_gis_ja.ts stays simple."""

from __future__ import annotations

from qgis.PyQt.QtCore import QCoreApplication, QLocale, QSettings

CONTEXT = "SuginamiGis"


def tr(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


def tr_noop(text: str) -> str:
    """Marks a literal for translation where it is defined (a table of labels); tr() it where shown.

    Like Qt's QT_TRANSLATE_NOOP: scripts/update_translations.py collects the literal.
    """
    return text


def plugin_locale() -> str:
    """Two-letter language QGIS runs in (its own override first, then the system locale)."""
    settings = QSettings()
    if settings.value("locale/overrideFlag", False, type=bool):
        name = str(settings.value("locale/userLocale", "") or "")
    else:
        name = QLocale.system().name()
    return (name or "en")[:2]
