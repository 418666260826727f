"""suginami:firespread - fire following earthquake: ignition, spread under wind, burn probability."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from qgis.core import (
    QgsFields,
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterDestination,
    QgsWkbTypes,
)

from ...core import fire
from ..base import SuginamiAlgorithm
from ..conversions import (
    advanced,
    crs_wkt,
    finite_or_none,
    is_set,
    make_fields,
    read_vector,
    require_projected,
    write_features,
)
from ..executor_param import executor_parameter, open_executor
from ..fireproofing import fireproof_areas
from ..i18n import tr

# Per-building output fields (the plugin-wide names of fire results) plus the fire-proofing flag.
BUILDING_FIELDS: tuple[tuple[str, type], ...] = (
    ("p_ignite", float),
    ("p_burn", float),
    ("cluster_id", int),
    ("cluster_size", int),
    ("arrival_min", float),
    ("fireproofed", bool),
)
# Largest burn-probability raster accepted in one run; beyond this ask for a coarser pixel.
MAX_CELLS = 100_000_000
# Intensity given to buildings without one: below every JMA intensity, so no table row applies.
NO_INTENSITY = -99.0


class FireSpreadAlgorithm(SuginamiAlgorithm):
    NAME = "firespread"
    DISPLAY_NAME = "Fire following earthquake (ignition, spread, burn probability)"

    BUILDINGS = "BUILDINGS"
    P_COLLAPSE_FIELD = "P_COLLAPSE_FIELD"
    INTENSITY_FIELD = "INTENSITY_FIELD"
    FIRE_RESISTANCE_FIELD = "FIRE_RESISTANCE_FIELD"
    USE_FIELD = "USE_FIELD"
    FLOORS_FIELD = "FLOORS_FIELD"
    P_HALF_FIELD = "P_HALF_FIELD"
    OCCUPANTS_FIELD = "OCCUPANTS_FIELD"
    P_COLLAPSE_MEDIAN_FIELD = "P_COLLAPSE_MEDIAN_FIELD"
    INTENSITY_MEDIAN_FIELD = "INTENSITY_MEDIAN_FIELD"
    SCENARIO_HOUR = "SCENARIO_HOUR"
    TIME_COEFFICIENT = "TIME_COEFFICIENT"
    INITIAL_EXTINGUISHMENT = "INITIAL_EXTINGUISHMENT"
    # Deprecated alias of INITIAL_EXTINGUISHMENT (hidden; kept because keys are the batch interface).
    SUPPRESSION_RATE = "SUPPRESSION_RATE"
    SEISMIC_BREAKER_RATE = "SEISMIC_BREAKER_RATE"
    COLLAPSE_IGNITION_RATE = "COLLAPSE_IGNITION_RATE"
    IGNITION_TABLE = "IGNITION_TABLE"
    WIND_SPEED = "WIND_SPEED"
    WIND_DIRECTION = "WIND_DIRECTION"
    SPREAD_LIMIT_BARE_WOOD = "SPREAD_LIMIT_BARE_WOOD"
    SPREAD_LIMIT_PROTECTED_WOOD = "SPREAD_LIMIT_PROTECTED_WOOD"
    SPREAD_LIMIT_SEMI_FIREPROOF = "SPREAD_LIMIT_SEMI_FIREPROOF"
    SPREAD_LIMIT_FIREPROOF = "SPREAD_LIMIT_FIREPROOF"
    SPREAD_RULE = "SPREAD_RULE"
    WIND_MODEL = "WIND_MODEL"
    FIREBREAKS = "FIREBREAKS"
    METHOD = "METHOD"
    DURATION_HOURS = "DURATION_HOURS"
    REALIZATIONS = "REALIZATIONS"
    SEED = "SEED"
    FIREPROOF_TARGET_RATE = "FIREPROOF_TARGET_RATE"
    FIREPROOF_AREAS = "FIREPROOF_AREAS"
    FIREPROOF_OPEN_SPACE_FIELD = "FIREPROOF_OPEN_SPACE_FIELD"
    OPEN_SPACE_RATIO = "OPEN_SPACE_RATIO"
    YEAR_FIELD = "YEAR_FIELD"
    DISTRICTS = "DISTRICTS"
    DISTRICT_NAME_FIELD = "DISTRICT_NAME_FIELD"
    INDOOR_OCCUPANCY_RATIO = "INDOOR_OCCUPANCY_RATIO"
    PIXEL_SIZE = "PIXEL_SIZE"
    OUTPUT = "OUTPUT"
    OUTPUT_BURN_PROBABILITY = "OUTPUT_BURN_PROBABILITY"
    OUTPUT_DISTRICTS = "OUTPUT_DISTRICTS"
    OUTPUT_SUMMARY = "OUTPUT_SUMMARY"

    SPREAD_LIMIT_KEYS = (
        SPREAD_LIMIT_BARE_WOOD,
        SPREAD_LIMIT_PROTECTED_WOOD,
        SPREAD_LIMIT_SEMI_FIREPROOF,
        SPREAD_LIMIT_FIREPROOF,
    )

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:
        # Parameters added after version 0.1.0 are optional with defaults, so that saved models and
        # batch files that do not set them stay valid.
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.BUILDINGS,
                tr("Buildings (footprint polygons, e.g. the output of Earthquake building damage)"),
                [QgsProcessing.TypeVectorPolygon],
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.P_COLLAPSE_FIELD,
                tr("Collapse probability field"),
                "p_collapse",
                self.BUILDINGS,
                QgsProcessingParameterField.Numeric,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.FIRE_RESISTANCE_FIELD,
                tr("Fire-resistance field (bare_wood, protected_wood, semi_fireproof, fireproof)"),
                "fire_resistance",
                self.BUILDINGS,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.INTENSITY_FIELD,
                tr("JMA intensity field (for ignitions of buildings that do not collapse)"),
                "intensity",
                self.BUILDINGS,
                QgsProcessingParameterField.Numeric,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.USE_FIELD,
                tr("Building use field (optional; for an ignition table by use)"),
                None,
                self.BUILDINGS,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.FLOORS_FIELD,
                tr("Floors field (optional; for the burned floor area)"),
                None,
                self.BUILDINGS,
                QgsProcessingParameterField.Numeric,
                optional=True,
            )
        )
        for key, label in (
            (self.P_HALF_FIELD, tr("At-least-half-collapse probability field (optional; for evacuees)")),
            (self.OCCUPANTS_FIELD, tr("Residents field (optional; evacuees and relief-centre residents)")),
            (self.P_COLLAPSE_MEDIAN_FIELD, tr("Collapse probability under the median ground motion (optional)")),
            (self.INTENSITY_MEDIAN_FIELD, tr("JMA intensity of the median ground motion (optional)")),
        ):
            self.addParameter(
                QgsProcessingParameterField(
                    key, label, None, self.BUILDINGS, QgsProcessingParameterField.Numeric, optional=True
                )
            )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.SCENARIO_HOUR,
                tr("Scenario hour, winter (cited coefficients for 5, 6-7, 11-12, 17-18)"),
                QgsProcessingParameterNumber.Integer,
                18,
                False,
                0,
                23,
            )
        )
        self.addParameter(
            advanced(
                QgsProcessingParameterNumber(
                    self.TIME_COEFFICIENT,
                    tr("Time-of-day ignition coefficient relative to 05:00 (optional; empty = cited table)"),
                    QgsProcessingParameterNumber.Double,
                    None,
                    True,
                    0.0,
                )
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.SEISMIC_BREAKER_RATE,
                tr("Seismic circuit breakers: share of premises with one (0-1; Tokyo 2022: 0.083)"),
                QgsProcessingParameterNumber.Double,
                fire.SEISMIC_BREAKER_RATE,
                True,
                0.0,
                1.0,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.INITIAL_EXTINGUISHMENT,
                tr("Initial extinguishment by residents, fires in standing buildings (0-1; Tokyo 2022: 0.366)"),
                QgsProcessingParameterNumber.Double,
                fire.INITIAL_SUPPRESSION_RATE,
                True,
                0.0,
                1.0,
            )
        )
        deprecated = QgsProcessingParameterNumber(
            self.SUPPRESSION_RATE,
            tr("Initial extinguishment rate (deprecated: use INITIAL_EXTINGUISHMENT)"),
            QgsProcessingParameterNumber.Double,
            fire.INITIAL_SUPPRESSION_RATE,
            True,
            0.0,
            1.0,
        )
        deprecated.setFlags(deprecated.flags() | QgsProcessingParameterDefinition.FlagHidden)
        self.addParameter(deprecated)
        self.addParameter(
            advanced(
                QgsProcessingParameterNumber(
                    self.COLLAPSE_IGNITION_RATE,
                    tr("Ignitions per collapsed building, winter 05-06 h (Tokyo 2022: 0.000355)"),
                    QgsProcessingParameterNumber.Double,
                    fire.COLLAPSE_IGNITION_RATE_0506,
                    False,
                    0.0,
                    1.0,
                )
            )
        )
        self.addParameter(
            QgsProcessingParameterFile(
                self.IGNITION_TABLE,
                tr(
                    "Ignition table of non-collapsed buildings (optional CSV: use, intensity_min, rate; empty = built-in)"
                ),
                QgsProcessingParameterFile.File,
                optional=True,
                fileFilter=tr("CSV (*.csv)"),
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.WIND_SPEED,
                tr("Wind speed (m/s, 0-30)"),
                QgsProcessingParameterNumber.Double,
                8.0,
                False,
                0.0,
                30.0,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.WIND_DIRECTION,
                tr("Wind direction (degrees the wind comes from; NNW = 337.5)"),
                QgsProcessingParameterNumber.Double,
                fire.TOKYO_WIND_DIRECTION_DEG,
                False,
                0.0,
                360.0,
            )
        )
        labels = (
            tr("Spread-limit distance, bare wood (m)"),
            tr("Spread-limit distance, fire-protected wood (m)"),
            tr("Spread-limit distance, semi-fireproof (m)"),
            tr("Spread-limit distance, fireproof (m)"),
        )
        for key, label, default in zip(self.SPREAD_LIMIT_KEYS, labels, fire.SPREAD_LIMIT_M):
            self.addParameter(
                advanced(
                    QgsProcessingParameterNumber(
                        key, label, QgsProcessingParameterNumber.Double, default, False, 0.0, 100.0
                    )
                )
            )
        self.addParameter(
            advanced(
                QgsProcessingParameterEnum(
                    self.SPREAD_RULE,
                    tr("Spread rule between two buildings"),
                    [tr("Tokyo: half-distance buffers touch"), tr("Smaller of the two spread-limit distances")],
                    defaultValue=int(fire.PairRule.HALF_BUFFERS),
                    optional=True,
                )
            )
        )
        self.addParameter(
            advanced(
                QgsProcessingParameterEnum(
                    self.WIND_MODEL,
                    tr("Wind effect on the spread-limit distance"),
                    [
                        tr("Strong-wind stretch in every direction"),
                        tr("Directional ellipse (longer downwind, shorter upwind)"),
                        tr("None"),
                    ],
                    defaultValue=int(fire.WindModel.ISOTROPIC),
                    optional=True,
                )
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.FIREBREAKS,
                tr("Firebreaks (optional polygons: wide roads, parks, rivers)"),
                [QgsProcessing.TypeVectorPolygon],
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterEnum(
                self.METHOD,
                tr("Method"),
                [tr("Cluster (Tokyo 2022)"), tr("Simulation (Monte Carlo, Hamada spread times)")],
                defaultValue=0,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.DURATION_HOURS,
                tr("Duration of the spread (hours; simulation)"),
                QgsProcessingParameterNumber.Double,
                fire.DEFAULT_DURATION_HOURS,
                False,
                0.01,
                240.0,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.REALIZATIONS,
                tr("Monte Carlo realizations"),
                QgsProcessingParameterNumber.Integer,
                fire.DEFAULT_REALIZATIONS,
                False,
                1,
                100_000,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.SEED, tr("Random seed"), QgsProcessingParameterNumber.Integer, 42, False, 0
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.FIREPROOF_TARGET_RATE,
                tr(
                    "Fire-proofing target (0-1, optional): share of fire-resistant buildings, "
                    "or with fire-proofing areas the 不燃領域率 of each area"
                ),
                QgsProcessingParameterNumber.Double,
                None,
                True,
                0.0,
                1.0,
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.FIREPROOF_AREAS,
                tr("Fire-proofing areas (optional polygons: the designated close-packed wooden districts)"),
                [QgsProcessing.TypeVectorPolygon],
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.FIREPROOF_OPEN_SPACE_FIELD,
                tr("Open-space ratio field of the areas (空地率, %; optional)"),
                None,
                self.FIREPROOF_AREAS,
                QgsProcessingParameterField.Numeric,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.OPEN_SPACE_RATIO,
                tr("Open-space ratio of the areas when there is no field (空地率, 0-0.99)"),
                QgsProcessingParameterNumber.Double,
                0.0,
                True,
                0.0,
                0.99,
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.YEAR_FIELD,
                tr("Construction year field (optional; the oldest wooden buildings are rebuilt first)"),
                None,
                self.BUILDINGS,
                QgsProcessingParameterField.Numeric,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.DISTRICTS, tr("Districts (optional polygons)"), [QgsProcessing.TypeVectorPolygon], optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.DISTRICT_NAME_FIELD, tr("District name field"), None, self.DISTRICTS, optional=True
            )
        )
        self.addParameter(
            advanced(
                QgsProcessingParameterNumber(
                    self.INDOOR_OCCUPANCY_RATIO,
                    tr("Indoor occupants at the hour / 24-hour mean (for fire deaths)"),
                    QgsProcessingParameterNumber.Double,
                    1.0,
                    False,
                    0.0,
                )
            )
        )
        self.addParameter(
            advanced(
                QgsProcessingParameterNumber(
                    self.PIXEL_SIZE,
                    tr("Pixel size of the burn-probability raster (m)"),
                    QgsProcessingParameterNumber.Double,
                    5.0,
                    False,
                    0.5,
                )
            )
        )
        self.addParameter(executor_parameter())
        self.addParameter(QgsProcessingParameterFeatureSink(self.OUTPUT, tr("Buildings with burn probability")))
        self.addParameter(
            QgsProcessingParameterRasterDestination(self.OUTPUT_BURN_PROBABILITY, tr("Burn probability raster"))
        )
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                self.OUTPUT_DISTRICTS, tr("District fire totals"), QgsProcessing.TypeVectorPolygon, optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSink(self.OUTPUT_SUMMARY, tr("Ward fire summary"), QgsProcessing.TypeVector)
        )

    # ------------------------------------------------------------------------------------
    def compute(self, parameters, context, feedback, core_feedback) -> dict[str, Any]:
        import shapely

        source = self.parameterAsSource(parameters, self.BUILDINGS, context)
        if source is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, self.BUILDINGS))
        crs = source.sourceCrs()
        require_projected(crs, self.BUILDINGS)
        # QGIS 3.22 refuses a mandatory field parameter left at its default, so these two are
        # optional in the dialog and fall back to the plugin-wide field names here.
        p_field = self.parameterAsString(parameters, self.P_COLLAPSE_FIELD, context) or "p_collapse"
        class_field = self.parameterAsString(parameters, self.FIRE_RESISTANCE_FIELD, context) or "fire_resistance"
        intensity_field = self.parameterAsString(parameters, self.INTENSITY_FIELD, context) or None
        use_field = self.parameterAsString(parameters, self.USE_FIELD, context) or None
        floors_field = self.parameterAsString(parameters, self.FLOORS_FIELD, context) or None
        year_field = self.parameterAsString(parameters, self.YEAR_FIELD, context) or None
        extra_fields = {
            key: self.parameterAsString(parameters, key, context) or None
            for key in (
                self.P_HALF_FIELD,
                self.OCCUPANTS_FIELD,
                self.P_COLLAPSE_MEDIAN_FIELD,
                self.INTENSITY_MEDIAN_FIELD,
            )
        }
        table_path = self.parameterAsFile(parameters, self.IGNITION_TABLE, context)
        table = fire.load_ignition_table(table_path) if table_path else fire.load_builtin_ignition_table()
        if not table.rows:
            # A table with the header only: collapse ignitions alone, so no intensity is needed.
            intensity_field = None

        fields_in = source.fields()
        all_names = fields_in.names()
        if intensity_field and intensity_field not in all_names:
            raise QgsProcessingException(
                tr(
                    "INTENSITY_FIELD: ignitions of buildings that do not collapse need each building's JMA "
                    "intensity, and field '{0}' is not in the buildings layer (fields: {1}). Choose the intensity "
                    "field (Earthquake building damage writes one), or give an IGNITION_TABLE with the header "
                    "only to model ignitions of collapsed buildings alone."
                ).format(intensity_field, ", ".join(all_names))
            )
        for key, name in (
            (self.P_COLLAPSE_FIELD, p_field),
            (self.FIRE_RESISTANCE_FIELD, class_field),
            (self.USE_FIELD, use_field),
            (self.FLOORS_FIELD, floors_field),
            (self.YEAR_FIELD, year_field),
            *extra_fields.items(),
        ):
            if name and name not in all_names:
                raise QgsProcessingException(
                    tr(
                        "{0}: field '{1}' is not in the buildings layer (fields: {2}); choose an existing field."
                    ).format(key, name, ", ".join(all_names))
                )
        feedback.pushInfo(tr("Reading {0} buildings").format(source.featureCount()))
        data = read_vector(source, context, None, all_names, self.BUILDINGS)
        if feedback.isCanceled():
            raise QgsProcessingException(tr("Canceled: no output was written."))
        n = len(data)
        if n == 0:
            raise QgsProcessingException(tr("BUILDINGS: the layer has no features; choose a layer with footprints."))
        p_collapse = data.column(p_field, float)
        missing = ~np.isfinite(p_collapse)
        if missing.any():
            feedback.pushInfo(
                tr(
                    "{0} buildings have no collapse probability (e.g. outside the ground-motion raster): taken as 0."
                ).format(int(missing.sum()))
            )
            p_collapse = np.where(missing, 0.0, p_collapse)
        intensity = None
        if intensity_field:
            intensity = data.column(intensity_field, float)
            no_intensity = ~np.isfinite(intensity)
            if no_intensity.any():
                feedback.pushInfo(
                    tr("{0} buildings have no intensity: no ignition of a standing building for them.").format(
                        int(no_intensity.sum())
                    )
                )
                intensity = np.where(no_intensity, NO_INTENSITY, intensity)
        use = data.column(use_field, str) if use_field else None
        extras = self._extra_columns(data, extra_fields, intensity is not None or not table.rows, feedback)
        floors = data.column(floors_field, float) if floors_field else None
        year_built = data.column(year_field, float) if year_field else None
        classes = fire.parse_fire_resistance(data.column(class_field, str), self.FIRE_RESISTANCE_FIELD)

        firebreaks = None
        breaks_source = self.parameterAsSource(parameters, self.FIREBREAKS, context)
        if breaks_source is not None:
            breaks = read_vector(breaks_source, context, crs, (), self.FIREBREAKS)
            firebreaks = [g for g in breaks.geometries if g is not None]
            feedback.pushInfo(tr("{0} firebreak polygons").format(len(firebreaks)))

        district_names: list[str] = []
        district_geoms = np.empty(0, dtype=object)
        district_index = None
        districts_source = self.parameterAsSource(parameters, self.DISTRICTS, context)
        if districts_source is not None:
            name_field = self.parameterAsString(parameters, self.DISTRICT_NAME_FIELD, context) or None
            dist = read_vector(districts_source, context, crs, [name_field] if name_field else [], self.DISTRICTS)
            keep = np.array([g is not None for g in dist.geometries], dtype=bool)
            district_geoms = dist.geometries[keep]
            names_all = [str(v) for v in dist.column(name_field, str)] if name_field else [str(i) for i in dist.ids]
            district_names = [nm for nm, k in zip(names_all, keep) if k]
            present = np.array([g is not None for g in data.geometries], dtype=bool)
            district_index = np.full(n, -1, dtype=np.int64)
            district_index[present] = fire.assign_districts(data.geometries[present], list(district_geoms))

        fireproof_target = (
            self.parameterAsDouble(parameters, self.FIREPROOF_TARGET_RATE, context)
            if is_set(parameters, self.FIREPROOF_TARGET_RATE)
            else None
        )
        area_index, n_areas, open_space = self._fireproof_areas(parameters, context, feedback, data, crs)
        if area_index is not None and fireproof_target is None:
            feedback.pushInfo(tr("FIREPROOF_AREAS is ignored: no FIREPROOF_TARGET_RATE was given."))
        if year_field and (area_index is None or fireproof_target is None):
            feedback.pushInfo(
                tr(
                    "YEAR_FIELD is used only with FIREPROOF_AREAS and FIREPROOF_TARGET_RATE: buildings are chosen at random."
                )
            )

        hour = self.parameterAsInt(parameters, self.SCENARIO_HOUR, context)
        scenario = fire.FireScenario(
            wind_speed=self.parameterAsDouble(parameters, self.WIND_SPEED, context),
            wind_direction_deg=self.parameterAsDouble(parameters, self.WIND_DIRECTION, context),
            hour=hour,
            time_coefficient=(
                self.parameterAsDouble(parameters, self.TIME_COEFFICIENT, context)
                if is_set(parameters, self.TIME_COEFFICIENT)
                else None
            ),
            suppression_rate=self._initial_extinguishment(parameters, context, feedback),
            seismic_breaker_rate=self.parameterAsDouble(parameters, self.SEISMIC_BREAKER_RATE, context),
            collapse_ignition_rate=self.parameterAsDouble(parameters, self.COLLAPSE_IGNITION_RATE, context),
            ignition_table=table,
            spread_limits_m=tuple(  # type: ignore[arg-type]
                self.parameterAsDouble(parameters, key, context) for key in self.SPREAD_LIMIT_KEYS
            ),
            pair_rule=fire.PairRule(self.parameterAsEnum(parameters, self.SPREAD_RULE, context)),
            wind_model=fire.WindModel(self.parameterAsEnum(parameters, self.WIND_MODEL, context)),
            method=fire.Method(self.parameterAsEnum(parameters, self.METHOD, context)),
            duration_hours=self.parameterAsDouble(parameters, self.DURATION_HOURS, context),
            realizations=self.parameterAsInt(parameters, self.REALIZATIONS, context),
            seed=self.parameterAsInt(parameters, self.SEED, context),
            fireproof_target_rate=fireproof_target,
            indoor_occupancy_ratio=self.parameterAsDouble(parameters, self.INDOOR_OCCUPANCY_RATIO, context),
        )
        feedback.pushInfo(self._ignition_message(table, table_path))
        with open_executor(self, parameters, context, feedback) as executor:
            result = fire.run_fire(
                data.geometries,
                classes,
                p_collapse,
                scenario,
                intensity=intensity,
                use=use,
                floors=floors,
                district_index=district_index,
                n_districts=len(district_names),
                firebreaks=firebreaks,
                feedback=core_feedback,
                executor=executor,
                fireproof_area_index=area_index,
                n_fireproof_areas=n_areas,
                open_space_ratio=open_space,
                year_built=year_built,
                **extras,
            )

        # --- burn-probability raster (checked before any vector output is written) -------
        pixel = self.parameterAsDouble(parameters, self.PIXEL_SIZE, context)
        xmin, ymin, xmax, ymax = shapely.total_bounds(data.geometries)
        cells = math.ceil((xmax - xmin) / pixel + 2) * math.ceil((ymax - ymin) / pixel + 2)
        if cells > MAX_CELLS:
            raise QgsProcessingException(
                tr(
                    "PIXEL_SIZE: the burn-probability raster would have {0} pixels (more than {1}); "
                    "choose a coarser pixel."
                ).format(cells, MAX_CELLS)
            )
        raster_path = self.parameterAsOutputLayer(parameters, self.OUTPUT_BURN_PROBABILITY, context)
        fire.burn_probability_raster(raster_path, data.geometries, result.p_burn, crs_wkt(crs), pixel)
        self.raster_style(context, raster_path, "fire_burn_probability")

        # --- buildings ---------------------------------------------------------------------
        ours = {name for name, _ in BUILDING_FIELDS}
        kept = [name for name in all_names if name not in ours]
        base = QgsFields()
        for name in kept:
            base.append(fields_in.at(fields_in.lookupField(name)))
        out_fields = make_fields(BUILDING_FIELDS, base)
        sink, dest_id = self.parameterAsSink(parameters, self.OUTPUT, context, out_fields, source.wkbType(), crs)
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, self.OUTPUT))
        arrival = result.arrival_min if result.arrival_min is not None else np.full(n, np.nan)
        rows = [
            [data.attributes[name][i] for name in kept]
            + [
                result.p_ignite[i],
                result.p_burn[i],
                int(result.cluster_id[i]),
                int(result.cluster_size[i]),
                arrival[i],
                bool(result.converted[i]),
            ]
            for i in range(n)
        ]
        write_features(sink, out_fields, data.geometries, rows, feedback)
        self.style_on_load(context, dest_id, "fire_buildings")
        outputs: dict[str, Any] = {self.OUTPUT: dest_id, self.OUTPUT_BURN_PROBABILITY: raster_path}

        # --- districts ---------------------------------------------------------------------
        spec: list[tuple[str, type]] = [
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
        ]

        def totals_row(t: fire.AreaTotals, k: int) -> list[Any]:
            count = int(t.n_buildings[k])
            return [
                count,
                t.expected_ignitions[k],
                t.expected_burned[k],
                t.burned_p05[k],
                t.burned_p95[k],
                t.expected_burned[k] / count if count else None,
                t.burned_floor_area_m2[k],
                t.fire_deaths[k],
                t.fire_deaths_p05[k],
                t.fire_deaths_p95[k],
                t.expected_ignitions_median[k],
                t.expected_burned_median[k],
                t.evacuees[k],
                t.shelter_residents[k],
            ]

        if districts_source is not None and is_set(parameters, self.OUTPUT_DISTRICTS):
            d_fields = make_fields([("district", str), *spec])
            d_sink, d_id = self.parameterAsSink(
                parameters, self.OUTPUT_DISTRICTS, context, d_fields, districts_source.wkbType(), crs
            )
            if d_sink is not None and result.districts is not None:
                d_rows = [[name, *totals_row(result.districts, k)] for k, name in enumerate(district_names)]
                write_features(d_sink, d_fields, district_geoms, d_rows, feedback)
                self.style_on_load(context, d_id, "fire_districts")
                outputs[self.OUTPUT_DISTRICTS] = d_id
        elif districts_source is None and is_set(parameters, self.OUTPUT_DISTRICTS):
            feedback.pushInfo(tr("OUTPUT_DISTRICTS: no DISTRICTS layer was given, so no district table is written."))

        # --- ward summary ------------------------------------------------------------------
        ward_row = totals_row(result.ward, 0)
        extra: list[tuple[str, type, Any]] = [
            ("method", str, result.method.name.lower()),
            ("realizations", int, scenario.realizations),
            ("seed", int, scenario.seed),
            ("scenario_hour", int, hour),
            ("time_coefficient", float, result.settings["time_coefficient"]),
            ("wind_speed", float, scenario.wind_speed),
            ("wind_direction", float, scenario.wind_direction_deg),
            ("ignition_table", str, table.name),
            ("seismic_breaker_rate", float, scenario.seismic_breaker_rate),
            ("initial_extinguishment", float, scenario.suppression_rate),
            ("spread_rule", str, fire.PairRule(scenario.pair_rule).name.lower()),
            ("wind_model", str, fire.WindModel(scenario.wind_model).name.lower()),
            ("fireproof_areas", int, n_areas if fireproof_target is not None else 0),
            ("fire_resistant_share_before", float, result.share_before),
            ("fire_resistant_share_after", float, result.share_after),
            ("fireproofed", int, int(result.converted.sum())),
            ("links", int, result.graph.n_links),
            ("largest_cluster", int, int(result.cluster_size.max())),
        ]
        s_fields = make_fields([*spec, *((name, typ) for name, typ, _ in extra)])
        s_sink, s_id = self.parameterAsSink(
            parameters, self.OUTPUT_SUMMARY, context, s_fields, QgsWkbTypes.NoGeometry, crs
        )
        if s_sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, self.OUTPUT_SUMMARY))
        write_features(s_sink, s_fields, np.array([None], dtype=object), [[*ward_row, *(v for _, _, v in extra)]])
        outputs[self.OUTPUT_SUMMARY] = s_id
        for (name, _), value in zip(spec, ward_row):
            key = "BUILDING_COUNT" if name == "buildings" else name.upper()
            outputs[key] = finite_or_none(value) if isinstance(value, float) else value
        for name, _, value in extra:
            outputs[name.upper()] = value
        feedback.pushInfo(
            tr(
                "Ward: {0:.2f} expected ignitions, {1:.0f} burned buildings (5-95 %: {2:.0f}-{3:.0f}), "
                "{4:.1f} fire deaths; fire-resistant share {5:.1%}."
            ).format(
                result.ward.expected_ignitions[0],
                result.ward.expected_burned[0],
                result.ward.burned_p05[0],
                result.ward.burned_p95[0],
                result.ward.fire_deaths[0],
                result.share_after,
            )
        )
        return outputs

    # ------------------------------------------------------------------------------------
    def _extra_columns(self, data, names: dict[str, str | None], with_table: bool, feedback) -> dict[str, Any]:
        """Optional inputs of run_fire: evacuees (residents, half-collapse) and the median scenario."""
        out: dict[str, Any] = {}

        def column(key: str) -> np.ndarray:
            values = data.column(names[key], float)
            return np.where(np.isfinite(values), values, 0.0)

        if names[self.OCCUPANTS_FIELD]:
            out["residents"] = np.clip(column(self.OCCUPANTS_FIELD), 0.0, None)
            if names[self.P_HALF_FIELD]:
                out["p_half"] = np.clip(column(self.P_HALF_FIELD), 0.0, 1.0)
        median_keys = (self.P_COLLAPSE_MEDIAN_FIELD, self.INTENSITY_MEDIAN_FIELD)
        if all(names[k] for k in median_keys) and with_table:
            out["p_collapse_median"] = np.clip(column(self.P_COLLAPSE_MEDIAN_FIELD), 0.0, 1.0)
            median = data.column(names[self.INTENSITY_MEDIAN_FIELD], float)
            out["intensity_median"] = np.where(np.isfinite(median), median, NO_INTENSITY)
        elif any(names[k] for k in median_keys):
            feedback.pushInfo(
                tr("P_COLLAPSE_MEDIAN_FIELD and INTENSITY_MEDIAN_FIELD go together: no median-scenario totals.")
            )
        return out

    def _initial_extinguishment(self, parameters, context, feedback) -> float:
        """INITIAL_EXTINGUISHMENT, or the deprecated SUPPRESSION_RATE when only that one is given."""
        if is_set(parameters, self.SUPPRESSION_RATE) and not is_set(parameters, self.INITIAL_EXTINGUISHMENT):
            feedback.pushInfo(tr("SUPPRESSION_RATE is deprecated: use INITIAL_EXTINGUISHMENT (same meaning)."))
            return self.parameterAsDouble(parameters, self.SUPPRESSION_RATE, context)
        return self.parameterAsDouble(parameters, self.INITIAL_EXTINGUISHMENT, context)

    @staticmethod
    def _ignition_message(table: fire.IgnitionTable, table_path: str) -> str:
        if not table.rows:
            return tr("Ignition table {0} has no rows: only ignitions of collapsed buildings are modelled.").format(
                table_path
            )
        if table_path:
            return tr("Ignitions of buildings that do not collapse: table {0} ({1} rows).").format(
                table_path, len(table.rows)
            )
        return tr(
            "Ignitions of buildings that do not collapse: built-in table '{0}' ({1} rows), derived from "
            "published fire rates of past earthquakes (docs/methods/fire.md section 1); a ward with the "
            "Tokyo Fire Department's table gives it as IGNITION_TABLE."
        ).format(table.name, len(table.rows))

    def _fireproof_areas(self, parameters, context, feedback, data, crs) -> tuple[np.ndarray | None, int, Any]:
        """(area index per building or None, number of areas, 空地率 as a share: one value or one per area)."""
        return fireproof_areas(
            self.parameterAsSource(parameters, self.FIREPROOF_AREAS, context),
            self.parameterAsString(parameters, self.FIREPROOF_OPEN_SPACE_FIELD, context) or None,
            self.parameterAsDouble(parameters, self.OPEN_SPACE_RATIO, context),
            data,
            crs,
            context,
            feedback,
        )
