"""What an analyst sees after the first click on "Install Python packages…" (needs Debian's xvfb).

Starts real QGIS under Xvfb with a throw-away profile in which the plugin (this checkout) is enabled,
WITHOUT the project's venv (QGIS's own Python, as on a fresh desktop), clicks the menu entry, waits
for the installer to finish and saves into OUT:
  install_packages_<lang>.png  the installer dialog (summary, progress, pip's log)
  install_packages_<lang>.txt  its summary and log as text
Usage: .venv/bin/python scripts/install_screenshot.py OUT [--lang ja|en]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from desktop_screenshots import profile

STARTUP = """
from pathlib import Path
from qgis.PyQt.QtCore import QTimer
from qgis.core import QgsApplication
from qgis.utils import plugins

from suginami_gis import gui

OUT, LANG = Path({out!r}), {lang!r}
state = {{"ticks": 0}}


def click():
    action = next(a for a in plugins["suginami_gis"].actions if a.objectName() == "suginami_install_packages")
    action.trigger()
    QTimer.singleShot(1000, wait)


def wait():
    dialog = gui._help_dialogs[-1]
    state["ticks"] += 1
    if dialog.running and state["ticks"] < 1200:
        QTimer.singleShot(1000, wait)
        return
    dialog.raise_()
    QTimer.singleShot(1500, lambda: grab(dialog))


def grab(dialog):
    dialog.grab().save(str(OUT / f"install_packages_{{LANG}}.png"))
    text = dialog.status.text() + "\\n\\n" + dialog.log.toPlainText() + "\\n"
    (OUT / f"install_packages_{{LANG}}.txt").write_text(text, encoding="utf-8")
    QgsApplication.exit(0)


QTimer.singleShot(5000, click)
"""


def take(out: Path, lang: str, timeout: float = 1500) -> list[Path]:
    if shutil.which("xvfb-run") is None:
        raise RuntimeError("xvfb-run is missing: install Debian's xvfb and xauth (scripts/setup.sh does)")
    out.mkdir(parents=True, exist_ok=True)
    shots = [out / f"install_packages_{lang}.png", out / f"install_packages_{lang}.txt"]
    for path in shots:
        path.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="suginami-install-") as tmp:
        root = profile(Path(tmp) / "profiles-root", lang)
        startup = Path(tmp) / "startup.py"
        startup.write_text(STARTUP.format(out=str(out), lang=lang), encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "QGIS_PREFIX_PATH", "VIRTUAL_ENV")}
        env["QT_QPA_PLATFORM"] = "xcb"
        command = ["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24", "qgis", "--nologo", "--noversioncheck"]
        command += ["--profiles-path", str(root), "--code", str(startup)]
        subprocess.run(command, env=env, timeout=timeout, capture_output=True, check=False)
    return [path for path in shots if path.exists()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--lang", default="en", choices=("ja", "en"))
    args = parser.parse_args()
    shots = take(args.out.resolve(), args.lang)
    for path in shots:
        print(path)
    if len(shots) < 2:
        sys.exit("QGIS did not save the installer's screenshot")


if __name__ == "__main__":
    main()
