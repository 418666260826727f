"""The scenario's chain: the shared steps, each run's six steps, the public exports, then the packaging.

Every step is a child algorithm (processing.run with is_child_algorithm=True), so the numbers are
exactly those of running the algorithms one by one with the same inputs and seed.
"""

from __future__ import annotations

import contextlib
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qgis.core import QgsProcessingContext, QgsProcessingException, QgsProcessingMultiStepFeedback, QgsVectorLayer

from ...core import allocator, executors, memo
from ...core import comparison as cmp
from ...core.feedback import Canceled
from .. import gpkg_sql
from ..fireproofing import REBUILT_FIELD, planned_rebuilds, write_rebuilt_flags
from ..i18n import plugin_locale, tr
from ..render import RouteSegments
from ..report import ReportJob
from ..staging import unindexed_output
from . import comparison, concurrent, packaging
from .packaging import layer_uri, table_uri
from .settings import GPKG_NAME, WARD_DISTRICT_FIELD
from .wiring import Wiring

# Steps: ground motion and Wi-Fi once; per run damage, fire, blockage, evacuation, shelter access and
# the public export; the mitigated run's fire-proofing plan; the packaging and the report.
STEPS = 2 + 6 * len(cmp.RUNS) + 1 + 2
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
# GDAL's message when QGIS's OGR provider creates a table without geometry in a GeoPackage through an
# "ogr:dbname=... table=..." destination (the summaries): the table is written all the same.
NO_GEOMETRY_MESSAGE = "No geometry column"
REPORT_LICENCE = "Results {licence} (as the public export); suginami_gis plugin GPL-2.0-or-later"


class StepRunner:
    """Runs child algorithms one after the other on one multi-step feedback, timing each."""

    def __init__(self, context: QgsProcessingContext, feedback: QgsProcessingMultiStepFeedback) -> None:
        self.context = context
        self.feedback = feedback
        self.times: dict[str, float] = {}
        self.step = 0

    def run(self, name: str, parameters: dict[str, Any], label: str | None = None) -> dict[str, Any]:
        import processing

        self.check_canceled()
        self.feedback.setCurrentStep(self.step)
        self.feedback.pushInfo(tr("Step {0}: suginami:{1}").format(self.step + 1, label or name))
        started = time.perf_counter()
        try:
            algorithm = name if ":" in name else f"suginami:{name}"
            with gdal_messages() as messages:
                result = processing.run(
                    algorithm, parameters, context=self.context, feedback=self.feedback, is_child_algorithm=True
                )
            self.check_gdal_messages(label or name, messages, result)
        except QgsProcessingException as exc:
            if self.feedback.isCanceled():
                raise Canceled() from exc
            raise QgsProcessingException(tr("Step suginami:{0} failed: {1}").format(label or name, exc)) from exc
        self.finish(label or name, started)
        self.check_canceled()
        return result

    def check_gdal_messages(self, label: str, messages: list[str], result: dict[str, Any]) -> None:
        """GDAL's messages of a step as warnings; the known no-geometry one only if a written table is missing."""
        missing = [
            value
            for value in result.values()
            if isinstance(value, str) and "|layername=" in value and not QgsVectorLayer(value, "check", "ogr").isValid()
        ]
        for message in messages:
            if NO_GEOMETRY_MESSAGE not in message:
                self.feedback.pushWarning(tr("GDAL (step {0}): {1}").format(label, message))
        if missing and any(NO_GEOMETRY_MESSAGE in m for m in messages):
            raise QgsProcessingException(
                tr("Step {0}: GDAL could not write {1}: {2}").format(label, ", ".join(missing), "; ".join(messages))
            )

    @contextlib.contextmanager
    def numbered(self, step: int) -> Iterator[None]:
        """Run a step out of order under its own number (the count resumes where it was)."""
        resume, self.step = self.step, step
        try:
            yield
        finally:
            self.step = resume

    def finish(self, label: str, started: float, seconds: float | None = None) -> None:
        """Record the time of the current step (since ``started``, or ``seconds``) and move to the next."""
        self.times[f"{self.step + 1:02d} {label}"] = time.perf_counter() - started if seconds is None else seconds
        self.step += 1

    def check_canceled(self) -> None:
        if self.feedback.isCanceled():
            raise Canceled()


@contextlib.contextmanager
def gdal_messages() -> Iterator[list[str]]:
    """Collect GDAL's error messages (instead of GDAL printing "ERROR 1: ..." on stderr) while the block runs."""
    from osgeo import gdal

    messages: list[str] = []

    def handler(error_class: int, error_number: int, message: str) -> None:
        if error_class >= gdal.CE_Warning:
            messages.append(str(message))

    gdal.PushErrorHandler(handler)
    try:
        yield messages
    finally:
        gdal.PopErrorHandler()


@dataclass
class RunResult:
    """What one run (baseline or mitigated) leaves for the comparison and the export."""

    totals: dict[str, float]
    districts: dict[str, dict[str, float]]
    damage_districts: str
    export_layers: list[Any] = field(default_factory=list)
    index_html: str | None = None


@dataclass
class Chain:
    wiring: Wiring
    runner: StepRunner
    folder: Path  # the temporary folder the scenario is built in

    @property
    def gpkg(self) -> Path:
        return self.folder / GPKG_NAME

    @property
    def work(self) -> Path:
        return self.folder / "_work"

    def run(self) -> tuple[list[dict[str, Any]], dict[str, RunResult], dict[str, str]]:
        """Every step; returns the comparison rows, each run's results and the report's paths.

        glibc keeps freed memory for reuse meanwhile (core/allocator.py: a tenth of the ward's time went to
        page faults), and gets its defaults back at the end.
        """
        with allocator.kept_freed_memory():
            return self._run()

    def _run(self) -> tuple[list[dict[str, Any]], dict[str, RunResult], dict[str, str]]:
        self.work.mkdir()
        ward = self.wiring.settings.ward_district
        if ward is not None:
            self.wiring.ward_districts = packaging.write_ward_district(self.gpkg, ward, self.wiring.settings.crs)
            self.runner.feedback.pushInfo(
                tr("DISTRICTS not given: the results are totalled for one ward-wide district, {0}.").format(
                    ward.name_ja
                )
            )
        # Both runs share what they compute alike (street network, widths, footprint checks: core/memo.py)
        # and, with EXECUTOR 'local', one pool of worker processes (core/executors.py).
        with memo.shared(), executors.shared_pools():
            intensity = self.groundmotion()
            runs = self.both_runs(intensity)
            self.report_reuse()
        # The report draws each street of the routes once: their segments are worked out meanwhile.
        segments = RouteSegments.start(str(self.gpkg), [f"{run}_routes" for run in runs])
        job: ReportJob | None = None
        try:
            self.exports(runs)
            rows, job = self.package(runs, segments)
            return rows, runs, self.report(job)
        finally:
            segments.cancel()
            if job is not None:
                job.abort()  # after an error: nothing of the report is left (a finished report is kept)

    def exports(self, runs: dict[str, RunResult]) -> None:
        """The public export of each run (unless PUBLIC_EXPORT is off)."""
        for run, result in runs.items():
            if not self.wiring.value("PUBLIC_EXPORT"):
                self.runner.finish(f"{run}:publicexport (skipped)", time.perf_counter())
                continue
            exported = self.runner.run(
                "publicexport",
                self.wiring.export(run, result.export_layers, self.folder / f"public_{run}"),
                label=f"{run}:publicexport",
            )
            result.index_html = exported.get("INDEX_HTML")

    def report_reuse(self) -> None:
        """Which results the second run took from the first (core/memo.py), in the log."""
        saved = memo.saved_seconds()
        for kind, (computed, reused) in sorted(memo.counts().items()):
            self.runner.feedback.pushInfo(
                tr("Computed once, reused {0} times ({1:.1f} s saved): {2}").format(reused, saved.get(kind, 0.0), kind)
                if reused
                else tr("Computed {0} times, not reused: {1}").format(computed, kind)
            )

    def groundmotion(self) -> str:
        """Ground motion, the same for both runs; returns the intensity raster."""
        gm = self.runner.run(
            "groundmotion", self.wiring.groundmotion(self.folder / "pgv.tif", self.folder / "intensity.tif")
        )
        return gm["OUTPUT_INTENSITY"]

    def wifi(self) -> None:
        """Wi-Fi coverage at the shelters, the same for both runs (skipped without ACCESS_POINTS)."""
        if not self.wiring.settings.wifi:
            self.runner.feedback.pushInfo(tr("ACCESS_POINTS not given: the Wi-Fi coverage step is skipped."))
            self.runner.finish("wificoverage (skipped)", time.perf_counter())
            return
        self.runner.run(
            "wificoverage",
            self.wiring.wifi(
                self.folder / "wifi_rssi.tif",
                table_uri(self.gpkg, "wifi_coverage"),
                table_uri(self.gpkg, "wifi_site_stats"),
            ),
        )

    def both_runs(self, intensity: str) -> dict[str, RunResult]:
        """The current state and the mitigated run: one after the other, or side by side (concurrent.py)."""
        spec = self.worker_spec(intensity)
        if spec is None:
            self.wifi()
            return {run: self.one_run(run, intensity) for run in cmp.RUNS}
        runner = self.runner
        with concurrent.MitigatedWorker(spec, self.gpkg) as worker:
            wifi_step = runner.step
            runner.step += 1
            baseline = self.one_run("baseline", intensity)
            # Wi-Fi coverage (step 2) while the second process finishes the mitigated run, which starts later
            # (QGIS's start-up) and has one step more (the fire-proofing plan).
            with runner.numbered(wifi_step):
                self.wifi()
            started = time.perf_counter()
            runner.feedback.setCurrentStep(runner.step)
            runner.feedback.pushInfo(tr("Waiting for the mitigated run in the second process"))
            result = worker.wait(runner.feedback)
        for label, seconds in result["times"]:
            runner.times[f"{runner.step + 1:02d} {label.split(' ', 1)[1]}"] = seconds
            runner.step += 1
        runner.times["mitigated: waited for the second process"] = time.perf_counter() - started - worker.copy_seconds
        runner.times["mitigated: tables copied into the GeoPackage"] = worker.copy_seconds
        shutil.rmtree(spec.folder, ignore_errors=True)
        runner.check_canceled()
        mitigated = RunResult(
            totals=result["totals"],
            districts=result["districts"],
            damage_districts=str(result["damage_districts"]).replace(
                str(Path(spec.folder) / GPKG_NAME), str(self.gpkg)
            ),
            export_layers=packaging.export_layers("mitigated", self.gpkg, self.folder, intensity),
        )
        return {"baseline": baseline, "mitigated": mitigated}

    def worker_spec(self, intensity: str) -> concurrent.WorkerSpec | None:
        """What the mitigated run's second process needs, when EXECUTOR is 'local' and its layers are files."""
        wiring = self.wiring
        if str(wiring.parameters.get("EXECUTOR") or "").strip() != "local":
            return None
        parameters, reason = concurrent.plain_parameters(wiring.parameters, self.runner.context)
        if reason:
            self.runner.feedback.pushInfo(
                tr(
                    "The two runs run one after the other (only file layers can be read by a second process): {0}"
                ).format(reason)
            )
            return None
        self.runner.feedback.pushInfo(tr("The mitigated run runs in a second process beside the current state."))
        return concurrent.WorkerSpec(
            parameters,
            concurrent.plain_settings(wiring.settings),
            str(self.folder / "_mitigated"),
            intensity,
            concurrent.plugin_paths(),
        )

    def one_run(self, run: str, intensity: str) -> RunResult:
        """Damage, fire, blockage, evacuation and shelter access of one run."""
        mitigated = run == "mitigated"
        wiring, gpkg = self.wiring, self.gpkg
        damage_path = str(self.work / f"{run}_damage.gpkg")
        damage_params = wiring.damage(
            intensity,
            mitigated,
            unindexed_output(damage_path),
            table_uri(gpkg, f"{run}_damage_districts"),
            table_uri(gpkg, f"{run}_damage_summary"),
        )
        if mitigated:
            # A building the fire-proofing programme rebuilds also takes the newest seismic era:
            # flag, before the damage step, the very buildings firespread will rebuild.
            damage_params.update(self.rebuilt_buildings())
        if gpkg_sql.indexed_table(damage_params["BUILDINGS"]):
            # The damage step's buildings are then copied in SQL with that index as stored, which the fire
            # step's output copies in turn (else it builds the index: 2.7 s instead of 0.9 s on the ward).
            damage_params["OUTPUT"] = damage_path
        damage = self.runner.run("buildingdamage", damage_params, label=f"{run}:buildingdamage")
        outputs = {
            key: table_uri(gpkg, f"{run}_{name}")
            for key, name in (
                ("OUTPUT", "buildings"),
                ("OUTPUT_DISTRICTS", "fire_districts"),
                ("OUTPUT_SUMMARY", "fire_summary"),
            )
        }
        fire = self.runner.run(
            "firespread",
            wiring.fire(
                damage["OUTPUT"],
                mitigated,
                outputs["OUTPUT"],
                str(self.folder / f"{run}_burn_probability.tif"),
                outputs["OUTPUT_DISTRICTS"],
                outputs["OUTPUT_SUMMARY"],
            ),
            label=f"{run}:firespread",
        )
        unreachable = self.evacuation_steps(run)
        ward, by_district = comparison.unreachable(unreachable)
        return RunResult(
            totals=cmp.run_totals(damage, fire, ward),
            districts=comparison.district_values(damage["OUTPUT_DISTRICTS"], fire["OUTPUT_DISTRICTS"], by_district),
            damage_districts=damage["OUTPUT_DISTRICTS"],
            export_layers=packaging.export_layers(run, gpkg, self.folder, intensity),
        )

    def evacuation_steps(self, run: str) -> str:
        """Road blockage, evacuation routes and shelter access of a run; returns the origins' layer."""
        gpkg, buildings = self.gpkg, layer_uri(self.gpkg, f"{run}_buildings")
        blockage = self.runner.run(
            "roadblockage",
            self.wiring.blockage(buildings, table_uri(gpkg, f"{run}_road_blockage")),
            label=f"{run}:roadblockage",
        )
        # A route and an origin per building, written in SQL with their spatial index packed (gpkg_sql.write_rows):
        # GDAL building a large table's index as it closes took up to 5 s inside the shared GeoPackage.
        names = {"OUTPUT_ROUTES": f"{run}_routes", "OUTPUT_ASSIGNMENT": f"{run}_evacuation_origins"}
        names.update(OUTPUT_SHELTERS=f"{run}_evacuation_shelters", OUTPUT_DISTRICTS=f"{run}_evacuation_districts")
        self.runner.run(
            "evacuationroutes",
            self.wiring.evacuation(
                blockage["OUTPUT"], buildings, {key: table_uri(gpkg, n) for key, n in names.items()}
            ),
            label=f"{run}:evacuationroutes",
        )
        self.runner.run(
            "shelteraccess",
            self.wiring.access(blockage["OUTPUT"], table_uri(gpkg, f"{run}_shelter_access")),
            label=f"{run}:shelteraccess",
        )
        return layer_uri(gpkg, names["OUTPUT_ASSIGNMENT"])

    def rebuilt_buildings(self) -> dict[str, Any]:
        """BUILDINGS with a REBUILT_FIELD flag (and RETROFIT_FIELD naming it) for the mitigated damage step."""
        wiring, runner = self.wiring, self.runner
        alg, parameters, context = wiring.alg, wiring.parameters, runner.context
        started = time.perf_counter()
        runner.feedback.setCurrentStep(runner.step)
        areas = alg.parameterAsSource(parameters, "FIREPROOF_AREAS", context)
        ids, count = planned_rebuilds(
            alg.parameterAsSource(parameters, "BUILDINGS", context),
            wiring.field("FIRE_RESISTANCE_FIELD"),
            wiring.field("YEAR_FIELD") if areas is not None else None,
            float(wiring.value("FIREPROOF_TARGET_RATE")),
            int(wiring.value("SEED")),
            areas,
            wiring.field("FIREPROOF_OPEN_SPACE_FIELD"),
            0.0,
            context,
            runner.feedback,
        )
        runner.feedback.pushInfo(
            tr("Fire-proofing rebuilds {0} of {1} buildings; they take the newest seismic era.").format(len(ids), count)
        )
        flagged = write_rebuilt_flags(
            alg.parameterAsSource(parameters, "BUILDINGS", context),
            ids,
            str(self.work / "mitigated_input.gpkg"),
            context,
            runner.feedback,
        )
        runner.finish("mitigated:fireproofing-plan", started)
        runner.check_canceled()
        return {"BUILDINGS": flagged, "RETROFIT_FIELD": REBUILT_FIELD}

    def package(
        self, runs: dict[str, RunResult], segments: RouteSegments | None = None
    ) -> tuple[list[dict[str, Any]], ReportJob]:
        """The comparison, the inputs, the styles and the project, as one timed step; the comparison rows and
        the report, started once its layers are in the GeoPackage.

        The report's map pictures are drawn in QGIS's render threads (and, with EXECUTOR 'local', its charts
        in a worker process) while Python stores the styles and writes the project.
        """
        started = time.perf_counter()
        runner, wiring, gpkg = self.runner, self.wiring, self.gpkg
        runner.feedback.setCurrentStep(runner.step)
        names = comparison.district_names(*self.districts())
        rows = cmp.comparison_rows(
            {run: result.totals for run, result in runs.items()},
            {run: result.districts for run, result in runs.items()},
            names,
        )
        packaging.write_comparison(runner.context, gpkg, rows, runs[cmp.RUNS[-1]].damage_districts)
        packaging.write_csv(self.folder / packaging.CSV_NAME, rows)
        packaging.copy_inputs(wiring.alg, wiring.parameters, runner.context, gpkg)
        local = str(wiring.value("EXECUTOR") or "").strip() == "local"
        job = ReportJob(self.folder, gpkg, rows, self.report_settings(), runner.feedback, segments, local)
        job.start()
        layers: dict[str, QgsVectorLayer] = {}
        styled = packaging.store_styles(gpkg, layers)
        runner.feedback.pushInfo(tr("Styles stored in the GeoPackage for {0} layers.").format(styled))
        shutil.rmtree(self.work, ignore_errors=True)
        packaging.write_project(self.folder, gpkg, wiring.settings.crs, self.licence_line(), layers)
        runner.finish("package", started, time.perf_counter() - started - job.seconds)
        runner.check_canceled()
        return rows, job

    def licence_line(self) -> str:
        """The results' licence line of the report and the project's print layouts."""
        credits = self.wiring.credits
        return REPORT_LICENCE.format(licence=credits.licence if credits is not None else "CC BY 4.0")

    def districts(self) -> tuple[Any, str]:
        """The districts the steps used (given, or the ward-wide one) and their name field."""
        wiring = self.wiring
        if wiring.ward_districts:
            return QgsVectorLayer(wiring.ward_districts, "districts", "ogr"), WARD_DISTRICT_FIELD
        source = wiring.alg.parameterAsSource(wiring.parameters, "DISTRICTS", self.runner.context)
        return source, str(wiring.field("DISTRICT_NAME_FIELD"))

    def report_settings(self) -> dict[str, Any]:
        """What the report prints about the scenario: its parameters, sources, licence and title."""
        settings = {key.lower(): value for key, value in self.wiring.described().items()}
        settings["intensity_raster"] = str(self.folder / "intensity.tif")
        settings["sources"] = list(REPORT_SOURCES)
        settings["licence"] = self.licence_line()
        credits = self.wiring.credits
        if credits is not None:
            settings["sources"] += credits.report_lines()
            settings["municipality"] = credits.municipality
            if credits.title:
                settings["title"] = settings["title_ja"] = credits.title
            elif credits.municipality:
                settings["title"] = f"Earthquake scenario, {credits.municipality}: current state and after mitigation"
                settings["title_ja"] = f"{credits.municipality} 地震被害想定：現状と対策後の比較"
        return settings

    def report(self, job: ReportJob) -> dict[str, str]:
        """The report started in the package step, finished: {"pdf": path, "html": path}."""
        self.runner.feedback.setCurrentStep(self.runner.step)
        result = job.finish()
        self.runner.finish("report", 0.0, job.seconds)
        return {"pdf": result["REPORT_PDF"], "html": result["REPORT_HTML"]}


def summary_lines(ward: dict[str, Any]) -> list[str]:
    """One line per compared quantity: before -> after (change in percent), in the plugin's language."""
    language = plugin_locale()
    lines = []
    for key in cmp.QUANTITIES:
        pct = ward[f"{key}_change_pct"]
        lines.append(
            tr("{0}: {1:,.1f} -> {2:,.1f} ({3})").format(
                comparison.label(key, language),
                ward[f"{key}_before"],
                ward[f"{key}_after"],
                "-" if pct is None else f"{pct:+.1f} %",
            )
        )
    return lines
