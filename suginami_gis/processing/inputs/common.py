"""Numeric parameters declared as table rows (one row per parameter), for every domain."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from qgis.core import (
    QgsProcessingAlgorithm,
    QgsProcessingParameterNumber,
)

from ..conversions import advanced


class Number(NamedTuple):
    """One numeric parameter as a table row; no ``maximum`` leaves it unbounded above."""

    key: str
    label: str
    default: float | None
    minimum: float
    maximum: float | None = None
    optional: bool = False
    advanced: bool = False
    integer: bool = False


def number_parameter(row: Number) -> QgsProcessingParameterNumber:
    kind = QgsProcessingParameterNumber.Integer if row.integer else QgsProcessingParameterNumber.Double
    bounds = (row.minimum,) if row.maximum is None else (row.minimum, row.maximum)
    parameter = QgsProcessingParameterNumber(row.key, row.label, kind, row.default, row.optional, *bounds)
    return advanced(parameter) if row.advanced else parameter


def add_numbers(alg: QgsProcessingAlgorithm, rows: Iterable[Number]) -> None:
    """Add one numeric parameter per row, in the rows' order."""
    for row in rows:
        alg.addParameter(number_parameter(row))
