"""People per building when a layer has no occupants field: one number for every step.

Building damage (deaths, evacuees), fire spread (evacuees of burned buildings) and evacuation
routing (the population of each origin, hence the unreachable population) all count people with
DEFAULT_OCCUPANTS when no OCCUPANTS_FIELD / POPULATION_FIELD is given, so the scenario's totals
are all people, never a mix of people and buildings.
"""

from __future__ import annotations

# Suginami's 571,703 registered residents (ward resident register, 2022; the ward's population CSV
# in ../shared) / 124,207 PLATEAU 2020 footprints of the ward (methods.md section 8)
# = 4.60 residents per building. A ward with its own figures gives an occupants field (or the
# algorithms' DEFAULT_OCCUPANTS parameter) instead.
SUGINAMI_RESIDENTS = 571_703
SUGINAMI_PLATEAU_BUILDINGS = 124_207
DEFAULT_OCCUPANTS = SUGINAMI_RESIDENTS / SUGINAMI_PLATEAU_BUILDINGS
