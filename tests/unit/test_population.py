"""Dasymetric population (core/population.py): exact totals, weights, tables, and the real Suginami data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from suginami_gis.core import mesh
from suginami_gis.core import population as pop
from suginami_gis.core.errors import InputError

REAL = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "real"
POPULATION_CSV = REAL / "suginami-population-xiushu53" / "suginami_population.csv"
TOWNS = REAL / "suginami-town-api-shoreless" / "towns.geojson"
SUBSET = REAL / "plateau2020-tokyo23-bldg-mvt" / "suginami_asagaya_koenji_subset_buildings.gpkg"


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.floats(min_value=0.0, max_value=1e6, allow_nan=False), min_size=1, max_size=60),
    st.integers(min_value=0, max_value=100_000),
)
def test_largest_remainder_sums_exactly_and_stays_within_one_of_the_quota(weights, total):
    out = pop.largest_remainder(np.array(weights), total)
    assert out.sum() == total
    w = np.array(weights) if sum(weights) > 0 else np.ones(len(weights))
    quota = total * w / w.sum()
    assert np.all(np.abs(out - quota) < 1.0 + 1e-9)


def test_largest_remainder_textbook_example():
    # Hamilton's method: quotas 4.5, 3.3, 2.2 of 10 -> floors 4, 3, 2 and the seat left goes to 4.5.
    assert list(pop.largest_remainder(np.array([45.0, 33.0, 22.0]), 10)) == [5, 3, 2]


def test_storeys_and_residential_fallbacks():
    s = pop.storeys(np.array([3, np.nan, 0, np.nan]), np.array([20.0, 6.5, 9.0, np.nan]), 4)
    assert list(s) == [3, 1, 2, 1]  # floors field; 6.5 m -> 1; 9 m -> 2 (3.3 m storeys); nothing -> 1
    mask = pop.residential_mask(["412", "office", None, "", "Detached_House", "401"], 6)
    assert list(mask) == [True, False, True, True, True, False]


def test_distribute_by_residential_floor_area_with_exact_totals():
    table = pop.CensusTable(["a", "b", "c"], np.array([10, 7, 5]), None, 0)
    area = np.array([0, 0, 0, 1, 1, -1])
    footprint = np.array([100.0, 100.0, 100.0, 50.0, 50.0, 80.0])
    floors = np.array([1.0, 3.0, 2.0, 1.0, 1.0, 1.0])
    residential = np.array([True, True, False, False, False, True])
    out = pop.distribute(table, area, footprint, floors, residential, day_night_ratio=0.8)
    # 100 : 300 m2 of housing: quotas 2.5, 7.5, the tie to the earlier building; no one in the office.
    assert list(out.night[:3]) == [3, 7, 0]
    assert out.night[3:5].sum() == 7  # no housing in b: its floor area takes the residents
    assert out.fallback_areas == ["b"]
    assert out.night[5] == 0 and out.unplaced_areas == ["c"] and out.unplaced_night == 5
    # Day: 0.8 x 22 = 17.6 -> 18 split 8, 6, 4 over the areas (quotas 8.18, 5.73, 4.09); c's 4 unplaced.
    assert out.day is not None and out.day[:3].sum() == 8 and out.day[3:5].sum() == 6 and out.day[5] == 0
    assert list(out.day[:3]) == [1, 4, 3]  # by all floor area 100 : 300 : 200, the office included


def test_day_column_is_used_as_given():
    table = pop.CensusTable(["a"], np.array([10]), np.array([4]), 0)
    out = pop.distribute(table, np.array([0, 0]), np.array([10.0, 30.0]), np.ones(2), np.array([True, True]))
    assert out.day is not None and list(out.day) == [1, 3]


def test_reading_bad_tables(tmp_path):
    good = tmp_path / "t.csv"
    good.write_text(
        "KEY_CODE,HTKSYORI,T001\n,,人口（総数）\n53394546,0,120\n53394547,0,*\n53394536,0,-\n", encoding="cp932"
    )
    table = pop.read_census_table(good, "KEY_CODE", "T001")
    assert table.keys == ["53394546", "53394547", "53394536"]
    assert list(table.night) == [120, 0, 0] and table.suppressed == 1
    with pytest.raises(InputError, match="no column 'T999'"):
        pop.read_census_table(good, "KEY_CODE", "T999")
    truncated = tmp_path / "cut.csv"
    truncated.write_text(good.read_text(encoding="cp932")[:-6], encoding="utf-8")
    with pytest.raises(InputError, match="fields"):
        pop.read_census_table(truncated, "KEY_CODE", "T001")
    negative = tmp_path / "neg.csv"
    negative.write_text("KEY_CODE,T001\n53394546,-3\n", encoding="utf-8")
    with pytest.raises(InputError, match="whole number"):
        pop.read_census_table(negative, "KEY_CODE", "T001")
    twice = tmp_path / "twice.csv"
    twice.write_text("KEY_CODE,T001\n53394546,3\n53394546,4\n", encoding="utf-8")
    with pytest.raises(InputError, match="twice"):
        pop.read_census_table(twice, "KEY_CODE", "T001")


def test_unknown_keys_are_refused():
    table = pop.CensusTable(["a", "zz"], np.array([1, 2]), None, 0)
    with pytest.raises(InputError, match="zz"):
        pop.check_keys(table, ["a", "b"], "POPULATION_TABLE")
    assert list(pop.check_keys(pop.CensusTable(["b"], np.array([1]), None, 0), ["a", "b"], "X")) == [-1, 0]


def test_estat_aggregate_rows_are_dropped_not_unknown():
    # e-Stat small-area tables: the ward, a 町 and its 丁目 (the boundary data has the 丁目 only).
    table = pop.CensusTable(["13115", "131150010", "13115001001", "13115001002"], np.array([30, 30, 10, 20]), None, 0)
    kept, dropped = pop.drop_aggregates(table, ["13115001001", "13115001002"])
    assert dropped == ["13115", "131150010"]
    assert kept.keys == ["13115001001", "13115001002"] and list(kept.night) == [10, 20]
    same, none = pop.drop_aggregates(kept, ["13115001001", "13115001002"])
    assert same is kept and none == []
    with pytest.raises(InputError, match="99999"):
        pop.check_keys(pop.drop_aggregates(pop.CensusTable(["99999"], np.array([1]), None, 0), ["1"])[0], ["1"], "X")


def test_mesh_form_places_buildings_by_their_mesh():
    code_a = mesh.to_code(35.7001, 139.6401, 4)
    code_b = mesh.to_code(35.7051, 139.6451, 4)
    table = pop.CensusTable([code_a, code_b], np.array([5, 9]), None, 0)
    lat = np.array([35.7001, 35.7002, 35.7051, 30.0])
    lon = np.array([139.6401, 139.6402, 139.6451, 139.0])
    assert list(pop.mesh_index(lat, lon, table, "POPULATION_TABLE")) == [0, 0, 1, -1]


real = pytest.mark.skipif(
    not (POPULATION_CSV.exists() and TOWNS.exists() and SUBSET.exists()),
    reason="../shared/data/real (population, towns, PLATEAU subset) is absent",
)


@real
def test_real_suginami_table_reads_with_the_documented_totals():
    table = pop.read_census_table(POPULATION_CSV, "町丁目", "総人口")
    # SOURCE.md: 139 町丁目, 571,703 people.
    assert len(table.keys) == 139
    assert int(table.night.sum()) == 571_703
    assert table.keys[0] == "方南一丁目" and table.night[0] == 8177


@real
def test_real_suginami_population_onto_real_plateau_buildings():
    import geopandas as gpd

    table = pop.read_census_table(POPULATION_CSV, "町丁目", "総人口")
    towns = gpd.read_file(TOWNS).to_crs(6677)
    index_of_town = pop.check_keys(table, towns["town"].tolist(), "POPULATION_TABLE")
    assert (index_of_town >= 0).all()  # all 139 names join
    buildings = gpd.read_file(SUBSET).to_crs(6677)
    reps = buildings.geometry.representative_point()
    town_of_building = pop.polygon_index(reps.x.to_numpy(), reps.y.to_numpy(), towns.geometry.tolist())
    area = np.where(town_of_building >= 0, index_of_town[np.clip(town_of_building, 0, None)], -1)
    floors = pop.storeys(None, buildings["measured_height_m"].to_numpy(), len(buildings))
    out = pop.distribute(
        table, area, buildings.geometry.area.to_numpy(), floors, pop.residential_mask(None, len(buildings))
    )
    # Every district with buildings sums exactly to its census count.
    covered = np.unique(area[area >= 0])
    assert len(covered) >= 8
    for a in covered:
        assert out.night[area == a].sum() == table.night[a]
    assert out.night.sum() + out.unplaced_night == table.night.sum()
    # The subset lies in 阿佐谷南/北, 高円寺南/北 and 成田東 (SOURCE.md).
    names = {table.keys[a] for a in covered}
    assert any(n.startswith("阿佐谷南") for n in names) and any(n.startswith("高円寺北") for n in names)
    # Denser housing gets more people: the 10 % largest floor areas hold well over 10 % of residents.
    big = out.floor_area >= np.quantile(out.floor_area, 0.9)
    assert out.night[big].sum() > 0.25 * out.night.sum()
