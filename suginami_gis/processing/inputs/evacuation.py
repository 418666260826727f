"""Evacuation inputs: origins with their population and district; the columns of the routes, the assignment,
the shelter load and the district reachability.

The origins group and reader of suginami:evacuationroutes, and the values of its output fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingContext,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterNumber,
    QgsWkbTypes,
)

from ...core import catchments as ca
from ...core import people
from ...core import routing as rt
from ..conversions import (
    VectorData,
    advanced,
    as_multipolygons,
    field_name,
    non_empty,
    read_vector,
    required_source,
)
from ..i18n import tr
from ..params import read_districts
from .network import zero_where_missing
from .shelters import Shelters, representative_xy

ORIGINS = "ORIGINS"
ORIGIN_ID_FIELD = "ORIGIN_ID_FIELD"
POPULATION_FIELD = "POPULATION_FIELD"
# People per origin without POPULATION_FIELD: the same key and figure as building damage's.
DEFAULT_OCCUPANTS = "DEFAULT_OCCUPANTS"
DISTRICT_FIELD = "DISTRICT_FIELD"


def add_origins(alg: QgsProcessingAlgorithm) -> None:
    """ORIGINS (points or polygons) with optional id, population and district fields."""
    alg.addParameter(
        QgsProcessingParameterFeatureSource(
            ORIGINS,
            tr("Origins (homes, buildings or district centroids: points or polygons)"),
            [QgsProcessing.TypeVectorPoint, QgsProcessing.TypeVectorPolygon],
        )
    )
    for key, label, kind in (
        (ORIGIN_ID_FIELD, tr("Origin id field (optional)"), QgsProcessingParameterField.Any),
        (
            POPULATION_FIELD,
            tr("Population field (optional; without it each origin counts DEFAULT_OCCUPANTS people)"),
            QgsProcessingParameterField.Numeric,
        ),
        (DISTRICT_FIELD, tr("District field of the origins (optional)"), QgsProcessingParameterField.Any),
    ):
        alg.addParameter(QgsProcessingParameterField(key, label, None, ORIGINS, kind, optional=True))
    alg.addParameter(
        advanced(
            QgsProcessingParameterNumber(
                DEFAULT_OCCUPANTS,
                tr("People per origin without a population field (default: 4.60 per building, as building damage)"),
                QgsProcessingParameterNumber.Double,
                people.DEFAULT_OCCUPANTS,
                False,
                0.0,
            )
        )
    )


@dataclass
class Origins:
    """The ORIGINS in the routing CRS: a point each, an id, a population and the district field's name."""

    data: VectorData
    wkb_type: QgsWkbTypes.Type  # of the layer, for the assignment output
    xy: np.ndarray
    ids: np.ndarray  # from ORIGIN_ID_FIELD, else the feature ids
    population: np.ndarray | None  # from POPULATION_FIELD (missing values as 0)
    district_field: str | None
    default_people: float = people.DEFAULT_OCCUPANTS  # per origin without POPULATION_FIELD

    def __len__(self) -> int:
        return len(self.data)

    def people(self) -> np.ndarray:
        """The people of each origin; DEFAULT_OCCUPANTS each without a population field."""
        return self.population if self.population is not None else np.full(len(self), self.default_people)

    def is_points(self) -> bool:
        return QgsWkbTypes.geometryType(self.wkb_type) == QgsWkbTypes.PointGeometry


def read_origins(
    alg: QgsProcessingAlgorithm,
    parameters: dict[str, Any],
    context: QgsProcessingContext,
    crs: QgsCoordinateReferenceSystem,
    feedback: Any,
) -> Origins:
    source = required_source(alg, parameters, ORIGINS, context)
    id_field = field_name(alg, parameters, ORIGIN_ID_FIELD, context)
    pop_field = field_name(alg, parameters, POPULATION_FIELD, context)
    district_field = field_name(alg, parameters, DISTRICT_FIELD, context)
    data = read_vector(source, context, crs, [id_field, pop_field, district_field], ORIGINS, feedback)
    non_empty(data, tr("ORIGINS: the layer has no features; choose a layer of origins."))
    ids = data.column(id_field, str) if id_field else np.array([str(i) for i in data.ids], dtype=object)
    population = None
    default_people = alg.parameterAsDouble(parameters, DEFAULT_OCCUPANTS, context)
    if pop_field:
        message = tr("{0} origins have no population: taken as 0.")
        population = zero_where_missing(data.column(pop_field, float), feedback, message)
    else:
        feedback.pushInfo(
            tr("POPULATION_FIELD not given: each origin counts {0:.2f} people (DEFAULT_OCCUPANTS).").format(
                default_people
            )
        )
    xy = representative_xy(data.geometries)
    return Origins(data, source.wkbType(), xy, ids, population, district_field, default_people)


def origin_districts(
    alg: QgsProcessingAlgorithm,
    parameters: dict[str, Any],
    context: QgsProcessingContext,
    origins: Origins,
    crs: QgsCoordinateReferenceSystem,
    feedback: Any,
) -> tuple[np.ndarray, dict[str, Any] | None]:
    """The district of each origin (its DISTRICT_FIELD, else the DISTRICTS polygon it lies in, else the ward),
    and {name: polygon} when polygons are given (one polygon per name: parts of a name are merged)."""
    import shapely

    n = len(origins)
    if origins.district_field:
        return origins.data.column(origins.district_field, str), None
    districts = read_districts(alg, parameters, context, crs, feedback)
    if districts is None:
        return np.full(n, tr("ward"), dtype=object), None
    names = np.array(districts.names, dtype=object)
    labels = np.full(n, tr("(outside districts)"), dtype=object)
    within = ca.polygon_of_points(origins.xy, np.asarray(districts.geometries, dtype=object))
    labels[within >= 0] = names[within[within >= 0]]
    geoms: dict[str, Any] = {}
    for name, poly in zip(names, districts.geometries):
        geoms[name] = shapely.union_all([geoms[name], poly]) if name in geoms else poly
    return labels, geoms


def route_columns(
    result: rt.EvacuationResult, origins: Origins, shelters: Shelters, which: np.ndarray
) -> dict[str, Any]:
    """Per route (of the origins ``which``): origin, shelter, length, time, passability and detour."""
    routes = result.routes
    shelter_id, shelter_name = shelters.chosen(routes.shelter[which])
    return {
        "origin_id": origins.ids[which],
        "shelter_id": shelter_id,
        "shelter_name": shelter_name,
        "length_m": routes.length_m[which],
        "time_min": routes.time_min[which],
        "p_passable": routes.p_passable[which],
        "detour_ratio": routes.detour_ratio[which],
        "snap_m": routes.snap_distance_m[which],
    }


def assignment_columns(
    result: rt.EvacuationResult, origins: Origins, shelters: Shelters, districts: np.ndarray
) -> dict[str, Any]:
    """Per origin: its shelter and route, people placed within capacity, reachability and district."""
    routes, cap, reach = result.routes, result.capacity, result.reachability
    shelter_id, shelter_name = shelters.chosen(routes.shelter)
    columns = {
        "origin_id": origins.ids,
        "shelter_id": shelter_id,
        "shelter_name": shelter_name,
        "population": origins.people(),
        "length_m": routes.length_m,
        "time_min": routes.time_min,
        "p_passable": routes.p_passable,
        "snap_m": routes.snap_distance_m,
        "unreachable": np.asarray(routes.unreachable, dtype=bool),
        "district": districts,
    }
    if cap is not None:
        columns.update(placed=np.asarray(cap.placed, dtype=np.int64), unplaced=np.asarray(cap.unplaced, dtype=np.int64))
    if reach is not None:
        columns.update(p_reach=reach.p_reach, isolated=np.asarray(reach.isolated, dtype=bool))
    return columns


def shelter_load_columns(result: rt.EvacuationResult, origins: Origins, shelters: Shelters) -> dict[str, Any]:
    """Per shelter: capacity, the people for whom it is nearest, those assigned to it, overflow and load."""
    routes, cap = result.routes, result.capacity
    reached = routes.within_limit
    nearest = np.bincount(routes.shelter[reached], weights=origins.people()[reached], minlength=len(shelters))
    if cap is None:
        none = [None] * len(shelters)
        capacity, assigned, demand, overflow, ratio = none, nearest, nearest, none, none
    else:
        capacity = np.asarray(shelters.capacity, dtype=np.float64)
        assigned, demand, overflow = (
            np.asarray(v, dtype=np.float64) for v in (cap.assigned, cap.demand_nearest, cap.overflow)
        )
        ratio = [d / c if c else None for d, c in zip(demand, capacity)]
    return {
        "shelter_id": shelters.ids,
        "shelter_name": shelters.names,
        "capacity": capacity,
        "demand_nearest": demand,
        "assigned": assigned,
        "overflow": overflow,
        "load_ratio": ratio,
        "snap_m": result.graph.shelter_snap.distance,
        "far_from_street": result.graph.far_shelters(),
        **shelters.gsi_columns,
    }


def district_columns(reach: rt.Reachability) -> dict[str, Any]:
    """Per district: population reaching a shelter (5th, 50th, 95th percentile over realizations), isolation."""
    total = np.asarray(reach.district_population, dtype=np.float64)
    p5, p50, p95 = np.asarray(reach.district_percentiles, dtype=np.float64).reshape(-1, 3).T
    return {
        "district": reach.district_labels,
        "population": reach.district_population,
        "reach_p5": p5,
        "reach_p50": p50,
        "reach_p95": p95,
        "isolated_population": reach.district_isolated_population,
        "isolated": (total > 0) & (p50 < 0.5 * total),
    }


def district_polygons(reach: rt.Reachability, polygons: dict[str, Any] | None) -> np.ndarray:
    """The polygon of each district of ``reach`` as a MultiPolygon (None without polygons)."""
    return as_multipolygons([polygons.get(label) if polygons is not None else None for label in reach.district_labels])
