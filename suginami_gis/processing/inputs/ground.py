"""Ground-motion inputs: the scenario earthquake and AVS30 of the earthquake group (params.py),
and ground-motion rasters sampled at buildings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsCsException,
    QgsPointXY,
    QgsProcessingAlgorithm,
    QgsProcessingContext,
    QgsProcessingException,
)

from ...core import damage as dm
from ...core import groundmotion as gm
from ...core.rasters import Grid, RasterData, read_raster, reproject_to_grid
from ..conversions import is_set, point_in_crs, raster_file, read_vector
from ..i18n import tr
from ..params import AVS30, DEPTH, EPICENTER, FAULT, FAULT_TYPE, MAGNITUDE

GROUND_MOTION = "GROUND_MOTION"


def fault_segments(geometries: np.ndarray) -> np.ndarray:
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


def _outside_area_of_use(point: QgsPointXY, crs: QgsCoordinateReferenceSystem, context: QgsProcessingContext) -> str:
    """Why ``point`` (in ``crs``) cannot be a place in that CRS's area of use; "" when it can."""
    x, y = point.x(), point.y()
    if crs.isGeographic() and not (-180 <= x <= 180 and -90 <= y <= 90):
        if -90 <= x <= 90 and -180 <= y <= 180:
            return tr("latitude {0} is impossible: it looks like latitude and longitude swapped; write {1},{2}").format(
                y, y, x
            )
        return tr("it is not a longitude,latitude pair")
    if not crs.isGeographic() and abs(x) <= 180 and abs(y) <= 90 and (x, y) != (0, 0):
        return tr("{0},{1} look like degrees, not metres of {2}; give the point with the CRS EPSG:4326").format(
            x, y, crs.authid()
        )
    bounds = crs.bounds()  # the area of use, in degrees of WGS 84
    if bounds.isEmpty():
        return ""
    try:
        wgs84 = QgsCoordinateReferenceSystem("EPSG:4326")
        lonlat = QgsCoordinateTransform(crs, wgs84, context.transformContext()).transform(point)
    except QgsCsException:
        return tr("it cannot be transformed to longitude and latitude")
    bounds.grow(1.0)  # a degree of tolerance around the published area of use
    if not bounds.contains(lonlat):
        if crs.isGeographic() and bounds.contains(QgsPointXY(y, x)):
            return tr(
                "it lies outside the area where {0} is used, and swapped it would lie inside; write {1},{2}"
            ).format(crs.authid(), y, x)
        return tr("it lies outside the area where {0} is used").format(crs.authid())
    return ""


def read_epicenter(
    alg: QgsProcessingAlgorithm,
    parameters: dict[str, Any],
    context: QgsProcessingContext,
    crs: QgsCoordinateReferenceSystem,
) -> tuple[float, float]:
    """EPICENTER in ``crs``: checked against the area of use of the CRS it was given in (swapped axes caught)."""
    point = alg.parameterAsPoint(parameters, EPICENTER, context)
    point_crs = alg.parameterAsPointCrs(parameters, EPICENTER, context)
    if not point_crs.isValid():
        point_crs = crs
    why = _outside_area_of_use(QgsPointXY(point), point_crs, context)
    if why:
        raise QgsProcessingException(
            tr("EPICENTER {0},{1} [{2}]: {3}. QGIS reads a point as x,y (longitude first in degrees).").format(
                point.x(), point.y(), point_crs.authid(), why
            )
        )
    try:
        return point_in_crs(QgsPointXY(point), point_crs, crs)
    except QgsCsException as exc:
        raise QgsProcessingException(
            tr("EPICENTER cannot be transformed from {0} to {1}: check the point and its CRS.").format(
                point_crs.authid(), crs.authid()
            )
        ) from exc


def read_earthquake(
    alg: QgsProcessingAlgorithm,
    parameters: dict[str, Any],
    context: QgsProcessingContext,
    crs: QgsCoordinateReferenceSystem,
) -> gm.Scenario:
    """The scenario earthquake with its epicentre or fault trace in ``crs`` (a projected CRS)."""
    segments = None
    fault_source = alg.parameterAsSource(parameters, FAULT, context)
    if fault_source is not None:
        segments = fault_segments(read_vector(fault_source, context, crs, (), FAULT).geometries)
        if len(segments) == 0:
            raise QgsProcessingException(
                tr("FAULT: the layer has no line geometry; give a fault trace or leave it empty.")
            )
    epicenter = read_epicenter(alg, parameters, context, crs) if is_set(parameters, EPICENTER) else None
    if epicenter is None and segments is None:
        raise QgsProcessingException(tr("EPICENTER: give an epicentre point or a FAULT trace."))
    return gm.Scenario(
        magnitude=alg.parameterAsDouble(parameters, MAGNITUDE, context),
        depth_km=alg.parameterAsDouble(parameters, DEPTH, context),
        epicenter_xy=epicenter,
        fault_segments=segments,
        fault_type=gm.FaultType(alg.parameterAsEnum(parameters, FAULT_TYPE, context)),
    )


def read_avs30(
    alg: QgsProcessingAlgorithm,
    parameters: dict[str, Any],
    context: QgsProcessingContext,
    grid: Grid,
    crs: QgsCoordinateReferenceSystem,
    feedback: Any,
) -> np.ndarray | None:
    """The AVS30 raster resampled to ``grid`` (in ``crs``), or None when none was given."""
    layer = alg.parameterAsRasterLayer(parameters, AVS30, context)
    if layer is None:
        return None
    path = raster_file(layer, AVS30)
    if layer.crs() != crs:
        feedback.pushInfo(
            tr("AVS30 is in {0}: resampled to {1} (bilinear).").format(layer.crs().authid(), crs.authid())
        )
    return reproject_to_grid(path, grid)


@dataclass
class GroundMotionBands:
    """A ground-motion raster: its realization bands and, from suginami:groundmotion, the median band."""

    realizations: RasterData
    median: RasterData | None
    crs: QgsCoordinateReferenceSystem


def read_ground_motion(
    alg: QgsProcessingAlgorithm, parameters: dict[str, Any], context: QgsProcessingContext, feedback: Any
) -> GroundMotionBands:
    """The GROUND_MOTION raster; a first band described "median" is kept apart from the realizations."""
    layer = alg.parameterAsRasterLayer(parameters, GROUND_MOTION, context)
    if layer is None:
        raise QgsProcessingException(tr("GROUND_MOTION: choose a ground-motion raster."))
    raster = read_raster(raster_file(layer, GROUND_MOTION), GROUND_MOTION)
    descriptions = [d or "" for d in raster.descriptions]
    if raster.array.shape[0] <= 1 or descriptions[0].lower() != "median":
        return GroundMotionBands(raster, None, layer.crs())
    # suginami:groundmotion writes the median first, then the realizations: the median gives
    # the *_median results (the median scenario), the realizations the Monte Carlo.
    median = RasterData(raster.array[:1], raster.grid, raster.descriptions[:1])
    realizations = RasterData(raster.array[1:], raster.grid, raster.descriptions[1:])
    feedback.pushInfo(
        tr("The raster's first band is the median: the {0} realization bands are used.").format(
            realizations.array.shape[0]
        )
    )
    return GroundMotionBands(realizations, median, layer.crs())


def _transformed(
    x: np.ndarray,
    y: np.ndarray,
    source_crs: QgsCoordinateReferenceSystem,
    target_crs: QgsCoordinateReferenceSystem,
    context: QgsProcessingContext,
) -> tuple[np.ndarray, np.ndarray]:
    """Copies of the points in ``target_crs``; NaN points stay NaN."""
    # QGIS's own transform, so the PROJ that QGIS loaded is the only one used in its process.
    transform = QgsCoordinateTransform(source_crs, target_crs, context.transformContext())
    x, y = x.copy(), y.copy()
    for i in np.flatnonzero(np.isfinite(x)):
        p = transform.transform(QgsPointXY(float(x[i]), float(y[i])))
        x[i], y[i] = p.x(), p.y()
    return x, y


def sample_at_buildings(
    motion: GroundMotionBands,
    x: np.ndarray,
    y: np.ndarray,
    crs: QgsCoordinateReferenceSystem,
    context: QgsProcessingContext,
    feedback: Any,
) -> tuple[np.ndarray, np.ndarray | None]:
    """(bands, n) realization values and the (n,) median (None without a median band) at building points.

    The points are in ``crs`` (the buildings'); they are transformed to the raster's CRS when it differs.
    """
    if crs.isValid() and motion.crs.isValid() and crs != motion.crs:
        feedback.pushInfo(
            tr("Buildings in {0}, raster in {1}: building centroids are transformed to the raster CRS.").format(
                crs.authid(), motion.crs.authid()
            )
        )
        x, y = _transformed(x, y, crs, motion.crs, context)
    values = dm.sample_ground_motion(motion.realizations, x, y, None)
    median = dm.sample_ground_motion(motion.median, x, y, None)[0] if motion.median is not None else None
    return values, median
