"""A plain GeoPackage layer read straight with pyogrio: the same features as QGIS's iterator, read column-wise.

QGIS's feature iterator converts every attribute of every feature to a Python object one call at a time; on
the ward (124,207 footprints, 18 fields) that took 9 s per read, and each scenario run reads the buildings
several times. pyogrio reads the same file (GDAL, column-wise, in C) in well under a second.

The fast path is taken only where it gives exactly what QGIS's iterator gives, else read_vector falls back:
- the parameter is a GeoPackage layer of QGIS's OGR provider, without subset string, edits, joins or virtual
  fields; a QgsProcessingFeatureSourceDefinition must not limit features (selection, feature limit, filter)
  nor override the geometry check;
- no CRS transform is needed; the layer's geometry type is not curved;
- every field read is a string, integer, real or boolean field (QGIS's values: str, int, float, bool, and
  QVariant NULL for NULL);
- with an invalid-geometry check in the context (skip or abort), every geometry is valid (GEOS, as QGIS checks).
Feature ids are the GeoPackage fids, as QGIS's; single parts of a multi-part layer are made multi-part, as
QGIS's OGR provider does.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from qgis.core import (
    QgsFeatureRequest,
    QgsFields,
    QgsProcessingContext,
    QgsProcessingFeatureSourceDefinition,
    QgsProviderRegistry,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QVariant

from ..core import memo

# The attribute a tagged QgsProcessingFeatureSource carries (set by SuginamiAlgorithm.parameterAsSource).
TAG = "_suginami_plain_file"
# QGIS field types whose values the fast path reproduces exactly.
_TYPES = (QVariant.String, QVariant.Int, QVariant.LongLong, QVariant.Double, QVariant.Bool)
# Integers held exactly by a float64 (pyogrio returns an integer column with NULLs as float64).
_EXACT_INT = 2**53


@dataclass(frozen=True)
class PlainFile:
    """Where a source's features are: a GeoPackage layer QGIS reads without changing anything."""

    path: str
    layer: str | int | None
    multi: bool  # QGIS's OGR provider makes single parts multi-part in a multi-part layer
    fields: QgsFields
    fid_column: str | None  # the field QGIS shows the GeoPackage fid in


def plain_file(alg: Any, parameters: dict[str, Any], name: str, context: QgsProcessingContext) -> PlainFile | None:
    """The GeoPackage layer of parameter ``name`` when QGIS reads it unchanged, else None."""
    value = parameters.get(name)
    if isinstance(value, QgsProcessingFeatureSourceDefinition):
        if value.selectedFeaturesOnly or value.featureLimit != -1 or getattr(value, "filterExpression", ""):
            return None
        if value.flags & QgsProcessingFeatureSourceDefinition.FlagOverrideDefaultGeometryCheck:
            return None
    try:
        layer = alg.parameterAsVectorLayer(parameters, name, context)
    except Exception:
        return None
    if layer is None or layer.providerType() != "ogr" or layer.subsetString() or layer.isEditable():
        return None
    if layer.vectorJoins() or QgsWkbTypes.isCurvedType(layer.wkbType()):
        return None
    fields = layer.fields()
    if any(fields.fieldOrigin(i) != QgsFields.OriginProvider for i in range(fields.count())):
        return None
    provider = layer.dataProvider()
    if provider is None or provider.storageType() != "GPKG":
        return None
    parts = QgsProviderRegistry.instance().decodeUri("ogr", layer.source())
    path = parts.get("path")
    if not path or parts.get("subset") or not str(path).lower().endswith(".gpkg"):
        return None
    layer_name = parts.get("layerName") or None
    layer_id = parts.get("layerId")
    which = layer_name if layer_name else (int(layer_id) if layer_id not in (None, "") else None)
    keys = provider.pkAttributeIndexes()
    fid_column = fields.at(keys[0]).name() if len(keys) == 1 else None
    return PlainFile(str(path), which, QgsWkbTypes.isMultiType(layer.wkbType()), QgsFields(fields), fid_column)


def tag(source: Any, plain: PlainFile | None) -> None:
    """Remember on ``source`` the file it reads (read_vector then reads that file with pyogrio)."""
    if source is not None and plain is not None:
        setattr(source, TAG, plain)


def read_columns(
    source: Any, wanted: list[str], context: QgsProcessingContext
) -> tuple[np.ndarray, np.ndarray, dict[str, list[Any]], int] | None:
    """(ids, shapely geometries, columns, null geometries) of a tagged source, or None to read it through QGIS."""
    plain: PlainFile | None = getattr(source, TAG, None)
    if plain is None:
        return None
    try:
        import pyogrio
        import shapely
    except ImportError:
        return None
    fields = source.fields()
    if fields.names() != plain.fields.names():
        return None
    exact = {name: fields.at(fields.lookupField(name)) for name in wanted}
    if any(f.type() not in _TYPES for f in exact.values()):
        return None
    fid_column = plain.fid_column
    columns_read = [f.name() for f in exact.values() if f.name() != fid_column]
    table = _table_key(plain)
    known = memo.kept(GEOMETRIES, (*_root(table), plain.multi)) if table is not None else None
    started = time.perf_counter()
    try:
        meta, fids, wkbs, data = pyogrio.raw.read(
            plain.path, layer=plain.layer, columns=columns_read, return_fids=True, read_geometry=known is None
        )
        if known is not None and np.array_equal(np.asarray(fids, dtype=np.int64), known[0]):
            geometries = known[1].copy()  # the same table's or its copy's geometries, read before (fid for fid)
        else:
            if known is not None:
                _, _, wkbs, _ = pyogrio.raw.read(plain.path, layer=plain.layer, columns=[], return_fids=False)
            geometries = _geometries(shapely, wkbs, plain.multi)
            if geometries is not None and table is not None:
                ids_read = np.asarray(fids, dtype=np.int64)
                seconds = time.perf_counter() - started
                memo.keep(GEOMETRIES, (*_root(table), plain.multi), (ids_read, geometries.copy()), seconds)
    except Exception:
        return None
    if geometries is None or not _passes_geometry_check(shapely, geometries, context):
        return None
    ids = np.asarray(fids, dtype=np.int64)
    by_name = dict(zip(meta["fields"], data))  # in the layer's order, not the order asked for
    columns: dict[str, list[Any]] = {}
    for name, qgs_field in exact.items():
        if qgs_field.name() != fid_column and qgs_field.name() not in by_name:
            return None
        values = ids if qgs_field.name() == fid_column else by_name[qgs_field.name()]
        converted = _qgis_values(values, qgs_field.type())
        if converted is None:
            return None
        columns[name] = converted
    nulls = int(sum(g is None for g in geometries))
    return ids, geometries, columns, nulls


# --- geometries read once per scenario ------------------------------------------------------------------
# Inside the scenario (core/memo.shared) the geometries of a table are kept after their first read, under
# the table they were first written to: the damage and fire outputs are their input's rows copied in SQL
# (gpkg_sql.extend_table, which calls same_geometries), so the later steps of a run (fire, road blockage,
# evacuation routes) read only the columns they want and take the kept geometries, for the same fids.
GEOMETRIES = "footprint geometries of a GeoPackage table"
_ALIAS = "GeoPackage table whose geometries another table copies"


def _table_key(plain: PlainFile) -> tuple[str, str] | None:
    """(resolved path, table name) of a plain file's layer; None when its table has no name here."""
    import os

    if isinstance(plain.layer, str):
        return os.path.realpath(plain.path), plain.layer
    if plain.layer is None:
        try:
            import pyogrio

            names = pyogrio.list_layers(plain.path)
        except Exception:
            return None
        return (os.path.realpath(plain.path), str(names[0][0])) if len(names) == 1 else None
    return None


def _root(table: tuple[str, str]) -> tuple[str, str]:
    """The table whose geometries ``table`` copies (itself when none)."""
    found = memo.kept(_ALIAS, table, count=False)
    return tuple(found) if found is not None else table  # type: ignore[return-value]


def same_geometries(path: str, table: str, source_path: str, source_table: str) -> None:
    """Inside the scenario: GeoPackage table ``table`` of ``path`` holds the geometries of ``source_table``
    of ``source_path`` under the same fids (all its rows copied in SQL), so a read of either takes the
    geometries kept from a read of the other."""
    import os

    memo.keep(_ALIAS, (os.path.realpath(path), table), _root((os.path.realpath(source_path), source_table)))


def moved(old: Any, new: Any) -> None:
    """GeoPackage ``old`` moved to ``new`` (a staged output put into place): its tables keep what
    same_geometries said of them."""
    import os

    if not memo.active() or not str(new).lower().endswith(".gpkg"):
        return
    try:
        import pyogrio

        names = [str(row[0]) for row in pyogrio.list_layers(str(new))]
    except Exception:
        return
    for name in names:
        root = memo.kept(_ALIAS, (os.path.realpath(old), name), count=False)
        if root is not None:
            memo.keep(_ALIAS, (os.path.realpath(new), name), root)


def _geometries(shapely: Any, wkbs: np.ndarray, multi: bool) -> np.ndarray | None:
    """Shapely geometries of GDAL's WKB as QGIS gives them: None for null or empty, multi-part in a multi layer."""
    geometries = np.empty(len(wkbs), dtype=object)
    present = np.flatnonzero([w is not None for w in wkbs])
    if len(present):
        parsed = shapely.from_wkb(wkbs[present])
        if np.isin(shapely.get_type_id(parsed), (0, 1, 3, 4, 5, 6), invert=True).any():
            return None  # collections (and anything QGIS might read otherwise): QGIS's path
        keep = ~shapely.is_empty(parsed)
        geometries[present[keep]] = parsed[keep]
    if multi:
        types = shapely.get_type_id(geometries)  # -1 for None
        for single, make in ((0, shapely.multipoints), (1, shapely.multilinestrings), (3, shapely.multipolygons)):
            which = np.flatnonzero(types == single)
            if len(which):
                geometries[which] = make(geometries[which], indices=np.arange(len(which)))
    return geometries


def _passes_geometry_check(shapely: Any, geometries: np.ndarray, context: QgsProcessingContext) -> bool:
    """Whether QGIS's invalid-geometry check (skip or abort) would let every feature through unchanged."""
    if context.invalidGeometryCheck() == QgsFeatureRequest.GeometryNoCheck:
        return True
    present = [g for g in geometries if g is not None]
    return bool(np.all(shapely.is_valid(np.asarray(present, dtype=object)))) if present else True


def _qgis_values(values: np.ndarray, qgs_type: int) -> list[Any] | None:
    """A pyogrio column as QGIS's values (str, int, float, bool; QVariant NULL for NULL), or None if unsure."""
    from qgis.core import NULL

    values = np.asarray(values)
    if values.dtype == object:
        if qgs_type != QVariant.String:
            return None
        return [NULL if v is None else v for v in values.tolist()]
    if values.dtype.kind == "f":
        missing = np.isnan(values)
        if qgs_type == QVariant.Double:
            out = values.astype(np.float64).tolist()
        elif qgs_type in (QVariant.Int, QVariant.LongLong):
            present = values[~missing]
            if len(present) and (np.abs(present).max() >= _EXACT_INT or (present != np.round(present)).any()):
                return None
            out = np.where(missing, 0, values).astype(np.int64).tolist()
        elif qgs_type == QVariant.Bool:
            out = (np.where(missing, 0, values) != 0).tolist()
        else:
            return None
        for i in np.flatnonzero(missing):
            out[i] = NULL
        return out
    if values.dtype.kind in "iu":
        if qgs_type == QVariant.Double:
            return values.astype(np.float64).tolist()
        if qgs_type == QVariant.Bool:
            return (values != 0).tolist()
        return values.astype(np.int64).tolist() if qgs_type in (QVariant.Int, QVariant.LongLong) else None
    if values.dtype.kind == "b":
        return values.tolist() if qgs_type == QVariant.Bool else None
    return None
