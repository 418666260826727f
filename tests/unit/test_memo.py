"""core/memo.py: results kept only inside shared(), under a fingerprint of their inputs; equal to computing."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from suginami_gis.core import memo
from suginami_gis.core import network as nw


def counter():
    calls = []

    def compute():
        calls.append(1)
        return np.arange(3.0)

    return calls, compute


def test_outside_shared_every_call_computes():
    calls, compute = counter()
    memo.cached("x", (1,), compute)
    memo.cached("x", (1,), compute)
    assert len(calls) == 2 and not memo.active()


def test_inside_shared_equal_keys_compute_once_and_copies_protect_the_kept_value():
    calls, compute = counter()
    with memo.shared():
        first = memo.cached("x", (np.array([1.0, 2.0]), "a"), compute, copy=np.copy)
        first[0] = 99.0  # a caller changing its copy
        second = memo.cached("x", (np.array([1.0, 2.0]), "a"), compute, copy=np.copy)
        other = memo.cached("x", (np.array([1.0, 2.5]), "a"), compute, copy=np.copy)
        assert memo.counts() == {"x": (2, 1)}
    assert len(calls) == 2
    np.testing.assert_array_equal(second, [0.0, 1.0, 2.0])
    np.testing.assert_array_equal(other, [0.0, 1.0, 2.0])
    # forgotten at the end of the block
    memo.cached("x", (np.array([1.0, 2.0]), "a"), compute)
    assert len(calls) == 3


def test_fingerprint_tells_geometries_arrays_and_scalars_apart():
    a = np.array([shapely.box(0, 0, 1, 1), None], dtype=object)
    b = np.array([shapely.box(0, 0, 1, 1.000001), None], dtype=object)
    assert memo.fingerprint(a) == memo.fingerprint(a.copy())
    assert memo.fingerprint(a) != memo.fingerprint(b)
    assert memo.fingerprint(np.array([1, 2])) != memo.fingerprint(np.array([1.0, 2.0]))
    assert memo.fingerprint(1, None) != memo.fingerprint(None, 1)
    assert memo.fingerprint(["residential", None]) != memo.fingerprint(["residential", "footway"])
    with pytest.raises(TypeError):
        memo.fingerprint(object())


def test_shared_street_widths_equal_computed_ones_and_are_estimated_once(monkeypatch):
    """fill_widths on two copies of one network gives the same widths with and without sharing."""
    lines = [shapely.LineString([(0, 0), (100, 0)]), shapely.LineString([(100, 0), (100, 80)])]
    buildings = [shapely.box(10, 4, 30, 14), shapely.box(10, -16, 30, -3), shapely.box(104, 20, 120, 40)]
    buildings += [shapely.box(84, 20, 97, 40)]
    plain = nw.fill_widths(nw.build_network(lines), buildings)
    assert list(plain.width_source) == ["buildings", "buildings"]  # both estimated from the facades (7 m gap)
    calls = []
    estimate = nw.estimate_width_from_buildings

    def counted(*args, **kwargs):
        calls.append(1)
        return estimate(*args, **kwargs)

    monkeypatch.setattr(nw, "estimate_width_from_buildings", counted)
    with memo.shared():
        net = nw.build_network(lines)
        first = nw.fill_widths(net.copy(), buildings)
        second = nw.fill_widths(net.copy(), buildings)
    assert len(calls) == 1
    for filled in (first, second):
        np.testing.assert_array_equal(filled.width, plain.width)
        np.testing.assert_array_equal(filled.width_source, plain.width_source)
    assert np.isnan(net.width).all(), "the copy given to fill_widths is changed, not the network it came from"


def test_keep_and_kept_only_inside_a_shared_block():
    from suginami_gis.core import memo

    memo.keep("kind", ("a", 1), "outside")
    assert memo.kept("kind", ("a", 1)) is None  # nothing is kept outside
    with memo.shared():
        assert memo.kept("kind", ("a", 1)) is None
        memo.keep("kind", ("a", 1), [1, 2], seconds=0.5)
        assert memo.kept("kind", ("a", 1)) == [1, 2]
        assert memo.kept("kind", ("a", 2)) is None  # another key
        assert memo.kept("kind", ("a", 1), count=False) == [1, 2]
        assert memo.counts()["kind"] == (0, 1) and memo.saved_seconds()["kind"] == 0.5
    assert memo.kept("kind", ("a", 1)) is None  # forgotten at the end of the block
