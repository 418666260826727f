"""The public profile's legend colours stay distinct with colour-vision deficiency (CVD).

Each legend's neighbouring classes are compared in CIELAB (D65) as seen with normal vision and as
simulated for full protanopia, deuteranopia and tritanopia with the matrices of Machado, Oliveira
& Fernandes (2009), "A physiologically-based model for simulation of color vision deficiency",
IEEE TVCG 15(6), table for severity 1.0, applied to linear sRGB.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from suginami_gis.core.publish.profile import load_profile

MACHADO_2009 = {
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]],
    "normal": np.eye(3).tolist(),
}
# Smallest colour difference (CIE76 ΔE*ab) between neighbouring legend classes: five times the
# just-noticeable difference of about 2.3 (Sharma & Bala, Digital Color Imaging Handbook, 2003),
# and what ColorBrewer's "colour-blind safe" YlOrRd reaches for protanopes (11.8); for deuteranopes
# YlOrRd's 6 classes are only 7.5 apart, the reason the damage legends use magma instead.
MIN_DELTA_E = 11.5


def _linear(hex_colour: str) -> np.ndarray:
    c = np.array([int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)])
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _lab(linear_rgb: np.ndarray) -> np.ndarray:
    rgb_to_xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    t = rgb_to_xyz @ np.clip(linear_rgb, 0, 1) / np.array([0.95047, 1.0, 1.08883])
    f = np.where(t > (6 / 29) ** 3, np.cbrt(t), t / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def smallest_step(colours: list[str], vision: str) -> float:
    """The smallest ΔE*ab between neighbouring colours as seen with ``vision``."""
    m = np.array(MACHADO_2009[vision])
    labs = [_lab(m @ _linear(c)) for c in colours]
    return min(float(np.linalg.norm(b - a)) for a, b in itertools.pairwise(labs))


LEGENDS = {
    kind: [c.color for c in spec.legend.classes]
    for kind, spec in load_profile().kinds.items()
    if spec.legend is not None and len(spec.legend.classes) > 1
}


def test_the_measure_tells_safe_from_unsafe_ramps():
    """Red-green ramps collapse for deuteranopes; viridis (designed for CVD) does not."""
    red_green = ["#1a9641", "#a6d96a", "#fdae61", "#d7191c"]
    assert smallest_step(red_green, "normal") > 30 and smallest_step(red_green, "deuteranopia") < 7
    viridis = ["#fde725", "#7ad151", "#22a884", "#2a788e", "#414487", "#440154"]
    assert all(smallest_step(viridis, v) > 17 for v in MACHADO_2009)
    # A grey seen by anyone is a grey: the simulations keep neutral colours neutral.
    for v, m in MACHADO_2009.items():
        assert np.allclose(np.array(m) @ np.ones(3), 1.0, atol=2e-3), v


@pytest.mark.parametrize("vision", list(MACHADO_2009))
@pytest.mark.parametrize("kind", sorted(LEGENDS))
def test_neighbouring_legend_classes_stay_distinct(kind, vision):
    assert smallest_step(LEGENDS[kind], vision) >= MIN_DELTA_E
