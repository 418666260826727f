"""Building inputs and outputs: a buildings layer's attributes and centroids, outputs that keep its fields.

The damage fields (structure, year, occupants, taxonomy, retrofit flag, dwellings) are read and
checked here for suginami:buildingdamage; the scenario passes the same keys to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsProcessingAlgorithm,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeatureSource,
    QgsWkbTypes,
)

from ...core import fragility as fr
from ..conversions import (
    VectorData,
    as_bool,
    copy_features,
    extended_fields,
    holds_source_geometries,
    read_vector,
    required_source,
    write_columns,
)
from ..gpkg_sql import close_sink, copyable, extend_in_sql, sql_target
from ..i18n import tr

BUILDINGS = "BUILDINGS"
STRUCTURE_FIELD = "STRUCTURE_FIELD"
YEAR_FIELD = "YEAR_FIELD"
OCCUPANTS_FIELD = "OCCUPANTS_FIELD"
TAXONOMY_FIELD = "TAXONOMY_FIELD"
RETROFIT_FIELD = "RETROFIT_FIELD"
DWELLINGS_FIELD = "DWELLINGS_FIELD"
# Damage fields that must hold numbers.
NUMERIC_DAMAGE_FIELDS = (OCCUPANTS_FIELD, YEAR_FIELD, DWELLINGS_FIELD)


def read_attributes(
    source: QgsProcessingFeatureSource,
    context: QgsProcessingContext,
    fields: Sequence[str | None],
    parameter: str,
    target_crs: QgsCoordinateReferenceSystem | None = None,
    feedback: Any = None,
) -> VectorData:
    """Every attribute of the layer (so outputs can keep them), plus the named ``fields``.

    Geometries in ``target_crs`` when given (the working CRS), else the layer's. A named field
    missing from the layer is reported by read_vector with ``parameter``. When the output can copy
    the layer's fields in SQL (gpkg_sql.copyable) only the named ``fields`` are read: write_buildings
    reads the others only if the output cannot be copied after all.
    """
    names = source.fields().names()
    wanted = (
        [f for f in fields if f]
        if keeps_fields_in_sql(source, target_crs)
        else names + [f for f in fields if f and f not in names]
    )
    return read_vector(source, context, target_crs, wanted, parameter, feedback)


def keeps_fields_in_sql(source: QgsProcessingFeatureSource, crs: QgsCoordinateReferenceSystem | None) -> bool:
    """Whether an output of ``source`` read in ``crs`` can take the fields it keeps from the layer in SQL."""
    return (crs is None or not crs.isValid() or crs == source.sourceCrs()) and copyable(source)


def centroids(geometries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Centroid x and y of each geometry in its own CRS; NaN for features without geometry."""
    import shapely

    x = np.full(len(geometries), np.nan)
    y = np.full(len(geometries), np.nan)
    present = np.array([g is not None for g in geometries], dtype=bool)
    if present.any():
        centres = shapely.centroid(np.asarray(geometries[present]))
        x[present], y[present] = shapely.get_x(centres), shapely.get_y(centres)
    return x, y


def write_buildings(
    alg: QgsProcessingAlgorithm,
    parameters: dict[str, Any],
    context: QgsProcessingContext,
    source: QgsProcessingFeatureSource,
    data: VectorData,
    spec: Sequence[tuple[str, type]],
    columns: Sequence[Sequence[Any]],
    feedback: Any,
    key: str = "OUTPUT",
    crs: QgsCoordinateReferenceSystem | None = None,
) -> str:
    """Write every building with its own fields and geometry plus one column per ``spec`` entry.

    An input field named like a ``spec`` field is replaced by the new column. ``crs``: the CRS ``data``'s
    geometries were read in, which the output takes (they are written as read); without it the output
    takes the layer's CRS and geometries. Returns the destination id. A GeoPackage input written to a
    GeoPackage in its own CRS is copied in SQL (processing/gpkg_sql.py).
    """
    as_read = crs is not None
    crs = crs if crs is not None else source.sourceCrs()
    out_fields, kept = extended_fields(source.fields(), list(spec))
    sink, dest_id = alg.parameterAsSink(parameters, key, context, out_fields, source.wkbType(), crs)
    if sink is None:
        raise QgsProcessingException(alg.invalidSinkError(parameters, key))
    own = holds_source_geometries(source, data) and crs == source.sourceCrs()
    target = sql_target(source, data, sink, dest_id, context, kept) if own else None
    if target is not None:
        close_sink(sink)
        del sink  # QGIS's sink is released: its table exists, empty
        extend_in_sql(target, source, data, kept, spec, columns, key)
        return dest_id
    attributes = _with_kept_fields(source, context, data, kept)
    values = [attributes[name] for name in kept] + list(columns)
    if own or as_read:
        # The geometries read are the layer's own (or those the output asks for): written from memory.
        write_columns(sink, out_fields, data.geometries, values, feedback)
    else:
        copy_features(sink, out_fields, source, context, data.ids, (), None, feedback, columns=values)
    return dest_id


def _with_kept_fields(
    source: QgsProcessingFeatureSource, context: QgsProcessingContext, data: VectorData, kept: list[str]
) -> dict[str, list[Any]]:
    """``data``'s attributes with the fields the output keeps (read now if read_attributes left them out)."""
    missing = [name for name in kept if name not in data.attributes]
    if not missing:
        return data.attributes
    extra = read_vector(source, context, None, missing, data.parameter)
    if extra.ids.tolist() != data.ids.tolist():
        raise QgsProcessingException(tr("{0}: the layer changed while it was read.").format(data.parameter))
    return {**data.attributes, **extra.attributes}


@dataclass
class DamageBuildings:
    """The attributes the damage model needs, one entry per building of ``data``."""

    data: VectorData
    structure: np.ndarray  # fragility.Structure codes
    years: np.ndarray
    occupants: np.ndarray | None
    dwellings: np.ndarray | None
    taxonomy: np.ndarray | None
    retrofit_flags: np.ndarray | None
    x: np.ndarray  # centroids in the layer's CRS; NaN without geometry
    y: np.ndarray


def damage_source(
    alg: QgsProcessingAlgorithm, parameters: dict[str, Any], context: QgsProcessingContext
) -> QgsProcessingFeatureSource:
    """The BUILDINGS layer: footprints or points (a point per building is enough to sample ground motion)."""
    source = required_source(alg, parameters, BUILDINGS, context)
    if QgsWkbTypes.geometryType(source.wkbType()) == QgsWkbTypes.LineGeometry:
        raise QgsProcessingException(
            tr("BUILDINGS: the layer has line geometries; give building footprints (polygons) or points.")
        )
    return source


def damage_field_names(
    alg: QgsProcessingAlgorithm,
    parameters: dict[str, Any],
    context: QgsProcessingContext,
    source: QgsProcessingFeatureSource,
) -> dict[str, str | None]:
    """The chosen damage fields by parameter key (None when not chosen), checked against the layer."""
    keys = (STRUCTURE_FIELD, YEAR_FIELD, OCCUPANTS_FIELD, TAXONOMY_FIELD, RETROFIT_FIELD, DWELLINGS_FIELD)
    names = {key: alg.parameterAsString(parameters, key, context) or None for key in keys}
    if not names[STRUCTURE_FIELD] or not names[YEAR_FIELD]:
        raise QgsProcessingException(tr("STRUCTURE_FIELD and YEAR_FIELD: choose the building fields."))
    fields = source.fields()
    for key, name in names.items():
        if name and fields.lookupField(name) < 0:
            raise QgsProcessingException(
                tr("{0}: field '{1}' is not in the buildings layer (fields: {2}).").format(
                    key, name, ", ".join(fields.names())
                )
            )
    for key in NUMERIC_DAMAGE_FIELDS:
        name = names[key]
        if name and not fields.at(fields.lookupField(name)).isNumeric():
            raise QgsProcessingException(
                tr("{0}: field '{1}' is not numeric; choose a numeric field.").format(key, name)
            )
    return names


def _counts(data: VectorData, name: str | None, message: str) -> np.ndarray | None:
    """A per-building count column; ``message`` (with the number of bad buildings) if one is empty or negative."""
    if not name:
        return None
    values = data.column(name, float)
    bad = ~np.isfinite(values) | (values < 0)
    if bad.any():
        raise QgsProcessingException(message.format(int(bad.sum())))
    return values


def _warn_implausible_occupants(data: VectorData, occupants: np.ndarray, feedback: Any) -> None:
    """A warning naming the buildings whose occupants no building could hold (core/people.py)."""
    import shapely

    from ...core.people import implausible_occupants

    areas = np.asarray(shapely.area(data.geometries), dtype=np.float64)  # NaN without a geometry
    bad = np.flatnonzero(implausible_occupants(occupants, areas))
    if bad.size:
        ids = ", ".join(str(int(i)) for i in data.ids[bad][:5])
        feedback.pushWarning(
            tr(
                "OCCUPANTS_FIELD: {0} buildings have more occupants than 1.5 people per m² on 64 floors of their "
                "footprint could be (feature ids {1}); check the field (they are used as given)."
            ).format(bad.size, ids)
        )


def read_damage_buildings(
    source: QgsProcessingFeatureSource,
    context: QgsProcessingContext,
    names: dict[str, str | None],
    feedback: Any,
    crs: QgsCoordinateReferenceSystem | None = None,
) -> DamageBuildings:
    """Read and check the damage fields ``names`` (from damage_field_names) of every building, in ``crs``."""
    feedback.pushInfo(tr("Reading {0} buildings").format(source.featureCount()))
    data = read_attributes(source, context, list(names.values()), BUILDINGS, crs, feedback)
    if feedback.isCanceled():
        raise QgsProcessingException(tr("Canceled: no output was written."))
    if len(data) == 0:
        raise QgsProcessingException(tr("BUILDINGS: the layer has no features."))
    structure = fr.parse_structure(data.column(names[STRUCTURE_FIELD], str), STRUCTURE_FIELD)
    years = fr.parse_years(data.column(names[YEAR_FIELD], float), YEAR_FIELD)
    occupants = _counts(
        data,
        names[OCCUPANTS_FIELD],
        tr("OCCUPANTS_FIELD: {0} buildings have an empty or negative occupant count."),
    )
    if occupants is not None:
        _warn_implausible_occupants(data, occupants, feedback)
    dwellings = _counts(
        data,
        names[DWELLINGS_FIELD],
        tr("DWELLINGS_FIELD: {0} buildings have an empty or negative dwelling count."),
    )
    taxonomy_field, retrofit_field = names[TAXONOMY_FIELD], names[RETROFIT_FIELD]
    taxonomy = data.column(taxonomy_field, str) if taxonomy_field else None
    retrofit_flags = None
    if retrofit_field:
        retrofit_flags = np.array([as_bool(v, RETROFIT_FIELD) for v in data.attributes[retrofit_field]])
    x, y = centroids(data.geometries)
    if data.null_geometries:
        feedback.pushInfo(tr("{0} buildings have no geometry: skipped.").format(data.null_geometries))
    return DamageBuildings(data, structure, years, occupants, dwellings, taxonomy, retrofit_flags, x, y)
