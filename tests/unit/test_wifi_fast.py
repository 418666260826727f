"""The vectorised GeoJSON rings of core.wifi equal the per-geometry ones, and so does the obstacle raster (issue 13)."""

from __future__ import annotations

import numpy as np
import shapely
from rasterio import features

from suginami_gis.core import wifi
from suginami_gis.core.rasters import Grid


def _per_geometry(geometries):
    """GeoJSON-like MultiPolygons built one geometry, part and ring at a time (the plain way)."""
    out = []
    for geom in geometries:
        polygons = []
        for part in shapely.get_parts(geom):
            if shapely.get_type_id(part) != 3:
                continue
            polygons.append([shapely.get_coordinates(ring).tolist() for ring in shapely.get_rings(part)])
        out.append({"type": "MultiPolygon", "coordinates": polygons})
    return out


def _mixed():
    rng = np.random.default_rng(2)
    square = shapely.box(0, 0, 10, 10)
    holed = square.difference(shapely.box(2, 2, 4, 4)).difference(shapely.box(6, 6, 8, 8))
    random = [shapely.affinity.rotate(shapely.box(x, y, x + 5, y + 3), a) for x, y, a in rng.uniform(0, 90, (40, 3))]
    return [
        square,
        holed,
        shapely.MultiPolygon([square, shapely.box(20, 20, 25, 25)]),
        shapely.Polygon(),
        None,
        shapely.Point(1, 1),
        shapely.GeometryCollection([shapely.LineString([(0, 0), (1, 1)]), holed]),
        shapely.Polygon([(0, 0, 5), (1, 0, 5), (1, 1, 5), (0, 0, 5)]),  # with z: x, y only
        *random,
    ]


def test_geojson_polygons_equal_the_per_geometry_mappings():
    geoms = _mixed()
    assert wifi.geojson_polygons(geoms) == _per_geometry(geoms)
    assert wifi.geojson_polygons(np.array(geoms, dtype=object)) == _per_geometry(geoms)
    assert wifi.geojson_polygons([]) == []
    assert wifi.geojson_polygons([shapely.Point(0, 0)]) == [{"type": "MultiPolygon", "coordinates": []}]


def test_obstacle_raster_equals_rasterio_on_the_per_geometry_mappings():
    geoms = [g for g in _mixed() if g is not None and not g.is_empty and g.geom_type != "Point"]
    heights = np.arange(len(geoms), dtype=float) % 7 + 3
    grid = Grid(-5.0, 100.0, 0.5, 220, 220, "")
    obstacles = wifi.rasterize_buildings(wifi.Buildings(geoms, heights), grid)
    order = np.argsort(heights, kind="stable")
    shapes = [(m, int(i) + 1) for m, i in zip(_per_geometry([geoms[i] for i in order]), order) if m["coordinates"]]
    peer = features.rasterize(shapes, out_shape=grid.shape, transform=grid.transform, fill=0, dtype="int32")
    assert np.array_equal(obstacles.building_id, peer)
    assert (peer > 0).sum() > 1000


def test_buildings_from_arrays_drop_missing_and_empty_footprints_in_order():
    geoms = _mixed()
    heights = [float(k) for k in range(len(geoms))]
    buildings = wifi.Buildings.from_arrays(geoms, heights)
    keep = [k for k, g in enumerate(geoms) if g is not None and not g.is_empty]
    assert buildings.geometries == [geoms[k] for k in keep]
    assert buildings.heights_m.tolist() == [float(k) for k in keep]
    assert len(wifi.Buildings.from_arrays([], []).geometries) == 0
