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
    QgsFeatureRequest,
    QgsGraduatedSymbolRenderer,
    QgsMapLayer,
    QgsRasterLayer,
    QgsSingleBandPseudoColorRenderer,
    QgsVectorLayer,
)

from .conversions import is_null


def _vector_values(layer: QgsVectorLayer, field: str) -> list[object] | None:
    index = layer.fields().lookupField(field)
    if index < 0:
        return None
    request = QgsFeatureRequest().setFlags(QgsFeatureRequest.NoGeometry).setSubsetOfAttributes([index])
    return [None if is_null(f[index]) else f[index] for f in layer.getFeatures(request)]


def _graduated(layer: QgsVectorLayer, renderer: QgsGraduatedSymbolRenderer) -> list[str] | None:
    values = _vector_values(layer, renderer.classAttribute())
    if values is None:
        return None
    numbers = np.array([float(v) for v in values if isinstance(v, int | float)], dtype=np.float64)
    used = []
    for item in renderer.ranges():
        inside = (numbers >= item.lowerValue()) & (numbers <= item.upperValue())
        if inside.any():
            used.append(item.label())
    return used


def _categorized(layer: QgsVectorLayer, renderer: QgsCategorizedSymbolRenderer) -> list[str] | None:
    values = _vector_values(layer, renderer.classAttribute())
    if values is None:
        return None
    present = {str(v) for v in values}
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
