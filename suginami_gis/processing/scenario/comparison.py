"""The comparison's labels, and its inputs read from the children's result layers (arithmetic: core/comparison.py)."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path
from typing import Any

from qgis.core import QgsFeatureRequest, QgsVectorLayer
from qgis.PyQt.QtCore import QVariant

from ...core import comparison as cmp

# English and Japanese label of each compared quantity: the one table of labels of the scenario's
# messages, the report and its charts.
NAMES: dict[str, tuple[str, str]] = {
    "collapsed": ("Collapsed buildings", "全壊棟数"),
    "burned": ("Burned buildings", "焼失棟数"),
    "deaths": ("Deaths", "死者数"),
    "shelter_demand": ("Shelter demand (people)", "避難所避難者数"),
    "unreachable": ("Unreachable population", "避難所に到達できない人口"),
}
# (key, English, Japanese) in the order of core.comparison.QUANTITIES (a quantity without labels
# fails here, at import).
LABELS: tuple[tuple[str, str, str], ...] = tuple((key, *NAMES[key]) for key in cmp.QUANTITIES)


def label(key: str, language: str) -> str:
    """The label of a compared quantity in Japanese ("ja") or English (any other language)."""
    en, ja = NAMES[key]
    return ja if language == "ja" else en


def _rows(uri: str, names: tuple[str, ...]) -> list[dict[str, Any]]:
    """The named attributes of every feature in fid order (a missing field as None), without geometries.

    A GeoPackage table (``path|layername=x``, how the scenario names its results) is read in SQL, its
    BOOLEAN columns as bool (QGIS's values); any other layer through QGIS, one request for the wanted
    fields by index. 124,207 origins of the ward: about 0.1 s in SQL, 0.8-1 s through QGIS.
    """
    found = _sql_rows(uri, names)
    if found is not None:
        return found
    layer = QgsVectorLayer(uri, "result", "ogr")
    fields = layer.fields()
    indices = [fields.lookupField(name) for name in names]
    request = QgsFeatureRequest().setFlags(QgsFeatureRequest.NoGeometry)
    request.setSubsetOfAttributes([i for i in indices if i >= 0])
    rows = []
    for feature in layer.getFeatures(request):
        values = feature.attributes()
        rows.append({name: _plain(values[i]) if i >= 0 else None for name, i in zip(names, indices)})
    return rows


def _sql_rows(uri: str, names: tuple[str, ...]) -> list[dict[str, Any]] | None:
    """_rows of a GeoPackage table read with SQLite, or None when ``uri`` is not one."""
    path, _, rest = uri.partition("|")
    if not rest.startswith("layername=") or "|" in rest or not path.lower().endswith(".gpkg"):
        return None
    table = rest[len("layername=") :]
    try:
        with contextlib.closing(sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)) as db:
            declared = {row[1]: str(row[2]).upper() for row in db.execute(f'PRAGMA table_info("{table}")')}
            keys = [row[1] for row in db.execute(f'PRAGMA table_info("{table}")') if row[5]]
            present = [name for name in names if name in declared]
            if not declared or len(keys) != 1:
                return None
            listed = ", ".join(f'"{name}"' for name in present) or "NULL"
            fetched = db.execute(f'SELECT {listed} FROM "{table}" ORDER BY "{keys[0]}"').fetchall()
    except sqlite3.Error:
        return None
    flags = {name for name in present if declared[name] == "BOOLEAN"}
    rows = []
    for values in fetched:
        row: dict[str, Any] = dict.fromkeys(names)
        for name, value in zip(present, values):
            row[name] = bool(value) if name in flags and value is not None else value
        rows.append(row)
    return rows


def _plain(value: Any) -> Any:
    """An attribute as a Python value: NULL (a null QVariant) as None."""
    if isinstance(value, QVariant):
        return None if value.isNull() else value.value()
    return value


def unreachable(assignment_uri: str) -> tuple[float, dict[str, float]]:
    """Expected people not reaching a shelter in time, ward and by district, from evacuationroutes' origins."""
    origins = []
    for row in _rows(assignment_uri, ("population", "p_reach", "unreachable", "district")):
        p_reach = row["p_reach"]
        district = row["district"]
        origins.append(
            (
                float(row["population"] or 0.0),
                None if p_reach is None else float(p_reach),
                bool(row["unreachable"]),
                None if district is None else str(district),
            )
        )
    return cmp.unreachable_totals(origins)


def district_values(
    damage_uri: str, fire_uri: str, unreachable_by_district: dict[str, float]
) -> dict[str, dict[str, float]]:
    """Per-district quantities of one run from the district tables of damage and fire spread."""
    damage = _rows(damage_uri, ("district", "collapsed", "deaths", "shelter_need"))
    fire = _rows(fire_uri, ("district", "expected_burned", "fire_deaths", "shelter_residents"))
    return cmp.district_values(damage, fire, unreachable_by_district)


def district_names(source: Any, name_field: str) -> dict[str, tuple[str, str]]:
    """District name -> (Japanese, English) names, from name_ja / name_en fields when the layer has them."""
    fields = source.fields().names()
    out: dict[str, tuple[str, str]] = {}
    for feature in source.getFeatures():
        name = str(feature[name_field])
        ja = str(feature["name_ja"]) if "name_ja" in fields and feature["name_ja"] else name
        en = str(feature["name_en"]) if "name_en" in fields and feature["name_en"] else name
        out[name] = (ja, en)
    return out
