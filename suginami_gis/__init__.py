"""Suginami disaster-planning GIS: QGIS plugin entry point."""


def classFactory(iface):
    from qgis.core import QgsApplication

    from .deps import activate

    # Packages installed by the menu's "Install Python packages" (deps.py) go first on sys.path,
    # before the provider (or anything it imports) looks for them.
    activate(QgsApplication.qgisSettingsDirPath())
    from .plugin import SuginamiGisPlugin

    return SuginamiGisPlugin(iface)
