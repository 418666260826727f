"""Privacy aggregation: per-home points and routes summarised per district or street segment.

A result per home (an evacuation origin, the route from a home) can identify a household, so a
public export carries only statistics over zones: districts (町丁目) or street segments. Small
counts are suppressed afterwards by the export (see ``export.filter_properties``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import InputError
from .geojson import parse_crs, transform_coords

# A route is counted on a street segment when at least ``min_overlap`` of these points along the
# segment (as fractions of its length) lie within ROUTE_SEGMENT_TOLERANCE_M of the route.
SEGMENT_SAMPLE_FRACTIONS = np.array([0.1, 0.3, 0.5, 0.7, 0.9])
# Routes are traced along the same network, so they coincide with segments up to rounding;
# 1 m also absorbs the snapping of QGIS's network tools (default tolerance 0).
ROUTE_SEGMENT_TOLERANCE_M = 1.0


@dataclass
class ZoneLayer:
    """Zones to aggregate into: district polygons or street-segment lines, with public attributes."""

    geometries: Sequence[Any]
    ids: Sequence[Any]
    crs: str
    id_field: str = "district_id"
    attributes: Mapping[str, Sequence[Any]] = field(default_factory=dict)
    kind: str = "district"  # district | segment


@dataclass
class Aggregated:
    geometries: np.ndarray  # zone geometries in the zones' CRS
    columns: dict[str, list[Any]]
    crs: str
    target: str


def reproject(geometries: np.ndarray, source_crs: str, target_crs: str) -> np.ndarray:
    """Geometries from one CRS to another (no-op when they are the same CRS)."""
    import shapely

    if parse_crs(source_crs) == parse_crs(target_crs):
        return geometries

    def project(coords: np.ndarray) -> np.ndarray:
        return transform_coords(coords, source_crs, target_crs)

    out = geometries.copy()
    present = ~shapely.is_missing(out)
    out[present] = shapely.transform(out[present], project)
    return out


def is_metric(crs: str) -> bool:
    c = parse_crs(crs)
    return bool(c.is_projected) and (c.linear_units or "").lower() in ("metre", "meter", "m")


def _anchor_points(geometries: np.ndarray) -> np.ndarray:
    """Where a home is: the point itself, a polygon's point on surface, a route's first vertex."""
    import shapely

    out = np.full(len(geometries), None, dtype=object)
    present = ~(shapely.is_missing(geometries) | shapely.is_empty(geometries))
    g = geometries[present]
    dims = shapely.get_dimensions(g)
    pts = np.full(len(g), None, dtype=object)
    pts[dims == 0] = shapely.centroid(g[dims == 0])
    pts[dims == 2] = shapely.point_on_surface(g[dims == 2])
    lines = g[dims == 1]
    if lines.size:
        first_parts = np.array([shapely.get_geometry(x, 0) if shapely.get_num_geometries(x) > 1 else x for x in lines])
        pts[dims == 1] = shapely.get_point(first_parts, 0)
    out[present] = pts
    return out


def _assign_to_districts(points: np.ndarray, zones: np.ndarray) -> np.ndarray:
    """Index of the district holding each point (-1 outside all); ties on boundaries go to the lower index."""
    import shapely

    tree = shapely.STRtree(zones)
    zone_of = np.full(len(points), -1, dtype=np.int64)
    present = np.flatnonzero(~shapely.is_missing(points))
    if present.size == 0:
        return zone_of
    pairs = tree.query(points[present], predicate="intersects")
    if pairs.size:
        order = np.lexsort((pairs[1], pairs[0]))
        src, dst = pairs[0][order], pairs[1][order]
        first = np.ones(len(src), dtype=bool)
        first[1:] = src[1:] != src[:-1]
        zone_of[present[src[first]]] = dst[first]
    return zone_of


def _route_segment_pairs(routes: np.ndarray, segments: np.ndarray, min_overlap: float) -> tuple[np.ndarray, np.ndarray]:
    """(route index, segment index) pairs where a route runs along at least ``min_overlap`` of a segment."""
    import shapely

    tree = shapely.STRtree(segments)
    present = np.flatnonzero(~(shapely.is_missing(routes) | shapely.is_empty(routes)))
    if present.size == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    pairs = tree.query(routes[present], predicate="dwithin", distance=ROUTE_SEGMENT_TOLERANCE_M)
    r_idx, s_idx = present[pairs[0]], pairs[1]
    if r_idx.size == 0:
        return r_idx, s_idx
    k = len(SEGMENT_SAMPLE_FRACTIONS)
    sample = shapely.line_interpolate_point(
        np.repeat(segments[s_idx], k), np.tile(SEGMENT_SAMPLE_FRACTIONS, len(s_idx)), normalized=True
    )
    near = shapely.distance(sample, np.repeat(routes[r_idx], k)) <= ROUTE_SEGMENT_TOLERANCE_M
    share = near.reshape(-1, k).mean(axis=1)
    keep = share >= min_overlap - 1e-12
    return r_idx[keep], s_idx[keep]


def _numeric(values: Sequence[Any]) -> np.ndarray:
    out = np.full(len(values), np.nan)
    for i, v in enumerate(values):
        if v is None:
            continue
        if isinstance(v, str):
            t = v.strip().lower()
            if t in ("true", "yes", "1"):
                out[i] = 1.0
            elif t in ("false", "no", "0"):
                out[i] = 0.0
            else:
                try:
                    out[i] = float(t)
                except ValueError:
                    continue
            continue
        try:
            out[i] = float(v)
        except (TypeError, ValueError):
            continue
    return out


def aggregate_features(
    geometries: Sequence[Any],
    attributes: Mapping[str, Sequence[Any]],
    crs: str,
    zones: ZoneLayer,
    stats: Sequence[tuple[str, str, str | None]],
    min_overlap: float = 0.5,
) -> Aggregated:
    """Statistics of per-home features per zone, for the zones that hold at least one feature.

    ``stats`` are (output name, op, source field) with op count, sum, mean, share (mean of a
    true/false field) or max; values that are missing or not numbers are left out of sum/mean/max.
    District zones take a feature by its anchor point (point, point on surface, first vertex of a
    route); segment zones take every route that runs along the segment (see
    ``_route_segment_pairs``), so one route counts on every segment it uses.
    """
    import shapely

    feats = np.array(list(geometries), dtype=object)
    zone_geoms = np.array(list(zones.geometries), dtype=object)
    if zone_geoms.size == 0:
        raise InputError(f"there are no {zones.kind}s to aggregate per-home results into", "LAYERS")
    feats = reproject(feats, crs, zones.crs)
    if zones.kind == "district":
        zone_of = _assign_to_districts(_anchor_points(feats), zone_geoms)
        f_idx = np.flatnonzero(zone_of >= 0)
        z_idx = zone_of[f_idx]
    elif zones.kind == "segment":
        if not is_metric(zones.crs):
            raise InputError("street segments must be in a projected CRS with metres to aggregate routes", "LAYERS")
        dims = shapely.get_dimensions(feats[~shapely.is_missing(feats)])
        if dims.size and (dims != 1).any():
            raise InputError("only routes (lines) can be aggregated to street segments", "LAYERS")
        f_idx, z_idx = _route_segment_pairs(feats, zone_geoms, min_overlap)
    else:
        raise ValueError(f"unknown zone kind {zones.kind!r}")

    n_zones = len(zone_geoms)
    counts = np.bincount(z_idx, minlength=n_zones)
    used = np.flatnonzero(counts > 0)
    columns: dict[str, list[Any]] = {zones.id_field: [zones.ids[i] for i in used]}
    for name, values in zones.attributes.items():
        columns[name] = [values[i] for i in used]
    for out_name, op, source in stats:
        if op == "count":
            columns[out_name] = [int(c) for c in counts[used]]
            continue
        if source is None or source not in attributes:
            columns[out_name] = [None] * len(used)
            continue
        vals = _numeric(attributes[source])[f_idx]
        ok = ~np.isnan(vals)
        sums = np.bincount(z_idx[ok], weights=vals[ok], minlength=n_zones)
        n_ok = np.bincount(z_idx[ok], minlength=n_zones)
        if op == "sum":
            res = np.where(n_ok > 0, sums, np.nan)
        elif op in ("mean", "share"):
            with np.errstate(invalid="ignore", divide="ignore"):
                res = np.where(n_ok > 0, sums / np.maximum(n_ok, 1), np.nan)
        elif op == "max":
            res = np.full(n_zones, -np.inf)
            np.maximum.at(res, z_idx[ok], vals[ok])
            res[n_ok == 0] = np.nan
        else:
            raise ValueError(f"unknown aggregation op {op!r}")
        columns[out_name] = [None if np.isnan(v) else float(v) for v in res[used]]
    return Aggregated(zone_geoms[used], columns, zones.crs, zones.kind)
