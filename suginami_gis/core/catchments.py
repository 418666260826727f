"""Shelter service areas (catchments) by walking time bands on the (risk-aware) street network.

Method (docs/methods/routing.md): a network Voronoi diagram sampled along the streets.
1. One multi-source shortest-path tree from the shelters (routing.shortest_path_trees) with the
   graph's cost: every street point belongs to the shelter it reaches at least cost, and its walking
   time is the length of that route / walking speed.
2. Every open street piece is sampled every ``spacing_m`` (ends included); each sample gets a label
   (shelter, time band) or none (beyond the last band, or no shelter reachable). Closed streets are
   left out, so the space beside them goes to the nearest open street.
3. A plane Voronoi diagram of the samples (shapely.voronoi_polygons) gives every place its nearest
   street sample; each cell is cut to within ``max_offset_m`` of its sample's street piece and the
   cells are dissolved per label (shapely.union_all).
Polygons therefore never overlap: each place belongs to one shelter and one band, through its
nearest street. Boundaries along a street are exact to within spacing_m / 2. The walk from a
place to its street is not added to the time.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from . import memo
from .errors import InputError
from .feedback import Feedback, NullFeedback, check_canceled
from .routing import WALK_SPEED_MS, ShelterGraph, _node_to_shelter, shortest_path_trees

log = logging.getLogger(__name__)

# Default time bands [minutes] for service areas (5 / 10 / 15 minutes, as in the issue).
DEFAULT_BANDS_MIN = (5.0, 10.0, 15.0)
# Places farther than this from any street are not in a catchment [m] (a parameter).
MAX_OFFSET_M = 100.0
# Street sampling interval [m] of the network Voronoi diagram (a parameter).
SAMPLE_SPACING_M = 10.0


@dataclass
class ServiceAreas:
    shelter: np.ndarray  # shelter index of each polygon
    band_from_min: np.ndarray
    band_to_min: np.ndarray
    geometry: np.ndarray  # object array of (Multi)Polygons
    area_m2: np.ndarray


def service_areas(
    graph: ShelterGraph,
    *,
    bands_minutes: Sequence[float] = DEFAULT_BANDS_MIN,
    walk_speed: float = WALK_SPEED_MS,
    max_offset_m: float = MAX_OFFSET_M,
    spacing_m: float = SAMPLE_SPACING_M,
    feedback: Feedback | None = None,
) -> ServiceAreas:
    """Non-overlapping polygons per shelter and time band (see the module docstring)."""
    import shapely

    feedback = feedback or NullFeedback()
    bands = np.asarray(sorted(float(b) for b in bands_minutes), dtype=np.float64)
    if bands.size == 0 or (bands <= 0).any() or np.unique(bands).size != bands.size:
        raise InputError("time bands must be distinct positive minutes, e.g. 5, 10, 15", "BANDS")
    if not (walk_speed > 0):
        raise InputError("the walking speed must be positive (m/s)", "WALK_SPEED")
    if not (max_offset_m > 0 and spacing_m > 0):
        raise InputError("the offset and the sampling interval must be positive distances", "MAX_OFFSET")
    trees = shortest_path_trees(graph)
    feedback.set_progress(20)
    check_canceled(feedback)

    open_piece = np.flatnonzero(~graph.closed[graph.piece_parent] & (graph.piece_length > 0))
    lp = graph.piece_length[open_piece]
    n_int = np.maximum(1, np.ceil(lp / spacing_m).astype(np.int64))
    rep = np.repeat(np.arange(open_piece.shape[0]), n_int + 1)
    k = np.arange(rep.shape[0]) - np.repeat(np.cumsum(n_int + 1) - (n_int + 1), n_int + 1)
    pos = lp[rep] * k / n_int[rep]
    piece = open_piece[rep]
    pts_xy = shapely.get_coordinates(shapely.line_interpolate_point(graph.piece_geometry[piece], pos))
    row = np.zeros(piece.shape[0], dtype=np.int64)
    a, b = graph.piece_u[piece], graph.piece_v[piece]
    part_b = np.maximum(graph.piece_length[piece] - pos, 0.0)
    cost_a = graph.piece_partial_cost(piece, pos) + trees.dist[row, a]
    cost_b = graph.piece_partial_cost(piece, part_b) + trees.dist[row, b]
    via_b = cost_b < cost_a
    end = np.where(via_b, b, a)
    best = np.minimum(cost_a, cost_b)
    minutes = (np.where(via_b, part_b, pos) + trees.length[row, end]) / walk_speed / 60.0
    node_shelter = _node_to_shelter(graph)
    shelter = np.where(np.isfinite(best), node_shelter[np.maximum(trees.root[0, end], 0)], -1)
    band = np.searchsorted(bands, minutes - 1e-9, side="left")
    labelled = (shelter >= 0) & (band < bands.size)
    label = np.where(labelled, shelter * bands.size + band, -1)
    # one site per location (street nodes are sampled by every piece meeting there)
    pts_xy, first = _unique_points(pts_xy)
    label = label[first]
    site_piece = piece[first]
    feedback.set_progress(40)
    check_canceled(feedback)

    empty = ServiceAreas(
        shelter=np.zeros(0, dtype=np.int64),
        band_from_min=np.zeros(0),
        band_to_min=np.zeros(0),
        geometry=np.zeros(0, dtype=object),
        area_m2=np.zeros(0),
    )
    if not (label >= 0).any():
        return empty
    inside = np.flatnonzero(label >= 0)
    clipped = _clipped_cells(graph, pts_xy, site_piece, inside, max_offset_m)
    feedback.set_progress(80)
    # the cells are dissolved per label
    out_label, out_geom = [], []
    labels = np.unique(label[inside])
    order = np.argsort(label[inside], kind="stable")
    bounds = np.searchsorted(label[inside][order], labels, side="left")
    bounds = np.r_[bounds, inside.size]
    for i, lab in enumerate(labels):
        check_canceled(feedback)
        geom = shapely.union_all(clipped[order[bounds[i] : bounds[i + 1]]])
        if not geom.is_empty:
            out_label.append(lab)
            out_geom.append(geom)
        feedback.set_progress(80 + 20 * (i + 1) / labels.size)
    out_label_arr = np.asarray(out_label, dtype=np.int64)
    geometry = np.empty(len(out_geom), dtype=object)
    geometry[:] = out_geom
    band_idx = out_label_arr % bands.size
    lower = np.r_[0.0, bands][band_idx]
    return ServiceAreas(
        shelter=out_label_arr // bands.size,
        band_from_min=lower,
        band_to_min=bands[band_idx],
        geometry=geometry,
        area_m2=shapely.area(geometry),
    )


def _unique_points(xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """np.unique(xy, axis=0, return_index=True) for finite points, by one stable lexsort (several times faster)."""
    order = np.lexsort((xy[:, 1], xy[:, 0]))
    ordered = xy[order]
    new = np.ones(order.shape[0], dtype=bool)
    new[1:] = (ordered[1:] != ordered[:-1]).any(axis=1)
    return ordered[new], order[new]


def _clipped_cells(
    graph: ShelterGraph, pts_xy: np.ndarray, site_piece: np.ndarray, inside: np.ndarray, max_offset_m: float
) -> np.ndarray:
    """The Voronoi cells of the sites ``inside``, each cut to within ``max_offset_m`` of its site's street piece.

    The cells depend on the streets only (the sites and their pieces), not on the costs that label them:
    inside memo.shared() (the scenario's two runs on the same open streets) the Voronoi diagram is made
    once and every cut cell is kept, so a later run cuts only the cells no earlier run needed. Every cell
    is cut on its own, so the geometries are the same either way.
    """
    if not memo.active():
        return _cut_cells(_voronoi_cells(pts_xy, max_offset_m), graph, site_piece, inside, max_offset_m)
    cells, cut = memo.cached(
        "service area cells",
        (pts_xy, site_piece, graph.piece_geometry, float(max_offset_m)),
        lambda: (_voronoi_cells(pts_xy, max_offset_m), np.full(pts_xy.shape[0], None, dtype=object)),
    )
    import shapely

    missing = inside[shapely.is_missing(cut[inside])]
    if missing.size:
        cut[missing] = _cut_cells(cells, graph, site_piece, missing, max_offset_m)
    return cut[inside]


def _voronoi_cells(pts_xy: np.ndarray, max_offset_m: float) -> np.ndarray:
    """The Voronoi cell of every site (clipped to the sites' bounding box plus 2 max_offset_m)."""
    import shapely

    sites = shapely.points(pts_xy)
    if pts_xy.shape[0] < 2:
        return np.array([shapely.buffer(sites[0], max_offset_m)], dtype=object)
    span = shapely.box(*(pts_xy.min(axis=0) - 2 * max_offset_m), *(pts_xy.max(axis=0) + 2 * max_offset_m))
    unordered = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(pts_xy), extend_to=span))
    # match cells to their sites by containment (the "ordered" option needs GEOS 3.12, and inside
    # QGIS shapely may run on the GEOS QGIS links)
    site_idx, cell_idx = shapely.STRtree(unordered).query(sites, predicate="intersects")
    first_hit = np.unique(site_idx, return_index=True)[1]
    cells = np.empty(pts_xy.shape[0], dtype=object)
    cells[site_idx[first_hit]] = unordered[cell_idx[first_hit]]
    return cells


def _cut_cells(
    cells: np.ndarray, graph: ShelterGraph, site_piece: np.ndarray, which: np.ndarray, max_offset_m: float
) -> np.ndarray:
    """The cells of the sites ``which``, each cut to within max_offset_m of its site's street piece."""
    import shapely

    piece_ids, piece_inv = np.unique(site_piece[which], return_inverse=True)
    corridor = shapely.buffer(graph.piece_geometry[piece_ids], max_offset_m, quad_segs=4)
    return shapely.intersection(cells[which], corridor[piece_inv.ravel()])


def polygon_of_points(xy: np.ndarray, polygons: np.ndarray) -> np.ndarray:
    """Index of the polygon each point lies within (-1: none; NaN points: none).

    Equals the first hit of ``STRtree(polygons).query(points, predicate="within")`` for every point,
    but asks each polygon, prepared once, which points it contains (one prepared polygon instead of an
    unprepared test per point). Points within several polygons (overlaps) take the first hit of the
    per-point query, as before.
    """
    import shapely

    xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
    polygons = np.asarray(polygons, dtype=object).ravel()
    out = np.full(xy.shape[0], -1, dtype=np.int64)
    ok = np.flatnonzero(np.isfinite(xy).all(axis=1))
    if ok.size == 0 or polygons.size == 0:
        return out
    points = shapely.points(xy[ok])
    poly_idx, pt_idx = shapely.STRtree(points).query(polygons, predicate="contains")
    hits = np.bincount(pt_idx, minlength=ok.size)
    single = hits[pt_idx] == 1
    out[ok[pt_idx[single]]] = poly_idx[single]
    several = np.flatnonzero(hits > 1)
    if several.size:
        sub_pt, sub_poly = shapely.STRtree(polygons).query(points[several], predicate="within")
        first = np.unique(sub_pt, return_index=True)[1]
        out[ok[several[sub_pt[first]]]] = sub_poly[first]
    return out
