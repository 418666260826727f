"""JIS X 0410 standard regional mesh codes (地域メッシュコード) to and from latitude/longitude.

Levels and their codes (the Statistics Bureau's 地域メッシュ統計 and JIS X 0410):

| level | name | cell (lat x lon) | digits |
| --- | --- | --- | --- |
| 1 | 第1次地域区画 (80 km) | 40' x 1 deg | 4: floor(lat x 1.5), floor(lon) - 100 |
| 2 | 第2次地域区画 (10 km) | 5' x 7'30" | +2: row, column 0-7 of the 8 x 8 split |
| 3 | 基準地域メッシュ (1 km) | 30" x 45" | +2: row, column 0-9 of the 10 x 10 split |
| 4 | 2分の1地域メッシュ (500 m) | 15" x 22.5" | +1: 1 SW, 2 SE, 3 NW, 4 NE |
| 5 | 4分の1地域メッシュ (250 m) | 7.5" x 11.25" | +1: the same numbering |
| 6 | 8分の1地域メッシュ (125 m) | 3.75" x 5.625" | +1: the same numbering |

Coordinates are JGD2011 geographic (EPSG:6668; JGD2000 and WGS 84 agree with it to well under a
metre, far below a 125 m cell). Arithmetic is on integers in units of the 125 m cell (3.75" of
latitude, 5.625" of longitude), so codes and bounds agree exactly with each other.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from .errors import InputError

# The geographic CRS of mesh codes.
MESH_CRS = "EPSG:6668"
# Code length of each level.
DIGITS = {1: 4, 2: 6, 3: 8, 4: 9, 5: 10, 6: 11}
LEVEL_OF_DIGITS = {digits: level for level, digits in DIGITS.items()}
# Units of the finest (1/8) cell per degree: 3600" / 3.75" and 3600" / 5.625".
LAT_UNITS_PER_DEGREE = 960
LON_UNITS_PER_DEGREE = 640
# Size of each level's cell in finest units (the same count in latitude and longitude).
CELL_UNITS = {1: 640, 2: 80, 3: 8, 4: 4, 5: 2, 6: 1}
# Lowest longitude of the 1st-level numbering (its code is floor(lon) - 100).
LON_ORIGIN = 100


@dataclass(frozen=True)
class MeshBounds:
    """A mesh cell in degrees (JGD2011)."""

    south: float
    west: float
    north: float
    east: float

    @property
    def center(self) -> tuple[float, float]:
        """(lat, lon) of the centre."""
        return ((self.south + self.north) / 2.0, (self.west + self.east) / 2.0)


def _units(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lat_u = np.floor(np.asarray(lat, dtype=np.float64) * LAT_UNITS_PER_DEGREE).astype(np.int64)
    lon_u = np.floor((np.asarray(lon, dtype=np.float64) - LON_ORIGIN) * LON_UNITS_PER_DEGREE).astype(np.int64)
    return lat_u, lon_u


def to_codes(lat: Iterable[float] | np.ndarray, lon: Iterable[float] | np.ndarray, level: int) -> np.ndarray:
    """The level-``level`` mesh code (int64) of each point; -1 where the point is outside the code's range.

    The range is latitude 0-66.66 deg and longitude 100-180 deg (two-digit 1st-level parts).
    """
    if level not in DIGITS:
        raise InputError(f"mesh level must be one of {sorted(DIGITS)}, got {level}")
    lat_a = np.atleast_1d(np.asarray(lat, dtype=np.float64))
    lon_a = np.atleast_1d(np.asarray(lon, dtype=np.float64))
    finite = np.isfinite(lat_a) & np.isfinite(lon_a)
    lat_u, lon_u = _units(np.where(finite, lat_a, 0.0), np.where(finite, lon_a, 0.0))
    ok = finite & (lat_u >= 0) & (lon_u >= 0)
    ok &= (lat_u < 100 * 640) & (lon_u < 80 * 640)
    lat_u = np.where(ok, lat_u, 0)
    lon_u = np.where(ok, lon_u, 0)
    code = (lat_u // 640) * 100 + lon_u // 640
    if level >= 2:
        code = code * 100 + ((lat_u % 640) // 80) * 10 + (lon_u % 640) // 80
    if level >= 3:
        code = code * 100 + ((lat_u % 80) // 8) * 10 + (lon_u % 80) // 8
    for sub, size in ((4, 4), (5, 2), (6, 1)):
        if level >= sub:
            code = code * 10 + 1 + ((lat_u % (2 * size)) // size) * 2 + (lon_u % (2 * size)) // size
    return np.where(ok, code, -1)


def to_code(lat: float, lon: float, level: int) -> str:
    """The mesh code of one point as text."""
    code = int(to_codes([lat], [lon], level)[0])
    if code < 0:
        raise InputError(f"({lat}, {lon}) is outside the range of regional mesh codes")
    return str(code)


def parse_codes(codes: Iterable[object], parameter: str | None = None) -> tuple[np.ndarray, int]:
    """Check mesh codes (text or integers) and return them as int64 with their common level.

    Refuses (naming the first bad code) codes of another length, non-digits, 2nd-level digits over
    7 and subdivision digits other than 1-4, and a mix of levels. Vectorized: a national file has
    millions of codes.
    """
    texts = np.char.strip(np.array([str(c) for c in codes], dtype=str))
    if texts.size == 0:
        raise InputError("no mesh codes", parameter)
    # A code read as a number by a spreadsheet ends in ".0".
    texts = np.where(np.char.endswith(texts, ".0"), np.char.replace(texts, ".0", ""), texts)
    lengths = np.char.str_len(texts)
    bad = ~np.char.isdigit(texts) | ~np.isin(lengths, list(LEVEL_OF_DIGITS))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"row {i + 1}: '{texts[i]}' is not a regional mesh code (4, 6, 8, 9, 10 or 11 digits)", parameter
        )
    found = sorted(set(np.unique(lengths).tolist()))
    if len(found) > 1:
        raise InputError(
            f"mesh codes of different levels ({', '.join(str(n) for n in found)} digits); give one level per file",
            parameter,
        )
    length = found[0]
    values = texts.astype(np.int64)
    invalid = np.zeros(len(values), dtype=bool)
    for position in range(4, length):  # digit at this 0-based position from the left
        digit = (values // 10 ** (length - 1 - position)) % 10
        invalid |= (digit > 7) if position in (4, 5) else ((digit < 1) | (digit > 4)) if position >= 8 else False
    if invalid.any():
        i = int(np.flatnonzero(invalid)[0])
        raise InputError(f"row {i + 1}: '{texts[i]}' is not a valid mesh code (a digit is out of range)", parameter)
    return values, LEVEL_OF_DIGITS[length]


def _valid_digits(text: str) -> bool:
    if len(text) >= 6 and (text[4] > "7" or text[5] > "7"):
        return False
    return all("1" <= d <= "4" for d in text[8:])


def _code_units(code: str) -> tuple[int, int, int]:
    """South-west corner of a code in finest units (lat, lon) and its cell size in units."""
    level = LEVEL_OF_DIGITS.get(len(code))
    if level is None or not code.isdigit() or not _valid_digits(code):
        raise InputError(f"'{code}' is not a valid regional mesh code")
    lat_u = int(code[0:2]) * 640
    lon_u = int(code[2:4]) * 640
    if level >= 2:
        lat_u += int(code[4]) * 80
        lon_u += int(code[5]) * 80
    if level >= 3:
        lat_u += int(code[6]) * 8
        lon_u += int(code[7]) * 8
    for index, size in ((8, 4), (9, 2), (10, 1)):
        if len(code) > index:
            quadrant = int(code[index]) - 1
            lat_u += (quadrant // 2) * size
            lon_u += (quadrant % 2) * size
    return lat_u, lon_u, CELL_UNITS[level]


def bounds(code: str | int) -> MeshBounds:
    """The cell of a mesh code in degrees."""
    lat_u, lon_u, size = _code_units(str(code).strip())
    return MeshBounds(
        south=lat_u / LAT_UNITS_PER_DEGREE,
        west=LON_ORIGIN + lon_u / LON_UNITS_PER_DEGREE,
        north=(lat_u + size) / LAT_UNITS_PER_DEGREE,
        east=LON_ORIGIN + (lon_u + size) / LON_UNITS_PER_DEGREE,
    )


def codes_bounds(codes: Iterable[int | str]) -> tuple[float, float, float, float]:
    """(south, west, north, east) covering every code."""
    cells = [bounds(c) for c in codes]
    if not cells:
        raise InputError("no mesh codes")
    return (
        min(c.south for c in cells),
        min(c.west for c in cells),
        max(c.north for c in cells),
        max(c.east for c in cells),
    )


def lookup(sorted_codes: np.ndarray, values: np.ndarray, codes: np.ndarray, missing: float = np.nan) -> np.ndarray:
    """``values`` of ``codes`` looked up in ``sorted_codes`` (ascending); ``missing`` where absent."""
    codes = np.asarray(codes, dtype=np.int64)
    if len(sorted_codes) == 0:
        return np.full(codes.shape, missing, dtype=np.float64)
    index = np.clip(np.searchsorted(sorted_codes, codes), 0, len(sorted_codes) - 1)
    found = sorted_codes[index] == codes
    return np.where(found, np.asarray(values, dtype=np.float64)[index], missing)


def to_lonlat(x: np.ndarray, y: np.ndarray, crs_wkt: str) -> tuple[np.ndarray, np.ndarray]:
    """Longitude and latitude (JGD2011, the CRS of mesh codes) of points in ``crs_wkt``; NaN stays NaN."""
    from rasterio.crs import CRS
    from rasterio.warp import transform

    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    lon = np.full(x.shape, np.nan)
    lat = np.full(x.shape, np.nan)
    ok = np.isfinite(x) & np.isfinite(y)
    if ok.any():
        out_lon, out_lat = transform(CRS.from_wkt(crs_wkt), CRS.from_string(MESH_CRS), x[ok], y[ok])
        lon[ok], lat[ok] = out_lon, out_lat
    return lon, lat
