"""suginami:evacuationroutes - every origin to a shelter in one pass; capacity; reachability under blockage."""

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

from ...core import routing as rt
from ...core.feedback import SubFeedback
from ..base import CORE_PACKAGES, SuginamiAlgorithm
from ..conversions import advanced, is_set, make_fields, read_vector, write_features
from ..executor_param import executor_parameter, open_executor
from ..i18n import tr
from ..inputs.network import add_cost_parameters, add_network_parameters, read_network
from ..inputs.shelters import read_shelters, representative_xy

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


class EvacuationRoutesAlgorithm(SuginamiAlgorithm):
    NAME = "evacuationroutes"
    DISPLAY_NAME = "Evacuation routes to shelters (one pass, capacity, reachability)"
    GROUP = "Evacuation"
    GROUP_ID = "evacuation"
    # networkx solves the capacity assignment (osmnx, for OSM_FILE only, is imported when used)
    PACKAGES = (*CORE_PACKAGES, ("networkx", "networkx", "2.8"))

    ORIGINS = "ORIGINS"
    ORIGIN_ID_FIELD = "ORIGIN_ID_FIELD"
    POPULATION_FIELD = "POPULATION_FIELD"
    DISTRICT_FIELD = "DISTRICT_FIELD"
    DISTRICTS = "DISTRICTS"
    DISTRICT_NAME_FIELD = "DISTRICT_NAME_FIELD"
    SHELTERS = "SHELTERS"
    SHELTER_ID_FIELD = "SHELTER_ID_FIELD"
    SHELTER_NAME_FIELD = "SHELTER_NAME_FIELD"
    CAPACITY_FIELD = "CAPACITY_FIELD"
    COST = "COST"
    RISK_WEIGHT = "RISK_WEIGHT"
    WALK_SPEED = "WALK_SPEED"
    MAX_MINUTES = "MAX_MINUTES"
    MAX_CANDIDATES = "MAX_CANDIDATES"
    MAX_SNAP_DISTANCE = "MAX_SNAP_DISTANCE"
    REALIZATIONS = "REALIZATIONS"
    SEED = "SEED"
    OUTPUT_ROUTES = "OUTPUT_ROUTES"
    OUTPUT_ASSIGNMENT = "OUTPUT_ASSIGNMENT"
    OUTPUT_SHELTERS = "OUTPUT_SHELTERS"
    OUTPUT_DISTRICTS = "OUTPUT_DISTRICTS"

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:
        add_network_parameters(self, widths=False, blockage_field=True)
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.ORIGINS,
                tr("Origins (homes, buildings or district centroids: points or polygons)"),
                [QgsProcessing.TypeVectorPoint, QgsProcessing.TypeVectorPolygon],
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.ORIGIN_ID_FIELD, tr("Origin id field (optional)"), None, self.ORIGINS, optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.POPULATION_FIELD,
                tr("Population field (optional; 1 person per origin without it)"),
                None,
                self.ORIGINS,
                QgsProcessingParameterField.Numeric,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.DISTRICT_FIELD, tr("District field of the origins (optional)"), None, self.ORIGINS, optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.DISTRICTS, tr("Or district polygons (optional)"), [QgsProcessing.TypeVectorPolygon], optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.DISTRICT_NAME_FIELD, tr("District name field"), None, self.DISTRICTS, optional=True
            )
        )
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
        self.addParameter(
            QgsProcessingParameterField(
                self.CAPACITY_FIELD,
                tr("Capacity field (optional; people): assign within capacity"),
                None,
                self.SHELTERS,
                QgsProcessingParameterField.Numeric,
                optional=True,
            )
        )
        add_cost_parameters(self, tr("Route cost"))
        self.addParameter(
            QgsProcessingParameterNumber(
                self.MAX_MINUTES,
                tr("Time limit (minutes; 0 = none)"),
                QgsProcessingParameterNumber.Double,
                15.0,
                False,
                0.0,
            )
        )
        self.addParameter(
            advanced(
                QgsProcessingParameterNumber(
                    self.MAX_CANDIDATES,
                    tr("Capacity: candidate shelters per origin (cheapest first)"),
                    QgsProcessingParameterNumber.Integer,
                    10,
                    False,
                    1,
                )
            )
        )
        self.addParameter(
            advanced(
                QgsProcessingParameterNumber(
                    self.MAX_SNAP_DISTANCE,
                    tr("Largest distance from an origin or shelter to a street (m; 0 = any)"),
                    QgsProcessingParameterNumber.Double,
                    0.0,
                    False,
                    0.0,
                )
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.REALIZATIONS,
                tr("Blockage realizations for reachability (0 = none)"),
                QgsProcessingParameterNumber.Integer,
                0,
                False,
                0,
                100_000,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.SEED, tr("Random seed"), QgsProcessingParameterNumber.Integer, 42, False, 0
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSink(self.OUTPUT_ROUTES, tr("Evacuation routes"), QgsProcessing.TypeVectorLine)
        )
        self.addParameter(executor_parameter())
        self.addParameter(QgsProcessingParameterFeatureSink(self.OUTPUT_ASSIGNMENT, tr("Origins with their shelter")))
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                self.OUTPUT_SHELTERS, tr("Shelters with assigned population"), QgsProcessing.TypeVectorPoint
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                self.OUTPUT_DISTRICTS,
                tr("District reachability (with realizations)"),
                QgsProcessing.TypeVector,
                optional=True,
            )
        )

    # ------------------------------------------------------------------------------------
    def compute(self, parameters, context, feedback, core_feedback) -> dict[str, Any]:
        net_in = read_network(self, parameters, context, feedback, SubFeedback(core_feedback, 0, 20), False, True)
        crs = net_in.crs
        origin_source = self.parameterAsSource(parameters, self.ORIGINS, context)
        if origin_source is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, self.ORIGINS))
        id_field = self.parameterAsString(parameters, self.ORIGIN_ID_FIELD, context) or None
        pop_field = self.parameterAsString(parameters, self.POPULATION_FIELD, context) or None
        district_field = self.parameterAsString(parameters, self.DISTRICT_FIELD, context) or None
        origins = read_vector(origin_source, context, crs, [id_field, pop_field, district_field], self.ORIGINS)
        n_o = len(origins)
        if n_o == 0:
            raise QgsProcessingException(tr("ORIGINS: the layer has no features; choose a layer of origins."))
        origin_ids = (
            origins.column(id_field, str) if id_field else np.array([str(i) for i in origins.ids], dtype=object)
        )
        population = None
        if pop_field:
            population = origins.column(pop_field, float)
            missing = ~np.isfinite(population)
            if missing.any():
                feedback.pushInfo(tr("{0} origins have no population: taken as 0.").format(int(missing.sum())))
                population = np.where(missing, 0.0, population)
        xy = representative_xy(origins.geometries)

        _, shelters, shelter_xy, shelter_ids, shelter_names, capacity = read_shelters(
            self, parameters, context, crs, self.SHELTER_ID_FIELD, self.SHELTER_NAME_FIELD, self.CAPACITY_FIELD
        )
        if capacity is not None and (~np.isfinite(capacity)).any():
            raise QgsProcessingException(tr("CAPACITY_FIELD: some shelters have no capacity; fill the field."))

        district_labels, district_geoms = self._districts(parameters, context, crs, origins, district_field, xy)
        realizations = self.parameterAsInt(parameters, self.REALIZATIONS, context)
        max_minutes = self.parameterAsDouble(parameters, self.MAX_MINUTES, context) or None
        max_snap = self.parameterAsDouble(parameters, self.MAX_SNAP_DISTANCE, context) or None
        cost = rt.Cost(self.parameterAsEnum(parameters, self.COST, context))
        if cost != rt.Cost.SHORTEST and net_in.p_block is None:
            feedback.pushInfo(tr("No blockage probabilities: the safest and balanced costs equal the shortest."))
        with open_executor(self, parameters, context, feedback) as executor:
            result = rt.evacuation_routes(
                net_in.network,
                xy,
                shelter_xy,
                shelter_ids=shelter_ids,
                p_block=net_in.p_block,
                cost=cost,
                risk_weight_m=self.parameterAsDouble(parameters, self.RISK_WEIGHT, context),
                walk_speed=self.parameterAsDouble(parameters, self.WALK_SPEED, context),
                max_minutes=max_minutes,
                population=population,
                capacity=capacity,
                max_candidates=self.parameterAsInt(parameters, self.MAX_CANDIDATES, context),
                realizations=realizations,
                seed=self.parameterAsInt(parameters, self.SEED, context),
                district=district_labels,
                max_snap_m=max_snap,
                feedback=SubFeedback(core_feedback, 20, 90),
                executor=executor,
            )
        routes = result.routes
        not_snapped = int((result.graph.shelter_node < 0).sum())
        if not_snapped:
            feedback.pushInfo(
                tr("{0} shelters are farther than MAX_SNAP_DISTANCE from a street: not used.").format(not_snapped)
            )
        snap_m = np.where(np.isfinite(routes.snap_distance_m), routes.snap_distance_m, -1.0)
        if len(snap_m) and snap_m.max() >= 0:
            # Walking times start at the street: a far origin's snap leg is only in the snap_m field.
            far = int(np.argmax(snap_m))
            feedback.pushInfo(
                tr(
                    "Largest distance from an origin to its street: {0:.0f} m (origin {1}); walking times "
                    "start at the street (field snap_m). Set MAX_SNAP_DISTANCE to leave far origins unplaced."
                ).format(snap_m[far], origin_ids[far])
            )
        sid = np.where(routes.shelter >= 0, np.asarray(shelter_ids, dtype=object)[np.maximum(routes.shelter, 0)], None)
        sname = np.where(
            routes.shelter >= 0, np.asarray(shelter_names, dtype=object)[np.maximum(routes.shelter, 0)], None
        )
        outputs: dict[str, Any] = {}

        # --- routes ----------------------------------------------------------------------
        fields = make_fields(ROUTE_FIELDS)
        sink, dest = self.parameterAsSink(parameters, self.OUTPUT_ROUTES, context, fields, QgsWkbTypes.LineString, crs)
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, self.OUTPUT_ROUTES))
        which = np.flatnonzero(routes.reachable)
        lines = result.lines(which)
        rows = [
            [
                origin_ids[i],
                sid[i],
                sname[i],
                routes.length_m[i],
                routes.time_min[i],
                routes.p_passable[i],
                routes.detour_ratio[i],
                routes.snap_distance_m[i],
            ]
            for i in which
        ]
        write_features(sink, fields, lines, rows, feedback)
        self.style_on_load(context, dest, "evacuation_routes")
        outputs[self.OUTPUT_ROUTES] = dest

        # --- origins ---------------------------------------------------------------------
        spec: list[tuple[str, type]] = [
            ("origin_id", str),
            ("shelter_id", str),
            ("shelter_name", str),
            ("population", float),
            ("length_m", float),
            ("time_min", float),
            ("p_passable", float),
            ("snap_m", float),
            ("unreachable", bool),
        ]
        cap = result.capacity
        if cap is not None:
            spec += [("placed", int), ("unplaced", int)]
        reach = result.reachability
        if reach is not None:
            spec += [("p_reach", float), ("isolated", bool), ("district", str)]
        fields = make_fields(spec)
        sink, dest = self.parameterAsSink(
            parameters, self.OUTPUT_ASSIGNMENT, context, fields, origin_source.wkbType(), crs
        )
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, self.OUTPUT_ASSIGNMENT))
        pop = population if population is not None else np.ones(n_o)
        rows = []
        for i in range(n_o):
            row = [
                origin_ids[i],
                sid[i],
                sname[i],
                pop[i],
                routes.length_m[i],
                routes.time_min[i],
                routes.p_passable[i],
                routes.snap_distance_m[i],
                bool(routes.unreachable[i]),
            ]
            if cap is not None:
                row += [int(cap.placed[i]), int(cap.unplaced[i])]
            if reach is not None:
                row += [reach.p_reach[i], bool(reach.isolated[i]), district_labels[i]]
            rows.append(row)
        write_features(sink, fields, origins.geometries, rows, feedback)
        points = QgsWkbTypes.geometryType(origin_source.wkbType()) == QgsWkbTypes.PointGeometry
        self.style_on_load(context, dest, "evacuation_origins_points" if points else "evacuation_origins")
        outputs[self.OUTPUT_ASSIGNMENT] = dest

        # --- shelters --------------------------------------------------------------------
        n_s = len(shelters)
        demand = np.bincount(routes.shelter[routes.within_limit], weights=pop[routes.within_limit], minlength=n_s)
        fields = make_fields(
            [
                ("shelter_id", str),
                ("shelter_name", str),
                ("capacity", float),
                ("demand_nearest", float),
                ("assigned", float),
                ("overflow", float),
                ("load_ratio", float),
                ("snap_m", float),
            ]
        )
        sink, dest = self.parameterAsSink(parameters, self.OUTPUT_SHELTERS, context, fields, QgsWkbTypes.Point, crs)
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, self.OUTPUT_SHELTERS))
        rows = []
        for s in range(n_s):
            if cap is not None:
                capacity_s = float(capacity[s])
                assigned = float(cap.assigned[s])
                demand_s = float(cap.demand_nearest[s])
                overflow = float(cap.overflow[s])
            else:
                capacity_s, assigned, demand_s, overflow = None, float(demand[s]), float(demand[s]), None
            ratio = demand_s / capacity_s if capacity_s else None
            rows.append(
                [
                    shelter_ids[s],
                    shelter_names[s],
                    capacity_s,
                    demand_s,
                    assigned,
                    overflow,
                    ratio,
                    result.graph.shelter_snap.distance[s],
                ]
            )
        write_features(sink, fields, shelters.geometries, rows, feedback)
        self.style_on_load(context, dest, "evacuation_shelters")
        outputs[self.OUTPUT_SHELTERS] = dest

        # --- districts -------------------------------------------------------------------
        if reach is not None and is_set(parameters, self.OUTPUT_DISTRICTS):
            fields = make_fields(
                [
                    ("district", str),
                    ("population", float),
                    ("reach_p5", float),
                    ("reach_p50", float),
                    ("reach_p95", float),
                    ("isolated_population", float),
                    ("isolated", bool),
                ]
            )
            geom_type = QgsWkbTypes.MultiPolygon if district_geoms is not None else QgsWkbTypes.NoGeometry
            sink, dest = self.parameterAsSink(parameters, self.OUTPUT_DISTRICTS, context, fields, geom_type, crs)
            if sink is not None:
                rows, geoms = [], []
                for k, label in enumerate(reach.district_labels):
                    total = reach.district_population[k]
                    p5, p50, p95 = reach.district_percentiles[k]
                    rows.append(
                        [
                            label,
                            total,
                            p5,
                            p50,
                            p95,
                            reach.district_isolated_population[k],
                            bool(total > 0 and p50 < 0.5 * total),
                        ]
                    )
                    geoms.append(district_geoms.get(label) if district_geoms is not None else None)
                write_features(sink, fields, _as_multi(geoms), rows, feedback)
                self.style_on_load(context, dest, "evacuation_districts")
                outputs[self.OUTPUT_DISTRICTS] = dest

        unreachable = int(routes.unreachable.sum())
        if max_minutes:
            reached = tr("{0} of {1} origins reach a shelter within {2:g} minutes; {3} unreachable.").format(
                n_o - unreachable, n_o, max_minutes, unreachable
            )
        else:
            reached = tr("{0} of {1} origins reach a shelter; {2} unreachable.").format(
                n_o - unreachable, n_o, unreachable
            )
        feedback.pushInfo(reached)
        outputs.update(
            {
                "ORIGIN_COUNT": n_o,
                "UNREACHABLE": unreachable,
                "UNPLACED": int(cap.unplaced.sum()) if cap is not None else None,
                "MEDIAN_TIME_MIN": float(np.nanmedian(routes.time_min)) if routes.reachable.any() else None,
                "MEAN_P_REACH": float(reach.p_reach.mean()) if reach is not None else None,
            }
        )
        return outputs

    def _districts(self, parameters, context, crs, origins, district_field, xy):
        """District label per origin (from a field or polygons) and {label: polygon} when polygons are given."""
        import shapely

        n = len(origins)
        if district_field:
            return origins.column(district_field, str), None
        source = self.parameterAsSource(parameters, self.DISTRICTS, context)
        if source is None:
            return np.full(n, tr("ward"), dtype=object), None
        name_field = self.parameterAsString(parameters, self.DISTRICT_NAME_FIELD, context) or None
        dist = read_vector(source, context, crs, [name_field] if name_field else [], self.DISTRICTS)
        names = dist.column(name_field, str) if name_field else np.array([str(i) for i in dist.ids], dtype=object)
        keep = np.array([g is not None for g in dist.geometries], dtype=bool)
        polys, names = dist.geometries[keep], names[keep]
        labels = np.full(n, tr("(outside districts)"), dtype=object)
        ok = np.isfinite(xy).all(axis=1)
        if ok.any() and len(polys):
            pt_idx, poly_idx = shapely.STRtree(polys).query(shapely.points(xy[ok]), predicate="within")
            first = np.unique(pt_idx, return_index=True)[1]
            labels[np.flatnonzero(ok)[pt_idx[first]]] = names[poly_idx[first]]
        geoms: dict[str, Any] = {}
        for name, poly in zip(names, polys):
            geoms[name] = shapely.union_all([geoms[name], poly]) if name in geoms else poly
        return labels, geoms


def _as_multi(geoms: list[Any]) -> np.ndarray:
    import shapely

    out = np.empty(len(geoms), dtype=object)
    for i, g in enumerate(geoms):
        if g is not None and g.geom_type == "Polygon":
            g = shapely.MultiPolygon([g])
        out[i] = g
    return out
