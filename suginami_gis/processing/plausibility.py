"""Messages for implausible heights, floors and EIRP (core/plausibility.py): refused or warned about.

Each message names the field (or parameter), how many features, their feature ids with the value,
and the fix; warned values are used as given.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..core import plausibility as pl
from ..core.errors import InputError
from .i18n import tr

# At most this many features are named in a message (the count says how many there are).
NAMED_FEATURES = 5

BUILDING_HEIGHT, FLOORS, ANTENNA_HEIGHT, EIRP = "building_height", "floors", "antenna_height", "eirp"


def _texts(kind: str) -> tuple[str, str, str, str, str]:
    """(unit, refused value, fix, warned value, note) of ``kind``, translated."""
    if kind == BUILDING_HEIGHT:
        return (
            "m",
            tr("a building height below 0 m or above 828 m (Burj Khalifa, the world's tallest building)"),
            tr("check the field holds metres (not centimetres or millimetres), then correct or remove them"),
            tr("a building height above 330 m (Japan's tallest building)"),
            tr("check the unit is metres"),
        )
    if kind == FLOORS:
        return (
            "",
            tr("a number of floors below 0 or above 163 (Burj Khalifa, the world's tallest building)"),
            tr("check the field holds storeys above ground, then correct or remove them"),
            tr("more than 64 floors (Japan's tallest building)"),
            tr("check the field holds storeys, not metres"),
        )
    if kind == ANTENNA_HEIGHT:
        return (
            "m",
            tr("an antenna height below 0 m or above 634 m (Tokyo Skytree, Japan's tallest structure)"),
            tr("give the height in metres above ground (not centimetres)"),
            tr("an antenna height above 330 m (the roof of Japan's tallest building)"),
            tr("check the unit is metres"),
        )
    return (
        "dBm",
        tr("an EIRP above 30 dBm (1 W), the most a Wi-Fi access point may radiate in Japan (無線設備規則 第49条の20)"),
        tr("give the EIRP in dBm, 10·log10 of the power in mW (100 mW = 20 dBm)"),
        tr(
            "an EIRP above the 20 MHz-channel limit of its band in Japan (2.4 GHz 25.2 dBm, 5.2/5.3 GHz 23 dBm, "
            "5.6 GHz 30 dBm) or below 0 dBm"
        ),
        tr("above the limit is legal only on a wider channel; below 0 dBm the value may be in dBW (dBm = dBW + 30)"),
    )


def _named(indices: np.ndarray, ids: Sequence[Any], values: np.ndarray, unit: str) -> str:
    shown = [f"{ids[i]} ({values[i]:,.10g}{' ' + unit if unit else ''})" for i in indices[:NAMED_FEATURES]]
    return ", ".join(shown) + (", …" if len(indices) > NAMED_FEATURES else "")


def check(
    kind: str,
    values: Any,
    ids: Sequence[Any],
    parameter: str,
    feedback: Any,
    frequency_mhz: Any = None,
    refuse: bool = True,
) -> None:
    """Refuse (InputError naming ``parameter``) or warn about implausible ``values`` of the features ``ids``.

    ``refuse`` False only warns, also about values that would be refused (an import keeps the data as given).
    """
    values = np.asarray(values, dtype=np.float64)
    if kind == BUILDING_HEIGHT:
        found = pl.building_heights(values)
    elif kind == FLOORS:
        found = pl.building_floors(values)
    elif kind == ANTENNA_HEIGHT:
        found = pl.antenna_heights(values)
    else:
        found = pl.access_point_eirp(values, frequency_mhz)
    unit, refused_what, fix, warned_what, note = _texts(kind)
    if found.refused.size:
        message = tr("{0} feature(s) have {1} (feature ids {2}); {3}").format(
            found.refused.size, refused_what, _named(found.refused, ids, values, unit), fix
        )
        if refuse:
            raise InputError(message, parameter)
        feedback.pushWarning(tr("{0}: {1}. They are kept as given.").format(parameter, message))
    if found.warned.size:
        feedback.pushWarning(
            tr("{0}: {1} feature(s) have {2} (feature ids {3}); {4}. They are used as given.").format(
                parameter, found.warned.size, warned_what, _named(found.warned, ids, values, unit), note
            )
        )
