"""The shipped graphical model (resources/models/suginami_scenario.model3) as a toolbox algorithm.

One run of the scenario's chain, with every layer of the chain as an output, listed by the
provider beside the algorithms (suginami:scenariomodel); the same file opens in the Model
Designer for analysts who want to change the chain. Its texts are translated when loaded.
"""

from __future__ import annotations

from pathlib import Path

from qgis.core import QgsProcessingModelAlgorithm

from .help import help_html
from .i18n import plugin_locale, tr, tr_noop

MODEL_FILE = Path(__file__).resolve().parents[1] / "resources" / "models" / "suginami_scenario.model3"
# Every text of the model file shown in the dialog: inputs and outputs (scripts/make_model.py).
TEXTS = (
    tr_noop("Buildings"),
    tr_noop("Streets"),
    tr_noop("Shelters"),
    tr_noop("Shelter sites"),
    tr_noop("Wi-Fi access points"),
    tr_noop("Districts"),
    tr_noop("AVS30 raster (m/s)"),
    tr_noop("Epicentre"),
    tr_noop("Ground-motion extent"),
    tr_noop("Moment magnitude Mw"),
    tr_noop("Depth (km)"),
    tr_noop("Realizations"),
    tr_noop("Random seed"),
    tr_noop("Scenario hour (5, 12 or 18)"),
    tr_noop("Wind speed (m/s)"),
    tr_noop("Retrofit target (1981-standard share, 0 = none)"),
    tr_noop("Fire-proofing target (fire-resistant share, 0 = none)"),
    tr_noop("JMA intensity"),
    tr_noop("Buildings: collapse probability"),
    tr_noop("District damage"),
    tr_noop("Ward damage summary"),
    tr_noop("Buildings: collapse and burn probability"),
    tr_noop("Burn probability"),
    tr_noop("District fire"),
    tr_noop("Ward fire summary"),
    tr_noop("Road blockage"),
    tr_noop("Evacuation routes"),
    tr_noop("Evacuation origins"),
    tr_noop("Shelters: assigned population"),
    tr_noop("Wi-Fi coverage"),
    tr_noop("Wi-Fi per shelter site"),
    tr_noop("Public map folder"),
)


class ScenarioModelAlgorithm(QgsProcessingModelAlgorithm):
    """suginami:scenariomodel: the model file, loaded anew for each instance."""

    NAME = "scenariomodel"
    DISPLAY_NAME = tr_noop("Ward scenario, one run (graphical model of the chain)")

    def __init__(self) -> None:
        super().__init__()
        if not self.fromFile(str(MODEL_FILE)):
            raise OSError(f"cannot read the model {MODEL_FILE}")
        for definition in self.parameterDefinitions():
            definition.setDescription(tr(definition.description()))

    def name(self) -> str:
        return self.NAME

    def displayName(self) -> str:
        return tr(self.DISPLAY_NAME)

    def group(self) -> str:
        return tr("Earthquake")

    def groupId(self) -> str:
        return "earthquake"

    def shortHelpString(self) -> str:
        labels = tuple((d.name(), d.description()) for d in self.parameterDefinitions())
        return help_html(self.NAME, plugin_locale(), labels, title=False)

    def createInstance(self) -> ScenarioModelAlgorithm:
        return ScenarioModelAlgorithm()
