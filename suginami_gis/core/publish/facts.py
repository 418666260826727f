"""Scenario facts: the few settings a citizen needs, as data for the web map and as a plain sentence.

The web map's "About this map" and the README describe the scenario from these facts instead of a
dump of processing parameters (issue 15): magnitude, the source's stable key, the epicentre in
longitude/latitude, season, hour, wind speed and, only for a map with mitigation, what was
assumed. Keys of the SCENARIO text of suginami:publicexport (and of suginami:scenario):
MAGNITUDE, SOURCE, EPICENTER ("x,y [EPSG:nnnn]"), SEASON, SCENARIO_HOUR, WIND_SPEED,
RETROFIT_TARGET_RATE, FIREPROOF_TARGET_RATE. Other keys are not published.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from ..errors import InputError
from .profile import Text

FACT_KEYS = (
    "MAGNITUDE",
    "SOURCE",
    "EPICENTER",
    "SEASON",
    "SCENARIO_HOUR",
    "WIND_SPEED",
    "RETROFIT_TARGET_RATE",
    "FIREPROOF_TARGET_RATE",
)
SEASONS = {
    "winter": ("冬", "winter"),
    "summer": ("夏", "summer"),
    "spring": ("春", "spring"),
    "autumn": ("秋", "autumn"),
}
# Tokyo's damage estimate describes its scenarios by these hours (5 early morning, 12 noon, 18 evening).
HOUR_WORDS = {5: ("早朝", "early morning"), 12: ("昼", "noon"), 18: ("夕方", "evening")}
_POINT = re.compile(r"^\s*(-?[0-9.eE+-]+)\s*,\s*(-?[0-9.eE+-]+)\s*(?:\[\s*([^\]]+?)\s*\])?\s*$")
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,40}$")


def _float(value: Any, key: str) -> float:
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise InputError(f"SCENARIO: {key} must be a number, got {value!r}", "SCENARIO") from None
    if not math.isfinite(out):
        raise InputError(f"SCENARIO: {key} must be a finite number", "SCENARIO")
    return out


def epicentre_lonlat(value: Any) -> list[float]:
    """'x,y [EPSG:6677]' (or lon,lat without a CRS) as [lon, lat] rounded to 0.001° (about 100 m)."""
    match = _POINT.match(str(value))
    if match is None:
        raise InputError(f"SCENARIO: EPICENTER must be 'x,y [EPSG:code]', got {value!r}", "SCENARIO")
    x, y = float(match.group(1)), float(match.group(2))
    crs = match.group(3)
    if crs and crs.upper() not in ("EPSG:4326", "OGC:CRS84"):
        import numpy as np

        from .geojson import transform_coords

        lonlat = transform_coords(np.array([[x, y]], dtype=np.float64), crs, "EPSG:4326")
        x, y = float(lonlat[0][0]), float(lonlat[0][1])
    if not (-180 <= x <= 180 and -90 <= y <= 90):
        raise InputError(
            f"SCENARIO: EPICENTER {value!r} is not a longitude/latitude; add its CRS, e.g. [EPSG:6677]", "SCENARIO"
        )
    return [round(x, 3), round(y, 3)]


def scenario_facts(scenario: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The structured facts of a SCENARIO mapping (None when it gives none); mitigation only when assumed."""
    if not scenario:
        return None
    values = {str(k).strip().upper(): v for k, v in scenario.items()}
    if not any(k in values for k in FACT_KEYS):
        return None
    source = values.get("SOURCE")
    if source is not None and not _KEY.match(str(source)):
        raise InputError("SCENARIO: SOURCE must be a key like tokyo_bay_north (lower case, digits, _)", "SCENARIO")
    season = values.get("SEASON")
    if season is not None and str(season).lower() not in SEASONS:
        raise InputError(f"SCENARIO: SEASON must be one of {', '.join(SEASONS)}, got {season!r}", "SCENARIO")
    hour = values.get("SCENARIO_HOUR")
    facts: dict[str, Any] = {
        "magnitude": _float(values["MAGNITUDE"], "MAGNITUDE") if values.get("MAGNITUDE") is not None else None,
        "source": str(source) if source is not None else None,
        "epicentre": epicentre_lonlat(values["EPICENTER"]) if values.get("EPICENTER") not in (None, "") else None,
        "season": str(season).lower() if season is not None else None,
        "hour": int(_float(hour, "SCENARIO_HOUR")) if hour is not None else None,
        "wind_ms": _float(values["WIND_SPEED"], "WIND_SPEED") if values.get("WIND_SPEED") is not None else None,
        "mitigation": None,
    }
    mitigation = {
        name: _float(values[key], key)
        for key, name in (("RETROFIT_TARGET_RATE", "retrofit_rate"), ("FIREPROOF_TARGET_RATE", "fireproof_rate"))
        if values.get(key) is not None
    }
    if mitigation:
        facts["mitigation"] = mitigation
    return facts


def _percent(rate: float) -> str:
    return f"{round(100 * rate, 1):g}%"


def scenario_sentence(facts: Mapping[str, Any] | None) -> Text | None:
    """A plain sentence per language, e.g. 'M7.3 earthquake, winter evening 18:00, wind 8 m/s'."""
    if not facts:
        return None
    ja: list[str] = []
    en: list[str] = []
    if facts.get("magnitude") is not None:
        ja.append(f"マグニチュード{facts['magnitude']:g}の地震")
        en.append(f"M{facts['magnitude']:g} earthquake")
    else:
        ja.append("想定地震")
        en.append("Scenario earthquake")
    when_ja, when_en = [], []
    if facts.get("season"):
        s_ja, s_en = SEASONS[facts["season"]]
        when_ja.append(s_ja)
        when_en.append(s_en)
    if facts.get("hour") is not None:
        h = int(facts["hour"])
        w_ja, w_en = HOUR_WORDS.get(h, ("", ""))
        when_ja.append(f"{w_ja}{h}時")
        when_en.append(f"{w_en} {h:02d}:00".strip())
    if when_ja:
        ja.append("の".join(when_ja))
        en.append(" ".join(when_en))
    if facts.get("wind_ms") is not None:
        ja.append(f"風速{facts['wind_ms']:g}m/s")
        en.append(f"wind {facts['wind_ms']:g} m/s")
    text_ja = "想定: " + "、".join(ja) + "。"
    text_en = "Scenario: " + ", ".join(en) + "."
    mitigation = facts.get("mitigation")
    if mitigation:
        parts_ja, parts_en = [], []
        if "retrofit_rate" in mitigation:
            parts_ja.append(f"耐震化率{_percent(mitigation['retrofit_rate'])}")
            parts_en.append(f"{_percent(mitigation['retrofit_rate'])} of buildings earthquake-resistant")
        if "fireproof_rate" in mitigation:
            parts_ja.append(f"不燃領域率{_percent(mitigation['fireproof_rate'])}")
            parts_en.append(f"a fire-resistant area share of {_percent(mitigation['fireproof_rate'])}")
        text_ja += "対策後の想定: " + "、".join(parts_ja) + "。"
        text_en += " Assumed after mitigation: " + " and ".join(parts_en) + "."
    return Text(text_ja, text_en)
