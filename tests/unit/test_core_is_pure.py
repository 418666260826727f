"""suginami_gis.core imports neither QGIS nor Qt (also enforced by ruff's banned-api rule)."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import suginami_gis.core as core

BANNED = {"qgis", "PyQt5", "PyQt6", "processing", "sip"}


def test_no_core_module_imports_qgis_or_qt():
    offenders = []
    for path in Path(core.__file__).parent.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in BANNED]
    assert offenders == []


def test_every_core_module_imports_without_qgis():
    # The conftest blocks qgis/Qt imports, so this fails if any module needs them.
    for module in pkgutil.walk_packages(core.__path__, prefix="suginami_gis.core."):
        importlib.import_module(module.name)
