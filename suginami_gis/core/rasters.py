"""Raster input/output with rasterio: GeoTIFF writing (atomic), reading and point sampling."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .atomic import atomic_output
from .errors import InputError


@dataclass(frozen=True)
class Grid:
    """A north-up raster grid: origin at the upper-left corner, square pixels."""

    xmin: float
    ymax: float
    pixel_size: float
    width: int
    height: int
    crs_wkt: str

    @classmethod
    def from_extent(cls, xmin: float, ymin: float, xmax: float, ymax: float, pixel_size: float, crs_wkt: str) -> Grid:
        if pixel_size <= 0:
            raise InputError("pixel size must be positive", "PIXEL_SIZE")
        if not (xmax > xmin and ymax > ymin):
            raise InputError("the extent is empty; draw or choose a non-empty extent", "EXTENT")
        width = max(1, int(np.ceil((xmax - xmin) / pixel_size - 1e-9)))
        height = max(1, int(np.ceil((ymax - ymin) / pixel_size - 1e-9)))
        return cls(xmin, ymax, pixel_size, width, height, crs_wkt)

    @property
    def shape(self) -> tuple[int, int]:
        return (self.height, self.width)

    @property
    def transform(self):
        from affine import Affine

        return Affine(self.pixel_size, 0.0, self.xmin, 0.0, -self.pixel_size, self.ymax)

    def centers(self) -> tuple[np.ndarray, np.ndarray]:
        """Pixel-centre coordinates as 1-D arrays (x along columns, y along rows)."""
        xs = self.xmin + (np.arange(self.width) + 0.5) * self.pixel_size
        ys = self.ymax - (np.arange(self.height) + 0.5) * self.pixel_size
        return xs, ys

    def rowcol(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        col = np.floor((np.asarray(x) - self.xmin) / self.pixel_size).astype(np.int64)
        row = np.floor((self.ymax - np.asarray(y)) / self.pixel_size).astype(np.int64)
        return row, col


def geotiff_profile(grid: Grid, count: int, nodata: float | None, dtype: str) -> dict:
    """Creation options: tiled, DEFLATE level 1 with a predictor (fast to write, compact to keep)."""
    import rasterio

    return {
        "driver": "GTiff",
        "width": grid.width,
        "height": grid.height,
        "count": count,
        "dtype": dtype,
        "crs": rasterio.crs.CRS.from_wkt(grid.crs_wkt),
        "transform": grid.transform,
        "nodata": nodata,
        "tiled": True,
        "blockxsize": 256,
        "blockysize": 256,
        "compress": "deflate",
        "zlevel": 1,
        "predictor": 3 if dtype.startswith("float") else 2,
        "interleave": "band",
        "BIGTIFF": "IF_SAFER",
        "NUM_THREADS": "ALL_CPUS",
    }


class GeoTiffWriter:
    """Band-by-band writer of one GeoTIFF; see :func:`open_geotiff`."""

    def __init__(self, dataset: Any, dtype: str, units: str | None) -> None:
        self.dataset = dataset
        self.dtype = dtype
        self.units = units

    def write(self, index: int, band: np.ndarray, description: str | None = None) -> None:
        self.dataset.write(np.asarray(band, dtype=self.dtype), index)
        if description:
            self.dataset.set_band_description(index, description)
        if self.units:
            self.dataset.set_band_unit(index, self.units)


@contextlib.contextmanager
def open_geotiff(
    path: str | os.PathLike[str],
    grid: Grid,
    count: int,
    nodata: float | None = -9999.0,
    dtype: str = "float32",
    units: str | None = None,
    tags: dict[str, str] | None = None,
) -> Iterator[GeoTiffWriter]:
    """Open a GeoTIFF for writing band by band; it appears at ``path`` only when the block succeeds."""
    import rasterio

    with atomic_output(path) as tmp:
        with rasterio.open(tmp, "w", **geotiff_profile(grid, count, nodata, dtype)) as dst:
            if tags:
                dst.update_tags(**tags)
            yield GeoTiffWriter(dst, dtype, units)


def write_geotiff(
    path: str | os.PathLike[str],
    grid: Grid,
    bands: Iterable[np.ndarray],
    count: int,
    nodata: float | None = -9999.0,
    descriptions: Sequence[str] | None = None,
    dtype: str = "float32",
    units: str | None = None,
    tags: dict[str, str] | None = None,
) -> None:
    """Write ``count`` bands (an iterable, so bands can be produced one at a time) atomically."""
    with open_geotiff(path, grid, count, nodata, dtype, units, tags) as writer:
        written = 0
        for index, band in enumerate(bands, start=1):
            writer.write(index, band, descriptions[index - 1] if descriptions else None)
            written += 1
        if written != count:
            raise RuntimeError(f"expected {count} bands, got {written}")


@dataclass
class RasterData:
    array: np.ndarray  # (bands, rows, cols), float64 with nodata as NaN
    grid: Grid
    descriptions: tuple[str | None, ...]


def read_raster(path: str | os.PathLike[str], parameter: str | None = None) -> RasterData:
    """Read every band as float64 with nodata replaced by NaN."""
    import rasterio

    try:
        src_ctx = rasterio.open(path)
    except Exception as exc:  # rasterio raises RasterioIOError subclasses
        raise InputError(f"cannot read raster {path}: {exc}", parameter) from exc
    with src_ctx as src:
        if src.crs is None:
            raise InputError(f"raster {path} has no CRS; assign one in QGIS first", parameter)
        t = src.transform
        if t.b != 0 or t.d != 0 or abs(abs(t.e) - t.a) > 1e-9 * max(1.0, t.a):
            raise InputError(f"raster {path} must be north-up with square pixels", parameter)
        data = src.read(masked=True).astype(np.float64)
        arr = np.ma.filled(data, np.nan)
        grid = Grid(t.c, t.f, t.a, src.width, src.height, src.crs.to_wkt())
        return RasterData(arr, grid, tuple(src.descriptions))


def reproject_to_grid(
    path: str | os.PathLike[str], target: Grid, band: int = 1, resampling: str = "bilinear"
) -> np.ndarray:
    """Read one band of a raster resampled onto ``target`` (any source CRS); NaN where no data."""
    import rasterio
    from rasterio.enums import Resampling
    from rasterio.warp import reproject

    with rasterio.open(path) as src:
        dst = np.full(target.shape, np.nan, dtype=np.float64)
        src_nodata = src.nodata
        reproject(
            source=rasterio.band(src, band),
            destination=dst,
            src_nodata=src_nodata,
            dst_transform=target.transform,
            dst_crs=rasterio.crs.CRS.from_wkt(target.crs_wkt),
            dst_nodata=np.nan,
            resampling=getattr(Resampling, resampling),
        )
    return dst


def sample_grid(data: np.ndarray, grid: Grid, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Values of a (bands, rows, cols) array at points; NaN outside the grid. Returns (bands, n)."""
    row, col = grid.rowcol(x, y)
    inside = (row >= 0) & (row < grid.height) & (col >= 0) & (col < grid.width)
    if inside.all():  # the usual case: one array, not a NaN array and a copy (each ~100 MB for a ward)
        return np.asarray(data[:, row, col], dtype=np.float64)
    out = np.full((data.shape[0], len(row)), np.nan)
    out[:, inside] = data[:, row[inside], col[inside]]
    return out
