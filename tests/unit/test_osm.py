"""OpenStreetMap by file (.osm, .osm.pbf via pyosmium) and by area (osmnx download with a cache), all offline."""

from __future__ import annotations

import os
import socket
import time

import numpy as np
import pytest
import shapely

from suginami_gis.core import network as nw
from suginami_gis.core import osm
from suginami_gis.core.errors import InputError

OSM = "osm-nerima-2011/nerima_2011_tokyo.osm"
# bounds of the Nerima extract (SOURCE.md)
NERIMA_BOX = shapely.box(139.6577, 35.7403, 139.6802, 35.7584)


@pytest.fixture(scope="module")
def nerima_osm(shared_data):
    path = shared_data / OSM
    if not path.exists():
        pytest.skip(f"{path} is absent")
    return path


@pytest.fixture(scope="module")
def nerima_from_xml(nerima_osm):
    return nw.network_from_osm_xml(nerima_osm)


@pytest.fixture(scope="module")
def nerima_raw_graph(nerima_osm):
    """The unsimplified graph osmnx builds from the file: what a download of the same data gives."""
    import osmnx as ox

    with nw.osmnx_settings(ox, use_cache=False):
        return ox.graph_from_xml(nerima_osm, bidirectional=True, simplify=False, retain_all=True)


@pytest.fixture
def no_internet(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("network access is blocked in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def _same_network(a: nw.StreetNetwork, b: nw.StreetNetwork) -> None:
    assert (a.n_nodes, a.n_edges) == (b.n_nodes, b.n_edges)
    assert a.length.sum() == pytest.approx(b.length.sum(), rel=1e-9)
    np.testing.assert_array_equal(np.sort(a.width[np.isfinite(a.width)]), np.sort(b.width[np.isfinite(b.width)]))


def test_pbf_made_from_the_osm_file_gives_the_same_network(nerima_osm, nerima_from_xml, tmp_path, no_internet):
    import osmium

    pbf = tmp_path / "nerima.osm.pbf"
    with osmium.SimpleWriter(str(pbf)) as writer:
        for obj in osmium.FileProcessor(str(nerima_osm)):
            writer.add(obj)
    assert pbf.stat().st_size < nerima_osm.stat().st_size / 3  # really the compressed binary format
    net = osm.network_from_osm_file(pbf)
    _same_network(net, nerima_from_xml)
    assert net.n_edges == 1556  # docs/methods/routing.md
    # .osm goes through the same entry point
    _same_network(osm.network_from_osm_file(nerima_osm), nerima_from_xml)


def test_unreadable_pbf_is_an_input_error(tmp_path):
    bad = tmp_path / "broken.osm.pbf"
    bad.write_bytes(b"not a pbf file")
    with pytest.raises(InputError) as err:
        osm.network_from_osm_file(bad)
    assert err.value.parameter == "OSM_FILE"
    with pytest.raises(InputError, match="not found"):
        osm.network_from_osm_file(tmp_path / "missing.osm.pbf")


def test_pre_seeded_cache_is_used_without_a_connection(nerima_raw_graph, nerima_from_xml, tmp_path, no_internet):
    import osmnx as ox

    path = osm.cached_graph_path(tmp_path, NERIMA_BOX)
    path.parent.mkdir(parents=True)
    ox.io.save_graphml(nerima_raw_graph, path)
    net = osm.network_from_osm_area(NERIMA_BOX, cache_folder=tmp_path)
    _same_network(net, nerima_from_xml)
    assert net.crs == nw.DEFAULT_METRIC_CRS
    # another area is another cache entry: without a connection it cannot be had
    with pytest.raises(InputError, match="OSM_FILE"):
        osm.network_from_osm_area(shapely.box(139.60, 35.69, 139.61, 35.70), cache_folder=tmp_path)


def test_offline_download_names_the_osm_file_alternative(tmp_path, no_internet):
    """A real osmnx call with every socket refused: the error says to give an OSM_FILE."""
    start = time.monotonic()
    with pytest.raises(InputError) as err:
        osm.network_from_osm_area(NERIMA_BOX, cache_folder=tmp_path)
    assert err.value.parameter == "OSM_AREA"
    assert "OSM_FILE" in str(err.value) and "offline" in str(err.value)
    assert time.monotonic() - start < 30  # fails at once, not after the request timeout
    assert not list((tmp_path / "graphs").glob("*.graphml")) if (tmp_path / "graphs").exists() else True


def test_connection_lost_during_the_download_names_the_osm_file_alternative(tmp_path, monkeypatch):
    import osmnx as ox
    import requests

    def lost(polygon, **kwargs):
        raise requests.exceptions.ConnectionError("connection reset")

    monkeypatch.setattr(ox, "graph_from_polygon", lost)
    monkeypatch.setattr(osm, "overpass_reachable", lambda url: (True, ""))
    with pytest.raises(InputError, match="OSM_FILE") as err:
        osm.network_from_osm_area(NERIMA_BOX, cache_folder=tmp_path)
    assert err.value.parameter == "OSM_AREA"
    assert not osm.cached_graph_path(tmp_path, NERIMA_BOX).exists()


def test_download_is_cached_and_expires(nerima_raw_graph, nerima_from_xml, tmp_path, monkeypatch):
    import osmnx as ox

    calls = []

    def fake_download(polygon, **kwargs):
        calls.append(kwargs)
        # osmnx is pointed at the plugin's cache folder during the call
        assert ox.settings.cache_folder == str(tmp_path / "overpass") and ox.settings.use_cache
        return nerima_raw_graph

    monkeypatch.setattr(ox, "graph_from_polygon", fake_download)
    monkeypatch.setattr(osm, "overpass_reachable", lambda url: (True, ""))
    first = osm.network_from_osm_area(NERIMA_BOX, cache_folder=tmp_path, expiry_days=30)
    assert len(calls) == 1 and calls[0]["network_type"] == "all" and calls[0]["simplify"] is False
    _same_network(first, nerima_from_xml)
    cached = osm.cached_graph_path(tmp_path, NERIMA_BOX)
    assert cached.is_file()
    osm.network_from_osm_area(NERIMA_BOX, cache_folder=tmp_path, expiry_days=30)
    assert len(calls) == 1  # second run from the cache
    # 31 days later the entry has expired: downloaded again
    old = time.time() - 31 * 86400
    os.utime(cached, (old, old))
    osm.network_from_osm_area(NERIMA_BOX, cache_folder=tmp_path, expiry_days=30)
    assert len(calls) == 2


def test_purge_cache_keeps_fresh_files(tmp_path):
    (tmp_path / "graphs").mkdir()
    (tmp_path / "overpass").mkdir()
    fresh, stale = tmp_path / "graphs" / "a.graphml", tmp_path / "overpass" / "b.json"
    fresh.write_text("x")
    stale.write_text("y")
    old = time.time() - 10 * 86400
    os.utime(stale, (old, old))
    assert osm.purge_cache(tmp_path, expiry_days=5) == 1
    assert fresh.exists() and not stale.exists()
    assert osm.purge_cache(tmp_path / "absent", expiry_days=5) == 0


def test_area_checks():
    with pytest.raises(InputError, match="empty"):
        osm.network_from_osm_area(shapely.Polygon(), cache_folder="unused")
    with pytest.raises(InputError, match="longitude/latitude"):
        osm.network_from_osm_area(shapely.box(-15000, -30000, -14000, -29000), cache_folder="unused")
    with pytest.raises(InputError) as err:
        osm.network_from_osm_area(NERIMA_BOX, cache_folder="unused", expiry_days=-1)
    assert err.value.parameter == "OSM_CACHE_DAYS"
    # the key depends on the polygon only through its coordinates
    assert osm.cache_key(NERIMA_BOX) == osm.cache_key(shapely.box(139.6577, 35.7403, 139.6802, 35.7584))
    assert osm.cache_key(NERIMA_BOX) != osm.cache_key(shapely.box(139.6577, 35.7403, 139.6802, 35.7585))


def test_pbf_without_pyosmium_says_what_to_install(tmp_path, monkeypatch):
    import sys

    pbf = tmp_path / "streets.osm.pbf"
    pbf.write_bytes(b"\x00")
    monkeypatch.setitem(sys.modules, "osmium", None)  # import osmium -> ImportError
    with pytest.raises(InputError, match="pip install osmium") as err:
        osm.network_from_osm_file(pbf)
    assert err.value.parameter == "OSM_FILE"
