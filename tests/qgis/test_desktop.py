"""The desktop entry (pytest-qgis's iface): toolbar button and menu items, and what they open."""

from __future__ import annotations

from pathlib import Path

import processing
import pytest
from qgis.core import QgsApplication
from qgis.PyQt.QtWidgets import QTextBrowser

import suginami_gis
from suginami_gis import gui


@pytest.fixture
def desktop(qgis_iface, provider, monkeypatch):
    """The plugin started as the desktop starts it, with menu/toolbar calls and dialogs recorded."""
    calls: dict[str, list] = {"menu": [], "toolbar": [], "dialogs": [], "removed": []}
    monkeypatch.setattr(qgis_iface, "addPluginToMenu", lambda menu, action: calls["menu"].append((menu, action)))
    monkeypatch.setattr(qgis_iface, "addToolBarIcon", lambda action: calls["toolbar"].append(action))
    monkeypatch.setattr(qgis_iface, "removePluginMenu", lambda menu, action: calls["removed"].append(action))
    monkeypatch.setattr(
        processing, "execAlgorithmDialog", lambda alg_id, params=None: calls["dialogs"].append((alg_id, params))
    )
    plugin = suginami_gis.classFactory(qgis_iface)
    plugin.initGui()
    yield plugin, calls
    plugin.unload()


def _action(plugin, name):
    found = [a for a in plugin.actions if a.objectName() == name]
    assert len(found) == 1, [a.objectName() for a in plugin.actions]
    return found[0]


def test_toolbar_button_and_menu_open_the_scenario_dialog(desktop):
    plugin, calls = desktop
    assert QgsApplication.processingRegistry().algorithmById("suginami:scenario") is not None
    scenario = _action(plugin, "suginami_scenario")
    assert calls["toolbar"] == [scenario]
    assert [action for _, action in calls["menu"]] == [
        scenario,
        _action(plugin, "suginami_sample"),
        _action(plugin, "suginami_help"),
        _action(plugin, "suginami_install_packages"),
    ]
    assert {menu for menu, _ in calls["menu"]} == {gui.tr(gui.MENU)}
    assert scenario.text() == gui.tr("Ward earthquake scenario (current state and mitigation)…")
    assert not scenario.icon().isNull()

    scenario.trigger()
    assert calls["dialogs"] == [("suginami:scenario", {})]


def test_without_the_scenario_algorithm_the_ground_motion_dialog_opens(desktop, monkeypatch):
    plugin, calls = desktop
    monkeypatch.setattr(gui, "SCENARIO", "suginami:not_installed")
    assert gui.main_algorithm() == "suginami:groundmotion"
    _action(plugin, "suginami_scenario").trigger()
    assert calls["dialogs"] == [("suginami:groundmotion", {})]


def test_help_entry_shows_the_help_page(desktop):
    plugin, calls = desktop
    _action(plugin, "suginami_help").trigger()
    dialog = gui._help_dialogs[-1]
    assert dialog.isVisible()
    browser = dialog.findChild(QTextBrowser, "suginami_help_browser")
    text = browser.toPlainText()
    # The English page (the test session runs QGIS in its default, non-Japanese locale).
    assert text.startswith("Suginami disaster planning")
    assert "Scenario ground motion" in text and "Public map export" in text
    assert calls["dialogs"] == []


def test_load_sample_ward_adds_its_layers_to_the_project(desktop):
    from qgis.core import QgsProject

    plugin, _ = desktop
    project = QgsProject.instance()
    before = set(project.mapLayers())
    _action(plugin, "suginami_sample").trigger()
    group = project.layerTreeRoot().findGroup(gui.tr("Sample ward"))
    assert group is not None and project.layerTreeRoot().children()[0] is group
    layers = [node.layer() for node in group.findLayers()]
    assert [layer.name() for layer in layers] == [*gui.SAMPLE_LAYERS, "avs30"]
    assert all(layer.isValid() for layer in layers) and layers[4].featureCount() == 9102
    # A copy in the user's QGIS folder is opened, never the plugin's own file.
    assert all(gui.SAMPLE not in Path(layer.source().split("|")[0]).parents for layer in layers)
    assert project.crs().authid() == "EPSG:6677"
    project.removeMapLayers([layer.id() for layer in layers])
    project.layerTreeRoot().removeChildNode(group)
    assert set(project.mapLayers()) == before


def test_unload_removes_every_entry_and_closes_help(desktop):
    plugin, calls = desktop
    _action(plugin, "suginami_help").trigger()
    actions = list(plugin.actions)
    plugin.unload()
    assert calls["removed"] == actions
    assert plugin.actions == [] and gui._help_dialogs == []


def _run_installer(plugin, monkeypatch, result):
    """Trigger the menu's installer with deps.install replaced (pip itself runs in tests/cli)."""
    from qgis.PyQt.QtCore import QCoreApplication, QElapsedTimer
    from qgis.PyQt.QtWidgets import QPlainTextEdit

    from suginami_gis import deps

    calls = []

    def fake_install(profile_dir, packages, log, is_canceled):
        calls.append((profile_dir, sorted(packages)))
        log("Successfully installed shapely-2.2.0")
        return result

    monkeypatch.setattr(deps, "install", fake_install)
    _action(plugin, "suginami_install_packages").trigger()
    dialog = gui._help_dialogs[-1]
    assert dialog.objectName() == "suginami_install_dialog"
    timer = QElapsedTimer()
    timer.start()
    while dialog.progress.maximum() == 0 and timer.elapsed() < 20000:
        QCoreApplication.processEvents()
    assert calls and calls[0][0] == QgsApplication.qgisSettingsDirPath()
    assert ("shapely", "shapely>=2", "2.0") in calls[0][1]
    assert "Successfully installed" in dialog.findChild(QPlainTextEdit, "suginami_install_log").toPlainText()
    return dialog.status.text()


def test_install_packages_shows_the_log_and_what_to_do_next(desktop, monkeypatch):
    from suginami_gis import deps

    plugin, _calls = desktop
    target = deps.target_dir(QgsApplication.qgisSettingsDirPath())
    done = _run_installer(plugin, monkeypatch, deps.Result(True, target, ["shapely"], [], "ok"))
    # In the test session every package is present, so every algorithm can run.
    assert f"Installed into {target}: shapely." in done and "Every algorithm is ready" in done
    blocked = _run_installer(plugin, monkeypatch, deps.Result(False, target, ["networkx"], ["shapely"], "no"))
    assert "Not installed: shapely" in blocked and deps.APT_BUILD in blocked
