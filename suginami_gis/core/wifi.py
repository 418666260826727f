"""Shelter Wi-Fi coverage: propagation with building obstruction, site coverage and AP placement.

Models (docs/methods/wifi.md; methods.md section 6):
- free space (Friis) on the 3-D distance, plus a loss for every building crossed above the ray;
- ITU-R P.1411 site-general, below rooftop: LoS or NLoS chosen per pixel by the building test.

The building test rasterises footprints with their heights, then for each access point marches
along every AP -> receiver segment at once (numpy, half-pixel steps), comparing the building
height under each sample with the height of the straight line of sight there, and counts the
distinct buildings that stand above the ray. Every coefficient carries its citation.
"""

from __future__ import annotations

import enum
import logging
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .errors import InputError, raise_if_any
from .executors import run_tasks
from .feedback import Feedback, NullFeedback, SubFeedback, check_canceled
from .gcpause import paused
from .rasters import Grid

log = logging.getLogger(__name__)

# --- Published coefficients -------------------------------------------------------------------

# Free-space path loss, Friis transmission formula in dB (methods.md section 6):
# FSPL = 20 log10 d[km] + 20 log10 f[MHz] + 32.45, where 32.45 = 20 log10(4 pi 1e9 / c) rounded
# (ITU-R P.525-4 eq. 4 writes the same constant rounded to 32.4).
FSPL_CONSTANT_DB = 32.45
# Distances below 1 m are taken as 1 m: the reference distance of ITU-R P.1238 indoor models and
# beyond the antenna's near field at 2.4-5.9 GHz (wavelength 5-12.5 cm). Only matters for a
# pixel right under an AP mounted at receiver height.
MIN_DISTANCE_M = 1.0


@dataclass(frozen=True)
class P1411Coefficients:
    """ITU-R P.1411 site-general model: L = 10 alpha log10 d[m] + beta + 10 gamma log10 f[GHz]."""

    name: str
    alpha: float
    beta: float
    gamma: float
    sigma_db: float
    distance_range_m: tuple[float, float]


# ITU-R P.1411-10 (2019) to -12, section 4.1.1, Table 4 (both stations below rooftop; d is the
# 3-D direct distance). Also methods.md section 6. sigma is the location variability (not used
# for the median coverage map, reported in docs).
P1411_LOS = P1411Coefficients("LoS (urban high-rise, urban low-rise/suburban)", 2.12, 29.2, 2.11, 5.06, (5.0, 660.0))
P1411_NLOS_URBAN_HIGH_RISE = P1411Coefficients("NLoS urban high-rise", 4.00, 10.2, 2.36, 7.60, (30.0, 715.0))
P1411_NLOS_RESIDENTIAL = P1411Coefficients("NLoS residential", 3.01, 18.8, 2.07, 3.07, (30.0, 170.0))

# ITU-R P.2109-1 (2019) building entry loss, traditional building, median (probability 0.5) at
# horizontal incidence, as tabulated in methods.md section 6: 15.19 dB at 2.4 GHz, 16.38 dB at
# 5.2 GHz. Other frequencies: linear in log10(f) through these two points (extrapolated on the
# same line between 5.2 and 5.9 GHz). One such loss is added per building crossed.
P2109_TRADITIONAL_MEDIAN_DB = ((2400.0, 15.19), (5200.0, 16.38))

# Accepted carrier frequencies: 2.4 GHz ISM band up to the top of the 5.8 GHz band (issue 6).
FREQUENCY_RANGE_MHZ = (2400.0, 5900.0)
# Largest output grid (issue 6): beyond this the user must choose a coarser pixel.
MAX_PIXELS = 100_000_000

# Defaults of the Processing algorithms (issue 6). 20 dBm stays below Japan's 2.4 GHz OFDM
# limit of 10 mW/MHz (about 23 dBm over 20 MHz, methods.md section 6); 2437 MHz is channel 6.
DEFAULT_EIRP_DBM = 20.0
DEFAULT_AP_HEIGHT_M = 10.0
DEFAULT_FREQUENCY_MHZ = 2437.0
DEFAULT_RECEIVER_HEIGHT_M = 1.5
# Planning thresholds (methods.md section 6): -67 dBm voice-grade design, -75 dBm basic data.
# The first threshold is the primary one (placement objective).
DEFAULT_THRESHOLDS_DBM = (-67.0, -75.0)
# Clients one AP serves acceptably in a crowded shelter (issue 6 default; a parameter).
DEFAULT_CLIENT_LIMIT = 50
# Acceptable thresholds: a client below -100 dBm cannot decode even 802.11b 1 Mb/s.
THRESHOLD_RANGE_DBM = (-100.0, 0.0)

# Ray march step along the horizontal projection, in pixels: half a pixel so that every pixel the
# segment crosses with a chord longer than about half a pixel is sampled.
RAY_STEP_PIXELS = 0.5

# Automatic placement candidates: lattice spacing on site polygons and along roof edges, and
# the mast height of a roof-edge AP above its roof (a wall/parapet bracket; an assumption).
DEFAULT_CANDIDATE_SPACING_M = 20.0
ROOF_MOUNT_M = 1.0
DEFAULT_TARGET_SHARE = 0.9
DEFAULT_MAX_NEW_APS = 5
# Candidates evaluated per executor task (a fixed split, so results never depend on the executor).
CANDIDATES_PER_TASK = 16


class PropagationModel(enum.IntEnum):
    FREE_SPACE = 0
    P1411_SITE_GENERAL = 1


class NlosEnvironment(enum.IntEnum):
    """Which P.1411 NLoS row applies. Suginami is mostly low-rise housing: residential by default."""

    RESIDENTIAL = 0
    URBAN_HIGH_RISE = 1


NLOS_COEFFICIENTS = {
    NlosEnvironment.RESIDENTIAL: P1411_NLOS_RESIDENTIAL,
    NlosEnvironment.URBAN_HIGH_RISE: P1411_NLOS_URBAN_HIGH_RISE,
}


class PlacementObjective(enum.IntEnum):
    AREA = 0
    EVACUEES = 1


# --- Path-loss formulas ---------------------------------------------------------------------------


def free_space_path_loss_db(distance_m: np.ndarray | float, frequency_mhz: np.ndarray | float) -> np.ndarray:
    """Free-space path loss [dB] (Friis): 20 log10 d[km] + 20 log10 f[MHz] + 32.45. No distance floor."""
    d_km = np.asarray(distance_m, dtype=np.float64) / 1000.0
    with np.errstate(divide="ignore"):
        return 20.0 * np.log10(d_km) + 20.0 * np.log10(np.asarray(frequency_mhz, dtype=np.float64)) + FSPL_CONSTANT_DB


def p1411_loss_db(
    distance_m: np.ndarray | float, frequency_mhz: np.ndarray | float, coefficients: P1411Coefficients = P1411_LOS
) -> np.ndarray:
    """ITU-R P.1411 site-general median basic transmission loss [dB].

    L = 10 alpha log10 d[m] + beta + 10 gamma log10 f[GHz], d the 3-D distance. Below the lower
    end of the model's distance range the loss is held at its value there (the fit says nothing
    about shorter paths and would drop towards zero); above the upper end the formula is
    extrapolated.
    """
    d = np.maximum(np.asarray(distance_m, dtype=np.float64), coefficients.distance_range_m[0])
    f_ghz = np.asarray(frequency_mhz, dtype=np.float64) / 1000.0
    c = coefficients
    return 10.0 * c.alpha * np.log10(d) + c.beta + 10.0 * c.gamma * np.log10(f_ghz)


def building_entry_loss_db(frequency_mhz: np.ndarray | float) -> np.ndarray:
    """ITU-R P.2109 median entry loss of a traditional building [dB], interpolated in log10(f).

    Through 15.19 dB at 2.4 GHz and 16.38 dB at 5.2 GHz (P2109_TRADITIONAL_MEDIAN_DB).
    """
    (f0, l0), (f1, l1) = P2109_TRADITIONAL_MEDIAN_DB
    slope = (l1 - l0) / (math.log10(f1) - math.log10(f0))
    return l0 + slope * (np.log10(np.asarray(frequency_mhz, dtype=np.float64)) - math.log10(f0))


def path_loss_db(
    distance_m: np.ndarray,
    frequency_mhz: float,
    buildings_crossed: np.ndarray,
    model: PropagationModel,
    building_loss_db: float,
    nlos_environment: NlosEnvironment = NlosEnvironment.RESIDENTIAL,
) -> np.ndarray:
    """Median path loss [dB] for 3-D distances and counts of buildings crossed above the ray.

    Free space: FSPL(max(d, MIN_DISTANCE_M)) + buildings_crossed * building_loss_db.
    P.1411: LoS row where no building is crossed, otherwise the NLoS row, never below the LoS
    value (NLoS fits undercut LoS at short range; the same max() as 3GPP TR 38.901). The NLoS
    fit already contains the obstruction, so no per-building loss is added in this model.
    """
    d = np.asarray(distance_m, dtype=np.float64)
    crossed = np.asarray(buildings_crossed)
    if PropagationModel(model) == PropagationModel.FREE_SPACE:
        return free_space_path_loss_db(np.maximum(d, MIN_DISTANCE_M), frequency_mhz) + crossed * building_loss_db
    los = p1411_loss_db(d, frequency_mhz, P1411_LOS)
    nlos = np.maximum(los, p1411_loss_db(d, frequency_mhz, NLOS_COEFFICIENTS[NlosEnvironment(nlos_environment)]))
    return np.where(crossed > 0, nlos, los)


def _min_loss_distance_m(budget_db: float, frequency_mhz: float, model: PropagationModel) -> float:
    """Largest 3-D distance at which the smallest possible loss (no building) is within budget; -1 if none."""
    if PropagationModel(model) == PropagationModel.FREE_SPACE:
        if float(free_space_path_loss_db(MIN_DISTANCE_M, frequency_mhz)) > budget_db:
            return -1.0
        exponent = (budget_db - 20.0 * math.log10(frequency_mhz) - FSPL_CONSTANT_DB) / 20.0
        return 1000.0 * 10.0**exponent
    c = P1411_LOS
    if float(p1411_loss_db(c.distance_range_m[0], frequency_mhz, c)) > budget_db:
        return -1.0
    exponent = (budget_db - c.beta - 10.0 * c.gamma * math.log10(frequency_mhz / 1000.0)) / (10.0 * c.alpha)
    return 10.0**exponent


# --- Inputs -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccessPoint:
    """An access point in a projected CRS (metres). ``height_m`` is above ground."""

    x: float
    y: float
    eirp_dbm: float = DEFAULT_EIRP_DBM
    height_m: float = DEFAULT_AP_HEIGHT_M
    frequency_mhz: float = DEFAULT_FREQUENCY_MHZ
    ap_id: str = ""

    def sort_key(self) -> tuple[float, float, float, float, float, str]:
        return (self.x, self.y, self.height_m, self.eirp_dbm, self.frequency_mhz, str(self.ap_id))


def validate_access_point(ap: AccessPoint, index: int, parameter_prefix: str = "") -> None:
    label = f"access point {ap.ap_id or index + 1}"
    if not (np.isfinite(ap.x) and np.isfinite(ap.y)):
        raise InputError(f"{label} has no valid position", parameter_prefix + "ACCESS_POINTS")
    if not np.isfinite(ap.eirp_dbm):
        raise InputError(f"{label} has no transmit power (EIRP); fill the field or set a default", "EIRP_FIELD")
    if not np.isfinite(ap.height_m) or ap.height_m < 0:
        raise InputError(f"{label} has height {ap.height_m}; heights are metres above ground, >= 0", "HEIGHT_FIELD")
    lo, hi = FREQUENCY_RANGE_MHZ
    if not (np.isfinite(ap.frequency_mhz) and lo <= ap.frequency_mhz <= hi):
        raise InputError(
            f"{label} has frequency {ap.frequency_mhz} MHz; Wi-Fi channels are {lo:.0f}-{hi:.0f} MHz "
            "(e.g. 2437 for channel 6, 5180 for channel 36): check the unit is MHz",
            "FREQUENCY_FIELD",
        )


def _filled(
    values: Sequence[Any] | np.ndarray | None,
    default: float | None,
    n: int,
    what: str,
    field_key: str,
    default_key: str,
) -> np.ndarray:
    """Values as floats with nulls replaced by ``default``; InputError if a null has no default."""
    if values is None:
        arr = np.full(n, np.nan)
    else:
        arr = np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)
        if len(arr) != n:
            raise InputError(f"{what}: {len(arr)} values for {n} access points", field_key)
    missing = ~np.isfinite(arr)
    if default is None or not np.isfinite(default):
        raise_if_any(
            missing,
            field_key,
            lambda count, k: (
                f"{count} access point(s) (first: #{k + 1}) have no {what} and no default is set; "
                f"fill the field or set {default_key}"
            ),
        )
    else:
        arr[missing] = float(default)
    return arr


def access_points_from_arrays(
    xs: Sequence[float] | np.ndarray,
    ys: Sequence[float] | np.ndarray,
    eirp_dbm: Sequence[Any] | np.ndarray | None = None,
    height_m: Sequence[Any] | np.ndarray | None = None,
    frequency_mhz: Sequence[Any] | np.ndarray | None = None,
    ap_ids: Sequence[Any] | None = None,
    default_eirp_dbm: float | None = DEFAULT_EIRP_DBM,
    default_height_m: float | None = DEFAULT_AP_HEIGHT_M,
    default_frequency_mhz: float | None = DEFAULT_FREQUENCY_MHZ,
) -> list[AccessPoint]:
    """Build validated access points; a per-AP value of None/NaN (or no field) takes the default."""
    x = np.asarray(xs, dtype=np.float64)
    y = np.asarray(ys, dtype=np.float64)
    n = len(x)
    if n == 0:
        raise InputError("there are no access points", "ACCESS_POINTS")
    eirp = _filled(eirp_dbm, default_eirp_dbm, n, "transmit power (EIRP, dBm)", "EIRP_FIELD", "DEFAULT_EIRP")
    height = _filled(height_m, default_height_m, n, "height (m)", "HEIGHT_FIELD", "DEFAULT_HEIGHT")
    freq = _filled(frequency_mhz, default_frequency_mhz, n, "frequency (MHz)", "FREQUENCY_FIELD", "DEFAULT_FREQUENCY")
    ids = [str(i) if i is not None else "" for i in ap_ids] if ap_ids is not None else [""] * n
    aps = [
        AccessPoint(float(x[i]), float(y[i]), float(eirp[i]), float(height[i]), float(freq[i]), ids[i])
        for i in range(n)
    ]
    for i, ap in enumerate(aps):
        validate_access_point(ap, i)
    return aps


@dataclass
class Buildings:
    """Building footprints (shapely polygons, projected metres) with heights above ground [m]."""

    geometries: Sequence[Any]
    heights_m: np.ndarray

    def __post_init__(self) -> None:
        self.heights_m = np.asarray(self.heights_m, dtype=np.float64)
        if len(self.geometries) != len(self.heights_m):
            raise InputError("one height is needed per building", "BUILDING_HEIGHT_FIELD")
        if len(self.heights_m) and (not np.all(np.isfinite(self.heights_m)) or self.heights_m.min() < 0):
            raise InputError("building heights must be finite and >= 0 m", "BUILDING_HEIGHT_FIELD")

    @classmethod
    def from_arrays(
        cls, geometries: Sequence[Any], heights_m: Sequence[Any] | np.ndarray, default_height_m: float | None = None
    ) -> Buildings:
        """Footprints with heights; null heights take ``default_height_m`` or raise InputError."""
        h = np.array([np.nan if v is None else float(v) for v in heights_m], dtype=np.float64)
        missing = ~np.isfinite(h)
        if missing.any():
            if default_height_m is None:
                raise InputError(
                    f"{int(missing.sum())} building(s) have no height; fill BUILDING_HEIGHT_FIELD or remove them",
                    "BUILDING_HEIGHT_FIELD",
                )
            h[missing] = float(default_height_m)
        import shapely

        geoms = np.empty(len(geometries), dtype=object)
        geoms[:] = list(geometries)
        keep = np.flatnonzero(~shapely.is_missing(geoms) & ~shapely.is_empty(geoms))
        return cls(list(geoms[keep]), h[keep])


@dataclass(frozen=True)
class ObstacleRaster:
    """Footprints burnt onto a grid: building index + 1 (0 = open ground) and height [m]."""

    grid: Grid
    building_id: np.ndarray  # int32 (rows, cols)
    height_m: np.ndarray  # float32 (rows, cols), 0 on open ground


def geojson_polygons(geometries: Sequence[Any]) -> list[dict[str, Any]]:
    """GeoJSON-like MultiPolygon mappings for rasterio, built from the coordinates.

    Not ``__geo_interface__``: when shapely's wheel runs on the older GEOS that QGIS links
    (qgis_process and the desktop load GEOS 3.11 globally on Debian 12), it returns empty
    coordinates and rasterio then burns nothing. Non-polygon parts are dropped.
    """
    import shapely

    geoms = np.empty(len(geometries), dtype=object)
    geoms[:] = list(geometries)
    # One vectorised pass over all parts, rings and coordinates, then the nesting is rebuilt in order.
    parts, part_geom = shapely.get_parts(geoms, return_index=True)
    polygon = shapely.get_type_id(parts) == 3  # 3 = Polygon
    parts, part_geom = parts[polygon], part_geom[polygon]
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    coords, coord_ring = shapely.get_coordinates(rings, return_index=True)
    xy = coords.tolist()
    end = np.cumsum(np.bincount(coord_ring, minlength=len(rings))).tolist()
    part_rings: list[list[Any]] = [[] for _ in range(len(parts))]
    for start, stop, part in zip([0, *end[:-1]], end, ring_part.tolist()):
        part_rings[part].append(xy[start:stop])
    polygons: list[list[Any]] = [[] for _ in range(len(geoms))]
    for rings_of_part, g in zip(part_rings, part_geom.tolist()):
        polygons[g].append(rings_of_part)
    return [{"type": "MultiPolygon", "coordinates": polys} for polys in polygons]


@paused()
def rasterize_buildings(buildings: Buildings | None, grid: Grid) -> ObstacleRaster:
    """Burn footprints at pixel centres; where footprints overlap the tallest one wins."""
    ids = np.zeros(grid.shape, dtype=np.int32)
    if buildings is not None and len(buildings.geometries):
        from rasterio import features

        order = np.argsort(buildings.heights_m, kind="stable")  # taller burnt last, so it wins overlaps
        mappings = geojson_polygons([buildings.geometries[i] for i in order])
        shapes = [(m, int(i) + 1) for m, i in zip(mappings, order) if m["coordinates"]]
        if shapes:
            ids = features.rasterize(shapes, out_shape=grid.shape, transform=grid.transform, fill=0, dtype="int32")
        lookup = np.concatenate([[0.0], buildings.heights_m]).astype(np.float32)
        heights = lookup[ids]
    else:
        heights = np.zeros(grid.shape, dtype=np.float32)
    return ObstacleRaster(grid, ids, heights)


@dataclass(frozen=True)
class Site:
    """A shelter site polygon with its expected number of evacuees."""

    site_id: str
    geometry: Any
    evacuees: float = 0.0


# --- Checks -------------------------------------------------------------------------------------


def check_projected_crs(crs_wkt: str, parameter: str) -> None:
    """InputError for a geographic CRS or one not in metres (an empty WKT is taken as metres)."""
    if not crs_wkt:
        return
    from rasterio.crs import CRS

    crs = CRS.from_wkt(crs_wkt)
    if crs.is_geographic:
        raise InputError(
            "the layer is in a geographic CRS (degrees); reproject it to a projected CRS in metres, "
            "e.g. EPSG:6677 (JGD2011 / Japan Plane Rectangular CS IX) for Tokyo",
            parameter,
        )
    units = (crs.linear_units or "").lower()
    if units not in ("metre", "meter", "m", "metres", "meters", ""):
        raise InputError(
            f"the CRS is in {crs.linear_units}; use a projected CRS in metres such as EPSG:6677", parameter
        )


def check_grid(grid: Grid) -> None:
    if grid.width * grid.height > MAX_PIXELS:
        raise InputError(
            f"the extent holds {grid.width} x {grid.height} = {grid.width * grid.height:,} pixels, more than "
            f"{MAX_PIXELS:,}; choose a coarser pixel size or a smaller extent",
            "PIXEL_SIZE",
        )


def _check_thresholds(thresholds_dbm: Sequence[float]) -> tuple[float, ...]:
    values = tuple(float(t) for t in thresholds_dbm)
    lo, hi = THRESHOLD_RANGE_DBM
    if not values or not all(np.isfinite(t) and lo <= t <= hi for t in values):
        raise InputError(
            f"give one or more thresholds between {lo:.0f} and {hi:.0f} dBm, e.g. -67,-75", "THRESHOLDS_DBM"
        )
    return values


def _check_common(receiver_height_m: float, building_loss_db: float | None) -> None:
    if not np.isfinite(receiver_height_m) or receiver_height_m < 0:
        raise InputError(
            f"receiver height {receiver_height_m} m must be >= 0 (1.5 m for a hand-held phone)", "RECEIVER_HEIGHT"
        )
    if building_loss_db is not None and (not np.isfinite(building_loss_db) or building_loss_db < 0):
        raise InputError(
            "the loss per building must be >= 0 dB (leave empty for the ITU-R P.2109 value)", "BUILDING_LOSS_DB"
        )


# --- The ray march ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Settings:
    model: PropagationModel
    nlos_environment: NlosEnvironment
    receiver_height_m: float
    building_loss_db: float | None
    floor_dbm: float


def buildings_crossed(
    ap_x: float,
    ap_y: float,
    ap_height_m: float,
    rx_x: np.ndarray,
    rx_y: np.ndarray,
    receiver_height_m: float,
    obstacles: ObstacleRaster,
    feedback: Feedback | None = None,
) -> np.ndarray:
    """Number of distinct buildings standing above the AP -> receiver line of sight, per receiver.

    All receivers are marched together: at horizontal distance s (half-pixel steps, then the
    receiver itself) the sample's building height is compared with the ray height
    h_ap + (h_rx - h_ap) s / L. The building containing the AP is ignored when the AP is below its
    roof (taken as mounted outside on its wall); receivers and APs must lie inside the raster.
    """
    feedback = feedback or NullFeedback()
    grid = obstacles.grid
    ps = grid.pixel_size
    width = grid.width
    ids_flat = obstacles.building_id.ravel()
    heights_flat = obstacles.height_m.ravel()
    n = len(rx_x)
    if n == 0:
        return np.zeros(0, dtype=np.int32)
    # Pixel units: u to the right from the raster's left edge, v down from its top edge.
    ap_u = (ap_x - grid.xmin) / ps
    ap_v = (grid.ymax - ap_y) / ps
    rx_u = (np.asarray(rx_x, dtype=np.float64) - grid.xmin) / ps
    rx_v = (grid.ymax - np.asarray(rx_y, dtype=np.float64)) / ps
    if ap_u < 0 or ap_v < 0 or ap_u >= width or ap_v >= grid.height:
        raise ValueError("the access point lies outside the obstacle raster")
    ap_flat = int(ap_v) * width + int(ap_u)
    own_id = int(ids_flat[ap_flat]) if heights_flat[ap_flat] > ap_height_m else 0

    du, dv = rx_u - ap_u, rx_v - ap_v
    length = np.hypot(du, dv)
    order = np.argsort(-length, kind="stable")  # longest first: the rays still active are a prefix
    length_sorted = length[order]
    with np.errstate(divide="ignore", invalid="ignore"):
        inv = np.where(length_sorted > 0, 1.0 / length_sorted, 0.0)
    dir_u = (du[order] * inv).astype(np.float32)
    dir_v = (dv[order] * inv).astype(np.float32)
    slope = ((receiver_height_m - ap_height_m) * inv).astype(np.float32)  # metres per pixel of run
    index_dtype: Any = np.int32 if grid.width * grid.height < 2**31 else np.int64

    last = np.zeros(n, dtype=np.int32)
    hit_rays: list[np.ndarray] = []
    hit_ids: list[np.ndarray] = []

    def record(flat: np.ndarray, ray_height: np.ndarray | np.float32) -> None:
        # Rays are numbered in sorted order, and the active ones are a prefix: position = ray.
        rays = np.flatnonzero(heights_flat[flat] > ray_height)
        if rays.size == 0:
            return
        b_ids = ids_flat[flat[rays]]
        # Only record a building when it differs from the last one recorded on that ray; the
        # exact distinct count comes from np.unique below (A-B-A still counts 2).
        keep = (b_ids != own_id) & (b_ids != last[rays])
        if keep.any():
            hit_rays.append(rays[keep])
            hit_ids.append(b_ids[keep])
            last[rays[keep]] = b_ids[keep]

    n_steps = int(np.ceil(length_sorted[0] / RAY_STEP_PIXELS)) if n else 0
    steps = RAY_STEP_PIXELS * np.arange(1, n_steps + 1)
    active = np.searchsorted(-length_sorted, -steps, side="left")  # rays with L > s
    for k in range(n_steps):
        m = int(active[k])
        if m == 0:
            break
        s = np.float32(steps[k])
        u = (dir_u[:m] * s + np.float32(ap_u)).astype(index_dtype)
        v = (dir_v[:m] * s + np.float32(ap_v)).astype(index_dtype)
        v *= width
        v += u
        record(v, slope[:m] * s + np.float32(ap_height_m))
        if k % 64 == 0:
            check_canceled(feedback)
            feedback.set_progress(100.0 * k / max(n_steps, 1))
    # The receiver's own pixel, at receiver height: a receiver inside a building counts it.
    end_flat = rx_v[order].astype(index_dtype)
    end_flat *= width
    end_flat += rx_u[order].astype(index_dtype)
    record(end_flat, np.float32(receiver_height_m))

    counts_sorted = np.zeros(n, dtype=np.int32)
    if hit_rays:
        rays_all = np.concatenate(hit_rays).astype(np.int64)
        ids_all = np.concatenate(hit_ids).astype(np.int64)
        key = np.unique(rays_all * (int(ids_all.max()) + 1) + ids_all)  # distinct (ray, building) pairs
        counts_sorted = np.bincount(key // (int(ids_all.max()) + 1), minlength=n).astype(np.int32)
    counts = np.empty(n, dtype=np.int32)
    counts[order] = counts_sorted
    feedback.set_progress(100.0)
    return counts


def _received_power(
    ap: AccessPoint,
    rx_x: np.ndarray,
    rx_y: np.ndarray,
    obstacles: ObstacleRaster,
    settings: _Settings,
    feedback: Feedback | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Received power [dBm] (float32) and buildings crossed (int16) at the given receivers."""
    crossed = buildings_crossed(
        ap.x, ap.y, ap.height_m, rx_x, rx_y, settings.receiver_height_m, obstacles, feedback=feedback
    )
    d3 = np.sqrt((rx_x - ap.x) ** 2 + (rx_y - ap.y) ** 2 + (settings.receiver_height_m - ap.height_m) ** 2)
    loss_per_building = (
        float(building_entry_loss_db(ap.frequency_mhz))
        if settings.building_loss_db is None
        else float(settings.building_loss_db)
    )
    loss = path_loss_db(d3, ap.frequency_mhz, crossed, settings.model, loss_per_building, settings.nlos_environment)
    return (ap.eirp_dbm - loss).astype(np.float32), crossed.astype(np.int16)


def reach_radius_m(ap: AccessPoint, floor_dbm: float, model: PropagationModel, receiver_height_m: float) -> float:
    """Horizontal distance beyond which the AP cannot deliver ``floor_dbm``, whatever the buildings.

    Buildings only add loss, and the smallest loss (free space, or P.1411 LoS) never decreases with
    distance, so beyond this radius no receiver can reach the floor. -1 when none can.
    """
    d3 = _min_loss_distance_m(ap.eirp_dbm - floor_dbm, ap.frequency_mhz, model)
    dh = abs(ap.height_m - receiver_height_m)
    if d3 < 0 or d3 < dh:
        return -1.0
    return math.sqrt(d3 * d3 - dh * dh)


def _task_received_power(task: tuple) -> tuple[np.ndarray, np.ndarray]:
    """Executor task: one AP on given receivers (module-level so process pools can pickle it)."""
    ap, rx_x, rx_y, obstacles, settings = task
    return _received_power(ap, rx_x, rx_y, obstacles, settings)


def _task_candidates(task: tuple) -> list[tuple[np.ndarray, np.ndarray]]:
    """Executor task: several candidate APs, each on the receivers within its reach."""
    aps, rx_x, rx_y, obstacles, settings = task
    out = []
    for ap in aps:
        r = reach_radius_m(ap, settings.floor_dbm, settings.model, settings.receiver_height_m)
        near = np.flatnonzero(np.hypot(rx_x - ap.x, rx_y - ap.y) <= r + 1e-6) if r >= 0 else np.zeros(0, np.int64)
        rssi, _ = _received_power(ap, rx_x[near], rx_y[near], obstacles, settings)
        keep = rssi >= settings.floor_dbm
        out.append((near[keep], rssi[keep]))
    return out


def _obstacle_grid(grid: Grid, xs: Sequence[float], ys: Sequence[float]) -> Grid:
    """The grid's lattice extended (with a 2-pixel margin) to hold the given points."""
    ps = grid.pixel_size
    xmax = grid.xmin + grid.width * ps
    ymin = grid.ymax - grid.height * ps
    xlo = min([grid.xmin, *xs])
    xhi = max([xmax, *xs])
    ylo = min([ymin, *ys])
    yhi = max([grid.ymax, *ys])
    left = math.floor((xlo - grid.xmin) / ps) - 2
    right = math.ceil((xhi - grid.xmin) / ps) + 2
    top = math.floor((grid.ymax - yhi) / ps) - 2
    bottom = math.ceil((grid.ymax - ylo) / ps) + 2
    return Grid(grid.xmin + left * ps, grid.ymax - top * ps, ps, right - left, bottom - top, grid.crs_wkt)


def _clip_buildings(buildings: Buildings | None, grid: Grid) -> Buildings | None:
    """Only the footprints that touch the grid (saves rasterising a whole ward for one site)."""
    if buildings is None or not len(buildings.geometries):
        return buildings
    import shapely

    geoms = np.asarray(buildings.geometries, dtype=object)
    box = shapely.box(
        grid.xmin, grid.ymax - grid.height * grid.pixel_size, grid.xmin + grid.width * grid.pixel_size, grid.ymax
    )
    tree = shapely.STRtree(geoms)
    hit = np.sort(tree.query(box, predicate="intersects"))
    return Buildings(list(geoms[hit]), buildings.heights_m[hit])


# --- Coverage ---------------------------------------------------------------------------------------


@dataclass
class CoverageResult:
    """Best-server received power on a grid.

    ``rssi_dbm`` is NaN where no AP delivers ``floor_dbm`` (not computed beyond each AP's reach).
    ``serving_ap`` indexes the input access point list (-1 = none); ``buildings_crossed`` is the
    count on the path from the serving AP (-1 = none).
    """

    grid: Grid
    rssi_dbm: np.ndarray
    serving_ap: np.ndarray
    buildings_crossed: np.ndarray
    thresholds_dbm: tuple[float, ...]
    floor_dbm: float
    access_points: list[AccessPoint]

    def coverage_mask(self, threshold_dbm: float) -> np.ndarray:
        with np.errstate(invalid="ignore"):
            return np.nan_to_num(self.rssi_dbm, nan=-np.inf) >= threshold_dbm


def _canonical_order(aps: Sequence[AccessPoint]) -> list[int]:
    """Input indices sorted by position and parameters: ties then resolve the same for any AP order."""
    return sorted(range(len(aps)), key=lambda i: aps[i].sort_key())


def compute_coverage(
    access_points: Sequence[AccessPoint],
    grid: Grid,
    buildings: Buildings | None = None,
    model: PropagationModel = PropagationModel.FREE_SPACE,
    receiver_height_m: float = DEFAULT_RECEIVER_HEIGHT_M,
    thresholds_dbm: Sequence[float] = DEFAULT_THRESHOLDS_DBM,
    building_loss_db: float | None = None,
    nlos_environment: NlosEnvironment = NlosEnvironment.RESIDENTIAL,
    floor_dbm: float | None = None,
    feedback: Feedback | None = None,
    executor: Any = None,
) -> CoverageResult:
    """Best-server received power of ``access_points`` on ``grid`` (projected CRS, metres).

    Each AP is computed only within ``reach_radius_m`` of it for ``floor_dbm`` (default: the lowest
    threshold); values below the floor are NaN. ``building_loss_db`` None = ITU-R P.2109 median
    for a traditional building at each AP's frequency. Results do not depend on the AP order or
    on the executor (APs are combined in a canonical order; ties go to the first in that order).
    """
    feedback = feedback or NullFeedback()
    thresholds = _check_thresholds(thresholds_dbm)
    _check_common(receiver_height_m, building_loss_db)
    check_projected_crs(grid.crs_wkt, "ACCESS_POINTS")
    check_grid(grid)
    aps = list(access_points)
    if not aps:
        raise InputError("there are no access points", "ACCESS_POINTS")
    for i, ap in enumerate(aps):
        validate_access_point(ap, i)
    floor = min(thresholds) if floor_dbm is None else float(floor_dbm)
    model = PropagationModel(model)
    settings = _Settings(model, NlosEnvironment(nlos_environment), float(receiver_height_m), building_loss_db, floor)

    ps = grid.pixel_size
    xs, ys = grid.centers()
    windows = []  # (input index, row0, row1, col0, col1, mask) for APs that reach the grid
    for i in _canonical_order(aps):
        ap = aps[i]
        r = reach_radius_m(ap, floor, model, receiver_height_m)
        if r < 0:
            continue
        c0 = max(0, math.floor((ap.x - r - grid.xmin) / ps))
        c1 = min(grid.width, math.ceil((ap.x + r - grid.xmin) / ps) + 1)
        r0 = max(0, math.floor((grid.ymax - (ap.y + r)) / ps))
        r1 = min(grid.height, math.ceil((grid.ymax - (ap.y - r)) / ps) + 1)
        if c0 >= c1 or r0 >= r1:
            continue
        mask = np.hypot(xs[None, c0:c1] - ap.x, ys[r0:r1, None] - ap.y) <= r + 1e-6
        if mask.any():
            windows.append((i, r0, r1, c0, c1, mask))
    feedback.info(f"{len(windows)} of {len(aps)} access points reach the extent")

    ob_grid = _obstacle_grid(grid, [aps[w[0]].x for w in windows], [aps[w[0]].y for w in windows])
    obstacles = rasterize_buildings(_clip_buildings(buildings, ob_grid), ob_grid)

    best = np.full(grid.shape, -np.inf, dtype=np.float32)
    serving = np.full(grid.shape, -1, dtype=np.int32)
    crossed_best = np.full(grid.shape, -1, dtype=np.int16)

    def receivers(w: tuple) -> tuple[np.ndarray, np.ndarray]:
        _, r0, r1, c0, c1, mask = w
        rr, cc = np.nonzero(mask)
        return xs[c0 + cc], ys[r0 + rr]

    if executor is None:
        results: Iterable[tuple[np.ndarray, np.ndarray]] = (
            _received_power(
                aps[w[0]],
                *receivers(w),
                obstacles,
                settings,
                SubFeedback(feedback, 100.0 * k / len(windows), 100.0 * (k + 1) / len(windows)),
            )
            for k, w in enumerate(windows)
        )
    else:
        tasks = [(aps[w[0]], *receivers(w), obstacles, settings) for w in windows]
        results = run_tasks(_task_received_power, tasks, executor, SubFeedback(feedback, 0.0, 90.0))
    for k, (w, (rssi, crossed)) in enumerate(zip(windows, results)):
        check_canceled(feedback)
        i, r0, r1, c0, c1, mask = w
        sub_best = best[r0:r1, c0:c1]
        current = sub_best[mask]
        better = rssi > current  # strict: a tie keeps the AP earlier in canonical order
        current[better] = rssi[better]
        sub_best[mask] = current
        sub_serving = serving[r0:r1, c0:c1]
        cur_serving = sub_serving[mask]
        cur_serving[better] = i
        sub_serving[mask] = cur_serving
        sub_crossed = crossed_best[r0:r1, c0:c1]
        cur_crossed = sub_crossed[mask]
        cur_crossed[better] = crossed[better]
        sub_crossed[mask] = cur_crossed
        if executor is None:
            feedback.set_progress(100.0 * (k + 1) / max(len(windows), 1))

    below = best < floor
    rssi_out = np.where(below, np.nan, best).astype(np.float32)
    serving[below] = -1
    crossed_best[below] = -1
    return CoverageResult(grid, rssi_out, serving, crossed_best, thresholds, floor, aps)


def coverage_polygons(result: CoverageResult) -> list[tuple[float, Any]]:
    """Dissolved coverage (a shapely (Multi)Polygon, possibly empty) per threshold, in threshold order."""
    import shapely
    from rasterio import features

    out = []
    for t in result.thresholds_dbm:
        mask = result.coverage_mask(t)
        polys = [
            shapely.geometry.shape(geom)
            for geom, value in features.shapes(mask.astype(np.uint8), mask=mask, transform=result.grid.transform)
            if value == 1
        ]
        out.append((t, shapely.union_all(polys) if polys else shapely.MultiPolygon()))
    return out


# --- Sites ---------------------------------------------------------------------------------------------


@dataclass
class SitePixels:
    """Flat pixel indices (into ``grid``) of each site, pixel-centre rule."""

    grid: Grid
    flat_index: list[np.ndarray]
    area_m2: np.ndarray  # polygon area


def site_pixels(sites: Sequence[Site], grid: Grid) -> SitePixels:
    """Pixels whose centre lies in each site; a site too small for any centre gets the pixel under
    its representative point. Parts outside the grid are left out (and logged)."""
    from rasterio import features
    from rasterio.windows import Window
    from rasterio.windows import transform as window_transform

    ps = grid.pixel_size
    out = []
    areas = []
    for site in sites:
        geom = site.geometry
        areas.append(float(geom.area) if geom is not None else 0.0)
        if geom is None or geom.is_empty:
            out.append(np.zeros(0, dtype=np.int64))
            continue
        minx, miny, maxx, maxy = geom.bounds
        c0 = max(0, math.floor((minx - grid.xmin) / ps))
        c1 = min(grid.width, math.ceil((maxx - grid.xmin) / ps))
        r0 = max(0, math.floor((grid.ymax - maxy) / ps))
        r1 = min(grid.height, math.ceil((grid.ymax - miny) / ps))
        idx = np.zeros(0, dtype=np.int64)
        if c0 < c1 and r0 < r1:
            win = Window(c0, r0, c1 - c0, r1 - r0)
            burnt = features.rasterize(
                [(geojson_polygons([geom])[0], 1)],
                out_shape=(r1 - r0, c1 - c0),
                transform=window_transform(win, grid.transform),
                dtype="uint8",
            )
            rr, cc = np.nonzero(burnt)
            idx = ((r0 + rr) * grid.width + (c0 + cc)).astype(np.int64)
        if idx.size == 0:
            p = geom.representative_point()
            row, col = grid.rowcol(np.array([p.x]), np.array([p.y]))
            if 0 <= row[0] < grid.height and 0 <= col[0] < grid.width:
                idx = np.array([row[0] * grid.width + col[0]], dtype=np.int64)
        if idx.size * ps * ps < 0.95 * areas[-1]:
            log.info("site %s lies partly outside the extent; only its part inside is analysed", site.site_id)
        out.append(idx)
    return SitePixels(grid, out, np.array(areas, dtype=np.float64))


@dataclass
class SiteStats:
    """Coverage of one site. Evacuees are spread uniformly over the site's analysed pixels."""

    site_id: str
    area_m2: float
    analysed_area_m2: float
    evacuees: float
    thresholds_dbm: tuple[float, ...]
    covered_share: tuple[float, ...]  # per threshold, share of the analysed area
    covered_evacuees: tuple[float, ...]  # per threshold
    serving_aps: tuple[int, ...]  # APs serving >= 1 covered pixel at the lowest threshold
    evacuees_per_ap: float  # covered evacuees at the lowest threshold / serving APs (NaN if none)
    max_ap_clients: float  # the busiest serving AP's clients, counting every site it serves
    client_limit: int
    over_limit: bool
    aps_needed: int  # ceil(evacuees / client_limit)


@dataclass
class SiteReport:
    sites: list[SiteStats]
    ap_clients: np.ndarray  # expected clients per access point (all sites), input order


def _site_report(
    sites: Sequence[Site],
    pixels: SitePixels,
    rssi_per_site: list[np.ndarray],
    serving_per_site: list[np.ndarray],
    thresholds: tuple[float, ...],
    n_aps: int,
    client_limit: int,
) -> SiteReport:
    """Statistics from the best-server power and serving AP at each site's pixels."""
    pixel_area = pixels.grid.pixel_size**2
    low = min(thresholds)
    clients = np.zeros(n_aps, dtype=np.float64)
    shares_by_site = []
    serving_by_site = []
    for k, site in enumerate(sites):
        rssi = np.nan_to_num(rssi_per_site[k].astype(np.float64), nan=-np.inf)
        n_px = len(rssi)
        density = float(site.evacuees) / n_px if n_px else 0.0
        shares_by_site.append(tuple(float((rssi >= t).sum()) / n_px if n_px else float("nan") for t in thresholds))
        serving = serving_per_site[k][rssi >= low]
        if serving.size:
            clients += np.bincount(serving, minlength=n_aps) * density
        serving_by_site.append(np.unique(serving))
    stats = []
    for k, site in enumerate(sites):
        shares = shares_by_site[k]
        serving_aps = serving_by_site[k]
        n_px = len(rssi_per_site[k])
        covered = tuple(share * float(site.evacuees) if n_px else 0.0 for share in shares)
        low_covered = covered[thresholds.index(low)]
        n_serving = len(serving_aps)
        max_clients = float(clients[serving_aps].max()) if n_serving else 0.0
        stats.append(
            SiteStats(
                site_id=site.site_id,
                area_m2=float(pixels.area_m2[k]),
                analysed_area_m2=n_px * pixel_area,
                evacuees=float(site.evacuees),
                thresholds_dbm=thresholds,
                covered_share=shares,
                covered_evacuees=covered,
                serving_aps=tuple(int(a) for a in serving_aps),
                evacuees_per_ap=low_covered / n_serving if n_serving else float("nan"),
                max_ap_clients=max_clients,
                client_limit=int(client_limit),
                over_limit=max_clients > client_limit,
                aps_needed=math.ceil(float(site.evacuees) / client_limit),
            )
        )
    return SiteReport(stats, clients)


def _check_sites(sites: Sequence[Site], client_limit: int) -> None:
    if client_limit is None or client_limit < 1:
        raise InputError("the client limit per access point must be at least 1", "CLIENT_LIMIT")
    for s in sites:
        if not np.isfinite(s.evacuees) or s.evacuees < 0:
            raise InputError(f"site {s.site_id} has {s.evacuees} expected evacuees; give a number >= 0", "SITES")


def site_statistics(
    result: CoverageResult, sites: Sequence[Site], client_limit: int = DEFAULT_CLIENT_LIMIT
) -> SiteReport:
    """Per-site covered share and evacuees at each threshold, and load on the serving APs.

    An evacuee is a client of the best server at his pixel wherever the power reaches the lowest
    threshold; an AP's clients add up over every site it serves.
    """
    _check_sites(sites, client_limit)
    pixels = site_pixels(sites, result.grid)
    rssi_flat = result.rssi_dbm.ravel()
    serving_flat = result.serving_ap.ravel()
    return _site_report(
        sites,
        pixels,
        [rssi_flat[idx] for idx in pixels.flat_index],
        [serving_flat[idx] for idx in pixels.flat_index],
        result.thresholds_dbm,
        len(result.access_points),
        client_limit,
    )


# --- Placement ------------------------------------------------------------------------------------------


def candidate_access_points(
    sites: Sequence[Site],
    buildings: Buildings | None,
    spacing_m: float = DEFAULT_CANDIDATE_SPACING_M,
    eirp_dbm: float = DEFAULT_EIRP_DBM,
    height_m: float = DEFAULT_AP_HEIGHT_M,
    frequency_mhz: float = DEFAULT_FREQUENCY_MHZ,
) -> list[AccessPoint]:
    """Automatic candidates: a square lattice (``spacing_m``, anchored at the CRS origin) on each
    site polygon, at ``height_m`` (a pole), plus points every ``spacing_m`` along the roof edges
    of the buildings touching a site, ROOF_MOUNT_M above their roof. Sorted, duplicates removed."""
    import shapely

    if not np.isfinite(spacing_m) or spacing_m <= 0:
        raise InputError("the candidate spacing must be a positive distance in metres", "CANDIDATE_SPACING")
    points: dict[tuple[float, float, float], str] = {}
    site_geoms = [s.geometry for s in sites if s.geometry is not None and not s.geometry.is_empty]
    for geom in site_geoms:
        minx, miny, maxx, maxy = geom.bounds
        gx = np.arange(math.floor(minx / spacing_m), math.ceil(maxx / spacing_m) + 1) * spacing_m
        gy = np.arange(math.floor(miny / spacing_m), math.ceil(maxy / spacing_m) + 1) * spacing_m
        px, py = np.meshgrid(gx, gy)
        # shapely.contains_xy needs GEOS >= 3.12; inside QGIS, shapely may run on the GEOS QGIS links.
        inside = shapely.contains(geom, shapely.points(px.ravel(), py.ravel()))
        xy = list(zip(px.ravel()[inside], py.ravel()[inside]))
        if not xy:
            p = geom.representative_point()
            xy = [(p.x, p.y)]
        for x, y in xy:
            points.setdefault((round(float(x), 2), round(float(y), 2), float(height_m)), "site")
    if buildings is not None and len(buildings.geometries) and site_geoms:
        geoms = np.asarray(buildings.geometries, dtype=object)
        tree = shapely.STRtree(geoms)
        touching = np.unique(np.concatenate([tree.query(g, predicate="intersects") for g in site_geoms]))
        for b in touching:
            roof = float(buildings.heights_m[b]) + ROOF_MOUNT_M
            for ring in shapely.get_exterior_ring(shapely.get_parts(geoms[b])):
                dist = np.arange(0.0, ring.length, spacing_m)
                pts = shapely.get_coordinates(shapely.line_interpolate_point(ring, dist))
                for x, y in pts:
                    points.setdefault((round(float(x), 2), round(float(y), 2), roof), "roof edge")
    return [
        AccessPoint(x, y, eirp_dbm, h, frequency_mhz, f"{points[(x, y, h)]} {k + 1}")
        for k, (x, y, h) in enumerate(sorted(points))
    ]


def placement_size(
    sites: Sequence[Site], buildings: Buildings | None, spacing_m: float, pixel_size_m: float
) -> tuple[int, int]:
    """(automatic candidates, site pixels) of a placement, counted without building them.

    Candidates: a bound of the lattice points in each site plus the roof-edge points of the buildings
    touching a site (about what candidate_access_points makes, never fewer for convex sites); pixels:
    the sites' area in pixels. Their product is what the placement evaluates (core/resources.py's estimate).
    """
    import shapely

    geoms = [s.geometry for s in sites if s.geometry is not None and not s.geometry.is_empty]
    if not geoms or not (np.isfinite(spacing_m) and spacing_m > 0 and np.isfinite(pixel_size_m) and pixel_size_m > 0):
        return 0, 0
    # Lattice points in a convex region: at most area/s² + perimeter/(2s) + 1 (Nosarzewska 1948);
    # perimeter/s leaves room for concave sites.
    lattice = sum(math.ceil(g.area / spacing_m**2 + g.length / spacing_m) + 1 for g in geoms)
    roof = 0
    if buildings is not None and len(buildings.geometries):
        tree = shapely.STRtree(np.asarray(buildings.geometries, dtype=object))
        touching = np.unique(np.concatenate([tree.query(g, predicate="intersects") for g in geoms]))
        rings = shapely.get_exterior_ring(shapely.get_parts(np.asarray(buildings.geometries, dtype=object)[touching]))
        roof = int(sum(math.ceil(length / spacing_m) for length in shapely.length(rings)))
    pixels = math.ceil(sum(g.area for g in geoms) / pixel_size_m**2)
    return lattice + roof, pixels


@dataclass
class PlacementResult:
    chosen: list[AccessPoint]  # new APs, in the order chosen
    chosen_candidate_index: list[int]  # index of each into ``candidates``
    gains: list[float]  # added covered m2 (AREA) or evacuees (EVACUEES) at each step
    share_after: list[float]  # covered share of all sites (by the objective's weight) after each step
    share_before: float
    target_reached: bool
    candidates: list[AccessPoint]
    before: SiteReport  # existing APs only
    after: SiteReport  # existing APs (indices 0..m-1) then chosen APs (m, m+1, ...)


def place_access_points(
    sites: Sequence[Site],
    existing: Sequence[AccessPoint],
    pixel_size_m: float,
    crs_wkt: str,
    buildings: Buildings | None = None,
    candidates: Sequence[AccessPoint] | None = None,
    target_share: float = DEFAULT_TARGET_SHARE,
    max_new_aps: int = DEFAULT_MAX_NEW_APS,
    objective: PlacementObjective = PlacementObjective.AREA,
    model: PropagationModel = PropagationModel.FREE_SPACE,
    receiver_height_m: float = DEFAULT_RECEIVER_HEIGHT_M,
    thresholds_dbm: Sequence[float] = DEFAULT_THRESHOLDS_DBM,
    building_loss_db: float | None = None,
    nlos_environment: NlosEnvironment = NlosEnvironment.RESIDENTIAL,
    client_limit: int = DEFAULT_CLIENT_LIMIT,
    candidate_spacing_m: float = DEFAULT_CANDIDATE_SPACING_M,
    new_ap_eirp_dbm: float = DEFAULT_EIRP_DBM,
    new_ap_height_m: float = DEFAULT_AP_HEIGHT_M,
    new_ap_frequency_mhz: float = DEFAULT_FREQUENCY_MHZ,
    feedback: Feedback | None = None,
    executor: Any = None,
) -> PlacementResult:
    """Greedy AP placement on shelter sites.

    Objective: at each step add the candidate that adds the most covered site area (m2; AREA) or
    covered evacuees (EVACUEES) at the primary threshold (the first one), i.e. weight of site
    pixels that reach it with the candidate and did not before. Stops when the covered share of
    all sites together reaches ``target_share``, after ``max_new_aps``, or when no candidate adds
    anything. Ties go to the candidate first in (x, y, height) order, so neither the order of the
    existing APs nor that of the candidates changes the result. Only site pixels are evaluated.
    """
    feedback = feedback or NullFeedback()
    thresholds = _check_thresholds(thresholds_dbm)
    primary = thresholds[0]
    _check_common(receiver_height_m, building_loss_db)
    _check_sites(sites, client_limit)
    check_projected_crs(crs_wkt, "SITES")
    if not sites:
        raise InputError("there are no shelter sites", "SITES")
    if not (np.isfinite(target_share) and 0 < target_share <= 1):
        raise InputError("the target covered share must be in (0, 1], e.g. 0.9", "TARGET_SHARE")
    if max_new_aps is None or max_new_aps < 0:
        raise InputError("the maximum number of new access points must be >= 0", "MAX_NEW_APS")
    objective = PlacementObjective(objective)
    model = PropagationModel(model)
    existing = list(existing)
    for i, ap in enumerate(existing):
        validate_access_point(ap, i)
    if candidates is None:
        probe = AccessPoint(0.0, 0.0, new_ap_eirp_dbm, new_ap_height_m, new_ap_frequency_mhz)
        validate_access_point(probe, 0)
        candidates = candidate_access_points(
            sites, buildings, candidate_spacing_m, new_ap_eirp_dbm, new_ap_height_m, new_ap_frequency_mhz
        )
    candidates = list(candidates)
    for i, ap in enumerate(candidates):
        validate_access_point(ap, i, "CANDIDATES/")
    if not candidates:
        raise InputError("there are no candidate points", "CANDIDATES")
    feedback.info(f"{len(candidates)} candidate access points")

    import shapely

    bounds = shapely.union_all([s.geometry for s in sites if s.geometry is not None]).bounds
    if not np.isfinite(pixel_size_m) or pixel_size_m <= 0:
        raise InputError("pixel size must be positive", "PIXEL_SIZE")
    grid = Grid.from_extent(
        math.floor(bounds[0] / pixel_size_m) * pixel_size_m,
        math.floor(bounds[1] / pixel_size_m) * pixel_size_m,
        math.ceil(bounds[2] / pixel_size_m) * pixel_size_m + (pixel_size_m if bounds[2] == bounds[0] else 0.0),
        math.ceil(bounds[3] / pixel_size_m) * pixel_size_m + (pixel_size_m if bounds[3] == bounds[1] else 0.0),
        pixel_size_m,
        crs_wkt,
    )
    check_grid(grid)
    pixels = site_pixels(sites, grid)
    # Receivers: the union of site pixels; weights add up where sites overlap.
    all_idx = np.concatenate(pixels.flat_index) if pixels.flat_index else np.zeros(0, np.int64)
    rx_flat, inverse = np.unique(all_idx, return_inverse=True)
    weights = np.zeros(len(rx_flat))
    offset = 0
    for k, idx in enumerate(pixels.flat_index):
        n_px = len(idx)
        if n_px:
            w = grid.pixel_size**2 if objective == PlacementObjective.AREA else float(sites[k].evacuees) / n_px
            np.add.at(weights, inverse[offset : offset + n_px], w)
        offset += n_px
    total_weight = float(weights.sum())
    if total_weight <= 0:
        raise InputError("the sites hold no evacuees; fill the evacuees field or use the area objective", "OBJECTIVE")
    xs, ys = grid.centers()
    rx_x = xs[rx_flat % grid.width]
    rx_y = ys[rx_flat // grid.width]

    all_aps = existing + candidates
    ob_grid = _obstacle_grid(grid, [a.x for a in all_aps], [a.y for a in all_aps])
    obstacles = rasterize_buildings(_clip_buildings(buildings, ob_grid), ob_grid)
    low = min(thresholds)
    full = _Settings(model, NlosEnvironment(nlos_environment), float(receiver_height_m), building_loss_db, low)
    quick = _Settings(model, NlosEnvironment(nlos_environment), float(receiver_height_m), building_loss_db, primary)

    def evaluate(aps: list[AccessPoint], settings: _Settings, fb: Feedback) -> list[tuple[np.ndarray, np.ndarray]]:
        chunks = [aps[i : i + CANDIDATES_PER_TASK] for i in range(0, len(aps), CANDIDATES_PER_TASK)]
        tasks = [(chunk, rx_x, rx_y, obstacles, settings) for chunk in chunks]
        return [item for res in run_tasks(_task_candidates, tasks, executor, fb) for item in res]

    def combine(per_ap: list[tuple[np.ndarray, np.ndarray]], labels: list[int]) -> tuple[np.ndarray, np.ndarray]:
        best = np.full(len(rx_flat), -np.inf, dtype=np.float32)
        serving = np.full(len(rx_flat), -1, dtype=np.int64)
        for label, (near, rssi) in zip(labels, per_ap):
            better = rssi > best[near]
            best[near[better]] = rssi[better]
            serving[near[better]] = label
        return best, serving

    def report(best: np.ndarray, serving: np.ndarray, n_aps: int) -> SiteReport:
        rssi_s, serv_s = [], []
        for idx in pixels.flat_index:
            pos = np.searchsorted(rx_flat, idx)
            rssi_s.append(np.where(best[pos] >= low, best[pos], np.nan))
            serv_s.append(serving[pos])
        return _site_report(sites, pixels, rssi_s, serv_s, thresholds, n_aps, client_limit)

    ex_order = _canonical_order(existing)
    existing_full = evaluate([existing[i] for i in ex_order], full, SubFeedback(feedback, 0.0, 10.0))
    base_best, base_serving = combine(existing_full, ex_order)
    before = report(base_best, base_serving, len(existing))

    cand_order = _canonical_order(candidates)
    cand_quick = evaluate([candidates[i] for i in cand_order], quick, SubFeedback(feedback, 10.0, 90.0))
    covered = base_best >= primary
    share_before = float(weights[covered].sum()) / total_weight
    chosen_pos: list[int] = []
    gains: list[float] = []
    shares: list[float] = []
    share = share_before
    while len(chosen_pos) < max_new_aps and share < target_share:
        check_canceled(feedback)
        gain = np.array(
            [float(weights[near[(rssi >= primary) & ~covered[near]]].sum()) for near, rssi in cand_quick],
            dtype=np.float64,
        )
        if len(chosen_pos):
            gain[chosen_pos] = -1.0
        pick = int(np.argmax(gain))  # first maximum: the canonical order breaks ties
        if gain[pick] <= 0:
            break
        near, rssi = cand_quick[pick]
        covered[near[rssi >= primary]] = True
        chosen_pos.append(pick)
        gains.append(float(gain[pick]))
        share = float(weights[covered].sum()) / total_weight
        shares.append(share)
        feedback.info(f"new access point {len(chosen_pos)}: +{gain[pick]:.1f}, covered share {share:.3f}")

    chosen_index = [cand_order[p] for p in chosen_pos]
    chosen = [candidates[i] for i in chosen_index]
    chosen_full = evaluate(chosen, full, SubFeedback(feedback, 90.0, 100.0)) if chosen else []
    labels = ex_order + list(range(len(existing), len(existing) + len(chosen)))
    best_after, serving_after = combine(existing_full + chosen_full, labels)
    after = report(best_after, serving_after, len(existing) + len(chosen))
    feedback.set_progress(100.0)
    return PlacementResult(
        chosen=chosen,
        chosen_candidate_index=chosen_index,
        gains=gains,
        share_after=shares,
        share_before=share_before,
        target_reached=share >= target_share,
        candidates=candidates,
        before=before,
        after=after,
    )


__all__ = [
    "DEFAULT_AP_HEIGHT_M",
    "DEFAULT_CLIENT_LIMIT",
    "DEFAULT_EIRP_DBM",
    "DEFAULT_FREQUENCY_MHZ",
    "DEFAULT_RECEIVER_HEIGHT_M",
    "DEFAULT_THRESHOLDS_DBM",
    "AccessPoint",
    "Buildings",
    "CoverageResult",
    "NlosEnvironment",
    "ObstacleRaster",
    "PlacementObjective",
    "PlacementResult",
    "PropagationModel",
    "Site",
    "SiteReport",
    "SiteStats",
    "access_points_from_arrays",
    "building_entry_loss_db",
    "buildings_crossed",
    "candidate_access_points",
    "compute_coverage",
    "coverage_polygons",
    "free_space_path_loss_db",
    "p1411_loss_db",
    "path_loss_db",
    "place_access_points",
    "rasterize_buildings",
    "reach_radius_m",
    "site_pixels",
    "site_statistics",
]
