"""Deaths, severe injuries and shelter demand from building collapse (methods.md section 5).

Tokyo Metropolitan Government (2022) / Cabinet Office form:
    deaths = 0.0676 x collapsed wooden x R_w + 0.00840 x collapsed non-wooden x R_n
    severe injuries = 0.0309 x collapse ratio x occupants at the scenario time
with R = occupancy at the scenario hour / occupancy at 05:00. Every coefficient is a named,
cited default of :class:`CasualtyParameters`; docs/methods/damage.md discusses the limits.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .errors import InputError
from .fragility import Structure
from .people import DEFAULT_OCCUPANTS

# Tokyo Metropolitan Government (2022) 首都直下地震等による東京の被害想定, report 6-30, after the
# Cabinet Office (2012) regression on the Tottori, Tonankai, Nankai, Fukui and Kobe earthquakes:
# deaths per collapsed wooden building (t_w) and per collapsed non-wooden building (t_n) at 05:00.
DEATHS_PER_COLLAPSED_WOOD = 0.0676
DEATHS_PER_COLLAPSED_NON_WOOD = 0.00840
# Tokyo Metropolitan Government (2022), methods.md section 5: severe injuries = 0.0309 x collapse
# ratio x building occupants.
SEVERE_INJURY_RATE = 0.0309

# Occupancy of buildings at the scenario hour relative to 05:00 (R in methods.md section 5).
# 05:00: 1 by definition. 12:00: 0.633 = 2,840 / 4,489, the deaths from shaking collapse at winter
# 12:00 and 05:00 in Tokyo Metropolitan Government (2012) 首都直下地震等による東京の被害想定, 多摩直下地震
# M7.3, wind 4 m/s, where both times have the same 75,668 collapsed buildings (so the ratio is the
# occupancy ratio; table reproduced in the Tokyo Board of Education disaster-education booklet).
# 18:00: no published figure was available to the project; assumed equal to 12:00 (stated in
# docs/methods/damage.md; a parameter). The source does not split wooden and non-wooden buildings,
# so one ratio serves both.
OCCUPANCY_RATIO = {5: 1.0, 12: 2840.0 / 4489.0, 18: 2840.0 / 4489.0}
SCENARIO_HOURS = (5, 12, 18)

# Tokyo Metropolitan Government (2022) 首都直下地震等による東京の被害想定 報告書 p. 397: (evacuees from
# building damage) = (residents of collapsed and burned buildings) x 100 % + (residents of
# half-collapsed buildings) x 50.3 %. (The project used 0.13, recalled from the Cabinet Office
# method and never checked, before version 0.3.)
HALF_COLLAPSE_EVACUATION_FACTOR = 0.503
# TMG 2022 report p. 397: (relief-centre evacuees) = (evacuees) x (relief-centre share); p. 182: at the
# peak, 4 days to 1 week after the 都心南部直下 earthquake (winter 18:00, 8 m/s), 1,995,809 of
# 2,993,713 evacuees are in relief centres. The day-1 share was not found published; the peak
# share is used (docs/methods/damage.md).
RELIEF_CENTRE_SHARE = 1_995_809 / 2_993_713
# Shelter floor space per person: 3.5 m2 in the national guideline revised December 2024 and
# Tokyo's 2025 shelter guideline (2 m2 was customary before); methods.md section 5.
SHELTER_AREA_PER_PERSON_M2 = 3.5

# Default occupants per building when no OCCUPANTS_FIELD is given: the one figure of every step,
# 4.60 residents per building (core/people.py gives its source).
DEFAULT_OCCUPANTS_PER_BUILDING = DEFAULT_OCCUPANTS


@dataclass(frozen=True)
class CasualtyParameters:
    deaths_per_collapsed_wood: float = DEATHS_PER_COLLAPSED_WOOD
    deaths_per_collapsed_non_wood: float = DEATHS_PER_COLLAPSED_NON_WOOD
    severe_injury_rate: float = SEVERE_INJURY_RATE
    occupancy_ratio: dict[int, float] = field(default_factory=lambda: dict(OCCUPANCY_RATIO))
    half_collapse_evacuation_factor: float = HALF_COLLAPSE_EVACUATION_FACTOR
    default_occupants: float = DEFAULT_OCCUPANTS_PER_BUILDING

    def validate(self) -> None:
        for name in (
            "deaths_per_collapsed_wood",
            "deaths_per_collapsed_non_wood",
            "severe_injury_rate",
            "half_collapse_evacuation_factor",
            "default_occupants",
        ):
            v = getattr(self, name)
            if not np.isfinite(v) or v < 0:
                raise InputError(f"{name} must be zero or positive, got {v}", name.upper())

    def ratio(self, hour: int) -> float:
        if hour not in self.occupancy_ratio:
            raise InputError(
                f"scenario hour {hour} is not one of {sorted(self.occupancy_ratio)} (Tokyo's scenario times)",
                "SCENARIO_HOUR",
            )
        return float(self.occupancy_ratio[hour])


def deaths(
    collapsed_wood: float | np.ndarray,
    collapsed_non_wood: float | np.ndarray,
    hour: int = 5,
    params: CasualtyParameters | None = None,
) -> np.ndarray:
    """Deaths from collapsed buildings (counts or expected counts) at the scenario hour."""
    p = params or CasualtyParameters()
    r = p.ratio(hour)
    return np.asarray(
        p.deaths_per_collapsed_wood * np.asarray(collapsed_wood, dtype=float) * r
        + p.deaths_per_collapsed_non_wood * np.asarray(collapsed_non_wood, dtype=float) * r
    )


def severe_injuries(
    collapse_ratio: float | np.ndarray,
    occupants: float | np.ndarray,
    hour: int = 5,
    params: CasualtyParameters | None = None,
) -> np.ndarray:
    """Severe injuries = rate x collapse ratio x occupants present at the scenario hour."""
    p = params or CasualtyParameters()
    return np.asarray(
        p.severe_injury_rate * np.asarray(collapse_ratio, float) * np.asarray(occupants, float) * p.ratio(hour)
    )


def shelter_demand(
    residents_collapsed: float | np.ndarray,
    residents_half: float | np.ndarray,
    params: CasualtyParameters | None = None,
) -> np.ndarray:
    """People leaving home because of building damage (residents, i.e. 05:00 occupancy)."""
    p = params or CasualtyParameters()
    return np.asarray(residents_collapsed, float) + p.half_collapse_evacuation_factor * np.asarray(
        residents_half, float
    )


def shelter_area_m2(people: float | np.ndarray, area_per_person_m2: float = SHELTER_AREA_PER_PERSON_M2) -> np.ndarray:
    """Shelter floor space needed for ``people`` evacuees."""
    if not np.isfinite(area_per_person_m2) or area_per_person_m2 <= 0:
        raise InputError("the shelter area per person must be positive", "AREA_PER_PERSON")
    return np.asarray(people, float) * area_per_person_m2


@dataclass
class BuildingWeights:
    """Per-building amounts that a damage state contributes (one row per building)."""

    deaths_if_collapsed: np.ndarray
    injuries_if_collapsed: np.ndarray
    shelter_if_collapsed: np.ndarray
    shelter_if_half: np.ndarray  # half-collapse only (not collapsed)


def building_weights(
    structure: np.ndarray, occupants: np.ndarray | None, hour: int, params: CasualtyParameters | None = None
) -> BuildingWeights:
    """Deaths / injuries / displaced residents a building contributes if it collapses or half-collapses.

    Deaths follow the per-collapsed-building form (occupants do not enter, as in the source);
    severe injuries use the building's occupants at the scenario hour; displacement uses residents.
    """
    p = params or CasualtyParameters()
    p.validate()
    r = p.ratio(hour)
    structure = np.asarray(structure)
    n = len(structure)
    occ = np.full(n, p.default_occupants) if occupants is None else np.asarray(occupants, dtype=np.float64)
    if occ.shape != (n,):
        raise InputError("occupants must have one value per building", "OCCUPANTS_FIELD")
    if np.any(~np.isfinite(occ)) or np.any(occ < 0):
        raise InputError(
            f"{int(np.sum(~np.isfinite(occ) | (occ < 0)))} buildings have a missing or negative occupant count",
            "OCCUPANTS_FIELD",
        )
    coef = np.where(structure == int(Structure.WOOD), p.deaths_per_collapsed_wood, p.deaths_per_collapsed_non_wood)
    return BuildingWeights(
        deaths_if_collapsed=coef * r,
        injuries_if_collapsed=p.severe_injury_rate * occ * r,
        shelter_if_collapsed=occ.copy(),
        shelter_if_half=p.half_collapse_evacuation_factor * occ,
    )


def building_damage_evacuees(
    residents: np.ndarray,
    p_collapse: np.ndarray,
    p_half: np.ndarray,
    p_burn: np.ndarray | None = None,
    half_factor: float = HALF_COLLAPSE_EVACUATION_FACTOR,
) -> np.ndarray:
    """Expected evacuees of each building from building damage (TMG 2022 report p. 397).

    residents x [P(collapsed or burned) + half_factor x P(half-collapsed only, not burned)], with
    burning taken as independent of the damage state given the building (P(burn) already carries
    the collapse ignitions). Water and lift outages, the report's other two terms, are not modelled.
    """
    occ = np.asarray(residents, dtype=np.float64)
    pc = np.asarray(p_collapse, dtype=np.float64)
    half_only = np.clip(np.asarray(p_half, dtype=np.float64) - pc, 0.0, 1.0)
    pb = np.zeros_like(pc) if p_burn is None else np.asarray(p_burn, dtype=np.float64)
    return occ * (pc + pb * (1.0 - pc) + half_factor * half_only * (1.0 - pb))


def relief_centre_residents(evacuees: float | np.ndarray, share: float = RELIEF_CENTRE_SHARE) -> np.ndarray:
    """Evacuees who stay in a relief centre (避難所避難者), TMG 2022 report p. 397."""
    if not (np.isfinite(share) and 0.0 <= share <= 1.0):
        raise InputError(f"the relief-centre share must be 0-1, got {share}", "RELIEF_CENTRE_SHARE")
    return np.asarray(evacuees, dtype=np.float64) * share
