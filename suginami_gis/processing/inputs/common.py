"""Short parameter constructors, so a parameter group reads as a table, and the vector-output writer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsProcessingAlgorithm,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterEnum,
    QgsProcessingParameterField,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)

from ..conversions import advanced as advanced_parameter
from ..conversions import make_fields, write_features


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


@dataclass(frozen=True)
class VectorOutputs:
    """Where an algorithm run writes its vector outputs: its sinks, in ``crs``."""

    alg: Any  # a SuginamiAlgorithm (style_on_load)
    parameters: dict[str, Any]
    context: QgsProcessingContext
    crs: QgsCoordinateReferenceSystem
    feedback: Any

    def write(
        self,
        key: str,
        spec: Sequence[tuple[str, type]],
        wkb_type: int,
        geometries: Any,
        rows: list[list[Any]],
        style: str,
    ) -> str | None:
        """Write shapely geometries and attribute rows to the sink ``key`` and style it when loaded.

        Returns the destination id, or None for an optional output the user left off.
        """
        fields = make_fields(spec)
        sink, dest_id = self.alg.parameterAsSink(self.parameters, key, self.context, fields, wkb_type, self.crs)
        if sink is None:
            if self.alg.parameterDefinition(key).flags() & QgsProcessingParameterDefinition.FlagOptional:
                return None
            raise QgsProcessingException(self.alg.invalidSinkError(self.parameters, key))
        write_features(sink, fields, geometries, rows, self.feedback)
        self.alg.style_on_load(self.context, dest_id, style)
        return dest_id
