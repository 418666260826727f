"""Layer plumbing of the domain modules: a required, non-empty source, and vector outputs written in one step
(the fields of a spec, a sink, shapely geometries and named columns, a style)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsProcessingAlgorithm,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeatureSource,
    QgsProcessingFeedback,
    QgsWkbTypes,
)

from ..conversions import VectorData, make_fields, write_features


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


@dataclass
class OutputWriter:
    """Writes the vector outputs of one run, all in the CRS of its inputs."""

    alg: Any  # a SuginamiAlgorithm (for parameterAsSink and style_on_load)
    parameters: dict[str, Any]
    context: QgsProcessingContext
    crs: QgsCoordinateReferenceSystem
    feedback: QgsProcessingFeedback

    def write(
        self,
        key: str,
        spec: list[tuple[str, type]] | tuple[tuple[str, type], ...],
        wkb_type: QgsWkbTypes.Type,
        geometries: Any,
        columns: dict[str, Any],
        style: str,
        optional: bool = False,
    ) -> str | None:
        """Write output ``key``: the fields of ``spec``, each from the column of its name (one value per
        geometry); returns the destination id (None for an optional output that is not asked for)."""
        fields = make_fields(spec)
        sink, dest = self.alg.parameterAsSink(self.parameters, key, self.context, fields, wkb_type, self.crs)
        if sink is None:
            if optional:
                return None
            raise QgsProcessingException(self.alg.invalidSinkError(self.parameters, key))
        rows = zip(*(columns[name] for name, _ in spec))
        write_features(sink, fields, geometries, rows, self.feedback)
        self.alg.style_on_load(self.context, dest, style)
        return dest


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
