"""Helpers of every domain: numbers declared as table rows, output layers that extend an input
layer with result fields, and the per-district table written to OUTPUT_DISTRICTS."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFields,
    QgsProcessingAlgorithm,
    QgsProcessingContext,
    QgsProcessingParameterNumber,
)

from ..conversions import advanced, copy_features, is_set, make_fields
from ..i18n import tr
from ..params import OUTPUT_DISTRICTS, Districts


class Number(NamedTuple):
    """One numeric parameter as a table row; no ``maximum`` leaves it unbounded above."""

    key: str
    label: str
    default: float | None
    minimum: float
    maximum: float | None = None
    optional: bool = False
    advanced: bool = False
    integer: bool = False


def number_parameter(row: Number) -> QgsProcessingParameterNumber:
    kind = QgsProcessingParameterNumber.Integer if row.integer else QgsProcessingParameterNumber.Double
    bounds = (row.minimum,) if row.maximum is None else (row.minimum, row.maximum)
    parameter = QgsProcessingParameterNumber(row.key, row.label, kind, row.default, row.optional, *bounds)
    return advanced(parameter) if row.advanced else parameter


def add_numbers(alg: QgsProcessingAlgorithm, rows: Iterable[Number]) -> None:
    """Add one numeric parameter per row, in the rows' order."""
    for row in rows:
        alg.addParameter(number_parameter(row))


def extended_fields(fields_in: QgsFields, spec: Sequence[tuple[str, type]]) -> tuple[QgsFields, list[str]]:
    """The input's fields except those ``spec`` names, then ``spec``'s; and the names kept.

    A layer that already went through the algorithm gets fresh result fields, not a second set.
    """
    ours = {name for name, _ in spec}
    kept = [name for name in fields_in.names() if name not in ours]
    base = QgsFields()
    for name in kept:
        base.append(fields_in.at(fields_in.lookupField(name)))
    return make_fields(spec, base), kept


def write_district_table(
    alg: QgsProcessingAlgorithm,
    parameters: dict[str, Any],
    context: QgsProcessingContext,
    districts: Districts | None,
    spec: Sequence[tuple[str, type]],
    rows: Sequence[Sequence[Any]],
    crs: QgsCoordinateReferenceSystem,
    feedback: Any,
) -> str | None:
    """One row per district (in ``districts`` order) with its own geometry, to OUTPUT_DISTRICTS.

    Returns the destination id, or None when OUTPUT_DISTRICTS is not asked for or there are no DISTRICTS.
    """
    if not is_set(parameters, OUTPUT_DISTRICTS):
        return None
    if districts is None:
        feedback.pushInfo(tr("OUTPUT_DISTRICTS: no DISTRICTS layer was given, so no district table is written."))
        return None
    fields = make_fields(list(spec))
    sink, dest_id = alg.parameterAsSink(parameters, OUTPUT_DISTRICTS, context, fields, districts.source.wkbType(), crs)
    if sink is None:
        return None
    copy_features(sink, fields, districts.source, context, districts.ids, rows, crs, feedback)
    return dest_id
