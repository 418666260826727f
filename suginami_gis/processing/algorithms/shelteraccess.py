"""suginami:shelteraccess - shelter service areas (catchments) by walking-time band, non-overlapping."""

from __future__ import annotations

from typing import Any

import numpy as np
from qgis.core import (
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
    QgsWkbTypes,
)

from ...core import catchments as ca
from ...core import routing as rt
from ...core.feedback import SubFeedback
from ..base import SuginamiAlgorithm
from ..conversions import advanced, make_fields, write_features
from ..i18n import tr
from ..inputs.network import add_cost_parameters, add_network_parameters, read_network
from ..inputs.shelters import read_shelters

AREA_FIELDS: tuple[tuple[str, type], ...] = (
    ("shelter_id", str),
    ("shelter_name", str),
    ("band_from_min", float),
    ("band_to_min", float),
    ("area_m2", float),
)


def parse_bands(text: str) -> list[float]:
    """'5, 10, 15' -> [5.0, 10.0, 15.0]; raises ValueError on anything else."""
    parts = [p for p in text.replace(";", ",").replace(" ", ",").split(",") if p.strip()]
    return [float(p) for p in parts]


class ShelterAccessAlgorithm(SuginamiAlgorithm):
    NAME = "shelteraccess"
    DISPLAY_NAME = "Shelter service areas by walking time"
    GROUP = "Evacuation"
    GROUP_ID = "evacuation"

    SHELTERS = "SHELTERS"
    SHELTER_ID_FIELD = "SHELTER_ID_FIELD"
    SHELTER_NAME_FIELD = "SHELTER_NAME_FIELD"
    COST = "COST"
    RISK_WEIGHT = "RISK_WEIGHT"
    WALK_SPEED = "WALK_SPEED"
    BANDS = "BANDS"
    MAX_OFFSET = "MAX_OFFSET"
    SPACING = "SPACING"
    OUTPUT = "OUTPUT"

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:
        add_network_parameters(self, widths=False, blockage_field=True)
        self.addParameter(
            QgsProcessingParameterFeatureSource(self.SHELTERS, tr("Shelters (points)"), [QgsProcessing.TypeVectorPoint])
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.SHELTER_ID_FIELD, tr("Shelter id field (optional; unique)"), None, self.SHELTERS, optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.SHELTER_NAME_FIELD, tr("Shelter name field (optional)"), None, self.SHELTERS, optional=True
            )
        )
        add_cost_parameters(self, tr("Which shelter is nearest by"))
        self.addParameter(
            QgsProcessingParameterString(self.BANDS, tr("Time bands (minutes, comma separated)"), "5, 10, 15")
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.MAX_OFFSET,
                tr("Largest distance of a place from its street (m)"),
                QgsProcessingParameterNumber.Double,
                ca.MAX_OFFSET_M,
                False,
                1.0,
            )
        )
        self.addParameter(
            advanced(
                QgsProcessingParameterNumber(
                    self.SPACING,
                    tr("Sampling interval along the streets (m)"),
                    QgsProcessingParameterNumber.Double,
                    ca.SAMPLE_SPACING_M,
                    False,
                    0.5,
                )
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSink(self.OUTPUT, tr("Shelter service areas"), QgsProcessing.TypeVectorPolygon)
        )

    def compute(self, parameters, context, feedback, core_feedback) -> dict[str, Any]:
        text = self.parameterAsString(parameters, self.BANDS, context)
        try:
            bands = parse_bands(text)
        except ValueError as exc:
            raise QgsProcessingException(
                tr("BANDS: '{0}' is not a list of minutes; write e.g. 5, 10, 15.").format(text)
            ) from exc
        net_in = read_network(self, parameters, context, feedback, SubFeedback(core_feedback, 0, 20), False, True)
        _, shelters, shelter_xy, shelter_ids, shelter_names, _ = read_shelters(
            self, parameters, context, net_in.crs, self.SHELTER_ID_FIELD, self.SHELTER_NAME_FIELD
        )
        graph = rt.prepare_graph(
            net_in.network,
            shelter_xy,
            shelter_ids=shelter_ids,
            p_block=net_in.p_block,
            cost=rt.Cost(self.parameterAsEnum(parameters, self.COST, context)),
            risk_weight_m=self.parameterAsDouble(parameters, self.RISK_WEIGHT, context),
        )
        areas = ca.service_areas(
            graph,
            bands_minutes=bands,
            walk_speed=self.parameterAsDouble(parameters, self.WALK_SPEED, context),
            max_offset_m=self.parameterAsDouble(parameters, self.MAX_OFFSET, context),
            spacing_m=self.parameterAsDouble(parameters, self.SPACING, context),
            feedback=SubFeedback(core_feedback, 20, 95),
        )
        fields = make_fields(AREA_FIELDS)
        sink, dest = self.parameterAsSink(
            parameters, self.OUTPUT, context, fields, QgsWkbTypes.MultiPolygon, net_in.crs
        )
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, self.OUTPUT))
        ids = np.asarray(shelter_ids, dtype=object)
        names = np.asarray(shelter_names, dtype=object)
        rows = [
            [ids[s], names[s], lo, hi, area]
            for s, lo, hi, area in zip(areas.shelter, areas.band_from_min, areas.band_to_min, areas.area_m2)
        ]
        write_features(sink, fields, _multi(areas.geometry), rows, feedback)
        self.style_on_load(context, dest, "shelter_access")
        feedback.pushInfo(
            tr("{0} service areas for {1} shelters, {2:.2f} km2 in all.").format(
                len(rows), len(np.unique(areas.shelter)), float(areas.area_m2.sum()) / 1e6
            )
        )
        return {self.OUTPUT: dest, "AREAS": len(rows), "TOTAL_AREA_M2": float(areas.area_m2.sum())}


def _multi(geoms: np.ndarray) -> np.ndarray:
    import shapely

    out = np.empty(len(geoms), dtype=object)
    for i, g in enumerate(geoms):
        if g.geom_type == "Polygon":
            g = shapely.MultiPolygon([g])
        elif g.geom_type == "GeometryCollection":
            g = shapely.MultiPolygon([p for p in shapely.get_parts(g) if p.geom_type == "Polygon"])
        out[i] = g
    return out
