"""District outputs: the OUTPUT_DISTRICTS table of the summary outputs (params.py), one row per district."""

from __future__ import annotations

from typing import Any

from qgis.core import QgsCoordinateReferenceSystem, QgsProcessingAlgorithm, QgsProcessingContext

from ..conversions import copy_features, is_set, make_fields
from ..i18n import tr
from ..params import OUTPUT_DISTRICTS, Districts


def write_district_table(
    alg: QgsProcessingAlgorithm,
    parameters: dict[str, Any],
    context: QgsProcessingContext,
    districts: Districts | None,
    spec: list[tuple[str, type]],
    rows: list[list[Any]],
    crs: QgsCoordinateReferenceSystem,
    feedback: Any,
) -> str | None:
    """Write ``rows`` (one per district of ``districts``) with the districts' own geometries in ``crs``.

    Returns the destination id, or None when OUTPUT_DISTRICTS was not asked for or there are no districts.
    """
    if not is_set(parameters, OUTPUT_DISTRICTS):
        return None
    if districts is None:
        feedback.pushInfo(tr("OUTPUT_DISTRICTS: no DISTRICTS layer was given, so no district table is written."))
        return None
    fields = make_fields(spec)
    sink, dest_id = alg.parameterAsSink(parameters, OUTPUT_DISTRICTS, context, fields, districts.source.wkbType(), crs)
    if sink is None:
        return None
    copy_features(sink, fields, districts.source, context, districts.ids, rows, crs, feedback)
    return dest_id
