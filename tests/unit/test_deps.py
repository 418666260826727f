"""suginami_gis/deps.py: what the one-click install would install, and the pip command it runs."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from suginami_gis import deps

REPO = Path(__file__).resolve().parents[2]


def _site(tmp_path: Path, **versions: str) -> list[str]:
    """A fake site-packages folder holding only the given distributions (name=version)."""
    for name, version in versions.items():
        info = tmp_path / f"{name.replace('-', '_')}-{version}.dist-info"
        info.mkdir(parents=True)
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    return [str(tmp_path)]


def _names(plan: list[deps.Dist]) -> list[str]:
    return [d.name for d in plan]


def test_pins_are_those_of_requirements_txt():
    pinned = dict(
        line.split("==", 1)
        for line in (REPO / "requirements.txt").read_text(encoding="utf-8").splitlines()
        if re.match(r"^[A-Za-z0-9_.-]+==", line)
    )
    for dist in deps.DISTS.values():
        name, version = dist.pin.split("==")
        if name in pinned:
            assert version == pinned[name], name
    assert {"numpy", "scipy", "shapely", "rasterio", "networkx", "pyogrio", "affine"} <= set(pinned) & set(deps.DISTS)


def test_debian_12_qgis_python_gets_shapely_rasterio_and_a_newer_numpy(tmp_path):
    # Debian 12's python3 with QGIS: numpy 1.24.2, scipy 1.10.1, lxml 4.9.2, attrs, certifi, pyparsing, packaging.
    debian = _site(
        tmp_path,
        numpy="1.24.2",
        lxml="4.9.2",
        scipy="1.10.1",
        attrs="22.2.0",
        certifi="2022.9.24",
        pyparsing="3.0.9",
        packaging="23.0",
    )
    plan = _names(deps.needed(deps.PLUGIN_PACKAGES, debian))
    # shapely 2.2 declares numpy>=1.26: numpy 1.26.4 (<2, for Debian's GDAL) goes into the folder; scipy stays.
    assert plan == [
        "numpy",
        "shapely",
        "rasterio",
        "affine",
        "click",
        "cligj",
        "click-plugins",
        "networkx",
        "pyogrio",
        "pmtiles",
    ]
    assert deps.DISTS["numpy"].pin == "numpy==1.26.4"


def test_nothing_is_installed_twice_and_numpy_2_is_not_suitable(tmp_path):
    everything = {d.name: d.pin.split("==")[1] for d in deps.DISTS.values()}
    assert deps.needed(deps.PLUGIN_PACKAGES, _site(tmp_path / "a", **everything)) == []
    with_numpy_2 = _site(tmp_path / "b", **{**everything, "numpy": "2.1.0"})
    assert _names(deps.needed(deps.PLUGIN_PACKAGES, with_numpy_2)) == ["numpy"]
    old_shapely = _site(tmp_path / "c", **{**everything, "shapely": "1.8.5"})  # Debian's python3-shapely
    assert _names(deps.needed(deps.PLUGIN_PACKAGES, old_shapely)) == ["shapely"]


def test_pip_command_builds_geos_and_gdal_packages_from_source_on_linux(tmp_path):
    plan = [deps.DISTS[n] for n in ("numpy", "shapely", "rasterio", "networkx")]
    target = deps.target_dir(tmp_path)
    assert target == tmp_path / "python" / "suginami_gis_deps" / f"{sys.version_info[0]}.{sys.version_info[1]}"
    linux = deps.pip_command(plan, target, "/usr/bin/python3.11", deps.build_from_source("linux"), (23, 0, 1))
    assert linux[:4] == ["/usr/bin/python3.11", "-m", "pip", "install"]
    assert "--no-deps" in linux and linux[linux.index("--target") + 1] == str(target)
    assert "--user" not in linux and "--break-system-packages" not in linux
    assert linux[linux.index("--no-binary") + 1] == "shapely,rasterio"
    assert "--use-feature=no-binary-enable-wheel-cache" in linux  # pip 23.0 reads its built-wheel cache
    assert linux[-4:] == ["numpy==1.26.4", "shapely==2.2.0", "rasterio==1.4.4", "networkx==3.6"]
    newer_pip = deps.pip_command(plan, target, "python3", True, (24, 0))
    assert not any(a.startswith("--use-feature") for a in newer_pip)
    windows = deps.pip_command(plan, target, "python.exe", deps.build_from_source("win32"), (24, 0))
    assert "--no-binary" not in windows  # per-DLL symbols: wheels with their own GEOS work there


def test_activate_puts_the_folder_first(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "path", list(sys.path))
    assert deps.activate(tmp_path) is None  # nothing installed yet: sys.path unchanged
    folder = deps.target_dir(tmp_path)
    (folder / "suginami_probe_pkg").mkdir(parents=True)
    (folder / "suginami_probe_pkg" / "__init__.py").write_text("VALUE = 42\n")
    assert deps.activate(tmp_path) == folder and sys.path[0] == str(folder)
    deps.activate(tmp_path)
    assert sys.path.count(str(folder)) == 1
    import suginami_probe_pkg  # type: ignore[import-not-found]

    assert suginami_probe_pkg.VALUE == 42
    sys.modules.pop("suginami_probe_pkg")


def test_missing_build_tools_names_what_to_install(monkeypatch):
    monkeypatch.setattr(deps.shutil, "which", lambda name: None)
    missing = deps.missing_build_tools([deps.DISTS["shapely"], deps.DISTS["rasterio"]])
    assert {"geos-config", "gdal-config", "cc"} <= set(missing)
    assert deps.missing_build_tools([deps.DISTS["networkx"]]) == []
    assert "libgeos-dev" in deps.APT_BUILD and "libgdal-dev" in deps.APT_BUILD


def test_without_build_tools_the_pure_python_packages_still_install(tmp_path, monkeypatch):
    monkeypatch.setattr(deps, "missing_build_tools", lambda dists: ["geos-config", "gdal-config"])
    monkeypatch.setattr(deps, "build_from_source", lambda platform=None: True)
    monkeypatch.setattr(deps, "pip_version", lambda python: (23, 0, 1))
    commands: list[list[str]] = []

    class FakePopen:
        def __init__(self, command, **kwargs):
            commands.append(command)
            self.stdout = iter(["Successfully installed\n"])
            self.returncode = 0

        def wait(self):
            return 0

    monkeypatch.setattr(deps.subprocess, "Popen", FakePopen)
    monkeypatch.setattr(deps, "needed", lambda packages, path: [deps.DISTS["shapely"], deps.DISTS["networkx"]])
    lines: list[str] = []
    result = deps.install(tmp_path, deps.PLUGIN_PACKAGES, log=lines.append)
    assert not result.ok and result.skipped == ["shapely"] and result.installed == ["networkx"]
    assert commands[0][-1] == "networkx==3.6" and "--no-binary" not in commands[0]
    assert any("sudo apt install" in line and "libgeos-dev" in line for line in lines)


def test_pip_runs_with_this_interpreter_not_the_first_python_on_path(monkeypatch):
    # Inside QGIS, sys.executable is whatever "python3" PATH finds first (seen: a pyenv shim).
    monkeypatch.setattr(sys, "executable", "/root/.pyenv/shims/python3")
    python = deps.python_executable()
    assert Path(python).name.startswith("python") and "pyenv" not in python
    proc = deps.subprocess.run(
        [python, "-c", "import sys; print(sys.version_info[:2], sys.base_prefix)"], capture_output=True, text=True
    )
    assert proc.stdout.strip() == f"{tuple(sys.version_info[:2])} {sys.base_prefix}"


def test_osmnx_for_the_osm_file_input_brings_its_own_closure(tmp_path):
    debian = _site(
        tmp_path,
        numpy="1.24.2",
        scipy="1.10.1",
        certifi="2022.9.24",
        packaging="23.0",
        pyproj="3.4.1",
        requests="2.28.1",
        **{"python-dateutil": "2.8.2", "pytz": "2022.7.1", "six": "1.16.0", "idna": "3.3", "urllib3": "1.26.12"},
        **{"charset-normalizer": "3.0.1", "attrs": "22.2.0", "pyparsing": "3.0.9"},
    )
    plan = _names(deps.needed(deps.PLUGIN_PACKAGES + deps.OPTIONAL_PACKAGES, debian))
    # Debian's pyproj 3.4 is older than geopandas 1.1 needs, its requests older than osmnx 2.1 needs,
    # and that requests needs a newer certifi; dateutil, pytz, six, idna, urllib3 are kept.
    assert {"osmnx", "geopandas", "pandas", "pyproj", "tzdata", "requests", "certifi"} <= set(plan)
    assert not {"scipy", "python-dateutil", "pytz", "six", "idna", "urllib3", "charset-normalizer"} & set(plan)
    command = deps.pip_command(deps.needed(deps.OPTIONAL_PACKAGES, debian), tmp_path, "python3", True, (23, 0, 1))
    assert "pyproj" in command[command.index("--no-binary") + 1].split(",")  # against the system's PROJ
    env = deps.build_env(tmp_path, pyproj_from_source=True)
    assert (tmp_path / "build-constraints.txt").read_text() == "cython==3.0.11\n"
    assert "PYTHONPATH" not in env and env["PROJ_DIR"] == sys.base_prefix


def test_shell_entry_point_installs_every_package_and_passes_pip_arguments(monkeypatch, capsys):
    seen = {}

    def fake_install(profile_dir, packages, extra_args=()):
        seen.update(profile=profile_dir, packages=list(packages), pip=list(extra_args))
        return deps.Result(False, deps.target_dir(profile_dir), [], ["shapely"], "Not installed: shapely.")

    monkeypatch.setattr(deps, "install", fake_install)
    code = deps.main(["--profile", "/p", "--", "--no-index", "--find-links", "/media/usb/wheels"])
    assert code == 1 and "Not installed: shapely." in capsys.readouterr().out
    assert seen == {
        "profile": "/p",
        "packages": list(deps.PLUGIN_PACKAGES + deps.OPTIONAL_PACKAGES),
        "pip": ["--no-index", "--find-links", "/media/usb/wheels"],
    }
