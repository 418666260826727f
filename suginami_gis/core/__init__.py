"""Pure scientific core of the Suginami disaster-planning plugin.

Nothing in this package imports QGIS or PyQt: it works on numpy arrays, dataclasses and
shapely geometries, so it can run in a notebook, a script or on a cluster.
"""
