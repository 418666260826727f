"""Street-network inputs: the parameter group (ROADS, OSM_FILE or an OSM area, widths, snapping) and its reader;
the route cost group (COST, RISK_WEIGHT, WALK_SPEED) and its reader; the base class of the algorithms
on the network (their processing group).

Used by suginami:roadblockage, suginami:evacuationroutes, suginami:shelteraccess and the scenario.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from qgis.core import (
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeatureSource,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterExtent,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterNumber,
)

from ...core import memo, osm
from ...core import network as nw
from ...core import routing as rt
from ..base import SuginamiAlgorithm
from ..conversions import advanced, field_name, is_set, non_empty, read_vector, working_crs
from ..i18n import tr

ROADS = "ROADS"
WIDTH_FIELD = "WIDTH_FIELD"
HIGHWAY_FIELD = "HIGHWAY_FIELD"
SNAP_TOLERANCE = "SNAP_TOLERANCE"
NODE_CROSSINGS = "NODE_CROSSINGS"
OSM_FILE = "OSM_FILE"
OSM_AREA = "OSM_AREA"
OSM_EXTENT = "OSM_EXTENT"
OSM_CACHE_DAYS = "OSM_CACHE_DAYS"
# The keys that choose where OpenStreetMap streets come from; the scenario passes the ones given to its children.
OSM_KEYS = (OSM_FILE, OSM_AREA, OSM_EXTENT, OSM_CACHE_DAYS)
# Environment variable that moves the OpenStreetMap download cache (default: osm_cache_folder()).
OSM_CACHE_ENV = "SUGINAMI_GIS_OSM_CACHE"
P_BLOCK_FIELD = "P_BLOCK_FIELD"
COST = "COST"
RISK_WEIGHT = "RISK_WEIGHT"
WALK_SPEED = "WALK_SPEED"
# CRS of networks read from an OSM file (JGD2011 / Japan Plane Rectangular CS IX, Tokyo).
OSM_CRS = nw.DEFAULT_METRIC_CRS


class StreetNetworkAlgorithm(SuginamiAlgorithm):
    """An algorithm on the street network: road blockage, evacuation routes, shelter service areas."""

    GROUP = "Evacuation"
    GROUP_ID = "evacuation"


def _road_field(
    alg: QgsProcessingAlgorithm, key: str, label: str, default: str | None = None, numeric: bool = False
) -> None:
    """An optional field of the ROADS layer."""
    kind = QgsProcessingParameterField.Numeric if numeric else QgsProcessingParameterField.Any
    alg.addParameter(QgsProcessingParameterField(key, label, default, ROADS, kind, optional=True))


def add_network_parameters(alg: QgsProcessingAlgorithm, widths: bool = False, blockage_field: bool = True) -> None:
    """ROADS (+ fields), SNAP_TOLERANCE, NODE_CROSSINGS, the OSM group (add_osm_parameters); by default the network for routing
    (P_BLOCK_FIELD), with ``widths`` the one whose widths are estimated (WIDTH_FIELD, HIGHWAY_FIELD)."""
    alg.addParameter(
        QgsProcessingParameterFeatureSource(
            ROADS,
            tr("Streets (centre lines in a projected CRS; or the output of Road blockage)"),
            [QgsProcessing.TypeVectorLine],
            optional=True,
        )
    )
    if widths:
        _road_field(alg, WIDTH_FIELD, tr("Street width field (m, optional)"), numeric=True)
        _road_field(alg, HIGHWAY_FIELD, tr("Road class field (OSM highway values, optional)"))
    if blockage_field:
        label = tr("Blockage probability field (default p_block, from Road blockage)")
        _road_field(alg, P_BLOCK_FIELD, label, "p_block", numeric=True)
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
    add_osm_parameters(alg)


def add_osm_parameters(alg: QgsProcessingAlgorithm) -> None:
    """OSM_FILE (.osm or .osm.pbf), OSM_AREA (polygons) or OSM_EXTENT (downloaded, cached), OSM_CACHE_DAYS."""
    alg.addParameter(
        QgsProcessingParameterFile(
            OSM_FILE,
            tr(
                "Or an OpenStreetMap file (.osm XML or .osm.pbf; walking network, read offline; used instead of the streets)"
            ),
            QgsProcessingParameterFile.File,
            optional=True,
            fileFilter=tr("OpenStreetMap (*.osm *.xml *.pbf)"),
        )
    )
    alg.addParameter(
        QgsProcessingParameterFeatureSource(
            OSM_AREA,
            tr(
                "Or download the OpenStreetMap streets inside these polygons (e.g. the districts; needs the internet once)"
            ),
            [QgsProcessing.TypeVectorPolygon],
            optional=True,
        )
    )
    alg.addParameter(
        QgsProcessingParameterExtent(
            OSM_EXTENT,
            tr("Or download the OpenStreetMap streets of this extent (needs the internet once)"),
            optional=True,
        )
    )
    alg.addParameter(
        advanced(
            QgsProcessingParameterNumber(
                OSM_CACHE_DAYS,
                tr("Reuse downloaded OpenStreetMap streets for (days; 0 = download again)"),
                QgsProcessingParameterNumber.Double,
                osm.OSM_CACHE_EXPIRY_DAYS,
                True,  # optional with a default, so saved models without it stay valid
                0.0,
            )
        )
    )


def osm_cache_folder() -> Path:
    """Where downloaded OpenStreetMap streets are kept: $SUGINAMI_GIS_OSM_CACHE, else
    <QGIS profile folder>/suginami_gis/osm_cache (docs/data.md)."""
    folder = os.environ.get(OSM_CACHE_ENV)
    if folder:
        return Path(folder).expanduser()
    return Path(QgsApplication.qgisSettingsDirPath()) / "suginami_gis" / "osm_cache"


def osm_area(alg: QgsProcessingAlgorithm, parameters: dict[str, Any], context: QgsProcessingContext) -> Any:
    """The OSM_AREA polygons (dissolved) or else the OSM_EXTENT, as a shapely polygon in EPSG:4326; None if neither."""
    import shapely

    wgs84 = QgsCoordinateReferenceSystem("EPSG:4326")
    if is_set(parameters, OSM_AREA):
        source = alg.parameterAsSource(parameters, OSM_AREA, context)
        if source is None:
            raise QgsProcessingException(alg.invalidSourceError(parameters, OSM_AREA))
        data = read_vector(source, context, wgs84, [], OSM_AREA)
        non_empty(data, tr("OSM_AREA: the layer has no features; choose polygons such as the districts."))
        return shapely.union_all([g for g in data.geometries if g is not None])
    if is_set(parameters, OSM_EXTENT):
        rect = alg.parameterAsExtent(parameters, OSM_EXTENT, context, wgs84)
        return shapely.box(rect.xMinimum(), rect.yMinimum(), rect.xMaximum(), rect.yMaximum())
    return None


def _read_osm(
    alg: QgsProcessingAlgorithm,
    parameters: dict[str, Any],
    context: QgsProcessingContext,
    feedback: Any,
    core_feedback: Any,
) -> nw.StreetNetwork | None:
    """The walking network from OSM_FILE, else from the OSM area (cache or download); None if neither is given."""
    osm_path = alg.parameterAsFile(parameters, OSM_FILE, context) if is_set(parameters, OSM_FILE) else ""
    if osm_path:
        feedback.pushInfo(tr("Reading the walking network of {0} (projected to {1})").format(osm_path, OSM_CRS))
        return osm.network_from_osm_file(osm_path, crs=OSM_CRS, feedback=core_feedback)
    area = osm_area(alg, parameters, context)
    if area is None:
        return None
    folder = osm_cache_folder()
    feedback.pushInfo(tr("OpenStreetMap streets of the area (cache folder {0})").format(folder))
    days = alg.parameterAsDouble(parameters, OSM_CACHE_DAYS, context) if is_set(parameters, OSM_CACHE_DAYS) else None
    days = osm.OSM_CACHE_EXPIRY_DAYS if days is None else days
    return osm.network_from_osm_area(area, cache_folder=folder, expiry_days=days, crs=OSM_CRS, feedback=core_feedback)


@dataclass
class NetworkInput:
    network: nw.StreetNetwork
    crs: QgsCoordinateReferenceSystem
    road_fid: np.ndarray  # per edge: QGIS feature id of the street, or OSM way id
    p_block: np.ndarray | None  # per edge, from P_BLOCK_FIELD


def add_cost_parameters(alg: QgsProcessingAlgorithm, cost_label: str) -> None:
    """COST, RISK_WEIGHT (advanced) and WALK_SPEED, shared by evacuationroutes and shelteraccess."""
    alg.addParameter(
        QgsProcessingParameterEnum(
            COST,
            cost_label,
            [tr("Shortest"), tr("Safest (least blockage risk)"), tr("Balanced (length + risk)")],
            defaultValue=0,
        )
    )
    alg.addParameter(
        advanced(
            QgsProcessingParameterNumber(
                RISK_WEIGHT,
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
            WALK_SPEED,
            tr("Walking speed (m/s; 1.0 general, 0.5-0.8 elderly)"),
            QgsProcessingParameterNumber.Double,
            rt.WALK_SPEED_MS,
            False,
            0.05,
            5.0,
        )
    )


@dataclass
class RouteCost:
    """What a route costs: length, blockage risk or both (COST), and the walking speed."""

    cost: rt.Cost
    risk_weight_m: float
    walk_speed: float


def read_cost(alg: QgsProcessingAlgorithm, parameters: dict[str, Any], context: QgsProcessingContext) -> RouteCost:
    """COST, RISK_WEIGHT and WALK_SPEED."""
    return RouteCost(
        rt.Cost(alg.parameterAsEnum(parameters, COST, context)),
        alg.parameterAsDouble(parameters, RISK_WEIGHT, context),
        alg.parameterAsDouble(parameters, WALK_SPEED, context),
    )


def zero_where_missing(values: np.ndarray, feedback: Any, message: str) -> np.ndarray:
    """Missing (NaN) values as 0, with ``message`` (one placeholder: how many) when there are any."""
    missing = ~np.isfinite(values)
    if missing.any():
        feedback.pushInfo(message.format(int(missing.sum())))
    return np.where(missing, 0.0, values)


def read_network(
    alg: QgsProcessingAlgorithm,
    parameters: dict[str, Any],
    context: QgsProcessingContext,
    feedback: Any,
    core_feedback: Any,
    widths: bool = False,
    blockage_field: bool = True,
) -> NetworkInput:
    """The street network from ROADS, OSM_FILE or the OSM area, in the ROADS CRS (in degrees: EPSG:6677; OSM: EPSG:6677)."""
    source: QgsProcessingFeatureSource | None = alg.parameterAsSource(parameters, ROADS, context)
    net = _read_osm(alg, parameters, context, feedback, core_feedback)
    if net is not None:
        if source is not None:
            feedback.pushInfo(tr("OpenStreetMap streets are used: the street layer (ROADS) is not."))
        return NetworkInput(net, QgsCoordinateReferenceSystem(OSM_CRS), net.source_index.copy(), None)
    if source is None:
        if is_set(parameters, ROADS):
            raise QgsProcessingException(alg.invalidSourceError(parameters, ROADS))
        raise QgsProcessingException(tr("ROADS: give a street line layer, an OSM_FILE or an OSM_AREA / OSM_EXTENT."))
    crs = working_crs(source, ROADS, feedback)
    names = source.fields().names()
    width_field = field_name(alg, parameters, WIDTH_FIELD, context, None) if widths else None
    highway_field = field_name(alg, parameters, HIGHWAY_FIELD, context, None) if widths else None
    p_field = None
    if blockage_field:
        p_field = field_name(alg, parameters, P_BLOCK_FIELD, context, "p_block")
        if p_field not in names:
            if is_set(parameters, P_BLOCK_FIELD) and p_field != "p_block":
                raise QgsProcessingException(
                    tr("P_BLOCK_FIELD: field '{0}' is not in the street layer (fields: {1}).").format(
                        p_field, ", ".join(names)
                    )
                )
            feedback.pushInfo(tr("The street layer has no blockage field: every street is taken as open."))
            p_field = None
    data = read_vector(source, context, crs, [width_field, highway_field, p_field], ROADS, feedback)
    non_empty(data, tr("ROADS: the layer has no features; choose a street line layer."))
    if data.null_geometries:
        feedback.pushInfo(tr("{0} streets have no geometry: skipped.").format(data.null_geometries))
    width = data.column(width_field, float) if width_field else None
    highway = data.column(highway_field, str) if highway_field else None
    snap = alg.parameterAsDouble(parameters, SNAP_TOLERANCE, context)
    crossings = alg.parameterAsBool(parameters, NODE_CROSSINGS, context)
    # Built once for equal lines and settings while the scenario shares results (core/memo.py).
    net = memo.cached(
        "street network",
        (data.geometries, snap, crossings, width, highway),
        lambda: nw.build_network(
            data.geometries,
            snap_tolerance=snap,
            node_crossings=crossings,
            width=width,
            highway=highway,
            parameter=ROADS,
            feedback=core_feedback,
        ),
        copy=nw.StreetNetwork.copy,
    )
    if net.n_unnoded_crossings:
        feedback.pushInfo(
            tr("{0} crossings without a shared vertex are not connected (bridges, tunnels or unnoded lines).").format(
                net.n_unnoded_crossings
            )
        )
    p_block = None
    if p_field:
        values = zero_where_missing(
            data.column(p_field, float), feedback, tr("{0} streets have no blockage probability: taken as open.")
        )
        if (values < 0).any() or (values > 1).any():
            raise QgsProcessingException(tr("P_BLOCK_FIELD: blockage probabilities must be between 0 and 1."))
        p_block = values[net.source_index]
    feedback.pushInfo(
        tr("Network: {0} nodes, {1} segments, {2:.1f} km").format(net.n_nodes, net.n_edges, net.length.sum() / 1000)
    )
    return NetworkInput(net, crs, data.ids[net.source_index], p_block)
