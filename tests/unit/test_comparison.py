"""core/comparison.py: the scenario's comparison arithmetic on plain numbers."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from suginami_gis.core import comparison as cmp

finite = st.floats(min_value=0, max_value=1e7, allow_nan=False)


def test_run_totals_add_deaths_and_prefer_relief_centre_residents():
    damage = {"COLLAPSED": 10.0, "DEATHS": 2.0, "SHELTER_NEED": 500.0, "COLLAPSED_MEDIAN": 8.0}
    fire = {"EXPECTED_BURNED": 30.0, "FIRE_DEATHS": 1.5, "SHELTER_RESIDENTS": 320.0}
    totals = cmp.run_totals(damage, fire, 12.0)
    assert totals["deaths"] == 3.5 and totals["shelter_demand"] == 320.0
    assert totals["unreachable"] == 12.0 and totals["collapsed_median"] == 8.0
    # Residents unknown (None or NaN): the damage step's people needing shelter.
    for missing in (None, math.nan):
        assert cmp.run_totals(damage, {**fire, "SHELTER_RESIDENTS": missing}, 0.0)["shelter_demand"] == 500.0
    # Absent results count as 0, never NaN.
    assert cmp.run_totals({}, {}, 0.0)["burned_p95"] == 0.0


def test_unreachable_people_use_the_reach_probability_when_sampled():
    ward, by_district = cmp.unreachable_totals(
        [(10.0, 0.75, False, "a"), (4.0, None, True, "a"), (6.0, None, False, "b"), (3.0, 0.0, True, None)]
    )
    assert ward == pytest.approx(2.5 + 4.0 + 0.0 + 3.0)
    assert by_district == pytest.approx({"a": 6.5, "b": 0.0})


def test_district_values_combine_damage_fire_and_reach():
    damage = [{"district": "A", "collapsed": 3.0, "deaths": 1.0, "shelter_need": 40.0}]
    fire = [
        {"district": "A", "expected_burned": 5.0, "fire_deaths": 0.5, "shelter_residents": None},
        {"district": "B", "expected_burned": 2.0, "fire_deaths": 0.0, "shelter_residents": 7.0},
    ]
    values = cmp.district_values(damage, fire, {"A": 9.0, "Z": 1.0})
    assert values["A"] == {"collapsed": 3.0, "deaths": 1.5, "shelter_demand": 40.0, "burned": 5.0, "unreachable": 9.0}
    assert values["B"]["shelter_demand"] == 7.0 and values["B"]["collapsed"] == 0.0
    assert "Z" not in values


@given(st.dictionaries(st.text(min_size=1, max_size=4), st.tuples(finite, finite), max_size=6), finite, finite)
def test_comparison_rows_properties(districts, ward_before, ward_after):
    baseline = {name: dict.fromkeys(cmp.QUANTITIES, before) for name, (before, _) in districts.items()}
    mitigated = {name: dict.fromkeys(cmp.QUANTITIES, after) for name, (_, after) in districts.items()}
    totals = {
        "baseline": dict.fromkeys(cmp.QUANTITIES, ward_before),
        "mitigated": dict.fromkeys(cmp.QUANTITIES, ward_after),
    }
    rows = cmp.comparison_rows(totals, {"baseline": baseline, "mitigated": mitigated}, {})
    assert [row["district"] for row in rows] == [*districts, cmp.WARD_LABEL]
    assert rows[-1]["scope"] == "ward" and (rows[-1]["name_ja"], rows[-1]["name_en"]) == cmp.WARD_NAMES
    assert set(rows[0]) == {name for name, _ in cmp.comparison_columns()}
    for row in rows:
        for key in cmp.QUANTITIES:
            before, after = row[f"{key}_before"], row[f"{key}_after"]
            assert row[f"{key}_change"] == pytest.approx(after - before)
            pct = row[f"{key}_change_pct"]
            assert (pct is None) == (before == 0)
            if pct is not None:
                assert pct == pytest.approx(100 * (after - before) / before)
