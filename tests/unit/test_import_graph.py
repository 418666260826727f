"""The plugin's import graph has layers and no circles (docs/architecture.md).

Read from the source with ast (no module is imported), counting every import, also those inside
functions: a lazy import still ties two modules together.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

PACKAGE = Path(__file__).resolve().parents[2] / "suginami_gis"
ROOT = "suginami_gis"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> list[str]:
    if node.level == 0:
        base = node.module or ""
    else:
        parts = module.split(".")
        keep = len(parts) - node.level + (1 if is_package else 0)
        base = ".".join(parts[:keep] + ([node.module] if node.module else []))
    # "from . import algorithms" names a module; "from .x import name" names x.
    return [f"{base}.{alias.name}" for alias in node.names] + [base]


def import_graph() -> nx.DiGraph:
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = nx.DiGraph()
    graph.add_nodes_from(modules)
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                # Of "from .x import name" keep x.name when it is a module, else x.
                candidates = _resolve(name, path.name == "__init__.py", node)
                targets = [c for c in candidates[:-1] if c in modules] or candidates[-1:]
            for target in targets:
                if target in modules and target != name:
                    graph.add_edge(name, target)
    return graph


def test_the_graph_is_read():
    graph = import_graph()
    # Known edges, so an empty graph cannot pass the tests below.
    assert graph.has_edge("suginami_gis.processing.algorithms.scenario", "suginami_gis.processing.base")
    assert graph.has_edge("suginami_gis.processing.base", "suginami_gis.core.feedback")


def test_no_import_circles():
    cycles = list(nx.simple_cycles(import_graph()))
    assert cycles == []


def test_no_algorithm_imports_another_algorithm():
    graph = import_graph()
    prefix = f"{ROOT}.processing.algorithms."
    offenders = [(a, b) for a, b in graph.edges if a.startswith(prefix) and b.startswith(prefix)]
    assert offenders == []


def test_layers_point_downwards():
    """core imports nothing of the plugin outside core; processing never imports the plugin's GUI."""
    graph = import_graph()
    offenders = []
    for a, b in graph.edges:
        if a.startswith(f"{ROOT}.core") and not b.startswith(f"{ROOT}.core"):
            offenders.append((a, b))
        if a.startswith(f"{ROOT}.processing") and b in (f"{ROOT}.plugin", f"{ROOT}.gui"):
            offenders.append((a, b))
    assert offenders == []
