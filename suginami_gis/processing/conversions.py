"""The one place that converts between QGIS layers and the core's arrays and shapely geometries."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeature,
    QgsFeatureRequest,
    QgsFeatureSink,
    QgsField,
    QgsFields,
    QgsGeometry,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeatureSource,
    QgsProcessingParameterDefinition,
    QgsProject,
    QgsRasterLayer,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QVariant

from .aliases import field_alias
from .file_layers import read_columns
from .i18n import plugin_locale, tr
from .values import plain_value, python_column

# JGD2011 / Japan Plane Rectangular CS IX, the plane system of Tokyo: the working CRS of a layer in
# degrees (and the default TARGET_CRS). Every algorithm reads such a layer transformed to it.
DEFAULT_CRS = "EPSG:6677"
# Features handed to a sink at a time (one call into QGIS per batch instead of per feature).
WRITE_BATCH = 5000
# Python types of the core -> QVariant types of output fields.
FIELD_TYPES = {
    float: QVariant.Double,
    int: QVariant.LongLong,
    bool: QVariant.Bool,
    str: QVariant.String,
}


@dataclass
class VectorData:
    """Features of a source as arrays: QGIS feature ids, shapely geometries, attribute columns."""

    ids: np.ndarray
    geometries: np.ndarray  # object array of shapely geometries (None for null geometries)
    attributes: dict[str, list[Any]] = field(default_factory=dict)
    null_geometries: int = 0
    parameter: str = "INPUT"  # the source's parameter key, for error messages
    repaired: int = 0  # geometries made valid after the transform to the working CRS
    transformed: bool = False  # the geometries were transformed to another CRS than the source's

    def __len__(self) -> int:
        return len(self.ids)

    def column(self, name: str, dtype: Any = float, default: Any = None) -> np.ndarray:
        """An attribute as a numpy array; NULLs become ``default`` (NaN for floats)."""
        values = self.attributes[name]
        if dtype is float:
            fill = np.nan if default is None else default
            quick = _numbers(values, fill)
            if quick is not None:
                return quick
            try:
                return np.array([fill if is_null(v) else float(v) for v in values], dtype=np.float64)
            except (TypeError, ValueError):
                bad = next(v for v in values if not is_null(v) and not _is_number(v))
                raise QgsProcessingException(
                    tr("{0}: field '{1}' holds '{2}', which is not a number; choose a numeric field.").format(
                        self.parameter, name, bad
                    )
                ) from None
        if dtype is str:
            if all(v.__class__ is str for v in values):
                return np.array(["" if v == "NULL" else v for v in values], dtype=object)
            return np.array(["" if is_null(v) else str(v) for v in values], dtype=object)
        return np.array([default if is_null(v) else dtype(v) for v in values])


def _numbers(values: list[Any], fill: float) -> np.ndarray | None:
    """A column of Python numbers and NULLs as float64 (NULL -> ``fill``) in one step; None for other values."""
    kinds = set(map(type, values))
    if not kinds <= {float, int, bool, QVariant, type(None)}:
        return None
    if kinds <= {float, int, bool}:
        return np.array(values, dtype=np.float64)
    null = np.fromiter((v is None or (v.__class__ is QVariant and v.isNull()) for v in values), bool, len(values))
    if any(v.__class__ is QVariant and not v.isNull() for v in values):
        return None
    out = np.array([0.0 if n else v for v, n in zip(values, null)], dtype=np.float64)
    out[null] = fill
    return out


def _is_number(value: Any) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


def is_null(value: Any) -> bool:
    return value is None or (isinstance(value, QVariant) and value.isNull()) or str(value) == "NULL"


def require_projected(crs: QgsCoordinateReferenceSystem, parameter: str) -> None:
    if not crs.isValid():
        raise QgsProcessingException(
            tr("{0}: the CRS is not valid; choose a projected CRS such as EPSG:6677.").format(parameter)
        )
    if crs.isGeographic():
        raise QgsProcessingException(
            tr(
                "{0}: {1} is geographic (degrees); choose a projected CRS in metres such as EPSG:6677 (JGD2011 / Japan Plane Rectangular CS IX)."
            ).format(parameter, crs.authid())
        )


def working_crs(
    source: QgsProcessingFeatureSource, parameter: str, feedback: Any = None
) -> QgsCoordinateReferenceSystem:
    """The CRS a layer is worked in: its own when projected, else DEFAULT_CRS (said in the log).

    The one CRS policy of every algorithm: any input CRS is accepted and read_vector transforms it.
    """
    crs = source.sourceCrs()
    if not crs.isValid():
        require_projected(crs, parameter)
    if not crs.isGeographic():
        return crs
    if feedback is not None:
        feedback.pushInfo(
            tr("{0}: {1} is in degrees; its features are transformed to {2} (metres).").format(
                parameter, crs.authid(), DEFAULT_CRS
            )
        )
    return QgsCoordinateReferenceSystem(DEFAULT_CRS)


def repair_geometries(geometries: np.ndarray) -> int:
    """Make invalid polygons valid in place (shapely.make_valid, polygonal parts kept); the count repaired.

    A transform can fold a footprint's nearly collinear vertices into a self-intersection.
    """
    import shapely

    present = np.flatnonzero([g is not None for g in geometries])
    if not len(present):
        return 0
    polygonal = np.isin(shapely.get_type_id(geometries[present]), (3, 6))
    invalid = present[polygonal & ~shapely.is_valid(geometries[present])]
    for i in invalid:
        fixed = shapely.make_valid(geometries[i])
        if fixed.geom_type == "GeometryCollection":
            fixed = shapely.union_all(
                [p for p in shapely.get_parts(fixed) if p.geom_type in ("Polygon", "MultiPolygon")]
            )
        geometries[i] = fixed
    return len(invalid)


def require_fields(source: QgsProcessingFeatureSource, names: list[str | None], parameter: str) -> None:
    available = source.fields().names()
    for name in names:
        if name and name not in available:
            raise QgsProcessingException(
                tr("{0}: field '{1}' is not in the layer (fields: {2}); choose an existing field.").format(
                    parameter, name, ", ".join(available)
                )
            )


def read_vector(
    source: QgsProcessingFeatureSource,
    context: QgsProcessingContext,
    target_crs: QgsCoordinateReferenceSystem | None,
    fields: list[str | None] | tuple[str | None, ...] = (),
    parameter: str = "INPUT",
    feedback: Any = None,
) -> VectorData:
    """Read every feature as shapely geometry (in ``target_crs`` when given) plus the named fields.

    Features keep the layer's own feature ids (``ids``); polygons made invalid by the transform are
    repaired (counted in ``repaired`` and said in the log when ``feedback`` can log).
    """
    require_fields(source, list(fields), parameter)
    # Each field once: the same field may be given twice (e.g. as a shelter's id and its name).
    wanted = list(dict.fromkeys(name for name in fields if name))
    transformed = target_crs is not None and target_crs.isValid() and source.sourceCrs() != target_crs
    fast = None if transformed else read_columns(source, wanted, context)
    if fast is not None:
        ids, geometries, columns, nulls = fast
        if feedback is not None:
            feedback.setProgress(100.0)
        return VectorData(ids, geometries, columns, nulls, parameter, 0, False)
    ids, geometries, columns, nulls = _read_features(
        source, context, target_crs if transformed else None, wanted, feedback
    )
    repaired = repair_geometries(geometries) if transformed else 0
    if repaired and hasattr(feedback, "pushInfo"):
        feedback.pushInfo(
            tr("{0}: {1} geometries were invalid after the transform to {2} and were repaired (make_valid).").format(
                parameter, repaired, target_crs.authid()
            )
        )
    return VectorData(ids, geometries, columns, nulls, parameter, repaired, transformed)


def _read_features(
    source: QgsProcessingFeatureSource,
    context: QgsProcessingContext,
    target_crs: QgsCoordinateReferenceSystem | None,
    wanted: list[str],
    feedback: Any,
) -> tuple[np.ndarray, np.ndarray, dict[str, list[Any]], int]:
    """(ids, shapely geometries, columns, null geometries) through QGIS's feature iterator.

    Only the ``wanted`` fields are fetched, by index (a look-up by name per value was most of the time).
    """
    import shapely

    request = QgsFeatureRequest()
    if target_crs is not None:
        request.setDestinationCrs(target_crs, context.transformContext())
    all_fields = source.fields()
    indices = [all_fields.lookupField(name) for name in wanted]
    if len(indices) < all_fields.count():
        request.setSubsetOfAttributes(indices)
    # Few fields: one call per field; many: all attributes in one call.
    one_by_one = 3 * len(indices) < all_fields.count()
    ids: list[int] = []
    wkbs: list[bytes | None] = []
    rows: list[list[Any]] = []
    total = max(source.featureCount(), 1)
    nulls = 0
    for i, feature in enumerate(source.getFeatures(request)):
        if feedback is not None and i % 5000 == 0:
            if feedback.isCanceled():
                break
            feedback.setProgress(min(100.0, 100.0 * i / total))
        ids.append(feature.id())
        geometry = feature.geometry()
        if geometry is None or geometry.isNull() or geometry.isEmpty():
            wkbs.append(None)
            nulls += 1
        else:
            if QgsWkbTypes.isCurvedType(geometry.wkbType()):  # shapely reads no curves: segmentise them
                geometry = QgsGeometry(geometry.constGet().segmentize())
            wkbs.append(bytes(geometry.asWkb()))
        if indices:
            rows.append([feature.attribute(k) for k in indices] if one_by_one else feature.attributes())
    positions = range(len(indices)) if one_by_one else indices
    columns = {name: [row[k] for row in rows] for name, k in zip(wanted, positions)}
    geometries = np.empty(len(wkbs), dtype=object)
    present = [i for i, w in enumerate(wkbs) if w is not None]
    if present:
        geometries[present] = shapely.from_wkb([wkbs[i] for i in present])
    return np.asarray(ids, dtype=np.int64), geometries, columns, nulls


def make_fields(
    spec: list[tuple[str, type]] | tuple[tuple[str, type], ...], base: QgsFields | None = None
) -> QgsFields:
    language = plugin_locale()
    out = QgsFields(base) if base is not None else QgsFields()
    for name, py_type in spec:
        # No length or precision: doubles keep full precision in every format (probabilities of
        # 1e-4 must not be rounded by a GeoPackage or shapefile writer).
        qgs_field = QgsField(name, FIELD_TYPES[py_type])
        # Japanese aliases when QGIS runs in Japanese, English ones otherwise (resources/data/field_aliases.yaml).
        qgs_field.setAlias(field_alias(name, language) or "")
        out.append(qgs_field)
    return out


def extended_fields(
    fields_in: QgsFields, spec: list[tuple[str, type]] | tuple[tuple[str, type], ...]
) -> tuple[QgsFields, list[str]]:
    """The input's fields except those ``spec`` names, then ``spec``'s; and the names kept.

    A layer that already went through the algorithm gets fresh result fields, not a second set.
    """
    ours = {name for name, _ in spec}
    kept = [name for name in fields_in.names() if name not in ours]
    base = QgsFields()
    for name in kept:
        base.append(fields_in.at(fields_in.lookupField(name)))
    return make_fields(spec, base), kept


def apply_field_aliases(layer: Any) -> int:
    """Give a loaded output layer the aliases of its known fields (file formats do not keep them)."""

    language = plugin_locale()
    count = 0
    for index, qgs_field in enumerate(layer.fields()):
        alias = field_alias(qgs_field.name(), language)
        if alias:
            layer.setFieldAlias(index, alias)
            count += 1
    return count


def finite_or_none(value: float | None) -> float | None:
    return None if value is None or not np.isfinite(value) else float(value)


def is_set(parameters: dict[str, Any], key: str) -> bool:
    """Whether an optional parameter was given (qgis_process passes absent values in several ways)."""
    value = parameters.get(key)
    return value is not None and str(value).strip() not in ("", "NULL", "None")


def field_name(
    alg: Any, parameters: dict[str, Any], key: str, context: QgsProcessingContext, default: str | None = None
) -> str | None:
    """The field chosen in a field parameter, or ``default`` when none is."""
    names = alg.parameterAsFields(parameters, key, context)
    return names[0] if names else default


def advanced(parameter: QgsProcessingParameterDefinition) -> QgsProcessingParameterDefinition:
    """Mark a parameter as advanced (hidden under "Advanced Parameters" in the dialog)."""
    parameter.setFlags(parameter.flags() | QgsProcessingParameterDefinition.FlagAdvanced)
    return parameter


def write_features(
    sink: QgsFeatureSink,
    fields: QgsFields,
    geometries: Any,
    rows: list[list[Any]] | Any,
    feedback: Any = None,
) -> int:
    """Write shapely geometries (or None) with attribute rows to a sink; returns the count written."""
    return _add_features(sink, fields, geometries, ([plain_value(v) for v in row] for row in rows), feedback)


def write_columns(sink: QgsFeatureSink, fields: QgsFields, geometries: Any, columns: Any, feedback: Any = None) -> int:
    """Write shapely geometries (or None) with attribute ``columns`` (one sequence per field) to a sink.

    Values are converted a column at a time (numpy -> Python, NaN -> NULL); returns the count written.
    """
    values = [python_column(column) for column in columns]
    rows = (list(row) for row in zip(*values)) if values else None
    return _add_features(sink, fields, geometries, rows, feedback)


def _add_features(sink: QgsFeatureSink, fields: QgsFields, geometries: Any, rows: Any, feedback: Any) -> int:
    """Features of shapely geometries and attribute lists (``rows``; None: no attributes), added in batches."""
    import shapely

    geometries = np.asarray(geometries, dtype=object)
    wkbs = shapely.to_wkb(geometries, output_dimension=2, include_srid=False) if len(geometries) else []

    def features() -> Iterator[QgsFeature]:
        for wkb, row in zip(wkbs, rows if rows is not None else ([] for _ in wkbs)):
            feature = QgsFeature(fields)
            if wkb is not None:
                geometry = QgsGeometry()
                geometry.fromWkb(wkb)
                feature.setGeometry(geometry)
            feature.setAttributes(row)
            yield feature

    return add_in_batches(sink, features(), feedback)


def add_in_batches(sink: QgsFeatureSink, features: Iterable[QgsFeature], feedback: Any = None) -> int:
    """Add features to a sink WRITE_BATCH at a time (a cancel stops between batches); the count added."""
    written = 0
    batch: list[QgsFeature] = []
    for feature in features:
        batch.append(feature)
        if len(batch) == WRITE_BATCH:
            if feedback is not None and feedback.isCanceled():
                return written
            sink.addFeatures(batch, QgsFeatureSink.FastInsert)
            written += len(batch)
            batch = []
    if batch:
        sink.addFeatures(batch, QgsFeatureSink.FastInsert)
        written += len(batch)
    return written


def point_in_crs(
    point: Any, point_crs: QgsCoordinateReferenceSystem, target_crs: QgsCoordinateReferenceSystem
) -> tuple[float, float]:
    if point_crs.isValid() and point_crs != target_crs:
        point = QgsCoordinateTransform(point_crs, target_crs, QgsProject.instance()).transform(point)
    return float(point.x()), float(point.y())


def raster_file(layer: QgsRasterLayer | None, parameter: str) -> str | None:
    """The file path of a raster layer that rasterio can read (GDAL-provider layers only)."""
    if layer is None:
        return None
    if layer.providerType() != "gdal":
        raise QgsProcessingException(
            tr("{0}: only file-based rasters are supported (save the layer as GeoTIFF first).").format(parameter)
        )
    return layer.source().split("|")[0]


def crs_wkt(crs: QgsCoordinateReferenceSystem) -> str:
    from qgis.core import QgsCoordinateReferenceSystem as Crs

    return crs.toWkt(Crs.WKT_PREFERRED_GDAL)


def holds_source_geometries(source: QgsProcessingFeatureSource, data: VectorData) -> bool:
    """Whether ``data``'s shapely geometries are exactly the source's own (and can be written instead of a copy).

    True when they were read without a transform and the layer's geometries are plain 2D (no curves, Z or M,
    which shapely's WKB would change) and none is null or empty (read_vector makes both None).
    """
    wkb_type = source.wkbType()
    return (
        not data.transformed
        and not data.null_geometries
        and not QgsWkbTypes.isCurvedType(wkb_type)
        and not QgsWkbTypes.hasZ(wkb_type)
        and not QgsWkbTypes.hasM(wkb_type)
    )


def copy_features(sink, fields, source, context, ids, rows, target_crs=None, feedback=None, columns=None) -> int:
    """Write ``rows`` (one per feature id in ``ids``; or ``columns``, one sequence per field) with the source's
    own geometries.

    Geometries are copied from QGIS features (keeping Z, M and curves) instead of being
    rebuilt from shapely, so outputs look exactly like the input layer.
    """
    if columns is None:
        rows = list(rows)
        columns = [list(column) for column in zip(*rows)] if rows else [[] for _ in range(fields.count())]
    values = [python_column(column) for column in columns]
    index = {int(fid): i for i, fid in enumerate(ids)}
    request = QgsFeatureRequest()
    request.setSubsetOfAttributes([])  # only the geometries are copied
    if target_crs is not None and target_crs.isValid() and source.sourceCrs() != target_crs:
        request.setDestinationCrs(target_crs, context.transformContext())

    def features() -> Iterator[QgsFeature]:
        for feature in source.getFeatures(request):
            i = index.get(feature.id())
            if i is None:
                continue
            out = QgsFeature(fields)
            if feature.hasGeometry():
                out.setGeometry(feature.geometry())
            out.setAttributes([column[i] for column in values])
            yield out

    return add_in_batches(sink, features(), feedback)


def as_bool(value: Any, parameter: str) -> bool:
    """Booleans from a field: true/false, 1/0, yes/no, 済/未 and NULL (= not retrofitted)."""
    if value is None or str(value) in ("NULL", ""):
        return False
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "t", "yes", "y", "済", "はい", "1.0"):
        return True
    if text in ("0", "false", "f", "no", "n", "未", "いいえ", "0.0"):
        return False
    raise QgsProcessingException(
        tr("{0}: value '{1}' is not a boolean; use true/false or 1/0.").format(parameter, value)
    )


@dataclass
class OutputWriter:
    """Writes the vector outputs of one run, all in one CRS: fields from a spec, a sink, shapely
    geometries with their values, and the output's style when QGIS loads it."""

    alg: Any  # a SuginamiAlgorithm (parameterAsSink, style_on_load)
    parameters: dict[str, Any]
    context: QgsProcessingContext
    crs: QgsCoordinateReferenceSystem
    feedback: Any

    def write(
        self,
        key: str,
        spec: list[tuple[str, type]] | tuple[tuple[str, type], ...],
        wkb_type: Any,
        geometries: Any,
        values: Any,
        style: str,
    ) -> str | None:
        """Write output ``key``; ``values`` are rows (one per geometry) or columns by field name.

        Returns the destination id, or None for an optional output the user left off.
        """
        fields = make_fields(spec)
        sink, dest_id = self.alg.parameterAsSink(self.parameters, key, self.context, fields, wkb_type, self.crs)
        if sink is None:
            if self.alg.parameterDefinition(key).flags() & QgsProcessingParameterDefinition.FlagOptional:
                return None
            raise QgsProcessingException(self.alg.invalidSinkError(self.parameters, key))
        from . import gpkg_sql

        target = gpkg_sql.rows_target(sink, dest_id, self.context, wkb_type, geometries, spec)
        if target is not None:
            # A GeoPackage output of many features: its rows go in in SQL (processing/gpkg_sql.py), not as
            # QgsFeatures (124,207 routes: about 2.4 s through QGIS).
            gpkg_sql.close_sink(sink)
            del sink  # QGIS's sink is released: its table exists, empty
            names = [name for name, _ in spec]
            columns = [values[name] for name in names] if isinstance(values, dict) else list(zip(*values))
            gpkg_sql.write_rows(target, geometries, names, columns, key)
        elif isinstance(values, dict):
            write_columns(sink, fields, geometries, [values[name] for name, _ in spec], self.feedback)
        else:
            write_features(sink, fields, geometries, values, self.feedback)
        self.alg.style_on_load(self.context, dest_id, style)
        return dest_id


def required_source(
    alg: Any, parameters: dict[str, Any], key: str, context: QgsProcessingContext
) -> QgsProcessingFeatureSource:
    """The source of parameter ``key``; an error naming it when the layer cannot be opened."""
    source = alg.parameterAsSource(parameters, key, context)
    if source is None:
        raise QgsProcessingException(alg.invalidSourceError(parameters, key))
    return source


def non_empty(data: VectorData, message: str) -> VectorData:
    """``data``, or an error with ``message`` when the layer has no features."""
    if len(data) == 0:
        raise QgsProcessingException(message)
    return data


def as_multipolygons(geometries: Any) -> np.ndarray:
    """Polygons (and the polygons of geometry collections) as MultiPolygons, so one layer holds them all."""
    import shapely

    out = np.empty(len(geometries), dtype=object)
    for i, geometry in enumerate(geometries):
        if geometry is not None and geometry.geom_type == "Polygon":
            geometry = shapely.MultiPolygon([geometry])
        elif geometry is not None and geometry.geom_type == "GeometryCollection":
            geometry = shapely.MultiPolygon([p for p in shapely.get_parts(geometry) if p.geom_type == "Polygon"])
        out[i] = geometry
    return out
