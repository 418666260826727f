"""What the scenario passes to each child algorithm, in the baseline and the mitigated run.

Values are the scenario's parameters as given, else the scenario's declared defaults (read from
its parameter definitions, which take them from processing/params.py and the core): no default
is restated here. Fields the chain itself creates (p_collapse, intensity, p_block ...) are the
children's output field names.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qgis.core import QgsProcessingAlgorithm

from ..conversions import is_set
from ..inputs.network import OSM_KEYS
from .credits import Credits
from .settings import WARD_DISTRICT_FIELD, Settings, crs_text

# Keys of the scenario's settings that the report and the web map describe (beside SEASON, EXTENT).
DESCRIBED = (
    "EPICENTER",
    "MAGNITUDE",
    "DEPTH",
    "FAULT_TYPE",
    "PIXEL_SIZE",
    "SCENARIO_HOUR",
    "WIND_SPEED",
    "WIND_DIRECTION",
    "RETROFIT_TARGET_RATE",
    "FIREPROOF_TARGET_RATE",
    "REALIZATIONS",
    "SEED",
)
# The fire-prevention levers: (the mitigated run's parameter, the lever's parameter of both runs).
MITIGATED_LEVERS = (
    ("MITIGATED_SEISMIC_BREAKER_RATE", "SEISMIC_BREAKER_RATE"),
    ("MITIGATED_INITIAL_EXTINGUISHMENT", "INITIAL_EXTINGUISHMENT"),
)
# Output fields of building damage, fire spread and road blockage that later steps read.
DAMAGE_FIELDS = {
    "P_COLLAPSE_FIELD": "p_collapse",
    # the JMA intensity of each building, which the ignitions of standing buildings need
    "INTENSITY_FIELD": "intensity",
    # evacuees (Tokyo 2022: half of the half-collapsed) and the median-scenario totals
    "P_HALF_FIELD": "p_half",
    "P_COLLAPSE_MEDIAN_FIELD": "p_collapse_median",
    "INTENSITY_MEDIAN_FIELD": "intensity_median",
}
BLOCKAGE_FIELDS = {"P_COLLAPSE_FIELD": "p_collapse", "P_HALF_FIELD": "p_half", "P_BURN_FIELD": "p_burn"}
BLOCK_FIELD = {"P_BLOCK_FIELD": "p_block"}


# What the report and the web map say, in words, of an optional input left out.
NO_WIFI = (
    "not assessed: no Wi-Fi access points (ACCESS_POINTS) were given / 評価せず（Wi-Fiアクセスポイントの入力なし）"
)
WARD_DISTRICT = (
    "one ward-wide district '{0}' (no DISTRICTS given: the buildings' convex hull) / 区全域を1地区として集計"
)

# What the public web map says of an optional input left out (its DESCRIPTION_JA / DESCRIPTION_EN).
PUBLIC_NO_WIFI = (
    "Wi-Fiの電波到達範囲は評価していません（Wi-Fiアクセスポイントの入力なし）。",
    "Wi-Fi coverage is not assessed: no Wi-Fi access points were given.",
)
PUBLIC_WARD_DISTRICT = (
    "地区の入力がないため、区全域を1地区として集計しています。",
    "No districts were given: results are totalled for one ward-wide district.",
)


@dataclass
class Wiring:
    alg: QgsProcessingAlgorithm
    parameters: dict[str, Any]
    settings: Settings
    credits: Credits | None = None  # municipality, titles, attribution, licence (scenario/credits.py)
    # the ward-wide district layer the chain writes when no DISTRICTS are given
    ward_districts: str | None = None

    def value(self, key: str) -> Any:
        """The parameter as given, else the scenario's declared default."""
        value = self.parameters.get(key)
        return self.alg.parameterDefinition(key).defaultValue() if value is None else value

    def field(self, key: str) -> str | None:
        return self.settings.fields[key]

    def common(self, *keys: str) -> dict[str, Any]:
        return {key: self.value(key) for key in keys}

    def executor(self) -> dict[str, Any]:
        """EXECUTOR for the children with Monte Carlo chunks, when the scenario was given one."""
        return {"EXECUTOR": self.parameters["EXECUTOR"]} if is_set(self.parameters, "EXECUTOR") else {}

    def memory_limit(self) -> dict[str, Any]:
        """MEMORY_LIMIT_GB for the children that estimate their memory, when the scenario was given one."""
        return (
            {"MEMORY_LIMIT_GB": self.parameters["MEMORY_LIMIT_GB"]}
            if is_set(self.parameters, "MEMORY_LIMIT_GB")
            else {}
        )

    # --- the children ----------------------------------------------------------------------------
    def groundmotion(self, pgv: Path, intensity: Path) -> dict[str, Any]:
        out = {
            **self.common("MAGNITUDE", "DEPTH", "FAULT_TYPE", "PIXEL_SIZE", "REALIZATIONS", "SEED"),
            "EXTENT": self.settings.extent,
            "TARGET_CRS": crs_text(self.settings.crs),
            **self.executor(),
            **self.memory_limit(),
            "OUTPUT_PGV": str(pgv),
            "OUTPUT_INTENSITY": str(intensity),
        }
        for key in ("EPICENTER", "FAULT", "AVS30"):
            if is_set(self.parameters, key):
                out[key] = self.parameters[key]
        return out

    def damage(self, intensity: str, mitigated: bool, output: Any, districts: str, summary: str) -> dict[str, Any]:
        out = {
            "BUILDINGS": self.parameters["BUILDINGS"],
            "STRUCTURE_FIELD": self.field("STRUCTURE_FIELD"),
            "YEAR_FIELD": self.field("YEAR_FIELD"),
            "OCCUPANTS_FIELD": self.field("OCCUPANTS_FIELD"),
            "GROUND_MOTION": intensity,
            "GROUND_MOTION_MEASURE": 0,
            **self.common("REALIZATIONS", "SEED", "SCENARIO_HOUR"),
            **self.districts(),
            **self.executor(),
            **self.memory_limit(),
            "OUTPUT": output,
            "OUTPUT_DISTRICTS": districts,
            "OUTPUT_SUMMARY": summary,
        }
        if mitigated:
            out["RETROFIT_TARGET_RATE"] = self.value("RETROFIT_TARGET_RATE")
        return out

    def fire_levers(self, mitigated: bool) -> dict[str, float]:
        """Seismic breaker share and initial extinguishment of a run; the mitigated run's default to the baseline's."""
        out = {key: float(self.value(key)) for _, key in MITIGATED_LEVERS}
        if mitigated:
            for key, lever in MITIGATED_LEVERS:
                if is_set(self.parameters, key):
                    out[lever] = float(self.parameters[key])
        return out

    def fire(
        self, buildings: str, mitigated: bool, output: str, raster: str, districts: str, summary: str
    ) -> dict[str, Any]:
        out = {
            "BUILDINGS": buildings,
            **DAMAGE_FIELDS,
            "OCCUPANTS_FIELD": self.field("OCCUPANTS_FIELD"),
            **self.fire_levers(mitigated),
            "FIRE_RESISTANCE_FIELD": self.field("FIRE_RESISTANCE_FIELD"),
            "FLOORS_FIELD": self.field("FLOORS_FIELD"),
            **self.common("SCENARIO_HOUR", "WIND_SPEED", "WIND_DIRECTION", "REALIZATIONS", "SEED"),
            **self.districts(),
            **self.executor(),
            "OUTPUT": output,
            "OUTPUT_BURN_PROBABILITY": raster,
            "OUTPUT_DISTRICTS": districts,
            "OUTPUT_SUMMARY": summary,
        }
        if mitigated:
            out["FIREPROOF_TARGET_RATE"] = self.value("FIREPROOF_TARGET_RATE")
            if is_set(self.parameters, "FIREPROOF_AREAS"):
                out["FIREPROOF_AREAS"] = self.parameters["FIREPROOF_AREAS"]
                out["FIREPROOF_OPEN_SPACE_FIELD"] = self.field("FIREPROOF_OPEN_SPACE_FIELD")
                # Within the areas the oldest wooden buildings are rebuilt first.
                out["YEAR_FIELD"] = self.field("YEAR_FIELD")
        return out

    def network(self) -> dict[str, Any]:
        osm = {key: self.parameters[key] for key in OSM_KEYS if is_set(self.parameters, key)}
        if set(osm) - {"OSM_CACHE_DAYS"}:
            return osm
        return {
            "ROADS": self.parameters["ROADS"],
            "WIDTH_FIELD": self.field("WIDTH_FIELD"),
            "HIGHWAY_FIELD": self.field("HIGHWAY_FIELD"),
        }

    def blockage(self, buildings: str, output: str) -> dict[str, Any]:
        return {**self.network(), "BUILDINGS": buildings, **BLOCKAGE_FIELDS, "OUTPUT": output}

    def evacuation(self, network: str, origins: str, outputs: dict[str, str]) -> dict[str, Any]:
        return {
            "ROADS": network,
            **BLOCK_FIELD,
            "ORIGINS": origins,
            "ORIGIN_ID_FIELD": self.field("BUILDING_ID_FIELD"),
            "POPULATION_FIELD": self.field("OCCUPANTS_FIELD"),
            **self.districts(),
            **self.shelters(),
            "CAPACITY_FIELD": self.field("CAPACITY_FIELD"),
            "COST": self.value("ROUTE_COST"),
            **self.common("MAX_MINUTES", "REALIZATIONS", "SEED"),
            **self.executor(),
            **outputs,
        }

    def access(self, network: str, output: str) -> dict[str, Any]:
        return {"ROADS": network, **BLOCK_FIELD, **self.shelters(), "COST": self.value("ROUTE_COST"), "OUTPUT": output}

    def wifi(self, rssi: Path, coverage: str, sites: str) -> dict[str, Any]:
        out = {
            "ACCESS_POINTS": self.parameters["ACCESS_POINTS"],
            "EIRP_FIELD": self.field("EIRP_FIELD"),
            "HEIGHT_FIELD": self.field("AP_HEIGHT_FIELD"),
            "FREQUENCY_FIELD": self.field("FREQUENCY_FIELD"),
            "BUILDINGS": self.parameters["BUILDINGS"],
            "BUILDING_HEIGHT_FIELD": self.field("BUILDING_HEIGHT_FIELD"),
            "PIXEL_SIZE": self.value("WIFI_PIXEL_SIZE"),
            **self.memory_limit(),
            "OUTPUT_RSSI": str(rssi),
            "OUTPUT_COVERAGE": coverage,
            "OUTPUT_SITE_STATS": sites,
        }
        if self.settings.sites:
            out["SITES"] = self.parameters["SHELTER_SITES"]
            out["SITE_ID_FIELD"] = self.field("SITE_ID_FIELD")
            out["EVACUEES_FIELD"] = self.field("EVACUEES_FIELD")
        return out

    def export(self, run: str, layers: list[Any], folder: Path) -> dict[str, Any]:
        label_en = "current state" if run == "baseline" else "after mitigation"
        label_ja = "現状" if run == "baseline" else "対策後"
        scenario = "; ".join(f"{k}={v}" for k, v in self.public_facts(run == "mitigated").items())
        out = {
            "LAYERS": layers,
            "TITLE_JA": f"地震被害想定（{label_ja}）",
            "TITLE_EN": f"Earthquake scenario ({label_en})",
            "SCENARIO": scenario.replace("\n", " "),
            "OUTPUT_FOLDER": str(folder),
            "BASEMAP": self.value("BASEMAP"),
        }
        if is_set(self.parameters, "BASEMAP_URL"):
            out["BASEMAP_URL"] = self.parameters["BASEMAP_URL"]
        notes = ([PUBLIC_NO_WIFI] if not self.settings.wifi else []) + (
            [PUBLIC_WARD_DISTRICT] if self.settings.ward_district is not None else []
        )
        if notes:
            out["DESCRIPTION_JA"] = "".join(ja for ja, _ in notes)
            out["DESCRIPTION_EN"] = " ".join(en for _, en in notes)
        if self.credits is not None:
            out["TITLE_JA"], out["TITLE_EN"] = self.credits.titles(label_ja, label_en)
            out["ATTRIBUTION"] = self.credits.attribution
            out["LICENSE"] = self.credits.licence
            out["MUNICIPALITY"] = self.credits.municipality
        return out

    def districts(self) -> dict[str, Any]:
        if self.ward_districts:
            return {"DISTRICTS": self.ward_districts, "DISTRICT_NAME_FIELD": WARD_DISTRICT_FIELD}
        return {"DISTRICTS": self.parameters["DISTRICTS"], "DISTRICT_NAME_FIELD": self.field("DISTRICT_NAME_FIELD")}

    def shelters(self) -> dict[str, Any]:
        return {
            "SHELTERS": self.parameters["SHELTERS"],
            "SHELTER_ID_FIELD": self.field("SHELTER_ID_FIELD"),
            "SHELTER_NAME_FIELD": self.field("SHELTER_NAME_FIELD"),
            **self.common("SHELTER_EARTHQUAKE_ONLY", "SHELTER_MAX_SNAP"),
        }

    # --- what the report and the web map describe ------------------------------------------------------
    def public_facts(self, mitigated: bool) -> dict[str, Any]:
        """The scenario facts a public map states (core/publish/facts.py): magnitude, epicentre, season,
        hour, wind; the mitigation targets only on the mitigated map (the current state assumes none)."""
        keys = ["MAGNITUDE", "SCENARIO_HOUR", "WIND_SPEED"]
        if mitigated:
            keys += ["RETROFIT_TARGET_RATE", "FIREPROOF_TARGET_RATE"]
        out: dict[str, Any] = {"SEASON": "winter"}
        epicentre = _point_text(self.parameters.get("EPICENTER"))
        if epicentre and "[" in epicentre:  # without its CRS the point is not published (no guess)
            out["EPICENTER"] = epicentre
        for key in keys:
            value = self.parameters.get(key) if is_set(self.parameters, key) else self.value(key)
            if isinstance(value, int | float) or (isinstance(value, str) and value.strip()):
                out[key] = value
        return out

    def described(self) -> dict[str, Any]:
        """The scenario's settings as plain values (given or default), for the report and the web map."""
        out: dict[str, Any] = {"SEASON": "winter", "EXTENT": self.settings.extent}
        if self.settings.ward_district is not None:
            out["DISTRICTS"] = WARD_DISTRICT.format(self.settings.ward_district.name_ja)
        if not self.settings.wifi:
            out["WIFI"] = NO_WIFI
        for key in DESCRIBED:
            value = self.parameters.get(key) if is_set(self.parameters, key) else self.value(key)
            if value is not None:
                out[key] = value if isinstance(value, int | float | str) else str(value)
        if self.settings.fireproof_areas:
            out["FIREPROOF_AREAS"] = self.settings.fireproof_areas
            field = self.field("FIREPROOF_OPEN_SPACE_FIELD")
            if field:
                out["FIREPROOF_OPEN_SPACE_FIELD"] = field
        # The fire-prevention levers as used: the mitigated run's values default to the current state's.
        for prefix, mitigated in (("", False), ("MITIGATED_", True)):
            for key, value in self.fire_levers(mitigated).items():
                out[prefix + key] = value
        return out


def _point_text(value: Any) -> str | None:
    """An EPICENTER parameter value as 'x,y [EPSG:code]' (None when not given or not a point)."""
    if isinstance(value, str):
        return value.strip() or None
    if value is not None and callable(getattr(value, "x", None)) and callable(getattr(value, "y", None)):
        crs = value.crs().authid() if callable(getattr(value, "crs", None)) else ""
        return f"{value.x()},{value.y()}" + (f" [{crs}]" if crs else "")
    return None
