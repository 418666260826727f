"""Road-blockage inputs: buildings with damage probabilities and closures; the columns of the blocked segments.

The parameter group and reader of suginami:roadblockage, and the values of its output fields.
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
    QgsProcessingException,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterNumber,
)

from ...core import blockage as bk
from ..conversions import advanced, field_name, is_set, non_empty, read_vector, required_source
from ..i18n import tr
from .network import NetworkInput

BUILDINGS = "BUILDINGS"
P_COLLAPSE_FIELD = "P_COLLAPSE_FIELD"
P_HALF_FIELD = "P_HALF_FIELD"
P_BURN_FIELD = "P_BURN_FIELD"
CLOSURES = "CLOSURES"
ALONG_DISTANCE = "ALONG_DISTANCE"
# Probability fields: parameter, default field (as Earthquake building damage and Fire following earthquake
# name them).
PROBABILITY_FIELDS = ((P_COLLAPSE_FIELD, "p_collapse"), (P_HALF_FIELD, "p_half"), (P_BURN_FIELD, "p_burn"))


def add_blockage_sources(alg: QgsProcessingAlgorithm) -> None:
    """BUILDINGS (footprints) with their collapse, half-collapse and burn probability fields; CLOSURES;
    ALONG_DISTANCE (advanced)."""
    alg.addParameter(
        QgsProcessingParameterFeatureSource(
            BUILDINGS,
            tr("Buildings with damage probabilities (output of Earthquake building damage; footprints)"),
            [QgsProcessing.TypeVectorPolygon],
        )
    )
    labels = (
        tr("Collapse probability field"),
        tr("At-least-half-collapse probability field"),
        tr("Burn probability field (optional; from Fire following earthquake)"),
    )
    for (key, default), label in zip(PROBABILITY_FIELDS, labels):
        alg.addParameter(
            QgsProcessingParameterField(
                key, label, default, BUILDINGS, QgsProcessingParameterField.Numeric, optional=True
            )
        )
    alg.addParameter(
        QgsProcessingParameterFeatureSource(
            CLOSURES,
            tr("Closures (optional polygons: streets crossing them are closed)"),
            [QgsProcessing.TypeVectorPolygon],
            optional=True,
        )
    )
    along = QgsProcessingParameterNumber(
        ALONG_DISTANCE,
        tr("Buildings count as 'along' a street up to this far behind its edge (m)"),
        QgsProcessingParameterNumber.Double,
        bk.ALONG_DISTANCE_M,
        False,
        0.0,
        50.0,
    )
    alg.addParameter(advanced(along))


@dataclass
class BlockageSources:
    """What blocks streets: damaged buildings (with probabilities) and closed areas."""

    buildings: np.ndarray  # footprints, shapely
    p_collapse: np.ndarray
    p_half: np.ndarray
    p_burn: np.ndarray | None  # without a burn field: no fire
    closures: np.ndarray | None  # polygons
    along_distance_m: float


def _probability_fields(
    alg: QgsProcessingAlgorithm, parameters: dict[str, Any], context: QgsProcessingContext, names: list[str]
) -> list[str | None]:
    """The chosen (or default) probability fields; collapse and half-collapse must exist, burn may not."""
    chosen = [field_name(alg, parameters, key, context, default) for key, default in PROBABILITY_FIELDS]
    for key, name in zip((P_COLLAPSE_FIELD, P_HALF_FIELD), chosen):
        if name not in names:
            raise QgsProcessingException(
                tr(
                    "{0}: field '{1}' is not in the buildings layer (fields: {2}); run Earthquake building damage "
                    "first or choose the field."
                ).format(key, name, ", ".join(names))
            )
    if chosen[2] not in names:
        if is_set(parameters, P_BURN_FIELD):
            raise QgsProcessingException(
                tr("P_BURN_FIELD: field '{0}' is not in the buildings layer.").format(chosen[2])
            )
        chosen[2] = None
    return chosen


def read_blockage_sources(
    alg: QgsProcessingAlgorithm,
    parameters: dict[str, Any],
    context: QgsProcessingContext,
    crs: QgsCoordinateReferenceSystem,
    feedback: Any = None,
) -> BlockageSources:
    """BUILDINGS (and CLOSURES) in the network's CRS, any CRS of theirs transformed to it."""
    source = required_source(alg, parameters, BUILDINGS, context)
    p_collapse, p_half, p_burn = _probability_fields(alg, parameters, context, source.fields().names())
    data = read_vector(source, context, crs, [p_collapse, p_half, p_burn], BUILDINGS, feedback)
    non_empty(data, tr("BUILDINGS: the layer has no features."))
    closures = alg.parameterAsSource(parameters, CLOSURES, context)
    return BlockageSources(
        data.geometries,
        data.column(p_collapse, float),
        data.column(p_half, float),
        data.column(p_burn, float) if p_burn else None,
        None if closures is None else read_vector(closures, context, crs, (), CLOSURES, feedback).geometries,
        alg.parameterAsDouble(parameters, ALONG_DISTANCE, context),
    )


def segment_columns(net_in: NetworkInput, result: bk.BlockageResult) -> dict[str, Any]:
    """Per street segment: its street, width, the buildings along it and its blockage probabilities."""
    net = net_in.network
    highway = net.highway if net.highway is not None else np.full(net.n_edges, None, dtype=object)
    return {
        "segment_id": np.arange(net.n_edges),
        "road_fid": np.asarray(net_in.road_fid, dtype=np.int64),
        "highway": [None if h in (None, "") else str(h) for h in highway],
        "length_m": net.length,
        "width_m": net.width,
        "width_estimated": np.asarray(net.width_estimated, dtype=bool),
        "width_source": net.width_source if net.width_source is not None else [None] * net.n_edges,
        "width_class": np.asarray(bk.width_class(net.width), dtype=np.int64),
        "n_along": np.asarray(result.n_along, dtype=np.int64),
        "damage_ratio": result.damage_ratio,
        "p_block_collapse": result.p_block_collapse,
        "p_fire": result.p_fire,
        "closed": np.asarray(result.closed, dtype=bool),
        "p_block": result.p_block,
    }
