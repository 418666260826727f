"""suginami:roadblockage through QGIS Processing."""

from __future__ import annotations

import socket

import numpy as np
import pytest
from conftest import SAMPLE_GPKG, output_features, sample_layer
from shapely.geometry import LineString, box

from suginami_gis.core import blockage as bk
from suginami_gis.core import network as nw
from suginami_gis.core import osm as core_osm


def memory_lines(lines, crs="EPSG:6677", widths=None):
    from qgis.core import QgsFeature, QgsGeometry, QgsVectorLayer

    layer = QgsVectorLayer(f"LineString?crs={crs}&field=width_m:double&field=highway:string", "roads", "memory")
    feats = []
    for k, line in enumerate(lines):
        f = QgsFeature(layer.fields())
        f.setGeometry(QgsGeometry.fromWkt(line.wkt))
        f.setAttributes([None if widths is None else widths[k], "residential"])
        feats.append(f)
    layer.dataProvider().addFeatures(feats)
    return layer


def memory_buildings(polygons, p_collapse, p_half, p_burn=None, crs="EPSG:6677"):
    from qgis.core import QgsFeature, QgsGeometry, QgsVectorLayer

    fields = "&field=p_collapse:double&field=p_half:double" + ("&field=p_burn:double" if p_burn is not None else "")
    layer = QgsVectorLayer(f"Polygon?crs={crs}{fields}", "buildings", "memory")
    feats = []
    for k, poly in enumerate(polygons):
        f = QgsFeature(layer.fields())
        f.setGeometry(QgsGeometry.fromWkt(poly.wkt))
        attrs = [p_collapse[k], p_half[k]] + ([p_burn[k]] if p_burn is not None else [])
        f.setAttributes(attrs)
        feats.append(f)
    layer.dataProvider().addFeatures(feats)
    return layer


def run(run_alg, params):
    from qgis.core import QgsProcessingContext, QgsProject

    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    return run_alg("roadblockage", params, context=context), context


def test_algorithm_is_registered_with_help(provider):
    alg = provider.algorithm("roadblockage")
    assert alg is not None
    assert "Ieda" in alg.shortHelpString()
    keys = {p.name() for p in alg.parameterDefinitions()}
    assert {
        "ROADS",
        "WIDTH_FIELD",
        "HIGHWAY_FIELD",
        "SNAP_TOLERANCE",
        "OSM_FILE",
        "OSM_AREA",
        "OSM_EXTENT",
        "OSM_CACHE_DAYS",
        "BUILDINGS",
        "CLOSURES",
        "OUTPUT",
    } <= keys


def test_blockage_values_on_a_small_street(run_alg):
    roads = memory_lines([LineString([(0, 0), (100, 0)]), LineString([(100, 0), (200, 0)])], widths=[4.0, 3.0])
    buildings = memory_buildings(
        [box(10, 3, 20, 12), box(30, -14, 40, -6), box(150, 2, 160, 10)], [0.1, 0.3, 0.2], [0.3, 0.5, 0.2], [0, 0, 0.5]
    )
    result, context = run(
        run_alg, {"ROADS": roads, "WIDTH_FIELD": "width_m", "BUILDINGS": buildings, "OUTPUT": "memory:"}
    )
    rows = sorted(output_features(result, "OUTPUT", context), key=lambda f: f.geometry().centroid().asPoint().x())
    assert len(rows) == 2
    west, east = rows
    h_west = (50 * (0.1 + 0.3) + 50 * (0.3 + 0.5)) / 2
    assert west["damage_ratio"] == pytest.approx(h_west)
    assert west["p_block"] == pytest.approx((0.3514 * h_west + 13.189) / 100)
    assert west["width_m"] == 4.0 and not west["width_estimated"] and west["width_class"] == 1
    assert east["damage_ratio"] == pytest.approx(20.0)
    collapse = float(bk.blockage_ratio_percent(20.0, 3.0)) / 100  # 37.863 %
    assert east["p_block_collapse"] == pytest.approx(collapse)
    assert east["p_fire"] == pytest.approx(0.5)
    assert east["p_block"] == pytest.approx(1 - (1 - collapse) * 0.5)
    assert result["SEGMENTS"] == 2


def test_widths_are_estimated_from_footprints_and_closures_close(run_alg):
    from qgis.core import QgsFeature, QgsGeometry, QgsVectorLayer

    roads = memory_lines([LineString([(0, 0), (100, 0)])])
    rows_of_houses = [box(x, 3, x + 10, 11) for x in range(0, 100, 12)] + [
        box(x, -14, x + 10, -4) for x in range(0, 100, 12)
    ]
    n = len(rows_of_houses)
    buildings = memory_buildings(rows_of_houses, [0.2] * n, [0.2] * n)
    closures = QgsVectorLayer("Polygon?crs=EPSG:6677", "closures", "memory")
    f = QgsFeature()
    f.setGeometry(QgsGeometry.fromWkt(box(40, -5, 45, 5).wkt))
    closures.dataProvider().addFeatures([f])
    result, context = run(run_alg, {"ROADS": roads, "BUILDINGS": buildings, "OUTPUT": "memory:"})
    (row,) = output_features(result, "OUTPUT", context)
    # 7 m between the facades less the setback on both sides (core.network.WIDTH_SETBACK_M)
    assert row["width_m"] == pytest.approx(7.0 - 2 * nw.WIDTH_SETBACK_M)
    assert row["width_estimated"] and row["width_source"] == "buildings"
    assert row["width_class"] == 1
    assert row["p_block"] == pytest.approx(0.20217, abs=5e-6)  # H = 20 % in the 3.5-5.5 m class
    result, context = run(run_alg, {"ROADS": roads, "BUILDINGS": buildings, "CLOSURES": closures, "OUTPUT": "memory:"})
    (row,) = output_features(result, "OUTPUT", context)
    assert row["closed"] and row["p_block"] == 1.0


def test_osm_file_network(run_alg, shared_data):
    osm = shared_data / "osm-nerima-2011" / "nerima_2011_tokyo.osm"
    if not osm.exists():
        pytest.skip(f"{osm} is absent")
    buildings = memory_buildings([box(-13000, -31500, -12990, -31490)], [0.2], [0.4])
    result, context = run(run_alg, {"OSM_FILE": str(osm), "BUILDINGS": buildings, "OUTPUT": "memory:"})
    rows = output_features(result, "OUTPUT", context)
    assert len(rows) == result["SEGMENTS"] > 1500
    sources = [f["width_source"] for f in rows]
    assert sources.count("yh_width") > 200
    assert all(f["width_m"] == pytest.approx(4.25) for f in rows if f["width_source"] == "yh_width")
    assert 115_000 < sum(f["length_m"] for f in rows) < 126_000


NERIMA_EXTENT = "139.6577,139.6802,35.7403,35.7584 [EPSG:4326]"


@pytest.fixture
def nerima_osm(shared_data):
    osm = shared_data / "osm-nerima-2011" / "nerima_2011_tokyo.osm"
    if not osm.exists():
        pytest.skip(f"{osm} is absent")
    return osm


@pytest.fixture
def offline_cache(tmp_path, monkeypatch):
    """An empty OSM cache folder (SUGINAMI_GIS_OSM_CACHE) and no network connection at all."""

    def refuse(*args, **kwargs):
        raise OSError("network access is blocked in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setenv("SUGINAMI_GIS_OSM_CACHE", str(tmp_path / "osm_cache"))
    return tmp_path / "osm_cache"


def test_osm_pbf_file_gives_the_osm_network(run_alg, nerima_osm, tmp_path):
    import osmium

    pbf = tmp_path / "nerima.osm.pbf"
    with osmium.SimpleWriter(str(pbf)) as writer:
        for obj in osmium.FileProcessor(str(nerima_osm)):
            writer.add(obj)
    buildings = memory_buildings([box(-13000, -31500, -12990, -31490)], [0.2], [0.4])
    from_osm, _ = run(run_alg, {"OSM_FILE": str(nerima_osm), "BUILDINGS": buildings, "OUTPUT": "memory:"})
    from_pbf, context = run(run_alg, {"OSM_FILE": str(pbf), "BUILDINGS": buildings, "OUTPUT": "memory:"})
    assert from_pbf["SEGMENTS"] == from_osm["SEGMENTS"] == 1556
    rows = output_features(from_pbf, "OUTPUT", context)
    assert sum(f["length_m"] for f in rows) == pytest.approx(125_340.7, abs=1.0)


def test_osm_extent_from_a_pre_seeded_cache_offline(run_alg, nerima_osm, offline_cache):
    import osmnx as ox
    import shapely

    with nw.osmnx_settings(ox, use_cache=False):
        graph = ox.graph_from_xml(nerima_osm, bidirectional=True, simplify=False, retain_all=True)
    path = core_osm.cached_graph_path(offline_cache, shapely.box(139.6577, 35.7403, 139.6802, 35.7584))
    path.parent.mkdir(parents=True)
    ox.io.save_graphml(graph, path)
    buildings = memory_buildings([box(-13000, -31500, -12990, -31490)], [0.2], [0.4])
    result, context = run(run_alg, {"OSM_EXTENT": NERIMA_EXTENT, "BUILDINGS": buildings, "OUTPUT": "memory:"})
    assert result["SEGMENTS"] == 1556


def test_osm_area_offline_names_the_osm_file_alternative(run_alg, offline_cache):
    from qgis.core import QgsFeature, QgsGeometry, QgsProcessingException, QgsVectorLayer

    districts = QgsVectorLayer("Polygon?crs=EPSG:6677", "districts", "memory")
    f = QgsFeature()
    f.setGeometry(QgsGeometry.fromWkt(box(-14000, -30000, -13000, -29000).wkt))
    districts.dataProvider().addFeatures([f])
    buildings = memory_buildings([box(-13500, -29500, -13490, -29490)], [0.2], [0.4])
    with pytest.raises(QgsProcessingException) as info:
        run(run_alg, {"OSM_AREA": districts, "BUILDINGS": buildings, "OUTPUT": "memory:"})
    assert "OSM_FILE" in str(info.value) and "offline" in str(info.value)


def test_sample_ward(run_alg):
    from qgis.core import QgsFeature, QgsVectorLayer

    source = sample_layer("buildings")
    layer = QgsVectorLayer("Polygon?crs=EPSG:6677&field=p_collapse:double&field=p_half:double", "damage", "memory")
    feats = []
    for f in source.getFeatures():
        g = QgsFeature(layer.fields())
        g.setGeometry(f.geometry())
        wood = f["structure"] == "wood"
        g.setAttributes([0.1 if wood else 0.01, 0.3 if wood else 0.03])
        feats.append(g)
    layer.dataProvider().addFeatures(feats)
    roads = sample_layer("roads")
    result, context = run(
        run_alg,
        {"ROADS": roads, "WIDTH_FIELD": "width_m", "HIGHWAY_FIELD": "highway", "BUILDINGS": layer, "OUTPUT": "memory:"},
    )
    rows = output_features(result, "OUTPUT", context)
    assert len(rows) == roads.featureCount()
    p = np.array([f["p_block"] for f in rows])
    widths = np.array([f["width_m"] for f in rows])
    assert not any(f["width_estimated"] for f in rows)
    assert (p[widths >= 13] == 0).all()
    assert p[widths < 3.5].mean() > p[(widths >= 3.5) & (widths < 5.5)].mean() > 0
    assert str(SAMPLE_GPKG).endswith("sample_ward.gpkg")


@pytest.mark.parametrize("case", ["geographic", "empty", "unnoded", "no_damage_field"])
def test_bad_input_is_a_processing_error(run_alg, case):
    from qgis.core import QgsProcessingException, QgsVectorLayer

    buildings = memory_buildings([box(10, 3, 20, 12)], [0.1], [0.3])
    roads = memory_lines([LineString([(0, 0), (100, 0)])])
    if case == "geographic":
        roads = memory_lines([LineString([(139.6, 35.7), (139.61, 35.7)])], crs="EPSG:4326")
        expected = "EPSG:6677"
    elif case == "empty":
        roads = memory_lines([])
        expected = "no features"
    elif case == "unnoded":
        roads = memory_lines(
            [LineString([(0, y), (300, y)]) for y in (0, 100, 200)]
            + [LineString([(x, -50), (x, 250)]) for x in (50, 150, 250)]
        )
        expected = "without a shared vertex"
    else:
        buildings = QgsVectorLayer("Polygon?crs=EPSG:6677&field=other:double", "b", "memory")
        expected = "p_collapse"
    with pytest.raises(QgsProcessingException) as info:
        run(run_alg, {"ROADS": roads, "BUILDINGS": buildings, "OUTPUT": "memory:"})
    assert expected in str(info.value)
