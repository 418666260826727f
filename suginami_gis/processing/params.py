"""Parameter groups declared once: each algorithm composes them, the scenario reads their defaults.

A group is a function ``add_<group>(alg, ...)`` that adds its parameters to an algorithm, plus the
reader that turns the chosen values into what the core needs. Parameter names are the module
constants below, so every algorithm and the scenario spell them the same way; defaults live
here (or in the core, for model constants) and nowhere else.

Groups: earthquake (EPICENTER, MAGNITUDE, DEPTH, FAULT_TYPE, FAULT, AVS30), districts
(DISTRICTS, DISTRICT_NAME_FIELD), shelters (SHELTERS, SHELTER_ID_FIELD, SHELTER_NAME_FIELD,
CAPACITY_FIELD), seed and realizations (SEED, REALIZATIONS), summary outputs (OUTPUT_DISTRICTS,
OUTPUT_SUMMARY). The street network's group is in inputs/network.py, the Wi-Fi groups in
inputs/wifi.py, beside their readers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsFeatureSink,
    QgsFields,
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeatureSource,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterCrs,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterNumber,
    QgsProcessingParameterPoint,
    QgsProcessingParameterRasterLayer,
    QgsWkbTypes,
)

from ..core import resources
from ..core.realizations import DEFAULT_SEED, MAX_REALIZATIONS
from .conversions import DEFAULT_CRS, advanced, field_name, make_fields, read_vector, require_projected
from .i18n import tr
from .values import to_python

# --- earthquake ------------------------------------------------------------------------------------
EPICENTER = "EPICENTER"
MAGNITUDE = "MAGNITUDE"
DEPTH = "DEPTH"
FAULT_TYPE = "FAULT_TYPE"
FAULT = "FAULT"
AVS30 = "AVS30"
DEFAULT_MAGNITUDE = 7.3


def add_earthquake(alg: QgsProcessingAlgorithm, depth_km: float, fault_type: int) -> None:
    """The scenario earthquake: a point or a fault trace, its magnitude, depth and type; AVS30."""
    alg.addParameter(QgsProcessingParameterPoint(EPICENTER, tr("Epicentre (point source; any CRS)"), optional=True))
    alg.addParameter(
        QgsProcessingParameterNumber(
            MAGNITUDE,
            tr("Moment magnitude Mw (4-9)"),
            QgsProcessingParameterNumber.Double,
            DEFAULT_MAGNITUDE,
            False,
            4.0,
            9.0,
        )
    )
    alg.addParameter(
        QgsProcessingParameterNumber(
            DEPTH,
            tr("Depth of the hypocentre or of the fault's top edge (km)"),
            QgsProcessingParameterNumber.Double,
            depth_km,
            False,
            0.0,
            700.0,
        )
    )
    alg.addParameter(
        QgsProcessingParameterEnum(
            FAULT_TYPE, tr("Fault type"), [tr("Crustal"), tr("Interplate"), tr("Intraslab")], defaultValue=fault_type
        )
    )
    alg.addParameter(
        QgsProcessingParameterFeatureSource(
            FAULT,
            tr("Fault surface trace (optional; replaces the epicentre)"),
            [QgsProcessing.TypeVectorLine],
            optional=True,
        )
    )
    alg.addParameter(QgsProcessingParameterRasterLayer(AVS30, tr("AVS30 raster (m/s)"), optional=True))


# --- working CRS ----------------------------------------------------------------------------------
TARGET_CRS = "TARGET_CRS"
# DEFAULT_CRS (conversions.py): JGD2011 / Japan Plane Rectangular CS IX, the default working CRS.


def add_target_crs(alg: QgsProcessingAlgorithm, label: str) -> None:
    """TARGET_CRS: optional, since qgis_process 3.22 takes a mandatory CRS left at its default as missing."""
    alg.addParameter(QgsProcessingParameterCrs(TARGET_CRS, label, DEFAULT_CRS, optional=True))


def read_target_crs(
    alg: QgsProcessingAlgorithm, parameters: dict[str, Any], context: QgsProcessingContext
) -> QgsCoordinateReferenceSystem:
    """TARGET_CRS, or DEFAULT_CRS when none is given; it must be projected, in metres."""
    crs = alg.parameterAsCrs(parameters, TARGET_CRS, context)
    if not crs.isValid():
        crs = QgsCoordinateReferenceSystem(DEFAULT_CRS)
    require_projected(crs, TARGET_CRS)
    return crs


# --- seed and realizations -------------------------------------------------------------------------
SEED = "SEED"
REALIZATIONS = "REALIZATIONS"


def add_seed(alg: QgsProcessingAlgorithm) -> None:
    alg.addParameter(
        QgsProcessingParameterNumber(
            SEED, tr("Random seed"), QgsProcessingParameterNumber.Integer, DEFAULT_SEED, False, 0
        )
    )


def add_realizations(alg: QgsProcessingAlgorithm, label: str, default: int, minimum: int = 0) -> None:
    """REALIZATIONS: 0 is the deterministic result where the method has one (core/realizations.py)."""
    alg.addParameter(
        QgsProcessingParameterNumber(
            REALIZATIONS, label, QgsProcessingParameterNumber.Integer, default, False, minimum, MAX_REALIZATIONS
        )
    )


# --- districts -------------------------------------------------------------------------------------
DISTRICTS = "DISTRICTS"
DISTRICT_NAME_FIELD = "DISTRICT_NAME_FIELD"


def add_districts(
    alg: QgsProcessingAlgorithm,
    label: str | None = None,
    optional: bool = True,
    name_default: str | None = None,
) -> None:
    alg.addParameter(
        QgsProcessingParameterFeatureSource(
            DISTRICTS,
            label or tr("Districts (optional polygons)"),
            [QgsProcessing.TypeVectorPolygon],
            optional=optional,
        )
    )
    # Optional even beside a mandatory layer: QGIS 3.22's qgis_process refuses a mandatory field
    # parameter left at its default; the reader falls back to feature ids.
    alg.addParameter(
        QgsProcessingParameterField(
            DISTRICT_NAME_FIELD, tr("District name field"), name_default, DISTRICTS, optional=True
        )
    )


@dataclass
class Districts:
    """District polygons with a geometry, in the CRS they were read in."""

    source: QgsProcessingFeatureSource
    ids: np.ndarray  # QGIS feature ids
    geometries: np.ndarray  # shapely polygons
    names: list[str]


def read_districts(
    alg: QgsProcessingAlgorithm,
    parameters: dict[str, Any],
    context: QgsProcessingContext,
    crs: QgsCoordinateReferenceSystem | None,
    feedback: Any = None,
) -> Districts | None:
    """The DISTRICTS polygons (None when none were given); names from DISTRICT_NAME_FIELD or ids."""
    source = alg.parameterAsSource(parameters, DISTRICTS, context)
    if source is None:
        return None
    name_field = field_name(alg, parameters, DISTRICT_NAME_FIELD, context)
    data = read_vector(source, context, crs, [name_field] if name_field else [], DISTRICTS)
    keep = np.array([g is not None for g in data.geometries], dtype=bool)
    if data.null_geometries and feedback is not None:
        feedback.pushInfo(tr("{0} districts have no geometry: ignored.").format(data.null_geometries))
    names = [str(v) for v in data.column(name_field, str)] if name_field else [str(i) for i in data.ids]
    return Districts(
        source,
        data.ids[keep],
        data.geometries[keep],
        [name for name, k in zip(names, keep) if k],
    )


# --- shelters --------------------------------------------------------------------------------------
SHELTERS = "SHELTERS"
SHELTER_ID_FIELD = "SHELTER_ID_FIELD"
SHELTER_NAME_FIELD = "SHELTER_NAME_FIELD"
CAPACITY_FIELD = "CAPACITY_FIELD"
SHELTER_EARTHQUAKE_ONLY = "SHELTER_EARTHQUAKE_ONLY"
SHELTER_MAX_SNAP = "SHELTER_MAX_SNAP"
# A shelter farther than this from every open street is flagged (far_from_street) and not used: its
# walk to the street is not in the walking times. Rationale: the Building Standards Act (建築基準法
# 第43条, 接道義務) makes every building site abut a road, and a designated shelter's point lies on
# its site; schools and parks of the ward are at most about 400 m across, so a point more than
# half of that from any street lies outside the street network given (e.g. a GSI list of the whole
# ward routed on a smaller network), not at the end of a long private path.
DEFAULT_SHELTER_MAX_SNAP_M = 200.0


def add_shelters(
    alg: QgsProcessingAlgorithm,
    label: str,
    capacity_label: str | None = None,
    field_defaults: tuple[str | None, str | None, str | None] = (None, None, None),
) -> None:
    """SHELTERS (points) with optional id and name fields, and a capacity field when labelled.

    ``field_defaults`` are the id, name and capacity fields' defaults (the scenario's sample names).
    """
    id_default, name_default, capacity_default = field_defaults
    alg.addParameter(QgsProcessingParameterFeatureSource(SHELTERS, label, [QgsProcessing.TypeVectorPoint]))
    alg.addParameter(
        QgsProcessingParameterField(
            SHELTER_ID_FIELD, tr("Shelter id field (optional; unique)"), id_default, SHELTERS, optional=True
        )
    )
    alg.addParameter(
        QgsProcessingParameterField(
            SHELTER_NAME_FIELD, tr("Shelter name field (optional)"), name_default, SHELTERS, optional=True
        )
    )
    if capacity_label:
        alg.addParameter(
            QgsProcessingParameterField(
                CAPACITY_FIELD,
                capacity_label,
                capacity_default,
                SHELTERS,
                QgsProcessingParameterField.Numeric,
                optional=True,
            )
        )
    alg.addParameter(
        QgsProcessingParameterBoolean(
            SHELTER_EARTHQUAKE_ONLY,
            tr("GSI lists: only sites designated for earthquakes (地震)"),
            False,
            optional=True,
        )
    )
    snap = QgsProcessingParameterNumber(
        SHELTER_MAX_SNAP,
        tr("Largest distance from a shelter to a street (m); farther shelters are flagged and not used"),
        QgsProcessingParameterNumber.Double,
        DEFAULT_SHELTER_MAX_SNAP_M,
        True,
        1.0,
    )
    snap.setFlags(snap.flags() | QgsProcessingParameterDefinition.FlagAdvanced)
    alg.addParameter(snap)


# --- summary outputs -------------------------------------------------------------------------------
OUTPUT_DISTRICTS = "OUTPUT_DISTRICTS"
OUTPUT_SUMMARY = "OUTPUT_SUMMARY"


def add_summary_outputs(alg: QgsProcessingAlgorithm, districts_label: str, summary_label: str) -> None:
    """OUTPUT_DISTRICTS (optional polygons, one per district) and OUTPUT_SUMMARY (one ward row)."""
    alg.addParameter(
        QgsProcessingParameterFeatureSink(
            OUTPUT_DISTRICTS, districts_label, QgsProcessing.TypeVectorPolygon, optional=True
        )
    )
    alg.addParameter(QgsProcessingParameterFeatureSink(OUTPUT_SUMMARY, summary_label, QgsProcessing.TypeVector))


def write_summary(
    alg: QgsProcessingAlgorithm,
    parameters: dict[str, Any],
    context: QgsProcessingContext,
    spec: list[tuple[str, type]],
    values: list[Any],
    crs: QgsCoordinateReferenceSystem,
) -> str:
    """Write the one-row ward summary to OUTPUT_SUMMARY; returns its destination id."""
    fields: QgsFields = make_fields(spec)
    sink, dest_id = alg.parameterAsSink(parameters, OUTPUT_SUMMARY, context, fields, QgsWkbTypes.NoGeometry, crs)
    if sink is None:
        raise QgsProcessingException(alg.invalidSinkError(parameters, OUTPUT_SUMMARY))
    row = QgsFeature(fields)
    row.setAttributes([to_python(v) for v in values])
    sink.addFeature(row, QgsFeatureSink.FastInsert)
    return dest_id


# --- memory limit ----------------------------------------------------------------------------------
MEMORY_LIMIT_GB = resources.MEMORY_LIMIT_GB


def add_memory_limit(alg: QgsProcessingAlgorithm) -> None:
    """MEMORY_LIMIT_GB (advanced): a run estimated to need more memory is refused (core/resources.py).

    The default is half of this machine's memory; 0 also means that default.
    """
    alg.addParameter(
        advanced(
            QgsProcessingParameterNumber(
                MEMORY_LIMIT_GB,
                tr("Memory limit (GB; a run estimated to need more is refused; default half of this machine's)"),
                QgsProcessingParameterNumber.Double,
                resources.default_memory_limit_gb(),
                True,
                0.0,
            )
        )
    )


def check_memory(
    alg: QgsProcessingAlgorithm,
    parameters: dict[str, Any],
    context: QgsProcessingContext,
    estimate: resources.Estimate,
    feedback: Any,
) -> None:
    """Log the estimate (and the time it may take), then refuse it past MEMORY_LIMIT_GB naming what to change."""
    # An empty value reads as 0, which means the default (half of this machine's memory).
    limit = resources.effective_limit_gb(alg.parameterAsDouble(parameters, MEMORY_LIMIT_GB, context))
    feedback.pushInfo(
        tr("Estimated memory: {0:.2f} GB for {1} (limit {2:.1f} GB, MEMORY_LIMIT_GB).").format(
            estimate.gb, estimate.what, limit
        )
    )
    if estimate.seconds is not None and estimate.seconds > 60:
        feedback.pushInfo(
            tr("Estimated time: about {0:.0f} minutes on a 2-core machine ({1}).").format(
                estimate.seconds / 60, estimate.parameter
            )
        )
    if resources.exceeds(estimate, limit):
        raise QgsProcessingException(
            tr(
                "{0}: this run would need about {1:.1f} GB of memory ({2}), more than the limit of {3:.1f} GB. "
                "Make it smaller ({0}) or, if the machine has that much memory, raise MEMORY_LIMIT_GB."
            ).format(estimate.parameter, estimate.gb, estimate.what, limit)
        )


def default_of(alg: QgsProcessingAlgorithm, key: str) -> Any:
    """The declared default of one of ``alg``'s parameters (the scenario passes it to its children)."""
    definition: QgsProcessingParameterDefinition | None = alg.parameterDefinition(key)
    if definition is None:
        raise KeyError(key)
    return definition.defaultValue()
