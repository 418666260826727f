"""Thin QGIS Processing layer over suginami_gis.core."""
