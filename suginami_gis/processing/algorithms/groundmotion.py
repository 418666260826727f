"""suginami:groundmotion - scenario ground motion (PGV and JMA intensity rasters)."""

from __future__ import annotations

from typing import Any

import numpy as np
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingParameterCrs,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterEnum,
    QgsProcessingParameterExtent,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterNumber,
    QgsProcessingParameterPoint,
    QgsProcessingParameterRasterDestination,
    QgsProcessingParameterRasterLayer,
)

from ...core import groundmotion as gm
from ...core.rasters import Grid, reproject_to_grid
from ..base import SuginamiAlgorithm
from ..conversions import crs_wkt, point_in_crs, raster_file, read_vector, require_projected
from ..executor_param import executor_parameter, open_executor
from ..i18n import tr

# Largest grid accepted in one run; beyond this ask for a coarser pixel.
MAX_CELLS = 100_000_000
# JGD2011 / Japan Plane Rectangular CS IX: the plane system for Tokyo.
DEFAULT_CRS = "EPSG:6677"


class GroundMotionAlgorithm(SuginamiAlgorithm):
    NAME = "groundmotion"
    DISPLAY_NAME = "Scenario ground motion (PGV, JMA intensity)"

    EPICENTER = "EPICENTER"
    MAGNITUDE = "MAGNITUDE"
    DEPTH = "DEPTH"
    FAULT_TYPE = "FAULT_TYPE"
    FAULT = "FAULT"
    AVS30 = "AVS30"
    AVS30_DEFAULT = "AVS30_DEFAULT"
    AMPLIFICATION = "AMPLIFICATION"
    INTENSITY_MODEL = "INTENSITY_MODEL"
    EXTENT = "EXTENT"
    PIXEL_SIZE = "PIXEL_SIZE"
    TARGET_CRS = "TARGET_CRS"
    REALIZATIONS = "REALIZATIONS"
    SEED = "SEED"
    CORRELATION_RANGE_KM = "CORRELATION_RANGE_KM"
    OUTPUT_PGV = "OUTPUT_PGV"
    OUTPUT_INTENSITY = "OUTPUT_INTENSITY"

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:
        self.addParameter(
            QgsProcessingParameterPoint(self.EPICENTER, tr("Epicentre (point source; any CRS)"), optional=True)
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.MAGNITUDE,
                tr("Moment magnitude Mw (4-9)"),
                QgsProcessingParameterNumber.Double,
                7.3,
                False,
                4.0,
                9.0,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.DEPTH,
                tr("Depth of the hypocentre or of the fault's top edge (km)"),
                QgsProcessingParameterNumber.Double,
                10.0,
                False,
                0.0,
                700.0,
            )
        )
        self.addParameter(
            QgsProcessingParameterEnum(
                self.FAULT_TYPE, tr("Fault type"), [tr("Crustal"), tr("Interplate"), tr("Intraslab")], defaultValue=0
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
            QgsProcessingParameterNumber(
                self.AVS30_DEFAULT,
                tr("AVS30 where the raster has no value or is absent (m/s)"),
                QgsProcessingParameterNumber.Double,
                300.0,
                False,
                50.0,
                3000.0,
            )
        )
        self.addParameter(
            QgsProcessingParameterEnum(
                self.AMPLIFICATION,
                tr("Site amplification"),
                [tr("Fujimoto & Midorikawa (2006), as J-SHIS"), tr("Midorikawa et al. (1994)")],
                defaultValue=0,
            )
        )
        self.addParameter(
            QgsProcessingParameterEnum(
                self.INTENSITY_MODEL,
                tr("PGV to JMA intensity"),
                [tr("Midorikawa et al. (1999)"), tr("Fujimoto & Midorikawa (2005)")],
                defaultValue=0,
            )
        )
        self.addParameter(QgsProcessingParameterExtent(self.EXTENT, tr("Extent")))
        self.addParameter(
            QgsProcessingParameterNumber(
                self.PIXEL_SIZE, tr("Pixel size (m)"), QgsProcessingParameterNumber.Double, 50.0, False, 0.1
            )
        )
        self.addParameter(
            QgsProcessingParameterCrs(self.TARGET_CRS, tr("Output CRS (projected, metres)"), DEFAULT_CRS, optional=True)
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.REALIZATIONS,
                tr("Realizations (0 = median only)"),
                QgsProcessingParameterNumber.Integer,
                0,
                False,
                0,
                10000,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.SEED, tr("Random seed"), QgsProcessingParameterNumber.Integer, 42, False, 0
            )
        )
        correlation = QgsProcessingParameterNumber(
            self.CORRELATION_RANGE_KM,
            tr("Correlation range of the scatter (km; 0 = uncorrelated)"),
            QgsProcessingParameterNumber.Double,
            gm.DEFAULT_CORRELATION_RANGE_KM,
            False,
            0.0,
        )
        correlation.setFlags(correlation.flags() | QgsProcessingParameterDefinition.FlagAdvanced)
        self.addParameter(correlation)
        self.addParameter(executor_parameter())
        self.addParameter(QgsProcessingParameterRasterDestination(self.OUTPUT_PGV, tr("Peak ground velocity (cm/s)")))
        self.addParameter(
            QgsProcessingParameterRasterDestination(self.OUTPUT_INTENSITY, tr("JMA instrumental intensity"))
        )

    def compute(self, parameters, context, feedback, core_feedback) -> dict[str, Any]:
        target_crs: QgsCoordinateReferenceSystem = self.parameterAsCrs(parameters, self.TARGET_CRS, context)
        if not target_crs.isValid():
            # qgis_process 3.22 treats a mandatory CRS with a default as missing: the parameter is
            # optional and falls back to the documented default here.
            target_crs = QgsCoordinateReferenceSystem(DEFAULT_CRS)
        require_projected(target_crs, self.TARGET_CRS)
        magnitude = self.parameterAsDouble(parameters, self.MAGNITUDE, context)
        depth = self.parameterAsDouble(parameters, self.DEPTH, context)

        extent = self.parameterAsExtent(parameters, self.EXTENT, context, target_crs)
        if extent.isNull() or extent.isEmpty() or extent.width() <= 0 or extent.height() <= 0:
            raise QgsProcessingException(tr("EXTENT: the extent is empty; draw or choose a non-empty extent."))
        pixel = self.parameterAsDouble(parameters, self.PIXEL_SIZE, context)
        grid = Grid.from_extent(
            extent.xMinimum(), extent.yMinimum(), extent.xMaximum(), extent.yMaximum(), pixel, crs_wkt(target_crs)
        )
        if grid.width * grid.height > MAX_CELLS:
            raise QgsProcessingException(
                tr("PIXEL_SIZE: {0} x {1} pixels is more than {2}; choose a coarser pixel or a smaller extent.").format(
                    grid.width, grid.height, MAX_CELLS
                )
            )

        fault_segments = None
        fault_source = self.parameterAsSource(parameters, self.FAULT, context)
        if fault_source is not None:
            fault = read_vector(fault_source, context, target_crs, (), self.FAULT)
            fault_segments = _segments(fault.geometries)
            if len(fault_segments) == 0:
                raise QgsProcessingException(
                    tr("FAULT: the layer has no line geometry; give a fault trace or leave it empty.")
                )
        epicenter = None
        if parameters.get(self.EPICENTER) not in (None, ""):
            point = self.parameterAsPoint(parameters, self.EPICENTER, context, target_crs)
            epicenter = point_in_crs(point, target_crs, target_crs)
        if epicenter is None and fault_segments is None:
            raise QgsProcessingException(tr("EPICENTER: give an epicentre point or a FAULT trace."))

        avs30_layer = self.parameterAsRasterLayer(parameters, self.AVS30, context)
        avs30 = None
        if avs30_layer is not None:
            path = raster_file(avs30_layer, self.AVS30)
            if avs30_layer.crs() != target_crs:
                feedback.pushInfo(
                    tr("AVS30 is in {0}: resampled to {1} (bilinear).").format(
                        avs30_layer.crs().authid(), target_crs.authid()
                    )
                )
            avs30 = reproject_to_grid(path, grid)

        scenario = gm.Scenario(
            magnitude=magnitude,
            depth_km=depth,
            epicenter_xy=epicenter,
            fault_segments=fault_segments,
            fault_type=gm.FaultType(self.parameterAsEnum(parameters, self.FAULT_TYPE, context)),
        )
        pgv_path = self.parameterAsOutputLayer(parameters, self.OUTPUT_PGV, context)
        intensity_path = self.parameterAsOutputLayer(parameters, self.OUTPUT_INTENSITY, context)
        feedback.pushInfo(
            tr("Grid: {0} x {1} pixels of {2} m in {3}").format(grid.width, grid.height, pixel, target_crs.authid())
        )
        with open_executor(self, parameters, context, feedback) as executor:
            result = gm.run_ground_motion(
                scenario,
                grid,
                avs30,
                self.parameterAsDouble(parameters, self.AVS30_DEFAULT, context),
                pgv_path,
                intensity_path,
                gm.Amplification(self.parameterAsEnum(parameters, self.AMPLIFICATION, context)),
                gm.IntensityModel(self.parameterAsEnum(parameters, self.INTENSITY_MODEL, context)),
                realizations=self.parameterAsInt(parameters, self.REALIZATIONS, context),
                seed=self.parameterAsInt(parameters, self.SEED, context),
                correlation_range_km=self.parameterAsDouble(parameters, self.CORRELATION_RANGE_KM, context),
                feedback=core_feedback,
                executor=executor,
            )
        self.raster_style(context, pgv_path, "pgv")
        self.raster_style(context, intensity_path, "jma_intensity")
        feedback.pushInfo(
            tr("Median JMA intensity {0:.2f}-{1:.2f}; {2:.0%} of the extent at 6- or more.").format(
                result.min_intensity, result.max_intensity, result.share_6_lower_or_more
            )
        )
        return {
            self.OUTPUT_PGV: pgv_path,
            self.OUTPUT_INTENSITY: intensity_path,
            "BANDS": result.bands,
            "MAX_INTENSITY": result.max_intensity,
            "AVS30_FALLBACK_CELLS": result.fallback_cells,
        }


def _segments(geometries: np.ndarray) -> np.ndarray:
    """(n, 4) array of x0, y0, x1, y1 for every segment of the (multi)line geometries."""
    import shapely

    rows = []
    for geometry in geometries:
        if geometry is None:
            continue
        for part in shapely.get_parts(geometry):
            coords = shapely.get_coordinates(part)
            if len(coords) >= 2:
                rows.append(np.hstack([coords[:-1], coords[1:]]))
    return np.vstack(rows) if rows else np.empty((0, 4))
