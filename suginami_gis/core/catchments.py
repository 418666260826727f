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
   cells are dissolved per label (shapely.union_all). The cells of one label on one street piece
   share that piece's corridor, and cutting distributes over union, so they are merged first
   (shapely.coverage_union_all: Voronoi cells tile the plane, their union needs no overlay) and cut
   once; only the cut pieces of a label go to the general union.
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
    out_label, out_geom = _dissolve(graph, pts_xy, site_piece, label, inside, max_offset_m, feedback)
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


def _dissolve(
    graph: ShelterGraph,
    pts_xy: np.ndarray,
    site_piece: np.ndarray,
    label: np.ndarray,
    inside: np.ndarray,
    max_offset_m: float,
    feedback: Feedback,
) -> tuple[list[int], list]:
    """The union per label of the cells of the sites ``inside``, each cut to within ``max_offset_m`` of
    its site's street piece; the labels with a non-empty union and those unions.

    The union of the cut cells of a label is the union over its street pieces of (the union of the label's
    cells on the piece) cut by the piece's corridor. The cells on a piece are merged as a coverage, cut
    once, and the label's pieces go to shapely.union_all: on the ward this halves the work of cutting and
    dissolving every cell (the areas agree to 1e-15).
    """
    import shapely

    cells = _cells(pts_xy, max_offset_m)
    order = np.lexsort((site_piece[inside], label[inside]))
    site = inside[order]
    group_label, group_piece = label[site], site_piece[site]
    first = np.r_[True, (group_label[1:] != group_label[:-1]) | (group_piece[1:] != group_piece[:-1])]
    starts = np.flatnonzero(first)
    merged = _merge_cells(cells, site, starts, feedback)
    feedback.set_progress(60)
    pieces, piece_of_group = np.unique(group_piece[starts], return_inverse=True)
    corridor = shapely.buffer(graph.piece_geometry[pieces], max_offset_m, quad_segs=4)
    cut = shapely.intersection(merged, corridor[piece_of_group.ravel()])
    feedback.set_progress(70)
    labels_of_group = group_label[starts]
    labels, label_start = np.unique(labels_of_group, return_index=True)
    bounds = np.r_[label_start, starts.size]
    out_label, out_geom = [], []
    for i, lab in enumerate(labels):
        check_canceled(feedback)
        geom = shapely.union_all(cut[bounds[i] : bounds[i + 1]])
        if not geom.is_empty:
            out_label.append(int(lab))
            out_geom.append(geom)
        feedback.set_progress(70 + 30 * (i + 1) / labels.size)
    return out_label, out_geom


def _merge_cells(cells: np.ndarray, site: np.ndarray, starts: np.ndarray, feedback: Feedback) -> np.ndarray:
    """The union of ``cells[site[a:b]]`` for each group [a, b) of ``starts`` (groups of one label and piece).

    Voronoi cells share their edges vertex for vertex, so coverage_union_all merges them without an overlay.
    Cells that overlap are not a coverage (coverage_union_all then returns an invalid geometry): such a
    group takes the general union instead.
    """
    import shapely

    group_cells = cells[site]
    bounds = np.r_[starts, site.size]
    merged = np.empty(starts.size, dtype=object)
    sizes = np.diff(bounds)
    merged[sizes == 1] = group_cells[starts[sizes == 1]]
    several = np.flatnonzero(sizes > 1)
    for n, i in enumerate(several):
        if n % 1000 == 0:
            check_canceled(feedback)
        merged[i] = shapely.coverage_union_all(group_cells[bounds[i] : bounds[i + 1]])
    for i in several[~shapely.is_valid(merged[several])]:
        merged[i] = shapely.union_all(group_cells[bounds[i] : bounds[i + 1]])
    return merged


def _cells(pts_xy: np.ndarray, max_offset_m: float) -> np.ndarray:
    """The Voronoi cell of every site; inside memo.shared() (the scenario's two runs on the same open
    streets) the diagram is made once: it depends on the streets only, not on the costs that label it."""
    return memo.cached(
        "service area cells", (pts_xy, float(max_offset_m)), lambda: _voronoi_cells(pts_xy, max_offset_m)
    )


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
