"""Plausible ranges of building heights and floors, and of Wi-Fi access points' EIRP and height.

A typo (a height in centimetres, 10^6 m, transmit power in mW typed into a dBm field) must not
pass silently: each check returns which values are *refused* (no building or legal access point can
have them) and which are only *warned* about (possible, but above anything in Japan). The QGIS layer
turns them into messages that name the field, the feature ids and the fix.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

# --- buildings -------------------------------------------------------------------------------------
# The tallest building in Japan: 麻布台ヒルズ森JPタワー (Azabudai Hills Mori JP Tower, completed 2023),
# 325.19 m and 64 storeys above ground (Mori Building's project data); rounded up to 330 m. Above it a
# height is possible elsewhere but not in a Japanese ward: warned.
MAX_HEIGHT_JAPAN_M = 330.0
MAX_STOREYS_JAPAN = 64
# The tallest building in the world: Burj Khalifa (Dubai, 2010), 828 m and 163 storeys above ground
# (CTBUH Skyscraper Center). No building is taller: a larger value is a unit or typing error, refused.
MAX_HEIGHT_WORLD_M = 828.0
MAX_STOREYS_WORLD = 163

# --- access points ---------------------------------------------------------------------------------
# Japan's wireless LAN (小電力データ通信システム, 無線設備規則 第49条の20; certification under 電波法):
# - 2,400-2,483.5 MHz, OFDM: 10 mW per MHz of antenna power (第49条の20 第1号 ホ) into an antenna of
#   at most 2.14 dBi unless the EIRP stays at or below that of 2.14 dBi with 10 mW/MHz: 12.14 dBm/MHz,
#   i.e. 25.2 dBm EIRP over a 20 MHz channel.
# - 5,150-5,350 MHz (W52/W53): EIRP 10 mW/MHz, 200 mW (23 dBm) over 20 MHz (indoor; W52 outdoor
#   stations registered since 2018 up to 1 W).
# - 5,470-5,730 MHz (W56): EIRP at most 1 W and 50 mW/MHz (with transmit power control).
# 1 W (30 dBm) EIRP is the most any Wi-Fi access point may radiate in Japan: more is refused (a value
# in mW typed as dBm is the usual cause). Above the band's 20 MHz-channel limit is legal only on a
# wider channel (the same power per MHz): warned.
MAX_EIRP_DBM = 30.0
EIRP_20MHZ_LIMIT_DBM = (
    # (lowest MHz, highest MHz, EIRP limit over a 20 MHz channel in dBm)
    (2400.0, 2483.5, 10.0 + 10.0 * np.log10(20.0) + 2.14),
    (5150.0, 5350.0, 10.0 * np.log10(200.0)),
    (5470.0, 5730.0, 30.0),
)
# Below 1 mW (0 dBm) an access point is implausibly weak: the usual cause is a value in dBW
# (dBW = dBm - 30). Warned.
MIN_PLAUSIBLE_EIRP_DBM = 0.0
# An antenna above the roof of Japan's tallest building is warned about; above Japan's tallest
# structure, Tokyo Skytree (634 m, 2012), it is refused.
MAX_ANTENNA_HEIGHT_WARN_M = MAX_HEIGHT_JAPAN_M
MAX_ANTENNA_HEIGHT_M = 634.0


@dataclass(frozen=True)
class Findings:
    """Indices of the values refused and of those only warned about (disjoint)."""

    refused: np.ndarray
    warned: np.ndarray


def _findings(refused: np.ndarray, warned: np.ndarray) -> Findings:
    return Findings(np.flatnonzero(refused), np.flatnonzero(warned & ~refused))


def _finite(values: Any) -> tuple[np.ndarray, np.ndarray]:
    arr = np.asarray(values, dtype=np.float64)
    return arr, np.isfinite(arr)


def building_heights(heights_m: Any) -> Findings:
    """Refused: negative or above the world's tallest building (828 m); warned: above 330 m. NaN passes."""
    h, ok = _finite(heights_m)
    return _findings(ok & ((h < 0) | (h > MAX_HEIGHT_WORLD_M)), ok & (h > MAX_HEIGHT_JAPAN_M))


def building_floors(floors: Any) -> Findings:
    """Refused: negative or above 163 storeys; warned: above Japan's 64. NaN passes."""
    f, ok = _finite(floors)
    return _findings(ok & ((f < 0) | (f > MAX_STOREYS_WORLD)), ok & (f > MAX_STOREYS_JAPAN))


def antenna_heights(heights_m: Any) -> Findings:
    """Refused: negative or above Tokyo Skytree (634 m); warned: above 330 m. NaN passes."""
    h, ok = _finite(heights_m)
    return _findings(ok & ((h < 0) | (h > MAX_ANTENNA_HEIGHT_M)), ok & (h > MAX_ANTENNA_HEIGHT_WARN_M))


def eirp_20mhz_limit_dbm(frequency_mhz: Any) -> np.ndarray:
    """The band's EIRP limit over a 20 MHz channel (dBm); NaN outside Japan's wireless LAN bands."""
    f = np.asarray(frequency_mhz, dtype=np.float64)
    limit = np.full(f.shape, np.nan)
    for low, high, value in EIRP_20MHZ_LIMIT_DBM:
        limit[(f >= low) & (f <= high)] = value
    return limit


def access_point_eirp(eirp_dbm: Any, frequency_mhz: Any) -> Findings:
    """Refused: above 30 dBm (1 W); warned: above the band's 20 MHz limit, or below 0 dBm. NaN passes."""
    e, ok = _finite(eirp_dbm)
    limit = eirp_20mhz_limit_dbm(np.broadcast_to(np.asarray(frequency_mhz, dtype=np.float64), e.shape))
    with np.errstate(invalid="ignore"):
        above_band = np.isfinite(limit) & (e > limit + 1e-9)
    return _findings(ok & (e > MAX_EIRP_DBM), ok & (above_band | (e < MIN_PLAUSIBLE_EIRP_DBM)))
