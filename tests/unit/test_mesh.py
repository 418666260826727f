"""JIS X 0410 regional mesh codes: published worked examples and properties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from suginami_gis.core import mesh
from suginami_gis.core.errors import InputError


def test_first_level_example_of_the_standard():
    # The standard's own example (JIS X 0410; Statistics Bureau 地域メッシュ統計の概要, reproduced at
    # sinfonica.or.jp/mesh/mimginfo.html): the 1st-level cell with south edge 35 deg 20' (x 1.5 = 53)
    # and west edge 139 deg is 5339, the cell of central Tokyo.
    cell = mesh.bounds("5339")
    assert cell.south == pytest.approx(35 + 20 / 60)
    assert cell.west == 139.0
    assert cell.north == pytest.approx(36.0)
    assert cell.east == 140.0


def test_second_and_third_level_examples_of_the_standard():
    # Same source: 5339-23 is row 2 (from the south), column 3 (from the west) of the 8 x 8 split;
    # 5339-23-43 is row 4, column 3 of that cell's 10 x 10 split.
    cell = mesh.bounds("533923")
    assert cell.south == pytest.approx(35 + 20 / 60 + 2 * 5 / 60)
    assert cell.west == pytest.approx(139 + 3 * 7.5 / 60)
    cell = mesh.bounds("53392343")
    assert cell.south == pytest.approx(35 + 20 / 60 + 2 * 5 / 60 + 4 * 30 / 3600)
    assert cell.west == pytest.approx(139 + 3 * 7.5 / 60 + 3 * 45 / 3600)
    assert cell.north - cell.south == pytest.approx(30 / 3600)
    assert cell.east - cell.west == pytest.approx(45 / 3600)


@pytest.mark.parametrize(
    ("lat", "lon", "level", "code"),
    [
        # jismesh (Python, and its Rust port's docs on docs.rs): Tokyo Tower and a Kyoto point.
        (35.658581, 139.745433, 3, "53393599"),
        (34.987574, 135.759363, 3, "52353680"),
        # japanmesh (npm, qazsato/japanmesh README): toCode(35.70078, 139.71475, 1000).
        (35.70078, 139.71475, 3, "53394547"),
    ],
)
def test_published_points_and_their_codes(lat, lon, level, code):
    assert mesh.to_code(lat, lon, level) == code


def test_published_bounds_of_a_third_level_cell():
    # japanmesh README: toLatLngBounds('53394547') has SW (35.70, 139.7125) and NE (35.708333, 139.725).
    cell = mesh.bounds("53394547")
    assert (cell.south, cell.west) == pytest.approx((35.70, 139.7125))
    assert (cell.north, cell.east) == pytest.approx((35.708333333, 139.725))
    assert cell.center == pytest.approx((35.704166666666666, 139.71875))


def test_jshis_quarter_mesh_polygon():
    # J-SHIS's sstrct/V4 meshinfo API returns for 250 m mesh 5238337032 the polygon
    # [138.37813, 34.97917] - [138.38125, 34.98125] (5 decimals).
    cell = mesh.bounds("5238337032")
    assert cell.south == pytest.approx(34.97917, abs=5e-6)
    assert cell.west == pytest.approx(138.37813, abs=5e-6)
    assert cell.north == pytest.approx(34.98125, abs=5e-6)
    assert cell.east == pytest.approx(138.38125, abs=5e-6)
    assert mesh.to_code(*cell.center, 5) == "5238337032"


def test_subdivision_numbering_sw_se_nw_ne():
    parent = mesh.bounds("53394547")
    lat_mid = (parent.south + parent.north) / 2
    lon_mid = (parent.west + parent.east) / 2
    eps = 1e-7
    assert mesh.to_code(parent.south + eps, parent.west + eps, 4) == "533945471"
    assert mesh.to_code(parent.south + eps, lon_mid + eps, 4) == "533945472"
    assert mesh.to_code(lat_mid + eps, parent.west + eps, 4) == "533945473"
    assert mesh.to_code(lat_mid + eps, lon_mid + eps, 4) == "533945474"


def test_level_sizes():
    for code, dlat, dlon in (
        ("533945", 5 / 60, 7.5 / 60),
        ("533945471", 15 / 3600, 22.5 / 3600),
        ("5339454712", 7.5 / 3600, 11.25 / 3600),
        ("53394547124", 3.75 / 3600, 5.625 / 3600),
    ):
        cell = mesh.bounds(code)
        assert cell.north - cell.south == pytest.approx(dlat)
        assert cell.east - cell.west == pytest.approx(dlon)


@pytest.mark.parametrize("bad", ["53", "5339x5", "533985", "5339454715", "533945470", ""])
def test_invalid_codes_are_refused(bad):
    with pytest.raises(InputError):
        mesh.bounds(bad)


def test_parse_codes_names_the_bad_row_and_refuses_mixed_levels():
    codes, level = mesh.parse_codes(["5339452922", 5339452923, "5339452924.0"])
    assert level == 5
    assert list(codes) == [5339452922, 5339452923, 5339452924]
    with pytest.raises(InputError, match="row 2"):
        mesh.parse_codes(["5339452922", "53394529x2"], "INPUT")
    with pytest.raises(InputError, match="different levels"):
        mesh.parse_codes(["5339452922", "533945292"])
    with pytest.raises(InputError, match="row 1.*out of range"):
        mesh.parse_codes(["5339452925"])


def test_outside_the_range_gives_minus_one():
    assert list(mesh.to_codes([35.701, -1.0, np.nan], [139.701, 139.7, 139.7], 3)) == [53394546, -1, -1]


def test_lookup():
    sorted_codes = np.array([10, 20, 30], dtype=np.int64)
    values = np.array([1.0, 2.0, 3.0])
    out = mesh.lookup(sorted_codes, values, np.array([20, 25, 30, 5, 99]))
    assert out[0] == 2.0 and out[2] == 3.0
    assert np.isnan(out[[1, 3, 4]]).all()


points = st.tuples(
    st.floats(min_value=20.0, max_value=46.0, allow_nan=False),
    st.floats(min_value=122.0, max_value=154.0, allow_nan=False),
    st.sampled_from(sorted(mesh.DIGITS)),
)


@settings(max_examples=300, deadline=None)
@given(points)
def test_a_point_lies_in_its_cell(point):
    lat, lon, level = point
    code = mesh.to_code(lat, lon, level)
    assert len(code) == mesh.DIGITS[level]
    cell = mesh.bounds(code)
    tol = 1e-9
    assert cell.south - tol <= lat < cell.north + tol
    assert cell.west - tol <= lon < cell.east + tol


@settings(max_examples=300, deadline=None)
@given(points)
def test_round_trip_code_centre_code(point):
    lat, lon, level = point
    code = mesh.to_code(lat, lon, level)
    assert mesh.to_code(*mesh.bounds(code).center, level) == code
    # The parent code is the prefix (the hierarchy of the standard).
    if level > 1:
        assert code.startswith(mesh.to_code(lat, lon, level - 1))
