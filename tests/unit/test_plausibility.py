"""Plausible ranges of building heights and floors, antenna heights and Wi-Fi EIRP (core/plausibility.py)."""

from __future__ import annotations

import math

import numpy as np

from suginami_gis.core import plausibility as pl


def test_building_heights_refused_outside_the_world_warned_above_japan():
    found = pl.building_heights([-1.0, 0.0, 9.5, 325.19, 330.0, 331.0, 828.0, 829.0, 1e6, np.nan])
    assert found.refused.tolist() == [0, 7, 8]
    assert found.warned.tolist() == [5, 6]


def test_floors_bounds_are_japans_and_the_worlds_tallest_buildings():
    found = pl.building_floors([64, 65, 163, 164, -2, np.nan, 2])
    assert found.refused.tolist() == [3, 4]
    assert found.warned.tolist() == [1, 2]


def test_antenna_heights_refused_above_tokyo_skytree():
    found = pl.antenna_heights([10.0, 330.0, 450.0, 634.0, 635.0, -0.5])
    assert found.refused.tolist() == [4, 5]
    assert found.warned.tolist() == [2, 3]


def test_20_mhz_eirp_limits_of_japans_bands():
    # 2.4 GHz: 10 mW/MHz into 2.14 dBi over 20 MHz; 5.2/5.3 GHz: 200 mW EIRP; 5.6 GHz: 1 W.
    limits = pl.eirp_20mhz_limit_dbm([2412.0, 2484.0, 5180.0, 5320.0, 5400.0, 5500.0, 5720.0, 5800.0])
    assert math.isclose(limits[0], 10 + 10 * math.log10(20) + 2.14)
    assert round(limits[0], 1) == 25.2
    assert math.isnan(limits[1]) and math.isnan(limits[4]) and math.isnan(limits[7])
    assert math.isclose(limits[2], 10 * math.log10(200)) and math.isclose(limits[3], limits[2])
    assert limits[5] == limits[6] == 30.0


def test_eirp_refused_above_one_watt_warned_above_the_band_limit_or_below_one_milliwatt():
    eirp = [20.0, 25.0, 26.0, 23.0, 24.0, 30.0, 30.1, 100.0, -10.0, np.nan]
    freq = [2437.0, 2437.0, 2437.0, 5180.0, 5180.0, 5500.0, 5500.0, 2437.0, 2437.0, 2437.0]
    found = pl.access_point_eirp(eirp, freq)
    # 100 mW typed into a dBm field is 100 dBm: refused, as is anything above 1 W.
    assert found.refused.tolist() == [6, 7]
    assert found.warned.tolist() == [2, 4, 8]
    # The project's default EIRP is legal on every band.
    assert pl.access_point_eirp([20.0] * 3, [2437.0, 5180.0, 5500.0]).warned.size == 0
