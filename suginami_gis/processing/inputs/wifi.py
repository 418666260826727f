"""Wi-Fi inputs: access points, obstacle buildings, shelter sites, propagation model, grid, candidates.

The parameter groups and readers of suginami:wificoverage and suginami:wifiplacement; their outputs
are written with inputs/wifi_outputs.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterString,
)

from ...core import wifi
from ...core.errors import InputError
from ...core.rasters import Grid
from ..base import SuginamiAlgorithm
from ..conversions import advanced, crs_wkt, field_name, read_vector
from ..i18n import tr
from ..plausibility import ANTENNA_HEIGHT, BUILDING_HEIGHT, EIRP, check
from .common import add_parameters, choice, field, number

# Without an EXTENT: the access points and sites plus this margin (m).
EXTENT_MARGIN_M = 100.0

ACCESS_POINTS = "ACCESS_POINTS"
BUILDINGS = "BUILDINGS"
SITES = "SITES"
CLIENT_LIMIT = "CLIENT_LIMIT"
THRESHOLDS_DBM = "THRESHOLDS_DBM"
EXTENT = "EXTENT"
PIXEL_SIZE = "PIXEL_SIZE"
CANDIDATES = "CANDIDATES"


class WifiAlgorithm(SuginamiAlgorithm):
    """Base of the Wi-Fi algorithms: their Processing group."""

    GROUP = "Shelters and Wi-Fi"
    GROUP_ID = "wifi"


def keywords(settings: Any) -> dict[str, Any]:
    """A settings dataclass as keyword arguments of the core function its fields are named after."""
    return {f.name: getattr(settings, f.name) for f in fields(settings)}


def _source(alg: QgsProcessingAlgorithm, parameters: dict, key: str, context: QgsProcessingContext) -> Any:
    """An optional layer parameter's source: None when it was left empty, an error when it cannot be read."""
    source = alg.parameterAsSource(parameters, key, context)
    if source is None and parameters.get(key) not in (None, ""):
        raise QgsProcessingException(alg.invalidSourceError(parameters, key))
    return source


def optional_number(
    alg: QgsProcessingAlgorithm, parameters: dict, key: str, context: QgsProcessingContext
) -> float | None:
    """A number parameter, or None when it was left empty."""
    if key in parameters and parameters[key] in (None, ""):
        return None
    if key not in parameters and alg.parameterDefinition(key).defaultValue() is None:
        return None
    return alg.parameterAsDouble(parameters, key, context)


# --- access points ---------------------------------------------------------------------------------------


def add_access_point_parameters(alg: QgsProcessingAlgorithm, optional: bool, label: str) -> None:
    """ACCESS_POINTS with a field and a value for where it is empty, for each of EIRP, height and frequency."""
    add_parameters(
        alg,
        QgsProcessingParameterFeatureSource(ACCESS_POINTS, label, [QgsProcessing.TypeVectorPoint], optional=optional),
        field("EIRP_FIELD", tr("EIRP field (dBm)"), ACCESS_POINTS, numeric=True),
        number(
            "DEFAULT_EIRP", tr("EIRP where the field is empty (dBm)"), wifi.DEFAULT_EIRP_DBM, -30, 60, optional=True
        ),
        field("HEIGHT_FIELD", tr("Height field (m above ground)"), ACCESS_POINTS, numeric=True),
        number(
            "DEFAULT_HEIGHT", tr("Height where the field is empty (m)"), wifi.DEFAULT_AP_HEIGHT_M, 0, 500, optional=True
        ),
        field("FREQUENCY_FIELD", tr("Frequency field (MHz)"), ACCESS_POINTS, numeric=True),
        number(
            "DEFAULT_FREQUENCY",
            tr("Frequency where the field is empty (MHz)"),
            wifi.DEFAULT_FREQUENCY_MHZ,
            optional=True,
        ),
    )


def read_access_points(
    alg: QgsProcessingAlgorithm,
    parameters: dict,
    context: QgsProcessingContext,
    crs: QgsCoordinateReferenceSystem,
    feedback: Any,
) -> tuple[list[wifi.AccessPoint], np.ndarray]:
    """Access points (in ``crs``) and their QGIS feature ids; [] when the optional layer is absent."""
    source = _source(alg, parameters, ACCESS_POINTS, context)
    if source is None:
        return [], np.zeros(0, dtype=np.int64)
    eirp_f = field_name(alg, parameters, "EIRP_FIELD", context)
    height_f = field_name(alg, parameters, "HEIGHT_FIELD", context)
    freq_f = field_name(alg, parameters, "FREQUENCY_FIELD", context)
    data = read_vector(source, context, crs, [eirp_f, height_f, freq_f], ACCESS_POINTS, feedback)
    if data.null_geometries:
        raise InputError(
            tr("{0} access point(s) have no geometry; fix or remove them").format(data.null_geometries),
            ACCESS_POINTS,
        )
    if len(data) == 0:
        return [], data.ids
    import shapely

    xy = np.array([shapely.get_coordinates(g)[0] for g in data.geometries])
    aps = wifi.access_points_from_arrays(
        xy[:, 0],
        xy[:, 1],
        data.column(eirp_f) if eirp_f else None,
        data.column(height_f) if height_f else None,
        data.column(freq_f) if freq_f else None,
        [str(i) for i in data.ids],
        optional_number(alg, parameters, "DEFAULT_EIRP", context),
        optional_number(alg, parameters, "DEFAULT_HEIGHT", context),
        optional_number(alg, parameters, "DEFAULT_FREQUENCY", context),
    )
    _check_access_points(
        aps,
        data.ids,
        "HEIGHT_FIELD" if height_f else "DEFAULT_HEIGHT",
        "EIRP_FIELD" if eirp_f else "DEFAULT_EIRP",
        feedback,
    )
    return aps, data.ids


def _check_access_points(aps: list[wifi.AccessPoint], ids: Any, height_key: str, eirp_key: str, feedback: Any) -> None:
    """Antenna heights and EIRP outside plausible and legal ranges refused or warned about (core/plausibility.py)."""
    check(ANTENNA_HEIGHT, [a.height_m for a in aps], ids, height_key, feedback)
    check(EIRP, [a.eirp_dbm for a in aps], ids, eirp_key, feedback, [a.frequency_mhz for a in aps])


# --- obstacle buildings ----------------------------------------------------------------------------------


def add_building_parameters(alg: QgsProcessingAlgorithm) -> None:
    """BUILDINGS (optional obstacles) with their height, and the loss per building crossed."""
    add_parameters(
        alg,
        QgsProcessingParameterFeatureSource(
            BUILDINGS, tr("Buildings (obstacles, optional)"), [QgsProcessing.TypeVectorPolygon], optional=True
        ),
        field("BUILDING_HEIGHT_FIELD", tr("Building height field (m)"), BUILDINGS, numeric=True),
        advanced(
            number(
                "DEFAULT_BUILDING_HEIGHT",
                tr("Height of buildings with no height (m; empty = refuse them)"),
                None,
                0,
                optional=True,
            )
        ),
        number(
            "BUILDING_LOSS_DB",
            tr("Loss per building crossed (dB; empty = ITU-R P.2109 traditional building at the frequency)"),
            None,
            0,
            100,
            optional=True,
        ),
    )


def read_buildings(
    alg: QgsProcessingAlgorithm,
    parameters: dict,
    context: QgsProcessingContext,
    crs: QgsCoordinateReferenceSystem,
    feedback: Any,
) -> wifi.Buildings | None:
    """The obstacle buildings (in ``crs``) with their heights; None when the optional layer is absent."""
    source = _source(alg, parameters, BUILDINGS, context)
    if source is None:
        return None
    height_f = field_name(alg, parameters, "BUILDING_HEIGHT_FIELD", context)
    if not height_f:
        raise InputError(tr("choose the field that holds the building heights (m)"), "BUILDING_HEIGHT_FIELD")
    data = read_vector(source, context, crs, [height_f], BUILDINGS, feedback)
    check(BUILDING_HEIGHT, data.column(height_f), data.ids, "BUILDING_HEIGHT_FIELD", feedback)
    return wifi.Buildings.from_arrays(
        list(data.geometries),
        data.column(height_f),
        optional_number(alg, parameters, "DEFAULT_BUILDING_HEIGHT", context),
    )


# --- propagation model -----------------------------------------------------------------------------------


def add_model_parameters(alg: QgsProcessingAlgorithm) -> None:
    """MODEL, NLOS_ENVIRONMENT (advanced), RECEIVER_HEIGHT and THRESHOLDS_DBM."""
    add_parameters(
        alg,
        choice(
            "MODEL",
            tr("Propagation model"),
            [tr("Free space + loss per building"), tr("ITU-R P.1411 site-general, below rooftop (LoS/NLoS)")],
        ),
        advanced(choice("NLOS_ENVIRONMENT", tr("P.1411 NLoS environment"), [tr("Residential"), tr("Urban high-rise")])),
        number("RECEIVER_HEIGHT", tr("Receiver height (m)"), wifi.DEFAULT_RECEIVER_HEIGHT_M, 0, 100),
        QgsProcessingParameterString(
            THRESHOLDS_DBM,
            tr("Thresholds (dBm, comma-separated; the first is the primary one)"),
            ",".join(f"{t:g}" for t in wifi.DEFAULT_THRESHOLDS_DBM),
        ),
    )


@dataclass(frozen=True)
class Propagation:
    """The propagation settings, named as the core's coverage and placement functions take them."""

    model: wifi.PropagationModel
    receiver_height_m: float
    thresholds_dbm: tuple[float, ...]
    building_loss_db: float | None  # None: ITU-R P.2109 at each access point's frequency
    nlos_environment: wifi.NlosEnvironment


def parse_thresholds(text: str) -> tuple[float, ...]:
    parts = [p for p in re.split(r"[,;\s]+", (text or "").strip()) if p]
    try:
        values = tuple(float(p) for p in parts)
    except ValueError as exc:
        raise InputError(
            tr("cannot read '{0}' as dBm values; write e.g. -67,-75").format(text), THRESHOLDS_DBM
        ) from exc
    if not values:
        raise InputError(tr("give at least one threshold in dBm, e.g. -67,-75"), THRESHOLDS_DBM)
    return values


def read_propagation(alg: QgsProcessingAlgorithm, parameters: dict, context: QgsProcessingContext) -> Propagation:
    return Propagation(
        wifi.PropagationModel(alg.parameterAsEnum(parameters, "MODEL", context)),
        alg.parameterAsDouble(parameters, "RECEIVER_HEIGHT", context),
        parse_thresholds(alg.parameterAsString(parameters, THRESHOLDS_DBM, context)),
        optional_number(alg, parameters, "BUILDING_LOSS_DB", context),
        wifi.NlosEnvironment(alg.parameterAsEnum(parameters, "NLOS_ENVIRONMENT", context)),
    )


# --- shelter sites ---------------------------------------------------------------------------------------


def add_site_parameters(alg: QgsProcessingAlgorithm, optional: bool) -> None:
    """SITES (polygons) with their id and expected evacuees, and the clients one access point serves."""
    add_parameters(
        alg,
        QgsProcessingParameterFeatureSource(
            SITES, tr("Shelter sites (polygons)"), [QgsProcessing.TypeVectorPolygon], optional=optional
        ),
        field("SITE_ID_FIELD", tr("Site id field"), SITES),
        field("EVACUEES_FIELD", tr("Expected evacuees field"), SITES, numeric=True),
        number(CLIENT_LIMIT, tr("Clients per access point (limit)"), wifi.DEFAULT_CLIENT_LIMIT, 1, integer=True),
    )


def read_sites(
    alg: QgsProcessingAlgorithm,
    parameters: dict,
    context: QgsProcessingContext,
    crs: QgsCoordinateReferenceSystem,
    feedback: Any,
) -> list[wifi.Site]:
    """The shelter sites with a geometry (in ``crs``); [] when the optional layer is absent."""
    source = _source(alg, parameters, SITES, context)
    if source is None:
        return []
    id_f = field_name(alg, parameters, "SITE_ID_FIELD", context)
    evac_f = field_name(alg, parameters, "EVACUEES_FIELD", context)
    data = read_vector(source, context, crs, [id_f, evac_f], SITES, feedback)
    ids = data.column(id_f, str) if id_f else np.array([str(i) for i in data.ids], dtype=object)
    evacuees = data.column(evac_f) if evac_f else np.zeros(len(data))
    if evac_f and np.isnan(evacuees).any():
        raise InputError(
            tr("{0} site(s) have no expected evacuees; fill the field (0 is allowed)").format(
                int(np.isnan(evacuees).sum())
            ),
            "EVACUEES_FIELD",
        )
    sites = [wifi.Site(str(ids[k]), data.geometries[k], float(evacuees[k])) for k in range(len(data))]
    return [s for s in sites if s.geometry is not None]


# --- working CRS and grid --------------------------------------------------------------------------------


def read_grid(
    alg: QgsProcessingAlgorithm,
    parameters: dict,
    context: QgsProcessingContext,
    crs: QgsCoordinateReferenceSystem,
    aps: list[wifi.AccessPoint],
    sites: list[wifi.Site],
) -> Grid:
    """The grid of PIXEL_SIZE over EXTENT, or over the access points and sites plus a margin without one."""
    pixel = alg.parameterAsDouble(parameters, PIXEL_SIZE, context)
    extent = alg.parameterAsExtent(parameters, EXTENT, context, crs)
    if not (extent.isNull() or extent.isEmpty()):
        return Grid.from_extent(
            extent.xMinimum(), extent.yMinimum(), extent.xMaximum(), extent.yMaximum(), pixel, crs_wkt(crs)
        )
    if parameters.get(EXTENT) not in (None, ""):
        raise InputError(tr("the extent is empty; draw or choose a non-empty extent"), EXTENT)
    xs = [a.x for a in aps] + [b for s in sites for b in s.geometry.bounds[0::2]]
    ys = [a.y for a in aps] + [b for s in sites for b in s.geometry.bounds[1::2]]
    return Grid.from_extent(
        min(xs) - EXTENT_MARGIN_M,
        min(ys) - EXTENT_MARGIN_M,
        max(xs) + EXTENT_MARGIN_M,
        max(ys) + EXTENT_MARGIN_M,
        pixel,
        crs_wkt(crs),
    )


# --- candidates for new access points --------------------------------------------------------------------


def add_candidate_parameters(alg: QgsProcessingAlgorithm) -> None:
    """CANDIDATES (optional points), the spacing of automatic ones, and what a new access point is."""
    add_parameters(
        alg,
        QgsProcessingParameterFeatureSource(
            CANDIDATES,
            tr("Candidate points (empty = a grid on the sites and roof edges)"),
            [QgsProcessing.TypeVectorPoint],
            optional=True,
        ),
        number("CANDIDATE_SPACING", tr("Spacing of automatic candidates (m)"), wifi.DEFAULT_CANDIDATE_SPACING_M, 1),
        number("NEW_AP_EIRP", tr("EIRP of new access points (dBm)"), wifi.DEFAULT_EIRP_DBM),
        number("NEW_AP_HEIGHT", tr("Height of new access points on poles (m)"), wifi.DEFAULT_AP_HEIGHT_M),
        number("NEW_AP_FREQUENCY", tr("Frequency of new access points (MHz)"), wifi.DEFAULT_FREQUENCY_MHZ),
    )


@dataclass(frozen=True)
class Candidates:
    """Where new access points may go and what they are, named as the core's placement takes them."""

    candidates: list[wifi.AccessPoint] | None  # None: a grid on the sites and roof edges
    candidate_spacing_m: float
    new_ap_eirp_dbm: float
    new_ap_height_m: float
    new_ap_frequency_mhz: float


def read_candidates(
    alg: QgsProcessingAlgorithm,
    parameters: dict,
    context: QgsProcessingContext,
    crs: QgsCoordinateReferenceSystem,
    feedback: Any,
) -> Candidates:
    """The CANDIDATES points (in ``crs``) as new access points, or None for automatic ones."""
    eirp = alg.parameterAsDouble(parameters, "NEW_AP_EIRP", context)
    height = alg.parameterAsDouble(parameters, "NEW_AP_HEIGHT", context)
    frequency = alg.parameterAsDouble(parameters, "NEW_AP_FREQUENCY", context)
    spacing = alg.parameterAsDouble(parameters, "CANDIDATE_SPACING", context)
    new = [tr("new access points")]
    check(ANTENNA_HEIGHT, [height], new, "NEW_AP_HEIGHT", feedback)
    check(EIRP, [eirp], new, "NEW_AP_EIRP", feedback, [frequency])
    source = _source(alg, parameters, CANDIDATES, context)
    if source is None:
        return Candidates(None, spacing, eirp, height, frequency)
    import shapely

    data = read_vector(source, context, crs, (), CANDIDATES, feedback)
    present = [(fid, g) for fid, g in zip(data.ids, data.geometries) if g is not None]
    if not present:
        raise InputError(tr("the candidate layer holds no points; leave it empty for automatic ones"), CANDIDATES)
    points = []
    for fid, geometry in present:
        x, y = shapely.get_coordinates(geometry)[0]
        points.append(wifi.AccessPoint(float(x), float(y), eirp, height, frequency, f"candidate fid {fid}"))
    return Candidates(points, spacing, eirp, height, frequency)
