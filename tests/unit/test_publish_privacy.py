"""Privacy of a public export folder, over every file type it writes (issues 15 and 18).

- No absolute path (of the temporary folders, the home folder, the plugin), user name or host
  name in any file: GeoJSON, GeoPackage (its metadata and style tables included), raster tiles,
  GeoTIFF, JS, JSON, CSV, README.
- Layers that look like individuals (person-like fields in Japanese or English, a facility id on
  many rows, a point per household) are refused with a message naming the layer.
- Building-level coordinates are absent by default (district aggregates only).
- Files 0644 and folders 0755 whatever the umask.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import stat
from pathlib import Path

import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from suginami_gis.core.errors import InputError
from suginami_gis.core.publish import privacy
from suginami_gis.core.publish.export import RasterLayer, VectorLayer, export_public
from suginami_gis.core.publish.profile import DEFAULT_PROFILE_PATH

CRS = "EPSG:6677"
X0, Y0 = -17857.892, -33376.536  # Asagaya, Suginami, in EPSG:6677 metres
PLUGIN_DIR = str(Path(__file__).resolve().parents[2] / "suginami_gis")

# Names of people's data as ward staff and residents' lists spell them.
PERSON_NAMES_JA = [
    "氏名",
    "名前",
    "ふりがな",
    "生年月日",
    "年齢",
    "性別",
    "世帯主",
    "電話番号",
    "携帯電話",
    "メールアドレス",
]
PERSON_NAMES_EN = [
    "full_name",
    "family_name",
    "given_name",
    "resident",
    "birthdate",
    "date_of_birth",
    "age",
    "gender",
    "phone",
    "email",
    "mobile",
    "householder",
]
ADDRESS_NAMES = ["住所", "所在地", "address", "postal_code"]


def _layers(folder: Path, n_buildings: int = 120) -> list:
    from rasterio.crs import CRS as ProjCRS

    from suginami_gis.core.rasters import Grid, write_geotiff

    rng = np.random.default_rng(11)
    cx, cy = X0 + rng.uniform(0, 900, n_buildings), Y0 + rng.uniform(0, 900, n_buildings)
    buildings = shapely.box(cx, cy, cx + 9, cy + 11)
    damage = {
        "building_id": np.arange(n_buildings),
        "structure": rng.choice(["wood", "non_wood"], n_buildings),
        "occupants": rng.integers(1, 6, n_buildings),
        "intensity": rng.uniform(5.0, 6.6, n_buildings),
        "p_collapse": rng.uniform(0, 0.6, n_buildings),
        "p_half": rng.uniform(0.2, 0.9, n_buildings),
    }
    districts = [shapely.box(X0 + i * 450, Y0, X0 + (i + 1) * 450, Y0 + 900) for i in range(2)]
    district_attrs = {
        "district_id": ["A1", "A2"],
        "name_ja": ["阿佐谷南一丁目", "阿佐谷南二丁目"],
        "name_en": ["Asagaya-minami 1", "Asagaya-minami 2"],
        "population": [1500, 1200],
    }
    shelters = shapely.points([X0 + 200, X0 + 700], [Y0 + 200, Y0 + 650])
    shelter_attrs = {
        "共通ID": ["E1311500001111", "E1311500002111"],
        "施設・場所名": ["杉並区立阿佐ヶ谷中学校", "杉並区立杉並第六小学校"],
        "住所": ["東京都杉並区阿佐谷南1-17-3", "東京都杉並区阿佐谷南1-24-21"],
        "name_en": ["Asagaya Junior High School", "Suginami No. 6 Elementary School"],
        "capacity": [1200, 900],
        "地震": ["1", "1"],
    }
    grid = Grid.from_extent(X0, Y0, X0 + 900, Y0 + 900, 30.0, ProjCRS.from_epsg(6677).to_wkt())
    xs, _ = grid.centers()
    tif = folder / "intensity.tif"
    write_geotiff(tif, grid, [np.tile(5.0 + (xs - X0) / 600.0, (grid.height, 1))], 1, descriptions=["intensity"])
    return [
        VectorLayer("building damage", buildings, damage, CRS),
        VectorLayer("districts", districts, district_attrs, CRS),
        VectorLayer("relief centres", shelters, shelter_attrs, CRS),
        RasterLayer("ground motion", str(tif)),
    ]


def _needles(*texts: str) -> list[bytes]:
    """Each text as UTF-8 and UTF-16 (GeoPackage and SQLite can store either), and with Windows slashes."""
    out = []
    for text in texts:
        for variant in {text, text.replace("/", "\\")}:
            out += [variant.encode("utf-8"), variant.encode("utf-16-le")]
    return out


_ABSOLUTE = re.compile(rb"(?<![A-Za-z0-9.:/])(/home/|/Users/|/tmp/|/root/|/private/var/|[A-Z]:\\\\)")


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    user=st.from_regex(r"\Au[a-z]{5,9}[0-9]{2}\Z"),
    host=st.from_regex(r"\Ahost-[a-z]{4,8}\Z"),
)
def test_no_path_user_or_host_name_in_any_published_file(tmp_path_factory, monkeypatch, user, host):
    root = tmp_path_factory.mktemp("privacy")
    home = root / "home" / user
    work = home / host / "scenario"
    work.mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("USER", user)
    monkeypatch.setenv("USERNAME", user)
    monkeypatch.setattr(socket, "gethostname", lambda: host)
    profile = work / f"profile_of_{user}.yaml"
    shutil.copyfile(DEFAULT_PROFILE_PATH, profile)
    old_umask = os.umask(0o077)  # a restrictive umask must not make the folder unreadable for a web server
    try:
        result = export_public(
            _layers(work),
            work / "public",
            profile=profile,
            scenario={"MAGNITUDE": 7.3, "EPICENTER": "-17040,-32930 [EPSG:6677]", "SCENARIO_HOUR": 18},
            municipality="東京都杉並区",
        )
    finally:
        os.umask(old_umask)
    folder = result.folder
    suffixes = {p.suffix for p in folder.rglob("*") if p.is_file()}
    # every file type the export writes is scanned
    assert {".geojson", ".gpkg", ".json", ".js", ".csv", ".md", ".png", ".tif", ".html"} <= suffixes
    needles = _needles(str(root), str(home), str(work), PLUGIN_DIR, user, host)
    for path in folder.rglob("*"):
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o755 if path.is_dir() else 0o644), (path, oct(mode))
        if not path.is_file():
            continue
        data = path.read_bytes()
        for needle in needles:
            assert needle not in data, (path.relative_to(folder), needle)
        if "vendor" not in path.parts and path.suffix in (".json", ".js", ".csv", ".md", ".geojson", ".html"):
            assert not _ABSOLUTE.search(data), path.relative_to(folder)
    meta = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    assert meta["privacy"]["profile"] == "custom"  # the profile's file name would hold the user name
    # GeoPackage metadata and style tables hold nothing of the machine either (checked as bytes above)
    import sqlite3

    with sqlite3.connect(folder / "data" / "layers.gpkg") as db:
        tables = {name for (name,) in db.execute("select name from sqlite_master where type='table'")}
    assert "gpkg_contents" in tables


@settings(max_examples=30, deadline=None)
@given(
    person=st.sampled_from(PERSON_NAMES_JA + PERSON_NAMES_EN),
    decoration=st.sampled_from(["{}", "{}_1", "世帯員{}", "{} ", "resident_{}", "{}_text"]),
    geometry=st.sampled_from(["point", "polygon"]),
)
def test_person_like_fields_are_found_in_japanese_and_english(person, decoration, geometry):
    name = decoration.format(person).strip()
    assert privacy.person_fields(["shelter_id", name], facility=False, points=geometry == "point") == [name]


@pytest.mark.parametrize(
    "benign", ["usage", "damage_ratio", "name_ja", "name_en", "building_age", "storage", "message"]
)
def test_result_fields_are_not_taken_for_people(benign):
    assert privacy.person_fields([benign], facility=False, points=False) == []


def test_facilities_keep_their_names_addresses_and_phone_numbers():
    fields = ["施設・場所名", "住所", "名称", "name", "電話番号", "address"]
    assert privacy.person_fields(fields, facility=True, points=True) == []
    # ... but never a person's name or birth date
    assert privacy.person_fields(["氏名", "生年月日"], facility=True, points=True) == ["氏名", "生年月日"]
    # a bare "name" names a person on points that are not facilities, a street on lines
    assert privacy.person_fields(["name"], facility=False, points=True) == ["name"]
    assert privacy.person_fields(["name"], facility=False, points=False) == []


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    person=st.sampled_from(PERSON_NAMES_JA + PERSON_NAMES_EN + ADDRESS_NAMES),
    n=st.integers(2, 40),
)
def test_residents_lists_are_refused_with_the_layer_named(tmp_path_factory, person, n):
    """issue 18: a residents list with a shelter_id column is refused, never taken for shelters."""
    rng = np.random.default_rng(n)
    homes = shapely.points(X0 + rng.uniform(0, 500, n), Y0 + rng.uniform(0, 500, n))
    attrs = {"shelter_id": [1 + i % 3 for i in range(n)], person: [f"v{i}" for i in range(n)]}
    out = tmp_path_factory.mktemp("refused") / "public"
    with pytest.raises(InputError, match="evacuation plan of ward staff") as err:
        export_public([VectorLayer("evacuation plan of ward staff", homes, attrs, CRS)], out)
    assert err.value.parameter == "LAYERS"
    assert person in str(err.value) or "shelter_id" in str(err.value)
    assert not out.exists()


def test_the_same_facility_id_on_many_points_is_a_list_of_people(tmp_path):
    n = 25
    homes = shapely.points(X0 + np.arange(n) * 9.0, np.full(n, Y0))
    attrs = {"shelter_id": [7] * n, "capacity": [500] * n}  # recognised as shelters by its fields
    with pytest.raises(InputError, match="same shelter_id on 25 features"):
        export_public([VectorLayer("plan", homes, attrs, CRS)], tmp_path / "out")
    # one shelter_id alone is not a shelters layer (detect.min_any 2): skipped, not published
    with pytest.raises(InputError, match="nothing to export"):
        export_public([VectorLayer("plan", homes, {"shelter_id": list(range(n))}, CRS)], tmp_path / "out2")


def test_points_on_building_centroids_are_a_point_per_household(tmp_path):
    layers = _layers(tmp_path)
    buildings = layers[0]
    centroids = shapely.centroid(np.asarray(buildings.geometries))[:30]
    attrs = {"shelter_id": list(range(30)), "capacity": [1] * 30}
    with pytest.raises(InputError, match="building centroids"):
        export_public([*layers[:2], VectorLayer("homes", centroids, attrs, CRS)], tmp_path / "out")


def test_access_points_are_public_facilities_sharing_a_centre(tmp_path):
    """Wi-Fi access points (as the sample ward's): published as points although shelter_id repeats."""
    pts = shapely.points(X0 + np.arange(4) * 40.0, np.full(4, Y0))
    attrs = {
        "ap_id": ["a1", "a2", "a3", "a4"],
        "shelter_id": [1, 1, 2, 2],
        "eirp_dbm": [20.0] * 4,
        "height_m": [3.0] * 4,
    }
    result = export_public([VectorLayer("access points", pts, attrs, CRS)], tmp_path / "out")
    assert [layer.kind for layer in result.layers] == ["wifi_access_points"]
    # a repeated access-point id is not a list of facilities
    attrs["ap_id"] = ["a1"] * 4
    with pytest.raises(InputError, match="same ap_id on 4 features"):
        export_public([VectorLayer("access points", pts, attrs, CRS)], tmp_path / "out2")


def test_too_many_points_for_a_facility_kind(tmp_path):
    n = 5001
    pts = shapely.points(X0 + np.arange(n) * 0.5, np.full(n, Y0))
    attrs = {"shelter_id": list(range(n)), "capacity": [1] * n}
    with pytest.raises(InputError, match="more than plausible"):
        export_public([VectorLayer("centres", pts, attrs, CRS)], tmp_path / "out")


def test_building_coordinates_are_absent_by_default(tmp_path):
    layers = _layers(tmp_path)
    result = export_public(layers, tmp_path / "public")
    record = next(layer for layer in result.layers if layer.kind == "damage_buildings")
    assert record.aggregated_to == "district" and record.feature_count == 2
    from suginami_gis.core.publish.geojson import to_rfc7946

    corners = {
        (round(x, 6), round(y, 6))
        for g in to_rfc7946(layers[0].geometries, CRS, "polygon")
        for x, y in shapely.get_coordinates(g)
    }
    published = set()
    for path in (result.folder / "data").glob("*.geojson"):
        for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
            geometry = shapely.from_geojson(json.dumps(feature["geometry"]))
            published |= {(round(x, 6), round(y, 6)) for x, y in shapely.get_coordinates(geometry)}
    assert not corners & published
    # the relief centres are public facilities: their points, names and addresses are published
    shelters = json.loads((result.folder / "data" / "shelters.geojson").read_text(encoding="utf-8"))["features"]
    assert {f["properties"]["住所"] for f in shelters} == {"東京都杉並区阿佐谷南1-17-3", "東京都杉並区阿佐谷南1-24-21"}


def test_building_level_refuses_kinds_of_homes(tmp_path):
    layers = _layers(tmp_path)
    for kind, message in (("evacuation_origins", "aggregated"), ("districts", "anyway"), ("nope", "not a layer kind")):
        with pytest.raises(InputError, match=message) as err:
            export_public(layers, tmp_path / "x", building_level=[kind])
        assert err.value.parameter == "BUILDING_LEVEL"


def test_household_points_in_degrees_are_measured_in_metres(tmp_path):
    """Homes given in longitude/latitude next to footprints in metres: still a point per household."""
    from suginami_gis.core.publish.geojson import transform_coords

    layers = _layers(tmp_path)
    centroids = shapely.get_coordinates(shapely.centroid(np.asarray(layers[0].geometries))[:30])
    lonlat = transform_coords(centroids, CRS, "EPSG:4326")
    homes = VectorLayer(
        "homes", shapely.points(lonlat), {"shelter_id": list(range(30)), "capacity": [1] * 30}, "EPSG:4326"
    )
    with pytest.raises(InputError, match="building centroids"):
        export_public([*layers[:2], homes], tmp_path / "out")
    # relief centres in degrees far from the footprints' centroids are published
    centres = shapely.points(transform_coords(centroids[:20] + 40.0, CRS, "EPSG:4326"))
    far = VectorLayer("centres", centres, {"shelter_id": list(range(20)), "capacity": [100] * 20}, "EPSG:4326")
    result = export_public([*layers[:2], far], tmp_path / "ok")
    assert "shelters" in [layer.kind for layer in result.layers]
