"""suginami:roadblockage - blockage probability of every street segment (collapse, fire, closures)."""

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
    QgsWkbTypes,
)

from ...core import blockage as bk
from ...core import network as nw
from ..base import SuginamiAlgorithm
from ..conversions import advanced, field_name, is_set, make_fields, read_vector, write_features
from ..i18n import tr
from ..inputs.network import add_network_parameters, read_network

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


class RoadBlockageAlgorithm(SuginamiAlgorithm):
    NAME = "roadblockage"
    DISPLAY_NAME = "Road blockage by collapsed buildings and fire"
    GROUP = "Evacuation"
    GROUP_ID = "evacuation"

    BUILDINGS = "BUILDINGS"
    P_COLLAPSE_FIELD = "P_COLLAPSE_FIELD"
    P_HALF_FIELD = "P_HALF_FIELD"
    P_BURN_FIELD = "P_BURN_FIELD"
    CLOSURES = "CLOSURES"
    ALONG_DISTANCE = "ALONG_DISTANCE"
    OUTPUT = "OUTPUT"

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:
        add_network_parameters(self, widths=True, blockage_field=False)
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.BUILDINGS,
                tr("Buildings with damage probabilities (output of Earthquake building damage; footprints)"),
                [QgsProcessing.TypeVectorPolygon],
            )
        )
        for key, label, default in (
            (self.P_COLLAPSE_FIELD, tr("Collapse probability field"), "p_collapse"),
            (self.P_HALF_FIELD, tr("At-least-half-collapse probability field"), "p_half"),
            (self.P_BURN_FIELD, tr("Burn probability field (optional; from Fire following earthquake)"), "p_burn"),
        ):
            self.addParameter(
                QgsProcessingParameterField(
                    key, label, default, self.BUILDINGS, QgsProcessingParameterField.Numeric, optional=True
                )
            )
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.CLOSURES,
                tr("Closures (optional polygons: streets crossing them are closed)"),
                [QgsProcessing.TypeVectorPolygon],
                optional=True,
            )
        )
        self.addParameter(
            advanced(
                QgsProcessingParameterNumber(
                    self.ALONG_DISTANCE,
                    tr("Buildings count as 'along' a street up to this far behind its edge (m)"),
                    QgsProcessingParameterNumber.Double,
                    bk.ALONG_DISTANCE_M,
                    False,
                    0.0,
                    50.0,
                )
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                self.OUTPUT, tr("Street segments with blockage"), QgsProcessing.TypeVectorLine
            )
        )

    def compute(self, parameters, context, feedback, core_feedback) -> dict[str, Any]:
        from ...core.feedback import SubFeedback

        net_in = read_network(self, parameters, context, feedback, SubFeedback(core_feedback, 0, 30), True, False)
        net = net_in.network
        source = self.parameterAsSource(parameters, self.BUILDINGS, context)
        if source is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, self.BUILDINGS))
        names = source.fields().names()
        p_collapse_field = field_name(self, parameters, self.P_COLLAPSE_FIELD, context, "p_collapse")
        p_half_field = field_name(self, parameters, self.P_HALF_FIELD, context, "p_half")
        p_burn_field = field_name(self, parameters, self.P_BURN_FIELD, context, "p_burn")
        for key, name in ((self.P_COLLAPSE_FIELD, p_collapse_field), (self.P_HALF_FIELD, p_half_field)):
            if name not in names:
                raise QgsProcessingException(
                    tr(
                        "{0}: field '{1}' is not in the buildings layer (fields: {2}); run Earthquake building damage "
                        "first or choose the field."
                    ).format(key, name, ", ".join(names))
                )
        if p_burn_field not in names:
            if is_set(parameters, self.P_BURN_FIELD):
                raise QgsProcessingException(
                    tr("P_BURN_FIELD: field '{0}' is not in the buildings layer.").format(p_burn_field)
                )
            p_burn_field = None
        buildings = read_vector(
            source, context, net_in.crs, [p_collapse_field, p_half_field, p_burn_field], self.BUILDINGS
        )
        if len(buildings) == 0:
            raise QgsProcessingException(tr("BUILDINGS: the layer has no features."))
        feedback.pushInfo(tr("{0} buildings").format(len(buildings)))
        if feedback.isCanceled():
            raise QgsProcessingException(tr("Canceled: no output was written."))
        unknown = int((~np.isfinite(net.width)).sum())
        nw.fill_widths(net, buildings.geometries, feedback=SubFeedback(core_feedback, 30, 60))
        if unknown:
            feedback.pushInfo(
                tr(
                    "{0} of {1} segments had no width: estimated from the building footprints (or the road class)."
                ).format(unknown, net.n_edges)
            )
        closures = None
        closure_source = self.parameterAsSource(parameters, self.CLOSURES, context)
        if closure_source is not None:
            closures = read_vector(closure_source, context, net_in.crs, (), self.CLOSURES).geometries
        result = bk.road_blockage(
            net,
            buildings.geometries,
            buildings.column(p_collapse_field, float),
            buildings.column(p_half_field, float),
            p_burn=buildings.column(p_burn_field, float) if p_burn_field else None,
            closures=closures,
            along_distance_m=self.parameterAsDouble(parameters, self.ALONG_DISTANCE, context),
            parameter=self.BUILDINGS,
            feedback=SubFeedback(core_feedback, 60, 90),
        )
        fields = make_fields(SEGMENT_FIELDS)
        sink, dest_id = self.parameterAsSink(
            parameters, self.OUTPUT, context, fields, QgsWkbTypes.LineString, net_in.crs
        )
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, self.OUTPUT))
        classes = bk.width_class(net.width)
        highway = net.highway if net.highway is not None else np.full(net.n_edges, None, dtype=object)
        sources = net.width_source if net.width_source is not None else np.full(net.n_edges, None, dtype=object)
        rows = [
            [
                i,
                int(net_in.road_fid[i]),
                None if highway[i] in (None, "") else str(highway[i]),
                net.length[i],
                net.width[i],
                bool(net.width_estimated[i]),
                sources[i],
                int(classes[i]),
                int(result.n_along[i]),
                result.damage_ratio[i],
                result.p_block_collapse[i],
                result.p_fire[i],
                bool(result.closed[i]),
                result.p_block[i],
            ]
            for i in range(net.n_edges)
        ]
        write_features(sink, fields, net.geometry, rows, feedback)
        self.style_on_load(context, dest_id, "road_blockage")
        mean_block = float(np.average(result.p_block, weights=net.length))
        feedback.pushInfo(
            tr("Length-weighted mean blockage probability {0:.1%}; {1} segments closed.").format(
                mean_block, int(result.closed.sum())
            )
        )
        return {
            self.OUTPUT: dest_id,
            "SEGMENTS": net.n_edges,
            "MEAN_P_BLOCK": mean_block,
            "ESTIMATED_WIDTHS": int(net.width_estimated.sum()),
        }
