"""suginami:firespread - fire following earthquake: ignition, spread under wind, burn probability."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsProcessingException,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterRasterDestination,
)

from ...core import fire
from .. import params
from ..base import SuginamiAlgorithm
from ..conversions import advanced, crs_wkt, finite_or_none, is_set
from ..executor_param import executor_parameter, open_executor
from ..fireproofing import Fireproofing, read_fireproofing
from ..i18n import tr
from ..inputs.buildings import write_buildings
from ..inputs.common import add_parameters, number, share
from ..inputs.districts import write_district_table
from ..inputs.fire import (
    FIREPROOF_TARGET_RATE,
    OPEN_SPACE_RATIO,
    SEISMIC_BREAKER_RATE,
    WIND_DIRECTION,
    WIND_SPEED,
    YEAR_FIELD,
    FireBuildings,
    add_buildings,
    add_firebreaks,
    add_fireproof_areas,
    add_ignition_table,
    add_levers,
    add_wind,
    building_field,
    footprint_index,
    ignition_message,
    initial_extinguishment,
    read_buildings,
    read_firebreaks,
    read_ignition_table,
)

# Per-building output fields (the plugin-wide names of fire results) plus the fire-proofing flag.
BUILDING_FIELDS: tuple[tuple[str, type], ...] = (
    ("p_ignite", float),
    ("p_burn", float),
    ("cluster_id", int),
    ("cluster_size", int),
    ("arrival_min", float),
    ("fireproofed", bool),
)
# Totals of an area (a district, or the ward in the summary), as totals_row() gives them.
TOTALS_FIELDS: tuple[tuple[str, type], ...] = (
    ("buildings", int),
    ("expected_ignitions", float),
    ("expected_burned", float),
    ("burned_p5", float),
    ("burned_p95", float),
    ("burned_share", float),
    ("burned_floor_area_m2", float),
    ("fire_deaths", float),
    ("fire_deaths_p5", float),
    ("fire_deaths_p95", float),
    ("expected_ignitions_median", float),
    ("expected_burned_median", float),
    ("evacuees", float),
    ("shelter_residents", float),
)
# Largest burn-probability raster accepted in one run; beyond this ask for a coarser pixel.
MAX_CELLS = 100_000_000


def totals_row(totals: fire.AreaTotals, k: int) -> list[Any]:
    """The TOTALS_FIELDS values of area ``k``."""
    count = int(totals.n_buildings[k])
    return [
        count,
        totals.expected_ignitions[k],
        totals.expected_burned[k],
        totals.burned_p05[k],
        totals.burned_p95[k],
        totals.expected_burned[k] / count if count else None,
        totals.burned_floor_area_m2[k],
        totals.fire_deaths[k],
        totals.fire_deaths_p05[k],
        totals.fire_deaths_p95[k],
        totals.expected_ignitions_median[k],
        totals.expected_burned_median[k],
        totals.evacuees[k],
        totals.shelter_residents[k],
    ]


class FireSpreadAlgorithm(SuginamiAlgorithm):
    NAME = "firespread"
    DISPLAY_NAME = "Fire following earthquake (ignition, spread, burn probability)"

    SCENARIO_HOUR = "SCENARIO_HOUR"
    TIME_COEFFICIENT = "TIME_COEFFICIENT"
    COLLAPSE_IGNITION_RATE = "COLLAPSE_IGNITION_RATE"
    SPREAD_LIMIT_BARE_WOOD = "SPREAD_LIMIT_BARE_WOOD"
    SPREAD_LIMIT_PROTECTED_WOOD = "SPREAD_LIMIT_PROTECTED_WOOD"
    SPREAD_LIMIT_SEMI_FIREPROOF = "SPREAD_LIMIT_SEMI_FIREPROOF"
    SPREAD_LIMIT_FIREPROOF = "SPREAD_LIMIT_FIREPROOF"
    SPREAD_RULE = "SPREAD_RULE"
    WIND_MODEL = "WIND_MODEL"
    METHOD = "METHOD"
    DURATION_HOURS = "DURATION_HOURS"
    INDOOR_OCCUPANCY_RATIO = "INDOOR_OCCUPANCY_RATIO"
    PIXEL_SIZE = "PIXEL_SIZE"
    OUTPUT = "OUTPUT"
    OUTPUT_BURN_PROBABILITY = "OUTPUT_BURN_PROBABILITY"

    SPREAD_LIMIT_KEYS = (
        SPREAD_LIMIT_BARE_WOOD,
        SPREAD_LIMIT_PROTECTED_WOOD,
        SPREAD_LIMIT_SEMI_FIREPROOF,
        SPREAD_LIMIT_FIREPROOF,
    )

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:
        # Parameters added after version 0.1.0 are optional with defaults, so that saved models and
        # batch files that do not set them stay valid.
        add_buildings(self)
        self._add_ignition_parameters()
        add_wind(self)
        self._add_spread_parameters()
        add_firebreaks(self)
        self._add_method_parameters()
        self._add_fireproofing_parameters()
        params.add_districts(self)
        add_parameters(
            self,
            *(
                number(
                    self.INDOOR_OCCUPANCY_RATIO,
                    tr("Indoor occupants at the hour / 24-hour mean (for fire deaths)"),
                    1.0,
                    0.0,
                    advanced=True,
                ),
                number(self.PIXEL_SIZE, tr("Pixel size of the burn-probability raster (m)"), 5.0, 0.5, advanced=True),
            ),
        )
        self.addParameter(executor_parameter())
        self.addParameter(QgsProcessingParameterFeatureSink(self.OUTPUT, tr("Buildings with burn probability")))
        self.addParameter(
            QgsProcessingParameterRasterDestination(self.OUTPUT_BURN_PROBABILITY, tr("Burn probability raster"))
        )
        params.add_summary_outputs(self, tr("District fire totals"), tr("Ward fire summary"))

    def _add_ignition_parameters(self) -> None:
        """Hour and time coefficient, the levers, the collapse ignition rate and the ignition table."""
        add_parameters(
            self,
            *(
                number(
                    self.SCENARIO_HOUR,
                    tr("Scenario hour, winter (cited coefficients for 5, 6-7, 11-12, 17-18)"),
                    18,
                    0,
                    23,
                    integer=True,
                ),
                number(
                    self.TIME_COEFFICIENT,
                    tr("Time-of-day ignition coefficient relative to 05:00 (optional; empty = cited table)"),
                    None,
                    0.0,
                    optional=True,
                    advanced=True,
                ),
            ),
        )
        add_levers(self, deprecated_alias=True)
        add_parameters(
            self,
            *(
                share(
                    self.COLLAPSE_IGNITION_RATE,
                    tr("Ignitions per collapsed building, winter 05-06 h (Tokyo 2022: 0.000355)"),
                    fire.COLLAPSE_IGNITION_RATE_0506,
                    advanced=True,
                ),
            ),
        )
        add_ignition_table(self)

    def _add_spread_parameters(self) -> None:
        """The spread-limit distance of each fire-resistance class, the pair rule and the wind model."""
        labels = (
            tr("Spread-limit distance, bare wood (m)"),
            tr("Spread-limit distance, fire-protected wood (m)"),
            tr("Spread-limit distance, semi-fireproof (m)"),
            tr("Spread-limit distance, fireproof (m)"),
        )
        add_parameters(
            self,
            *(
                number(key, label, default, 0.0, 100.0, advanced=True)
                for key, label, default in zip(self.SPREAD_LIMIT_KEYS, labels, fire.SPREAD_LIMIT_M)
            ),
        )
        for key, label, options, default in (
            (
                self.SPREAD_RULE,
                tr("Spread rule between two buildings"),
                [tr("Tokyo: half-distance buffers touch"), tr("Smaller of the two spread-limit distances")],
                fire.PairRule.HALF_BUFFERS,
            ),
            (
                self.WIND_MODEL,
                tr("Wind effect on the spread-limit distance"),
                [
                    tr("Strong-wind stretch in every direction"),
                    tr("Directional ellipse (longer downwind, shorter upwind)"),
                    tr("None"),
                ],
                fire.WindModel.ISOTROPIC,
            ),
        ):
            self.addParameter(
                advanced(QgsProcessingParameterEnum(key, label, options, defaultValue=int(default), optional=True))
            )

    def _add_method_parameters(self) -> None:
        """Cluster or simulation, the simulated duration, realizations and seed."""
        methods = [tr("Cluster (Tokyo 2022)"), tr("Simulation (Monte Carlo, Hamada spread times)")]
        self.addParameter(QgsProcessingParameterEnum(self.METHOD, tr("Method"), methods, defaultValue=0))
        add_parameters(
            self,
            *(
                number(
                    self.DURATION_HOURS,
                    tr("Duration of the spread (hours; simulation)"),
                    fire.DEFAULT_DURATION_HOURS,
                    0.01,
                    240.0,
                ),
            ),
        )
        # Fire spread has no deterministic form: at least one realization.
        params.add_realizations(self, tr("Monte Carlo realizations"), fire.DEFAULT_REALIZATIONS, minimum=1)
        params.add_seed(self)

    def _add_fireproofing_parameters(self) -> None:
        """The fire-proofing target, its areas with their 空地率, and the construction year (oldest first)."""
        add_parameters(
            self,
            *(
                share(
                    FIREPROOF_TARGET_RATE,
                    tr(
                        "Fire-proofing target (0-1, optional): share of fire-resistant buildings, "
                        "or with fire-proofing areas the 不燃領域率 of each area"
                    ),
                    None,
                    optional=True,
                ),
            ),
        )
        add_fireproof_areas(
            self, tr("Fire-proofing areas (optional polygons: the designated close-packed wooden districts)")
        )
        add_parameters(
            self,
            *(
                number(
                    OPEN_SPACE_RATIO,
                    tr("Open-space ratio of the areas when there is no field (空地率, 0-0.99)"),
                    0.0,
                    0.0,
                    0.99,
                    optional=True,
                ),
            ),
        )
        self.addParameter(
            building_field(
                YEAR_FIELD, tr("Construction year field (optional; the oldest wooden buildings are rebuilt first)")
            )
        )

    # ------------------------------------------------------------------------------------
    def compute(self, parameters, context, feedback, core_feedback) -> dict[str, Any]:
        table, table_path = read_ignition_table(self, parameters, context)
        buildings = read_buildings(self, parameters, context, feedback, table)
        crs = buildings.crs
        firebreaks = read_firebreaks(self, parameters, context, crs, feedback)
        districts = params.read_districts(self, parameters, context, crs, feedback)
        fireproofing = read_fireproofing(self, parameters, context, feedback, buildings)
        scenario = self._scenario(parameters, context, feedback, table, fireproofing.target)
        feedback.pushInfo(ignition_message(table, table_path))
        geometries = buildings.data.geometries
        with open_executor(self, parameters, context, feedback) as executor:
            result = fire.run_fire(
                geometries,
                buildings.classes,
                buildings.p_collapse,
                scenario,
                district_index=footprint_index(geometries, districts.geometries) if districts is not None else None,
                n_districts=len(districts.names) if districts is not None else 0,
                firebreaks=firebreaks,
                feedback=core_feedback,
                executor=executor,
                feature_ids=buildings.data.ids,
                **buildings.run_arguments(),
                **fireproofing.run_arguments(),
            )
        # The raster's size is checked before any vector output is written.
        raster_path = self._write_raster(parameters, context, buildings, result)
        outputs: dict[str, Any] = {
            self.OUTPUT: self._write_buildings(parameters, context, feedback, buildings, result),
            self.OUTPUT_BURN_PROBABILITY: raster_path,
        }
        outputs.update(self._write_districts(parameters, context, feedback, districts, result, crs))
        outputs.update(self._write_summary(parameters, context, feedback, scenario, result, table, fireproofing, crs))
        return outputs

    def _scenario(
        self, parameters, context, feedback, table: fire.IgnitionTable, fireproof_target: float | None
    ) -> fire.FireScenario:
        """The model settings chosen in the parameters."""

        def number(key: str) -> float:
            return self.parameterAsDouble(parameters, key, context)

        def option(key: str) -> int:
            return self.parameterAsEnum(parameters, key, context)

        return fire.FireScenario(
            wind_speed=number(WIND_SPEED),
            wind_direction_deg=number(WIND_DIRECTION),
            hour=self.parameterAsInt(parameters, self.SCENARIO_HOUR, context),
            time_coefficient=number(self.TIME_COEFFICIENT) if is_set(parameters, self.TIME_COEFFICIENT) else None,
            suppression_rate=initial_extinguishment(self, parameters, context, feedback),
            seismic_breaker_rate=number(SEISMIC_BREAKER_RATE),
            collapse_ignition_rate=number(self.COLLAPSE_IGNITION_RATE),
            ignition_table=table,
            spread_limits_m=tuple(number(key) for key in self.SPREAD_LIMIT_KEYS),  # type: ignore[arg-type]
            pair_rule=fire.PairRule(option(self.SPREAD_RULE)),
            wind_model=fire.WindModel(option(self.WIND_MODEL)),
            method=fire.Method(option(self.METHOD)),
            duration_hours=number(self.DURATION_HOURS),
            realizations=self.parameterAsInt(parameters, params.REALIZATIONS, context),
            seed=self.parameterAsInt(parameters, params.SEED, context),
            fireproof_target_rate=fireproof_target,
            indoor_occupancy_ratio=number(self.INDOOR_OCCUPANCY_RATIO),
        )

    # --- outputs --------------------------------------------------------------------------
    def _write_raster(self, parameters, context, buildings: FireBuildings, result: fire.FireResult) -> str:
        """The burn-probability raster at PIXEL_SIZE, refused when it would exceed MAX_CELLS."""
        import shapely

        pixel = self.parameterAsDouble(parameters, self.PIXEL_SIZE, context)
        geometries = buildings.data.geometries
        xmin, ymin, xmax, ymax = shapely.total_bounds(geometries)
        cells = math.ceil((xmax - xmin) / pixel + 2) * math.ceil((ymax - ymin) / pixel + 2)
        if cells > MAX_CELLS:
            raise QgsProcessingException(
                tr(
                    "PIXEL_SIZE: the burn-probability raster would have {0} pixels (more than {1}); "
                    "choose a coarser pixel."
                ).format(cells, MAX_CELLS)
            )
        path = self.parameterAsOutputLayer(parameters, self.OUTPUT_BURN_PROBABILITY, context)
        fire.burn_probability_raster(path, geometries, result.p_burn, crs_wkt(buildings.crs), pixel)
        self.raster_style(context, path, "fire_burn_probability")
        return path

    def _write_buildings(self, parameters, context, feedback, buildings: FireBuildings, result: fire.FireResult) -> str:
        """Every input building with its fields and the BUILDING_FIELDS results."""
        n = len(buildings.data)
        arrival = result.arrival_min if result.arrival_min is not None else np.full(n, np.nan)
        columns = [
            np.asarray(result.p_ignite),
            np.asarray(result.p_burn),
            np.asarray(result.cluster_id).astype(np.int64),
            np.asarray(result.cluster_size).astype(np.int64),
            np.asarray(arrival),
            np.asarray(result.converted).astype(bool),
        ]
        dest_id = write_buildings(
            self,
            parameters,
            context,
            buildings.source,
            buildings.data,
            BUILDING_FIELDS,
            columns,
            feedback,
            self.OUTPUT,
            buildings.crs,
        )
        self.style_on_load(context, dest_id, "fire_buildings")
        return dest_id

    def _write_districts(
        self,
        parameters,
        context,
        feedback,
        districts: params.Districts | None,
        result: fire.FireResult,
        crs: QgsCoordinateReferenceSystem,
    ) -> dict[str, Any]:
        """The district totals, when OUTPUT_DISTRICTS is asked for and DISTRICTS given."""
        rows = []
        if districts is not None and result.districts is not None:
            rows = [[name, *totals_row(result.districts, k)] for k, name in enumerate(districts.names)]
        spec = [("district", str), *TOTALS_FIELDS]
        dest_id = write_district_table(self, parameters, context, districts, spec, rows, crs, feedback)
        if dest_id is None:
            return {}
        self.style_on_load(context, dest_id, "fire_districts")
        return {params.OUTPUT_DISTRICTS: dest_id}

    def _write_summary(
        self,
        parameters,
        context,
        feedback,
        scenario: fire.FireScenario,
        result: fire.FireResult,
        table: fire.IgnitionTable,
        fireproofing: Fireproofing,
        crs: QgsCoordinateReferenceSystem,
    ) -> dict[str, Any]:
        """The ward row (totals and the settings used) to OUTPUT_SUMMARY and as results."""
        ward_row = totals_row(result.ward, 0)
        settings = self._settings(scenario, result, table, fireproofing)
        spec = [*TOTALS_FIELDS, *((name, typ) for name, typ, _ in settings)]
        values = [*ward_row, *(value for _, _, value in settings)]
        outputs: dict[str, Any] = {
            params.OUTPUT_SUMMARY: params.write_summary(self, parameters, context, spec, values, crs)
        }
        for (name, _), value in zip(TOTALS_FIELDS, ward_row):
            key = "BUILDING_COUNT" if name == "buildings" else name.upper()
            outputs[key] = finite_or_none(value) if isinstance(value, float) else value
        for name, _, value in settings:
            outputs[name.upper()] = value
        ward = result.ward
        feedback.pushInfo(
            tr(
                "Ward: {0:.2f} expected ignitions, {1:.0f} burned buildings (5-95 %: {2:.0f}-{3:.0f}), "
                "{4:.1f} fire deaths; fire-resistant share {5:.1%}."
            ).format(
                ward.expected_ignitions[0],
                ward.expected_burned[0],
                ward.burned_p05[0],
                ward.burned_p95[0],
                ward.fire_deaths[0],
                result.share_after,
            )
        )
        return outputs

    @staticmethod
    def _settings(
        scenario: fire.FireScenario, result: fire.FireResult, table: fire.IgnitionTable, fireproofing: Fireproofing
    ) -> list[tuple[str, type, Any]]:
        """(summary field, type, value) of the settings a run used and of its spread graph."""
        return [
            ("method", str, result.method.name.lower()),
            ("realizations", int, scenario.realizations),
            ("seed", int, scenario.seed),
            ("scenario_hour", int, scenario.hour),
            ("time_coefficient", float, result.settings["time_coefficient"]),
            ("wind_speed", float, scenario.wind_speed),
            ("wind_direction", float, scenario.wind_direction_deg),
            ("ignition_table", str, table.name),
            ("seismic_breaker_rate", float, scenario.seismic_breaker_rate),
            ("initial_extinguishment", float, scenario.suppression_rate),
            ("spread_rule", str, fire.PairRule(scenario.pair_rule).name.lower()),
            ("wind_model", str, fire.WindModel(scenario.wind_model).name.lower()),
            ("fireproof_areas", int, fireproofing.n_areas if fireproofing.target is not None else 0),
            ("fire_resistant_share_before", float, result.share_before),
            ("fire_resistant_share_after", float, result.share_after),
            ("fireproofed", int, int(result.converted.sum())),
            ("links", int, result.graph.n_links),
            ("largest_cluster", int, int(result.cluster_size.max())),
        ]
