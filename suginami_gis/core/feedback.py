"""The small progress/cancel protocol through which long core work reports to its caller.

The QGIS layer adapts ``QgsProcessingFeedback`` to it; scripts use :class:`NullFeedback`.
"""

from __future__ import annotations

import logging
from typing import Protocol

log = logging.getLogger(__name__)


class Canceled(Exception):
    """Raised by core loops when the caller asked to stop."""


class Feedback(Protocol):
    def set_progress(self, percent: float) -> None: ...

    def is_canceled(self) -> bool: ...

    def info(self, message: str) -> None: ...


class NullFeedback:
    """Feedback for scripts and tests: logs messages, never cancels."""

    def set_progress(self, percent: float) -> None:
        pass

    def is_canceled(self) -> bool:
        return False

    def info(self, message: str) -> None:
        log.info(message)


def check_canceled(feedback: Feedback) -> None:
    """Raise :class:`Canceled` if the caller asked to stop."""
    if feedback.is_canceled():
        raise Canceled("canceled by the user")


class SubFeedback:
    """Maps 0-100 % of a sub-task onto [start, end] % of a parent feedback."""

    def __init__(self, parent: Feedback, start: float, end: float) -> None:
        self.parent = parent
        self.start = start
        self.end = end

    def set_progress(self, percent: float) -> None:
        self.parent.set_progress(self.start + (self.end - self.start) * percent / 100.0)

    def is_canceled(self) -> bool:
        return self.parent.is_canceled()

    def info(self, message: str) -> None:
        self.parent.info(message)
