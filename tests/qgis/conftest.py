"""QGIS tests: the provider registered once per session on top of pytest-qgis's processing fixture."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SAMPLE_DIR = REPO / "suginami_gis" / "resources" / "sample"
SAMPLE_GPKG = SAMPLE_DIR / "sample_ward.gpkg"
SAMPLE_AVS30 = SAMPLE_DIR / "avs30.tif"
SHARED_DATA = REPO.parent / "shared" / "data" / "real"


@pytest.fixture(scope="session")
def provider(qgis_processing):
    from qgis.core import QgsApplication

    from suginami_gis.processing.provider import SuginamiProvider

    registry = QgsApplication.processingRegistry()
    if registry.providerById("suginami") is None:
        registry.addProvider(SuginamiProvider())
    return registry.providerById("suginami")


@pytest.fixture
def run_alg(provider):
    """processing.run("suginami:<name>", params) with a fresh context and feedback."""
    import processing
    from qgis.core import QgsProcessingContext, QgsProcessingFeedback, QgsProject

    def _run(name: str, params: dict, feedback=None, context=None):
        if context is None:
            context = QgsProcessingContext()
            context.setProject(QgsProject.instance())
        return processing.run(f"suginami:{name}", params, feedback=feedback or QgsProcessingFeedback(), context=context)

    return _run


def sample_layer(name: str):
    """A layer of the bundled sample ward as a QgsVectorLayer."""
    from qgis.core import QgsVectorLayer

    layer = QgsVectorLayer(f"{SAMPLE_GPKG}|layername={name}", name, "ogr")
    assert layer.isValid(), name
    return layer


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.exists():
        pytest.skip(f"the real public data folder {SHARED_DATA} is absent (CI always has it)")
    return SHARED_DATA
