"""suginami:evacuationroutes - every origin to a shelter in one pass; capacity; reachability under blockage."""

from __future__ import annotations

from typing import Any

import numpy as np
from qgis.core import (
    QgsProcessing,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterNumber,
    QgsWkbTypes,
)

from ...core import routing as rt
from ...core.feedback import SubFeedback
from ..base import CORE_PACKAGES, CoreFeedback
from ..conversions import OutputWriter, advanced, is_set
from ..executor_param import executor_parameter, open_executor
from ..i18n import tr
from ..inputs.evacuation import (
    Origins,
    add_origins,
    assignment_columns,
    district_columns,
    district_polygons,
    origin_districts,
    read_origins,
    route_columns,
    shelter_load_columns,
)
from ..inputs.network import (
    NetworkInput,
    StreetNetworkAlgorithm,
    add_cost_parameters,
    add_network_parameters,
    read_cost,
    read_network,
)
from ..inputs.shelters import Shelters, read_shelters
from ..params import (
    OUTPUT_DISTRICTS,
    REALIZATIONS,
    SEED,
    SHELTER_MAX_SNAP,
    add_districts,
    add_realizations,
    add_seed,
    add_shelters,
)

OUTPUT_ROUTES = "OUTPUT_ROUTES"
OUTPUT_ASSIGNMENT = "OUTPUT_ASSIGNMENT"
OUTPUT_SHELTERS = "OUTPUT_SHELTERS"
MAX_MINUTES = "MAX_MINUTES"
MAX_CANDIDATES = "MAX_CANDIDATES"
MAX_SNAP_DISTANCE = "MAX_SNAP_DISTANCE"


class EvacuationRoutesAlgorithm(StreetNetworkAlgorithm):
    NAME = "evacuationroutes"
    DISPLAY_NAME = "Evacuation routes to shelters (one pass, capacity, reachability)"
    # networkx solves the capacity assignment (osmnx, for OSM_FILE only, is imported when used)
    PACKAGES = (*CORE_PACKAGES, ("networkx", "networkx", "2.8"))

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:
        add_network_parameters(self)
        add_origins(self)
        add_districts(self, tr("Or district polygons (optional)"))
        add_shelters(self, tr("Shelters (points)"), tr("Capacity field (optional; people): assign within capacity"))
        add_cost_parameters(self, tr("Route cost"))
        self._add_limits()
        add_realizations(
            self, tr("Blockage realizations for reachability (0 = none: routes on expected street states)"), 0
        )
        add_seed(self)
        self.addParameter(
            QgsProcessingParameterFeatureSink(OUTPUT_ROUTES, tr("Evacuation routes"), QgsProcessing.TypeVectorLine)
        )
        self.addParameter(executor_parameter())
        self.addParameter(QgsProcessingParameterFeatureSink(OUTPUT_ASSIGNMENT, tr("Origins with their shelter")))
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                OUTPUT_SHELTERS, tr("Shelters with assigned population"), QgsProcessing.TypeVectorPoint
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                OUTPUT_DISTRICTS,
                tr("District reachability (with realizations)"),
                QgsProcessing.TypeVector,
                optional=True,
            )
        )

    def _add_limits(self) -> None:
        """MAX_MINUTES; MAX_CANDIDATES and MAX_SNAP_DISTANCE (advanced)."""
        self.addParameter(
            QgsProcessingParameterNumber(
                MAX_MINUTES, tr("Time limit (minutes; 0 = none)"), QgsProcessingParameterNumber.Double, 15.0, False, 0.0
            )
        )
        candidates = QgsProcessingParameterNumber(
            MAX_CANDIDATES,
            tr("Capacity: candidate shelters per origin (cheapest first)"),
            QgsProcessingParameterNumber.Integer,
            10,
            False,
            1,
        )
        self.addParameter(advanced(candidates))
        snap = QgsProcessingParameterNumber(
            MAX_SNAP_DISTANCE,
            tr("Largest distance from an origin or shelter to a street (m; 0 = any)"),
            QgsProcessingParameterNumber.Double,
            0.0,
            False,
            0.0,
        )
        self.addParameter(advanced(snap))

    # ------------------------------------------------------------------------------------
    def compute(self, parameters, context, feedback, core_feedback) -> dict[str, Any]:
        net_in = read_network(self, parameters, context, feedback, SubFeedback(core_feedback, 0, 20))
        origins = read_origins(self, parameters, context, net_in.crs, feedback)
        shelters = read_shelters(self, parameters, context, net_in.crs, capacity=True, feedback=feedback)
        districts, polygons_by_name = origin_districts(self, parameters, context, origins, net_in.crs, feedback)
        result = self._route(parameters, context, feedback, core_feedback, net_in, origins, shelters, districts)
        self._report_snapping(feedback, result, origins)
        out = OutputWriter(self, parameters, context, net_in.crs, feedback)
        outputs = self._write(out, result, origins, shelters, districts)
        if result.reachability is not None and is_set(parameters, OUTPUT_DISTRICTS):
            polygons = district_polygons(result.reachability, polygons_by_name)
            geometry = QgsWkbTypes.MultiPolygon if polygons_by_name is not None else QgsWkbTypes.NoGeometry
            columns = district_columns(result.reachability)
            dest = out.write(OUTPUT_DISTRICTS, DISTRICT_FIELDS, geometry, polygons, columns, "evacuation_districts")
            if dest is not None:
                outputs[OUTPUT_DISTRICTS] = dest
        max_minutes = self.parameterAsDouble(parameters, MAX_MINUTES, context) or None
        return {**outputs, **_summary(feedback, result, max_minutes, origins.people())}

    def _route(
        self,
        parameters: dict[str, Any],
        context: QgsProcessingContext,
        feedback: QgsProcessingFeedback,
        core_feedback: CoreFeedback,
        net_in: NetworkInput,
        origins: Origins,
        shelters: Shelters,
        districts: np.ndarray,
    ) -> rt.EvacuationResult:
        """Routes within capacity, and reachability over sampled blockage when REALIZATIONS > 0."""
        cost = read_cost(self, parameters, context)
        if cost.cost != rt.Cost.SHORTEST and net_in.p_block is None:
            feedback.pushInfo(tr("No blockage probabilities: the safest and balanced costs equal the shortest."))
        with open_executor(self, parameters, context, feedback) as executor:
            return rt.evacuation_routes(
                net_in.network,
                origins.xy,
                shelters.xy,
                population=origins.people(),
                district=districts,
                shelter_ids=shelters.ids,
                capacity=shelters.capacity,
                max_candidates=self.parameterAsInt(parameters, MAX_CANDIDATES, context),
                p_block=net_in.p_block,
                cost=cost.cost,
                risk_weight_m=cost.risk_weight_m,
                walk_speed=cost.walk_speed,
                max_minutes=self.parameterAsDouble(parameters, MAX_MINUTES, context) or None,
                max_snap_m=self.parameterAsDouble(parameters, MAX_SNAP_DISTANCE, context) or None,
                max_shelter_snap_m=self.parameterAsDouble(parameters, SHELTER_MAX_SNAP, context) or None,
                realizations=self.parameterAsInt(parameters, REALIZATIONS, context),
                seed=self.parameterAsInt(parameters, SEED, context),
                feedback=SubFeedback(core_feedback, 20, 90),
                executor=executor,
            )

    @staticmethod
    def _write(
        out: OutputWriter, result: rt.EvacuationResult, origins: Origins, shelters: Shelters, districts: np.ndarray
    ) -> dict[str, Any]:
        """The routes, the origins with their shelter and the shelters with their load."""
        which = np.flatnonzero(result.routes.reachable)
        routes = route_columns(result, origins, shelters, which)
        assignment = assignment_columns(result, origins, shelters, districts)
        spec = [
            *ASSIGNMENT_FIELDS,
            *(CAPACITY_FIELDS if result.capacity is not None else ()),
            *(REACH_FIELDS if result.reachability is not None else ()),
        ]
        origin_style = "evacuation_origins_points" if origins.is_points() else "evacuation_origins"
        shelter_load = shelter_load_columns(result, origins, shelters)
        line, point = QgsWkbTypes.LineString, QgsWkbTypes.Point
        return {
            OUTPUT_ROUTES: out.write(
                OUTPUT_ROUTES, ROUTE_FIELDS, line, result.lines(which), routes, "evacuation_routes"
            ),
            OUTPUT_ASSIGNMENT: out.write(
                OUTPUT_ASSIGNMENT, spec, origins.wkb_type, origins.data.geometries, assignment, origin_style
            ),
            OUTPUT_SHELTERS: out.write(
                OUTPUT_SHELTERS,
                shelter_fields(shelters),
                point,
                shelters.data.geometries,
                shelter_load,
                "evacuation_shelters",
            ),
        }

    @staticmethod
    def _report_snapping(feedback: Any, result: rt.EvacuationResult, origins: Origins) -> None:
        """Shelters left out for being far from the streets; the origin farthest from its street."""
        far = result.graph.far_shelters()
        not_snapped = int((result.graph.shelter_node < 0).sum()) - int(far.sum())
        if not_snapped:
            feedback.pushInfo(
                tr("{0} shelters are farther than MAX_SNAP_DISTANCE from a street: not used.").format(not_snapped)
            )
        if far.any():
            distance = result.graph.shelter_snap.distance[far]
            feedback.pushWarning(
                tr(
                    "{0} shelters are farther than SHELTER_MAX_SNAP from a street ({1:.0f} to {2:.0f} m; field "
                    "far_from_street): not used. Check that the street network covers them."
                ).format(int(far.sum()), float(distance.min()), float(distance.max()))
            )
        snap_distance = result.routes.snap_distance_m
        snap_m = np.where(np.isfinite(snap_distance), snap_distance, -1.0)
        if len(snap_m) and snap_m.max() >= 0:
            # Walking times start at the street: a far origin's snap leg is only in the snap_m field.
            far = int(np.argmax(snap_m))
            feedback.pushInfo(
                tr(
                    "Largest distance from an origin to its street: {0:.0f} m (origin {1}); walking times "
                    "start at the street (field snap_m). Set MAX_SNAP_DISTANCE to leave far origins unplaced."
                ).format(snap_m[far], origins.ids[far])
            )


def _summary(
    feedback: Any, result: rt.EvacuationResult, max_minutes: float | None, people: np.ndarray
) -> dict[str, Any]:
    """Who reaches a shelter, as a message and as the algorithm's number outputs (origins and people)."""
    routes, cap, reach = result.routes, result.capacity, result.reachability
    n_o = len(routes.shelter)
    unreachable = int(routes.unreachable.sum())
    unreachable_people = float(people[routes.unreachable].sum())
    feedback.pushInfo(tr("People of the unreachable origins: {0:,.1f}").format(unreachable_people))
    if max_minutes:
        reached = tr("{0} of {1} origins reach a shelter within {2:g} minutes; {3} unreachable.").format(
            n_o - unreachable, n_o, max_minutes, unreachable
        )
    else:
        reached = tr("{0} of {1} origins reach a shelter; {2} unreachable.").format(n_o - unreachable, n_o, unreachable)
    feedback.pushInfo(reached)
    return {
        "ORIGIN_COUNT": n_o,
        "UNREACHABLE": unreachable,
        "UNREACHABLE_POPULATION": unreachable_people,
        "UNPLACED": int(cap.unplaced.sum()) if cap is not None else None,
        "MEDIAN_TIME_MIN": float(np.nanmedian(routes.time_min)) if routes.reachable.any() else None,
        "MEAN_P_REACH": float(reach.p_reach.mean()) if reach is not None else None,
    }


# Output fields (their aliases: resources/data/field_aliases.yaml).
ROUTE_FIELDS: tuple[tuple[str, type], ...] = (
    ("origin_id", str),
    ("shelter_id", str),
    ("shelter_name", str),
    ("length_m", float),
    ("time_min", float),
    ("p_passable", float),
    ("detour_ratio", float),
    ("snap_m", float),
)
ASSIGNMENT_FIELDS: tuple[tuple[str, type], ...] = (
    ("origin_id", str),
    ("shelter_id", str),
    ("shelter_name", str),
    ("population", float),
    ("length_m", float),
    ("time_min", float),
    ("p_passable", float),
    ("snap_m", float),
    ("unreachable", bool),
)
# Assignment fields with shelter capacities, and with blockage realizations.
CAPACITY_FIELDS: tuple[tuple[str, type], ...] = (("placed", int), ("unplaced", int))
REACH_FIELDS: tuple[tuple[str, type], ...] = (("p_reach", float), ("isolated", bool), ("district", str))
SHELTER_FIELDS: tuple[tuple[str, type], ...] = (
    ("shelter_id", str),
    ("shelter_name", str),
    ("capacity", float),
    ("demand_nearest", float),
    ("assigned", float),
    ("overflow", float),
    ("load_ratio", float),
    ("snap_m", float),
    ("far_from_street", bool),
)


def shelter_fields(shelters: Shelters) -> tuple[tuple[str, type], ...]:
    """SHELTER_FIELDS, then the GSI columns (共通ID, 施設・場所名, 住所, hazard flags ...) of GSI lists."""
    return (*SHELTER_FIELDS, *((name, str) for name in shelters.gsi_columns))


DISTRICT_FIELDS: tuple[tuple[str, type], ...] = (
    ("district", str),
    ("population", float),
    ("reach_p5", float),
    ("reach_p50", float),
    ("reach_p95", float),
    ("isolated_population", float),
    ("isolated", bool),
)
