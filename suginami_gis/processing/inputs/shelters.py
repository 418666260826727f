"""Shelter inputs: relief-centre points with their id, name and capacity."""

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
)

from ..conversions import VectorData, field_name, non_empty, read_vector, required_source
from ..i18n import tr
from ..params import CAPACITY_FIELD, SHELTER_ID_FIELD, SHELTER_NAME_FIELD, SHELTERS


def representative_xy(geometries: np.ndarray) -> np.ndarray:
    """A point per feature (the point itself, or a point on the polygon's surface); NaN for none."""
    import shapely

    xy = np.full((len(geometries), 2), np.nan)
    present = np.array([g is not None for g in geometries], dtype=bool)
    if present.any():
        xy[present] = shapely.get_coordinates(shapely.point_on_surface(geometries[present]))
    return xy


@dataclass
class Shelters:
    """The SHELTERS points in the routing CRS, with an id and a name each (and capacities when asked for)."""

    source: QgsProcessingFeatureSource
    data: VectorData
    xy: np.ndarray
    ids: np.ndarray  # from SHELTER_ID_FIELD, else the feature ids
    names: np.ndarray  # from SHELTER_NAME_FIELD, else ""
    capacity: np.ndarray | None  # people, from CAPACITY_FIELD

    def __len__(self) -> int:
        return len(self.data)

    def chosen(self, shelter: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Id and name of the shelter chosen per origin (``shelter``: index, -1 for none); None for none."""
        index, found = np.maximum(shelter, 0), shelter >= 0
        return np.where(found, self.ids[index], None), np.where(found, self.names[index], None)


def read_shelters(
    alg: QgsProcessingAlgorithm,
    parameters: dict[str, Any],
    context: QgsProcessingContext,
    crs: QgsCoordinateReferenceSystem,
    capacity: bool = False,
) -> Shelters:
    """The SHELTERS group (params.add_shelters); with ``capacity``, every shelter needs one when the field is set."""
    source = required_source(alg, parameters, SHELTERS, context)
    id_field = field_name(alg, parameters, SHELTER_ID_FIELD, context)
    name_field = field_name(alg, parameters, SHELTER_NAME_FIELD, context)
    cap_field = field_name(alg, parameters, CAPACITY_FIELD, context) if capacity else None
    data = read_vector(source, context, crs, [id_field, name_field, cap_field], SHELTERS)
    non_empty(data, tr("SHELTERS: the layer has no features; choose a layer with at least one shelter."))
    ids = data.column(id_field, str) if id_field else np.array([str(i) for i in data.ids], dtype=object)
    names = data.column(name_field, str) if name_field else np.full(len(data), "", dtype=object)
    people = data.column(cap_field, float) if cap_field else None
    if people is not None and (~np.isfinite(people)).any():
        raise QgsProcessingException(tr("CAPACITY_FIELD: some shelters have no capacity; fill the field."))
    return Shelters(source, data, representative_xy(data.geometries), ids, names, people)
