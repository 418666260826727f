"""suginami:roadblockage - blockage probability of every street segment (collapse, fire, closures).

Also holds the street-network parameters and reader shared by suginami:evacuationroutes and
suginami:shelteraccess (module-level helpers; only RoadBlockageAlgorithm is an algorithm here).
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
    QgsProcessingFeatureSource,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterNumber,
    QgsWkbTypes,
)

from ...core import blockage as bk
from ...core import network as nw
from ..base import SuginamiAlgorithm
from ..conversions import advanced, is_set, make_fields, read_vector, require_projected, write_features
from ..i18n import tr

ROADS = "ROADS"
WIDTH_FIELD = "WIDTH_FIELD"
HIGHWAY_FIELD = "HIGHWAY_FIELD"
SNAP_TOLERANCE = "SNAP_TOLERANCE"
NODE_CROSSINGS = "NODE_CROSSINGS"
OSM_FILE = "OSM_FILE"
P_BLOCK_FIELD = "P_BLOCK_FIELD"
# CRS of networks read from an OSM file (JGD2011 / Japan Plane Rectangular CS IX, Tokyo).
OSM_CRS = nw.DEFAULT_METRIC_CRS


def add_network_parameters(alg: QgsProcessingAlgorithm, widths: bool, blockage_field: bool) -> None:
    """ROADS (+ fields), SNAP_TOLERANCE, NODE_CROSSINGS, OSM_FILE (and P_BLOCK_FIELD for routing)."""
    alg.addParameter(
        QgsProcessingParameterFeatureSource(
            ROADS,
            tr("Streets (centre lines in a projected CRS; or the output of Road blockage)"),
            [QgsProcessing.TypeVectorLine],
            optional=True,
        )
    )
    if widths:
        alg.addParameter(
            QgsProcessingParameterField(
                WIDTH_FIELD,
                tr("Street width field (m, optional)"),
                None,
                ROADS,
                QgsProcessingParameterField.Numeric,
                optional=True,
            )
        )
        alg.addParameter(
            QgsProcessingParameterField(
                HIGHWAY_FIELD, tr("Road class field (OSM highway values, optional)"), None, ROADS, optional=True
            )
        )
    if blockage_field:
        alg.addParameter(
            QgsProcessingParameterField(
                P_BLOCK_FIELD,
                tr("Blockage probability field (default p_block, from Road blockage)"),
                "p_block",
                ROADS,
                QgsProcessingParameterField.Numeric,
                optional=True,
            )
        )
    alg.addParameter(
        QgsProcessingParameterNumber(
            SNAP_TOLERANCE,
            tr("Snap tolerance for joining line ends (m)"),
            QgsProcessingParameterNumber.Double,
            0.0,
            False,
            0.0,
            100.0,
        )
    )
    alg.addParameter(
        advanced(
            QgsProcessingParameterBoolean(
                NODE_CROSSINGS, tr("Connect lines that cross without a shared vertex (not for bridges)"), False
            )
        )
    )
    alg.addParameter(
        QgsProcessingParameterFile(
            OSM_FILE,
            tr("Or an OpenStreetMap file (.osm XML; walking network, read offline; used instead of the streets)"),
            QgsProcessingParameterFile.File,
            optional=True,
            fileFilter=tr("OpenStreetMap XML (*.osm *.xml)"),
        )
    )


@dataclass
class NetworkInput:
    network: nw.StreetNetwork
    crs: QgsCoordinateReferenceSystem
    road_fid: np.ndarray  # per edge: QGIS feature id of the street, or OSM way id
    p_block: np.ndarray | None  # per edge, from P_BLOCK_FIELD


def _field_name(
    alg: QgsProcessingAlgorithm,
    parameters: dict[str, Any],
    key: str,
    context: QgsProcessingContext,
    default: str | None,
) -> str | None:
    return alg.parameterAsString(parameters, key, context) or default


def add_cost_parameters(alg: QgsProcessingAlgorithm, cost_label: str) -> None:
    """COST, RISK_WEIGHT (advanced) and WALK_SPEED, shared by evacuationroutes and shelteraccess."""
    from ...core import routing as rt

    alg.addParameter(
        QgsProcessingParameterEnum(
            alg.COST,
            cost_label,
            [tr("Shortest"), tr("Safest (least blockage risk)"), tr("Balanced (length + risk)")],
            defaultValue=0,
        )
    )
    alg.addParameter(
        advanced(
            QgsProcessingParameterNumber(
                alg.RISK_WEIGHT,
                tr("Balanced cost: metres of detour worth one unit of -ln(1 - p)"),
                QgsProcessingParameterNumber.Double,
                rt.BALANCED_RISK_WEIGHT_M,
                False,
                0.0,
            )
        )
    )
    alg.addParameter(
        QgsProcessingParameterNumber(
            alg.WALK_SPEED,
            tr("Walking speed (m/s; 1.0 general, 0.5-0.8 elderly)"),
            QgsProcessingParameterNumber.Double,
            rt.WALK_SPEED_MS,
            False,
            0.05,
            5.0,
        )
    )


def read_network(
    alg: QgsProcessingAlgorithm,
    parameters: dict[str, Any],
    context: QgsProcessingContext,
    feedback: Any,
    core_feedback: Any,
    widths: bool,
    blockage_field: bool,
) -> NetworkInput:
    """The street network from ROADS or OSM_FILE, in the ROADS CRS (OSM: EPSG:6677)."""
    osm_path = alg.parameterAsFile(parameters, OSM_FILE, context) if is_set(parameters, OSM_FILE) else ""
    source: QgsProcessingFeatureSource | None = alg.parameterAsSource(parameters, ROADS, context)
    if osm_path:
        if source is not None:
            feedback.pushInfo(tr("OSM_FILE is given: the street layer (ROADS) is not used."))
        feedback.pushInfo(tr("Reading the walking network of {0} (projected to {1})").format(osm_path, OSM_CRS))
        net = nw.network_from_osm_xml(osm_path, crs=OSM_CRS, feedback=core_feedback)
        return NetworkInput(net, QgsCoordinateReferenceSystem(OSM_CRS), net.source_index.copy(), None)
    if source is None:
        if is_set(parameters, ROADS):
            raise QgsProcessingException(alg.invalidSourceError(parameters, ROADS))
        raise QgsProcessingException(tr("ROADS: give a street line layer or an OSM_FILE."))
    crs = source.sourceCrs()
    require_projected(crs, ROADS)
    names = source.fields().names()
    width_field = _field_name(alg, parameters, WIDTH_FIELD, context, None) if widths else None
    highway_field = _field_name(alg, parameters, HIGHWAY_FIELD, context, None) if widths else None
    p_field = None
    if blockage_field:
        p_field = _field_name(alg, parameters, P_BLOCK_FIELD, context, "p_block")
        if p_field not in names:
            if is_set(parameters, P_BLOCK_FIELD) and p_field != "p_block":
                raise QgsProcessingException(
                    tr("P_BLOCK_FIELD: field '{0}' is not in the street layer (fields: {1}).").format(
                        p_field, ", ".join(names)
                    )
                )
            feedback.pushInfo(tr("The street layer has no blockage field: every street is taken as open."))
            p_field = None
    data = read_vector(source, context, None, [width_field, highway_field, p_field], ROADS)
    if len(data) == 0:
        raise QgsProcessingException(tr("ROADS: the layer has no features; choose a street line layer."))
    if data.null_geometries:
        feedback.pushInfo(tr("{0} streets have no geometry: skipped.").format(data.null_geometries))
    width = data.column(width_field, float) if width_field else None
    highway = data.column(highway_field, str) if highway_field else None
    net = nw.build_network(
        data.geometries,
        snap_tolerance=alg.parameterAsDouble(parameters, SNAP_TOLERANCE, context),
        node_crossings=alg.parameterAsBool(parameters, NODE_CROSSINGS, context),
        width=width,
        highway=highway,
        parameter=ROADS,
        feedback=core_feedback,
    )
    if net.n_unnoded_crossings:
        feedback.pushInfo(
            tr("{0} crossings without a shared vertex are not connected (bridges, tunnels or unnoded lines).").format(
                net.n_unnoded_crossings
            )
        )
    p_block = None
    if p_field:
        values = data.column(p_field, float)
        missing = ~np.isfinite(values)
        if missing.any():
            feedback.pushInfo(tr("{0} streets have no blockage probability: taken as open.").format(int(missing.sum())))
        values = np.where(missing, 0.0, values)
        if (values < 0).any() or (values > 1).any():
            raise QgsProcessingException(tr("P_BLOCK_FIELD: blockage probabilities must be between 0 and 1."))
        p_block = values[net.source_index]
    feedback.pushInfo(
        tr("Network: {0} nodes, {1} segments, {2:.1f} km").format(net.n_nodes, net.n_edges, net.length.sum() / 1000)
    )
    return NetworkInput(net, crs, data.ids[net.source_index], p_block)


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
        p_collapse_field = _field_name(self, parameters, self.P_COLLAPSE_FIELD, context, "p_collapse")
        p_half_field = _field_name(self, parameters, self.P_HALF_FIELD, context, "p_half")
        p_burn_field = _field_name(self, parameters, self.P_BURN_FIELD, context, "p_burn")
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
