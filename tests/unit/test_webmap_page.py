"""The web map's files without a browser: translation tables, basemaps, data scripts for file://.

The browser behaviour is tested in test_webmap_browser.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
import shapely

from suginami_gis.core.errors import InputError
from suginami_gis.core.publish import webmap
from suginami_gis.core.publish.export import _ZONE_FIELD_LABELS, VectorLayer, export_public
from suginami_gis.core.publish.profile import Text, load_profile
from suginami_gis.core.publish.webmap import (
    GSI_BASEMAPS,
    WEB_LANGUAGES,
    load_translations,
    notice_paragraphs,
    offline_basemap,
    resolve_basemap,
)

# Languages whose texts of the export come from the tables (ja and en are in the export's Text pairs).
TABLE_LANGUAGES = ("zh-Hans", "ko", "ja-x-easy")
X0, Y0 = -17857.892, -33376.536


def _translate(table: dict, english: str) -> str | None:
    """The table's text for an English text as app.js looks it up: exact, else a {0} pattern."""
    strings = table["strings"]
    if english in strings and strings[english]["text"]:
        return strings[english]["text"]
    for key, entry in strings.items():
        if "{0}" not in key or not entry["text"]:
            continue
        pattern = "^" + "(.+?)".join(re.escape(part) for part in key.split("{0}")) + "$"
        match = re.match(pattern, english)
        if match:
            parts = entry["text"].split("{0}")
            return parts[0] + "".join(match.group(i + 1) + part for i, part in enumerate(parts[1:]))
    return None


def _default_export_texts() -> set[str]:
    """Every English text the default export can put into config.js: profile, zone fields, notice, title."""
    texts: set[str] = set()

    def add(text: Text | None) -> None:
        if text is not None and text.en:
            texts.add(text.en)

    for spec in load_profile().kinds.values():
        add(spec.title)
        for f in spec.published_fields():
            add(f.label)
            add(f.unit)
            for value in f.values.values():
                add(value)
        if spec.legend is not None:
            add(spec.legend.title)
            for c in spec.legend.classes:
                add(c.label)
    for f in _ZONE_FIELD_LABELS.values():
        add(f.label)
    for aggregated in (False, True):
        # the scenario sentence is not a fixed text: the page writes it from scenarioFacts
        for p in notice_paragraphs(
            None, None, "CC BY 4.0", "https://x", "杉並区", "2025-01-17T05:46:00Z", 10, aggregated
        ):
            add(p)
    texts.add("Earthquake scenario map")
    return texts


@pytest.mark.parametrize("language", TABLE_LANGUAGES)
def test_every_text_of_the_default_export_has_a_translation(language):
    table = load_translations((language,))[language]
    missing = sorted(t for t in _default_export_texts() if _translate(table, t) is None)
    assert missing == [], f"{language}.json lacks: {missing}"


def test_tables_have_every_page_text_with_the_same_placeholders():
    tables = load_translations()
    assert set(tables) == set(WEB_LANGUAGES)
    reference = tables["en"]["ui"]
    for code, table in tables.items():
        assert table["language"] == code and table["name"]
        # en and ja need no note that the page is translated; every other text is in every table.
        expected = set(reference) | ({"translationNote"} if code in TABLE_LANGUAGES else set())
        assert set(table["ui"]) == expected, code
        for key, entry in {**table["ui"], **table["strings"]}.items():
            assert set(entry) == {"text", "reviewed"} and isinstance(entry["reviewed"], bool), (code, key)
        for key, entry in table["ui"].items():
            if key in reference:
                assert set(re.findall(r"\{\w+\}", entry["text"])) == set(re.findall(r"\{\w+\}", reference[key]["text"]))
        for key, entry in table["strings"].items():
            assert key.count("{0}") == entry["text"].count("{0}"), (code, key)
    assert tables["ja-x-easy"]["fallback"] == "ja" and tables["zh-Hans"]["fallback"] == "en"


def test_machine_or_unchecked_translations_are_marked_unreviewed():
    """Only texts that are the same in every language (numbers, units) may be marked reviewed in zh/ko/easy."""
    for code in TABLE_LANGUAGES:
        table = load_translations((code,))[code]
        for key, entry in table["strings"].items():
            if entry["reviewed"]:
                assert entry["text"] == key and re.fullmatch(r"[-0-9.%+ a-zA-Z²/]*", key), (code, key)


def test_basemap_choices():
    gsi = resolve_basemap("gsi_std", None)
    assert gsi.url == "https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png" == GSI_BASEMAPS["gsi_std"]
    assert '<a href="https://maps.gsi.go.jp/development/ichiran.html">地理院タイル</a>' == gsi.attribution_html
    assert resolve_basemap("gsi_pale", None).url.endswith("/xyz/pale/{z}/{x}/{y}.png")
    assert resolve_basemap("none", None).as_config() is None
    # BASEMAP_URL alone keeps working (BASEMAP left at none), with its attribution escaped.
    own = resolve_basemap("none", "https://tiles.example.org/{z}/{x}/{y}.png", "© <Example>")
    assert own.choice == "url" and own.as_config()["attribution"] == "© &lt;Example&gt;"
    with pytest.raises(InputError) as err:
        resolve_basemap("url", "")
    assert err.value.parameter == "BASEMAP_URL"
    with pytest.raises(InputError) as err:
        resolve_basemap("osm", None)
    assert err.value.parameter == "BASEMAP"


def test_offline_basemap_outlines_the_ward_and_keeps_major_roads():
    boxes = [
        shapely.box(139.60 + i * 0.01, 35.68 + j * 0.01, 139.61 + i * 0.01, 35.69 + j * 0.01)
        for i in range(2)
        for j in range(2)
    ]
    roads = [shapely.LineString([(139.60, 35.68 + k * 0.002), (139.62, 35.68 + k * 0.002)]) for k in range(5)]
    base = offline_basemap(boxes, roads, [4.0, 12.0, None, 8.0, 6.0], [shapely.Point(139.605, 35.685)])
    assert base is not None
    by_role: dict[str, list] = {}
    for f in base["features"]:
        by_role.setdefault(f["properties"]["role"], []).append(shapely.geometry.shape(f["geometry"]))
    assert len(by_role["ward"]) == 1
    # The ward outline is the union's outline: the 0.02 x 0.02 degree square, not the inner borders.
    assert by_role["ward"][0].length == pytest.approx(0.08, abs=1e-5)
    assert len(by_role["district"]) == 4
    # Roads of 8 m and more (12 m, 8 m), in input order.
    assert [r.coords[0][1] for r in by_role["road"]] == pytest.approx([35.682, 35.686])
    assert len(by_role["centre"]) == 1
    # No road reaches 8 m: those at or above the 75th percentile of widths (6 and 7 m); no widths: every road.
    narrow = offline_basemap([], roads, [3.0, 4.0, 5.0, 6.0, 7.0])
    assert narrow is not None and len(narrow["features"]) == 2
    assert len(offline_basemap([], roads)["features"]) == 5
    assert offline_basemap([], []) is None


def _export(tmp_path: Path, **kwargs):
    districts = [shapely.box(X0 + i * 450, Y0, X0 + (i + 1) * 450, Y0 + 450) for i in range(2)]
    attrs = {"district_id": ["A1", "A2"], "name_ja": ["阿佐谷南一丁目", "阿佐谷南二丁目"], "population": [1500, 900]}
    roads = [shapely.LineString([(X0, Y0 + 100 * k), (X0 + 900, Y0 + 100 * k)]) for k in range(1, 4)]
    road_attrs = {"road_id": [1, 2, 3], "width_m": [4.0, 12.0, 4.0], "p_block": [0.1, 0.2, 0.3]}
    return export_public(
        [
            VectorLayer("districts", districts, attrs, "EPSG:6677"),
            VectorLayer("road blockage", roads, road_attrs, "EPSG:6677"),
        ],
        tmp_path / "public",
        **kwargs,
    )


def _script_data(path: Path) -> tuple[str, dict]:
    text = path.read_text(encoding="utf-8")
    match = re.fullmatch(
        r'\(window\.SUGINAMI_DATA = window\.SUGINAMI_DATA \|\| \{\}\)\["([^"]+)"\] = (.*);\n', text, re.S
    )
    assert match, text[:200]
    return match.group(1), json.loads(match.group(2))


def test_small_layers_are_scripts_the_page_loads_from_disk(tmp_path):
    result = _export(tmp_path, scenario_facts={"magnitude": 7.3, "hour": 18})
    folder = result.folder
    for layer in result.layers:
        key, data = _script_data(folder / "data" / f"{layer.id}.js")
        assert key == layer.id
        assert data == json.loads((folder / "data" / f"{layer.id}.geojson").read_text(encoding="utf-8"))
        assert f"data/{layer.id}.js" in layer.files
    index = (folder / "index.html").read_text(encoding="utf-8")
    order = [m.group(1) for m in re.finditer(r'<script src="([^"]+)"></script>', index)]
    assert order[:4] == ["vendor/maplibre-gl.js", "vendor/pmtiles.js", "config.js", "i18n.js"] and order[-1] == "app.js"
    assert {"data/_basemap.js", "data/districts.js", "data/road_blockage.js"} <= set(order)
    key, base = _script_data(folder / "data" / "_basemap.js")
    roles = [f["properties"]["role"] for f in base["features"]]
    assert key == "_basemap" and roles.count("ward") == 1 and roles.count("district") == 2 and roles.count("road") == 1
    config_text = (folder / "config.js").read_text(encoding="utf-8")
    config = json.loads(config_text[config_text.index("{") : config_text.rindex("}") + 1])
    assert config["languages"] == ["ja", "en", "zh-Hans", "ko", "ja-x-easy"]
    assert config["scenarioFacts"] == {"magnitude": 7.3, "hour": 18}
    assert config["basemap"] is None and config["offlineBasemap"] == "data/_basemap.js"
    # With the plain-language facts, the notice does not list raw parameters.
    assert not any("Scenario:" in p["en"] for p in config["notice"]["paragraphs"])
    i18n = (folder / "i18n.js").read_text(encoding="utf-8")
    tables = json.loads(i18n[i18n.index("{") : i18n.rindex("}") + 1])
    assert tables["ko"]["ui"]["layers"] == "레이어" and tables["ja-x-easy"]["fallback"] == "ja"


def test_large_layers_are_not_inlined(tmp_path, monkeypatch):
    monkeypatch.setattr("suginami_gis.core.publish.export.INLINE_MAX_BYTES", 100)
    result = _export(tmp_path)
    assert not list((result.folder / "data").glob("districts.js"))
    assert any("only when served" in w for w in result.warnings)
    config_text = (result.folder / "config.js").read_text(encoding="utf-8")
    config = json.loads(config_text[config_text.index("{") : config_text.rindex("}") + 1])
    assert all("script" not in layer for layer in config["layers"])


def test_inline_threshold_is_about_the_vector_tile_cut_off():
    """8 MB of GeoJSON holds about the 20,000 building outlines above which layers go to tiles."""
    rng = np.random.default_rng(3)
    n = 500
    x, y = X0 + rng.uniform(0, 2000, n), Y0 + rng.uniform(0, 2000, n)
    layer = VectorLayer("b", shapely.box(x, y, x + 9, y + 11), {"p_collapse": rng.uniform(0, 1, n)}, "EPSG:6677")
    from suginami_gis.core.publish.geojson import feature_collection_text, to_rfc7946

    text = feature_collection_text(to_rfc7946(layer.geometries, layer.crs, "polygon"), [{"p": 0.123} for _ in range(n)])
    per_feature = len(text.encode()) / n
    assert 10_000 < webmap.INLINE_MAX_BYTES / per_feature < 60_000
