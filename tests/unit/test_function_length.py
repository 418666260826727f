"""Algorithm files declare and delegate: no function in the QGIS glue (processing/) is over 80 lines."""

from __future__ import annotations

import ast
from pathlib import Path

PROCESSING = Path(__file__).resolve().parents[2] / "suginami_gis" / "processing"
LIMIT = 80


def test_no_function_in_processing_is_over_80_lines():
    long = []
    files = sorted(PROCESSING.rglob("*.py"))
    assert len(files) > 30  # the glue is read
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > LIMIT:
                    long.append(f"{path.relative_to(PROCESSING)}:{node.lineno} {node.name} ({length} lines)")
    assert long == []
