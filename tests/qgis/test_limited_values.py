"""Numbers that take only a few values: the hours with coefficients (public interface unchanged)."""

from __future__ import annotations

import pytest


def _algorithm(name: str):
    from qgis.core import QgsApplication

    return QgsApplication.processingRegistry().createAlgorithmById(f"suginami:{name}")


@pytest.mark.parametrize("name", ["buildingdamage", "scenario"])
def test_an_hour_without_coefficients_is_refused_naming_the_valid_ones(provider, name):
    from qgis.core import QgsProcessingContext

    from suginami_gis.processing.choices import check_values

    algorithm, context = _algorithm(name), QgsProcessingContext()
    # Integers (scripts, saved models) and the strings qgis_process passes keep working.
    for hour in (5, 12, 18, "18", 18.0):
        assert check_values(algorithm, {"SCENARIO_HOUR": hour}, context) == (True, "")
    assert check_values(algorithm, {}, context) == (True, "")  # the default, 18
    ok, message = check_values(algorithm, {"SCENARIO_HOUR": 7}, context)
    assert not ok and message == "SCENARIO_HOUR: 7 has no coefficients; choose one of 5, 12, 18."


def test_processing_run_refuses_before_running(run_alg, tmp_path):
    from qgis.core import QgsProcessingException
    from test_buildingdamage import params

    with pytest.raises(QgsProcessingException, match="SCENARIO_HOUR: 7 has no coefficients; choose one of 5, 12, 18"):
        run_alg("buildingdamage", params(tmp_path, SCENARIO_HOUR=7))
    assert not (tmp_path / "damage.gpkg").exists()


def test_fire_spread_keeps_any_hour(provider):
    """Fire spread takes any hour with a given time coefficient: not limited."""
    from suginami_gis.processing.choices import VALUES

    algorithm = _algorithm("firespread")
    assert VALUES not in algorithm.parameterDefinition("SCENARIO_HOUR").metadata()


def test_the_dialog_offers_only_the_valid_hours(qgis_iface, provider, monkeypatch):
    from processing.gui.AlgorithmDialog import AlgorithmDialog
    from qgis.gui import QgsBrowserGuiModel
    from qgis.PyQt.QtWidgets import QComboBox

    model = QgsBrowserGuiModel()
    monkeypatch.setattr(qgis_iface, "browserModel", lambda: model, raising=False)
    for name in ("buildingdamage", "scenario"):
        dialog = AlgorithmDialog(_algorithm(name), False, None)
        wrapper = dialog.mainWidget().wrappers["SCENARIO_HOUR"]
        combo = wrapper.widget  # the Python wrapper of choice_widget.py
        assert isinstance(combo, QComboBox), type(wrapper)
        assert [combo.itemText(i) for i in range(combo.count())] == ["5", "12", "18"]
        assert wrapper.value() == 18  # the default, as the same integer a script passes
        wrapper.setValue(5)
        assert wrapper.value() == 5 and isinstance(wrapper.value(), int)
        dialog.close()


def test_the_model_designer_keeps_qgis_number_widget(qgis_iface, provider):
    """In a model the hour may come from a model input: the designer keeps QGIS's own widget there."""
    from conftest import REPO
    from processing.modeler.ModelerParametersDialog import ModelerParametersDialog
    from qgis.core import QgsProcessingModelAlgorithm
    from qgis.gui import QgsProcessingModelerParameterWidget

    model = QgsProcessingModelAlgorithm()
    assert model.fromFile(str(REPO / "suginami_gis" / "resources" / "models" / "suginami_scenario.model3"))
    child = next(c for c in model.childAlgorithms().values() if c.algorithmId() == "suginami:buildingdamage")
    dialog = ModelerParametersDialog(child.algorithm(), model, child.childId(), child.configuration())
    widget = dialog.widget.widget.wrappers["SCENARIO_HOUR"]
    assert isinstance(widget, QgsProcessingModelerParameterWidget)
    dialog.close()
