"""Repair of vector tiles (QGIS 3.22 writes empty features and zero-length parts; MVT 2.1 forbids them)."""

from __future__ import annotations

import gzip
import sqlite3

import pytest

from suginami_gis.core.publish import mvt

# ---- a tiny independent MVT encoder (protobuf wire format, MVT 2.1) ------------------------------


def varint(n: int) -> bytes:
    out = b""
    while True:
        byte, n = n & 0x7F, n >> 7
        out += bytes([byte | (0x80 if n else 0)])
        if not n:
            return out


def ld(field: int, payload: bytes) -> bytes:
    return varint(field << 3 | 2) + varint(len(payload)) + payload


def zz(n: int) -> int:
    return (n << 1) ^ (n >> 31)


def command(cid: int, count: int) -> int:
    return cid | count << 3


def feature(geometry_type: int, ints: list[int] | None, fid: int = 7) -> bytes:
    body = varint(1 << 3) + varint(fid) + ld(2, varint(0) + varint(0)) + varint(3 << 3) + varint(geometry_type)
    if ints is not None:
        body += ld(4, b"".join(varint(v) for v in ints))
    return body


def tile(*features: bytes, name: str = "buildings") -> bytes:
    layer = varint(15 << 3) + varint(2) + ld(1, name.encode()) + b"".join(ld(2, f) for f in features)
    layer += ld(3, b"p_collapse") + ld(4, varint(3 << 3 | 1) + b"\x00" * 8) + varint(5 << 3) + varint(4096)
    return ld(3, layer)


SQUARE = [command(1, 1), zz(10), zz(10), command(2, 3), zz(20), zz(0), zz(0), zz(20), zz(-20), zz(0), command(7, 1)]
LINE = [command(1, 1), zz(5), zz(5), command(2, 2), zz(10), zz(0), zz(0), zz(10)]
# A line whose first part is a lone MoveTo followed by a zero-count LineTo (QGIS issue #56044).
BROKEN_LINE = [command(1, 1), zz(3), zz(3), command(2, 0), command(1, 1), zz(2), zz(2), command(2, 1), zz(10), zz(0)]
POINTS = [command(1, 2), zz(1), zz(2), zz(3), zz(4)]


def test_valid_tiles_are_left_byte_for_byte():
    data = tile(feature(3, SQUARE), feature(2, LINE), feature(1, POINTS))
    report = mvt.CleanReport()
    assert mvt.clean_tile(data, report) is data
    assert report.tiles == 1 and report.tiles_changed == 0
    assert [mvt.geometry_is_valid(t, g) for _, t, g in mvt.iter_features(data)] == [True, True, True]


def test_empty_geometry_features_are_dropped():
    data = tile(feature(3, SQUARE, 1), feature(3, [], 2), feature(3, None, 3), feature(2, LINE, 4))
    report = mvt.CleanReport()
    cleaned = mvt.clean_tile(data, report)
    got = list(mvt.iter_features(cleaned))
    assert [(t, g) for _, t, g in got] == [(3, SQUARE), (2, LINE)]
    assert report.features_dropped == 2 and report.tiles_changed == 1
    assert all(name == "buildings" for name, _, _ in got)
    # Layer keys, values and extent survive the rewrite.
    assert b"p_collapse" in cleaned and varint(5 << 3) + varint(4096) in cleaned


def test_zero_length_parts_are_removed_and_coordinates_kept():
    cleaned = mvt.clean_tile(tile(feature(2, BROKEN_LINE)))
    ((_, geometry_type, ints),) = list(mvt.iter_features(cleaned))
    assert geometry_type == 2 and mvt.geometry_is_valid(2, ints)
    # The surviving part keeps its absolute coordinates: starts at (5, 5) and goes to (15, 5).
    assert mvt.decode_geometry(ints) == [[(5, 5), (15, 5)]]


@pytest.mark.parametrize(
    "geometry_type, ints, valid",
    [
        (3, SQUARE, True),
        (2, LINE, True),
        (1, POINTS, True),
        (2, BROKEN_LINE, False),
        (3, [], False),
        (0, LINE, False),  # unknown geometry type
        (2, [command(1, 1), zz(1)], False),  # ends early
        (2, [command(4, 1), zz(1), zz(1)], False),  # no such command
        (3, [command(1, 1), zz(0), zz(0), command(2, 1), zz(5), zz(5), command(7, 1)], False),  # 2-point ring
    ],
)
def test_geometry_validity_follows_the_spec(geometry_type, ints, valid):
    assert mvt.geometry_is_valid(geometry_type, ints) is valid


def test_folders_and_mbtiles_are_repaired_in_place(tmp_path):
    bad = tile(feature(3, SQUARE), feature(3, []))
    good = tile(feature(3, SQUARE))
    folder = tmp_path / "tiles"
    (folder / "14" / "1").mkdir(parents=True)
    (folder / "14" / "1" / "2.pbf").write_bytes(bad)
    (folder / "14" / "1" / "3.pbf").write_bytes(gzip.compress(bad))
    (folder / "14" / "1" / "4.pbf").write_bytes(b"")  # an empty tile stays empty
    report = mvt.clean_tile_folder(folder)
    assert report.tiles == 3 and report.tiles_changed == 2 and report.features_dropped == 2
    assert (folder / "14" / "1" / "2.pbf").read_bytes() == good
    assert gzip.decompress((folder / "14" / "1" / "3.pbf").read_bytes()) == good
    assert (folder / "14" / "1" / "4.pbf").read_bytes() == b""

    path = tmp_path / "layer.mbtiles"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE tiles (zoom_level integer, tile_column integer, tile_row integer, tile_data blob)")
        db.execute("INSERT INTO tiles VALUES (14, 1, 2, ?)", (gzip.compress(bad),))
        db.execute("INSERT INTO tiles VALUES (14, 1, 3, ?)", (gzip.compress(good),))
    report = mvt.clean_mbtiles(path)
    assert report.tiles == 2 and report.tiles_changed == 1
    with sqlite3.connect(path) as db:
        blobs = [gzip.decompress(b) for (b,) in db.execute("SELECT tile_data FROM tiles ORDER BY tile_row")]
    assert blobs == [good, good]
