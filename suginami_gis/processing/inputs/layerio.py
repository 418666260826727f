"""Layer plumbing of the domain modules: a required, non-empty source; polygons as one geometry type."""

from __future__ import annotations

from typing import Any

import numpy as np
from qgis.core import (
    QgsProcessingAlgorithm,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeatureSource,
)

from ..conversions import VectorData


def required_source(
    alg: QgsProcessingAlgorithm, parameters: dict[str, Any], key: str, context: QgsProcessingContext
) -> QgsProcessingFeatureSource:
    """The source of parameter ``key``; an error naming it when the layer cannot be opened."""
    source = alg.parameterAsSource(parameters, key, context)
    if source is None:
        raise QgsProcessingException(alg.invalidSourceError(parameters, key))
    return source


def non_empty(data: VectorData, message: str) -> VectorData:
    """``data``, or an error with ``message`` when the layer has no features."""
    if len(data) == 0:
        raise QgsProcessingException(message)
    return data


def as_multipolygons(geometries: Any) -> np.ndarray:
    """Polygons (and the polygons of geometry collections) as MultiPolygons, so one layer holds them all."""
    import shapely

    out = np.empty(len(geometries), dtype=object)
    for i, geometry in enumerate(geometries):
        if geometry is not None and geometry.geom_type == "Polygon":
            geometry = shapely.MultiPolygon([geometry])
        elif geometry is not None and geometry.geom_type == "GeometryCollection":
            geometry = shapely.MultiPolygon([p for p in shapely.get_parts(geometry) if p.geom_type == "Polygon"])
        out[i] = geometry
    return out
