"""The Processing dialog's field box that shows the field remembered with the chosen layer.

QGIS 3.22 fills a field box only with the parameter's default name. This wrapper (QGIS's own
Python field wrapper, which the dialog still supports) picks, once the layer is chosen, the field
stored with the layer (field_memory.py) when the layer has it. Used by the single-run dialog;
batch and model dialogs keep QGIS's own widgets. Imported by the Processing dialog only.
"""

from __future__ import annotations

import warnings
from typing import Any

from processing.gui.wrappers import TableFieldWidgetWrapper, dialogTypes
from qgis.gui import QgsGui, QgsProcessingGui

from .field_memory import role, stored_fields


class RememberedFieldWrapper(TableFieldWidgetWrapper):
    def __new__(cls, param: Any, dialog: Any, row: int = 0, col: int = 0, **kwargs: Any) -> Any:
        kind = dialog.__class__.__name__
        registry = QgsGui.processingGuiRegistry()
        if kind == "ModelerParametersDialog":
            return registry.createModelerParameterWidget(dialog.model, dialog.childId, param, dialog.context)
        if kind != "AlgorithmDialog":
            wrapper = registry.createParameterWidgetWrapper(param, dialogTypes.get(kind, QgsProcessingGui.Standard))
            wrapper.setDialog(dialog)
            return wrapper
        return super().__new__(cls)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # QGIS's notice about its Python wrappers
            super().__init__(*args, **kwargs)

    def refreshItems(self) -> None:
        super().refreshItems()
        if self._layer is None or self.parameterDefinition().allowMultiple():
            return
        stored = stored_fields(self._layer).get(role(self.parameterDefinition().name()))
        if stored and stored in self.getFields():
            self.setValue(stored)
