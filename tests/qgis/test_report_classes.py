"""The report's helpers: report_classes.used_classes reads the provider's minimum, maximum and distinct
values (and one-feature filters) instead of every feature's value in Python, so the classes it names must
be the ones a loop over every value finds, in memory layers and in a GeoPackage (where the filters run as
SQL); render.load_styled_layer applies the named style; render.BackgroundRenders saves and cancels."""

from __future__ import annotations

import math

import pytest
from conftest import memory_layer
from shapely.geometry import Point

RANGES = (
    (0.0, 0.05, "< 5 %"),
    (0.05, 0.2, "5-20 %"),
    (0.2, 0.5, "20-50 %"),
    (0.5, 0.8, "50-80 %"),
    (0.8, 1.0, "80+ %"),
)
CASES = (
    [0.0, 0.01, 0.049],  # one class
    [0.0, 0.9],  # the ends only: the ranges between hold nothing
    [0.0, 0.3, 0.9],  # one value strictly inside
    [0.01, 0.05, 0.07],  # a value on a boundary belongs to both ranges
    [None, 0.6, None],  # NULLs hold no class
    [None, None],
    [1.5, -0.2],  # outside every range
)


def reference(values, ranges):
    """Every value in Python: the labels of the ranges holding at least one (the former implementation)."""
    numbers = [v for v in values if isinstance(v, int | float) and not math.isnan(v)]
    return [label for lo, hi, label in ranges if any(lo <= v <= hi for v in numbers)]


def graduated(layer, ranges=RANGES):
    from qgis.core import QgsGraduatedSymbolRenderer, QgsRendererRange, QgsSymbol, QgsWkbTypes

    symbol = QgsSymbol.defaultSymbol(QgsWkbTypes.PointGeometry)
    layer.setRenderer(
        QgsGraduatedSymbolRenderer("p", [QgsRendererRange(lo, hi, symbol.clone(), t) for lo, hi, t in ranges])
    )
    return layer


def points(values, kind="double"):
    return memory_layer("Point", [Point(k, 0) for k in range(len(values))], [("p", kind)], [(v,) for v in values])


@pytest.mark.parametrize("values", CASES)
def test_graduated_classes_of_a_memory_layer_match_every_value(qgis_app, values):
    from suginami_gis.processing.report_classes import used_classes

    assert used_classes(graduated(points(values))) == reference(values, RANGES)


def test_graduated_classes_of_a_geopackage_match_every_value(qgis_app, tmp_path):
    from qgis.core import QgsCoordinateTransformContext, QgsVectorFileWriter, QgsVectorLayer

    from suginami_gis.processing.report_classes import used_classes

    # The reduction map's ranges: negative bounds and a 1e9 upper bound go through the SQL filter.
    ranges = (
        (-100.0, -75.0, "a"),
        (-75.0, -50.0, "b"),
        (-50.0, -0.0001, "c"),
        (-0.0001, 0.0001, "d"),
        (0.0001, 1e9, "e"),
    )
    for k, values in enumerate([[-90.0, -60.0, 5.0], [-90.0, 0.0, 5.0], [-90.0, 5.0], [-80.0, None]]):
        gpkg = tmp_path / f"v{k}.gpkg"
        options = QgsVectorFileWriter.SaveVectorOptions()
        options.driverName = "GPKG"
        error, message, *_ = QgsVectorFileWriter.writeAsVectorFormatV3(
            points(values), str(gpkg), QgsCoordinateTransformContext(), options
        )
        assert error == QgsVectorFileWriter.NoError, message
        layer = QgsVectorLayer(str(gpkg), "v", "ogr")
        assert used_classes(graduated(layer, ranges)) == reference(values, ranges), values


def test_a_text_field_is_in_no_range(qgis_app):
    from suginami_gis.processing.report_classes import used_classes

    assert used_classes(graduated(points(["0.01", "0.3"], kind="string"))) == []


def test_categorized_classes_are_the_distinct_values(qgis_app):
    from qgis.core import QgsCategorizedSymbolRenderer, QgsRendererCategory, QgsSymbol, QgsWkbTypes

    from suginami_gis.processing.report_classes import used_classes

    layer = points([1, 3, 3, None], kind="integer")
    symbol = QgsSymbol.defaultSymbol(QgsWkbTypes.PointGeometry)
    categories = [QgsRendererCategory(v, symbol.clone(), f"c{v}") for v in (1, 2, 3)]
    layer.setRenderer(QgsCategorizedSymbolRenderer("p", categories))
    assert used_classes(layer) == ["c1", "c3"]


def test_a_named_style_wins_over_the_style_stored_in_the_geopackage(qgis_app, tmp_path):
    """The report's burn map loads the buildings with the fire_buildings style; the GeoPackage stores the
    collapse style as the layer's default, which loadNamedStyle would have taken instead."""
    from qgis.core import QgsCoordinateTransformContext, QgsVectorFileWriter, QgsVectorLayer

    from suginami_gis.processing.render import load_styled_layer

    footprint = Point(0, 0).buffer(5, quad_segs=1)
    layer = memory_layer("Polygon", [footprint], [("p_collapse", "double"), ("p_burn", "double")], [(0.1, 0.6)])
    gpkg = tmp_path / "b.gpkg"
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    options.layerName = "buildings"
    error, message, *_ = QgsVectorFileWriter.writeAsVectorFormatV3(
        layer, str(gpkg), QgsCoordinateTransformContext(), options
    )
    assert error == QgsVectorFileWriter.NoError, message
    uri = f"{gpkg}|layername=buildings"
    stored = load_styled_layer(uri, "b", "building_damage")
    assert stored.saveStyleToDatabase("building_damage", "", True, "") == ""
    assert QgsVectorLayer(uri, "b", "ogr").renderer().classAttribute() == "p_collapse"  # the stored default
    assert load_styled_layer(uri, "b", "fire_buildings").renderer().classAttribute() == "p_burn"
    assert load_styled_layer(uri, "b").renderer().classAttribute() == "p_collapse"


def test_background_renders_save_each_picture_and_stop_when_canceled(qgis_app, tmp_path):
    from qgis.core import QgsMapSettings
    from qgis.PyQt.QtCore import QSize
    from qgis.PyQt.QtGui import QImage

    from suginami_gis.core.feedback import Canceled
    from suginami_gis.processing.render import BackgroundRenders

    layer = graduated(points([0.01, 0.3, 0.9]))
    settings = QgsMapSettings()
    settings.setLayers([layer])
    settings.setDestinationCrs(layer.crs())
    settings.setExtent(layer.extent().buffered(1))
    settings.setOutputSize(QSize(60, 40))
    saved: list = []
    with BackgroundRenders(tmp_path) as renders:
        renders.start(settings, saved.append)
        renders.start(settings, saved.append)
        renders.finish()
    assert [p.name for p in saved] == ["0.png", "1.png"]
    image = QImage(str(saved[0]))
    assert (image.width(), image.height()) == (60, 40) and not image.hasAlphaChannel()
    # Asked to stop: the jobs not yet awaited are cancelled and nothing more is saved.
    with BackgroundRenders(tmp_path / "x") as renders, pytest.raises(Canceled):
        renders.start(settings, saved.append)
        renders.finish(lambda: True)
    assert len(saved) == 2
