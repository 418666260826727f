"""Short parameter constructors, so a parameter group reads as a table."""

from __future__ import annotations

from qgis.core import (
    QgsProcessingAlgorithm,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterEnum,
    QgsProcessingParameterField,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)

from ..conversions import advanced as advanced_parameter


def number(
    key: str,
    label: str,
    default: float | None,
    minimum: float | None = None,
    maximum: float | None = None,
    integer: bool = False,
    optional: bool = False,
    advanced: bool = False,
) -> QgsProcessingParameterNumber:
    """A number parameter (double unless ``integer``); no bound where ``minimum`` / ``maximum`` is None.

    ``advanced`` puts it under the dialog's "Advanced Parameters".
    """
    kind = QgsProcessingParameterNumber.Integer if integer else QgsProcessingParameterNumber.Double
    parameter = QgsProcessingParameterNumber(key, label, kind, default, optional)
    if minimum is not None:
        parameter.setMinimum(minimum)
    if maximum is not None:
        parameter.setMaximum(maximum)
    return advanced_parameter(parameter) if advanced else parameter


def share(
    key: str, label: str, default: float | None, optional: bool = False, advanced: bool = False
) -> QgsProcessingParameterNumber:
    """A share or probability: a number from 0 to 1."""
    return number(key, label, default, 0.0, 1.0, optional=optional, advanced=advanced)


def choice(key: str, label: str, options: list[str], default: int = 0) -> QgsProcessingParameterEnum:
    """A drop-down of ``options``; the value is the index of the chosen one."""
    return QgsProcessingParameterEnum(key, label, options, defaultValue=default)


def field(key: str, label: str, parent: str, numeric: bool = False) -> QgsProcessingParameterField:
    """An optional field of the layer parameter ``parent`` (numeric fields only when ``numeric``)."""
    kind = QgsProcessingParameterField.Numeric if numeric else QgsProcessingParameterField.Any
    return QgsProcessingParameterField(key, label, None, parent, kind, optional=True)


def text(key: str, label: str, default: str = "", optional: bool = False) -> QgsProcessingParameterString:
    """A one-line string parameter."""
    return QgsProcessingParameterString(key, label, default, optional=optional)


def add_parameters(alg: QgsProcessingAlgorithm, *parameters: QgsProcessingParameterDefinition) -> None:
    """Add parameter definitions to ``alg`` in the given order."""
    for parameter in parameters:
        alg.addParameter(parameter)
