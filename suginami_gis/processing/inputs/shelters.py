"""Shelter inputs: relief-centre points with their id, name and capacity."""

from __future__ import annotations

import numpy as np
from qgis.core import QgsProcessingException

from ..conversions import read_vector
from ..i18n import tr


def representative_xy(geometries: np.ndarray) -> np.ndarray:
    """A point per feature (the point itself, or a point on the polygon's surface); NaN for none."""
    import shapely

    xy = np.full((len(geometries), 2), np.nan)
    present = np.array([g is not None for g in geometries], dtype=bool)
    if present.any():
        xy[present] = shapely.get_coordinates(shapely.point_on_surface(geometries[present]))
    return xy


def read_shelters(alg, parameters, context, crs, id_key, name_key, capacity_key=None):
    """Shelter points as (VectorData, xy, ids, names, capacity or None)."""
    source = alg.parameterAsSource(parameters, "SHELTERS", context)
    if source is None:
        raise QgsProcessingException(alg.invalidSourceError(parameters, "SHELTERS"))
    id_field = alg.parameterAsString(parameters, id_key, context) or None
    name_field = alg.parameterAsString(parameters, name_key, context) or None
    cap_field = (alg.parameterAsString(parameters, capacity_key, context) or None) if capacity_key else None
    data = read_vector(source, context, crs, [id_field, name_field, cap_field], "SHELTERS")
    if len(data) == 0:
        raise QgsProcessingException(
            tr("SHELTERS: the layer has no features; choose a layer with at least one shelter.")
        )
    ids = data.column(id_field, str) if id_field else np.array([str(i) for i in data.ids], dtype=object)
    names = data.column(name_field, str) if name_field else np.full(len(data), "", dtype=object)
    capacity = data.column(cap_field, float) if cap_field else None
    return source, data, representative_xy(data.geometries), ids, names, capacity
