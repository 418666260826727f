"""Imputation of structure, year, floors and fire resistance from height, area and ward shares."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from suginami_gis.core import impute as im
from suginami_gis.core.errors import InputError


def footprints(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    height = np.clip(rng.lognormal(np.log(8.0), 0.35, n), 2.0, 95.0)
    area = np.clip(rng.lognormal(np.log(70.0), 0.6, n), 5.0, 5000.0)
    return height, area


def test_floors_from_height():
    res = im.impute_building_attributes(np.array([2.0, 6.5, 8.0, 10.0, 94.4]), np.full(5, 50.0))
    assert res.floors.tolist() == [1, 1, 2, 3, 28]


@settings(max_examples=25, deadline=None)
@given(st.integers(20, 3000), st.integers(0, 2**31))
def test_ward_shares_are_met_exactly(n, seed):
    height, area = footprints(n, seed % 1000)
    res = im.impute_building_attributes(height, area, seed=seed)
    wood = res.structure == "wood"
    forced = (height > im.MAX_WOOD_HEIGHT_M) | (area * res.floors > im.MAX_WOOD_FLOOR_AREA_M2)
    assert not np.any(wood & forced)
    assert wood.sum() == min(round(im.WOOD_SHARE * n), int((~forced).sum()))
    assert np.sum(res.year_built < 1981) == round((1 - im.SEISMIC_STANDARD_SHARE) * n)
    assert np.all((res.year_built >= im.OLDEST_IMPUTED_YEAR) & (res.year_built <= im.NEWEST_IMPUTED_YEAR))
    resistant = np.isin(res.fire_resistance.astype(str), im.FIRE_RESISTANT_CLASSES)
    # Both targets are met exactly when they add up to n; rounded independently (n = 500: 219.5 and
    # 280.5 give 219 + 280) every non-wooden building is still fire-resistant, one above the target.
    if wood.sum() == round(im.WOOD_SHARE * n) and round(im.WOOD_SHARE * n) + round(im.FIRE_RESISTANT_SHARE * n) == n:
        assert resistant.sum() == round(im.FIRE_RESISTANT_SHARE * n)
    assert set(res.fire_resistance[wood]) <= {"bare_wood", "protected_wood", "semi_fireproof"}
    assert set(res.fire_resistance[~wood]) <= {"semi_fireproof", "fireproof"}
    assert all(res.imputed[a].all() for a in im.ATTRIBUTES)


def test_tall_and_large_buildings_are_non_wooden_and_high_rise_fireproof():
    height = np.array([14.0, 30.0, 6.0, 7.0, 7.0])
    area = np.array([60.0, 400.0, 1200.0, 80.0, 80.0])
    res = im.impute_building_attributes(height, area, params=im.ImputeParameters(wood_share=1.0), seed=1)
    assert res.structure.tolist() == ["non_wood", "non_wood", "non_wood", "wood", "wood"]
    assert res.fire_resistance[1] == "fireproof"  # 9 storeys
    assert res.fire_resistance[0] == "fireproof"  # 4 storeys
    assert any("could be wooden" in note for note in res.notes)


def test_known_values_are_kept_and_flagged():
    height, area = footprints(200)
    structure = np.array(["木造" if i % 4 == 0 else None for i in range(200)], dtype=object)
    years = np.array([1975.0 if i % 10 == 0 else np.nan for i in range(200)], dtype=object)
    floors = np.array([2 if i % 2 == 0 else None for i in range(200)], dtype=object)
    fire = np.array(["fireproof" if i == 3 else "" for i in range(200)], dtype=object)
    res = im.impute_building_attributes(height, area, structure, years, floors, fire, seed=3)
    known_s = np.arange(200) % 4 == 0
    assert np.all(res.structure[known_s] == "wood")
    assert np.all(res.year_built[np.arange(200) % 10 == 0] == 1975)
    assert np.all(res.floors[np.arange(200) % 2 == 0] == 2)
    assert res.fire_resistance[3] == "fireproof"
    np.testing.assert_array_equal(res.imputed["structure"], ~known_s)
    labels = res.imputed_labels()
    assert labels[0] == "fire_resistance"  # structure, year and floors known for building 0
    assert labels[1] == "structure,year_built,floors,fire_resistance"
    # Shares hold for the layer as a whole, known values included.
    assert np.sum(res.year_built < 1981) == round((1 - im.SEISMIC_STANDARD_SHARE) * 200)


def test_seeded_and_reproducible():
    height, area = footprints(500)
    a = im.impute_building_attributes(height, area, seed=7)
    b = im.impute_building_attributes(height, area, seed=7)
    c = im.impute_building_attributes(height, area, seed=8)
    np.testing.assert_array_equal(a.year_built, b.year_built)
    np.testing.assert_array_equal(a.structure, b.structure)
    np.testing.assert_array_equal(a.fire_resistance, b.fire_resistance)
    assert not np.array_equal(a.year_built, c.year_built)


def test_invalid_heights_are_reported_not_hidden():
    res = im.impute_building_attributes(np.array([np.nan, -1.0, 8.0]), np.array([50.0, np.nan, 50.0]))
    assert res.floors.tolist() == [2, 2, 2]
    assert any("2 buildings have no valid height" in note for note in res.notes)
    assert any("1 buildings have no valid footprint area" in note for note in res.notes)


@pytest.mark.parametrize(
    "kwargs, parameter",
    [
        (dict(structure=np.array(["brick", None], dtype=object)), "STRUCTURE_FIELD"),
        (dict(fire_resistance=np.array(["stone", None], dtype=object)), "FIRE_FIELD"),
        (dict(floors=np.array([0, None], dtype=object)), "FLOORS_FIELD"),
        (dict(params=im.ImputeParameters(wood_share=1.2)), "WOOD_SHARE"),
        (dict(params=im.ImputeParameters(oldest_year=1990)), "YEAR_RANGE"),
        (dict(footprint_area_m2=np.array([1.0])), "AREA_FIELD"),
    ],
)
def test_bad_input(kwargs, parameter):
    args = dict(height_m=np.array([8.0, 9.0]), footprint_area_m2=np.array([50.0, 60.0]))
    args.update(kwargs)
    with pytest.raises(InputError) as err:
        im.impute_building_attributes(**args)
    assert err.value.parameter == parameter


def test_the_suginami_preset_holds_the_documented_shares():
    """The only built-in preset is Suginami's, with the figures and sources of docs/methods/impute.md."""
    assert [preset.name for preset in im.PRESETS] == ["Suginami"]
    assert (im.SUGINAMI.seismic_standard_share, im.SUGINAMI.fire_resistant_share) == (0.846, 0.561)
    assert im.SUGINAMI.wood_share == pytest.approx(1 - 0.561)
    assert "84.6" in im.SUGINAMI.sources and "56.1" in im.SUGINAMI.sources
    assert im.SUGINAMI.describe().startswith("Suginami: 1981-standard share 0.846")


@pytest.mark.parametrize("suffix", [".json", ".csv"])
def test_another_wards_shares_from_a_table(tmp_path, suffix):
    path = tmp_path / f"nerima{suffix}"
    if suffix == ".json":
        path.write_text(
            '{"name": "Nerima", "seismic_standard_share": 0.9, "fire_resistant_share": 0.6, "sources": "ward plan"}',
            encoding="utf-8",
        )
    else:
        path.write_text("key,value\nname,Nerima\nseismic_standard_share,0.9\nfire_resistant_share,0.6\n", "utf-8")
    shares = im.load_share_table(str(path))
    assert (shares.name, shares.seismic_standard_share, shares.fire_resistant_share) == ("Nerima", 0.9, 0.6)
    assert shares.wood_share == pytest.approx(0.4)  # derived as 1 - fire_resistant_share
    result = im.impute_building_attributes(
        np.full(1000, 6.0),
        np.full(1000, 80.0),
        params=im.ImputeParameters(
            seismic_standard_share=shares.seismic_standard_share,
            fire_resistant_share=shares.fire_resistant_share,
            wood_share=shares.wood_share,
        ),
        seed=3,
    )
    assert np.mean(result.year_built >= 1981) == pytest.approx(0.9)
    assert np.mean(result.structure == "wood") == pytest.approx(0.4)


@pytest.mark.parametrize(
    "text, message",
    [
        ("key,value\nfire_resistant_share,0.5\n", "seismic_standard_share"),
        ("key,value\nseismic_standard_share,abc\nfire_resistant_share,0.5\n", "not a number"),
        ("key,value\nseismic_standard_share,1.5\nfire_resistant_share,0.5\n", "between 0 and 1"),
    ],
)
def test_a_bad_share_table_names_the_parameter(tmp_path, text, message):
    path = tmp_path / "shares.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message) as info:
        im.load_share_table(str(path))
    assert info.value.parameter == "SHARES_TABLE"


def test_one_default_occupants_for_every_step():
    """Damage's default occupants are core.people's, Suginami's residents per PLATEAU footprint."""
    from suginami_gis.core import casualties, people

    assert people.DEFAULT_OCCUPANTS == pytest.approx(4.60, abs=0.005)
    assert casualties.DEFAULT_OCCUPANTS_PER_BUILDING is people.DEFAULT_OCCUPANTS
    assert casualties.CasualtyParameters().default_occupants == people.DEFAULT_OCCUPANTS
