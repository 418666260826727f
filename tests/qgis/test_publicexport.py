"""suginami:publicexport through QGIS Processing, on the sample ward and its damage / Wi-Fi results."""

from __future__ import annotations

import csv
import gzip
import json

import pytest
from conftest import sample_layer

SAMPLE_EXTENT = "-18040,-16040,-33930,-31930 [EPSG:6677]"  # xmin,xmax,ymin,ymax of the sample ward
PERSONAL = ("occupants", "year_built", "building_id", "exp_deaths", "resident_name", "phone")


def _run(name, params, feedback=None):
    import processing
    from qgis.core import QgsProcessingContext, QgsProcessingFeedback, QgsProject

    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    return processing.run(f"suginami:{name}", params, feedback=feedback or QgsProcessingFeedback(), context=context)


def _features(path):
    return json.loads(path.read_text(encoding="utf-8"))["features"]


def _memory_points(name, fields, rows, crs="EPSG:6677"):
    from qgis.core import QgsFeature, QgsGeometry, QgsPointXY, QgsVectorLayer

    layer = QgsVectorLayer(f"Point?crs={crs}&" + "&".join(f"field={f}" for f in fields), name, "memory")
    features = []
    for x, y, *attrs in rows:
        feature = QgsFeature(layer.fields())
        feature.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(x, y)))
        feature.setAttributes(list(attrs))
        features.append(feature)
    layer.dataProvider().addFeatures(features)
    return layer


@pytest.fixture(scope="module")
def results(provider, tmp_path_factory):
    """Ground motion -> building damage (with districts) and Wi-Fi coverage of the sample ward."""
    from qgis.core import QgsRasterLayer, QgsVectorLayer

    tmp = tmp_path_factory.mktemp("chain")
    gm = _run(
        "groundmotion",
        {
            "EPICENTER": "-17040,-45930 [EPSG:6677]",
            "MAGNITUDE": 7.3,
            "DEPTH": 20.0,
            "EXTENT": SAMPLE_EXTENT,
            "PIXEL_SIZE": 100.0,
            "TARGET_CRS": "EPSG:6677",
            "OUTPUT_PGV": str(tmp / "pgv.tif"),
            "OUTPUT_INTENSITY": str(tmp / "intensity.tif"),
        },
    )
    damage = _run(
        "buildingdamage",
        {
            "BUILDINGS": sample_layer("buildings"),
            "STRUCTURE_FIELD": "structure",
            "YEAR_FIELD": "year_built",
            "OCCUPANTS_FIELD": "occupants",
            "GROUND_MOTION": gm["OUTPUT_INTENSITY"],
            "GROUND_MOTION_MEASURE": 0,
            "DISTRICTS": sample_layer("districts"),
            "DISTRICT_NAME_FIELD": "name_en",
            "OUTPUT": str(tmp / "damage.gpkg"),
            "OUTPUT_DISTRICTS": str(tmp / "damage_districts.gpkg"),
            "OUTPUT_SUMMARY": str(tmp / "summary.gpkg"),
        },
    )
    wifi = _run(
        "wificoverage",
        {
            "ACCESS_POINTS": sample_layer("wifi_aps"),
            "EIRP_FIELD": "eirp_dbm",
            "HEIGHT_FIELD": "height_m",
            "FREQUENCY_FIELD": "frequency_mhz",
            "MODEL": 0,
            "EXTENT": SAMPLE_EXTENT,
            "PIXEL_SIZE": 20.0,
            "THRESHOLDS_DBM": "-67,-75",
            "SITES": sample_layer("shelter_sites"),
            "SITE_ID_FIELD": "site_id",
            "EVACUEES_FIELD": "expected_evacuees",
            "OUTPUT_RSSI": str(tmp / "rssi.tif"),
            "OUTPUT_COVERAGE": str(tmp / "coverage.gpkg"),
            "OUTPUT_SITE_STATS": str(tmp / "sites.gpkg"),
        },
    )
    layers = {
        "damage": QgsVectorLayer(damage["OUTPUT"], "building damage", "ogr"),
        "damage_districts": QgsVectorLayer(damage["OUTPUT_DISTRICTS"], "district damage", "ogr"),
        "intensity": QgsRasterLayer(gm["OUTPUT_INTENSITY"], "intensity"),
        "wifi_stats": QgsVectorLayer(wifi["OUTPUT_SITE_STATS"], "wifi site stats", "ogr"),
        "wifi_coverage": QgsVectorLayer(wifi["OUTPUT_COVERAGE"], "wifi coverage", "ogr"),
    }
    for name, layer in layers.items():
        assert layer.isValid(), name
    return tmp, layers


def test_algorithm_is_registered_with_help(provider):
    alg = provider.algorithm("publicexport")
    assert alg is not None
    assert "RFC 7946" in alg.shortHelpString()
    ok, message = alg.canExecute()
    assert ok, message
    keys = {p.name() for p in alg.parameterDefinitions()}
    assert {
        "LAYERS",
        "PROFILE",
        "LANGUAGES",
        "TITLE_JA",
        "TITLE_EN",
        "ATTRIBUTION",
        "LICENSE",
        "MIN_COUNT",
        "OUTPUT_FOLDER",
        "OVERWRITE",
        "BASEMAP",
        "BASEMAP_URL",
        "VECTOR_TILE_CUTOFF",
    } <= keys


def test_basemap_choice_writes_gsi_tiles_with_their_attribution(provider, tmp_path):
    """BASEMAP = GSI pale: the page's config names the pale tiles and credits 地理院タイル with its link."""
    import json

    out = tmp_path / "public"
    _run("publicexport", {"LAYERS": [sample_layer("districts")], "OUTPUT_FOLDER": str(out), "BASEMAP": 2})
    text = (out / "config.js").read_text(encoding="utf-8")
    config = json.loads(text[text.index("{") : text.rindex("}") + 1])
    assert config["basemap"]["url"] == "https://cyberjapandata.gsi.go.jp/xyz/pale/{z}/{x}/{y}.png"
    assert "地理院タイル" in config["basemap"]["attribution"]
    assert "https://maps.gsi.go.jp/development/ichiran.html" in config["basemap"]["attribution"]
    assert config["offlineBasemap"] == "data/_basemap.js" and (out / "data" / "_basemap.js").exists()


def test_sample_ward_results_are_published(results, tmp_path):
    chain, layers = results
    out = tmp_path / "public"
    result = _run(
        "publicexport",
        {
            "LAYERS": [
                layers["damage"],
                layers["damage_districts"],
                layers["intensity"],
                layers["wifi_stats"],
                layers["wifi_coverage"],
                sample_layer("shelters"),
                sample_layer("shelter_sites"),
                sample_layer("districts"),
                sample_layer("roads"),  # no result fields: skipped
            ],
            "ATTRIBUTION": "杉並区（テスト）",
            "SCENARIO": "MAGNITUDE=7.3; DEPTH=20",
            # Per building only on request (the default publishes district aggregates).
            "BUILDING_LEVEL": "damage_buildings",
            "VECTOR_TILE_CUTOFF": 5000,  # the ~9,000 buildings go to the web map as vector tiles
            "OUTPUT_FOLDER": str(out),
        },
    )
    assert result["OUTPUT_FOLDER"] == str(out)
    assert result["LAYERS_EXPORTED"] == 8 and result["LAYERS_SKIPPED"] == 1
    meta = json.loads((out / "metadata.json").read_text(encoding="utf-8"))
    assert [s["layer"] for s in meta["skipped_layers"]] == ["roads"]
    # Only the scenario facts a citizen reads are published (DEPTH is not one of them).
    assert meta["scenario"]["magnitude"] == 7.3 and "DEPTH" not in json.dumps(meta)
    kinds = {layer["kind"]: layer for layer in meta["layers"]}
    assert set(kinds) == {
        "damage_buildings",
        "damage_districts",
        "ground_motion_intensity",
        "wifi_site_stats",
        "wifi_coverage",
        "shelters",
        "shelter_sites",
        "districts",
    }
    # Every building is there, with only the profile's fields.
    buildings = _features(out / "data" / "damage_buildings.geojson")
    assert len(buildings) == layers["damage"].featureCount() == sample_layer("buildings").featureCount()
    assert set(buildings[0]["properties"]) == {"structure", "floors", "intensity", "pgv", "p_collapse", "p_half"}
    everything = "".join(p.read_text(encoding="utf-8") for p in out.rglob("*.geojson"))
    for name in PERSONAL:
        assert f'"{name}"' not in everything
    # A PMTiles archive of vector tiles for the buildings (core/publish/tiles.py), GeoJSON for the small layers.
    assert kinds["damage_buildings"]["web_map_source"] == "pmtiles"
    assert not (out / "tiles" / "damage_buildings").exists()
    from pmtiles.reader import MmapSource, all_tiles

    with open(out / "data" / "damage_buildings.pmtiles", "rb") as fh:
        blobs = [gzip.decompress(data) for _, data in all_tiles(MmapSource(fh))]
    assert len(blobs) > 0
    # Decoded by mapbox-vector-tile, an independent reader: every building is in the highest zoom's
    # tiles (some twice where a tile edge cuts them), with only the profile's fields.
    import mapbox_vector_tile

    decoded = [mapbox_vector_tile.decode(b) for b in blobs]
    assert {name for tile in decoded for name in tile} == {"damage_buildings"}
    properties = [f["properties"] for tile in decoded for f in tile["damage_buildings"]["features"]]
    assert {frozenset(p) for p in properties} == {frozenset(buildings[0]["properties"])}
    assert len(properties) >= len(buildings)
    assert kinds["districts"]["web_map_source"] == "geojson"
    # Rasters: COG and PNG tiles.
    assert (out / "rasters" / "ground_motion_intensity.tif").exists()
    assert list((out / "tiles" / "ground_motion_intensity").rglob("*.png"))
    # shelters.csv: the five relief centres with Wi-Fi coverage joined through their sites.
    with open(out / "shelters.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    shelters = sample_layer("shelters")
    assert len(rows) == shelters.featureCount() == 5
    names = {f["name_ja"] for f in shelters.getFeatures()}
    assert {r["施設・場所名"] for r in rows} == names
    assert all(r["収容人数"] for r in rows)
    wifi_columns = [c for c in rows[0] if c.startswith("Wi-Fiカバー率")]
    assert wifi_columns == ["Wi-Fiカバー率_-67dBm(%)", "Wi-Fiカバー率_-75dBm(%)"]
    for r in rows:
        assert 0.0 <= float(r[wifi_columns[1]]) <= 100.0
        assert float(r[wifi_columns[0]]) <= float(r[wifi_columns[1]])
    assert (out / "index.html").exists() and (out / "vendor" / "maplibre-gl.js").exists()
    # No local path or host name in any file; readable by a web server (the default publishes districts,
    # so no tile archive is written here).
    import socket
    import stat
    from pathlib import Path

    import suginami_gis

    needles = [str(tmp_path), str(chain), str(Path(suginami_gis.__file__).resolve().parent)]
    if len(socket.gethostname()) >= 4:
        needles.append(socket.gethostname())
    scanned = set()
    for path in out.rglob("*"):
        assert stat.S_IMODE(path.stat().st_mode) == (0o755 if path.is_dir() else 0o644), path
        if path.is_file():
            data = path.read_bytes()
            scanned.add(path.suffix)
            for needle in needles:
                assert needle.encode("utf-8") not in data and needle.encode("utf-16-le") not in data, (path, needle)
    assert {".gpkg", ".geojson", ".png", ".tif", ".csv", ".js", ".json", ".md"} <= scanned


def test_per_home_points_are_aggregated_by_district(provider, tmp_path):
    """Homes (forced kind by the layer name) go out only as district statistics; their notes never leave."""
    districts = sample_layer("districts")
    first = next(districts.getFeatures())
    centre = first.geometry().pointOnSurface().asPoint()
    rows = [(centre.x() + i * 0.5, centre.y(), i, i % 4 == 0, f"resident {i}") for i in range(12)]
    homes = _memory_points(
        "homes of the elderly [evacuation_origins]",
        ["home_no:integer", "unreachable:boolean", "note:string"],
        rows,
    )
    out = tmp_path / "public"
    _run("publicexport", {"LAYERS": [homes, districts], "OUTPUT_FOLDER": str(out)})
    features = _features(out / "data" / "evacuation_origins.geojson")
    assert len(features) == 1
    props = features[0]["properties"]
    assert props["district_id"] == first["district_id"]
    assert props["n_origins"] == 12 and props["share_unreachable"] == pytest.approx(3 / 12, abs=1e-3)
    text = "".join(
        p.read_text(encoding="utf-8", errors="ignore")
        for p in out.rglob("*")
        if p.is_file() and p.suffix in (".geojson", ".json", ".js", ".csv", ".md")
    )
    assert "resident" not in text


@pytest.mark.parametrize(
    "fields, values, refused_for",
    [
        # issue 18's reproduction: an individual evacuation plan is not a shelters layer
        (["shelter_id:integer", "氏名:string", "住所:string"], ["山田太郎", "東京都杉並区阿佐谷南1-1-1"], "氏名"),
        (["shelter_id:integer", "住所:string"], ["東京都杉並区阿佐谷南1-1-1"], "住所"),
        (["shelter_id:integer", "name_ja:string", "capacity:integer"], ["杉並第六小学校", 500], "shelter_id on"),
        (["shelter_id:integer", "full_name:string", "phone:string"], ["Taro Yamada", "03-0000-0000"], "full_name"),
    ],
)
def test_residents_lists_are_refused_not_taken_for_shelters(provider, tmp_path, fields, values, refused_for):
    from qgis.core import QgsProcessingException

    # 30 homes assigned to two relief centres (the same shelter_id on many rows)
    rows = [(-17500.0 + 7.0 * i, -33000.0 + 3.0 * i, 1 + i % 2, *values) for i in range(30)]
    residents = _memory_points("evacuation plan", fields, rows)
    out = tmp_path / "public"
    with pytest.raises(QgsProcessingException, match="evacuation plan") as err:
        _run("publicexport", {"LAYERS": [residents, sample_layer("districts")], "OUTPUT_FOLDER": str(out)})
    assert refused_for in str(err.value)
    assert not out.exists()


def test_kind_parameter_declares_a_layer_kind(provider, tmp_path):
    from qgis.core import QgsProcessingException

    centres = _memory_points(
        "centres",
        ["shelter_id:integer", "capacity:integer"],
        [(-17500.0, -33000.0, 1, 800), (-17000.0, -32500.0, 2, 400)],
    )
    out = tmp_path / "public"
    # Two facility fields: recognised; declared too, the same kind.
    _run("publicexport", {"LAYERS": [centres], "KIND": "centres=shelters", "OUTPUT_FOLDER": str(out)})
    assert len(_features(out / "data" / "shelters.geojson")) == 2
    for bad, message in (
        ("centres=no_such_kind", "no_such_kind"),
        ("elsewhere=shelters", "elsewhere"),
        ("centres", "KIND"),
    ):
        with pytest.raises(QgsProcessingException, match=message):
            _run("publicexport", {"LAYERS": [centres], "KIND": bad, "OUTPUT_FOLDER": str(tmp_path / "x")})
    with pytest.raises(QgsProcessingException, match="BUILDING_LEVEL"):
        _run(
            "publicexport",
            {"LAYERS": [centres], "BUILDING_LEVEL": "evacuation_origins", "OUTPUT_FOLDER": str(tmp_path / "y")},
        )


@pytest.mark.parametrize(
    "change, message",
    [
        ({"BASEMAP_URL": "https://example.org/tiles.png"}, "BASEMAP_URL"),
        ({"BASEMAP": 3}, "BASEMAP_URL"),
        ({"SCENARIO": "magnitude seven"}, "SCENARIO"),
        ({"LICENSE": " "}, "LICENSE"),
    ],
)
def test_bad_parameters_raise(provider, tmp_path, change, message):
    from qgis.core import QgsProcessingException

    params = {"LAYERS": [sample_layer("districts")], "OUTPUT_FOLDER": str(tmp_path / "out"), **change}
    with pytest.raises(QgsProcessingException, match=message):
        _run("publicexport", params)
    assert not (tmp_path / "out").exists()


def test_existing_folder_needs_overwrite(provider, tmp_path):
    from qgis.core import QgsProcessingException

    out = tmp_path / "public"
    _run("publicexport", {"LAYERS": [sample_layer("districts")], "OUTPUT_FOLDER": str(out)})
    with pytest.raises(QgsProcessingException, match="OVERWRITE"):
        _run("publicexport", {"LAYERS": [sample_layer("shelters")], "OUTPUT_FOLDER": str(out)})
    assert (out / "data" / "districts.geojson").exists()
    _run("publicexport", {"LAYERS": [sample_layer("shelters")], "OUTPUT_FOLDER": str(out), "OVERWRITE": True})
    assert (out / "data" / "shelters.geojson").exists() and not (out / "data" / "districts.geojson").exists()


def test_unknown_profile_key_and_unknown_kind(provider, tmp_path):
    from qgis.core import QgsProcessingException

    profile = tmp_path / "profile.json"
    profile.write_text(json.dumps({"version": 1, "kinds": {}, "publish_everything": True}), encoding="utf-8")
    with pytest.raises(QgsProcessingException, match="publish_everything"):
        _run(
            "publicexport",
            {"LAYERS": [sample_layer("districts")], "PROFILE": str(profile), "OUTPUT_FOLDER": str(tmp_path / "a")},
        )
    homes = _memory_points("homes [no_such_kind]", ["n:integer"], [(-17000.0, -33000.0, 1)])
    with pytest.raises(QgsProcessingException, match="no_such_kind"):
        _run("publicexport", {"LAYERS": [homes], "OUTPUT_FOLDER": str(tmp_path / "b")})
    with pytest.raises(QgsProcessingException, match="nothing to export"):
        _run("publicexport", {"LAYERS": [sample_layer("roads")], "OUTPUT_FOLDER": str(tmp_path / "c")})
    assert not any((tmp_path / name).exists() for name in "abc")


def test_cancel_leaves_nothing(provider, tmp_path):
    from qgis.core import QgsProcessingException, QgsProcessingFeedback

    class CancelSoon(QgsProcessingFeedback):
        def pushInfo(self, info):
            super().pushInfo(info)
            if "exporting" in info:
                self.cancel()

    out = tmp_path / "public"
    with pytest.raises(QgsProcessingException, match="Cancel"):
        _run(
            "publicexport",
            {"LAYERS": [sample_layer("districts"), sample_layer("shelters")], "OUTPUT_FOLDER": str(out)},
            feedback=CancelSoon(),
        )
    assert list(tmp_path.iterdir()) == []
