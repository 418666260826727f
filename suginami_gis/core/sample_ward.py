"""Deterministic generator of the bundled sample ward (and of a ward-scale set for benchmarks).

The sample is synthetic but patterned on a Suginami neighbourhood (Asagaya / Koenji): a
jittered street grid with many lanes under 4 m and a few wide arterials, dense wooden blocks
between them, mid-rise non-wooden buildings along the arterials, schools that serve as relief
centres with their grounds, Wi-Fi access points at the schools and an AVS30 raster with softer
ground along a small river valley. docs/sample-ward.md gives the source of every share used.

Same seed, same bytes: the generator draws from one numpy Generator in a fixed order and
writes the GeoPackage with a fixed timestamp.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .atomic import atomic_output

log = logging.getLogger(__name__)

CRS_EPSG = 6677  # JGD2011 / Japan Plane Rectangular CS IX (Tokyo)
# Centre of the sample: Asagaya-Minami / Koenji-Minami, Suginami (139.645 E, 35.703 N) in EPSG:6677.
SAMPLE_CENTRE = (-17040.0, -32930.0)
FIXED_TIMESTAMP = "2026-01-01T00:00:00.000Z"

# --- building-stock shares (sources in docs/sample-ward.md) ---------------------------------
# Share of buildings meeting the 1981 seismic standard in the ward study (Suginami 耐震改修促進計画).
SEISMIC_STANDARD_SHARE = 0.846
# Share of fire-resistant (fireproof + semi-fireproof) buildings in the ward study (不燃化の現状).
FIRE_RESISTANT_SHARE = 0.561
# Persons per household in Suginami: 571,703 residents / 326,731 households (resident register 2022).
PERSONS_PER_HOUSEHOLD = 571_703 / 326_731
# Gross floor area per flat in apartment buildings, common parts included: 75 m2 (Suginami's
# mean dwelling floor area is about 60 m2 (Housing and Land Survey 2018), plus about 25 % common
# parts).
GROSS_M2_PER_FLAT = 75.0
# Floor area per person in a relief centre: 3.5 m2 (Cabinet Office shelter guideline, Dec 2024).
SHELTER_M2_PER_PERSON = 3.5

# Construction eras of methods.md section 2 with the share of each era among wooden and
# non-wooden buildings built before / after 1981, so that 84.6 % meet the 1981 standard.
WOOD_ERAS = ((1950, 1962), (1963, 1971), (1972, 1980), (1981, 1990), (1991, 2000), (2001, 2023))
NON_WOOD_ERAS = ((1955, 1971), (1972, 1980), (1981, 2023))


@dataclass(frozen=True)
class WardSpec:
    """Size and density of a generated ward."""

    width_m: float = 2000.0
    height_m: float = 2000.0
    street_spacing_m: float = 62.0
    arterial_every: int = 9  # every n-th grid line is an arterial
    collector_every: int = 3
    schools: int = 5
    open_block_share: float = 0.2  # parks, temples, fields: blocks with no buildings
    empty_lot_scale: float = 1.0  # multiplies EMPTY_LOT_SHARE
    seed: int = 20240101


SAMPLE_SPEC = WardSpec()
# Ward scale: 34 km2 like Suginami (5.83 km square), about 120,000 buildings and 40,000 edges.
WARD_SCALE_SPEC = WardSpec(
    width_m=5830.0, height_m=5830.0, street_spacing_m=40.0, schools=65, open_block_share=0.05, empty_lot_scale=0.2
)


@dataclass
class SampleWard:
    buildings: Any  # geopandas.GeoDataFrame
    roads: Any
    districts: Any
    shelters: Any
    shelter_sites: Any
    wifi_aps: Any
    avs30: np.ndarray
    avs30_transform: tuple[float, float, float]  # xmin, ymax, pixel size


def _road_class(index: int, spec: WardSpec) -> str:
    if index % spec.arterial_every == 0:
        return "arterial"
    if index % spec.collector_every == 0:
        return "collector"
    return "local"


# Widths by class: arterial 16-25 m, collector 6-11 m; local streets from 2.0 m lanes to 6 m,
# with about 45 % under 4 m (Tokyo's 木密 districts: most lanes below the 4 m Building Standard
# Act minimum; docs/sample-ward.md).
def _width(road_class: str, rng: np.random.Generator) -> tuple[float, str]:
    if road_class == "arterial":
        return float(rng.choice([16.0, 18.0, 22.0, 25.0])), "secondary"
    if road_class == "collector":
        return float(np.round(rng.uniform(6.0, 11.0), 1)), "tertiary"
    u = rng.random()
    if u < 0.45:
        return float(np.round(rng.uniform(2.0, 3.9), 1)), "service" if u < 0.1 else "residential"
    return float(np.round(rng.uniform(4.0, 6.0), 1)), "residential"


def generate(spec: WardSpec = SAMPLE_SPEC, centre: tuple[float, float] = SAMPLE_CENTRE) -> SampleWard:
    """Build the ward in memory (geopandas frames in EPSG:6677)."""
    import geopandas as gpd
    import shapely
    from shapely.geometry import LineString

    rng = np.random.default_rng(spec.seed)
    x0 = centre[0] - spec.width_m / 2
    y0 = centre[1] - spec.height_m / 2
    nx = round(spec.width_m / spec.street_spacing_m) + 1
    ny = round(spec.height_m / spec.street_spacing_m) + 1
    gx = x0 + np.arange(nx) * spec.width_m / (nx - 1)
    gy = y0 + np.arange(ny) * spec.height_m / (ny - 1)
    # Jitter inner nodes so streets are not a perfect grid (Suginami's street pattern is organic).
    jitter = spec.street_spacing_m * 0.18
    node_x = gx[None, :] + rng.uniform(-jitter, jitter, (ny, nx))
    node_y = gy[:, None] + rng.uniform(-jitter, jitter, (ny, nx))
    node_x[:, 0], node_x[:, -1] = gx[0], gx[-1]
    node_y[0, :], node_y[-1, :] = gy[0], gy[-1]
    # Arterials are straight: snap their nodes back onto the grid line.
    for i in range(ny):
        if _road_class(i, spec) == "arterial":
            node_y[i, :] = gy[i]
    for j in range(nx):
        if _road_class(j, spec) == "arterial":
            node_x[:, j] = gx[j]

    lines, widths, highways, classes = [], [], [], []
    drop_local = 0.12  # share of local links removed: dead ends and irregular blocks
    for i in range(ny):
        for j in range(nx):
            for di, dj, index in ((0, 1, i), (1, 0, j)):
                ii, jj = i + di, j + dj
                if ii >= ny or jj >= nx:
                    continue
                road_class = _road_class(index, spec)
                on_edge = (di == 0 and i in (0, ny - 1)) or (dj == 0 and j in (0, nx - 1))
                if road_class == "local" and not on_edge and rng.random() < drop_local:
                    continue
                width, highway = _width(road_class, rng)
                lines.append(LineString([(node_x[i, j], node_y[i, j]), (node_x[ii, jj], node_y[ii, jj])]))
                widths.append(width)
                highways.append(highway)
                classes.append(road_class)
    roads = gpd.GeoDataFrame(
        {
            "road_id": np.arange(1, len(lines) + 1, dtype=np.int64),
            "width_m": np.array(widths),
            "highway": highways,
        },
        geometry=lines,
        crs=CRS_EPSG,
    )
    road_classes = np.array(classes)

    # Blocks: faces of the street network minus half the street width.
    street_area = shapely.union_all(
        shapely.buffer(np.array(lines, dtype=object), np.array(widths) / 2, cap_style="flat")
    )
    faces = list(shapely.get_parts(shapely.polygonize(lines)))
    blocks = [b for b in (shapely.difference(f, street_area) for f in faces) if not b.is_empty]
    blocks = [p for b in blocks for p in shapely.get_parts(b) if p.area > 150]

    arterials = shapely.union_all(np.array(lines, dtype=object)[road_classes == "arterial"])
    # Dense wooden districts: a smooth random field over the area (about a third of blocks).
    centres_xy = np.array([[p.centroid.x, p.centroid.y] for p in blocks])
    dense_field = _smooth_field(rng, centres_xy, x0, y0, spec, length=400.0)
    near_arterial = shapely.distance(shapely.points(centres_xy), arterials) < 45.0

    # Schools (relief centres): the largest blocks away from arterials, spread out.
    areas = np.array([b.area for b in blocks])
    school_blocks = _pick_spread(centres_xy, areas, spec.schools, min_gap=spec.width_m / (spec.schools**0.5 + 1))

    rows: list[dict] = []
    sites: list[dict] = []
    shelters: list[dict] = []
    aps: list[dict] = []
    for bi, block in enumerate(blocks):
        if bi in school_blocks:
            school_rows, site, shelter, block_aps = _school(block, len(shelters) + 1, rng)
            rows.extend(school_rows)
            sites.append(site)
            shelters.append(shelter)
            aps.extend(block_aps)
            continue
        if rng.random() < spec.open_block_share:
            continue
        zone = "arterial" if near_arterial[bi] else ("dense" if dense_field[bi] > 0.35 else "residential")
        rows.extend(_fill_block(block, zone, rng, spec.empty_lot_scale))

    buildings = gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS_EPSG)
    _assign_attributes(buildings, rng)
    buildings.insert(0, "building_id", np.arange(1, len(buildings) + 1, dtype=np.int64))

    districts = _districts(rng, x0, y0, spec, buildings)
    # district_id by representative point.
    reps = gpd.GeoDataFrame(geometry=buildings.geometry.representative_point(), crs=CRS_EPSG)
    joined = gpd.sjoin(reps, districts[["district_id", "geometry"]], how="left", predicate="within")
    joined = joined[~joined.index.duplicated(keep="first")]
    buildings["district_id"] = joined["district_id"].fillna(0).astype(np.int64).to_numpy()
    districts["population"] = (
        buildings.groupby("district_id")["occupants"]
        .sum()
        .reindex(districts["district_id"])
        .fillna(0)
        .astype(np.int64)
        .to_numpy()
    )

    shelters_gdf = gpd.GeoDataFrame(shelters, geometry="geometry", crs=CRS_EPSG)
    sites_gdf = gpd.GeoDataFrame(sites, geometry="geometry", crs=CRS_EPSG)
    aps_gdf = gpd.GeoDataFrame(aps, geometry="geometry", crs=CRS_EPSG)
    aps_gdf.insert(0, "ap_id", np.arange(1, len(aps_gdf) + 1, dtype=np.int64))
    avs30, transform = _avs30(rng, x0, y0, spec)
    return SampleWard(buildings, roads, districts, shelters_gdf, sites_gdf, aps_gdf, avs30, transform)


def _smooth_field(
    rng: np.random.Generator, xy: np.ndarray, x0: float, y0: float, spec: WardSpec, length: float
) -> np.ndarray:
    """A smooth random field in [0, 1] at points: a sum of random Gaussian bumps."""
    n = max(4, int(spec.width_m * spec.height_m / (length * length) / 2))
    cx = rng.uniform(x0, x0 + spec.width_m, n)
    cy = rng.uniform(y0, y0 + spec.height_m, n)
    weight = rng.uniform(0.3, 1.0, n)
    d2 = (xy[:, 0:1] - cx[None, :]) ** 2 + (xy[:, 1:2] - cy[None, :]) ** 2
    field = (weight[None, :] * np.exp(-d2 / (2 * (length / 2) ** 2))).max(axis=1)
    return field


def _pick_spread(xy: np.ndarray, areas: np.ndarray, count: int, min_gap: float) -> set[int]:
    order = np.argsort(-areas, kind="stable")
    chosen: list[int] = []
    gap = min_gap
    while len(chosen) < count and gap > 10:
        for i in order:
            if len(chosen) >= count:
                break
            if i in chosen:
                continue
            if all(np.hypot(*(xy[i] - xy[j])) >= gap for j in chosen):
                chosen.append(int(i))
        gap *= 0.8
    return set(chosen)


# Parcel sizes by zone (metres): dense wooden districts have small lots (about 60-100 m2) with
# narrow gaps; residential lots are larger; along arterials mid-rise blocks.
ZONE_LOTS = {
    "dense": ((9.0, 12.0), (11.0, 14.0), (0.6, 1.6)),
    "residential": ((12.0, 16.0), (13.0, 18.0), (1.5, 3.0)),
    "arterial": ((16.0, 26.0), (14.0, 22.0), (1.5, 3.5)),
}


EMPTY_LOT_SHARE = {"dense": 0.2, "residential": 0.4, "arterial": 0.3}


def _fill_block(block: Any, zone: str, rng: np.random.Generator, empty_lot_scale: float = 1.0) -> list[dict]:
    """Lay a grid of lots over the block (aligned with its longest side) and put a house on each."""
    import shapely
    from shapely import affinity

    (wmin, wmax), (dmin, dmax), (gmin, gmax) = ZONE_LOTS[zone]
    rect = block.minimum_rotated_rectangle
    coords = np.asarray(rect.exterior.coords)
    edges = np.diff(coords, axis=0)
    longest = edges[np.argmax(np.hypot(edges[:, 0], edges[:, 1]))]
    angle = float(np.degrees(np.arctan2(longest[1], longest[0])))
    origin = block.centroid
    local = affinity.rotate(block, -angle, origin=origin)
    minx, miny, maxx, maxy = local.bounds
    lot_w = rng.uniform(wmin, wmax)
    lot_d = rng.uniform(dmin, dmax)
    xs = np.arange(minx, maxx, lot_w)
    ys = np.arange(miny, maxy, lot_d)
    if len(xs) == 0 or len(ys) == 0:
        return []
    gx, gy = np.meshgrid(xs, ys)
    gx, gy = gx.ravel(), gy.ravel()
    gap = rng.uniform(gmin, gmax, (len(gx), 4)) / 2
    boxes = shapely.box(gx + gap[:, 0], gy + gap[:, 1], gx + lot_w - gap[:, 2], gy + lot_d - gap[:, 3])
    shrunk = local.buffer(-0.8)
    if shrunk.is_empty:
        return []
    pieces = shapely.intersection(boxes, shrunk)
    keep = shapely.area(pieces) > 25.0
    # Some lots stay empty (parking, gardens, fields): about a quarter in Suginami's residential
    # land use (docs/sample-ward.md).
    keep &= rng.random(len(pieces)) > EMPTY_LOT_SHARE[zone] * empty_lot_scale
    out = []
    for piece in pieces[keep]:
        if piece.geom_type != "Polygon":
            parts = [p for p in shapely.get_parts(piece) if p.geom_type == "Polygon"]
            if not parts:
                continue
            piece = max(parts, key=lambda p: p.area)
        geometry = shapely.set_precision(affinity.rotate(piece, angle, origin=origin), 0.01)
        if geometry.is_empty or geometry.area < 25.0:
            continue
        out.append({"zone": zone, "geometry": geometry})
    return out


def _school(block: Any, number: int, rng: np.random.Generator) -> tuple[list[dict], dict, dict, list[dict]]:
    """A school on a block: a main building, a gym and the school ground (the shelter site)."""
    from shapely import affinity

    site = block.buffer(-1.0)
    minx, miny, maxx, maxy = site.bounds
    w, h = maxx - minx, maxy - miny
    main = affinity.scale(site.envelope, 0.8, 0.25, origin=(minx + w / 2, maxy - h * 0.15)).intersection(site)
    gym = affinity.scale(site.envelope, 0.3, 0.25, origin=(minx + w * 0.2, miny + h * 0.2)).intersection(site)
    name_ja = f"見本第{number}小学校"
    name_en = f"Mihon No. {number} Elementary School"
    # Capacity: gym and a share of classrooms as living space at 3.5 m2 per person.
    usable_m2 = gym.area + 0.3 * main.area * 3
    capacity = int(usable_m2 / SHELTER_M2_PER_PERSON)
    rows = [
        {"zone": "school", "use_override": "school", "floors_override": 4, "geometry": main},
        {"zone": "school", "use_override": "school", "floors_override": 2, "geometry": gym},
    ]
    site_row = {
        "site_id": number,
        "shelter_id": number,
        "name_ja": name_ja,
        "name_en": name_en,
        "expected_evacuees": capacity,
        "geometry": site,
    }
    centre = main.representative_point()
    shelter_row = {
        "shelter_id": number,
        "name_ja": name_ja,
        "name_en": name_en,
        "capacity": capacity,
        "geometry": centre,
    }
    ap_rows = [
        # Gym AP on the wall at 6 m; main-building AP on the roof edge at 13 m; both 2.4 GHz,
        # 20 dBm EIRP (Japan limits 2.4 GHz OFDM to 10 mW/MHz, methods.md section 6).
        {
            "shelter_id": number,
            "eirp_dbm": 20.0,
            "height_m": 6.0,
            "frequency_mhz": 2437.0,
            "geometry": gym.representative_point(),
        },
        {"shelter_id": number, "eirp_dbm": 20.0, "height_m": 13.0, "frequency_mhz": 2437.0, "geometry": centre},
    ]
    del rng
    return rows, site_row, shelter_row, ap_rows


def _draw_year(rng: np.random.Generator, eras: tuple[tuple[int, int], ...], weights: np.ndarray) -> int:
    lo, hi = eras[rng.choice(len(eras), p=weights / weights.sum())]
    return int(rng.integers(lo, hi + 1))


def _assign_attributes(buildings: Any, rng: np.random.Generator) -> None:
    """structure, year_built, floors, height_m, fire_resistance, use, occupants."""
    import shapely

    zone = buildings["zone"].to_numpy()
    n = len(zone)
    area = shapely.area(buildings.geometry.to_numpy())
    # Share of wooden buildings by zone: dense 85 %, residential 70 %, arterial 20 %.
    p_wood = np.select([zone == "dense", zone == "residential", zone == "arterial"], [0.85, 0.70, 0.20], 0.0)
    wood = (rng.random(n) < p_wood) & (area < 400)
    # Era weights: old wooden stock concentrated in dense districts; overall pre-1981 share
    # calibrated so that SEISMIC_STANDARD_SHARE of all buildings are 1981 or newer.
    wood_weights_dense = np.array([0.10, 0.12, 0.14, 0.20, 0.20, 0.24])
    wood_weights_other = np.array([0.03, 0.05, 0.07, 0.20, 0.25, 0.40])
    non_wood_weights = np.array([0.06, 0.10, 0.84])
    years = np.empty(n, dtype=np.int64)
    for i in range(n):
        if wood[i]:
            years[i] = _draw_year(rng, WOOD_ERAS, wood_weights_dense if zone[i] == "dense" else wood_weights_other)
        else:
            years[i] = _draw_year(rng, NON_WOOD_ERAS, non_wood_weights)
    school = zone == "school"
    years[school] = 1970 + rng.integers(0, 30, school.sum())
    # Calibrate exactly to the ward's 1981-standard share: move randomly chosen pre-1981
    # buildings to a post-1981 year or vice versa.
    _calibrate(years, rng, SEISMIC_STANDARD_SHARE)

    floors = np.where(wood, rng.choice([1, 2, 2, 2, 3], n), 0)
    arterial = zone == "arterial"
    floors = np.where(~wood & arterial, rng.integers(3, 11, n), floors)
    floors = np.where(~wood & ~arterial, rng.integers(2, 5, n), floors)
    floors_override = buildings.get("floors_override")
    if floors_override is not None:
        override = floors_override.to_numpy(dtype=float)
        floors = np.where(np.isfinite(override), override, floors).astype(np.int64)
    storey = np.where(wood, 2.9, 3.2)
    height = np.round(floors * storey + rng.uniform(0.5, 1.5, n), 1)

    # Fire resistance: non-wooden are fireproof (mid-rise) or semi-fireproof; wooden built
    # from 2001 are often semi-fireproof (準耐火) or fire-protected; old wooden are bare.
    fire = np.empty(n, dtype=object)
    u = rng.random(n)
    fire[~wood] = np.where((floors[~wood] >= 4) | (u[~wood] < 0.6), "fireproof", "semi_fireproof")
    new_wood = wood & (years >= 2001)
    mid_wood = wood & (years >= 1981) & (years < 2001)
    old_wood = wood & (years < 1981)
    fire[new_wood] = np.where(u[new_wood] < 0.55, "semi_fireproof", "protected_wood")
    fire[mid_wood] = np.where(u[mid_wood] < 0.6, "protected_wood", "bare_wood")
    fire[old_wood] = np.where(u[old_wood] < 0.25, "protected_wood", "bare_wood")
    _calibrate_fire(fire, wood, rng, FIRE_RESISTANT_SHARE)

    use = np.where(wood, "detached_house", np.where(floors >= 3, "apartment", "detached_house")).astype(object)
    shop = arterial & (rng.random(n) < 0.3)
    use[shop] = "shop_residential"
    use[~wood & arterial & (rng.random(n) < 0.15)] = "office"
    use_override = buildings.get("use_override")
    if use_override is not None:
        override = use_override.to_numpy()
        use = np.where(pd_notna(override), override, use)
    households = np.where(
        use == "apartment",
        np.maximum(1, np.round(area * floors / GROSS_M2_PER_FLAT)),
        np.where(use == "shop_residential", 1, np.where(use == "detached_house", 1, 0)),
    )
    occupants = np.round(households * PERSONS_PER_HOUSEHOLD * rng.uniform(0.8, 1.2, n)).astype(np.int64)
    occupants[use == "office"] = np.round(area[use == "office"] * floors[use == "office"] / 20.0).astype(np.int64)
    occupants[use == "school"] = 0

    buildings["structure"] = np.where(wood, "wood", "non_wood")
    buildings["year_built"] = years
    buildings["floors"] = floors.astype(np.int64)
    buildings["height_m"] = height
    buildings["fire_resistance"] = fire.astype(str)
    buildings["use"] = use.astype(str)
    buildings["occupants"] = occupants
    for column in ("zone", "use_override", "floors_override"):
        if column in buildings:
            del buildings[column]


def pd_notna(values: np.ndarray) -> np.ndarray:
    return np.array([v is not None and v == v for v in values], dtype=bool)


def _calibrate(years: np.ndarray, rng: np.random.Generator, share_new: float) -> None:
    target_old = round(len(years) * (1 - share_new))
    old = np.flatnonzero(years < 1981)
    new = np.flatnonzero(years >= 1981)
    if len(old) > target_old:
        move = rng.choice(old, len(old) - target_old, replace=False)
        years[move] = rng.integers(1981, 2001, len(move))
    elif len(old) < target_old:
        move = rng.choice(new, target_old - len(old), replace=False)
        years[move] = rng.integers(1955, 1981, len(move))


def _calibrate_fire(fire: np.ndarray, wood: np.ndarray, rng: np.random.Generator, share: float) -> None:
    resistant = np.isin(fire, ("fireproof", "semi_fireproof"))
    target = round(len(fire) * share)
    if resistant.sum() > target:
        candidates = np.flatnonzero(resistant & wood)
        k = min(len(candidates), int(resistant.sum() - target))
        fire[rng.choice(candidates, k, replace=False)] = "protected_wood"
    elif resistant.sum() < target:
        candidates = np.flatnonzero(~resistant & wood)
        k = min(len(candidates), int(target - resistant.sum()))
        fire[rng.choice(candidates, k, replace=False)] = "semi_fireproof"


KANJI_NUMBERS = "一二三四五六七八九十"


def _districts(rng: np.random.Generator, x0: float, y0: float, spec: WardSpec, buildings: Any) -> Any:
    """町丁目-like districts: Voronoi cells of seeds on a jittered lattice, clipped to the area."""
    import geopandas as gpd
    import shapely

    per_side = max(3, round(spec.width_m / 650.0))
    step_x = spec.width_m / per_side
    step_y = spec.height_m / per_side
    seeds = []
    for i in range(per_side):
        for j in range(per_side):
            seeds.append(
                (x0 + (j + 0.5 + rng.uniform(-0.25, 0.25)) * step_x, y0 + (i + 0.5 + rng.uniform(-0.25, 0.25)) * step_y)
            )
    area = shapely.box(x0, y0, x0 + spec.width_m, y0 + spec.height_m)
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=area))
    seed_points = shapely.points(seeds)
    ordered = []
    for seed in seed_points:
        cell = next(c for c in cells if c.contains(seed))
        ordered.append(shapely.set_precision(cell.intersection(area), 0.01))
    rows: list[dict] = []
    for k, cell in enumerate(ordered):
        town = k // 9 + 1
        chome = k % 9
        rows.append(
            {
                "district_id": k + 1,
                "name_ja": f"見本町{town if town > 1 else ''}{KANJI_NUMBERS[chome]}丁目".replace("見本町1", "見本町"),
                "name_en": f"Mihon-cho{' ' + str(town) if town > 1 else ''} {chome + 1}-chome",
                "geometry": cell,
            }
        )
    del buildings
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS_EPSG)


# AVS30 of the Musashino upland loam and of the alluvial valleys cut into it: 350-420 m/s on the
# upland and about 200 m/s in the valley floors are the ranges of J-SHIS's 250 m AVS30 mesh
# around Suginami (docs/sample-ward.md). The sample draws a valley across the area.
AVS30_UPLAND = (350.0, 420.0)
AVS30_VALLEY = 200.0
VALLEY_HALF_WIDTH_M = 120.0


def _avs30(
    rng: np.random.Generator, x0: float, y0: float, spec: WardSpec
) -> tuple[np.ndarray, tuple[float, float, float]]:
    pixel = 25.0
    margin = 500.0
    cols = int((spec.width_m + 2 * margin) / pixel)
    rows = int((spec.height_m + 2 * margin) / pixel)
    xmin, ymax = x0 - margin, y0 + spec.height_m + margin
    xs = xmin + (np.arange(cols) + 0.5) * pixel
    ys = ymax - (np.arange(rows) + 0.5) * pixel
    gx, gy = np.meshgrid(xs, ys)
    # A meandering valley from west to east.
    phase = rng.uniform(0, 2 * np.pi)
    centre_y = y0 + spec.height_m * 0.35 + 150.0 * np.sin(2 * np.pi * (gx - x0) / 1500.0 + phase)
    distance = np.abs(gy - centre_y)
    upland = AVS30_UPLAND[0] + (AVS30_UPLAND[1] - AVS30_UPLAND[0]) * (
        0.5 + 0.5 * np.sin(gx / 700.0 + phase) * np.cos(gy / 900.0)
    )
    valley_weight = np.exp(-((distance / VALLEY_HALF_WIDTH_M) ** 2))
    avs30 = upland * (1 - valley_weight) + AVS30_VALLEY * valley_weight
    return np.round(avs30, 1).astype(np.float32), (xmin, ymax, pixel)


LAYERS = ("buildings", "roads", "districts", "shelters", "shelter_sites", "wifi_aps")


def write(ward: SampleWard, gpkg_path: str | os.PathLike[str], avs30_path: str | os.PathLike[str]) -> None:
    """Write the GeoPackage and the AVS30 GeoTIFF, byte-for-byte reproducibly."""
    import pyogrio
    import rasterio
    from pyproj import CRS

    from .rasters import Grid, write_geotiff

    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": FIXED_TIMESTAMP, "OGR_SQLITE_JOURNAL": "OFF"})
    with atomic_output(gpkg_path) as tmp:
        for layer in LAYERS:
            frame = getattr(ward, layer)
            pyogrio.write_dataframe(frame, tmp, layer=layer, driver="GPKG", append=tmp.exists(), SPATIAL_INDEX="YES")
    xmin, ymax, pixel = ward.avs30_transform
    rows, cols = ward.avs30.shape
    grid = Grid(xmin, ymax, pixel, cols, rows, CRS.from_epsg(CRS_EPSG).to_wkt())
    write_geotiff(avs30_path, grid, [ward.avs30], 1, nodata=-9999.0, descriptions=["AVS30"], units="m/s")
    del rasterio


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(description="Generate the sample ward (or the ward-scale set).")
    parser.add_argument("--out", default=str(Path(__file__).resolve().parents[1] / "resources" / "sample"))
    parser.add_argument("--ward-scale", action="store_true", help="about 120,000 buildings (not committed)")
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args(argv)
    spec = WARD_SCALE_SPEC if args.ward_scale else SAMPLE_SPEC
    if args.seed is not None:
        spec = WardSpec(**{**spec.__dict__, "seed": args.seed})
    ward = generate(spec)
    out = Path(args.out)
    stem = "ward_scale" if args.ward_scale else "sample_ward"
    write(ward, out / f"{stem}.gpkg", out / ("ward_scale_avs30.tif" if args.ward_scale else "avs30.tif"))
    print(
        f"{out / (stem + '.gpkg')}: {len(ward.buildings)} buildings, {len(ward.roads)} roads, {len(ward.shelters)} shelters"
    )


if __name__ == "__main__":
    main()
