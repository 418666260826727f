"""Wi-Fi inputs: access points, obstacle buildings, shelter sites, propagation model; site statistics.

The parameter groups and readers of suginami:wificoverage, suginami:wifiplacement and the scenario.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingParameterCrs,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)

from ...core import wifi
from ...core.errors import InputError
from ..conversions import advanced, field_name, read_vector, require_projected
from ..i18n import tr

# JGD2011 / Japan Plane Rectangular CS IX: the plane system for Tokyo.
DEFAULT_CRS = "EPSG:6677"
# Without an EXTENT: the access points and sites plus this margin (m).
EXTENT_MARGIN_M = 100.0
NODATA = -9999.0
GROUP = "Shelters and Wi-Fi"
GROUP_ID = "wifi"


# --- parameters shared with wifiplacement --------------------------------------------------------------


def add_access_point_parameters(alg: QgsProcessingAlgorithm, optional: bool, label: str) -> None:
    alg.addParameter(
        QgsProcessingParameterFeatureSource("ACCESS_POINTS", label, [QgsProcessing.TypeVectorPoint], optional=optional)
    )
    for key, default_key, text, default_text, default, lo, hi in (
        (
            "EIRP_FIELD",
            "DEFAULT_EIRP",
            tr("EIRP field (dBm)"),
            tr("EIRP where the field is empty (dBm)"),
            wifi.DEFAULT_EIRP_DBM,
            -30.0,
            60.0,
        ),
        (
            "HEIGHT_FIELD",
            "DEFAULT_HEIGHT",
            tr("Height field (m above ground)"),
            tr("Height where the field is empty (m)"),
            wifi.DEFAULT_AP_HEIGHT_M,
            0.0,
            500.0,
        ),
        (
            "FREQUENCY_FIELD",
            "DEFAULT_FREQUENCY",
            tr("Frequency field (MHz)"),
            tr("Frequency where the field is empty (MHz)"),
            wifi.DEFAULT_FREQUENCY_MHZ,
            None,
            None,
        ),
    ):
        alg.addParameter(
            QgsProcessingParameterField(
                key, text, None, "ACCESS_POINTS", QgsProcessingParameterField.Numeric, optional=True
            )
        )
        number = QgsProcessingParameterNumber(
            default_key, default_text, QgsProcessingParameterNumber.Double, default, True
        )
        if lo is not None:
            number.setMinimum(lo)
            number.setMaximum(hi)
        alg.addParameter(number)


def add_building_parameters(alg: QgsProcessingAlgorithm) -> None:
    alg.addParameter(
        QgsProcessingParameterFeatureSource(
            "BUILDINGS", tr("Buildings (obstacles, optional)"), [QgsProcessing.TypeVectorPolygon], optional=True
        )
    )
    alg.addParameter(
        QgsProcessingParameterField(
            "BUILDING_HEIGHT_FIELD",
            tr("Building height field (m)"),
            None,
            "BUILDINGS",
            QgsProcessingParameterField.Numeric,
            optional=True,
        )
    )
    alg.addParameter(
        advanced(
            QgsProcessingParameterNumber(
                "DEFAULT_BUILDING_HEIGHT",
                tr("Height of buildings with no height (m; empty = refuse them)"),
                QgsProcessingParameterNumber.Double,
                None,
                True,
                0.0,
            )
        )
    )
    alg.addParameter(
        QgsProcessingParameterNumber(
            "BUILDING_LOSS_DB",
            tr("Loss per building crossed (dB; empty = ITU-R P.2109 traditional building at the frequency)"),
            QgsProcessingParameterNumber.Double,
            None,
            True,
            0.0,
            100.0,
        )
    )


def add_model_parameters(alg: QgsProcessingAlgorithm) -> None:
    alg.addParameter(
        QgsProcessingParameterEnum(
            "MODEL",
            tr("Propagation model"),
            [tr("Free space + loss per building"), tr("ITU-R P.1411 site-general, below rooftop (LoS/NLoS)")],
            defaultValue=0,
        )
    )
    alg.addParameter(
        advanced(
            QgsProcessingParameterEnum(
                "NLOS_ENVIRONMENT",
                tr("P.1411 NLoS environment"),
                [tr("Residential"), tr("Urban high-rise")],
                defaultValue=0,
            )
        )
    )
    alg.addParameter(
        QgsProcessingParameterNumber(
            "RECEIVER_HEIGHT",
            tr("Receiver height (m)"),
            QgsProcessingParameterNumber.Double,
            wifi.DEFAULT_RECEIVER_HEIGHT_M,
            False,
            0.0,
            100.0,
        )
    )
    alg.addParameter(
        QgsProcessingParameterString(
            "THRESHOLDS_DBM",
            tr("Thresholds (dBm, comma-separated; the first is the primary one)"),
            ",".join(f"{t:g}" for t in wifi.DEFAULT_THRESHOLDS_DBM),
        )
    )


def add_site_parameters(alg: QgsProcessingAlgorithm, optional: bool) -> None:
    alg.addParameter(
        QgsProcessingParameterFeatureSource(
            "SITES", tr("Shelter sites (polygons)"), [QgsProcessing.TypeVectorPolygon], optional=optional
        )
    )
    alg.addParameter(QgsProcessingParameterField("SITE_ID_FIELD", tr("Site id field"), None, "SITES", optional=True))
    alg.addParameter(
        QgsProcessingParameterField(
            "EVACUEES_FIELD",
            tr("Expected evacuees field"),
            None,
            "SITES",
            QgsProcessingParameterField.Numeric,
            optional=True,
        )
    )
    alg.addParameter(
        QgsProcessingParameterNumber(
            "CLIENT_LIMIT",
            tr("Clients per access point (limit)"),
            QgsProcessingParameterNumber.Integer,
            wifi.DEFAULT_CLIENT_LIMIT,
            False,
            1,
        )
    )


def add_crs_parameter(alg: QgsProcessingAlgorithm) -> None:
    alg.addParameter(
        QgsProcessingParameterCrs("TARGET_CRS", tr("Working CRS (projected, metres)"), DEFAULT_CRS, optional=True)
    )


def target_crs(
    alg: QgsProcessingAlgorithm, parameters: dict, context: QgsProcessingContext
) -> QgsCoordinateReferenceSystem:
    crs = alg.parameterAsCrs(parameters, "TARGET_CRS", context)
    if not crs.isValid():
        # qgis_process 3.22 treats a mandatory CRS with a default as missing (as groundmotion).
        crs = QgsCoordinateReferenceSystem(DEFAULT_CRS)
    require_projected(crs, "TARGET_CRS")
    return crs


def optional_number(
    alg: QgsProcessingAlgorithm, parameters: dict, key: str, context: QgsProcessingContext
) -> float | None:
    """A number parameter, or None when it was left empty."""
    if key in parameters and parameters[key] in (None, ""):
        return None
    if key not in parameters and alg.parameterDefinition(key).defaultValue() is None:
        return None
    return alg.parameterAsDouble(parameters, key, context)


def parse_thresholds(text: str) -> tuple[float, ...]:
    parts = [p for p in re.split(r"[,;\s]+", (text or "").strip()) if p]
    try:
        values = tuple(float(p) for p in parts)
    except ValueError as exc:
        raise InputError(
            tr("cannot read '{0}' as dBm values; write e.g. -67,-75").format(text), "THRESHOLDS_DBM"
        ) from exc
    if not values:
        raise InputError(tr("give at least one threshold in dBm, e.g. -67,-75"), "THRESHOLDS_DBM")
    return values


def read_access_points(
    alg: QgsProcessingAlgorithm,
    parameters: dict,
    context: QgsProcessingContext,
    crs: QgsCoordinateReferenceSystem,
    feedback: Any,
) -> tuple[list[wifi.AccessPoint], np.ndarray]:
    """Access points (in ``crs``) and their QGIS feature ids; [] when the optional layer is absent."""
    source = alg.parameterAsSource(parameters, "ACCESS_POINTS", context)
    if source is None:
        if parameters.get("ACCESS_POINTS") not in (None, ""):
            raise QgsProcessingException(alg.invalidSourceError(parameters, "ACCESS_POINTS"))
        return [], np.zeros(0, dtype=np.int64)
    eirp_f = field_name(alg, parameters, "EIRP_FIELD", context)
    height_f = field_name(alg, parameters, "HEIGHT_FIELD", context)
    freq_f = field_name(alg, parameters, "FREQUENCY_FIELD", context)
    data = read_vector(source, context, crs, [eirp_f, height_f, freq_f], "ACCESS_POINTS", feedback)
    if data.null_geometries:
        raise InputError(
            tr("{0} access point(s) have no geometry; fix or remove them").format(data.null_geometries),
            "ACCESS_POINTS",
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
    return aps, data.ids


def read_buildings(
    alg: QgsProcessingAlgorithm,
    parameters: dict,
    context: QgsProcessingContext,
    crs: QgsCoordinateReferenceSystem,
    feedback: Any,
) -> wifi.Buildings | None:
    source = alg.parameterAsSource(parameters, "BUILDINGS", context)
    if source is None:
        if parameters.get("BUILDINGS") not in (None, ""):
            raise QgsProcessingException(alg.invalidSourceError(parameters, "BUILDINGS"))
        return None
    height_f = field_name(alg, parameters, "BUILDING_HEIGHT_FIELD", context)
    if not height_f:
        raise InputError(tr("choose the field that holds the building heights (m)"), "BUILDING_HEIGHT_FIELD")
    data = read_vector(source, context, crs, [height_f], "BUILDINGS", feedback)
    return wifi.Buildings.from_arrays(
        list(data.geometries),
        data.column(height_f),
        optional_number(alg, parameters, "DEFAULT_BUILDING_HEIGHT", context),
    )


def read_sites(
    alg: QgsProcessingAlgorithm,
    parameters: dict,
    context: QgsProcessingContext,
    crs: QgsCoordinateReferenceSystem,
    feedback: Any,
) -> list[wifi.Site]:
    source = alg.parameterAsSource(parameters, "SITES", context)
    if source is None:
        if parameters.get("SITES") not in (None, ""):
            raise QgsProcessingException(alg.invalidSourceError(parameters, "SITES"))
        return []
    id_f = field_name(alg, parameters, "SITE_ID_FIELD", context)
    evac_f = field_name(alg, parameters, "EVACUEES_FIELD", context)
    data = read_vector(source, context, crs, [id_f, evac_f], "SITES", feedback)
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


def threshold_tag(threshold: float) -> str:
    """Field-name tag of a threshold: -67 -> '67', -72.5 -> '72_5' (thresholds are <= 0 dBm)."""
    return f"{abs(threshold):g}".replace(".", "_")


def stats_fields(thresholds: tuple[float, ...], suffixes: tuple[str, ...] = ("",)) -> list[tuple[str, type]]:
    spec: list[tuple[str, type]] = [("site_id", str), ("evacuees", float), ("area_m2", float), ("analysed_m2", float)]
    spec += [("share_primary" + s, float) for s in suffixes]
    for s in suffixes:
        spec += [(f"share_{threshold_tag(t)}{s}", float) for t in thresholds]
        spec += [(f"evac_{threshold_tag(t)}{s}", float) for t in thresholds]
        spec += [
            (f"n_aps{s}", int),
            (f"serving_aps{s}", str),
            (f"evac_per_ap{s}", float),
            (f"max_clients{s}", float),
            (f"over_limit{s}", bool),
        ]
    spec += [("client_limit", int), ("aps_needed", int)]
    return spec


def stats_values(reports: list[wifi.SiteStats], ap_labels: list[list[str]]) -> list[Any]:
    """One attribute row in the order of stats_fields for the given reports (before/after...)."""
    first = reports[0]
    row: list[Any] = [first.site_id, first.evacuees, first.area_m2, first.analysed_area_m2]
    row += [r.covered_share[0] for r in reports]
    for r, labels in zip(reports, ap_labels):
        row += list(r.covered_share)
        row += list(r.covered_evacuees)
        row += [
            len(r.serving_aps),
            ",".join(labels[a] for a in r.serving_aps),
            r.evacuees_per_ap,
            r.max_ap_clients,
            r.over_limit,
        ]
    row += [first.client_limit, first.aps_needed]
    return row


# --- the algorithm -------------------------------------------------------------------------------------------
