"""export_public: one call that writes a complete, privacy-safe public export folder.

The folder is built under a temporary name beside the target and renamed into place only when
everything is written (core/atomic.py), so a failed or cancelled export leaves nothing behind.
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from ..atomic import atomic_folder
from ..errors import InputError
from ..feedback import Feedback, NullFeedback, SubFeedback, check_canceled
from . import gsi_csv
from .aggregate import ZoneLayer, aggregate_features
from .geojson import bounds_of, geometry_type_of, parse_crs, to_rfc7946, write_geojson
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
from .mvt import clean_mbtiles, clean_tile_folder
from .profile import LANGUAGES, FieldSpec, KindSpec, Profile, Text, load_profile
from .rasters import fill_missing_tiles, write_cog, write_png_tiles
from .webmap import WebLayer, check_basemap_url, notice_paragraphs, write_webmap

log = logging.getLogger(__name__)

# Layers with more features than this go to the web map as vector tiles (when a tile writer is
# given): a browser parses a GeoJSON of about 20,000 building footprints (~10 MB) in a second or so.
DEFAULT_VECTOR_TILE_CUTOFF = 20_000
# Zoom levels of vector tiles: 12 shows the whole ward, 16 shows single buildings (the map
# over-zooms beyond).
VECTOR_TILE_MIN_ZOOM = 12
VECTOR_TILE_MAX_ZOOM = 16
GEOPACKAGE_NAME = "layers.gpkg"

# (geometry in, vector tile writer) -> the function the QGIS wrapper passes to write MBTiles and
# XYZ .pbf tiles of one layer: (geojson_path, xyz_folder, mbtiles_path, layer_name, min_zoom, max_zoom).
VectorTileWriter = Callable[[Path, Path, Path, str, int, int], None]


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


def _to_float(value: Any) -> float | None:
    if value is None or isinstance(value, bool | np.bool_):
        return None
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def _round(value: Any, decimals: int | None) -> Any:
    if value is None:
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        v = float(value)
        if not math.isfinite(v):
            return None
        if decimals is None:
            return v
        return round(v) if decimals == 0 else round(v, decimals)
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, str):
        return value
    return str(value)


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
            value = _round(col[i], spec.decimals)
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
    "district_id": FieldSpec("district_id", Text("地区コード", "District code")),
    "district": FieldSpec("district", Text("地区", "District")),
    "segment_id": FieldSpec("segment_id", Text("道路区間ID", "Street segment id")),
    "name_ja": FieldSpec("name_ja", Text("地区名", "District (Japanese)")),
    "name_en": FieldSpec("name_en", Text("地区名（英語）", "District")),
}


def export_public(
    layers: Sequence[VectorLayer | RasterLayer],
    output_folder: str | Path,
    *,
    profile: Profile | str | Path | None = None,
    languages: Sequence[str] = LANGUAGES,
    title_ja: str = "杉並区 地震被害想定マップ",
    title_en: str = "Suginami earthquake scenario map",
    description: Text | None = None,
    attribution: str = "",
    license: str = DEFAULT_LICENSE,
    min_count: int | None = None,
    overwrite: bool = False,
    basemap_url: str | None = None,
    basemap_attribution: str = "",
    vector_tile_cutoff: int = DEFAULT_VECTOR_TILE_CUTOFF,
    vector_tile_writer: VectorTileWriter | None = None,
    scenario: Mapping[str, Any] | None = None,
    districts: ZoneLayer | None = None,
    segments: ZoneLayer | None = None,
    municipality: str = "東京都杉並区",
    generated: datetime | None = None,
    software_version: str | None = None,
    feedback: Feedback | None = None,
) -> ExportResult:
    """Write a public export folder: GeoJSON + GeoPackage, COG + tiles, shelters.csv, metadata, web map.

    Layers whose kind the profile does not cover are skipped with a warning, never exported raw.
    Per-home kinds are aggregated to districts or street segments (``districts``/``segments``, or
    derived from exported district and road-blockage layers) unless the profile allows them.
    Raises InputError for bad arguments (parameter keys as in ``suginami:publicexport``).
    """
    feedback = feedback or NullFeedback()
    prof = profile if isinstance(profile, Profile) else load_profile(profile)
    languages = tuple(dict.fromkeys(languages))
    if not languages or any(lang not in LANGUAGES for lang in languages):
        raise InputError("LANGUAGES must be ja, en or both", "LANGUAGES")
    min_count = prof.min_count if min_count is None else int(min_count)
    if min_count < 1:
        raise InputError("MIN_COUNT must be at least 1", "MIN_COUNT")
    if vector_tile_cutoff < 1:
        raise InputError("the vector-tile cut-off must be a positive number of features", "VECTOR_TILE_CUTOFF")
    if not title_ja.strip() and not title_en.strip():
        raise InputError("give a title in Japanese or English", "TITLE_JA")
    title = Text(title_ja.strip() or title_en.strip(), title_en.strip() or title_ja.strip())
    if not license.strip():
        raise InputError("give a licence, e.g. CC BY 4.0", "LICENSE")
    basemap_url = check_basemap_url(basemap_url)
    target = Path(output_folder).expanduser().resolve()
    _check_output_folder(target, overwrite)
    stamp = (generated or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    generated_text = stamp.isoformat().replace("+00:00", "Z")
    version = software_version or plugin_version()

    result = ExportResult(folder=target, index_html=target / "index.html")

    def warn(message: str) -> None:
        result.warnings.append(message)
        feedback.info(message)
        log.warning(message)

    # ---- classify the layers ----------------------------------------------------------------
    planned: list[tuple[VectorLayer | RasterLayer, KindSpec]] = []
    for layer in layers:
        if isinstance(layer, RasterLayer):
            kind = layer.kind or _detect_raster(prof, layer)
        else:
            gtype = layer.geometry_type or geometry_type_of(layer.geometries)
            if gtype is None:
                result.skipped.append({"layer": layer.name, "reason": "no geometries"})
                warn(f"layer {layer.name!r} has no geometries; skipped")
                continue
            layer.geometry_type = gtype
            kind = layer.kind or prof.detect_vector_kind(list(layer.attributes), gtype)
        spec = prof.kind(kind) if kind else None
        if spec is None:
            reason = (
                f"layer kind {kind!r} is not in the profile"
                if kind
                else "its fields match no layer kind of the profile (see docs/publicexport.md)"
            )
            result.skipped.append({"layer": layer.name, "reason": reason + "; not exported"})
            warn(f"layer {layer.name!r} skipped: {reason}; it is not exported raw")
            continue
        if isinstance(layer, VectorLayer) and spec.geometry == "raster":
            raise InputError(f"layer {layer.name!r} is a vector layer but kind {kind!r} is a raster kind", "LAYERS")
        if isinstance(layer, RasterLayer) and spec.geometry != "raster":
            raise InputError(f"layer {layer.name!r} is a raster but kind {kind!r} is a vector kind", "LAYERS")
        if isinstance(layer, VectorLayer) and layer.geometry_type != spec.geometry:
            raise InputError(
                f"layer {layer.name!r} has {layer.geometry_type} geometries but kind {kind!r} needs {spec.geometry}s",
                "LAYERS",
            )
        planned.append((layer, spec))
    if not planned:
        raise InputError("none of the layers can be published with this profile; nothing to export", "LAYERS")

    # Aggregation zones: given explicitly, or taken from the exported district / road layers.
    for layer, spec in planned:
        if isinstance(layer, VectorLayer):
            zones = _zones_from_layer(layer, spec.kind)
            if zones is not None and zones.kind == "district" and districts is None:
                districts = zones
            if zones is not None and zones.kind == "segment" and segments is None:
                segments = zones

    # Per-home kinds become district polygons or segment lines: choose the zones now.
    zones_for: dict[int, ZoneLayer] = {}
    out_geometry: dict[int, str] = {}
    kept: list[tuple[VectorLayer | RasterLayer, KindSpec]] = []
    for layer, spec in planned:
        out_geometry[id(layer)] = spec.geometry
        if isinstance(layer, VectorLayer) and spec.per_home and not spec.publish_per_home:
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
                result.skipped.append({"layer": layer.name, "reason": reason})
                warn(f"layer {layer.name!r} skipped: {reason}")
                continue
            zones_for[id(layer)] = chosen
            out_geometry[id(layer)] = "polygon" if chosen.kind == "district" else "line"
        kept.append((layer, spec))
    planned = kept
    if not planned:
        raise InputError("none of the layers can be published with this profile; nothing to export", "LAYERS")

    # Drawing order: rasters, polygons, lines, points (input order within each).
    order = {"raster": 0, "polygon": 1, "line": 2, "point": 3}
    planned.sort(key=lambda item: order[out_geometry[id(item[0])]])
    used_ids: dict[str, int] = {}
    web_layers: list[WebLayer] = []
    records: list[LayerRecord] = []
    published: dict[str, list[tuple[np.ndarray, list[dict[str, Any]]]]] = {}
    all_bounds: list[tuple[float, float, float, float]] = []
    shown_geometry: set[str] = set()

    with atomic_folder(target, overwrite=overwrite) as tmp:
        (tmp / "data").mkdir()
        gpkg_path = tmp / "data" / GEOPACKAGE_NAME
        gpkg_written = False
        step = 80.0 / len(planned)
        for index, (layer, spec) in enumerate(planned):
            check_canceled(feedback)
            sub = SubFeedback(feedback, index * step, (index + 1) * step)
            base_id = _slug(spec.kind)
            used_ids[base_id] = used_ids.get(base_id, 0) + 1
            layer_id = base_id if used_ids[base_id] == 1 else f"{base_id}_{used_ids[base_id]}"
            title_text = spec.title
            if used_ids[base_id] > 1:
                title_text = Text(f"{spec.title.ja}（{layer.name}）", f"{spec.title.en} ({layer.name})")
            geometry = out_geometry[id(layer)]
            visible = geometry not in shown_geometry or geometry in ("point", "line")
            shown_geometry.add(geometry)
            feedback.info(f"exporting {layer.name!r} as {spec.kind} ({layer_id})")

            if isinstance(layer, RasterLayer):
                rec, web = _export_raster(tmp, layer, spec, layer_id, title_text, visible, sub)
                records.append(rec)
                web_layers.append(web)
                if web.bounds:
                    all_bounds.append(web.bounds)
                result.layers.append(
                    ExportedLayer(layer_id, spec.kind, layer.name, "raster", None, None, rec.files, [], None, "raster")
                )
                continue

            # ---- vector layer ----
            source_count = len(layer.geometries)
            geometries: Sequence[Any] = layer.geometries
            attributes: Mapping[str, Sequence[Any]] = layer.attributes
            crs = layer.crs
            aggregated_to = None
            field_specs = spec.published_fields()
            legend = spec.published_legend()
            suppress_by: tuple[str, ...] = spec.suppress_by
            if id(layer) in zones_for:
                agg = spec.aggregate
                assert agg is not None  # the profile loader guarantees it
                zones = zones_for[id(layer)]
                aggregated = aggregate_features(
                    layer.geometries,
                    layer.attributes,
                    layer.crs,
                    zones,
                    [(s.name, op, src) for s, op, src in agg.stats],
                    agg.min_overlap,
                )
                geometries, attributes, crs = list(aggregated.geometries), aggregated.columns, aggregated.crs
                aggregated_to = zones.kind
                zone_specs = [_ZONE_FIELD_LABELS[n] for n in aggregated.columns if n in _ZONE_FIELD_LABELS]
                field_specs = (*zone_specs, *field_specs)
                count_name = next(s.name for s, op, _ in agg.stats if op == "count")
                suppress_by = (count_name,)
                feedback.info(
                    f"{layer.name!r}: {source_count} features aggregated into {len(geometries)} {zones.kind}s"
                )

            n = len(geometries)
            rows, names, n_suppressed = filter_properties(attributes, n, field_specs, suppress_by, min_count)
            missing = [f.name for f in field_specs if f.name not in names]
            if missing:
                log.info("layer %r lacks profile fields %s (not exported)", layer.name, ", ".join(missing))
            if n_suppressed:
                feedback.info(
                    f"{layer.name!r}: small counts suppressed in {n_suppressed} feature(s) (MIN_COUNT {min_count})"
                )
            check_canceled(feedback)
            geoms = to_rfc7946(geometries, crs, geometry)
            sub.set_progress(50)
            rel = f"data/{layer_id}.geojson"
            write_geojson(tmp / rel, geoms, rows)
            _write_gpkg_layer(gpkg_path, layer_id, geoms, rows, names, geometry, append=gpkg_written)
            gpkg_written = True
            files = [rel, f"data/{GEOPACKAGE_NAME}"]
            layer_bounds = bounds_of(geoms)
            if layer_bounds:
                all_bounds.append(layer_bounds)
            published.setdefault(spec.kind, []).append((geoms, rows))
            published_fields = [f for f in field_specs if f.name in names]

            web_source, url, source_layer = "geojson", rel, None
            min_zoom = max_zoom = None
            if n > vector_tile_cutoff:
                if vector_tile_writer is not None and layer_bounds is not None:
                    xyz = tmp / "tiles" / layer_id
                    mbtiles = tmp / "data" / f"{layer_id}.mbtiles"
                    vector_tile_writer(tmp / rel, xyz, mbtiles, layer_id, VECTOR_TILE_MIN_ZOOM, VECTOR_TILE_MAX_ZOOM)
                    # QGIS 3.22 can write features that browsers reject (see mvt.py): repair them.
                    repaired = clean_tile_folder(xyz)
                    if mbtiles.exists():
                        repaired.add(clean_mbtiles(mbtiles))
                    if repaired.features_dropped or repaired.parts_dropped:
                        feedback.info(
                            f"{layer.name!r}: vector tiles repaired ({repaired.features_dropped} empty features "
                            f"and {repaired.parts_dropped} degenerate parts removed in {repaired.tiles_changed} tiles)"
                        )
                    fill_missing_tiles(xyz, layer_bounds, VECTOR_TILE_MIN_ZOOM, VECTOR_TILE_MAX_ZOOM, "pbf")
                    web_source, url, source_layer = "vector", f"tiles/{layer_id}/{{z}}/{{x}}/{{y}}.pbf", layer_id
                    min_zoom, max_zoom = VECTOR_TILE_MIN_ZOOM, VECTOR_TILE_MAX_ZOOM
                    if mbtiles.exists():
                        files.append(f"data/{layer_id}.mbtiles")
                else:
                    warn(
                        f"layer {layer.name!r} has {n} features (more than the cut-off {vector_tile_cutoff}) but no "
                        "vector-tile writer is available; the web map loads its GeoJSON, which may be slow"
                    )
            web_layers.append(
                WebLayer(
                    id=layer_id,
                    kind=spec.kind,
                    title=title_text,
                    geometry=geometry,
                    source=web_source,
                    url=url,
                    fields=published_fields,
                    legend=legend,
                    style=spec.style,
                    visible=visible,
                    source_layer=source_layer,
                    min_zoom=min_zoom,
                    max_zoom=max_zoom,
                    bounds=layer_bounds,
                )
            )
            records.append(
                LayerRecord(
                    layer_id,
                    spec.kind,
                    title_text,
                    layer.name,
                    _crs_name(layer.crs),
                    geometry,
                    n,
                    source_count,
                    files,
                    published_fields,
                    aggregated_to,
                    web_source,
                )
            )
            result.layers.append(
                ExportedLayer(
                    layer_id, spec.kind, layer.name, geometry, n, source_count, files, names, aggregated_to, web_source
                )
            )
            sub.set_progress(100)

        check_canceled(feedback)
        # ---- shelters.csv ----
        if "shelters" in published:
            rows_csv, extra = _shelter_rows(published, municipality)
            gsi_csv.write_shelters_csv(tmp / "shelters.csv", rows_csv, extra)
            result.shelters_csv = target / "shelters.csv"
        else:
            warn("no relief-centre (shelters) layer was exported, so shelters.csv is not written")
        feedback.set_progress(85)

        # ---- web map ----
        bounds = _union_bounds(all_bounds)
        aggregated_any = any(r.aggregated_to for r in records)
        lic_url = license_url(license)
        write_webmap(
            tmp,
            web_layers,
            title=title,
            languages=languages,
            notice_paragraphs=notice_paragraphs(
                description, scenario, license, lic_url, attribution, generated_text, min_count, aggregated_any
            ),
            attribution=attribution,
            bounds=bounds,
            basemap_url=basemap_url,
            basemap_attribution=basemap_attribution,
            min_count=min_count,
        )
        feedback.set_progress(92)

        # ---- metadata and README ----
        files_info: dict[str, dict[str, Any]] = {}
        for path in sorted(tmp.rglob("*")):
            rel_path = path.relative_to(tmp).as_posix()
            if path.is_file() and not rel_path.startswith(("tiles/", "vendor/")):
                files_info[rel_path] = {"bytes": path.stat().st_size, "sha256": sha256_of(path)}
        for tiles_dir in sorted((tmp / "tiles").glob("*")) if (tmp / "tiles").exists() else []:
            files_info[f"tiles/{tiles_dir.name}/"] = {"tiles": sum(1 for p in tiles_dir.rglob("*") if p.is_file())}
        metadata = build_metadata(
            title=title,
            description=description,
            scenario=scenario,
            layers=records,
            skipped=result.skipped,
            license_name=license,
            attribution=attribution,
            generated=generated_text,
            software_version=version,
            min_count=min_count,
            profile_source=prof.source,
            files=files_info,
            languages=languages,
        )
        metadata["warnings"] = list(result.warnings)
        write_readmes(tmp, metadata, records, languages)
        write_metadata(tmp, metadata)
        check_canceled(feedback)
    result.metadata_json = target / "metadata.json"
    feedback.set_progress(100)
    feedback.info(f"public export written to {target} (open index.html through a web server)")
    return result


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


def _export_raster(
    tmp: Path, layer: RasterLayer, spec: KindSpec, layer_id: str, title: Text, visible: bool, feedback: Feedback
) -> tuple[LayerRecord, WebLayer]:
    assert spec.legend is not None  # the profile loader guarantees a raster legend
    rel = f"rasters/{layer_id}.tif"
    info = write_cog(layer.path, tmp / rel, spec.band, description=spec.title.en)
    tiles = write_png_tiles(
        layer.path, tmp / "tiles" / layer_id, f"tiles/{layer_id}", spec.legend, spec.band, feedback=feedback
    )
    record = LayerRecord(
        layer_id,
        spec.kind,
        title,
        layer.name,
        _crs_name(info.crs_wkt),
        "raster",
        None,
        None,
        [rel, f"tiles/{layer_id}/"],
        [],
    )
    record.web_source = "raster"
    web = WebLayer(
        id=layer_id,
        kind=spec.kind,
        title=title,
        geometry="raster",
        source="raster",
        url=tiles.url_template,
        fields=[],
        legend=spec.legend,
        style=spec.style,
        visible=visible,
        min_zoom=tiles.min_zoom,
        max_zoom=tiles.max_zoom,
        bounds=tiles.bounds,
    )
    return record, web


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
            key = props.get("shelter_id", f"#{len(order) + i}")
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
        csv_row.setdefault("都道府県名及び市町村名", municipality)
        csv_row["施設・場所名"] = row.get("施設・場所名") or row.get("name_ja") or row.get("name_en")
        if "_point" in row:
            csv_row["経度"], csv_row["緯度"] = row["_point"]
        csv_row[gsi_csv.CAPACITY_COLUMN] = row.get("capacity")
        assigned = row.get("assigned_population")
        csv_row[gsi_csv.ASSIGNED_COLUMN] = assigned if assigned is not None else row.get("assigned")
        csv_row[gsi_csv.OVERFLOW_COLUMN] = row.get("overflow")
        for t in sorted(thresholds, reverse=True):
            shares = wifi.get(row.get("shelter_id"), {}).get(t)
            csv_row[gsi_csv.wifi_column(t)] = round(100.0 * sum(shares) / len(shares), 1) if shares else None
        out.append(csv_row)
    return out, extra
