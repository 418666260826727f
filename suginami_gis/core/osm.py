"""OpenStreetMap streets by file (.osm XML or .osm.pbf) or by area (downloaded once through osmnx, then cached).

- ``.osm.pbf``: read with pyosmium (``osmium`` on PyPI): the highway ways and their nodes are copied to
  an XML file in a temporary folder, which :func:`network.network_from_osm_xml` reads, so a .pbf gives
  exactly the graph of the same data as .osm.
- An area (a polygon in EPSG:4326): ``osmnx.graph_from_polygon`` (network type "all": every street a
  car or a pedestrian may use), unsimplified, then the same walking filter, simplification and
  projection as a file (:func:`network.network_from_osm_graph`). Two caches in ``cache_folder``:
  ``graphs/<key>.graphml`` (the downloaded graph of that polygon) and ``overpass/`` (osmnx's own cache
  of the Overpass answers). Files older than ``expiry_days`` are deleted before use, so data is
  downloaded again after that many days. Without a connection the error names OSM_FILE, the offline
  alternative.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
import time
from pathlib import Path
from typing import Any

from . import network as nw
from .errors import InputError
from .feedback import Feedback, NullFeedback, check_canceled

log = logging.getLogger(__name__)

# How long a downloaded area is reused before it is downloaded again [days]: a choice of this project
# (OSM street data changes slowly; a month keeps repeated runs of a study offline and reproducible).
OSM_CACHE_EXPIRY_DAYS = 30.0
# Overpass request timeout [s] (osmnx's default is 180 s; a dead connection should fail sooner).
OSM_REQUEST_TIMEOUT_S = 60
# Seconds to wait for a connection to the Overpass server before calling the computer offline.
OSM_CONNECT_TIMEOUT_S = 5.0
# osmnx network type of a download: all streets open to cars or pedestrians (the walking filter follows).
OSM_DOWNLOAD_NETWORK_TYPE = "all"
# Version of the cache key: change it when the downloaded graph's content changes (type, tags).
_CACHE_VERSION = "1"
OFFLINE_HINT = (
    "download an OpenStreetMap extract (.osm from the OpenStreetMap website's Export, or .osm.pbf from "
    "Geofabrik) on a computer that is online and give it as OSM_FILE"
)


def network_from_osm_file(
    path: str | Path, *, crs: str = nw.DEFAULT_METRIC_CRS, feedback: Feedback | None = None
) -> nw.StreetNetwork:
    """Walking network from an .osm XML file or an .osm.pbf file (pyosmium), read offline."""
    path = Path(path)
    if not path.name.lower().endswith(".pbf"):
        return nw.network_from_osm_xml(path, crs=crs, feedback=feedback)
    if not path.is_file():
        raise InputError(f"OSM file not found: {path}", "OSM_FILE")
    with tempfile.TemporaryDirectory(prefix="suginami_osm_") as folder:
        xml = Path(folder) / (path.name[: -len(".pbf")].removesuffix(".osm") + ".osm")
        pbf_highways_to_xml(path, xml)
        check_canceled(feedback or NullFeedback())
        return nw.network_from_osm_xml(xml, crs=crs, feedback=feedback)


def pbf_highways_to_xml(pbf: Path, xml: Path) -> int:
    """Copy the ways tagged highway=* of an .osm.pbf, and every node they use, to an OSM XML file.

    Returns the number of ways copied. Three passes over the file (ways, nodes, ways), so memory holds
    only the node ids.
    """
    try:
        import osmium
    except ImportError as exc:
        raise InputError(
            "reading .osm.pbf needs the Python package osmium (pyosmium): install it in QGIS's Python "
            "(pip install osmium), or convert the file to .osm XML (e.g. osmium cat in.osm.pbf -o out.osm)",
            "OSM_FILE",
        ) from exc
    node_ids: set[int] = set()
    n_ways = 0
    try:
        for way in osmium.FileProcessor(str(pbf), osmium.osm.WAY):
            if "highway" in way.tags:
                node_ids.update(n.ref for n in way.nodes)  # type: ignore[union-attr]  # only ways are read
                n_ways += 1
        with osmium.SimpleWriter(str(xml)) as writer:
            for node in osmium.FileProcessor(str(pbf), osmium.osm.NODE):
                if node.id in node_ids:
                    writer.add_node(node)
            for way in osmium.FileProcessor(str(pbf), osmium.osm.WAY):
                if "highway" in way.tags:
                    writer.add_way(way)
    except RuntimeError as exc:  # libosmium reports unreadable files as RuntimeError
        raise InputError(f"cannot read the OSM file {pbf.name}: {exc}", "OSM_FILE") from exc
    return n_ways


def cache_key(polygon: Any) -> str:
    """File name stem of a polygon's cached graph: a hash of its WKT (1e-7 degree precision) and the query."""
    import shapely

    text = "|".join((_CACHE_VERSION, OSM_DOWNLOAD_NETWORK_TYPE, shapely.to_wkt(polygon, rounding_precision=7)))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def cached_graph_path(cache_folder: str | Path, polygon: Any) -> Path:
    """Where the downloaded graph of ``polygon`` is kept (GraphML, osmnx.io.save_graphml)."""
    return Path(cache_folder) / "graphs" / f"{cache_key(polygon)}.graphml"


def purge_cache(cache_folder: str | Path, expiry_days: float, now: float | None = None) -> int:
    """Delete cached files older than ``expiry_days`` (by modification time); returns how many."""
    folder = Path(cache_folder)
    if not folder.is_dir():
        return 0
    limit = (time.time() if now is None else now) - expiry_days * 86400.0
    removed = 0
    for sub in ("graphs", "overpass"):
        for path in (folder / sub).glob("*") if (folder / sub).is_dir() else ():
            if path.is_file() and path.stat().st_mtime < limit:
                path.unlink()
                removed += 1
    return removed


def network_from_osm_area(
    polygon: Any,
    *,
    cache_folder: str | Path,
    expiry_days: float = OSM_CACHE_EXPIRY_DAYS,
    crs: str = nw.DEFAULT_METRIC_CRS,
    parameter: str = "OSM_AREA",
    feedback: Feedback | None = None,
) -> nw.StreetNetwork:
    """Walking network of the streets inside ``polygon`` (shapely, EPSG:4326): cached, else downloaded with osmnx."""
    import shapely

    feedback = feedback or NullFeedback()
    nw.check_metric_crs(crs, parameter)
    if polygon is None or shapely.is_empty(polygon) or shapely.area(polygon) <= 0:
        raise InputError("the area is empty: give polygons or an extent that covers the streets", parameter)
    minx, miny, maxx, maxy = shapely.bounds(polygon)
    if minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
        raise InputError("the area must be given in longitude/latitude (EPSG:4326)", parameter)
    if expiry_days < 0:
        raise InputError("the cache expiry must be zero or more days", "OSM_CACHE_DAYS")
    import osmnx as ox

    removed = purge_cache(cache_folder, expiry_days)
    if removed:
        log.info("%d expired OpenStreetMap cache files deleted from %s", removed, cache_folder)
    path = cached_graph_path(cache_folder, polygon)
    if path.is_file():
        feedback.info(f"OpenStreetMap streets from the cache: {path}")
        graph = ox.io.load_graphml(path)
    else:
        graph = _download(ox, polygon, Path(cache_folder), parameter)
        path.parent.mkdir(parents=True, exist_ok=True)
        ox.io.save_graphml(graph, path)
        feedback.info(f"OpenStreetMap streets downloaded and cached in {path}")
    check_canceled(feedback)
    return nw.network_from_osm_graph(
        graph, crs=crs, name="the OpenStreetMap area", parameter=parameter, feedback=feedback
    )


def overpass_reachable(url: str, timeout_s: float = OSM_CONNECT_TIMEOUT_S) -> tuple[bool, str]:
    """Whether a TCP connection to the Overpass server opens within ``timeout_s`` (and why not).

    Checked before a download because osmnx, when its status request fails, waits a minute before
    trying the query itself.
    """
    import socket
    from urllib.parse import urlparse

    parsed = urlparse(url)
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        with socket.create_connection((parsed.hostname or "", port), timeout=timeout_s):
            return True, ""
    except OSError as exc:
        return False, f"{parsed.hostname}: {exc}"


def _download(ox: Any, polygon: Any, cache_folder: Path, parameter: str) -> Any:
    """osmnx.graph_from_polygon with its HTTP cache in ``cache_folder/overpass``; offline -> InputError naming OSM_FILE."""
    import requests

    settings = {
        "use_cache": True,
        "cache_folder": str(cache_folder / "overpass"),
        "requests_timeout": OSM_REQUEST_TIMEOUT_S,
    }
    with nw.osmnx_settings(ox, **settings):
        reachable, reason = overpass_reachable(ox.settings.overpass_url)
        if not reachable:
            raise InputError(
                f"cannot download OpenStreetMap data: the Overpass API is out of reach ({reason}). "
                f"This computer seems to be offline: {OFFLINE_HINT}",
                parameter,
            )
        try:
            return ox.graph_from_polygon(
                polygon,
                network_type=OSM_DOWNLOAD_NETWORK_TYPE,
                simplify=False,
                retain_all=True,
                truncate_by_edge=True,
            )
        except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
            raise InputError(
                f"cannot download OpenStreetMap data: no connection to the Overpass API ({type(exc).__name__}). "
                f"This computer seems to be offline: {OFFLINE_HINT}",
                parameter,
            ) from exc
        except ox._errors.InsufficientResponseError as exc:
            raise InputError(f"OpenStreetMap has no streets in the area ({exc}); or {OFFLINE_HINT}", parameter) from exc
