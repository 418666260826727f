"""GeoPackage tables filled in SQL, row for row as stored, instead of feature by feature through QGIS.

Three writers use it:
- the scenario copies the mitigated run's tables from the worker's GeoPackage (scenario/concurrent.py);
- an output that is its input table plus new columns (the buildings of suginami:buildingdamage and
  suginami:firespread) is the input's rows, copied in one INSERT ... SELECT, joined with the new columns;
- a new output of many features (the routes and origins of suginami:evacuationroutes, through
  conversions.OutputWriter) is QGIS's empty table filled from a temporary SQLite file holding the
  geometry blobs, the bounds and the values as QGIS's writer stores them.

All go through GDAL's own connection, which has the GeoPackage's SQL functions that its triggers call.
A table's triggers (spatial index, feature count) are set aside while its rows go in; its spatial index
is copied as stored from the source's when both have the same node size (the same geometries under the
same fids have the same index), else filled from the new rows; the feature count and the extent come
from the source (or the new rows). On the ward, writing 124,207 buildings with 33 fields through QGIS
took 3-5 s; the copy takes about one.
"""

from __future__ import annotations

import contextlib
import sqlite3
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .values import python_column

# The schema name the source GeoPackage is attached as.
SOURCE = "source"


def sql_text(text: str) -> str:
    """``text`` inside single quotes."""
    return text.replace("'", "''")


def quoted(name: str) -> str:
    """``name`` as an SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def rows(target: Any, sql: str) -> list[tuple]:
    """The rows of a query run through GDAL's connection (which has the GeoPackage's SQL functions)."""
    layer = target.ExecuteSQL(sql)
    if layer is None:
        return []
    try:
        return [tuple(feature.GetField(i) for i in range(feature.GetFieldCount())) for feature in layer]
    finally:
        target.ReleaseResultSet(layer)


@contextlib.contextmanager
def attached(target: Any, path: str | Path, schema: str = SOURCE) -> Iterator[None]:
    """GeoPackage (or SQLite file) ``path`` attached to ``target``'s connection as ``schema`` while the block runs."""
    target.ExecuteSQL(f"ATTACH DATABASE '{sql_text(str(path))}' AS {schema}")
    try:
        yield
    finally:
        target.ExecuteSQL(f"DETACH DATABASE {schema}")


def columns_of(target: Any, schema: str, table: str) -> list[str]:
    return [row[1] for row in rows(target, f"PRAGMA {schema}.table_info({quoted(table)})")]


def geometry_column(target: Any, schema: str, table: str) -> tuple[str, int] | None:
    """(column, srs_id) of a GeoPackage table's geometry, or None without one."""
    found = rows(
        target,
        f"SELECT column_name, srs_id FROM {schema}.gpkg_geometry_columns WHERE table_name = '{sql_text(table)}'",
    )
    return (str(found[0][0]), int(found[0][1])) if found else None


def fill_table(
    target: Any, name: str, insert_sql: str, fill_index: Callable[[str], None], set_counts: Callable[[], None]
) -> None:
    """Run ``insert_sql`` (filling main.``name``) with the table's triggers set aside; then ``fill_index``
    for each of its spatial indexes (their table names) and ``set_counts`` (feature count and extent), all
    in one transaction."""
    triggers = rows(
        target, f"SELECT name, sql FROM main.sqlite_master WHERE type = 'trigger' AND tbl_name = '{sql_text(name)}'"
    )
    rtrees = [
        row[0]
        for row in rows(
            target,
            "SELECT 'rtree_' || table_name || '_' || column_name FROM main.gpkg_extensions "
            f"WHERE extension_name = 'gpkg_rtree_index' AND table_name = '{sql_text(name)}'",
        )
    ]
    target.StartTransaction()
    try:
        for trigger, _ in triggers:
            target.ExecuteSQL(f"DROP TRIGGER main.{quoted(trigger)}")
        target.ExecuteSQL(insert_sql)
        for rtree in rtrees:
            fill_index(rtree)
        for _, sql in triggers:
            target.ExecuteSQL(sql)
        set_counts()
    except Exception:
        target.RollbackTransaction()
        raise
    target.CommitTransaction()


def fill_from_source(target: Any, name: str, source_table: str, insert_sql: str) -> None:
    """fill_table from the attached source's ``source_table``: its spatial index copied (or rebuilt), its
    feature count and extent."""
    source_rtrees = rows(
        target,
        f"SELECT 'rtree_' || table_name || '_' || column_name FROM {SOURCE}.gpkg_extensions "
        f"WHERE extension_name = 'gpkg_rtree_index' AND table_name = '{sql_text(source_table)}'",
    )
    source_rtree = source_rtrees[0][0] if source_rtrees else None
    fill_table(
        target,
        name,
        insert_sql,
        lambda rtree: _fill_rtree(target, name, rtree, source_rtree),
        lambda: _copy_counts(target, name, source_table),
    )


def _fill_rtree(target: Any, name: str, rtree: str, source_rtree: str | None) -> None:
    """A spatial index's content: the source's node, rowid and parent tables as stored when the node sizes
    agree (same page size), else one entry per geometry of the new rows."""
    node_size = 'SELECT length(data) FROM {0}."{1}_node" WHERE nodeno = 1'
    if source_rtree is not None and rows(target, node_size.format("main", rtree)) == rows(
        target, node_size.format(SOURCE, source_rtree)
    ):
        for part in ("node", "rowid", "parent"):
            target.ExecuteSQL(f"DELETE FROM main.{quoted(rtree + '_' + part)}")
            target.ExecuteSQL(
                f"INSERT INTO main.{quoted(rtree + '_' + part)} SELECT * FROM {SOURCE}.{quoted(source_rtree + '_' + part)}"
            )
        return
    found = geometry_column(target, "main", name)
    fid = _fid_column(target, "main", name)
    if found is None or fid is None:
        raise RuntimeError(f"no geometry or fid column in {name}")
    geom, fid = quoted(found[0]), quoted(fid)
    target.ExecuteSQL(
        f"INSERT INTO main.{quoted(rtree)} SELECT {fid}, ST_MinX({geom}), ST_MaxX({geom}), ST_MinY({geom}), "
        f"ST_MaxY({geom}) FROM main.{quoted(name)} WHERE {geom} NOT NULL AND NOT ST_IsEmpty({geom})"
    )


def _copy_counts(target: Any, name: str, source_table: str) -> None:
    """The feature count (where GDAL keeps one) and the extent of ``name`` from the source's table."""
    has_counts = rows(
        target, "SELECT COUNT(*) FROM main.sqlite_master WHERE type = 'table' AND name = 'gpkg_ogr_contents'"
    )[0][0]
    source_counts = rows(
        target, f"SELECT COUNT(*) FROM {SOURCE}.sqlite_master WHERE type = 'table' AND name = 'gpkg_ogr_contents'"
    )[0][0]
    if has_counts:
        count = (
            f"(SELECT feature_count FROM {SOURCE}.gpkg_ogr_contents WHERE table_name = '{sql_text(source_table)}')"
            if source_counts
            else f"(SELECT COUNT(*) FROM main.{quoted(name)})"
        )
        target.ExecuteSQL(
            f"UPDATE main.gpkg_ogr_contents SET feature_count = {count} WHERE table_name = '{sql_text(name)}'"
        )
    for corner in ("min_x", "min_y", "max_x", "max_y"):
        target.ExecuteSQL(
            f"UPDATE main.gpkg_contents SET {corner} = (SELECT {corner} FROM {SOURCE}.gpkg_contents "
            f"WHERE table_name = '{sql_text(source_table)}') WHERE table_name = '{sql_text(name)}'"
        )


def _fid_column(target: Any, schema: str, table: str) -> str | None:
    """The INTEGER PRIMARY KEY column of a table (a GeoPackage feature table's fid)."""
    keys = [row for row in rows(target, f"PRAGMA {schema}.table_info({quoted(table)})") if row[5]]
    return str(keys[0][1]) if len(keys) == 1 else None


def copy_rows(target: Any, name: str) -> None:
    """Rows of table ``name`` from the attached source GeoPackage into the empty table of the same name."""
    columns = columns_of(target, SOURCE, name)
    if columns != columns_of(target, "main", name):
        raise RuntimeError(f"the columns of {name} differ")
    listed = ", ".join(quoted(c) for c in columns)
    fill_from_source(
        target, name, name, f"INSERT INTO main.{quoted(name)} ({listed}) SELECT {listed} FROM {SOURCE}.{quoted(name)}"
    )


def copy_tables(source_path: str | Path, target_path: str | Path, names: Sequence[str]) -> None:
    """Tables ``names`` of GeoPackage ``source_path`` into GeoPackage ``target_path``, under the same names.

    GDAL's VectorTranslate creates each table empty, with the same columns, metadata and spatial index
    (-preserve_fid, no features); the rows are then copied as they are stored (copy_rows), which is
    several times faster than GDAL translating each feature and gives the same fids, values and
    geometry blobs. RuntimeError when GDAL cannot.
    """
    from osgeo import gdal, ogr

    options = gdal.VectorTranslateOptions(
        options=["-preserve_fid", "-where", "0"], accessMode="update", layers=list(names)
    )
    with gdal_exceptions():
        done = gdal.VectorTranslate(str(target_path), str(source_path), options=options)
        if done is None:
            raise RuntimeError(f"cannot create the tables in {target_path}")
        done = None
        target = ogr.Open(str(target_path), update=1)
        try:
            with attached(target, source_path):
                for name in names:
                    copy_rows(target, name)
        finally:
            target = None


@contextlib.contextmanager
def gdal_exceptions() -> Iterator[None]:
    """GDAL raises RuntimeError inside the block (instead of printing and returning None)."""
    from osgeo import gdal

    previous = gdal.GetUseExceptions()
    gdal.UseExceptions()
    try:
        yield
    finally:
        if not previous:
            gdal.DontUseExceptions()


def extend_table(
    source_path: str,
    source_table: str,
    target_path: str,
    target_table: str,
    kept: Sequence[str],
    new_names: Sequence[str],
    new_columns: Sequence[Sequence[Any]],
    fids: np.ndarray,
) -> int:
    """Fill the empty GeoPackage table ``target_table`` with every row of ``source_table``: the fid, the
    geometry and the ``kept`` columns as stored, and the ``new_names`` columns from ``new_columns`` (one
    value per fid of ``fids``, the source's fids in order). Returns the number of rows written.

    Raises RuntimeError when the tables are not as expected (nothing is written then).
    """
    from osgeo import ogr

    fids = np.asarray(fids, dtype=np.int64)
    with tempfile.TemporaryDirectory(prefix="suginami-columns-") as folder:
        values = Path(folder) / "columns.sqlite"
        _write_columns(values, fids, new_columns)
        with gdal_exceptions():
            target = ogr.Open(str(target_path), update=1)
            try:
                with attached(target, source_path), attached(target, values, "new_columns"):
                    written = _extend(target, source_table, target_table, kept, new_names, fids)
            finally:
                target = None
    from .file_layers import same_geometries

    same_geometries(target_path, target_table, source_path, source_table)
    return written


def _extend(
    target: Any, source_table: str, name: str, kept: Sequence[str], new_names: Sequence[str], fids: np.ndarray
) -> int:
    source_geometry = geometry_column(target, SOURCE, source_table)
    geometry = geometry_column(target, "main", name)
    source_fid, fid = _fid_column(target, SOURCE, source_table), _fid_column(target, "main", name)
    if source_geometry is None or geometry is None or source_fid is None or fid is None:
        raise RuntimeError("a table without a geometry or fid column")
    if source_geometry[1] != geometry[1]:
        raise RuntimeError("the tables' spatial reference systems differ")
    kept_columns = [c for c in kept if c != source_fid]
    if columns_of(target, "main", name) != [fid, geometry[0], *kept_columns, *new_names]:
        raise RuntimeError(f"the columns of {name} are not the source's and the new ones")
    if rows(target, f"SELECT COUNT(*) FROM main.{quoted(name)}")[0][0] != 0:
        raise RuntimeError(f"{name} is not empty")
    key = quoted(source_fid)
    count, first, last = rows(target, f"SELECT COUNT(*), MIN({key}), MAX({key}) FROM {SOURCE}.{quoted(source_table)}")[
        0
    ]
    if count != len(fids) or (len(fids) and (first != fids[0] or last != fids[-1])):
        raise RuntimeError("the fids given are not the source's")
    into = ", ".join(quoted(c) for c in [fid, geometry[0], *kept_columns, *new_names])
    chosen = ", ".join(
        [f"s.{key}", f"s.{quoted(source_geometry[0])}"]
        + [f"s.{quoted(c)}" for c in kept_columns]
        + [f"n.c{i}" for i in range(len(new_names))]
    )
    fill_from_source(
        target,
        name,
        source_table,
        f"INSERT INTO main.{quoted(name)} ({into}) SELECT {chosen} FROM {SOURCE}.{quoted(source_table)} AS s "
        f"JOIN new_columns.v AS n ON n.fid = s.{key} ORDER BY s.{key}",
    )
    written = rows(target, f"SELECT COUNT(*) FROM main.{quoted(name)}")[0][0]
    if written != len(fids):
        raise RuntimeError(f"{written} of {len(fids)} rows written")
    return written


def _stored(column: Sequence[Any]) -> list[Any]:
    """A column's values as QGIS stores them in a GeoPackage: booleans as integers, NaN as NULL."""
    if isinstance(column, np.ndarray) and column.dtype.kind in "iuf":
        return python_column(column)
    if isinstance(column, np.ndarray) and column.dtype.kind == "b":
        return column.astype(np.int64).tolist()
    return [int(v) if isinstance(v, bool) else v for v in python_column(column)]


def _write_columns(path: Path, fids: np.ndarray, columns: Sequence[Sequence[Any]]) -> None:
    """Table v(fid, c0, c1, ...) of an SQLite file: the new columns' values as QGIS would store them."""
    values = [_stored(column) for column in columns]
    names = ", ".join(f"c{i}" for i in range(len(columns)))
    marks = ", ".join("?" for _ in range(len(columns) + 1))
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.execute(f"CREATE TABLE v (fid INTEGER PRIMARY KEY{', ' + names if names else ''})")
        db.executemany(f"INSERT INTO v VALUES ({marks})", zip(fids.tolist(), *values))
        db.commit()


def indexed_table(value: Any) -> bool:
    """Whether a layer parameter's value is a GeoPackage table (``path`` or ``path|layername=x``) with a
    spatial index."""
    if not isinstance(value, str):
        return False
    path, _, rest = value.partition("|")
    table = rest.split("layername=")[1].split("|")[0] if "layername=" in rest else None
    if not path.lower().endswith(".gpkg") or not Path(path).is_file() or (rest and table is None):
        return False
    try:
        with contextlib.closing(sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)) as db:
            tables = [row[0] for row in db.execute("SELECT table_name FROM gpkg_contents WHERE data_type = 'features'")]
            if table is None and len(tables) == 1:
                table = tables[0]
            found = db.execute(
                "SELECT COUNT(*) FROM gpkg_extensions WHERE extension_name = 'gpkg_rtree_index' AND table_name = ?",
                (table,),
            ).fetchone()[0]
    except sqlite3.Error:
        return False
    return bool(found)


# --- outputs that are their input plus new columns ---------------------------------------------------
@dataclass
class SqlTarget:
    """Where an output copied in SQL goes: a GeoPackage file and table (None: its only table)."""

    path: str
    table: str | None
    counting: Any = None  # the staging's CountingSink of the output, told how many rows went in


def copyable(source: Any) -> bool:
    """Whether an output keeping ``source``'s fields can copy them in SQL (the source's side of sql_target):
    a GeoPackage table QGIS reads unchanged, with its fid shown as a field. Its other fields then need
    not be read at all."""
    from .file_layers import TAG

    plain = getattr(source, TAG, None)
    return plain is not None and bool(plain.fid_column) and _table_name(plain) is not None


def _table_name(plain: Any) -> str | None:
    """The table of a plain GeoPackage source (given by name, by index or as the file's first)."""
    if isinstance(plain.layer, str):
        return plain.layer
    from osgeo import ogr

    dataset = ogr.Open(plain.path)
    layer = dataset.GetLayer(plain.layer or 0) if dataset is not None else None
    name = layer.GetName() if layer is not None else None
    layer = dataset = None
    return name


def sql_target(source: Any, data: Any, sink: Any, dest_id: str, context: Any, kept: Sequence[str]) -> SqlTarget | None:
    """Where ``source``'s rows plus new columns can be copied in SQL, or None to write features.

    The source is a GeoPackage table QGIS reads unchanged (file_layers.PlainFile) whose fid QGIS shows
    as a kept field (so the output keeps the fids), ``data`` holds all its features in fid order, and the
    output is a GeoPackage file or table (``path`` or ``path|layername=x``), staged or not.
    """
    from .file_layers import TAG

    plain = getattr(source, TAG, None)
    if not copyable(source) or plain.fid_column not in kept:
        return None
    ids = np.asarray(data.ids, dtype=np.int64)
    if len(ids) == 0 or (len(ids) > 1 and not bool(np.all(np.diff(ids) > 0))):
        return None
    return _destination(sink, dest_id, context)


def _destination(sink: Any, dest_id: str, context: Any) -> SqlTarget | None:
    """The GeoPackage file and table of an output QGIS has just created (``path`` or ``path|layername=x``,
    staged or not), or None for any other destination."""
    from .staging import CountingSink

    if context.temporaryLayerStore().mapLayer(str(dest_id)) is not None:
        return None  # a layer QGIS holds open (a provider destination): written feature by feature
    path, _, rest = str(dest_id).partition("|")
    table = rest.split("layername=")[1].split("|")[0] if "layername=" in rest else None
    if rest and table is None:
        return None
    target = SqlTarget(path, table, counting=sink if isinstance(sink, CountingSink) else None)
    return target if target.path.lower().endswith(".gpkg") and Path(target.path).exists() else None


def close_sink(sink: Any) -> None:
    """Flush QGIS's sink (a staged one is released too); the caller drops its own reference next."""
    from .staging import CountingSink

    if isinstance(sink, CountingSink):
        sink.close()
    else:
        sink.flushBuffer()


def extend_in_sql(
    target: SqlTarget,
    source: Any,
    data: Any,
    kept: Sequence[str],
    spec: Sequence[tuple[str, type]],
    columns: Sequence[Sequence[Any]],
    key: str = "OUTPUT",
) -> None:
    """Fill ``target`` (output ``key``) with ``source``'s rows and the ``spec`` columns (extend_table);
    QgsProcessingException naming ``key`` when that fails."""
    from .file_layers import TAG

    plain = getattr(source, TAG)
    try:
        written = extend_table(
            plain.path,
            _table_name(plain),
            target.path,
            _target_table(target),
            kept,
            [name for name, _ in spec],
            columns,
            data.ids,
        )
    except RuntimeError as exc:
        raise _write_failed(key, exc) from exc
    if target.counting is not None:
        target.counting.count += written


def _target_table(target: SqlTarget) -> str:
    """The table of ``target``: the one named, or the file's only table (RuntimeError otherwise)."""
    from osgeo import ogr

    if target.table is not None:
        return target.table
    dataset = ogr.Open(target.path)
    names = [dataset.GetLayer(i).GetName() for i in range(dataset.GetLayerCount())] if dataset else []
    dataset = None
    if len(names) != 1:
        raise RuntimeError(f"no single table in {target.path}")
    return names[0]


def _write_failed(key: str, exc: Exception) -> Exception:
    """The error of a failed SQL write of output ``key``, naming it and the fix."""
    from qgis.core import QgsProcessingException

    from .i18n import tr

    return QgsProcessingException(
        tr(
            "Writing {0} failed: {1} (is the disk full or the folder not writable?). Nothing was replaced: "
            "free space or choose another {0}."
        ).format(key, exc)
    )


# --- new outputs of many rows --------------------------------------------------------------------------
# Outputs of fewer features are written through QGIS: below a few thousand rows the SQL write's set-up
# (a temporary file attached to GDAL's connection) costs about what it saves.
SQL_MIN_ROWS = 5000
# Shapely's geometry type ids of QGIS's flat 2D types (QgsWkbTypes' values are the WKB codes).
SHAPELY_TYPE_OF_WKB = {1: 0, 2: 1, 3: 3, 4: 4, 5: 5, 6: 6}
# The field types whose values are stored as SQLite integers, reals and texts alike by QGIS and by SQL.
PLAIN_TYPES = (str, float, int, bool)


def rows_target(
    sink: Any, dest_id: str, context: Any, wkb_type: Any, geometries: Any, spec: Sequence[tuple[str, type]]
) -> SqlTarget | None:
    """Where a new output's rows can be written in SQL (write_rows), or None to write its features.

    The output is a GeoPackage file or table QGIS has just created (_destination) with at least
    SQL_MIN_ROWS rows; its geometries are all of the layer's own flat 2D type and none is empty (QGIS
    converts other types, which the SQL write does not), missing ones only in a layer of lines or polygons,
    and its fields are of PLAIN_TYPES.
    """
    import shapely

    geometries = np.asarray(geometries, dtype=object)
    expected = SHAPELY_TYPE_OF_WKB.get(int(wkb_type))
    if len(geometries) < SQL_MIN_ROWS or expected is None or any(kind not in PLAIN_TYPES for _, kind in spec):
        return None
    missing = shapely.is_missing(geometries)
    present = geometries[~missing]
    if (
        not len(present)
        or (expected == 0 and missing.any())  # QGIS stores an empty point for a missing one: left to QGIS
        or (shapely.get_type_id(present) != expected).any()
        or shapely.is_empty(present).any()
        or shapely.has_z(present).any()
    ):
        return None
    return _destination(sink, dest_id, context)


def write_rows(
    target: SqlTarget, geometries: Any, names: Sequence[str], columns: Sequence[Sequence[Any]], key: str
) -> None:
    """Fill the empty table of ``target`` (output ``key``) with fids 1..n, the geometries and the columns
    (insert_rows); QgsProcessingException naming ``key`` when that fails."""
    try:
        written = insert_rows(target.path, _target_table(target), geometries, names, columns)
    except RuntimeError as exc:
        raise _write_failed(key, exc) from exc
    if target.counting is not None:
        target.counting.count += written


def insert_rows(path: str, table: str, geometries: Any, names: Sequence[str], columns: Sequence[Sequence[Any]]) -> int:
    """Fill the empty GeoPackage table ``table`` with one row per geometry, fids 1..n in order, as QGIS's
    writer stores them: the geometry as a GeoPackage blob (geometry_blobs), the columns' values as
    _write_columns converts them, the spatial index, the feature count and the extent. Returns the number
    of rows; RuntimeError when the table is not as expected (nothing is written then).
    """
    from osgeo import ogr

    geometries = np.asarray(geometries, dtype=object)
    with tempfile.TemporaryDirectory(prefix="suginami-rows-") as folder, gdal_exceptions():
        values = Path(folder) / "rows.sqlite"
        target = ogr.Open(str(path), update=1)
        try:
            found, fid = geometry_column(target, "main", table), _fid_column(target, "main", table)
            if found is None or fid is None:
                raise RuntimeError(f"no geometry or fid column in {table}")
            if columns_of(target, "main", table) != [fid, found[0], *names]:
                raise RuntimeError(f"the columns of {table} are not the output's")
            if rows(target, f"SELECT COUNT(*) FROM main.{quoted(table)}")[0][0] != 0:
                raise RuntimeError(f"{table} is not empty")
            kind = rows(
                target,
                f"SELECT geometry_type_name FROM main.gpkg_geometry_columns WHERE table_name = '{sql_text(table)}'",
            )[0][0]
            blobs, bounds = geometry_blobs(geometries, found[1], str(kind))
            _write_rows(values, blobs, bounds, columns)
            present = np.flatnonzero(~np.isnan(bounds[:, 0]))
            trees: dict[str, str] = {}  # spatial index -> its packed tree's tables in the temporary file
            for number, rtree in enumerate(_rtrees(target, "main", table)):
                node_size = rows(target, f"SELECT length(data) FROM main.{quoted(rtree + '_node')} WHERE nodeno = 1")
                if len(present) and node_size:
                    trees[rtree] = _write_tree(values, f"t{number}", present + 1, bounds[present], node_size[0][0])
            into = ", ".join(quoted(c) for c in [fid, found[0], *names])
            chosen = ", ".join(["fid", "geom", *(f"c{i}" for i in range(len(names)))])
            with attached(target, values, "new_rows"):
                fill_table(
                    target,
                    table,
                    f"INSERT INTO main.{quoted(table)} ({into}) SELECT {chosen} FROM new_rows.v ORDER BY fid",
                    lambda rtree: _load_tree(target, rtree, trees.get(rtree)),
                    lambda: _set_counts(target, table, len(geometries), bounds),
                )
            written = rows(target, f"SELECT COUNT(*) FROM main.{quoted(table)}")[0][0]
        finally:
            target = None
    if written != len(geometries):
        raise RuntimeError(f"{written} of {len(geometries)} rows written")
    return int(written)


def geometry_blobs(
    geometries: np.ndarray, srs_id: int, layer_type: str = "GEOMETRY"
) -> tuple[list[bytes | None], np.ndarray]:
    """The GeoPackage geometry blobs of flat 2D shapely geometries and their bounds (minx, maxx, miny,
    maxy; NaN when missing), as QGIS's writer stores them through GDAL: the header ("GP", version 0,
    little-endian, the srs_id, and the envelope, which points go without), then little-endian WKB
    (GeoPackage 1.3, clause 2.1.3). A missing geometry is stored as QGIS stores a feature without one in a
    layer of ``layer_type`` (a GeoPackage geometry type name): an empty geometry of that type, flagged
    empty; None where the type has no empty form here (a point or a generic geometry)."""
    import shapely

    empty = None
    if layer_type.upper() not in ("POINT", "GEOMETRY"):
        empty = b"GP\x00\x11" + int(srs_id).to_bytes(4, "little", signed=True)
        empty += shapely.to_wkb(shapely.from_wkt(f"{layer_type.upper()} EMPTY"), byte_order=1)
    count = len(geometries)
    wkb = shapely.to_wkb(geometries, output_dimension=2, byte_order=1, include_srid=False)
    low_x, low_y, high_x, high_y = shapely.bounds(geometries).T if count else np.empty((4, 0))
    points = shapely.get_type_id(geometries) == 0
    header = np.zeros(
        count,
        dtype=[("magic", "S2"), ("version", "u1"), ("flags", "u1"), ("srs_id", "<i4"), ("envelope", "<f8", 4)],
    )
    header["magic"] = b"GP"
    # flags: bit 0 little-endian; bits 1-3 the envelope (1: minx, maxx, miny, maxy)
    header["flags"] = np.where(points, 0b001, 0b011)
    header["srs_id"] = srs_id
    bounds = np.column_stack([low_x, high_x, low_y, high_y])
    header["envelope"] = bounds
    raw, size = header.tobytes(), header.itemsize
    lengths = np.where(points, 8, size).tolist()
    blobs = [
        empty if blob is None else raw[i * size : i * size + lengths[i]] + blob for i, blob in enumerate(wkb.tolist())
    ]
    return blobs, bounds


def _write_rows(path: Path, blobs: list[bytes | None], bounds: np.ndarray, columns: Sequence[Sequence[Any]]) -> None:
    """Table v(fid, geom, minx, maxx, miny, maxy, c0, c1, ...) of an SQLite file, fids 1..n."""
    values = [_stored(column) for column in columns]
    corners = [python_column(bounds[:, i]) for i in range(4)]
    names = "".join(f", c{i}" for i in range(len(columns)))
    marks = ", ".join("?" for _ in range(6 + len(columns)))
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.execute(f"CREATE TABLE v (fid INTEGER PRIMARY KEY, geom, minx, maxx, miny, maxy{names})")
        db.executemany(f"INSERT INTO v VALUES ({marks})", zip(range(1, len(blobs) + 1), blobs, *corners, *values))
        db.commit()


def _rtrees(target: Any, schema: str, table: str) -> list[str]:
    """The spatial indexes (their virtual tables' names) of ``table``."""
    return [
        str(row[0])
        for row in rows(
            target,
            f"SELECT 'rtree_' || table_name || '_' || column_name FROM {schema}.gpkg_extensions "
            f"WHERE extension_name = 'gpkg_rtree_index' AND table_name = '{sql_text(table)}'",
        )
    ]


def _write_tree(path: Path, prefix: str, ids: np.ndarray, bounds: np.ndarray, node_size: int) -> str:
    """The packed tree of ``ids`` and their ``bounds`` (processing/sqlite_rtree.py) as tables
    ``<prefix>_node``, ``<prefix>_rowid`` and ``<prefix>_parent`` of the SQLite file ``path``; returns ``prefix``."""
    from .sqlite_rtree import pack

    tree = pack(ids, bounds, node_size)
    with contextlib.closing(sqlite3.connect(path)) as db:
        for part, content in (("node", tree.nodes), ("rowid", tree.rowids), ("parent", tree.parents)):
            db.execute(f"CREATE TABLE {prefix}_{part} (a INTEGER PRIMARY KEY, b)")
            db.executemany(f"INSERT INTO {prefix}_{part} VALUES (?, ?)", content)
        db.commit()
    return prefix


def _load_tree(target: Any, rtree: str, prefix: str | None) -> None:
    """The spatial index ``rtree`` of the new rows: the packed tree's tables (_write_tree) as its shadow
    tables; none when no row has a geometry (the empty index stays)."""
    if prefix is None:
        return
    for part in ("node", "rowid", "parent"):
        target.ExecuteSQL(f"DELETE FROM main.{quoted(rtree + '_' + part)}")
        target.ExecuteSQL(f"INSERT INTO main.{quoted(rtree + '_' + part)} SELECT a, b FROM new_rows.{prefix}_{part}")


def _set_counts(target: Any, table: str, count: int, bounds: np.ndarray) -> None:
    """The feature count (where GDAL keeps one) and the extent of the geometries (``bounds``) of ``table``."""
    if rows(target, "SELECT COUNT(*) FROM main.sqlite_master WHERE type = 'table' AND name = 'gpkg_ogr_contents'")[0][
        0
    ]:
        target.ExecuteSQL(
            f"UPDATE main.gpkg_ogr_contents SET feature_count = {int(count)} WHERE table_name = '{sql_text(table)}'"
        )
    present = bounds[~np.isnan(bounds[:, 0])]
    if not len(present):
        return
    extent = {
        "min_x": present[:, 0].min(),
        "max_x": present[:, 1].max(),
        "min_y": present[:, 2].min(),
        "max_y": present[:, 3].max(),
    }
    settings = ", ".join(f"{corner} = {float(value)!r}" for corner, value in extent.items())
    target.ExecuteSQL(f"UPDATE main.gpkg_contents SET {settings} WHERE table_name = '{sql_text(table)}'")
