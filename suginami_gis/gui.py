"""Desktop entries: a toolbar button and menu items that open the scenario dialog and the help page."""

from __future__ import annotations

import shutil
from pathlib import Path

from qgis.core import QgsApplication, QgsMapLayer, QgsProject, QgsRasterLayer, QgsTask, QgsVectorLayer
from qgis.PyQt.QtCore import pyqtSignal
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import (
    QAction,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from . import deps
from .processing.i18n import tr

ICON = str(Path(__file__).resolve().parent / "resources" / "icons" / "suginami.svg")
SAMPLE = Path(__file__).resolve().parent / "resources" / "sample"
# The sample ward's layers, top to bottom in the layer tree.
SAMPLE_LAYERS = ("shelters", "wifi_aps", "shelter_sites", "roads", "buildings", "districts")
MENU = "&Suginami disaster planning"
# The one-click ward scenario opens from the toolbar; until it is installed, its first step does.
SCENARIO = "suginami:scenario"
FALLBACK = "suginami:groundmotion"
# Help dialogs are kept alive here (Qt does not own a Python-created dialog's wrapper).
_help_dialogs: list[QDialog] = []


def main_algorithm() -> str:
    from qgis.core import QgsApplication

    return SCENARIO if QgsApplication.processingRegistry().algorithmById(SCENARIO) is not None else FALLBACK


def _open_dialog(algorithm_id: str) -> None:
    from processing import execAlgorithmDialog  # QGIS's own processing plugin

    execAlgorithmDialog(algorithm_id, {})


def help_page_html() -> str:
    """resources/help/<language>/index.md as HTML, in the language QGIS runs in (English otherwise)."""
    from .processing.help import help_html
    from .processing.i18n import plugin_locale

    return help_html("index", plugin_locale())


def show_help(parent: QWidget | None = None) -> QDialog:
    dialog = QDialog(parent)
    dialog.setObjectName("suginami_help_dialog")
    dialog.setWindowTitle(tr("Suginami disaster planning: help"))
    browser = QTextBrowser(dialog)
    browser.setObjectName("suginami_help_browser")
    browser.setOpenExternalLinks(True)
    browser.setHtml(help_page_html())
    layout = QVBoxLayout(dialog)
    layout.addWidget(browser)
    dialog.resize(720, 640)
    _help_dialogs[:] = [d for d in _help_dialogs if d.isVisible()] + [dialog]
    dialog.show()
    return dialog


def sample_copy() -> Path:
    """The sample ward copied into the user's QGIS folder (QGIS may write to a GeoPackage it opens,
    and the plugin's own folder may be read-only); refreshed when the plugin's copy is newer."""
    target = Path(QgsApplication.qgisSettingsDirPath()) / "suginami_gis" / "sample"
    target.mkdir(parents=True, exist_ok=True)
    for name in ("sample_ward.gpkg", "avs30.tif"):
        source, copy = SAMPLE / name, target / name
        if not copy.exists() or copy.stat().st_mtime < source.stat().st_mtime:
            shutil.copy2(source, copy)
    return target


def load_sample_ward(iface=None) -> list[QgsMapLayer]:
    """Add the bundled sample ward (six layers and the AVS30 raster) to the project, in a group."""
    folder = sample_copy()
    project = QgsProject.instance()
    group = project.layerTreeRoot().insertGroup(0, tr("Sample ward"))
    layers: list[QgsMapLayer] = [
        QgsVectorLayer(f"{folder / 'sample_ward.gpkg'}|layername={name}", name, "ogr") for name in SAMPLE_LAYERS
    ]
    layers.append(QgsRasterLayer(str(folder / "avs30.tif"), "avs30"))
    for layer in layers:
        project.addMapLayer(layer, False)
        group.addLayer(layer)
    if not project.crs().isValid() or len(project.mapLayers()) == len(layers):
        project.setCrs(layers[0].crs())
    if iface is not None and iface.mapCanvas() is not None:
        iface.mapCanvas().setExtent(layers[SAMPLE_LAYERS.index("districts")].extent())
        iface.mapCanvas().refresh()
    return layers


def provider_algorithms() -> list:
    provider = QgsApplication.processingRegistry().providerById("suginami")
    return list(provider.algorithms()) if provider is not None else []


def needed_packages() -> list[tuple[str, str, str]]:
    """What the registered algorithms check for (each algorithm's PACKAGES), else the plugin's list."""
    packages = {p for alg in provider_algorithms() for p in getattr(alg, "PACKAGES", ())}
    return sorted(packages or set(deps.PLUGIN_PACKAGES)) + list(deps.OPTIONAL_PACKAGES)


def unavailable_algorithms() -> list[str]:
    return sorted(alg.displayName() for alg in provider_algorithms() if not alg.canExecute()[0])


class InstallTask(QgsTask):
    """Runs deps.install (pip, a few seconds to minutes) off the GUI thread; pip's lines go to ``line``."""

    line = pyqtSignal(str)
    done = pyqtSignal(object)

    def __init__(self, profile_dir: str, packages: list[tuple[str, str, str]]) -> None:
        super().__init__(tr("Installing Python packages for Suginami disaster planning"), QgsTask.CanCancel)
        self.profile_dir = profile_dir
        self.packages = packages
        self.result: deps.Result | None = None
        self.error = ""

    def run(self) -> bool:
        try:
            self.result = deps.install(self.profile_dir, self.packages, log=self.line.emit, is_canceled=self.isCanceled)
        except Exception as exc:  # shown in the dialog: a failed install must never take QGIS down
            self.error = f"{type(exc).__name__}: {exc}"
            return False
        return self.result.ok

    def finished(self, ok: bool) -> None:
        self.done.emit(self.result)


def install_summary(result: deps.Result | None, error: str = "") -> str:
    """What the dialog says when the installer has finished (the log above it shows pip's output)."""
    if result is None:
        return tr("The installer stopped: {0}").format(error or tr("canceled"))
    if result.skipped:
        text = tr(
            "Not installed: {0}. They are built against the GEOS and GDAL that QGIS uses, which needs "
            "their build files: run in a terminal\n  {1}\nthen click Install Python packages again."
        ).format(", ".join(result.skipped), deps.APT_BUILD)
    elif not result.ok:
        text = tr("pip failed: the log above says why. Nothing in QGIS's own Python was changed.")
    elif result.installed:
        text = tr("Installed into {0}: {1}.").format(result.target, ", ".join(result.installed))
    else:
        text = tr("All Python packages are already installed ({0}).").format(result.target)
    still = unavailable_algorithms()
    if still and result.ok:
        text += "\n" + tr("Still unavailable: {0}. Restart QGIS, then check their help.").format(", ".join(still))
    elif still:
        text += "\n" + tr("Unavailable until then: {0}.").format(", ".join(still))
    elif result.ok:
        text += "\n" + tr("Every algorithm is ready (no restart needed).")
    return text


class InstallDialog(QDialog):
    """Log and progress of the one-click install; the summary at the end says what to do next."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("suginami_install_dialog")
        self.setWindowTitle(tr("Install Python packages"))
        self.status = QLabel(tr("Installing with QGIS's Python into {0}…").format(self.target()), self)
        self.status.setWordWrap(True)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)  # pip reports no percentage: a busy bar
        self.log = QPlainTextEdit(self)
        self.log.setObjectName("suginami_install_log")
        self.log.setReadOnly(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Close, self)
        self.buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        for widget in (self.status, self.progress, self.log, self.buttons):
            layout.addWidget(widget)
        self.resize(760, 480)
        self.task: InstallTask | None = None
        self.running = False

    @staticmethod
    def target() -> Path:
        return deps.target_dir(QgsApplication.qgisSettingsDirPath())

    def start(self) -> InstallTask:
        self.task = InstallTask(QgsApplication.qgisSettingsDirPath(), needed_packages())
        self.task.line.connect(self.log.appendPlainText)
        self.task.done.connect(self.finish)
        self.running = True
        QgsApplication.taskManager().addTask(self.task)
        return self.task

    def finish(self, result: deps.Result | None) -> None:
        self.running = False
        provider = QgsApplication.processingRegistry().providerById("suginami")
        if provider is not None:
            provider.refreshAlgorithms()  # the toolbox re-reads each algorithm's help and state
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        self.status.setText(install_summary(result, self.task.error if self.task else ""))

    def closeEvent(self, event) -> None:
        # The task manager deletes a finished task: only a running one is asked to stop (pip is terminated).
        if self.running and self.task is not None:
            try:
                self.task.cancel()
            except RuntimeError:
                pass
        super().closeEvent(event)


def install_packages(parent: QWidget | None = None) -> InstallDialog:
    dialog = InstallDialog(parent)
    _help_dialogs[:] = [d for d in _help_dialogs if d.isVisible()] + [dialog]
    dialog.show()
    dialog.start()
    return dialog


def add_desktop_entries(iface) -> list[QAction]:
    """Toolbar button and menu entry for the scenario dialog, and a menu entry for the help page."""
    if iface is None:
        return []
    parent = iface.mainWindow()
    if main_algorithm() == SCENARIO:
        label = tr("Ward earthquake scenario (current state and mitigation)…")
    else:
        label = tr("Scenario ground motion…")
    scenario = QAction(QIcon(ICON), label, parent)
    scenario.setObjectName("suginami_scenario")
    scenario.setStatusTip(tr("Open the scenario dialog of the Suginami disaster-planning tools"))
    # Looked up when triggered, so the scenario opens as soon as its algorithm is installed.
    scenario.triggered.connect(lambda: _open_dialog(main_algorithm()))
    help_action = QAction(QgsApplication.getThemeIcon("/mActionHelpContents.svg"), tr("Help…"), parent)
    help_action.setObjectName("suginami_help")
    help_action.triggered.connect(lambda: show_help(parent))
    sample = QAction(tr("Load sample ward"), parent)
    sample.setObjectName("suginami_sample")
    sample.setStatusTip(tr("Add the bundled sample ward's layers to the project, to try the tools"))
    sample.triggered.connect(lambda: load_sample_ward(iface))
    iface.addPluginToMenu(tr(MENU), scenario)
    iface.addPluginToMenu(tr(MENU), sample)
    packages = QAction(tr("Install Python packages…"), parent)
    packages.setObjectName("suginami_install_packages")
    packages.setStatusTip(tr("Install the Python packages the algorithms need into this QGIS profile"))
    packages.triggered.connect(lambda: install_packages(parent))
    iface.addPluginToMenu(tr(MENU), help_action)
    iface.addPluginToMenu(tr(MENU), packages)
    iface.addToolBarIcon(scenario)
    return [scenario, sample, help_action, packages]


def remove_desktop_entries(iface, actions: list[QAction]) -> None:
    for action in actions:
        iface.removePluginMenu(tr(MENU), action)
        iface.removeToolBarIcon(action)
    for dialog in _help_dialogs:
        dialog.close()
    _help_dialogs.clear()
