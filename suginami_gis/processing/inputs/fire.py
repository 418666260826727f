"""Fire inputs: the buildings of suginami:firespread with their fields, the ignition table and the
firebreaks; and the groups the scenario declares alike (wind, fire-prevention levers, fire-proofing areas).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeatureSource,
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterNumber,
)

from ...core import fire, people
from .. import plausibility
from ..conversions import VectorData, advanced, is_set, read_vector, required_source, working_crs
from ..i18n import tr
from .buildings import keeps_fields_in_sql
from .common import add_parameters, number, share

# --- buildings -------------------------------------------------------------------------------------
BUILDINGS = "BUILDINGS"
P_COLLAPSE_FIELD = "P_COLLAPSE_FIELD"
FIRE_RESISTANCE_FIELD = "FIRE_RESISTANCE_FIELD"
INTENSITY_FIELD = "INTENSITY_FIELD"
USE_FIELD = "USE_FIELD"
FLOORS_FIELD = "FLOORS_FIELD"
P_HALF_FIELD = "P_HALF_FIELD"
OCCUPANTS_FIELD = "OCCUPANTS_FIELD"
# Residents per building without OCCUPANTS_FIELD: the key and figure of building damage (core/people.py).
DEFAULT_OCCUPANTS = "DEFAULT_OCCUPANTS"
P_COLLAPSE_MEDIAN_FIELD = "P_COLLAPSE_MEDIAN_FIELD"
INTENSITY_MEDIAN_FIELD = "INTENSITY_MEDIAN_FIELD"
YEAR_FIELD = "YEAR_FIELD"
# The building fields in the order their presence is checked.
BUILDING_FIELD_KEYS = (
    P_COLLAPSE_FIELD,
    FIRE_RESISTANCE_FIELD,
    INTENSITY_FIELD,
    USE_FIELD,
    FLOORS_FIELD,
    YEAR_FIELD,
    P_HALF_FIELD,
    OCCUPANTS_FIELD,
    P_COLLAPSE_MEDIAN_FIELD,
    INTENSITY_MEDIAN_FIELD,
)
# The plugin-wide field names, also used when these field parameters are left empty.
P_COLLAPSE_DEFAULT = "p_collapse"
FIRE_RESISTANCE_DEFAULT = "fire_resistance"
# Intensity given to buildings without one: below every JMA intensity, so no table row applies.
NO_INTENSITY = -99.0

# --- ignitions, wind, firebreaks, fire-proofing ----------------------------------------------------
IGNITION_TABLE = "IGNITION_TABLE"
SEISMIC_BREAKER_RATE = "SEISMIC_BREAKER_RATE"
INITIAL_EXTINGUISHMENT = "INITIAL_EXTINGUISHMENT"
# Deprecated alias of INITIAL_EXTINGUISHMENT (hidden; kept because keys are the batch interface).
SUPPRESSION_RATE = "SUPPRESSION_RATE"
WIND_SPEED = "WIND_SPEED"
WIND_DIRECTION = "WIND_DIRECTION"
FIREBREAKS = "FIREBREAKS"
FIREPROOF_TARGET_RATE = "FIREPROOF_TARGET_RATE"
FIREPROOF_AREAS = "FIREPROOF_AREAS"
FIREPROOF_OPEN_SPACE_FIELD = "FIREPROOF_OPEN_SPACE_FIELD"
OPEN_SPACE_RATIO = "OPEN_SPACE_RATIO"


def building_field(
    key: str, label: str, default: str | None = None, numeric: bool = True
) -> QgsProcessingParameterField:
    """An optional field of BUILDINGS (numeric unless told)."""
    kind = QgsProcessingParameterField.Numeric if numeric else QgsProcessingParameterField.Any
    return QgsProcessingParameterField(key, label, default, BUILDINGS, kind, optional=True)


def add_buildings(alg: QgsProcessingAlgorithm) -> None:
    """BUILDINGS and its fields: collapse, fire resistance, intensity, use, floors; evacuees; median scenario.

    QGIS 3.22 refuses a mandatory field parameter left at its default, so every field is optional and
    the two the model needs fall back to the plugin-wide names.
    """
    alg.addParameter(
        QgsProcessingParameterFeatureSource(
            BUILDINGS,
            tr("Buildings (footprint polygons, e.g. the output of Earthquake building damage)"),
            [QgsProcessing.TypeVectorPolygon],
        )
    )
    for parameter in (
        building_field(P_COLLAPSE_FIELD, tr("Collapse probability field"), P_COLLAPSE_DEFAULT),
        building_field(
            FIRE_RESISTANCE_FIELD,
            tr("Fire-resistance field (bare_wood, protected_wood, semi_fireproof, fireproof)"),
            FIRE_RESISTANCE_DEFAULT,
            numeric=False,
        ),
        building_field(
            INTENSITY_FIELD, tr("JMA intensity field (for ignitions of buildings that do not collapse)"), "intensity"
        ),
        building_field(USE_FIELD, tr("Building use field (optional; for an ignition table by use)"), numeric=False),
        building_field(FLOORS_FIELD, tr("Floors field (optional; for the burned floor area)")),
        building_field(P_HALF_FIELD, tr("At-least-half-collapse probability field (optional; for evacuees)")),
        building_field(OCCUPANTS_FIELD, tr("Residents field (optional; evacuees and relief-centre residents)")),
        building_field(P_COLLAPSE_MEDIAN_FIELD, tr("Collapse probability under the median ground motion (optional)")),
        building_field(INTENSITY_MEDIAN_FIELD, tr("JMA intensity of the median ground motion (optional)")),
    ):
        alg.addParameter(parameter)
    alg.addParameter(
        advanced(
            QgsProcessingParameterNumber(
                DEFAULT_OCCUPANTS,
                tr("Residents per building without a residents field (default: 4.60, as building damage)"),
                QgsProcessingParameterNumber.Double,
                people.DEFAULT_OCCUPANTS,
                False,
                0.0,
            )
        )
    )


def add_levers(alg: QgsProcessingAlgorithm, deprecated_alias: bool = False) -> None:
    """The fire-prevention levers: seismic circuit breakers and initial extinguishment by residents.

    With ``deprecated_alias``, also the hidden SUPPRESSION_RATE that initial_extinguishment() still reads.
    """
    add_parameters(
        alg,
        *(
            share(
                SEISMIC_BREAKER_RATE,
                tr("Seismic circuit breakers: share of premises with one (0-1; Tokyo 2022: 0.083)"),
                fire.SEISMIC_BREAKER_RATE,
                optional=True,
            ),
            share(
                INITIAL_EXTINGUISHMENT,
                tr("Initial extinguishment by residents, fires in standing buildings (0-1; Tokyo 2022: 0.366)"),
                fire.INITIAL_SUPPRESSION_RATE,
                optional=True,
            ),
        ),
    )
    if deprecated_alias:
        alias = share(
            SUPPRESSION_RATE,
            tr("Initial extinguishment rate (deprecated: use INITIAL_EXTINGUISHMENT)"),
            fire.INITIAL_SUPPRESSION_RATE,
            optional=True,
        )
        alias.setFlags(alias.flags() | QgsProcessingParameterDefinition.FlagHidden)
        alg.addParameter(alias)


def add_ignition_table(alg: QgsProcessingAlgorithm) -> None:
    alg.addParameter(
        QgsProcessingParameterFile(
            IGNITION_TABLE,
            tr("Ignition table of non-collapsed buildings (optional CSV: use, intensity_min, rate; empty = built-in)"),
            optional=True,
            fileFilter=tr("CSV (*.csv)"),
        )
    )


def add_wind(alg: QgsProcessingAlgorithm) -> None:
    """WIND_SPEED and WIND_DIRECTION (the direction the wind comes from)."""
    add_parameters(
        alg,
        *(
            number(WIND_SPEED, tr("Wind speed (m/s, 0-30)"), 8.0, 0.0, 30.0),
            number(
                WIND_DIRECTION,
                tr("Wind direction (degrees the wind comes from; NNW = 337.5)"),
                fire.TOKYO_WIND_DIRECTION_DEG,
                0.0,
                360.0,
            ),
        ),
    )


def add_firebreaks(alg: QgsProcessingAlgorithm) -> None:
    alg.addParameter(
        QgsProcessingParameterFeatureSource(
            FIREBREAKS,
            tr("Firebreaks (optional polygons: wide roads, parks, rivers)"),
            [QgsProcessing.TypeVectorPolygon],
            optional=True,
        )
    )


def add_fireproof_areas(alg: QgsProcessingAlgorithm, label: str) -> None:
    """FIREPROOF_AREAS (optional polygons) and their open-space ratio field (空地率, %)."""
    alg.addParameter(
        QgsProcessingParameterFeatureSource(FIREPROOF_AREAS, label, [QgsProcessing.TypeVectorPolygon], optional=True)
    )
    alg.addParameter(
        QgsProcessingParameterField(
            FIREPROOF_OPEN_SPACE_FIELD,
            tr("Open-space ratio field of the areas (空地率, %; optional)"),
            None,
            FIREPROOF_AREAS,
            QgsProcessingParameterField.Numeric,
            optional=True,
        )
    )


# --- readers ---------------------------------------------------------------------------------------
@dataclass
class FireBuildings:
    """The BUILDINGS footprints and the columns run_fire takes, empty values already given their meaning."""

    source: QgsFeatureSource
    data: VectorData
    classes: np.ndarray
    p_collapse: np.ndarray
    intensity: np.ndarray | None = None
    use: np.ndarray | None = None
    floors: np.ndarray | None = None
    year_built: np.ndarray | None = None
    # residents and p_half (evacuees), p_collapse_median and intensity_median (median scenario)
    extras: dict[str, np.ndarray] = field(default_factory=dict)
    # the working CRS the geometries are in (conversions.working_crs); None: the layer's own
    working: QgsCoordinateReferenceSystem | None = None

    @property
    def crs(self) -> QgsCoordinateReferenceSystem:
        return self.working if self.working is not None else self.source.sourceCrs()

    def run_arguments(self) -> dict[str, Any]:
        """The optional per-building arguments of fire.run_fire."""
        return {
            "intensity": self.intensity,
            "use": self.use,
            "floors": self.floors,
            "year_built": self.year_built,
            **self.extras,
        }


def read_ignition_table(
    alg: QgsProcessingAlgorithm, parameters: dict[str, Any], context: QgsProcessingContext
) -> tuple[fire.IgnitionTable, str]:
    """The IGNITION_TABLE (or the built-in one) and its path ('' for the built-in one)."""
    path = alg.parameterAsFile(parameters, IGNITION_TABLE, context)
    return (fire.load_ignition_table(path) if path else fire.load_builtin_ignition_table()), path


def ignition_message(table: fire.IgnitionTable, table_path: str) -> str:
    """Which ignitions of standing buildings the run models, and from which table."""
    if not table.rows:
        return tr("Ignition table {0} has no rows: only ignitions of collapsed buildings are modelled.").format(
            table_path
        )
    if table_path:
        return tr("Ignitions of buildings that do not collapse: table {0} ({1} rows).").format(
            table_path, len(table.rows)
        )
    return tr(
        "Ignitions of buildings that do not collapse: built-in table '{0}' ({1} rows), derived from "
        "published fire rates of past earthquakes (docs/methods/fire.md section 1); a ward with the "
        "Tokyo Fire Department's table gives it as IGNITION_TABLE."
    ).format(table.name, len(table.rows))


def initial_extinguishment(
    alg: QgsProcessingAlgorithm, parameters: dict[str, Any], context: QgsProcessingContext, feedback: Any
) -> float:
    """INITIAL_EXTINGUISHMENT, or the deprecated SUPPRESSION_RATE when only that one is given."""
    if is_set(parameters, SUPPRESSION_RATE) and not is_set(parameters, INITIAL_EXTINGUISHMENT):
        feedback.pushInfo(tr("SUPPRESSION_RATE is deprecated: use INITIAL_EXTINGUISHMENT (same meaning)."))
        return alg.parameterAsDouble(parameters, SUPPRESSION_RATE, context)
    return alg.parameterAsDouble(parameters, INITIAL_EXTINGUISHMENT, context)


def read_buildings(
    alg: QgsProcessingAlgorithm,
    parameters: dict[str, Any],
    context: QgsProcessingContext,
    feedback: Any,
    table: fire.IgnitionTable,
) -> FireBuildings:
    """BUILDINGS with the chosen fields; with an empty ignition table no intensity is needed."""
    source = required_source(alg, parameters, BUILDINGS, context)
    crs = working_crs(source, BUILDINGS, feedback)
    names = _building_field_names(alg, parameters, context, standing_ignitions=bool(table.rows))
    _require_building_fields(source.fields().names(), names)
    feedback.pushInfo(tr("Reading {0} buildings").format(source.featureCount()))
    # Fields the output keeps: read only when it cannot copy them in SQL (inputs/buildings.write_buildings)
    kept = [] if keeps_fields_in_sql(source, crs) else source.fields().names()
    data = read_vector(source, context, crs, kept + [n for n in names.values() if n], BUILDINGS, feedback)
    if feedback.isCanceled():
        raise QgsProcessingException(tr("Canceled: no output was written."))
    if len(data) == 0:
        raise QgsProcessingException(tr("BUILDINGS: the layer has no features; choose a layer with footprints."))
    p_collapse = _collapse_probability(data, names[P_COLLAPSE_FIELD], feedback)
    intensity = _intensity(data, names[INTENSITY_FIELD], feedback)
    use = data.column(names[USE_FIELD], str) if names[USE_FIELD] else None
    default_people = alg.parameterAsDouble(parameters, DEFAULT_OCCUPANTS, context)
    extras = _extra_columns(data, names, intensity is not None or not table.rows, feedback, default_people)
    floors = data.column(names[FLOORS_FIELD], float) if names[FLOORS_FIELD] else None
    if floors is not None:
        plausibility.check(plausibility.FLOORS, floors, data.ids, FLOORS_FIELD, feedback)
    year_built = data.column(names[YEAR_FIELD], float) if names[YEAR_FIELD] else None
    classes = fire.parse_fire_resistance(data.column(names[FIRE_RESISTANCE_FIELD], str), FIRE_RESISTANCE_FIELD)
    return FireBuildings(source, data, classes, p_collapse, intensity, use, floors, year_built, extras, crs)


def _building_field_names(
    alg: QgsProcessingAlgorithm, parameters: dict[str, Any], context: QgsProcessingContext, standing_ignitions: bool
) -> dict[str, str | None]:
    """The chosen field of each building-field parameter (None for none)."""
    fallback = {P_COLLAPSE_FIELD: P_COLLAPSE_DEFAULT, FIRE_RESISTANCE_FIELD: FIRE_RESISTANCE_DEFAULT}
    names = {key: alg.parameterAsString(parameters, key, context) or fallback.get(key) for key in BUILDING_FIELD_KEYS}
    if not standing_ignitions:
        # A table with the header only: collapse ignitions alone, so no intensity is needed.
        names[INTENSITY_FIELD] = None
    return names


def _require_building_fields(all_names: list[str], names: dict[str, str | None]) -> None:
    """Every chosen field is in the buildings layer; a missing intensity field gets its own advice."""
    intensity_field = names[INTENSITY_FIELD]
    if intensity_field and intensity_field not in all_names:
        raise QgsProcessingException(
            tr(
                "INTENSITY_FIELD: ignitions of buildings that do not collapse need each building's JMA "
                "intensity, and field '{0}' is not in the buildings layer (fields: {1}). Choose the intensity "
                "field (Earthquake building damage writes one), or give an IGNITION_TABLE with the header "
                "only to model ignitions of collapsed buildings alone."
            ).format(intensity_field, ", ".join(all_names))
        )
    for key, name in names.items():
        if key != INTENSITY_FIELD and name and name not in all_names:
            raise QgsProcessingException(
                tr("{0}: field '{1}' is not in the buildings layer (fields: {2}); choose an existing field.").format(
                    key, name, ", ".join(all_names)
                )
            )


def _collapse_probability(data: VectorData, name: str, feedback: Any) -> np.ndarray:
    p_collapse = data.column(name, float)
    missing = ~np.isfinite(p_collapse)
    if missing.any():
        feedback.pushInfo(
            tr(
                "{0} buildings have no collapse probability (e.g. outside the ground-motion raster): taken as 0."
            ).format(int(missing.sum()))
        )
        p_collapse = np.where(missing, 0.0, p_collapse)
    return p_collapse


def _intensity(data: VectorData, name: str | None, feedback: Any) -> np.ndarray | None:
    if not name:
        return None
    intensity = data.column(name, float)
    missing = ~np.isfinite(intensity)
    if missing.any():
        feedback.pushInfo(
            tr("{0} buildings have no intensity: no ignition of a standing building for them.").format(
                int(missing.sum())
            )
        )
        intensity = np.where(missing, NO_INTENSITY, intensity)
    return intensity


def _extra_columns(
    data: VectorData, names: dict[str, str | None], with_table: bool, feedback: Any, default_people: float
) -> dict[str, np.ndarray]:
    """Optional inputs of run_fire: evacuees (residents, half-collapse) and the median scenario.

    Without OCCUPANTS_FIELD every building has ``default_people`` residents, as in building damage.
    """
    out: dict[str, np.ndarray] = {}

    def column(key: str) -> np.ndarray:
        values = data.column(names[key], float)
        return np.where(np.isfinite(values), values, 0.0)

    if names[OCCUPANTS_FIELD]:
        out["residents"] = np.clip(column(OCCUPANTS_FIELD), 0.0, None)
    else:
        out["residents"] = np.full(len(data), default_people)
        feedback.pushInfo(
            tr("OCCUPANTS_FIELD not given: each building has {0:.2f} residents (DEFAULT_OCCUPANTS).").format(
                default_people
            )
        )
    if names[P_HALF_FIELD]:
        out["p_half"] = np.clip(column(P_HALF_FIELD), 0.0, 1.0)
    median_keys = (P_COLLAPSE_MEDIAN_FIELD, INTENSITY_MEDIAN_FIELD)
    if all(names[k] for k in median_keys) and with_table:
        out["p_collapse_median"] = np.clip(column(P_COLLAPSE_MEDIAN_FIELD), 0.0, 1.0)
        median = data.column(names[INTENSITY_MEDIAN_FIELD], float)
        out["intensity_median"] = np.where(np.isfinite(median), median, NO_INTENSITY)
    elif any(names[k] for k in median_keys):
        feedback.pushInfo(
            tr("P_COLLAPSE_MEDIAN_FIELD and INTENSITY_MEDIAN_FIELD go together: no median-scenario totals.")
        )
    return out


def read_firebreaks(
    alg: QgsProcessingAlgorithm,
    parameters: dict[str, Any],
    context: QgsProcessingContext,
    crs: QgsCoordinateReferenceSystem,
    feedback: Any,
) -> list[Any] | None:
    """The FIREBREAKS polygons in ``crs`` (None when none were given)."""
    source = alg.parameterAsSource(parameters, FIREBREAKS, context)
    if source is None:
        return None
    breaks = read_vector(source, context, crs, (), FIREBREAKS)
    polygons = [g for g in breaks.geometries if g is not None]
    feedback.pushInfo(tr("{0} firebreak polygons").format(len(polygons)))
    return polygons


def footprint_index(geometries: np.ndarray, polygons: np.ndarray) -> np.ndarray:
    """Per footprint, the polygon it lies in (fire.assign_districts), -1 outside all or without a geometry."""
    present = np.array([g is not None for g in geometries], dtype=bool)
    index = np.full(len(geometries), -1, dtype=np.int64)
    index[present] = fire.assign_districts(geometries[present], list(polygons))
    return index
