"""Errors the core raises for bad input; the QGIS layer turns them into QgsProcessingException."""

from __future__ import annotations


class InputError(ValueError):
    """Bad user input. ``parameter`` names the batch key (e.g. ``"MAGNITUDE"``) when known."""

    def __init__(self, message: str, parameter: str | None = None) -> None:
        super().__init__(message)
        self.parameter = parameter

    def __str__(self) -> str:
        msg = super().__str__()
        return f"{self.parameter}: {msg}" if self.parameter else msg
