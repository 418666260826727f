"""Road blockage: Tokyo 2022 test values (methods.md section 3), width classes, buildings along, fire, closures."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, box

from suginami_gis.core import blockage as bk
from suginami_gis.core import network as nw
from suginami_gis.core.errors import InputError


def test_blockage_test_values():
    # methods.md section 3: H = 20 -> 37.863 / 20.217 / 2.955 %
    got = bk.blockage_ratio_percent(20.0, np.array([3.0, 4.0, 10.0, 15.0]))
    np.testing.assert_allclose(got, [37.863, 20.217, 2.955, 0.0], atol=5e-4)


def test_width_classes_at_their_boundaries():
    widths = np.array([0.5, 3.4999, 3.5, 5.4999, 5.5, 12.999, 13.0, 30.0])
    assert bk.width_class(widths).tolist() == [0, 0, 1, 1, 2, 2, 3, 3]
    h = 20.0
    got = bk.blockage_ratio_percent(h, widths)
    expected = [37.863, 37.863, 20.217, 20.217, 2.955, 2.955, 0.0, 0.0]
    np.testing.assert_allclose(got, expected, atol=5e-4)


def test_blockage_is_clipped_to_0_100():
    assert bk.blockage_ratio_percent(100.0, 2.0) == 100.0  # 0.9009 * 100 + 19.845 = 109.9
    assert bk.blockage_ratio_percent(0.0, 6.0) == 0.0  # intercept -1.5026
    assert bk.blockage_ratio_percent(0.0, 3.0) == pytest.approx(19.845)


@settings(deadline=None)
@given(st.floats(0, 100), st.floats(0.1, 40), st.floats(0.1, 40))
def test_wider_roads_block_less_and_more_damage_blocks_more(h, w1, w2):
    narrow, wide = min(w1, w2), max(w1, w2)
    assert bk.blockage_ratio_percent(h, wide) <= bk.blockage_ratio_percent(h, narrow) + 1e-12
    assert bk.blockage_ratio_percent(h, narrow) <= bk.blockage_ratio_percent(min(h + 5, 100), narrow) + 1e-12


def test_building_damage_ratio_counts_half_collapse_by_half():
    # all collapse: H = collapse ratio; half-collapse only: H = half of it
    assert bk.building_damage_ratio_percent(0.2, 0.2) == pytest.approx(20.0)
    assert bk.building_damage_ratio_percent(0.0, 0.4) == pytest.approx(20.0)
    assert bk.building_damage_ratio_percent(0.1, 0.3) == pytest.approx(10.0 + 20.0 / 2)


def _street_network(width: float) -> nw.StreetNetwork:
    net = nw.build_network([LineString([(0, 0), (100, 0)]), LineString([(100, 0), (200, 0)])], width=[width, width])
    return nw.fill_widths(net)


def _west_east(net: nw.StreetNetwork) -> tuple[int, int]:
    """Indices of the western (x 0-100) and eastern (x 100-200) segment."""
    west = int(np.argmin([g.centroid.x for g in net.geometry]))
    return west, 1 - west


def test_road_blockage_uses_the_buildings_along_each_segment():
    net = _street_network(4.0)  # class 3.5-5.5 m; along = within 2 + 5 = 7 m of the centreline
    buildings = [
        box(10, 3, 20, 12),  # 3 m from the centreline: along segment 0
        box(30, -16, 40, -6.5),  # 6.5 m: along segment 0
        box(50, 8, 60, 18),  # 8 m: too far back
        box(150, 2, 160, 10),  # along segment 1
    ]
    p_collapse = [0.1, 0.3, 0.9, 0.0]
    p_half = [0.3, 0.5, 1.0, 0.0]
    res = bk.road_blockage(net, buildings, p_collapse, p_half)
    seg0, seg1 = _west_east(net)
    assert res.n_along[seg0] == 2
    assert res.n_along[seg1] == 1
    h0 = (50 * (0.1 + 0.3) + 50 * (0.3 + 0.5)) / 2  # 30 %
    assert res.damage_ratio[seg0] == pytest.approx(h0)
    assert res.p_block_collapse[seg0] == pytest.approx((0.3514 * h0 + 13.189) / 100)
    # an undamaged building along still gives the regression's intercept
    assert res.damage_ratio[seg1] == 0.0
    assert res.p_block_collapse[seg1] == pytest.approx(0.13189)
    np.testing.assert_allclose(res.p_block, res.p_block_collapse)
    assert not res.closed.any()


def test_no_building_along_means_no_collapse_blockage_and_wide_roads_stay_open():
    net = _street_network(3.0)
    res = bk.road_blockage(net, [box(0, 50, 10, 60)], [1.0], [1.0])
    assert (res.n_along == 0).all()
    assert (res.p_block == 0).all()
    wide = _street_network(20.0)
    res = bk.road_blockage(wide, [box(0, 11, 200, 20)], [1.0], [1.0])
    assert (res.n_along == 1).all()
    assert (res.p_block_collapse == 0).all()


def test_fire_and_closures_combine_with_collapse():
    net = _street_network(4.0)
    buildings = [box(10, 3, 20, 12), box(150, 2, 160, 10)]
    res = bk.road_blockage(net, buildings, [0.0, 0.0], [0.0, 0.0], p_burn=[0.5, 0.0], closures=[box(180, -5, 190, 5)])
    seg0, seg1 = _west_east(net)
    assert res.p_fire[seg0] == 0.5
    assert res.p_block[seg0] == pytest.approx(1 - (1 - 0.13189) * (1 - 0.5))
    assert res.closed[seg1] and not res.closed[seg0]
    assert res.p_block[seg1] == 1.0


def test_bad_damage_input_is_refused():
    net = _street_network(4.0)
    b = [box(10, 3, 20, 12)]
    with pytest.raises(InputError) as err:
        bk.road_blockage(net, b, [0.5], [0.2])
    assert err.value.parameter == "BUILDINGS"
    with pytest.raises(InputError):
        bk.road_blockage(net, b, [1.5], [1.5])
    with pytest.raises(InputError):
        bk.road_blockage(net, b, [0.1, 0.2], [0.3, 0.3])
    unknown = nw.build_network([LineString([(0, 0), (10, 0)])])
    with pytest.raises(InputError) as err:
        bk.road_blockage(unknown, b, [0.1], [0.2])
    assert err.value.parameter == "WIDTH_FIELD"
