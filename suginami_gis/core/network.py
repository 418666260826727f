"""Walking street network: a compact edge table and a sparse graph built from lines or an OSM file.

Lines are noded the way QGIS's network analysis (QgsVectorLayerDirector + QgsGraphBuilder) does
it: every vertex is a potential graph vertex, vertices closer than the snap tolerance become one
node, and lines are connected where they share a (snapped) vertex. Runs of vertices between
junctions are kept together as one edge (a "compact" table), which does not change any path
length. Two additions, both documented in docs/methods/routing.md: a dangling line end within
the tolerance of another line's interior is joined to it (a T-junction), and crossings without a
shared vertex are noded only on request (``node_crossings``), because in OpenStreetMap-style data
they are bridges and tunnels.

Street widths come from a field, from OSM tags (``width=*``, ``est_width=*``, the imported Yahoo!
Japan ``yh:WIDTH`` class, e.g. ``3.0m〜5.5m``, or ``lanes=*``) or are estimated from the building
footprints on both sides of the centreline, capped by road class
(:func:`estimate_width_from_buildings`); estimated widths are flagged.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from . import memo
from .errors import InputError
from .feedback import Feedback, NullFeedback, check_canceled

log = logging.getLogger(__name__)

# Suginami (and all of Tokyo's 23 wards) lies in JGD2011 / Japan Plane Rectangular CS IX.
DEFAULT_METRIC_CRS = "EPSG:6677"

# Minimum width of a "road" under the Building Standards Act (建築基準法) Article 42: 4 m.
# Used for a street whose width is neither given nor estimable and which has no highway class.
BUILDING_STANDARDS_ACT_ROAD_WIDTH_M = 4.0

# Fallback widths [m] by OSM highway class when neither a tag nor buildings give a width.
# These are planning assumptions of this project (typical Tokyo cross-sections), not published
# values: supply a width field or building footprints wherever it matters.
ASSUMED_WIDTH_BY_HIGHWAY_M = {
    "footway": 2.0,
    "path": 2.0,
    "steps": 2.0,
    "pedestrian": 4.0,
    "cycleway": 2.0,
    "track": 3.0,
    "service": BUILDING_STANDARDS_ACT_ROAD_WIDTH_M,
    "living_street": BUILDING_STANDARDS_ACT_ROAD_WIDTH_M,
    "residential": BUILDING_STANDARDS_ACT_ROAD_WIDTH_M,
    "unclassified": BUILDING_STANDARDS_ACT_ROAD_WIDTH_M,
    "tertiary": 8.0,
    "tertiary_link": 8.0,
    "secondary": 11.0,
    "secondary_link": 11.0,
    "primary": 16.0,
    "primary_link": 16.0,
    "trunk": 20.0,
    "trunk_link": 20.0,
}

# Width estimation from building footprints (see estimate_width_from_buildings; docs/methods/routing.md).
WIDTH_SAMPLE_SPACING_M = 5.0  # one cross-section every 5 m along the centreline
WIDTH_WINDOW_M = 8.0  # each cross-section sees the nearest facade within +-4 m along the street (gaps between houses)
WIDTH_SEARCH_HALF_M = 15.0  # look for a facade up to 15 m either side (streets up to 30 m wide)
WIDTH_END_MARGIN_M = 3.0  # skip cross-sections this close to a junction (they see the crossing street)
WIDTH_MIN_FACADE_M = 0.5  # a facade closer than this means the centreline runs through a footprint
WIDTH_QUANTILE = 0.25  # the segment's width: this quantile of its cross-sections (narrow points matter)
# Distance [m] from the road edge to the facade on each side (front gardens, parking, eaves offset). FITTED
# on the Nerima extract: the median (facade-to-facade - tagged width) / 2 of the tagged segments with an even
# OSM way id (the tuning half); the odd half is held out and its error is the one reported
# (docs/methods/routing.md, scripts/validate_widths.py). No published value was found for Tokyo.
WIDTH_SETBACK_M = 1.4
WIDTH_MIN_M = 1.0  # an estimate is never narrower than a footpath

# Upper bound [m] of a footprint estimate by OSM highway class: the widest cross-section the Road Structure
# Ordinance (道路構造令, Cabinet Order 320 of 1970) gives an urban (class 4) road of that rank. Art. 5: lane
# 3.0 m (class 4 grades 2-3), 3.25 m (grade 1); Art. 5(5): a road without lanes (class 4 grade 4) has a 4 m
# carriageway; Art. 8: shoulders 0.5 m; Art. 11: sidewalks 3.5 m with heavy pedestrian traffic, else 2 m.
# The rank of each OSM class follows the Japanese OSM road conventions (JA:Road in Japan: tertiary = major
# municipal road, unclassified = other public roads, residential / living_street = local access roads).
_SHOULDERS_M = 2 * 0.5
WIDTH_CAP_BY_HIGHWAY_M = {
    "footway": 3.5,  # a sidewalk with heavy pedestrian traffic (Art. 11)
    "path": 3.5,
    "steps": 3.5,
    "cycleway": 3.5,
    "pedestrian": 4.0 + _SHOULDERS_M,
    "track": 4.0 + _SHOULDERS_M,
    "service": 4.0 + _SHOULDERS_M,  # one-lane road (Art. 5(5)) with shoulders
    "living_street": 4.0 + _SHOULDERS_M,
    "residential": 4.0 + _SHOULDERS_M,
    "unclassified": 2 * 3.0 + _SHOULDERS_M,  # two 3.0 m lanes, no sidewalk
    "tertiary": 2 * 3.0 + _SHOULDERS_M + 2 * 2.0,  # two lanes and 2 m sidewalks
    "tertiary_link": 2 * 3.0 + _SHOULDERS_M + 2 * 2.0,
    "secondary": 2 * 3.25 + _SHOULDERS_M + 2 * 3.5,  # two 3.25 m lanes and 3.5 m sidewalks
    "secondary_link": 2 * 3.25 + _SHOULDERS_M + 2 * 3.5,
    "primary": 4 * 3.25 + _SHOULDERS_M + 2 * 3.5,  # four lanes
    "primary_link": 4 * 3.25 + _SHOULDERS_M + 2 * 3.5,
    "trunk": 6 * 3.25 + _SHOULDERS_M + 2 * 3.5,  # six lanes
    "trunk_link": 6 * 3.25 + _SHOULDERS_M + 2 * 3.5,
}
WIDTH_CAP_DEFAULT_M = 2 * 3.0 + _SHOULDERS_M  # a street without a class: as unclassified
# OSM lanes=* without a width: lanes x 3.0 m (Art. 5, class 4 grades 2-3) + shoulders (Art. 8); estimated.
LANE_WIDTH_M = 3.0

# OSM "walk" network: the exclusions of osmnx's own walking filter (osmnx._overpass, network_type
# "walk"), applied to the ways read from an .osm file (graph_from_xml does not filter).
OSM_WALK_EXCLUDE = {
    "highway": r"abandoned|bus_guideway|construction|cycleway|motor|no|planned|platform|proposed|raceway|razed|"
    r"rest_area|services",
    "area": r"yes",
    "access": r"private",
    "foot": r"no",
    "service": r"private",
    "sidewalk": r"separate",
    "sidewalk:both": r"separate",
    "sidewalk:left": r"separate",
    "sidewalk:right": r"separate",
}
OSM_WAY_TAGS = ("highway", "width", "est_width", "yh:WIDTH", "lanes", "name", *OSM_WALK_EXCLUDE)


@dataclass
class StreetNetwork:
    """Undirected walking network. Edge ``i`` runs from node ``u[i]`` to ``v[i]`` along ``geometry[i]``."""

    node_xy: np.ndarray  # (n_nodes, 2) float64, metres
    u: np.ndarray  # (n_edges,) int64
    v: np.ndarray  # (n_edges,) int64
    length: np.ndarray  # (n_edges,) float64, planar length in metres
    geometry: np.ndarray  # (n_edges,) object array of shapely LineStrings oriented u -> v
    width: np.ndarray  # (n_edges,) float64, metres; NaN = unknown
    width_estimated: np.ndarray  # (n_edges,) bool: width not taken from a field or an OSM width tag
    source_index: np.ndarray  # (n_edges,) int64: input feature (lines) or OSM way id (first one)
    highway: np.ndarray | None = None  # (n_edges,) object array of highway classes, or None
    crs: str | None = None
    n_unnoded_crossings: int = 0  # crossings of two lines without a shared vertex (not connected)
    # (n_edges,) object: field|osm_width|yh_width|osm_lanes|buildings|highway|default
    width_source: np.ndarray | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def n_nodes(self) -> int:
        return int(self.node_xy.shape[0])

    def copy(self) -> StreetNetwork:
        """A copy whose arrays may be changed (fill_widths changes widths in place); geometries are shared."""
        return dataclasses.replace(
            self,
            **{
                f.name: getattr(self, f.name).copy()
                for f in dataclasses.fields(self)
                if isinstance(getattr(self, f.name), np.ndarray | dict)
            },
        )

    @property
    def n_edges(self) -> int:
        return int(self.u.shape[0])

    def csr(self, weight: np.ndarray | None = None):
        """Symmetric scipy.sparse CSR adjacency; parallel edges keep their smallest weight; no self-loops.

        ``weight`` defaults to the length; infinite weights (closed edges) are left out.
        """
        w = self.length if weight is None else np.asarray(weight, dtype=np.float64)
        return csr_from_edges(self.u, self.v, w, self.n_nodes)[0]

    def components(self) -> np.ndarray:
        """Connected-component label of every node (scipy.sparse.csgraph.connected_components)."""
        from scipy.sparse.csgraph import connected_components

        return connected_components(self.csr(), directed=False)[1]


def csr_from_edges(u: np.ndarray, v: np.ndarray, weight: np.ndarray, n_nodes: int, min_weight: float = 1e-9):
    """Symmetric CSR matrix from undirected edges, and for every stored arc the edge it came from.

    Parallel edges between the same pair keep the smallest weight (a sparse matrix would sum them);
    self-loops and infinite weights are dropped; weights are floored at ``min_weight`` because scipy's
    csgraph treats a stored zero as a missing arc.
    Returns (csr_matrix, arc_edge) where arc_edge[k] is the edge behind csr.data[k].
    """
    return SortedArcs.of(u, v, weight, n_nodes, min_weight).csr()


@dataclass
class SortedArcs:
    """The arcs of csr_from_edges sorted once by (row, column, weight, edge).

    Many matrices of the same edges with some of them left out (the Monte Carlo realizations of blocked
    streets) then need no sort: leaving arcs out of a sorted list keeps it sorted, so ``csr(open_edge)``
    gives exactly the matrix csr_from_edges gives for the weights with the closed edges infinite.
    """

    row: np.ndarray
    col: np.ndarray
    weight: np.ndarray
    edge: np.ndarray
    n_nodes: int

    @classmethod
    def of(cls, u: np.ndarray, v: np.ndarray, weight: np.ndarray, n_nodes: int, min_weight: float = 1e-9) -> SortedArcs:
        u = np.asarray(u, dtype=np.int64)
        v = np.asarray(v, dtype=np.int64)
        w = np.asarray(weight, dtype=np.float64)
        keep = (u != v) & np.isfinite(w)
        idx = np.flatnonzero(keep)
        a = np.concatenate([u[idx], v[idx]])
        b = np.concatenate([v[idx], u[idx]])
        ww = np.maximum(np.concatenate([w[idx], w[idx]]), min_weight)
        edge = np.concatenate([idx, idx])
        order = np.lexsort((edge, ww, b, a))
        return cls(a[order], b[order], ww[order], edge[order], int(n_nodes))

    def csr(self, open_edge: np.ndarray | None = None):
        """(csr_matrix, arc_edge) of the edges with ``open_edge`` True (all without it); per pair the cheapest arc."""
        from scipy.sparse import csr_matrix

        a, b, ww, edge = self.row, self.col, self.weight, self.edge
        if open_edge is not None:
            kept = np.flatnonzero(open_edge[edge])
            a, b, ww, edge = a[kept], b[kept], ww[kept], edge[kept]
        # keep the first (cheapest) arc of each (row, column) pair
        first = np.ones(a.shape[0], dtype=bool)
        first[1:] = (a[1:] != a[:-1]) | (b[1:] != b[:-1])
        a, b, ww, edge = a[first], b[first], ww[first], edge[first]
        indptr = np.zeros(self.n_nodes + 1, dtype=np.int64)
        np.cumsum(np.bincount(a, minlength=self.n_nodes), out=indptr[1:])
        mat = csr_matrix((ww, b, indptr), shape=(self.n_nodes, self.n_nodes))
        return mat, edge


def check_metric_crs(crs: Any, parameter: str) -> None:
    """Raise InputError if ``crs`` (anything pyproj understands, or None) is geographic or not in metres."""
    if crs is None or crs == "":
        return
    from pyproj import CRS

    try:
        parsed = CRS.from_user_input(crs)
    except Exception as exc:  # pyproj raises CRSError, but any failure means the same to the user
        raise InputError(f"cannot read the layer's CRS ({exc})", parameter) from exc
    if parsed.is_geographic:
        raise InputError(
            f"the layer is in a geographic CRS ({parsed.name}); distances must be in metres: reproject it to a "
            f"projected metric CRS, for Suginami JGD2011 / Japan Plane Rectangular CS IX ({DEFAULT_METRIC_CRS})",
            parameter,
        )
    units = {axis.unit_name for axis in parsed.axis_info}
    if units and not units <= {"metre", "meter", "m"}:
        raise InputError(
            f"the layer's CRS ({parsed.name}) is not in metres ({', '.join(sorted(units))}); reproject it to "
            f"{DEFAULT_METRIC_CRS} or another metric CRS",
            parameter,
        )


# --------------------------------------------------------------------------------------------
# OSM width tags


_NUMBER = r"(\d+(?:[.,]\d+)?)"


def parse_osm_width(value: Any) -> float:
    """Width in metres from an OSM ``width=*``/``est_width=*`` value ("4", "4.5 m", "3,5", "12'"); NaN if unreadable.

    Several values ("4;6") give the first; a range ("3-5", "3.0m〜5.5m") gives its middle; feet (') and
    inches (") are converted.
    """
    if value is None:
        return math.nan
    if isinstance(value, list | tuple):
        return parse_osm_width(value[0]) if value else math.nan
    text = str(value).strip().lower().split(";")[0].strip()
    feet = re.fullmatch(rf"{_NUMBER}\s*'(?:\s*{_NUMBER}\s*\")?", text)
    if feet:
        inches = float(feet.group(2).replace(",", ".")) if feet.group(2) else 0.0
        return float(feet.group(1).replace(",", ".")) * 0.3048 + inches * 0.0254
    span = re.fullmatch(rf"{_NUMBER}\s*(?:m\s*)?[-〜～~]\s*{_NUMBER}\s*(m|metres|meters)?", text)
    if span:  # a range ("3-5", "3.0m〜5.5m"): its middle, as for the yh:WIDTH classes
        low, high = (float(span.group(k).replace(",", ".")) for k in (1, 2))
        return (low + high) / 2.0 if 0 < low <= high else math.nan
    metres = re.fullmatch(rf"{_NUMBER}\s*(m|metres|meters)?", text)
    if metres:
        width = float(metres.group(1).replace(",", "."))
        return width if width > 0 else math.nan
    return math.nan


def parse_yh_width(value: Any) -> float:
    """Width in metres from a Yahoo! Japan import class ``yh:WIDTH`` (e.g. "3.0m〜5.5m").

    The tag gives a class, not a width. The value taken is the middle of the class: "a〜b" -> (a+b)/2
    (3.0m〜5.5m -> 4.25 m); "a以上" (a or more) -> a; "a未満" (less than a) -> a/2. These classes
    are the Japanese digital road map width ranks (1.5 / 3.0 / 5.5 / 13.0 m), so the middle value
    falls in the same Tokyo 2022 blockage width class as most of the range, except that
    "3.0m〜5.5m" straddles the 3.5 m boundary and is put in the 3.5-5.5 m class.
    """
    if value is None:
        return math.nan
    if isinstance(value, list | tuple):
        return parse_yh_width(value[0]) if value else math.nan
    text = str(value).strip().replace("ｍ", "m").replace("．", ".")
    numbers = [float(x.replace(",", ".")) for x in re.findall(_NUMBER, text)]
    if len(numbers) >= 2 and re.search(r"[〜～~\-ー―]", text):
        return (numbers[0] + numbers[1]) / 2.0
    if len(numbers) == 1:
        if "以上" in text:
            return numbers[0]
        if "未満" in text or "以下" in text:
            return numbers[0] / 2.0
        return numbers[0]
    return math.nan


def assumed_width(highway: Any) -> float:
    """Fallback width [m] for a highway class (ASSUMED_WIDTH_BY_HIGHWAY_M), else the Building Standards Act 4 m."""
    if isinstance(highway, list | tuple):
        highway = highway[0] if highway else None
    return ASSUMED_WIDTH_BY_HIGHWAY_M.get(str(highway), BUILDING_STANDARDS_ACT_ROAD_WIDTH_M)


# --------------------------------------------------------------------------------------------
# noding


def _cumulative_along(x: np.ndarray, y: np.ndarray, part: np.ndarray) -> np.ndarray:
    """Distance of every vertex from the start of its part."""
    step = np.zeros(x.shape[0])
    if x.shape[0] > 1:
        step[1:] = np.hypot(np.diff(x), np.diff(y))
        step[1:][part[1:] != part[:-1]] = 0.0
    total = np.cumsum(step)
    starts = np.flatnonzero(np.r_[True, part[1:] != part[:-1]])
    offsets = np.repeat(total[starts], np.diff(np.r_[starts, x.shape[0]]))
    return total - offsets


def _snap_vertices(coords: np.ndarray, tolerance: float) -> tuple[np.ndarray, np.ndarray]:
    """Node id of every vertex and node coordinates; vertices within ``tolerance`` share a node.

    Clusters are single-linkage (chains of close vertices merge); each node keeps the coordinate of
    its first vertex in input order, as QgsGraphBuilder keeps the first vertex it met.
    """
    if tolerance <= 0:
        _, first, inverse = np.unique(coords, axis=0, return_index=True, return_inverse=True)
        labels = inverse.ravel()
    else:
        from scipy.sparse import coo_matrix
        from scipy.sparse.csgraph import connected_components
        from scipy.spatial import cKDTree

        pairs = cKDTree(coords).query_pairs(tolerance, output_type="ndarray")
        n = coords.shape[0]
        graph = coo_matrix((np.ones(pairs.shape[0]), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
        labels = connected_components(graph, directed=False)[1]
        _, first = np.unique(labels, return_index=True)
    # renumber nodes in order of first appearance so ids do not depend on coordinate sorting
    order = np.argsort(first, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(order.shape[0])
    node = rank[labels]
    node_xy = coords[np.sort(first)]
    return node.astype(np.int64), node_xy


def build_network(
    lines: Sequence[Any] | np.ndarray,
    *,
    snap_tolerance: float = 0.0,
    node_crossings: bool = False,
    width: np.ndarray | Sequence[float] | None = None,
    highway: np.ndarray | Sequence[Any] | None = None,
    crs: Any = None,
    parameter: str = "ROADS",
    feedback: Feedback | None = None,
) -> StreetNetwork:
    """Node shapely (Multi)LineStrings into a :class:`StreetNetwork`.

    ``width`` (metres, NaN/None = unknown) and ``highway`` are per input feature. Widths that are
    unknown stay NaN here: fill them with :func:`fill_widths`. Raises InputError for an empty
    layer, a geographic CRS, a negative tolerance or a layer whose lines cross without shared
    vertices so that no connected network forms ("unnoded").
    """
    import shapely

    feedback = feedback or NullFeedback()
    check_metric_crs(crs, parameter)
    if snap_tolerance < 0 or not np.isfinite(snap_tolerance):
        raise InputError("the snap tolerance must be zero or a positive distance in metres", "SNAP_TOLERANCE")
    geoms = np.asarray(lines, dtype=object).ravel()
    n_features = geoms.shape[0]
    parts, src = shapely.get_parts(geoms, return_index=True)
    is_line = shapely.get_type_id(parts) == 1
    parts, src = shapely.force_2d(parts[is_line]), src[is_line]
    if parts.shape[0] == 0:
        raise InputError("the road layer has no line features: choose a layer of street centrelines", parameter)
    coords, vpart = shapely.get_coordinates(parts, return_index=True)
    ok_xy = np.isfinite(coords).all(axis=1)
    coords, vpart = coords[ok_xy], vpart[ok_xy]
    check_canceled(feedback)

    node, node_xy = _snap_vertices(coords, float(snap_tolerance))
    feedback.set_progress(15)

    # drop consecutive repeats of a node (zero-length segments after snapping)
    keep = np.ones(node.shape[0], dtype=bool)
    keep[1:] = (node[1:] != node[:-1]) | (vpart[1:] != vpart[:-1])
    node, vpart = node[keep], vpart[keep]
    x, y = node_xy[node, 0], node_xy[node, 1]
    # parts left with fewer than two vertices disappear
    counts = np.bincount(vpart, minlength=parts.shape[0])
    good_part = counts >= 2
    keep = good_part[vpart]
    node, vpart, x, y = node[keep], vpart[keep], x[keep], y[keep]
    if node.shape[0] == 0:
        raise InputError("the road layer's lines all have zero length", parameter)
    along = _cumulative_along(x, y, vpart)
    snapped_parts = np.full(parts.shape[0], None, dtype=object)
    idx_parts, dense = np.unique(vpart, return_inverse=True)  # zero-length parts dropped above leave gaps
    snapped_parts[idx_parts] = shapely.linestrings(np.column_stack([x, y]), indices=dense)
    is_start = np.r_[True, vpart[1:] != vpart[:-1]]
    is_end = np.r_[vpart[1:] != vpart[:-1], True]
    node_count = np.bincount(node, minlength=node_xy.shape[0])
    check_canceled(feedback)

    # inserted vertices: (part, position along part, node, x, y)
    ins_part: list[np.ndarray] = []
    ins_pos: list[np.ndarray] = []
    ins_node: list[np.ndarray] = []
    tree = shapely.STRtree(snapped_parts[idx_parts])

    # T-junctions: a dangling end within the tolerance of another line's interior joins that line
    # (with node_crossings every line end touching another line's interior does, as in full noding)
    end_rows = np.flatnonzero((is_start | is_end) & ((node_count[node] == 1) | node_crossings))
    tol_eff = max(float(snap_tolerance), 1e-9)
    if end_rows.size:
        points = shapely.points(x[end_rows], y[end_rows])
        hit_pt, hit_tree = tree.query(points, predicate="dwithin", distance=tol_eff)
        hit_part = idx_parts[hit_tree]
        other = hit_part != vpart[end_rows[hit_pt]]
        hit_pt, hit_part = hit_pt[other], hit_part[other]
        if hit_pt.size:
            # not where the other line already has this node as a vertex (filtered before picking
            # the nearest, so an end shared by two lines still nodes a third line through it)
            n_total = node_xy.shape[0]
            fresh = ~np.isin(hit_part * n_total + node[end_rows[hit_pt]], np.unique(vpart * n_total + node))
            hit_pt, hit_part = hit_pt[fresh], hit_part[fresh]
        if hit_pt.size:
            d = shapely.distance(points[hit_pt], snapped_parts[hit_part])
            # the nearest other line only
            order = np.lexsort((hit_part, d, hit_pt))
            hit_pt, hit_part = hit_pt[order], hit_part[order]
            first = np.r_[True, hit_pt[1:] != hit_pt[:-1]]
            hit_pt, hit_part = hit_pt[first], hit_part[first]
            rows = end_rows[hit_pt]
            pos = shapely.line_locate_point(snapped_parts[hit_part], points[hit_pt])
            length = shapely.length(snapped_parts[hit_part])
            interior = (pos > 0) & (pos < length)
            ins_part.append(hit_part[interior])
            ins_pos.append(pos[interior])
            ins_node.append(node[rows][interior])
    feedback.set_progress(30)

    # crossings without a shared vertex: counted, and noded on request
    left, right = crossing_pairs(tree, snapped_parts[idx_parts])
    pair = left < right
    left, right = idx_parts[left[pair]], idx_parts[right[pair]]
    n_unnoded = 0
    new_xy: list[np.ndarray] = []
    if left.size:
        from scipy.spatial import cKDTree

        inter = shapely.intersection(snapped_parts[left], snapped_parts[right])
        pts, pair_idx = shapely.get_parts(inter, return_index=True)
        pts_ok = shapely.get_type_id(pts) == 0
        pxy, pair_idx = shapely.get_coordinates(pts[pts_ok]), pair_idx[pts_ok]
        if pxy.shape[0]:
            dist, near = cKDTree(node_xy).query(pxy)
            existing = dist <= tol_eff
            n_total = node_xy.shape[0]
            vertex_key = np.unique(vpart * n_total + node)
            pl, pr = left[pair_idx], right[pair_idx]
            has_l = existing & np.isin(pl * n_total + near, vertex_key)
            has_r = existing & np.isin(pr * n_total + near, vertex_key)
            unnoded = ~(has_l & has_r)
            if unnoded.any():
                n_unnoded = int(np.unique(pxy[unnoded], axis=0).shape[0])
            if node_crossings and unnoded.any():
                fresh = unnoded & ~existing
                ids = near.astype(np.int64).copy()
                if fresh.any():
                    uniq_xy, inverse = np.unique(pxy[fresh], axis=0, return_inverse=True)
                    ids[fresh] = n_total + inverse.ravel()
                    new_xy.append(uniq_xy)
                for part_side, has in ((pl, has_l), (pr, has_r)):
                    sel = unnoded & ~has
                    ins_part.append(part_side[sel])
                    ins_pos.append(shapely.line_locate_point(snapped_parts[part_side[sel]], pts[pts_ok][sel]))
                    ins_node.append(ids[sel])
    if new_xy:
        node_xy = np.vstack([node_xy, *new_xy])
    feedback.set_progress(45)
    check_canceled(feedback)

    junction = is_start | is_end | (node_count[node] >= 2)
    if ins_part:
        p = np.concatenate(ins_part)
        pos = np.concatenate(ins_pos)
        nd = np.concatenate(ins_node)
        # one insertion per (part, position)
        _, uniq = np.unique(np.column_stack([p, pos]), axis=0, return_index=True)
        p, pos, nd = p[uniq], pos[uniq], nd[uniq]
        vpart = np.concatenate([vpart, p])
        along = np.concatenate([along, pos])
        node = np.concatenate([node, nd])
        x = np.concatenate([x, node_xy[nd, 0]])
        y = np.concatenate([y, node_xy[nd, 1]])
        junction = np.concatenate([junction, np.ones(p.shape[0], dtype=bool)])
        order = np.lexsort((along, vpart))
        vpart, along, node, x, y, junction = (a[order] for a in (vpart, along, node, x, y, junction))
        # an inserted T-junction node makes the dangling end a junction too (it was already one)
        node_count = np.bincount(node, minlength=node_xy.shape[0])
        is_start = np.r_[True, vpart[1:] != vpart[:-1]]
        is_end = np.r_[vpart[1:] != vpart[:-1], True]
        junction |= node_count[node] >= 2

    edges_xy, edge_id, first_row, last_row = _cut_at_junctions(x, y, junction, is_start, is_end)
    geometry = shapely.linestrings(edges_xy, indices=edge_id)
    u = node[first_row]
    v = node[last_row]
    edge_part = vpart[first_row]
    edge_src = src[edge_part].astype(np.int64)
    length = shapely.length(geometry)
    feedback.set_progress(70)

    # drop nodes no edge uses and renumber
    used = np.zeros(node_xy.shape[0], dtype=bool)
    used[u] = True
    used[v] = True
    new_id = np.cumsum(used) - 1
    node_xy = node_xy[used]
    u, v = new_id[u], new_id[v]

    widths = np.full(edge_src.shape[0], np.nan)
    width_source = np.full(edge_src.shape[0], None, dtype=object)
    if width is not None:
        w = np.asarray([np.nan if a is None else float(a) for a in np.asarray(width, dtype=object).ravel()])
        if w.shape[0] != n_features:
            raise InputError("one width per road feature is needed", "WIDTH_FIELD")
        widths = w[edge_src]
        widths[~(widths > 0)] = np.nan
        width_source[np.isfinite(widths)] = "field"
    hw = None
    if highway is not None:
        hw_all = np.asarray(highway, dtype=object).ravel()
        if hw_all.shape[0] != n_features:
            raise InputError("one highway class per road feature is needed", "HIGHWAY_FIELD")
        hw = hw_all[edge_src]

    net = StreetNetwork(
        node_xy=node_xy,
        u=u.astype(np.int64),
        v=v.astype(np.int64),
        length=length,
        geometry=geometry,
        width=widths,
        width_estimated=np.zeros(edge_src.shape[0], dtype=bool),
        source_index=edge_src,
        highway=hw,
        crs=None if crs is None else str(crs),
        n_unnoded_crossings=0 if node_crossings else n_unnoded,
        width_source=width_source,
    )
    _check_noded(net, n_unnoded, node_crossings, parameter)
    feedback.set_progress(100)
    return net


# Shewchuk's (1997) error bound of the floating-point orientation determinant is (3 + 16 eps) eps times the
# sum of its two products' magnitudes (eps = 2**-53, about 3.3e-16); a sign beyond 1e-12 times that sum is
# certain with a wide margin.
_ORIENTATION_CERTAIN = 1e-12


def _orientation(ax, ay, bx, by, cx, cy) -> tuple[np.ndarray, np.ndarray]:
    """Sign of the turn a -> b -> c (1 left, -1 right) and whether that sign is certain in floating point."""
    left = (ax - cx) * (by - cy)
    right = (ay - cy) * (bx - cx)
    det = left - right
    return np.sign(det), np.abs(det) > _ORIENTATION_CERTAIN * (np.abs(left) + np.abs(right))


def crossing_pairs(tree: Any, geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``tree.query(geoms, predicate="crosses")`` (the same pairs in the same order), for lines, faster.

    The candidates are the pairs whose boxes meet; a pair of straight two-point lines whose four
    orientation signs are certain crosses exactly when each line's ends lie on opposite sides of the
    other (a proper crossing: the interiors meet in one point), and never when the two share an end;
    numpy decides these for all pairs at once. Every other pair (longer lines, an end touching the
    other line's interior, collinear or zero-length lines, uncertain signs) is asked of GEOS.
    """
    import shapely

    left, right = tree.query(geoms)
    if left.size == 0:
        return left, right
    tree_geoms = tree.geometries
    a_geom, b_geom = geoms[left], tree_geoms[right]
    crosses = np.zeros(left.shape[0], dtype=bool)
    straight = (shapely.get_type_id(a_geom) == 1) & (shapely.get_type_id(b_geom) == 1)
    straight &= (shapely.get_num_coordinates(a_geom) == 2) & (shapely.get_num_coordinates(b_geom) == 2)
    decided = np.zeros(left.shape[0], dtype=bool)
    idx = np.flatnonzero(straight)
    if idx.size:
        a = shapely.get_coordinates(a_geom[idx]).reshape(-1, 2, 2)
        b = shapely.get_coordinates(b_geom[idx]).reshape(-1, 2, 2)
        a0x, a0y, a1x, a1y = a[:, 0, 0], a[:, 0, 1], a[:, 1, 0], a[:, 1, 1]
        b0x, b0y, b1x, b1y = b[:, 0, 0], b[:, 0, 1], b[:, 1, 0], b[:, 1, 1]
        s1, c1 = _orientation(a0x, a0y, a1x, a1y, b0x, b0y)
        s2, c2 = _orientation(a0x, a0y, a1x, a1y, b1x, b1y)
        s3, c3 = _orientation(b0x, b0y, b1x, b1y, a0x, a0y)
        s4, c4 = _orientation(b0x, b0y, b1x, b1y, a1x, a1y)
        certain = c1 & c2 & c3 & c4
        decided[idx[certain]] = True
        crosses[idx[certain]] = ((s1 != s2) & (s3 != s4))[certain]
        # two straight lines with a common end meet there (a boundary point of both) or overlap along
        # a stretch: their interiors never meet in a single point (neither needs GEOS)
        same = lambda px, py, qx, qy: (px == qx) & (py == qy)  # noqa: E731
        proper = ~same(a0x, a0y, a1x, a1y) & ~same(b0x, b0y, b1x, b1y)
        shared = same(a0x, a0y, b0x, b0y) | same(a0x, a0y, b1x, b1y) | same(a1x, a1y, b0x, b0y)
        shared |= same(a1x, a1y, b1x, b1y)
        decided[idx[proper & shared]] = True
    rest = np.flatnonzero(~decided)
    if rest.size:
        crosses[rest] = shapely.crosses(a_geom[rest], b_geom[rest])
    return left[crosses], right[crosses]


def _cut_at_junctions(x, y, junction, is_start, is_end):
    """Split vertex runs at junction vertices. Returns coordinates (repeated at interior junctions) with edge ids."""
    interior_junction = junction & ~is_start & ~is_end
    rep = 1 + interior_junction.astype(np.int64)
    rows = np.repeat(np.arange(x.shape[0]), rep)
    second_copy = np.zeros(rows.shape[0], dtype=bool)
    dup_pos = np.flatnonzero(rep[rows] == 2)
    # of each duplicated pair, the second starts the next edge
    second_copy[dup_pos[1::2]] = True
    starts = is_start[rows] & np.r_[True, rows[1:] != rows[:-1]]
    edge_start = starts | second_copy
    edge_id = np.cumsum(edge_start) - 1
    first_row = rows[np.flatnonzero(edge_start)]
    last_idx = np.r_[np.flatnonzero(edge_start)[1:] - 1, rows.shape[0] - 1]
    last_row = rows[last_idx]
    return np.column_stack([x[rows], y[rows]]), edge_id, first_row, last_row


def _check_noded(net: StreetNetwork, n_unnoded: int, node_crossings: bool, parameter: str) -> None:
    """An "unnoded" layer: its lines cross without shared vertices and no connected network forms."""
    if n_unnoded == 0 or node_crossings or net.n_edges < 2:
        return
    labels = net.components()
    edge_comp = labels[net.u]
    comp_length = np.bincount(edge_comp, weights=net.length)
    if comp_length.max() < 0.5 * net.length.sum():
        raise InputError(
            f"the road lines cross {n_unnoded} times without a shared vertex, so they do not form a connected "
            f"network (the largest connected part holds {100 * comp_length.max() / net.length.sum():.0f} % of the "
            "length): node the layer first (e.g. QGIS 'Split with lines' or GRASS v.clean), raise SNAP_TOLERANCE, "
            "or let the tool node crossings",
            parameter,
        )


# --------------------------------------------------------------------------------------------
# widths


def estimate_width_from_buildings(
    geometry: np.ndarray,
    buildings: Sequence[Any] | np.ndarray,
    *,
    highway: np.ndarray | Sequence[Any] | None = None,
    spacing_m: float = WIDTH_SAMPLE_SPACING_M,
    search_half_m: float = WIDTH_SEARCH_HALF_M,
    feedback: Feedback | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Street width [m] from the facades on both sides of each centreline; NaN where none is found.

    Method: cross-sections every ``spacing_m`` along the centreline (at least one, at the middle; none
    within WIDTH_END_MARGIN_M of either end unless the edge is short). At each one, on each side, the
    facade distance is the distance, measured perpendicular to the centreline, to the nearest building
    footprint within a strip WIDTH_WINDOW_M long along the street and ``search_half_m`` deep (so a gap
    between two houses does not make the street look wide). A cross-section with no building on one
    side, or whose point lies inside a footprint (closer than WIDTH_MIN_FACADE_M), is not used. The
    segment's open space is the WIDTH_QUANTILE quantile of left + right over its cross-sections; the
    road width is that minus WIDTH_SETBACK_M on each side, at least WIDTH_MIN_M and at most the cap of
    its highway class (WIDTH_CAP_BY_HIGHWAY_M; WIDTH_CAP_DEFAULT_M without a class).
    Returns (width, n_cross_sections_used).
    """
    import shapely

    feedback = feedback or NullFeedback()
    geometry = np.asarray(geometry, dtype=object)
    n = geometry.shape[0]
    width = np.full(n, np.nan)
    bld = np.asarray(buildings, dtype=object).ravel()
    bld = bld[~shapely.is_missing(bld) & ~shapely.is_empty(bld)]
    if n == 0 or bld.shape[0] == 0:
        return width, np.zeros(n, dtype=np.int64)
    edge_of, centre, tangent = _cross_sections(geometry, spacing_m)
    check_canceled(feedback)
    tree = shapely.STRtree(bld)
    left = _facade_distance(tree, bld, centre, tangent, 1.0, search_half_m)
    check_canceled(feedback)
    right = _facade_distance(tree, bld, centre, tangent, -1.0, search_half_m)
    check_canceled(feedback)
    both = np.isfinite(left) & np.isfinite(right) & (left >= WIDTH_MIN_FACADE_M) & (right >= WIDTH_MIN_FACADE_M)
    open_space = _quantile_by_group(np.where(both, left + right, np.nan), edge_of, n, WIDTH_QUANTILE)
    used = np.bincount(edge_of[both], minlength=n)
    width = np.maximum(open_space - 2.0 * WIDTH_SETBACK_M, WIDTH_MIN_M)
    cap = np.full(n, WIDTH_CAP_DEFAULT_M)
    if highway is not None:
        cap = np.array([width_cap(h) for h in np.asarray(highway, dtype=object).ravel()], dtype=np.float64)
    width = np.where(np.isfinite(open_space), np.minimum(width, cap), np.nan)
    return width, used


def width_cap(highway: Any) -> float:
    """Largest footprint-estimated width [m] of a highway class (WIDTH_CAP_BY_HIGHWAY_M, Road Structure Ordinance)."""
    if isinstance(highway, list | tuple):
        highway = highway[0] if highway else None
    return WIDTH_CAP_BY_HIGHWAY_M.get(str(highway), WIDTH_CAP_DEFAULT_M)


def _cross_sections(geometry: np.ndarray, spacing_m: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Edge index, point and unit tangent of every cross-section (see estimate_width_from_buildings)."""
    import shapely

    lengths = shapely.length(geometry)
    usable = np.maximum(lengths - 2 * WIDTH_END_MARGIN_M, 0.0)
    n_samples = np.maximum(1, np.floor(usable / spacing_m).astype(np.int64))
    edge_of = np.repeat(np.arange(geometry.shape[0]), n_samples)
    k = np.arange(edge_of.shape[0]) - np.repeat(np.cumsum(n_samples) - n_samples, n_samples)
    margin = (lengths - usable) / 2.0
    pos = margin[edge_of] + (k + 0.5) * usable[edge_of] / n_samples[edge_of]
    pos = np.where(usable[edge_of] > 0, pos, lengths[edge_of] / 2.0)
    g = geometry[edge_of]
    length = lengths[edge_of]
    centre = shapely.get_coordinates(shapely.line_interpolate_point(g, pos))
    delta = np.minimum(1.0, length / 4.0)
    ahead = shapely.get_coordinates(shapely.line_interpolate_point(g, np.minimum(pos + delta, length)))
    behind = shapely.get_coordinates(shapely.line_interpolate_point(g, np.maximum(pos - delta, 0.0)))
    tangent = ahead - behind
    norm = np.hypot(tangent[:, 0], tangent[:, 1])
    norm[norm == 0] = 1.0
    return edge_of, centre, tangent / norm[:, None]


def _facade_distance(tree, bld, centre, tangent, sign: float, search_half_m: float) -> np.ndarray:
    """Perpendicular distance from each cross-section's tangent line to the nearest footprint in its strip on one side."""
    import shapely

    normal = sign * np.column_stack([-tangent[:, 1], tangent[:, 0]])
    p1 = centre - tangent * WIDTH_WINDOW_M / 2.0
    p2 = centre + tangent * WIDTH_WINDOW_M / 2.0
    ring = np.stack([p1, p2, p2 + search_half_m * normal, p1 + search_half_m * normal, p1], axis=1)
    strips = shapely.polygons(ring)
    base = shapely.linestrings(np.stack([p1, p2], axis=1))
    dist = np.full(centre.shape[0], np.inf)
    strip_idx, bld_idx = tree.query(strips, predicate="intersects")
    if strip_idx.size == 0:
        return dist
    # Only the nearest facade counts, and the distance to a whole footprint is a lower bound of the
    # distance to its part inside the strip: clip first the footprint with the lowest bound, then only
    # those whose bound is below the best clipped distance so far. The minimum is exactly the one over
    # every footprint, with a fraction of the polygon overlays (the slow part on a ward).
    bound = shapely.distance(base[strip_idx], bld[bld_idx])
    order = np.lexsort((bound, strip_idx))
    strip_idx, bld_idx, bound = strip_idx[order], bld_idx[order], bound[order]
    first = np.r_[True, strip_idx[1:] != strip_idx[:-1]]
    # A footprint on the base line itself is at distance 0 (such a cross-section is not used: WIDTH_MIN_FACADE_M).
    touching = first & (bound == 0.0)
    dist[strip_idx[touching]] = 0.0
    first &= ~touching
    for pairs in (first, ~first & ~touching):
        if pairs is not first:
            pairs &= bound < dist[strip_idx]
        s, b = strip_idx[pairs], bld_idx[pairs]
        inside = shapely.intersection(strips[s], bld[b])
        np.minimum.at(dist, s, shapely.distance(base[s], inside))
    return dist


def _quantile_by_group(values: np.ndarray, group: np.ndarray, n: int, q: float) -> np.ndarray:
    """The ``q`` quantile (linear interpolation, as numpy's default) of the finite values of every group; NaN if none."""
    ok = np.isfinite(values)
    values, group = values[ok], group[ok]
    out = np.full(n, np.nan)
    if values.size == 0:
        return out
    order = np.lexsort((values, group))
    values, group = values[order], group[order]
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    counts = np.diff(np.r_[starts, group.shape[0]])
    pos = starts + q * (counts - 1)
    lo = np.floor(pos).astype(np.int64)
    hi = np.ceil(pos).astype(np.int64)
    out[group[starts]] = values[lo] + (pos - lo) * (values[hi] - values[lo])
    return out


def fill_widths(
    network: StreetNetwork,
    buildings: Sequence[Any] | np.ndarray | None = None,
    *,
    feedback: Feedback | None = None,
) -> StreetNetwork:
    """Fill unknown widths in place: from building footprints if given, else by highway class, else 4 m.

    Every width not read from a field or an OSM width tag is flagged ``width_estimated``.
    """
    need = ~np.isfinite(network.width)
    if network.width_source is None:
        network.width_source = np.full(need.shape[0], "field", dtype=object)
        network.width_source[need] = None
    if buildings is not None and need.any():
        highway = None if network.highway is None else network.highway[need]
        # The same streets and footprints in both runs of the scenario: estimated once (core/memo.py).
        est, _ = memo.cached(
            "street widths from footprints",
            (network.geometry[need], buildings, highway),
            lambda: estimate_width_from_buildings(
                network.geometry[need], buildings, highway=highway, feedback=feedback
            ),
            copy=lambda pair: (pair[0].copy(), pair[1].copy()),
        )
        idx = np.flatnonzero(need)
        ok = np.isfinite(est)
        network.width[idx[ok]] = est[ok]
        network.width_source[idx[ok]] = "buildings"
        network.width_estimated[idx[ok]] = True
        need = ~np.isfinite(network.width)
    if need.any():
        idx = np.flatnonzero(need)
        if network.highway is not None:
            network.width[idx] = [assumed_width(h) for h in network.highway[idx]]
            network.width_source[idx] = [
                "highway" if str(h) in ASSUMED_WIDTH_BY_HIGHWAY_M else "default" for h in network.highway[idx]
            ]
        else:
            network.width[idx] = BUILDING_STANDARDS_ACT_ROAD_WIDTH_M
            network.width_source[idx] = "default"
        network.width_estimated[idx] = True
    return network


# --------------------------------------------------------------------------------------------
# OpenStreetMap


def _osm_walkable(data: dict[str, Any]) -> bool:
    if "highway" not in data:
        return False
    for key, pattern in OSM_WALK_EXCLUDE.items():
        value = data.get(key)
        if value is None:
            continue
        values = value if isinstance(value, list) else [value]
        if any(re.search(pattern, str(v)) for v in values):
            return False
    return True


def network_from_osm_xml(
    path: str | Path,
    *,
    crs: str = DEFAULT_METRIC_CRS,
    feedback: Feedback | None = None,
) -> StreetNetwork:
    """Walking network from an OpenStreetMap XML file (.osm), read offline with osmnx.graph_from_xml.

    Ways are kept when osmnx's "walk" filter would keep them (OSM_WALK_EXCLUDE); the graph is
    made bidirectional, simplified (osmnx.simplify_graph, keeping nodes where highway or width tags
    change) and projected to ``crs``. Lengths are planar lengths in ``crs``. Widths: ``width=*``,
    then ``est_width=*``, then ``yh:WIDTH`` (see :func:`parse_yh_width`), then ``lanes=*`` (flagged
    estimated); others stay NaN.
    Nothing is downloaded: graph_from_xml only parses the file, and the osmnx URL settings are
    pointed at an unroutable address for the duration of the call as a guard.
    """
    feedback = feedback or NullFeedback()
    check_metric_crs(crs, "OSM_FILE")
    path = Path(path)
    if not path.is_file():
        raise InputError(f"OSM file not found: {path}", "OSM_FILE")
    import osmnx as ox

    with osmnx_settings(ox, use_cache=False, overpass_url=OFFLINE_URL, nominatim_url=OFFLINE_URL):
        try:
            graph = ox.graph_from_xml(path, bidirectional=True, simplify=False, retain_all=True)
        except Exception as exc:  # osmnx raises several types for unreadable or empty files
            raise InputError(f"cannot read the OSM file {path.name}: {exc}", "OSM_FILE") from exc
    return network_from_osm_graph(graph, crs=crs, name=path.name, parameter="OSM_FILE", feedback=feedback)


OFFLINE_URL = "http://127.0.0.1:9/offline"


@contextmanager
def osmnx_settings(ox: Any, **values: Any) -> Iterator[None]:
    """Set osmnx.settings for a block (the way tags this module reads, no logging) and restore them after."""
    wanted: dict[str, Any] = {"useful_tags_way": sorted(set(ox.settings.useful_tags_way) | set(OSM_WAY_TAGS))}
    wanted.update(log_console=False, log_file=False, **values)
    saved = {name: getattr(ox.settings, name) for name in wanted}
    try:
        for name, value in wanted.items():
            setattr(ox.settings, name, value)
        yield
    finally:
        for name, value in saved.items():
            setattr(ox.settings, name, value)


def network_from_osm_graph(
    graph: Any,
    *,
    crs: str = DEFAULT_METRIC_CRS,
    name: str = "OpenStreetMap",
    parameter: str = "OSM_FILE",
    feedback: Feedback | None = None,
) -> StreetNetwork:
    """The walking network of an unsimplified osmnx graph in EPSG:4326 (from a file or a download).

    Keeps the ways osmnx's "walk" filter keeps (OSM_WALK_EXCLUDE), simplifies (keeping nodes where
    highway, width or lanes tags change), makes it undirected and projects it to ``crs``.
    """
    import osmnx as ox
    import shapely

    feedback = feedback or NullFeedback()
    check_canceled(feedback)
    feedback.set_progress(40)
    graph = graph.copy()
    drop = [(a, b, k) for a, b, k, d in graph.edges(keys=True, data=True) if not _osm_walkable(d)]
    graph.remove_edges_from(drop)
    graph.remove_nodes_from([n for n in list(graph.nodes) if graph.degree(n) == 0])
    if graph.number_of_edges() == 0:
        raise InputError(f"{name} has no walkable ways (highway=*)", parameter)
    with osmnx_settings(ox):
        graph = ox.simplify_graph(graph, edge_attrs_differ=["highway", "width", "est_width", "yh:WIDTH", "lanes"])
        graph = ox.convert.to_undirected(graph)
    feedback.set_progress(70)
    check_canceled(feedback)
    net = _network_from_undirected(graph, crs, shapely)
    feedback.set_progress(100)
    return net


def _network_from_undirected(graph: Any, crs: str, shapely: Any) -> StreetNetwork:
    from pyproj import Transformer

    osm_ids = np.array(list(graph.nodes), dtype=np.int64)
    index = {n: i for i, n in enumerate(osm_ids)}
    lon = np.array([graph.nodes[n]["x"] for n in osm_ids], dtype=np.float64)
    lat = np.array([graph.nodes[n]["y"] for n in osm_ids], dtype=np.float64)
    to_metric = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    nx_, ny_ = to_metric.transform(lon, lat)
    node_xy = np.column_stack([nx_, ny_])

    us, vs, geoms, widths, sources, highways, ways = [], [], [], [], [], [], []
    for a, b, data in graph.edges(data=True):
        # to_undirected keeps the edge's original direction in from/to
        start, end = data.get("from", a), data.get("to", b)
        geom = data.get("geometry")
        if geom is None:
            coords = np.array(
                [[graph.nodes[start]["x"], graph.nodes[start]["y"]], [graph.nodes[end]["x"], graph.nodes[end]["y"]]]
            )
        else:
            coords = np.asarray(geom.coords)
            if not np.allclose(coords[0], [graph.nodes[start]["x"], graph.nodes[start]["y"]]):
                coords = coords[::-1]
        px, py = to_metric.transform(coords[:, 0], coords[:, 1])
        # pin the ends to the projected node coordinates so edges meet exactly
        px[0], py[0] = node_xy[index[start]]
        px[-1], py[-1] = node_xy[index[end]]
        geoms.append(shapely.LineString(np.column_stack([px, py])))
        us.append(index[start])
        vs.append(index[end])
        w, s = _osm_edge_width(data)
        widths.append(w)
        sources.append(s)
        hw = data.get("highway")
        highways.append(hw[0] if isinstance(hw, list) else hw)
        osmid = data.get("osmid")
        ways.append(int(osmid[0] if isinstance(osmid, list) else osmid))
    geometry = np.empty(len(geoms), dtype=object)
    geometry[:] = geoms
    width = np.array(widths, dtype=np.float64)
    net = StreetNetwork(
        node_xy=node_xy,
        u=np.array(us, dtype=np.int64),
        v=np.array(vs, dtype=np.int64),
        length=shapely.length(geometry),
        geometry=geometry,
        width=width,
        width_estimated=np.array([src == "osm_lanes" for src in sources], dtype=bool),
        source_index=np.array(ways, dtype=np.int64),
        highway=np.array(highways, dtype=object),
        crs=str(crs),
        width_source=np.array(sources, dtype=object),
        meta={"osm_node_id": osm_ids},
    )
    return net


def _osm_edge_width(data: dict[str, Any]) -> tuple[float, str | None]:
    """Width from the tags: width=*, est_width=*, yh:WIDTH (a class), else lanes=* x LANE_WIDTH_M + shoulders."""
    for key, parser, label in (
        ("width", parse_osm_width, "osm_width"),
        ("est_width", parse_osm_width, "osm_width"),
        ("yh:WIDTH", parse_yh_width, "yh_width"),
        ("lanes", width_from_lanes, "osm_lanes"),
    ):
        if key in data:
            value = parser(data[key])
            if np.isfinite(value):
                return value, label
    return math.nan, None


def width_from_lanes(value: Any) -> float:
    """Road width [m] from OSM ``lanes=*``: lanes x LANE_WIDTH_M + 2 x 0.5 m shoulders (Road Structure Ordinance)."""
    lanes = parse_osm_width(value)
    if not np.isfinite(lanes) or lanes < 1:
        return math.nan
    return float(round(lanes)) * LANE_WIDTH_M + _SHOULDERS_M
