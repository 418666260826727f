"""Attribute values as QGIS takes them from Python: numpy scalars as Python's, NaN and infinities as NULL.

Shared by the writers through QGIS (conversions.py) and in SQL (gpkg_sql.py), which store the same values.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np


def to_python(value: Any) -> Any:
    """numpy scalars to Python; NaN and infinities to None (a NULL attribute)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value


def python_column(values: Any) -> list[Any]:
    """A column as attribute values: numpy scalars to Python, NaN and infinities to None (to_python, per column)."""
    if isinstance(values, np.ndarray) and values.dtype.kind in "biuf":
        out = values.tolist()
        if values.dtype.kind == "f":
            for i in np.flatnonzero(~np.isfinite(values)):
                out[i] = None
        return out
    return [plain_value(v) for v in values]


def plain_value(value: Any) -> Any:
    kind = value.__class__
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if kind is float:
        return value if math.isfinite(value) else None
    return to_python(value)
