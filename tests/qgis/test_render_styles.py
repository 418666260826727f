"""Every styled output of every algorithm, styled as QGIS styles it on load and rendered offscreen.

The algorithms attach a style post-processor to each output QGIS loads; this test applies those
post-processors (the real path, not a copy of the QML), renders each layer to PNG with
QgsMapRendererParallelJob and checks the picture shows the style (several colours, not blank).
imputebuildingattributes and publicexport have no styled layer output and are not here.

With SUGINAMI_DOCS_IMAGES=<folder> the pictures of the current-state run are also written
there (256-colour PNGs), which is how docs/images is refreshed:
    SUGINAMI_DOCS_IMAGES=docs/images QT_QPA_PLATFORM=offscreen PYTHONPATH=. \
        .venv/bin/python -m pytest tests/qgis/test_render_styles.py tests/qgis/test_report.py
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pytest
from conftest import SAMPLE_GPKG
from sample_chain import sample_chain

# Every styled output the chain produces: (run key, output key) -> QML style it must carry.
EXPECTED_STYLES = {
    ("groundmotion", "OUTPUT_PGV"): "pgv",
    ("groundmotion", "OUTPUT_INTENSITY"): "jma_intensity",
    ("baseline_damage", "OUTPUT"): "building_damage",
    ("baseline_damage", "OUTPUT_DISTRICTS"): "district_damage",
    ("baseline_fire", "OUTPUT"): "fire_buildings",
    ("baseline_fire", "OUTPUT_BURN_PROBABILITY"): "fire_burn_probability",
    ("baseline_fire", "OUTPUT_DISTRICTS"): "fire_districts",
    ("baseline_blockage", "OUTPUT"): "road_blockage",
    ("baseline_routes", "OUTPUT_ROUTES"): "evacuation_routes",
    ("baseline_routes", "OUTPUT_ASSIGNMENT"): "evacuation_origins",
    ("baseline_routes", "OUTPUT_SHELTERS"): "evacuation_shelters",
    ("baseline_routes", "OUTPUT_DISTRICTS"): "evacuation_districts",
    ("shelteraccess", "OUTPUT"): "shelter_access",
    ("wificoverage", "OUTPUT_RSSI"): "wifi_rssi",
    ("wificoverage", "OUTPUT_COVERAGE"): "wifi_coverage",
    ("wificoverage", "OUTPUT_SITE_STATS"): "wifi_site_stats",
    ("wifiplacement", "OUTPUT_NEW_APS"): "wifi_new_aps",
    ("wifiplacement", "OUTPUT_SITE_STATS"): "wifi_site_stats",
}
WARD_EXTENT = (-18040.0, -33930.0, -16040.0, -31930.0)  # the sample ward, EPSG:6677
DOCS_IMAGES = os.environ.get("SUGINAMI_DOCS_IMAGES")


def qml_renderer_type(style: str) -> str:
    from suginami_gis.processing.base import STYLES

    text = (STYLES / f"{style}.qml").read_text(encoding="utf-8")
    match = re.search(r'<(?:renderer-v2|rasterrenderer)\b[^>]*\btype="([A-Za-z]+)"', text)
    assert match, style
    return match.group(1)


def styled_layers():
    """(run key, output key, style name, styled layer) of every layer the chain's runs would load in QGIS."""
    from qgis.core import QgsProcessingFeedback, QgsRasterLayer, QgsVectorLayer

    chain = sample_chain()
    out = []
    for key, run in chain.runs.items():
        by_path = {path: output for output, path in run.destinations.items()}
        for destination, details in run.context.layersToLoadOnCompletion().items():
            output = by_path.get(destination)
            post = details.postProcessor()
            qml = getattr(post, "qml", None)
            if output is None or qml is None:
                continue  # an output without a style (e.g. a summary table)
            if destination.endswith(".tif"):
                layer = QgsRasterLayer(destination, output, "gdal")
            else:
                layer = QgsVectorLayer(destination, output, "ogr")
            assert layer.isValid(), destination
            post.postProcessLayer(layer, run.context, QgsProcessingFeedback())
            out.append((key, output, Path(qml).stem, layer))
    return out


def dominant_colours(image, share: float = 0.0005) -> int:
    """Colours (to 4 bits a channel, so antialiasing shades merge) covering at least ``share``."""
    from qgis.PyQt.QtGui import QImage

    image = image.convertToFormat(QImage.Format_RGB32)
    pointer = image.constBits()
    pointer.setsize(image.sizeInBytes())
    pixels = np.frombuffer(pointer, dtype=np.uint32) & 0x00F0F0F0
    _, counts = np.unique(pixels, return_counts=True)
    return int((counts >= share * pixels.size).sum())


def pixels_of(image) -> np.ndarray:
    from qgis.PyQt.QtGui import QImage

    image = image.convertToFormat(QImage.Format_RGB32)
    pointer = image.constBits()
    pointer.setsize(image.sizeInBytes())
    return np.frombuffer(pointer, dtype=np.uint32).copy() & 0x00FFFFFF


def changed_share(first, second) -> float:
    return float((pixels_of(first) != pixels_of(second)).mean())


def plain_copy(layer):
    """The same data source with QGIS's default style (no QML, no sidecar .qml)."""
    from qgis.core import QgsRasterLayer, QgsVectorLayer

    if isinstance(layer, QgsRasterLayer):
        options = QgsRasterLayer.LayerOptions()
        options.loadDefaultStyle = False
        return QgsRasterLayer(layer.source(), "plain", "gdal", options)
    options = QgsVectorLayer.LayerOptions()
    options.loadDefaultStyle = False
    return QgsVectorLayer(layer.source(), "plain", "ogr", options)


def non_white_share(image) -> float:
    from qgis.PyQt.QtGui import QImage

    image = image.convertToFormat(QImage.Format_RGB32)
    pointer = image.constBits()
    pointer.setsize(image.sizeInBytes())
    pixels = np.frombuffer(pointer, dtype=np.uint32) & 0x00FFFFFF
    return float((pixels != 0x00FFFFFF).mean())


def district_outlines():
    from qgis.core import QgsFillSymbol, QgsSingleSymbolRenderer, QgsVectorLayer

    layer = QgsVectorLayer(f"{SAMPLE_GPKG}|layername=districts", "districts", "ogr")
    symbol = QgsFillSymbol.createSimple({"color": "0,0,0,0", "outline_color": "70,70,70,255", "outline_width": "0.3"})
    layer.setRenderer(QgsSingleSymbolRenderer(symbol))
    return layer


def test_every_styled_output_renders_with_its_style(provider, tmp_path):
    from qgis.core import QgsCoordinateReferenceSystem, QgsRectangle

    from suginami_gis.processing.render import render_png

    layers = styled_layers()
    seen = {(key, output) for key, output, _, _ in layers}
    expected = set(EXPECTED_STYLES)
    assert expected <= seen, sorted(expected - seen)
    outlines = district_outlines()
    extent = QgsRectangle(*WARD_EXTENT)
    crs = QgsCoordinateReferenceSystem("EPSG:6677")
    for key, output, applied, layer in layers:
        style = EXPECTED_STYLES.get((key.replace("mitigated_", "baseline_"), output))
        assert style == applied, (key, output, applied)
        assert layer.renderer().type() == qml_renderer_type(style), (key, output)
        name = f"{key}_{output.lower()}.png"
        styled = render_png([layer], tmp_path / name, extent=extent, width=400, crs=crs)
        assert (styled.width(), styled.height()) == (400, 400)
        # Not blank: the layer draws on the picture (five access points cover about 0.4 % of it) ...
        assert non_white_share(styled) > 0.002, name
        # ... and its style shows: the picture differs from the same layer with QGIS's default style.
        plain = plain_copy(layer)
        default = render_png([plain], tmp_path / f"default_{name}", extent=extent, width=400, crs=crs)
        assert changed_share(styled, default) > 0.002, name
        # With the district outlines (as in the docs): background, outlines and the style's colours.
        composed = render_png([outlines, layer], tmp_path / f"docs_{name}", extent=extent, width=400, crs=crs)
        assert dominant_colours(composed) >= 3, name
        if DOCS_IMAGES and not key.startswith("mitigated_"):
            render_png([outlines, layer], Path(DOCS_IMAGES) / name, extent=extent, width=400, crs=crs, indexed=True)


def test_render_png_refuses_nothing_to_draw(provider, tmp_path):
    from qgis.core import QgsVectorLayer

    from suginami_gis.processing.render import render_png

    with pytest.raises(ValueError):
        render_png([], tmp_path / "x.png")
    empty = QgsVectorLayer("Point?crs=EPSG:6677", "empty", "memory")
    with pytest.raises(ValueError):
        render_png([empty], tmp_path / "x.png")


def test_scenario_dialog_renders_offscreen(qgis_iface, provider, monkeypatch):
    """The Processing dialog the toolbar button opens, drawn offscreen (the desktop picture of the docs)."""
    from processing.gui.AlgorithmDialog import AlgorithmDialog
    from qgis.core import QgsApplication
    from qgis.gui import QgsBrowserGuiModel

    from suginami_gis import gui

    # pytest-qgis's stub iface has no browser model; the Processing panel asks for one.
    model = QgsBrowserGuiModel()
    monkeypatch.setattr(qgis_iface, "browserModel", lambda: model, raising=False)
    algorithm = QgsApplication.processingRegistry().createAlgorithmById(gui.main_algorithm())
    dialog = AlgorithmDialog(algorithm, False, None)
    dialog.resize(1000, 700)
    dialog.show()
    QgsApplication.processEvents()
    image = dialog.grab().toImage()
    dialog.close()
    assert (image.width(), image.height()) == (1000, 700)
    assert dominant_colours(image) >= 3 and non_white_share(image) > 0.05
    if DOCS_IMAGES:
        from qgis.PyQt.QtCore import Qt

        small = image.convertToFormat(image.Format_Indexed8, Qt.ThresholdDither | Qt.AvoidDither)
        small.save(str(Path(DOCS_IMAGES) / "desktop_dialog.png"), "PNG")
