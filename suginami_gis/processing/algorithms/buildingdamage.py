"""suginami:buildingdamage - earthquake damage, casualties and district totals per building."""

from __future__ import annotations

from typing import Any

import numpy as np
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsProcessing,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeatureSource,
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
from ...core import resources
from ..base import SuginamiAlgorithm
from ..choices import only_values
from ..conversions import advanced, finite_or_none, is_set, working_crs
from ..executor_param import executor_parameter, open_executor
from ..i18n import tr
from ..inputs.buildings import (
    BUILDINGS,
    DWELLINGS_FIELD,
    OCCUPANTS_FIELD,
    RETROFIT_FIELD,
    STRUCTURE_FIELD,
    TAXONOMY_FIELD,
    YEAR_FIELD,
    DamageBuildings,
    damage_field_names,
    damage_source,
    read_damage_buildings,
    write_buildings,
)
from ..inputs.districts import write_district_table
from ..inputs.ground import GROUND_MOTION, read_ground_motion, sample_at_buildings
from ..params import (
    OUTPUT_DISTRICTS,
    OUTPUT_SUMMARY,
    REALIZATIONS,
    SEED,
    Districts,
    add_districts,
    add_memory_limit,
    add_realizations,
    add_seed,
    add_summary_outputs,
    check_memory,
    read_districts,
    write_summary,
)

# Per-building output fields (the plugin-wide names of damage results), named as in core's DamageResult.
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


def _building_field(
    key: str, label: str, default: str | None = None, numeric: bool = False
) -> QgsProcessingParameterField:
    """A field of BUILDINGS; optional unless it has a default."""
    kind = QgsProcessingParameterField.Numeric if numeric else QgsProcessingParameterField.Any
    return QgsProcessingParameterField(key, label, default, BUILDINGS, kind, optional=default is None)


class BuildingDamageAlgorithm(SuginamiAlgorithm):
    NAME = "buildingdamage"
    DISPLAY_NAME = "Earthquake building damage (collapse, casualties, district totals)"

    GROUND_MOTION_MEASURE = "GROUND_MOTION_MEASURE"
    FRAGILITY = "FRAGILITY"
    RETROFIT_TARGET_RATE = "RETROFIT_TARGET_RATE"
    RETROFIT_PRIORITY = "RETROFIT_PRIORITY"
    SCENARIO_HOUR = "SCENARIO_HOUR"
    DEATHS_PER_COLLAPSED_WOOD = "DEATHS_PER_COLLAPSED_WOOD"
    DEATHS_PER_COLLAPSED_NON_WOOD = "DEATHS_PER_COLLAPSED_NON_WOOD"
    SEVERE_INJURY_RATE = "SEVERE_INJURY_RATE"
    HALF_COLLAPSE_EVACUATION = "HALF_COLLAPSE_EVACUATION"
    DEFAULT_OCCUPANTS = "DEFAULT_OCCUPANTS"
    OUTPUT = "OUTPUT"

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:
        self._add_building_parameters()
        self._add_ground_motion_parameters()
        self._add_retrofit_parameters()
        add_realizations(self, tr("Monte Carlo realizations (0 = exact expected values)"), 0)
        add_seed(self)
        self.addParameter(
            only_values(
                QgsProcessingParameterNumber(
                    self.SCENARIO_HOUR,
                    tr("Scenario hour (5, 12 or 18; winter)"),
                    QgsProcessingParameterNumber.Integer,
                    18,
                    False,
                    0,
                    23,
                ),
                cas.SCENARIO_HOURS,
            )
        )
        add_districts(self)
        self._add_casualty_parameters()
        self.addParameter(executor_parameter())
        add_memory_limit(self)
        self.addParameter(QgsProcessingParameterFeatureSink(self.OUTPUT, tr("Building damage")))
        add_summary_outputs(self, tr("District totals"), tr("Ward summary"))

    def _add_building_parameters(self) -> None:
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                BUILDINGS,
                tr("Buildings (polygons or points)"),
                [QgsProcessing.TypeVectorPolygon, QgsProcessing.TypeVectorPoint],
            )
        )
        self.addParameter(
            _building_field(STRUCTURE_FIELD, tr("Structure field (wood / non_wood, 木造 / 非木造)"), "structure")
        )
        self.addParameter(_building_field(YEAR_FIELD, tr("Construction year field"), "year_built", numeric=True))
        self.addParameter(
            _building_field(OCCUPANTS_FIELD, tr("Occupants field (optional; residents per building)"), numeric=True)
        )
        self.addParameter(
            _building_field(TAXONOMY_FIELD, tr("Taxonomy field (optional; for OpenQuake fragility models)"))
        )

    def _add_ground_motion_parameters(self) -> None:
        self.addParameter(
            QgsProcessingParameterRasterLayer(GROUND_MOTION, tr("Ground motion raster (one realization per band)"))
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

    def _add_retrofit_parameters(self) -> None:
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
        self.addParameter(_building_field(RETROFIT_FIELD, tr("Retrofitted-building field (optional, boolean)")))
        self.addParameter(
            _building_field(
                DWELLINGS_FIELD,
                tr("Dwellings field (optional; dwellings per building, weights the retrofit share)"),
                numeric=True,
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

    def _add_casualty_parameters(self) -> None:
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
            self.addParameter(
                advanced(
                    QgsProcessingParameterNumber(key, label, QgsProcessingParameterNumber.Double, default, False, 0.0)
                )
            )

    # ------------------------------------------------------------------------------------
    def compute(self, parameters, context, feedback, core_feedback) -> dict[str, Any]:
        source = damage_source(self, parameters, context)
        crs = working_crs(source, BUILDINGS, feedback)
        hour = self.parameterAsInt(parameters, self.SCENARIO_HOUR, context)
        if hour not in cas.SCENARIO_HOURS:
            raise QgsProcessingException(
                tr("SCENARIO_HOUR: {0} is not one of Tokyo's scenario hours 5, 12 or 18.").format(hour)
            )
        names = damage_field_names(self, parameters, context, source)
        self._check_memory(parameters, context, source, feedback)
        buildings = read_damage_buildings(source, context, names, feedback, crs)
        motion = read_ground_motion(self, parameters, context, feedback)
        ground_motion = sample_at_buildings(motion, buildings.x, buildings.y, crs, context, feedback)
        curves = self._fragility(parameters, context, feedback)
        districts = read_districts(self, parameters, context, crs, feedback)
        with open_executor(self, parameters, context, feedback) as executor:
            result = self._estimate(
                parameters, context, buildings, ground_motion, curves, districts, hour, core_feedback, executor
            )
        outputs: dict[str, Any] = {
            self.OUTPUT: self._write_buildings(parameters, context, source, buildings, result, feedback)
        }
        outputs.update(self._write_districts(parameters, context, districts, result, crs, feedback))
        outputs.update(self._write_summary(parameters, context, result, hour, curves.name, crs, feedback))
        return outputs

    def _check_memory(
        self, parameters: dict[str, Any], context: QgsProcessingContext, source: Any, feedback: Any
    ) -> None:
        """Refuse, before reading it, a ground-motion raster whose bands x cells x buildings exceed MEMORY_LIMIT_GB."""
        layer = self.parameterAsRasterLayer(parameters, GROUND_MOTION, context)
        if layer is None:
            return  # read_ground_motion names the missing raster
        buildings = max(source.featureCount(), 0)  # -1: a provider that cannot count
        estimate = resources.building_damage(layer.bandCount(), layer.width() * layer.height(), buildings)
        check_memory(self, parameters, context, estimate, feedback)

    def _fragility(self, parameters: dict[str, Any], context: QgsProcessingContext, feedback: Any) -> fr.CurveSet:
        """The FRAGILITY curves, or the built-in Japanese set."""
        curves = fr.load_curve_set(self.parameterAsFile(parameters, self.FRAGILITY, context) or None)
        feedback.pushInfo(tr("Fragility curves: {0} ({1} classes)").format(curves.name, len(curves.classes)))
        if curves.limit_state_note:
            feedback.pushInfo(tr("Limit states: {0}").format(curves.limit_state_note))
        return curves

    def _casualty_parameters(self, parameters: dict[str, Any], context: QgsProcessingContext) -> cas.CasualtyParameters:
        def value(key: str) -> float:
            return self.parameterAsDouble(parameters, key, context)

        return cas.CasualtyParameters(
            deaths_per_collapsed_wood=value(self.DEATHS_PER_COLLAPSED_WOOD),
            deaths_per_collapsed_non_wood=value(self.DEATHS_PER_COLLAPSED_NON_WOOD),
            severe_injury_rate=value(self.SEVERE_INJURY_RATE),
            half_collapse_evacuation_factor=value(self.HALF_COLLAPSE_EVACUATION),
            default_occupants=value(self.DEFAULT_OCCUPANTS),
        )

    def _estimate(
        self,
        parameters: dict[str, Any],
        context: QgsProcessingContext,
        buildings: DamageBuildings,
        ground_motion: tuple[np.ndarray, np.ndarray | None],
        curves: fr.CurveSet,
        districts: Districts | None,
        hour: int,
        core_feedback: Any,
        executor: Any,
    ) -> dm.DamageResult:
        """Run the damage model on the buildings, their ground motion (realizations, median) and districts."""
        realizations, median = ground_motion
        target = (
            self.parameterAsDouble(parameters, self.RETROFIT_TARGET_RATE, context)
            if is_set(parameters, self.RETROFIT_TARGET_RATE)
            else None
        )
        return dm.estimate_damage(
            buildings.structure,
            buildings.years,
            realizations,
            fr.Measure(self.parameterAsEnum(parameters, self.GROUND_MOTION_MEASURE, context)),
            curves,
            taxonomy=buildings.taxonomy,
            occupants=buildings.occupants,
            district_index=(
                dm.assign_districts(buildings.x, buildings.y, list(districts.geometries))
                if districts is not None
                else None
            ),
            district_names=districts.names if districts is not None else [],
            retrofit_target_rate=target,
            retrofit_flags=buildings.retrofit_flags,
            dwellings=buildings.dwellings,
            retrofit_priority=dm.RetrofitPriority(self.parameterAsEnum(parameters, self.RETROFIT_PRIORITY, context)),
            realizations=self.parameterAsInt(parameters, REALIZATIONS, context),
            seed=self.parameterAsInt(parameters, SEED, context),
            scenario_hour=hour,
            casualty_params=self._casualty_parameters(parameters, context),
            feedback=core_feedback,
            executor=executor,
            median_motion=median,
        )

    # --- outputs ----------------------------------------------------------------------------
    def _write_buildings(
        self,
        parameters: dict[str, Any],
        context: QgsProcessingContext,
        source: QgsProcessingFeatureSource,
        buildings: DamageBuildings,
        result: dm.DamageResult,
        feedback: Any,
    ) -> str:
        """OUTPUT: every building with its own fields and BUILDING_FIELDS; returns the destination id."""
        retrofitted = [bool(r) if valid else None for r, valid in zip(result.retrofitted, result.valid)]
        columns = [retrofitted if name == "retrofitted" else getattr(result, name) for name, _ in BUILDING_FIELDS]
        dest_id = write_buildings(self, parameters, context, source, buildings.data, BUILDING_FIELDS, columns, feedback)
        polygons = QgsWkbTypes.geometryType(source.wkbType()) == QgsWkbTypes.PolygonGeometry
        self.style_on_load(context, dest_id, "building_damage" if polygons else "building_damage_points")
        return dest_id

    def _write_districts(
        self,
        parameters: dict[str, Any],
        context: QgsProcessingContext,
        districts: Districts | None,
        result: dm.DamageResult,
        crs: QgsCoordinateReferenceSystem,
        feedback: Any,
    ) -> dict[str, Any]:
        """OUTPUT_DISTRICTS: buildings, collapse rate and each quantity's mean, p5, p95 and median."""
        spec: list[tuple[str, type]] = [("district", str), ("buildings", int), ("collapse_rate", float)]
        for q in dm.QUANTITIES:
            spec += [(q, float), (f"{q}_p5", float), (f"{q}_p95", float), (f"{q}_median", float)]
        t = result.districts
        rows = []
        for k, name in enumerate(t.names):
            count = int(t.buildings[k])
            row: list[Any] = [name, count, t.mean["collapsed"][k] / count if count else None]
            for q in dm.QUANTITIES:
                row += [t.mean[q][k], t.p5[q][k], t.p95[q][k], t.median[q][k]]
            rows.append(row)
        dest_id = write_district_table(self, parameters, context, districts, spec, rows, crs, feedback)
        if dest_id is None:
            return {}
        self.style_on_load(context, dest_id, "district_damage")
        return {OUTPUT_DISTRICTS: dest_id}

    def _write_summary(
        self,
        parameters: dict[str, Any],
        context: QgsProcessingContext,
        result: dm.DamageResult,
        hour: int,
        fragility: str,
        crs: QgsCoordinateReferenceSystem,
        feedback: Any,
    ) -> dict[str, Any]:
        """OUTPUT_SUMMARY (the ward totals) and the same totals as results, for qgis_process --json."""
        summary = dict(result.ward)
        summary["scenario_hour"] = float(hour)
        summary["seed"] = float(result.seed if result.seed is not None else 0)
        spec = [(key, float) for key in summary] + [("fragility", str)]
        outputs: dict[str, Any] = {
            OUTPUT_SUMMARY: write_summary(self, parameters, context, spec, [*summary.values(), fragility], crs)
        }
        # Names that are also input parameters (BUILDINGS, REALIZATIONS, SEED, SCENARIO_HOUR)
        # are renamed or left out.
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
