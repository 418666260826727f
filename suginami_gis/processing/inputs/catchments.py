"""Service-area inputs: the time bands and sampling of suginami:shelteraccess; the columns of its areas."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from qgis.core import (
    QgsProcessingAlgorithm,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)

from ...core import catchments as ca
from ..conversions import advanced
from ..i18n import tr
from .shelters import Shelters

BANDS = "BANDS"
MAX_OFFSET = "MAX_OFFSET"
SPACING = "SPACING"


def add_service_area_parameters(alg: QgsProcessingAlgorithm) -> None:
    """BANDS (minutes), MAX_OFFSET and SPACING (advanced)."""
    alg.addParameter(QgsProcessingParameterString(BANDS, tr("Time bands (minutes, comma separated)"), "5, 10, 15"))
    alg.addParameter(
        QgsProcessingParameterNumber(
            MAX_OFFSET,
            tr("Largest distance of a place from its street (m)"),
            QgsProcessingParameterNumber.Double,
            ca.MAX_OFFSET_M,
            False,
            1.0,
        )
    )
    spacing = QgsProcessingParameterNumber(
        SPACING,
        tr("Sampling interval along the streets (m)"),
        QgsProcessingParameterNumber.Double,
        ca.SAMPLE_SPACING_M,
        False,
        0.5,
    )
    alg.addParameter(advanced(spacing))


@dataclass
class ServiceAreaOptions:
    bands_minutes: list[float]
    max_offset_m: float  # places farther from every street belong to no area
    spacing_m: float  # sampling interval along the streets


def read_service_area_options(
    alg: QgsProcessingAlgorithm, parameters: dict[str, Any], context: QgsProcessingContext
) -> ServiceAreaOptions:
    """BANDS as minutes ('5, 10, 15' -> [5.0, 10.0, 15.0]), MAX_OFFSET and SPACING."""
    text = alg.parameterAsString(parameters, BANDS, context)
    parts = [p for p in text.replace(";", ",").replace(" ", ",").split(",") if p.strip()]
    try:
        bands = [float(p) for p in parts]
    except ValueError as exc:
        raise QgsProcessingException(
            tr("BANDS: '{0}' is not a list of minutes; write e.g. 5, 10, 15.").format(text)
        ) from exc
    return ServiceAreaOptions(
        bands,
        alg.parameterAsDouble(parameters, MAX_OFFSET, context),
        alg.parameterAsDouble(parameters, SPACING, context),
    )


def area_columns(areas: ca.ServiceAreas, shelters: Shelters) -> dict[str, Any]:
    """Per service area: its shelter and time band, and its area."""
    shelter = np.asarray(areas.shelter, dtype=np.intp)
    return {
        "shelter_id": shelters.ids[shelter],
        "shelter_name": shelters.names[shelter],
        "band_from_min": areas.band_from_min,
        "band_to_min": areas.band_to_min,
        "area_m2": areas.area_m2,
    }
