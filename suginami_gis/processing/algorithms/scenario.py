"""suginami:scenario - the whole chain, once for the current state and once with the mitigation targets.

This file declares the parameters and delegates: input checks in processing/scenario/settings.py,
the children's parameters in wiring.py, the chain in chain.py, the comparison in comparison.py
(arithmetic in core/comparison.py), the folder's GeoPackage, project and report in packaging.py.
The folder is built under a temporary name beside OUTPUT_FOLDER and renamed only when complete.
"""

from __future__ import annotations

import json
from typing import Any

from qgis.core import (
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingMultiStepFeedback,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterEnum,
    QgsProcessingParameterExtent,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFolderDestination,
)

from ...core.atomic import atomic_folder
from ...core.casualties import SCENARIO_HOURS
from ...core.comparison import QUANTITIES, RUNS
from ...core.groundmotion import FaultType
from .. import params
from ..base import SuginamiAlgorithm
from ..choices import only_values
from ..conversions import advanced
from ..executor_param import executor_parameter
from ..i18n import tr, tr_noop
from ..inputs import fire as fire_inputs
from ..inputs.common import add_parameters, number, share, text
from ..inputs.network import add_osm_parameters
from ..inputs.publish import basemap_parameters
from ..scenario import credits as scenario_credits
from ..scenario.chain import STEPS, Chain, RunResult, StepRunner, summary_lines
from ..scenario.packaging import CSV_NAME, PROJECT_NAME
from ..scenario.settings import GPKG_NAME, check_folder, check_inputs, named_after_municipality
from ..scenario.wiring import Wiring

# The scenario earthquake of the ward's study (Tokyo Bay North is an intraslab-depth event under the ward).
SCENARIO_DEPTH_KM = 25.0
SCENARIO_FAULT_TYPE = int(FaultType.INTRASLAB)
# The ward's programme targets (docs/validation.md): 耐震化率 84.6 % -> 96 % and the 不燃領域率 of the
# 阿佐谷南・高円寺南 close-packed wooden district 56.1 % -> 70 % (with FIREPROOF_AREAS the target is that
# area measure; without, the ward-wide share of fire-resistant buildings, docs/methods/fire.md section 4).
DEFAULT_RETROFIT_TARGET = 0.96
DEFAULT_FIREPROOF_TARGET = 0.70
DEFAULT_REALIZATIONS = 100
# False leaves out the two public exports (a planner's quick rerun; the GeoPackage and report are complete).
PUBLIC_EXPORT = "PUBLIC_EXPORT"
# Field parameters of each input layer: (key, label, the sample ward's field, numeric).
BUILDING_FIELDS = (
    ("BUILDING_ID_FIELD", tr_noop("Building id field"), "building_id", False),
    ("STRUCTURE_FIELD", tr_noop("Structure field (wood / non_wood, 木造 / 非木造)"), "structure", False),
    ("YEAR_FIELD", tr_noop("Construction year field"), "year_built", True),
    ("OCCUPANTS_FIELD", tr_noop("Occupants field (residents per building)"), "occupants", True),
    (
        "FIRE_RESISTANCE_FIELD",
        tr_noop("Fire-resistance field (bare_wood, protected_wood, semi_fireproof, fireproof)"),
        "fire_resistance",
        False,
    ),
    ("FLOORS_FIELD", tr_noop("Floors field (for the burned floor area)"), "floors", True),
    ("BUILDING_HEIGHT_FIELD", tr_noop("Building height field (m; Wi-Fi obstacles)"), "height_m", True),
)
ROAD_FIELDS = (
    ("WIDTH_FIELD", tr_noop("Street width field (m)"), "width_m", True),
    ("HIGHWAY_FIELD", tr_noop("Road class field (OSM highway values)"), "highway", False),
)
SITE_FIELDS = (
    ("SITE_ID_FIELD", tr_noop("Site id field"), "site_id", False),
    ("EVACUEES_FIELD", tr_noop("Expected evacuees field"), "expected_evacuees", True),
)
ACCESS_POINT_FIELDS = (
    ("EIRP_FIELD", tr_noop("EIRP field (dBm)"), "eirp_dbm", True),
    ("AP_HEIGHT_FIELD", tr_noop("Access point height field (m above ground)"), "height_m", True),
    ("FREQUENCY_FIELD", tr_noop("Frequency field (MHz)"), "frequency_mhz", True),
)


class ScenarioAlgorithm(SuginamiAlgorithm):
    NAME = "scenario"
    DISPLAY_NAME = "Ward scenario: current state versus mitigation (whole chain)"
    OUTPUT_FOLDER = "OUTPUT_FOLDER"
    OVERWRITE = "OVERWRITE"

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:
        params.add_earthquake(self, depth_km=SCENARIO_DEPTH_KM, fault_type=SCENARIO_FAULT_TYPE)
        self.addParameter(
            QgsProcessingParameterExtent(
                "EXTENT", tr("Ground-motion extent (empty = the buildings plus 500 m)"), optional=True
            )
        )
        add_parameters(self, *(number("PIXEL_SIZE", tr("Ground-motion pixel size (m)"), 50.0, 1.0),))
        self._layer(
            "BUILDINGS", tr("Buildings (required; footprint polygons, any CRS)"), QgsProcessing.TypeVectorPolygon
        )
        self._fields(BUILDING_FIELDS, "BUILDINGS")
        self._layer(
            "ROADS",
            tr("Streets (required unless an OSM file or area is given; centre lines, any CRS)"),
            QgsProcessing.TypeVectorLine,
            optional=True,
        )
        self._fields(ROAD_FIELDS, "ROADS")
        # OSM_FILE, OSM_AREA, OSM_EXTENT, OSM_CACHE_DAYS: the street network's own group, passed to Road blockage
        add_osm_parameters(self)
        params.add_shelters(
            self,
            tr("Shelters (required; relief centres, points)"),
            tr("Shelter capacity field (people)"),
            field_defaults=("shelter_id", "name_ja", "capacity"),
        )
        self._layer(
            "SHELTER_SITES",
            tr("Shelter sites (optional polygons; Wi-Fi statistics per site)"),
            QgsProcessing.TypeVectorPolygon,
            optional=True,
        )
        self._fields(SITE_FIELDS, "SHELTER_SITES")
        self._layer(
            "ACCESS_POINTS",
            tr("Wi-Fi access points (optional points; without them the Wi-Fi step is skipped)"),
            QgsProcessing.TypeVectorPoint,
            optional=True,
        )
        self._fields(ACCESS_POINT_FIELDS, "ACCESS_POINTS")
        params.add_districts(
            self,
            tr("Districts (optional polygons; without them one ward-wide district)"),
            optional=True,
            name_default="name_ja",
        )
        self._conditions()
        self._publication()
        self.addParameter(
            QgsProcessingParameterBoolean(
                self.OVERWRITE, tr("Replace the output folder if it holds an earlier scenario"), False
            )
        )
        # Passed to every child with Monte Carlo work (ground motion, damage, fire, evacuation).
        self.addParameter(executor_parameter())
        # Passed to the children that estimate their memory (ground motion, damage, Wi-Fi coverage).
        params.add_memory_limit(self)
        self.addParameter(QgsProcessingParameterFolderDestination(self.OUTPUT_FOLDER, tr("Output folder")))

    def _conditions(self) -> None:
        """Season and hour, wind, the programme's targets and areas, fire levers, sampling, advanced settings."""
        self.addParameter(
            QgsProcessingParameterEnum(
                "SEASON",
                tr("Season (the cited time-of-day coefficients are for winter)"),
                [tr("Winter")],
                defaultValue=0,
            )
        )
        hour = number("SCENARIO_HOUR", tr("Scenario hour (5, 12 or 18)"), 18, 0, 23, integer=True)
        add_parameters(self, only_values(hour, SCENARIO_HOURS))
        fire_inputs.add_wind(self)
        add_parameters(self, *self._targets())
        fire_inputs.add_fireproof_areas(
            self,
            tr("Mitigation: fire-proofing areas (optional polygons; the target is then the 不燃領域率 of each area)"),
        )
        fire_inputs.add_levers(self)
        add_parameters(self, *self._mitigated_levers())
        params.add_realizations(self, tr("Monte Carlo realizations"), DEFAULT_REALIZATIONS, minimum=1)
        params.add_seed(self)
        self.addParameter(
            advanced(
                QgsProcessingParameterEnum(
                    "ROUTE_COST",
                    tr("Evacuation route cost"),
                    [tr("Shortest"), tr("Safest (least blockage risk)"), tr("Balanced (length + risk)")],
                    defaultValue=2,
                )
            )
        )
        add_parameters(
            self,
            *(
                number("MAX_MINUTES", tr("Evacuation time limit (minutes)"), 15.0, 1.0, 600.0, advanced=True),
                number("WIFI_PIXEL_SIZE", tr("Wi-Fi pixel size (m)"), 4.0, 0.5, advanced=True),
            ),
        )
        self.addParameter(
            advanced(
                QgsProcessingParameterBoolean(
                    PUBLIC_EXPORT, tr("Write the public web maps (public_baseline/, public_mitigated/)"), True
                )
            )
        )

    def _publication(self) -> None:
        """Municipality, title, attribution and licence of the report and the public maps (empty = from the data)."""
        add_parameters(
            self,
            text(
                scenario_credits.MUNICIPALITY,
                tr("Municipality (e.g. 東京都練馬区; empty = from the GSI shelters or PLATEAU building ids)"),
                optional=True,
            ),
            text(scenario_credits.TITLE, tr("Title of the public maps (empty = municipality and run)"), optional=True),
            text(
                scenario_credits.ATTRIBUTION,
                tr("Attribution added to the recognised sources (OpenStreetMap, PLATEAU, GSI)"),
                optional=True,
            ),
            text(
                scenario_credits.LICENSE,
                tr("Licence of the results (empty = ODbL 1.0 with OpenStreetMap streets, else CC BY 4.0)"),
                optional=True,
            ),
            *basemap_parameters(),
        )

    @staticmethod
    def _targets() -> tuple[QgsProcessingParameterDefinition, ...]:
        return (
            share(
                "RETROFIT_TARGET_RATE",
                tr("Mitigation: share of buildings meeting the 1981 seismic standard (0-1; ward target 0.96)"),
                DEFAULT_RETROFIT_TARGET,
            ),
            share(
                "FIREPROOF_TARGET_RATE",
                tr("Mitigation: share of fire-resistant buildings (0-1; ward target 0.70)"),
                DEFAULT_FIREPROOF_TARGET,
            ),
        )

    @staticmethod
    def _mitigated_levers() -> tuple[QgsProcessingParameterDefinition, ...]:
        """The levers' values in the mitigated run; empty = as the current state."""
        return (
            share(
                "MITIGATED_SEISMIC_BREAKER_RATE",
                tr("Mitigation: seismic circuit breaker share (0-1; empty = as the current state)"),
                None,
                optional=True,
            ),
            share(
                "MITIGATED_INITIAL_EXTINGUISHMENT",
                tr("Mitigation: initial extinguishment (0-1; empty = as the current state)"),
                None,
                optional=True,
            ),
        )

    def _layer(self, key: str, label: str, kind: int, optional: bool = False) -> None:
        self.addParameter(QgsProcessingParameterFeatureSource(key, label, [kind], optional=optional))

    def _fields(self, rows: tuple[tuple[str, str, str, bool], ...], parent: str) -> None:
        # Optional with the sample ward's names as defaults: QGIS 3.22 refuses a mandatory field
        # parameter left at its default in qgis_process; the input checks make sure the field exists.
        for key, label, default, numeric in rows:
            kind = QgsProcessingParameterField.Numeric if numeric else QgsProcessingParameterField.Any
            self.addParameter(QgsProcessingParameterField(key, tr(label), default, parent, kind, optional=True))

    def flags(self):
        # The report renders a QGIS print layout and the step writes a project: both belong on the
        # main thread in the desktop (QGIS's layout exporter is not meant for worker threads).
        return super().flags() | QgsProcessingAlgorithm.FlagNoThreading

    def compute(self, parameters, context, feedback, core_feedback) -> dict[str, Any]:
        settings = check_inputs(self, parameters, context)
        check_folder(settings.folder, self.parameterAsBoolean(parameters, self.OVERWRITE, context))
        credits = scenario_credits.scenario_credits(self, parameters, context)
        for conflict in credits.conflicts:
            feedback.pushWarning(tr("LICENSE: {0}").format(conflict))
        feedback.pushInfo(
            tr("Municipality: {0}; licence of the results: {1}; attribution: {2}").format(
                credits.municipality or "-", credits.licence, credits.attribution or "-"
            )
        )
        settings = named_after_municipality(settings, credits.municipality)
        runner = StepRunner(context, QgsProcessingMultiStepFeedback(STEPS, feedback))
        with atomic_folder(settings.folder, overwrite=True) as tmp:
            rows, runs, report = Chain(Wiring(self, parameters, settings, credits), runner, tmp).run()

            def final(path: Any) -> str | None:
                """A path inside the temporary folder as it will be once the folder is in place."""
                text = str(path) if path else ""
                return text.replace(str(tmp), str(settings.folder), 1) if text.startswith(str(tmp)) else text or None

            outputs = self._outputs(settings.folder, rows, runs, {key: final(path) for key, path in report.items()})
            for run in RUNS:
                outputs[f"INDEX_HTML_{run.upper()}"] = final(runs[run].index_html)
        outputs["STEP_SECONDS"] = {k: round(v, 2) for k, v in runner.times.items()}
        feedback.pushInfo(tr("Time per step (s): {0}").format(json.dumps(outputs["STEP_SECONDS"])))
        for line in summary_lines(rows[-1]):
            feedback.pushInfo(line)
        return outputs

    def _outputs(
        self, folder: Any, rows: list[dict[str, Any]], runs: dict[str, RunResult], report: dict[str, str | None]
    ) -> dict[str, Any]:
        outputs: dict[str, Any] = {
            self.OUTPUT_FOLDER: str(folder),
            "GEOPACKAGE": str(folder / GPKG_NAME),
            "PROJECT": str(folder / PROJECT_NAME),
            "COMPARISON_CSV": str(folder / CSV_NAME),
            "REPORT_PDF": report.get("pdf"),
            "REPORT_HTML": report.get("html"),
        }
        for run in RUNS:
            for key, value in runs[run].totals.items():
                outputs[f"{run.upper()}_{key.upper()}"] = value
        for key in QUANTITIES:
            outputs[f"CHANGE_PCT_{key.upper()}"] = rows[-1][f"{key}_change_pct"]
        return outputs
