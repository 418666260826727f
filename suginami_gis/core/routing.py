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

from .errors import InputError
from .executors import run_tasks
from .feedback import Feedback, NullFeedback, check_canceled
from .network import StreetNetwork, csr_from_edges
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
) -> ShelterGraph:
    """Snap shelters to the network, split their edges and build the CSR graph for ``cost``."""
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
    if (snap.edge < 0).all():
        raise InputError("no shelter could be snapped to an open street: check the layers' CRS and extent", "SHELTERS")

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
    )


@dataclass
class OriginSnap:
    """Where each origin joins the graph: a piece and the distance along it."""

    snap: Snap  # on the network (edge, offset, distance)
    piece: np.ndarray  # -1 if not snapped
    t: np.ndarray  # metres from the piece start


def snap_origins(graph: ShelterGraph, xy: np.ndarray, *, max_snap_m: float | None = None) -> OriginSnap:
    """Snap origins to the nearest open street and locate them on the graph's pieces."""
    xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
    snap = snap_to_network(graph.network, xy, usable=~graph.closed, max_distance=max_snap_m)
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
    """Sum of ``weight`` (per node: its arc to pred) along every node's path to the root (pointer doubling)."""
    acc = np.where(pred >= 0, weight, 0.0)
    anc = pred.astype(np.int64).copy()
    rows = np.arange(pred.shape[0])[:, None]
    active = anc >= 0
    while active.any():
        safe = np.where(active, anc, 0)
        acc = np.where(active, acc + acc[rows, safe], acc)
        anc = np.where(active, anc[rows, safe], anc)
        active = anc >= 0
    return acc


def shortest_path_trees(graph: ShelterGraph, *, per_shelter: bool = False, limit: float = np.inf) -> Trees:
    """Multi-source (one tree, every node to its nearest shelter) or one tree per shelter node.

    scipy.sparse.csgraph.dijkstra on the reversed graph (csr.T) from the shelter nodes.
    """
    from scipy.sparse.csgraph import dijkstra

    sources = np.unique(graph.shelter_node[graph.shelter_node >= 0])
    reverse = graph.csr.T
    if per_shelter:
        dist, pred = dijkstra(reverse, directed=True, indices=sources, return_predecessors=True, limit=limit)
        root = np.where(np.isfinite(dist), sources[:, None], -1)
    else:
        dist, pred, src = dijkstra(
            reverse, directed=True, indices=sources, min_only=True, return_predecessors=True, limit=limit
        )
        dist, pred, root = dist[None, :], pred[None, :], np.where(src >= 0, src, -1)[None, :]
    # the reversed graph's predecessor of x is the next node from x towards the root in the graph
    pred = np.asarray(pred, dtype=np.int64)
    pred[pred < 0] = -1
    piece = _tree_pieces(graph, pred)
    safe = np.maximum(piece, 0)
    length = _accumulate_to_root(pred, np.where(piece >= 0, graph.piece_length[safe], 0.0))
    risk = _accumulate_to_root(pred, np.where(piece >= 0, risk_term(graph.piece_p[safe]), 0.0))
    return Trees(dist=dist, pred=pred, piece=piece, length=length, risk=risk, root=np.asarray(root, dtype=np.int64))


def _node_to_shelter(graph: ShelterGraph) -> np.ndarray:
    """For every node the first shelter (lowest index) sitting on it, else -1."""
    out = np.full(graph.n_nodes, -1, dtype=np.int64)
    ok = np.flatnonzero(graph.shelter_node >= 0)
    for i in ok[::-1]:
        out[graph.shelter_node[i]] = i
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


def _origin_costs(graph: ShelterGraph, origins: OriginSnap, trees: Trees, row: np.ndarray):
    """Cost, length and risk via both ends of each origin's piece under tree ``row`` (per origin)."""
    ok = origins.piece >= 0
    piece = np.where(ok, origins.piece, 0)
    t = np.where(ok, origins.t, 0.0)
    lp = graph.piece_length[piece]
    a, b = graph.piece_u[piece], graph.piece_v[piece]
    part_a, part_b = t, np.maximum(lp - t, 0.0)
    cost_a = graph.piece_partial_cost(piece, part_a) + trees.dist[row, a]
    cost_b = graph.piece_partial_cost(piece, part_b) + trees.dist[row, b]
    cost_a[~ok] = np.inf
    cost_b[~ok] = np.inf
    via_b = cost_b < cost_a
    end = np.where(via_b, b, a)
    cost = np.where(via_b, cost_b, cost_a)
    part = np.where(via_b, part_b, part_a)
    length = part + trees.length[row, end]
    risk = graph.piece_partial_risk(piece, part) + trees.risk[row, end]
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
    graph, origins, shelter, end, via_b, row, cost, length, risk, walk_speed, max_minutes, trees
) -> Routes:
    reachable = shelter >= 0
    length = np.where(reachable, length, np.nan)
    time_min = length / walk_speed / 60.0
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


def _expand_rows(
    arc_row: np.ndarray, arc_origin: np.ndarray, arc_int: np.ndarray, shelters_by_row: list[np.ndarray]
) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]:
    """Arcs origin -> tree root (row) become arcs origin -> each shelter at that root."""
    counts = np.array([shelters_by_row[r].size for r in arc_row.tolist()], dtype=np.int64)
    arc_shelter = (
        np.concatenate([shelters_by_row[r] for r in arc_row.tolist()]).astype(np.int64)
        if arc_row.size
        else np.zeros(0, dtype=np.int64)
    )
    return arc_shelter, (np.repeat(arc_origin, counts), np.repeat(arc_int, counts))


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
            from ortools.graph.python import min_cost_flow  # noqa: F401

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


def _flow_ortools(
    arc_origin: np.ndarray, arc_shelter: np.ndarray, arc_cost: np.ndarray, pop: np.ndarray, cap: np.ndarray
) -> np.ndarray:
    from ortools.graph.python import min_cost_flow

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

    Each origin may send its people to its ``max_candidates`` cheapest shelters (all of them when
    that is at least the number of shelters), and only within ``max_minutes`` when given. The
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
    sources = np.unique(graph.shelter_node[graph.shelter_node >= 0])
    n_t = sources.shape[0]
    # cost / length / risk from every origin to every shelter node: (n_t, n_o)
    costs = np.empty((n_t, n_o))
    lengths = np.empty((n_t, n_o))
    risks = np.empty((n_t, n_o))
    ends = np.empty((n_t, n_o), dtype=np.int64)
    vias = np.empty((n_t, n_o), dtype=bool)
    for r in range(n_t):
        c, e, ln, rk, vb = _origin_costs(graph, origins, trees, np.full(n_o, r, dtype=np.int64))
        costs[r], ends[r], lengths[r], risks[r], vias[r] = c, e, ln, rk, vb
    feasible = np.isfinite(costs)
    if max_minutes is not None:
        feasible &= lengths / walk_speed / 60.0 <= max_minutes + 1e-9
    # candidate arcs: shelters at each tree root, cheapest first
    row_of_shelter = np.full(graph.n_shelters, -1, dtype=np.int64)
    okshel = graph.shelter_node >= 0
    row_of_shelter[okshel] = np.searchsorted(sources, graph.shelter_node[okshel])
    shelters_by_row = [np.flatnonzero(row_of_shelter == r) for r in range(n_t)]
    k = min(max_candidates, n_t)
    masked = np.where(feasible, costs, np.inf)
    if k < n_t:
        cand = np.argpartition(masked, k - 1, axis=0)[:k]
    else:
        cand = np.broadcast_to(np.arange(n_t)[:, None], (n_t, n_o))
    arc_origin = np.broadcast_to(np.arange(n_o), cand.shape).ravel()
    arc_row = cand.ravel()
    arc_cost = masked[arc_row, arc_origin]
    good = np.isfinite(arc_cost) & (pop[arc_origin] > 0)
    arc_origin, arc_row, arc_cost = arc_origin[good], arc_row[good], arc_cost[good]
    max_cost = float(arc_cost.max()) if arc_cost.size else 1.0
    scale = 1e9 / max(max_cost, 1e-12)
    arc_int = np.rint(arc_cost * scale).astype(np.int64)

    check_canceled(feedback)
    arc_shelter, arc_from = _expand_rows(arc_row, arc_origin, arc_int, shelters_by_row)
    feedback.info(
        f"min-cost flow: {int((pop > 0).sum())} origins, {graph.n_shelters} shelters, {arc_from[0].size} arcs"
    )
    arc_flow = solve_capacity_flow(arc_from[0], arc_shelter, arc_from[1], pop, cap, solver=solver)
    feedback.set_progress(80)

    used = np.flatnonzero(arc_flow > 0)
    f_o, f_s, f_n = arc_from[0][used], arc_shelter[used], arc_flow[used]
    flow = dict(zip(zip(f_o.tolist(), f_s.tolist()), f_n.tolist()))
    placed = np.bincount(f_o, weights=f_n, minlength=n_o).astype(np.int64)
    assigned = np.bincount(f_s, weights=f_n, minlength=graph.n_shelters).astype(np.int64)
    total_cost = float((f_n * masked[row_of_shelter[f_s], f_o]).sum())
    # main shelter: the one receiving most of the origin's people (the lowest index on a tie)
    order = np.lexsort((f_s, -f_n, f_o))
    first = order[np.r_[True, f_o[order][1:] != f_o[order][:-1]]] if order.size else order
    main = np.full(n_o, -1, dtype=np.int64)
    main[f_o[first]] = f_s[first]
    unplaced = pop - placed

    # routes to the main shelter (the nearest one for origins with nobody placed), along per-shelter trees
    nearest = route_nearest(graph, origins, walk_speed=walk_speed, max_minutes=max_minutes)
    shelter = np.where(main >= 0, main, nearest.shelter)
    row = np.where(shelter >= 0, row_of_shelter[np.maximum(shelter, 0)], 0)
    cols = np.arange(n_o)
    routes = _finish_routes(
        graph,
        origins,
        shelter,
        ends[row, cols],
        vias[row, cols],
        row,
        costs[row, cols],
        lengths[row, cols],
        risks[row, cols],
        walk_speed,
        max_minutes,
        trees,
    )
    demand_nearest = np.bincount(
        nearest.shelter[nearest.within_limit], weights=pop[nearest.within_limit], minlength=graph.n_shelters
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
    """Route LineStrings (snapped origin -> snapped shelter, along the network) for ``which`` origins.

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
    table = np.vstack([coords, origins.snap.xy[org]])

    seg_route: list[np.ndarray] = []
    seg_seq: list[np.ndarray] = []
    seg_start: list[np.ndarray] = []
    seg_count: list[np.ndarray] = []
    seg_step: list[np.ndarray] = []

    def add(route, seq, start, count, step):
        seg_route.append(route)
        seg_seq.append(np.full(route.shape[0], seq, dtype=np.int64))
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

    r_route = np.concatenate(seg_route)
    r_seq = np.concatenate(seg_seq)
    r_start = np.concatenate(seg_start)
    r_count = np.concatenate(seg_count)
    r_step = np.concatenate(seg_step)
    order = np.lexsort((r_seq, r_route))
    r_route, r_start, r_count, r_step = r_route[order], r_start[order], r_count[order], r_step[order]
    rep = np.repeat(np.arange(r_route.shape[0]), r_count)
    offs = np.arange(rep.shape[0]) - np.repeat(np.cumsum(r_count) - r_count, r_count)
    rows = r_start[rep] + r_step[rep] * offs
    line_of = r_route[rep]
    xy = table[rows]
    keep = np.ones(xy.shape[0], dtype=bool)
    keep[1:] = (line_of[1:] != line_of[:-1]) | (xy[1:] != xy[:-1]).any(axis=1)
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
    origin_piece: np.ndarray
    origin_t: np.ndarray
    max_length: float
    population: np.ndarray
    district: np.ndarray
    n_districts: int


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
    for i, seed in enumerate(seeds):
        rng = np.random.default_rng(seed)
        blocked = rng.random(m) < payload.p_block
        where = rng.random(m) * payload.edge_length
        local = where[parent] - payload.piece_start
        piece_blocked = blocked[parent] & (local >= 0) & (local < payload.piece_length)
        cost = np.where(piece_blocked, np.inf, payload.piece_length)
        csr = csr_from_edges(payload.piece_u, payload.piece_v, cost, payload.n_nodes)[0]
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
    payload = _McPayload(
        n_nodes=graph.n_nodes,
        piece_u=graph.piece_u,
        piece_v=graph.piece_v,
        piece_parent=graph.piece_parent,
        piece_start=graph.piece_start,
        piece_length=graph.piece_length,
        edge_length=graph.network.length,
        p_block=graph.p_block,
        sources=np.unique(graph.shelter_node[graph.shelter_node >= 0]),
        origin_piece=origins.piece,
        origin_t=origins.t,
        max_length=max_length,
        population=pop,
        district=codes,
        n_districts=labels.shape[0],
    )
    seeds = np.random.SeedSequence(int(seed)).spawn(int(realizations))
    chunks = [seeds[i : i + REALIZATIONS_PER_CHUNK] for i in range(0, len(seeds), REALIZATIONS_PER_CHUNK)]
    results = run_tasks(partial(_mc_chunk, payload), chunks, executor, feedback)
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
