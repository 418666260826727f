"""GeoPackage tables filled in SQL, row for row as stored, instead of feature by feature through QGIS.

Two writers use it:
- the scenario copies the mitigated run's tables from the worker's GeoPackage (scenario/concurrent.py);
- an output that is its input table plus new columns (the buildings of suginami:buildingdamage and
  suginami:firespread) is the input's rows, copied in one INSERT ... SELECT, joined with the new columns.

Both go through GDAL's own connection, which has the GeoPackage's SQL functions that its triggers call.
A table's triggers (spatial index, feature count) are set aside while its rows go in; its spatial index
is copied as stored from the source's when both have the same node size (the same geometries under the
same fids have the same index), else filled from the new rows; the feature count and the extent come
from the source. On the ward, writing 124,207 buildings with 33 fields through QGIS took 3-5 s; the copy
takes about one.
"""

from __future__ import annotations

import contextlib
import sqlite3
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .conversions import python_column

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


def fill_table(target: Any, name: str, source_table: str, insert_sql: str) -> None:
    """Run ``insert_sql`` (filling main.``name`` from the attached source's ``source_table``) with the table's
    triggers set aside; then its spatial index, feature count and extent, all in one transaction."""
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
    source_rtrees = rows(
        target,
        f"SELECT 'rtree_' || table_name || '_' || column_name, column_name FROM {SOURCE}.gpkg_extensions "
        f"WHERE extension_name = 'gpkg_rtree_index' AND table_name = '{sql_text(source_table)}'",
    )
    target.StartTransaction()
    try:
        for trigger, _ in triggers:
            target.ExecuteSQL(f"DROP TRIGGER main.{quoted(trigger)}")
        target.ExecuteSQL(insert_sql)
        for rtree in rtrees:
            _fill_rtree(target, name, rtree, source_rtrees[0][0] if source_rtrees else None)
        for _, sql in triggers:
            target.ExecuteSQL(sql)
        _copy_counts(target, name, source_table)
    except Exception:
        target.RollbackTransaction()
        raise
    target.CommitTransaction()


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
    fill_table(
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
    fill_table(
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


def _write_columns(path: Path, fids: np.ndarray, columns: Sequence[Sequence[Any]]) -> None:
    """Table v(fid, c0, c1, ...) of an SQLite file: the new columns' values as QGIS would store them."""
    values = [[int(v) if isinstance(v, bool) else v for v in python_column(column)] for column in columns]
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
    from .staging import CountingSink

    plain = getattr(source, TAG, None)
    if not copyable(source) or plain.fid_column not in kept:
        return None
    ids = np.asarray(data.ids, dtype=np.int64)
    if len(ids) == 0 or (len(ids) > 1 and not bool(np.all(np.diff(ids) > 0))):
        return None
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
    from osgeo import ogr
    from qgis.core import QgsProcessingException

    from .file_layers import TAG
    from .i18n import tr

    plain = getattr(source, TAG)
    table = target.table
    if table is None:
        dataset = ogr.Open(target.path)
        names = [dataset.GetLayer(i).GetName() for i in range(dataset.GetLayerCount())] if dataset else []
        dataset = None
        table = names[0] if len(names) == 1 else None
    try:
        if table is None:
            raise RuntimeError(f"no single table in {target.path}")
        written = extend_table(
            plain.path, _table_name(plain), target.path, table, kept, [name for name, _ in spec], columns, data.ids
        )
    except RuntimeError as exc:
        raise QgsProcessingException(
            tr(
                "Writing {0} failed: {1} (is the disk full or the folder not writable?). Nothing was replaced: "
                "free space or choose another {0}."
            ).format(key, exc)
        ) from exc
    if target.counting is not None:
        target.counting.count += written
