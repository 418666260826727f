"""Raster publication: Cloud-Optimised GeoTIFF and coloured PNG tiles (XYZ, Web Mercator) for the web map.

The COG is written by GDAL's COG driver through rasterio. The PNG tiles are warped from the
source with rasterio (nearest neighbour, so classes stay classes), coloured with the profile's
legend and encoded with zlib (PNG, ISO/IEC 15948), so no imaging library is needed.
"""

from __future__ import annotations

import math
import os
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..atomic import atomic_output
from ..errors import InputError
from ..feedback import Feedback, NullFeedback, check_canceled
from .profile import Legend

TILE_SIZE = 256
# EPSG:3857 half-width of the world [m]: pi * 6378137 (the WGS 84 semi-major axis).
WEB_MERCATOR_HALF_WORLD = math.pi * 6378137.0
# Web Mercator's latitude limit (where the square world ends).
WEB_MERCATOR_MAX_LAT = 85.0511287798066
# Zoom levels of the PNG tiles: at most 18 (about 0.5 m per pixel in Tokyo) and at least
# MIN_TILE_ZOOM - the whole ward (about 6 x 6 km) fits one or two tiles at zoom 12.
MAX_TILE_ZOOM = 18
MIN_TILE_ZOOM = 11
# More tiles than this is more than a static public map needs; ask for a coarser raster.
MAX_TILE_COUNT = 50_000
NODATA_FLOAT = -9999.0


@dataclass(frozen=True)
class TileSet:
    url_template: str  # relative to the export folder, e.g. "tiles/intensity/{z}/{x}/{y}.png"
    min_zoom: int
    max_zoom: int
    bounds: tuple[float, float, float, float]  # WGS 84 west, south, east, north
    count: int


@dataclass(frozen=True)
class RasterInfo:
    crs_wkt: str
    width: int
    height: int
    bounds_wgs84: tuple[float, float, float, float]
    minimum: float | None
    maximum: float | None
    description: str | None


def _read_band(path: str | os.PathLike[str], band: int):
    import rasterio

    try:
        src = rasterio.open(path)
    except Exception as exc:
        raise InputError(f"cannot read raster {path}: {exc}", "LAYERS") from exc
    with src:
        if src.crs is None:
            raise InputError(f"raster {path} has no CRS; assign one in QGIS first", "LAYERS")
        if band > src.count:
            raise InputError(f"raster {path} has {src.count} band(s); the profile asks for band {band}", "PROFILE")
        data = src.read(band, masked=True).astype(np.float64).filled(np.nan)
        description = src.descriptions[band - 1]
        return data, src.transform, src.crs, description


def raster_bounds_wgs84(path: str | os.PathLike[str]) -> tuple[float, float, float, float]:
    import rasterio
    from rasterio.warp import transform_bounds

    with rasterio.open(path) as src:
        w, s, e, n = transform_bounds(src.crs, "EPSG:4326", *src.bounds, densify_pts=21)
    return (float(w), float(s), float(e), float(n))


def write_cog(
    source: str | os.PathLike[str], target: str | os.PathLike[str], band: int = 1, description: str | None = None
) -> RasterInfo:
    """Write one band of ``source`` as a Cloud-Optimised GeoTIFF (float32, deflate, internal overviews)."""
    from rasterio.io import MemoryFile
    from rasterio.shutil import copy as rio_copy

    data, transform, crs, band_description = _read_band(source, band)
    height, width = data.shape
    values = np.where(np.isnan(data), NODATA_FLOAT, data).astype(np.float32)
    profile = {
        "driver": "GTiff",
        "width": width,
        "height": height,
        "count": 1,
        "dtype": "float32",
        "crs": crs,
        "transform": transform,
        "nodata": NODATA_FLOAT,
    }
    with MemoryFile() as mem:
        with mem.open(**profile) as tmp:
            tmp.write(values, 1)
            tmp.set_band_description(1, description or band_description or "")
        with mem.open() as tmp, atomic_output(target) as out:
            rio_copy(
                tmp,
                out,
                driver="COG",
                COMPRESS="DEFLATE",
                PREDICTOR="YES",
                BLOCKSIZE=256,
                OVERVIEWS="AUTO",
                RESAMPLING="NEAREST",
            )
    finite = data[np.isfinite(data)]
    return RasterInfo(
        crs_wkt=crs.to_wkt(),
        width=width,
        height=height,
        bounds_wgs84=raster_bounds_wgs84(source),
        minimum=float(finite.min()) if finite.size else None,
        maximum=float(finite.max()) if finite.size else None,
        description=description or band_description,
    )


def colourise(values: np.ndarray, legend: Legend) -> np.ndarray:
    """RGBA (rows, cols, 4) uint8 of values through a graduated or ramp legend; NaN and unclassed are transparent."""
    v = np.asarray(values, dtype=np.float64)
    rgba = np.zeros((*v.shape, 4), dtype=np.uint8)
    finite = np.isfinite(v)

    def rgb(color: str) -> tuple[int, int, int]:
        return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)

    if legend.type == "ramp":
        stops = np.array([float(c.value) for c in legend.classes])
        colours = np.array([rgb(c.color) for c in legend.classes], dtype=np.float64)
        for ch in range(3):
            chan = np.interp(np.where(finite, v, stops[0]), stops, colours[:, ch])
            rgba[..., ch] = np.where(finite, np.round(chan), 0).astype(np.uint8)
        rgba[..., 3] = np.where(finite, 255, 0)
        return rgba
    if legend.type != "graduated":
        raise InputError("raster legends must be graduated or ramp", "PROFILE")
    last = len(legend.classes) - 1
    for i, c in enumerate(legend.classes):
        mask = finite.copy()
        if c.min is not None:
            mask &= v >= c.min
        if c.max is not None:
            mask &= (v < c.max) | ((v == c.max) if i == last else False)
        r, g, b = rgb(c.color)
        rgba[mask] = (r, g, b, 255)
    return rgba


def png_bytes(rgba: np.ndarray) -> bytes:
    """Encode an RGBA uint8 image as PNG (8-bit RGBA, no interlace, filter type 0 on every row)."""
    img = np.ascontiguousarray(rgba, dtype=np.uint8)
    height, width, channels = img.shape
    if channels != 4:
        raise ValueError("png_bytes wants an RGBA image")
    rows = np.concatenate([np.zeros((height, 1), dtype=np.uint8), img.reshape(height, width * 4)], axis=1)

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows.tobytes(), 6))
        + chunk(b"IEND", b"")
    )


def lonlat_to_tile(lon: float, lat: float, zoom: int) -> tuple[int, int]:
    """XYZ tile (x, y) holding a point (the OpenStreetMap 'slippy map' scheme)."""
    lat = max(min(lat, WEB_MERCATOR_MAX_LAT), -WEB_MERCATOR_MAX_LAT)
    n = 2**zoom
    x = int((lon + 180.0) / 360.0 * n)
    lat_r = math.radians(lat)
    y = int((1.0 - math.asinh(math.tan(lat_r)) / math.pi) / 2.0 * n)
    return min(max(x, 0), n - 1), min(max(y, 0), n - 1)


def tile_bounds_3857(x: int, y: int, zoom: int) -> tuple[float, float, float, float]:
    """(west, south, east, north) of a tile in EPSG:3857 metres."""
    size = 2 * WEB_MERCATOR_HALF_WORLD / 2**zoom
    west = -WEB_MERCATOR_HALF_WORLD + x * size
    north = WEB_MERCATOR_HALF_WORLD - y * size
    return (west, north - size, west + size, north)


def tiles_covering(
    bounds: tuple[float, float, float, float], min_zoom: int, max_zoom: int
) -> Iterator[tuple[int, int, int]]:
    """Every (z, x, y) whose tile intersects the WGS 84 bounds, zoom by zoom."""
    west, south, east, north = bounds
    for z in range(min_zoom, max_zoom + 1):
        x0, y0 = lonlat_to_tile(west, north, z)
        x1, y1 = lonlat_to_tile(east, south, z)
        for x in range(x0, x1 + 1):
            for y in range(y0, y1 + 1):
                yield z, x, y


def native_max_zoom(path: str | os.PathLike[str]) -> int:
    """The zoom whose tile pixels are no coarser than the raster's pixels (capped to MIN..MAX_TILE_ZOOM)."""
    import rasterio
    from rasterio.warp import transform_bounds

    with rasterio.open(path) as src:
        w, s, e, n = transform_bounds(src.crs, "EPSG:3857", *src.bounds, densify_pts=21)
        res = max((e - w) / src.width, (n - s) / src.height)
    if res <= 0:
        return MAX_TILE_ZOOM
    zoom = math.ceil(math.log2(2 * WEB_MERCATOR_HALF_WORLD / TILE_SIZE / res))
    return int(min(max(zoom, MIN_TILE_ZOOM), MAX_TILE_ZOOM))


def write_png_tiles(
    source: str | os.PathLike[str],
    folder: str | os.PathLike[str],
    url_prefix: str,
    legend: Legend,
    band: int = 1,
    min_zoom: int | None = None,
    max_zoom: int | None = None,
    feedback: Feedback | None = None,
) -> TileSet:
    """Colour a raster band with ``legend`` into ``folder/{z}/{x}/{y}.png`` (every tile inside its bounds).

    Tiles inside the raster's bounds are all written, transparent where there is no data, so a
    web map restricted to those bounds never asks for a missing tile.
    """
    import rasterio
    from rasterio.enums import Resampling
    from rasterio.warp import reproject

    feedback = feedback or NullFeedback()
    data, transform, crs, _ = _read_band(source, band)
    bounds = raster_bounds_wgs84(source)
    max_zoom = native_max_zoom(source) if max_zoom is None else max_zoom
    min_zoom = min(MIN_TILE_ZOOM, max_zoom) if min_zoom is None else min_zoom
    if not 0 <= min_zoom <= max_zoom <= 24:
        raise InputError("tile zoom levels must satisfy 0 <= min <= max <= 24", "LAYERS")
    tiles = list(tiles_covering(bounds, min_zoom, max_zoom))
    if len(tiles) > MAX_TILE_COUNT:
        raise InputError(
            f"the raster would need {len(tiles)} web-map tiles (limit {MAX_TILE_COUNT}); use a coarser pixel size",
            "LAYERS",
        )
    root = Path(folder)
    dst_crs = rasterio.crs.CRS.from_epsg(3857)
    for i, (z, x, y) in enumerate(tiles):
        if i % 16 == 0:
            check_canceled(feedback)
            feedback.set_progress(100.0 * i / len(tiles))
        west, south, east, north = tile_bounds_3857(x, y, z)
        size = (east - west) / TILE_SIZE
        dst = np.full((TILE_SIZE, TILE_SIZE), np.nan, dtype=np.float64)
        reproject(
            source=data,
            destination=dst,
            src_transform=transform,
            src_crs=crs,
            src_nodata=np.nan,
            dst_transform=rasterio.transform.from_origin(west, north, size, size),
            dst_crs=dst_crs,
            dst_nodata=np.nan,
            resampling=Resampling.nearest,
        )
        path = root / str(z) / str(x) / f"{y}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(png_bytes(colourise(dst, legend)))
    feedback.set_progress(100.0)
    return TileSet(f"{url_prefix}/{{z}}/{{x}}/{{y}}.png", min_zoom, max_zoom, bounds, len(tiles))
