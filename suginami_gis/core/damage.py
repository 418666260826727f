"""Earthquake building damage: per-building probabilities, Monte Carlo damage states, district totals.

Expected-value mode (``realizations == 0``) computes every probability and expected total exactly
(averaging over ground-motion bands). Sampled mode draws one uniform number per building and
realization: collapsed if u < P(collapse), half-collapsed if P(collapse) <= u < P(half), which
gives each building the right state probabilities; realization r uses ground-motion band r mod B.
Realizations are split into fixed chunks, each with its own seed spawned from ``seed`` by
``numpy.random.SeedSequence`` in a fixed order, so the result is the same with or without an
executor. docs/methods/damage.md describes the method and its limits.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .casualties import CasualtyParameters, building_weights
from .errors import InputError
from .executors import run_tasks, sharing
from .feedback import Feedback, NullFeedback, SubFeedback, check_canceled
from .fragility import SEISMIC_STANDARD_YEAR, CurveSet, Measure, Structure, load_curve_set, to_measure
from .realizations import check_realizations

log = logging.getLogger(__name__)

# Realizations per Monte Carlo chunk. Fixed (not derived from the executor) so that results do not
# depend on how the work is spread; 50 x 124,207 buildings is about 25 MB of float32 draws.
DEFAULT_CHUNK_REALIZATIONS = 50
# Percentiles reported for district and ward totals (issue 3).
PERCENTILES = (5.0, 95.0)
# District-total quantities, in output order.
QUANTITIES = ("collapsed", "half_collapsed", "deaths", "severe_injuries", "shelter_need")


@dataclass
class DistrictTotals:
    """Totals per district; row ``len(names)`` is not stored here (the ward is in ``ward``)."""

    names: list[str]
    buildings: np.ndarray  # (D,) buildings with a damage estimate
    mean: dict[str, np.ndarray]  # quantity -> (D,) expected value (exact or Monte Carlo mean)
    p5: dict[str, np.ndarray]  # NaN in expected-value mode
    p95: dict[str, np.ndarray]
    # expected value under the first ground-motion band alone: the median scenario when the raster
    # comes from suginami:groundmotion (band 1 = median), the single scenario a damage study reports
    median: dict[str, np.ndarray] = field(default_factory=dict)


@dataclass
class DamageResult:
    intensity: np.ndarray  # (n,) mean over bands, JMA instrumental intensity; NaN = skipped
    pgv: np.ndarray  # (n,) mean over bands, cm/s
    p_collapse: np.ndarray  # (n,)
    p_half: np.ndarray  # (n,) P(at least half-collapse)
    retrofitted: np.ndarray  # (n,) bool
    exp_deaths: np.ndarray  # (n,)
    exp_injuries: np.ndarray  # (n,) severe injuries
    valid: np.ndarray  # (n,) bool: False = skipped (no ground motion at the building)
    class_index: np.ndarray  # (n,) curve class used (after retrofit)
    intensity_median: np.ndarray  # (n,) first band (the median scenario), NaN = skipped
    p_collapse_median: np.ndarray  # (n,) under the first band
    p_half_median: np.ndarray  # (n,)
    districts: DistrictTotals
    ward: dict[str, float]  # ward totals: <quantity>, <quantity>_p5, <quantity>_p95, counts
    notes: list[str] = field(default_factory=list)
    realizations: int = 0
    bands: int = 1
    seed: int | None = None


def meets_seismic_standard(year_built: np.ndarray) -> np.ndarray:
    """True for buildings built under the 1981 seismic standard (year >= 1981)."""
    return np.asarray(year_built, dtype=np.float64) >= SEISMIC_STANDARD_YEAR


class RetrofitPriority(enum.IntEnum):
    """Which below-standard buildings a retrofit programme reaches first (RETROFIT_PRIORITY enum order)."""

    OLDEST_WOODEN_FIRST = 0  # the ward subsidises old wooden houses: wooden by year, then non-wooden by year
    RANDOM = 1  # a seeded random order (the behaviour before version 2 of the retrofit model)


def standard_share(meets_standard: np.ndarray, weights: np.ndarray | None = None) -> float:
    """Share of ``weights`` (dwellings; None = buildings) in buildings meeting the standard."""
    meets = np.asarray(meets_standard, dtype=bool)
    w = np.ones(len(meets)) if weights is None else np.asarray(weights, dtype=np.float64)
    total = float(w.sum())
    return float(w[meets].sum() / total) if total > 0 else float("nan")


def _retrofit_weights(weights: np.ndarray | None, n: int, parameter: str = "DWELLINGS_FIELD") -> np.ndarray | None:
    """Validated per-building weights, or None when they are all equal (the count rule applies)."""
    if weights is None:
        return None
    w = np.asarray(weights, dtype=np.float64)
    if w.shape != (n,):
        raise InputError("the dwelling counts must have one value per building", parameter)
    bad = ~np.isfinite(w) | (w < 0)
    if bad.any():
        raise InputError(
            f"{int(bad.sum())} buildings have an empty or negative count; the retrofit share needs a "
            "count of 0 or more for every building",
            parameter,
        )
    if n and float(w.sum()) <= 0:
        raise InputError("every count is 0: the dwelling-weighted retrofit share is undefined", parameter)
    if n and np.all(w == w[0]):
        return None
    return w


def select_retrofits(
    meets_standard: np.ndarray,
    target_rate: float,
    rng: np.random.Generator,
    already: np.ndarray | None = None,
    *,
    weights: np.ndarray | None = None,
    priority: RetrofitPriority = RetrofitPriority.RANDOM,
    year_built: np.ndarray | None = None,
    structure: np.ndarray | None = None,
) -> np.ndarray:
    """Choose below-standard buildings until the weighted standard share reaches ``target_rate``.

    ``weights`` are dwellings per building (None or all equal = buildings count alike); the share is
    sum(weights of buildings meeting the standard) / sum(weights). Buildings meeting the standard,
    or in ``already``, are never chosen; buildings with weight 0 do not count and are never chosen.

    ``priority`` orders the candidates: OLDEST_WOODEN_FIRST = wooden buildings by construction year
    (oldest first, ties in a seeded random order), then non-wooden ones the same way (needs
    ``year_built`` and ``structure``); RANDOM = a seeded random order. The chosen set is the shortest
    prefix of that order whose weights bring the share to the target (all candidates if the target
    cannot be reached), so the share after is at or above the target by less than one building's
    weight. With equal weights and RANDOM the draw is the original one: round(target * n) - n_meeting
    buildings by ``rng.choice``, so the share is the target to within half a building and results
    match earlier versions for the same seed. A target at or below the present share retrofits nothing.
    """
    if not (0.0 <= target_rate <= 1.0) or not np.isfinite(target_rate):
        raise InputError(f"the retrofit target rate must be between 0 and 1, got {target_rate}", "RETROFIT_TARGET_RATE")
    priority = RetrofitPriority(priority)
    meets = np.asarray(meets_standard, dtype=bool).copy()
    if already is not None:
        meets |= np.asarray(already, dtype=bool)
    n = len(meets)
    chosen = np.zeros(n, dtype=bool)
    w = _retrofit_weights(weights, n)
    if priority == RetrofitPriority.RANDOM and w is None:
        k = round(target_rate * n) - int(meets.sum())
        if k <= 0:
            return chosen
        candidates = np.flatnonzero(~meets)
        pick = rng.choice(candidates, size=min(k, len(candidates)), replace=False)
        chosen[pick] = True
        return chosen

    w_all = np.ones(n) if w is None else w
    total = float(w_all.sum())
    needed = target_rate * total - float(w_all[meets].sum())
    # Tolerance for sums of float weights (a share of exactly the target counts as reached).
    if n == 0 or needed <= 1e-9 * total:
        return chosen
    candidates = np.flatnonzero(~meets & (w_all > 0))
    if priority == RetrofitPriority.OLDEST_WOODEN_FIRST:
        if year_built is None or structure is None:
            raise InputError(
                "the oldest-wooden-first retrofit priority needs construction years and structures",
                "RETROFIT_PRIORITY",
            )
        years = np.asarray(year_built, dtype=np.float64)[candidates]
        non_wood = np.asarray(structure)[candidates] != int(Structure.WOOD)
        tie = rng.random(len(candidates))
        order = candidates[np.lexsort((tie, years, non_wood))]
    else:
        order = rng.permutation(candidates)
    cumulative = np.cumsum(w_all[order])
    count = int(np.searchsorted(cumulative, needed - 1e-9 * total, side="left")) + 1
    chosen[order[: min(count, len(order))]] = True
    return chosen


def sample_ground_motion(
    raster: Any, x: np.ndarray, y: np.ndarray, crs_wkt: str | None = None, parameter: str = "GROUND_MOTION"
) -> np.ndarray:
    """Raster values at building points as (bands, n); NaN outside the raster or on nodata.

    ``raster`` is a :class:`~suginami_gis.core.rasters.RasterData`. When the buildings' CRS
    (``crs_wkt``) differs from the raster's, the points are transformed to the raster CRS.
    """
    from .rasters import sample_grid

    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if crs_wkt:
        from rasterio.crs import CRS
        from rasterio.warp import transform

        try:
            src, dst = CRS.from_user_input(crs_wkt), CRS.from_wkt(raster.grid.crs_wkt)
        except Exception as exc:
            raise InputError(f"cannot interpret the coordinate reference systems: {exc}", parameter) from exc
        if src != dst:
            ok = np.isfinite(x) & np.isfinite(y)
            tx, ty = transform(src, dst, x[ok], y[ok])
            x, y = x.copy(), y.copy()
            x[ok], y[ok] = tx, ty
    located = np.isfinite(x) & np.isfinite(y)
    if located.all():
        return sample_grid(raster.array, raster.grid, x, y)
    out = np.full((raster.array.shape[0], len(x)), np.nan)
    out[:, located] = sample_grid(raster.array, raster.grid, x[located], y[located])
    return out


def assign_districts(x: np.ndarray, y: np.ndarray, polygons: Sequence[Any]) -> np.ndarray:
    """Index of the district polygon containing each point (-1 if none; lowest index on shared edges)."""
    import shapely
    from shapely import STRtree

    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    out = np.full(len(x), -1, dtype=np.int32)
    geoms = np.asarray(polygons, dtype=object)
    if len(geoms) == 0 or len(x) == 0:
        return out
    ok = np.isfinite(x) & np.isfinite(y)
    points = shapely.points(x[ok], y[ok])
    tree = STRtree(geoms)
    pt_idx, poly_idx = tree.query(points, predicate="intersects")
    order = np.lexsort((poly_idx, pt_idx))
    pt_idx, poly_idx = pt_idx[order], poly_idx[order]
    first = np.ones(len(pt_idx), dtype=bool)
    first[1:] = pt_idx[1:] != pt_idx[:-1]
    sub = np.full(int(ok.sum()), -1, dtype=np.int32)
    sub[pt_idx[first]] = poly_idx[first]
    out[ok] = sub
    return out


@dataclass
class _ChunkArrays:
    """What every Monte Carlo chunk of one estimate reads (shared by the chunks: executors.sharing)."""

    p_collapse: np.ndarray  # (B, m) for the valid buildings
    p_half: np.ndarray  # (B, m)
    collapse_matrix: Any  # sparse (Kc, m): group x quantity weights if collapsed
    half_matrix: Any  # sparse (Kh, m): group x quantity weights if half-collapsed only


@dataclass
class _ChunkTask:
    """One Monte Carlo chunk; a plain picklable object so process pools can run it."""

    seed: np.random.SeedSequence
    bands: np.ndarray  # ground-motion band of each realization in the chunk
    arrays: _ChunkArrays


# Values (realizations x buildings) drawn at a time within a chunk: its arrays stay near 0.5 GB however many
# buildings (1.9 million buildings x a chunk's 50 realizations took about 1.5 GB in one block).
BLOCK_VALUES = 1 << 24


def _simulate_chunk(task: _ChunkTask) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(task.seed)
    arrays = task.arrays
    m = arrays.p_collapse.shape[1]
    step = max(1, BLOCK_VALUES // max(m, 1))
    parts_c, parts_h = [], []
    # Drawn block by block from the same stream: the numbers, and so the totals, are those of one draw.
    for start in range(0, len(task.bands), step):
        bands = task.bands[start : start + step]
        u = rng.random((len(bands), m), dtype=np.float32)
        collapsed = u < arrays.p_collapse[bands]
        half = (u < arrays.p_half[bands]) & ~collapsed
        del u
        parts_c.append(np.asarray(arrays.collapse_matrix @ collapsed.T.astype(np.float64)).T)
        parts_h.append(np.asarray(arrays.half_matrix @ half.T.astype(np.float64)).T)
    return np.concatenate(parts_c), np.concatenate(parts_h)


def _group_matrix(groups: np.ndarray, n_groups: int, weights: list[np.ndarray]) -> Any:
    """Sparse (n_groups * Q, m) matrix: row g*Q + q sums weight q over the buildings of group g.

    Every building is also in the last group (the ward).
    """
    from scipy import sparse

    m = len(groups)
    q = len(weights)
    rows, cols, vals = [], [], []
    cols_all = np.arange(m)
    in_district = groups >= 0
    for k, w in enumerate(weights):
        rows.append(groups[in_district] * q + k)
        cols.append(cols_all[in_district])
        vals.append(w[in_district])
        rows.append(np.full(m, (n_groups - 1) * q + k))
        cols.append(cols_all)
        vals.append(w)
    return sparse.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(n_groups * q, m)
    )


def estimate_damage(
    structure: np.ndarray,
    year_built: np.ndarray,
    ground_motion: np.ndarray,
    measure: Measure = Measure.INTENSITY,
    curves: CurveSet | None = None,
    *,
    taxonomy: Sequence[str] | np.ndarray | None = None,
    occupants: np.ndarray | None = None,
    district_index: np.ndarray | None = None,
    district_names: Sequence[str] | None = None,
    retrofit_target_rate: float | None = None,
    retrofit_flags: np.ndarray | None = None,
    dwellings: np.ndarray | None = None,
    retrofit_priority: RetrofitPriority = RetrofitPriority.OLDEST_WOODEN_FIRST,
    realizations: int = 0,
    seed: int | None = None,
    scenario_hour: int = 18,
    casualty_params: CasualtyParameters | None = None,
    feedback: Feedback | None = None,
    executor: Any = None,
    chunk_realizations: int = DEFAULT_CHUNK_REALIZATIONS,
    median_motion: np.ndarray | None = None,
) -> DamageResult:
    """Damage probabilities, casualties and district totals for ``n`` buildings.

    structure: :class:`~suginami_gis.core.fragility.Structure` codes (see ``parse_structure``);
    year_built: validated years (``parse_years``); ground_motion: (bands, n) or (n,) values in
    ``measure`` at each building, NaN = no value (the building is skipped, counted and reported);
    district_index: (n,) index into ``district_names`` or -1.
    ``median_motion`` (n,): the median ground motion (suginami:groundmotion's band 1); the
    ``*_median`` results are expected values under it (under the first band when not given).
    Retrofit: the standard share (before, after, target) is weighted by ``dwellings`` per building;
    without them by ``occupants`` (proportional to dwellings at a constant household size), and
    without those every building counts alike (the default occupants per building is one constant).
    ``retrofit_priority`` chooses which below-standard buildings a target reaches (:func:`select_retrofits`).
    """
    feedback = feedback or NullFeedback()
    curves = curves or load_curve_set(None)
    params = casualty_params or CasualtyParameters()
    structure = np.asarray(structure)
    year_built = np.asarray(year_built, dtype=np.float64)
    n = len(structure)
    gm = np.asarray(ground_motion, dtype=np.float64)
    if gm.ndim == 1:
        gm = gm[None, :]
    if gm.ndim != 2 or gm.shape[1] != n or len(year_built) != n:
        raise InputError("ground motion, structure and year arrays must have one entry per building", "BUILDINGS")
    if gm.shape[0] == 0:
        raise InputError("the ground-motion raster has no bands", "GROUND_MOTION")
    realizations = int(realizations)
    realizations = check_realizations(realizations, 0)
    if scenario_hour not in params.occupancy_ratio:
        params.ratio(scenario_hour)  # raises the InputError
    notes: list[str] = []
    bands = gm.shape[0]

    if Measure(measure) == Measure.PGV and np.any(gm[np.isfinite(gm)] <= 0):
        raise InputError("PGV values must be positive (cm/s); check GROUND_MOTION_MEASURE", "GROUND_MOTION_MEASURE")
    if Measure(measure) == Measure.INTENSITY:
        finite = gm[np.isfinite(gm)]
        if finite.size and (finite.min() < -3 or finite.max() > 8):
            raise InputError(
                f"intensity values {finite.min():.3g}..{finite.max():.3g} lie outside the JMA scale (-3..7+); "
                "is the raster PGV? set GROUND_MOTION_MEASURE",
                "GROUND_MOTION_MEASURE",
            )

    valid = np.all(np.isfinite(gm), axis=0)
    skipped = int(n - valid.sum())
    if skipped:
        notes.append(
            f"{skipped} of {n} buildings have no ground-motion value (outside the raster, on nodata or without "
            "geometry): they are skipped and their outputs left empty"
        )
    if valid.sum() == 0 and n > 0:
        raise InputError(
            "no building lies on a ground-motion value: check that the raster covers the buildings "
            "(and that both layers have the right CRS)",
            "GROUND_MOTION",
        )

    # Seeds: child 0 for retrofit selection, child 1 for the Monte Carlo chunks.
    if seed is None:
        seed = int(np.random.SeedSequence().entropy) % (2**63)  # type: ignore[arg-type]
        notes.append(f"no seed given: used seed {seed}")
    seq_retrofit, seq_mc = np.random.SeedSequence(int(seed)).spawn(2)

    class_index = curves.assign(structure, year_built, taxonomy)
    retrofitted = np.zeros(n, dtype=bool)
    if retrofit_flags is not None:
        flags = np.asarray(retrofit_flags, dtype=bool)
        if flags.shape != (n,):
            raise InputError("the retrofit field must have one value per building", "RETROFIT_FIELD")
        retrofitted |= flags
    meets = meets_seismic_standard(year_built)
    if dwellings is not None:
        share_weights, weighted_by = np.asarray(dwellings, dtype=np.float64), "dwellings"
        _retrofit_weights(share_weights, n, "DWELLINGS_FIELD")
    elif occupants is not None:
        share_weights, weighted_by = np.asarray(occupants, dtype=np.float64), "occupants (proportional to dwellings)"
        if retrofit_target_rate is not None:
            _retrofit_weights(share_weights, n, "OCCUPANTS_FIELD")
    else:
        share_weights, weighted_by = np.ones(n), "buildings (no dwellings or occupants given)"
    # The ward's 耐震化率 counts dwellings: the shares are weighted (methods: docs/methods/damage.md).
    share_before = standard_share(meets, share_weights) if n else float("nan")
    if retrofit_target_rate is not None:
        priority = RetrofitPriority(retrofit_priority)
        chosen = select_retrofits(
            meets,
            float(retrofit_target_rate),
            np.random.default_rng(seq_retrofit),
            retrofitted,
            weights=share_weights,
            priority=priority,
            year_built=year_built,
            structure=structure,
        )
        with_flags = standard_share(meets | retrofitted, share_weights) if n else float("nan")
        retrofitted |= chosen
        share_after = standard_share(meets | retrofitted, share_weights) if n else float("nan")
        how = "oldest wooden first" if priority == RetrofitPriority.OLDEST_WOODEN_FIRST else "at random"
        notes.append(
            f"retrofit: {int(chosen.sum())} buildings chosen ({how}); share meeting the 1981 standard, weighted by "
            f"{weighted_by}: {share_before:.1%} -> {share_after:.1%} (target {retrofit_target_rate:.1%}; "
            f"buildings {float(meets.mean()):.1%} -> {float((meets | retrofitted).mean()):.1%})"
        )
        if retrofit_target_rate <= with_flags:
            notes.append("the retrofit target is at or below the present share: no building was chosen")
    else:
        share_after = standard_share(meets | retrofitted, share_weights) if n else float("nan")
    if retrofitted.any():
        upgraded = np.array([curves.retrofit_class(int(k)) for k in range(len(curves.classes))], dtype=np.int32)
        class_index = np.where(retrofitted, upgraded[class_index], class_index)

    check_canceled(feedback)
    feedback.set_progress(5.0)
    if valid.all():  # no (bands x buildings) NaN arrays and copies: each is ~100 MB for a ward
        p_c_b, p_h_b = curves.probabilities(class_index, gm, measure)
    else:
        p_c_b = np.full((bands, n), np.nan)
        p_h_b = np.full((bands, n), np.nan)
        if valid.any():
            pc, ph = curves.probabilities(class_index[valid], gm[:, valid], measure)
            p_c_b[:, valid], p_h_b[:, valid] = pc, ph
    # Band means of each measure (with one band: the raster value and its Midorikawa (1999) conversion).
    with np.errstate(invalid="ignore"):
        intensity = np.where(valid, to_measure(gm, measure, Measure.INTENSITY).mean(axis=0), np.nan)
        pgv = np.where(valid, to_measure(gm, measure, Measure.PGV).mean(axis=0), np.nan)
    p_collapse = p_c_b.mean(axis=0)
    p_half = p_h_b.mean(axis=0)

    weights = building_weights(structure, occupants, scenario_hour, params)
    exp_deaths = np.where(valid, p_collapse * weights.deaths_if_collapsed, np.nan)
    exp_injuries = np.where(valid, p_collapse * weights.injuries_if_collapsed, np.nan)

    names = list(district_names or [])
    groups = np.full(n, -1, dtype=np.int32) if district_index is None else np.asarray(district_index, dtype=np.int32)
    if groups.shape != (n,) or (len(groups) and groups.max(initial=-1) >= len(names)):
        raise InputError("district indices must refer to the district list", "DISTRICTS")
    if names:
        outside = int(np.sum(valid & (groups < 0)))
        if outside:
            notes.append(f"{outside} buildings lie in no district: they count in the ward totals only")
    n_groups = len(names) + 1
    g_valid = groups[valid]
    buildings_per_group = np.bincount(np.where(g_valid >= 0, g_valid, n_groups - 1), minlength=n_groups).astype(float)
    buildings_per_group[-1] = float(valid.sum())

    wc = [
        np.ones(int(valid.sum())),
        weights.deaths_if_collapsed[valid],
        weights.injuries_if_collapsed[valid],
        weights.shelter_if_collapsed[valid],
    ]
    wh = [np.ones(int(valid.sum())), weights.shelter_if_half[valid]]
    mat_c = _group_matrix(g_valid, n_groups, wc)
    mat_h = _group_matrix(g_valid, n_groups, wh)

    def assemble(tc: np.ndarray, th: np.ndarray) -> np.ndarray:
        """(R, G*4), (R, G*2) -> (R, G, 5) in QUANTITIES order."""
        r = tc.shape[0]
        tc = tc.reshape(r, n_groups, 4)
        th = th.reshape(r, n_groups, 2)
        return np.stack([tc[..., 0], th[..., 0], tc[..., 1], tc[..., 2], tc[..., 3] + th[..., 1]], axis=-1)

    pc_v, ph_v = p_c_b[:, valid], p_h_b[:, valid]
    if median_motion is None:
        med_gm = gm[0]
        pc_med, ph_med = p_c_b[0], p_h_b[0]
    else:
        med_gm = np.asarray(median_motion, dtype=np.float64)
        if med_gm.shape != (n,):
            raise InputError("the median ground motion must have one value per building", "GROUND_MOTION")
        pc_med, ph_med = np.full(n, np.nan), np.full(n, np.nan)
        ok = valid & np.isfinite(med_gm)
        if ok.any():
            pc_med[ok], ph_med[ok] = curves.probabilities(class_index[ok], med_gm[ok], measure)
    pcm, phm = np.nan_to_num(pc_med[valid]), np.nan_to_num(ph_med[valid])
    median_tot = assemble(np.asarray(mat_c @ pcm)[None, :], np.asarray(mat_h @ (phm - pcm))[None, :])[0]
    if realizations == 0:
        exact = assemble(
            np.asarray(mat_c @ pc_v.mean(axis=0))[None, :], np.asarray(mat_h @ (ph_v - pc_v).mean(axis=0))[None, :]
        )[0]
        mean_tot, p5_tot, p95_tot = exact, np.full_like(exact, np.nan), np.full_like(exact, np.nan)
        feedback.set_progress(100.0)
    else:
        if realizations < bands:
            notes.append(f"only the first {realizations} of {bands} ground-motion bands are used (one per realization)")
        chunk = max(1, int(chunk_realizations))
        starts = list(range(0, realizations, chunk))
        seeds = seq_mc.spawn(len(starts))
        with sharing(executor) as share:
            arrays = share(_ChunkArrays(pc_v, ph_v, mat_c, mat_h))
            tasks = [
                _ChunkTask(seed=s, bands=np.arange(a, min(a + chunk, realizations)) % bands, arrays=arrays)
                for a, s in zip(starts, seeds)
            ]
            parts = run_tasks(_simulate_chunk, tasks, executor, SubFeedback(feedback, 5.0, 100.0))
        per_real = np.concatenate([assemble(tc, th) for tc, th in parts], axis=0)
        mean_tot = per_real.mean(axis=0)
        p5_tot, p95_tot = np.percentile(per_real, PERCENTILES, axis=0)

    districts = DistrictTotals(
        names=names,
        buildings=buildings_per_group[:-1],
        mean={q: mean_tot[:-1, k] for k, q in enumerate(QUANTITIES)},
        p5={q: p5_tot[:-1, k] for k, q in enumerate(QUANTITIES)},
        p95={q: p95_tot[:-1, k] for k, q in enumerate(QUANTITIES)},
        median={q: median_tot[:-1, k] for k, q in enumerate(QUANTITIES)},
    )
    ward: dict[str, float] = {
        "buildings": float(n),
        "buildings_estimated": float(valid.sum()),
        "buildings_skipped": float(skipped),
        "retrofitted": float(retrofitted.sum()),
        "share_seismic_standard_before": share_before,
        "share_seismic_standard_after": share_after,
        "realizations": float(realizations),
    }
    for k, q in enumerate(QUANTITIES):
        ward[q] = float(mean_tot[-1, k])
        ward[f"{q}_p5"] = float(p5_tot[-1, k])
        ward[f"{q}_p95"] = float(p95_tot[-1, k])
        ward[f"{q}_median"] = float(median_tot[-1, k])
    for note in notes:
        feedback.info(note)
    return DamageResult(
        intensity=intensity,
        pgv=pgv,
        p_collapse=p_collapse,
        p_half=p_half,
        retrofitted=retrofitted,
        exp_deaths=exp_deaths,
        exp_injuries=exp_injuries,
        valid=valid,
        class_index=class_index,
        intensity_median=np.where(valid, to_measure(med_gm, measure, Measure.INTENSITY), np.nan),
        p_collapse_median=pc_med,
        p_half_median=ph_med,
        districts=districts,
        ward=ward,
        notes=notes,
        realizations=realizations,
        bands=bands,
        seed=int(seed),
    )
