"""Building damage: expected values, Monte Carlo, retrofit, casualties, districts, bad input."""

from __future__ import annotations

import concurrent.futures

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from rasterio.crs import CRS
from rasterio.warp import transform

from suginami_gis.core import casualties as cas
from suginami_gis.core import damage as dm
from suginami_gis.core import fragility as fr
from suginami_gis.core.errors import InputError
from suginami_gis.core.feedback import Canceled, NullFeedback
from suginami_gis.core.rasters import Grid, RasterData

WOOD, NON_WOOD = int(fr.Structure.WOOD), int(fr.Structure.NON_WOOD)


def stock(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    structure = (rng.random(n) < 0.4).astype(np.int8)  # 60 % wooden
    years = rng.integers(1950, 2021, n).astype(float)
    return structure, years


def expected_probabilities(structure, years, intensity):
    cs = fr.load_curve_set(None)
    return cs.probabilities(cs.assign(structure, years), intensity, fr.Measure.INTENSITY)


# ---------------------------------------------------------------- casualties (methods.md section 5)


def test_deaths_test_value():
    # methods.md: 1,000 wooden collapses at 05:00 -> 67.6 deaths.
    assert float(cas.deaths(1000, 0, hour=5)) == pytest.approx(67.6)
    assert float(cas.deaths(0, 1000, hour=5)) == pytest.approx(8.40)
    assert float(cas.deaths(1000, 0, hour=12)) == pytest.approx(67.6 * cas.OCCUPANCY_RATIO[12])


def test_severe_injuries_and_shelter_formulas():
    assert float(cas.severe_injuries(0.1, 5000, hour=5)) == pytest.approx(0.0309 * 0.1 * 5000)
    assert float(cas.shelter_demand(100, 200)) == pytest.approx(100 + 0.503 * 200)
    assert float(cas.shelter_area_m2(1000)) == pytest.approx(3500.0)
    with pytest.raises(InputError):
        cas.deaths(1, 1, hour=9)


def test_expected_deaths_per_building_follow_the_formula():
    n = 1000
    structure = np.full(n, WOOD, dtype=np.int8)
    years = np.full(n, 1950.0)
    res = dm.estimate_damage(structure, years, np.full(n, 7.5), scenario_hour=5, seed=1)
    # Far above the cap old wooden houses collapse with P = 0.9959; deaths = 0.0676 x expected collapses.
    assert res.ward["deaths"] == pytest.approx(0.0676 * res.p_collapse.sum())
    assert res.ward["deaths"] == pytest.approx(67.6 * res.p_collapse.mean(), rel=1e-9)
    np.testing.assert_allclose(res.exp_deaths, 0.0676 * res.p_collapse)
    occ = cas.DEFAULT_OCCUPANTS_PER_BUILDING
    np.testing.assert_allclose(res.exp_injuries, 0.0309 * res.p_collapse * occ)


# ---------------------------------------------------------------- retrofit


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 3000), st.floats(0.0, 1.0), st.floats(0.0, 1.0), st.integers(0, 2**32 - 1))
def test_retrofit_reaches_the_target_share(n, share_now, target, seed):
    meets = np.zeros(n, dtype=bool)
    meets[: round(share_now * n)] = True
    chosen = dm.select_retrofits(meets, target, np.random.default_rng(seed))
    assert not np.any(chosen & meets)
    after = (meets | chosen).mean()
    if target <= meets.mean():
        assert not chosen.any()
    else:
        assert abs(after - target) <= 0.5 / n + 1e-12


def test_retrofit_ward_study_figures_exactly():
    # The ward study: 84.6 % -> 96 % of buildings meeting the 1981 standard.
    n = 10_000
    meets = np.zeros(n, dtype=bool)
    meets[:8460] = True
    chosen = dm.select_retrofits(meets, 0.96, np.random.default_rng(3))
    assert int(chosen.sum()) == 1140
    assert (meets | chosen).mean() == 0.96
    again = dm.select_retrofits(meets, 0.96, np.random.default_rng(3))
    np.testing.assert_array_equal(chosen, again)


def legacy_select_retrofits(meets, target_rate, rng, already=None):
    """select_retrofits before dwelling weights and priorities (the reference for RANDOM)."""
    meets = np.asarray(meets, dtype=bool).copy()
    if already is not None:
        meets |= np.asarray(already, dtype=bool)
    chosen = np.zeros(len(meets), dtype=bool)
    k = round(target_rate * len(meets)) - int(meets.sum())
    if k <= 0:
        return chosen
    candidates = np.flatnonzero(~meets)
    chosen[rng.choice(candidates, size=min(k, len(candidates)), replace=False)] = True
    return chosen


def retrofit_stock(n: int, seed: int):
    """Below-standard and standard buildings, wooden and not, with 0-40 dwellings each."""
    rng = np.random.default_rng(seed)
    years = rng.integers(1940, 2021, n).astype(float)
    structure = (rng.random(n) < 0.4).astype(np.int8)
    # Mostly detached houses (1 dwelling), some blocks and some buildings without a dwelling.
    dwellings = np.where(rng.random(n) < 0.6, 1.0, rng.integers(0, 41, n).astype(float))
    return years, structure, dwellings


PRIORITIES = [dm.RetrofitPriority.OLDEST_WOODEN_FIRST, dm.RetrofitPriority.RANDOM]


@settings(max_examples=80, deadline=None)
@given(
    st.integers(1, 400),
    st.floats(0.0, 1.0),
    st.integers(0, 2**32 - 1),
    st.sampled_from(PRIORITIES),
    st.booleans(),
)
def test_dwelling_weighted_share_reaches_the_target(n, target, seed, priority, with_flags):
    years, structure, dwellings = retrofit_stock(n, seed)
    meets = years >= 1981
    already = (np.random.default_rng(seed + 1).random(n) < 0.1) if with_flags else None
    kwargs = dict(weights=dwellings, priority=priority, year_built=years, structure=structure)
    total = dwellings.sum()
    if total == 0:
        with pytest.raises(InputError):  # a share of no dwellings is undefined
            dm.select_retrofits(meets, target, np.random.default_rng(seed), already, **kwargs)
        return
    chosen = dm.select_retrofits(meets, target, np.random.default_rng(seed), already, **kwargs)
    done = meets | (already if already is not None else False)
    # Buildings at standard (or already retrofitted) are never touched; no one without a dwelling.
    assert not np.any(chosen & done)
    assert not np.any(chosen & (dwellings == 0))
    before = dwellings[done].sum() / total
    after = dwellings[done | chosen].sum() / total
    if target <= before + 1e-12:
        assert not chosen.any()
        return
    if priority == dm.RetrofitPriority.RANDOM and np.all(dwellings == dwellings[0]):
        # Equal weights with random priority keep the original count rule: within half a building.
        assert abs(after - target) <= 0.5 / n + 1e-12
        return
    assert after >= target - 1e-9
    # Smallest set: the share overshoots the target by less than one chosen building's dwellings.
    assert after - target < dwellings[chosen].max() / total + 1e-12


def test_dwelling_weighted_target_ward_figures():
    # 84.6 % of dwellings meet the standard; the old (wooden, detached) houses hold 1 dwelling,
    # the standard stock includes 30-dwelling blocks: the dwelling share, not the building share, hits 96 %.
    n = 2000
    years = np.where(np.arange(n) < 1000, 1960.0, 1995.0)
    dwellings = np.where(years < 1981, 1.0, 0.0)
    dwellings[1000 : 1000 + 183] = 30.0  # 5,490 standard dwellings vs 1,000 old ones: 84.6 %
    structure = np.zeros(n, dtype=np.int8)
    meets = years >= 1981
    assert dwellings[meets].sum() / dwellings.sum() == pytest.approx(0.846, abs=1e-3)
    chosen = dm.select_retrofits(
        meets,
        0.96,
        np.random.default_rng(0),
        weights=dwellings,
        year_built=years,
        structure=structure,
        priority=dm.RetrofitPriority.OLDEST_WOODEN_FIRST,
    )
    after = dwellings[meets | chosen].sum() / dwellings.sum()
    assert 0.96 <= after < 0.96 + 1.0 / dwellings.sum() + 1e-12
    assert int(chosen.sum()) == int(np.ceil(0.96 * dwellings.sum() - 5490))  # 741 houses


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 400), st.floats(0.0, 1.0), st.integers(0, 2**32 - 1), st.booleans())
def test_oldest_wooden_buildings_are_chosen_first(n, target, seed, equal_weights):
    years, structure, dwellings = retrofit_stock(n, seed)
    if equal_weights:
        dwellings = np.ones(n)
    meets = years >= 1981
    chosen = dm.select_retrofits(
        meets,
        target,
        np.random.default_rng(seed),
        weights=dwellings,
        year_built=years,
        structure=structure,
        priority=dm.RetrofitPriority.OLDEST_WOODEN_FIRST,
    )
    candidate = ~meets & (dwellings > 0)
    wood = structure == WOOD
    chosen_wood, unchosen_wood = chosen & wood, candidate & wood & ~chosen
    if chosen_wood.any() and unchosen_wood.any():
        # Every chosen wooden building is no newer than every unchosen below-standard wooden one.
        assert years[chosen_wood].max() <= years[unchosen_wood].min()
    if (chosen & ~wood).any():
        # Non-wooden buildings only once every wooden candidate is chosen, and oldest first too.
        assert not unchosen_wood.any()
        unchosen_non_wood = candidate & ~wood & ~chosen
        if unchosen_non_wood.any():
            assert years[chosen & ~wood].max() <= years[unchosen_non_wood].min()


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 3000), st.floats(0.0, 1.0), st.floats(0.0, 1.0), st.integers(0, 2**32 - 1), st.booleans())
def test_random_priority_is_the_old_draw(n, share_now, target, seed, uniform_weights):
    meets = np.zeros(n, dtype=bool)
    meets[: round(share_now * n)] = True
    already = np.random.default_rng(seed).random(n) < 0.05
    weights = np.full(n, cas.DEFAULT_OCCUPANTS_PER_BUILDING) if uniform_weights else None
    new = dm.select_retrofits(
        meets, target, np.random.default_rng(seed), already, weights=weights, priority=dm.RetrofitPriority.RANDOM
    )
    old = legacy_select_retrofits(meets, target, np.random.default_rng(seed), already)
    np.testing.assert_array_equal(new, old)


def test_random_priority_in_estimate_matches_the_old_draw():
    structure, years = stock(3000, seed=4)
    res = dm.estimate_damage(
        structure,
        years,
        np.full(3000, 6.3),
        seed=17,
        retrofit_target_rate=0.95,
        retrofit_priority=dm.RetrofitPriority.RANDOM,
    )
    seq_retrofit, _ = np.random.SeedSequence(17).spawn(2)
    old = legacy_select_retrofits(years >= 1981, 0.95, np.random.default_rng(seq_retrofit))
    np.testing.assert_array_equal(res.retrofitted, old)


@pytest.mark.parametrize("priority", PRIORITIES)
def test_same_seed_same_retrofits(priority):
    n = 3000
    rng = np.random.default_rng(5)
    years = rng.choice([1950.0, 1960.0, 1970.0, 1990.0], n)  # many ties: the seed breaks them
    structure = (rng.random(n) < 0.3).astype(np.int8)
    dwellings = rng.integers(1, 5, n).astype(float)
    kwargs = dict(weights=dwellings, priority=priority, year_built=years, structure=structure)
    a = dm.select_retrofits(years >= 1981, 0.7, np.random.default_rng(11), **kwargs)
    b = dm.select_retrofits(years >= 1981, 0.7, np.random.default_rng(11), **kwargs)
    c = dm.select_retrofits(years >= 1981, 0.7, np.random.default_rng(12), **kwargs)
    np.testing.assert_array_equal(a, b)
    assert a.any() and not np.array_equal(a, c)
    res1, res2 = (
        dm.estimate_damage(
            structure,
            years,
            np.full(n, 6.3),
            seed=3,
            retrofit_target_rate=0.7,
            dwellings=dwellings,
            retrofit_priority=priority,
        )
        for _ in range(2)
    )
    np.testing.assert_array_equal(res1.retrofitted, res2.retrofitted)
    assert res1.ward["collapsed"] == res2.ward["collapsed"]
    assert res1.ward["share_seismic_standard_after"] == res2.ward["share_seismic_standard_after"]


def test_estimate_reports_dwelling_weighted_shares():
    structure, years = stock(2000, seed=9)
    dwellings = np.where(years >= 1981, 3.0, 1.0)
    res = dm.estimate_damage(
        structure, years, np.full(2000, 6.3), seed=1, retrofit_target_rate=0.96, dwellings=dwellings
    )
    meets = years >= 1981
    assert res.ward["share_seismic_standard_before"] == pytest.approx(dwellings[meets].sum() / dwellings.sum())
    after = res.ward["share_seismic_standard_after"]
    assert 0.96 <= after < 0.96 + 1.0 / dwellings.sum() + 1e-12
    assert not np.any(res.retrofitted & meets)
    # Default priority: oldest wooden first.
    wood_left = ~meets & ~res.retrofitted & (structure == WOOD)
    if wood_left.any():
        assert years[res.retrofitted & (structure == WOOD)].max() <= years[wood_left].min()
    note = next(note for note in res.notes if note.startswith("retrofit:"))
    assert f"{int(res.retrofitted.sum())} buildings chosen (oldest wooden first)" in note
    assert "weighted by dwellings" in note and f"{after:.1%}" in note
    # Without dwellings, occupants weight the share (proportional to dwellings).
    occ = dwellings * 2.3
    by_occ = dm.estimate_damage(structure, years, np.full(2000, 6.3), seed=1, retrofit_target_rate=0.96, occupants=occ)
    np.testing.assert_array_equal(by_occ.retrofitted, res.retrofitted)


@pytest.mark.parametrize("bad", [-1.0, np.nan])
def test_bad_dwellings_name_the_parameter(bad):
    structure, years = stock(10)
    dwellings = np.ones(10)
    dwellings[3] = bad
    with pytest.raises(InputError) as err:
        dm.estimate_damage(structure, years, np.full(10, 6.0), seed=0, retrofit_target_rate=0.9, dwellings=dwellings)
    assert err.value.parameter == "DWELLINGS_FIELD"


def test_retrofit_in_estimate_uses_newest_curve_and_lowers_damage():
    structure, years = stock(4000)
    gm = np.full(len(years), 6.3)
    base = dm.estimate_damage(structure, years, gm, seed=5)
    retro = dm.estimate_damage(structure, years, gm, seed=5, retrofit_target_rate=0.96)
    assert retro.ward["share_seismic_standard_after"] == pytest.approx(0.96, abs=0.5 / len(years))
    assert retro.retrofitted.sum() == retro.ward["retrofitted"] > 0
    assert not np.any(retro.retrofitted & (years >= 1981))
    assert retro.ward["collapsed"] < base.ward["collapsed"]
    # A retrofitted building takes the newest-era curve of its structure.
    newest = np.where(structure == WOOD, 2020.0, 2020.0)
    p_new, _ = expected_probabilities(structure, newest, gm)
    np.testing.assert_allclose(retro.p_collapse[retro.retrofitted], p_new[retro.retrofitted])
    np.testing.assert_allclose(retro.p_collapse[~retro.retrofitted], base.p_collapse[~retro.retrofitted])


def test_retrofit_field_names_buildings():
    structure, years = stock(50)
    flags = years < 1970
    res = dm.estimate_damage(structure, years, np.full(50, 6.4), retrofit_flags=flags, seed=0)
    np.testing.assert_array_equal(res.retrofitted, flags)
    p_new, _ = expected_probabilities(structure, np.full(50, 2020.0), np.full(50, 6.4))
    np.testing.assert_allclose(res.p_collapse[flags], p_new[flags])


def test_retrofit_target_counts_named_buildings_first():
    n = 1000
    structure = np.zeros(n, dtype=np.int8)
    years = np.where(np.arange(n) < 200, 1960.0, 1995.0)  # 80 % meet the standard
    flags = np.arange(n) < 50
    res = dm.estimate_damage(structure, years, np.full(n, 6.0), retrofit_flags=flags, retrofit_target_rate=0.9, seed=2)
    assert res.retrofitted.sum() == 100  # 50 named + 50 chosen
    assert res.ward["share_seismic_standard_after"] == pytest.approx(0.9)


# ---------------------------------------------------------------- expected values and Monte Carlo


def test_expected_mode_is_exact_over_bands_and_districts():
    structure, years = stock(600, seed=1)
    rng = np.random.default_rng(2)
    gm = np.vstack([rng.uniform(5.5, 6.5, 600), rng.uniform(6.0, 7.0, 600)])
    district = rng.integers(-1, 3, 600)
    occ = rng.uniform(1, 8, 600)
    res = dm.estimate_damage(
        structure, years, gm, district_index=district, district_names=["a", "b", "c"], occupants=occ, seed=4
    )
    p_c, p_h = expected_probabilities(structure, years, gm)
    np.testing.assert_allclose(res.p_collapse, p_c.mean(axis=0))
    np.testing.assert_allclose(res.p_half, p_h.mean(axis=0))
    for d in range(3):
        sel = district == d
        assert res.districts.buildings[d] == sel.sum()
        assert res.districts.mean["collapsed"][d] == pytest.approx(res.p_collapse[sel].sum())
        assert res.districts.mean["half_collapsed"][d] == pytest.approx((res.p_half - res.p_collapse)[sel].sum())
        shelter = (res.p_collapse * occ + 0.503 * (res.p_half - res.p_collapse) * occ)[sel].sum()
        assert res.districts.mean["shelter_need"][d] == pytest.approx(shelter)
        assert np.isnan(res.districts.p5["collapsed"][d])
    assert res.ward["collapsed"] == pytest.approx(res.p_collapse.sum())
    assert res.ward["deaths"] == pytest.approx(np.nansum(res.exp_deaths))
    assert res.ward["severe_injuries"] == pytest.approx(np.nansum(res.exp_injuries))


def test_monte_carlo_agrees_with_expected_values():
    structure, years = stock(3000, seed=7)
    gm = np.random.default_rng(8).uniform(5.6, 6.6, 3000)
    ev = dm.estimate_damage(structure, years, gm, seed=9)
    r = 400
    mc = dm.estimate_damage(structure, years, gm, seed=9, realizations=r)
    p = ev.p_collapse
    sd = np.sqrt(np.sum(p * (1 - p)))  # the collapsed count is a sum of independent Bernoullis
    assert abs(mc.ward["collapsed"] - ev.ward["collapsed"]) < 4 * sd / np.sqrt(r)
    q = ev.p_half - ev.p_collapse
    sd_h = np.sqrt(np.sum(q * (1 - q)))
    assert abs(mc.ward["half_collapsed"] - ev.ward["half_collapsed"]) < 4 * sd_h / np.sqrt(r)
    # Percentiles: close to the normal approximation's +-1.645 sd.
    assert mc.ward["collapsed_p5"] == pytest.approx(ev.ward["collapsed"] - 1.645 * sd, abs=0.3 * sd + 1)
    assert mc.ward["collapsed_p95"] == pytest.approx(ev.ward["collapsed"] + 1.645 * sd, abs=0.3 * sd + 1)
    np.testing.assert_array_equal(mc.p_collapse, ev.p_collapse)


def test_monte_carlo_combines_ground_motion_bands():
    n = 2000
    structure = np.full(n, WOOD, dtype=np.int8)
    years = np.full(n, 1950.0)
    gm = np.vstack([np.full(n, 5.0), np.full(n, 7.0)])  # a weak and a strong realization
    mc = dm.estimate_damage(structure, years, gm, realizations=100, seed=1)
    ev = dm.estimate_damage(structure, years, gm, seed=1)
    old_wood = fr.load_curve_set(None).classes[0].collapse
    weak, strong = float(old_wood.probability(5.0)) * n, float(old_wood.probability(7.0)) * n
    assert mc.ward["collapsed"] == pytest.approx(ev.ward["collapsed"], rel=0.01)
    assert mc.ward["collapsed_p5"] < weak + 10 and mc.ward["collapsed_p95"] > strong - 10


class MapOnly:
    """An executor with only ``map`` (like multiprocessing pools)."""

    def map(self, fn, tasks):
        return map(fn, list(tasks))


def test_results_do_not_depend_on_the_executor():
    structure, years = stock(1500, seed=11)
    gm = np.random.default_rng(12).uniform(5.5, 6.8, (2, 1500))
    district = np.random.default_rng(13).integers(0, 4, 1500)
    kwargs = dict(
        district_index=district, district_names=list("abcd"), realizations=130, seed=21, chunk_realizations=20
    )
    serial = dm.estimate_damage(structure, years, gm, **kwargs)
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        threaded = dm.estimate_damage(structure, years, gm, executor=pool, **kwargs)
    mapped = dm.estimate_damage(structure, years, gm, executor=MapOnly(), **kwargs)
    for other in (threaded, mapped):
        assert other.ward == serial.ward
        for q in dm.QUANTITIES:
            np.testing.assert_array_equal(other.districts.p95[q], serial.districts.p95[q])
    different = dm.estimate_damage(structure, years, gm, **{**kwargs, "seed": 22})
    assert different.ward["collapsed"] != serial.ward["collapsed"]


@pytest.mark.parametrize("block_values", [1, 1499, 1501, 7 * 1500])
def test_drawing_a_chunk_block_by_block_gives_the_same_totals(monkeypatch, block_values):
    """damage.BLOCK_VALUES bounds a chunk's arrays (1.9 million buildings); the blocks draw the same numbers
    from the chunk's stream, so every total is that of the chunk in one block."""
    structure, years = stock(1500, seed=14)
    gm = np.random.default_rng(15).uniform(5.5, 6.8, (3, 1500))
    district = np.random.default_rng(16).integers(0, 4, 1500)
    kwargs = dict(district_index=district, district_names=list("abcd"), realizations=47, seed=23, chunk_realizations=20)
    whole = dm.estimate_damage(structure, years, gm, **kwargs)
    monkeypatch.setattr(dm, "BLOCK_VALUES", block_values)
    blocks = dm.estimate_damage(structure, years, gm, **kwargs)
    assert blocks.ward == whole.ward
    for q in dm.QUANTITIES:
        np.testing.assert_array_equal(blocks.districts.p5[q], whole.districts.p5[q])
        np.testing.assert_array_equal(blocks.districts.p95[q], whole.districts.p95[q])
        np.testing.assert_array_equal(blocks.districts.mean[q], whole.districts.mean[q])
    assert whole.ward["collapsed"] > 0


def test_skipped_buildings_are_counted_not_zeroed():
    structure, years = stock(100)
    gm = np.full(100, 6.2)
    gm[:7] = np.nan
    res = dm.estimate_damage(structure, years, gm, seed=0)
    assert res.ward["buildings_skipped"] == 7 and res.ward["buildings_estimated"] == 93
    assert np.all(np.isnan(res.p_collapse[:7])) and np.all(np.isnan(res.exp_deaths[:7]))
    assert np.all(np.isfinite(res.p_collapse[7:]))
    assert any("7 of 100 buildings" in note for note in res.notes)
    assert res.ward["collapsed"] == pytest.approx(res.p_collapse[7:].sum())


def test_pgv_raster_gives_the_same_result_as_intensity():
    structure, years = stock(300)
    intensity = np.random.default_rng(1).uniform(5, 7, 300)
    a = dm.estimate_damage(structure, years, intensity, seed=0)
    b = dm.estimate_damage(structure, years, fr.pgv_from_intensity(intensity), fr.Measure.PGV, seed=0)
    np.testing.assert_allclose(a.p_collapse, b.p_collapse)
    np.testing.assert_allclose(a.pgv, b.pgv)
    np.testing.assert_allclose(b.intensity, intensity)


class CancelAfter(NullFeedback):
    def __init__(self, calls: int) -> None:
        self.calls = calls
        self.progress: list[float] = []

    def set_progress(self, percent: float) -> None:
        self.progress.append(percent)

    def is_canceled(self) -> bool:
        self.calls -= 1
        return self.calls < 0


def test_progress_and_cancel():
    structure, years = stock(500)
    fb = CancelAfter(1000)
    dm.estimate_damage(structure, years, np.full(500, 6.0), realizations=100, chunk_realizations=10, feedback=fb)
    assert fb.progress == sorted(fb.progress) and fb.progress[-1] == pytest.approx(100.0)
    with pytest.raises(Canceled):
        dm.estimate_damage(
            structure, years, np.full(500, 6.0), realizations=100, chunk_realizations=10, feedback=CancelAfter(3)
        )


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "kwargs, parameter",
    [
        (dict(ground_motion=np.full(10, 60.0)), "GROUND_MOTION_MEASURE"),  # PGV passed as intensity
        (dict(ground_motion=np.full(10, -5.0), measure=fr.Measure.PGV), "GROUND_MOTION_MEASURE"),
        (dict(ground_motion=np.full(9, 6.0)), "BUILDINGS"),
        (dict(ground_motion=np.full(10, np.nan)), "GROUND_MOTION"),
        (dict(realizations=-1), "REALIZATIONS"),
        (dict(scenario_hour=9), "SCENARIO_HOUR"),
        (dict(retrofit_target_rate=1.5), "RETROFIT_TARGET_RATE"),
        (dict(occupants=np.full(10, -1.0)), "OCCUPANTS_FIELD"),
        (dict(district_index=np.full(10, 3), district_names=["a"]), "DISTRICTS"),
    ],
)
def test_bad_input_raises_named_errors(kwargs, parameter):
    structure, years = stock(10)
    args = dict(ground_motion=np.full(10, 6.0), seed=0)
    args.update(kwargs)
    with pytest.raises(InputError) as err:
        dm.estimate_damage(structure, years, **args)
    assert err.value.parameter == parameter


# ---------------------------------------------------------------- geometry helpers


def test_assign_districts_matches_shapely_containment():
    rng = np.random.default_rng(0)
    polys = [shapely.box(0, 0, 50, 100), shapely.box(50, 0, 100, 100), shapely.Point(150, 50).buffer(20)]
    x = rng.uniform(-10, 180, 500)
    y = rng.uniform(-10, 110, 500)
    x[:3], y[:3] = [50.0, np.nan, 150.0], [50.0, 5.0, 50.0]  # shared edge, no location, circle centre
    got = dm.assign_districts(x, y, polys)
    for i in range(len(x)):
        if not np.isfinite(x[i]):
            assert got[i] == -1
            continue
        hits = [k for k, p in enumerate(polys) if p.intersects(shapely.Point(x[i], y[i]))]
        assert got[i] == (hits[0] if hits else -1)
    assert got[0] == 0 and got[2] == 2


def test_sample_ground_motion_same_and_other_crs():
    wkt = CRS.from_epsg(6677).to_wkt()
    grid = Grid(-18000.0, -32000.0, 250.0, 8, 6, wkt)
    data = np.arange(2 * 6 * 8, dtype=float).reshape(2, 6, 8)
    data[0, 0, 0] = np.nan
    raster = RasterData(data, grid, ("a", "b"))
    x = np.array([-17990.0, -17000.0 + 10, -10000.0])
    y = np.array([-32010.0, -33010.0, -32010.0])
    got = dm.sample_ground_motion(raster, x, y, wkt)
    assert np.isnan(got[0, 0]) and got[1, 0] == 48.0
    assert got[0, 1] == data[0, 4, 4]
    assert np.all(np.isnan(got[:, 2]))  # outside the raster
    lon, lat = transform(CRS.from_epsg(6677), CRS.from_epsg(4326), x[:2], y[:2])
    assert 139 < lon[0] < 140 and 35 < lat[0] < 36  # Suginami
    again = dm.sample_ground_motion(raster, np.array(lon), np.array(lat), CRS.from_epsg(4326).to_wkt())
    np.testing.assert_array_equal(again[:, 1], got[:, 1])
    assert again[1, 0] == 48.0


def test_all_inside_and_all_valid_shortcuts_give_the_general_results():
    """sample_ground_motion / estimate_damage skip their NaN-filled copies when every point is inside and
    every building valid; the values equal those of the general path (one point outside / one building without
    ground motion added, then dropped)."""
    wkt = CRS.from_epsg(6677).to_wkt()
    grid = Grid(-18000.0, -32000.0, 250.0, 8, 6, wkt)
    data = np.random.default_rng(3).uniform(4.5, 6.8, size=(5, 6, 8))
    raster = RasterData(data, grid, tuple("abcde"))
    x = np.linspace(-17990.0, -16100.0, 40)
    y = np.linspace(-32010.0, -33490.0, 40)
    inside = dm.sample_ground_motion(raster, x, y, wkt)
    general = dm.sample_ground_motion(raster, np.r_[x, -10000.0], np.r_[y, -32010.0], wkt)
    assert np.all(np.isnan(general[:, -1]))
    np.testing.assert_array_equal(inside, general[:, :-1])
    structure, years = stock(40, seed=5)
    kwargs = {"seed": 9, "realizations": 50}
    alone = dm.estimate_damage(structure, years, inside, **kwargs)
    with_gap = dm.estimate_damage(
        np.r_[structure, structure[:1]], np.r_[years, years[:1]], np.c_[inside, np.full((5, 1), np.nan)], **kwargs
    )
    np.testing.assert_array_equal(alone.p_collapse, with_gap.p_collapse[:-1])
    np.testing.assert_array_equal(alone.p_half, with_gap.p_half[:-1])
    assert np.isnan(with_gap.p_collapse[-1])


def test_median_scenario_results_beside_the_monte_carlo():
    """The *_median results are exact expected values under the median ground motion alone; the
    Monte Carlo mean is over the realization bands (issue 12: both named, side by side)."""
    structure, years = stock(3000, seed=4)
    rng = np.random.default_rng(2)
    median = rng.uniform(5.8, 6.6, 3000)
    bands = median + rng.normal(0.0, 0.3, size=(20, 3000))
    res = dm.estimate_damage(structure, years, bands, seed=1, realizations=200, median_motion=median)
    pc, ph = expected_probabilities(structure, years, median)
    assert res.ward["collapsed_median"] == pytest.approx(pc.sum(), rel=1e-9)
    assert res.ward["half_collapsed_median"] == pytest.approx((ph - pc).sum(), rel=1e-9)
    np.testing.assert_allclose(res.p_collapse_median, pc)
    np.testing.assert_allclose(res.intensity_median, median)
    # the mean is over the realization bands, not the median
    band_mean = np.mean([expected_probabilities(structure, years, b)[0].sum() for b in bands])
    assert res.ward["collapsed"] == pytest.approx(band_mean, rel=0.05)
    assert res.ward["collapsed"] != pytest.approx(res.ward["collapsed_median"], rel=0.01)
    # without a median the first band is the scenario; with one band it is the expected value itself
    one = dm.estimate_damage(structure, years, median, seed=1, realizations=0)
    assert one.ward["collapsed_median"] == pytest.approx(one.ward["collapsed"], rel=1e-12)
    assert one.districts.median == {} or all(len(v) == 0 for v in one.districts.median.values())
