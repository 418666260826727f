"""Unit tests run without QGIS: importing qgis or Qt from here (or from the core) fails.

Run them in their own pytest process with the pytest-qgis plugin disabled (see the Makefile),
so nothing has imported QGIS before this file installs the blocker.
"""

from __future__ import annotations

import importlib.abc
import sys
from pathlib import Path

import pytest

BLOCKED = {"qgis", "PyQt5", "PyQt6", "sip", "processing"}


class _NoQgis(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path, target=None):
        if fullname.split(".")[0] in BLOCKED:
            raise ImportError(f"{fullname} imported in a unit test: suginami_gis.core must not need QGIS or Qt")
        return None


already = sorted(name for name in sys.modules if name.split(".")[0] in BLOCKED)
if already:
    raise RuntimeError(f"QGIS/Qt was imported before the unit tests started ({already}); run with -p no:pytest_qgis")
sys.meta_path.insert(0, _NoQgis())

SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "real"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.exists():
        pytest.skip(f"the real public data folder {SHARED_DATA} is absent (CI always has it)")
    return SHARED_DATA


# In CI, property tests draw the same examples every run (a failure found once is kept as an
# @example in the test); developers' runs keep exploring.
try:
    import os

    from hypothesis import settings as _hypothesis_settings

    _hypothesis_settings.register_profile("ci", derandomize=True, deadline=None)
    if os.environ.get("CI"):
        _hypothesis_settings.load_profile("ci")
except ImportError:  # hypothesis is a test dependency; without it the property tests fail to import anyway
    pass
