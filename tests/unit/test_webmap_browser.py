"""The exported web map in real headless Chromium, served from 127.0.0.1 (no internet).

Checks: no console errors, every layer in the switcher and drawn, the language toggle changes the
legend labels, a popup shows labelled values, nothing is fetched from another origin. Saves a
screenshot under the test's temporary folder and prints its path.
"""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import threading
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest
import shapely
from rasterio.crs import CRS

from suginami_gis.core.publish.export import RasterLayer, VectorLayer, export_public
from suginami_gis.core.publish.profile import load_profile
from suginami_gis.core.rasters import Grid, write_geotiff

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
CHROME_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
    "--window-size=1280,900",
)
# Asagaya, Suginami (139.636 E, 35.699 N) in EPSG:6677 metres.
X0, Y0 = -17857.892, -33376.536


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
        "width_m": [4.0] * 8,
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


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.skip("Debian's chromium and chromium-driver are needed (/usr/bin/chromium, /usr/bin/chromedriver)")
    pytest.importorskip("selenium", reason="selenium is needed for the browser test (requirements-dev.txt)")
    tmp = tmp_path_factory.mktemp("webmap")
    result = export_public(
        _layers(tmp),
        tmp / "public",
        title_ja="杉並区 想定地震マップ",
        title_en="Suginami scenario map",
        attribution="杉並区 (test)",
        scenario={"MAGNITUDE": 7.3, "SCENARIO_HOUR": 18},
        building_level=["damage_buildings"],  # per-building popups (the default publishes districts)
    )
    handler = functools.partial(_QuietHandler, directory=str(result.folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield result, f"http://127.0.0.1:{server.server_port}/index.html", tmp
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
def browser(served):
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    _, _, tmp = served
    options = Options()
    options.binary_location = str(CHROMIUM)
    for arg in CHROME_ARGS:
        options.add_argument(arg)
    profile_dir = tmp / "chromium-profile"
    options.add_argument(f"--user-data-dir={profile_dir}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_script_timeout(60)
    yield driver
    driver.quit()
    shutil.rmtree(profile_dir, ignore_errors=True)


@pytest.fixture(scope="module")
def page(served, browser):
    result, url, _ = served
    browser.get(url)
    state = browser.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "window.suginamiWebMap.ready.then(function () { done('ready'); }, function (e) { done('error: ' + e); });"
    )
    assert state == "ready"
    # Let MapLibre draw the sources (idle = all tiles loaded and rendered).
    browser.execute_async_script(
        "var done = arguments[arguments.length - 1]; var m = window.suginamiWebMap.map;"
        "if (m.loaded() && m.areTilesLoaded()) { done(true); } else { m.once('idle', function () { done(true); }); }"
    )
    return result


def _legend_labels(browser) -> list[str]:
    return browser.execute_script(
        "return Array.from(document.querySelectorAll('.legend-label')).map(e => e.textContent);"
    )


def test_page_loads_without_console_errors_or_external_requests(page, browser, served):
    _, url, _ = served
    severe = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert severe == []
    origin = url.rsplit("/", 1)[0]
    resources = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name);")
    assert resources, "the page loaded no resources at all"
    assert all(name.startswith((origin, "blob:", "data:")) for name in resources), resources
    assert "/vendor/maplibre-gl.js" in _QuietHandler.requests


def test_every_layer_is_in_the_switcher_and_drawn(page, browser):
    result = page
    expected = [layer.id for layer in result.layers]
    in_switcher = browser.execute_script(
        "return Array.from(document.querySelectorAll('#layer-list > li')).map(e => e.getAttribute('data-layer-id'));"
    )
    assert sorted(in_switcher) == sorted(expected)
    config_ids = browser.execute_script("return window.suginamiWebMap.layerIds();")
    assert sorted(config_ids) == sorted(expected)
    drawn = browser.execute_script(
        "var m = window.suginamiWebMap.map;"
        "return ['damage_buildings-fill', 'shelters-circle', 'road_blockage-line']"
        ".map(id => m.queryRenderedFeatures({layers: [id]}).length);"
    )
    assert all(count > 0 for count in drawn), drawn
    # Toggling a layer off in the switcher hides it on the map.
    browser.execute_script("document.getElementById('toggle-shelters').click();")
    assert (
        browser.execute_script("return window.suginamiWebMap.map.getLayoutProperty('shelters-circle', 'visibility');")
        == "none"
    )
    browser.execute_script("document.getElementById('toggle-shelters').click();")
    assert (
        browser.execute_script("return window.suginamiWebMap.map.getLayoutProperty('shelters-circle', 'visibility');")
        == "visible"
    )


def test_language_toggle_changes_the_legend_labels(page, browser):
    profile = load_profile()
    intensity = profile.kinds["ground_motion_intensity"].legend
    browser.execute_script("document.getElementById('lang-ja').click();")
    ja = _legend_labels(browser)
    assert intensity.classes[0].label.ja in ja and "震度5弱" in ja
    browser.find_element("id", "lang-en").click()
    en = _legend_labels(browser)
    assert len(en) == len(ja) and en != ja
    assert [c.label.en for c in intensity.classes] == en[-len(intensity.classes) :]  # the raster is listed last
    assert browser.execute_script("return document.documentElement.lang;") == "en"
    assert browser.find_element("id", "title").text == "Suginami scenario map"
    assert "Licence: CC BY 4.0" in browser.find_element("id", "notice").text
    browser.execute_script("document.getElementById('lang-ja').click();")
    assert _legend_labels(browser) == ja
    assert "ライセンス: CC BY 4.0" in browser.find_element("id", "notice").text


def test_popup_shows_labelled_values(page, browser, served):
    _, _, tmp = served
    browser.execute_script("document.getElementById('lang-ja').click();")
    text_ja = browser.execute_script("return window.suginamiWebMap.openPopup('districts', 0);")
    assert "地区名" in text_ja and "阿佐谷南一丁目" in text_ja and "人口" in text_ja and "1,500" in text_ja
    # District A2 has 7 residents (< MIN_COUNT): its population is shown as suppressed, not as a number.
    text_small = browser.execute_script("return window.suginamiWebMap.openPopup('districts', 1);")
    assert "非公開" in text_small and "7" not in text_small.replace("阿佐谷南二丁目", "")
    browser.execute_script("document.getElementById('lang-en').click();")
    text_en = browser.execute_script("return window.suginamiWebMap.openPopup('damage_buildings', 0);")
    assert "Probability of collapse" in text_en and "Structure" in text_en
    assert ("wooden" in text_en) or ("non-wooden" in text_en)
    popup_count = browser.execute_script("return document.querySelectorAll('.maplibregl-popup').length;")
    assert popup_count == 1
    text = browser.execute_script("return window.suginamiWebMap.openPopup('districts', 0);")
    assert "District" in text and "Asagaya-minami 1" in text
    screenshot = tmp / "webmap.png"
    assert browser.save_screenshot(str(screenshot))
    assert screenshot.stat().st_size > 10_000
    print(f"web map screenshot: {screenshot}")
    meta = json.loads((page.folder / "metadata.json").read_text(encoding="utf-8"))
    assert len(meta["layers"]) == len(page.layers)
