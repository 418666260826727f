"""QGIS tests: the provider registered once per session on top of pytest-qgis's processing fixture."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# Tests read a copy of the bundled sample: GDAL/QGIS may write to a GeoPackage they open
# (triggers, statistics, .aux.xml files), and the committed sample must stay byte-identical.
SAMPLE_DIR = Path(tempfile.mkdtemp(prefix="suginami-sample-"))
for _name in ("sample_ward.gpkg", "avs30.tif"):
    shutil.copy2(REPO / "suginami_gis" / "resources" / "sample" / _name, SAMPLE_DIR / _name)
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


def memory_layer(kind, geometries, fields=(), rows=None, crs="EPSG:6677"):
    """A memory layer of ``kind`` (Point, LineString, Polygon) from shapely geometries and rows."""
    from qgis.core import QgsFeature, QgsGeometry, QgsVectorLayer

    spec = "".join(f"&field={name}:{typ}" for name, typ in fields)
    layer = QgsVectorLayer(f"{kind}?crs={crs}{spec}", kind.lower(), "memory")
    feats = []
    for k, geom in enumerate(geometries):
        f = QgsFeature(layer.fields())
        f.setGeometry(QgsGeometry.fromWkt(geom.wkt))
        if rows is not None:
            f.setAttributes(list(rows[k]))
        feats.append(f)
    layer.dataProvider().addFeatures(feats)
    return layer


def output_features(result, key, context):
    """The features of an algorithm's output, whether a layer object or an id in ``context``."""
    from qgis.core import QgsProcessingUtils

    value = result[key]
    layer = QgsProcessingUtils.mapLayerFromString(value, context) if isinstance(value, str) else value
    return list(layer.getFeatures())


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.exists():
        pytest.skip(f"the real public data folder {SHARED_DATA} is absent (CI always has it)")
    return SHARED_DATA


@pytest.fixture(autouse=True)
def _collect_qgis_garbage():
    """Collect each test's garbage while QGIS is alive.

    Left to a later collection (e.g. while a plugin imports at the end of the session), sip
    wrappers of layers and feature sinks are freed in an order that crashes QGIS.
    """
    import gc

    yield
    gc.collect()


_EXIT_STATUS = {"value": 0}


def pytest_sessionfinish(session, exitstatus):
    _EXIT_STATUS["value"] = int(exitstatus)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config):
    """Leave without QGIS's own teardown once every result has been reported.

    QGIS 3.22 can crash while it deletes its providers and layers at exit when layer objects
    that a test handed to processing.run are freed late (seen only after all tests passed,
    never during a test). The session's real exit status is kept.
    """
    import os
    import sys

    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(_EXIT_STATUS["value"])
