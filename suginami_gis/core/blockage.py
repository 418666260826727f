"""Road blockage by collapsed buildings (Tokyo Metropolitan Government 2022) and by fire, per street segment.

Method (docs/methods/routing.md, methods.md section 3):
- Damage ratio of the buildings along a segment, H [%] = collapse ratio [%] + half-collapse ratio [%] / 2.
  From the damage output, P(collapse) = ``p_collapse`` and P(at least half-collapse) = ``p_half``, so the
  half-collapse-only share is ``p_half - p_collapse`` and a building contributes
  100 * (p_collapse + (p_half - p_collapse) / 2) = 50 * (p_collapse + p_half); H is the mean over the
  buildings along the segment (expected ratios, every building counted once).
- "Along": a building counts for a segment when its footprint (or point) lies within
  ``width / 2 + along_distance_m`` of the centreline, i.e. no more than ``along_distance_m`` behind the
  road edge: the frontage row that can fall into the street. Corner buildings count for every segment
  they front.
- Blockage ratio by width class (Tokyo 2022, after Ieda et al. 1997: blocked = passable width <= 3 m),
  clipped to 0..100 %. Segments with no building along them are not blocked by collapse (the regression
  describes streets lined by buildings; with none there is nothing to fall).
- Fire: a segment along a building that burns is taken as impassable; P(fire) is the largest ``p_burn``
  of the buildings along it, combined independently with collapse blockage:
  p_block = 1 - (1 - p_collapse_block) (1 - p_fire).
- User closures (polygons): every segment intersecting one is closed (p_block = 1).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .errors import InputError
from .feedback import Feedback, NullFeedback, check_canceled
from .network import StreetNetwork, estimate_width_from_buildings

log = logging.getLogger(__name__)

# Tokyo Metropolitan Government (2022), 首都直下地震等による東京の被害想定 報告書, road blockage
# (閉塞率) by road width class, after Ieda et al. (1997): blockage ratio [%] = a * H [%] + b.
# Width class lower bounds [m]: class 0 below 3.5 m, class 1 from 3.5 m, class 2 from 5.5 m, class 3
# (13 m or wider) is never blocked.
TOKYO2022_WIDTH_BOUNDS_M = (3.5, 5.5, 13.0)
TOKYO2022_BLOCKAGE_SLOPE = (0.9009, 0.3514, 0.2229)
TOKYO2022_BLOCKAGE_INTERCEPT_PCT = (19.845, 13.189, -1.5026)

# How far behind the road edge a building still counts as "along" the segment (frontage row). A
# choice of this project (typical Tokyo front setback of a few metres), a parameter of road_blockage.
ALONG_DISTANCE_M = 5.0


def width_class(width_m: np.ndarray | float) -> np.ndarray:
    """Tokyo 2022 width class: 0 (< 3.5 m), 1 (3.5-5.5 m), 2 (5.5-13 m), 3 (>= 13 m). Boundaries go up."""
    return np.searchsorted(np.asarray(TOKYO2022_WIDTH_BOUNDS_M), np.asarray(width_m, dtype=np.float64), side="right")


def blockage_ratio_percent(damage_ratio_pct: np.ndarray | float, width_m: np.ndarray | float) -> np.ndarray:
    """Blockage ratio [%] from the roadside damage ratio H [%] and the road width [m] (Tokyo 2022), clipped 0..100."""
    h = np.asarray(damage_ratio_pct, dtype=np.float64)
    cls = width_class(width_m)
    slope = np.append(TOKYO2022_BLOCKAGE_SLOPE, 0.0)[cls]
    intercept = np.append(TOKYO2022_BLOCKAGE_INTERCEPT_PCT, 0.0)[cls]
    return np.clip(slope * h + intercept, 0.0, 100.0)


def building_damage_ratio_percent(p_collapse: np.ndarray, p_half: np.ndarray) -> np.ndarray:
    """Per-building contribution to H [%]: 100 * (P collapse + P half-collapse only / 2) = 50 (p_collapse + p_half)."""
    return 50.0 * (np.asarray(p_collapse, dtype=np.float64) + np.asarray(p_half, dtype=np.float64))


def _probabilities(values: Any, n: int, name: str, parameter: str) -> np.ndarray:
    arr = np.asarray([np.nan if a is None else a for a in np.asarray(values, dtype=object).ravel()], dtype=np.float64)
    if arr.shape[0] != n:
        raise InputError(f"{name}: one value per building is needed ({arr.shape[0]} for {n} buildings)", parameter)
    missing = ~np.isfinite(arr)
    if missing.any():
        log.info("%d buildings have no %s; taken as 0", int(missing.sum()), name)
        arr = np.where(missing, 0.0, arr)
    if (arr < 0).any() or (arr > 1).any():
        raise InputError(f"{name} must be a probability between 0 and 1: use the building-damage output", parameter)
    return arr


@dataclass
class BlockageResult:
    """Per network edge."""

    damage_ratio: np.ndarray  # H [%] of the buildings along; 0 where none
    n_along: np.ndarray  # number of buildings along
    p_block_collapse: np.ndarray  # Tokyo 2022 blockage ratio / 100 (0 where no building along)
    p_fire: np.ndarray  # largest p_burn of the buildings along (0 without fire data)
    closed: np.ndarray  # bool: intersects a user closure
    p_block: np.ndarray  # combined probability that the segment is impassable


def buildings_along(
    geometry: np.ndarray,
    width_m: np.ndarray,
    buildings: np.ndarray,
    along_distance_m: float = ALONG_DISTANCE_M,
) -> tuple[np.ndarray, np.ndarray]:
    """(edge index, building index) pairs: footprints within width/2 + along_distance_m of the centreline."""
    import shapely

    reach = np.where(np.isfinite(width_m), width_m, 0.0) / 2.0 + along_distance_m
    tree = shapely.STRtree(buildings)
    edge_idx, bld_idx = tree.query(geometry, predicate="dwithin", distance=reach)
    order = np.lexsort((bld_idx, edge_idx))
    return edge_idx[order], bld_idx[order]


def road_blockage(
    network: StreetNetwork,
    buildings: Sequence[Any] | np.ndarray,
    p_collapse: Sequence[float] | np.ndarray,
    p_half: Sequence[float] | np.ndarray,
    *,
    p_burn: Sequence[float] | np.ndarray | None = None,
    closures: Sequence[Any] | np.ndarray | None = None,
    along_distance_m: float = ALONG_DISTANCE_M,
    parameter: str = "BUILDINGS",
    feedback: Feedback | None = None,
) -> BlockageResult:
    """Blockage probability of every edge of ``network`` (widths must be filled, see network.fill_widths)."""
    import shapely

    feedback = feedback or NullFeedback()
    if along_distance_m < 0:
        raise InputError("the along distance must not be negative", "ALONG_DISTANCE")
    bld = np.asarray(buildings, dtype=object).ravel()
    n_b = bld.shape[0]
    pc = _probabilities(p_collapse, n_b, "p_collapse", parameter)
    ph = _probabilities(p_half, n_b, "p_half", parameter)
    if (ph < pc - 1e-9).any():
        raise InputError(
            "p_half (at least half-collapse) is smaller than p_collapse for some buildings: p_half must include "
            "collapse; use the building-damage output fields p_collapse and p_half",
            parameter,
        )
    pb = _probabilities(p_burn, n_b, "p_burn", parameter) if p_burn is not None else None
    m = network.n_edges
    width = np.asarray(network.width, dtype=np.float64)
    if (~np.isfinite(width)).any():
        raise InputError("some street widths are unknown: fill them first (network.fill_widths)", "WIDTH_FIELD")
    ok = ~(shapely.is_missing(bld) | shapely.is_empty(bld)) if n_b else np.zeros(0, dtype=bool)
    damage = np.zeros(m)
    n_along = np.zeros(m, dtype=np.int64)
    p_fire = np.zeros(m)
    if ok.any():
        keep = np.flatnonzero(ok)
        e_idx, b_local = buildings_along(network.geometry, width, bld[keep], along_distance_m)
        b_idx = keep[b_local]
        check_canceled(feedback)
        n_along = np.bincount(e_idx, minlength=m)
        h_sum = np.bincount(e_idx, weights=building_damage_ratio_percent(pc[b_idx], ph[b_idx]), minlength=m)
        damage = np.divide(h_sum, n_along, out=np.zeros(m), where=n_along > 0)
        if pb is not None:
            np.maximum.at(p_fire, e_idx, pb[b_idx])
    feedback.set_progress(60)
    p_collapse_block = np.where(n_along > 0, blockage_ratio_percent(damage, width) / 100.0, 0.0)
    closed = np.zeros(m, dtype=bool)
    if closures is not None:
        polys = np.asarray(closures, dtype=object).ravel()
        polys = polys[~(shapely.is_missing(polys) | shapely.is_empty(polys))] if polys.size else polys
        if polys.size:
            _, hit = shapely.STRtree(network.geometry).query(polys, predicate="intersects")
            closed[hit] = True
    p_block = 1.0 - (1.0 - p_collapse_block) * (1.0 - p_fire)
    p_block[closed] = 1.0
    feedback.set_progress(100)
    return BlockageResult(
        damage_ratio=damage,
        n_along=n_along,
        p_block_collapse=p_collapse_block,
        p_fire=p_fire,
        closed=closed,
        p_block=np.clip(p_block, 0.0, 1.0),
    )


def width_estimate_errors(network: StreetNetwork, buildings: Sequence[Any] | np.ndarray) -> dict[str, Any]:
    """Out-of-sample check of the footprint estimate: estimate every tag-width segment as if it had no tag.

    The segments whose width came from an OSM tag (osm_width, yh_width) are split by OSM way id: even
    ids are the half WIDTH_SETBACK_M was fitted on ("tuning"), odd ids are held out ("held_out").
    Returns per split: segments, estimated (share with buildings on both sides), median absolute error,
    share within 1 m, median signed error (estimate - tag; positive = biased wide) and the share in the
    tag's Tokyo 2022 width class (3.5 / 5.5 / 13 m bounds).
    """
    if network.width_source is None:
        raise InputError("the network has no width sources: read it with network_from_osm_xml", "OSM_FILE")
    sources = network.width_source.astype(str)
    tagged = np.isin(sources, ["osm_width", "yh_width"])
    highway = None if network.highway is None else network.highway
    out: dict[str, Any] = {}
    even = network.source_index % 2 == 0
    for name, mask in (("tuning", tagged & even), ("held_out", tagged & ~even), ("all", tagged)):
        est, _ = estimate_width_from_buildings(
            network.geometry[mask], buildings, highway=None if highway is None else highway[mask]
        )
        tag = network.width[mask]
        ok = np.isfinite(est)
        err = est[ok] - tag[ok]
        out[name] = {
            "segments": int(mask.sum()),
            "estimated": float(ok.mean()) if mask.any() else math.nan,
            "median_abs_error_m": float(np.median(np.abs(err))) if err.size else math.nan,
            "within_1m": float(np.mean(np.abs(err) <= 1.0)) if err.size else math.nan,
            "median_signed_error_m": float(np.median(err)) if err.size else math.nan,
            "same_width_class": float(np.mean(width_class(est[ok]) == width_class(tag[ok]))) if err.size else math.nan,
        }
    return out
