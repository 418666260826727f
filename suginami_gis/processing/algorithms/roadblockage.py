"""suginami:roadblockage - blockage probability of every street segment (collapse, fire, closures)."""

from __future__ import annotations

from typing import Any

import numpy as np
from qgis.core import QgsProcessing, QgsProcessingException, QgsProcessingParameterFeatureSink, QgsWkbTypes

from ...core import blockage as bk
from ...core import network as nw
from ...core.feedback import SubFeedback
from ..conversions import OutputWriter
from ..i18n import tr
from ..inputs.blockage import BUILDINGS, add_blockage_sources, read_blockage_sources, segment_columns
from ..inputs.network import StreetNetworkAlgorithm, add_network_parameters, read_network

OUTPUT = "OUTPUT"


class RoadBlockageAlgorithm(StreetNetworkAlgorithm):
    NAME = "roadblockage"
    DISPLAY_NAME = "Road blockage by collapsed buildings and fire"

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:
        add_network_parameters(self, widths=True, blockage_field=False)
        add_blockage_sources(self)
        self.addParameter(
            QgsProcessingParameterFeatureSink(OUTPUT, tr("Street segments with blockage"), QgsProcessing.TypeVectorLine)
        )

    def compute(self, parameters, context, feedback, core_feedback) -> dict[str, Any]:
        net_in = read_network(
            self, parameters, context, feedback, SubFeedback(core_feedback, 0, 30), widths=True, blockage_field=False
        )
        net = net_in.network
        sources = read_blockage_sources(self, parameters, context, net_in.crs, feedback)
        feedback.pushInfo(tr("{0} buildings").format(len(sources.buildings)))
        if feedback.isCanceled():
            raise QgsProcessingException(tr("Canceled: no output was written."))
        unknown = int((~np.isfinite(net.width)).sum())
        nw.fill_widths(net, sources.buildings, feedback=SubFeedback(core_feedback, 30, 60))
        if unknown:
            feedback.pushInfo(
                tr(
                    "{0} of {1} segments had no width: estimated from the building footprints (or the road class)."
                ).format(unknown, net.n_edges)
            )
        result = bk.road_blockage(
            net,
            sources.buildings,
            sources.p_collapse,
            sources.p_half,
            p_burn=sources.p_burn,
            closures=sources.closures,
            along_distance_m=sources.along_distance_m,
            parameter=BUILDINGS,
            feedback=SubFeedback(core_feedback, 60, 90),
        )
        out = OutputWriter(self, parameters, context, net_in.crs, feedback)
        columns = segment_columns(net_in, result)
        dest_id = out.write(OUTPUT, SEGMENT_FIELDS, QgsWkbTypes.LineString, net.geometry, columns, "road_blockage")
        mean_block = float(np.average(result.p_block, weights=net.length))
        feedback.pushInfo(
            tr("Length-weighted mean blockage probability {0:.1%}; {1} segments closed.").format(
                mean_block, int(result.closed.sum())
            )
        )
        return {
            OUTPUT: dest_id,
            "SEGMENTS": net.n_edges,
            "MEAN_P_BLOCK": mean_block,
            "ESTIMATED_WIDTHS": int(net.width_estimated.sum()),
        }


# Output fields (their aliases: resources/data/field_aliases.yaml).
SEGMENT_FIELDS: tuple[tuple[str, type], ...] = (
    ("segment_id", int),
    ("road_fid", int),
    ("highway", str),
    ("length_m", float),
    ("width_m", float),
    ("width_estimated", bool),
    ("width_source", str),
    ("width_class", int),
    ("n_along", int),
    ("damage_ratio", float),
    ("p_block_collapse", float),
    ("p_fire", float),
    ("closed", bool),
    ("p_block", float),
)
