"""The Japanese interface: QGIS set to Japanese gets the plugin's translations, help and field aliases.

The locale is set the way QGIS's options dialog sets it (QSettings locale/overrideFlag and
locale/userLocale) before the plugin is created, so the plugin installs its own translator; the
expected texts are read from suginami_gis/i18n/suginami_gis_ja.ts. When the compiled .qm is
missing or older than the .ts, it is compiled here with lrelease into a temporary folder.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import SAMPLE_GPKG
from qgis.core import QgsApplication, QgsProcessingFeedback, QgsProcessingParameterEnum, QgsVectorLayer
from qgis.PyQt.QtCore import QSettings
from qgis.PyQt.QtWidgets import QTextBrowser

import suginami_gis
from suginami_gis import gui
from suginami_gis import plugin as plugin_module
from suginami_gis.processing.aliases import field_alias
from suginami_gis.processing.conversions import make_fields
from suginami_gis.processing.help import HELP_DIR
from suginami_gis.processing.i18n import tr

TS = Path(suginami_gis.__file__).resolve().parent / "i18n" / "suginami_gis_ja.ts"
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
LOCALE_KEYS = ("locale/overrideFlag", "locale/userLocale")


def ts_translations() -> dict[str, str]:
    root = ET.parse(TS).getroot()
    out = {}
    for message in root.iter("message"):
        translation = message.find("translation")
        if translation is not None and translation.get("type") not in ("unfinished", "vanished", "obsolete"):
            out[message.findtext("source")] = translation.text
    return out


def lrelease() -> str:
    for candidate in ("lrelease", "/usr/lib/qt5/bin/lrelease"):
        found = shutil.which(candidate)
        if found:
            return found
    pytest.fail("lrelease is missing: scripts/setup.sh installs qttools5-dev-tools")


@pytest.fixture(scope="module")
def i18n_dir(tmp_path_factory) -> Path:
    """A folder holding an up-to-date suginami_gis_ja.qm (the plugin's own when it is current)."""
    qm = plugin_module.I18N_DIR / "suginami_gis_ja.qm"
    if qm.exists() and qm.stat().st_mtime >= TS.stat().st_mtime:
        return plugin_module.I18N_DIR
    folder = tmp_path_factory.mktemp("i18n")
    subprocess.run([lrelease(), "-silent", str(TS), "-qm", str(folder / qm.name)], check=True)
    return folder


def _start_plugin(iface, language: str, monkeypatch, folder: Path):
    settings = QSettings()
    saved = {key: settings.value(key) for key in LOCALE_KEYS if settings.contains(key)}
    settings.setValue("locale/overrideFlag", True)
    settings.setValue("locale/userLocale", language)
    monkeypatch.setattr(plugin_module, "I18N_DIR", folder)
    plugin = suginami_gis.classFactory(iface)

    def restore() -> None:
        plugin.unload()
        for key in LOCALE_KEYS:
            if key in saved:
                settings.setValue(key, saved[key])
            else:
                settings.remove(key)

    return plugin, restore


@pytest.fixture
def japanese(qgis_iface, provider, monkeypatch, i18n_dir):
    plugin, restore = _start_plugin(qgis_iface, "ja_JP", monkeypatch, i18n_dir)
    assert plugin.translator is not None, "the plugin did not install its Japanese translator"
    yield plugin
    restore()


@pytest.fixture
def english(qgis_iface, provider, monkeypatch, i18n_dir):
    plugin, restore = _start_plugin(qgis_iface, "en_US", monkeypatch, i18n_dir)
    yield plugin
    restore()


def _algorithm(name: str):
    # A fresh instance: parameter labels are translated when initAlgorithm runs.
    algorithm = QgsApplication.processingRegistry().createAlgorithmById(f"suginami:{name}")
    assert algorithm is not None, name
    return algorithm


def test_ground_motion_in_japanese(japanese):
    ja = ts_translations()
    algorithm = _algorithm("groundmotion")
    assert algorithm.displayName() == ja["Scenario ground motion (PGV, JMA intensity)"]
    assert algorithm.displayName().startswith("想定地震の地震動")
    assert algorithm.group() == ja["Earthquake"] == "地震"
    assert algorithm.parameterDefinition("MAGNITUDE").description() == ja["Moment magnitude Mw (4-9)"]
    assert algorithm.parameterDefinition("OUTPUT_INTENSITY").description() == "計測震度"
    fault_type = algorithm.parameterDefinition("FAULT_TYPE")
    assert isinstance(fault_type, QgsProcessingParameterEnum)
    assert fault_type.options() == [ja["Crustal"], ja["Interplate"], ja["Intraslab"]]
    help_text = algorithm.shortHelpString()
    # Japanese help; parameter ids shown with their Japanese on-screen labels; the title only once
    # (the dialog shows it above the help).
    assert "計測震度" in help_text and "想定地震の地震動" not in help_text
    assert f"<b>{ja['Moment magnitude Mw (4-9)']}</b> <small><code>MAGNITUDE</code></small>" in help_text
    assert QgsApplication.processingRegistry().providerById("suginami").name() == ja["Suginami disaster planning"]


def test_every_algorithm_is_in_japanese(japanese, provider):
    ja = ts_translations()
    names = [a.name() for a in provider.algorithms()]
    assert "groundmotion" in names and len(names) >= 10
    for name in names:
        algorithm = _algorithm(name)
        english_name = type(algorithm).DISPLAY_NAME
        assert algorithm.displayName() == ja[english_name] != english_name, name
        assert JAPANESE.search(algorithm.group()), name
        for definition in algorithm.parameterDefinitions():
            assert JAPANESE.search(definition.description()), (name, definition.name(), definition.description())
        # Help from resources/help/ja/<algorithm>.md, the same page as the English one's subject.
        assert (HELP_DIR / "ja" / f"{name}.md").exists(), name
        assert JAPANESE.search(algorithm.shortHelpString()), name


def test_desktop_entry_in_japanese(japanese, qgis_iface, monkeypatch):
    ja = ts_translations()
    japanese.initGui()
    texts = {a.objectName(): a.text() for a in japanese.actions}
    if gui.main_algorithm() == gui.SCENARIO:
        assert texts["suginami_scenario"] == ja["Ward earthquake scenario (current state and mitigation)…"]
    else:
        assert texts["suginami_scenario"] == ja["Scenario ground motion…"]
    assert texts["suginami_help"] == ja["Help…"] == "ヘルプ…"
    assert tr(gui.MENU) == ja["&Suginami disaster planning"]
    next(a for a in japanese.actions if a.objectName() == "suginami_help").trigger()
    dialog = gui._help_dialogs[-1]
    assert dialog.windowTitle() == ja["Suginami disaster planning: help"]
    page = dialog.findChild(QTextBrowser, "suginami_help_browser").toPlainText()
    assert page.startswith("杉並区 防災計画ツール")


def test_output_fields_get_japanese_aliases(japanese):
    fields = make_fields([("p_collapse", float), ("share_67_before", float)])
    assert fields.field("p_collapse").alias() == "全壊確率"
    assert fields.field("share_67_before").alias() == "受信電力 -67 dBm 以上の面積の割合（対策前）"


def test_every_output_field_of_the_chain_gets_its_japanese_alias_on_load(japanese):
    """Each output of every algorithm of the sample chain, loaded as QGIS loads it after a run."""
    from sample_chain import sample_chain

    chain = sample_chain()
    inputs = {
        name
        for layer in ("buildings", "roads", "districts", "shelters", "shelter_sites", "wifi_aps")
        for name in QgsVectorLayer(f"{SAMPLE_GPKG}|layername={layer}", layer, "ogr").fields().names()
    }
    checked = 0
    for key, run in chain.runs.items():
        for layer_id in run.context.layersToLoadOnCompletion():
            layer = QgsVectorLayer(layer_id, key, "ogr")
            if not layer.isValid():
                continue  # rasters
            details = run.context.layerToLoadOnCompletionDetails(layer_id)
            assert details.postProcessor() is not None, (key, layer_id)
            details.postProcessor().postProcessLayer(layer, run.context, QgsProcessingFeedback())
            for index, qgs_field in enumerate(layer.fields()):
                name = qgs_field.name()
                if name == "fid" or name in inputs:
                    continue
                expected = field_alias(name, "ja")
                assert expected is not None, f"{key}: field {name} has no alias in field_aliases.yaml"
                assert layer.attributeAlias(index) == expected, (key, name)
                checked += 1
    assert checked > 150


def test_scenario_comparison_fields_have_aliases(provider):
    from suginami_gis.core.comparison import QUANTITIES

    for key in QUANTITIES:
        for suffix in ("_before", "_after", "_change", "_change_pct"):
            assert field_alias(key + suffix, "ja"), key + suffix
            assert field_alias(key + suffix, "en"), key + suffix


def test_english_otherwise(english):
    assert english.translator is None
    algorithm = _algorithm("groundmotion")
    assert algorithm.displayName() == "Scenario ground motion (PGV, JMA intensity)"
    assert algorithm.parameterDefinition("MAGNITUDE").description() == "Moment magnitude Mw (4-9)"
    assert algorithm.shortHelpString().startswith("<p>Computes peak ground velocity")
    assert "<b>Moment magnitude Mw (4-9)</b> <small><code>MAGNITUDE</code></small>" in algorithm.shortHelpString()
    assert make_fields([("p_collapse", float)]).field("p_collapse").alias() == "Collapse probability"
