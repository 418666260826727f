"""Scenario facts, field formats and the citizen's text of a public export (issue 15)."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
import shapely

from suginami_gis.core.errors import InputError
from suginami_gis.core.publish.export import VectorLayer, export_public, filter_properties
from suginami_gis.core.publish.facts import epicentre_lonlat, scenario_facts, scenario_sentence
from suginami_gis.core.publish.profile import FIELD_FORMATS, FieldSpec, Text, load_profile
from suginami_gis.core.publish.webmap import PAGE_FILES

CRS = "EPSG:6677"
X0, Y0 = -17857.892, -33376.536
# suginami:scenario's settings of the ward's study (processing/algorithms/scenario.py).
BASELINE = {
    "SEASON": "winter",
    "MAGNITUDE": 7.3,
    "EPICENTER": "-17040,-32930 [EPSG:6677]",
    "SCENARIO_HOUR": 18,
    "WIND_SPEED": 8.0,
}


def test_facts_of_the_current_state_have_no_mitigation():
    facts = scenario_facts(BASELINE)
    assert facts is not None
    assert facts["magnitude"] == 7.3 and facts["season"] == "winter" and facts["hour"] == 18
    assert facts["wind_ms"] == 8.0 and facts["source"] is None and facts["mitigation"] is None
    # EPSG:6677 (-17040, -32930) is in Suginami: about 139.645 E, 35.703 N (checked with pyproj below)
    from pyproj import Transformer

    lon, lat = Transformer.from_crs(6677, 4326, always_xy=True).transform(-17040, -32930)
    assert facts["epicentre"] == [round(lon, 3), round(lat, 3)]
    assert 139.6 < facts["epicentre"][0] < 139.7 and 35.6 < facts["epicentre"][1] < 35.8


def test_facts_of_the_mitigated_map_say_what_was_assumed():
    facts = scenario_facts({**BASELINE, "RETROFIT_TARGET_RATE": 0.96, "FIREPROOF_TARGET_RATE": 0.7})
    assert facts["mitigation"] == {"retrofit_rate": 0.96, "fireproof_rate": 0.7}
    text = scenario_sentence(facts)
    assert "耐震化率96%" in text.ja and "不燃領域率70%" in text.ja
    assert "96% of buildings earthquake-resistant" in text.en


def test_the_sentence_is_plain_language_in_both_languages():
    text = scenario_sentence(scenario_facts(BASELINE))
    assert text.en == "Scenario: M7.3 earthquake, winter evening 18:00, wind 8 m/s."
    assert text.ja == "想定: マグニチュード7.3の地震、冬の夕方18時、風速8m/s。"
    for t in (text.ja, text.en):
        assert "=" not in t and "EPSG" not in t and "RETROFIT" not in t


def test_facts_are_none_without_known_keys_and_errors_name_scenario():
    assert scenario_facts(None) is None and scenario_facts({"SEED": 42}) is None
    for bad in ({"SEASON": "monsoon"}, {"MAGNITUDE": "big"}, {"EPICENTER": "here"}, {"SOURCE": "Tokyo Bay!"}):
        with pytest.raises(InputError) as err:
            scenario_facts(bad)
        assert err.value.parameter == "SCENARIO"
    # metres without a CRS are not longitude/latitude (a swapped or missing CRS is caught)
    with pytest.raises(InputError, match="EPSG"):
        epicentre_lonlat("-17040,-32930")
    assert epicentre_lonlat("139.6,35.7") == [139.6, 35.7]


def test_every_published_field_of_the_builtin_profile_has_a_format():
    profile = load_profile()
    for kind in profile.kinds.values():
        for building_level in (False, True):
            for spec in kind.published_fields(building_level):
                assert spec.format in FIELD_FORMATS, (kind.kind, spec.name)
                if spec.format == "count":
                    assert spec.decimals in (None, 0), (kind.kind, spec.name)
                if spec.format == "percent" and kind.legend is not None and kind.legend.field == spec.name:
                    assert all(c.max is None or c.max <= 1.0 for c in kind.legend.classes)
    shelters = {f.name: f for f in profile.kinds["shelters"].fields}
    assert shelters["overflow"].label.en == "People over capacity"
    assert shelters["name_ja"].localized == {"en": "name_en"}
    districts = {f.name: f for f in profile.kinds["damage_districts"].fields}
    assert districts["name_ja"].as_dict()["localized"] == {"en": "name_en"}
    assert districts["collapse_rate"].as_dict()["format"] == "percent"
    assert districts["deaths"].as_dict()["format"] == "count"


def test_counts_are_whole_numbers_rounded_half_to_even():
    spec = FieldSpec("deaths", Text("死者数", "Deaths"), decimals=1, format="count")
    rate = FieldSpec("collapse_rate", Text("全壊率", "Collapse rate"), decimals=4, format="percent")
    rows, _, _ = filter_properties(
        {"deaths": [0.5, 1.5, 2.5, 13.5, 0.49], "collapse_rate": [0.012749, 0.5, 0.0, 1.0, 0.00005]},
        5,
        [spec, rate],
        (),
        1,
    )
    assert [r["deaths"] for r in rows] == [0, 2, 2, 14, 0]
    assert all(isinstance(r["deaths"], int) for r in rows)
    assert [r["collapse_rate"] for r in rows] == [0.0127, 0.5, 0.0, 1.0, 0.0001]


def _districts_with_damage() -> list[VectorLayer]:
    districts = [shapely.box(X0, Y0, X0 + 500, Y0 + 500)]
    attrs = {
        "district": ["阿佐谷南一丁目"],
        "name_ja": ["阿佐谷南一丁目"],
        "name_en": ["Asagaya-minami 1"],
        "buildings": [1200],
        "collapsed": [13.5],
        "collapse_rate": [0.01125],
        "deaths": [0.5],
    }
    return [VectorLayer("district damage", districts, attrs, CRS)]


@pytest.mark.parametrize("mitigated", [False, True])
def test_webmap_config_carries_facts_and_no_parameter_dump(tmp_path, mitigated):
    scenario = dict(BASELINE, SEED=42, EXTENT="-18540.0,-16040,-33930,-31930 [EPSG:6677]")
    if mitigated:
        scenario.update(RETROFIT_TARGET_RATE=0.96, FIREPROOF_TARGET_RATE=0.7)
    result = export_public(_districts_with_damage(), tmp_path / "public", scenario=scenario)
    config_text = (result.folder / "config.js").read_text(encoding="utf-8")
    config = json.loads(config_text.split("=", 1)[1].rstrip().rstrip(";"))
    facts = config["scenarioFacts"]
    assert facts["magnitude"] == 7.3 and facts["hour"] == 18 and facts["season"] == "winter"
    notice = " ".join(p["en"] + p["ja"] for p in config["notice"]["paragraphs"])
    # the page writes the sentence from scenarioFacts in each language; the READMEs carry it in ja/en
    readme = (result.folder / "README.en.md").read_text(encoding="utf-8")
    assert "M7.3 earthquake" in readme and " = " not in notice
    published = "".join(
        p.read_text(encoding="utf-8")
        for p in result.folder.rglob("*")
        # the page's code and translation tables are the same in every export (sentence templates)
        if p.suffix in (".js", ".json", ".md", ".html")
        and "vendor" not in p.parts
        and p.name not in (*PAGE_FILES, "i18n.js")
    )
    for parameter in ("SEED", "EXTENT", "-18540", "SCENARIO_HOUR"):
        assert parameter not in published
    if mitigated:
        assert facts["mitigation"] == {"retrofit_rate": 0.96, "fireproof_rate": 0.7}
        assert "96%" in readme
    else:
        assert facts["mitigation"] is None
        assert not re.search(r"retrofit|fireproof|RETROFIT|FIREPROOF|0\.96|耐震化率|不燃", published)
    # district popups: counts whole, rates as fractions with a percent format, names localised
    feature = json.loads((result.folder / "data" / "damage_districts.geojson").read_text(encoding="utf-8"))["features"][
        0
    ]["properties"]
    assert feature["collapsed"] == 14 and feature["deaths"] == 0 and feature["collapse_rate"] == round(0.01125, 4)
    fields = {f["name"]: f for f in config["layers"][0]["fields"]}
    assert fields["collapse_rate"]["format"] == "percent" and fields["collapsed"]["format"] == "count"
    assert fields["name_ja"]["localized"] == {"en": "name_en"}


def test_readme_states_the_facts_not_parameters(tmp_path):
    result = export_public(_districts_with_damage(), tmp_path / "public", scenario=BASELINE)
    readme = (result.folder / "README.en.md").read_text(encoding="utf-8")
    assert "Scenario: M7.3 earthquake, winter evening 18:00, wind 8 m/s." in readme
    assert "MAGNITUDE" not in readme
    meta = json.loads((result.folder / "metadata.json").read_text(encoding="utf-8"))
    assert meta["scenario"]["epicentre"] == scenario_facts(BASELINE)["epicentre"]
    assert np.isclose(meta["scenario"]["wind_ms"], 8.0)
