"""Numbers that take only a few values (the hours that have coefficients).

The parameter stays a number, so scripts and saved models that pass an integer keep working; its
metadata lists the valid values. The Processing dialog offers only those (choice_widget.py, loaded
by the dialog alone), and ``check_values`` refuses any other before a run, naming the valid ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from qgis.core import QgsProcessingAlgorithm, QgsProcessingContext, QgsProcessingParameterNumber

from .conversions import is_set
from .i18n import tr

VALUES = "suginami_values"
WRAPPER = f"{__package__}.choice_widget.ValueChoiceWrapper"


def only_values(parameter: QgsProcessingParameterNumber, values: Sequence[int]) -> QgsProcessingParameterNumber:
    """Limit a number parameter to ``values`` (the dialog shows a drop-down of them)."""
    metadata = dict(parameter.metadata())
    metadata[VALUES] = [int(v) for v in values]
    metadata["widget_wrapper"] = {"class": WRAPPER}
    parameter.setMetadata(metadata)
    return parameter


def check_values(
    alg: QgsProcessingAlgorithm, parameters: dict[str, Any], context: QgsProcessingContext
) -> tuple[bool, str]:
    """(False, message) when a limited parameter has a value outside its list."""
    for definition in alg.parameterDefinitions():
        values = definition.metadata().get(VALUES)
        key = definition.name()
        if not values or not is_set(parameters, key):
            continue
        value = alg.parameterAsDouble(parameters, key, context)
        if value not in values:
            return False, tr("{0}: {1} has no coefficients; choose one of {2}.").format(
                key, f"{value:g}", ", ".join(str(v) for v in values)
            )
    return True, ""
