"""core/overdraw.py: each distinct segment once, with the last line holding it, against a plain dictionary oracle."""

from __future__ import annotations

import itertools

import numpy as np
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from suginami_gis.core.overdraw import last_drawn_segments


def oracle(lines):
    """Segment (end points ordered) -> position of the last line holding it, by walking every line in order."""
    last = {}
    for k, line in enumerate(lines):
        if line is None or line.is_empty:
            continue
        for part in shapely.get_parts(line):
            xy = [tuple(p) for p in shapely.get_coordinates(part)]
            for a, b in itertools.pairwise(xy):
                if a != b:
                    last[tuple(sorted((a, b)))] = k
    return last


def as_dict(segments):
    return {
        tuple(sorted((tuple(a), tuple(b)))): int(k)
        for a, b, k in zip(segments.start.tolist(), segments.end.tolist(), segments.line)
    }


def test_a_shared_street_is_kept_once_with_the_last_route_over_it_in_either_direction():
    lines = np.array(
        [
            shapely.LineString([(0, 0), (1, 0), (2, 0)]),
            shapely.LineString([(2, 0), (1, 0), (1, 1)]),  # (1,0)-(2,0) again, drawn the other way
            None,
            shapely.MultiLineString([[(0, 0), (1, 0)], [(5, 5), (6, 5)]]),
            shapely.LineString(),
        ],
        dtype=object,
    )
    got = last_drawn_segments(lines)
    assert as_dict(got) == {
        ((0.0, 0.0), (1.0, 0.0)): 3,
        ((1.0, 0.0), (2.0, 0.0)): 1,
        ((1.0, 0.0), (1.0, 1.0)): 1,
        ((5.0, 5.0), (6.0, 5.0)): 3,
    }
    # a multi-part line's parts are not joined by a segment between them
    assert ((1.0, 0.0), (5.0, 5.0)) not in as_dict(got)
    # each start is before its end (x, then y)
    assert all(tuple(a) < tuple(b) for a, b in zip(got.start.tolist(), got.end.tolist()))


def test_no_lines_give_no_segments():
    got = last_drawn_segments(np.array([None, shapely.LineString()], dtype=object))
    assert got.start.shape == (0, 2) and got.line.shape == (0,)


grid = st.integers(min_value=0, max_value=4)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.tuples(grid, grid), min_size=2, max_size=7), min_size=1, max_size=25))
def test_equals_the_oracle_on_routes_over_a_small_grid(paths):
    """Routes over a 5 x 5 grid of nodes share, reverse and repeat segments (and hold zero-length ones)."""
    lines = np.array([shapely.LineString(p) for p in paths], dtype=object)
    assert as_dict(last_drawn_segments(lines)) == oracle(lines)
