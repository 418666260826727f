"""The buildings' PMTiles archive drawn by the exported web map in real headless Chromium.

The export folder is served from 127.0.0.1 by a small handler that answers HTTP range requests
(RFC 9110 section 14), as any web host does; Python's http.server does not. The map is moved to
zoom 16 over the buildings and MapLibre's rendered features and the canvas's pixels are checked.
Saves a screenshot under the test's temporary folder and prints its path.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import threading
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest
import shapely
from chromium import chromium, require_chromium

from suginami_gis.core.publish.export import VectorLayer, export_public

# Asagaya, Suginami (139.636 E, 35.699 N) in EPSG:6677 metres.
X0, Y0 = -17857.892, -33376.536
N_SIDE = 28  # 784 buildings on a 25 m grid (700 m square): over the cut-off below, so they go to the archive


def _buildings() -> VectorLayer:
    ix, iy = np.meshgrid(np.arange(N_SIDE), np.arange(N_SIDE))
    x, y = X0 + 25.0 * ix.ravel(), Y0 + 25.0 * iy.ravel()
    n = x.size
    attributes = {
        "building_id": np.arange(n),
        "structure": np.where(np.arange(n) % 3 == 0, "non_wood", "wood"),
        "floors": 1 + np.arange(n) % 3,
        "intensity": np.full(n, 6.1),
        "pgv": np.full(n, 75.0),
        "p_collapse": (np.arange(n) % 50) / 100.0,  # every class of the legend
        "p_half": np.full(n, 0.6),
    }
    return VectorLayer("building damage", shapely.box(x, y, x + 15.0, y + 12.0), attributes, "EPSG:6677")


class _RangeHandler(http.server.SimpleHTTPRequestHandler):
    """A static file server that answers single "Range: bytes=a-b" requests with 206 Partial Content."""

    ranges: ClassVar[list[str]] = []

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        match = re.fullmatch(r"bytes=(\d*)-(\d*)", self.headers.get("Range", ""))
        path = Path(self.translate_path(self.path))
        if match is None or not path.is_file():
            super().do_GET()
            return
        size = path.stat().st_size
        first, last = match.groups()
        if first:
            start, end = int(first), min(int(last) if last else size - 1, size - 1)
        else:
            start, end = max(0, size - int(last)), size - 1
        if start > end:
            self.send_error(416)
            return
        _RangeHandler.ranges.append(f"{self.path} {start}-{end}")
        with open(path, "rb") as fh:
            fh.seek(start)
            body = fh.read(end - start + 1)
        self.send_response(206)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    require_chromium()
    tmp = tmp_path_factory.mktemp("pmtiles_map")
    result = export_public(
        [_buildings()],
        tmp / "public",
        vector_tile_cutoff=500,
        title_en="PMTiles test",
        building_level=["damage_buildings"],
    )
    handler = functools.partial(_RangeHandler, directory=str(result.folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield result, f"http://127.0.0.1:{server.server_port}/index.html", tmp
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser(served):
    _, _, tmp = served
    with chromium(tmp / "chromium-profile", (1000, 1000), script_timeout=90) as driver:
        yield driver


def test_buildings_are_drawn_at_zoom_16_from_the_archive(served, browser):
    result, url, tmp = served
    (layer,) = result.layers
    assert layer.web_source == "pmtiles"
    browser.get(url)
    state = browser.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "window.suginamiWebMap.ready.then(function () { done('ready'); }, function (e) { done('error: ' + e); });"
    )
    assert state == "ready"
    # Zoom 16 over the middle of the buildings, then wait until every tile is loaded and drawn.
    centre = browser.execute_script(
        "var m = window.suginamiWebMap.map; var b = m.getSource(arguments[0]);"
        "var c = window.suginamiWebMap.config.layers[0].bounds;"
        "var lng = (c[0] + c[2]) / 2, lat = (c[1] + c[3]) / 2; m.jumpTo({center: [lng, lat], zoom: 16});"
        "return [lng, lat, b.type];",
        layer.id,
    )
    assert centre[2] == "vector"
    browser.execute_async_script(
        "var done = arguments[arguments.length - 1]; var m = window.suginamiWebMap.map;"
        "function check() { if (m.loaded() && m.areTilesLoaded()) { done(true); } else { m.once('idle', check); } }"
        "m.once('idle', check); m.triggerRepaint();"
    )
    zoom = browser.execute_script("return window.suginamiWebMap.map.getZoom();")
    assert zoom == pytest.approx(16.0)
    rendered = browser.execute_script(
        "var m = window.suginamiWebMap.map;"
        "return m.queryRenderedFeatures({layers: [arguments[0] + '-fill']}).map(function (f) {"
        "  return [f.properties.p_collapse, Object.keys(f.properties).sort().join(',')]; });",
        layer.id,
    )
    # At zoom 16 (512-pixel tiles) the 1,000 x ~850 pixel canvas is about 970 x 820 m: every building.
    collapse_values = {round(v, 2) for v, _ in rendered}
    assert len(rendered) >= N_SIDE * N_SIDE
    assert collapse_values == {k / 100.0 for k in range(50)}
    assert {keys for _, keys in rendered} == {"floors,intensity,p_collapse,p_half,pgv,structure"}
    # The archive came in pieces (range requests), not as a whole file.
    archive = f"/data/{layer.id}.pmtiles"
    pieces = [r for r in _RangeHandler.ranges if r.startswith(archive)]
    assert len(pieces) >= 2
    size = (result.folder / "data" / f"{layer.id}.pmtiles").stat().st_size
    assert all(int(r.split()[1].split("-")[1]) < size for r in pieces)
    severe = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert severe == []
    assert browser.execute_script("return window.suginamiWebMap.errors;") == []
    # Pixels: the legend's top class colour (p_collapse 0.4 or more), as the page draws it over the
    # map's background (style.css #map), is on the canvas.
    legend = browser.execute_script("return window.suginamiWebMap.config.layers[0].legend;")
    opacity = browser.execute_script("return window.suginamiWebMap.config.layers[0].style.opacity;")
    top = legend["classes"][-1]["color"].lstrip("#")
    screenshot = tmp / "pmtiles_zoom16.png"
    assert browser.save_screenshot(str(screenshot))
    print(f"web map screenshot at zoom 16: {screenshot}")
    from PIL import Image

    image = np.asarray(Image.open(screenshot).convert("RGB")).astype(int)
    top_rgb = np.array([int(top[i : i + 2], 16) for i in (0, 2, 4)])
    background = np.array([0xF4, 0xF3, 0xEF])
    blended = opacity * top_rgb + (1 - opacity) * background
    close = np.abs(image - blended).sum(axis=2) < 30
    assert close.sum() > 500, close.sum()
    assert os.path.getsize(screenshot) > 10_000
