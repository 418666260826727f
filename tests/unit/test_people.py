"""People per building: the shared default and the plausibility bound of an occupants field."""

from __future__ import annotations

import numpy as np

from suginami_gis.core import people


def test_default_occupants_is_suginamis_residents_per_footprint():
    assert people.DEFAULT_OCCUPANTS == 571_703 / 124_207
    assert round(people.DEFAULT_OCCUPANTS, 2) == 4.60


def test_implausible_occupants_bound():
    # 1.5 people per m² on 64 floors: 96 people per m² of footprint, so 9,600 over 100 m².
    area = np.array([100.0, 100.0, 100.0, np.nan, 0.0])
    occupants = np.array([9_600.0, 9_601.0, 1e9, 97.0, 96.0])
    assert people.implausible_occupants(occupants, area).tolist() == [False, True, True, True, False]
