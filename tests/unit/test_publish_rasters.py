"""Raster publication: COG layout, PNG encoding, XYZ tile geometry and tile colours against the legend."""

from __future__ import annotations

import io

import numpy as np
import pytest
from rasterio.crs import CRS

from suginami_gis.core.publish.profile import load_profile
from suginami_gis.core.publish.rasters import (
    colourise,
    lonlat_to_tile,
    png_bytes,
    tile_bounds_3857,
    tiles_covering,
    write_cog,
    write_png_tiles,
)
from suginami_gis.core.rasters import Grid, write_geotiff

# Asagaya, Suginami (139.636 E, 35.699 N) in EPSG:6677 metres.
X0, Y0 = -17857.892, -33376.536


def _transform(source: str, target: str, x, y) -> tuple[np.ndarray, np.ndarray]:
    """Reference coordinates through GDAL/PROJ (rasterio), longitude first."""
    from rasterio.warp import transform

    xs, ys = transform(
        source, target, np.atleast_1d(np.asarray(x, dtype=float)), np.atleast_1d(np.asarray(y, dtype=float))
    )
    return np.asarray(xs), np.asarray(ys)


@pytest.fixture(scope="module")
def intensity_tif(tmp_path_factory):
    grid = Grid.from_extent(X0, Y0, X0 + 1200, Y0 + 800, 20.0, CRS.from_epsg(6677).to_wkt())
    xs, ys = grid.centers()
    values = 4.0 + 3.0 * (xs[None, :] - X0) / 1200.0 + 0.0 * ys[:, None]
    values[:3, :3] = np.nan  # a nodata corner
    path = tmp_path_factory.mktemp("r") / "intensity.tif"
    write_geotiff(path, grid, [values, values + 1], 2, descriptions=["JMA intensity", "realization 1"])
    return path, grid, values


@pytest.fixture(scope="module")
def legend():
    return load_profile().kinds["ground_motion_intensity"].legend


def test_png_encoder_round_trips_through_pillow():
    pil = pytest.importorskip("PIL.Image")
    rng = np.random.default_rng(0)
    rgba = rng.integers(0, 256, (37, 53, 4), dtype=np.uint8)
    image = pil.open(io.BytesIO(png_bytes(rgba)))
    assert image.mode == "RGBA" and image.size == (53, 37)
    assert np.array_equal(np.asarray(image), rgba)


def test_jma_class_boundaries(legend):
    # JMA classes: 5- from 4.5, 5+ from 5.0, 6- from 5.5, 6+ from 6.0, 7 from 6.5 (methods.md section 1).
    values = np.array([[4.49, 4.5, 4.99, 5.0, 5.5, 6.0, 6.49, 6.5, 7.2, np.nan]])
    rgba = colourise(values, legend)
    hexes = ["#{:02x}{:02x}{:02x}".format(*px[:3]) if px[3] else None for px in rgba[0]]
    assert hexes == [
        "#f2f2ff",
        "#ffe600",
        "#ffe600",
        "#ff9900",
        "#ff2800",
        "#a50021",
        "#a50021",
        "#b40068",
        "#b40068",
        None,
    ]


def test_legend_colours_match_the_qgis_style(legend):
    """The web legend uses the colours of resources/styles/jma_intensity.qml (the QGIS style)."""
    import re
    from pathlib import Path

    qml = Path(__file__).resolve().parents[2] / "suginami_gis" / "resources" / "styles" / "jma_intensity.qml"
    if not qml.exists():
        pytest.skip("jma_intensity.qml is not in the tree")
    qml_colours = re.findall(r'color="(#[0-9a-fA-F]{6})"', qml.read_text(encoding="utf-8"))
    assert [c.color for c in legend.classes] == [c.lower() for c in qml_colours]


def test_tile_geometry_holds_its_point():
    lon, lat = 139.636, 35.699
    for zoom in (0, 5, 12, 17):
        x, y = lonlat_to_tile(lon, lat, zoom)
        w, s, e, n = tile_bounds_3857(x, y, zoom)
        (w_lon, e_lon), (s_lat, n_lat) = _transform("EPSG:3857", "EPSG:4326", [w, e], [s, n])
        assert w_lon <= lon < e_lon and s_lat <= lat < n_lat
    assert lonlat_to_tile(0.0, 0.0, 1) == (1, 1) and lonlat_to_tile(-180.0, 85.0, 3) == (0, 0)
    tiles = list(tiles_covering((139.60, 35.68, 139.66, 35.72), 12, 13))
    assert len(set(tiles)) == len(tiles) and {z for z, _, _ in tiles} == {12, 13}


def test_cog_keeps_values_crs_and_cog_layout(intensity_tif, tmp_path):
    import rasterio

    path, grid, values = intensity_tif
    info = write_cog(path, tmp_path / "out.tif", band=1, description="JMA intensity")
    with rasterio.open(tmp_path / "out.tif") as src:
        assert src.tags(ns="IMAGE_STRUCTURE").get("LAYOUT") == "COG"
        assert src.count == 1 and src.crs.to_epsg() == 6677
        data = src.read(1, masked=True).filled(np.nan)
        assert src.descriptions[0] == "JMA intensity"
    np.testing.assert_allclose(data, values.astype(np.float32), equal_nan=True)
    assert info.minimum == pytest.approx(np.nanmin(values)) and info.maximum == pytest.approx(
        np.nanmax(values), rel=1e-6
    )


def test_png_tiles_show_the_legend_colour_of_the_value_beneath(intensity_tif, legend, tmp_path):
    pil = pytest.importorskip("PIL.Image")
    path, grid, values = intensity_tif
    tileset = write_png_tiles(path, tmp_path / "tiles", "tiles/intensity", legend, band=1)
    assert tileset.url_template == "tiles/intensity/{z}/{x}/{y}.png"
    assert tileset.max_zoom == 13  # 20 m pixels: zoom 13 has about 15 m tile pixels here
    files = sorted((tmp_path / "tiles").rglob("*.png"))
    assert len(files) == tileset.count == len(list(tiles_covering(tileset.bounds, tileset.min_zoom, tileset.max_zoom)))
    checked = outside = 0
    for file in files:
        z, x, y = int(file.parent.parent.name), int(file.parent.name), int(file.stem)
        if z != tileset.max_zoom:
            continue
        img = np.asarray(pil.open(file))
        w, s, e, n = tile_bounds_3857(x, y, z)
        size = (e - w) / 256
        for row in range(3, 256, 6):
            for col in range(3, 256, 6):
                mx, my = w + (col + 0.5) * size, n - (row + 0.5) * size
                sx, sy = _transform("EPSG:3857", "EPSG:6677", mx, my)
                r, c = grid.rowcol(sx, sy)
                r, c = int(r[0]), int(c[0])
                # Skip pixels within one source pixel of a class or raster edge (nearest-neighbour ambiguity).
                if r < -1 or r > grid.height or c < -1 or c > grid.width:
                    assert img[row, col, 3] == 0  # outside the raster: transparent
                    outside += 1
                    continue
                if not (1 <= r < grid.height - 1 and 1 <= c < grid.width - 1):
                    continue
                neighbourhood = values[r - 1 : r + 2, c - 1 : c + 2]
                colours = {legend.color_for(v) for v in neighbourhood.ravel()}
                if len(colours) != 1:
                    continue
                expected = colours.pop()
                got = "#{:02x}{:02x}{:02x}".format(*img[row, col, :3]) if img[row, col, 3] else None
                assert got == expected, (file, row, col, values[r, c])
                checked += 1
    assert checked > 50 and outside > 0
