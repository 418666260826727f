"""The Processing dialog's drop-down for a number limited to a few values (see choices.py).

Imported by QGIS's Processing dialog only (through the parameter's "widget_wrapper" metadata),
never by qgis_process. The value stays the integer itself. The model designer keeps QGIS's own
number widget, which also accepts model inputs and other algorithms' outputs.
"""

from __future__ import annotations

from typing import Any

from processing.gui.wrappers import WidgetWrapper
from qgis.gui import QgsGui
from qgis.PyQt.QtWidgets import QComboBox

from .choices import VALUES


class ValueChoiceWrapper(WidgetWrapper):
    def __new__(cls, param: Any, dialog: Any, row: int = 0, col: int = 0, **kwargs: Any) -> Any:
        if dialog.__class__.__name__ == "ModelerParametersDialog":
            return QgsGui.processingGuiRegistry().createModelerParameterWidget(
                dialog.model, dialog.childId, param, dialog.context
            )
        return super().__new__(cls)

    def createWidget(self, **kwargs: Any) -> QComboBox:
        combo = QComboBox()
        for value in self.parameterDefinition().metadata().get(VALUES, []):
            combo.addItem(str(value), int(value))
        return combo

    def setValue(self, value: Any) -> None:
        if value is None:
            return
        try:
            index = self.widget.findData(int(float(value)))
        except (TypeError, ValueError):
            return
        if index >= 0:
            self.widget.setCurrentIndex(index)

    def value(self) -> Any:
        return self.widget.currentData()
