"""Errors the core raises for bad input; the QGIS layer turns them into QgsProcessingException."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


class InputError(ValueError):
    """Bad user input. ``parameter`` names the batch key (e.g. ``"MAGNITUDE"``) when known."""

    def __init__(self, message: str, parameter: str | None = None) -> None:
        super().__init__(message)
        self.parameter = parameter

    def __str__(self) -> str:
        msg = super().__str__()
        return f"{self.parameter}: {msg}" if self.parameter else msg


def raise_if_any(flagged: np.ndarray, parameter: str | None, message: Callable[[int, int], str]) -> None:
    """InputError when any row is flagged, worded by ``message(count, first flagged index)``.

    Bad rows are counted and the first one is named, so the user can find it in the attribute table.
    """
    if flagged.any():
        raise InputError(message(int(flagged.sum()), int(np.flatnonzero(flagged)[0])), parameter)
