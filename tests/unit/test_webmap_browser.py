"""The exported web map in real headless Chromium, from 127.0.0.1 and from disk (file://); no internet.

Checks: no console errors, every layer in the switcher and drawn, each of the five languages
(ja, en, zh-Hans, ko, ja-x-easy) at desktop and mobile (375 x 667) size with zero WCAG 2.1 A/AA
violations found by axe-core (vendored in tests/data/axe-core), keyboard use of the layer list,
language menu and place list (a popup opened by keyboard), popups formatted for citizens, the
scenario sentence, the offline basemap (also when the online tiles fail) and the disk fallback,
nothing fetched from another origin. Screenshots go to the test's temporary folder, or to the
folder named by SUGINAMI_WEBMAP_SCREENSHOTS (docs/images for the documentation).
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import threading
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest
import shapely
from chromium import chromium, require_chromium
from rasterio.crs import CRS

from suginami_gis.core.publish.export import RasterLayer, VectorLayer, export_public
from suginami_gis.core.publish.profile import FieldSpec, Text, load_profile
from suginami_gis.core.rasters import Grid, write_geotiff

AXE = Path(__file__).resolve().parents[1] / "data" / "axe-core" / "axe.min.js"
LANGUAGES = ("ja", "en", "zh-Hans", "ko", "ja-x-easy")
SIZES = {"desktop": (1280, 800, False), "mobile": (375, 667, True)}
# Asagaya, Suginami (139.636 E, 35.699 N) in EPSG:6677 metres.
X0, Y0 = -17857.892, -33376.536
FACTS = {
    "magnitude": 7.3,
    "source": "tokyo_bay_north",
    "season": "winter",
    "hour": 18,
    "wind_ms": 8,
    "mitigation": None,
}


def _layers(tmp: Path) -> list:
    rng = np.random.default_rng(11)
    n = 120
    cx, cy = X0 + rng.uniform(50, 850, n), Y0 + rng.uniform(50, 850, n)
    damage = {
        "building_id": np.arange(n),
        "structure": rng.choice(["wood", "non_wood"], n),
        "floors": rng.integers(1, 4, n),
        "occupants": rng.integers(1, 6, n),
        "intensity": rng.uniform(5.0, 6.6, n),
        "pgv": rng.uniform(20, 120, n),
        "p_collapse": rng.uniform(0, 0.6, n),
        "p_half": rng.uniform(0.2, 0.9, n),
    }
    districts = [
        shapely.box(X0 + i * 450, Y0 + j * 450, X0 + (i + 1) * 450, Y0 + (j + 1) * 450)
        for i in range(2)
        for j in range(2)
    ]
    district_attrs = {
        "district_id": ["A1", "A2", "B1", "B2"],
        "name_ja": ["阿佐谷南一丁目", "阿佐谷南二丁目", "高円寺北一丁目", "高円寺北二丁目"],
        "name_en": ["Asagaya-minami 1", "Asagaya-minami 2", "Koenji-kita 1", "Koenji-kita 2"],
        "population": [1500, 7, 900, 1100],
    }
    shelters = shapely.points([X0 + 200, X0 + 700], [Y0 + 200, Y0 + 650])
    shelter_attrs = {
        "shelter_id": [1, 2],
        "name_ja": ["杉並第六小学校", "阿佐ヶ谷中学校"],
        "name_en": ["No. 6 ES", "Asagaya JHS"],
        "capacity": [1200, 900],
    }
    roads = [shapely.LineString([(X0, Y0 + 100 * k), (X0 + 900, Y0 + 100 * k)]) for k in range(1, 9)]
    road_attrs = {
        "road_id": list(range(1, 9)),
        "width_m": [4.0, 4.0, 12.0, 4.0, 4.0, 9.0, 4.0, 4.0],
        "damage_ratio": [0.1] * 8,
        "p_block": np.linspace(0, 0.8, 8),
    }
    grid = Grid.from_extent(X0, Y0, X0 + 900, Y0 + 900, 30.0, CRS.from_epsg(6677).to_wkt())
    xs, _ = grid.centers()
    tif = tmp / "intensity.tif"
    write_geotiff(tif, grid, [np.tile(5.0 + (xs - X0) / 600.0, (grid.height, 1))], 1, descriptions=["JMA intensity"])
    return [
        VectorLayer("building damage", shapely.box(cx, cy, cx + 9, cy + 11), damage, "EPSG:6677"),
        VectorLayer("districts", districts, district_attrs, "EPSG:6677"),
        VectorLayer("relief centres", shelters, shelter_attrs, "EPSG:6677"),
        VectorLayer("road blockage", roads, road_attrs, "EPSG:6677"),
        RasterLayer("ground motion", str(tif)),
    ]


def _citizen_profile():
    """The built-in profile with the field formats the page renders (percent, count, localized names)."""
    profile = load_profile()
    districts = profile.kinds["districts"]
    fields = []
    for f in districts.fields:
        if f.name == "name_ja":
            fields.append(_with(f, localized={"ja": "name_ja", "en": "name_en"}, label=Text("地区名", "District")))
        elif f.name == "population":
            fields.append(_with(f, format="count"))
        else:
            fields.append(f)
    damage = profile.kinds["damage_buildings"]
    damage_fields = [_with(f, format="percent") if f.name.startswith("p_") else f for f in damage.fields]
    kinds = dict(profile.kinds)
    kinds["districts"] = _replace(districts, fields=tuple(fields))
    kinds["damage_buildings"] = _replace(damage, fields=tuple(damage_fields))
    return _replace(profile, kinds=kinds)


def _with(field: FieldSpec, **extra):
    """A FieldSpec whose config dict also carries ``extra`` (format, localized) as the data side writes them."""
    label = extra.pop("label", field.label)

    class _Field(FieldSpec):
        def as_dict(self):
            return {**super().as_dict(), **extra}

    return _Field(field.name, label, field.unit, field.decimals, field.suppress, field.values)


def _replace(obj, **changes):
    import dataclasses

    return dataclasses.replace(obj, **changes)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    require_chromium()
    tmp = tmp_path_factory.mktemp("webmap")
    result = export_public(
        _layers(tmp),
        tmp / "public",
        profile=_citizen_profile(),
        title_ja="杉並区 想定地震マップ",
        title_en="Suginami scenario map",
        attribution="杉並区 (test)",
        scenario={"MAGNITUDE": 7.3, "SCENARIO_HOUR": 18},
        scenario_facts=FACTS,
        building_level=["damage_buildings"],  # per-building popups (the default publishes districts)
    )
    # A second export whose online basemap cannot load (nothing listens on port 9).
    failing = export_public(
        _layers(tmp)[1:4],
        tmp / "failing_tiles",
        basemap="url",
        basemap_url="http://127.0.0.1:9/{z}/{x}/{y}.png",
        scenario_facts={**FACTS, "mitigation": {"retrofit_rate": 0.96, "fireproof_rate": 0.7}},
    )
    return result, failing, tmp


@pytest.fixture(scope="module")
def served(exported):
    result, _, tmp = exported
    handler = functools.partial(_QuietHandler, directory=str(result.folder.parent))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/public/index.html"
    server.shutdown()
    server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    requests: ClassVar[list[str]] = []

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        _QuietHandler.requests.append(self.path)
        super().do_GET()


@pytest.fixture(scope="module")
def browser(exported):
    _, _, tmp = exported
    with chromium(tmp / "chromium-profile", (1280, 800), script_timeout=60) as driver:
        yield driver


def _url(origin: str, served: str, folder: Path, lang: str | None = None, page: str = "public") -> str:
    if origin == "http":
        base = served.replace("/public/", f"/{page}/")
    else:
        base = (folder.parent / page / "index.html").as_uri()
    return base + (f"?lang={lang}" if lang else "")


def _open(browser, url: str, size: str = "desktop", idle: bool = True) -> None:
    width, height, mobile = SIZES[size]
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile},
    )
    browser.get_log("browser")  # drop the messages of earlier pages
    browser.get(url)
    state = browser.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "window.suginamiWebMap.ready.then(function () { done('ready'); }, function (e) { done('error: ' + e); });"
    )
    assert state == "ready"
    if not idle:
        return
    # Let MapLibre draw the sources (idle = all tiles loaded and rendered).
    browser.execute_async_script(
        "var done = arguments[arguments.length - 1]; var m = window.suginamiWebMap.map;"
        "if (m.loaded() && m.areTilesLoaded()) { done(true); } else { m.once('idle', function () { done(true); }); }"
    )


def _axe_violations(browser) -> list[dict]:
    """axe-core's WCAG 2.0/2.1 A and AA violations of the page (and a check that its rules ran)."""
    browser.execute_script(AXE.read_text(encoding="utf-8"))
    result = browser.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
        ".then(function (r) { done({passes: r.passes.length, violations: r.violations.map(function (v) {"
        "  return {id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(function (n) {"
        "    return n.target.join(' ') + ': ' + n.failureSummary; })};"
        "})}); }, function (e) { done({passes: 0, violations: [{id: 'axe error', nodes: [String(e)]}]}); });"
    )
    assert result["passes"] >= 10, result  # e.g. color-contrast, label, html-has-lang, button-name ...
    return result["violations"]


def _legend_labels(browser) -> list[str]:
    return browser.execute_script(
        "return Array.from(document.querySelectorAll('.legend-label')).map(e => e.textContent);"
    )


def _resources(browser) -> list[str]:
    return browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name);")


def _screenshot(browser, tmp: Path, name: str) -> Path:
    folder = Path(os.environ.get("SUGINAMI_WEBMAP_SCREENSHOTS") or tmp)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    assert browser.save_screenshot(str(path))
    image = pytest.importorskip("PIL.Image")
    with image.open(path) as shot:  # a 256-colour palette keeps docs/images small
        shot.convert("RGB").quantize(256).save(path, optimize=True)
    print(f"web map screenshot: {path}")
    return path


# Expected texts of each language: the language menu's own name, a page text and a legend label of
# the intensity raster or the building-damage legend (translation tables, resources/web/i18n).
EXPECTED = {
    "ja": ("日本語", "レイヤ", "建物被害（全壊確率）"),
    "en": ("English", "Layers", "Building damage (probability of collapse)"),
    "zh-Hans": ("简体中文", "图层", "建筑损坏（全毁概率）"),
    "ko": ("한국어", "레이어", "건물 피해 (전파 확률)"),
    "ja-x-easy": ("やさしい日本語", "ちずの しゅるい", "たてものの ひがい（こわれる かのうせい）"),
}
SENTENCE = {
    "ja": "東京湾北部を震源とするM7.3の地震、冬の夕方18時、風速8m/s。",
    "en": "M7.3 earthquake under northern Tokyo Bay, winter evening 18:00, wind 8 m/s.",
}


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("origin", ["http", "file"])
def test_each_language_and_size_is_accessible(exported, served, browser, origin, lang, size):
    result, _, tmp = exported
    url = _url(origin, served, result.folder, lang)
    _open(browser, url, size)
    assert browser.execute_script("return window.suginamiWebMap.language();") == lang
    html_lang = browser.execute_script("return document.documentElement.lang;")
    assert html_lang == ("ja" if lang == "ja-x-easy" else lang)
    name, layers_text, layer_title = EXPECTED[lang]
    assert browser.execute_script("return document.getElementById('language').selectedOptions[0].textContent;") == name
    assert browser.find_element("id", "panel-heading").get_attribute("textContent") == layers_text
    titles = browser.execute_script(
        "return Array.from(document.querySelectorAll('.layer-title')).map(e => e.textContent.trim());"
    )
    assert layer_title in titles
    severe = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert severe == [], "\n".join(severe)
    # axe-core itself reads the style sheets (which a page from disk may not): its messages are not the page's.
    violations = _axe_violations(browser)
    assert violations == [], json.dumps(violations, ensure_ascii=False, indent=1)
    origin_prefix = url.rsplit("/", 1)[0]
    assert all(name.startswith((origin_prefix, "blob:", "data:")) for name in _resources(browser))
    from_disk = origin == "file"
    note_shown = browser.execute_script("return !document.getElementById('offline-note').hidden;")
    assert note_shown == from_disk  # the raster's tiles load only when served
    if size == "mobile":
        # The notice is a closed bottom sheet and the layer panel a button: the map stays usable.
        assert browser.find_element("id", "notice-toggle").get_attribute("aria-expanded") == "false"
        assert browser.find_element("id", "panel-toggle").get_attribute("aria-expanded") == "false"
        width = browser.execute_script("return document.documentElement.scrollWidth;")
        assert width <= 375
    names = {("http", "ja", "desktop"): "webmap_desktop_ja.png", ("file", "en", "mobile"): "webmap_mobile_en.png"}
    names[("http", "ja-x-easy", "desktop")] = "webmap_desktop_ja-x-easy.png"
    if (origin, lang, size) in names:
        if size == "mobile":
            browser.find_element("id", "notice-toggle").click()
        _screenshot(browser, tmp, names[(origin, lang, size)])


def test_language_follows_the_browser_and_the_menu_works_by_keyboard(exported, served, browser):
    from selenium.webdriver.common.keys import Keys

    result, _, _ = exported
    browser.execute_cdp_cmd("Emulation.setLocaleOverride", {"locale": "ko-KR"})
    try:
        browser.execute_cdp_cmd("Network.enable", {})
        browser.execute_cdp_cmd("Network.setUserAgentOverride", {"userAgent": "test", "acceptLanguage": "ko-KR,ko"})
        _open(browser, _url("http", served, result.folder))
        assert browser.execute_script("return navigator.languages[0];").startswith("ko")
        assert browser.execute_script("return window.suginamiWebMap.language();") == "ko"
    finally:
        browser.execute_cdp_cmd("Network.setUserAgentOverride", {"userAgent": "", "acceptLanguage": ""})
        browser.execute_cdp_cmd("Emulation.setLocaleOverride", {})
    _open(browser, _url("http", served, result.folder, "ja"))
    menu = browser.find_element("id", "language")
    menu.send_keys(Keys.ARROW_DOWN)  # ja -> en, by keyboard only
    assert browser.execute_script("return window.suginamiWebMap.language();") == "en"
    assert browser.find_element("id", "title").text == "Suginami scenario map"
    assert "Licence: CC BY 4.0" in browser.find_element("id", "notice").text


def test_layer_list_and_popup_by_keyboard(exported, served, browser):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    result, _, tmp = exported
    _open(browser, _url("file", served, result.folder, "en"))
    box = browser.find_element("id", "toggle-shelters")
    box.send_keys(Keys.SPACE)
    visibility = "return window.suginamiWebMap.map.getLayoutProperty('shelters-circle', 'visibility');"
    assert browser.execute_script(visibility) == "none"
    box.send_keys(Keys.SPACE)
    assert browser.execute_script(visibility) == "visible"
    # Choose the districts in the place list by keyboard, Tab to the first name, Enter: its popup opens.
    chooser = browser.find_element("id", "feature-layer")
    options = [o.get_attribute("value") for o in chooser.find_elements("tag name", "option")]
    chooser.click()
    for _ in range(options.index("districts")):
        chooser.send_keys(Keys.ARROW_DOWN)
    chooser.send_keys(Keys.ENTER)
    assert chooser.get_attribute("value") == "districts"
    chooser.send_keys(Keys.TAB)
    focused = browser.switch_to.active_element
    assert focused.get_attribute("class") == "feature-button"
    assert focused.text == "Asagaya-minami 1"  # the English name of a localized field
    ActionChains(browser).send_keys(Keys.ENTER).perform()
    popup = browser.find_element("css selector", ".maplibregl-popup")
    assert "Asagaya-minami 1" in popup.text and "Population" in popup.text and "1,500" in popup.text
    assert browser.execute_script("return document.activeElement.closest('.maplibregl-popup') !== null;")
    # The notice closed itself so it does not cover the popup.
    assert browser.find_element("id", "notice-toggle").get_attribute("aria-expanded") == "false"
    _screenshot(browser, tmp, "webmap_keyboard_popup.png")
    ActionChains(browser).send_keys(Keys.ESCAPE).perform()
    assert browser.find_elements("css selector", ".maplibregl-popup") == []
    assert browser.switch_to.active_element.text == "Asagaya-minami 1"  # focus back on the list
    # On the map itself: centre it on a relief centre, focus the map, Enter opens that centre's popup.
    browser.execute_script(
        "var d = window.SUGINAMI_DATA.shelters.features[0].geometry.coordinates;"
        "window.suginamiWebMap.map.jumpTo({center: d, zoom: 17});"
    )
    browser.execute_async_script(
        "var done = arguments[arguments.length - 1]; window.suginamiWebMap.map.once('idle', function () { done(); });"
        "window.suginamiWebMap.map.triggerRepaint();"
    )
    canvas = browser.find_element("css selector", ".maplibregl-canvas")
    canvas.send_keys(Keys.ENTER)
    popup = browser.find_element("css selector", ".maplibregl-popup")
    assert "Relief centres" in popup.text and "No. 6 ES" in popup.text


def test_popups_format_values_for_citizens(exported, served, browser):
    result, _, _ = exported
    _open(browser, _url("http", served, result.folder, "ja"))
    text_ja = browser.execute_script("return window.suginamiWebMap.openPopup('districts', 0);")
    assert "地区名" in text_ja and "阿佐谷南一丁目" in text_ja and "人口" in text_ja and "1,500" in text_ja
    # District A2 has 7 residents (< MIN_COUNT): its population is shown as suppressed, not as a number.
    text_small = browser.execute_script("return window.suginamiWebMap.openPopup('districts', 1);")
    assert "非公開" in text_small and "7" not in text_small.replace("阿佐谷南二丁目", "")
    browser.execute_script("window.suginamiWebMap.setLanguage('en');")
    text_en = browser.execute_script("return window.suginamiWebMap.openPopup('damage_buildings', 0);")
    assert "Probability of collapse" in text_en and "Structure" in text_en
    assert ("wooden" in text_en) or ("non-wooden" in text_en)
    # Probabilities (fractions 0..1) are shown as percentages by their "percent" format.
    p = json.loads((result.folder / "data" / "damage_buildings.geojson").read_text(encoding="utf-8"))
    p_collapse = p["features"][0]["properties"]["p_collapse"]
    assert f"{100 * p_collapse:.1f}%".replace(".0%", "%") in text_en
    assert browser.execute_script("return document.querySelectorAll('.maplibregl-popup').length;") == 1
    text = browser.execute_script("return window.suginamiWebMap.openPopup('districts', 0);")
    assert "District" in text and "Asagaya-minami 1" in text and "阿佐谷" not in text
    browser.execute_script("window.suginamiWebMap.setLanguage('zh-Hans');")
    text_zh = browser.execute_script("return window.suginamiWebMap.openPopup('districts', 0);")
    assert "人口" in text_zh and "Asagaya-minami 1" in text_zh  # no Chinese name: the English one
    browser.execute_script("window.suginamiWebMap.setLanguage('ja-x-easy');")
    text_easy = browser.execute_script("return window.suginamiWebMap.openPopup('districts', 0);")
    assert "阿佐谷南一丁目" in text_easy  # やさしい日本語 falls back to Japanese names


def test_scenario_sentence_current_and_mitigated(exported, served, browser):
    result, failing, _ = exported
    _open(browser, _url("http", served, result.folder, "en"))
    assert browser.execute_script("return window.suginamiWebMap.scenarioSentence();") == (
        SENTENCE["en"] + " This map shows the current state, without added measures."
    )
    notice = browser.find_element("id", "notice").text
    assert SENTENCE["en"] in notice and "SCENARIO_HOUR" not in notice and "MAGNITUDE" not in notice
    browser.execute_script("window.suginamiWebMap.setLanguage('ja');")
    assert browser.find_element("id", "scenario-sentence").text.startswith(SENTENCE["ja"])
    _open(browser, _url("http", served, failing.folder, "en", page="failing_tiles"), idle=False)
    sentence = browser.execute_script("return window.suginamiWebMap.scenarioSentence();")
    assert "96% of buildings meet the 1981 earthquake-resistance standard" in sentence
    assert "fire-proofing reaches 70%" in sentence


def test_every_layer_is_drawn_over_the_offline_basemap(exported, served, browser):
    result, _, _ = exported
    _open(browser, _url("http", served, result.folder, "en"))
    expected = [layer.id for layer in result.layers]
    in_switcher = browser.execute_script(
        "return Array.from(document.querySelectorAll('#layer-list > li')).map(e => e.getAttribute('data-layer-id'));"
    )
    assert sorted(in_switcher) == sorted(expected)
    drawn = browser.execute_script(
        "var m = window.suginamiWebMap.map;"
        "return ['damage_buildings-fill', 'shelters-circle', 'road_blockage-line', '_basemap-ward', '_basemap-road',"
        " '_basemap-district', '_basemap-centre'].map(id => m.queryRenderedFeatures({layers: [id]}).length);"
    )
    assert all(count > 0 for count in drawn), drawn
    assert browser.execute_script("return window.suginamiWebMap.config.basemap;") is None
    assert "/vendor/maplibre-gl.js" in " ".join(_QuietHandler.requests)


def test_failing_online_basemap_leaves_the_offline_basemap(exported, served, browser):
    _, failing, _ = exported
    from selenium.webdriver.support.ui import WebDriverWait

    _open(browser, _url("http", served, failing.folder, "en", page="failing_tiles"), idle=False)
    basemap = browser.execute_script("return window.suginamiWebMap.config.basemap;")
    assert basemap["url"] == "http://127.0.0.1:9/{z}/{x}/{y}.png"
    WebDriverWait(browser, 30).until(lambda b: b.execute_script("return window.suginamiWebMap.basemapFailures();") > 0)
    browser.execute_async_script(
        "var done = arguments[arguments.length - 1]; var m = window.suginamiWebMap.map;"
        "m.once('render', function () { done(true); }); m.triggerRepaint();"
    )
    drawn = browser.execute_script(
        "var m = window.suginamiWebMap.map;"
        "return ['_basemap-ward', '_basemap-district', '_basemap-road'].map(id => m.queryRenderedFeatures({layers: [id]}).length);"
    )
    assert all(count > 0 for count in drawn), drawn
    assert browser.execute_script("return window.suginamiWebMap.errors;") == []


def test_from_disk_tile_layers_give_way_to_district_layers(exported, served, browser):
    result, _, _ = exported
    _open(browser, _url("file", served, result.folder, "en"))
    assert browser.execute_script("return window.suginamiWebMap.unavailable();") == ["ground_motion_intensity"]
    note = browser.find_element("id", "offline-note").text
    assert "Opened from a file" in note
    box = browser.find_element("id", "toggle-ground_motion_intensity")
    assert box.get_attribute("disabled") == "true" and not box.is_selected()
    visibility = "return window.suginamiWebMap.map.getLayoutProperty('districts-fill', 'visibility');"
    assert browser.execute_script(visibility) == "visible"  # the district layer shown in place of the raster
    count = browser.execute_script(
        "return window.suginamiWebMap.map.queryRenderedFeatures({layers: ['districts-fill']}).length;"
    )
    assert count > 0  # GeoJSON layers load from their scripts (data/<id>.js) from disk
    _open(browser, _url("http", served, result.folder, "en"))
    assert browser.execute_script(visibility) == "none"  # served, the raster is shown and districts are not
    assert browser.execute_script("return window.suginamiWebMap.unavailable();") == []
