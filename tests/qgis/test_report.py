"""The scenario report (processing/report.py) on inputs made by the real algorithms on the sample ward.

The chain (sample_chain.py) runs ground motion, damage, fire, road blockage, routes and Wi-Fi
coverage for the current state and with the mitigation targets; this test assembles their
outputs into a GeoPackage as suginami:scenario does (styles stored in it), builds the
comparison rows from the algorithms' district tables, and checks report.pdf and report.html.
"""

from __future__ import annotations

import itertools
import os
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from sample_chain import FIREPROOF_TARGET, RETROFIT_TARGET, SCENARIO, sample_chain

from suginami_gis.processing.base import STYLES

METRICS = ("collapsed", "burned", "deaths", "shelter_demand", "unreachable")
MAP_TITLES = (
    "Seismic intensity (JMA)",
    "Collapse probability",
    "Burn probability",
    "Blocked streets and evacuation routes",
    "Shelter Wi-Fi coverage",
    "Reduction by the mitigation programme",
)
PAGE_TITLES = (
    "Earthquake scenario: current state and after mitigation",
    "Ward totals",
    "District totals (1/2)",
    "District totals (2/2)",
    "Before and after by district",
    *MAP_TITLES,
)


DOCS_IMAGES = os.environ.get("SUGINAMI_DOCS_IMAGES")
DOCS_PAGES = (1, 2, 3, 7, 9, 11)  # parameters, ward totals, district table, collapse, streets, reduction


def attributes(path: str) -> list[dict]:
    from qgis.core import QgsVectorLayer

    layer = QgsVectorLayer(path, "x", "ogr")
    assert layer.isValid(), path
    names = layer.fields().names()
    return [dict(zip(names, f.attributes())) for f in layer.getFeatures()]


def copy_into(gpkg: Path, source: str, name: str, style: str) -> None:
    """Write a result layer into the scenario GeoPackage and store its style there as default."""
    from qgis.core import QgsCoordinateTransformContext, QgsVectorFileWriter, QgsVectorLayer

    layer = QgsVectorLayer(source, name, "ogr")
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    options.layerName = name
    if gpkg.exists():
        options.actionOnExistingFile = QgsVectorFileWriter.CreateOrOverwriteLayer
    error, message, *_ = QgsVectorFileWriter.writeAsVectorFormatV3(
        layer, str(gpkg), QgsCoordinateTransformContext(), options
    )
    assert error == QgsVectorFileWriter.NoError, message
    stored = QgsVectorLayer(f"{gpkg}|layername={name}", name, "ogr")
    _, ok = stored.loadNamedStyle(str(STYLES / f"{style}.qml"))
    assert ok
    stored.saveStyleToDatabase(name, "", True, "")


def comparison_rows(chain) -> list[dict]:
    """Per district (sample districts, by name_en) and ward-wide rows, from the algorithms' tables."""
    from conftest import sample_layer

    names = {f["name_en"]: f["name_ja"] for f in sample_layer("districts").getFeatures()}
    values: dict[str, dict[str, dict[str, float]]] = {}
    for state in ("baseline", "mitigated"):
        damage = {r["district"]: r for r in attributes(chain.runs[f"{state}_damage"].results["OUTPUT_DISTRICTS"])}
        fire = {r["district"]: r for r in attributes(chain.runs[f"{state}_fire"].results["OUTPUT_DISTRICTS"])}
        routes = {r["district"]: r for r in attributes(chain.runs[f"{state}_routes"].results["OUTPUT_DISTRICTS"])}
        for name in names:
            values.setdefault(name, {})[state] = {
                "collapsed": damage[name]["collapsed"],
                "burned": fire[name]["expected_burned"],
                "deaths": damage[name]["deaths"] + fire[name]["fire_deaths"],
                "shelter_demand": damage[name]["shelter_need"],
                "unreachable": routes[name]["isolated_population"],
            }
    rows = []
    for name, states in values.items():
        row: dict = {"name_en": name, "name_ja": names[name]}
        for m in METRICS:
            before, after = states["baseline"][m], states["mitigated"][m]
            row.update(change_fields(m, before, after))
        rows.append(row)
    ward: dict = {"name_en": "Ward total", "name_ja": "区全体", "scope": "ward"}
    for m in METRICS:
        ward.update(change_fields(m, sum(r[f"{m}_before"] for r in rows), sum(r[f"{m}_after"] for r in rows)))
    return [*rows, ward]


def change_fields(metric: str, before: float, after: float) -> dict:
    return {
        f"{metric}_before": before,
        f"{metric}_after": after,
        f"{metric}_change": after - before,
        f"{metric}_change_pct": 100.0 * (after - before) / before if before else None,
    }


def comparison_layer(gpkg: Path, rows: list[dict]) -> None:
    """The district polygons with the comparison fields, written into the GeoPackage."""
    from conftest import sample_layer
    from qgis.core import QgsFeature, QgsField, QgsVectorLayer
    from qgis.PyQt.QtCore import QVariant

    districts = sample_layer("districts")
    layer = QgsVectorLayer("MultiPolygon?crs=EPSG:6677", "comparison", "memory")
    fields = [QgsField("name_ja", QVariant.String), QgsField("name_en", QVariant.String)]
    keys = [f"{m}_{s}" for m in METRICS for s in ("before", "after", "change", "change_pct")]
    fields += [QgsField(k, QVariant.Double) for k in keys]
    layer.dataProvider().addAttributes(fields)
    layer.updateFields()
    by_name = {r["name_en"]: r for r in rows}
    features = []
    for district in districts.getFeatures():
        f = QgsFeature(layer.fields())
        f.setGeometry(district.geometry())
        row = by_name[district["name_en"]]
        f.setAttributes([row["name_ja"], row["name_en"], *(row[k] for k in keys)])
        features.append(f)
    layer.dataProvider().addFeatures(features)
    from qgis.core import QgsCoordinateTransformContext, QgsVectorFileWriter

    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    options.layerName = "comparison"
    options.actionOnExistingFile = QgsVectorFileWriter.CreateOrOverwriteLayer
    error, message, *_ = QgsVectorFileWriter.writeAsVectorFormatV3(
        layer, str(gpkg), QgsCoordinateTransformContext(), options
    )
    assert error == QgsVectorFileWriter.NoError, message


@pytest.fixture(scope="module")
def report(provider, tmp_path_factory):
    from suginami_gis.processing.report import write_report

    chain = sample_chain()
    folder = tmp_path_factory.mktemp("report")
    gpkg = folder / "scenario.gpkg"
    for state in ("baseline", "mitigated"):
        copy_into(gpkg, chain.runs[f"{state}_fire"].results["OUTPUT"], f"{state}_buildings", "fire_buildings")
        copy_into(gpkg, chain.runs[f"{state}_blockage"].results["OUTPUT"], f"{state}_road_blockage", "road_blockage")
        copy_into(gpkg, chain.runs[f"{state}_routes"].results["OUTPUT_ROUTES"], f"{state}_routes", "evacuation_routes")
    copy_into(gpkg, chain.runs["wificoverage"].results["OUTPUT_COVERAGE"], "baseline_wifi_coverage", "wifi_coverage")
    rows = comparison_rows(chain)
    comparison_layer(gpkg, rows)
    parameters = {
        "magnitude": SCENARIO["MAGNITUDE"],
        "depth": SCENARIO["DEPTH"],
        "fault_type": 2,
        "hour": 18,
        "wind": "8 m/s from NNW (337.5°)",
        "targets": {"retrofit": RETROFIT_TARGET, "fireproof": FIREPROOF_TARGET},
        "realizations": 5,
        "seed": SCENARIO["SEED"],
        "sources": ["Sample ward generated by suginami_gis.core.sample_ward (synthetic)"],
        "licence": "GPL-2.0-or-later (software); sample data CC0",
        "intensity_raster": chain.runs["groundmotion"].results["OUTPUT_INTENSITY"],
    }
    result = write_report(folder / "out", gpkg, rows, parameters, None)
    if DOCS_IMAGES:
        docs_pictures(result, Path(DOCS_IMAGES))
    return result, rows, pdf_pages(result["REPORT_PDF"])


def docs_pictures(result: dict, folder: Path) -> None:
    """Small pictures of report pages for docs/user-guide.md (SUGINAMI_DOCS_IMAGES=docs/images)."""
    from qgis.PyQt.QtCore import Qt
    from qgis.PyQt.QtGui import QImage

    folder.mkdir(parents=True, exist_ok=True)
    for page in DOCS_PAGES:
        stem = folder / f"report_page_{page:02d}"
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "48",
                "-f",
                str(page),
                "-l",
                str(page),
                "-singlefile",
                "-png",
                result["REPORT_PDF"],
                str(stem),
            ],
            check=True,
            capture_output=True,
        )
        png = stem.with_suffix(".png")
        image = QImage(str(png)).convertToFormat(QImage.Format_Indexed8, Qt.ThresholdDither | Qt.AvoidDither)
        image.save(str(png), "PNG")


def pdf_pages(path: str) -> list[str]:
    """The text of each page as poppler's pdftotext lays it out (table rows stay on one line)."""
    from pypdf import PdfReader

    count = len(PdfReader(path).pages)
    text = subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True, text=True, check=True).stdout
    pages = text.split("\f")[:count]
    assert len(pages) == count
    return [re.sub(r" +", " ", page) for page in pages]


def numbers_in(text: str) -> list[float]:
    """Every printed number (1,234.5 and +12.3 style) in reading order."""
    return [float(m.replace(",", "")) for m in re.findall(r"[+-]?\d[\d,]*\.\d", text)]


def expected_numbers(row: dict, metrics) -> list[float]:
    out = []
    for m in metrics:
        for suffix in ("before", "after", "change", "change_pct"):
            value = row[f"{m}_{suffix}"]
            if value is not None:
                out.append(round(value, 1))
    return out


def test_write_report_returns_both_files(report):
    result = report[0]
    assert set(result) == {"REPORT_PDF", "REPORT_HTML"}
    assert Path(result["REPORT_PDF"]).stat().st_size > 10_000
    assert Path(result["REPORT_HTML"]).read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_pdf_has_the_expected_pages_in_order(report):
    pages = report[2]
    assert len(pages) == len(PAGE_TITLES)
    for k, (text, title) in enumerate(zip(pages, PAGE_TITLES)):
        assert title in text, (k, title, text[:200])
        assert f"{k + 1} / {len(PAGE_TITLES)}" in text
    # Japanese titles come through as text (the font has the glyphs and a Unicode map).
    assert "区全体の被害量" in pages[1]
    assert "建物全壊確率" in pages[6]
    # The parameters and licence are printed.
    assert "7.3" in pages[0] and "GPL-2.0-or-later" in pages[0] and "Sample ward generated" in pages[0]
    # Coded parameters are printed by name.
    assert "Intraslab" in pages[0] and "スラブ内地震" in pages[0]


def test_pdf_numbers_match_the_comparison_rows(report):
    _, rows, pages = report
    ward = rows[-1]
    ward_text = pages[1]
    for m, label in zip(
        METRICS, ("Collapsed buildings", "Burned buildings", "Deaths", "Shelter demand", "Unreachable")
    ):
        line = next(line for line in ward_text.splitlines() if line.strip().startswith(label))
        assert numbers_in(line) == pytest.approx(expected_numbers(ward, [m]), abs=0.051), line
    for page, metrics in ((pages[2], METRICS[:3]), (pages[3], METRICS[3:])):
        lines = page.splitlines()
        for row in rows:
            line = next(line for line in lines if line.strip().startswith(row["name_en"]))
            assert numbers_in(line) == pytest.approx(expected_numbers(row, metrics), abs=0.051), line


class Tables(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self.images: list[str] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "img":
            self.images.append(dict(attrs)["src"])

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self.tables[-1][-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def test_html_holds_the_same_tables_and_its_images(report):
    result, rows, pages = report
    html_path = Path(result["REPORT_HTML"])
    parser = Tables()
    parser.feed(html_path.read_text(encoding="utf-8"))
    parameters, ward, district_1, district_2 = parser.tables
    assert ["Moment magnitude Mw", "モーメントマグニチュード", "7.3"] in parameters
    ward_numbers = [numbers_in(" ".join(r[1:])) for r in ward[1:]]
    assert ward_numbers == [pytest.approx(expected_numbers(rows[-1], [m]), abs=0.051) for m in METRICS]
    for table, metrics in ((district_1, METRICS[:3]), (district_2, METRICS[3:])):
        assert len(table) == len(rows) + 1
        for cells, row in zip(table[1:], rows):
            assert cells[0].startswith(row["name_en"]) and row["name_ja"] in cells[0]
            assert numbers_in(" ".join(cells[1:])) == pytest.approx(expected_numbers(row, metrics), abs=0.051)
    # The PDF prints the same cells: every HTML district row's numbers appear on its PDF line.
    for cells in district_1[1:]:
        line = next(line for line in pages[2].splitlines() if line.strip().startswith(cells[0]))
        assert numbers_in(line) == numbers_in(" ".join(cells[1:]))
    # Two charts and six maps, all beside the HTML file, none blank.
    assert len(parser.images) == 8
    for src in parser.images:
        image_path = html_path.parent / src
        assert image_path.exists(), src
        assert colour_count(image_path) >= 4, src


def test_mitigation_reduces_collapse_in_the_report_inputs(report):
    # A property the inputs must have for the report to be meaningful: retrofit to 96 % lowers
    # the ward's expected collapses (the test would catch a swapped before/after).
    ward = report[1][-1]
    assert ward["collapsed_after"] < ward["collapsed_before"]
    assert ward["collapsed_change_pct"] < 0


def colour_count(path: Path) -> int:
    from qgis.PyQt.QtGui import QImage

    image = QImage(str(path)).convertToFormat(QImage.Format_RGB32)
    pointer = image.constBits()
    pointer.setsize(image.sizeInBytes())
    pixels = np.frombuffer(pointer, dtype=np.uint32)
    return len(np.unique(pixels))


def test_map_pictures_look_like_the_map_drawing_the_layers_itself(report):
    """The report draws a map's data layers once into a picture beneath the map item (for speed); at
    the PDF's resolution the page must look like the page whose map item draws every layer itself."""
    import tempfile

    import numpy as np
    from qgis.core import QgsLayoutExporter
    from qgis.PyQt.QtCore import QSize
    from qgis.PyQt.QtGui import QImage

    from suginami_gis.processing.render import BackgroundRenders
    from suginami_gis.processing.report import PDF_DPI, ReportBuilder

    result, rows, _ = report
    gpkg = Path(result["REPORT_PDF"]).parent.parent / "scenario.gpkg"

    def page_image(pictures: bool, key: str) -> np.ndarray:
        builder = ReportBuilder(gpkg, rows, {})
        with tempfile.TemporaryDirectory() as tmp:
            builder.renders = BackgroundRenders(Path(tmp)) if pictures else None
            spec = next(spec for spec in builder.map_specs() if spec.key == key)
            page = builder.map_page(spec, *builder.map_extent())
            if builder.renders is not None:
                builder.renders.finish()
            image = QgsLayoutExporter(builder.layout).renderPageToImage(page, QSize(), PDF_DPI)
        image = image.convertToFormat(QImage.Format_RGB32)
        data = np.frombuffer(image.constBits().asstring(image.sizeInBytes()), dtype=np.uint8)
        return data.reshape(image.height(), image.bytesPerLine() // 4, 4)[:, : image.width(), :3].astype(int)

    for key in ("collapse", "streets"):
        drawn, pictured = page_image(False, key), page_image(True, key)
        assert drawn.shape == pictured.shape
        # The maps are not blank, and the pages differ only at a few anti-aliased edges: under 5 % of the
        # inked pixels (the picture shifted by one pixel differs at a third of them, a blank one at most).
        inked = (drawn < 250).any(axis=2).mean()
        assert inked > 0.05, key
        differs = (np.abs(drawn - pictured).max(axis=2) > 48).mean()
        assert differs < 0.05 * inked, (key, differs, inked)


def _opaque_in_fid_order(layer):
    """A copy of a graduated line layer drawn feature by feature in fid order, its range symbols opaque.

    Without an order QGIS draws in the order the provider returns, which under a map extent follows the
    GeoPackage's spatial index; drawn_once takes the fid order.
    """
    from qgis.core import QgsFeatureRequest

    copy = layer.clone()
    renderer = copy.renderer().clone()
    ranges = renderer.ranges()
    for k, item in enumerate(ranges):
        symbol = item.symbol().clone()
        symbol.setOpacity(1.0)
        renderer.updateRangeSymbol(k, symbol)
    renderer.setOrderBy(QgsFeatureRequest.OrderBy([QgsFeatureRequest.OrderByClause("$id", True)]))
    renderer.setOrderByEnabled(True)
    copy.setRenderer(renderer)
    return copy


def _picture(layers, extent):
    from qgis.core import QgsMapRendererSequentialJob, QgsMapSettings
    from qgis.PyQt.QtCore import QSize
    from qgis.PyQt.QtGui import QImage

    settings = QgsMapSettings()
    settings.setLayers(layers)
    settings.setDestinationCrs(layers[0].crs())
    settings.setExtent(extent)
    settings.setOutputSize(QSize(900, 900))
    settings.setOutputDpi(200)
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage().convertToFormat(QImage.Format_RGB32)
    data = np.frombuffer(image.constBits().asstring(image.sizeInBytes()), dtype=np.uint8)
    return data.reshape(image.height(), image.bytesPerLine() // 4, 4)[:, : image.width(), :3].astype(int)


def test_routes_drawn_once_look_like_every_route_drawn_in_order(report):
    """The streets map draws each street segment of the routes once (render.drawn_once): each segment once,
    in the range of the last route over it, in the order of those routes; with the range symbols opaque,
    QGIS drawing every route in fid order gives the same picture but for anti-aliased edges; a running
    RouteSegments gives the same layer."""
    import pyogrio
    import shapely

    from suginami_gis.processing.render import RouteSegments, drawn_once, load_styled_layer

    result, _, _ = report
    gpkg = Path(result["REPORT_PDF"]).parent.parent / "scenario.gpkg"
    pending = RouteSegments.start(str(gpkg), ["baseline_routes", "mitigated_routes", "no_such_table"])
    assert pending.get("no_such_table") is None
    for state in ("baseline", "mitigated"):
        table = f"{state}_routes"
        routes = load_styled_layer(f"{gpkg}|layername={table}", "routes", "evacuation_routes")
        routes.setOpacity(0.5)
        once = drawn_once(routes, str(gpkg), table)
        assert once is not None and 0 < once.featureCount() < routes.featureCount()
        assert once.opacity() == 0.5
        again = drawn_once(routes, str(gpkg), table, pending.get(table))
        assert [f.geometry().asWkb() for f in again.getFeatures()] == [f.geometry().asWkb() for f in once.getFeatures()]
        # each segment of the routes is drawn once, in the range of the last route over it
        _, _, wkbs, (values,) = pyogrio.raw.read(str(gpkg), layer=table, columns=["p_passable"])
        last = {}
        for line, value in zip(shapely.from_wkb(wkbs), values):
            xy = [tuple(p) for p in shapely.get_coordinates(line).tolist()]
            for a, b in itertools.pairwise(xy):
                if a != b:
                    last[tuple(sorted((a, b)))] = value
        ranges = routes.renderer().ranges()

        def range_of(value, ranges=ranges):
            return next((k for k, r in enumerate(ranges) if r.lowerValue() <= value <= r.upperValue()), None)

        drawn = {}
        for feature in once.getFeatures():
            for part in shapely.get_parts(shapely.from_wkb(bytes(feature.geometry().asWkb()))):
                a, b = (tuple(p) for p in shapely.get_coordinates(part).tolist())
                assert (a, b) not in drawn
                drawn[(a, b)] = range_of(feature["p_passable"])
        assert drawn == {segment: range_of(value) for segment, value in last.items()}
        extent = routes.extent()
        every, single = _picture([_opaque_in_fid_order(routes)], extent), _picture([once], extent)
        inked = (every < 250).any(axis=2).mean()
        assert inked > 0.02, state
        differs = (np.abs(every - single).max(axis=2) > 48).mean()
        assert differs < 0.05 * inked, (state, differs, inked)


def test_routes_in_another_style_are_drawn_as_they_are(report):
    """drawn_once reproduces a graduated style on a field only: a single symbol or a rule set draws the routes."""
    from qgis.core import QgsLineSymbol, QgsSingleSymbolRenderer

    from suginami_gis.processing.render import drawn_once, load_styled_layer

    result, _, _ = report
    gpkg = Path(result["REPORT_PDF"]).parent.parent / "scenario.gpkg"
    routes = load_styled_layer(f"{gpkg}|layername=baseline_routes", "routes", "evacuation_routes")
    routes.setRenderer(QgsSingleSymbolRenderer(QgsLineSymbol.createSimple({"line_color": "255,0,0"})))
    assert drawn_once(routes, str(gpkg), "baseline_routes") is None


def test_charts_drawn_in_a_worker_process_equal_those_the_report_draws(report, tmp_path):
    """report.Charts.start draws the charts in a spawned process while the scenario packages its results:
    the same PNG files, byte for byte, as the report drawing them itself; a worker that fails leaves the
    drawing to the report."""
    from suginami_gis.processing import report as module

    result, rows, _ = report
    images = Path(result["REPORT_HTML"]).parent / "report_images"
    started = module.Charts.start(rows)
    assert started._future is not None
    (tmp_path / "worker").mkdir()
    drawn = started.into(tmp_path / "worker")
    assert [p.name for p in drawn] == ["chart_ward.png", "chart_districts.png"]
    for path in drawn:
        assert path.read_bytes() == (images / path.name).read_bytes(), path.name
    assert started._pool is None and not started._folder  # the worker and its folder are gone

    class Failed:
        def result(self):
            raise RuntimeError("worker died")

    broken = module.Charts(rows, Failed(), None, "")
    (tmp_path / "broken").mkdir()
    again = broken.into(tmp_path / "broken")
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in drawn]


def test_a_report_started_and_aborted_leaves_nothing(report, tmp_path):
    """ReportJob.abort after start (the scenario failed in between): the render threads stop, the charts'
    worker ends and no report file or folder is left."""
    from suginami_gis.processing.report import ReportJob

    result, rows, _ = report
    gpkg = Path(result["REPORT_PDF"]).parents[1] / "scenario.gpkg"
    job = ReportJob(tmp_path / "out", gpkg, rows, {"realizations": 5}, None, None, charts_in_worker=True)
    job.start()
    assert job.seconds > 0  # the scenario's report step is timed from it
    job.abort()
    assert job.charts._pool is None
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == []
