"""Current state versus mitigation: the scenario's comparison arithmetic on plain numbers.

The scenario runs the whole chain twice (baseline and mitigated). Each run gives ward totals and
per-district values of the compared quantities; this module turns them into the comparison table
(one row per district in the baseline's order, then the ward), with the change and the change in
percent. Labels and file formats belong to the caller.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

# The compared quantities, in the order of every table and chart.
QUANTITIES: tuple[str, ...] = ("collapsed", "burned", "deaths", "shelter_demand", "unreachable")
RUNS: tuple[str, str] = ("baseline", "mitigated")
# The district name of the ward row, and its bilingual names.
WARD_LABEL = "(ward)"
WARD_NAMES = ("区全体", "Ward total")


def first_number(*values: Any) -> float:
    """The first value that is a finite number (results may be None or NaN), else 0."""
    for value in values:
        if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
            return float(value)
    return 0.0


def number(value: Any) -> float:
    """A result as a float: None and NaN count as 0."""
    return first_number(value)


def run_totals(damage: Mapping[str, Any], fire: Mapping[str, Any], unreachable: float) -> dict[str, float]:
    """Ward totals of one run from the results of building damage and fire spread.

    Deaths add collapse and fire deaths. Shelter demand is the relief-centre residents (Tokyo
    2022) when fire spread could count them (residents known), else the damage step's people
    needing shelter.
    """
    return {
        "collapsed": number(damage.get("COLLAPSED")),
        "burned": number(fire.get("EXPECTED_BURNED")),
        "deaths": number(damage.get("DEATHS")) + number(fire.get("FIRE_DEATHS")),
        "shelter_demand": first_number(fire.get("SHELTER_RESIDENTS"), damage.get("SHELTER_NEED")),
        "unreachable": float(unreachable),
        "collapsed_median": number(damage.get("COLLAPSED_MEDIAN")),
        "burned_median": number(fire.get("EXPECTED_BURNED_MEDIAN")),
        "burned_p5": number(fire.get("BURNED_P5")),
        "burned_p95": number(fire.get("BURNED_P95")),
        "collapsed_p5": number(damage.get("COLLAPSED_P5")),
        "collapsed_p95": number(damage.get("COLLAPSED_P95")),
    }


def missing_people(population: float, p_reach: float | None, unreachable: bool) -> float:
    """Expected people of one origin not reaching a shelter in time: population x (1 - p_reach).

    Without sampled blockage (no p_reach) an origin's people either all reach or all miss.
    """
    if p_reach is not None and math.isfinite(p_reach):
        return population * (1.0 - p_reach)
    return population if unreachable else 0.0


def unreachable_totals(
    origins: Iterable[tuple[float, float | None, bool, str | None]],
) -> tuple[float, dict[str, float]]:
    """Ward and per-district sums of :func:`missing_people` over (population, p_reach, unreachable, district)."""
    ward = 0.0
    by_district: dict[str, float] = {}
    for population, p_reach, unreachable, district in origins:
        missing = missing_people(population, p_reach, unreachable)
        ward += missing
        if district is not None:
            by_district[district] = by_district.get(district, 0.0) + missing
    return ward, by_district


def district_values(
    damage: Iterable[Mapping[str, Any]],
    fire: Iterable[Mapping[str, Any]],
    unreachable: Mapping[str, float],
) -> dict[str, dict[str, float]]:
    """Per-district quantities of one run from the district tables of damage and fire spread.

    ``damage`` rows carry district, collapsed, deaths, shelter_need; ``fire`` rows district,
    expected_burned, fire_deaths and (when residents are known) shelter_residents.
    """
    out: dict[str, dict[str, float]] = {}
    for row in damage:
        out[str(row["district"])] = {
            "collapsed": number(row.get("collapsed")),
            "deaths": number(row.get("deaths")),
            "shelter_demand": number(row.get("shelter_need")),
            "burned": 0.0,
            "unreachable": 0.0,
        }
    for row in fire:
        values = out.setdefault(str(row["district"]), dict.fromkeys(QUANTITIES, 0.0))
        values["burned"] = number(row.get("expected_burned"))
        values["deaths"] += number(row.get("fire_deaths"))
        residents = row.get("shelter_residents")
        if isinstance(residents, int | float) and math.isfinite(residents):  # else keep the damage-only figure
            values["shelter_demand"] = float(residents)
    for name, value in unreachable.items():
        if name in out:
            out[name]["unreachable"] = value
    return out


def change_pct(before: float, after: float) -> float | None:
    """Change in percent of the baseline; None when the baseline is 0 (no percentage exists)."""
    return 100.0 * (after - before) / before if before > 0 else None


def comparison_row(
    name: str, before: Mapping[str, float], after: Mapping[str, float], names: Mapping[str, tuple[str, str]]
) -> dict[str, Any]:
    """One row: district, scope, bilingual names, and before/after/change/change_pct per quantity."""
    ward = name == WARD_LABEL
    name_ja, name_en = WARD_NAMES if ward else names.get(name, (name, name))
    out: dict[str, Any] = {
        "district": name,
        "scope": "ward" if ward else "district",
        "name_ja": name_ja,
        "name_en": name_en,
    }
    for key in QUANTITIES:
        b, a = float(before.get(key, 0.0)), float(after.get(key, 0.0))
        out[f"{key}_before"] = b
        out[f"{key}_after"] = a
        out[f"{key}_change"] = a - b
        out[f"{key}_change_pct"] = change_pct(b, a)
    return out


def comparison_rows(
    totals: Mapping[str, Mapping[str, float]],
    districts: Mapping[str, Mapping[str, Mapping[str, float]]],
    names: Mapping[str, tuple[str, str]],
) -> list[dict[str, Any]]:
    """One row per district (in the baseline's order) and a last row for the whole ward."""
    baseline, mitigated = RUNS
    rows = [
        comparison_row(name, values, districts[mitigated].get(name, {}), names)
        for name, values in districts[baseline].items()
    ]
    rows.append(comparison_row(WARD_LABEL, totals[baseline], totals[mitigated], names))
    return rows


def comparison_columns() -> list[tuple[str, type]]:
    """The comparison table's columns with their Python types."""
    spec: list[tuple[str, type]] = [("district", str), ("scope", str), ("name_ja", str), ("name_en", str)]
    for key in QUANTITIES:
        spec += [
            (f"{key}_before", float),
            (f"{key}_after", float),
            (f"{key}_change", float),
            (f"{key}_change_pct", float),
        ]
    return spec
