"""Which legend classes a report map actually shows, so a map that falls into one class says so in words.

A map whose features or pixels all fall into one class (a uniform intensity, every building in the
lowest burn class) looks like a result with a legend of six colours; the report prints a sentence
instead of leaving the reader to guess (processing/report.py, map pages).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from qgis.core import (
    QgsCategorizedSymbolRenderer,
    QgsColorRampShader,
    QgsExpression,
    QgsFeatureRequest,
    QgsGraduatedSymbolRenderer,
    QgsMapLayer,
    QgsRasterLayer,
    QgsSingleBandPseudoColorRenderer,
    QgsVectorLayer,
)

from .conversions import is_null


def _any_between(layer: QgsVectorLayer, field: str, lower: float, upper: float) -> bool:
    """Whether one feature's ``field`` lies in [lower, upper]: a filter the provider runs (SQL for a GeoPackage)."""
    name = QgsExpression.quotedColumnRef(field)
    expression = f"{name} >= {QgsExpression.quotedValue(lower)} AND {name} <= {QgsExpression.quotedValue(upper)}"
    request = QgsFeatureRequest().setFilterExpression(expression).setLimit(1)
    request.setFlags(QgsFeatureRequest.NoGeometry).setNoAttributes()
    return next(iter(layer.getFeatures(request)), None) is not None


def _graduated(layer: QgsVectorLayer, renderer: QgsGraduatedSymbolRenderer) -> list[str] | None:
    """The ranges holding a value, without reading every feature in Python.

    The field's minimum and maximum (the provider's aggregate) settle every range that lies outside
    them or holds one of them; only a range strictly between them needs a query for one feature in it.
    """
    index = layer.fields().lookupField(renderer.classAttribute())
    if index < 0:
        return None
    if not layer.fields().at(index).isNumeric():
        return []  # text values are not numbers: no range holds them
    low, high = layer.minimumValue(index), layer.maximumValue(index)
    if is_null(low) or is_null(high):
        return []
    low, high = float(low), float(high)
    used = []
    for item in renderer.ranges():
        lower, upper = item.lowerValue(), item.upperValue()
        if upper < low or lower > high:
            continue
        if (
            lower <= low <= upper
            or lower <= high <= upper
            or _any_between(layer, layer.fields().at(index).name(), lower, upper)
        ):
            used.append(item.label())
    return used


def _categorized(layer: QgsVectorLayer, renderer: QgsCategorizedSymbolRenderer) -> list[str] | None:
    index = layer.fields().lookupField(renderer.classAttribute())
    if index < 0:
        return None
    # The provider's distinct values (SELECT DISTINCT for a GeoPackage), NULL as None.
    present = {str(None if is_null(v) else v) for v in layer.uniqueValues(index)}
    return [c.label() for c in renderer.categories() if str(c.value()) in present]


def _pseudocolor(layer: QgsRasterLayer, renderer: QgsSingleBandPseudoColorRenderer) -> list[str] | None:
    from osgeo import gdal

    function = renderer.shader().rasterShaderFunction() if renderer.shader() else None
    if not isinstance(function, QgsColorRampShader):
        return None
    dataset = gdal.Open(layer.source())
    if dataset is None:
        return None
    band = dataset.GetRasterBand(renderer.band())
    values = band.ReadAsArray().astype(np.float64)
    nodata = band.GetNoDataValue()
    values = values[np.isfinite(values) & ((values != nodata) if nodata is not None else True)]
    used, lower = [], -np.inf
    for item in function.colorRampItemList():
        # A discrete shader's item covers the values up to and including its value.
        if ((values > lower) & (values <= item.value)).any():
            used.append(item.label)
        lower = item.value
    return used


def used_classes(layer: QgsMapLayer) -> list[str] | None:
    """The legend labels of the classes that hold at least one feature or pixel; None when not classed."""
    if isinstance(layer, QgsVectorLayer):
        renderer = layer.renderer()
        if isinstance(renderer, QgsGraduatedSymbolRenderer):
            return _graduated(layer, renderer)
        if isinstance(renderer, QgsCategorizedSymbolRenderer):
            return _categorized(layer, renderer)
    if isinstance(layer, QgsRasterLayer) and isinstance(layer.renderer(), QgsSingleBandPseudoColorRenderer):
        return _pseudocolor(layer, layer.renderer())
    return None


def single_class_note(panels: Sequence[tuple[str, Sequence[QgsMapLayer]]]) -> str:
    """A sentence (English and Japanese) when the classed layers of every panel fall into one class; else ''.

    ``panels``: (caption, the panel's classed layers). A page where every panel shows one class is
    flagged as low-information; a single panel in one class is named.
    """
    single: list[tuple[str, str]] = []
    for caption, layers in panels:
        for layer in layers:
            used = used_classes(layer)
            if used is not None and len(used) == 1:
                single.append((caption, used[0]))
    if not single:
        return ""
    if len(single) == len(panels):
        labels = ", ".join(dict.fromkeys(label for _, label in single))
        return (
            f"Low-information map: everything falls into one class ({labels}), so the colours show no differences. "
            f"情報の少ない地図：すべてが一つの区分（{labels}）に入り、色の違いはありません。"
        )
    named = "; ".join(f"{caption}: {label}" for caption, label in single)
    return f"One class only in {named}. 一つの区分のみ：{named}"
