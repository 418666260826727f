"""People per building when a layer has no occupants field: one number for every step.

Building damage (deaths, evacuees), fire spread (evacuees of burned buildings) and evacuation
routing (the population of each origin, hence the unreachable population) all count people with
DEFAULT_OCCUPANTS when no OCCUPANTS_FIELD / POPULATION_FIELD is given, so the scenario's totals
are all people, never a mix of people and buildings.
"""

from __future__ import annotations

from typing import Any

import numpy as np

# Suginami's 571,703 registered residents (ward resident register, 2022; the ward's population CSV
# in ../shared) / 124,207 PLATEAU 2020 footprints of the ward (methods.md section 8)
# = 4.60 residents per building. A ward with its own figures gives an occupants field (or the
# algorithms' DEFAULT_OCCUPANTS parameter) instead.
SUGINAMI_RESIDENTS = 571_703
SUGINAMI_PLATEAU_BUILDINGS = 124_207
DEFAULT_OCCUPANTS = SUGINAMI_RESIDENTS / SUGINAMI_PLATEAU_BUILDINGS

# Plausibility of an occupants field (a typo such as 10^9 people in one house must not pass silently):
# the most crowded room kind of the evacuation-safety verification, 1.5 people per m² of floor
# (劇場・集会場等の客席で固定席以外のもの; 在館者密度, 平成12年建設省告示第1441号 別表), on every
# floor of the tallest building in Japan, 64 storeys (麻布台ヒルズ森JPタワー, 2023). More people than
# that over a footprint is not a building's occupancy.
MAX_OCCUPANT_DENSITY_PER_M2 = 1.5
MAX_STOREYS_JAPAN = 64


def implausible_occupants(occupants: Any, footprint_m2: Any) -> np.ndarray:
    """True where ``occupants`` exceed 1.5 people per m² on 64 floors of the footprint (at least 1 m²)."""
    occupants = np.asarray(occupants, dtype=np.float64)
    area = np.maximum(np.nan_to_num(np.asarray(footprint_m2, dtype=np.float64), nan=0.0), 1.0)
    return occupants > MAX_OCCUPANT_DENSITY_PER_M2 * MAX_STOREYS_JAPAN * area
