"""Census population spread onto buildings by residential floor area (dasymetric mapping).

Each area's census count (a 町丁・字 row of an e-Stat small-area table or of the ward's
町丁別人口, or a mesh cell of e-Stat 地域メッシュ統計) is split among the buildings whose
representative point lies in the area, in proportion to residential floor area, and rounded to
whole people by the largest-remainder (Hamilton) method, so every area sums exactly to its
census total.

Residential floor area = footprint area x storeys. Storeys: the floors field where given, else
``max(1, floor(height / 3.3 m))`` (core/impute.py's rule), else 1. Where a building's use is known
and is not residential its night weight is 0; where the use is unknown the building counts as
residential (the ward is mostly housing: the fallback the help file names). An area whose
buildings are all known non-residential spreads its residents over all its floor area.

Day population: ``day_night_ratio`` x the night count of each area (a ward-level 昼夜間人口比率 /
100), or an area's own day count, spread over all floor area (homes, offices, schools alike),
again with exact totals.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import InputError
from .impute import STOREY_HEIGHT_M

# Uses taken as residential (compared case-insensitively). PLATEAU bldg:usage codes 411 住宅,
# 412 共同住宅, 413 店舗等併用住宅, 414 店舗等併用共同住宅, 415 作業所併用住宅 (PLATEAU 建物利用現況
# codelist); OSM building=* housing values; the sample ward's uses.
RESIDENTIAL_USES = frozenset(
    {
        "411",
        "412",
        "413",
        "414",
        "415",
        "住宅",
        "共同住宅",
        "店舗等併用住宅",
        "店舗等併用共同住宅",
        "作業所併用住宅",
        "residential",
        "house",
        "detached",
        "detached_house",
        "semidetached_house",
        "terrace",
        "apartments",
        "apartment",
        "dormitory",
        "shop_residential",
    }
)
# Cells of e-Stat tables that mean zero ("-") or a suppressed value ("*", "X", "χ").
ZERO_MARKS = frozenset({"-", "－"})
SECRET_MARKS = frozenset({"*", "＊", "X", "x", "χ"})


@dataclass(frozen=True)
class CensusTable:
    """Night (and optional day) population by area key, in file order."""

    keys: list[str]
    night: np.ndarray  # int64
    day: np.ndarray | None  # int64
    suppressed: int  # cells given as secret (*, X) and read as 0


def largest_remainder(weights: np.ndarray, total: int) -> np.ndarray:
    """Whole numbers proportional to ``weights`` that sum exactly to ``total`` (Hamilton's method).

    Ties in the remainders go to the earlier index, so the result is reproducible. All-zero
    weights spread the total evenly.
    """
    w = np.asarray(weights, dtype=np.float64)
    if total < 0 or (w < 0).any() or not np.isfinite(w).all():
        raise InputError("weights must be finite and >= 0, the total >= 0")
    n = len(w)
    if n == 0:
        if total:
            raise InputError(f"{total} people but no building to place them in")
        return np.zeros(0, dtype=np.int64)
    if w.sum() <= 0:
        w = np.ones(n)
    quota = total * w / w.sum()
    base = np.floor(quota).astype(np.int64)
    short = int(total - base.sum())
    if short:
        order = np.lexsort((np.arange(n), -(quota - base)))
        base[order[:short]] += 1
    return base


def storeys(floors: np.ndarray | None, heights: np.ndarray | None, n: int) -> np.ndarray:
    """Storeys per building: the floors value if > 0, else from the height, else 1."""
    out = np.ones(n)
    if heights is not None:
        h = np.asarray(heights, dtype=np.float64)
        ok = np.isfinite(h) & (h > 0)
        out[ok] = np.maximum(1.0, np.floor(h[ok] / STOREY_HEIGHT_M))
    if floors is not None:
        f = np.asarray(floors, dtype=np.float64)
        ok = np.isfinite(f) & (f > 0)
        out[ok] = f[ok]
    return out


def residential_mask(
    uses: Sequence[object] | None, n: int, residential: frozenset[str] = RESIDENTIAL_USES
) -> np.ndarray:
    """True where a building may house residents: a residential use, or no use given."""
    if uses is None:
        return np.ones(n, dtype=bool)
    lowered = {r.lower() for r in residential}
    out = np.ones(n, dtype=bool)
    for i, use in enumerate(uses):
        text = "" if use is None else str(use).strip()
        if text and text.upper() != "NULL":
            out[i] = text.lower() in lowered
    return out


@dataclass(frozen=True)
class Distribution:
    night: np.ndarray  # int64 per building
    day: np.ndarray | None  # int64 per building
    floor_area: np.ndarray  # m2 per building (footprint x storeys)
    residential: np.ndarray  # bool per building
    area_index: np.ndarray  # index into the table per building, -1 outside every area
    unplaced_areas: list[str]  # keys with people but no building
    unplaced_night: int
    fallback_areas: list[str]  # keys whose residents went to non-residential floor area


def distribute(
    table: CensusTable,
    area_index: np.ndarray,
    footprint_m2: np.ndarray,
    storey_counts: np.ndarray,
    residential: np.ndarray,
    day_night_ratio: float | None = None,
) -> Distribution:
    """Spread each area's census counts over its buildings (``area_index`` into ``table.keys``)."""
    area_index = np.asarray(area_index, dtype=np.int64)
    floor_area = np.clip(np.nan_to_num(np.asarray(footprint_m2, dtype=np.float64)), 0.0, None) * storey_counts
    n_areas = len(table.keys)
    night = np.zeros(len(area_index), dtype=np.int64)
    day_totals = _day_totals(table, day_night_ratio)
    day = None if day_totals is None else np.zeros(len(area_index), dtype=np.int64)
    order = np.argsort(area_index, kind="stable")
    starts = np.searchsorted(area_index[order], np.arange(n_areas + 1))
    unplaced: list[str] = []
    unplaced_night = 0
    fallback: list[str] = []
    for a in range(n_areas):
        members = order[starts[a] : starts[a + 1]]
        total = int(table.night[a])
        if len(members) == 0:
            if total or (day_totals is not None and day_totals[a]):
                unplaced.append(table.keys[a])
                unplaced_night += total
            continue
        weights = floor_area[members] * residential[members]
        if total and weights.sum() <= 0:
            fallback.append(table.keys[a])
            weights = floor_area[members]
        night[members] = largest_remainder(weights, total)
        if day is not None and day_totals is not None:
            day[members] = largest_remainder(floor_area[members], int(day_totals[a]))
    return Distribution(night, day, floor_area, residential, area_index, unplaced, unplaced_night, fallback)


def _day_totals(table: CensusTable, ratio: float | None) -> np.ndarray | None:
    """Day count per area: the table's own, else ratio x night with the ward total kept exact."""
    if table.day is not None:
        return table.day
    if ratio is None:
        return None
    if not (np.isfinite(ratio) and ratio >= 0):
        raise InputError("the day/night ratio must be a number >= 0", "DAY_NIGHT_RATIO")
    return largest_remainder(table.night.astype(np.float64), round(ratio * int(table.night.sum())))


# --- reading tables -------------------------------------------------------------------------------
def _decode(raw: bytes, parameter: str) -> str:
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError("the table is neither UTF-8 nor Shift_JIS (cp932) text", parameter)


def _count(text: str, where: str, parameter: str) -> tuple[int, bool]:
    """A head count and whether it was a suppressed cell."""
    text = text.strip().replace(",", "")
    if text in ZERO_MARKS:
        return 0, False
    if text in SECRET_MARKS:
        return 0, True
    try:
        value = float(text)
    except ValueError as exc:
        raise InputError(f"{where}: '{text}' is not a head count", parameter) from exc
    if not np.isfinite(value) or value < 0 or value != int(value):
        raise InputError(f"{where}: '{text}' is not a whole number >= 0", parameter)
    return int(value), False


def _column(header: list[str], name: str, parameter: str) -> int:
    stripped = [h.strip() for h in header]
    if name not in stripped:
        columns = ", ".join(dict.fromkeys(stripped))
        raise InputError(f"no column '{name}' in the table (columns: {columns}): choose one of them", parameter)
    return stripped.index(name)  # the first of repeated names (the ward's table repeats 男, 女)


def read_census_table(
    path: str | os.PathLike[str],
    key_column: str,
    population_column: str,
    day_column: str | None = None,
    parameter: str = "POPULATION_TABLE",
) -> CensusTable:
    """A population CSV: the ward's 町丁別人口, an e-Stat small-area or mesh table (KEY_CODE, T...).

    Rows with an empty key (e-Stat's second header line of item names) are skipped; every other
    row must have the header's number of fields (a truncated file is refused) and a count.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path} does not exist", parameter)
    rows = list(csv.reader(io.StringIO(_decode(path.read_bytes(), parameter))))
    if not rows:
        raise InputError(f"{path.name} is empty", parameter)
    header = rows[0]
    key_i = _column(header, key_column, "AREA_COLUMN")
    pop_i = _column(header, population_column, "POPULATION_COLUMN")
    day_i = _column(header, day_column, "DAY_POPULATION_COLUMN") if day_column else None
    keys: list[str] = []
    night: list[int] = []
    day: list[int] = []
    suppressed = 0
    for number, row in enumerate(rows[1:], start=2):
        if not row or not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise InputError(
                f"{path.name} line {number}: {len(row)} fields where the header has {len(header)} (truncated file?)",
                parameter,
            )
        key = row[key_i].strip()
        if not key:
            continue
        if key.endswith(".0") and key[:-2].isdigit():
            key = key[:-2]
        count, secret = _count(row[pop_i], f"line {number}, {population_column}", parameter)
        suppressed += secret
        keys.append(key)
        night.append(count)
        if day_i is not None:
            day.append(_count(row[day_i], f"line {number}, {day_column}", parameter)[0])
    if not keys:
        raise InputError(f"{path.name} has no data rows", parameter)
    duplicates = sorted({k for k in keys if keys.count(k) > 1}) if len(set(keys)) < len(keys) else []
    if duplicates:
        raise InputError(f"areas listed twice: {', '.join(duplicates[:5])}", parameter)
    return CensusTable(
        keys, np.array(night, dtype=np.int64), np.array(day, dtype=np.int64) if day else None, suppressed
    )


def drop_aggregates(table: CensusTable, known: Sequence[str]) -> tuple[CensusTable, list[str]]:
    """Without rows that total finer areas: a key that matches no area but begins another key that does.

    e-Stat's small-area tables list the ward (13115), each 町 (131150010) and each 丁目
    (13115001001); only the finest rows are areas of the boundary data.
    """
    known_set = set(known)
    matched = [k for k in table.keys if k in known_set]
    dropped = [k for k in table.keys if k not in known_set and any(m != k and m.startswith(k) for m in matched)]
    if not dropped:
        return table, []
    keep = np.array([k not in set(dropped) for k in table.keys])
    day = table.day[keep] if table.day is not None else None
    kept = CensusTable(
        [k for k, ok in zip(table.keys, keep, strict=True) if ok], table.night[keep], day, table.suppressed
    )
    return kept, dropped


def check_keys(table: CensusTable, known: Sequence[str], parameter: str) -> np.ndarray:
    """Index of each known area in ``table``; refuses table keys that match no area (unknown codes)."""
    position = {k: i for i, k in enumerate(table.keys)}
    known_set = set(known)
    unknown = [k for k in table.keys if k not in known_set]
    if unknown:
        raise InputError(
            f"{len(unknown)} areas of the table match no district (e.g. {', '.join(unknown[:5])}); "
            "check the join fields or remove totals rows",
            parameter,
        )
    return np.array([position.get(k, -1) for k in known], dtype=np.int64)


# --- buildings to areas ---------------------------------------------------------------------------
def polygon_index(x: np.ndarray, y: np.ndarray, polygons: Sequence[object]) -> np.ndarray:
    """Index of the polygon containing each point (the first if several); -1 where none or NaN."""
    import shapely

    out = np.full(len(x), -1, dtype=np.int64)
    ok = np.isfinite(x) & np.isfinite(y)
    if not ok.any() or len(polygons) == 0:
        return out
    geoms = np.array([p if p is not None else shapely.Polygon() for p in polygons], dtype=object)
    tree = shapely.STRtree(geoms)
    points = shapely.points(x[ok], y[ok])
    hit_point, hit_polygon = tree.query(points, predicate="within")
    first = np.full(len(points), -1, dtype=np.int64)
    # Keep the lowest polygon index per point.
    for p, g in sorted(zip(hit_point.tolist(), hit_polygon.tolist(), strict=True), reverse=True):
        first[p] = g
    out[ok] = first
    return out


def mesh_index(lat: np.ndarray, lon: np.ndarray, table: CensusTable, parameter: str) -> np.ndarray:
    """Index into ``table`` (keys are mesh codes) of the mesh containing each point; -1 where none."""
    from . import mesh

    codes, level = mesh.parse_codes(table.keys, parameter)
    point_codes = mesh.to_codes(lat, lon, level)
    order = np.argsort(codes)
    found = mesh.lookup(codes[order], order.astype(np.float64), point_codes, missing=-1.0)
    return found.astype(np.int64)
