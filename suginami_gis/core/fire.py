"""Fire following earthquake: ignition, a wind-dependent spread graph of buildings, and burn probability.

Two spread methods share one directed *spread graph* (an edge i -> j means a fire in building i
can ignite building j):

- ``cluster``: the Tokyo 2022 / Kato et al. (2006) cluster method. A building burns if at least
  one building whose fire can reach it ignites; with the Poisson form used by Tokyo,
  P = 1 - exp(-n p) with n buildings of mean ignition probability p (methods.md section 4).
- ``simulation``: Monte Carlo over the same graph. Ignitions are drawn per realization and fire
  arrival times are first-passage times along edges whose crossing times follow Hamada's
  formulas; a building burns when fire reaches it within the duration.

Every coefficient carries its citation; docs/methods/fire.md explains the choices and the limits.
"""

from __future__ import annotations

import contextlib
import enum
import logging
import math
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from . import memo
from .errors import InputError, raise_if_any
from .executors import run_tasks, sharing
from .feedback import Feedback, NullFeedback, SubFeedback, check_canceled
from .gcpause import paused
from .realizations import check_realizations

log = logging.getLogger(__name__)


# --------------------------------------------------------------------------------------------
# Fire-resistance classes and spread-limit distances
# --------------------------------------------------------------------------------------------


class FireResistance(enum.IntEnum):
    BARE_WOOD = 0  # 裸木造
    PROTECTED_WOOD = 1  # 防火木造 (mortar-clad wood)
    SEMI_FIREPROOF = 2  # 準耐火造
    FIREPROOF = 3  # 耐火造


FIRE_RESISTANCE_NAMES = ("bare_wood", "protected_wood", "semi_fireproof", "fireproof")
# "Fire-resistant" in the ward's 不燃化 share (56.1 % -> 70 %) = semi-fireproof + fireproof.
FIRE_RESISTANT_CLASSES = (FireResistance.SEMI_FIREPROOF, FireResistance.FIREPROOF)

# Spread-limit distances [m] by class (methods.md section 4, the values commonly used with the
# Tokyo 2022 cluster method of Kato et al. 2006): bare wood 12, fire-protected wood 6,
# semi-fireproof 3, fireproof 0.
SPREAD_LIMIT_M = (12.0, 6.0, 3.0, 0.0)
# methods.md section 4: the limits are multiplied by 1.5 for a large fire / strong wind. We apply
# the 1.5 downwind at Tokyo's strong-wind scenario speed (8 m/s, Tokyo 2022) and scale it
# linearly below that speed; it is not extrapolated above (see wind_stretch_factor).
STRONG_WIND_STRETCH = 1.5
STRONG_WIND_SPEED_MS = 8.0
# Accepted wind speeds [m/s] of the user interface (issue 4: error outside 0-30 m/s).
WIND_SPEED_RANGE_MS = (0.0, 30.0)
# Tokyo 2022 scenarios: wind 4 and 8 m/s from NNW (methods.md section 4).
TOKYO_WIND_DIRECTION_DEG = 337.5


class PairRule(enum.IntEnum):
    """How two buildings' spread-limit distances combine into the distance that links them."""

    # Tokyo 2022 cluster method (Kato et al. 2006): each building is buffered by half its
    # spread-limit distance and buildings whose buffers touch form one cluster, i.e. a pair links
    # when gap < (L_i + L_j) / 2. A fireproof building (0 m) is never linked (docs/methods/fire.md).
    HALF_BUFFERS = 0
    # The more fire-resistant building governs: gap < min(L_i, L_j) (the project's rule before
    # version 0.3; kept for the sensitivity table in docs/methods/fire.md).
    SMALLER_LIMIT = 1


class WindModel(enum.IntEnum):
    """How the wind changes the spread-limit distance."""

    # The strong-wind stretch k(V) in every direction: links stay undirected, as Tokyo's clusters.
    ISOTROPIC = 0
    # An ellipse with the burning building at its rear focus: k(V) downwind, 1/k(V) upwind.
    DIRECTIONAL = 1
    # No stretch at any wind speed (the spread-limit distances as given).
    NONE = 2


# Tolerated overlap between two footprints [m2]. PLATEAU 2020 footprints are quantised to the
# z16 tile grid (about 0.15 m, ../shared SOURCE.md); the largest overlap between two Suginami
# footprints is 0.76 m2 (measured for this module), so 1 m2 separates quantisation slivers from
# real duplicates or digitising errors.
OVERLAP_TOLERANCE_M2 = 1.0


# Japanese names accepted for the classes (the terms of Tokyo's estimates).
FIRE_RESISTANCE_ALIASES = {
    "裸木造": FireResistance.BARE_WOOD,
    "防火木造": FireResistance.PROTECTED_WOOD,
    "防火造": FireResistance.PROTECTED_WOOD,
    "準耐火造": FireResistance.SEMI_FIREPROOF,
    "準耐火": FireResistance.SEMI_FIREPROOF,
    "耐火造": FireResistance.FIREPROOF,
    "耐火": FireResistance.FIREPROOF,
}


def parse_fire_resistance(values: Sequence[Any] | np.ndarray, parameter: str = "FIRE_RESISTANCE_FIELD") -> np.ndarray:
    """Class codes (int8) from names (``bare_wood`` ..., or 裸木造 / 防火木造 / 準耐火造 / 耐火造) or codes
    0-3 (numbers or numeric text); InputError on anything else."""
    if isinstance(values, np.ndarray) and values.dtype.kind in "iuf" and values.ndim == 1:
        # Codes already (e.g. the classes read_buildings parsed): checked in one pass.
        if np.isin(values, (0, 1, 2, 3)).all():
            return values.astype(np.int8)
    arr = np.asarray(values, dtype=object)
    out = np.empty(arr.shape[0], dtype=np.int8)
    lookup: dict[Any, int] = {name: code for code, name in enumerate(FIRE_RESISTANCE_NAMES)}
    lookup.update({name: int(code) for name, code in FIRE_RESISTANCE_ALIASES.items()})
    bad: list[Any] = []
    # A layer holds a handful of distinct values: each is parsed once (keyed by type, so True is not 1).
    seen: dict[tuple[type, Any], int] = {}
    for k, v in enumerate(arr):
        try:
            out[k] = seen[(type(v), v)]
            continue
        except (KeyError, TypeError):
            pass
        code = None
        if isinstance(v, str):
            text = v.strip().lower()
            if text in lookup:
                code = lookup[text]
            else:
                try:
                    number = float(text)
                except ValueError:
                    number = math.nan
                if number in (0.0, 1.0, 2.0, 3.0):
                    code = int(number)
        elif isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool):
            if float(v) in (0.0, 1.0, 2.0, 3.0):
                code = int(v)
        if code is None:
            bad.append(v)
        else:
            out[k] = code
            with contextlib.suppress(TypeError):
                seen[(type(v), v)] = code
    if bad:
        examples = ", ".join(repr(b) for b in bad[:3])
        raise InputError(
            f"{len(bad)} buildings have an unknown fire-resistance class (e.g. {examples}); "
            f"use one of {', '.join(FIRE_RESISTANCE_NAMES)} (or 0-3)",
            parameter,
        )
    return out


def fire_resistant_share(classes: np.ndarray) -> float:
    """Share of semi-fireproof and fireproof buildings."""
    if len(classes) == 0:
        return 0.0
    return float(np.isin(classes, FIRE_RESISTANT_CLASSES).mean())


# --------------------------------------------------------------------------------------------
# Ignition (methods.md section 4)
# --------------------------------------------------------------------------------------------

# Tokyo Metropolitan Government (2022) 首都直下地震等による東京の被害想定 報告書, 6.3 火災 (1) 出火,
# 時刻別圧壊出火率: 0.0355 % ignitions per crushed building in winter 05-06 h, multiplied by a
# time-of-day coefficient (methods.md section 4).
COLLAPSE_IGNITION_RATE_0506 = 0.0355 / 100.0
# Time-of-day coefficients of the earlier ignition-count formula (出火件数予測式): 0.98 (05-06 h),
# 1.64 (06-08 h), 1.52 (11-13 h), 2.50 (17-19 h), as quoted in table 14, note 6 of a Nippon
# Foundation Library report built on Great Hanshin earthquake damage data. Tokyo 2022 defines its
# coefficient as appliance use at the hour relative to 05-06 h but its own table was not available
# to the project, so these are used relative to 05-06 h: 12:00 -> 1.55, 18:00 -> 2.55. Windows are
# [start, end) hours; other hours need an explicit TIME_COEFFICIENT.
HOUR_COEFFICIENT_WINDOWS = ((5, 6, 0.98), (6, 8, 1.64), (11, 13, 1.52), (17, 19, 2.50))
HOUR_COEFFICIENT_REFERENCE = 0.98
# Tokyo Metropolitan Government (2022), report 火災被害の抑制: initial extinguishment by residents
# (初期消火率) 36.6 % under present conditions (methods.md section 4).
INITIAL_SUPPRESSION_RATE = 0.366

# Tokyo Metropolitan Government (2022) report 6.4.7 (p. 6-43), deaths while fleeing a spreading
# fire (延焼拡大時の逃げまどい), after Tokyo (1997): deaths = 0.02180 x burned buildings x indoor
# occupancy ratio (occupants at the hour / 24-hour mean). The report's other two fire-death
# terms (occupants of ignited buildings, people trapped in collapsed buildings that then burn)
# need inputs this module does not have; see docs/methods/fire.md.
FIRE_DEATHS_PER_BURNED_BUILDING = 0.02180


def hour_coefficient(hour: int) -> float:
    """Time-of-day ignition coefficient relative to 05-06 h (1.0 at 05:00)."""
    if isinstance(hour, bool) or not float(hour).is_integer() or not 0 <= int(hour) <= 23:
        raise InputError(f"scenario hour must be an integer 0-23, got {hour}", "SCENARIO_HOUR")
    h = int(hour)
    for start, end, coefficient in HOUR_COEFFICIENT_WINDOWS:
        if start <= h < end:
            return coefficient / HOUR_COEFFICIENT_REFERENCE
    windows = ", ".join(f"{s:02d}-{e:02d} h" for s, e, _ in HOUR_COEFFICIENT_WINDOWS)
    raise InputError(
        f"no cited time-of-day ignition coefficient for {h:02d}:00 (available: {windows}); "
        "give TIME_COEFFICIENT explicitly",
        "SCENARIO_HOUR",
    )


# Tokyo Metropolitan Government (2022) report p. 347 and p. 411: seismic circuit breakers
# (感震ブレーカー) are installed in 8.3 % of premises under present conditions.
SEISMIC_BREAKER_RATE = 0.083

BUILTIN_IGNITION_PATH = Path(__file__).resolve().parents[1] / "resources" / "data" / "ignition_noncollapse.yaml"


@dataclass(frozen=True)
class IgnitionTableRow:
    use: str  # building use, or "*" for any use
    intensity_min: float  # JMA instrumental intensity from which the rate applies
    rate: float  # ignitions per non-collapsed building, before breakers and initial extinguishment


@dataclass(frozen=True)
class IgnitionTable:
    """Ignition rates of non-collapsed buildings by use and intensity (Tokyo Fire Department form).

    For a building, the row with the largest ``intensity_min`` not above its intensity applies,
    taken from its own use if listed, otherwise from ``*``. No row -> rate 0. ``hour_factors``
    scale the rates to the scenario hour (None: the rates are those of the scenario hour, as in a
    user's table). A seismic breaker prevents ``breaker_preventable_share`` of these ignitions
    with ``breaker_efficacy``.
    """

    rows: tuple[IgnitionTableRow, ...]
    hour_factors: tuple[tuple[int, float], ...] | None = None
    breaker_preventable_share: float = 0.0
    breaker_efficacy: float = 1.0
    name: str = "user table"

    def hour_factor(self, hour: int) -> float:
        if self.hour_factors is None:
            return 1.0
        factors = dict(self.hour_factors)
        if int(hour) not in factors:
            raise InputError(
                f"the built-in ignition table has rates for {sorted(factors)} h only, not {hour} h; "
                "give IGNITION_TABLE with rates for that hour",
                "SCENARIO_HOUR",
            )
        return float(factors[int(hour)])

    def rates(self, use: Sequence[Any] | None, intensity: np.ndarray) -> np.ndarray:
        n = len(intensity)
        out = np.zeros(n)
        if not self.rows:
            return out
        uses = np.array(["*"] * n, dtype=object) if use is None else np.asarray(use, dtype=object)
        inten = np.asarray(intensity, dtype=np.float64)
        table_uses = {r.use for r in self.rows}
        own = np.array([u in table_uses for u in uses], dtype=bool)
        key = np.where(own, uses, "*")
        for u in sorted(table_uses, key=str):
            sel = key == u
            if not sel.any():
                continue
            rows = sorted((r for r in self.rows if r.use == u), key=lambda r: r.intensity_min)
            bounds = np.array([r.intensity_min for r in rows])
            values = np.array([r.rate for r in rows])
            pos = np.searchsorted(bounds, inten[sel], side="right") - 1
            out[sel] = np.where(pos >= 0, values[np.clip(pos, 0, None)], 0.0)
        return out


NO_IGNITION_TABLE = IgnitionTable(())


def load_builtin_ignition_table(path: str | os.PathLike[str] | None = None) -> IgnitionTable:
    """The built-in non-collapse ignition table (resources/data/ignition_noncollapse.yaml)."""
    import yaml  # type: ignore[import-untyped]

    with open(path or BUILTIN_IGNITION_PATH, encoding="utf-8") as fh:
        spec = yaml.safe_load(fh)
    rows = tuple(IgnitionTableRow(str(r["use"]), float(r["intensity_min"]), float(r["rate"])) for r in spec["rows"])
    return IgnitionTable(
        rows,
        hour_factors=tuple((int(h), float(f)) for h, f in spec["hour_factors"].items()),
        breaker_preventable_share=float(spec["breaker_preventable_share"]),
        breaker_efficacy=float(spec["breaker_efficacy"]),
        name=str(spec["name"]),
    )


def load_ignition_table(path: str | os.PathLike[str]) -> IgnitionTable:
    """Read a CSV with columns ``use,intensity_min,rate`` (rate per building at the scenario hour, 0-1,
    before breakers and initial extinguishment). Breakers act on the share of the built-in table. A
    file with the header only switches non-collapse ignitions off."""
    import csv

    parameter = "IGNITION_TABLE"
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            missing = {"use", "intensity_min", "rate"} - set(reader.fieldnames or ())
            if missing:
                raise InputError(f"{path}: missing column(s) {', '.join(sorted(missing))}", parameter)
            rows = []
            for line, rec in enumerate(reader, start=2):
                try:
                    row = IgnitionTableRow(rec["use"].strip(), float(rec["intensity_min"]), float(rec["rate"]))
                except (TypeError, ValueError) as exc:
                    raise InputError(f"{path} line {line}: {exc}", parameter) from exc
                if not (0.0 <= row.rate <= 1.0) or not np.isfinite(row.intensity_min):
                    raise InputError(f"{path} line {line}: rate must be 0-1 and intensity finite", parameter)
                rows.append(row)
    except OSError as exc:
        raise InputError(f"cannot read ignition table {path}: {exc}", parameter) from exc
    builtin = load_builtin_ignition_table()
    return IgnitionTable(
        tuple(rows),
        breaker_preventable_share=builtin.breaker_preventable_share,
        breaker_efficacy=builtin.breaker_efficacy,
        name=str(path),
    )


def _check_share(value: float, name: str, parameter: str) -> None:
    if not (np.isfinite(value) and 0.0 <= value <= 1.0):
        raise InputError(f"{name} must be a share 0-1, got {value}", parameter)


def ignition_probability(
    p_collapse: np.ndarray,
    hour: int = 18,
    suppression_rate: float = INITIAL_SUPPRESSION_RATE,
    intensity: np.ndarray | None = None,
    use: Sequence[Any] | None = None,
    table: IgnitionTable | None = None,
    collapse_rate: float = COLLAPSE_IGNITION_RATE_0506,
    time_coefficient: float | None = None,
    seismic_breaker_rate: float = SEISMIC_BREAKER_RATE,
) -> np.ndarray:
    """Probability that a building has a fire that survives initial extinguishment.

    p = collapse_rate x T(hour) x P(collapse)
        + table_rate(use, I) x H(hour) x (1 - P(collapse)) x (1 - e x eta x breaker_rate) x (1 - suppression_rate)
    (Tokyo Metropolitan Government 2022: 圧壊出火 + 圧壊によらない出火 with 感震ブレーカー and 初期消火);
    e and eta are the table's breaker-preventable share and efficacy. Residents' initial
    extinguishment acts on fires in standing buildings only: a crushed building's fire is not put
    out by its occupants (docs/methods/fire.md section 1 gives the evidence, the two Tokyo levers). ``table`` None means the
    built-in table, which needs ``intensity``; :data:`NO_IGNITION_TABLE` models collapse ignitions only.
    """
    pc = np.asarray(p_collapse, dtype=np.float64)
    if pc.size and (not np.all(np.isfinite(pc)) or pc.min() < 0 or pc.max() > 1):
        raise InputError("p_collapse must be probabilities between 0 and 1 (no missing values)", "BUILDINGS")
    _check_share(suppression_rate, "initial extinguishment", "INITIAL_EXTINGUISHMENT")
    _check_share(seismic_breaker_rate, "the seismic breaker rate", "SEISMIC_BREAKER_RATE")
    if not (np.isfinite(collapse_rate) and 0.0 <= collapse_rate <= 1.0):
        raise InputError(f"collapse ignition rate must be 0-1, got {collapse_rate}", "COLLAPSE_IGNITION_RATE")
    if time_coefficient is None:
        time_coefficient = hour_coefficient(hour)
    elif not (np.isfinite(time_coefficient) and time_coefficient >= 0):
        raise InputError(f"time coefficient must be zero or positive, got {time_coefficient}", "TIME_COEFFICIENT")
    collapse_term = collapse_rate * time_coefficient * pc
    standing = np.zeros_like(pc)
    table = load_builtin_ignition_table() if table is None else table
    if table.rows:
        if intensity is None:
            raise InputError(
                "ignitions of buildings that do not collapse need each building's intensity: choose "
                "INTENSITY_FIELD (or give an IGNITION_TABLE file with the header only to model collapse "
                "ignitions alone)",
                "INTENSITY_FIELD",
            )
        inten = np.asarray(intensity, dtype=np.float64)
        if inten.shape != pc.shape or not np.all(np.isfinite(inten)):
            raise InputError("intensity must be given for every building (no missing values)", "INTENSITY_FIELD")
        breaker = 1.0 - table.breaker_preventable_share * table.breaker_efficacy * seismic_breaker_rate
        standing = table.rates(use, inten) * table.hour_factor(hour) * (1.0 - pc) * breaker
    return np.clip(collapse_term + standing * (1.0 - suppression_rate), 0.0, 1.0)


# --------------------------------------------------------------------------------------------
# Spread speed (Hamada) and wind
# --------------------------------------------------------------------------------------------


def _hamada_terms(a: np.ndarray, d: np.ndarray, c: np.ndarray, gap_divisor: float) -> np.ndarray:
    return (1.0 - c) * (3.0 + 3.0 * a / 8.0 + 8.0 * d / gap_divisor) + c * (
        5.0 + 5.0 * a / 8.0 + 16.0 * d / gap_divisor
    )


def hamada_time_downwind(a: Any, d: Any, wind_speed: float, c: Any = 0.0) -> np.ndarray:
    """Minutes for fire to advance one building (a + d metres) downwind.

    Hamada (1951), as rendered by Himoto & Tanaka (2008) (methods.md section 4):
    t = [(1-c)(3 + 3a/8 + 8d/(25+2.5V)) + c(5 + 5a/8 + 16d/(25+2.5V))] / [1.5 (1 + 0.1V + 0.007V^2)],
    a mean building side [m], d mean gap [m], V wind [m/s], c share of fire-protected buildings.
    """
    v = float(wind_speed)
    a_, d_, c_ = (np.asarray(x, dtype=np.float64) for x in (a, d, c))
    return _hamada_terms(a_, d_, c_, 25.0 + 2.5 * v) / (1.5 * (1.0 + 0.1 * v + 0.007 * v * v))


def hamada_time_sidewind(a: Any, d: Any, wind_speed: float, c: Any = 0.0) -> np.ndarray:
    """Minutes per building across the wind: Hamada (1951), gap term 8d/(5+0.25V), divided by 1 + 0.005V^2."""
    v = float(wind_speed)
    a_, d_, c_ = (np.asarray(x, dtype=np.float64) for x in (a, d, c))
    return _hamada_terms(a_, d_, c_, 5.0 + 0.25 * v) / (1.0 + 0.005 * v * v)


def hamada_time_upwind(a: Any, d: Any, wind_speed: float, c: Any = 0.0) -> np.ndarray:
    """Minutes per building against the wind: Hamada (1951), gap term 8d/(5+0.2V), divided by 1 + 0.002V^2."""
    v = float(wind_speed)
    a_, d_, c_ = (np.asarray(x, dtype=np.float64) for x in (a, d, c))
    return _hamada_terms(a_, d_, c_, 5.0 + 0.2 * v) / (1.0 + 0.002 * v * v)


def hamada_speed_downwind(a: Any, d: Any, wind_speed: float, c: Any = 0.0) -> np.ndarray:
    """Downwind spread speed [m/min] = (a + d) / t_down (methods.md section 4)."""
    return (np.asarray(a, dtype=np.float64) + np.asarray(d, dtype=np.float64)) / hamada_time_downwind(
        a, d, wind_speed, c
    )


def directional_spread_time(a: Any, d: Any, wind_speed: float, c: Any, cos_downwind: Any) -> np.ndarray:
    """Minutes for fire to cross one building and the gap in a direction at angle theta to downwind.

    Speeds v_down, v_side, v_up from Hamada's three formulas are joined by two half-ellipses
    (downwind half: 1/v^2 = cos^2/v_down^2 + sin^2/v_side^2; upwind half with v_up), which give
    the published speeds along and across the wind. With no wind Hamada's directional formulas
    disagree (the downwind one is 2-3 times faster), so at V = 0 the downwind formula is used in
    every direction.
    """
    a_ = np.asarray(a, dtype=np.float64)
    d_ = np.asarray(d, dtype=np.float64)
    dist = a_ + d_
    t_down = hamada_time_downwind(a_, d_, wind_speed, c)
    if wind_speed <= 0:
        return np.broadcast_to(t_down, np.broadcast(a_, d_, np.asarray(cos_downwind)).shape).copy()
    cos_t = np.clip(np.asarray(cos_downwind, dtype=np.float64), -1.0, 1.0)
    sin2 = 1.0 - cos_t * cos_t
    v_side = dist / hamada_time_sidewind(a_, d_, wind_speed, c)
    v_along = np.where(cos_t >= 0, dist / t_down, dist / hamada_time_upwind(a_, d_, wind_speed, c))
    inv_v2 = cos_t * cos_t / v_along**2 + sin2 / v_side**2
    return dist * np.sqrt(inv_v2)


def strong_wind_stretch(wind_speed: float) -> float:
    """Downwind stretch k(V) = 1 + (STRONG_WIND_STRETCH - 1) x min(V / STRONG_WIND_SPEED_MS, 1)."""
    v = max(float(wind_speed), 0.0)
    return 1.0 + (STRONG_WIND_STRETCH - 1.0) * min(v / STRONG_WIND_SPEED_MS, 1.0)


def wind_stretch_factor(cos_downwind: Any, wind_speed: float) -> np.ndarray:
    """Multiplier of a spread-limit distance in a direction at angle theta to downwind.

    k = 1 + (STRONG_WIND_STRETCH - 1) x min(V / STRONG_WIND_SPEED_MS, 1) is the downwind stretch
    (1.5 at Tokyo's strong wind of 8 m/s, methods.md). The reach in every direction is the
    polar form of an ellipse with the burning building at its rear focus (the shape used for
    wind-driven fire perimeters, e.g. Alexander 1985; Richards 1990):
        f(theta) = k (1 - e) / (1 - e cos theta),  e = (k^2 - 1) / (k^2 + 1),
    so the reach is k x limit downwind, limit / k upwind and k (1 - e) x limit across the wind.
    """
    k = strong_wind_stretch(wind_speed)
    cos_t = np.clip(np.asarray(cos_downwind, dtype=np.float64), -1.0, 1.0)
    if k == 1.0:
        return np.ones_like(cos_t)
    e = (k * k - 1.0) / (k * k + 1.0)
    return k * (1.0 - e) / (1.0 - e * cos_t)


def downwind_unit_vector(wind_direction_deg: float) -> tuple[float, float]:
    """(x, y) unit vector the wind blows toward; the direction is where it comes FROM, clockwise from north."""
    to = math.radians((float(wind_direction_deg) + 180.0) % 360.0)
    return math.sin(to), math.cos(to)


# --------------------------------------------------------------------------------------------
# Footprints and the spread graph
# --------------------------------------------------------------------------------------------


@paused()
def validate_footprints(
    geometries: np.ndarray,
    parameter: str = "BUILDINGS",
    overlap_tolerance_m2: float = OVERLAP_TOLERANCE_M2,
    feature_ids: np.ndarray | None = None,
) -> np.ndarray:
    """Check footprints: at least one, polygons, valid, no overlaps above the tolerance. Returns an array.

    Messages name a footprint by its layer's feature id when ``feature_ids`` are given, else by row.
    """
    import shapely

    geoms = np.asarray(geometries, dtype=object)

    def ref(k: int) -> str:
        return f"feature id {int(feature_ids[k])}" if feature_ids is not None else f"row {k}"

    if geoms.ndim != 1 or len(geoms) == 0:
        raise InputError("there are no buildings; select a layer with building footprints", parameter)
    types = shapely.get_type_id(geoms)
    # 3 Polygon, 6 MultiPolygon (GEOS type ids); -1 for None
    raise_if_any(
        ~np.isin(types, (3, 6)),
        parameter,
        lambda n, k: f"{n} building geometries are missing or not polygons (first at {ref(k)}); use footprint polygons",
    )
    raise_if_any(
        shapely.is_empty(geoms), parameter, lambda n, k: f"{n} building footprints are empty (first at {ref(k)})"
    )
    raise_if_any(
        ~shapely.is_valid(geoms),
        parameter,
        lambda n, k: (
            f"{n} building footprints are invalid (first at {ref(k)}: {shapely.is_valid_reason(geoms[k])}); "
            "repair them first (QGIS: Fix geometries)"
        ),
    )
    tree = shapely.STRtree(geoms)
    i, j = tree.query(geoms, predicate="intersects")
    keep = i < j
    i, j = i[keep], j[keep]
    if len(i):
        area = shapely.area(shapely.intersection(geoms[i], geoms[j]))
        raise_if_any(
            area > overlap_tolerance_m2,
            parameter,
            lambda n, k: (
                f"{n} pairs of building footprints overlap by more than {overlap_tolerance_m2:g} m2 "
                f"(e.g. {ref(int(i[k]))} and {ref(int(j[k]))}, {area[k]:.1f} m2); remove duplicates or fix the footprints"
            ),
        )
    return geoms


@dataclass
class SpreadGraph:
    """Directed spread links between buildings: fire in ``src[k]`` can ignite ``dst[k]``."""

    n: int
    src: np.ndarray
    dst: np.ndarray
    gap_m: np.ndarray
    cos_downwind: np.ndarray  # cosine of the angle between the link (centroid to centroid) and downwind
    cut_by_firebreaks: int = 0

    @property
    def n_links(self) -> int:
        return len(self.src)

    def csr(self, weights: np.ndarray | None = None):
        from scipy.sparse import csr_matrix

        data = np.ones(len(self.src)) if weights is None else np.asarray(weights, dtype=np.float64)
        return csr_matrix((data, (self.src, self.dst)), shape=(self.n, self.n))

    def clusters(self) -> tuple[np.ndarray, np.ndarray]:
        """(cluster_id, cluster_size) per building: weakly connected components of the spread graph."""
        from scipy.sparse.csgraph import connected_components

        _, labels = connected_components(self.csr(), directed=True, connection="weak")
        sizes = np.bincount(labels)
        return labels.astype(np.int64), sizes[labels].astype(np.int64)


class PairGaps:
    """Footprint gaps already computed, by pair (smaller index, larger index) of the same footprints.

    The scenario's two runs build the spread graph on the same footprints with other fire-resistance
    classes; the second run takes the gaps of the pairs the first one measured (the very same
    ``shapely.distance`` values) and measures only the others.
    """

    def __init__(self) -> None:
        import threading

        # (sorted keys: smaller index * n + larger index, gaps), replaced as one, so that runs in
        # threads always read keys and gaps that belong together.
        self._held: tuple[np.ndarray, np.ndarray] = (np.empty(0, dtype=np.int64), np.empty(0))
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._held[0])

    def lookup(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(found, gap) of each key; gap is NaN where not found."""
        held, gaps = self._held
        if len(held) == 0:
            return np.zeros(len(keys), dtype=bool), np.full(len(keys), np.nan)
        pos = np.minimum(np.searchsorted(held, keys), len(held) - 1)
        found = held[pos] == keys
        return found, np.where(found, gaps[pos], np.nan)

    def add(self, keys: np.ndarray, gaps: np.ndarray) -> None:
        """Keep the gaps of the pairs not held yet."""
        with self._lock:
            new = ~self.lookup(keys)[0]
            held, kept = self._held
            all_keys = np.concatenate([held, keys[new]])
            order = np.argsort(all_keys, kind="stable")
            self._held = (all_keys[order], np.concatenate([kept, gaps[new]])[order])


def stretch_in_direction(cos_downwind: Any, wind_speed: float, wind_model: WindModel) -> np.ndarray:
    """Multiplier of a pair's spread-limit distance along a link at angle theta to downwind."""
    cos_t = np.asarray(cos_downwind, dtype=np.float64)
    model = WindModel(wind_model)
    if model == WindModel.DIRECTIONAL:
        return wind_stretch_factor(cos_t, wind_speed)
    k = strong_wind_stretch(wind_speed) if model == WindModel.ISOTROPIC else 1.0
    return np.full(cos_t.shape, k)


@paused()
def build_spread_graph(
    geometries: np.ndarray,
    classes: np.ndarray,
    wind_speed: float = 0.0,
    wind_direction_deg: float = TOKYO_WIND_DIRECTION_DEG,
    spread_limits_m: Sequence[float] = SPREAD_LIMIT_M,
    firebreaks: Sequence[Any] | None = None,
    feedback: Feedback | None = None,
    validate: bool = True,
    pair_rule: PairRule = PairRule.HALF_BUFFERS,
    wind_model: WindModel = WindModel.ISOTROPIC,
    known_gaps: PairGaps | None = None,
) -> SpreadGraph:
    """Link buildings whose gap is below their pair's spread-limit distance, stretched by the wind.

    Pair limit (``pair_rule``): Tokyo's half buffers, (L_i + L_j) / 2, or the smaller of the two
    limits. A building whose own limit is 0 m (fireproof) is never linked under either rule: it
    burns only from its own ignition. Gap = shortest distance between footprints. Link i -> j
    exists when gap < pair limit x stretch(theta_ij) (``stretch_in_direction``), theta_ij the angle
    between the centroid-to-centroid direction i -> j and downwind; with the isotropic or no wind
    model every link goes both ways. Links whose shortest gap line touches a firebreak polygon
    are removed. ``known_gaps`` (of the same footprints) supplies gaps measured before and keeps the new ones.
    """
    import shapely

    feedback = feedback or NullFeedback()
    _check_wind(wind_speed, wind_direction_deg)
    rule = PairRule(pair_rule)
    model = WindModel(wind_model)
    geoms = validate_footprints(geometries) if validate else np.asarray(geometries, dtype=object)
    n = len(geoms)
    cls = np.asarray(classes)
    if cls.shape != (n,):
        raise InputError(f"{len(cls)} fire-resistance classes for {n} buildings", "FIRE_RESISTANCE_FIELD")
    limits = np.asarray(spread_limits_m, dtype=np.float64)
    if limits.shape != (4,) or not np.all(np.isfinite(limits)) or limits.min() < 0:
        raise InputError("spread-limit distances must be four distances >= 0 m", "SPREAD_LIMITS")
    limit = limits[cls.astype(np.int64)]
    k_max = float(np.max(stretch_in_direction(np.array([1.0, 0.0, -1.0]), wind_speed, model)))
    reach = limit * k_max
    active = np.flatnonzero(reach > 0)
    empty = np.empty(0, dtype=np.int64)
    if len(active) < 2:
        return SpreadGraph(n, empty, empty, np.empty(0), np.empty(0))
    sub = geoms[active]
    tree = shapely.STRtree(sub)
    bounds = shapely.bounds(sub)
    r = reach[active]
    boxes = shapely.box(bounds[:, 0] - r, bounds[:, 1] - r, bounds[:, 2] + r, bounds[:, 3] + r)

    def pair_limit(li: np.ndarray, lj: np.ndarray) -> np.ndarray:
        if rule == PairRule.SMALLER_LIMIT:
            return np.minimum(li, lj)
        return np.where((li > 0) & (lj > 0), 0.5 * (li + lj), 0.0)

    # Candidate pairs: a pair's limit never exceeds the larger of the two limits, so the building with
    # the larger reach finds it. Each pair is kept once, as (smaller index, larger index), before any
    # distance is computed (both buildings usually find it).
    m = len(active)
    steps = max(1, min(20, m // 5000))
    keys = []
    for s, chunk in enumerate(np.array_split(np.arange(m), steps)):
        check_canceled(feedback)
        qi, qj = tree.query(boxes[chunk])
        qi = chunk[qi]
        keep = qi != qj
        keys.append(np.minimum(qi[keep], qj[keep]).astype(np.int64) * m + np.maximum(qi[keep], qj[keep]))
        feedback.set_progress(20.0 * (s + 1) / steps)
    key = np.unique(np.concatenate(keys))
    qi, qj = key // m, key % m
    longest = pair_limit(limit[active[qi]], limit[active[qj]]) * k_max
    # The gap between two bounding boxes never exceeds the gap between the footprints: pairs whose boxes
    # are farther apart than the pair's longest reach (with a margin far above rounding) cannot link.
    maybe = _box_gap(bounds[qi], bounds[qj]) <= longest * (1.0 + 1e-9) + 1e-9
    qi, qj, longest = qi[maybe], qj[maybe], longest[maybe]
    pair_keys = active[qi] * np.int64(n) + active[qj]
    known, d = known_gaps.lookup(pair_keys) if known_gaps is not None else (np.zeros(len(qi), dtype=bool), None)
    d = np.empty(len(qi)) if d is None else d
    todo = np.flatnonzero(~known)
    for s, part in enumerate(np.array_split(todo, steps)):
        check_canceled(feedback)
        d[part] = shapely.distance(sub[qi[part]], sub[qj[part]])
        feedback.set_progress(20.0 + 60.0 * (s + 1) / steps)
    if known_gaps is not None and len(todo):
        known_gaps.add(pair_keys[todo], d[todo])
    close = d < longest
    gi = active[qi[close]]
    gj = active[qj[close]]
    gap = d[close]
    centroids = shapely.centroid(geoms)
    cx, cy = shapely.get_x(centroids), shapely.get_y(centroids)
    ux, uy = downwind_unit_vector(wind_direction_deg)
    vx, vy = cx[gj] - cx[gi], cy[gj] - cy[gi]
    norm = np.hypot(vx, vy)
    cos_ij = np.divide(vx * ux + vy * uy, norm, out=np.zeros_like(norm), where=norm > 0)
    base = pair_limit(limit[gi], limit[gj])
    forward = gap < base * stretch_in_direction(cos_ij, wind_speed, model)
    backward = gap < base * stretch_in_direction(-cos_ij, wind_speed, model)
    cut = 0
    if firebreaks is not None and len(firebreaks):
        crossing = _crosses_firebreak(geoms, gi, gj, firebreaks)
        cut = int(((forward | backward) & crossing).sum())
        forward &= ~crossing
        backward &= ~crossing
    src = np.concatenate([gi[forward], gj[backward]]).astype(np.int64)
    dst = np.concatenate([gj[forward], gi[backward]]).astype(np.int64)
    gap_m = np.concatenate([gap[forward], gap[backward]])
    cos_d = np.concatenate([cos_ij[forward], -cos_ij[backward]])
    order = np.lexsort((dst, src))
    feedback.set_progress(100.0)
    return SpreadGraph(n, src[order], dst[order], gap_m[order], cos_d[order], cut)


def _box_gap(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Shortest distance between the boxes of rows ``a`` and ``b`` (xmin, ymin, xmax, ymax); 0 where they meet."""
    dx = np.maximum(0.0, np.maximum(a[:, 0] - b[:, 2], b[:, 0] - a[:, 2]))
    dy = np.maximum(0.0, np.maximum(a[:, 1] - b[:, 3], b[:, 1] - a[:, 3]))
    return np.hypot(dx, dy)


def _crosses_firebreak(geoms: np.ndarray, gi: np.ndarray, gj: np.ndarray, firebreaks: Sequence[Any]) -> np.ndarray:
    """True where the shortest line between the two footprints touches a firebreak polygon."""
    import shapely

    breaks = np.asarray([g for g in firebreaks if g is not None and not g.is_empty], dtype=object)
    out = np.zeros(len(gi), dtype=bool)
    if len(breaks) == 0 or len(gi) == 0:
        return out
    if not np.all(shapely.is_valid(breaks)):
        raise InputError("some firebreak polygons are invalid; repair them first (QGIS: Fix geometries)", "FIREBREAKS")
    lines = shapely.shortest_line(geoms[gi], geoms[gj])
    tree = shapely.STRtree(breaks)
    hit, _ = tree.query(lines, predicate="intersects")
    out[np.unique(hit)] = True
    return out


def _check_wind(wind_speed: float, wind_direction_deg: float) -> None:
    lo, hi = WIND_SPEED_RANGE_MS
    if not (np.isfinite(wind_speed) and lo <= wind_speed <= hi):
        raise InputError(f"wind speed {wind_speed} m/s is outside {lo:g}-{hi:g} m/s", "WIND_SPEED")
    if not np.isfinite(wind_direction_deg):
        raise InputError("wind direction must be a number of degrees (direction the wind comes from)", "WIND_DIRECTION")


# --------------------------------------------------------------------------------------------
# Cluster method
# --------------------------------------------------------------------------------------------


def cluster_burn_probability(n: Any, p: Any) -> np.ndarray:
    """Tokyo 2022 / Kato et al. (2006): P = 1 - exp(-n p) for n buildings of mean ignition probability p."""
    return -np.expm1(-np.asarray(n, dtype=np.float64) * np.asarray(p, dtype=np.float64))


# Largest bitset (bytes) that upwind_sums holds at once; wider components are done in column blocks.
UPWIND_BITSET_BUDGET_BYTES = 1 << 28


def upwind_sums(
    graph: SpreadGraph, weights: np.ndarray, feedback: Feedback | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """For every building j: (sum of weights, count) over the buildings whose fire can reach j, j included.

    Exact: strongly connected components are condensed, then the ancestor set of every component
    is built as a bitset in topological order (grouped by weakly connected component, so memory
    grows with the square of the largest cluster, not of the ward).
    """
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components

    feedback = feedback or NullFeedback()
    n = graph.n
    w = np.asarray(weights, dtype=np.float64)
    if len(graph.src) == 0:
        return w.copy(), np.ones(n)
    n_scc, scc = connected_components(graph.csr(), directed=True, connection="strong")
    both = np.stack([w, np.ones(n)], axis=1)
    scc_w = np.stack([np.bincount(scc, weights=both[:, 0], minlength=n_scc), np.bincount(scc, minlength=n_scc)], 1)
    cu, cv = scc[graph.src], scc[graph.dst]
    m = cu != cv
    if not m.any():
        return scc_w[scc, 0], scc_w[scc, 1]
    key = np.unique(cu[m].astype(np.int64) * n_scc + cv[m])
    cu, cv = key // n_scc, key % n_scc
    dag = csr_matrix((np.ones(len(cu), dtype=np.int8), (cu, cv)), shape=(n_scc, n_scc))
    n_wc, wc = connected_components(dag, directed=True, connection="weak")
    size = np.bincount(wc, minlength=n_wc)
    order = np.argsort(wc, kind="stable")
    starts = np.concatenate([[0], np.cumsum(size)[:-1]])
    local = np.empty(n_scc, dtype=np.int64)
    local[order] = np.arange(n_scc) - np.repeat(starts, size)
    level = _dag_levels(n_scc, cu, cv)
    sums = scc_w.copy()
    words = (size + 63) // 64
    widths = np.unique(words[size > 1])
    for step, width in enumerate(widths):
        check_canceled(feedback)
        comp_sel = (words == width) & (size > 1)
        nodes = np.flatnonzero(comp_sel[wc])
        row = np.full(n_scc, -1, dtype=np.int64)
        row[nodes] = np.arange(len(nodes))
        e_sel = comp_sel[wc[cv]]
        eu, ev = cu[e_sel], cv[e_sel]
        e_order = np.lexsort((ev, level[ev]))
        eu, ev = eu[e_order], ev[e_order]
        lv = level[ev]
        cuts = np.flatnonzero(np.diff(lv)) + 1
        slices = list(zip(np.concatenate([[0], cuts]), np.concatenate([cuts, [len(lv)]])))
        comp_ids = np.flatnonzero(comp_sel)
        comp_pos = np.full(n_wc, -1, dtype=np.int64)
        comp_pos[comp_ids] = np.arange(len(comp_ids))
        word = local[nodes] // 64
        total = np.zeros((len(nodes), 2))
        # Bitset columns in blocks, so the bitset never exceeds UPWIND_BITSET_BUDGET_BYTES.
        block = int(max(1, min(int(width), UPWIND_BITSET_BUDGET_BYTES // max(1, 8 * len(nodes)))))
        for w0 in range(0, int(width), block):
            w1 = min(int(width), w0 + block)
            own = (word >= w0) & (word < w1)
            bits = np.zeros((len(nodes), w1 - w0), dtype=np.uint64)
            bits[row[nodes[own]], word[own] - w0] = np.left_shift(
                np.uint64(1), (local[nodes[own]] % 64).astype(np.uint64)
            )
            for lo, hi in slices:
                tgt = ev[lo:hi]
                first = np.concatenate([[0], np.flatnonzero(np.diff(tgt)) + 1])
                merged = np.bitwise_or.reduceat(bits[row[eu[lo:hi]]], first, axis=0)
                bits[row[tgt[first]]] |= merged
            n_bits = (w1 - w0) * 64
            local_w = np.zeros((len(comp_ids), n_bits, 2))
            local_w[comp_pos[wc[nodes[own]]], local[nodes[own]] - 64 * w0] = scc_w[nodes[own]]
            rows_per_chunk = max(1, (1 << 21) // n_bits)
            for lo in range(0, len(nodes), rows_per_chunk):
                hi = min(lo + rows_per_chunk, len(nodes))
                unpacked = np.unpackbits(bits[lo:hi].view(np.uint8), axis=1, bitorder="little").astype(np.float64)
                total[lo:hi] += np.einsum("rk,rkc->rc", unpacked, local_w[comp_pos[wc[nodes[lo:hi]]]])
            check_canceled(feedback)
        sums[nodes] = total
        feedback.set_progress(100.0 * (step + 1) / len(widths))
    return sums[scc, 0], sums[scc, 1]


def _dag_levels(n: int, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Longest-path level of every node of a DAG (sources at 0): each edge goes to a higher level."""
    order = np.argsort(src, kind="stable")
    s_dst = dst[order]
    indptr = np.concatenate([[0], np.cumsum(np.bincount(src, minlength=n))])
    indeg = np.bincount(dst, minlength=n)
    level = np.zeros(n, dtype=np.int64)
    frontier = np.flatnonzero(indeg == 0)
    while len(frontier):
        counts = indptr[frontier + 1] - indptr[frontier]
        total = int(counts.sum())
        if total == 0:
            break
        offsets = np.repeat(indptr[frontier] - np.concatenate([[0], np.cumsum(counts)[:-1]]), counts)
        tgt = s_dst[offsets + np.arange(total)]
        np.maximum.at(level, tgt, np.repeat(level[frontier] + 1, counts))
        np.subtract.at(indeg, tgt, 1)
        cand = np.unique(tgt)
        frontier = cand[indeg[cand] == 0]
    return level


# --------------------------------------------------------------------------------------------
# Fire-proofing programme
# --------------------------------------------------------------------------------------------


@dataclass
class FireproofingResult:
    classes: np.ndarray
    converted: np.ndarray  # bool per building
    share_before: float
    share_after: float


def apply_fireproofing(
    classes: np.ndarray,
    target_rate: float | None,
    rng: np.random.Generator,
    converted_class: FireResistance = FireResistance.SEMI_FIREPROOF,
) -> FireproofingResult:
    """Convert randomly chosen bare wooden buildings until ceil(target x n) are fire-resistant.

    The smallest count reaching the target share is used, so the share is met exactly in
    buildings. If there are too few bare wooden buildings, fire-protected wooden ones are converted
    next (documented in docs/methods/fire.md). A target at or below the present share changes nothing.
    """
    cls = np.asarray(classes).astype(np.int8).copy()
    n = len(cls)
    before = fire_resistant_share(cls)
    converted = np.zeros(n, dtype=bool)
    if target_rate is None:
        return FireproofingResult(cls, converted, before, before)
    if not (np.isfinite(target_rate) and 0.0 <= target_rate <= 1.0):
        raise InputError(f"fire-proofing target must be a share 0-1, got {target_rate}", "FIREPROOF_TARGET_RATE")
    if FireResistance(converted_class) not in FIRE_RESISTANT_CLASSES:
        raise InputError("buildings must be converted to a fire-resistant class", "FIREPROOF_TARGET_RATE")
    target_count = math.ceil(target_rate * n - 1e-9)
    need = target_count - int(np.isin(cls, FIRE_RESISTANT_CLASSES).sum())
    if need > 0:
        chosen: list[np.ndarray] = []
        for pool_class in (FireResistance.BARE_WOOD, FireResistance.PROTECTED_WOOD):
            pool = np.flatnonzero(cls == pool_class)
            take = min(need, len(pool))
            if take:
                chosen.append(rng.choice(pool, size=take, replace=False))
                need -= take
            if need == 0:
                break
        idx = np.concatenate(chosen) if chosen else np.empty(0, dtype=np.int64)
        cls[idx] = int(converted_class)
        converted[idx] = True
    return FireproofingResult(cls, converted, before, fire_resistant_share(cls))


# 不燃領域率 (the fire-proofed area ratio of a district), Tokyo's method (防災都市づくり推進計画; the
# national method counts fireproof buildings only): 不燃領域率 = 空地率 + (1 - 空地率) x 不燃化率, with
# 空地率 the share of the district's area in open spaces (parks, schools, water of at least 100 m2 and
# 10 m across, roads at least 6 m wide) and 不燃化率 = (building area of fireproof buildings + 0.8 x
# that of semi-fireproof ones) / building area of all buildings. docs/methods/fire.md section 4 names
# the sources.
FIREPROOF_AREA_WEIGHTS = (0.0, 0.0, 0.8, 1.0)  # bare wood, protected wood, semi-fireproof, fireproof


def fireproof_area_rate(open_space_ratio: Any, fireproofing_ratio: Any) -> np.ndarray:
    """不燃領域率 = 空地率 + (1 - 空地率) x 不燃化率 (all as shares 0-1)."""
    o = np.asarray(open_space_ratio, dtype=np.float64)
    return o + (1.0 - o) * np.asarray(fireproofing_ratio, dtype=np.float64)


def fireproofing_ratio(
    classes: np.ndarray, building_area: np.ndarray, area_index: np.ndarray, n_areas: int
) -> np.ndarray:
    """不燃化率 of each area: weighted building (footprint) area of fire-resistant buildings / all."""
    idx = np.asarray(area_index, dtype=np.int64)
    inside = idx >= 0
    weight = np.asarray(FIREPROOF_AREA_WEIGHTS)[np.asarray(classes, dtype=np.int64)]
    area = np.asarray(building_area, dtype=np.float64)
    total = np.bincount(idx[inside], weights=area[inside], minlength=n_areas)
    proofed = np.bincount(idx[inside], weights=(weight * area)[inside], minlength=n_areas)
    return np.divide(proofed, total, out=np.zeros(n_areas), where=total > 0)


@dataclass
class AreaFireproofingResult(FireproofingResult):
    area_rate_before: np.ndarray = field(default_factory=lambda: np.empty(0))  # 不燃領域率 per area
    area_rate_after: np.ndarray = field(default_factory=lambda: np.empty(0))


def apply_area_fireproofing(
    classes: np.ndarray,
    building_area: np.ndarray,
    area_index: np.ndarray,
    n_areas: int,
    target_rate: float,
    open_space_ratio: Any,
    rng: np.random.Generator,
    year_built: np.ndarray | None = None,
    converted_class: FireResistance = FireResistance.SEMI_FIREPROOF,
) -> AreaFireproofingResult:
    """Rebuild wooden buildings inside each fire-proofing area until its 不燃領域率 reaches the target.

    Only buildings with ``area_index`` >= 0 can change. In each area below the target, bare wooden
    buildings and then fire-protected wooden ones are rebuilt as ``converted_class``, oldest first
    when ``year_built`` is given (ties and unknown years in seeded random order), until the smallest
    set that lifts the area's 不燃領域率 to the target; an area whose target cannot be reached
    converts every wooden building. ``open_space_ratio`` (空地率, 0-1) is one value or one per area.
    """
    _check_share(target_rate, "the fire-proofing target (不燃領域率)", "FIREPROOF_TARGET_RATE")
    cls = np.asarray(classes).astype(np.int8).copy()
    n = len(cls)
    idx = np.asarray(area_index, dtype=np.int64)
    area = np.asarray(building_area, dtype=np.float64)
    if idx.shape != (n,) or area.shape != (n,) or idx.max(initial=-1) >= n_areas:
        raise InputError("one fire-proofing area index (or -1) and one area per building are needed", "FIREPROOF_AREAS")
    open_space = np.broadcast_to(np.asarray(open_space_ratio, dtype=np.float64), (n_areas,)).copy()
    if not np.all(np.isfinite(open_space)) or open_space.min(initial=0.0) < 0 or open_space.max(initial=0.0) >= 1:
        raise InputError("the open-space ratio (空地率) must be a share 0 to below 1", "OPEN_SPACE_RATIO")
    before_share = fire_resistant_share(cls)
    rate_before = fireproof_area_rate(open_space, fireproofing_ratio(cls, area, idx, n_areas))
    weights = np.asarray(FIREPROOF_AREA_WEIGHTS)
    gain_per_m2 = weights[int(converted_class)]
    converted = np.zeros(n, dtype=bool)
    tiebreak = rng.random(n)
    years = np.full(n, np.inf) if year_built is None else np.asarray(year_built, dtype=np.float64)
    years = np.where(np.isfinite(years), years, np.inf)
    for a in range(n_areas):
        members = np.flatnonzero(idx == a)
        total = area[members].sum()
        if total <= 0 or rate_before[a] >= target_rate:
            continue
        # 不燃領域率 >= target  <=>  不燃化率 >= (target - 空地率) / (1 - 空地率)
        need = ((target_rate - open_space[a]) / (1.0 - open_space[a])) * total - (
            weights[cls[members]] * area[members]
        ).sum()
        if need <= 0:
            continue
        pool = members[np.isin(cls[members], (FireResistance.BARE_WOOD, FireResistance.PROTECTED_WOOD))]
        order = np.lexsort((tiebreak[pool], years[pool], cls[pool]))
        pool = pool[order]
        gained = np.cumsum(area[pool] * gain_per_m2)
        take = int(np.searchsorted(gained, need - 1e-9) + 1) if len(pool) else 0
        chosen = pool[: min(take, len(pool))]
        converted[chosen] = True
    cls[converted] = int(converted_class)
    rate_after = fireproof_area_rate(open_space, fireproofing_ratio(cls, area, idx, n_areas))
    return AreaFireproofingResult(
        cls,
        converted,
        before_share,
        fire_resistant_share(cls),
        area_rate_before=rate_before,
        area_rate_after=rate_after,
    )


# --------------------------------------------------------------------------------------------
# Monte Carlo (simulation method, and the spread of counts for the cluster method)
# --------------------------------------------------------------------------------------------

# Realizations per executor task: a fixed split, so results never depend on the executor.
REALIZATIONS_PER_TASK = 10


@dataclass
class _McShared:
    """What every task of one Monte Carlo run reads (shared by the tasks: executors.sharing)."""

    indptr: np.ndarray
    indices: np.ndarray
    minutes: np.ndarray
    p_ignite: np.ndarray
    limit_min: float
    district_index: np.ndarray
    n_districts: int
    floor_area: np.ndarray
    keep_arrivals: bool
    # Component of each building when every building reachable from an ignition burns and the graph
    # is symmetric: the burned buildings are then the components of the ignitions (no path search).
    components: np.ndarray | None = None


@dataclass
class _McTask:
    seed: np.random.SeedSequence
    count: int
    shared: _McShared


@dataclass
class _McResult:
    burn_count: np.ndarray  # per building
    burned_total: np.ndarray  # per realization
    burned_floor_total: np.ndarray
    district_burned: np.ndarray  # (realizations, districts)
    arrival_building: np.ndarray
    arrival_min: np.ndarray


def _mc_task(task: _McTask) -> _McResult:
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import dijkstra

    count, seed, shared = task.count, task.seed, task.shared
    n = len(shared.p_ignite)
    graph = csr_matrix((shared.minutes, shared.indices, shared.indptr), shape=(n, n))
    rng = np.random.default_rng(seed)
    burn_count = np.zeros(n, dtype=np.int64)
    totals = np.zeros(count, dtype=np.int64)
    floors = np.zeros(count)
    by_district = np.zeros((count, shared.n_districts), dtype=np.int64)
    arr_b: list[np.ndarray] = []
    arr_t: list[np.ndarray] = []
    in_district = shared.district_index >= 0
    n_components = int(shared.components.max(initial=-1)) + 1 if shared.components is not None else 0
    for r in range(count):
        ignited = np.flatnonzero(rng.random(n) < shared.p_ignite)
        if len(ignited) == 0:
            continue
        if shared.components is not None:
            hit = np.zeros(n_components, dtype=bool)
            hit[shared.components[ignited]] = True
            burned = np.flatnonzero(hit[shared.components])
        elif graph.nnz:
            arrival = dijkstra(graph, directed=True, indices=ignited, min_only=True, limit=shared.limit_min)
            burned = np.flatnonzero(np.isfinite(arrival) & (arrival <= shared.limit_min))
        else:
            arrival = np.full(n, np.inf)
            arrival[ignited] = 0.0
            burned = ignited
        burn_count[burned] += 1
        totals[r] = len(burned)
        floors[r] = shared.floor_area[burned].sum()
        if shared.n_districts:
            sel = burned[in_district[burned]]
            by_district[r] = np.bincount(shared.district_index[sel], minlength=shared.n_districts)
        if shared.keep_arrivals:
            arr_b.append(burned)
            arr_t.append(arrival[burned].astype(np.float32))
    cat_b = np.concatenate(arr_b) if arr_b else np.empty(0, dtype=np.int64)
    cat_t = np.concatenate(arr_t) if arr_t else np.empty(0, dtype=np.float32)
    return _McResult(burn_count, totals, floors, by_district, cat_b, cat_t)


@dataclass
class MonteCarloResult:
    burn_count: np.ndarray
    realizations: int
    burned_total: np.ndarray
    burned_floor_total: np.ndarray
    district_burned: np.ndarray
    median_arrival_min: np.ndarray | None


def monte_carlo(
    graph: SpreadGraph,
    p_ignite: np.ndarray,
    realizations: int,
    seed_sequence: np.random.SeedSequence,
    edge_minutes: np.ndarray | None = None,
    duration_min: float = math.inf,
    district_index: np.ndarray | None = None,
    n_districts: int = 0,
    floor_area: np.ndarray | None = None,
    executor: Any = None,
    feedback: Feedback | None = None,
) -> MonteCarloResult:
    """Draw ignitions (Bernoulli ``p_ignite``) and spread them along the graph, ``realizations`` times.

    With ``edge_minutes`` the fire takes that long to cross a link and a building burns when fire
    reaches it within ``duration_min`` (first-passage times, i.e. the limit of a time-stepped
    simulation with vanishing step); without, every building reachable from an ignition burns.
    Realizations run in fixed tasks of REALIZATIONS_PER_TASK, each with its own child seed, so the
    result is the same on any executor.
    """
    feedback = feedback or NullFeedback()
    realizations = check_realizations(realizations, 1)
    n = graph.n
    minutes = np.ones(graph.n_links) if edge_minutes is None else np.asarray(edge_minutes, dtype=np.float64)
    csr = graph.csr(minutes)
    csr.sort_indices()
    district = np.full(n, -1, dtype=np.int64) if district_index is None else np.asarray(district_index, dtype=np.int64)
    floor = np.ones(n) if floor_area is None else np.asarray(floor_area, dtype=np.float64)
    counts = [REALIZATIONS_PER_TASK] * (realizations // REALIZATIONS_PER_TASK)
    if realizations % REALIZATIONS_PER_TASK:
        counts.append(realizations % REALIZATIONS_PER_TASK)
    seeds = seed_sequence.spawn(len(counts))
    keep_arrivals = edge_minutes is not None
    components = _reach_components(csr) if edge_minutes is None and math.isinf(duration_min) else None
    with sharing(executor) as share:
        shared = share(
            _McShared(
                csr.indptr,
                csr.indices,
                csr.data,
                np.asarray(p_ignite, dtype=np.float64),
                float(duration_min),
                district,
                int(n_districts),
                floor,
                keep_arrivals,
                components,
            )
        )
        tasks = [_McTask(s, c, shared) for s, c in zip(seeds, counts)]
        results: list[_McResult] = run_tasks(_mc_task, tasks, executor, feedback)
    burn_count = np.sum([r.burn_count for r in results], axis=0)
    median = None
    if keep_arrivals:
        median = _median_by_building(
            n, np.concatenate([r.arrival_building for r in results]), np.concatenate([r.arrival_min for r in results])
        )
    return MonteCarloResult(
        burn_count,
        realizations,
        np.concatenate([r.burned_total for r in results]),
        np.concatenate([r.burned_floor_total for r in results]),
        np.concatenate([r.district_burned for r in results], axis=0),
        median,
    )


def _reach_components(csr: Any) -> np.ndarray | None:
    """Connected component of each building when the graph is symmetric (every link goes both ways), else None.

    In a symmetric graph the buildings reachable from a building are exactly its component, so the
    buildings an unlimited spread burns are those whose component holds an ignition.
    """
    from scipy.sparse.csgraph import connected_components

    if csr.nnz and (csr != csr.T).nnz:
        return None
    _, labels = connected_components(csr, directed=False)
    return labels.astype(np.int64)


def _median_by_building(n: int, building: np.ndarray, minutes: np.ndarray) -> np.ndarray:
    """Median of the arrival times of each building over the realizations in which it burned; NaN if never."""
    out = np.full(n, np.nan)
    if len(building) == 0:
        return out
    order = np.lexsort((minutes, building))
    b, t = building[order], minutes[order].astype(np.float64)
    count = np.bincount(b, minlength=n)
    start = np.concatenate([[0], np.cumsum(count)[:-1]])
    has = count > 0
    lo = start[has] + (count[has] - 1) // 2
    hi = start[has] + count[has] // 2
    out[has] = 0.5 * (t[lo] + t[hi])
    return out


# --------------------------------------------------------------------------------------------
# The whole estimate
# --------------------------------------------------------------------------------------------


class Method(enum.IntEnum):
    CLUSTER = 0
    SIMULATION = 1


# Default duration of the simulated spread: 24 h, the time window of the Tokyo 2022 fire estimate
# (ignitions within 24 hours of the earthquake, report 6.3); the Tokyo Fire Department's
# spread-risk ranking uses 6 h (地域別延焼危険度測定 第10回).
DEFAULT_DURATION_HOURS = 24.0
DEFAULT_REALIZATIONS = 100


@dataclass
class FireScenario:
    """Scenario and model settings; defaults are Tokyo 2022's winter 18:00, 8 m/s from NNW."""

    wind_speed: float = STRONG_WIND_SPEED_MS
    wind_direction_deg: float = TOKYO_WIND_DIRECTION_DEG
    hour: int = 18
    time_coefficient: float | None = None  # None: hour_coefficient(hour)
    suppression_rate: float = INITIAL_SUPPRESSION_RATE
    seismic_breaker_rate: float = SEISMIC_BREAKER_RATE
    collapse_ignition_rate: float = COLLAPSE_IGNITION_RATE_0506
    ignition_table: IgnitionTable | None = None  # None: the built-in table
    spread_limits_m: tuple[float, float, float, float] = SPREAD_LIMIT_M
    pair_rule: PairRule = PairRule.HALF_BUFFERS
    wind_model: WindModel = WindModel.ISOTROPIC
    method: Method = Method.CLUSTER
    duration_hours: float = DEFAULT_DURATION_HOURS
    realizations: int = DEFAULT_REALIZATIONS
    seed: int = 0
    fireproof_target_rate: float | None = None
    indoor_occupancy_ratio: float = 1.0
    deaths_per_burned_building: float = FIRE_DEATHS_PER_BURNED_BUILDING

    def validate(self) -> None:
        _check_wind(self.wind_speed, self.wind_direction_deg)
        _check_share(self.suppression_rate, "initial extinguishment", "INITIAL_EXTINGUISHMENT")
        _check_share(self.seismic_breaker_rate, "the seismic breaker rate", "SEISMIC_BREAKER_RATE")
        if self.time_coefficient is None:
            hour_coefficient(self.hour)
        if Method(self.method) == Method.SIMULATION and not (
            np.isfinite(self.duration_hours) and self.duration_hours > 0
        ):
            raise InputError(
                f"duration must be a positive number of hours, got {self.duration_hours}", "DURATION_HOURS"
            )
        check_realizations(self.realizations, 1)
        if isinstance(self.seed, bool) or int(self.seed) != self.seed or self.seed < 0:
            raise InputError(f"the seed must be a whole number >= 0, got {self.seed}", "SEED")
        if self.fireproof_target_rate is not None and not (0.0 <= self.fireproof_target_rate <= 1.0):
            raise InputError(
                f"fire-proofing target must be a share 0-1, got {self.fireproof_target_rate}", "FIREPROOF_TARGET_RATE"
            )
        for name in ("indoor_occupancy_ratio", "deaths_per_burned_building"):
            v = getattr(self, name)
            if not (np.isfinite(v) and v >= 0):
                raise InputError(f"{name} must be zero or positive, got {v}", name.upper())


@dataclass
class AreaTotals:
    """Expected burned buildings with 5th/95th percentiles, burned floor area and fire deaths per area."""

    n_buildings: np.ndarray
    expected_ignitions: np.ndarray
    expected_burned: np.ndarray
    burned_p05: np.ndarray
    burned_p95: np.ndarray
    burned_floor_area_m2: np.ndarray
    fire_deaths: np.ndarray
    fire_deaths_p05: np.ndarray
    fire_deaths_p95: np.ndarray
    # Under the median ground motion alone (the single scenario a damage study reports): cluster
    # formula on the same spread graph; NaN when no median inputs were given.
    expected_ignitions_median: np.ndarray = field(default_factory=lambda: np.full(1, np.nan))
    expected_burned_median: np.ndarray = field(default_factory=lambda: np.full(1, np.nan))
    # Tokyo 2022 evacuees from building damage and the relief-centre residents among them
    # (core/casualties.py); NaN without residents.
    evacuees: np.ndarray = field(default_factory=lambda: np.full(1, np.nan))
    shelter_residents: np.ndarray = field(default_factory=lambda: np.full(1, np.nan))


@dataclass
class FireResult:
    classes: np.ndarray  # after fire-proofing
    converted: np.ndarray
    p_ignite: np.ndarray
    p_burn: np.ndarray
    cluster_id: np.ndarray
    cluster_size: np.ndarray
    upwind_count: np.ndarray  # buildings whose fire can reach each building (itself included)
    arrival_min: np.ndarray | None  # simulation only: median arrival time [min], NaN if never reached
    graph: SpreadGraph
    districts: AreaTotals | None
    ward: AreaTotals  # arrays of length 1
    burned_total: np.ndarray  # per realization
    share_before: float
    share_after: float
    method: Method
    settings: dict[str, Any] = field(default_factory=dict)


def footprint_side_m(geometries: np.ndarray) -> np.ndarray:
    """Mean building side a [m] for Hamada's formula: the square root of the footprint area."""
    import shapely

    return np.sqrt(shapely.area(np.asarray(geometries, dtype=object)))


def link_minutes(graph: SpreadGraph, geometries: np.ndarray, classes: np.ndarray, wind_speed: float) -> np.ndarray:
    """Hamada crossing time [min] of every link: a = side of the burning building, d = the link's gap,
    c = 0 for a bare wooden source and 1 for a fire-protected or semi-fireproof one."""
    side = footprint_side_m(geometries)
    c = (np.asarray(classes)[graph.src] != FireResistance.BARE_WOOD).astype(np.float64)
    return directional_spread_time(side[graph.src], graph.gap_m, wind_speed, c, graph.cos_downwind)


def plan_fireproofing(
    geometries: np.ndarray,
    classes: np.ndarray,
    scenario: FireScenario,
    fireproof_area_index: np.ndarray | None = None,
    n_fireproof_areas: int = 0,
    open_space_ratio: Any = 0.0,
    year_built: np.ndarray | None = None,
) -> FireproofingResult:
    """The buildings the fire-proofing programme of ``scenario`` rebuilds, as :func:`run_fire` does.

    By area (:func:`apply_area_fireproofing`) when an area index is given, else ward-wide
    (:func:`apply_fireproofing`); drawn from the first child of ``SeedSequence(scenario.seed)``, so a
    caller can know the rebuilt buildings before the damage step (a rebuilt building takes the
    newest seismic era) and run_fire converts the very same ones.
    """
    import shapely

    rng = np.random.default_rng(np.random.SeedSequence(int(scenario.seed)).spawn(2)[0])
    cls = np.asarray(classes)
    if fireproof_area_index is not None and scenario.fireproof_target_rate is not None:
        return apply_area_fireproofing(
            cls,
            shapely.area(np.asarray(geometries, dtype=object)),
            fireproof_area_index,
            int(n_fireproof_areas),
            scenario.fireproof_target_rate,
            open_space_ratio,
            rng,
            year_built=year_built,
        )
    return apply_fireproofing(cls, scenario.fireproof_target_rate, rng)


@paused()
def run_fire(
    geometries: np.ndarray,
    fire_resistance: Sequence[Any] | np.ndarray,
    p_collapse: np.ndarray,
    scenario: FireScenario | None = None,
    intensity: np.ndarray | None = None,
    use: Sequence[Any] | None = None,
    floors: np.ndarray | None = None,
    district_index: np.ndarray | None = None,
    n_districts: int = 0,
    firebreaks: Sequence[Any] | None = None,
    executor: Any = None,
    feedback: Feedback | None = None,
    fireproof_area_index: np.ndarray | None = None,
    n_fireproof_areas: int = 0,
    open_space_ratio: Any = 0.0,
    year_built: np.ndarray | None = None,
    p_half: np.ndarray | None = None,
    residents: np.ndarray | None = None,
    p_collapse_median: np.ndarray | None = None,
    intensity_median: np.ndarray | None = None,
    feature_ids: np.ndarray | None = None,
) -> FireResult:
    """Ignition, spread and burn probability of every building, with district and ward totals.

    ``geometries`` are footprint polygons in a metric CRS; ``district_index`` gives each building's
    district (0..n_districts-1, -1 outside all). Random draws (fire-proofing, realizations) come
    from ``scenario.seed`` only. With ``fireproof_area_index`` (0..n_fireproof_areas-1, -1 outside)
    the fire-proofing target is the 不燃領域率 of each area (:func:`apply_area_fireproofing`, with
    ``open_space_ratio`` and, for the oldest-first order, ``year_built``); without it, the target is
    the ward-wide share of fire-resistant buildings (:func:`apply_fireproofing`).
    With ``residents`` (and ``p_half``), the totals carry Tokyo 2022 evacuees and relief-centre
    residents; with ``p_collapse_median`` and ``intensity_median`` (the median ground motion), the
    median-scenario ignitions and burned buildings (cluster formula) beside the Monte Carlo.
    ``feature_ids`` (the layer's own) name footprints in error messages.
    """
    import shapely

    feedback = feedback or NullFeedback()
    scenario = scenario or FireScenario()
    scenario.validate()
    # The same footprints in both runs of the scenario: checked once (core/memo.py); an error is never kept.
    # The gaps between footprints are kept with them: the second run measures only pairs the first did not.
    geoms, known_gaps = memo.cached(
        "footprint checks",
        (np.asarray(geometries, dtype=object), OVERLAP_TOLERANCE_M2),
        lambda: (validate_footprints(geometries, feature_ids=feature_ids), PairGaps()),
    )
    n = len(geoms)
    classes = parse_fire_resistance(fire_resistance)
    if len(classes) != n:
        raise InputError(f"{len(classes)} fire-resistance classes for {n} buildings", "FIRE_RESISTANCE_FIELD")
    pc = np.asarray(p_collapse, dtype=np.float64)
    if pc.shape != (n,):
        raise InputError(f"{pc.size} collapse probabilities for {n} buildings", "BUILDINGS")
    floor_count = np.ones(n) if floors is None else np.asarray(floors, dtype=np.float64)
    if floor_count.shape != (n,):
        raise InputError(f"{floor_count.size} floor counts for {n} buildings", "FLOORS_FIELD")
    floor_count = np.where(np.isfinite(floor_count) & (floor_count >= 1), floor_count, 1.0)
    floor_area = shapely.area(geoms) * floor_count
    if district_index is not None:
        district_index = np.asarray(district_index, dtype=np.int64)
        if district_index.shape != (n,) or (n_districts and district_index.max(initial=-1) >= n_districts):
            raise InputError("district index must give one district (or -1) per building", "DISTRICTS")

    _, mc_seed = np.random.SeedSequence(int(scenario.seed)).spawn(2)
    fp = plan_fireproofing(
        geoms, classes, scenario, fireproof_area_index, n_fireproof_areas, open_space_ratio, year_built
    )
    if isinstance(fp, AreaFireproofingResult):
        for a, (r0, r1) in enumerate(zip(fp.area_rate_before, fp.area_rate_after)):
            feedback.info(f"fire-proofing area {a + 1}: 不燃領域率 {r0:.1%} -> {r1:.1%}")
    if fp.converted.any():
        feedback.info(
            f"fire-proofing: {int(fp.converted.sum())} buildings converted; "
            f"fire-resistant share {fp.share_before:.1%} -> {fp.share_after:.1%}"
        )
    p_ignite = ignition_probability(
        pc,
        scenario.hour,
        scenario.suppression_rate,
        intensity,
        use,
        scenario.ignition_table,
        scenario.collapse_ignition_rate,
        scenario.time_coefficient,
        scenario.seismic_breaker_rate,
    )
    feedback.set_progress(2.0)
    graph = build_spread_graph(
        geoms,
        fp.classes,
        scenario.wind_speed,
        scenario.wind_direction_deg,
        scenario.spread_limits_m,
        firebreaks,
        SubFeedback(feedback, 2.0, 35.0),
        validate=False,
        pair_rule=scenario.pair_rule,
        wind_model=scenario.wind_model,
        known_gaps=known_gaps,
    )
    feedback.info(f"spread graph: {graph.n_links} links, {graph.cut_by_firebreaks} cut by firebreaks")
    cluster_id, cluster_size = graph.clusters()
    upwind_p, upwind_n = upwind_sums(graph, p_ignite, SubFeedback(feedback, 35.0, 45.0))
    method = Method(scenario.method)
    arrival = None
    if method == Method.CLUSTER:
        # The Monte Carlo below only gives the spread (percentiles) of the counts; each building
        # ignites with 1 - exp(-p) so that its mean equals the cluster formula exactly.
        p_burn = cluster_burn_probability(1.0, upwind_p)
        mc = monte_carlo(
            graph,
            -np.expm1(-p_ignite),
            int(scenario.realizations),
            mc_seed,
            district_index=district_index,
            n_districts=n_districts,
            floor_area=floor_area,
            executor=executor,
            feedback=SubFeedback(feedback, 45.0, 100.0),
        )
    else:
        minutes = link_minutes(graph, geoms, fp.classes, scenario.wind_speed)
        mc = monte_carlo(
            graph,
            p_ignite,
            int(scenario.realizations),
            mc_seed,
            edge_minutes=minutes,
            duration_min=60.0 * scenario.duration_hours,
            district_index=district_index,
            n_districts=n_districts,
            floor_area=floor_area,
            executor=executor,
            feedback=SubFeedback(feedback, 45.0, 100.0),
        )
        p_burn = mc.burn_count / mc.realizations
        arrival = mc.median_arrival_min
    deaths_factor = scenario.deaths_per_burned_building * scenario.indoor_occupancy_ratio
    extra: dict[str, np.ndarray] = {}
    if p_collapse_median is not None and intensity_median is not None:
        p_ignite_median = ignition_probability(
            np.asarray(p_collapse_median, dtype=np.float64),
            scenario.hour,
            scenario.suppression_rate,
            intensity_median,
            use,
            scenario.ignition_table,
            scenario.collapse_ignition_rate,
            scenario.time_coefficient,
            scenario.seismic_breaker_rate,
        )
        extra["ignitions_median"] = p_ignite_median
        extra["burned_median"] = cluster_burn_probability(1.0, upwind_sums(graph, p_ignite_median)[0])
    if residents is not None:
        from .casualties import building_damage_evacuees

        occ = np.asarray(residents, dtype=np.float64)
        if occ.shape != (n,) or not np.all(np.isfinite(occ)) or occ.min(initial=0.0) < 0:
            raise InputError("occupants must be a number >= 0 for every building", "OCCUPANTS_FIELD")
        half = pc if p_half is None else np.maximum(np.asarray(p_half, dtype=np.float64), pc)
        extra["evacuees"] = building_damage_evacuees(occ, pc, half, p_burn)
    ward = _area_totals(
        np.zeros(n, dtype=np.int64), 1, p_ignite, p_burn, floor_area, mc.burned_total[:, None], deaths_factor, extra
    )
    districts = None
    if district_index is not None and n_districts:
        districts = _area_totals(
            district_index, n_districts, p_ignite, p_burn, floor_area, mc.district_burned, deaths_factor, extra
        )
    feedback.set_progress(100.0)
    return FireResult(
        classes=fp.classes,
        converted=fp.converted,
        p_ignite=p_ignite,
        p_burn=p_burn,
        cluster_id=cluster_id,
        cluster_size=cluster_size,
        upwind_count=upwind_n,
        arrival_min=arrival,
        graph=graph,
        districts=districts,
        ward=ward,
        burned_total=mc.burned_total,
        share_before=fp.share_before,
        share_after=fp.share_after,
        method=method,
        settings={
            "time_coefficient": scenario.time_coefficient
            if scenario.time_coefficient is not None
            else hour_coefficient(scenario.hour),
            "wind_stretch_downwind": float(wind_stretch_factor(1.0, scenario.wind_speed)),
        },
    )


def _area_totals(
    index: np.ndarray,
    count: int,
    p_ignite: np.ndarray,
    p_burn: np.ndarray,
    floor_area: np.ndarray,
    burned_by_realization: np.ndarray,
    deaths_factor: float,
    extra: dict[str, np.ndarray] | None = None,
) -> AreaTotals:
    from .casualties import relief_centre_residents

    inside = index >= 0
    idx = index[inside]
    extra = extra or {}

    def total(values: np.ndarray) -> np.ndarray:
        return np.bincount(idx, weights=values[inside], minlength=count)

    def optional(key: str) -> np.ndarray:
        return total(extra[key]) if key in extra else np.full(count, np.nan)

    expected = total(p_burn)
    p05 = np.percentile(burned_by_realization, 5, axis=0) if len(burned_by_realization) else np.zeros(count)
    p95 = np.percentile(burned_by_realization, 95, axis=0) if len(burned_by_realization) else np.zeros(count)
    return AreaTotals(
        n_buildings=np.bincount(idx, minlength=count),
        expected_ignitions=total(p_ignite),
        expected_burned=expected,
        burned_p05=p05,
        burned_p95=p95,
        burned_floor_area_m2=total(p_burn * floor_area),
        fire_deaths=deaths_factor * expected,
        fire_deaths_p05=deaths_factor * p05,
        fire_deaths_p95=deaths_factor * p95,
        expected_ignitions_median=optional("ignitions_median"),
        expected_burned_median=optional("burned_median"),
        evacuees=optional("evacuees"),
        shelter_residents=relief_centre_residents(optional("evacuees")),
    )


# --------------------------------------------------------------------------------------------
# Helpers for the QGIS layer: districts and the burn-probability raster
# --------------------------------------------------------------------------------------------


@paused()
def assign_districts(geometries: Iterable[Any], district_polygons: Sequence[Any]) -> np.ndarray:
    """Index of the district polygon containing each footprint's point-on-surface (-1 if none; first wins)."""
    import shapely

    geoms = geometries if isinstance(geometries, np.ndarray) else np.asarray(list(geometries), dtype=object)
    polys = np.asarray(list(district_polygons), dtype=object)
    out = np.full(len(geoms), -1, dtype=np.int64)
    if len(geoms) == 0 or len(polys) == 0:
        return out
    points = shapely.point_on_surface(geoms)
    # The few districts query a tree of the many points (each district prepared once); intersects
    # is symmetric, so the pairs are the same as points querying the districts.
    di, pi = shapely.STRtree(points).query(polys, predicate="intersects")
    order = np.lexsort((di, pi))
    pi, di = pi[order], di[order]
    first = np.concatenate([[True], pi[1:] != pi[:-1]]) if len(pi) else np.empty(0, dtype=bool)
    out[pi[first]] = di[first]
    return out


@paused()
def burn_probability_grid(
    geometries: np.ndarray, p_burn: np.ndarray, pixel_size: float, crs_wkt: str
) -> tuple[Any, np.ndarray]:
    """(Grid, band): each pixel whose centre lies inside a footprint gets that building's value (the
    largest where footprints overlap); a footprint covering no pixel centre marks the pixel under
    its point-on-surface. NaN elsewhere.

    Pure shapely: inside qgis_process shapely's GEOS calls bind to QGIS's older GEOS, and
    rasterio.features.rasterize returned an empty band there, so only basic GEOS predicates are used.
    """
    import shapely

    from .rasters import Grid

    geoms = np.asarray(geometries, dtype=object)
    values = np.asarray(p_burn, dtype=np.float64)
    if len(geoms) == 0:
        raise InputError("there are no buildings to map", "BUILDINGS")
    if not (np.isfinite(pixel_size) and pixel_size > 0):
        raise InputError(f"pixel size must be positive, got {pixel_size}", "PIXEL_SIZE")
    xmin, ymin, xmax, ymax = shapely.total_bounds(geoms)
    grid = Grid.from_extent(
        xmin - pixel_size, ymin - pixel_size, xmax + pixel_size, ymax + pixel_size, pixel_size, crs_wkt
    )
    band = np.full(grid.shape, -np.inf)
    b = shapely.bounds(geoms)
    c0 = np.ceil((b[:, 0] - grid.xmin) / pixel_size - 0.5).astype(np.int64)
    c1 = np.floor((b[:, 2] - grid.xmin) / pixel_size - 0.5).astype(np.int64)
    r0 = np.ceil((grid.ymax - b[:, 3]) / pixel_size - 0.5).astype(np.int64)
    r1 = np.floor((grid.ymax - b[:, 1]) / pixel_size - 0.5).astype(np.int64)
    ncol = np.maximum(c1 - c0 + 1, 0)
    nrow = np.maximum(r1 - r0 + 1, 0)
    count = ncol * nrow
    hit = np.zeros(len(geoms), dtype=bool)
    total = int(count.sum())
    if total:
        bid = np.repeat(np.arange(len(geoms)), count)
        offset = np.arange(total) - np.repeat(np.cumsum(count) - count, count)
        width = np.repeat(ncol, count)
        col = np.repeat(c0, count) + offset % width
        row = np.repeat(r0, count) + offset // width
        inside = _contains_xy_prepared(
            geoms, bid, grid.xmin + (col + 0.5) * pixel_size, grid.ymax - (row + 0.5) * pixel_size
        )
        np.maximum.at(band, (row[inside], col[inside]), values[bid[inside]])
        hit[np.unique(bid[inside])] = True
    if not hit.all():
        points = shapely.point_on_surface(geoms[~hit])
        row, col = grid.rowcol(shapely.get_x(points), shapely.get_y(points))
        np.maximum.at(band, (row, col), values[~hit])
    band[np.isneginf(band)] = np.nan
    return grid, band


def _contains_xy_prepared(geoms: np.ndarray, index: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """shapely.contains(geoms[index], points(x, y)), with each footprint prepared once (GEOS prepared geometry).

    ``contains_xy`` is the same predicate without a Python Point per pixel centre, and prepared
    point-in-polygon gives the same exact answer many times faster on repeated tests of one footprint.
    Footprints that were not prepared before are unprepared again afterwards.
    """
    import shapely

    fresh = geoms[~shapely.is_prepared(geoms)]
    shapely.prepare(fresh)
    try:
        return shapely.contains_xy(geoms[index], x, y)
    finally:
        shapely.destroy_prepared(fresh)


def burn_probability_raster(
    path: str | os.PathLike[str],
    geometries: np.ndarray,
    p_burn: np.ndarray,
    crs_wkt: str,
    pixel_size: float = 5.0,
) -> None:
    """GeoTIFF of burn probability from :func:`burn_probability_grid` (nodata -9999 outside footprints)."""
    from .rasters import write_geotiff

    grid, band = burn_probability_grid(geometries, p_burn, pixel_size, crs_wkt)
    nodata = -9999.0
    write_geotiff(
        path,
        grid,
        [np.where(np.isnan(band), nodata, band)],
        count=1,
        nodata=nodata,
        descriptions=["burn probability"],
        tags={"units": "probability 0-1", "source": "suginami_gis fire"},
    )
