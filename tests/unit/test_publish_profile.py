"""Export profiles: loading, strict validation, kind detection, default-deny filtering and suppression."""

from __future__ import annotations

import copy
import json
import string
from pathlib import Path

import pytest
import shapely
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from suginami_gis.core.errors import InputError
from suginami_gis.core.publish.export import VectorLayer, export_public, filter_properties
from suginami_gis.core.publish.profile import (
    DEFAULT_PROFILE_PATH,
    MIN_COUNT,
    FieldSpec,
    Text,
    load_profile,
    parse_profile,
)

REQUIRED_KINDS = {
    "damage_buildings",
    "damage_districts",
    "fire",
    "road_blockage",
    "routes",
    "catchments",
    "shelters",
    "wifi_coverage",
    "wifi_site_stats",
    "ground_motion_intensity",
    "ground_motion_pgv",
}
CRS = "EPSG:6677"
# A point in Suginami (Asagaya) in EPSG:6677 metres.
X0, Y0 = -17858.0, -33377.0


@pytest.fixture(scope="module")
def profile():
    return load_profile()


@pytest.fixture(scope="module")
def raw_profile():
    return yaml.safe_load(DEFAULT_PROFILE_PATH.read_text(encoding="utf-8"))


def test_default_profile_covers_the_issue_kinds(profile):
    assert REQUIRED_KINDS <= set(profile.kinds)
    assert profile.min_count == MIN_COUNT == 10
    for spec in profile.kinds.values():
        assert spec.title.ja and spec.title.en
        assert spec.published_legend() is not None, spec.kind


def test_default_profile_never_publishes_personal_building_fields(profile):
    building_fields = set(profile.kinds["damage_buildings"].field_names)
    assert not building_fields & {"occupants", "building_id", "year_built", "exp_deaths", "exp_injuries"}
    assert {"p_collapse", "p_half"} <= building_fields


def test_json_and_yaml_profiles_are_equivalent(tmp_path, raw_profile, profile):
    path = tmp_path / "profile.json"
    path.write_text(json.dumps(raw_profile, ensure_ascii=False), encoding="utf-8")
    from_json = load_profile(path)
    assert from_json.kinds == profile.kinds
    # Only the file name: a local path can hold a user name (metadata.json names the profile).
    assert from_json.source == "profile.json"


@pytest.mark.parametrize(
    "mutate, where",
    [
        (lambda p: p.update(colour="red"), "colour"),
        (lambda p: p["kinds"]["fire"].update(feilds=[]), "feilds"),
        (lambda p: p["kinds"]["fire"]["fields"][0].update(lable="x"), "lable"),
        (lambda p: p["kinds"]["fire"]["legend"].update(colours=[]), "colours"),
        (lambda p: p["kinds"]["fire"]["detect"].update(some=["x"]), "some"),
        (lambda p: p["kinds"]["routes"]["aggregate"].update(method="sum"), "method"),
        (lambda p: p["kinds"]["fire"]["legend"]["classes"][0].update(value=1), "value"),
    ],
)
def test_unknown_profile_keys_are_errors(raw_profile, mutate, where):
    bad = copy.deepcopy(raw_profile)
    mutate(bad)
    with pytest.raises(InputError) as err:
        parse_profile(bad)
    assert err.value.parameter == "PROFILE"
    assert where in str(err.value)


@pytest.mark.parametrize("name", ["occupants", "owner_phone", "resident_name", "needs_assistance", "氏名", "要配慮者"])
def test_profile_cannot_publish_personal_fields(raw_profile, name):
    bad = copy.deepcopy(raw_profile)
    bad["kinds"]["damage_buildings"]["fields"].append({"name": name, "label": "x"})
    with pytest.raises(InputError, match="personal"):
        parse_profile(bad)


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda p: p.update(version=2), "version"),
        (lambda p: p["kinds"]["fire"].update(geometry="surface"), "geometry"),
        (lambda p: p["kinds"]["fire"]["legend"]["classes"][0].update(color="red"), "colour"),
        (lambda p: p["kinds"]["fire"]["legend"].update(field="p_unknown"), "legend.field"),
        (lambda p: p["kinds"]["routes"].pop("aggregate"), "aggregate"),
        (lambda p: p["kinds"]["fire"]["fields"].append({"name": "p_burn", "label": "again"}), "twice"),
        (lambda p: p["kinds"]["ground_motion_intensity"].pop("legend"), "legend"),
        (lambda p: p.update(min_count=0), "min_count"),
    ],
)
def test_invalid_profiles_are_errors(raw_profile, mutate, message):
    bad = copy.deepcopy(raw_profile)
    mutate(bad)
    with pytest.raises(InputError, match=message):
        parse_profile(bad)


def test_unreadable_and_malformed_profiles(tmp_path):
    with pytest.raises(InputError, match="cannot read"):
        load_profile(tmp_path / "missing.yaml")
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match="not valid"):
        load_profile(broken)


@pytest.mark.parametrize(
    "fields, geometry, kind",
    [
        (["building_id", "p_collapse", "p_half", "intensity", "occupants"], "polygon", "damage_buildings"),
        (["building_id", "p_collapse", "p_half", "p_ignite", "p_burn", "cluster_id"], "polygon", "fire"),
        (["district_id", "name_ja", "name_en", "population"], "polygon", "districts"),
        (["district_id", "name_ja", "collapsed", "deaths", "population"], "polygon", "damage_districts"),
        (["road_id", "width_m", "width_estimated", "damage_ratio", "p_block"], "line", "road_blockage"),
        (["origin_id", "shelter_id", "shelter_name", "length_m", "time_min"], "line", "routes"),
        (["origin_id", "shelter_id", "unreachable"], "point", "evacuation_origins"),
        (["shelter_id", "name_ja", "name_en", "capacity"], "point", "shelters"),
        (["NO", "共通ID", "施設・場所名", "住所", "地震"], "point", "shelters"),
        (["threshold_dbm"], "polygon", "wifi_coverage"),
        (["site_id", "evacuees", "share_primary", "share_67", "n_aps", "evac_per_ap"], "polygon", "wifi_site_stats"),
        (["site_id", "shelter_id", "name_ja", "expected_evacuees"], "polygon", "shelter_sites"),
        (
            ["district", "buildings", "collapse_rate", "collapsed", "collapsed_p5", "deaths"],
            "polygon",
            "damage_districts",
        ),
        (["district", "buildings", "expected_burned", "burned_share", "fire_deaths"], "polygon", "fire_districts"),
        (["shelter_id", "band_from_min", "band_to_min", "area_m2"], "polygon", "catchments"),
        (["p_collapse", "p_half"], "point", None),  # right fields, wrong geometry
        (["foo", "bar"], "polygon", None),
    ],
)
def test_vector_kind_detection(profile, fields, geometry, kind):
    assert profile.detect_vector_kind(fields, geometry) == kind


@pytest.mark.parametrize(
    "name, descriptions, kind",
    [
        ("intensity", ["JMA instrumental intensity"], "ground_motion_intensity"),
        ("ground motion", ["PGV median (cm/s)"], "ground_motion_pgv"),
        ("fire", ["burn_probability"], "burn_probability"),
        ("wifi", ["rssi_dbm"], "wifi_rssi"),
        ("elevation", ["metres"], None),
    ],
)
def test_raster_kind_detection(profile, name, descriptions, kind):
    assert profile.detect_raster_kind(name, descriptions) == kind


def test_filter_rounds_drops_and_suppresses_by_base_count():
    fields = (
        FieldSpec("name_ja", Text("地区名", "District")),
        FieldSpec("population", Text("人口", "Population"), decimals=0, suppress=True),
        FieldSpec("deaths", Text("死者", "Deaths"), decimals=1, suppress=True),
    )
    attrs = {
        "name_ja": ["a", "b", "c", "d"],
        "population": [1200.4, 9, 10, None],
        "deaths": [3.14159, 0.5, 0.26, 1.0],
        "phone": ["1", "2", "3", "4"],
    }
    rows, names, n_suppressed = filter_properties(attrs, 4, fields, ("population",), 10)
    assert names == ["name_ja", "population", "deaths"]
    assert rows[0] == {"name_ja": "a", "population": 1200, "deaths": 3.1}
    assert rows[1] == {"name_ja": "b", "population": None, "deaths": None}  # 9 < 10
    assert rows[2] == {"name_ja": "c", "population": 10, "deaths": 0.3}  # 10 is not below MIN_COUNT
    assert rows[3] == {"name_ja": "d", "population": None, "deaths": None}  # unknown base: suppressed
    assert n_suppressed == 2
    assert all("phone" not in r for r in rows)


def test_filter_suppresses_counts_without_a_base():
    fields = (FieldSpec("assigned_population", Text("割当", "Assigned"), decimals=0, suppress=True),)
    rows, _, n = filter_properties({"assigned_population": [3, 0, 25, None]}, 4, fields, (), 10)
    assert [r["assigned_population"] for r in rows] == [None, None, 25, None]
    assert n == 2


def test_filter_with_missing_base_suppresses_everything_marked():
    fields = (
        FieldSpec("collapsed", Text("全壊", "Collapsed"), suppress=True),
        FieldSpec("district_id", Text("id", "id")),
    )
    rows, _, n = filter_properties({"collapsed": [50.0, 60.0], "district_id": [1, 2]}, 2, fields, ("population",), 10)
    assert rows == [{"collapsed": None, "district_id": 1}, {"collapsed": None, "district_id": 2}]
    assert n == 2


# ---- property test: random schemas with random extra fields ---------------------------------

_VECTOR_KINDS = [
    "damage_buildings",
    "fire",
    "damage_districts",
    "fire_districts",
    "districts",
    "road_blockage",
    "catchments",
    "shelters",
    "wifi_access_points",
    "wifi_coverage",
    "shelter_sites",
    "wifi_site_stats",
]
_MARKER = "LEAKED"
_field_names = st.text(alphabet=string.ascii_lowercase + "_" + "氏名住所", min_size=1, max_size=12)
_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True, allow_infinity=False, width=32),
    st.text(max_size=6),
)


def _geometry(kind_geometry: str, i: int):
    x, y = X0 + 30.0 * i, Y0 + 20.0 * (i % 3)
    if kind_geometry == "point":
        return shapely.Point(x, y)
    if kind_geometry == "line":
        return shapely.LineString([(x, y), (x + 25.0, y + 5.0)])
    return shapely.box(x, y, x + 20.0, y + 15.0)


PROFILE = load_profile()
# The person-like names are the privacy module's; imported here for the schema generator.
from suginami_gis.core.publish.privacy import FACILITY_ID_FIELDS, person_fields  # noqa: E402


@st.composite
def _layers(draw):
    profile = PROFILE
    kind = draw(st.sampled_from(_VECTOR_KINDS))
    spec = profile.kinds[kind]
    n = draw(st.integers(1, 6))
    allowed = [f.name for f in spec.fields]
    chosen = draw(st.lists(st.sampled_from(allowed), unique=True, max_size=len(allowed)))
    names = list(dict.fromkeys([*spec.detect_all, *spec.detect_any[: spec.detect_min_any], *chosen]))
    known = {
        name
        for other in profile.kinds.values()
        for name in (*other.field_names, *other.detect_all, *other.detect_any, *other.detect_none)
    }
    extras = draw(st.lists(_field_names, unique=True, max_size=5))
    # Always fields the profile never publishes (occupants per building), plus random names that no
    # kind of the profile knows; names that describe people are refused outright (test_publish_privacy).
    extras = [
        "occupants",
        "building_age",
        *[
            e
            for e in extras
            if e not in known
            and e not in ("occupants", "building_age")
            and not person_fields([e], spec.public_facility, spec.geometry == "point")
        ],
    ]
    attrs: dict[str, list] = {}
    for name in names:
        if name in FACILITY_ID_FIELDS:  # one feature per facility
            attrs[name] = [f"id{i}" for i in range(n)]
            continue
        attrs[name] = draw(st.lists(_values, min_size=n, max_size=n))
    for k, name in enumerate(extras):
        attrs[name] = [f"{_MARKER}{k}x{i}" for i in range(n)]
    geoms = [_geometry(spec.geometry, i) for i in range(n)]
    return kind, VectorLayer(f"random {kind}", geoms, attrs, CRS), set(allowed)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_schemas_never_export_fields_outside_the_profile(tmp_path_factory, profile, data):
    kind, layer, allowed = data.draw(_layers())
    out = tmp_path_factory.mktemp("prop") / "export"
    assert any(name not in allowed for name in layer.attributes)
    # Per-building kinds are opted in, so that their own fields are what is checked.
    result = export_public([layer], out, profile=profile, building_level=[kind] if profile.kinds[kind].per_home else [])
    assert [exported.kind for exported in result.layers] == [kind]
    collection = json.loads((out / "data" / f"{result.layers[0].id}.geojson").read_text(encoding="utf-8"))
    assert len(collection["features"]) == len(layer.geometries)
    for feature in collection["features"]:
        assert set(feature["properties"]) <= allowed
    # No value of a field outside the profile appears anywhere in the folder, in any file.
    for path in Path(out).rglob("*"):
        if path.is_file() and path.parent.name != "vendor":
            assert _MARKER.encode() not in path.read_bytes(), path


def test_the_documented_example_profile_is_valid():
    docs = Path(__file__).resolve().parents[2] / "docs" / "publicexport.md"
    text = docs.read_text(encoding="utf-8")
    block = text.split("```yaml\n", 1)[1].split("```", 1)[0]
    example = parse_profile(yaml.safe_load(block))
    assert set(example.kinds) == {"damage_districts", "routes", "ground_motion_intensity"}
    assert example.kinds["routes"].published_fields()[0].name == "n_routes"
