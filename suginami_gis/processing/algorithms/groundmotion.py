"""suginami:groundmotion - scenario ground motion (PGV and JMA intensity rasters)."""

from __future__ import annotations

from typing import Any

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingParameterEnum,
    QgsProcessingParameterExtent,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterDestination,
)

from ...core import groundmotion as gm
from ...core import resources
from ...core.rasters import Grid
from ..base import SuginamiAlgorithm
from ..conversions import advanced, crs_wkt
from ..executor_param import executor_parameter, open_executor
from ..i18n import tr
from ..inputs.ground import read_avs30, read_earthquake
from ..params import (
    REALIZATIONS,
    SEED,
    add_earthquake,
    add_memory_limit,
    add_realizations,
    add_seed,
    add_target_crs,
    check_memory,
    read_target_crs,
)

# Largest grid accepted in one run; beyond this ask for a coarser pixel.
MAX_CELLS = 100_000_000


class GroundMotionAlgorithm(SuginamiAlgorithm):
    NAME = "groundmotion"
    DISPLAY_NAME = "Scenario ground motion (PGV, JMA intensity)"

    AVS30_DEFAULT = "AVS30_DEFAULT"
    AMPLIFICATION = "AMPLIFICATION"
    INTENSITY_MODEL = "INTENSITY_MODEL"
    EXTENT = "EXTENT"
    PIXEL_SIZE = "PIXEL_SIZE"
    CORRELATION_RANGE_KM = "CORRELATION_RANGE_KM"
    OUTPUT_PGV = "OUTPUT_PGV"
    OUTPUT_INTENSITY = "OUTPUT_INTENSITY"

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:
        add_earthquake(self, depth_km=10.0, fault_type=0)
        self._add_site_parameters()
        self._add_grid_parameters()
        add_realizations(self, tr("Realizations (0 = median only)"), 0)
        add_seed(self)
        self.addParameter(
            advanced(
                QgsProcessingParameterNumber(
                    self.CORRELATION_RANGE_KM,
                    tr("Correlation range of the scatter (km; 0 = uncorrelated)"),
                    QgsProcessingParameterNumber.Double,
                    gm.DEFAULT_CORRELATION_RANGE_KM,
                    False,
                    0.0,
                )
            )
        )
        self.addParameter(executor_parameter())
        add_memory_limit(self)
        self.addParameter(QgsProcessingParameterRasterDestination(self.OUTPUT_PGV, tr("Peak ground velocity (cm/s)")))
        self.addParameter(
            QgsProcessingParameterRasterDestination(self.OUTPUT_INTENSITY, tr("JMA instrumental intensity"))
        )

    def _add_site_parameters(self) -> None:
        """The AVS30 fallback and the site-amplification and intensity models."""
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
        for key, label, options in (
            (
                self.AMPLIFICATION,
                tr("Site amplification"),
                [tr("Fujimoto & Midorikawa (2006), as J-SHIS"), tr("Midorikawa et al. (1994)")],
            ),
            (
                self.INTENSITY_MODEL,
                tr("PGV to JMA intensity"),
                [tr("Midorikawa et al. (1999)"), tr("Fujimoto & Midorikawa (2005)")],
            ),
        ):
            self.addParameter(QgsProcessingParameterEnum(key, label, options, defaultValue=0))

    def _add_grid_parameters(self) -> None:
        self.addParameter(QgsProcessingParameterExtent(self.EXTENT, tr("Extent")))
        self.addParameter(
            QgsProcessingParameterNumber(
                self.PIXEL_SIZE, tr("Pixel size (m)"), QgsProcessingParameterNumber.Double, 50.0, False, 0.1
            )
        )
        add_target_crs(self, tr("Output CRS (projected, metres)"))

    def compute(self, parameters, context, feedback, core_feedback) -> dict[str, Any]:
        target_crs = read_target_crs(self, parameters, context)
        grid = self._grid(parameters, context, target_crs)
        scenario = read_earthquake(self, parameters, context, target_crs)
        avs30 = read_avs30(self, parameters, context, grid, target_crs, feedback)
        pgv_path = self.parameterAsOutputLayer(parameters, self.OUTPUT_PGV, context)
        intensity_path = self.parameterAsOutputLayer(parameters, self.OUTPUT_INTENSITY, context)
        feedback.pushInfo(
            tr("Grid: {0} x {1} pixels of {2} m in {3}").format(
                grid.width, grid.height, grid.pixel_size, target_crs.authid()
            )
        )
        self._check_resources(parameters, context, grid, pgv_path, feedback)
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
                realizations=self.parameterAsInt(parameters, REALIZATIONS, context),
                seed=self.parameterAsInt(parameters, SEED, context),
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

    def _check_resources(
        self, parameters: dict[str, Any], context: QgsProcessingContext, grid: Grid, path: str, feedback: Any
    ) -> None:
        """Memory (cells, MEMORY_LIMIT_GB) and disk space of the two GeoTIFFs (cells x bands) before the run."""
        cells = grid.width * grid.height
        check_memory(self, parameters, context, resources.ground_motion(cells), feedback)
        realizations = self.parameterAsInt(parameters, REALIZATIONS, context)
        needed = resources.ground_motion_output_bytes(cells, realizations)
        free = resources.free_bytes(path)
        if free is not None and needed > free:
            raise QgsProcessingException(
                tr(
                    "REALIZATIONS: the two rasters would take about {0:.1f} GB ({1} bands of {2} cells) but the "
                    "output disk has {3:.1f} GB free; lower REALIZATIONS or PIXEL_SIZE, or write to a disk with "
                    "more space."
                ).format(needed / resources.GB, 1 + realizations, cells, free / resources.GB)
            )

    def _grid(
        self, parameters: dict[str, Any], context: QgsProcessingContext, crs: QgsCoordinateReferenceSystem
    ) -> Grid:
        """The output grid: EXTENT in ``crs`` cut in PIXEL_SIZE pixels, at most MAX_CELLS of them."""
        extent = self.parameterAsExtent(parameters, self.EXTENT, context, crs)
        if extent.isNull() or extent.isEmpty() or extent.width() <= 0 or extent.height() <= 0:
            raise QgsProcessingException(tr("EXTENT: the extent is empty; draw or choose a non-empty extent."))
        pixel = self.parameterAsDouble(parameters, self.PIXEL_SIZE, context)
        grid = Grid.from_extent(
            extent.xMinimum(), extent.yMinimum(), extent.xMaximum(), extent.yMaximum(), pixel, crs_wkt(crs)
        )
        if grid.width * grid.height > MAX_CELLS:
            raise QgsProcessingException(
                tr("PIXEL_SIZE: {0} x {1} pixels is more than {2}; choose a coarser pixel or a smaller extent.").format(
                    grid.width, grid.height, MAX_CELLS
                )
            )
        return grid
