"""Base class of every ``suginami:`` algorithm: help, icons, dependency checks, errors, progress."""

from __future__ import annotations

import contextlib
import errno
import html
import importlib
import importlib.metadata
import sys
import traceback
from pathlib import Path
from typing import Any, ClassVar

from qgis.core import (
    QgsApplication,
    QgsFeatureSink,
    QgsProcessingAlgorithm,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingLayerPostProcessorInterface,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterField,
    QgsProcessingParameterNumber,
    QgsVectorLayer,
)
from qgis.PyQt.QtGui import QIcon

from ..core import gcpause
from ..core.errors import InputError
from ..core.feedback import Canceled
from .choices import check_values
from .conversions import apply_field_aliases
from .field_memory import remember_fields
from .file_layers import plain_file, tag
from .help import help_html
from .i18n import plugin_locale, tr
from .staging import StagedOutputs, refuse_output_over_input, refuse_repeated_values, sink_layer_options

# A write that failed for lack of space (a full disk, a quota, a file-size limit) is reported as such.
DISK_FULL_ERRNOS = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)

Double = QgsProcessingParameterNumber.Double

RESOURCES = Path(__file__).resolve().parents[1] / "resources"
STYLES = RESOURCES / "styles"
ICON = str(RESOURCES / "icons" / "suginami.svg")
FIELD_WRAPPER = f"{__package__}.field_widget.RememberedFieldWrapper"

# (import name, pip name, minimum version) of what the core needs.
CORE_PACKAGES: tuple[tuple[str, str, str], ...] = (
    ("numpy", "numpy<2", "1.23"),
    ("scipy", "scipy", "1.10"),
    ("shapely", "shapely>=2", "2.0"),
    ("rasterio", "rasterio", "1.3"),
)


def _version_tuple(text: str) -> tuple[int, ...]:
    parts = []
    for piece in text.split(".")[:3]:
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts)


def missing_packages(packages: tuple[tuple[str, str, str], ...]) -> list[str]:
    """The pip requirement strings of packages that are absent or too old."""
    missing = []
    for module, pip_name, minimum in packages:
        try:
            importlib.import_module(module)
            version = importlib.metadata.version(module)
        except Exception:
            missing.append(pip_name)
            continue
        if _version_tuple(version) < _version_tuple(minimum):
            missing.append(pip_name)
    return missing


def install_command() -> str:
    """The shell command that does what the menu's "Install Python packages" does (deps.py)."""
    from .. import deps

    script = Path(deps.__file__).resolve()
    profile = QgsApplication.qgisSettingsDirPath().rstrip("/\\")
    return f'"{deps.python_executable()}" "{script}" --profile "{profile}"'


def _clear_frames(error: BaseException | None) -> None:
    """Drop the local variables of the frames of ``error`` and the errors it was raised from."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        traceback.clear_frames(error.__traceback__)
        error = error.__cause__ or error.__context__


def decimals(value: object, maximum: float | None = None) -> int:
    """Decimals a number field shows: those of ``value`` (0.083 -> 3), at least 2 (3 for shares, at
    most 1), at most 6, so a typed value is never rounded below the precision of the default."""
    fewest = 3 if maximum is not None and maximum <= 1 else 2
    try:
        text = f"{float(value):.6f}".rstrip("0")  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return fewest
    return min(6, max(fewest, len(text.split(".")[1])))


class CoreFeedback:
    """Adapts QgsProcessingFeedback to the core's set_progress / is_canceled / info protocol."""

    def __init__(self, feedback: QgsProcessingFeedback | None) -> None:
        self.feedback = feedback

    def set_progress(self, percent: float) -> None:
        if self.feedback is not None:
            self.feedback.setProgress(float(percent))

    def is_canceled(self) -> bool:
        return self.feedback is not None and self.feedback.isCanceled()

    def info(self, message: str) -> None:
        if self.feedback is not None:
            self.feedback.pushInfo(message)


class StylePostProcessor(QgsProcessingLayerPostProcessorInterface):
    """Applies a QML style from resources/styles (if any) and the field aliases to a loaded output."""

    # QGIS does not own Python post-processors: keep them alive for the session.
    _alive: ClassVar[list[StylePostProcessor]] = []

    def __init__(self, qml: Path | None) -> None:
        super().__init__()
        self.qml = qml
        StylePostProcessor._alive.append(self)

    def clone(self) -> StylePostProcessor:
        return StylePostProcessor(self.qml)

    def postProcessLayer(self, layer, context, feedback) -> None:
        if layer is not None and layer.isValid():
            if self.qml is not None:
                layer.loadNamedStyle(str(self.qml))
            if isinstance(layer, QgsVectorLayer):
                # After the style, which may reset aliases; GeoPackages do not store them.
                apply_field_aliases(layer)
            layer.triggerRepaint()


class SuginamiAlgorithm(QgsProcessingAlgorithm):
    """Subclasses set NAME, DISPLAY_NAME, GROUP and implement initAlgorithm and compute().

    compute(parameters, context, feedback, core_feedback) does the work (QgsProcessingAlgorithm
    already has a method called run(), which must not be overridden).
    """

    NAME: ClassVar[str] = ""
    DISPLAY_NAME: ClassVar[str] = ""
    GROUP: ClassVar[str] = "Earthquake"
    GROUP_ID: ClassVar[str] = "earthquake"
    PACKAGES: ClassVar[tuple[tuple[str, str, str], ...]] = CORE_PACKAGES

    # --- identity -------------------------------------------------------------------------
    def name(self) -> str:
        return self.NAME

    def displayName(self) -> str:
        return tr(self.DISPLAY_NAME)

    def group(self) -> str:
        return tr(self.GROUP)

    def groupId(self) -> str:
        return self.GROUP_ID

    def icon(self) -> QIcon:
        return QIcon(ICON)

    def svgIconPath(self) -> str:
        return ICON

    def createInstance(self) -> SuginamiAlgorithm:
        return type(self)()

    def tr(self, text: str) -> str:
        return tr(text)

    def shortHelpString(self) -> str:
        """The help file, each parameter id shown with its on-screen label; the dialog shows the title."""
        labels = tuple((d.name(), d.description()) for d in self.parameterDefinitions())
        text = help_html(self.NAME, plugin_locale(), labels, title=False)
        ok, message = self.canExecute()
        # An algorithm whose packages are missing is still listed; its help says why it cannot run.
        return text if ok else f'<p style="color:#b00000"><b>{html.escape(message)}</b></p>\n{text}'

    def addParameter(self, definition: QgsProcessingParameterDefinition, createOutput: bool = True) -> bool:
        """Add a parameter; decimal numbers show no more decimals than their default needs (2 to 6)."""
        if (
            isinstance(definition, QgsProcessingParameterField)
            and definition.parentLayerParameterName()
            and not definition.allowMultiple()
            and "widget_wrapper" not in definition.metadata()
        ):
            # The dialog shows the field remembered with the chosen layer (field_widget.py).
            definition.setMetadata({**definition.metadata(), "widget_wrapper": {"class": FIELD_WRAPPER}})
        if isinstance(definition, QgsProcessingParameterNumber) and definition.dataType() == Double:
            wrapper = dict(definition.metadata().get("widget_wrapper") or {})
            if "decimals" not in wrapper:
                wrapper["decimals"] = decimals(definition.defaultValue(), definition.maximum())
                definition.setMetadata({**definition.metadata(), "widget_wrapper": wrapper})
        return super().addParameter(definition, createOutput)

    # --- dependencies ---------------------------------------------------------------------
    def canExecute(self) -> tuple[bool, str]:
        missing = missing_packages(self.PACKAGES)
        if missing:
            return False, tr(
                "Missing Python packages for QGIS's Python: {0}. Install them with the menu Plugins > "
                "Suginami disaster planning > Install Python packages… (without the desktop: {1})."
            ).format(", ".join(missing), install_command())
        return True, ""

    # --- running --------------------------------------------------------------------------
    def checkParameterValues(self, parameters: dict[str, Any], context: QgsProcessingContext) -> tuple[bool, str]:
        """QGIS's checks (with the fields remembered with the layers), then the limited numbers (choices.py)."""
        parameters = remember_fields(self, parameters, context, None, store=False)
        ok, message = super().checkParameterValues(parameters, context)
        return check_values(self, parameters, context) if ok else (ok, message)

    def processAlgorithm(
        self, parameters: dict[str, Any], context: QgsProcessingContext, feedback: QgsProcessingFeedback
    ) -> dict[str, Any]:
        ok, message = self.canExecute()
        if not ok:
            raise QgsProcessingException(message)
        # Empty field parameters take the fields remembered with their layer (field_memory.py).
        parameters = remember_fields(self, parameters, context, feedback)
        # File outputs are written under a temporary folder and moved into place only on success.
        refuse_repeated_values(self, parameters)
        refuse_output_over_input(self, parameters, context)
        staged = self._staged = StagedOutputs(self, parameters)
        self._run_feedback = feedback
        try:
            # Python's cyclic collector paused while the step runs (core/gcpause.py): in a QGIS process its
            # full collections walk every feature object read so far, and cost more than the step's own work.
            with gcpause.paused():
                results = self.compute(staged.parameters, context, feedback, CoreFeedback(feedback))
            if feedback is not None and feedback.isCanceled():
                raise Canceled("canceled by the user")
            staged.verify()
            return staged.commit(results, context)
        except InputError as exc:
            raise QgsProcessingException(str(exc)) from exc
        except Canceled as exc:
            raise QgsProcessingException(tr("Canceled: no output was written.")) from exc
        except OSError as exc:
            if exc.errno not in DISK_FULL_ERRNOS:
                raise
            raise QgsProcessingException(
                tr(
                    "Writing the outputs failed: {0} ({1}). Nothing was replaced: free disk space or choose "
                    "another folder for the outputs."
                ).format(exc.strerror or exc, exc.filename or "")
            ) from exc
        finally:
            # Free the failed run's frames (and so its open sinks) before removing their files.
            _clear_frames(sys.exc_info()[1])
            staged.discard()
            self._staged = None

    def parameterAsSource(self, parameters, name, context):
        """QGIS's source of ``name``; a plain GeoPackage layer is marked so read_vector can read it with pyogrio."""
        source = super().parameterAsSource(parameters, name, context)
        if source is not None:
            tag(source, plain_file(self, parameters, name, context))
        return source

    def parameterAsSink(self, parameters, name, context, fields, geometryType, crs, *args):
        """QGIS's sink of output ``name``, counting what it accepts so the staged file is verified."""
        layer_options = sink_layer_options(parameters.get(name))
        if layer_options and not args:
            args = (QgsFeatureSink.SinkFlags(), {}, [], layer_options)
        sink, dest_id = super().parameterAsSink(parameters, name, context, fields, geometryType, crs, *args)
        staged = getattr(self, "_staged", None)
        return (staged.track(name, sink, dest_id) if staged is not None else sink), dest_id

    def postProcessAlgorithm(self, context: QgsProcessingContext, feedback: QgsProcessingFeedback) -> dict[str, Any]:
        """Unstyled vector outputs (summaries, tables) still get their field aliases when loaded."""
        for layer_id in context.layersToLoadOnCompletion():
            details = context.layerToLoadOnCompletionDetails(layer_id)
            if details.postProcessor() is None:
                details.setPostProcessor(StylePostProcessor(None))
        return {}

    def compute(
        self,
        parameters: dict[str, Any],
        context: QgsProcessingContext,
        feedback: QgsProcessingFeedback,
        core_feedback: CoreFeedback,
    ) -> dict[str, Any]:
        raise NotImplementedError

    # --- styles ---------------------------------------------------------------------------
    @staticmethod
    def style_path(style: str) -> Path:
        return STYLES / f"{style}.qml"

    def style_on_load(self, context: QgsProcessingContext, dest_id: str, style: str) -> None:
        """Style a vector output (a layer id or path) when QGIS loads it after the run."""
        if dest_id and context.willLoadLayerOnCompletion(dest_id):
            details = context.layerToLoadOnCompletionDetails(dest_id)
            details.setPostProcessor(StylePostProcessor(self.style_path(style)))

    def raster_style(self, context: QgsProcessingContext, path: str, style: str) -> None:
        """Style a raster output: a sidecar .qml (QGIS reads it as the default style) and on load."""
        qml = self.style_path(style)
        if path and qml.exists():
            sidecar = Path(path).with_suffix(".qml")
            try:
                sidecar.write_text(qml.read_text(encoding="utf-8"), encoding="utf-8")
            except OSError as exc:
                # A full disk: the raster is complete (rasterio raised otherwise); a cut .qml would be
                # read as its default style, so none is left and the run says so.
                with contextlib.suppress(OSError):
                    sidecar.unlink()
                feedback = context.feedback() or getattr(self, "_run_feedback", None)
                if feedback is not None:
                    feedback.pushWarning(
                        tr(
                            "The style {0} was not saved beside the raster ({1}); the raster {2} is complete and "
                            "is styled when loaded now, but opened later it shows in grey: free disk space and "
                            "load {3} from the plugin's styles folder."
                        ).format(sidecar.name, exc.strerror or exc, Path(path).name, qml.name)
                    )
        self.style_on_load(context, path, style)
