"""Offscreen rendering of styled layers to PNG (for the report and the docs' pictures)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeature,
    QgsField,
    QgsGeometry,
    QgsGraduatedSymbolRenderer,
    QgsMapLayer,
    QgsMapRendererParallelJob,
    QgsMapSettings,
    QgsProject,
    QgsRasterLayer,
    QgsRectangle,
    QgsVectorLayer,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QSize, Qt, QVariant
from qgis.PyQt.QtGui import QColor, QImage
from qgis.PyQt.QtXml import QDomDocument

from ..core.feedback import Canceled
from ..core.overdraw import Segments, last_drawn_segments
from .base import STYLES
from .i18n import tr


def load_styled_layer(source: str | Path, name: str, style: str | None = None, provider: str = "ogr") -> QgsMapLayer:
    """A layer from a file or ``path|layername=x`` URI, styled with resources/styles/<style>.qml.

    Without ``style`` the layer keeps its default style (a style stored in the GeoPackage, or a
    sidecar .qml beside a raster), as QGIS would open it.
    """
    text = str(source)
    plain = text.split("|")[0]
    layer: QgsMapLayer
    if provider == "gdal" or plain.lower().endswith((".tif", ".tiff")):
        layer = QgsRasterLayer(text, name, "gdal")
    else:
        layer = QgsVectorLayer(text, name, provider)
    if not layer.isValid():
        raise ValueError(tr("Cannot open the layer {0}.").format(text))
    if style:
        qml = STYLES / f"{style}.qml"
        # From the file itself: a GeoPackage layer's loadNamedStyle takes the style stored in the
        # GeoPackage instead (the report's burn map showed the buildings' stored collapse style).
        document = QDomDocument()
        ok = qml.exists() and document.setContent(qml.read_text(encoding="utf-8"))[0]
        if not ok or not layer.importNamedStyle(document)[0]:
            raise ValueError(tr("Cannot apply the style {0}.").format(qml))
    return layer


class RouteSegments:
    """The distinct segments of line tables (core/overdraw.py), worked out in a thread while the caller goes on.

    ``start`` reads each table's geometries (in the calling thread: the GeoPackage may be written next)
    and hands the rest (WKB parsing and sorting, in shapely and numpy, which release Python's lock) to a
    thread; ``get`` waits for a table's segments, None when it failed (the caller then draws the lines).
    """

    def __init__(self, futures: dict[str, Any]) -> None:
        self._futures = futures

    @classmethod
    def start(cls, path: str, tables: Sequence[str]) -> RouteSegments:
        from concurrent.futures import ThreadPoolExecutor

        import pyogrio

        futures = {}
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="route-segments")
        for table in tables:
            try:
                _, _, wkbs, _ = pyogrio.raw.read(path, layer=table, columns=[])
            except Exception:
                continue  # absent or unreadable: the report draws what QGIS reads
            futures[table] = pool.submit(_segments_of, wkbs)
        pool.shutdown(wait=False)  # the thread ends with its last table
        return cls(futures)

    def get(self, table: str) -> Segments | None:
        future = self._futures.get(table)
        try:
            return future.result() if future is not None else None
        except Exception:
            return None

    def cancel(self) -> None:
        for future in self._futures.values():
            future.cancel()


def _segments_of(wkbs: Any, keep: Any = None) -> Segments:
    """The distinct segments of lines given as WKB (only the lines ``keep``, a mask, when given)."""
    import numpy as np
    import shapely

    lines = np.empty(len(wkbs), dtype=object)
    present = np.array([w is not None for w in wkbs], dtype=bool)
    if keep is not None:
        present &= keep
    lines[present] = shapely.from_wkb(wkbs[present])
    return last_drawn_segments(lines)


def _plain_graduated(layer: QgsVectorLayer) -> QgsGraduatedSymbolRenderer | None:
    """The layer's renderer when it is lines by value ranges of a field, drawn in the provider's order with
    symbols whose look depends on the range only; else None."""
    renderer = layer.renderer()
    if not isinstance(renderer, QgsGraduatedSymbolRenderer) or renderer.usingSymbolLevels():
        return None
    if layer.fields().lookupField(renderer.classAttribute()) < 0 or renderer.orderByEnabled():
        return None
    if QgsWkbTypes.geometryType(layer.wkbType()) != QgsWkbTypes.LineGeometry:
        return None
    for item in renderer.ranges():
        symbol = item.symbol()
        if symbol is None or any(
            symbol.symbolLayer(i).dataDefinedProperties().hasActiveProperties()
            for i in range(symbol.symbolLayerCount())
        ):
            return None
    return renderer


def drawn_once(layer: QgsVectorLayer, path: str, table: str, segments: Segments | None = None) -> QgsVectorLayer | None:
    """A memory layer drawn like the line layer ``layer`` (GeoPackage ``path``, ``table``): each shared segment once.

    For lines styled by value ranges of a field (_plain_graduated), which is how the evacuation routes
    are drawn. Drawn in fid order with opaque symbols, a pixel shows the range of the last line over it;
    here each segment is drawn once, in the order of the last line holding it (core/overdraw.py;
    ``segments`` when already worked out), so every pixel shows that same line's range. Consecutive
    segments of one range are one feature. The range symbols are made opaque: a street under many routes
    looks as their stack did under the layer's own opacity. None for another style: the layer is drawn.
    """
    import numpy as np
    import pyogrio
    import shapely

    renderer = _plain_graduated(layer)
    if renderer is None:
        return None
    field, ranges = renderer.classAttribute(), renderer.ranges()
    try:
        _, _, _, (values,) = pyogrio.raw.read(path, layer=table, columns=[field], read_geometry=False)
        values = np.asarray(values, dtype=np.float64)  # NULL: NaN, in no range (QGIS leaves it undrawn)
        # QGIS's range of a value: the first whose bounds hold it; a range switched off draws nothing.
        range_of = np.full(len(values), -1)
        for k in reversed(range(len(ranges))):
            range_of[(values >= ranges[k].lowerValue()) & (values <= ranges[k].upperValue())] = k
        shown = np.array([item.renderState() for item in ranges] + [False])[range_of]
        if segments is None or not shown.all():
            _, _, wkbs, _ = pyogrio.raw.read(path, layer=table, columns=[])
            segments = _segments_of(wkbs, None if shown.all() else shown)
    except Exception:
        return None
    if len(segments.line) and segments.line.max() >= len(values):
        return None  # the table changed since its segments were worked out
    order = np.argsort(segments.line, kind="stable")
    line = segments.line[order]
    run = np.concatenate([[0], np.cumsum(range_of[line][1:] != range_of[line][:-1])]) if len(line) else line
    pieces = shapely.linestrings(np.stack([segments.start[order], segments.end[order]], axis=1))
    merged = shapely.to_wkb(shapely.multilinestrings(pieces, indices=run)) if len(line) else []
    first = np.flatnonzero(np.r_[True, run[1:] != run[:-1]]) if len(line) else line
    out = QgsVectorLayer(f"MultiLineString?crs={layer.crs().authid()}", layer.name(), "memory")
    out.setCrs(layer.crs())
    out.dataProvider().addAttributes([QgsField(field, QVariant.Double)])
    out.updateFields()
    features = []
    for wkb, k in zip(merged, first):
        feature = QgsFeature(out.fields())
        geometry = QgsGeometry()
        geometry.fromWkb(wkb)
        feature.setGeometry(geometry)
        feature.setAttributes([float(values[line[k]])])
        features.append(feature)
    out.dataProvider().addFeatures(features)
    drawn = renderer.clone()
    for k, item in enumerate(ranges):  # ``ranges`` holds its symbols: a temporary list would free them
        symbol = item.symbol().clone()
        symbol.setOpacity(1.0)
        drawn.updateRangeSymbol(k, symbol)
    out.setRenderer(drawn)
    out.setOpacity(layer.opacity())
    return out


def combined_extent(layers: Sequence[QgsMapLayer], crs: QgsCoordinateReferenceSystem) -> QgsRectangle:
    """The union of the layers' extents in ``crs``."""
    extent = QgsRectangle()
    extent.setMinimal()
    for layer in layers:
        rect = layer.extent()
        if rect.isNull():
            continue
        if layer.crs() != crs:
            rect = QgsCoordinateTransform(layer.crs(), crs, QgsProject.instance()).transformBoundingBox(rect)
        extent.combineExtentWith(rect)
    return extent


def render_png(
    layers: Sequence[QgsMapLayer],
    path: str | Path,
    extent: QgsRectangle | None = None,
    width: int = 800,
    height: int | None = None,
    crs: QgsCoordinateReferenceSystem | None = None,
    background: QColor | None = None,
    margin: float = 0.03,
    indexed: bool = False,
) -> QImage:
    """Render ``layers`` (top first) offscreen with QgsMapRendererParallelJob and save a PNG.

    The extent defaults to the layers' combined extent plus ``margin`` of its size on each side;
    the height defaults to the extent's aspect ratio. ``indexed`` saves a 256-colour PNG (a
    third of the size; for pictures in the docs). Returns the rendered image.
    """
    if not layers:
        raise ValueError(tr("Nothing to render: no layers."))
    crs = crs or layers[0].crs()
    if extent is None:
        extent = combined_extent(layers, crs)
        extent = extent.buffered(max(extent.width(), extent.height()) * margin)
    if extent.isEmpty():
        raise ValueError(tr("Nothing to render: the layers are empty."))
    if height is None:
        height = max(1, round(width * extent.height() / extent.width()))
    settings = QgsMapSettings()
    settings.setLayers(list(layers))
    settings.setDestinationCrs(crs)
    settings.setOutputSize(QSize(width, height))
    settings.setExtent(extent)
    settings.setBackgroundColor(background or QColor(255, 255, 255))
    settings.setFlag(QgsMapSettings.Antialiasing, True)
    settings.setFlag(QgsMapSettings.DrawLabeling, True)
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    saved = image.convertToFormat(QImage.Format_Indexed8, Qt.ThresholdDither | Qt.AvoidDither) if indexed else image
    if not saved.save(str(path), "PNG"):
        raise OSError(tr("Cannot write {0}.").format(path))
    return image


class BackgroundRenders:
    """Map images drawn in QGIS's render threads while the caller goes on, each drawn once.

    ``start`` begins a QgsMapRendererParallelJob and returns at once; ``finish`` waits for every
    job, saves its image as ``folder``/<n>.png (opaque RGB) and passes the path to the job's
    callback. The report draws its heavy map layers this way once, for the PDF and the HTML pages.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._jobs: list[tuple[QgsMapRendererParallelJob, Callable[[Path], None]]] = []

    def __enter__(self) -> BackgroundRenders:
        return self

    def __exit__(self, *exc: object) -> None:
        """Stop the jobs still running (after an error): none may outlive the layers it draws."""
        jobs, self._jobs = self._jobs, []
        for job, _ in jobs:
            job.cancel()

    def start(self, settings: QgsMapSettings, done: Callable[[Path], None]) -> None:
        job = QgsMapRendererParallelJob(settings)
        job.start()
        self._jobs.append((job, done))

    def finish(self, is_canceled: Callable[[], bool] = lambda: False) -> None:
        """Wait for every job in the order started; raises core.feedback.Canceled when asked to stop."""
        jobs, self._jobs = self._jobs, []
        for k, (job, done) in enumerate(jobs):
            if is_canceled():
                for other, _ in jobs[k:]:
                    other.cancelWithoutBlocking()
                raise Canceled("canceled by the user")
            job.waitForFinished()
            path = self.folder / f"{k}.png"
            # Opaque: a PDF keeps an image without an alpha mask; compression 1 of 9 is quick and still small.
            if not job.renderedImage().convertToFormat(QImage.Format_RGB32).save(str(path), "PNG", 90):
                raise OSError(tr("Cannot write {0}.").format(path))
            done(path)
