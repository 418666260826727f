"""Scenario ground motion: Si & Midorikawa (1999) PGV, AVS30 amplification, JMA intensity.

Every coefficient carries its citation; docs/methods/groundmotion.md explains the choices.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from .errors import InputError
from .feedback import Feedback, NullFeedback, check_canceled
from .rasters import Grid
from .realizations import check_realizations

log = logging.getLogger(__name__)


class FaultType(enum.IntEnum):
    CRUSTAL = 0
    INTERPLATE = 1
    INTRASLAB = 2


# Si & Midorikawa (1999), term d by fault type (NIED 2009, J-SHIS technical report, eq. 3.5.1-1).
SI_MIDORIKAWA_D = {FaultType.CRUSTAL: 0.0, FaultType.INTERPLATE: -0.02, FaultType.INTRASLAB: 0.12}
# Si & Midorikawa (1999): magnitude saturation used by J-SHIS (Mw capped at 8.3).
SI_MIDORIKAWA_MW_CAP = 8.3
# Practice for point sources in J-SHIS-type maps: never closer than 3 km to the source.
MIN_DISTANCE_KM = 3.0
# Accepted magnitude range of the user interface (the regression data span about Mw 5.8-8.3).
MAGNITUDE_RANGE = (4.0, 9.0)


class Amplification(enum.IntEnum):
    FUJIMOTO_MIDORIKAWA_2006 = 0
    MIDORIKAWA_1994 = 1


class IntensityModel(enum.IntEnum):
    MIDORIKAWA_1999 = 0
    FUJIMOTO_MIDORIKAWA_2005 = 1


def pgv600(
    magnitude: float, depth_km: float, distance_km: np.ndarray | float, fault_type: FaultType = FaultType.CRUSTAL
) -> np.ndarray:
    """Median PGV [cm/s] on engineering bedrock (Vs = 600 m/s), Si & Midorikawa (1999).

    log10 PGV600 = 0.58 Mw + 0.0038 D + d - 1.29 - log10(X + 0.0028 * 10^(0.5 Mw)) - 0.002 X
    """
    mw = min(float(magnitude), SI_MIDORIKAWA_MW_CAP)
    x = np.asarray(distance_km, dtype=np.float64)
    log_pgv = (
        0.58 * mw
        + 0.0038 * depth_km
        + SI_MIDORIKAWA_D[FaultType(fault_type)]
        - 1.29
        - np.log10(x + 0.0028 * 10.0 ** (0.5 * mw))
        - 0.002 * x
    )
    return np.power(10.0, log_pgv)


def sigma_log10(distance_km: np.ndarray | float) -> np.ndarray:
    """Scatter of log10 PGV: 0.23 for X <= 20 km, log-linear in X to 0.20 at X >= 30 km.

    Si & Midorikawa (1999) as used by NIED (2009); applied to every fault type here.
    """
    x = np.maximum(np.asarray(distance_km, dtype=np.float64), 1e-6)
    frac = np.clip((np.log10(x) - np.log10(20.0)) / (np.log10(30.0) - np.log10(20.0)), 0.0, 1.0)
    return 0.23 + (0.20 - 0.23) * frac


def amplification(
    avs30: np.ndarray | float, model: Amplification = Amplification.FUJIMOTO_MIDORIKAWA_2006
) -> np.ndarray:
    """Amplification of PGV from Vs=600 m/s bedrock to the surface.

    Fujimoto & Midorikawa (2006), J-SHIS: log10 ARV = 2.367 - 0.852 log10 AVS30 (1.0 at 600 m/s).
    Midorikawa et al. (1994): log10 ARV = 1.83 - 0.66 log10 AVS30, applied as published
    (its value at 600 m/s is 0.9918, not renormalised).
    """
    v = np.asarray(avs30, dtype=np.float64)
    if Amplification(model) == Amplification.FUJIMOTO_MIDORIKAWA_2006:
        return np.power(10.0, 2.367 - 0.852 * np.log10(v))
    return np.power(10.0, 1.83 - 0.66 * np.log10(v))


def jma_intensity(pgv: np.ndarray | float, model: IntensityModel = IntensityModel.MIDORIKAWA_1999) -> np.ndarray:
    """JMA instrumental intensity from surface PGV [cm/s].

    Midorikawa et al. (1999): I = 2.68 + 1.72 log10 PGV.
    Fujimoto & Midorikawa (2005): I = 2.002 + 2.603 x - 0.213 x^2 where that exceeds 4.0,
    else I = 2.165 + 2.262 x, with x = log10 PGV.
    """
    x = np.log10(np.maximum(np.asarray(pgv, dtype=np.float64), 1e-6))
    if IntensityModel(model) == IntensityModel.MIDORIKAWA_1999:
        return 2.68 + 1.72 * x
    high = 2.002 + 2.603 * x - 0.213 * x**2
    return np.where(high > 4.0, high, 2.165 + 2.262 * x)


# JMA seismic intensity classes (JMA 1996): lower bounds of the instrumental intensity.
JMA_CLASSES = (("5-", 4.5), ("5+", 5.0), ("6-", 5.5), ("6+", 6.0), ("7", 6.5))


def jma_class(intensity: float) -> str:
    label = "4 or less"
    for name, lower in JMA_CLASSES:
        if intensity >= lower:
            label = name
    return label


def hypocentral_distance_km(epicentral_km: np.ndarray, depth_km: float) -> np.ndarray:
    """Point source: X = sqrt(R_epi^2 + D^2), never less than MIN_DISTANCE_KM."""
    return np.maximum(np.hypot(epicentral_km, depth_km), MIN_DISTANCE_KM)


def distance_to_segments_m(xs: np.ndarray, ys: np.ndarray, segments: np.ndarray) -> np.ndarray:
    """Shortest horizontal distance [m] from points to a polyline given as (n, 4) segments x0,y0,x1,y1."""
    best = np.full(np.broadcast(xs, ys).shape, np.inf)
    for x0, y0, x1, y1 in segments:
        dx, dy = x1 - x0, y1 - y0
        length2 = dx * dx + dy * dy
        if length2 == 0:
            t = np.zeros_like(best)
        else:
            t = np.clip(((xs - x0) * dx + (ys - y0) * dy) / length2, 0.0, 1.0)
        best = np.minimum(best, np.hypot(xs - (x0 + t * dx), ys - (y0 + t * dy)))
    return best


@dataclass
class Scenario:
    """An earthquake scenario in a projected (metric) CRS."""

    magnitude: float
    depth_km: float
    epicenter_xy: tuple[float, float] | None = None
    fault_segments: np.ndarray | None = None  # (n, 4) surface trace in the grid's CRS, metres
    fault_type: FaultType = FaultType.CRUSTAL

    def validate(self) -> None:
        lo, hi = MAGNITUDE_RANGE
        if not (lo <= self.magnitude <= hi):
            raise InputError(f"magnitude {self.magnitude} is outside {lo}-{hi} (Mw)", "MAGNITUDE")
        if not np.isfinite(self.depth_km) or self.depth_km < 0:
            raise InputError(f"depth {self.depth_km} km must be zero or positive", "DEPTH")
        if self.epicenter_xy is None and (self.fault_segments is None or len(self.fault_segments) == 0):
            raise InputError("give an epicentre point or a fault trace", "EPICENTER")

    def distance_km(self, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
        """Source distance X [km] used by Si & Midorikawa (1999).

        Finite fault: the plane hangs vertically below the surface trace with its top at DEPTH,
        so the shortest distance from a surface site is sqrt(r_trace^2 + DEPTH^2).
        Point source: hypocentral distance. Both are floored at MIN_DISTANCE_KM.
        """
        if self.fault_segments is not None and len(self.fault_segments):
            horizontal_km = distance_to_segments_m(xs, ys, self.fault_segments) / 1000.0
        else:
            assert self.epicenter_xy is not None
            ex, ey = self.epicenter_xy
            horizontal_km = np.hypot(xs - ex, ys - ey) / 1000.0
        return hypocentral_distance_km(horizontal_km, self.depth_km)


# Spatial correlation of within-event residuals: exponential model rho(h) = exp(-3 h / b)
# (Jayaram & Baker 2009, EESD 38(15), eq. 17, case without Vs30 clustering: b = 8.5 + 17.2 T km
# for T < 1 s). PGV is taken at T = 1 s, giving b = 25.7 km (Bradley 2012 shows PGV correlates
# most with spectral ordinates near 1 s). The range is a parameter.
DEFAULT_CORRELATION_RANGE_KM = 8.5 + 17.2 * 1.0


# Largest loss of correlation accepted between neighbouring nodes of the generation grid when a
# smooth field (range much larger than the pixel) is generated coarse and interpolated: 1 %.
MAX_NODE_DECORRELATION = 0.01


@dataclass
class FieldGenerator:
    """What every realization of a correlated field shares: the square root of the circulant
    embedding's spectrum and, when generated coarse, the interpolation matrices."""

    shape: tuple[int, int]  # output rows, cols
    amplitude: np.ndarray | None  # None: uncorrelated
    embedding_shape: tuple[int, int]  # rows, cols actually generated before interpolation
    w_rows: np.ndarray | None = None
    w_cols: np.ndarray | None = None

    def pair(self, seed: np.random.SeedSequence) -> tuple[np.ndarray, np.ndarray]:
        """Two independent unit-variance fields from one complex FFT, drawn from ``seed`` alone."""
        from scipy import fft

        rng = np.random.default_rng(seed)
        if self.amplitude is None:
            return rng.standard_normal(self.shape), rng.standard_normal(self.shape)
        n_r, n_c = self.amplitude.shape
        noise = rng.standard_normal((n_r, n_c)) + 1j * rng.standard_normal((n_r, n_c))
        field = fft.fft2(self.amplitude * noise, workers=-1)
        rows, cols = self.embedding_shape
        out = []
        for part in (field.real, field.imag):
            piece = np.ascontiguousarray(part[:rows, :cols])
            if self.w_rows is not None and self.w_cols is not None:
                piece = self.w_rows @ piece @ self.w_cols.T
            out.append(piece)
        return out[0], out[1]


def field_generator(shape: tuple[int, int], pixel_size_m: float, range_km: float) -> FieldGenerator:
    """Prepare fields with exponential correlation exp(-3h/b), b = ``range_km``.

    Circulant embedding (Dietrich & Newsam 1997): the covariance on a torus twice the grid's
    size is diagonalised by the FFT; each complex FFT gives two independent fields (real and
    imaginary parts). Negative eigenvalues of the embedding, if any, are set to zero and logged.

    When the range is so long that neighbouring pixels are more than 99 % correlated, the
    field is generated on a coarser grid whose neighbouring nodes are 99 % correlated and
    interpolated bilinearly onto the pixels (variance lost between nodes: at most about 1 %).
    """
    if range_km <= 0:
        return FieldGenerator(shape, None, shape)
    rows, cols = shape
    range_m = range_km * 1000.0
    step_m = -range_m * np.log(1.0 - MAX_NODE_DECORRELATION) / 3.0
    factor = int(step_m // pixel_size_m)
    if factor <= 1:
        return FieldGenerator(shape, _embedding_amplitude(shape, pixel_size_m, range_m), shape)
    coarse_pixel = factor * pixel_size_m
    coarse_shape = (int(np.ceil(rows / factor)) + 2, int(np.ceil(cols / factor)) + 2)
    return FieldGenerator(
        shape,
        _embedding_amplitude(coarse_shape, coarse_pixel, range_m),
        coarse_shape,
        _linear_weights(rows, pixel_size_m, coarse_shape[0], coarse_pixel),
        _linear_weights(cols, pixel_size_m, coarse_shape[1], coarse_pixel),
    )


def _field_pair_task(task: tuple[FieldGenerator, np.random.SeedSequence]) -> tuple[np.ndarray, np.ndarray]:
    generator, seed = task
    return generator.pair(seed)


# Field pairs computed per executor round: bounds memory (each pair is 2 x rows x cols doubles).
PAIRS_PER_ROUND = 8


def correlated_normal_fields(
    shape: tuple[int, int],
    pixel_size_m: float,
    range_km: float,
    count: int,
    seed: int | np.random.SeedSequence,
    feedback: Feedback | None = None,
    executor: Any = None,
) -> Iterator[np.ndarray]:
    """Yield ``count`` standard-normal fields with exponential correlation exp(-3h/b).

    Field pair k (fields 2k+1 and 2k+2) is drawn from the k-th child of
    ``SeedSequence(seed)``, so the fields are the same whatever ``executor`` computes the pairs
    (see :func:`field_generator` for the method).
    """
    from .executors import run_tasks

    feedback = feedback or NullFeedback()
    generator = field_generator(shape, pixel_size_m, range_km)
    root = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    n_pairs = (count + 1) // 2
    children = root.spawn(n_pairs)
    produced = 0
    for start in range(0, n_pairs, PAIRS_PER_ROUND):
        check_canceled(feedback)
        tasks = [(generator, child) for child in children[start : start + PAIRS_PER_ROUND]]
        for first, second in run_tasks(_field_pair_task, tasks, executor):
            for field in (first, second):
                if produced < count:
                    yield field
                    produced += 1


def _linear_weights(n_fine: int, fine: float, n_coarse: int, coarse: float) -> np.ndarray:
    """Matrix (n_fine, n_coarse) of linear interpolation from nodes at (k - 1) * coarse to pixel centres."""
    position = (np.arange(n_fine) + 0.5) * fine / coarse + 1.0
    k0 = np.minimum(np.floor(position).astype(np.int64), n_coarse - 2)
    w = position - k0
    weights = np.zeros((n_fine, n_coarse))
    weights[np.arange(n_fine), k0] = 1.0 - w
    weights[np.arange(n_fine), k0 + 1] = w
    return weights


def _embedding_amplitude(shape: tuple[int, int], pixel_size_m: float, range_m: float) -> np.ndarray:
    from scipy import fft

    rows, cols = shape
    n_r = fft.next_fast_len(2 * rows)
    n_c = fft.next_fast_len(2 * cols)
    lag_r = np.minimum(np.arange(n_r), n_r - np.arange(n_r)) * pixel_size_m
    lag_c = np.minimum(np.arange(n_c), n_c - np.arange(n_c)) * pixel_size_m
    h = np.hypot(lag_r[:, None], lag_c[None, :])
    cov = np.exp(-3.0 * h / range_m)
    eig = fft.fft2(cov, workers=-1).real
    negative = eig < 0
    if negative.any():
        log.info("circulant embedding: %d negative eigenvalues set to zero", int(negative.sum()))
        eig[negative] = 0.0
    return np.sqrt(eig / (n_r * n_c))


@dataclass
class GroundMotionResult:
    pgv_median: np.ndarray
    intensity_median: np.ndarray
    distance_km: np.ndarray
    fallback_cells: int


def median_ground_motion(
    scenario: Scenario,
    xs: np.ndarray,
    ys: np.ndarray,
    avs30: np.ndarray,
    amplification_model: Amplification = Amplification.FUJIMOTO_MIDORIKAWA_2006,
    intensity_model: IntensityModel = IntensityModel.MIDORIKAWA_1999,
) -> GroundMotionResult:
    """Median surface PGV and intensity on a grid (xs along columns, ys along rows)."""
    scenario.validate()
    gx, gy = np.meshgrid(xs, ys)
    dist = scenario.distance_km(gx, gy)
    pgv = pgv600(scenario.magnitude, scenario.depth_km, dist, scenario.fault_type) * amplification(
        avs30, amplification_model
    )
    return GroundMotionResult(pgv, jma_intensity(pgv, intensity_model), dist, 0)


def clean_avs30(avs30: np.ndarray | None, shape: tuple[int, int], default: float) -> tuple[np.ndarray, int]:
    """Replace missing, non-finite or non-positive AVS30 with ``default``; return the count replaced."""
    if not np.isfinite(default) or default <= 0:
        raise InputError(f"AVS30_DEFAULT must be a positive velocity in m/s, got {default}", "AVS30_DEFAULT")
    if avs30 is None:
        return np.full(shape, float(default)), 0
    bad = ~np.isfinite(avs30) | (avs30 <= 0)
    out = np.where(bad, float(default), avs30)
    return out, int(bad.sum())


@dataclass
class GroundMotionRun:
    """What a ground-motion run produced (for the algorithm's results and logs)."""

    bands: int
    fallback_cells: int
    max_intensity: float
    min_intensity: float
    share_6_lower_or_more: float


# JMA: instrumental intensity below 0.5 is intensity class 0, not felt by people (気象庁 震度階級
# 関連解説表; https://www.jma.go.jp/jma/kishou/know/shindo/index.html).
NOT_FELT_INTENSITY = 0.5


def check_felt(scenario: Scenario, median: GroundMotionResult) -> None:
    """Refuse a scenario that nobody in the area would feel: almost always a misplaced epicentre
    (coordinates in the wrong CRS or order), since a real scenario earthquake is chosen near the area."""
    top = float(np.nanmax(median.intensity_median)) if np.size(median.intensity_median) else np.nan
    if np.isfinite(top) and top < NOT_FELT_INTENSITY:
        nearest = float(np.nanmin(median.distance_km))
        parameter = "EPICENTER" if scenario.fault_segments is None or not len(scenario.fault_segments) else "FAULT"
        raise InputError(
            f"the source is {nearest:,.0f} km from the area, where the largest median JMA intensity would be "
            f"{top:.1f} (below {NOT_FELT_INTENSITY}: not felt); check the coordinates and their CRS",
            parameter,
        )


def run_ground_motion(
    scenario: Scenario,
    grid: Grid,
    avs30: np.ndarray | None,
    avs30_default: float,
    pgv_path: str,
    intensity_path: str,
    amplification_model: Amplification = Amplification.FUJIMOTO_MIDORIKAWA_2006,
    intensity_model: IntensityModel = IntensityModel.MIDORIKAWA_1999,
    realizations: int = 0,
    seed: int = 0,
    correlation_range_km: float = DEFAULT_CORRELATION_RANGE_KM,
    feedback: Feedback | None = None,
    executor: Any = None,
) -> GroundMotionRun:
    """Compute the median and ``realizations`` correlated realizations and write both GeoTIFFs.

    Band 1 of each output is the median; bands 2..N+1 are realizations
    log10 PGV_k = log10 PGV_median + sigma(X) * eps_k, eps_k a unit-variance field with
    exponential spatial correlation (total scatter applied as one correlated field).
    """
    from .rasters import open_geotiff

    feedback = feedback or NullFeedback()
    realizations = check_realizations(realizations, 0)
    if correlation_range_km < 0:
        raise InputError("the correlation range must be 0 (no correlation) or positive", "CORRELATION_RANGE_KM")
    scenario.validate()
    site_avs30, fallback = clean_avs30(avs30, grid.shape, avs30_default)
    if fallback:
        feedback.info(f"AVS30: {fallback} cells had no valid value (nodata, <= 0); used AVS30_DEFAULT={avs30_default}")
    xs, ys = grid.centers()
    median = median_ground_motion(scenario, xs, ys, site_avs30, amplification_model, intensity_model)
    check_felt(scenario, median)
    sigma = sigma_log10(median.distance_km)
    count = 1 + realizations
    descriptions = ["median"] + [f"realization {k}" for k in range(1, count)]
    tags = {
        "MODEL": "Si & Midorikawa (1999) PGV600; amplification "
        + Amplification(amplification_model).name
        + "; intensity "
        + IntensityModel(intensity_model).name,
        "MAGNITUDE": f"{scenario.magnitude}",
        "DEPTH_KM": f"{scenario.depth_km}",
        "FAULT_TYPE": FaultType(scenario.fault_type).name,
        "REALIZATIONS": str(realizations),
        "SEED": str(seed),
        "CORRELATION_RANGE_KM": f"{correlation_range_km}",
    }
    with (
        open_geotiff(pgv_path, grid, count, units="cm/s", tags=tags) as pgv_out,
        open_geotiff(intensity_path, grid, count, units="JMA instrumental intensity", tags=tags) as int_out,
    ):
        pgv_out.write(1, median.pgv_median, descriptions[0])
        int_out.write(1, median.intensity_median, descriptions[0])
        feedback.set_progress(100.0 / count)
        if realizations:
            log_median = np.log10(median.pgv_median)
            fields = correlated_normal_fields(
                grid.shape, grid.pixel_size, correlation_range_km, realizations, seed, feedback, executor
            )
            for k, eps in enumerate(fields, start=2):
                check_canceled(feedback)
                pgv_k = np.power(10.0, log_median + sigma * eps)
                pgv_out.write(k, pgv_k, descriptions[k - 1])
                int_out.write(k, jma_intensity(pgv_k, intensity_model), descriptions[k - 1])
                feedback.set_progress(100.0 * k / count)
    intensity = median.intensity_median
    return GroundMotionRun(
        bands=count,
        fallback_cells=fallback,
        max_intensity=float(np.max(intensity)),
        min_intensity=float(np.min(intensity)),
        share_6_lower_or_more=float(np.mean(intensity >= 5.5)),
    )
