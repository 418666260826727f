"""Memory estimates before heavy work and the refusal past MEMORY_LIMIT_GB (core/resources.py)."""

from __future__ import annotations

import os

import pytest
import shapely

from suginami_gis.core import resources, wifi
from suginami_gis.core.errors import InputError


def test_default_limit_is_half_of_this_machines_memory():
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    assert resources.physical_memory_bytes() == total
    assert resources.default_memory_limit_gb() == pytest.approx(total / 2 / 1e9, abs=0.05)


def test_the_reported_many_band_raster_is_estimated_above_six_gigabytes():
    # 10,001 bands for 9,102 buildings took 9.4 GB with its raster: 72 bytes per band x building alone is 6.6 GB.
    estimate = resources.building_damage(10_001, 0, 9_102)
    assert 6.5 < estimate.gb < 9.4
    with_raster = resources.building_damage(10_001, 100 * 100, 9_102)
    assert with_raster.bytes == estimate.bytes + 10_001 * 100 * 100 * resources.DAMAGE_RASTER_BYTES_PER_VALUE


def test_refusal_names_the_parameter_and_the_limit_to_raise():
    estimate = resources.wifi_placement(4_000_000, 160_000)
    with pytest.raises(InputError) as info:
        resources.check_memory(estimate, 8.0)
    assert info.value.parameter == "CANDIDATE_SPACING"
    assert "raise MEMORY_LIMIT_GB" in str(info.value) and "limit of 8.0 GB" in str(info.value)
    resources.check_memory(resources.wifi_placement(100, 1_000), 8.0)  # 1.7 MB passes
    # 0 or None mean the default limit.
    assert resources.effective_limit_gb(0) == resources.effective_limit_gb(None) == resources.default_memory_limit_gb()


@pytest.mark.parametrize("spacing", [1.0, 3.0, 7.5, 20.0])
def test_placement_size_bounds_the_candidates_actually_made(spacing):
    sites = [
        wifi.Site("a", shapely.box(0.0, 0.0, 83.0, 41.0)),
        wifi.Site("b", shapely.Polygon([(200, 0), (260, 10), (230, 70)])),
    ]
    buildings = wifi.Buildings(
        [shapely.box(70.0, 30.0, 95.0, 60.0), shapely.box(500.0, 500.0, 520.0, 520.0)], [8.0, 30.0]
    )
    count, pixels = wifi.placement_size(sites, buildings, spacing, 2.0)
    made = wifi.candidate_access_points(sites, buildings, spacing)
    assert len(made) <= count
    if spacing <= 3.0:  # where the work is big, the bound is close
        assert count <= 1.5 * len(made)
    assert pixels == pytest.approx((83 * 41 + 60 * 70 / 2 - 0) / 4.0, rel=0.1)


def test_ground_motion_output_bytes_are_two_float32_rasters():
    assert resources.ground_motion_output_bytes(1_000, 9) == 2 * 10 * 1_000 * 4


def test_free_bytes_of_a_folder_not_yet_made(tmp_path):
    assert resources.free_bytes(tmp_path / "a" / "b" / "out.tif") == resources.free_bytes(tmp_path / "x.tif") > 0
