"""read_vector's pyogrio path (processing/file_layers.py) gives exactly what QGIS's feature iterator gives.

The same GeoPackage is read both ways: through a source SuginamiAlgorithm.parameterAsSource marked as a plain
file (pyogrio) and through a QgsProcessingFeatureSource on the layer (QGIS's iterator). Ids, geometries (WKB),
attribute values and their Python types, NULLs and the count of null geometries must be equal. Where QGIS
changes what is read (a transform, a selection, a subset string, the invalid-geometry check) the fast path
must not be taken.
"""

from __future__ import annotations

import numpy as np
import pytest

FIELDS = (("n_int", "integer"), ("n_big", "int8"), ("x", "double"), ("name", "string"), ("flag", "boolean"))
# Polygons (one a single part in a multi-part layer, one with a hole), a null geometry, NULLs in every field.
ROWS = [
    ("MULTIPOLYGON(((0 0, 10 0, 10 10, 0 10, 0 0)))", 1, 2**40, 1.5, "木造", True),
    ("POLYGON((20 0, 30 0, 30 10, 20 10, 20 0), (22 2, 24 2, 24 4, 22 4, 22 2))", None, None, None, None, None),
    (None, 3, -7, -0.25, "", False),
    (
        "MULTIPOLYGON(((40 0, 50 0, 50 10, 40 10, 40 0)), ((60 0, 70 0, 70 10, 60 10, 60 0)))",
        4,
        8,
        1e-300,
        "NULL",
        None,
    ),
    ("POLYGON((80 0, 90 0, 90 10, 80 10, 80 0))", None, 5, None, "b", True),
]


def _write_gpkg(path, rows=ROWS, deleted=(4,)):
    """A GeoPackage layer 'buildings' (MultiPolygon, EPSG:6677) with the rows; ``deleted`` fids removed (gaps in fids)."""
    from qgis.core import (
        QgsCoordinateTransformContext,
        QgsFeature,
        QgsGeometry,
        QgsVectorFileWriter,
        QgsVectorLayer,
        QgsWkbTypes,
    )

    spec = "".join(f"&field={name}:{typ}" for name, typ in FIELDS)
    memory = QgsVectorLayer(f"MultiPolygon?crs=EPSG:6677{spec}", "buildings", "memory")
    features = []
    for wkt, *values in rows:
        feature = QgsFeature(memory.fields())
        if wkt is not None:
            feature.setGeometry(QgsGeometry.fromWkt(wkt))
        feature.setAttributes(list(values))
        features.append(feature)
    memory.dataProvider().addFeatures(features)
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    options.layerName = "buildings"
    error = QgsVectorFileWriter.writeAsVectorFormatV3(memory, str(path), QgsCoordinateTransformContext(), options)
    assert error[0] == QgsVectorFileWriter.NoError, error
    layer = QgsVectorLayer(f"{path}|layername=buildings", "buildings", "ogr")
    assert QgsWkbTypes.isMultiType(layer.wkbType())
    if deleted:
        assert layer.dataProvider().deleteFeatures(list(deleted))
    return f"{path}|layername=buildings"


@pytest.fixture
def algorithm(provider):
    from qgis.core import QgsApplication

    return QgsApplication.processingRegistry().createAlgorithmById("suginami:firespread")


@pytest.fixture
def pyogrio_calls(monkeypatch):
    """The number of pyogrio reads (the fast path) during a test."""
    import pyogrio.raw

    calls = []
    original = pyogrio.raw.read

    def counting(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(pyogrio.raw, "read", counting)
    return calls


def _context(check=None):
    from qgis.core import QgsProcessingContext, QgsProject

    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    if check is not None:
        context.setInvalidGeometryCheck(check)
    return context


def _qgis_read(layer, context, crs, names):
    """read_vector through QGIS's iterator (a source without the plain-file mark)."""
    from qgis.core import QgsProcessingFeatureSource

    from suginami_gis.processing.conversions import read_vector

    source = QgsProcessingFeatureSource(layer, context)
    return read_vector(source, context, crs, names)


def _assert_same(a, b):
    import shapely

    assert a.ids.tolist() == b.ids.tolist()
    assert a.null_geometries == b.null_geometries
    assert [g is None for g in a.geometries] == [g is None for g in b.geometries]
    present = [i for i, g in enumerate(a.geometries) if g is not None]
    assert shapely.to_wkb(a.geometries[present]).tolist() == shapely.to_wkb(b.geometries[present]).tolist()
    assert list(a.attributes) == list(b.attributes)
    for name in a.attributes:
        for x, y in zip(a.attributes[name], b.attributes[name], strict=True):
            assert type(x) is type(y), (name, x, y)
            if str(x) == "NULL" and not isinstance(x, str):
                assert x.isNull() and y.isNull(), (name, x, y)
            else:
                assert x == y, (name, x, y)


def test_fast_path_equals_qgis(tmp_path, algorithm, pyogrio_calls):
    from qgis.core import QgsVectorLayer

    from suginami_gis.processing.conversions import read_vector

    uri = _write_gpkg(tmp_path / "b.gpkg")
    context = _context()
    source = algorithm.parameterAsSource({"BUILDINGS": uri}, "BUILDINGS", context)
    names = source.fields().names()
    assert names[0] == "fid"
    fast = read_vector(source, context, source.sourceCrs(), names)
    assert len(pyogrio_calls) == 1, "the plain GeoPackage was not read with pyogrio"
    layer = QgsVectorLayer(uri, "b", "ogr")
    slow = _qgis_read(layer, context, layer.crs(), names)
    assert len(pyogrio_calls) == 1
    _assert_same(fast, slow)
    assert fast.ids.tolist() == [1, 2, 3, 5]  # the GeoPackage fids, with the gap of the deleted feature
    assert fast.null_geometries == 1
    assert np.isnan(fast.column("n_int")[1])  # NULL -> NaN
    assert fast.attributes["n_big"][0] == 2**40 and type(fast.attributes["n_big"][0]) is int
    # A few fields (no fid), in another order than the layer's.
    few = read_vector(source, context, None, ["name", "x"])
    _assert_same(few, _qgis_read(layer, context, None, ["name", "x"]))
    assert len(pyogrio_calls) == 2


def test_single_parts_in_a_multi_part_layer(tmp_path, algorithm, pyogrio_calls):
    """GDAL stores a Polygon in a MultiPolygon GeoPackage layer as it is; QGIS reads it as a MultiPolygon."""
    import pyogrio.raw
    import shapely
    from qgis.core import QgsVectorLayer

    from suginami_gis.processing.conversions import read_vector

    path = tmp_path / "mixed.gpkg"
    geometries = shapely.from_wkt(["POLYGON((0 0, 1 0, 1 1, 0 0))", "MULTIPOLYGON(((2 0, 3 0, 3 1, 2 0)))"])
    pyogrio.raw.write(
        str(path),
        shapely.to_wkb(geometries),
        [np.array([1.0, np.nan])],
        ["x"],
        layer="b",
        driver="GPKG",
        geometry_type="MultiPolygon",
        crs="EPSG:6677",
        promote_to_multi=False,
    )
    assert shapely.from_wkb(pyogrio.raw.read(str(path))[2][0]).geom_type == "Polygon"
    pyogrio_calls.clear()
    context = _context()
    source = algorithm.parameterAsSource({"BUILDINGS": f"{path}|layername=b"}, "BUILDINGS", context)
    fast = read_vector(source, context, None, ["x"])
    assert len(pyogrio_calls) == 1
    assert [g.geom_type for g in fast.geometries] == ["MultiPolygon", "MultiPolygon"]
    _assert_same(fast, _qgis_read(QgsVectorLayer(f"{path}|layername=b", "b", "ogr"), context, None, ["x"]))


def test_null_geometry_and_nulls(tmp_path, algorithm, pyogrio_calls):
    from qgis.core import QgsVectorLayer

    from suginami_gis.processing.conversions import read_vector

    uri = _write_gpkg(tmp_path / "b.gpkg", deleted=())
    context = _context()
    source = algorithm.parameterAsSource({"BUILDINGS": uri}, "BUILDINGS", context)
    fast = read_vector(source, context, None, source.fields().names())
    assert len(pyogrio_calls) == 1
    layer = QgsVectorLayer(uri, "b", "ogr")
    _assert_same(fast, _qgis_read(layer, context, None, source.fields().names()))
    assert fast.null_geometries == 1
    assert np.isnan(fast.column("x")[1]) and fast.column("x", default=-1.0)[1] == -1.0
    assert fast.column("name", str).tolist() == ["木造", "", "", "", "b"]  # NULL and the text 'NULL' -> ""


def test_transformed_crs_takes_qgis_path(tmp_path, algorithm, pyogrio_calls):
    from qgis.core import QgsCoordinateReferenceSystem, QgsVectorLayer

    from suginami_gis.processing.conversions import read_vector

    uri = _write_gpkg(tmp_path / "b.gpkg")
    context = _context()
    source = algorithm.parameterAsSource({"BUILDINGS": uri}, "BUILDINGS", context)
    target = QgsCoordinateReferenceSystem("EPSG:6676")
    data = read_vector(source, context, target, ["x"])
    assert pyogrio_calls == []
    layer = QgsVectorLayer(uri, "b", "ogr")
    _assert_same(data, _qgis_read(layer, context, target, ["x"]))
    original = read_vector(source, context, None, ["x"])
    assert not np.allclose(data.geometries[0].bounds, original.geometries[0].bounds)


def test_selection_takes_qgis_path(tmp_path, algorithm, pyogrio_calls):
    from qgis.core import QgsProcessingFeatureSourceDefinition, QgsProject, QgsVectorLayer

    from suginami_gis.processing.conversions import read_vector

    uri = _write_gpkg(tmp_path / "b.gpkg")
    layer = QgsVectorLayer(uri, "b", "ogr")
    QgsProject.instance().addMapLayer(layer)
    try:
        layer.selectByIds([3, 5])
        context = _context()
        parameters = {"BUILDINGS": QgsProcessingFeatureSourceDefinition(layer.id(), True)}
        source = algorithm.parameterAsSource(parameters, "BUILDINGS", context)
        data = read_vector(source, context, None, ["name"])
        assert pyogrio_calls == []
        assert data.ids.tolist() == [3, 5]
        # A limited feature count is honoured too.
        limited = QgsProcessingFeatureSourceDefinition(layer.id(), False, 2)
        source = algorithm.parameterAsSource({"BUILDINGS": limited}, "BUILDINGS", context)
        assert read_vector(source, context, None, ["name"]).ids.tolist() == [1, 2]
        assert pyogrio_calls == []
    finally:
        QgsProject.instance().removeMapLayer(layer.id())


def test_subset_string_takes_qgis_path(tmp_path, algorithm, pyogrio_calls):
    from qgis.core import QgsProject, QgsVectorLayer

    from suginami_gis.processing.conversions import read_vector

    uri = _write_gpkg(tmp_path / "b.gpkg")
    layer = QgsVectorLayer(uri, "b", "ogr")
    assert layer.setSubsetString('"n_int" IS NOT NULL')
    QgsProject.instance().addMapLayer(layer)
    try:
        context = _context()
        source = algorithm.parameterAsSource({"BUILDINGS": layer.id()}, "BUILDINGS", context)
        data = read_vector(source, context, None, ["n_int"])
        assert pyogrio_calls == []
        assert data.ids.tolist() == [1, 3]
        _assert_same(data, _qgis_read(layer, context, None, ["n_int"]))
    finally:
        QgsProject.instance().removeMapLayer(layer.id())


@pytest.mark.parametrize("check", ["skip", "abort"])
def test_invalid_geometry_check_takes_qgis_path(tmp_path, algorithm, pyogrio_calls, check):
    """With QGIS's check on, an invalid footprint leaves the reading to QGIS (which skips it or stops)."""
    from qgis.core import QgsFeatureRequest

    from suginami_gis.processing.file_layers import read_columns

    bowtie = ("POLYGON((0 0, 10 10, 10 0, 0 10, 0 0))", 9, 9, 9.0, "x", False)
    uri = _write_gpkg(tmp_path / "b.gpkg", rows=[*ROWS, bowtie], deleted=())
    mode = QgsFeatureRequest.GeometrySkipInvalid if check == "skip" else QgsFeatureRequest.GeometryAbortOnInvalid
    context = _context(mode)
    source = algorithm.parameterAsSource({"BUILDINGS": uri}, "BUILDINGS", context)
    assert read_columns(source, ["name"], context) is None
    assert len(pyogrio_calls) == 1  # read, found invalid, and left to QGIS
    # Without the check QGIS reads the invalid footprint as it is, and so does the fast path.
    unchecked = _context(QgsFeatureRequest.GeometryNoCheck)
    source = algorithm.parameterAsSource({"BUILDINGS": uri}, "BUILDINGS", unchecked)
    ids, geometries, _, _ = read_columns(source, ["name"], unchecked)
    assert ids.tolist() == [1, 2, 3, 4, 5, 6] and not geometries[5].is_valid


def test_valid_geometries_with_check_take_fast_path(tmp_path, algorithm, pyogrio_calls):
    from qgis.core import QgsFeatureRequest, QgsVectorLayer

    from suginami_gis.processing.conversions import read_vector

    uri = _write_gpkg(tmp_path / "b.gpkg")
    context = _context(QgsFeatureRequest.GeometryAbortOnInvalid)
    source = algorithm.parameterAsSource({"BUILDINGS": uri}, "BUILDINGS", context)
    data = read_vector(source, context, None, ["name", "flag"])
    assert len(pyogrio_calls) == 1
    layer = QgsVectorLayer(uri, "b", "ogr")
    _assert_same(data, _qgis_read(layer, context, None, ["name", "flag"]))


def _features(uri):
    """(fid, geometry WKB, attributes) of every feature of a layer, as QGIS reads them."""
    from qgis.core import QgsVectorLayer

    layer = QgsVectorLayer(uri, "check", "ogr")
    assert layer.isValid(), uri
    return layer.fields().names(), [
        (f.id(), bytes(f.geometry().asWkb()) if f.hasGeometry() else None, [str(v) for v in f.attributes()])
        for f in layer.getFeatures()
    ]


@pytest.mark.parametrize("with_null_geometry", [False, True])
def test_buildings_written_from_memory_equal_the_copy_through_qgis(
    tmp_path, algorithm, monkeypatch, with_null_geometry
):
    """write_buildings writes the geometries it read (holds_source_geometries) instead of reading them again
    through QGIS: the same file as the copy (copy_features); a null geometry keeps the copy."""
    from qgis.core import QgsFeedback

    from suginami_gis.processing import conversions
    from suginami_gis.processing.conversions import holds_source_geometries, read_vector
    from suginami_gis.processing.inputs import buildings as module

    rows = ROWS if with_null_geometry else [row for row in ROWS if row[0] is not None]
    uri = _write_gpkg(tmp_path / "b.gpkg", rows)
    context = _context()
    source = algorithm.parameterAsSource({"BUILDINGS": uri}, "BUILDINGS", context)
    data = read_vector(source, context, None, source.fields().names())
    assert holds_source_geometries(source, data) is not with_null_geometry
    spec = [("p_collapse", float), ("note", str)]
    columns = [np.linspace(0.0, 1.0, len(data)), [f"n{i}" for i in range(len(data))]]
    copies = []
    monkeypatch.setattr(module, "copy_features", lambda *a, **k: copies.append(1) or conversions.copy_features(*a, **k))
    out = {}
    for way, holds in (("memory", holds_source_geometries), ("copy", lambda *a: False)):
        monkeypatch.setattr(module, "holds_source_geometries", holds)
        path = str(tmp_path / f"{way}.gpkg")
        module.write_buildings(algorithm, {"OUTPUT": path}, context, source, data, spec, columns, QgsFeedback())
        out[way] = _features(path)
    assert out["memory"] == out["copy"]
    assert len(copies) == (2 if with_null_geometry else 1)
    names, features = out["memory"]
    assert names[-2:] == ["p_collapse", "note"] and len(features) == len(data)


def test_rebuilt_flags_of_a_plain_file_equal_the_copy_through_qgis(tmp_path, algorithm):
    """write_rebuilt_flags copies a plain GeoPackage and sets the flag in SQL: the same fids, geometries and
    values as the feature-by-feature copy through QGIS, plus the flag, and the layer keeps its spatial index."""
    import sqlite3

    from qgis.core import QgsFeedback, QgsProcessingFeatureSource, QgsVectorLayer

    from suginami_gis.processing.fireproofing import REBUILT_FIELD, write_rebuilt_flags

    uri = _write_gpkg(tmp_path / "b.gpkg")
    context = _context()
    plain = algorithm.parameterAsSource({"BUILDINGS": uri}, "BUILDINGS", context)
    layer = QgsVectorLayer(uri, "b", "ogr")  # kept: the source does not own it
    other = QgsProcessingFeatureSource(layer, context)  # not marked: through QGIS
    rebuilt = [2, 5]
    fast = write_rebuilt_flags(plain, rebuilt, str(tmp_path / "fast.gpkg"), context, QgsFeedback())
    slow = write_rebuilt_flags(other, rebuilt, str(tmp_path / "slow.gpkg"), context, QgsFeedback())
    assert fast == f"{tmp_path / 'fast.gpkg'}|layername=buildings" and slow == str(tmp_path / "slow.gpkg")
    (names, fast_features), (slow_names, slow_features) = _features(fast), _features(slow)
    assert names == slow_names and names[-1] == REBUILT_FIELD
    assert fast_features == slow_features
    assert [(fid, values[-1]) for fid, _, values in fast_features] == [(1, "0"), (2, "1"), (3, "0"), (5, "1")]
    with sqlite3.connect(tmp_path / "fast.gpkg") as db:
        assert db.execute("SELECT COUNT(*) FROM rtree_buildings_geom").fetchone()[0] == 3  # the 3 non-null


def test_an_unindexed_output_has_no_spatial_index(tmp_path, algorithm):
    """staging.unindexed_output: the chain's intermediate layers are written without a spatial index."""
    import sqlite3

    from qgis.core import QgsFeature, QgsFeatureSink, QgsFields, QgsGeometry, QgsWkbTypes

    from suginami_gis.processing.staging import unindexed_output

    context = _context()
    crs = algorithm.parameterAsSource({"BUILDINGS": _write_gpkg(tmp_path / "b.gpkg")}, "BUILDINGS", context).sourceCrs()
    for name, destination in (
        ("plain", str(tmp_path / "plain.gpkg")),
        ("unindexed", unindexed_output(str(tmp_path / "unindexed.gpkg"))),
    ):
        sink, _ = algorithm.parameterAsSink(
            {"OUTPUT": destination}, "OUTPUT", context, QgsFields(), QgsWkbTypes.Point, crs
        )
        feature = QgsFeature()
        feature.setGeometry(QgsGeometry.fromWkt("POINT(1 2)"))
        assert sink.addFeature(feature, QgsFeatureSink.FastInsert)
        del sink
        with sqlite3.connect(tmp_path / f"{name}.gpkg") as db:
            rtrees = db.execute(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name LIKE 'rtree_%'"
            ).fetchone()[0]
            count = db.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0]
        assert (rtrees > 0, count) == (name == "plain", 1), name


def _table_state(path, table):
    """A GeoPackage table as SQLite stores it: rows by fid, the spatial index's entries, count and extent."""
    import sqlite3

    with sqlite3.connect(path) as db:
        columns = [row[1] for row in db.execute(f'PRAGMA table_info("{table}")')]
        rows = db.execute(f'SELECT * FROM "{table}" ORDER BY fid').fetchall()
        rtree = db.execute(f'SELECT * FROM "rtree_{table}_geom" ORDER BY id').fetchall()
        extent = db.execute(
            "SELECT min_x, min_y, max_x, max_y FROM gpkg_contents WHERE table_name = ?", (table,)
        ).fetchone()
        count = db.execute("SELECT feature_count FROM gpkg_ogr_contents WHERE table_name = ?", (table,)).fetchone()
    return columns, rows, rtree, extent, count


@pytest.mark.parametrize("destination", ["file", "table"])
def test_buildings_copied_in_sql_equal_the_features_written(tmp_path, run_alg, monkeypatch, destination):
    """Damage and fire outputs of a GeoPackage input are its rows copied in SQL plus the new columns
    (processing/gpkg_sql.py): the same columns, stored values, geometry blobs, spatial index, count and
    extent as the features written through QGIS, for a staged file and for a table in a GeoPackage."""
    import shutil

    from conftest import SAMPLE_GPKG
    from qgis.core import QgsVectorLayer
    from test_buildingdamage import params

    from suginami_gis.processing import gpkg_sql
    from suginami_gis.processing.inputs import buildings as module

    shutil.copy(SAMPLE_GPKG, tmp_path / "input.gpkg")
    calls = []
    original = gpkg_sql.extend_table
    monkeypatch.setattr(gpkg_sql, "extend_table", lambda *a, **k: calls.append(a[3]) or original(*a, **k))
    states = {}
    for way in ("sql", "features"):
        if way == "features":
            monkeypatch.setattr(module, "sql_target", lambda *a, **k: None)
        folder = tmp_path / way
        folder.mkdir()
        if destination == "file":
            damage_out, fire_out = str(folder / "damage.gpkg"), str(folder / "fire.gpkg")
            tables = ("damage", "fire")
        else:
            damage_out = f"ogr:dbname='{folder / 'out.gpkg'}' table=\"damage\" (geom)"
            fire_out = f"ogr:dbname='{folder / 'out.gpkg'}' table=\"fire\" (geom)"
            tables = ("damage", "fire")
        damage = run_alg(
            "buildingdamage",
            params(folder, BUILDINGS=f"{tmp_path / 'input.gpkg'}|layername=buildings", OUTPUT=damage_out),
        )
        fire = run_alg(
            "firespread",
            {
                "BUILDINGS": damage["OUTPUT"],
                "REALIZATIONS": 20,
                "SEED": 3,
                "OUTPUT": fire_out,
                "OUTPUT_BURN_PROBABILITY": str(folder / "burn.tif"),
                "OUTPUT_SUMMARY": "memory:",
            },
        )
        paths = (folder / "damage.gpkg", folder / "fire.gpkg") if destination == "file" else (folder / "out.gpkg",) * 2
        states[way] = [_table_state(path, table) for path, table in zip(paths, tables)]
        layer = QgsVectorLayer(fire["OUTPUT"], "fire", "ogr")
        assert layer.isValid() and layer.featureCount() == sample_layer_count()
    assert calls == ["damage", "fire"]  # both outputs went through SQL, and only in the first way
    for (sql_state, feature_state), table in zip(zip(states["sql"], states["features"]), ("damage", "fire")):
        columns, rows, rtree, extent, count = sql_state
        assert columns == feature_state[0], table
        assert rows == feature_state[1], table
        assert len(rows) == sample_layer_count() and len(rtree) == len(rows)
        assert rtree == feature_state[2], table
        assert extent == pytest.approx(feature_state[3]), table
        # GDAL may leave a table's count unknown (NULL: counted when asked); the copy keeps the source's
        assert count == (len(rows),) and feature_state[4] in ((len(rows),), (None,)), table


def sample_layer_count() -> int:
    from conftest import sample_layer

    return sample_layer("buildings").featureCount()


def test_fields_left_unread_are_read_when_the_output_is_not_a_geopackage(tmp_path, run_alg, monkeypatch):
    """read_attributes reads only the damage fields of a GeoPackage input (the output copies the others in
    SQL); a memory output cannot be copied, so write_buildings reads the others then: every input field
    keeps its values."""
    import pyogrio.raw
    from qgis.core import QgsProcessingContext, QgsProcessingUtils, QgsProject
    from test_buildingdamage import params

    from suginami_gis.processing.conversions import is_null

    reads = []
    original = pyogrio.raw.read
    monkeypatch.setattr(
        pyogrio.raw, "read", lambda *a, **k: reads.append((k.get("layer"), k.get("columns"))) or original(*a, **k)
    )
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    result = run_alg("buildingdamage", params(tmp_path, OUTPUT="memory:"), context=context)
    buildings = [columns for layer, columns in reads if layer == "buildings"]
    # first the damage fields alone, then the fields the memory output keeps
    assert sorted(buildings[0]) == ["occupants", "structure", "year_built"]
    assert len(buildings) == 2 and "use" in buildings[1]
    out = result["OUTPUT"]
    out = QgsProcessingUtils.mapLayerFromString(out, context) if isinstance(out, str) else out
    source = sample_layer_features()
    assert out.featureCount() == len(source)
    names = next(iter(source.values())).fields().names()
    assert names[0] == "fid" and out.fields().names()[: len(names)] == names
    for feature in out.getFeatures():
        expected = source[feature["fid"]]
        for name in names:
            a, b = feature[name], expected[name]
            assert (is_null(a) and is_null(b)) or a == b, (feature.id(), name, a, b)


def sample_layer_features() -> dict:
    from conftest import sample_layer

    return {f.id(): f for f in sample_layer("buildings").getFeatures()}


def test_indexed_table_tells_a_geopackage_table_with_a_spatial_index(tmp_path):
    """gpkg_sql.indexed_table: the scenario writes the damage step's buildings with a spatial index (copied as
    stored in SQL) only when BUILDINGS is a GeoPackage table that has one."""
    import sqlite3

    from suginami_gis.processing.gpkg_sql import indexed_table

    uri = _write_gpkg(tmp_path / "b.gpkg")
    path = str(tmp_path / "b.gpkg")
    assert indexed_table(uri) and indexed_table(path)
    assert not indexed_table(f"{path}|layername=other") and not indexed_table(f"{path}|layerid=0")
    with sqlite3.connect(path) as db:
        db.execute("DELETE FROM gpkg_extensions WHERE extension_name = 'gpkg_rtree_index'")
    assert not indexed_table(uri)
    assert not indexed_table("memory:") and not indexed_table(None) and not indexed_table(str(tmp_path / "none.gpkg"))


def _only_table(path):
    import sqlite3

    with sqlite3.connect(path) as db:
        (table,) = db.execute("SELECT table_name FROM gpkg_contents WHERE data_type = 'features'").fetchone()
    return table


def _sample_evacuation(**extra):
    """evacuationroutes on the sample ward with capacities and 3 blockage realizations, plus ``extra``."""
    from conftest import sample_layer

    return {
        "ROADS": sample_layer("roads"),
        "ORIGINS": sample_layer("buildings"),
        "ORIGIN_ID_FIELD": "building_id",
        "POPULATION_FIELD": "occupants",
        "SHELTERS": sample_layer("shelters"),
        "SHELTER_ID_FIELD": "shelter_id",
        "CAPACITY_FIELD": "capacity",
        "REALIZATIONS": 3,
        **extra,
    }


@pytest.mark.parametrize("destination", ["file", "table"])
def test_new_outputs_written_in_sql_equal_the_features_written(tmp_path, run_alg, monkeypatch, destination):
    """A new output of many features is QGIS's empty table filled in SQL (gpkg_sql.insert_rows): the same
    columns, stored values (texts, reals, integers, booleans, NULLs), geometry blobs (lines, multipolygons and
    points), spatial-index entries, count and extent as the features written through QGIS."""
    import sqlite3

    from suginami_gis.processing import gpkg_sql

    calls = []
    original = gpkg_sql.insert_rows
    monkeypatch.setattr(gpkg_sql, "insert_rows", lambda *a, **k: calls.append(a[1]) or original(*a, **k))
    monkeypatch.setattr(gpkg_sql, "SQL_MIN_ROWS", 1)  # the 20 shelters' points too
    keys = ("OUTPUT_ROUTES", "OUTPUT_ASSIGNMENT", "OUTPUT_SHELTERS")
    states = {}
    for way in ("sql", "features"):
        if way == "features":
            monkeypatch.setattr(gpkg_sql, "rows_target", lambda *a, **k: None)
        folder = tmp_path / way
        folder.mkdir()
        if destination == "file":
            outputs = {key: str(folder / f"{key.lower()}.gpkg") for key in keys}
        else:
            outputs = {key: f"ogr:dbname='{folder / 'out.gpkg'}' table=\"{key.lower()}\" (geom)" for key in keys}
        run_alg("evacuationroutes", _sample_evacuation(SHELTER_NAME_FIELD="name_ja", MAX_MINUTES=15, SEED=5, **outputs))
        states[way] = []
        for key in keys:
            path = folder / f"{key.lower()}.gpkg" if destination == "file" else folder / "out.gpkg"
            table = _only_table(path) if destination == "file" else key.lower()
            states[way].append(_table_state(path, table))
            with sqlite3.connect(path) as db:  # the packed spatial index is a valid SQLite R*Tree
                assert db.execute(f"SELECT rtreecheck('rtree_{table}_geom')").fetchone()[0] == "ok"
    assert len(calls) == 3  # all three outputs went through SQL, and only in the first way
    for sql_state, feature_state, key in zip(states["sql"], states["features"], keys):
        columns, rows, rtree, extent, count = sql_state
        assert columns == feature_state[0], key
        assert rows == feature_state[1], key
        assert len(rows) > 0 and len(rtree) == len(rows), key
        assert rtree == feature_state[2], key
        assert extent == pytest.approx(feature_state[3]), key
        assert count == (len(rows),) and feature_state[4] in ((len(rows),), (None,)), key
    columns, assignment = states["sql"][1][:2]
    for flag in ("unreachable", "isolated"):  # booleans stored as integers
        assert {row[columns.index(flag)] for row in assignment} <= {0, 1}, flag


def test_rows_inserted_in_sql_equal_qgis_writer_with_nulls(tmp_path):
    """insert_rows against QGIS's own writer on the same features: NULL and NaN values, a missing geometry,
    booleans, 64-bit integers and Japanese text are stored alike."""
    import shapely
    from qgis.core import (
        QgsCoordinateReferenceSystem,
        QgsCoordinateTransformContext,
        QgsVectorFileWriter,
        QgsWkbTypes,
    )

    from suginami_gis.processing import gpkg_sql
    from suginami_gis.processing.conversions import make_fields, write_columns

    spec = [("name", str), ("value", float), ("count", int), ("flag", bool)]
    geometries = np.array(
        [shapely.LineString([(0, 0), (10, 5)]), None, shapely.LineString([(-3, 2), (4, 8), (1, -6)])], dtype=object
    )
    columns = [["木造", None, ""], np.array([1.5, np.nan, -0.25]), np.array([2**40, -7, 0]), [True, None, False]]

    def empty_table(path):
        options = QgsVectorFileWriter.SaveVectorOptions()
        options.driverName, options.layerName = "GPKG", "t"
        writer = QgsVectorFileWriter.create(
            str(path),
            make_fields(spec),
            QgsWkbTypes.LineString,
            QgsCoordinateReferenceSystem("EPSG:6677"),
            QgsCoordinateTransformContext(),
            options,
        )
        assert writer.hasError() == QgsVectorFileWriter.NoError, writer.errorMessage()
        return writer

    writer = empty_table(tmp_path / "qgis.gpkg")
    assert write_columns(writer, make_fields(spec), geometries, columns) == 3
    del writer
    writer = empty_table(tmp_path / "sql.gpkg")
    del writer
    assert gpkg_sql.insert_rows(str(tmp_path / "sql.gpkg"), "t", geometries, [n for n, _ in spec], columns) == 3
    sql_state, qgis_state = _table_state(tmp_path / "sql.gpkg", "t"), _table_state(tmp_path / "qgis.gpkg", "t")
    assert sql_state[:3] == qgis_state[:3]
    # fid 2: an empty line (as QGIS stores a feature without geometry), NULL text, NaN and boolean
    assert sql_state[1][1][1][:4] == b"GP\x00\x11" and sql_state[1][1][2:] == (None, None, -7, None)
    assert sql_state[3] == pytest.approx(qgis_state[3]) and sql_state[4] == (3,)
    with pytest.raises(RuntimeError, match="not empty"):
        gpkg_sql.insert_rows(str(tmp_path / "sql.gpkg"), "t", geometries, [n for n, _ in spec], columns)


def test_outputs_sql_cannot_write_take_the_feature_path(tmp_path):
    """rows_target leaves to QGIS what the SQL write would store differently: other geometry types than the
    layer's (QGIS converts them), empty or 3D geometries, few rows, and fields of other types."""
    from datetime import date

    import shapely
    from qgis.core import QgsProcessingContext, QgsWkbTypes

    from suginami_gis.processing import gpkg_sql

    path = tmp_path / "out.gpkg"
    path.write_bytes(b"")
    context = QgsProcessingContext()
    lines = np.array([shapely.LineString([(0, 0), (i + 1, 1)]) for i in range(gpkg_sql.SQL_MIN_ROWS)], dtype=object)
    spec = [("n", float)]
    line = QgsWkbTypes.LineString

    def target(wkb_type=line, geometries=lines, fields=spec, dest=str(path)):
        return gpkg_sql.rows_target(None, dest, context, wkb_type, geometries, fields)

    assert target() is not None and target().path == str(path)
    assert target(dest=f"{path}|layername=t").table == "t"
    assert target(wkb_type=QgsWkbTypes.MultiLineString) is None
    mixed = lines.copy()
    mixed[3] = shapely.MultiLineString([[(0, 0), (1, 1)]])
    assert target(geometries=mixed) is None
    empty = lines.copy()
    empty[0] = shapely.LineString()
    assert target(geometries=empty) is None
    assert target(geometries=shapely.force_3d(lines)) is None
    assert target(geometries=lines[:-1]) is None
    assert target(fields=[("day", date)]) is None
    assert target(dest=str(tmp_path / "out.shp")) is None
    missing = lines.copy()
    missing[1] = None
    assert target(geometries=missing) is not None
    points = np.array([shapely.Point(i, 0) for i in range(gpkg_sql.SQL_MIN_ROWS)], dtype=object)
    assert target(wkb_type=QgsWkbTypes.Point, geometries=points) is not None
    points[2] = None
    assert target(wkb_type=QgsWkbTypes.Point, geometries=points) is None  # QGIS stores an empty point
    blobs, bounds = gpkg_sql.geometry_blobs(missing[:3], 6677)
    assert blobs[1] is None and np.isnan(bounds[1]).all()
    assert blobs[0][:8] == b"GP\x00\x03" + (6677).to_bytes(4, "little")
    assert blobs[0][8:40] == np.array([0.0, 1.0, 0.0, 1.0]).tobytes() and blobs[0][40:] == shapely.to_wkb(lines[0])
    point = gpkg_sql.geometry_blobs(np.array([shapely.Point(1, 2)], dtype=object), 4326)[0][0]
    assert point == b"GP\x00\x01" + (4326).to_bytes(4, "little") + shapely.to_wkb(shapely.Point(1, 2))


def test_geometries_kept_in_the_scenario_are_those_read(tmp_path, run_alg, algorithm, pyogrio_calls):
    """Inside the scenario (memo.shared) a table's geometries are read once: the damage output, its input's
    rows copied in SQL, takes the geometries read from the input (pyogrio reads only its columns), equal
    to a read outside the scenario; a table with other fids reads its own; outside, nothing is kept."""
    import shutil
    import sqlite3

    import pyogrio.raw
    import shapely
    from conftest import SAMPLE_GPKG
    from test_buildingdamage import params

    from suginami_gis.core import memo
    from suginami_gis.processing import file_layers
    from suginami_gis.processing.conversions import read_vector

    shutil.copy(SAMPLE_GPKG, tmp_path / "input.gpkg")
    source_uri = f"{tmp_path / 'input.gpkg'}|layername=buildings"

    def read(uri):
        context = _context()
        source = algorithm.parameterAsSource({"BUILDINGS": uri}, "BUILDINGS", context)
        return read_vector(source, context, source.sourceCrs(), ["building_id", "structure"])

    with memo.shared():
        first = read(source_uri)
        damage = run_alg("buildingdamage", params(tmp_path, BUILDINGS=source_uri, OUTPUT=str(tmp_path / "d.gpkg")))
        pyogrio_calls.clear()
        geometry_asked = []
        counting = pyogrio.raw.read
        pyogrio.raw.read = lambda *a, **k: geometry_asked.append(k.get("read_geometry", True)) or counting(*a, **k)
        try:
            again = read(damage["OUTPUT"])
            # another table said to copy the input's geometries, but with a feature less: its own are read
            trimmed = tmp_path / "trimmed.gpkg"
            shutil.copy(tmp_path / "input.gpkg", trimmed)
            with sqlite3.connect(trimmed) as db:
                db.execute("DELETE FROM buildings WHERE fid = (SELECT MIN(fid) FROM buildings)")
            file_layers.same_geometries(str(trimmed), "buildings", str(tmp_path / "input.gpkg"), "buildings")
            fewer = read(f"{trimmed}|layername=buildings")
        finally:
            pyogrio.raw.read = counting
        assert geometry_asked[0] is False  # the damage output: its columns only
        assert geometry_asked[1:] == [False, True]  # the trimmed table: columns, then its own geometries
        assert memo.counts()[file_layers.GEOMETRIES][1] >= 1
    assert fewer.ids.tolist() == first.ids.tolist()[1:]
    assert shapely.to_wkb(fewer.geometries).tolist() == shapely.to_wkb(first.geometries[1:]).tolist()
    pyogrio_calls.clear()
    fresh = read(damage["OUTPUT"])  # outside the scenario: read in full
    assert len(pyogrio_calls) == 1
    assert again.ids.tolist() == fresh.ids.tolist() == first.ids.tolist()
    assert shapely.to_wkb(again.geometries).tolist() == shapely.to_wkb(fresh.geometries).tolist()
    assert again.attributes["building_id"] == fresh.attributes["building_id"]
    assert again.geometries is not first.geometries  # a copy: a step changing its array changes no other


def test_scenario_rows_read_in_sql_equal_qgis(tmp_path, run_alg, monkeypatch):
    """The scenario's result rows (scenario/comparison._rows) read in SQL from a GeoPackage table equal those
    read through QGIS: values, types (BOOLEAN as bool), NULLs, fid order, a missing field as None."""
    from conftest import sample_layer
    from osgeo import ogr

    from suginami_gis.processing.scenario import comparison

    table = f"ogr:dbname='{tmp_path / 'out.gpkg'}' table=\"origins\" (geom)"
    run_alg(
        "evacuationroutes",
        _sample_evacuation(
            MAX_MINUTES=5, SEED=2, OUTPUT_ASSIGNMENT=table, OUTPUT_ROUTES="memory:", OUTPUT_SHELTERS="memory:"
        ),
    )
    uri = f"{tmp_path / 'out.gpkg'}|layername=origins"
    dataset = ogr.Open(str(tmp_path / "out.gpkg"), update=1)  # NULLs (the output has none); GDAL's triggers
    dataset.ExecuteSQL("UPDATE origins SET p_reach = NULL, unreachable = NULL, district = NULL WHERE fid = 2")
    dataset = None
    names = ("population", "p_reach", "unreachable", "district", "time_min", "no_such_field")
    in_sql = comparison._rows(uri, names)
    monkeypatch.setattr(comparison, "_sql_rows", lambda *a: None)
    through_qgis = comparison._rows(uri, names)
    assert len(in_sql) == sample_layer("buildings").featureCount()
    assert in_sql == through_qgis
    for name in names:
        assert [type(row[name]) for row in in_sql] == [type(row[name]) for row in through_qgis], name
    assert {type(row["unreachable"]) for row in in_sql} == {bool, type(None)}
    assert in_sql[1]["p_reach"] is None and in_sql[1]["district"] is None and in_sql[1]["unreachable"] is None
    assert any(row["unreachable"] for row in in_sql) and not all(row["unreachable"] for row in in_sql)
