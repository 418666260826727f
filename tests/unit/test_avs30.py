"""J-SHIS 250 m surface-ground files to an AVS30 raster (core/avs30.py), on files in the published layout."""

from __future__ import annotations

import zipfile

import numpy as np
import pytest
import rasterio
from pyproj import Transformer

from suginami_gis.core import avs30, mesh
from suginami_gis.core.errors import InputError
from suginami_gis.core.rasters import Grid

EPSG_6677 = rasterio.crs.CRS.from_epsg(6677).to_wkt()


def suginami_rows() -> list[tuple[str, int, float, float]]:
    """250 m meshes over Asagaya/Koenji: a valley (200 m/s) column among upland meshes (380 m/s)."""
    rows = []
    for i, lat in enumerate(np.arange(35.6965, 35.7095, 7.5 / 3600)):
        for j, lon in enumerate(np.arange(139.632, 139.652, 11.25 / 3600)):
            code = mesh.to_code(lat, lon, 5)
            valley = j == 3
            rows.append((code, 15 if valley else 9, 200.0 if valley else 380.0 + i, 1.9 if valley else 1.2))
    return rows


@pytest.fixture
def csv_path(tmp_path):
    path = tmp_path / "Z-V4-JAPAN-AMP-VS400_M250-5339.csv"
    path.write_text(avs30.write_jshis_csv(suginami_rows()), encoding="ascii")
    return path


def test_reads_v4_and_v3_layouts(csv_path, tmp_path):
    values = avs30.read_jshis_surface(csv_path)
    rows = suginami_rows()
    assert len(values.codes) == len(rows)
    assert values.level == 5
    assert np.all(np.diff(values.codes) > 0)
    lookup = dict(zip(values.codes.tolist(), values.values.tolist(), strict=True))
    assert lookup[int(rows[0][0])] == pytest.approx(rows[0][2])
    v3 = tmp_path / "v3.csv"
    v3.write_text(avs30.write_jshis_csv(rows, version=3), encoding="ascii")
    assert np.array_equal(avs30.read_jshis_surface(v3).codes, values.codes)


def test_reads_the_zip_download(csv_path, tmp_path):
    archive = tmp_path / "Z-V4-JAPAN-AMP-VS400_M250.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(csv_path, "Z-V4-JAPAN-AMP-VS400_M250/" + csv_path.name)
    assert len(avs30.read_jshis_surface(archive).codes) == len(suginami_rows())


def test_sea_and_missing_values_are_no_data(tmp_path):
    code = mesh.to_code(35.70, 139.64, 5)
    text = avs30.write_jshis_csv([(code, 0, 0.0, 0.0)])
    values = avs30.mesh_values(*avs30.parse_jshis_text(text), "INPUT")
    assert np.isnan(values.values).all()


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda t: t.replace("# CODE, JCODE, AVS, ARV, AVS_EB, AVS_REF\n", ""), "header"),
        (lambda t: t.replace("CODE, JCODE, AVS", "KEY_CODE, T000001, T000002"), "header"),
        (lambda t: t[: len(t) - 12], "fields"),  # truncated mid-row
        (lambda t: t.replace(", 380.0,", ", fast,", 1), "not a number"),
        (lambda t: t.replace("53394", "53398", 1), "out of range"),  # 2nd-level digit 8
        (lambda t: t.replace("\n5339", "\n533", 1), "different levels"),
        (lambda t: t.replace("\n5339", "\n53x9", 1), "not a regional mesh code"),
    ],
)
def test_bad_files_are_refused(csv_path, mutate, message):
    text = mutate(csv_path.read_text(encoding="ascii"))
    csv_path.write_text(text, encoding="ascii")
    with pytest.raises(InputError, match=message):
        avs30.read_jshis_surface(csv_path)


def test_wrong_mesh_level_and_bad_zip(tmp_path):
    text = avs30.write_jshis_csv([(mesh.to_code(35.70, 139.64, 3), 9, 380.0, 1.2)])
    with pytest.raises(InputError, match="250 m mesh"):
        avs30.mesh_values(*avs30.parse_jshis_text(text), "INPUT")
    bad = tmp_path / "broken.zip"
    bad.write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(InputError, match="ZIP"):
        avs30.read_jshis_surface(bad)


def test_conflicting_duplicates_are_refused():
    code = mesh.to_code(35.70, 139.64, 5)
    with pytest.raises(InputError, match="twice"):
        avs30.mesh_values([code, code], ["300", "310"], "INPUT")
    same = avs30.mesh_values([code, code], ["300", "300"], "INPUT")
    assert len(same.codes) == 1


def test_each_cell_takes_the_mesh_of_its_centre(csv_path, tmp_path):
    values = avs30.read_jshis_surface(csv_path)
    xmin, ymin, xmax, ymax = avs30.mesh_extent(values, EPSG_6677)
    grid = Grid.from_extent(xmin, ymin, xmax, ymax, 50.0, EPSG_6677)
    out = tmp_path / "avs30.tif"
    result = avs30.write_avs30(out, values, grid)
    assert result.meshes == len(values.codes)
    assert 200.0 <= result.min_avs30 and result.max_avs30 <= 380.0 + 10
    with rasterio.open(out) as src:
        band = src.read(1)
        assert src.nodata == avs30.NODATA
        assert src.crs.to_epsg() == 6677
    # Independent check with pyproj: the centre of a known mesh, projected, lands in a cell of its value.
    to_plane = Transformer.from_crs("EPSG:6668", "EPSG:6677", always_xy=True)
    rows = suginami_rows()
    for code, _, expected, _ in rows[:: max(1, len(rows) // 15)]:
        lat, lon = mesh.bounds(code).center
        x, y = to_plane.transform(lon, lat)
        row, col = grid.rowcol(np.array([x]), np.array([y]))
        assert band[row[0], col[0]] == pytest.approx(expected, abs=0.05)
    # The valley column is a 250 m wide strip: about 1/len(columns) of the data cells.
    share_valley = np.mean(band[band != avs30.NODATA] == 200.0)
    assert 0.05 < share_valley < 0.25


def test_extent_without_meshes_is_refused(csv_path, tmp_path):
    values = avs30.read_jshis_surface(csv_path)
    far = Grid.from_extent(0.0, 0.0, 500.0, 500.0, 50.0, EPSG_6677)  # the CS IX origin, 36 N 139 50' E
    with pytest.raises(InputError, match="EXTENT"):
        avs30.write_avs30(tmp_path / "x.tif", values, far)
    assert not (tmp_path / "x.tif").exists()
