"""Screenshots of real QGIS desktop with the plugin, as an analyst sees it (needs Debian's xvfb).

Starts QGIS under Xvfb with a throw-away profile in which the plugin (this checkout) is enabled,
opens a scenario project, and saves into OUT:
  desktop_<lang>.png          the main window: the project on the ward, the Processing toolbox
  scenario_dialog_<lang>.png  the scenario dialog, in the language asked for
Usage: .venv/bin/python scripts/desktop_screenshots.py PROJECT.qgz OUT [--lang ja|en]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHOTS = ("desktop", "scenario_dialog")
# Run inside QGIS (qgis --code) once the project is open: the toolbox, a grab of the window, the
# scenario dialog (not modal, so it can be grabbed), a grab of it, then quit.
STARTUP = """
from pathlib import Path
from qgis.PyQt.QtCore import QTimer
from qgis.PyQt.QtWidgets import QDockWidget, QLineEdit
from qgis.core import QgsApplication
from qgis.utils import iface

OUT, LANG = Path({out!r}), {lang!r}
window = iface.mainWindow()
window.resize(1600, 1000)
dialogs = []


def show_toolbox():
    for dock in window.findChildren(QDockWidget):
        if dock.objectName() == "ProcessingToolbox":
            dock.show()
            dock.raise_()
            for search in dock.findChildren(QLineEdit):
                search.setText("suginami")
    iface.mapCanvas().refreshAllLayers()
    QTimer.singleShot(4000, grab_window)


def grab_window():
    window.grab().save(str(OUT / f"desktop_{{LANG}}.png"))
    import processing

    dialog = processing.createAlgorithmDialog("suginami:scenario", {{}})
    dialogs.append(dialog)
    dialog.resize(1000, 800)
    dialog.show()
    QTimer.singleShot(2500, grab_dialog)


def grab_dialog():
    dialogs[0].grab().save(str(OUT / f"scenario_dialog_{{LANG}}.png"))
    QgsApplication.exit(0)


QTimer.singleShot(6000, show_toolbox)
"""


def profile(root: Path, lang: str) -> Path:
    """A QGIS profiles folder with the checkout's plugin enabled and the interface in ``lang``."""
    default = root / "profiles" / "default"
    plugins = default / "python" / "plugins"
    plugins.mkdir(parents=True)
    (plugins / "suginami_gis").symlink_to(REPO / "suginami_gis")
    (default / "QGIS").mkdir()
    (default / "QGIS" / "QGIS3.ini").write_text(
        "[PythonPlugins]\nsuginami_gis=true\n\n"
        f"[locale]\noverrideFlag=true\nuserLocale={lang}\nglobalLocale={lang}\n\n"
        "[qgis]\ncheckVersion=false\nshowTips=false\n",
        encoding="utf-8",
    )
    return root


def take(project: Path, out: Path, lang: str = "ja", timeout: float = 240) -> list[Path]:
    """Run QGIS under Xvfb and return the screenshots it saved."""
    if shutil.which("xvfb-run") is None:
        raise RuntimeError("xvfb-run is missing: install Debian's xvfb and xauth (scripts/setup.sh does)")
    out.mkdir(parents=True, exist_ok=True)
    for name in SHOTS:
        (out / f"{name}_{lang}.png").unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="suginami-desktop-") as tmp:
        root = profile(Path(tmp) / "profiles-root", lang)
        startup = Path(tmp) / "startup.py"
        startup.write_text(STARTUP.format(out=str(out), lang=lang), encoding="utf-8")
        # QGIS's own Python plus the packages of the checkout's venv, as a developer runs it.
        site = next((REPO / ".venv" / "lib").glob("python3*/site-packages"), None)
        env = {**os.environ, "PYTHONPATH": str(site or ""), "QT_QPA_PLATFORM": "xcb"}
        env.pop("QGIS_PREFIX_PATH", None)
        command = [
            "xvfb-run",
            "-a",
            "-s",
            "-screen 0 1600x1000x24",
            "qgis",
            "--nologo",
            "--noversioncheck",
            "--profiles-path",
            str(root),
            "--project",
            str(project),
            "--code",
            str(startup),
        ]
        subprocess.run(command, env=env, timeout=timeout, capture_output=True, check=False)
    return [path for name in SHOTS if (path := out / f"{name}_{lang}.png").exists()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("project", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--lang", default="ja", choices=("ja", "en"))
    args = parser.parse_args()
    shots = take(args.project.resolve(), args.out.resolve(), args.lang)
    for path in shots:
        print(path)
    if len(shots) < len(SHOTS):
        sys.exit("QGIS did not save every screenshot")


if __name__ == "__main__":
    main()
