"""suginami:wificoverage - best-server Wi-Fi signal, coverage polygons and shelter-site statistics."""

from __future__ import annotations

from typing import Any

from qgis.core import (
    QgsProcessing,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterExtent,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterRasterDestination,
    QgsWkbTypes,
)

from ...core import resources, wifi
from ...core.errors import InputError
from ...core.feedback import SubFeedback
from .. import params
from ..conversions import OutputWriter
from ..i18n import tr
from ..inputs import wifi as inputs
from ..inputs import wifi_outputs as outputs
from ..inputs.common import add_parameters, number
from ..inputs.wifi import WifiAlgorithm


class WifiCoverageAlgorithm(WifiAlgorithm):
    NAME = "wificoverage"
    DISPLAY_NAME = "Shelter Wi-Fi coverage"

    SERVING_BAND = "SERVING_BAND"
    OUTPUT_RSSI = "OUTPUT_RSSI"
    OUTPUT_COVERAGE = "OUTPUT_COVERAGE"
    OUTPUT_SITE_STATS = "OUTPUT_SITE_STATS"
    # Fields of OUTPUT_COVERAGE, in the order of wifi_outputs.coverage_features' rows.
    COVERAGE_FIELDS = (("threshold_dbm", float), ("area_m2", float))

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:
        inputs.add_access_point_parameters(self, optional=False, label=tr("Access points"))
        inputs.add_building_parameters(self)
        inputs.add_model_parameters(self)
        add_parameters(
            self,
            QgsProcessingParameterExtent(
                inputs.EXTENT, tr("Extent (empty = access points and sites + 100 m)"), optional=True
            ),
            number(inputs.PIXEL_SIZE, tr("Pixel size (m)"), 2.0, 0.1),
        )
        params.add_target_crs(self, tr("Working CRS (projected, metres)"))
        params.add_memory_limit(self)
        inputs.add_site_parameters(self, optional=True)
        add_parameters(
            self,
            QgsProcessingParameterBoolean(self.SERVING_BAND, tr("Add a band with the serving access point's id"), True),
            QgsProcessingParameterRasterDestination(self.OUTPUT_RSSI, tr("Best-server received power (dBm)")),
            QgsProcessingParameterFeatureSink(
                self.OUTPUT_COVERAGE, tr("Coverage per threshold"), QgsProcessing.TypeVectorPolygon
            ),
            QgsProcessingParameterFeatureSink(
                self.OUTPUT_SITE_STATS,
                tr("Site statistics"),
                QgsProcessing.TypeVectorPolygon,
                optional=True,
                createByDefault=True,
            ),
        )

    def compute(self, parameters, context, feedback, core_feedback) -> dict[str, Any]:
        crs = params.read_target_crs(self, parameters, context)
        propagation = inputs.read_propagation(self, parameters, context)
        aps, ap_fids = inputs.read_access_points(self, parameters, context, crs, feedback)
        if not aps:
            raise InputError(tr("the layer holds no access points"), inputs.ACCESS_POINTS)
        buildings = inputs.read_buildings(self, parameters, context, crs, feedback)
        sites = inputs.read_sites(self, parameters, context, crs, feedback)
        grid = inputs.read_grid(self, parameters, context, crs, aps, sites)
        feedback.pushInfo(
            tr("Grid: {0} x {1} pixels of {2} m in {3}").format(grid.width, grid.height, grid.pixel_size, crs.authid())
        )
        wifi.check_grid(grid)  # the pixel cap first: its message asks for a coarser pixel
        params.check_memory(self, parameters, context, resources.wifi_coverage(grid.width * grid.height), feedback)
        result = wifi.compute_coverage(
            aps, grid, buildings, **inputs.keywords(propagation), feedback=SubFeedback(core_feedback, 0.0, 85.0)
        )

        rssi_path = self.parameterAsOutputLayer(parameters, self.OUTPUT_RSSI, context)
        with_serving = self.parameterAsBoolean(parameters, self.SERVING_BAND, context)
        outputs.write_rssi(rssi_path, result, ap_fids, propagation, with_serving)
        self.raster_style(context, rssi_path, "wifi_rssi")
        core_feedback.set_progress(90.0)
        out = OutputWriter(self, parameters, context, crs, feedback)
        geometries, rows = outputs.coverage_features(result)
        coverage_id = out.write(
            self.OUTPUT_COVERAGE, self.COVERAGE_FIELDS, QgsWkbTypes.MultiPolygon, geometries, rows, "wifi_coverage"
        )
        covered_pixels = float(result.coverage_mask(propagation.thresholds_dbm[0]).sum())
        results: dict[str, Any] = {
            self.OUTPUT_RSSI: rssi_path,
            self.OUTPUT_COVERAGE: coverage_id,
            "COVERED_AREA_M2": covered_pixels * grid.pixel_size * grid.pixel_size,
            "PIXELS": grid.width * grid.height,
        }
        if sites:
            client_limit = self.parameterAsInt(parameters, inputs.CLIENT_LIMIT, context)
            report = wifi.site_statistics(result, sites, client_limit)
            labels = [str(f) for f in ap_fids]
            rows = [outputs.stats_values([s], [labels]) for s in report.sites]
            stats_id = outputs.write_site_stats(
                out, self.OUTPUT_SITE_STATS, sites, propagation.thresholds_dbm, ("",), rows
            )
            if stats_id is not None:
                results[self.OUTPUT_SITE_STATS] = stats_id
            message = outputs.over_limit_message(report, client_limit)
            if message:
                feedback.pushInfo(message)
        core_feedback.set_progress(100.0)
        return results
