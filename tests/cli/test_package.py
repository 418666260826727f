"""The installable zip made by qgis-plugin-ci installs into a throw-away profile and runs."""

from __future__ import annotations

import subprocess
import zipfile

from conftest import REPO, run_qgis_process


def test_zip_installs_and_runs(tmp_path):
    proc = subprocess.run(
        ["bash", str(REPO / "scripts" / "package.sh")], capture_output=True, text=True, cwd=REPO, check=False
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    version = next(
        line.split("=", 1)[1].strip()
        for line in (REPO / "suginami_gis" / "metadata.txt").read_text(encoding="utf-8").splitlines()
        if line.startswith("version=")
    )
    archive = REPO / "dist" / f"suginami_gis.{version}.zip"
    assert archive.exists(), proc.stdout
    plugins = tmp_path / "plugins"
    with zipfile.ZipFile(archive) as zf:
        names = zf.namelist()
        assert "suginami_gis/metadata.txt" in names
        # The QGIS plugin repository refuses a zip without its licence.
        assert "suginami_gis/LICENSE" in names
        assert "suginami_gis/resources/sample/sample_ward.gpkg" in names
        assert "suginami_gis/i18n/suginami_gis_ja.qm" in names  # compiled by scripts/package.sh
        assert not any("tests/" in n or n.endswith(".pyc") for n in names)
        # The user-guide pages the help links to (scripts/bundle_guide.py), with their pictures.
        guide = "suginami_gis/resources/help/guide/"
        for page in (
            "scenario.html",
            "publicexport.html",
            "user-guide.html",
            "methods/index.html",
            "methods/fire.html",
        ):
            assert guide + page in names, page
        assert guide + "images/desktop_dialog.png" in names
        zf.extractall(plugins)
    # The help of the unzipped plugin links to its own copy of the guide, and every link resolves.
    check = (
        "import pathlib, re, sys, urllib.parse\n"
        "from suginami_gis.processing.help import HELP_DIR, help_html\n"
        "links = [h for f in HELP_DIR.glob('*/*.md') for h in re.findall(r'href=\"([^\"]+)\"', help_html(f.stem, f.parent.name))]\n"
        "paths = [pathlib.Path(urllib.parse.unquote(urllib.parse.urlparse(h).path)) for h in links]\n"
        "print(len(links), sum(p.is_file() for p in paths), all(h.startswith('file://') for h in links), paths[0])\n"
    )
    shown = subprocess.run(
        ["/usr/bin/python3", "-c", check],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PYTHONPATH": str(plugins)},
        check=False,
    )
    assert shown.returncode == 0, shown.stderr
    count, existing, local, first = shown.stdout.split(maxsplit=3)
    assert int(count) >= 10 and existing == count and local == "True", shown.stdout
    assert first.startswith(str(plugins)), first
    # Only the unzipped copy is on the plugin path, and the checkout is not on PYTHONPATH.
    env = {"SUGINAMI_PLUGINPATH": str(plugins), "PYTHONPATH": ""}
    listed = run_qgis_process("plugins", env=env)
    assert "suginami_gis" in listed.stdout
    out = tmp_path / "out"
    result = run_qgis_process(
        "run",
        "suginami:groundmotion",
        "--",
        "EPICENTER=-17040,-32930 [EPSG:6677]",
        "MAGNITUDE=7.0",
        "DEPTH=20",
        "EXTENT=-18040,-16040,-33930,-31930 [EPSG:6677]",
        "PIXEL_SIZE=200",
        f"OUTPUT_PGV={out}/pgv.tif",
        f"OUTPUT_INTENSITY={out}/int.tif",
        env=env,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert (out / "pgv.tif").exists() and (out / "int.tif").exists()
