"""Offscreen rendering of styled layers to PNG (for the report and the docs' pictures)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsMapLayer,
    QgsMapRendererParallelJob,
    QgsMapSettings,
    QgsProject,
    QgsRasterLayer,
    QgsRectangle,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QSize, Qt
from qgis.PyQt.QtGui import QColor, QImage
from qgis.PyQt.QtXml import QDomDocument

from ..core.feedback import Canceled
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
