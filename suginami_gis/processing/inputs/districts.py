"""District outputs: the OUTPUT_DISTRICTS table of the summary outputs (params.py), one row per district."""

from __future__ import annotations

from collections.abc import Sequence
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
