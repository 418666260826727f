"""The damage benchmark's export of the built-in curves to OpenQuake NRML (benchmarks/openquake_peer.py).

The benchmark compares the plugin with OpenQuake on curves rewritten in PGV; the comparison only
means something if the rewritten curves are the same curves. Read back with the plugin's own NRML
reader, every class must give the built-in probabilities at every PGV below the I = 7.0 cap, and the
maxIML (OpenQuake clips the ground motion there) must be the PGV of I = 7.0.
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

from suginami_gis.core import fragility as fr

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import openquake_peer


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    path = tmp_path_factory.mktemp("nrml") / "fragility.xml"
    builtin = fr.load_curve_set()
    openquake_peer.fragility_nrml(builtin, path)
    return builtin, fr.load_nrml(path, {"collapse": "collapse", "half": "half"}), path


def test_every_class_exported_once(exported):
    builtin, nrml, _ = exported
    assert sorted(c.taxonomy for c in nrml.classes) == sorted(c.id for c in builtin.classes)


def test_same_probabilities_in_pgv_as_in_intensity(exported):
    builtin, nrml, _ = exported
    pgv = np.geomspace(0.5, float(fr.pgv_from_intensity(6.999)), 400)
    intensity = fr.intensity_from_pgv(pgv)
    by_taxonomy = {c.taxonomy: c for c in nrml.classes}
    for c in builtin.classes:
        other = by_taxonomy[c.id]
        for ours, theirs in ((c.collapse, other.collapse), (c.half, other.half)):
            expected = ours.probability(intensity)
            got = theirs.probability(pgv)
            np.testing.assert_allclose(got, expected, rtol=0, atol=1e-9)
            # the PGV range covers the steep part of every curve, so the check is not vacuous
            assert np.any((expected > 0.01) & (expected < 0.99))


def test_max_iml_is_the_intensity_cap(exported):
    _, _, path = exported
    ns = {"n": "http://openquake.org/xmlns/nrml/0.5"}
    imls = ET.parse(path).getroot().findall(".//n:imls", ns)
    assert imls
    for node in imls:
        assert node.get("imt") == "PGV"
        assert float(node.get("maxIML")) == pytest.approx(float(fr.pgv_from_intensity(7.0)), rel=1e-9)
        # below minIML every built-in curve is zero, so OpenQuake's clipping there changes nothing
        min_intensity = fr.intensity_from_pgv(float(node.get("minIML")))
        assert min_intensity < 0
