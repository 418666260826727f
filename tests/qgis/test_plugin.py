"""The plugin entry points: provider registration, desktop entries, missing-package messages."""

from __future__ import annotations

from qgis.core import QgsApplication

import suginami_gis
from suginami_gis.processing.base import SuginamiAlgorithm, missing_packages


def test_init_processing_never_registers_twice_nor_removes_a_foreign_provider(provider):
    # The session's provider is registered (tests/qgis/conftest.py); a plugin instance that
    # starts after it must neither add a duplicate nor remove it on unload. That
    # initProcessing() registers the provider from scratch is shown by tests/cli, where
    # qgis_process loads the plugin and lists suginami:groundmotion.
    registry = QgsApplication.processingRegistry()
    plugin = suginami_gis.classFactory(None)
    plugin.initProcessing()
    assert plugin.provider is None
    assert registry.providerById("suginami") is provider
    plugin.unload()
    assert registry.providerById("suginami") is provider
    assert provider.algorithm("groundmotion") is not None


def test_desktop_entries(qgis_iface, provider):
    plugin = suginami_gis.classFactory(qgis_iface)
    plugin.initGui()
    # The scenario entry, the sample ward, the help page and the package installer
    # (tests/qgis/test_desktop.py checks what they do).
    assert [a.objectName() for a in plugin.actions] == [
        "suginami_scenario",
        "suginami_sample",
        "suginami_help",
        "suginami_install_packages",
    ]
    plugin.unload()
    assert plugin.actions == []
    assert QgsApplication.processingRegistry().providerById("suginami") is provider


def test_missing_package_is_named_with_the_fix(provider):
    assert missing_packages((("numpy", "numpy<2", "1.0"),)) == []
    assert missing_packages((("no_such_module_xyz", "no-such-package", "1.0"),)) == ["no-such-package"]
    assert missing_packages((("numpy", "numpy>=99", "99.0"),)) == ["numpy>=99"]

    class NeedsMissing(SuginamiAlgorithm):
        NAME = "needsmissing"
        PACKAGES = (("no_such_module_xyz", "no-such-package", "1.0"),)

    ok, message = NeedsMissing().canExecute()
    assert not ok
    # The fix is the menu's one-click installer, or the same installer from a shell (deps.py).
    assert "no-such-package" in message and "Install Python packages" in message
    assert "deps.py" in message and "--profile" in message and "--user" not in message


def test_the_installer_knows_every_package_an_algorithm_checks_for(provider):
    from suginami_gis import deps

    checked = {module for alg in provider.algorithms() for module, _pip, _min in getattr(alg, "PACKAGES", ())}
    assert checked == {module for module, _pip, _min in deps.PLUGIN_PACKAGES}
    assert all(module in deps.DISTS for module in checked)
