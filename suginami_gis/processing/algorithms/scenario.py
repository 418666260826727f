"""suginami:scenario - the whole chain, once for the current state and once with the mitigation targets.

Every step is a child algorithm (processing.run with is_child_algorithm=True), so the numbers are
exactly those of running the algorithms one by one with the same inputs and seed. The folder is
built under a temporary name beside OUTPUT_FOLDER and renamed only when complete.
"""

from __future__ import annotations

import csv
import importlib
import json
import shutil
import time
from pathlib import Path
from typing import Any

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsFeatureRequest,
    QgsFields,
    QgsLayerTreeGroup,
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingMultiStepFeedback,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterExtent,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterPoint,
    QgsProcessingParameterRasterLayer,
    QgsProcessingUtils,
    QgsProject,
    QgsRasterLayer,
    QgsRectangle,
    QgsVectorFileWriter,
    QgsVectorLayer,
    QgsWkbTypes,
)

from ...core import fire
from ...core.atomic import atomic_folder
from ...core.feedback import Canceled
from ..base import SuginamiAlgorithm
from ..conversions import advanced, is_set, make_fields, require_projected
from ..fireproofing import REBUILT_FIELD, planned_rebuilds
from ..i18n import tr, tr_noop

# The ward's programme targets (docs/validation.md): 耐震化率 84.6 % -> 96 % and the 不燃領域率 of the
# 阿佐谷南・高円寺南 close-packed wooden district 56.1 % -> 70 % (with FIREPROOF_AREAS the target is that
# area measure; without, the ward-wide share of fire-resistant buildings, docs/methods/fire.md section 4).
DEFAULT_RETROFIT_TARGET = 0.96
DEFAULT_FIREPROOF_TARGET = 0.70
# Scenario hours with cited coefficients in both building damage and fire (Tokyo 2022, winter).
SCENARIO_HOURS = (5, 12, 18)
RUNS = ("baseline", "mitigated")
GPKG_NAME = "scenario.gpkg"
PROJECT_NAME = "scenario.qgz"
CSV_NAME = "comparison.csv"
WARD_LABEL = "(ward)"
# Quantities of the comparison: (field stem, label).
QUANTITIES: tuple[tuple[str, str], ...] = (
    ("collapsed", tr_noop("Collapsed buildings")),
    ("burned", tr_noop("Burned buildings")),
    ("deaths", tr_noop("Deaths (collapse + fire)")),
    ("shelter_demand", tr_noop("Shelter demand (people)")),
    ("unreachable", tr_noop("People not reaching a shelter in time")),
)
# Per-run layers of the GeoPackage: (suffix, QML style or None, label).
RUN_LAYERS: tuple[tuple[str, str | None, str], ...] = (
    ("buildings", "building_damage", tr_noop("Buildings: collapse and burn probability")),
    ("damage_districts", "district_damage", tr_noop("District damage")),
    ("fire_districts", "fire_districts", tr_noop("District fire")),
    ("road_blockage", "road_blockage", tr_noop("Road blockage")),
    ("routes", "evacuation_routes", tr_noop("Evacuation routes")),
    ("evacuation_origins", "evacuation_origins", tr_noop("Evacuation origins")),
    ("evacuation_shelters", "evacuation_shelters", tr_noop("Shelters: assigned population")),
    ("evacuation_districts", "evacuation_districts", tr_noop("District reachability")),
    ("shelter_access", "shelter_access", tr_noop("Shelter service areas")),
    ("damage_summary", None, tr_noop("Ward damage summary")),
    ("fire_summary", None, tr_noop("Ward fire summary")),
)
SHARED_LAYERS: tuple[tuple[str, str | None, str], ...] = (
    ("wifi_coverage", "wifi_coverage", tr_noop("Wi-Fi coverage")),
    ("wifi_site_stats", "wifi_site_stats", tr_noop("Wi-Fi per shelter site")),
)
# Methods and licence printed in the report (each method's citation is in docs/methods/).
REPORT_SOURCES = (
    "Ground motion: Si & Midorikawa (1999); site amplification Fujimoto & Midorikawa (2006); "
    "JMA intensity Midorikawa et al. (1999)",
    "Building damage: lognormal fragility curves fitted to the Cabinet Office (2005) anchors; "
    "deaths Tokyo Metropolitan Government (2022); shelter need Cabinet Office (2012/2013) evacuee method",
    "Fire: Tokyo Metropolitan Government (2022) cluster method (Kato et al. 2006), seismic breakers and initial "
    "extinguishment; ignitions of standing buildings from a table derived from published rates of past "
    "earthquakes (docs/methods/fire.md)",
    "Road blockage: Tokyo Metropolitan Government (2022), after Ieda et al. (1997)",
    "Wi-Fi: free-space loss and ITU-R P.2109 building entry loss",
    "Mitigation targets: Suginami's programme (耐震化率 84.6 % -> 96 %; 不燃領域率 of the close-packed wooden district 56.1 % -> 70 %)",
)
REPORT_LICENCE = "Results CC BY 4.0 (as the public export); suginami_gis plugin GPL-2.0-or-later"
# The report hook: suginami_gis/processing/report.py with write_report(...) when it exists.
REPORT_MODULE = "suginami_gis.processing.report"


class ScenarioAlgorithm(SuginamiAlgorithm):
    NAME = "scenario"
    DISPLAY_NAME = "Ward scenario: current state versus mitigation (whole chain)"

    # scenario earthquake, as suginami:groundmotion
    EPICENTER = "EPICENTER"
    MAGNITUDE = "MAGNITUDE"
    DEPTH = "DEPTH"
    FAULT_TYPE = "FAULT_TYPE"
    FAULT = "FAULT"
    AVS30 = "AVS30"
    EXTENT = "EXTENT"
    PIXEL_SIZE = "PIXEL_SIZE"
    # buildings
    BUILDINGS = "BUILDINGS"
    BUILDING_ID_FIELD = "BUILDING_ID_FIELD"
    STRUCTURE_FIELD = "STRUCTURE_FIELD"
    YEAR_FIELD = "YEAR_FIELD"
    OCCUPANTS_FIELD = "OCCUPANTS_FIELD"
    FIRE_RESISTANCE_FIELD = "FIRE_RESISTANCE_FIELD"
    FLOORS_FIELD = "FLOORS_FIELD"
    BUILDING_HEIGHT_FIELD = "BUILDING_HEIGHT_FIELD"
    # streets
    ROADS = "ROADS"
    WIDTH_FIELD = "WIDTH_FIELD"
    HIGHWAY_FIELD = "HIGHWAY_FIELD"
    OSM_FILE = "OSM_FILE"
    # shelters, sites, Wi-Fi, districts
    SHELTERS = "SHELTERS"
    SHELTER_ID_FIELD = "SHELTER_ID_FIELD"
    SHELTER_NAME_FIELD = "SHELTER_NAME_FIELD"
    CAPACITY_FIELD = "CAPACITY_FIELD"
    SHELTER_SITES = "SHELTER_SITES"
    SITE_ID_FIELD = "SITE_ID_FIELD"
    EVACUEES_FIELD = "EVACUEES_FIELD"
    ACCESS_POINTS = "ACCESS_POINTS"
    EIRP_FIELD = "EIRP_FIELD"
    AP_HEIGHT_FIELD = "AP_HEIGHT_FIELD"
    FREQUENCY_FIELD = "FREQUENCY_FIELD"
    DISTRICTS = "DISTRICTS"
    DISTRICT_NAME_FIELD = "DISTRICT_NAME_FIELD"
    # conditions and programme
    SEASON = "SEASON"
    SCENARIO_HOUR = "SCENARIO_HOUR"
    WIND_SPEED = "WIND_SPEED"
    WIND_DIRECTION = "WIND_DIRECTION"
    RETROFIT_TARGET_RATE = "RETROFIT_TARGET_RATE"
    FIREPROOF_TARGET_RATE = "FIREPROOF_TARGET_RATE"
    FIREPROOF_AREAS = "FIREPROOF_AREAS"
    FIREPROOF_OPEN_SPACE_FIELD = "FIREPROOF_OPEN_SPACE_FIELD"
    # fire-prevention levers: present values, and optionally other values in the mitigated run
    SEISMIC_BREAKER_RATE = "SEISMIC_BREAKER_RATE"
    INITIAL_EXTINGUISHMENT = "INITIAL_EXTINGUISHMENT"
    MITIGATED_SEISMIC_BREAKER_RATE = "MITIGATED_SEISMIC_BREAKER_RATE"
    MITIGATED_INITIAL_EXTINGUISHMENT = "MITIGATED_INITIAL_EXTINGUISHMENT"
    REALIZATIONS = "REALIZATIONS"
    SEED = "SEED"
    # evacuation and Wi-Fi settings (advanced)
    ROUTE_COST = "ROUTE_COST"
    MAX_MINUTES = "MAX_MINUTES"
    WIFI_PIXEL_SIZE = "WIFI_PIXEL_SIZE"
    OVERWRITE = "OVERWRITE"
    OUTPUT_FOLDER = "OUTPUT_FOLDER"

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:
        number = QgsProcessingParameterNumber
        # --- the scenario earthquake (as suginami:groundmotion) --------------------------
        self.addParameter(
            QgsProcessingParameterPoint(self.EPICENTER, tr("Epicentre (point source; any CRS)"), optional=True)
        )
        self.addParameter(number(self.MAGNITUDE, tr("Moment magnitude Mw (4-9)"), number.Double, 7.3, False, 4.0, 9.0))
        self.addParameter(
            number(
                self.DEPTH,
                tr("Depth of the hypocentre or of the fault's top edge (km)"),
                number.Double,
                25.0,
                False,
                0.0,
                700.0,
            )
        )
        self.addParameter(
            QgsProcessingParameterEnum(
                self.FAULT_TYPE, tr("Fault type"), [tr("Crustal"), tr("Interplate"), tr("Intraslab")], defaultValue=2
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.FAULT,
                tr("Fault surface trace (optional; replaces the epicentre)"),
                [QgsProcessing.TypeVectorLine],
                optional=True,
            )
        )
        self.addParameter(QgsProcessingParameterRasterLayer(self.AVS30, tr("AVS30 raster (m/s)"), optional=True))
        self.addParameter(
            QgsProcessingParameterExtent(
                self.EXTENT, tr("Ground-motion extent (empty = the buildings plus 500 m)"), optional=True
            )
        )
        self.addParameter(number(self.PIXEL_SIZE, tr("Ground-motion pixel size (m)"), number.Double, 50.0, False, 1.0))
        # --- buildings ----------------------------------------------------------------------
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.BUILDINGS, tr("Buildings (footprint polygons)"), [QgsProcessing.TypeVectorPolygon]
            )
        )
        for key, label, default, numeric in (
            (self.BUILDING_ID_FIELD, tr("Building id field"), "building_id", False),
            (self.STRUCTURE_FIELD, tr("Structure field (wood / non_wood, 木造 / 非木造)"), "structure", False),
            (self.YEAR_FIELD, tr("Construction year field"), "year_built", True),
            (self.OCCUPANTS_FIELD, tr("Occupants field (residents per building)"), "occupants", True),
            (
                self.FIRE_RESISTANCE_FIELD,
                tr("Fire-resistance field (bare_wood, protected_wood, semi_fireproof, fireproof)"),
                "fire_resistance",
                False,
            ),
            (self.FLOORS_FIELD, tr("Floors field (for the burned floor area)"), "floors", True),
            (self.BUILDING_HEIGHT_FIELD, tr("Building height field (m; Wi-Fi obstacles)"), "height_m", True),
        ):
            self.addParameter(self._field(key, label, default, self.BUILDINGS, numeric))
        # --- streets ------------------------------------------------------------------------
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.ROADS,
                tr("Streets (centre lines in a projected CRS; or give an OSM file)"),
                [QgsProcessing.TypeVectorLine],
                optional=True,
            )
        )
        self.addParameter(self._field(self.WIDTH_FIELD, tr("Street width field (m)"), "width_m", self.ROADS, True))
        self.addParameter(
            self._field(self.HIGHWAY_FIELD, tr("Road class field (OSM highway values)"), "highway", self.ROADS, False)
        )
        self.addParameter(
            QgsProcessingParameterFile(
                self.OSM_FILE,
                tr("Or an OpenStreetMap file (.osm XML; used instead of the streets)"),
                QgsProcessingParameterFile.File,
                optional=True,
                fileFilter=tr("OpenStreetMap (*.osm *.xml)"),
            )
        )
        # --- shelters, shelter sites, access points, districts ---------------------------------
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.SHELTERS, tr("Shelters (relief centres, points)"), [QgsProcessing.TypeVectorPoint]
            )
        )
        self.addParameter(self._field(self.SHELTER_ID_FIELD, tr("Shelter id field"), "shelter_id", self.SHELTERS))
        self.addParameter(self._field(self.SHELTER_NAME_FIELD, tr("Shelter name field"), "name_ja", self.SHELTERS))
        self.addParameter(
            self._field(self.CAPACITY_FIELD, tr("Shelter capacity field (people)"), "capacity", self.SHELTERS, True)
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.SHELTER_SITES, tr("Shelter sites (polygons)"), [QgsProcessing.TypeVectorPolygon]
            )
        )
        self.addParameter(self._field(self.SITE_ID_FIELD, tr("Site id field"), "site_id", self.SHELTER_SITES))
        self.addParameter(
            self._field(
                self.EVACUEES_FIELD, tr("Expected evacuees field"), "expected_evacuees", self.SHELTER_SITES, True
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.ACCESS_POINTS, tr("Wi-Fi access points (points)"), [QgsProcessing.TypeVectorPoint]
            )
        )
        self.addParameter(self._field(self.EIRP_FIELD, tr("EIRP field (dBm)"), "eirp_dbm", self.ACCESS_POINTS, True))
        self.addParameter(
            self._field(
                self.AP_HEIGHT_FIELD,
                tr("Access point height field (m above ground)"),
                "height_m",
                self.ACCESS_POINTS,
                True,
            )
        )
        self.addParameter(
            self._field(self.FREQUENCY_FIELD, tr("Frequency field (MHz)"), "frequency_mhz", self.ACCESS_POINTS, True)
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.DISTRICTS, tr("Districts (polygons)"), [QgsProcessing.TypeVectorPolygon]
            )
        )
        self.addParameter(self._field(self.DISTRICT_NAME_FIELD, tr("District name field"), "name_ja", self.DISTRICTS))
        # --- conditions and programme -----------------------------------------------------------
        self.addParameter(
            QgsProcessingParameterEnum(
                self.SEASON,
                tr("Season (the cited time-of-day coefficients are for winter)"),
                [tr("Winter")],
                defaultValue=0,
            )
        )
        self.addParameter(
            number(self.SCENARIO_HOUR, tr("Scenario hour (5, 12 or 18)"), number.Integer, 18, False, 0, 23)
        )
        self.addParameter(number(self.WIND_SPEED, tr("Wind speed (m/s, 0-30)"), number.Double, 8.0, False, 0.0, 30.0))
        self.addParameter(
            number(
                self.WIND_DIRECTION,
                tr("Wind direction (degrees the wind comes from; NNW = 337.5)"),
                number.Double,
                fire.TOKYO_WIND_DIRECTION_DEG,
                False,
                0.0,
                360.0,
            )
        )
        self.addParameter(
            number(
                self.RETROFIT_TARGET_RATE,
                tr("Mitigation: share of buildings meeting the 1981 seismic standard (0-1; ward target 0.96)"),
                number.Double,
                DEFAULT_RETROFIT_TARGET,
                False,
                0.0,
                1.0,
            )
        )
        self.addParameter(
            number(
                self.FIREPROOF_TARGET_RATE,
                tr("Mitigation: share of fire-resistant buildings (0-1; ward target 0.70)"),
                number.Double,
                DEFAULT_FIREPROOF_TARGET,
                False,
                0.0,
                1.0,
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.FIREPROOF_AREAS,
                tr(
                    "Mitigation: fire-proofing areas (optional polygons; the target is then the "
                    "不燃領域率 of each area)"
                ),
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
            number(
                self.SEISMIC_BREAKER_RATE,
                tr("Seismic circuit breakers: share of premises with one (0-1; Tokyo 2022: 0.083)"),
                number.Double,
                fire.SEISMIC_BREAKER_RATE,
                True,
                0.0,
                1.0,
            )
        )
        self.addParameter(
            number(
                self.INITIAL_EXTINGUISHMENT,
                tr("Initial extinguishment by residents, fires in standing buildings (0-1; Tokyo 2022: 0.366)"),
                number.Double,
                fire.INITIAL_SUPPRESSION_RATE,
                True,
                0.0,
                1.0,
            )
        )
        self.addParameter(
            number(
                self.MITIGATED_SEISMIC_BREAKER_RATE,
                tr("Mitigation: seismic circuit breaker share (0-1; empty = as the current state)"),
                number.Double,
                None,
                True,
                0.0,
                1.0,
            )
        )
        self.addParameter(
            number(
                self.MITIGATED_INITIAL_EXTINGUISHMENT,
                tr("Mitigation: initial extinguishment (0-1; empty = as the current state)"),
                number.Double,
                None,
                True,
                0.0,
                1.0,
            )
        )
        self.addParameter(
            number(self.REALIZATIONS, tr("Monte Carlo realizations"), number.Integer, 100, False, 1, 10000)
        )
        self.addParameter(number(self.SEED, tr("Random seed"), number.Integer, 42, False, 0))
        self.addParameter(
            advanced(
                QgsProcessingParameterEnum(
                    self.ROUTE_COST,
                    tr("Evacuation route cost"),
                    [tr("Shortest"), tr("Safest (least blockage risk)"), tr("Balanced (length + risk)")],
                    defaultValue=2,
                )
            )
        )
        self.addParameter(
            advanced(
                number(self.MAX_MINUTES, tr("Evacuation time limit (minutes)"), number.Double, 15.0, False, 1.0, 600.0)
            )
        )
        self.addParameter(
            advanced(number(self.WIFI_PIXEL_SIZE, tr("Wi-Fi pixel size (m)"), number.Double, 4.0, False, 0.5))
        )
        self.addParameter(
            QgsProcessingParameterBoolean(
                self.OVERWRITE, tr("Replace the output folder if it holds an earlier scenario"), False
            )
        )
        self.addParameter(QgsProcessingParameterFolderDestination(self.OUTPUT_FOLDER, tr("Output folder")))

    def flags(self):
        # The report renders a QGIS print layout and the step writes a project: both belong on the
        # main thread in the desktop (QGIS's layout exporter is not meant for worker threads).
        return super().flags() | QgsProcessingAlgorithm.FlagNoThreading

    @staticmethod
    def _field(key: str, label: str, default: str, parent: str, numeric: bool = False) -> QgsProcessingParameterField:
        # Optional with the sample ward's names as defaults: QGIS 3.22 refuses a mandatory field
        # parameter left at its default in qgis_process; compute() checks the field exists.
        return QgsProcessingParameterField(
            key,
            label,
            default,
            parent,
            QgsProcessingParameterField.Numeric if numeric else QgsProcessingParameterField.Any,
            optional=True,
        )

    # ------------------------------------------------------------------------------------
    def compute(self, parameters, context, feedback, core_feedback) -> dict[str, Any]:
        settings = self._check_inputs(parameters, context)
        target = Path(settings["folder"]).expanduser().resolve()
        overwrite = self.parameterAsBoolean(parameters, self.OVERWRITE, context)
        _check_folder(target, overwrite)
        steps = 3 + 6 * len(RUNS) + 2  # + the mitigated run's fire-proofing plan
        multi = QgsProcessingMultiStepFeedback(steps, feedback)
        times: dict[str, float] = {}
        runner = _StepRunner(context, multi, times)
        with atomic_folder(target, overwrite=True) as tmp:
            outputs = self._run_chain(parameters, context, multi, runner, settings, tmp, target)
        outputs["STEP_SECONDS"] = {k: round(v, 2) for k, v in times.items()}
        feedback.pushInfo(tr("Time per step (s): {0}").format(json.dumps(outputs["STEP_SECONDS"])))
        return outputs

    def _run_chain(self, parameters, context, multi, runner, settings, tmp: Path, target: Path) -> dict[str, Any]:
        gpkg = tmp / GPKG_NAME
        work = tmp / "_work"
        work.mkdir()

        def table(name: str) -> str:
            return f"ogr:dbname='{gpkg}' table=\"{name}\" (geom)"

        def layer(name: str) -> str:
            return f"{gpkg}|layername={name}"

        # --- shared: ground motion and Wi-Fi coverage --------------------------------------------
        gm = runner.run(
            "groundmotion",
            self.groundmotion_parameters(parameters, settings, tmp / "pgv.tif", tmp / "intensity.tif"),
        )
        runner.run(
            "wificoverage",
            self.wifi_parameters(parameters, tmp / "wifi_rssi.tif", table("wifi_coverage"), table("wifi_site_stats")),
        )
        totals: dict[str, dict[str, float]] = {}
        district_rows: dict[str, dict[str, dict[str, float]]] = {}
        exports: dict[str, dict[str, Any]] = {}
        for run in RUNS:
            mitigated = run == "mitigated"
            damage_params = self.damage_parameters(
                parameters,
                gm["OUTPUT_INTENSITY"],
                mitigated,
                str(work / f"{run}_damage.gpkg"),
                table(f"{run}_damage_districts"),
                table(f"{run}_damage_summary"),
            )
            if mitigated:
                # A building the fire-proofing programme rebuilds also takes the newest seismic era:
                # flag, before the damage step, the very buildings firespread will rebuild.
                damage_params.update(self.rebuilt_buildings(parameters, context, runner, work))
            damage = runner.run("buildingdamage", damage_params, label=f"{run}:buildingdamage")
            fire_result = runner.run(
                "firespread",
                self.fire_parameters(
                    parameters,
                    damage["OUTPUT"],
                    mitigated,
                    table(f"{run}_buildings"),
                    str(tmp / f"{run}_burn_probability.tif"),
                    table(f"{run}_fire_districts"),
                    table(f"{run}_fire_summary"),
                ),
                label=f"{run}:firespread",
            )
            blockage = runner.run(
                "roadblockage",
                self.blockage_parameters(parameters, layer(f"{run}_buildings"), table(f"{run}_road_blockage")),
                label=f"{run}:roadblockage",
            )
            evacuation = runner.run(
                "evacuationroutes",
                self.evacuation_parameters(
                    parameters,
                    blockage["OUTPUT"],
                    layer(f"{run}_buildings"),
                    {
                        "OUTPUT_ROUTES": table(f"{run}_routes"),
                        "OUTPUT_ASSIGNMENT": table(f"{run}_evacuation_origins"),
                        "OUTPUT_SHELTERS": table(f"{run}_evacuation_shelters"),
                        "OUTPUT_DISTRICTS": table(f"{run}_evacuation_districts"),
                    },
                ),
                label=f"{run}:evacuationroutes",
            )
            runner.run(
                "shelteraccess",
                self.access_parameters(parameters, blockage["OUTPUT"], table(f"{run}_shelter_access")),
                label=f"{run}:shelteraccess",
            )
            unreachable_ward, unreachable_by_district = _unreachable(evacuation["OUTPUT_ASSIGNMENT"])
            totals[run] = {
                "collapsed": float(damage["COLLAPSED"] or 0.0),
                "burned": float(fire_result["EXPECTED_BURNED"] or 0.0),
                "deaths": float(damage["DEATHS"] or 0.0) + float(fire_result["FIRE_DEATHS"] or 0.0),
                # relief-centre residents (Tokyo 2022) when residents are known, else people leaving home
                "shelter_demand": _first_number(fire_result.get("SHELTER_RESIDENTS"), damage["SHELTER_NEED"]),
                "unreachable": unreachable_ward,
                "collapsed_median": float(damage.get("COLLAPSED_MEDIAN") or 0.0),
                "burned_median": float(fire_result.get("EXPECTED_BURNED_MEDIAN") or 0.0),
                "burned_p5": float(fire_result.get("BURNED_P5") or 0.0),
                "burned_p95": float(fire_result.get("BURNED_P95") or 0.0),
                "collapsed_p5": float(damage.get("COLLAPSED_P5") or 0.0),
                "collapsed_p95": float(damage.get("COLLAPSED_P95") or 0.0),
            }
            district_rows[run] = _district_values(
                damage["OUTPUT_DISTRICTS"], fire_result["OUTPUT_DISTRICTS"], unreachable_by_district
            )
            exports[run] = {"layers": self._export_layers(run, gpkg, tmp, gm["OUTPUT_INTENSITY"])}

        # --- public export of both runs ----------------------------------------------------------
        for run in RUNS:
            result = runner.run(
                "publicexport",
                self.export_parameters(parameters, settings, run, exports[run]["layers"], tmp / f"public_{run}"),
                label=f"{run}:publicexport",
            )
            exports[run]["index"] = result.get("INDEX_HTML")

        # --- comparison, inputs, styles, project, report -------------------------------------------
        started = time.perf_counter()
        multi.setCurrentStep(runner.step)
        comparison = _comparison_rows(totals, district_rows, self._district_names(parameters, context))
        self._write_comparison(context, gpkg, comparison, damage["OUTPUT_DISTRICTS"])
        _write_csv(tmp / CSV_NAME, comparison)
        self._copy_inputs(parameters, context, gpkg)
        styled = _store_styles(gpkg)
        multi.pushInfo(tr("Styles stored in the GeoPackage for {0} layers.").format(styled))
        shutil.rmtree(work, ignore_errors=True)
        _write_project(tmp, gpkg, settings["crs"])
        runner.times[f"{runner.step + 1:02d} package"] = time.perf_counter() - started
        if multi.isCanceled():
            raise Canceled()

        started = time.perf_counter()
        report_settings = {key.lower(): value for key, value in self.report_parameters(parameters, settings).items()}
        report_settings["intensity_raster"] = str(tmp / "intensity.tif")
        report_settings["sources"] = [tr(text) for text in REPORT_SOURCES]
        report_settings["licence"] = tr(REPORT_LICENCE)
        report = _write_report(tmp, gpkg, comparison, report_settings, multi)
        runner.times[f"{runner.step + 2:02d} report"] = time.perf_counter() - started

        def final(path: Any) -> str | None:
            if not path:
                return None
            text = str(path)
            return text.replace(str(tmp), str(target), 1) if text.startswith(str(tmp)) else text

        outputs: dict[str, Any] = {
            self.OUTPUT_FOLDER: str(target),
            "GEOPACKAGE": str(target / GPKG_NAME),
            "PROJECT": str(target / PROJECT_NAME),
            "COMPARISON_CSV": str(target / CSV_NAME),
            "REPORT_PDF": final(report.get("pdf")),
            "REPORT_HTML": final(report.get("html")),
            "INDEX_HTML_BASELINE": final(exports["baseline"]["index"]),
            "INDEX_HTML_MITIGATED": final(exports["mitigated"]["index"]),
        }
        for run in RUNS:
            for key, value in totals[run].items():
                outputs[f"{run.upper()}_{key.upper()}"] = value
        ward = comparison[-1]
        for key, _ in QUANTITIES:
            outputs[f"CHANGE_PCT_{key.upper()}"] = ward[f"{key}_change_pct"]
        for key, label in QUANTITIES:
            multi.pushInfo(
                tr("{0}: {1:,.1f} -> {2:,.1f} ({3})").format(
                    tr(label),
                    ward[f"{key}_before"],
                    ward[f"{key}_after"],
                    "-" if ward[f"{key}_change_pct"] is None else f"{ward[f'{key}_change_pct']:+.1f} %",
                )
            )
        return outputs

    # --- inputs ------------------------------------------------------------------------------
    def _check_inputs(self, parameters, context) -> dict[str, Any]:
        buildings = self.parameterAsSource(parameters, self.BUILDINGS, context)
        if buildings is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, self.BUILDINGS))
        crs = buildings.sourceCrs()
        require_projected(crs, self.BUILDINGS)
        sources = {self.BUILDINGS: buildings}
        for key in (self.SHELTERS, self.SHELTER_SITES, self.ACCESS_POINTS, self.DISTRICTS):
            source = self.parameterAsSource(parameters, key, context)
            if source is None:
                raise QgsProcessingException(self.invalidSourceError(parameters, key))
            if source.featureCount() == 0:
                raise QgsProcessingException(tr("{0}: the layer has no features.").format(key))
            sources[key] = source
        if buildings.featureCount() == 0:
            raise QgsProcessingException(tr("BUILDINGS: the layer has no features."))
        roads = self.parameterAsSource(parameters, self.ROADS, context)
        osm = self.parameterAsFile(parameters, self.OSM_FILE, context)
        if roads is None and not osm:
            raise QgsProcessingException(tr("ROADS: give a street layer or an OSM_FILE."))
        if roads is not None and osm:
            raise QgsProcessingException(tr("ROADS and OSM_FILE: give one of them, not both."))
        if roads is not None:
            sources[self.ROADS] = roads
        areas = self.parameterAsSource(parameters, self.FIREPROOF_AREAS, context)
        fireproof_areas = None
        if areas is not None:
            if areas.featureCount() == 0:
                raise QgsProcessingException(tr("{0}: the layer has no features.").format(self.FIREPROOF_AREAS))
            sources[self.FIREPROOF_AREAS] = areas
            fireproof_areas = f"{areas.sourceName()} ({areas.featureCount()} areas)"
        if osm and not Path(osm).is_file():
            raise QgsProcessingException(tr("OSM_FILE: {0} does not exist.").format(osm))
        fields = {
            self.BUILDINGS: (
                self.BUILDING_ID_FIELD,
                self.STRUCTURE_FIELD,
                self.YEAR_FIELD,
                self.OCCUPANTS_FIELD,
                self.FIRE_RESISTANCE_FIELD,
                self.FLOORS_FIELD,
                self.BUILDING_HEIGHT_FIELD,
            ),
            self.ROADS: (self.WIDTH_FIELD, self.HIGHWAY_FIELD),
            self.SHELTERS: (self.SHELTER_ID_FIELD, self.SHELTER_NAME_FIELD, self.CAPACITY_FIELD),
            self.SHELTER_SITES: (self.SITE_ID_FIELD, self.EVACUEES_FIELD),
            self.ACCESS_POINTS: (self.EIRP_FIELD, self.AP_HEIGHT_FIELD, self.FREQUENCY_FIELD),
            self.DISTRICTS: (self.DISTRICT_NAME_FIELD,),
            self.FIREPROOF_AREAS: (self.FIREPROOF_OPEN_SPACE_FIELD,),
        }
        required = {self.STRUCTURE_FIELD, self.YEAR_FIELD, self.FIRE_RESISTANCE_FIELD, self.DISTRICT_NAME_FIELD}
        names: dict[str, str | None] = {}
        for layer_key, keys in fields.items():
            source = sources.get(layer_key)
            for key in keys:
                name = self.parameterAsString(parameters, key, context) or None
                if name is None and key in required:
                    raise QgsProcessingException(tr("{0}: choose a field of {1}.").format(key, layer_key))
                if source is not None and name and source.fields().lookupField(name) < 0:
                    raise QgsProcessingException(
                        tr("{0}: field '{1}' is not in {2} (fields: {3}); choose an existing field.").format(
                            key, name, layer_key, ", ".join(source.fields().names())
                        )
                    )
                names[key] = name if source is not None else None
        hour = self.parameterAsInt(parameters, self.SCENARIO_HOUR, context)
        if hour not in SCENARIO_HOURS:
            raise QgsProcessingException(
                tr("SCENARIO_HOUR: {0} is not one of Tokyo's scenario hours 5, 12 or 18.").format(hour)
            )
        if (
            parameters.get(self.EPICENTER) in (None, "")
            and self.parameterAsSource(parameters, self.FAULT, context) is None
        ):
            raise QgsProcessingException(tr("EPICENTER: give an epicentre point or a FAULT trace."))
        folder = self.parameterAsString(parameters, self.OUTPUT_FOLDER, context)
        if not folder:
            raise QgsProcessingException(tr("OUTPUT_FOLDER: choose a folder for the results."))
        return {
            "crs": crs,
            "fields": names,
            "folder": folder,
            "hour": hour,
            "extent": self._extent(parameters, context, buildings, crs),
            "fireproof_areas": fireproof_areas,
        }

    def _extent(self, parameters, context, buildings, crs: QgsCoordinateReferenceSystem) -> str:
        if is_set(parameters, self.EXTENT):
            rect = self.parameterAsExtent(parameters, self.EXTENT, context, crs)
            if rect.isNull() or rect.isEmpty():
                raise QgsProcessingException(tr("EXTENT: the extent is empty; draw or choose a non-empty extent."))
        else:
            rect = QgsRectangle(buildings.sourceExtent())
            rect.grow(500.0)
        return f"{rect.xMinimum()!r},{rect.xMaximum()!r},{rect.yMinimum()!r},{rect.yMaximum()!r} [{_crs_text(crs)}]"

    def _value(self, parameters: dict[str, Any], key: str, default: Any = None) -> Any:
        value = parameters.get(key, default)
        return default if value is None else value

    # --- child parameters (public so that tests and the model can reuse the wiring) -------------
    def groundmotion_parameters(self, parameters, settings, pgv: Path, intensity: Path) -> dict[str, Any]:
        out = {
            "MAGNITUDE": self._value(parameters, self.MAGNITUDE, 7.3),
            "DEPTH": self._value(parameters, self.DEPTH, 25.0),
            "FAULT_TYPE": self._value(parameters, self.FAULT_TYPE, 2),
            "EXTENT": settings["extent"],
            "PIXEL_SIZE": self._value(parameters, self.PIXEL_SIZE, 50.0),
            "TARGET_CRS": _crs_text(settings["crs"]),
            "REALIZATIONS": self._value(parameters, self.REALIZATIONS, 100),
            "SEED": self._value(parameters, self.SEED, 42),
            "OUTPUT_PGV": str(pgv),
            "OUTPUT_INTENSITY": str(intensity),
        }
        for key in (self.EPICENTER, self.FAULT, self.AVS30):
            if is_set(parameters, key):
                out[key] = parameters[key]
        return out

    def damage_parameters(self, parameters, intensity, mitigated, output, districts, summary) -> dict[str, Any]:
        f = self._fields(parameters)
        out = {
            "BUILDINGS": parameters[self.BUILDINGS],
            "STRUCTURE_FIELD": f[self.STRUCTURE_FIELD],
            "YEAR_FIELD": f[self.YEAR_FIELD],
            "OCCUPANTS_FIELD": f[self.OCCUPANTS_FIELD],
            "GROUND_MOTION": intensity,
            "GROUND_MOTION_MEASURE": 0,
            "REALIZATIONS": self._value(parameters, self.REALIZATIONS, 100),
            "SEED": self._value(parameters, self.SEED, 42),
            "SCENARIO_HOUR": self._value(parameters, self.SCENARIO_HOUR, 18),
            "DISTRICTS": parameters[self.DISTRICTS],
            "DISTRICT_NAME_FIELD": f[self.DISTRICT_NAME_FIELD],
            "OUTPUT": output,
            "OUTPUT_DISTRICTS": districts,
            "OUTPUT_SUMMARY": summary,
        }
        if mitigated:
            out["RETROFIT_TARGET_RATE"] = self._value(parameters, self.RETROFIT_TARGET_RATE, DEFAULT_RETROFIT_TARGET)
        return out

    def rebuilt_buildings(self, parameters, context, runner, work: Path) -> dict[str, Any]:
        """BUILDINGS with a REBUILT_FIELD flag (and RETROFIT_FIELD naming it) for the mitigated damage step."""
        f = self._fields(parameters)
        ids, count = planned_rebuilds(
            self.parameterAsSource(parameters, self.BUILDINGS, context),
            f[self.FIRE_RESISTANCE_FIELD],
            f[self.YEAR_FIELD] if is_set(parameters, self.FIREPROOF_AREAS) else None,
            float(self._value(parameters, self.FIREPROOF_TARGET_RATE, DEFAULT_FIREPROOF_TARGET)),
            int(self._value(parameters, self.SEED, 42)),
            self.parameterAsSource(parameters, self.FIREPROOF_AREAS, context),
            f[self.FIREPROOF_OPEN_SPACE_FIELD],
            0.0,
            context,
            runner.feedback,
        )
        runner.feedback.pushInfo(
            tr("Fire-proofing rebuilds {0} of {1} buildings; they take the newest seismic era.").format(len(ids), count)
        )
        formula = f"if($id IN ({','.join(str(i) for i in ids)}), 1, 0)" if ids else "0"
        flagged = runner.run(
            "native:fieldcalculator",
            {
                "INPUT": parameters[self.BUILDINGS],
                "FIELD_NAME": REBUILT_FIELD,
                "FIELD_TYPE": 1,
                "FIELD_LENGTH": 0,
                "FIELD_PRECISION": 0,
                "FORMULA": formula,
                "OUTPUT": str(work / "mitigated_input.gpkg"),
            },
            label="mitigated:fireproofing-plan",
        )
        return {"BUILDINGS": flagged["OUTPUT"], "RETROFIT_FIELD": REBUILT_FIELD}

    def fire_levers(self, parameters, mitigated: bool) -> dict[str, float]:
        """Seismic breaker share and initial extinguishment of a run; the mitigated run's default to the baseline's."""
        out = {
            "SEISMIC_BREAKER_RATE": float(
                self._value(parameters, self.SEISMIC_BREAKER_RATE, fire.SEISMIC_BREAKER_RATE)
            ),
            "INITIAL_EXTINGUISHMENT": float(
                self._value(parameters, self.INITIAL_EXTINGUISHMENT, fire.INITIAL_SUPPRESSION_RATE)
            ),
        }
        if mitigated:
            for key, baseline_key in (
                (self.MITIGATED_SEISMIC_BREAKER_RATE, "SEISMIC_BREAKER_RATE"),
                (self.MITIGATED_INITIAL_EXTINGUISHMENT, "INITIAL_EXTINGUISHMENT"),
            ):
                if is_set(parameters, key):
                    out[baseline_key] = float(parameters[key])
        return out

    def fire_parameters(self, parameters, buildings, mitigated, output, raster, districts, summary) -> dict[str, Any]:
        f = self._fields(parameters)
        out = {
            "BUILDINGS": buildings,
            "P_COLLAPSE_FIELD": "p_collapse",
            # Building damage writes each building's JMA intensity, which the ignitions of standing buildings need.
            "INTENSITY_FIELD": "intensity",
            # Evacuees (Tokyo 2022: collapsed and burned residents, half of half-collapsed) and the
            # median-scenario totals beside the Monte Carlo, from the damage step's fields.
            "P_HALF_FIELD": "p_half",
            "OCCUPANTS_FIELD": f[self.OCCUPANTS_FIELD],
            "P_COLLAPSE_MEDIAN_FIELD": "p_collapse_median",
            "INTENSITY_MEDIAN_FIELD": "intensity_median",
            **self.fire_levers(parameters, mitigated),
            "FIRE_RESISTANCE_FIELD": f[self.FIRE_RESISTANCE_FIELD],
            "FLOORS_FIELD": f[self.FLOORS_FIELD],
            "SCENARIO_HOUR": self._value(parameters, self.SCENARIO_HOUR, 18),
            "WIND_SPEED": self._value(parameters, self.WIND_SPEED, 8.0),
            "WIND_DIRECTION": self._value(parameters, self.WIND_DIRECTION, fire.TOKYO_WIND_DIRECTION_DEG),
            "REALIZATIONS": self._value(parameters, self.REALIZATIONS, 100),
            "SEED": self._value(parameters, self.SEED, 42),
            "DISTRICTS": parameters[self.DISTRICTS],
            "DISTRICT_NAME_FIELD": f[self.DISTRICT_NAME_FIELD],
            "OUTPUT": output,
            "OUTPUT_BURN_PROBABILITY": raster,
            "OUTPUT_DISTRICTS": districts,
            "OUTPUT_SUMMARY": summary,
        }
        if mitigated:
            out["FIREPROOF_TARGET_RATE"] = self._value(parameters, self.FIREPROOF_TARGET_RATE, DEFAULT_FIREPROOF_TARGET)
            if is_set(parameters, self.FIREPROOF_AREAS):
                out["FIREPROOF_AREAS"] = parameters[self.FIREPROOF_AREAS]
                out["FIREPROOF_OPEN_SPACE_FIELD"] = f[self.FIREPROOF_OPEN_SPACE_FIELD]
                # Within the areas the oldest wooden buildings are rebuilt first.
                out["YEAR_FIELD"] = f[self.YEAR_FIELD]
        return out

    def _network(self, parameters) -> dict[str, Any]:
        if is_set(parameters, self.OSM_FILE):
            return {"OSM_FILE": parameters[self.OSM_FILE]}
        f = self._fields(parameters)
        return {
            "ROADS": parameters[self.ROADS],
            "WIDTH_FIELD": f[self.WIDTH_FIELD],
            "HIGHWAY_FIELD": f[self.HIGHWAY_FIELD],
        }

    def blockage_parameters(self, parameters, buildings, output) -> dict[str, Any]:
        return {
            **self._network(parameters),
            "BUILDINGS": buildings,
            "P_COLLAPSE_FIELD": "p_collapse",
            "P_HALF_FIELD": "p_half",
            "P_BURN_FIELD": "p_burn",
            "OUTPUT": output,
        }

    def evacuation_parameters(self, parameters, network, origins, outputs) -> dict[str, Any]:
        f = self._fields(parameters)
        return {
            "ROADS": network,
            "P_BLOCK_FIELD": "p_block",
            "ORIGINS": origins,
            "ORIGIN_ID_FIELD": f[self.BUILDING_ID_FIELD],
            "POPULATION_FIELD": f[self.OCCUPANTS_FIELD],
            "DISTRICTS": parameters[self.DISTRICTS],
            "DISTRICT_NAME_FIELD": f[self.DISTRICT_NAME_FIELD],
            "SHELTERS": parameters[self.SHELTERS],
            "SHELTER_ID_FIELD": f[self.SHELTER_ID_FIELD],
            "SHELTER_NAME_FIELD": f[self.SHELTER_NAME_FIELD],
            "CAPACITY_FIELD": f[self.CAPACITY_FIELD],
            "COST": self._value(parameters, self.ROUTE_COST, 2),
            "MAX_MINUTES": self._value(parameters, self.MAX_MINUTES, 15.0),
            "REALIZATIONS": self._value(parameters, self.REALIZATIONS, 100),
            "SEED": self._value(parameters, self.SEED, 42),
            **outputs,
        }

    def access_parameters(self, parameters, network, output) -> dict[str, Any]:
        f = self._fields(parameters)
        return {
            "ROADS": network,
            "P_BLOCK_FIELD": "p_block",
            "SHELTERS": parameters[self.SHELTERS],
            "SHELTER_ID_FIELD": f[self.SHELTER_ID_FIELD],
            "SHELTER_NAME_FIELD": f[self.SHELTER_NAME_FIELD],
            "COST": self._value(parameters, self.ROUTE_COST, 2),
            "OUTPUT": output,
        }

    def wifi_parameters(self, parameters, rssi, coverage, sites) -> dict[str, Any]:
        f = self._fields(parameters)
        return {
            "ACCESS_POINTS": parameters[self.ACCESS_POINTS],
            "EIRP_FIELD": f[self.EIRP_FIELD],
            "HEIGHT_FIELD": f[self.AP_HEIGHT_FIELD],
            "FREQUENCY_FIELD": f[self.FREQUENCY_FIELD],
            "BUILDINGS": parameters[self.BUILDINGS],
            "BUILDING_HEIGHT_FIELD": f[self.BUILDING_HEIGHT_FIELD],
            "PIXEL_SIZE": self._value(parameters, self.WIFI_PIXEL_SIZE, 4.0),
            "SITES": parameters[self.SHELTER_SITES],
            "SITE_ID_FIELD": f[self.SITE_ID_FIELD],
            "EVACUEES_FIELD": f[self.EVACUEES_FIELD],
            "OUTPUT_RSSI": str(rssi),
            "OUTPUT_COVERAGE": coverage,
            "OUTPUT_SITE_STATS": sites,
        }

    def export_parameters(self, parameters, settings, run, layers, folder: Path) -> dict[str, Any]:
        label_en = "current state" if run == "baseline" else "after mitigation"
        label_ja = "現状" if run == "baseline" else "対策後"
        scenario = "; ".join(f"{k}={v}" for k, v in self.report_parameters(parameters, settings).items())
        return {
            "LAYERS": layers,
            "TITLE_JA": f"地震被害想定（{label_ja}）",
            "TITLE_EN": f"Earthquake scenario ({label_en})",
            "SCENARIO": scenario.replace("\n", " "),
            "OUTPUT_FOLDER": str(folder),
        }

    def report_parameters(self, parameters, settings) -> dict[str, Any]:
        """The scenario's settings as plain values (given or default), for the report and the web map."""
        keys = (
            self.EPICENTER,
            self.MAGNITUDE,
            self.DEPTH,
            self.FAULT_TYPE,
            self.PIXEL_SIZE,
            self.SCENARIO_HOUR,
            self.WIND_SPEED,
            self.WIND_DIRECTION,
            self.RETROFIT_TARGET_RATE,
            self.FIREPROOF_TARGET_RATE,
            self.REALIZATIONS,
            self.SEED,
        )
        out: dict[str, Any] = {"SEASON": "winter", "EXTENT": settings["extent"]}
        for key in keys:
            value = parameters.get(key) if is_set(parameters, key) else self.parameterDefinition(key).defaultValue()
            if value is not None:
                out[key] = value if isinstance(value, int | float | str) else str(value)
        if settings.get("fireproof_areas"):
            out[self.FIREPROOF_AREAS] = settings["fireproof_areas"]
            field = self._fields(parameters)[self.FIREPROOF_OPEN_SPACE_FIELD]
            if field:
                out[self.FIREPROOF_OPEN_SPACE_FIELD] = field
        # The fire-prevention levers as used: the mitigated run's values default to the current state's.
        for prefix, mitigated in (("", False), ("MITIGATED_", True)):
            for key, value in self.fire_levers(parameters, mitigated).items():
                out[prefix + key] = value
        return out

    def _fields(self, parameters) -> dict[str, str | None]:
        """Field names: the parameter when given, else the sample ward's default."""
        out: dict[str, str | None] = {}
        for definition in self.parameterDefinitions():
            if isinstance(definition, QgsProcessingParameterField):
                value = parameters.get(definition.name())
                if value in (None, "") and definition.name() not in parameters:
                    value = definition.defaultValue()
                if isinstance(value, list | tuple):
                    value = value[0] if value else None
                out[definition.name()] = str(value) if value not in (None, "", "NULL") else None
        return out

    def _export_layers(self, run: str, gpkg: Path, tmp: Path, intensity: str) -> list[Any]:
        # Layers the built-in export profile covers (per-home origins and routes stay private).
        names = [f"{run}_{name}" for name in ("buildings", "damage_districts", "road_blockage", "evacuation_shelters")]
        names += [f"{run}_shelter_access", "wifi_coverage", "wifi_site_stats"]
        layers: list[Any] = [QgsVectorLayer(f"{gpkg}|layername={name}", name, "ogr") for name in names]
        layers.append(QgsRasterLayer(str(intensity), "intensity"))
        layers.append(QgsRasterLayer(str(tmp / f"{run}_burn_probability.tif"), "burn_probability"))
        return layers

    # --- writing -------------------------------------------------------------------------------
    def _write_comparison(self, context, gpkg: Path, rows: list[dict[str, Any]], districts_uri: str) -> None:
        districts = QgsProcessingUtils.mapLayerFromString(districts_uri, context)
        geometries = {}
        if isinstance(districts, QgsVectorLayer):
            for feature in districts.getFeatures():
                geometries[str(feature["district"])] = feature.geometry()
        spec: list[tuple[str, type]] = [("district", str), ("scope", str), ("name_ja", str), ("name_en", str)]
        for key, _ in QUANTITIES:
            spec += [
                (f"{key}_before", float),
                (f"{key}_after", float),
                (f"{key}_change", float),
                (f"{key}_change_pct", float),
            ]
        fields = make_fields(spec)
        crs = districts.crs() if isinstance(districts, QgsVectorLayer) else QgsCoordinateReferenceSystem()
        _write_table(
            gpkg,
            "comparison",
            fields,
            QgsWkbTypes.MultiPolygon,
            crs,
            [(r, geometries.get(r["district"])) for r in rows[:-1]],
            context,
        )
        _write_table(gpkg, "comparison_ward", fields, QgsWkbTypes.NoGeometry, crs, [(rows[-1], None)], context)

    def _district_names(self, parameters, context) -> dict[str, tuple[str, str]]:
        """District name -> (Japanese, English) names, from name_ja / name_en fields when the layer has them."""
        source = self.parameterAsSource(parameters, self.DISTRICTS, context)
        key = self._fields(parameters)[self.DISTRICT_NAME_FIELD]
        names = source.fields().names()
        out: dict[str, tuple[str, str]] = {}
        for feature in source.getFeatures():
            name = str(feature[key])
            ja = str(feature["name_ja"]) if "name_ja" in names and feature["name_ja"] else name
            en = str(feature["name_en"]) if "name_en" in names and feature["name_en"] else name
            out[name] = (ja, en)
        return out

    def _copy_inputs(self, parameters, context, gpkg: Path) -> None:
        for key, name in (
            (self.DISTRICTS, "input_districts"),
            (self.SHELTERS, "input_shelters"),
            (self.SHELTER_SITES, "input_shelter_sites"),
            (self.ACCESS_POINTS, "input_access_points"),
            (self.ROADS, "input_roads"),
            (self.FIREPROOF_AREAS, "input_fireproof_areas"),
        ):
            if not is_set(parameters, key):
                continue
            source = self.parameterAsSource(parameters, key, context)
            if source is None:
                continue
            options = QgsVectorFileWriter.SaveVectorOptions()
            options.driverName = "GPKG"
            options.layerName = name
            options.actionOnExistingFile = QgsVectorFileWriter.CreateOrOverwriteLayer
            writer = QgsVectorFileWriter.create(
                str(gpkg), source.fields(), source.wkbType(), source.sourceCrs(), context.transformContext(), options
            )
            if writer is None or writer.hasError():
                raise QgsProcessingException(
                    tr("Cannot write {0}: {1}").format(name, writer.errorMessage() if writer else "")
                )
            for feature in source.getFeatures(QgsFeatureRequest()):
                writer.addFeature(feature)
            del writer


class _StepRunner:
    """Runs child algorithms one after the other on one multi-step feedback, timing each."""

    def __init__(self, context, feedback: QgsProcessingMultiStepFeedback, times: dict[str, float]) -> None:
        self.context = context
        self.feedback = feedback
        self.times = times
        self.step = 0

    def run(self, name: str, parameters: dict[str, Any], label: str | None = None) -> dict[str, Any]:
        import processing

        if self.feedback.isCanceled():
            raise Canceled()
        self.feedback.setCurrentStep(self.step)
        self.feedback.pushInfo(tr("Step {0}: suginami:{1}").format(self.step + 1, label or name))
        started = time.perf_counter()
        try:
            algorithm = name if ":" in name else f"suginami:{name}"
            result = processing.run(
                algorithm, parameters, context=self.context, feedback=self.feedback, is_child_algorithm=True
            )
        except QgsProcessingException as exc:
            if self.feedback.isCanceled():
                raise Canceled() from exc
            raise QgsProcessingException(tr("Step suginami:{0} failed: {1}").format(label or name, exc)) from exc
        self.times[f"{self.step + 1:02d} {label or name}"] = time.perf_counter() - started
        self.step += 1
        if self.feedback.isCanceled():
            raise Canceled()
        return result


def _crs_text(crs: QgsCoordinateReferenceSystem) -> str:
    return crs.authid() or crs.toWkt()


def _check_folder(target: Path, overwrite: bool) -> None:
    """An existing folder is replaced only when OVERWRITE is set and it is empty or an earlier scenario."""
    if not target.exists():
        return
    if not target.is_dir():
        raise QgsProcessingException(tr("OUTPUT_FOLDER: {0} is a file; choose a folder.").format(target))
    contents = list(target.iterdir())
    if not contents:
        return
    if not overwrite:
        raise QgsProcessingException(
            tr("OUTPUT_FOLDER: {0} exists and is not empty; choose a new folder or set OVERWRITE.").format(target)
        )
    if not (target / GPKG_NAME).exists():
        raise QgsProcessingException(
            tr("OUTPUT_FOLDER: {0} is not an earlier scenario folder (no {1}); it is never replaced.").format(
                target, GPKG_NAME
            )
        )


def _unreachable(assignment_uri: str) -> tuple[float, dict[str, float]]:
    """Expected people not reaching a shelter in time: sum of population x (1 - p_reach)."""
    layer = QgsVectorLayer(assignment_uri, "assignment", "ogr")
    ward = 0.0
    by_district: dict[str, float] = {}
    names = layer.fields().names()
    for feature in layer.getFeatures():
        population = float(feature["population"] or 0.0)
        if "p_reach" in names and feature["p_reach"] is not None:
            missing = population * (1.0 - float(feature["p_reach"]))
        else:
            missing = population if feature["unreachable"] else 0.0
        ward += missing
        if "district" in names:
            district = str(feature["district"])
            by_district[district] = by_district.get(district, 0.0) + missing
    return ward, by_district


def _first_number(*values: Any) -> float:
    """The first value that is a finite number (results may be None or NaN), else 0."""
    for value in values:
        if isinstance(value, int | float) and value == value:
            return float(value)
    return 0.0


def _district_values(damage_uri: str, fire_uri: str, unreachable: dict[str, float]) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for feature in QgsVectorLayer(damage_uri, "damage", "ogr").getFeatures():
        out[str(feature["district"])] = {
            "collapsed": float(feature["collapsed"] or 0.0),
            "deaths": float(feature["deaths"] or 0.0),
            "shelter_demand": float(feature["shelter_need"] or 0.0),
            "burned": 0.0,
            "unreachable": 0.0,
        }
    for feature in QgsVectorLayer(fire_uri, "fire", "ogr").getFeatures():
        row = out.setdefault(str(feature["district"]), {k: 0.0 for k, _ in QUANTITIES})
        row["burned"] = float(feature["expected_burned"] or 0.0)
        row["deaths"] += float(feature["fire_deaths"] or 0.0)
        residents = feature["shelter_residents"] if feature.fields().lookupField("shelter_residents") >= 0 else None
        if residents is not None and residents == residents:  # NULL or NaN: keep the damage-only figure
            row["shelter_demand"] = float(residents)
    for name, value in unreachable.items():
        if name in out:
            out[name]["unreachable"] = value
    return out


def _comparison_rows(
    totals: dict[str, dict[str, float]],
    districts: dict[str, dict[str, dict[str, float]]],
    names: dict[str, tuple[str, str]],
) -> list[dict[str, Any]]:
    """One row per district (in the baseline's order) and a last row for the whole ward."""

    def row(name: str, before: dict[str, float], after: dict[str, float]) -> dict[str, Any]:
        ward = name == WARD_LABEL
        name_ja, name_en = ("区全体", "Ward total") if ward else names.get(name, (name, name))
        out: dict[str, Any] = {
            "district": name,
            "scope": "ward" if ward else "district",
            "name_ja": name_ja,
            "name_en": name_en,
        }
        for key, _ in QUANTITIES:
            b, a = float(before.get(key, 0.0)), float(after.get(key, 0.0))
            out[f"{key}_before"] = b
            out[f"{key}_after"] = a
            out[f"{key}_change"] = a - b
            out[f"{key}_change_pct"] = 100.0 * (a - b) / b if b > 0 else None
        return out

    rows = [row(name, values, districts["mitigated"].get(name, {})) for name, values in districts["baseline"].items()]
    rows.append(row(WARD_LABEL, totals["baseline"], totals["mitigated"]))
    return rows


def _write_csv(path: Path, rows: list[dict[str, Any]]) -> None:
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in rows:
            writer.writerow(
                {k: ("" if v is None else round(v, 4) if isinstance(v, float) else v) for k, v in row.items()}
            )


def _write_table(gpkg: Path, name: str, fields: QgsFields, wkb_type, crs, rows, context) -> None:
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    options.layerName = name
    options.actionOnExistingFile = QgsVectorFileWriter.CreateOrOverwriteLayer
    writer = QgsVectorFileWriter.create(str(gpkg), fields, wkb_type, crs, context.transformContext(), options)
    if writer is None or writer.hasError():
        raise QgsProcessingException(tr("Cannot write {0}: {1}").format(name, writer.errorMessage() if writer else ""))
    for values, geometry in rows:
        feature = QgsFeature(fields)
        if geometry is not None:
            feature.setGeometry(geometry)
        feature.setAttributes([values[fields.at(i).name()] for i in range(fields.count())])
        writer.addFeature(feature)
    del writer


def _styles() -> dict[str, str]:
    """GeoPackage layer name -> QML style name."""
    out = {f"{run}_{suffix}": style for run in RUNS for suffix, style, _ in RUN_LAYERS if style}
    out.update({name: style for name, style, _ in SHARED_LAYERS if style})
    out["comparison"] = "comparison"
    return out


def _store_styles(gpkg: Path) -> int:
    """Load each layer's QML and store it in the GeoPackage as its default style."""
    stored = 0
    for name, style in _styles().items():
        layer = QgsVectorLayer(f"{gpkg}|layername={name}", name, "ogr")
        qml = SuginamiAlgorithm.style_path(style)
        if not layer.isValid() or not qml.exists():
            continue
        message, ok = layer.loadNamedStyle(str(qml))
        if not ok:
            raise QgsProcessingException(tr("Style {0} could not be loaded: {1}").format(qml.name, message))
        error = layer.saveStyleToDatabase(style, tr("suginami_gis style {0}").format(style), True, "")
        if error:
            raise QgsProcessingException(tr("Style of {0} could not be stored: {1}").format(name, error))
        stored += 1
    return stored


def _write_project(folder: Path, gpkg: Path, crs: QgsCoordinateReferenceSystem) -> None:
    """scenario.qgz: groups Comparison, Mitigated, Baseline, Inputs (top to bottom), relative paths."""
    project = QgsProject()
    project.setCrs(crs)
    project.setTitle(tr("Earthquake scenario: current state and mitigation"))
    root = project.layerTreeRoot()

    def add_vector(group: QgsLayerTreeGroup, name: str, title: str, visible: bool = True) -> None:
        layer = QgsVectorLayer(f"{gpkg}|layername={name}", title, "ogr")
        if layer.isValid():
            project.addMapLayer(layer, False)
            node = group.addLayer(layer)
            node.setItemVisibilityChecked(visible)
            node.setExpanded(False)

    def add_raster(group: QgsLayerTreeGroup, path: Path, title: str, visible: bool = False) -> None:
        if path.exists():
            layer = QgsRasterLayer(str(path), title)
            if layer.isValid():
                project.addMapLayer(layer, False)
                group.addLayer(layer).setItemVisibilityChecked(visible)

    comparison = root.addGroup(tr("Comparison"))
    add_vector(comparison, "comparison", tr("Reduction by district (mitigated versus current)"))
    add_vector(comparison, "comparison_ward", tr("Ward totals before and after"))
    for run, title in (("mitigated", tr("Mitigated")), ("baseline", tr("Baseline"))):
        group = root.addGroup(title)
        for suffix, _, label in RUN_LAYERS:
            add_vector(group, f"{run}_{suffix}", tr(label), visible=suffix in ("buildings", "road_blockage"))
        add_raster(group, folder / f"{run}_burn_probability.tif", tr("Burn probability"))
        group.setItemVisibilityChecked(run == "mitigated")
        group.setExpanded(False)
    inputs = root.addGroup(tr("Inputs"))
    add_raster(inputs, folder / "intensity.tif", tr("JMA intensity (median and realizations)"), True)
    add_raster(inputs, folder / "pgv.tif", tr("Peak ground velocity (cm/s)"))
    add_raster(inputs, folder / "wifi_rssi.tif", tr("Wi-Fi received power (dBm)"))
    for name, _, label in SHARED_LAYERS:
        add_vector(inputs, name, tr(label), visible=False)
    for name, title in (
        ("input_districts", tr("Districts")),
        ("input_shelters", tr("Shelters")),
        ("input_shelter_sites", tr("Shelter sites")),
        ("input_access_points", tr("Wi-Fi access points")),
        ("input_roads", tr("Streets")),
        ("input_fireproof_areas", tr("Fire-proofing areas")),
    ):
        add_vector(inputs, name, title, visible=False)
    if not project.write(str(folder / PROJECT_NAME)):
        raise QgsProcessingException(tr("The project file could not be written: {0}").format(project.error()))
    project.clear()


def _write_report(folder: Path, gpkg: Path, comparison, parameters, feedback) -> dict[str, Any]:
    """The report hook: report.pdf and report.html by suginami_gis/processing/report.py, when present."""
    try:
        module = importlib.import_module(REPORT_MODULE)
    except ModuleNotFoundError as exc:
        if exc.name != REPORT_MODULE:
            raise
        feedback.pushInfo(tr("No report module (suginami_gis/processing/report.py): report.pdf is not written."))
        return {}
    write_report = getattr(module, "write_report", None)
    if write_report is None:
        feedback.pushInfo(tr("The report module has no write_report(): report.pdf is not written."))
        return {}
    result = write_report(folder, gpkg, comparison, parameters, feedback) or {}
    found: dict[str, Any] = {}
    for key, value in dict(result).items():
        lower = str(key).lower()
        if "pdf" in lower and "pdf" not in found:
            found["pdf"] = value
        elif "html" in lower and "html" not in found:
            found["html"] = value
    for name, kind in (("report.pdf", "pdf"), ("report.html", "html")):
        if kind not in found and (folder / name).exists():
            found[kind] = str(folder / name)
    return found
