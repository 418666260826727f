"""RFC 7946 GeoJSON: WGS 84 longitude-latitude, no ``crs`` member, 6 decimals, valid, wound per the RFC.

RFC 7946 (Butler et al. 2016): section 4 (WGS 84 only, longitude first, no ``crs`` member),
section 3.1.6 (exterior rings counter-clockwise, holes clockwise) and section 11.2 (6 decimal
places, about 10 cm, are enough). Geometries are repaired with GEOS ``make_valid`` before and
after the precision reduction, so the file never holds a self-intersecting polygon.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from ..atomic import atomic_output
from ..errors import InputError

# RFC 7946 section 11.2: 6 decimal places of a degree (about 10 cm) are enough for any map.
COORD_DECIMALS = 6
COORD_GRID = 10.0**-COORD_DECIMALS
WGS84 = "EPSG:4326"

# Dimension of each layer geometry type (shapely.get_dimensions).
GEOMETRY_DIMENSION = {"point": 0, "line": 1, "polygon": 2}


def geometry_type_of(geometries: Sequence[Any]) -> str | None:
    """'point', 'line' or 'polygon' from the first non-empty geometry (None for an empty layer)."""
    import shapely

    arr = np.asarray(geometries, dtype=object)
    if arr.size == 0:
        return None
    present = arr[~(shapely.is_missing(arr) | shapely.is_empty(arr))]
    if present.size == 0:
        return None
    dims = shapely.get_dimensions(present)
    dim = int(np.max(dims))
    return {0: "point", 1: "line", 2: "polygon"}.get(dim)


def _keep_dimension(geometries: np.ndarray, dimension: int) -> np.ndarray:
    """Drop the parts of lower dimension that ``make_valid`` can leave in a GeometryCollection."""
    import shapely

    out = geometries.copy()
    mixed = shapely.get_type_id(out) == 7  # GeometryCollection
    for i in np.flatnonzero(mixed):
        parts = shapely.get_parts(out[i])
        parts = parts[shapely.get_dimensions(parts) == dimension]
        if parts.size == 0:
            out[i] = None
        elif parts.size == 1:
            out[i] = parts[0]
        elif dimension == 2:
            out[i] = shapely.union_all(parts)
        elif dimension == 1:
            out[i] = shapely.multilinestrings(parts)
        else:
            out[i] = shapely.multipoints(parts)
    wrong = ~shapely.is_missing(out) & (shapely.get_dimensions(out) != dimension)
    out[wrong] = None
    return out


def parse_crs(crs: str):
    """A rasterio CRS from WKT, 'EPSG:6677', a PROJ string ...; InputError when not understood.

    Coordinates are transformed with rasterio's bundled GDAL/PROJ rather than pyproj: inside a
    QGIS process pyproj's own PROJ library can clash with the one QGIS has loaded.
    """
    from rasterio.crs import CRS
    from rasterio.errors import CRSError

    try:
        return CRS.from_user_input(crs)
    except (CRSError, ValueError, TypeError) as exc:
        raise InputError(f"the layer CRS {str(crs)[:80]!r} is not understood: {exc}", "LAYERS") from exc


def transform_coords(coords: np.ndarray, source_crs: str, target_crs: str) -> np.ndarray:
    """(n, 2) x/y coordinates from one CRS to another (longitude first for geographic CRSs)."""
    from rasterio.warp import transform

    if len(coords) == 0:
        return np.asarray(coords, dtype=np.float64).reshape(0, 2)
    xs, ys = transform(parse_crs(source_crs), parse_crs(target_crs), coords[:, 0], coords[:, 1])
    return np.column_stack([np.asarray(xs, dtype=np.float64), np.asarray(ys, dtype=np.float64)])


def to_rfc7946(geometries: Sequence[Any], crs: str, geometry_type: str | None = None) -> np.ndarray:
    """Geometries ready for RFC 7946: valid, in WGS 84 lon/lat, 6 decimals, rings wound per the RFC.

    Missing, empty or degenerate geometries (e.g. a sliver that vanishes at 6 decimals) become None,
    which is written as a feature with ``"geometry": null`` (RFC 7946 section 3.2).
    """
    import shapely

    arr = np.array(list(geometries), dtype=object)
    if arr.size == 0:
        return arr
    missing = shapely.is_missing(arr)
    arr[~missing & shapely.is_empty(arr)] = None
    geometry_type = geometry_type or geometry_type_of(list(arr))
    if geometry_type is None:
        return np.full(arr.shape, None, dtype=object)
    dimension = GEOMETRY_DIMENSION[geometry_type]
    present = ~shapely.is_missing(arr)
    arr[present] = shapely.make_valid(arr[present])
    arr = _keep_dimension(arr, dimension)

    parse_crs(crs)  # a clear error before any work

    def project(coords: np.ndarray) -> np.ndarray:
        return transform_coords(coords, crs, WGS84)

    present = ~shapely.is_missing(arr)
    arr[present] = shapely.transform(arr[present], project)
    lon_lat_ok = _finite_lon_lat(arr[present])
    if not lon_lat_ok:
        raise InputError(
            f"coordinates fall outside longitude -180..180 / latitude -90..90 after reprojecting from {crs!r}; "
            "check that the layer's CRS is set correctly",
            "LAYERS",
        )
    # Snap to the 6-decimal grid (GEOS keeps polygons valid while snapping) and make the stored
    # doubles the nearest ones to those decimals so that they print with at most 6 decimals.
    arr[present] = shapely.set_precision(arr[present], COORD_GRID)
    arr[present] = shapely.transform(arr[present], lambda c: np.round(c, COORD_DECIMALS))
    present = ~shapely.is_missing(arr)
    arr[present & shapely.is_empty(arr)] = None
    present = ~shapely.is_missing(arr)
    invalid = present & ~shapely.is_valid(arr)
    if invalid.any():
        arr[invalid] = shapely.make_valid(arr[invalid])
        arr = _keep_dimension(arr, dimension)
    if dimension == 2:
        present = ~shapely.is_missing(arr)
        arr[present] = shapely.orient_polygons(arr[present], exterior_cw=False)
    return arr


def _finite_lon_lat(geometries: np.ndarray) -> bool:
    import shapely

    if geometries.size == 0:
        return True
    coords = shapely.get_coordinates(geometries)
    if coords.size == 0:
        return True
    return bool(
        np.isfinite(coords).all() and (np.abs(coords[:, 0]) <= 180.0).all() and (np.abs(coords[:, 1]) <= 90.0).all()
    )


def json_value(value: Any) -> Any:
    """A property value as JSON: numpy scalars to Python, NaN/inf to null, bytes to text."""
    if value is None:
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        v = float(value)
        return v if math.isfinite(v) else None
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, str):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def feature_collection_text(geometries: np.ndarray, properties: Sequence[Mapping[str, Any]]) -> str:
    """The text of a FeatureCollection (geometries already from :func:`to_rfc7946`)."""
    import shapely

    if len(geometries) != len(properties):
        raise ValueError("one properties mapping per geometry is needed")
    parts = []
    for geom, props in zip(geometries, properties):
        props_text = json.dumps({k: json_value(v) for k, v in props.items()}, ensure_ascii=False, allow_nan=False)
        # Python prints each double with the fewest digits that read back the same, so coordinates
        # rounded to 6 decimals print with at most 6 (GEOS's writer may print 17 digits).
        geom_part = "null" if geom is None else json.dumps(shapely.geometry.mapping(geom), separators=(",", ":"))
        parts.append(f'{{"type":"Feature","geometry":{geom_part},"properties":{props_text}}}')
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(parts) + "\n]}\n"


def write_geojson(
    path: str | os.PathLike[str], geometries: np.ndarray, properties: Sequence[Mapping[str, Any]]
) -> None:
    """Write a FeatureCollection atomically, UTF-8 without BOM (RFC 7946 section 11)."""
    text = feature_collection_text(geometries, properties)
    with atomic_output(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def bounds_of(geometries: Iterable[Any]) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) of WGS 84 geometries, or None when there are none."""
    import shapely

    arr = np.asarray(list(geometries), dtype=object)
    if arr.size == 0:
        return None
    arr = arr[~shapely.is_missing(arr)]
    if arr.size == 0:
        return None
    b = shapely.total_bounds(arr)
    if not np.isfinite(b).all():
        return None
    return (float(b[0]), float(b[1]), float(b[2]), float(b[3]))
