"""suginami:importavs30 - J-SHIS 250 m mesh AVS30 (CSV, ZIP or shapefile) to a raster in the working CRS."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from qgis.core import (
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingParameterExtent,
    QgsProcessingParameterFile,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterDestination,
    QgsVectorLayer,
)

from ...core import avs30 as av
from ...core import mesh
from ...core.rasters import Grid
from ..base import SuginamiAlgorithm
from ..conversions import crs_wkt
from ..i18n import tr
from ..params import add_target_crs, read_target_crs

# Largest grid accepted in one run (as suginami:groundmotion).
MAX_CELLS = 100_000_000
# Vector forms of the same data (J-SHIS 表層地盤データ記述シェープファイル規約: the CSV's columns as attributes).
VECTOR_SUFFIXES = (".shp", ".gpkg", ".geojson", ".dbf")
# Features whose geometry is checked against their code (a file in another datum is refused).
CRS_CHECK_FEATURES = 200


class ImportAvs30Algorithm(SuginamiAlgorithm):
    NAME = "importavs30"
    DISPLAY_NAME = "Import J-SHIS AVS30 (250 m mesh) as a raster"
    GROUP = "Import ward data"
    GROUP_ID = "import"

    INPUT = "INPUT"
    EXTENT = "EXTENT"
    PIXEL_SIZE = "PIXEL_SIZE"
    OUTPUT = "OUTPUT"

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:
        self.addParameter(
            QgsProcessingParameterFile(
                self.INPUT,
                tr("J-SHIS surface-ground file (Z-V4-JAPAN-AMP-VS400_M250: .csv, .zip or shapefile)"),
                QgsProcessingParameterFile.File,
                fileFilter=tr("J-SHIS surface ground (*.csv *.zip *.shp *.gpkg *.geojson)"),
            )
        )
        self.addParameter(
            QgsProcessingParameterExtent(self.EXTENT, tr("Extent (empty = every mesh in the file)"), optional=True)
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.PIXEL_SIZE, tr("Pixel size (m)"), QgsProcessingParameterNumber.Double, 50.0, False, 1.0
            )
        )
        add_target_crs(self, tr("Output CRS (projected, metres)"))
        self.addParameter(QgsProcessingParameterRasterDestination(self.OUTPUT, tr("AVS30 (m/s)")))

    def compute(self, parameters, context, feedback, core_feedback) -> dict[str, Any]:
        crs = read_target_crs(self, parameters, context)
        path = Path(self.parameterAsFile(parameters, self.INPUT, context))
        feedback.pushInfo(tr("Reading {0}").format(path.name))
        values = self._read(path)
        grid = self._grid(parameters, context, crs, values)
        feedback.pushInfo(
            tr("{0} meshes; grid {1} x {2} pixels of {3} m in {4}").format(
                len(values.codes), grid.width, grid.height, grid.pixel_size, crs.authid()
            )
        )
        out_path = self.parameterAsOutputLayer(parameters, self.OUTPUT, context)
        result = av.write_avs30(out_path, values, grid, core_feedback)
        self.raster_style(context, out_path, "avs30")
        feedback.pushInfo(
            tr("AVS30 {0:.0f}-{1:.0f} m/s; {2} of {3} pixels have a value.").format(
                result.min_avs30, result.max_avs30, result.cells_with_data, result.cells
            )
        )
        return {
            self.OUTPUT: out_path,
            "MESHES": result.meshes,
            "PIXELS_WITH_DATA": result.cells_with_data,
            "MIN_AVS30": result.min_avs30,
            "MAX_AVS30": result.max_avs30,
        }

    def _read(self, path: Path) -> av.MeshValues:
        """The file's AVS30 by mesh: CSV or ZIP by the published layout, a vector file by its CODE and AVS fields."""
        if path.suffix.lower() not in VECTOR_SUFFIXES:
            return av.read_jshis_surface(path, self.INPUT)
        layer = QgsVectorLayer(str(path), "jshis", "ogr")
        if not layer.isValid():
            raise QgsProcessingException(tr("INPUT: {0} cannot be opened as a vector file.").format(path.name))
        names = [name.upper() for name in layer.fields().names()]
        if "CODE" not in names or "AVS" not in names:
            raise QgsProcessingException(
                tr("INPUT: {0} has no CODE and AVS fields (fields: {1}); give J-SHIS's surface-ground data.").format(
                    path.name, ", ".join(layer.fields().names())
                )
            )
        code_field = layer.fields().names()[names.index("CODE")]
        avs_field = layer.fields().names()[names.index("AVS")]
        codes, avs, centres = [], [], []
        for feature in layer.getFeatures():
            codes.append(feature[code_field])
            avs.append(feature[avs_field])
            if len(centres) < CRS_CHECK_FEATURES and not feature.geometry().isEmpty():
                centres.append((str(feature[code_field]).strip(), feature.geometry().centroid().asPoint()))
        values = av.mesh_values(codes, avs, self.INPUT)
        self._check_crs(layer, centres, values.level)
        return values

    def _check_crs(self, layer: QgsVectorLayer, centres: list, level: int) -> None:
        """The cells must lie where their codes say: a file in another datum (e.g. Tokyo) or a wrong .prj is refused."""
        if not centres:
            return
        if not layer.crs().isValid():
            raise QgsProcessingException(
                tr("INPUT: the vector file has no CRS (.prj); it should be JGD2000 or JGD2011.")
            )
        # PROJ through rasterio: it applies the Tokyo-datum shift that a QGIS default transform may skip.
        lon, lat = mesh.to_lonlat(
            np.array([p.x() for _, p in centres]), np.array([p.y() for _, p in centres]), crs_wkt(layer.crs())
        )
        found = mesh.to_codes(lat, lon, level)
        share = sum(str(f) == code for f, (code, _) in zip(found, centres, strict=True)) / len(centres)
        if share < 0.9:
            raise QgsProcessingException(
                tr(
                    "INPUT: only {0:.0%} of the meshes lie in the cell of their CODE in the file's CRS {1}: "
                    "the geometries and the codes disagree (another datum, e.g. Tokyo, or a wrong .prj)."
                ).format(share, layer.crs().authid())
            )

    def _grid(self, parameters: dict[str, Any], context: QgsProcessingContext, crs, values: av.MeshValues) -> Grid:
        """EXTENT in ``crs``, or the meshes' extent, cut in PIXEL_SIZE pixels (at most MAX_CELLS)."""
        pixel = self.parameterAsDouble(parameters, self.PIXEL_SIZE, context)
        extent = self.parameterAsExtent(parameters, self.EXTENT, context, crs)
        if extent.isNull() or extent.isEmpty():
            xmin, ymin, xmax, ymax = av.mesh_extent(values, crs_wkt(crs))
        else:
            xmin, ymin, xmax, ymax = extent.xMinimum(), extent.yMinimum(), extent.xMaximum(), extent.yMaximum()
        grid = Grid.from_extent(xmin, ymin, xmax, ymax, pixel, crs_wkt(crs))
        if grid.width * grid.height > MAX_CELLS:
            raise QgsProcessingException(
                tr("PIXEL_SIZE: {0} x {1} pixels is more than {2}; choose a coarser pixel or a smaller extent.").format(
                    grid.width, grid.height, MAX_CELLS
                )
            )
        return grid
