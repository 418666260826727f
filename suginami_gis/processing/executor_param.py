"""The advanced EXECUTOR parameter of algorithms with Monte Carlo work (docs/scale-out.md)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from qgis.core import QgsProcessingContext, QgsProcessingFeedback, QgsProcessingParameterString

from ..core.executors import close_executor, executor_from_spec
from .conversions import advanced
from .i18n import tr

EXECUTOR = "EXECUTOR"


def executor_parameter() -> QgsProcessingParameterString:
    """'' runs in this process, 'local' in a pool of local processes, tcp://host:port on a Dask cluster."""
    return advanced(
        QgsProcessingParameterString(
            EXECUTOR,
            tr("Executor for Monte Carlo chunks ('' = this process, 'local' = process pool, tcp://host:8786 = Dask)"),
            "",
            optional=True,
        )
    )


@contextlib.contextmanager
def open_executor(
    algorithm: Any, parameters: dict[str, Any], context: QgsProcessingContext, feedback: QgsProcessingFeedback
) -> Iterator[Any]:
    """The executor named by EXECUTOR, always closed afterwards (a Dask client is only disconnected)."""
    spec = (algorithm.parameterAsString(parameters, EXECUTOR, context) or "").strip()
    executor = executor_from_spec(spec)  # an InputError names EXECUTOR; the base class reports it
    if executor is not None:
        feedback.pushInfo(tr("Monte Carlo chunks run on: {0}").format(spec))
    try:
        yield executor
    finally:
        close_executor(executor)
