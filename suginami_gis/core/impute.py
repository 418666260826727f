"""Impute missing building attributes (structure, year_built, floors, fire_resistance).

Footprint data such as PLATEAU 2020 for Suginami carry a measured height and a footprint area
only. This module fills the missing attributes from those two numbers and ward-level shares,
seeded, and records which values were imputed. Known values are kept; the ward shares are met
for the layer as a whole (known plus imputed values), by choosing exact numbers of buildings
at random rather than by independent coin flips. docs/methods/impute.md states every assumption.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .errors import InputError
from .feedback import Feedback, NullFeedback
from .fragility import SEISMIC_STANDARD_YEAR, Structure, parse_structure

# Suginami's 耐震化率 84.6 % (FY2015, ward leaflet 「数字で見る防災」; the ward plan's indicator is for all
# buildings in the ward, 区内全建築物, unit not stated): used as the share of buildings meeting the 1981
# standard (a retrofitted pre-1981 building counts as meeting it there; here it is imputed as built 1981+).
SEISMIC_STANDARD_SHARE = 0.846
# KNOWN STAND-IN (docs/methods/impute.md): 56.1 % is the 不燃領域率 (an area measure) of the
# 阿佐谷南・高円寺南 close-packed wooden district (ward indicator 「木造密集地域の不燃化率(阿佐谷南・高円寺南地区)」,
# FY2015), not a ward-wide share of fire-resistant buildings; no ward-wide building share by fire
# resistance was found published. A layer with real fire-resistance classes (PLATEAU i-UR) needs none.
FIRE_RESISTANT_SHARE = 0.561
# Share of wooden buildings: no ward figure was available to the project; derived as
# 1 - FIRE_RESISTANT_SHARE, i.e. assuming every fire-resistant building is non-wooden (this
# undercounts wooden buildings built to the semi-fireproof standard, 準耐火木造).
WOOD_SHARE = 1.0 - FIRE_RESISTANT_SHARE
# Building Standard Law art. 21 (before the 2019 revision): wooden buildings over 13 m high
# needed fire-resistive construction, so taller buildings are taken as non-wooden.
MAX_WOOD_HEIGHT_M = 13.0
# Building Standard Law art. 26: wooden buildings over 1,000 m2 total floor area need fire walls
# (防火壁), which made them rare; larger footprint x floors are taken as non-wooden.
MAX_WOOD_FLOOR_AREA_M2 = 1000.0
# Floor-to-floor height used to turn a measured roof height into storeys: assumption, 3.3 m
# (typical Japanese floor-to-floor heights run about 2.9 m for houses to 4 m for offices);
# floors = max(1, floor(height / 3.3)), so a 6.5 m bungalow has 1 storey and an 8-9 m house 2.
STOREY_HEIGHT_M = 3.3
# Building Standard Law art. 61 / Order art. 136-2 in a quasi-fire-prevention district (準防火地域,
# most of Suginami's residential land): buildings of 4 or more storeys must be fireproof.
FIREPROOF_MIN_FLOORS = 4
# Imputed years are drawn uniformly in [OLDEST, 1980] or [1981, NEWEST]. OLDEST: assumption that
# the standing pre-1981 stock is post-war (1946 on); NEWEST: the PLATEAU 2020 survey year.
OLDEST_IMPUTED_YEAR = 1946
NEWEST_IMPUTED_YEAR = 2020
# Share of imputed wooden buildings (that are not semi-fireproof) with fire-protected walls
# (防火構造): assumption, 0.5, given to the newest half by imputed year. No ward figure was found.
PROTECTED_WOOD_SHARE = 0.5

# The ward shares of a preset: the three numbers the imputation meets, with their sources.
SHARE_KEYS = ("seismic_standard_share", "fire_resistant_share", "wood_share")


@dataclass(frozen=True)
class SharePreset:
    """A ward's building shares for the imputation, with a name and sources for the log and report."""

    name: str
    seismic_standard_share: float
    fire_resistant_share: float
    wood_share: float
    sources: str = ""

    def describe(self) -> str:
        return (
            f"{self.name}: 1981-standard share {self.seismic_standard_share:.3f}, fire-resistant share "
            f"{self.fire_resistant_share:.3f}, wooden share {self.wood_share:.3f}"
            + (f" ({self.sources})" if self.sources else "")
        )


# The built-in presets (docs/methods/impute.md, "Presets"): only Suginami's figures so far. Another
# ward gives its own shares as a JSON or CSV table (load_share_table).
SUGINAMI = SharePreset(
    "Suginami",
    SEISMIC_STANDARD_SHARE,
    FIRE_RESISTANT_SHARE,
    WOOD_SHARE,
    "耐震化率 84.6 % FY2015 (ward leaflet 「数字で見る防災」); 不燃領域率 56.1 % of 阿佐谷南・高円寺南 "
    "FY2015 (a stand-in); wooden share derived as 1 - 0.561",
)
PRESETS: tuple[SharePreset, ...] = (SUGINAMI,)


def load_share_table(path: str) -> SharePreset:
    """A ward's shares from a JSON object or a two-column CSV (key,value) with the SHARE_KEYS, name, sources.

    A missing wood_share is derived as 1 - fire_resistant_share (the Suginami preset's assumption).
    """
    import csv
    import json
    from pathlib import Path

    text = Path(path).read_text(encoding="utf-8-sig")
    if path.lower().endswith(".json"):
        raw = json.loads(text)
        if not isinstance(raw, dict):
            raise InputError(f"{path}: the JSON must be one object of shares", "SHARES_TABLE")
    else:
        rows = [row for row in csv.reader(text.splitlines()) if row and row[0].strip()]
        raw = {row[0].strip(): (row[1].strip() if len(row) > 1 else "") for row in rows if row[0].strip() != "key"}
    values: dict[str, float] = {}
    for key in SHARE_KEYS:
        if key not in raw or raw[key] in ("", None):
            if key == "wood_share" and "fire_resistant_share" in values:
                values[key] = 1.0 - values["fire_resistant_share"]
                continue
            raise InputError(f"{path}: '{key}' is missing; give {', '.join(SHARE_KEYS)}", "SHARES_TABLE")
        try:
            values[key] = float(raw[key])
        except (TypeError, ValueError):
            raise InputError(f"{path}: '{key}' = {raw[key]!r} is not a number", "SHARES_TABLE") from None
        if not 0.0 <= values[key] <= 1.0:
            raise InputError(f"{path}: '{key}' must be between 0 and 1, got {values[key]}", "SHARES_TABLE")
    name = str(raw.get("name") or Path(path).stem)
    return SharePreset(name, sources=str(raw.get("sources") or raw.get("source") or path), **values)


FIRE_CLASSES = ("bare_wood", "protected_wood", "semi_fireproof", "fireproof")
FIRE_RESISTANT_CLASSES = ("semi_fireproof", "fireproof")
ATTRIBUTES = ("structure", "year_built", "floors", "fire_resistance")


@dataclass(frozen=True)
class ImputeParameters:
    seismic_standard_share: float = SEISMIC_STANDARD_SHARE
    fire_resistant_share: float = FIRE_RESISTANT_SHARE
    wood_share: float = WOOD_SHARE
    storey_height_m: float = STOREY_HEIGHT_M
    max_wood_height_m: float = MAX_WOOD_HEIGHT_M
    max_wood_floor_area_m2: float = MAX_WOOD_FLOOR_AREA_M2
    fireproof_min_floors: int = FIREPROOF_MIN_FLOORS
    oldest_year: int = OLDEST_IMPUTED_YEAR
    newest_year: int = NEWEST_IMPUTED_YEAR
    protected_wood_share: float = PROTECTED_WOOD_SHARE

    def validate(self) -> None:
        for name in ("seismic_standard_share", "fire_resistant_share", "wood_share", "protected_wood_share"):
            v = getattr(self, name)
            if not (0.0 <= v <= 1.0):
                raise InputError(f"{name} must be between 0 and 1, got {v}", name.upper())
        for name in ("storey_height_m", "max_wood_height_m", "max_wood_floor_area_m2"):
            v = getattr(self, name)
            if not (np.isfinite(v) and v > 0):
                raise InputError(f"{name} must be positive, got {v}", name.upper())
        if not (self.oldest_year < SEISMIC_STANDARD_YEAR <= self.newest_year):
            raise InputError(
                f"the imputed year range {self.oldest_year}-{self.newest_year} must straddle {SEISMIC_STANDARD_YEAR}",
                "YEAR_RANGE",
            )


@dataclass
class ImputedAttributes:
    structure: np.ndarray  # object array of "wood" / "non_wood"
    year_built: np.ndarray  # int
    floors: np.ndarray  # int
    fire_resistance: np.ndarray  # object array, one of FIRE_CLASSES
    imputed: dict[str, np.ndarray]  # attribute -> bool array, True where the value was imputed
    notes: list[str] = field(default_factory=list)

    def imputed_labels(self) -> np.ndarray:
        """Per building, the comma-separated names of the imputed attributes ('' if none)."""
        n = len(self.floors)
        out = np.empty(n, dtype=object)
        for i in range(n):
            out[i] = ",".join(a for a in ATTRIBUTES if self.imputed[a][i])
        return out


def _missing(values: np.ndarray | None, n: int) -> np.ndarray:
    if values is None:
        return np.ones(n, dtype=bool)
    out = np.zeros(n, dtype=bool)
    for i, v in enumerate(np.asarray(values, dtype=object).tolist()):
        if v is None or (isinstance(v, float) and not np.isfinite(v)) or (isinstance(v, str) and not v.strip()):
            out[i] = True
    return out


def _choose(rng: np.random.Generator, candidates: np.ndarray, k: int) -> np.ndarray:
    """Exactly ``k`` (clipped to what is available) candidates, chosen uniformly at random."""
    k = max(0, min(int(k), len(candidates)))
    if k == 0:
        return np.empty(0, dtype=np.int64)
    return np.sort(rng.choice(candidates, size=k, replace=False))


def impute_building_attributes(
    height_m: np.ndarray,
    footprint_area_m2: np.ndarray,
    structure: np.ndarray | None = None,
    year_built: np.ndarray | None = None,
    floors: np.ndarray | None = None,
    fire_resistance: np.ndarray | None = None,
    params: ImputeParameters | None = None,
    seed: int = 0,
    feedback: Feedback | None = None,
) -> ImputedAttributes:
    """Fill missing attributes; arrays of known values may hold None/NaN/'' where unknown."""
    feedback = feedback or NullFeedback()
    p = params or ImputeParameters()
    p.validate()
    height = np.asarray(height_m, dtype=np.float64)
    area = np.asarray(footprint_area_m2, dtype=np.float64)
    n = len(height)
    if area.shape != (n,):
        raise InputError("height and footprint area must have one value per building", "AREA_FIELD")
    rng_structure, rng_year, rng_fire = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(3))
    notes: list[str] = []

    bad_height = ~np.isfinite(height) | (height <= 0)
    if bad_height.any():
        notes.append(
            f"{int(bad_height.sum())} buildings have no valid height: their floors are imputed as 2 "
            "(the most common house) and they are not forced non-wooden"
        )
    bad_area = ~np.isfinite(area) | (area <= 0)
    if bad_area.any():
        notes.append(
            f"{int(bad_area.sum())} buildings have no valid footprint area: the floor-area rule is not applied"
        )

    # Floors.
    miss_floors = _missing(floors, n)
    out_floors = np.zeros(n, dtype=np.int64)
    if floors is not None and (~miss_floors).any():
        known = np.array([float(v) for v in np.asarray(floors, dtype=object)[~miss_floors]])
        if np.any(known < 1) or np.any(known != np.round(known)):
            raise InputError("floors must be whole numbers of at least 1", "FLOORS_FIELD")
        out_floors[~miss_floors] = known.astype(np.int64)
    est_floors = np.where(bad_height, 2, np.maximum(1, np.floor(np.nan_to_num(height) / p.storey_height_m))).astype(
        np.int64
    )
    out_floors[miss_floors] = est_floors[miss_floors]

    # Structure: known values kept; tall or large buildings non-wooden; the rest chosen so that the
    # layer's wooden share is wood_share.
    miss_structure = _missing(structure, n)
    codes = np.full(n, int(Structure.NON_WOOD), dtype=np.int8)
    if structure is not None and (~miss_structure).any():
        codes[~miss_structure] = parse_structure(np.asarray(structure, dtype=object)[~miss_structure])
    forced_non_wood = (~bad_height & (height > p.max_wood_height_m)) | (
        ~bad_area & (area * out_floors > p.max_wood_floor_area_m2)
    )
    known_wood = int(np.sum(~miss_structure & (codes == int(Structure.WOOD))))
    want_wood = round(p.wood_share * n) - known_wood
    eligible = np.flatnonzero(miss_structure & ~forced_non_wood)
    chosen = _choose(rng_structure, eligible, want_wood)
    codes[chosen] = int(Structure.WOOD)
    if want_wood > len(eligible):
        notes.append(
            f"only {len(eligible)} buildings could be wooden (the others are tall or large); the wooden share is "
            f"{(known_wood + len(chosen)) / max(n, 1):.1%} instead of {p.wood_share:.1%}"
        )

    # Year built: the layer's share built in 1981 or later is seismic_standard_share.
    miss_year = _missing(year_built, n)
    years = np.zeros(n, dtype=np.int64)
    if year_built is not None and (~miss_year).any():
        known_years = np.array([float(v) for v in np.asarray(year_built, dtype=object)[~miss_year]])
        years[~miss_year] = np.round(known_years).astype(np.int64)
    known_old = int(np.sum(~miss_year & (years < SEISMIC_STANDARD_YEAR)))
    want_old = round((1.0 - p.seismic_standard_share) * n) - known_old
    missing_idx = np.flatnonzero(miss_year)
    old_idx = _choose(rng_year, missing_idx, want_old)
    is_old = np.zeros(n, dtype=bool)
    is_old[old_idx] = True
    new_idx = missing_idx[~is_old[missing_idx]]
    years[old_idx] = rng_year.integers(p.oldest_year, SEISMIC_STANDARD_YEAR, size=len(old_idx))
    years[new_idx] = rng_year.integers(SEISMIC_STANDARD_YEAR, p.newest_year + 1, size=len(new_idx))
    if want_old > len(missing_idx) or want_old < 0:
        notes.append(
            "the known construction years alone already miss the seismic-standard share; imputed years cannot fix it"
        )

    # Fire resistance.
    miss_fire = _missing(fire_resistance, n)
    fire = np.empty(n, dtype=object)
    if fire_resistance is not None and (~miss_fire).any():
        known_fire = [str(v).strip() for v in np.asarray(fire_resistance, dtype=object)[~miss_fire]]
        unknown = sorted(set(known_fire) - set(FIRE_CLASSES))
        if unknown:
            raise InputError(f"unknown fire-resistance values {unknown[:5]}; use one of {FIRE_CLASSES}", "FIRE_FIELD")
        fire[~miss_fire] = known_fire
    wood = codes == int(Structure.WOOD)
    nw_missing = miss_fire & ~wood
    fire[nw_missing] = np.where(out_floors[nw_missing] >= p.fireproof_min_floors, "fireproof", "semi_fireproof")
    resistant_now = int(np.sum(np.isin(fire[~miss_fire | nw_missing].astype(str), FIRE_RESISTANT_CLASSES)))
    want_resistant_wood = round(p.fire_resistant_share * n) - resistant_now
    wood_missing = np.flatnonzero(miss_fire & wood)
    # Semi-fireproof wooden houses are a recent type: give the status to the newest wooden buildings.
    by_age = wood_missing[np.lexsort((rng_fire.random(len(wood_missing)), -years[wood_missing]))]
    k_semi = max(0, min(want_resistant_wood, len(by_age)))
    fire[by_age[:k_semi]] = "semi_fireproof"
    rest = by_age[k_semi:]
    k_protected = round(p.protected_wood_share * len(rest))
    fire[rest[:k_protected]] = "protected_wood"
    fire[rest[k_protected:]] = "bare_wood"
    if want_resistant_wood < 0:
        notes.append(
            f"fire-resistant share is {resistant_now / max(n, 1):.1%} from known and non-wooden buildings alone, "
            f"above the target {p.fire_resistant_share:.1%}"
        )

    imputed = {
        "structure": miss_structure,
        "year_built": miss_year,
        "floors": miss_floors,
        "fire_resistance": miss_fire,
    }
    for a in ATTRIBUTES:
        notes.append(f"{a}: {int(imputed[a].sum())} of {n} values imputed")
    for note in notes:
        feedback.info(note)
    feedback.set_progress(100.0)
    return ImputedAttributes(
        structure=np.where(wood, "wood", "non_wood").astype(object),
        year_built=years,
        floors=out_floors,
        fire_resistance=fire,
        imputed=imputed,
        notes=notes,
    )
