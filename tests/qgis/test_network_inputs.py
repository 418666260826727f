"""The street network's OpenStreetMap group (OSM_FILE, OSM_AREA, OSM_EXTENT, OSM_CACHE_DAYS) everywhere it is used."""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

import pytest
from conftest import output_features

from suginami_gis.core import network as nw
from suginami_gis.core import osm as core_osm

OSM_KEYS = {"OSM_FILE", "OSM_AREA", "OSM_EXTENT", "OSM_CACHE_DAYS"}
NERIMA_BOX = (139.6577, 35.7403, 139.6802, 35.7584)
NERIMA_EXTENT = "139.6577,139.6802,35.7403,35.7584 [EPSG:4326]"


@pytest.mark.parametrize("name", ["roadblockage", "evacuationroutes", "shelteraccess", "scenario"])
def test_every_network_algorithm_has_the_osm_group(provider, name):
    alg = provider.algorithm(name)
    definitions = {p.name(): p for p in alg.parameterDefinitions()}
    assert OSM_KEYS <= set(definitions)
    assert "*.pbf" in definitions["OSM_FILE"].fileFilter()
    assert definitions["OSM_CACHE_DAYS"].defaultValue() == core_osm.OSM_CACHE_EXPIRY_DAYS


def test_scenario_passes_the_osm_area_to_road_blockage(provider):
    from qgis.core import QgsCoordinateReferenceSystem

    from suginami_gis.processing.scenario.settings import Settings, field_choices
    from suginami_gis.processing.scenario.wiring import Wiring

    alg = provider.algorithm("scenario").create()

    def network(parameters):
        settings = Settings(
            QgsCoordinateReferenceSystem("EPSG:6677"), field_choices(alg, parameters), Path("x"), "", None
        )
        return Wiring(alg, parameters, settings).blockage("b.gpkg", "out")

    area = {"OSM_AREA": "districts.gpkg", "OSM_CACHE_DAYS": 7}
    out = network(area)
    assert out["OSM_AREA"] == "districts.gpkg" and out["OSM_CACHE_DAYS"] == 7 and "ROADS" not in out
    out = network({"OSM_EXTENT": NERIMA_EXTENT})
    assert out["OSM_EXTENT"] == NERIMA_EXTENT and "ROADS" not in out
    out = network({"ROADS": "roads.gpkg", "OSM_CACHE_DAYS": 7})  # the cache days alone choose nothing
    assert out["ROADS"] == "roads.gpkg" and "OSM_CACHE_DAYS" not in out


@pytest.fixture
def seeded_offline_cache(shared_data, tmp_path, monkeypatch):
    """The Nerima graph cached for NERIMA_BOX in SUGINAMI_GIS_OSM_CACHE, and every socket refused."""
    import osmnx as ox
    import shapely

    osm = shared_data / "osm-nerima-2011" / "nerima_2011_tokyo.osm"
    if not osm.exists():
        pytest.skip(f"{osm} is absent")
    with nw.osmnx_settings(ox, use_cache=False):
        graph = ox.graph_from_xml(osm, bidirectional=True, simplify=False, retain_all=True)
    path = core_osm.cached_graph_path(tmp_path, shapely.box(*NERIMA_BOX))
    path.parent.mkdir(parents=True)
    ox.io.save_graphml(graph, path)

    def refuse(*args, **kwargs):
        raise OSError("network access is blocked in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setenv("SUGINAMI_GIS_OSM_CACHE", str(tmp_path))
    return path


def test_cache_days_expire_the_cached_area(run_alg, seeded_offline_cache):
    from qgis.core import QgsProcessingContext, QgsProcessingException, QgsProject

    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    params = {"OSM_EXTENT": NERIMA_EXTENT, "OSM_CACHE_DAYS": 30, "BUILDINGS": _one_building(), "OUTPUT": "memory:"}
    result = run_alg("roadblockage", params, context=context)
    assert result["SEGMENTS"] == 1556
    rows = output_features(result, "OUTPUT", context)
    assert {f["width_source"] for f in rows} >= {"yh_width", "osm_lanes"}
    # two days old and OSM_CACHE_DAYS = 1: expired, deleted, and offline it cannot be downloaded again
    old = time.time() - 2 * 86400
    os.utime(seeded_offline_cache, (old, old))
    with pytest.raises(QgsProcessingException, match="OSM_FILE"):
        run_alg("roadblockage", {**params, "OSM_CACHE_DAYS": 1}, context=context)
    assert not seeded_offline_cache.exists()


def _one_building():
    from qgis.core import QgsFeature, QgsGeometry, QgsVectorLayer

    layer = QgsVectorLayer("Polygon?crs=EPSG:6677&field=p_collapse:double&field=p_half:double", "b", "memory")
    f = QgsFeature(layer.fields())
    f.setGeometry(
        QgsGeometry.fromWkt("POLYGON((-13000 -31500,-12990 -31500,-12990 -31490,-13000 -31490,-13000 -31500))")
    )
    f.setAttributes([0.2, 0.4])
    layer.dataProvider().addFeatures([f])
    return layer
