"""Checks of the scenario's inputs before any step runs, and what they settle (CRS, fields, extent)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeatureRequest,
    QgsProcessingAlgorithm,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeatureSource,
    QgsProcessingParameterField,
    QgsRectangle,
)

from ...core import gsi_shelters as gsi
from ...core.atomic import check_replaceable
from ..conversions import is_set, read_vector, required_source, working_crs
from ..i18n import tr

GPKG_NAME = "scenario.gpkg"
# Scenario hours with cited coefficients in both building damage and fire (Tokyo 2022, winter).
SCENARIO_HOURS = (5, 12, 18)
# Without an EXTENT the ground motion covers the buildings plus this margin (m).
EXTENT_MARGIN_M = 500.0
# Layers the scenario needs with at least one feature (beside BUILDINGS, and ROADS or OSM_FILE).
REQUIRED_LAYERS = ("SHELTERS",)
# Layers it runs without: no DISTRICTS -> one ward-wide district (WARD_DISTRICT); no ACCESS_POINTS ->
# the Wi-Fi step is skipped (SHELTER_SITES are only its per-site statistics), said in the report.
OPTIONAL_LAYERS = ("DISTRICTS", "ACCESS_POINTS", "SHELTER_SITES")
# The name field of the ward-wide district the scenario makes when no DISTRICTS are given.
WARD_DISTRICT_FIELD = "name_ja"
# The field parameters of each layer parameter.
LAYER_FIELDS: dict[str, tuple[str, ...]] = {
    "BUILDINGS": (
        "BUILDING_ID_FIELD",
        "STRUCTURE_FIELD",
        "YEAR_FIELD",
        "OCCUPANTS_FIELD",
        "FIRE_RESISTANCE_FIELD",
        "FLOORS_FIELD",
        "BUILDING_HEIGHT_FIELD",
    ),
    "ROADS": ("WIDTH_FIELD", "HIGHWAY_FIELD"),
    "SHELTERS": ("SHELTER_ID_FIELD", "SHELTER_NAME_FIELD", "CAPACITY_FIELD"),
    "SHELTER_SITES": ("SITE_ID_FIELD", "EVACUEES_FIELD"),
    "ACCESS_POINTS": ("EIRP_FIELD", "AP_HEIGHT_FIELD", "FREQUENCY_FIELD"),
    "DISTRICTS": ("DISTRICT_NAME_FIELD",),
    "FIREPROOF_AREAS": ("FIREPROOF_OPEN_SPACE_FIELD",),
}
# Field parameters without which no step can run.
REQUIRED_FIELDS = {"STRUCTURE_FIELD", "YEAR_FIELD", "FIRE_RESISTANCE_FIELD", "DISTRICT_NAME_FIELD"}


@dataclass(frozen=True)
class Settings:
    """What the input checks settle, read by the wiring, the packaging and the report."""

    crs: QgsCoordinateReferenceSystem
    fields: dict[str, str | None]  # field parameter -> field name (None: not given or layer absent)
    folder: Path
    extent: str  # the ground-motion extent as "xmin,xmax,ymin,ymax [CRS]"
    fireproof_areas: str | None  # "<layer> (<n> areas)" when FIREPROOF_AREAS is given
    wifi: bool = True  # ACCESS_POINTS given: the Wi-Fi step runs
    sites: bool = True  # SHELTER_SITES given
    ward_district: WardDistrict | None = None  # made when no DISTRICTS are given


@dataclass(frozen=True)
class WardDistrict:
    """The one district of a scenario run without DISTRICTS: the convex hull of the buildings."""

    name_ja: str
    name_en: str
    wkt: str  # in Settings.crs


def named_after_municipality(settings: Settings, municipality: str) -> Settings:
    """The ward-wide district named after the municipality the data name, when MUNICIPALITY was not given."""
    district = settings.ward_district
    if district is None or not municipality or district.name_ja != "区全域":
        return settings
    return replace(settings, ward_district=WardDistrict(municipality, municipality, district.wkt))


def ward_district(
    buildings: QgsProcessingFeatureSource, crs: QgsCoordinateReferenceSystem, municipality: str, context: Any
) -> WardDistrict:
    """The buildings' convex hull (plus 1 m, so every footprint lies inside), named after the municipality."""
    import shapely

    data = read_vector(buildings, context, crs, ())
    present = [g for g in data.geometries if g is not None]
    hull = shapely.convex_hull(shapely.GeometryCollection(present)).buffer(1.0)
    return WardDistrict(municipality or "区全域", municipality or "Whole ward", hull.wkt)


def field_choices(alg: QgsProcessingAlgorithm, parameters: dict[str, Any]) -> dict[str, str | None]:
    """Every field parameter's field: the one given, else the parameter's default (the sample ward's name)."""
    out: dict[str, str | None] = {}
    for definition in alg.parameterDefinitions():
        if isinstance(definition, QgsProcessingParameterField):
            value = parameters.get(definition.name())
            if value in (None, "") and definition.name() not in parameters:
                value = definition.defaultValue()
            if isinstance(value, list | tuple):
                value = value[0] if value else None
            out[definition.name()] = str(value) if value not in (None, "", "NULL") else None
    return out


def check_inputs(alg: QgsProcessingAlgorithm, parameters: dict[str, Any], context: QgsProcessingContext) -> Settings:
    """Refuse, naming the parameter and the fix, what would make a step fail later."""
    sources = _layers(alg, parameters, context)
    buildings = sources["BUILDINGS"]
    crs = working_crs(buildings, "BUILDINGS")
    hour = alg.parameterAsInt(parameters, "SCENARIO_HOUR", context)
    if hour not in SCENARIO_HOURS:
        raise QgsProcessingException(
            tr("SCENARIO_HOUR: {0} is not one of Tokyo's scenario hours 5, 12 or 18.").format(hour)
        )
    if parameters.get("EPICENTER") in (None, "") and alg.parameterAsSource(parameters, "FAULT", context) is None:
        raise QgsProcessingException(tr("EPICENTER: give an epicentre point or a FAULT trace."))
    folder = alg.parameterAsString(parameters, "OUTPUT_FOLDER", context)
    if not folder:
        raise QgsProcessingException(tr("OUTPUT_FOLDER: choose a folder for the results."))
    areas = sources.get("FIREPROOF_AREAS")
    municipality = str(parameters.get("MUNICIPALITY") or "").strip() if is_set(parameters, "MUNICIPALITY") else ""
    return Settings(
        crs=crs,
        fields=_fields(alg, parameters, sources),
        folder=Path(folder).expanduser().resolve(),
        extent=_extent(alg, parameters, context, buildings, crs),
        fireproof_areas=f"{areas.sourceName()} ({areas.featureCount()} areas)" if areas is not None else None,
        wifi="ACCESS_POINTS" in sources,
        sites="SHELTER_SITES" in sources,
        ward_district=None if "DISTRICTS" in sources else ward_district(buildings, crs, municipality, context),
    )


def _layers(
    alg: QgsProcessingAlgorithm, parameters: dict[str, Any], context: QgsProcessingContext
) -> dict[str, QgsProcessingFeatureSource]:
    """The given layers by parameter: the required ones, the optional ones given, not empty; ROADS or OSM_FILE / OSM area."""
    buildings = required_source(alg, parameters, "BUILDINGS", context)
    sources = {"BUILDINGS": buildings}
    for key in REQUIRED_LAYERS:
        sources[key] = _not_empty(required_source(alg, parameters, key, context), key)
    for key in OPTIONAL_LAYERS:
        if is_set(parameters, key):
            sources[key] = _not_empty(required_source(alg, parameters, key, context), key)
    _not_empty(buildings, "BUILDINGS")
    roads = alg.parameterAsSource(parameters, "ROADS", context)
    osm = alg.parameterAsFile(parameters, "OSM_FILE", context)
    osm_area = is_set(parameters, "OSM_AREA") or is_set(parameters, "OSM_EXTENT")
    if roads is None and not osm and not osm_area:
        raise QgsProcessingException(tr("ROADS: give a street layer, an OSM_FILE or an OSM_AREA / OSM_EXTENT."))
    if roads is not None and (osm or osm_area):
        raise QgsProcessingException(tr("ROADS and OSM_FILE: give one of them, not both."))
    if roads is not None:
        sources["ROADS"] = roads
    areas = alg.parameterAsSource(parameters, "FIREPROOF_AREAS", context)
    if areas is not None:
        sources["FIREPROOF_AREAS"] = _not_empty(areas, "FIREPROOF_AREAS")
    if osm and not Path(osm).is_file():
        raise QgsProcessingException(tr("OSM_FILE: {0} does not exist.").format(osm))
    return sources


def _not_empty(source: QgsProcessingFeatureSource, key: str) -> QgsProcessingFeatureSource:
    # One feature asked for, not the count: QGIS 3.22 counts a GeoPackage in WAL mode (as QGIS writes them)
    # on a connection without locks, where SQLite answered "unable to open database file"; the check still
    # passed, so it did not look at the layer at all.
    request = QgsFeatureRequest().setLimit(1).setNoAttributes().setFlags(QgsFeatureRequest.NoGeometry)
    if next(iter(source.getFeatures(request)), None) is None:
        raise QgsProcessingException(tr("{0}: the layer has no features.").format(key))
    return source


def _gsi_shelter_fields(
    parameters: dict[str, Any], sources: dict[str, QgsProcessingFeatureSource], chosen: dict[str, str | None]
) -> None:
    """A GSI shelter list (共通ID, 施設・場所名) without the sample's field names: the reader's GSI defaults."""
    shelters = sources.get("SHELTERS")
    if shelters is None or not gsi.is_gsi(shelters.fields().names()):
        return
    for key in LAYER_FIELDS["SHELTERS"]:
        if key not in parameters and chosen.get(key) and shelters.fields().lookupField(chosen[key]) < 0:
            chosen[key] = None


def _fields(
    alg: QgsProcessingAlgorithm, parameters: dict[str, Any], sources: dict[str, QgsProcessingFeatureSource]
) -> dict[str, str | None]:
    """Field names by field parameter, each checked against its layer; None where the layer is absent."""
    chosen = field_choices(alg, parameters)
    _gsi_shelter_fields(parameters, sources, chosen)
    names: dict[str, str | None] = {}
    for layer_key, keys in LAYER_FIELDS.items():
        source = sources.get(layer_key)
        for key in keys:
            name = chosen.get(key)
            if name is None and key in REQUIRED_FIELDS and (source is not None or layer_key not in OPTIONAL_LAYERS):
                raise QgsProcessingException(tr("{0}: choose a field of {1}.").format(key, layer_key))
            if source is not None and name and source.fields().lookupField(name) < 0:
                raise QgsProcessingException(
                    tr("{0}: field '{1}' is not in {2} (fields: {3}); choose an existing field.").format(
                        key, name, layer_key, ", ".join(source.fields().names())
                    )
                )
            names[key] = name if source is not None else None
    return names


def crs_text(crs: QgsCoordinateReferenceSystem) -> str:
    return crs.authid() or crs.toWkt()


def _extent(
    alg: QgsProcessingAlgorithm,
    parameters: dict[str, Any],
    context: QgsProcessingContext,
    buildings: QgsProcessingFeatureSource,
    crs: QgsCoordinateReferenceSystem,
) -> str:
    if is_set(parameters, "EXTENT"):
        rect = alg.parameterAsExtent(parameters, "EXTENT", context, crs)
        if rect.isNull() or rect.isEmpty():
            raise QgsProcessingException(tr("EXTENT: the extent is empty; draw or choose a non-empty extent."))
    else:
        rect = QgsRectangle(buildings.sourceExtent())
        if buildings.sourceCrs() != crs:
            transform = QgsCoordinateTransform(buildings.sourceCrs(), crs, context.transformContext())
            rect = transform.transformBoundingBox(rect)
        rect.grow(EXTENT_MARGIN_M)
    return f"{rect.xMinimum()!r},{rect.xMaximum()!r},{rect.yMinimum()!r},{rect.yMaximum()!r} [{crs_text(crs)}]"


def check_folder(target: Path, overwrite: bool) -> None:
    """An existing folder is replaced only when OVERWRITE is set and it is empty or was written by this plugin."""
    if not target.exists():
        return
    if not target.is_dir():
        raise QgsProcessingException(tr("OUTPUT_FOLDER: {0} is a file; choose a folder.").format(target))
    if not any(target.iterdir()):
        return
    if not overwrite:
        raise QgsProcessingException(
            tr("OUTPUT_FOLDER: {0} exists and is not empty; choose a new folder or set OVERWRITE.").format(target)
        )
    check_replaceable(target)  # only a folder this plugin wrote, holding nothing else
