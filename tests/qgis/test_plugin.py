"""The plugin entry points: provider registration, desktop entries, missing-package messages."""

from __future__ import annotations

from qgis.core import QgsApplication

import suginami_gis
from suginami_gis.processing.base import SuginamiAlgorithm, missing_packages


def test_init_processing_registers_the_provider_once(qgis_processing):
    plugin = suginami_gis.classFactory(None)
    registry = QgsApplication.processingRegistry()
    existing = registry.providerById("suginami")
    if existing is not None:
        registry.removeProvider(existing)
    plugin.initProcessing()
    plugin.initProcessing()
    provider = registry.providerById("suginami")
    assert provider is not None
    assert provider.algorithm("groundmotion") is not None
    plugin.unload()
    assert registry.providerById("suginami") is None
    # Leave the provider registered for the other tests.
    plugin.initProcessing()


def test_desktop_entries(qgis_iface, qgis_processing):
    plugin = suginami_gis.classFactory(qgis_iface)
    registry = QgsApplication.processingRegistry()
    existing = registry.providerById("suginami")
    if existing is not None:
        registry.removeProvider(existing)
    plugin.initGui()
    assert plugin.actions and plugin.actions[0].objectName() == "suginami_groundmotion"
    plugin.unload()
    assert plugin.actions == []
    plugin.initProcessing()


def test_missing_package_is_named_with_the_fix(provider):
    assert missing_packages((("numpy", "numpy<2", "1.0"),)) == []
    assert missing_packages((("no_such_module_xyz", "no-such-package", "1.0"),)) == ["no-such-package"]
    assert missing_packages((("numpy", "numpy>=99", "99.0"),)) == ["numpy>=99"]

    class NeedsMissing(SuginamiAlgorithm):
        NAME = "needsmissing"
        PACKAGES = (("no_such_module_xyz", "no-such-package", "1.0"),)

    ok, message = NeedsMissing().canExecute()
    assert not ok
    assert "no-such-package" in message and "pip install" in message
