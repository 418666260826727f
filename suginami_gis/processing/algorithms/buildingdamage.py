"""suginami:buildingdamage - earthquake damage, casualties and district totals per building."""

from __future__ import annotations

from typing import Any

import numpy as np
from qgis.core import (
    QgsCoordinateTransform,
    QgsFeature,
    QgsFeatureSink,
    QgsFields,
    QgsPointXY,
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterLayer,
    QgsWkbTypes,
)

from ...core import casualties as cas
from ...core import damage as dm
from ...core import fragility as fr
from ...core.rasters import read_raster
from ...core.realizations import MAX_REALIZATIONS
from ..base import SuginamiAlgorithm
from ..conversions import (
    as_bool,
    copy_features,
    finite_or_none,
    is_set,
    make_fields,
    raster_file,
    read_vector,
    to_python,
)
from ..executor_param import executor_parameter, open_executor
from ..i18n import tr

# Per-building output fields (the plugin-wide names of damage results).
BUILDING_FIELDS: tuple[tuple[str, type], ...] = (
    ("intensity", float),
    ("pgv", float),
    ("p_collapse", float),
    ("p_half", float),
    ("retrofitted", bool),
    ("exp_deaths", float),
    ("exp_injuries", float),
    # the same under the first ground-motion band alone (the median scenario of suginami:groundmotion)
    ("intensity_median", float),
    ("p_collapse_median", float),
    ("p_half_median", float),
)


class BuildingDamageAlgorithm(SuginamiAlgorithm):
    NAME = "buildingdamage"
    DISPLAY_NAME = "Earthquake building damage (collapse, casualties, district totals)"

    BUILDINGS = "BUILDINGS"
    STRUCTURE_FIELD = "STRUCTURE_FIELD"
    YEAR_FIELD = "YEAR_FIELD"
    OCCUPANTS_FIELD = "OCCUPANTS_FIELD"
    TAXONOMY_FIELD = "TAXONOMY_FIELD"
    GROUND_MOTION = "GROUND_MOTION"
    GROUND_MOTION_MEASURE = "GROUND_MOTION_MEASURE"
    FRAGILITY = "FRAGILITY"
    RETROFIT_TARGET_RATE = "RETROFIT_TARGET_RATE"
    RETROFIT_FIELD = "RETROFIT_FIELD"
    DWELLINGS_FIELD = "DWELLINGS_FIELD"
    RETROFIT_PRIORITY = "RETROFIT_PRIORITY"
    REALIZATIONS = "REALIZATIONS"
    SEED = "SEED"
    SCENARIO_HOUR = "SCENARIO_HOUR"
    DISTRICTS = "DISTRICTS"
    DISTRICT_NAME_FIELD = "DISTRICT_NAME_FIELD"
    DEATHS_PER_COLLAPSED_WOOD = "DEATHS_PER_COLLAPSED_WOOD"
    DEATHS_PER_COLLAPSED_NON_WOOD = "DEATHS_PER_COLLAPSED_NON_WOOD"
    SEVERE_INJURY_RATE = "SEVERE_INJURY_RATE"
    HALF_COLLAPSE_EVACUATION = "HALF_COLLAPSE_EVACUATION"
    DEFAULT_OCCUPANTS = "DEFAULT_OCCUPANTS"
    OUTPUT = "OUTPUT"
    OUTPUT_DISTRICTS = "OUTPUT_DISTRICTS"
    OUTPUT_SUMMARY = "OUTPUT_SUMMARY"

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.BUILDINGS,
                tr("Buildings (polygons or points)"),
                [QgsProcessing.TypeVectorPolygon, QgsProcessing.TypeVectorPoint],
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.STRUCTURE_FIELD,
                tr("Structure field (wood / non_wood, 木造 / 非木造)"),
                "structure",
                self.BUILDINGS,
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.YEAR_FIELD,
                tr("Construction year field"),
                "year_built",
                self.BUILDINGS,
                QgsProcessingParameterField.Numeric,
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.OCCUPANTS_FIELD,
                tr("Occupants field (optional; residents per building)"),
                None,
                self.BUILDINGS,
                QgsProcessingParameterField.Numeric,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.TAXONOMY_FIELD,
                tr("Taxonomy field (optional; for OpenQuake fragility models)"),
                None,
                self.BUILDINGS,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterRasterLayer(self.GROUND_MOTION, tr("Ground motion raster (one realization per band)"))
        )
        self.addParameter(
            QgsProcessingParameterEnum(
                self.GROUND_MOTION_MEASURE,
                tr("Ground-motion measure of the raster"),
                [tr("JMA instrumental intensity"), tr("PGV (cm/s)")],
                defaultValue=0,
            )
        )
        self.addParameter(
            QgsProcessingParameterFile(
                self.FRAGILITY,
                tr("Fragility curves (optional: project YAML or OpenQuake NRML .xml; default built-in Japanese set)"),
                QgsProcessingParameterFile.File,
                optional=True,
                fileFilter=tr("Fragility (*.yaml *.yml *.xml)"),
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.RETROFIT_TARGET_RATE,
                tr("Retrofit target: share meeting the 1981 standard after retrofit (0-1, optional)"),
                QgsProcessingParameterNumber.Double,
                None,
                True,
                0.0,
                1.0,
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.RETROFIT_FIELD,
                tr("Retrofitted-building field (optional, boolean)"),
                None,
                self.BUILDINGS,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.DWELLINGS_FIELD,
                tr("Dwellings field (optional; dwellings per building, weights the retrofit share)"),
                None,
                self.BUILDINGS,
                QgsProcessingParameterField.Numeric,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterEnum(
                self.RETROFIT_PRIORITY,
                tr("Retrofit priority (which buildings below the standard are retrofitted first)"),
                [tr("Oldest wooden buildings first"), tr("Random (seeded)")],
                defaultValue=int(dm.RetrofitPriority.OLDEST_WOODEN_FIRST),
                # Optional so that models saved before this parameter existed still validate.
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.REALIZATIONS,
                tr("Monte Carlo realizations (0 = exact expected values)"),
                QgsProcessingParameterNumber.Integer,
                0,
                False,
                0,
                MAX_REALIZATIONS,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.SEED, tr("Random seed"), QgsProcessingParameterNumber.Integer, 42, False, 0
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.SCENARIO_HOUR,
                tr("Scenario hour (5, 12 or 18; winter)"),
                QgsProcessingParameterNumber.Integer,
                18,
                False,
                0,
                23,
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.DISTRICTS, tr("Districts (optional polygons)"), [QgsProcessing.TypeVectorPolygon], optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.DISTRICT_NAME_FIELD,
                tr("District name field"),
                None,
                self.DISTRICTS,
                optional=True,
            )
        )
        for key, label, default in (
            (
                self.DEATHS_PER_COLLAPSED_WOOD,
                tr("Deaths per collapsed wooden building at 05:00"),
                cas.DEATHS_PER_COLLAPSED_WOOD,
            ),
            (
                self.DEATHS_PER_COLLAPSED_NON_WOOD,
                tr("Deaths per collapsed non-wooden building at 05:00"),
                cas.DEATHS_PER_COLLAPSED_NON_WOOD,
            ),
            (
                self.SEVERE_INJURY_RATE,
                tr("Severe injuries per occupant of a collapsed building"),
                cas.SEVERE_INJURY_RATE,
            ),
            (
                self.HALF_COLLAPSE_EVACUATION,
                tr("Share of residents of half-collapsed buildings needing shelter"),
                cas.HALF_COLLAPSE_EVACUATION_FACTOR,
            ),
            (
                self.DEFAULT_OCCUPANTS,
                tr("Occupants per building without an occupants field"),
                cas.DEFAULT_OCCUPANTS_PER_BUILDING,
            ),
        ):
            param = QgsProcessingParameterNumber(key, label, QgsProcessingParameterNumber.Double, default, False, 0.0)
            param.setFlags(param.flags() | QgsProcessingParameterDefinition.FlagAdvanced)
            self.addParameter(param)
        self.addParameter(executor_parameter())
        self.addParameter(QgsProcessingParameterFeatureSink(self.OUTPUT, tr("Building damage")))
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                self.OUTPUT_DISTRICTS, tr("District totals"), QgsProcessing.TypeVectorPolygon, optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSink(self.OUTPUT_SUMMARY, tr("Ward summary"), QgsProcessing.TypeVector)
        )

    # ------------------------------------------------------------------------------------
    def compute(self, parameters, context, feedback, core_feedback) -> dict[str, Any]:
        source = self.parameterAsSource(parameters, self.BUILDINGS, context)
        if source is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, self.BUILDINGS))
        if QgsWkbTypes.geometryType(source.wkbType()) == QgsWkbTypes.LineGeometry:
            raise QgsProcessingException(
                tr("BUILDINGS: the layer has line geometries; give building footprints (polygons) or points.")
            )
        structure_field = self.parameterAsString(parameters, self.STRUCTURE_FIELD, context)
        year_field = self.parameterAsString(parameters, self.YEAR_FIELD, context)
        occupants_field = self.parameterAsString(parameters, self.OCCUPANTS_FIELD, context) or None
        taxonomy_field = self.parameterAsString(parameters, self.TAXONOMY_FIELD, context) or None
        retrofit_field = self.parameterAsString(parameters, self.RETROFIT_FIELD, context) or None
        dwellings_field = self.parameterAsString(parameters, self.DWELLINGS_FIELD, context) or None
        hour = self.parameterAsInt(parameters, self.SCENARIO_HOUR, context)
        if hour not in cas.SCENARIO_HOURS:
            raise QgsProcessingException(
                tr("SCENARIO_HOUR: {0} is not one of Tokyo's scenario hours 5, 12 or 18.").format(hour)
            )
        if not structure_field or not year_field:
            raise QgsProcessingException(tr("STRUCTURE_FIELD and YEAR_FIELD: choose the building fields."))
        for key, name in (
            (self.STRUCTURE_FIELD, structure_field),
            (self.YEAR_FIELD, year_field),
            (self.OCCUPANTS_FIELD, occupants_field),
            (self.TAXONOMY_FIELD, taxonomy_field),
            (self.RETROFIT_FIELD, retrofit_field),
            (self.DWELLINGS_FIELD, dwellings_field),
        ):
            if name and source.fields().lookupField(name) < 0:
                raise QgsProcessingException(
                    tr("{0}: field '{1}' is not in the buildings layer (fields: {2}).").format(
                        key, name, ", ".join(source.fields().names())
                    )
                )
        for key, name in (
            (self.OCCUPANTS_FIELD, occupants_field),
            (self.YEAR_FIELD, year_field),
            (self.DWELLINGS_FIELD, dwellings_field),
        ):
            if name:
                idx = source.fields().lookupField(name)
                if idx >= 0 and not source.fields().at(idx).isNumeric():
                    raise QgsProcessingException(
                        tr("{0}: field '{1}' is not numeric; choose a numeric field.").format(key, name)
                    )

        fields_in = source.fields()
        all_names = fields_in.names()
        wanted = [structure_field, year_field, occupants_field, taxonomy_field, retrofit_field, dwellings_field]
        feedback.pushInfo(tr("Reading {0} buildings").format(source.featureCount()))
        data = read_vector(
            source, context, None, all_names + [w for w in wanted if w and w not in all_names], self.BUILDINGS
        )
        if feedback.isCanceled():
            raise QgsProcessingException(tr("Canceled: no output was written."))
        n = len(data)
        if n == 0:
            raise QgsProcessingException(tr("BUILDINGS: the layer has no features."))
        structure = fr.parse_structure(data.column(structure_field, str), self.STRUCTURE_FIELD)
        years = fr.parse_years(data.column(year_field, float), self.YEAR_FIELD)
        occupants = None
        if occupants_field:
            occupants = data.column(occupants_field, float)
            bad = ~np.isfinite(occupants) | (occupants < 0)
            if bad.any():
                raise QgsProcessingException(
                    tr("OCCUPANTS_FIELD: {0} buildings have an empty or negative occupant count.").format(
                        int(bad.sum())
                    )
                )
        dwellings = None
        if dwellings_field:
            dwellings = data.column(dwellings_field, float)
            bad = ~np.isfinite(dwellings) | (dwellings < 0)
            if bad.any():
                raise QgsProcessingException(
                    tr("DWELLINGS_FIELD: {0} buildings have an empty or negative dwelling count.").format(
                        int(bad.sum())
                    )
                )
        taxonomy = data.column(taxonomy_field, str) if taxonomy_field else None
        retrofit_flags = None
        if retrofit_field:
            retrofit_flags = np.array([as_bool(v, self.RETROFIT_FIELD) for v in data.attributes[retrofit_field]])

        # Centroids in the buildings' CRS; null geometries stay NaN and are skipped.
        import shapely

        present = np.array([g is not None for g in data.geometries])
        x = np.full(n, np.nan)
        y = np.full(n, np.nan)
        if present.any():
            centres = shapely.centroid(np.asarray(data.geometries[present]))
            x[present], y[present] = shapely.get_x(centres), shapely.get_y(centres)
        if data.null_geometries:
            feedback.pushInfo(tr("{0} buildings have no geometry: skipped.").format(data.null_geometries))

        layer = self.parameterAsRasterLayer(parameters, self.GROUND_MOTION, context)
        if layer is None:
            raise QgsProcessingException(tr("GROUND_MOTION: choose a ground-motion raster."))
        raster = read_raster(raster_file(layer, self.GROUND_MOTION), self.GROUND_MOTION)
        descriptions = [d or "" for d in raster.descriptions]
        median_band = None
        if raster.array.shape[0] > 1 and descriptions[0].lower() == "median":
            # suginami:groundmotion writes the median first, then the realizations: the median gives
            # the *_median results (the median scenario), the realizations the Monte Carlo.
            median_band = raster.array[:1]
            raster.array = raster.array[1:]
            feedback.pushInfo(
                tr("The raster's first band is the median: the {0} realization bands are used.").format(
                    raster.array.shape[0]
                )
            )
        if source.sourceCrs().isValid() and layer.crs().isValid() and source.sourceCrs() != layer.crs():
            feedback.pushInfo(
                tr("Buildings in {0}, raster in {1}: building centroids are transformed to the raster CRS.").format(
                    source.sourceCrs().authid(), layer.crs().authid()
                )
            )
            # QGIS's own transform, so the PROJ that QGIS loaded is the only one used in its process.
            transform = QgsCoordinateTransform(source.sourceCrs(), layer.crs(), context.transformContext())
            for i in np.flatnonzero(np.isfinite(x)):
                p = transform.transform(QgsPointXY(float(x[i]), float(y[i])))
                x[i], y[i] = p.x(), p.y()
        gm = dm.sample_ground_motion(raster, x, y, None)
        median_motion = None
        if median_band is not None:
            realizations_array, raster.array = raster.array, median_band
            median_motion = dm.sample_ground_motion(raster, x, y, None)[0]
            raster.array = realizations_array
        measure = fr.Measure(self.parameterAsEnum(parameters, self.GROUND_MOTION_MEASURE, context))

        fragility_path = self.parameterAsFile(parameters, self.FRAGILITY, context)
        curves = fr.load_curve_set(fragility_path or None)
        feedback.pushInfo(tr("Fragility curves: {0} ({1} classes)").format(curves.name, len(curves.classes)))
        if curves.limit_state_note:
            feedback.pushInfo(tr("Limit states: {0}").format(curves.limit_state_note))

        district_names: list[str] = []
        district_geoms = np.empty(0, dtype=object)
        district_ids = np.empty(0, dtype=np.int64)
        district_index = None
        districts_source = self.parameterAsSource(parameters, self.DISTRICTS, context)
        if districts_source is not None:
            name_field = self.parameterAsString(parameters, self.DISTRICT_NAME_FIELD, context) or None
            dist = read_vector(
                districts_source, context, source.sourceCrs(), [name_field] if name_field else [], self.DISTRICTS
            )
            keep = np.array([g is not None for g in dist.geometries], dtype=bool)
            if dist.null_geometries:
                feedback.pushInfo(tr("{0} districts have no geometry: ignored.").format(dist.null_geometries))
            district_geoms = dist.geometries[keep]
            district_ids = dist.ids[keep]
            if name_field:
                names_all = [str(v) for v in dist.column(name_field, str)]
            else:
                names_all = [str(i) for i in dist.ids]
            district_names = [nm for nm, k in zip(names_all, keep) if k]
            district_index = dm.assign_districts(x, y, list(district_geoms))

        params = cas.CasualtyParameters(
            deaths_per_collapsed_wood=self.parameterAsDouble(parameters, self.DEATHS_PER_COLLAPSED_WOOD, context),
            deaths_per_collapsed_non_wood=self.parameterAsDouble(
                parameters, self.DEATHS_PER_COLLAPSED_NON_WOOD, context
            ),
            severe_injury_rate=self.parameterAsDouble(parameters, self.SEVERE_INJURY_RATE, context),
            half_collapse_evacuation_factor=self.parameterAsDouble(parameters, self.HALF_COLLAPSE_EVACUATION, context),
            default_occupants=self.parameterAsDouble(parameters, self.DEFAULT_OCCUPANTS, context),
        )
        target = (
            self.parameterAsDouble(parameters, self.RETROFIT_TARGET_RATE, context)
            if is_set(parameters, self.RETROFIT_TARGET_RATE)
            else None
        )
        with open_executor(self, parameters, context, feedback) as executor:
            result = dm.estimate_damage(
                structure,
                years,
                gm,
                measure,
                curves,
                taxonomy=taxonomy,
                occupants=occupants,
                district_index=district_index,
                district_names=district_names,
                retrofit_target_rate=target,
                retrofit_flags=retrofit_flags,
                dwellings=dwellings,
                retrofit_priority=dm.RetrofitPriority(
                    self.parameterAsEnum(parameters, self.RETROFIT_PRIORITY, context)
                ),
                realizations=self.parameterAsInt(parameters, self.REALIZATIONS, context),
                seed=self.parameterAsInt(parameters, self.SEED, context),
                scenario_hour=hour,
                casualty_params=params,
                feedback=core_feedback,
                executor=executor,
                median_motion=median_motion,
            )

        # --- buildings ---------------------------------------------------------------------
        ours = {name for name, _ in BUILDING_FIELDS}
        kept = [name for name in all_names if name not in ours]
        base = QgsFields()
        for name in kept:
            base.append(fields_in.at(fields_in.lookupField(name)))
        out_fields = make_fields(BUILDING_FIELDS, base)
        sink, dest_id = self.parameterAsSink(
            parameters, self.OUTPUT, context, out_fields, source.wkbType(), source.sourceCrs()
        )
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, self.OUTPUT))
        valid = result.valid
        rows = [
            [data.attributes[name][i] for name in kept]
            + [
                result.intensity[i],
                result.pgv[i],
                result.p_collapse[i],
                result.p_half[i],
                bool(result.retrofitted[i]) if valid[i] else None,
                result.exp_deaths[i],
                result.exp_injuries[i],
                result.intensity_median[i],
                result.p_collapse_median[i],
                result.p_half_median[i],
            ]
            for i in range(n)
        ]
        copy_features(sink, out_fields, source, context, data.ids, rows, None, feedback)
        style = (
            "building_damage"
            if QgsWkbTypes.geometryType(source.wkbType()) == QgsWkbTypes.PolygonGeometry
            else ("building_damage_points")
        )
        self.style_on_load(context, dest_id, style)

        outputs: dict[str, Any] = {self.OUTPUT: dest_id}
        # --- districts ---------------------------------------------------------------------
        if districts_source is not None and is_set(parameters, self.OUTPUT_DISTRICTS):
            spec: list[tuple[str, type]] = [("district", str), ("buildings", int), ("collapse_rate", float)]
            for q in dm.QUANTITIES:
                spec += [(q, float), (f"{q}_p5", float), (f"{q}_p95", float), (f"{q}_median", float)]
            d_fields = make_fields(spec)
            d_sink, d_id = self.parameterAsSink(
                parameters, self.OUTPUT_DISTRICTS, context, d_fields, districts_source.wkbType(), source.sourceCrs()
            )
            if d_sink is not None:
                t = result.districts
                d_rows = []
                for k, name in enumerate(t.names):
                    count = int(t.buildings[k])
                    row: list[Any] = [name, count, t.mean["collapsed"][k] / count if count else None]
                    for q in dm.QUANTITIES:
                        row += [t.mean[q][k], t.p5[q][k], t.p95[q][k], t.median[q][k]]
                    d_rows.append(row)
                copy_features(
                    d_sink, d_fields, districts_source, context, district_ids, d_rows, source.sourceCrs(), feedback
                )
                self.style_on_load(context, d_id, "district_damage")
                outputs[self.OUTPUT_DISTRICTS] = d_id
        elif districts_source is None and is_set(parameters, self.OUTPUT_DISTRICTS):
            feedback.pushInfo(tr("OUTPUT_DISTRICTS: no DISTRICTS layer was given, so no district table is written."))

        # --- ward summary ------------------------------------------------------------------
        summary = dict(result.ward)
        summary["scenario_hour"] = float(hour)
        summary["seed"] = float(result.seed if result.seed is not None else 0)
        s_spec = [(key, float) for key in summary] + [("fragility", str)]
        s_fields = make_fields(s_spec)
        s_sink, s_id = self.parameterAsSink(
            parameters, self.OUTPUT_SUMMARY, context, s_fields, QgsWkbTypes.NoGeometry, source.sourceCrs()
        )
        if s_sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, self.OUTPUT_SUMMARY))
        row = QgsFeature(s_fields)
        row.setAttributes([to_python(v) for v in [*summary.values(), curves.name]])
        s_sink.addFeature(row, QgsFeatureSink.FastInsert)
        outputs[self.OUTPUT_SUMMARY] = s_id
        # Ward totals as results too (for qgis_process --json); names that are also input
        # parameters (BUILDINGS, REALIZATIONS, SEED, SCENARIO_HOUR) are renamed or left out.
        for key, value in summary.items():
            if key in ("realizations", "seed", "scenario_hour"):
                continue
            outputs["BUILDINGS_TOTAL" if key == "buildings" else key.upper()] = finite_or_none(value)
        feedback.pushInfo(
            tr(
                "Ward: {0:.0f} collapsed, {1:.0f} half-collapsed, {2:.1f} deaths, {3:.1f} severe injuries, "
                "{4:.0f} people needing shelter ({5:.0f} buildings skipped)."
            ).format(
                summary["collapsed"],
                summary["half_collapsed"],
                summary["deaths"],
                summary["severe_injuries"],
                summary["shelter_need"],
                summary["buildings_skipped"],
            )
        )
        return outputs
