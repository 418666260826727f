"""suginami:wificoverage - best-server Wi-Fi signal, coverage polygons and shelter-site statistics."""

from __future__ import annotations

from typing import Any

import numpy as np
from qgis.core import (
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterExtent,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterDestination,
    QgsWkbTypes,
)

from ...core import wifi
from ...core.errors import InputError
from ...core.feedback import SubFeedback
from ...core.rasters import Grid, write_geotiff
from ..base import SuginamiAlgorithm
from ..conversions import crs_wkt, make_fields, write_features
from ..i18n import tr
from ..inputs.wifi import (
    EXTENT_MARGIN_M,
    GROUP,
    GROUP_ID,
    NODATA,
    add_access_point_parameters,
    add_building_parameters,
    add_crs_parameter,
    add_model_parameters,
    add_site_parameters,
    optional_number,
    parse_thresholds,
    read_access_points,
    read_buildings,
    read_sites,
    stats_fields,
    stats_values,
    target_crs,
)


class WifiCoverageAlgorithm(SuginamiAlgorithm):
    NAME = "wificoverage"
    DISPLAY_NAME = "Shelter Wi-Fi coverage"
    GROUP = GROUP
    GROUP_ID = GROUP_ID

    EXTENT = "EXTENT"
    PIXEL_SIZE = "PIXEL_SIZE"
    SERVING_BAND = "SERVING_BAND"
    OUTPUT_RSSI = "OUTPUT_RSSI"
    OUTPUT_COVERAGE = "OUTPUT_COVERAGE"
    OUTPUT_SITE_STATS = "OUTPUT_SITE_STATS"

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:
        add_access_point_parameters(self, optional=False, label=tr("Access points"))
        add_building_parameters(self)
        add_model_parameters(self)
        self.addParameter(
            QgsProcessingParameterExtent(
                self.EXTENT, tr("Extent (empty = access points and sites + 100 m)"), optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.PIXEL_SIZE, tr("Pixel size (m)"), QgsProcessingParameterNumber.Double, 2.0, False, 0.1
            )
        )
        add_crs_parameter(self)
        add_site_parameters(self, optional=True)
        self.addParameter(
            QgsProcessingParameterBoolean(self.SERVING_BAND, tr("Add a band with the serving access point's id"), True)
        )
        self.addParameter(
            QgsProcessingParameterRasterDestination(self.OUTPUT_RSSI, tr("Best-server received power (dBm)"))
        )
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                self.OUTPUT_COVERAGE, tr("Coverage per threshold"), QgsProcessing.TypeVectorPolygon
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                self.OUTPUT_SITE_STATS,
                tr("Site statistics"),
                QgsProcessing.TypeVectorPolygon,
                optional=True,
                createByDefault=True,
            )
        )

    def compute(self, parameters, context, feedback, core_feedback) -> dict[str, Any]:
        crs = target_crs(self, parameters, context)
        thresholds = parse_thresholds(self.parameterAsString(parameters, "THRESHOLDS_DBM", context))
        aps, ap_fids = read_access_points(self, parameters, context, crs, feedback)
        if not aps:
            raise InputError(tr("the layer holds no access points"), "ACCESS_POINTS")
        buildings = read_buildings(self, parameters, context, crs, feedback)
        sites = read_sites(self, parameters, context, crs, feedback)

        pixel = self.parameterAsDouble(parameters, self.PIXEL_SIZE, context)
        extent = self.parameterAsExtent(parameters, self.EXTENT, context, crs)
        if extent.isNull() or extent.isEmpty():
            if parameters.get(self.EXTENT) not in (None, ""):
                raise InputError(tr("the extent is empty; draw or choose a non-empty extent"), self.EXTENT)
            xs = [a.x for a in aps] + [b for s in sites for b in s.geometry.bounds[0::2]]
            ys = [a.y for a in aps] + [b for s in sites for b in s.geometry.bounds[1::2]]
            bounds = (
                min(xs) - EXTENT_MARGIN_M,
                min(ys) - EXTENT_MARGIN_M,
                max(xs) + EXTENT_MARGIN_M,
                max(ys) + EXTENT_MARGIN_M,
            )
        else:
            bounds = (extent.xMinimum(), extent.yMinimum(), extent.xMaximum(), extent.yMaximum())
        grid = Grid.from_extent(*bounds, pixel, crs_wkt(crs))
        feedback.pushInfo(
            tr("Grid: {0} x {1} pixels of {2} m in {3}").format(grid.width, grid.height, pixel, crs.authid())
        )

        model = wifi.PropagationModel(self.parameterAsEnum(parameters, "MODEL", context))
        result = wifi.compute_coverage(
            aps,
            grid,
            buildings,
            model,
            self.parameterAsDouble(parameters, "RECEIVER_HEIGHT", context),
            thresholds,
            optional_number(self, parameters, "BUILDING_LOSS_DB", context),
            wifi.NlosEnvironment(self.parameterAsEnum(parameters, "NLOS_ENVIRONMENT", context)),
            feedback=SubFeedback(core_feedback, 0.0, 85.0),
        )

        rssi_path = self.parameterAsOutputLayer(parameters, self.OUTPUT_RSSI, context)
        with_serving = self.parameterAsBoolean(parameters, self.SERVING_BAND, context)
        rssi_band = np.where(np.isfinite(result.rssi_dbm), result.rssi_dbm, NODATA)
        bands = [rssi_band]
        descriptions = ["rssi_dbm"]
        if with_serving:
            serving_fid = np.where(result.serving_ap >= 0, ap_fids[np.maximum(result.serving_ap, 0)], NODATA)
            bands.append(serving_fid)
            descriptions.append("serving_ap_fid")
        write_geotiff(
            rssi_path,
            grid,
            bands,
            len(bands),
            nodata=NODATA,
            descriptions=descriptions,
            tags={"model": model.name, "thresholds_dbm": ",".join(f"{t:g}" for t in thresholds)},
        )
        self.raster_style(context, rssi_path, "wifi_rssi")
        core_feedback.set_progress(90.0)

        # Coverage polygons, lowest threshold first so the stricter ones draw on top.
        polygons = sorted(wifi.coverage_polygons(result), key=lambda tp: tp[0])
        cov_fields = make_fields([("threshold_dbm", float), ("area_m2", float)])
        sink, cov_id = self.parameterAsSink(
            parameters, self.OUTPUT_COVERAGE, context, cov_fields, QgsWkbTypes.MultiPolygon, crs
        )
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, self.OUTPUT_COVERAGE))
        kept = [(t, g) for t, g in polygons if not g.is_empty]
        write_features(sink, cov_fields, [g for _, g in kept], [[t, g.area] for t, g in kept], feedback)
        self.style_on_load(context, cov_id, "wifi_coverage")
        outputs: dict[str, Any] = {self.OUTPUT_RSSI: rssi_path, self.OUTPUT_COVERAGE: cov_id}
        mask_primary = result.coverage_mask(thresholds[0])
        outputs["COVERED_AREA_M2"] = float(mask_primary.sum()) * pixel * pixel
        outputs["PIXELS"] = grid.width * grid.height

        if sites:
            client_limit = self.parameterAsInt(parameters, "CLIENT_LIMIT", context)
            report = wifi.site_statistics(result, sites, client_limit)
            fields = make_fields(stats_fields(thresholds))
            stats_sink, stats_id = self.parameterAsSink(
                parameters, self.OUTPUT_SITE_STATS, context, fields, QgsWkbTypes.MultiPolygon, crs
            )
            if stats_sink is not None:
                labels = [str(f) for f in ap_fids]
                rows = [stats_values([s], [labels]) for s in report.sites]
                write_features(stats_sink, fields, [s.geometry for s in sites], rows, feedback)
                self.style_on_load(context, stats_id, "wifi_site_stats")
                outputs[self.OUTPUT_SITE_STATS] = stats_id
            over = [s.site_id for s in report.sites if s.over_limit]
            if over:
                feedback.pushInfo(
                    tr("Sites whose busiest access point serves more than {0} clients: {1}").format(
                        client_limit, ", ".join(over)
                    )
                )
        core_feedback.set_progress(100.0)
        return outputs
