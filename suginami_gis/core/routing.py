"""Evacuation routing: every origin to its nearest shelter in one pass, capacity-aware assignment, reachability.

Costs per edge of length L [m] with blockage probability p (docs/methods/routing.md):
- SHORTEST: L.
- SAFEST: -ln(1 - p) + SAFEST_LENGTH_TIEBREAK_PER_M * L. The sum of -ln(1 - p) over a path is
  -ln P(every segment open) when segments block independently, so the safest route maximises the
  probability of getting through; the tiny length term only breaks ties (and keeps costs positive).
- BALANCED: L + risk_weight_m * (-ln(1 - p)): one unit of log-risk (a 63 % blockage) is worth
  ``risk_weight_m`` metres of detour (default BALANCED_RISK_WEIGHT_M).
Edges with p = 1 (closures, certain blockage) are removed for every cost.

Origins and shelters are snapped to the nearest point on the nearest street (the snap distance is
reported); shelters split the edge they land on, origins are evaluated from both ends of their edge.
The walk from the street to a shelter (its snap distance, in a straight line, with no blockage) is
part of every route to it: its length, time and cost, and the route line ends at the shelter itself.
A blockage is modelled as lying at a uniformly random point of its edge, so a part of an edge of
length f * L is blocked with probability f * p (used for the partial first edge of a route and for
edges split by shelters).

All origins are routed in one pass: one multi-source Dijkstra from the shelters on the reversed
graph (scipy.sparse.csgraph.dijkstra with min_only=True); for the undirected walking network the
reversed graph is the graph itself.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np

from . import memo
from .errors import InputError
from .executors import run_tasks, sharing
from .feedback import Feedback, NullFeedback, check_canceled
from .network import SortedArcs, StreetNetwork, csr_from_edges
from .realizations import check_realizations

log = logging.getLogger(__name__)


class Cost(enum.IntEnum):
    SHORTEST = 0
    SAFEST = 1
    BALANCED = 2


# Walking speeds (methods.md section 7): 1.0 m/s for the general public; 0.5-0.8 m/s for elderly
# and disabled people; x 0.8 at night.
WALK_SPEED_MS = 1.0
WALK_SPEED_ELDERLY_MS = (0.5, 0.8)
NIGHT_SPEED_FACTOR = 0.8

# SAFEST: length weight that only breaks ties between equally safe routes (1 km ~ a 0.1 % risk).
SAFEST_LENGTH_TIEBREAK_PER_M = 1e-6
# BALANCED: metres of walking one unit of -ln(1 - p) is worth (a choice of this project; a parameter).
BALANCED_RISK_WEIGHT_M = 1000.0
# An origin counts as isolated when it reaches a shelter within the time limit in fewer than half of
# the blockage realizations (a choice of this project; a parameter of monte_carlo_reachability).
ISOLATED_P_REACH = 0.5
# Reported percentiles of the reachable population per district.
DISTRICT_PERCENTILES = (5.0, 50.0, 95.0)
# Realizations per work chunk in the Monte Carlo loop (fixed, so results do not depend on the executor).
REALIZATIONS_PER_CHUNK = 10
# Shelters closer than this to an edge end are put on the end node instead of splitting the edge.
END_SNAP_M = 1e-6


def risk_term(p: np.ndarray | float) -> np.ndarray:
    """-ln(1 - p): additive along a path, exp(-sum) = probability that every segment is open."""
    p = np.clip(np.asarray(p, dtype=np.float64), 0.0, 1.0)
    with np.errstate(divide="ignore"):
        return -np.log1p(-p)


def edge_cost(
    length: np.ndarray, p_block: np.ndarray, cost: Cost, risk_weight_m: float = BALANCED_RISK_WEIGHT_M
) -> np.ndarray:
    """Routing cost of (pieces of) edges; inf where p_block = 1."""
    length = np.asarray(length, dtype=np.float64)
    risk = risk_term(p_block)
    cost = Cost(cost)
    if cost == Cost.SHORTEST:
        out = length.copy()
    elif cost == Cost.SAFEST:
        out = risk + SAFEST_LENGTH_TIEBREAK_PER_M * length
    else:
        out = length + risk_weight_m * risk
    out[~np.isfinite(risk)] = np.inf
    return out


# --------------------------------------------------------------------------------------------
# snapping


@dataclass
class Snap:
    edge: np.ndarray  # network edge, -1 if not snapped
    offset: np.ndarray  # metres from the edge's start (node u)
    distance: np.ndarray  # snap distance [m]; NaN if not snapped
    xy: np.ndarray  # (n, 2) snapped point


def snap_to_network(
    network: StreetNetwork,
    xy: np.ndarray,
    *,
    usable: np.ndarray | None = None,
    max_distance: float | None = None,
) -> Snap:
    """Nearest point on the nearest (usable) edge for each point (shapely STRtree.query_nearest)."""
    import shapely

    xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
    n = xy.shape[0]
    edge = np.full(n, -1, dtype=np.int64)
    offset = np.full(n, np.nan)
    distance = np.full(n, np.nan)
    out_xy = np.full((n, 2), np.nan)
    candidates = np.arange(network.n_edges) if usable is None else np.flatnonzero(usable)
    finite = np.isfinite(xy).all(axis=1)
    if n == 0 or candidates.size == 0 or not finite.any():
        return Snap(edge, offset, distance, out_xy)
    tree = shapely.STRtree(network.geometry[candidates])
    pts = shapely.points(xy[finite])
    (pi, ti), dist = tree.query_nearest(pts, max_distance=max_distance, return_distance=True, all_matches=False)
    rows = np.flatnonzero(finite)[pi]
    e = candidates[ti]
    edge[rows] = e
    distance[rows] = dist
    offset[rows] = shapely.line_locate_point(network.geometry[e], pts[pi])
    out_xy[rows] = shapely.get_coordinates(shapely.line_interpolate_point(network.geometry[e], offset[rows]))
    return Snap(edge, offset, distance, out_xy)


# --------------------------------------------------------------------------------------------
# the routing graph: the network with shelters inserted as nodes


@dataclass
class ShelterGraph:
    """Street network split at the shelters, with per-piece costs, ready for csgraph."""

    network: StreetNetwork
    n_nodes: int
    node_xy: np.ndarray
    piece_parent: np.ndarray  # network edge of each piece
    piece_start: np.ndarray  # offset of the piece's start along its parent edge [m]
    piece_length: np.ndarray
    piece_u: np.ndarray
    piece_v: np.ndarray
    piece_geometry: np.ndarray
    first_piece: np.ndarray  # (n_edges,) index of the first piece of every edge (pieces sorted by parent, start)
    n_pieces: np.ndarray  # (n_edges,) pieces per edge
    p_block: np.ndarray  # per network edge
    closed: np.ndarray  # per network edge, p_block >= 1
    piece_p: np.ndarray  # blockage probability of each piece (uniform location)
    piece_cost: np.ndarray
    cost: Cost
    risk_weight_m: float
    shelter_snap: Snap
    shelter_node: np.ndarray  # (S,) graph node of each shelter, -1 if it could not be snapped
    shelter_ids: np.ndarray
    csr: Any
    arc_piece: np.ndarray
    arc_key: np.ndarray  # row * n_nodes + column of every stored arc (sorted)
    shelter_xy: np.ndarray | None = None  # (S, 2) the shelters' own points; None: no walk off the street

    def shelter_walk_m(self) -> np.ndarray:
        """Walk from the street to each used shelter [m]: its snap distance (0 for shelters not used)."""
        if self.shelter_xy is None:
            return np.zeros(self.n_shelters)
        return np.where(self.shelter_node >= 0, np.nan_to_num(self.shelter_snap.distance), 0.0)

    def shelter_walk_cost(self) -> np.ndarray:
        """Cost of that walk under the graph's cost (a length with no blockage)."""
        walk = self.shelter_walk_m()
        return edge_cost(walk, np.zeros_like(walk), self.cost, self.risk_weight_m)

    def far_shelters(self) -> np.ndarray:
        """Shelters with a snap distance but left out for being too far from the streets (bool per shelter)."""
        return np.isfinite(self.shelter_snap.distance) & (self.shelter_snap.edge < 0)

    @property
    def n_shelters(self) -> int:
        return int(self.shelter_node.shape[0])

    def piece_partial_cost(self, piece: np.ndarray, part_length: np.ndarray) -> np.ndarray:
        parent = self.piece_parent[piece]
        p = self.p_block[parent] * part_length / np.maximum(self.network.length[parent], 1e-12)
        out = edge_cost(part_length, p, self.cost, self.risk_weight_m)
        out[self.closed[parent]] = np.inf
        return out

    def piece_partial_risk(self, piece: np.ndarray, part_length: np.ndarray) -> np.ndarray:
        parent = self.piece_parent[piece]
        return risk_term(self.p_block[parent] * part_length / np.maximum(self.network.length[parent], 1e-12))


def prepare_graph(
    network: StreetNetwork,
    shelters_xy: np.ndarray,
    *,
    shelter_ids: Sequence[Any] | np.ndarray | None = None,
    p_block: np.ndarray | None = None,
    cost: Cost = Cost.SHORTEST,
    risk_weight_m: float = BALANCED_RISK_WEIGHT_M,
    max_snap_m: float | None = None,
    max_shelter_snap_m: float | None = None,
) -> ShelterGraph:
    """Snap shelters to the network, split their edges and build the CSR graph for ``cost``.

    A shelter farther than ``max_snap_m`` from every open street is not snapped (distance NaN); one
    farther than ``max_shelter_snap_m`` keeps its distance but is not used (far_shelters()).
    """
    if network.n_edges == 0:
        raise InputError("the street network is empty", "ROADS")
    shelters_xy = np.asarray(shelters_xy, dtype=np.float64).reshape(-1, 2)
    n_s = shelters_xy.shape[0]
    if n_s == 0:
        raise InputError("there are no shelters: choose a point layer with at least one shelter", "SHELTERS")
    ids = np.arange(n_s) if shelter_ids is None else np.asarray(shelter_ids, dtype=object).ravel()
    if ids.shape[0] != n_s:
        raise InputError("one id per shelter is needed", "SHELTERS")
    if shelter_ids is not None:
        as_text = np.array([str(i) for i in ids])
        uniq, counts = np.unique(as_text, return_counts=True)
        if (counts > 1).any():
            dup = ", ".join(uniq[counts > 1][:5])
            raise InputError(f"shelter ids must be unique; repeated: {dup}", "SHELTERS")
    if risk_weight_m < 0 or not np.isfinite(risk_weight_m):
        raise InputError("the risk weight must be a non-negative number of metres", "RISK_WEIGHT")
    m = network.n_edges
    p = np.zeros(m) if p_block is None else np.clip(np.asarray(p_block, dtype=np.float64), 0.0, 1.0)
    if p.shape[0] != m:
        raise InputError("one blockage probability per street segment is needed", "ROADS")
    if not np.isfinite(p).all():
        raise InputError("blockage probabilities must be numbers between 0 and 1", "ROADS")
    closed = p >= 1.0
    snap = snap_to_network(network, shelters_xy, usable=~closed, max_distance=max_snap_m)
    if max_shelter_snap_m is not None:
        if not max_shelter_snap_m > 0:
            raise InputError("the largest shelter-to-street distance must be positive", "SHELTER_MAX_SNAP")
        snap.edge[snap.distance > max_shelter_snap_m] = -1
    if (snap.edge < 0).all():
        far = f" (none is within {max_shelter_snap_m:g} m, SHELTER_MAX_SNAP)" if max_shelter_snap_m else ""
        raise InputError(
            f"no shelter could be snapped to an open street{far}: check the layers' CRS and extent", "SHELTERS"
        )

    # where each shelter lands: an end node, or a new node splitting its edge
    length = network.length
    ok = snap.edge >= 0
    at_u = ok & (snap.offset <= END_SNAP_M)
    at_v = ok & ~at_u & (snap.offset >= length[np.maximum(snap.edge, 0)] - END_SNAP_M)
    inner = ok & ~at_u & ~at_v
    shelter_node = np.full(n_s, -1, dtype=np.int64)
    shelter_node[at_u] = network.u[snap.edge[at_u]]
    shelter_node[at_v] = network.v[snap.edge[at_v]]
    n_base = network.n_nodes
    cut_edge = snap.edge[inner]
    cut_off = snap.offset[inner]
    # identical cut points share a node
    cuts, inverse = np.unique(np.column_stack([cut_edge, cut_off]), axis=0, return_inverse=True)
    inverse = inverse.ravel()
    cut_node = n_base + np.arange(cuts.shape[0])
    shelter_node[np.flatnonzero(inner)] = cut_node[inverse]
    node_xy = np.vstack([network.node_xy, snap.xy[np.flatnonzero(inner)][np.unique(inverse, return_index=True)[1]]])
    n_nodes = n_base + cuts.shape[0]

    # pieces: every edge once, plus one more per cut; sorted by (parent, start)
    cut_e = cuts[:, 0].astype(np.int64) if cuts.size else np.zeros(0, dtype=np.int64)
    cut_t = cuts[:, 1] if cuts.size else np.zeros(0)
    parent = np.concatenate([np.arange(m), cut_e])
    start = np.concatenate([np.zeros(m), cut_t])
    start_node = np.concatenate([network.u, cut_node])
    order = np.lexsort((start, parent))
    parent, start, start_node = parent[order], start[order], start_node[order]
    is_last = np.r_[parent[1:] != parent[:-1], True]
    end = np.where(is_last, length[parent], np.r_[start[1:], 0.0])
    end_node = np.where(is_last, network.v[parent], np.r_[start_node[1:], 0])
    piece_length = end - start
    n_pieces = np.bincount(parent, minlength=m)
    first_piece = np.cumsum(n_pieces) - n_pieces
    geometry = network.geometry[parent].copy()
    split = np.flatnonzero(n_pieces[parent] > 1)
    if split.size:
        from shapely.ops import substring

        geometry[split] = [substring(network.geometry[parent[i]], start[i], end[i]) for i in split]
    piece_p = p[parent] * piece_length / np.maximum(length[parent], 1e-12)
    piece_cost = edge_cost(piece_length, piece_p, cost, risk_weight_m)
    piece_cost[closed[parent]] = np.inf
    csr, arc_piece = csr_from_edges(start_node, end_node, piece_cost, n_nodes)
    rows = np.repeat(np.arange(n_nodes), np.diff(csr.indptr))
    arc_key = rows * n_nodes + csr.indices
    return ShelterGraph(
        network=network,
        n_nodes=n_nodes,
        node_xy=node_xy,
        piece_parent=parent,
        piece_start=start,
        piece_length=piece_length,
        piece_u=start_node.astype(np.int64),
        piece_v=end_node.astype(np.int64),
        piece_geometry=geometry,
        first_piece=first_piece,
        n_pieces=n_pieces,
        p_block=p,
        closed=closed,
        piece_p=piece_p,
        piece_cost=piece_cost,
        cost=Cost(cost),
        risk_weight_m=float(risk_weight_m),
        shelter_snap=snap,
        shelter_node=shelter_node,
        shelter_ids=ids,
        csr=csr,
        arc_piece=arc_piece,
        arc_key=arc_key,
        shelter_xy=shelters_xy,
    )


@dataclass
class OriginSnap:
    """Where each origin joins the graph: a piece and the distance along it."""

    snap: Snap  # on the network (edge, offset, distance)
    piece: np.ndarray  # -1 if not snapped
    t: np.ndarray  # metres from the piece start


def _copy_snap(snap: Snap) -> Snap:
    return Snap(snap.edge.copy(), snap.offset.copy(), snap.distance.copy(), snap.xy.copy())


def snap_origins(graph: ShelterGraph, xy: np.ndarray, *, max_snap_m: float | None = None) -> OriginSnap:
    """Snap origins to the nearest open street and locate them on the graph's pieces."""
    xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
    # The same origins on the same open streets snap alike in both runs of a scenario (core/memo.py).
    snap = memo.cached(
        "origins on the network",
        (graph.network.geometry, graph.closed, xy, max_snap_m),
        lambda: snap_to_network(graph.network, xy, usable=~graph.closed, max_distance=max_snap_m),
        copy=_copy_snap,
    )
    piece = np.full(xy.shape[0], -1, dtype=np.int64)
    t = np.full(xy.shape[0], np.nan)
    ok = np.flatnonzero(snap.edge >= 0)
    e = snap.edge[ok]
    piece[ok] = graph.first_piece[e]
    multi = ok[graph.n_pieces[e] > 1]
    for i in multi:  # only origins on the few edges split by a shelter
        first = graph.first_piece[snap.edge[i]]
        starts = graph.piece_start[first : first + graph.n_pieces[snap.edge[i]]]
        piece[i] = first + max(int(np.searchsorted(starts, snap.offset[i], side="right")) - 1, 0)
    t[ok] = snap.offset[ok] - graph.piece_start[piece[ok]]
    t[ok] = np.clip(t[ok], 0.0, graph.piece_length[piece[ok]])
    return OriginSnap(snap=snap, piece=piece, t=t)


# --------------------------------------------------------------------------------------------
# shortest-path trees


@dataclass
class Trees:
    """One or more shortest-path trees over the graph's nodes (rows), rooted at shelter nodes."""

    dist: np.ndarray  # (T, n) cost to the root
    pred: np.ndarray  # (T, n) next node towards the root; < 0 at roots and unreached nodes
    piece: np.ndarray  # (T, n) piece from the node to pred; -1 at roots/unreached
    length: np.ndarray  # (T, n) metres along the tree to the root
    risk: np.ndarray  # (T, n) sum of -ln(1 - p) along the tree
    root: np.ndarray  # (T, n) root node; -1 if unreached


def _tree_pieces(graph: ShelterGraph, pred: np.ndarray) -> np.ndarray:
    n = graph.n_nodes
    nodes = np.broadcast_to(np.arange(n), pred.shape)
    has = pred >= 0
    keys = pred[has].astype(np.int64) * n + nodes[has]
    pos = np.searchsorted(graph.arc_key, keys)
    piece = np.full(pred.shape, -1, dtype=np.int64)
    piece[has] = graph.arc_piece[pos]
    return piece


def _accumulate_to_root(pred: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Sum of ``weight`` (per node: its arc to pred) along every node's path to the root (pointer doubling).

    Works on the flattened trees and only on the nodes whose pointer has not yet reached a root,
    so each round costs less than the last (about log2(depth) rounds). ``weight`` may be complex
    to sum two quantities in one pass.
    """
    n = pred.shape[-1]
    flat_pred = pred.reshape(-1)
    acc = np.where(flat_pred >= 0, weight.reshape(-1), 0.0)
    base = np.repeat(np.arange(flat_pred.shape[0] // n, dtype=np.int64) * n, n)
    anc = np.where(flat_pred >= 0, flat_pred + base, -1)
    idx = np.flatnonzero(anc >= 0)
    while idx.size:
        up = anc[idx]
        acc[idx] = acc[idx] + acc[up]
        anc[idx] = anc[up]
        idx = idx[anc[idx] >= 0]
    return acc.reshape(pred.shape)


def _root_of(pred: np.ndarray, reached: np.ndarray) -> np.ndarray:
    """Root of every node's tree (pointer doubling over ``pred``); -1 where not ``reached``."""
    n = pred.shape[0]
    up = np.where(pred >= 0, pred, np.arange(n))
    while True:
        nxt = up[up]
        if np.array_equal(nxt, up):
            break
        up = nxt
    return np.where(reached, up, -1)


def multi_source_dijkstra(
    csr: Any, sources: np.ndarray, offsets: np.ndarray, *, limit: float = np.inf
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Least cost from any source, each source starting at its own cost ``offsets`` (>= 0).

    scipy's csgraph.dijkstra starts every source at 0, so a super-source node is added with one arc
    to each source weighted by its offset (a stored zero would be no arc, so zero offsets get a
    weight of 1e-9 that is taken off again). Returns (dist, pred, root) over the original nodes; pred
    is -1 at roots and unreached nodes, root -1 where unreached.
    """
    from scipy.sparse.csgraph import dijkstra

    offsets = np.asarray(offsets, dtype=np.float64)
    super_graph, n = _with_super_source(csr, sources, offsets)
    dist, pred = dijkstra(super_graph, directed=True, indices=n, return_predecessors=True, limit=limit + _ZERO_OFFSET)
    dist, pred = dist[:n], np.asarray(pred[:n], dtype=np.int64)
    pred[(pred < 0) | (pred == n)] = -1
    root = _root_of(pred, np.isfinite(dist))
    zero_root = np.zeros(n, dtype=bool)
    zero_root[sources[offsets <= 0]] = True
    dist = np.where((root >= 0) & zero_root[np.maximum(root, 0)], np.maximum(dist - _ZERO_OFFSET, 0.0), dist)
    return dist, pred, root


_ZERO_OFFSET = 1e-9


def _with_super_source(csr: Any, sources: np.ndarray, offsets: np.ndarray) -> tuple[Any, int]:
    """The graph plus node n with an arc to each source weighted by its offset (1e-9 for 0); returns (graph, n)."""
    from scipy.sparse import csr_matrix

    graph = csr_matrix(csr)
    n = graph.shape[0]
    weight = np.where(offsets > 0, offsets, _ZERO_OFFSET)
    indptr = np.append(graph.indptr, graph.indptr[-1] + sources.shape[0])
    indices = np.concatenate([graph.indices, sources]).astype(graph.indices.dtype, copy=False)
    return csr_matrix((np.concatenate([graph.data, weight]), indices, indptr), shape=(n + 1, n + 1)), n


def _source_shelters(graph: ShelterGraph) -> tuple[np.ndarray, np.ndarray]:
    """The shelter nodes (sorted) and, for each, the shelter there with the cheapest walk (lowest index on a tie)."""
    ok = np.flatnonzero(graph.shelter_node >= 0)
    walk = graph.shelter_walk_cost()[ok]
    order = np.lexsort((ok, walk, graph.shelter_node[ok]))
    nodes = graph.shelter_node[ok][order]
    first = np.r_[True, nodes[1:] != nodes[:-1]]
    return nodes[first], ok[order][first]


def shortest_path_trees(graph: ShelterGraph, *, per_shelter: bool = False, limit: float = np.inf) -> Trees:
    """Multi-source (one tree, every node to its nearest shelter) or one tree per shelter node.

    scipy.sparse.csgraph.dijkstra on the reversed graph (csr.T) from the shelter nodes. Costs and
    lengths include the walk from the street to the shelter (the cheapest one where several share
    a node); the multi-source tree starts each shelter at that cost (multi_source_dijkstra).
    """
    from scipy.sparse.csgraph import dijkstra

    sources, best = _source_shelters(graph)
    walk_cost = graph.shelter_walk_cost()[best]
    walk_m = graph.shelter_walk_m()[best]
    reverse = graph.csr.T
    if per_shelter:
        dist, pred = dijkstra(reverse, directed=True, indices=sources, return_predecessors=True, limit=limit)
        dist = dist + walk_cost[:, None]
        root = np.where(np.isfinite(dist), sources[:, None], -1)
    elif (walk_cost > 0).any():
        dist, pred, root = multi_source_dijkstra(reverse, sources, walk_cost, limit=limit)
        dist, pred, root = dist[None, :], pred[None, :], root[None, :]
    else:
        dist, pred, src = dijkstra(
            reverse, directed=True, indices=sources, min_only=True, return_predecessors=True, limit=limit
        )
        dist, pred, root = dist[None, :], pred[None, :], np.where(src >= 0, src, -1)[None, :]
    # the reversed graph's predecessor of x is the next node from x towards the root in the graph
    pred = np.asarray(pred, dtype=np.int64)
    pred[pred < 0] = -1
    root = np.asarray(root, dtype=np.int64)
    if np.isfinite(limit):
        beyond = dist > limit
        dist[beyond], pred[beyond], root[beyond] = np.inf, -1, -1
    piece = _tree_pieces(graph, pred)
    safe = np.maximum(piece, 0)
    # length and risk summed in one pass, as the real and imaginary parts of one complex number
    weights = graph.piece_length[safe] + 1j * risk_term(graph.piece_p[safe])
    sums = _accumulate_to_root(pred, np.where(piece >= 0, weights, 0.0))
    walk_by_node = np.zeros(graph.n_nodes)
    walk_by_node[sources] = walk_m
    length = sums.real + np.where(root >= 0, walk_by_node[np.maximum(root, 0)], 0.0)
    risk = sums.imag
    return Trees(dist=dist, pred=pred, piece=piece, length=length, risk=risk, root=root)


def _node_to_shelter(graph: ShelterGraph) -> np.ndarray:
    """For every node the shelter on it with the cheapest walk from the street (lowest index on a tie), else -1."""
    out = np.full(graph.n_nodes, -1, dtype=np.int64)
    nodes, best = _source_shelters(graph)
    out[nodes] = best
    return out


# --------------------------------------------------------------------------------------------
# routes


@dataclass
class Routes:
    """Per origin: the chosen shelter and the route to it."""

    shelter: np.ndarray  # shelter index, -1 if no path
    end_node: np.ndarray  # graph node where the route leaves the origin's piece
    via_end: np.ndarray  # True: the route leaves towards the piece's end (piece_v), else its start
    tree_row: np.ndarray  # row of the Trees used
    cost: np.ndarray
    length_m: np.ndarray  # along the network, from the snapped origin to the snapped shelter
    time_min: np.ndarray
    p_passable: np.ndarray  # probability that every segment of the route is open
    detour_ratio: np.ndarray  # length / shortest length to any shelter
    snap_distance_m: np.ndarray
    reachable: np.ndarray  # a path exists
    within_limit: np.ndarray  # reachable and time <= max_minutes (all reachable when no limit)
    trees: Trees | None = None  # the shortest-path trees the routes follow (row tree_row)

    @property
    def unreachable(self) -> np.ndarray:
        return ~self.within_limit


@dataclass
class _OriginParts:
    """Per origin, the two partial walks from its point to the ends of its piece (a: start, b: end)."""

    ok: np.ndarray
    a: np.ndarray
    b: np.ndarray
    part_a: np.ndarray
    part_b: np.ndarray
    cost_a: np.ndarray  # inf where the origin is not snapped
    cost_b: np.ndarray
    risk_a: np.ndarray
    risk_b: np.ndarray

    @classmethod
    def of(cls, graph: ShelterGraph, origins: OriginSnap) -> _OriginParts:
        ok = origins.piece >= 0
        piece = np.where(ok, origins.piece, 0)
        t = np.where(ok, origins.t, 0.0)
        part_a, part_b = t, np.maximum(graph.piece_length[piece] - t, 0.0)
        return cls(
            ok=ok,
            a=graph.piece_u[piece],
            b=graph.piece_v[piece],
            part_a=part_a,
            part_b=part_b,
            cost_a=np.where(ok, graph.piece_partial_cost(piece, part_a), np.inf),
            cost_b=np.where(ok, graph.piece_partial_cost(piece, part_b), np.inf),
            risk_a=graph.piece_partial_risk(piece, part_a),
            risk_b=graph.piece_partial_risk(piece, part_b),
        )

    def column(self, values: np.ndarray, row: np.ndarray) -> np.ndarray:
        """Per-origin ``values`` lined up with ``row`` (an (n,) row per origin, or (n, k) rows)."""
        return values if row.ndim == 1 else values[:, None]


def _origin_costs(
    graph: ShelterGraph, origins: OriginSnap, trees: Trees, row: np.ndarray, parts: _OriginParts | None = None
):
    """Cost, length and risk via both ends of each origin's piece under tree ``row``.

    ``row`` holds one tree row per origin (shape (n,)) or several ((n, k)); the results have its shape.
    """
    parts = parts or _OriginParts.of(graph, origins)
    col = partial(parts.column, row=row)
    a, b = col(parts.a), col(parts.b)
    cost_a = col(parts.cost_a) + trees.dist[row, a]
    cost_b = col(parts.cost_b) + trees.dist[row, b]
    via_b = cost_b < cost_a
    end = np.where(via_b, b, a)
    cost = np.where(via_b, cost_b, cost_a)
    length = np.where(via_b, col(parts.part_b), col(parts.part_a)) + trees.length[row, end]
    risk = np.where(via_b, col(parts.risk_b), col(parts.risk_a)) + trees.risk[row, end]
    return cost, end, length, risk, via_b


def route_nearest(
    graph: ShelterGraph,
    origins: OriginSnap,
    *,
    walk_speed: float = WALK_SPEED_MS,
    max_minutes: float | None = None,
    trees: Trees | None = None,
) -> Routes:
    """Every origin to the shelter with the least cost, from one multi-source shortest-path tree."""
    _check_speed(walk_speed, max_minutes)
    trees = trees or shortest_path_trees(graph)
    row = np.zeros(origins.piece.shape[0], dtype=np.int64)
    cost, end, length, risk, via_b = _origin_costs(graph, origins, trees, row)
    reachable = np.isfinite(cost)
    node_shelter = _node_to_shelter(graph)
    shelter = np.where(reachable, node_shelter[np.maximum(trees.root[0, end], 0)], -1)
    shelter[~reachable] = -1
    return _finish_routes(graph, origins, shelter, end, via_b, row, cost, length, risk, walk_speed, max_minutes, trees)


def _finish_routes(
    graph, origins, shelter, end, via_b, row, cost, length, risk, walk_speed, max_minutes, trees, shortest=None
) -> Routes:
    reachable = shelter >= 0
    length = np.where(reachable, length, np.nan)
    time_min = length / walk_speed / 60.0
    if shortest is None:
        shortest = _shortest_length(graph, origins)
    with np.errstate(invalid="ignore", divide="ignore"):
        detour = np.where(shortest > 0, length / shortest, 1.0)
    detour[~reachable] = np.nan
    within = reachable.copy()
    if max_minutes is not None:
        within &= time_min <= max_minutes + 1e-9
    return Routes(
        shelter=shelter,
        end_node=np.where(reachable, end, -1),
        via_end=via_b & reachable,
        tree_row=row,
        cost=np.where(reachable, cost, np.inf),
        length_m=length,
        time_min=time_min,
        p_passable=np.where(reachable, np.exp(-risk), np.nan),
        detour_ratio=detour,
        snap_distance_m=origins.snap.distance,
        reachable=reachable,
        within_limit=within,
        trees=trees,
    )


def _shortest_length(graph: ShelterGraph, origins: OriginSnap) -> np.ndarray:
    """Length of the shortest open route from each origin to any shelter (for detour ratios)."""
    if graph.cost == Cost.SHORTEST:
        shortest_graph = graph
    else:
        shortest_graph = _with_cost(graph, Cost.SHORTEST)
    trees = shortest_path_trees(shortest_graph)
    _, _, length, _, _ = _origin_costs(shortest_graph, origins, trees, np.zeros(origins.piece.shape[0], dtype=np.int64))
    return length


def _with_cost(graph: ShelterGraph, cost: Cost) -> ShelterGraph:
    import copy

    out = copy.copy(graph)
    out.cost = Cost(cost)
    out.piece_cost = edge_cost(graph.piece_length, graph.piece_p, cost, graph.risk_weight_m)
    out.piece_cost[graph.closed[graph.piece_parent]] = np.inf
    out.csr, out.arc_piece = csr_from_edges(graph.piece_u, graph.piece_v, out.piece_cost, graph.n_nodes)
    rows = np.repeat(np.arange(graph.n_nodes), np.diff(out.csr.indptr))
    out.arc_key = rows * graph.n_nodes + out.csr.indices
    return out


def _check_speed(walk_speed: float, max_minutes: float | None) -> None:
    if not (walk_speed > 0 and np.isfinite(walk_speed)):
        raise InputError(
            "the walking speed must be a positive number of m/s (1.0 general, 0.5-0.8 elderly)", "WALK_SPEED"
        )
    if max_minutes is not None and not (max_minutes > 0):
        raise InputError("the time limit must be a positive number of minutes", "MAX_MINUTES")


# --------------------------------------------------------------------------------------------
# capacity-aware assignment


@dataclass
class CapacityAssignment:
    routes: Routes  # route of each origin to its main shelter (the one receiving most of its people)
    flow: dict[tuple[int, int], int]  # (origin, shelter) -> people
    placed: np.ndarray  # people of each origin placed in a shelter
    unplaced: np.ndarray  # people of each origin who could not be placed
    assigned: np.ndarray  # people per shelter
    demand_nearest: np.ndarray  # people per shelter if everyone went to the nearest one
    overflow: np.ndarray  # max(0, demand_nearest - capacity)
    total_cost: float


def _check_population(population: Any, n: int) -> np.ndarray:
    pop = np.asarray([np.nan if a is None else a for a in np.asarray(population, dtype=object).ravel()], dtype=float)
    if pop.shape[0] != n:
        raise InputError("one population value per origin is needed", "POPULATION_FIELD")
    if (~np.isfinite(pop)).any():
        raise InputError("some origins have no population value: fill the field or leave it unset", "POPULATION_FIELD")
    if (pop < 0).any():
        raise InputError(
            f"populations must not be negative ({int((pop < 0).sum())} negative values)", "POPULATION_FIELD"
        )
    return pop


def _check_capacity(capacity: Any, n: int) -> np.ndarray:
    cap = np.asarray([np.nan if a is None else a for a in np.asarray(capacity, dtype=object).ravel()], dtype=float)
    if cap.shape[0] != n:
        raise InputError("one capacity per shelter is needed", "CAPACITY_FIELD")
    if (~np.isfinite(cap)).any() or (cap < 0).any():
        raise InputError("shelter capacities must be numbers of people, zero or more", "CAPACITY_FIELD")
    return np.floor(cap + 1e-9).astype(np.int64)


def _candidate_pool(dist: np.ndarray, parts: _OriginParts, k: int) -> np.ndarray:
    """Tree rows to evaluate per origin, (n, 2k) or (n, T): the k cheapest rows at either end of its piece.

    A row (shelter node) outside the k cheapest at both ends costs more than k others: via end a it
    costs at least as much as the k cheaper rows there do via a. Repeated rows are replaced by a
    row of the same origin already in the pool only where the pool would otherwise hold them twice.
    """
    n_t = dist.shape[0]
    n_o = parts.a.shape[0]
    if 2 * k >= n_t:
        return np.broadcast_to(np.arange(n_t), (n_o, n_t))
    by_node = np.argpartition(dist.T, k - 1, axis=1)[:, :k]
    pool = np.sort(np.hstack([by_node[parts.a], by_node[parts.b]]), axis=1)
    # a row in both halves: keep one (the other slot takes the first row, evaluated twice but
    # offered to the flow once)
    repeated = np.zeros(pool.shape, dtype=bool)
    repeated[:, 1:] = pool[:, 1:] == pool[:, :-1]
    return np.where(repeated, -1, pool)


def _expand_rows(arc_row: np.ndarray, shelters_by_row: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Arcs origin -> tree row become arcs origin -> each shelter at that row's node: (arc of each, shelter)."""
    counts_by_row = np.array([x.size for x in shelters_by_row], dtype=np.int64)
    flat = np.concatenate(shelters_by_row).astype(np.int64) if shelters_by_row else np.zeros(0, dtype=np.int64)
    start_by_row = np.cumsum(counts_by_row) - counts_by_row
    counts = counts_by_row[arc_row]
    slot = np.repeat(np.arange(arc_row.shape[0]), counts)
    offset = np.arange(slot.shape[0]) - np.repeat(np.cumsum(counts) - counts, counts)
    return slot, flat[start_by_row[arc_row][slot] + offset]


def solve_capacity_flow(
    arc_origin: np.ndarray,
    arc_shelter: np.ndarray,
    arc_cost: np.ndarray,
    population: np.ndarray,
    capacity: np.ndarray,
    *,
    solver: str = "auto",
) -> np.ndarray:
    """People on each arc origin -> shelter: a maximum flow of least total cost (integers, exact).

    ``solver``: "ortools" (OR-Tools' compiled SimpleMinCostFlow, max flow with min cost), "networkx"
    (networkx.network_simplex with an "unplaced" node whose cost exceeds any total of placed costs;
    pure Python, slow at ward scale) or "auto" (OR-Tools when installed). Both give the same least
    cost; where several assignments share it they may split people differently.
    """
    if solver not in ("auto", "ortools", "networkx"):
        raise ValueError(f"unknown min-cost-flow solver {solver!r}")
    if solver == "auto":
        try:
            _import_min_cost_flow()
            solver = "ortools"
        except ImportError:
            log.info("OR-Tools is not installed: capacity assignment uses networkx (slower)")
            solver = "networkx"
    args = (
        np.asarray(arc_origin, dtype=np.int64),
        np.asarray(arc_shelter, dtype=np.int64),
        np.asarray(arc_cost, dtype=np.int64),
        np.asarray(population, dtype=np.int64),
        np.asarray(capacity, dtype=np.int64),
    )
    return _flow_ortools(*args) if solver == "ortools" else _flow_networkx(*args)


def _import_min_cost_flow() -> Any:
    """OR-Tools' min_cost_flow module, its library bound to its own symbols first (RTLD_DEEPBIND).

    OR-Tools' wheel carries its own protobuf and abseil; inside QGIS (whose libraries bring another
    protobuf into the process) the default binding resolves some of its symbols to QGIS's copies and
    the import crashes (a segmentation fault in qgis_process). DEEPBIND makes the library use its own.
    """
    import os
    import sys

    flags = sys.getdlopenflags()
    deepbind = getattr(os, "RTLD_DEEPBIND", 0)
    try:
        if deepbind:
            sys.setdlopenflags(flags | deepbind | os.RTLD_NOW)
        from ortools.graph.python import min_cost_flow
    finally:
        sys.setdlopenflags(flags)
    return min_cost_flow


def _flow_ortools(
    arc_origin: np.ndarray, arc_shelter: np.ndarray, arc_cost: np.ndarray, pop: np.ndarray, cap: np.ndarray
) -> np.ndarray:
    min_cost_flow = _import_min_cost_flow()

    n_o, n_s = pop.shape[0], cap.shape[0]
    sink = n_o + n_s
    mcf = min_cost_flow.SimpleMinCostFlow()
    arcs = mcf.add_arcs_with_capacity_and_unit_cost(arc_origin, n_o + arc_shelter, pop[arc_origin], arc_cost)
    shelters = np.flatnonzero(cap > 0)
    mcf.add_arcs_with_capacity_and_unit_cost(
        n_o + shelters,
        np.full(shelters.size, sink, dtype=np.int64),
        cap[shelters],
        np.zeros(shelters.size, dtype=np.int64),
    )
    nodes = np.arange(sink + 1, dtype=np.int64)
    supplies = np.zeros(sink + 1, dtype=np.int64)
    supplies[:n_o] = pop
    supplies[sink] = -int(pop.sum())
    mcf.set_nodes_supplies(nodes, supplies)
    status = mcf.solve_max_flow_with_min_cost()
    if status != mcf.OPTIMAL:
        raise RuntimeError(f"OR-Tools min-cost flow ended with status {status}")
    return np.asarray(mcf.flows(arcs), dtype=np.int64)


def _flow_networkx(
    arc_origin: np.ndarray, arc_shelter: np.ndarray, arc_cost: np.ndarray, pop: np.ndarray, cap: np.ndarray
) -> np.ndarray:
    import networkx as nx

    big = int(pop.sum()) * int(arc_cost.max() if arc_cost.size else 1) + 1
    flow_graph = nx.DiGraph()
    sink, unplaced_node = -1, -2
    flow_graph.add_node(sink, demand=int(pop.sum()))
    flow_graph.add_node(unplaced_node, demand=0)
    flow_graph.add_edge(unplaced_node, sink, weight=0)
    for i in np.flatnonzero(pop > 0).tolist():
        flow_graph.add_node(("o", i), demand=-int(pop[i]))
        flow_graph.add_edge(("o", i), unplaced_node, weight=big)
    for s in range(cap.shape[0]):
        flow_graph.add_node(("s", s), demand=0)
        if cap[s] > 0:
            flow_graph.add_edge(("s", s), sink, weight=0, capacity=int(cap[s]))
    for o, s, c in zip(arc_origin.tolist(), arc_shelter.tolist(), arc_cost.tolist()):
        flow_graph.add_edge(("o", o), ("s", s), weight=c)
    _, flow_dict = nx.network_simplex(flow_graph)
    return np.array(
        [flow_dict[("o", o)].get(("s", s), 0) for o, s in zip(arc_origin.tolist(), arc_shelter.tolist())],
        dtype=np.int64,
    )


def assign_with_capacity(
    graph: ShelterGraph,
    origins: OriginSnap,
    population: np.ndarray | Sequence[float],
    capacity: np.ndarray | Sequence[float],
    *,
    walk_speed: float = WALK_SPEED_MS,
    max_minutes: float | None = None,
    max_candidates: int = 10,
    feedback: Feedback | None = None,
    solver: str = "auto",
) -> CapacityAssignment:
    """People to shelters within capacity at least total cost: a maximum flow of least cost.

    Each origin may send its people to those of its ``max_candidates`` cheapest shelters (all of them
    when that is at least the number of shelters) that it reaches within ``max_minutes`` when given.
    The candidates are found per street node (the k cheapest shelter trees at each end of the
    origin's street piece), so the work grows with origins x k, not origins x shelters. The
    solution places as many people as possible (a maximum flow) and, among such placements, has
    the least total cost (cost x people). Populations are rounded to whole people; costs are scaled to integers
    (both solvers are exact on integers). ``solver``: see :func:`solve_capacity_flow`.
    """
    feedback = feedback or NullFeedback()
    _check_speed(walk_speed, max_minutes)
    n_o = origins.piece.shape[0]
    pop = np.rint(_check_population(population, n_o)).astype(np.int64)
    cap = _check_capacity(capacity, graph.n_shelters)
    if cap.sum() == 0 and pop.sum() > 0:
        raise InputError(
            "every shelter has capacity 0, so nobody could be placed: check the capacity field, or leave "
            "CAPACITY_FIELD empty to route everyone to the nearest shelter",
            "CAPACITY_FIELD",
        )
    if max_candidates < 1:
        raise InputError("at least one candidate shelter per origin is needed", "MAX_CANDIDATES")
    trees = shortest_path_trees(graph, per_shelter=True)
    feedback.set_progress(30)
    check_canceled(feedback)
    sources, best_of_row = _source_shelters(graph)
    n_t = sources.shape[0]
    # the time limit as a length (with the same 1e-9 min tolerance as route times)
    limit_m = np.inf if max_minutes is None else (float(max_minutes) + 1e-9) * 60.0 * float(walk_speed)
    parts = _OriginParts.of(graph, origins)
    # candidate rows per origin: its k cheapest shelter nodes, found among the k cheapest of each end
    # of its piece (a node outside both is dearer than k others whichever end is taken)
    k = min(max_candidates, n_t)
    pool = _candidate_pool(trees.dist, parts, k)
    cost, end, length, risk, via = _origin_costs(graph, origins, trees, np.maximum(pool, 0), parts)
    cost[pool < 0] = np.inf
    if pool.shape[1] > k:
        pick = np.argpartition(cost, k - 1, axis=1)[:, :k]
        pool, cost, end, length, risk, via = (
            np.take_along_axis(x, pick, axis=1) for x in (pool, cost, end, length, risk, via)
        )
    # the shelters at each node: a row's costs hold the walk to the one with the cheapest walk, others add the difference
    row_of_shelter = np.full(graph.n_shelters, -1, dtype=np.int64)
    okshel = graph.shelter_node >= 0
    row_of_shelter[okshel] = np.searchsorted(sources, graph.shelter_node[okshel])
    shelters_by_row = [np.flatnonzero(row_of_shelter == r) for r in range(n_t)]
    best_row = np.where(okshel, best_of_row[np.maximum(row_of_shelter, 0)], 0)
    extra_m = graph.shelter_walk_m() - np.where(okshel, graph.shelter_walk_m()[best_row], 0.0)
    extra_cost = graph.shelter_walk_cost() - np.where(okshel, graph.shelter_walk_cost()[best_row], 0.0)
    check_canceled(feedback)

    arc_origin = np.broadcast_to(np.arange(n_o)[:, None], pool.shape).ravel()
    good = np.flatnonzero(np.isfinite(cost.ravel()) & (pop[arc_origin] > 0))
    slot, arc_shelter = _expand_rows(pool.ravel()[good], shelters_by_row)
    slot = good[slot]
    arc_origin = arc_origin[slot]
    arc_cost = cost.ravel()[slot] + extra_cost[arc_shelter]
    near = length.ravel()[slot] + extra_m[arc_shelter] <= limit_m
    arc_origin, arc_shelter, arc_cost = arc_origin[near], arc_shelter[near], arc_cost[near]
    max_cost = float(arc_cost.max()) if arc_cost.size else 1.0
    scale = 1e9 / max(max_cost, 1e-12)
    arc_int = np.rint(arc_cost * scale).astype(np.int64)
    feedback.info(f"min-cost flow: {int((pop > 0).sum())} origins, {graph.n_shelters} shelters, {arc_origin.size} arcs")
    arc_flow = solve_capacity_flow(arc_origin, arc_shelter, arc_int, pop, cap, solver=solver)
    feedback.set_progress(80)

    used = np.flatnonzero(arc_flow > 0)
    f_o, f_s, f_n = arc_origin[used], arc_shelter[used], arc_flow[used]
    flow = dict(zip(zip(f_o.tolist(), f_s.tolist()), f_n.tolist()))
    placed = np.bincount(f_o, weights=f_n, minlength=n_o).astype(np.int64)
    assigned = np.bincount(f_s, weights=f_n, minlength=graph.n_shelters).astype(np.int64)
    total_cost = float((f_n * arc_cost[used]).sum())
    # main shelter: the one receiving most of the origin's people (the lowest index on a tie)
    order = np.lexsort((f_s, -f_n, f_o))
    first = order[np.r_[True, f_o[order][1:] != f_o[order][:-1]]] if order.size else order
    main = np.full(n_o, -1, dtype=np.int64)
    main[f_o[first]] = f_s[first]
    unplaced = pop - placed

    # the nearest shelter of each origin: its cheapest candidate
    cheapest = np.argmin(cost, axis=1)
    cols = np.arange(n_o)
    reach = np.isfinite(cost[cols, cheapest])
    nearest_row = pool[cols, cheapest]
    nearest_shelter = np.where(reach, best_of_row[nearest_row], -1)
    nearest_in_time = reach & (length[cols, cheapest] <= limit_m)
    # routes to the main shelter (the nearest one for origins with nobody placed), along per-shelter trees
    shelter = np.where(main >= 0, main, nearest_shelter)
    row = np.where(shelter >= 0, row_of_shelter[np.maximum(shelter, 0)], 0)
    c, e, ln, rk, vb = _origin_costs(graph, origins, trees, row, parts)
    shortest = length[cols, cheapest] if graph.cost == Cost.SHORTEST else None
    routes = _finish_routes(
        graph,
        origins,
        shelter,
        e,
        vb,
        row,
        c + extra_cost[np.maximum(shelter, 0)],
        ln + extra_m[np.maximum(shelter, 0)],
        rk,
        walk_speed,
        max_minutes,
        trees,
        shortest=shortest,
    )
    demand_nearest = np.bincount(
        nearest_shelter[nearest_in_time], weights=pop[nearest_in_time], minlength=graph.n_shelters
    )
    overflow = np.maximum(demand_nearest - cap, 0.0)
    feedback.set_progress(100)
    return CapacityAssignment(
        routes=routes,
        flow=flow,
        placed=placed,
        unplaced=unplaced,
        assigned=assigned,
        demand_nearest=demand_nearest,
        overflow=overflow,
        total_cost=total_cost,
    )


# --------------------------------------------------------------------------------------------
# route geometry


def route_lines(
    graph: ShelterGraph, origins: OriginSnap, routes: Routes, which: np.ndarray | None = None
) -> np.ndarray:
    """Route LineStrings (snapped origin -> along the network -> the shelter) for ``which`` origins.

    Built vectorised: coordinates of the origin's partial piece, then of each tree piece up to the
    root, gathered with index arithmetic and turned into lines with one shapely.linestrings call.
    Returns an object array (None where there is no route); each line's length equals length_m.
    """
    import shapely

    trees = routes.trees
    if trees is None:
        raise ValueError("routes carry no trees")
    n_all = routes.shelter.shape[0]
    which = np.arange(n_all) if which is None else np.asarray(which, dtype=np.int64)
    out = np.full(which.shape[0], None, dtype=object)
    sel = np.flatnonzero(routes.reachable[which])
    if sel.size == 0:
        return out
    org = which[sel]
    k = np.arange(sel.shape[0])
    coords, cidx = shapely.get_coordinates(graph.piece_geometry, return_index=True)
    n_pieces = graph.piece_geometry.shape[0]
    ccount = np.bincount(cidx, minlength=n_pieces)
    cstart = np.cumsum(ccount) - ccount
    seg = np.zeros(cidx.shape[0])
    seg[1:] = np.hypot(np.diff(coords[:, 0]), np.diff(coords[:, 1]))
    seg[cstart] = 0.0
    local = np.cumsum(seg)
    local -= np.repeat(local[cstart], ccount)
    # strictly increasing global key: piece number dominates, then distance along the piece
    total_len = float(graph.piece_length.sum()) + 1.0
    global_along = cidx * total_len + local
    shelter_xy = graph.shelter_snap.xy if graph.shelter_xy is None else graph.shelter_xy
    table = np.vstack([coords, origins.snap.xy[org], shelter_xy[routes.shelter[org]]])

    seg_route: list[np.ndarray] = []
    seg_rank: list[np.ndarray] = []
    seg_start: list[np.ndarray] = []
    seg_count: list[np.ndarray] = []
    seg_step: list[np.ndarray] = []
    # segments are added in route order (seq), each route at most once per seq: a segment's rank
    # within its route is the number of its route's segments added before it
    n_seg = np.zeros(k.shape[0], dtype=np.int64)

    def add(route, seq, start, count, step):
        seg_route.append(route)
        seg_rank.append(n_seg[route])
        n_seg[route] += 1
        seg_start.append(start)
        seg_count.append(count)
        seg_step.append(step)

    # the snapped origin point
    add(k, 0, coords.shape[0] + k, np.ones_like(k), np.ones_like(k))
    # the partial first piece
    piece = origins.piece[org]
    t = origins.t[org]
    via_b = routes.via_end[org]
    key = piece * total_len + t
    first_ge = np.searchsorted(global_along, key, side="left")
    first_gt = np.searchsorted(global_along, key, side="right")
    start_a = first_ge - 1
    count_a = first_ge - cstart[piece]
    start_b = first_gt
    count_b = cstart[piece] + ccount[piece] - first_gt
    add(
        k,
        1,
        np.where(via_b, start_b, start_a),
        np.where(via_b, count_b, count_a),
        np.where(via_b, 1, -1),
    )
    # the tree pieces, hop by hop
    row = routes.tree_row[org]
    cur = routes.end_node[org].copy()
    active = np.ones(k.shape[0], dtype=bool)
    seq = 2
    while True:
        nxt = np.where(active, trees.pred[row, cur], -1)
        active = nxt >= 0
        if not active.any():
            break
        idx = np.flatnonzero(active)
        q = trees.piece[row[idx], cur[idx]]
        forward = graph.piece_u[q] == cur[idx]
        add(
            idx,
            seq,
            np.where(forward, cstart[q] + 1, cstart[q] + ccount[q] - 2),
            ccount[q] - 1,
            np.where(forward, 1, -1),
        )
        cur = np.where(active, nxt, cur)
        seq += 1
    # the walk from the street to the shelter (dropped below where the shelter is on the street)
    add(k, seq, coords.shape[0] + k.shape[0] + k, np.ones_like(k), np.ones_like(k))

    r_route = np.concatenate(seg_route)
    r_start = np.concatenate(seg_start)
    r_count = np.concatenate(seg_count)
    r_step = np.concatenate(seg_step)
    # segments by (route, seq) without a sort: each goes to its route's first slot + its rank
    order = np.empty(r_route.shape[0], dtype=np.int64)
    order[(np.cumsum(n_seg) - n_seg)[r_route] + np.concatenate(seg_rank)] = np.arange(r_route.shape[0])
    order = order[r_count[order] > 0]
    r_route, r_start, r_count, r_step = r_route[order], r_start[order], r_count[order], r_step[order]
    # the table rows of every segment (start, start + step, ...) as one running sum of the steps, each
    # segment's first step jumping from the previous segment's last row to its own start
    jump = np.repeat(r_step, r_count)
    last = r_start + r_step * (r_count - 1)
    jump[np.cumsum(r_count) - r_count] = r_start - np.r_[0, last[:-1]]
    rows = np.cumsum(jump)
    line_of = np.repeat(r_route, r_count)
    xy = table[rows]
    keep = np.ones(xy.shape[0], dtype=bool)
    keep[1:] = (line_of[1:] != line_of[:-1]) | (xy[1:, 0] != xy[:-1, 0]) | (xy[1:, 1] != xy[:-1, 1])
    xy, line_of = xy[keep], line_of[keep]
    # a route of a single point (origin on the shelter) becomes a zero-length line
    single = np.bincount(line_of, minlength=k.shape[0]) == 1
    if single.any():
        extra = np.flatnonzero(single[line_of])
        xy = np.vstack([xy, xy[extra]])
        line_of = np.concatenate([line_of, line_of[extra]])
        order = np.argsort(line_of, kind="stable")
        xy, line_of = xy[order], line_of[order]
    out[sel] = shapely.linestrings(xy, indices=line_of)
    return out


# --------------------------------------------------------------------------------------------
# Monte Carlo reachability


@dataclass
class _McPayload:
    """Everything a worker needs (plain arrays: picklable for process pools and dask)."""

    n_nodes: int
    piece_u: np.ndarray
    piece_v: np.ndarray
    piece_parent: np.ndarray
    piece_start: np.ndarray
    piece_length: np.ndarray
    edge_length: np.ndarray
    p_block: np.ndarray
    sources: np.ndarray
    source_walk: np.ndarray  # walk from the street to the shelter at each source node [m]
    origin_piece: np.ndarray
    origin_t: np.ndarray
    max_length: float
    population: np.ndarray
    district: np.ndarray
    n_districts: int
    arcs: SortedArcs | None = None  # the pieces' arcs sorted once (built by the worker when None)


def _mc_chunk(payload: _McPayload, seeds: list[np.random.SeedSequence]) -> tuple[np.ndarray, np.ndarray]:
    """Realizations for ``seeds``: (times each origin reached a shelter, reachable population per district)."""
    from scipy.sparse.csgraph import dijkstra

    n_o = payload.origin_piece.shape[0]
    reach_count = np.zeros(n_o, dtype=np.int64)
    district_pop = np.zeros((len(seeds), payload.n_districts))
    ok = payload.origin_piece >= 0
    piece = np.where(ok, payload.origin_piece, 0)
    t = np.where(ok, payload.origin_t, 0.0)
    a, b = payload.piece_u[piece], payload.piece_v[piece]
    lp = payload.piece_length[piece]
    parent = payload.piece_parent
    m = payload.edge_length.shape[0]
    arcs = payload.arcs or SortedArcs.of(payload.piece_u, payload.piece_v, payload.piece_length, payload.n_nodes)
    for i, seed in enumerate(seeds):
        rng = np.random.default_rng(seed)
        blocked = rng.random(m) < payload.p_block
        where = rng.random(m) * payload.edge_length
        local = where[parent] - payload.piece_start
        piece_blocked = blocked[parent] & (local >= 0) & (local < payload.piece_length)
        # the graph without the blocked pieces (= csr_from_edges with their cost infinite, without a sort)
        csr = arcs.csr(~piece_blocked)[0]
        if (payload.source_walk > 0).any():
            # each shelter node starts at the walk from the street to its shelter (within 1e-9 m)
            super_graph, n = _with_super_source(csr, payload.sources, payload.source_walk)
            dist = dijkstra(super_graph, directed=True, indices=n, limit=payload.max_length + _ZERO_OFFSET)[:n]
        else:
            dist = dijkstra(csr, directed=True, indices=payload.sources, min_only=True, limit=payload.max_length)
        ob = piece_blocked[piece]
        s_local = local[piece]
        ok_a = ~ob | (s_local > t)
        ok_b = ~ob | (s_local < t)
        best = np.minimum(np.where(ok_a, t + dist[a], np.inf), np.where(ok_b, lp - t + dist[b], np.inf))
        reach = ok & np.isfinite(best) & (best <= payload.max_length)
        reach_count += reach
        district_pop[i] = np.bincount(
            payload.district[reach], weights=payload.population[reach], minlength=payload.n_districts
        )
    return reach_count, district_pop


@dataclass
class Reachability:
    realizations: int
    p_reach: np.ndarray  # per origin: share of realizations reaching a shelter within the limit
    isolated: np.ndarray  # per origin: p_reach < isolated_threshold
    district_labels: np.ndarray
    district_population: np.ndarray
    district_percentiles: np.ndarray  # (n_districts, 3): 5th/50th/95th percentile of reachable population
    district_isolated_population: np.ndarray
    district_reachable_samples: np.ndarray  # (realizations, n_districts)


def monte_carlo_reachability(
    graph: ShelterGraph,
    origins: OriginSnap,
    *,
    realizations: int,
    seed: int,
    walk_speed: float = WALK_SPEED_MS,
    max_minutes: float | None = None,
    population: np.ndarray | Sequence[float] | None = None,
    district: np.ndarray | Sequence[Any] | None = None,
    isolated_threshold: float = ISOLATED_P_REACH,
    executor: Any = None,
    feedback: Feedback | None = None,
) -> Reachability:
    """Sample blocked segments from p_block and count who still reaches a shelter within the time limit.

    Each realization blocks edge i with probability p_block[i] at a uniformly random point of it and
    lets everyone walk the shortest open path (length / walk_speed, people know what is open). Each
    realization r draws from its own generator, SeedSequence(seed).spawn(realizations)[r], and
    realizations are grouped in fixed chunks of REALIZATIONS_PER_CHUNK, so the result is identical
    serially or on any executor (an object with .submit or .map, e.g. concurrent.futures or a dask
    distributed Client).
    """
    feedback = feedback or NullFeedback()
    _check_speed(walk_speed, max_minutes)
    realizations = check_realizations(realizations, 1)
    if not 0 < isolated_threshold <= 1:
        raise InputError("the isolation threshold must be a probability in (0, 1]", "ISOLATED_THRESHOLD")
    n_o = origins.piece.shape[0]
    pop = np.ones(n_o) if population is None else _check_population(population, n_o)
    labels_in = np.zeros(n_o, dtype=np.int64) if district is None else np.asarray(district, dtype=object).ravel()
    if labels_in.shape[0] != n_o:
        raise InputError("one district per origin is needed", "DISTRICTS")
    text = np.array(["" if x is None else str(x) for x in labels_in])
    labels, codes = np.unique(text, return_inverse=True)
    codes = codes.ravel()
    max_length = np.inf if max_minutes is None else float(max_minutes) * 60.0 * float(walk_speed)
    sources, best = _source_shelters(graph)
    payload = _McPayload(
        n_nodes=graph.n_nodes,
        piece_u=graph.piece_u,
        piece_v=graph.piece_v,
        piece_parent=graph.piece_parent,
        piece_start=graph.piece_start,
        piece_length=graph.piece_length,
        edge_length=graph.network.length,
        p_block=graph.p_block,
        sources=sources,
        source_walk=graph.shelter_walk_m()[best],
        origin_piece=origins.piece,
        origin_t=origins.t,
        max_length=max_length,
        population=pop,
        district=codes,
        n_districts=labels.shape[0],
        arcs=SortedArcs.of(graph.piece_u, graph.piece_v, graph.piece_length, graph.n_nodes),
    )
    seeds = np.random.SeedSequence(int(seed)).spawn(int(realizations))
    chunks = [seeds[i : i + REALIZATIONS_PER_CHUNK] for i in range(0, len(seeds), REALIZATIONS_PER_CHUNK)]
    with sharing(executor) as share:
        results = run_tasks(partial(_mc_chunk, share(payload)), chunks, executor, feedback)
    reach_count = np.sum([r[0] for r in results], axis=0)
    samples = np.vstack([r[1] for r in results])
    p_reach = reach_count / float(realizations)
    isolated = p_reach < isolated_threshold
    return Reachability(
        realizations=int(realizations),
        p_reach=p_reach,
        isolated=isolated,
        district_labels=labels,
        district_population=np.bincount(codes, weights=pop, minlength=labels.shape[0]),
        district_percentiles=np.percentile(samples, DISTRICT_PERCENTILES, axis=0).T,
        district_isolated_population=np.bincount(codes[isolated], weights=pop[isolated], minlength=labels.shape[0]),
        district_reachable_samples=samples,
    )


# --------------------------------------------------------------------------------------------
# one call for the Processing algorithm


@dataclass
class EvacuationResult:
    graph: ShelterGraph
    origins: OriginSnap
    routes: Routes
    capacity: CapacityAssignment | None
    reachability: Reachability | None

    def lines(self, which: np.ndarray | None = None) -> np.ndarray:
        return route_lines(self.graph, self.origins, self.routes, which)


def evacuation_routes(
    network: StreetNetwork,
    origins_xy: np.ndarray,
    shelters_xy: np.ndarray,
    *,
    shelter_ids: Sequence[Any] | np.ndarray | None = None,
    p_block: np.ndarray | None = None,
    cost: Cost = Cost.SHORTEST,
    risk_weight_m: float = BALANCED_RISK_WEIGHT_M,
    walk_speed: float = WALK_SPEED_MS,
    max_minutes: float | None = None,
    population: np.ndarray | Sequence[float] | None = None,
    capacity: np.ndarray | Sequence[float] | None = None,
    max_candidates: int = 10,
    realizations: int = 0,
    seed: int = 0,
    district: np.ndarray | Sequence[Any] | None = None,
    max_snap_m: float | None = None,
    max_shelter_snap_m: float | None = None,
    executor: Any = None,
    feedback: Feedback | None = None,
) -> EvacuationResult:
    """Route every origin to a shelter; optionally within capacity and with Monte Carlo reachability."""
    from .feedback import SubFeedback

    feedback = feedback or NullFeedback()
    _check_speed(walk_speed, max_minutes)
    origins_xy = np.asarray(origins_xy, dtype=np.float64).reshape(-1, 2)
    if origins_xy.shape[0] == 0:
        raise InputError("there are no origins: choose a layer with at least one feature", "ORIGINS")
    if population is not None:
        population = _check_population(population, origins_xy.shape[0])
    graph = prepare_graph(
        network,
        shelters_xy,
        shelter_ids=shelter_ids,
        p_block=p_block,
        cost=cost,
        risk_weight_m=risk_weight_m,
        max_snap_m=max_snap_m,
        max_shelter_snap_m=max_shelter_snap_m,
    )
    origins = snap_origins(graph, origins_xy, max_snap_m=max_snap_m)
    feedback.set_progress(10)
    check_canceled(feedback)
    cap_result = None
    if capacity is not None:
        pop = np.ones(origins_xy.shape[0]) if population is None else population
        cap_result = assign_with_capacity(
            graph,
            origins,
            pop,
            capacity,
            walk_speed=walk_speed,
            max_minutes=max_minutes,
            max_candidates=max_candidates,
            feedback=SubFeedback(feedback, 10, 50),
        )
        routes = cap_result.routes
    else:
        routes = route_nearest(graph, origins, walk_speed=walk_speed, max_minutes=max_minutes)
    feedback.set_progress(50)
    check_canceled(feedback)
    reach = None
    if realizations > 0:
        reach = monte_carlo_reachability(
            graph,
            origins,
            realizations=realizations,
            seed=seed,
            walk_speed=walk_speed,
            max_minutes=max_minutes,
            population=population,
            district=district,
            executor=executor,
            feedback=SubFeedback(feedback, 50, 100),
        )
    feedback.set_progress(100)
    return EvacuationResult(graph=graph, origins=origins, routes=routes, capacity=cap_result, reachability=reach)
