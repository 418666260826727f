"""suginami:shelteraccess - shelter service areas (catchments) by walking-time band, non-overlapping."""

from __future__ import annotations

from typing import Any

import numpy as np
from qgis.core import QgsProcessing, QgsProcessingParameterFeatureSink, QgsWkbTypes

from ...core import catchments as ca
from ...core import routing as rt
from ...core.feedback import SubFeedback
from ..conversions import OutputWriter, as_multipolygons
from ..i18n import tr
from ..inputs.catchments import add_service_area_parameters, area_columns, read_service_area_options
from ..inputs.network import (
    StreetNetworkAlgorithm,
    add_cost_parameters,
    add_network_parameters,
    read_cost,
    read_network,
)
from ..inputs.shelters import read_shelters
from ..params import SHELTER_MAX_SNAP, add_shelters

OUTPUT = "OUTPUT"


class ShelterAccessAlgorithm(StreetNetworkAlgorithm):
    NAME = "shelteraccess"
    DISPLAY_NAME = "Shelter service areas by walking time"

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:
        add_network_parameters(self)
        add_shelters(self, tr("Shelters (points)"))
        add_cost_parameters(self, tr("Which shelter is nearest by"))
        add_service_area_parameters(self)
        self.addParameter(
            QgsProcessingParameterFeatureSink(OUTPUT, tr("Shelter service areas"), QgsProcessing.TypeVectorPolygon)
        )

    def compute(self, parameters, context, feedback, core_feedback) -> dict[str, Any]:
        options = read_service_area_options(self, parameters, context)
        net_in = read_network(self, parameters, context, feedback, SubFeedback(core_feedback, 0, 20))
        shelters = read_shelters(self, parameters, context, net_in.crs, feedback=feedback)
        cost = read_cost(self, parameters, context)
        graph = rt.prepare_graph(
            net_in.network,
            shelters.xy,
            shelter_ids=shelters.ids,
            p_block=net_in.p_block,
            cost=cost.cost,
            risk_weight_m=cost.risk_weight_m,
            max_shelter_snap_m=self.parameterAsDouble(parameters, SHELTER_MAX_SNAP, context) or None,
        )
        areas = ca.service_areas(
            graph,
            bands_minutes=options.bands_minutes,
            walk_speed=cost.walk_speed,
            max_offset_m=options.max_offset_m,
            spacing_m=options.spacing_m,
            feedback=SubFeedback(core_feedback, 20, 95),
        )
        out = OutputWriter(self, parameters, context, net_in.crs, feedback)
        polygons = as_multipolygons(areas.geometry)
        dest = out.write(
            OUTPUT, AREA_FIELDS, QgsWkbTypes.MultiPolygon, polygons, area_columns(areas, shelters), "shelter_access"
        )
        count, total_m2 = len(areas.area_m2), float(areas.area_m2.sum())
        feedback.pushInfo(
            tr("{0} service areas for {1} shelters, {2:.2f} km2 in all.").format(
                count, len(np.unique(areas.shelter)), total_m2 / 1e6
            )
        )
        return {OUTPUT: dest, "AREAS": count, "TOTAL_AREA_M2": total_m2}


# Output fields (their aliases: resources/data/field_aliases.yaml).
AREA_FIELDS: tuple[tuple[str, type], ...] = (
    ("shelter_id", str),
    ("shelter_name", str),
    ("band_from_min", float),
    ("band_to_min", float),
    ("area_m2", float),
)
