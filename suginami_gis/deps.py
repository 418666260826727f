"""Install the Python packages the plugin needs into a folder of the QGIS profile, with QGIS's own Python.

No QGIS or Qt here: the plugin menu's "Install Python packages" runs ``install()`` in a QgsTask,
and the same function runs from a shell (``python3 deps.py --profile <QGIS profile folder>``).

- The folder is ``<profile>/python/suginami_gis_deps/<python version>``: not the system and not
  ``--user`` (Debian 12 refuses both under PEP 668: pip 23's externally-managed check is skipped
  for ``--target``), and not the plugin folder, which an upgrade of the plugin replaces.
- Only what QGIS's Python lacks (or has too old) is installed, with ``--no-deps`` and the full
  list of pins below, so Debian's numpy, scipy, pyparsing... are kept (``--target`` alone would
  ignore them and install numpy 2).
- On Linux the packages that link GEOS/GDAL (shapely, rasterio, pyogrio) are built from source
  against the system libraries QGIS itself loads: QGIS exports their symbols, so a wheel's own
  GEOS copy is bypassed and misbehaves (scripts/setup.sh). Windows and macOS resolve symbols per
  library, so their wheels are used there.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import os
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

FOLDER = "suginami_gis_deps"
APT_BUILD = "sudo apt install build-essential python3-dev libgeos-dev libgdal-dev libproj-dev"


@dataclass(frozen=True)
class Dist:
    """A distribution: its pin, the version QGIS's Python may already have, what it needs to build."""

    name: str
    pin: str
    minimum: str = "0"
    below: str | None = None  # first unsuitable version (numpy 2 breaks Debian's GDAL bindings)
    requires: dict[str, str] = field(default_factory=dict)  # dependency -> minimum version
    native: tuple[str, ...] = ()  # config tools of the C libraries it links (source build on Linux)


# Pins: requirements.txt (what the project's tests run); the dependencies that file leaves to pip
# are pinned to the versions the tested venv resolved. Minimums: what the pinned package declares.
DISTS: dict[str, Dist] = {
    d.name: d
    for d in (
        Dist("numpy", "numpy==1.26.4", "1.23", below="2"),
        Dist("scipy", "scipy==1.14.1", "1.10", requires={"numpy": "1.23"}),
        Dist("shapely", "shapely==2.2.0", "2.0", requires={"numpy": "1.26"}, native=("geos-config",)),
        Dist(
            "rasterio",
            "rasterio==1.4.4",
            "1.3",
            requires={
                "numpy": "1.24",
                "affine": "2",
                "attrs": "0",
                "certifi": "0",
                "click": "4",
                "cligj": "0.5",
                "click-plugins": "0",
                "pyparsing": "0",
            },
            native=("gdal-config",),
        ),
        Dist("affine", "affine==2.4.0", "2", below="3"),
        Dist("attrs", "attrs==26.1.0"),
        Dist("certifi", "certifi==2026.10.19.post1"),
        Dist("click", "click==8.5.1", "4"),
        Dist("cligj", "cligj==0.7.2", "0.5", requires={"click": "4"}),
        Dist("click-plugins", "click-plugins==1.1.1.2", requires={"click": "4"}),
        Dist("pyparsing", "pyparsing==3.0.9"),
        Dist("packaging", "packaging==23.0"),
        Dist("networkx", "networkx==3.6", "2.8"),
        # lxml streams PLATEAU CityGML (importplateau); Debian's python3-qgis already brings 4.9.2.
        Dist("lxml", "lxml==4.9.2", "4.6"),
        Dist(
            "pyogrio",
            "pyogrio==0.11.1",
            "0.6",
            requires={"numpy": "1.23", "certifi": "0", "packaging": "0"},
            native=("gdal-config",),
        ),
        # pmtiles (pure Python, no dependencies) writes the public export's vector-tile archive.
        Dist("pmtiles", "pmtiles==3.8.1", "3.0"),
        # osmnx reads the OSM_FILE input of the street-network algorithms (core/network.py).
        Dist(
            "osmnx",
            "osmnx==2.1.1",
            "2.0",
            requires={
                "geopandas": "1.0.1",
                "networkx": "2.5",
                "numpy": "1.24",
                "pandas": "1.5",
                "requests": "2.30",
                "shapely": "2.0",
            },
        ),
        Dist(
            "geopandas",
            "geopandas==1.1.1",
            "1.0.1",
            requires={
                "numpy": "1.24",
                "pyogrio": "0.7.2",
                "packaging": "0",
                "pandas": "2.0",
                "pyproj": "3.5",
                "shapely": "2.0",
            },
        ),
        Dist(
            "pandas",
            "pandas==2.2.3",
            "2.0",
            requires={"numpy": "1.23.2", "python-dateutil": "2.8.2", "pytz": "2020.1", "tzdata": "2022.7"},
        ),
        # pyproj 3.6 is the newest release that supports Debian 12's PROJ 9.1 (requirements.txt).
        Dist("pyproj", "pyproj==3.6.1", "3.5", requires={"certifi": "0"}, native=("proj.h",)),
        Dist("python-dateutil", "python-dateutil==2.8.2", requires={"six": "1.5"}),
        Dist("six", "six==1.16.0"),
        Dist("pytz", "pytz==2022.7.1"),
        Dist("tzdata", "tzdata==2026.6"),
        Dist(
            "requests",
            "requests==2.34.2",
            requires={"charset-normalizer": "2", "idna": "2.5", "urllib3": "1.26", "certifi": "2023.5.7"},
        ),
        Dist("charset-normalizer", "charset-normalizer==3.0.1"),
        Dist("idna", "idna==3.3"),
        Dist("urllib3", "urllib3==2.4.0"),
    )
}
# (import name, pip name, minimum) of every package an algorithm checks for (processing/base.py's
# CORE_PACKAGES and the extras of evacuationroutes and publicexport; tests/qgis/test_plugin.py).
PLUGIN_PACKAGES: tuple[tuple[str, str, str], ...] = (
    ("numpy", "numpy<2", "1.23"),
    ("scipy", "scipy", "1.10"),
    ("shapely", "shapely>=2", "2.0"),
    ("rasterio", "rasterio", "1.3"),
    ("networkx", "networkx", "2.8"),
    ("pyogrio", "pyogrio", "0.6"),
    ("pmtiles", "pmtiles", "3.0"),
    ("lxml", "lxml", "4.6"),
)
# Installed too, though no algorithm needs it to be listed: osmnx, for the OSM_FILE input.
OPTIONAL_PACKAGES: tuple[tuple[str, str, str], ...] = (("osmnx", "osmnx", "2.0"),)
# pyproj 3.6.1's Cython code predates Cython 3.1 (build-constraints.txt, scripts/setup.sh).
BUILD_CONSTRAINTS = "cython==3.0.11\n"


def version_tuple(text: str) -> tuple[int, ...]:
    parts = []
    for piece in text.split(".")[:3]:
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts)


def target_dir(profile_dir: str | Path) -> Path:
    """The plugin's package folder inside a QGIS profile, one per Python version (compiled code)."""
    return Path(profile_dir) / "python" / FOLDER / f"{sys.version_info[0]}.{sys.version_info[1]}"


def activate(profile_dir: str | Path) -> Path | None:
    """Put the profile's package folder first on sys.path (before Debian's older shapely, if any)."""
    folder = target_dir(profile_dir)
    if not folder.is_dir():
        return None
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))
    importlib.invalidate_caches()
    return folder


def installed_version(name: str, path: Iterable[str] | None = None) -> str | None:
    try:
        dists = importlib.metadata.distributions(name=name, path=list(path) if path is not None else sys.path)
        return next(iter(dists)).version
    except (StopIteration, Exception):
        return None


def suitable(name: str, minimum: str, path: Iterable[str] | None = None) -> bool:
    version = installed_version(name, path)
    if version is None:
        return False
    below = DISTS[name].below if name in DISTS else None
    return version_tuple(version) >= version_tuple(minimum) and (
        below is None or version_tuple(version) < version_tuple(below)
    )


def needed(packages: Iterable[tuple[str, str, str]], path: Iterable[str] | None = None) -> list[Dist]:
    """Distributions to install for (module, pip name, minimum) requirements, with their dependencies."""
    search = list(path) if path is not None else sys.path
    wanted: dict[str, str] = {}
    for module, _pip, minimum in packages:
        name = module
        if name in DISTS:
            wanted[name] = max(wanted.get(name, "0"), minimum, key=version_tuple)
    plan: dict[str, Dist] = {}
    queue = [(name, minimum) for name, minimum in wanted.items()]
    while queue:
        name, minimum = queue.pop(0)
        dist = DISTS[name]
        if name in plan or suitable(name, max(minimum, dist.minimum, key=version_tuple), search):
            continue
        plan[name] = dist
        queue.extend(dist.requires.items())
    return [DISTS[name] for name in DISTS if name in plan]  # table order: numpy first


def build_from_source(platform: str | None = None) -> bool:
    """Linux: QGIS's GEOS/GDAL symbols override a wheel's own copies, so build against the system's."""
    return (platform or sys.platform).startswith("linux")


def missing_build_tools(dists: Iterable[Dist]) -> list[str]:
    """What a source build of ``dists`` lacks: C compiler, Python headers, GEOS/GDAL config tools."""
    native = sorted({tool for d in dists for tool in d.native})
    if not native:
        return []
    missing = [tool for tool in native if not (_header(tool) if tool.endswith(".h") else shutil.which(tool))]
    if shutil.which("cc") is None and shutil.which("gcc") is None:
        missing.append("cc")
    if not (Path(sysconfig.get_paths()["include"]) / "Python.h").exists():
        missing.append("Python.h")
    return missing


def _header(name: str) -> bool:
    folders = {sysconfig.get_config_var("INCLUDEDIR") or "/usr/include", "/usr/include", "/usr/local/include"}
    return any((Path(folder) / name).is_file() for folder in folders)


def python_executable() -> str:
    """QGIS's Python. Not sys.executable: inside QGIS that is the first python3 on PATH (e.g. a pyenv
    shim, another Python), or the qgis program itself; the interpreter's own folder is asked instead."""
    version = f"{sys.version_info[0]}.{sys.version_info[1]}"
    bindir = sysconfig.get_config_var("BINDIR")
    base = Path(sys.base_exec_prefix)
    candidates = [Path(bindir) / f"python{version}"] if bindir else []
    candidates += [base / "bin" / f"python{version}", base / "python.exe", base / "bin" / "python3"]
    for candidate in candidates:
        if candidate.is_file():
            return str(candidate)
    return sys.executable


def pip_version(python: str) -> tuple[int, ...]:
    proc = subprocess.run([python, "-m", "pip", "--version"], capture_output=True, text=True, check=False)
    words = proc.stdout.split()
    return version_tuple(words[1]) if proc.returncode == 0 and len(words) > 1 else ()


def pip_command(dists: list[Dist], target: Path, python: str, source: bool, pip: tuple[int, ...]) -> list[str]:
    command = [python, "-m", "pip", "install", "--disable-pip-version-check", "--no-input", "--no-deps"]
    command += ["--upgrade", "--target", str(target)]
    if pip >= (22, 1):
        command += ["--root-user-action=ignore"]  # the folder is the user's own, root or not
    native = [d.name for d in dists if d.native]
    if source and native:
        command += ["--no-binary", ",".join(native)]
        # pip 22.1-23.0 (Debian 12 has 23.0.1) skip their cache of built wheels for --no-binary
        # unless asked: with it, only the first install compiles.
        if (22, 1) <= pip < (23, 1):
            command += ["--use-feature=no-binary-enable-wheel-cache"]
    return command + [d.pin for d in dists]


def build_env(folder: Path, pyproj_from_source: bool) -> dict[str, str]:
    env = {**os.environ, "PIP_NO_PYTHON_VERSION_WARNING": "1"}
    env.pop("PYTHONPATH", None)  # a developer's venv on PYTHONPATH must not hide what is missing
    if pyproj_from_source:
        constraints = folder / "build-constraints.txt"
        constraints.write_text(BUILD_CONSTRAINTS, encoding="utf-8")
        env.setdefault("PIP_CONSTRAINT", str(constraints))
        env.setdefault("PROJ_DIR", sys.base_prefix)  # the PROJ of the system (Debian: /usr)
    return env


@dataclass
class Result:
    ok: bool
    target: Path
    installed: list[str]
    skipped: list[str]  # needed but not installable here (build tools missing)
    message: str
    command: list[str] = field(default_factory=list)


def install(
    profile_dir: str | Path,
    packages: Iterable[tuple[str, str, str]],
    log: Callable[[str], None] = print,
    is_canceled: Callable[[], bool] = lambda: False,
    extra_args: Iterable[str] = (),
) -> Result:
    """Install what ``packages`` need and QGIS's Python lacks into the profile's folder.

    ``log`` receives pip's output line by line; ``extra_args`` go to pip (e.g. ``--find-links``).
    """
    target = target_dir(profile_dir)
    packages = list(packages)
    plan = needed(packages, [str(target), *sys.path])
    if not plan:
        return Result(True, target, [], [], "All Python packages are already installed.")
    source = build_from_source()
    lacking = missing_build_tools(plan) if source else []
    skipped = [d.name for d in plan if d.native] if lacking else []
    plan = [d for d in plan if d.name not in skipped]
    if lacking:
        log(f"Cannot build {', '.join(skipped)}: missing {', '.join(lacking)}. Install them with: {APT_BUILD}")
    command: list[str] = []
    if plan:
        target.mkdir(parents=True, exist_ok=True)
        python = python_executable()
        command = pip_command(plan, target, python, source, pip_version(python)) + list(extra_args)
        log("$ " + " ".join(command))
        env = build_env(target.parent, source and any(d.name == "pyproj" for d in plan))
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        assert proc.stdout is not None
        for line in proc.stdout:
            log(line.rstrip())
            if is_canceled():
                proc.terminate()
        if proc.wait() != 0:
            return Result(False, target, [], skipped, f"pip failed (exit code {proc.returncode}).", command)
    activate(profile_dir)
    names = [d.name for d in plan]
    if skipped:
        return Result(False, target, names, skipped, f"Not installed: {', '.join(skipped)}.", command)
    return Result(True, target, names, [], f"Installed into {target}: {', '.join(names)}.", command)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--profile", required=True, help="QGIS profile folder (Settings > User Profiles > Open Active Profile Folder)"
    )
    parser.add_argument("pip_args", nargs="*", help="extra pip arguments after --, e.g. --find-links DIR")
    args = parser.parse_args(argv)
    result = install(args.profile, PLUGIN_PACKAGES + OPTIONAL_PACKAGES, extra_args=args.pip_args)
    print(result.message)
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
