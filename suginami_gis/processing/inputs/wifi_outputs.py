"""Wi-Fi outputs: the received-power raster, coverage polygons, site statistics and new access points."""

from __future__ import annotations

from typing import Any

import numpy as np
from qgis.core import QgsWkbTypes

from ...core import wifi
from ...core.rasters import write_geotiff
from ..conversions import OutputWriter
from ..i18n import tr
from .wifi import Propagation

NODATA = -9999.0


def write_rssi(
    path: str, result: wifi.CoverageResult, ap_fids: np.ndarray, propagation: Propagation, with_serving: bool
) -> None:
    """The best-server power (dBm) as a GeoTIFF band, and the serving access point's feature id as a second."""
    bands = [np.where(np.isfinite(result.rssi_dbm), result.rssi_dbm, NODATA)]
    descriptions = ["rssi_dbm"]
    if with_serving:
        bands.append(np.where(result.serving_ap >= 0, ap_fids[np.maximum(result.serving_ap, 0)], NODATA))
        descriptions.append("serving_ap_fid")
    thresholds = ",".join(f"{t:g}" for t in propagation.thresholds_dbm)
    write_geotiff(
        path,
        result.grid,
        bands,
        len(bands),
        nodata=NODATA,
        descriptions=descriptions,
        tags={"model": propagation.model.name, "thresholds_dbm": thresholds},
    )


def coverage_features(result: wifi.CoverageResult) -> tuple[list[Any], list[list[float]]]:
    """Covered area per threshold, lowest first so the stricter ones draw on top; rows (threshold_dbm, area_m2)."""
    polygons = sorted(wifi.coverage_polygons(result), key=lambda tp: tp[0])
    kept = [(t, g) for t, g in polygons if not g.is_empty]
    return [g for _, g in kept], [[t, g.area] for t, g in kept]


def threshold_tag(threshold: float) -> str:
    """Field-name tag of a threshold: -67 -> '67', -72.5 -> '72_5' (thresholds are <= 0 dBm)."""
    return f"{abs(threshold):g}".replace(".", "_")


def stats_fields(thresholds: tuple[float, ...], suffixes: tuple[str, ...] = ("",)) -> list[tuple[str, type]]:
    """Site-statistics fields, one set per suffix (after and before placement: "" and "_before")."""
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


def write_site_stats(
    out: OutputWriter,
    key: str,
    sites: list[wifi.Site],
    thresholds: tuple[float, ...],
    suffixes: tuple[str, ...],
    rows: list[list[Any]],
) -> str | None:
    """The site polygons with their statistics (rows from stats_values, in the order of ``sites``)."""
    spec = stats_fields(thresholds, suffixes)
    return out.write(key, spec, QgsWkbTypes.MultiPolygon, [s.geometry for s in sites], rows, "wifi_site_stats")


def over_limit_message(report: wifi.SiteReport, client_limit: int) -> str | None:
    """The sites whose busiest access point serves more than the limit, as a message (None: none)."""
    over = [s.site_id for s in report.sites if s.over_limit]
    if not over:
        return None
    return tr("Sites whose busiest access point serves more than {0} clients: {1}").format(
        client_limit, ", ".join(over)
    )


def placement_stats_rows(result: wifi.PlacementResult, existing_fids: np.ndarray) -> list[list[Any]]:
    """A site-statistics row per site with the new access points and, suffixed _before, without them."""
    before_labels = [str(f) for f in existing_fids]
    after_labels = before_labels + [f"new {k + 1}" for k in range(len(result.chosen))]
    return [
        stats_values([after, before], [after_labels, before_labels])
        for after, before in zip(result.after.sites, result.before.sites)
    ]


def new_ap_features(
    result: wifi.PlacementResult, objective: wifi.PlacementObjective
) -> tuple[list[Any], list[list[Any]]]:
    """The chosen access points in the order chosen, with their gain and the covered share after each.

    Rows: rank, candidate, height_m, eirp_dbm, frequency_mhz, gain, gain_unit, share_after.
    """
    import shapely

    unit = "m2" if objective == wifi.PlacementObjective.AREA else "evacuees"
    rows = [
        [k + 1, ap.ap_id, ap.height_m, ap.eirp_dbm, ap.frequency_mhz, gain, unit, share]
        for k, (ap, gain, share) in enumerate(zip(result.chosen, result.gains, result.share_after))
    ]
    return [shapely.Point(ap.x, ap.y) for ap in result.chosen], rows
