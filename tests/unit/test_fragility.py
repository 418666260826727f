"""Fragility maths, the built-in Japanese curve set, YAML and OpenQuake NRML loading."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from suginami_gis.core import fragility as fr
from suginami_gis.core.errors import InputError
from suginami_gis.core.groundmotion import IntensityModel, jma_intensity

DATA = Path(__file__).resolve().parents[1] / "data"
WOOD, NON_WOOD = int(fr.Structure.WOOD), int(fr.Structure.NON_WOOD)


@pytest.fixture(scope="module")
def builtin() -> fr.CurveSet:
    return fr.load_curve_set(None)


def collapse_at(cs: fr.CurveSet, structure: int, year: float, intensity: float) -> float:
    k = cs.assign(np.array([structure]), np.array([year]))
    p_c, _ = cs.probabilities(k, np.array([intensity]), fr.Measure.INTENSITY)
    return float(p_c[0])


# ---------------------------------------------------------------- maths


def test_lognormal_test_value_methods_md():
    # methods.md section 2: lambda = ln 100, zeta = 0.5 (PGV) -> P(PGV = 80) = 0.32769.
    curve = fr.FragilityCurve(fr.Measure.PGV, "lognormal", lam=math.log(100.0), zeta=0.5)
    assert float(curve.probability(80.0)) == pytest.approx(0.32769, abs=5e-6)


def test_mean_stddev_conversion_matches_scipy_lognormal():
    lam, zeta = fr.lognormal_from_mean_stddev(113.314845, 60.390053)
    assert lam == pytest.approx(math.log(100.0), abs=1e-6)
    assert zeta == pytest.approx(0.5, abs=1e-6)
    # Peer check: the arithmetic mean and stddev of scipy's lognormal with these parameters.
    dist = stats.lognorm(s=zeta, scale=math.exp(lam))
    assert dist.mean() == pytest.approx(113.314845, rel=1e-7)
    assert dist.std() == pytest.approx(60.390053, rel=1e-7)


@settings(max_examples=60, deadline=None)
@given(st.floats(0.01, 500.0), st.floats(0.05, 3.0))
def test_mean_stddev_round_trip(median, zeta):
    mean, stddev = fr.mean_stddev_from_lognormal(math.log(median), zeta)
    lam2, zeta2 = fr.lognormal_from_mean_stddev(mean, stddev)
    assert lam2 == pytest.approx(math.log(median), abs=1e-9)
    assert zeta2 == pytest.approx(zeta, rel=1e-9)


@pytest.mark.parametrize("mean, stddev", [(0.0, 1.0), (1.0, 0.0), (-1.0, 1.0), (float("nan"), 1.0)])
def test_mean_stddev_conversion_rejects_bad_values(mean, stddev):
    with pytest.raises(InputError):
        fr.lognormal_from_mean_stddev(mean, stddev)


def test_pgv_intensity_conversion_methods_md_values():
    # methods.md section 1, Midorikawa et al. (1999): PGV 22.33 -> 5.0, 85.16 -> 6.0.
    assert fr.intensity_from_pgv(22.33) == pytest.approx(5.0, abs=1e-3)
    assert fr.intensity_from_pgv(85.16) == pytest.approx(6.0, abs=1e-3)
    pgv = np.array([3.0, 22.33, 85.16, 300.0])
    np.testing.assert_allclose(fr.intensity_from_pgv(pgv), jma_intensity(pgv, IntensityModel.MIDORIKAWA_1999))
    np.testing.assert_allclose(fr.pgv_from_intensity(fr.intensity_from_pgv(pgv)), pgv)


# ---------------------------------------------------------------- built-in set


ANCHORS = [  # methods.md section 2, Cabinet Office 2005 capital-area estimate at I = 6.4 (A1)
    (WOOD, 1950, 0.71),
    (WOOD, 1970, 0.50),
    (WOOD, 1975, 0.50),
    (NON_WOOD, 1960, 0.15),
    (NON_WOOD, 1975, 0.11),
    (NON_WOOD, 1990, 0.03),
]


@pytest.mark.parametrize("structure, year, anchor", ANCHORS)
def test_builtin_reproduces_published_anchor(builtin, structure, year, anchor):
    assert collapse_at(builtin, structure, year, 6.4) == pytest.approx(anchor, abs=1e-3)


# 2016 Kumamoto earthquake, central Mashiki, AIJ survey (K1 in the YAML): wooden collapse (倒壊・崩壊)
# 8.7 % for June 1981 - May 2000 and 2.2 % from June 2000, at the main shock's instrumental
# intensity 6.7 at the Mashiki station (K2). Years only: 1981-2000 and 2001 on.
KUMAMOTO_ANCHORS = [
    (1981, 0.087),
    (1985, 0.087),
    (1995, 0.087),
    (2000, 0.087),
    (2001, 0.022),
    (2010, 0.022),
    (2024, 0.022),
]


@pytest.mark.parametrize("year, anchor", KUMAMOTO_ANCHORS)
def test_builtin_reproduces_kumamoto_anchor(builtin, year, anchor):
    assert collapse_at(builtin, WOOD, year, 6.7) == pytest.approx(anchor, abs=1e-3)


def test_new_wooden_eras_are_far_below_the_2005_new_era_anchor(builtin):
    # The Cabinet Office 2005 new-era anchor (11 % at 6.4) is replaced by Kumamoto for wood only.
    assert collapse_at(builtin, WOOD, 1995, 6.4) < 0.01
    assert collapse_at(builtin, WOOD, 2010, 6.4) < 0.002
    assert collapse_at(builtin, NON_WOOD, 1995, 6.4) == pytest.approx(0.03, abs=1e-3)


def test_builtin_dispersion_matches_second_anchor(builtin):
    # Cabinet Office 2003 (A2 in the YAML): old wooden about 20 % at I = 6.0 and 100 % at 7.0.
    assert collapse_at(builtin, WOOD, 1950, 6.0) == pytest.approx(0.20, abs=2e-3)
    assert collapse_at(builtin, WOOD, 1950, 7.0) > 0.99


@pytest.mark.parametrize(
    "structure, before, after",
    [(WOOD, 1962, 1963), (WOOD, 1980, 1981), (WOOD, 2000, 2001), (NON_WOOD, 1971, 1972), (NON_WOOD, 1980, 1981)],
)
def test_era_boundaries(builtin, structure, before, after):
    k = builtin.assign(np.array([structure, structure]), np.array([before, after]))
    assert k[0] != k[1]
    assert collapse_at(builtin, structure, before, 6.4) >= collapse_at(builtin, structure, after, 6.4)


def test_era_boundaries_change_the_curve_where_the_anchors_differ(builtin):
    assert collapse_at(builtin, WOOD, 1962, 6.4) > collapse_at(builtin, WOOD, 1963, 6.4) + 0.1
    assert collapse_at(builtin, WOOD, 1980, 6.4) > collapse_at(builtin, WOOD, 1981, 6.4) + 0.3
    assert collapse_at(builtin, NON_WOOD, 1980, 6.4) > collapse_at(builtin, NON_WOOD, 1981, 6.4) + 0.05
    # The 2000 revision: 8.7 % -> 2.2 % at 6.7; 1981-90 and 1991-2000 share one curve.
    assert collapse_at(builtin, WOOD, 2000, 6.7) > collapse_at(builtin, WOOD, 2001, 6.7) + 0.06
    for intensity in (6.0, 6.4, 6.7, 7.0):
        assert collapse_at(builtin, WOOD, 1990, intensity) == collapse_at(builtin, WOOD, 1991, intensity)


def test_builtin_classes_follow_methods_md_eras(builtin):
    wood = [(c.first_year, c.last_year) for c in builtin.classes if c.structure == fr.Structure.WOOD]
    non_wood = [(c.first_year, c.last_year) for c in builtin.classes if c.structure == fr.Structure.NON_WOOD]
    assert wood == [(None, 1962), (1963, 1971), (1972, 1980), (1981, 1990), (1991, 2000), (2001, None)]
    assert non_wood == [(None, 1971), (1972, 1980), (1981, None)]


def test_cap_holds_curves_constant_above_7(builtin):
    structure = np.array([s for s, _, _ in ANCHORS])
    years = np.array([y for _, y, _ in ANCHORS], dtype=float)
    k = builtin.assign(structure, years)
    gm = np.array([[6.9] * len(k), [7.0] * len(k), [7.4] * len(k), [9.0] * len(k)])
    p_c, p_h = builtin.probabilities(k, gm, fr.Measure.INTENSITY)
    np.testing.assert_array_equal(p_c[1], p_c[2])
    np.testing.assert_array_equal(p_c[1], p_c[3])
    np.testing.assert_array_equal(p_h[1], p_h[3])
    assert np.all(p_c[0] < p_c[1])


@settings(max_examples=80, deadline=None)
@given(st.floats(3.0, 7.5), st.integers(1850, 2024))
def test_builtin_properties(intensity, year):
    cs = fr.load_curve_set(None)
    k = cs.assign(np.array([WOOD, NON_WOOD]), np.array([year, year], dtype=float))
    p_c, p_h = cs.probabilities(k, np.array([intensity, intensity]), fr.Measure.INTENSITY)
    assert np.all((p_c >= 0) & (p_c <= 1) & (p_h >= p_c) & (p_h <= 1))
    # A newer building is never more fragile than an older one of the same structure.
    k_new = cs.assign(np.array([WOOD, NON_WOOD]), np.array([2020.0, 2020.0]))
    p_new, _ = cs.probabilities(k_new, np.array([intensity, intensity]), fr.Measure.INTENSITY)
    assert np.all(p_new <= p_c + 1e-12)


def test_pgv_ground_motion_is_converted_for_intensity_curves(builtin):
    k = builtin.assign(np.array([WOOD]), np.array([1950.0]))
    p_i, _ = builtin.probabilities(k, np.array([6.4]), fr.Measure.INTENSITY)
    p_v, _ = builtin.probabilities(k, fr.pgv_from_intensity(np.array([6.4])), fr.Measure.PGV)
    assert float(p_v[0]) == pytest.approx(float(p_i[0]), abs=1e-12)


def test_retrofit_class_is_newest_era(builtin):
    old_wood = builtin.assign(np.array([WOOD]), np.array([1950.0]))[0]
    old_rc = builtin.assign(np.array([NON_WOOD]), np.array([1960.0]))[0]
    assert builtin.classes[builtin.retrofit_class(int(old_wood))].id == "wood_2001"
    assert builtin.classes[builtin.retrofit_class(int(old_rc))].id == "non_wood_1981"


# ---------------------------------------------------------------- structure and year fields


def test_parse_structure_accepts_documented_spellings():
    codes = fr.parse_structure(["wood", "non_wood", "木造", "非木造", "非木", "Wood ", "RC", "S"])
    assert codes.tolist() == [WOOD, NON_WOOD, WOOD, NON_WOOD, NON_WOOD, WOOD, NON_WOOD, NON_WOOD]


@pytest.mark.parametrize("bad", [["wood", "brick?"], ["wood", None], ["", "wood"], [1, 0]])
def test_parse_structure_rejects_unknown_values(bad):
    with pytest.raises(InputError) as err:
        fr.parse_structure(bad)
    assert err.value.parameter == "STRUCTURE_FIELD"
    assert "unknown structure" in str(err.value)


def test_parse_years():
    np.testing.assert_array_equal(fr.parse_years([1850, "1981", 2020.0], current_year=2025), [1850, 1981, 2020])
    for bad in ([1849], [2031], [None], ["about 1970"], [float("nan")]):
        with pytest.raises(InputError) as err:
            fr.parse_years(bad, current_year=2025)
        assert err.value.parameter == "YEAR_FIELD"


def test_assign_reports_uncovered_buildings(tmp_path):
    path = tmp_path / "gap.yaml"
    path.write_text(
        "format: suginami-fragility\nmeasure: intensity\nclasses:\n"
        "  - {id: w, structure: wood, first_year: 1981, collapse: {lambda: 6.7, zeta: 0.3}, half: {lambda: 6.2, zeta: 0.3}}\n",
        encoding="utf-8",
    )
    cs = fr.load_curve_set(path)
    with pytest.raises(InputError, match="match no curve"):
        cs.assign(np.array([WOOD]), np.array([1950.0]))
    with pytest.raises(InputError, match="match no curve"):
        cs.assign(np.array([NON_WOOD]), np.array([1990.0]))


# ---------------------------------------------------------------- OpenQuake NRML


def test_nrml_continuous_logncdf():
    cs = fr.load_curve_set(DATA / "nrml_fragility_continuous.xml")
    assert cs.uses_taxonomy
    assert "collapse = complete, half-collapse = extensive" in cs.limit_state_note
    k = cs.assign(None, None, ["wood", "wood", "wood"])
    p_c, p_h = cs.probabilities(k, np.array([80.0, 4.0, 60.0]), fr.Measure.PGV)
    assert p_c[0] == pytest.approx(0.32769, abs=5e-5)  # methods.md test value
    assert p_c[1] == 0.0 and p_h[1] == 0.0  # below noDamageLimit = 5 cm/s
    assert p_h[2] == pytest.approx(0.5, abs=1e-5)  # extensive: median 60 cm/s
    # Intensity rasters are converted to PGV with Midorikawa et al. (1999).
    p_ci, _ = cs.probabilities(k[:1], fr.intensity_from_pgv(np.array([80.0])), fr.Measure.INTENSITY)
    assert p_ci[0] == pytest.approx(p_c[0], abs=1e-9)
    assert cs.classes[cs.retrofit_class(int(k[0]))].id == "wood_retrofitted"


def test_nrml_discrete_interpolation_and_limits():
    cs = fr.load_curve_set(DATA / "nrml_fragility_discrete.xml")
    assert "collapse = collapse, half-collapse = half_collapse" in cs.limit_state_note
    k = cs.assign(None, None, ["RC_low"] * 5 + ["W_old"])
    gm = np.array([6.25, 7.3, 4.0, 4.8, 5.0, 5.5])
    p_c, p_h = cs.probabilities(k, gm, fr.Measure.INTENSITY)
    np.testing.assert_allclose(p_c, [0.175, 0.40, 0.0, 0.0, 0.0, 0.175])
    np.testing.assert_allclose(p_h, [0.425, 0.75, 0.0, 0.02, 0.02, 0.40])
    with pytest.raises(InputError) as err:
        cs.assign(None, None, ["RC_low", "SRC_high"])
    assert err.value.parameter == "TAXONOMY_FIELD" and "SRC_high" in str(err.value)
    with pytest.raises(InputError) as err:
        cs.retrofit_class(int(k[0]))
    assert "RC_low_retrofitted" in str(err.value)


def test_nrml_explicit_limit_state_mapping():
    cs = fr.load_curve_set(DATA / "nrml_fragility_continuous.xml", {"collapse": "extensive", "half": "moderate"})
    k = cs.assign(None, None, ["wood"])
    p_c, _ = cs.probabilities(k, np.array([60.0]), fr.Measure.PGV)
    assert p_c[0] == pytest.approx(0.5, abs=1e-5)
    with pytest.raises(InputError):
        fr.load_curve_set(DATA / "nrml_fragility_continuous.xml", {"collapse": "total"})


NRML_HEAD = '<?xml version="1.0"?><nrml xmlns="http://openquake.org/xmlns/nrml/0.5"><fragilityModel id="m">'


@pytest.mark.parametrize(
    "text, message",
    [
        ("this is not xml <", "cannot parse"),
        ('<?xml version="1.0"?><nrml/>', "no <fragilityModel>"),
        (NRML_HEAD + "<limitStates>a b</limitStates></fragilityModel></nrml>", "no <fragilityFunction>"),
        (
            NRML_HEAD + '<limitStates>a b</limitStates><fragilityFunction id="x" format="continuous">'
            '<imls imt="SA(0.3)"/><params ls="a" mean="1" stddev="1"/><params ls="b" mean="2" stddev="1"/>'
            "</fragilityFunction></fragilityModel></nrml>",
            "not supported",
        ),
        (
            NRML_HEAD + '<limitStates>a b</limitStates><fragilityFunction id="x" format="continuous">'
            '<imls imt="PGV"/><params ls="a" mean="1" stddev="1"/></fragilityFunction></fragilityModel></nrml>',
            "no curve for limit states",
        ),
        (
            NRML_HEAD + '<limitStates>a</limitStates><fragilityFunction id="x" format="discrete">'
            '<imls imt="PGV">1 2 3</imls><poes ls="a">0.5 0.2 0.9</poes></fragilityFunction></fragilityModel></nrml>',
            "never decrease",
        ),
        (
            NRML_HEAD + '<limitStates>a</limitStates><fragilityFunction id="x" format="continuous">'
            '<imls imt="PGV"/><params ls="a" mean="-3" stddev="1"/></fragilityFunction></fragilityModel></nrml>',
            "positive mean",
        ),
        (
            '<?xml version="1.0"?><nrml xmlns="http://openquake.org/xmlns/nrml/0.4"><fragilityModel format="continuous">'
            "<fragilitySet/></fragilityModel></nrml>",
            "limitStates",
        ),
    ],
)
def test_invalid_nrml_files(tmp_path, text, message):
    path = tmp_path / "model.xml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message) as err:
        fr.load_curve_set(path)
    assert err.value.parameter == "FRAGILITY"


# ---------------------------------------------------------------- project YAML


def test_yaml_pgv_curve_set(tmp_path):
    path = tmp_path / "pgv.yaml"
    path.write_text(
        "format: suginami-fragility\nname: pgv test\nmeasure: pgv\nclasses:\n"
        "  - id: w\n    structure: 木造\n    collapse: {median: 100, zeta: 0.5}\n    half: {lambda: 4.0, zeta: 0.5}\n"
        "  - id: n\n    structure: non_wood\n    collapse: {levels: [10, 100], probabilities: [0, 0.5]}\n"
        "    half: {levels: [10, 100], probabilities: [0.1, 0.9]}\n",
        encoding="utf-8",
    )
    cs = fr.load_curve_set(path)
    k = cs.assign(np.array([WOOD, NON_WOOD]), np.array([1990.0, 1990.0]))
    p_c, p_h = cs.probabilities(k, np.array([80.0, 55.0]), fr.Measure.PGV)
    assert p_c[0] == pytest.approx(0.32769, abs=5e-6)
    assert p_c[1] == pytest.approx(0.25)
    assert p_h[0] == pytest.approx(stats.norm.cdf((math.log(80) - 4.0) / 0.5))


@pytest.mark.parametrize(
    "text, message",
    [
        ("format: something-else\n", "not a fragility file"),
        (": : :\n  - [", "cannot read"),
        ("format: suginami-fragility\nclasses: []\n", "non-empty list"),
        ("format: suginami-fragility\nmeasure: pga\nclasses: [{id: a}]\n", "measure must be"),
        ("format: suginami-fragility\nextra: 1\nclasses: [{id: a}]\n", "unknown top-level"),
        (
            "format: suginami-fragility\nclasses:\n  - {id: a, structure: wood, collapse: {lambda: 6}, half: {lambda: 6, zeta: 1}}\n",
            "missing or invalid",
        ),
        (
            "format: suginami-fragility\nclasses:\n"
            "  - {id: a, structure: wood, last_year: 1980, collapse: {lambda: 6, zeta: 0.3}, half: {lambda: 5, zeta: 0.3}}\n"
            "  - {id: b, structure: wood, first_year: 1980, collapse: {lambda: 6, zeta: 0.3}, half: {lambda: 5, zeta: 0.3}}\n",
            "overlap",
        ),
        (
            "format: suginami-fragility\nclasses:\n"
            "  - {id: a, structure: wood, collapse: {lambda: 6, zeta: -0.3}, half: {lambda: 5, zeta: 0.3}}\n",
            "zeta positive",
        ),
        (
            "format: suginami-fragility\nclasses:\n"
            "  - {id: a, structure: steel, collapse: {lambda: 6, zeta: 0.3}, half: {lambda: 5, zeta: 0.3}}\n",
            "unknown structure",
        ),
    ],
)
def test_invalid_yaml_files(tmp_path, text, message):
    path = tmp_path / "curves.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        fr.load_curve_set(path)


def test_missing_fragility_file(tmp_path):
    with pytest.raises(InputError, match="does not exist") as err:
        fr.load_curve_set(tmp_path / "nope.yaml")
    assert err.value.parameter == "FRAGILITY"
