"""Suginami disaster-planning GIS: QGIS plugin entry point."""


def classFactory(iface):
    from .plugin import SuginamiGisPlugin

    return SuginamiGisPlugin(iface)
